//! Building one ensemble member's rows: pick the rows of its job, fit the transforms on its
//! training rows only (training + validation, never test), transform, and keep what is needed to
//! report the test MAE in the label's own units. A pairwise model reads only its inputs' columns,
//! reordered as its layout says.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::data::Matrix;
use crate::engine::batch::MemberRows;
use crate::ir::{JobKind, Plan};
use crate::ir::{Metric, Study, TransformKind};
use crate::plan::splits::{source_subset, target_split, validation_split};
use crate::plan::{Prepared, RoleData};
use crate::transform::{Pipeline, TransformError};

use thiserror::Error;

/// Why a job's member cannot be built: its rows do not exist, or its transforms cannot be fitted
/// on or applied to them (the message names the table, the row, the column and the value).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MemberError {
    #[error("trial {trial}: m = {m} but only {left} target rows are left for training after its test split")]
    BeyondSplit { trial: usize, m: usize, left: usize },
    #[error("trial {trial}: the m = {m} rows cannot be split into validation and training rows by whole groups")]
    NoValidation { trial: usize, m: usize },
    /// Fitting the `what` ("x" or "y") transforms on the training rows of `table` failed.
    #[error("transform {what} on `{table}`: {source}")]
    Fit { what: &'static str, table: String, source: TransformError },
    /// Applying the fitted transforms failed at one cell (`row` of the table, 0-based).
    #[error("transform {what} on `{table}`, row {row} of the table (0-based), {column} = {value}: {message}")]
    ApplyAt { what: &'static str, table: String, row: usize, column: String, value: f64, message: String },
    /// Applying the fitted transforms failed on a column, not at one row.
    #[error("transform {what} on `{table}`, {column}: {message}")]
    Apply { what: &'static str, table: String, column: String, message: String },
    /// The plan has no training settings for the job's phase (a plan built by hand without them).
    #[error("the plan has no training settings for `{phase}` jobs")]
    NoSettings { phase: &'static str },
}

/// Rows of one member, transformed, plus the label pipeline and raw test labels.
#[derive(Debug, Clone)]
pub struct Member {
    pub train: MemberRows,
    pub val: MemberRows,
    /// Test inputs, transformed (empty for pretraining).
    pub test_x: Vec<f32>,
    /// Test labels in the label's units.
    pub test_y: Vec<f64>,
    /// Row of each test label in the prepared target table (empty for pretraining).
    pub test_rows: Vec<usize>,
    pub y_pipeline: Pipeline,
    /// Multitask: the n source rows, transformed (x with the member's x pipeline, y with the
    /// source's own label pipeline).
    pub source: Option<MemberRows>,
    /// Smallest and largest label of the rows the label pipeline was fitted on, in the units of
    /// the study's metric (label units, or transformed with `metric = mae_transformed`).
    pub train_range: (f64, f64),
    /// With `metric = mae_transformed`: the test labels transformed by `y_pipeline`.
    pub test_y_t: Option<Vec<f64>>,
    /// Names of the network's input columns, in order (the columns of `test_x`).
    pub x_names: Vec<String>,
    /// Input columns treated as constant (negligible spread on the fitted rows).
    pub constant_x: Vec<String>,
    /// Input columns whose test values were clipped to the training range, with counts.
    pub clipped_x: BTreeMap<String, usize>,
}

impl Member {
    /// Shape key: members with equal keys can share an ensemble.
    pub fn size_key(&self) -> (usize, usize, usize) {
        (self.train.rows(), self.val.rows(), self.test_y.len())
    }

    /// Mean absolute error of predictions (transformed units) on the test rows, in the metric's
    /// units (label units unless `metric = mae_transformed`).
    pub fn test_mae(&self, pred: &[f32]) -> f64 {
        if self.test_y.is_empty() {
            return f64::NAN;
        }
        let sum: f64 = self.abs_errors(pred).iter().sum();
        sum / self.test_y.len() as f64
    }

    /// Absolute error of each test row's prediction (transformed units), in the metric's units,
    /// in the order of [`Member::test_rows`].
    pub fn abs_errors(&self, pred: &[f32]) -> Vec<f64> {
        let truth = self.test_y_t.as_deref().unwrap_or(&self.test_y);
        self.predictions(pred).iter().zip(truth).map(|(p, y)| (p - y).abs()).collect()
    }

    /// Predictions (transformed units) in the metric's units: inverse-transformed to label units,
    /// or kept as they are with `metric = mae_transformed`.
    pub fn predictions(&self, pred: &[f32]) -> Vec<f64> {
        let m = Matrix::from_rows(pred.len(), 1, pred.iter().map(|&v| v as f64).collect());
        if self.test_y_t.is_some() { m.data } else { self.y_pipeline.inverse(&m).data }
    }
}

/// The member of a job: source rows for pretraining, target rows of the trial otherwise, and
/// for multitask both. The early-stopping validation fraction is the job's phase's, from the plan.
pub fn member_for(job: &JobKind, plan: &Plan, study: &Study, data: &Prepared) -> Result<Member, MemberError> {
    let validation = plan.train_spec(job).ok_or(MemberError::NoSettings { phase: job.phase() })?.validation;
    match *job {
        JobKind::Pretrain { n, replicate } => {
            let rows = source_subset(study, &data.source, n, replicate);
            let (val, train) = validation_split(&rows, validation, None);
            build(&data.source, &rows, &train, &val, &[], None, study)
        }
        JobKind::Finetune { m, trial, .. } | JobKind::Direct { m, trial } => {
            target_member(m, trial, validation, None, study, data)
        }
        JobKind::Multitask { n, m, trial, replicate } => {
            let rows = source_subset(study, &data.source, n, replicate);
            target_member(m, trial, validation, Some(&rows), study, data)
        }
    }
}

/// The target rows of trial `trial` at size m: (exactly m training rows, validation included;
/// test rows). An m beyond the trial's training part is an error, never fewer rows: the plan
/// rejects such grids (`plan::build`), so a planned job always gets its m rows.
pub fn target_rows(
    study: &Study,
    target: &RoleData,
    m: usize,
    trial: usize,
) -> Result<(Vec<usize>, Vec<usize>), MemberError> {
    let split = target_split(study, target, trial);
    match split.train_part.get(..m) {
        Some(rows) => Ok((rows.to_vec(), split.test)),
        None => Err(MemberError::BeyondSplit { trial, m, left: split.train_part.len() }),
    }
}

fn target_member(
    m: usize,
    trial: usize,
    validation: f64,
    source: Option<&[usize]>,
    study: &Study,
    data: &Prepared,
) -> Result<Member, MemberError> {
    let (rows, test) = target_rows(study, &data.target, m, trial)?;
    // Validation by whole groups when the target declares them: early stopping must not watch
    // rows of a group the network trains on.
    let (val, train) = validation_split(&rows, validation, data.target.groups.as_deref());
    if val.is_empty() || train.is_empty() {
        return Err(MemberError::NoValidation { trial, m });
    }
    build(&data.target, &rows, &train, &val, &test, source.map(|r| (&data.source, r)), study)
}

/// The columns a role's network reads, in its order (all x columns for a plain model).
fn network_x(d: &RoleData) -> Cow<'_, Matrix> {
    let Some(layout) = &d.layout else { return Cow::Borrowed(&d.x) };
    let order = layout.order();
    let mut data = Vec::with_capacity(d.x.rows * order.len());
    for r in 0..d.x.rows {
        let row = d.x.row(r);
        data.extend(order.iter().map(|&c| row[c]));
    }
    Cow::Owned(Matrix::from_rows(d.x.rows, order.len(), data))
}

/// Transformed rows of `d`. The x pipeline is fitted on `fit_rows` — plus, for multitask, the
/// source rows (one network reads both, so both share one input scaling); label pipelines are
/// fitted per task on that task's rows.
fn build(
    d: &RoleData,
    fit_rows: &[usize],
    train: &[usize],
    val: &[usize],
    test: &[usize],
    source: Option<(&RoleData, &[usize])>,
    study: &Study,
) -> Result<Member, MemberError> {
    let y = Matrix::from_rows(d.rows(), 1, d.y.clone());
    let x_all = network_x(d);
    let names = network_names(d);
    let source_x = source.map(|(s, rows)| network_x(s).take_rows(rows));
    let xp = match &source_x {
        None => fit(&study.x_transforms, &x_all, fit_rows, &d.table, "x")?,
        Some(sx) => {
            let tx = x_all.take_rows(fit_rows);
            let mut both = sx.data.clone();
            both.extend_from_slice(&tx.data);
            let stacked = Matrix::from_rows(sx.rows + tx.rows, tx.cols, both);
            let all: Vec<usize> = (0..stacked.rows).collect();
            fit(&study.x_transforms, &stacked, &all, &d.table, "x")?
        }
    };
    let yp = fit(&study.y_transforms, &y, fit_rows, &d.table, "y")?;
    let to_f32 = |m: &Matrix| m.data.iter().map(|&v| v as f32).collect::<Vec<f32>>();
    let rows_of = |idx: &[usize]| -> Result<MemberRows, MemberError> {
        let x = xp.apply(&x_all.take_rows(idx)).map_err(|e| located(&e, "x", &d.table, idx, &names, &x_all))?;
        let yv = yp.apply(&y.take_rows(idx)).map_err(|e| located(&e, "y", &d.table, idx, &names, &y))?;
        Ok(MemberRows { x: to_f32(&x), y: to_f32(&yv) })
    };
    let mut clipped_x = BTreeMap::new();
    let test_x = if test.is_empty() {
        Vec::new()
    } else {
        let (x, clipped) =
            xp.apply_counted(&x_all.take_rows(test)).map_err(|e| located(&e, "x", &d.table, test, &names, &x_all))?;
        for (c, &k) in clipped.iter().enumerate().filter(|(_, k)| **k > 0) {
            clipped_x.insert(names[c].clone(), k);
        }
        to_f32(&x)
    };
    let transformed = study.grid.metric == Metric::MaeTransformed;
    let test_y_t = if transformed && !test.is_empty() {
        let t = yp.apply(&y.take_rows(test)).map_err(|e| located(&e, "y", &d.table, test, &names, &y))?;
        Some(t.data)
    } else {
        None
    };
    let fitted_y = if transformed {
        yp.apply(&y.take_rows(fit_rows)).map_err(|e| located(&e, "y", &d.table, fit_rows, &names, &y))?.data
    } else {
        fit_rows.iter().map(|&r| d.y[r]).collect()
    };
    let train_range = fitted_y.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let source = match (source, source_x) {
        (Some((s, rows)), Some(sx)) => {
            let sy = Matrix::from_rows(s.rows(), 1, s.y.clone());
            let all: Vec<usize> = (0..rows.len()).collect();
            let sy = sy.take_rows(rows);
            let syp = fit(&study.y_transforms, &sy, &all, &s.table, "y")?;
            let x = xp.apply(&sx).map_err(|e| located(&e, "x", &s.table, rows, &names, &network_x(s)))?;
            let yv = syp
                .apply(&sy)
                .map_err(|e| located(&e, "y", &s.table, rows, &names, &Matrix::from_rows(s.rows(), 1, s.y.clone())))?;
            Some(MemberRows { x: to_f32(&x), y: to_f32(&yv) })
        }
        _ => None,
    };
    Ok(Member {
        train: rows_of(train)?,
        val: rows_of(val)?,
        test_x,
        test_y: test.iter().map(|&r| d.y[r]).collect(),
        test_rows: test.to_vec(),
        y_pipeline: yp,
        source,
        train_range,
        test_y_t,
        constant_x: xp.constant_columns().into_iter().map(|c| names[c].clone()).collect(),
        clipped_x,
        x_names: names,
    })
}

fn fit(
    kinds: &[TransformKind],
    m: &Matrix,
    rows: &[usize],
    table: &str,
    what: &'static str,
) -> Result<Pipeline, MemberError> {
    let fitted = if what == "x" { Pipeline::fit_inputs(kinds, m, rows) } else { Pipeline::fit(kinds, m, rows) };
    fitted.map_err(|source| MemberError::Fit { what, table: table.to_string(), source })
}

/// The network's input column names, in its order.
fn network_names(d: &RoleData) -> Vec<String> {
    match &d.layout {
        None => d.columns.clone(),
        Some(layout) => layout.order().iter().map(|&c| d.columns[c].clone()).collect(),
    }
}

/// A transform error on the rows `rows` of `table` (the error's row indexes `rows`; `m` holds the
/// table's values by table row), naming the table row, the column and the value:
/// ``transform x on `t`, row 17 of the table (0-based), column `f_2` = -5: step 2: ...``.
fn located(
    e: &TransformError,
    what: &'static str,
    table: &str,
    rows: &[usize],
    names: &[String],
    m: &Matrix,
) -> MemberError {
    let column = if what == "x" {
        names.get(e.column).map_or(format!("column {}", e.column), |n| format!("column `{n}`"))
    } else {
        "the label".to_string()
    };
    let (table, message) = (table.to_string(), e.message.clone());
    match e.row.and_then(|r| rows.get(r)).filter(|&&r| r < m.rows && e.column < m.cols) {
        Some(&row) => MemberError::ApplyAt { what, table, row, column, value: m.get(row, e.column), message },
        None => MemberError::Apply { what, table, column, message },
    }
}
