//! `budget { source_cost = C  target_cost = C  have = (n = N, m = M)  goal = G }` (or
//! `spend = S`): costs > 0, exactly one of `goal` (> 0) and `spend` (≥ 0), at most one `have`
//! (counts ≥ 1), and a study that fits the surface the budget is planned on.

use super::checker::Checker;
use super::point::PointWords;
use super::values::RealRange;
use crate::diag::{Problem, ProblemKind};
use crate::ir::{BudgetAsk, BudgetSpec, MrsPoint, Spanned};
use crate::syntax::ast::{BudgetBlock, FitAt, Ident, Value};
use crate::syntax::names::{BUDGET_HAVE_COORDS, BUDGET_SETTINGS};

const EXAMPLE: &str = "budget { source_cost = 0.2  target_cost = 40  goal = 0.15 }";

impl Checker<'_> {
    /// The `budget` block of a study whose `fit` lines include the surface iff `has_surface`.
    pub fn budget(&mut self, keyword: &Ident, block: &BudgetBlock, has_surface: bool) -> Option<BudgetSpec> {
        if !has_surface {
            self.report(
                Problem::new(ProblemKind::BudgetWithoutSurface, keyword.span, "no surface to plan on").with_help(
                    "the budget is planned on the fitted R(n, m) = (A·n^-α + B)·m^-β + ε: add `fit surface` \
                     (and a grid with at least 3 values of n and of m)",
                ),
            );
        }
        let settings = self.settings(&block.block, "`budget`", BUDGET_SETTINGS);
        let mut cost = |name: &str, what: &str| match settings.get(name) {
            Some(v) => self.real_value(v, what, RealRange::POSITIVE),
            None => {
                self.report(
                    Problem::new(
                        ProblemKind::BudgetSettingMissing { name: name.to_string() },
                        keyword.span,
                        format!("no `{name} = ...`"),
                    )
                    .with_help(format!("state {what} (any unit, the same for both costs), e.g. `{EXAMPLE}`")),
                );
                None
            }
        };
        let source_cost = cost("source_cost", "the cost of one source row");
        let target_cost = cost("target_cost", "the cost of one target row");
        let have = self.budget_have(block, settings.get("have"));
        let ask = match (settings.get("goal"), settings.get("spend")) {
            (Some(goal), None) => self
                .real_value(goal, "the goal (an MAE in the label's units)", RealRange::POSITIVE)
                .map(|g| Spanned::new(BudgetAsk::Goal(g), goal.span())),
            (None, Some(spend)) => self
                .real_value(spend, "the spend (beyond `have`)", RealRange::NON_NEGATIVE)
                .map(|x| Spanned::new(BudgetAsk::Spend(x), spend.span())),
            (Some(goal), Some(spend)) => {
                let (first, second) =
                    if goal.span().start < spend.span().start { ("goal", spend) } else { ("spend", goal) };
                let line = self.file.line_of(if first == "goal" { goal.span().start } else { spend.span().start });
                self.report(Problem::new(ProblemKind::BudgetGoalAndSpend, second.span(), "one too many").with_help(
                    format!(
                        "`{first}` is set on line {line}; ask for a goal (the cheapest (n, m) reaching an MAE) \
                         or a spend (the lowest MAE for an amount), not both"
                    ),
                ));
                None
            }
            (None, None) => {
                self.report(Problem::new(ProblemKind::BudgetWithoutGoal, keyword.span, "nothing asked").with_help(
                    format!(
                        "`goal = G` asks for the cheapest (n, m) with MAE ≤ G, `spend = S` for the lowest MAE \
                         for S spent beyond `have`; e.g. `{EXAMPLE}`"
                    ),
                ));
                None
            }
        };
        Some(BudgetSpec {
            source_cost: source_cost?,
            target_cost: target_cost?,
            have: have?,
            ask: ask?,
            span: keyword.span,
        })
    }

    /// `have = (n = N, m = M)`: `Some(None)` when absent (the largest measured n and m), `None`
    /// after a problem. `as_setting` is a `have = VALUE` that is not a point.
    fn budget_have(&mut self, block: &BudgetBlock, as_setting: Option<&Value>) -> Option<Option<MrsPoint>> {
        if let Some(v) = as_setting {
            self.type_error(
                v,
                "`have`",
                "a point `(n = N, m = M)`",
                Some("write e.g. `have = (n = 1206, m = 952)` (what is already paid for)".into()),
            );
            return None;
        }
        let Some(first) = block.have.first() else { return Some(None) };
        if let Some(again) = block.have.get(1) {
            let line = self.file.line_of(first.span.start);
            self.report(
                Problem::new(
                    ProblemKind::SettingTwice { name: "have".into(), block: "`budget`".into() },
                    again.span,
                    "set again here",
                )
                .with_help(format!("`have` is first set on line {line}; keep one of them")),
            );
            return None;
        }
        self.have_point(first).map(Some)
    }

    fn have_point(&mut self, have: &FitAt) -> Option<MrsPoint> {
        let words = PointWords {
            construct: "`have = (...)`",
            coords: BUDGET_HAVE_COORDS,
            missing: |name| ProblemKind::HaveCoordinateMissing { name },
            example: "write e.g. `have = (n = 1206, m = 952)`",
            n_what: "`have`'s `n` (source rows already paid for)",
            m_what: "`have`'s `m` (target rows already paid for)",
        };
        self.nm_point(have, &words)
    }
}
