//! `sim2real fmt`: one canonical layout for study files (docs/fmt.md).
//!
//! The study is parsed first ([`crate::syntax::parse`]): a file with a syntax error is refused
//! with its problems, never rewritten. The layout then walks pest's tree, which keeps every token
//! with its position; the comments, which the grammar skips, are found in the gaps between tokens
//! ([`source`]) and written back before the first token that followed them, or at the end of the
//! line of the token they trailed ([`writer`]). The rules themselves are in [`layout`].
//!
//! | file      | what                                                        |
//! |-----------|-------------------------------------------------------------|
//! | `source`  | the tokens and comments of the text                         |
//! | `writer`  | lines, indentation, spaces, paragraphs, comments put back   |
//! | `layout`  | the canonical layout over pest's tree                       |
//!
//! Properties (tests/fmt.rs over every study of the repository, and the `fmt` fuzz target):
//! `format(format(x)) == format(x)`; [`shape`] of the formatted study equals that of `x` (the
//! syntax tree without spans); [`comments`] are the same, in the same order.

mod layout;
mod source;
mod writer;

use pest::Parser;

use super::ast::File;
use super::grammar::{Rule, StudyParser, leaves};
use crate::diag::{Problem, ProblemKind};
use crate::ir::Span;

pub use layout::WIDTH;

/// The study text in its canonical layout, or the syntax problems that keep it from being
/// formatted (the same as [`crate::syntax::parse`] reports).
pub fn format(text: &str) -> Result<String, Vec<Problem>> {
    super::parse(text)?;
    let file = parse_tree(text)?;
    let mut tokens = Vec::new();
    leaves(file.clone(), &mut tokens);
    let spans: Vec<(usize, usize)> = tokens.iter().map(|t| (t.as_span().start(), t.as_span().end())).collect();
    let comments = source::comments(text, &spans);
    let mut layout = layout::Layout::new(text, &comments);
    layout.file(file);
    Ok(layout.w.finish())
}

/// The comments of a study that pest parses, in order, each as written (`# ...`, without trailing
/// whitespace).
pub fn comments(text: &str) -> Result<Vec<String>, String> {
    let file = parse_tree(text).map_err(|p| format!("{p:?}"))?;
    let mut tokens = Vec::new();
    leaves(file, &mut tokens);
    let spans: Vec<(usize, usize)> = tokens.iter().map(|t| (t.as_span().start(), t.as_span().end())).collect();
    Ok(source::comments(text, &spans).iter().map(|c| source::comment_text(text, c).to_string()).collect())
}

/// Checks the formatter's promises on one text (tests/fmt.rs runs it on every study of the
/// repository, the `fmt` fuzz target on arbitrary text): a text that parses is formatted to a
/// fixed point, with the same syntax tree (spans aside, [`shape`]) and the same comments in the
/// same order; a text that does not is refused with the parser's problems. `Ok(parsed)` says
/// which; `Err` says which promise broke.
pub fn verify(text: &str) -> Result<bool, String> {
    let parsed = match super::parse(text) {
        Ok(file) => file,
        Err(problems) => {
            return match format(text) {
                Err(refused) if refused == problems => Ok(false),
                Err(refused) => Err(format!("refused with {refused:?}, not the parser's {problems:?}")),
                Ok(_) => Err("formatted a text that does not parse".into()),
            };
        }
    };
    let once = format(text).map_err(|p| format!("the text parses but fmt refuses it: {p:?}"))?;
    let reparsed = super::parse(&once).map_err(|p| format!("the formatted text does not parse: {p:?}\n{once}"))?;
    if shape(&reparsed) != shape(&parsed) {
        return Err(format!("the syntax tree changed; formatted:\n{once}"));
    }
    if comments(&once)? != comments(text)? {
        return Err(format!("the comments changed; formatted:\n{once}"));
    }
    let twice = format(&once).map_err(|p| format!("the formatted text is refused: {p:?}"))?;
    if twice != once {
        return Err(format!("not idempotent; once:\n{once}\ntwice:\n{twice}"));
    }
    Ok(true)
}

/// pest's tree of a text that [`crate::syntax::parse`] accepted.
fn parse_tree(text: &str) -> Result<pest::iterators::Pair<'_, Rule>, Vec<Problem>> {
    let internal = || {
        vec![
            Problem::new(ProblemKind::FormatterParse, Span::new(0, 0), "here")
                .with_help("this is a bug in sim2real; please report it with this study file"),
        ]
    };
    StudyParser::parse(Rule::file, text).map_err(|_| internal())?.next().ok_or_else(internal)
}

/// The syntax tree without its spans (every `Span { start, end }` of its debug form blanked, the
/// line index left out): two studies with the same shape say the same thing, however laid out.
pub fn shape(file: &File) -> String {
    let debug = format!("{:#?}", file.statements);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = &rest[at + "Span {".len()..];
        if let Some(after) = span_fields(rest) {
            rest = after;
        } else {
            out.push_str(" {"); // "Span {" inside a string of the study
        }
    }
    out.push_str(rest);
    out
}

/// After `Span {`: the rest of the text past `start: N, end: N, }`, if that is what follows.
fn span_fields(text: &str) -> Option<&str> {
    let mut rest = text;
    for field in ["start:", "end:"] {
        rest = rest.trim_start().strip_prefix(field)?.trim_start();
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit()).strip_prefix(',')?;
    }
    rest.trim_start().strip_prefix('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        let out = format(text).unwrap_or_else(|p| panic!("refused: {p:?}"));
        assert_eq!(verify(text), Ok(true), "{text}");
        out
    }

    #[test]
    fn a_block_goes_on_one_line_up_to_the_width() {
        // `grid { n = [...] }` exactly WIDTH characters long, then one more.
        let fits = |len: usize| {
            let list_items = len - "grid { n = [] }".len();
            format!("grid {{ n = [{}] }}\n", "1".repeat(list_items))
        };
        let at_width = fits(WIDTH);
        assert_eq!(at_width.trim_end().chars().count(), WIDTH);
        assert_eq!(fmt(&at_width), at_width);
        let over = fits(WIDTH + 1);
        assert_eq!(fmt(&over), format!("grid {{\n  n = [{}]\n}}\n", "1".repeat(WIDTH + 1 - "grid { n = [] }".len())));
    }

    #[test]
    fn a_block_broken_after_its_brace_stays_broken_and_aligns() {
        assert_eq!(fmt("grid {\n n = [1] trials = 3 }\n"), "grid {\n  n      = [1]\n  trials = 3\n}\n");
        assert_eq!(fmt("grid { n = [1]\n trials = 3 }\n"), "grid { n = [1]  trials = 3 }\n");
    }

    #[test]
    fn comments_keep_their_place() {
        assert_eq!(fmt("grid { # why\n n = [1] }\n"), "grid {  # why\n  n = [1]\n}\n");
        assert_eq!(fmt("grid { n = [1, # one\n 2] }\n"), "grid {\n  n = [1,  # one\n    2]\n}\n");
        assert_eq!(
            fmt("data t = a # first\n# between\n| where b == 1\n"),
            "data t = a  # first\n  # between\n  | where b == 1\n"
        );
        assert_eq!(fmt("seed 7\n\n\n# end\n"), "seed 7\n\n# end\n");
    }

    #[test]
    fn the_shape_leaves_out_spans_only() {
        let a = super::super::parse("seed 7\n").unwrap();
        let b = super::super::parse("\n\nseed   7").unwrap();
        let c = super::super::parse("seed 8\n").unwrap();
        assert_eq!(shape(&a), shape(&b));
        assert_ne!(shape(&a), shape(&c));
        assert!(!shape(&a).contains("start"), "{}", shape(&a));
        let s = super::super::parse("study \"Span { x\"\n").unwrap();
        assert!(shape(&s).contains("Span { x"), "a string that looks like a span is kept");
    }
}
