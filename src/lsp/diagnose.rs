//! Diagnostics for the editor: `check`'s problems (syntax and names, from the text alone; run on
//! every change) and, when the study checks, the data's problems and the plan's warnings (which
//! read the tables: the server runs them on a worker thread after typing pauses). Also the
//! columns of each table, for completion.

use crate::diag::Problem;

use super::complete::Columns;
use super::position::{LineIndex, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic, positioned for the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub range: Range,
    pub severity: Severity,
    /// The stable code (`sim2real::unknown_table`, ...), empty for plan warnings.
    pub code: String,
    pub message: String,
}

fn from_problem(index: &LineIndex, p: &Problem) -> Diag {
    let mut message = p.message.clone();
    if !p.label.is_empty() && p.label != p.message {
        message += &format!(": {}", p.label);
    }
    if let Some(help) = &p.help {
        message += &format!("\nhelp: {help}");
    }
    Diag { range: index.range(p.span.start, p.span.end), severity: Severity::Error, code: p.code.to_string(), message }
}

/// Syntax and name problems of a study text (`sim2real check --no-data`), and whether it checked.
pub fn check_text(file_name: &str, text: &str) -> (Vec<Diag>, bool) {
    match crate::check::compile(file_name, text) {
        Ok(_) => (Vec::new(), true),
        Err(e) => {
            let index = LineIndex::new(text);
            (e.problems.iter().map(|p| from_problem(&index, p)).collect(), false)
        }
    }
}

/// What reading the data found: the problems and warnings, and the columns of every table that
/// could be read (`None` when the study does not check).
#[derive(Debug, Clone, Default)]
pub struct DataOutcome {
    pub diags: Vec<Diag>,
    pub columns: Columns,
}

/// The data checks of `sim2real check` (tables, roles, the plan) for a study that checks, with
/// its data looked up next to `study_dir` and under `$SIM2REAL_DATA`.
#[cfg(feature = "engine")]
pub fn check_data(file_name: &str, text: &str, study_dir: &std::path::Path) -> Option<DataOutcome> {
    let study = crate::check::compile(file_name, text).ok()?;
    let ctx = crate::data::DataContext::from_env(study_dir);
    let index = LineIndex::new(text);
    let mut out = DataOutcome::default();
    // Every table that evaluates gives its columns, also when a later one fails.
    let mut done = std::collections::BTreeMap::new();
    for def in &study.tables {
        match crate::data::evaluate_expr(&def.expr, &done, &ctx) {
            Ok(table) => {
                out.columns.insert(def.name.clone(), table.column_names().iter().map(|c| (*c).to_string()).collect());
                done.insert(def.name.clone(), table);
            }
            Err(_) => break,
        }
    }
    let problems = match crate::prepare(&study, &ctx) {
        Err(p) => p,
        Ok(prepared) => match crate::plan(&study, &prepared, false) {
            Err(p) => p,
            Ok(plan) => {
                let start = index.range(0, 0);
                out.diags.extend(plan.warnings.iter().map(|w| Diag {
                    range: start,
                    severity: Severity::Warning,
                    code: String::new(),
                    message: w.clone(),
                }));
                Vec::new()
            }
        },
    };
    out.diags.extend(problems.iter().map(|p| from_problem(&index, p)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_an_error_at_its_word() {
        let text = include_str!("../../studies/quickstart.study").replace("activation = relu", "activation = rleu");
        let (diags, ok) = check_text("q.study", &text);
        assert!(!ok);
        let at = text.find("rleu").unwrap();
        let index = LineIndex::new(&text);
        assert!(diags.iter().any(|d| d.range == index.range(at, at + 4)), "{diags:#?}");
        assert_eq!(check_text("q.study", include_str!("../../studies/quickstart.study")), (Vec::new(), true));
    }
}
