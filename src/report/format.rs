//! The report's uses of the one number formatter ([`crate::number`]): MAE and parameter digits,
//! CIs and the power-law equation. Non-finite values never panic: they print as `NaN`, `inf`, `-inf`.

pub use crate::number::{PARAM_DIGITS, compact, sig, sig_trim};
use crate::results::FitRecord;

/// Significant digits for mean test MAE values.
pub const MAE_DIGITS: usize = 4;

/// A mean test MAE ([`MAE_DIGITS`] significant digits).
pub fn mae(x: f64) -> String {
    sig(x, MAE_DIGITS)
}

/// A fitted parameter or R² ([`PARAM_DIGITS`] significant digits).
pub fn param(x: f64) -> String {
    crate::number::sig3(x)
}

/// A CI as `[lo, hi]`, each bound with `digits` significant digits; an infinite bound prints as
/// `∞` / `-∞`, and a CI without bounds (NaN) as `—`.
pub fn ci(bounds: [f64; 2], digits: usize) -> String {
    if bounds.iter().all(|b| b.is_nan()) {
        return "—".to_string();
    }
    let bound = |b: f64| match b {
        f64::INFINITY => "∞".to_string(),
        f64::NEG_INFINITY => "-∞".to_string(),
        b => sig(b, digits),
    };
    format!("[{}, {}]", bound(bounds[0]), bound(bounds[1]))
}

/// The equation of a fit with its numbers: the power law's (`R(n) = 1.93·n^-0.410 + 0.120`) or
/// the surface's, printed by the fit type; the fit's own `equation` text when a parameter is
/// missing or not finite.
pub fn equation(fit: &FitRecord) -> String {
    match (fit.power_law(), fit.surface()) {
        (Some(law), _) => law.equation(),
        (None, Some(s)) => s.equation(),
        (None, None) => fit.equation.clone(),
    }
}

/// The parameter names of a fit in display order: `D`, `alpha`, `C`, then any others by name.
pub fn param_order<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    const PREFERRED: [&str; 3] = ["D", "alpha", "C"];
    let mut names: Vec<String> = names.into_iter().cloned().collect();
    names.sort_by_key(|n| (PREFERRED.iter().position(|p| p == n).unwrap_or(PREFERRED.len()), n.clone()));
    names.dedup();
    names
}

/// The first `len` characters of a hex digest, or `—` when it is empty.
pub fn digest_prefix(hex: &str, len: usize) -> String {
    if hex.is_empty() { "—".to_string() } else { hex.chars().take(len).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cis() {
        assert_eq!(ci([12.0, f64::INFINITY], 3), "[12.0, ∞]");
        assert_eq!(ci([f64::NAN, f64::NAN], 3), "—");
    }

    #[test]
    fn parameter_order() {
        let names = ["C".to_string(), "alpha".to_string(), "D".to_string(), "beta".to_string()];
        assert_eq!(param_order(&names), ["D", "alpha", "C", "beta"]);
    }
}
