//! Building the plan: concrete grids, the job list in execution order, seeds, FLOP bounds.
//! Execution order: direct baselines first (they do not depend on n), then for each n its
//! pretraining followed by its fine-tunes, m ascending (with `multitask`: for each n its
//! multitask jobs, m ascending; no pretraining).

use crate::diag::{Problem, ProblemKind};
use crate::engine::{NetShape, PairShape};
use crate::ir::{Baseline, Law, Study, SubsetMode, TransformKind};

use super::grid::{m_values, n_values, thin};
use super::prepare::Prepared;
use super::seeds::derive;
use super::splits::{
    MIN_M, MIN_TRAIN_ROWS, MIN_VAL_ROWS, TrialSplit, describe_groups, group_sizes, target_split, test_count,
    validation_count, validation_split,
};
use crate::fit::power_law::MIN_DISTINCT_N;
use crate::ir::{Job, JobKind, Plan};

/// In `--quick` runs: at most this many trials, n values and m values.
pub const QUICK_TRIALS: usize = 3;
pub const QUICK_N: usize = 4;
pub const QUICK_M: usize = 2;

pub fn net_shape(study: &Study, features: usize) -> NetShape {
    NetShape { inputs: features, hidden: study.model.hidden.clone(), activation: study.model.activation }
}

/// The pairwise network of a study with an encoder (`None` for a plain model): `heads` is 2 for
/// multitask jobs, 1 otherwise. Widths come from the target's layout.
pub fn pair_shape(study: &Study, data: &Prepared, heads: usize) -> Option<PairShape> {
    let l = data.target.layout.as_ref()?;
    PairShape::of(&study.model, l.side(), l.head.len(), heads)
}

pub fn build(study: &Study, data: &Prepared, quick: bool) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let source_rows = data.source.rows();
    let target_rows = data.target.rows();
    let (mut ns, mut warnings) = n_values(&study.grid.n.value, source_rows);
    // Every trial's split of the target, drawn once here from its seed (the executor's members
    // draw the same ones through `target_split`). Group splits hold out whole groups, so the
    // training part varies by trial: m resolves against the smallest one, so that every trial of
    // a grid point trains on exactly m rows. All trials of the study count, also with `--quick`,
    // so a smoke run has the m values (and job ids) of the full run.
    let splits: Vec<TrialSplit> = (0..study.grid.trials).map(|t| target_split(study, &data.target, t)).collect();
    let tightest = (0..splits.len()).min_by_key(|&t| (splits[t].train_part.len(), t)).unwrap_or(0);
    let train_part = splits.get(tightest).map_or(0, |s| s.train_part.len());
    let train_part_max = splits.iter().map(|s| s.train_part.len()).max().unwrap_or(0);
    let mut ms = match m_values(&study.grid.m.value, train_part) {
        Ok(v) => v,
        Err(bad) => {
            problems.push(m_beyond_data(study, data, &splits[tightest], tightest, bad));
            vec![]
        }
    };
    if let Some(&m) = ms.first()
        && m < MIN_M
    {
        // Counts below MIN_M are rejected by `check`; a small fraction of a small target lands here.
        problems.push(
            Problem::new(
                ProblemKind::MResolvesTooFew { m },
                study.grid.m.span,
                format!("at least {MIN_M} rows needed"),
            )
            .with_help(format!(
                "a trial's m rows hold its early-stopping validation rows (≥ {MIN_VAL_ROWS}) and its training rows (≥ {MIN_TRAIN_ROWS}); \
                 the smallest training part of a trial has {train_part} rows, so use fractions of at least {:.2}",
                MIN_M as f64 / train_part.max(1) as f64
            )),
        );
    }
    if let Some(&n) = ns.first()
        && n < 2
    {
        problems.push(Problem::new(ProblemKind::NTooSmall { n }, study.grid.n.span, "at least 2 rows needed"));
    }
    if ns.is_empty() {
        problems.push(Problem::new(ProblemKind::EmptyNGrid, study.grid.n.span, "no n values"));
    }
    if let Some(f) = study.fits.iter().find(|f| f.law == Law::PowerLaw)
        && ns.len() < MIN_DISTINCT_N
        && !ns.is_empty()
    {
        problems.push(
            Problem::new(
                ProblemKind::TooFewNForPowerLaw { min: MIN_DISTINCT_N, ns: ns.clone() },
                f.span,
                "too few points for three parameters",
            )
            .with_help(format!(
                "give `n` at least {MIN_DISTINCT_N} distinct values (after capping at the source's {source_rows} rows), e.g. `n = logspace(20, all, 5)`"
            )),
        );
    }
    let surface = study.fits.iter().find(|f| f.law == Law::Surface);
    if let Some(f) = surface
        && (ns.len() < 3 || ms.len() < 3)
    {
        problems.push(
            Problem::new(
                ProblemKind::TooFewForSurface { n_values: ns.len(), m_values: ms.len() },
                f.span,
                "not enough grid points for Eq. 1",
            )
            .with_help("give `m` at least three values, e.g. `m = [0.25, 0.5, 1.0]`"),
        );
    }
    let groups = data.target.groups.as_deref();
    // The early-stopping validation split of each target arm, per trial and m: by whole groups,
    // it must leave a validation and a training set in every trial.
    if problems.is_empty() {
        for &m in &ms {
            for (arm, frac) in target_validations(study) {
                let bad: Vec<usize> = (0..splits.len())
                    .filter(|&t| {
                        let (val, train) = validation_split(&splits[t].train_part[..m], frac, groups);
                        val.len() < MIN_VAL_ROWS || train.len() < MIN_TRAIN_ROWS
                    })
                    .collect();
                if let Some(&t) = bad.first() {
                    problems.push(no_validation(study, m, t, bad.len(), arm, &splits[t].train_part[..m], groups));
                    break;
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut trials = study.grid.trials;
    if quick {
        let (all_n, all_m) = (ns.len(), ms.len());
        trials = trials.min(QUICK_TRIALS);
        ns = thin(&ns, QUICK_N);
        // Eq. 1 needs three values of m even in a smoke run.
        ms = thin(&ms, if surface.is_some() { QUICK_M.max(3) } else { QUICK_M });
        warnings.push(format!(
            "QUICK RUN: {trials} of {} trials, {} of {all_n} values of n and {} of {all_m} of m — a smoke test, not a measurement",
            study.grid.trials,
            ns.len(),
            ms.len()
        ));
    }
    if let Some(w) = surface.and_then(|f| f.at.as_ref()).and_then(|at| extrapolated(at.value, &ns, &ms)) {
        warnings.push(w);
    }
    if !study.source.overlap_allowed
        && let Some(w) = super::overlap::target_rows_in_source(&data.source, &data.target)
    {
        warnings.push(w);
    }
    let replicates = match study.grid.subset {
        SubsetMode::Once => 1,
        SubsetMode::PerTrial => trials,
    };
    warnings.extend(data.warnings());
    let shape = net_shape(study, data.source.columns.len());
    let pair = pair_shape(study, data, if study.multitask.is_some() { 2 } else { 1 });
    let macs =
        pair.as_ref().map_or(shape.macs_per_row(), super::super::engine::pair_net::PairShape::macs_per_row) as f64;
    let job = |kind: JobKind, train: usize, val: usize, epochs: usize, test: usize| {
        let id = kind.id();
        Job {
            seed: derive(study.seed, &id),
            id,
            kind,
            identity: String::new(),
            starts_from: None,
            train_rows: train,
            val_rows: val,
            test_rows: test,
            max_epochs: epochs,
            flops_max: 2.0 * macs * epochs as f64 * (3.0 * train as f64 + val as f64) + 2.0 * macs * test as f64,
        }
    };
    // A trial job at m: the trial's exact training and validation rows (as its member draws them).
    let target_job = |kind: JobKind, m: usize, trial: usize, epochs: usize, frac: f64| {
        let split = &splits[trial];
        let (val, train) = validation_split(&split.train_part[..m], frac, groups);
        job(kind, train.len(), val.len(), epochs, split.test.len())
    };
    let mut jobs = Vec::new();
    if study.baselines.contains(&Baseline::Direct) {
        let direct = study.direct_train();
        for &m in &ms {
            for t in 0..trials {
                jobs.push(target_job(JobKind::Direct { m, trial: t }, m, t, direct.max_epochs, direct.validation));
            }
        }
    }
    if let Some(mt) = &study.multitask {
        for &n in &ns {
            for &m in &ms {
                for t in 0..trials {
                    let replicate = if replicates == 1 { 0 } else { t };
                    let mut j = target_job(
                        JobKind::Multitask { n, m, trial: t, replicate },
                        m,
                        t,
                        mt.train.max_epochs,
                        mt.train.validation,
                    );
                    // Each epoch also passes over the n source rows (in steps of both tasks).
                    let per_epoch = n.max(j.train_rows) as f64 * 2.0;
                    j.flops_max = 2.0 * macs * mt.train.max_epochs as f64 * (3.0 * per_epoch + j.val_rows as f64)
                        + 2.0 * macs * j.test_rows as f64;
                    jobs.push(j);
                }
            }
        }
    }
    for &n in ns.iter().filter(|_| study.multitask.is_none()) {
        let val = validation_count(n, study.pretrain.validation);
        for r in 0..replicates {
            jobs.push(job(JobKind::Pretrain { n, replicate: r }, n - val, val, study.pretrain.max_epochs, 0));
        }
        for &m in &ms {
            for t in 0..trials {
                let replicate = if replicates == 1 { 0 } else { t };
                jobs.push(target_job(
                    JobKind::Finetune { n, m, trial: t, replicate },
                    m,
                    t,
                    study.finetune.max_epochs,
                    study.finetune.validation,
                ));
            }
        }
    }
    super::identity::assign(study, data, &mut jobs);
    let mut layers = vec![shape.inputs];
    layers.extend(&shape.hidden);
    layers.push(1);
    Ok(Plan {
        study: study.name.clone(),
        seed: study.seed,
        quick,
        source_rows,
        target_rows,
        features: pair.as_ref().map_or(shape.inputs, PairShape::inputs),
        test_rows: target_rows - train_part_max,
        train_part,
        n_values: ns,
        m_values: ms,
        trials,
        subset: study.grid.subset,
        replicates,
        layers,
        network: pair.as_ref().map(PairShape::describe),
        transform_x: step_names(&crate::transform::input_steps(&study.x_transforms)),
        transform_y: step_names(&study.y_transforms),
        default_clip: !study.x_transforms.iter().any(|k| matches!(k, TransformKind::Clip | TransformKind::NoClip)),
        training: study.training_settings(),
        model: study.model.clone(),
        lambda: study.multitask.as_ref().map(|m| m.lambda),
        flops_max: jobs.iter().map(|j| j.flops_max).sum(),
        jobs,
        warnings,
        test_rows_max: target_rows - train_part,
        train_part_max,
        train_parts: splits[..trials].iter().map(|s| s.train_part.len()).collect(),
    })
}

/// Transform steps by the names a study writes them with.
fn step_names(kinds: &[TransformKind]) -> Vec<String> {
    kinds
        .iter()
        .filter_map(|k| crate::syntax::names::TRANSFORMS.iter().find(|(_, v)| v == k).map(|(name, _)| name.to_string()))
        .collect()
}

/// The target arms of a study with the validation fraction of their early stopping.
fn target_validations(study: &Study) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    if study.baselines.contains(&Baseline::Direct) {
        out.push(("direct", study.direct_train().validation));
    }
    match &study.multitask {
        Some(mt) => out.push(("multitask", mt.train.validation)),
        None => out.push(("finetune", study.finetune.validation)),
    }
    out
}

/// The target's group columns in words, e.g. "`polymer, solvent`".
fn group_columns(study: &Study) -> String {
    format!("`{}`", study.target.group.iter().map(|g| g.value.as_str()).collect::<Vec<_>>().join(", "))
}

/// An m count beyond the training part of trial `trial` (the trial with the smallest one).
fn m_beyond_data(study: &Study, data: &Prepared, split: &TrialSplit, trial: usize, bad: usize) -> Problem {
    let (rows, part) = (data.target.rows(), split.train_part.len());
    let nominal = test_count(rows, study.grid.test);
    match data.target.groups.as_deref() {
        Some(g) if split.test.len() > nominal => {
            let held = group_sizes(&split.test, g);
            Problem::new(
                ProblemKind::MBeyondTrial { m: bad, part, trial },
                study.grid.m.span,
                "too large for the target",
            )
            .with_help(format!(
                "the target `{}` has {rows} rows; trial {trial} holds out whole groups of {}: {} rows where the test share asks for {nominal}, \
                 in {} group{}: {}. Use m ≤ {part}, or fractions (`m = [1.0]` is the smallest training part of any trial)",
                data.target.table,
                group_columns(study),
                split.test.len(),
                held.len(),
                if held.len() == 1 { "" } else { "s" },
                describe_groups(&held, 6)
            ))
        }
        _ => {
            Problem::new(ProblemKind::MBeyondTrainPart { m: bad, part }, study.grid.m.span, "too large for the target")
                .with_help(format!(
                    "the target `{}` has {rows} rows; {} are held out for testing",
                    data.target.table,
                    split.test.len()
                ))
        }
    }
}

/// Trial `trial` at m cannot be split into validation and training rows by whole groups.
/// (Only with groups: without them m ≥ MIN_M always splits.)
fn no_validation(
    study: &Study,
    m: usize,
    trial: usize,
    failing: usize,
    arm: &str,
    rows: &[usize],
    groups: Option<&[String]>,
) -> Problem {
    let sizes = groups.map(|g| group_sizes(rows, g)).unwrap_or_default();
    Problem::new(
        ProblemKind::NoValidationGroups {
            trial,
            more_trials: failing.saturating_sub(1),
            arm: arm.to_string(),
            m,
            groups: sizes.len(),
            group_columns: group_columns(study),
            min_train: MIN_TRAIN_ROWS,
        },
        study.grid.m.span,
        format!("m = {m} too small for these groups"),
    )
    .with_help(format!("the m = {m} rows of trial {trial}: {}. Use a larger m", describe_groups(&sizes, 6)))
}

/// The warning for an exchange-rate point (`fit surface at (...)`) outside the measured grid.
fn extrapolated(at: crate::ir::MrsPoint, ns: &[usize], ms: &[usize]) -> Option<String> {
    let outside = |v: usize, grid: &[usize]| match (grid.iter().min(), grid.iter().max()) {
        (Some(&lo), Some(&hi)) => (v < lo || v > hi).then(|| format!("[{lo}, {hi}]")),
        _ => None,
    };
    let mut parts = Vec::new();
    if let Some(range) = outside(at.n, ns) {
        parts.push(format!("n = {} lies outside the measured n range {range}", at.n));
    }
    if let Some(range) = outside(at.m, ms) {
        parts.push(format!("m = {} lies outside the measured m range {range}", at.m));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "the exchange rate is extrapolated: {}; the fitted law is evaluated beyond the data",
            parts.join(" and ")
        )
    })
}
