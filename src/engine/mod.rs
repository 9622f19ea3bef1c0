//! The training engine: batched ensembles of MLPs on burn.
//!
//! The trials of one grid point train together as ONE tensor program: every weight is a
//! `[E, in, out]` tensor (E = ensemble members), the forward pass is a batched matmul, and each
//! member has its own data, mini-batch order, Adam state, early-stopping counter and best
//! weights. A member's numbers depend only on its own seed and data, never on which other
//! members share the ensemble, so chunking, resuming or running one model alone gives the same
//! result (see tests/engine.rs).
//!
//! On the CPU the members do not step in lock step: each trains on its own (`member.rs`), the
//! threads of the pool taking members one after another (`crew.rs`), entirely on host buffers:
//! gemm called directly into reused buffers, bias + activation, the hand-written backward pass
//! and Adam fused on host slices (`mlp.rs`, `gemm.rs`). A thread without a member left helps the
//! remaining ones with half of each wide product, so a lone member (a pretraining) uses the
//! whole machine; the split is fixed by the layer shapes, so it never changes a number.
//!
//! Files: `device.rs` (backend + threads), `net.rs` (ensemble parameters, init, batched forward
//! for prediction), `activation.rs` (fused bias + activation and slopes), `adam.rs` (fused
//! Adam), `gemm.rs` (host matrix products), `crew.rs` (threads, members and helpers), `mlp.rs`
//! (one member's forward/backward/step), `member.rs` (one member's training run), `batch.rs`
//! (member data), `train.rs` (the ensemble).
//!
//! In the `cuda`/`wgpu` builds the pairwise models and batched prediction run on the device;
//! MLP members still train on the host threads (the earlier per-member device path read the
//! weights back after every Adam step; a lock-step device path is what a GPU would need).
//!
//! Pairwise models (a shared encoder over two inputs, combine, one head per task) use burn's
//! autodiff instead: `pair_net.rs` (shape, forward, prediction), `pair_member.rs` (one member's
//! training, one task or multitask), run over the same pool by `train::run_members`.

pub mod activation;
pub mod adam;
pub mod batch;
pub mod crew;
pub mod gemm;
pub mod device;
pub mod member;
pub mod microkernel;
pub mod mlp;
pub mod net;
pub mod pair_member;
pub mod pair_net;
pub mod train;

pub use batch::MemberData;
pub use device::{base_device, init_threads, training_device};
pub use net::{EnsembleNet, NetShape};
pub use pair_net::PairShape;
pub use train::{TrainConfig, TrainOutcome, run_crew, run_members, train_ensemble};
