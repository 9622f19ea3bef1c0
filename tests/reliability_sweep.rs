//! No-panic sweep: every malformed study, and files that are not studies at all, through the
//! binary's `check`: exit code 2, a message, never a panic.

use std::path::Path;

use crate::support::{Test, repo_file};

/// `check PATH` exits 2 with a message on stderr, without a panic; returns stderr.
fn assert_rejected(path: &Path) -> String {
    let stderr = Test::new().arg("check").arg(path).status(2).run().stderr;
    assert!(!stderr.trim().is_empty(), "{}: rejected without a message", path.display());
    stderr
}

#[test]
fn every_malformed_study_is_rejected_without_a_panic() {
    let dir = repo_file("tests/malformed");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "study"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "expected the malformed corpus, found {} files", files.len());
    for f in &files {
        assert_rejected(f);
    }
}

#[test]
fn random_bytes_a_directory_and_a_missing_file_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    // Deterministic pseudo-random bytes (an LCG), several seeds and lengths.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for (i, len) in [1usize, 7, 64, 1000, 20_000].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (x >> 56) as u8
            })
            .collect();
        let p = tmp.path().join(format!("random{i}.study"));
        std::fs::write(&p, bytes).unwrap();
        assert_rejected(&p);
    }
    // Printable noise that is valid UTF-8 gets past the decoder into the parser.
    let p = tmp.path().join("ascii_noise.study");
    std::fs::write(&p, "study {{ x = ] | where ( ( \"\n data = csv(\ngrid { n = [1e999, -3] }\n\u{0}\u{7f}").unwrap();
    assert_rejected(&p);

    let msg = assert_rejected(tmp.path());
    assert!(msg.contains(&tmp.path().display().to_string()), "names the directory: {msg}");
    let missing = tmp.path().join("no_such.study");
    let msg = assert_rejected(&missing);
    assert!(msg.contains("no_such.study"), "names the file: {msg}");
}
