//! The document handling of the server, driven in-process on arbitrary input (the `lsp` fuzz
//! target and tests/lsp.rs use it): a text, then edits, and after each every request the server
//! answers from the text (diagnostics, completion, hover, definition, references, semantic
//! tokens) at positions taken from the input. Panics are the bugs it looks for; it also asserts
//! that every range it gets back lies inside the document.

use super::complete::{Columns, complete};
use super::position::{Document, LineIndex, Pos, Range};

/// Split the input at 0xFF bytes: the first part is the text, each further part one edit: four
/// bytes (start line, start column, end line, end column) and the inserted text (lossy UTF-8).
pub fn drive(data: &[u8]) {
    let mut parts = data.split(|&b| b == 0xFF);
    let mut doc = Document::new(String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned(), 0);
    let columns: Columns = [("t".to_string(), vec!["d_1".to_string(), "d_2".to_string(), "y".to_string()])].into();
    let mut probes = vec![Pos::default()];
    exercise(&doc.text, &probes, &columns);
    for part in parts {
        let b = |i: usize| u32::from(part.get(i).copied().unwrap_or(0));
        let range = Range { start: Pos { line: b(0), col: b(1) }, end: Pos { line: b(2), col: b(3) } };
        let inserted = String::from_utf8_lossy(part.get(4..).unwrap_or_default()).into_owned();
        doc.apply(if part.len() >= 4 { Some(range) } else { None }, &inserted);
        doc.version += 1;
        probes = vec![range.start, range.end, Pos { line: range.start.line, col: range.start.col + 1 }];
        exercise(&doc.text, &probes, &columns);
    }
}

/// Every request at each probe position and at a spread of offsets of the text.
pub fn exercise(text: &str, probes: &[Pos], columns: &Columns) {
    let index = LineIndex::new(text);
    let end = index.pos(text.len());
    let inside = |r: Range| assert!(r.start <= r.end && r.end <= end, "range {r:?} outside the text (end {end:?})");
    let (diags, _) = super::diagnose::check_text("drive.study", text);
    for d in &diags {
        inside(d.range);
    }
    let step = (text.len() / 16).max(1);
    let probed: Vec<usize> = probes.iter().map(|p| index.offset(*p)).collect();
    for &offset in &probed {
        assert!(text.is_char_boundary(offset), "position → offset {offset} splits a character");
    }
    // Also offsets that may split a character: every function takes any offset.
    for offset in probed.into_iter().chain((0..=text.len()).step_by(step)) {
        let _ = complete(text, offset, columns);
        if let Some(((a, b), _)) = super::hover::hover(text, offset) {
            inside(index.range(a, b));
        }
        if let Some((a, b)) = super::tables::goto_definition(text, offset) {
            assert!(a <= b && b <= text.len());
        }
        for (a, b) in super::tables::references(text, offset, true) {
            assert!(a <= b && b <= text.len());
        }
    }
    let highlights = super::tokens::highlights(text);
    let mut last = Pos::default();
    for h in &highlights {
        let at = Pos { line: h.line, col: h.col };
        assert!(at >= last, "semantic tokens out of order");
        last = at;
        inside(Range { start: at, end: Pos { line: h.line, col: h.col + h.len } });
    }
    let _ = super::tokens::encode(&highlights);
}
