//! (stage: transform)
