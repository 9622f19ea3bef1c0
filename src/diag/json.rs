//! Diagnostics as JSON, one object per problem (`sim2real check --format json`), for CI
//! annotators and editors that do not speak LSP. The fields are documented in docs/errors.md.

use serde_json::{Value, json};

use super::{Problem, StudyErrors};
use crate::ir::Span;

/// Where a byte offset is: `offset` (bytes from the start), `line` and `column` (1-based;
/// columns count characters). An offset past the text or inside a character is moved back to the
/// nearest character boundary.
fn position(text: &str, offset: usize) -> Value {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({
        "offset": at,
        "line": before.matches('\n').count() + 1,
        "column": before[line_start..].chars().count() + 1,
    })
}

/// The `start`/`end` fields of a span (`end` is just after its last character).
fn range(text: &str, span: Span) -> (Value, Value) {
    (position(text, span.start), position(text, span.end))
}

/// One problem of the study `file` whose text is `text`.
pub fn problem(file: &str, text: &str, p: &Problem) -> Value {
    let (start, end) = range(text, p.span);
    json!({
        "file": file,
        "severity": "error",
        "code": p.code,
        "message": p.message,
        "help": p.help,
        "start": start,
        "end": end,
        "labels": [{ "message": p.label, "start": start, "end": end }],
    })
}

/// Every problem of a study error, in order.
pub fn study_errors(errors: &StudyErrors) -> Vec<Value> {
    let text = errors.src.inner().text();
    errors.problems.iter().map(|p| problem(&errors.file, text, p)).collect()
}

/// A message about a whole file, with no place in its text (`severity` is `error` or
/// `warning`): an unreadable file, a plan warning.
pub fn file_message(file: &str, severity: &str, message: &str) -> Value {
    json!({
        "file": file,
        "severity": severity,
        "code": null,
        "message": message,
        "help": null,
        "start": null,
        "end": null,
        "labels": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::ProblemKind;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "seed 7\nstudy \"α\" x\n";
        assert_eq!(position(text, 0), json!({"offset": 0, "line": 1, "column": 1}));
        assert_eq!(position(text, 7), json!({"offset": 7, "line": 2, "column": 1}));
        // `x` after the two-byte `α`: byte 18, character column 11.
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(position(text, x), json!({"offset": x, "line": 2, "column": 11}));
        // Inside `α` and past the end: moved back to a boundary.
        let alpha = text.find('α').unwrap();
        assert_eq!(position(text, alpha + 1)["offset"], alpha);
        assert_eq!(position(text, 999)["offset"], text.len());
    }

    #[test]
    fn a_problem_has_every_field() {
        let text = "seed x\n";
        let p =
            Problem::new(ProblemKind::ParserMessage { detail: "expected a number".into() }, Span::new(5, 6), "here")
                .with_help("write 7");
        let v = problem("s.study", text, &p);
        assert_eq!(
            v,
            json!({
                "file": "s.study", "severity": "error", "code": "sim2real::syntax",
                "message": p.message, "help": "write 7",
                "start": {"offset": 5, "line": 1, "column": 6}, "end": {"offset": 6, "line": 1, "column": 7},
                "labels": [{"message": "here", "start": {"offset": 5, "line": 1, "column": 6},
                            "end": {"offset": 6, "line": 1, "column": 7}}],
            })
        );
    }
}
