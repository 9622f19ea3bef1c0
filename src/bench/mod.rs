//! `sim2real bench`: the engine on the fixed synthetic workload of the PyTorch reference peer
//! (`shared/peers/torch_reference.py`), so the two can be compared as ratios.
//!
//! Workload: MLP `dim-512-256-128-64-32-1` (ReLU), Adam lr 1e-3, batch 32, early stopping with
//! patience on a 20 % validation split. Pretrain once on `n` source rows, then fine-tune `trials`
//! copies of the pretrained net — all trials as ONE ensemble — on 80 % of `m` target rows (each
//! trial its own random test fifth) and report the mean test MAE.
//!
//! FLOPs are counted as the reference counts them: `2 · MACs/row · rows_seen`, where every epoch
//! adds 3× its training rows (forward + backward) and 1× its validation rows. The achieved rate is
//! divided by the wall time of pretraining + fine-tuning and compared with large square matmuls
//! measured in the same process on the same backend and thread pool, before and after training
//! (`peak_gflops`, the best over sizes and both times; see `peak.rs`).
//!
//! Files: `workload.rs` (data and splits), `peak.rs` (matmul peak), `reference.rs` (running the
//! PyTorch peer and the ratios), `report.rs` (text and JSON output).

pub mod featurize;
pub mod peak;
pub mod reference;
pub mod report;
pub mod workload;

use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::engine::batch::MemberRows;
use crate::engine::{Engine, EnsembleNet, MemberData, NetShape, TrainConfig, TrainOutcome, train_ensemble};
use crate::ir::Activation;
use workload::Rows;

/// Hidden widths of the reference MLP.
pub const HIDDEN: [usize; 5] = [512, 256, 128, 64, 32];

/// Flags of `sim2real bench` (the reference's flags, same defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// Source rows for pretraining.
    pub n: usize,
    /// Target rows (20 % test, the rest fine-tunes).
    pub m: usize,
    pub trials: usize,
    /// Maximum epochs (early stopping may end sooner).
    pub epochs: usize,
    pub patience: usize,
    pub threads: usize,
    /// Descriptor width.
    pub dim: usize,
    /// Side of the largest square matmul measuring the peak (half and quarter sizes are tried too).
    pub peak_size: usize,
    /// `--device` (`None`: `$SIM2REAL_DEVICE`, else the best of this build).
    pub device: Option<String>,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            n: 2000,
            m: 300,
            trials: 20,
            epochs: 30,
            patience: 5,
            threads: 2,
            dim: 190,
            peak_size: 2048,
            device: None,
        }
    }
}

impl BenchConfig {
    /// Reject workloads the protocol cannot run (every split needs rows).
    pub fn validate(&self) -> Result<(), String> {
        if self.dim == 0 {
            return Err("--dim must be at least 1".into());
        }
        if self.n < 2 {
            return Err("--n must be at least 2 (training and validation rows)".into());
        }
        if self.m < 5 {
            return Err("--m must be at least 5 (a test fifth, training and validation rows)".into());
        }
        if self.trials == 0 || self.epochs == 0 || self.threads == 0 {
            return Err("--trials, --epochs and --threads must be at least 1".into());
        }
        Ok(())
    }

    /// The network of the workload.
    pub fn shape(&self) -> NetShape {
        NetShape { inputs: self.dim, hidden: HIDDEN.to_vec(), activation: Activation::Relu }
    }

    fn train_config(&self) -> TrainConfig {
        TrainConfig {
            lr: 1e-3,
            weight_decay: 0.0,
            batch: 32,
            max_epochs: self.epochs,
            patience: self.patience,
            frozen: 0,
            dropout: 0.0,
        }
    }
}

/// What one bench run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    pub engine: String,
    /// `--device` the members trained on (`cpu`, `cpu-lockstep`, `cuda`, `wgpu`).
    pub device: String,
    /// Where the rows came from: `synthetic` (the engine's generator) or `reference` (the
    /// reference's own numpy generator, with `--torch`).
    pub data: String,
    pub threads: usize,
    pub n: usize,
    pub m: usize,
    pub trials: usize,
    pub epochs: usize,
    pub dim: usize,
    pub pretrain_s: f64,
    pub finetune_s: f64,
    /// Pretraining + fine-tuning.
    pub wall_s: f64,
    /// Trials per second of fine-tuning.
    pub trials_per_s: f64,
    /// Achieved GFLOP/s over `wall_s`, counted as the reference counts.
    pub gflops: f64,
    /// Best square fp32 matmul GFLOP/s on the same backend and threads.
    pub peak_gflops: f64,
    /// `gflops / peak_gflops`.
    pub efficiency: f64,
    /// Mean test MAE over the trials.
    pub mean_mae: f64,
    pub pretrain_epochs: usize,
    /// Mean epochs of a fine-tune.
    pub finetune_epochs: f64,
    /// Total FLOPs counted.
    pub flops: f64,
    /// Achieved GFLOP/s of pretraining alone (one member).
    pub pretrain_gflops: f64,
    /// Achieved GFLOP/s of fine-tuning alone (the ensemble of trials).
    pub finetune_gflops: f64,
}

/// What trains the bench's members: the host engine with its AVX-512 kernel or with gemm, or
/// the lock-step trainer on a burn device.
pub fn backend_name(engine: &Engine) -> String {
    match engine {
        // The host engine's products go through the AVX-512 kernel where the CPU has it, else
        // through gemm.
        Engine::Host if crate::engine::microkernel::available() => "sim2real/cpu-avx512".into(),
        Engine::Host => "sim2real/cpu-gemm".into(),
        Engine::Lockstep { name, .. } => format!("sim2real/lockstep-{name}"),
    }
}

/// FLOPs of one training run as the reference counts them.
fn counted_flops(macs: usize, val_rows: usize, outcome: &TrainOutcome) -> f64 {
    let rows = 3 * outcome.rows_seen + val_rows * outcome.epochs;
    2.0 * macs as f64 * rows as f64
}

/// Run the workload on the engine with its own synthetic data. The thread pool must already be
/// set (`engine::init_threads`).
pub fn run(cfg: &BenchConfig) -> Result<BenchReport, String> {
    let (source, target) = workload::generate(cfg.n, cfg.m, cfg.dim, 0);
    run_on(cfg, &source, &target, "synthetic")
}

/// Run the workload on the engine with the given source (`cfg.n` rows) and target (`cfg.m`
/// rows); `origin` names where they came from in the report.
pub fn run_on(cfg: &BenchConfig, source: &Rows, target: &Rows, origin: &str) -> Result<BenchReport, String> {
    cfg.validate()?;
    if source.len() != cfg.n || target.len() != cfg.m || source.dim != cfg.dim || target.dim != cfg.dim {
        return Err(format!(
            "the data has {} source and {} target rows of width {}, the workload {} and {} of width {}",
            source.len(),
            target.len(),
            source.dim,
            cfg.n,
            cfg.m,
            cfg.dim
        ));
    }
    let engine = Engine::select(cfg.device.as_deref()).map_err(|e| e.to_string())?;
    let device = engine.device();
    let shape = cfg.shape();
    let macs = shape.macs_per_row();
    let tcfg = cfg.train_config();
    let mut g = ChaCha8Rng::seed_from_u64(0);
    let never = || false;
    // The peak is measured before and after training (best of all): on a shared machine the
    // load changes while the bench runs.
    let peak = || {
        if engine.is_gpu() {
            peak::device_peak_gflops(&device)
        } else {
            peak::matmul_peak_gflops(cfg.peak_size, 3, &device)
        }
    };
    let peak_before = peak();

    // Pretraining: one member.
    let t0 = Instant::now();
    let all: Vec<usize> = (0..source.len()).collect();
    let (tr, va) = workload::validation_split(&all, &mut g);
    let data =
        MemberData::new(&[source.pick(&tr)], &[source.pick(&va)], cfg.dim, &device).map_err(|e| e.to_string())?;
    let mut base = EnsembleNet::init(&shape, &[0], &device);
    let pre = train_ensemble(&mut base, &data, &tcfg, &[0], &engine, &never).map_err(|_| "interrupted".to_string())?;
    let base_weights = base.weights().first().cloned().ok_or("pretraining returned no member")?;
    let pretrain_s = t0.elapsed().as_secs_f64();
    let pre_flops = counted_flops(macs, va.len(), &pre[0]);

    // Fine-tuning: every trial its own split and batch order, all in one ensemble.
    let t1 = Instant::now();
    let ntest = cfg.m / 5;
    let mut train = Vec::with_capacity(cfg.trials);
    let mut val = Vec::with_capacity(cfg.trials);
    let mut test_x = Vec::with_capacity(cfg.trials);
    let mut test_y: Vec<Vec<f32>> = Vec::with_capacity(cfg.trials);
    for _ in 0..cfg.trials {
        let perm = workload::permutation(cfg.m, &mut g);
        let (tr, va) = workload::validation_split(&perm[ntest..], &mut g);
        train.push(target.pick(&tr));
        val.push(target.pick(&va));
        let MemberRows { x, y } = target.pick(&perm[..ntest]);
        test_x.push(x);
        test_y.push(y);
    }
    let val_rows = val[0].rows();
    let data = MemberData::new(&train, &val, cfg.dim, &device).map_err(|e| e.to_string())?;
    let mut net = EnsembleNet::from_weights(&shape, vec![base_weights; cfg.trials]);
    let seeds: Vec<u64> = (1..=cfg.trials as u64).collect();
    let outs =
        train_ensemble(&mut net, &data, &tcfg, &seeds, &engine, &never).map_err(|_| "interrupted".to_string())?;
    let preds = net.predict_on(&engine, &test_x, ntest);
    let finetune_s = t1.elapsed().as_secs_f64();
    let ft_flops = outs.iter().map(|o| counted_flops(macs, val_rows, o)).sum::<f64>();
    let flops = pre_flops + ft_flops;

    let maes: Vec<f64> = preds
        .iter()
        .zip(&test_y)
        .map(|(p, y)| p.iter().zip(y).map(|(a, b)| (a - b).abs() as f64).sum::<f64>() / y.len().max(1) as f64)
        .collect();
    let wall_s = pretrain_s + finetune_s;
    let gflops = flops / wall_s / 1e9;
    let peak_gflops = peak_before.max(peak());
    Ok(BenchReport {
        engine: backend_name(&engine),
        device: engine.name().into(),
        data: origin.into(),
        threads: cfg.threads,
        n: cfg.n,
        m: cfg.m,
        trials: cfg.trials,
        epochs: cfg.epochs,
        dim: cfg.dim,
        pretrain_s,
        finetune_s,
        wall_s,
        trials_per_s: cfg.trials as f64 / finetune_s,
        gflops,
        peak_gflops,
        efficiency: if peak_gflops > 0.0 { gflops / peak_gflops } else { f64::NAN },
        mean_mae: maes.iter().sum::<f64>() / maes.len().max(1) as f64,
        pretrain_epochs: pre[0].epochs,
        finetune_epochs: outs.iter().map(|o| o.epochs as f64).sum::<f64>() / outs.len().max(1) as f64,
        flops,
        pretrain_gflops: pre_flops / pretrain_s / 1e9,
        finetune_gflops: ft_flops / finetune_s / 1e9,
    })
}
