//! The code blocks of docs/language.md are studies, checked with `sim2real::check::compile` as they
//! are written on the page (the reference cannot drift from the checker). Every fence of the page
//! must carry one of these info strings; a bare ``` or another one fails the test, so no block is
//! skipped silently:
//!
//! - ` ```study ` — a complete study; it must check as it is.
//! - ` ```study-fragment ` — statements shown out of a whole study (one block, one setting). They
//!   are checked inside the page's first ` ```study ` block: each statement of the fragment replaces
//!   that study's statements of the same kind (the same keyword; for `data` and `transform`, the
//!   same keyword and name), and the result must check.
//! - ` ```study-alternatives ` — statements that are ways to write one thing (three `fit` lines),
//!   not one study: each is checked on its own as a fragment.
//! - ` ```study-syntax ` — statements that belong to a study of another shape than that first
//!   study (a multitask study): they must parse (`sim2real::syntax::parse`); the checker's rules
//!   for them are tested in tests/multitask.rs on whole studies.

use sim2real::check::compile;
use sim2real::diag::render_plain;
use sim2real::syntax::parse;

use crate::support::docs::{Block, blocks_of};

const PAGE: &str = "docs/language.md";

/// The top-level statements of a study text, each with the comment lines above it. A statement
/// starts on a line that begins with a letter; a line that begins with whitespace, `|` or `}`
/// continues it.
fn statements(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new(); // comments and blank lines before the next statement
    for line in text.lines() {
        let starts = line.starts_with(|c: char| c.is_ascii_alphabetic());
        let continues =
            line.starts_with(|c: char| c.is_whitespace() || c == '|' || c == '}') && !line.trim().is_empty();
        if starts {
            out.push(std::mem::take(&mut pending));
        }
        let target =
            if (starts || continues) && !out.is_empty() { out.last_mut().expect("a statement") } else { &mut pending };
        target.push_str(line);
        target.push('\n');
    }
    out
}

/// What a statement redefines: its keyword, and for `data` and `transform` also the name.
fn kind(statement: &str) -> String {
    let code = statement.lines().find(|l| l.starts_with(|c: char| c.is_ascii_alphabetic())).expect("a statement line");
    let words: Vec<&str> =
        code.split(|c: char| c.is_whitespace() || c == '=' || c == '{').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [kw @ ("data" | "transform"), name, ..] => format!("{kw} {name}"),
        [kw, ..] => kw.to_string(),
        [] => unreachable!("a statement line has a word"),
    }
}

/// `fragment` in place of the statements of the same kinds in `base`.
fn splice(base: &str, fragment: &str) -> String {
    let replaced: Vec<String> = statements(fragment).iter().map(|s| kind(s)).collect();
    let mut study: String = statements(base).into_iter().filter(|s| !replaced.contains(&kind(s))).collect();
    study.push_str(fragment);
    study
}

fn where_(b: &Block) -> String {
    format!("{PAGE}:{} (```{})", b.line, b.info)
}

/// Why `block` does not hold what its fence says, if it does not.
fn problem(block: &Block, base: &str) -> Option<String> {
    let rejected = |study: &str| compile("language.study", study).err().map(|e| render_plain(&e));
    match block.info.as_str() {
        "study" => rejected(&block.text),
        "study-fragment" => {
            let study = splice(base, &block.text);
            rejected(&study).map(|e| format!("in the page's example, as\n{study}\n{e}"))
        }
        "study-alternatives" => statements(&block.text).iter().find_map(|statement| {
            let study = splice(base, statement);
            rejected(&study).map(|e| format!("in the page's example, as\n{study}\n{e}"))
        }),
        "study-syntax" => parse(&block.text).err().map(|p| format!("{p:?}")),
        other => Some(format!("a fence with info string {other:?}: mark it as one of tests/docs.rs")),
    }
}

#[test]
fn every_block_of_the_language_reference_checks() {
    let blocks = blocks_of(PAGE);
    let base = blocks.iter().find(|b| b.info == "study").expect("a complete ```study block").text.clone();
    let failures: Vec<String> =
        blocks.iter().filter_map(|b| Some(format!("{}: {}", where_(b), problem(b, &base)?))).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let count = |info: &str| blocks.iter().filter(|b| b.info == info).count();
    assert!(count("study") >= 1 && count("study-fragment") >= 5, "fewer checked blocks than the page has today");
}

#[test]
fn a_fragment_replaces_the_statements_of_its_kind() {
    let base = "study q\ndata sim = synthetic(part: source)\ndata exp = synthetic(part: target)\n\
                # the model\nmodel { hidden = [4] }\ngrid {\n  n = [1]\n}\nfit power_law\nexpect alpha > 0\n";
    let spliced = splice(base, "data sim = csv(\"a.csv\")\n  | drop b\nmodel {\n  hidden = [8]\n}\n");
    assert_eq!(
        spliced,
        "study q\ndata exp = synthetic(part: target)\ngrid {\n  n = [1]\n}\nfit power_law\nexpect alpha > 0\n\
         data sim = csv(\"a.csv\")\n  | drop b\nmodel {\n  hidden = [8]\n}\n"
    );
    assert_eq!(kind("transform y = log10"), "transform y");
    assert_eq!(kind("# a comment\nexpect r2 >= 0.9"), "expect");
}
