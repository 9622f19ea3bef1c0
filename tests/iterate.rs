//! The analysis loop: edit a study, rerun, and only the jobs whose identity changed train (counted
//! by kind from the store); the results equal a fresh run's bytes; `plan` says what is reused;
//! `report --study` re-renders without training or says what would need it; Ctrl-C saves,
//! releases the lock, exits 130 and a rerun resumes to the same bytes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Test, assert_same_results, read_bytes, repo_file, sim2real, text};

/// A deterministic value in [-1, 1) for row `r`, column `k` (a hash, not a generator state).
fn cell(r: usize, k: usize) -> f64 {
    let v = ((r as f64) * 12.9898 + (k as f64) * 78.233).sin() * 43_758.545_3;
    2.0 * (v - v.floor()) - 1.0
}

/// A CSV of `rows` rows: f_1..f_4, the label y (one smooth function, `bias` of it differs), and
/// with `classes` a class column of three values for `report by class`.
fn table(rows: usize, bias: f64, classes: bool) -> String {
    let mut s = String::from(if classes { "f_1,f_2,f_3,f_4,y,class\n" } else { "f_1,f_2,f_3,f_4,y\n" });
    for r in 0..rows {
        let f: Vec<f64> = (1..=4).map(|k| cell(r, k)).collect();
        let y = f[0] + 0.5 * f[1] * f[1] - 0.3 * f[2] * f[3] + bias * f[0] + 0.05 * cell(r, 9);
        let row: Vec<String> = f.iter().chain([&y]).map(|v| format!("{v:.6}")).collect();
        s.push_str(&row.join(","));
        if classes {
            s.push_str([",a", ",b", ",c"][r % 3]);
        }
        s.push('\n');
    }
    s
}

/// 33 jobs: 3 n × 3 pretrainings (subset per_trial), 3 n × 2 m × 3 fine-tunes, 2 m × 3 direct.
const STUDY: &str = "# Edited step by step by tests/iterate.rs.
study iterate
seed 5

data src = csv(\"src.csv\")
data tgt = csv(\"tgt.csv\")

source src { x = f_*  y = y }
target tgt { x = f_*  y = y }

transform x = standardize
transform y = standardize

model { hidden = [16, 8]  activation = relu }
pretrain { lr = 3e-3  batch = 32  epochs = 30  patience = 5 }
finetune { lr = 3e-3  batch = 16  epochs = 30  patience = 5 }

grid {
  n = [50, 100, 200]
  m = [0.5, 1.0]
  trials = 3
  subset = per_trial
}

baseline direct
fit power_law
";

/// A folder with the two tables and `s.study` = STUDY.
fn case() -> Test {
    Test::new().file("src.csv", table(400, 0.3, false)).file("tgt.csv", table(90, 0.0, true)).study(STUDY)
}

/// Store records as JSON, in order.
fn records(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("store.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l.split_once(' ').expect("checksum and record").1).expect("a record"))
        .collect()
}

/// (pretrain, finetune, direct) job records among `recs`.
fn by_kind(recs: &[serde_json::Value]) -> (usize, usize, usize) {
    let count = |kind: &str| {
        recs.iter().filter(|r| r["job"].as_str().is_some_and(|j| j.starts_with(&format!("{kind} ")))).count()
    };
    (count("pretrain"), count("finetune"), count("direct"))
}

fn run(dir: &Path, study: &str, out: &str) -> String {
    let o = sim2real().current_dir(dir).args(["run", study, "--out", out, "--quiet"]).output().expect("start sim2real");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    text(&o)
}

/// Each kind of edit, applied in turn to one study rerun into one directory, trains exactly the
/// jobs whose identity it changes (counted by kind from the records it adds to the store), and
/// every rerun's results.json and trials.csv equal a fresh run of the edited study byte for byte.
#[test]
fn each_edit_retrains_exactly_the_jobs_it_changes() {
    let ran = case().args(["check", "s.study"]).run();
    let dir = ran.path("");
    type Edit = fn(&str) -> String;
    let edits: [(&str, Edit, (usize, usize, usize)); 9] = [
        ("the first run", |s| s.to_string(), (9, 18, 6)),
        ("a comment", |s| s.replace("study iterate\n", "study iterate\n# a comment, and another line\n"), (0, 0, 0)),
        ("an expect", |s| s.to_string() + "expect alpha > -10\n", (0, 0, 0)),
        ("report by", |s| s.to_string() + "report by class\n", (0, 0, 0)),
        ("a fit", |s| s.replace("fit power_law\n", "fit power_law { C = 0 }\n"), (0, 0, 0)),
        ("the study name", |s| s.replace("study iterate", "study renamed"), (0, 0, 0)),
        ("one more n", |s| s.replace("n = [50, 100, 200]", "n = [50, 100, 200, 400]"), (3, 6, 0)),
        ("the finetune lr", |s| s.replace("finetune { lr = 3e-3", "finetune { lr = 2e-3"), (0, 24, 0)),
        // The direct baseline has no block of its own: it trains with the pretrain settings.
        ("the pretrain lr", |s| s.replace("pretrain { lr = 3e-3", "pretrain { lr = 2e-3"), (12, 24, 6)),
    ];
    let mut text = STUDY.to_string();
    for (step, (what, edit, expected)) in edits.iter().enumerate() {
        text = edit(&text);
        std::fs::write(dir.join("s.study"), &text).unwrap();
        let before = records(&dir.join("run")).len();
        if step == 6 {
            // `plan` says what the rerun will train, from the same store.
            let plan = Test::at(&dir).args(["plan", "s.study", "--out", "run", "--json"]).run().stdout_json();
            assert_eq!((plan["store"]["reused"].as_u64(), plan["store"]["new"].as_u64()), (Some(33), Some(9)));
            let new = plan["store"]["new_jobs"].as_array().unwrap();
            assert!(new.iter().all(|j| j.as_str().unwrap().contains("n=400")), "{new:?}");
            Test::at(&dir)
                .args(["plan", "s.study", "--out", "run"])
                .stdout_contains("store run: 33 reused, 9 new")
                .run();
        }
        let out = run(&dir, "s.study", "run");
        let added = records(&dir.join("run"))[before..].to_vec();
        let trained = expected.0 + expected.1 + expected.2;
        assert_eq!(by_kind(&added), *expected, "editing {what}: (pretrain, finetune, direct) jobs trained\n{out}");
        assert!(out.contains(&format!("({trained} trained now)")), "editing {what}:\n{out}");
        let fresh = format!("fresh{step}");
        run(&dir, "s.study", &fresh);
        assert_same_results(
            &dir.join("run"),
            &dir.join(&fresh),
            &format!("differs from a fresh run's (after editing {what})"),
        );
    }
}

/// `report DIR --study FILE` renders an edited study's expectations, breakdowns and fits from the
/// store without training (the same bytes a run of it writes), and refuses, naming why and how
/// many, edits that need training.
#[test]
fn report_with_an_edited_study_renders_without_training_or_says_what_needs_it() {
    let ran = case().args(["run", "s.study", "--out", "a", "--quiet"]).status_in(&[0, 1]).run();
    let dir = ran.path("");
    let a = dir.join("a");
    let log = read_bytes(&a.join("store.log"));
    let edited = STUDY.replace("fit power_law\n", "fit power_law { C = 0 }\nexpect alpha > -10\nreport by class\n");
    std::fs::write(dir.join("e.study"), &edited).unwrap();
    Test::at(&dir).args(["report", "a", "--study", "e.study"]).stdout_contains("PASS  alpha > -10").run();
    let jobs_of = |l: &[u8]| String::from_utf8_lossy(l).lines().filter(|l| !l.contains(r#"{"type":"run""#)).count();
    assert_eq!(jobs_of(&read_bytes(&a.join("store.log"))), jobs_of(&log), "report trained nothing");
    assert!(a.join("groups.csv").exists(), "the new breakdown is rendered");
    run(&dir, "e.study", "fresh");
    assert_same_results(&a, &dir.join("fresh"), "differs from a fresh run's (report --study)");
    // The edited study is now the directory's: `report DIR` renders it again, unchanged.
    let results = read_bytes(&a.join("results.json"));
    Test::at(&dir).args(["report", "a"]).run();
    assert!(read_bytes(&a.join("results.json")) == results);

    // Edits that change jobs: listed with why, nothing trained, exit 2.
    let more_n = edited.replace("n = [50, 100, 200]", "n = [50, 100, 200, 400]");
    let lr = edited.replace("finetune { lr = 3e-3", "finetune { lr = 2e-3");
    let before = read_bytes(&a.join("store.log"));
    Test::at(&dir)
        .file("n.study", more_n)
        .args(["report", "a", "--study", "n.study"])
        .status(2)
        .stderr_contains("9 of the 42 jobs of this study are not in")
        .stderr_contains("3 pretrain jobs, new in this study")
        .stderr_contains("6 finetune jobs, new in this study")
        .stderr_contains("sim2real run n.study --out a` trains them and reuses the other 33")
        .run();
    Test::at(&dir)
        .file("lr.study", lr)
        .args(["report", "a", "--study", "lr.study"])
        .status(2)
        .stderr_contains("18 finetune jobs, changed since the last run (training settings)")
        .run();
    assert!(read_bytes(&a.join("store.log")) == before, "a refused report leaves the store as it was");
}

/// A store of an older format is refused by `run` with what to do, and `plan` warns.
#[test]
fn an_old_store_is_refused_with_what_to_do() {
    let header = r#"{"type":"header","format":2,"study":"iterate","study_sha256":"a","data_sha256":"b","plan_sha256":"c","quick":false}"#;
    let log = format!("{:08x} {header}\n", crc32fast::hash(header.as_bytes()));
    case()
        .file("old/store.log", &log)
        .args(["run", "s.study", "--out", "old", "--quiet"])
        .status(3)
        .stderr_contains("holds a results store of format 2")
        .stderr_contains("--fresh")
        .run();
    case()
        .file("old/store.log", &log)
        .args(["plan", "s.study", "--out", "old"])
        .stderr_contains("warning:")
        .stderr_contains("format 2")
        .run();
}

/// SIGINT to a running `sim2real run`: it stops at its next step, says how many jobs it saved,
/// releases the lock and exits 130; `report` renders the partial run and says what is missing;
/// the rerun trains the rest and ends with the bytes of an uninterrupted run.
#[test]
fn ctrl_c_saves_finished_jobs_exits_130_and_a_rerun_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let study = repo_file("tests/reliability/kill.study").display().to_string();
    let reference = tmp.path().join("reference");
    let o = sim2real().args(["run", &study, "--out", &reference.display().to_string(), "--quiet"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let d = tmp.path().join("d");
    let args =
        |out: &Path| ["run".to_string(), study.clone(), "--out".into(), out.display().to_string(), "--quiet".into()];
    for attempt in 0..10 {
        let _ = std::fs::remove_dir_all(&d);
        let child = sim2real().args(args(&d)).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        // Wait for a few finished jobs (header, run record, then job records).
        let t0 = Instant::now();
        while records(&d).len() < 2 + 3 + attempt && t0.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(2));
        }
        // (When the run has just ended, `kill` finds no process: the run then exits 0, retried below.)
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("the `kill` command");
        let o = child.wait_with_output().unwrap();
        if o.status.code() == Some(0) {
            continue; // it finished before the signal arrived: try again
        }
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(130), "{err}");
        let saved = by_kind(&records(&d));
        let saved = saved.0 + saved.1 + saved.2;
        assert!(saved < 44, "{err}");
        assert!(err.contains(&format!("interrupted: {saved} of 44 jobs saved; rerun to resume")), "{err}");
        assert!(!d.join(".lock").exists(), "the lock is released");

        let partial = Test::at(tmp.path())
            .args(["report", "d"])
            .stderr_contains("partial run:")
            .stderr_contains(format!("{} of 44 jobs are not finished", 44 - saved))
            .stderr_contains("not finished by the last run")
            .run();
        let r = partial.json("d/results.json");
        assert!(r["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with("partial run:")));

        let o = sim2real().args(args(&d)).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(text(&o).contains(&format!("({} trained now)", 44 - saved)), "{}", text(&o));
        assert_same_results(&d, &reference, "differs from a fresh run's (after Ctrl-C and a rerun)");
        return;
    }
    panic!("every run finished before its SIGINT arrived");
}
