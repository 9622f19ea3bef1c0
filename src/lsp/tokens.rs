//! Semantic tokens: every token's role ([`super::scope::Role`]) as an LSP token type, encoded as
//! the protocol wants (relative lines and UTF-16 columns, one token per line span).

use super::position::LineIndex;
use super::scope::{Role, Walk};

/// The token types, in the order of the legend the server announces.
pub const TYPES: &[&str] = &[
    "keyword",
    "type",
    "property",
    "parameter",
    "function",
    "enumMember",
    "variable",
    "string",
    "number",
    "comment",
    "operator",
];
/// The modifiers: a table's declaration is `declaration`.
pub const MODIFIERS: &[&str] = &["declaration"];

fn type_of(role: Role) -> Option<u32> {
    let name = match role {
        Role::Statement | Role::Keyword => "keyword",
        Role::TableDef | Role::TableRef => "type",
        Role::Setting => "property",
        Role::Arg => "parameter",
        Role::Call => "function",
        Role::Value => "enumMember",
        Role::Name | Role::Glob => "variable",
        Role::Str => "string",
        Role::Number => "number",
        Role::Comment => "comment",
        Role::Op => "operator",
        Role::Punct | Role::Other => return None,
    };
    TYPES.iter().position(|t| *t == name).and_then(|p| u32::try_from(p).ok())
}

/// One highlighted token: position (line, UTF-16 column), length in UTF-16 units, type index
/// into [`TYPES`], modifier bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub line: u32,
    pub col: u32,
    pub len: u32,
    pub kind: u32,
    pub modifiers: u32,
}

/// The highlighted tokens of a text, in order. Tokens never span lines (comments and strings
/// end at the line's end), so each is one highlight.
pub fn highlights(text: &str) -> Vec<Highlight> {
    let walk = Walk::new(text);
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for (t, role) in walk.tokens.iter().zip(&walk.roles) {
        let Some(kind) = type_of(*role) else { continue };
        let start = index.pos(t.start);
        let len = u32::try_from(t.text.encode_utf16().count()).unwrap_or(u32::MAX);
        let modifiers = u32::from(*role == Role::TableDef);
        out.push(Highlight { line: start.line, col: start.col, len, kind, modifiers });
    }
    out
}

/// The protocol's encoding: per token (Δline, Δstart, length, type, modifiers), Δstart relative
/// to the previous token when on the same line.
pub fn encode(highlights: &[Highlight]) -> Vec<u32> {
    let mut out = Vec::with_capacity(highlights.len() * 5);
    let (mut line, mut col) = (0u32, 0u32);
    for h in highlights {
        let dl = h.line - line;
        let dc = if dl == 0 { h.col - col } else { h.col };
        out.extend([dl, dc, h.len, h.kind, h.modifiers]);
        (line, col) = (h.line, h.col);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_typed_and_relative() {
        let h = highlights("model { activation = relu }  # c\ngrid");
        let kinds: Vec<&str> = h.iter().map(|h| TYPES[h.kind as usize]).collect();
        assert_eq!(kinds, ["keyword", "property", "operator", "enumMember", "comment", "keyword"]);
        assert_eq!(
            encode(&h),
            [0, 0, 5, 0, 0, 0, 8, 10, 2, 0, 0, 11, 1, 10, 0, 0, 2, 4, 5, 0, 0, 8, 3, 9, 0, 1, 0, 4, 0, 0]
        );
    }
}
