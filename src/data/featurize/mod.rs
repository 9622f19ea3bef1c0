//! `featurize composition(COLUMN) with magpie | fractions`: numeric columns computed from a text
//! column of chemical formulas, appended to the table (docs/language.md, *Featurizers*).
//!
//! A cell that is not a formula (or is missing) stops the study with an error naming the file,
//! line, column and text, or — with `{ on_error = drop }` — drops the row, and the plan warns
//! with how many rows were dropped and the first few of them.

pub mod cache;
pub mod elements;
pub mod formula;
pub mod fractions;
pub mod magpie;

use crate::diag::{CellFault, ProblemKind};
use crate::ir::{Featurize, OnError, Preset, Spanned};

use super::error::DataError;
use super::table::{Column, Table};

use formula::Composition;

/// How many dropped rows a plan warning shows.
const SHOWN: usize = 3;

/// `table` with the featurizer's columns appended.
pub fn featurize(table: Table, spec: &Spanned<Featurize>) -> Result<Table, DataError> {
    let f = &spec.value;
    let col = &f.column.value;
    let cells = match table.require(col).map_err(|e| e.with_span(f.column.span))? {
        Column::Text(cells) => cells,
        Column::Numeric(_) => {
            return Err(DataError::new(ProblemKind::FormulaColumnIsNumeric {
                column: col.clone(),
                table: table.label().to_string(),
            })
            .with_file(table.label())
            .with_column(col)
            .with_span(f.column.span)
            .with_help("`featurize composition(COLUMN)` reads a text column of formulas such as `Fe2O3`"));
        }
    };
    let mut comps = Vec::with_capacity(cells.len());
    let mut keep = Vec::with_capacity(cells.len());
    let mut bad: Vec<(usize, CellFault)> = Vec::new();
    for (row, cell) in cells.iter().enumerate() {
        let parsed = match cell.as_deref().map(str::trim) {
            None | Some("") => Err(CellFault::MissingFormula),
            Some(text) => {
                formula::parse(text).map_err(|e| CellFault::NotAFormula { text: text.to_string(), why: e.to_string() })
            }
        };
        match (parsed, f.on_error) {
            (Ok(c), _) => {
                comps.push(c);
                keep.push(row);
            }
            (Err(why), OnError::Fail) => {
                return Err(table.cell_error(col, row, why).with_span(f.column.span).with_help(
                    "fix the cell, filter the row out with `where`, or drop such rows with `{ on_error = drop }`",
                ));
            }
            (Err(why), OnError::Drop) => bad.push((row, why)),
        }
    }
    if comps.is_empty() {
        return Err(DataError::new(ProblemKind::NoFormulas { column: col.clone(), table: table.label().to_string() })
            .with_file(table.label())
            .with_column(col)
            .with_span(spec.span));
    }
    // The same cells under the same preset give the same features: a rerun reads them back.
    let texts: Vec<&str> = keep.iter().map(|&row| cells[row].as_deref().map_or("", str::trim)).collect();
    let dir = cache::dir().filter(|_| cache::caches(f.preset));
    let (names, rows) = cache::cached(dir.as_deref(), &format!("{:?}", f.preset), &texts, || compute(f.preset, &comps));
    let mut out = if bad.is_empty() { table } else { drop_note(table, col, &bad).take_rows(&keep) };
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

/// Column names and one row of features per composition.
pub fn compute(preset: Preset, comps: &[Composition]) -> (Vec<String>, Vec<Vec<f64>>) {
    match preset {
        Preset::Magpie => (magpie::column_names(), comps.iter().map(magpie::features).collect()),
        Preset::Fractions => {
            let els = fractions::elements_present(comps);
            (fractions::column_names(&els), comps.iter().map(|c| fractions::features(c, &els)).collect())
        }
    }
}

/// `table` with the plan warning for the rows `on_error = drop` leaves out.
fn drop_note(table: Table, col: &str, bad: &[(usize, CellFault)]) -> Table {
    let examples: Vec<String> = bad
        .iter()
        .take(SHOWN)
        .map(|(row, why)| {
            let (at, _) = table.locate(*row);
            format!("{at} {why}")
        })
        .collect();
    let more = if bad.len() > SHOWN { "; …" } else { "" };
    let note = format!(
        "featurize composition({col}) drops {} of the {} rows of {}: not formulas (e.g. {}{more})",
        bad.len(),
        table.nrows(),
        table.label(),
        examples.join("; ")
    );
    table.with_note(note)
}
