//! Bad tables through the binary's `check`: each study in tests/malformed_data/ uses one broken
//! (or merely unusual) table from tests/malformed_data/tables/. A broken one must exit 2 with a
//! message naming the file, the column and the line where that applies, and never panic; an
//! acceptable one (BOM + CRLF, a constant x column, n beyond the source) must exit 0. The plain
//! diagnostics are snapshots (tests/snapshots/reliability_data__*.snap).

use std::path::Path;
use std::process::{Command, Output};

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
    ("log_nonpositive_label", 2, &["`y`", "log needs values > 0"]),
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

fn sim2real(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim2real"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("SIM2REAL_DATA", NO_DATA_DIR)
        .args(args)
        .output()
        .expect("start sim2real")
}

fn study(name: &str) -> String {
    format!("tests/malformed_data/{name}.study")
}

/// stdout + stderr with the checkout's absolute path replaced, for snapshots.
fn plain(o: &Output) -> String {
    let t = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    t.replace(env!("CARGO_MANIFEST_DIR"), "[repo]")
}

#[test]
fn every_bad_table_gets_a_clear_diagnostic_and_no_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed_data");
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

    for &(name, code, needles) in CASES {
        let o = sim2real(&["check", &study(name)]);
        let out = plain(&o);
        assert!(!out.contains("panicked"), "{name}: panicked\n{out}");
        assert_eq!(o.status.code(), Some(code), "{name}: exit code\n{out}");
        for n in needles {
            assert!(out.contains(n), "{name}: the diagnostics lack `{n}`\n{out}");
        }
        if code == 2 {
            assert!(out.contains(&study(name)), "{name}: names the study file\n{out}");
        }
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn all_bad_tables_in_one_check_call_each_get_reported() {
    let names: Vec<String> = CASES.iter().map(|c| study(c.0)).collect();
    let args: Vec<&str> = std::iter::once("check").chain(names.iter().map(String::as_str)).collect();
    let o = sim2real(&args);
    let out = plain(&o);
    assert!(!out.contains("panicked"), "{out}");
    assert_eq!(o.status.code(), Some(2), "{out}");
    for &(name, code, _) in CASES {
        let marker = if code == 0 { format!("ok: {}", study(name)) } else { format!("in {}", study(name)) };
        assert!(out.contains(&marker), "{name} is not reported in a multi-file check\n{out}");
    }
}

#[test]
fn a_constant_feature_column_trains_to_finite_results() {
    // standardize maps a column with zero spread to 0 instead of dividing by zero.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = sim2real(&["run", &study("constant_x"), "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", plain(&o));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let points = results["points"].as_array().expect("points");
    assert!(!points.is_empty());
    for p in points {
        let mae = p["mae_mean"].as_f64().unwrap_or(f64::NAN);
        assert!(mae.is_finite() && mae > 0.0, "a constant column gave MAE {mae}: {p}");
    }
}

#[test]
fn an_n_beyond_the_source_is_capped_with_a_warning() {
    let o = sim2real(&["plan", &study("n_beyond_source")]);
    let out = plain(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("n = [10, 30]"), "{out}");
    assert!(out.contains("warning: n grid: 1000 capped at the source size 30"), "{out}");
}

#[test]
fn a_bom_and_crlf_file_trains_exactly_like_the_plain_one() {
    // The same study text in two folders: one with the BOM + CRLF file, one with good.csv (the
    // same rows) under its name. Equal data gives an equal data fingerprint and equal trials.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed_data");
    let text = std::fs::read_to_string(fixtures.join("bom_crlf.study")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut stores = Vec::new();
    for (dir, table) in [("bom", "bom_crlf.csv"), ("plain", "good.csv")] {
        let d = tmp.path().join(dir);
        std::fs::create_dir_all(d.join("tables")).unwrap();
        std::fs::copy(fixtures.join("tables/good.csv"), d.join("tables/good.csv")).unwrap();
        std::fs::copy(fixtures.join("tables").join(table), d.join("tables/bom_crlf.csv")).unwrap();
        std::fs::write(d.join("s.study"), &text).unwrap();
        let out = d.join("run");
        let o = sim2real(&["run", d.join("s.study").to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{dir}: {}", plain(&o));
        stores.push((std::fs::read(out.join("store.log")).unwrap(), std::fs::read(out.join("trials.csv")).unwrap()));
    }
    assert!(stores[0] == stores[1], "the BOM + CRLF table trains differently from the plain one");
}
