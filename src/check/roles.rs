//! `source TABLE { x = COLS  y = COL  overlap = allowed }` and `target TABLE { x = COLS  y = COL  group = COL }`.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{ColumnSet, Role, Spanned};
use crate::syntax::ast::{Block, Ident, Span, Value};
use crate::syntax::names::{OVERLAPS, SOURCE_SETTINGS, TARGET_SETTINGS};

impl Checker<'_> {
    /// A role block; `what` is "`source`" or "`target`", `tables` every declared table.
    pub fn role(&mut self, what: &str, table: &Ident, block: &Block, span: Span, tables: &[String]) -> Option<Role> {
        let table_ok = if tables.contains(&table.name) {
            true
        } else {
            let help = did_you_mean(&table.name, tables.iter().map(String::as_str)).unwrap_or_else(|| {
                if tables.is_empty() {
                    "declare the table first, e.g. `data sim = csv(\"sim.csv\")`".into()
                } else {
                    format!("declared tables: {}", tables.join(", "))
                }
            });
            self.report(
                Problem::new(
                    ProblemKind::UnknownTable { table: table.name.clone() },
                    table.span,
                    "no table of this name",
                )
                .with_help(help),
            );
            false
        };
        let is_source = what == "`source`";
        let settings = self.settings(block, what, if is_source { SOURCE_SETTINGS } else { TARGET_SETTINGS });
        let usage = format!("write e.g. `{} {} {{ x = f_*  y = y }}`", what.trim_matches('`'), table.name);
        let x = match settings.get("x") {
            Some(v) => self.column_set(v, "`x`"),
            None => {
                self.report(
                    Problem::new(ProblemKind::RoleWithoutX { role: what.to_string() }, block.span, "no `x` here")
                        .with_help(usage.clone()),
                );
                None
            }
        };
        let y = match settings.get("y") {
            Some(v) => self.single_column(v, "`y`"),
            None => {
                self.report(
                    Problem::new(ProblemKind::RoleWithoutY { role: what.to_string() }, block.span, "no `y` here")
                        .with_help(usage),
                );
                None
            }
        };
        let overlap_allowed = match settings.get("overlap") {
            Some(v) => self.choice(v, "`overlap`", OVERLAPS)?,
            None => false,
        };
        let group = match settings.get("group") {
            Some(v) if is_source => {
                self.source_group(v);
                Vec::new()
            }
            Some(Value::List { items, .. }) if !items.is_empty() => {
                let cols: Vec<_> = items.iter().map(|v| self.single_column(v, "`group`")).collect();
                cols.into_iter().collect::<Option<Vec<_>>>()?
            }
            Some(v) => vec![self.single_column(v, "`group`")?],
            None => Vec::new(),
        };
        if !table_ok {
            return None;
        }
        Some(Role { table: Spanned::new(table.name.clone(), table.span), x: x?, y: y?, group, overlap_allowed, span })
    }

    /// `group` on the source: rejected. Source subsets are random rows nested across n, and no
    /// split of the source is ever tested, so a source group would change nothing.
    fn source_group(&mut self, value: &Value) {
        self.report(
            Problem::new(
                ProblemKind::SourceGroup,
                value.span(),
                "the source is never split",
            )
            .with_help(
                "groups keep related target rows on one side of each trial's test split and of its early-stopping \
                 validation split; the source is never split for testing (its subsets are random rows, nested across n). \
                 Move `group` to the target, or remove it. To keep the target's test rows out of pretraining, filter \
                 the source with `where` (a plan warning names target rows that also appear in the source)",
            ),
        );
    }

    /// One column: a name or a quoted name.
    fn single_column(&mut self, value: &Value, what: &str) -> Option<Spanned<String>> {
        match value {
            Value::Name(id) => Some(Spanned::new(id.name.clone(), id.span)),
            Value::Str(s) => Some(Spanned::new(s.value.clone(), s.span)),
            other => {
                self.type_error(
                    other,
                    what,
                    "one column name",
                    Some("patterns and lists select several columns; name exactly one".into()),
                );
                None
            }
        }
    }

    /// A column set: a name, pattern or list, optionally `except` another.
    pub fn column_set(&mut self, value: &Value, what: &str) -> Option<ColumnSet> {
        let (base, except) = match value {
            Value::Except { base, except, .. } => (base.as_ref(), Some(except.as_ref())),
            v => (v, None),
        };
        let include = self.patterns(base, what)?;
        let exclude = match except {
            Some(e) => self.patterns(e, &format!("`except` in {what}"))?,
            None => Vec::new(),
        };
        Some(ColumnSet { include, exclude, span: value.span() })
    }

    fn patterns(&mut self, value: &Value, what: &str) -> Option<Vec<Spanned<String>>> {
        let one = |v: &Value| match v {
            Value::Name(id) | Value::Glob(id) => Some(Spanned::new(id.name.clone(), id.span)),
            Value::Str(s) => Some(Spanned::new(s.value.clone(), s.span)),
            _ => None,
        };
        if let Some(p) = one(value) {
            return Some(vec![p]);
        }
        let usage = "write a column name, a pattern such as `d_*`, or a list such as `[a, b, d_*]`";
        let help = Some(usage.to_string());
        let Value::List { items, span } = value else {
            self.type_error(value, what, "columns", help);
            return None;
        };
        if items.is_empty() {
            self.report(
                Problem::new(ProblemKind::EmptyColumnList { what: what.to_string() }, *span, "no columns")
                    .with_help(usage),
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match one(item) {
                Some(p) => out.push(p),
                None => {
                    self.type_error(item, &format!("every item of {what}"), "a column name or pattern", help.clone());
                    return None;
                }
            }
        }
        Some(out)
    }
}
