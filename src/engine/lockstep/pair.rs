//! The lock-step trainer of pairwise models (`pair_net.rs`): all E members of an ensemble as one
//! tensor program on a burn device, the GPU path of a shared-encoder study (`--device
//! cuda|wgpu`, and `cpu-lockstep` on flex).
//!
//! Parameters are stacked per layer as `[E, in, out]` and `[E, 1, out]` (`StackedLayer`, in
//! `PairShape::layers` order: encoder, then each head). The forward pass is `pair_net`'s own
//! (`encode`, `forward`), generic over the rank: with a leading member dimension every product
//! is a batched one. The training rows of all members are uploaded once, as the encoder reads
//! them (a side with its flag, b side with its flag, head inputs; `Table`); a step gathers every
//! member's batch with one `select` per table from an index tensor uploaded once per epoch.
//!
//! **Same training as the host engine (`pair_member.rs`).** The rows of each step are the host
//! engine's (`PairDraws`, drawn from the member's generator in the same order), the loss is the
//! same per member (mean squared error of the target head; multitask λ·source + (1−λ)·target)
//! and the sum over members of those losses is differentiated, so each member's gradient is its
//! own loss's gradient, computed by burn's autodiff through the same operations as the host
//! engine's (which also uses autodiff). Adam is the device Adam of `adam.rs` (the host's
//! formula), masked per member; validation, early stopping and best-weight snapshots are the MLP
//! trainer's (`train.rs`: `Stopping`, `snapshot`). Autodiff here rather than a hand-written
//! backward pass as for the MLP: the pairwise network has five merge operations, multitask heads
//! and a first head layer split by rows, and the host engine differentiates it with autodiff
//! too, so the two engines share the backward formulas by construction.
//!
//! Inside an epoch nothing is read back: gradients, moments, weights and snapshots stay on the
//! device; after each epoch the validation predictions `[E, v]` come back in one read.

use burn_tensor::{Device, Int, Tensor, TensorData};
use rand_chacha::ChaCha8Rng;

use crate::engine::adam::{AdamConfig, StepConsts};
use crate::engine::batch::MemberRows;
use crate::engine::member::member_rng;
use crate::engine::net::{MemberWeights, to_vec};
use crate::engine::pair_member::{PairDraws, PairJob, StepRows};
use crate::engine::pair_net::{PairBatch, PairShape, forward, tracked};
use crate::engine::train::{Interrupted, TrainConfig, TrainOutcome};

use super::adam::{DeviceMoments, step};
use super::net::{EVAL_ROWS, StackedLayer, download_layers, upload_layers};
use super::train::{Stopping, snapshot};

/// The rows of E members (`rows` each) as the encoder reads them, on the device: the a side and
/// the b side (`[E·rows, enc_in]` each, with the flag column when the encoder has one) and the
/// heads' inputs (`[E·rows, cond]`); member k's row r is row k·rows + r.
struct Table {
    a: Tensor<2>,
    b: Tensor<2>,
    cond: Option<Tensor<2>>,
    /// The labels (`[E·rows]`), for training tables.
    y: Option<Tensor<1>>,
    members: usize,
    rows: usize,
}

impl Table {
    /// The rows `x[k]` (row-major, `shape.inputs()` wide) of every member, and their labels.
    fn upload(shape: &PairShape, x: &[&[f32]], y: Option<&[&[f32]]>, device: &Device) -> Table {
        let (s, c, f, ein) = (shape.side, shape.cond, shape.inputs(), shape.enc_in());
        let e = x.len();
        let rows = x.first().map_or(0, |m| m.len() / f.max(1));
        let (mut a, mut b) = (Vec::with_capacity(e * rows * ein), Vec::with_capacity(e * rows * ein));
        let mut cond = Vec::with_capacity(e * rows * c);
        for m in x {
            assert_eq!(m.len(), rows * f, "members of one ensemble have equal row counts");
            for row in m.chunks_exact(f) {
                for (side, offset, flag) in [(&mut a, 0, 0.0f32), (&mut b, s, 1.0)] {
                    side.extend_from_slice(&row[offset..offset + s]);
                    if shape.flag {
                        side.push(flag);
                    }
                }
                cond.extend_from_slice(&row[2 * s..]);
            }
        }
        let table = |v: Vec<f32>, w: usize| Tensor::<2>::from_data(TensorData::new(v, [e * rows, w]), device);
        Table {
            a: table(a, ein),
            b: table(b, ein),
            cond: (c > 0).then(|| table(cond, c)),
            y: y.map(|y| Tensor::from_data(TensorData::new(y.concat(), [e * rows]), device)),
            members: e,
            rows,
        }
    }

    /// The batches of one step: rows `idx` (`E·k` indices into the table, member after member),
    /// with their labels `[E, k, 1]`.
    fn gather(&self, idx: &Tensor<1, Int>, k: usize) -> (PairBatch<3>, Tensor<3>) {
        let e = self.members;
        let pick = |t: &Tensor<2>| {
            let w = t.dims()[1];
            t.clone().select(0, idx.clone()).reshape([e, k, w])
        };
        let batch = PairBatch {
            enc: Tensor::cat(vec![pick(&self.a), pick(&self.b)], 1),
            cond: self.cond.as_ref().map(pick),
            rows: k,
        };
        let y = self.y.as_ref().expect("a training table has labels").clone().select(0, idx.clone()).reshape([e, k, 1]);
        (batch, y)
    }

    /// Rows `start..end` of every member, in order.
    fn range(&self, start: usize, end: usize) -> PairBatch<3> {
        let (e, rows) = (self.members, self.rows);
        let part = |t: &Tensor<2>| {
            let w = t.dims()[1];
            t.clone().reshape([e, rows, w]).narrow(1, start, end - start)
        };
        PairBatch {
            enc: Tensor::cat(vec![part(&self.a), part(&self.b)], 1),
            cond: self.cond.as_ref().map(part),
            rows: end - start,
        }
    }

    /// Predictions `[E, rows]` of head `head` with parameters `p`, at most [`EVAL_ROWS`] rows
    /// of each member per pass; stays on the device.
    fn predict(&self, shape: &PairShape, p: &[(Tensor<3>, Tensor<3>)], head: usize) -> Tensor<2> {
        let e = self.members;
        let mut parts: Vec<Tensor<2>> = (0..self.rows)
            .step_by(EVAL_ROWS)
            .map(|start| {
                let end = (start + EVAL_ROWS).min(self.rows);
                forward(shape, p, &self.range(start, end), head).reshape([e, end - start])
            })
            .collect();
        if parts.len() == 1 { parts.pop().expect("one part") } else { Tensor::cat(parts, 1) }
    }
}

/// The parameters as (weight, bias) pairs, as `pair_net` reads them.
fn plain(layers: &[StackedLayer]) -> Vec<(Tensor<3>, Tensor<3>)> {
    layers.iter().map(|l| (l.w.clone(), l.b.clone())).collect()
}

/// Predictions of head `head` for member k's rows `x[k]` (row-major, `shape.inputs()` wide,
/// equal row counts) with weights `weights[k]`, computed on `device`.
pub fn predict(
    shape: &PairShape,
    weights: &[MemberWeights],
    x: &[&[f32]],
    head: usize,
    device: &Device,
) -> Vec<Vec<f32>> {
    let rows = x.first().map_or(0, |m| m.len() / shape.inputs().max(1));
    if rows == 0 {
        return vec![Vec::new(); x.len()];
    }
    let layers = upload_layers(&shape.layers(), weights, device);
    let pred = to_vec(&Table::upload(shape, x, None, device).predict(shape, &plain(&layers), head));
    pred.chunks_exact(rows).map(<[f32]>::to_vec).collect()
}

/// The rows of one epoch of every member as index tensors into the stacked tables, step by step
/// (for each step member 0's rows, then member 1's, …), with each step's batch size: the target
/// rows (`rows` per member), and the source rows (`source` per member) for multitask.
struct EpochRows {
    target: Tensor<1, Int>,
    source: Option<Tensor<1, Int>>,
    /// Per step: target rows and source rows per member.
    sizes: Vec<(usize, usize)>,
}

impl EpochRows {
    fn new(plans: &[Vec<StepRows>], rows: usize, source: Option<usize>, device: &Device) -> EpochRows {
        let steps = plans.first().map_or(0, Vec::len);
        let mut sizes = Vec::with_capacity(steps);
        let (mut target, mut src) = (Vec::new(), Vec::new());
        for s in 0..steps {
            let k = plans[0][s].0.len();
            let ks = plans[0][s].1.as_ref().map_or(0, Vec::len);
            for (m, plan) in plans.iter().enumerate() {
                let (t, sr) = &plan[s];
                assert!(t.len() == k && sr.as_ref().map_or(0, Vec::len) == ks, "members draw equal batch sizes");
                target.extend(t.iter().map(|&r| (m * rows + r) as i64));
                if let (Some(sr), Some(ns)) = (sr, source) {
                    src.extend(sr.iter().map(|&r| (m * ns + r) as i64));
                }
            }
            sizes.push((k, ks));
        }
        let upload = |v: Vec<i64>| {
            let len = v.len();
            Tensor::<1, Int>::from_data(TensorData::new(v, [len]), device)
        };
        EpochRows { target: upload(target), source: source.map(|_| upload(src)), sizes }
    }
}

/// Train the pairwise members `jobs` (equal row counts: training, validation and source rows)
/// in lock step on `device`, each exactly as `train_pair_member` trains it alone; returns each
/// member's best weights and what happened, in job order. `lambda` weighs the source task
/// (multitask jobs only); `interrupted` is polled before every step.
pub fn train(
    jobs: &[PairJob],
    shape: &PairShape,
    cfg: &TrainConfig,
    lambda: f64,
    device: &Device,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<(MemberWeights, TrainOutcome)>, Interrupted> {
    let e = jobs.len();
    let Some(first) = jobs.first() else { return Ok(Vec::new()) };
    let (n, v) = (first.train.rows(), first.val.rows());
    let sources: Vec<Option<&MemberRows>> = jobs.iter().map(|j| j.source.filter(|s| s.rows() > 0)).collect();
    let ns = sources[0].map(MemberRows::rows);
    assert!(
        jobs.iter()
            .zip(&sources)
            .all(|(j, s)| j.train.rows() == n && j.val.rows() == v && s.map(MemberRows::rows) == ns),
        "the members of one lock-step ensemble have equal row counts"
    );
    let dims = shape.layers();
    let frozen = cfg.frozen.min(dims.len());
    let init: Vec<MemberWeights> = jobs.iter().map(|j| j.init.clone()).collect();
    let mut layers = upload_layers(&dims, &init, device);
    let mut best = layers.clone();
    let mut outs =
        vec![TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::INFINITY, diverged: false, rows_seen: 0 }; e];
    if n == 0 || v == 0 {
        return Ok(init.into_iter().zip(outs).collect());
    }
    let adam_cfg = AdamConfig::new(cfg.lr, cfg.weight_decay);
    let mut moments: Vec<Option<(DeviceMoments, DeviceMoments)>> = layers
        .iter()
        .enumerate()
        .map(|(l, p)| (l >= frozen).then(|| (DeviceMoments::zeros_like(&p.w), DeviceMoments::zeros_like(&p.b))))
        .collect();
    let table = |rows: &[&MemberRows], labels: bool| {
        let x: Vec<&[f32]> = rows.iter().map(|r| r.x.as_slice()).collect();
        let y: Vec<&[f32]> = rows.iter().map(|r| r.y.as_slice()).collect();
        Table::upload(shape, &x, labels.then_some(y.as_slice()), device)
    };
    let train_rows = table(&jobs.iter().map(|j| j.train).collect::<Vec<_>>(), true);
    let val_rows = table(&jobs.iter().map(|j| j.val).collect::<Vec<_>>(), false);
    let val_y: Vec<&[f32]> = jobs.iter().map(|j| j.val.y.as_slice()).collect();
    let source_rows = ns.map(|_| table(&sources.iter().flatten().copied().collect::<Vec<_>>(), true));

    let mut rngs: Vec<ChaCha8Rng> = jobs.iter().map(|j| member_rng(j.seed)).collect();
    let mut draws: Vec<PairDraws> = (0..e).map(|_| PairDraws::new(n, ns, cfg.batch)).collect();
    let mut stopping = Stopping::new(e, cfg.patience, device);
    let target_head = shape.target_head();
    let mut t = 0usize;
    for epoch in 1..=cfg.max_epochs {
        let plans: Vec<Vec<StepRows>> = draws.iter_mut().zip(&mut rngs).map(|(d, r)| d.epoch(r)).collect();
        let rows_seen: Vec<usize> = draws.iter().zip(&plans).map(|(d, p)| d.rows_per_epoch(p)).collect();
        let order = EpochRows::new(&plans, n, ns, device);
        let (mut at, mut at_source) = (0, 0);
        for &(k, ks) in &order.sizes {
            if interrupted() {
                return Err(Interrupted);
            }
            let (tb, y) = train_rows.gather(&order.target.clone().slice(at..at + e * k), k);
            at += e * k;
            let p: Vec<(Tensor<3>, Tensor<3>)> =
                layers.iter().enumerate().map(|(l, s)| tracked(s.w.clone(), s.b.clone(), l >= frozen)).collect();
            // Each member's loss `[E, 1, 1]`, as the host engine's `step_loss` computes it.
            let sq = |batch: &PairBatch<3>, y: Tensor<3>, head: usize| {
                (forward(shape, &p, batch, head) - y).square().mean_dim(1)
            };
            let target_loss = sq(&tb, y, target_head);
            let loss = match (&source_rows, &order.source) {
                (Some(table), Some(idx)) => {
                    let (sb, sy) = table.gather(&idx.clone().slice(at_source..at_source + e * ks), ks);
                    at_source += e * ks;
                    sq(&sb, sy, 0).mul_scalar(lambda) + target_loss.mul_scalar(1.0 - lambda)
                }
                _ => target_loss,
            };
            // The members' losses are independent, so the gradient of their sum is, member by
            // member, the gradient of each one's own loss.
            let grads = loss.sum().backward();
            t += 1;
            let consts = StepConsts::new(&adam_cfg, t);
            for (l, (wt, bt)) in p.iter().enumerate().skip(frozen) {
                let (mw, mb) = moments[l].as_mut().expect("moments for every trained layer");
                let layer = &mut layers[l];
                if let Some(g) = wt.grad(&grads) {
                    layer.w = step(&consts, layer.w.clone(), g, mw, &stopping.active);
                }
                if let Some(g) = bt.grad(&grads) {
                    layer.b = step(&consts, layer.b.clone(), g, mb, &stopping.active);
                }
            }
        }

        // The one read of the epoch: every member's validation predictions.
        let pred = to_vec(&val_rows.predict(shape, &plain(&layers), target_head));
        let improved = stopping.judge(&mut outs, epoch, &pred, &val_y, &rows_seen, device);
        best = snapshot(best, &layers, &improved, device);
        if stopping.all_stopped() {
            break;
        }
    }
    Ok(download_layers(&best, &dims, e).into_iter().zip(outs).collect())
}
