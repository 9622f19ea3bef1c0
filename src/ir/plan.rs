//! The plan IR: every training job of a study with its seed, row counts and FLOP estimate.
//! `sim2real plan` prints it; the executor runs it; the results store is keyed by job id.

use serde::Serialize;

use crate::ir::{Arm, ModelSpec, SubsetMode, TrainSpec, TrainingSettings};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub study: String,
    pub seed: u64,
    /// `--quick`: trials and grids shrunk for a smoke run.
    pub quick: bool,
    pub source_rows: usize,
    pub target_rows: usize,
    pub features: usize,
    /// Target rows held out per trial: the fewest of any trial (group splits hold out whole
    /// groups, so trials differ; `test_rows_max` is the most).
    pub test_rows: usize,
    /// Target rows available for training per trial: the fewest of any trial of the study (m
    /// fractions resolve against it, so every trial has m rows; `train_part_max` is the most).
    pub train_part: usize,
    pub n_values: Vec<usize>,
    pub m_values: Vec<usize>,
    pub trials: usize,
    pub subset: SubsetMode,
    /// Pretrained models per n: 1 with `subset = once`, `trials` with `per_trial`.
    pub replicates: usize,
    /// Layer widths input → output.
    pub layers: Vec<usize>,
    /// The pairwise network in words (shared encoder, combine, heads), when the model has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// The column pipelines every job fits on its own training rows, step names in order, as they
    /// run: `transform x` with the default `clip` guard appended unless it names `clip` or `noclip`
    /// (so without `transform x`: `["clip"]`), and `transform y` (empty without one: the label
    /// is used as read).
    pub transform_x: Vec<String>,
    pub transform_y: Vec<String>,
    /// Whether `clip` in `transform_x` is the default guard (the study names neither `clip` nor
    /// `noclip`).
    pub default_clip: bool,
    /// The training settings of each phase (pretrain, finetune, direct, multitask): what every
    /// job trains with ([`Plan::train_spec`]).
    pub training: Vec<TrainingSettings>,
    /// The model every job trains (layer widths above; dropout, the pairwise network).
    pub model: ModelSpec,
    /// `multitask { lambda }`: the weight of the source task's loss in multitask jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    pub jobs: Vec<Job>,
    pub warnings: Vec<String>,
    /// Upper bound on training FLOPs (all jobs running to max epochs).
    pub flops_max: f64,
    /// The most target rows any trial holds out.
    pub test_rows_max: usize,
    /// The most target rows any trial has for training.
    pub train_part_max: usize,
    /// The training part of each planned trial (index = trial), in rows.
    pub train_parts: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    /// Stable id, e.g. `finetune n=1000 m=240 t=3`: names the job in trials.csv and messages.
    pub id: String,
    pub kind: JobKind,
    pub seed: u64,
    /// SHA-256 (hex) of everything that determines the job's result (`plan/identity.rs`): the key
    /// of the results store, so an edit that leaves it unchanged reuses the stored result.
    pub identity: String,
    /// A fine-tune: the identity of the pretraining whose weights it starts from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_from: Option<String>,
    pub train_rows: usize,
    pub val_rows: usize,
    pub test_rows: usize,
    pub max_epochs: usize,
    /// Upper bound on this job's training FLOPs.
    pub flops_max: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum JobKind {
    /// Train on n source rows (replicate r).
    Pretrain { n: usize, replicate: usize },
    /// Fine-tune pretrained model (n, replicate) on m target rows of trial `trial`.
    Finetune { n: usize, m: usize, trial: usize, replicate: usize },
    /// Train from scratch on m target rows of trial `trial`.
    Direct { m: usize, trial: usize },
    /// Train one network jointly on n source rows (subset `replicate`, source head) and the m
    /// target rows of trial `trial` (target head).
    Multitask { n: usize, m: usize, trial: usize, replicate: usize },
}

impl JobKind {
    pub fn id(&self) -> String {
        match *self {
            JobKind::Pretrain { n, replicate } => format!("pretrain n={n} r={replicate}"),
            JobKind::Finetune { n, m, trial, .. } => format!("finetune n={n} m={m} t={trial}"),
            JobKind::Direct { m, trial } => format!("direct m={m} t={trial}"),
            JobKind::Multitask { n, m, trial, .. } => format!("multitask n={n} m={m} t={trial}"),
        }
    }

    /// The training phase a job runs (`pretrain`, `finetune`, `direct`, `multitask`): the
    /// `phase` of its row in [`Plan::training`].
    pub fn phase(&self) -> &'static str {
        match self {
            JobKind::Pretrain { .. } => "pretrain",
            JobKind::Finetune { .. } => "finetune",
            JobKind::Direct { .. } => "direct",
            JobKind::Multitask { .. } => "multitask",
        }
    }

    /// The arm a trial job measures (None for pretraining).
    pub fn arm(&self) -> Option<Arm> {
        match self {
            JobKind::Pretrain { .. } => None,
            JobKind::Finetune { .. } => Some(Arm::Transfer),
            JobKind::Direct { .. } => Some(Arm::Direct),
            JobKind::Multitask { .. } => Some(Arm::Multitask),
        }
    }
}

impl Plan {
    /// The settings a job of this kind trains with. The planner writes a row for every phase it
    /// schedules jobs of (`tests/plan.rs` checks it for every committed study), so `None` means a
    /// plan built by hand without them.
    pub fn train_spec(&self, kind: &JobKind) -> Option<&TrainSpec> {
        let phase = kind.phase();
        self.training.iter().find(|t| t.phase == phase).map(|t| &t.spec)
    }

    pub fn count(&self, f: impl Fn(&JobKind) -> bool) -> usize {
        self.jobs.iter().filter(|j| f(&j.kind)).count()
    }

    /// A human-readable rendering: header, grids, job groups with counts, seeds of the first
    /// jobs of each group.
    pub fn render(&self) -> String {
        self.render_with(None)
    }

    /// [`Plan::render`], and with `reuse` (a run directory and whether its store holds a job)
    /// each job marked `reused` or `new`, with the counts per group and in all.
    pub fn render_with(&self, reuse: Option<Reuse<'_>>) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "plan for study `{}`{}",
            self.study,
            if self.quick { "  [QUICK RUN: trials and grids shrunk]" } else { "" }
        );
        let _ = writeln!(s, "  seed {}", self.seed);
        let _ = writeln!(s, "  source: {} rows × {} features", self.source_rows, self.features);
        if self.test_rows == self.test_rows_max {
            let _ = writeln!(
                s,
                "  target: {} rows → per trial {} test, {} for training",
                self.target_rows, self.test_rows, self.train_part
            );
        } else {
            // Whole groups are held out, so trials differ; m counts the rows of every trial.
            let _ = writeln!(
                s,
                "  target: {} rows → per trial {}–{} test, {}–{} for training (whole groups; min–max over trials, m ≤ {})",
                self.target_rows,
                self.test_rows,
                self.test_rows_max,
                self.train_part,
                self.train_part_max,
                self.train_part
            );
        }
        match &self.network {
            Some(net) => {
                let _ = writeln!(s, "  network: {net}");
            }
            None => {
                let _ = writeln!(
                    s,
                    "  network: {}",
                    self.layers.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join("-")
                );
            }
        }
        let pipeline = |steps: &[String]| if steps.is_empty() { "none".to_string() } else { steps.join(" | ") };
        let _ = writeln!(
            s,
            "  transform x = {}{}",
            pipeline(&self.transform_x),
            if self.default_clip { "  (clip: the default input guard; `noclip` turns it off)" } else { "" }
        );
        let _ = writeln!(
            s,
            "  transform y = {}{}",
            pipeline(&self.transform_y),
            if self.transform_y.is_empty() { "  (labels used as read)" } else { "" }
        );
        let _ = writeln!(s, "  n = {:?}", self.n_values);
        let _ = writeln!(s, "  m = {:?}", self.m_values);
        let _ = writeln!(
            s,
            "  trials = {}, source subsets: {}",
            self.trials,
            match self.subset {
                SubsetMode::Once => "one per n (shared by all trials)",
                SubsetMode::PerTrial => "a new one per trial",
            }
        );
        if !self.training.is_empty() {
            let _ = writeln!(s, "training settings:");
            let rows: Vec<[String; 10]> = std::iter::once(TrainingSettings::HEADER.map(str::to_string))
                .chain(self.training.iter().map(TrainingSettings::cells))
                .collect();
            let widths: Vec<usize> =
                (0..10).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
            for r in &rows {
                let line: Vec<String> = r.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
                let _ = writeln!(s, "  {}", line.join("  ").trim_end());
            }
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        let pre = self.count(|k| matches!(k, JobKind::Pretrain { .. }));
        let ft = self.count(|k| matches!(k, JobKind::Finetune { .. }));
        let di = self.count(|k| matches!(k, JobKind::Direct { .. }));
        let mt = self.count(|k| matches!(k, JobKind::Multitask { .. }));
        if mt > 0 {
            let _ = writeln!(s, "jobs: {} ({} multitask, {} direct)", self.jobs.len(), mt, di);
        } else {
            let _ = writeln!(s, "jobs: {} ({} pretrain, {} finetune, {} direct)", self.jobs.len(), pre, ft, di);
        }
        if let Some((dir, held)) = reuse {
            let reused = self.jobs.iter().filter(|j| held(j)).count();
            let _ = writeln!(
                s,
                "store {dir}: {reused} reused, {} new (to train; jobs are reused by identity, see --json)",
                self.jobs.len() - reused
            );
        }
        let status = |j: &Job| reuse.map_or("", |(_, held)| if held(j) { "  reused" } else { "  new" });
        let _ = writeln!(
            s,
            "  {:<34} {:>20} {:>7} {:>6} {:>6} {:>10}{}",
            "id",
            "seed",
            "train",
            "val",
            "test",
            "GFLOP≤",
            if reuse.is_some() { "  store" } else { "" }
        );
        // Each group's first two jobs, then how many more (with `reuse`: how many of them are new).
        let mut groups: Vec<(String, Vec<&Job>)> = Vec::new();
        for j in &self.jobs {
            let group = group_of(&j.kind);
            match groups.last_mut() {
                Some((g, jobs)) if *g == group => jobs.push(j),
                _ => groups.push((group, vec![j])),
            }
        }
        for (_, jobs) in &groups {
            for j in jobs.iter().take(2) {
                let _ = writeln!(
                    s,
                    "  {:<34} {:>20} {:>7} {:>6} {:>6} {:>10.2}{}",
                    j.id,
                    j.seed,
                    j.train_rows,
                    j.val_rows,
                    j.test_rows,
                    j.flops_max / 1e9,
                    status(j)
                );
            }
            let rest = jobs.get(2..).unwrap_or_default();
            match reuse {
                _ if rest.is_empty() => {}
                None => {
                    let _ = writeln!(s, "  {:<34}", "  …");
                }
                Some((_, held)) => {
                    let new = rest.iter().filter(|j| !held(j)).count();
                    let _ = writeln!(s, "    … {} more: {} reused, {new} new", rest.len(), rest.len() - new);
                }
            }
        }
        let _ = writeln!(
            s,
            "estimated work: ≤ {:.1} GFLOP (all jobs to max epochs; early stopping ends most sooner)",
            self.flops_max / 1e9
        );
        s
    }
}

/// What [`Plan::render_with`] marks: a run directory and whether its store holds a job.
pub type Reuse<'a> = (&'a str, &'a dyn Fn(&Job) -> bool);

/// Jobs of one group train together as one ensemble.
pub fn group_of(kind: &JobKind) -> String {
    match *kind {
        JobKind::Pretrain { n, .. } => format!("pretrain n={n}"),
        JobKind::Finetune { n, m, .. } => format!("finetune n={n} m={m}"),
        JobKind::Direct { m, .. } => format!("direct m={m}"),
        JobKind::Multitask { n, m, .. } => format!("multitask n={n} m={m}"),
    }
}
