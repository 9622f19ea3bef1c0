//! `featurize composition(COLUMN) with magpie | fractions` and `featurize smiles(COLUMN) with
//! descriptors`: numeric columns computed from a text column of chemical formulas or SMILES,
//! appended to the table (docs/language.md, *Featurizers*).
//!
//! A cell that cannot be read (or is missing) stops the study with an error naming the file,
//! line, column and text, or — with `{ on_error = drop }` — drops the row, and the plan warns
//! with how many rows were dropped and the first few of them.

pub mod cache;
pub mod elements;
pub mod formula;
pub mod fractions;
pub mod magpie;
pub mod smiles;

use rayon::prelude::*;

use crate::diag::{CellFault, ProblemKind};
use crate::ir::{Featurize, FeaturizeInput, OnError, Preset, Spanned};

use super::error::DataError;
use super::table::{Column, Table};

use formula::Composition;
use smiles::molecule::Molecule;

/// How many dropped rows a plan warning shows.
const SHOWN: usize = 3;

/// `table` with the featurizer's columns appended.
pub fn featurize(table: Table, spec: &Spanned<Featurize>) -> Result<Table, DataError> {
    let f = &spec.value;
    let col = &f.column.value;
    let input = f.preset.input();
    let cells = match table.require(col).map_err(|e| e.with_span(f.column.span))? {
        Column::Text(cells) => cells,
        Column::Numeric(_) => {
            let (kind, help) = match input {
                FeaturizeInput::Composition => (
                    ProblemKind::FormulaColumnIsNumeric { column: col.clone(), table: table.label().to_string() },
                    "`featurize composition(COLUMN)` reads a text column of formulas such as `Fe2O3`",
                ),
                FeaturizeInput::Smiles => (
                    ProblemKind::SmilesColumnIsNumeric { column: col.clone(), table: table.label().to_string() },
                    "`featurize smiles(COLUMN)` reads a text column of SMILES such as `*CC(*)c1ccccc1`",
                ),
            };
            return Err(DataError::new(kind)
                .with_file(table.label())
                .with_column(col)
                .with_span(f.column.span)
                .with_help(help));
        }
    };
    let fail_help = "fix the cell, filter the row out with `where`, or drop such rows with `{ on_error = drop }`";
    let cell_error =
        |row: usize, why: CellFault| table.cell_error(col, row, why).with_span(f.column.span).with_help(fail_help);
    let (names, rows, keep, bad, kekule) = match input {
        FeaturizeInput::Composition => {
            let read = |t: &str| {
                formula::parse(t).map_err(|e| CellFault::NotAFormula { text: t.to_string(), why: e.to_string() })
            };
            let (comps, keep, bad) = read_cells(cells, f.on_error, read, || CellFault::MissingFormula, cell_error)?;
            let (names, rows) = cached(f.preset, cells, &keep, || compute(f.preset, &comps));
            (names, rows, keep, bad, Vec::new())
        }
        FeaturizeInput::Smiles => {
            let read = |t: &str| {
                smiles::parse(t).map_err(|e| CellFault::NotSmiles { text: t.to_string(), why: e.to_string() })
            };
            let (mols, keep, bad) = read_cells(cells, f.on_error, read, || CellFault::MissingSmiles, cell_error)?;
            let (names, rows) = cached(f.preset, cells, &keep, || compute_smiles(f.preset, &mols));
            let kekule: Vec<(usize, String)> = mols
                .par_iter()
                .zip(&keep)
                .filter(|(mol, _)| smiles::aromaticity::has_kekule_aromatic_ring(mol))
                .map(|(_, &row)| (row, cells[row].as_deref().map_or("", str::trim).to_string()))
                .collect();
            (names, rows, keep, bad, kekule)
        }
    };
    if keep.is_empty() {
        let (column, table_name) = (col.clone(), table.label().to_string());
        let kind = match input {
            FeaturizeInput::Composition => ProblemKind::NoFormulas { column, table: table_name },
            FeaturizeInput::Smiles => ProblemKind::NoSmiles { column, table: table_name },
        };
        return Err(DataError::new(kind).with_file(table.label()).with_column(col).with_span(spec.span));
    }
    let table = if kekule.is_empty() { table } else { kekule_note(table, col, &kekule) };
    let mut out = if bad.is_empty() { table } else { drop_note(table, input, col, &bad).take_rows(&keep) };
    for (j, name) in names.iter().enumerate() {
        let values: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        out = out.with_column(name, Column::Numeric(values)).map_err(|e| {
            e.with_span(spec.span).with_help(format!(
                "the featurizer writes `{name}`, which the table already has; `drop` it before `featurize`"
            ))
        })?;
    }
    Ok(out)
}

/// The features of the kept `cells` under `preset`, read back from the featurize cache when the
/// same cells were featurized before (cache.rs); an empty selection is not cached.
fn cached(
    preset: Preset,
    cells: &[Option<String>],
    keep: &[usize],
    compute: impl FnOnce() -> cache::Features,
) -> cache::Features {
    let Some(dir) = cache::dir().filter(|_| cache::caches(preset) && !keep.is_empty()) else {
        return compute();
    };
    let texts: Vec<&str> = keep.iter().map(|&row| cells[row].as_deref().map_or("", str::trim)).collect();
    cache::cached(Some(&dir), &format!("{preset:?}"), &texts, compute)
}

/// The rows read by `read` (kept rows' values and indices) and the rows it could not read
/// (with `on_error = drop`; with `fail`, the first such row is an error made by `error`). Cells
/// are read in parallel (rayon keeps them in row order, so the first bad row is the same).
#[allow(clippy::type_complexity)]
fn read_cells<T: Send>(
    cells: &[Option<String>],
    on_error: OnError,
    read: impl Fn(&str) -> Result<T, CellFault> + Sync,
    missing: impl Fn() -> CellFault + Sync,
    error: impl Fn(usize, CellFault) -> DataError,
) -> Result<(Vec<T>, Vec<usize>, Vec<(usize, CellFault)>), DataError> {
    let results: Vec<Result<T, CellFault>> = cells
        .par_iter()
        .map(|cell| match cell.as_deref().map(str::trim) {
            None | Some("") => Err(missing()),
            Some(text) => read(text),
        })
        .collect();
    let mut values = Vec::with_capacity(cells.len());
    let mut keep = Vec::with_capacity(cells.len());
    let mut bad = Vec::new();
    for (row, result) in results.into_iter().enumerate() {
        match (result, on_error) {
            (Ok(v), _) => {
                values.push(v);
                keep.push(row);
            }
            (Err(why), OnError::Fail) => return Err(error(row, why)),
            (Err(why), OnError::Drop) => bad.push((row, why)),
        }
    }
    Ok((values, keep, bad))
}

/// Column names and one row of features per composition (a composition preset).
pub fn compute(preset: Preset, comps: &[Composition]) -> (Vec<String>, Vec<Vec<f64>>) {
    match preset {
        Preset::Magpie => (magpie::column_names(), comps.iter().map(magpie::features).collect()),
        Preset::Fractions => {
            let els = fractions::elements_present(comps);
            (fractions::column_names(&els), comps.iter().map(|c| fractions::features(c, &els)).collect())
        }
        Preset::Descriptors | Preset::Morgan { .. } => {
            unreachable!("the checker gives `composition(...)` composition presets only")
        }
    }
}

/// Column names and one row of features per molecule (a SMILES preset).
pub fn compute_smiles(preset: Preset, mols: &[Molecule]) -> (Vec<String>, Vec<Vec<f64>>) {
    match preset {
        // Molecules are featurized in parallel (rayon keeps the rows in order; each row is
        // computed alone, so the values do not depend on the number of threads).
        Preset::Descriptors => {
            (smiles::descriptors::column_names(), mols.par_iter().map(smiles::descriptors::features).collect())
        }
        Preset::Morgan { radius, bits, counts } => {
            let rows = mols.par_iter().map(|m| smiles::morgan::features(m, radius, bits, counts)).collect();
            (smiles::morgan::column_names(bits), rows)
        }
        Preset::Magpie | Preset::Fractions => unreachable!("the checker gives `smiles(...)` SMILES presets only"),
    }
}

/// The first [`SHOWN`] of `rows` (row index, what to say of it) as `line 3 …; line 5 …`, with
/// `; …` when there are more.
fn examples<T: std::fmt::Display>(table: &Table, rows: &[(usize, T)]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(SHOWN)
        .map(|(row, what)| {
            let (at, _) = table.locate(*row);
            format!("{at} {what}")
        })
        .collect();
    let more = if rows.len() > SHOWN { "; …" } else { "" };
    format!("{}{more}", shown.join("; "))
}

/// `table` with the plan warning for the rows whose SMILES write an aromatic ring in Kekulé form
/// (smiles/aromaticity.rs): RDKit reads those rings as aromatic, sim2real as written.
fn kekule_note(table: Table, col: &str, rows: &[(usize, String)]) -> Table {
    let quoted: Vec<(usize, String)> = rows.iter().map(|(row, text)| (*row, format!("`{text}`"))).collect();
    let note = format!(
        "featurize smiles({col}): {} of the {} rows of {} write an aromatic ring in Kekulé form (e.g. {}); \
         RDKit perceives such rings as aromatic, sim2real reads them as written, so their aromaticity-dependent \
         features (rd_NumAromaticRings, rd_TPSA, rd_MolLogP, Morgan bits, …) differ from RDKit's: write aromatic \
         atoms in lower case, as RDKit's MolToSmiles does",
        rows.len(),
        table.nrows(),
        table.label(),
        examples(&table, &quoted)
    );
    table.with_note(note)
}

/// `table` with the plan warning for the rows `on_error = drop` leaves out.
fn drop_note(table: Table, input: FeaturizeInput, col: &str, bad: &[(usize, CellFault)]) -> Table {
    let note = format!(
        "featurize {}({col}) drops {} of the {} rows of {}: not {} (e.g. {})",
        input.name(),
        bad.len(),
        table.nrows(),
        table.label(),
        match input {
            FeaturizeInput::Composition => "formulas",
            FeaturizeInput::Smiles => "SMILES",
        },
        examples(&table, bad)
    );
    table.with_note(note)
}
