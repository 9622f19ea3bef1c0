//! Evaluating `data NAME = ...` table expressions, in declaration order.

use std::collections::BTreeMap;

use crate::ir::{Spanned, TableDef, TableExpr};

use super::context::DataContext;
use super::csv::load_csv;
use super::error::DataError;
use super::filter::filter;
use super::join::join;
use super::parquet::load_parquet;
use super::synthetic;
use super::table::Table;
use crate::diag::ProblemKind;

/// Evaluates every table definition in order (each may use the ones before it). Errors carry the
/// most precise span known, else the definition's span.
pub fn evaluate(defs: &[TableDef], ctx: &DataContext) -> Result<BTreeMap<String, Table>, DataError> {
    let mut done = BTreeMap::new();
    for def in defs {
        let table = evaluate_expr(&def.expr, &done, ctx).map_err(|e| e.with_span(def.span))?;
        done.insert(def.name.clone(), table);
    }
    Ok(done)
}

/// Evaluates one table expression; `done` holds the tables declared before it. A `where` or
/// `join` that leaves no rows is an error, as is a file without rows.
pub fn evaluate_expr(expr: &TableExpr, done: &BTreeMap<String, Table>, ctx: &DataContext) -> Result<Table, DataError> {
    match expr {
        TableExpr::Csv { path, numeric, delimiter } => {
            let file = ctx.resolve(&path.value).map_err(|e| e.with_span(path.span))?;
            load_csv(&file, &path.value, numeric, delimiter.unwrap_or(b',')).map_err(|e| e.with_span(path.span))
        }
        TableExpr::Parquet(path) => {
            let file = ctx.resolve(&path.value).map_err(|e| e.with_span(path.span))?;
            load_parquet(&file, &path.value).map_err(|e| e.with_span(path.span))
        }
        TableExpr::Synthetic(spec) => synthetic::generate(&spec.value).map_err(|e| e.with_span(spec.span)),
        TableExpr::Ref(name) => done.get(&name.value).cloned().ok_or_else(|| {
            DataError::new(ProblemKind::TableNotLoaded { table: name.value.clone() })
                .with_span(name.span)
                .with_help_opt(crate::diag::did_you_mean(&name.value, done.keys().map(String::as_str)))
        }),
        TableExpr::Where { input, cond } => {
            let table = evaluate_expr(input, done, ctx)?;
            let out = filter(&table, cond)?;
            if out.nrows() == 0 {
                return Err(DataError::new(ProblemKind::ConditionKeepsNothing {
                    rows: table.nrows(),
                    table: table.label().to_string(),
                })
                .with_file(table.label())
                .with_span(cond.span)
                .with_help("check the values and their spelling (comparisons are case-sensitive)"));
            }
            Ok(out)
        }
        TableExpr::Join { input, right, on, span } => {
            let left = evaluate_expr(input, done, ctx)?;
            let right = evaluate_expr(right, done, ctx)?;
            let out = join(&left, &right, on, *span)?;
            if out.nrows() == 0 {
                return Err(DataError::new(ProblemKind::JoinMatchesNothing {
                    left_rows: left.nrows(),
                    left: left.label().to_string(),
                    right_rows: right.nrows(),
                    right: right.label().to_string(),
                })
                .with_file(left.label())
                .with_span(*span)
                .with_help(no_match_help(&left, &right, on)));
            }
            Ok(out)
        }
        TableExpr::Select { input, cols } => {
            let table = evaluate_expr(input, done, ctx)?;
            let keep = table.resolve(cols)?;
            table.keep_columns(&keep)
        }
        TableExpr::Derive { input, name, expr } => {
            let table = evaluate_expr(input, done, ctx)?;
            super::derive::derive(table, name, expr)
        }
        TableExpr::Featurize { input, spec } => {
            let table = evaluate_expr(input, done, ctx)?;
            super::featurize::featurize(table, spec)
        }
        TableExpr::Drop { input, cols } => {
            let table = evaluate_expr(input, done, ctx)?;
            let gone = table.resolve(cols)?;
            let keep: Vec<String> =
                table.column_names().into_iter().filter(|n| !gone.iter().any(|g| g == n)).map(str::to_string).collect();
            if keep.is_empty() {
                return Err(DataError::new(ProblemKind::DropsEveryColumn { table: table.label().to_string() })
                    .with_file(table.label())
                    .with_span(cols.span));
            }
            table.keep_columns(&keep)
        }
    }
}

/// Help for a join that matched nothing: the first key value of each side, so that a difference
/// in format (`"p01"` vs `"P-01"`, `1` vs `"001"`) shows at a glance.
fn no_match_help(left: &Table, right: &Table, on: &[(Spanned<String>, Spanned<String>)]) -> String {
    let first = |t: &Table, col: &str| {
        let c = t.column(col)?;
        let v = (0..t.nrows()).find_map(|r| c.cell_text(r))?;
        Some(if c.is_numeric() { v } else { format!("\"{v}\"") })
    };
    let Some((l, r)) = on.first() else {
        return "check that the key columns hold the same values on both sides".to_string();
    };
    match (first(left, &l.value), first(right, &r.value)) {
        (Some(a), Some(b)) => format!(
            "check that the key columns hold the same values on both sides: `{}` starts with {a}, `{}` with {b}",
            l.value, r.value
        ),
        _ => "check that the key columns hold the same values on both sides".to_string(),
    }
}
