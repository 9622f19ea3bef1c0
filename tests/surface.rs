//! The 2-D law and the exchange rate computed from trial rows, as the executor does.

use sim2real::exec::surface::{surface_and_exchange, surface_and_exchange_at};
use sim2real::fit::{Surface, marginal_rate};
use sim2real::ir::MrsPoint;
use sim2real::results::{Arm, TrialRow};

fn rows(f: impl Fn(f64, f64) -> f64, ns: &[usize], ms: &[usize], trials: usize) -> Vec<TrialRow> {
    let mut out = Vec::new();
    for &n in ns {
        for &m in ms {
            for t in 0..trials {
                // Small symmetric trial-to-trial spread around the exact value.
                let jitter = [0.0, 0.01, -0.01][t % 3];
                out.push(TrialRow {
                    job: format!("finetune n={n} m={m} t={t}"),
                    arm: Arm::Transfer,
                    n,
                    m,
                    trial: t,
                    seed: t as u64,
                    mae: f(n as f64, m as f64) * (1.0 + jitter),
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

const NS: [usize; 6] = [100, 250, 600, 1500, 4000, 10000];
const MS: [usize; 4] = [30, 60, 120, 240];

#[test]
fn exact_surface_gives_its_parameters_and_the_analytic_exchange_rate() {
    let truth = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
    let (fit, exchange) = surface_and_exchange(&rows(|n, m| truth.eval(n, m), &NS, &MS, 3), 1);
    assert_eq!(fit.law, "surface");
    assert!(fit.degenerate.is_none(), "{fit:?}");
    assert!(fit.r2 > 0.999, "{fit:?}");
    for (k, v) in [("A", 3.0), ("alpha", 0.5), ("B", 0.4), ("beta", 0.35), ("eps", 0.02)] {
        let got = fit.params[k];
        assert!((got - v).abs() <= 0.03 * v.max(0.05), "{k}: {got} vs {v}");
    }
    let x = exchange.expect("exchange rate");
    assert_eq!((x.n, x.m, x.method.as_str()), (10000, 240, "surface"));
    // ∂R/∂n = −α·A·n^(−α−1)·m^(−β), ∂R/∂m = −β·(A·n^−α + B)·m^(−β−1); rate = (∂R/∂m)/(∂R/∂n).
    let (n, m) = (10000f64, 240f64);
    let dr_dn = -truth.alpha * truth.a * n.powf(-truth.alpha - 1.0) * m.powf(-truth.beta);
    let dr_dm = -truth.beta * (truth.a * n.powf(-truth.alpha) + truth.b) * m.powf(-truth.beta - 1.0);
    let analytic = dr_dm / dr_dn;
    assert!((analytic - marginal_rate(&truth, n, m).samples_per_target).abs() < 1e-9 * analytic);
    assert!((x.samples_per_target - analytic).abs() < 0.05 * analytic, "{} vs {analytic}", x.samples_per_target);
    assert!(x.ci90[0] <= x.samples_per_target && x.samples_per_target <= x.ci90[1], "{x:?}");
}

#[test]
fn a_surface_eq1_cannot_describe_falls_back_to_axis_gradients_and_says_so() {
    // Synergy: the benefit of n grows with m, which (A·n^−α + B)·m^−β cannot express.
    let synergy = |n: f64, m: f64| 0.05 + 2.0 * n.powf(-0.2 - 0.25 * (m / 30.0).ln()) + 0.5 * m.powf(-0.6);
    let (fit, exchange) = surface_and_exchange(&rows(synergy, &NS, &MS, 3), 2);
    let x = exchange.expect("exchange rate");
    assert_eq!(x.method, "axis_gradients", "surface fit: {fit:?}");
    assert!(x.note.as_deref().is_some_and(|n| n.contains("1-D power laws")), "{x:?}");
    assert!(x.samples_per_target.is_finite() && x.samples_per_target > 0.0, "{x:?}");
}

#[test]
fn the_exchange_rate_at_a_declared_point_is_the_analytic_ratio_there() {
    let truth = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
    let rows = rows(|n, m| truth.eval(n, m), &NS, &MS, 3);
    let (_, exchange) = surface_and_exchange_at(&rows, 1, Some(MrsPoint { n: 2000, m: 100 }));
    let x = exchange.expect("exchange rate");
    assert_eq!((x.n, x.m, x.method.as_str(), x.note.as_deref()), (2000, 100, "surface", None));
    // Along an indifference curve dm/dn = −(∂R/∂n)/(∂R/∂m) < 0; the rate is −1/(dm/dn).
    let (n, m) = (2000f64, 100f64);
    let dr_dn = -truth.alpha * truth.a * n.powf(-truth.alpha - 1.0) * m.powf(-truth.beta);
    let dr_dm = -truth.beta * (truth.a * n.powf(-truth.alpha) + truth.b) * m.powf(-truth.beta - 1.0);
    let dm_dn = -dr_dn / dr_dm;
    let fitted = -x.dr_dn / x.dr_dm;
    assert!((fitted - dm_dn).abs() < 0.03 * dm_dn.abs(), "dm/dn {fitted} vs analytic {dm_dn}");
    assert!(
        (x.samples_per_target + 1.0 / dm_dn).abs() < 0.03 / dm_dn.abs(),
        "{} vs {}",
        x.samples_per_target,
        -1.0 / dm_dn
    );
    // The default point is still the largest n and m; an off-grid point says it is extrapolated.
    assert_eq!(surface_and_exchange(&rows, 1).1.map(|x| (x.n, x.m)), Some((10000, 240)));
    let (_, far) = surface_and_exchange_at(&rows, 1, Some(MrsPoint { n: 50000, m: 100 }));
    let far = far.expect("exchange rate");
    assert!(far.note.as_deref().is_some_and(|n| n.starts_with("extrapolated")), "{far:?}");
    let analytic_far = marginal_rate(&truth, 50000.0, 100.0).samples_per_target;
    assert!(
        (far.samples_per_target - analytic_far).abs() < 0.1 * analytic_far,
        "{} vs {analytic_far}",
        far.samples_per_target
    );
}

/// Rows whose trial t is `factor(t)` times the law in every cell, times a per-cell noise factor.
fn rows_with(
    f: impl Fn(f64, f64) -> f64,
    trials: usize,
    factor: impl Fn(usize) -> f64,
    noise: impl Fn(usize, usize, usize) -> f64,
) -> Vec<TrialRow> {
    let mut out = Vec::new();
    for (i, &n) in NS.iter().enumerate() {
        for (j, &m) in MS.iter().enumerate() {
            for t in 0..trials {
                out.push(TrialRow::new(
                    format!("finetune n={n} m={m} t={t}"),
                    Arm::Transfer,
                    n,
                    m,
                    t,
                    t as u64,
                    f(n as f64, m as f64) * factor(t) * noise(i, j, t),
                    1,
                    1,
                    10,
                ));
            }
        }
    }
    out
}

/// A deterministic pseudo-random number in [-1, 1] for (i, j, t).
fn hash_unit(i: usize, j: usize, t: usize) -> f64 {
    let mut z = (i as u64 * 1_000_003 + j as u64 * 10_007 + t as u64 * 101 + 17).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^= z >> 29;
    (z % 20_001) as f64 / 10_000.0 - 1.0
}

#[test]
fn a_surface_flat_in_n_has_an_exchange_rate_ci_up_to_infinity() {
    // The error does not depend on n at all: source data is worth nothing, so replicates whose
    // fit is flat in n have an infinite rate. Dropping them (as the old interval did) biased the
    // upper bound low; they must stay in the order statistics.
    let flat = |_n: f64, m: f64| 0.5 * m.powf(-0.4) + 0.02;
    let rows = rows_with(flat, 8, |_| 1.0, |i, j, t| 1.0 + 0.03 * hash_unit(i, j, t));
    let (_, exchange) = surface_and_exchange(&rows, 3);
    let x = exchange.expect("exchange rate");
    assert_eq!(x.ci90[1], f64::INFINITY, "{x:?}");
    let json = serde_json::to_string(&x).unwrap();
    assert!(json.contains(r#""inf"]"#), "{json}");
}

#[test]
fn the_exchange_rate_ci_resamples_trials_jointly_across_cells() {
    // A strong trial effect: trial t is the same multiple of the law in every cell (an easier or
    // harder test split). Scaling R by a constant leaves (∂R/∂m)/(∂R/∂n) unchanged, so under the
    // joint bootstrap every replicate has the same rate: a narrow CI. Resampling every cell on
    // its own (simulated by giving each cell its own trial ids) mixes easy and hard trials across
    // cells and gives a much wider interval.
    let truth = Surface { a: 3.0, alpha: 0.5, b: 0.4, beta: 0.35, eps: 0.02 };
    let factors = [0.7, 1.3, 0.85, 1.2, 1.0, 0.75, 1.25, 0.9];
    let joint_rows = rows_with(|n, m| truth.eval(n, m), factors.len(), |t| factors[t], |_, _, _| 1.0);
    let (fit, joint) = surface_and_exchange(&joint_rows, 5);
    let joint = joint.expect("exchange rate");
    assert_eq!(fit.ci_trials, Some(8));
    let mut independent_rows = joint_rows.clone();
    for (k, r) in independent_rows.iter_mut().enumerate() {
        r.trial = k;
    }
    let (_, independent) = surface_and_exchange(&independent_rows, 5);
    let independent = independent.expect("exchange rate");
    let rel_width = |x: &sim2real::results::Exchange| (x.ci90[1] - x.ci90[0]) / x.samples_per_target;
    assert!(rel_width(&joint) < 0.02, "joint {:?} around {}", joint.ci90, joint.samples_per_target);
    assert!(
        rel_width(&independent) > 5.0 * rel_width(&joint),
        "independent {:?} vs joint {:?}",
        independent.ci90,
        joint.ci90
    );
}
