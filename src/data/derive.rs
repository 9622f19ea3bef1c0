//! `derive NAME = EXPR`: a new numeric column computed row by row. A missing input cell gives a
//! missing result; division by zero, `log` or `log10` of a value ≤ 0, `sqrt` of a negative value, a
//! non-finite result and a text cell that is not a number are errors naming the column, the row
//! (line of the file) and the file.

use crate::ir::{Arith, ArithFn, ArithOp, Spanned};

use thiserror::Error;

use super::error::DataError;
use super::table::{Column, Table};
use crate::diag::CellFault;

/// Why one row's value of a derived column cannot be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ArithError {
    #[error("division by zero ({} / 0)", fmt(*.numerator))]
    DivisionByZero { numerator: f64 },
    /// `log`, `log10` or `sqrt` of a value outside its domain (`must` is "> 0" or "≥ 0").
    #[error("{func} of {} (must be {must})", fmt(*.value))]
    Domain { func: &'static str, value: f64, must: &'static str },
    #[error("the result is not finite")]
    NotFinite,
}

/// `table` with the column `name` = `expr` appended.
pub fn derive(table: Table, name: &Spanned<String>, expr: &Spanned<Arith>) -> Result<Table, DataError> {
    let mut inputs: Vec<(String, Vec<f64>)> = Vec::new();
    collect_columns(&table, &expr.value, &mut inputs)?;
    let mut out = Vec::with_capacity(table.nrows());
    for row in 0..table.nrows() {
        let v = eval(&expr.value, row, &inputs).map_err(|why| {
            table
                .cell_error(&name.value, row, CellFault::NotDerivable(why.to_string()))
                .with_span(expr.span)
                .with_help("filter such rows out with `where` before `derive`")
        })?;
        out.push(v);
    }
    table.with_column(&name.value, Column::Numeric(out)).map_err(|e| e.with_span(name.span))
}

/// The numeric values (NaN = missing) of every column the expression uses.
fn collect_columns(table: &Table, e: &Arith, out: &mut Vec<(String, Vec<f64>)>) -> Result<(), DataError> {
    match e {
        Arith::Num(_) => Ok(()),
        Arith::Col(c) => {
            if out.iter().any(|(n, _)| *n == c.value) {
                return Ok(());
            }
            let values = match table.require(&c.value).map_err(|err| err.with_span(c.span))? {
                Column::Numeric(v) => v.clone(),
                Column::Text(cells) => {
                    let mut v = Vec::with_capacity(cells.len());
                    for (r, cell) in cells.iter().enumerate() {
                        match cell.as_deref().map(|s| s.trim().parse::<f64>()) {
                            None => v.push(f64::NAN),
                            Some(Ok(x)) => v.push(x),
                            Some(Err(_)) => {
                                let text = cell.as_deref().unwrap_or_default();
                                return Err(table
                                    .cell_error(&c.value, r, CellFault::NotNumeric(text.to_string()))
                                    .with_span(c.span)
                                    .with_help("`derive` computes with numeric columns only"));
                            }
                        }
                    }
                    v
                }
            };
            out.push((c.value.clone(), values));
            Ok(())
        }
        Arith::Neg(inner) => collect_columns(table, inner, out),
        Arith::Bin { left, right, .. } => {
            collect_columns(table, left, out)?;
            collect_columns(table, right, out)
        }
        Arith::Call { arg, .. } => collect_columns(table, arg, out),
    }
}

/// The value of `e` at `row`: NaN when an input cell is missing, an error otherwise.
pub fn eval(e: &Arith, row: usize, cols: &[(String, Vec<f64>)]) -> Result<f64, ArithError> {
    let v = match e {
        Arith::Num(x) => *x,
        Arith::Col(c) => {
            cols.iter().find(|(n, _)| *n == c.value).and_then(|(_, v)| v.get(row).copied()).unwrap_or(f64::NAN)
        }
        Arith::Neg(inner) => -eval(inner, row, cols)?,
        Arith::Bin { op, left, right, .. } => {
            let (a, b) = (eval(left, row, cols)?, eval(right, row, cols)?);
            match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div if b == 0.0 => return Err(ArithError::DivisionByZero { numerator: a }),
                ArithOp::Div => a / b,
            }
        }
        Arith::Call { func, arg, .. } => {
            let x = eval(arg, row, cols)?;
            match func {
                ArithFn::Log if x <= 0.0 => return Err(ArithError::Domain { func: "log", value: x, must: "> 0" }),
                ArithFn::Log => x.ln(),
                ArithFn::Log10 if x <= 0.0 => return Err(ArithError::Domain { func: "log10", value: x, must: "> 0" }),
                ArithFn::Log10 => x.log10(),
                ArithFn::Exp => x.exp(),
                ArithFn::Sqrt if x < 0.0 => return Err(ArithError::Domain { func: "sqrt", value: x, must: "≥ 0" }),
                ArithFn::Sqrt => x.sqrt(),
            }
        }
    };
    if v.is_infinite() {
        return Err(ArithError::NotFinite);
    }
    Ok(v)
}

fn fmt(x: f64) -> String {
    super::table::format_number(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(func: ArithFn, x: f64) -> Result<f64, String> {
        eval(&Arith::Call { func, arg: Box::new(Arith::Num(x)), span: crate::ir::Span::default() }, 0, &[])
            .map_err(|e| e.to_string())
    }

    #[test]
    fn log10_is_the_base_10_log_and_needs_a_positive_argument() {
        assert_eq!(call(ArithFn::Log10, 1000.0), Ok(3.0));
        assert_eq!(call(ArithFn::Log10, 1e-11), Ok(-11.0));
        assert_eq!(call(ArithFn::Log10, 0.0), Err("log10 of 0 (must be > 0)".to_string()));
        assert!(call(ArithFn::Log10, -2.0).is_err_and(|e| e.starts_with("log10 of -2")));
    }
}
