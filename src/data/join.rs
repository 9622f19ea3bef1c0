//! `join RIGHT on a = b, c = d`: inner join of the left table with a right table whose keys are
//! unique.
//!
//! Keys are compared as text when either side's column is text (numbers in canonical form, see
//! [`format_number`]), else numerically. Rows with a missing key cell never match. A right key
//! that occurs twice is an error naming the key and both lines. The result has the left columns
//! then the right's non-key columns; any other name clash is an error. Rows follow the left
//! table's order (a left row without a partner is dropped, and the result carries a plan warning
//! with how many and a few of their keys), and so do the row origins.

use std::collections::HashMap;

use crate::ir::{Span, Spanned};

use super::error::DataError;
use super::table::{Column, Table, format_number};
use crate::diag::ProblemKind;

/// One part of a join key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyPart {
    /// f64 bits, with -0 folded onto 0.
    Num(u64),
    Text(String),
}

/// Inner join of `left` and `right` on (left column, right column) pairs. `span` (the whole
/// join) is used for errors that are not about one column.
pub fn join(
    left: &Table,
    right: &Table,
    on: &[(Spanned<String>, Spanned<String>)],
    span: Span,
) -> Result<Table, DataError> {
    if on.is_empty() {
        return Err(DataError::new(ProblemKind::JoinWithoutKeys).with_span(span));
    }
    let mut pairs = Vec::with_capacity(on.len());
    for (l, r) in on {
        let lc = left.require(&l.value).map_err(|e| e.with_span(l.span))?;
        let rc = right.require(&r.value).map_err(|e| e.with_span(r.span))?;
        let as_text = !(lc.is_numeric() && rc.is_numeric());
        pairs.push((lc, rc, as_text));
    }

    // Right columns that stay, and clashes with left names.
    let right_keys: Vec<&str> = on.iter().map(|(_, r)| r.value.as_str()).collect();
    let kept: Vec<(&str, &Column)> = right.columns().filter(|(n, _)| !right_keys.contains(n)).collect();
    let clashes: Vec<String> =
        kept.iter().filter(|(n, _)| left.index_of(n).is_some()).map(|(n, _)| (*n).to_string()).collect();
    if !clashes.is_empty() {
        return Err(DataError::new(ProblemKind::JoinColumnClash {
            left: left.label().to_string(),
            right: right.label().to_string(),
            columns: clashes,
        })
        .with_span(span)
        .with_help(
            "remove them from one side before joining: `| drop COLS` on the left before `| join`, or a table \
             declared without them on the right (`data right = ... | drop COLS`, or `| select COLS` to keep \
             only what the study uses); COLS may be a list or a glob such as `d_*`",
        ));
    }

    // Index the right table by key; duplicates are an error.
    let mut index: HashMap<Vec<KeyPart>, usize> = HashMap::with_capacity(right.nrows());
    for r in 0..right.nrows() {
        let Some(key) = key_of(pairs.iter().map(|(_, rc, t)| (*rc, *t)), r) else { continue };
        if let Some(&first) = index.get(&key) {
            let (at1, _) = right.locate(first);
            let (at2, n2) = right.locate(r);
            return Err(DataError::new(ProblemKind::JoinKeyTwice {
                key: describe_key(on, right, r),
                table: right.label().to_string(),
                first: at1,
                second: at2,
            })
            .with_file(right.label())
            .with_column(on[0].1.value.clone())
            .with_row(n2)
            .with_span(span)
            .with_help("filter the right table with `where` so that each key occurs once"));
        }
        index.insert(key, r);
    }

    let (mut left_rows, mut right_rows) = (Vec::new(), Vec::new());
    let mut unmatched = Vec::new();
    for l in 0..left.nrows() {
        match key_of(pairs.iter().map(|(lc, _, t)| (*lc, *t)), l).and_then(|key| index.get(&key)) {
            Some(&r) => {
                left_rows.push(l);
                right_rows.push(r);
            }
            None => unmatched.push(l),
        }
    }
    let extra = kept.iter().map(|(n, c)| (n.to_string(), c.take(&right_rows))).collect();
    let mut out = left.take_rows(&left_rows).append_columns(extra);
    out.meta.merge(&right.meta);
    if !unmatched.is_empty() && !left_rows.is_empty() {
        out = out.with_note(unmatched_note(left, right, on, &unmatched));
    }
    Ok(out)
}

/// "join of a.csv with b.csv drops 12 of 480 rows of a.csv that have no partner (`polymer` =
/// "CCO" at line 5, ...)": the plan warning of an inner join that lost left rows.
fn unmatched_note(
    left: &Table,
    right: &Table,
    on: &[(Spanned<String>, Spanned<String>)],
    unmatched: &[usize],
) -> String {
    let mut examples: Vec<String> = Vec::new();
    for &l in unmatched {
        let key = on
            .iter()
            .map(|(lc, _)| {
                let col = left.column(&lc.value);
                match col.and_then(|c| c.cell_text(l)) {
                    Some(v) if col.is_some_and(Column::is_numeric) => format!("`{}` = {v}", lc.value),
                    Some(v) => format!("`{}` = \"{v}\"", lc.value),
                    None => format!("`{}` missing", lc.value),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        if !examples.iter().any(|e| e.starts_with(&format!("{key} at "))) {
            examples.push(format!("{key} at {}", left.locate(l).0));
        }
        if examples.len() == super::csv::EXAMPLES {
            break;
        }
    }
    format!(
        "join of {} with {} drops {} of the {} rows of {}: their key has no partner in {} (e.g. {})",
        left.label(),
        right.label(),
        unmatched.len(),
        left.nrows(),
        left.label(),
        right.label(),
        examples.join("; ")
    )
}

/// The key of `row` over these (column, compare-as-text) parts; `None` if any cell is missing.
fn key_of<'a>(parts: impl Iterator<Item = (&'a Column, bool)>, row: usize) -> Option<Vec<KeyPart>> {
    parts
        .map(|(col, as_text)| match col {
            Column::Numeric(v) => {
                let x = v[row];
                if x.is_nan() {
                    None
                } else if as_text {
                    Some(KeyPart::Text(format_number(x)))
                } else {
                    Some(KeyPart::Num(if x == 0.0 { 0 } else { x.to_bits() }))
                }
            }
            Column::Text(v) => v[row].clone().map(KeyPart::Text),
        })
        .collect()
}

/// "`polymer` = "CC"" (one pair) or "`a` = "x", `b` = 3" for messages, with right column names.
fn describe_key(on: &[(Spanned<String>, Spanned<String>)], right: &Table, row: usize) -> String {
    on.iter()
        .map(|(_, r)| {
            let v = right.column(&r.value).and_then(|c| c.cell_text(row)).unwrap_or_default();
            let shown = if right.column(&r.value).is_some_and(Column::is_numeric) { v } else { format!("\"{v}\"") };
            format!("`{}` = {shown}", r.value)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
