//! The intermediate representations handed between the stages, and the small types they share.
//!
//! | IR              | file       | made by  | read by                                   |
//! |-----------------|------------|----------|-------------------------------------------|
//! | checked study   | `study.rs` | `check`  | `data`, `plan`, `fit`, `report`, `kernel` |
//! | plan            | `plan.rs`  | `plan`   | `exec`, `engine`, `cli plan`, `results`   |
//! | source spans    | `span.rs`  | `syntax` | every stage that points at the study text |
//!
//! This module imports no other module of the crate: every stage may import it, and it depends
//! on none of them (`tests/main.rs` checks the direction of every import).

pub mod plan;
pub mod span;
pub mod study;

pub use plan::{Job, JobKind, Plan, group_of};
pub use span::{Span, Spanned};
pub use study::*;
