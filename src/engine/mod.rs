//! The training engine: ensembles of MLPs (and pairwise models on burn).
//!
//! The trials of one grid point train together as one ensemble job: each member has its own
//! data, mini-batch order, Adam state, early-stopping counter and best weights. A member's
//! numbers depend only on its own seed and data, never on which other members share the
//! ensemble or how many threads run it, so chunking, resuming or running one model alone gives
//! the same result (see tests/engine.rs).
//!
//! On the CPU the members do not step in lock step: each trains on its own (`member.rs`), the
//! threads of the pool taking members one after another (`crew.rs`), entirely on host buffers:
//! gemm called directly into reused buffers, bias + activation, the hand-written backward pass
//! and Adam fused on host slices (`mlp.rs`, `gemm.rs`). A thread without a member left helps the
//! remaining ones with half of each wide product, so a lone member (a pretraining) uses the
//! whole machine; the split is fixed by the layer shapes, so it never changes a number.
//!
//! Files: `device.rs` (backend + threads), `net.rs` (the members' parameters, init,
//! prediction), `activation.rs` (fused bias + activation and slopes), `adam.rs` (fused Adam),
//! `gemm.rs` (host matrix products), `microkernel.rs` (the AVX-512 kernel for thin products),
//! `crew.rs` (threads, members and helpers), `mlp.rs` (one member's forward/backward/step),
//! `member.rs` (one member's training run), `batch.rs` (member data), `train.rs` (the ensemble),
//! `lockstep/` (the lock-step trainer for GPUs).
//!
//! Why not one `[E, in, out]` tensor program stepping all members in lock step: on a CPU a
//! batched product is a loop of per-member products anyway, and stepping members on their own
//! keeps each member's weights and moments in cache through forward, backward and update and
//! lets a member that stopped early cost nothing (BENCHMARKS.md: 4× faster than the lock-step
//! burn version; then 1.5× more GFLOP/s from host buffers, the kernel and the helpers). A GPU
//! wants exactly that lock-step program: `lockstep/` trains all members of an ensemble as one
//! tensor program on a burn device (`--device cuda|wgpu`, and `cpu-lockstep` on flex for tests),
//! with the host engine's seeds, batch order, loss, gradient, Adam and early stopping.
//! [`Engine`] says which of the two trains an ensemble (`train::train_ensemble`).
//!
//! Pairwise models (a shared encoder over two inputs, combine, one head per task) use burn's
//! autodiff instead: `pair_net.rs` (shape, forward, prediction), `pair_member.rs` (one member's
//! training, one task or multitask), run over the same pool by `train::run_members` on the CPU;
//! on a lock-step device `lockstep/pair.rs` trains all members of an ensemble as one program
//! through the same forward pass with a member dimension.

/// The version of the engine's numbers: part of every job's identity (`plan/identity.rs`), so a
/// results store never hands back a job trained by an engine that computes differently. Bump it
/// with any change that alters a trained number (initialisation, batch order, loss, gradient,
/// optimiser, early stopping, prediction, pretraining retries); a rerun then retrains every job
/// instead of mixing old and new numbers. Changes that keep every number (speed, threads, memory)
/// keep it.
pub const ENGINE_VERSION: u32 = 1;

pub mod activation;
pub mod adam;
pub mod batch;
pub mod crew;
pub mod device;
pub mod gemm;
#[cfg(test)]
mod grad_check;
pub mod lockstep;
pub mod member;
pub mod microkernel;
pub mod mlp;
pub mod net;
pub mod pair_member;
pub mod pair_net;
pub mod train;

pub use batch::MemberData;
pub use device::{Engine, base_device, init_threads, training_device};
pub use net::{EnsembleNet, NetShape};
pub use pair_net::PairShape;
pub use train::{TrainConfig, TrainOutcome, run_crew, run_members, train_ensemble};
