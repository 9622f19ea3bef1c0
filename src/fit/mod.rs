//! (stage: fit)
