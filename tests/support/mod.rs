//! Helpers shared by the test modules (`use crate::support::...`). One copy of each: the path of
//! a repository file, the binary as a `Command`, its output as text, the shared datasets, and
//! the [`Test`] builder for command-line cases.

#![allow(dead_code)] // not every helper is used by every configuration (`--no-default-features`)

pub mod coverage_band;
pub mod docs;
pub mod rng;
pub mod test;
pub mod xml;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use test::{Ran, Test};

/// The repository root (the folder of Cargo.toml).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A repository file's absolute path, e.g. `repo_file("tests/cli/tiny.study")`.
pub fn repo_file(rel: &str) -> PathBuf {
    repo().join(rel)
}

/// [`repo_file`] as a string, for command-line arguments.
pub fn repo_arg(rel: &str) -> String {
    repo_file(rel).display().to_string()
}

/// The built `sim2real` binary with colours off. For a run with expectations use [`Test`]; this
/// is for what a builder does not cover: spawning and killing, a custom environment per call.
pub fn sim2real() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sim2real"));
    c.env("NO_COLOR", "1");
    c
}

/// stdout followed by stderr, decoded lossily.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A file's bytes; a missing file fails the test naming it.
pub fn read_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `results.json` and `trials.csv` of run directory `got` are the bytes of `want`'s; `why`
/// completes the failure message ("differs from the uninterrupted run (round 3)").
pub fn assert_same_results(want: &Path, got: &Path, why: &str) {
    for f in ["results.json", "trials.csv"] {
        assert!(read_bytes(&want.join(f)) == read_bytes(&got.join(f)), "{f} of {} {why}", got.display());
    }
}

/// A JSON file, parsed.
pub fn read_json(p: &Path) -> serde_json::Value {
    let s = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The shared datasets ($SIM2REAL_DATA, else ../shared/data beside the checkout). Missing data
/// fails the test that needs it, on every machine: a skipped real-data test would pass without
/// having checked anything.
pub fn shared_data(what_is_not_run: &str) -> PathBuf {
    let dir = std::env::var_os("SIM2REAL_DATA").map(PathBuf::from).unwrap_or_else(|| repo().join("../shared/data"));
    if dir.is_dir() {
        return dir;
    }
    panic!(
        "the shared datasets are missing at {}: {what_is_not_run} cannot run (set SIM2REAL_DATA to the folder \
         holding them; see the README)",
        dir.display()
    );
}
