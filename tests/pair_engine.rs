//! The pairwise network (shared encoder, combine, one head per task): the multitask loss and its
//! gradients against a hand computation, weight sharing, symmetry of the symmetric combine ops,
//! determinism, and that it learns.

use std::sync::atomic::AtomicBool;

use sim2real::engine::TrainConfig;
use sim2real::engine::batch::MemberRows;
use sim2real::engine::device::base_device;
use sim2real::engine::net::{MemberWeights, to_vec};
use sim2real::engine::pair_member::{PairJob, TaskWeight, step_loss, train_pair_member};
use sim2real::engine::pair_net::{PairBatch, PairShape, params, predict};
use sim2real::ir::{Activation, Combine};

/// Side 1, no head inputs, a linear 1→1 encoder, `concat`, linear heads.
fn tiny(heads: usize) -> PairShape {
    PairShape {
        side: 1,
        cond: 0,
        flag: false,
        enc_hidden: vec![],
        latent: 1,
        latent_activation: None,
        combine: Combine::Concat,
        head_hidden: vec![],
        activation: Activation::Relu,
        heads,
    }
}

/// z(x) = 2x + 0.5; source head ŷ = za − zb + 0.1; target head ŷ = 0.5·za + 0.5·zb.
fn tiny_weights() -> MemberWeights {
    MemberWeights { layers: vec![(vec![2.0], vec![0.5]), (vec![1.0, -1.0], vec![0.1]), (vec![0.5, 0.5], vec![0.0])] }
}

#[test]
fn multitask_loss_and_gradients_match_a_hand_computation() {
    let device = base_device();
    let shape = tiny(2);
    let p = params(&shape, &tiny_weights(), &device, Some(0));
    // Rows are [a, b]. Source: (1, 2) → 0 and (0, 1) → 1; target: (1, 1) → 2 and (2, 0) → 0.
    let sim_x = [1.0, 2.0, 0.0, 1.0];
    let exp_x = [1.0, 1.0, 2.0, 0.0];
    let sb = PairBatch::gather(&shape, &sim_x, &[0, 1], &device);
    let tb = PairBatch::gather(&shape, &exp_x, &[0, 1], &device);
    let (sy, ty) = ([0.0f32, 1.0], [2.0f32, 0.0]);
    let loss = step_loss(&shape, &p, (&tb, &ty), Some(((&sb, &sy), TaskWeight(0.25))), &device);
    // Source predictions −1.9, −1.9: squared errors 3.61, 8.41, mean 6.01.
    // Target predictions 2.5, 2.5: squared errors 0.25, 6.25, mean 3.25.
    // L = 0.25·6.01 + 0.75·3.25 = 3.94.
    let value = to_vec(&loss)[0];
    assert!((value - 3.94).abs() < 1e-5, "loss {value}");
    let grads = loss.backward();
    // ∂L/∂(source bias) = λ·mean(2·err) = 0.25·(−3.8 − 5.8)/2 = −1.2.
    let g_src_bias = to_vec(&p[1].1.grad(&grads).expect("source bias gradient"))[0];
    assert!((g_src_bias + 1.2).abs() < 1e-5, "source bias gradient {g_src_bias}");
    // ∂L/∂(encoder weight): both sides of both tasks flow into the one shared weight:
    // source λ·err·(a − b): 0.475 + 0.725; target (1−λ)·err·0.5·(a + b): 0.375 + 1.875. Sum 3.45.
    let g_enc = to_vec(&p[0].0.grad(&grads).expect("encoder gradient"))[0];
    assert!((g_enc - 3.45).abs() < 1e-5, "encoder weight gradient {g_enc}");
    // ∂L/∂(target bias) = (1−λ)·mean(2·err) = 0.75·(1 + 5)/2 = 2.25.
    let g_tgt_bias = to_vec(&p[2].1.grad(&grads).expect("target bias gradient"))[0];
    assert!((g_tgt_bias - 2.25).abs() < 1e-5, "target bias gradient {g_tgt_bias}");
}

#[test]
fn lambda_one_leaves_the_target_head_without_gradient() {
    let device = base_device();
    let shape = tiny(2);
    let p = params(&shape, &tiny_weights(), &device, Some(0));
    let x = [1.0, 2.0, 0.0, 1.0];
    let b = PairBatch::gather(&shape, &x, &[0, 1], &device);
    let loss = step_loss(&shape, &p, (&b, &[1.0, 1.0]), Some(((&b, &[0.0, 0.0]), TaskWeight(1.0))), &device);
    let grads = loss.backward();
    let g = to_vec(&p[2].0.grad(&grads).expect("the target head is in the graph"));
    assert!(!g.is_empty() && g.iter().all(|v| *v == 0.0), "target head gradient {g:?}");
    let s = to_vec(&p[1].0.grad(&grads).expect("source head gradient"));
    assert!(s.iter().any(|v| *v != 0.0), "the source head learns: {s:?}");
}

#[test]
fn the_encoder_gradient_sums_both_sides() {
    // One task, one row; the encoder weight's gradient with both inputs equals the sum of the
    // gradients when only a (b = 0) or only b (a = 0) carries the signal, since z is linear.
    let device = base_device();
    let shape = tiny(1);
    let w = MemberWeights { layers: vec![(vec![2.0], vec![0.0]), (vec![0.7, 0.3], vec![0.0])] };
    let grad_for = |a: f32, b: f32| {
        let p = params(&shape, &w, &device, Some(0));
        let batch = PairBatch::gather(&shape, &[a, b], &[0], &device);
        let loss = step_loss(&shape, &p, (&batch, &[0.0]), None, &device);
        let grads = loss.backward();
        to_vec(&p[0].0.grad(&grads).expect("encoder gradient"))[0]
    };
    // L = (2·(0.7a + 0.3b))², dL/dw = 2·pred·(0.7a + 0.3b) = 4·(0.7a + 0.3b)².
    let both = grad_for(1.0, 1.0);
    assert!((both - 4.0).abs() < 1e-5, "{both}");
    let only_a = grad_for(1.0, 0.0);
    assert!((only_a - 4.0 * 0.49).abs() < 1e-5, "{only_a}");
}

fn shape_with(combine: Combine, flag: bool) -> PairShape {
    PairShape {
        side: 3,
        cond: 2,
        flag,
        enc_hidden: vec![8],
        latent: 4,
        latent_activation: Some(Activation::Tanh),
        combine,
        head_hidden: vec![6],
        activation: Activation::Relu,
        heads: 1,
    }
}

/// Rows [a (3) | b (3) | cond (2)] and the same rows with a and b swapped.
fn rows_and_swapped() -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..5 * 8).map(|i| ((i * 37 % 17) as f32 - 8.0) / 5.0).collect();
    let mut swapped = x.clone();
    for r in 0..5 {
        for c in 0..3 {
            swapped.swap(r * 8 + c, r * 8 + 3 + c);
        }
    }
    (x, swapped)
}

#[test]
fn symmetric_combines_do_not_care_which_side_is_which() {
    let device = base_device();
    let (x, swapped) = rows_and_swapped();
    for combine in [Combine::AbsDiff, Combine::SqDiff, Combine::Product, Combine::Distance] {
        let shape = shape_with(combine, false);
        let w = shape.init(9);
        let p = predict(&shape, &w, &x, 0, &device);
        let q = predict(&shape, &w, &swapped, 0, &device);
        for (a, b) in p.iter().zip(&q) {
            assert!((a - b).abs() < 1e-6, "{combine:?}: {a} vs {b}");
        }
    }
    // With the flag (or with concat) the sides are told apart.
    for shape in [shape_with(Combine::AbsDiff, true), shape_with(Combine::Concat, false)] {
        let w = shape.init(9);
        let p = predict(&shape, &w, &x, 0, &device);
        let q = predict(&shape, &w, &swapped, 0, &device);
        assert!(p.iter().zip(&q).any(|(a, b)| (a - b).abs() > 1e-4), "{:?} flag {}", shape.combine, shape.flag);
    }
}

/// y = ‖a − b‖ + 0.3·cond0 on random rows.
fn task(seed: u64, n: usize) -> MemberRows {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 / (1u64 << 53) as f64) as f32 * 2.0 - 1.0
    };
    let x: Vec<f32> = (0..n * 8).map(|_| next()).collect();
    let y = (0..n)
        .map(|r| {
            let row = &x[r * 8..r * 8 + 8];
            (0..3).map(|c| (row[c] - row[3 + c]).powi(2)).sum::<f32>().sqrt() + 0.3 * row[6]
        })
        .collect();
    MemberRows { x, y }
}

fn config() -> TrainConfig {
    TrainConfig { lr: 5e-3, weight_decay: 0.0, batch: 16, max_epochs: 60, patience: 8, frozen: 0, dropout: 0.0 }
}

#[test]
fn multitask_training_is_deterministic_and_learns() {
    let device = base_device();
    let mut shape = shape_with(Combine::AbsDiff, true);
    shape.heads = 2;
    let (train, val, source, test) = (task(1, 64), task(2, 16), task(3, 200), task(4, 50));
    let init = shape.init(5);
    let job = PairJob { init: &init, train: &train, val: &val, source: Some(&source), seed: 77 };
    let stop = AtomicBool::new(false);
    let (w1, o1) = train_pair_member(&job, &shape, &config(), 0.5, &device, &stop).unwrap();
    let (w2, o2) = train_pair_member(&job, &shape, &config(), 0.5, &device, &stop).unwrap();
    assert_eq!(w1, w2, "same seed, same weights");
    assert_eq!(o1, o2);
    assert!(o1.best_epoch > 0 && !o1.diverged, "{o1:?}");
    let mae = |w: &MemberWeights| {
        let p = predict(&shape, w, &test.x, shape.target_head(), &device);
        p.iter().zip(&test.y).map(|(a, b)| (a - b).abs()).sum::<f32>() / p.len() as f32
    };
    let mean_y = test.y.iter().sum::<f32>() / test.y.len() as f32;
    let baseline = test.y.iter().map(|y| (y - mean_y).abs()).sum::<f32>() / test.y.len() as f32;
    assert!(mae(&w1) < 0.7 * baseline, "multitask MAE {} vs predicting the mean {baseline}", mae(&w1));
    assert!(mae(&w1) < mae(&init), "training improved on the initial weights");
    // Another seed gives another member.
    let other = PairJob { seed: 78, ..job };
    let (w3, _) = train_pair_member(&other, &shape, &config(), 0.5, &device, &stop).unwrap();
    assert_ne!(w1, w3);
}

#[test]
fn weights_round_trip_through_bytes_and_frozen_layers_stay() {
    let device = base_device();
    let shape = shape_with(Combine::Distance, true);
    let init = shape.init(3);
    let back = shape.from_bytes(&init.to_bytes()).expect("bytes fit the shape");
    assert_eq!(back, init);
    assert!(shape.from_bytes(&init.to_bytes()[4..]).is_none());
    let (train, val) = (task(6, 48), task(7, 12));
    let job = PairJob { init: &init, train: &train, val: &val, source: None, seed: 1 };
    let cfg = TrainConfig { frozen: 2, ..config() };
    let (w, out) = train_pair_member(&job, &shape, &cfg, 0.0, &device, &AtomicBool::new(false)).unwrap();
    assert!(out.best_epoch > 0);
    assert_eq!(w.layers[..2], init.layers[..2], "the encoder's two layers are frozen");
    assert_ne!(w.layers[2], init.layers[2]);
}
