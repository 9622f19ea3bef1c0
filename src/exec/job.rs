//! One job, as both runners (`run`, plain networks, and `pair_run`, a shared encoder) need it: the
//! settings it trains with, the pretrained weights a fine-tune starts from, and its store records
//! (trial rows with their test errors, pretraining records with their weights, failed jobs).

use crate::engine::TrainOutcome;
use crate::engine::net::MemberWeights;
use crate::ir::{Job, JobKind, Plan, TrainSpec};
use crate::results::TrialRow;

use super::error::{Failure, RunError};
use super::health::{explosion, unusable};
use super::members::Member;
use super::store::{PretrainRecord, Record, Store, TestErrors, TrialRecord};

/// The settings `job` trains with, from the plan.
pub fn train_spec<'p>(plan: &'p Plan, job: &Job) -> Result<&'p TrainSpec, RunError> {
    plan.train_spec(&job.kind).ok_or_else(|| Failure::NoTrainingSettings { job: job.id.clone() }.into())
}

/// The record of a job that failed before training: a trial row with NaN MAE and the reason, or
/// a pretraining record without weights.
pub fn failed_record(job: &Job, why: String) -> Record {
    let none = TrainOutcome { epochs: 0, best_epoch: 0, best_val: f64::NAN, diverged: false, rows_seen: 0 };
    match trial_row(job, &none, f64::NAN, 0) {
        Some(mut row) => {
            row.failure = Some(why);
            Record::Trial(TrialRecord { row, identity: job.identity.clone(), test: TestErrors::default() })
        }
        None => Record::Pretrain(PretrainRecord {
            job: job.id.clone(),
            identity: job.identity.clone(),
            seed: job.seed,
            epochs: 0,
            best_epoch: 0,
            best_val: f64::NAN,
            diverged: false,
            weights: String::new(),
            weights_crc: 0,
            retried: Vec::new(),
            failure: Some(why),
            constant_x: Vec::new(),
        }),
    }
}

/// A trained trial's MAE and record: its row (with explosion, constant and clipped inputs) and
/// per-test-row errors. `pred` is empty for a diverged pairwise member.
pub fn trial_record(job: &Job, out: &TrainOutcome, m: &Member, pred: &[f32]) -> (f64, Option<Record>) {
    let mae = if out.diverged { f64::NAN } else { m.test_mae(pred) };
    let test = test_errors(m, pred, out.diverged);
    let record = trial_row(job, out, mae, m.test_y.len()).map(|mut row| {
        row.exploded = if out.diverged { None } else { explosion(m, pred) };
        row.train_rows = m.train.rows();
        row.val_rows = m.val.rows();
        row.constant_x = m.constant_x.clone();
        row.clipped_x = m.clipped_x.clone();
        Record::Trial(TrialRecord { row, identity: job.identity.clone(), test })
    });
    (mae, record)
}

/// The test rows of a member and their absolute errors (NaN for a diverged member).
pub fn test_errors(m: &Member, pred: &[f32], diverged: bool) -> TestErrors {
    let rows = m.test_rows.iter().map(|&r| r as u32).collect();
    let abs_err = if diverged {
        vec![f32::NAN; m.test_rows.len()]
    } else {
        m.abs_errors(pred).into_iter().map(|e| e as f32).collect()
    };
    TestErrors { rows, abs_err }
}

/// Append the pretraining records of `jobs` with their weights (after `retried` retries each) and
/// the source columns each treated as constant.
pub fn store_pretrains(
    store: &mut Store,
    jobs: &[&Job],
    done: &[(TrainOutcome, MemberWeights)],
    retried: &[Vec<u64>],
    constant: &[Vec<String>],
) -> Result<(), RunError> {
    let mut records = Vec::new();
    for (((job, (out, w)), retried), constant) in jobs.iter().zip(done).zip(retried).zip(constant) {
        let (file, crc) = store.write_weights(job, &w.to_bytes())?;
        records.push(Record::Pretrain(PretrainRecord {
            job: job.id.clone(),
            identity: job.identity.clone(),
            seed: job.seed,
            epochs: out.epochs,
            best_epoch: out.best_epoch,
            best_val: out.best_val,
            diverged: out.diverged || !w.all_finite(),
            weights: file,
            weights_crc: crc,
            retried: retried.clone(),
            failure: None,
            constant_x: constant.clone(),
        }));
    }
    Ok(store.append_all(&records)?)
}

/// The trial row of a fine-tune, direct or multitask job (pretraining has none); the caller sets
/// the rows its member trained and validated on (a failed trial trained on none).
pub fn trial_row(job: &Job, out: &TrainOutcome, mae: f64, test_rows: usize) -> Option<TrialRow> {
    let arm = job.kind.arm()?;
    let (n, m, trial) = match job.kind {
        JobKind::Finetune { n, m, trial, .. } | JobKind::Multitask { n, m, trial, .. } => (n, m, trial),
        JobKind::Direct { m, trial } => (0, m, trial),
        JobKind::Pretrain { .. } => return None,
    };
    Some(TrialRow::new(job.id.clone(), arm, n, m, trial, job.seed, mae, out.epochs, out.best_epoch, test_rows))
}

/// The pretrained weights a fine-tune job starts from, for a network of these layers.
pub fn pretrained(store: &Store, layers: &[(usize, usize)], job: &Job) -> Result<MemberWeights, RunError> {
    let JobKind::Finetune { n, replicate, .. } = job.kind else {
        return Err(Failure::NotFinetune { job: job.id.clone() }.into());
    };
    let id = JobKind::Pretrain { n, replicate }.id();
    let rec = job
        .starts_from
        .as_ref()
        .and_then(|identity| store.pretrains.get(identity))
        .ok_or_else(|| Failure::PretrainingMissing { job: job.id.clone(), pretraining: id.clone() })?;
    if let Some(why) = unusable(rec) {
        return Err(Failure::PretrainingUnusable { job: job.id.clone(), why }.into());
    }
    let bytes = store.read_weights(rec)?;
    MemberWeights::from_bytes_layers(layers, &bytes).ok_or_else(|| Failure::WeightsMismatch { pretraining: id }.into())
}
