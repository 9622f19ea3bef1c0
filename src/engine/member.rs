//! The training run of one member: mini-batch Adam on its own rows in its own order,
//! validation after every epoch, early stopping with best-weight tracking, and a stop flag polled
//! every step. Nothing here depends on other members, so a member trained inside an ensemble is
//! bit-for-bit the member trained alone.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::adam::{AdamConfig, StepConsts};
use super::batch::MemberRows;
use super::crew::Crew;
use super::mlp::{MemberNet, Work};
use super::net::{MemberWeights, NetShape};
use super::train::{Interrupted, TrainConfig, TrainOutcome};

/// One member's job: its starting weights, rows and seed.
pub struct MemberJob<'a> {
    pub init: &'a MemberWeights,
    pub train: &'a MemberRows,
    pub val: &'a MemberRows,
    pub seed: u64,
}

/// Train one member; returns its best weights (the starting ones when no epoch improved) and
/// what happened. The member offers half of its wide products to idle threads of `crew` (same
/// numbers, see `mlp.rs`).
pub fn train_member(
    job: &MemberJob,
    shape: &NetShape,
    cfg: &TrainConfig,
    crew: &Crew,
    stop: &AtomicBool,
) -> Result<(MemberWeights, TrainOutcome), Interrupted> {
    let features = shape.inputs;
    let layers = shape.layers();
    let n = job.train.rows();
    let v = job.val.rows();
    let batch = cfg.batch.clamp(1, n.max(1));
    let frozen = cfg.frozen.min(layers.len());
    let adam_cfg = AdamConfig::new(cfg.lr, cfg.weight_decay);

    let mut rng = member_rng(job.seed);
    let mut net = MemberNet::new(job.init, shape.activation, &layers, Some(crew));
    let mut work = Work::new();
    let mut yb = Vec::with_capacity(batch);
    let mut best = job.init.clone();
    let mut out = TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::INFINITY, diverged: false, rows_seen: 0 };
    let mut bad = 0usize;
    let mut t = 0usize;

    if n == 0 || v == 0 {
        return Ok((best, out));
    }
    for epoch in 1..=cfg.max_epochs {
        let perm = permutation(n, &mut rng);
        for rows in perm.chunks(batch) {
            if stop.load(Ordering::Relaxed) {
                return Err(Interrupted);
            }
            let b = rows.len();
            work.input.clear();
            yb.clear();
            for &r in rows {
                work.input.extend_from_slice(&job.train.x[r * features..(r + 1) * features]);
                yb.push(job.train.y[r]);
            }
            let masks = (cfg.dropout > 0.0).then(|| dropout_masks(&shape.hidden, b, cfg.dropout, &mut rng));
            net.forward(&mut work, b, masks.as_deref(), true);
            t += 1;
            net.backward_and_step(&mut work, &yb, frozen, &StepConsts::new(&adam_cfg, t));
        }

        out.epochs = epoch;
        out.rows_seen += n;
        let pred = net.predict(&job.val.x, v, &mut work);
        match judge_epoch(&mut out, &mut bad, mse(&pred, &job.val.y), epoch, cfg.patience) {
            Verdict::Improved => best = net.weights(),
            Verdict::Go => {}
            Verdict::Stop => break,
        }
    }
    Ok((best, out))
}

/// The generator of a member's batch order and dropout masks (the lock-step trainer draws from
/// the same one, so both engines see the same batches).
pub(super) fn member_rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_ba7c_4a11_0000)
}

/// What early stopping makes of an epoch's validation loss.
pub(super) enum Verdict {
    /// A new best: keep these weights.
    Improved,
    /// No better; keep training.
    Go,
    /// Diverged (non-finite loss) or no improvement for `patience` epochs.
    Stop,
}

/// Records epoch `epoch`'s validation loss `val` in `out` (best loss and epoch, divergence) and
/// counts epochs without improvement in `bad`.
pub(super) fn judge_epoch(out: &mut TrainOutcome, bad: &mut usize, val: f64, epoch: usize, patience: usize) -> Verdict {
    if !val.is_finite() {
        out.diverged = true;
        Verdict::Stop
    } else if val < out.best_val - 1e-12 {
        out.best_val = val;
        out.best_epoch = epoch;
        *bad = 0;
        Verdict::Improved
    } else {
        *bad += 1;
        if *bad >= patience { Verdict::Stop } else { Verdict::Go }
    }
}

/// Mean squared error; squares are taken in f32 (an overflow is a divergence), summed in f64.
pub(super) fn mse(pred: &[f32], y: &[f32]) -> f64 {
    let sum: f64 = pred.iter().zip(y).map(|(p, t)| ((p - t) * (p - t)) as f64).sum();
    sum / y.len().max(1) as f64
}

/// Fisher–Yates from the member's generator.
pub(super) fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// Inverted-dropout masks (already scaled by 1/(1-p)) for every hidden layer of one step.
pub(super) fn dropout_masks(hidden: &[usize], b: usize, p: f64, rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    let keep = 1.0 - p;
    let scale = (1.0 / keep) as f32;
    hidden
        .iter()
        .map(|&width| (0..b * width).map(|_| if rng.random::<f64>() < keep { scale } else { 0.0 }).collect())
        .collect()
}
