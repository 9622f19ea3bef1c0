//! `sim2real bench --featurize N`: the composition featurizers on N generated formulas (parse,
//! Magpie, fractions), timed in one process. With `--matminer PYTHON` the same formulas go to
//! matminer's `ElementProperty.from_preset("magpie")` (pymatgen parses them) in that interpreter,
//! timed there, and the ratio is printed.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::data::featurize::elements::SYMBOLS;
use crate::data::featurize::{compute, formula};
use crate::ir::Preset;

/// What one featurizer benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct FeaturizeBench {
    pub formulas: usize,
    pub parse_s: f64,
    pub magpie_s: f64,
    pub fractions_s: f64,
    /// matminer's wall time for the Magpie features of the same formulas (parsing included).
    pub matminer_s: Option<f64>,
}

/// `n` formulas of 1–5 elements (Z ≤ 94) with whole, decimal and bracketed amounts.
pub fn formulas(n: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let k = rng.random_range(1..=5usize);
            let mut s = String::new();
            for i in 0..k {
                let el = SYMBOLS[rng.random_range(0..94)];
                let amount = match rng.random_range(0..3) {
                    0 => String::new(),
                    1 => rng.random_range(2..9).to_string(),
                    _ => format!("{:.2}", rng.random_range(0.05..3.0)),
                };
                if i == k - 1 && k > 2 && rng.random_bool(0.3) {
                    s = format!("{s}({el}O{})2", rng.random_range(2..5));
                } else {
                    s += &format!("{el}{amount}");
                }
            }
            s
        })
        .collect()
}

/// Times the three steps on `n` formulas; `matminer`: a Python interpreter with matminer.
pub fn run(n: usize, matminer: Option<&std::path::Path>) -> Result<FeaturizeBench, String> {
    let texts = formulas(n, 1);
    let t = Instant::now();
    let comps: Vec<_> =
        texts.iter().map(|f| formula::parse(f).map_err(|e| format!("{f}: {e}"))).collect::<Result<_, _>>()?;
    let parse_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, magpie) = compute(Preset::Magpie, &comps);
    let magpie_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, fractions) = compute(Preset::Fractions, &comps);
    let fractions_s = t.elapsed().as_secs_f64();
    if magpie.len() != n || fractions.len() != n || magpie.iter().flatten().any(|v| !v.is_finite()) {
        return Err("the featurizers returned a wrong or non-finite result".into());
    }
    let matminer_s = matminer.map(|py| time_matminer(py, &texts)).transpose()?;
    Ok(FeaturizeBench { formulas: n, parse_s, magpie_s, fractions_s, matminer_s })
}

/// Runs matminer on `texts` in `python` and returns its wall time (measured in Python).
fn time_matminer(python: &std::path::Path, texts: &[String]) -> Result<f64, String> {
    let dir = tempfile_dir()?;
    let list = dir.join("formulas.txt");
    std::fs::write(&list, texts.join("\n")).map_err(|e| e.to_string())?;
    let script = "import sys,time\nfrom pymatgen.core import Composition\nfrom matminer.featurizers.composition import ElementProperty\nfs=open(sys.argv[1]).read().split('\\n')\nep=ElementProperty.from_preset('magpie')\nt=time.perf_counter()\nfor f in fs: ep.featurize(Composition(f))\nprint(time.perf_counter()-t)\n";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&list)
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(format!("matminer failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().map_err(|e| format!("matminer's time: {e}"))
}

fn tempfile_dir() -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("sim2real-bench-featurize-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// The text report.
pub fn render(b: &FeaturizeBench) -> String {
    let rate = |s: f64| b.formulas as f64 / s;
    let mut out = format!(
        "featurize: {} formulas\n  parse      {:.3} s ({:.0} formulas/s)\n  magpie     {:.3} s ({:.0} formulas/s)\n  fractions  {:.3} s ({:.0} formulas/s)\n",
        b.formulas,
        b.parse_s,
        rate(b.parse_s),
        b.magpie_s,
        rate(b.magpie_s),
        b.fractions_s,
        rate(b.fractions_s)
    );
    if let Some(m) = b.matminer_s {
        let ours = b.parse_s + b.magpie_s;
        out += &format!("  matminer   {m:.3} s (parse + magpie); sim2real is {:.0}× faster\n", m / ours);
    }
    out
}
