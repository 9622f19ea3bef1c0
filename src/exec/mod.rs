//! Execution: run a plan into a results store, aggregate, evaluate expectations, write outputs.
//!
//! `run` (the executor), `members` (one member's rows and transforms), `store` (the
//! append-only results store and directory lock), `aggregate` (points, fits, expectations),
//! `outputs` (results.json, trials.csv, reports), `progress` (bar or plain lines), `groups`,
//! `health` (failed and exploding trials, pretraining retries), `samples` and `breakdown` (`report by COLUMN`, `report samples` from per-test-row errors).

pub mod aggregate;
pub mod breakdown;
pub mod budget;
pub mod expect;
pub mod groups;
pub mod health;
pub mod members;
pub mod outputs;
pub mod pair_run;
pub mod progress;
pub mod run;
pub mod samples;
pub mod store;
pub mod surface;

pub use run::{Loaded, RunError, RunOptions, RunOutcome, load, read_study, run};
