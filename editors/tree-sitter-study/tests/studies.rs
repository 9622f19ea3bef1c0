//! Every committed study parses with no ERROR or MISSING node, and the studies the language
//! rejects for their syntax are errors for tree-sitter too.

use crate::support::{parse, problems, read, read_text, repo, shown, studies_under, study_blocks};

/// The studies of tests/malformed/ that grammar/study.pest rejects (`sim2real check` reports a
/// syntax error, code `sim2real::study`): tree-sitter must find an error in each.
const SYNTAX_ERRORS: &[&str] = &[
    "garbage_bytes.study",
    "not_a_study.study",
    "syntax_colon_setting.study",
    "syntax_comma_between_settings.study",
    "syntax_derive_missing_operand.study",
    "syntax_fit_point_without_parens.study",
    "syntax_list_missing_bracket.study",
    "syntax_missing_equals.study",
    "syntax_single_equals_in_where.study",
    "syntax_trailing_text.study",
    "syntax_two_broken_statements.study",
    "syntax_unclosed_block.study",
    "syntax_unquoted_path.study",
    "syntax_unterminated_string.study",
    "unknown_statement.study",
];

/// The studies of tests/malformed/ that `sim2real` rejects by a rule its parser applies around
/// the pest grammar, which the editor grammar leaves out (it highlights them as written, and the
/// language server reports the problem): they parse cleanly here.
const BEYOND_THE_GRAMMAR: &[(&str, &str)] = &[
    ("bad_string_escape.study", "unknown escapes in strings are refused after parsing"),
    ("deep_nesting.study", "brackets nested more than 64 deep are refused before the grammar runs"),
    ("syntax_statement_on_same_line.study", "a statement must start on a new line (checked on the parsed statements)"),
];

/// The committed studies that must parse cleanly: every `.study` file under studies/, tests/ and
/// editors/vscode/test/, but the syntax errors above.
fn committed_studies() -> Vec<std::path::PathBuf> {
    let root = repo();
    let malformed = root.join("tests/malformed");
    ["studies", "tests", "editors/vscode/test"]
        .iter()
        .flat_map(|d| studies_under(&root.join(d)))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !(p.parent() == Some(malformed.as_path()) && SYNTAX_ERRORS.contains(&name))
        })
        .collect()
}

#[test]
fn every_committed_study_parses_without_error_or_missing_nodes() {
    let files = committed_studies();
    // Today: 6 under studies/, about 100 under tests/, 1 under editors/vscode/test.
    assert!(files.len() > 90, "only {} studies found under studies/, tests/, editors/vscode/test/", files.len());
    let bad: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let text = read(p);
            let found = problems(&parse(&text), &text);
            (!found.is_empty()).then(|| format!("{}:\n  {}", shown(p), found.join("\n  ")))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} committed studies do not parse cleanly with grammar.js (fix the grammar, then \
         regenerate: see editors/tree-sitter-study/generate.sh):\n{}",
        bad.len(),
        files.len(),
        bad.join("\n")
    );
}

#[test]
fn every_study_block_of_the_docs_parses_without_error_or_missing_nodes() {
    let root = repo();
    let mut pages = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/") {
        let p = entry.expect("a directory entry").path();
        if p.extension().is_some_and(|e| e == "md") {
            pages.push(p);
        }
    }
    pages.sort();
    let mut count = 0;
    let mut bad = Vec::new();
    for page in &pages {
        for (line, text) in study_blocks(&read_text(page)) {
            count += 1;
            let found = problems(&parse(text.as_bytes()), text.as_bytes());
            if !found.is_empty() {
                bad.push(format!("{}:{line} (lines counted from the block):\n  {}", shown(page), found.join("\n  ")));
            }
        }
    }
    // Today: 12 blocks in docs/language.md, 1 in docs/fmt.md.
    assert!(count >= 12, "only {count} ```study blocks found in README.md and docs/");
    assert!(bad.is_empty(), "```study blocks that do not parse cleanly with grammar.js:\n{}", bad.join("\n"));
}

#[test]
fn the_syntax_errors_of_the_language_are_errors_in_tree_sitter() {
    let dir = repo().join("tests/malformed");
    let clean: Vec<&str> = SYNTAX_ERRORS
        .iter()
        .copied()
        .filter(|name| {
            let text = read(&dir.join(name));
            problems(&parse(&text), &text).is_empty()
        })
        .collect();
    assert!(
        clean.is_empty(),
        "tests/malformed/ studies that sim2real rejects for their syntax but grammar.js accepts: {clean:?}"
    );
    for (name, why) in BEYOND_THE_GRAMMAR {
        let text = read(&dir.join(name));
        let found = problems(&parse(&text), &text);
        assert!(found.is_empty(), "tests/malformed/{name} ({why}) was expected to parse cleanly: {found:?}");
    }
}
