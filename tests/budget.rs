//! The data-budget planner end to end: `sim2real budget` on a finished run directory written from
//! an exact synthetic surface with trial noise (results.json + trials.csv, no training), its JSON
//! against the library solver, its uncertainty, and every bad input with exit 2.

use std::path::Path;

use sim2real::exec::budget::{Request, plan};
use sim2real::exec::surface::{surface_and_exchange, surface_replicates};
use sim2real::fit::Surface;
use sim2real::fit::budget::{Ask, Costs, Have, Outcome, solve};
use sim2real::results::outputs::trials_csv;
use sim2real::results::{Arm, Results, SCHEMA_VERSION, TrialRow};

use crate::support::Test;

const NS: [usize; 5] = [100, 300, 1000, 3000, 10000];
const MS: [usize; 4] = [30, 60, 120, 240];
const TRUTH: Surface = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
const TRIALS: usize = 8;
const SEED: u64 = 7;

/// A deterministic value in [−1, 1) from a key (splitmix64).
fn noise(key: u64) -> f64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Trials of `truth`: a per-trial effect shared by every cell (2 %) plus per-cell noise (`sd`).
fn trials(truth: &Surface, sd: f64) -> Vec<TrialRow> {
    let mut out = Vec::new();
    for (i, &n) in NS.iter().enumerate() {
        for (j, &m) in MS.iter().enumerate() {
            for t in 0..TRIALS {
                let e = 0.02 * noise(t as u64) + sd * noise(1000 + (t * 100 + i * 10 + j) as u64);
                out.push(TrialRow {
                    job: format!("finetune n={n} m={m} t={t}"),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: t as u64,
                    mae: truth.eval(n as f64, m as f64) * (1.0 + e),
                    epochs: 1,
                    best_epoch: 1,
                    test_rows: 10,
                    ..Default::default()
                });
            }
        }
    }
    out
}

/// A finished run directory (results.json with the surface fit, trials.csv).
fn write_run(dir: &Path, trials: &[TrialRow], with_surface: bool) {
    let (fit, exchange) = surface_and_exchange(trials, SEED);
    let results = Results {
        schema: SCHEMA_VERSION,
        study: "budget".into(),
        study_sha256: "0".repeat(64),
        data_sha256: "1".repeat(64),
        quick: false,
        seed: SEED,
        source_rows: 10000,
        target_rows: 300,
        label: "y".into(),
        points: vec![],
        fits: if with_surface { vec![fit] } else { vec![] },
        exchange: if with_surface { exchange } else { None },
        groups: None,
        samples: None,
        expects: vec![],
        warnings: vec![],
        paired: vec![],
        ci_variance: String::new(),
        device: None,
        budget: None,
        training: vec![],
    };
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("results.json"), serde_json::to_string_pretty(&results).unwrap()).unwrap();
    std::fs::write(dir.join("trials.csv"), trials_csv(trials, false)).unwrap();
}

/// `sim2real budget DIR ARGS` (expectations to be added).
fn budget(dir: &Path, args: &[&str]) -> Test {
    Test::new().arg("budget").arg(dir).args(args)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn budget_json_is_the_solver_on_the_runs_surface_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let trials = trials(&TRUTH, 0.01);
    write_run(dir.path(), &trials, true);
    let v = budget(dir.path(), &["--source-cost", "0.2", "--target-cost", "40", "--goal", "0.05", "--json"])
        .run()
        .stdout_json();
    let num = |k: &str| v[k].as_f64().unwrap_or_else(|| panic!("`{k}` in {v}"));
    // The same optimum as the library solver on the surface fitted to the same trials.
    let s = surface_replicates(&trials, SEED, &Default::default()).fit.unwrap().surface;
    let have = Have { n: 10000.0, m: 240.0 };
    let Outcome::Optimum(o) = solve(&s, Costs { source: 0.2, target: 40.0 }, have, Ask::Goal(0.05)) else {
        panic!("reachable")
    };
    assert!(rel(num("n"), o.n) < 1e-12 && rel(num("m"), o.m) < 1e-12, "{v}");
    assert!(rel(num("cost"), o.cost) < 1e-12 && rel(num("mae"), 0.05) < 1e-9, "{v}");
    assert_eq!(
        (v["have"]["n"].as_f64(), v["have"]["m"].as_f64()),
        (Some(10000.0), Some(240.0)),
        "default have = largest measured"
    );
    // Intervals over the 200 bootstrap replicates bracket the point answer.
    assert_eq!(v["replicates"].as_u64(), Some(200));
    for k in ["n", "m", "cost"] {
        let ci = &v["ci90"][k];
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= num(k) && num(k) <= hi && lo < hi, "{k}: {lo} ≤ {} ≤ {hi}", num(k));
    }
    let p = num("p_source_first");
    assert!((0.0..=1.0).contains(&p));
    // R(have) = 0.083 > goal: more data is needed, beyond the measured grid.
    assert_ne!(v["decision"].as_str(), Some("nothing"));
    assert!(v["extrapolation"]["m_factor"].as_f64().unwrap() > 1.0);
    assert!(v["extrapolation"]["note"].as_str().unwrap().contains("beyond the measured grid"));
}

#[test]
fn budget_text_for_a_spend_states_the_decision_and_its_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    write_run(dir.path(), &trials(&TRUTH, 0.01), true);
    let mut case =
        budget(dir.path(), &["--source-cost", "0.2", "--target-cost", "40", "--spend", "5000", "--have", "1000,60"]);
    for want in [
        "lowest MAE for 5000 spent",
        "have     n = 1000, m = 60",
        "optimum",
        "90 % CI",
        "marginal rate of substitution",
        "->",
    ] {
        case = case.stdout_contains(want);
    }
    case.run();
}

#[test]
fn the_buy_first_call_follows_the_truth_when_clear_and_abstains_on_a_tie() {
    let trials = trials(&TRUTH, 0.01);
    let have = Have { n: 1000.0, m: 60.0 };
    let truth_rate = sim2real::fit::marginal_rate(&TRUTH, have.n, have.m).samples_per_target;
    let at = |price: f64| {
        let req = Request { costs: Costs { source: 1.0, target: price }, have: Some(have), ask: Ask::Spend(100.0) };
        plan(&trials, SEED, &Default::default(), &req).unwrap()
    };
    // Experiments 10× dearer than the exchange rate: simulations first, decided.
    let dear = at(truth_rate * 10.0);
    assert!(dear.decided && dear.p_source_first >= 0.9, "{:?}", dear.verdict);
    assert!(dear.verdict[0].starts_with("buy simulations first"));
    // 10× cheaper: experiments first, decided.
    let cheap = at(truth_rate / 10.0);
    assert!(cheap.decided && cheap.p_source_first <= 0.1, "{:?}", cheap.verdict);
    // At the fitted exchange rate itself the replicates split: no call.
    let s = surface_replicates(&trials, SEED, &Default::default()).fit.unwrap().surface;
    let tie = at(sim2real::fit::marginal_rate(&s, have.n, have.m).samples_per_target);
    assert!(!tie.decided, "p = {}", tie.p_source_first);
    assert!(tie.verdict[0].starts_with("too uncertain to decide"), "{:?}", tie.verdict);
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    write_run(&good, &trials(&TRUTH, 0.01), true);
    let cases: [(&[&str], &str); 6] = [
        (&["--source-cost", "0", "--target-cost", "40", "--goal", "0.1"], "source cost must be a finite number > 0"),
        (&["--source-cost", "1", "--target-cost", "-4", "--goal", "0.1"], "target cost must be a finite number > 0"),
        (&["--source-cost", "1", "--target-cost", "4", "--goal", "0.001"], "is unreachable"),
        (&["--source-cost", "1", "--target-cost", "4", "--spend", "-3"], "spend must be"),
        (&["--source-cost", "1", "--target-cost", "4", "--spend", "3", "--have", "10"], "expected two numbers n,m"),
        (&["--source-cost", "1", "--target-cost", "4"], "--goal"),
    ];
    for (args, want) in cases {
        budget(&good, args).status(2).output_contains(want).run();
    }
    // The floor is named: ε of the fitted surface.
    budget(&good, &["--source-cost", "1", "--target-cost", "4", "--goal", "0.001"])
        .status(2)
        .output_contains("irreducible error ε")
        .run();
    // A run without `fit surface`.
    let no_fit = dir.path().join("no_fit");
    write_run(&no_fit, &trials(&TRUTH, 0.01), false);
    budget(&no_fit, &["--source-cost", "1", "--target-cost", "4", "--goal", "0.1"])
        .status(2)
        .output_contains("no surface fit: add `fit surface`")
        .run();
    // A degenerate surface: the error does not fall with n or m.
    let flat = dir.path().join("flat");
    write_run(&flat, &trials(&Surface { a: 0.0, alpha: 0.0, b: 0.0, beta: 0.0, eps: 0.3 }, 0.01), true);
    budget(&flat, &["--source-cost", "1", "--target-cost", "4", "--goal", "0.1"])
        .status(2)
        .output_contains("degenerate")
        .run();
    // Not a run directory.
    budget(&dir.path().join("missing"), &["--source-cost", "1", "--target-cost", "4", "--goal", "0.1"])
        .status(2)
        .output_contains("results.json")
        .run();
}

#[test]
fn the_expansion_path_is_the_optimum_of_each_spend() {
    let have = Have { n: 1000.0, m: 60.0 };
    let costs = Costs { source: 0.2, target: 40.0 };
    let path = sim2real::exec::budget::expansion_path(&TRUTH, costs, have, 5000.0);
    assert_eq!((path[0].spend, path[0].n, path[0].m), (0.0, have.n, have.m), "it starts at have");
    assert!(path.windows(2).all(|w| w[0].spend < w[1].spend), "in order of spend");
    assert_eq!(path.last().map(|p| p.spend), Some(10000.0), "to twice the answer's spend");
    for p in &path[1..] {
        let Outcome::Optimum(o) = solve(&TRUTH, costs, have, Ask::Spend(p.spend)) else { panic!("a spend") };
        assert!(rel(p.n, o.n) < 1e-12 && rel(p.m, o.m) < 1e-12 && rel(p.mae, o.mae) < 1e-12, "{p:?} vs {o:?}");
    }
    assert!(path.windows(2).all(|w| w[1].n >= w[0].n && w[1].m >= w[0].m && w[1].mae <= w[0].mae));
    assert!(path.iter().any(|p| p.spend == 5000.0), "the answer itself is on the path");
    // Nothing to spend: the path is `have`.
    assert_eq!(sim2real::exec::budget::expansion_path(&TRUTH, costs, have, 0.0).len(), 1);
}

#[test]
fn the_next_measurements_are_unmeasured_points_of_the_path_written_as_a_grid_line() {
    let trials = trials(&TRUTH, 0.01);
    let req = Request { costs: Costs { source: 0.2, target: 40.0 }, have: None, ask: Ask::Goal(0.05) };
    let b = plan(&trials, SEED, &Default::default(), &req).unwrap();
    let next = &b.next;
    assert!((1..=4).contains(&next.points.len()), "{next:?}");
    assert!(next.points.windows(2).all(|w| w[0].rel_sd >= w[1].rel_sd), "ranked by the bootstrap spread");
    let path_to: Vec<_> = b.path.iter().filter(|p| p.spend > 0.0 && p.spend <= b.cost).collect();
    for p in &next.points {
        assert!(!(NS.contains(&(p.n as usize)) && MS.contains(&(p.m as usize))), "{p:?} was measured");
        // Rounded up to two significant digits from a point of the path up to the answer.
        assert!(
            path_to.iter().any(|q| p.n >= q.n && p.n <= q.n * 1.1 + 1.0 && p.m >= q.m && p.m <= q.m * 1.1 + 1.0),
            "{p:?} is not on the path"
        );
        assert!(p.rel_sd > 0.0 && (p.mae - TRUTH.eval(p.n, p.m)).abs() < 0.05 * p.mae);
    }
    // The grid line holds every point and checks as a study's grid.
    let study =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny_surface.study")).unwrap();
    let start = study.find("grid {").unwrap();
    let end = start + study[start..].find('}').unwrap() + 1;
    let with_next = format!("{}{}{}", &study[..start], next.grid, &study[end..]);
    let checked = sim2real::check("s.study", &with_next).unwrap_or_else(|e| panic!("{}: {e:?}", next.grid));
    assert_eq!(checked.grid.trials, TRIALS);
    let text = sim2real::report::budget_text(&b);
    assert!(text.contains(&next.grid), "{text}");
}
