//! Building the plan: concrete grids, the job list in execution order, seeds, FLOP bounds.
//! Execution order: direct baselines first (they do not depend on n), then for each n its
//! pretraining followed by its fine-tunes, m ascending (with `multitask`: for each n its
//! multitask jobs, m ascending; no pretraining).

use crate::check::model::{Baseline, Study, SubsetMode};
use crate::diag::Problem;
use crate::engine::{NetShape, PairShape};

use super::grid::{m_values, n_values, thin};
use super::ir::{Job, JobKind, Plan};
use super::prepare::Prepared;
use super::seeds::derive;
use super::splits::test_count;

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
    let test_rows = test_count(target_rows, study.grid.test);
    let train_part = target_rows - test_rows;
    let mut ms = match m_values(&study.grid.m.value, train_part) {
        Ok(v) => v,
        Err(msg) => {
            problems.push(
                Problem::new("grid_beyond_data", msg, study.grid.m.span, "too large for the target")
                    .with_help(format!("the target `{}` has {target_rows} rows; {test_rows} are held out for testing", data.target.table)),
            );
            vec![]
        }
    };
    if let Some(&m) = ms.first() {
        if m < 2 {
            problems.push(Problem::new(
                "grid_too_small",
                format!("m = {m} leaves no row for early-stopping validation"),
                study.grid.m.span,
                "at least 2 rows needed",
            ));
        }
    }
    if let Some(&n) = ns.first() {
        if n < 2 {
            problems.push(Problem::new("grid_too_small", format!("n = {n} is too small to train on"), study.grid.n.span, "at least 2 rows needed"));
        }
    }
    if ns.is_empty() {
        problems.push(Problem::new("grid_beyond_data", "the n grid is empty for this source", study.grid.n.span, "no n values"));
    }
    let surface = study.fits.iter().find(|f| f.law == crate::check::model::Law::Surface);
    if let Some(f) = surface {
        if ns.len() < 3 || ms.len() < 3 {
            problems.push(
                Problem::new(
                    "grid_too_small",
                    format!("`fit surface` needs at least 3 values of n and 3 of m; this grid has {} and {}", ns.len(), ms.len()),
                    f.span,
                    "not enough grid points for Eq. 1",
                )
                .with_help("give `m` at least three values, e.g. `m = [0.25, 0.5, 1.0]`"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut trials = study.grid.trials;
    if quick {
        trials = trials.min(QUICK_TRIALS);
        ns = thin(&ns, QUICK_N);
        // Eq. 1 needs three values of m even in a smoke run.
        ms = thin(&ms, if surface.is_some() { QUICK_M.max(3) } else { QUICK_M });
        warnings.push(format!(
            "QUICK RUN: at most {QUICK_TRIALS} trials, {QUICK_N} values of n and {QUICK_M} of m — a smoke test, not a measurement"
        ));
    }
    if let Some(w) = surface.and_then(|f| f.at.as_ref()).and_then(|at| extrapolated(at.value, &ns, &ms)) {
        warnings.push(w);
    }
    let replicates = match study.grid.subset {
        SubsetMode::Once => 1,
        SubsetMode::PerTrial => trials,
    };
    warnings.extend(data.warnings());
    let shape = net_shape(study, data.source.columns.len());
    let pair = pair_shape(study, data, if study.multitask.is_some() { 2 } else { 1 });
    let macs = pair.as_ref().map_or(shape.macs_per_row(), |p| p.macs_per_row()) as f64;
    let val_of = |rows: usize, frac: f64| ((rows as f64 * frac).round() as usize).clamp(1, rows.saturating_sub(1).max(1));
    let job = |kind: JobKind, rows: usize, epochs: usize, frac: f64, test: usize| {
        let val = val_of(rows, frac);
        let train = rows - val;
        let id = kind.id();
        Job {
            seed: derive(study.seed, &id),
            id,
            kind,
            train_rows: train,
            val_rows: val,
            test_rows: test,
            max_epochs: epochs,
            flops_max: 2.0 * macs * epochs as f64 * (3.0 * train as f64 + val as f64) + 2.0 * macs * test as f64,
        }
    };
    let mut jobs = Vec::new();
    if study.baselines.contains(&Baseline::Direct) {
        let direct = study.direct_train();
        for &m in &ms {
            for t in 0..trials {
                jobs.push(job(JobKind::Direct { m, trial: t }, m, direct.max_epochs, direct.validation, test_rows));
            }
        }
    }
    if let Some(mt) = &study.multitask {
        for &n in &ns {
            for &m in &ms {
                for t in 0..trials {
                    let replicate = if replicates == 1 { 0 } else { t };
                    let mut j = job(JobKind::Multitask { n, m, trial: t, replicate }, m, mt.train.max_epochs, mt.train.validation, test_rows);
                    // Each epoch also passes over the n source rows (in steps of both tasks).
                    let per_epoch = n.max(j.train_rows) as f64 * 2.0;
                    j.flops_max = 2.0 * macs * mt.train.max_epochs as f64 * (3.0 * per_epoch + j.val_rows as f64) + 2.0 * macs * test_rows as f64;
                    jobs.push(j);
                }
            }
        }
    }
    for &n in ns.iter().filter(|_| study.multitask.is_none()) {
        for r in 0..replicates {
            jobs.push(job(JobKind::Pretrain { n, replicate: r }, n, study.pretrain.max_epochs, study.pretrain.validation, 0));
        }
        for &m in &ms {
            for t in 0..trials {
                let replicate = if replicates == 1 { 0 } else { t };
                jobs.push(job(
                    JobKind::Finetune { n, m, trial: t, replicate },
                    m,
                    study.finetune.max_epochs,
                    study.finetune.validation,
                    test_rows,
                ));
            }
        }
    }
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
        test_rows,
        train_part,
        n_values: ns,
        m_values: ms,
        trials,
        subset: study.grid.subset,
        replicates,
        layers,
        network: pair.as_ref().map(PairShape::describe),
        training: study.training_settings(),
        flops_max: jobs.iter().map(|j| j.flops_max).sum(),
        jobs,
        warnings,
    })
}

/// The warning for an exchange-rate point (`fit surface at (...)`) outside the measured grid.
fn extrapolated(at: crate::check::model::MrsPoint, ns: &[usize], ms: &[usize]) -> Option<String> {
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
        format!("the exchange rate is extrapolated: {}; the fitted law is evaluated beyond the data", parts.join(" and "))
    })
}
