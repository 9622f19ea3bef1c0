//! Number formatting for equations shown to people: three significant figures.

/// `x` with three significant figures: `1.93`, `0.412`, `118`, `0`; scientific notation
/// (`1.23e5`, `4.56e-5`) outside `[1e-3, 1e4)`. Non-finite values print as `NaN`/`inf`.
pub(crate) fn sig3(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let mag = x.abs();
    if !(1e-3..1e4).contains(&mag) {
        return format!("{x:.2e}");
    }
    let digits_before_point = mag.log10().floor() as i32 + 1;
    let decimals = (3 - digits_before_point).max(0) as usize;
    let s = format!("{x:.decimals$}");
    // Rounding may add a digit (9.996 → "10.00"): re-round at the new magnitude.
    let rounded: f64 = s.parse().unwrap_or(x);
    let new_digits = rounded.abs().log10().floor() as i32 + 1;
    if new_digits != digits_before_point {
        let decimals = (3 - new_digits).max(0) as usize;
        return format!("{rounded:.decimals$}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::sig3;

    #[test]
    fn three_significant_figures() {
        assert_eq!(sig3(1.9312), "1.93");
        assert_eq!(sig3(0.41234), "0.412");
        assert_eq!(sig3(0.1184), "0.118");
        assert_eq!(sig3(118.4), "118");
        assert_eq!(sig3(2.0), "2.00");
        assert_eq!(sig3(9.996), "10.0");
        assert_eq!(sig3(0.0), "0");
        assert_eq!(sig3(123456.0), "1.23e5");
        assert_eq!(sig3(0.0000456), "4.56e-5");
        assert_eq!(sig3(f64::NAN), "NaN");
    }
}
