//! A column pipeline: per column, the fitted steps of `transform x = a | b | ...`.

use crate::check::model::TransformKind;
use crate::data::Matrix;

use super::error::TransformError;
use super::step::Step;

/// Per column, the fitted steps, applied left to right. Fitted on training rows only; applied to
/// any rows; inverted exactly (for the label: model outputs back to label units).
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    columns: Vec<Vec<Step>>,
}

impl Pipeline {
    /// Fit `kinds` (applied left to right) column by column on `rows` of `m`, each step fitted on
    /// the output of the previous one.
    ///
    /// Errors (column and row are indices into `m`): no rows; a row index out of range; a
    /// non-finite value in a training row; a training value outside a step's domain (log/log10
    /// of a value ≤ 0, log1p of a value ≤ −1, after the earlier steps) or overflowing.
    pub fn fit(kinds: &[TransformKind], m: &Matrix, rows: &[usize]) -> Result<Pipeline, TransformError> {
        if rows.is_empty() {
            return Err(TransformError::new("no training rows to fit the transforms on", 0, None));
        }
        if let Some(&bad) = rows.iter().find(|&&r| r >= m.rows) {
            return Err(TransformError::new(
                format!("training row index {bad} is out of range (the matrix has {} rows)", m.rows),
                0,
                Some(bad),
            ));
        }
        let mut columns = Vec::with_capacity(m.cols);
        for c in 0..m.cols {
            let mut values: Vec<f64> = rows.iter().map(|&r| m.get(r, c)).collect();
            if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(TransformError::new(format!("training value is not finite ({v})"), c, Some(rows[i])));
            }
            let mut steps = Vec::with_capacity(kinds.len());
            for (k, &kind) in kinds.iter().enumerate() {
                let step = Step::fit(kind, &values).map_err(|e| TransformError::new(at_step(k, e), c, None))?;
                for (i, v) in values.iter_mut().enumerate() {
                    *v = step.forward(*v).map_err(|e| TransformError::new(at_step(k, e), c, Some(rows[i])))?;
                }
                steps.push(step);
            }
            columns.push(steps);
        }
        Ok(Pipeline { columns })
    }

    /// The identity pipeline for `cols` columns (no steps).
    pub fn identity(cols: usize) -> Pipeline {
        Pipeline { columns: vec![Vec::new(); cols] }
    }

    /// Number of columns this pipeline was fitted on.
    pub fn cols(&self) -> usize {
        self.columns.len()
    }

    /// The fitted steps of column `column`, in application order (`None` if out of range).
    pub fn steps(&self, column: usize) -> Option<&[Step]> {
        self.columns.get(column).map(Vec::as_slice)
    }

    /// Transform every row of `m` with the fitted parameters. `m` must have the fitted column
    /// count. Errors name column and row for a non-finite value, a value outside a step's domain
    /// (e.g. log of a negative test value) or an overflow.
    pub fn apply(&self, m: &Matrix) -> Result<Matrix, TransformError> {
        if m.cols != self.cols() {
            return Err(TransformError::new(
                format!("matrix has {} columns, the pipeline was fitted on {}", m.cols, self.cols()),
                m.cols.min(self.cols()),
                None,
            ));
        }
        let mut out = m.clone();
        for r in 0..m.rows {
            for (c, steps) in self.columns.iter().enumerate() {
                let mut v = m.get(r, c);
                if !v.is_finite() {
                    return Err(TransformError::new(format!("value is not finite ({v})"), c, Some(r)));
                }
                for (k, step) in steps.iter().enumerate() {
                    v = step.forward(v).map_err(|e| TransformError::new(at_step(k, e), c, Some(r)))?;
                }
                out.set(r, c, v);
            }
        }
        Ok(out)
    }

    /// Exact inverse of [`Pipeline::apply`], steps undone right to left (for the label: model
    /// outputs back to label units). Total: values outside an inverse's domain (Yeo–Johnson with
    /// λ < 0 or λ > 2 has a bounded range; the limit there is ±∞) and results beyond the f64
    /// range saturate to ±`f64::MAX` at each step, so finite input never gives NaN or ±∞. NaN
    /// input stays NaN.
    ///
    /// # Panics
    /// If `m.cols` differs from the fitted column count (a programming error, not bad data).
    pub fn inverse(&self, m: &Matrix) -> Matrix {
        assert_eq!(
            m.cols,
            self.cols(),
            "Pipeline::inverse: matrix has {} columns, the pipeline was fitted on {}",
            m.cols,
            self.cols()
        );
        let mut out = m.clone();
        for r in 0..m.rows {
            for (c, steps) in self.columns.iter().enumerate() {
                let v = steps.iter().rev().fold(m.get(r, c), |v, step| step.inverse(v));
                out.set(r, c, v);
            }
        }
        out
    }

    /// One line per column: `column 0: yeo_johnson(λ=0.42) | standardize(mean=0.1, sd=1.3)`,
    /// or `column 1: identity` where there are no steps.
    pub fn describe(&self) -> Vec<String> {
        self.columns
            .iter()
            .enumerate()
            .map(|(c, steps)| {
                let body = if steps.is_empty() {
                    "identity".to_string()
                } else {
                    steps.iter().map(Step::describe).collect::<Vec<_>>().join(" | ")
                };
                format!("column {c}: {body}")
            })
            .collect()
    }
}

/// Prefix a step's message with its 1-based position, e.g. `step 2: log needs values > 0, got -1`.
fn at_step(k: usize, message: String) -> String {
    format!("step {}: {message}", k + 1)
}
