//! The outputs of a two-dimensional run: the Fig. 2/4-style figures, the indifference curves
//! (closed-form contours of the fitted Eq. 1) and summary.md — on an exact synthetic surface
//! and on a quick 2-D run of the binary.

use std::path::{Path, PathBuf};

use sim2real::exec::surface::surface_and_exchange_at;
use sim2real::fit::Surface;
use sim2real::ir::MrsPoint;
use sim2real::report::{
    INDIFFERENCE_LEVELS, INDIFFERENCE_SVG, MAE_VS_M_SVG, MAE_VS_N_SVG, grid_figures, indifference_contour,
    indifference_levels,
};
use sim2real::results::{Arm, Point, Results, SCHEMA_VERSION, TrialRow};

use crate::support::Test;
use crate::support::xml::assert_well_formed;

const NS: [usize; 5] = [100, 300, 1000, 3000, 10000];
const MS: [usize; 4] = [30, 60, 120, 240];
const TRUTH: Surface = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };

/// Three trials per cell with a small symmetric spread around the exact surface.
fn trials(truth: &Surface) -> Vec<TrialRow> {
    let mut out = Vec::new();
    for &n in &NS {
        for &m in &MS {
            for t in 0..3 {
                out.push(TrialRow {
                    job: format!("finetune n={n} m={m} t={t}"),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: t as u64,
                    mae: truth.eval(n as f64, m as f64) * (1.0 + [0.0, 0.01, -0.01][t]),
                    epochs: 1,
                    best_epoch: 1,
                    test_rows: 10,
                    failure: None,
                    exploded: None,
                    constant_x: Vec::new(),
                    clipped_x: Default::default(),
                    train_rows: m - m / 5,
                    val_rows: m / 5,
                });
            }
        }
    }
    out
}

fn point(arm: Arm, n: usize, m: usize, mean: f64) -> Point {
    Point {
        n,
        m,
        arm,
        trials: 3,
        mae_mean: mean,
        mae_ci90: [mean * 0.97, mean * 1.03],
        mae_sd: 0.01,
        mae_median: mean,
        ci_reliable: false,
        ci_note: None,
        mae_trimmed: mean,
        failed: 0,
        exploded: 0,
        train_rows: [m - m / 5; 2],
        val_rows: [m / 5; 2],
    }
}

/// Results of an exact-surface run with a direct arm and the exchange rate at (2000, 100).
fn exact_results() -> Results {
    let (fit, exchange) = surface_and_exchange_at(&trials(&TRUTH), 1, Some(MrsPoint { n: 2000, m: 100 }));
    let mut points = Vec::new();
    for &m in &MS {
        points.push(point(Arm::Direct, 0, m, 0.4 * (m as f64).powf(-0.2) + 0.2));
        for &n in &NS {
            points.push(point(Arm::Transfer, n, m, TRUTH.eval(n as f64, m as f64)));
        }
    }
    Results {
        schema: SCHEMA_VERSION,
        study: "exact".into(),
        study_sha256: "0".repeat(64),
        data_sha256: "1".repeat(64),
        quick: false,
        seed: 1,
        source_rows: 10000,
        target_rows: 300,
        label: "y".into(),
        points,
        fits: vec![fit],
        exchange,
        training: Vec::new(),
        groups: None,
        samples: None,
        expects: vec![],
        warnings: vec![],
        paired: vec![],
        ci_variance: String::new(),
        device: None,
        budget: None,
    }
}

/// Opening tags of elements with exactly this class.
fn count_class(svg: &str, class: &str) -> usize {
    svg.matches(&format!("class=\"{class}\"")).count()
}

/// Markers inside the indifference figure's group of measured grid points.
fn grid_point_markers(svg: &str) -> usize {
    let start = svg.find("class=\"grid-points\"").expect("a grid-points group");
    let group = &svg[start..];
    count_class(&group[..group.find("</g>").unwrap_or(group.len())], "marker")
}

#[test]
fn indifference_curve_points_lie_on_their_level() {
    let cells: Vec<(f64, f64)> = NS.iter().flat_map(|&n| MS.iter().map(move |&m| (n as f64, m as f64))).collect();
    let levels = indifference_levels(&TRUTH, &cells);
    assert_eq!(levels.len(), INDIFFERENCE_LEVELS);
    let (lo, hi) = (TRUTH.eval(10000.0, 240.0), TRUTH.eval(100.0, 30.0));
    assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
    assert!(levels.iter().all(|l| *l > lo && *l < hi && *l > TRUTH.eps), "{levels:?} outside ({lo}, {hi})");
    let mut checked = 0;
    for &level in &levels {
        let runs = indifference_contour(&TRUTH, level, (50.0, 20000.0), (10.0, 1000.0));
        assert!(!runs.is_empty(), "level {level} has no contour over the plane");
        for (n, m) in runs.into_iter().flatten() {
            assert!((10.0..=1000.0).contains(&m), "m = {m} off the plane");
            let r = TRUTH.eval(n, m);
            assert!((r - level).abs() <= 1e-9 * level, "R({n}, {m}) = {r} vs level {level}");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} contour points");
    // No m reaches a level at or below the irreducible error, nor any level of a surface flat in m.
    assert_eq!(TRUTH.m_at_level(1000.0, TRUTH.eps), None);
    assert_eq!(Surface { beta: 0.0, ..TRUTH }.m_at_level(1000.0, 0.5), None);
}

#[test]
fn exact_surface_figures_draw_one_curve_per_grid_line_and_the_contours() {
    let results = exact_results();
    let x = results.exchange.as_ref().expect("exchange rate");
    assert_eq!((x.n, x.m, x.method.as_str()), (2000, 100, "surface"));
    let figures = grid_figures(&results);
    let files: Vec<&str> = figures.iter().map(|f| f.file).collect();
    assert_eq!(files, [MAE_VS_N_SVG, MAE_VS_M_SVG, INDIFFERENCE_SVG]);
    for f in &figures {
        assert_well_formed(&f.svg);
        assert!(!f.svg.contains("NaN") && !f.svg.contains("inf"), "non-finite number in {}", f.file);
    }
    let (by_n, by_m, indiff) = (&figures[0].svg, &figures[1].svg, &figures[2].svg);
    assert_eq!(count_class(by_n, "curve"), MS.len());
    assert_eq!(count_class(by_n, "surface"), MS.len(), "the Eq. 1 cut at every m");
    assert_eq!(count_class(by_n, "ci-bar"), MS.len() * NS.len());
    assert_eq!(count_class(by_m, "curve"), NS.len());
    assert_eq!(count_class(by_m, "direct-curve"), 1);
    assert_eq!(count_class(by_m, "surface"), NS.len());
    assert_eq!(count_class(indiff, "contour"), INDIFFERENCE_LEVELS);
    assert_eq!(count_class(indiff, "mrs-level"), 1);
    assert_eq!(count_class(indiff, "tangent"), 1);
    assert_eq!(count_class(indiff, "mrs-point"), 1);
    assert_eq!(grid_point_markers(indiff), NS.len() * MS.len(), "every measured grid point");
    assert_eq!(count_class(indiff, "no-contours"), 0);
}

/// The curves of a multitask study are labelled with its arm, never "transfer".
#[test]
fn multitask_figures_label_their_curves_multitask() {
    let mut results = exact_results();
    results.points.iter_mut().filter(|p| p.arm == Arm::Transfer).for_each(|p| p.arm = Arm::Multitask);
    let figures = grid_figures(&results);
    for f in figures.iter().filter(|f| f.file == MAE_VS_N_SVG || f.file == MAE_VS_M_SVG) {
        assert!(f.svg.contains("multitask, "), "{}: no multitask legend entry", f.file);
        assert!(!f.svg.contains("transfer"), "{}: labels a multitask curve transfer", f.file);
    }
}

#[test]
fn a_degenerate_surface_draws_no_contours_and_says_why() {
    let mut results = exact_results();
    results.fits[0].degenerate = Some("the error does not fall with n".into());
    let figures = grid_figures(&results);
    let indiff = &figures.iter().find(|f| f.file == INDIFFERENCE_SVG).expect("indifference figure").svg;
    assert_well_formed(indiff);
    assert_eq!(count_class(indiff, "contour") + count_class(indiff, "mrs-level"), 0);
    assert_eq!(count_class(indiff, "no-contours"), 1);
    assert!(indiff.contains("degenerate"), "the legend says why");
    let by_n = &figures[0].svg;
    assert_eq!(count_class(by_n, "surface"), 0, "no Eq. 1 cut of a degenerate fit");
    assert_eq!(count_class(by_n, "curve"), MS.len());
}

#[test]
fn a_one_dimensional_grid_has_no_grid_figures() {
    let mut results = exact_results();
    results.points.retain(|p| p.m == 240);
    results.fits.clear();
    results.exchange = None;
    assert!(grid_figures(&results).is_empty());
}

// ---------------------------------------------------------------- a quick 2-D run of the binary

fn study() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny_surface.study")
}

fn run_quick(study: &Path, out: &Path) {
    Test::new()
        .args(["run", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quick", "--quiet"])
        .status_in(&[0, 1])
        .run();
}

#[test]
fn a_quick_2d_run_writes_the_figures_and_a_summary_stable_across_reruns() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_quick(&study(), &a);
    run_quick(&study(), &b);
    let summary = std::fs::read(a.join("summary.md")).expect("summary.md");
    assert_eq!(summary, std::fs::read(b.join("summary.md")).unwrap(), "summary.md differs between reruns");
    let summary = String::from_utf8(summary).unwrap();
    for needle in [
        "# tiny\\_surface — results summary",
        "QUICK RUN",
        "| n grid | 50, 150, 600 |",
        "## Fitted laws",
        "| surface | all |",
        "## Exchange rate",
        "at n = 300, m = 60",
        "| transfer | 600 | 20 |",
        "## Expectations",
    ] {
        assert!(summary.contains(needle), "summary.md lacks {needle:?}:\n{summary}");
    }
    assert!(!summary.contains(dir.path().to_str().unwrap()), "summary.md holds a path");

    let svg = |f: &str| std::fs::read_to_string(a.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    for f in [MAE_VS_N_SVG, MAE_VS_M_SVG, INDIFFERENCE_SVG] {
        assert_well_formed(&svg(f));
    }
    assert_eq!(count_class(&svg(MAE_VS_N_SVG), "curve"), 3, "one curve per m");
    assert_eq!(count_class(&svg(MAE_VS_M_SVG), "curve"), 3, "one curve per n");
    assert_eq!(count_class(&svg(MAE_VS_M_SVG), "direct-curve"), 1);
    let indiff = svg(INDIFFERENCE_SVG);
    assert_eq!(grid_point_markers(&indiff), 9, "the 3 × 3 measured grid");
    assert_eq!(count_class(&indiff, "mrs-point"), 1);
    // Either the fitted surface's contours or a statement that there are none.
    assert!(
        count_class(&indiff, "contour") == INDIFFERENCE_LEVELS || count_class(&indiff, "no-contours") == 1,
        "{indiff}"
    );

    let report = std::fs::read_to_string(a.join("report.md")).unwrap();
    for f in [MAE_VS_N_SVG, MAE_VS_M_SVG, INDIFFERENCE_SVG] {
        assert!(report.contains(&format!("]({f})")), "report.md does not link {f}");
        assert!(std::fs::read_to_string(a.join("report.html")).unwrap().contains(&format!("href=\"{f}\"")));
    }

    // `report DIR --summary` re-renders summary.md from results.json alone.
    std::fs::remove_file(a.join("summary.md")).unwrap();
    Test::new().args(["report", a.to_str().unwrap(), "--summary"]).stdout(&summary).run();
    assert_eq!(std::fs::read_to_string(a.join("summary.md")).unwrap(), summary);
}

#[test]
fn an_exchange_point_outside_the_grid_is_extrapolated_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.study");
    let text = std::fs::read_to_string(study()).unwrap().replace("at (n = 300, m = 60)", "at (n = 5000, m = 60)");
    std::fs::write(&p, text).unwrap();
    let out = dir.path().join("out");
    run_quick(&p, &out);
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!((results["exchange"]["n"].as_u64(), results["exchange"]["m"].as_u64()), (Some(5000), Some(60)));
    let warned = results["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().is_some_and(|w| w.contains("extrapolated") && w.contains("n = 5000")));
    assert!(warned, "{}", results["warnings"]);
    assert!(
        results["exchange"]["note"].as_str().is_some_and(|n| n.contains("extrapolated")),
        "{}",
        results["exchange"]
    );
}

/// The exact-surface figures, written where a person can look at them (`$SIM2REAL_FIGURES`, else
/// a temporary folder): each is well-formed SVG and reads back as written.
#[test]
fn exact_figures_are_written_well_formed() {
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("SIM2REAL_FIGURES").map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    let figures = grid_figures(&exact_results());
    assert!(!figures.is_empty(), "a 2-D grid has figures");
    for f in figures {
        assert_well_formed(&f.svg);
        let path = dir.join(f.file);
        std::fs::write(&path, &f.svg).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), f.svg, "{}", path.display());
    }
}
