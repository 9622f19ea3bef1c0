//! The one list of the files a run directory holds ([`FILES`]): their names, who writes them,
//! when, and what they hold. The executor's store and the data files (results.json, trials.csv)
//! are written here and in `exec/store.rs`; the human-readable ones by `report::write_reports`,
//! which walks this list; `--fresh` removes every entry but the lock before starting over; docs/results.md's
//! table of files lists the same names (a test below reads it).

use std::io;
use std::path::Path;

use super::{Results, TrialRow};

pub const STORE_LOG: &str = "store.log";
pub const WEIGHTS_DIR: &str = "weights";
/// The store segments of a sharded run (`run --shard I/N`, `exec/shards.rs`): `shards/manifest.json`
/// and one folder `shards/I-of-N/` (store.log, weights/) per shard.
pub const SHARDS_DIR: &str = "shards";
pub const RESULTS_JSON: &str = "results.json";
pub const TRIALS_CSV: &str = "trials.csv";
pub const REPORT_MD: &str = "report.md";
pub const REPORT_HTML: &str = "report.html";
pub const SUMMARY_MD: &str = "summary.md";
pub const SCALING_SVG: &str = "scaling.svg";
pub const MAE_VS_N_SVG: &str = "mae_vs_n.svg";
pub const MAE_VS_M_SVG: &str = "mae_vs_m.svg";
pub const INDIFFERENCE_SVG: &str = "indifference.svg";
pub const BUDGET_SVG: &str = "budget.svg";
pub const GROUPS_CSV: &str = "groups.csv";
pub const GROUPS_SVG: &str = "groups.svg";
pub const SAMPLES_CSV: &str = "samples.csv";
pub const SAMPLES_SVG: &str = "samples.svg";
pub const LOCK_FILE: &str = ".lock";

/// Which part of the program writes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// The executor's results store (`exec/store.rs`), appended as jobs finish.
    Store,
    /// The run's data: [`write_data`], from the executor and `sim2real fit --out`.
    Data,
    /// `report::write_reports`: rendered from [`Results`] (and trials) alone, so `sim2real report
    /// DIR` rewrites them.
    Report,
    /// The directory lock (`exec/store.rs`'s `DirLock`), present while a run writes the
    /// directory; `--fresh` keeps it (the run starting over holds it).
    Lock,
}

/// When a run has the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// With `report by COLUMN`.
    ReportBy,
    /// With `report samples`.
    ReportSamples,
    /// With at least two values of m (a 2-D grid).
    TwoD,
    /// With `fit surface`.
    Surface,
    /// Run with `--shard I/N` (several processes).
    Sharded,
    /// With a `budget { … }` block that could be planned.
    Budget,
}

/// One file (or folder) of a run directory.
#[derive(Debug, Clone, Copy)]
pub struct OutputFile {
    /// Name relative to the run directory.
    pub name: &'static str,
    /// A folder rather than a file (`weights/`).
    pub dir: bool,
    /// What a folder holds, as docs/results.md names it (`*.bin`); empty for a file.
    pub contents: &'static str,
    pub writer: Writer,
    pub when: When,
    /// What it holds, in a few words (docs/results.md has the full description).
    pub holds: &'static str,
}

const fn file(name: &'static str, writer: Writer, when: When, holds: &'static str) -> OutputFile {
    OutputFile { name, dir: false, contents: "", writer, when, holds }
}

/// Every file and folder a run directory may hold, in the order of docs/results.md's table.
pub const FILES: &[OutputFile] = &[
    file(STORE_LOG, Writer::Store, When::Always, "the append-only results store, one record per finished job"),
    OutputFile {
        name: WEIGHTS_DIR,
        dir: true,
        contents: "*.bin",
        writer: Writer::Store,
        when: When::Always,
        holds: "pretrained weights, one .bin file per pretraining",
    },
    OutputFile {
        name: SHARDS_DIR,
        dir: true,
        contents: "*",
        writer: Writer::Store,
        when: When::Sharded,
        holds: "with `run --shard I/N`: manifest.json and one store segment folder I-of-N/ per shard",
    },
    file(RESULTS_JSON, Writer::Data, When::Always, "aggregated results (points, fits, expectations)"),
    file(TRIALS_CSV, Writer::Data, When::Always, "one row per trial and arm"),
    file(REPORT_MD, Writer::Report, When::Always, "the human-readable report"),
    file(REPORT_HTML, Writer::Report, When::Always, "the report as a standalone HTML page"),
    file(SCALING_SVG, Writer::Report, When::Always, "the log–log scaling figure"),
    file(GROUPS_CSV, Writer::Report, When::ReportBy, "the groups ranked by α"),
    file(GROUPS_SVG, Writer::Report, When::ReportBy, "one log–log panel per group"),
    file(SAMPLES_CSV, Writer::Report, When::ReportSamples, "one row per test sample"),
    file(SAMPLES_SVG, Writer::Report, When::ReportSamples, "every sample's error curve coloured by class"),
    file(MAE_VS_N_SVG, Writer::Report, When::TwoD, "test MAE against n, one curve per m"),
    file(MAE_VS_M_SVG, Writer::Report, When::TwoD, "test MAE against m, one curve per n"),
    file(INDIFFERENCE_SVG, Writer::Report, When::Surface, "indifference curves of the fitted R(n, m)"),
    file(BUDGET_SVG, Writer::Report, When::Budget, "the budget planner's answer on the (n, m) plane"),
    file(SUMMARY_MD, Writer::Report, When::Always, "the compact, rerun-stable results summary"),
    file(LOCK_FILE, Writer::Lock, When::Always, "the directory lock, while a run writes the directory"),
];

/// The files (not folders) that `writer` writes.
pub fn written_by(writer: Writer) -> impl Iterator<Item = &'static OutputFile> {
    FILES.iter().filter(move |f| f.writer == writer && !f.dir)
}

/// Write results.json and trials.csv into `dir` (each atomically: a temporary file renamed).
pub fn write_data(dir: &Path, results: &Results, trials: &[TrialRow]) -> io::Result<()> {
    let json = serde_json::to_string_pretty(results).map_err(io::Error::other)?;
    atomic_write(&dir.join(RESULTS_JSON), json.as_bytes())?;
    atomic_write(&dir.join(TRIALS_CSV), trials_csv(trials, results.quick).as_bytes())
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
            csv_number(t.mae),
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

/// A number in a CSV the run writes (trials.csv, groups.csv, samples.csv): full precision, and
/// blank where there is none (NaN, or an infinite value such as a diverged trial's MAE), the
/// missing-value convention pandas and R read as NaN/NA.
pub fn csv_number(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The backquoted names in the first column of docs/results.md's table of run-directory files.
    fn documented() -> Vec<String> {
        let docs = include_str!("../../docs/results.md");
        let table = docs.lines().skip_while(|l| !l.starts_with("| file")).skip(2).take_while(|l| l.starts_with('|'));
        table
            .flat_map(|row| {
                let first = row.split('|').nth(1).unwrap_or("");
                first.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn docs_list_the_same_files_in_the_same_order() {
        let registry: Vec<String> = FILES
            .iter()
            .map(|f| if f.dir { format!("{}/{}", f.name, f.contents) } else { f.name.to_string() })
            .collect();
        assert_eq!(documented(), registry, "docs/results.md's table of files and results::outputs::FILES differ");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = FILES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FILES.len());
    }
}
