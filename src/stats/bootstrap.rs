//! Percentile bootstrap of the mean, deterministic for a seed.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::summary::quantile;

/// Percentile-bootstrap confidence interval `[lower, upper]` of the mean of `values`.
///
/// Draws `reps` resamples of `values` with replacement (ChaCha8 seeded with `seed`, so the
/// result is reproducible), takes each resample's mean, and returns the type-7 quantiles
/// `(1 − level)/2` and `(1 + level)/2` of those means (e.g. `level = 0.9` → 5 % and 95 %).
///
/// Degenerate inputs: no values, `reps == 0`, a `level` outside `(0, 1)` or any non-finite
/// value → `[NaN, NaN]`; so does a single value (one trial has no spread to resample: a
/// zero-width `[v, v]` would claim certainty). With few values the interval is too narrow; see
/// [`super::mean_ci`].
pub fn bootstrap_mean_ci(values: &[f64], level: f64, reps: usize, seed: u64) -> [f64; 2] {
    let nan = [f64::NAN, f64::NAN];
    if values.is_empty() || reps == 0 || !(level > 0.0 && level < 1.0) {
        return nan;
    }
    if values.iter().any(|v| !v.is_finite()) {
        return nan;
    }
    if values.len() < 2 {
        return nan;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let len = values.len();
    let mut means: Vec<f64> =
        (0..reps).map(|_| (0..len).map(|_| values[rng.random_range(0..len)]).sum::<f64>() / len as f64).collect();
    means.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    [quantile(&means, tail), quantile(&means, 1.0 - tail)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed_and_brackets_the_mean() {
        let v: Vec<f64> = (0..30).map(|i| ((i * 37 % 11) as f64) * 0.1 + 1.0).collect();
        let a = bootstrap_mean_ci(&v, 0.9, 500, 7);
        let b = bootstrap_mean_ci(&v, 0.9, 500, 7);
        assert_eq!(a, b);
        let c = bootstrap_mean_ci(&v, 0.9, 500, 8);
        assert_ne!(a, c, "a different seed should give a (slightly) different interval");
        let mu = crate::stats::mean(&v);
        assert!(a[0] < mu && mu < a[1], "{a:?} should contain {mu}");
        // A wider level gives a wider interval.
        let w = bootstrap_mean_ci(&v, 0.99, 500, 7);
        assert!(w[0] <= a[0] && w[1] >= a[1]);
    }

    #[test]
    fn degenerate_inputs() {
        assert!(bootstrap_mean_ci(&[], 0.9, 100, 1).iter().all(|x| x.is_nan()));
        assert!(bootstrap_mean_ci(&[2.5], 0.9, 100, 1).iter().all(|x| x.is_nan()));
        assert!(bootstrap_mean_ci(&[1.0, 2.0], 0.9, 0, 1).iter().all(|x| x.is_nan()));
        assert!(bootstrap_mean_ci(&[1.0, 2.0], 1.0, 10, 1).iter().all(|x| x.is_nan()));
        assert!(bootstrap_mean_ci(&[1.0, f64::NAN], 0.9, 10, 1).iter().all(|x| x.is_nan()));
        // Constant input: every resample has the same mean.
        assert_eq!(bootstrap_mean_ci(&[3.0; 5], 0.9, 50, 1), [3.0, 3.0]);
    }
}
