//! The data-budget planner on a run's fitted surface, with its uncertainty: the optimum of
//! [`crate::fit::budget`] on the surface fitted to the cell means, and the same answer on every
//! bootstrap refit of the surface (the replicates of [`super::surface::surface_replicates`], which
//! are the ones the fit's CIs use).

use serde::Serialize;
use thiserror::Error;

use crate::fit::budget::{Ask, Costs, Have, Marginal, Outcome, marginal, solve, validate};
use crate::results::TrialRow;
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

/// The planner's answer (the `sim2real budget --json` object). `n`, `m`, `cost`, `mae` are the
/// optimum on the fitted surface; `cost` is what the rows beyond `have` cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub n: f64,
    pub m: f64,
    pub cost: f64,
    pub total_cost: f64,
    pub mae: f64,
    /// "goal" or "spend".
    pub mode: String,
    pub goal: Option<f64>,
    pub spend: Option<f64>,
    pub source_cost: f64,
    pub target_cost: f64,
    pub have: HavePoint,
    /// "interior", "only_source", "only_target" or "nothing".
    pub decision: String,
    pub decision_words: String,
    pub marginal: MarginalRecord,
    /// 90 % percentile intervals over the bootstrap replicates of the surface: the optimal n, m
    /// and cost of each replicate (+∞, written as null, where a goal is unreachable on it) and
    /// the MAE each replicate predicts at the optimum above. NaN (null) without enough replicates.
    pub ci90: BudgetCi,
    /// Share of replicates on which a unit spent on source rows at `have` lowers the MAE more.
    pub p_source_first: f64,
    /// Whether that share is ≥ 0.9 or ≤ 0.1 (the buy-first call is decided).
    pub decided: bool,
    /// Whether the cost interval spans more than a factor 3 or is unbounded.
    pub cost_too_wide: bool,
    pub replicates: usize,
    pub unreachable_replicates: usize,
    pub failed_replicates: usize,
    pub extrapolation: Extrapolation,
    /// The fitted surface the optimum is on.
    pub surface: String,
    /// The decision and its uncertainty in words.
    pub verdict: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HavePoint {
    pub n: f64,
    pub m: f64,
    pub mae: f64,
}

/// [`Marginal`] at `have` (its fields flattened) with the call and the tangency condition in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginalRecord {
    #[serde(flatten)]
    pub values: Marginal,
    /// "source" or "target".
    pub buy_first: String,
    pub words: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetCi {
    pub n: [f64; 2],
    pub m: [f64; 2],
    pub cost: [f64; 2],
    pub mae: [f64; 2],
}

/// How far the optimum lies beyond the measured grid (factors ≤ 1: inside).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extrapolation {
    pub n_max: usize,
    pub m_max: usize,
    pub n_factor: f64,
    pub m_factor: f64,
    pub note: Option<String>,
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
    let (mut source_first, mut unreachable) = (0usize, 0usize);
    for r in &sr.replicates {
        match solve(r, req.costs, have, req.ask) {
            Outcome::Optimum(o) => {
                ns.push(o.n);
                ms.push(o.m);
                costs.push(o.cost);
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
            values: mg,
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

/// Three significant digits (plain for counts and costs ≥ 100).
fn fmt(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() { "n/a".into() } else { "∞".into() };
    }
    if x.abs() >= 100.0 { format!("{x:.0}") } else { crate::number::sig3(x) }
}

/// A row count: rounded up, since a fraction of a row cannot be bought.
fn count(x: f64) -> String {
    if x.is_finite() { format!("{}", x.ceil()) } else { fmt(x) }
}

fn pair(v: [f64; 2], f: fn(f64) -> String) -> String {
    format!("[{}, {}]", f(v[0]), f(v[1]))
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
    out
}

/// The answer as text, for the terminal and reports.
pub fn render(b: &Budget) -> String {
    let mut s = String::new();
    let ask = match (b.goal, b.spend) {
        (Some(g), _) => format!("reach MAE ≤ {} as cheaply as possible", fmt(g)),
        (_, Some(x)) => format!("lowest MAE for {} spent", fmt(x)),
        _ => String::new(),
    };
    s.push_str(&format!("budget: {ask} (source row {}, target row {})\n", fmt(b.source_cost), fmt(b.target_cost)));
    s.push_str(&format!("  surface  {}\n", b.surface));
    s.push_str(&format!("  have     n = {}, m = {}: MAE {}\n", count(b.have.n), count(b.have.m), fmt(b.have.mae)));
    s.push_str(&format!(
        "  optimum  n = {}, m = {}: MAE {}, cost {} beyond have ({} in all): {}\n",
        count(b.n),
        count(b.m),
        fmt(b.mae),
        fmt(b.cost),
        fmt(b.total_cost),
        b.decision_words
    ));
    s.push_str(&format!(
        "  90 % CI  n {}, m {}, cost {}, MAE at the optimum {} ({} replicates)\n",
        pair(b.ci90.n, count),
        pair(b.ci90.m, count),
        pair(b.ci90.cost, fmt),
        pair(b.ci90.mae, fmt),
        b.replicates
    ));
    s.push_str(&format!("  at have  {}\n", b.marginal.words));
    for v in &b.verdict {
        s.push_str(&format!("  -> {v}\n"));
    }
    s
}
