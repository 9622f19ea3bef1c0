//! The parser entry point: whole-file parse, and statement-by-statement recovery on failure.

use pest::Parser;

use super::ast::{File, Span, line_starts};
use super::grammar::{Rule, StudyParser};
use super::lower::Lower;
use super::names::STATEMENTS;
use super::split::{Chunk, MAX_DEPTH, content_end, split_statements, too_deep};
use super::syntax_error::syntax_problem;
use crate::diag::{Problem, ProblemKind, did_you_mean};

/// Parses a study. On failure returns every syntax problem found: the text is split into
/// top-level statements and each is parsed on its own, so two broken statements give two
/// problems. Never panics, whatever the input.
pub fn parse(text: &str) -> Result<File, Vec<Problem>> {
    let mut whole_file_error = None;
    if too_deep(text).is_none() {
        match StudyParser::parse(Rule::file, text) {
            Ok(mut pairs) => match pairs.next() {
                Some(file) => return Lower { offset: 0 }.file(file, text).and_then(one_statement_per_line),
                None => {
                    return Ok(File {
                        statements: Vec::new(),
                        span: Span::new(0, text.len()),
                        line_starts: line_starts(text),
                    });
                }
            },
            Err(e) => whole_file_error = Some(e),
        }
    }

    let mut problems: Vec<Problem> = split_statements(text).into_iter().flat_map(|c| parse_chunk(text, &c)).collect();
    if problems.is_empty() {
        // The statement split disagreed with the grammar; fall back to the whole-file error.
        problems.push(match whole_file_error {
            Some(e) => syntax_problem(&e, text, (0, text.len()), true),
            None => Problem::new(ProblemKind::Unparsable, Span::new(0, 0), "here"),
        });
    }
    problems.sort_by_key(|p| p.span.start);
    Err(problems)
}

/// The language puts each statement on its own line; the grammar itself ignores newlines.
fn one_statement_per_line(file: File) -> Result<File, Vec<Problem>> {
    let problems: Vec<Problem> = file
        .statements
        .windows(2)
        .filter(|w| file.line_of(w[0].span.end.saturating_sub(1)) == file.line_of(w[1].span.start))
        .map(|w| {
            let kw = &w[1].keyword;
            Problem::new(
                ProblemKind::StatementOnSameLine { keyword: kw.name.clone() },
                kw.span,
                "expected a new line before this statement",
            )
            .with_help("put each statement on its own line")
        })
        .collect();
    if problems.is_empty() { Ok(file) } else { Err(problems) }
}

/// Problems in one statement (empty if it parses).
fn parse_chunk(text: &str, chunk: &Chunk) -> Vec<Problem> {
    let (start, end) = (chunk.start, chunk.end);
    if content_end(text, start, end) == start {
        return Vec::new(); // only blank lines and comments
    }
    let Some(piece) = text.get(start..end) else {
        return vec![Problem::new(ProblemKind::Unsplittable, Span::new(start, start), "here")];
    };

    if let Some(problem) = unknown_statement(piece, start) {
        return vec![problem];
    }
    if let Some(at) = too_deep(piece) {
        let at = start + at;
        return vec![
            Problem::new(
                ProblemKind::TooDeep { max: MAX_DEPTH },
                Span::new(at, at + 1),
                format!("level {} starts here", MAX_DEPTH + 1),
            )
            .with_help("simplify the expression; a condition rarely needs more than a few levels of parentheses"),
        ];
    }
    match StudyParser::parse(Rule::file, piece) {
        Ok(mut pairs) => match pairs.next() {
            Some(file) => Lower { offset: start }.file(file, text).err().unwrap_or_default(),
            None => Vec::new(),
        },
        Err(e) => vec![syntax_problem(&e, text, (start, end), false)],
    }
}

/// If the statement starts with a word that is not a statement keyword, the problem saying so.
fn unknown_statement(piece: &str, offset: usize) -> Option<Problem> {
    let mut rest = piece;
    let mut skipped = 0;
    loop {
        let trimmed = rest.trim_start();
        skipped += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.starts_with('#') {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            skipped += line_end;
            rest = &rest[line_end..];
        } else {
            break;
        }
    }
    let first = rest.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let word_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let word = &rest[..word_len];
    if STATEMENTS.contains(&word) {
        return None;
    }
    let span = Span::new(offset + skipped, offset + skipped + word_len);
    let help = match did_you_mean(word, STATEMENTS.iter().copied()) {
        Some(suggestion) => suggestion,
        None => format!("a statement starts with one of: {}", STATEMENTS.join(", ")),
    };
    Some(
        Problem::new(ProblemKind::UnknownStatement { word: word.to_string() }, span, "not a statement keyword")
            .with_help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{StatementKind, Value};

    #[test]
    fn parses_settings_on_one_line() {
        let file = parse("source sim { x = f_*   y = y }").expect("parses");
        let StatementKind::Source { table, block } = &file.statements[0].kind else { panic!("not a source") };
        assert_eq!(table.name, "sim");
        assert_eq!(block.settings.len(), 2);
        assert!(matches!(&block.settings[0].value, Value::Glob(g) if g.name == "f_*"));
        assert!(matches!(&block.settings[1].value, Value::Name(n) if n.name == "y"));
    }

    #[test]
    fn two_broken_statements_give_two_problems() {
        let errs = parse("seed 7\nmodel { hidden = [64 32] }\npretrain { lr 1 }\n").expect_err("broken");
        assert_eq!(errs.len(), 2, "{errs:#?}");
    }

    #[test]
    fn unknown_statement_suggests() {
        let errs = parse("pretrian { lr = 1 }").expect_err("unknown");
        assert_eq!(errs[0].code, "sim2real::unknown_statement");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `pretrain`?"));
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let text = format!("data t = x | where {}a == 1{}", "(".repeat(10_000), ")".repeat(10_000));
        let errs = parse(&text).expect_err("too deep");
        assert_eq!(errs[0].code, "sim2real::too_deep");
    }

    #[test]
    fn nesting_at_the_limit_parses() {
        let depth = MAX_DEPTH - 1; // `(` inside `where`, plus none around it
        let text = format!("data t = x | where {}a == 1{}", "(".repeat(depth), ")".repeat(depth));
        assert!(parse(&text).is_ok());
        let long_chain = format!("data t = x | where {}", vec!["a == 1"; 20_000].join(" and "));
        assert!(parse(&long_chain).is_ok());
        let nots = format!("data t = x | where {} a == 1", "not ".repeat(20_000));
        assert!(parse(&nots).is_ok());
    }

    #[test]
    fn spans_are_file_offsets_in_recovery() {
        let text = "seed 1\nseed x\n";
        let errs = parse(text).expect_err("broken");
        let off = errs[0].span.start;
        assert_eq!(&text[off..off + 1], "x");
    }
}
