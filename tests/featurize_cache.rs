//! The featurize cache through the command line: a rerun reads the features it stored, a corrupt
//! entry is reported and recomputed, `SIM2REAL_CACHE=off` stores nothing.

use std::path::{Path, PathBuf};

use crate::support::Test;

const STUDY: &str = "study feat\ndata t = csv(\"t.csv\") | featurize composition(formula) with magpie\n\
    data u = csv(\"t.csv\") | featurize composition(formula) with magpie\n\
    source t { x = mp_*  y = y }\ntarget u { x = mp_*  y = y }\ngrid { n = [2]  m = [1.0]  trials = 2 }\n";
const CSV: &str = "formula,y\nFe2O3,1\nNaCl,2\nBi2Te3,3\n";

/// `sim2real table s.study t` with the cache in `cache`; its stdout and stderr.
fn table(cache: &Path) -> (String, String) {
    let ran = Test::new()
        .study(STUDY)
        .file("t.csv", CSV)
        .env("SIM2REAL_CACHE", cache.as_os_str())
        .args(["table", "s.study", "t"])
        .run();
    (ran.stdout, ran.stderr)
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(cache) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The last cell of the CSV's last line.
fn last_cell(csv: &str) -> &str {
    csv.trim_end().rsplit(',').next().unwrap()
}

#[test]
fn a_rerun_reads_the_stored_features() {
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = table(cache.path());
    let stored = entries(cache.path());
    assert_eq!(stored.len(), 1, "one entry: {stored:?}");
    let (second, stderr) = table(cache.path());
    assert_eq!(second, first, "the cached features differ from the computed ones");
    assert!(!stderr.contains("featurize cache"), "{stderr}");
    // Evidence that the rerun read the entry: rewrite its last value (and checksum) and see it.
    let mut bytes = std::fs::read(&stored[0]).unwrap();
    let n = bytes.len();
    bytes[n - 12..n - 4].copy_from_slice(&12345.5f64.to_le_bytes());
    let crc = crc32fast::hash(&bytes[..n - 4]);
    bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(&stored[0], &bytes).unwrap();
    let (third, _) = table(cache.path());
    assert_eq!(last_cell(&third), "12345.5", "{third}");
    assert_ne!(last_cell(&first), "12345.5");
}

#[test]
fn a_corrupt_entry_is_reported_and_recomputed() {
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = table(cache.path());
    let path = entries(cache.path()).remove(0);
    let good = std::fs::read(&path).unwrap();
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 20] ^= 0x40;
    std::fs::write(&path, &bad).unwrap();
    let (again, stderr) = table(cache.path());
    assert_eq!(again, first);
    assert!(stderr.contains("warning: featurize cache: ignoring"), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), good, "the entry was not rewritten");
    // Truncated: the same.
    std::fs::write(&path, &good[..n / 2]).unwrap();
    let (again, stderr) = table(cache.path());
    assert_eq!(again, first);
    assert!(stderr.contains("warning: featurize cache: ignoring"), "{stderr}");
}

#[test]
fn off_stores_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (cached, _) = table(home.path());
    let ran = Test::new()
        .study(STUDY)
        .file("t.csv", CSV)
        .env("SIM2REAL_CACHE", "off")
        .env("HOME", home.path().join("home").as_os_str())
        .env("XDG_CACHE_HOME", home.path().join("xdg").as_os_str())
        .args(["table", "s.study", "t"])
        .run();
    assert_eq!(ran.stdout, cached);
    assert!(!home.path().join("home").exists() && !home.path().join("xdg").exists());
}

#[test]
fn the_default_folder_is_under_xdg_cache_home() {
    let xdg = tempfile::tempdir().unwrap();
    Test::new()
        .study(STUDY)
        .file("t.csv", CSV)
        .env("SIM2REAL_CACHE", "")
        .env("XDG_CACHE_HOME", xdg.path().as_os_str())
        .args(["table", "s.study", "t"])
        .run();
    assert_eq!(entries(&xdg.path().join("sim2real/featurize")).len(), 1);
}
