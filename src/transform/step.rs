//! One fitted step of a column pipeline: its parameters, forward map, inverse and description.

use thiserror::Error;

use crate::ir::TransformKind;

use super::yeo_johnson;

/// A fitted transform step for one column. Parameters come from the training rows only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Natural log; domain v > 0.
    Log,
    /// Base-10 log; domain v > 0.
    Log10,
    /// ln(1 + v); domain v > −1.
    Log1p,
    /// (v − mean) / sd; `sd` is the population sd of the training values, or 1 if that is 0.
    Standardize { mean: f64, sd: f64 },
    /// (v − min) / range; `range` is max − min of the training values, or 1 if that is 0.
    MinMax { min: f64, range: f64 },
    /// Yeo–Johnson with the maximum-likelihood λ of the training values.
    YeoJohnson { lambda: f64 },
    /// Clamp to [lo, hi]: the training values' range widened by its width on each side.
    Clip { lo: f64, hi: f64 },
}

/// Why a step cannot be fitted or cannot map a value (without location: the pipeline adds the
/// step's position, the column and the row).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StepError {
    #[error("cannot fit {step}: the training values span more than f64 can represent")]
    Unrepresentable { step: &'static str },
    #[error("{step} got a non-finite value ({value})")]
    NonFinite { step: &'static str, value: f64 },
    /// A value outside the step's domain (`needs` is e.g. "> 0").
    #[error("{step} needs values {needs}, got {value}")]
    Domain { step: &'static str, needs: &'static str, value: f64 },
    /// The result overflows; `step` is the fitted step's description.
    #[error("{step} overflows at value {value}")]
    Overflow { step: String, value: f64 },
}

impl Step {
    /// Fit `kind` on `values` (the training rows' output of the previous step): non-empty and
    /// finite. Fails only if a parameter overflows (values spanning more than f64 can hold).
    pub fn fit(kind: TransformKind, values: &[f64]) -> Result<Step, StepError> {
        let step = match kind {
            TransformKind::Log => Step::Log,
            TransformKind::Log10 => Step::Log10,
            TransformKind::Log1p => Step::Log1p,
            TransformKind::Standardize => {
                let (mean, sd) = mean_and_population_sd(values);
                Step::Standardize { mean, sd: if sd == 0.0 { 1.0 } else { sd } }
            }
            TransformKind::MinMax => {
                let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let range = max - min;
                Step::MinMax { min, range: if range == 0.0 { 1.0 } else { range } }
            }
            TransformKind::YeoJohnson => Step::YeoJohnson { lambda: yeo_johnson::normmax(values) },
            TransformKind::Clip | TransformKind::NoClip => {
                let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let w = max - min;
                Step::Clip { lo: min - w, hi: max + w }
            }
        };
        if step.params().iter().all(|p| p.is_finite()) {
            Ok(step)
        } else {
            Err(StepError::Unrepresentable { step: step.name() })
        }
    }

    /// The kind this step was fitted from.
    pub fn kind(&self) -> TransformKind {
        match self {
            Step::Log => TransformKind::Log,
            Step::Log10 => TransformKind::Log10,
            Step::Log1p => TransformKind::Log1p,
            Step::Standardize { .. } => TransformKind::Standardize,
            Step::MinMax { .. } => TransformKind::MinMax,
            Step::YeoJohnson { .. } => TransformKind::YeoJohnson,
            Step::Clip { .. } => TransformKind::Clip,
        }
    }

    /// The step's name as written in a study (`yeo_johnson`, `minmax`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Log => "log",
            Step::Log10 => "log10",
            Step::Log1p => "log1p",
            Step::Standardize { .. } => "standardize",
            Step::MinMax { .. } => "minmax",
            Step::YeoJohnson { .. } => "yeo_johnson",
            Step::Clip { .. } => "clip",
        }
    }

    /// Transform one value. Err (without location) for a non-finite input, a value outside the
    /// step's domain, or a result that overflows.
    pub fn forward(&self, v: f64) -> Result<f64, StepError> {
        if !v.is_finite() {
            return Err(StepError::NonFinite { step: self.name(), value: v });
        }
        let out = match *self {
            Step::Log | Step::Log10 if v <= 0.0 => {
                return Err(StepError::Domain { step: self.name(), needs: "> 0", value: v });
            }
            Step::Log1p if v <= -1.0 => return Err(StepError::Domain { step: "log1p", needs: "> -1", value: v }),
            Step::Log => v.ln(),
            Step::Log10 => v.log10(),
            Step::Log1p => v.ln_1p(),
            Step::Standardize { mean, sd } => (v - mean) / sd,
            Step::MinMax { min, range } => (v - min) / range,
            Step::YeoJohnson { lambda } => yeo_johnson::transform(v, lambda),
            Step::Clip { lo, hi } => v.clamp(lo, hi),
        };
        if out.is_finite() { Ok(out) } else { Err(StepError::Overflow { step: self.describe(), value: v }) }
    }

    /// Exact inverse of [`Step::forward`]. Never returns ±∞ for finite input: results beyond the
    /// f64 range, and values outside the inverse's domain whose limit is ±∞ (Yeo–Johnson, see
    /// [`yeo_johnson::inverse`]), saturate to ±`f64::MAX`. NaN propagates.
    pub fn inverse(&self, y: f64) -> f64 {
        let x = match *self {
            Step::Log => y.exp(),
            Step::Log10 => 10f64.powf(y),
            Step::Log1p => y.exp_m1(),
            Step::Standardize { mean, sd } => y.mul_add(sd, mean),
            Step::MinMax { min, range } => y.mul_add(range, min),
            Step::YeoJohnson { lambda } => yeo_johnson::inverse(y, lambda),
            // Not invertible; identity (a clipped value has no single preimage).
            Step::Clip { .. } => y,
        };
        if x.is_nan() { x } else { x.clamp(-f64::MAX, f64::MAX) }
    }

    /// E.g. `log`, `standardize(mean=3.2, sd=0.5)`, `yeo_johnson(λ=0.42)`; 4 significant digits.
    pub fn describe(&self) -> String {
        match *self {
            Step::Log | Step::Log10 | Step::Log1p => self.name().to_string(),
            Step::Standardize { mean, sd } => format!("standardize(mean={}, sd={})", num(mean), num(sd)),
            Step::MinMax { min, range } => format!("minmax(min={}, range={})", num(min), num(range)),
            Step::YeoJohnson { lambda } => format!("yeo_johnson(λ={})", num(lambda)),
            Step::Clip { lo, hi } => format!("clip({}, {})", num(lo), num(hi)),
        }
    }

    fn params(&self) -> Vec<f64> {
        match *self {
            Step::Log | Step::Log10 | Step::Log1p => vec![],
            Step::Standardize { mean, sd } => vec![mean, sd],
            Step::MinMax { min, range } => vec![min, range],
            Step::YeoJohnson { lambda } => vec![lambda],
            Step::Clip { lo, hi } => vec![lo, hi],
        }
    }

    /// Where `forward(v)` fails only because the result overflows f64 (v finite and in the
    /// step's domain), the infinity it overflows to. Every step is increasing, so a later `clip`
    /// maps that infinity to its bound.
    pub fn overflow(&self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        let out = match *self {
            Step::Log | Step::Log10 | Step::Log1p | Step::Clip { .. } => return None,
            Step::Standardize { mean, sd } => (v - mean) / sd,
            Step::MinMax { min, range } => (v - min) / range,
            Step::YeoJohnson { lambda } => yeo_johnson::transform(v, lambda),
        };
        out.is_infinite().then_some(out)
    }
}

/// Mean and population sd, robust to overflow: the mean is summed as Σ v/n and the sd computed
/// from deviations scaled by the largest one.
fn mean_and_population_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v / n).sum::<f64>();
    let scale = values.iter().fold(0.0f64, |m, v| m.max((v - mean).abs()));
    if scale == 0.0 || !scale.is_finite() {
        return (mean, if scale == 0.0 { 0.0 } else { scale });
    }
    let ss = values.iter().map(|v| ((v - mean) / scale).powi(2)).sum::<f64>();
    (mean, scale * (ss / n).sqrt())
}

/// Four significant digits, trailing zeros trimmed; scientific outside [1e-4, 1e6).
fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        return "0".into();
    }
    if !(1e-4..1e6).contains(&a) {
        return format!("{v:.3e}");
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_format() {
        assert_eq!(num(0.42), "0.42");
        assert_eq!(num(0.4213456), "0.4213");
        assert_eq!(num(-12.5), "-12.5");
        assert_eq!(num(1234.56), "1235");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(2.5e7), "2.500e7");
        assert_eq!(num(-1.5e-6), "-1.500e-6");
    }

    #[test]
    fn population_sd_of_huge_values_does_not_overflow() {
        let (mean, sd) = mean_and_population_sd(&[1e308, -1e308]);
        assert_eq!(mean, 0.0);
        assert!((sd / 1e308 - 1.0).abs() < 1e-12);
    }
}
