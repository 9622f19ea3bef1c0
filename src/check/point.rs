//! An `(n = N, m = M)` point, as `fit surface at (...)` and `budget { have = (...) }` write it:
//! both coordinates counts ≥ 1, each missing one a problem of its own.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind};
use crate::ir::MrsPoint;
use crate::syntax::ast::FitAt;

/// How one kind of point is described in its diagnostics.
pub(super) struct PointWords {
    /// The construct, for unknown-setting messages, e.g. "`fit surface at (...)`".
    pub construct: &'static str,
    /// The names allowed inside the parentheses (from the names table).
    pub coords: &'static [&'static str],
    /// The problem for a missing coordinate.
    pub missing: fn(String) -> ProblemKind,
    /// The help of that problem, e.g. "write e.g. `fit surface at (n = 2000, m = 100)`".
    pub example: &'static str,
    /// What `n` and `m` are, for the count checks.
    pub n_what: &'static str,
    pub m_what: &'static str,
}

impl Checker<'_> {
    /// The point, or `None` after reporting what is wrong with it.
    pub(super) fn nm_point(&mut self, point: &FitAt, words: &PointWords) -> Option<MrsPoint> {
        let settings = self.settings(&point.coords, words.construct, words.coords);
        let mut coord = |name: &str, what: &str| match settings.get(name) {
            Some(v) => self.count_value(v, what, 1),
            None => {
                self.report(
                    Problem::new((words.missing)(name.to_string()), point.span, format!("no `{name} = ...`"))
                        .with_help(words.example),
                );
                None
            }
        };
        let n = coord("n", words.n_what);
        let m = coord("m", words.m_what);
        Some(MrsPoint { n: n?, m: m? })
    }
}
