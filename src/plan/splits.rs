//! Random splits: the target's test/training split of each trial (group-aware when the target
//! declares a group column) and the nested source subsets.

use std::collections::{HashMap, HashSet};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ir::Study;

use super::prepare::RoleData;
use super::seeds::derive;

/// The target rows of one trial.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialSplit {
    /// Held-out rows, never used for fitting anything.
    pub test: Vec<usize>,
    /// The training part in random order; the first m rows are the trial's data at size m.
    pub train_part: Vec<usize>,
}

/// A random permutation of 0..n from `seed`.
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// Number of test rows for `rows` rows and test fraction `test` (at least 1, leaves at least 1).
pub fn test_count(rows: usize, test: f64) -> usize {
    ((rows as f64 * test).round() as usize).clamp(1, rows.saturating_sub(1).max(1))
}

// The row minima live with the grid check (`check` runs without the `engine` feature).
pub use crate::check::{MIN_M, MIN_TRAIN_ROWS, MIN_VAL_ROWS};

/// Split `rows` target rows for one trial. Without groups: a random `test` fraction of rows.
/// With groups: whole groups go to the test side, in random order, until it holds at least the
/// test fraction of rows, so no group is on both sides (the test side may hold more rows than
/// the fraction asks; the training part fewer).
pub fn trial_split(rows: usize, test: f64, groups: Option<&[String]>, seed: u64) -> TrialSplit {
    let perm = permutation(rows, seed);
    let want = test_count(rows, test);
    match groups {
        None => TrialSplit { test: perm[..want].to_vec(), train_part: perm[want..].to_vec() },
        Some(g) => {
            let picked = whole_groups(&perm, g, want, usize::MAX);
            let (test, train_part): (Vec<usize>, Vec<usize>) =
                perm.iter().partition(|&&r| picked.contains(g[r].as_str()));
            TrialSplit { test, train_part }
        }
    }
}

/// Whole groups of the rows `order` (in that order, groups ranked by their first row): each
/// group is taken while fewer than `want` rows are taken, unless it would take more than `cap`
/// rows in all (then it is skipped and the next one tried). Sizes count rows within `order`.
fn whole_groups<'g>(order: &[usize], g: &'g [String], want: usize, cap: usize) -> HashSet<&'g str> {
    let mut size: HashMap<&str, usize> = HashMap::new();
    let mut ranked: Vec<&str> = Vec::new();
    for &r in order {
        let n = size.entry(g[r].as_str()).or_insert(0);
        if *n == 0 {
            ranked.push(&g[r]);
        }
        *n += 1;
    }
    let mut picked = HashSet::new();
    let mut count = 0;
    for name in ranked {
        if count >= want {
            break;
        }
        if count + size[name] <= cap {
            picked.insert(name);
            count += size[name];
        }
    }
    picked
}

/// Rows per group among `rows`, largest first (ties by name): for diagnostics.
pub fn group_sizes<'g>(rows: &[usize], g: &'g [String]) -> Vec<(&'g str, usize)> {
    let mut size: HashMap<&str, usize> = HashMap::new();
    for &r in rows {
        *size.entry(g[r].as_str()).or_insert(0) += 1;
    }
    let mut v: Vec<(&str, usize)> = size.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v
}

/// Group sizes in words, at most `k` of them: `"a" (12 rows), "b" (3 rows) and 4 more groups`.
/// Composite groups (several columns) show their values joined by ` / `.
pub fn describe_groups(sizes: &[(&str, usize)], k: usize) -> String {
    let mut parts: Vec<String> = sizes
        .iter()
        .take(k)
        .map(|(name, n)| format!("\"{}\" ({n} row{})", name.replace('\u{1f}', " / "), if *n == 1 { "" } else { "s" }))
        .collect();
    if sizes.len() > k {
        parts.push(format!("{} more group{}", sizes.len() - k, if sizes.len() - k == 1 { "" } else { "s" }));
    }
    parts.join(", ")
}

/// The rows of trial `trial` of a study's target: the one place the split is drawn from its seed
/// (label `split t=TRIAL`, shared by all n and both arms), used by the plan and the executor.
pub fn target_split(study: &Study, target: &RoleData, trial: usize) -> TrialSplit {
    trial_split(
        target.rows(),
        study.grid.test,
        target.groups.as_deref(),
        derive(study.seed, &format!("split t={trial}")),
    )
}

/// The rows of source subset `replicate` at size n: the first n rows of the permutation drawn from
/// its seed (label `subset r=REPLICATE`), so subsets are nested across n. The one place it is
/// drawn, used by the executor's members and the jobs' identities.
pub fn source_subset(study: &Study, source: &RoleData, n: usize, replicate: usize) -> Vec<usize> {
    let order = permutation(source.rows(), derive(study.seed, &format!("subset r={replicate}")));
    order[..n.min(order.len())].to_vec()
}

/// Number of validation rows among `len` rows without groups: round(fraction·len), at least
/// [`MIN_VAL_ROWS`] and, when `len` ≥ [`MIN_M`], leaving at least [`MIN_TRAIN_ROWS`] to train
/// (smaller sets, only possible for pretraining with n < 3, keep one row on each side).
pub fn validation_count(len: usize, fraction: f64) -> usize {
    let keep = if len >= MIN_M { MIN_TRAIN_ROWS } else { 1 };
    ((len as f64 * fraction).round() as usize).clamp(MIN_VAL_ROWS, len.saturating_sub(keep).max(MIN_VAL_ROWS))
}

/// Split `rows` (already in random order) into (validation, training).
///
/// Without groups the first [`validation_count`] rows validate. With groups (one value per row
/// of the table `rows` index) whole groups validate, in the order of their first row, until at
/// least that many rows do; a group that would leave fewer than [`MIN_TRAIN_ROWS`] rows to train
/// is skipped. No group then has rows on both sides; the validation side may hold more rows
/// than the fraction asks, and is empty when every group is too large (the plan rejects such a
/// trial, see `plan::build`).
pub fn validation_split(rows: &[usize], fraction: f64, groups: Option<&[String]>) -> (Vec<usize>, Vec<usize>) {
    let v = validation_count(rows.len(), fraction).min(rows.len());
    match groups {
        None => (rows[..v].to_vec(), rows[v..].to_vec()),
        Some(g) => {
            let picked = whole_groups(rows, g, v, rows.len().saturating_sub(MIN_TRAIN_ROWS));
            rows.iter().partition(|&&r| picked.contains(g[r].as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_a_partition_and_deterministic() {
        let s = trial_split(100, 0.2, None, 9);
        assert_eq!(s.test.len(), 20);
        let mut all: Vec<usize> = s.test.iter().chain(&s.train_part).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(s, trial_split(100, 0.2, None, 9));
        assert_ne!(s, trial_split(100, 0.2, None, 10));
    }

    #[test]
    fn group_split_never_leaks() {
        let groups: Vec<String> = (0..200).map(|i| format!("g{}", (i * 7) % 23)).collect();
        for seed in 0..50 {
            let s = trial_split(200, 0.2, Some(&groups), seed);
            assert!(s.test.len() >= 40);
            for &t in &s.test {
                assert!(s.train_part.iter().all(|&r| groups[r] != groups[t]), "seed {seed}: group {} leaks", groups[t]);
            }
        }
    }

    #[test]
    fn validation_takes_a_fraction() {
        let rows: Vec<usize> = (0..10).collect();
        let (v, t) = validation_split(&rows, 0.2, None);
        assert_eq!((v.len(), t.len()), (2, 8));
        let (v, t) = validation_split(&[3, 4], 0.2, None);
        assert_eq!((v, t), (vec![3], vec![4]));
        // A large fraction still leaves MIN_TRAIN_ROWS to train once there are MIN_M rows.
        let (v, t) = validation_split(&[1, 2, 3], 0.9, None);
        assert_eq!((v.len(), t.len()), (MIN_VAL_ROWS, MIN_TRAIN_ROWS));
    }

    #[test]
    fn group_validation_never_leaks_and_keeps_training_rows() {
        let groups: Vec<String> = (0..300).map(|i| format!("g{}", (i * 11) % 37)).collect();
        for seed in 0..40 {
            let s = trial_split(300, 0.2, Some(&groups), seed);
            for m in [3, 10, 57, s.train_part.len()] {
                let rows = &s.train_part[..m];
                let (val, train) = validation_split(rows, 0.2, Some(&groups));
                assert_eq!(val.len() + train.len(), m, "a partition of the m rows");
                assert!(train.len() >= MIN_TRAIN_ROWS, "seed {seed} m {m}: {} training rows", train.len());
                assert!(val.len() >= validation_count(m, 0.2), "seed {seed} m {m}: {} validation rows", val.len());
                for &v in &val {
                    assert!(
                        train.iter().all(|&t| groups[t] != groups[v]),
                        "seed {seed} m {m}: group {} on both sides",
                        groups[v]
                    );
                }
            }
        }
    }

    #[test]
    fn group_validation_skips_a_group_that_would_leave_too_few_training_rows() {
        // Rows 0..6 are group "big", row 6 is "a": "big" comes first but would leave 1 row to train.
        let groups: Vec<String> =
            ["big", "big", "big", "big", "big", "big", "a"].iter().map(std::string::ToString::to_string).collect();
        let (val, train) = validation_split(&[0, 1, 2, 3, 4, 5, 6], 0.2, Some(&groups));
        assert_eq!(val, vec![6]);
        assert_eq!(train, vec![0, 1, 2, 3, 4, 5]);
        // Five of seven leave two: taken whole, although the share asks for one row.
        let groups: Vec<String> =
            ["big", "big", "big", "big", "big", "a", "b"].iter().map(std::string::ToString::to_string).collect();
        let (val, train) = validation_split(&[0, 1, 2, 3, 4, 5, 6], 0.2, Some(&groups));
        assert_eq!((val.len(), train), (5, vec![5, 6]));
        // One group only: no validation set can be drawn without sharing it.
        let (val, train) = validation_split(&[0, 1, 2, 3], 0.2, Some(&groups));
        assert!(val.is_empty());
        assert_eq!(train.len(), 4);
    }

    #[test]
    fn group_sizes_are_listed_largest_first() {
        let groups: Vec<String> =
            ["p\u{1f}s", "q\u{1f}s", "p\u{1f}s", "r\u{1f}t"].iter().map(std::string::ToString::to_string).collect();
        let sizes = group_sizes(&[0, 1, 2, 3], &groups);
        assert_eq!(sizes[0], ("p\u{1f}s", 2));
        assert_eq!(describe_groups(&sizes, 2), "\"p / s\" (2 rows), \"q / s\" (1 row), 1 more group");
    }
}
