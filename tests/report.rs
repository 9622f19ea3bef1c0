//! The report stage on hand-built results: figure structure and well-formedness, text summary and
//! report.md snapshots, HTML outputs, and the files written into a run directory.

use std::collections::BTreeMap;

use sim2real::ir::{TrainSpec, TrainingSettings};
use sim2real::report::{html_fragment, scaling_svg, summary_table, write_reports};
use sim2real::results::{Arm, ExpectOutcome, FitRecord, Point, Results, SCHEMA_VERSION, TrialRow};

use crate::support::xml::assert_well_formed;

// ---------------------------------------------------------------- fixtures

const NS: [usize; 6] = [100, 300, 1000, 3000, 10000, 30000];

fn base(study: &str, quick: bool) -> Results {
    Results {
        schema: SCHEMA_VERSION,
        study: study.to_string(),
        study_sha256: "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a".to_string(),
        data_sha256: "b1946ac92492d2347c6235b4d2611184b1946ac92492d2347c6235b4d2611184".to_string(),
        quick,
        seed: 7,
        source_rows: 40000,
        target_rows: 300,
        label: "permeability".to_string(),
        points: Vec::new(),
        fits: Vec::new(),
        exchange: None,
        training: training(),
        expects: Vec::new(),
        warnings: Vec::new(),
        groups: None,
        samples: None,
        paired: Vec::new(),
        ci_variance: String::new(),
        device: None,
        budget: None,
    }
}

/// Pretraining at the default lr, fine-tuning at 1e-4, the direct baseline at the pretraining
/// settings (its default).
fn training() -> Vec<TrainingSettings> {
    let spec = |lr: f64, epochs: usize, freeze: usize| TrainSpec {
        lr,
        weight_decay: 0.0,
        batch: 32,
        max_epochs: epochs,
        patience: 5,
        validation: 0.2,
        freeze,
    };
    let row = |arm: Arm, phase: &str, from: &str, spec: TrainSpec| TrainingSettings {
        arm,
        phase: phase.into(),
        from: from.into(),
        spec,
    };
    vec![
        row(Arm::Transfer, "pretrain", "pretrain", spec(1e-3, 100, 0)),
        row(Arm::Transfer, "finetune", "finetune", spec(1e-4, 200, 1)),
        row(Arm::Direct, "direct", "pretrain (default)", spec(1e-3, 100, 0)),
    ]
}

fn point(arm: Arm, n: usize, m: usize, mean: f64, trials: usize) -> Point {
    Point {
        n,
        m,
        arm,
        trials,
        mae_mean: mean,
        mae_ci90: [mean * 0.9, mean * 1.1],
        mae_sd: mean * 0.15,
        mae_median: mean * 0.98,
        ci_reliable: trials >= 30,
        ci_note: None,
        mae_trimmed: mean,
        failed: 0,
        exploded: 0,
        train_rows: [m - m / 5; 2],
        val_rows: [m / 5; 2],
    }
}

/// Transfer points following `d·n^-alpha + c` on [`NS`].
fn transfer_curve(m: usize, d: f64, alpha: f64, c: f64, trials: usize) -> Vec<Point> {
    NS.iter().map(|&n| point(Arm::Transfer, n, m, d * (n as f64).powf(-alpha) + c, trials)).collect()
}

fn power_fit(m: usize, d: f64, alpha: f64, c: f64, r2: f64) -> FitRecord {
    let params = BTreeMap::from([("D".to_string(), d), ("alpha".to_string(), alpha), ("C".to_string(), c)]);
    let ci90 = BTreeMap::from([
        ("D".to_string(), [d * 0.8, d * 1.2]),
        ("alpha".to_string(), [alpha * 0.85, alpha * 1.15]),
        ("C".to_string(), [c * 0.7, c * 1.3]),
    ]);
    FitRecord {
        law: "power_law".to_string(),
        arm: Arm::Transfer,
        m,
        params,
        ci90,
        r2,
        equation: format!("R(n) = {d}·n^-{alpha} + {c}"),
        degenerate: None,
        dof: None,
        ci_trials: None,
        note: None,
        fixed: Vec::new(),
    }
}

/// Quick run, one m, with a direct arm, a fit, one passing and one failing expectation.
fn one_m_quick() -> Results {
    let mut r = base("quickstart", true);
    r.points = transfer_curve(200, 2.0, 0.4, 0.1, 4);
    r.points.push(point(Arm::Direct, 0, 200, 0.21, 4));
    r.fits = vec![power_fit(200, 2.0, 0.4, 0.1, 0.987)];
    r.expects = vec![
        ExpectOutcome { text: "alpha > 0".into(), passed: true, detail: "alpha = 0.400 at m = 200".into() },
        ExpectOutcome {
            text: "transfer < direct at every n".into(),
            passed: false,
            detail: "transfer 0.2589 ≥ direct 0.2100 at n = 100, m = 200".into(),
        },
    ];
    r.warnings = vec!["n grid capped at the source size (40000 rows)".into()];
    r
}

/// Full run, three m, direct arm for each, one degenerate fit and one NaN point.
fn three_m() -> Results {
    let mut r = base("gas CO2 permeability", false);
    r.points = [(50, 3.0, 0.3, 0.3), (100, 2.5, 0.35, 0.2), (200, 2.0, 0.4, 0.1)]
        .iter()
        .flat_map(|&(m, d, a, c)| transfer_curve(m, d, a, c, 20))
        .collect();
    for p in r.points.iter_mut().filter(|p| p.m == 100 && p.n == 3000) {
        p.mae_mean = f64::NAN;
        p.mae_ci90 = [f64::NAN, f64::NAN];
        p.trials = 0;
    }
    r.points.extend([
        point(Arm::Direct, 0, 50, 0.62, 20),
        point(Arm::Direct, 0, 100, 0.41, 20),
        point(Arm::Direct, 0, 200, 0.27, 20),
    ]);
    let mut flat = power_fit(50, 0.0, 3.0, 0.35, 0.12);
    flat.degenerate = Some("flat curve: alpha hit its upper bound".into());
    r.fits = vec![flat, power_fit(100, 2.5, 0.35, 0.2, 0.962), power_fit(200, 2.0, 0.4, 0.1, 0.991)];
    r.expects = vec![ExpectOutcome { text: "r2 >= 0.9".into(), passed: false, detail: "r2 = 0.12 at m = 50".into() }];
    r
}

/// One m, transfer arm only, with a fit.
fn no_direct() -> Results {
    let mut r = base("no-baseline", false);
    r.points = transfer_curve(1000, 1.5, 0.5, 0.05, 10);
    r.fits = vec![power_fit(1000, 1.5, 0.5, 0.05, 0.95)];
    r
}

/// A single transfer point and a direct point, no fits.
fn single_point() -> Results {
    let mut r = base("single", false);
    r.points = vec![point(Arm::Transfer, 500, 100, 0.3, 3), point(Arm::Direct, 0, 100, 0.35, 3)];
    r
}

/// Nothing finite to draw: NaN and infinite means, an infinite fit parameter.
fn all_non_finite() -> Results {
    let mut r = base("diverged", true);
    let mut a = point(Arm::Transfer, 100, 50, f64::NAN, 0);
    a.mae_ci90 = [f64::NAN, f64::NAN];
    let mut b = point(Arm::Transfer, 1000, 50, f64::INFINITY, 1);
    b.mae_ci90 = [f64::INFINITY, f64::INFINITY];
    let mut d = point(Arm::Direct, 0, 50, f64::NAN, 0);
    d.mae_ci90 = [f64::NAN, f64::NAN];
    r.points = vec![a, b, d];
    r.fits = vec![power_fit(50, f64::INFINITY, 0.3, 0.1, f64::NAN)];
    r
}

fn trials_for(results: &Results) -> Vec<TrialRow> {
    let mut rows = Vec::new();
    for (i, p) in results.points.iter().enumerate() {
        for t in 0..p.trials.max(1) {
            rows.push(TrialRow {
                job: format!("{}-n{}-m{}", p.arm.as_str(), p.n, p.m),
                arm: p.arm,
                n: p.n,
                m: p.m,
                trial: t,
                seed: (i * 100 + t) as u64,
                mae: if p.trials == 0 { f64::NAN } else { p.mae_mean },
                epochs: 50,
                best_epoch: 40,
                test_rows: 60,
                failure: None,
                exploded: None,
                constant_x: Vec::new(),
                clipped_x: Default::default(),
                train_rows: p.m - p.m / 5,
                val_rows: p.m / 5,
            });
        }
    }
    rows
}

fn all_fixtures() -> Vec<Results> {
    vec![one_m_quick(), three_m(), no_direct(), single_point(), all_non_finite(), base("empty", false)]
}

// ---------------------------------------------------------------- a minimal XML well-formedness check

#[test]
fn the_well_formedness_check_rejects_broken_xml() {
    for bad in ["<a><b></a></b>", "<a>", "<a x=1/>", "<a>x & y</a>", "<a/><b/>", "<a x=\"1\" x=\"2\"/>", "<a>x</a>y"] {
        assert!(std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(), "accepted {bad}");
    }
    assert_well_formed("<a x=\"1 &amp; 2\"><b/>t &lt; u<!-- c --></a>");
}

// ---------------------------------------------------------------- figure

/// The opening tags of elements whose class attribute is `class`.
fn with_class<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
    let needle = format!("class=\"{class}\"");
    svg.split('<').filter(|tag| tag.contains(&needle)).collect()
}

#[test]
fn every_figure_is_well_formed_and_finite() {
    for results in all_fixtures() {
        let svg = scaling_svg(&results);
        assert_well_formed(&svg);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{}", results.study);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "non-finite number in the {} figure", results.study);
        assert!(svg.contains(&format!(">{}</text>", results.study)), "title missing for {}", results.study);
    }
}

#[test]
fn three_m_figure_draws_each_arm_and_fit() {
    let svg = scaling_svg(&three_m());
    let fits = with_class(&svg, "fit");
    assert_eq!(fits.len(), 2, "one dashed line per non-degenerate fit");
    assert!(fits.iter().all(|t| t.starts_with("path") && t.contains("stroke-dasharray")));
    assert_eq!(with_class(&svg, "series").len(), 3);
    assert_eq!(with_class(&svg, "band").len(), 3, "one CI band per m");
    assert!(with_class(&svg, "band").iter().all(|t| t.contains(" Z\"")), "bands are closed paths");
    assert_eq!(with_class(&svg, "direct").len(), 3, "one direct line per m");
    assert_eq!(with_class(&svg, "direct-band").len(), 3);
    // 6 + 5 (one NaN point skipped) + 6 markers in the plot, 3 more in the legend.
    assert_eq!(with_class(&svg, "marker").len(), 17 + 3);
    assert!(svg.contains("R(n) = 2.50·n^-0.350 + 0.200"));
    assert!(svg.contains("R(n) = 2.00·n^-0.400 + 0.100"));
    assert!(svg.contains("m = 50: fit not drawn, degenerate"));
    assert!(svg.contains("upper bound)"));
    for m in [50, 100, 200] {
        assert!(svg.contains(&format!("direct learning (m = {m})")));
    }
    let colours: Vec<&str> =
        with_class(&svg, "series").iter().filter_map(|t| t.split("stroke=\"").nth(1)?.split('"').next()).collect();
    assert_eq!(colours.len(), 3);
    assert!(colours[0] != colours[1] && colours[1] != colours[2] && colours[0] != colours[2]);
    assert!(!svg.contains("QUICK RUN"), "not a quick run");
}

#[test]
fn quick_figure_is_marked_and_has_nice_ticks() {
    let svg = scaling_svg(&one_m_quick());
    assert!(svg.contains("QUICK RUN — smoke test only"));
    assert_eq!(with_class(&svg, "watermark").len(), 1);
    for label in [">100<", ">1k<", ">10k<"] {
        assert!(svg.contains(label), "missing tick label {label}");
    }
    assert!(svg.contains("test MAE of permeability"));
    assert!(svg.contains("direct learning (m = 200)"));
    assert!(svg.contains("R(n) = 2.00·n^-0.400 + 0.100, R² = 0.987"));
    assert_eq!(with_class(&svg, "fit").len(), 1);
}

#[test]
fn figure_without_direct_arm_has_no_direct_line() {
    let svg = scaling_svg(&no_direct());
    assert!(with_class(&svg, "direct").is_empty());
    assert!(with_class(&svg, "direct-band").is_empty());
    assert!(!svg.contains("direct learning"));
    assert_eq!(with_class(&svg, "fit").len(), 1);
}

#[test]
fn single_point_gets_an_error_bar_and_says_there_is_no_fit() {
    let svg = scaling_svg(&single_point());
    assert_eq!(with_class(&svg, "ci-bar").len(), 1);
    assert!(with_class(&svg, "band").is_empty());
    assert!(with_class(&svg, "fit").is_empty());
    assert!(svg.contains("no power-law fit in the results"));
}

#[test]
fn non_finite_and_empty_results_draw_a_message() {
    let svg = scaling_svg(&all_non_finite());
    assert!(svg.contains("no finite MAE to plot"));
    assert!(svg.contains("m = 50: fit not drawn,") && svg.contains("parameters not finite"));
    assert!(with_class(&svg, "fit").is_empty());
    assert!(with_class(&scaling_svg(&base("empty", false)), "no-data").len() == 1);
}

#[test]
fn text_in_the_figure_is_escaped() {
    let mut r = one_m_quick();
    r.study = "a <b> & \"c\"".into();
    r.label = "y'<".into();
    let svg = scaling_svg(&r);
    assert_well_formed(&svg);
    assert!(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
}

// ---------------------------------------------------------------- text, markdown, html

#[test]
fn summary_table_puts_arms_side_by_side() {
    let text = summary_table(&three_m());
    let row =
        text.lines().find(|l| l.trim_start().starts_with("1000") && l.contains(" 200 ")).expect("row n=1000 m=200");
    assert!(row.contains("0.2262") && row.contains("0.2700"), "transfer and direct on one line: {row}");
    assert!(text.contains("WARNING: degenerate fit: flat curve"));
    assert!(text.contains("FAIL  r2 >= 0.9"));
    insta::assert_snapshot!("summary_three_m", text);
}

#[test]
fn summary_table_of_a_quick_run() {
    let text = summary_table(&one_m_quick());
    assert!(text.contains("QUICK RUN — smoke test only"));
    assert!(text.contains("PASS  alpha > 0"));
    insta::assert_snapshot!("summary_one_m_quick", text);
}

#[test]
fn summary_table_handles_empty_and_non_finite_results() {
    let text = summary_table(&base("empty", false));
    assert_eq!(text.matches("(none)").count(), 3);
    let text = summary_table(&all_non_finite());
    assert!(text.contains("NaN") && text.contains("inf"));
}

#[test]
fn html_fragment_has_tables_but_no_page() {
    let html = html_fragment(&three_m());
    assert!(!html.contains("<html") && !html.contains("<body"));
    assert_eq!(html.matches("<table").count(), 2);
    assert!(html.contains("<table class=\"fits\">") && html.contains("<table class=\"points\">"));
    assert!(html.contains("R(n) = 2.50·n^-0.350 + 0.200"));
    assert_well_formed(&html);
}

#[test]
fn write_reports_creates_the_three_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = dir.path().join("run-1");
    let results = one_m_quick();
    write_reports(&results, &trials_for(&results), &run).expect("write_reports");
    let read = |name: &str| std::fs::read_to_string(run.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));

    let svg = read("scaling.svg");
    assert_eq!(svg, scaling_svg(&results));

    let md = read("report.md");
    assert!(md.contains("![scaling](scaling.svg)"));
    assert!(md.contains("✅ **PASS** `alpha > 0`") && md.contains("❌ **FAIL** `transfer < direct at every n`"));
    insta::assert_snapshot!("report_md_one_m_quick", md);

    let html = read("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>") && html.contains("<svg xmlns"));
    assert!(html.contains("QUICK RUN — smoke test only"));
    assert!(html.contains("n grid capped at the source size"));
    let body = &html[html.find("<main").expect("main")..html.find("</main>").expect("/main") + 7];
    assert_well_formed(body);
}

#[test]
fn report_md_lists_degenerate_fits_and_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let results = three_m();
    write_reports(&results, &trials_for(&results), dir.path()).expect("write_reports");
    let md = std::fs::read_to_string(dir.path().join("report.md")).expect("report.md");
    assert!(md.contains("degenerate: flat curve: alpha hit its upper bound"));
    assert!(md.contains("| 3000 | 100 | 0 | NaN | — |"), "a point without trials has no CI, not [NaN, NaN]");
    assert!(md.contains("without a finite MAE"));
    assert!(md.contains("## Warnings\n\nNone."));
}
