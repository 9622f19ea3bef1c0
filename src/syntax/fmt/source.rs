//! The study text as the formatter sees it: the tokens pest matched (the leaves of its tree) and
//! the comments between them, which the parser skips and the syntax tree does not keep.

/// A `# ...` comment: its byte range (without the line break) and whether it trails a token on
/// the same line (`x = 1  # why`) or stands on a line of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    pub trailing: bool,
}

/// Whitespace as the grammar defines it (`WHITESPACE` in grammar/study.pest).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

/// The comments of `text`, found in the gaps between consecutive tokens (`tokens` are the
/// `(start, end)` of every leaf, in order; the last is `EOI`, at the end of the text), so a `#`
/// inside a string is never taken for one.
pub fn comments(text: &str, tokens: &[(usize, usize)]) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut gap_start = 0;
    for (i, &(start, end)) in tokens.iter().enumerate() {
        let mut at = gap_start;
        let mut line_break = false;
        while at < start {
            let Some(c) = text[at..start].chars().next() else { break };
            if c == '#' {
                let len = text[at..start].find('\n').unwrap_or(start - at);
                out.push(Comment { start: at, end: at + len, trailing: i > 0 && !line_break });
                at += len;
            } else {
                line_break |= c == '\n';
                at += c.len_utf8();
            }
        }
        gap_start = end.max(gap_start);
    }
    out
}

/// Whether the whitespace just before `pos` holds an empty line (two line breaks or more).
pub fn blank_before(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    let ws = &before[before.trim_end_matches(is_space).len()..];
    ws.matches('\n').count() >= 2
}

/// The text of a comment as written, without trailing whitespace.
pub fn comment_text<'t>(text: &'t str, c: &Comment) -> &'t str {
    text[c.start..c.end].trim_end_matches(|ch: char| ch.is_whitespace())
}
