//! Coverage of the 90 % CIs on synthetic learning curves and surfaces with known truth.
//!
//! Trials are simulated the way real ones are correlated: trial t has its own random offset,
//! shared by all of its cells (it uses the same test rows at every n and m), plus independent
//! cell noise. Each replicate draws a fresh set of trials, builds the trial rows and calls the
//! public entry points a run uses (`power_law_record`, `surface_and_exchange_at`); the CI
//! covers when truth lies inside it.
//!
//! `cargo test` runs a reduced replicate count and asserts the coverage lies in a band wide
//! enough for that count. The full study (200 replicates each, figures in docs/results.md,
//! "Coverage") is
//!
//! ```text
//! COVERAGE_REPLICATES=200 cargo test --test main coverage:: -- --skip budget_coverage --nocapture
//! ```

use crate::support::coverage_band::band;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use sim2real::exec::aggregate::power_law_record;
use sim2real::exec::surface::surface_and_exchange_at;
use sim2real::fit::{PowerLaw, Surface, marginal_rate};
use sim2real::results::{Arm, TrialRow};

/// Replicates per study: `COVERAGE_REPLICATES` or the reduced default.
fn replicates(default: usize) -> usize {
    std::env::var("COVERAGE_REPLICATES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Standard normal deviate (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// One trial row per trial and (n, m) cell: truth + the trial's offset + cell noise.
fn simulate(
    rng: &mut ChaCha8Rng,
    truth: impl Fn(f64, f64) -> f64,
    cells: &[(usize, usize)],
    trials: usize,
    sd_trial: f64,
    sd_cell: f64,
) -> Vec<TrialRow> {
    let mut rows = Vec::new();
    for t in 0..trials {
        let offset = sd_trial * normal(rng);
        for &(n, m) in cells {
            rows.push(TrialRow {
                job: format!("n={n} m={m} t={t}"),
                arm: Arm::Transfer,
                n,
                m,
                trial: t,
                seed: t as u64,
                mae: truth(n as f64, m as f64) + offset + sd_cell * normal(rng),
                epochs: 1,
                best_epoch: 1,
                test_rows: 10,
                ..Default::default()
            });
        }
    }
    rows
}

/// (covered, usable replicates) and a line for the report.
struct Tally {
    covered: usize,
    usable: usize,
    without_ci: usize,
}

impl Tally {
    fn rate(&self) -> f64 {
        self.covered as f64 / self.usable.max(1) as f64
    }
}

const POWER_LAW: PowerLaw = PowerLaw { d: 2.0, alpha: 0.5, c: 0.1 };
const POWER_NS: [usize; 6] = [50, 100, 200, 400, 800, 1600];
const POWER_TRIALS: usize = 10;

fn power_law_coverage(reps: usize) -> Tally {
    let cells: Vec<(usize, usize)> = POWER_NS.iter().map(|&n| (n, 0)).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut t = Tally { covered: 0, usable: 0, without_ci: 0 };
    for rep in 0..reps {
        let rows = simulate(&mut rng, |n, _| POWER_LAW.eval(n), &cells, POWER_TRIALS, 0.02, 0.02);
        let rec = power_law_record(&rows, Arm::Transfer, 0, 1000 + rep as u64);
        match rec.ci90.get("alpha") {
            Some(&[lo, hi]) if lo.is_finite() && hi.is_finite() => {
                t.usable += 1;
                if lo <= POWER_LAW.alpha && POWER_LAW.alpha <= hi {
                    t.covered += 1;
                }
            }
            _ => t.without_ci += 1,
        }
    }
    t
}

const SURFACE: Surface = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
const SURFACE_NS: [usize; 4] = [100, 300, 1000, 3000];
const SURFACE_MS: [usize; 4] = [20, 40, 80, 160];
const SURFACE_TRIALS: usize = 10;

fn exchange_coverage(reps: usize) -> (Tally, usize) {
    let cells: Vec<(usize, usize)> = SURFACE_NS.iter().flat_map(|&n| SURFACE_MS.iter().map(move |&m| (n, m))).collect();
    let (n_max, m_max) = (SURFACE_NS[3] as f64, SURFACE_MS[3] as f64);
    let rate = marginal_rate(&SURFACE, n_max, m_max).samples_per_target;
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut t = Tally { covered: 0, usable: 0, without_ci: 0 };
    let mut fallback = 0;
    for rep in 0..reps {
        let rows = simulate(&mut rng, |n, m| SURFACE.eval(n, m), &cells, SURFACE_TRIALS, 0.005, 0.005);
        let (_, ex) = surface_and_exchange_at(&rows, 2000 + rep as u64, None);
        let Some(ex) = ex else {
            t.without_ci += 1;
            continue;
        };
        if ex.method != "surface" {
            fallback += 1;
        }
        let [lo, hi] = ex.ci90;
        // An upper bound of +∞ is a valid (unbounded) interval end.
        if lo.is_nan() || hi.is_nan() {
            t.without_ci += 1;
            continue;
        }
        t.usable += 1;
        if lo <= rate && rate <= hi {
            t.covered += 1;
        }
    }
    (t, fallback)
}

#[test]
fn alpha_ci_covers_the_true_exponent() {
    let reps = replicates(60);
    let t = power_law_coverage(reps);
    let (lo, hi) = band(t.usable);
    eprintln!(
        "power law: 90 % CI of α covered the truth α = {} in {}/{} replicates ({:.1} %); {} without a CI; band [{lo:.2}, {hi:.2}]",
        POWER_LAW.alpha,
        t.covered,
        t.usable,
        100.0 * t.rate(),
        t.without_ci
    );
    assert!(t.usable * 10 >= reps * 9, "too many replicates without a CI: {}", t.without_ci);
    assert!((lo..=hi).contains(&t.rate()), "coverage {:.3} outside [{lo:.3}, {hi:.3}]", t.rate());
}

#[test]
fn exchange_rate_ci_covers_the_true_rate() {
    let reps = replicates(8);
    let (t, fallback) = exchange_coverage(reps);
    let (lo, hi) = band(t.usable);
    let truth = marginal_rate(&SURFACE, 3000.0, 160.0).samples_per_target;
    eprintln!(
        "surface: 90 % CI of the exchange rate covered the truth {truth:.2} in {}/{} replicates ({:.1} %); {} without a CI; {} from the axis fallback; band [{lo:.2}, {hi:.2}]",
        t.covered,
        t.usable,
        100.0 * t.rate(),
        t.without_ci,
        fallback
    );
    assert!(t.usable * 10 >= reps * 9, "too many replicates without a CI: {}", t.without_ci);
    assert!((lo..=hi).contains(&t.rate()), "coverage {:.3} outside [{lo:.3}, {hi:.3}]", t.rate());
}
