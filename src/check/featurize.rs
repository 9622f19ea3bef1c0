//! `featurize composition(COLUMN) with PRESET { on_error = fail | drop }` and `featurize
//! smiles(COLUMN) with PRESET`: what it reads, which preset (of that input), and its one
//! setting. The column itself is checked when the data is loaded.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{Featurize, FeaturizeInput, OnError, Preset, Spanned};
use crate::syntax::ast::{Block, Call, Primary, Value};
use crate::syntax::names::{
    BOOLEANS, COMPOSITION_PRESETS, FEATURIZE_INPUTS, FEATURIZE_SETTINGS, MORGAN, MORGAN_ARGS, ON_ERROR, SMILES_PRESETS,
};

const MORGAN_USAGE: &str = "write e.g. `with morgan(radius: 2, bits: 2048, counts: false)`";
/// The largest Morgan radius and fingerprint width accepted (a column per bit).
const MAX_RADIUS: u64 = 8;
const MAX_BITS: u64 = 16384;

const USAGE: &str =
    "write e.g. `featurize composition(Formula) with magpie` or `featurize smiles(smiles) with descriptors`";

impl Checker<'_> {
    /// The featurizer of one `featurize` operation.
    pub(super) fn featurize(&mut self, input: &Call, with: &Primary, settings: Option<&Block>) -> Option<Featurize> {
        let (column, kind) = self.featurize_input(input);
        let preset = match with {
            Primary::Name(id) => match kind {
                Some(FeaturizeInput::Composition) => self.choose(id, "composition preset", COMPOSITION_PRESETS),
                Some(FeaturizeInput::Smiles) if id.name == MORGAN => {
                    self.report(
                        Problem::new(
                            ProblemKind::PresetArgumentMissing { preset: MORGAN.into(), name: "radius".into() },
                            id.span,
                            "arguments missing",
                        )
                        .with_help(MORGAN_USAGE),
                    );
                    None
                }
                Some(FeaturizeInput::Smiles) => {
                    // `morgan` is listed for the help only (it takes arguments: the arm above).
                    let mut options = SMILES_PRESETS.to_vec();
                    options.push((MORGAN, Preset::Descriptors));
                    self.choose(id, "smiles preset", &options)
                }
                None => None,
            },
            Primary::Call(call) if kind == Some(FeaturizeInput::Smiles) && call.name.name == MORGAN => {
                self.morgan(call)
            }
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

    /// `composition(COLUMN)` or `smiles(COLUMN)`: the column holding the formulas or SMILES, and
    /// which of the two it is.
    fn featurize_input(&mut self, call: &Call) -> (Option<Spanned<String>>, Option<FeaturizeInput>) {
        let Some(&(_, kind)) = FEATURIZE_INPUTS.iter().find(|(n, _)| *n == call.name.name) else {
            let help = did_you_mean(&call.name.name, FEATURIZE_INPUTS.iter().map(|(n, _)| *n))
                .unwrap_or_else(|| format!("`featurize` reads chemical formulas or SMILES: {USAGE}"));
            self.report(
                Problem::new(
                    ProblemKind::UnknownFeaturizerInput { name: call.name.name.clone() },
                    call.name.span,
                    "not a featurizer input",
                )
                .with_help(help),
            );
            return (None, None);
        };
        let column = match call.args.as_slice() {
            [arg] if arg.name.is_none() => match &arg.value {
                Value::Name(id) => Some(Spanned::new(id.name.clone(), id.span)),
                Value::Str(s) => Some(Spanned::new(s.value.clone(), s.span)),
                other => {
                    let what = format!("the {} column", kind.name());
                    self.type_error(other, &what, "a column name", Some(USAGE.into()));
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
        };
        (column, Some(kind))
    }

    /// `morgan(radius: R, bits: B, counts: true|false)`: all three named, radius 0–8, bits
    /// 1–16384 (at least 4 with counts, which fold into bits/4 slots).
    fn morgan(&mut self, call: &Call) -> Option<Preset> {
        let mut given: Vec<(&str, &Value)> = Vec::new();
        let mut ok = true;
        for arg in &call.args {
            let known = arg.name.as_ref().and_then(|n| MORGAN_ARGS.iter().find(|a| **a == n.name)).copied();
            let Some(known) = known else {
                let name = arg.name.as_ref().map_or_else(|| "(unnamed)".to_string(), |n| n.name.clone());
                let help = did_you_mean(&name, MORGAN_ARGS.iter().copied()).unwrap_or_else(|| MORGAN_USAGE.to_string());
                self.report(
                    Problem::new(
                        ProblemKind::UnknownPresetArgument { preset: MORGAN.into(), name },
                        arg.span,
                        "unknown argument",
                    )
                    .with_help(help),
                );
                ok = false;
                continue;
            };
            if given.iter().any(|(n, _)| *n == known) {
                self.report(Problem::new(
                    ProblemKind::ArgumentTwice { name: known.to_string() },
                    arg.span,
                    "given again here",
                ));
                ok = false;
                continue;
            }
            given.push((known, &arg.value));
        }
        let mut get = |name: &str| {
            let found = given.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            if found.is_none() {
                self.report(
                    Problem::new(
                        ProblemKind::PresetArgumentMissing { preset: MORGAN.into(), name: name.into() },
                        call.span,
                        format!("no `{name}`"),
                    )
                    .with_help(MORGAN_USAGE),
                );
            }
            found
        };
        let (radius, bits, counts) = (get("radius"), get("bits"), get("counts"));
        let counts = counts.and_then(|v| self.choice(v, "`counts` value", BOOLEANS));
        let mut bounded = |value: Option<&Value>, what: &str, min: u64, max: u64| {
            let n = self.number(value?, what, "a whole number")?;
            let v = self.whole(n, what, min)?;
            if v > max {
                self.out_of_range(n.span, what, &format!("at most {max}"), &format!("`{}`", n.text));
                return None;
            }
            u32::try_from(v).ok()
        };
        let radius = bounded(radius, "`radius`", 0, MAX_RADIUS);
        let min_bits = if counts == Some(true) { 4 } else { 1 };
        let bits = bounded(bits, "`bits`", min_bits, MAX_BITS);
        let preset = Preset::Morgan { radius: radius?, bits: bits?, counts: counts? };
        ok.then_some(preset)
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
