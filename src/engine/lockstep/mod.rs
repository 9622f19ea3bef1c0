//! The lock-step ensemble trainer: all E members of an ensemble as one tensor program on a burn
//! device — the GPU path of the plain MLP and of pairwise models (`--device cuda|wgpu`), and
//! `--device cpu-lockstep` on burn's CPU backend (flex) for tests.
//!
//! Weights are stacked per layer as `[E, in, out]` (biases `[E, 1, out]`); a step gathers every
//! member's batch from its own rows in its own order, runs one batched product per layer
//! forward and two backward, and one Adam update per parameter tensor, for all members at once.
//! Early stopping is per member through device masks: a stopped member's update is multiplied
//! by zero, and an improving member's weights are copied into the best-weight snapshot with
//! `mask_where`, both on the device. The only read inside training is once per epoch (the
//! validation predictions, see `train.rs`); rows, weights, snapshots and Adam moments stay on
//! the device from upload to the end of training.
//!
//! **Same training as the host engine.** Initial weights, batch order and dropout masks come
//! from the member's seed exactly as in `member.rs` (the same generator, drawn in the same
//! order); the loss, its hand-written gradient (`mlp.rs`), Adam (`adam.rs`, same operations in
//! the same order) and early stopping (`judge_epoch`, `mse`) are the host engine's. What differs
//! is the summation order inside the products and column sums, so members agree with the host
//! engine up to floating-point rounding that training then amplifies (`tests.rs` measures how
//! far: on flex, on this project's CPU, not at all). The pairwise trainer (`pair.rs`) runs the
//! host pairwise engine's own burn operations with a member dimension, so on flex its members
//! are bit-identical to the host engine's by construction (`pair_tests.rs`).
//!
//! **Why a hand-written backward pass, not burn's autodiff:** the gradient of an MLP under MSE
//! is three lines per layer (`dW = xᵀ·dz`, `db = Σ dz`, `dz ← dz·Wᵀ ⊙ act'`), already written
//! and gradient-checked for the host engine, so the two engines share one formula; autodiff
//! would record a graph every step (host work that a GPU waits on), compute gradients for
//! frozen layers' inputs that are thrown away, and leave the Adam update and the masks to be
//! written by hand anyway.
//!
//! Files: `net.rs` (stacked parameters, forward pass, prediction), `adam.rs` (masked Adam on the
//! device), `train.rs` (the epoch loop, early stopping, snapshots), `pair.rs` (the same for
//! pairwise models: burn's autodiff over `pair_net`'s forward pass with a member dimension).

pub mod adam;
pub mod net;
pub mod pair;
#[cfg(test)]
mod pair_tests;
#[cfg(test)]
mod tests;
pub mod train;

pub use net::StackedNet;
pub use train::train;

use burn_tensor::Device;

use super::net::{MemberWeights, NetShape, to_vec};

/// Predictions `[E][rows]` of the members `weights` for member k's inputs `x[k]` (row-major
/// `[rows, in]`), computed on `device`.
pub fn predict(
    shape: &NetShape,
    weights: &[MemberWeights],
    x: &[Vec<f32>],
    rows: usize,
    device: &Device,
) -> Vec<Vec<f32>> {
    let net = StackedNet::upload(shape, weights, device);
    predict_stacked(&net, x, rows, device)
}

/// [`predict`] with weights already on the device.
pub fn predict_stacked(net: &StackedNet, x: &[Vec<f32>], rows: usize, device: &Device) -> Vec<Vec<f32>> {
    let e = x.len();
    if e == 0 || rows == 0 {
        return vec![Vec::new(); e];
    }
    let features = net.dims[0].0;
    let xs: Vec<&[f32]> = x.iter().map(std::vec::Vec::as_slice).collect();
    let pred = to_vec(&net.predict(&net::upload_rows(&xs, rows, features, device)));
    pred.chunks_exact(rows).map(<[f32]>::to_vec).collect()
}
