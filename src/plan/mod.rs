//! (stage: plan)
