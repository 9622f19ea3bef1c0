//! The Yeo–Johnson power transform (Yeo & Johnson 2000) and its maximum-likelihood λ, following
//! `scipy.stats.yeojohnson` / `yeojohnson_normmax` (scipy 1.17):
//!
//! ```text
//! x ≥ 0, λ ≠ 0:  ((1 + x)^λ − 1) / λ              x ≥ 0, λ = 0:  ln(1 + x)
//! x < 0, λ ≠ 2:  −((1 − x)^(2−λ) − 1) / (2 − λ)   x < 0, λ = 2:  −ln(1 − x)
//! ```
//!
//! computed in the stable `expm1(λ·log1p(x)) / λ` form; "λ = 0" means |λ| < f64::EPSILON, as in
//! scipy. The output is not standardised (scipy ≥ 1.9 does not standardise either).

/// Below this distance λ counts as exactly 0 (or 2), as in scipy's `_yeojohnson_transform`.
const LAMBDA_EPS: f64 = f64::EPSILON;

/// Yeo–Johnson transform of one value (finite for finite `x` unless it overflows).
pub fn transform(x: f64, lambda: f64) -> f64 {
    if x >= 0.0 {
        if lambda.abs() < LAMBDA_EPS { x.ln_1p() } else { (lambda * x.ln_1p()).exp_m1() / lambda }
    } else {
        let mu = 2.0 - lambda;
        if mu.abs() < LAMBDA_EPS { -(-x).ln_1p() } else { -(mu * (-x).ln_1p()).exp_m1() / mu }
    }
}

/// Inverse of [`transform`]. The transform keeps the sign, so `y ≥ 0` inverts the `x ≥ 0` branch.
///
/// Out-of-domain values: for λ < 0 the transform of x ≥ 0 is bounded above by −1/λ, and for λ > 2
/// the transform of x < 0 is bounded below by 1/(2−λ); a `y` at or beyond that bound has no
/// preimage (the limit is ±∞) and is mapped to `±f64::MAX`. Any overflow is likewise saturated
/// to `±f64::MAX`, so a finite `y` never gives NaN or ±∞. NaN propagates.
pub fn inverse(y: f64, lambda: f64) -> f64 {
    let x = if y >= 0.0 {
        if lambda.abs() < LAMBDA_EPS {
            y.exp_m1()
        } else {
            let a = lambda * y; // 1 + a = (1 + x)^λ must be > 0
            if a <= -1.0 { f64::INFINITY } else { (a.ln_1p() / lambda).exp_m1() }
        }
    } else if y < 0.0 {
        let mu = 2.0 - lambda;
        if mu.abs() < LAMBDA_EPS {
            -(-y).exp_m1()
        } else {
            let b = -mu * y; // 1 + b = (1 − x)^(2−λ) must be > 0
            if b <= -1.0 { f64::NEG_INFINITY } else { -(b.ln_1p() / mu).exp_m1() }
        }
    } else {
        y // NaN
    };
    if x.is_nan() { x } else { x.clamp(-f64::MAX, f64::MAX) }
}

/// λ maximising the Yeo–Johnson profile log-likelihood of `xs`, as `scipy.stats.yeojohnson_normmax`
/// (no `brack`): bounded Brent (`fminbound`, xtol 1.48e-8) on scipy's overflow-safe bounds.
///
/// `xs` must be non-empty and finite (the pipeline checks). Degenerate input, where the
/// likelihood does not depend on λ: all zeros → 1.0 (as scipy); any other constant column (the
/// transformed variance is 0 for every λ, scipy's search is then arbitrary) → 1.0 as well, which
/// makes the transform the identity.
pub fn normmax(xs: &[f64]) -> f64 {
    let first = match xs.first() {
        Some(&v) => v,
        None => return 1.0,
    };
    if xs.iter().all(|&v| v == first) {
        return 1.0;
    }
    let max_abs = xs.iter().fold(0.0f64, |m, &v| m.max(v.abs()));
    // Bounds exactly as scipy: allow values up to 20× the largest seen to be transformed with
    // half the exponent range to spare, so the variance can be computed safely.
    let log1p_max_x = (20.0 * max_abs).ln_1p();
    let log_eps = f64::EPSILON.ln();
    let log_tiny = (f64::MIN_POSITIVE.ln() - log_eps) / 2.0;
    let log_max = f64::midpoint(f64::MAX.ln(), log_eps);
    let (mut lb, mut ub) = (log_tiny / log1p_max_x, log_max / log1p_max_x);
    if xs.iter().all(|&v| v < 0.0) {
        (lb, ub) = (2.0 - ub, 2.0 - lb);
    } else if xs.iter().any(|&v| v < 0.0) {
        (lb, ub) = ((2.0 - ub).max(lb), (2.0 - lb).min(ub));
    }
    let jacobian: f64 = xs.iter().map(|&v| v.signum() * v.abs().ln_1p()).sum();
    super::bounded_min::fminbound(|l| neg_log_likelihood(l, xs, jacobian), lb, ub, 1.48e-8, 500)
}

/// Negative Yeo–Johnson log-likelihood `n/2·ln σ̂² − (λ−1)·Σ sign(x)·ln(1+|x|)` (σ̂² the population
/// variance of the transformed data), with `jacobian` = Σ sign(x)·ln(1+|x|) precomputed.
/// `+∞` where σ̂² is below the smallest normal f64 (scipy rejects those λ the same way).
///
/// The variance is computed from ln|t| without forming t, so it cannot overflow: with
/// M = max ln|tᵢ|, σ̂² = e^{2M}·var(sign(tᵢ)·e^{ln|tᵢ|−M}).
pub fn neg_log_likelihood(lambda: f64, xs: &[f64], jacobian: f64) -> f64 {
    let n = xs.len() as f64;
    let logs: Vec<(f64, f64)> = xs.iter().map(|&x| signed_log_abs(x, lambda)).collect();
    let max_log = logs.iter().fold(f64::NEG_INFINITY, |m, &(_, l)| m.max(l));
    if !max_log.is_finite() {
        return f64::INFINITY; // every transformed value is 0
    }
    let scaled: Vec<f64> = logs.iter().map(|&(s, l)| s * (l - max_log).exp()).collect();
    let mean = scaled.iter().sum::<f64>() / n;
    let var = scaled.iter().map(|u| (u - mean) * (u - mean)).sum::<f64>() / n;
    let log_var = 2.0 * max_log + var.ln();
    if log_var.is_nan() || log_var < f64::MIN_POSITIVE.ln() {
        return f64::INFINITY;
    }
    n / 2.0 * log_var - (lambda - 1.0) * jacobian
}

/// (sign, ln|t|) of t = transform(x, λ); ln|0| = −∞.
fn signed_log_abs(x: f64, lambda: f64) -> (f64, f64) {
    if x >= 0.0 { (1.0, log_abs_branch(x.ln_1p(), lambda)) } else { (-1.0, log_abs_branch((-x).ln_1p(), 2.0 - lambda)) }
}

/// ln(expm1(μ·L)/μ) for L ≥ 0 (ln L where |μ| < ε), without overflow for large μ·L.
fn log_abs_branch(l: f64, mu: f64) -> f64 {
    if mu.abs() < LAMBDA_EPS {
        return l.ln();
    }
    let z = mu * l;
    let log_abs_expm1 = if z > 0.0 {
        // ln(e^z − 1) = z + ln(1 − e^{−z})
        z + (-(-z).exp_m1()).ln()
    } else {
        (-z.exp_m1()).ln()
    };
    log_abs_expm1 - mu.abs().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_space_likelihood_matches_direct_computation() {
        let xs = [-3.0, -1.2, 0.0, 0.3, 2.5, 9.0];
        let jac: f64 = xs.iter().map(|&v: &f64| v.signum() * v.abs().ln_1p()).sum();
        for lambda in [-2.0, -0.3, 0.0, 0.7, 2.0, 3.5] {
            let t: Vec<f64> = xs.iter().map(|&x| transform(x, lambda)).collect();
            let n = t.len() as f64;
            let mean = t.iter().sum::<f64>() / n;
            let var = t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            let direct = n / 2.0 * var.ln() - (lambda - 1.0) * jac;
            let got = neg_log_likelihood(lambda, &xs, jac);
            assert!((got - direct).abs() < 1e-10 * direct.abs().max(1.0), "λ={lambda}: {got} vs {direct}");
        }
    }

    #[test]
    fn likelihood_is_finite_where_the_transform_overflows() {
        let xs = [1e300, 1e200, 5.0];
        let jac: f64 = xs.iter().map(|&v: &f64| v.abs().ln_1p()).sum();
        assert!(transform(1e300, 3.0).is_infinite());
        assert!(neg_log_likelihood(3.0, &xs, jac).is_finite());
    }

    #[test]
    fn inverse_saturates_outside_the_range() {
        // λ = −1: transform of x ≥ 0 lies in [0, 1).
        assert_eq!(inverse(1.0, -1.0), f64::MAX);
        assert_eq!(inverse(7.0, -1.0), f64::MAX);
        // λ = 3: transform of x < 0 lies in (−1, 0).
        assert_eq!(inverse(-1.0, 3.0), -f64::MAX);
        // Large but in range: finite and exact.
        let x = inverse(1e300, 5.0);
        assert!(x.is_finite() && (transform(x, 5.0) / 1e300 - 1.0).abs() < 1e-12, "{x}");
        assert!(inverse(f64::NAN, 0.5).is_nan());
    }
}
