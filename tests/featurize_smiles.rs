//! `featurize smiles(...)`: RDKit's descriptors against RDKit itself on every distinct SMILES of
//! the shared datasets, invalid SMILES (error or `on_error = drop`), and the study's mistakes.
//!
//! The reference is computed at test time by scripts/rdkit_reference.py (RDKit from PyPI, as the
//! README's test command installs it): a missing RDKit fails the test, never skips it.

use std::path::Path;
use std::process::Command;

use crate::featurize::{csv_with, read_csv};
use crate::support::{Test, shared_data};

/// A study whose source `t` (t.csv) and target `u` (u.csv) are featurized by `op`; both have the
/// columns `smiles` and `y`.
fn study(op: &str) -> String {
    let x = if op.contains("morgan") { "fp_*" } else { "rd_*" };
    format!(
        "study feat\ndata t = csv(\"t.csv\")\n  | {op}\ndata u = csv(\"u.csv\") | {op}\nsource t {{ x = {x}  y = y }}\ntarget u {{ x = {x}  y = y }}\ngrid {{ n = [10]  m = [1.0]  trials = 2 }}\n"
    )
}

/// Valid SMILES that pad a table to a size the planner accepts.
const PAD: [&str; 30] = [
    "CC",
    "CCC",
    "CCO",
    "CC(=O)O",
    "c1ccccc1",
    "Cc1ccccc1",
    "CCN",
    "CC(C)C",
    "C1CCCCC1",
    "CCCl",
    "ClC(Cl)Cl",
    "CC(C)=O",
    "CCOC(C)=O",
    "c1ccncc1",
    "Oc1ccccc1",
    "*CC*",
    "*CC(*)C",
    "*CC(*)c1ccccc1",
    "*Oc1ccc(*)cc1",
    "C=CC#N",
    "CS(C)=O",
    "O=C1CCCN1",
    "c1ccc2ccccc2c1",
    "CC(C)(C)O",
    "NC(N)=O",
    "OCCO",
    "FC(F)(F)C",
    "CCCCCC",
    "c1ccoc1",
    "c1ccsc1",
];

fn csv_of(smiles: &[&str]) -> String {
    csv_with("smiles", smiles)
}

fn case(op: &str, smiles: &[&str]) -> Test {
    Test::new().study(&study(op)).file("t.csv", csv_of(smiles)).file("u.csv", csv_of(&PAD))
}

/// RDKit's values for the distinct SMILES of the shared data: scripts/rdkit_reference.py `what`.
fn rdkit_reference(what: &[&str], out: &Path) -> String {
    let data = shared_data("the RDKit reference test");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/rdkit_reference.py");
    let ran = Command::new(&python)
        .arg(&script)
        .arg(&data)
        .arg(out)
        .args(what)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        ran.status.success(),
        "scripts/rdkit_reference.py failed (RDKit is needed: `python3 -m pip install rdkit`, as the README's test \
         command does):\n{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    std::fs::read_to_string(out).expect("the reference CSV")
}

/// Descriptors whose value is a count: compared exactly.
pub(crate) const COUNTS: [&str; 8] = [
    "rd_HeavyAtomCount",
    "rd_NumValenceElectrons",
    "rd_NumHDonors",
    "rd_NumHAcceptors",
    "rd_NumRotatableBonds",
    "rd_RingCount",
    "rd_NumAromaticRings",
    "rd_NumAliphaticRings",
];

/// Every descriptor of every distinct SMILES in the shared data (≈ 2,300: polymer repeat units
/// with `*`, solvents) equals RDKit's: counts exactly, real values to 1e-4 relative. Prints the
/// number of matching molecules per descriptor.
#[test]
fn descriptors_match_rdkit_on_the_shared_smiles() {
    let dir = tempfile::tempdir().unwrap();
    let reference = rdkit_reference(&["descriptors"], &dir.path().join("reference.csv"));
    let (ref_header, ref_rows) = read_csv(&reference);
    let smiles: Vec<&str> = ref_rows.iter().map(|r| r[0].as_str()).collect();
    assert!(smiles.len() >= 2000, "{} SMILES", smiles.len());
    let ran = case("featurize smiles(smiles) with descriptors", &smiles)
        .args(["table", "s.study", "t", "--out", "out.csv"])
        .stderr_contains(format!("wrote {} rows of `t`", smiles.len()))
        .run();
    let (header, rows) = read_csv(&ran.read("out.csv"));
    assert_eq!(&header[2..], &ref_header[1..], "column names and order");
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (c, name) in ref_header.iter().enumerate().skip(1) {
        let mut matched = 0;
        for (got, want) in rows.iter().zip(&ref_rows) {
            let (a, b): (f64, f64) = (got[c + 1].parse().unwrap(), want[c].parse().unwrap());
            let ok = if COUNTS.contains(&name.as_str()) {
                a == b
            } else {
                (a - b).abs() <= 1e-4 * a.abs().max(b.abs()) || (a - b).abs() <= 1e-12
            };
            if ok {
                matched += 1;
            } else if failures.len() < 20 {
                failures.push(format!("{name} of {}: sim2real {a}, RDKit {b}", want[0]));
            }
        }
        report.push(format!("{name}: {matched}/{}", rows.len()));
    }
    eprintln!("molecules matching RDKit per descriptor:\n{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_invalid_smiles_is_an_error_naming_file_line_column_and_text() {
    let mut smiles = vec!["CCO", "c1ccccc1", "C1CC(C"];
    smiles.extend(PAD);
    case("featurize smiles(smiles) with descriptors", &smiles)
        .args(["check", "s.study"])
        .status(2)
        .stderr_contains("column `smiles` of t.csv holds `C1CC(C`, which is not a valid SMILES")
        .stderr_contains("(`(` is never closed at")
        .stderr_contains("character 5) at line 4")
        .stderr_contains("on_error = drop")
        .run();
}

#[test]
fn on_error_drop_drops_the_rows_and_the_plan_says_which() {
    let mut smiles = vec!["CCO", "C(C)(C)(C)(C)C", "c1ccccc1", "", "CC[Xx]", "c1cccc1", "CCN"];
    smiles.extend(PAD);
    case("featurize smiles(smiles) with descriptors { on_error = drop }", &smiles)
        .args(["check", "s.study"])
        .stdout_contains("featurize smiles(smiles) drops 4 of the 37 rows of t.csv: not SMILES (e.g. line 3 holds `C(C)(C)(C)(C)C`, which is not a valid SMILES (`C` has valence 5, more than allowed (4) at character 1); line 5 is missing a SMILES; line 6 holds `CC[Xx]`, which is not a valid SMILES (unknown element `Xx` at character 4); …)")
        .run();
    let ran = case("featurize smiles(smiles) with descriptors { on_error = drop }", &smiles)
        .args(["table", "s.study", "t"])
        .run();
    let (header, rows) = read_csv(&ran.stdout);
    assert_eq!(header[..4], ["smiles", "y", "rd_MolWt", "rd_HeavyAtomMolWt"]);
    let kept: Vec<&str> = rows.iter().map(|r| r[0].as_str()).take(3).collect();
    assert_eq!(kept, ["CCO", "c1ccccc1", "CCN"]);
    assert_eq!(rows.len(), 33);
}

/// A ring written in Kekulé form is read as written, and the plan says which rows RDKit would read
/// differently (RDKit perceives them as aromatic).
#[test]
fn kekule_written_aromatic_rings_are_named_in_the_plan() {
    let mut smiles = vec!["CCO", "C1=CC=CC=C1", "c1ccccc1", "C1=CNC=C1", "C1=CCCCC1"];
    smiles.extend(PAD);
    case("featurize smiles(smiles) with descriptors", &smiles)
        .args(["check", "s.study"])
        .stdout_contains("featurize smiles(smiles): 2 of the 35 rows of t.csv write an aromatic ring in Kekulé form (e.g. line 3 `C1=CC=CC=C1`; line 5 `C1=CNC=C1`); RDKit perceives such rings as aromatic, sim2real reads them as written")
        .run();
    // `table` prints the same note as a warning on stderr.
    let ran = case("featurize smiles(smiles) with descriptors", &smiles).args(["table", "s.study", "t"]).run();
    assert!(ran.stderr.contains("warning: featurize smiles(smiles): 2 of the 35 rows of t.csv"), "{}", ran.stderr);
    // Written as RDKit writes them, no row is named.
    let ran = case("featurize smiles(smiles) with descriptors", &PAD).args(["check", "s.study"]).run();
    assert!(!ran.text().contains("Kekulé"), "{}", ran.text());
}

#[test]
fn featurize_smiles_mistakes_in_the_study_are_named_with_a_span() {
    let t = |op: &str, want: &str| {
        case(op, &PAD).args(["check", "--no-data", "s.study"]).status(2).stderr_contains(want).run();
    };
    t("featurize smiles(smiles) with descriptor", "unknown smiles preset `descriptor`");
    t("featurize smiles(smiles) with magpie", "unknown smiles preset `magpie`");
    t("featurize composition(smiles) with descriptors", "unknown composition preset `descriptors`");
    t("featurize smile(smiles) with descriptors", "unknown featurizer input `smile`");
    t("featurize smiles(smiles, y) with descriptors", "`smiles` takes one argument: the column");
}

#[test]
fn featurizing_a_column_of_numbers_is_an_error() {
    case("featurize smiles(y) with descriptors", &PAD)
        .args(["check", "s.study"])
        .status(2)
        .stderr_contains("column `y` of t.csv holds numbers, not SMILES")
        .run();
}

/// Runs `featurize smiles(smiles) with morgan(...)` and RDKit's generator with the same settings on
/// the shared SMILES; returns the SMILES whose fingerprints differ, and the number compared.
fn morgan_mismatches(radius: u32, bits: u32, counts: bool) -> (Vec<String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let what = ["morgan".to_string(), radius.to_string(), bits.to_string(), counts.to_string()];
    let what: Vec<&str> = what.iter().map(String::as_str).collect();
    let reference = rdkit_reference(&what, &dir.path().join("reference.csv"));
    let (ref_header, ref_rows) = read_csv(&reference);
    let smiles: Vec<&str> = ref_rows.iter().map(|r| r[0].as_str()).collect();
    let op = format!("featurize smiles(smiles) with morgan(radius: {radius}, bits: {bits}, counts: {counts})");
    let ran = case(&op, &smiles).args(["table", "s.study", "t", "--out", "out.csv"]).run();
    let (header, rows) = read_csv(&ran.read("out.csv"));
    assert_eq!(&header[2..], &ref_header[1..], "column names");
    let differ: Vec<String> = rows
        .iter()
        .zip(&ref_rows)
        .filter(|(got, want)| {
            got[2..].iter().zip(&want[1..]).any(|(a, b)| a.parse::<f64>().ok() != b.parse::<f64>().ok())
        })
        .map(|(_, want)| want[0].clone())
        .collect();
    (differ, rows.len())
}

/// Morgan bits equal RDKit's on at least 99 % of the shared SMILES (bit vector and count
/// simulation); the molecules that differ are printed.
#[test]
fn morgan_bits_match_rdkit_on_the_shared_smiles() {
    for (radius, bits, counts) in [(2, 2048, false), (3, 1024, true)] {
        let (differ, n) = morgan_mismatches(radius, bits, counts);
        eprintln!(
            "morgan(radius: {radius}, bits: {bits}, counts: {counts}): {} of {n} molecules match RDKit; differ: {differ:?}",
            n - differ.len()
        );
        assert!(differ.len() * 100 <= n, "{} of {n} differ: {differ:?}", differ.len());
    }
}

#[test]
fn morgan_mistakes_are_named() {
    let t = |op: &str, want: &str| {
        case(op, &PAD).args(["check", "--no-data", "s.study"]).status(2).stderr_contains(want).run();
    };
    t("featurize smiles(smiles) with morgan", "`morgan` needs `radius`");
    t("featurize smiles(smiles) with morgan(radius: 2, bits: 2048)", "`morgan` needs `counts`");
    t("featurize smiles(smiles) with morgan(radius: 2, bits: 2048, count: true)", "unknown `morgan` argument `count`");
    t("featurize smiles(smiles) with morgan(radius: 9, bits: 2048, counts: true)", "at most 8");
    t("featurize smiles(smiles) with morgan(radius: 2, bits: 0, counts: false)", "at least 1");
    t("featurize smiles(smiles) with morgan(radius: 2, bits: 2, counts: true)", "at least 4");
    t("featurize smiles(smiles) with morgan(radius: 2, bits: 64, counts: maybe)", "`counts` value");
}

/// Every distinct SMILES of the shared datasets (the SMILES columns of every table).
fn shared_smiles() -> Vec<String> {
    let data = shared_data("the SMILES reader's property tests");
    let mut found = std::collections::BTreeSet::new();
    let tables = [
        ("chi/chi_experiment.csv", &["polymer", "solvent"][..]),
        ("chi/chi_cosmo_rs.csv", &["polymer", "solvent"]),
        ("gas/gas_transport.csv", &["polymer"]),
        ("radonpy/pi1070_md.csv", &["smiles"]),
        ("chi/polymer_descriptors.csv", &["smiles"]),
        ("chi/solvent_descriptors.csv", &["smiles"]),
        ("gas/polymer_descriptors.csv", &["smiles"]),
        ("radonpy/polymer_descriptors.csv", &["smiles"]),
    ];
    for (file, columns) in tables {
        let mut r = csv::Reader::from_path(data.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let header = r.headers().unwrap().clone();
        let idx: Vec<usize> = columns.iter().map(|c| header.iter().position(|h| h == *c).expect(c)).collect();
        for rec in r.records() {
            let rec = rec.unwrap();
            found.extend(idx.iter().map(|&i| rec[i].to_string()));
        }
    }
    found.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Every shared SMILES parses; and a few thousand random edits of them (a character deleted,
/// duplicated or replaced by a SMILES character) are each read (and then featurized to finite
/// values) or refused with a message that names a character inside the text — never a panic.
#[test]
fn the_reader_reads_every_shared_smiles_and_refuses_edits_cleanly() {
    use rand::{RngExt, SeedableRng};
    use sim2real::data::featurize::smiles::{aromaticity, descriptors, morgan, parse};
    let all = shared_smiles();
    assert!(all.len() >= 2000, "{} SMILES", all.len());
    for s in &all {
        let mol = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert!(!mol.atoms.is_empty());
    }
    let alphabet: Vec<char> = "CNOScno()[]=#123%+-*@H.".chars().collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    let (mut read, mut refused) = (0, 0);
    for _ in 0..5000 {
        let s: Vec<char> = all[rng.random_range(0..all.len())].chars().collect();
        let k = rng.random_range(0..s.len());
        let mut t = s.clone();
        match rng.random_range(0..3) {
            0 => {
                t.remove(k);
            }
            1 => t.insert(k, s[k]),
            _ => t[k] = alphabet[rng.random_range(0..alphabet.len())],
        }
        let text: String = t.iter().collect();
        match parse(&text) {
            Ok(mol) => {
                // Whatever the edit made (new rings, fragments, charges), the features are finite,
                // except RDKit's own NaN: LabuteASA of two bonded `*` atoms (RDKit 2026.09 gives
                // NaN for `C**`; the plan then names the row as a missing value).
                let d = descriptors::features(&mol);
                let fp = morgan::features(&mol, 2, 256, true);
                let labute = descriptors::NAMES.iter().position(|n| *n == "LabuteASA").unwrap();
                let dummy_pair = mol.bonds.iter().any(|b| mol.atoms[b.a].z == 0 && mol.atoms[b.b].z == 0);
                let allowed = |j: usize| j == labute && dummy_pair;
                let bad = d.iter().enumerate().any(|(j, v)| !(v.is_finite() || allowed(j)));
                assert!(!bad && fp.iter().all(|v| v.is_finite()), "{text}: non-finite features {d:?}");
                aromaticity::has_kekule_aromatic_ring(&mol);
                read += 1;
            }
            Err(e) => {
                assert!(e.at <= t.len(), "{text}: {e} points past the end");
                refused += 1;
            }
        }
    }
    assert!(read > 0 && refused > 0, "{read} read, {refused} refused");
}
