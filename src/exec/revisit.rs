//! Looking at a run directory again without training (`sim2real report DIR [--study FILE]`): the
//! study (the one the directory last ran, or an edited one) is planned on its data, and every job
//! of the plan is looked up in the store by its identity. When all of them are there, or the only
//! ones missing are jobs the last run did not finish, the results are aggregated from the store
//! (fits, expectations and breakdowns as the study now says); jobs that only an edit makes
//! necessary are listed with the part of their identity that changed, and nothing is trained.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ir::Job;
use crate::plan::identity::Identities;
use crate::results::{Results, TrialRow};

use super::error::{InputError, RunError};
use super::run::{Loaded, load, read_study, run_record};
use super::store::{DirLock, RunRecord, Store, Stored};

/// The first words of the warning a partial run's results carry (results.json and the reports).
pub const PARTIAL: &str = "partial run:";

/// Why a job of the plan is not in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The last run planned it but did not finish it (interrupted, or still running).
    Unfinished,
    /// No job of this id was in the last run's plan (a new grid point).
    New,
    /// The last run had a job of this id with another identity: these parts of it changed.
    Changed(Vec<&'static str>),
}

impl Missing {
    fn describe(&self) -> String {
        match self {
            Missing::Unfinished => "not finished by the last run".into(),
            Missing::New => "new in this study".into(),
            Missing::Changed(parts) if parts.is_empty() => "changed since the last run".into(),
            Missing::Changed(parts) => format!("changed since the last run ({})", parts.join(", ")),
        }
    }
}

/// A run directory seen through a study.
pub struct Revisited {
    pub dir: PathBuf,
    pub loaded: Loaded,
    /// The jobs of the plan the store lacks, in plan order, with why.
    pub missing: Vec<(Job, Missing)>,
    /// The results of the jobs the store holds (with a [`PARTIAL`] warning when some are missing)
    /// and their trial rows: what `report` renders.
    pub results: Results,
    pub trials: Vec<TrialRow>,
    /// Held until dropped: no run writes the directory while the reports are written.
    _lock: DirLock,
}

impl Revisited {
    /// Jobs that only training could add (edits, not an unfinished run).
    pub fn needs_training(&self) -> usize {
        self.missing.iter().filter(|(_, m)| *m != Missing::Unfinished).count()
    }

    /// The missing jobs grouped by kind and reason: "  K KIND jobs REASON: id, id, id, …" lines.
    pub fn describe_missing(&self) -> String {
        let mut groups: Vec<(&str, String, Vec<&Job>)> = Vec::new();
        for (job, why) in &self.missing {
            let (phase, reason) = (job.kind.phase(), why.describe());
            match groups.iter_mut().find(|(p, r, _)| *p == phase && *r == reason) {
                Some((_, _, jobs)) => jobs.push(job),
                None => groups.push((phase, reason, vec![job])),
            }
        }
        let mut out = String::new();
        for (phase, reason, jobs) in groups {
            let mut ids: Vec<String> = jobs.iter().take(3).map(|j| j.id.clone()).collect();
            if jobs.len() > 3 {
                ids.push(format!("… ({} more)", jobs.len() - 3));
            }
            let plural = if jobs.len() == 1 { "" } else { "s" };
            out.push_str(&format!("  {} {phase} job{plural}, {reason}: {}\n", jobs.len(), ids.join(", ")));
        }
        out
    }
}

/// Plan `study` (or, without it, the study the directory last ran) and find its jobs in the
/// directory's store. Without missing jobs that only training could add, aggregates what is there;
/// with a study file, it becomes the directory's study (a `run` record), as `run` would make it.
pub fn revisit(dir: &Path, study: Option<&Path>) -> Result<Revisited, RunError> {
    if !dir.is_dir() {
        return Err(InputError::NotARunDir { dir: dir.to_path_buf() }.into());
    }
    let lock = DirLock::acquire(dir)?;
    let stored = Stored::read(dir)
        .map_err(InputError::StoreUnreadable)?
        .ok_or_else(|| InputError::NoStore { dir: dir.to_path_buf() })?;
    let last = stored.last_run.clone();
    let (path, text, quick) = match (study, &last) {
        (Some(p), _) => (p.to_path_buf(), read_study(p)?, last.as_ref().is_some_and(|r| r.quick)),
        (None, Some(r)) => (PathBuf::from(&r.path), r.text.clone(), r.quick),
        (None, None) => {
            return Err(InputError::StudyUnknown { dir: dir.to_path_buf() }.into());
        }
    };
    let loaded = load(&path, &text, quick)?;
    let missing = classify(&loaded, &stored, last.as_ref());
    let (mut results, trials) = super::aggregate::from_store(&loaded, &stored);
    results.device = crate::Run::load_results(dir).ok().and_then(|r| r.device);
    if !missing.is_empty() {
        results.warnings.push(format!(
            "{PARTIAL} {} of the plan's {} jobs are not in the store; these results use the {} finished ones",
            missing.len(),
            loaded.plan.jobs.len(),
            loaded.plan.jobs.len() - missing.len()
        ));
    }
    let revisited = Revisited { dir: dir.to_path_buf(), loaded, missing, results, trials, _lock: lock };
    if study.is_some() && revisited.needs_training() == 0 {
        // The edited study is now the directory's: a later `report DIR` renders it.
        let mut store = Store::open(dir, &revisited.loaded.study.name, false)?;
        store.note_run(run_record(&revisited.loaded))?;
    }
    Ok(revisited)
}

/// The jobs of `loaded`'s plan that `stored` lacks, each with why: compared with the plan of the
/// last run's study (same identity: unfinished; same id: changed, and which parts; else new).
fn classify(loaded: &Loaded, stored: &Stored, last: Option<&RunRecord>) -> Vec<(Job, Missing)> {
    let lacking: Vec<&Job> = loaded.plan.jobs.iter().filter(|j| !stored.holds(j)).collect();
    if lacking.is_empty() {
        return Vec::new();
    }
    let same_study = last.is_some_and(|r| r.text == loaded.text && r.quick == loaded.plan.quick);
    if same_study {
        return lacking.into_iter().map(|j| (j.clone(), Missing::Unfinished)).collect();
    }
    // The last run's plan; when it cannot be made (its data moved), every lacking job counts as
    // changed.
    let before = last.and_then(|r| load(Path::new(&r.path), &r.text, r.quick).ok());
    let Some(before) = before else {
        return lacking.into_iter().map(|j| (j.clone(), Missing::Changed(Vec::new()))).collect();
    };
    let by_id: HashMap<&str, &Job> = before.plan.jobs.iter().map(|j| (j.id.as_str(), j)).collect();
    let planned: std::collections::HashSet<&str> = before.plan.jobs.iter().map(|j| j.identity.as_str()).collect();
    let mut now = Identities::new(&loaded.study, &loaded.data);
    let mut then = Identities::new(&before.study, &before.data);
    lacking
        .into_iter()
        .map(|j| {
            let why = if planned.contains(j.identity.as_str()) {
                Missing::Unfinished
            } else {
                match by_id.get(j.id.as_str()) {
                    None => Missing::New,
                    Some(old) => {
                        let parts = now
                            .parts(j, j.starts_from.as_deref())
                            .differing(&then.parts(old, old.starts_from.as_deref()));
                        Missing::Changed(parts)
                    }
                }
            };
            (j.clone(), why)
        })
        .collect()
}
