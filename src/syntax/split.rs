//! Lexical helpers for error recovery and safety, independent of pest:
//!
//! - [`split_statements`] cuts a study into top-level statements so that each can be parsed on
//!   its own and every broken statement reported;
//! - [`too_deep`] finds bracket nesting deeper than [`MAX_DEPTH`] (pest recursion on such input
//!   could exhaust the stack, so it is rejected before pest runs);
//! - [`content_end`] finds where the last token of a piece of text ends (comments skipped).
//!
//! All three skip over strings and `#` comments.

use super::names::STATEMENTS;

/// Deepest allowed nesting of `(`, `[` and `{`.
pub const MAX_DEPTH: usize = 64;

/// Words that continue an expression started on an earlier line (`| where a == 1` newline
/// `and b == 2`), so a line starting with one of them never starts a new statement.
const CONTINUATION_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "on",
    "where",
    "join",
    "select",
    "drop",
    "derive",
    "except",
    "at",
    "every",
    "largest",
    "significantly",
];

/// One statement's byte range `start..end` in the text (comments and blank lines included).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
}

/// The token kinds the splitter needs to know about.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    Punct(u8),
    Other,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The identifier starting at `i`, if any.
fn word_at(bytes: &[u8], i: usize) -> Option<&str> {
    if i >= bytes.len() || !is_ident_start(bytes[i]) {
        return None;
    }
    let mut j = i;
    while j < bytes.len() && is_ident_char(bytes[j]) {
        j += 1;
    }
    std::str::from_utf8(&bytes[i..j]).ok()
}

/// Skips a string starting at the quote at `i`; returns the index after it (or the end of the
/// line when it is not closed).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'\n' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

fn skip_comment(bytes: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < bytes.len() && bytes[j] != b'\n' {
        j += 1;
    }
    j
}

/// Splits `text` into statements. A new statement starts at a line whose first word is a
/// statement keyword (at bracket depth 0, or followed by something that can follow a keyword),
/// or at a line at depth 0 whose first word is any other identifier when the previous statement
/// looks complete (that is how unknown statement keywords get their own statement).
/// The chunks cover the whole text, in order.
pub fn split_statements(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut chunk_start = 0;
    let mut depth: usize = 0;
    let mut last: Option<Tok<'_>> = None;
    let mut tokens_in_chunk = 0usize;
    let mut first_word_is_keyword = false;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' || b == b'\r' {
            i += 1;
            continue;
        }
        if line_start {
            line_start = false;
            if let Some(w) = word_at(bytes, i) {
                let is_kw = STATEMENTS.contains(&w);
                let starts = if is_kw {
                    depth == 0 || looks_like_statement_after(bytes, i + w.len())
                } else {
                    depth == 0
                        && !CONTINUATION_WORDS.contains(&w)
                        && !continues(&last, tokens_in_chunk, first_word_is_keyword)
                };
                if starts && tokens_in_chunk > 0 {
                    chunks.push(Chunk { start: chunk_start, end: i });
                    chunk_start = i;
                    depth = 0;
                    tokens_in_chunk = 0;
                }
                if starts || tokens_in_chunk == 0 {
                    first_word_is_keyword = is_kw;
                }
            }
        }
        match b {
            b'#' => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i);
                last = Some(Tok::Other);
            }
            _ if is_ident_start(b) => {
                let w = word_at(bytes, i).unwrap_or("");
                i += w.len().max(1);
                last = Some(Tok::Word(w));
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
                last = Some(Tok::Punct(b));
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
                last = Some(Tok::Punct(b));
            }
            _ if b.is_ascii_digit() => {
                while i < bytes.len() && (is_ident_char(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                last = Some(Tok::Other);
            }
            _ => {
                i += 1;
                last = Some(Tok::Punct(b));
            }
        }
        tokens_in_chunk += 1;
    }
    chunks.push(Chunk { start: chunk_start, end: text.len() });
    chunks
}

/// Whether the text after a keyword at depth > 0 looks like a statement (`seed 7`, `grid {`)
/// rather than a use of the word as a name (`part: source,`, `seed: 1`).
fn looks_like_statement_after(bytes: &[u8], mut i: usize) -> bool {
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    match bytes.get(i) {
        Some(&b) => is_ident_char(b) || matches!(b, b'"' | b'{' | b'-' | b'.'),
        None => false,
    }
}

/// Whether the statement so far ends in a way that needs more (`=`, `|`, `and`, a lone keyword).
fn continues(last: &Option<Tok<'_>>, tokens: usize, first_is_keyword: bool) -> bool {
    if tokens == 1 && first_is_keyword {
        return true;
    }
    match last {
        Some(Tok::Word(w)) => CONTINUATION_WORDS.contains(w),
        Some(Tok::Punct(p)) => matches!(p, b'=' | b'|' | b',' | b'(' | b'[' | b'{' | b'<' | b'>' | b'!' | b':'),
        _ => false,
    }
}

/// The byte offset of the first bracket that opens nesting deeper than [`MAX_DEPTH`], if any.
pub fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end of the last token in `text[start..end]`, skipping trailing whitespace and comments;
/// `start` if there is none.
pub fn content_end(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut last = start;
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'#' => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i).min(end);
                last = i;
                continue;
            }
            b if b.is_ascii_whitespace() => {}
            _ => last = i + 1,
        }
        i += 1;
    }
    // Never end inside a multi-byte character.
    while last < text.len() && !text.is_char_boundary(last) {
        last += 1;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_words_are_names_of_the_language() {
        let known = crate::syntax::names::all_words();
        for w in CONTINUATION_WORDS {
            assert!(known.contains(w), "`{w}` is not in src/syntax/names.rs");
        }
    }

    fn pieces(text: &str) -> Vec<&str> {
        split_statements(text).iter().map(|c| text[c.start..c.end].trim()).collect()
    }

    #[test]
    fn splits_at_keywords_and_unknown_words() {
        let text =
            "study a\nseed 1\npretrian { lr = 1 }\ndata x = y\n  | where a == 1\n  and b == 2\ngrid { n = [1] }\n";
        assert_eq!(
            pieces(text),
            vec![
                "study a",
                "seed 1",
                "pretrian { lr = 1 }",
                "data x = y\n  | where a == 1\n  and b == 2",
                "grid { n = [1] }"
            ]
        );
    }

    #[test]
    fn keeps_keyword_words_used_as_names_inside_calls() {
        let text = "data s = synthetic(part:\n  source,\n  seed: 3)\nseed 2\n";
        assert_eq!(pieces(text), vec!["data s = synthetic(part:\n  source,\n  seed: 3)", "seed 2"]);
    }

    #[test]
    fn unclosed_block_ends_at_next_keyword() {
        let text = "model { hidden = [64\npretrain { lr = 1 }\n";
        assert_eq!(pieces(text), vec!["model { hidden = [64", "pretrain { lr = 1 }"]);
    }

    #[test]
    fn continuation_after_equals() {
        let text = "data x =\n  csv(\"a.csv\")\nseed 1";
        assert_eq!(pieces(text), vec!["data x =\n  csv(\"a.csv\")", "seed 1"]);
    }

    #[test]
    fn depth_limit() {
        assert_eq!(too_deep(&"(".repeat(MAX_DEPTH)), None);
        assert_eq!(too_deep(&"(".repeat(MAX_DEPTH + 1)), Some(MAX_DEPTH));
        assert_eq!(too_deep(&format!("\"{}\"", "(".repeat(100))), None);
    }

    #[test]
    fn content_end_skips_comments() {
        let text = "seed 1  # note\n\n";
        assert_eq!(content_end(text, 0, text.len()), 6);
    }
}
