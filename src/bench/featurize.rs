//! `sim2real bench --featurize N`: the composition featurizers on N generated formulas (parse,
//! Magpie, fractions), timed in one process, and Magpie again through the featurize cache (the
//! write after computing, then the read a rerun does instead); and the SMILES featurizers on N
//! generated polymer SMILES (parse, descriptors, Morgan radius 2 / 2048 bits). With `--matminer PYTHON` the
//! same formulas go to matminer's `ElementProperty.from_preset("magpie")` (pymatgen parses them),
//! with `--rdkit PYTHON` the same SMILES to RDKit (MolFromSmiles, the same 32 descriptors, the
//! same Morgan bits), each timed in that interpreter, and the ratios are printed.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::data::featurize::elements::SYMBOLS;
use crate::data::featurize::{cache, compute, compute_smiles, formula, smiles};
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
    /// As many generated SMILES as formulas.
    pub smiles: usize,
    /// Reading them, and the Kekulé-ring check `featurize` makes on each.
    pub smiles_parse_s: f64,
    pub descriptors_s: f64,
    pub morgan_s: f64,
    /// RDKit's wall time for the same steps on the same SMILES: parse, descriptors, Morgan.
    pub rdkit_s: Option<[f64; 3]>,
}

/// Polymer repeat-unit pieces the SMILES generator strings together (each leaves the chain on
/// its last backbone atom).
const UNITS: [&str; 14] = [
    "C",
    "CC(C)",
    "C(=O)O",
    "Oc1ccc(cc1)",
    "C(F)(F)",
    "[Si](C)(C)O",
    "N(C)",
    "C(=O)N",
    "c1ccc(cc1)",
    "C1CCC(CC1)",
    "S(=O)(=O)",
    "c1ccc2cc(ccc2c1)",
    "C(Cl)",
    "c1ccc(nc1)",
];

/// `n` polymer SMILES `*…*` of 2–8 units.
pub fn polymer_smiles(n: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let k = rng.random_range(2..=8usize);
            let mut s = String::from("*");
            for _ in 0..k {
                s += UNITS[rng.random_range(0..UNITS.len())];
            }
            s + "*"
        })
        .collect()
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
pub fn run(
    n: usize,
    matminer: Option<&std::path::Path>,
    rdkit: Option<&std::path::Path>,
) -> Result<FeaturizeBench, String> {
    let texts = formulas(n, 1);
    let t = Instant::now();
    // In parallel, as the featurize operation reads a column.
    let comps: Vec<_> =
        texts.par_iter().map(|f| formula::parse(f).map_err(|e| format!("{f}: {e}"))).collect::<Result<_, _>>()?;
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
    let smiles_texts = polymer_smiles(n, 1);
    let t = Instant::now();
    let mols: Vec<_> =
        smiles_texts.par_iter().map(|s| smiles::parse(s).map_err(|e| format!("{s}: {e}"))).collect::<Result<_, _>>()?;
    // `featurize` also looks for Kekulé-written aromatic rings in every molecule it read.
    let kekule = mols.par_iter().filter(|m| smiles::aromaticity::has_kekule_aromatic_ring(m)).count();
    let smiles_parse_s = t.elapsed().as_secs_f64();
    if kekule != 0 {
        return Err(format!("{kekule} generated SMILES write an aromatic ring in Kekulé form"));
    }
    let t = Instant::now();
    let (_, descriptors) = compute_smiles(Preset::Descriptors, &mols);
    let descriptors_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, morgan) = compute_smiles(Preset::Morgan { radius: 2, bits: 2048, counts: false }, &mols);
    let morgan_s = t.elapsed().as_secs_f64();
    if descriptors.len() != n || morgan.len() != n || descriptors.iter().flatten().any(|v| !v.is_finite()) {
        return Err("the SMILES featurizers returned a wrong or non-finite result".into());
    }
    let rdkit_s = rdkit.map(|py| time_rdkit(py, &smiles_texts)).transpose()?;
    Ok(FeaturizeBench {
        formulas: n,
        parse_s,
        magpie_s,
        fractions_s,
        cache_write_s,
        magpie_cached_s,
        cache_bytes,
        matminer_s,
        smiles: n,
        smiles_parse_s,
        descriptors_s,
        morgan_s,
        rdkit_s,
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

/// Runs RDKit on `texts` in `python`: the wall times of parsing, the 32 descriptors and the Morgan
/// bits (measured in Python).
fn time_rdkit(python: &std::path::Path, texts: &[String]) -> Result<[f64; 3], String> {
    let names: Vec<String> = smiles::descriptors::NAMES.iter().map(|n| format!("'{n}'")).collect();
    let script = format!(
        "import sys,time\nfrom rdkit import Chem, RDLogger\nfrom rdkit.Chem import Descriptors, rdFingerprintGenerator\nRDLogger.DisableLog('rdApp.*')\nss=open(sys.argv[1]).read().split('\\n')\nfs=dict(Descriptors._descList)\nfs=[fs[n] for n in [{}]]\ng=rdFingerprintGenerator.GetMorganGenerator(radius=2,fpSize=2048)\nt=time.perf_counter()\nms=[Chem.MolFromSmiles(s) for s in ss]\nt1=time.perf_counter()\nfor m in ms:\n  [f(m) for f in fs]\nt2=time.perf_counter()\nfor m in ms: g.GetFingerprint(m)\nt3=time.perf_counter()\nprint(t1-t,t2-t1,t3-t2)\n",
        names.join(",")
    );
    let out = run_python(python, &script, "smiles.txt", texts)?;
    let times: Vec<f64> = out.split_whitespace().filter_map(|t| t.parse().ok()).collect();
    match times[..] {
        [a, b, c] => Ok([a, b, c]),
        _ => Err(format!("RDKit's times: {out}")),
    }
}

/// Runs matminer on `texts` in `python` and returns its wall time (measured in Python).
fn time_matminer(python: &std::path::Path, texts: &[String]) -> Result<f64, String> {
    let script = "import sys,time\nfrom pymatgen.core import Composition\nfrom matminer.featurizers.composition import ElementProperty\nfs=open(sys.argv[1]).read().split('\\n')\nep=ElementProperty.from_preset('magpie')\nt=time.perf_counter()\nfor f in fs: ep.featurize(Composition(f))\nprint(time.perf_counter()-t)\n";
    let out = run_python(python, script, "formulas.txt", texts)?;
    out.trim().parse().map_err(|e| format!("matminer's time: {e}"))
}

/// Runs `script` in `python` with a file of `texts` (one a line) as its argument; its stdout.
fn run_python(python: &std::path::Path, script: &str, file: &str, texts: &[String]) -> Result<String, String> {
    let dir = tempfile_dir()?;
    let list = dir.join(file);
    std::fs::write(&list, texts.join("\n")).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&list)
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(format!("{} failed: {}", python.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
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
    let srate = |s: f64| b.smiles as f64 / s;
    out += &format!(
        "featurize: {} SMILES\n  parse+check  {:.3} s ({:.0} SMILES/s; parse, and the Kekulé-ring check `featurize` makes)\n  descriptors  {:.3} s ({:.0} SMILES/s)\n  morgan       {:.3} s ({:.0} SMILES/s; radius 2, 2048 bits)\n",
        b.smiles,
        b.smiles_parse_s,
        srate(b.smiles_parse_s),
        b.descriptors_s,
        srate(b.descriptors_s),
        b.morgan_s,
        srate(b.morgan_s)
    );
    if let Some([p, d, m]) = b.rdkit_s {
        let (ours, theirs) = (b.smiles_parse_s + b.descriptors_s + b.morgan_s, p + d + m);
        out += &format!(
            "  rdkit        {theirs:.3} s (parse {p:.3}, descriptors {d:.3}, morgan {m:.3}); sim2real takes {:.2}× RDKit's time\n",
            ours / theirs
        );
    }
    out
}
