//! The PyTorch reference peer: find `torch_reference.py`, run it with the bench's flags and
//! compare its JSON line with the engine's numbers.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

use super::workload::Rows;
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

/// The reference's data generator: the lines of `torch_reference.py` that draw its source and
/// target rows (numpy's `default_rng(0)`), run by the same interpreter, writing the four arrays
/// (source x, source y, target x, target y) as little-endian f32 to the file `argv[4]`.
const DATA_SNIPPET: &str = r#"
import sys
import numpy as np
n, m, dim, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(0)
W = rng.normal(size=(dim,)) / np.sqrt(dim)
def make(rows, shift):
    x = rng.normal(size=(rows, dim)).astype(np.float32)
    y = np.tanh(x @ W) + shift * np.sin(x[:, 0]) + 0.05 * rng.normal(size=rows)
    return x, y.astype(np.float32)
xs, ys = make(n, 0.3)
xt, yt = make(m, 0.0)
with open(path, "wb") as f:
    for a in (xs, ys, xt, yt):
        f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())
"#;

/// The reference's own source and target rows (same values, not only the same distribution),
/// so that the engine and the reference train and test on the same data and their mean MAEs can
/// be compared. Needs numpy in `python` (the reference needs it too).
pub fn data(python: &Path, cfg: &BenchConfig) -> Result<(Rows, Rows), String> {
    let path = std::env::temp_dir().join(format!("sim2real-bench-data-{}.f32", std::process::id()));
    let out = Command::new(python)
        .args(["-c", DATA_SNIPPET])
        .args([cfg.n.to_string(), cfg.m.to_string(), cfg.dim.to_string()])
        .arg(&path)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("the reference's data generator failed ({}): {}", out.status, err.trim()));
    }
    let bytes = bytes.map_err(|e| format!("the reference's data ({}): {e}", path.display()))?;
    rows_from_bytes(&bytes, cfg.n, cfg.m, cfg.dim)
}

/// Source and target rows from the generator's bytes: source x (`n × dim`), source y (`n`),
/// target x (`m × dim`), target y (`m`), little-endian f32.
pub fn rows_from_bytes(bytes: &[u8], n: usize, m: usize, dim: usize) -> Result<(Rows, Rows), String> {
    let want = (n * dim + n + m * dim + m) * 4;
    if bytes.len() != want {
        return Err(format!("the reference's data has {} bytes, expected {want}", bytes.len()));
    }
    let mut values = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    let mut take = |k: usize| values.by_ref().take(k).collect::<Vec<f32>>();
    let source = Rows { dim, x: take(n * dim), y: take(n) };
    let target = Rows { dim, x: take(m * dim), y: take(m) };
    Ok((source, target))
}

/// Run the reference with the bench's workload flags; returns its JSON line. `torch_device` is
/// the reference's `--device` (`cuda` when the engine trains on a GPU, so both use the card).
pub fn run(python: &Path, script: &Path, cfg: &BenchConfig, torch_device: &str) -> Result<Value, String> {
    let out = Command::new(python)
        .arg(script)
        .args(["--device", torch_device])
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
    let line =
        stdout.lines().rev().find(|l| l.trim_start().starts_with('{')).ok_or("the reference printed no JSON line")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_bytes_become_source_and_target_rows() {
        let (n, m, dim) = (3, 2, 2);
        let values: Vec<f32> = (0..(n * dim + n + m * dim + m)).map(|i| i as f32).collect();
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let (s, t) = rows_from_bytes(&bytes, n, m, dim).unwrap();
        assert_eq!(s.x, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.y, vec![6.0, 7.0, 8.0]);
        assert_eq!(t.x, vec![9.0, 10.0, 11.0, 12.0]);
        assert_eq!(t.y, vec![13.0, 14.0]);
        assert!(rows_from_bytes(&bytes[4..], n, m, dim).unwrap_err().contains("expected"));
    }

    /// Runs the generator where numpy is installed (the reference itself is not needed); in CI
    /// (`CI=true`, where `.ci/run` installs numpy) a missing numpy is a failure, not a skip.
    #[test]
    fn the_generator_snippet_runs_where_numpy_is_installed() {
        let python = Path::new("python3");
        let has_numpy =
            Command::new(python).args(["-c", "import numpy"]).output().map(|o| o.status.success()).unwrap_or(false);
        if !has_numpy {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must run the generator snippet: install numpy");
            eprintln!("numpy is not installed: the generator snippet is not run");
            return;
        }
        let cfg = BenchConfig { n: 40, m: 10, dim: 5, ..BenchConfig::default() };
        let (s, t) = data(python, &cfg).unwrap();
        assert_eq!((s.len(), t.len(), s.x.len(), t.x.len()), (40, 10, 200, 50));
        assert!(s.x.iter().chain(&s.y).chain(&t.x).chain(&t.y).all(|v| v.is_finite()));
        // Deterministic: numpy's default_rng(0), as in the reference.
        assert_eq!(data(python, &cfg).unwrap(), (s, t));
    }
}
