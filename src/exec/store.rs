//! The results store: an append-only log in the run directory, one checksummed record per line,
//! written and flushed the moment a job finishes. A killed run loses at most the jobs that were
//! still training; a torn last line is detected by its checksum and discarded. Pretrained
//! weights go to `weights/` (written to a temporary file, then renamed) before their record.
//!
//! Line format: `<crc32 of the JSON, 8 hex digits> <JSON record>\n`.
//!
//! Jobs are kept by their identity (`plan/identity.rs`: a hash of everything that determines a
//! job's result), not by the study's text: a run of an edited study finds every job whose identity
//! did not change and trains the rest. Records of jobs no current plan has stay in the log (an
//! edit undone finds them again). Each invocation of `run` whose study text or `--quick` differs
//! from the last one appends a `run` record with the text, so `sim2real report DIR` can rebuild the
//! plan of a partial run.
//!
//! Format versions ([`STORE_FORMAT`], in the header): 1 (no version field) kept each trial's test
//! MAE only; 2 added the target row index and absolute error of every test row; 3 keys every job
//! by its identity and adds `run` records. A store of another version is refused (with what to do),
//! never misread. Fields added within format 3 must be optional.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ir::{Job, JobKind};
use crate::results::TrialRow;
use crate::results::outputs;

pub const LOG_FILE: &str = outputs::STORE_LOG;

/// The store format this build writes and reads (see the module docs).
pub const STORE_FORMAT: u32 = 3;

/// The store's first record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// [`STORE_FORMAT`] of the writer; stores written before versions existed read as 1.
    #[serde(default = "format_one")]
    pub format: u32,
    /// The name of the study that created the store (for messages; later runs may rename it).
    pub study: String,
    // No thread count: a member's result depends only on its seed, never on how many threads
    // trained the ensemble (tests/reliability_determinism.rs runs one study with 1 and 2 threads
    // and resumes a 1-thread run with 2), so a run may resume with another `--threads`.
}

fn format_one() -> u32 {
    1
}

/// A run of `sim2real run` into the store: the study as it ran, so that a partial run can be
/// planned again without its file (`sim2real report DIR`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The study file as given (absolute when it could be resolved); relative data paths resolve
    /// against its folder.
    pub path: String,
    /// The study's text.
    pub text: String,
    pub quick: bool,
}

/// A finished fine-tune or direct job: its trial row, its identity and the errors of its test rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord {
    #[serde(flatten)]
    pub row: TrialRow,
    /// The job's identity ([`Job::identity`]): the key it is found by.
    pub identity: String,
    pub test: TestErrors,
}

/// The test rows of one trial job: `rows[i]` is a row of the prepared target table and
/// `abs_err[i]` the absolute error of its prediction in label units, stored as f32 (the
/// predictions are f32; JSON `null` for a diverged member).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestErrors {
    pub rows: Vec<u32>,
    #[serde(deserialize_with = "nan_f32s")]
    pub abs_err: Vec<f32>,
}

/// JSON has no NaN: serde_json writes it as `null`; read `null` back as NaN.
fn nan_f32s<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
    Ok(Vec::<Option<f32>>::deserialize(d)?.into_iter().map(|v| v.unwrap_or(f32::NAN)).collect())
}

fn nan_f64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// A finished pretraining job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PretrainRecord {
    pub job: String,
    /// The job's identity ([`Job::identity`]): the key it is found by.
    pub identity: String,
    pub seed: u64,
    pub epochs: usize,
    pub best_epoch: usize,
    /// NaN (JSON `null`) for a pretraining that failed before training.
    #[serde(deserialize_with = "nan_f64")]
    pub best_val: f64,
    pub diverged: bool,
    /// File under `weights/`.
    pub weights: String,
    /// CRC32 of the weights file.
    pub weights_crc: u32,
    /// Seeds of the retries after a divergence (`seed` was the first attempt), in order; the
    /// record's numbers and weights are the last attempt's. `diverged` still true: every attempt
    /// diverged and no fine-tune starts from these weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retried: Vec<u64>,
    /// Why the pretraining could not run (its rows could not be transformed); no weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Source columns treated as constant on this pretraining's rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constant_x: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Header(Header),
    Run(RunRecord),
    Pretrain(PretrainRecord),
    Trial(TrialRecord),
}

/// What a store holds, by job identity.
#[derive(Debug, Default)]
pub struct Stored {
    pub header: Option<Header>,
    /// The latest `run` record.
    pub last_run: Option<RunRecord>,
    pub pretrains: BTreeMap<String, PretrainRecord>,
    pub trials: BTreeMap<String, TrialRow>,
    /// Per-test-row errors of every trial job.
    pub test_errors: BTreeMap<String, TestErrors>,
    /// Lines dropped when reading: the first torn or corrupt record and every line after it.
    pub discarded: usize,
    /// Bytes of the log up to the last good record.
    good_len: u64,
}

impl Stored {
    /// Whether the store holds `job`'s result (by its identity).
    pub fn holds(&self, job: &Job) -> bool {
        match job.kind {
            JobKind::Pretrain { .. } => self.pretrains.contains_key(&job.identity),
            _ => self.trials.contains_key(&job.identity),
        }
    }

    /// The trial row of `job`, if stored.
    pub fn trial(&self, job: &Job) -> Option<&TrialRow> {
        self.trials.get(&job.identity)
    }

    fn add(&mut self, rec: Record) {
        match rec {
            Record::Header(h) => self.header = Some(h),
            Record::Run(r) => self.last_run = Some(r),
            Record::Pretrain(p) => {
                self.pretrains.insert(p.identity.clone(), p);
            }
            Record::Trial(t) => {
                self.test_errors.insert(t.identity.clone(), t.test);
                self.trials.insert(t.identity, t.row);
            }
        }
    }

    /// Read the store in `dir` without locking or changing it: `None` without a store; an error
    /// for a store of another format (before any of its records is interpreted).
    pub fn read(dir: &Path) -> Result<Option<Stored>, StoreError> {
        let path = dir.join(LOG_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let f = File::open(&path).map_err(|e| io(&path, e))?;
        let mut reader = BufReader::new(f);
        let mut stored = Stored::default();
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader.read_line(&mut line).map_err(|e| io(&path, e))?;
            if read == 0 {
                break;
            }
            if stored.header.is_none()
                && let Some(found) = line.strip_suffix('\n').and_then(header_format)
                && found != STORE_FORMAT
            {
                return Err(StoreError::Format { dir: dir.to_path_buf(), found, expected: STORE_FORMAT });
            }
            // Only complete, checksummed lines count; everything from the first bad line on
            // is a torn or corrupt tail.
            match line.strip_suffix('\n').and_then(decode) {
                Some(rec) => {
                    stored.good_len += read as u64;
                    stored.add(rec);
                }
                None => {
                    // Count the dropped tail (every line after it is dropped too).
                    stored.discarded = 1;
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).map_err(|e| io(&path, e))? == 0 {
                            break;
                        }
                        stored.discarded += 1;
                    }
                    break;
                }
            }
        }
        Ok(Some(stored))
    }
}

/// An open store: what it holds ([`Stored`], through `Deref`) and an append handle.
pub struct Store {
    dir: PathBuf,
    file: File,
    stored: Stored,
}

impl std::ops::Deref for Store {
    type Target = Stored;
    fn deref(&self) -> &Stored {
        &self.stored
    }
}

/// Why the store could not be opened, locked, read or written.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A file operation on `path` failed.
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The directory holds a store written in another format.
    #[error("{}", format_refusal(.dir, *.found, *.expected))]
    Format { dir: PathBuf, found: u32, expected: u32 },
    /// Another process holds the directory's lock.
    #[error("{} is in use by another sim2real run (pid {pid}); wait for it or use another --out", .dir.display())]
    Locked { dir: PathBuf, pid: String },
    /// The lock file kept being replaced while we tried to lock it.
    #[error("could not lock {}", .dir.display())]
    NotLocked { dir: PathBuf },
}

fn format_refusal(dir: &Path, found: u32, expected: u32) -> String {
    let by = if found < expected {
        "an earlier sim2real (before format 3 it kept jobs by the study's text, not by what determines each result)"
    } else {
        "a newer sim2real"
    };
    format!(
        "{} holds a results store of format {found}, written by {by}; this sim2real reads and writes format {expected} and cannot reuse it. \
         Rerun with --fresh to start over in that directory (every job trains again) or use --out for another one; \
         `sim2real report {}` still re-renders the results it finished",
        dir.display(),
        dir.display()
    )
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io { path: path.to_path_buf(), source }
}

fn encode(rec: &Record) -> String {
    let json = serde_json::to_string(rec).unwrap_or_default();
    format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
}

/// One line of a store log (without its '\n'): the record, or None for a bad checksum or JSON.
pub fn decode(line: &str) -> Option<Record> {
    let (crc, json) = line.split_once(' ')?;
    let crc = u32::from_str_radix(crc, 16).ok()?;
    if crc32fast::hash(json.as_bytes()) != crc {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// The format of a checksummed header line of any version (a header without `format` is 1).
fn header_format(line: &str) -> Option<u32> {
    let (crc, json) = line.split_once(' ')?;
    if u32::from_str_radix(crc, 16).ok()? != crc32fast::hash(json.as_bytes()) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    (v.get("type")?.as_str()? == "header")
        .then(|| v.get("format").and_then(serde_json::Value::as_u64).map_or(1, |f| f as u32))
}

impl Store {
    /// Open the store in `dir` for the study named `study`: create it if absent (or if `fresh`),
    /// resume it otherwise; refuse a store of another format.
    pub fn open(dir: &Path, study: &str, fresh: bool) -> Result<Store, StoreError> {
        fs::create_dir_all(dir.join(outputs::WEIGHTS_DIR)).map_err(|e| io(dir, e))?;
        let path = dir.join(LOG_FILE);
        if fresh {
            // Every file of the run directory (results::outputs::FILES), so that no figure of an
            // earlier study (a 2-D one's mae_vs_n.svg in a now 1-D run) outlives it.
            for f in outputs::FILES.iter().filter(|f| f.writer != outputs::Writer::Lock) {
                let path = dir.join(f.name);
                let _ = if f.dir { fs::remove_dir_all(path) } else { fs::remove_file(path) };
            }
            fs::create_dir_all(dir.join(outputs::WEIGHTS_DIR)).map_err(|e| io(dir, e))?;
        }
        let mut stored = Stored::read(dir)?.unwrap_or_default();
        let file = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| io(&path, e))?;
        if stored.discarded > 0 || (stored.header.is_none() && stored.good_len > 0) {
            file.set_len(stored.good_len).map_err(|e| io(&path, e))?;
        }
        // Pretrained weights whose file is missing or corrupt are redone (a failed pretraining
        // has none).
        stored.pretrains.retain(|_, p: &mut PretrainRecord| {
            p.failure.is_some()
                || fs::read(dir.join(outputs::WEIGHTS_DIR).join(&p.weights))
                    .is_ok_and(|b| crc32fast::hash(&b) == p.weights_crc)
        });
        let fresh_log = stored.header.is_none();
        let mut store = Store { dir: dir.to_path_buf(), file, stored };
        if fresh_log {
            store.append(&Record::Header(Header { format: STORE_FORMAT, study: study.to_string() }))?;
        }
        Ok(store)
    }

    /// Record the study a run runs, unless the last `run` record already says so.
    pub fn note_run(&mut self, run: RunRecord) -> Result<(), StoreError> {
        if self.stored.last_run.as_ref() == Some(&run) {
            return Ok(());
        }
        self.append(&Record::Run(run))
    }

    /// Append records and flush them to disk before returning.
    pub fn append_all(&mut self, records: &[Record]) -> Result<(), StoreError> {
        let text: String = records.iter().map(encode).collect();
        let path = self.dir.join(LOG_FILE);
        self.file.write_all(text.as_bytes()).map_err(|e| io(&path, e))?;
        self.file.sync_data().map_err(|e| io(&path, e))?;
        for r in records {
            self.stored.add(r.clone());
        }
        Ok(())
    }

    pub fn append(&mut self, record: &Record) -> Result<(), StoreError> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Write a job's weights file atomically; returns (file name, crc). The name holds the job's
    /// id and the start of its identity, so the weights of an edited pretraining never replace
    /// those of the one it was before.
    pub fn write_weights(&self, job: &Job, bytes: &[u8]) -> Result<(String, u32), StoreError> {
        let name = format!("{}-{}.bin", job.id.replace([' ', '='], "_"), &job.identity[..job.identity.len().min(16)]);
        let path = self.dir.join(outputs::WEIGHTS_DIR).join(&name);
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
        File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        Ok((name, crc32fast::hash(bytes)))
    }

    pub fn read_weights(&self, record: &PretrainRecord) -> Result<Vec<u8>, StoreError> {
        let path = self.dir.join(outputs::WEIGHTS_DIR).join(&record.weights);
        fs::read(&path).map_err(|e| io(&path, e))
    }
}

/// An exclusive lock on a run directory, released on drop (and by the OS when the process dies,
/// even by SIGKILL). The lock is an advisory `flock` on `.lock`, which holds the owner's pid for
/// the error message; a `.lock` file left behind by a dead process is simply locked again.
pub struct DirLock {
    path: PathBuf,
    /// Holds the OS lock for as long as it is open.
    _file: File,
}

impl DirLock {
    pub fn acquire(dir: &Path) -> Result<DirLock, StoreError> {
        fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let path = dir.join(outputs::LOCK_FILE);
        for _ in 0..100 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let pid = fs::read_to_string(&path).unwrap_or_default();
                    let pid = if pid.trim().is_empty() { "unknown".to_string() } else { pid.trim().to_string() };
                    return Err(StoreError::Locked { dir: dir.to_path_buf(), pid });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(&path, e)),
            }
            // A previous owner may have removed the file between our open and our lock: then we
            // locked an orphaned file and must try again on the path's current file.
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(|e| io(&path, e))?;
            write!(file, "{}", std::process::id()).map_err(|e| io(&path, e))?;
            return Ok(DirLock { path, _file: file });
        }
        Err(StoreError::NotLocked { dir: dir.to_path_buf() })
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked, so no other run can lock this file and then lose it.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Arm;

    fn row() -> TrialRow {
        TrialRow {
            job: "direct m=5 t=0".into(),
            arm: Arm::Direct,
            n: 0,
            m: 5,
            trial: 0,
            seed: 1,
            mae: 0.5,
            epochs: 3,
            best_epoch: 2,
            test_rows: 2,
            failure: None,
            exploded: None,
            constant_x: Vec::new(),
            clipped_x: Default::default(),
            train_rows: 4,
            val_rows: 1,
        }
    }

    fn job(identity: &str) -> Job {
        Job {
            id: "direct m=5 t=0".into(),
            kind: JobKind::Direct { m: 5, trial: 0 },
            seed: 1,
            identity: identity.into(),
            starts_from: None,
            train_rows: 4,
            val_rows: 1,
            test_rows: 2,
            max_epochs: 3,
            flops_max: 0.0,
        }
    }

    #[test]
    fn a_trial_record_keeps_its_test_errors_through_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let row = row();
        let test = TestErrors { rows: vec![4, 1], abs_err: vec![0.25, f32::NAN] };
        let mut s = Store::open(dir.path(), "s", false).unwrap();
        s.append(&Record::Trial(TrialRecord { row: row.clone(), identity: "abc".into(), test })).unwrap();
        drop(s);
        let s = Store::open(dir.path(), "s", false).unwrap();
        assert_eq!(s.trials["abc"], row);
        let back = &s.test_errors["abc"];
        assert_eq!(back.rows, [4, 1]);
        assert_eq!(back.abs_err[0], 0.25);
        assert!(back.abs_err[1].is_nan());
        assert_eq!(s.discarded, 0);
    }

    /// Jobs are found by identity, not by id: the same id with another identity (an edited
    /// study's job) is not held; the old record stays, so undoing the edit finds it again.
    #[test]
    fn jobs_are_found_by_identity_not_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path(), "s", false).unwrap();
        s.append(&Record::Trial(TrialRecord { row: row(), identity: "old".into(), test: TestErrors::default() }))
            .unwrap();
        assert!(s.holds(&job("old")));
        assert!(!s.holds(&job("new")));
        drop(s);
        let s = Store::open(dir.path(), "renamed", false).unwrap();
        assert!(s.holds(&job("old")) && !s.holds(&job("new")));
        assert_eq!(s.header.as_ref().map(|h| h.study.as_str()), Some("s"), "the header is written once");
    }

    #[test]
    fn a_run_record_is_appended_only_when_the_study_changes() {
        let dir = tempfile::tempdir().unwrap();
        let run = |text: &str| RunRecord { path: "/s.study".into(), text: text.into(), quick: false };
        let lines = || fs::read_to_string(dir.path().join(LOG_FILE)).unwrap().lines().count();
        let mut s = Store::open(dir.path(), "s", false).unwrap();
        s.note_run(run("a")).unwrap();
        s.note_run(run("a")).unwrap();
        assert_eq!(lines(), 2, "header and one run record");
        drop(s);
        let mut s = Store::open(dir.path(), "s", false).unwrap();
        s.note_run(run("a")).unwrap();
        assert_eq!(lines(), 2);
        s.note_run(run("b")).unwrap();
        assert_eq!(lines(), 3);
        assert_eq!(Stored::read(dir.path()).unwrap().unwrap().last_run, Some(run("b")));
    }

    #[test]
    fn stores_of_older_formats_are_refused_not_misread() {
        // A format-1 store: the header has no `format`, trial records no `test`.
        let old = r#"{"type":"header","study":"s","study_sha256":"a","data_sha256":"b","plan_sha256":"c","quick":false,"threads":2}"#;
        let trial = r#"{"type":"trial","job":"direct m=5 t=0","arm":"direct","n":0,"m":5,"trial":0,"seed":1,"mae":0.5,"epochs":3,"best_epoch":2,"test_rows":2}"#;
        // A format-2 store: keyed by job id, no identities.
        let two = r#"{"type":"header","format":2,"study":"s","study_sha256":"a","data_sha256":"b","plan_sha256":"c","quick":false}"#;
        let trial2 = r#"{"type":"trial","job":"direct m=5 t=0","arm":"direct","n":0,"m":5,"trial":0,"seed":1,"mae":0.5,"epochs":3,"best_epoch":2,"test_rows":2,"test":{"rows":[1],"abs_err":[0.5]}}"#;
        for (found, lines) in [(1, [old, trial]), (2, [two, trial2])] {
            let dir = tempfile::tempdir().unwrap();
            let log: String = lines.iter().map(|j| format!("{:08x} {j}\n", crc32fast::hash(j.as_bytes()))).collect();
            fs::write(dir.path().join(LOG_FILE), &log).unwrap();
            let err = Store::open(dir.path(), "s", false).err().expect("refused");
            let msg = err.to_string();
            assert!(msg.contains(&format!("store of format {found}")), "{msg}");
            assert!(msg.contains("--fresh") && msg.contains("--out"), "says what to do: {msg}");
            assert!(Stored::read(dir.path()).is_err(), "a read-only look refuses it too");
            assert_eq!(fs::read_to_string(dir.path().join(LOG_FILE)).unwrap(), log, "the old store is left untouched");
        }
    }

    /// `--fresh` removes every file of results::outputs::FILES: a study that went from a 2-D grid
    /// to a 1-D one must not keep the 2-D figures (mae_vs_n.svg, ...) or the old summary.md.
    #[test]
    fn a_fresh_store_leaves_no_output_of_the_earlier_run() {
        let dir = tempfile::tempdir().unwrap();
        for f in outputs::FILES.iter().filter(|f| f.writer != outputs::Writer::Lock) {
            let path = dir.path().join(f.name);
            if f.dir {
                fs::create_dir_all(&path).unwrap();
                fs::write(path.join("old.bin"), b"old").unwrap();
            } else {
                fs::write(path, b"old").unwrap();
            }
        }
        drop(Store::open(dir.path(), "s", true).unwrap());
        for f in outputs::FILES.iter().filter(|f| !f.dir && f.writer != outputs::Writer::Lock) {
            let path = dir.path().join(f.name);
            // The store writes a fresh log with its header; every other file is gone.
            assert!(f.name == LOG_FILE || !path.exists(), "{} survived --fresh", f.name);
        }
        assert_eq!(fs::read_dir(dir.path().join(outputs::WEIGHTS_DIR)).unwrap().count(), 0, "old weights survived");
    }
}
