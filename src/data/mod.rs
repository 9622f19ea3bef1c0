//! Data: tables, loaders, joins, filters, column selection, the synthetic generator.
//!
//! [`evaluate`] turns the `data NAME = ...` definitions of a checked study into [`Table`]s;
//! [`Table::resolve`] expands column sets and [`Table::numeric`] builds the [`Matrix`] handed to
//! transforms and the engine. Every failure is a [`DataError`] naming the file, column and line.
// `DataError` is the stage's contract (public fields, ~136 bytes); errors are the cold path.
#![allow(clippy::result_large_err)]

pub mod columns;
pub mod context;
pub mod csv;
pub mod derive;
pub mod error;
pub mod eval;
pub mod featurize;
pub mod filter;
pub mod join;
pub mod matrix;
pub mod parquet;
pub mod synthetic;
pub mod table;

pub use context::DataContext;
pub use error::DataError;
pub use eval::{evaluate, evaluate_expr};
pub use matrix::Matrix;
pub use synthetic::SyntheticTruth;
pub use table::{Column, Table};
