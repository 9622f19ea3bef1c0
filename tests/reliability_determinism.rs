//! Determinism: the same study, seed and thread count give byte-identical outputs, and a job's
//! result does not depend on whether it trained inside its full ensemble or alone on a resume.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")
}

/// Subset per_trial: each n pretrains four members in one ensemble.
fn kill_study() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reliability/kill.study")
}

fn run(out: &Path) -> Output {
    run_study(&tiny(), out)
}

fn run_study(study: &Path, out: &Path) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_sim2real"))
        .env("NO_COLOR", "1")
        .args(["run", &study.display().to_string(), "--out", &out.display().to_string(), "--quiet", "--threads", "2"])
        .output()
        .expect("start sim2real");
    assert_eq!(o.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    o
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn log_lines(dir: &Path) -> Vec<String> {
    String::from_utf8(read(&dir.join("store.log"))).unwrap().lines().map(str::to_string).collect()
}

fn job_of(line: &str) -> serde_json::Value {
    let json = line.split_once(' ').expect("checksum and record").1;
    serde_json::from_str(json).expect("a JSON record")
}

#[test]
fn two_fresh_runs_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&a);
    run(&b);
    for f in ["results.json", "trials.csv", "store.log"] {
        assert!(read(&a.join(f)) == read(&b.join(f)), "{f} differs between two identical runs");
    }
}

/// Remove the lines selected by `pick` from a finished run's store, rerun, and check that exactly
/// those records come back, byte for byte, at the end of the log.
fn redo_alone(study: &Path, pick: impl Fn(&serde_json::Value) -> bool, also_remove_weights: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    run_study(study, &a);
    let lines = log_lines(&a);
    let (removed, kept): (Vec<String>, Vec<String>) = lines.iter().cloned().partition(|l| pick(&job_of(l)));
    assert_eq!(removed.len(), 1, "the selection names one record");
    let results = read(&a.join("results.json"));
    let trials = read(&a.join("trials.csv"));
    std::fs::write(a.join("store.log"), kept.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    if also_remove_weights {
        let w = job_of(&removed[0])["weights"].as_str().expect("weights file").to_string();
        std::fs::remove_file(a.join("weights").join(w)).unwrap();
    }
    let o = run_study(study, &a);
    assert!(String::from_utf8_lossy(&o.stdout).contains("(1 trained now)"), "{}", String::from_utf8_lossy(&o.stdout));
    let after = log_lines(&a);
    assert_eq!(after.len(), lines.len());
    assert_eq!(after.last(), removed.first(), "the job trained alone reproduces its record exactly");
    assert!(read(&a.join("results.json")) == results, "results.json changed");
    assert!(read(&a.join("trials.csv")) == trials, "trials.csv changed");
}

#[test]
fn a_finetune_job_trained_alone_matches_its_ensemble_result() {
    // Trial 1 of n=150 m=80 trained with its two sibling trials; now it trains alone.
    redo_alone(&tiny(), |r| r["type"] == "trial" && r["arm"] == "transfer" && r["n"] == 150 && r["m"] == 80 && r["trial"] == 1, false);
}

#[test]
fn a_direct_job_trained_alone_matches_its_ensemble_result() {
    redo_alone(&tiny(), |r| r["type"] == "trial" && r["arm"] == "direct" && r["m"] == 40 && r["trial"] == 2, false);
}

#[test]
fn a_pretraining_redone_alone_writes_the_same_weights() {
    // Pretraining n=200 r=2 trained in one ensemble with r=0, 1, 3; alone it must give the same
    // weights (the same checksum in its record).
    redo_alone(&kill_study(), |r| r["type"] == "pretrain" && r["job"] == "pretrain n=200 r=2", true);
}
