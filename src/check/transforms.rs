//! `transform x = a | b` and `transform y = ...`.

use super::checker::Checker;
use super::model::TransformKind;
use crate::syntax::ast::Ident;

const TRANSFORMS: &[(&str, TransformKind)] = &[
    ("log", TransformKind::Log),
    ("log10", TransformKind::Log10),
    ("log1p", TransformKind::Log1p),
    ("standardize", TransformKind::Standardize),
    ("yeo_johnson", TransformKind::YeoJohnson),
    ("minmax", TransformKind::MinMax),
];

impl Checker<'_> {
    /// The steps of one pipeline, in order; `None` if any step is unknown.
    pub fn transform_steps(&mut self, steps: &[Ident]) -> Option<Vec<TransformKind>> {
        let kinds: Vec<Option<TransformKind>> = steps.iter().map(|s| self.choose(s, "transform", TRANSFORMS)).collect();
        kinds.into_iter().collect()
    }
}
