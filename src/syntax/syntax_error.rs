//! Pest errors → readable [`Problem`]s: rule names become words ("a setting name", "`}`"),
//! the offending token is named, and common mistakes get a help line.

use std::borrow::Cow;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::ast::Span;
use super::grammar::Rule;
use super::names::{self, listed};
use super::split::content_end;
use crate::diag::{Problem, ProblemKind};

/// What a rule means to a reader, or `None` for rules that never appear in errors on their own.
/// Lists of names come from [`names`], so the hints name what the checker accepts.
fn describe(rule: Rule) -> Option<Cow<'static, str>> {
    let listing = |what: &str, words: &[&str]| Some(Cow::Owned(format!("{what} ({})", listed(words))));
    Some(Cow::Borrowed(match rule {
        // `file` is reported when nothing at all could be parsed at the start.
        Rule::file | Rule::statement => return listing("a statement", names::STATEMENTS),
        Rule::study_name => "a study name",
        Rule::table_name => "a table name",
        Rule::transform_target => return Some(listed(names::TRANSFORM_TARGETS).into()),
        Rule::transform_step => return listing("a transform", &names::words(names::TRANSFORMS)),
        Rule::baseline_name => return listing("a baseline", &names::words(names::BASELINES)),
        Rule::law_name => return listing("a law", &names::words(names::LAWS)),
        Rule::expect_subject => return listing("a fit parameter or an arm", &names::expect_subjects()),
        Rule::expect_value => return listing("a number or an arm", &names::words(names::ARMS)),
        Rule::at_clause | Rule::kw_at => "`at`",
        Rule::fit_at => "`at (n = N, m = M)`",
        Rule::fit_coord => "a coordinate `n = N` or `m = M`",
        Rule::block | Rule::lbrace => "`{`",
        Rule::setting | Rule::setting_name => "a setting name",
        Rule::value => "a value",
        Rule::call => "a function call",
        Rule::arg => "an argument",
        Rule::arg_name => "an argument name",
        Rule::list => "a list `[...]`",
        Rule::table_expr | Rule::primary => {
            let loaders: Vec<String> = names::LOADERS.iter().map(|l| format!("`{l}(...)`")).collect();
            return Some(format!("a table (a table name, {})", join_words(&loaders)).into());
        }
        Rule::table_op => return listing("an operation", names::TABLE_OPS),
        Rule::where_op | Rule::kw_where => "`where`",
        Rule::join_op | Rule::kw_join => "`join`",
        Rule::select_op | Rule::kw_select => "`select`",
        Rule::drop_op | Rule::kw_drop => "`drop`",
        Rule::join_pair => "a join key pair `left = right`",
        Rule::column_set => "columns (a name, a pattern like `d_*`, or a list `[a, b]`)",
        Rule::column_list => "a list of columns",
        Rule::column => "a column name",
        Rule::or_cond | Rule::and_cond | Rule::not_cond => "a condition (like `col == 1`)",
        Rule::in_cond | Rule::cmp_cond => "a comparison (like `col == 1` or `col in [\"a\", \"b\"]`)",
        Rule::cmp_op => "a comparison operator (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::name => "a name",
        Rule::glob => "a column pattern",
        Rule::number => "a number",
        Rule::string => "a string in double quotes",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbrack => "`[`",
        Rule::rbrack => "`]`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::pipe => "`|`",
        Rule::eq => "`=`",
        Rule::kw_study => "`study`",
        Rule::kw_seed => "`seed`",
        Rule::kw_data => "`data`",
        Rule::kw_source => "`source`",
        Rule::kw_target => "`target`",
        Rule::kw_transform => "`transform`",
        Rule::kw_model => "`model`",
        Rule::kw_pretrain => "`pretrain`",
        Rule::kw_finetune => "`finetune`",
        Rule::kw_direct => "`direct`",
        Rule::kw_grid => "`grid`",
        Rule::kw_baseline => "`baseline`",
        Rule::kw_fit => "`fit`",
        Rule::kw_expect => "`expect`",
        Rule::kw_report => "`report`",
        Rule::report_kind => {
            let kinds: Vec<String> = names::REPORT_KINDS
                .iter()
                .map(|k| if *k == "by" { "`by COLUMN`".into() } else { format!("`{k}`") })
                .collect();
            return Some(join_words(&kinds).into());
        }
        Rule::report_by | Rule::kw_by => "`by`",
        Rule::kw_on => "`on`",
        Rule::kw_except => "`except`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::kw_every | Rule::kw_largest => return Some(listed(names::AT_N).into()),
        Rule::kw_n => "`n`",
        Rule::kw_significantly => "`significantly`",
        Rule::kw_multitask => "`multitask`",
        Rule::model_block => "`{`",
        Rule::input_decl | Rule::kw_input => "`input NAME = COLUMNS`",
        Rule::encoder_decl | Rule::kw_encoder => "`encoder shared(a, b) { ... }`",
        Rule::head_decl | Rule::kw_head => "`head { ... }`",
        Rule::input_name => "an input name",
        Rule::derive_op | Rule::kw_derive => "`derive`",
        Rule::featurize_op | Rule::kw_featurize => "`featurize`",
        Rule::kw_with => "`with`",
        Rule::arith | Rule::arith_term | Rule::arith_factor => {
            "an expression (numbers, columns, `+ - * /`, `log(...)`)"
        }
        Rule::arith_call => "a function call",
        Rule::add_op | Rule::mul_op => "an operator (`+`, `-`, `*`, `/`)",
        Rule::neg => "`-`",
        Rule::budget_block => "`{`",
        Rule::budget_have | Rule::kw_have => "`have = (n = N, m = M)`",
        Rule::kw_budget => "`budget`",
        _ => return None,
    }))
}

/// "a, b or c".
fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What is found at byte `pos`: a description and the span to underline.
enum Found {
    /// End of the statement or file: only whitespace and comments follow.
    End {
        at: usize,
        what: String,
    },
    Token {
        text: String,
        span: Span,
    },
    UnclosedString {
        span: Span,
    },
}

fn found_at(text: &str, pos: usize, chunk: (usize, usize)) -> Found {
    let bytes = text.as_bytes();
    let (chunk_start, chunk_end) = chunk;
    if content_end(text, pos, chunk_end) <= pos {
        let at = content_end(text, chunk_start, pos);
        let what = if chunk_end >= text.len() {
            "the end of the file".to_string()
        } else {
            let next: String =
                text[chunk_end..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            format!("the next statement (`{next}`)")
        };
        return Found::End { at, what };
    }
    let mut end = pos;
    let b = bytes[pos];
    if b == b'"' {
        end += 1;
        loop {
            match bytes.get(end) {
                None | Some(b'\n') => {
                    return Found::UnclosedString { span: Span::new(pos, end) };
                }
                Some(b'\\') => end += 2,
                Some(b'"') => {
                    end += 1;
                    break;
                }
                Some(_) => end += 1,
            }
        }
    } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.' {
        end += 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric()
                || matches!(bytes[end], b'_' | b'.' | b'*' | b'?')
                || (matches!(bytes[end], b'+' | b'-') && b.is_ascii_digit() && matches!(bytes[end - 1], b'e' | b'E')))
        {
            end += 1;
        }
    } else if matches!(b, b'=' | b'!' | b'<' | b'>') {
        end += 1;
        if bytes.get(end) == Some(&b'=') {
            end += 1;
        }
    } else {
        end += text[pos..].chars().next().map_or(1, char::len_utf8);
    }
    let end = end.min(text.len());
    let mut end_ok = end;
    while end_ok < text.len() && !text.is_char_boundary(end_ok) {
        end_ok += 1;
    }
    let raw = text.get(pos..end_ok).unwrap_or("");
    let shown: String = raw.chars().take(30).collect();
    let shown = if shown.len() < raw.len() { format!("{shown}…") } else { shown };
    let shown = shown.escape_debug().to_string();
    Found::Token { text: format!("`{shown}`"), span: Span::new(pos, end_ok) }
}

/// Translates a pest error from parsing `text[chunk.0..chunk.1]` (positions relative to
/// `chunk.0`). `whole_file` says whether the chunk is the whole text (then the end of input is
/// the end of the file, otherwise the end of one statement).
pub fn syntax_problem(err: &Error<Rule>, text: &str, chunk: (usize, usize), whole_file: bool) -> Problem {
    let rel = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let pos = (chunk.0 + rel).min(text.len());
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return Problem::new(
                ProblemKind::ParserMessage { detail: message.to_string() },
                Span::new(pos, pos),
                "here",
            );
        }
    };

    let ends_statement = positives.contains(&Rule::EOI);
    let mut words: Vec<Cow<'static, str>> = Vec::new();
    for rule in &positives {
        let word = match rule {
            Rule::EOI if whole_file => Some("the end of the file".into()),
            Rule::EOI => None,
            // After a complete statement, "a statement" is implied by "the end of the statement".
            Rule::statement if !whole_file && ends_statement => None,
            r => describe(*r),
        };
        if let Some(w) = word
            && !words.contains(&w)
        {
            words.push(w);
        }
    }
    if !whole_file && ends_statement {
        words.push("the end of the statement".into());
    }
    // `(` (a call) and `except` (a column set) can follow almost any name; they only distract
    // when something else was expected too.
    let noise = ["`(`", "`except`"];
    if words.iter().any(|w| !noise.contains(&w.as_ref())) {
        words.retain(|w| !noise.contains(&w.as_ref()));
    }
    let expected = join_words(&words);

    let found = found_at(text, pos, chunk);
    let (found_text, span) = match &found {
        Found::End { at, what } => (what.clone(), Span::new(*at, *at)),
        Found::Token { text, span } => (text.clone(), *span),
        Found::UnclosedString { span } => {
            return Problem::new(ProblemKind::UnclosedString, *span, "string starts here")
                .with_help("close the string with `\"` on the same line; write `\\\"` for a quote inside it");
        }
    };

    let mut problem = Problem::new(
        ProblemKind::Expected { expected: expected.to_string(), found: found_text.to_string() },
        span,
        if expected.len() > 60 { "not expected here".to_string() } else { format!("expected {expected}") },
    );
    let has = |w: &str| words.iter().any(|x| x.contains(w));
    let help = match found_text.as_str() {
        "`:`" if has("`=`") => Some("settings are written `name = value`".to_string()),
        "`,`" if has("a setting name") => Some("settings are separated by spaces or new lines, not commas".to_string()),
        "`=`" if has("comparison operator") => Some("compare with `==`".to_string()),
        t if (t.starts_with("`.") || t.starts_with("`/")) && has("`)`") => {
            Some("file paths are written in double quotes, e.g. `csv(\"data/file.csv\")`".to_string())
        }
        _ if !whole_file && words.len() == 1 && words[0] == "the end of the statement" => {
            Some("each statement starts on its own line; this text follows a complete statement".to_string())
        }
        _ if matches!(found, Found::End { .. }) && has("`}`") => Some("every `{` needs a matching `}`".to_string()),
        _ if matches!(found, Found::End { .. }) && has("`)`") => Some("every `(` needs a matching `)`".to_string()),
        _ if matches!(found, Found::End { .. }) && has("`]`") => Some("every `[` needs a matching `]`".to_string()),
        _ => None,
    };
    if let Some(h) = help {
        problem = problem.with_help(h);
    }
    problem
}

#[cfg(test)]
mod tests {
    use crate::syntax::names;
    use crate::syntax::parse;

    /// The message of the one syntax error in `text`.
    fn message(text: &str) -> String {
        let errs = parse(text).expect_err("a syntax error");
        assert_eq!(errs.len(), 1, "{errs:#?}");
        errs[0].message.clone()
    }

    fn lists_every(message: &str, words: &[&str]) {
        for w in words {
            assert!(message.contains(&format!("`{w}`")), "`{w}` missing from: {message}");
        }
    }

    // Before the name table, these hints were kept by hand and named 6 of the 12 `expect`
    // subjects, no `clip`/`noclip`, no `multitask` arm and no `direct` statement.
    #[test]
    fn hints_list_every_name_of_the_table() {
        let m = message("expect 5 > 0\n");
        assert!(m.starts_with("expected a fit parameter or an arm ("), "{m}");
        lists_every(&m, &names::expect_subjects());
        assert_eq!(names::expect_subjects().len(), 12);

        let m = message("expect transfer < 5x\n");
        lists_every(&m, &names::words(names::ARMS));

        let m = message("transform x = 5\n");
        lists_every(&m, &names::words(names::TRANSFORMS));

        let m = message("{\n");
        lists_every(&m, names::STATEMENTS);

        let m = message("fit 5\n");
        lists_every(&m, &names::words(names::LAWS));
    }
}
