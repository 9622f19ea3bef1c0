//! `sim2real bench --featurize N`: the composition featurizers on N generated formulas (parse,
//! Magpie, fractions), timed in one process, and Magpie again through the featurize cache (the
//! write after computing, then the read a rerun does instead). With `--matminer PYTHON` the same
//! formulas go to
//! matminer's `ElementProperty.from_preset("magpie")` (pymatgen parses them) in that interpreter,
//! timed there, and the ratio is printed.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::data::featurize::elements::SYMBOLS;
use crate::data::featurize::{cache, compute, formula};
use crate::ir::Preset;

/// What one featurizer benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct FeaturizeBench {
    pub formulas: usize,
    pub parse_s: f64,
    pub magpie_s: f64,
    pub fractions_s: f64,
    /// Storing the Magpie features in the featurize cache (after computing them; key, encoding,
    /// write).
    pub cache_write_s: f64,
    /// Reading them back from the cache, as a rerun does instead of computing (key, read,
    /// checksum, decoding).
    pub magpie_cached_s: f64,
    /// The cache entry's size in bytes.
    pub cache_bytes: u64,
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
    let (names, magpie) = compute(Preset::Magpie, &comps);
    let magpie_s = t.elapsed().as_secs_f64();
    let (cache_write_s, magpie_cached_s, cache_bytes) = time_cache(&texts, (names, magpie.clone()))?;
    let t = Instant::now();
    let (_, fractions) = compute(Preset::Fractions, &comps);
    let fractions_s = t.elapsed().as_secs_f64();
    if magpie.len() != n || fractions.len() != n || magpie.iter().flatten().any(|v| !v.is_finite()) {
        return Err("the featurizers returned a wrong or non-finite result".into());
    }
    let matminer_s = matminer.map(|py| time_matminer(py, &texts)).transpose()?;
    Ok(FeaturizeBench {
        formulas: n,
        parse_s,
        magpie_s,
        fractions_s,
        cache_write_s,
        magpie_cached_s,
        cache_bytes,
        matminer_s,
    })
}

/// Stores `computed` (the Magpie features of `texts`) in a fresh cache folder, reads it back and
/// checks it is a hit, bit for bit; returns the two times and the entry's size.
fn time_cache(texts: &[String], computed: cache::Features) -> Result<(f64, f64, u64), String> {
    let dir = std::env::temp_dir().join(format!("sim2real-bench-featurize-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cells: Vec<&str> = texts.iter().map(String::as_str).collect();
    let preset = format!("{:?}", Preset::Magpie);
    let t = Instant::now();
    let stored = cache::cached(Some(&dir), &preset, &cells, || computed);
    let write_s = t.elapsed().as_secs_f64();
    let bytes = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let mut recomputed = false;
    let t = Instant::now();
    let read = cache::cached(Some(&dir), &preset, &cells, || {
        recomputed = true;
        (Vec::new(), Vec::new())
    });
    let read_s = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let same = |a: &[Vec<f64>], b: &[Vec<f64>]| {
        a.len() == b.len() && a.iter().flatten().zip(b.iter().flatten()).all(|(x, y)| x.to_bits() == y.to_bits())
    };
    if recomputed || read.0 != stored.0 || !same(&read.1, &stored.1) {
        return Err(format!("the featurize cache in {} did not give back what was stored", dir.display()));
    }
    Ok((write_s, read_s, bytes))
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
    out += &format!(
        "  magpie, cached  {:.3} s (read back from the featurize cache, {:.1} MB; storing took {:.3} s)\n",
        b.magpie_cached_s,
        b.cache_bytes as f64 / 1e6,
        b.cache_write_s
    );
    if let Some(m) = b.matminer_s {
        let ours = b.parse_s + b.magpie_s;
        out += &format!("  matminer   {m:.3} s (parse + magpie); sim2real is {:.0}× faster\n", m / ours);
    }
    out
}
