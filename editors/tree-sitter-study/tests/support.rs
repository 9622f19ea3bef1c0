//! Helpers of the test modules: paths, the parser, the error nodes of a tree, the keywords of the
//! language's grammar and the corpus reader.

use std::path::{Path, PathBuf};

use tree_sitter::{Language, Node, Parser, Tree};

/// The grammar's folder (editors/tree-sitter-study).
pub fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sim2real repository root.
pub fn repo() -> PathBuf {
    here().join("../..").canonicalize().expect("the repository root")
}

/// A file's bytes; a missing file fails the test naming it.
pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A text file's contents.
pub fn read_text(p: &Path) -> String {
    String::from_utf8(read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `p` relative to the repository root, for messages.
pub fn shown(p: &Path) -> String {
    p.strip_prefix(repo()).unwrap_or(p).display().to_string()
}

pub fn language() -> Language {
    tree_sitter_study::LANGUAGE.into()
}

pub fn parse(text: &[u8]) -> Tree {
    let mut parser = Parser::new();
    parser.set_language(&language()).expect("the study grammar loads (ABI supported by the runtime)");
    parser.parse(text, None).expect("tree-sitter returns a tree (no timeout or cancellation set)")
}

/// Every node of `tree`, in document order.
pub fn nodes(tree: &Tree) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

/// `LINE:COL` (1-based) of a node's start.
pub fn position(node: &Node) -> String {
    let p = node.start_position();
    format!("{}:{}", p.row + 1, p.column + 1)
}

/// The ERROR and MISSING nodes of a tree, as `LINE:COL: ERROR at `text`` or
/// `LINE:COL: MISSING `kind``.
pub fn problems(tree: &Tree, text: &[u8]) -> Vec<String> {
    nodes(tree)
        .into_iter()
        .filter_map(|n| {
            if n.is_missing() {
                Some(format!("{}: MISSING `{}`", position(&n), n.kind()))
            } else if n.is_error() {
                let covered = String::from_utf8_lossy(&text[n.byte_range()]);
                let first: String = covered.lines().next().unwrap_or("").chars().take(40).collect();
                Some(format!("{}: ERROR at `{first}`", position(&n)))
            } else {
                None
            }
        })
        .collect()
}

/// The literals of grammar/study.pest's `kw_` rules (`kw_study = @{ "study" ~ !ident_char }`).
pub fn pest_keywords() -> Vec<String> {
    let grammar = read_text(&repo().join("grammar/study.pest"));
    let kws: Vec<String> = grammar
        .lines()
        .filter_map(|l| l.strip_prefix("kw_"))
        .filter_map(|rest| rest.split('"').nth(1))
        .map(str::to_string)
        .collect();
    assert!(kws.len() > 30, "grammar/study.pest's kw_ rules were not found ({})", kws.len());
    kws
}

/// Every `.study` file under `dir`, recursively, sorted.
pub fn studies_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.expect("a directory entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "study") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The fenced blocks of a Markdown page whose info string starts with `study` (```study,
/// ```study-fragment, ...): (line of the opening fence, text).
pub fn study_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((i + 1, info.trim().starts_with("study"), String::new())),
            (Some(_), Some(_)) => {
                let (at, is_study, text) = open.take().expect("open");
                if is_study {
                    blocks.push((at, text));
                }
            }
            (Some((_, _, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a fence is never closed");
    blocks
}

/// One case of a corpus file.
pub struct Case {
    /// `test/corpus/FILE.txt:LINE` of its header.
    pub at: String,
    pub name: String,
    pub input: Vec<u8>,
    /// The expected S-expression, normalised (see [`normalize_sexp`]).
    pub expected: String,
}

/// A line of 3 or more `c` and nothing else.
fn is_delimiter(line: &str, c: char) -> bool {
    let line = line.trim_end_matches(['\r', '\n']);
    line.len() >= 3 && line.chars().all(|x| x == c)
}

/// The cases of one corpus file, read as `tree-sitter test` reads them: a header (a line of `=`,
/// the name, a line of `=`), the input, a line of `-` (the longest in the body, the last of equal
/// ones), the expected tree. Header attributes (`:skip`, `:error`, ...) and delimiter suffixes
/// are refused: this reader does not implement them.
pub fn read_corpus_file(rel: &str, content: &str) -> Vec<Case> {
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    // (header line, name, first body line)
    let mut headers: Vec<(usize, String, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_delimiter(lines[i], '=') {
            let mut j = i + 1;
            let mut name = String::new();
            while j < lines.len() && !is_delimiter(lines[j], '=') && !lines[j].trim().is_empty() {
                let l = lines[j].trim();
                assert!(!l.starts_with(':'), "{rel}:{}: attribute `{l}`: not supported by this reader", j + 1);
                name.push_str(l);
                j += 1;
            }
            if j < lines.len() && is_delimiter(lines[j], '=') && !name.is_empty() {
                headers.push((i, name, j + 1));
                i = j + 1;
                continue;
            }
        } else {
            let t = lines[i].trim_end();
            let suffixed = |c: char| t.len() > 3 && t.starts_with(&c.to_string().repeat(3)) && !is_delimiter(t, c);
            assert!(!suffixed('='), "{rel}:{}: a delimiter with a suffix: not supported by this reader", i + 1);
        }
        i += 1;
    }
    let mut cases = Vec::new();
    for (k, (header, name, body)) in headers.iter().enumerate() {
        let end = headers.get(k + 1).map_or(lines.len(), |h| h.0);
        let body_lines = &lines[*body..end];
        let mut divider: Option<(usize, usize)> = None; // (length, index)
        for (j, l) in body_lines.iter().enumerate() {
            if is_delimiter(l, '-') {
                let len = l.trim_end().len();
                if divider.is_none_or(|(best, _)| len >= best) {
                    divider = Some((len, j));
                }
            }
        }
        let (_, d) = divider.unwrap_or_else(|| panic!("{rel}:{}: case `{name}` has no `---` line", header + 1));
        let mut input: Vec<u8> = body_lines[..d].iter().flat_map(|l| l.bytes()).collect();
        if input.last() == Some(&b'\n') {
            input.pop();
        }
        if input.last() == Some(&b'\r') {
            input.pop();
        }
        let expected = normalize_sexp(&body_lines[d + 1..].concat());
        cases.push(Case { at: format!("{rel}:{}", header + 1), name: name.clone(), input, expected });
    }
    cases
}

/// Every case of test/corpus/*.txt, files in name order.
pub fn corpus() -> Vec<Case> {
    let dir = here().join("test/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files.iter().flat_map(|p| read_corpus_file(&shown(p), &read_text(p))).collect()
}

/// An S-expression as `tree-sitter test` compares it: comment lines (`;`) dropped, whitespace
/// runs one space, no space before `)`.
pub fn normalize_sexp(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for line in raw.lines().filter(|l| !l.trim_start().starts_with(';')) {
        for c in line.chars() {
            if c.is_whitespace() {
                if !space && !out.is_empty() {
                    out.push(' ');
                    space = true;
                }
            } else {
                if c == ')' && space {
                    out.pop();
                }
                out.push(c);
                space = false;
            }
        }
        if !out.is_empty() && !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

/// ` name: (` → ` (`: a tree's S-expression without field names, for expectations written without
/// them (as `tree-sitter test` does when the expected tree has no `field: (`).
pub fn strip_fields(sexp: &str) -> String {
    let mut out = String::with_capacity(sexp.len());
    let mut rest = sexp;
    while let Some(pos) = rest.find(": (") {
        let field = rest[..pos].rfind(' ').map(|space| (space, &rest[space + 1..pos]));
        if let Some((space, _)) =
            field.filter(|(_, w)| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            out.push_str(&rest[..=space]);
            out.push('(');
        } else {
            out.push_str(&rest[..pos + 3]);
        }
        rest = &rest[pos + 3..];
    }
    out.push_str(rest);
    out
}
