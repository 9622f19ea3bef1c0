//! The pairwise part of `model { ... }`: `input NAME = COLS`, `encoder shared(a, b) { ... }`,
//! `combine = ...` and `head { ... }`. Column sets are resolved later, against the data.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{Combine, EncoderSpec, HeadSpec, ModelSpec, NamedInput, PairSpec, Spanned};
use crate::syntax::ast::{EncoderDecl, HeadDecl, Ident, InputDecl, ModelBlock, Value};
use crate::syntax::names::{BOOLEANS, COMBINES, ENCODER_KINDS, ENCODER_SETTINGS, HEAD_SETTINGS, latent_activations};

const ENCODER_EXAMPLE: &str = "write e.g. `encoder shared(polymer, solvent) { hidden = [256, 128]  latent = 32  latent_activation = tanh  flag = true }`";

impl Checker<'_> {
    /// A `model` block that declares inputs, an encoder or a head: the pair spec is added to the
    /// plain settings read by `model_block`. Plain blocks come back unchanged.
    pub fn model_stmt(&mut self, m: &ModelBlock) -> ModelSpec {
        let mut spec = self.model_block(&m.block);
        let combine_setting = m.block.settings.iter().find(|s| s.name.name == "combine");
        if m.inputs.is_empty() && m.encoders.is_empty() && m.heads.is_empty() {
            if let Some(s) = combine_setting {
                self.report(
                    Problem::new(ProblemKind::CombineWithoutEncoder, s.name.span, "no encoder to combine")
                        .with_help(ENCODER_EXAMPLE),
                );
            }
            return spec;
        }
        for s in &m.block.settings {
            let why = match s.name.name.as_str() {
                "hidden" => {
                    "with an `encoder`, layer widths go into `encoder { hidden = ... }` and `head { hidden = ... }`"
                }
                "dropout" => "dropout is not supported with an `encoder` (the pairwise model trains without it)",
                _ => continue,
            };
            self.report(
                Problem::new(
                    ProblemKind::SettingWithEncoder { name: s.name.name.clone() },
                    s.name.span,
                    "not used here",
                )
                .with_help(why),
            );
        }
        spec.pair = self.pair(m, combine_setting.map(|s| &s.value));
        spec
    }

    fn pair(&mut self, m: &ModelBlock, combine: Option<&Value>) -> Option<PairSpec> {
        let inputs = self.inputs(&m.inputs);
        let names: Vec<String> = m.inputs.iter().map(|i| i.name.name.clone()).collect();
        let combine = match combine {
            Some(v) => self.choice(v, "combine", COMBINES),
            None => Some(Combine::AbsDiff),
        };
        let encoder = match m.encoders.as_slice() {
            [] => {
                self.report(
                    Problem::new(ProblemKind::InputsWithoutEncoder, m.block.span, "no encoder here")
                        .with_help(ENCODER_EXAMPLE),
                );
                None
            }
            [first, rest @ ..] => {
                for e in rest {
                    self.report(
                        Problem::new(ProblemKind::SecondEncoder, e.keyword.span, "second encoder")
                            .with_help(format!("the first is on line {}", self.file.line_of(first.span.start))),
                    );
                }
                self.encoder(first, &names)
            }
        };
        let head = match m.heads.as_slice() {
            [] => Some(HeadSpec { inputs: Vec::new(), hidden: vec![32] }),
            [first, rest @ ..] => {
                for h in rest {
                    self.report(
                        Problem::new(ProblemKind::SecondHead, h.keyword.span, "second head")
                            .with_help(format!("the first is on line {}", self.file.line_of(first.span.start))),
                    );
                }
                self.head(first, &names)
            }
        };
        let (inputs, encoder, head) = (inputs?, encoder?, head?);
        let mut ok = true;
        for input in &m.inputs {
            let used = encoder.inputs.iter().chain(&head.inputs).any(|u| u.value == input.name.name);
            if !used {
                ok = false;
                self.report(
                    Problem::new(
                        ProblemKind::UnusedInput { input: input.name.name.clone() },
                        input.name.span,
                        "unused input",
                    )
                    .with_help(format!("add it to the head (`head {{ inputs = {} }}`) or remove it", input.name.name)),
                );
            }
        }
        ok.then_some(PairSpec { inputs, encoder, combine: combine?, head })
    }

    fn inputs(&mut self, decls: &[InputDecl]) -> Option<Vec<NamedInput>> {
        let mut out: Vec<NamedInput> = Vec::new();
        let mut ok = true;
        for d in decls {
            if let Some(first) = out.iter().find(|i| i.name == d.name.name) {
                let line = self.file.line_of(first.span.start);
                self.report(
                    Problem::new(
                        ProblemKind::InputTwice { input: d.name.name.clone() },
                        d.name.span,
                        "declared again here",
                    )
                    .with_help(format!("the first `input {}` is on line {line}", d.name.name)),
                );
                ok = false;
                continue;
            }
            match self.column_set(&d.cols, &format!("`input {}`", d.name.name)) {
                Some(cols) => out.push(NamedInput { name: d.name.name.clone(), cols, span: d.span }),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A name that must be a declared input.
    fn input_ref(&mut self, id: &Ident, names: &[String], used_by: &str) -> Option<Spanned<String>> {
        if names.contains(&id.name) {
            return Some(Spanned::new(id.name.clone(), id.span));
        }
        let help = did_you_mean(&id.name, names.iter().map(String::as_str)).unwrap_or_else(|| {
            if names.is_empty() {
                format!("declare it in the model: `input {} = COLUMNS`", id.name)
            } else {
                format!("declared inputs: {}", names.join(", "))
            }
        });
        self.report(
            Problem::new(
                ProblemKind::UnknownInput { used_by: used_by.to_string(), input: id.name.clone() },
                id.span,
                "no input of this name",
            )
            .with_help(help),
        );
        None
    }

    fn encoder(&mut self, e: &EncoderDecl, names: &[String]) -> Option<EncoderSpec> {
        let kind_ok = self.choose(&e.kind, "encoder kind", ENCODER_KINDS).is_some();
        let refs: Vec<Option<Spanned<String>>> =
            e.inputs.iter().map(|i| self.input_ref(i, names, "the encoder")).collect();
        let refs: Option<Vec<Spanned<String>>> = refs.into_iter().collect();
        let pair = match refs {
            Some(r) if r.len() == 2 && r[0].value == r[1].value => {
                self.report(
                    Problem::new(
                        ProblemKind::EncoderSameInputs,
                        e.inputs[0].span.to(e.inputs[1].span),
                        "same input twice",
                    )
                    .with_help("a shared encoder compares two different inputs, e.g. `shared(polymer, solvent)`"),
                );
                None
            }
            Some(r) if r.len() == 2 => Some([r[0].clone(), r[1].clone()]),
            Some(r) => {
                let span =
                    e.inputs.first().map_or(e.kind.span, |f| f.span.to(e.inputs.last().map_or(f.span, |l| l.span)));
                self.report(
                    Problem::new(ProblemKind::EncoderInputCount { found: r.len() }, span, "expected two inputs")
                        .with_help(ENCODER_EXAMPLE),
                );
                None
            }
            None => None,
        };
        let settings = self.settings(&e.block, "`encoder`", ENCODER_SETTINGS);
        let hidden = match settings.get("hidden") {
            Some(v) => self.widths(v),
            None => Some(Vec::new()),
        };
        let latent = match settings.get("latent") {
            Some(v) => self.count_value(v, "`latent`", 1),
            None => {
                self.report(
                    Problem::new(ProblemKind::EncoderWithoutLatent, e.block.span, "no `latent` here")
                        .with_help(ENCODER_EXAMPLE),
                );
                None
            }
        };
        let latent_activation = match settings.get("latent_activation") {
            Some(v) => self.choice(v, "latent activation", &latent_activations()),
            None => Some(None),
        };
        let flag = match settings.get("flag") {
            Some(v) => self.choice(v, "flag", BOOLEANS),
            None => Some(false),
        };
        if !kind_ok {
            return None;
        }
        Some(EncoderSpec {
            inputs: pair?,
            hidden: hidden?,
            latent: latent?,
            latent_activation: latent_activation?,
            flag: flag?,
            span: e.span,
        })
    }

    fn head(&mut self, h: &HeadDecl, names: &[String]) -> Option<HeadSpec> {
        let settings = self.settings(&h.block, "`head`", HEAD_SETTINGS);
        let inputs = match settings.get("inputs") {
            None => Some(Vec::new()),
            Some(Value::Name(id)) => self.input_ref(id, names, "the head").map(|r| vec![r]),
            Some(Value::List { items, .. }) => {
                let mut out = Vec::new();
                let mut ok = true;
                for item in items {
                    match item {
                        Value::Name(id) => match self.input_ref(id, names, "the head") {
                            Some(r) if out.iter().any(|o: &Spanned<String>| o.value == r.value) => {
                                self.report(Problem::new(
                                    ProblemKind::ListedTwice { name: id.name.clone() },
                                    id.span,
                                    "listed again",
                                ));
                                ok = false;
                            }
                            Some(r) => out.push(r),
                            None => ok = false,
                        },
                        other => {
                            self.type_error(other, "every item of `inputs`", "an input name", None);
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            Some(other) => {
                self.type_error(
                    other,
                    "`inputs`",
                    "an input name or a list of input names",
                    Some("write e.g. `inputs = conditions`".into()),
                );
                None
            }
        };
        let hidden = match settings.get("hidden") {
            Some(v) => self.widths(v),
            None => Some(vec![32]),
        };
        Some(HeadSpec { inputs: inputs?, hidden: hidden? })
    }

    /// Layer widths, possibly none (`hidden = []`).
    fn widths(&mut self, v: &Value) -> Option<Vec<usize>> {
        match v {
            Value::List { items, .. } if items.is_empty() => Some(Vec::new()),
            _ => self.hidden(v),
        }
    }
}
