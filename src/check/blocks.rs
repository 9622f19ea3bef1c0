//! `model { ... }`, `pretrain { ... }` and `finetune { ... }` blocks, with the defaults of
//! docs/language.md.

use super::checker::Checker;
use super::settings::Settings;
use super::values::RealRange;
use crate::diag::{Problem, ProblemKind};
use crate::ir::{Activation, ModelSpec, MultitaskSpec, TrainSpec};
use crate::syntax::ast::{Block, Span, Value};
use crate::syntax::names::{
    ACTIVATIONS, DIRECT_SETTINGS, FINETUNE_SETTINGS, MODEL_SETTINGS, MULTITASK_SETTINGS, OPTIMIZERS, PRETRAIN_SETTINGS,
};

/// Which training block [`Checker::train_block`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainBlock {
    Pretrain,
    Finetune,
    Direct,
}

/// The model used when no `model` statement is given.
pub fn default_model() -> ModelSpec {
    ModelSpec { hidden: vec![64, 32], activation: Activation::Relu, dropout: 0.0, pair: None }
}

/// The training settings used when a block or a setting is not given.
pub fn default_train() -> TrainSpec {
    TrainSpec { lr: 1e-3, weight_decay: 0.0, batch: 32, max_epochs: 100, patience: 5, validation: 0.2, freeze: 0 }
}

impl Checker<'_> {
    /// `model { hidden = [...]  activation = ...  dropout = ... }`.
    pub fn model_block(&mut self, block: &Block) -> ModelSpec {
        let settings = self.settings(block, "`model`", MODEL_SETTINGS);
        let mut spec = default_model();
        if let Some(v) = settings.get("hidden")
            && let Some(hidden) = self.hidden(v)
        {
            spec.hidden = hidden;
        }
        if let Some(v) = settings.get("activation")
            && let Some(a) = self.choice(v, "activation", ACTIVATIONS)
        {
            spec.activation = a;
        }
        if let Some(v) = settings.get("dropout")
            && let Some(d) = self.real_value(v, "`dropout`", RealRange::DROPOUT)
        {
            spec.dropout = d;
        }
        spec
    }

    pub(super) fn hidden(&mut self, value: &Value) -> Option<Vec<usize>> {
        let Value::List { items, span } = value else {
            self.type_error(value, "`hidden`", "a list of layer widths", Some("write e.g. `hidden = [64, 32]`".into()));
            return None;
        };
        if items.is_empty() {
            self.report(
                Problem::new(ProblemKind::EmptyHidden, *span, "empty list").with_help("write e.g. `hidden = [64, 32]`"),
            );
            return None;
        }
        let mut widths = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.count_value(item, "a layer width", 1) {
                Some(w) => widths.push(w),
                None => ok = false,
            }
        }
        ok.then_some(widths)
    }

    /// `pretrain { ... }`, `finetune { ... }` or `direct { ... }`. Returns the spec and the span
    /// of `freeze` (fine-tuning only), which is checked against the model once both are known.
    pub fn train_block(&mut self, block: &Block, kind: TrainBlock) -> (TrainSpec, Option<Span>) {
        let (what, allowed) = match kind {
            TrainBlock::Pretrain => ("`pretrain`", PRETRAIN_SETTINGS),
            TrainBlock::Finetune => ("`finetune`", FINETUNE_SETTINGS),
            TrainBlock::Direct => ("`direct`", DIRECT_SETTINGS),
        };
        let finetune = kind == TrainBlock::Finetune;
        if !finetune && let Some(s) = block.settings.iter().find(|s| s.name.name == "freeze") {
            let (label, help) = if kind == TrainBlock::Direct {
                (
                    "not a `direct` setting",
                    "the direct baseline trains from a random initialisation, so there is nothing to keep fixed; `freeze` belongs in `finetune`",
                )
            } else {
                (
                    "not a `pretrain` setting",
                    "move `freeze` into the `finetune` block; pretraining always trains every layer",
                )
            };
            self.report(Problem::new(ProblemKind::FreezeOutsideFinetune, s.name.span, label).with_help(help));
        }
        let block_without_freeze;
        let block = if finetune {
            block
        } else {
            block_without_freeze = Block {
                settings: block.settings.iter().filter(|s| s.name.name != "freeze").cloned().collect(),
                span: block.span,
            };
            &block_without_freeze
        };
        let settings = self.settings(block, what, allowed);
        let mut spec = self.train_settings(&settings);
        let mut freeze_span = None;
        if let Some(v) = settings.get("freeze")
            && let Some(x) = self.count_value(v, "`freeze`", 0)
        {
            spec.freeze = x;
            freeze_span = Some(v.span());
        }
        (spec, freeze_span)
    }

    /// `multitask { lambda = 0.5  lr = ...  batch = ...  epochs = ...  patience = ...  validation = ... }`.
    pub fn multitask_block(&mut self, block: &Block) -> Option<MultitaskSpec> {
        let settings = self.settings(block, "`multitask`", MULTITASK_SETTINGS);
        let train = self.train_settings(&settings);
        let unit = RealRange { min: 0.0, min_inclusive: true, max: Some((1.0, true)) };
        let lambda = match settings.get("lambda") {
            Some(v) => self.real_value(v, "`lambda`", unit)?,
            None => 0.5,
        };
        Some(MultitaskSpec { lambda, train })
    }

    /// The optimiser settings shared by `pretrain`, `finetune` and `multitask`.
    fn train_settings(&mut self, settings: &Settings<'_>) -> TrainSpec {
        let mut spec = default_train();
        if let Some(v) = settings.get("lr")
            && let Some(x) = self.real_value(v, "`lr`", RealRange::POSITIVE)
        {
            spec.lr = x;
        }
        if let Some(v) = settings.get("weight_decay")
            && let Some(x) = self.real_value(v, "`weight_decay`", RealRange::NON_NEGATIVE)
        {
            spec.weight_decay = x;
        }
        if let Some(v) = settings.get("batch")
            && let Some(x) = self.count_value(v, "`batch`", 1)
        {
            spec.batch = x;
        }
        if let Some(v) = settings.get("epochs")
            && let Some(x) = self.count_value(v, "`epochs`", 1)
        {
            spec.max_epochs = x;
        }
        if let Some(v) = settings.get("patience")
            && let Some(x) = self.count_value(v, "`patience`", 1)
        {
            spec.patience = x;
        }
        if let Some(v) = settings.get("validation")
            && let Some(x) = self.real_value(v, "`validation`", RealRange::OPEN_UNIT)
        {
            spec.validation = x;
        }
        if let Some(v) = settings.get("optimizer") {
            self.choice(v, "optimizer", OPTIMIZERS);
        }
        spec
    }

    /// `freeze` may not exceed the number of hidden layers (freezing every layer would leave
    /// nothing to fine-tune).
    pub fn check_freeze(&mut self, freeze: usize, span: Span, model: &ModelSpec, model_given: bool) {
        // A pairwise model counts the encoder's layers (hidden + latent), then the head's hidden layers.
        let layers = match &model.pair {
            Some(p) => p.encoder.hidden.len() + 1 + p.head.hidden.len(),
            None => model.hidden.len(),
        };
        if freeze > layers {
            let where_ = if model_given { "the `model`" } else { "the default model (`hidden = [64, 32]`)" };
            self.report(
                Problem::new(
                    ProblemKind::FreezeTooDeep { freeze, layers },
                    span,
                    format!("must be at most {layers}"),
                )
                .with_help(format!(
                    "{where_} has {layers} hidden layer{}; `freeze = {layers}` keeps all of them fixed and trains only the output layer",
                    if layers == 1 { "" } else { "s" }
                )),
            );
        }
    }
}
