//! The data-budget planner on a fitted surface `R(n, m) = (A·n^-α + B)·m^-β + ε`: what to buy
//! next, with costs `c_n` per source row and `c_m` per target row, starting from what is already
//! paid for (`have` = (n0, m0)).
//!
//! # Method
//! R is convex on n, m > 0 (each term is a product of decreasing convex powers whose Hessian has
//! a non-negative determinant), so both problems have one optimum and are solved exactly by
//! bisection on a monotone derivative (no grid, no tolerance beyond f64):
//! - **goal** (cheapest (n ≥ n0, m ≥ m0) with R ≤ goal): along the level curve m = h(n) =
//!   ((A·n^-α + B)/(goal − ε))^(1/β), the cost c_n·n + c_m·max(h(n), m0) is convex in n; its
//!   derivative `c_n + c_m·h'(n)` is bisected in log n between n0 and the n at which h(n) = m0
//!   (past which buying more source rows only adds cost). The root is the tangency point, where
//!   the marginal rate of substitution (∂R/∂m)/(∂R/∂n) equals the price ratio c_m/c_n;
//!   otherwise the optimum is a corner: only target rows (n = n0) or only source rows (m = m0).
//! - **spend** (lowest R with c_n·(n − n0) + c_m·(m − m0) ≤ spend): R falls in both n and m, so
//!   the whole spend is used; R along the budget line is convex in the share s spent on source
//!   rows, and its derivative `(∂R/∂n)/c_n − (∂R/∂m)/c_m` is bisected over s ∈ [0, spend].
//!
//! Costs are those of the rows bought *beyond* `have`; `total_cost` adds what `have` cost.

use super::BudgetInputError;
use super::surface::{Surface, marginal_rate};
use crate::number::sig3;

/// Cost of one source row and of one target row (same unit, both > 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Costs {
    pub source: f64,
    pub target: f64,
}

/// What is already paid for: n source rows and m target rows (both > 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Have {
    pub n: f64,
    pub m: f64,
}

/// The question asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ask {
    /// Reach this MAE as cheaply as possible.
    Goal(f64),
    /// Lowest MAE for this much spent beyond `have`.
    Spend(f64),
}

/// Which kind of optimum was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Both more source and more target rows (the tangency point).
    Interior,
    /// Only more source rows (m stays at `have`).
    OnlySource,
    /// Only more target rows (n stays at `have`).
    OnlyTarget,
    /// Nothing to buy: `have` already reaches the goal, or the spend is 0.
    Nothing,
}

impl Corner {
    pub fn as_str(self) -> &'static str {
        match self {
            Corner::Interior => "interior",
            Corner::OnlySource => "only_source",
            Corner::OnlyTarget => "only_target",
            Corner::Nothing => "nothing",
        }
    }

    /// The decision in words.
    pub fn words(self) -> &'static str {
        match self {
            Corner::Interior => "buy both simulations and experiments",
            Corner::OnlySource => "buy only simulations (source rows)",
            Corner::OnlyTarget => "buy only experiments (target rows)",
            Corner::Nothing => "buy nothing",
        }
    }
}

/// The optimum of a goal or a spend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Optimum {
    pub n: f64,
    pub m: f64,
    /// c_n·(n − n0) + c_m·(m − m0): what the rows beyond `have` cost.
    pub cost: f64,
    /// c_n·n + c_m·m.
    pub total_cost: f64,
    /// R(n, m) on the surface.
    pub mae: f64,
    pub corner: Corner,
}

/// A goal no (n, m) reaches: it is at or below the surface's floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    pub goal: f64,
    /// The infimum of R over n ≥ n0, m ≥ m0.
    pub floor: f64,
    /// Which floor and why, in words.
    pub why: String,
}

/// The answer for one surface.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Optimum(Optimum),
    Unreachable(Unreachable),
}

impl Outcome {
    pub fn optimum(&self) -> Option<&Optimum> {
        match self {
            Outcome::Optimum(o) => Some(o),
            Outcome::Unreachable(_) => None,
        }
    }
}

/// The marginal value of one more row of each kind at a point, per unit cost.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Marginal {
    /// ∂R/∂n and ∂R/∂m (≤ 0).
    pub dr_dn: f64,
    pub dr_dm: f64,
    /// −∂R/∂n / c_n and −∂R/∂m / c_m: MAE removed per unit spent on each.
    pub source_per_cost: f64,
    pub target_per_cost: f64,
    /// (∂R/∂m)/(∂R/∂n): source rows worth one target row (the MRS).
    pub samples_per_target: f64,
    /// c_m / c_n: source rows one target row costs.
    pub price_ratio: f64,
    /// Whether a unit spent on source rows lowers R more than on target rows.
    pub source_first: bool,
}

impl Marginal {
    /// The tangency condition MRS = c_m/c_n in words.
    pub fn words(&self) -> String {
        let k = self.samples_per_target;
        let p = self.price_ratio;
        let (what, cmp) = if self.source_first {
            ("simulations (source rows)", "below")
        } else {
            ("experiments (target rows)", "above")
        };
        if !k.is_finite() {
            return format!("one more source row no longer lowers the error here, so buy {what} first");
        }
        format!(
            "one more experiment lowers the MAE as much as {} simulations (the marginal rate of substitution), \
             and costs as much as {} simulations (c_m/c_n); the exchange rate is {cmp} the price ratio, \
             so a unit spent on {what} lowers the MAE more: buy {what} first \
             (per unit cost: −∂R/∂n/c_n = {}, −∂R/∂m/c_m = {})",
            sig3(k),
            sig3(p),
            sig3(self.source_per_cost),
            sig3(self.target_per_cost)
        )
    }
}

/// Why inputs cannot be planned with, in words.
pub fn validate(costs: Costs, have: Have, ask: Ask) -> Result<(), BudgetInputError> {
    for (which, value) in [("source cost", costs.source), ("target cost", costs.target)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(BudgetInputError::Cost { which, value });
        }
    }
    if !(have.n.is_finite() && have.m.is_finite() && have.n > 0.0 && have.m > 0.0) {
        return Err(BudgetInputError::Have { n: have.n, m: have.m });
    }
    match ask {
        Ask::Goal(g) if !(g.is_finite() && g > 0.0) => Err(BudgetInputError::Goal(g)),
        Ask::Spend(s) if !(s.is_finite() && s >= 0.0) => Err(BudgetInputError::Spend(s)),
        _ => Ok(()),
    }
}

/// The marginal values at (n, m) (see [`Marginal`]).
pub fn marginal(s: &Surface, costs: Costs, at: Have) -> Marginal {
    let r = marginal_rate(s, at.n, at.m);
    let source_per_cost = -r.dr_dn / costs.source;
    let target_per_cost = -r.dr_dm / costs.target;
    Marginal {
        dr_dn: r.dr_dn,
        dr_dm: r.dr_dm,
        source_per_cost,
        target_per_cost,
        samples_per_target: r.samples_per_target,
        price_ratio: costs.target / costs.source,
        source_first: source_per_cost > target_per_cost,
    }
}

/// The infimum of R over n ≥ n0, m ≥ m0 and which floor it is, in words.
pub fn floor(s: &Surface, have: Have) -> (f64, String) {
    let n_helps = s.a > 0.0 && s.alpha > 0.0;
    let m_helps = s.beta > 0.0 && (s.a > 0.0 || s.b > 0.0);
    if m_helps {
        return (
            s.eps,
            format!(
                "the irreducible error ε = {}: no amount of either data goes below it (with only simulations, \
                 at m = {}, the floor is ε + B·m^-β = {})",
                sig3(s.eps),
                sig3(have.m),
                sig3(s.b * have.m.powf(-s.beta) + s.eps)
            ),
        );
    }
    if n_helps {
        return (
            s.b + s.eps,
            format!(
                "B + ε = {}: the error does not fall with m (β = {}), and source rows only remove A·n^-α",
                sig3(s.b + s.eps),
                sig3(s.beta)
            ),
        );
    }
    let r = s.eval(have.n, have.m);
    (r, format!("the surface is flat at {}: neither source nor target rows lower the error", sig3(r)))
}

/// The optimum for `ask` on `s` from `have` (inputs as [`validate`] accepts them).
pub fn solve(s: &Surface, costs: Costs, have: Have, ask: Ask) -> Outcome {
    match ask {
        Ask::Goal(g) => solve_goal(s, costs, have, g),
        Ask::Spend(x) => Outcome::Optimum(solve_spend(s, costs, have, x)),
    }
}

fn optimum(s: &Surface, costs: Costs, have: Have, n: f64, m: f64, corner: Corner) -> Optimum {
    let total_cost = costs.source * n + costs.target * m;
    Optimum {
        n,
        m,
        cost: costs.source * (n - have.n) + costs.target * (m - have.m),
        total_cost,
        mae: s.eval(n, m),
        corner,
    }
}

/// Bisection iterations: far more than f64 resolution needs (each halves the bracket).
const BISECT: usize = 200;

/// The x in [lo, hi] where the non-decreasing `d` changes sign (d(lo) < 0 < d(hi)), bisected in
/// log x (or in x when `log` is false) to f64 resolution.
fn bisect(lo: f64, hi: f64, log: bool, d: impl Fn(f64) -> f64) -> f64 {
    type Map = fn(f64) -> f64;
    let (to, from): (Map, Map) = if log { (f64::ln, f64::exp) } else { (|x| x, |x| x) };
    let (mut a, mut b) = (to(lo), to(hi));
    for _ in 0..BISECT {
        let mid = 0.5 * (a + b);
        if mid <= a || mid >= b {
            break;
        }
        if d(from(mid)) < 0.0 {
            a = mid;
        } else {
            b = mid;
        }
    }
    from(0.5 * (a + b))
}

fn solve_goal(s: &Surface, costs: Costs, have: Have, goal: f64) -> Outcome {
    if s.eval(have.n, have.m) <= goal {
        return Outcome::Optimum(optimum(s, costs, have, have.n, have.m, Corner::Nothing));
    }
    let (floor_value, why) = floor(s, have);
    if goal <= floor_value {
        return Outcome::Unreachable(Unreachable { goal, floor: floor_value, why });
    }
    let n_helps = s.a > 0.0 && s.alpha > 0.0;
    let m_helps = s.beta > 0.0 && (s.a > 0.0 || s.b > 0.0);
    if !m_helps {
        // R = A·n^-α + B + ε (flat in m): the n where it equals the goal (goal > B + ε here).
        let n = (s.a / (goal - s.b - s.eps)).powf(1.0 / s.alpha);
        return Outcome::Optimum(optimum(s, costs, have, n.max(have.n), have.m, Corner::OnlySource));
    }
    // The level curve m = h(n); defined for every n since goal > ε and A·n^-α + B > 0.
    let h = |n: f64| s.m_at_level(n, goal).unwrap_or(f64::INFINITY);
    if !n_helps {
        return Outcome::Optimum(optimum(s, costs, have, have.n, h(have.n), Corner::OnlyTarget));
    }
    let g = goal - s.eps;
    let scale = |n: f64| s.a * n.powf(-s.alpha) + s.b;
    // d/dn of c_n·n + c_m·h(n): h'(n) = −h(n)·α·A·n^(−α−1) / (β·(A·n^-α + B)).
    let d = |n: f64| costs.source - costs.target * h(n) * s.alpha * s.a * n.powf(-s.alpha - 1.0) / (s.beta * scale(n));
    if d(have.n) >= 0.0 {
        return Outcome::Optimum(optimum(s, costs, have, have.n, h(have.n), Corner::OnlyTarget));
    }
    // Past n_sw (h(n_sw) = m0) buying source rows only adds cost: m stays at m0.
    let room = g * have.m.powf(s.beta) - s.b;
    let n_sw = if room > 0.0 { (s.a / room).powf(1.0 / s.alpha) } else { f64::INFINITY };
    if n_sw.is_finite() && d(n_sw) <= 0.0 {
        return Outcome::Optimum(optimum(s, costs, have, n_sw, have.m, Corner::OnlySource));
    }
    let hi = if n_sw.is_finite() {
        n_sw
    } else {
        // d(n) → c_n > 0 as n → ∞ (h stays bounded): double until the derivative turns.
        let mut u = have.n * 2.0;
        while d(u) < 0.0 && u.is_finite() {
            u *= 2.0;
        }
        u
    };
    let n = bisect(have.n, hi, true, d);
    Outcome::Optimum(optimum(s, costs, have, n, h(n).max(have.m), Corner::Interior))
}

fn solve_spend(s: &Surface, costs: Costs, have: Have, spend: f64) -> Optimum {
    if spend == 0.0 {
        return optimum(s, costs, have, have.n, have.m, Corner::Nothing);
    }
    let at = |x: f64| (have.n + x / costs.source, have.m + (spend - x) / costs.target);
    // d/dx R(n(x), m(x)) with x spent on source rows: non-decreasing (R convex).
    let d = |x: f64| {
        let (n, m) = at(x);
        let r = marginal_rate(s, n, m);
        r.dr_dn / costs.source - r.dr_dm / costs.target
    };
    let (x, corner) = if d(0.0) >= 0.0 {
        (0.0, Corner::OnlyTarget)
    } else if d(spend) <= 0.0 {
        (spend, Corner::OnlySource)
    } else {
        (bisect(0.0, spend, false, d), Corner::Interior)
    };
    let (n, m) = at(x);
    // Corners land exactly on `have` in the axis not bought.
    let (n, m) = match corner {
        Corner::OnlyTarget => (have.n, m),
        Corner::OnlySource => (n, have.m),
        _ => (n, m),
    };
    optimum(s, costs, have, n, m, corner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Surface = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
    const HAVE: Have = Have { n: 1000.0, m: 100.0 };

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    fn opt(o: Outcome) -> Optimum {
        *o.optimum().expect("an optimum")
    }

    /// Cheapest point of the level curve R = goal by brute force: a dense log grid over n, then
    /// golden-section refinement of the best cell, independent of the solver's bisection.
    fn brute_goal(s: &Surface, c: Costs, have: Have, goal: f64) -> (f64, f64) {
        let cost = |n: f64| {
            let m = s.m_at_level(n, goal).unwrap_or(f64::INFINITY).max(have.m);
            c.source * n + c.target * m
        };
        let (lo, hi) = (have.n.ln(), (have.n * 1e8).ln());
        let k = 20000;
        let xs: Vec<f64> = (0..=k).map(|i| lo + (hi - lo) * i as f64 / k as f64).collect();
        let best = (0..=k).min_by(|&i, &j| cost(xs[i].exp()).total_cmp(&cost(xs[j].exp()))).unwrap();
        let (mut a, mut b) = (xs[best.saturating_sub(1)], xs[(best + 1).min(k)]);
        let phi = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..200 {
            let (x1, x2) = (b - phi * (b - a), a + phi * (b - a));
            if cost(x1.exp()) < cost(x2.exp()) {
                b = x2;
            } else {
                a = x1;
            }
        }
        let n = (0.5 * (a + b)).exp();
        (n, cost(n))
    }

    #[test]
    fn goal_on_a_cobb_douglas_surface_matches_the_closed_form() {
        // B = 0: R − ε = A·n^-α·m^-β; the tangency gives c_n·n/α = c_m·m/β and
        // n = (A·k^-β/g)^(1/(α+β)) with k = m/n = β·c_n/(α·c_m).
        let s = Surface { b: 0.0, ..S };
        let c = Costs { source: 0.2, target: 40.0 };
        let have = Have { n: 1.0, m: 1.0 };
        let goal = 0.05;
        let g = goal - s.eps;
        let k = s.beta * c.source / (s.alpha * c.target);
        let n = (s.a * k.powf(-s.beta) / g).powf(1.0 / (s.alpha + s.beta));
        let m = k * n;
        let o = opt(solve(&s, c, have, Ask::Goal(goal)));
        assert_eq!(o.corner, Corner::Interior);
        assert!(rel(o.n, n) < 1e-9 && rel(o.m, m) < 1e-9, "{o:?} vs ({n}, {m})");
        assert!(rel(o.total_cost, c.source * n + c.target * m) < 1e-9);
        assert!(rel(o.mae, goal) < 1e-12);
    }

    #[test]
    fn goal_on_the_full_surface_matches_brute_force_and_the_tangency() {
        // R(have) = 0.119: every goal needs more data.
        let mut interior = 0;
        for (cn, cm, goal) in
            [(0.2, 40.0, 0.08), (1.0, 10.0, 0.1), (0.05, 100.0, 0.06), (2.0, 3.0, 0.05), (0.01, 400.0, 0.03)]
        {
            let c = Costs { source: cn, target: cm };
            let o = opt(solve(&S, c, HAVE, Ask::Goal(goal)));
            assert_ne!(o.corner, Corner::Nothing);
            let (n_bf, cost_bf) = brute_goal(&S, c, HAVE, goal);
            assert!(rel(o.total_cost, cost_bf) < 1e-9, "{o:?}: cost vs brute force {cost_bf}");
            assert!(rel(o.n, n_bf) < 1e-6, "{o:?}: n vs brute force {n_bf}");
            assert!(rel(o.mae, goal) < 1e-9);
            assert!(o.n >= HAVE.n && o.m >= HAVE.m);
            if o.corner == Corner::Interior {
                let r = marginal_rate(&S, o.n, o.m);
                assert!(rel(r.samples_per_target, cm / cn) < 1e-6, "MRS {} vs price {}", r.samples_per_target, cm / cn);
                interior += 1;
            }
        }
        assert!(interior >= 3, "only {interior} tangency solutions");
    }

    #[test]
    fn goal_corners_only_experiments_and_only_simulations() {
        // Source rows too dear: n stays at n0 and m solves R(n0, m) = goal.
        let o = opt(solve(&S, Costs { source: 1e6, target: 1.0 }, HAVE, Ask::Goal(0.1)));
        assert_eq!(o.corner, Corner::OnlyTarget);
        assert_eq!(o.n, HAVE.n);
        assert!(rel(o.m, S.m_at_level(HAVE.n, 0.1).unwrap()) < 1e-12);
        // Target rows too dear, goal reachable at m0: m stays at m0 and n solves R(n, m0) = goal.
        let goal = S.eval(1e6, HAVE.m);
        let o = opt(solve(&S, Costs { source: 1e-6, target: 1e6 }, HAVE, Ask::Goal(goal)));
        assert_eq!(o.corner, Corner::OnlySource);
        assert_eq!(o.m, HAVE.m);
        assert!(rel(o.n, 1e6) < 1e-9, "{o:?}");
        // `have` already reaches the goal.
        let o = opt(solve(&S, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Goal(1.0)));
        assert_eq!((o.corner, o.cost, o.n, o.m), (Corner::Nothing, 0.0, HAVE.n, HAVE.m));
        // A surface flat in m: only source rows help, in closed form.
        let flat_m = Surface { beta: 0.0, ..S };
        let o = opt(solve(&flat_m, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Goal(0.45)));
        let n = (flat_m.a / (0.45 - flat_m.b - flat_m.eps)).powf(1.0 / flat_m.alpha);
        assert_eq!(o.corner, Corner::OnlySource);
        assert!(rel(o.n, n) < 1e-12 && o.m == HAVE.m);
    }

    #[test]
    fn unreachable_goals_name_their_floor() {
        let Outcome::Unreachable(u) = solve(&S, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Goal(0.02)) else {
            panic!("ε itself is not reachable")
        };
        assert_eq!(u.floor, S.eps);
        assert!(u.why.contains("irreducible error ε = 0.0200"), "{}", u.why);
        let flat_m = Surface { beta: 0.0, ..S };
        let Outcome::Unreachable(u) = solve(&flat_m, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Goal(0.41)) else {
            panic!("below B + ε without β")
        };
        assert!(rel(u.floor, 0.42) < 1e-12 && u.why.contains("B + ε"), "{u:?}");
        // Just above ε it is reachable, at a large but finite cost.
        let o = opt(solve(&S, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Goal(0.021)));
        assert!(o.total_cost.is_finite() && rel(o.mae, 0.021) < 1e-9);
    }

    #[test]
    fn spend_on_a_cobb_douglas_surface_matches_the_closed_form() {
        // B = 0: the budget shares are α/(α+β) and β/(α+β) of the total c_n·n + c_m·m.
        let s = Surface { b: 0.0, ..S };
        let c = Costs { source: 0.2, target: 40.0 };
        let have = Have { n: 1.0, m: 1.0 };
        let spend = 5000.0;
        let total = spend + c.source * have.n + c.target * have.m;
        let n = s.alpha / (s.alpha + s.beta) * total / c.source;
        let m = s.beta / (s.alpha + s.beta) * total / c.target;
        let o = opt(solve(&s, c, have, Ask::Spend(spend)));
        assert_eq!(o.corner, Corner::Interior);
        assert!(rel(o.n, n) < 1e-9 && rel(o.m, m) < 1e-9, "{o:?} vs ({n}, {m})");
        assert!(rel(o.cost, spend) < 1e-12);
    }

    #[test]
    fn spend_matches_brute_force_and_its_corners() {
        for (cn, cm, spend) in [(0.2, 40.0, 5000.0), (1.0, 10.0, 300.0), (0.01, 50.0, 1e5)] {
            let c = Costs { source: cn, target: cm };
            let o = opt(solve(&S, c, HAVE, Ask::Spend(spend)));
            let k = 200000;
            let best = (0..=k)
                .map(|i| {
                    let x = spend * i as f64 / k as f64;
                    S.eval(HAVE.n + x / cn, HAVE.m + (spend - x) / cm)
                })
                .fold(f64::INFINITY, f64::min);
            assert!(o.mae <= best * (1.0 + 1e-12), "{o:?} vs brute force {best}");
            assert!(rel(o.mae, best) < 1e-6);
            assert!(rel(o.cost, spend) < 1e-9);
        }
        let o = opt(solve(&S, Costs { source: 1e6, target: 1.0 }, HAVE, Ask::Spend(50.0)));
        assert_eq!((o.corner, o.n, o.m), (Corner::OnlyTarget, HAVE.n, HAVE.m + 50.0));
        let o = opt(solve(&S, Costs { source: 1e-3, target: 1e6 }, HAVE, Ask::Spend(50.0)));
        assert_eq!((o.corner, o.n, o.m), (Corner::OnlySource, HAVE.n + 5e4, HAVE.m));
        let o = opt(solve(&S, Costs { source: 1.0, target: 1.0 }, HAVE, Ask::Spend(0.0)));
        assert_eq!(o.corner, Corner::Nothing);
    }

    #[test]
    fn marginal_values_follow_the_tangency_condition() {
        let r = marginal_rate(&S, HAVE.n, HAVE.m);
        // Price ratio just below / above the MRS flips the call.
        let k = r.samples_per_target;
        let cheap_target = marginal(&S, Costs { source: 1.0, target: 0.9 * k }, HAVE);
        assert!(!cheap_target.source_first && cheap_target.words().contains("buy experiments (target rows) first"));
        let dear_target = marginal(&S, Costs { source: 1.0, target: 1.1 * k }, HAVE);
        assert!(dear_target.source_first && dear_target.words().contains("buy simulations (source rows) first"));
        assert!(rel(dear_target.source_per_cost, -r.dr_dn) < 1e-15);
        assert!(rel(dear_target.target_per_cost, -r.dr_dm / (1.1 * k)) < 1e-15);
    }

    #[test]
    fn bad_inputs_are_named() {
        let c = Costs { source: 1.0, target: 1.0 };
        assert!(
            validate(Costs { source: 0.0, ..c }, HAVE, Ask::Goal(0.1)).unwrap_err().to_string().contains("source cost")
        );
        assert!(
            validate(Costs { target: -2.0, ..c }, HAVE, Ask::Goal(0.1))
                .unwrap_err()
                .to_string()
                .contains("target cost")
        );
        assert!(validate(c, HAVE, Ask::Goal(f64::NAN)).unwrap_err().to_string().contains("goal"));
        assert!(validate(c, HAVE, Ask::Spend(-1.0)).unwrap_err().to_string().contains("spend"));
        assert!(validate(c, Have { n: 0.0, m: 5.0 }, Ask::Spend(1.0)).unwrap_err().to_string().contains("have"));
        assert!(validate(c, HAVE, Ask::Spend(1.0)).is_ok());
    }
}
