//! `baseline direct`, `fit power_law` / `fit surface [at (n = N, m = M)]` and `expect ...` lines.

use super::checker::Checker;
use super::point::PointWords;
use super::values::RealRange;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{Arm, AtN, Baseline, CmpOp, Expect, ExpectKind, Law, MrsPoint, Spanned};
use crate::syntax::ast::{ExpectStmt, ExpectValue, FitAt, Span};
use crate::syntax::names::{ARMS, BASELINES, FIT_AT_COORDS, LAWS, expect_subjects, law_params, laws_with};

const EXPECT_HELP: &str = "write e.g. `expect alpha > 0`, `expect r2 >= 0.9` or `expect transfer < direct at every n`";

/// What the rest of the study provides to its expectations.
pub struct ExpectContext {
    /// The laws declared with `fit`.
    pub laws: Vec<Law>,
    pub has_direct: bool,
    /// The arm that uses the source: `transfer`, or `multitask` with a `multitask` block.
    pub measured: Arm,
}

impl Checker<'_> {
    pub fn baseline(&mut self, id: &crate::syntax::ast::Ident) -> Option<Baseline> {
        self.choose(id, "baseline", BASELINES)
    }

    pub fn law(&mut self, id: &crate::syntax::ast::Ident) -> Option<Law> {
        self.choose(id, "law", LAWS)
    }

    /// `at (n = N, m = M)` after `fit LAW`: only the surface has an exchange rate to place; both
    /// coordinates are counts ≥ 1. (Whether the point lies inside the grid is known only once
    /// the data is loaded; the planner warns when it does not.)
    pub fn fit_point(&mut self, law: Option<Law>, at: &FitAt) -> Option<Spanned<MrsPoint>> {
        if law == Some(Law::PowerLaw) {
            self.report(
                Problem::new(ProblemKind::AtOnlyForSurface, at.span, "the power law has no exchange rate")
                    .with_help("write `fit surface at (n = 2000, m = 100)`, or drop the `at (...)`"),
            );
            return None;
        }
        let words = PointWords {
            construct: "`fit surface at (...)`",
            coords: FIT_AT_COORDS,
            missing: |name| ProblemKind::ExchangePointMissing { name },
            example: "write e.g. `fit surface at (n = 2000, m = 100)`",
            n_what: "the point's `n` (source rows)",
            m_what: "the point's `m` (target training rows)",
        };
        self.nm_point(at, &words).map(|p| Spanned::new(p, at.span))
    }

    /// `{ NAME = VALUE ... }` after `fit LAW`: parameters of that law held fixed. Names must be
    /// the law's parameters (the diagnostic lists them); values are numbers ≥ 0, exponents ≤ 5.
    pub fn fit_fixed(&mut self, law: Law, block: &crate::syntax::ast::Block) -> Vec<(String, f64)> {
        let names = law_params(law);
        let what = match law {
            Law::PowerLaw => "`fit power_law { ... }`",
            Law::Surface => "`fit surface { ... }`",
        };
        let settings = self.settings(block, what, names);
        let mut fixed = Vec::new();
        for name in names {
            let Some(value) = settings.get(name) else { continue };
            let range = if matches!(*name, "alpha" | "beta") {
                RealRange { min: 0.0, min_inclusive: true, max: Some((crate::fit::EXPONENT_MAX, true)) }
            } else {
                RealRange::NON_NEGATIVE
            };
            if let Some(v) = self.real_value(value, &format!("the fixed parameter `{name}`"), range) {
                fixed.push((name.to_string(), v));
            }
        }
        fixed
    }

    /// One `expect` line.
    pub fn expect(&mut self, e: &ExpectStmt, span: Span, ctx: &ExpectContext) -> Option<Expect> {
        let subject = e.subject.name.as_str();
        let kind = if !laws_with(subject).is_empty() {
            self.param_expect(e, ctx)?
        } else if let Some((_, left)) = ARMS.iter().find(|(n, _)| *n == subject) {
            self.arms_expect(e, *left, ctx)?
        } else {
            let help = match did_you_mean(subject, expect_subjects()) {
                Some(d) => d,
                None => EXPECT_HELP.to_string(),
            };
            self.report(
                Problem::new(
                    ProblemKind::UnknownSubject { subject: subject.to_string() },
                    e.subject.span,
                    "not a fit parameter or an arm",
                )
                .with_help(help),
            );
            return None;
        };
        Some(Expect { kind, text: e.text.clone(), span })
    }

    fn param_expect(&mut self, e: &ExpectStmt, ctx: &ExpectContext) -> Option<ExpectKind> {
        let name = e.subject.name.clone();
        if let Some(span) = e.significantly {
            self.report(
                Problem::new(
                    ProblemKind::SignificantlyOnParameter { name: name.to_string() },
                    span,
                    "not allowed here",
                )
                .with_help("write e.g. `expect transfer < direct at largest n significantly`; a parameter's CI is in the report"),
            );
            return None;
        }
        if let Some(at) = &e.at {
            self.report(
                Problem::new(ProblemKind::AtNOnParameter { name: name.to_string() }, at.span, "not allowed here")
                    .with_help(format!("write e.g. `expect {name} > 0`")),
            );
        }
        let value = match &e.value {
            ExpectValue::Number(n) => {
                self.real(n, "the bound", RealRange { min: f64::NEG_INFINITY, min_inclusive: false, max: None })
            }
            ExpectValue::Name(id) => {
                self.report(
                    Problem::new(
                        ProblemKind::ParameterComparedWithName { name: name.to_string(), found: id.name.clone() },
                        id.span,
                        "expected a number",
                    )
                    .with_help(format!("write e.g. `expect {name} > 0`")),
                );
                None
            }
        };
        let needs = match laws_with(&name)[..] {
            [Law::PowerLaw] => Some((Law::PowerLaw, "add `fit power_law`")),
            [Law::Surface] => Some((Law::Surface, "add `fit surface`")),
            _ => None,
        };
        let missing = match needs {
            Some((law, help)) => (!ctx.laws.contains(&law)).then_some((Some(law), help)),
            None => ctx.laws.is_empty().then_some((None, "add `fit power_law` or `fit surface`")),
        };
        if let Some((law, help)) = missing {
            self.report(
                Problem::new(
                    ProblemKind::ExpectWithoutFit { name: name.to_string(), law },
                    e.subject.span,
                    "no fit to check",
                )
                .with_help(help),
            );
            return None;
        }
        if e.at.is_some() {
            return None;
        }
        Some(ExpectKind::Param { name, op: e.op, value: value? })
    }

    fn arms_expect(&mut self, e: &ExpectStmt, left: Arm, ctx: &ExpectContext) -> Option<ExpectKind> {
        let right = match &e.value {
            ExpectValue::Name(id) => self.choose(id, "arm", ARMS),
            ExpectValue::Number(n) => {
                self.report(
                    Problem::new(
                        ProblemKind::ArmComparedWithNumber { arm: left.as_str().into() },
                        n.span,
                        "expected `transfer` or `direct`",
                    )
                    .with_help("write e.g. `expect transfer < direct at every n`"),
                );
                None
            }
        };
        let at = match &e.at {
            Some(at) if at.which.name == "every" => Some(AtN::Every),
            Some(_) => Some(AtN::Largest),
            None => {
                self.report(
                    Problem::new(ProblemKind::ArmComparisonWithoutAt, e.subject.span.to(e.value_span()), "which n?")
                        .with_help(format!("write e.g. `expect {} at every n`", e.text)),
                );
                None
            }
        };
        let right = right?;
        for arm in [left, right] {
            if arm != Arm::Direct && arm != ctx.measured {
                let how = if arm == Arm::Multitask {
                    "add a `multitask { ... }` block"
                } else {
                    "this study trains `multitask` instead"
                };
                self.report(
                    Problem::new(
                        ProblemKind::ArmNotTrained { arm: arm.as_str().into() },
                        e.subject.span.to(e.value_span()),
                        "arm not trained",
                    )
                    .with_help(format!("{how}; compare `{}` with `direct`", ctx.measured.as_str())),
                );
                return None;
            }
        }
        if right == left {
            self.report(
                Problem::new(
                    ProblemKind::ArmWithItself { arm: left.as_str().into() },
                    e.subject.span.to(e.value_span()),
                    "same arm on both sides",
                )
                .with_help("compare `transfer` with `direct`"),
            );
            return None;
        }
        if !ctx.has_direct {
            self.report(
                Problem::new(
                    ProblemKind::DirectArmWithoutBaseline,
                    e.subject.span.to(e.value_span()),
                    "no direct arm is trained",
                )
                .with_help("add `baseline direct`"),
            );
            return None;
        }
        if let Some(span) = e.significantly
            && matches!(e.op, CmpOp::Eq | CmpOp::Ne)
        {
            self.report(
                Problem::new(
                    ProblemKind::SignificantlyWithoutDirection { op: e.op.symbol().into() },
                    span,
                    "no direction to test",
                )
                .with_help("write e.g. `expect transfer < direct at largest n significantly`"),
            );
            return None;
        }
        Some(ExpectKind::Arms { left, op: e.op, right, at: at?, significantly: e.significantly.is_some() })
    }
}
