//! Job identity: a SHA-256 over everything that determines a job's result, and nothing else. The
//! results store keys finished jobs by it, so a rerun of an edited study reuses every job whose
//! identity is unchanged and trains only the rest.
//!
//! A job's identity is made of named parts (so that an explanation can say which one changed):
//! - `engine version`: [`ENGINE_VERSION`], bumped when the engine's numbers change;
//! - `job id and seed`: the job's kind, id (n, m, trial, replicate) and seed;
//! - `data rows`: the rows the job reads after every table operation, each by its row index, the
//!   values of its x columns (in the network's order, with their names), its label and its group:
//!   a pretraining's source subset, a trial's m rows and test rows, both for multitask;
//! - `model`: the network (widths, activation, dropout, a pairwise model's layout);
//! - `training settings`: the Adam settings of the job's phase (λ too for multitask);
//! - `transforms`: the x and y pipelines;
//! - `metric`: the error a trial reports (not for pretraining, which reports none);
//! - `pretraining`: for a fine-tune, the identity of the pretraining it starts from.
//!
//! What is not in it: the study's text, name and comments, `fit`, `expect` and `report`
//! statements, other grid points, the thread count. Those change no trained number.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::ENGINE_VERSION;
use crate::ir::{Job, JobKind, Study};

use super::prepare::{Prepared, RoleData};
use super::splits::{TrialSplit, source_subset, target_split};

type Hash = [u8; 32];

/// The named parts of one job's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts(pub Vec<(&'static str, Hash)>);

impl Parts {
    /// The identity: lower-case hex SHA-256 over the parts, name by name.
    pub fn identity(&self) -> String {
        let mut h = Sha256::new();
        for (name, d) in &self.0 {
            h.update((name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update(d);
        }
        hex(&h.finalize())
    }

    /// The names of the parts in which `self` and `other` differ (parts only one has count too).
    pub fn differing(&self, other: &Parts) -> Vec<&'static str> {
        let get = |p: &Parts, name: &str| p.0.iter().find(|(n, _)| *n == name).map(|(_, d)| *d);
        let names: Vec<&'static str> = self.0.iter().chain(&other.0).map(|(n, _)| *n).collect();
        let mut out: Vec<&'static str> = Vec::new();
        for n in names {
            if get(self, n) != get(other, n) && !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest_json(value: &impl Serialize) -> Hash {
    Sha256::digest(serde_json::to_vec(value).unwrap_or_default()).into()
}

/// Computes the parts of the jobs of one study on its prepared data, caching what jobs share
/// (row digests, trial splits, source subsets).
pub struct Identities<'a> {
    study: &'a Study,
    data: &'a Prepared,
    source_rows: Option<Vec<Hash>>,
    target_rows: Option<Vec<Hash>>,
    splits: HashMap<usize, TrialSplit>,
    target_data: HashMap<(usize, usize), Hash>,
    source_data: HashMap<(usize, usize), Hash>,
}

impl<'a> Identities<'a> {
    pub fn new(study: &'a Study, data: &'a Prepared) -> Self {
        Identities {
            study,
            data,
            source_rows: None,
            target_rows: None,
            splits: HashMap::new(),
            target_data: HashMap::new(),
            source_data: HashMap::new(),
        }
    }

    /// The parts of `job`; `pretraining` is the identity of the pretraining a fine-tune starts
    /// from (ignored for other kinds).
    pub fn parts(&mut self, job: &Job, pretraining: Option<&str>) -> Parts {
        let study = self.study;
        #[derive(Serialize)]
        struct Point<'j> {
            kind: &'j JobKind,
            id: &'j str,
            seed: u64,
        }
        let mut parts = vec![
            ("engine version", digest_json(&ENGINE_VERSION)),
            ("job id and seed", digest_json(&Point { kind: &job.kind, id: &job.id, seed: job.seed })),
        ];
        let data = match job.kind {
            JobKind::Pretrain { n, replicate } => self.source(n, replicate),
            JobKind::Finetune { m, trial, .. } | JobKind::Direct { m, trial } => self.target(m, trial),
            JobKind::Multitask { n, m, trial, replicate } => {
                let mut h = Sha256::new();
                h.update(self.source(n, replicate));
                h.update(self.target(m, trial));
                h.finalize().into()
            }
        };
        parts.push(("data rows", data));
        parts.push(("model", digest_json(&study.model)));
        #[derive(Serialize)]
        struct Training<'j> {
            spec: Option<&'j crate::ir::TrainSpec>,
            lambda: Option<f64>,
        }
        let spec = match job.kind {
            JobKind::Pretrain { .. } => Some(&study.pretrain),
            JobKind::Finetune { .. } => Some(&study.finetune),
            JobKind::Direct { .. } => Some(study.direct_train()),
            JobKind::Multitask { .. } => study.multitask.as_ref().map(|m| &m.train),
        };
        let lambda = match job.kind {
            JobKind::Multitask { .. } => study.multitask.as_ref().map(|m| m.lambda),
            _ => None,
        };
        parts.push(("training settings", digest_json(&Training { spec, lambda })));
        parts.push(("transforms", digest_json(&(&study.x_transforms, &study.y_transforms))));
        if !matches!(job.kind, JobKind::Pretrain { .. }) {
            parts.push(("metric", digest_json(&study.grid.metric)));
        }
        if let (JobKind::Finetune { .. }, Some(p)) = (job.kind, pretraining) {
            parts.push(("pretraining", Sha256::digest(p.as_bytes()).into()));
        }
        Parts(parts)
    }

    /// Digest of the source rows of pretraining subset `replicate` at size n.
    fn source(&mut self, n: usize, replicate: usize) -> Hash {
        if let Some(d) = self.source_data.get(&(n, replicate)) {
            return *d;
        }
        let (study, role) = (self.study, &self.data.source);
        let rows = self.source_rows.get_or_insert_with(|| row_digests(role));
        let d = rows_digest(role, "source", &[&source_subset(study, role, n, replicate)], rows);
        self.source_data.insert((n, replicate), d);
        d
    }

    /// Digest of the m training rows (in their order) and the test rows of trial `trial`.
    fn target(&mut self, m: usize, trial: usize) -> Hash {
        if let Some(d) = self.target_data.get(&(m, trial)) {
            return *d;
        }
        let (study, role) = (self.study, &self.data.target);
        let split = self.splits.entry(trial).or_insert_with(|| target_split(study, role, trial));
        let rows = self.target_rows.get_or_insert_with(|| row_digests(role));
        let train = &split.train_part[..m.min(split.train_part.len())];
        let d = rows_digest(role, "target", &[train, &split.test], rows);
        self.target_data.insert((m, trial), d);
        d
    }
}

/// One digest per row of a role: its index, x values, label and group.
fn row_digests(role: &RoleData) -> Vec<Hash> {
    let bits = |v: f64| if v.is_nan() { f64::NAN.to_bits() } else { v.to_bits() };
    (0..role.rows())
        .map(|r| {
            let mut h = Sha256::new();
            h.update((r as u64).to_le_bytes());
            for &v in role.x.row(r) {
                h.update(bits(v).to_le_bytes());
            }
            h.update(bits(role.y[r]).to_le_bytes());
            if let Some(g) = &role.groups {
                h.update((g[r].len() as u64).to_le_bytes());
                h.update(g[r].as_bytes());
            }
            h.finalize().into()
        })
        .collect()
}

/// Digest of lists of rows of a role (each list's length, then its rows' digests in order),
/// with the role's column names and the pairwise layout that orders them.
fn rows_digest(role: &RoleData, what: &str, lists: &[&[usize]], rows: &[Hash]) -> Hash {
    let mut h = Sha256::new();
    h.update(what.as_bytes());
    h.update(digest_json(&role.columns));
    if let Some(l) = &role.layout {
        h.update(digest_json(&(&l.a, &l.b, &l.head)));
    }
    h.update([u8::from(role.groups.is_some())]);
    for list in lists {
        h.update((list.len() as u64).to_le_bytes());
        for &r in *list {
            h.update(rows[r]);
        }
    }
    h.finalize().into()
}

/// Set every job's identity (and a fine-tune's `starts_from`, its pretraining's identity).
/// Pretrainings are done first: a fine-tune's identity contains its pretraining's.
pub fn assign(study: &Study, data: &Prepared, jobs: &mut [Job]) {
    let mut ids = Identities::new(study, data);
    let mut pretrainings: HashMap<String, String> = HashMap::new();
    for job in jobs.iter_mut().filter(|j| matches!(j.kind, JobKind::Pretrain { .. })) {
        job.identity = ids.parts(job, None).identity();
        pretrainings.insert(job.id.clone(), job.identity.clone());
    }
    for job in jobs.iter_mut().filter(|j| !matches!(j.kind, JobKind::Pretrain { .. })) {
        job.starts_from = match job.kind {
            JobKind::Finetune { n, replicate, .. } => {
                pretrainings.get(&JobKind::Pretrain { n, replicate }.id()).cloned()
            }
            _ => None,
        };
        job.identity = ids.parts(job, job.starts_from.as_deref()).identity();
    }
}
