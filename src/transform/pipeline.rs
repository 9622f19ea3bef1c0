//! A column pipeline: per column, the fitted steps of `transform x = a | b | ...`.

use crate::data::Matrix;
use crate::ir::TransformKind;

use super::error::{TransformError, log_domain_help};
use super::step::{Step, StepError};

/// Per column, the fitted steps, applied left to right. Fitted on training rows only; applied to
/// any rows; inverted exactly (for the label: model outputs back to label units).
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    columns: Vec<Vec<Step>>,
    /// Columns treated as constant ([`Pipeline::fit_inputs`]): every value maps to 0.
    constant: Vec<bool>,
}

/// Relative spread below which a column counts as constant: population sd ≤ this × max |value|.
pub const NEGLIGIBLE_SPREAD: f64 = 1e-6;

/// Whether training values carry no usable spread: their population sd is at most
/// [`NEGLIGIBLE_SPREAD`] × their largest magnitude (0 for an all-equal column), or, with at least
/// 3 values, all but at most one of them equal the most common value (a single deviating row
/// would be scaled to about √rows sds and any unseen value to arbitrarily many).
pub fn negligible_spread(values: &[f64]) -> bool {
    let n = values.len() as f64;
    if values.is_empty() {
        return true;
    }
    let mean = values.iter().map(|v| v / n).sum::<f64>();
    let scale = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let var = values.iter().map(|v| ((v - mean) / scale.max(f64::MIN_POSITIVE)).powi(2)).sum::<f64>() / n;
    if var.sqrt() <= NEGLIGIBLE_SPREAD {
        return true;
    }
    if values.len() < 3 {
        return false;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut best = 0;
    let mut run = 0;
    for i in 0..sorted.len() {
        run = if i > 0 && sorted[i] == sorted[i - 1] { run + 1 } else { 1 };
        best = best.max(run);
    }
    sorted.len() - best <= 1
}

/// The steps an input pipeline runs for `transform x = kinds` (see [`Pipeline::fit_inputs`]): `kinds`
/// with `clip` appended unless they name `clip` or `noclip`, and `noclip` (a marker) left out.
pub fn input_steps(kinds: &[TransformKind]) -> Vec<TransformKind> {
    let mut kinds: Vec<TransformKind> = kinds.to_vec();
    if !kinds.iter().any(|k| matches!(k, TransformKind::Clip | TransformKind::NoClip)) {
        kinds.push(TransformKind::Clip);
    }
    kinds.retain(|k| *k != TransformKind::NoClip);
    kinds
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
            columns.push(fit_column(kinds, &training_values(m, rows, c)?, rows, c)?);
        }
        Ok(Pipeline { constant: vec![false; columns.len()], columns })
    }

    /// [`Pipeline::fit`] for input columns, with two guards against inputs the network never saw
    /// in training:
    /// - a column whose training values have [`negligible_spread`] is treated as constant: it
    ///   gets no steps and every row (training or not) maps to 0;
    /// - unless `kinds` names `clip` or `noclip`, a `clip` step ends every pipeline: a value
    ///   beyond the training rows' range widened by its width on each side is clamped there,
    ///   and a value that overflows an earlier step goes to that bound instead of failing.
    pub fn fit_inputs(kinds: &[TransformKind], m: &Matrix, rows: &[usize]) -> Result<Pipeline, TransformError> {
        let kinds = input_steps(kinds);
        let mut p = Pipeline::fit(&[], m, rows)?;
        for c in 0..m.cols {
            let values = training_values(m, rows, c)?;
            if negligible_spread(&values) {
                p.constant[c] = true;
            } else {
                p.columns[c] = fit_column(&kinds, &values, rows, c)?;
            }
        }
        Ok(p)
    }

    /// Columns treated as constant by [`Pipeline::fit_inputs`], ascending.
    pub fn constant_columns(&self) -> Vec<usize> {
        (0..self.constant.len()).filter(|&c| self.constant[c]).collect()
    }

    /// The identity pipeline for `cols` columns (no steps).
    pub fn identity(cols: usize) -> Pipeline {
        Pipeline { columns: vec![Vec::new(); cols], constant: vec![false; cols] }
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
        self.apply_counted(m).map(|(out, _)| out)
    }

    /// [`Pipeline::apply`], also returning per column how many values a `clip` step changed.
    pub fn apply_counted(&self, m: &Matrix) -> Result<(Matrix, Vec<usize>), TransformError> {
        if m.cols != self.cols() {
            return Err(TransformError::new(
                format!("matrix has {} columns, the pipeline was fitted on {}", m.cols, self.cols()),
                m.cols.min(self.cols()),
                None,
            ));
        }
        let mut out = m.clone();
        let mut clipped = vec![0; self.cols()];
        for r in 0..m.rows {
            for (c, steps) in self.columns.iter().enumerate() {
                let mut v = m.get(r, c);
                if !v.is_finite() {
                    return Err(TransformError::new(format!("value is not finite ({v})"), c, Some(r)));
                }
                if self.constant[c] {
                    out.set(r, c, 0.0);
                    continue;
                }
                let clip_at = steps.iter().position(|s| matches!(s, Step::Clip { .. }));
                for (k, step) in steps.iter().enumerate() {
                    let before = v;
                    v = match step.forward(v) {
                        // After an overflow (only with a clip ahead): every step is increasing.
                        _ if v.is_infinite() => match *step {
                            Step::Clip { lo, hi } => {
                                if v > 0.0 {
                                    hi
                                } else {
                                    lo
                                }
                            }
                            _ => v,
                        },
                        Ok(x) => x,
                        Err(e) => match step.overflow(v) {
                            Some(inf) if clip_at.is_some_and(|j| j > k) => inf,
                            _ => return Err(TransformError::new(at_step(k, e), c, Some(r))),
                        },
                    };
                    if matches!(step, Step::Clip { .. }) && v != before {
                        clipped[c] += 1;
                    }
                }
                out.set(r, c, v);
            }
        }
        Ok((out, clipped))
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
                let body = if self.constant[c] {
                    "constant (0)".to_string()
                } else if steps.is_empty() {
                    "identity".to_string()
                } else {
                    steps.iter().map(Step::describe).collect::<Vec<_>>().join(" | ")
                };
                format!("column {c}: {body}")
            })
            .collect()
    }
}

/// The training values of column `c` (finite, or an error naming the row).
fn training_values(m: &Matrix, rows: &[usize], c: usize) -> Result<Vec<f64>, TransformError> {
    let values: Vec<f64> = rows.iter().map(|&r| m.get(r, c)).collect();
    if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(TransformError::new(format!("training value is not finite ({v})"), c, Some(rows[i])));
    }
    Ok(values)
}

/// The steps of one column, each fitted on the training values' output of the previous one.
fn fit_column(kinds: &[TransformKind], values: &[f64], rows: &[usize], c: usize) -> Result<Vec<Step>, TransformError> {
    let mut values = values.to_vec();
    let mut steps = Vec::with_capacity(kinds.len());
    for (k, &kind) in kinds.iter().enumerate() {
        let step = Step::fit(kind, &values).map_err(|e| TransformError::new(at_step(k, e), c, None))?;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        for (i, v) in values.iter_mut().enumerate() {
            *v = step.forward(*v).map_err(|e| {
                let help = match e {
                    StepError::Domain { step, .. } => Some(log_domain_help(step, min)),
                    _ => None,
                };
                let err = TransformError::new(at_step(k, e), c, Some(rows[i]));
                match help {
                    Some(h) => err.with_help(h),
                    None => err,
                }
            })?;
        }
        steps.push(step);
    }
    Ok(steps)
}

/// Prefix a step's message with its 1-based position, e.g. `step 2: log needs values > 0, got -1`.
fn at_step(k: usize, message: StepError) -> String {
    format!("step {}: {message}", k + 1)
}
