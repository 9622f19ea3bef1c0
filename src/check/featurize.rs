//! `featurize composition(COLUMN) with PRESET { on_error = fail | drop }`: what it reads, which
//! preset, and its one setting. The column itself is checked when the data is loaded.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{Featurize, OnError, Spanned};
use crate::syntax::ast::{Block, Call, Primary, Value};
use crate::syntax::names::{COMPOSITION_PRESETS, FEATURIZE_INPUTS, FEATURIZE_SETTINGS, ON_ERROR};

const USAGE: &str = "write e.g. `featurize composition(Formula) with magpie`";

impl Checker<'_> {
    /// The featurizer of one `featurize` operation.
    pub(super) fn featurize(&mut self, input: &Call, with: &Primary, settings: Option<&Block>) -> Option<Featurize> {
        let column = self.featurize_input(input);
        let preset = match with {
            Primary::Name(id) => self.choose(id, "composition preset", COMPOSITION_PRESETS),
            Primary::Call(call) => {
                self.report(
                    Problem::new(
                        ProblemKind::PresetArguments { preset: call.name.name.clone() },
                        call.span,
                        "no arguments here",
                    )
                    .with_help(format!("write `with {}`", call.name.name)),
                );
                None
            }
        };
        let on_error = self.featurize_settings(settings);
        Some(Featurize { column: column?, preset: preset?, on_error: on_error? })
    }

    /// `composition(COLUMN)`: the column holding the formulas.
    fn featurize_input(&mut self, call: &Call) -> Option<Spanned<String>> {
        if !FEATURIZE_INPUTS.contains(&call.name.name.as_str()) {
            let help = did_you_mean(&call.name.name, FEATURIZE_INPUTS.iter().copied()).unwrap_or_else(|| {
                format!("`featurize` reads chemical formulas: {USAGE} (SMILES are not supported yet)")
            });
            self.report(
                Problem::new(
                    ProblemKind::UnknownFeaturizerInput { name: call.name.name.clone() },
                    call.name.span,
                    "not a featurizer input",
                )
                .with_help(help),
            );
            return None;
        }
        match call.args.as_slice() {
            [arg] if arg.name.is_none() => match &arg.value {
                Value::Name(id) => Some(Spanned::new(id.name.clone(), id.span)),
                Value::Str(s) => Some(Spanned::new(s.value.clone(), s.span)),
                other => {
                    self.type_error(other, "the formula column", "a column name", Some(USAGE.into()));
                    None
                }
            },
            _ => {
                self.report(
                    Problem::new(
                        ProblemKind::FeaturizerInputArguments { input: call.name.name.clone() },
                        call.span,
                        "expected one column",
                    )
                    .with_help(USAGE),
                );
                None
            }
        }
    }

    /// The `{ on_error = ... }` block (default: `fail`).
    fn featurize_settings(&mut self, block: Option<&Block>) -> Option<OnError> {
        let mut on_error = Some(OnError::Fail);
        let mut seen = false;
        for s in block.map(|b| b.settings.as_slice()).unwrap_or_default() {
            if !FEATURIZE_SETTINGS.contains(&s.name.name.as_str()) {
                let help = did_you_mean(&s.name.name, FEATURIZE_SETTINGS.iter().copied())
                    .unwrap_or_else(|| "a featurizer's one setting is `on_error = fail` or `on_error = drop`".into());
                self.report(
                    Problem::new(
                        ProblemKind::UnknownSetting { name: s.name.name.clone(), block: "`featurize`".into() },
                        s.name.span,
                        "unknown setting",
                    )
                    .with_help(help),
                );
                on_error = None;
                continue;
            }
            if seen {
                self.report(Problem::new(
                    ProblemKind::SettingTwice { name: "on_error".into(), block: "`featurize`".into() },
                    s.name.span,
                    "set again here",
                ));
                on_error = None;
                continue;
            }
            seen = true;
            let chosen = self.choice(&s.value, "`on_error` value", ON_ERROR);
            on_error = on_error.and(chosen);
        }
        on_error
    }
}
