//! (stage: exec)
