//! The lock-step trainer on burn's CPU backend (flex) against the host engine, and against
//! itself: a member's result depends only on its seed, and reruns give the same bits.

use burn_tensor::Device;

use crate::engine::batch::{MemberData, MemberRows};
use crate::engine::device::Engine;
use crate::engine::net::{EnsembleNet, MemberWeights, NetShape};
use crate::engine::train::{TrainConfig, TrainOutcome, train_ensemble};
use crate::ir::Activation;

/// Member `k`'s rows, drawn from seed `k`: a smooth nonlinear task (y = tanh(w·x) + 0.3·sin x₀
/// plus a little noise, x uniform in [-2, 2]), `train` training rows, then 25 validation and 50
/// test rows.
fn member_rows(k: u64, train: usize) -> (MemberRows, MemberRows, MemberRows) {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(k);
    let w: Vec<f32> = (0..FEATURES).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    let mut rows = |count: usize| {
        let mut x = Vec::with_capacity(count * FEATURES);
        let mut y = Vec::with_capacity(count);
        for _ in 0..count {
            let row: Vec<f32> = (0..FEATURES).map(|_| rng.random_range(-2.0f32..2.0)).collect();
            let dot: f32 = row.iter().zip(&w).map(|(a, b)| a * b).sum();
            y.push(dot.tanh() + 0.3 * row[0].sin() + 0.05 * rng.random_range(-1.0f32..1.0));
            x.extend(row);
        }
        MemberRows { x, y }
    };
    let train_rows = rows(train);
    let val_rows = rows(25);
    (train_rows, val_rows, rows(TEST_ROWS))
}

const FEATURES: usize = 6;

/// The bench's network on a few rows: products with inner dimensions up to 512, where the two
/// engines' matmul kernels block the sums differently.
#[test]
fn wide_net_agrees_with_the_host_engine() {
    let wide = NetShape { inputs: FEATURES, hidden: vec![512, 256, 128, 64, 32], activation: Activation::Relu };
    let cfg = TrainConfig { batch: 32, max_epochs: 25, ..config() };
    let seeds: Vec<u64> = (200..220).collect();
    let host = train(&seeds, &wide, &cfg, &Engine::Host);
    let lock = train(&seeds, &wide, &cfg, &lockstep());
    let (same_epochs, worst_same, worst) = compare(&host, &lock);
    let identical = host.weights.iter().zip(&lock.weights).filter(|(a, b)| a == b).count();
    eprintln!(
        "wide: equal stopping epochs {:.1} %, worst relative MAE difference {worst_same:.2e} (equal epochs) / {worst:.2e} (all), bit-identical weights {identical}/{}",
        100.0 * same_epochs,
        seeds.len()
    );
    assert!(same_epochs >= 0.95, "{:.1} % equal stopping epochs", 100.0 * same_epochs);
    assert!(worst_same <= 0.01, "{worst_same:.3e}");
}
const TEST_ROWS: usize = 50;

fn shape(activation: Activation) -> NetShape {
    NetShape { inputs: FEATURES, hidden: vec![32, 16], activation }
}

fn config() -> TrainConfig {
    TrainConfig { lr: 3e-3, weight_decay: 0.0, batch: 16, max_epochs: 60, patience: 5, frozen: 0, dropout: 0.0 }
}

/// What one member ended with: its outcome, kept weights and test predictions.
struct Trained {
    outcomes: Vec<TrainOutcome>,
    weights: Vec<MemberWeights>,
    preds: Vec<Vec<f32>>,
    test_y: Vec<Vec<f32>>,
}

/// Train members `seeds` (member k's data drawn from its seed; the same starting weights as a
/// study's fresh members) on `engine`, 90 training and 25 validation rows each.
fn train(seeds: &[u64], shape: &NetShape, cfg: &TrainConfig, engine: &Engine) -> Trained {
    let (train, (val, test)): (Vec<MemberRows>, (Vec<MemberRows>, Vec<MemberRows>)) =
        seeds.iter().map(|&k| member_rows(k, 90)).map(|(t, v, x)| (t, (v, x))).unzip();
    let data = MemberData::new(&train, &val, FEATURES, &Device::flex()).unwrap();
    let mut net = EnsembleNet::init(shape, seeds, &Device::flex());
    let outcomes = train_ensemble(&mut net, &data, cfg, seeds, engine, &|| false).unwrap();
    let test_x: Vec<Vec<f32>> = test.iter().map(|t| t.x.clone()).collect();
    let preds = net.predict_on(engine, &test_x, TEST_ROWS);
    Trained { outcomes, weights: net.to_members(), preds, test_y: test.into_iter().map(|t| t.y).collect() }
}

/// The engine the lock-step tests train on: `cpu-lockstep` (flex), or the device named by
/// [`TEST_DEVICE_ENV`] in a build that has it.
pub(super) fn lockstep() -> Engine {
    let name = std::env::var(TEST_DEVICE_ENV).unwrap_or_else(|_| "cpu-lockstep".into());
    Engine::select(Some(&name)).unwrap_or_else(|e| panic!("${TEST_DEVICE_ENV}: {e}"))
}

/// Names the device the lock-step tests (this file and `pair_tests.rs`) train on: unset, flex
/// (`cpu-lockstep`), where every member must come out bit-identical to the host engine's; `wgpu`
/// or `cuda` in a build with that feature (the GPU subset: `.ci/run` runs it on Mesa's software
/// Vulkan), where sums run in another order and the tests hold the members to the stated
/// tolerances instead.
pub(super) const TEST_DEVICE_ENV: &str = "SIM2REAL_LOCKSTEP_TEST_DEVICE";

/// Whether the lock-step tests run on flex, where the two engines agree bit for bit.
pub(super) fn exact(engine: &Engine) -> bool {
    engine.name() == "cpu-lockstep"
}

fn mae(pred: &[f32], y: &[f32]) -> f64 {
    pred.iter().zip(y).map(|(p, t)| (p - t).abs() as f64).sum::<f64>() / y.len() as f64
}

/// The agreement of two trainings of the same members: the fraction with equal early-stopping
/// epochs, and the largest relative MAE difference among those members (and overall).
fn compare(a: &Trained, b: &Trained) -> (f64, f64, f64) {
    let e = a.outcomes.len();
    let same: Vec<usize> = (0..e).filter(|&k| a.outcomes[k].epochs == b.outcomes[k].epochs).collect();
    let rel = |k: usize| {
        let (x, y) = (mae(&a.preds[k], &a.test_y[k]), mae(&b.preds[k], &b.test_y[k]));
        (x - y).abs() / x.abs().max(y.abs())
    };
    let worst_same = same.iter().map(|&k| rel(k)).fold(0.0, f64::max);
    let worst = (0..e).map(rel).fold(0.0, f64::max);
    (same.len() as f64 / e as f64, worst_same, worst)
}

/// One Adam step (one batch covering all rows, one epoch) from the same weights: the two
/// engines compute the same formula, so the weights after it differ only by the rounding of the
/// products' summation order: a few ulps of values of order 0.1–1. Bound: 1e-5 absolute.
#[test]
fn one_step_gives_the_host_engines_weights() {
    for act in [Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Gelu] {
        let cfg = TrainConfig { batch: 90, max_epochs: 1, weight_decay: 1e-3, ..config() };
        let host = train(&[3, 4], &shape(act), &cfg, &Engine::Host);
        let lock = train(&[3, 4], &shape(act), &cfg, &lockstep());
        for (h, l) in host.weights.iter().zip(&lock.weights) {
            for ((hw, hb), (lw, lb)) in h.layers.iter().zip(&l.layers) {
                for (x, y) in hw.iter().chain(hb).zip(lw.iter().chain(lb)) {
                    assert!((x - y).abs() <= 1e-5, "{act:?}: {x} vs {y}");
                }
            }
        }
        for (h, l) in host.outcomes.iter().zip(&lock.outcomes) {
            assert_eq!(
                (h.epochs, h.best_epoch, h.rows_seen, h.diverged),
                (l.epochs, l.best_epoch, l.rows_seen, l.diverged)
            );
            assert!((h.best_val - l.best_val).abs() <= 1e-5 * h.best_val, "{act:?}: {} vs {}", h.best_val, l.best_val);
        }
    }
}

/// The equivalence the issue asks for: the same 40 members (seeds, data, starting weights)
/// trained by the host engine and by the lock-step trainer on flex, to early stopping (up to 60
/// epochs, patience 5, ~360 Adam steps).
///
/// What can differ is only the summation order inside products and column sums (f32 rounding,
/// ~1e-7 relative per step); training amplifies it, and where a member's validation loss is
/// nearly flat at its best epoch it can move the early-stopping decision by an epoch. So:
/// - the stopping epochs must agree for at least 95 % of the members (the criterion);
/// - members that stop at the same epoch ran the same number of steps from the same start, and
///   their test MAEs agree within 1 % relative;
/// - every member, including one whose stopping epoch moved, within 10 % (one epoch more or less
///   of training moves a member's MAE by a few percent on this task);
/// - and the ensemble's mean MAE, what a study reports, within 0.5 %.
///
/// Measured on this project's CPU (2026-11-26): flex's products and the host engine's sum in the
/// same order for these shapes, so every member came out bit-identical (100 % equal epochs, MAE
/// difference 0, also for the bench's 512-wide net below). The bounds are the ones a backend
/// with another summation order (a GPU) is held to; the message prints what was measured.
#[test]
fn lockstep_trains_the_members_the_host_engine_trains() {
    for act in [Activation::Relu, Activation::Tanh] {
        let seeds: Vec<u64> = (1..=40).collect();
        let host = train(&seeds, &shape(act), &config(), &Engine::Host);
        let lock = train(&seeds, &shape(act), &config(), &lockstep());
        let (same_epochs, worst_same, worst) = compare(&host, &lock);
        let mean =
            |t: &Trained| (0..seeds.len()).map(|k| mae(&t.preds[k], &t.test_y[k])).sum::<f64>() / seeds.len() as f64;
        let (mh, ml) = (mean(&host), mean(&lock));
        let identical = host.weights.iter().zip(&lock.weights).filter(|(a, b)| a == b).count();
        eprintln!(
            "{act:?}: equal stopping epochs {:.1} %, worst relative MAE difference {worst_same:.2e} (equal epochs) / {worst:.2e} (all), mean MAE {mh:.5} vs {ml:.5}, bit-identical weights {identical}/{}",
            100.0 * same_epochs,
            seeds.len()
        );
        assert!(
            same_epochs >= 0.95,
            "{act:?}: only {:.1} % of the members stop at the same epoch",
            100.0 * same_epochs
        );
        assert!(
            worst_same <= 0.01,
            "{act:?}: a member with the same stopping epoch differs by {worst_same:.3e} in MAE"
        );
        assert!(worst <= 0.10, "{act:?}: a member differs by {worst:.3e} in MAE");
        assert!((mh - ml).abs() <= 0.005 * mh, "{act:?}: mean MAE {mh} (host) vs {ml} (lock-step)");
        assert!(host.outcomes.iter().chain(&lock.outcomes).all(|o| !o.diverged && o.best_epoch >= 1));
    }
}

/// Dropout (masks from the member's generator, drawn in the host engine's order), weight decay
/// and a frozen first layer go through the same code on both engines.
#[test]
fn dropout_decay_and_frozen_layers_match_the_host_engine() {
    let cfg = TrainConfig { dropout: 0.1, weight_decay: 1e-4, frozen: 1, ..config() };
    let seeds: Vec<u64> = (50..70).collect();
    let host = train(&seeds, &shape(Activation::Relu), &cfg, &Engine::Host);
    let lock = train(&seeds, &shape(Activation::Relu), &cfg, &lockstep());
    let (same_epochs, worst_same, _) = compare(&host, &lock);
    eprintln!(
        "dropout/decay/frozen: equal stopping epochs {:.1} %, worst relative MAE difference {worst_same:.2e}",
        100.0 * same_epochs
    );
    assert!(same_epochs >= 0.95, "{:.1} % equal stopping epochs", 100.0 * same_epochs);
    assert!(worst_same <= 0.01, "{worst_same:.3e}");
    // The frozen layer did not move on either engine.
    let init = EnsembleNet::init(&shape(Activation::Relu), &seeds, &Device::flex()).to_members();
    for (w0, w) in init.iter().zip(&lock.weights) {
        assert_eq!(w0.layers[0], w.layers[0]);
    }
}

/// A member's result depends only on its seed: member k of an ensemble of 12 is bit for bit the
/// member trained alone (ensembles are chunked and resumed in any grouping), and a rerun gives
/// the same bits. On a GPU only the rerun is required: an ensemble of another size is another
/// shape, for which the backend may pick other kernels (docs/devices.md); whether the member
/// alone came out the same is printed.
#[test]
fn a_lockstep_member_depends_only_on_its_seed() {
    let cfg = TrainConfig { dropout: 0.05, ..config() };
    let seeds: Vec<u64> = (100..112).collect();
    let engine = lockstep();
    let together = train(&seeds, &shape(Activation::Relu), &cfg, &engine);
    for (i, &k) in seeds.iter().enumerate().step_by(5) {
        let alone = train(&[k], &shape(Activation::Relu), &cfg, &engine);
        if !exact(&engine) {
            eprintln!(
                "{}: member {k} alone = in the ensemble: {}",
                engine.name(),
                together.weights[i] == alone.weights[0]
            );
            continue;
        }
        assert_eq!(together.outcomes[i], alone.outcomes[0], "member {k}");
        assert_eq!(together.weights[i], alone.weights[0], "member {k}");
        assert_eq!(together.preds[i], alone.preds[0], "member {k}");
    }
    let again = train(&seeds, &shape(Activation::Relu), &cfg, &engine);
    assert_eq!(together.outcomes, again.outcomes);
    assert_eq!(together.weights, again.weights);
}

/// Members stop on their own: a diverging member (labels that overflow f32) is flagged and its
/// kept weights are finite, while the others train to their own early stop.
#[test]
fn a_diverging_member_stops_while_the_others_train_on() {
    let seeds = [1u64, 2, 3];
    let (mut train_rows, mut val): (Vec<MemberRows>, Vec<MemberRows>) =
        seeds.iter().map(|&k| member_rows(k, 90)).map(|(t, v, _)| (t, v)).unzip();
    train_rows[1].y.iter_mut().for_each(|v| *v = 1e30);
    val[1].y.iter_mut().for_each(|v| *v = 1e30);
    let data = MemberData::new(&train_rows, &val, FEATURES, &Device::flex()).unwrap();
    let mut net = EnsembleNet::init(&shape(Activation::Relu), &seeds, &Device::flex());
    let out = train_ensemble(&mut net, &data, &config(), &seeds, &lockstep(), &|| false).unwrap();
    assert!(out[1].diverged && out[1].epochs == 1, "{:?}", out[1]);
    assert!(net.to_members()[1].all_finite());
    for k in [0, 2] {
        assert!(!out[k].diverged && out[k].epochs > 5 && out[k].best_val < 0.5, "{:?}", out[k]);
    }
}

/// An interrupt stops the lock-step trainer at its next step.
#[test]
fn an_interrupt_stops_lockstep_training() {
    let seeds = [1u64, 2];
    let (train_rows, val): (Vec<MemberRows>, Vec<MemberRows>) =
        seeds.iter().map(|&k| member_rows(k, 90)).map(|(t, v, _)| (t, v)).unzip();
    let data = MemberData::new(&train_rows, &val, FEATURES, &Device::flex()).unwrap();
    let mut net = EnsembleNet::init(&shape(Activation::Relu), &seeds, &Device::flex());
    let calls = std::cell::Cell::new(0);
    let stop_after_three = || {
        calls.set(calls.get() + 1);
        calls.get() > 3
    };
    let out = train_ensemble(&mut net, &data, &config(), &seeds, &lockstep(), &stop_after_three);
    assert!(out.is_err());
    assert_eq!(calls.get(), 4);
}

#[test]
fn device_names_are_checked() {
    assert_eq!(Engine::select(Some("cpu")).unwrap().name(), "cpu");
    let flex = Engine::select(Some("cpu-lockstep")).unwrap();
    assert_eq!(flex.name(), "cpu-lockstep");
    assert!(!flex.is_gpu());
    let err = Engine::select(Some("tpu")).unwrap_err().to_string();
    assert!(err.contains("unknown device") && err.contains("cpu-lockstep"), "{err}");
    if !cfg!(feature = "cuda") {
        let err = Engine::select(Some("cuda")).unwrap_err().to_string();
        assert!(err.contains("--features cuda"), "{err}");
    }
}
