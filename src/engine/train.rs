//! Training one ensemble: every member runs its own training (`member.rs`) — its own rows,
//! batch order, Adam state, early stopping and best weights — and the members are spread over
//! the kernel thread pool. On the CPU this is faster than stepping all members in lock step:
//! a member's parameters, gradients and Adam moments (about 4 MB for the 190-512-…-1 net) stay
//! in cache through forward, backward and update, and a member that stops early costs nothing
//! more. A diverging member (non-finite validation loss) is stopped and flagged while the others
//! go on.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::ir::TrainSpec;

use super::batch::MemberData;
use super::crew::Crew;
use super::device::Engine;
use super::member::{MemberJob, train_member};
use super::net::EnsembleNet;

/// Settings of one training phase (pretraining, fine-tuning or direct learning).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub lr: f64,
    pub weight_decay: f64,
    pub batch: usize,
    pub max_epochs: usize,
    pub patience: usize,
    /// The first `frozen` linear layers are not updated.
    pub frozen: usize,
    pub dropout: f64,
}

impl TrainConfig {
    /// The settings of a checked `pretrain`/`finetune`/`multitask` block, with `frozen` leading
    /// layers fixed and `dropout` from the model.
    pub fn from_spec(spec: &TrainSpec, frozen: usize, dropout: f64) -> TrainConfig {
        TrainConfig {
            lr: spec.lr,
            weight_decay: spec.weight_decay,
            batch: spec.batch,
            max_epochs: spec.max_epochs,
            patience: spec.patience,
            frozen,
            dropout,
        }
    }
}

/// What happened to one member.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOutcome {
    /// Epochs trained.
    pub epochs: usize,
    /// 1-based epoch whose weights were kept (0: none improved on the initial weights).
    pub best_epoch: usize,
    /// Validation MSE (transformed units) of the kept weights.
    pub best_val: f64,
    /// The validation loss became NaN or infinite.
    pub diverged: bool,
    /// Training rows processed (for FLOP counts).
    pub rows_seen: usize,
}

/// Training was stopped from outside (Ctrl-C, kernel interrupt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

/// How often the calling thread polls `interrupted` while the members train.
const POLL: Duration = Duration::from_millis(2);

/// Train every member of `net` on its rows in `data`; on return `net` holds each member's best
/// weights. `seeds[e]` drives member e's batch order and dropout. With [`Engine::Host`] the
/// members train one by one over the thread pool, `interrupted` polled by the calling thread
/// every few milliseconds; with [`Engine::Lockstep`] all members train as one tensor program on
/// the engine's device (`lockstep`), `interrupted` polled before every step.
pub fn train_ensemble(
    net: &mut EnsembleNet,
    data: &MemberData,
    cfg: &TrainConfig,
    seeds: &[u64],
    engine: &Engine,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<TrainOutcome>, Interrupted> {
    let e = net.members;
    assert_eq!(e, data.members, "ensemble and data disagree on the number of members");
    assert_eq!(e, seeds.len(), "one seed per member");
    let shape = net.shape.clone();
    let init = net.weights();
    if let Engine::Lockstep { device, .. } = engine {
        let (best, outcomes) = super::lockstep::train(init, &shape, data, cfg, seeds, device, interrupted)?;
        net.set_weights(best.download());
        return Ok(outcomes);
    }
    let jobs: Vec<MemberJob> = (0..e)
        .map(|i| MemberJob { init: &init[i], train: &data.train[i], val: &data.val[i], seed: seeds[i] })
        .collect();
    // Threads without a member left help the others with their wide products.
    let results = run_crew(e, true, |i, crew, stop| train_member(&jobs[i], &shape, cfg, crew, stop), interrupted)?;
    let (weights, outcomes): (Vec<_>, Vec<_>) = results.into_iter().unzip();
    net.set_weights(weights);
    Ok(outcomes)
}

/// Run `train` on every job over the kernel thread pool (each thread takes jobs one after
/// another), polling `interrupted` from the calling thread every few milliseconds; a stop
/// reaches every job at its next step. Results come back in job order.
pub fn run_members<J: Sync, R: Send>(
    jobs: &[J],
    train: impl Fn(&J, &AtomicBool) -> Result<R, Interrupted> + Sync,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<R>, Interrupted> {
    run_crew(jobs.len(), false, |i, _crew, stop| train(&jobs[i], stop), interrupted)
}

/// [`run_members`] over member indices `0..members`, with the [`Crew`] the members may offer
/// work to (`lend`: threads without a member left serve as helpers).
pub fn run_crew<R: Send>(
    members: usize,
    lend: bool,
    train: impl Fn(usize, &Crew, &AtomicBool) -> Result<R, Interrupted> + Sync,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<R>, Interrupted> {
    let stop = AtomicBool::new(false);
    let crew = Crew::new(members, lend);
    let per_thread = std::thread::scope(|scope| {
        // One task per pool thread, each taking members and then helping. Spawned tasks rather
        // than `rayon::broadcast`: a broadcast needs every worker, and would wait forever for one
        // that is blocked in a caller (training started from inside the pool); tasks simply run
        // on the workers that are free.
        let worker = scope.spawn(|| {
            let done = Mutex::new(Vec::new());
            rayon::scope(|s| {
                for _ in 0..rayon::current_num_threads().max(1) {
                    s.spawn(|_| {
                        let mine = crew.work(|i| train(i, &crew, &stop));
                        done.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(mine);
                    });
                }
            });
            done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
        });
        while !worker.is_finished() {
            if interrupted() {
                stop.store(true, Ordering::Relaxed);
            }
            std::thread::sleep(POLL);
        }
        match worker.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    if stop.load(Ordering::Relaxed) {
        return Err(Interrupted);
    }
    let mut results: Vec<(usize, Result<R, Interrupted>)> = per_thread.into_iter().flatten().collect();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
