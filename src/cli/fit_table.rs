//! `sim2real fit TABLE.csv`: the scaling laws of a run, fitted to any learning-curve table
//! (results of other tools, published tables), with the same functions and CIs as a run.
//!
//! Every row becomes a [`TrialRow`] of the transfer arm (n from `--n`, m from `--m` or 0, the
//! error as its MAE, the trial from `--trial`); the fits are then exactly those of a run:
//! [`power_law_record_fixed`] per m and [`surface_and_exchange_fixed`].
//!
//! Without `--trial`, the rows of one (n, m) are taken as independent trials (indexed in table
//! order). A table with a single row per (n, m) (errors that are already means) has no trials to
//! resample: the fit is still made, but no CI is given, and the output says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::exec::aggregate::{points, power_law_record_fixed};
use crate::exec::surface::surface_and_exchange_fixed;
use crate::fit::{PowerLawFixed, SurfaceFixed};
use crate::ir::Arm;
use crate::plan::seeds::sha256_hex;
use crate::results::{FitRecord, Results, SCHEMA_VERSION, TrialRow};

/// `--law`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LawArg {
    /// R(n) = D·n^-α + C, one fit per value of `--m` (or one fit without `--m`).
    #[value(name = "power_law")]
    PowerLaw,
    /// R(n, m) = (A·n^-α + B)·m^-β + ε with the exchange rate at the largest n and m (needs `--m`).
    Surface,
}

/// The options of `sim2real fit`.
#[derive(Debug, Clone)]
pub struct FitOptions {
    pub table: PathBuf,
    pub n: String,
    pub m: Option<String>,
    pub error: String,
    pub trial: Option<String>,
    pub law: Option<LawArg>,
    pub fix: Vec<String>,
    pub out: Option<PathBuf>,
    pub json: bool,
    pub seed: u64,
}

/// Why the table cannot be fitted (exit 2).
type Bad = String;

/// Read the table and fit; `Ok` holds the results (as a run would write them).
pub fn fit_table(o: &FitOptions) -> Result<Results, Bad> {
    let law = match (o.law, &o.m) {
        (Some(LawArg::Surface), None) => return Err("`--law surface` needs `--m COL` (the target sample size)".into()),
        (Some(l), _) => l,
        (None, Some(_)) => LawArg::Surface,
        (None, None) => LawArg::PowerLaw,
    };
    let (pl_fixed, sf_fixed) = parse_fixed(&o.fix, law)?;
    let text = std::fs::read(&o.table).map_err(|e| format!("cannot read {}: {e}", o.table.display()))?;
    let trials = read_trials(&text, o)?;
    let trials_per_cell = trial_counts(&trials);
    let mut warnings = Vec::new();
    let single = trials_per_cell.values().filter(|&&k| k < 2).count();
    if single > 0 {
        warnings.push(format!(
            "{single} of {} (n, m) cells have a single row: the table gives no trials to resample there, so no \
             bootstrap CI is given (fitted values only). Give one row per trial (and `--trial COL`) for CIs.",
            trials_per_cell.len()
        ));
    }
    let mut fits = Vec::new();
    let mut exchange = None;
    match law {
        LawArg::PowerLaw => {
            let ms: std::collections::BTreeSet<usize> = trials.iter().map(|t| t.m).collect();
            for m in ms {
                fits.push(power_law_record_fixed(&trials, Arm::Transfer, m, o.seed, &pl_fixed));
            }
        }
        LawArg::Surface => {
            let (rec, ex) = surface_and_exchange_fixed(&trials, o.seed, None, &sf_fixed);
            fits.push(rec);
            exchange = ex;
        }
    }
    if single > 0 {
        fits.iter_mut().for_each(|f: &mut FitRecord| f.ci90.clear());
        if let Some(x) = exchange.as_mut() {
            x.ci90 = [f64::NAN, f64::NAN];
        }
    }
    let mut pts = points(&trials, o.seed);
    if single > 0 {
        pts.iter_mut().filter(|p| p.trials < 2).for_each(|p| p.mae_ci90 = [f64::NAN, f64::NAN]);
    }
    let name = o.table.file_stem().map_or("table".to_string(), |s| s.to_string_lossy().into_owned());
    Ok(Results {
        schema: SCHEMA_VERSION,
        study: format!("fit {name}"),
        study_sha256: String::new(),
        data_sha256: sha256_hex(&text),
        quick: false,
        seed: o.seed,
        source_rows: 0,
        target_rows: trials.len(),
        label: o.error.clone(),
        points: pts,
        paired: Vec::new(),
        training: Vec::new(),
        ci_variance: "fitted to a table: the CIs resample the table's trials (`--trial`) jointly across its cells, so they contain whatever varies between those trials in the study that produced them".into(),
        device: None,
        budget: None,
        fits,
        exchange,
        expects: Vec::new(),
        warnings,
        groups: None,
        samples: None,
    })
}

/// `--fix NAME=VALUE` for the chosen law.
fn parse_fixed(fix: &[String], law: LawArg) -> Result<(PowerLawFixed, SurfaceFixed), Bad> {
    let (mut pl, mut sf) = (PowerLawFixed::default(), SurfaceFixed::default());
    for f in fix {
        let Some((name, value)) = f.split_once('=') else {
            return Err(format!("`--fix {f}`: write NAME=VALUE, e.g. `--fix D=0.48`"));
        };
        let (name, value) = (name.trim(), value.trim());
        let v: f64 = value.parse().map_err(|_| format!("`--fix {f}`: `{value}` is not a number"))?;
        let set = match law {
            LawArg::PowerLaw => pl.set(name, v),
            LawArg::Surface => sf.set(name, v),
        };
        set.map_err(|e| format!("`--fix {f}`: {e}"))?;
    }
    Ok((pl, sf))
}

/// Rows per (n, m) cell.
fn trial_counts(trials: &[TrialRow]) -> BTreeMap<(usize, usize), usize> {
    let mut c = BTreeMap::new();
    for t in trials {
        *c.entry((t.n, t.m)).or_insert(0) += 1;
    }
    c
}

/// The rows of the table as trials of the transfer arm.
fn read_trials(text: &[u8], o: &FitOptions) -> Result<Vec<TrialRow>, Bad> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text);
    let headers = rdr.headers().map_err(|e| format!("cannot read the header of {}: {e}", o.table.display()))?.clone();
    let col = |name: &str, flag: &str| {
        headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
            let have: Vec<&str> = headers.iter().collect();
            format!("{flag} {name}: no such column in {} (columns: {})", o.table.display(), have.join(", "))
        })
    };
    let n_col = col(&o.n, "--n")?;
    let m_col = o.m.as_deref().map(|m| col(m, "--m")).transpose()?;
    let e_col = col(&o.error, "--error")?;
    let t_col = o.trial.as_deref().map(|t| col(t, "--trial")).transpose()?;
    let mut trials = Vec::new();
    let mut trial_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut next_in_cell: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        // Row numbers as a spreadsheet shows them: the header is row 1.
        let row = i + 2;
        let rec = rec.map_err(|e| format!("{} row {row}: {e}", o.table.display()))?;
        let cell = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let size = |c: usize, flag: &str, name: &str| -> Result<usize, Bad> {
            let v = cell(c);
            let x: f64 = v.parse().map_err(|_| format!("row {row}, column {name} ({flag}): `{v}` is not a number"))?;
            if !(x.is_finite() && x > 0.0) {
                return Err(format!("row {row}, column {name} ({flag}): `{v}` is not a sample size > 0"));
            }
            if x.fract() != 0.0 || x > 1e15 {
                return Err(format!("row {row}, column {name} ({flag}): `{v}` is not a whole number of samples"));
            }
            Ok(x as usize)
        };
        let n = size(n_col, "--n", &o.n)?;
        let m = match (m_col, &o.m) {
            (Some(c), Some(name)) => size(c, "--m", name)?,
            _ => 0,
        };
        let ev = cell(e_col);
        let mae: f64 =
            ev.parse().map_err(|_| format!("row {row}, column {} (--error): `{ev}` is not a number", o.error))?;
        if !mae.is_finite() {
            return Err(format!("row {row}, column {} (--error): `{ev}` is not a finite number", o.error));
        }
        let trial = match t_col {
            Some(c) => {
                let next = trial_ids.len();
                *trial_ids.entry(cell(c)).or_insert(next)
            }
            None => {
                let k = next_in_cell.entry((n, m)).or_insert(0);
                *k += 1;
                *k - 1
            }
        };
        trials.push(TrialRow::new(format!("row {row}"), Arm::Transfer, n, m, trial, 0, mae, 0, 0, 0));
    }
    if trials.is_empty() {
        return Err(format!("{} has no data rows", o.table.display()));
    }
    Ok(trials)
}

/// Run `sim2real fit`: print the fits (text or `--json`), write `--out DIR`; exit 0, or 2 on bad
/// input or when no law could be fitted at all.
pub fn run(o: &FitOptions) -> i32 {
    let results = match fit_table(o) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return super::EXIT_STUDY;
        }
    };
    if o.json {
        match serde_json::to_string_pretty(&results) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return super::EXIT_FAILED;
            }
        }
    } else {
        print!("{}", crate::report::summary_table(&results));
        for w in &results.warnings {
            println!("warning: {w}");
        }
    }
    if let Some(dir) = &o.out
        && let Err(e) = write_out(dir, &results, o)
    {
        eprintln!("error: cannot write {}: {e}", dir.display());
        return super::EXIT_FAILED;
    }
    let unfit: Vec<&str> =
        results.fits.iter().filter_map(|f| f.degenerate.as_deref().filter(|d| d.starts_with("no fit"))).collect();
    if !unfit.is_empty() && unfit.len() == results.fits.len() {
        eprintln!("error: the law could not be fitted: {}", unfit.join("; "));
        return super::EXIT_STUDY;
    }
    super::EXIT_OK
}

fn write_out(dir: &Path, results: &Results, o: &FitOptions) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let trials = read_trials(&std::fs::read(&o.table)?, o).map_err(std::io::Error::other)?;
    crate::results::outputs::write_data(dir, results, &trials)?;
    crate::report::write_reports(results, &trials, dir)
}
