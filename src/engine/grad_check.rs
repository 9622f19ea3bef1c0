//! Gradient checks of the hand-written backward pass (`mlp.rs`): the analytic gradients the
//! engine trains with, against central finite differences of an independent f64 reference
//! forward pass of the same network (same weights, same dropout masks), on random shapes, every
//! activation, with and without frozen layers and dropout.
//!
//! Tolerance: the engine computes in f32, the reference in f64. With a step of 1e-4 the
//! finite difference of the f64 loss is accurate to ~1e-8 (truncation ~h², rounding ~1e-16/h);
//! the engine's f32 gradient carries relative rounding of ~1e-6 per product, amplified by at
//! most a few hundred terms, so we demand |g − fd| ≤ 2e-3·(|fd| + scale) where `scale` is the
//! largest |fd| of that layer. A missing term of the backward pass (a slope factor, the 2/rows
//! scale, a bias gradient, the transposed weights) changes gradients by O(1) relative amounts
//! and fails this by orders of magnitude (see `a_broken_backward_pass_fails_the_check`).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ir::Activation;

use super::mlp::{MemberNet, Work};
use super::net::MemberWeights;

/// f64 value of an activation (the reference; `activation.rs` is the engine's).
fn act64(act: Activation, x: f64) -> f64 {
    match act {
        Activation::Relu => x.max(0.0),
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        Activation::Gelu => 0.5 * x * (1.0 + super::activation::erf(x * std::f64::consts::FRAC_1_SQRT_2)),
    }
}

/// Weights as f64 layers `(w [in, out] row-major, b)`.
type Layers64 = Vec<(Vec<f64>, Vec<f64>)>;

/// The reference loss mean((f(x) − y)²) in f64, hidden activations times `masks` (inverted
/// dropout, already scaled) when given.
fn loss64(
    layers: &Layers64,
    shape: &[(usize, usize)],
    act: Activation,
    x: &[f64],
    y: &[f64],
    rows: usize,
    masks: Option<&[Vec<f32>]>,
) -> f64 {
    let mut h: Vec<f64> = x.to_vec();
    let last = shape.len() - 1;
    for (l, (&(fan_in, fan_out), (w, b))) in shape.iter().zip(layers).enumerate() {
        let mut z = vec![0.0; rows * fan_out];
        for r in 0..rows {
            for o in 0..fan_out {
                let mut s = b[o];
                for i in 0..fan_in {
                    s += h[r * fan_in + i] * w[i * fan_out + o];
                }
                z[r * fan_out + o] = if l == last { s } else { act64(act, s) };
            }
        }
        if l < last
            && let Some(m) = masks
        {
            z.iter_mut().zip(&m[l]).for_each(|(v, &k)| *v *= k as f64);
        }
        h = z;
    }
    h.iter().zip(y).map(|(p, t)| (p - t) * (p - t)).sum::<f64>() / rows as f64
}

struct Case {
    shape: Vec<(usize, usize)>,
    act: Activation,
    rows: usize,
    frozen: usize,
    dropout: bool,
    seed: u64,
}

/// Worst violation ratio |g − fd| / (2e-3·(|fd| + layer scale)) over every parameter of every
/// trainable layer (≤ 1 passes), and the number of parameters compared.
fn check(case: &Case, tamper: impl Fn(&mut Vec<(Vec<f32>, Vec<f32>)>)) -> (f64, usize) {
    let Case { shape, act, rows, frozen, dropout, seed } = case;
    let (act, rows, frozen) = (*act, *rows, *frozen);
    let mut rng = ChaCha8Rng::seed_from_u64(*seed);
    let weights = MemberWeights::init_layers(shape, *seed);
    let inputs = shape[0].0;
    let x: Vec<f32> = (0..rows * inputs).map(|_| rng.random_range(-1.5f32..1.5)).collect();
    let y: Vec<f32> = (0..rows).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    // Inverted-dropout masks with p = 0.3 for every hidden layer.
    let masks: Option<Vec<Vec<f32>>> = dropout.then(|| {
        shape[..shape.len() - 1]
            .iter()
            .map(|&(_, out)| {
                (0..rows * out).map(|_| if rng.random_range(0.0f64..1.0) < 0.3 { 0.0 } else { 1.0 / 0.7 }).collect()
            })
            .collect()
    });

    let mut net = MemberNet::new(&weights, act, shape, None);
    let mut work = Work::new();
    work.input = x.clone();
    net.forward(&mut work, rows, masks.as_deref(), true);
    let mut grads = net.gradients(&mut work, &y, frozen);
    tamper(&mut grads);

    let base: Layers64 = weights
        .layers
        .iter()
        .map(|(w, b)| (w.iter().map(|&v| v as f64).collect(), b.iter().map(|&v| v as f64).collect()))
        .collect();
    let x64: Vec<f64> = x.iter().map(|&v| v as f64).collect();
    let y64: Vec<f64> = y.iter().map(|&v| v as f64).collect();
    let h = 1e-4;
    let fd = |l: usize, bias: bool, i: usize| {
        let at = |delta: f64| {
            let mut p = base.clone();
            if bias {
                p[l].1[i] += delta;
            } else {
                p[l].0[i] += delta;
            }
            loss64(&p, shape, act, &x64, &y64, rows, masks.as_deref())
        };
        (at(h) - at(-h)) / (2.0 * h)
    };
    let mut worst = 0.0f64;
    let mut compared = 0;
    for l in 0..shape.len() {
        let (dw, db) = &grads[l];
        if l < frozen {
            assert!(dw.is_empty() && db.is_empty(), "frozen layer {l} got a gradient");
            continue;
        }
        let numeric_w: Vec<f64> = (0..dw.len()).map(|i| fd(l, false, i)).collect();
        let numeric_b: Vec<f64> = (0..db.len()).map(|i| fd(l, true, i)).collect();
        assert_eq!(dw.len(), shape[l].0 * shape[l].1);
        assert_eq!(db.len(), shape[l].1);
        let scale = numeric_w.iter().chain(&numeric_b).fold(0.0f64, |a, v| a.max(v.abs())).max(1e-6);
        for (g, n) in dw.iter().zip(&numeric_w).chain(db.iter().zip(&numeric_b)) {
            let ratio = (*g as f64 - n).abs() / (2e-3 * (n.abs() + scale));
            worst = worst.max(ratio);
            compared += 1;
        }
    }
    (worst, compared)
}

fn random_cases() -> Vec<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let acts = [Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Gelu];
    let mut cases = Vec::new();
    for k in 0..16 {
        let depth = rng.random_range(1usize..4);
        let mut widths = vec![rng.random_range(1usize..9)];
        for _ in 0..depth {
            widths.push(rng.random_range(1usize..12));
        }
        widths.push(1);
        let shape: Vec<(usize, usize)> = widths.windows(2).map(|w| (w[0], w[1])).collect();
        let frozen = if k % 3 == 2 { rng.random_range(1..shape.len()) } else { 0 };
        cases.push(Case {
            shape,
            act: acts[k % 4],
            rows: rng.random_range(1usize..40),
            frozen,
            dropout: k % 2 == 1,
            seed: 100 + k as u64,
        });
    }
    // One product wide enough (≥ 128 columns) to take the two-column-halves route.
    cases.push(Case {
        shape: vec![(5, 130), (130, 1)],
        act: Activation::Tanh,
        rows: 7,
        frozen: 0,
        dropout: true,
        seed: 7,
    });
    cases
}

#[test]
fn analytic_gradients_match_finite_differences() {
    for case in random_cases() {
        let (worst, compared) = check(&case, |_| {});
        assert!(compared > 0);
        assert!(
            worst <= 1.0,
            "shape {:?} {:?} rows {} frozen {} dropout {}: worst |g − fd| is {worst:.2}× the tolerance",
            case.shape,
            case.act,
            case.rows,
            case.frozen,
            case.dropout
        );
    }
}

/// The check is sensitive: dropping one term of the backward pass, simulated on the computed
/// gradients, fails it in every case where that term matters.
#[test]
fn a_broken_backward_pass_fails_the_check() {
    let case =
        Case { shape: vec![(4, 6), (6, 5), (5, 1)], act: Activation::Tanh, rows: 9, frozen: 0, dropout: true, seed: 3 };
    assert!(check(&case, |_| {}).0 <= 1.0);
    // A bias gradient lost.
    assert!(check(&case, |g| g[1].1.iter_mut().for_each(|v| *v = 0.0)).0 > 10.0);
    // The 2/rows scale of the loss lost (gradients of sum instead of mean / 2).
    assert!(
        check(&case, |g| g
            .iter_mut()
            .for_each(|(w, b)| w.iter_mut().chain(b.iter_mut()).for_each(|v| *v *= 0.5 * 9.0)))
        .0 > 10.0
    );
    // A weight gradient transposed in the first layer (in ≠ out).
    assert!(
        check(&case, |g| {
            let w = g[0].0.clone();
            for i in 0..4 {
                for o in 0..6 {
                    let t = o * 4 + i;
                    g[0].0[i * 6 + o] = w[t];
                }
            }
        })
        .0 > 10.0
    );
}

/// The pairwise network (`pair_net.rs`, trained through burn's autodiff): the gradients that
/// training applies (`step_loss(..).backward()`, read per layer as `pair_member.rs` reads them)
/// against central finite differences of the same loss evaluated without autodiff, for every
/// `combine`, with the encoder flag, head inputs, multitask λ and a frozen encoder. burn's
/// forward pass is f32, so the step is 1e-3 and the tolerance 2e-2·(|fd| + layer scale);
/// smooth activations (tanh, gelu) keep kinks out of the differences (steps of 1e-2 and 3e-3
/// crossed the kink of `abs_diff` at |a − b| = 0 for some latents and failed there).
#[test]
fn pairwise_gradients_match_finite_differences() {
    use super::pair_member::{TaskWeight, step_loss};
    use super::pair_net::{PairBatch, PairShape, params};
    use crate::ir::Combine;

    let device = super::device::base_device();
    let ad = super::device::training_device();
    let combines = [Combine::AbsDiff, Combine::SqDiff, Combine::Product, Combine::Concat, Combine::Distance];
    for (k, &combine) in combines.iter().enumerate() {
        for multitask in [false, true] {
            let shape = PairShape {
                side: 3,
                cond: if k % 2 == 0 { 2 } else { 0 },
                flag: k % 2 == 1,
                enc_hidden: vec![5],
                latent: 4,
                latent_activation: if k == 2 { None } else { Some(Activation::Tanh) },
                combine,
                head_hidden: vec![6],
                activation: if k % 2 == 0 { Activation::Tanh } else { Activation::Gelu },
                heads: if multitask { 2 } else { 1 },
            };
            let frozen = if multitask { shape.encoder_layers().len() } else { 0 };
            let seed = 40 + k as u64;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let rows = 6;
            let mut data = |n: usize| -> (Vec<f32>, Vec<f32>) {
                (
                    (0..n * shape.inputs()).map(|_| rng.random_range(-1.0f32..1.0)).collect(),
                    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect(),
                )
            };
            let (tx, ty) = data(rows);
            let (sx, sy) = data(rows);
            let idx: Vec<usize> = (0..rows).collect();
            let lambda = TaskWeight(0.3);
            let weights = shape.init(seed);
            let loss_at = |w: &MemberWeights, dev: &burn_tensor::Device, track: Option<usize>| {
                let p = params(&shape, w, dev, track);
                let tb = PairBatch::gather(&shape, &tx, &idx, dev);
                let sb = PairBatch::gather(&shape, &sx, &idx, dev);
                let src = multitask.then_some(((&sb, sy.as_slice()), lambda));
                (step_loss(&shape, &p, (&tb, &ty), src, dev), p)
            };
            let (loss, p) = loss_at(&weights, &ad, Some(frozen));
            let grads = loss.backward();
            let h = 1e-3f32;
            for (l, (wt, bt)) in p.iter().enumerate() {
                let analytic =
                    [wt.grad(&grads).map(|g| super::net::to_vec(&g)), bt.grad(&grads).map(|g| super::net::to_vec(&g))];
                if l < frozen {
                    assert!(analytic.iter().all(Option::is_none), "{combine:?}: frozen layer {l} got a gradient");
                    continue;
                }
                let mut numeric = Vec::new();
                for (which, g) in analytic.iter().enumerate() {
                    let g = g.as_ref().unwrap_or_else(|| panic!("{combine:?}: layer {l} has no gradient"));
                    for (i, &gi) in g.iter().enumerate() {
                        let at = |delta: f32| {
                            let mut w = weights.clone();
                            if which == 0 {
                                w.layers[l].0[i] += delta;
                            } else {
                                w.layers[l].1[i] += delta;
                            }
                            super::net::to_vec(&loss_at(&w, &device, None).0)[0] as f64
                        };
                        numeric.push((gi as f64, (at(h) - at(-h)) / (2.0 * h as f64)));
                    }
                }
                let scale = numeric.iter().fold(0.0f64, |a, (_, n)| a.max(n.abs())).max(1e-4);
                for (i, (g, n)) in numeric.iter().enumerate() {
                    assert!(
                        (g - n).abs() <= 2e-2 * (n.abs() + scale),
                        "{combine:?} multitask={multitask} layer {l} parameter {i}: autodiff {g} vs finite difference {n}"
                    );
                }
            }
        }
    }
}
