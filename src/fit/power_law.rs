//! The 1-D scaling law `R(n) = D·n^-α + C` (D, α, C ≥ 0) and its least-squares fit.
//!
//! # Method
//! Ordinary (unweighted) least squares on `R`: the points with the largest errors (small n)
//! carry the most weight, which is where the curve's shape is decided; a log-space fit would
//! instead let the flat tail near `C` dominate and is undefined for `R ≤ 0`.
//!
//! For a fixed α the law is linear in (D, C), so the best non-negative (D, C) is an exact
//! 2-column NNLS ([`super::nnls`]) on the well-scaled basis `u = (n / n_min)^-α ∈ (0, 1]` and 1
//! (then `D = D_u · n_min^α`). That leaves a 1-D profile `SSE(α)` on `[0, 5]`: it is scanned
//! on a log grid (to find the right valley), and the best valley is refined with argmin's
//! Brent minimiser.

use argmin::core::{CostFunction, Error as ArgminError, Executor, State};
use argmin::solver::brent::BrentOpt;

use super::input::{check_points, distinct, smallest};
use super::nnls::nnls;
use super::quality::{EXP_FLAT, R2_MIN, at_bound, goodness};
use super::{EXPONENT_MAX, FitError};
use crate::number::sig3;

/// `R(n) = d·n^-alpha + c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerLaw {
    /// Scale of the part of the error that shrinks with n.
    pub d: f64,
    /// Exponent: how fast that part shrinks.
    pub alpha: f64,
    /// Irreducible error (the limit as n → ∞).
    pub c: f64,
}

impl PowerLaw {
    /// The law's prediction at sample size `n`.
    pub fn eval(&self, n: f64) -> f64 {
        self.d * n.powf(-self.alpha) + self.c
    }

    /// The law with its numbers (three significant figures), e.g. `R(n) = 1.93·n^-0.412 + 0.118`
    /// (`− 0.118` for a negative C, which a fixed `C` can give).
    pub fn equation(&self) -> String {
        let (sign, c) = if self.c < 0.0 { ('-', -self.c) } else { ('+', self.c) };
        format!("R(n) = {}·n^-{} {sign} {}", sig3(self.d), sig3(self.alpha), sig3(c))
    }
}

/// A fitted [`PowerLaw`] with its goodness of fit.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerLawFit {
    pub law: PowerLaw,
    /// `1 − SS_res / SS_tot`; `NaN` when every R is equal (SS_tot = 0).
    pub r2: f64,
    /// Root-mean-square residual, in the units of R.
    pub rmse: f64,
    /// Why the fit should not be trusted, in plain words (flat curve, exponent at its bound).
    pub degenerate: Option<String>,
}

/// Distinct sample sizes needed for three parameters.
pub const MIN_DISTINCT_N: usize = 3;
/// Points of the log grid over (0, EXPONENT_MAX] scanned before refining (α = 0 is added).
const GRID_POINTS: usize = 40;
/// Smallest non-zero exponent on the grid.
const GRID_MIN: f64 = 5e-3;

/// Parameters of [`PowerLaw`] held at given values instead of fitted (`None` = fitted).
///
/// Published fits often fix one parameter (e.g. `D = 0.48`). A fixed value must be finite and
/// ≥ 0 (α also ≤ [`EXPONENT_MAX`]); the other parameters are fitted with it held.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PowerLawFixed {
    pub d: Option<f64>,
    pub alpha: Option<f64>,
    pub c: Option<f64>,
}

impl PowerLawFixed {
    /// The parameter names, as in fit records and study files (from the language's name table).
    pub const NAMES: [&'static str; 3] = crate::syntax::names::POWER_LAW_PARAMS;

    /// Fix the parameter called `name` (one of [`Self::NAMES`]) at `value`; `Err` names the valid
    /// names for an unknown one.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), FitError> {
        set_named(&Self::NAMES, [&mut self.d, &mut self.alpha, &mut self.c], name, value)
    }

    /// The fixed parameters of a `fit ... { name = value }` block (`FitSpec::fixed`); the checker
    /// admits only valid names, so an unknown one here is skipped.
    pub fn from_pairs(pairs: &[(String, f64)]) -> Self {
        let mut f = Self::default();
        for (name, value) in pairs {
            let _ = f.set(name, *value);
        }
        f
    }

    /// `(name, value)` of every fixed parameter, in [`Self::NAMES`] order.
    pub fn fixed(&self) -> Vec<(&'static str, f64)> {
        named(&Self::NAMES, &[self.d, self.alpha, self.c])
    }
}

/// Set the slot whose name (same position in `names`) is `name`; `Err` ("unknown parameter `x`
/// (valid: D, alpha, C)", and "did you mean" for a near miss) for an unknown name.
pub(crate) fn set_named<const K: usize>(
    names: &[&'static str; K],
    slots: [&mut Option<f64>; K],
    name: &str,
    value: f64,
) -> Result<(), FitError> {
    for (n, slot) in names.iter().zip(slots) {
        if *n == name {
            *slot = Some(value);
            return Ok(());
        }
    }
    let hint = crate::diag::did_you_mean(name, names.iter().copied()).map(|d| format!("; {d}")).unwrap_or_default();
    Err(FitError::UnknownParameter { name: name.to_string(), valid: names.join(", "), hint })
}

/// `(name, value)` of the slots that hold a value.
pub(crate) fn named(names: &[&'static str], values: &[Option<f64>]) -> Vec<(&'static str, f64)> {
    names.iter().zip(values).filter_map(|(n, v)| v.map(|v| (*n, v))).collect()
}

/// Check fixed values: finite, ≥ 0, exponents ≤ [`EXPONENT_MAX`].
pub(crate) fn check_fixed(fixed: &[(&'static str, f64)], exponents: &[&str]) -> Result<(), FitError> {
    for &(name, value) in fixed {
        let exponent = exponents.contains(&name);
        let why = if !value.is_finite() {
            "it must be a finite number".to_string()
        } else if value < 0.0 {
            "every parameter of the law is ≥ 0".to_string()
        } else if exponent && value > EXPONENT_MAX {
            format!("exponents are searched in [0, {EXPONENT_MAX}]")
        } else {
            continue;
        };
        return Err(FitError::BadFixed { name, value: value.to_string(), why });
    }
    Ok(())
}

/// Fit `R(n) = D·n^-α + C` with D, α, C ≥ 0 by least squares (see the module docs).
///
/// Errors: slices of different lengths, a non-finite value, an `n ≤ 0`, or fewer than three
/// distinct `n`. Repeated `n` are allowed (each point counts once).
pub fn fit_power_law(n: &[f64], r: &[f64]) -> Result<PowerLawFit, FitError> {
    fit_power_law_with(n, r, &PowerLawFixed::default())
}

/// As [`fit_power_law`], with the parameters of `fixed` held at their values. Each fixed
/// parameter lowers the distinct n needed by one (at least one is always needed).
pub fn fit_power_law_with(n: &[f64], r: &[f64], fixed: &PowerLawFixed) -> Result<PowerLawFit, FitError> {
    check_points(&[("n", n)], r)?;
    check_fixed(&fixed.fixed(), &["alpha"])?;
    let got = distinct(n);
    let need = (MIN_DISTINCT_N - fixed.fixed().len()).max(1);
    if got < need {
        return Err(FitError::TooFewPoints { got, need });
    }
    let n_min = smallest(n);
    let profile = Profile::new(n.iter().map(|v| (v / n_min).ln()).collect(), r, n_min, *fixed);
    let alpha = match fixed.alpha {
        Some(a) => a,
        None => profile.best_alpha(),
    };
    let (d, c, sse) = profile.solve(alpha);
    // With D = 0 the exponent is meaningless; report 0 rather than an arbitrary number
    // (unless the exponent was fixed).
    let alpha = if d > 0.0 || fixed.alpha.is_some() { alpha } else { 0.0 };
    let law = PowerLaw { d, alpha, c };

    let (r2, rmse) = goodness(r, sse);
    let n_max = n.iter().copied().fold(n_min, f64::max);
    let degenerate = diagnose(&law, r, r2, n_min, n_max);
    Ok(PowerLawFit { law, r2, rmse, degenerate })
}

/// Plain-words reasons not to trust a fit, joined by "; ", or `None` for a clean fit.
fn diagnose(law: &PowerLaw, r: &[f64], r2: f64, n_min: f64, n_max: f64) -> Option<String> {
    let mut reasons = Vec::new();
    let flat = "the error does not fall with n";
    if r2.is_nan() {
        reasons.push(format!("{flat}: it is {} at every n, so there is no curve to fit", sig3(r[0])));
    } else if law.d == 0.0 {
        reasons.push(format!("{flat}: the best non-negative fit is the constant R = {} (D = 0)", sig3(law.c)));
    } else if law.alpha < EXP_FLAT {
        reasons.push(format!("{flat}: the fitted exponent α = {} is indistinguishable from 0", sig3(law.alpha)));
    } else if r2 < R2_MIN {
        reasons.push(format!(
            "{flat}: the fitted decrease from {} (n = {}) to {} (n = {}) explains only {:.0} % of \
             the variation across n (r² = {}), which is within the noise",
            sig3(law.eval(n_min)),
            sig3(n_min),
            sig3(law.eval(n_max)),
            sig3(n_max),
            (r2 * 100.0).max(0.0),
            sig3(r2)
        ));
    }
    if at_bound(law.alpha) {
        reasons.push(format!(
            "the exponent reached its search bound α = {EXPONENT_MAX}: the error drops faster than any power \
             law allows between the smallest sample sizes, so D and α are not reliable"
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The profiled least-squares problem: for each α, the free ones of (D, C) are solved exactly.
struct Profile<'a> {
    /// `ln(n / n_min) ≥ 0` per point.
    log_n_rel: Vec<f64>,
    r: &'a [f64],
    n_min: f64,
    fixed: PowerLawFixed,
}

impl<'a> Profile<'a> {
    fn new(log_n_rel: Vec<f64>, r: &'a [f64], n_min: f64, fixed: PowerLawFixed) -> Self {
        Profile { log_n_rel, r, n_min, fixed }
    }

    /// Best `(D, C, SSE)` for exponent `alpha` (clamped to `[0, EXPONENT_MAX]`), with fixed
    /// parameters held. D is solved as `D_u` multiplying the well-scaled `(n / n_min)^-α`.
    fn solve(&self, alpha: f64) -> (f64, f64, f64) {
        let alpha = alpha.clamp(0.0, EXPONENT_MAX);
        let u: Vec<f64> = self.log_n_rel.iter().map(|l| (-alpha * l).exp()).collect();
        let one = vec![1.0; u.len()];
        // D·n^-α = (D·n_min^-α)·u.
        let scale = self.n_min.powf(alpha);
        let fixed_d_u = self.fixed.d.map(|d| d / scale);
        let mut y = self.r.to_vec();
        let mut columns: Vec<&[f64]> = Vec::new();
        for (fixed, col) in [(fixed_d_u, &u), (self.fixed.c, &one)] {
            match fixed {
                Some(v) => y.iter_mut().zip(col.iter()).for_each(|(y, x)| *y -= v * x),
                None => columns.push(col),
            }
        }
        let fit = nnls(&columns, &y);
        let mut free = fit.coef.into_iter();
        let d_u = fixed_d_u.unwrap_or_else(|| free.next().unwrap_or(0.0));
        let c = self.fixed.c.unwrap_or_else(|| free.next().unwrap_or(0.0));
        let d = self.fixed.d.unwrap_or(d_u * scale);
        (d, c, fit.sse)
    }

    /// The exponent minimising the profiled SSE: log-grid scan, then Brent in the best bracket.
    fn best_alpha(&self) -> f64 {
        let grid: Vec<f64> = std::iter::once(0.0)
            .chain((0..GRID_POINTS).map(|k| {
                let t = k as f64 / (GRID_POINTS - 1) as f64;
                GRID_MIN * (EXPONENT_MAX / GRID_MIN).powf(t)
            }))
            .collect();
        let sse: Vec<f64> = grid.iter().map(|&a| self.solve(a).2).collect();
        let (i_best, &sse_best) =
            sse.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap_or((0, &f64::INFINITY));
        let lo = grid[i_best.saturating_sub(1)];
        let hi = grid[(i_best + 1).min(grid.len() - 1)];
        match self.refine(lo, hi) {
            Some((alpha, cost)) if cost <= sse_best => alpha,
            _ => grid[i_best],
        }
    }

    /// Brent minimisation of the profile on `[lo, hi]`; `None` if argmin fails.
    fn refine(&self, lo: f64, hi: f64) -> Option<(f64, f64)> {
        let solver = BrentOpt::new(lo, hi).set_tolerance(f64::EPSILON.sqrt(), 1e-9);
        let result = Executor::new(self, solver).configure(|state| state.max_iters(200)).timer(false).run().ok()?;
        let state = result.state();
        let alpha = *state.get_best_param()?;
        Some((alpha.clamp(0.0, EXPONENT_MAX), state.get_best_cost()))
    }
}

impl CostFunction for &Profile<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, alpha: &f64) -> Result<f64, ArgminError> {
        Ok(self.solve(*alpha).2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fixed_names_list_the_valid_ones_and_suggest() {
        let mut f = PowerLawFixed::default();
        let message = |r: Result<(), FitError>| r.map_err(|e| e.to_string());
        assert_eq!(message(f.set("beta", 1.0)), Err("unknown parameter `beta` (valid: D, alpha, C)".to_string()));
        assert_eq!(
            message(f.set("alhpa", 1.0)),
            Err("unknown parameter `alhpa` (valid: D, alpha, C); did you mean `alpha`?".to_string())
        );
        assert_eq!(f.set("alpha", 0.5), Ok(()));
        assert_eq!(f.fixed(), [("alpha", 0.5)]);
    }

    fn logspace(lo: f64, hi: f64, k: usize) -> Vec<f64> {
        (0..k).map(|i| lo * (hi / lo).powf(i as f64 / (k - 1) as f64)).collect()
    }

    #[test]
    fn equation_format() {
        let law = PowerLaw { d: 1.9312, alpha: 0.41234, c: 0.1184 };
        assert_eq!(law.equation(), "R(n) = 1.93·n^-0.412 + 0.118");
        assert!((law.eval(100.0) - (1.9312 * 100f64.powf(-0.41234) + 0.1184)).abs() < 1e-15);
    }

    #[test]
    fn profile_is_minimal_at_the_true_exponent() {
        let n = logspace(100.0, 70000.0, 10);
        let truth = PowerLaw { d: 3.0, alpha: 0.6, c: 0.2 };
        let r: Vec<f64> = n.iter().map(|&x| truth.eval(x)).collect();
        let n_min = smallest(&n);
        let p = Profile::new(n.iter().map(|v| (v / n_min).ln()).collect(), &r, n_min, PowerLawFixed::default());
        let at_truth = p.solve(0.6).2;
        assert!(at_truth < 1e-20);
        assert!(p.solve(0.5).2 > 1e-6 && p.solve(0.7).2 > 1e-6);
    }

    #[test]
    fn increasing_curve_is_flat_with_zero_exponent() {
        let n = [10.0, 100.0, 1000.0, 10000.0];
        let r = [0.1, 0.2, 0.3, 0.4];
        let fit = fit_power_law(&n, &r).expect("valid input");
        assert_eq!(fit.law.d, 0.0);
        assert_eq!(fit.law.alpha, 0.0);
        assert!(fit.degenerate.as_deref().is_some_and(|m| m.starts_with("the error does not fall with n")));
    }
}
