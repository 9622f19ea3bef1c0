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
    pub threads: usize,
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
    /// Outcome of every `expect` line, in order.
    pub expects: Vec<ExpectOutcome>,
    /// Warnings raised while planning or running (grid capped, members diverged, ...).
    pub warnings: Vec<String>,
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
