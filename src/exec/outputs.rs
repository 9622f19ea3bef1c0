//! Writing a run's outputs: results.json, trials.csv and the reports.

use std::io;
use std::path::Path;

use crate::results::{Results, TrialRow};

pub fn write(dir: &Path, results: &Results, trials: &[TrialRow]) -> io::Result<()> {
    let json = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    atomic_write(&dir.join("results.json"), json.as_bytes())?;
    atomic_write(&dir.join("trials.csv"), trials_csv(trials, results.quick).as_bytes())?;
    crate::report::write_reports(results, trials, dir)
}

/// One row per trial and arm (tidy). The `quick` column marks rows of a `--quick` smoke run;
/// `failure` says why a trial failed, `exploded` why its predictions count as exploding (empty
/// when not; quoted, as they may hold commas).
pub fn trials_csv(trials: &[TrialRow], quick: bool) -> String {
    let mut s = String::from(
        "job,arm,n,m,trial,seed,mae,epochs,best_epoch,test_rows,train_rows,val_rows,quick,failure,exploded\n",
    );
    for t in trials {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            t.job,
            t.arm.as_str(),
            t.n,
            t.m,
            t.trial,
            t.seed,
            if t.mae.is_finite() { format!("{}", t.mae) } else { "NaN".into() },
            t.epochs,
            t.best_epoch,
            t.test_rows,
            t.train_rows,
            t.val_rows,
            quick,
            quoted(t.failure.as_deref()),
            quoted(t.exploded.as_deref())
        ));
    }
    s
}

/// A CSV field: empty for `None`, else double-quoted with inner quotes doubled.
fn quoted(text: Option<&str>) -> String {
    text.map_or(String::new(), |t| format!("\"{}\"", t.replace('"', "\"\"")))
}

fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
