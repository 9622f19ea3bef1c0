//! `transform x = a | b` and `transform y = ...`.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind};
use crate::ir::TransformKind;
use crate::syntax::ast::Ident;
use crate::syntax::names::TRANSFORMS;

impl Checker<'_> {
    /// The steps of one pipeline, in order; `None` if any step is unknown.
    pub fn transform_steps(&mut self, steps: &[Ident]) -> Option<Vec<TransformKind>> {
        let kinds: Vec<Option<TransformKind>> = steps.iter().map(|s| self.choose(s, "transform", TRANSFORMS)).collect();
        kinds.into_iter().collect()
    }

    /// `clip` and `noclip` act on inputs only: a label is never clipped (its test values are
    /// what a trial is judged on).
    pub fn label_steps(&mut self, steps: &[Ident]) -> Option<Vec<TransformKind>> {
        let kinds = self.transform_steps(steps)?;
        let mut ok = true;
        for (s, k) in steps.iter().zip(&kinds) {
            if matches!(k, TransformKind::Clip | TransformKind::NoClip) {
                ok = false;
                self.report(
                    Problem::new(ProblemKind::InputOnlyTransform { name: s.name.to_string() }, s.span, "not a label transform")
                        .with_help("the label is never clipped: its test values are what a trial is judged on; use it in `transform x = ...`"),
                );
            }
        }
        ok.then_some(kinds)
    }
}
