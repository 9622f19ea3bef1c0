//! The checked study: what the checker hands to the planner.
//!
//! Every value here has passed the checker: names resolve, numbers are in range, grids are sane
//! as far as can be known without data. Spans (byte ranges into the study text) are kept where a
//! later stage (the planner, which sees the data) may still need to point at the source.

use super::span::Span;
pub use super::span::Spanned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Study {
    /// `study NAME`; defaults to the file stem.
    pub name: String,
    /// `seed N`; default 0. Every job seed derives from it.
    pub seed: u64,
    /// `data NAME = ...` in declaration order (a table may only use tables declared before it).
    pub tables: Vec<TableDef>,
    pub source: Role,
    pub target: Role,
    /// `transform x = a | b`; applied left to right, fitted on training rows only.
    pub x_transforms: Vec<TransformKind>,
    /// `transform y = a | b`; predictions are inverse-transformed so MAE is in the label's units.
    pub y_transforms: Vec<TransformKind>,
    pub model: ModelSpec,
    pub pretrain: TrainSpec,
    pub finetune: TrainSpec,
    /// `direct { ... }`: the direct baseline's settings as written; `None` = the default (see
    /// [`Study::direct_train`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct: Option<TrainSpec>,
    /// `multitask { ... }`: the measured arm trains source and target jointly (no pretraining).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multitask: Option<MultitaskSpec>,
    pub grid: GridSpec,
    /// `baseline direct`.
    pub baselines: Vec<Baseline>,
    /// `fit ...` lines.
    pub fits: Vec<FitSpec>,
    /// `expect ...` lines, in order.
    pub expects: Vec<Expect>,
    /// `report by COLUMN` / `report samples`: per-group and per-sample breakdowns.
    #[serde(skip_serializing_if = "ReportSpec::is_empty")]
    pub report: ReportSpec,
    /// `budget { ... }`: what to buy next, planned on the fitted surface after the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetSpec>,
}

impl Study {
    /// The arm that uses the source: `multitask` with a `multitask` block, else `transfer`.
    pub fn measured_arm(&self) -> Arm {
        if self.multitask.is_some() { Arm::Multitask } else { Arm::Transfer }
    }

    /// The settings the direct baseline trains with: the `direct` block's; without one, those of
    /// the other arm that starts from a random initialisation: `multitask`'s in a multitask
    /// study, else `pretrain`'s (never `finetune`'s, which are chosen for a pretrained start).
    pub fn direct_train(&self) -> &TrainSpec {
        match (&self.direct, &self.multitask) {
            (Some(d), _) => d,
            (None, Some(m)) => &m.train,
            (None, None) => &self.pretrain,
        }
    }

    /// The training settings of every phase that runs, for the plan and the reports: transfer's
    /// pretraining and fine-tuning (or multitask's joint training), then the direct baseline's.
    pub fn training_settings(&self) -> Vec<TrainingSettings> {
        let row = |arm: Arm, phase: &str, spec: &TrainSpec, from: &str| TrainingSettings {
            arm,
            phase: phase.to_string(),
            from: from.to_string(),
            spec: spec.clone(),
        };
        let mut rows = Vec::new();
        match &self.multitask {
            Some(m) => rows.push(row(Arm::Multitask, "multitask", &m.train, "multitask")),
            None => {
                rows.push(row(Arm::Transfer, "pretrain", &self.pretrain, "pretrain"));
                rows.push(row(Arm::Transfer, "finetune", &self.finetune, "finetune"));
            }
        }
        if self.baselines.contains(&Baseline::Direct) {
            let from = match (&self.direct, &self.multitask) {
                (Some(_), _) => "direct",
                (None, Some(_)) => "multitask (default)",
                (None, None) => "pretrain (default)",
            };
            rows.push(row(Arm::Direct, "direct", self.direct_train(), from));
        }
        rows
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableDef {
    pub name: String,
    pub expr: TableExpr,
    #[serde(skip)]
    pub span: Span,
}

/// A table expression: a primary (`csv(...)`, `parquet(...)`, `synthetic(...)` or a table name)
/// followed by `|` operations, folded left: `a | where c | join b on k = k` is
/// `Join { input: Where { input: a, .. }, .. }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TableExpr {
    /// Path as written; resolved relative to the study file, then under `SIM2REAL_DATA`.
    /// `numeric`: `csv("f.csv", numeric: [a, b])`, columns read as numbers whose other cells are
    /// missing (rows a role needs them in are dropped, with a plan warning).
    /// `delimiter`: `csv("f.csv", delimiter: ";")`, the one-byte field separator (default `,`).
    Csv {
        path: Spanned<String>,
        numeric: Vec<Spanned<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        delimiter: Option<u8>,
    },
    Parquet(Spanned<String>),
    Synthetic(Spanned<SyntheticSpec>),
    /// A table declared earlier with `data NAME = ...`.
    Ref(Spanned<String>),
    Where {
        input: Box<TableExpr>,
        cond: Spanned<Cond>,
    },
    /// Inner join; `on` pairs are (left column, right column). Right rows must be unique per key.
    Join {
        input: Box<TableExpr>,
        right: Box<TableExpr>,
        on: Vec<(Spanned<String>, Spanned<String>)>,
        #[serde(skip)]
        span: Span,
    },
    Select {
        input: Box<TableExpr>,
        cols: ColumnSet,
    },
    Drop {
        input: Box<TableExpr>,
        cols: ColumnSet,
    },
    /// `derive NAME = EXPR`: a new numeric column computed row by row.
    Derive {
        input: Box<TableExpr>,
        name: Spanned<String>,
        expr: Spanned<Arith>,
    },
    /// `featurize composition(COLUMN) with PRESET`: numeric columns computed from a text column
    /// of chemistry, appended after the input's columns.
    Featurize {
        input: Box<TableExpr>,
        spec: Spanned<Featurize>,
    },
}

/// What `featurize` computes (docs/language.md, *Featurizers*).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Featurize {
    /// The text column holding the formulas.
    pub column: Spanned<String>,
    pub preset: Preset,
    pub on_error: OnError,
}

/// A featurizer preset of `featurize composition(...)` or `featurize smiles(...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Magpie element-property statistics (`mp_<stat>_<property>`), as matminer's
    /// `ElementProperty.from_preset("magpie")`.
    Magpie,
    /// Atomic fraction of each element present in the table (`el_<symbol>`).
    Fractions,
    /// RDKit's 2-D descriptors of a SMILES (`rd_<RDKit name>`).
    Descriptors,
    /// RDKit's Morgan fingerprint of a SMILES folded to `bits` (`fp_0000`…); `counts`: RDKit's
    /// count simulation.
    Morgan { radius: u32, bits: u32, counts: bool },
}

/// What a featurizer reads: `composition(COLUMN)` or `smiles(COLUMN)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeaturizeInput {
    /// Chemical formulas (`Fe2O3`).
    Composition,
    /// SMILES strings (`*CC(*)c1ccccc1`).
    Smiles,
}

impl Preset {
    /// The input the preset reads.
    pub fn input(self) -> FeaturizeInput {
        match self {
            Preset::Magpie | Preset::Fractions => FeaturizeInput::Composition,
            Preset::Descriptors | Preset::Morgan { .. } => FeaturizeInput::Smiles,
        }
    }
}

impl FeaturizeInput {
    /// The name written in a study (`composition`, `smiles`).
    pub fn name(self) -> &'static str {
        match self {
            FeaturizeInput::Composition => "composition",
            FeaturizeInput::Smiles => "smiles",
        }
    }
}

/// What `featurize` does with a value it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Stop with an error naming the file, line, column and text (the default).
    Fail,
    /// Drop the row; the plan says how many rows and shows the first few.
    Drop,
}

/// A `derive` expression over numbers and numeric columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Arith {
    Num(f64),
    Col(Spanned<String>),
    Neg(Box<Arith>),
    Bin {
        op: ArithOp,
        left: Box<Arith>,
        right: Box<Arith>,
        #[serde(skip)]
        span: Span,
    },
    Call {
        func: ArithFn,
        arg: Box<Arith>,
        #[serde(skip)]
        span: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// Functions of one argument in `derive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArithFn {
    /// Natural log; the argument must be > 0.
    Log,
    /// Base-10 log; the argument must be > 0.
    Log10,
    Exp,
    /// The argument must be ≥ 0.
    Sqrt,
}

/// The built-in generator with a known ground truth. The same `seed` gives the same truth
/// function for both parts, so a `source` part and a `target` part describe one phenomenon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheticSpec {
    pub part: SyntheticPart,
    pub rows: usize,
    pub features: usize,
    /// Size of the systematic error of the simulation (source part only; 0 for the target).
    pub bias: f64,
    /// Standard deviation of the i.i.d. noise added to y.
    pub noise: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyntheticPart {
    /// The cheap, plentiful, biased "simulation".
    Source,
    /// The scarce, noisy "experiment".
    Target,
}

/// A row filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cond {
    Cmp { column: Spanned<String>, op: CmpOp, value: Literal },
    In { column: Spanned<String>, values: Vec<Literal> },
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// Columns chosen by name or glob (`d_*`, `p_?x`), minus exclusions. Order: as the patterns
/// are listed, each glob expanding in the table's column order; duplicates removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSet {
    pub include: Vec<Spanned<String>>,
    pub exclude: Vec<Spanned<String>>,
    #[serde(skip)]
    pub span: Span,
}

/// `source NAME { x = ..., y = ..., group = ... }` or `target NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    /// Name of a declared table.
    pub table: Spanned<String>,
    pub x: ColumnSet,
    pub y: Spanned<String>,
    /// `group = col` or `group = [a, b]`: rows sharing these values never sit on both sides of a
    /// split (empty: rows are split independently).
    pub group: Vec<Spanned<String>>,
    /// `overlap = allowed` (source only): target rows may appear in the source on purpose, so the
    /// plan does not warn about them.
    #[serde(skip_serializing_if = "is_false")]
    pub overlap_allowed: bool,
    #[serde(skip)]
    pub span: Span,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransformKind {
    /// Natural log; requires positive values.
    Log,
    /// Base-10 log; requires positive values.
    Log10,
    /// ln(1 + v); requires v > -1.
    Log1p,
    /// (v - mean) / sd, sd over training rows (population sd; constant columns get sd = 1).
    Standardize,
    /// Yeo–Johnson with λ per column by maximum likelihood on training rows.
    YeoJohnson,
    /// (v - min) / (max - min) over training rows.
    #[serde(rename = "minmax")]
    MinMax,
    /// Inputs only: clamp each value to the training rows' range widened by its width on each
    /// side. Appended to every `transform x` pipeline unless it names `clip` or `noclip`.
    Clip,
    /// Inputs only: no default `clip` at the end of the pipeline (a marker, not a step).
    #[serde(rename = "noclip")]
    NoClip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    Gelu,
}

/// `model { hidden = [512, 256, 128, 64, 32]  activation = relu  dropout = 0 }`.
/// Input width comes from the data, output width is 1 (linear).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSpec {
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub dropout: f64,
    /// Named inputs, a shared encoder and a head: a pairwise model instead of the plain MLP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<PairSpec>,
}

/// `model { input a = ...  input b = ...  encoder shared(a, b) { ... }  combine = ...  head { ... } }`:
/// one encoder (shared weights) maps input a and input b to latents, `combine` merges the two,
/// and the head maps the combined vector plus its own inputs to the prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairSpec {
    /// `input NAME = COLS`, in declaration order.
    pub inputs: Vec<NamedInput>,
    pub encoder: EncoderSpec,
    pub combine: Combine,
    pub head: HeadSpec,
}

/// `input NAME = COLS`: a set of x columns (resolved against the role's x columns).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedInput {
    pub name: String,
    pub cols: ColumnSet,
    #[serde(skip)]
    pub span: Span,
}

/// `encoder shared(a, b) { hidden = [...]  latent = 32  latent_activation = tanh  flag = true }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncoderSpec {
    /// The two inputs it encodes (each with the same weights).
    pub inputs: [Spanned<String>; 2],
    pub hidden: Vec<usize>,
    pub latent: usize,
    /// Activation of the latent layer; `None` = linear.
    pub latent_activation: Option<Activation>,
    /// Append a 0/1 flag (0 for the first input, 1 for the second) to the encoder's input.
    pub flag: bool,
    #[serde(skip)]
    pub span: Span,
}

/// How the two latents are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// |a − b|, latent wide.
    AbsDiff,
    /// (a − b)², latent wide.
    SqDiff,
    /// a ⊙ b, latent wide.
    Product,
    /// [a, b], twice the latent wide.
    Concat,
    /// ‖a − b‖ (Euclidean), one wide.
    Distance,
}

/// `head { inputs = conditions  hidden = [32] }`: the per-task network after `combine`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadSpec {
    /// Named inputs appended to the combined vector.
    pub inputs: Vec<Spanned<String>>,
    pub hidden: Vec<usize>,
}

/// `multitask { lambda = 0.5  lr = ...  batch = ...  epochs = ...  patience = ...  validation = ... }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultitaskSpec {
    /// Weight of the source task's loss; the target's is 1 − λ.
    pub lambda: f64,
    /// Optimiser settings (also used by the direct baseline); `freeze` is 0.
    pub train: TrainSpec,
}

/// The settings one training phase runs with (a row of the plan's and the reports' "Training
/// settings" table). `from` names the block they come from (`pretrain`, `finetune`, `direct`,
/// `multitask`), with " (default)" when the `direct` baseline has no block of its own.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TrainingSettings {
    pub arm: Arm,
    /// `pretrain`, `finetune`, `direct` or `multitask`.
    pub phase: String,
    pub from: String,
    #[serde(flatten)]
    pub spec: TrainSpec,
}

impl TrainingSettings {
    /// Column titles of [`TrainingSettings::cells`].
    pub const HEADER: [&'static str; 10] =
        ["arm", "phase", "lr", "weight decay", "batch", "max epochs", "patience", "validation", "freeze", "from"];

    /// The row as text, in the order of [`TrainingSettings::HEADER`].
    pub fn cells(&self) -> [String; 10] {
        let small = |x: f64| if x == 0.0 { "0".to_string() } else { format!("{x:e}") };
        let s = &self.spec;
        [
            self.arm.as_str().to_string(),
            self.phase.clone(),
            small(s.lr),
            small(s.weight_decay),
            s.batch.to_string(),
            s.max_epochs.to_string(),
            s.patience.to_string(),
            format!("{}", s.validation),
            s.freeze.to_string(),
            self.from.clone(),
        ]
    }
}

/// `pretrain { ... }` / `finetune { ... }` / `direct { ... }`. Optimizer is Adam.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct TrainSpec {
    pub lr: f64,
    pub weight_decay: f64,
    pub batch: usize,
    pub max_epochs: usize,
    pub patience: usize,
    /// Fraction of the training rows held out for early stopping, in (0, 1).
    pub validation: f64,
    /// Number of leading hidden layers kept fixed (fine-tuning only; 0 = train all).
    pub freeze: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridSpec {
    pub n: Spanned<NGrid>,
    pub m: Spanned<MGrid>,
    pub trials: usize,
    /// Fraction of the target held out for testing in each trial; default 0.2.
    pub test: f64,
    pub subset: SubsetMode,
    /// `metric = mae | mae_transformed`: the error every trial reports; default `mae`.
    pub metric: Metric,
}

/// The error a trial reports on its test rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean absolute error in the label's own units (predictions inverse-transformed).
    #[default]
    Mae,
    /// Mean absolute error in the space of `transform y` (test labels transformed with the
    /// trial's fitted label pipeline): labels spanning decades are judged in log units.
    MaeTransformed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum NGrid {
    /// `logspace(from, to, points)`: rounded, de-duplicated, capped at the source size.
    Logspace {
        from: usize,
        to: Upper,
        points: usize,
    },
    List(Vec<usize>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Upper {
    /// `all`: the number of source rows.
    All,
    Count(usize),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum MGrid {
    /// Counts of target training rows.
    Counts(Vec<usize>),
    /// Fractions (0, 1] of the target's training part.
    Fractions(Vec<f64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsetMode {
    /// One source subset (and one pretrained model) per n, shared by all trials.
    Once,
    /// A fresh source subset and pretraining per trial.
    PerTrial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Baseline {
    /// The same architecture trained on the target alone.
    Direct,
}

/// The two arms whose errors are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arm {
    Transfer,
    Direct,
    /// Source and target trained jointly (`multitask { ... }`).
    Multitask,
}

impl Arm {
    pub fn as_str(self) -> &'static str {
        match self {
            Arm::Transfer => "transfer",
            Arm::Direct => "direct",
            Arm::Multitask => "multitask",
        }
    }

    /// Whether the arm uses source data (its points have n > 0): transfer and multitask.
    pub fn uses_source(self) -> bool {
        !matches!(self, Arm::Direct)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Law {
    /// R(n) = D·n^-α + C, D, α, C ≥ 0, fitted to the mean transfer MAE per n (one fit per m).
    PowerLaw,
    /// R(n, m) = (A·n^-α + B)·m^-β + ε, all ≥ 0, fitted to the mean transfer MAE over the n × m
    /// grid (Eq. 1 of Minami et al. 2025), with the marginal rate of substitution at the largest
    /// n and m.
    Surface,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSpec {
    pub law: Law,
    /// `fit surface at (n = N, m = M)`: where the exchange rate is evaluated; `None` = the
    /// largest n and m of the grid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Spanned<MrsPoint>>,
    /// `fit power_law { D = 0.48 }`: parameters held at these values (names as in fit records,
    /// in the law's parameter order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<(String, f64)>,
    #[serde(skip)]
    pub span: Span,
}

/// `budget { source_cost = C  target_cost = C  have = (n = N, m = M)  goal = G }` (or
/// `spend = S` instead of `goal`): what to buy next, planned on the fitted surface (the study
/// has `fit surface`) once the run has finished.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetSpec {
    /// Cost of one source row and of one target row (same unit, both > 0).
    pub source_cost: f64,
    pub target_cost: f64,
    /// What is already paid for; `None` = the largest measured n and m.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub have: Option<MrsPoint>,
    /// The goal or the spend, spanning its value (where an unreachable goal is reported).
    pub ask: Spanned<BudgetAsk>,
    /// The `budget` keyword (where planning failures that are not the goal's are reported).
    #[serde(skip)]
    pub span: Span,
}

/// What a `budget` block asks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetAsk {
    /// The cheapest (n, m) whose fitted MAE is at most this.
    Goal(f64),
    /// The lowest fitted MAE for this much spent beyond `have` (≥ 0).
    Spend(f64),
}

/// A point of the (n, m) plane: n source rows, m target training rows (counts, both ≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MrsPoint {
    pub n: usize,
    pub m: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expect {
    pub kind: ExpectKind,
    /// The expectation as written, for messages.
    pub text: String,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExpectKind {
    /// `expect alpha > 0`: a fit parameter (`D`, `alpha`, `C` of the power law; `A`, `alpha`, `B`,
    /// `beta`, `eps` of the surface), `r2`, or `mrs` (source samples worth one target sample);
    /// must hold for every fit that has it.
    Param { name: String, op: CmpOp, value: f64 },
    /// `expect transfer < direct at every n` / `at largest n`: compares mean MAEs; with
    /// `significantly`, the 90 % CI of the paired per-trial difference must exclude 0 in the
    /// stated direction.
    Arms { left: Arm, op: CmpOp, right: Arm, at: AtN, significantly: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AtN {
    Every,
    Largest,
}

/// The breakdowns a study asks for beyond the pooled curve.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportSpec {
    /// `report by COLUMN`: a column of the target table (checked against the data when it is
    /// prepared); scaling per value of it.
    pub by: Option<Spanned<String>>,
    /// `report samples`: scaling per test sample (transfer arm, largest m).
    pub samples: bool,
}

impl ReportSpec {
    /// True when neither breakdown is asked for.
    pub fn is_empty(&self) -> bool {
        self.by.is_none() && !self.samples
    }
}
