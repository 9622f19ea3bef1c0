//! Preparing the data of a study: evaluate its tables, bind the source and target roles (x
//! columns, label, group), and check everything that can be checked before training: columns
//! exist, are numeric and finite, both roles have the same feature count, transforms accept
//! the values, and there are enough rows for the split. Problems point at the study text.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::data::{DataContext, DataError, Matrix, Table};
use crate::diag::{Problem, ProblemKind};
use crate::ir::{Role, Study};
use crate::transform::Pipeline;

use super::pair_layout::{PairLayout, layout};

/// The rows of one role, ready for splitting.
#[derive(Debug, Clone)]
pub struct RoleData {
    /// Name of the table it came from.
    pub table: String,
    /// Feature column names, in order.
    pub columns: Vec<String>,
    pub label: String,
    pub x: Matrix,
    pub y: Vec<f64>,
    /// Group of each row, when the role declares `group`.
    pub groups: Option<Vec<String>>,
    /// SHA-256 of the table's content.
    pub fingerprint: String,
    /// With a pairwise model: where its inputs sit among `columns`.
    pub layout: Option<PairLayout>,
    /// Plan warnings of its table (rows a join dropped, cells read as missing, rows dropped for
    /// a missing x or y).
    pub notes: Vec<String>,
}

impl RoleData {
    pub fn rows(&self) -> usize {
        self.y.len()
    }
}

#[derive(Debug, Clone)]
pub struct Prepared {
    pub source: RoleData,
    pub target: RoleData,
    /// Key columns of the target for `report by` / `report samples`.
    pub keys: super::keys::TargetKeys,
}

impl Prepared {
    /// Plan warnings of the data (rows a join dropped, cells read as missing, rows dropped for a
    /// missing x or y; columns a shared encoder's alignment dropped), source first, each once.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in self.source.notes.iter().chain(&self.target.notes).chain(&self.layout_warnings()) {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }

    fn layout_warnings(&self) -> Vec<String> {
        let (s, t) = (self.source.layout.as_ref(), self.target.layout.as_ref());
        match (s, t) {
            (Some(s), Some(t)) if s.warnings == t.warnings => s.warnings.clone(),
            _ => [("source", s), ("target", t)]
                .into_iter()
                .flat_map(|(role, l)| {
                    l.into_iter().flat_map(move |l| l.warnings.iter().map(move |w| format!("{role}: {w}")))
                })
                .collect(),
        }
    }
}

/// The data stage's problems with what checked of a study that has errors elsewhere
/// ([`crate::check::Parts`]): its tables evaluated, and each role that checked bound to them (x,
/// label and group columns exist and are numeric, finite, present). These do not depend on the
/// statements with errors, so `check` reports them in the same round. Checks that need the rest
/// (transforms, the model's inputs, feature counts across roles, `report by`) wait for it.
pub fn data_problems(parts: &crate::check::Parts, ctx: &DataContext) -> Vec<Problem> {
    let Some(defs) = &parts.tables else { return Vec::new() };
    let tables = match crate::data::evaluate(defs, ctx) {
        Ok(t) => t,
        Err(e) => return vec![e.to_problem(defs.first().map(|t| t.span).unwrap_or_default())],
    };
    let mut problems = Vec::new();
    for (role, what) in [(&parts.source, "source"), (&parts.target, "target")] {
        if let Some(role) = role {
            let bound = drop_missing(&tables, role, what);
            if let Err(p) = bind(role, what, &bound) {
                problems.extend(p);
            }
        }
    }
    problems
}

/// Evaluate the tables and bind the roles; every problem found is returned.
pub fn prepare(study: &Study, ctx: &DataContext) -> Result<Prepared, Vec<Problem>> {
    let tables = crate::data::evaluate(&study.tables, ctx).map_err(|e| {
        let fallback = study.tables.first().map(|t| t.span).unwrap_or_default();
        vec![e.to_problem(fallback)]
    })?;
    let source_tables = drop_missing(&tables, &study.source, "source");
    let target_tables = drop_missing(&tables, &study.target, "target");
    let source = bind(&study.source, "source", &source_tables);
    let target = bind(&study.target, "target", &target_tables);
    let keys = super::keys::target_keys(study, &target_tables);
    let (source, target) = match (source, target) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => {
            let mut problems = Vec::new();
            if let Err(p) = &keys {
                problems.extend(p.iter().cloned());
            }
            if let Err(p) = s {
                problems.extend(p);
            }
            if let Err(p) = t {
                problems.extend(p);
            }
            return Err(problems);
        }
    };
    let (mut source, mut target) = (source, target);
    let mut problems = Vec::new();
    let keys = keys.unwrap_or_else(|p| {
        problems.extend(p);
        Default::default()
    });
    if let Some(spec) = &study.model.pair {
        for (data, role) in [(&mut source, "source"), (&mut target, "target")] {
            match layout(spec, &data.columns, role) {
                Ok(l) => data.layout = Some(l),
                Err(p) => problems.extend(p),
            }
        }
        if let (Some(s), Some(t)) = (&source.layout, &target.layout)
            && (s.a.len() != t.a.len() || s.head.len() != t.head.len())
        {
            problems.push(
                Problem::new(
                    ProblemKind::InputWidthsDiffer {
                        in_source: [s.a.len(), s.b.len(), s.head.len()],
                        in_target: [t.a.len(), t.b.len(), t.head.len()],
                    },
                    study.target.x.span,
                    "different widths",
                )
                .with_help(
                    "one network reads both roles, so each input must select the same number of columns in both",
                ),
            );
        } else if let (Some(s), Some(t)) = (&source.layout, &target.layout) {
            let names =
                |d: &RoleData, idx: Vec<usize>| idx.into_iter().map(|i| d.columns[i].clone()).collect::<Vec<_>>();
            if let Some(p) = columns_differ(&names(&source, s.order()), &names(&target, t.order()), study) {
                problems.push(p);
            }
        }
    } else if source.columns.len() != target.columns.len() {
        problems.push(
            Problem::new(
                ProblemKind::FeatureCountsDiffer { in_source: source.columns.len(), in_target: target.columns.len() },
                study.target.x.span,
                format!("{} columns", target.columns.len()),
            )
            .with_help(format!(
                "pretrained weights are reused on the target, so both must select the same x columns in the same order\n{}",
                side_by_side(&source.columns, &target.columns)
            )),
        );
    } else if let Some(p) = columns_differ(&source.columns, &target.columns, study) {
        problems.push(p);
    }
    for (role, data) in [(&study.source, &source), (&study.target, &target)] {
        if data.rows() < 3 {
            problems.push(Problem::new(
                ProblemKind::TooFewRows { table: data.table.clone(), rows: data.rows() },
                role.span,
                "too few rows",
            ));
        }
        for (what, kinds, m, span) in [
            ("x", &study.x_transforms, data.x.clone(), role.x.span),
            ("y", &study.y_transforms, Matrix::from_rows(data.rows(), 1, data.y.clone()), role.y.span),
        ] {
            if kinds.is_empty() || m.rows == 0 {
                continue;
            }
            let all: Vec<usize> = (0..m.rows).collect();
            if let Err(e) = Pipeline::fit(kinds, &m, &all) {
                let column = if what == "x" {
                    data.columns.get(e.column).cloned().unwrap_or_default()
                } else {
                    data.label.clone()
                };
                let row = e.row.map(|r| format!(", row {}", r + 1)).unwrap_or_default();
                problems.push(
                    Problem::new(
                        ProblemKind::TransformDomain {
                            what: what.to_string(),
                            column,
                            table: data.table.clone(),
                            row,
                            reason: e.message.clone(),
                        },
                        span,
                        "these values",
                    )
                    .with_help(e.help.unwrap_or_else(|| {
                        "choose a transform that accepts these values (`yeo_johnson` accepts every value)".to_string()
                    })),
                );
            }
        }
    }
    if problems.is_empty() { Ok(Prepared { source, target, keys }) } else { Err(problems) }
}

/// The tables with the role's table reduced to the rows whose x and y cells are present in every
/// column read with `csv(..., numeric: [...])` (the only columns whose missing cells are dropped
/// rather than reported), with a plan warning that counts them. Unchanged when nothing drops or
/// the columns cannot be resolved (binding reports that).
fn drop_missing<'t>(tables: &'t BTreeMap<String, Table>, role: &Role, what: &str) -> Cow<'t, BTreeMap<String, Table>> {
    let Some(table) = tables.get(&role.table.value) else { return Cow::Borrowed(tables) };
    let Ok(mut used) = table.resolve(&role.x) else { return Cow::Borrowed(tables) };
    used.push(role.y.value.clone());
    let lenient: Vec<(&String, &crate::data::Column)> =
        used.iter().filter(|c| table.is_lenient(c)).filter_map(|c| table.column(c).map(|col| (c, col))).collect();
    let mut counts: Vec<(String, usize)> = Vec::new();
    let keep: Vec<usize> = (0..table.nrows())
        .filter(|&r| {
            let missing: Vec<&String> = lenient.iter().filter(|(_, col)| col.is_missing(r)).map(|(c, _)| *c).collect();
            for c in &missing {
                match counts.iter_mut().find(|(n, _)| n == *c) {
                    Some((_, k)) => *k += 1,
                    None => counts.push(((*c).clone(), 1)),
                }
            }
            missing.is_empty()
        })
        .collect();
    if keep.len() == table.nrows() {
        return Cow::Borrowed(tables);
    }
    let per_column: Vec<String> = counts.iter().map(|(c, k)| format!("`{c}` {k}")).collect();
    let note = format!(
        "{what}: {} of the {} rows of `{}` are dropped because a column it uses, read with `numeric:`, is missing there ({})",
        table.nrows() - keep.len(),
        table.nrows(),
        role.table.value,
        per_column.join(", ")
    );
    let mut out = tables.clone();
    out.insert(role.table.value.clone(), table.take_rows(&keep).with_note(note));
    Cow::Owned(out)
}

fn bind(role: &Role, what: &str, tables: &BTreeMap<String, Table>) -> Result<RoleData, Vec<Problem>> {
    let name = &role.table.value;
    let Some(table) = tables.get(name) else {
        return Err(vec![Problem::new(
            ProblemKind::UndeclaredTable { table: name.to_string() },
            role.table.span,
            "not declared",
        )]);
    };
    let to_problem = |e: DataError, span| e.to_problem(span);
    let mut problems = Vec::new();
    let columns = match table.resolve(&role.x) {
        Ok(c) if c.is_empty() => {
            problems.push(Problem::new(
                ProblemKind::XSelectsNothing { role: what.to_string() },
                role.x.span,
                "no columns",
            ));
            None
        }
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(to_problem(e, role.x.span));
            None
        }
    };
    let label = &role.y.value;
    if let Some(cols) = &columns
        && cols.contains(label)
    {
        problems.push(
            Problem::new(ProblemKind::LabelInFeatures { label: label.clone() }, role.x.span, "includes the label")
                .with_help(format!("exclude it: `x = ... except {label}`")),
        );
    }
    let x = columns.as_ref().and_then(|c| table.numeric(c).map_err(|e| problems.push(to_problem(e, role.x.span))).ok());
    let y = table.numeric_column(label).map_err(|e| problems.push(to_problem(e, role.y.span))).ok();
    // A composite key over the group columns (unit separator between values).
    let groups = if role.group.is_empty() {
        Some(None)
    } else {
        let cols: Vec<Option<Vec<String>>> = role
            .group
            .iter()
            .map(|g| table.text_column(&g.value).map_err(|e| problems.push(to_problem(e, g.span))).ok())
            .collect();
        cols.into_iter().collect::<Option<Vec<_>>>().map(|cols| {
            Some(
                (0..table.nrows())
                    .map(|r| cols.iter().map(|c| c[r].as_str()).collect::<Vec<_>>().join("\u{1f}"))
                    .collect(),
            )
        })
    };
    match (columns, x, y, groups) {
        (Some(columns), Some(x), Some(y), Some(groups)) if problems.is_empty() => Ok(RoleData {
            table: name.clone(),
            columns,
            label: label.clone(),
            x,
            y,
            groups,
            fingerprint: table.fingerprint(),
            layout: None,
            notes: table.notes().to_vec(),
        }),
        _ => Err(problems),
    }
}

/// Source and target x columns (in the order the network reads them) must be the same names in
/// the same order: the network reads input i of both as one feature. Globs are compared after
/// they expanded against each table.
fn columns_differ(source: &[String], target: &[String], study: &Study) -> Option<Problem> {
    if source == target {
        return None;
    }
    let only = |a: &[String], b: &[String]| a.iter().filter(|c| !b.contains(c)).cloned().collect::<Vec<_>>();
    let (only_s, only_t) = (only(source, target), only(target, source));
    let kind = if only_s.is_empty() && only_t.is_empty() {
        let first = source.iter().zip(target).position(|(a, b)| a != b).unwrap_or(0);
        ProblemKind::XColumnsReordered {
            column: first + 1,
            in_source: source[first].clone(),
            in_target: target[first].clone(),
        }
    } else {
        ProblemKind::XColumnsDiffer { only_in_source: only_s, only_in_target: only_t }
    };
    Some(Problem::new(kind, study.target.x.span, "not the source's columns").with_help(format!(
        "the network reads column i of both roles as the same input (pretrained weights are reused on the target), \
                 so both must select the same columns in the same order\n{}",
        side_by_side(source, target)
    )))
}

/// The two column lists side by side, one row per position (`≠` where they differ), the rows
/// around differences only when the lists are long.
fn side_by_side(source: &[String], target: &[String]) -> String {
    let rows = source.len().max(target.len());
    let width = source.iter().map(|c| c.chars().count()).max().unwrap_or(0).max("source".len());
    let cell = |v: &[String], i: usize| v.get(i).map_or("—", String::as_str).to_string();
    let differs = |i: usize| source.get(i) != target.get(i);
    let shown: Vec<usize> =
        (0..rows).filter(|&i| rows <= 12 || (i.saturating_sub(1)..=i + 1).any(differs)).take(12).collect();
    let mut out = format!("  {:>4}  {:<width$}    target", "#", "source");
    let mut last = None;
    for i in shown {
        if last.is_some_and(|l: usize| i > l + 1) {
            out.push_str("\n     …");
        }
        let mark = if differs(i) { "≠" } else { " " };
        out.push_str(&format!("\n  {:>4}  {:<width$}  {mark} {}", i + 1, cell(source, i), cell(target, i)));
        last = Some(i);
    }
    if last.is_some_and(|l| l + 1 < rows) {
        out.push_str(&format!("\n     … ({rows} columns)"));
    }
    out
}
