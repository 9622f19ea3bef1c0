//! The results of a run as written to `results.json` (schema documented in docs/results.md).
//! Produced by the executor from the results store, consumed by fits, expectations and reports.
//! [`outputs`] lists every file of a run directory and writes the data files; [`Run`] loads a
//! finished run back.

pub mod budget;
pub mod outputs;
mod run;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fit::{PowerLaw, PowerLawFixed, Surface, SurfaceFixed};
pub use crate::ir::Arm;
pub use run::{LoadError, Run};

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
    pub training: Vec<crate::ir::TrainingSettings>,
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
    /// Per grid point of the measured arm: the paired difference to `direct` on the same trials.
    #[serde(default)]
    pub paired: Vec<Paired>,
    /// Which sources of variance the CIs contain (depends on `subset`); printed in every report.
    #[serde(default)]
    pub ci_variance: String,
    /// `--device` of the run that wrote this file (`cpu`, `cpu-lockstep`, `cuda`, `wgpu`; see
    /// docs/devices.md); absent where no training engine ran (`fit`) and in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// With a `budget { … }` block: what to buy next on the fitted surface, or why it cannot be
    /// planned (see docs/results.md, *`budget`*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<budget::BudgetOutcome>,
}

/// The measured arm (transfer or multitask) minus `direct` at one grid point, trial by trial:
/// both arms of trial t are tested on the same rows, so the difference of their MAEs removes
/// the split-to-split variation that overlapping per-arm CIs leave in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    pub n: usize,
    pub m: usize,
    /// `transfer` or `multitask`.
    pub arm: Arm,
    /// `direct`.
    pub baseline: Arm,
    /// Trials with a finite MAE in both arms.
    pub pairs: usize,
    /// Mean over those trials of (arm MAE − baseline MAE); negative when the arm is better.
    #[serde(deserialize_with = "nan::f64")]
    pub diff_mean: f64,
    /// 90 % CI of `diff_mean` (Student t below 30 pairs, percentile bootstrap from 30).
    #[serde(deserialize_with = "nan::pair")]
    pub diff_ci90: [f64; 2],
    /// Share of the pairs in which the arm's MAE is lower than the baseline's.
    #[serde(deserialize_with = "nan::f64")]
    pub wins: f64,
    /// False for an interval from fewer than 30 pairs (or none); see `ci_note`.
    #[serde(default)]
    pub ci_reliable: bool,
    #[serde(default)]
    pub ci_note: Option<String>,
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
    /// False when `mae_ci90` comes from fewer than 30 trials (Student t, coverage relies on
    /// near-normal errors) or is absent (one trial); absent in older files, read as false.
    #[serde(default)]
    pub ci_reliable: bool,
    /// Why the CI is absent or unreliable.
    #[serde(default)]
    pub ci_note: Option<String>,
    /// Mean of the trials' MAEs without the ⌈`TRIM_FRACTION`·trials⌉ lowest and as many highest
    /// (at least one each end from 3 trials on; the mean below 3): a mean that one exploding
    /// trial cannot dominate.
    #[serde(default = "nan::missing", deserialize_with = "nan::f64")]
    pub mae_trimmed: f64,
    /// Trials that failed (a transform could not map a row, their pretraining diverged in
    /// every attempt): no MAE, not in `trials`. Each is listed with its reason in trials.csv.
    #[serde(default)]
    pub failed: usize,
    /// Trials whose predictions exploded (see [`TrialRow::exploded`]; in `trials` when their MAE
    /// is finite); an `expect` over this point fails while it is not 0.
    #[serde(default)]
    pub exploded: usize,
    /// Target rows each trial of the point trained on, [fewest, most] over its trials; with
    /// `val_rows` (its early-stopping validation rows) they make exactly m in every trial.
    /// [0, 0] in results written before these fields existed.
    #[serde(default)]
    pub train_rows: [usize; 2],
    #[serde(default)]
    pub val_rows: [usize; 2],
}

/// An empty point (arm transfer, no trials, NaN statistics), for fixtures that spell the fields
/// they care about (`Point { n, m, mae_mean, ..Default::default() }`).
impl Default for Point {
    fn default() -> Self {
        let nan = f64::NAN;
        Point {
            n: 0,
            m: 0,
            arm: Arm::Transfer,
            trials: 0,
            mae_mean: nan,
            mae_ci90: [nan, nan],
            mae_sd: nan,
            mae_median: nan,
            ci_reliable: false,
            ci_note: None,
            mae_trimmed: nan,
            failed: 0,
            exploded: 0,
            train_rows: [0, 0],
            val_rows: [0, 0],
        }
    }
}

/// Fraction of the MAEs dropped at each end for [`Point::mae_trimmed`].
pub const TRIM_FRACTION: f64 = 0.1;

impl Results {
    /// Grid points that lost every trial (none finished with a finite MAE) because trials failed
    /// or diverged: `sim2real run` exits 3 when there is one.
    pub fn lost_points(&self) -> Vec<&Point> {
        self.points.iter().filter(|p| p.trials == 0).collect()
    }
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
    /// Residual degrees of freedom: grid points fitted minus parameters. 0 means an exact fit
    /// (R² = 1 by construction, says nothing about the law).
    #[serde(default)]
    pub dof: Option<usize>,
    /// Distinct trials the CIs resampled (jointly across the grid).
    #[serde(default)]
    pub ci_trials: Option<usize>,
    /// Caveats that are not degeneracy: an exact fit, CIs from too few trials.
    #[serde(default)]
    pub note: Option<String>,
    /// Parameters held at a given value (`fit power_law { D = 0.48 }`): their value is in
    /// `params`, and they have no entry in `ci90`. Absent from the JSON when nothing is fixed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<String>,
}

impl FitRecord {
    /// A record without a fit yet (parameters, CIs, R² filled in by the caller).
    pub fn empty(law: &str, arm: Arm, m: usize) -> FitRecord {
        FitRecord {
            law: law.into(),
            arm,
            m,
            params: BTreeMap::new(),
            ci90: BTreeMap::new(),
            r2: f64::NAN,
            equation: String::new(),
            degenerate: None,
            dof: None,
            ci_trials: None,
            note: None,
            fixed: Vec::new(),
        }
    }

    /// The fitted power law R(n) = D·n^-α + C of this record, `None` when `D`, `alpha` or `C` is
    /// missing or not finite (a surface record, a fit that failed).
    pub fn power_law(&self) -> Option<PowerLaw> {
        let [d, alpha, c] = PowerLawFixed::NAMES.map(|k| self.finite(k));
        Some(PowerLaw { d: d?, alpha: alpha?, c: c? })
    }

    /// The fitted surface R(n, m) = (A·n^-α + B)·m^-β + ε of this record, `None` when a parameter
    /// is missing or not finite (a power-law record, a fit that failed).
    pub fn surface(&self) -> Option<Surface> {
        let [a, alpha, b, beta, eps] = SurfaceFixed::NAMES.map(|k| self.finite(k));
        Some(Surface { a: a?, alpha: alpha?, b: b?, beta: beta?, eps: eps? })
    }

    fn finite(&self, name: &str) -> Option<f64> {
        self.params.get(name).copied().filter(|v| v.is_finite())
    }

    /// True when the fit has as many grid points as parameters (no residual degrees of freedom).
    pub fn exact(&self) -> bool {
        self.dof == Some(0)
    }

    /// Record `points − params` residual degrees of freedom, with a note for an exact fit.
    pub fn set_dof(&mut self, points: usize, params: usize) {
        let dof = points.saturating_sub(params);
        self.dof = Some(dof);
        if dof == 0 {
            self.add_note(format!(
                "exact fit: {points} grid points for {params} parameters leave no residual degrees of freedom, so R² = 1 by construction and says nothing about the law"
            ));
        }
    }

    /// Record the trials behind the CIs, with a note below [`crate::stats::RELIABLE_MIN_TRIALS`].
    pub fn set_ci_trials(&mut self, trials: usize) {
        self.ci_trials = Some(trials);
        let min = crate::stats::RELIABLE_MIN_TRIALS;
        if trials < min {
            self.add_note(format!(
                "CIs from only {trials} trials (< {min}): bootstrap intervals this small are too narrow; unreliable"
            ));
        }
    }

    /// True when the CIs come from fewer trials than [`crate::stats::RELIABLE_MIN_TRIALS`].
    pub fn ci_unreliable(&self) -> bool {
        self.ci_trials.is_some_and(|t| t < crate::stats::RELIABLE_MIN_TRIALS)
    }

    fn add_note(&mut self, text: String) {
        self.note = Some(match self.note.take() {
            Some(n) => format!("{n}; {text}"),
            None => text,
        });
    }
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
    /// (∂R/∂m)/(∂R/∂n): source samples worth one target sample; +∞ when source data no longer
    /// helps (written as the string `"inf"`, see [`inf`]).
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub samples_per_target: f64,
    /// 90 % bootstrap CI of `samples_per_target` over trials (resampled jointly across the grid);
    /// infinite replicates count, so the upper bound may be +∞ (`"inf"`).
    #[serde(serialize_with = "inf::pair", deserialize_with = "inf::de_pair")]
    pub ci90: [f64; 2],
    /// "surface" (from the fitted Eq. 1) or "axis_gradients" (from 1-D power laws along n and
    /// along m through the point, used when Eq. 1 does not describe the surface).
    pub method: String,
    /// Why the fallback was used, or other caveats.
    pub note: Option<String>,
    /// Why the rate should not be trusted: the fit it comes from is degenerate (for the
    /// `axis_gradients` method: either 1-D fit is degenerate or exact).
    #[serde(default)]
    pub degenerate: Option<String>,
}

impl Exchange {
    /// The rate as every output words it: `finite` prints a finite rate, +∞ prints as `∞` (source
    /// samples no longer lower the error there), −∞ as `-∞`, and NaN (neither axis lowers the error)
    /// as `undefined`.
    pub fn rate_text(&self, finite: impl Fn(f64) -> String) -> String {
        match self.samples_per_target {
            f64::INFINITY => "∞".to_string(),
            f64::NEG_INFINITY => "-∞".to_string(),
            v if v.is_nan() => "undefined".to_string(),
            v => finite(v),
        }
    }
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
    /// Why the trial failed (NaN `mae`), naming the table row and value where one row caused it;
    /// `None` for a trial that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The trial's predictions exploded (non-finite, or beyond the range of the labels it was
    /// trained on widened by `EXPLODE_WIDTHS` times its width on each side): the worst test row,
    /// its prediction and the input columns that drove it. The trial is kept in the means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploded: Option<String>,
    /// x columns treated as constant for this trial (spread negligible on its training rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constant_x: Vec<String>,
    /// x columns with test values clipped to the training range, with how many values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub clipped_x: BTreeMap<String, usize>,
    /// Target rows the trial trained on, and the rows its early stopping validated on: together
    /// exactly m (0 and 0 in runs written before these fields existed).
    #[serde(default)]
    pub train_rows: usize,
    #[serde(default)]
    pub val_rows: usize,
}

/// An empty row (arm transfer, NaN MAE): test fixtures spell the fields they care about and
/// take the rest from here (`TrialRow { n, mae, ..Default::default() }`).
impl Default for TrialRow {
    fn default() -> Self {
        TrialRow::new(String::new(), Arm::Transfer, 0, 0, 0, 0, f64::NAN, 0, 0, 0)
    }
}

impl TrialRow {
    /// A trial that ran: no failure, no flags.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        job: String,
        arm: Arm,
        n: usize,
        m: usize,
        trial: usize,
        seed: u64,
        mae: f64,
        epochs: usize,
        best_epoch: usize,
        test_rows: usize,
    ) -> TrialRow {
        TrialRow {
            job,
            arm,
            n,
            m,
            trial,
            seed,
            mae,
            epochs,
            best_epoch,
            test_rows,
            failure: None,
            exploded: None,
            constant_x: Vec::new(),
            clipped_x: BTreeMap::new(),
            train_rows: 0,
            val_rows: 0,
        }
    }
}

/// A group whose fit resampled fewer trials than this is ranked after the others (see
/// [`Groups::tiny`]): below 3 trials a group's α CI rests on one or two draws.
pub const MIN_GROUP_TRIALS: usize = 3;

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

    /// True when a group is too small to rank among the others at `m`: fewer than `min_rows`
    /// target rows, or its fit at `m` resampled fewer than [`MIN_GROUP_TRIALS`] trials (the group
    /// had test rows in too few trials).
    pub fn tiny(&self, group: &Group, m: usize) -> bool {
        let trials = group.fits.iter().find(|f| f.m == m).and_then(|f| f.ci_trials).unwrap_or(0);
        group.small || trials < MIN_GROUP_TRIALS
    }

    /// The groups ranked by the α of their power law at `m`, largest first (ties keep value
    /// order). Groups with enough rows and trials come first, [`Groups::tiny`] ones after them;
    /// within each, trustworthy fits first, then degenerate or exact ones (flat curve, α at its
    /// bound, no residual degrees of freedom), then groups without a finite α at `m`.
    pub fn ranked(&self, m: usize) -> Vec<(&Group, Option<&FitRecord>)> {
        let alpha = |f: Option<&FitRecord>| f.and_then(|f| f.params.get("alpha").copied()).filter(|a| a.is_finite());
        let tier = |g: &Group, f: Option<&FitRecord>| {
            let quality = match (alpha(f), f.is_some_and(|f| f.degenerate.is_some() || f.exact())) {
                (Some(_), false) => 0,
                (Some(_), true) => 1,
                (None, _) => 2,
            };
            (self.tiny(g, m), quality)
        };
        let mut v: Vec<(&Group, Option<&FitRecord>)> =
            self.groups.iter().map(|g| (g, g.fits.iter().find(|f| f.m == m))).collect();
        // Stable sort: groups keep their value order among equals.
        v.sort_by(|a, b| {
            tier(a.0, a.1).cmp(&tier(b.0, b.1)).then_with(|| match (alpha(a.1), alpha(b.1)) {
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

impl Samples {
    /// The median α of the samples classified as scaling (`None` without any): the reports print
    /// it beside the counts.
    pub fn median_scaling_alpha(&self) -> Option<f64> {
        let alphas: Vec<f64> = self.samples.iter().filter(|x| x.class == "scaling").map(|x| x.alpha).collect();
        (!alphas.is_empty()).then(|| crate::stats::median(&alphas))
    }
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

/// JSON has no infinity: ±∞ are written as the strings `"inf"` / `"-inf"` (NaN as `null`), and
/// read back from those (or from a number or `null`).
mod inf {
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        N(Option<f64>),
        S(String),
    }

    fn read<E: serde::de::Error>(v: Num) -> Result<f64, E> {
        match v {
            Num::N(x) => Ok(x.unwrap_or(f64::NAN)),
            Num::S(s) => match s.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                "nan" => Ok(f64::NAN),
                _ => Err(E::custom(format!("expected a number, null, \"inf\" or \"-inf\", found \"{s}\""))),
            },
        }
    }

    fn write<S: Serializer>(x: f64, s: S) -> Result<S::Ok, S::Error> {
        match x {
            f64::INFINITY => s.serialize_str("inf"),
            f64::NEG_INFINITY => s.serialize_str("-inf"),
            x if x.is_nan() => s.serialize_none(),
            x => s.serialize_f64(x),
        }
    }

    pub fn f64<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        write(*x, s)
    }

    pub fn pair<S: Serializer>(x: &[f64; 2], s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        struct W(f64);
        impl serde::Serialize for W {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                write(self.0, s)
            }
        }
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&W(x[0]))?;
        t.serialize_element(&W(x[1]))?;
        t.end()
    }

    pub fn de_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        read(Num::deserialize(d)?)
    }

    pub fn de_pair<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
        let [a, b] = <[Num; 2]>::deserialize(d)?;
        Ok([read(a)?, read(b)?])
    }
}

/// JSON has no NaN: serde_json writes non-finite numbers as `null`; these read them back as NaN.
mod nan {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    /// Default of a number absent from an older results.json.
    pub fn missing() -> f64 {
        f64::NAN
    }

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
            failure: None,
            exploded: None,
            constant_x: Vec::new(),
            clipped_x: Default::default(),
            train_rows: 4,
            val_rows: 1,
        };
        let back: TrialRow = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        assert!(back.mae.is_nan());
        assert_eq!(back.job, row.job);
    }

    #[test]
    fn tiny_groups_rank_after_groups_with_enough_rows_and_trials() {
        let group = |value: &str, rows: usize, alpha: f64, trials: usize| {
            let mut f = FitRecord::empty("power_law", Arm::Transfer, 5);
            f.params = BTreeMap::from([("alpha".into(), alpha)]);
            f.set_dof(5, 3);
            f.set_ci_trials(trials);
            Group {
                value: value.into(),
                target_rows: rows,
                small: rows < 10,
                train_rows: vec![],
                points: vec![],
                fits: vec![f],
            }
        };
        // A 1-row group with a huge α (from one trial) used to be ranked first.
        let g = Groups {
            column: "c".into(),
            min_rows: 10,
            groups: vec![
                group("a", 1, 4.0, 1),
                group("b", 48, 0.2, 10),
                group("c", 261, 0.5, 10),
                group("d", 50, 3.0, 2),
            ],
        };
        let order: Vec<&str> = g.ranked(5).iter().map(|(g, _)| g.value.as_str()).collect();
        assert_eq!(order, ["c", "b", "a", "d"]);
        assert!(g.tiny(&g.groups[0], 5) && g.tiny(&g.groups[3], 5) && !g.tiny(&g.groups[1], 5));
    }

    #[test]
    fn an_infinite_exchange_rate_survives_a_json_round_trip() {
        let x = Exchange {
            n: 100,
            m: 10,
            dr_dn: 0.0,
            dr_dm: -0.01,
            samples_per_target: f64::INFINITY,
            ci90: [12.5, f64::INFINITY],
            method: "surface".into(),
            note: None,
            degenerate: None,
        };
        let json = serde_json::to_string(&x).unwrap();
        assert!(json.contains(r#""samples_per_target":"inf""#) && json.contains(r#""ci90":[12.5,"inf"]"#), "{json}");
        let back: Exchange = serde_json::from_str(&json).unwrap();
        assert_eq!(back, x);
        // NaN stays null; an older file's null reads as NaN; other strings are an error.
        let nan = Exchange { samples_per_target: f64::NAN, ci90: [f64::NAN, f64::NEG_INFINITY], ..x };
        let json = serde_json::to_string(&nan).unwrap();
        assert!(json.contains(r#""ci90":[null,"-inf"]"#), "{json}");
        let back: Exchange = serde_json::from_str(&json).unwrap();
        assert!(back.samples_per_target.is_nan() && back.ci90[1] == f64::NEG_INFINITY);
        let bad = json.replace(r#""-inf""#, r#""lots""#);
        let err = serde_json::from_str::<Exchange>(&bad).unwrap_err().to_string();
        assert!(err.contains("lots"), "{err}");
    }
}
