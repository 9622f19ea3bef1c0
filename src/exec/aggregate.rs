//! From trial rows to results: mean MAE and 90 % bootstrap CI per grid point and arm, the
//! power-law fits per m (with bootstrap CIs over trials), and the expectations.

use std::collections::BTreeMap;

use crate::fit::{PowerLawFit, PowerLawFixed, fit_power_law_with, power_law_ci_with};
use crate::ir::{Arm, Law, SubsetMode};
use crate::plan::seeds::{derive, sha256_hex};
use crate::results::{FitRecord, Paired, Point, Results, SCHEMA_VERSION, TrialRow};
use crate::stats;

use super::run::Loaded;
use super::store::{Stored, TestErrors};

/// Bootstrap resamples for point CIs and for fit CIs.
pub const POINT_REPS: usize = 2000;
pub const FIT_REPS: usize = 200;

/// The results of the plan's jobs that `stored` holds (every job after a complete run), with the
/// breakdowns and pretraining warnings, and their trial rows in plan order.
pub fn from_store(loaded: &Loaded, stored: &Stored) -> (Results, Vec<TrialRow>) {
    let plan = &loaded.plan;
    let trials: Vec<TrialRow> = plan.jobs.iter().filter_map(|j| stored.trial(j).cloned()).collect();
    let mut results = results(loaded, &trials);
    results
        .warnings
        .extend(super::health::pretrain_warnings(plan.jobs.iter().filter_map(|j| stored.pretrains.get(&j.identity))));
    // The breakdowns read each trial's test errors by job id.
    let errors: BTreeMap<String, TestErrors> = plan
        .jobs
        .iter()
        .filter_map(|j| stored.test_errors.get(&j.identity).map(|e| (j.id.clone(), e.clone())))
        .collect();
    super::breakdown::attach(&mut results, loaded, &trials, &errors);
    (results, trials)
}

pub fn results(loaded: &Loaded, trials: &[TrialRow]) -> Results {
    let seed = loaded.study.seed;
    let mut warnings = loaded.plan.warnings.clone();
    for t in trials.iter().filter(|t| !t.mae.is_finite() && t.failure.is_none()) {
        warnings
            .push(format!("{} (seed {}) diverged: its loss became non-finite; left out of the means", t.job, t.seed));
    }
    warnings.extend(super::health::warnings(trials));
    let points = points(trials, seed);
    let mut fits = Vec::new();
    if let Some(f) = loaded.study.fits.iter().find(|f| f.law == Law::PowerLaw) {
        for &m in &loaded.plan.m_values {
            fits.push(power_law_record_fixed(
                trials,
                loaded.study.measured_arm(),
                m,
                seed,
                &PowerLawFixed::from_pairs(&f.fixed),
            ));
        }
    }
    let mut exchange = None;
    if let Some(f) = loaded.study.fits.iter().find(|f| f.law == Law::Surface) {
        let at = f.at.as_ref().map(|p| p.value);
        let (rec, ex) = super::surface::surface_and_exchange_fixed(
            trials,
            seed,
            at,
            &crate::fit::SurfaceFixed::from_pairs(&f.fixed),
        );
        fits.push(rec);
        exchange = ex;
    }
    let mut results = Results {
        schema: SCHEMA_VERSION,
        study: loaded.study.name.clone(),
        study_sha256: sha256_hex(loaded.text.as_bytes()),
        data_sha256: sha256_hex(
            format!("{}{}", loaded.data.source.fingerprint, loaded.data.target.fingerprint).as_bytes(),
        ),
        quick: loaded.plan.quick,
        seed,
        source_rows: loaded.plan.source_rows,
        target_rows: loaded.plan.target_rows,
        label: loaded.data.target.label.clone(),
        points,
        fits,
        exchange,
        training: loaded.plan.training.clone(),
        expects: Vec::new(),
        warnings,
        groups: None,
        samples: None,
        paired: paired(trials, seed),
        ci_variance: ci_variance(loaded.study.grid.subset, loaded.study.measured_arm()),
        device: None,
        budget: None,
    };
    results.expects = super::expect::evaluate(&loaded.study.expects, &results);
    results.budget = super::budget::for_study(&loaded.study, trials);
    results
}

/// Finite per-trial MAEs of one arm at (n, m).
fn maes(trials: &[TrialRow], arm: Arm, n: usize, m: usize) -> Vec<f64> {
    trials.iter().filter(|t| t.arm == arm && t.n == n && t.m == m && t.mae.is_finite()).map(|t| t.mae).collect()
}

pub fn points(trials: &[TrialRow], seed: u64) -> Vec<Point> {
    let mut keys: Vec<(Arm, usize, usize)> = trials.iter().map(|t| (t.arm, t.m, t.n)).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(arm, m, n)| {
            let v = maes(trials, arm, n, m);
            let ci = stats::mean_ci(&v, 0.9, POINT_REPS, derive(seed, &format!("ci {} n={n} m={m}", arm.as_str())));
            Point {
                n,
                m,
                arm,
                trials: v.len(),
                mae_mean: if v.is_empty() { f64::NAN } else { stats::mean(&v) },
                mae_ci90: ci.ci,
                mae_sd: if v.len() > 1 { stats::sd(&v) } else { f64::NAN },
                mae_median: if v.is_empty() { f64::NAN } else { stats::median(&v) },
                ci_reliable: ci.reliable,
                ci_note: ci.note,
                mae_trimmed: super::health::trimmed_mean(&v, crate::results::TRIM_FRACTION),
                failed: trials.iter().filter(|t| t.arm == arm && t.n == n && t.m == m && t.failure.is_some()).count(),
                exploded: trials
                    .iter()
                    .filter(|t| t.arm == arm && t.n == n && t.m == m && t.exploded.is_some())
                    .count(),
                train_rows: row_range(trials, arm, n, m, |t| t.train_rows),
                val_rows: row_range(trials, arm, n, m, |t| t.val_rows),
            }
        })
        .collect()
}

/// [fewest, most] of a row count over the trials of one arm at (n, m), diverged ones included
/// (they trained on those rows too); [0, 0] without trials.
fn row_range(trials: &[TrialRow], arm: Arm, n: usize, m: usize, rows: impl Fn(&TrialRow) -> usize) -> [usize; 2] {
    let v: Vec<usize> = trials.iter().filter(|t| t.arm == arm && t.n == n && t.m == m).map(rows).collect();
    [v.iter().copied().min().unwrap_or(0), v.iter().copied().max().unwrap_or(0)]
}

/// The power law fitted to the mean MAE of `arm` per n at m, with bootstrap CIs over trials.
pub fn power_law_record(trials: &[TrialRow], arm: Arm, m: usize, seed: u64) -> FitRecord {
    power_law_record_fixed(trials, arm, m, seed, &PowerLawFixed::default())
}

/// As [`power_law_record`], with the parameters of `fixed` held (in the fit and in every
/// bootstrap refit); they are listed in the record's `fixed` and have no CI.
pub fn power_law_record_fixed(trials: &[TrialRow], arm: Arm, m: usize, seed: u64, fixed: &PowerLawFixed) -> FitRecord {
    // One (n, trial, MAE) per finite trial: the CI resamples trial ids jointly across n.
    let rows: Vec<(f64, usize, f64)> = trials
        .iter()
        .filter(|t| t.arm == arm && t.m == m && t.mae.is_finite())
        .map(|t| (t.n as f64, t.trial, t.mae))
        .collect();
    let boot = stats::JointBootstrap::new(rows.iter().map(|&(n, t, e)| (n.to_bits(), t, e)));
    let (x, y): (Vec<f64>, Vec<f64>) = boot.means().into_iter().map(|(n, r)| (f64::from_bits(n), r)).unzip();
    let mut rec = FitRecord::empty("power_law", arm, m);
    rec.fixed = fixed.fixed().iter().map(|(k, _)| k.to_string()).collect();
    match fit_power_law_with(&x, &y, fixed) {
        Ok(PowerLawFit { law, r2, degenerate, .. }) => {
            rec.params = BTreeMap::from([("D".into(), law.d), ("alpha".into(), law.alpha), ("C".into(), law.c)]);
            rec.r2 = r2;
            rec.equation = law.equation();
            rec.degenerate = degenerate;
            rec.set_dof(x.len(), 3 - rec.fixed.len());
            if let Some(ci) = power_law_ci_with(&rows, 0.9, FIT_REPS, derive(seed, &format!("fit ci m={m}")), fixed) {
                rec.ci90 = BTreeMap::from([("D".into(), ci.d), ("alpha".into(), ci.alpha), ("C".into(), ci.c)]);
                rec.ci90.retain(|k, _| !rec.fixed.contains(k));
                rec.set_ci_trials(ci.trials);
            }
        }
        Err(e) => rec.degenerate = Some(format!("no fit: {e}")),
    }
    rec
}

/// Which variance the CIs of a run contain, given its `subset` mode (results.json `ci_variance`,
/// printed in every report).
pub fn ci_variance(subset: SubsetMode, measured: Arm) -> String {
    let joint = "CIs resample whole trials jointly across the grid (trial t has the same test rows at every n and m)";
    match (subset, measured) {
        (SubsetMode::Once, Arm::Multitask) => format!(
            "subset = once: all trials at an n share one source subset, so the CIs contain the variance of the target split and of training but not of which source rows were drawn; {joint}"
        ),
        (SubsetMode::Once, _) => format!(
            "subset = once: all trials at an n fine-tune one pretrained model (one source subset), so the CIs contain the variance of the target split and of fine-tuning and direct training, not of the source subset or the pretraining; {joint}"
        ),
        (SubsetMode::PerTrial, _) => format!(
            "subset = per_trial: every trial draws its own (nested) source subsets and pretraining, so the CIs contain the variance of the source subset, the pretraining, the target split and training; {joint}"
        ),
    }
}

/// Per grid point of the measured arm (transfer or multitask): the paired difference to the
/// direct arm on the same trial (both use trial t's test rows), its 90 % CI over trials (the
/// interval of [`stats::mean_ci`]) and the share of trials in which the measured arm wins.
pub fn paired(trials: &[TrialRow], seed: u64) -> Vec<Paired> {
    let direct: BTreeMap<(usize, usize), f64> =
        trials.iter().filter(|t| t.arm == Arm::Direct && t.mae.is_finite()).map(|t| ((t.m, t.trial), t.mae)).collect();
    let mut per_point: BTreeMap<(Arm, usize, usize), Vec<f64>> = BTreeMap::new();
    for t in trials.iter().filter(|t| t.arm.uses_source()) {
        let entry = per_point.entry((t.arm, t.m, t.n)).or_default();
        if let (true, Some(d)) = (t.mae.is_finite(), direct.get(&(t.m, t.trial))) {
            entry.push(t.mae - d);
        }
    }
    if direct.is_empty() {
        return Vec::new();
    }
    per_point
        .into_iter()
        .map(|((arm, m, n), diffs)| {
            let ci =
                stats::mean_ci(&diffs, 0.9, POINT_REPS, derive(seed, &format!("paired {} n={n} m={m}", arm.as_str())));
            let wins = diffs.iter().filter(|d| **d < 0.0).count();
            Paired {
                n,
                m,
                arm,
                baseline: Arm::Direct,
                pairs: diffs.len(),
                diff_mean: stats::mean(&diffs),
                diff_ci90: ci.ci,
                wins: if diffs.is_empty() { f64::NAN } else { wins as f64 / diffs.len() as f64 },
                ci_reliable: ci.reliable,
                ci_note: ci.note,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(arm: Arm, n: usize, trial: usize, mae: f64) -> TrialRow {
        TrialRow {
            job: format!("{} n={n} t={trial}", arm.as_str()),
            arm,
            n,
            m: 20,
            trial,
            seed: 0,
            mae,
            epochs: 1,
            best_epoch: 1,
            test_rows: 5,
            ..Default::default()
        }
    }

    #[test]
    fn three_trials_get_a_t_interval_wider_than_the_percentile_one_and_one_trial_none() {
        let trials = vec![
            row(Arm::Transfer, 100, 0, 1.0),
            row(Arm::Transfer, 100, 1, 2.0),
            row(Arm::Transfer, 100, 2, 4.0),
            row(Arm::Transfer, 200, 0, 4.06),
        ];
        let pts = points(&trials, 3);
        let three = pts.iter().find(|p| p.n == 100).unwrap();
        let percentile = stats::bootstrap_mean_ci(&[1.0, 2.0, 4.0], 0.9, POINT_REPS, 3);
        assert!(
            three.mae_ci90[1] - three.mae_ci90[0] > 2.0 * (percentile[1] - percentile[0]),
            "{three:?} vs {percentile:?}"
        );
        assert!(
            !three.ci_reliable && three.ci_note.as_deref().is_some_and(|n| n.contains("only 3 trials")),
            "{three:?}"
        );
        let one = pts.iter().find(|p| p.n == 200).unwrap();
        assert!(one.mae_ci90.iter().all(|x| x.is_nan()), "a single trial must not get [4.06, 4.06]: {one:?}");
        assert_eq!(one.ci_note.as_deref(), Some("no interval from a single trial"));
    }

    #[test]
    fn paired_differences_match_trials_by_id() {
        // Trial 1's transfer run failed (NaN): 2 pairs; transfer wins in trial 0 only.
        let trials = vec![
            row(Arm::Direct, 0, 0, 1.0),
            row(Arm::Direct, 0, 1, 2.0),
            row(Arm::Direct, 0, 2, 3.0),
            row(Arm::Transfer, 100, 0, 0.5),
            row(Arm::Transfer, 100, 1, f64::NAN),
            row(Arm::Transfer, 100, 2, 3.5),
        ];
        let p = paired(&trials, 1);
        assert_eq!(p.len(), 1);
        let p = &p[0];
        assert_eq!((p.n, p.m, p.arm, p.baseline, p.pairs), (100, 20, Arm::Transfer, Arm::Direct, 2));
        assert!((p.diff_mean - 0.0).abs() < 1e-12, "{p:?}");
        assert!((p.wins - 0.5).abs() < 1e-12);
        assert!(p.diff_ci90[0] < 0.0 && p.diff_ci90[1] > 0.0, "{p:?}");
        assert!(paired(&trials[3..], 1).is_empty(), "no direct arm, no pairs");
    }

    #[test]
    fn ci_variance_names_what_once_leaves_out() {
        assert!(ci_variance(SubsetMode::Once, Arm::Transfer).contains("not of the source subset or the pretraining"));
        assert!(ci_variance(SubsetMode::PerTrial, Arm::Transfer).contains("the pretraining, the target split"));
    }
}
