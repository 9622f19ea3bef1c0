//! (stage: syntax)
