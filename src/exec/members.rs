//! Building one ensemble member's rows: pick the rows of its job, fit the transforms on its
//! training rows only (training + validation, never test), transform, and keep what is needed to
//! report the test MAE in the label's own units.

use crate::check::model::{Study, TransformKind};
use crate::data::Matrix;
use crate::engine::batch::MemberRows;
use crate::plan::splits::{permutation, trial_split, validation_split};
use crate::plan::{JobKind, Prepared, RoleData, seeds::derive};
use crate::transform::Pipeline;

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
}

impl Member {
    /// Shape key: members with equal keys can share an ensemble.
    pub fn size_key(&self) -> (usize, usize, usize) {
        (self.train.rows(), self.val.rows(), self.test_y.len())
    }

    /// Mean absolute error of predictions (transformed units) on the test rows, in label units.
    pub fn test_mae(&self, pred: &[f32]) -> f64 {
        if self.test_y.is_empty() {
            return f64::NAN;
        }
        let sum: f64 = self.abs_errors(pred).iter().sum();
        sum / self.test_y.len() as f64
    }

    /// Absolute error of each test row's prediction (transformed units), in label units, in the
    /// order of [`Member::test_rows`].
    pub fn abs_errors(&self, pred: &[f32]) -> Vec<f64> {
        let m = Matrix::from_rows(pred.len(), 1, pred.iter().map(|&v| v as f64).collect());
        let back = self.y_pipeline.inverse(&m);
        back.data.iter().zip(&self.test_y).map(|(p, y)| (p - y).abs()).collect()
    }
}

/// The member of a job: source rows for pretraining, target rows of the trial otherwise.
pub fn member_for(job: &JobKind, study: &Study, data: &Prepared) -> Result<Member, String> {
    match *job {
        JobKind::Pretrain { n, replicate } => {
            let order = permutation(data.source.rows(), derive(study.seed, &format!("subset r={replicate}")));
            let rows = &order[..n.min(order.len())];
            let (val, train) = validation_split(rows, study.pretrain.validation);
            build(&data.source, rows, &train, &val, &[], study)
        }
        JobKind::Finetune { m, trial, .. } | JobKind::Direct { m, trial } => {
            let (rows, test) = target_rows(study, &data.target, m, trial);
            if rows.len() < 2 {
                return Err(format!("trial {trial}: only {} target rows left for training after the group split", rows.len()));
            }
            let (val, train) = validation_split(&rows, study.finetune.validation);
            build(&data.target, &rows, &train, &val, &test, study)
        }
    }
}

/// The target rows of trial `trial` at size m: (training rows, validation included; test rows).
pub fn target_rows(study: &Study, target: &RoleData, m: usize, trial: usize) -> (Vec<usize>, Vec<usize>) {
    let split = trial_split(target.rows(), study.grid.test, target.groups.as_deref(), derive(study.seed, &format!("split t={trial}")));
    let rows = split.train_part[..m.min(split.train_part.len())].to_vec();
    (rows, split.test)
}

fn build(d: &RoleData, fit_rows: &[usize], train: &[usize], val: &[usize], test: &[usize], study: &Study) -> Result<Member, String> {
    let y = Matrix::from_rows(d.rows(), 1, d.y.clone());
    let xp = fit(&study.x_transforms, &d.x, fit_rows, &d.table, "x")?;
    let yp = fit(&study.y_transforms, &y, fit_rows, &d.table, "y")?;
    let rows_of = |idx: &[usize]| -> Result<MemberRows, String> {
        let x = xp.apply(&d.x.take_rows(idx)).map_err(|e| format!("transform x on `{}`: {e}", d.table))?;
        let yv = yp.apply(&y.take_rows(idx)).map_err(|e| format!("transform y on `{}`: {e}", d.table))?;
        Ok(MemberRows { x: x.data.iter().map(|&v| v as f32).collect(), y: yv.data.iter().map(|&v| v as f32).collect() })
    };
    let test_x = if test.is_empty() {
        Vec::new()
    } else {
        let x = xp.apply(&d.x.take_rows(test)).map_err(|e| format!("transform x on `{}` test rows: {e}", d.table))?;
        x.data.iter().map(|&v| v as f32).collect()
    };
    Ok(Member {
        train: rows_of(train)?,
        val: rows_of(val)?,
        test_x,
        test_y: test.iter().map(|&r| d.y[r]).collect(),
        test_rows: test.to_vec(),
        y_pipeline: yp,
    })
}

fn fit(kinds: &[TransformKind], m: &Matrix, rows: &[usize], table: &str, what: &str) -> Result<Pipeline, String> {
    Pipeline::fit(kinds, m, rows).map_err(|e| format!("transform {what} on `{table}`: {e}"))
}
