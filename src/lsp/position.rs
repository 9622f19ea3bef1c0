//! Positions as the editor counts them (line, UTF-16 code unit: the LSP default) ⇄ byte offsets
//! into the text, and the open document with its edits. Out-of-range positions are clamped, never
//! a panic: an editor may send a position past the end of a line or of the file.

/// A position: 0-based line and UTF-16 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A range of positions, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub start: Pos,
    pub end: Pos,
}

/// The line starts of a text, for conversions both ways.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex { text, starts: crate::syntax::ast::line_starts(text) }
    }

    /// The position of a byte offset (clamped to the text, rounded down to a character boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let col = self.text[self.starts[line]..offset].encode_utf16().count();
        Pos { line: clamp_u32(line), col: clamp_u32(col) }
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range { start: self.pos(start), end: self.pos(end) }
    }

    /// The byte offset of a position: a column past the line's end is the line's end (before its
    /// newline), a line past the last is the end of the text.
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return self.text.len() };
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let mut units = 0usize;
        for (i, c) in self.text[start..line_end].char_indices() {
            // The character at the column, or the one the column falls inside.
            units += c.len_utf16();
            if units > pos.col as usize {
                return start + i;
            }
        }
        line_end
    }
}

fn clamp_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// An open document: its text and version.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub text: String,
    pub version: i32,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        Document { text, version }
    }

    /// Apply one change: replace `range` (the whole text when `None`) by `new_text`. A reversed
    /// range is taken in order; positions out of range are clamped.
    pub fn apply(&mut self, range: Option<Range>, new_text: &str) {
        match range {
            None => self.text = new_text.to_string(),
            Some(r) => {
                let index = LineIndex::new(&self.text);
                let (a, b) = (index.offset(r.start), index.offset(r.end));
                let (a, b) = (a.min(b), a.max(b));
                self.text.replace_range(a..b, new_text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_clamp() {
        let text = "ab\nα𝄞c\n";
        let ix = LineIndex::new(text);
        assert_eq!(ix.pos(0), Pos { line: 0, col: 0 });
        assert_eq!(ix.pos(3), Pos { line: 1, col: 0 });
        // α is one UTF-16 unit (2 bytes), 𝄞 two units (4 bytes).
        assert_eq!(ix.pos(5), Pos { line: 1, col: 1 });
        assert_eq!(ix.pos(9), Pos { line: 1, col: 3 });
        assert_eq!(ix.pos(4), Pos { line: 1, col: 0 }, "inside α: rounded down");
        assert_eq!(ix.pos(999), Pos { line: 2, col: 0 });
        assert_eq!(ix.offset(Pos { line: 1, col: 3 }), 9);
        assert_eq!(ix.offset(Pos { line: 1, col: 2 }), 5, "inside 𝄞: its start");
        assert_eq!(ix.offset(Pos { line: 0, col: 99 }), 2);
        assert_eq!(ix.offset(Pos { line: 9, col: 0 }), text.len());
    }

    #[test]
    fn edits_apply_and_clamp() {
        let mut d = Document::new("seed 1\nstudy x\n".into(), 1);
        d.apply(Some(Range { start: Pos { line: 0, col: 5 }, end: Pos { line: 0, col: 6 } }), "42");
        assert_eq!(d.text, "seed 42\nstudy x\n");
        d.apply(Some(Range { start: Pos { line: 1, col: 99 }, end: Pos { line: 1, col: 6 } }), "");
        assert_eq!(d.text, "seed 42\nstudy \n");
        d.apply(Some(Range { start: Pos { line: 7, col: 0 }, end: Pos { line: 9, col: 0 } }), "grid");
        assert_eq!(d.text, "seed 42\nstudy \ngrid");
        d.apply(None, "");
        assert_eq!(d.text, "");
    }
}
