//! The training engine: batched ensembles of MLPs on burn.
//!
//! The trials of one grid point train together as ONE tensor program: every weight is a
//! `[E, in, out]` tensor (E = ensemble members), the forward pass is a batched matmul, and each
//! member has its own data, mini-batch order, Adam state, early-stopping counter and best
//! weights. A member's numbers depend only on its own seed and data, never on which other
//! members share the ensemble, so chunking, resuming or running one model alone gives the same
//! result (see tests/engine.rs).
//!
//! Files: `device.rs` (backend + threads), `net.rs` (parameters, init, forward), `adam.rs`
//! (masked Adam), `batch.rs` (member data resident on the device), `train.rs` (the loop).

pub mod adam;
pub mod batch;
pub mod device;
pub mod net;
pub mod train;

pub use batch::MemberData;
pub use device::{base_device, init_threads, training_device};
pub use net::{EnsembleNet, NetShape};
pub use train::{TrainConfig, TrainOutcome, train_ensemble};
