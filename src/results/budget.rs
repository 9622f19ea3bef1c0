//! The data-budget planner's answer as results.json (`budget`) and `sim2real budget --json` hold
//! it: computed by `exec::budget` on the run's fitted surface and its bootstrap replicates,
//! rendered by `report` (text, report.md/html, summary.md, budget.svg).

use serde::{Deserialize, Serialize};

use super::inf;
use crate::fit::Surface;

/// The planner's answer. `n`, `m`, `cost`, `mae` are the optimum on the fitted surface; `cost`
/// is what the rows beyond `have` cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub n: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub m: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub cost: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub total_cost: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
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
    /// 90 % intervals over the bootstrap replicates of the surface: the optimal n, m and cost of
    /// each replicate (+∞, written as `"inf"`, where a goal is unreachable on it) and the MAE each
    /// replicate predicts at the optimum above. NaN (null) without enough replicates.
    pub ci90: BudgetCi,
    /// Share of replicates on which a unit spent on source rows at `have` lowers the MAE more.
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub p_source_first: f64,
    /// Whether that share is ≥ 0.9 or ≤ 0.1 (the buy-first call is decided).
    pub decided: bool,
    /// Whether the cost interval spans more than a factor 3 or is unbounded.
    pub cost_too_wide: bool,
    pub replicates: usize,
    pub unreachable_replicates: usize,
    pub failed_replicates: usize,
    pub extrapolation: Extrapolation,
    /// The fitted surface the optimum is on, as an equation.
    pub surface: String,
    /// Its parameters (what budget.svg draws the indifference curves from).
    pub params: Surface,
    /// Its R² over the cell means (below 0.95 the verdict warns that Eq. 1 fits loosely).
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub surface_r2: f64,
    /// The expansion path: the optimum on the fitted surface as the spend beyond `have` grows,
    /// from 0 to twice the answer's spend (for a goal: its cost).
    pub path: Vec<PathPoint>,
    /// The optimum (n, m) of every bootstrap replicate on which it is finite (the cloud around
    /// the optimum in budget.svg).
    pub cloud: Vec<[f64; 2]>,
    /// The grid points to measure next (see [`NextMeasurements`]).
    pub next: NextMeasurements,
    /// The decision and its uncertainty in words.
    pub verdict: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HavePoint {
    pub n: f64,
    pub m: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub mae: f64,
}

/// `fit::budget::Marginal` at `have` with the call and the tangency condition in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalRecord {
    /// ∂R/∂n and ∂R/∂m (≤ 0).
    pub dr_dn: f64,
    pub dr_dm: f64,
    /// −∂R/∂n / c_n and −∂R/∂m / c_m: MAE removed per unit spent on each.
    pub source_per_cost: f64,
    pub target_per_cost: f64,
    /// (∂R/∂m)/(∂R/∂n): source rows worth one target row (+∞, `"inf"`, when source rows no
    /// longer help).
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub samples_per_target: f64,
    /// c_m / c_n: source rows one target row costs.
    pub price_ratio: f64,
    pub source_first: bool,
    /// "source" or "target".
    pub buy_first: String,
    pub words: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BudgetCi {
    #[serde(serialize_with = "inf::pair", deserialize_with = "inf::de_pair")]
    pub n: [f64; 2],
    #[serde(serialize_with = "inf::pair", deserialize_with = "inf::de_pair")]
    pub m: [f64; 2],
    #[serde(serialize_with = "inf::pair", deserialize_with = "inf::de_pair")]
    pub cost: [f64; 2],
    #[serde(serialize_with = "inf::pair", deserialize_with = "inf::de_pair")]
    pub mae: [f64; 2],
}

/// How far the optimum lies beyond the measured grid (factors ≤ 1: inside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extrapolation {
    pub n_max: usize,
    pub m_max: usize,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub n_factor: f64,
    #[serde(serialize_with = "inf::f64", deserialize_with = "inf::de_f64")]
    pub m_factor: f64,
    pub note: Option<String>,
}

/// One point of the expansion path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PathPoint {
    /// Spent beyond `have`.
    pub spend: f64,
    pub n: f64,
    pub m: f64,
    pub mae: f64,
}

/// Grid points not yet measured whose measurement would most narrow the decision: points of the
/// expansion path up to the answer (rounded to two significant digits) ranked by the bootstrap
/// spread of the predicted MAE there, relative to the MAE, at most [`NextMeasurements::MAX`] of
/// them, each at least a factor 1.5 in n or m away from those ranked above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextMeasurements {
    pub points: Vec<NextPoint>,
    /// A `grid { ... }` line for the study file whose n × m cross product holds the points (empty
    /// when there are none).
    pub grid: String,
    /// Why there are none, or what the line measures.
    pub note: String,
}

impl NextMeasurements {
    /// At most this many points.
    pub const MAX: usize = 4;
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NextPoint {
    pub n: f64,
    pub m: f64,
    /// The fitted surface's MAE there.
    pub mae: f64,
    /// The standard deviation of the replicates' MAE there, relative to `mae`.
    pub rel_sd: f64,
}

/// What results.json holds under `budget` for a study with a `budget { … }` block: the answer,
/// or why none could be planned (the run still writes every other result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BudgetOutcome {
    Planned(Box<Budget>),
    Failed(BudgetFailure),
}

/// Why a study's budget could not be planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetFailure {
    /// "input", "no_surface", "degenerate" or "unreachable".
    pub failure: String,
    pub error: String,
}
