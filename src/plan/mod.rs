//! Planning: study + data → plan IR.
//!
//! `prepare` evaluates the tables and binds the roles (all data checks live there), `grid`
//! makes the n and m grids concrete, `splits` draws target splits and source subsets, `seeds`
//! derives every seed from the master seed, `overlap` finds target rows that are also source rows, `identity` hashes what determines each job's result (the store's key), `build` lays out the jobs, the plan itself is `crate::ir::plan`, `keys` the target's key columns for `report` breakdowns, `shards` the split of a plan's jobs for `run --shard I/N`.

pub mod build;
pub mod grid;
pub mod identity;
pub mod keys;
pub mod overlap;
pub mod pair_layout;
pub mod prepare;
pub mod seeds;
pub mod shards;
pub mod splits;

pub use build::{build, net_shape};
pub use prepare::{Prepared, RoleData, data_problems, prepare};
