//! Running one group of jobs of a study whose model has a shared encoder: on the CPU every member
//! trains on its own (`engine::pair_member`) over the thread pool; on a lock-step device
//! (`--device cuda|wgpu|cpu-lockstep`) the members train together as one tensor program
//! (`engine::lockstep::pair`), in ensembles of equal row counts. Pretrained weights go to the
//! store, the other jobs' test MAEs (target head) to trial records.

use crate::engine::lockstep;
use crate::engine::net::MemberWeights;
use crate::engine::pair_member::{PairJob, train_pair_member};
use crate::engine::pair_net::predict;
use crate::engine::{Engine, TrainConfig, TrainOutcome, run_members};
use crate::ir::{Job, JobKind};
use crate::plan::build::pair_shape;

use super::error::{Failure, RunError};
use super::health::{pretrain_diverged, retry_diverged};
use super::job::{pretrained, store_pretrains, train_spec, trial_record};
use super::members::Member;
use super::run::Loaded;
use super::store::Store;

/// Train `pending` (one group: same kind, n and m; on a lock-step engine also equal row
/// counts) with their `members` on `engine`; returns test MAEs.
pub fn run_pair_group(
    loaded: &Loaded,
    pending: &[&Job],
    members: &[&Member],
    store: &mut Store,
    engine: &Engine,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<f64>, RunError> {
    let study = &loaded.study;
    let Some(first) = pending.first() else { return Ok(Vec::new()) };
    let multitask = matches!(first.kind, JobKind::Multitask { .. });
    let shape = pair_shape(study, &loaded.data, if multitask { 2 } else { 1 }).ok_or(Failure::NoSharedEncoder)?;
    let spec = train_spec(&loaded.plan, first)?;
    let frozen = if matches!(first.kind, JobKind::Finetune { .. }) { spec.freeze } else { 0 };
    let lambda = loaded.plan.lambda.unwrap_or(0.0);
    let cfg = TrainConfig::from_spec(spec, frozen, 0.0);
    let device = engine.device();
    // Every member's best weights and outcome, in job order: one by one over the CPU threads,
    // or all together in lock step.
    let train_all = |jobs: &[PairJob]| -> Result<Vec<(MemberWeights, TrainOutcome)>, RunError> {
        match engine {
            Engine::Host => {
                run_members(jobs, |job, stop| train_pair_member(job, &shape, &cfg, lambda, &device, stop), interrupted)
            }
            Engine::Lockstep { .. } => lockstep::pair::train(jobs, &shape, &cfg, lambda, &device, interrupted),
        }
        .map_err(|_| RunError::Interrupted)
    };
    let init: Vec<MemberWeights> = pending
        .iter()
        .map(|j| match j.kind {
            JobKind::Finetune { .. } => pretrained(store, &shape.layers(), j),
            _ => Ok(shape.init(j.seed)),
        })
        .collect::<Result<_, _>>()?;
    let jobs: Vec<PairJob> = pending
        .iter()
        .zip(members)
        .zip(&init)
        .map(|((j, m), w)| PairJob { init: w, train: &m.train, val: &m.val, source: m.source.as_ref(), seed: j.seed })
        .collect();
    let results = train_all(&jobs)?;

    if let JobKind::Pretrain { .. } = first.kind {
        // Diverged pretrainings are retrained from scratch with derived seeds.
        let first: Vec<(TrainOutcome, MemberWeights)> = results.into_iter().map(|(w, o)| (o, w)).collect();
        let seeds: Vec<u64> = pending.iter().map(|j| j.seed).collect();
        let bad = |i: usize, (o, w): &(TrainOutcome, MemberWeights)| {
            pretrain_diverged(o, w, [&members[i].train.y, &members[i].val.y])
        };
        let (mut done, retried) = retry_diverged(&seeds, first, bad, |idx, new_seeds| {
            let inits: Vec<MemberWeights> = new_seeds.iter().map(|&s| shape.init(s)).collect();
            let again: Vec<PairJob> = idx
                .iter()
                .zip(new_seeds)
                .zip(&inits)
                .map(|((&i, &seed), w)| PairJob { init: w, seed, ..jobs[i] })
                .collect();
            Ok::<_, RunError>(train_all(&again)?.into_iter().map(|(w, o)| (o, w)).collect())
        })?;
        for (i, d) in done.iter_mut().enumerate() {
            d.0.diverged = bad(i, d);
        }
        let constant: Vec<Vec<String>> = members.iter().map(|m| m.constant_x.clone()).collect();
        store_pretrains(store, pending, &done, &retried, &constant)?;
        return Ok(Vec::new());
    }
    let head = shape.target_head();
    let preds: Vec<Vec<f32>> = match engine {
        Engine::Host => results
            .iter()
            .zip(members)
            .map(|((w, o), m)| if o.diverged { Vec::new() } else { predict(&shape, w, &m.test_x, head, &device) })
            .collect(),
        Engine::Lockstep { .. } => {
            let weights: Vec<MemberWeights> = results.iter().map(|(w, _)| w.clone()).collect();
            let x: Vec<&[f32]> = members.iter().map(|m| m.test_x.as_slice()).collect();
            lockstep::pair::predict(&shape, &weights, &x, head, &device)
        }
    };
    let mut records = Vec::new();
    let mut maes = Vec::new();
    for (((job, (_, out)), m), pred) in pending.iter().zip(&results).zip(members).zip(preds) {
        let pred = if out.diverged { Vec::new() } else { pred };
        let (mae, record) = trial_record(job, out, m, &pred);
        maes.push(mae);
        records.extend(record);
    }
    store.append_all(&records)?;
    Ok(maes)
}
