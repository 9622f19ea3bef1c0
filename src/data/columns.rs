//! Column sets: names and globs (`d_*`, `p_?x`) expanded against a table, minus `except`.

use crate::ir::{ColumnSet, Spanned};

use super::error::DataError;
use super::table::Table;
use crate::diag::ProblemKind;

/// Whether `pattern` is a glob (contains `*` or `?`).
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains('*') || pattern.contains('?')
}

/// Glob match over characters: `*` matches any run (also empty), `?` exactly one character.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with backtracking to the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == n[ni])) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

impl Table {
    /// Expands a column set: patterns in the order listed, each glob expanding in table column
    /// order, duplicates removed, then every `except` match removed. An unknown name (with a
    /// did-you-mean), a glob matching nothing, or an empty result is an error at the pattern's span.
    pub fn resolve(&self, set: &ColumnSet) -> Result<Vec<String>, DataError> {
        let mut out: Vec<String> = Vec::new();
        for pat in &set.include {
            // A repeated header name (left out of the table) cannot be selected, by name or glob
            // (unless `except` leaves it out).
            let matches = |p: &str, n: &str| p == n || (is_glob(p) && glob_match(p, n));
            let excluded = |n: &str| set.exclude.iter().any(|e| matches(&e.value, n));
            if let Some(dup) = self.meta.duplicates.iter().find(|(n, _, _)| matches(&pat.value, n) && !excluded(n)) {
                let e = self.duplicate_error(&dup.0).expect("a duplicate name");
                return Err(e.with_span(pat.span));
            }
            for name in self.expand(pat)? {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        for pat in &set.exclude {
            if self.is_duplicate(&pat.value) {
                continue; // already left out of the table
            }
            let gone = self.expand(pat)?;
            out.retain(|n| !gone.contains(n));
        }
        if out.is_empty() {
            return Err(DataError::new(ProblemKind::ColumnSetSelectsNothing { table: self.label().to_string() })
                .with_file(self.label())
                .with_span(set.span));
        }
        Ok(out)
    }

    /// One pattern's matches in table column order.
    fn expand(&self, pat: &Spanned<String>) -> Result<Vec<String>, DataError> {
        let names = self.column_names();
        if is_glob(&pat.value) {
            let hits: Vec<String> =
                names.iter().filter(|n| glob_match(&pat.value, n)).map(std::string::ToString::to_string).collect();
            if hits.is_empty() {
                return Err(DataError::new(ProblemKind::PatternMatchesNoColumn {
                    pattern: pat.value.clone(),
                    table: self.label().to_string(),
                })
                .with_file(self.label())
                .with_span(pat.span)
                .with_help(self.columns_help()));
            }
            Ok(hits)
        } else if names.contains(&pat.value.as_str()) {
            Ok(vec![pat.value.clone()])
        } else {
            let help = match &self.meta.delimiter_help {
                Some(h) => h.clone(),
                None => {
                    crate::diag::did_you_mean(&pat.value, names.iter().copied()).unwrap_or_else(|| self.columns_help())
                }
            };
            Err(DataError::new(ProblemKind::NoSuchColumn {
                table: self.label().to_string(),
                column: pat.value.clone(),
            })
            .with_file(self.label())
            .with_column(&pat.value)
            .with_span(pat.span)
            .with_help(help))
        }
    }

    /// "columns are: a, b, c, … (N in all)" for help lines.
    pub(crate) fn columns_help(&self) -> String {
        if let Some(h) = &self.meta.delimiter_help {
            return h.clone();
        }
        let names = self.column_names();
        const SHOWN: usize = 8;
        let head = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        if names.len() > SHOWN {
            format!("columns are {head}, … ({} in all)", names.len())
        } else {
            format!("columns are {head}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("d_*", "d_"));
        assert!(glob_match("d_*", "d_MolWt"));
        assert!(!glob_match("d_*", "xd_MolWt"));
        assert!(glob_match("p_?x", "p_ax"));
        assert!(!glob_match("p_?x", "p_x"));
        assert!(!glob_match("p_?x", "p_abx"));
        assert!(glob_match("*a*b", "xxaybzb"));
        assert!(!glob_match("*a*b", "xxaybzbc"));
        assert!(glob_match("*", ""));
        assert!(glob_match("é?", "éü"));
        assert!(!glob_match("abc", "abd"));
    }
}
