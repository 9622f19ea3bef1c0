//! The syntax tree of a `.study` file, as written: no names resolved, no ranges checked.
//!
//! Every node carries a [`Span`] (byte range into the study text). Settings blocks, call
//! arguments and values are kept generic ([`Block`], [`Call`], [`Value`]) so that the checker
//! can report unknown names and wrong types with precise messages.

pub use crate::ir::{CmpOp, Span};

/// An identifier (or a keyword-like word) with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A number exactly as written (`32`, `1e-3`, `-0.5`); the checker decides integer vs real.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub text: String,
    pub span: Span,
}

/// A double-quoted string, escapes resolved (`\"`, `\\`, `\n`, `\t`).
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A whole study file: its statements in order.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub statements: Vec<Statement>,
    /// `0..text.len()`.
    pub span: Span,
    /// Byte offset of the start of every line (the first is 0), for messages that name a line.
    pub line_starts: Vec<usize>,
}

impl File {
    /// The 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }
}

/// Byte offsets of line starts in `text`.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// One top-level statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    /// The statement keyword (`study`, `data`, ...).
    pub keyword: Ident,
    /// The whole statement.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// `study NAME` (identifier or string).
    Study(Ident),
    /// `seed N`.
    Seed(Number),
    /// `data NAME = TABLE`.
    Data {
        name: Ident,
        expr: TableExpr,
    },
    /// `source TABLE { ... }`.
    Source {
        table: Ident,
        block: Block,
    },
    /// `target TABLE { ... }`.
    Target {
        table: Ident,
        block: Block,
    },
    /// `transform x = a | b`; `target` is the word after `transform` (`x` or `y` when valid).
    Transform {
        target: Ident,
        steps: Vec<Ident>,
    },
    Model(ModelBlock),
    Pretrain(Block),
    Finetune(Block),
    /// `direct { ... }`: the direct baseline's training settings.
    Direct(Block),
    /// `multitask { ... }`.
    Multitask(Block),
    Grid(Block),
    /// `baseline NAME`.
    Baseline(Ident),
    /// `fit LAW`, `fit LAW at (n = N, m = M)`, each optionally followed by `{ NAME = VALUE ... }`
    /// (parameters held fixed).
    Fit(Ident, Option<FitAt>, Option<Block>),
    Expect(ExpectStmt),
    /// `report by COLUMN` / `report samples`.
    Report(ReportStmt),
    /// `budget { ... }`.
    Budget(BudgetBlock),
}

/// `budget { source_cost = C  target_cost = C  have = (n = N, m = M)  goal = G }`: its settings
/// and its `have = (...)` points, as written (the checker wants one `have` at most).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetBlock {
    /// The `name = value` settings (as a block spanning the whole `{ ... }`).
    pub block: Block,
    /// `have = (n = N, m = M)`: the coordinates read like `fit surface at (...)`'s; the span runs
    /// from `have` to `)`.
    pub have: Vec<FitAt>,
}

/// `report by COLUMN` (per-group scaling) or `report KIND` (`samples`: per-sample scaling).
#[derive(Debug, Clone, PartialEq)]
pub enum ReportStmt {
    /// `report by COLUMN`: `by` and the column (a name or a quoted string).
    By { by: Ident, column: Ident },
    /// `report WORD`: the word as written (`samples` when valid; `by` alone when the column is missing).
    Kind(Ident),
}

/// `expect SUBJECT OP VALUE [at every|largest n] [significantly]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectStmt {
    pub subject: Ident,
    pub op: CmpOp,
    pub op_span: Span,
    pub value: ExpectValue,
    pub at: Option<AtClause>,
    /// The span of a trailing `significantly` (arm comparisons: the paired CI must exclude 0).
    pub significantly: Option<Span>,
    /// The expectation as written after `expect`, whitespace collapsed.
    pub text: String,
}

impl ExpectStmt {
    /// The span of the value after the operator.
    pub fn value_span(&self) -> Span {
        match &self.value {
            ExpectValue::Number(n) => n.span,
            ExpectValue::Name(i) => i.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectValue {
    Number(Number),
    Name(Ident),
}

/// `at (n = 2000, m = 100)` after `fit surface`: where the exchange rate is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct FitAt {
    /// The `name = value` pairs as written, read like a settings block (the checker wants `n`
    /// and `m`); its span is the parenthesised list's.
    pub coords: Block,
    /// From `at` to `)`.
    pub span: Span,
}

/// `at every n` / `at largest n`.
#[derive(Debug, Clone, PartialEq)]
pub struct AtClause {
    /// `every` or `largest`.
    pub which: Ident,
    pub span: Span,
}

/// `{ name = value ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub settings: Vec<Setting>,
    pub span: Span,
}

/// `model { ... }`: plain settings plus the declarations of a pairwise model, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelBlock {
    /// The `name = value` settings (as a block spanning the whole `{ ... }`).
    pub block: Block,
    /// `input NAME = COLS`.
    pub inputs: Vec<InputDecl>,
    /// `encoder NAME(a, b) { ... }`.
    pub encoders: Vec<EncoderDecl>,
    /// `head { ... }`.
    pub heads: Vec<HeadDecl>,
}

/// `input NAME = COLS` inside `model`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    pub name: Ident,
    pub cols: Value,
    pub span: Span,
}

/// `encoder NAME(a, b) { ... }` inside `model`.
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderDecl {
    pub keyword: Ident,
    /// The encoder's kind (`shared`).
    pub kind: Ident,
    pub inputs: Vec<Ident>,
    pub block: Block,
    pub span: Span,
}

/// `head { ... }` inside `model`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadDecl {
    pub keyword: Ident,
    pub block: Block,
    pub span: Span,
}

/// `name = value` inside a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
}

/// A setting value or call argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Number),
    Str(Str),
    /// A bare identifier (`relu`, `all`, a column name).
    Name(Ident),
    /// A column pattern containing `*` or `?`.
    Glob(Ident),
    List {
        items: Vec<Value>,
        span: Span,
    },
    Call(Call),
    /// `base except excluded` (column sets).
    Except {
        base: Box<Value>,
        except: Box<Value>,
        span: Span,
    },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Number(n) => n.span,
            Value::Str(s) => s.span,
            Value::Name(i) | Value::Glob(i) => i.span,
            Value::List { span, .. } | Value::Except { span, .. } => *span,
            Value::Call(c) => c.span,
        }
    }

    /// A short description of the kind of value, for type errors ("a list", "a string", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::Str(_) => "a string",
            Value::Name(_) => "a name",
            Value::Glob(_) => "a column pattern",
            Value::List { .. } => "a list",
            Value::Call(_) => "a function call",
            Value::Except { .. } => "a column set with `except`",
        }
    }
}

/// `name(arg, name: arg, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Arg>,
    pub span: Span,
}

/// A call argument, positional or `name: value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Value,
    pub span: Span,
}

/// `primary | op | op ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableExpr {
    pub primary: Primary,
    pub ops: Vec<TableOp>,
    pub span: Span,
}

/// A loader call (`csv("...")`, `synthetic(...)`) or the name of a declared table.
#[derive(Debug, Clone, PartialEq)]
pub enum Primary {
    Call(Call),
    Name(Ident),
}

impl Primary {
    pub fn span(&self) -> Span {
        match self {
            Primary::Call(c) => c.span,
            Primary::Name(i) => i.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableOp {
    Where {
        cond: Cond,
        span: Span,
    },
    Join {
        right: Primary,
        on: Vec<JoinPair>,
        span: Span,
    },
    Select {
        cols: ColumnSet,
        span: Span,
    },
    Drop {
        cols: ColumnSet,
        span: Span,
    },
    /// `derive NAME = EXPR`.
    Derive {
        name: Ident,
        expr: Arith,
        span: Span,
    },
    /// `featurize composition(COLUMN) with PRESET { settings }`: `input` is the call naming
    /// what the column holds, `with` the preset (a name or a call with arguments).
    Featurize {
        input: Call,
        with: Primary,
        settings: Option<Block>,
        span: Span,
    },
}

/// An arithmetic expression of `derive`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arith {
    Num(Number),
    /// A column (name or quoted name).
    Col(Ident),
    /// Unary minus.
    Neg {
        expr: Box<Arith>,
        span: Span,
    },
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Bin {
        op: char,
        left: Box<Arith>,
        right: Box<Arith>,
        span: Span,
    },
    /// `name(arg)`.
    Call {
        name: Ident,
        arg: Box<Arith>,
        span: Span,
    },
}

impl Arith {
    pub fn span(&self) -> Span {
        match self {
            Arith::Num(n) => n.span,
            Arith::Col(c) => c.span,
            Arith::Neg { span, .. } | Arith::Bin { span, .. } | Arith::Call { span, .. } => *span,
        }
    }
}

/// `left = right` in `join ... on`.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinPair {
    pub left: Ident,
    pub right: Ident,
}

/// A column set: patterns (names, globs, quoted names) minus exclusions.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSet {
    pub include: Vec<Ident>,
    pub exclude: Vec<Ident>,
    pub span: Span,
}

/// A row condition. `and`/`or` chains are kept flat (one node per chain).
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Cmp {
        column: Ident,
        op: CmpOp,
        value: Literal,
        span: Span,
    },
    In {
        column: Ident,
        values: Vec<Literal>,
        span: Span,
    },
    /// Two or more operands.
    And(Vec<Cond>),
    /// Two or more operands.
    Or(Vec<Cond>),
    /// `not` repeated `count` times (≥ 1) before the operand.
    Not {
        count: usize,
        cond: Box<Cond>,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Num(Number),
    Str(Str),
}
