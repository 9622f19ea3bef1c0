//! sim2real — how much is simulated data worth for predicting real experiments?
//!
//! The crate is a staged compiler for `.study` files; each folder is one stage:
//!
//! | stage      | folder        | input → output                                                        |
//! |------------|---------------|-----------------------------------------------------------------------|
//! | (shared)   | `ir/`, `stats/`, `diag/`, `number.rs` | the IRs (checked study, plan, spans); bootstrap and CI maths; diagnostics; the one number formatter |
//! | syntax     | `syntax/`     | text → AST with spans (pest grammar in `grammar/`); the table of the language's names |
//! | fit        | `fit/`        | the fitted laws (argmin) and budgets on them: maths on numbers          |
//! | check      | `check/`      | AST → [`ir::Study`] (names, types, ranges, grids)                     |
//! | data       | `data/`       | table expressions → [`data::Table`]s (csv, parquet, synthetic, join, filter) |
//! | transform  | `transform/`  | column pipelines fitted on training rows only                         |
//! | engine     | `engine/`     | ensemble MLP training (host buffers, hand-written backward)           |
//! | plan       | `plan/`       | study + data → [`ir::Plan`]: jobs with seeds, settings, FLOP estimates |
//! | results    | `results/`    | the results value (results.json), the list of run-directory files, [`Run`] (a finished run loaded back) |
//! | exec       | `exec/`       | runs the plan, appends every finished job to the store, aggregates    |
//! | report     | `report/`     | renders results: report.md/html, summary.md, figures, breakdown csvs  |
//! | bench      | `bench/`      | `sim2real bench`: the engine vs. the PyTorch reference                |
//! | kernel     | `kernel/`     | the Jupyter kernel                                                    |
//! | lsp        | `lsp/`        | `sim2real lsp`: the language server (diagnostics, completion, hover, tokens) |
//! | cli        | `cli/`        | the `sim2real` command                                                |
//!
//! Imports flow down this table (a stage uses earlier ones only; `tests/imports.rs` checks it),
//! and the crate root has one function per stage: [`parse`], [`check()`], [`prepare`],
//! [`plan()`], [`run`]. `sim2real check --emit ast|study|plan` prints each IR.
//!
//! Feature `engine` (default) gates the burn engine and what runs studies (`engine`, `plan`,
//! `exec`, `bench`, `cli`); feature `kernel` (default) the Jupyter kernel. Without them the crate
//! still offers the language, data, fits, results, reports and [`Run`] (what notebook Rust cells use).

#[cfg(feature = "engine")]
pub mod bench;
pub mod check;
#[cfg(feature = "engine")]
pub mod cli;
pub mod data;
pub mod diag;
#[cfg(feature = "engine")]
pub mod engine;
#[cfg(feature = "engine")]
pub mod exec;
pub mod fit;
pub mod ir;
pub mod kernel;
pub mod lsp;
pub mod number;
#[cfg(feature = "engine")]
pub mod plan;
pub mod report;
pub mod results;
pub mod stats;
pub mod syntax;
pub mod transform;

pub use results::Run;

// The stages as functions, in order (`sim2real check --emit ast|study|plan` prints each IR).

/// Stage 1, syntax: study text → syntax tree with spans.
pub fn parse(file_name: &str, text: &str) -> Result<syntax::ast::File, diag::StudyErrors> {
    syntax::parse(text).map_err(|p| diag::StudyErrors::new(file_name, text, p))
}

/// Stages 1–2, syntax and check: study text → checked study ([`ir::Study`]).
pub fn check(file_name: &str, text: &str) -> Result<ir::Study, diag::StudyErrors> {
    check::compile(file_name, text)
}

/// Stage 3, data: evaluate the study's tables and bind its roles (every data check).
#[cfg(feature = "engine")]
pub fn prepare(study: &ir::Study, ctx: &data::DataContext) -> Result<plan::Prepared, Vec<diag::Problem>> {
    plan::prepare(study, ctx)
}

/// Stage 4, plan: checked study + data → plan IR ([`ir::Plan`]).
#[cfg(feature = "engine")]
pub fn plan(study: &ir::Study, data: &plan::Prepared, quick: bool) -> Result<ir::Plan, Vec<diag::Problem>> {
    plan::build(study, data, quick)
}

/// Stages 5–7, engine, exec and fits: train every job of the plan not yet in the output
/// directory's store, then aggregate and fit ([`exec::load`] runs stages 1–4 from a file). Writes
/// the store, results.json and trials.csv; [`report::write_reports`] renders the reports from the
/// outcome's results.
#[cfg(feature = "engine")]
pub fn run(loaded: &exec::Loaded, opts: &exec::RunOptions) -> Result<exec::RunOutcome, exec::RunError> {
    exec::run(loaded, opts)
}
