//! Sharded runs: `sim2real run STUDY --shard I/N --out DIR` trains shard I's share of the plan
//! (`plan::shards`) into DIR, which any number of processes on any number of hosts share; and
//! the merge that `sim2real report DIR` and `sim2real status DIR` read.
//!
//! Several writers, no shared file: every shard writes its own store segment, a complete results
//! store of its own (`shards/I-of-N/store.log`, its pretrained weights in `shards/I-of-N/weights/`,
//! the same append-only checksummed format as a single run's `store.log`). No two processes ever
//! append to one file, so nothing depends on `O_APPEND` or byte-range locks being honoured across
//! hosts (NFS does neither reliably). Readers merge the segments on read: every complete,
//! checksummed line counts, and a segment being written is read up to its last complete line.
//! The only lock is each shard's own `.lock` (`flock`), which makes a second process given the
//! same shard refuse to start; different shards never wait for each other.
//!
//! `shards/manifest.json` records what the directory is a split of (the study file's path and
//! text, `--quick`, N and the training device), so that `report` and `status` can plan the study
//! again and every shard can refuse a directory split another way. It is created once, atomically
//! (a hard link of a complete temporary file, which fails if another shard created it first).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::plan::shards::{Shard, assign, jobs_of};
use crate::results::outputs::{SHARDS_DIR, STORE_LOG};
use crate::results::{Results, TrialRow};

use super::error::{Failure, InputError, RunError};
use super::run::{Loaded, RunOptions, conclude, default_out, train_jobs};
use super::store::{DirLock, Record, STORE_FORMAT, Store, StoreError, Stored, decode};

/// The file in `shards/` that says what the directory is a split of.
pub const MANIFEST: &str = "manifest.json";

/// What a sharded run directory is a split of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The study's name.
    pub study: String,
    /// The study file as the shards were given it (absolute), or the embedded quickstart's name;
    /// its folder is where the study's relative data paths resolve.
    pub path: PathBuf,
    /// The study text the shards run (`report` plans from it, not from the file, which may have
    /// changed since).
    pub text: String,
    pub quick: bool,
    /// N of `--shard I/N`.
    pub shards: usize,
    /// The engine every shard trains with (`cpu`, `cpu-lockstep`, `cuda`, `wgpu`): shards on
    /// different engines would give numbers no single run gives, so they are refused.
    pub device: String,
}

/// The folder of shard `shard`'s store segment inside run directory `dir`.
pub fn shard_dir(dir: &Path, shard: Shard) -> PathBuf {
    dir.join(SHARDS_DIR).join(format!("{}-of-{}", shard.index, shard.count))
}

fn manifest_path(dir: &Path) -> PathBuf {
    dir.join(SHARDS_DIR).join(MANIFEST)
}

/// Whether `dir` is a sharded run directory (holds `shards/manifest.json`).
pub fn is_sharded(dir: &Path) -> bool {
    manifest_path(dir).is_file()
}

/// Read `shards/manifest.json` (None when the directory has none).
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, ManifestError> {
    let path = manifest_path(dir);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|source| ManifestError::Parse { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ManifestError::Read { path, source }),
    }
}

/// Why `shards/manifest.json` cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", .path.display())]
    Parse { path: PathBuf, source: serde_json::Error },
}

/// How a sharded directory differs from the split a shard asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardMismatch {
    #[error("it holds shards of another study text (`{study}`, {})", .path.display())]
    OtherStudy { study: String, path: PathBuf },
    #[error("one is --quick and the other is not")]
    Quick,
    #[error("it is split into {have} shards, this run asks for {want}: give --shard I/{have}")]
    Count { have: usize, want: usize },
    #[error("its shards train on {have}, this one would train on {want}: give --device {have}")]
    Device { have: String, want: String },
}

/// A file operation of a sharded run on `path` failed.
fn io_failure(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |source| Failure::Io { path: path.to_path_buf(), source }
}

/// Create the manifest, or check that the one there agrees with `want`.
fn settle_manifest(dir: &Path, want: &Manifest) -> Result<(), RunError> {
    let path = manifest_path(dir);
    fs::create_dir_all(dir.join(SHARDS_DIR)).map_err(io_failure(dir))?;
    if read_manifest(dir).map_err(Failure::Manifest)?.is_none() {
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        let json = serde_json::to_string_pretty(want).map_err(Failure::Json)?;
        fs::write(&tmp, json).map_err(io_failure(&tmp))?;
        // A hard link creates the name only if nobody did: the first shard's manifest wins, whole.
        let linked = fs::hard_link(&tmp, &path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_failure(&path)(e).into()),
        }
    }
    let have = read_manifest(dir).map_err(Failure::Manifest)?.ok_or(Failure::ManifestVanished { path })?;
    let why = if have.text != want.text || have.study != want.study {
        Some(ShardMismatch::OtherStudy { study: have.study, path: have.path })
    } else if have.quick != want.quick {
        Some(ShardMismatch::Quick)
    } else if have.shards != want.shards {
        Some(ShardMismatch::Count { have: have.shards, want: want.shards })
    } else if have.device != want.device {
        Some(ShardMismatch::Device { have: have.device, want: want.device.clone() })
    } else {
        None
    };
    match why {
        Some(why) => Err(InputError::ShardRefused { dir: dir.to_path_buf(), why }.into()),
        None => Ok(()),
    }
}

/// What one sharded run did.
pub struct ShardOutcome {
    pub dir: PathBuf,
    pub shard: Shard,
    /// Jobs of this shard, and how many of them this invocation trained.
    pub jobs: usize,
    pub trained: usize,
    pub wall_s: f64,
    /// Every shard's progress, read after this one finished.
    pub shards: Vec<ShardStatus>,
}

/// Train shard `shard`'s jobs of a loaded study into `opts.out` (default `runs/<study>/`).
pub fn run_shard(loaded: &Loaded, opts: &RunOptions, shard: Shard) -> Result<ShardOutcome, RunError> {
    let start = Instant::now();
    if opts.fresh {
        return Err(InputError::FreshWithShard.into());
    }
    let engine = Engine::select(opts.device.as_deref())?;
    let dir = opts.out.clone().unwrap_or_else(|| default_out(&loaded.study));
    let path = fs::canonicalize(&loaded.path).unwrap_or_else(|_| loaded.path.clone());
    settle_manifest(
        &dir,
        &Manifest {
            study: loaded.study.name.clone(),
            path,
            text: loaded.text.clone(),
            quick: loaded.plan.quick,
            shards: shard.count,
            device: engine.name().to_string(),
        },
    )?;
    let sdir = shard_dir(&dir, shard);
    let _lock = DirLock::acquire(&sdir).map_err(|e| match e {
        StoreError::Locked { pid, .. } => Failure::ShardBusy { shard, dir: dir.clone(), pid },
        e => Failure::Store(e),
    })?;
    let mut store = Store::open(&sdir, &loaded.study.name, false)?;
    let jobs = jobs_of(&loaded.plan, shard);
    let trained = train_jobs(loaded, &jobs, &mut store, &engine, opts)?;
    drop(store);
    let merged = merge(&dir)?;
    let shards = status(loaded, &merged, shard.count);
    Ok(ShardOutcome { dir, shard, jobs: jobs.len(), trained, wall_s: start.elapsed().as_secs_f64(), shards })
}

/// Every complete, checksummed record of a store log, without writing to it: the reader of a
/// segment another process may be appending to stops at the first incomplete or bad line.
fn read_segment(path: &Path) -> Result<Vec<Record>, Failure> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_failure(path)(e)),
    };
    // Only lines with their '\n' are complete; bytes after the last one may be mid-write.
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for line in bytes[..end].split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        match std::str::from_utf8(line).ok().and_then(decode) {
            Some(rec) => out.push(rec),
            None => break,
        }
    }
    Ok(out)
}

/// Merge the segments of every shard of `dir` (in name order) into what one store holding all
/// their records would hold: every record keyed by its job's identity, exactly as a single run's
/// store keys it (a job in two segments, possible only after a directory was split two ways, is
/// the same result, so the first is kept). Headers and `run` records are not merged: the
/// manifest says what the directory runs, and a record of any other plan's job simply matches
/// no job of it.
pub fn merge(dir: &Path) -> Result<Stored, RunError> {
    let root = dir.join(SHARDS_DIR);
    let mut segments: Vec<PathBuf> = match fs::read_dir(&root) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io_failure(&root)(e).into()),
    };
    segments.sort();
    let mut merged = Stored::default();
    for seg in segments {
        let path = seg.join(STORE_LOG);
        for rec in read_segment(&path)? {
            match rec {
                Record::Header(h) if h.format != STORE_FORMAT => {
                    return Err(Failure::SegmentFormat { path, found: h.format }.into());
                }
                Record::Header(_) | Record::Run(_) => {}
                Record::Pretrain(p) => {
                    merged.pretrains.entry(p.identity.clone()).or_insert(p);
                }
                Record::Trial(t) => {
                    merged.test_errors.entry(t.identity.clone()).or_insert(t.test);
                    merged.trials.entry(t.identity).or_insert(t.row);
                }
            }
        }
    }
    Ok(merged)
}

/// One shard's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShardStatus {
    pub index: usize,
    pub done: usize,
    pub total: usize,
}

/// Done and total jobs of every shard of a split into `count`.
pub fn status(loaded: &Loaded, merged: &Stored, count: usize) -> Vec<ShardStatus> {
    let mut out: Vec<ShardStatus> = (0..count).map(|index| ShardStatus { index, done: 0, total: 0 }).collect();
    for (job, s) in loaded.plan.jobs.iter().zip(assign(&loaded.plan, count)) {
        out[s].total += 1;
        if merged.holds(job) {
            out[s].done += 1;
        }
    }
    out
}

/// The shards with jobs left, and how many jobs are left in all.
pub fn unfinished(shards: &[ShardStatus]) -> (Vec<usize>, usize) {
    let open: Vec<usize> = shards.iter().filter(|s| s.done < s.total).map(|s| s.index).collect();
    (open, shards.iter().map(|s| s.total - s.done).sum())
}

/// "3 of 48 jobs are missing, owned by shards 1 (2 jobs), 3 (1 job)" (None when none is).
pub fn missing_note(shards: &[ShardStatus]) -> Option<String> {
    let (open, missing) = unfinished(shards);
    if open.is_empty() {
        return None;
    }
    let total: usize = shards.iter().map(|s| s.total).sum();
    let owners: Vec<String> = shards
        .iter()
        .filter(|s| s.done < s.total)
        .map(|s| {
            let left = s.total - s.done;
            format!("{} ({left} job{})", s.index, if left == 1 { "" } else { "s" })
        })
        .collect();
    Some(format!(
        "{missing} of {total} jobs are missing, owned by shard{} {} of {}",
        if open.len() == 1 { "" } else { "s" },
        owners.join(", "),
        shards.len()
    ))
}

/// A sharded directory's study, planned again from its manifest.
pub fn load(dir: &Path) -> Result<(Manifest, Loaded), RunError> {
    let manifest = read_manifest(dir)
        .map_err(InputError::ManifestUnreadable)?
        .ok_or_else(|| InputError::NotSharded { dir: dir.to_path_buf() })?;
    let loaded = super::run::load(&manifest.path, &manifest.text, manifest.quick)?;
    Ok((manifest, loaded))
}

/// What `report DIR` made of a sharded directory.
pub struct MergeOutcome {
    /// The study of the manifest, planned again.
    pub loaded: Loaded,
    pub results: Results,
    pub trials: Vec<TrialRow>,
    pub shards: Vec<ShardStatus>,
}

/// Merge whatever the shards of `dir` finished into results.json and trials.csv. With jobs
/// missing the results say so in their warnings (and the grid points they lack are absent).
pub fn report(dir: &Path) -> Result<MergeOutcome, RunError> {
    let (manifest, loaded) = load(dir)?;
    let merged = merge(dir)?;
    let shards = status(&loaded, &merged, manifest.shards);
    let (mut results, trials) = conclude(&loaded, &merged, &manifest.device, dir)?;
    if let Some(note) = missing_note(&shards) {
        results.warnings.push(format!("partial results: {note}; `sim2real report` again once they finish"));
        crate::results::outputs::write_data(dir, &results, &trials)
            .map_err(|source| Failure::WriteResults { dir: dir.to_path_buf(), source })?;
    }
    Ok(MergeOutcome { loaded, results, trials, shards })
}
