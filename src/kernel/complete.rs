//! Completion, inspection and is-complete for study cells: every name of the language (from
//! [`crate::syntax::names`], the table the checker reads, so completion cannot drift from what the
//! checker accepts), declared table names and the column names of the last study the kernel
//! loaded; inspect shows a keyword's one-line reference (from docs/language.md).

use crate::syntax::names;

/// One line of reference per statement keyword.
pub fn keyword_reference(word: &str) -> Option<&'static str> {
    Some(match word {
        "study" => "study NAME — name of the study (identifier or string); default: the file's stem",
        "seed" => "seed N — master seed (integer ≥ 0, default 0); every job's seed derives from it",
        "data" => "data NAME = TABLE — declares a table: csv(...), parquet(...), synthetic(...), join, filter",
        "source" => "source TABLE { x = COLS  y = COL  group = COL } — the pretraining (simulated) data",
        "target" => "target TABLE { x = COLS  y = COL  group = COL } — the fine-tuning (experimental) data",
        "transform" => "transform x = T | T ... / transform y = ... — column pipelines fitted on training rows only",
        "model" => {
            "model { hidden = [..]  activation = relu  dropout = p } — the network (or inputs, a shared encoder, combine and a head)"
        }
        "pretrain" => "pretrain { lr  batch  epochs  patience ... } — training on n source rows",
        "finetune" => "finetune { lr  batch  epochs  patience  freeze ... } — training on m target rows",
        "direct" => {
            "direct { lr  batch  epochs  patience ... } — the direct baseline's training (default: the pretrain settings)"
        }
        "multitask" => {
            "multitask { lambda  lr  batch  epochs  patience ... } — train source and target jointly, one head each"
        }
        "grid" => "grid { n = ...  m = ...  trials = N  test = f  subset = ... } — the n and m grids and repeats",
        "baseline" => "baseline direct — also train the same architecture on the target alone",
        "fit" => {
            "fit power_law — R(n) = D·n^-α + C per m; fit surface [at (n = N, m = M)] — R(n, m) = (A·n^-α + B)·m^-β + ε and the exchange rate"
        }
        "expect" => {
            "expect ... — an assertion checked after the run (alpha > 0, r2 > 0.95, transfer < direct at every n)"
        }
        "report" => "report by COLUMN — scaling per group of target rows; report samples — scaling per test sample",
        "budget" => {
            "budget { source_cost = C  target_cost = C  have = (n = N, m = M)  goal = MAE | spend = S } — what to buy next on the fitted surface"
        }
        _ => return None,
    })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word around a cursor given in characters: (start, end) in characters.
fn word_at(chars: &[char], cursor: usize) -> (usize, usize) {
    let cursor = cursor.min(chars.len());
    let mut start = cursor;
    while start > 0 && is_word(chars[start - 1]) {
        start -= 1;
    }
    let mut end = cursor;
    while end < chars.len() && is_word(chars[end]) {
        end += 1;
    }
    (start, end)
}

/// Names declared with `data NAME =` in the text.
pub fn declared_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() == Some("data")
            && let Some(name) = words.next()
        {
            let name = name.trim_end_matches('=');
            if !name.is_empty() && name.chars().all(is_word) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// Completions for the word before `cursor` (in characters): matches and the replaced range.
pub fn complete(text: &str, cursor: usize, columns: &[String]) -> (Vec<String>, usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let (start, _) = word_at(&chars, cursor);
    let cursor = cursor.min(chars.len());
    let prefix: String = chars[start..cursor].iter().collect();
    let mut out: Vec<String> = Vec::new();
    let declared = declared_names(text);
    let candidates = names::all_words().into_iter().map(str::to_string).chain(declared).chain(columns.iter().cloned());
    for c in candidates {
        if c.starts_with(&prefix) && c != prefix && !out.contains(&c) {
            out.push(c);
        }
    }
    (out, start, cursor)
}

/// The reference line for the keyword under the cursor (in characters), if any.
pub fn inspect(text: &str, cursor: usize) -> Option<&'static str> {
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = word_at(&chars, cursor);
    let word: String = chars[start..end].iter().collect();
    keyword_reference(&word)
}

/// `complete`, or `incomplete` while brackets or braces are open (the Jupyter console's rule).
pub fn is_complete(code: &str) -> &'static str {
    let mut depth: i64 = 0;
    let mut in_string = false;
    for line in code.lines() {
        for c in line.chars() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => break,
                '{' | '[' | '(' if !in_string => depth += 1,
                '}' | ']' | ')' if !in_string => depth -= 1,
                _ => {}
            }
        }
    }
    if depth > 0 {
        "incomplete"
    } else if depth < 0 {
        "invalid"
    } else {
        "complete"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_keywords_declared_names_and_columns() {
        let text = "data sim = csv(\"a.csv\")\nsou";
        let (m, start, end) = complete(text, text.chars().count(), &[]);
        // `source_cost` is a setting of `budget { ... }`.
        assert_eq!(m, vec!["source".to_string(), "source_cost".to_string()]);
        assert_eq!((start, end), (24, 27));
        let text = "data simulated = csv(\"a.csv\")\nsource si";
        let (m, _, _) = complete(text, text.chars().count(), &["size".to_string()]);
        // `sigmoid` (an activation) and `significantly` (an expect keyword) are words of the
        // language, so they are candidates too.
        assert_eq!(
            m,
            vec!["sigmoid".to_string(), "significantly".to_string(), "simulated".to_string(), "size".to_string()]
        );
        let (m, _, _) = complete("model { act", 11, &[]);
        assert_eq!(m, vec!["activation".to_string()]);
        let (m, _, _) = complete("fit sur", 7, &[]);
        assert_eq!(m, vec!["surface".to_string()]);
        let (m, _, _) = complete("grid { tri", 10, &[]);
        assert_eq!(m, vec!["trials".to_string()]);
    }

    #[test]
    fn completes_every_name_of_the_table() {
        // Before the table, completion's own word list lacked the surface's `beta` and `eps`.
        let (m, _, _) = complete("expect be", 9, &[]);
        assert_eq!(m, vec!["beta".to_string()]);
        let (m, _, _) = complete("fit surface { ep", 16, &[]);
        assert_eq!(m, vec!["epochs".to_string(), "eps".to_string()]);
        for word in names::all_words() {
            let (m, _, _) = complete(&word[..1], 1, &[]);
            assert!(m.iter().any(|c| c == word) || word.len() == 1, "`{word}` is not completed");
        }
    }

    #[test]
    fn every_keyword_has_a_reference() {
        for k in names::STATEMENTS {
            assert!(keyword_reference(k).is_some(), "{k}");
        }
        assert!(inspect("  finetune { lr = 1 }", 5).unwrap().starts_with("finetune"));
        assert_eq!(inspect("xyz", 1), None);
    }

    #[test]
    fn open_braces_are_incomplete() {
        assert_eq!(is_complete("grid {\n n = [1]"), "incomplete");
        assert_eq!(is_complete("grid { n = [1] }"), "complete");
        assert_eq!(is_complete("# {\nseed 1"), "complete");
        assert_eq!(is_complete("}"), "invalid");
    }
}
