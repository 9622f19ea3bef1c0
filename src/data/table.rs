//! An in-memory table: named columns in order, each numeric or text, plus where its rows came from.

use sha2::{Digest, Sha256};

use super::error::DataError;
use super::matrix::Matrix;
use crate::diag::{CellFault, ProblemKind};

/// One column's cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers; `NaN` marks a missing cell.
    Numeric(Vec<f64>),
    /// Strings; `None` marks a missing cell.
    Text(Vec<Option<String>>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Column::Numeric(_))
    }

    /// `"numeric"` or `"text"`, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Column::Numeric(_) => "numeric",
            Column::Text(_) => "text",
        }
    }

    /// Whether the cell at `row` is missing (empty, or NaN in a numeric column).
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Column::Numeric(v) => v[row].is_nan(),
            Column::Text(v) => v[row].is_none(),
        }
    }

    /// The cell at `row` as text (numbers in canonical form), `None` when missing.
    pub fn cell_text(&self, row: usize) -> Option<String> {
        match self {
            Column::Numeric(v) => (!v[row].is_nan()).then(|| format_number(v[row])),
            Column::Text(v) => v[row].clone(),
        }
    }

    /// The cells at `idx`, in that order.
    pub(crate) fn take(&self, idx: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(idx.iter().map(|&i| v[i]).collect()),
            Column::Text(v) => Column::Text(idx.iter().map(|&i| v[i].clone()).collect()),
        }
    }
}

/// Whether a cell's text reads as a number (as the CSV loader parses it).
pub(crate) fn is_number(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok()
}

/// Canonical text of a number: Rust's shortest round-trip form (`1`, `0.5`, `1000000`), with
/// `-0` written `0`. Used for group columns and for joining a numeric key with a text key.
pub fn format_number(v: f64) -> String {
    if v == 0.0 { "0".to_string() } else { format!("{v}") }
}

/// What a table carries besides its cells, through every operation on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TableMeta {
    /// Plan warnings raised while building the table (a join that dropped rows, cells read as
    /// missing); [`Table::notes`].
    pub notes: Vec<String>,
    /// Header names that occur more than once: (name, 1-based column positions, header line).
    /// Their columns are left out of the table; using such a name is an error listing them.
    pub duplicates: Vec<(String, Vec<usize>, usize)>,
    /// Columns read with `csv(..., numeric: [...])`: their non-numbers are missing, and a role
    /// drops the rows where a column of this kind that it uses is missing.
    pub lenient: Vec<String>,
    /// For a CSV file read as one column whose name holds `;` or a tab: the help saying which
    /// `delimiter:` to write (every "no such column" error of the table gives it).
    pub delimiter_help: Option<String>,
}

impl TableMeta {
    /// Adds what `other` carries (notes and names not already here).
    pub(crate) fn merge(&mut self, other: &TableMeta) {
        for n in &other.notes {
            if !self.notes.contains(n) {
                self.notes.push(n.clone());
            }
        }
        for d in &other.duplicates {
            if !self.duplicates.iter().any(|(n, _, _)| *n == d.0) {
                self.duplicates.push(d.clone());
            }
        }
        for l in &other.lenient {
            if !self.lenient.contains(l) {
                self.lenient.push(l.clone());
            }
        }
    }
}

/// A table: columns in order, all of `nrows` cells, a label saying where the data came from (the
/// path as written in the study, or a `synthetic(...)` description) and, when known, the 1-based
/// line of the originating file for each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    nrows: usize,
    label: String,
    lines: Option<Vec<usize>>,
    /// What `lines` counts: `"line"` (of a text file) or `"row"` (of a parquet file or generator).
    unit: &'static str,
    pub(crate) meta: TableMeta,
}

impl Table {
    /// A table from named columns. Every column (and `lines`, if given) must have the same
    /// length, and names must be unique.
    pub fn new(
        label: impl Into<String>,
        columns: Vec<(String, Column)>,
        lines: Option<Vec<usize>>,
    ) -> Result<Table, DataError> {
        let label = label.into();
        let nrows = columns.first().map_or_else(|| lines.as_ref().map_or(0, Vec::len), |(_, c)| c.len());
        let mut names = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, col) in columns {
            if col.len() != nrows {
                return Err(DataError::new(ProblemKind::ColumnLength {
                    column: name.clone(),
                    table: label.clone(),
                    cells: col.len(),
                    rows: nrows,
                })
                .with_file(&label)
                .with_column(&name));
            }
            if names.contains(&name) {
                return Err(DataError::new(ProblemKind::ColumnNamedTwice {
                    table: label.clone(),
                    column: name.clone(),
                })
                .with_file(&label)
                .with_column(&name));
            }
            names.push(name);
            cols.push(col);
        }
        if let Some(l) = &lines
            && l.len() != nrows
        {
            return Err(DataError::new(ProblemKind::LineNumbersMismatch {
                table: label.clone(),
                lines: l.len(),
                rows: nrows,
            })
            .with_file(&label));
        }
        Ok(Table { names, columns: cols, nrows, label, lines, unit: "line", meta: TableMeta::default() })
    }

    /// Says that the row numbers count rows of the source (parquet, generator), not text lines.
    pub(crate) fn numbered_by_row(mut self) -> Table {
        self.unit = "row";
        self
    }

    /// Plan warnings raised while building this table (rows a join dropped, cells read as
    /// missing), in the order they arose.
    pub fn notes(&self) -> &[String] {
        &self.meta.notes
    }

    /// This table with one more plan warning.
    pub(crate) fn with_note(mut self, note: String) -> Table {
        if !self.meta.notes.contains(&note) {
            self.meta.notes.push(note);
        }
        self
    }

    /// The error for a header name that occurs more than once, if `col` is one.
    pub(crate) fn duplicate_error(&self, col: &str) -> Option<DataError> {
        let (_, at, line) = self.meta.duplicates.iter().find(|(n, _, _)| n == col)?;
        Some(
            DataError::new(ProblemKind::HeaderNameRepeated {
                table: self.label.clone(),
                column: col.to_string(),
                line: *line,
                positions: at.clone(),
            })
            .with_file(&self.label)
            .with_column(col)
            .with_row(*line)
            .with_help("rename the columns in the file so that each name occurs once (names the study does not use may repeat)"),
        )
    }

    /// Whether `name` was read with `csv(..., numeric: [...])` (its missing cells drop rows).
    pub fn is_lenient(&self, name: &str) -> bool {
        self.meta.lenient.iter().any(|n| n == name)
    }

    /// Whether `name` is a repeated header name (left out of the table).
    pub(crate) fn is_duplicate(&self, name: &str) -> bool {
        self.meta.duplicates.iter().any(|(n, _, _)| n == name)
    }

    pub fn nrows(&self) -> usize {
        self.nrows
    }

    pub fn ncols(&self) -> usize {
        self.names.len()
    }

    /// Where the data came from: the path as written in the study, or `synthetic(...)`.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn column_names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.index_of(name).map(|i| &self.columns[i])
    }

    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Names and columns in order.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names.iter().map(String::as_str).zip(self.columns.iter())
    }

    /// Where each row came from: (file label, 1-based line), when known. For parquet files and
    /// the synthetic generator the number is the 1-based row of the source.
    pub fn row_origin(&self, row: usize) -> Option<(String, usize)> {
        let lines = self.lines.as_ref()?;
        lines.get(row).map(|&l| (self.label.clone(), l))
    }

    /// 1-based line of `row` in the originating file, if known.
    pub(crate) fn line_of(&self, row: usize) -> Option<usize> {
        self.lines.as_ref().and_then(|l| l.get(row).copied())
    }

    /// "line 7" (or "row 7" of a parquet file) when the origin is known, else "row 3" (1-based
    /// row of this table), and that number.
    pub(crate) fn locate(&self, row: usize) -> (String, usize) {
        match self.line_of(row) {
            Some(l) => (format!("{} {l}", self.unit), l),
            None => (format!("row {}", row + 1), row + 1),
        }
    }

    /// An error about one cell, naming the file, the column and the line (or row).
    pub(crate) fn cell_error(&self, col: &str, row: usize, fault: CellFault) -> DataError {
        let (at, n) = self.locate(row);
        DataError::new(ProblemKind::BadCell { column: col.to_string(), table: self.label.clone(), fault, at })
            .with_file(&self.label)
            .with_column(col)
            .with_row(n)
    }

    fn unknown_column(&self, col: &str) -> DataError {
        if let Some(e) = self.duplicate_error(col) {
            return e;
        }
        // A close name if there is one, else the names there are.
        let help = match &self.meta.delimiter_help {
            Some(h) => h.clone(),
            None => crate::diag::did_you_mean(col, self.names.iter().map(String::as_str))
                .unwrap_or_else(|| self.columns_help()),
        };
        DataError::new(ProblemKind::NoSuchColumn { table: self.label.clone(), column: col.to_string() })
            .with_file(&self.label)
            .with_column(col)
            .with_help(help)
    }

    /// This table with one more column at the end; its name must be new.
    pub(crate) fn with_column(mut self, name: &str, column: Column) -> Result<Table, DataError> {
        if self.index_of(name).is_some() {
            return Err(DataError::new(ProblemKind::ColumnExists {
                table: self.label.clone(),
                column: name.to_string(),
            })
            .with_file(&self.label)
            .with_column(name)
            .with_help("give the derived column a new name, or `drop` the old one first"));
        }
        if column.len() != self.nrows {
            return Err(DataError::new(ProblemKind::DerivedColumnLength {
                column: name.to_string(),
                cells: column.len(),
                rows: self.nrows,
            })
            .with_column(name));
        }
        self.names.push(name.to_string());
        self.columns.push(column);
        Ok(self)
    }

    /// The column called `col`, or an error with a did-you-mean.
    pub(crate) fn require(&self, col: &str) -> Result<&Column, DataError> {
        self.column(col).ok_or_else(|| self.unknown_column(col))
    }

    /// Numeric matrix of these columns, rows in table order. A text column, or a missing, NaN or
    /// infinite cell, is an error naming the file, the column, the line (or row) and the value.
    /// A text column whose every cell is a finite number (possible in parquet) is accepted.
    pub fn numeric(&self, cols: &[String]) -> Result<Matrix, DataError> {
        let mut values = Vec::with_capacity(cols.len());
        for c in cols {
            values.push(self.finite_values(c)?);
        }
        let mut data = Vec::with_capacity(self.nrows * cols.len());
        for r in 0..self.nrows {
            for v in &values {
                data.push(v[r]);
            }
        }
        Ok(Matrix::from_rows(self.nrows, cols.len(), data))
    }

    /// One column as finite numbers (see [`Table::numeric`]).
    pub fn numeric_column(&self, col: &str) -> Result<Vec<f64>, DataError> {
        self.finite_values(col)
    }

    fn finite_values(&self, col: &str) -> Result<Vec<f64>, DataError> {
        match self.require(col)? {
            Column::Numeric(v) => {
                for (r, x) in v.iter().enumerate() {
                    if x.is_nan() {
                        return Err(self
                            .cell_error(col, r, CellFault::MissingOrNaN)
                            .with_help("filter such rows out with `where`, or fill them in the file"));
                    }
                    if x.is_infinite() {
                        return Err(self.cell_error(col, r, CellFault::NotFinite(*x)));
                    }
                }
                Ok(v.clone())
            }
            Column::Text(v) => {
                if let Some(why) = self.why_text(col) {
                    let first = v.iter().position(|c| c.as_deref().is_some_and(|s| !is_number(s))).unwrap_or(0);
                    let (_, row) = self.locate(first);
                    return Err(DataError::new(ProblemKind::ReadAsText {
                        column: col.to_string(),
                        table: self.label.clone(),
                        why,
                    })
                    .with_file(&self.label)
                    .with_column(col)
                    .with_row(row)
                    .with_help(self.text_help(col)));
                }
                let mut out = Vec::with_capacity(v.len());
                for (r, cell) in v.iter().enumerate() {
                    let Some(s) = cell else {
                        return Err(self.cell_error(col, r, CellFault::TextWithMissing));
                    };
                    match s.trim().parse::<f64>() {
                        Ok(x) if x.is_finite() => out.push(x),
                        _ => {
                            return Err(self
                                .cell_error(col, r, CellFault::NotNumeric(s.clone()))
                                .with_help("only numeric columns can be used as x or y"));
                        }
                    }
                }
                Ok(out)
            }
        }
    }

    /// Why a text column is text: "144 of its 1200 non-empty cells are not numbers (line 130
    /// `=F129/G129*B129`, …)" (`None` for a numeric column or one whose cells all parse).
    pub(crate) fn why_text(&self, col: &str) -> Option<String> {
        let Some(Column::Text(v)) = self.column(col) else { return None };
        let bad: Vec<(usize, String)> = v
            .iter()
            .enumerate()
            .filter_map(|(r, c)| c.as_deref().filter(|s| !is_number(s)).map(|s| (self.locate(r).1, s.to_string())))
            .collect();
        if bad.is_empty() {
            return None;
        }
        let present = v.iter().filter(|c| c.is_some()).count();
        let unit = if self.lines.is_some() { self.unit } else { "row" };
        let listed = super::csv::list_cells(&bad).replace("line ", &format!("{unit} "));
        Some(format!("{} of its {present} non-empty cells are not numbers ({listed})", bad.len()))
    }

    /// The help for a column read as text: fix the cells, or, when most cells are numbers, read
    /// the others as missing with `numeric:`.
    pub(crate) fn text_help(&self, col: &str) -> String {
        let mostly_numbers = match self.column(col) {
            Some(Column::Text(v)) => {
                let present: Vec<&str> = v.iter().flatten().map(String::as_str).collect();
                present.iter().filter(|s| is_number(s)).count() * 2 > present.len()
            }
            _ => false,
        };
        let csv = std::path::Path::new(&self.label).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if mostly_numbers && csv {
            let ident = col.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && col.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let name = if ident { col.to_string() } else { format!("\"{col}\"") };
            format!(
                "fix those cells in the file, or read them as missing with `csv(\"{}\", numeric: [{name}])` (a role then drops the rows where it is missing, with a plan warning)",
                self.label
            )
        } else {
            "only numeric columns can be used as x or y".to_string()
        }
    }

    /// A column's values as strings (numbers in canonical form), e.g. for group columns.
    /// A missing cell is an error naming the file, the column and the line (or row).
    pub fn text_column(&self, col: &str) -> Result<Vec<String>, DataError> {
        let column = self.require(col)?;
        (0..self.nrows)
            .map(|r| column.cell_text(r).ok_or_else(|| self.cell_error(col, r, CellFault::Missing)))
            .collect()
    }

    /// A stable SHA-256 (lower-case hex) over column names, types and cell values, in order.
    /// Equal tables give equal fingerprints; the label and line numbers are not included.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update((self.names.len() as u64).to_le_bytes());
        h.update((self.nrows as u64).to_le_bytes());
        for (name, col) in self.names.iter().zip(&self.columns) {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            match col {
                Column::Numeric(v) => {
                    h.update([0u8]);
                    for x in v {
                        // One bit pattern for every NaN (missing).
                        let bits = if x.is_nan() { f64::NAN.to_bits() } else { x.to_bits() };
                        h.update(bits.to_le_bytes());
                    }
                }
                Column::Text(v) => {
                    h.update([1u8]);
                    for cell in v {
                        match cell {
                            None => h.update([0u8]),
                            Some(s) => {
                                h.update([1u8]);
                                h.update((s.len() as u64).to_le_bytes());
                                h.update(s.as_bytes());
                            }
                        }
                    }
                }
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The rows at `idx`, in that order (line numbers follow).
    pub(crate) fn take_rows(&self, idx: &[usize]) -> Table {
        Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.take(idx)).collect(),
            nrows: idx.len(),
            label: self.label.clone(),
            lines: self.lines.as_ref().map(|l| idx.iter().map(|&i| l[i]).collect()),
            unit: self.unit,
            meta: self.meta.clone(),
        }
    }

    /// Only the named columns, in the given order (names must exist).
    pub(crate) fn keep_columns(&self, keep: &[String]) -> Result<Table, DataError> {
        let mut names = Vec::with_capacity(keep.len());
        let mut columns = Vec::with_capacity(keep.len());
        for k in keep {
            columns.push(self.require(k)?.clone());
            names.push(k.clone());
        }
        Ok(Table {
            names,
            columns,
            nrows: self.nrows,
            label: self.label.clone(),
            lines: self.lines.clone(),
            unit: self.unit,
            meta: self.meta.clone(),
        })
    }

    /// This table with `extra` columns appended (each of `nrows` cells; names checked by caller).
    pub(crate) fn append_columns(mut self, extra: Vec<(String, Column)>) -> Table {
        for (n, c) in extra {
            debug_assert_eq!(c.len(), self.nrows);
            self.names.push(n);
            self.columns.push(c);
        }
        self
    }
}
