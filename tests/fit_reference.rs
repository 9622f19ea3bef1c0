//! sim2real's power-law fit against an outside reference: scipy's `curve_fit` on 30 real
//! learning curves of LCDB 1.1 (tests/fixtures/learning_curves/, see its README).
//!
//! Per curve: the fitted (D, α, C) agree with scipy's to 1 %, or, where they differ, sim2real's
//! sum of squared residuals is no larger than scipy's (it found an equal or better optimum).
//! The committed reference.csv is also checked to be what the committed script produces; a
//! missing scipy fails that check (never a skip).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sim2real::fit::fit_power_law;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/learning_curves")
}

/// curve -> (n, error) points, in file order.
fn curves() -> BTreeMap<String, (Vec<f64>, Vec<f64>)> {
    let mut rdr = csv::Reader::from_path(dir().join("curves.csv")).expect("curves.csv");
    let mut out: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("curves.csv row");
        let e = out.entry(rec[0].to_string()).or_default();
        e.0.push(rec[4].parse().expect("n"));
        e.1.push(rec[5].parse().expect("error"));
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
struct Reference {
    d: f64,
    alpha: f64,
    c: f64,
    ssr: f64,
    converged: bool,
}

fn parse_reference(text: &str) -> BTreeMap<String, Reference> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("reference row");
        let num = |i: usize| rec[i].parse::<f64>().unwrap_or(f64::NAN);
        out.insert(
            rec[0].to_string(),
            Reference { d: num(2), alpha: num(3), c: num(4), ssr: num(5), converged: &rec[6] == "1" },
        );
    }
    out
}

/// Equal to 1 %, or both negligible next to the curve's scale (a parameter at its bound 0,
/// which scipy approaches as 1e-12 and sim2real reports as exactly 0).
fn agree(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 0.01 * a.abs().max(b.abs()) || (a.abs().max(b.abs()) <= 1e-6 * scale)
}

#[test]
fn power_law_fits_match_scipy_curve_fit_or_beat_its_objective() {
    let curves = curves();
    let reference = parse_reference(&std::fs::read_to_string(dir().join("reference.csv")).expect("reference.csv"));
    assert!(curves.len() >= 20, "only {} curves", curves.len());
    assert_eq!(curves.len(), reference.len(), "curves.csv and reference.csv list different curves");
    let (mut same, mut better) = (Vec::new(), Vec::new());
    for (name, (n, r)) in &curves {
        assert!(n.len() >= 5, "{name}: only {} sizes", n.len());
        let refr = &reference[name];
        let fit = fit_power_law(n, r).unwrap_or_else(|e| panic!("{name}: {e}"));
        let law = fit.law;
        let ssr: f64 = n.iter().zip(r).map(|(x, y)| (y - law.eval(*x)).powi(2)).sum();
        // Scale of D·n^-α + C for "negligible": the largest error on the curve; D is compared
        // through its contribution at the smallest n.
        let scale = r.iter().copied().fold(0.0, f64::max);
        let n_min = n[0];
        let params_agree = refr.converged
            && agree(law.alpha, refr.alpha, EXPONENT_SCALE)
            && agree(law.d * n_min.powf(-law.alpha), refr.d * n_min.powf(-refr.alpha), scale)
            && agree(law.d, refr.d, 0.0)
            && agree(law.c, refr.c, scale);
        if params_agree {
            same.push(name.clone());
            continue;
        }
        let tolerance = 1e-9 * refr.ssr.abs() + 1e-15;
        assert!(
            !refr.converged || ssr <= refr.ssr + tolerance,
            "{name}: sim2real {law:?} (SSR {ssr:e}) differs from scipy D = {}, α = {}, C = {} (SSR {:e}) and \
             its objective is worse",
            refr.d,
            refr.alpha,
            refr.c,
            refr.ssr
        );
        better.push(format!("{name}: SSR {ssr:.6e} vs scipy {:.6e}", refr.ssr));
    }
    eprintln!(
        "{} curves: {} agree with scipy to 1 %; {} differ with an SSR ≤ scipy's:\n  {}",
        curves.len(),
        same.len(),
        better.len(),
        better.join("\n  ")
    );
}

/// α is compared on its own scale (1 % relative, or both below 1e-6).
const EXPONENT_SCALE: f64 = 1.0;

/// The committed reference.csv is what reference_fit.py writes today (needs scipy).
#[test]
fn committed_reference_is_current() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let has_scipy =
        Command::new(&python).args(["-c", "import scipy, numpy"]).output().is_ok_and(|o| o.status.success());
    if !has_scipy {
        panic!(
            "`{python} -c 'import scipy, numpy'` fails: the committed reference.csv cannot be re-derived \
             (python3 -m pip install numpy scipy, or set PYTHON)"
        );
    }
    let out = Command::new(&python)
        .arg(dir().join("reference_fit.py"))
        .arg(dir().join("curves.csv"))
        .output()
        .expect("run reference_fit.py");
    assert!(out.status.success(), "reference_fit.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let fresh = parse_reference(&String::from_utf8(out.stdout).expect("utf-8"));
    let committed = parse_reference(&std::fs::read_to_string(dir().join("reference.csv")).expect("reference.csv"));
    assert_eq!(fresh.keys().collect::<Vec<_>>(), committed.keys().collect::<Vec<_>>());
    for (name, c) in &committed {
        let f = &fresh[name];
        assert_eq!(f.converged, c.converged, "{name}");
        // scipy versions may differ in the last digits of an iterative optimum.
        for (what, a, b) in [("D", f.d, c.d), ("alpha", f.alpha, c.alpha), ("C", f.c, c.c), ("ssr", f.ssr, c.ssr)] {
            assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(b.abs()) + 1e-12,
                "{name}: {what} is {a} from reference_fit.py but {b} in the committed reference.csv; regenerate it"
            );
        }
    }
}
