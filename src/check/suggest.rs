//! "did you mean ...?" for unknown names: [`crate::diag::did_you_mean`] (Jaro–Winkler), plus a
//! fallback for short names where one edit or swap matters most (`cvs` → `csv`, `sm` → `sim`).

use crate::diag::did_you_mean;

/// The suggestion for `name` among `candidates`, if one is close enough.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(s) = did_you_mean(name, candidates.iter().copied()) {
        return Some(s);
    }
    if name.chars().count() < 2 {
        return None;
    }
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn short_names_get_edit_distance_suggestions() {
        assert_eq!(suggest("cvs", ["csv", "parquet", "synthetic"]), Some("did you mean `csv`?".into()));
        assert_eq!(suggest("sm", ["sim", "exp"]), Some("did you mean `sim`?".into()));
        assert_eq!(suggest("patiance", ["lr", "patience"]), Some("did you mean `patience`?".into()));
        assert_eq!(suggest("zzz", ["sim", "exp"]), None);
        assert_eq!(suggest("x", ["y"]), None);
    }
}
