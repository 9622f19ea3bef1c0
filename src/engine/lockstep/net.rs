//! The E members' MLPs as stacked tensors on one device: per layer a weight `[E, in, out]` and a
//! bias `[E, 1, out]`; the forward pass is one batched product per layer for all members at once.

use burn_tensor::{Device, Tensor, TensorData};

use crate::engine::net::{MemberWeights, NetShape, apply_activation, to_vec};
use crate::ir::Activation;

/// Rows per member in one prediction pass (bounds the activations' memory).
pub(super) const EVAL_ROWS: usize = 8192;

/// One linear layer of every member.
#[derive(Clone)]
pub struct StackedLayer {
    /// `[E, fan_in, fan_out]`.
    pub w: Tensor<3>,
    /// `[E, 1, fan_out]`.
    pub b: Tensor<3>,
}

/// The members' parameters on the device.
#[derive(Clone)]
pub struct StackedNet {
    pub members: usize,
    /// (fan_in, fan_out) of every layer, output layer last.
    pub dims: Vec<(usize, usize)>,
    pub activation: Activation,
    pub layers: Vec<StackedLayer>,
}

/// What a recorded forward pass keeps for the backward pass.
pub struct Recorded {
    /// The input of every layer (`[E, rows, fan_in]`), the batch first.
    pub inputs: Vec<Tensor<3>>,
    /// Per hidden layer: `act'(z)` times the dropout mask.
    pub slopes: Vec<Tensor<3>>,
    /// The predictions `[E, rows, 1]`.
    pub out: Tensor<3>,
}

impl StackedNet {
    /// The members' host weights, uploaded (one tensor per layer and kind).
    pub fn upload(shape: &NetShape, members: &[MemberWeights], device: &Device) -> StackedNet {
        let dims = shape.layers();
        let layers = upload_layers(&dims, members, device);
        StackedNet { members: members.len(), dims, activation: shape.activation, layers }
    }

    /// Every member's parameters, read back (one read per layer and kind).
    pub fn download(&self) -> Vec<MemberWeights> {
        download_layers(&self.layers, &self.dims, self.members)
    }

    /// Forward pass of `x` (`[E, rows, in]`). With `masks` (one per hidden layer, `[E, rows,
    /// width]`, already scaled by 1/(1-p)) the hidden activations are multiplied by them.
    /// Returns what the backward pass needs.
    pub fn forward_recorded(&self, x: Tensor<3>, masks: Option<&[Tensor<3>]>) -> Recorded {
        let last = self.layers.len() - 1;
        let mut inputs = Vec::with_capacity(self.layers.len());
        let mut slopes = Vec::with_capacity(last);
        let mut h = x;
        for (l, layer) in self.layers.iter().enumerate() {
            inputs.push(h.clone());
            let z = h.matmul(layer.w.clone()) + layer.b.clone();
            if l == last {
                return Recorded { inputs, slopes, out: z };
            }
            let (mut a, mut s) = value_and_slope(self.activation, z);
            if let Some(m) = masks.and_then(|m| m.get(l)) {
                a = a * m.clone();
                s = s * m.clone();
            }
            slopes.push(s);
            h = a;
        }
        unreachable!("a net has an output layer")
    }

    /// Predictions `[E, rows]` (no dropout) of `x` (`[E, rows, in]`), at most [`EVAL_ROWS`]
    /// rows of each member per pass; stays on the device.
    pub fn predict(&self, x: &Tensor<3>) -> Tensor<2> {
        let [e, rows, _] = x.dims();
        let mut parts = Vec::new();
        for start in (0..rows).step_by(EVAL_ROWS) {
            let end = (start + EVAL_ROWS).min(rows);
            let mut h = x.clone().slice([0..e, start..end]);
            let last = self.layers.len() - 1;
            for (l, layer) in self.layers.iter().enumerate() {
                let z = h.matmul(layer.w.clone()) + layer.b.clone();
                h = if l == last { z } else { apply_activation(z, self.activation) };
            }
            parts.push(h.reshape([e, end - start]));
        }
        if parts.len() == 1 { parts.pop().expect("one part") } else { Tensor::cat(parts, 1) }
    }
}

/// The members' host weights of layers `dims` ((fan_in, fan_out) each), uploaded as one
/// weight and one bias tensor per layer.
pub fn upload_layers(dims: &[(usize, usize)], members: &[MemberWeights], device: &Device) -> Vec<StackedLayer> {
    let e = members.len();
    dims.iter()
        .enumerate()
        .map(|(l, &(i, o))| {
            let mut w = Vec::with_capacity(e * i * o);
            let mut b = Vec::with_capacity(e * o);
            for m in members {
                w.extend_from_slice(&m.layers[l].0);
                b.extend_from_slice(&m.layers[l].1);
            }
            StackedLayer {
                w: Tensor::from_data(TensorData::new(w, [e, i, o]), device),
                b: Tensor::from_data(TensorData::new(b, [e, 1, o]), device),
            }
        })
        .collect()
}

/// The `e` members' weights of `layers`, read back (one read per layer and kind).
pub fn download_layers(layers: &[StackedLayer], dims: &[(usize, usize)], e: usize) -> Vec<MemberWeights> {
    let mut out: Vec<MemberWeights> = (0..e).map(|_| MemberWeights { layers: Vec::new() }).collect();
    for (layer, &(i, o)) in layers.iter().zip(dims) {
        let w = to_vec(&layer.w);
        let b = to_vec(&layer.b);
        for (k, m) in out.iter_mut().enumerate() {
            m.layers.push((w[k * i * o..(k + 1) * i * o].to_vec(), b[k * o..(k + 1) * o].to_vec()));
        }
    }
    out
}

/// Rows of E members uploaded as `[E, rows, features]` (member-major, as the host keeps them).
pub fn upload_rows(x: &[&[f32]], rows: usize, features: usize, device: &Device) -> Tensor<3> {
    let mut all = Vec::with_capacity(x.len() * rows * features);
    x.iter().for_each(|m| all.extend_from_slice(m));
    Tensor::from_data(TensorData::new(all, [x.len(), rows, features]), device)
}

/// `act(z)` and `act'(z)`, the host engine's formulas (`activation.rs`) as tensor operations.
fn value_and_slope(act: Activation, z: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
    match act {
        Activation::Relu => {
            let slope = z.clone().greater_elem(0.0).float();
            (z.clamp_min(0.0), slope)
        }
        Activation::Tanh => {
            let h = z.tanh();
            let s = (h.clone() * h.clone()).neg().add_scalar(1.0);
            (h, s)
        }
        Activation::Sigmoid => {
            let h = burn_tensor::activation::sigmoid(z);
            let s = h.clone() * h.clone().neg().add_scalar(1.0);
            (h, s)
        }
        Activation::Gelu => {
            let cdf = z.clone().mul_scalar(std::f64::consts::FRAC_1_SQRT_2).erf().add_scalar(1.0).mul_scalar(0.5);
            let pdf =
                (z.clone() * z.clone()).mul_scalar(-0.5).exp().mul_scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt());
            let h = z.clone() * cdf.clone();
            (h, cdf + z * pdf)
        }
    }
}
