//! (stage: transform) Column pipelines fitted on training rows only.
//!
//! A `transform x = log | standardize` line becomes a [`Pipeline`]: per column, the steps
//! (`check::model::TransformKind`) applied left to right, each fitted on the training rows'
//! output of the previous step. [`Pipeline::apply`] transforms any rows with the fitted
//! parameters; [`Pipeline::inverse`] maps model outputs back to the label's own units.
//!
//! Files: `pipeline.rs` (the per-column pipeline), `step.rs` (one fitted step: forward, inverse,
//! description), `yeo_johnson.rs` (the Yeo–Johnson transform and its maximum-likelihood λ),
//! `bounded_min.rs` (scalar bounded minimiser used for λ), `error.rs` (the error type).

mod bounded_min;
mod error;
mod pipeline;
mod step;
pub mod yeo_johnson;

pub use error::TransformError;
pub use pipeline::{NEGLIGIBLE_SPREAD, Pipeline, input_steps, negligible_spread};
pub use step::{Step, StepError};
