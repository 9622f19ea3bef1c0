//! Study text with a line index, so that rendering many problems stays linear.
//!
//! miette's `SourceCode for str` finds a snippet by scanning the text from its first byte, for
//! every label: rendering p problems of a file of length L costs O(p·L) (800 problems in a
//! 17 kB file took ~40 ms; fuzzing spends much of its time there). [`IndexedText`] looks up the
//! line of the span in a line index and lets miette scan only from the first context line,
//! returning exactly what miette's own scan returns (line numbers and offsets are shifted back).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A text plus the byte offsets where its lines start, by miette's rules: after `\n`, after
/// `\r\n`, and after a `\r` not followed by `\n`.
#[derive(Debug, Clone)]
pub struct IndexedText {
    text: String,
    line_starts: Vec<usize>,
}

impl IndexedText {
    pub fn new(text: String) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let breaks = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if breaks {
                line_starts.push(i + 1);
            }
        }
        IndexedText { text, line_starts }
    }

    /// The text itself.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for IndexedText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The line holding the span's first byte, then the first context line before it.
        let line = self.line_starts.partition_point(|&s| s <= span.offset()) - 1;
        let mut first = line.saturating_sub(context_lines_before);
        if first > 0 && span.is_empty() && self.line_starts[first] == span.offset() {
            // miette treats an empty span at offset 0 specially (`(offset + len).saturating_sub(1)`):
            // start a line earlier so that the span is never at the scan's offset 0 unless it is
            // at the text's.
            first -= 1;
        }
        let start = self.line_starts[first];
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let inner = self.text.as_bytes()[start..].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            // miette counts the line breaks from the start of the text up to the snippet's end.
            inner.line_count() + first,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every span inside texts with `\n`, `\r\n`, lone `\r`, blank and long lines, with 0..3 context
    /// lines either side: the indexed lookup returns what miette's scan of the whole text returns.
    #[test]
    fn same_snippets_as_a_full_scan() {
        let texts = [
            "",
            "one line",
            "a\nbb\n\nccc\ndddd\n",
            "a\r\nbb\r\n\r\nccc\r\nd",
            "a\rbb\r\rc\n\r\nx\r",
            "\n\n\nz\n\n",
            "grid { n = [1, 2]\n  m = [0.5]  # comment\n}\nseed 7",
        ];
        let mut compared = 0;
        for text in texts {
            let indexed = IndexedText::new(text.to_string());
            for offset in 0..=text.len() {
                for len in 0..=(text.len() - offset) {
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 2), (3, 3)] {
                        let span = SourceSpan::new(offset.into(), len);
                        let want = text.read_span(&span, before, after);
                        let got = indexed.read_span(&span, before, after);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                let case = format!("{text:?} {offset}+{len} ({before}, {after})");
                                assert_eq!(w.data(), g.data(), "{case}");
                                assert_eq!(w.span(), g.span(), "{case}");
                                assert_eq!(w.line(), g.line(), "{case}");
                                assert_eq!(w.column(), g.column(), "{case}");
                                assert_eq!(w.line_count(), g.line_count(), "{case}");
                                compared += 1;
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{text:?} {offset}+{len}: {:?} vs {:?}", w.is_ok(), g.is_ok()),
                        }
                    }
                }
            }
        }
        assert!(compared > 1000, "only {compared} spans compared");
    }
}
