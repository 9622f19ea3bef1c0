//! The integration tests: one test binary (`cargo test --test main`), one module per area.
//!
//! Each test file used to be its own binary, linking the whole crate and burn again (21 links
//! per `cargo test`). Cargo.toml turns test auto-discovery off (`autotests = false`) and names this
//! file the only integration test target, so a file in tests/ runs only if it is declared here.
//!
//! To add a test module:
//! 1. write `tests/NAME.rs` (tests as usual; `use crate::support::...` for shared helpers, never
//!    a copy of them, and [`support::Test`] for command-line cases);
//! 2. add `mod NAME;` below, in alphabetical order;
//! 3. its insta snapshots are `tests/snapshots/main__NAME__*.snap`.
//!
//! `every_test_file_is_a_module` below fails when a tests/*.rs file is not declared, so a file
//! brought in by a merge cannot be silently left out. Filter as before: `cargo test --test main
//! cli::` runs one module. The tests of all modules share one process: set an environment variable
//! or a working directory on the child process (`Test::env`, `Command::env`), never with
//! `std::env::set_var` or `std::env::set_current_dir`.

mod support;

mod bench;
mod breakdown;
mod budget;
mod budget_coverage;
mod budget_study;
mod check_json;
mod cli;
mod coverage;
mod data;
mod diagnostics;
mod docs;
mod editors;
mod engine;
mod featurize;
mod featurize_cache;
mod featurize_smiles;
mod fit;
mod fit_fixed;
mod fit_reference;
mod fmt;
mod imports;
mod iterate;
mod kernel;
mod lsp;
mod multitask;
mod pair_engine;
mod parse;
mod plan;
mod reliability_data;
mod reliability_determinism;
mod reliability_resume;
mod reliability_sweep;
mod report;
mod shards;
mod slurm;
mod studies_real;
mod surface;
mod surface_outputs;
mod transform;
mod trial_health;
mod typed_errors;

/// Every tests/*.rs file (other than this one) is a `mod` above.
#[test]
fn every_test_file_is_a_module() {
    let here = include_str!("main.rs");
    let declared: Vec<&str> =
        here.lines().filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';')).filter(|m| *m != "support").collect();
    let mut files: Vec<String> = std::fs::read_dir(support::repo_file("tests"))
        .expect("tests/")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "rs").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .filter(|stem| stem != "main")
        .collect();
    files.sort();
    let mut sorted = declared.clone();
    sorted.sort();
    assert_eq!(declared, sorted, "keep the modules of tests/main.rs in alphabetical order");
    assert_eq!(files, declared, "tests/*.rs and the modules of tests/main.rs differ");
}
