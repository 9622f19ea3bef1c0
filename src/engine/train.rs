//! The training loop of one ensemble: mini-batch Adam on each member's own rows in its own
//! order, validation after every epoch, per-member early stopping with best-weight tracking, all
//! by masks on the device. A diverging member (non-finite validation loss) is stopped and flagged
//! while the others go on.

use burn::tensor::{Bool, Device, Tensor, TensorData};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::adam::{self, AdamConfig, Moments};
use super::batch::{MemberData, upload_index};
use super::net::{EnsembleNet, forward, to_vec};

/// Settings of one training phase (pretraining, fine-tuning or direct learning).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub lr: f64,
    pub weight_decay: f64,
    pub batch: usize,
    pub max_epochs: usize,
    pub patience: usize,
    /// The first `frozen` linear layers are not updated.
    pub frozen: usize,
    pub dropout: f64,
}

/// What happened to one member.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOutcome {
    /// Epochs trained.
    pub epochs: usize,
    /// 1-based epoch whose weights were kept (0: none improved on the initial weights).
    pub best_epoch: usize,
    /// Validation MSE (transformed units) of the kept weights.
    pub best_val: f64,
    /// The validation loss became NaN or infinite.
    pub diverged: bool,
    /// Training rows processed (for FLOP counts).
    pub rows_seen: usize,
}

/// Training was stopped from outside (Ctrl-C, kernel interrupt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

/// Train every member of `net` on its rows in `data`; on return `net` holds each member's best
/// weights. `seeds[e]` drives member e's batch order and dropout. `interrupted` is polled every
/// step.
pub fn train_ensemble(
    net: &mut EnsembleNet,
    data: &MemberData,
    cfg: &TrainConfig,
    seeds: &[u64],
    device: &Device,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<TrainOutcome>, Interrupted> {
    let e = net.members;
    assert_eq!(e, data.members, "ensemble and data disagree on the number of members");
    assert_eq!(e, seeds.len(), "one seed per member");
    let n = data.train_rows;
    let batch = cfg.batch.clamp(1, n);
    let steps = n.div_ceil(batch);
    let layers = net.weights.len();
    let frozen = cfg.frozen.min(layers);
    let adam_cfg = AdamConfig::new(cfg.lr, cfg.weight_decay);

    let mut rngs: Vec<ChaCha8Rng> = seeds.iter().map(|&s| ChaCha8Rng::seed_from_u64(s ^ 0x5eed_ba7c_4a11_0000)).collect();
    let mut w_state: Vec<Moments> = net.weights.iter().map(Moments::zeros_like).collect();
    let mut b_state: Vec<Moments> = net.biases.iter().map(Moments::zeros_like).collect();
    let mut best_w = net.weights.clone();
    let mut best_b = net.biases.clone();

    let mut outcomes = vec![
        TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::INFINITY, diverged: false, rows_seen: 0 };
        e
    ];
    let mut active = vec![true; e];
    let mut bad = vec![0usize; e];
    let mut t = 0usize;

    for epoch in 1..=cfg.max_epochs {
        if !active.iter().any(|&a| a) {
            break;
        }
        let active_mask = bool_mask(&active, device);
        // Each member shuffles its own rows with its own generator.
        let mut index = Vec::with_capacity(e * n);
        let perms: Vec<Vec<usize>> = rngs.iter_mut().map(|r| permutation(n, r)).collect();
        for s in 0..steps {
            let rows = s * batch..((s + 1) * batch).min(n);
            for (m, perm) in perms.iter().enumerate() {
                index.extend(perm[rows.clone()].iter().map(|&r| (m * n + r) as i64));
            }
        }
        let index = upload_index(index, device);

        for s in 0..steps {
            if interrupted() {
                return Err(Interrupted);
            }
            let b = ((s + 1) * batch).min(n) - s * batch;
            let (x, y) = data.gather(index.clone().narrow(0, s * e * batch, e * b), b);
            let masks = (cfg.dropout > 0.0).then(|| dropout_masks(net, e, b, cfg.dropout, &mut rngs, device));

            let wp: Vec<Tensor<3>> = net.weights.iter().enumerate().map(|(l, w)| track(w, l >= frozen)).collect();
            let bp: Vec<Tensor<3>> = net.biases.iter().enumerate().map(|(l, w)| track(w, l >= frozen)).collect();
            let pred = forward(&wp, &bp, x, net.shape.activation, masks.as_deref());
            let mse = (pred - y).square().mean_dim(1); // [E, 1, 1]
            let mse = mse.clone().mask_where(active_mask.clone().bool_not(), mse.zeros_like());
            let grads = mse.sum().backward();
            t += 1;
            for l in frozen..layers {
                if let (Some(gw), Some(gb)) = (wp[l].grad(&grads), bp[l].grad(&grads)) {
                    net.weights[l] = adam::step(&adam_cfg, t, net.weights[l].clone(), gw, &mut w_state[l], &active_mask);
                    net.biases[l] = adam::step(&adam_cfg, t, net.biases[l].clone(), gb, &mut b_state[l], &active_mask);
                }
            }
        }

        // Validation, improvement and stopping, member by member.
        let pred = forward(&net.weights, &net.biases, data.x_val.clone(), net.shape.activation, None);
        let val = to_vec(&(pred - data.y_val.clone()).square().mean_dim(1));
        let mut improved = vec![false; e];
        for m in 0..e {
            if !active[m] {
                continue;
            }
            let o = &mut outcomes[m];
            o.epochs = epoch;
            o.rows_seen += n;
            let v = val[m] as f64;
            if !v.is_finite() {
                o.diverged = true;
                active[m] = false;
            } else if v < o.best_val - 1e-12 {
                o.best_val = v;
                o.best_epoch = epoch;
                bad[m] = 0;
                improved[m] = true;
            } else {
                bad[m] += 1;
                if bad[m] >= cfg.patience {
                    active[m] = false;
                }
            }
        }
        if improved.iter().any(|&i| i) {
            let mask = bool_mask(&improved, device);
            for l in 0..layers {
                best_w[l] = keep_where(&best_w[l], &net.weights[l], &mask);
                best_b[l] = keep_where(&best_b[l], &net.biases[l], &mask);
            }
        }
    }
    net.weights = best_w;
    net.biases = best_b;
    Ok(outcomes)
}

/// A parameter as an autodiff leaf (or a constant when frozen).
fn track(p: &Tensor<3>, trainable: bool) -> Tensor<3> {
    let p = p.clone().autodiff();
    if trainable { p.require_grad() } else { p }
}

/// `current` where `mask` (`[E,1,1]`) is true, else `best`.
fn keep_where(best: &Tensor<3>, current: &Tensor<3>, mask: &Tensor<3, Bool>) -> Tensor<3> {
    best.clone().mask_where(mask.clone().expand(best.dims()), current.clone())
}

fn bool_mask(values: &[bool], device: &Device) -> Tensor<3, Bool> {
    Tensor::<3, Bool>::from_data(TensorData::new(values.to_vec(), [values.len(), 1, 1]), device)
}

/// Fisher–Yates from the member's generator.
fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// Inverted-dropout masks for every hidden layer, drawn per member from its own generator.
fn dropout_masks(net: &EnsembleNet, e: usize, b: usize, p: f64, rngs: &mut [ChaCha8Rng], device: &Device) -> Vec<Tensor<3>> {
    let keep = 1.0 - p;
    let scale = (1.0 / keep) as f32;
    net.shape
        .hidden
        .iter()
        .map(|&width| {
            let mut v = Vec::with_capacity(e * b * width);
            for rng in rngs.iter_mut() {
                v.extend((0..b * width).map(|_| if rng.random::<f64>() < keep { scale } else { 0.0 }));
            }
            Tensor::<3>::from_data(TensorData::new(v, [e, b, width]), device)
        })
        .collect()
}
