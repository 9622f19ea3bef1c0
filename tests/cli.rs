//! The `sim2real` binary: exit codes, output files, resume, refusal to mix runs.

use sim2real::results::outputs::{FILES, When, Writer};

use crate::support::{Test, repo_arg, repo_file};

fn tiny() -> String {
    repo_arg("tests/cli/tiny.study")
}

fn tiny_text() -> String {
    std::fs::read_to_string(repo_file("tests/cli/tiny.study")).unwrap()
}

#[test]
fn check_accepts_a_valid_study_and_rejects_bad_ones() {
    Test::new().args(["check", &tiny()]).output_contains("ok:").run();
    Test::new()
        .study("study x\nsource nope { x = f_* y = y }\n")
        .args(["check", "s.study"])
        .status(2)
        .output_contains("nope")
        .run();
    Test::new()
        .file("garbage.study", [0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3])
        .args(["check", "garbage.study"])
        .status(2)
        .output_contains("UTF-8")
        .run();
    Test::new().args(["check", "missing.study"]).status(2).run();
}

#[test]
fn check_reports_unknown_columns_with_the_span() {
    let study = tiny_text().replace("target exp { x = f_*  y = y }", "target exp { x = f_*  y = yy }");
    Test::new()
        .study(&study)
        .args(["check", "s.study"])
        .status(2)
        .output_contains("yy")
        .output_contains("did you mean")
        .run();
}

#[test]
fn plan_lists_jobs_with_seeds() {
    let plan = Test::new().args(["plan", &tiny(), "--json"]).run().stdout_json();
    let jobs = plan["jobs"].as_array().unwrap();
    // 3 n × (1 pretrain + 2 m × 3 trials) + 2 m × 3 direct trials.
    assert_eq!(jobs.len(), 3 * (1 + 6) + 6);
    assert_eq!(plan["n_values"], serde_json::json!([50, 150, 600]));
    assert!(jobs.iter().all(|j| j["seed"].as_u64().is_some()));
    Test::new().args(["plan", &tiny()]).output_contains("finetune n=50 m=").run();
}

#[test]
fn run_writes_outputs_and_resumes_to_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let first = Test::at(dir.path()).args(["run", &tiny(), "--out", "a", "--quiet"]).output_contains("R(n) =").run();
    // tiny.study has two values of m and no `fit surface` or `report` statements: the run directory
    // holds exactly the files the registry lists for that.
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
    let res = first.json("a/results.json");
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
    let csv = first.read("a/trials.csv");
    assert_eq!(csv.lines().count(), 1 + 3 * 6 + 6);

    // Simulate a run killed mid-write: keep the header and some records, tear the next line.
    std::fs::create_dir_all(&b).unwrap();
    let log = first.read("a/store.log");
    let lines: Vec<&str> = log.lines().collect();
    let mut partial: String = lines[..lines.len() / 2].iter().map(|l| format!("{l}\n")).collect();
    partial.push_str(&lines[lines.len() / 2][..20]);
    std::fs::write(b.join("store.log"), partial).unwrap();
    std::fs::create_dir_all(b.join("weights")).unwrap();
    for e in std::fs::read_dir(a.join("weights")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), b.join("weights").join(e.file_name())).unwrap();
    }
    let resumed = Test::at(dir.path())
        .args(["run", &tiny(), "--out", "b"])
        .output_contains("resuming")
        .creates_with("b/trials.csv", &csv)
        .run();
    assert_eq!(res, resumed.json("b/results.json"));

    // A rerun into a complete directory trains nothing and changes nothing.
    let again =
        Test::at(dir.path()).args(["run", &tiny(), "--out", "a", "--quiet"]).output_contains("(0 trained now)").run();
    assert_eq!(res, again.json("a/results.json"));

    // `report` re-renders from the directory.
    std::fs::remove_file(a.join("report.md")).unwrap();
    Test::at(dir.path()).args(["report", "a"]).creates("a/report.md").run();

    // A changed study runs into the directory, reusing the jobs whose identity it keeps (a new
    // seed keeps none) and leaving no output of the earlier one behind: the changed study has one
    // value of m, so no 2-D figure may stay. --fresh starts over.
    let changed_text = tiny_text().replace("seed 3", "seed 4").replace("m = [0.5, 1.0]", "m = [1.0]");
    let changed = Test::at(dir.path()).file("changed.study", changed_text);
    changed.args(["run", "changed.study", "--out", "a", "--quiet"]).output_contains("(15 trained now)").run();
    for f in FILES.iter().filter(|f| f.writer != Writer::Lock && f.writer != Writer::Store) {
        let expected = f.when == When::Always;
        assert_eq!(a.join(f.name).exists(), expected, "{} after a run with one m", f.name);
    }
    Test::at(dir.path())
        .args(["run", "changed.study", "--out", "a", "--quiet", "--fresh"])
        .output_contains("(15 trained now)")
        .run();
    for f in FILES.iter().filter(|f| f.writer != Writer::Lock) {
        let expected = f.when == When::Always;
        assert_eq!(a.join(f.name).exists(), expected, "{} after --fresh with one m", f.name);
    }
}

#[test]
fn a_failed_expectation_exits_1_after_writing_results() {
    let study = tiny_text().replace("expect alpha >= 0", "expect alpha > 100");
    Test::new()
        .study(&study.replace("trials = 3", "trials = 2").replace("m = [0.5, 1.0]", "m = [1.0]"))
        .args(["run", "s.study", "--out", "out", "--quiet"])
        .status(1)
        .output_contains("expectation failed")
        .creates("out/results.json")
        .run();
}

#[test]
fn quick_runs_say_so() {
    let quick = Test::new().args(["run", &tiny(), "--out", "q", "--quick", "--quiet"]).output_contains("QUICK").run();
    assert_eq!(quick.json("q/results.json")["quick"], serde_json::json!(true));
    assert!(quick.read("q/report.md").to_uppercase().contains("QUICK"));
    let csv = quick.read("q/trials.csv");
    let col = csv.lines().next().unwrap().split(',').position(|h| h == "quick").expect("a quick column");
    assert!(csv.lines().skip(1).all(|l| l.split(',').nth(col) == Some("true")), "{csv}");
}

#[test]
fn check_emit_prints_each_stage_s_ir() {
    let ast = Test::new().args(["check", "--emit", "ast", &tiny()]).run();
    let ast = ast.stdout.clone();
    assert!(ast.starts_with("File {") && ast.contains("span: Span {"), "{ast}");

    let study = Test::new().args(["check", "--emit", "study", &tiny()]).run().stdout_json();
    assert_eq!(study["name"], "tiny");

    let plan = Test::new().args(["check", "--emit", "plan", &tiny()]).run().stdout_json();
    // The plan carries what the executor trains with: every phase's settings and the model.
    assert!(plan["jobs"].as_array().is_some_and(|j| !j.is_empty()));
    assert!(plan["training"].as_array().is_some_and(|t| t.iter().any(|r| r["phase"] == "finetune")));
    assert!(plan["model"]["hidden"].is_array(), "{plan}");

    Test::new()
        .args(["check", "--emit", "plan", "--no-data", &tiny()])
        .status(2)
        .output_contains("--emit plan needs the data")
        .run();
}

/// A study file that cannot be read is bad input, exit 2, under every command that reads one.
#[test]
fn a_missing_study_file_exits_2_under_every_command() {
    for command in ["check", "plan", "run"] {
        Test::new().args([command, "no_such.study"]).status(2).output_contains("cannot read no_such.study").run();
    }
}

/// `run --help` says what is true of `--threads`: results do not depend on it (tests/
/// reliability_determinism.rs compares a 1-thread and a 2-thread run byte for byte), not that they
/// are deterministic per seed and thread count.
#[test]
fn run_help_says_results_do_not_depend_on_the_thread_count() {
    let help = Test::new().args(["run", "--help"]).run().text();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("--threads <THREADS> CPU threads for training. Results do not depend on it: any count gives the same bytes for the same seed, data and device, and a run may resume with another count"),
        "{help}"
    );
    assert!(!help.contains("thread count") && !help.contains("depend only on the seed"), "{help}");
}

/// `sim2real --help` names the environment variables a user sets: the data folder, the featurize
/// cache (and how to turn it off) and the default device.
#[test]
fn help_names_the_environment_variables() {
    let help = Test::new().args(["--help"]).run().text();
    for name in ["SIM2REAL_DATA", "SIM2REAL_CACHE", "`off`", "SIM2REAL_DEVICE"] {
        assert!(help.contains(name), "{name} missing from --help:\n{help}");
    }
}

/// A semicolon- or tab-separated file read as CSV is one column: `check` says which `delimiter:` to
/// write, and with it the study checks. `parquet(...)` on a CSV file says it is not Parquet.
#[test]
fn a_file_with_another_delimiter_gets_a_hint_and_reads_with_delimiter() {
    let rows = |sep: &str| {
        let mut t = ["f_1", "f_2", "y"].join(sep) + "\n";
        for i in 0..40 {
            let (a, b) = (f64::from(i) * 0.1, f64::from(i % 7) * 0.3);
            t.push_str(&format!("{a}{sep}{b}{sep}{}\n", a + b));
        }
        t
    };
    let study = |loader: &str| {
        format!(
            "study semi\ndata sim = synthetic(part: source, rows: 600, features: 2, seed: 5)\ndata exp = {loader}\n\
             source sim {{ x = f_*  y = y }}\ntarget exp {{ x = f_*  y = y }}\nmodel {{ hidden = [4] }}\n\
             grid {{ n = [50, 150, 600]  m = [0.5]  trials = 2 }}\n"
        )
    };
    // miette wraps long lines (continuations start with `│` or spaces): compare unwrapped text.
    let said = |t: Test| -> String {
        let text = t.run().text();
        text.split('\n').map(|l| l.trim().trim_start_matches('│').trim()).collect::<Vec<_>>().join(" ")
    };
    for (file, sep, written) in [("semi.csv", ";", ";"), ("tabs.tsv", "\t", "\\t")] {
        let text = said(
            Test::new()
                .file(file, rows(sep))
                .study(&study(&format!("csv(\"{file}\")")))
                .args(["check", "s.study"])
                .status(2),
        );
        assert!(text.contains(&format!("{file} was read as one column named")), "{text}");
        assert!(text.contains(&format!("write `csv(\"{file}\", delimiter: \"{written}\")`")), "{text}");
        Test::new()
            .file(file, rows(sep))
            .study(&study(&format!("csv(\"{file}\", delimiter: \"{written}\")")))
            .args(["check", "s.study"])
            .output_contains("ok:")
            .run();
    }
    let text = said(
        Test::new()
            .file("semi.csv", rows(";"))
            .study(&study("csv(\"semi.csv\", delimiter: \";;\")"))
            .args(["check", "s.study"])
            .status(2),
    );
    assert!(text.contains("`delimiter` must be one character"), "{text}");
    let text = said(
        Test::new()
            .file("exp.csv", rows(","))
            .study(&study("parquet(\"exp.csv\")"))
            .args(["check", "s.study"])
            .status(2),
    );
    assert!(text.contains("exp.csv is not a Parquet file (it does not begin and end with `PAR1`)"), "{text}");
    assert!(text.contains("like a CSV file: read it with `csv(...)`") && !text.contains("Corrupt footer"), "{text}");
}

/// A build without the `kernel` feature (the default build) answers every `kernel` subcommand
/// with how to get it. (With `--features kernel`, as CI builds, tests/kernel.rs covers the kernel.)
#[cfg(not(feature = "kernel"))]
#[test]
fn kernel_without_the_feature_says_how_to_enable_it() {
    for args in [
        vec!["kernel", "install"],
        vec!["kernel", "uninstall", "--user"],
        vec!["kernel", "--connection-file", "c.json"],
    ] {
        Test::new().args(args).status(2).stderr_contains("cargo install --path . --features kernel").run();
    }
}
