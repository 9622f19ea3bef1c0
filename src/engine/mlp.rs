//! One member's MLP while it trains: weights stay in backend tensors for the matmuls (burn's
//! gemm), everything else works in place on the matmul outputs' host buffers: bias + activation
//! fused into one pass, a hand-written backward pass (the MLP's gradients, exactly what
//! autodiff computes for `mean((f(x) - y)^2)`), and a fused Adam step per parameter tensor.
//! On the CPU backend moving a buffer between a tensor and the host is free (no copy).

use burn::tensor::{Device, Tensor, TensorData};

use crate::check::model::Activation;

use super::activation::{bias_act, bias_only};
use super::adam::{self, Moments, StepConsts};
use super::net::MemberWeights;

/// One linear layer: weights `[in, out]` on the device, bias on the host, and Adam moments.
struct Layer {
    fan_out: usize,
    w: Tensor<2>,
    b: Vec<f32>,
    w_moments: Moments,
    b_moments: Moments,
}

/// What the backward pass needs from a training forward pass.
pub struct Tape {
    /// The input of every layer (`[rows, fan_in]`), the batch first.
    inputs: Vec<Tensor<2>>,
    /// Per hidden layer: `act'(z)` times the dropout mask, row-major `[rows, width]`.
    slopes: Vec<Vec<f32>>,
    rows: usize,
}

/// A member's trainable network.
pub struct MemberNet {
    layers: Vec<Layer>,
    act: Activation,
    device: Device,
}

/// The host buffer of a tensor as f32 (moved, not copied, when the tensor is not shared and
/// lives on the CPU).
fn data(t: Tensor<2>) -> TensorData {
    t.into_data().convert::<f32>()
}

/// The values of f32 data (see [`data`]; the conversion there makes this infallible).
fn values(d: &TensorData) -> &[f32] {
    d.as_slice::<f32>().unwrap_or(&[])
}

fn values_mut(d: &mut TensorData) -> &mut [f32] {
    d.as_mut_slice::<f32>().unwrap_or(&mut [])
}

/// A `[rows, cols]` tensor holding `values` (no copy on the CPU).
pub fn upload(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::<2>::from_data(TensorData::new(values, [rows, cols]), device)
}

impl MemberNet {
    pub fn new(weights: &MemberWeights, act: Activation, shape: &[(usize, usize)], device: &Device) -> MemberNet {
        let layers = weights
            .layers
            .iter()
            .zip(shape)
            .map(|((w, b), &(fan_in, fan_out))| Layer {
                fan_out,
                w: upload(w.clone(), fan_in, fan_out, device),
                b: b.clone(),
                w_moments: Moments::zeros(fan_in * fan_out),
                b_moments: Moments::zeros(fan_out),
            })
            .collect();
        MemberNet { layers, act, device: device.clone() }
    }

    /// Host copy of the current parameters.
    pub fn weights(&self) -> MemberWeights {
        MemberWeights {
            layers: self.layers.iter().map(|l| (super::net::to_vec(&l.w), l.b.clone())).collect(),
        }
    }

    /// Forward pass of `x` (`[rows, in]`) → one prediction per row. With `masks` (one per hidden
    /// layer, already scaled by 1/(1-p)) the hidden activations are multiplied by them. With
    /// `tape` the pass records what the backward pass needs.
    pub fn forward(&self, x: Tensor<2>, rows: usize, masks: Option<&[Vec<f32>]>, mut tape: Option<&mut Tape>) -> Vec<f32> {
        let last = self.layers.len() - 1;
        let mut h = x;
        if let Some(t) = tape.as_deref_mut() {
            t.inputs.clear();
            t.slopes.clear();
            t.rows = rows;
        }
        for (l, layer) in self.layers.iter().enumerate() {
            if let Some(t) = tape.as_deref_mut() {
                t.inputs.push(h.clone());
            }
            let mut zd = data(h.matmul(layer.w.clone()));
            let z = values_mut(&mut zd);
            if l == last {
                bias_only(z, &layer.b);
                return z.to_vec();
            }
            let mask = masks.and_then(|m| m.get(l));
            match tape.as_deref_mut() {
                Some(t) => {
                    let mut slope = vec![0.0f32; z.len()];
                    bias_act(self.act, z, &layer.b, Some(&mut slope));
                    if let Some(mask) = mask {
                        for ((v, s), &k) in z.iter_mut().zip(slope.iter_mut()).zip(mask) {
                            *v *= k;
                            *s *= k;
                        }
                    }
                    t.slopes.push(slope);
                }
                None => {
                    bias_act(self.act, z, &layer.b, None);
                    if let Some(mask) = mask {
                        z.iter_mut().zip(mask).for_each(|(v, &k)| *v *= k);
                    }
                }
            }
            h = Tensor::<2>::from_data(zd, &self.device);
        }
        Vec::new()
    }

    /// Backward pass of the batch loss `mean((pred - y)^2)` through the taped forward pass,
    /// with one Adam step on every layer from `frozen` on. Layer l steps as soon as its gradient
    /// and the gradient flowing to layer l-1 (which reads l's pre-step weights) are computed, so
    /// the fresh gradient is still in cache; no gradient depends on a weight that already moved,
    /// so this equals computing all gradients first (`loss.backward(); opt.step()`).
    pub fn backward_and_step(&mut self, tape: &Tape, pred: &[f32], y: &[f32], frozen: usize, k: &StepConsts) {
        let rows = tape.rows;
        let scale = 2.0 / rows as f32;
        // dLoss/dpred, [rows, 1].
        let dpred: Vec<f32> = pred.iter().zip(y).map(|(p, t)| scale * (p - t)).collect();
        let mut dz = TensorData::new(dpred, [rows, 1]);
        let device = &self.device;
        for l in (frozen..self.layers.len()).rev() {
            let layer = &mut self.layers[l];
            let db = column_sums(values(&dz), layer.fan_out);
            let dz_t = Tensor::<2>::from_data(dz, device);
            let dw = data(tape.inputs[l].clone().transpose().matmul(dz_t.clone()));
            // Through the weights (before they move), then through the activation (and
            // dropout) of layer l-1.
            let next = (l > frozen).then(|| {
                let mut dh = data(dz_t.matmul(layer.w.clone().transpose()));
                values_mut(&mut dh).iter_mut().zip(&tape.slopes[l - 1]).for_each(|(g, &s)| *g *= s);
                dh
            });
            // The weights tensor is not shared here, so its buffer moves out and back.
            let w = std::mem::replace(&mut layer.w, upload(Vec::new(), 0, 0, device));
            let mut wd = data(w);
            adam::step(k, values_mut(&mut wd), values(&dw), &mut layer.w_moments);
            adam::step(k, &mut layer.b, &db, &mut layer.b_moments);
            layer.w = Tensor::<2>::from_data(wd, device);
            match next {
                Some(dh) => dz = dh,
                None => break,
            }
        }
    }
}

impl Tape {
    pub fn new() -> Tape {
        Tape { inputs: Vec::new(), slopes: Vec::new(), rows: 0 }
    }
}

impl Default for Tape {
    fn default() -> Self {
        Tape::new()
    }
}

/// Sums over the rows of a row-major `[rows, cols]` slice.
fn column_sums(values: &[f32], cols: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; cols];
    for row in values.chunks_exact(cols.max(1)) {
        out.iter_mut().zip(row).for_each(|(o, &v)| *o += v);
    }
    out
}
