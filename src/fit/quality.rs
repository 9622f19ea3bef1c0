//! How well a fit describes its points, and when it is not to be trusted: the measures and
//! thresholds both laws (power law and surface) use.

use super::EXPONENT_MAX;

/// Exponents below this are "no decrease".
pub(crate) const EXP_FLAT: f64 = 1e-3;
/// A fit explaining less than this share of the variation is "no detectable decrease".
pub(crate) const R2_MIN: f64 = 0.5;

/// r² = 1 − SSE/SS_tot (`NaN` when every R is equal, SS_tot = 0) and rmse = √(SSE/points) of a
/// least-squares fit to `r` with residual sum of squares `sse`.
pub(crate) fn goodness(r: &[f64], sse: f64) -> (f64, f64) {
    let ss_tot = total_ss(r);
    let r2 = if ss_tot > 0.0 { 1.0 - sse / ss_tot } else { f64::NAN };
    (r2, (sse / r.len() as f64).sqrt())
}

/// True when a fitted exponent sits at its search bound [`EXPONENT_MAX`].
pub(crate) fn at_bound(exponent: f64) -> bool {
    exponent >= EXPONENT_MAX * (1.0 - 1e-3)
}

/// Total sum of squares about the mean, `Σ (r − r̄)²`; exactly 0 when all values are equal
/// (the rounded mean of equal values can differ from them in the last bit).
fn total_ss(r: &[f64]) -> f64 {
    if r.windows(2).all(|w| w[0] == w[1]) {
        return 0.0;
    }
    let mean = r.iter().sum::<f64>() / r.len().max(1) as f64;
    r.iter().map(|v| (v - mean) * (v - mean)).sum()
}
