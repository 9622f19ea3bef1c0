//! Numbers that must not pass for results: trials that failed (a row a transform could not
//! map, a pretraining that diverged in every attempt), trials whose predictions exploded, the
//! retries of diverged pretrainings, and the warnings and robust summaries that name them.
//!
//! Rules (documented in docs/results.md):
//! - a pretraining diverges when its validation loss or weights become non-finite, or when its
//!   best validation MSE is above [`BLOWN_UP_VARIANCES`] times the variance of its labels
//!   (training and validation rows; the weights blew up without overflowing: predicting the
//!   mean would be that many times better). It is retried with the seed `derive(job seed, "retry K")`, K = 1, 2, 3; if all
//!   [`PRETRAIN_ATTEMPTS`] diverge, the fine-tunes that start from it fail (they are never
//!   trained from its weights);
//! - a trial's predictions explode when one is non-finite or lies beyond the range of the labels
//!   it was trained on (training and validation rows, in the metric's units) widened by
//!   [`EXPLODE_WIDTHS`] times that range's width on each side. Such a trial is kept in the means
//!   (the mean stays the headline; the median and trimmed mean show what it did to it), counted
//!   per point, and an `expect` over its point fails.

use std::collections::BTreeMap;

use crate::ir::{Arm, AtN, Expect, ExpectKind};
use crate::plan::seeds::derive;
use crate::results::{ExpectOutcome, Point, Results, TrialRow};

use crate::engine::TrainOutcome;
use crate::engine::net::MemberWeights;

use super::members::Member;
use super::store::PretrainRecord;

/// Attempts of one pretraining: the first with the job's seed, then up to 3 retries.
pub const PRETRAIN_ATTEMPTS: usize = 4;

/// A pretraining whose best validation MSE exceeds this many times the variance of its labels
/// has blown up.
pub const BLOWN_UP_VARIANCES: f64 = 10.0;

/// Whether a pretraining diverged (see the module docs); `labels` are its training and
/// validation labels (transformed units, as its loss).
pub fn pretrain_diverged(out: &TrainOutcome, weights: &MemberWeights, labels: [&[f32]; 2]) -> bool {
    let all = || labels.iter().flat_map(|l| l.iter()).map(|&v| v as f64);
    let n = all().count().max(1) as f64;
    let mean = all().sum::<f64>() / n;
    let var = all().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    out.diverged
        || !weights.all_finite()
        || !out.best_val.is_finite()
        || out.best_val > BLOWN_UP_VARIANCES * var.max(1e-12)
}

/// A prediction beyond the training label range widened by this many range widths on each side
/// is an explosion.
pub const EXPLODE_WIDTHS: f64 = 10.0;

/// The seed of retry `attempt` (1-based) of a pretraining whose plan seed is `seed`.
pub fn retry_seed(seed: u64, attempt: usize) -> u64 {
    derive(seed, &format!("retry {attempt}"))
}

/// Retrain the members `is_bad` rejects with derived seeds, up to [`PRETRAIN_ATTEMPTS`] attempts
/// in all. `train(indices, seeds)` trains those members afresh, one result per index. Returns
/// the final results and, per member, the retry seeds used (empty when the first attempt was good).
pub fn retry_diverged<T, E>(
    seeds: &[u64],
    mut results: Vec<T>,
    is_bad: impl Fn(usize, &T) -> bool,
    mut train: impl FnMut(&[usize], &[u64]) -> Result<Vec<T>, E>,
) -> Result<(Vec<T>, Vec<Vec<u64>>), E> {
    let mut retried = vec![Vec::new(); results.len()];
    for attempt in 1..PRETRAIN_ATTEMPTS {
        let bad: Vec<usize> = (0..results.len()).filter(|&i| is_bad(i, &results[i])).collect();
        if bad.is_empty() {
            break;
        }
        let new_seeds: Vec<u64> = bad.iter().map(|&i| retry_seed(seeds[i], attempt)).collect();
        let again = train(&bad, &new_seeds)?;
        for ((&i, s), r) in bad.iter().zip(new_seeds).zip(again) {
            results[i] = r;
            retried[i].push(s);
        }
    }
    Ok((results, retried))
}

/// Why a pretraining cannot be a starting point, if so.
pub fn unusable(rec: &PretrainRecord) -> Option<Unusable> {
    if let Some(f) = &rec.failure {
        return Some(Unusable::Failed { job: rec.job.clone(), failure: f.clone() });
    }
    rec.diverged.then(|| Unusable::Diverged {
        job: rec.job.clone(),
        seeds: std::iter::once(rec.seed).chain(rec.retried.iter().copied()).collect(),
    })
}

/// Why a pretraining cannot be a starting point (its fine-tunes fail with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// It failed before training; `failure` is its stored reason.
    #[error("pretraining `{job}` failed: {failure}")]
    Failed { job: String, failure: String },
    /// It diverged with every seed it was tried with.
    #[error(
        "pretraining `{job}` diverged in all {} attempt(s) (seeds {}: non-finite, or best validation MSE above {BLOWN_UP_VARIANCES}× its labels' variance); a diverged pretraining is never a starting point",
        .seeds.len(),
        .seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    )]
    Diverged { job: String, seeds: Vec<u64> },
}

/// Mean of `v` without its ⌈frac·len⌉ lowest and ⌈frac·len⌉ highest values (so at least one
/// each end from 3 values on, and never all of them); the plain mean below 3 values, NaN if empty.
pub fn trimmed_mean(v: &[f64], frac: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let k = if s.len() < 3 { 0 } else { ((frac * s.len() as f64).ceil() as usize).min((s.len() - 1) / 2) };
    let kept = &s[k..s.len() - k];
    kept.iter().sum::<f64>() / kept.len() as f64
}

/// The worst exploding prediction of a trial (see the module docs), described with the input
/// columns that drove it: the test row's transformed inputs of largest magnitude.
pub fn explosion(member: &Member, pred: &[f32]) -> Option<String> {
    let p = member.predictions(pred);
    let (lo, hi) = member.train_range;
    let width = (hi - lo).max(1e-9 * lo.abs().max(hi.abs())).max(f64::MIN_POSITIVE);
    let (min, max) = (lo - EXPLODE_WIDTHS * width, hi + EXPLODE_WIDTHS * width);
    let excess = |v: f64| if v.is_finite() { ((min - v).max(v - max) / width).max(0.0) } else { f64::INFINITY };
    let out = p.iter().filter(|&&v| excess(v) > 0.0).count();
    let (i, &v) =
        p.iter().enumerate().filter(|(_, v)| excess(**v) > 0.0).max_by(|a, b| excess(*a.1).total_cmp(&excess(*b.1)))?;
    let cols = member.x_names.len();
    let mut inputs: Vec<(usize, f32)> = member.test_x[i * cols..(i + 1) * cols].iter().copied().enumerate().collect();
    inputs.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let drivers: Vec<String> =
        inputs.iter().take(3).map(|(c, z)| format!("{} = {}", member.x_names[*c], num(*z as f64))).collect();
    let units = if member.test_y_t.is_some() { " (transformed units)" } else { "" };
    Some(format!(
        "prediction {} for row {} of the target table{units}, beyond [{}, {}] (the training labels' range [{}, {}] widened {EXPLODE_WIDTHS}× its width each side); {out} of {} test predictions beyond it; largest transformed inputs of that row: {}",
        num(v),
        member.test_rows.get(i).copied().unwrap_or(i),
        num(min),
        num(max),
        num(lo),
        num(hi),
        p.len(),
        drivers.join(", ")
    ))
}

fn num(v: f64) -> String {
    if v.is_finite() { format!("{v:.4e}").replace("e0", "").replace(".0000", "") } else { format!("{v}") }
}

fn at(arm: Arm, n: usize, m: usize) -> String {
    if arm == Arm::Direct { format!("{} m={m}", arm.as_str()) } else { format!("{} n={n} m={m}", arm.as_str()) }
}

/// Warnings about trials: failures and explosions per point, input columns treated as
/// constant, test values clipped.
pub fn warnings(trials: &[TrialRow]) -> Vec<String> {
    let mut out = Vec::new();
    // Per point: trials, the failed ones, the exploded ones.
    type PointTrials<'a> = (usize, Vec<&'a TrialRow>, Vec<&'a TrialRow>);
    let mut per_point: BTreeMap<(Arm, usize, usize), PointTrials> = BTreeMap::new();
    for t in trials {
        let e = per_point.entry((t.arm, t.m, t.n)).or_default();
        e.0 += 1;
        if t.failure.is_some() {
            e.1.push(t);
        }
        if t.exploded.is_some() {
            e.2.push(t);
        }
    }
    for ((arm, m, n), (all, failed, exploded)) in &per_point {
        if let Some(first) = failed.first() {
            out.push(format!(
                "{} of {all} trials at {} failed and are left out (first: {}: {})",
                failed.len(),
                at(*arm, *n, *m),
                first.job,
                first.failure.as_deref().unwrap_or_default()
            ));
        }
        if let Some(first) = exploded.first() {
            out.push(format!(
                "{} of {all} trials at {} have exploding predictions (kept in the mean; compare its median and trimmed mean; an `expect` over this point fails) (first: {}: {})",
                exploded.len(),
                at(*arm, *n, *m),
                first.job,
                first.exploded.as_deref().unwrap_or_default()
            ));
        }
    }
    let ran = trials.iter().filter(|t| t.failure.is_none()).count();
    let mut constant: BTreeMap<&str, usize> = BTreeMap::new();
    let mut clipped: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for t in trials {
        for c in &t.constant_x {
            *constant.entry(c).or_default() += 1;
        }
        for (c, k) in &t.clipped_x {
            let e = clipped.entry(c).or_default();
            e.0 += k;
            e.1 += 1;
        }
    }
    if !constant.is_empty() {
        let cols: Vec<String> = constant.iter().map(|(c, k)| format!("{c} ({k} of {ran})")).collect();
        out.push(format!(
            "input columns treated as constant in some trials (at most one training row off the most common value, or sd ≤ 1e-6 × max |value|; they read 0 for every row): {}",
            cols.join(", ")
        ));
    }
    if !clipped.is_empty() {
        let cols: Vec<String> = clipped.iter().map(|(c, (v, k))| format!("{c} ({v} values in {k} trials)")).collect();
        out.push(format!(
            "test inputs clipped to the training range (widened by its width on each side; `noclip` turns this off): {}",
            cols.join(", ")
        ));
    }
    out
}

/// Warnings about pretrainings: retries after divergence and their outcome, failures, source
/// columns treated as constant.
pub fn pretrain_warnings<'a>(records: impl Iterator<Item = &'a PretrainRecord>) -> Vec<String> {
    let mut out = Vec::new();
    let mut constant: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for r in records {
        total += 1;
        for c in &r.constant_x {
            *constant.entry(c).or_default() += 1;
        }
        if let Some(why) = unusable(r) {
            out.push(format!("{why}: its fine-tunes fail"));
        } else if let Some(last) = r.retried.last() {
            out.push(format!(
                "pretraining `{}` diverged with seed {}; retried {} time(s), converged with seed {last}",
                r.job,
                r.seed,
                r.retried.len()
            ));
        }
    }
    if !constant.is_empty() {
        let cols: Vec<String> = constant.iter().map(|(c, k)| format!("{c} ({k} of {total})")).collect();
        out.push(format!(
            "input columns treated as constant in some pretrainings (negligible spread on their rows): {}",
            cols.join(", ")
        ));
    }
    out
}

/// The points an `expect` is decided on: for `A < B at ...` the points of both arms at the n
/// it compares (every n, or the largest per m); for a parameter, the points of the arm the fits
/// are made on (every arm that uses the source).
fn points_of<'a>(e: &Expect, r: &'a Results) -> Vec<&'a Point> {
    if let ExpectKind::Arms { left, right, at, .. } = &e.kind {
        r.points
            .iter()
            .filter(|p| p.arm == *left || p.arm == *right)
            .filter(|p| {
                *at != AtN::Largest
                    || p.arm == Arm::Direct
                    || r.points.iter().filter(|q| q.arm == p.arm && q.m == p.m).all(|q| q.n <= p.n)
            })
            .collect()
    } else {
        r.points.iter().filter(|p| p.arm.uses_source()).collect()
    }
}

/// An expectation that passed fails when a point it is decided on has trials with exploding
/// predictions: those numbers are not results. Failed trials of those points are named in the
/// detail (a point that lost every trial already fails the expectation).
pub fn veto(e: &Expect, r: &Results, outcome: &mut ExpectOutcome) {
    let points = points_of(e, r);
    let failed: Vec<String> = points
        .iter()
        .filter(|p| p.failed > 0)
        .map(|p| format!("{} of {} at {}", p.failed, p.trials + p.failed, at(p.arm, p.n, p.m)))
        .collect();
    if !failed.is_empty() {
        outcome.detail = format!("{}; trials failed: {}", outcome.detail, failed.join("; "));
    }
    let bad: Vec<String> = points
        .iter()
        .filter(|p| p.exploded > 0)
        .map(|p| format!("{} of {} at {}", p.exploded, p.trials + p.failed, at(p.arm, p.n, p.m)))
        .collect();
    if bad.is_empty() {
        return;
    }
    outcome.passed = false;
    outcome.detail = format!(
        "{}; ✗ not decided: trials with exploding predictions ({}), see warnings",
        outcome.detail,
        bad.join("; ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_pretrainings_render() {
        let failed = Unusable::Failed { job: "pretrain n=20 #0".into(), failure: "no rows".into() };
        assert_eq!(failed.to_string(), "pretraining `pretrain n=20 #0` failed: no rows");
        let diverged = Unusable::Diverged { job: "p".into(), seeds: vec![3, 11, 12] };
        assert_eq!(
            diverged.to_string(),
            "pretraining `p` diverged in all 3 attempt(s) (seeds 3, 11, 12: non-finite, or best validation MSE above 10× its labels' variance); a diverged pretraining is never a starting point"
        );
    }

    #[test]
    fn trimmed_mean_drops_both_tails() {
        let v: Vec<f64> = (1..=9).map(f64::from).chain([1e17]).collect();
        assert_eq!(trimmed_mean(&v, 0.1), (2..=9).map(f64::from).sum::<f64>() / 8.0);
        assert_eq!(trimmed_mean(&[3.0, 5.0], 0.1), 4.0);
        // One trial of 8 explodes: one value is dropped at each end.
        let v = [1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0, 1e17];
        assert_eq!(trimmed_mean(&v, 0.1), 19.0 / 6.0);
        assert_eq!(trimmed_mean(&[1.0, 2.0, 1e17], 0.1), 2.0);
        assert!(trimmed_mean(&[], 0.1).is_nan());
    }

    #[test]
    fn diverged_members_are_retried_with_derived_seeds_a_bounded_number_of_times() {
        // Member 0 converges at once, member 1 on its second retry, member 2 never.
        let seeds = [10, 20, 30];
        let good_at = |seed: u64| seed == retry_seed(20, 2);
        let mut calls = Vec::new();
        let (out, retried) = retry_diverged(
            &seeds,
            vec![true, false, false],
            |_, ok: &bool| !ok,
            |idx: &[usize], s: &[u64]| {
                calls.push(idx.to_vec());
                Ok::<_, ()>(s.iter().map(|&s| good_at(s)).collect())
            },
        )
        .unwrap();
        assert_eq!(out, [true, true, false]);
        assert_eq!(retried[0], Vec::<u64>::new());
        assert_eq!(retried[1], [retry_seed(20, 1), retry_seed(20, 2)]);
        assert_eq!(retried[2], [retry_seed(30, 1), retry_seed(30, 2), retry_seed(30, 3)]);
        assert_eq!(calls, [vec![1, 2], vec![1, 2], vec![2]]);
        assert_ne!(retry_seed(20, 1), retry_seed(20, 2));
    }
}
