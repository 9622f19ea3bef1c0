//! Where a pairwise model's inputs sit in a role's x columns. Each `input NAME = COLS` is resolved
//! against the role's x columns; the shared encoder's two inputs must have equal widths, so they
//! are aligned by the text their wildcards matched (`p_MolWt` ↔ `s_MolWt` under `p_*`, `s_*`; a
//! pattern without wildcards aligns by its whole name). Columns without a partner are dropped
//! (a plan warning says which); no partner at all is an error at the encoder.

use crate::data::columns::{glob_match, is_glob};
use crate::diag::{Problem, ProblemKind};
use crate::ir::{ColumnSet, PairSpec};

/// Column indices (into the role's x columns) of the network's inputs, in the order the pairwise
/// network reads them: encoder input a, encoder input b (aligned pairwise), then the head's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct PairLayout {
    pub a: Vec<usize>,
    pub b: Vec<usize>,
    pub head: Vec<usize>,
    /// What alignment dropped, for the plan's warnings.
    pub warnings: Vec<String>,
}

impl PairLayout {
    /// All indices in network order: a, b, head.
    pub fn order(&self) -> Vec<usize> {
        self.a.iter().chain(&self.b).chain(&self.head).copied().collect()
    }

    /// Width of one encoder input (without the flag).
    pub fn side(&self) -> usize {
        self.a.len()
    }
}

/// The text the wildcards of `pattern` matched in `name` (concatenated), or `None` when it does
/// not match. A pattern without wildcards "captures" the whole name.
pub fn wildcard_text(pattern: &str, name: &str) -> Option<String> {
    if !is_glob(pattern) {
        return (pattern == name).then(|| name.to_string());
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    capture(&p, &n)
}

fn capture(p: &[char], n: &[char]) -> Option<String> {
    match p.first() {
        None => n.is_empty().then(String::new),
        Some('*') => {
            (0..=n.len()).find_map(|k| capture(&p[1..], &n[k..]).map(|rest| n[..k].iter().collect::<String>() + &rest))
        }
        Some('?') => {
            let (c, rest) = n.split_first()?;
            capture(&p[1..], rest).map(|r| format!("{c}{r}"))
        }
        Some(c) => match n.split_first() {
            Some((d, rest)) if d == c => capture(&p[1..], rest),
            _ => None,
        },
    }
}

/// One input's columns among `x`: (index, alignment key), in the order the patterns list them.
fn resolve(input: &str, set: &ColumnSet, x: &[String], role: &str) -> Result<Vec<(usize, String)>, Problem> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for pat in &set.include {
        let mut hit = false;
        for (i, name) in x.iter().enumerate() {
            let key = if is_glob(&pat.value) {
                if !glob_match(&pat.value, name) {
                    continue;
                }
                wildcard_text(&pat.value, name).unwrap_or_else(|| name.clone())
            } else if pat.value == *name {
                name.clone()
            } else {
                continue;
            };
            hit = true;
            if !out.iter().any(|(j, _)| *j == i) {
                out.push((i, key));
            }
        }
        if !hit {
            let help = match crate::diag::did_you_mean(&pat.value, x.iter().map(String::as_str)) {
                Some(d) => d,
                None => format!("the {role}'s x has {} columns; an input selects among them", x.len()),
            };
            return Err(Problem::new(
                ProblemKind::InputMatchesNothing {
                    input: input.to_string(),
                    pattern: pat.value.clone(),
                    role: role.to_string(),
                },
                pat.span,
                "no x column",
            )
            .with_help(help));
        }
    }
    for pat in &set.exclude {
        out.retain(|(i, _)| !glob_match(&pat.value, &x[*i]));
    }
    Ok(out)
}

/// The layout of `spec` over one role's x columns (`role` is "source" or "target").
pub fn layout(spec: &PairSpec, x: &[String], role: &str) -> Result<PairLayout, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut find = |name: &str| -> Option<Vec<(usize, String)>> {
        let input = spec.inputs.iter().find(|i| i.name == name)?;
        resolve(&input.name, &input.cols, x, role).map_err(|p| problems.push(p)).ok()
    };
    let [ea, eb] = &spec.encoder.inputs;
    let a = find(&ea.value);
    let b = find(&eb.value);
    let mut head = Vec::new();
    for h in &spec.head.inputs {
        if let Some(cols) = find(&h.value) {
            head.extend(cols.into_iter().map(|(i, _)| i));
        }
    }
    let (Some(a), Some(b)) = (a, b) else { return Err(problems) };
    if !problems.is_empty() {
        return Err(problems);
    }
    let paired: Vec<(usize, usize)> =
        a.iter().filter_map(|(i, key)| b.iter().find(|(_, k)| k == key).map(|(j, _)| (*i, *j))).collect();
    if paired.is_empty() {
        let sample =
            |v: &[(usize, String)]| v.iter().take(3).map(|(_, k)| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        return Err(vec![
            Problem::new(
                ProblemKind::NoAlignment { a: ea.value.clone(), b: eb.value.clone(), role: role.to_string() },
                spec.encoder.span,
                "nothing to align",
            )
            .with_help(format!(
                "columns are aligned by the text their `*` matched; `{}` gives {} and `{}` gives {}",
                ea.value,
                sample(&a),
                eb.value,
                sample(&b)
            )),
        ]);
    }
    let mut warnings = Vec::new();
    let dropped = |side: &[(usize, String)], used: &dyn Fn(usize) -> bool| -> Vec<String> {
        side.iter().filter(|(i, _)| !used(*i)).map(|(i, _)| x[*i].clone()).collect()
    };
    let gone_a = dropped(&a, &|i| paired.iter().any(|(p, _)| *p == i));
    let gone_b = dropped(&b, &|j| paired.iter().any(|(_, q)| *q == j));
    if !gone_a.is_empty() || !gone_b.is_empty() {
        let few = |v: &[String]| {
            let head: Vec<&str> = v.iter().take(3).map(String::as_str).collect();
            if v.len() > 3 { format!("{}, …", head.join(", ")) } else { head.join(", ") }
        };
        let part = |name: &str, v: &[String]| {
            if v.is_empty() { format!("none of `{name}`") } else { format!("{} of `{name}` ({})", v.len(), few(v)) }
        };
        warnings.push(format!(
            "shared encoder: {} columns of `{}` and `{}` aligned by their wildcard text; dropped {} and {} without a partner",
            paired.len(),
            ea.value,
            eb.value,
            part(&ea.value, &gone_a),
            part(&eb.value, &gone_b)
        ));
    }
    Ok(PairLayout { a: paired.iter().map(|p| p.0).collect(), b: paired.iter().map(|p| p.1).collect(), head, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_text_is_what_the_wildcards_matched() {
        assert_eq!(wildcard_text("p_*", "p_MolWt").as_deref(), Some("MolWt"));
        assert_eq!(wildcard_text("*_x", "abc_x").as_deref(), Some("abc"));
        assert_eq!(wildcard_text("d?_*", "d1_a").as_deref(), Some("1a"));
        assert_eq!(wildcard_text("p_*", "s_MolWt"), None);
        assert_eq!(wildcard_text("temp", "temp").as_deref(), Some("temp"));
    }
}
