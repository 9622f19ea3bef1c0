//! Bad tables through the binary's `check`: each study in tests/malformed_data/ uses one broken
//! (or merely unusual) table from tests/malformed_data/tables/. A broken one must exit 2 with a
//! message naming the file, the column and the line where that applies, and never panic; an
//! acceptable one (BOM + CRLF, a constant x column, n beyond the source) must exit 0. The plain
//! diagnostics are snapshots, one per study (tests/snapshots/main__reliability_data__check@*.snap).

use crate::support::{Test, repo};

/// (study name, expected exit code, texts the diagnostics must contain).
const CASES: &[(&str, i32, &[&str])] = &[
    ("missing_column", 2, &["tables/good.csv", "`x9`", "columns are"]),
    ("duplicate_columns", 2, &["tables/dup_columns.csv", "`x1`", "line 1"]),
    ("text_in_x", 2, &["tables/text_in_x.csv", "`x2`", "line 7", "n/a"]),
    ("nan_in_x", 2, &["tables/nan_in_x.csv", "`x1`", "line 11"]),
    ("inf_in_x", 2, &["tables/inf_in_x.csv", "`x2`", "line 14"]),
    ("empty_cell_in_x", 2, &["tables/empty_cell_in_x.csv", "`x1`", "line 5"]),
    ("empty_file", 2, &["tables/empty.csv", "empty"]),
    ("whitespace_file", 2, &["tables/whitespace.csv", "empty"]),
    ("header_only", 2, &["tables/header_only.csv", "no rows"]),
    ("ragged_row", 2, &["tables/ragged.csv", "line 16", "6 fields"]),
    ("bad_utf8", 2, &["tables/bad_utf8.csv", "line 7", "`grp`", "UTF-8"]),
    ("missing_file", 2, &["tables/no_such_file.csv", "not found"]),
    ("duplicate_join_keys", 2, &["tables/desc_dup_keys.csv", "`key`", "\"p07\"", "line 8", "line 32"]),
    ("join_matches_nothing", 2, &["tables/desc_other_keys.csv", "matches none", "\"p01\"", "\"q0\""]),
    ("where_keeps_nothing", 2, &["tables/good.csv", "keeps none"]),
    ("where_on_missing_column", 2, &["tables/good.csv", "`kind`", "columns are"]),
    ("nan_label", 2, &["tables/nan_label.csv", "`y`", "line 19"]),
    ("text_label", 2, &["tables/text_label.csv", "`y`", "not numeric", "low"]),
    ("group_missing", 2, &["tables/group_missing.csv", "`grp`", "line 22"]),
    ("report_by_unknown_column", 2, &["tables/good.csv", "`grpp`", "did you mean `grp`?"]),
    ("log_nonpositive_label", 2, &["`y`", "log needs values > 0", "is -1.5", "`log1p` fails too", "`yeo_johnson`"]),
    ("log_above_minus_one_label", 2, &["`y`", "log needs values > 0", "is -0.5", "`log1p` accepts it"]),
    ("target_two_rows", 2, &["`tgt`", "2 rows"]),
    ("m_beyond_target", 2, &["m = 500", "24"]),
    ("x_width_mismatch", 2, &["3 feature columns", "2"]),
    ("x_names_differ", 2, &["differ by name", "only the source has `x3`", "`x2`"]),
    ("x_order_differs", 2, &["different order", "from column 1", "`x2` in the target", "≠ x2"]),
    ("power_law_two_n", 2, &["`fit power_law` needs at least 3 values of n", "10, 30"]),
    ("glob_matches_nothing", 2, &["`d_*`", "tables/good.csv"]),
    ("bom_crlf", 0, &["ok:"]),
    ("constant_x", 0, &["ok:"]),
    ("n_beyond_source", 0, &["ok:"]),
];

/// Where relative lookups fall back to: fixed, so that "not found" messages are stable.
const NO_DATA_DIR: &str = "/nonexistent/sim2real-data";

/// A case run from the repository root (so that the studies' paths in the output are relative).
fn in_repo() -> Test {
    Test::new().current_dir(repo()).env("SIM2REAL_DATA", NO_DATA_DIR)
}

fn study(name: &str) -> String {
    format!("tests/malformed_data/{name}.study")
}

/// The output with the checkout's absolute path replaced, for snapshots.
fn plain(text: &str) -> String {
    text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]")
}

#[test]
fn every_bad_table_gets_a_clear_diagnostic_and_no_panic() {
    let dir = repo().join("tests/malformed_data");
    // Every study in the folder is listed above, and every listed one exists.
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "study").then(|| p.file_stem().unwrap().to_string_lossy().to_string())
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/malformed_data/*.study and CASES differ");
    assert!(CASES.len() >= 20);

    // One snapshot per study: tests/snapshots/main__reliability_data__check@NAME.study.snap.
    insta::glob!("malformed_data/*.study", |path| {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let &(_, code, needles) = CASES.iter().find(|c| c.0 == name).expect("listed in CASES");
        let mut case = in_repo().args(["check", &study(name)]).status(code);
        for n in needles {
            case = case.output_contains(*n);
        }
        if code == 2 {
            case = case.output_contains(study(name)); // names the study file
        }
        insta::assert_snapshot!("check", plain(&case.run().text()));
    });
}

#[test]
fn all_bad_tables_in_one_check_call_each_get_reported() {
    let mut case = in_repo().arg("check").args(CASES.iter().map(|c| study(c.0))).status(2);
    for &(name, code, _) in CASES {
        case = case.output_contains(if code == 0 {
            format!("ok: {}", study(name))
        } else {
            format!("in {}", study(name))
        });
    }
    case.run();
}

#[test]
fn a_constant_feature_column_trains_to_finite_results() {
    // standardize maps a column with zero spread to 0 instead of dividing by zero.
    let case = in_repo();
    let out = case.path("run");
    let results = case.args(["run", &study("constant_x"), "--out", &out, "--quiet"]).run().json("run/results.json");
    let points = results["points"].as_array().expect("points");
    assert!(!points.is_empty());
    for p in points {
        let mae = p["mae_mean"].as_f64().unwrap_or(f64::NAN);
        assert!(mae.is_finite() && mae > 0.0, "a constant column gave MAE {mae}: {p}");
    }
}

#[test]
fn an_n_beyond_the_source_is_capped_with_a_warning() {
    in_repo()
        .args(["plan", &study("n_beyond_source")])
        .output_contains("n = [10, 30]")
        .output_contains("warning: n grid: 1000 capped at the source size 30")
        .run();
}

#[test]
fn a_bom_and_crlf_file_trains_exactly_like_the_plain_one() {
    // The same study text in two folders: one with the BOM + CRLF file, one with good.csv (the
    // same rows) under its name. Equal data gives an equal data fingerprint and equal trials.
    let fixtures = repo().join("tests/malformed_data");
    let read = |rel: &str| std::fs::read(fixtures.join(rel)).unwrap();
    let mut stores = Vec::new();
    for table in ["bom_crlf.csv", "good.csv"] {
        let case = in_repo()
            .file("tables/good.csv", read("tables/good.csv"))
            .file("tables/bom_crlf.csv", read(&format!("tables/{table}")))
            .file("s.study", read("bom_crlf.study"));
        let (study, out) = (case.path("s.study"), case.path("run"));
        let ran = case.args(["run", &study, "--out", &out, "--quiet"]).run();
        // The store's job records (its `run` record names the study's folder, which differs).
        let log = std::fs::read_to_string(ran.path("run/store.log")).unwrap();
        let jobs: Vec<String> = log.lines().filter(|l| !l.contains(r#"{"type":"run""#)).map(str::to_string).collect();
        stores.push((jobs, std::fs::read(ran.path("run/trials.csv")).unwrap()));
    }
    assert!(stores[0] == stores[1], "the BOM + CRLF table trains differently from the plain one");
}
