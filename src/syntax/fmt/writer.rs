//! Lines out: indentation, spaces between tokens, blank lines between paragraphs, and the comments
//! of the source put back before the first token that followed them.

use super::source::{Comment, blank_before, comment_text};

/// Where comments are written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Between the items of a file or a block, where empty lines part paragraphs.
    Paragraphs,
    /// Between items that stay together (a pipeline's operations).
    Items,
    /// Inside a construct: a comment of its own line is indented one level further.
    Inside,
}

/// Spaces of one indentation level (blocks, pipeline operations, continuation lines).
pub const INDENT: usize = 2;

pub struct Writer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    /// The first comment not yet written.
    next: usize,
    out: String,
    /// The current line, without its indentation.
    line: String,
    line_indent: usize,
    /// Indentation of the lines the layout starts.
    pub indent: usize,
    /// A comment broke the current construct: its next line is indented one level further.
    cont: bool,
    /// Spaces to put before the next text on this line.
    spaces: usize,
    /// No line yet since the start of the file or of a block: no blank line here.
    fresh: bool,
    /// The current line opens a block.
    opens: bool,
}

impl<'a> Writer<'a> {
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Self {
        Writer {
            text,
            comments,
            next: 0,
            out: String::new(),
            line: String::new(),
            line_indent: 0,
            indent: 0,
            cont: false,
            spaces: 0,
            fresh: true,
            opens: false,
        }
    }

    /// Text on the current line (after the spaces asked for, unless it starts the line).
    pub fn text(&mut self, s: &str) {
        if self.line.is_empty() {
            self.line_indent = self.indent + if self.cont { INDENT } else { 0 };
        } else {
            self.line.extend(std::iter::repeat_n(' ', self.spaces));
        }
        self.spaces = 0;
        self.line.push_str(s);
    }

    /// A token of the source at byte `start`: the comments before it first.
    pub fn token(&mut self, start: usize, s: &str) {
        self.comments_before(start, Place::Inside);
        self.text(s);
    }

    /// At least `n` spaces before the next text on this line.
    pub fn spaces(&mut self, n: usize) {
        self.spaces = self.spaces.max(n);
    }

    /// The column the next text starts at (in characters).
    pub fn column(&self) -> usize {
        if self.line.is_empty() {
            self.indent + if self.cont { INDENT } else { 0 }
        } else {
            self.line_indent + self.line.chars().count() + self.spaces
        }
    }

    /// The current line opens a block: no blank line right after it.
    pub fn opens_block(&mut self) {
        self.opens = true;
    }

    fn end_line(&mut self) {
        if !self.line.is_empty() {
            self.out.extend(std::iter::repeat_n(' ', self.line_indent));
            self.out.push_str(self.line.trim_end());
            self.out.push('\n');
            self.line.clear();
            self.fresh = self.opens;
        }
        self.opens = false;
        self.spaces = 0;
    }

    fn blank_line(&mut self) {
        self.end_line();
        if !self.fresh && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Starts an item of the layout (a statement, a block's setting, a pipeline operation) whose
    /// first token is at `start`: the comments before it, each on its line (or trailing the line
    /// before), then a new line; with `paragraphs`, an empty line of the source before the item or
    /// before one of those comments is kept (one, however many there were).
    pub fn item(&mut self, start: usize, paragraphs: bool) {
        self.comments_before(start, if paragraphs { Place::Paragraphs } else { Place::Items });
        self.end_line();
        self.cont = false;
        if paragraphs && blank_before(self.text, start) {
            self.blank_line();
        }
    }

    /// Writes the comments that start before `pos`. Inside a construct a comment ends the line
    /// and the construct goes on at one more level of indentation.
    pub fn comments_before(&mut self, pos: usize, place: Place) {
        let items = place != Place::Inside;
        while let Some(c) = self.comments.get(self.next).filter(|c| c.start < pos) {
            self.next += 1;
            let s = comment_text(self.text, c);
            if c.trailing && !self.line.is_empty() {
                let kept = self.line.trim_end().len();
                self.line.truncate(kept);
                self.spaces = 2;
                self.text(s);
            } else {
                self.end_line();
                if items {
                    self.cont = false;
                    if place == Place::Paragraphs && blank_before(self.text, c.start) {
                        self.blank_line();
                    }
                } else {
                    self.cont = true;
                }
                self.text(s);
            }
            self.end_line();
            if !items {
                self.cont = true;
            }
        }
    }

    /// Every comment left, then the text, ending in one line break (empty for an empty study).
    pub fn finish(mut self) -> String {
        self.comments_before(usize::MAX, Place::Paragraphs);
        self.end_line();
        self.out
    }

    /// The current line as written so far (for measuring a layout).
    pub fn current_line(&self) -> &str {
        &self.line
    }
}
