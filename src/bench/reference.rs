//! The PyTorch reference peer: find `torch_reference.py`, run it with the bench's flags and
//! compare its JSON line with the engine's numbers.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

use super::{BenchConfig, BenchReport};

/// Environment variable naming the peers folder (or the script itself).
pub const PEERS_ENV: &str = "SIM2REAL_PEERS";
/// The reference script's file name.
pub const SCRIPT: &str = "torch_reference.py";

/// The script: `$SIM2REAL_PEERS` (a folder holding it, or the file), else
/// `../shared/peers/torch_reference.py` relative to the working directory.
pub fn locate_script() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os(PEERS_ENV) {
        Some(p) => {
            let p = PathBuf::from(p);
            if p.is_dir() { vec![p.join(SCRIPT)] } else { vec![p] }
        }
        None => vec![Path::new("..").join("shared").join("peers").join(SCRIPT)],
    };
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        format!(
            "cannot find the reference script (tried {}); set {PEERS_ENV} to the peers folder",
            candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Run the reference with the bench's workload flags; returns its JSON line.
pub fn run(python: &Path, script: &Path, cfg: &BenchConfig) -> Result<Value, String> {
    let out = Command::new(python)
        .arg(script)
        .args(["--n", &cfg.n.to_string(), "--m", &cfg.m.to_string(), "--trials", &cfg.trials.to_string()])
        .args(["--epochs", &cfg.epochs.to_string(), "--patience", &cfg.patience.to_string()])
        .args(["--threads", &cfg.threads.to_string(), "--dim", &cfg.dim.to_string()])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "the reference failed ({}): {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.trim_start().starts_with('{')).ok_or("the reference printed no JSON line")?;
    serde_json::from_str(line).map_err(|e| format!("the reference's JSON: {e}"))
}

/// The engine relative to the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ratios {
    /// Engine trials/s ÷ reference trials/s.
    pub trials_per_s: f64,
    /// Engine GFLOP/s ÷ reference GFLOP/s.
    pub gflops: f64,
    /// Engine wall ÷ reference wall (below 1: the engine is faster).
    pub wall_s: f64,
    /// Engine mean MAE − reference mean MAE.
    pub mae_diff: f64,
}

/// Ratios from the reference's JSON; missing or non-numeric fields give NaN.
pub fn ratios(ours: &BenchReport, reference: &Value) -> Ratios {
    let get = |k: &str| reference.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    Ratios {
        trials_per_s: ours.trials_per_s / get("trials_per_s"),
        gflops: ours.gflops / get("gflops"),
        wall_s: ours.wall_s / get("wall_s"),
        mae_diff: ours.mean_mae - get("mean_mae"),
    }
}
