//! Random splits: the target's test/training split of each trial (group-aware when the target
//! declares a group column) and the nested source subsets.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

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

/// Split `rows` target rows for one trial. Without groups: a random `test` fraction of rows.
/// With groups: whole groups go to the test side, in random order, until it holds at least the
/// test fraction of rows, so no group is on both sides.
pub fn trial_split(rows: usize, test: f64, groups: Option<&[String]>, seed: u64) -> TrialSplit {
    let perm = permutation(rows, seed);
    let want = test_count(rows, test);
    match groups {
        None => TrialSplit { test: perm[..want].to_vec(), train_part: perm[want..].to_vec() },
        Some(g) => {
            // Group order: by first appearance in the permuted rows.
            let mut order: Vec<&str> = Vec::new();
            for &r in &perm {
                if !order.contains(&g[r].as_str()) {
                    order.push(&g[r]);
                }
            }
            let mut test_groups = std::collections::HashSet::new();
            let mut count = 0;
            for name in order {
                if count >= want {
                    break;
                }
                test_groups.insert(name);
                count += g.iter().filter(|v| v.as_str() == name).count();
            }
            let (test, train_part): (Vec<usize>, Vec<usize>) = perm.iter().partition(|&&r| test_groups.contains(g[r].as_str()));
            TrialSplit { test, train_part }
        }
    }
}

/// Split `rows` (already in random order) into (validation, training): the first
/// round(fraction·len) rows, at least 1 and leaving at least 1, validate.
pub fn validation_split(rows: &[usize], fraction: f64) -> (Vec<usize>, Vec<usize>) {
    let v = ((rows.len() as f64 * fraction).round() as usize).clamp(1, rows.len().saturating_sub(1).max(1));
    (rows[..v.min(rows.len())].to_vec(), rows[v.min(rows.len())..].to_vec())
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
        let (v, t) = validation_split(&rows, 0.2);
        assert_eq!((v.len(), t.len()), (2, 8));
        let (v, t) = validation_split(&[3, 4], 0.2);
        assert_eq!((v, t), (vec![3], vec![4]));
    }
}
