//! `sim2real submit --slurm` on a real Slurm: the single-node cluster `.ci/slurm start` runs on
//! this machine (CI starts it in .ci/run). The quickstart's --quick study as an array of 3 tasks
//! gives a single process's bytes; so does an array with one task requeued mid-run (preemption),
//! and one with a task cancelled mid-run and its shard resubmitted with the command `sim2real
//! status` prints.
//!
//! Without a reachable cluster these tests fail (never skip): the message says how to start one,
//! and carries the daemons' logs when .ci/slurm started them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{assert_same_results, sim2real, text};

/// How long one submission may take to finish (queueing included) before the test fails.
const LIMIT: Duration = Duration::from_secs(600);

/// The daemons' logs, when .ci/slurm started them.
fn daemon_logs() -> String {
    let Some(dir) = std::env::var_os("SIM2REAL_SLURM_DIR") else {
        return "(SIM2REAL_SLURM_DIR is not set: no logs of .ci/slurm's daemons)".into();
    };
    let mut s = String::new();
    for f in ["munged.log", "slurmctld.log", "slurmd.log"] {
        let p = Path::new(&dir).join(f);
        let body = std::fs::read_to_string(&p).unwrap_or_else(|e| format!("({e})"));
        let tail: Vec<&str> = body.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        s += &format!("\n==== {}\n{}", p.display(), tail.join("\n"));
    }
    s
}

/// Fails unless the cluster answers `scontrol ping`.
fn require_cluster() {
    let conf = std::env::var("SLURM_CONF").ok();
    let ping = Command::new("scontrol").arg("ping").output();
    let up = ping.as_ref().is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("UP"));
    if conf.is_some() && up {
        return;
    }
    let said = match &ping {
        Ok(o) => text(o),
        Err(e) => format!("scontrol: {e}"),
    };
    panic!(
        "no Slurm cluster is reachable (SLURM_CONF={conf:?}; `scontrol ping`: {}): the Slurm tests cannot run. Start the \
         single-node cluster as root with `apt-get install -y slurm-wlm munge && eval \"$(.ci/slurm start)\"` in the shell \
         that runs cargo test (.ci/run does this), and `.ci/slurm stop` afterwards.{}",
        said.trim(),
        daemon_logs()
    );
}

fn slurm_out(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Wait until none of `ids` is queued or running; fail with squeue's view and the logs at LIMIT.
fn wait_gone(ids: &[String], dir: &Path) {
    let t0 = Instant::now();
    let list = ids.join(",");
    loop {
        let left = slurm_out("squeue", &["-h", "-j", &list, "-o", "%i %T %R"]);
        if left.trim().is_empty() {
            return;
        }
        if t0.elapsed() > LIMIT {
            let logs: String = std::fs::read_dir(dir.join("slurm"))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|e| e.path().extension().is_some_and(|x| x == "out"))
                        .map(|e| {
                            format!(
                                "\n==== {}\n{}",
                                e.path().display(),
                                std::fs::read_to_string(e.path()).unwrap_or_default()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            panic!("jobs {list} still queued or running after {LIMIT:?}:\n{left}{logs}{}", daemon_logs());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// "… as array job 12; merge job 13 runs …" → ("12", "13").
fn job_ids(said: &str) -> (String, String) {
    let after = |key: &str| {
        let at = said.find(key).unwrap_or_else(|| panic!("no `{key}` in:\n{said}")) + key.len();
        said[at..].split(|c: char| !c.is_ascii_digit()).next().unwrap().to_string()
    };
    (after("as array job "), after("merge job "))
}

/// The single-process run of the quickstart's --quick study.
fn single(dir: &Path) -> Duration {
    let t0 = Instant::now();
    let o = sim2real()
        .args(["run", "--quick", "--quiet", "--threads", "1", "--out", &dir.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    t0.elapsed()
}

fn submit(dir: &Path) -> (String, String) {
    let o = sim2real()
        .args([
            "submit",
            "--slurm",
            "--quick",
            "--tasks",
            "3",
            "--cpus-per-task",
            "1",
            "--out",
            &dir.display().to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o), daemon_logs());
    job_ids(&text(&o))
}

/// The first task of `array` seen running whose shard has opened its store in `dir` (its id, e.g.
/// `12_1`, and its shard), or None once the array has left the queue.
fn running_task(array: &str, dir: &Path) -> Option<(String, usize)> {
    let t0 = Instant::now();
    loop {
        let running = slurm_out("squeue", &["-h", "-j", array, "-t", "RUNNING", "-o", "%i"]);
        let task = running.lines().map(str::trim).find_map(|id| {
            let k: usize = id.rsplit('_').next()?.parse().ok()?;
            dir.join(format!("shards/{k}-of-3/store.log")).exists().then(|| (id.to_string(), k))
        });
        if task.is_some() {
            return task;
        }
        if t0.elapsed() > LIMIT || slurm_out("squeue", &["-h", "-j", array, "-o", "%i"]).trim().is_empty() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_requeued_task_resumes_its_shard_and_the_merge_is_whole() {
    require_cluster();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("single");
    single(&a);
    for attempt in 0..4 {
        let c = tmp.path().join(format!("requeue{attempt}"));
        let (array, merge) = submit(&c);
        let Some((task, k)) = running_task(&array, &c) else {
            wait_gone(&[array, merge], &c);
            continue;
        };
        // What preemption does: the running task is killed and queued again (#SBATCH --requeue).
        let o = Command::new("scontrol").args(["requeue", &task]).output().unwrap();
        if !o.status.success() {
            // It had finished before the requeue landed.
            wait_gone(&[array, merge], &c);
            continue;
        }
        wait_gone(&[array.clone(), merge.clone()], &c);
        let log = std::fs::read_to_string(c.join(format!("slurm/shard-{array}_{k}.out"))).unwrap_or_default();
        assert!(log.matches("device:").count() >= 2, "shard {k} ran twice (requeued):\n{log}");
        let merged = std::fs::read_to_string(c.join(format!("slurm/merge-{merge}.out"))).unwrap_or_default();
        assert!(merged.contains("merged 3 shards (27 of 27 jobs)"), "the merge job's log:\n{merged}");
        assert_same_results(&a, &c, "differs from a single process's (a requeued task)");
        eprintln!("requeued task {task} (shard {k}/3) mid-run on attempt {attempt}");
        return;
    }
    panic!("every task finished before its requeue landed (4 attempts): the requeue was never tested");
}

#[test]
fn a_three_task_array_gives_a_single_processs_bytes() {
    require_cluster();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("single");
    let wall1 = single(&a);
    let b = tmp.path().join("slurm");
    let t0 = Instant::now();
    let (array, merge) = submit(&b);
    wait_gone(&[array, merge.clone()], &b);
    let wall3 = t0.elapsed();
    let merged = std::fs::read_to_string(b.join(format!("slurm/merge-{merge}.out"))).unwrap_or_default();
    assert!(merged.contains("merged 3 shards"), "the merge job's log:\n{merged}");
    assert_same_results(&a, &b, "differs from a single process's (3 tasks)");
    assert!(b.join("slurm/shards.sbatch").is_file() && b.join("report.md").is_file());
    eprintln!(
        "quick quickstart: one process {:.1} s, 3 Slurm tasks (submit to merged) {:.1} s",
        wall1.as_secs_f64(),
        wall3.as_secs_f64()
    );
}

#[test]
fn a_cancelled_task_resubmitted_from_status_gives_the_same_bytes() {
    require_cluster();
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("single");
    single(&a);
    // A task may finish before its cancel lands; then the attempt proves nothing and is repeated.
    for attempt in 0..4 {
        let c = tmp.path().join(format!("cancel{attempt}"));
        let (array, merge) = submit(&c);
        let Some((task, k)) = running_task(&array, &c) else {
            wait_gone(&[array, merge], &c);
            continue;
        };
        let o = Command::new("scancel").arg(&task).output().unwrap();
        assert!(o.status.success(), "scancel {task}: {}", text(&o));
        wait_gone(&[array.clone(), merge.clone()], &c);
        let st = sim2real().args(["status", &c.display().to_string()]).output().unwrap();
        assert_eq!(st.status.code(), Some(0), "{}", text(&st));
        let said = text(&st);
        let Some(line) = said.lines().find_map(|l| l.strip_prefix("resubmit the unfinished shards: ")) else {
            // The task had finished its shard before the cancel landed.
            assert!(said.contains("all jobs are finished"), "{said}");
            continue;
        };
        assert!(line.ends_with(&format!("--only {k}")), "only the cancelled shard {k} is resubmitted: {line}");
        assert!(said.contains(&array), "status names the array job: {said}");
        // The exact command status printed, with this build's binary for `sim2real`.
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "sim2real");
        let o = sim2real().args(&words[1..]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{line}: {}", text(&o));
        let (array2, merge2) = job_ids(&text(&o));
        wait_gone(&[array2, merge2], &c);
        assert_same_results(&a, &c, "differs from a single process's (a cancelled task resubmitted)");
        eprintln!("cancelled task {task} (shard {k}/3) mid-run on attempt {attempt}; resubmitted with: {line}");
        return;
    }
    panic!("every task finished before its cancel landed (4 attempts): the cancel was never tested");
}
