//! Tokens of a study text for the editor: words, numbers, strings, globs, comments and
//! punctuation, with byte spans. Unlike the pest grammar this never fails: a half-typed file
//! (an open string, a stray character) still yields tokens for highlighting, completion and
//! navigation.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword: `[A-Za-z_][A-Za-z0-9_]*`.
    Word,
    Number,
    /// A double-quoted string (an unterminated one runs to the end of its line).
    Str,
    /// A column pattern: identifier characters with `*` or `?`.
    Glob,
    /// `#` to the end of the line.
    Comment,
    /// `{ } ( ) [ ] , :`
    Punct,
    /// `= == != < <= > >= | + - * /`
    Op,
    /// Any other character.
    Other,
}

/// One token: its kind and byte range into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn glob_char(b: u8) -> bool {
    ident_char(b) || b == b'*' || b == b'?'
}

/// Every token of `text`, in order (whitespace dropped).
pub fn lex(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                Kind::Comment
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    // An escape takes the next character, except a newline.
                    i += if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' { 2 } else { 1 };
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
                Kind::Str
            }
            b'0'..=b'9' => {
                number_end(bytes, &mut i);
                Kind::Number
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                number_end(bytes, &mut i);
                Kind::Number
            }
            b'*' | b'?'
                if b == b'?' || bytes.get(i + 1).is_some_and(|&n| glob_char(n)) || lone_star_is_glob(out.last()) =>
            {
                while i < bytes.len() && glob_char(bytes[i]) {
                    i += 1;
                }
                Kind::Glob
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len() && ident_char(bytes[i]) {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'*' || bytes[i] == b'?') {
                    while i < bytes.len() && glob_char(bytes[i]) {
                        i += 1;
                    }
                    Kind::Glob
                } else {
                    Kind::Word
                }
            }
            b'{' | b'}' | b'(' | b')' | b'[' | b']' | b',' | b':' => {
                i += 1;
                Kind::Punct
            }
            b'=' | b'!' | b'<' | b'>' => {
                i += 1;
                if i < bytes.len() && bytes[i] == b'=' {
                    i += 1;
                }
                if &text[start..i] == "!" { Kind::Other } else { Kind::Op }
            }
            b'|' | b'+' | b'-' | b'*' | b'/' => {
                i += 1;
                Kind::Op
            }
            _ => {
                // One character, whole (never split a UTF-8 sequence).
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Other
            }
        };
        out.push(Token { kind, text: &text[start..i], start, end: i });
    }
    out
}

/// A lone `*` stands for all columns where a column set starts (`x = *`, `[a, *]`, `except *`,
/// `select *`); elsewhere (`a * b`) it is multiplication.
fn lone_star_is_glob(prev: Option<&Token>) -> bool {
    prev.is_some_and(|t| matches!(t.text, "=" | "[" | "," | "except" | "select" | "drop"))
}

fn number_end(bytes: &[u8], i: &mut usize) {
    while *i < bytes.len() && (bytes[*i].is_ascii_digit() || bytes[*i] == b'.') {
        *i += 1;
    }
    if *i < bytes.len() && (bytes[*i] == b'e' || bytes[*i] == b'E') {
        let mut j = *i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            *i = j;
            while *i < bytes.len() && bytes[*i].is_ascii_digit() {
                *i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        lex(text).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn lexes_the_shapes_of_the_language() {
        use Kind::*;
        assert_eq!(
            kinds("source sim { x = f_*  y = y }  # c"),
            [
                (Word, "source"),
                (Word, "sim"),
                (Punct, "{"),
                (Word, "x"),
                (Op, "="),
                (Glob, "f_*"),
                (Word, "y"),
                (Op, "="),
                (Word, "y"),
                (Punct, "}"),
                (Comment, "# c")
            ]
        );
        assert_eq!(
            kinds("lr = 1e-3 m = [.5]"),
            [
                (Word, "lr"),
                (Op, "="),
                (Number, "1e-3"),
                (Word, "m"),
                (Op, "="),
                (Punct, "["),
                (Number, ".5"),
                (Punct, "]")
            ]
        );
        assert_eq!(
            kinds("where a == \"x\\\"y\" and b != 2"),
            [
                (Word, "where"),
                (Word, "a"),
                (Op, "=="),
                (Str, "\"x\\\"y\""),
                (Word, "and"),
                (Word, "b"),
                (Op, "!="),
                (Number, "2")
            ]
        );
        assert_eq!(
            kinds("derive r = a * b"),
            [(Word, "derive"), (Word, "r"), (Op, "="), (Word, "a"), (Op, "*"), (Word, "b")]
        );
        assert_eq!(kinds("x = *  y = y"), [(Word, "x"), (Op, "="), (Glob, "*"), (Word, "y"), (Op, "="), (Word, "y")]);
    }

    #[test]
    fn half_typed_text_still_lexes() {
        use Kind::*;
        assert_eq!(
            kinds("data t = csv(\"a.csv\n"),
            [(Word, "data"), (Word, "t"), (Op, "="), (Word, "csv"), (Punct, "("), (Str, "\"a.csv")]
        );
        assert_eq!(kinds("é!\\"), [(Other, "é"), (Other, "!"), (Other, "\\")]);
        // Spans tile the text without overlaps, ending on character boundaries.
        let text = "a\"\\";
        let toks = lex(text);
        assert!(toks.iter().all(|t| text.is_char_boundary(t.start) && text.is_char_boundary(t.end)));
    }
}
