//! From trial rows to results: mean MAE and 90 % bootstrap CI per grid point and arm, the
//! power-law fits per m (with bootstrap CIs over trials), and the expectations.

use std::collections::BTreeMap;

use crate::check::model::{Arm, Law};
use crate::fit::{PowerLawFit, fit_power_law, power_law_ci};
use crate::plan::seeds::derive;
use crate::results::{FitRecord, Point, Results, SCHEMA_VERSION, TrialRow};
use crate::stats;

use super::run::Loaded;
use super::store::Header;

/// Bootstrap resamples for point CIs and for fit CIs.
pub const POINT_REPS: usize = 2000;
pub const FIT_REPS: usize = 200;

pub fn results(loaded: &Loaded, header: &Header, trials: &[TrialRow]) -> Results {
    let seed = loaded.study.seed;
    let mut warnings = loaded.plan.warnings.clone();
    for t in trials.iter().filter(|t| !t.mae.is_finite()) {
        warnings.push(format!("{} (seed {}) diverged: its loss became non-finite; left out of the means", t.job, t.seed));
    }
    let points = points(trials, seed);
    let mut fits = Vec::new();
    if loaded.study.fits.iter().any(|f| f.law == Law::PowerLaw) {
        for &m in &loaded.plan.m_values {
            fits.push(power_law_record(trials, loaded.study.measured_arm(), m, seed));
        }
    }
    let mut exchange = None;
    if let Some(f) = loaded.study.fits.iter().find(|f| f.law == Law::Surface) {
        let at = f.at.as_ref().map(|p| p.value);
        let (rec, ex) = super::surface::surface_and_exchange_at(trials, seed, at);
        fits.push(rec);
        exchange = ex;
    }
    let mut results = Results {
        schema: SCHEMA_VERSION,
        study: loaded.study.name.clone(),
        study_sha256: header.study_sha256.clone(),
        data_sha256: header.data_sha256.clone(),
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
    };
    results.expects = super::expect::evaluate(&loaded.study.expects, &results);
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
            let ci = stats::bootstrap_mean_ci(&v, 0.9, POINT_REPS, derive(seed, &format!("ci {} n={n} m={m}", arm.as_str())));
            Point {
                n,
                m,
                arm,
                trials: v.len(),
                mae_mean: if v.is_empty() { f64::NAN } else { stats::mean(&v) },
                mae_ci90: ci,
                mae_sd: if v.len() > 1 { stats::sd(&v) } else { f64::NAN },
                mae_median: if v.is_empty() { f64::NAN } else { stats::median(&v) },
            }
        })
        .collect()
}

/// The power law fitted to the mean MAE of `arm` per n at m, with bootstrap CIs over trials.
pub fn power_law_record(trials: &[TrialRow], arm: Arm, m: usize, seed: u64) -> FitRecord {
    let mut ns: Vec<usize> = trials.iter().filter(|t| t.arm == arm && t.m == m).map(|t| t.n).collect();
    ns.sort_unstable();
    ns.dedup();
    let per_n: Vec<(f64, Vec<f64>)> =
        ns.iter().map(|&n| (n as f64, maes(trials, arm, n, m))).filter(|(_, v)| !v.is_empty()).collect();
    let x: Vec<f64> = per_n.iter().map(|(n, _)| *n).collect();
    let y: Vec<f64> = per_n.iter().map(|(_, v)| stats::mean(v)).collect();
    let mut rec = FitRecord {
        law: "power_law".into(),
        arm,
        m,
        params: BTreeMap::new(),
        ci90: BTreeMap::new(),
        r2: f64::NAN,
        equation: String::new(),
        degenerate: None,
    };
    match fit_power_law(&x, &y) {
        Ok(PowerLawFit { law, r2, degenerate, .. }) => {
            rec.params = BTreeMap::from([("D".into(), law.d), ("alpha".into(), law.alpha), ("C".into(), law.c)]);
            rec.r2 = r2;
            rec.equation = law.equation();
            rec.degenerate = degenerate;
            if let Some(ci) = power_law_ci(&per_n, 0.9, FIT_REPS, derive(seed, &format!("fit ci m={m}"))) {
                rec.ci90 = BTreeMap::from([("D".into(), ci.d), ("alpha".into(), ci.alpha), ("C".into(), ci.c)]);
            }
        }
        Err(e) => rec.degenerate = Some(format!("no fit: {e}")),
    }
    rec
}
