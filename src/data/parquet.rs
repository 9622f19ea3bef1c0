//! Parquet loader, through the `parquet` crate's record (row) API. Top-level columns only:
//! integers, floats and booleans (as 0/1) become numeric columns, strings text columns, nulls
//! missing cells. Nested, binary, decimal and date/time columns are reported as unsupported.
//! Row origins are the 1-based row numbers of the file.

use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::error::DataError;
use super::table::{Column, Table};
use crate::diag::ProblemKind;

/// One cell as read.
enum Cell {
    Missing,
    Num(f64),
    Text(String),
}

/// Loads the parquet file at `path`; `label` (the path as written) names it in errors.
pub fn load_parquet(path: &Path, label: &str) -> Result<Table, DataError> {
    let bad = |kind: ProblemKind| DataError::new(kind).with_file(label);
    let file_name = || label.to_string();
    let file = std::fs::File::open(path).map_err(|e| {
        bad(ProblemKind::ParquetCannotOpen {
            file: file_name(),
            path: path.display().to_string(),
            detail: e.to_string(),
        })
    })?;
    if let Some(e) = not_parquet(path, label) {
        return Err(e.with_file(label));
    }
    let reader = SerializedFileReader::new(file)
        .map_err(|e| bad(ProblemKind::ParquetUnreadable { file: file_name(), detail: e.to_string() }))?;
    let names: Vec<String> =
        reader.metadata().file_metadata().schema().get_fields().iter().map(|f| f.name().to_string()).collect();
    if names.is_empty() {
        return Err(bad(ProblemKind::ParquetWithoutColumns { file: file_name() }));
    }
    let rows = reader
        .get_row_iter(None)
        .map_err(|e| bad(ProblemKind::ParquetRowsUnreadable { file: file_name(), detail: e.to_string() }))?;

    let mut cells: Vec<Vec<Cell>> = names.iter().map(|_| Vec::new()).collect();
    for (r, row) in rows.enumerate() {
        let row = row.map_err(|e| {
            bad(ProblemKind::ParquetRowUnreadable { file: file_name(), row: r + 1, detail: e.to_string() })
        })?;
        let fields = row.into_columns();
        if fields.len() != names.len() {
            return Err(bad(ProblemKind::ParquetRowWidth {
                file: file_name(),
                row: r + 1,
                fields: fields.len(),
                columns: names.len(),
            }));
        }
        for (i, (name, field)) in fields.into_iter().enumerate() {
            let cell = to_cell(field).map_err(|kind| {
                bad(ProblemKind::ParquetUnsupported {
                    file: file_name(),
                    column: name.clone(),
                    found: kind.to_string(),
                    row: r + 1,
                })
                .with_column(&name)
                .with_row(r + 1)
                .with_help("only numeric and string columns can be read")
            })?;
            cells[i].push(cell);
        }
    }
    let nrows = cells[0].len();
    if nrows == 0 {
        return Err(bad(ProblemKind::ParquetWithoutRows { file: file_name() }));
    }

    let columns = names.into_iter().zip(cells).map(|(n, c)| (n, to_column(c))).collect();
    Ok(Table::new(label, columns, Some((1..=nrows).collect()))?.numbered_by_row())
}

/// A Parquet file begins and ends with the 4 bytes `PAR1`.
const MAGIC: &[u8; 4] = b"PAR1";

/// An error when the file at `path` lacks the Parquet markers (instead of the reader's "Corrupt
/// footer"), saying so, and suggesting `csv(...)` when it starts with a line of text that looks
/// like a CSV header. `None` when the markers are there (or the file cannot be read: the reader
/// reports that).
fn not_parquet(path: &Path, label: &str) -> Option<DataError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::new();
    file.by_ref().take(200).read_to_end(&mut head).ok()?;
    let mut tail = [0u8; 4];
    if len >= 8 {
        file.seek(SeekFrom::End(-4)).ok()?;
        file.read_exact(&mut tail).ok()?;
        if head.starts_with(MAGIC) && &tail == MAGIC {
            return None;
        }
    }
    let bytes = head;
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let text = std::str::from_utf8(first_line)
        .ok()
        .filter(|t| !t.trim().is_empty() && t.chars().all(|c| !c.is_control() || c == '\t' || c == '\r'));
    let e = DataError::new(ProblemKind::NotParquet { file: label.to_string(), empty: len == 0 });
    Some(match text {
        Some(t) if [',', ';', '\t'].iter().any(|d| t.contains(*d)) => e.with_help(format!(
            "it starts with a line of text (`{}`), like a CSV file: read it with `csv(...)`",
            t.trim().chars().take(60).collect::<String>()
        )),
        _ => e.with_help("`parquet(...)` reads Apache Parquet files; `csv(...)` reads text tables"),
    })
}

fn to_cell(field: Field) -> Result<Cell, &'static str> {
    Ok(match field {
        Field::Null => Cell::Missing,
        Field::Bool(b) => Cell::Num(if b { 1.0 } else { 0.0 }),
        Field::Byte(v) => Cell::Num(v.into()),
        Field::Short(v) => Cell::Num(v.into()),
        Field::Int(v) => Cell::Num(v.into()),
        Field::Long(v) => Cell::Num(v as f64),
        Field::UByte(v) => Cell::Num(v.into()),
        Field::UShort(v) => Cell::Num(v.into()),
        Field::UInt(v) => Cell::Num(v.into()),
        Field::ULong(v) => Cell::Num(v as f64),
        Field::Float16(v) => Cell::Num(f64::from(v)),
        Field::Float(v) => Cell::Num(v.into()),
        Field::Double(v) => Cell::Num(v),
        Field::Str(s) => Cell::Text(s),
        Field::Decimal(_) => return Err("decimal"),
        Field::Bytes(_) => return Err("binary"),
        Field::Date(_) | Field::TimeMillis(_) | Field::TimeMicros(_) => return Err("date/time"),
        Field::TimestampMillis(_) | Field::TimestampMicros(_) => return Err("timestamp"),
        Field::Group(_) | Field::ListInternal(_) | Field::MapInternal(_) => return Err("nested"),
    })
}

/// A column is text if any cell is text (a parquet column has one type, so then all are).
fn to_column(cells: Vec<Cell>) -> Column {
    if cells.iter().any(|c| matches!(c, Cell::Text(_))) {
        Column::Text(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Text(s) => Some(s),
                    Cell::Num(x) => Some(super::table::format_number(x)),
                    Cell::Missing => None,
                })
                .collect(),
        )
    } else {
        Column::Numeric(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Num(x) => x,
                    _ => f64::NAN,
                })
                .collect(),
        )
    }
}
