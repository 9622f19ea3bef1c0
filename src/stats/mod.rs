//! (stage: stats) Descriptive statistics, confidence intervals of means (Student t for few trials,
//! percentile bootstrap for many) and the joint bootstrap over trials shared by grid cells.
//!
//! Everything here works on plain `f64` slices and never panics: empty or otherwise degenerate
//! input gives `NaN` (documented per function), so callers can store the numbers as they are.

mod bootstrap;
mod interval;
mod normal;
mod paired;
mod summary;

pub use bootstrap::bootstrap_mean_ci;
pub use interval::{BOOTSTRAP_MIN_TRIALS, MeanCi, RELIABLE_MIN_TRIALS, mean_ci, t_critical};
pub use normal::{erf, expanded_tail, normal_cdf};
pub use paired::JointBootstrap;
pub use summary::{mean, median, quantile, sd};
