//! Running one group of jobs of a study whose model has a shared encoder: every member trains on
//! its own (`engine::pair_member`) over the thread pool; pretrained weights go to the store, the
//! other jobs' test MAEs (target head) to trial records.

use crate::engine::device::base_device;
use crate::engine::net::MemberWeights;
use crate::engine::pair_member::{PairJob, train_pair_member};
use crate::engine::pair_net::predict;
use crate::engine::{TrainConfig, run_members};
use crate::plan::{Job, JobKind, build::pair_shape};

use super::members::Member;
use super::run::{Loaded, RunError, pretrained, store_pretrains, test_errors, trial_row};
use super::store::{Record, Store, TrialRecord};

/// Train `pending` (one group: same kind, n and m) with their `members`; returns test MAEs.
pub fn run_pair_group(
    loaded: &Loaded,
    pending: &[&Job],
    members: &[Member],
    store: &mut Store,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<f64>, RunError> {
    let study = &loaded.study;
    let Some(first) = pending.first() else { return Ok(Vec::new()) };
    let multitask = matches!(first.kind, JobKind::Multitask { .. });
    let shape = pair_shape(study, &loaded.data, if multitask { 2 } else { 1 })
        .ok_or_else(|| RunError::Failed("the model has no shared encoder".into()))?;
    let (spec, frozen) = match first.kind {
        JobKind::Pretrain { .. } => (&study.pretrain, 0),
        JobKind::Finetune { .. } => (&study.finetune, study.finetune.freeze),
        JobKind::Direct { .. } => (study.direct_train(), 0),
        JobKind::Multitask { .. } => (study.multitask.as_ref().map_or(&study.finetune, |m| &m.train), 0),
    };
    let lambda = study.multitask.as_ref().map_or(0.0, |m| m.lambda);
    let cfg = TrainConfig::from_spec(spec, frozen, 0.0);
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
    let device = base_device();
    let results = run_members(&jobs, |job, stop| train_pair_member(job, &shape, &cfg, lambda, &device, stop), interrupted)
        .map_err(|_| RunError::Interrupted)?;
    let (weights, outcomes): (Vec<_>, Vec<_>) = results.into_iter().unzip();

    if let JobKind::Pretrain { .. } = first.kind {
        store_pretrains(store, pending, &outcomes, &weights)?;
        return Ok(Vec::new());
    }
    let mut records = Vec::new();
    let mut maes = Vec::new();
    for (((job, out), m), w) in pending.iter().zip(&outcomes).zip(members).zip(&weights) {
        let pred = if out.diverged { Vec::new() } else { predict(&shape, w, &m.test_x, shape.target_head(), &device) };
        let mae = if out.diverged { f64::NAN } else { m.test_mae(&pred) };
        maes.push(mae);
        let test = test_errors(m, &pred, out.diverged);
        records.extend(trial_row(job, out, mae, m.test_y.len()).map(|row| Record::Trial(TrialRecord { row, test })));
    }
    store.append_all(&records).map_err(|e| RunError::Failed(e.to_string()))?;
    Ok(maes)
}
