//! The one number formatter of the crate: every number printed for people — the equations and
//! reasons in results.json, report.md/html, summary.md, the figures' labels, the CLI — goes
//! through [`sig`] and its family, so the same value prints the same everywhere. Fixed notation
//! for magnitudes in `[1e-4, 1e6)`, scientific (`1.23e-5`, `4.56e6`) outside; non-finite values
//! print as `NaN`, `inf`, `-inf` and never panic. Imports nothing from the crate.

/// Significant digits of fitted parameters, R², and the numbers in fit equations and reasons.
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

/// A fitted parameter, R² or any number of a fit's equation or reason: [`sig`] with
/// [`PARAM_DIGITS`] significant digits (`1.93`, `0.412`, `118`, `2.00`, `4.56e-5`).
pub fn sig3(x: f64) -> String {
    sig(x, PARAM_DIGITS)
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

/// An amount of money, CPU-hours or rows in budgets: [`sig3`], but whole for magnitudes ≥ 100
/// (`0.200`, `40.0`, `5000`); `∞` and `n/a` for the unbounded and missing ends of intervals.
pub fn amount(x: f64) -> String {
    if x.is_nan() {
        return "n/a".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞".into() } else { "-∞".into() };
    }
    if x.abs() >= 100.0 && x.abs() < 1e15 { format!("{x:.0}") } else { sig3(x) }
}

/// A number of rows to buy or measure: rounded up, since a fraction of a row cannot be bought
/// (`1207`); [`amount`] when not finite.
pub fn row_count(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e15 { format!("{}", x.ceil()) } else { amount(x) }
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
    }

    #[test]
    fn three_significant_figures() {
        assert_eq!(sig3(1.9312), "1.93");
        assert_eq!(sig3(0.41234), "0.412");
        assert_eq!(sig3(0.1184), "0.118");
        assert_eq!(sig3(118.4), "118");
        assert_eq!(sig3(2.0), "2.00");
        assert_eq!(sig3(9.996), "10.0");
        assert_eq!(sig3(0.0), "0");
        assert_eq!(sig3(123456.0), "123456");
        assert_eq!(sig3(1234567.0), "1.23e6");
        assert_eq!(sig3(0.00045), "0.000450");
        assert_eq!(sig3(0.0000456), "4.56e-5");
        assert_eq!(sig3(f64::NAN), "NaN");
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
    fn amounts_and_row_counts() {
        assert_eq!(amount(0.2), "0.200");
        assert_eq!(amount(40.0), "40.0");
        assert_eq!(amount(5000.4), "5000");
        assert_eq!(amount(f64::INFINITY), "∞");
        assert_eq!(amount(f64::NAN), "n/a");
        assert_eq!(row_count(1206.2), "1207");
        assert_eq!(row_count(f64::INFINITY), "∞");
    }
}
