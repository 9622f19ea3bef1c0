//! (stage: stats) Descriptive statistics and percentile-bootstrap confidence intervals.
//!
//! Everything here works on plain `f64` slices and never panics: empty or otherwise degenerate
//! input gives `NaN` (documented per function), so callers can store the numbers as they are.

mod bootstrap;
mod summary;

pub use bootstrap::bootstrap_mean_ci;
pub use summary::{mean, median, quantile, sd};
