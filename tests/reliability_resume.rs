//! Crash safety of `sim2real run`: a run killed with SIGKILL at arbitrary moments and resumed again
//! and again ends with byte-identical results; the store never trusts a torn or corrupt record;
//! two runs cannot write one directory at once.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

/// 44 jobs: 3 n × 4 trials pretraining (subset per_trial), 3 n × 2 m × 4 fine-tunings, 2 m × 4 direct.
const KILL_JOBS: usize = 44;
/// kill_pair.study: 3 n × 3 trials pretraining, 3 n × 2 m × 3 fine-tunings, 2 m × 3 direct.
const KILL_PAIR_JOBS: usize = 33;

use crate::support::rng::Rng;
use crate::support::{assert_same_results, read_bytes, repo_file, sim2real, text};

fn kill_study() -> PathBuf {
    repo_file("tests/reliability/kill.study")
}

/// The pairwise counterpart of kill.study (a shared encoder, pretraining, frozen fine-tuning).
fn kill_pair_study() -> PathBuf {
    repo_file("tests/reliability/kill_pair.study")
}

fn run_args(study: &Path, out: &Path) -> Vec<String> {
    vec![
        "run".into(),
        study.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
        "--threads".into(),
        "2".into(),
    ]
}

fn run_to_end(study: &Path, out: &Path) -> Output {
    sim2real().args(run_args(study, out)).output().expect("start sim2real")
}

fn spawn(study: &Path, out: &Path) -> Child {
    sim2real().args(run_args(study, out)).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start sim2real")
}

/// The uninterrupted reference run; returns its wall time.
fn reference(study: &Path, dir: &Path) -> Duration {
    let t0 = Instant::now();
    let o = run_to_end(study, dir);
    let wall = t0.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    wall
}

/// What a store.log holds, checked line by line independently of the crate's own reader.
struct LogScan {
    /// Complete lines (each ends in '\n'), all of which had a valid checksum and JSON record.
    records: Vec<serde_json::Value>,
    /// Bytes after the last '\n' (a torn write), if any.
    torn_tail: usize,
}

/// Every complete line must be `<crc32 hex> <json>` with a matching checksum; only the bytes after
/// the last newline may be incomplete. Pretraining records must point at intact weights files
/// (weights are written before their record).
fn scan_log(dir: &Path) -> LogScan {
    let bytes = read_bytes(&dir.join("store.log"));
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let text = std::str::from_utf8(&bytes[..end]).expect("complete lines of store.log are UTF-8");
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (crc, json) = line.split_once(' ').unwrap_or_else(|| panic!("line {} has no checksum: {line}", i + 1));
        let crc = u32::from_str_radix(crc, 16).unwrap_or_else(|_| panic!("line {}: bad checksum field", i + 1));
        assert_eq!(crc32fast::hash(json.as_bytes()), crc, "line {}: checksum mismatch in a complete line", i + 1);
        let rec: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        if rec["type"] == "pretrain" {
            let w = read_bytes(&dir.join("weights").join(rec["weights"].as_str().expect("weights name")));
            assert_eq!(Some(u64::from(crc32fast::hash(&w))), rec["weights_crc"].as_u64(), "weights of {}", rec["job"]);
        }
        records.push(rec);
    }
    if let Some(first) = records.first() {
        assert_eq!(first["type"], "header", "the first record is the header");
    }
    LogScan { records, torn_tail: bytes.len() - end }
}

/// Jobs in a complete store of kill.study: every job exactly once, after one header.
fn assert_complete_store(dir: &Path) {
    assert_complete_store_of(dir, KILL_JOBS);
}

/// Jobs in a complete store of `jobs` jobs: every job exactly once, after one header.
fn assert_complete_store_of(dir: &Path, jobs_in_study: usize) {
    let scan = scan_log(dir);
    assert_eq!(scan.torn_tail, 0, "a finished run leaves no torn tail");
    assert_eq!(scan.records.iter().filter(|r| r["type"] == "header").count(), 1, "one header");
    let job_records: Vec<&serde_json::Value> =
        scan.records.iter().filter(|r| r["type"] == "pretrain" || r["type"] == "trial").collect();
    assert_eq!(job_records.len(), jobs_in_study, "one record per job");
    let mut jobs: Vec<&str> = job_records.iter().map(|r| r["job"].as_str().expect("job id")).collect();
    jobs.sort_unstable();
    jobs.dedup();
    assert_eq!(jobs.len(), jobs_in_study, "no job is stored twice");
}

#[test]
fn sigkill_at_random_moments_then_resume_gives_identical_results() {
    kill_and_resume(&kill_study(), KILL_JOBS, 12);
}

/// The same with a pairwise model (shared encoder): its members train in other code
/// (`engine::pair_member` on the CPU, `engine::lockstep::pair` with `SIM2REAL_DEVICE=cpu-lockstep`
/// or on a GPU).
#[test]
fn a_pairwise_study_killed_at_random_moments_resumes_to_identical_results() {
    kill_and_resume(&kill_pair_study(), KILL_PAIR_JOBS, 8);
}

/// Run `study` (`jobs` jobs) to the end once, then again into another directory, killed with
/// SIGKILL after random delays until `kills` kills landed mid-run (at least all but two must), and
/// resumed to the end: the outputs must be the uninterrupted run's, byte for byte.
fn kill_and_resume(study: &Path, jobs: usize, kills_wanted: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let wall = reference(study, &a);
    assert_complete_store_of(&a, jobs);

    let b = tmp.path().join("b");
    let mut rng = Rng(0x5157_2EA1);
    let (mut kills, mut finished_alone, mut torn_seen) = (0, 0, 0);
    // Each resume has less left to do, so delays cover the first ~60 % of a full run's wall time;
    // a run that ends before its kill is compared and the directory started afresh.
    for round in 0..60 {
        if kills >= kills_wanted {
            break;
        }
        let delay = wall.mul_f64(0.03 + 0.6 * rng.next());
        let mut child = spawn(study, &b);
        std::thread::sleep(delay);
        if let Some(status) = child.try_wait().expect("poll the run") {
            assert_eq!(status.code(), Some(0), "round {round}: the run failed on its own");
            assert_same_results(
                &a,
                &b,
                &format!("differs from the uninterrupted run (round {round}, finished before its kill)"),
            );
            assert_complete_store_of(&b, jobs);
            finished_alone += 1;
            std::fs::remove_dir_all(&b).unwrap();
            continue;
        }
        child.kill().expect("SIGKILL the run");
        let status = child.wait().expect("reap the killed run");
        if status.code() == Some(0) {
            // It finished between the poll above and the kill (SIGKILL on an exited process is a
            // no-op): the same case as finishing before the kill.
            assert_same_results(
                &a,
                &b,
                &format!("differs from the uninterrupted run (round {round}, finished just before its kill)"),
            );
            assert_complete_store_of(&b, jobs);
            finished_alone += 1;
            std::fs::remove_dir_all(&b).unwrap();
            continue;
        }
        assert_eq!(status.code(), None, "round {round}: killed by a signal");
        kills += 1;
        if b.join("store.log").exists() {
            let scan = scan_log(&b);
            if scan.torn_tail > 0 {
                torn_seen += 1;
            }
        }
    }
    assert!(
        kills + 2 >= kills_wanted,
        "only {kills} kills landed while the run was working ({finished_alone} runs ended first)"
    );

    let o = run_to_end(study, &b);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_complete_store_of(&b, jobs);
    assert_same_results(&a, &b, "differs from the uninterrupted run (after all kills)");
    eprintln!("{kills} kills survived, {finished_alone} runs finished before their kill, {torn_seen} torn tails seen");
}

/// Copy a finished run's store and weights into `dst`, with `log` as the store's text.
fn seed_dir(src: &Path, dst: &Path, log: &[u8]) {
    std::fs::create_dir_all(dst.join("weights")).unwrap();
    std::fs::write(dst.join("store.log"), log).unwrap();
    for e in std::fs::read_dir(src.join("weights")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join("weights").join(e.file_name())).unwrap();
    }
}

/// The run's arguments without `--quiet`, so that its notes are printed.
fn not_quiet(out: &Path) -> Vec<String> {
    run_args(&kill_study(), out).into_iter().filter(|a| a != "--quiet").collect()
}

/// "44 jobs (N trained now)" → N.
fn trained_now(o: &Output) -> usize {
    let t = text(o);
    let at = t.find(" trained now)").unwrap_or_else(|| panic!("no job count in:\n{t}"));
    let start = t[..at].rfind('(').expect("opening parenthesis") + 1;
    t[start..at].parse().expect("a count")
}

#[test]
fn a_corrupt_or_torn_record_is_discarded_with_everything_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    reference(&kill_study(), &a);
    let log = read_bytes(&a.join("store.log"));
    let starts: Vec<usize> =
        std::iter::once(0).chain(log.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1)).collect();
    let lines = starts.len() - 1; // the last start is the end of the file
    assert_eq!(lines, 2 + KILL_JOBS, "the header, the run's study (a `run` record) and one record per job");

    // One flipped digit inside the JSON of a record in the middle: still valid JSON, but the
    // checksum no longer matches, so this record and every later one are redone.
    let k = lines / 2;
    let line = &log[starts[k]..starts[k + 1]];
    let json_at = line.iter().position(|&b| b == b' ').unwrap() + 1;
    let digit = line[json_at..].iter().rposition(u8::is_ascii_digit).expect("a digit in the record") + json_at;
    let mut corrupt = log.clone();
    let pos = starts[k] + digit;
    corrupt[pos] = if corrupt[pos] == b'9' { b'0' } else { corrupt[pos] + 1 };
    let c = tmp.path().join("corrupt");
    seed_dir(&a, &c, &corrupt);
    let o = sim2real().args(not_quiet(&c)).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(trained_now(&o), lines - k, "records from the corrupt one on are trained again");
    let said = format!("discarded {} corrupt or torn record(s)", lines - k);
    assert!(text(&o).contains(&said), "expected `{said}` in:\n{}", text(&o));
    assert_complete_store(&c);
    assert_same_results(&a, &c, "differs from the uninterrupted run (after a corrupt record)");

    // Half a line at the end (a write torn by a crash): discarded, that job redone.
    let mut torn = log[..starts[lines - 1]].to_vec();
    let last = &log[starts[lines - 1]..];
    torn.extend_from_slice(&last[..last.len() / 2]);
    let t = tmp.path().join("torn");
    seed_dir(&a, &t, &torn);
    let o = sim2real().args(run_args(&kill_study(), &t)).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(trained_now(&o), 1, "only the torn record's job is trained again");
    assert_complete_store(&t);
    assert_same_results(&a, &t, "differs from the uninterrupted run (after a torn tail)");

    // Without --quiet the resume says how many records it threw away.
    let mut torn3 = log[..starts[lines - 3]].to_vec();
    torn3.extend_from_slice(b"0badc0de {\"type\":\"tri");
    let t3 = tmp.path().join("torn3");
    seed_dir(&a, &t3, &torn3);
    let o = sim2real().args(not_quiet(&t3)).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(trained_now(&o), 3);
    assert!(text(&o).contains("discarded 1 corrupt or torn record"), "{}", text(&o));
    assert_same_results(&a, &t3, "differs from the uninterrupted run (after a torn tail, not quiet)");
}

#[test]
fn a_second_run_into_a_locked_directory_fails_with_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    // The first run holds the lock while it trains; if it ends before the second one reaches the
    // lock, the attempt proves nothing and is repeated in a fresh directory.
    for attempt in 0..5 {
        let _ = std::fs::remove_dir_all(&d);
        let mut first = spawn(&kill_study(), &d);
        let t0 = Instant::now();
        while !d.join(".lock").exists() && t0.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        let second = run_to_end(&kill_study(), &d);
        let first_running = first.try_wait().unwrap().is_none();
        let status = first.wait().unwrap();
        assert_eq!(status.code(), Some(0), "attempt {attempt}: the first run failed");
        if !first_running {
            continue;
        }
        assert_eq!(second.status.code(), Some(3), "{}", text(&second));
        let msg = text(&second);
        assert!(msg.contains("in use by another sim2real run"), "{msg}");
        assert!(!msg.contains("panicked"), "{msg}");
        // The first run was not disturbed, and the lock is gone afterwards.
        assert_complete_store(&d);
        assert!(!d.join(".lock").exists(), "the lock is released at the end");
        return;
    }
    panic!("the first run always finished before the second started; the lock was never contended");
}

#[test]
fn a_lock_left_by_a_killed_run_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    std::fs::create_dir_all(&d).unwrap();
    // A pid that cannot be running (above the kernel's pid_max limit of 2^22).
    std::fs::write(d.join(".lock"), "4999999").unwrap();
    let o = run_to_end(&kill_study(), &d);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_complete_store(&d);
}
