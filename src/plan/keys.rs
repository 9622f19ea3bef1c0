//! The target's key columns for breakdowns: the `report by` column (groups) and the target
//! role's `group` columns (which name a sample in `samples.csv`). Values are per row of the
//! prepared target table, as text (numbers in canonical form); a missing cell is its own key,
//! [`MISSING_KEY`].

use std::collections::BTreeMap;

use crate::data::Table;
use crate::diag::Problem;
use crate::ir::Study;

/// The key of a row whose cell is missing.
pub const MISSING_KEY: &str = "(missing)";

/// One key column of the target table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyColumn {
    pub name: String,
    /// One value per target row.
    pub values: Vec<String>,
}

/// The key columns a study's `report` statements need (empty without them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetKeys {
    /// `report by COLUMN`.
    pub by: Option<KeyColumn>,
    /// The target's `group` columns, with `report samples`.
    pub ids: Vec<KeyColumn>,
}

/// Read the key columns from the target table; an unknown column is a problem at its span in
/// the study, with a did-you-mean or the list of columns.
pub fn target_keys(study: &Study, tables: &BTreeMap<String, Table>) -> Result<TargetKeys, Vec<Problem>> {
    let mut keys = TargetKeys::default();
    if study.report.is_empty() {
        return Ok(keys);
    }
    // An unknown target table is reported where the role is bound.
    let Some(table) = tables.get(&study.target.table.value) else { return Ok(keys) };
    let read = |name: &str| -> Result<KeyColumn, crate::data::DataError> {
        let col = table.require(name)?;
        let values = (0..table.nrows()).map(|r| col.cell_text(r).unwrap_or_else(|| MISSING_KEY.to_string())).collect();
        Ok(KeyColumn { name: name.to_string(), values })
    };
    let mut problems = Vec::new();
    if let Some(by) = &study.report.by {
        match read(&by.value) {
            Ok(k) => keys.by = Some(k),
            Err(e) => {
                let mut p = e.to_problem(by.span);
                p.label = format!("not a column of the target `{}`", study.target.table.value);
                problems.push(p);
            }
        }
    }
    if study.report.samples {
        // Group columns are checked where the role is bound; only known ones are read here.
        keys.ids = study.target.group.iter().filter_map(|g| read(&g.value).ok()).collect();
    }
    if problems.is_empty() { Ok(keys) } else { Err(problems) }
}
