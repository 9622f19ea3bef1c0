//! The 2-D law and the exchange rate computed from trial rows, as the executor does.

use sim2real::check::model::MrsPoint;
use sim2real::exec::surface::{surface_and_exchange, surface_and_exchange_at};
use sim2real::fit::{Surface, marginal_rate};
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
    assert!((x.samples_per_target + 1.0 / dm_dn).abs() < 0.03 / dm_dn.abs(), "{} vs {}", x.samples_per_target, -1.0 / dm_dn);
    // The default point is still the largest n and m; an off-grid point says it is extrapolated.
    assert_eq!(surface_and_exchange(&rows, 1).1.map(|x| (x.n, x.m)), Some((10000, 240)));
    let (_, far) = surface_and_exchange_at(&rows, 1, Some(MrsPoint { n: 50000, m: 100 }));
    let far = far.expect("exchange rate");
    assert!(far.note.as_deref().is_some_and(|n| n.starts_with("extrapolated")), "{far:?}");
    let analytic_far = marginal_rate(&truth, 50000.0, 100.0).samples_per_target;
    assert!((far.samples_per_target - analytic_far).abs() < 0.1 * analytic_far, "{} vs {analytic_far}", far.samples_per_target);
}
