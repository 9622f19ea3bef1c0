//! Pairwise models and multitask studies end to end: `derive` (values and errors), the alignment
//! of a shared encoder's inputs, the plan, and a small multitask run whose results hold
//! multitask points and a power law fitted to them.

use std::path::Path;

use sim2real::check::compile;
use sim2real::data::{Column, DataContext, evaluate};
use sim2real::plan::prepare;

use crate::support::{Test, repo_arg};

fn pair_study() -> String {
    repo_arg("tests/cli/pair.study")
}

/// A study over one table `t` (written to `t.csv` in a temporary folder) with `ops` applied.
fn with_table(csv: &str, ops: &str, x: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let study = format!(
        "data t = csv(\"t.csv\"){ops}\nsource t {{ x = {x}  y = y }}\ntarget t {{ x = {x}  y = y }}\ngrid {{ n = [3]  m = [3] }}\n"
    );
    (dir, study)
}

fn ctx(dir: &Path) -> DataContext {
    DataContext { study_dir: dir.to_path_buf(), data_dir: dir.join("none") }
}

#[test]
fn derive_computes_row_by_row_with_precedence_and_functions() {
    let csv = "a,b,y\n2,4,1\n1,,2\n4,1,3\n";
    let (dir, text) = with_table(csv, " | derive d = -a + b * 2 / (a - 0.5) - log(exp(1)) + sqrt(a * 4)", "[a, b, d]");
    let study = compile("t.study", &text).unwrap_or_else(|e| panic!("{}", sim2real::diag::render_plain(&e)));
    let tables = evaluate(&study.tables, &ctx(dir.path())).unwrap();
    let Some(Column::Numeric(d)) = tables["t"].column("d") else { panic!("d is numeric") };
    let want = |a: f64, b: f64| -a + b * 2.0 / (a - 0.5) - 1.0 + (a * 4.0).sqrt();
    assert!((d[0] - want(2.0, 4.0)).abs() < 1e-12, "{}", d[0]);
    assert!(d[1].is_nan(), "a missing input gives a missing result");
    assert!((d[2] - want(4.0, 1.0)).abs() < 1e-12, "{}", d[2]);
}

/// The first problem's message when the study's data is prepared.
fn data_error(csv: &str, ops: &str) -> String {
    let (dir, text) = with_table(csv, ops, "[a, d]");
    let study = compile("t.study", &text).unwrap_or_else(|e| panic!("{}", sim2real::diag::render_plain(&e)));
    match prepare(&study, &ctx(dir.path())) {
        Ok(_) => panic!("`{ops}` should fail"),
        Err(p) => p[0].message.clone(),
    }
}

#[test]
fn derive_errors_name_the_column_the_line_and_the_file() {
    let csv = "a,b,y,name\n1,2,1,x\n0,-1,2,y\n3,3,3,z\n";
    let m = data_error(csv, " | derive d = b / a");
    assert!(
        m.contains("column `d`") && m.contains("t.csv") && m.contains("line 3") && m.contains("division by zero"),
        "{m}"
    );
    let m = data_error(csv, " | derive d = log(a)");
    assert!(m.contains("line 3") && m.contains("log of 0"), "{m}");
    let m = data_error(csv, " | derive d = sqrt(b)");
    assert!(m.contains("line 3") && m.contains("sqrt of -1"), "{m}");
    let m = data_error(csv, " | derive d = name * 2");
    assert!(m.contains("column `name`") && m.contains("line 2") && m.contains("not numeric"), "{m}");
    let m = data_error(csv, " | derive d = c + 1");
    assert!(m.contains("no column `c`"), "{m}");
    let m = data_error(csv, " | derive a = b + 1");
    assert!(m.contains("already has a column `a`"), "{m}");
}

#[test]
fn a_shared_encoder_aligns_its_inputs_by_wildcard_text() {
    let csv =
        "p_x,p_y,p_only,s_y,s_x,s_extra,t,y\n1,2,3,4,5,6,7,1\n2,3,4,5,6,7,8,2\n3,4,5,6,7,8,9,3\n4,5,6,7,8,9,1,4\n";
    let model = "\nmodel {\n input a = p_*\n input b = s_*\n input c = t\n encoder shared(a, b) { latent = 2 }\n head { inputs = c }\n}\n";
    let (dir, text) = with_table(csv, "", "[p_*, s_*, t]");
    let study = compile("t.study", &format!("{text}{model}"))
        .unwrap_or_else(|e| panic!("{}", sim2real::diag::render_plain(&e)));
    let data = prepare(&study, &ctx(dir.path())).unwrap_or_else(|p| panic!("{}", p[0].message));
    let l = data.target.layout.as_ref().expect("a layout");
    let names = |idx: &[usize]| idx.iter().map(|&i| data.target.columns[i].clone()).collect::<Vec<_>>();
    assert_eq!(names(&l.a), ["p_x", "p_y"]);
    assert_eq!(names(&l.b), ["s_x", "s_y"], "aligned by the text after the prefix, not by position");
    assert_eq!(names(&l.head), ["t"]);
    let w = data.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("2 columns") && w[0].contains("1 of `a` (p_only)") && w[0].contains("1 of `b` (s_extra)"),
        "{}",
        w[0]
    );

    // Nothing in common: an error at the encoder.
    let csv = "p_x,s_y,y\n1,2,1\n2,3,2\n3,4,3\n";
    let model = "\nmodel {\n input a = p_*\n input b = s_*\n encoder shared(a, b) { latent = 2 }\n}\n";
    let (dir, text) = with_table(csv, "", "[p_*, s_*]");
    let full = format!("{text}{model}");
    let study = compile("t.study", &full).unwrap();
    let p = prepare(&study, &ctx(dir.path())).expect_err("no alignment");
    assert!(p[0].message.contains("no columns in common"), "{}", p[0].message);
    let at = p[0].span.start;
    assert!(full[at..].starts_with("encoder shared"), "span at {:?}", &full[at..]);
}

#[test]
fn the_plan_lists_multitask_jobs_with_stable_ids_and_seeds() {
    let t = Test::new()
        .args(["plan", &pair_study()])
        .output_contains("jobs: 8 (6 multitask, 2 direct)")
        .output_contains("multitask n=240 m=99 t=1")
        .output_contains("shared encoder 2×4-16-8 (incl. flag) → abs_diff → head (+2 inputs) 10-8-1 ×2")
        .output_contains("dropped 1 of `first` (p_only)")
        .run()
        .text();
    let again = Test::new().args(["plan", &pair_study()]).run();
    assert_eq!(again.text(), t, "the plan is deterministic");
}

#[test]
fn a_multitask_run_writes_multitask_points_and_fits_them() {
    let first = Test::new().args(["run", &pair_study(), "--out", "run", "--threads", "2"]).run();
    let results = first.json("run/results.json");
    let points = results["points"].as_array().unwrap();
    let multitask: Vec<_> = points.iter().filter(|p| p["arm"] == "multitask").collect();
    assert_eq!(multitask.len(), 3, "{points:?}");
    assert!(multitask.iter().all(|p| p["trials"] == 2 && p["mae_mean"].as_f64().is_some_and(|v| v > 0.0)));
    assert!(points.iter().any(|p| p["arm"] == "direct" && p["n"] == 0));
    assert_eq!(results["fits"][0]["arm"], "multitask");
    let trials = first.read("run/trials.csv");
    assert_eq!(trials.lines().filter(|l| l.contains(",multitask,")).count(), 6, "{trials}");
    // Every trial records the rows it trained and early-stopped on: together exactly its m.
    let mut rdr = csv::Reader::from_reader(trials.as_bytes());
    for row in rdr.deserialize::<sim2real::results::TrialRow>() {
        let row = row.unwrap();
        assert!(row.val_rows >= 1 && row.train_rows >= 2, "{row:?}");
        assert_eq!(row.train_rows + row.val_rows, row.m, "{row:?}");
    }
    assert!(
        points.iter().all(|p| p["train_rows"][0].as_u64().unwrap() + p["val_rows"][1].as_u64().unwrap()
            <= p["m"].as_u64().unwrap()
            && p["train_rows"][1].as_u64().unwrap() + p["val_rows"][0].as_u64().unwrap() >= p["m"].as_u64().unwrap()),
        "{points:?}"
    );
    // A rerun resumes: nothing left to train, same results.
    let rerun = Test::at(&first.dir).args(["run", &pair_study(), "--out", "run", "--threads", "2"]).any_status().run();
    let t = rerun.text();
    assert!(t.contains("0 trained now") || t.contains("(0 trained"), "{t}");
    assert_eq!(rerun.json("run/results.json")["points"], results["points"]);
}

#[test]
fn a_pairwise_model_pretrains_fine_tunes_and_learns_directly() {
    let ran = Test::new().args(["run", &repo_arg("tests/cli/pair_transfer.study"), "--out", "run"]).run();
    let results = ran.json("run/results.json");
    let points = results["points"].as_array().unwrap();
    assert_eq!(points.iter().filter(|p| p["arm"] == "transfer").count(), 2, "{points:?}");
    assert_eq!(points.iter().filter(|p| p["arm"] == "direct").count(), 1, "{points:?}");
    assert!(points.iter().all(|p| p["mae_mean"].as_f64().is_some_and(|v| v > 0.0)), "{points:?}");
    // The pretrained pairwise weights are in the store (one per n), and fine-tuning read them back.
    let weights = std::fs::read_dir(ran.path("run/weights")).unwrap().count();
    assert_eq!(weights, 2);
}
