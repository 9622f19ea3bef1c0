//! `report by COLUMN` and `report samples`. The column is checked against the data later (the
//! planner sees the target table); here only the statement's shape and duplicates are checked.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{ReportSpec, Spanned};
use crate::syntax::ast::{ReportStmt, Statement, StatementKind};
use crate::syntax::names::REPORT_KINDS;

impl Checker<'_> {
    /// Every `report` statement folded into one [`ReportSpec`]; a second `report by` or
    /// `report samples` is an error (one breakdown of each kind per study).
    pub fn reports(&mut self, statements: &[Statement]) -> ReportSpec {
        let mut spec = ReportSpec::default();
        let mut by_line = 0;
        let mut samples_line = 0;
        for stmt in statements {
            let StatementKind::Report(r) = &stmt.kind else { continue };
            let line = self.file.line_of(stmt.span.start);
            match r {
                ReportStmt::By { column, .. } => {
                    if by_line > 0 {
                        self.report(
                            Problem::new(ProblemKind::ReportByTwice, stmt.span, "declared again here")
                                .with_help(format!(
                                    "the first `report by` is on line {by_line}; a study breaks its results down by one column"
                                )),
                        );
                        continue;
                    }
                    if column.name.is_empty() {
                        self.report(Problem::new(ProblemKind::EmptyColumnName, column.span, "empty name"));
                        continue;
                    }
                    by_line = line;
                    spec.by = Some(Spanned::new(column.name.clone(), column.span));
                }
                ReportStmt::Kind(word) if word.name == "samples" => {
                    if samples_line > 0 {
                        self.report(
                            Problem::new(ProblemKind::ReportSamplesTwice, stmt.span, "declared again here")
                                .with_help(format!("the first `report samples` is on line {samples_line}")),
                        );
                        continue;
                    }
                    samples_line = line;
                    spec.samples = true;
                }
                ReportStmt::Kind(word) if word.name == "by" => {
                    self.report(
                        Problem::new(ProblemKind::ReportByWithoutColumn, word.span, "by which column?")
                            .with_help("write e.g. `report by polymer_class` (a column of the target table)"),
                    );
                }
                ReportStmt::Kind(word) => {
                    let listed = "`report by COLUMN` or `report samples`";
                    let help = match did_you_mean(&word.name, REPORT_KINDS.iter().copied()) {
                        Some(s) => format!("{s} (write {listed})"),
                        None => format!("write {listed}"),
                    };
                    self.report(
                        Problem::new(
                            ProblemKind::UnknownReport { name: word.name.clone() },
                            word.span,
                            "not a known report",
                        )
                        .with_help(help),
                    );
                }
            }
        }
        spec
    }
}

#[cfg(test)]
mod tests {
    const BASE: &str = "data s = synthetic(part: source)\ndata t = synthetic(part: target)\nsource s { x = f_*  y = y }\ntarget t { x = f_*  y = y }\ngrid { n = [10, 20] }\n";

    #[test]
    fn report_by_a_quoted_column_and_samples() {
        let study = crate::check::compile("r.study", &format!("{BASE}report by \"poly class\"\nreport samples\n"))
            .expect("valid");
        assert_eq!(study.report.by.map(|c| c.value), Some("poly class".to_string()));
        assert!(study.report.samples);
        let none = crate::check::compile("r.study", BASE).expect("valid");
        assert!(none.report.is_empty());
    }
}
