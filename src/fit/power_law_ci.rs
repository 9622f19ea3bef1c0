//! Bootstrap confidence intervals for the power-law parameters, resampling trials jointly
//! across sample sizes (trial t shares its test rows, and with `subset = per_trial` its nested
//! source subsets, across every n; see [`crate::stats::JointBootstrap`]).

use super::power_law::{PowerLawFixed, fit_power_law_with};
use crate::stats::{JointBootstrap, quantile};

/// Percentile-bootstrap intervals `[lower, upper]` of the fitted parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerLawCi {
    pub d: [f64; 2],
    pub alpha: [f64; 2],
    pub c: [f64; 2],
    /// Resamples whose refit succeeded (a refit fails when the drawn trials leave fewer than
    /// three n with a value).
    pub reps_used: usize,
    /// Distinct trials resampled.
    pub trials: usize,
}

/// Minimum successful refits for an interval to mean anything.
const MIN_REPS_USED: usize = 10;

/// Expanded-percentile bootstrap CIs of (D, α, C) at confidence `level` (e.g. 0.9).
///
/// `rows` holds one `(n, trial id, error)` per trial and sample size. Each of `reps` replicates
/// draws the trial ids with replacement **once** and applies that draw at every n (a paired,
/// joint bootstrap: the trial-to-trial variation shared by all n moves the whole curve, as it
/// does between repetitions of the study). A drawn trial without a finite error at some n is
/// skipped there (available-case; an n none of whose drawn trials has an error is left out of
/// that refit). The law is refitted to the replicate's means per n and the intervals are the
/// `(1 ∓ level)/2` type-7 quantiles of the refitted parameters. Deterministic for a `seed`
/// (ChaCha8). Degenerate refits (e.g. a flat resample) are kept: they are part of the sampling
/// distribution.
///
/// Returns `None` when no interval can be given: `level` outside `(0, 1)`, fewer than three
/// distinct usable n, invalid values (the fit fails), or fewer than 10 successful refits.
pub fn power_law_ci(rows: &[(f64, usize, f64)], level: f64, reps: usize, seed: u64) -> Option<PowerLawCi> {
    power_law_ci_with(rows, level, reps, seed, &PowerLawFixed::default())
}

/// As [`power_law_ci`], with the parameters of `fixed` held in every refit (their intervals
/// are then the fixed value at both ends; callers report them as fixed, without a CI).
pub fn power_law_ci_with(
    rows: &[(f64, usize, f64)],
    level: f64,
    reps: usize,
    seed: u64,
    fixed: &PowerLawFixed,
) -> Option<PowerLawCi> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    if rows.iter().any(|(n, _, _)| !(n.is_finite() && *n > 0.0)) {
        return None;
    }
    // Positive finite floats order like their bit patterns: the cells are keyed by n's bits.
    let boot = JointBootstrap::new(rows.iter().map(|&(n, t, e)| (n.to_bits(), t, e)));
    let xy =
        |cells: &[(u64, f64)]| -> (Vec<f64>, Vec<f64>) { cells.iter().map(|&(k, r)| (f64::from_bits(k), r)).unzip() };
    // Fail fast (once, not per resample) on input the fit rejects.
    let (n, means) = xy(&boot.means());
    fit_power_law_with(&n, &means, fixed).ok()?;

    let (mut d, mut alpha, mut c) = (Vec::with_capacity(reps), Vec::with_capacity(reps), Vec::with_capacity(reps));
    for rep in boot.replicates(reps, seed) {
        let (n, r) = xy(&rep);
        if let Ok(fit) = fit_power_law_with(&n, &r, fixed) {
            d.push(fit.law.d);
            alpha.push(fit.law.alpha);
            c.push(fit.law.c);
        }
    }
    if d.len() < MIN_REPS_USED {
        return None;
    }
    // Hesterberg's expanded percentile interval: honest for few trials (see `expanded_tail`).
    let tail = crate::stats::expanded_tail(level, boot.trials());
    let interval = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        [quantile(&v, tail), quantile(&v, 1.0 - tail)]
    };
    let reps_used = d.len();
    Some(PowerLawCi { d: interval(d), alpha: interval(alpha), c: interval(c), reps_used, trials: boot.trials() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strong trial effects: trial t's error is the same multiple (1 + 0.3·u_t) of the law at every
    /// n, as when a trial's test split is harder or easier than average. The shape (α) is then
    /// identical in every trial, so the joint bootstrap gives α a narrow interval; resampling each
    /// n independently mixes hard and easy trials across n, makes the curve wiggle and gives a
    /// much wider (and wrong) interval for α.
    #[test]
    fn joint_resampling_differs_from_independent_per_n_resampling() {
        let ns = [100.0, 300.0, 1000.0, 3000.0, 10000.0];
        let factors = [0.7, 1.25, 0.85, 1.3, 1.0, 0.75, 1.15, 0.95, 1.2, 0.8];
        let rows: Vec<(f64, usize, f64)> = ns
            .iter()
            .flat_map(|&n| factors.iter().enumerate().map(move |(t, f)| (n, t, f * (2.0 * f64::powf(n, -0.4) + 0.05))))
            .collect();
        let joint = power_law_ci(&rows, 0.9, 200, 7).expect("a CI");
        assert_eq!(joint.trials, 10);
        // Independent resampling per n (the old method): give every n its own trial ids, so no
        // trial is shared between cells.
        let unpaired: Vec<(f64, usize, f64)> = rows.iter().enumerate().map(|(i, &(n, _, e))| (n, i, e)).collect();
        let independent = power_law_ci(&unpaired, 0.9, 200, 7).expect("a CI");
        let width = |ci: &PowerLawCi| ci.alpha[1] - ci.alpha[0];
        assert!(width(&joint) < 0.01, "joint α CI {:?}", joint.alpha);
        assert!(
            width(&independent) > 10.0 * width(&joint),
            "independent {:?} vs joint {:?}",
            independent.alpha,
            joint.alpha
        );
        assert!(joint.alpha[0] <= 0.4 + 1e-6 && 0.4 - 1e-6 <= joint.alpha[1], "{:?}", joint.alpha);
    }
}
