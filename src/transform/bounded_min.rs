//! Bounded scalar minimisation: Brent's method (golden section + parabolic interpolation) on a
//! closed interval, a line-by-line port of scipy's `optimize.fminbound`
//! (`scipy.optimize._optimize._minimize_scalar_bounded`, scipy 1.17), so that the Yeo–Johnson λ
//! found here follows the same path as `scipy.stats.yeojohnson_normmax`.

/// Minimise `f` on `[lo, hi]` to absolute tolerance `xatol` using at most `maxfun` evaluations;
/// returns the best abscissa found. `f` may return `+∞` (treated as "worse than anything").
pub(crate) fn fminbound(mut f: impl FnMut(f64) -> f64, lo: f64, hi: f64, xatol: f64, maxfun: usize) -> f64 {
    let sqrt_eps = 2.2e-16f64.sqrt();
    let golden_mean = 0.5 * (3.0 - 5.0f64.sqrt());
    let (mut a, mut b) = (lo, hi);
    let mut fulc = a + golden_mean * (b - a);
    let (mut nfc, mut xf) = (fulc, fulc);
    let mut rat = 0.0f64;
    let mut e = 0.0f64;
    let mut fx = f(xf);
    let mut num = 1usize;

    let mut ffulc = fx;
    let mut fnfc = fx;
    let mut xm = 0.5 * (a + b);
    let mut tol1 = sqrt_eps * xf.abs() + xatol / 3.0;
    let mut tol2 = 2.0 * tol1;

    while (xf - xm).abs() > tol2 - 0.5 * (b - a) {
        let mut golden = true;
        // Parabolic fit through the three best points so far.
        if e.abs() > tol1 {
            golden = false;
            let mut r = (xf - nfc) * (fx - ffulc);
            let mut q = (xf - fulc) * (fx - fnfc);
            let mut p = (xf - fulc) * q - (xf - nfc) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            r = e;
            e = rat;
            if p.abs() < (0.5 * q * r).abs() && p > q * (a - xf) && p < q * (b - xf) {
                rat = p / q;
                let x = xf + rat;
                if (x - a) < tol2 || (b - x) < tol2 {
                    rat = tol1 * np_sign_or_one(xm - xf);
                }
            } else {
                golden = true;
            }
        }
        if golden {
            e = if xf >= xm { a - xf } else { b - xf };
            rat = golden_mean * e;
        }

        let x = xf + np_sign_or_one(rat) * rat.abs().max(tol1);
        let fu = f(x);
        num += 1;

        if fu <= fx {
            if x >= xf {
                a = xf;
            } else {
                b = xf;
            }
            fulc = nfc;
            ffulc = fnfc;
            nfc = xf;
            fnfc = fx;
            xf = x;
            fx = fu;
        } else {
            if x < xf {
                a = x;
            } else {
                b = x;
            }
            if fu <= fnfc || nfc == xf {
                fulc = nfc;
                ffulc = fnfc;
                nfc = x;
                fnfc = fu;
            } else if fu <= ffulc || fulc == xf || fulc == nfc {
                fulc = x;
                ffulc = fu;
            }
        }

        xm = 0.5 * (a + b);
        tol1 = sqrt_eps * xf.abs() + xatol / 3.0;
        tol2 = 2.0 * tol1;
        if num >= maxfun {
            break;
        }
    }
    xf
}

/// numpy's `sign(v) + (v == 0)`: 1 for v ≥ 0 (either zero), −1 for v < 0, NaN for NaN.
fn np_sign_or_one(v: f64) -> f64 {
    if v >= 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_interior_minimum_of_a_parabola() {
        let x = fminbound(|x| (x - 1.25).powi(2) + 3.0, -5.0, 5.0, 1.48e-8, 500);
        assert!((x - 1.25).abs() < 1e-7, "{x}");
    }

    #[test]
    fn stops_at_the_bound_for_a_monotone_function() {
        let x = fminbound(|x| x, -2.0, 3.0, 1.48e-8, 500);
        assert!((x + 2.0).abs() < 1e-6, "{x}");
    }

    #[test]
    fn treats_infinite_values_as_worse() {
        let x = fminbound(|x| if x < 0.5 { f64::INFINITY } else { (x - 2.0).powi(2) }, -4.0, 4.0, 1.48e-8, 500);
        assert!((x - 2.0).abs() < 1e-6, "{x}");
    }
}
