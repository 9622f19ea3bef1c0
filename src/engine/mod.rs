//! (stage: engine)
