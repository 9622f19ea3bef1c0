//! The corpus (test/corpus/*.txt): each case's input parses to its expected tree, as
//! `tree-sitter test` checks it, and the cases together show every named node of the grammar.

use crate::support::{corpus, language, parse, strip_fields};

#[test]
fn every_corpus_case_gives_its_expected_tree() {
    let cases = corpus();
    // Today: 27 cases in 5 files.
    assert!(cases.len() >= 25, "only {} corpus cases", cases.len());
    let failed: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let sexp = parse(&c.input).root_node().to_sexp();
            // Field names are compared when the expectation has some, as `tree-sitter test` does.
            let actual = if c.expected.contains(": (") { sexp } else { strip_fields(&sexp) };
            (actual != c.expected)
                .then(|| format!("{} `{}`\n  expected: {}\n  actual:   {actual}", c.at, c.name, c.expected))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} corpus cases differ (`tree-sitter test --update --show-fields` rewrites them; review the diff):\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

#[test]
fn the_corpus_shows_every_named_node_of_the_grammar() {
    let language = language();
    let trees: Vec<String> = corpus().iter().map(|c| parse(&c.input).root_node().to_sexp()).collect();
    let missing: Vec<&str> = (0..language.node_kind_count() as u16)
        .filter(|&id| language.node_kind_is_named(id) && language.node_kind_is_visible(id))
        .filter_map(|id| language.node_kind_for_id(id))
        .filter(|kind| !trees.iter().any(|t| t.contains(&format!("({kind}"))))
        .collect();
    assert!(missing.is_empty(), "node kinds no corpus case has: {missing:?}");
}
