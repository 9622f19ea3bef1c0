//! One member's MLP while it trains, entirely on host buffers: the matmuls call gemm directly
//! (`gemm.rs`) into buffers reused from step to step, bias + activation are one pass over each
//! product, the backward pass is hand-written (exactly what autodiff computes for
//! `mean((f(x) - y)^2)`), and Adam is one fused pass per parameter slice.
//!
//! **Wide products** (at least [`WIDE`] output columns) are always computed as two column
//! halves. A member that trains while a thread of the pool is idle (a lone pretraining member)
//! hands one half of each wide product, and of each large Adam step, to that thread; otherwise
//! both halves run in turn on the member's own thread. The split is a property of the layer
//! shapes, so a member's numbers never depend on whether it trained alone, in an ensemble, or on
//! how many threads there were.

use crate::ir::Activation;

use super::activation::{bias_act, bias_only};
use super::adam::{self, Moments, StepConsts};
use super::crew::Crew;
use super::gemm::{MatRef, matmul_cols};
use super::net::MemberWeights;

/// Products with at least this many output columns are computed as two column halves.
pub const WIDE: usize = 128;

/// Adam steps over at least this many parameters are split in two halves (element-wise, so
/// the split never changes a bit; it only lets a second thread take half).
const WIDE_ADAM: usize = 32 * 1024;

/// Rows per forward pass when predicting many rows (bounded buffers).
const EVAL_ROWS: usize = 256;

/// One linear layer: weights row-major `[in, out]`, bias, and Adam moments.
struct Layer {
    fan_in: usize,
    fan_out: usize,
    w: Vec<f32>,
    b: Vec<f32>,
    w_moments: Moments,
    b_moments: Moments,
}

/// The buffers of one forward and backward pass, reused from step to step.
#[derive(Default)]
pub struct Work {
    /// The rows fed to the net, row-major `[rows, inputs]`; fill it, then call
    /// [`MemberNet::forward`].
    pub input: Vec<f32>,
    rows: usize,
    /// Per layer: its output `[rows, fan_out]` (after bias, activation and dropout).
    outs: Vec<Vec<f32>>,
    /// Per hidden layer: `act'(z)` times the dropout mask, recorded by a training pass.
    slopes: Vec<Vec<f32>>,
    dz: Vec<f32>,
    dh: Vec<f32>,
    dw: Vec<f32>,
    db: Vec<f32>,
}

impl Work {
    pub fn new() -> Work {
        Work::default()
    }
}

/// A member's trainable network.
pub struct MemberNet<'c> {
    layers: Vec<Layer>,
    act: Activation,
    /// Where half of each wide product may go (an idle thread).
    crew: Option<&'c Crew>,
}

impl<'c> MemberNet<'c> {
    /// The net with `weights`, layers `shape` ((fan_in, fan_out) each), fresh Adam moments.
    /// With a `crew`, wide products and Adam steps offer half their work to its idle threads
    /// (this changes the speed, never the numbers).
    pub fn new(
        weights: &MemberWeights,
        act: Activation,
        shape: &[(usize, usize)],
        crew: Option<&'c Crew>,
    ) -> MemberNet<'c> {
        let layers = weights
            .layers
            .iter()
            .zip(shape)
            .map(|((w, b), &(fan_in, fan_out))| Layer {
                fan_in,
                fan_out,
                w: w.clone(),
                b: b.clone(),
                w_moments: Moments::lazy(),
                b_moments: Moments::lazy(),
            })
            .collect();
        MemberNet { layers, act, crew }
    }

    /// Host copy of the current parameters.
    pub fn weights(&self) -> MemberWeights {
        MemberWeights { layers: self.layers.iter().map(|l| (l.w.clone(), l.b.clone())).collect() }
    }

    /// `dst = a · b`, wide products as two column halves.
    fn product(&self, dst: &mut Vec<f32>, a: MatRef, b: MatRef) {
        dst.resize(a.rows() * b.ncols(), 0.0);
        let blocks = if b.ncols() >= WIDE { 2 } else { 1 };
        matmul_cols(dst, a, b, blocks, self.crew);
    }

    /// Forward pass of the first `rows` rows of `work.input` (`[rows, in]`) → one prediction
    /// per row. With `masks` (one per hidden layer, already scaled by 1/(1-p)) the hidden
    /// activations are multiplied by them. With `record` the pass keeps what the backward pass
    /// needs (the slopes of the activations).
    pub fn forward<'w>(&self, work: &'w mut Work, rows: usize, masks: Option<&[Vec<f32>]>, record: bool) -> &'w [f32] {
        let last = self.layers.len() - 1;
        work.rows = rows;
        let Work { input, outs, slopes, .. } = work;
        outs.resize_with(self.layers.len(), Vec::new);
        slopes.resize_with(last, Vec::new);
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, rest) = outs.split_at_mut(l);
            let x: &[f32] = if l == 0 { input } else { &before[l - 1] };
            let z = &mut rest[0];
            self.product(
                z,
                MatRef::row_major(x, rows, layer.fan_in),
                MatRef::row_major(&layer.w, layer.fan_in, layer.fan_out),
            );
            if l == last {
                bias_only(z, &layer.b);
                break;
            }
            let mask = masks.and_then(|m| m.get(l));
            if record {
                let slope = &mut slopes[l];
                slope.resize(z.len(), 0.0);
                bias_act(self.act, z, &layer.b, Some(slope));
                if let Some(mask) = mask {
                    for ((v, s), &k) in z.iter_mut().zip(slope.iter_mut()).zip(mask) {
                        *v *= k;
                        *s *= k;
                    }
                }
            } else {
                bias_act(self.act, z, &layer.b, None);
                if let Some(mask) = mask {
                    z.iter_mut().zip(mask).for_each(|(v, &k)| *v *= k);
                }
            }
        }
        &outs[last][..rows]
    }

    /// Predictions for `rows` rows of `x` (row-major `[rows, in]`), [`EVAL_ROWS`] rows per
    /// pass through `work`.
    pub fn predict(&self, x: &[f32], rows: usize, work: &mut Work) -> Vec<f32> {
        let features = self.layers.first().map_or(0, |l| l.fan_in);
        let mut out = Vec::with_capacity(rows);
        for start in (0..rows).step_by(EVAL_ROWS) {
            let n = EVAL_ROWS.min(rows - start);
            work.input.clear();
            work.input.extend_from_slice(&x[start * features..(start + n) * features]);
            out.extend_from_slice(self.forward(work, n, None, false));
        }
        out
    }

    /// Backward pass of the batch loss `mean((pred - y)^2)` through the recorded forward pass
    /// in `work`, with one Adam step on every layer from `frozen` on. Layer l steps as soon as
    /// its gradient and the gradient flowing to layer l-1 (which reads l's pre-step weights)
    /// are computed, so the fresh gradient is still in cache; no gradient depends on a weight
    /// that already moved, so this equals computing all gradients first
    /// (`loss.backward(); opt.step()`).
    pub fn backward_and_step(&mut self, work: &mut Work, y: &[f32], frozen: usize, k: &StepConsts) {
        let crew = self.crew;
        self.backward(work, y, frozen, |layer, dw, db| {
            adam_step(k, &mut layer.w, dw, &mut layer.w_moments, crew);
            adam::step(k, &mut layer.b, db, &mut layer.b_moments);
        });
    }

    /// The gradients of the batch loss `mean((pred - y)^2)` through the recorded forward pass
    /// in `work`, for every layer from `frozen` on, without a step: `(dL/dW [in, out], dL/db)`
    /// per layer index (layers below `frozen` get empty vectors). The same code as training
    /// (`backward_and_step`) computes them; this entry point exists for gradient checks.
    pub fn gradients(&mut self, work: &mut Work, y: &[f32], frozen: usize) -> Vec<(Vec<f32>, Vec<f32>)> {
        let mut grads = vec![(Vec::new(), Vec::new()); self.layers.len()];
        let mut l = self.layers.len();
        self.backward(work, y, frozen, |_, dw, db| {
            l -= 1;
            grads[l] = (dw.to_vec(), db.to_vec());
        });
        grads
    }

    /// The backward pass: for each layer from the last down to `frozen`, computes its weight
    /// and bias gradients and the gradient flowing to the layer below (through the pre-step
    /// weights), then hands the layer and its gradients to `apply` (top layer first).
    fn backward(
        &mut self,
        work: &mut Work,
        y: &[f32],
        frozen: usize,
        mut apply: impl FnMut(&mut Layer, &[f32], &[f32]),
    ) {
        let rows = work.rows;
        let last = self.layers.len() - 1;
        let scale = 2.0 / rows as f32;
        let Work { input, outs, slopes, dz, dh, dw, db, .. } = work;
        // dLoss/dpred, [rows, 1].
        dz.clear();
        dz.extend(outs[last][..rows].iter().zip(y).map(|(p, t)| scale * (p - t)));
        for l in (frozen..self.layers.len()).rev() {
            let (fan_in, fan_out) = (self.layers[l].fan_in, self.layers[l].fan_out);
            let x: &[f32] = if l == 0 { input } else { &outs[l - 1] };
            column_sums(dz, fan_out, db);
            let dz_m = MatRef::row_major(dz, rows, fan_out);
            self.product(dw, MatRef::row_major(x, rows, fan_in).t(), dz_m);
            // Through the weights (before they move), then through the activation (and
            // dropout) of layer l-1.
            let down = l > frozen;
            if down {
                self.product(dh, dz_m, MatRef::row_major(&self.layers[l].w, fan_in, fan_out).t());
                dh.iter_mut().zip(&slopes[l - 1]).for_each(|(g, &s)| *g *= s);
            }
            apply(&mut self.layers[l], dw, db);
            if !down {
                break;
            }
            std::mem::swap(dz, dh);
        }
    }
}

/// One Adam step, large slices as two halves (element-wise: the same bits either way) that an
/// idle thread of `crew` may take.
fn adam_step(k: &StepConsts, param: &mut [f32], grad: &[f32], state: &mut Moments, crew: Option<&Crew>) {
    let Some(crew) = crew.filter(|_| param.len() >= WIDE_ADAM) else {
        return adam::step(k, param, grad, state);
    };
    state.ensure_len(param.len());
    let half = param.len() / 2;
    let (p0, p1) = param.split_at_mut(half);
    let (g0, g1) = grad.split_at(half);
    let (s0, s1) = state.split_at_mut(half);
    crew.join(|| adam::step_parts(k, p0, g0, s0), || adam::step_parts(k, p1, g1, s1));
}

/// Sums over the rows of a row-major `[rows, cols]` slice, into `out`.
fn column_sums(values: &[f32], cols: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize(cols, 0.0);
    for row in values.chunks_exact(cols.max(1)) {
        out.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
    }
}
