//! The training run of one pairwise-network member (`pair_net.rs`): burn autodiff for the
//! gradients, the engine's fused Adam on host slices, validation on the target head after every
//! epoch, early stopping with best weights, and a stop flag polled every step. Like `member.rs`
//! nothing depends on other members: the result is a function of the job and its seed.
//!
//! One task: each epoch is one pass over the training rows in a fresh order, in batches.
//! Multitask (`source` rows given): each step takes `batch` source rows and `batch` target rows,
//! each cycling through its own permutation (a new one each time it is used up), and minimises
//! λ·mean(source sq err, source head) + (1−λ)·mean(target sq err, target head). An epoch is
//! ⌈max(source rows, target rows) / batch⌉ steps, so every row of both tasks is seen at least
//! once per epoch.

use std::sync::atomic::{AtomicBool, Ordering};

use burn_tensor::{Device, Tensor, TensorData};
use rand_chacha::ChaCha8Rng;

use super::adam::{self, AdamConfig, Moments, StepConsts};
use super::batch::MemberRows;
use super::member::{Verdict, judge_epoch, mse, permutation};
use super::net::{MemberWeights, to_vec};
use super::pair_net::{PairBatch, PairShape, Params, forward, params, predict};
use super::train::{Interrupted, TrainConfig, TrainOutcome};

/// One pairwise member's job.
pub struct PairJob<'a> {
    pub init: &'a MemberWeights,
    /// Target (or, for pretraining, source) training rows: target head.
    pub train: &'a MemberRows,
    /// Validation rows of the same task: early stopping.
    pub val: &'a MemberRows,
    /// Multitask: the source rows, trained through the source head (head 0).
    pub source: Option<&'a MemberRows>,
    pub seed: u64,
}

/// Weight of the source task's loss (multitask only; λ in [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskWeight(pub f64);

/// The loss of one step: λ·mean((ŷ_s − y_s)²) + (1−λ)·mean((ŷ_t − y_t)²) for multitask, the
/// mean squared error of the target head otherwise. `source` is (batch, labels).
pub fn step_loss(
    shape: &PairShape,
    p: &Params,
    target: (&PairBatch, &[f32]),
    source: Option<((&PairBatch, &[f32]), TaskWeight)>,
    device: &Device,
) -> Tensor<1> {
    let sq = |batch: &PairBatch, y: &[f32], head: usize| {
        let y = Tensor::<2>::from_data(TensorData::new(y.to_vec(), [y.len(), 1]), device);
        (forward(shape, p, batch, head) - y).square().mean()
    };
    let target_loss = sq(target.0, target.1, shape.target_head());
    match source {
        None => target_loss,
        Some(((batch, y), TaskWeight(lambda))) => {
            sq(batch, y, 0).mul_scalar(lambda) + target_loss.mul_scalar(1.0 - lambda)
        }
    }
}

/// The rows every step of a member's epoch trains on, drawn from the member's generator: the
/// target rows, then (multitask) the source rows, step by step. Drawn before the epoch's steps
/// run (the draws do not depend on training), so the lock-step trainer (`lockstep/pair.rs`)
/// draws exactly the rows the host engine draws.
pub struct PairDraws {
    target: Cycle,
    source: Option<Cycle>,
    batch: usize,
    steps: usize,
}

/// One step's rows: target rows, and source rows for multitask.
pub type StepRows = (Vec<usize>, Option<Vec<usize>>);

impl PairDraws {
    /// Draws over `n` target rows and (multitask) `source` rows, `batch` rows a step (n > 0).
    pub fn new(n: usize, source: Option<usize>, batch: usize) -> PairDraws {
        let batch = batch.max(1);
        let steps = match source {
            Some(s) => n.max(s).div_ceil(batch),
            None => n.div_ceil(batch.min(n)),
        };
        PairDraws { target: Cycle::new(n), source: source.map(Cycle::new), batch, steps }
    }

    /// One epoch's rows, step by step. One task: the epoch's permutation in order, the last
    /// batch possibly short. Multitask: `batch` rows of each task per step, each cycling through
    /// its own permutations.
    pub fn epoch(&mut self, rng: &mut ChaCha8Rng) -> Vec<StepRows> {
        let n = self.target.n;
        let mut seen = 0;
        (0..self.steps)
            .map(|_| {
                let k = if self.source.is_some() { self.batch.min(n) } else { self.batch.min(n - seen) };
                let idx = self.target.take(k, rng);
                seen += idx.len();
                let src = self.source.as_mut().map(|c| c.take(self.batch.min(c.n), rng));
                (idx, src)
            })
            .collect()
    }

    /// Training rows counted per epoch (`TrainOutcome::rows_seen`): the target rows drawn, plus
    /// `batch` source rows a step for multitask.
    pub fn rows_per_epoch(&self, epoch: &[StepRows]) -> usize {
        let seen: usize = epoch.iter().map(|(t, _)| t.len()).sum();
        seen + self.source.as_ref().map_or(0, |_| self.steps * self.batch)
    }
}

/// Rows drawn in a cycle of fresh permutations.
struct Cycle {
    perm: Vec<usize>,
    pos: usize,
    n: usize,
}

impl Cycle {
    fn new(n: usize) -> Cycle {
        Cycle { perm: Vec::new(), pos: 0, n }
    }

    /// The next `k` rows (k ≤ n), drawing a new permutation whenever this one is used up.
    fn take(&mut self, k: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            if self.pos == self.perm.len() {
                self.perm = permutation(self.n, rng);
                self.pos = 0;
            }
            let take = (k - out.len()).min(self.perm.len() - self.pos);
            out.extend_from_slice(&self.perm[self.pos..self.pos + take]);
            self.pos += take;
        }
        out
    }
}

/// Train one pairwise member; returns its best weights (the starting ones when no epoch
/// improved) and what happened. `lambda` is used only when the job has source rows.
pub fn train_pair_member(
    job: &PairJob,
    shape: &PairShape,
    cfg: &TrainConfig,
    lambda: f64,
    device: &Device,
    stop: &AtomicBool,
) -> Result<(MemberWeights, TrainOutcome), Interrupted> {
    let layers = shape.layers();
    let n = job.train.rows();
    let v = job.val.rows();
    let frozen = cfg.frozen.min(layers.len());
    let adam_cfg = AdamConfig::new(cfg.lr, cfg.weight_decay);
    let mut rng = super::member::member_rng(job.seed);
    let mut weights = job.init.clone();
    let mut moments: Vec<(Moments, Moments)> =
        layers.iter().map(|(i, o)| (Moments::zeros(i * o), Moments::zeros(*o))).collect();
    let mut best = job.init.clone();
    let mut out = TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::INFINITY, diverged: false, rows_seen: 0 };
    let source = job.source.filter(|s| s.rows() > 0);
    if n == 0 || v == 0 {
        return Ok((best, out));
    }
    let mut draws = PairDraws::new(n, source.map(MemberRows::rows), cfg.batch);
    let mut bad = 0usize;
    let mut t = 0usize;
    for epoch in 1..=cfg.max_epochs {
        let steps = draws.epoch(&mut rng);
        for (idx, sidx) in &steps {
            if stop.load(Ordering::Relaxed) {
                return Err(Interrupted);
            }
            let tb = PairBatch::gather(shape, &job.train.x, idx, device);
            let ty: Vec<f32> = idx.iter().map(|&r| job.train.y[r]).collect();
            let src = match (source, sidx) {
                (Some(s), Some(sidx)) => {
                    let sb = PairBatch::gather(shape, &s.x, sidx, device);
                    let sy: Vec<f32> = sidx.iter().map(|&r| s.y[r]).collect();
                    Some((sb, sy))
                }
                _ => None,
            };
            let p = params(shape, &weights, device, Some(frozen));
            let loss = step_loss(
                shape,
                &p,
                (&tb, &ty),
                src.as_ref().map(|(b, y)| ((b, y.as_slice()), TaskWeight(lambda))),
                device,
            );
            let grads = loss.backward();
            t += 1;
            let k = StepConsts::new(&adam_cfg, t);
            for (l, (wt, bt)) in p.iter().enumerate().skip(frozen) {
                let (w, b) = &mut weights.layers[l];
                let (mw, mb) = &mut moments[l];
                if let Some(g) = wt.grad(&grads) {
                    adam::step(&k, w, &to_vec(&g), mw);
                }
                if let Some(g) = bt.grad(&grads) {
                    adam::step(&k, b, &to_vec(&g), mb);
                }
            }
        }
        out.epochs = epoch;
        out.rows_seen += draws.rows_per_epoch(&steps);
        let pred = predict(shape, &weights, &job.val.x, shape.target_head(), device);
        match judge_epoch(&mut out, &mut bad, mse(&pred, &job.val.y), epoch, cfg.patience) {
            Verdict::Improved => best = weights.clone(),
            Verdict::Go => {}
            Verdict::Stop => break,
        }
    }
    Ok((best, out))
}
