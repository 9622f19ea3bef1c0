//! The joint (paired) bootstrap over trials.
//!
//! Trial t of a study uses the same test rows at every grid point (and, with
//! `subset = per_trial`, nested source subsets across n), so the errors of one trial at different
//! (n, m) are correlated. A bootstrap that resamples trials independently in every cell treats
//! them as independent and mis-states the uncertainty of anything computed across cells (a fitted
//! exponent, an exchange rate, a paired difference). [`JointBootstrap`] instead draws one set of
//! trial ids per replicate and applies it to every cell.
//!
//! # Missing cells
//! A trial may lack a value in some cell (it failed or diverged there). The rule is
//! *available-case*: in a replicate, a cell's mean is the mean over the drawn trials (with their
//! multiplicity) that have a value in that cell; a drawn trial without a value in a cell is
//! skipped there and still counts in every other cell. A cell none of whose drawn trials has a
//! value is absent from that replicate (the caller's refit then runs on the cells that remain, and
//! the caller decides whether that refit is usable).

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per-trial values in cells keyed by `K`, resampled jointly over trial ids.
#[derive(Debug, Clone)]
pub struct JointBootstrap<K> {
    /// The distinct trial ids, ascending; a replicate draws this many positions from it.
    ids: Vec<usize>,
    /// Per cell: (position of the trial id in `ids`, value), finite values only.
    cells: Vec<(K, Vec<(usize, f64)>)>,
}

impl<K: Clone + Ord> JointBootstrap<K> {
    /// From `(cell, trial id, value)` rows. Non-finite values are left out (the trial then has no
    /// value in that cell). A trial id that only ever has non-finite values is not drawn.
    pub fn new(rows: impl IntoIterator<Item = (K, usize, f64)>) -> Self {
        let mut by_cell: BTreeMap<K, Vec<(usize, f64)>> = BTreeMap::new();
        for (k, trial, v) in rows {
            if v.is_finite() {
                by_cell.entry(k).or_default().push((trial, v));
            }
        }
        let mut ids: Vec<usize> = by_cell.values().flatten().map(|(t, _)| *t).collect();
        ids.sort_unstable();
        ids.dedup();
        let cells = by_cell
            .into_iter()
            .map(|(k, v)| {
                let v = v.into_iter().map(|(t, x)| (ids.binary_search(&t).unwrap_or(0), x)).collect();
                (k, v)
            })
            .collect();
        JointBootstrap { ids, cells }
    }

    /// Distinct trials with at least one finite value.
    pub fn trials(&self) -> usize {
        self.ids.len()
    }

    /// The smallest number of trials with a value in any cell (0 without cells).
    pub fn min_cell_trials(&self) -> usize {
        self.cells.iter().map(|(_, v)| v.len()).min().unwrap_or(0)
    }

    /// The cell means of the data itself, in key order.
    pub fn means(&self) -> Vec<(K, f64)> {
        self.cells.iter().map(|(k, v)| (k.clone(), v.iter().map(|(_, x)| x).sum::<f64>() / v.len() as f64)).collect()
    }

    /// The per-trial values of one cell, by trial id.
    pub fn cell(&self, key: &K) -> Vec<(usize, f64)> {
        self.cells
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.iter().map(|(i, x)| (self.ids[*i], *x)).collect())
            .unwrap_or_default()
    }

    /// `reps` replicates, deterministic for `seed` (ChaCha8): each draws `trials()` trial ids
    /// with replacement and gives the cell means under that draw (see the module docs for cells
    /// without a drawn trial). Empty when there are no trials.
    pub fn replicates(&self, reps: usize, seed: u64) -> Vec<Vec<(K, f64)>> {
        let k = self.ids.len();
        if k == 0 {
            return Vec::new();
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut weight = vec![0u32; k];
        (0..reps)
            .map(|_| {
                weight.iter_mut().for_each(|w| *w = 0);
                for _ in 0..k {
                    weight[rng.random_range(0..k)] += 1;
                }
                self.weighted_means(&weight)
            })
            .collect()
    }

    fn weighted_means(&self, weight: &[u32]) -> Vec<(K, f64)> {
        self.cells
            .iter()
            .filter_map(|(key, v)| {
                let (mut sum, mut count) = (0.0, 0u32);
                for &(i, x) in v {
                    sum += weight[i] as f64 * x;
                    count += weight[i];
                }
                (count > 0).then(|| (key.clone(), sum / count as f64))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_draw_applies_to_every_cell() {
        // Trial t has value t in cell "a" and 10·t in cell "b": under a joint draw, the two
        // replicate means are always exactly proportional.
        let rows = (0..6).flat_map(|t| [("a", t, t as f64), ("b", t, 10.0 * t as f64)]);
        let jb = JointBootstrap::new(rows);
        assert_eq!(jb.trials(), 6);
        for rep in jb.replicates(50, 3) {
            assert_eq!(rep.len(), 2);
            assert!((rep[1].1 - 10.0 * rep[0].1).abs() < 1e-9, "{rep:?}");
        }
        assert_eq!(jb.replicates(20, 9), jb.replicates(20, 9));
    }

    #[test]
    fn a_trial_missing_in_a_cell_is_skipped_there_only() {
        // Trial 2 failed in cell "b" (NaN): "b" averages the other drawn trials; a replicate that
        // drew only trial 2 has no "b".
        let rows = vec![("a", 0, 1.0), ("a", 1, 2.0), ("a", 2, 3.0), ("b", 0, 5.0), ("b", 1, 6.0), ("b", 2, f64::NAN)];
        let jb = JointBootstrap::new(rows);
        assert_eq!(jb.trials(), 3);
        assert_eq!(jb.min_cell_trials(), 2);
        assert_eq!(jb.means(), vec![("a", 2.0), ("b", 5.5)]);
        assert_eq!(jb.weighted_means(&[0, 0, 3]), vec![("a", 3.0)]);
        assert_eq!(jb.weighted_means(&[1, 0, 2]), vec![("a", 7.0 / 3.0), ("b", 5.0)]);
        assert_eq!(jb.cell(&"b"), vec![(0, 5.0), (1, 6.0)]);
    }
}
