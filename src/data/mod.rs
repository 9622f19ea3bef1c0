//! Data: tables, loaders, joins, filters, column selection, the synthetic generator.
pub mod matrix;
pub use matrix::Matrix;
