//! queries/highlights.scm compiles against the grammar, captures every keyword of
//! grammar/study.pest as a keyword wherever one occurs (the corpus and the committed studies) and
//! no node under two names, and the corpus has every keyword.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tree_sitter::{Query, QueryCursor, StreamingIterator};

use crate::support::{corpus, language, nodes, parse, pest_keywords, position, read, repo, shown, studies_under};

fn query() -> Query {
    Query::new(&language(), tree_sitter_study::HIGHLIGHTS_QUERY)
        .unwrap_or_else(|e| panic!("queries/highlights.scm does not compile against the grammar: {e}"))
}

/// What the query makes of one text: the keyword nodes no `@keyword…` capture covers
/// (`LINE:COL `kw``), the keywords present, and the nodes captured under two names
/// (`LINE:COL `text`: a, b`), which editors would colour differently (Neovim takes the last
/// pattern, Helix and `tree-sitter highlight` the first).
struct Highlighted {
    uncaptured: Vec<String>,
    present: Vec<String>,
    ambiguous: Vec<String>,
}

fn highlight(query: &Query, keywords: &[String], text: &[u8]) -> Highlighted {
    let tree = parse(text);
    let names = query.capture_names();
    let mut by_node: HashMap<usize, BTreeSet<&str>> = HashMap::new();
    let mut cursor = QueryCursor::new();
    let mut captures = cursor.captures(query, tree.root_node(), text);
    while let Some((m, i)) = captures.next() {
        let c = m.captures()[*i];
        by_node.entry(c.node.id()).or_default().insert(names[c.index as usize]);
    }
    let mut out = Highlighted { uncaptured: Vec::new(), present: Vec::new(), ambiguous: Vec::new() };
    for n in nodes(&tree) {
        let names = by_node.get(&n.id());
        if names.is_some_and(|s| s.len() > 1) {
            let shown = String::from_utf8_lossy(&text[n.byte_range()]).chars().take(30).collect::<String>();
            let list: Vec<&str> = names.into_iter().flatten().copied().collect();
            out.ambiguous.push(format!("{} `{shown}`: {}", position(&n), list.join(", ")));
        }
        if !n.is_named() && keywords.iter().any(|k| k == n.kind()) {
            out.present.push(n.kind().to_string());
            if !names.is_some_and(|s| s.iter().any(|c| c.starts_with("keyword"))) {
                out.uncaptured.push(format!("{} `{}`", position(&n), n.kind()));
            }
        }
    }
    out
}

#[test]
fn every_keyword_of_the_language_is_a_token_of_the_grammar() {
    let language = language();
    let missing: Vec<String> =
        pest_keywords().into_iter().filter(|k| language.id_for_node_kind(k, false) == 0).collect();
    assert!(missing.is_empty(), "keywords of grammar/study.pest that grammar.js has no token for: {missing:?}");
}

#[test]
fn every_keyword_is_highlighted_wherever_it_occurs_and_no_node_twice() {
    let query = query();
    let keywords = pest_keywords();
    let mut uses: BTreeMap<String, usize> = keywords.iter().map(|k| (k.clone(), 0)).collect();
    let mut texts: Vec<(String, Vec<u8>)> =
        corpus().into_iter().map(|c| (format!("{} `{}`", c.at, c.name), c.input)).collect();
    let root = repo();
    for p in ["studies", "tests/studies", "tests/cli"].iter().flat_map(|d| studies_under(&root.join(d))) {
        texts.push((shown(&p), read(&p)));
    }
    let (mut uncaptured, mut ambiguous) = (Vec::new(), Vec::new());
    for (at, text) in &texts {
        let h = highlight(&query, &keywords, text);
        if at.contains("test/corpus/") {
            for k in h.present {
                *uses.get_mut(&k).expect("a keyword") += 1;
            }
        }
        if !h.uncaptured.is_empty() {
            uncaptured.push(format!("{at}: {}", h.uncaptured.join(", ")));
        }
        if !h.ambiguous.is_empty() {
            ambiguous.push(format!("{at}: {}", h.ambiguous.join("; ")));
        }
    }
    assert!(
        uncaptured.is_empty(),
        "keywords queries/highlights.scm does not capture as @keyword:\n{}",
        uncaptured.join("\n")
    );
    assert!(
        ambiguous.is_empty(),
        "nodes queries/highlights.scm captures under two names (editors differ in which wins):\n{}",
        ambiguous.join("\n")
    );
    let unused: Vec<&String> = uses.iter().filter(|(_, n)| **n == 0).map(|(k, _)| k).collect();
    assert!(unused.is_empty(), "keywords no corpus case (test/corpus/*.txt) has: {unused:?}");
}
