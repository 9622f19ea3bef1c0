//! Hover: the documentation of a word of the language, read from docs/language.md itself (embedded
//! at build time, so the editor shows the same text as the page), plus the groups of the *Names*
//! table ([`crate::syntax::names::groups`]) the word belongs to. Over a table name, its `data`
//! statement.
//!
//! Which passage documents a word: the page is cut into passages (paragraphs, list items, table
//! rows; code blocks and the *Names* section left out), each under its `##`/`###` heading. The
//! first passage that starts with a code span beginning with the word wins (a table row
//! "`data NAME = TABLE` | declares a table", a list item "`where COND` — keep rows ..."); else the
//! first with a code span beginning with it; else the first with the word anywhere in a code span;
//! else a commented line of a code block that shows it (`activation = relu  # relu | tanh ...`).

use crate::syntax::names;

use super::scope::{Role, Walk};

const DOC: &str = include_str!("../../docs/language.md");

/// One passage of the page and the section it is in.
#[derive(Debug, Clone)]
struct Passage {
    section: String,
    text: String,
}

/// The passages of the page and its commented code lines, read once.
fn passages() -> &'static (Vec<Passage>, Vec<Passage>) {
    static PASSAGES: std::sync::OnceLock<(Vec<Passage>, Vec<Passage>)> = std::sync::OnceLock::new();
    PASSAGES.get_or_init(read_passages)
}

fn read_passages() -> (Vec<Passage>, Vec<Passage>) {
    let mut out = Vec::new();
    let mut code_lines = Vec::new();
    let mut section = String::new();
    let mut current = String::new();
    let mut fenced = false;
    let flush = |current: &mut String, section: &str, out: &mut Vec<Passage>| {
        if !current.trim().is_empty() {
            out.push(Passage { section: section.to_string(), text: current.trim().to_string() });
        }
        current.clear();
    };
    for line in DOC.lines() {
        if line.starts_with("```") {
            flush(&mut current, &section, &mut out);
            fenced = !fenced;
            continue;
        }
        if fenced {
            if line.contains('#') {
                code_lines.push(Passage { section: section.clone(), text: line.trim().to_string() });
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
            flush(&mut current, &section, &mut out);
            section = h.trim().to_string();
            continue;
        }
        if section == "Names" || line.starts_with("<!--") || line.starts_with("# ") {
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with("- ") || trimmed.starts_with('|') {
            flush(&mut current, &section, &mut out);
        }
        if trimmed.starts_with("|---") || trimmed.starts_with("| statement |") || trimmed.starts_with("| `subset` |") {
            continue;
        }
        if trimmed.starts_with('|') {
            out.push(Passage { section: section.clone(), text: table_row(trimmed) });
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    flush(&mut current, &section, &mut out);
    (out, code_lines)
}

/// `| a | b |` → `a — b` (with `\|` unescaped).
fn table_row(line: &str) -> String {
    let line = line.replace("\\|", "\u{0}");
    let cells: Vec<String> = line
        .trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().replace('\u{0}', "|"))
        .filter(|c| !c.is_empty())
        .collect();
    cells.join(" — ")
}

/// The code spans of a passage.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn starts_with_word(span: &str, word: &str) -> bool {
    span.strip_prefix(word).is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == word)
}

/// The passage documenting `word` and its section.
fn passage_for(word: &str) -> Option<(String, String)> {
    let (all, code_lines) = passages();

    let leading = |p: &&Passage| {
        p.text.trim_start_matches("- ").starts_with('`')
            && code_spans(&p.text).first().is_some_and(|s| starts_with_word(s, word))
    };
    let any_leading = |p: &&Passage| code_spans(&p.text).iter().any(|s| starts_with_word(s, word));
    let anywhere = |p: &&Passage| code_spans(&p.text).iter().any(|s| has_word(s, word));
    let found = all
        .iter()
        .find(leading)
        .or_else(|| all.iter().find(any_leading))
        .or_else(|| all.iter().find(anywhere))
        .or_else(|| code_lines.iter().find(|p| has_word(&p.text, word)));
    found.map(|p| (p.section.clone(), p.text.clone()))
}

/// The documentation of a word of the language (Markdown), or `None` for other words.
pub fn word_doc(word: &str) -> Option<String> {
    let groups: Vec<&str> = names::groups().into_iter().filter(|g| g.names.contains(&word)).map(|g| g.key).collect();
    if groups.is_empty() {
        return None;
    }
    let mut out = format!("`{word}` — {}", groups.join(", "));
    if let Some((section, text)) = passage_for(word) {
        out += &format!("\n\n{text}\n\n*docs/language.md, {section}*");
    }
    Some(out)
}

/// Hover at byte `offset`: (the word's byte range, Markdown).
pub fn hover(text: &str, offset: usize) -> Option<((usize, usize), String)> {
    let walk = Walk::new(text);
    let i = walk.token_at(offset)?;
    let t = walk.tokens[i];
    let markdown = match walk.roles[i] {
        Role::TableDef | Role::TableRef => {
            let def = super::tables::definition(&walk, t.text)?;
            let line_end = text[def.0..].find('\n').map_or(text.len(), |e| def.0 + e);
            let start = text[..def.0].rfind('\n').map_or(0, |s| s + 1);
            format!("table `{}`\n\n```study\n{}\n```", t.text, text[start..line_end].trim_end())
        }
        Role::Statement | Role::Keyword | Role::Setting | Role::Arg | Role::Call | Role::Value | Role::Name => {
            word_doc(t.text)?
        }
        _ => return None,
    };
    Some(((t.start, t.end), markdown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_of_the_language_has_a_passage_of_the_docs() {
        let missing: Vec<&str> = names::all_words().into_iter().filter(|w| passage_for(w).is_none()).collect();
        assert!(missing.is_empty(), "words docs/language.md does not document (outside Names): {missing:?}");
    }

    #[test]
    fn statements_are_documented_by_their_row() {
        let d = word_doc("data").unwrap();
        assert!(d.contains("`data NAME = TABLE` — declares a table"), "{d}");
        assert!(d.ends_with("*docs/language.md, Statements*"), "{d}");
        let d = word_doc("where").unwrap();
        assert!(d.contains("`where COND` — keep rows where COND holds"), "{d}");
        let d = word_doc("relu").unwrap();
        assert!(d.starts_with("`relu` — activations, latent activations"), "{d}");
        assert_eq!(word_doc("polymer"), None);
    }

    #[test]
    fn hover_over_a_table_shows_its_declaration() {
        let text = "data gas = csv(\"g.csv\")\nsource gas { x = a }";
        let (span, md) = hover(text, text.rfind("gas").unwrap() + 1).unwrap();
        assert_eq!(&text[span.0..span.1], "gas");
        assert!(md.contains("data gas = csv(\"g.csv\")"), "{md}");
        assert!(hover(text, text.find("source").unwrap()).unwrap().1.contains("the pretraining data"));
    }
}
