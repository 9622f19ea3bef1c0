//! Scaling-law fits and statistics: recovery of known parameters, degenerate input, CIs, MRS.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim2real::fit::{FitError, PowerLaw, Surface, fit_power_law, fit_surface, marginal_rate, power_law_ci};
use sim2real::stats::{bootstrap_mean_ci, mean, median, quantile, sd};

fn logspace(lo: f64, hi: f64, k: usize) -> Vec<f64> {
    (0..k).map(|i| lo * (hi / lo).powf(i as f64 / (k - 1) as f64)).collect()
}

fn rel_err(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

/// Deterministic, roughly normal noise with standard deviation `sigma` (sum of 12 uniforms).
fn noise(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    sigma * ((0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0)
}

#[test]
fn exact_curves_recover_parameters() {
    let cases = [
        PowerLaw { d: 1.93, alpha: 0.412, c: 0.118 },
        PowerLaw { d: 3.0, alpha: 0.8, c: 0.0 },
        PowerLaw { d: 5000.0, alpha: 1.3, c: 0.05 },
        PowerLaw { d: 1.0e6, alpha: 2.5, c: 0.3 },
        PowerLaw { d: 0.7, alpha: 0.15, c: 0.02 },
    ];
    for grid in [logspace(100.0, 70000.0, 10), logspace(10.0, 1000.0, 6)] {
        for truth in cases {
            let r: Vec<f64> = grid.iter().map(|&n| truth.eval(n)).collect();
            let fit = fit_power_law(&grid, &r).expect("exact curve is fittable");
            let law = fit.law;
            assert!(rel_err(law.alpha, truth.alpha) < 0.02, "α: {law:?} vs {truth:?}");
            assert!(rel_err(law.d, truth.d) < 0.02, "D: {law:?} vs {truth:?}");
            assert!((law.c - truth.c).abs() < 0.02 * truth.c.max(1e-3), "C: {law:?} vs {truth:?}");
            assert!(fit.r2 > 0.999_999, "r2 {}", fit.r2);
            assert!(fit.degenerate.is_none(), "{:?} for {truth:?}", fit.degenerate);
        }
    }
}

#[test]
fn noisy_curve_gives_close_alpha_and_a_ci_containing_the_truth() {
    let truth = PowerLaw { d: 2.0, alpha: 0.5, c: 0.1 };
    let grid = logspace(100.0, 70000.0, 10);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    // 20 trials per n with 5 % multiplicative noise.
    let per_n: Vec<(f64, Vec<f64>)> = grid
        .iter()
        .map(|&n| {
            let r = truth.eval(n);
            (n, (0..20).map(|_| r * (1.0 + noise(&mut rng, 0.05))).collect())
        })
        .collect();
    let means: Vec<f64> = per_n.iter().map(|(_, t)| mean(t)).collect();
    let fit = fit_power_law(&grid, &means).expect("fittable");
    assert!(rel_err(fit.law.alpha, truth.alpha) < 0.15, "{:?}", fit.law);
    assert!(fit.degenerate.is_none(), "{:?}", fit.degenerate);
    assert!(fit.r2 > 0.99);

    let ci = power_law_ci(&trial_rows(&per_n), 0.9, 200, 7).expect("a CI");
    assert_eq!(ci.reps_used, 200);
    for (name, iv, want, est) in [
        ("alpha", ci.alpha, truth.alpha, fit.law.alpha),
        ("d", ci.d, truth.d, fit.law.d),
        ("c", ci.c, truth.c, fit.law.c),
    ] {
        assert!(iv[0] <= want && want <= iv[1], "{name}: {iv:?} should contain {want}");
        assert!(iv[0] <= est && est <= iv[1], "{name}: {iv:?} should contain the estimate {est}");
    }
    // Sensible width: not a point, not the whole search range.
    assert!(ci.alpha[1] - ci.alpha[0] > 1e-3 && ci.alpha[1] - ci.alpha[0] < 0.5, "{:?}", ci.alpha);
    // Deterministic for a seed.
    assert_eq!(power_law_ci(&trial_rows(&per_n), 0.9, 200, 7), Some(ci));
}

#[test]
fn flat_curves_are_reported_degenerate() {
    let grid = logspace(100.0, 70000.0, 10);
    let exact = vec![0.42; grid.len()];
    let fit = fit_power_law(&grid, &exact).expect("fittable");
    assert!(fit.r2.is_nan());
    let msg = fit.degenerate.expect("flat is degenerate");
    assert!(msg.starts_with("the error does not fall with n"), "{msg}");

    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let noisy: Vec<f64> = grid.iter().map(|_| 0.42 + noise(&mut rng, 0.01)).collect();
    let fit = fit_power_law(&grid, &noisy).expect("fittable");
    let msg = fit.degenerate.clone().unwrap_or_else(|| panic!("noisy flat should be degenerate: {fit:?}"));
    assert!(msg.contains("the error does not fall with n"), "{msg}");

    // Rising with n: no decrease at all.
    let rising: Vec<f64> = grid.iter().map(|n| 0.1 + 0.01 * n.ln()).collect();
    let fit = fit_power_law(&grid, &rising).expect("fittable");
    assert!(fit.degenerate.is_some_and(|m| m.starts_with("the error does not fall with n")));
}

#[test]
fn step_curve_hits_the_exponent_bound() {
    let grid = [100.0, 200.0, 400.0, 800.0, 1600.0];
    let r = [1.0, 0.1, 0.1, 0.1, 0.1];
    let fit = fit_power_law(&grid, &r).expect("fittable");
    let msg = fit.degenerate.expect("bound is degenerate");
    assert!(msg.contains("search bound"), "{msg}");
}

#[test]
fn clean_fit_with_zero_c_is_not_degenerate() {
    let grid = logspace(100.0, 70000.0, 10);
    let truth = PowerLaw { d: 10.0, alpha: 0.3, c: 0.0 };
    let r: Vec<f64> = grid.iter().map(|&n| truth.eval(n)).collect();
    let fit = fit_power_law(&grid, &r).expect("fittable");
    assert!(fit.law.c < 1e-6);
    assert!(fit.degenerate.is_none());
    assert!(fit.rmse < 1e-8);
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(fit_power_law(&[100.0, 200.0], &[1.0, 0.5]), Err(FitError::TooFewPoints { got: 2, need: 3 }));
    // Repeated n do not count as distinct.
    assert_eq!(
        fit_power_law(&[100.0, 100.0, 200.0, 200.0], &[1.0, 1.1, 0.5, 0.6]),
        Err(FitError::TooFewPoints { got: 2, need: 3 })
    );
    assert_eq!(fit_power_law(&[100.0, 200.0, 400.0], &[1.0, f64::NAN, 0.4]), Err(FitError::NonFinite { index: 1 }));
    assert_eq!(fit_power_law(&[100.0, f64::INFINITY, 400.0], &[1.0, 0.5, 0.4]), Err(FitError::NonFinite { index: 1 }));
    assert_eq!(fit_power_law(&[100.0, 0.0, 400.0], &[1.0, 0.5, 0.4]), Err(FitError::NonPositiveN { index: 1 }));
    assert!(matches!(fit_power_law(&[1.0, 2.0, 3.0], &[1.0, 0.5]), Err(FitError::LengthMismatch { .. })));
    let msg = FitError::TooFewPoints { got: 2, need: 3 }.to_string();
    assert!(msg.contains("got 2") && msg.contains("at least 3"), "{msg}");
    assert!(power_law_ci(&[(100.0, 0, 1.0), (200.0, 0, 0.5)], 0.9, 100, 1).is_none());
    assert!(power_law_ci(&[(1.0, 0, 1.0), (2.0, 0, 0.5), (3.0, 0, 0.4)], 1.5, 100, 1).is_none());
}

#[test]
fn fits_are_fast() {
    let grid = logspace(100.0, 70000.0, 10);
    let truth = PowerLaw { d: 1.93, alpha: 0.412, c: 0.118 };
    let r: Vec<f64> = grid.iter().map(|&n| truth.eval(n)).collect();
    let start = Instant::now();
    for _ in 0..20 {
        fit_power_law(&grid, &r).expect("fittable");
    }
    let per_fit = start.elapsed() / 20;
    assert!(per_fit.as_millis() < 10, "one fit took {per_fit:?}");

    let per_n: Vec<(f64, Vec<f64>)> = grid
        .iter()
        .zip(&r)
        .map(|(&n, &v)| (n, (0..10).map(|i| v * (1.0 + 0.01 * (i as f64 - 4.5))).collect()))
        .collect();
    let start = Instant::now();
    power_law_ci(&trial_rows(&per_n), 0.9, 200, 1).expect("a CI");
    let took = start.elapsed();
    assert!(took.as_millis() < 1000, "200-rep CI took {took:?}");
}

/// Per-n trial lists as `(n, trial id, error)` rows: the i-th value at every n is trial i.
fn trial_rows(per_n: &[(f64, Vec<f64>)]) -> Vec<(f64, usize, f64)> {
    per_n.iter().flat_map(|(n, v)| v.iter().enumerate().map(move |(t, e)| (*n, t, *e))).collect()
}

fn surface_grid() -> (Vec<f64>, Vec<f64>) {
    let ns = logspace(100.0, 70000.0, 6);
    let ms = [10.0, 30.0, 100.0, 300.0];
    let mut n = Vec::new();
    let mut m = Vec::new();
    for &x in &ns {
        for &y in &ms {
            n.push(x);
            m.push(y);
        }
    }
    (n, m)
}

#[test]
fn surface_fit_recovers_known_parameters() {
    let (n, m) = surface_grid();
    for truth in [
        Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 },
        Surface { a: 40.0, alpha: 0.8, b: 1.2, beta: 0.25, eps: 0.0 },
    ] {
        let r: Vec<f64> = n.iter().zip(&m).map(|(&x, &y)| truth.eval(x, y)).collect();
        let fit = fit_surface(&n, &m, &r).expect("fittable");
        let s = fit.surface;
        assert!(rel_err(s.a, truth.a) < 0.02, "{s:?} vs {truth:?}");
        assert!(rel_err(s.alpha, truth.alpha) < 0.02, "{s:?} vs {truth:?}");
        assert!(rel_err(s.b, truth.b) < 0.02, "{s:?} vs {truth:?}");
        assert!(rel_err(s.beta, truth.beta) < 0.02, "{s:?} vs {truth:?}");
        assert!((s.eps - truth.eps).abs() < 0.02 * truth.eps.max(1e-3), "{s:?} vs {truth:?}");
        assert!(fit.r2 > 0.999_999 && fit.degenerate.is_none(), "{fit:?}");
    }
}

#[test]
fn surface_bad_input() {
    let (n, m) = surface_grid();
    let mut r = vec![0.5; n.len()];
    r[3] = f64::NAN;
    assert_eq!(fit_surface(&n, &m, &r), Err(FitError::NonFinite { index: 3 }));
    let two_m: Vec<f64> = m.iter().map(|&y| if y < 50.0 { 10.0 } else { 100.0 }).collect();
    assert_eq!(fit_surface(&n, &two_m, &vec![0.5; n.len()]), Err(FitError::TooFewPoints { got: 2, need: 3 }));
    let flat = fit_surface(&n, &m, &vec![0.5; n.len()]).expect("fittable");
    assert!(flat.degenerate.is_some_and(|d| d.contains("does not fall")));
}

#[test]
fn marginal_rate_matches_the_hand_formula() {
    let s = Surface { a: 5.0, alpha: 0.5, b: 0.3, beta: 0.4, eps: 0.05 };
    let (n, m) = (1000.0f64, 50.0f64);
    // R = (A n^-α + B) m^-β + ε
    // ∂R/∂n = −α A n^(−α−1) m^(−β)
    // ∂R/∂m = −β (A n^(−α) + B) m^(−β−1)
    let dr_dn = -0.5 * 5.0 * n.powf(-1.5) * m.powf(-0.4);
    let dr_dm = -0.4 * (5.0 * n.powf(-0.5) + 0.3) * m.powf(-1.4);
    let mrs = marginal_rate(&s, n, m);
    assert!(rel_err(mrs.dr_dn, dr_dn) < 1e-12);
    assert!(rel_err(mrs.dr_dm, dr_dm) < 1e-12);
    assert!(rel_err(mrs.samples_per_target, dr_dm / dr_dn) < 1e-12);
    assert!(mrs.dr_dn < 0.0 && mrs.dr_dm < 0.0 && mrs.samples_per_target > 0.0);
    // Numerically: one target sample ≈ samples_per_target source samples.
    let h = 1e-3;
    let num_dn = (s.eval(n + h, m) - s.eval(n - h, m)) / (2.0 * h);
    let num_dm = (s.eval(n, m + h) - s.eval(n, m - h)) / (2.0 * h);
    assert!(rel_err(num_dm / num_dn, mrs.samples_per_target) < 1e-5);
}

#[test]
fn stats_hand_values() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(mean(&x), 3.0);
    assert!((sd(&x) - 2.5f64.sqrt()).abs() < 1e-12);
    assert_eq!(median(&[5.0, 1.0, 3.0, 2.0]), 2.5);
    // Type 7: q = 0.3 → h = 1.2 → 2 + 0.2·(3 − 2) = 2.2.
    assert!((quantile(&x, 0.3) - 2.2).abs() < 1e-12);
    assert!((quantile(&[0.0, 10.0], 0.75) - 7.5).abs() < 1e-12);
}

#[test]
fn bootstrap_ci_is_deterministic_and_contains_the_mean() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let v: Vec<f64> = (0..40).map(|_| 1.0 + noise(&mut rng, 0.2)).collect();
    let a = bootstrap_mean_ci(&v, 0.9, 1000, 5);
    assert_eq!(a, bootstrap_mean_ci(&v, 0.9, 1000, 5));
    let mu = mean(&v);
    assert!(a[0] < mu && mu < a[1], "{a:?} vs {mu}");
    // Roughly ±1.645·sd/√n wide.
    let half = 1.645 * sd(&v) / (v.len() as f64).sqrt();
    assert!(rel_err((a[1] - a[0]) / 2.0, half) < 0.25, "{a:?} half-width vs {half}");
    assert!(bootstrap_mean_ci(&[], 0.9, 100, 1).iter().all(|x| x.is_nan()));
    // One trial has no interval (a zero-width one would claim certainty).
    assert!(bootstrap_mean_ci(&[0.7], 0.9, 100, 1).iter().all(|x| x.is_nan()));
}
