//! Ensemble MLP parameters: one `[E, in, out]` weight and one `[E, 1, out]` bias tensor per
//! layer, initialised per member from the member's own seed, and the batched forward pass.

use burn_tensor::{Device, Tensor, activation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ir::Activation;

use super::mlp::{MemberNet, Work};

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

/// E members' parameters on the host, and their batched prediction.
///
/// On the CPU a batched `[E, b, in] × [E, in, out]` product is a loop of per-member products
/// anyway, so the members are kept as they train (`member.rs`): one weight set each, no copies
/// into and out of backend tensors around every training (measured: those copies and burn's
/// batched prediction were 15 % of the bench's fine-tuning time).
#[derive(Debug, Clone)]
pub struct EnsembleNet {
    pub shape: NetShape,
    pub members: usize,
    weights: Vec<MemberWeights>,
}

impl EnsembleNet {
    /// The ensemble of `members` (copied). `device` is kept for the API (the CPU engine keeps
    /// the weights on the host).
    pub fn from_members(shape: &NetShape, members: &[MemberWeights], device: &Device) -> EnsembleNet {
        let _ = device;
        Self::from_weights(shape, members.to_vec())
    }

    /// The ensemble of `members` (moved).
    pub fn from_weights(shape: &NetShape, members: Vec<MemberWeights>) -> EnsembleNet {
        EnsembleNet { shape: shape.clone(), members: members.len(), weights: members }
    }

    pub fn init(shape: &NetShape, seeds: &[u64], device: &Device) -> EnsembleNet {
        let members: Vec<MemberWeights> = seeds.iter().map(|&s| MemberWeights::init(shape, s)).collect();
        Self::from_members(shape, &members, device)
    }

    /// A copy of every member's parameters.
    pub fn to_members(&self) -> Vec<MemberWeights> {
        self.weights.clone()
    }

    /// Every member's parameters (no copy).
    pub fn weights(&self) -> &[MemberWeights] {
        &self.weights
    }

    /// Replace the members' parameters (same number of members).
    pub(super) fn set_weights(&mut self, weights: Vec<MemberWeights>) {
        debug_assert_eq!(weights.len(), self.members);
        self.members = weights.len();
        self.weights = weights;
    }

    /// [`EnsembleNet::predict`] by `engine`: on the host, or on the lock-step engine's device.
    pub fn predict_on(&self, engine: &super::device::Engine, x: &[Vec<f32>], rows: usize) -> Vec<Vec<f32>> {
        match engine {
            super::device::Engine::Host => self.predict(x, rows),
            super::device::Engine::Lockstep { device, .. } => {
                super::lockstep::predict(&self.shape, &self.weights, x, rows, device)
            }
        }
    }

    /// Predictions `[E][rows]` for member e's inputs `x[e]` (row-major `[rows, in]`), no dropout;
    /// the members are spread over the thread pool.
    pub fn predict(&self, x: &[Vec<f32>], rows: usize) -> Vec<Vec<f32>> {
        use rayon::prelude::*;
        let layers = self.shape.layers();
        let act = self.shape.activation;
        self.weights
            .par_iter()
            .zip(x.par_iter())
            .with_max_len(1)
            .map(|(w, x)| {
                let net = MemberNet::new(w, act, &layers, None);
                net.predict(x, rows, &mut Work::new())
            })
            .collect()
    }
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
    data.as_slice::<f32>().map(<[f32]>::to_vec).unwrap_or_default()
}
