//! The breakdowns of `report by` and `report samples`, added to the results after the pooled
//! aggregation (they read the per-test-row errors of the store).

use std::collections::BTreeMap;

use crate::results::{Results, TrialRow};

use super::run::Loaded;
use super::store::TestErrors;

/// Fill `results.groups` / `results.samples` as the study's `report` statements ask.
pub fn attach(results: &mut Results, loaded: &Loaded, trials: &[TrialRow], errors: &BTreeMap<String, TestErrors>) {
    let keys = &loaded.data.keys;
    if let Some(by) = &keys.by {
        results.groups =
            Some(super::groups::groups(&loaded.study, &loaded.data.target, &loaded.plan.m_values, trials, errors, by));
    }
    if loaded.study.report.samples {
        results.samples = Some(super::samples::samples(
            loaded.study.seed,
            loaded.study.measured_arm(),
            trials,
            errors,
            keys,
            &results.points,
        ));
    }
}
