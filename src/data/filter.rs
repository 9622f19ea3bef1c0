//! `where COND`: keep the rows where a condition holds.
//!
//! Semantics: `col OP literal` compares numerically for numeric columns and by byte order of the
//! text for text columns (`==`/`!=` are plain equality); `col in [...]` is equality with any of
//! the values. A numeric column compared with a string, or a text column with a number, is an
//! error. A missing cell makes its comparison *unknown*, and logic is three-valued (Kleene):
//! `not unknown` is unknown, `false and unknown` is false, `true or unknown` is true; a row is
//! kept only when the whole condition is true. So a missing cell never matches, not even under
//! `not` or `!=`.

use std::cmp::Ordering;

use crate::ir::{CmpOp, Cond, Literal, Span, Spanned};

use super::error::DataError;
use super::table::{Column, Table};
use crate::diag::ProblemKind;

/// Three-valued truth: `None` is unknown (a missing cell was involved).
type Truth = Option<bool>;

/// The rows of `table` where `cond` is true, in order. Errors carry the condition's span (an
/// unknown column: the column name's span).
pub fn filter(table: &Table, cond: &Spanned<Cond>) -> Result<Table, DataError> {
    let truth = eval(table, &cond.value, cond.span)?;
    let keep: Vec<usize> = truth.iter().enumerate().filter(|(_, t)| **t == Some(true)).map(|(i, _)| i).collect();
    Ok(table.take_rows(&keep))
}

fn eval(table: &Table, cond: &Cond, span: Span) -> Result<Vec<Truth>, DataError> {
    Ok(match cond {
        Cond::Cmp { column, op, value } => {
            let col = column_of(table, column)?;
            check_type(table, column, col, value, span)?;
            (0..table.nrows()).map(|r| compare(col, r, *op, value)).collect()
        }
        Cond::In { column, values } => {
            let col = column_of(table, column)?;
            for v in values {
                check_type(table, column, col, v, span)?;
            }
            (0..table.nrows())
                .map(|r| {
                    let mut any = Some(false);
                    for v in values {
                        any = or(any, compare(col, r, CmpOp::Eq, v));
                    }
                    any
                })
                .collect()
        }
        Cond::And(a, b) => {
            let (a, b) = (eval(table, a, span)?, eval(table, b, span)?);
            a.into_iter().zip(b).map(|(x, y)| and(x, y)).collect()
        }
        Cond::Or(a, b) => {
            let (a, b) = (eval(table, a, span)?, eval(table, b, span)?);
            a.into_iter().zip(b).map(|(x, y)| or(x, y)).collect()
        }
        Cond::Not(a) => eval(table, a, span)?.into_iter().map(|x| x.map(|t| !t)).collect(),
    })
}

fn and(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn column_of<'a>(table: &'a Table, column: &Spanned<String>) -> Result<&'a Column, DataError> {
    table.require(&column.value).map_err(|e| e.with_span(column.span))
}

/// Numeric columns compare with numbers, text columns with strings.
fn check_type(
    table: &Table,
    column: &Spanned<String>,
    col: &Column,
    value: &Literal,
    span: Span,
) -> Result<(), DataError> {
    let name = &column.value;
    let err = |kind: ProblemKind, help: String| {
        Err(DataError::new(kind).with_file(table.label()).with_column(name).with_span(span).with_help(help))
    };
    match (col, value) {
        (Column::Numeric(_), Literal::Num(_)) | (Column::Text(_), Literal::Str(_)) => Ok(()),
        (Column::Numeric(_), Literal::Str(s)) => err(
            ProblemKind::NumericComparedWithString {
                column: name.clone(),
                table: table.label().to_string(),
                value: s.clone(),
            },
            match s.trim().parse::<f64>() {
                Ok(_) => format!("compare with the number: write {} without quotes", s.trim()),
                Err(_) => "compare a numeric column with a number".to_string(),
            },
        ),
        (Column::Text(_), Literal::Num(x)) => {
            let example = table.column(name).and_then(|c| (0..table.nrows()).find_map(|r| c.cell_text(r)));
            match table.why_text(name) {
                // Mostly numbers with a few odd cells (spreadsheet formulas, "n/a"): say which.
                Some(why) if table.text_help(name).contains("numeric:") => err(
                    ProblemKind::MostlyNumbersComparedWithNumber {
                        column: name.clone(),
                        table: table.label().to_string(),
                        why,
                        value: *x,
                    },
                    table.text_help(name),
                ),
                _ => err(
                    ProblemKind::TextComparedWithNumber {
                        column: name.clone(),
                        table: table.label().to_string(),
                        value: *x,
                    },
                    match example {
                        Some(e) => {
                            format!("write the value as a string, \"{x}\"; the column holds values like \"{e}\"")
                        }
                        None => format!("write the value as a string: \"{x}\""),
                    },
                ),
            }
        }
    }
}

fn compare(col: &Column, row: usize, op: CmpOp, value: &Literal) -> Truth {
    match (col, value) {
        (Column::Numeric(v), Literal::Num(x)) => {
            let a = v[row];
            if a.is_nan() { None } else { Some(op.holds(a, *x)) }
        }
        (Column::Text(v), Literal::Str(s)) => {
            let a = v[row].as_deref()?;
            let ord = a.cmp(s.as_str());
            Some(match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Ne => ord != Ordering::Equal,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
            })
        }
        // Mismatched types are rejected by `check_type` before any row is compared.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::parse_csv;

    fn col(name: &str) -> Spanned<String> {
        Spanned::new(name.to_string(), Span::default())
    }

    fn cmp(name: &str, op: CmpOp, value: Literal) -> Cond {
        Cond::Cmp { column: col(name), op, value }
    }

    fn kept(t: &Table, c: Cond) -> Vec<String> {
        filter(t, &Spanned::new(c, Span::default())).unwrap().text_column("id").unwrap()
    }

    #[test]
    fn three_valued_logic_drops_missing_cells() {
        let t = parse_csv(b"id,x,s\na,1,p\nb,,q\nc,3,\nd,2,p\n", "t.csv").unwrap();
        assert_eq!(kept(&t, cmp("x", CmpOp::Ge, Literal::Num(2.0))), vec!["c", "d"]);
        assert_eq!(kept(&t, cmp("x", CmpOp::Ne, Literal::Num(1.0))), vec!["c", "d"]);
        assert_eq!(kept(&t, Cond::Not(Box::new(cmp("x", CmpOp::Eq, Literal::Num(1.0))))), vec!["c", "d"]);
        let or = Cond::Or(
            Box::new(cmp("x", CmpOp::Eq, Literal::Num(3.0))),
            Box::new(cmp("s", CmpOp::Eq, Literal::Str("q".into()))),
        );
        assert_eq!(kept(&t, or), vec!["b", "c"]);
        let inn = Cond::In { column: col("s"), values: vec![Literal::Str("p".into()), Literal::Str("z".into())] };
        assert_eq!(kept(&t, inn), vec!["a", "d"]);
        assert_eq!(kept(&t, cmp("s", CmpOp::Lt, Literal::Str("q".into()))), vec!["a", "d"]);
    }
}
