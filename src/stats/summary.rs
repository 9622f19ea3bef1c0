//! Mean, sample standard deviation, median and type-7 quantiles.

/// Arithmetic mean; `NaN` for an empty slice.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// Sample standard deviation (denominator `len − 1`); `NaN` for fewer than two values.
pub fn sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let mu = mean(values);
    let ss: f64 = values.iter().map(|v| (v - mu) * (v - mu)).sum();
    (ss / (values.len() - 1) as f64).sqrt()
}

/// Median (mean of the two middle values for an even count); `NaN` for an empty slice.
/// `NaN` values sort last (IEEE total order), so they only matter if they reach the middle.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile(&sorted, 0.5)
}

/// Quantile `q ∈ [0, 1]` of an ascending `sorted` slice by linear interpolation between order
/// statistics (Hyndman & Fan type 7, the default of R and NumPy): with `h = (len − 1)·q`,
/// the result is `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])`.
///
/// Infinite values are order statistics like any other: interpolating towards `+∞` gives `+∞`
/// (so an upper bound of `∞` survives). Returns `NaN` for an empty slice or a `q` outside
/// `[0, 1]` (or `NaN`). The slice is not
/// checked for order; an unsorted slice gives a meaningless (but finite) answer.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    match sorted.get(lo + 1) {
        // Infinite order statistics stay infinite: between x and +∞ the quantile is +∞, between
        // −∞ and x it is −∞ (the limit of the interpolation), not ∞ − ∞ = NaN.
        Some(&hi) if frac > 0.0 && sorted[lo] != hi => {
            if hi == f64::INFINITY || sorted[lo] == f64::NEG_INFINITY {
                if sorted[lo] == f64::NEG_INFINITY { f64::NEG_INFINITY } else { f64::INFINITY }
            } else {
                sorted[lo] + frac * (hi - sorted[lo])
            }
        }
        _ => sorted[lo],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_sd_by_hand() {
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&v), 5.0);
        // Σ(v − 5)² = 32, sample variance 32/7.
        assert!((sd(&v) - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn degenerate_inputs_give_nan() {
        assert!(mean(&[]).is_nan());
        assert!(sd(&[3.0]).is_nan());
        assert!(median(&[]).is_nan());
        assert!(quantile(&[], 0.5).is_nan());
        assert!(quantile(&[1.0, 2.0], 1.5).is_nan());
        assert!(quantile(&[1.0, 2.0], f64::NAN).is_nan());
    }

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
    }

    #[test]
    fn quantile_type7_hand_values() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 5.0);
        assert_eq!(quantile(&x, 0.25), 2.0); // h = 1
        assert!((quantile(&x, 0.1) - 1.4).abs() < 1e-12); // h = 0.4
        // x = [10, 20, 40, 80]: q = 0.5 → h = 1.5 → 20 + 0.5·20 = 30;
        // q = 0.9 → h = 2.7 → 40 + 0.7·40 = 68.
        let y = [10.0, 20.0, 40.0, 80.0];
        assert!((quantile(&y, 0.5) - 30.0).abs() < 1e-12);
        assert!((quantile(&y, 0.9) - 68.0).abs() < 1e-12);
    }

    #[test]
    fn quantile_keeps_infinite_order_statistics() {
        let x = [1.0, 2.0, f64::INFINITY, f64::INFINITY];
        assert_eq!(quantile(&x, 0.95), f64::INFINITY);
        assert_eq!(quantile(&x, 0.5), f64::INFINITY); // between 2 and ∞
        assert_eq!(quantile(&x, 1.0 / 3.0), 2.0);
        assert_eq!(quantile(&[f64::NEG_INFINITY, 0.0], 0.5), f64::NEG_INFINITY);
    }
}
