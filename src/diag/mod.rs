//! Diagnostics shared by every stage: one study error carries every problem found, each with a
//! span into the study text, a label and an optional help line. Rendered by miette.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::ir::Span;

mod indexed_text;
pub mod json;
mod problem_kind;
mod suggest;
pub use indexed_text::IndexedText;
pub use problem_kind::{CODES, CellFault, ProblemKind};
pub use suggest::did_you_mean;

/// The one place a study span becomes miette's: everything else in the crate uses [`Span`].
impl From<Span> for SourceSpan {
    fn from(s: Span) -> SourceSpan {
        SourceSpan::new(s.start.into(), s.len())
    }
}

/// One problem in a study, pointing at the text that causes it.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[error("{message}")]
pub struct Problem {
    /// What is wrong; owns the code and the message.
    pub kind: ProblemKind,
    /// The kind's message (`kind.to_string()`), kept as text for callers and tests.
    pub message: String,
    /// Stable machine-readable code, e.g. `sim2real::unknown_table` (from `kind`).
    #[diagnostic(code)]
    pub code: &'static str,
    #[label("{label}")]
    pub span: Span,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl Problem {
    pub fn new(kind: ProblemKind, span: Span, label: impl Into<String>) -> Self {
        Problem { code: kind.code(), message: kind.to_string(), kind, span, label: label.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one study file.
#[derive(Debug, Error, Diagnostic)]
#[error("{} in {}", count(.problems.len()), .file)]
#[diagnostic(code(sim2real::study))]
pub struct StudyErrors {
    pub file: String,
    #[source_code]
    pub src: NamedSource<IndexedText>,
    #[related]
    pub problems: Vec<Problem>,
}

fn count(n: usize) -> String {
    if n == 1 { "1 error".into() } else { format!("{n} errors") }
}

impl StudyErrors {
    pub fn new(file: &str, text: &str, problems: Vec<Problem>) -> Self {
        StudyErrors {
            file: file.to_string(),
            src: NamedSource::new(file, IndexedText::new(text.to_string())),
            problems,
        }
    }
}

/// Render a diagnostic as plain text (no colours, no unicode art dependencies on the terminal),
/// as used for snapshots, notebooks and non-terminal stderr.
pub fn render_plain(diag: &dyn Diagnostic) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
    let mut out = String::new();
    let _ = handler.render_report(&mut out, diag);
    out
}
