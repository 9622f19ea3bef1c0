//! The fenced code blocks of a Markdown page (docs/language.md's studies), with their info
//! strings and line numbers.

use std::path::Path;

/// One fenced block: the info string after the opening fence, the 1-based line of that fence,
/// and the text between the fences.
pub struct Block {
    pub info: String,
    pub line: usize,
    pub text: String,
}

/// The ``` blocks of `markdown`, in order. Panics on an unclosed fence.
pub fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => {
                open = Some(Block { info: info.trim().to_string(), line: i + 1, text: String::new() })
            }
            (Some(_), Some(_)) => blocks.push(open.take().expect("open")),
            (Some(b), None) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    if let Some(b) = open {
        panic!("the fence at line {} is never closed", b.line);
    }
    blocks
}

/// The fenced blocks of a repository file, e.g. `blocks_of("docs/language.md")`.
pub fn blocks_of(rel: &str) -> Vec<Block> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    fenced_blocks(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

/// The example study at the top of docs/language.md (its first ```study block): the study the
/// language reference describes, checked as it is written there.
pub fn language_example() -> String {
    blocks_of("docs/language.md")
        .into_iter()
        .find(|b| b.info == "study")
        .expect("docs/language.md has a ```study block")
        .text
}
