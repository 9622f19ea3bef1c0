//! The transform stage's error: what went wrong, in which column and (where known) which row.

use thiserror::Error;

/// A transform could not be fitted or applied.
///
/// Displays as `column 2, row 17: log needs values > 0, got -3`; `row` is `None` where the
/// problem is not tied to one row (no training rows, wrong column count).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("column {column}{}: {message}", row_suffix(.row))]
pub struct TransformError {
    pub message: String,
    /// Column index in the matrix handed to `fit`/`apply`.
    pub column: usize,
    /// Row index in that matrix (not the position in the training-row list).
    pub row: Option<usize>,
    /// What would work instead, where the failure says (a log step on values outside its domain:
    /// which transform accepts the smallest value that reached it).
    pub help: Option<String>,
}

impl TransformError {
    pub fn new(message: impl Into<String>, column: usize, row: Option<usize>) -> Self {
        TransformError { message: message.into(), column, row, help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The help for a log step (`log`, `log10` or `log1p`) that met a value outside its domain, given
/// the smallest value reaching that step: `log1p` where every value is above −1 (and the failed
/// step is not `log1p` itself), otherwise `yeo_johnson`, the one transform defined for every value.
pub fn log_domain_help(step: &str, min: f64) -> String {
    let min_text = crate::number::sig_trim(min, 4);
    if step != "log1p" && min > -1.0 {
        format!(
            "the smallest value reaching `{step}` is {min_text}: `log1p` accepts it (it needs values > -1), and \
             `yeo_johnson` accepts every value"
        )
    } else {
        format!(
            "the smallest value reaching `{step}` is {min_text}, at or below -1, where `log1p` fails too: use \
             `yeo_johnson`, which accepts every value (or `standardize` alone, or drop the log)"
        )
    }
}

fn row_suffix(row: &Option<usize>) -> String {
    match row {
        Some(r) => format!(", row {r}"),
        None => String::new(),
    }
}
