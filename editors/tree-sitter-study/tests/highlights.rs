//! queries/highlights.scm compiles against the grammar and captures every keyword of
//! grammar/study.pest as a keyword wherever one occurs (the corpus and the committed studies),
//! and the corpus has every keyword.

use std::collections::{BTreeMap, HashSet};

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::support::{corpus, language, nodes, parse, pest_keywords, position, read, repo, shown, studies_under};

fn query() -> Query {
    Query::new(&language(), tree_sitter_study::HIGHLIGHTS_QUERY)
        .unwrap_or_else(|e| panic!("queries/highlights.scm does not compile against the grammar: {e}"))
}

/// The keyword nodes of `text` that no `@keyword…` capture covers (`LINE:COL `kw``), and the
/// keywords present.
fn uncaptured_keywords(query: &Query, keywords: &[String], text: &[u8]) -> (Vec<String>, Vec<String>) {
    let tree = parse(text);
    let names = query.capture_names();
    let mut captured = HashSet::new();
    let mut cursor = QueryCursor::new();
    let mut captures = cursor.captures(query, tree.root_node(), text);
    while let Some((m, i)) = captures.next() {
        let c = m.captures()[*i];
        if names[c.index as usize].starts_with("keyword") {
            captured.insert(c.node.id());
        }
    }
    let mut missing = Vec::new();
    let mut present = Vec::new();
    for n in nodes(&tree).into_iter().filter(|n| !n.is_named() && keywords.iter().any(|k| k == n.kind())) {
        present.push(n.kind().to_string());
        if !captured.contains(&n.id()) {
            missing.push(format!("{} `{}`", position(&n), n.kind()));
        }
    }
    (missing, present)
}

#[test]
fn every_keyword_of_the_language_is_a_token_of_the_grammar() {
    let language = language();
    let missing: Vec<String> =
        pest_keywords().into_iter().filter(|k| language.id_for_node_kind(k, false) == 0).collect();
    assert!(missing.is_empty(), "keywords of grammar/study.pest that grammar.js has no token for: {missing:?}");
}

#[test]
fn every_keyword_is_highlighted_wherever_it_occurs() {
    let query = query();
    let keywords = pest_keywords();
    let mut uses: BTreeMap<String, usize> = keywords.iter().map(|k| (k.clone(), 0)).collect();
    let mut bad = Vec::new();
    for case in corpus() {
        let (missing, present) = uncaptured_keywords(&query, &keywords, &case.input);
        for k in present {
            *uses.get_mut(&k).expect("a keyword") += 1;
        }
        if !missing.is_empty() {
            bad.push(format!("{} `{}`: {}", case.at, case.name, missing.join(", ")));
        }
    }
    let root = repo();
    for p in ["studies", "tests/studies", "tests/cli"].iter().flat_map(|d| studies_under(&root.join(d))) {
        let (missing, _) = uncaptured_keywords(&query, &keywords, &read(&p));
        if !missing.is_empty() {
            bad.push(format!("{}: {}", shown(&p), missing.join(", ")));
        }
    }
    assert!(bad.is_empty(), "keywords queries/highlights.scm does not capture as @keyword:\n{}", bad.join("\n"));
    let unused: Vec<&String> = uses.iter().filter(|(_, n)| **n == 0).map(|(k, _)| k).collect();
    assert!(unused.is_empty(), "keywords no corpus case (test/corpus/*.txt) has: {unused:?}");
}
