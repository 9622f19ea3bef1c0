//! Ensemble MLP parameters: one `[E, in, out]` weight and one `[E, 1, out]` bias tensor per
//! layer, initialised per member from the member's own seed, and the batched forward pass.

use burn::tensor::{Device, Tensor, TensorData, activation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check::model::Activation;

/// Layer widths of one member: inputs → hidden... → 1.
#[derive(Debug, Clone, PartialEq)]
pub struct NetShape {
    pub inputs: usize,
    pub hidden: Vec<usize>,
    pub activation: Activation,
}

impl NetShape {
    /// (fan_in, fan_out) of every linear layer, output layer last.
    pub fn layers(&self) -> Vec<(usize, usize)> {
        let mut dims = vec![self.inputs];
        dims.extend(&self.hidden);
        dims.push(1);
        dims.windows(2).map(|w| (w[0], w[1])).collect()
    }

    /// Multiply–accumulates of one forward pass of one row.
    pub fn macs_per_row(&self) -> usize {
        self.layers().iter().map(|(i, o)| i * o).sum()
    }

    /// Number of parameters of one member.
    pub fn params(&self) -> usize {
        self.layers().iter().map(|(i, o)| i * o + o).sum()
    }
}

/// Host copy of one member's parameters: per layer (weights row-major `[in, out]`, bias `[out]`).
#[derive(Debug, Clone, PartialEq)]
pub struct MemberWeights {
    pub layers: Vec<(Vec<f32>, Vec<f32>)>,
}

impl MemberWeights {
    /// PyTorch's `nn.Linear` default: weights and biases uniform in ±1/sqrt(fan_in).
    pub fn init(shape: &NetShape, seed: u64) -> MemberWeights {
        Self::init_layers(&shape.layers(), seed)
    }

    /// [`MemberWeights::init`] for any list of (fan_in, fan_out) layers.
    pub fn init_layers(layers: &[(usize, usize)], seed: u64) -> MemberWeights {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let layers = layers
            .iter()
            .copied()
            .map(|(fan_in, fan_out)| {
                let bound = 1.0 / (fan_in as f32).sqrt();
                let mut draw = |k: usize| (0..k).map(|_| rng.random_range(-bound..bound)).collect::<Vec<f32>>();
                let w = draw(fan_in * fan_out);
                let b = draw(fan_out);
                (w, b)
            })
            .collect();
        MemberWeights { layers }
    }

    pub fn all_finite(&self) -> bool {
        self.layers.iter().all(|(w, b)| w.iter().chain(b).all(|v| v.is_finite()))
    }

    /// Flat little-endian f32 bytes (weights then bias, layer by layer) for the results store.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (w, b) in &self.layers {
            for v in w.iter().chain(b) {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    pub fn from_bytes(shape: &NetShape, bytes: &[u8]) -> Option<MemberWeights> {
        Self::from_bytes_layers(&shape.layers(), bytes)
    }

    /// [`MemberWeights::from_bytes`] for any list of (fan_in, fan_out) layers.
    pub fn from_bytes_layers(layers: &[(usize, usize)], bytes: &[u8]) -> Option<MemberWeights> {
        let params: usize = layers.iter().map(|(i, o)| i * o + o).sum();
        if bytes.len() != params * 4 {
            return None;
        }
        let mut vals = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let layers = layers
            .iter()
            .copied()
            .map(|(i, o)| {
                let w: Vec<f32> = vals.by_ref().take(i * o).collect();
                let b: Vec<f32> = vals.by_ref().take(o).collect();
                (w, b)
            })
            .collect();
        Some(MemberWeights { layers })
    }
}

/// E members' parameters, resident on the device (without autodiff).
#[derive(Debug, Clone)]
pub struct EnsembleNet {
    pub shape: NetShape,
    pub members: usize,
    /// Per layer: weights `[E, in, out]`.
    pub weights: Vec<Tensor<3>>,
    /// Per layer: biases `[E, 1, out]`.
    pub biases: Vec<Tensor<3>>,
}

impl EnsembleNet {
    pub fn from_members(shape: &NetShape, members: &[MemberWeights], device: &Device) -> EnsembleNet {
        let e = members.len();
        let mut weights = Vec::new();
        let mut biases = Vec::new();
        for (l, (fan_in, fan_out)) in shape.layers().into_iter().enumerate() {
            let w: Vec<f32> = members.iter().flat_map(|m| m.layers[l].0.iter().copied()).collect();
            let b: Vec<f32> = members.iter().flat_map(|m| m.layers[l].1.iter().copied()).collect();
            weights.push(Tensor::<3>::from_data(TensorData::new(w, [e, fan_in, fan_out]), device));
            biases.push(Tensor::<3>::from_data(TensorData::new(b, [e, 1, fan_out]), device));
        }
        EnsembleNet { shape: shape.clone(), members: e, weights, biases }
    }

    pub fn init(shape: &NetShape, seeds: &[u64], device: &Device) -> EnsembleNet {
        let members: Vec<MemberWeights> = seeds.iter().map(|&s| MemberWeights::init(shape, s)).collect();
        Self::from_members(shape, &members, device)
    }

    /// Copy every member's parameters back to the host.
    pub fn to_members(&self) -> Vec<MemberWeights> {
        let layers: Vec<(Vec<f32>, Vec<f32>)> = self
            .weights
            .iter()
            .zip(&self.biases)
            .map(|(w, b)| (to_vec(w), to_vec(b)))
            .collect();
        (0..self.members)
            .map(|e| MemberWeights {
                layers: layers
                    .iter()
                    .zip(self.shape.layers())
                    .map(|((w, b), (i, o))| (w[e * i * o..(e + 1) * i * o].to_vec(), b[e * o..(e + 1) * o].to_vec()))
                    .collect(),
            })
            .collect()
    }

    /// Predictions `[E, rows]` for inputs `[E, rows, in]` (no autodiff, no dropout).
    pub fn predict(&self, x: Tensor<3>) -> Vec<Vec<f32>> {
        let rows = x.dims()[1];
        let out = forward(&self.weights, &self.biases, x, self.shape.activation, None);
        let flat = to_vec(&out);
        flat.chunks(rows.max(1)).take(self.members).map(|c| c.to_vec()).collect()
    }
}

/// The batched forward pass: `x [E, B, in]` → `[E, B, 1]`. Dropout masks (already scaled by
/// 1/(1-p)) multiply the hidden activations when given, one `[E, B, width]` per hidden layer.
pub fn forward(
    weights: &[Tensor<3>],
    biases: &[Tensor<3>],
    x: Tensor<3>,
    act: Activation,
    dropout: Option<&[Tensor<3>]>,
) -> Tensor<3> {
    let last = weights.len() - 1;
    let mut h = x;
    for (l, (w, b)) in weights.iter().zip(biases).enumerate() {
        h = h.matmul(w.clone()) + b.clone();
        if l < last {
            h = apply_activation(h, act);
            if let Some(masks) = dropout {
                h = h * masks[l].clone();
            }
        }
    }
    h
}

/// `act` applied elementwise.
pub fn apply_activation<const D: usize>(h: Tensor<D>, act: Activation) -> Tensor<D> {
    match act {
        Activation::Relu => activation::relu(h),
        Activation::Tanh => activation::tanh(h),
        Activation::Sigmoid => activation::sigmoid(h),
        Activation::Gelu => activation::gelu(h),
    }
}

/// All values of a tensor as f32, row-major.
pub fn to_vec<const D: usize>(t: &Tensor<D>) -> Vec<f32> {
    let data = t.to_data().convert::<f32>();
    data.as_slice::<f32>().map(|s| s.to_vec()).unwrap_or_default()
}
