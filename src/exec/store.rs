//! The results store: an append-only log in the run directory, one checksummed record per line,
//! written and flushed the moment a job finishes. A killed run loses at most the jobs that were
//! still training; a torn last line is detected by its checksum and discarded. Pretrained
//! weights go to `weights/` (written to a temporary file, then renamed) before their record.
//!
//! Line format: `<crc32 of the JSON, 8 hex digits> <JSON record>\n`.
//!
//! Format versions ([`STORE_FORMAT`], in the header): 1 (no version field) kept each trial's test
//! MAE only; 2 adds, inside the same record (so one line stays one job), the target row index and
//! absolute error of every test row. A store of another version is refused, never misread.
//! Fields added later within format 2 (a trial's `failure`, `exploded`, `constant_x`,
//! `clipped_x`; a pretraining's `retried`, `failure`, `constant_x`) are optional and read as
//! absent from older stores, so those resume unchanged.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::results::TrialRow;
use crate::results::outputs;

pub const LOG_FILE: &str = outputs::STORE_LOG;

/// The store format this build writes and reads (see the module docs).
pub const STORE_FORMAT: u32 = 2;

/// Identifies what a store belongs to; a run refuses to resume into a store whose header differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// [`STORE_FORMAT`] of the writer; stores written before versions existed read as 1.
    #[serde(default = "format_one")]
    pub format: u32,
    pub study: String,
    pub study_sha256: String,
    pub data_sha256: String,
    /// SHA-256 of the plan's jobs (ids, seeds, sizes).
    pub plan_sha256: String,
    pub quick: bool,
    // No thread count: a member's result depends only on its seed, never on how many threads
    // trained the ensemble (tests/reliability_determinism.rs runs one study with 1 and 2 threads
    // and resumes a 1-thread run with 2), so a run may resume with another `--threads`. Stores
    // written with a `threads` field still open (serde ignores it).
}

fn format_one() -> u32 {
    1
}

/// A finished fine-tune or direct job: its trial row and the errors of its test rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord {
    #[serde(flatten)]
    pub row: TrialRow,
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
    Pretrain(PretrainRecord),
    Trial(TrialRecord),
}

/// An open store: what it holds and an append handle.
pub struct Store {
    dir: PathBuf,
    file: File,
    pub header: Header,
    pub pretrains: BTreeMap<String, PretrainRecord>,
    pub trials: BTreeMap<String, TrialRow>,
    /// Per-test-row errors of every trial job, by job id.
    pub test_errors: BTreeMap<String, TestErrors>,
    /// Lines dropped when opening: the first torn or corrupt record and every line after it.
    pub discarded: usize,
}

/// Why the store could not be opened, locked, read or written.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A file operation on `path` failed.
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The directory holds a store written in another format.
    #[error(
        "{} holds a store of format {found} (this sim2real reads and writes format {expected}); it cannot be resumed: use --fresh to start over or --out for another directory",
        .dir.display()
    )]
    Format { dir: PathBuf, found: u32, expected: u32 },
    /// The directory holds a run of a different study, data or plan (`what` says which changed).
    #[error(
        "{} holds a run of `{study}` that cannot be resumed: {what}; use --fresh to start over or --out for another directory",
        .dir.display()
    )]
    Changed { dir: PathBuf, study: String, what: &'static str },
    /// Another process holds the directory's lock.
    #[error("{} is in use by another sim2real run (pid {pid}); wait for it or use another --out", .dir.display())]
    Locked { dir: PathBuf, pid: String },
    /// The lock file kept being replaced while we tried to lock it.
    #[error("could not lock {}", .dir.display())]
    NotLocked { dir: PathBuf },
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

impl Store {
    /// Open the store in `dir` for `header`: create it if absent (or if `fresh`), resume it if its
    /// header matches, refuse otherwise.
    pub fn open(dir: &Path, header: Header, fresh: bool) -> Result<Store, StoreError> {
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
        let mut pretrains = BTreeMap::new();
        let mut trials = BTreeMap::new();
        let mut test_errors = BTreeMap::new();
        let mut discarded = 0;
        let mut good_len: u64 = 0;
        let mut stored_header = None;
        if path.exists() {
            let f = File::open(&path).map_err(|e| io(&path, e))?;
            let mut reader = BufReader::new(f);
            let mut line = String::new();
            loop {
                line.clear();
                let read = reader.read_line(&mut line).map_err(|e| io(&path, e))?;
                if read == 0 {
                    break;
                }
                // Only complete, checksummed lines count; everything from the first bad line on
                // is a torn or corrupt tail.
                match line.strip_suffix('\n').and_then(decode) {
                    Some(rec) => {
                        good_len += read as u64;
                        match rec {
                            Record::Header(h) => stored_header = Some(h),
                            Record::Pretrain(p) => {
                                pretrains.insert(p.job.clone(), p);
                            }
                            Record::Trial(t) => {
                                test_errors.insert(t.row.job.clone(), t.test);
                                trials.insert(t.row.job.clone(), t.row);
                            }
                        }
                    }
                    None => {
                        // Count the dropped tail (every line after it is dropped too).
                        discarded = 1;
                        loop {
                            line.clear();
                            if reader.read_line(&mut line).map_err(|e| io(&path, e))? == 0 {
                                break;
                            }
                            discarded += 1;
                        }
                        break;
                    }
                }
            }
        }
        if let Some(h) = &stored_header {
            if h.format != header.format {
                return Err(StoreError::Format { dir: dir.to_path_buf(), found: h.format, expected: header.format });
            }
            if *h != header {
                let what = if h.study_sha256 != header.study_sha256 {
                    "the study text changed"
                } else if h.data_sha256 != header.data_sha256 {
                    "the data changed"
                } else if h.quick != header.quick {
                    "one run is --quick and the other is not"
                } else {
                    "the plan changed"
                };
                return Err(StoreError::Changed { dir: dir.to_path_buf(), study: h.study.clone(), what });
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| io(&path, e))?;
        if discarded > 0 || (stored_header.is_none() && good_len > 0) {
            file.set_len(good_len).map_err(|e| io(&path, e))?;
        }
        // Pretrained weights whose file is missing or corrupt are redone (a failed pretraining
        // has none).
        pretrains.retain(|_, p: &mut PretrainRecord| {
            p.failure.is_some()
                || fs::read(dir.join(outputs::WEIGHTS_DIR).join(&p.weights))
                    .is_ok_and(|b| crc32fast::hash(&b) == p.weights_crc)
        });
        let mut store =
            Store { dir: dir.to_path_buf(), file, header: header.clone(), pretrains, trials, test_errors, discarded };
        if stored_header.is_none() {
            store.append(&Record::Header(header))?;
        }
        Ok(store)
    }

    /// Append records and flush them to disk before returning.
    pub fn append_all(&mut self, records: &[Record]) -> Result<(), StoreError> {
        let text: String = records.iter().map(encode).collect();
        let path = self.dir.join(LOG_FILE);
        self.file.write_all(text.as_bytes()).map_err(|e| io(&path, e))?;
        self.file.sync_data().map_err(|e| io(&path, e))?;
        for r in records {
            match r {
                Record::Pretrain(p) => {
                    self.pretrains.insert(p.job.clone(), p.clone());
                }
                Record::Trial(t) => {
                    self.test_errors.insert(t.row.job.clone(), t.test.clone());
                    self.trials.insert(t.row.job.clone(), t.row.clone());
                }
                Record::Header(_) => {}
            }
        }
        Ok(())
    }

    pub fn append(&mut self, record: &Record) -> Result<(), StoreError> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Write a weights file atomically; returns (file name, crc).
    pub fn write_weights(&self, job: &str, bytes: &[u8]) -> Result<(String, u32), StoreError> {
        let name = format!("{}.bin", job.replace([' ', '='], "_"));
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

    fn header(format: u32) -> Header {
        Header {
            format,
            study: "s".into(),
            study_sha256: "a".into(),
            data_sha256: "b".into(),
            plan_sha256: "c".into(),
            quick: false,
        }
    }

    #[test]
    fn a_trial_record_keeps_its_test_errors_through_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let row = TrialRow {
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
        };
        let test = TestErrors { rows: vec![4, 1], abs_err: vec![0.25, f32::NAN] };
        let mut s = Store::open(dir.path(), header(STORE_FORMAT), false).unwrap();
        s.append(&Record::Trial(TrialRecord { row: row.clone(), test })).unwrap();
        drop(s);
        let s = Store::open(dir.path(), header(STORE_FORMAT), false).unwrap();
        assert_eq!(s.trials[&row.job], row);
        let back = &s.test_errors[&row.job];
        assert_eq!(back.rows, [4, 1]);
        assert_eq!(back.abs_err[0], 0.25);
        assert!(back.abs_err[1].is_nan());
        assert_eq!(s.discarded, 0);
    }

    #[test]
    fn a_store_of_the_old_format_is_refused_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        // A format-1 store: the header has no `format`, trial records no `test`.
        let old = r#"{"type":"header","study":"s","study_sha256":"a","data_sha256":"b","plan_sha256":"c","quick":false,"threads":2}"#;
        let trial = r#"{"type":"trial","job":"direct m=5 t=0","arm":"direct","n":0,"m":5,"trial":0,"seed":1,"mae":0.5,"epochs":3,"best_epoch":2,"test_rows":2}"#;
        let log: String = [old, trial].iter().map(|j| format!("{:08x} {j}\n", crc32fast::hash(j.as_bytes()))).collect();
        fs::write(dir.path().join(LOG_FILE), &log).unwrap();
        let err = Store::open(dir.path(), header(STORE_FORMAT), false).err().expect("refused");
        assert!(err.to_string().contains("store of format 1"), "{err}");
        assert_eq!(fs::read_to_string(dir.path().join(LOG_FILE)).unwrap(), log, "the old store is left untouched");
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
        drop(Store::open(dir.path(), header(STORE_FORMAT), true).unwrap());
        for f in outputs::FILES.iter().filter(|f| !f.dir && f.writer != outputs::Writer::Lock) {
            let path = dir.path().join(f.name);
            // The store writes a fresh log with its header; every other file is gone.
            assert!(f.name == LOG_FILE || !path.exists(), "{} survived --fresh", f.name);
        }
        assert_eq!(fs::read_dir(dir.path().join(outputs::WEIGHTS_DIR)).unwrap().count(), 0, "old weights survived");
    }
}
