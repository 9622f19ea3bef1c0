//! sim2real — how much is simulated data worth for predicting real experiments?
//!
//! The crate is a staged compiler for `.study` files; each folder is one stage:
//!
//! | stage      | folder        | input → output                                            |
//! |------------|---------------|-----------------------------------------------------------|
//! | syntax     | `syntax/`     | text → AST with spans (pest grammar in `grammar/`)        |
//! | check      | `check/`      | AST → [`ir::Study`] (names, types, ranges, grids)      |
//! | data       | `data/`       | table expressions → [`data::Table`]s (csv, parquet, synthetic, join, filter) |
//! | transform  | `transform/`  | column pipelines fitted on training rows only              |
//! | plan       | `plan/`       | study + data → plan IR: jobs with seeds and FLOP estimates |
//! | engine     | `engine/`     | ensemble MLP training (burn matmuls, hand-written backward) |
//! | exec       | `exec/`       | runs the plan, appends every finished job to the store     |
//! | stats, fit | `stats/`, `fit/` | bootstrap CIs, power-law fits (argmin)                 |
//! | report     | `report/`     | results.json, trials.csv, report.md/html, scaling.svg      |
//! | cli        | `cli/`        | the `sim2real` command                                     |
//! | bench      | `bench/`      | `sim2real bench`: the engine vs. the PyTorch reference     |
//! | kernel     | `kernel/`     | the Jupyter kernel; [`Run`] loads a finished run           |
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
#[cfg(feature = "engine")]
pub mod plan;
pub mod report;
pub mod results;
pub mod stats;
pub mod syntax;
pub mod transform;

pub use kernel::Run;
