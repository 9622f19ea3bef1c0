//! The data-budget planner on a run's fitted surface, with its uncertainty: the optimum of
//! [`crate::fit::budget`] on the surface fitted to the cell means, and the same answer on every
//! bootstrap refit of the surface (the replicates of [`super::surface::surface_replicates`], which
//! are the ones the fit's CIs use), the expansion path, and the grid points to measure next.
//! The answer's types live in [`crate::results::budget`] (results.json holds them); the text is
//! rendered by `report`.

use thiserror::Error;

use crate::fit::Surface;
use crate::fit::budget::{Ask, Costs, Have, Outcome, marginal, solve, validate};
use crate::number::{amount as fmt, row_count as count};
use crate::results::TrialRow;
pub use crate::results::budget::{
    Budget, BudgetCi, BudgetFailure, BudgetOutcome, Extrapolation, HavePoint, MarginalRecord, NextMeasurements,
    NextPoint, PathPoint,
};
use crate::stats::quantile;

use super::surface::surface_replicates_if;

/// A buy-first call is made when at least this share of replicates (or at most 1 − it) agrees.
pub const DECIDE: f64 = 0.9;
/// A 90 % interval of the optimal cost wider than this factor (upper / lower) is too wide to
/// budget on.
pub const COST_SPREAD_MAX: f64 = 3.0;
/// Fewer usable replicates than this give no intervals.
const MIN_REPLICATES: usize = 10;

/// What to plan: costs, the starting point (default: the largest measured n and m) and the ask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    pub costs: Costs,
    pub have: Option<Have>,
    pub ask: Ask,
}

/// Why no budget can be planned on a run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BudgetError {
    /// Bad costs, `have` or ask.
    #[error(transparent)]
    Input(#[from] crate::fit::BudgetInputError),
    /// The surface could not be fitted to the run's trials.
    #[error("the surface R(n, m) cannot be fitted to this run ({0}), so there is nothing to plan on")]
    NoSurface(crate::fit::FitError),
    /// The surface was fitted but is degenerate (the reason in words).
    #[error("the fitted surface is degenerate ({0}), so a budget planned on it would be meaningless")]
    Degenerate(String),
    /// The goal is at or below the surface's floor.
    #[error(
        "the goal {} is unreachable on the fitted surface {equation}: it is at or below the floor {}, {why}",
        fmt(*.goal),
        fmt(*.floor)
    )]
    Unreachable { goal: f64, equation: String, floor: f64, why: String },
}

impl BudgetError {
    /// The failure's name in results.json (`budget.failure`).
    pub fn failure(&self) -> &'static str {
        match self {
            BudgetError::Input(_) => "input",
            BudgetError::NoSurface(_) => "no_surface",
            BudgetError::Degenerate(_) => "degenerate",
            BudgetError::Unreachable { .. } => "unreachable",
        }
    }
}

/// The request a study's `budget` block makes.
pub fn request(spec: &crate::ir::BudgetSpec) -> Request {
    Request {
        costs: Costs { source: spec.source_cost, target: spec.target_cost },
        have: spec.have.map(|p| Have { n: p.n as f64, m: p.m as f64 }),
        ask: match spec.ask.value {
            crate::ir::BudgetAsk::Goal(g) => Ask::Goal(g),
            crate::ir::BudgetAsk::Spend(x) => Ask::Spend(x),
        },
    }
}

/// What results.json records for a study's `budget` block: the plan on the run's surface
/// (fitted with the study's fixed parameters), or why there is none.
pub fn for_study(study: &crate::ir::Study, trials: &[TrialRow]) -> Option<BudgetOutcome> {
    let spec = study.budget.as_ref()?;
    let fixed = study
        .fits
        .iter()
        .find(|f| f.law == crate::ir::Law::Surface)
        .map(|f| crate::fit::SurfaceFixed::from_pairs(&f.fixed))
        .unwrap_or_default();
    Some(match plan(trials, study.seed, &fixed, &request(spec)) {
        Ok(b) => BudgetOutcome::Planned(Box::new(b)),
        Err(e) => BudgetOutcome::Failed(BudgetFailure { failure: e.failure().into(), error: e.to_string() }),
    })
}

/// A failed budget as a study problem: on the goal when it is unreachable, else on `budget`.
pub fn problem(spec: &crate::ir::BudgetSpec, failed: &BudgetFailure) -> crate::diag::Problem {
    let (span, label) = match failed.failure.as_str() {
        "unreachable" => (spec.ask.span, "below the fitted surface's floor"),
        _ => (spec.span, "cannot be planned"),
    };
    let help = match failed.failure.as_str() {
        "unreachable" => {
            "raise the goal above the floor, or ask for a `spend` instead; every other result of the run is written"
        }
        _ => "every other result of the run is written; measure a grid the surface R(n, m) can be fitted to",
    };
    crate::diag::Problem::new(crate::diag::ProblemKind::BudgetUnplannable { why: failed.error.clone() }, span, label)
        .with_help(help)
}

/// Plan on the surface fitted to `trials` (recomputed with the run's `seed` and the study's fixed
/// parameters, as the run fitted it). Errors: bad inputs, no usable surface, an unreachable goal.
pub fn plan(
    trials: &[TrialRow],
    seed: u64,
    fixed: &crate::fit::SurfaceFixed,
    req: &Request,
) -> Result<Budget, BudgetError> {
    // Costs and the ask first (`have` is checked once its default is known).
    validate(req.costs, req.have.unwrap_or(Have { n: 1.0, m: 1.0 }), req.ask)?;
    let grid_max = |t: &[TrialRow], f: fn(&TrialRow) -> usize| {
        t.iter().filter(|t| t.arm.uses_source() && t.mae.is_finite()).map(f).max().unwrap_or(0)
    };
    let have = req.have.unwrap_or(Have { n: grid_max(trials, |t| t.n) as f64, m: grid_max(trials, |t| t.m) as f64 });
    validate(req.costs, have, req.ask)?;
    // The point answer (or why there is none) before the bootstrap refits.
    let mut point = None;
    let sr = surface_replicates_if(trials, seed, fixed, |fit| {
        let answer = point_answer(fit, req, have);
        let ok = answer.is_ok();
        point = Some(answer);
        ok
    });
    let fit = sr.fit.map_err(BudgetError::NoSurface)?;
    let point = point.unwrap_or_else(|| point_answer(&fit, req, have))?;
    let s = fit.surface;
    let mg = marginal(&s, req.costs, have);
    let (mut ns, mut ms, mut costs, mut maes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cloud = Vec::new();
    let (mut source_first, mut unreachable) = (0usize, 0usize);
    for r in &sr.replicates {
        match solve(r, req.costs, have, req.ask) {
            Outcome::Optimum(o) => {
                ns.push(o.n);
                ms.push(o.m);
                costs.push(o.cost);
                if o.n.is_finite() && o.m.is_finite() {
                    cloud.push([o.n, o.m]);
                }
            }
            Outcome::Unreachable(_) => {
                unreachable += 1;
                for v in [&mut ns, &mut ms, &mut costs] {
                    v.push(f64::INFINITY);
                }
            }
        }
        maes.push(r.eval(point.n, point.m));
        source_first += usize::from(marginal(r, req.costs, have).source_first);
    }
    let reps = sr.replicates.len();
    let tail = crate::stats::expanded_tail(0.9, sr.trials);
    let ci90 = BudgetCi {
        n: interval(ns, tail),
        m: interval(ms, tail),
        cost: interval(costs, tail),
        mae: interval(maes, tail),
    };
    let p_source_first = if reps >= MIN_REPLICATES { source_first as f64 / reps as f64 } else { f64::NAN };
    let decided = p_source_first >= DECIDE || p_source_first <= 1.0 - DECIDE;
    let [c_lo, c_hi] = ci90.cost;
    let cost_too_wide = matches!(req.ask, Ask::Goal(_))
        && point.cost > 0.0
        && !(c_hi.is_finite() && c_lo > 0.0 && c_hi / c_lo <= COST_SPREAD_MAX);
    let extrapolation = extrapolation(point.n, point.m, sr.n_max, sr.m_max);
    let path = expansion_path(&s, req.costs, have, point.cost);
    let measured: Vec<(usize, usize)> = measured_cells(trials);
    let next = next_measurements(&s, &sr.replicates, &path, point.cost, &measured, sr.trials);
    let (mode, goal, spend) = match req.ask {
        Ask::Goal(g) => ("goal", Some(g), None),
        Ask::Spend(x) => ("spend", None, Some(x)),
    };
    let mut b = Budget {
        n: point.n,
        m: point.m,
        cost: point.cost,
        total_cost: point.total_cost,
        mae: point.mae,
        mode: mode.into(),
        goal,
        spend,
        source_cost: req.costs.source,
        target_cost: req.costs.target,
        have: HavePoint { n: have.n, m: have.m, mae: s.eval(have.n, have.m) },
        decision: point.corner.as_str().into(),
        decision_words: point.corner.words().into(),
        marginal: MarginalRecord {
            dr_dn: mg.dr_dn,
            dr_dm: mg.dr_dm,
            source_per_cost: mg.source_per_cost,
            target_per_cost: mg.target_per_cost,
            samples_per_target: mg.samples_per_target,
            price_ratio: mg.price_ratio,
            source_first: mg.source_first,
            buy_first: if mg.source_first { "source" } else { "target" }.into(),
            words: mg.words(),
        },
        ci90,
        p_source_first,
        decided,
        cost_too_wide,
        replicates: reps,
        unreachable_replicates: unreachable,
        failed_replicates: sr.failed,
        extrapolation,
        surface: s.equation(),
        params: s,
        surface_r2: fit.r2,
        path,
        cloud,
        next,
        verdict: Vec::new(),
    };
    b.verdict = verdict(&b, sr.trials);
    Ok(b)
}

/// The optimum on the fitted surface, or why it cannot be planned on.
fn point_answer(
    fit: &crate::fit::SurfaceFit,
    req: &Request,
    have: Have,
) -> Result<crate::fit::budget::Optimum, BudgetError> {
    if let Some(d) = &fit.degenerate {
        return Err(BudgetError::Degenerate(d.to_string()));
    }
    let s = &fit.surface;
    match solve(s, req.costs, have, req.ask) {
        Outcome::Optimum(o) => Ok(o),
        Outcome::Unreachable(u) => Err(BudgetError::Unreachable {
            goal: u.goal,
            equation: s.equation(),
            floor: u.floor,
            why: u.why.to_string(),
        }),
    }
}

/// The 90 % interval read at `tail` and 1 − `tail` (the expanded percentile interval of the fit's
/// CIs, [`crate::stats::expanded_tail`]); infinite values stay in the order statistics; NaN with
/// fewer than [`MIN_REPLICATES`] values.
fn interval(mut v: Vec<f64>, tail: f64) -> [f64; 2] {
    v.retain(|x| !x.is_nan());
    if v.len() < MIN_REPLICATES {
        return [f64::NAN, f64::NAN];
    }
    v.sort_by(f64::total_cmp);
    [quantile(&v, tail), quantile(&v, 1.0 - tail)]
}

fn extrapolation(n: f64, m: f64, n_max: usize, m_max: usize) -> Extrapolation {
    let (n_factor, m_factor) = (n / n_max as f64, m / m_max as f64);
    let mut beyond = Vec::new();
    if n_factor > 1.0 {
        beyond.push(format!("n = {} is ×{} the largest measured n ({n_max})", count(n), fmt(n_factor)));
    }
    if m_factor > 1.0 {
        beyond.push(format!("m = {} is ×{} the largest measured m ({m_max})", count(m), fmt(m_factor)));
    }
    let note = (!beyond.is_empty()).then(|| {
        format!(
            "extrapolated beyond the measured grid: {}; the fitted law is trusted there only as far as its form holds",
            beyond.join(", ")
        )
    });
    Extrapolation { n_max, m_max, n_factor, m_factor, note }
}

fn verdict(b: &Budget, trials: usize) -> Vec<String> {
    let mut out = Vec::new();
    let p = b.p_source_first;
    if b.replicates < MIN_REPLICATES {
        out.push(format!(
            "no uncertainty: only {} bootstrap replicates of the surface could be refitted ({trials} trials); run more trials",
            b.replicates
        ));
    } else if b.decided {
        let (what, share) = if p >= DECIDE { ("simulations", p) } else { ("experiments", 1.0 - p) };
        out.push(format!(
            "buy {what} first: it is the better buy on {:.0} % of the bootstrap replicates of the surface",
            share * 100.0
        ));
    } else {
        out.push(format!(
            "too uncertain to decide what to buy first: simulations are the better buy on {:.0} % of the bootstrap replicates \
             (a call needs ≥ {:.0} % either way); measure more trials or grid points nearer the optimum",
            p * 100.0,
            DECIDE * 100.0
        ));
    }
    if b.unreachable_replicates > 0 {
        out.push(format!(
            "the goal is unreachable on {} of {} replicates (their floor ε lies above it)",
            b.unreachable_replicates, b.replicates
        ));
    }
    if b.cost_too_wide {
        let [lo, hi] = b.ci90.cost;
        out.push(if hi.is_finite() {
            format!(
                "the 90 % interval of the optimal cost spans a factor {} ({} to {}): too wide to budget on",
                fmt(hi / lo),
                fmt(lo),
                fmt(hi)
            )
        } else {
            format!("the 90 % interval of the optimal cost is unbounded (from {}): too wide to budget on", fmt(lo))
        });
    }
    if let Some(note) = &b.extrapolation.note {
        out.push(note.clone());
    }
    if b.surface_r2 < R2_LOOSE {
        out.push(format!(
            "Eq. 1 describes the measured cells only loosely (R² = {} < {R2_LOOSE}): the plan inherits the error of its form",
            crate::number::sig3(b.surface_r2)
        ));
    }
    out
}

/// Below this R² of the surface over the cell means the verdict warns (the exchange rate falls
/// back to 1-D fits there; the planner needs the surface itself and keeps it).
const R2_LOOSE: f64 = 0.95;

/// Spends along the expansion path, as shares of the answer's spend (0 = `have`; the path runs
/// on to twice the answer so that the figure shows where it leads).
const PATH_SHARES: usize = 24;

/// The optimum on `s` for spends from 0 to twice `to` beyond `have` (geometric from 1 % of `to`):
/// the expansion path. Just `have` when `to` is 0.
pub fn expansion_path(s: &Surface, costs: Costs, have: Have, to: f64) -> Vec<PathPoint> {
    let at_have = PathPoint { spend: 0.0, n: have.n, m: have.m, mae: s.eval(have.n, have.m) };
    if !(to.is_finite() && to > 0.0) {
        return vec![at_have];
    }
    let (lo, hi) = (to / 100.0, 2.0 * to);
    let spends = (0..PATH_SHARES).map(|i| lo * (hi / lo).powf(i as f64 / (PATH_SHARES - 1) as f64));
    let mut path: Vec<PathPoint> = std::iter::once(at_have)
        .chain(spends.chain(std::iter::once(to)).filter_map(|x| {
            let o = *solve(s, costs, have, Ask::Spend(x)).optimum()?;
            Some(PathPoint { spend: x, n: o.n, m: o.m, mae: o.mae })
        }))
        .collect();
    // In order of spend (the answer's own spend among the others).
    path.sort_by(|a, b| a.spend.total_cmp(&b.spend));
    path
}

/// The (n, m) cells the run measured with the arm that uses the source.
fn measured_cells(trials: &[TrialRow]) -> Vec<(usize, usize)> {
    let mut cells: Vec<(usize, usize)> =
        trials.iter().filter(|t| t.arm.uses_source() && t.mae.is_finite()).map(|t| (t.n, t.m)).collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// Two significant digits, rounded up (a grid value to measure: 1234 → 1300).
fn round_up_2(x: f64) -> usize {
    if !(x.is_finite() && x >= 1.0) {
        return 1;
    }
    let unit = 10f64.powi((x.log10().floor() as i32 - 1).max(0));
    ((x / unit).ceil() * unit) as usize
}

/// Points apart by less than this factor in both n and m are one candidate.
const NEXT_SEPARATION: f64 = 1.5;

/// The grid points to measure next (see [`NextMeasurements`]): the expansion path from `have` up
/// to the answer's spend `to`, the sizes it grows rounded up to two significant digits (those it
/// keeps at `have` as they are), without measured cells, ranked
/// by the bootstrap spread of R there relative to R; each pick at least a factor
/// [`NEXT_SEPARATION`] in n or m from those above it.
fn next_measurements(
    s: &Surface,
    replicates: &[Surface],
    path: &[PathPoint],
    to: f64,
    measured: &[(usize, usize)],
    trials: usize,
) -> NextMeasurements {
    let none = |note: &str| NextMeasurements { points: Vec::new(), grid: String::new(), note: note.into() };
    if replicates.len() < MIN_REPLICATES {
        return none("no bootstrap replicates to rank grid points by");
    }
    let mut candidates: Vec<NextPoint> = Vec::new();
    // A size the path does not grow stays at `have` (the path's first point) as it is.
    let Some(start) = path.first() else { return none("no expansion path") };
    let snap = |x: f64, at_have: f64| if x <= at_have * (1.0 + 1e-9) { at_have.ceil() as usize } else { round_up_2(x) };
    for p in path.iter().filter(|p| p.spend > 0.0 && p.spend <= to * (1.0 + 1e-12)) {
        let (n, m) = (snap(p.n, start.n), snap(p.m, start.m));
        if measured.contains(&(n, m)) || candidates.iter().any(|c| c.n == n as f64 && c.m == m as f64) {
            continue;
        }
        let (nf, mf) = (n as f64, m as f64);
        let mae = s.eval(nf, mf);
        let values: Vec<f64> = replicates.iter().map(|r| r.eval(nf, mf)).filter(|v| v.is_finite()).collect();
        let rel_sd = crate::stats::sd(&values) / mae;
        if rel_sd.is_finite() {
            candidates.push(NextPoint { n: nf, m: mf, mae, rel_sd });
        }
    }
    if candidates.is_empty() {
        return none(if to > 0.0 {
            "every point of the expansion path up to the answer is a measured grid point"
        } else {
            "nothing to buy, so nothing to measure next"
        });
    }
    candidates.sort_by(|a, b| b.rel_sd.total_cmp(&a.rel_sd));
    let mut points: Vec<NextPoint> = Vec::new();
    for c in candidates {
        let near = |p: &NextPoint| {
            let ratio = |a: f64, b: f64| a.max(b) / a.min(b);
            ratio(p.n, c.n) < NEXT_SEPARATION && ratio(p.m, c.m) < NEXT_SEPARATION
        };
        if points.len() < NextMeasurements::MAX && !points.iter().any(near) {
            points.push(c);
        }
    }
    let mut ns: Vec<usize> = points.iter().map(|p| p.n as usize).collect();
    let mut ms: Vec<usize> = points.iter().map(|p| p.m as usize).collect();
    for v in [&mut ns, &mut ms] {
        v.sort_unstable();
        v.dedup();
    }
    let list = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    let grid = format!("grid {{ n = [{}]  m = [{}]  trials = {trials} }}", list(&ns), list(&ms));
    let cells = ns.len() * ms.len();
    let note = format!(
        "the {} point(s) of the expansion path with the widest bootstrap spread of the predicted MAE; the grid line's \
         {cells} cell(s) (n × m) hold them",
        points.len()
    );
    NextMeasurements { points, grid, note }
}
