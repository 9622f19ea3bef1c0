//! `sim2real table STUDY NAME [--out FILE.csv]`: one declared table after all its operations, as
//! CSV (to debug a pipeline, or to look at what a featurizer computed).

use std::io::Write;
use std::path::Path;

use crate::data::{Column, DataContext, Table};
use crate::diag::StudyErrors;
use crate::exec::RunError;

use super::error::CliError;

/// What `table` wrote: the rows, and the table's notes (rows dropped, SMILES RDKit reads
/// differently), which the command prints as warnings as `check` does.
pub struct Written {
    pub rows: usize,
    pub notes: Vec<String>,
}

/// Evaluates the study's tables up to `name` and writes that one as CSV to `out` (stdout when
/// `None`).
pub fn write_table(path: &Path, text: &str, name: &str, out: Option<&Path>) -> Result<Written, CliError> {
    let file = path.display().to_string();
    let study = crate::check(&file, text).map_err(|e| RunError::Study(Box::new(e)))?;
    let Some(at) = study.tables.iter().position(|t| t.name == name) else {
        let declared = study.tables.iter().map(|t| t.name.clone()).collect();
        return Err(CliError::NoSuchTable { file, name: name.to_string(), declared });
    };
    let ctx = DataContext::from_env(&path.parent().map(Path::to_path_buf).unwrap_or_default());
    let tables = crate::data::evaluate(&study.tables[..=at], &ctx).map_err(|e| {
        let span = study.tables[at].span;
        RunError::Study(Box::new(StudyErrors::new(&file, text, vec![e.to_problem(span)])))
    })?;
    let table = &tables[name];
    let bytes = to_csv(table).map_err(CliError::Csv)?;
    match out {
        Some(p) => std::fs::write(p, &bytes).map_err(|source| CliError::WriteFile { path: p.to_path_buf(), source })?,
        None => std::io::stdout().write_all(&bytes).map_err(CliError::Stdout)?,
    }
    Ok(Written { rows: table.nrows(), notes: table.notes().to_vec() })
}

/// The table as CSV: a header, then one line per row; numbers in their shortest exact form,
/// missing cells blank.
fn to_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(table.column_names())?;
    let cols: Vec<&Column> = table.columns().map(|(_, c)| c).collect();
    for row in 0..table.nrows() {
        w.write_record(cols.iter().map(|c| match c {
            Column::Numeric(v) if v[row].is_nan() => String::new(),
            Column::Numeric(v) => format!("{}", v[row]),
            Column::Text(t) => t[row].clone().unwrap_or_default(),
        }))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
