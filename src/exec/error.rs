//! The executor's errors: what stops `run`, `run --shard`, `report DIR` and `status DIR`, each
//! variant carrying its data (paths, job ids, counts, the `io::Error` underneath) and writing its
//! message here. Two kinds, two exit codes (README): bad input (`RunError::Input`, exit 2, like
//! study errors) and a failure while running (`RunError::Failed`, exit 3).

use std::path::PathBuf;

use thiserror::Error;

use crate::diag::StudyErrors;
use crate::engine::batch::EnsembleDataError;
use crate::engine::device::DeviceError;
use crate::plan::shards::Shard;

use super::health::Unusable;
use super::members::MemberError;
use super::shards::{MANIFEST, ManifestError, ShardMismatch};
use super::store::{LOG_FILE, STORE_FORMAT, StoreError};

/// Why a command of the executor stopped.
#[derive(Debug, Error)]
pub enum RunError {
    /// Study or data errors (exit code 2).
    #[error("{0}")]
    Study(Box<StudyErrors>),
    /// Bad input that has no place in the study text to point at, e.g. a study file that cannot
    /// be read (exit code 2, like study errors, under every command).
    #[error(transparent)]
    Input(#[from] InputError),
    /// A failure while running (exit code 3).
    #[error(transparent)]
    Failed(#[from] Failure),
    /// Stopped from outside; finished jobs are in the store (exit code 3).
    #[error("interrupted; finished jobs are saved and a rerun resumes")]
    Interrupted,
}

/// Bad input outside the study text: a file or directory that is not what the command needs.
#[derive(Debug, Error)]
pub enum InputError {
    /// The study file cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    StudyUnreadable { path: PathBuf, source: std::io::Error },
    /// `report DIR` on a directory that does not exist.
    #[error("{} is not a run directory (it does not exist)", .dir.display())]
    NotARunDir { dir: PathBuf },
    /// `report DIR`: the directory's store cannot be read.
    #[error(transparent)]
    StoreUnreadable(StoreError),
    /// `report DIR` on a directory without a results store.
    #[error(
        "{} holds no results store ({LOG_FILE}): nothing to report; `sim2real run STUDY --out {}` makes one",
        .dir.display(),
        .dir.display()
    )]
    NoStore { dir: PathBuf },
    /// `report DIR` without `--study` on a store that records no study.
    #[error("the store in {} does not say which study it ran; give it with --study FILE", .dir.display())]
    StudyUnknown { dir: PathBuf },
    /// `run --shard` into a directory split another way.
    #[error("{} cannot take this shard: {why}; or use another --out", .dir.display())]
    ShardRefused { dir: PathBuf, why: ShardMismatch },
    /// `run --shard --fresh`.
    #[error(
        "--fresh cannot be combined with --shard: it would discard only this shard's part of a directory other shards share; remove the directory (or use another --out) to start over"
    )]
    FreshWithShard,
    /// `report DIR` / `status DIR`: the shards' manifest cannot be read.
    #[error(transparent)]
    ManifestUnreadable(ManifestError),
    /// `status DIR` on a directory that is not sharded.
    #[error("{} is not a sharded run directory (no shards/{MANIFEST})", .dir.display())]
    NotSharded { dir: PathBuf },
}

/// A failure while running: the device, the store, a job that cannot train, the files written.
#[derive(Debug, Error)]
pub enum Failure {
    /// `--device` (or `$SIM2REAL_DEVICE`) names no device of this build.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// An ensemble's rows cannot be trained on together.
    #[error(transparent)]
    Ensemble(#[from] EnsembleDataError),
    /// The results store cannot be opened, locked, read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// results.json, trials.csv or the reports cannot be written.
    #[error("writing results to {}: {source}", .dir.display())]
    WriteResults { dir: PathBuf, source: std::io::Error },
    /// The plan has no training settings for a job's phase.
    #[error("the plan has no training settings for {job}")]
    NoTrainingSettings { job: String },
    /// A job that is no fine-tune was asked for its pretrained weights.
    #[error("{job} does not start from a pretrained model")]
    NotFinetune { job: String },
    /// A fine-tune's pretraining is not in the store.
    #[error("{job}: pretraining `{pretraining}` is missing from the store")]
    PretrainingMissing { job: String, pretraining: String },
    /// A fine-tune's pretraining failed or diverged.
    #[error("{job}: {why}")]
    PretrainingUnusable { job: String, why: Unusable },
    /// Stored pretrained weights of another network shape.
    #[error("weights of `{pretraining}` do not match the network; rerun with --fresh")]
    WeightsMismatch { pretraining: String },
    /// Multitask jobs reached the trainer of plain networks.
    #[error("multitask jobs need a model with a shared encoder")]
    MultitaskWithoutEncoder,
    /// Pairwise jobs on a model without a shared encoder.
    #[error("the model has no shared encoder")]
    NoSharedEncoder,
    /// Another process holds this shard's lock.
    #[error(
        "shard {shard} of {} is already being run by another sim2real process (pid {pid}); wait for it to finish, or give another shard",
        .dir.display()
    )]
    ShardBusy { shard: Shard, dir: PathBuf, pid: String },
    /// A file operation of a sharded run on `path` failed.
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The shards' manifest cannot be read back while a shard settles it.
    #[error(transparent)]
    Manifest(ManifestError),
    /// The manifest cannot be serialized.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The manifest disappeared between its creation and its reading.
    #[error("{} vanished", .path.display())]
    ManifestVanished { path: PathBuf },
    /// A shard's store segment of another format.
    #[error(
        "{} is a results store of format {found}, this sim2real reads format {STORE_FORMAT}; remove the directory (or use another --out) and run the shards again",
        .path.display()
    )]
    SegmentFormat { path: PathBuf, found: u32 },
}

/// Why a job cannot start; it is stored as failed (its `failure` text) and the run goes on.
#[derive(Debug, Error)]
pub enum NotStartable {
    /// Its pretraining failed or diverged.
    #[error(transparent)]
    Pretraining(Unusable),
    /// Its rows do not exist or its transforms cannot map them.
    #[error(transparent)]
    Rows(#[from] MemberError),
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        RunError::Failed(Failure::Store(e))
    }
}

impl From<DeviceError> for RunError {
    fn from(e: DeviceError) -> Self {
        RunError::Failed(Failure::Device(e))
    }
}

impl From<EnsembleDataError> for RunError {
    fn from(e: EnsembleDataError) -> Self {
        RunError::Failed(Failure::Ensemble(e))
    }
}

impl RunError {
    /// Whether this is bad input (study errors included: exit code 2) rather than a failure
    /// while running or an interruption (exit code 3).
    pub fn is_input(&self) -> bool {
        matches!(self, RunError::Study(_) | RunError::Input(_))
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::PathBuf;

    use super::*;

    fn io_err() -> io::Error {
        io::Error::new(io::ErrorKind::PermissionDenied, "denied")
    }

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn input_errors_render() {
        let cases: Vec<(InputError, &str)> = vec![
            (InputError::StudyUnreadable { path: p("a.study"), source: io_err() }, "cannot read a.study: denied"),
            (InputError::NotARunDir { dir: p("runs/x") }, "runs/x is not a run directory (it does not exist)"),
            (InputError::StoreUnreadable(StoreError::NotLocked { dir: p("runs/x") }), "could not lock runs/x"),
            (
                InputError::NoStore { dir: p("d") },
                "d holds no results store (store.log): nothing to report; `sim2real run STUDY --out d` makes one",
            ),
            (
                InputError::StudyUnknown { dir: p("d") },
                "the store in d does not say which study it ran; give it with --study FILE",
            ),
            (
                InputError::ShardRefused { dir: p("d"), why: ShardMismatch::Quick },
                "d cannot take this shard: one is --quick and the other is not; or use another --out",
            ),
            (
                InputError::FreshWithShard,
                "--fresh cannot be combined with --shard: it would discard only this shard's part of a directory other shards share; remove the directory (or use another --out) to start over",
            ),
            (
                InputError::ManifestUnreadable(ManifestError::Read {
                    path: p("d/shards/manifest.json"),
                    source: io_err(),
                }),
                "d/shards/manifest.json: denied",
            ),
            (InputError::NotSharded { dir: p("d") }, "d is not a sharded run directory (no shards/manifest.json)"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
            assert!(RunError::from(e).is_input());
        }
    }

    #[test]
    fn failures_render() {
        let unusable = Unusable::Failed { job: "pretrain n=10 r=0".into(), failure: "no rows".into() };
        let shard = Shard { index: 1, count: 4 };
        let json = serde_json::from_str::<u32>("x").unwrap_err();
        let json_text = json.to_string();
        let cases: Vec<(Failure, String)> = vec![
            (
                Failure::Device(DeviceError::Unknown { name: "tpu".into(), available: vec!["cpu"] }),
                "--device tpu: unknown device; available: cpu".into(),
            ),
            (
                Failure::Ensemble(EnsembleDataError::UnequalRows),
                "ensemble members must have equal row counts".into(),
            ),
            (Failure::Store(StoreError::NotLocked { dir: p("d") }), "could not lock d".into()),
            (Failure::WriteResults { dir: p("d"), source: io_err() }, "writing results to d: denied".into()),
            (Failure::NoTrainingSettings { job: "j1".into() }, "the plan has no training settings for j1".into()),
            (Failure::NotFinetune { job: "j1".into() }, "j1 does not start from a pretrained model".into()),
            (
                Failure::PretrainingMissing { job: "j1".into(), pretraining: "p0".into() },
                "j1: pretraining `p0` is missing from the store".into(),
            ),
            (
                Failure::PretrainingUnusable { job: "j1".into(), why: unusable },
                "j1: pretraining `pretrain n=10 r=0` failed: no rows".into(),
            ),
            (
                Failure::WeightsMismatch { pretraining: "p0".into() },
                "weights of `p0` do not match the network; rerun with --fresh".into(),
            ),
            (Failure::MultitaskWithoutEncoder, "multitask jobs need a model with a shared encoder".into()),
            (Failure::NoSharedEncoder, "the model has no shared encoder".into()),
            (
                Failure::ShardBusy { shard, dir: p("d"), pid: "42".into() },
                "shard 1/4 of d is already being run by another sim2real process (pid 42); wait for it to finish, or give another shard".into(),
            ),
            (Failure::Io { path: p("d/shards"), source: io_err() }, "d/shards: denied".into()),
            (
                Failure::Manifest(ManifestError::Read { path: p("m.json"), source: io_err() }),
                "m.json: denied".into(),
            ),
            (Failure::Json(json), json_text),
            (Failure::ManifestVanished { path: p("m.json") }, "m.json vanished".into()),
            (
                Failure::SegmentFormat { path: p("s/store.log"), found: 2 },
                format!(
                    "s/store.log is a results store of format 2, this sim2real reads format {STORE_FORMAT}; remove the directory (or use another --out) and run the shards again"
                ),
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
            assert!(!RunError::from(e).is_input());
        }
    }

    #[test]
    fn run_errors_render() {
        assert_eq!(RunError::Interrupted.to_string(), "interrupted; finished jobs are saved and a rerun resumes");
        assert!(!RunError::Interrupted.is_input());
        let input = RunError::from(InputError::NotARunDir { dir: p("x") });
        assert_eq!(input.to_string(), "x is not a run directory (it does not exist)");
        let failed = RunError::from(StoreError::NotLocked { dir: p("x") });
        assert_eq!(failed.to_string(), "could not lock x");
        let study = RunError::Study(Box::new(StudyErrors::new("a.study", "study a\n", Vec::new())));
        assert!(study.is_input());
        assert_eq!(study.to_string(), StudyErrors::new("a.study", "study a\n", Vec::new()).to_string());
    }

    #[test]
    fn not_startable_renders_its_cause() {
        let e = NotStartable::Rows(MemberError::NoValidation { trial: 2, m: 5 });
        assert_eq!(
            e.to_string(),
            "trial 2: the m = 5 rows cannot be split into validation and training rows by whole groups"
        );
        let e = NotStartable::Pretraining(Unusable::Diverged { job: "p".into(), seeds: vec![1, 7] });
        assert!(e.to_string().starts_with("pretraining `p` diverged in all 2 attempt(s) (seeds 1, 7: "), "{e}");
    }
}
