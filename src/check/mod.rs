//! Checking: AST → checked study.
pub mod model;
pub use model::*;
