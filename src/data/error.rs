//! The data stage's error: one message, plus where it happened (study span, file, column, row).

use thiserror::Error;

use crate::diag::{Problem, ProblemKind};
use crate::ir::Span;

/// An error found while loading or transforming a table, or while turning columns into numbers.
///
/// `kind` (and `message`, its text) is complete on its own (it already names the file, column and
/// row where known); the other fields repeat those facts for callers that want them structured.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message}{}", help_suffix(.help))]
pub struct DataError {
    /// What went wrong; owns the message.
    pub kind: ProblemKind,
    /// The kind's message (`kind.to_string()`).
    pub message: String,
    /// The study text the error is about (a path, a column name, a condition), when known.
    pub span: Option<Span>,
    /// The file (as written in the study) or generator the data came from.
    pub file: Option<String>,
    pub column: Option<String>,
    /// 1-based line in the originating file when known, else the 1-based row of the table.
    pub row: Option<usize>,
    pub help: Option<String>,
}

impl DataError {
    /// An error of `kind`; add the rest with the `with_*` builders.
    pub fn new(kind: ProblemKind) -> Self {
        DataError { message: kind.to_string(), kind, span: None, file: None, column: None, row: None, help: None }
    }

    /// Sets the span unless one is already set (the innermost, most precise span wins).
    pub fn with_span(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn with_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line only if `help` is `Some`.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// A study problem of this error's kind (code `sim2real::data`) at its span, or at `fallback`
    /// when the error has none (e.g. a bad cell found while building the matrix of a `source` block).
    pub fn to_problem(&self, fallback: Span) -> Problem {
        let label = match (&self.column, &self.file) {
            (Some(c), _) => format!("column `{c}`"),
            (None, Some(f)) => format!("data from {f}"),
            (None, None) => "here".to_string(),
        };
        let problem = Problem::new(self.kind.clone(), self.span.unwrap_or(fallback), label);
        match &self.help {
            Some(h) => problem.with_help(h.clone()),
            None => problem,
        }
    }
}

/// ` (help)` after the message when there is a help line.
fn help_suffix(help: &Option<String>) -> String {
    help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
}
