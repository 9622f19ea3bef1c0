//! Number formatting shared by every report output: significant digits, CIs, compact axis labels
//! and the power-law equation. Non-finite values never panic: they print as `NaN`, `inf`, `-inf`.

use crate::results::FitRecord;

/// Significant digits for mean test MAE values.
pub const MAE_DIGITS: usize = 4;
/// Significant digits for fitted parameters and R².
pub const PARAM_DIGITS: usize = 3;

/// `x` with `digits` significant digits, keeping trailing zeros (`0.1200`). Very large or very
/// small magnitudes use scientific notation (`1.234e-5`).
pub fn sig(x: f64, digits: usize) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let digits = digits.max(1);
    let mag = x.abs();
    if !(1e-4..1e6).contains(&mag) {
        return format!("{:.*e}", digits - 1, x);
    }
    let exponent = mag.log10().floor() as i32;
    let text = fixed(x, digits, exponent);
    // Rounding can carry into a new leading digit (9.996 → "10.00"); redo with one decimal fewer.
    match text.parse::<f64>() {
        Ok(rounded) if rounded != 0.0 && rounded.abs().log10().floor() as i32 > exponent => {
            fixed(x, digits, exponent + 1)
        }
        _ => text,
    }
}

fn fixed(x: f64, digits: usize, exponent: i32) -> String {
    let decimals = (digits as i32 - 1 - exponent).max(0) as usize;
    format!("{x:.decimals$}")
}

/// Like [`sig`] but without trailing zeros after the decimal point (`0.12`, `2`, `1.5e-5`).
pub fn sig_trim(x: f64, digits: usize) -> String {
    let s = sig(x, digits);
    let (mantissa, exponent) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    format!("{mantissa}{exponent}")
}

/// A mean test MAE ([`MAE_DIGITS`] significant digits).
pub fn mae(x: f64) -> String {
    sig(x, MAE_DIGITS)
}

/// A fitted parameter or R² ([`PARAM_DIGITS`] significant digits).
pub fn param(x: f64) -> String {
    sig(x, PARAM_DIGITS)
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

/// A compact label for an axis tick: `100`, `2k`, `10k`, `1.5M`, `0.05`.
pub fn compact(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s.to_string();
    }
    let mag = x.abs();
    if mag >= 1e6 {
        format!("{}M", sig_trim(x / 1e6, 3))
    } else if mag >= 1e3 {
        format!("{}k", sig_trim(x / 1e3, 3))
    } else {
        sig_trim(x, 3)
    }
}

fn non_finite(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("NaN")
    } else if x == f64::INFINITY {
        Some("inf")
    } else if x == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// The power-law equation of a fit with its numbers, `R(n) = 1.93·n^-0.410 + 0.120`. Falls back to
/// the fit's own `equation` text when `D`, `alpha` or `C` is missing or not finite.
pub fn equation(fit: &FitRecord) -> String {
    let get = |name: &str| fit.params.get(name).copied().filter(|v| v.is_finite());
    match (get("D"), get("alpha"), get("C")) {
        (Some(d), Some(alpha), Some(c)) => {
            let (sign, c) = if c < 0.0 { ('-', -c) } else { ('+', c) };
            format!("R(n) = {}·n^-{} {sign} {}", param(d), param(alpha), param(c))
        }
        _ => fit.equation.clone(),
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
    fn significant_digits() {
        assert_eq!(sig(0.123456, 4), "0.1235");
        assert_eq!(sig(0.12, 4), "0.1200");
        assert_eq!(sig(1234.6, 3), "1235");
        assert_eq!(sig(9.996, 3), "10.0");
        assert_eq!(sig(-2.5, 2), "-2.5");
        assert_eq!(sig(0.0, 4), "0");
        assert_eq!(sig(1.5e-6, 3), "1.50e-6");
        assert_eq!(sig(f64::NAN, 4), "NaN");
        assert_eq!(sig(f64::NEG_INFINITY, 4), "-inf");
        assert_eq!(ci([12.0, f64::INFINITY], 3), "[12.0, ∞]");
        assert_eq!(ci([f64::NAN, f64::NAN], 3), "—");
    }

    #[test]
    fn trimmed_and_compact() {
        assert_eq!(sig_trim(0.5, 3), "0.5");
        assert_eq!(sig_trim(200.0, 3), "200");
        assert_eq!(compact(1000.0), "1k");
        assert_eq!(compact(20000.0), "20k");
        assert_eq!(compact(1.5e6), "1.5M");
        assert_eq!(compact(0.05), "0.05");
    }

    #[test]
    fn parameter_order() {
        let names = ["C".to_string(), "alpha".to_string(), "D".to_string(), "beta".to_string()];
        assert_eq!(param_order(&names), ["D", "alpha", "C", "beta"]);
    }
}
