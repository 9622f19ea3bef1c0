//! The 2-D law `R(n, m) = (A·n^-α + B)·m^-β + ε` (all ≥ 0), its fit, and the marginal rate of
//! substitution between source samples n and target samples m.
//!
//! # Method
//! Ordinary least squares on `R`, as for the 1-D law. For fixed (α, β) the law is linear in
//! (A, B, ε) on the well-scaled basis `u·v, v, 1` with `u = (n / n_min)^-α`, `v = (m / m_min)^-β`
//! (then `A = A_u·n_min^α·m_min^β`, `B = B_u·m_min^β`), solved exactly by a 3-column NNLS. The
//! remaining 2-D profile over (α, β) ∈ [0, 5]² is scanned on a grid and the best few grid
//! points are refined with argmin's Nelder–Mead (multi-start).

use argmin::core::{CostFunction, Error as ArgminError, Executor, State};
use argmin::solver::neldermead::NelderMead;

use super::input::{check_points, distinct, smallest};
use super::nnls::nnls;
use super::power_law::{check_fixed, named, set_named};
use super::quality::{EXP_FLAT, R2_MIN, at_bound, goodness};
use super::{EXPONENT_MAX, FitError};
use crate::number::sig3;

/// `R(n, m) = (a·n^-alpha + b)·m^-beta + eps`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Surface {
    /// Scale of the source-data-dependent part.
    pub a: f64,
    /// Exponent in the source sample size n.
    pub alpha: f64,
    /// Part of the target-data-dependent error that source data cannot remove.
    pub b: f64,
    /// Exponent in the target sample size m.
    pub beta: f64,
    /// Irreducible error.
    pub eps: f64,
}

impl Surface {
    /// The law's prediction at source size `n` and target size `m`.
    pub fn eval(&self, n: f64, m: f64) -> f64 {
        (self.a * n.powf(-self.alpha) + self.b) * m.powf(-self.beta) + self.eps
    }

    /// The target size m at which the law equals `level` at source size `n` (a point of the
    /// indifference curve R(n, m) = level): m = ((A·n^-α + B)/(level − ε))^(1/β). `None` when no
    /// finite positive m reaches the level: level ≤ ε, β = 0 or A·n^-α + B = 0 (R flat in m), or
    /// a non-finite result.
    pub fn m_at_level(&self, n: f64, level: f64) -> Option<f64> {
        let scale = self.a * n.powf(-self.alpha) + self.b;
        let gap = level - self.eps;
        if !(gap > 0.0 && self.beta > 0.0 && scale > 0.0 && n > 0.0) {
            return None;
        }
        let m = (scale / gap).powf(1.0 / self.beta);
        (m.is_finite() && m > 0.0).then_some(m)
    }

    /// The law with its numbers, e.g. `R(n, m) = (5.00·n^-0.500 + 0.300)·m^-0.400 + 0.0500`.
    pub fn equation(&self) -> String {
        format!(
            "R(n, m) = ({}·n^-{} + {})·m^-{} + {}",
            sig3(self.a),
            sig3(self.alpha),
            sig3(self.b),
            sig3(self.beta),
            sig3(self.eps)
        )
    }
}

/// A fitted [`Surface`] with its goodness of fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceFit {
    pub surface: Surface,
    /// `1 − SS_res / SS_tot`; `NaN` when every R is equal.
    pub r2: f64,
    /// Root-mean-square residual, in the units of R.
    pub rmse: f64,
    /// Why the fit should not be trusted, in plain words.
    pub degenerate: Option<String>,
}

/// Marginal rates of a [`Surface`] at one (n, m).
///
/// Sign conventions: both derivatives are ≤ 0 (more data never raises the fitted error), so
/// their ratio is ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mrs {
    /// `∂R/∂n = −α·A·n^(−α−1)·m^−β`.
    pub dr_dn: f64,
    /// `∂R/∂m = −β·(A·n^−α + B)·m^(−β−1)`.
    pub dr_dm: f64,
    /// `(∂R/∂m) / (∂R/∂n)`: how many extra source samples lower R as much as one extra target
    /// sample. `+∞` when source data no longer helps (∂R/∂n = 0 < −∂R/∂m), `NaN` when neither does.
    pub samples_per_target: f64,
}

/// Marginal rate of substitution of the surface at `(n, m)` (see [`Mrs`]).
/// Non-positive or non-finite `n` or `m` give `NaN` everywhere.
pub fn marginal_rate(s: &Surface, n: f64, m: f64) -> Mrs {
    if !(n.is_finite() && m.is_finite() && n > 0.0 && m > 0.0) {
        return Mrs { dr_dn: f64::NAN, dr_dm: f64::NAN, samples_per_target: f64::NAN };
    }
    let dr_dn = -s.alpha * s.a * n.powf(-s.alpha - 1.0) * m.powf(-s.beta);
    let dr_dm = -s.beta * (s.a * n.powf(-s.alpha) + s.b) * m.powf(-s.beta - 1.0);
    // -x / -0.0 = +inf for x > 0, 0/0 = NaN: exactly the documented conventions.
    Mrs { dr_dn, dr_dm, samples_per_target: dr_dm / dr_dn }
}

/// Distinct values needed on each axis.
const MIN_DISTINCT: usize = 3;
/// Points needed in all (more than the five parameters).
const MIN_POINTS: usize = 6;
/// Log-grid points per exponent over (0, EXPONENT_MAX] (0 is added).
const GRID_POINTS: usize = 16;
/// Smallest non-zero exponent on the grid.
const GRID_MIN: f64 = 0.01;
/// Grid points refined by Nelder–Mead.
const STARTS: usize = 3;

/// Parameters of [`Surface`] held at given values instead of fitted (`None` = fitted), e.g.
/// `eps = 0`. Fixed values must be finite and ≥ 0 (exponents also ≤ [`EXPONENT_MAX`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SurfaceFixed {
    pub a: Option<f64>,
    pub alpha: Option<f64>,
    pub b: Option<f64>,
    pub beta: Option<f64>,
    pub eps: Option<f64>,
}

impl SurfaceFixed {
    /// The parameter names, as in fit records and study files (from the language's name table).
    pub const NAMES: [&'static str; 5] = crate::syntax::names::SURFACE_PARAMS;

    /// Fix the parameter called `name` (one of [`Self::NAMES`]) at `value`; `Err` names the valid
    /// names for an unknown one.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), FitError> {
        let slots = [&mut self.a, &mut self.alpha, &mut self.b, &mut self.beta, &mut self.eps];
        set_named(&Self::NAMES, slots, name, value)
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
        named(&Self::NAMES, &[self.a, self.alpha, self.b, self.beta, self.eps])
    }
}

/// Fit `R(n, m) = (A·n^-α + B)·m^-β + ε` (all ≥ 0) by least squares (see the module docs).
///
/// Errors: slices of different lengths, a non-finite value, `n ≤ 0` or `m ≤ 0`, fewer than
/// three distinct values on either axis, or fewer than six points.
pub fn fit_surface(n: &[f64], m: &[f64], r: &[f64]) -> Result<SurfaceFit, FitError> {
    fit_surface_with(n, m, r, &SurfaceFixed::default())
}

/// As [`fit_surface`], with the parameters of `fixed` held at their values (the data
/// requirements stay those of the full law).
pub fn fit_surface_with(n: &[f64], m: &[f64], r: &[f64], fixed: &SurfaceFixed) -> Result<SurfaceFit, FitError> {
    check_points(&[("n", n), ("m", m)], r)?;
    check_fixed(&fixed.fixed(), &["alpha", "beta"])?;
    let got = distinct(n).min(distinct(m));
    if got < MIN_DISTINCT {
        return Err(FitError::TooFewPoints { got, need: MIN_DISTINCT });
    }
    if r.len() < MIN_POINTS {
        return Err(FitError::TooFewPoints { got: r.len(), need: MIN_POINTS });
    }
    let (n_min, m_min) = (smallest(n), smallest(m));
    let profile = Profile {
        log_n_rel: n.iter().map(|v| (v / n_min).ln()).collect(),
        log_m_rel: m.iter().map(|v| (v / m_min).ln()).collect(),
        r,
        penalty: r.iter().map(|v| v * v).sum::<f64>() + 1.0,
        n_min,
        m_min,
        fixed: *fixed,
    };
    let [alpha, beta] = profile.best_exponents();
    let ([a, b, eps], sse) = profile.solve(alpha, beta);
    // Exponents of vanished terms are meaningless; report 0 rather than arbitrary numbers
    // (unless they were fixed).
    let alpha = if a > 0.0 || fixed.alpha.is_some() { alpha } else { 0.0 };
    let beta = if a > 0.0 || b > 0.0 || fixed.beta.is_some() { beta } else { 0.0 };
    let surface = Surface { a, alpha, b, beta, eps };
    let (r2, rmse) = goodness(r, sse);
    let degenerate = diagnose(&surface, r, r2);
    Ok(SurfaceFit { surface, r2, rmse, degenerate })
}

/// Plain-words reasons not to trust a surface fit, joined by "; ".
fn diagnose(s: &Surface, r: &[f64], r2: f64) -> Option<String> {
    let mut reasons = Vec::new();
    if r2.is_nan() {
        reasons.push(format!(
            "the error does not fall with n or m: it is {} everywhere, so there is no surface to fit",
            sig3(r[0])
        ));
    } else {
        if s.a == 0.0 || s.alpha < EXP_FLAT {
            reasons.push("the error does not fall with n: the fitted source term A·n^-α vanishes".to_string());
        }
        if (s.a == 0.0 && s.b == 0.0) || s.beta < EXP_FLAT {
            reasons.push("the error does not fall with m: the fitted exponent β or its scale is 0".to_string());
        }
        if r2 < R2_MIN {
            reasons.push(format!(
                "the surface explains only {:.0} % of the variation (r² = {}), which is within the noise",
                (r2 * 100.0).max(0.0),
                sig3(r2)
            ));
        }
    }
    for (name, value) in [("α", s.alpha), ("β", s.beta)] {
        if at_bound(value) {
            reasons.push(format!(
                "the exponent {name} reached its search bound {EXPONENT_MAX}: the error drops faster \
                 than any power law allows, so the fit is not reliable"
            ));
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The profiled least-squares problem over the free ones of (α, β).
struct Profile<'a> {
    log_n_rel: Vec<f64>,
    log_m_rel: Vec<f64>,
    r: &'a [f64],
    /// Weight of the quadratic penalty for leaving [0, EXPONENT_MAX]² (≥ any SSE of interest).
    penalty: f64,
    n_min: f64,
    m_min: f64,
    fixed: SurfaceFixed,
}

impl Profile<'_> {
    /// Best `([A, B, ε], SSE)` for exponents clamped to `[0, EXPONENT_MAX]`, with fixed
    /// parameters held. The free coefficients are solved on the well-scaled basis
    /// `u·v, v, 1` (`A = A_u·n_min^α·m_min^β`, `B = B_u·m_min^β`).
    fn solve(&self, alpha: f64, beta: f64) -> ([f64; 3], f64) {
        let (alpha, beta) = (alpha.clamp(0.0, EXPONENT_MAX), beta.clamp(0.0, EXPONENT_MAX));
        let v: Vec<f64> = self.log_m_rel.iter().map(|l| (-beta * l).exp()).collect();
        let uv: Vec<f64> = self.log_n_rel.iter().zip(&v).map(|(l, v)| (-alpha * l).exp() * v).collect();
        let one = vec![1.0; v.len()];
        let (a_scale, b_scale) = (self.n_min.powf(alpha) * self.m_min.powf(beta), self.m_min.powf(beta));
        let fixed_u = [self.fixed.a.map(|a| a / a_scale), self.fixed.b.map(|b| b / b_scale), self.fixed.eps];
        let mut y = self.r.to_vec();
        let mut columns: Vec<&[f64]> = Vec::new();
        for (fixed, col) in fixed_u.iter().zip([&uv, &v, &one]) {
            match fixed {
                Some(c) => y.iter_mut().zip(col.iter()).for_each(|(y, x)| *y -= c * x),
                None => columns.push(col),
            }
        }
        let fit = nnls(&columns, &y);
        let mut free = fit.coef.into_iter();
        let mut coef = [0.0; 3];
        for (slot, fixed) in coef.iter_mut().zip(fixed_u) {
            *slot = fixed.unwrap_or_else(|| free.next().unwrap_or(0.0));
        }
        let [a_u, b_u, eps] = coef;
        ([self.fixed.a.unwrap_or(a_u * a_scale), self.fixed.b.unwrap_or(b_u * b_scale), eps], fit.sse)
    }

    /// The full (α, β) from the free exponents `p` (in order α, β; fixed ones skipped).
    fn exponents(&self, p: &[f64]) -> [f64; 2] {
        let mut free = p.iter().copied();
        [
            self.fixed.alpha.unwrap_or_else(|| free.next().unwrap_or(0.0)),
            self.fixed.beta.unwrap_or_else(|| free.next().unwrap_or(0.0)),
        ]
    }

    /// Number of exponents searched.
    fn free(&self) -> usize {
        [self.fixed.alpha, self.fixed.beta].iter().filter(|f| f.is_none()).count()
    }

    /// Grid scan over the free exponents, then Nelder–Mead from the best few grid points; the
    /// overall best wins.
    fn best_exponents(&self) -> [f64; 2] {
        let k = self.free();
        if k == 0 {
            return self.exponents(&[]);
        }
        let axis: Vec<f64> = std::iter::once(0.0)
            .chain((0..GRID_POINTS).map(|k| {
                let t = k as f64 / (GRID_POINTS - 1) as f64;
                GRID_MIN * (EXPONENT_MAX / GRID_MIN).powf(t)
            }))
            .collect();
        let points: Vec<Vec<f64>> = if k == 1 {
            axis.iter().map(|&a| vec![a]).collect()
        } else {
            axis.iter().flat_map(|&a| axis.iter().map(move |&b| vec![a, b])).collect()
        };
        let mut scanned: Vec<(f64, Vec<f64>)> = points
            .into_iter()
            .map(|p| {
                let [a, b] = self.exponents(&p);
                (self.solve(a, b).1, p)
            })
            .collect();
        scanned.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut best = scanned.first().cloned().unwrap_or((f64::INFINITY, vec![0.0; k]));
        for (_, start) in scanned.iter().take(STARTS) {
            if let Some((cost, p)) = self.refine(start)
                && cost < best.0
            {
                best = (cost, p);
            }
        }
        self.exponents(&best.1)
    }

    /// Nelder–Mead from `start` (the free exponents); returns the best (SSE, clamped free
    /// exponents), `None` if argmin fails.
    fn refine(&self, start: &[f64]) -> Option<(f64, Vec<f64>)> {
        let step = |x: f64| 0.1 * x.max(0.1);
        let mut simplex = vec![start.to_vec()];
        for i in 0..start.len() {
            let mut vertex = start.to_vec();
            vertex[i] += step(start[i]);
            simplex.push(vertex);
        }
        let solver = NelderMead::new(simplex).with_sd_tolerance(1e-22).ok()?;
        let result = Executor::new(self, solver).configure(|state| state.max_iters(400)).timer(false).run().ok()?;
        let p: Vec<f64> = result.state().get_best_param()?.iter().map(|x| x.clamp(0.0, EXPONENT_MAX)).collect();
        let [a, b] = self.exponents(&p);
        Some((self.solve(a, b).1, p))
    }
}

impl CostFunction for &Profile<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, p: &Vec<f64>) -> Result<f64, ArgminError> {
        let outside = |x: f64| {
            if x < 0.0 { -x } else { (x - EXPONENT_MAX).max(0.0) }
        };
        let excess: f64 = p.iter().map(|x| outside(*x).powi(2)).sum();
        let [alpha, beta] = self.exponents(p);
        Ok(self.solve(alpha, beta).1 + self.penalty * excess)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equation_format() {
        let s = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
        assert_eq!(s.equation(), "R(n, m) = (5.00·n^-0.500 + 0.300)·m^-0.400 + 0.0500");
    }

    #[test]
    fn marginal_rate_edge_cases() {
        let no_source = Surface { a: 0.0, alpha: 0.0, b: 1.0, beta: 0.5, eps: 0.0 };
        let mrs = marginal_rate(&no_source, 100.0, 10.0);
        assert_eq!(mrs.samples_per_target, f64::INFINITY);
        let flat = Surface { a: 0.0, alpha: 0.0, b: 0.0, beta: 0.0, eps: 0.3 };
        assert!(marginal_rate(&flat, 100.0, 10.0).samples_per_target.is_nan());
        assert!(marginal_rate(&no_source, -1.0, 10.0).dr_dn.is_nan());
    }
}
