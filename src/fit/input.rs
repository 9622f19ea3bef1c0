//! Validation of fit input shared by both laws.

use super::FitError;

/// Check that every coordinate slice (sample sizes, all > 0) and `r` have the same length and
/// hold only finite numbers. Errors name the first offending point.
pub(crate) fn check_points(coords: &[(&str, &[f64])], r: &[f64]) -> Result<(), FitError> {
    if coords.iter().any(|(_, c)| c.len() != r.len()) {
        let mut lens: Vec<String> = coords.iter().map(|(name, c)| format!("{name}: {}", c.len())).collect();
        lens.push(format!("r: {}", r.len()));
        return Err(FitError::LengthMismatch { lens: lens.join(", ") });
    }
    for index in 0..r.len() {
        if !r[index].is_finite() || coords.iter().any(|(_, c)| !c[index].is_finite()) {
            return Err(FitError::NonFinite { index });
        }
        if coords.iter().any(|(_, c)| c[index] <= 0.0) {
            return Err(FitError::NonPositiveN { index });
        }
    }
    Ok(())
}

/// Number of distinct values (exact comparison) in a slice of finite numbers.
pub(crate) fn distinct(values: &[f64]) -> usize {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

/// Smallest value of a slice (1 for an empty slice); used to scale sample sizes to ≥ 1.
pub(crate) fn smallest(values: &[f64]) -> f64 {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    if min.is_finite() { min } else { 1.0 }
}
