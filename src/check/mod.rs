//! Checking: AST → checked study ([`Study`]).
//!
//! [`compile`] parses and checks a study text; [`check`] checks an already parsed
//! [`crate::syntax::ast::File`]. Both report every problem in the file, each with a span, a
//! label and usually a help line ("did you mean ...?", the expected syntax).
//!
//! One file per concern: `checker` (statements, duplicates, required statements), `values`
//! (typed values and ranges), `settings` (blocks), `blocks` (model, pretrain, finetune, multitask),
//! `pair` (inputs, shared encoder, head), `grid`, `roles` (source, target), `tables` (data),
//! `transforms`, `expect` (baseline, fit, expect), `report` (report by, report samples), `budget`. The names
//! accepted come from [`crate::syntax::names`]; "did you mean" from [`crate::diag::did_you_mean`].

mod blocks;
mod budget;
mod checker;
mod derive;
mod expect;
mod featurize;
mod grid;
mod pair;
mod point;
mod report;
mod roles;
mod settings;
mod tables;
mod transforms;
mod values;

pub use blocks::{default_model, default_train};
pub use checker::{Parts, check, check_parts, compile, compile_parts};
pub use grid::{MIN_M, MIN_TRAIN_ROWS, MIN_VAL_ROWS};
