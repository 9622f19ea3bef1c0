//! The results of a run as written to `results.json` (schema documented in docs/results.md).
//! Produced by the executor from the results store, consumed by fits, expectations and reports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::check::model::Arm;

/// Schema version of results.json; bump when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: u32,
    /// The study's name.
    pub study: String,
    /// SHA-256 of the study text (hex).
    pub study_sha256: String,
    /// SHA-256 over the prepared source and target data (hex); a changed data file changes it.
    pub data_sha256: String,
    /// True when run with `--quick` (fewer trials, coarser grid): numbers are a smoke test only.
    pub quick: bool,
    pub seed: u64,
    // No `threads`: results do not depend on the thread count (see exec/store.rs `Header`), so
    // results.json is the same bytes whatever `--threads` was; older files' field is ignored.
    /// Rows of the source and target tables after joins and filters.
    pub source_rows: usize,
    pub target_rows: usize,
    /// The label column of the target, for axis titles.
    pub label: String,
    /// Mean test MAE per grid point and arm.
    pub points: Vec<Point>,
    /// Fitted laws.
    pub fits: Vec<FitRecord>,
    /// The marginal rate of substitution (with `fit surface`): how many source samples are worth
    /// one target sample at the largest n and m.
    #[serde(default)]
    pub exchange: Option<Exchange>,
    /// The training settings of each phase (transfer's pretrain and finetune, or multitask; the
    /// direct baseline's), as the plan printed them. Absent in results written before it existed.
    #[serde(default)]
    pub training: Vec<crate::check::model::TrainingSettings>,
    /// Outcome of every `expect` line, in order.
    pub expects: Vec<ExpectOutcome>,
    /// Warnings raised while planning or running (grid capped, members diverged, ...).
    pub warnings: Vec<String>,
    /// `report by COLUMN`: scaling per group of target rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Groups>,
    /// `report samples`: scaling per test sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<Samples>,
}

/// One grid point of one arm. `n` is 0 for the direct arm (no source data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub n: usize,
    pub m: usize,
    pub arm: Arm,
    /// Trials that finished with a finite MAE.
    pub trials: usize,
    #[serde(deserialize_with = "nan::f64")]
    pub mae_mean: f64,
    /// 90 % percentile-bootstrap CI of the mean over trials.
    #[serde(deserialize_with = "nan::pair")]
    pub mae_ci90: [f64; 2],
    #[serde(deserialize_with = "nan::f64")]
    pub mae_sd: f64,
    #[serde(deserialize_with = "nan::f64")]
    pub mae_median: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitRecord {
    /// "power_law": R(n) = D·n^-alpha + C.
    pub law: String,
    pub arm: Arm,
    /// The m the curve was taken at.
    pub m: usize,
    /// Parameter name → value (`D`, `alpha`, `C`).
    #[serde(deserialize_with = "nan::map")]
    pub params: BTreeMap<String, f64>,
    /// Parameter name → 90 % bootstrap CI over trials.
    #[serde(deserialize_with = "nan::pair_map")]
    pub ci90: BTreeMap<String, [f64; 2]>,
    #[serde(deserialize_with = "nan::f64")]
    pub r2: f64,
    /// The law with its numbers, e.g. `R(n) = 1.93·n^-0.41 + 0.12`.
    pub equation: String,
    /// Why the fit should not be trusted (flat curve, too few points, hit a bound), if so.
    pub degenerate: Option<String>,
}

/// The exchange rate between source and target samples at one grid point:
/// dm/dn = −(∂R/∂n)/(∂R/∂m), reported as source samples worth one target sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub n: usize,
    pub m: usize,
    /// ∂R/∂n and ∂R/∂m at (n, m) (both ≤ 0 when more data helps).
    #[serde(deserialize_with = "nan::f64")]
    pub dr_dn: f64,
    #[serde(deserialize_with = "nan::f64")]
    pub dr_dm: f64,
    /// (∂R/∂m)/(∂R/∂n): source samples worth one target sample.
    #[serde(deserialize_with = "nan::f64")]
    pub samples_per_target: f64,
    /// 90 % bootstrap CI of `samples_per_target` over trials.
    #[serde(deserialize_with = "nan::pair")]
    pub ci90: [f64; 2],
    /// "surface" (from the fitted Eq. 1) or "axis_gradients" (from 1-D power laws along n and
    /// along m through the point, used when Eq. 1 does not describe the surface).
    pub method: String,
    /// Why the fallback was used, or other caveats.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectOutcome {
    /// The expectation as written in the study.
    pub text: String,
    pub passed: bool,
    /// The numbers it was decided on.
    pub detail: String,
}

/// One row of trials.csv: one trial of one arm at one grid point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialRow {
    pub job: String,
    pub arm: Arm,
    pub n: usize,
    pub m: usize,
    pub trial: usize,
    pub seed: u64,
    /// Test MAE in the label's units; NaN if the member diverged.
    #[serde(deserialize_with = "nan::f64")]
    pub mae: f64,
    /// Epochs trained before early stopping (fine-tuning / direct training).
    pub epochs: usize,
    /// Epoch whose weights were kept (best validation loss).
    pub best_epoch: usize,
    pub test_rows: usize,
}

/// `report by COLUMN`: the target rows split by the values of one column, each group's test
/// errors measured in every trial and fitted like the pooled curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Groups {
    /// The target column the rows are grouped by.
    pub column: String,
    /// Groups with fewer target rows than this are flagged `small` ("too small to trust").
    pub min_rows: usize,
    /// One entry per value of the column, sorted by value (numbers numerically).
    pub groups: Vec<Group>,
}

impl Groups {
    /// The m values at which groups have power-law fits, ascending.
    pub fn fitted_ms(&self) -> Vec<usize> {
        let mut ms: Vec<usize> = self.groups.iter().flat_map(|g| g.fits.iter().map(|f| f.m)).collect();
        ms.sort_unstable();
        ms.dedup();
        ms
    }

    /// The groups ranked by the α of their power law at `m`, largest first (ties keep value
    /// order): trustworthy fits first, then degenerate ones (flat curve, α at its bound), then
    /// groups without a finite α at `m`.
    pub fn ranked(&self, m: usize) -> Vec<(&Group, Option<&FitRecord>)> {
        let alpha = |f: Option<&FitRecord>| f.and_then(|f| f.params.get("alpha").copied()).filter(|a| a.is_finite());
        let tier = |f: Option<&FitRecord>| match (alpha(f), f.is_some_and(|f| f.degenerate.is_some())) {
            (Some(_), false) => 0,
            (Some(_), true) => 1,
            (None, _) => 2,
        };
        let mut v: Vec<(&Group, Option<&FitRecord>)> = self.groups.iter().map(|g| (g, g.fits.iter().find(|f| f.m == m))).collect();
        // Stable sort: groups keep their value order among equals.
        v.sort_by(|a, b| {
            tier(a.1).cmp(&tier(b.1)).then_with(|| match (alpha(a.1), alpha(b.1)) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                _ => std::cmp::Ordering::Equal,
            })
        });
        v
    }
}

impl Group {
    /// The group's point of `arm` at (n, m), if measured.
    pub fn point(&self, arm: Arm, n: usize, m: usize) -> Option<&Point> {
        self.points.iter().find(|p| p.arm == arm && p.n == n && p.m == m)
    }
}

/// One group of target rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The column's value (numbers in canonical form; `(missing)` for empty cells).
    pub value: String,
    /// Rows of the target table in the group.
    pub target_rows: usize,
    /// Fewer than `min_rows` target rows: too small to trust.
    pub small: bool,
    /// Per m: the group's mean number of training rows per trial (the group's own m).
    pub train_rows: Vec<GroupTrainRows>,
    /// Mean MAE over the group's test rows per grid point and arm, over the trials in which
    /// the group had test rows (`trials`), with the 90 % bootstrap CI of the mean.
    pub points: Vec<Point>,
    /// R(n) = D·n^-alpha + C fitted to the group's transfer points, one per m (as the pooled fit).
    pub fits: Vec<FitRecord>,
}

/// The mean training rows of a group per trial at one m.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTrainRows {
    pub m: usize,
    #[serde(deserialize_with = "nan::f64")]
    pub mean: f64,
}

/// `report samples`: each test sample's error against n (measured arm, transfer or multitask;
/// largest m), averaged over the trials it was tested in, fitted with R(n) = D·n^-alpha + C and
/// classified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Samples {
    /// The m the curves are taken at (the largest of the grid).
    pub m: usize,
    /// The n of each entry of a sample's `error` and `trials`.
    pub n: Vec<usize>,
    /// The pooled mean MAE of the measured arm at each n (the curve drawn on top).
    #[serde(deserialize_with = "nan::vec")]
    pub pooled: Vec<f64>,
    /// Names of the entries of a sample's `keys` (the `report by` column, the target's groups).
    pub key_columns: Vec<String>,
    /// The classification rule, in words.
    pub rule: String,
    pub scaling: usize,
    pub not_scaling: usize,
    /// Samples with fewer than 3 n with data (no fit, no class).
    pub unfit: usize,
    /// One entry per target row tested at least once, by row.
    pub samples: Vec<Sample>,
}

/// One test sample (a row of the prepared target table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// 0-based row of the prepared target table.
    pub row: usize,
    /// Values of `key_columns` for this row.
    pub keys: Vec<String>,
    /// Mean absolute error at each n (NaN/null where it was never tested at that n).
    #[serde(deserialize_with = "nan::vec")]
    pub error: Vec<f64>,
    /// Trials it was tested in at each n.
    pub trials: Vec<usize>,
    #[serde(deserialize_with = "nan::f64")]
    pub alpha: f64,
    /// 90 % bootstrap CI of alpha over the sample's trials (NaN when not available).
    #[serde(deserialize_with = "nan::pair")]
    pub alpha_ci90: [f64; 2],
    #[serde(deserialize_with = "nan::f64")]
    pub r2: f64,
    /// `scaling`, `not_scaling` or `unfit`.
    pub class: String,
}

/// JSON has no NaN: serde_json writes non-finite numbers as `null`; these read them back as NaN.
mod nan {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }

    pub fn pair<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
        let [a, b] = <[Option<f64>; 2]>::deserialize(d)?;
        Ok([a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)])
    }

    pub fn vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Option<f64>>::deserialize(d)?.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    pub fn map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
        let m = BTreeMap::<String, Option<f64>>::deserialize(d)?;
        Ok(m.into_iter().map(|(k, v)| (k, v.unwrap_or(f64::NAN))).collect())
    }

    pub fn pair_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, [f64; 2]>, D::Error> {
        let m = BTreeMap::<String, [Option<f64>; 2]>::deserialize(d)?;
        Ok(m.into_iter().map(|(k, [a, b])| (k, [a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)])).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_survives_a_json_round_trip() {
        let row = TrialRow {
            job: "direct m=5 t=0".into(),
            arm: Arm::Direct,
            n: 0,
            m: 5,
            trial: 0,
            seed: 1,
            mae: f64::NAN,
            epochs: 3,
            best_epoch: 0,
            test_rows: 2,
        };
        let back: TrialRow = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        assert!(back.mae.is_nan());
        assert_eq!(back.job, row.job);
    }
}
