//! `featurize composition(...)`: the Magpie preset against matminer, fractions, bad formulas
//! (error or `on_error = drop`), and `sim2real table`.

use crate::support::Test;

/// Valid formulas that pad a table to a size the planner accepts.
const PAD: [&str; 30] = [
    "Fe2O3", "NaCl", "Al2O3", "SiO2", "TiO2", "ZnO", "GaAs", "CdTe", "Bi2Te3", "PbTe", "SnSe", "Mg2Si", "CoSb3",
    "LiFePO4", "LiCoO2", "BaTiO3", "SrTiO3", "CaTiO3", "MgB2", "NiO", "MnO2", "WC", "TiN", "SiC", "BN", "AlN", "GaN",
    "InP", "ZrO2", "CeO2",
];

/// A study whose source `t` (t.csv) and target `u` (the padding formulas) are featurized by
/// `op`; both have the columns `formula` and `y`.
fn study(op: &str) -> String {
    let x = if op.contains("fractions") { "el_*" } else { "mp_*" };
    format!(
        "study feat\ndata t = csv(\"t.csv\")\n  | {op}\ndata u = csv(\"u.csv\") | {op}\nsource t {{ x = {x}  y = y }}\ntarget u {{ x = {x}  y = y }}\ngrid {{ n = [10]  m = [1.0]  trials = 2 }}\n"
    )
}

fn csv_of(formulas: &[&str]) -> String {
    csv_with("formula", formulas)
}

/// A CSV with the text column `column` holding `values` and `y` = 0, 1, 2, ….
pub(crate) fn csv_with(column: &str, values: &[&str]) -> String {
    let mut s = format!("{column},y\n");
    for (i, v) in values.iter().enumerate() {
        s += &format!("\"{v}\",{i}\n");
    }
    s
}

/// A case with `study(op)`, t.csv holding `formulas` and u.csv the padding.
fn case(op: &str, formulas: &[&str]) -> Test {
    Test::new().study(&study(op)).file("t.csv", csv_of(formulas)).file("u.csv", csv_of(&PAD))
}

/// Parses a CSV into its header and rows of cells.
pub(crate) fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// Every Magpie feature of 320 formulas (real compounds, random ones over Z = 1..118 with
/// imputed properties, decimals, fractions, nested brackets, hydrates) equals matminer's to 1e-6
/// relative. The reference was written by scripts/magpie_reference.py with matminer 0.10.1.
#[test]
fn magpie_matches_matminer() {
    let reference = include_str!("fixtures/featurize/magpie_reference.csv");
    let (ref_header, ref_rows) = read_csv(reference);
    let formulas: Vec<&str> = ref_rows.iter().map(|r| r[0].as_str()).collect();
    assert!(formulas.len() >= 300);
    let ran = case("featurize composition(formula) with magpie", &formulas)
        .args(["table", "s.study", "t", "--out", "out.csv"])
        .stderr_contains(format!("wrote {} rows of `t`", formulas.len()))
        .run();
    let (header, rows) = read_csv(&ran.read("out.csv"));
    assert_eq!(&header[2..], &ref_header[2..], "column names and order are matminer's");
    let mut compared = 0;
    for (r, (got, want)) in rows.iter().zip(&ref_rows).enumerate() {
        assert_eq!(got[0], want[0]);
        for c in 2..header.len() {
            let (a, b): (f64, f64) = (got[c].parse().unwrap(), want[c].parse().unwrap());
            let tol = 1e-6 * a.abs().max(b.abs()) + 1e-12;
            assert!((a - b).abs() <= tol, "{} ({}) {}: sim2real {a}, matminer {b}", want[0], r + 2, header[c]);
            compared += 1;
        }
    }
    assert_eq!(compared, 320 * 132);
}

#[test]
fn fractions_are_one_column_per_element_of_the_table() {
    let ran = case("featurize composition(formula) with fractions", &["Fe2O3", "NaCl", "Mg3(PO4)2·8H2O", "H2O"])
        .args(["table", "s.study", "t"])
        .run();
    let (header, rows) = read_csv(&ran.stdout);
    assert_eq!(header, ["formula", "y", "el_H", "el_O", "el_Na", "el_Mg", "el_P", "el_Cl", "el_Fe"]);
    assert_eq!(rows[0][2..], ["0", "0.6", "0", "0", "0", "0", "0.4"]);
    let mg: Vec<f64> = rows[2][2..].iter().map(|c| c.parse().unwrap()).collect();
    assert!((mg.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(mg[0], 16.0 / 37.0);
}

#[test]
fn a_cell_that_is_not_a_formula_is_an_error_naming_file_line_column_and_text() {
    let mut formulas = vec!["Fe2O3", "NaCl", "BiXx2"];
    formulas.extend(PAD);
    case("featurize composition(formula) with magpie", &formulas)
        .args(["check", "s.study"])
        .status(2)
        .stderr_contains("column `formula` of t.csv holds `BiXx2`, which is not a formula")
        .stderr_contains("(unknown element `Xx` at")
        .stderr_contains("character 3) at line 4")
        .stderr_contains("on_error = drop")
        .run();
}

#[test]
fn on_error_drop_drops_the_rows_and_the_plan_says_which() {
    let mut formulas = vec!["Fe2O3", "Fe3+", "NaCl", "", "H2O", "Mg3(PO4", "CuO", "ZnO", "(Xx)", "SiO2"];
    formulas.extend(PAD);
    case("featurize composition(formula) with magpie { on_error = drop }", &formulas)
        .args(["check", "s.study"])
        .stdout_contains("featurize composition(formula) drops 4 of the 40 rows of t.csv: not formulas (e.g. line 3 holds `Fe3+`, which is not a formula (charges are not supported (write the neutral formula) at character 4); line 5 is missing a formula; line 7 holds `Mg3(PO4`, which is not a formula (`(` is never closed at character 4); …)")
        .run();
    let ran = case("featurize composition(formula) with magpie { on_error = drop }", &formulas)
        .args(["table", "s.study", "t"])
        .run();
    let (_, rows) = read_csv(&ran.stdout);
    let kept: Vec<&str> = rows.iter().map(|r| r[0].as_str()).take(6).collect();
    assert_eq!(kept, ["Fe2O3", "NaCl", "H2O", "CuO", "ZnO", "SiO2"]);
    assert_eq!(rows.len(), 36);
}

#[test]
fn featurize_mistakes_in_the_study_are_named_with_a_span() {
    let t = |op: &str, want: &str| {
        case(op, &PAD).args(["check", "--no-data", "s.study"]).status(2).stderr_contains(want).run();
    };
    t("featurize composition(formula) with magpi", "unknown composition preset `magpi`");
    t("featurize composition(formula) with magpie { on_error = skip }", "`on_error` value");
    t("featurize composition(formula) with magpie { on_eror = drop }", "unknown setting `on_eror` in `featurize`");
    t("featurize smile(formula) with magpie", "unknown featurizer input `smile`");
    t("featurize composition(formula, y) with magpie", "`composition` takes one argument: the column");
    t("featurize composition(formula) with magpie(radius: 2)", "the preset `magpie` takes no arguments");
}

#[test]
fn featurizing_a_column_of_numbers_or_an_unknown_column_is_an_error() {
    case("featurize composition(y) with magpie", &PAD)
        .args(["check", "s.study"])
        .status(2)
        .stderr_contains("column `y` of t.csv holds numbers, not chemical formulas")
        .run();
    case("featurize composition(Formula) with magpie", &PAD)
        .args(["check", "s.study"])
        .status(2)
        .stderr_contains("t.csv has no column `Formula`")
        .run();
}

#[test]
fn table_names_an_unknown_table() {
    case("featurize composition(formula) with magpie", &PAD)
        .args(["table", "s.study", "v"])
        .status(2)
        .stderr_contains("s.study declares no table `v`")
        .run();
}

#[test]
fn bench_featurize_times_the_formula_and_smiles_steps() {
    let ran = Test::new().args(["bench", "--featurize", "3000", "--json"]).run();
    let b = ran.stdout_json();
    assert_eq!(b["formulas"], 3000);
    assert_eq!(b["smiles"], 3000);
    for key in [
        "parse_s",
        "magpie_s",
        "fractions_s",
        "cache_write_s",
        "magpie_cached_s",
        "smiles_parse_s",
        "descriptors_s",
        "morgan_s",
    ] {
        assert!(b[key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert!(b["matminer_s"].is_null());
    assert!(b["rdkit_s"].is_null());
}
