//! The two-dimensional law and the exchange rate between source and target samples:
//! R(n, m) = (A·n^-α + B)·m^-β + ε fitted to the mean transfer MAE of every (n, m) cell, and the
//! marginal rate of substitution at the largest n and m (or the point of `fit surface at (...)`)
//! with a bootstrap CI over trials, resampled jointly across all cells (one draw of trial ids per
//! replicate, applied at every (n, m): trial t has the same test rows everywhere; see
//! [`crate::stats::JointBootstrap`] for cells a drawn trial is missing from). When the
//! surface does not describe the data (degenerate fit or R² below [`SURFACE_MIN_R2`]), the rate is
//! taken, as the paper does for its multitask case, from 1-D power laws along each axis through
//! the point, and reported as such.

use std::collections::BTreeMap;

use crate::fit::{PowerLaw, SurfaceFixed, fit_power_law, fit_surface_with, marginal_rate};
use crate::ir::{Arm, MrsPoint};
use crate::plan::seeds::derive;
use crate::results::{Exchange, FitRecord, TrialRow};
use crate::stats::{JointBootstrap, mean, quantile};

/// Below this R², Eq. 1 is not taken to describe the surface.
pub const SURFACE_MIN_R2: f64 = 0.95;
/// Above this reduced χ² (squared residuals of the cell means over their squared standard
/// errors, per degree of freedom), the residuals are larger than trial noise explains.
pub const SURFACE_MAX_CHI2: f64 = 4.0;
const REPS: usize = 200;

/// Per (n, m) cell: the finite per-trial MAEs of the measured arm, keyed by trial id.
type Cells = JointBootstrap<(usize, usize)>;

fn cells(trials: &[TrialRow]) -> Cells {
    JointBootstrap::new(trials.iter().filter(|t| t.arm.uses_source()).map(|t| ((t.n, t.m), t.trial, t.mae)))
}

/// The fit record of the surface and the exchange rate at the largest n and m.
pub fn surface_and_exchange(trials: &[TrialRow], seed: u64) -> (FitRecord, Option<Exchange>) {
    surface_and_exchange_at(trials, seed, None)
}

/// As [`surface_and_exchange`], with the exchange rate at `at` when given (it may lie outside
/// the grid: the fitted law is then extrapolated). The axis-gradient fallback fits its 1-D laws
/// along the grid lines nearest to the point (in log distance) and takes their slopes at it.
pub fn surface_and_exchange_at(trials: &[TrialRow], seed: u64, at: Option<MrsPoint>) -> (FitRecord, Option<Exchange>) {
    surface_and_exchange_fixed(trials, seed, at, &SurfaceFixed::default())
}

/// As [`surface_and_exchange_at`], with the parameters of `fixed` held in the Eq. 1 fit and in
/// every bootstrap refit (listed in the record's `fixed`, without a CI). The axis-gradient
/// fallback's 1-D laws do not use them.
pub fn surface_and_exchange_fixed(
    trials: &[TrialRow],
    seed: u64,
    at: Option<MrsPoint>,
    fixed: &SurfaceFixed,
) -> (FitRecord, Option<Exchange>) {
    let cells = cells(trials);
    let means: Vec<((usize, usize), f64)> = cells.means();
    let arm = trials.iter().map(|t| t.arm).find(|a| a.uses_source()).unwrap_or(Arm::Transfer);
    let mut rec = FitRecord::empty("surface", arm, 0);
    rec.fixed = fixed.fixed().iter().map(|(k, _)| k.to_string()).collect();
    let Some(&((n_max, _), _)) = means.iter().max_by_key(|((n, _), _)| *n) else {
        rec.degenerate = Some("no fit: no finite transfer MAE".into());
        return (rec, None);
    };
    let m_max = means.iter().map(|((_, m), _)| *m).max().unwrap_or(0);
    let (n_star, m_star) = at.map_or((n_max, m_max), |p| (p.n, p.m));
    // The grid lines the fallback's 1-D laws run along.
    let n_line = nearest(means.iter().map(|((n, _), _)| *n), n_star);
    let m_line = nearest(means.iter().map(|((_, m), _)| *m), m_star);
    let lines = Lines { n_line, m_line, n_star, m_star };
    let extrapolated = outside_grid(&means, n_star, m_star);
    let fit = fit_means(&means, fixed);
    let mut fallback_reason = None;
    match &fit {
        Ok(f) => {
            let s = &f.surface;
            rec.params = BTreeMap::from([
                ("A".into(), s.a),
                ("alpha".into(), s.alpha),
                ("B".into(), s.b),
                ("beta".into(), s.beta),
                ("eps".into(), s.eps),
            ]);
            rec.r2 = f.r2;
            rec.equation = s.equation();
            rec.degenerate = f.degenerate.clone();
            rec.set_dof(means.len(), 5 - rec.fixed.len());
            if let Some(d) = &f.degenerate {
                fallback_reason = Some(format!("the Eq. 1 fit is degenerate ({d})"));
            } else if f.r2.is_nan() || f.r2 < SURFACE_MIN_R2 {
                fallback_reason =
                    Some(format!("Eq. 1 leaves structure in the residuals (R² = {:.3} < {SURFACE_MIN_R2})", f.r2));
            } else if let Some(chi2) = reduced_chi2(&cells, s, 5 - rec.fixed.len())
                && chi2 > SURFACE_MAX_CHI2
            {
                fallback_reason = Some(format!(
                    "Eq. 1 leaves structure in the residuals: they are {:.1}× larger than the trial-to-trial noise explains (reduced χ² = {chi2:.1} > {SURFACE_MAX_CHI2})",
                    chi2.sqrt()
                ));
            }
        }
        Err(e) => {
            rec.degenerate = Some(format!("no fit: {e}"));
            fallback_reason = Some(format!("Eq. 1 cannot be fitted ({e})"));
        }
    }
    // Bootstrap: one draw of trial ids per replicate, applied to every cell; refit, recompute.
    let mut boot_params: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut boot_rate = Vec::new();
    for resampled in cells.replicates(REPS, derive(seed, "surface ci")) {
        let refit = fit.as_ref().ok().and_then(|_| fit_means(&resampled, fixed).ok());
        if let Some(f) = &refit {
            let s = &f.surface;
            for (k, v) in [("A", s.a), ("alpha", s.alpha), ("B", s.b), ("beta", s.beta), ("eps", s.eps)] {
                boot_params.entry(k).or_default().push(v);
            }
        }
        if fallback_reason.is_none() {
            if let Some(f) = &refit {
                boot_rate.push(marginal_rate(&f.surface, n_star as f64, m_star as f64).samples_per_target);
            }
        } else if let Some(a) = axis_rate(&resampled, &lines) {
            boot_rate.push(a.rate);
        }
    }
    for (k, v) in boot_params.into_iter().filter(|(k, _)| !rec.fixed.iter().any(|f| f == k)) {
        rec.ci90.insert(k.to_string(), percentile_ci(v, cells.trials()));
    }
    if !rec.ci90.is_empty() {
        rec.set_ci_trials(cells.trials());
    }
    let exchange = match (&fit, &fallback_reason) {
        (Ok(f), None) => {
            let r = marginal_rate(&f.surface, n_star as f64, m_star as f64);
            Some(Exchange {
                n: n_star,
                m: m_star,
                dr_dn: r.dr_dn,
                dr_dm: r.dr_dm,
                samples_per_target: r.samples_per_target,
                ci90: percentile_ci(boot_rate, cells.trials()),
                method: "surface".into(),
                note: extrapolated.clone(),
                degenerate: f.degenerate.clone(),
            })
        }
        (_, reason) => axis_rate(&means, &lines).map(|a| Exchange {
            n: n_star,
            m: m_star,
            dr_dn: a.dr_dn,
            dr_dm: a.dr_dm,
            samples_per_target: a.rate,
            ci90: percentile_ci(boot_rate, cells.trials()),
            degenerate: a.trouble,
            method: "axis_gradients".into(),
            note: Some(format!(
                "{}; the rate comes from 1-D power laws along n at m = {m_line} and along m at n = {n_line}, as the paper does where Eq. 1 fails{}",
                reason.clone().unwrap_or_default(),
                extrapolated.as_ref().map_or(String::new(), |e| format!("; {e}"))
            )),
        }),
    };
    (rec, exchange)
}

/// "extrapolated: ..." when (n, m) lies outside the n or m range of the measured cells.
fn outside_grid(means: &[((usize, usize), f64)], n: usize, m: usize) -> Option<String> {
    let range = |vs: Vec<usize>| (vs.iter().copied().min().unwrap_or(0), vs.iter().copied().max().unwrap_or(0));
    let (n_lo, n_hi) = range(means.iter().map(|((n, _), _)| *n).collect());
    let (m_lo, m_hi) = range(means.iter().map(|((_, m), _)| *m).collect());
    let out = n < n_lo || n > n_hi || m < m_lo || m > m_hi;
    out.then(|| {
        format!("extrapolated: (n = {n}, m = {m}) lies outside the measured grid (n in [{n_lo}, {n_hi}], m in [{m_lo}, {m_hi}])")
    })
}

/// Σ((mean − fit)/se)² / (cells − free parameters) over cells with ≥ 2 trials; None without
/// enough cells.
fn reduced_chi2(cells: &Cells, s: &crate::fit::Surface, free: usize) -> Option<f64> {
    let mut sum = 0.0;
    let mut k = 0usize;
    for ((n, m), _) in cells.means() {
        let v: Vec<f64> = cells.cell(&(n, m)).into_iter().map(|(_, x)| x).collect();
        if v.len() < 2 {
            continue;
        }
        let v = &v;
        let se = crate::stats::sd(v) / (v.len() as f64).sqrt();
        let resid = mean(v) - s.eval(n as f64, m as f64);
        // A cell without spread cannot calibrate the noise; skip it.
        if se > 0.0 && se.is_finite() {
            sum += (resid / se).powi(2);
            k += 1;
        }
    }
    (k > free).then(|| sum / (k - free) as f64)
}

fn fit_means(
    means: &[((usize, usize), f64)],
    fixed: &SurfaceFixed,
) -> Result<crate::fit::SurfaceFit, crate::fit::FitError> {
    let n: Vec<f64> = means.iter().map(|((n, _), _)| *n as f64).collect();
    let m: Vec<f64> = means.iter().map(|((_, m), _)| *m as f64).collect();
    let r: Vec<f64> = means.iter().map(|(_, r)| *r).collect();
    fit_surface_with(&n, &m, &r, fixed)
}

/// dR/dn of a 1-D power law at x.
fn slope(law: &PowerLaw, x: f64) -> f64 {
    -law.alpha * law.d * x.powf(-law.alpha - 1.0)
}

/// Where the fallback takes its gradients: 1-D laws along n at `m_line` and along m at `n_line`
/// (grid values), evaluated at (`n_star`, `m_star`).
struct Lines {
    n_line: usize,
    m_line: usize,
    n_star: usize,
    m_star: usize,
}

/// The grid value nearest to `target` in log distance (ties: the smaller); `target` if there is none.
fn nearest(values: impl Iterator<Item = usize>, target: usize) -> usize {
    let dist = |v: usize| ((v.max(1) as f64) / (target.max(1) as f64)).ln().abs();
    values.min_by(|a, b| dist(*a).total_cmp(&dist(*b)).then(a.cmp(b))).unwrap_or(target)
}

/// The exchange rate of the axis-gradient fallback.
struct AxisRate {
    dr_dn: f64,
    dr_dm: f64,
    /// Source samples per target sample (+∞ when the fit along n is flat, NaN when both are).
    rate: f64,
    /// Why either 1-D fit should not be trusted (degenerate, or exact with no residual dof).
    trouble: Option<String>,
}

/// The rate from 1-D fits along each axis through the grid lines of `lines`; None when either
/// axis has too few points to fit.
fn axis_rate(means: &[((usize, usize), f64)], lines: &Lines) -> Option<AxisRate> {
    let Lines { n_line, m_line, n_star, m_star } = *lines;
    let along = |fixed_n: bool| {
        let pts: Vec<(f64, f64)> = means
            .iter()
            .filter(|((n, m), _)| if fixed_n { *n == n_line } else { *m == m_line })
            .map(|((n, m), r)| (if fixed_n { *m } else { *n } as f64, *r))
            .collect();
        let x: Vec<f64> = pts.iter().map(|p| p.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| p.1).collect();
        let fit = fit_power_law(&x, &y).ok()?;
        let axis = if fixed_n { format!("m at n = {n_line}") } else { format!("n at m = {m_line}") };
        let trouble = match (&fit.degenerate, x.len() <= 3) {
            (Some(d), _) => Some(format!("the 1-D fit along {axis} is degenerate (R² = {:.2}: {d})", fit.r2)),
            (None, true) => Some(format!("the 1-D fit along {axis} is exact ({} points, 3 parameters)", x.len())),
            (None, false) => None,
        };
        Some((fit.law, trouble))
    };
    let (in_n, t_n) = along(false)?;
    let (in_m, t_m) = along(true)?;
    let dr_dn = slope(&in_n, n_star as f64);
    let dr_dm = slope(&in_m, m_star as f64);
    let rate = if dr_dn == 0.0 { if dr_dm == 0.0 { f64::NAN } else { f64::INFINITY } } else { dr_dm / dr_dn };
    let trouble = [t_n, t_m].into_iter().flatten().collect::<Vec<_>>();
    Some(AxisRate { dr_dn, dr_dm, rate, trouble: (!trouble.is_empty()).then(|| trouble.join("; ")) })
}

/// The 90 % percentile interval of bootstrap replicates. Infinite replicates (a replicate in which
/// source data no longer helps has rate +∞) stay in the order statistics, so the interval is not
/// biased low when the curve is flat in n and its upper bound may be +∞. Undefined (NaN)
/// replicates are left out; fewer than 10 defined ones give no interval.
/// The 90 % expanded percentile interval of replicates over `trials` resampled trials
/// (Hesterberg's small-sample expansion, see [`crate::stats::expanded_tail`]); infinite values
/// stay in the order statistics; NaN with fewer than 10 replicates.
fn percentile_ci(mut v: Vec<f64>, trials: usize) -> [f64; 2] {
    v.retain(|x| !x.is_nan());
    if v.len() < 10 {
        return [f64::NAN, f64::NAN];
    }
    v.sort_by(f64::total_cmp);
    let tail = crate::stats::expanded_tail(0.9, trials);
    [quantile(&v, tail), quantile(&v, 1.0 - tail)]
}

/// The surface fitted to the cell means and its bootstrap refits: the same replicates (one joint
/// draw of trial ids per replicate, [`REPS`] of them, seed `derive(seed, "surface ci")`) that the
/// CIs of [`surface_and_exchange_at`] come from, for callers that need whole surfaces (the budget
/// planner). Replicates whose refit fails are left out and counted in `failed`.
#[derive(Debug, Clone)]
pub struct SurfaceReplicates {
    pub fit: Result<crate::fit::SurfaceFit, crate::fit::FitError>,
    pub replicates: Vec<crate::fit::Surface>,
    pub failed: usize,
    /// The largest measured n and m (0 without cells).
    pub n_max: usize,
    pub m_max: usize,
    /// Distinct trials resampled.
    pub trials: usize,
}

/// See [`SurfaceReplicates`].
pub fn surface_replicates(trials: &[TrialRow], seed: u64, fixed: &SurfaceFixed) -> SurfaceReplicates {
    surface_replicates_if(trials, seed, fixed, |_| true)
}

/// As [`surface_replicates`], refitting the replicates only when the point fit succeeds and
/// `wanted` accepts it (the refits are the expensive part; a caller that will reject the fit
/// anyway skips them and gets no replicates).
pub fn surface_replicates_if(
    trials: &[TrialRow],
    seed: u64,
    fixed: &SurfaceFixed,
    wanted: impl FnOnce(&crate::fit::SurfaceFit) -> bool,
) -> SurfaceReplicates {
    let cells = cells(trials);
    let means = cells.means();
    let fit = fit_means(&means, fixed);
    let (mut replicates, mut failed) = (Vec::new(), 0);
    if fit.as_ref().is_ok_and(wanted) {
        for resampled in cells.replicates(REPS, derive(seed, "surface ci")) {
            match fit_means(&resampled, fixed) {
                Ok(f) => replicates.push(f.surface),
                Err(_) => failed += 1,
            }
        }
    }
    SurfaceReplicates {
        fit,
        replicates,
        failed,
        n_max: means.iter().map(|((n, _), _)| *n).max().unwrap_or(0),
        m_max: means.iter().map(|((_, m), _)| *m).max().unwrap_or(0),
        trials: cells.trials(),
    }
}
