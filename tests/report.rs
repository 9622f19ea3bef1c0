//! The report stage on hand-built results: figure structure and well-formedness, text summary and
//! report.md snapshots, HTML outputs, and the files written into a run directory.

use std::collections::BTreeMap;

use sim2real::ir::{TrainSpec, TrainingSettings};
use sim2real::report::{html_fragment, scaling_svg, summary_table, write_reports};
use sim2real::results::{
    Arm, ExpectOutcome, FitRecord, Group, GroupTrainRows, Groups, Point, Results, SCHEMA_VERSION, Sample, Samples,
    TrialRow,
};

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

/// `report by grp` over `k` groups at m = 1000: group i has `k + 10 - i` target rows, a
/// transfer curve and a fit, except every third group, which has no fit (its α, CI, R² missing).
fn with_groups(k: usize) -> Results {
    let mut r = no_direct();
    let groups = (0..k)
        .map(|i| {
            let alpha = 0.2 + 0.5 * i as f64 / k as f64;
            Group {
                value: format!("g{i:04}"),
                target_rows: k + 10 - i,
                small: false,
                train_rows: vec![GroupTrainRows { m: 1000, mean: 40.0 }],
                points: transfer_curve(1000, 1.5, alpha, 0.05, 10),
                fits: if i % 3 == 2 {
                    Vec::new()
                } else {
                    let mut f = power_fit(1000, 1.5, alpha, 0.05, 0.95);
                    f.ci_trials = Some(10);
                    vec![f]
                },
            }
        })
        .collect();
    r.groups = Some(Groups { column: "grp".into(), min_rows: 5, groups });
    r
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

/// An infinite and an undefined exchange rate: the summary, report.md and the `expect mrs` detail
/// word each the same way (`∞` with its CI as docs/results.md prints CIs, `undefined` without one),
/// and never print `inf` or `NaN`.
#[test]
fn an_infinite_or_undefined_exchange_rate_is_worded_the_same_everywhere() {
    use sim2real::ir::{CmpOp, Expect, ExpectKind};
    use sim2real::results::Exchange;
    let expect = Expect {
        kind: ExpectKind::Param { name: "mrs".into(), op: CmpOp::Gt, value: 10.0 },
        text: "mrs > 10".into(),
        span: Default::default(),
    };
    for (rate, ci, words, ci_text) in [
        (f64::INFINITY, [f64::NAN, f64::NAN], "worth ∞ source samples (more source samples no longer", "90 % CI —"),
        (f64::INFINITY, [120.0, f64::INFINITY], "worth ∞ source samples", "90 % CI [120, ∞]"),
        (f64::NAN, [f64::NAN, f64::NAN], "the exchange rate is undefined", ""),
    ] {
        let mut r = no_direct();
        r.exchange = Some(Exchange {
            n: 30000,
            m: 1000,
            dr_dn: if rate.is_nan() { 0.0 } else { -0.0 },
            dr_dm: if rate.is_nan() { 0.0 } else { -1e-3 },
            samples_per_target: rate,
            ci90: ci,
            method: "surface".into(),
            note: None,
            degenerate: None,
        });
        r.expects = sim2real::exec::expect::evaluate(std::slice::from_ref(&expect), &r);
        let detail = &r.expects[0].detail;
        let text = summary_table(&r);
        let line = text.lines().find(|l| l.contains("at n = 30000, m = 1000:")).expect("an exchange-rate line");
        assert!(line.contains(words) && line.contains(ci_text), "{line}");
        assert!(!line.contains("inf") && !line.contains("NaN"), "{line}");
        if rate.is_nan() {
            assert!(!line.contains("CI"), "an undefined rate has no CI: {line}");
            assert!(detail.contains("mrs is undefined") && !r.expects[0].passed, "{detail}");
        } else {
            assert!(detail.contains("mrs = ∞ source samples") && r.expects[0].passed, "{detail}");
        }
    }
}

/// One convention for missing numbers in every CSV of a run directory: a blank cell (never `NaN`),
/// read back as NaN.
#[test]
fn missing_numbers_are_blank_in_every_csv() {
    let mut r = with_groups(3); // g0002 has no fit
    r.samples = Some(Samples {
        m: 1000,
        n: NS.to_vec(),
        pooled: vec![0.3; NS.len()],
        key_columns: vec!["grp".into()],
        rule: "scaling: …".into(),
        scaling: 0,
        not_scaling: 0,
        unfit: 1,
        samples: vec![Sample {
            row: 4,
            keys: vec!["g0001".into()],
            error: vec![f64::NAN; NS.len()],
            trials: vec![0; NS.len()],
            alpha: f64::NAN,
            alpha_ci90: [f64::NAN, f64::NAN],
            r2: f64::NAN,
            class: "unfit".into(),
        }],
    });
    let mut trials = trials_for(&r);
    trials[0].mae = f64::NAN;
    trials[0].failure = Some("diverged".into());
    trials[1].mae = f64::INFINITY;
    let dir = tempfile::tempdir().unwrap();
    write_reports(&r, &trials, dir.path()).unwrap();
    sim2real::results::outputs::write_data(dir.path(), &r, &trials).unwrap();
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    let field = |text: &str, row: usize, name: &str| -> String {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
        lines.nth(row).unwrap().split(',').nth(col).unwrap().to_string()
    };
    let (groups, samples, trials_csv) = (read("groups.csv"), read("samples.csv"), read("trials.csv"));
    for (name, text) in [("groups.csv", &groups), ("samples.csv", &samples), ("trials.csv", &trials_csv)] {
        assert!(!text.contains("NaN") && !text.contains("inf"), "{name}:\n{text}");
    }
    // groups.csv ranks the fitted groups first; g0002 (no fit) is the last row.
    assert!(groups.lines().last().unwrap().starts_with("grp,g0002,"), "{groups}");
    for col in ["alpha", "alpha_ci90_lo", "alpha_ci90_hi", "D", "C", "r2"] {
        assert_eq!(field(&groups, 2, col), "", "groups.csv {col}");
    }
    assert_eq!(field(&groups, 0, "alpha"), format!("{}", 0.2 + 0.5 / 3.0));
    for col in ["alpha", "alpha_ci90_lo", "r2", "error_smallest_n"] {
        assert_eq!(field(&samples, 0, col), "", "samples.csv {col}");
    }
    assert_eq!(field(&trials_csv, 0, "mae"), "");
    assert_eq!(field(&trials_csv, 1, "mae"), "");
    // Read back: blank is NaN.
    let run = sim2real::Run::load(dir.path()).unwrap();
    assert!(run.trials[0].mae.is_nan() && run.trials[1].mae.is_nan());
    assert_eq!(run.trials[2].mae, trials[2].mae);
}

/// `report by` a column with 1000 groups: groups.svg draws the 32 with the most target rows (not a
/// 48,000-pixel-tall figure of all), says how many it left out, and groups.csv keeps all 1000.
#[test]
fn a_thousand_groups_draw_the_largest_and_say_how_many_are_left_out() {
    let r = with_groups(1000);
    let svg = sim2real::report::groups_svg(&r);
    assert_well_formed(&svg);
    let head = &svg[..svg.find('>').unwrap()];
    let height: f64 = head.split("height=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    assert!(height < 2000.0, "{height}");
    assert_eq!(with_class(&svg, "group").len(), 32);
    // The 32 largest groups (g0000 … g0031) are drawn, under their rank among all 1000.
    for i in 0..1000 {
        assert_eq!(svg.contains(&format!(">g{i:04}</title>")), i < 32, "g{i:04}");
    }
    let note = "the other 968 are left out of it and are in the table and in groups.csv";
    assert!(
        svg.replace('\n', " ").contains("groups.svg draws the 32 groups with the most target rows (of 1000"),
        "{svg}"
    );
    let dir = tempfile::tempdir().unwrap();
    write_reports(&r, &trials_for(&r), dir.path()).unwrap();
    let csv = std::fs::read_to_string(dir.path().join("groups.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1001);
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains(note), "{file}");
    }
    // With 32 groups or fewer, every group is drawn and nothing is said.
    let few = with_groups(32);
    let svg = sim2real::report::groups_svg(&few);
    assert_eq!(with_class(&svg, "group").len(), 32);
    assert!(!svg.contains("left out"));
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
