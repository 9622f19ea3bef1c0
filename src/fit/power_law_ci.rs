//! Bootstrap confidence intervals for the power-law parameters.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::power_law::{PowerLawFixed, fit_power_law_with};
use crate::stats::quantile;

/// Percentile-bootstrap intervals `[lower, upper]` of the fitted parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerLawCi {
    pub d: [f64; 2],
    pub alpha: [f64; 2],
    pub c: [f64; 2],
    /// Resamples whose refit succeeded (a refit can only fail on non-finite input).
    pub reps_used: usize,
}

/// Minimum successful refits for an interval to mean anything.
const MIN_REPS_USED: usize = 10;

/// Percentile-bootstrap CIs of (D, α, C) at confidence `level` (e.g. 0.9).
///
/// `per_n` holds, for each sample size n, the per-trial errors (MAEs) at that n. Each of `reps`
/// resamples draws the trials within every n with replacement (same count), refits the law to
/// the resampled means, and the intervals are the `(1 ∓ level)/2` type-7 quantiles of the
/// refitted parameters. Deterministic for a `seed` (ChaCha8). Degenerate refits (e.g. a flat
/// resample) are kept: they are part of the sampling distribution.
///
/// Sample sizes with no trials are ignored. Returns `None` when no interval can be given:
/// `level` outside `(0, 1)`, fewer than three distinct usable n, invalid values (the refit
/// fails), or fewer than 10 successful refits (e.g. `reps < 10`).
pub fn power_law_ci(
    per_n: &[(f64, Vec<f64>)],
    level: f64,
    reps: usize,
    seed: u64,
) -> Option<PowerLawCi> {
    power_law_ci_with(per_n, level, reps, seed, &PowerLawFixed::default())
}

/// As [`power_law_ci`], with the parameters of `fixed` held in every refit (their intervals
/// are then the fixed value at both ends; callers report them as fixed, without a CI).
pub fn power_law_ci_with(
    per_n: &[(f64, Vec<f64>)],
    level: f64,
    reps: usize,
    seed: u64,
    fixed: &PowerLawFixed,
) -> Option<PowerLawCi> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let groups: Vec<(f64, &[f64])> = per_n
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(n, t)| (*n, t.as_slice()))
        .collect();
    let n: Vec<f64> = groups.iter().map(|(n, _)| *n).collect();
    // Fail fast (once, not per resample) on input the fit rejects.
    let means: Vec<f64> = groups
        .iter()
        .map(|(_, t)| t.iter().sum::<f64>() / t.len() as f64)
        .collect();
    fit_power_law_with(&n, &means, fixed).ok()?;

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut d, mut alpha, mut c) = (
        Vec::with_capacity(reps),
        Vec::with_capacity(reps),
        Vec::with_capacity(reps),
    );
    let mut resampled = vec![0.0; groups.len()];
    for _ in 0..reps {
        for (slot, (_, trials)) in resampled.iter_mut().zip(&groups) {
            let k = trials.len();
            *slot = (0..k).map(|_| trials[rng.random_range(0..k)]).sum::<f64>() / k as f64;
        }
        if let Ok(fit) = fit_power_law_with(&n, &resampled, fixed) {
            d.push(fit.law.d);
            alpha.push(fit.law.alpha);
            c.push(fit.law.c);
        }
    }
    if d.len() < MIN_REPS_USED {
        return None;
    }
    let tail = (1.0 - level) / 2.0;
    let interval = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        [quantile(&v, tail), quantile(&v, 1.0 - tail)]
    };
    let reps_used = d.len();
    Some(PowerLawCi {
        d: interval(d),
        alpha: interval(alpha),
        c: interval(c),
        reps_used,
    })
}
