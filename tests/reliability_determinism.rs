//! Determinism: the same study, seed and thread count give byte-identical outputs, and a job's
//! result does not depend on whether it trained inside its full ensemble or alone on a resume.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{read_bytes, repo_file, sim2real, text};

fn tiny() -> PathBuf {
    repo_file("tests/cli/tiny.study")
}

/// Subset per_trial: each n pretrains four members in one ensemble.
fn kill_study() -> PathBuf {
    repo_file("tests/reliability/kill.study")
}

fn run(out: &Path) -> Output {
    run_study(&tiny(), out)
}

fn run_study(study: &Path, out: &Path) -> Output {
    run_threads(study, out, 2)
}

fn run_threads(study: &Path, out: &Path, threads: usize) -> Output {
    let o = sim2real()
        .args([
            "run",
            &study.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--quiet",
            "--threads",
            &threads.to_string(),
        ])
        .output()
        .expect("start sim2real");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

fn log_lines(dir: &Path) -> Vec<String> {
    String::from_utf8(read_bytes(&dir.join("store.log"))).unwrap().lines().map(str::to_string).collect()
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
        assert!(read_bytes(&a.join(f)) == read_bytes(&b.join(f)), "{f} differs between two identical runs");
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
    let results = read_bytes(&a.join("results.json"));
    let trials = read_bytes(&a.join("trials.csv"));
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
    assert!(read_bytes(&a.join("results.json")) == results, "results.json changed");
    assert!(read_bytes(&a.join("trials.csv")) == trials, "trials.csv changed");
}

#[test]
fn a_finetune_job_trained_alone_matches_its_ensemble_result() {
    // Trial 1 of n=150 m=80 trained with its two sibling trials; now it trains alone.
    redo_alone(
        &tiny(),
        |r| r["type"] == "trial" && r["arm"] == "transfer" && r["n"] == 150 && r["m"] == 80 && r["trial"] == 1,
        false,
    );
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

/// The pairwise counterpart of kill.study: a shared encoder, pretraining once per trial, fine-tuning
/// with the encoder frozen, the direct baseline.
fn kill_pair_study() -> PathBuf {
    repo_file("tests/reliability/kill_pair.study")
}

/// A multitask study with a shared encoder (both heads train together).
fn multitask_study() -> PathBuf {
    repo_file("tests/cli/pair.study")
}

/// The job name of a store record.
fn job_name(r: &serde_json::Value) -> &str {
    r["job"].as_str().unwrap_or_default()
}

/// Pairwise models train in other code than plain MLPs (`engine::pair_member` on the CPU,
/// `engine::lockstep::pair` with `SIM2REAL_DEVICE=cpu-lockstep` and on a GPU): the same bytes on
/// a rerun there too.
#[test]
fn pairwise_studies_give_identical_bytes_on_a_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, study) in [("kill_pair", kill_pair_study()), ("pair", multitask_study())] {
        let (a, b) = (tmp.path().join(format!("{name}-a")), tmp.path().join(format!("{name}-b")));
        run_study(&study, &a);
        run_study(&study, &b);
        for f in ["results.json", "trials.csv", "store.log"] {
            assert!(read_bytes(&a.join(f)) == read_bytes(&b.join(f)), "{name}: {f} differs between two identical runs");
        }
    }
}

#[test]
fn a_pairwise_finetune_job_trained_alone_matches_its_ensemble_result() {
    redo_alone(&kill_pair_study(), |r| r["type"] == "trial" && job_name(r) == "finetune n=120 m=99 t=1", false);
}

#[test]
fn a_pairwise_pretraining_redone_alone_writes_the_same_weights() {
    redo_alone(&kill_pair_study(), |r| r["type"] == "pretrain" && job_name(r) == "pretrain n=240 r=2", true);
}

#[test]
fn a_multitask_job_trained_alone_matches_its_ensemble_result() {
    redo_alone(
        &multitask_study(),
        |r| r["type"] == "trial" && job_name(r).starts_with("multitask n=120 ") && job_name(r).ends_with(" t=1"),
        false,
    );
}

/// Every member's result depends only on its seed, so the thread count changes nothing: one and
/// two threads give the same bytes, and a run started with one thread resumes with two.
#[test]
fn results_do_not_depend_on_the_thread_count_and_a_run_resumes_with_another() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run_threads(&kill_study(), &one, 1);
    run_threads(&kill_study(), &two, 2);
    for f in ["results.json", "trials.csv", "store.log", "summary.md", "report.md"] {
        assert!(
            read_bytes(&one.join(f)) == read_bytes(&two.join(f)),
            "{f} differs between --threads 1 and --threads 2"
        );
    }
    // Keep the header and the first half of the 1-thread run's records, as if it had been
    // stopped there, and resume with two threads.
    let lines = log_lines(&one);
    let keep = 1 + (lines.len() - 1) / 2;
    std::fs::write(one.join("store.log"), lines[..keep].iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let o = run_threads(&kill_study(), &one, 2);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("trained now"), "{out}");
    assert!(
        read_bytes(&one.join("results.json")) == read_bytes(&two.join("results.json")),
        "the resumed results.json differs"
    );
    assert!(
        read_bytes(&one.join("trials.csv")) == read_bytes(&two.join("trials.csv")),
        "the resumed trials.csv differs"
    );
    let (mut a, mut b) = (log_lines(&one), log_lines(&two));
    a.sort();
    b.sort();
    assert_eq!(a, b, "the resumed store holds the same records");
}
