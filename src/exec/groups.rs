//! `report by COLUMN`: scaling per group of target rows. Every trial's test errors are split by
//! the group of each test row; a group's MAE in a trial is the mean over its test rows there. The
//! per-group trial MAEs then go through the same aggregation as the pooled ones (points with
//! bootstrap CIs, the power law per m with CIs over trials), and the groups are ranked by α.
//!
//! Consistency: within a trial, the group MAEs weighted by their test rows reproduce the pooled
//! MAE (up to the f32 rounding of stored errors).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::Study;
use crate::plan::RoleData;
use crate::plan::keys::KeyColumn;
use crate::plan::seeds::derive;
use crate::results::{Group, GroupTrainRows, Groups, TrialRow};

use super::aggregate::{points, power_law_record};
use super::members::target_rows;
use super::store::TestErrors;

/// Groups with fewer target rows than this are flagged as too small to trust.
pub const MIN_GROUP_ROWS: usize = 10;

/// Per group value: one trial row per trial job in which the group had test rows, with the
/// group's MAE as `mae` and its test rows as `test_rows`. Trials without a finite pooled MAE
/// (diverged members) and jobs without stored errors are left out.
pub fn group_trials(
    trials: &[TrialRow],
    errors: &BTreeMap<String, TestErrors>,
    key: &KeyColumn,
) -> BTreeMap<String, Vec<TrialRow>> {
    let mut out: BTreeMap<String, Vec<TrialRow>> = BTreeMap::new();
    for t in trials.iter().filter(|t| t.mae.is_finite()) {
        let Some(e) = errors.get(&t.job) else { continue };
        // (sum, count) per group, in f64.
        let mut acc: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
        for (&row, &err) in e.rows.iter().zip(&e.abs_err) {
            let Some(value) = key.values.get(row as usize) else { continue };
            let slot = acc.entry(value.as_str()).or_insert((0.0, 0));
            slot.0 += err as f64;
            slot.1 += 1;
        }
        for (value, (sum, count)) in acc {
            let mut row = t.clone();
            row.mae = sum / count as f64;
            row.test_rows = count;
            out.entry(value.to_string()).or_default().push(row);
        }
    }
    out
}

/// The groups section of the results.
pub fn groups(
    study: &Study,
    target: &RoleData,
    m_values: &[usize],
    trials: &[TrialRow],
    errors: &BTreeMap<String, TestErrors>,
    key: &KeyColumn,
) -> Groups {
    let per_group = group_trials(trials, errors, key);
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &key.values {
        *sizes.entry(v.as_str()).or_default() += 1;
    }
    let train_counts = train_rows_per_trial(study, target, m_values, trials, key);
    let mut groups: Vec<Group> = sizes
        .iter()
        .map(|(&value, &target_rows)| {
            let rows = per_group.get(value).map(Vec::as_slice).unwrap_or_default();
            let seed = derive(study.seed, &format!("group {value}"));
            let arm = study.measured_arm();
            let has_arm = |m: usize| rows.iter().any(|t| t.arm == arm && t.m == m);
            Group {
                value: value.to_string(),
                target_rows,
                small: target_rows < MIN_GROUP_ROWS,
                train_rows: m_values
                    .iter()
                    .map(|&m| GroupTrainRows { m, mean: mean_count(train_counts.get(&m), value) })
                    .collect(),
                points: points(rows, seed),
                fits: m_values.iter().filter(|&&m| has_arm(m)).map(|&m| power_law_record(rows, arm, m, seed)).collect(),
            }
        })
        .collect();
    groups.sort_by(|a, b| value_order(&a.value, &b.value));
    Groups { column: key.name.clone(), min_rows: MIN_GROUP_ROWS, groups }
}

/// Per m, per trial that has records at m: the number of training rows of each group.
fn train_rows_per_trial<'k>(
    study: &Study,
    target: &RoleData,
    m_values: &[usize],
    trials: &[TrialRow],
    key: &'k KeyColumn,
) -> BTreeMap<usize, Vec<BTreeMap<&'k str, usize>>> {
    let mut out = BTreeMap::new();
    for &m in m_values {
        let trial_ids: BTreeSet<usize> = trials.iter().filter(|t| t.m == m).map(|t| t.trial).collect();
        let counts = trial_ids
            .into_iter()
            .map(|trial| {
                // Planned trials always have m training rows (plan::build rejects other grids).
                let rows = target_rows(study, target, m, trial).map(|(rows, _)| rows).unwrap_or_default();
                let mut c: BTreeMap<&str, usize> = BTreeMap::new();
                for r in rows {
                    if let Some(v) = key.values.get(r) {
                        *c.entry(v.as_str()).or_default() += 1;
                    }
                }
                c
            })
            .collect();
        out.insert(m, counts);
    }
    out
}

/// Mean over trials of a group's count (0 in trials without it); NaN without trials.
fn mean_count(per_trial: Option<&Vec<BTreeMap<&str, usize>>>, value: &str) -> f64 {
    match per_trial {
        Some(v) if !v.is_empty() => {
            v.iter().map(|c| c.get(value).copied().unwrap_or(0) as f64).sum::<f64>() / v.len() as f64
        }
        _ => f64::NAN,
    }
}

/// Numbers numerically (1, 2, 10), then text; `(missing)` sorts with the text.
pub fn value_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Arm;

    fn row(job: &str, n: usize, trial: usize, mae: f64, test_rows: usize) -> TrialRow {
        TrialRow {
            job: job.into(),
            arm: Arm::Transfer,
            n,
            m: 10,
            trial,
            seed: 0,
            mae,
            epochs: 1,
            best_epoch: 1,
            test_rows,
            failure: None,
            exploded: None,
            constant_x: Vec::new(),
            clipped_x: Default::default(),
            train_rows: 8,
            val_rows: 2,
        }
    }

    #[test]
    fn weighted_group_maes_reproduce_the_pooled_mae() {
        let key = KeyColumn { name: "g".into(), values: ["a", "b", "a", "c", "b", "a"].map(String::from).to_vec() };
        let errs = [0.5f32, 1.25, 0.75, 2.0, 0.125];
        let rows = [0u32, 1, 2, 3, 4];
        let pooled = errs.iter().map(|&e| e as f64).sum::<f64>() / errs.len() as f64;
        let trials = vec![row("j", 10, 0, pooled, 5)];
        let errors = BTreeMap::from([("j".to_string(), TestErrors { rows: rows.to_vec(), abs_err: errs.to_vec() })]);
        let per = group_trials(&trials, &errors, &key);
        assert_eq!(per.len(), 3);
        let (sum, count) =
            per.values().flatten().fold((0.0, 0), |(s, c), t| (s + t.mae * t.test_rows as f64, c + t.test_rows));
        assert_eq!(count, 5);
        assert!((sum / count as f64 - pooled).abs() < 1e-12);
        assert_eq!(per["a"][0].mae, f64::midpoint(0.5, 0.75));
        assert_eq!(per["c"][0].test_rows, 1);
    }

    #[test]
    fn diverged_trials_and_unknown_rows_are_left_out() {
        let key = KeyColumn { name: "g".into(), values: vec!["a".into()] };
        let trials = vec![row("bad", 10, 0, f64::NAN, 1), row("ok", 10, 1, 1.0, 2)];
        let errors = BTreeMap::from([
            ("bad".to_string(), TestErrors { rows: vec![0], abs_err: vec![f32::NAN] }),
            ("ok".to_string(), TestErrors { rows: vec![0, 7], abs_err: vec![1.0, 3.0] }),
        ]);
        let per = group_trials(&trials, &errors, &key);
        assert_eq!(per["a"].len(), 1);
        assert_eq!(per["a"][0].mae, 1.0);
    }

    #[test]
    fn numeric_values_sort_numerically() {
        let mut v = vec!["10", "(missing)", "2", "b", "1"];
        v.sort_by(|a, b| value_order(a, b));
        assert_eq!(v, ["1", "2", "10", "(missing)", "b"]);
    }
}
