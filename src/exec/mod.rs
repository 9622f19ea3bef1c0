//! Execution: run a plan into a results store, aggregate, evaluate expectations, write results.json and trials.csv (the caller renders the reports from the `Results`).
//!
//! `run` (the executor), `members` (one member's rows and transforms), `store` (the
//! append-only results store and directory lock), `shards` (`run --shard I/N`: per-shard store segments merged on read), `aggregate` (points, fits, expectations),
//! `error` (the executor's errors: bad input, exit 2, or a failure while running, exit 3), `job` (what `run` and `pair_run` share: a job's settings, starting weights and store records), `progress` (bar or plain lines), `revisit` (`report DIR [--study FILE]`: a run directory seen through a study, without training), `groups`,
//! `health` (failed and exploding trials, pretraining retries), `samples` and `breakdown` (`report by COLUMN`, `report samples` from per-test-row errors).

pub mod aggregate;
pub mod breakdown;
pub mod budget;
pub mod error;
pub mod expect;
pub mod groups;
pub mod health;
pub mod job;
pub mod members;
pub mod pair_run;
pub mod progress;
pub mod revisit;
pub mod run;
pub mod samples;
pub mod shards;
pub mod store;
pub mod surface;

pub use error::{Failure, InputError, RunError};
pub use run::{Loaded, RunOptions, RunOutcome, load, read_study, run};
