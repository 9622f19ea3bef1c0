//! `data NAME = TABLE`: loader calls, table references (declared above only), operations,
//! conditions and column sets. Column names are not checked here (data is loaded at plan time).

use super::checker::Checker;
use super::values::RealRange;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{Cond, Literal, Spanned, SyntheticPart, SyntheticSpec, TableExpr};
use crate::syntax::ast::{self, Call, Ident, Primary, Span, TableOp, Value};
use crate::syntax::names::{CSV_ARGS, LOADERS, SYNTHETIC_ARGS, SYNTHETIC_PARTS};

const SYNTHETIC_HELP: &str =
    "write e.g. `synthetic(part: source, rows: 4000, features: 16, bias: 0.3, noise: 0.05, seed: 1)`";

/// The tables visible to one `data` statement.
pub struct Scope<'s> {
    /// Tables declared above, in order.
    pub declared: &'s [String],
    /// Every table name in the file with the line of its declaration (for "declared below").
    pub all: &'s [(String, usize)],
    /// The table being declared.
    pub this: &'s str,
}

impl Checker<'_> {
    /// A table expression in `scope`.
    pub fn table_expr(&mut self, expr: &ast::TableExpr, scope: &Scope<'_>) -> Option<TableExpr> {
        let mut current = self.primary(&expr.primary, scope);
        for op in &expr.ops {
            let input = current.take().map(Box::new);
            let next = match op {
                TableOp::Where { cond, .. } => match (input, self.cond(cond)) {
                    (Some(input), Some(c)) => Some(TableExpr::Where { input, cond: Spanned::new(c, cond_span(cond)) }),
                    _ => None,
                },
                TableOp::Join { right, on, span } => {
                    let right = self.primary(right, scope);
                    let on = on
                        .iter()
                        .map(|p| {
                            (
                                Spanned::new(p.left.name.clone(), p.left.span),
                                Spanned::new(p.right.name.clone(), p.right.span),
                            )
                        })
                        .collect();
                    match (input, right) {
                        (Some(input), Some(right)) => {
                            Some(TableExpr::Join { input, right: Box::new(right), on, span: (*span) })
                        }
                        _ => None,
                    }
                }
                TableOp::Select { cols, .. } => {
                    let cols = self.column_set_ast(cols);
                    input.map(|input| TableExpr::Select { input, cols })
                }
                TableOp::Drop { cols, .. } => {
                    let cols = self.column_set_ast(cols);
                    input.map(|input| TableExpr::Drop { input, cols })
                }
                TableOp::Derive { name, expr, .. } => {
                    let e = self.arith(expr);
                    match (input, e) {
                        (Some(input), Some(e)) => Some(TableExpr::Derive {
                            input,
                            name: Spanned::new(name.name.clone(), name.span),
                            expr: Spanned::new(e, expr.span()),
                        }),
                        _ => None,
                    }
                }
                TableOp::Featurize { input: what, with, settings, span } => {
                    let spec = self.featurize(what, with, settings.as_ref());
                    match (input, spec) {
                        (Some(input), Some(spec)) => {
                            Some(TableExpr::Featurize { input, spec: Spanned::new(spec, *span) })
                        }
                        _ => None,
                    }
                }
            };
            current = next;
        }
        current
    }

    fn primary(&mut self, primary: &Primary, scope: &Scope<'_>) -> Option<TableExpr> {
        match primary {
            Primary::Name(id) => self.table_ref(id, scope).map(|name| TableExpr::Ref(Spanned::new(name, id.span))),
            Primary::Call(call) => self.loader(call),
        }
    }

    /// A reference to a table declared above.
    fn table_ref(&mut self, id: &Ident, scope: &Scope<'_>) -> Option<String> {
        if scope.declared.contains(&id.name) {
            return Some(id.name.clone());
        }
        if id.name == scope.this {
            self.report(
                Problem::new(ProblemKind::Cycle { table: id.name.clone() }, id.span, "used in its own definition")
                    .with_help("a table can only be built from tables declared above it"),
            );
            return None;
        }
        if let Some((_, line)) = scope.all.iter().find(|(n, _)| *n == id.name) {
            self.report(
                Problem::new(
                    ProblemKind::TableUsedBeforeDeclared { table: id.name.clone() },
                    id.span,
                    "not declared yet",
                )
                .with_help(format!(
                    "`{}` is declared on line {line}; move that `data` statement above this one",
                    id.name
                )),
            );
            return None;
        }
        let help = did_you_mean(&id.name, scope.declared.iter().map(String::as_str))
            .or_else(|| {
                did_you_mean(&id.name, LOADERS.iter().copied())
                    .map(|d| format!("{d} (loaders are called like `csv(\"file.csv\")`)"))
            })
            .unwrap_or_else(|| {
                if scope.declared.is_empty() {
                    "no table is declared above; declare one with `data NAME = csv(\"file.csv\")`".into()
                } else {
                    format!("tables declared above: {}", scope.declared.join(", "))
                }
            });
        self.report(
            Problem::new(ProblemKind::UnknownTable { table: id.name.clone() }, id.span, "no table of this name")
                .with_help(help),
        );
        None
    }

    /// `csv("...")`, `parquet("...")` or `synthetic(...)`.
    fn loader(&mut self, call: &Call) -> Option<TableExpr> {
        match call.name.name.as_str() {
            "csv" => self.csv_args(call),
            "parquet" => self.path_arg(call).map(TableExpr::Parquet),
            "synthetic" => self.synthetic(call).map(|s| TableExpr::Synthetic(Spanned::new(s, call.span))),
            other => {
                let help = match did_you_mean(other, LOADERS.iter().copied()) {
                    Some(d) => d,
                    None => "tables are loaded with `csv(\"path\")`, `parquet(\"path\")` or `synthetic(...)`".into(),
                };
                self.report(
                    Problem::new(
                        ProblemKind::UnknownLoader { name: other.to_string() },
                        call.name.span,
                        "unknown loader",
                    )
                    .with_help(help),
                );
                None
            }
        }
    }

    /// `csv("path")` or `csv("path", numeric: [a, b])` (column names: the columns read as
    /// numbers, their other cells as missing).
    fn csv_args(&mut self, call: &Call) -> Option<TableExpr> {
        let (path_args, options): (Vec<_>, Vec<_>) = call.args.iter().partition(|a| a.name.is_none());
        let path_only =
            Call { name: call.name.clone(), args: path_args.into_iter().cloned().collect(), span: call.span };
        let path = self.path_arg(&path_only);
        let mut numeric: Option<Vec<Spanned<String>>> = None;
        let mut delimiter: Option<u8> = None;
        let mut seen: Vec<&str> = Vec::new();
        let mut ok = true;
        for arg in options {
            let Some(name) = &arg.name else { continue };
            if !CSV_ARGS.contains(&name.name.as_str()) {
                let help = did_you_mean(&name.name, CSV_ARGS.iter().copied())
                    .unwrap_or_else(|| "`csv` takes the path, `numeric: [COLUMNS]` and `delimiter: \";\"`".into());
                self.report(
                    Problem::new(
                        ProblemKind::UnknownCsvArgument { name: name.name.clone() },
                        name.span,
                        "unknown argument",
                    )
                    .with_help(help),
                );
                ok = false;
                continue;
            }
            if seen.contains(&name.name.as_str()) {
                self.report(Problem::new(
                    ProblemKind::ArgumentTwice { name: name.name.clone() },
                    name.span,
                    "given again here",
                ));
                ok = false;
                continue;
            }
            seen.push(name.name.as_str());
            if name.name == "delimiter" {
                match &arg.value {
                    Value::Str(s) if s.value.len() == 1 && !matches!(s.value.as_bytes()[0], b'"' | b'\n' | b'\r') => {
                        delimiter = Some(s.value.as_bytes()[0]);
                    }
                    other => {
                        self.type_error(
                            other,
                            "`delimiter`",
                            "one character",
                            Some(
                                "write e.g. `csv(\"f.csv\", delimiter: \";\")`, or `delimiter: \"\\t\"` for tabs"
                                    .into(),
                            ),
                        );
                        ok = false;
                    }
                }
                continue;
            }
            let items: Vec<&Value> = match &arg.value {
                Value::List { items, .. } => items.iter().collect(),
                v => vec![v],
            };
            let mut cols = Vec::new();
            for v in items {
                match v {
                    Value::Name(i) => cols.push(Spanned::new(i.name.clone(), i.span)),
                    Value::Str(s) => cols.push(Spanned::new(s.value.clone(), s.span)),
                    other => {
                        self.type_error(
                            other,
                            "`numeric`",
                            "column names",
                            Some("write e.g. `csv(\"f.csv\", numeric: [tc, \"k (W/mK)\"])`: these columns are read as numbers, other cells as missing".into()),
                        );
                        ok = false;
                    }
                }
            }
            numeric = Some(cols);
        }
        let path = path?;
        ok.then(|| TableExpr::Csv { path, numeric: numeric.unwrap_or_default(), delimiter })
    }

    fn path_arg(&mut self, call: &Call) -> Option<Spanned<String>> {
        let usage = format!("write `{}(\"path/to/file\")`", call.name.name);
        match call.args.as_slice() {
            [arg] if arg.name.is_none() => match &arg.value {
                Value::Str(s) if s.value.is_empty() => {
                    self.report(Problem::new(ProblemKind::EmptyPath, s.span, "empty path").with_help(usage));
                    None
                }
                Value::Str(s) => Some(Spanned::new(s.value.clone(), s.span)),
                other => {
                    self.type_error(other, "the path", "a string in double quotes", Some(usage));
                    None
                }
            },
            _ => {
                self.report(
                    Problem::new(
                        ProblemKind::LoaderArgumentCount { loader: call.name.name.clone() },
                        call.span,
                        "expected one path",
                    )
                    .with_help(usage),
                );
                None
            }
        }
    }

    /// `synthetic(part: ..., rows: ..., ...)` with the defaults of docs/language.md.
    pub fn synthetic(&mut self, call: &Call) -> Option<SyntheticSpec> {
        let mut seen: Vec<&str> = Vec::new();
        let mut args: Vec<(&str, &Value, Span)> = Vec::new();
        let mut ok = true;
        for arg in &call.args {
            let Some(name) = &arg.name else {
                self.report(
                    Problem::new(ProblemKind::UnnamedSyntheticArgument, arg.span, "unnamed argument")
                        .with_help(SYNTHETIC_HELP),
                );
                ok = false;
                continue;
            };
            let Some(known) = SYNTHETIC_ARGS.iter().find(|a| **a == name.name) else {
                let list = SYNTHETIC_ARGS.join(", ");
                let help = match did_you_mean(&name.name, SYNTHETIC_ARGS.iter().copied()) {
                    Some(d) => format!("{d} (arguments: {list})"),
                    None => format!("`synthetic` takes {list}"),
                };
                self.report(
                    Problem::new(
                        ProblemKind::UnknownSyntheticArgument { name: name.name.clone() },
                        name.span,
                        "unknown argument",
                    )
                    .with_help(help),
                );
                ok = false;
                continue;
            };
            if seen.contains(known) {
                self.report(Problem::new(
                    ProblemKind::ArgumentTwice { name: known.to_string() },
                    name.span,
                    "given again here",
                ));
                ok = false;
                continue;
            }
            seen.push(known);
            args.push((known, &arg.value, name.span));
        }
        let get = |n: &str| args.iter().find(|(a, _, _)| *a == n).map(|(_, v, s)| (*v, *s));

        let part = match get("part") {
            Some((v, _)) => self.choice(v, "part", SYNTHETIC_PARTS),
            None => {
                self.report(
                    Problem::new(ProblemKind::SyntheticWithoutPart, call.span, "no `part`").with_help(SYNTHETIC_HELP),
                );
                None
            }
        };
        let rows = get("rows").map_or(Some(1000), |(v, _)| self.count_value(v, "`rows`", 1));
        let features = get("features").map_or(Some(8), |(v, _)| self.count_value(v, "`features`", 1));
        let seed = get("seed").map_or(Some(0), |(v, _)| {
            let n = self.number(v, "`seed`", "a whole number")?;
            self.whole(n, "`seed`", 0)
        });
        let noise_given = get("noise").map(|(v, _)| self.real_value(v, "`noise`", RealRange::NON_NEGATIVE));
        let bias_given = get("bias").map(|(v, s)| (self.real_value(v, "`bias`", RealRange::NON_NEGATIVE), s));
        let part = part?;
        let bias = match (part, bias_given) {
            (SyntheticPart::Target, Some((_, span))) => {
                self.report(
                    Problem::new(ProblemKind::BiasOnTarget, span, "not used for the target")
                        .with_help("the target part is the noisy but unbiased \"experiment\"; remove `bias` here"),
                );
                None
            }
            (SyntheticPart::Target, None) => Some(0.0),
            (SyntheticPart::Source, Some((b, _))) => b,
            (SyntheticPart::Source, None) => Some(0.3),
        };
        let noise = match noise_given {
            Some(n) => n,
            None if part == SyntheticPart::Source => Some(0.05),
            None => Some(0.1),
        };
        let spec = SyntheticSpec { part, rows: rows?, features: features?, bias: bias?, noise: noise?, seed: seed? };
        ok.then_some(spec)
    }

    /// A column set of a `select`/`drop`.
    fn column_set_ast(&mut self, cols: &ast::ColumnSet) -> crate::ir::ColumnSet {
        let conv = |ids: &[Ident]| ids.iter().map(|i| Spanned::new(i.name.clone(), i.span)).collect();
        crate::ir::ColumnSet { include: conv(&cols.include), exclude: conv(&cols.exclude), span: cols.span }
    }

    /// A row condition. `and`/`or` chains become balanced binary trees (same meaning, shallow
    /// even for very long chains); `not not c` is `c`.
    fn cond(&mut self, cond: &ast::Cond) -> Option<Cond> {
        match cond {
            ast::Cond::Cmp { column, op, value, .. } => {
                let value = self.literal(value)?;
                Some(Cond::Cmp { column: Spanned::new(column.name.clone(), column.span), op: *op, value })
            }
            ast::Cond::In { column, values, span } => {
                if values.is_empty() {
                    self.report(
                        Problem::new(ProblemKind::EmptyInList { column: column.name.clone() }, *span, "empty list")
                            .with_help("list at least one value, e.g. `gas in [\"CO2\", \"N2\"]`"),
                    );
                    return None;
                }
                let values: Vec<Option<Literal>> = values.iter().map(|v| self.literal(v)).collect();
                let values = values.into_iter().collect::<Option<Vec<_>>>()?;
                Some(Cond::In { column: Spanned::new(column.name.clone(), column.span), values })
            }
            ast::Cond::And(parts) => self.chain(parts, |a, b| Cond::And(Box::new(a), Box::new(b))),
            ast::Cond::Or(parts) => self.chain(parts, |a, b| Cond::Or(Box::new(a), Box::new(b))),
            ast::Cond::Not { count, cond, .. } => {
                let inner = self.cond(cond)?;
                Some(if count % 2 == 1 { Cond::Not(Box::new(inner)) } else { inner })
            }
        }
    }

    fn chain(&mut self, parts: &[ast::Cond], join: fn(Cond, Cond) -> Cond) -> Option<Cond> {
        let conds: Vec<Option<Cond>> = parts.iter().map(|p| self.cond(p)).collect();
        let conds = conds.into_iter().collect::<Option<Vec<_>>>()?;
        balanced(conds, join)
    }

    fn literal(&mut self, lit: &ast::Literal) -> Option<Literal> {
        match lit {
            ast::Literal::Str(s) => Some(Literal::Str(s.value.clone())),
            ast::Literal::Num(n) => match n.text.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(Literal::Num(v)),
                _ => {
                    self.out_of_range(n.span, "a number in a condition", "a finite number", &format!("`{}`", n.text));
                    None
                }
            },
        }
    }
}

/// Folds `items` into a balanced binary tree with `join` (`None` if empty).
fn balanced(mut items: Vec<Cond>, join: fn(Cond, Cond) -> Cond) -> Option<Cond> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        n => {
            let right = items.split_off(n / 2);
            Some(join(balanced(items, join)?, balanced(right, join)?))
        }
    }
}

fn cond_span(cond: &ast::Cond) -> Span {
    match cond {
        ast::Cond::Cmp { span, .. } | ast::Cond::In { span, .. } | ast::Cond::Not { span, .. } => *span,
        ast::Cond::And(parts) | ast::Cond::Or(parts) => match (parts.first(), parts.last()) {
            (Some(a), Some(b)) => cond_span(a).to(cond_span(b)),
            _ => Span::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: usize) -> Cond {
        Cond::Cmp {
            column: Spanned::new(format!("c{i}"), crate::ir::Span::default()),
            op: crate::ir::CmpOp::Eq,
            value: Literal::Num(i as f64),
        }
    }

    fn depth(c: &Cond) -> usize {
        match c {
            Cond::And(a, b) | Cond::Or(a, b) => 1 + depth(a).max(depth(b)),
            Cond::Not(a) => 1 + depth(a),
            _ => 1,
        }
    }

    #[test]
    fn long_chains_are_shallow() {
        let items: Vec<Cond> = (0..10_000).map(leaf).collect();
        let tree = balanced(items, |a, b| Cond::And(Box::new(a), Box::new(b))).expect("non-empty");
        assert!(depth(&tree) <= 15, "depth {}", depth(&tree));
    }

    #[test]
    fn balanced_keeps_order() {
        let tree = balanced((0..3).map(leaf).collect(), |a, b| Cond::Or(Box::new(a), Box::new(b))).expect("non-empty");
        assert_eq!(tree, Cond::Or(Box::new(leaf(0)), Box::new(Cond::Or(Box::new(leaf(1)), Box::new(leaf(2))))));
    }
}
