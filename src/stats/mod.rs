//! (stage: stats)
