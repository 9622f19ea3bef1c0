//! Turning the declared grids into concrete n and m values, with warnings when a value had to
//! be capped or dropped.

use crate::ir::{MGrid, NGrid, Upper};

/// Concrete n values (ascending, distinct, each in 1..=source_rows) and warnings.
pub fn n_values(grid: &NGrid, source_rows: usize) -> (Vec<usize>, Vec<String>) {
    let mut warnings = Vec::new();
    let raw: Vec<usize> = match grid {
        NGrid::Logspace { from, to, points } => {
            let hi = match to {
                Upper::All => source_rows,
                Upper::Count(c) => *c,
            };
            logspace(*from, hi, *points)
        }
        NGrid::List(v) => v.clone(),
    };
    let mut out: Vec<usize> = Vec::new();
    let mut capped = Vec::new();
    for v in raw {
        let c = v.min(source_rows);
        if c < v {
            capped.push(v);
        }
        if c >= 1 && !out.contains(&c) {
            out.push(c);
        }
    }
    out.sort_unstable();
    if !capped.is_empty() {
        warnings.push(format!(
            "n grid: {} capped at the source size {source_rows}",
            capped.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    (out, warnings)
}

/// `points` values geometrically spaced from `from` to `to`, rounded and de-duplicated.
pub fn logspace(from: usize, to: usize, points: usize) -> Vec<usize> {
    if points <= 1 || to <= from {
        return vec![to.max(from)];
    }
    let (a, b) = ((from as f64).ln(), (to as f64).ln());
    let mut out: Vec<usize> =
        (0..points).map(|i| (a + (b - a) * i as f64 / (points - 1) as f64).exp().round() as usize).collect();
    out.dedup();
    out
}

/// Concrete m values (target training rows per trial) from counts or fractions of the training
/// part, ascending and distinct. `train_part` is the smallest training part of any trial, so
/// every trial has m rows. A count above it is an error (returned as Err: the count).
pub fn m_values(grid: &MGrid, train_part: usize) -> Result<Vec<usize>, usize> {
    let mut out: Vec<usize> = match grid {
        MGrid::Counts(c) => {
            if let Some(&bad) = c.iter().find(|&&v| v > train_part) {
                return Err(bad);
            }
            c.clone()
        }
        MGrid::Fractions(f) => f.iter().map(|&q| ((q * train_part as f64).round() as usize).max(1)).collect(),
    };
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Thin a sorted list to at most `k` values, keeping the first and the last.
pub fn thin(values: &[usize], k: usize) -> Vec<usize> {
    if values.len() <= k {
        return values.to_vec();
    }
    if k < 2 {
        return values.last().copied().into_iter().collect();
    }
    let last = values.len() - 1;
    let mut out: Vec<usize> = (0..k).map(|i| values[(i * last + (k - 1) / 2) / (k - 1)]).collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logspace_rounds_and_dedups() {
        assert_eq!(logspace(100, 10000, 3), vec![100, 1000, 10000]);
        assert_eq!(logspace(1, 3, 5), vec![1, 2, 3]);
    }

    #[test]
    fn n_values_cap_with_warning() {
        let (v, w) = n_values(&NGrid::List(vec![100, 500, 2000]), 800);
        assert_eq!(v, vec![100, 500, 800]);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("2000"), "{w:?}");
        let (v, w) = n_values(&NGrid::Logspace { from: 100, to: Upper::All, points: 3 }, 10000);
        assert_eq!(v, vec![100, 1000, 10000]);
        assert!(w.is_empty());
    }

    #[test]
    fn m_values_fractions_and_counts() {
        assert_eq!(m_values(&MGrid::Fractions(vec![0.5, 1.0]), 240).unwrap(), vec![120, 240]);
        assert_eq!(m_values(&MGrid::Counts(vec![300]), 240), Err(300));
    }

    #[test]
    fn thin_keeps_ends() {
        assert_eq!(thin(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4), vec![1, 4, 7, 10]);
        assert_eq!(thin(&[1, 2], 4), vec![1, 2]);
    }
}
