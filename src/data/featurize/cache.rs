//! The on-disk cache of featurized columns: a rerun of a study (or `sim2real table`) reads the
//! features it computed before instead of computing them again.
//!
//! The key is the SHA-256 of what determines the features: the file format, the featurizers'
//! version ([`FEATURIZER_VERSION`] and a hash of the code and element table that compute them, so
//! that an edit to either never meets an old entry), the preset with its parameters, and the
//! cells the features are computed from, in order. The value, `<key>.bin` in the cache folder,
//! holds the column names and every row's values as little-endian `f64` (bit for bit what the
//! featurizer returned), its key and a CRC32 of all of it. A file that is truncated, corrupt or
//! of another key is never trusted: it is reported on stderr, recomputed and rewritten. Writes
//! go to a temporary file renamed into place, so a reader sees a whole file or none.
//!
//! The folder: `$SIM2REAL_CACHE` (`off` disables the cache), else
//! `$XDG_CACHE_HOME/sim2real/featurize`, else `~/.cache/sim2real/featurize` (docs/language.md,
//! *Featurizers*). A cache that cannot be written is skipped silently: it only saves time.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::ir::Preset;

/// Bump when a featurizer's output changes in a way its code hash would not show (it shows any
/// edit to the files of [`SOURCES`]).
pub const FEATURIZER_VERSION: u32 = 1;

/// The environment variable naming the cache folder, or `off`.
pub const CACHE_ENV: &str = "SIM2REAL_CACHE";

/// The layout of a cache file (part of the key).
const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"S2RFEAT1";

/// The code and data the features are computed from: their hash is part of every key.
/// Every file of src/data/featurize but this one (`every_featurizer_file_is_a_source` checks it).
macro_rules! sources {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!($file))),*]
    };
}
const SOURCES: &[(&str, &str)] = sources![
    "mod.rs",
    "formula.rs",
    "elements.rs",
    "magpie.rs",
    "fractions.rs",
    "magpie_elements.csv",
    "smiles/aromaticity.rs",
    "smiles/crippen.tsv",
    "smiles/descriptors/connectivity.rs",
    "smiles/descriptors/crippen.rs",
    "smiles/descriptors/lipinski.rs",
    "smiles/descriptors/mass.rs",
    "smiles/descriptors/mod.rs",
    "smiles/descriptors/surface.rs",
    "smiles/elements.csv",
    "smiles/elements.rs",
    "smiles/hybridization.rs",
    "smiles/hydrogens.rs",
    "smiles/isotopes.csv",
    "smiles/kekule.rs",
    "smiles/mod.rs",
    "smiles/molecule.rs",
    "smiles/morgan.rs",
    "smiles/read.rs",
    "smiles/rings.rs",
    "smiles/smarts.rs",
    "smiles/valence.rs",
];

/// Computed features: column names and one row of values per input cell.
pub type Features = (Vec<String>, Vec<Vec<f64>>);

/// Whether a preset's features go through the cache: those that take longer to compute than to
/// read back. `fractions` does not (100,000 formulas: 0.03 s to compute, while reading Magpie's
/// entry of the same rows takes 0.2 s; `sim2real bench --featurize`).
pub fn caches(preset: Preset) -> bool {
    !matches!(preset, Preset::Fractions)
}

/// The folder the cache lives in, from the environment; `None` when it is off or there is no
/// home to put it in.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os(CACHE_ENV) {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => {
            let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
            let base = xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
            Some(base.join("sim2real").join("featurize"))
        }
    }
}

/// The features of `cells` under `preset` (its `Debug` form names it and its parameters): read
/// from the cache in `dir` when an entry is there and whole, else `compute()`d and stored. With
/// `dir` `None` it only computes.
pub fn cached(dir: Option<&Path>, preset: &str, cells: &[&str], compute: impl FnOnce() -> Features) -> Features {
    let Some(dir) = dir else { return compute() };
    let key = key(preset, cells);
    let path = dir.join(format!("{}.bin", hex(&key)));
    match std::fs::read(&path) {
        Ok(bytes) => match decode(&bytes, &key, cells.len()) {
            Ok(features) => return features,
            Err(why) => {
                eprintln!("warning: featurize cache: ignoring {} ({why}); computing the features again", path.display())
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            eprintln!("warning: featurize cache: cannot read {} ({e}); computing the features again", path.display())
        }
    }
    let features = compute();
    let _ = store(dir, &path, &encode(&key, &features));
    features
}

/// SHA-256 of everything the features depend on.
fn key(preset: &str, cells: &[&str]) -> [u8; 32] {
    key_at(FEATURIZER_VERSION, preset, cells)
}

fn key_at(version: u32, preset: &str, cells: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"sim2real featurize cache\0");
    h.update(FORMAT.to_le_bytes());
    h.update(version.to_le_bytes());
    h.update(code_hash());
    for part in std::iter::once(preset).chain(cells.iter().copied()) {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

fn code_hash() -> &'static [u8; 32] {
    static HASH: OnceLock<[u8; 32]> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut h = Sha256::new();
        for (_, s) in SOURCES {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        h.finalize().into()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// MAGIC, key, columns (u32), rows (u64), each name (u32 length, UTF-8), the values row by row
/// (f64 LE), then the CRC32 (u32 LE) of all that.
fn encode(key: &[u8; 32], (names, rows): &Features) -> Vec<u8> {
    let values = rows.len() * names.len();
    let mut out = Vec::with_capacity(64 + names.iter().map(|n| n.len() + 4).sum::<usize>() + values * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());
    out.extend_from_slice(&(rows.len() as u64).to_le_bytes());
    for n in names {
        out.extend_from_slice(&(n.len() as u32).to_le_bytes());
        out.extend_from_slice(n.as_bytes());
    }
    for row in rows {
        for v in row {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The features of a cache file, or why it cannot be trusted.
fn decode(bytes: &[u8], key: &[u8; 32], rows_expected: usize) -> Result<Features, &'static str> {
    let (body, crc) = bytes.split_last_chunk::<4>().ok_or("truncated")?;
    if crc32fast::hash(body) != u32::from_le_bytes(*crc) {
        return Err("checksum mismatch: truncated or corrupt");
    }
    let mut r = Reader(body);
    if r.take(MAGIC.len())? != MAGIC {
        return Err("not a sim2real featurize cache file");
    }
    if r.take(32)? != key {
        return Err("written for other input");
    }
    let ncols = u32::from_le_bytes(r.array()?) as usize;
    let nrows = u64::from_le_bytes(r.array()?) as usize;
    if nrows != rows_expected {
        return Err("written for another number of rows");
    }
    let mut names = Vec::with_capacity(ncols.min(body.len()));
    for _ in 0..ncols {
        let len = u32::from_le_bytes(r.array()?) as usize;
        names.push(String::from_utf8(r.take(len)?.to_vec()).map_err(|_| "a column name is not UTF-8")?);
    }
    if r.0.len() != nrows.checked_mul(ncols).and_then(|v| v.checked_mul(8)).ok_or("impossible size")? {
        return Err("wrong size");
    }
    let rows =
        r.0.chunks_exact((ncols * 8).max(1))
            .take(nrows)
            .map(|row| row.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default())).collect())
            .collect::<Vec<Vec<f64>>>();
    // Zero columns: chunks of an empty slice give no rows.
    let rows = if ncols == 0 { vec![Vec::new(); nrows] } else { rows };
    Ok((names, rows))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("truncated");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        self.take(N)?.try_into().map_err(|_| "truncated")
    }
}

/// Write `bytes` to `path` through a temporary file in `dir` renamed into place.
fn store(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A file added to the featurizers (a new preset, a table) changes the key of every entry only
    /// if it is listed in `SOURCES`: a new file missing from the list fails here.
    #[test]
    fn every_featurizer_file_is_a_source() {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    out.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/data/featurize");
        let mut files = Vec::new();
        walk(&base, &base, &mut files);
        files.retain(|f| f != "cache.rs");
        files.sort();
        let mut listed: Vec<String> = SOURCES.iter().map(|(name, _)| (*name).to_string()).collect();
        listed.sort();
        assert_eq!(listed, files, "SOURCES in src/data/featurize/cache.rs lists the featurizer's files");
    }

    fn features(n: usize) -> Features {
        let names = vec!["mp_a".to_string(), "mp_b".to_string()];
        let rows = (0..n).map(|i| vec![i as f64 / 3.0, f64::NAN]).collect();
        (names, rows)
    }

    /// A computation of `features(n)` that counts its calls in `calls`.
    fn counted(calls: &Cell<usize>, n: usize) -> impl Fn() -> Features + Copy + '_ {
        move || {
            calls.set(calls.get() + 1);
            features(n)
        }
    }

    fn bits((names, rows): &Features) -> (Vec<String>, Vec<Vec<u64>>) {
        (names.clone(), rows.iter().map(|r| r.iter().map(|v| v.to_bits()).collect()).collect())
    }

    #[test]
    fn second_lookup_reads_the_cache_bit_for_bit() {
        let tmp = tempfile::tempdir().unwrap();
        let cells = ["Fe2O3", "NaCl", "H2O"];
        let calls = Cell::new(0);
        let compute = counted(&calls, 3);
        let first = cached(Some(tmp.path()), "Magpie", &cells, compute);
        let second = cached(Some(tmp.path()), "Magpie", &cells, compute);
        assert_eq!(calls.get(), 1, "the second lookup computed again");
        assert_eq!(bits(&first), bits(&features(3)));
        assert_eq!(bits(&second), bits(&first));
        let files: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(files.len(), 1, "one entry, no temporary file left: {files:?}");
    }

    #[test]
    fn another_preset_version_or_input_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let calls = Cell::new(0);
        let compute = counted(&calls, 2);
        cached(Some(tmp.path()), "Magpie", &["Fe", "O"], compute);
        cached(Some(tmp.path()), "Fractions", &["Fe", "O"], compute);
        cached(Some(tmp.path()), "Magpie", &["O", "Fe"], compute);
        cached(Some(tmp.path()), "Magpie", &["FeO", ""], compute);
        assert_eq!(calls.get(), 4);
        // Another featurizer version is another key.
        let k = key("Magpie", &["Fe", "O"]);
        let bumped = key_at(FEATURIZER_VERSION + 1, "Magpie", &["Fe", "O"]);
        assert_ne!(k, bumped);
        // Cells are length-prefixed: no two splits of one text share a key.
        assert_ne!(key("Magpie", &["FeO", ""]), key("Magpie", &["Fe", "O"]));
        // An entry written under another key is not read for this one.
        let other = encode(&bumped, &features(2));
        assert_eq!(decode(&other, &k, 2).unwrap_err(), "written for other input");
    }

    #[test]
    fn corrupt_or_truncated_files_are_recomputed_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let cells = ["Fe2O3", "NaCl", "H2O"];
        let calls = Cell::new(0);
        let compute = counted(&calls, 3);
        cached(Some(tmp.path()), "Magpie", &cells, compute);
        let path = tmp.path().join(format!("{}.bin", hex(&key("Magpie", &cells))));
        let good = std::fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[60] ^= 1;
        for bad in [flipped, good[..good.len() - 9].to_vec(), Vec::new(), b"junk".to_vec()] {
            std::fs::write(&path, &bad).unwrap();
            let before = calls.get();
            let got = cached(Some(tmp.path()), "Magpie", &cells, compute);
            assert_eq!(calls.get(), before + 1, "a bad file was trusted");
            assert_eq!(bits(&got), bits(&features(3)));
            assert_eq!(std::fs::read(&path).unwrap(), good, "the entry was not rewritten");
        }
    }

    #[test]
    fn decode_checks_every_part() {
        let k = key("Magpie", &["a"]);
        let good = encode(&k, &features(1));
        assert_eq!(bits(&decode(&good, &k, 1).unwrap()), bits(&features(1)));
        assert_eq!(decode(&good, &k, 2).unwrap_err(), "written for another number of rows");
        assert_eq!(decode(&good[..3], &k, 1).unwrap_err(), "truncated");
        let mut magic = good.clone();
        magic[0] = b'X';
        let n = magic.len() - 4;
        let crc = crc32fast::hash(&magic[..n]).to_le_bytes();
        magic[n..].copy_from_slice(&crc);
        assert_eq!(decode(&magic, &k, 1).unwrap_err(), "not a sim2real featurize cache file");
        let empty = encode(&k, &(Vec::new(), vec![Vec::new(); 4]));
        assert_eq!(decode(&empty, &k, 4).unwrap(), (Vec::<String>::new(), vec![Vec::<f64>::new(); 4]));
    }

    #[test]
    fn magpie_is_cached_and_fractions_are_not() {
        assert!(caches(Preset::Magpie));
        assert!(!caches(Preset::Fractions));
    }

    #[test]
    fn without_a_folder_it_only_computes() {
        let calls = Cell::new(0);
        let compute = counted(&calls, 1);
        cached(None, "Magpie", &["Fe"], compute);
        cached(None, "Magpie", &["Fe"], compute);
        assert_eq!(calls.get(), 2);
    }
}
