//! Where data files are looked up: next to the study file first, then under the data folder.

use std::path::{Path, PathBuf};

use super::error::DataError;
use crate::diag::ProblemKind;

/// The two folders a relative path in `csv("...")` / `parquet("...")` is looked up in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataContext {
    /// The folder of the study file.
    pub study_dir: PathBuf,
    /// `$SIM2REAL_DATA`, or `../shared/data` relative to the current directory.
    pub data_dir: PathBuf,
}

/// The data folder used when `SIM2REAL_DATA` is not set, relative to the current directory.
pub const DEFAULT_DATA_DIR: &str = "../shared/data";

impl DataContext {
    /// `data_dir` = `$SIM2REAL_DATA` when set and non-empty, else `../shared/data` relative to the
    /// current directory.
    pub fn from_env(study_dir: &Path) -> DataContext {
        let data_dir = match std::env::var_os("SIM2REAL_DATA") {
            Some(v) if !v.is_empty() => PathBuf::from(v),
            _ => match std::env::current_dir() {
                Ok(cwd) => cwd.join(DEFAULT_DATA_DIR),
                Err(_) => PathBuf::from(DEFAULT_DATA_DIR),
            },
        };
        DataContext { study_dir: study_dir.to_path_buf(), data_dir }
    }

    /// The file a path as written refers to: an absolute path as-is; a relative one under
    /// `study_dir` if a file is there, else under `data_dir`. A file in neither place is an error
    /// that names both places looked at.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, DataError> {
        let p = Path::new(path);
        if path.is_empty() {
            return Err(DataError::new(ProblemKind::EmptyDataPath).with_file(path));
        }
        if p.is_absolute() {
            return if p.is_file() {
                Ok(p.to_path_buf())
            } else {
                Err(DataError::new(ProblemKind::DataFileNotFound { path: path.to_string() }).with_file(path))
            };
        }
        let near_study = self.study_dir.join(p);
        if near_study.is_file() {
            return Ok(near_study);
        }
        let in_data = self.data_dir.join(p);
        if in_data.is_file() {
            return Ok(in_data);
        }
        Err(DataError::new(ProblemKind::DataFileNotFoundIn {
            path: path.to_string(),
            near_study: near_study.display().to_string(),
            in_data: in_data.display().to_string(),
        })
        .with_file(path)
        .with_help("paths are relative to the study file's folder, then to $SIM2REAL_DATA (default ../shared/data)"))
    }
}
