//! `report samples`: scaling per test sample. For the measured arm (transfer or multitask) at the
//! largest m, each target row's absolute error is averaged, at every n, over the trials it was
//! tested in; a power law is fitted to that curve (at least [`MIN_POINTS`] n with data) and its α
//! gets a bootstrap CI over the sample's trials, as the pooled fit's does.
//!
//! Classification ([`RULE`]): *scaling* when the fit is not degenerate (α clearly above 0 and the
//! law explains at least half of the variation across n) and the lower bound of α's 90 % CI is
//! above 0; when the sample was tested in a single trial there is no CI and the fit alone decides.
//! Otherwise *not scaling*; *unfit* when fewer than [`MIN_POINTS`] n have data.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::fit::{fit_power_law, power_law_ci};
use crate::plan::keys::TargetKeys;
use crate::plan::seeds::derive;
use crate::results::{Arm, Point, Sample, Samples, TrialRow};

use super::store::TestErrors;

/// Distinct n with data needed to fit a sample's curve.
pub const MIN_POINTS: usize = 3;
/// Bootstrap resamples for a sample's α CI (fewer than the pooled fit's: there are hundreds).
pub const SAMPLE_REPS: usize = 100;
/// The classification rule, as written into results.json and the reports.
pub const RULE: &str = "scaling: the power law R(n) = D·n^-α + C fitted to the sample's mean error per n is not degenerate (α > 0, R² ≥ 0.5) and the lower bound of α's 90 % bootstrap CI over the sample's trials is > 0 (the fit alone decides for a sample tested in one trial); not scaling: otherwise; unfit: fewer than 3 n with data";

/// The samples section of the results, at the largest m with trials of `arm` (the study's
/// measured arm: transfer or multitask).
pub fn samples(
    seed: u64,
    arm: Arm,
    trials: &[TrialRow],
    errors: &BTreeMap<String, TestErrors>,
    keys: &TargetKeys,
    pooled: &[Point],
) -> Samples {
    let measured = trials.iter().filter(|t| t.arm == arm && t.mae.is_finite());
    let m = measured.clone().map(|t| t.m).max().unwrap_or(0);
    let mut ns: Vec<usize> = measured.clone().filter(|t| t.m == m).map(|t| t.n).collect();
    ns.sort_unstable();
    ns.dedup();
    // Per row, per n: the row's (trial, error) over the trials it was tested in.
    let mut per_row: BTreeMap<usize, Vec<Vec<(usize, f64)>>> = BTreeMap::new();
    for t in measured.filter(|t| t.m == m) {
        let (Some(e), Ok(i)) = (errors.get(&t.job), ns.binary_search(&t.n)) else { continue };
        for (&row, &err) in e.rows.iter().zip(&e.abs_err) {
            if err.is_finite() {
                per_row.entry(row as usize).or_insert_with(|| vec![Vec::new(); ns.len()])[i]
                    .push((t.trial, err as f64));
            }
        }
    }
    let key_cols: Vec<&crate::plan::keys::KeyColumn> = keys.by.iter().chain(&keys.ids).collect();
    // Per test row: its errors per trial, as (trial, absolute error) pairs.
    type RowErrors = (usize, Vec<Vec<(usize, f64)>>);
    let rows: Vec<RowErrors> = per_row.into_iter().collect();
    let samples: Vec<Sample> = rows
        .par_iter()
        .map(|(row, per_n)| {
            let keys = key_cols.iter().map(|k| k.values.get(*row).cloned().unwrap_or_default()).collect();
            sample(*row, keys, &ns, per_n, derive(seed, &format!("sample ci row={row}")))
        })
        .collect();
    let count = |c: &str| samples.iter().filter(|s| s.class == c).count();
    let pooled = ns
        .iter()
        .map(|&n| pooled.iter().find(|p| p.arm == arm && p.n == n && p.m == m).map_or(f64::NAN, |p| p.mae_mean))
        .collect();
    Samples {
        m,
        n: ns.clone(),
        pooled,
        key_columns: key_cols.iter().map(|k| k.name.clone()).collect(),
        rule: RULE.to_string(),
        scaling: count("scaling"),
        not_scaling: count("not_scaling"),
        unfit: count("unfit"),
        samples,
    }
}

/// One sample's curve, fit and class.
fn sample(row: usize, keys: Vec<String>, ns: &[usize], per_n: &[Vec<(usize, f64)>], ci_seed: u64) -> Sample {
    let per_n_values: Vec<Vec<f64>> = per_n.iter().map(|v| v.iter().map(|(_, e)| *e).collect()).collect();
    let error: Vec<f64> = per_n_values.iter().map(|v| crate::stats::mean(v)).collect();
    let trials: Vec<usize> = per_n.iter().map(Vec::len).collect();
    let mut s = Sample {
        row,
        keys,
        error,
        trials,
        alpha: f64::NAN,
        alpha_ci90: [f64::NAN; 2],
        r2: f64::NAN,
        class: "unfit".into(),
    };
    let with_data: Vec<(f64, Vec<f64>)> =
        ns.iter().zip(&per_n_values).filter(|(_, v)| !v.is_empty()).map(|(&n, v)| (n as f64, v.clone())).collect();
    if with_data.len() < MIN_POINTS {
        return s;
    }
    let x: Vec<f64> = with_data.iter().map(|(n, _)| *n).collect();
    let y: Vec<f64> = with_data.iter().map(|(_, v)| crate::stats::mean(v)).collect();
    let Ok(fit) = fit_power_law(&x, &y) else { return s };
    s.alpha = fit.law.alpha;
    s.r2 = fit.r2;
    let resampled = with_data.iter().any(|(_, v)| v.len() > 1);
    // The sample's trials are resampled jointly across n (trial t tests it at every n).
    let rows: Vec<(f64, usize, f64)> =
        ns.iter().zip(per_n).flat_map(|(&n, v)| v.iter().map(move |&(t, e)| (n as f64, t, e))).collect();
    if resampled && let Some(ci) = power_law_ci(&rows, 0.9, SAMPLE_REPS, ci_seed) {
        s.alpha_ci90 = ci.alpha;
    }
    let ci_ok = if resampled { s.alpha_ci90[0] > 0.0 } else { true };
    s.class = if fit.degenerate.is_none() && fit.law.alpha > 0.0 && ci_ok { "scaling" } else { "not_scaling" }.into();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(job: &str, n: usize, t: usize, mae: f64) -> TrialRow {
        TrialRow {
            job: job.into(),
            arm: Arm::Transfer,
            n,
            m: 5,
            trial: t,
            seed: 0,
            mae,
            epochs: 1,
            best_epoch: 1,
            test_rows: 2,
            failure: None,
            exploded: None,
            constant_x: Vec::new(),
            clipped_x: Default::default(),
            train_rows: 4,
            val_rows: 1,
        }
    }

    /// Row 0 falls as n^-0.5 (with trial noise), row 1 stays flat.
    fn setup() -> (Vec<TrialRow>, BTreeMap<String, TestErrors>) {
        let mut trials = Vec::new();
        let mut errors = BTreeMap::new();
        for (i, n) in [10usize, 30, 100, 300, 1000].into_iter().enumerate() {
            for t in 0..4 {
                let noise = 1.0 + 0.02 * ((t * 7 + i * 3) % 5) as f64;
                let e0 = (2.0 * (n as f64).powf(-0.5) + 0.05) * noise;
                let e1 = 0.4 * noise;
                let job = format!("n={n} t={t}");
                trials.push(trial(&job, n, t, f64::midpoint(e0, e1)));
                errors.insert(job, TestErrors { rows: vec![0, 1], abs_err: vec![e0 as f32, e1 as f32] });
            }
        }
        (trials, errors)
    }

    #[test]
    fn a_falling_sample_scales_and_a_flat_one_does_not() {
        let (trials, errors) = setup();
        let s = samples(1, Arm::Transfer, &trials, &errors, &TargetKeys::default(), &[]);
        assert_eq!(s.n, [10, 30, 100, 300, 1000]);
        assert_eq!((s.scaling, s.not_scaling, s.unfit), (1, 1, 0));
        assert_eq!(s.samples[0].class, "scaling");
        assert!((s.samples[0].alpha - 0.5).abs() < 0.1, "{}", s.samples[0].alpha);
        assert!(s.samples[0].alpha_ci90[0] > 0.0);
        assert_eq!(s.samples[1].class, "not_scaling");
        assert_eq!(s.samples[1].trials, [4; 5]);
    }

    #[test]
    fn a_sample_mean_error_is_its_share_of_the_pooled_mean() {
        // With equal test sizes, the pooled mean over trials at n equals the trial-count-weighted
        // mean of the samples' mean errors.
        let (trials, errors) = setup();
        let s = samples(1, Arm::Transfer, &trials, &errors, &TargetKeys::default(), &[]);
        for (i, &n) in s.n.iter().enumerate() {
            let at_n: Vec<f64> = trials.iter().filter(|t| t.n == n).map(|t| t.mae).collect();
            let pooled = crate::stats::mean(&at_n);
            let (num, den) = s
                .samples
                .iter()
                .fold((0.0, 0.0), |(a, b), x| (a + x.error[i] * x.trials[i] as f64, b + x.trials[i] as f64));
            assert!((num / den - pooled).abs() < 1e-6 * pooled, "n = {n}: {} vs {pooled}", num / den);
        }
    }

    #[test]
    fn too_few_points_is_unfit() {
        let (trials, errors) = setup();
        let few: Vec<TrialRow> = trials.into_iter().filter(|t| t.n <= 30).collect();
        let s = samples(1, Arm::Transfer, &few, &errors, &TargetKeys::default(), &[]);
        assert_eq!(s.unfit, 2);
        assert!(s.samples.iter().all(|x| x.alpha.is_nan()));
    }
}
