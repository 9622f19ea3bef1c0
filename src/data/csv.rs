//! CSV loader: a header row, then rows of the same width. Empty cells are missing. A column is
//! numeric when every non-empty cell parses as f64 (so `NaN` / `inf` read as numbers, and NaN as
//! missing), else text; a column listed in `csv("f.csv", numeric: [a, b])` is numeric anyway, its
//! cells that are not numbers read as missing (counted in a plan warning). Fields and names are
//! trimmed of surrounding whitespace; a UTF-8 BOM is stripped. A header name that occurs more than
//! once leaves its columns out of the table (an error only when the study uses the name).

use std::path::Path;

use crate::ir::Spanned;

use super::error::DataError;
use super::table::{Column, Table};
use crate::diag::ProblemKind;

/// How many example cells a message lists.
pub(crate) const EXAMPLES: usize = 3;

/// Loads the CSV file at `path`; `label` (the path as written in the study) names it in errors
/// and becomes the table's label. Every row remembers its 1-based line in the file. The columns
/// in `numeric` are read as numbers, with cells that are not numbers missing.
/// Fields are separated by `delimiter` (`b','` unless the study says `delimiter: ";"`).
pub fn load_csv(path: &Path, label: &str, numeric: &[Spanned<String>], delimiter: u8) -> Result<Table, DataError> {
    let bytes = std::fs::read(path).map_err(|e| {
        DataError::new(ProblemKind::CsvUnreadable {
            file: label.to_string(),
            path: path.display().to_string(),
            detail: e.to_string(),
        })
        .with_file(label)
    })?;
    parse_csv_delimited(&bytes, label, numeric, delimiter)
}

/// Parses CSV bytes (see [`load_csv`]), types inferred.
pub fn parse_csv(bytes: &[u8], label: &str) -> Result<Table, DataError> {
    parse_csv_with(bytes, label, &[])
}

/// Parses CSV bytes with the columns in `numeric` forced numeric (see [`load_csv`]).
pub fn parse_csv_with(bytes: &[u8], label: &str, numeric: &[Spanned<String>]) -> Result<Table, DataError> {
    parse_csv_delimited(bytes, label, numeric, b',')
}

/// The separator a header read with `delimiter` seems to use instead: `;` or a tab, when the
/// header came out as one field holding it (a semicolon- or tab-separated file read as CSV).
fn other_delimiter(names: &[String], delimiter: u8) -> Option<u8> {
    match names {
        [one] => [b';', b'\t', b','].into_iter().find(|&d| d != delimiter && one.as_bytes().contains(&d)),
        _ => None,
    }
}

/// The help for a file whose header came out as one field holding `found`.
fn delimiter_help(label: &str, header: &str, found: u8) -> String {
    let (name, written) = match found {
        b'\t' => ("tabs", "\\t".to_string()),
        b => (if b == b';' { "semicolons" } else { "commas" }, (b as char).to_string()),
    };
    format!(
        "{label} was read as one column named `{header}`: its fields look separated by {name}; write \
         `csv(\"{label}\", delimiter: \"{written}\")`"
    )
}

/// [`parse_csv_with`] with fields separated by `delimiter`.
pub fn parse_csv_delimited(
    bytes: &[u8],
    label: &str,
    numeric: &[Spanned<String>],
    delimiter: u8,
) -> Result<Table, DataError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::new(ProblemKind::CsvWithoutHeader { file: label.to_string() })
            .with_file(label)
            .with_help("the first line of a CSV file names its columns"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut records = reader.records();
    let mut lines_at = LineCounter::new(bytes);

    let header = match records.next() {
        Some(r) => r.map_err(|e| csv_error(e, label, &mut lines_at, &[]))?,
        None => return Err(DataError::new(ProblemKind::CsvWithoutHeader { file: label.to_string() }).with_file(label)),
    };
    let header_line = lines_at.line_of(header.position());
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    let duplicates = check_header(&names, label, header_line)?;
    let hint = other_delimiter(&names, delimiter).map(|d| delimiter_help(label, &names[0], d));
    for n in numeric {
        if duplicates.iter().any(|(d, _, _)| *d == n.value) {
            continue; // the table's duplicate error names the positions when it is looked up
        }
        if !names.contains(&n.value) {
            return Err(DataError::new(ProblemKind::NumericWithoutColumn {
                column: n.value.clone(),
                file: label.to_string(),
            })
            .with_file(label)
            .with_column(&n.value)
            .with_span(n.span)
            .with_help_opt(
                hint.clone().or_else(|| crate::diag::did_you_mean(&n.value, names.iter().map(String::as_str))),
            ));
        }
    }

    let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    let mut lines = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(e, label, &mut lines_at, &names))?;
        let line = lines_at.line_of(rec.position());
        if rec.len() != names.len() {
            return Err(DataError::new(ProblemKind::CsvLineWidth {
                file: label.to_string(),
                line,
                fields: rec.len(),
                header_line,
                columns: names.len(),
            })
            .with_file(label)
            .with_row(line)
            .with_help("every row needs one value per column; quote values that contain commas"));
        }
        for (col, field) in cells.iter_mut().zip(rec.iter()) {
            col.push(if field.is_empty() { None } else { Some(field.to_string()) });
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(DataError::new(ProblemKind::CsvWithoutRows { file: label.to_string() }).with_file(label));
    }

    let mut notes = Vec::new();
    let mut lenient = Vec::new();
    let mut columns = Vec::with_capacity(names.len());
    for (name, c) in names.into_iter().zip(cells) {
        if duplicates.iter().any(|(d, _, _)| *d == name) {
            continue;
        }
        if numeric.iter().any(|n| n.value == name) {
            let (col, bad) = forced_numeric(c, &lines);
            if !bad.is_empty() {
                notes.push(format!(
                    "{label}: {} cell(s) of column `{name}` are not numbers and are read as missing (`numeric: [{name}]`): {}",
                    bad.len(),
                    list_cells(&bad)
                ));
            }
            lenient.push(name.clone());
            columns.push((name, col));
        } else {
            columns.push((name, infer(c)));
        }
    }
    let mut table = Table::new(label, columns, Some(lines))?;
    table.meta.duplicates = duplicates;
    table.meta.lenient = lenient;
    table.meta.delimiter_help = hint;
    Ok(notes.into_iter().fold(table, Table::with_note))
}

/// "line 130 `=F129/G129*B129`, line 131 `n/a`, line 140 `?` and 141 more" from (line, value) pairs.
pub(crate) fn list_cells(cells: &[(usize, String)]) -> String {
    let shown: Vec<String> = cells.iter().take(EXAMPLES).map(|(l, v)| format!("line {l} `{v}`")).collect();
    let more = cells.len().saturating_sub(EXAMPLES);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// A column read as numbers whatever its cells hold: cells that do not parse are missing. Also
/// returns those cells as (line, value).
fn forced_numeric(cells: Vec<Option<String>>, lines: &[usize]) -> (Column, Vec<(usize, String)>) {
    let mut bad = Vec::new();
    let v = cells
        .into_iter()
        .zip(lines)
        .map(|(c, &line)| match c {
            None => f64::NAN,
            Some(s) => s.parse::<f64>().unwrap_or_else(|_| {
                bad.push((line, s));
                f64::NAN
            }),
        })
        .collect();
    (Column::Numeric(v), bad)
}

/// Empty column names are errors. Names that occur more than once are returned with their
/// 1-based positions and the header line: those columns are left out of the table, and using
/// such a name is an error (a spreadsheet export often repeats the name of empty columns).
fn check_header(names: &[String], label: &str, line: usize) -> Result<Vec<(String, Vec<usize>, usize)>, DataError> {
    let mut duplicates: Vec<(String, Vec<usize>, usize)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            return Err(DataError::new(ProblemKind::CsvUnnamedColumn { file: label.to_string(), column: i + 1, line })
                .with_file(label)
                .with_row(line));
        }
        if duplicates.iter().any(|(d, _, _)| d == n) {
            continue;
        }
        let at: Vec<usize> = names.iter().enumerate().filter(|(_, m)| *m == n).map(|(j, _)| j + 1).collect();
        if at.len() > 1 {
            duplicates.push((n.clone(), at, line));
        }
    }
    Ok(duplicates)
}

/// Numeric if every present cell parses as f64 (NaN becomes missing), else text.
fn infer(cells: Vec<Option<String>>) -> Column {
    let parsed: Option<Vec<f64>> = cells
        .iter()
        .map(|c| match c {
            None => Some(f64::NAN),
            Some(s) => s.parse::<f64>().ok(),
        })
        .collect();
    match parsed {
        Some(v) => Column::Numeric(v),
        None => Column::Text(cells),
    }
}

/// 1-based line numbers from record positions. The csv crate reports a record's position before
/// the blank lines it skips, so the counter moves past line breaks to the record's first byte.
/// Positions must be asked for in increasing order.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    fn line_of(&mut self, pos: Option<&csv::Position>) -> usize {
        let Some(pos) = pos else { return self.line };
        let mut target = usize::try_from(pos.byte()).unwrap_or(usize::MAX).min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\n' | b'\r') {
            target += 1;
        }
        if target > self.offset {
            self.line += self.bytes[self.offset..target].iter().filter(|&&b| b == b'\n').count();
            self.offset = target;
        }
        self.line
    }
}

/// A record the csv crate could not read. Invalid UTF-8 (the common case: a file saved in
/// Latin-1 or Windows-1252) is said plainly, with the column it is in; `names` is the header
/// (empty while reading the header itself).
fn csv_error(e: csv::Error, label: &str, lines: &mut LineCounter, names: &[String]) -> DataError {
    let line = e.position().map(|p| lines.line_of(Some(p)));
    let mut err = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let field = err.field();
            let column = names.get(field).cloned();
            let mut d =
                DataError::new(ProblemKind::CsvNotUtf8 { file: label.to_string(), line, field: field + 1, column })
                    .with_help("save the file as UTF-8 (it may be in Latin-1 or Windows-1252)");
            if let Some(n) = names.get(field) {
                d = d.with_column(n);
            }
            d
        }
        _ => DataError::new(match line {
            Some(l) => ProblemKind::CsvLineUnreadable { file: label.to_string(), line: l, detail: e.to_string() },
            None => ProblemKind::CsvRecordUnreadable { file: label.to_string(), detail: e.to_string() },
        }),
    }
    .with_file(label);
    if let Some(l) = line {
        err = err.with_row(l);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_missing_and_lines() {
        let t = parse_csv(b"\xEF\xBB\xBFa, b ,c\n1,x,\n2.5, y ,NaN\n\n-inf,,3\n", "t.csv").unwrap();
        assert_eq!(t.column_names(), vec!["a", "b", "c"]);
        assert_eq!(t.nrows(), 3);
        assert!(t.column("a").unwrap().is_numeric());
        assert!(!t.column("b").unwrap().is_numeric());
        let c = t.column("c").unwrap();
        assert!(c.is_numeric() && c.is_missing(0) && c.is_missing(1) && !c.is_missing(2));
        assert!(t.column("b").unwrap().is_missing(2));
        assert_eq!(t.column("b").unwrap().cell_text(1).as_deref(), Some("y"));
        // Blank line 4 is skipped; the last row is on line 5.
        assert_eq!(t.row_origin(2), Some(("t.csv".to_string(), 5)));
    }

    #[test]
    fn quoted_fields_keep_commas() {
        let t = parse_csv(b"name,v\n\"a,b\",1\n", "q.csv").unwrap();
        assert_eq!(t.text_column("name").unwrap(), vec!["a,b"]);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = parse_csv(b"a\n1\n\xff\xfe\n", "bad.csv").unwrap_err();
        assert!(e.message.contains("bad.csv") && e.message.contains("line 3"), "{}", e.message);
        let e = parse_csv(b"a,b\n1,x\n2,caf\xe9\n", "latin1.csv").unwrap_err();
        assert_eq!(e.message, "latin1.csv: line 3 field 2 (column `b`) is not valid UTF-8");
        assert_eq!(e.column.as_deref(), Some("b"));
    }
}
