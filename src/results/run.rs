//! [`Run`]: a finished run directory loaded back into memory (results.json + trials.csv), for
//! `sim2real report`/`budget`, Rust cells in notebooks (`sim2real::Run::load("runs/quickstart")`)
//! and any other caller. Its renderings (`summary`, `html`, `svg`, `evcxr_display`) are in
//! `report/run.rs`.
//!
//! This file needs no training engine: it compiles with `default-features = false`, which is how
//! notebook Rust cells depend on the crate (see docs/kernel.md).

use std::path::{Path, PathBuf};

use super::outputs::{RESULTS_JSON, TRIALS_CSV};
use super::{Results, TrialRow};

/// A finished run: its directory, aggregated results and one row per trained job.
#[derive(Debug, Clone)]
pub struct Run {
    /// The run directory it was loaded from.
    pub dir: PathBuf,
    /// `results.json`: points, fits, expectations.
    pub results: Results,
    /// `trials.csv`: one row per finished job.
    pub trials: Vec<TrialRow>,
}

impl Run {
    /// Read `results.json` and `trials.csv` from a run directory.
    pub fn load(dir: impl AsRef<Path>) -> Result<Run, LoadError> {
        let dir = dir.as_ref();
        let results = Run::load_results(dir)?;
        let path = dir.join(TRIALS_CSV);
        let csv_error = |source| LoadError::Csv { path: path.clone(), source };
        let mut rdr = csv::Reader::from_path(&path).map_err(csv_error)?;
        let trials = rdr.deserialize().collect::<Result<Vec<TrialRow>, _>>().map_err(csv_error)?;
        Ok(Run { dir: dir.to_path_buf(), results, trials })
    }

    /// Read `results.json` alone from a run directory (errors name the file).
    pub fn load_results(dir: impl AsRef<Path>) -> Result<Results, LoadError> {
        let path = dir.as_ref().join(RESULTS_JSON);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(source) => return Err(LoadError::Read { path, source }),
        };
        serde_json::from_str(&text).map_err(|source| LoadError::Json { path, source })
    }

    /// Mean test MAE per n of one arm (`"transfer"` or `"direct"`) at target size m, sorted by n.
    pub fn mean_mae(&self, arm: &str, m: usize) -> Vec<(usize, f64)> {
        let mut out: Vec<(usize, f64)> = self
            .results
            .points
            .iter()
            .filter(|p| p.m == m && p.arm.as_str() == arm)
            .map(|p| (p.n, p.mae_mean))
            .collect();
        out.sort_by_key(|(n, _)| *n);
        out
    }
}

/// Why a run directory cannot be loaded: the file, and what went wrong reading it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file cannot be read.
    #[error("{}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// `results.json` is not valid results JSON.
    #[error("{}: {source}", .path.display())]
    Json { path: PathBuf, source: serde_json::Error },
    /// `trials.csv` cannot be read or holds a row that is not a trial.
    #[error("{}: {source}", .path.display())]
    Csv { path: PathBuf, source: csv::Error },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_dir_is_an_error_naming_the_file() {
        let e = Run::load("/nonexistent/run").unwrap_err().to_string();
        assert!(e.contains("results.json"), "{e}");
    }

    #[test]
    fn load_errors_render() {
        let path = PathBuf::from("runs/x/results.json");
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        assert_eq!(LoadError::Read { path: path.clone(), source }.to_string(), "runs/x/results.json: gone");
        let source = serde_json::from_str::<Results>("{").unwrap_err();
        let want = format!("runs/x/results.json: {source}");
        assert_eq!(LoadError::Json { path, source }.to_string(), want);
        let source = csv::Reader::from_reader("a\nx".as_bytes()).deserialize::<u32>().next().unwrap().unwrap_err();
        let want = format!("runs/x/trials.csv: {source}");
        assert_eq!(LoadError::Csv { path: PathBuf::from("runs/x/trials.csv"), source }.to_string(), want);
    }
}
