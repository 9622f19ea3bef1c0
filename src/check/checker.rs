//! The checker: AST → [`Study`]. Every problem in the file is collected (checking goes on
//! after an error); a study is returned only when there are none.

use std::path::Path;

use super::blocks::{TrainBlock, default_model, default_train};
use super::expect::ExpectContext;
use super::tables::Scope;
use crate::diag::{Problem, ProblemKind, StudyErrors};
use crate::ir::{Study, TableDef};
use crate::syntax::ast::{self, Span, Statement, StatementKind};

/// Checking state: the file being checked and the problems found so far.
pub struct Checker<'f> {
    pub(super) file: &'f ast::File,
    pub(super) problems: Vec<Problem>,
    /// What checked without problems of its own, kept for [`check_parts`].
    parts: Parts,
}

/// The parts of a study that do not depend on its other statements, as far as they checked
/// without problems of their own: the `data` tables (all of them, or `None` when any has a
/// problem) and the source and target roles. When another statement has an error, the data stage
/// can still evaluate these and report its own problems in the same round.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub tables: Option<Vec<TableDef>>,
    pub source: Option<crate::ir::Role>,
    pub target: Option<crate::ir::Role>,
}

/// Checks a parsed study. `default_name` is the study name when there is no `study` statement
/// (usually the file stem). Returns every problem found.
pub fn check(file: &ast::File, default_name: &str) -> Result<Study, Vec<Problem>> {
    check_parts(file, default_name).map_err(|(problems, _)| problems)
}

/// [`check`], returning with the problems the [`Parts`] that checked on their own.
pub fn check_parts(file: &ast::File, default_name: &str) -> Result<Study, (Vec<Problem>, Parts)> {
    let mut checker = Checker { file, problems: Vec::new(), parts: Parts::default() };
    let study = checker.study(default_name);
    match study {
        Some(study) if checker.problems.is_empty() => Ok(study),
        _ => {
            checker.problems.sort_by_key(|p| p.span.start);
            if checker.problems.is_empty() {
                checker.problems.push(Problem::new(ProblemKind::RejectedWithoutReason, Span::new(0, 0), "here"));
            }
            Err((checker.problems, checker.parts))
        }
    }
}

/// Parses and checks a study file's text. The study name defaults to the file stem of
/// `file_name`, which also names the file in diagnostics.
pub fn compile(file_name: &str, text: &str) -> Result<Study, StudyErrors> {
    compile_parts(file_name, text).map_err(|(p, _)| StudyErrors::new(file_name, text, p))
}

/// [`compile`], returning with the problems the [`Parts`] that checked on their own (none after a
/// syntax error).
pub fn compile_parts(file_name: &str, text: &str) -> Result<Study, (Vec<Problem>, Parts)> {
    let stem = Path::new(file_name).file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty()).unwrap_or("study");
    let file = crate::syntax::parse(text).map_err(|p| (p, Parts::default()))?;
    check_parts(&file, stem)
}

/// Statements that may appear at most once, keyed by keyword (`transform x` / `transform y`
/// are keyed with their target).
fn single_key(stmt: &Statement) -> Option<String> {
    match &stmt.kind {
        StatementKind::Study(_)
        | StatementKind::Seed(_)
        | StatementKind::Source { .. }
        | StatementKind::Target { .. }
        | StatementKind::Model(_)
        | StatementKind::Pretrain(_)
        | StatementKind::Finetune(_)
        | StatementKind::Direct(_)
        | StatementKind::Multitask(_)
        | StatementKind::Grid(_)
        | StatementKind::Budget(_) => Some(stmt.keyword.name.clone()),
        StatementKind::Transform { target, .. } => Some(format!("transform {}", target.name)),
        StatementKind::Baseline(id) => Some(format!("baseline {}", id.name)),
        StatementKind::Fit(id, _, _) => Some(format!("fit {}", id.name)),
        StatementKind::Data { .. } | StatementKind::Expect(_) | StatementKind::Report(_) => None,
    }
}

impl<'f> Checker<'f> {
    fn study(&mut self, default_name: &str) -> Option<Study> {
        let file = self.file;
        // Singles: keep the first, report the others.
        let mut singles: Vec<(String, &'f Statement)> = Vec::new();
        for stmt in &file.statements {
            let Some(key) = single_key(stmt) else { continue };
            if let Some((_, first)) = singles.iter().find(|(k, _)| *k == key) {
                let line = file.line_of(first.span.start);
                self.report(
                    Problem::new(
                        ProblemKind::StatementTwice { keyword: key.to_string() },
                        stmt.keyword.span,
                        "declared again here",
                    )
                    .with_help(format!("the first `{key}` is on line {line}; a study has at most one")),
                );
                continue;
            }
            singles.push((key, stmt));
        }
        let single = |key: &str| singles.iter().find(|(k, _)| k == key).map(|(_, s)| *s);

        let name = match single("study").map(|s| &s.kind) {
            Some(StatementKind::Study(id)) if id.name.is_empty() => {
                self.report(Problem::new(ProblemKind::EmptyStudyName, id.span, "empty name"));
                None
            }
            Some(StatementKind::Study(id)) => Some(id.name.clone()),
            _ => Some(default_name.to_string()),
        };
        let seed = match single("seed").map(|s| &s.kind) {
            Some(StatementKind::Seed(n)) => self.whole(n, "the seed", 0),
            _ => Some(0),
        };

        let problems_before = self.problems.len();
        let tables = self.tables();
        if self.problems.len() == problems_before {
            self.parts.tables.clone_from(&tables);
        }
        let table_names: Vec<String> = file
            .statements
            .iter()
            .filter_map(|s| match &s.kind {
                StatementKind::Data { name, .. } => Some(name.name.clone()),
                _ => None,
            })
            .collect();

        let source = match single("source") {
            Some(s @ Statement { kind: StatementKind::Source { table, block }, .. }) => {
                let before = self.problems.len();
                let role = self.role("`source`", table, block, s.span, &table_names);
                if self.problems.len() == before {
                    self.parts.source.clone_from(&role);
                }
                role
            }
            _ => {
                self.missing("source", "`source sim { x = f_*  y = y }` (the simulated data to pretrain on)");
                None
            }
        };
        let target = match single("target") {
            Some(s @ Statement { kind: StatementKind::Target { table, block }, .. }) => {
                let before = self.problems.len();
                let role = self.role("`target`", table, block, s.span, &table_names);
                if self.problems.len() == before {
                    self.parts.target.clone_from(&role);
                }
                role
            }
            _ => {
                self.missing("target", "`target exp { x = f_*  y = y }` (the experimental data to fine-tune on)");
                None
            }
        };

        let mut x_transforms = Some(Vec::new());
        let mut y_transforms = Some(Vec::new());
        for (_, stmt) in &singles {
            if let StatementKind::Transform { target, steps } = &stmt.kind {
                match target.name.as_str() {
                    "x" => x_transforms = self.transform_steps(steps),
                    "y" => y_transforms = self.label_steps(steps),
                    _ => {
                        self.report(
                            Problem::new(
                                ProblemKind::UntransformableTarget { name: target.name.clone() },
                                target.span,
                                "expected `x` or `y`",
                            )
                            .with_help(
                                "write `transform x = ...` (every input column) or `transform y = ...` (the label)",
                            ),
                        );
                        let _ = self.transform_steps(steps);
                    }
                }
            }
        }

        let model_stmt = single("model");
        let model = match model_stmt.map(|s| &s.kind) {
            Some(StatementKind::Model(block)) => self.model_stmt(block),
            _ => default_model(),
        };
        let multitask_stmt = single("multitask");
        let multitask = match multitask_stmt.map(|s| &s.kind) {
            Some(StatementKind::Multitask(block)) => {
                let spec = self.multitask_block(block);
                let stmt = multitask_stmt.map_or(Span::new(0, 0), |s| s.keyword.span);
                self.check_multitask_context(stmt, &model, single("pretrain"), single("finetune"));
                spec
            }
            _ => None,
        };
        let pretrain = match single("pretrain").map(|s| &s.kind) {
            Some(StatementKind::Pretrain(block)) => self.train_block(block, TrainBlock::Pretrain).0,
            _ => default_train(),
        };
        let finetune = match single("finetune").map(|s| &s.kind) {
            Some(StatementKind::Finetune(block)) => {
                let (spec, freeze_span) = self.train_block(block, TrainBlock::Finetune);
                if let Some(span) = freeze_span {
                    self.check_freeze(spec.freeze, span, &model, model_stmt.is_some());
                }
                spec
            }
            _ => default_train(),
        };

        let grid = match single("grid").map(|s| &s.kind) {
            Some(StatementKind::Grid(block)) => self.grid_block(block),
            _ => {
                self.missing("grid", "`grid { n = logspace(100, all, 6)  m = [1.0]  trials = 20 }`");
                None
            }
        };

        let mut baselines = Vec::new();
        let mut fits = Vec::new();
        for (_, stmt) in &singles {
            match &stmt.kind {
                StatementKind::Baseline(id) => baselines.extend(self.baseline(id)),
                StatementKind::Fit(id, at, fixed) => {
                    let law = self.law(id);
                    let at = at.as_ref().and_then(|at| self.fit_point(law, at));
                    let fixed = match (law, fixed) {
                        (Some(law), Some(block)) => self.fit_fixed(law, block),
                        _ => Vec::new(),
                    };
                    if let Some(law) = law {
                        fits.push(crate::ir::FitSpec { law, at, fixed, span: stmt.span });
                    }
                }
                _ => {}
            }
        }
        let direct = match single("direct") {
            Some(stmt @ Statement { kind: StatementKind::Direct(block), .. }) => {
                let spec = self.train_block(block, TrainBlock::Direct).0;
                if !baselines.contains(&crate::ir::Baseline::Direct) {
                    self.report(
                        Problem::new(
                            ProblemKind::DirectWithoutBaseline,
                            stmt.keyword.span,
                            "no `baseline direct`",
                        )
                        .with_help(
                            "add `baseline direct` to train the same network on the target alone, or remove this block",
                        ),
                    );
                }
                Some(spec)
            }
            _ => None,
        };
        let ctx = ExpectContext {
            laws: fits.iter().map(|f: &crate::ir::FitSpec| f.law).collect(),
            has_direct: baselines.contains(&crate::ir::Baseline::Direct),
            measured: if multitask_stmt.is_some() { crate::ir::Arm::Multitask } else { crate::ir::Arm::Transfer },
        };
        let mut expects = Vec::new();
        for stmt in &file.statements {
            if let StatementKind::Expect(e) = &stmt.kind {
                expects.extend(self.expect(e, stmt.span, &ctx));
            }
        }

        let report = self.reports(&file.statements);
        let budget = match single("budget") {
            Some(Statement { kind: StatementKind::Budget(block), keyword, .. }) => {
                let has_surface = fits.iter().any(|f| f.law == crate::ir::Law::Surface);
                self.budget(keyword, block, has_surface)
            }
            _ => None,
        };

        Some(Study {
            name: name?,
            seed: seed?,
            tables: tables?,
            source: source?,
            target: target?,
            x_transforms: x_transforms?,
            y_transforms: y_transforms?,
            model,
            pretrain,
            finetune,
            direct,
            multitask,
            grid: grid?,
            baselines,
            fits,
            expects,
            report,
            budget,
        })
    }

    /// Every `data` statement, in order; each may use only the tables above it.
    fn tables(&mut self) -> Option<Vec<TableDef>> {
        let file = self.file;
        let all: Vec<(String, usize)> = file
            .statements
            .iter()
            .filter_map(|s| match &s.kind {
                StatementKind::Data { name, .. } => Some((name.name.clone(), file.line_of(s.span.start))),
                _ => None,
            })
            .collect();
        let mut declared: Vec<String> = Vec::new();
        let mut defs = Vec::new();
        let mut ok = true;
        for stmt in &file.statements {
            let StatementKind::Data { name, expr } = &stmt.kind else {
                continue;
            };
            if declared.contains(&name.name) {
                let line = all.iter().find(|(n, _)| *n == name.name).map_or(0, |(_, l)| *l);
                self.report(
                    Problem::new(
                        ProblemKind::TableTwice { table: name.name.clone() },
                        name.span,
                        "declared again here",
                    )
                    .with_help(format!(
                        "the first `data {}` is on line {line}; give this table another name",
                        name.name
                    )),
                );
                ok = false;
                continue;
            }
            let scope = Scope { declared: &declared, all: &all, this: &name.name };
            match self.table_expr(expr, &scope) {
                Some(e) => defs.push(TableDef { name: name.name.clone(), expr: e, span: stmt.span }),
                None => ok = false,
            }
            declared.push(name.name.clone());
        }
        ok.then_some(defs)
    }

    /// `multitask` replaces pretraining and fine-tuning (the direct baseline uses its settings
    /// unless a `direct` block is given),
    /// and needs a model with a shared encoder (the two task heads sit on top of it).
    fn check_multitask_context(
        &mut self,
        keyword: Span,
        model: &crate::ir::ModelSpec,
        pretrain: Option<&Statement>,
        finetune: Option<&Statement>,
    ) {
        for (stmt, what) in [(pretrain, "pretrain"), (finetune, "finetune")] {
            if let Some(s) = stmt {
                let line = self.file.line_of(keyword.start);
                self.report(
                    Problem::new(ProblemKind::MultitaskConflict { keyword: what.to_string() }, s.keyword.span, "not used by a multitask study")
                        .with_help(format!(
                            "`multitask` (line {line}) trains source and target jointly (the direct baseline uses its settings unless a `direct` block is given); remove `{what}`, or remove `multitask` to pretrain and fine-tune"
                        )),
                );
            }
        }
        if model.pair.is_none() {
            self.report(
                Problem::new(ProblemKind::MultitaskWithoutEncoder, keyword, "no encoder to share")
                    .with_help("declare `input`s, an `encoder shared(a, b) { ... }` and a `head { ... }` in `model`; each task gets its own copy of the head"),
            );
        }
    }

    /// A required statement is missing: reported at the end of the file.
    fn missing(&mut self, keyword: &str, example: &str) {
        // After the last statement (pointing past a trailing newline would show no line).
        let end = self.file.statements.last().map_or(0, |s| s.span.end);
        self.report(
            Problem::new(
                ProblemKind::MissingStatement { keyword: keyword.to_string() },
                Span::new(end, end),
                format!("add `{keyword}`"),
            )
            .with_help(format!("a study needs `source`, `target` and `grid`; add e.g. {example}")),
        );
    }
}
