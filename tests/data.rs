//! The data stage: loaders, their errors, where/join/select/drop, column sets, the synthetic
//! generator, parquet, and the real data in $SIM2REAL_DATA.

#![allow(clippy::result_large_err, clippy::needless_range_loop)]
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sim2real::data::{DataContext, DataError, SyntheticTruth, Table, evaluate, evaluate_expr};
use sim2real::ir::{CmpOp, ColumnSet, Cond, Literal, Span, Spanned, SyntheticPart, SyntheticSpec, TableDef, TableExpr};

// ---------------------------------------------------------------- helpers

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data")
}

/// Study folder = the fixtures; the data folder does not exist.
fn ctx() -> DataContext {
    DataContext { study_dir: fixtures(), data_dir: fixtures().join("no-such-data-dir") }
}

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Span::default())
}

fn spn<T>(v: T, at: usize, len: usize) -> Spanned<T> {
    Spanned::new(v, self::at(at, len))
}

/// The span of `len` bytes from `offset`.
fn at(offset: usize, len: usize) -> Span {
    Span::new(offset, offset + len)
}

fn csv(path: &str) -> TableExpr {
    TableExpr::Csv { path: sp(path.to_string()), numeric: Vec::new(), delimiter: None }
}

fn cols(include: &[&str], exclude: &[&str]) -> ColumnSet {
    ColumnSet {
        include: include.iter().map(|s| sp(s.to_string())).collect(),
        exclude: exclude.iter().map(|s| sp(s.to_string())).collect(),
        span: at(0, 0),
    }
}

fn eq_str(col: &str, v: &str) -> Cond {
    Cond::Cmp { column: sp(col.to_string()), op: CmpOp::Eq, value: Literal::Str(v.to_string()) }
}

fn and(a: Cond, b: Cond) -> Cond {
    Cond::And(Box::new(a), Box::new(b))
}

fn load(expr: &TableExpr) -> Result<Table, DataError> {
    evaluate_expr(expr, &BTreeMap::new(), &ctx())
}

fn load_csv(name: &str) -> Table {
    load(&csv(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn load_err(expr: &TableExpr) -> DataError {
    match load(expr) {
        Ok(t) => panic!("expected an error, got a table with {} rows", t.nrows()),
        Err(e) => e,
    }
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(std::string::ToString::to_string).collect()
}

fn assert_mentions(e: &DataError, parts: &[&str]) {
    for p in parts {
        assert!(e.message.contains(p), "message {:?} does not mention {:?}", e.message, p);
    }
}

fn join(left: TableExpr, right: TableExpr, on: &[(&str, &str)]) -> TableExpr {
    TableExpr::Join {
        input: Box::new(left),
        right: Box::new(right),
        on: on.iter().map(|(l, r)| (sp(l.to_string()), sp(r.to_string()))).collect(),
        span: at(40, 9),
    }
}

// ---------------------------------------------------------------- loader errors

#[test]
fn missing_file_names_both_places_looked_at() {
    let e =
        load_err(&TableExpr::Csv { path: spn("nope.csv".to_string(), 12, 10), numeric: Vec::new(), delimiter: None });
    let study = fixtures().join("nope.csv");
    let data = fixtures().join("no-such-data-dir").join("nope.csv");
    assert_mentions(&e, &["nope.csv", "not found", &study.display().to_string(), &data.display().to_string()]);
    assert_eq!(e.file.as_deref(), Some("nope.csv"));
    assert_eq!(e.span, Some(at(12, 10)));
}

#[test]
fn empty_file_is_an_error() {
    let e = load_err(&csv("empty.csv"));
    assert_mentions(&e, &["empty.csv", "empty", "header"]);
    assert_eq!(e.file.as_deref(), Some("empty.csv"));
}

#[test]
fn header_only_file_is_an_error() {
    let e = load_err(&csv("header_only.csv"));
    assert_mentions(&e, &["header_only.csv", "no rows"]);
}

#[test]
fn ragged_row_names_its_line() {
    let e = load_err(&csv("ragged.csv"));
    assert_mentions(&e, &["ragged.csv", "line 3", "2 fields", "has 3"]);
    assert_eq!(e.row, Some(3));
}

#[test]
fn duplicate_column_name_is_an_error_only_where_the_study_uses_it() {
    // The file loads (a spreadsheet export repeats the names of empty columns) ...
    let t = load_csv("dup_col.csv");
    assert_eq!(t.column_names(), vec!["id", "y"], "the repeated `x` columns are left out");
    assert_eq!(t.numeric(&names(&["y"])).unwrap().data, vec![2.0]);
    // ... and using the name is an error with every position.
    let e = t.numeric(&names(&["x"])).unwrap_err();
    assert_mentions(&e, &["dup_col.csv", "`x`", "2 times", "columns 2, 4", "line 1"]);
    assert_eq!(e.column.as_deref(), Some("x"));
    let e = t.resolve(&cols(&["x"], &[])).unwrap_err();
    assert_mentions(&e, &["`x`", "columns 2, 4"]);
    let e = t.resolve(&cols(&["?"], &[])).unwrap_err();
    assert_mentions(&e, &["`x`", "columns 2, 4"]);
    assert_eq!(t.resolve(&cols(&["*"], &["x"])).unwrap(), names(&["id", "y"]), "`except` a repeated name is fine");
    let e = load_err(&where_(
        csv("dup_col.csv"),
        Cond::Cmp { column: sp("x".into()), op: CmpOp::Gt, value: Literal::Num(1.0) },
        (0, 1),
    ));
    assert_mentions(&e, &["`x`", "columns 2, 4"]);
}

#[test]
fn several_unused_none_columns_of_a_spreadsheet_export_load() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("sheet.csv"), "polymer,None,tc,None,None\nA,,0.2,,\nB,,0.3,,\n").unwrap();
    let c = sim2real::data::DataContext { study_dir: tmp.path().to_path_buf(), data_dir: tmp.path().to_path_buf() };
    let t = evaluate_expr(&csv("sheet.csv"), &BTreeMap::new(), &c).unwrap();
    assert_eq!(t.numeric_column("tc").unwrap(), vec![0.2, 0.3]);
    let e = t.numeric_column("None").unwrap_err();
    assert_mentions(&e, &["`None`", "3 times", "columns 2, 4, 5"]);
}

#[test]
fn empty_column_name_is_an_error() {
    let e = load_err(&csv("empty_name.csv"));
    assert_mentions(&e, &["empty_name.csv", "column 2", "no name"]);
}

#[test]
fn bom_and_crlf_are_handled() {
    let t = load_csv("bom.csv");
    assert_eq!(t.column_names(), vec!["id", "x"]);
    assert_eq!(t.numeric_column("x").unwrap(), vec![1.0, 2.0]);
    assert_eq!(t.row_origin(1), Some(("bom.csv".to_string(), 3)));
}

// ---------------------------------------------------------------- cell errors

#[test]
fn nan_cell_is_reported_with_file_column_and_line() {
    let t = load_csv("nan_cell.csv");
    let e = t.numeric(&names(&["y", "x"])).unwrap_err();
    assert_mentions(&e, &["nan_cell.csv", "`x`", "line 3", "NaN"]);
    assert_eq!((e.file.as_deref(), e.column.as_deref(), e.row), (Some("nan_cell.csv"), Some("x"), Some(3)));
    // The other column is fine.
    assert_eq!(t.numeric_column("y").unwrap(), vec![2.0, 3.0, 6.0]);
}

#[test]
fn empty_cell_is_reported_as_missing() {
    let e = load_csv("missing_cell.csv").numeric_column("x").unwrap_err();
    assert_mentions(&e, &["missing_cell.csv", "`x`", "missing", "line 3"]);
}

#[test]
fn inf_cell_is_reported_with_its_value() {
    let e = load_csv("inf_cell.csv").numeric(&names(&["x"])).unwrap_err();
    assert_mentions(&e, &["inf_cell.csv", "`x`", "line 4", "`inf`"]);
    assert_eq!(e.row, Some(4));
}

#[test]
fn text_cell_in_numeric_selection_is_reported_with_its_value() {
    let t = load_csv("text_cell.csv");
    let e = t.numeric(&names(&["y", "x"])).unwrap_err();
    assert_mentions(&e, &["text_cell.csv", "`x`", "line 4", "`n/a`", "not numeric"]);
    assert_eq!(e.row, Some(4));
    let e = t.numeric(&names(&["id"])).unwrap_err();
    assert_mentions(&e, &["`id`", "line 2", "`a`"]);
}

#[test]
fn numeric_matrix_is_row_major_in_table_order() {
    let t = load_csv("polymers.csv");
    let m = t.numeric(&names(&["value"])).unwrap();
    assert_eq!((m.rows, m.cols), (6, 1));
    assert_eq!(m.column(0), vec![1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
    let t = load_csv("nan_cell.csv");
    let m = t.numeric(&names(&["y"])).unwrap();
    assert_eq!(m.data, vec![2.0, 3.0, 6.0]);
}

#[test]
fn text_column_formats_numbers_and_rejects_missing() {
    let t = load_csv("numeric_keys.csv");
    assert_eq!(t.text_column("code").unwrap(), vec!["1", "2", "3"]);
    let e = load_csv("polymers.csv").text_column("polymer").unwrap_err();
    assert_mentions(&e, &["polymers.csv", "`polymer`", "line 6", "missing"]);
}

// ---------------------------------------------------------------- column sets

#[test]
fn column_set_order_globs_and_except() {
    let t = load_csv("columns.csv");
    // Patterns in listed order; each glob in table order; duplicates removed; except applied last.
    let got = t.resolve(&cols(&["a_*", "b_1", "b_*", "a_1"], &["b_2"])).unwrap();
    assert_eq!(got, names(&["a_1", "a_2", "b_1"]));
    assert_eq!(t.resolve(&cols(&["p_?x"], &[])).unwrap(), names(&["p_ax"]));
    assert_eq!(t.resolve(&cols(&["*"], &["id", "y", "p_*"])).unwrap(), names(&["b_2", "a_1", "b_1", "a_2"]));
    assert_eq!(t.resolve(&cols(&["y", "id"], &[])).unwrap(), names(&["y", "id"]));
}

#[test]
fn unknown_column_suggests_the_closest_name() {
    let t = load_csv("polymers.csv");
    let set = ColumnSet { include: vec![spn("vlaue".to_string(), 30, 5)], exclude: vec![], span: at(28, 9) };
    let e = t.resolve(&set).unwrap_err();
    assert_mentions(&e, &["polymers.csv", "no column `vlaue`"]);
    assert_eq!(e.help.as_deref(), Some("did you mean `value`?"));
    assert_eq!(e.span, Some(at(30, 5)));
    let p = e.to_problem(at(0, 1));
    assert_eq!(p.span, at(30, 5));
    assert_eq!(p.help.as_deref(), Some("did you mean `value`?"));
    // An unknown name in `except` is an error too.
    assert!(t.resolve(&cols(&["value"], &["kindd"])).is_err());
}

#[test]
fn glob_matching_nothing_is_an_error() {
    let t = load_csv("polymers.csv");
    let set = ColumnSet { include: vec![spn("d_*".to_string(), 7, 3)], exclude: vec![], span: at(7, 3) };
    let e = t.resolve(&set).unwrap_err();
    assert_mentions(&e, &["`d_*`", "matches no column", "polymers.csv"]);
    assert_eq!(e.span, Some(at(7, 3)));
    assert!(e.help.as_deref().is_some_and(|h| h.contains("`polymer`")));
}

#[test]
fn excluding_everything_is_an_error() {
    let t = load_csv("columns.csv");
    let e = t.resolve(&cols(&["a_*"], &["a_?"])).unwrap_err();
    assert_mentions(&e, &["no columns"]);
}

#[test]
fn select_and_drop() {
    let sel = TableExpr::Select { input: Box::new(csv("columns.csv")), cols: cols(&["y", "a_*"], &[]) };
    assert_eq!(load(&sel).unwrap().column_names(), vec!["y", "a_1", "a_2"]);
    let drop = TableExpr::Drop { input: Box::new(csv("columns.csv")), cols: cols(&["*_?", "p_*"], &["b_1"]) };
    assert_eq!(load(&drop).unwrap().column_names(), vec!["id", "b_1", "y"]);
    let all = TableExpr::Drop { input: Box::new(csv("columns.csv")), cols: cols(&["*"], &[]) };
    assert_mentions(&load_err(&all), &["drops every column"]);
}

// ---------------------------------------------------------------- where

fn where_(input: TableExpr, cond: Cond, span: (usize, usize)) -> TableExpr {
    TableExpr::Where { input: Box::new(input), cond: Spanned::new(cond, at(span.0, span.1)) }
}

#[test]
fn where_filters_rows_and_keeps_line_origins() {
    let e = where_(csv("polymers.csv"), eq_str("kind", "simulation"), (0, 0));
    let t = load(&e).unwrap();
    assert_eq!(t.text_column("id").unwrap(), vec!["p1", "p3", "p4", "p5"]);
    assert_eq!(t.row_origin(1), Some(("polymers.csv".to_string(), 4)));
    let num = Cond::Cmp { column: sp("value".into()), op: CmpOp::Gt, value: Literal::Num(3.0) };
    let t = load(&where_(csv("polymers.csv"), and(num, eq_str("kind", "simulation")), (0, 0))).unwrap();
    assert_eq!(t.text_column("id").unwrap(), vec!["p3", "p4", "p5"]);
    // A missing cell never matches, not even `!=`.
    let ne = Cond::Cmp { column: sp("polymer".into()), op: CmpOp::Ne, value: Literal::Str("CC".into()) };
    let t = load(&where_(csv("polymers.csv"), ne, (0, 0))).unwrap();
    assert_eq!(t.text_column("id").unwrap(), vec!["p2", "p3", "p4"]);
}

#[test]
fn where_type_mismatch_is_an_error_at_the_condition() {
    let c = Cond::Cmp { column: sp("kind".into()), op: CmpOp::Eq, value: Literal::Num(1.0) };
    let e = load_err(&where_(csv("polymers.csv"), c, (50, 12)));
    assert_mentions(&e, &["type mismatch", "`kind`", "polymers.csv", "text", "number"]);
    assert_eq!(e.span, Some(at(50, 12)));
    let c = Cond::In { column: sp("value".into()), values: vec![Literal::Num(1.5), Literal::Str("2.5".into())] };
    let e = load_err(&where_(csv("polymers.csv"), c, (60, 3)));
    assert_mentions(&e, &["type mismatch", "`value`", "numeric", "\"2.5\""]);
    assert_eq!(e.span, Some(at(60, 3)));
    assert!(e.help.as_deref().is_some_and(|h| h.contains("without quotes")));
}

#[test]
fn where_unknown_column_suggests_and_points_at_the_column() {
    let c = Cond::Cmp { column: spn("knd".into(), 70, 3), op: CmpOp::Eq, value: Literal::Str("x".into()) };
    let e = load_err(&where_(csv("polymers.csv"), c, (70, 10)));
    assert_mentions(&e, &["no column `knd`"]);
    assert_eq!(e.help.as_deref(), Some("did you mean `kind`?"));
    assert_eq!(e.span, Some(at(70, 3)));
}

#[test]
fn where_keeping_no_rows_is_an_error() {
    let e = load_err(&where_(csv("polymers.csv"), eq_str("kind", "Simulation"), (5, 5)));
    assert_mentions(&e, &["keeps none of the 6 rows", "polymers.csv"]);
}

// ---------------------------------------------------------------- join

#[test]
fn join_is_an_inner_join_in_left_order() {
    let t = load(&join(csv("polymers.csv"), csv("descriptors.csv"), &[("polymer", "smiles")])).unwrap();
    assert_eq!(t.column_names(), vec!["id", "polymer", "value", "kind", "d_a", "d_b", "note"]);
    // p3 (CN) has no partner, p5 has no key; CF on the right is unused.
    assert_eq!(t.text_column("id").unwrap(), vec!["p1", "p2", "p4", "p6"]);
    assert_eq!(t.numeric_column("d_a").unwrap(), vec![20.0, 21.0, 30.0, 20.0]);
    assert_eq!(t.text_column("note").unwrap(), vec!["two", "two-o", "three", "two"]);
    // Row origins follow the left table.
    assert_eq!(t.row_origin(2), Some(("polymers.csv".to_string(), 5)));
    let x = t.resolve(&cols(&["d_*"], &[])).unwrap();
    let m = t.numeric(&x).unwrap();
    assert_eq!(m.row(3), &[20.0, 200.0]);
}

#[test]
fn join_that_drops_left_rows_says_how_many_and_which() {
    let t = load(&join(csv("polymers.csv"), csv("descriptors.csv"), &[("polymer", "smiles")])).unwrap();
    assert_eq!(t.notes().len(), 1, "{:?}", t.notes());
    let note = &t.notes()[0];
    for part in [
        "polymers.csv",
        "descriptors.csv",
        "drops 2 of the 6 rows",
        "`polymer` = \"CN\" at line 4",
        "`polymer` missing at line 6",
    ] {
        assert!(note.contains(part), "{part:?} not in {note:?}");
    }
    // A join that keeps every left row says nothing.
    let t = load(&join(csv("numeric_keys.csv"), csv("text_keys.csv"), &[("code", "code")])).unwrap();
    let kept = load(&csv("numeric_keys.csv")).unwrap().nrows();
    assert_eq!(t.notes().is_empty(), t.nrows() == kept, "{:?}", t.notes());
}

#[test]
fn a_numeric_column_with_formula_cells_says_how_many_and_where() {
    // 144 cells of a numeric column hold spreadsheet formulas (as in a public table).
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("id,k,x\n");
    for i in 0..300 {
        let k = if i % 2 == 1 && i < 289 { format!("=F{i}/G{i}*B{i}") } else { format!("0.{}", 10 + i % 80) };
        text.push_str(&format!("p{i},{k},{i}\n"));
    }
    std::fs::write(tmp.path().join("t.csv"), &text).unwrap();
    let c = DataContext { study_dir: tmp.path().to_path_buf(), data_dir: tmp.path().to_path_buf() };
    let t = evaluate_expr(&csv("t.csv"), &BTreeMap::new(), &c).unwrap();
    let e = t.numeric(&names(&["x", "k"])).unwrap_err();
    assert_mentions(
        &e,
        &[
            "`k`",
            "t.csv",
            "not numeric",
            "144 of its 300 non-empty cells are not numbers",
            "line 3 `=F1/G1*B1`",
            "line 5 `=F3/G3*B3`",
            "and 141 more",
            "read as text",
        ],
    );
    assert_eq!(e.row, Some(3));
    assert!(e.help.as_deref().is_some_and(|h| h.contains("numeric: [k]")), "{:?}", e.help);
    // A `where` comparing it with a number says the same, not "holds values like \"0.1\"".
    let gt = Cond::Cmp { column: sp("k".into()), op: CmpOp::Gt, value: Literal::Num(0.5) };
    let e = evaluate_expr(&where_(csv("t.csv"), gt.clone(), (0, 1)), &BTreeMap::new(), &c).unwrap_err();
    assert_mentions(&e, &["`k`", "144 of its 300", "line 3 `=F1/G1*B1`"]);
    // `numeric: [k]` reads them as missing, with a note that counts them.
    let forced = TableExpr::Csv { path: sp("t.csv".into()), numeric: vec![sp("k".into())], delimiter: None };
    let t = evaluate_expr(&forced, &BTreeMap::new(), &c).unwrap();
    let k = t.column("k").unwrap();
    assert!(k.is_numeric() && k.is_missing(1) && !k.is_missing(0));
    assert!(
        t.notes()[0].contains("144 cell(s) of column `k` are not numbers and are read as missing"),
        "{:?}",
        t.notes()
    );
    let kept = evaluate_expr(&where_(forced.clone(), gt, (0, 1)), &BTreeMap::new(), &c).unwrap();
    assert!(kept.nrows() > 0);
    // A name in `numeric:` that is not a column is an error at its span.
    let bad = TableExpr::Csv { path: sp("t.csv".into()), numeric: vec![spn("kk".into(), 30, 2)], delimiter: None };
    let e = evaluate_expr(&bad, &BTreeMap::new(), &c).unwrap_err();
    assert_mentions(&e, &["`kk`", "no such column"]);
    assert_eq!(e.span, Some(at(30, 2)));
}

#[test]
fn join_compares_as_text_when_either_key_is_text() {
    let t = load(&join(csv("numeric_keys.csv"), csv("text_keys.csv"), &[("code", "code")])).unwrap();
    assert_eq!(t.column_names(), vec!["code", "w", "label"]);
    assert_eq!(t.text_column("label").unwrap(), vec!["one", "three"]);
    assert_eq!(t.numeric_column("w").unwrap(), vec![10.0, 30.0]);
}

#[test]
fn join_duplicate_right_key_names_the_key_and_both_lines() {
    let e = load_err(&join(csv("polymers.csv"), csv("descriptors_dup.csv"), &[("polymer", "smiles")]));
    assert_mentions(&e, &["descriptors_dup.csv", "\"CC\"", "twice", "line 2", "line 4"]);
    assert_eq!(e.span, Some(at(40, 9)));
}

#[test]
fn join_name_clash_lists_the_columns() {
    let e = load_err(&join(csv("polymers.csv"), csv("clash.csv"), &[("polymer", "smiles")]));
    assert_mentions(&e, &["`value`", "`kind`", "polymers.csv", "clash.csv"]);
}

/// A right table sharing 170 columns with the left: the message shows the first few and the
/// count, not all 170 names.
#[test]
fn join_clash_of_many_columns_shows_a_few_and_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let descriptors: Vec<String> = (0..170).map(|i| format!("d_{i:03}")).collect();
    let write = |name: &str, key: &str| {
        let mut text = format!("{key},{}\n", descriptors.join(","));
        for r in 0..3 {
            text.push_str(&format!("p{r},{}\n", vec!["1.5"; 170].join(",")));
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    };
    write("left.csv", "polymer");
    write("right.csv", "smiles");
    let ctx = DataContext { study_dir: dir.path().to_path_buf(), data_dir: dir.path().join("none") };
    let expr = join(csv("left.csv"), csv("right.csv"), &[("polymer", "smiles")]);
    let e = evaluate_expr(&expr, &BTreeMap::new(), &ctx).expect_err("a clash");
    assert_mentions(
        &e,
        &["left.csv", "right.csv", "170 columns in common", "`d_000`, `d_001`, `d_002`, `d_003`, `d_004` and 165 more"],
    );
    assert!(!e.message.contains("d_005"), "{}", e.message);
    let help = e.help.clone().unwrap_or_default();
    assert!(help.contains("| drop COLS") && help.contains("`d_*`"), "{help}");
}

#[test]
fn join_unknown_key_suggests() {
    let e = load_err(&join(csv("polymers.csv"), csv("descriptors.csv"), &[("polymer", "smile")]));
    assert_mentions(&e, &["descriptors.csv", "no column `smile`"]);
    assert_eq!(e.help.as_deref(), Some("did you mean `smiles`?"));
}

// ---------------------------------------------------------------- evaluate, refs, fingerprint

#[test]
fn evaluate_runs_definitions_in_order_with_refs() {
    let defs = vec![
        TableDef { name: "p".into(), expr: csv("polymers.csv"), span: at(0, 1) },
        TableDef { name: "d".into(), expr: csv("descriptors.csv"), span: at(2, 1) },
        TableDef {
            name: "sim".into(),
            expr: TableExpr::Drop {
                input: Box::new(join(
                    where_(TableExpr::Ref(sp("p".into())), eq_str("kind", "simulation"), (0, 0)),
                    TableExpr::Ref(sp("d".into())),
                    &[("polymer", "smiles")],
                )),
                cols: cols(&["note"], &[]),
            },
            span: at(4, 1),
        },
    ];
    let out = evaluate(&defs, &ctx()).unwrap();
    assert_eq!(out.keys().collect::<Vec<_>>(), vec!["d", "p", "sim"]);
    let sim = &out["sim"];
    assert_eq!(sim.text_column("id").unwrap(), vec!["p1", "p4"]);
    assert_eq!(sim.column_names(), vec!["id", "polymer", "value", "kind", "d_a", "d_b"]);

    let bad = vec![TableDef { name: "x".into(), expr: TableExpr::Ref(spn("pp".into(), 9, 2)), span: at(0, 20) }];
    let e = evaluate(&bad, &ctx()).unwrap_err();
    assert_mentions(&e, &["unknown table `pp`"]);
    assert_eq!(e.span, Some(at(9, 2)));
}

#[test]
fn errors_without_span_take_the_definition_span() {
    let defs = vec![TableDef { name: "e".into(), expr: csv("empty.csv"), span: at(3, 4) }];
    let e = evaluate(&defs, &ctx()).unwrap_err();
    // The loader attaches the path's span, (0, 0) here; the definition span is only a fallback.
    assert_eq!(e.span, Some(at(0, 0)));
    let p = DataError::new(sim2real::diag::ProblemKind::EmptyDataPath).to_problem(at(3, 4));
    assert_eq!(p.span, at(3, 4));
}

#[test]
fn fingerprint_tracks_content() {
    let a = load_csv("polymers.csv");
    let b = load_csv("polymers.csv");
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.fingerprint().len(), 64);
    assert!(a.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
    let filtered = load(&where_(csv("polymers.csv"), eq_str("kind", "simulation"), (0, 0))).unwrap();
    assert_ne!(a.fingerprint(), filtered.fingerprint());
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(fixtures().join("polymers.csv")).unwrap();
    std::fs::write(dir.path().join("p.csv"), src.replace("4.5", "4.6")).unwrap();
    let changed = evaluate_expr(
        &csv("p.csv"),
        &BTreeMap::new(),
        &DataContext { study_dir: dir.path().to_path_buf(), data_dir: dir.path().to_path_buf() },
    )
    .unwrap();
    assert_ne!(a.fingerprint(), changed.fingerprint());
}

#[test]
fn resolve_prefers_the_study_folder_then_the_data_folder() {
    let study = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(study.path().join("a.csv"), "x\n1\n").unwrap();
    std::fs::write(data.path().join("a.csv"), "x\n2\n").unwrap();
    std::fs::write(data.path().join("b.csv"), "x\n3\n").unwrap();
    let c = DataContext { study_dir: study.path().to_path_buf(), data_dir: data.path().to_path_buf() };
    assert_eq!(c.resolve("a.csv").unwrap(), study.path().join("a.csv"));
    assert_eq!(c.resolve("b.csv").unwrap(), data.path().join("b.csv"));
    let abs = data.path().join("a.csv");
    assert_eq!(c.resolve(abs.to_str().unwrap()).unwrap(), abs);
    assert!(c.resolve(data.path().join("zz.csv").to_str().unwrap()).is_err());
}

// ---------------------------------------------------------------- synthetic

fn spec(part: SyntheticPart, rows: usize, features: usize, bias: f64, noise: f64, seed: u64) -> SyntheticSpec {
    SyntheticSpec { part, rows, features, bias, noise, seed }
}

fn synth(s: SyntheticSpec) -> Table {
    load(&TableExpr::Synthetic(sp(s))).unwrap()
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, (v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / n).sqrt())
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let ((ma, sa), (mb, sb)) = (mean_sd(a), mean_sd(b));
    a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / (a.len() as f64 * sa * sb)
}

/// R² of the least-squares fit of `y` on `[1, x]` (normal equations, Gaussian elimination).
fn linear_r2(x: &sim2real::data::Matrix, y: &[f64]) -> f64 {
    let p = x.cols + 1;
    let mut a = vec![vec![0.0; p + 1]; p];
    for r in 0..x.rows {
        let row: Vec<f64> = std::iter::once(1.0).chain(x.row(r).iter().copied()).collect();
        for i in 0..p {
            for j in 0..p {
                a[i][j] += row[i] * row[j];
            }
            a[i][p] += row[i] * y[r];
        }
    }
    for c in 0..p {
        let piv = (c..p).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap();
        a.swap(c, piv);
        for i in 0..p {
            if i != c {
                let f = a[i][c] / a[c][c];
                for j in c..=p {
                    a[i][j] -= f * a[c][j];
                }
            }
        }
    }
    let beta: Vec<f64> = (0..p).map(|i| a[i][p] / a[i][i]).collect();
    let resid: Vec<f64> = (0..x.rows)
        .map(|r| y[r] - beta[0] - x.row(r).iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    1.0 - mean_sd(&resid).1.powi(2) / mean_sd(y).1.powi(2)
}

#[test]
fn synthetic_is_deterministic_and_parts_share_the_truth() {
    let s = spec(SyntheticPart::Source, 500, 6, 0.3, 0.05, 11);
    let a = synth(s.clone());
    let b = synth(s.clone());
    assert_eq!(a, b);
    assert_eq!(a.fingerprint(), b.fingerprint());
    let names: Vec<String> = (1..=6).map(|j| format!("f_{j}")).chain(["y".into(), "y_true".into()]).collect();
    assert_eq!(a.column_names(), names.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(a.row_origin(4).map(|o| o.1), Some(5));
    assert!(a.row_origin(0).unwrap().0.starts_with("synthetic(part: source"));

    let other_seed = synth(SyntheticSpec { seed: 12, ..s.clone() });
    assert_ne!(a.numeric_column("f_1").unwrap(), other_seed.numeric_column("f_1").unwrap());

    let t = synth(spec(SyntheticPart::Target, 300, 6, 0.0, 0.1, 11));
    assert_ne!(a.numeric_column("f_1").unwrap()[..300], t.numeric_column("f_1").unwrap()[..]);

    // Both parts' y_true is the same function g of x.
    let truth = SyntheticTruth::new(11, 6);
    let x_cols = &names[..6];
    for table in [&a, &t] {
        let x = table.numeric(x_cols).unwrap();
        let y_true = table.numeric_column("y_true").unwrap();
        for r in 0..x.rows {
            assert!((truth.g(x.row(r)) - y_true[r]).abs() < 1e-12, "row {r}");
        }
    }
    // A different seed is a different truth.
    let x = a.numeric(x_cols).unwrap();
    let other = SyntheticTruth::new(12, 6);
    assert!((0..x.rows).any(|r| (other.g(x.row(r)) - truth.g(x.row(r))).abs() > 1e-3));
}

#[test]
fn synthetic_truth_has_unit_sd_and_is_nonlinear() {
    let t = synth(spec(SyntheticPart::Target, 20_000, 8, 0.0, 0.1, 3));
    let y_true = t.numeric_column("y_true").unwrap();
    let (m, sd) = mean_sd(&y_true);
    assert!(m.abs() < 0.05, "mean {m}");
    assert!((sd - 1.0).abs() < 0.05, "sd {sd}");
    let x: Vec<String> = (1..=8).map(|j| format!("f_{j}")).collect();
    let r2 = linear_r2(&t.numeric(&x).unwrap(), &y_true);
    assert!(r2 < 0.8 && r2 > 0.1, "a linear model explains R² = {r2} of g");
    // Target labels: truth plus noise of the requested sd, unrelated to the source's bias.
    let y = t.numeric_column("y").unwrap();
    let resid: Vec<f64> = y.iter().zip(&y_true).map(|(a, b)| a - b).collect();
    assert!((mean_sd(&resid).1 - 0.1).abs() < 0.005);
}

#[test]
fn synthetic_source_has_the_bias_structure() {
    let (bias, noise) = (0.4, 0.05);
    let t = synth(spec(SyntheticPart::Source, 20_000, 5, bias, noise, 9));
    let x_names: Vec<String> = (1..=5).map(|j| format!("f_{j}")).collect();
    let x = t.numeric(&x_names).unwrap();
    let y = t.numeric_column("y").unwrap();
    let y_true = t.numeric_column("y_true").unwrap();
    let truth = SyntheticTruth::new(9, 5);
    let err: Vec<f64> = y.iter().zip(&y_true).map(|(a, b)| a - b).collect();
    let b: Vec<f64> = (0..x.rows).map(|r| truth.b(x.row(r))).collect();
    // y − y_true = bias·b(x) + noise·ε exactly in distribution: the remainder is the noise.
    let rest: Vec<f64> = err.iter().zip(&b).map(|(e, b)| e - bias * b).collect();
    let (m, sd) = mean_sd(&rest);
    assert!(m.abs() < 0.005 && (sd - noise).abs() < 0.003, "remainder mean {m}, sd {sd}");
    assert!(corr(&err, &b) > 0.99);
    let (bm, bsd) = mean_sd(&b);
    assert!(bm.abs() < 0.05 && (bsd - 1.0).abs() < 0.05, "b: mean {bm}, sd {bsd}");
    // The error is mostly a linear tilt: smooth, systematic, predictable from x.
    let r2 = linear_r2(&x, &err);
    assert!(r2 > 0.8, "linear R² of the bias {r2}");
}

// ---------------------------------------------------------------- parquet

#[test]
fn parquet_round_trip() {
    use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let schema = Arc::new(
        parse_message_type(
            "message t { REQUIRED BYTE_ARRAY name (UTF8); REQUIRED INT32 k; OPTIONAL DOUBLE v; REQUIRED BOOLEAN flag; }",
        )
        .unwrap(),
    );
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, Default::default()).unwrap();
    let mut rg = writer.next_row_group().unwrap();
    let mut i = 0;
    while let Some(mut col) = rg.next_column().unwrap() {
        match i {
            0 => {
                let v: Vec<ByteArray> = ["a", "b", "c"].iter().map(|s| ByteArray::from(*s)).collect();
                col.typed::<ByteArrayType>().write_batch(&v, None, None).unwrap();
            }
            1 => {
                col.typed::<Int32Type>().write_batch(&[7, 8, 9], None, None).unwrap();
            }
            2 => {
                col.typed::<DoubleType>().write_batch(&[0.5, 2.5], Some(&[1, 0, 1]), None).unwrap();
            }
            _ => {
                col.typed::<BoolType>().write_batch(&[true, false, true], None, None).unwrap();
            }
        }
        col.close().unwrap();
        i += 1;
    }
    rg.close().unwrap();
    writer.close().unwrap();

    let c = DataContext { study_dir: dir.path().to_path_buf(), data_dir: dir.path().to_path_buf() };
    let t = evaluate_expr(&TableExpr::Parquet(sp("t.parquet".into())), &BTreeMap::new(), &c).unwrap();
    assert_eq!(t.column_names(), vec!["name", "k", "v", "flag"]);
    assert_eq!(t.text_column("name").unwrap(), vec!["a", "b", "c"]);
    assert_eq!(t.numeric_column("k").unwrap(), vec![7.0, 8.0, 9.0]);
    assert_eq!(t.numeric_column("flag").unwrap(), vec![1.0, 0.0, 1.0]);
    let e = t.numeric_column("v").unwrap_err();
    assert_mentions(&e, &["t.parquet", "`v`", "row 2", "missing"]);
    assert!(!t.column("name").unwrap().is_numeric());

    // Not a parquet file: said plainly (not "Corrupt footer"), with `csv(...)` for a CSV file.
    std::fs::write(dir.path().join("bad.parquet"), "x,y\n1,2\n").unwrap();
    let e = evaluate_expr(&TableExpr::Parquet(sp("bad.parquet".into())), &BTreeMap::new(), &c).unwrap_err();
    assert_mentions(&e, &["bad.parquet is not a Parquet file"]);
    assert!(e.help.as_deref().is_some_and(|h| h.contains("`x,y`") && h.contains("csv(...)")), "{e:?}");
    std::fs::write(dir.path().join("empty.parquet"), "").unwrap();
    let e = evaluate_expr(&TableExpr::Parquet(sp("empty.parquet".into())), &BTreeMap::new(), &c).unwrap_err();
    assert_mentions(&e, &["empty.parquet is not a Parquet file (it is empty)"]);
}

// ---------------------------------------------------------------- real data

/// Parquet files as pandas (pyarrow) writes them with each common codec: zstd (polars' default),
/// snappy (pandas'), gzip and lz4 (tests/fixtures/parquet/README.md).
#[test]
fn parquet_files_compressed_with_zstd_gzip_lz4_or_snappy_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parquet");
    let c = DataContext { study_dir: dir.clone(), data_dir: dir };
    for codec in ["zstd", "gzip", "lz4", "snappy"] {
        let file = format!("{codec}.parquet");
        let t = evaluate_expr(&TableExpr::Parquet(sp(file.clone())), &BTreeMap::new(), &c)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(t.column_names(), vec!["polymer", "x1", "n", "y"], "{file}");
        assert_eq!(t.text_column("polymer").unwrap(), vec!["p1", "p2", "p3", "p4"], "{file}");
        assert_eq!(t.numeric_column("x1").unwrap(), vec![0.5, 1.25, -2.0, 3.5], "{file}");
        assert_eq!(t.numeric_column("n").unwrap(), vec![10.0, 20.0, 30.0, 40.0], "{file}");
        assert_mentions(&t.numeric_column("y").unwrap_err(), &["`y`", "row 2", "missing"]);
    }
}

#[test]
fn real_gas_data_joins_into_a_finite_matrix() {
    let ctx = DataContext::from_env(Path::new(env!("CARGO_MANIFEST_DIR")));
    crate::support::shared_data("the gas join check");
    assert!(
        ctx.data_dir.join("gas/gas_transport.csv").is_file(),
        "no gas/gas_transport.csv under {}",
        ctx.data_dir.display()
    );
    let cond = and(and(eq_str("property", "permeability"), eq_str("kind", "simulation")), eq_str("gas", "CO2"));
    let expr = join(
        where_(csv("gas/gas_transport.csv"), cond, (0, 0)),
        csv("gas/polymer_descriptors.csv"),
        &[("polymer", "smiles")],
    );
    let t = evaluate_expr(&expr, &BTreeMap::new(), &ctx).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.nrows() >= 100 && t.nrows() <= 188, "{} rows", t.nrows());
    let x = t.resolve(&cols(&["d_*"], &[])).unwrap();
    assert!(x.len() > 100, "{} descriptor columns", x.len());
    assert!(!x.iter().any(|c| c == "smiles"));
    let m = t.numeric(&x).unwrap();
    assert_eq!((m.rows, m.cols), (t.nrows(), x.len()));
    assert!(m.data.iter().all(|v| v.is_finite()));
    let y = t.numeric_column("log10_value").unwrap();
    assert!(y.iter().all(|v| v.is_finite()));
    assert_eq!(t.text_column("gas").unwrap().iter().filter(|g| *g == "CO2").count(), t.nrows());
    assert_eq!(t.row_origin(0).map(|o| o.0), Some("gas/gas_transport.csv".to_string()));
}
