//! The editor grammars (editors/) know the language: every keyword of grammar/study.pest and every
//! word a value may be (src/syntax/names.rs) is highlighted by the tree-sitter queries and the
//! TextMate grammar, and the tree-sitter grammar has every statement of the pest grammar. The
//! TextMate grammar itself runs in CI through the VS Code extension's `npm test` (.ci/run); the
//! generated tree-sitter parser through the tests of its own crate (editors/tree-sitter-study,
//! `cargo test` there; docs/editors.md). This keeps both from falling behind the language.

use sim2real::syntax::names;

use crate::support::repo_file;

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_file(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The literals of the pest grammar's `kw_` rules.
fn pest_keywords() -> Vec<String> {
    let grammar = read("grammar/study.pest");
    let kws: Vec<String> = grammar
        .lines()
        .filter_map(|l| l.strip_prefix("kw_"))
        .filter_map(|rest| rest.split('"').nth(1))
        .map(str::to_string)
        .collect();
    assert!(kws.len() > 30, "the grammar's kw_ rules were not found ({})", kws.len());
    kws
}

/// The words a value may be: the value lists of the names table.
fn value_words() -> Vec<&'static str> {
    let groups = [
        "synthetic parts",
        "transforms",
        "activations",
        "encoder kinds",
        "latent activations",
        "flag values",
        "combines",
        "optimizers",
        "logspace words",
        "subset modes",
        "metrics",
        "overlap values",
        "baselines",
        "laws",
        "expect subjects",
    ];
    let mut out = Vec::new();
    for g in names::groups() {
        assert!(g.key != "report kinds" || g.names.contains(&"samples"), "report kinds: {:?}", g.names);
        if groups.contains(&g.key) || g.key == "report kinds" {
            for n in g.names {
                if n != "by" && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    for key in groups {
        assert!(names::groups().iter().any(|g| g.key == key), "no group `{key}` in names.rs");
    }
    out
}

#[test]
fn tree_sitter_highlights_every_keyword_and_value_word() {
    let queries = read("editors/tree-sitter-study/queries/highlights.scm");
    let missing: Vec<String> = pest_keywords()
        .into_iter()
        .chain(value_words().into_iter().map(str::to_string))
        .filter(|w| !queries.contains(&format!("\"{w}\"")))
        .collect();
    assert!(missing.is_empty(), "not in editors/tree-sitter-study/queries/highlights.scm: {missing:?}");
}

#[test]
fn tree_sitter_grammar_has_every_statement() {
    let grammar = read("editors/tree-sitter-study/grammar.js");
    // `NAME_statement: ($) =>` and then `seq(` with the keyword first (on the same or the next line).
    let missing: Vec<&&str> = names::STATEMENTS
        .iter()
        .filter(|s| {
            let rule = grammar.split(&format!("{s}_statement: ($) =>")).nth(1).unwrap_or("");
            !rule.trim_start().starts_with("seq(")
                || !rule.trim_start()["seq(".len()..].trim_start().starts_with(&format!("'{s}'"))
        })
        .collect();
    assert!(missing.is_empty(), "statements without a rule in editors/tree-sitter-study/grammar.js: {missing:?}");
}

#[test]
fn textmate_grammar_highlights_every_keyword_and_value_word() {
    let grammar: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/syntaxes/study.tmLanguage.json")).unwrap();
    let repo = &grammar["repository"];
    // The words of a rule's `match`: its `\b(a|b|c)\b` alternatives.
    let words_of = |rule: &str| -> Vec<String> {
        let m = repo[rule]["match"].as_str().unwrap_or_else(|| panic!("no rule {rule}"));
        let inner = m.split("\\b(").nth(1).and_then(|s| s.split(")\\b").next()).unwrap_or("");
        inner.split('|').map(str::to_string).collect()
    };
    let keywords: Vec<String> = words_of("statement").into_iter().chain(words_of("keyword")).collect();
    let values = words_of("value");
    let missing_kw: Vec<String> = pest_keywords().into_iter().filter(|k| !keywords.contains(k)).collect();
    let missing_values: Vec<&str> = value_words().into_iter().filter(|v| !values.iter().any(|w| w == v)).collect();
    assert!(missing_kw.is_empty(), "pest keywords the TextMate grammar lacks: {missing_kw:?}");
    assert!(missing_values.is_empty(), "value words the TextMate grammar lacks: {missing_values:?}");
    let statements = words_of("statement");
    assert_eq!(statements, names::STATEMENTS, "the TextMate grammar's statements differ from names.rs");
}
