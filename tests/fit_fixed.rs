//! Fixed parameters (`fit power_law { D = 0.48 }`, `fit surface { eps = 0 }`, `--fix`) and
//! `sim2real fit TABLE.csv`.

use std::path::Path;

use sim2real::check::compile;
use sim2real::diag::render_plain;
use sim2real::exec::aggregate::{power_law_record, power_law_record_fixed};
use sim2real::exec::surface::surface_and_exchange_fixed;
use sim2real::fit::{
    FitError, PowerLaw, PowerLawFixed, Surface, SurfaceFixed, fit_power_law, fit_power_law_with, fit_surface,
    fit_surface_with,
};
use sim2real::ir::Law;
use sim2real::results::{Arm, TrialRow};

use crate::support::Test;

const NS: [f64; 6] = [100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0];

fn study(fit_line: &str) -> String {
    let tiny =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny_surface.study")).unwrap();
    tiny.replace("fit surface at (n = 300, m = 60)", fit_line)
}

#[test]
fn study_files_fix_parameters_of_either_law() {
    let s = compile("t", &study("fit power_law { D = 0.48  alpha = 0.5 }")).expect("valid");
    assert_eq!(s.fits.len(), 1);
    assert_eq!(s.fits[0].law, Law::PowerLaw);
    assert_eq!(s.fits[0].fixed, vec![("D".to_string(), 0.48), ("alpha".to_string(), 0.5)]);
    assert_eq!(PowerLawFixed::from_pairs(&s.fits[0].fixed), PowerLawFixed { d: Some(0.48), alpha: Some(0.5), c: None });

    let s = compile("t", &study("fit surface at (n = 300, m = 60) { eps = 0 }")).expect("valid");
    assert_eq!(s.fits[0].fixed, vec![("eps".to_string(), 0.0)]);
    assert!(s.fits[0].at.is_some());
    assert_eq!(SurfaceFixed::from_pairs(&s.fits[0].fixed), SurfaceFixed { eps: Some(0.0), ..Default::default() });
    // Without a block nothing is fixed.
    let s = compile("t", &study("fit surface")).expect("valid");
    assert!(s.fits[0].fixed.is_empty());
}

#[test]
fn unknown_or_invalid_fixed_parameters_are_diagnosed() {
    let err = compile("t", &study("fit power_law { beta = 0.5 }")).expect_err("beta is not a power-law parameter");
    let text = render_plain(&err);
    assert!(text.contains("unknown setting `beta`"), "{text}");
    assert!(text.contains("`D`, `alpha`, `C`"), "the valid names are listed: {text}");

    let err = compile("t", &study("fit surface { D = 1 }")).expect_err("D is not a surface parameter");
    let text = render_plain(&err);
    assert!(text.contains("`A`, `alpha`, `B`, `beta`, `eps`"), "{text}");

    let err = compile("t", &study("fit power_law { alpha = 7 }")).expect_err("α above the search bound");
    assert!(render_plain(&err).contains("alpha"), "{}", render_plain(&err));
    let err = compile("t", &study("fit surface { eps = -0.1 }")).expect_err("negative");
    assert!(render_plain(&err).contains("eps"), "{}", render_plain(&err));
}

#[test]
fn fixed_power_law_parameters_are_held_and_the_others_refitted() {
    let truth = PowerLaw { d: 3.0, alpha: 0.6, c: 0.2 };
    let r: Vec<f64> = NS.iter().map(|&n| truth.eval(n)).collect();
    // Holding the true D recovers α and C exactly.
    let f = fit_power_law_with(&NS, &r, &PowerLawFixed { d: Some(3.0), ..Default::default() }).unwrap();
    assert_eq!(f.law.d, 3.0);
    assert!((f.law.alpha - 0.6).abs() < 1e-6 && (f.law.c - 0.2).abs() < 1e-6, "{:?}", f.law);
    // Holding a wrong C moves the others and cannot beat the free fit.
    let free = fit_power_law(&NS, &r).unwrap();
    let held = fit_power_law_with(&NS, &r, &PowerLawFixed { c: Some(0.0), ..Default::default() }).unwrap();
    assert_eq!(held.law.c, 0.0);
    assert!(held.rmse > free.rmse + 1e-6, "a wrong fixed C fits worse: {} vs {}", held.rmse, free.rmse);
    // Holding α: two distinct n suffice (two free parameters); the free law needs three.
    let two = [100.0, 1000.0];
    let r2: Vec<f64> = two.iter().map(|&n| truth.eval(n)).collect();
    assert!(matches!(fit_power_law(&two, &r2), Err(FitError::TooFewPoints { need: 3, .. })));
    let f = fit_power_law_with(&two, &r2, &PowerLawFixed { alpha: Some(0.6), ..Default::default() }).unwrap();
    assert!((f.law.d - 3.0).abs() < 1e-9 && (f.law.c - 0.2).abs() < 1e-9, "{:?}", f.law);
    // Values the law does not allow are errors naming the parameter.
    for bad in [
        PowerLawFixed { d: Some(-1.0), ..Default::default() },
        PowerLawFixed { alpha: Some(6.0), ..Default::default() },
        PowerLawFixed { c: Some(f64::NAN), ..Default::default() },
    ] {
        let e = fit_power_law_with(&NS, &r, &bad).unwrap_err();
        assert!(matches!(e, FitError::BadFixed { .. }), "{e}");
    }
}

#[test]
fn fixed_surface_parameters_are_held_and_the_others_refitted() {
    let truth = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
    let (mut n, mut m, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for &x in &[100.0, 300.0, 1000.0, 3000.0] {
        for &y in &[20.0, 40.0, 80.0, 160.0] {
            n.push(x);
            m.push(y);
            r.push(truth.eval(x, y));
        }
    }
    let free = fit_surface(&n, &m, &r).unwrap();
    for fixed in [
        SurfaceFixed { eps: Some(0.05), ..Default::default() },
        SurfaceFixed { beta: Some(0.4), ..Default::default() },
        SurfaceFixed { alpha: Some(0.5), beta: Some(0.4), ..Default::default() },
        SurfaceFixed { a: Some(5.0), b: Some(0.3), ..Default::default() },
    ] {
        let f = fit_surface_with(&n, &m, &r, &fixed).unwrap();
        let s = f.surface;
        for (name, got, want) in
            [("A", s.a, 5.0), ("alpha", s.alpha, 0.5), ("B", s.b, 0.3), ("beta", s.beta, 0.4), ("eps", s.eps, 0.05)]
        {
            assert!((got - want).abs() < 1e-3 * want.max(0.1), "{fixed:?}: {name} = {got}, truth {want}");
        }
        assert!(f.rmse <= free.rmse + 1e-9);
    }
    // A fixed value that is not the truth is held exactly.
    let f = fit_surface_with(&n, &m, &r, &SurfaceFixed { eps: Some(0.0), ..Default::default() }).unwrap();
    assert_eq!(f.surface.eps, 0.0);
    assert!(f.rmse > free.rmse);
}

fn curve_rows(law: PowerLaw, trials: usize) -> Vec<TrialRow> {
    let mut rows = Vec::new();
    for (i, &n) in NS.iter().enumerate() {
        for t in 0..trials {
            let jitter = [0.0, 0.02, -0.02, 0.01][(t + i) % 4];
            rows.push(TrialRow {
                job: format!("n={n} t={t}"),
                arm: Arm::Transfer,
                n: n as usize,
                m: 10,
                trial: t,
                seed: t as u64,
                mae: law.eval(n) * (1.0 + jitter),
                epochs: 1,
                best_epoch: 1,
                test_rows: 5,
                ..Default::default()
            });
        }
    }
    rows
}

#[test]
fn fit_records_mark_fixed_parameters_without_a_ci() {
    let rows = curve_rows(PowerLaw { d: 3.0, alpha: 0.6, c: 0.2 }, 6);
    let free = power_law_record(&rows, Arm::Transfer, 10, 1);
    assert!(free.fixed.is_empty());
    assert_eq!(free.ci90.len(), 3);
    let rec =
        power_law_record_fixed(&rows, Arm::Transfer, 10, 1, &PowerLawFixed { d: Some(3.0), ..Default::default() });
    assert_eq!(rec.fixed, vec!["D".to_string()]);
    assert_eq!(rec.params["D"], 3.0);
    assert!(!rec.ci90.contains_key("D"));
    let [lo, hi] = rec.ci90["alpha"];
    assert!(lo <= rec.params["alpha"] && rec.params["alpha"] <= hi);
    // Every bootstrap refit held D: the α interval is narrower than with D free.
    assert!(hi - lo < free.ci90["alpha"][1] - free.ci90["alpha"][0]);
    let json = serde_json::to_value(&rec).unwrap();
    assert_eq!(json["fixed"], serde_json::json!(["D"]));
    assert!(serde_json::to_value(&free).unwrap().get("fixed").is_none(), "absent when nothing is fixed");

    let mut rows = Vec::new();
    for &n in &[100usize, 300, 1000, 3000] {
        for &m in &[20usize, 40, 80, 160] {
            for t in 0..4 {
                let s = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
                rows.push(TrialRow {
                    job: String::new(),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: 0,
                    mae: s.eval(n as f64, m as f64) * (1.0 + [0.0, 0.01, -0.01, 0.005][t]),
                    epochs: 1,
                    best_epoch: 1,
                    test_rows: 5,
                    ..Default::default()
                });
            }
        }
    }
    let (rec, ex) = surface_and_exchange_fixed(&rows, 3, None, &SurfaceFixed { eps: Some(0.05), ..Default::default() });
    assert_eq!(rec.fixed, vec!["eps".to_string()]);
    assert_eq!(rec.params["eps"], 0.05);
    assert!(!rec.ci90.contains_key("eps") && rec.ci90.contains_key("beta"));
    assert!(ex.is_some_and(|x| x.ci90[0].is_finite()));
}

#[test]
fn a_run_holds_the_study_fixed_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")).unwrap();
    assert!(tiny.contains("fit power_law\n"));
    let study = dir.path().join("fixed.study");
    std::fs::write(&study, tiny.replace("fit power_law\n", "fit power_law { C = 0 }\n")).unwrap();
    let out = dir.path().join("run");
    Test::at(dir.path())
        .args(["run", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"])
        .status_in(&[0, 1])
        .run();
    let results: sim2real::results::Results =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(results.fits.len(), 2, "one power law per m");
    for f in &results.fits {
        assert_eq!(f.fixed, vec!["C".to_string()]);
        assert_eq!(f.params["C"], 0.0);
        assert!(!f.ci90.contains_key("C"));
    }
    let report = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(report.contains("C = 0 (fixed)") || report.contains("(fixed)"), "{report}");
}

// ---- sim2real fit TABLE.csv ------------------------------------------------------------------

/// `sim2real fit ARGS` (expectations to be added).
fn fit_cmd(args: &[&str]) -> Test {
    Test::new().arg("fit").args(args)
}

fn write_table(dir: &Path, name: &str, rows: &[TrialRow], with_m: bool) -> String {
    let mut s = String::from(if with_m { "size,m,repeat,err\n" } else { "size,repeat,err\n" });
    for t in rows {
        if with_m {
            s.push_str(&format!("{},{},{},{}\n", t.n, t.m, t.trial, t.mae));
        } else {
            s.push_str(&format!("{},{},{}\n", t.n, t.trial, t.mae));
        }
    }
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn fit_command_gives_the_records_a_run_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = curve_rows(PowerLaw { d: 3.0, alpha: 0.6, c: 0.2 }, 5);
    rows.iter_mut().for_each(|t| t.m = 0);
    let table = write_table(dir.path(), "curve.csv", &rows, false);
    let out = dir.path().join("out");
    fit_cmd(&[
        &table,
        "--n",
        "size",
        "--error",
        "err",
        "--trial",
        "repeat",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ])
    .output_contains("power_law")
    .run();
    let results: sim2real::results::Results =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    // The very record power_law_record makes from the same rows and seed.
    assert_eq!(results.fits, vec![power_law_record(&rows, Arm::Transfer, 0, 4)]);
    assert!(out.join("trials.csv").exists() && out.join("report.md").exists());

    // --fix and --json.
    let v = fit_cmd(&[&table, "--n", "size", "--error", "err", "--fix", "C=0.2", "--json"]).run().stdout_json();
    assert_eq!(v["fits"][0]["fixed"], serde_json::json!(["C"]));
    assert_eq!(v["fits"][0]["params"]["C"], 0.2);
    assert!(v["fits"][0]["ci90"].get("C").is_none() && v["fits"][0]["ci90"].get("alpha").is_some());
    // The printed summary (as after a run) marks it.
    fit_cmd(&[&table, "--n", "size", "--error", "err", "--fix", "C=0.2"]).output_contains("(fixed)").run();
}

#[test]
fn fit_command_fits_the_surface_with_its_exchange_rate() {
    let dir = tempfile::tempdir().unwrap();
    let s = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
    let mut rows = Vec::new();
    for &n in &[100usize, 300, 1000, 3000] {
        for &m in &[20usize, 40, 80, 160] {
            for t in 0..3 {
                rows.push(TrialRow {
                    job: String::new(),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: 0,
                    mae: s.eval(n as f64, m as f64) * (1.0 + [0.0, 0.01, -0.01][t]),
                    epochs: 1,
                    best_epoch: 1,
                    test_rows: 5,
                    ..Default::default()
                });
            }
        }
    }
    let table = write_table(dir.path(), "surface.csv", &rows, true);
    let v = fit_cmd(&[&table, "--n", "size", "--m", "m", "--error", "err", "--trial", "repeat", "--json"])
        .run()
        .stdout_json();
    assert_eq!(v["fits"][0]["law"], "surface");
    assert_eq!(v["exchange"]["n"], 3000);
    assert_eq!(v["exchange"]["m"], 160);
    fit_cmd(&[&table, "--n", "size", "--m", "m", "--error", "err"]).output_contains("one target sample is worth").run();
}

#[test]
fn fit_command_without_trials_gives_no_ci_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("means.csv");
    let law = PowerLaw { d: 3.0, alpha: 0.6, c: 0.2 };
    let body: String = NS.iter().map(|&n| format!("{n},{}\n", law.eval(n))).collect();
    std::fs::write(&p, format!("n,mae\n{body}")).unwrap();
    let v = fit_cmd(&[p.to_str().unwrap(), "--n", "n", "--error", "mae", "--json"]).run().stdout_json();
    assert_eq!(v["fits"][0]["ci90"], serde_json::json!({}));
    assert!((v["fits"][0]["params"]["alpha"].as_f64().unwrap() - 0.6).abs() < 1e-6);
    assert!(v["warnings"][0].as_str().unwrap().contains("no bootstrap CI"), "{v}");
}

#[test]
fn fit_command_rejects_bad_tables_with_row_and_value() {
    let cases: [(&str, &[&str], &str); 6] = [
        ("n,mae\n10,0.5\n20,0.4\n", &["--n", "size", "--error", "mae"], "--n size: no such column"),
        (
            "n,mae\n10,0.5\n20,abc\n",
            &["--n", "n", "--error", "mae"],
            "row 3, column mae (--error): `abc` is not a number",
        ),
        (
            "n,mae\n10,0.5\n0,0.4\n",
            &["--n", "n", "--error", "mae"],
            "row 3, column n (--n): `0` is not a sample size > 0",
        ),
        ("n,mae\n10,0.5\n-5,0.4\n", &["--n", "n", "--error", "mae"], "`-5` is not a sample size > 0"),
        (
            "n,mae\n10,0.5\n20,0.4\n40,0.3\n",
            &["--n", "n", "--error", "mae", "--fix", "beta=1"],
            "unknown parameter `beta` (valid: D, alpha, C)",
        ),
        ("n,mae\n10,0.5\n20,0.4\n", &["--n", "n", "--error", "mae"], "too few points"),
    ];
    for (body, args, want) in cases {
        Test::new().file("bad.csv", body).args(["fit", "bad.csv"]).args(args).status(2).output_contains(want).run();
    }
}
