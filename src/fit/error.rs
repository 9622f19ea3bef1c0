//! Why a fit could not be attempted at all (bad or insufficient input).
//!
//! A fit that ran but should not be trusted is not an error: it carries a plain-words
//! `degenerate` message instead.

use thiserror::Error;

/// Input that cannot be fitted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FitError {
    /// Fewer distinct sample sizes than the law needs (for the surface: along the scarcer axis),
    /// or, for the surface, fewer than six points in all.
    #[error(
        "too few points to fit the law: got {got}, need at least {need} \
         (counting distinct sample sizes per axis; the surface also needs 6 points in all)"
    )]
    TooFewPoints { got: usize, need: usize },
    /// A sample size or an error value is NaN or infinite.
    #[error("point {index} is not a finite number (NaN or infinity) and cannot be fitted")]
    NonFinite { index: usize },
    /// A sample size is zero or negative (n^-α is undefined there).
    #[error("point {index} has a sample size ≤ 0; sample sizes must be positive")]
    NonPositiveN { index: usize },
    /// The coordinate and value slices have different lengths.
    #[error("the inputs have different lengths ({lens}); every point needs one value of each")]
    LengthMismatch { lens: String },
    /// A fixed parameter value that the law does not allow (non-finite, negative, or an
    /// exponent above the search bound).
    #[error("fixed parameter {name} = {value} is not allowed: {why}")]
    BadFixed { name: &'static str, value: String, why: String },
    /// A fixed-parameter name the law does not have (`valid` lists the law's names; `hint` is
    /// "; did you mean `x`?" for a near miss, or empty).
    #[error("unknown parameter `{name}` (valid: {valid}){hint}")]
    UnknownParameter { name: String, valid: String, hint: String },
}

/// Costs, sample sizes or a goal that a budget cannot be planned with.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BudgetInputError {
    /// `which` is "source cost" or "target cost".
    #[error("the {which} must be a finite number > 0, not {value}")]
    Cost { which: &'static str, value: f64 },
    #[error("`have` must be positive sample sizes, not (n = {n}, m = {m})")]
    Have { n: f64, m: f64 },
    #[error("the goal must be a finite MAE > 0, not {0}")]
    Goal(f64),
    #[error("the spend must be a finite number ≥ 0, not {0}")]
    Spend(f64),
}
