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
}

impl TransformError {
    pub fn new(message: impl Into<String>, column: usize, row: Option<usize>) -> Self {
        TransformError { message: message.into(), column, row }
    }
}

fn row_suffix(row: &Option<usize>) -> String {
    match row {
        Some(r) => format!(", row {r}"),
        None => String::new(),
    }
}
