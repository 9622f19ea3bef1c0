//! `run --shard I/N` without a scheduler: several processes share one run directory, each
//! SIGKILLed at random moments and restarted, and `report DIR` merges their segments into the
//! bytes of a single run; a shard given twice is refused; a partial merge names the missing
//! shards; the split itself keeps every pretraining with its fine-tunes. `submit --slurm
//! --dry-run`'s scripts are snapshots. (The tests against a real Slurm are in tests/slurm.rs.)

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sim2real::ir::JobKind;
use sim2real::plan::shards::{Shard, assign, jobs_of, unit_of};

use crate::support::rng::Rng;
use crate::support::{Test, assert_same_results, repo_file, sim2real, text};

/// The SIGKILL-resume test's study: 44 jobs in 5 units of work (3 transfer n, 2 direct m).
fn study() -> PathBuf {
    repo_file("tests/reliability/kill.study")
}

fn shard_cmd(out: &Path, shard: &str) -> std::process::Command {
    let mut c = sim2real();
    c.args(["run", &study().display().to_string(), "--out", &out.display().to_string(), "--quiet", "--threads", "1"]);
    c.args(["--shard", shard]);
    c
}

fn spawn_shard(out: &Path, shard: &str) -> Child {
    shard_cmd(out, shard).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start sim2real")
}

/// The single-process run every split must reproduce; returns its wall time.
fn reference(dir: &Path) -> Duration {
    let t0 = Instant::now();
    let o = sim2real()
        .args(["run", &study().display().to_string(), "--out", &dir.display().to_string(), "--quiet", "--threads", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    t0.elapsed()
}

fn merge(dir: &Path) -> String {
    let o = sim2real().args(["report", &dir.display().to_string()]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "report of a finished split: {}", text(&o));
    text(&o)
}

/// Four `--shard I/4` processes write one directory at once; again and again one of them is
/// SIGKILLed at a random moment and started again. Once all have finished, the merge is the
/// single run's bytes. At least 10 kills must land on a working process.
#[test]
fn four_concurrent_shards_killed_at_random_and_restarted_give_a_single_runs_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let single = tmp.path().join("single");
    let wall = reference(&single);
    let dir = tmp.path().join("split");
    let mut rng = Rng(0x5A4D_0014);
    let mut running: Vec<Option<Child>> = (0..4).map(|i| Some(spawn_shard(&dir, &format!("{i}/4")))).collect();
    let mut kills = 0;
    let t0 = Instant::now();
    while kills < 12 && t0.elapsed() < wall * 40 {
        // Each process trains about a quarter of the study, so kills land within that time.
        std::thread::sleep(wall.mul_f64(0.02 + 0.15 * rng.next()));
        for (i, slot) in running.iter_mut().enumerate() {
            if let Some(child) = slot
                && let Some(status) = child.try_wait().unwrap()
            {
                assert_eq!(status.code(), Some(0), "shard {i}/4 failed on its own");
                *slot = None;
            }
        }
        let alive: Vec<usize> = (0..4).filter(|&i| running[i].is_some()).collect();
        if alive.is_empty() {
            // Everything finished before 12 kills: check this round and start over, fresh.
            merge(&dir);
            assert_same_results(&single, &dir, "differs from a single run's (a round that finished before its kills)");
            std::fs::remove_dir_all(&dir).unwrap();
            running = (0..4).map(|i| Some(spawn_shard(&dir, &format!("{i}/4")))).collect();
            continue;
        }
        let victim = alive[(rng.next() * alive.len() as f64) as usize % alive.len()];
        let mut child = running[victim].take().unwrap();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            kills += 1;
        }
        // Killed or finished just before the kill: either way it starts again (a finished shard
        // resumes with nothing to do).
        running[victim] = Some(spawn_shard(&dir, &format!("{victim}/4")));
    }
    assert!(kills >= 10, "only {kills} kills landed on a working shard");
    for (i, c) in running.iter_mut().enumerate() {
        if let Some(c) = c {
            let o = c.wait().unwrap();
            assert_eq!(o.code(), Some(0), "shard {i}/4 failed after the kills");
        }
    }
    // Every shard once more, to the end (a killed-and-restarted one may have been killed last).
    for i in 0..4 {
        let o = shard_cmd(&dir, &format!("{i}/4")).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let said = merge(&dir);
    assert!(said.contains("merged 4 shards (44 of 44 jobs)"), "{said}");
    assert_same_results(&single, &dir, "differs from a single run's (after all kills)");
    eprintln!("{kills} kills of 4 concurrent shards survived; single run {:.1} s", wall.as_secs_f64());
}

#[test]
fn the_same_shard_twice_is_refused_and_the_first_is_not_disturbed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let lock = dir.join("shards/0-of-2/.lock");
    for attempt in 0..5 {
        let _ = std::fs::remove_dir_all(&dir);
        let mut first = spawn_shard(&dir, "0/2");
        let t0 = Instant::now();
        while !lock.exists() && t0.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        let second = shard_cmd(&dir, "0/2").output().unwrap();
        let first_running = first.try_wait().unwrap().is_none();
        assert_eq!(first.wait().unwrap().code(), Some(0), "attempt {attempt}: the first process failed");
        if !first_running {
            continue;
        }
        assert_eq!(second.status.code(), Some(3), "{}", text(&second));
        let msg = text(&second);
        assert!(
            msg.contains("shard 0/2 of") && msg.contains("is already being run by another sim2real process"),
            "{msg}"
        );
        assert!(!lock.exists(), "the shard's lock is released at the end");
        // The other shard finishes the study and the merge is whole.
        let o = shard_cmd(&dir, "1/2").output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(merge(&dir).contains("(44 of 44 jobs)"));
        return;
    }
    panic!("the first process always finished before the second started; the shard was never contended");
}

/// One shard of three finished: `report` writes what it has, says which shards own the missing
/// jobs and fails; `status` lists every shard and the commands that finish the others; a shard of
/// a different split is refused; `--threads` follows $SLURM_CPUS_PER_TASK.
#[test]
fn a_partial_split_names_its_missing_shards_and_refuses_another_split() {
    let t = Test::new()
        .args(["run", &study().display().to_string(), "--out", "d", "--shard", "1/3"])
        .env("SLURM_CPUS_PER_TASK", "1")
        .stderr_contains("cpu (host engine, 1 threads)")
        .stdout_contains("shard 1/3:")
        .stdout_contains("of 44 jobs are missing, owned by shards 0 (")
        .run();
    let d = t.dir.join("d");
    Test::at(&t.dir)
        .args(["report", "d"])
        .status(3)
        .stderr_contains("partial results:")
        .stderr_contains("owned by shards 0 (")
        .stderr_contains("`sim2real run STUDY --out d --shard I/N` for I/N in 0/3, 2/3")
        .creates("d/results.json")
        .creates("d/report.md")
        .run();
    let results = crate::support::read_json(&d.join("results.json"));
    let warned =
        results["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with("partial results:"));
    assert!(warned, "results.json says it is partial: {results}");
    let st = Test::at(&t.dir).args(["status", "d"]).stdout_contains("shard  done/total").run();
    let lines: Vec<&str> = st.stdout.lines().filter(|l| l.trim_end().ends_with("done")).collect();
    assert_eq!(lines.len(), 1, "only shard 1 is done:\n{}", st.stdout);
    assert!(lines[0].trim_start().starts_with("1 "), "{}", st.stdout);
    Test::at(&t.dir)
        .args(["run", &study().display().to_string(), "--out", "d", "--shard", "0/2"])
        .status(2)
        .stderr_contains("is split into 3 shards, this run asks for 2: give --shard I/3")
        .run();
    Test::at(&t.dir)
        .args(["run", &study().display().to_string(), "--out", "d", "--shard", "0/3", "--quick"])
        .status(2)
        .stderr_contains("one is --quick and the other is not")
        .run();
    Test::at(&t.dir)
        .args(["run", &study().display().to_string(), "--out", "d", "--shard", "3/3"])
        .status(2)
        .stderr_contains("`3/3` is not a shard: expected I/N with 0 ≤ I < N")
        .run();
}

/// The split: every job in exactly one shard, a pretraining in the shard of every fine-tune that
/// starts from it, the same split every time, no shard empty while there are units to give.
#[test]
fn the_split_keeps_units_whole_and_covers_every_job_once() {
    let text = std::fs::read_to_string(study()).unwrap();
    let loaded = sim2real::exec::load(&study(), &text, false).unwrap();
    let plan = &loaded.plan;
    for count in 1..=7 {
        let of = assign(plan, count);
        assert_eq!(of, assign(plan, count), "the split is deterministic");
        let mut seen = 0;
        for index in 0..count {
            seen += jobs_of(plan, Shard { index, count }).len();
        }
        assert_eq!(seen, plan.jobs.len(), "N = {count}: every job in exactly one shard");
        for (j, s) in plan.jobs.iter().zip(&of) {
            if let JobKind::Finetune { n, replicate, .. } = j.kind {
                let pre = JobKind::Pretrain { n, replicate }.id();
                let at = plan.jobs.iter().position(|p| p.id == pre).unwrap();
                assert_eq!(of[at], *s, "N = {count}: {} and its pretraining are in one shard", j.id);
            }
            let unit = unit_of(&j.kind);
            let first = plan.jobs.iter().position(|p| unit_of(&p.kind) == unit).unwrap();
            assert_eq!(of[first], *s, "N = {count}: unit {unit} is whole");
        }
        let used: std::collections::BTreeSet<usize> = of.iter().copied().collect();
        assert_eq!(used.len(), count.min(5), "N = {count}: 5 units fill min(N, 5) shards");
    }
}

/// Absolute paths in the dry run (the binary, the output directory) as placeholders.
fn placeholders(out: &str, dir: &Path) -> String {
    let exe = env!("CARGO_BIN_EXE_sim2real");
    out.replace(exe, "<sim2real>").replace(&dir.display().to_string(), "<dir>")
}

#[test]
fn submit_dry_run_prints_the_scripts_and_the_sbatch_commands() {
    let t = Test::new()
        .args([
            "submit",
            "--slurm",
            "--dry-run",
            "--quick",
            "--tasks",
            "3",
            "--throttle",
            "2",
            "--partition",
            "short",
            "--time",
            "0:30:00",
            "--cpus-per-task",
            "4",
            "--mem",
            "8G",
            "--sbatch-arg=--account=materials",
            "--out",
            "runs/q",
        ])
        .run();
    let dir = t.dir.join("runs/q");
    insta::assert_snapshot!("dry_run_quickstart", placeholders(&t.stdout, &dir));
    assert!(!dir.exists(), "a dry run writes nothing");
    // More tasks than units of work: capped, and said.
    let t = Test::new()
        .args(["submit", "--slurm", "--dry-run", "--quick", "--tasks", "50", "--out", "q"])
        .stdout_contains("so 5 tasks, not 50")
        .stdout_contains("--array=0-4 ")
        .run();
    assert!(t.stdout.contains("\"$shard/5\""), "{}", t.stdout);
    // Resubmitting needs a submitted directory.
    Test::new()
        .args(["submit", "--slurm", "--out", "nowhere", "--only", "1"])
        .status(2)
        .stderr_contains("was the directory submitted with `sim2real submit --slurm`?")
        .run();
}
