//! Coverage of the budget planner's bootstrap intervals over synthetic studies with known truth:
//! trials of an exact surface with Gaussian trial-level and cell-level noise, planned through the
//! same code as `sim2real budget` (200 joint-bootstrap refits per study).
//!
//! Each study refits the surface 200 times (~3.6 s of CPU on the 2-core machine), so `cargo test` runs 24 studies (6 per
//! price ratio) and asserts the cost coverage within the 85–95 % target widened by three binomial
//! standard deviations; the full study (~17 min) asserts 85–95 % itself:
//! `BUDGET_STUDIES=200 cargo test --test main budget_coverage:: -- --nocapture` (`BUDGET_TRIALS=K`:
//! trials per study, default 6). The figures in docs/results.md come from it.

use crate::support::coverage_band::band;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use sim2real::exec::budget::{Request, plan};
use sim2real::fit::budget::{Ask, Costs, Have, marginal, solve};
use sim2real::fit::{Surface, marginal_rate};
use sim2real::results::{Arm, TrialRow};

const NS: [usize; 4] = [100, 300, 1000, 3000];
const MS: [usize; 3] = [30, 60, 120];
const TRUTH: Surface = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
/// Trials per study (`BUDGET_TRIALS` overrides).
const TRIALS: usize = 6;
/// Multiplicative noise: a per-trial effect shared by every cell and an independent per-cell part.
const SD_TRIAL: f64 = 0.03;
const SD_CELL: f64 = 0.03;
const HAVE: Have = Have { n: 3000.0, m: 120.0 };
const GOAL: f64 = 0.08;

fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let (u, v): (f64, f64) = (rng.random_range(f64::EPSILON..1.0), rng.random_range(0.0..1.0));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn study(seed: u64, trials: usize) -> Vec<TrialRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let effects: Vec<f64> = (0..trials).map(|_| SD_TRIAL * gauss(&mut rng)).collect();
    let mut out = Vec::new();
    for &n in &NS {
        for &m in &MS {
            for (t, e) in effects.iter().enumerate() {
                out.push(TrialRow {
                    job: format!("finetune n={n} m={m} t={t}"),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: t as u64,
                    mae: TRUTH.eval(n as f64, m as f64) * (1.0 + e + SD_CELL * gauss(&mut rng)),
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

/// Price ratios c_m/c_n as multiples of the true exchange rate at `have` (the truth: experiments
/// first below 1, simulations first above).
const PRICE_FACTORS: [f64; 4] = [0.25, 0.5, 2.0, 4.0];
/// Studies in the default `cargo test` (6 per price ratio); the full study is `coverage_band::FULL` (200).
const REDUCED_STUDIES: usize = 24;

#[test]
fn intervals_cover_the_true_optimum_and_the_buy_first_call_is_right() {
    let studies: usize = std::env::var("BUDGET_STUDIES").ok().and_then(|v| v.parse().ok()).unwrap_or(REDUCED_STUDIES);
    let n_trials: usize = std::env::var("BUDGET_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or(TRIALS);
    let true_rate = marginal_rate(&TRUTH, HAVE.n, HAVE.m).samples_per_target;
    let costs = |f: usize| Costs { source: 1.0, target: true_rate * PRICE_FACTORS[f] };
    let truth: Vec<_> =
        (0..PRICE_FACTORS.len()).map(|f| *solve(&TRUTH, costs(f), HAVE, Ask::Goal(GOAL)).optimum().unwrap()).collect();
    // One goal per study; the price ratio cycles through PRICE_FACTORS.
    let results: Vec<(usize, bool, bool, bool, bool)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (truth, costs) = (&truth, &costs);
                scope.spawn(move || {
                    (0..studies)
                        .filter(|i| i % 2 == w)
                        .map(|i| {
                            let f = i % PRICE_FACTORS.len();
                            let trials = study(1000 + i as u64, n_trials);
                            let b = plan(&trials, i as u64, &Default::default(), &Request { costs: costs(f), have: Some(HAVE), ask: Ask::Goal(GOAL) }).unwrap();
                            let [lo, hi] = b.ci90.cost;
                            let cost_covered = lo <= truth[f].cost && truth[f].cost <= hi;
                            let [mlo, mhi] = b.ci90.mae;
                            let true_mae = TRUTH.eval(b.n, b.m);
                            let mae_covered = mlo <= true_mae && true_mae <= mhi;
                            let truth_source_first = marginal(&TRUTH, costs(f), HAVE).source_first;
                            let majority_right = (b.p_source_first >= 0.5) == truth_source_first;
                            let called_right = b.decided && majority_right;
                            eprintln!("study {i}: factor {} cost {:.1} ci [{lo:.1}, {hi:.1}] truth {:.1} p_source_first {:.3}", PRICE_FACTORS[f], b.cost, truth[f].cost, b.p_source_first);
                            (f, cost_covered, mae_covered, called_right, majority_right)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let share = |v: Vec<bool>| v.iter().filter(|b| **b).count() as f64 / v.len() as f64;
    let cost_cov = share(results.iter().map(|r| r.1).collect());
    let mae_cov = share(results.iter().map(|r| r.2).collect());
    println!("{studies} studies of {n_trials} trials, goal MAE {GOAL}, have (n = {}, m = {})", HAVE.n, HAVE.m);
    println!("90 % interval of the optimal cost covers the true optimal cost: {:.1} %", cost_cov * 100.0);
    println!("90 % interval of the MAE at the recommended point covers the true R there: {:.1} %", mae_cov * 100.0);
    for (f, factor) in PRICE_FACTORS.iter().enumerate() {
        let rows: Vec<_> = results.iter().filter(|r| r.0 == f).collect();
        println!(
            "price ratio {factor}× the true exchange rate (true optimum n = {:.0}, m = {:.0}, cost {:.0}): cost covered {:.1} %, \
             buy-first call decided and right {:.1} %, majority right {:.1} % ({} studies)",
            truth[f].n,
            truth[f].m,
            truth[f].cost,
            share(rows.iter().map(|r| r.1).collect()) * 100.0,
            share(rows.iter().map(|r| r.3).collect()) * 100.0,
            share(rows.iter().map(|r| r.4).collect()) * 100.0,
            rows.len()
        );
    }
    let (lo, hi) = band(studies);
    assert!(
        (lo..=hi).contains(&cost_cov),
        "cost coverage {cost_cov} outside [{lo:.2}, {hi:.2}] over {studies} studies"
    );
    let right: Vec<bool> = results.iter().map(|r| r.4).collect();
    assert!(share(right) >= 0.9, "buy-first call right in fewer than 90 % of studies");
}
