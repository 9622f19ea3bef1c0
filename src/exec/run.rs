//! The executor: loads and plans a study, then runs every job not already in the results store,
//! ensemble by ensemble, appending each finished job at once. Ends by aggregating the store
//! into results, fits and expectations, written as results.json and trials.csv; the caller
//! renders the reports from the returned `Results`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::data::DataContext;
use crate::diag::StudyErrors;
use crate::engine::batch::MemberRows;
use crate::engine::net::MemberWeights;
use crate::engine::{Engine, EnsembleNet, MemberData, NetShape, TrainConfig, TrainOutcome, train_ensemble};
use crate::ir::Study;
use crate::ir::plan::group_of;
use crate::ir::{Job, JobKind, Plan};
use crate::plan::build::pair_shape;
use crate::plan::{Prepared, build, net_shape, prepare};
use crate::results::{Results, TrialRow};

use super::error::{Failure, InputError, NotStartable, RunError};
use super::health::{pretrain_diverged, retry_diverged, unusable};
use super::job::{failed_record, pretrained, store_pretrains, train_spec, trial_record};
use super::members::{Member, member_for};
use super::progress::Progress;
use super::store::{DirLock, Record, RunRecord, Store, Stored};

/// Options of `sim2real run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output directory; default `runs/<study name>/`.
    pub out: Option<PathBuf>,
    pub threads: usize,
    pub quick: bool,
    pub fresh: bool,
    /// Set from outside (Ctrl-C, kernel interrupt) to stop after the current step.
    pub interrupt: Arc<AtomicBool>,
    /// Print progress (bar on a terminal, plain lines otherwise).
    pub progress: bool,
    /// `--device`: where plain-MLP members train (`None`: `$SIM2REAL_DEVICE`, else the best
    /// device of this build; see [`Engine::select`]).
    pub device: Option<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            out: None,
            threads: 2,
            quick: false,
            fresh: false,
            interrupt: Arc::new(AtomicBool::new(false)),
            progress: true,
            device: None,
        }
    }
}

/// A study read, checked, with its data prepared and its plan built.
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub study: Study,
    pub data: Prepared,
    pub plan: Plan,
}

/// Read the study file as UTF-8 (invalid bytes are a study error, not a panic).
pub fn read_study(path: &Path) -> Result<String, RunError> {
    let bytes =
        std::fs::read(path).map_err(|source| InputError::StudyUnreadable { path: path.to_path_buf(), source })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        RunError::Study(Box::new(StudyErrors::new(
            &path.display().to_string(),
            &text,
            vec![crate::diag::Problem::new(
                crate::diag::ProblemKind::Encoding,
                crate::ir::Span::new(at, at + 1),
                "invalid byte here",
            )],
        )))
    })
}

/// Parse, check, load the data and plan.
pub fn load(path: &Path, text: &str, quick: bool) -> Result<Loaded, RunError> {
    let name = path.display().to_string();
    let study_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let ctx = DataContext::from_env(&study_dir);
    // A study with errors still has its data checked where that does not depend on them (the
    // tables and the roles that checked), so one round reports both kinds.
    let study = crate::check::compile_parts(&name, text).map_err(|(mut problems, parts)| {
        problems.extend(crate::plan::data_problems(&parts, &ctx));
        problems.sort_by_key(|p| p.span.start);
        RunError::Study(Box::new(StudyErrors::new(&name, text, problems)))
    })?;
    let data = prepare(&study, &ctx).map_err(|p| RunError::Study(Box::new(StudyErrors::new(&name, text, p))))?;
    let plan = build(&study, &data, quick).map_err(|p| RunError::Study(Box::new(StudyErrors::new(&name, text, p))))?;
    Ok(Loaded { path: path.to_path_buf(), text: text.to_string(), study, data, plan })
}

/// What a finished run produced.
pub struct RunOutcome {
    pub dir: PathBuf,
    pub results: Results,
    pub trials: Vec<TrialRow>,
    /// Jobs trained in this invocation (the rest came from the store).
    pub trained: usize,
    pub wall_s: f64,
    /// The run directory's lock, held until the outcome is dropped, so that the caller writes
    /// the reports (`report::write_reports`) before another run may open the directory.
    _lock: DirLock,
}

pub fn default_out(study: &Study) -> PathBuf {
    let safe: String =
        study.name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    PathBuf::from("runs").join(safe)
}

/// Run a loaded study into its output directory.
pub fn run(loaded: &Loaded, opts: &RunOptions) -> Result<RunOutcome, RunError> {
    let start = Instant::now();
    let engine = Engine::select(opts.device.as_deref())?;
    let dir = opts.out.clone().unwrap_or_else(|| default_out(&loaded.study));
    let lock = DirLock::acquire(&dir)?;
    let plan = &loaded.plan;
    let mut store = Store::open(&dir, &loaded.study.name, opts.fresh)?;
    let all: Vec<&Job> = plan.jobs.iter().collect();
    let trained = train_jobs(loaded, &all, &mut store, &engine, opts)?;
    let (results, trials) = conclude(loaded, &store, engine.name(), &dir)?;
    Ok(RunOutcome { dir, results, trials, trained, wall_s: start.elapsed().as_secs_f64(), _lock: lock })
}

/// Train every job of `jobs` (plan order) not yet in the store, ensemble by ensemble, appending
/// each finished job at once; returns how many were trained. `run` passes the whole plan, a
/// sharded run (`exec::shards`) its share. Notes the run in the store first (`run_record`).
pub fn train_jobs(
    loaded: &Loaded,
    jobs: &[&Job],
    store: &mut Store,
    engine: &Engine,
    opts: &RunOptions,
) -> Result<usize, RunError> {
    let plan = &loaded.plan;
    store.note_run(run_record(loaded))?;
    let mut progress = Progress::new(jobs.len(), opts.progress, plan.quick);
    progress.already_done(jobs.iter().filter(|j| store.holds(j)).count());
    if store.discarded > 0 {
        progress.note(&format!("discarded {} corrupt or torn record(s) at the end of the store (from the first bad line on); those jobs run again", store.discarded));
    }
    let shape = net_shape(&loaded.study, plan.features);
    let interrupt = opts.interrupt.clone();
    let interrupted = move || interrupt.load(Ordering::Relaxed);
    let mut trained = 0;

    // Jobs in plan order, grouped into ensembles (consecutive jobs of one group).
    let mut groups: Vec<(String, Vec<&Job>)> = Vec::new();
    for &job in jobs {
        let g = group_of(&job.kind);
        match groups.last_mut() {
            Some((name, jobs)) if *name == g => jobs.push(job),
            _ => groups.push((g, vec![job])),
        }
    }
    for (name, jobs) in &groups {
        let pending: Vec<&Job> = jobs.iter().copied().filter(|j| !store.holds(j)).collect();
        if pending.is_empty() {
            continue;
        }
        if interrupted() {
            return Err(RunError::Interrupted);
        }
        let t0 = Instant::now();
        let maes = run_group(loaded, &shape, &pending, store, engine, &interrupted)?;
        trained += pending.len();
        progress.group_done(name, pending.len(), &maes, t0.elapsed().as_secs_f64());
    }
    progress.finish();
    Ok(trained)
}

/// Aggregate the finished jobs of `stored` (one store's, or several segments merged by
/// `exec::shards`) into results and write results.json and trials.csv into `dir`; `device` is
/// the engine that trained them.
pub fn conclude(
    loaded: &Loaded,
    stored: &Stored,
    device: &str,
    dir: &Path,
) -> Result<(Results, Vec<TrialRow>), RunError> {
    let (mut results, trials) = super::aggregate::from_store(loaded, stored);
    results.device = Some(device.to_string());
    crate::results::outputs::write_data(dir, &results, &trials)
        .map_err(|source| Failure::WriteResults { dir: dir.to_path_buf(), source })?;
    Ok((results, trials))
}

/// The store's `run` record of a loaded study: its file (absolute where it resolves, so that a
/// later `sim2real report DIR` finds its relative data paths from anywhere), text and `--quick`.
pub fn run_record(loaded: &Loaded) -> RunRecord {
    let path = std::fs::canonicalize(&loaded.path).unwrap_or_else(|_| loaded.path.clone());
    RunRecord { path: path.display().to_string(), text: loaded.text.clone(), quick: loaded.plan.quick }
}

/// Memory budget of one ensemble (data and parameter copies of its members); larger groups are
/// trained as several ensembles.
const ENSEMBLE_BYTES: usize = 512 << 20;

/// At most this many members train as one ensemble, so a killed run loses at most this many
/// finished-but-unstored jobs and a 500-trial grid point does not hold 500 models at once. With
/// members spread over a few threads, a larger ensemble would gain nothing but a shorter tail.
const ENSEMBLE_MEMBERS: usize = 64;

/// On a GPU the lock-step trainer wants wide ensembles (one tensor program for all members fills
/// the card): a larger memory budget (device memory: rows, weights, snapshots, moments) and up
/// to all 500 trials of a paper-scale grid point at once.
const GPU_ENSEMBLE_BYTES: usize = 8 << 30;
const GPU_ENSEMBLE_MEMBERS: usize = 512;

/// Train the pending jobs of one group (same kind, n and m) and store them. Returns test MAEs.
fn run_group(
    loaded: &Loaded,
    shape: &NetShape,
    pending: &[&Job],
    store: &mut Store,
    engine: &Engine,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<f64>, RunError> {
    // A job that cannot start (a row its transforms cannot map, an unusable pretraining) is
    // stored as failed at once; the run goes on with the others.
    let mut ready: Vec<&Job> = Vec::new();
    let mut members: Vec<Member> = Vec::new();
    let mut failed = Vec::new();
    for &job in pending {
        match startable(job, loaded, store) {
            Ok(m) => {
                ready.push(job);
                members.push(m);
            }
            Err(why) => failed.push(failed_record(job, why.to_string())),
        }
    }
    let mut maes: Vec<f64> = failed.iter().filter(|r| matches!(r, Record::Trial(_))).map(|_| f64::NAN).collect();
    store.append_all(&failed)?;
    let pending = &ready[..];
    if pending.is_empty() {
        return Ok(maes);
    }
    let pair = loaded.plan.model.pair.is_some();
    if pair && matches!(engine, Engine::Host) {
        // On the CPU the pairwise members train one by one over the threads: one group.
        let mems: Vec<&Member> = members.iter().collect();
        maes.extend(super::pair_run::run_pair_group(loaded, pending, &mems, store, engine, interrupted)?);
        return Ok(maes);
    }
    // Members of equal sizes share an ensemble; large members are chunked.
    // (training, validation, test, source rows) → members.
    let mut by_size: BTreeMap<[usize; 4], Vec<usize>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        let (train, val, test) = m.size_key();
        by_size.entry([train, val, test, m.source.as_ref().map_or(0, MemberRows::rows)]).or_default().push(i);
    }
    // Parameters and input columns of a member's network (a pairwise one counted with two
    // heads: an upper bound).
    let (params, inputs) = match pair_shape(&loaded.study, &loaded.data, 2) {
        Some(p) if pair => (p.layers().iter().map(|(i, o)| (i + 1) * o).sum::<usize>(), p.inputs()),
        _ => (shape.params(), shape.inputs),
    };
    for ([train, val, test, source], idx) in by_size {
        // Rows (kept twice: host and device; a pairwise model's encoder input once more) plus
        // the parameter copies alive while training: the starting weights, the ensemble tensors,
        // the training copy with its best weights and two Adam moments.
        let per_member =
            (train + val + source + if pair { test } else { 0 }) * (inputs + 1) * 4 * (2 + usize::from(pair))
                + params * 4 * 6;
        let (budget, most) = if engine.is_gpu() {
            (GPU_ENSEMBLE_BYTES, GPU_ENSEMBLE_MEMBERS)
        } else {
            (ENSEMBLE_BYTES, ENSEMBLE_MEMBERS)
        };
        let chunk = (budget / per_member.max(1)).clamp(1, most);
        for part in idx.chunks(chunk) {
            let jobs: Vec<&Job> = part.iter().map(|&i| pending[i]).collect();
            let mems: Vec<&Member> = part.iter().map(|&i| &members[i]).collect();
            maes.extend(if pair {
                super::pair_run::run_pair_group(loaded, &jobs, &mems, store, engine, interrupted)?
            } else {
                train_chunk(loaded, shape, &jobs, &mems, store, engine, interrupted)?
            });
        }
    }
    Ok(maes)
}

fn train_chunk(
    loaded: &Loaded,
    shape: &NetShape,
    jobs: &[&Job],
    members: &[&Member],
    store: &mut Store,
    engine: &Engine,
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<f64>, RunError> {
    let device = &engine.device();
    let seeds: Vec<u64> = jobs.iter().map(|j| j.seed).collect();
    let train: Vec<_> = members.iter().map(|m| m.train.clone()).collect();
    let val: Vec<_> = members.iter().map(|m| m.val.clone()).collect();
    let data = MemberData::new(&train, &val, shape.inputs, device)?;
    if let JobKind::Multitask { .. } = jobs[0].kind {
        return Err(Failure::MultitaskWithoutEncoder.into());
    }
    let spec = train_spec(&loaded.plan, jobs[0])?;
    let init = matches!(jobs[0].kind, JobKind::Finetune { .. }).then_some(());
    let fresh = |seeds: &[u64]| seeds.iter().map(|&s| MemberWeights::init(shape, s)).collect::<Vec<_>>();
    let initial: Vec<MemberWeights> = if init.is_some() {
        jobs.iter().map(|j| pretrained(store, &shape.layers(), j)).collect::<Result<_, _>>()?
    } else {
        fresh(&seeds)
    };
    let mut net = EnsembleNet::from_weights(shape, initial);
    let cfg = TrainConfig::from_spec(spec, if init.is_some() { spec.freeze } else { 0 }, loaded.plan.model.dropout);
    let outcomes =
        train_ensemble(&mut net, &data, &cfg, &seeds, engine, interrupted).map_err(|_| RunError::Interrupted)?;

    if let JobKind::Pretrain { .. } = jobs[0].kind {
        // A diverged pretraining is retrained from scratch with derived seeds (members train
        // independently, so a smaller ensemble gives each the numbers it would have alone).
        let first: Vec<(TrainOutcome, MemberWeights)> =
            outcomes.into_iter().zip(net.weights().iter().cloned()).collect();
        let bad = |i: usize, (o, w): &(TrainOutcome, MemberWeights)| {
            pretrain_diverged(o, w, [&members[i].train.y, &members[i].val.y])
        };
        let (mut done, retried) = retry_diverged(&seeds, first, bad, |idx, new_seeds| {
            let train: Vec<_> = idx.iter().map(|&i| members[i].train.clone()).collect();
            let val: Vec<_> = idx.iter().map(|&i| members[i].val.clone()).collect();
            let data = MemberData::new(&train, &val, shape.inputs, device).map_err(RunError::from)?;
            let mut net = EnsembleNet::from_weights(shape, fresh(new_seeds));
            let outs = train_ensemble(&mut net, &data, &cfg, new_seeds, engine, interrupted)
                .map_err(|_| RunError::Interrupted)?;
            Ok::<_, RunError>(outs.into_iter().zip(net.weights().iter().cloned()).collect())
        })?;
        for (i, d) in done.iter_mut().enumerate() {
            d.0.diverged = bad(i, d);
        }
        let constant: Vec<Vec<String>> = members.iter().map(|m| m.constant_x.clone()).collect();
        store_pretrains(store, jobs, &done, &retried, &constant)?;
        return Ok(Vec::new());
    }

    let test_rows = members[0].test_y.len();
    let test_x: Vec<Vec<f32>> = members.iter().map(|m| m.test_x.clone()).collect();
    let preds = net.predict_on(engine, &test_x, test_rows);
    let mut records = Vec::new();
    let mut maes = Vec::new();
    for (((job, out), m), pred) in jobs.iter().zip(&outcomes).zip(members).zip(&preds) {
        let (mae, record) = trial_record(job, out, m, pred);
        maes.push(mae);
        records.extend(record);
    }
    store.append_all(&records)?;
    Ok(maes)
}

/// The member of a job that can start, or why it cannot: a fine-tune whose pretraining is
/// unusable (diverged in every attempt, failed), or rows its transforms cannot map.
fn startable(job: &Job, loaded: &Loaded, store: &Store) -> Result<Member, NotStartable> {
    if let Some(why) = job.starts_from.as_ref().and_then(|p| store.pretrains.get(p)).and_then(unusable) {
        return Err(NotStartable::Pretraining(why));
    }
    Ok(member_for(&job.kind, &loaded.plan, &loaded.study, &loaded.data)?)
}
