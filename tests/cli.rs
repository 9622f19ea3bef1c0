//! The `sim2real` binary: exit codes, output files, resume, refusal to mix runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sim2real::results::outputs::{FILES, When, Writer};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sim2real"));
    c.env("NO_COLOR", "1");
    c
}

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run sim2real")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn check_accepts_a_valid_study_and_rejects_bad_ones() {
    let o = run(&["check", tiny().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("ok:"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.study");
    std::fs::write(&bad, "study x\nsource nope { x = f_* y = y }\n").unwrap();
    let o = run(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("nope"), "{}", text(&o));

    let garbage = dir.path().join("garbage.study");
    std::fs::write(&garbage, [0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3]).unwrap();
    let o = run(&["check", garbage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("UTF-8"), "{}", text(&o));

    let o = run(&["check", dir.path().join("missing.study").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn check_reports_unknown_columns_with_the_span() {
    let dir = tempfile::tempdir().unwrap();
    let study = std::fs::read_to_string(tiny())
        .unwrap()
        .replace("target exp { x = f_*  y = y }", "target exp { x = f_*  y = yy }");
    let p = dir.path().join("s.study");
    std::fs::write(&p, study).unwrap();
    let o = run(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("yy") && t.contains("did you mean"), "{t}");
}

#[test]
fn plan_lists_jobs_with_seeds() {
    let o = run(&["plan", tiny().to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let jobs = plan["jobs"].as_array().unwrap();
    // 3 n × (1 pretrain + 2 m × 3 trials) + 2 m × 3 direct trials.
    assert_eq!(jobs.len(), 3 * (1 + 6) + 6);
    assert_eq!(plan["n_values"], serde_json::json!([50, 150, 600]));
    assert!(jobs.iter().all(|j| j["seed"].as_u64().is_some()));
    let o = run(&["plan", tiny().to_str().unwrap()]);
    assert!(text(&o).contains("finetune n=50 m="), "{}", text(&o));
}

#[test]
fn run_writes_outputs_and_resumes_to_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let o = run(&["run", tiny().to_str().unwrap(), "--out", a.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("R(n) ="), "{}", text(&o));
    // tiny.study has two values of m and no `fit surface` or `report` statements.
    for f in FILES.iter().filter(|f| f.writer != Writer::Lock) {
        let expected = matches!(f.when, When::Always | When::TwoD);
        assert_eq!(
            a.join(f.name).exists(),
            expected,
            "{}: expected {}",
            f.name,
            if expected { "present" } else { "absent" }
        );
    }
    let res = read_json(&a.join("results.json"));
    for key in ["study", "study_sha256", "points", "fits"] {
        assert!(res.get(key).is_some(), "results.json lacks {key}");
    }
    let p = &res["points"][0];
    for key in ["n", "m", "arm", "trials", "mae_mean", "mae_ci90"] {
        assert!(p.get(key).is_some(), "point lacks {key}");
    }
    let f = &res["fits"][0];
    for key in ["law", "params", "ci90", "r2"] {
        assert!(f.get(key).is_some(), "fit lacks {key}");
    }
    let csv = std::fs::read_to_string(a.join("trials.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 6 + 6);

    // Simulate a run killed mid-write: keep the header and some records, tear the next line.
    let b = dir.path().join("b");
    std::fs::create_dir_all(&b).unwrap();
    let log = std::fs::read_to_string(a.join("store.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let mut partial: String = lines[..lines.len() / 2].iter().map(|l| format!("{l}\n")).collect();
    partial.push_str(&lines[lines.len() / 2][..20]);
    std::fs::write(b.join("store.log"), partial).unwrap();
    std::fs::create_dir_all(b.join("weights")).unwrap();
    for e in std::fs::read_dir(a.join("weights")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), b.join("weights").join(e.file_name())).unwrap();
    }
    let o = run(&["run", tiny().to_str().unwrap(), "--out", b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("resuming"), "{}", text(&o));
    assert_eq!(read_json(&a.join("results.json")), read_json(&b.join("results.json")));
    assert_eq!(csv, std::fs::read_to_string(b.join("trials.csv")).unwrap());

    // A rerun into a complete directory trains nothing and changes nothing.
    let o = run(&["run", tiny().to_str().unwrap(), "--out", a.to_str().unwrap(), "--quiet"]);
    assert!(text(&o).contains("(0 trained now)"), "{}", text(&o));
    assert_eq!(res, read_json(&a.join("results.json")));

    // `report` re-renders from the directory.
    std::fs::remove_file(a.join("report.md")).unwrap();
    let o = run(&["report", a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(a.join("report.md").exists());

    // A changed study refuses to resume into the directory, --fresh starts over and leaves nothing
    // of the earlier run: the changed study has one value of m, so no 2-D figure may stay.
    let changed = dir.path().join("changed.study");
    let text_changed = std::fs::read_to_string(tiny()).unwrap().replace("seed 3", "seed 4");
    std::fs::write(&changed, text_changed.replace("m = [0.5, 1.0]", "m = [1.0]")).unwrap();
    let o = run(&["run", changed.to_str().unwrap(), "--out", a.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("--fresh"), "{}", text(&o));
    let o = run(&["run", changed.to_str().unwrap(), "--out", a.to_str().unwrap(), "--quiet", "--fresh"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in FILES.iter().filter(|f| f.writer != Writer::Lock) {
        let expected = f.when == When::Always;
        assert_eq!(a.join(f.name).exists(), expected, "{} after --fresh with one m", f.name);
    }
}

#[test]
fn a_failed_expectation_exits_1_after_writing_results() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.study");
    let study = std::fs::read_to_string(tiny()).unwrap().replace("expect alpha >= 0", "expect alpha > 100");
    std::fs::write(&p, study.replace("trials = 3", "trials = 2").replace("m = [0.5, 1.0]", "m = [1.0]")).unwrap();
    let out = dir.path().join("out");
    let o = run(&["run", p.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("expectation failed"), "{}", text(&o));
    assert!(out.join("results.json").exists());
}

#[test]
fn quick_runs_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q");
    let o = run(&["run", tiny().to_str().unwrap(), "--out", out.to_str().unwrap(), "--quick", "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("QUICK"), "{}", text(&o));
    assert_eq!(read_json(&out.join("results.json"))["quick"], serde_json::json!(true));
    assert!(std::fs::read_to_string(out.join("report.md")).unwrap().to_uppercase().contains("QUICK"));
    let csv = std::fs::read_to_string(out.join("trials.csv")).unwrap();
    let quick = csv.lines().next().unwrap().split(',').position(|h| h == "quick").expect("a quick column");
    assert!(csv.lines().skip(1).all(|l| l.split(',').nth(quick) == Some("true")), "{csv}");
}

#[test]
fn check_emit_prints_each_stage_s_ir() {
    let tiny = tiny();
    let ast = run(&["check", "--emit", "ast", tiny.to_str().unwrap()]);
    assert_eq!(ast.status.code(), Some(0), "{}", text(&ast));
    let ast = String::from_utf8_lossy(&ast.stdout);
    assert!(ast.starts_with("File {") && ast.contains("span: Span {"), "{ast}");

    let study = run(&["check", "--emit", "study", tiny.to_str().unwrap()]);
    assert_eq!(study.status.code(), Some(0), "{}", text(&study));
    let study: serde_json::Value = serde_json::from_slice(&study.stdout).unwrap();
    assert_eq!(study["name"], "tiny");

    let plan = run(&["check", "--emit", "plan", tiny.to_str().unwrap()]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    // The plan carries what the executor trains with: every phase's settings and the model.
    assert!(plan["jobs"].as_array().is_some_and(|j| !j.is_empty()));
    assert!(plan["training"].as_array().is_some_and(|t| t.iter().any(|r| r["phase"] == "finetune")));
    assert!(plan["model"]["hidden"].is_array(), "{plan}");

    let refused = run(&["check", "--emit", "plan", "--no-data", tiny.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("--emit plan needs the data"), "{}", text(&refused));
}
