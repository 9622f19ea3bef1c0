//! The batched ensemble computes the same thing as models trained alone, and it learns.

use sim2real::engine::batch::MemberRows;
use sim2real::engine::device::base_device;
use sim2real::engine::{Engine, EnsembleNet, MemberData, NetShape, TrainConfig, train_ensemble};
use sim2real::ir::Activation;

/// A deterministic toy regression task for member `k`: y = sin(x0) + 0.5·x1·x2.
fn rows(k: u64, n: usize, d: usize) -> MemberRows {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ (k.wrapping_mul(0x1234_5678_9abc));
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ((state >> 11) as f64 / (1u64 << 53) as f64) as f32 * 4.0 - 2.0
    };
    let x: Vec<f32> = (0..n * d).map(|_| next()).collect();
    let y = (0..n).map(|r| x[r * d].sin() + 0.5 * x[r * d + 1] * x[r * d + 2]).collect();
    MemberRows { x, y }
}

fn shape() -> NetShape {
    NetShape { inputs: 4, hidden: vec![16, 8], activation: Activation::Relu }
}

fn config() -> TrainConfig {
    TrainConfig { lr: 3e-3, weight_decay: 0.0, batch: 8, max_epochs: 40, patience: 5, frozen: 0, dropout: 0.0 }
}

fn train(members: &[u64]) -> (Vec<sim2real::engine::TrainOutcome>, Vec<Vec<f32>>) {
    let device = base_device();
    let train: Vec<MemberRows> = members.iter().map(|&k| rows(k, 48, 4)).collect();
    let val: Vec<MemberRows> = members.iter().map(|&k| rows(k + 100, 12, 4)).collect();
    let data = MemberData::new(&train, &val, 4, &device).unwrap();
    let mut net = EnsembleNet::init(&shape(), members, &device);
    let out = train_ensemble(&mut net, &data, &config(), members, &Engine::Host, &|| false).unwrap();
    let test: Vec<Vec<f32>> = members.iter().map(|&k| rows(k + 200, 10, 4).x).collect();
    let pred = net.predict(&test, 10);
    (out, pred)
}

#[test]
fn ensemble_members_equal_models_trained_alone() {
    let (together, pred_together) = train(&[1, 2, 3, 4]);
    for (i, k) in [1u64, 2, 3, 4].into_iter().enumerate() {
        let (alone, pred_alone) = train(&[k]);
        assert_eq!(together[i].epochs, alone[0].epochs, "member {k}: epochs");
        assert_eq!(together[i].best_epoch, alone[0].best_epoch, "member {k}: best epoch");
        assert!((together[i].best_val - alone[0].best_val).abs() <= 1e-5 * (1.0 + alone[0].best_val));
        for (a, b) in pred_together[i].iter().zip(&pred_alone[0]) {
            assert!((a - b).abs() <= 1e-4, "member {k}: prediction {a} vs {b}");
        }
    }
}

#[test]
fn members_stop_independently_and_learn() {
    let (out, _) = train(&[5, 6, 7]);
    // Validation MSE of a constant predictor on this task is about 0.6; training must beat it.
    for o in &out {
        assert!(o.best_val < 0.3, "member did not learn: {o:?}");
        assert!(o.best_epoch >= 1 && o.best_epoch <= o.epochs);
        assert!(!o.diverged);
    }
}

#[test]
fn a_diverging_member_is_stopped_while_others_finish() {
    let device = base_device();
    let members = [1u64, 2];
    let mut train: Vec<MemberRows> = members.iter().map(|&k| rows(k, 48, 4)).collect();
    // Member 0 gets labels so large that its loss overflows f32.
    train[0].y.iter_mut().for_each(|v| *v = 1e30);
    let val: Vec<MemberRows> = vec![MemberRows { y: vec![1e30; 12], ..rows(101, 12, 4) }, rows(102, 12, 4)];
    let data = MemberData::new(&train, &val, 4, &device).unwrap();
    let mut net = EnsembleNet::init(&shape(), &members, &device);
    let out = train_ensemble(&mut net, &data, &config(), &members, &Engine::Host, &|| false).unwrap();
    assert!(out[0].diverged, "{:?}", out[0]);
    assert!(!out[1].diverged);
    assert!(out[1].best_val < 0.3, "{:?}", out[1]);
}

#[test]
fn training_started_from_inside_the_thread_pool_finishes() {
    // A caller that is itself a task of the pool (a notebook cell's par_iter, say) blocks one
    // worker while the members train; the other workers must still train them all (a
    // `rayon::broadcast`, which needs every worker, would wait forever here).
    // A pool of its own with two workers, whatever the machine's core count: with one, a blocked
    // caller would leave no worker to train on.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = std::sync::Mutex::new(None);
        pool.install(|| rayon::scope(|s| s.spawn(|_| *result.lock().unwrap() = Some(train(&[1, 2, 3]).0.len()))));
        tx.send(result.into_inner().unwrap()).ok();
    });
    let got =
        rx.recv_timeout(std::time::Duration::from_secs(120)).expect("training from inside the pool did not finish");
    assert_eq!(got, Some(3));
}
