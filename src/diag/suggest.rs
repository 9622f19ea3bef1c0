//! "did you mean ...?" for unknown names, the one implementation every stage uses (syntax,
//! check, data, plan, and through them the CLI and the kernel): the closest candidate by
//! Jaro–Winkler similarity (> 0.8, case-insensitive), else, for names of two or more
//! characters, a candidate one edit or swap away (Damerau–Levenshtein ≤ 1), since short names
//! score low on Jaro–Winkler even when one letter is wrong (`cvs` → `csv`, `sm` → `sim`); names
//! that differ only in digits (`x9`, `x1`) are not taken for typos of each other there.

/// Suggest the closest of `candidates` to `name` ("did you mean `x`?"), if any is close enough.
/// Ties go to the candidate listed first.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in &candidates {
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    let best = best.map(|(_, c)| c).or_else(|| {
        if name.chars().count() < 2 {
            return None;
        }
        candidates
            .iter()
            .filter(|c| !numbered_sibling(&lower, &c.to_lowercase()))
            .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), *c))
            .filter(|(d, _)| *d <= 1)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    });
    best.map(|c| format!("did you mean `{c}`?"))
}

/// Whether `a` and `b` differ only in their digits (`x9` and `x1`, `f_2` and `f_3`): members of
/// one numbered family are different names, not typos of each other.
fn numbered_sibling(a: &str, b: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
    a != b && letters(a) == letters(b)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(did_you_mean("patiance", ["lr", "patience"]), Some("did you mean `patience`?".into()));
        assert_eq!(did_you_mean("Vaule", ["value", "kind"]), Some("did you mean `value`?".into()));
    }

    #[test]
    fn short_names_get_edit_distance_suggestions() {
        assert_eq!(did_you_mean("cvs", ["csv", "parquet", "synthetic"]), Some("did you mean `csv`?".into()));
        assert_eq!(did_you_mean("sm", ["sim", "exp"]), Some("did you mean `sim`?".into()));
    }

    #[test]
    fn numbered_siblings_are_not_one_edit_typos() {
        // `x9` is one edit from `x1`, but columns `x1`, `x2` are a numbered family: listing the
        // columns helps more than naming an arbitrary member.
        assert_eq!(did_you_mean("x9", ["x1", "x2", "y"]), None);
        assert_eq!(did_you_mean("x1", ["x_1"]), Some("did you mean `x_1`?".into()));
    }

    #[test]
    fn far_names_and_single_letters_get_none() {
        assert_eq!(did_you_mean("zzz", ["sim", "exp"]), None);
        assert_eq!(did_you_mean("x", ["y"]), None);
        assert_eq!(did_you_mean("alpha", std::iter::empty()), None);
    }
}
