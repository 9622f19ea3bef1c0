//! The lock-step training loop: every member's epoch, step by step, as one tensor program.
//!
//! Per epoch the host draws each member's batch order from the member's own generator (the
//! host engine's draws, in the host engine's order) and uploads it as one index tensor; every
//! step then gathers the members' batches on the device (`select` on the stacked rows), runs the
//! batched forward pass, the hand-written backward pass and Adam, without reading anything back.
//! After the epoch the validation predictions `[E, v]` come back in one read: early stopping
//! needs a decision per member and the loop needs to know when every member has stopped, so one
//! read per epoch is unavoidable; reading the predictions rather than a device-side loss lets
//! the host apply exactly the host engine's loss (f32 squares summed in f64) and its
//! `judge_epoch`. The decisions go back as two device masks: `active` (stopped members get a
//! zero update) and `improved` (best-weight snapshots, taken on the device with `mask_where`).

use burn_tensor::{Bool, Device, Int, Tensor, TensorData};
use rand_chacha::ChaCha8Rng;

use crate::engine::adam::{AdamConfig, StepConsts};
use crate::engine::batch::MemberData;
use crate::engine::member::{Verdict, dropout_masks, judge_epoch, member_rng, mse, permutation};
use crate::engine::net::{MemberWeights, NetShape, to_vec};
use crate::engine::train::{Interrupted, TrainConfig, TrainOutcome};

use super::adam::{DeviceMoments, step};
use super::net::{Recorded, StackedLayer, StackedNet, upload_rows};

/// Train E members (`init[k]`, rows `data.train[k]`/`data.val[k]`, seed `seeds[k]`) in lock
/// step on `device`. Returns every member's best weights (still on the device) and what
/// happened to each; `interrupted` is polled before every step.
pub fn train(
    init: &[MemberWeights],
    shape: &NetShape,
    data: &MemberData,
    cfg: &TrainConfig,
    seeds: &[u64],
    device: &Device,
    interrupted: &dyn Fn() -> bool,
) -> Result<(StackedNet, Vec<TrainOutcome>), Interrupted> {
    let e = data.members;
    assert!(init.len() == e && seeds.len() == e, "one initial weight set and one seed per member");
    let (n, v, features) = (data.train_rows, data.val_rows, data.features);
    let layers = shape.layers().len();
    let batch = cfg.batch.clamp(1, n.max(1));
    let frozen = cfg.frozen.min(layers);
    let adam_cfg = AdamConfig::new(cfg.lr, cfg.weight_decay);

    let mut rngs: Vec<ChaCha8Rng> = seeds.iter().map(|&s| member_rng(s)).collect();
    let mut net = StackedNet::upload(shape, init, device);
    let mut best = net.clone();
    let mut outs =
        vec![TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::INFINITY, diverged: false, rows_seen: 0 }; e];
    if n == 0 || v == 0 {
        return Ok((best, outs));
    }
    let mut moments: Vec<Option<(DeviceMoments, DeviceMoments)>> = net
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            (l >= frozen).then(|| (DeviceMoments::zeros_like(&layer.w), DeviceMoments::zeros_like(&layer.b)))
        })
        .collect();
    // The training rows of all members as one `[E·n, features]` table (member k's row r is
    // row k·n + r), so a step's batches are one `select`.
    let train_x: Vec<&[f32]> = data.train.iter().map(|m| m.x.as_slice()).collect();
    let x_train = upload_rows(&train_x, n, features, device).reshape([e * n, features]);
    let y_all: Vec<f32> = data.train.iter().flat_map(|m| m.y.iter().copied()).collect();
    let y_train = Tensor::<1>::from_data(TensorData::new(y_all, [e * n]), device);
    let val_x: Vec<&[f32]> = data.val.iter().map(|m| m.x.as_slice()).collect();
    let x_val = upload_rows(&val_x, v, features, device);

    let mut stopping = Stopping::new(e, cfg.patience, device);
    let mut t = 0usize;
    for epoch in 1..=cfg.max_epochs {
        let perms: Vec<Vec<usize>> = rngs.iter_mut().map(|r| permutation(n, r)).collect();
        let order = Tensor::<1, Int>::from_data(TensorData::new(step_major(&perms, n, batch), [e * n]), device);
        let mut offset = 0;
        for start in (0..n).step_by(batch) {
            if interrupted() {
                return Err(Interrupted);
            }
            let b = batch.min(n - start);
            let rows = order.clone().slice(offset..offset + e * b);
            offset += e * b;
            let xb = x_train.clone().select(0, rows.clone()).reshape([e, b, features]);
            let yb = y_train.clone().select(0, rows).reshape([e, b, 1]);
            let masks = (cfg.dropout > 0.0).then(|| upload_masks(&shape.hidden, b, cfg.dropout, &mut rngs, device));
            let rec = net.forward_recorded(xb, masks.as_deref());
            t += 1;
            let k = StepConsts::new(&adam_cfg, t);
            backward_and_step(&mut net, rec, yb, frozen, &k, &mut moments, &stopping.active);
        }

        // The one read of the epoch: every member's validation predictions.
        let pred = to_vec(&net.predict(&x_val));
        let val_y: Vec<&[f32]> = data.val.iter().map(|m| m.y.as_slice()).collect();
        let improved = stopping.judge(&mut outs, epoch, &pred, &val_y, &vec![n; e], device);
        best.layers = snapshot(best.layers, &net.layers, &improved, device);
        if stopping.all_stopped() {
            break;
        }
    }
    Ok((best, outs))
}

/// Early stopping of E members after each epoch, on the host: the host engine's rule
/// (`judge_epoch`) for each member still training, and `active` (`[E, 1, 1]`, 1.0 for members
/// still training, 0.0 for those stopped) on the device for the masked Adam.
pub(super) struct Stopping {
    bad: Vec<usize>,
    stopped: Vec<bool>,
    patience: usize,
    pub active: Tensor<3>,
}

impl Stopping {
    pub fn new(e: usize, patience: usize, device: &Device) -> Stopping {
        Stopping { bad: vec![0; e], stopped: vec![false; e], patience, active: mask(&vec![true; e], device).float() }
    }

    /// Judge epoch `epoch` of every member still training from its validation predictions
    /// (`pred`, member after member, `val_y[k].len()` each) and count the `rows[k]` training
    /// rows it saw; returns which members improved (their weights are the new best).
    pub fn judge(
        &mut self,
        outs: &mut [TrainOutcome],
        epoch: usize,
        pred: &[f32],
        val_y: &[&[f32]],
        rows: &[usize],
        device: &Device,
    ) -> Vec<bool> {
        let mut improved = vec![false; outs.len()];
        let mut newly_stopped = false;
        let mut start = 0;
        for (k, out) in outs.iter_mut().enumerate() {
            let p = &pred[start..start + val_y[k].len()];
            start += val_y[k].len();
            if self.stopped[k] {
                continue;
            }
            out.epochs = epoch;
            out.rows_seen += rows[k];
            match judge_epoch(out, &mut self.bad[k], mse(p, val_y[k]), epoch, self.patience) {
                Verdict::Improved => improved[k] = true,
                Verdict::Go => {}
                Verdict::Stop => {
                    self.stopped[k] = true;
                    newly_stopped = true;
                }
            }
        }
        if newly_stopped && !self.all_stopped() {
            self.active = mask(&self.stopped.iter().map(|s| !s).collect::<Vec<_>>(), device).float();
        }
        improved
    }

    pub fn all_stopped(&self) -> bool {
        self.stopped.iter().all(|&s| s)
    }
}

/// The batch order of one epoch for all members, step by step: for each step the rows of
/// member 0's batch, then member 1's, …, each as its index in the stacked `[E·n]` table.
fn step_major(perms: &[Vec<usize>], n: usize, batch: usize) -> Vec<i64> {
    let mut idx = Vec::with_capacity(perms.len() * n);
    for start in (0..n).step_by(batch) {
        let end = (start + batch).min(n);
        for (k, perm) in perms.iter().enumerate() {
            idx.extend(perm[start..end].iter().map(|&r| (k * n + r) as i64));
        }
    }
    idx
}

/// `[E, 1, 1]` booleans on the device.
pub(super) fn mask(values: &[bool], device: &Device) -> Tensor<3, Bool> {
    Tensor::<3, Bool>::from_data(TensorData::new(values.to_vec(), [values.len(), 1, 1]), device)
}

/// Each member's dropout masks for one step (drawn from its own generator, as the host engine
/// draws them), uploaded per hidden layer as `[E, rows, width]`.
fn upload_masks(hidden: &[usize], rows: usize, p: f64, rngs: &mut [ChaCha8Rng], device: &Device) -> Vec<Tensor<3>> {
    let e = rngs.len();
    let per_member: Vec<Vec<Vec<f32>>> = rngs.iter_mut().map(|r| dropout_masks(hidden, rows, p, r)).collect();
    hidden
        .iter()
        .enumerate()
        .map(|(l, &width)| {
            let all: Vec<f32> = per_member.iter().flat_map(|m| m[l].iter().copied()).collect();
            Tensor::from_data(TensorData::new(all, [e, rows, width]), device)
        })
        .collect()
}

/// The best-weight snapshots `best` with the members marked in `improved` replaced by their
/// current weights `now`, on the device.
pub(super) fn snapshot(
    best: Vec<StackedLayer>,
    now: &[StackedLayer],
    improved: &[bool],
    device: &Device,
) -> Vec<StackedLayer> {
    if improved.iter().all(|&i| i) {
        return now.to_vec();
    }
    if !improved.iter().any(|&i| i) {
        return best;
    }
    let improved = mask(improved, device);
    best.into_iter()
        .zip(now)
        .map(|(old, new)| {
            let take = |o: Tensor<3>, n: &Tensor<3>| {
                let m = improved.clone().expand(o.dims());
                o.mask_where(m, n.clone())
            };
            StackedLayer { w: take(old.w, &new.w), b: take(old.b, &new.b) }
        })
        .collect()
}

/// The backward pass of every member's batch loss `mean((pred - y)^2)` (the host engine's
/// `mlp.rs`, as batched tensor operations), with one masked Adam step on every layer from
/// `frozen` on; the gradient flowing down reads each layer's weights before they move.
fn backward_and_step(
    net: &mut StackedNet,
    rec: Recorded,
    y: Tensor<3>,
    frozen: usize,
    k: &StepConsts,
    moments: &mut [Option<(DeviceMoments, DeviceMoments)>],
    active: &Tensor<3>,
) {
    let rows = y.dims()[1];
    let scale = 2.0 / rows as f32;
    let Recorded { inputs, mut slopes, out } = rec;
    let mut dz = (out - y).mul_scalar(scale);
    for l in (frozen..net.layers.len()).rev() {
        let x = inputs[l].clone();
        let db = dz.clone().sum_dim(1);
        let dw = x.swap_dims(1, 2).matmul(dz.clone());
        let down = (l > frozen).then(|| {
            let w_t = net.layers[l].w.clone().swap_dims(1, 2);
            dz.clone().matmul(w_t) * slopes.pop().expect("a slope per hidden layer")
        });
        let (wm, bm) = moments[l].as_mut().expect("moments for every trained layer");
        let layer = &mut net.layers[l];
        layer.w = step(k, layer.w.clone(), dw, wm, active);
        layer.b = step(k, layer.b.clone(), db, bm, active);
        match down {
            Some(d) => dz = d,
            None => break,
        }
    }
}
