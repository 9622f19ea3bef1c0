//! (stage: report)
