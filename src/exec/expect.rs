//! Evaluating `expect` lines against results. Each outcome states the numbers it was decided on.

use crate::ir::{Arm, AtN, CmpOp, Expect, ExpectKind};
use crate::results::{ExpectOutcome, Results};

pub fn evaluate(expects: &[Expect], r: &Results) -> Vec<ExpectOutcome> {
    expects.iter().map(|e| one(e, r)).collect()
}

fn fmt(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else if v.is_nan() {
        "NaN".into()
    } else if v > 0.0 {
        "∞".into()
    } else {
        "-∞".into()
    }
}

fn one(e: &Expect, r: &Results) -> ExpectOutcome {
    let (passed, detail) = match &e.kind {
        ExpectKind::Param { name, op, value } => param(r, name, *op, *value),
        ExpectKind::Arms { left, op, right, at, significantly: false } => arms(r, *left, *op, *right, *at),
        ExpectKind::Arms { left, op, right, at, significantly: true } => significant(r, *left, *op, *right, *at),
    };
    let mut outcome = ExpectOutcome { text: e.text.clone(), passed, detail };
    super::health::veto(e, r, &mut outcome);
    outcome
}

fn param(r: &Results, name: &str, op: CmpOp, value: f64) -> (bool, String) {
    if name == "mrs" {
        return match &r.exchange {
            // A rate from a degenerate fit (the surface's, or a 1-D fit of the axis fallback) is
            // not a measurement, whatever its value.
            Some(x) if x.degenerate.is_some() => (
                false,
                format!(
                    "mrs = {} at n={}, m={} ({}) comes from a fit that cannot be trusted: {}",
                    x.rate_text(fmt),
                    x.n,
                    x.m,
                    x.method,
                    x.degenerate.as_deref().unwrap_or_default()
                ),
            ),
            // +∞ (source data no longer helps at the point) is a value: `mrs > k` holds.
            Some(x) if !x.samples_per_target.is_nan() => {
                let holds = op.holds(x.samples_per_target, value);
                (
                    holds,
                    format!(
                        "mrs = {} source samples per target sample at n={}, m={} ({})",
                        x.rate_text(fmt),
                        x.n,
                        x.m,
                        x.method
                    ),
                )
            }
            Some(x) => (false, format!("mrs is undefined at n={}, m={}", x.n, x.m)),
            None => (false, "no exchange rate in the results (needs `fit surface` and a fit along both axes)".into()),
        };
    }
    // Every fit that has the parameter (r2: every fit).
    let fits: Vec<_> = r.fits.iter().filter(|f| name == "r2" || f.params.contains_key(name)).collect();
    if fits.is_empty() {
        let why = r.fits.iter().find_map(|f| f.degenerate.clone()).unwrap_or_else(|| "no fit in the results".into());
        return (false, format!("{name} unavailable: {why}"));
    }
    let mut ok = true;
    let mut parts = Vec::new();
    for f in fits {
        let at = if f.law == "surface" { "surface".to_string() } else { format!("m={}", f.m) };
        let v = if name == "r2" { Some(f.r2) } else { f.params.get(name).copied() };
        // A degenerate fit's parameters (and R²) are not measurements; an exact fit's R² is 1 by
        // construction.
        if let Some(why) = &f.degenerate {
            ok = false;
            parts.push(format!("{at}: {name} = {} but the fit is degenerate ({why}) ✗", v.map_or("NaN".into(), fmt)));
            continue;
        }
        if name == "r2" && f.exact() {
            ok = false;
            parts.push(format!(
                "{at}: r2 = {} says nothing: {} ✗",
                fmt(f.r2),
                f.note.as_deref().unwrap_or("exact fit")
            ));
            continue;
        }
        match v {
            Some(v) if v.is_finite() => {
                let holds = op.holds(v, value);
                ok &= holds;
                parts.push(format!("{at}: {name} = {}{}", fmt(v), if holds { "" } else { " ✗" }));
            }
            _ => {
                ok = false;
                parts.push(format!("{at}: {name} unavailable ({})", f.degenerate.as_deref().unwrap_or("no value")));
            }
        }
    }
    (ok, parts.join("; "))
}

fn arms(r: &Results, left: Arm, op: CmpOp, right: Arm, at: AtN) -> (bool, String) {
    let mut ms: Vec<usize> = r.points.iter().map(|p| p.m).collect();
    ms.sort_unstable();
    ms.dedup();
    let mut ok = true;
    let mut parts = Vec::new();
    let mut compared = 0;
    for m in ms {
        let mean_at = |arm: Arm, n: usize| {
            r.points.iter().find(|p| p.arm == arm && p.m == m && (arm == Arm::Direct || p.n == n)).map(|p| p.mae_mean)
        };
        let mut ns: Vec<usize> = r.points.iter().filter(|p| p.arm.uses_source() && p.m == m).map(|p| p.n).collect();
        ns.sort_unstable();
        if at == AtN::Largest {
            ns = ns.last().copied().into_iter().collect();
        }
        for n in ns {
            match (mean_at(left, n), mean_at(right, n)) {
                (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
                    compared += 1;
                    let holds = op.holds(a, b);
                    ok &= holds;
                    if !holds || at == AtN::Largest {
                        parts.push(format!(
                            "n={n}, m={m}: {} {} vs {} {}{}",
                            left.as_str(),
                            fmt(a),
                            right.as_str(),
                            fmt(b),
                            if holds { "" } else { " ✗" }
                        ));
                    }
                }
                _ => {
                    ok = false;
                    parts.push(format!("n={n}, m={m}: no finite {} or {} MAE", left.as_str(), right.as_str()));
                }
            }
        }
    }
    if compared == 0 {
        return (false, "nothing to compare: no transfer or direct points".into());
    }
    if parts.is_empty() {
        parts.push(format!("holds at all {compared} grid points"));
    }
    (ok, format!("compares mean MAEs (add `significantly` to test the paired difference): {}", parts.join("; ")))
}

/// `... significantly`: at every compared point, the 90 % CI of the paired per-trial difference
/// `left − right` must lie entirely on the stated side of 0 (below for `<`/`<=`, above for
/// `>`/`>=`).
fn significant(r: &Results, left: Arm, op: CmpOp, right: Arm, at: AtN) -> (bool, String) {
    // results.json holds measured − direct; flip it when the study writes `direct ... measured`.
    let (measured, sign) = if left == Arm::Direct { (right, -1.0) } else { (left, 1.0) };
    let mut ms: Vec<usize> = r.paired.iter().filter(|p| p.arm == measured).map(|p| p.m).collect();
    ms.sort_unstable();
    ms.dedup();
    let mut ok = true;
    let mut parts = Vec::new();
    for m in ms {
        let mut pts: Vec<_> = r.paired.iter().filter(|p| p.arm == measured && p.m == m).collect();
        pts.sort_by_key(|p| p.n);
        if at == AtN::Largest {
            pts = pts.last().copied().into_iter().collect();
        }
        for p in pts {
            let mean = sign * p.diff_mean;
            let mut ci = [sign * p.diff_ci90[0], sign * p.diff_ci90[1]];
            ci.sort_by(f64::total_cmp);
            let holds = match op {
                CmpOp::Lt | CmpOp::Le => ci[1] < 0.0,
                CmpOp::Gt | CmpOp::Ge => ci[0] > 0.0,
                CmpOp::Eq | CmpOp::Ne => false,
            };
            ok &= holds;
            let why = if ci.iter().any(|x| x.is_nan()) {
                format!(" (no CI: {})", p.ci_note.as_deref().unwrap_or("too few pairs"))
            } else if !p.ci_reliable {
                format!(" ({})", p.ci_note.as_deref().unwrap_or("unreliable CI"))
            } else {
                String::new()
            };
            parts.push(format!(
                "n={}, m={m}: {} − {} = {} [90 % CI {}, {}] over {} paired trials, {} wins {:.0} %{why}{}",
                p.n,
                left.as_str(),
                right.as_str(),
                fmt(mean),
                fmt(ci[0]),
                fmt(ci[1]),
                p.pairs,
                measured.as_str(),
                100.0 * p.wins,
                if holds { "" } else { " ✗" }
            ));
        }
    }
    if parts.is_empty() {
        return (false, format!("nothing to compare: no paired {} and direct trials", measured.as_str()));
    }
    (ok, format!("paired difference, CI must exclude 0: {}", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::results::{Exchange, FitRecord, Paired, Point};

    fn results(fits: Vec<FitRecord>, exchange: Option<Exchange>, points: Vec<Point>, paired: Vec<Paired>) -> Results {
        Results {
            schema: crate::results::SCHEMA_VERSION,
            study: "t".into(),
            study_sha256: String::new(),
            data_sha256: String::new(),
            quick: false,
            seed: 1,
            source_rows: 0,
            target_rows: 0,
            label: "y".into(),
            points,
            fits,
            exchange,
            expects: Vec::new(),
            warnings: Vec::new(),
            groups: None,
            samples: None,
            paired,
            training: Vec::new(),
            ci_variance: String::new(),
            device: None,
            budget: None,
        }
    }

    fn power_fit(alpha: f64, r2: f64, degenerate: Option<&str>, points: usize) -> FitRecord {
        let mut f = FitRecord::empty("power_law", Arm::Transfer, 50);
        f.params = BTreeMap::from([("D".into(), 2.0), ("alpha".into(), alpha), ("C".into(), 0.1)]);
        f.r2 = r2;
        f.degenerate = degenerate.map(str::to_string);
        f.set_dof(points, 3);
        f
    }

    fn param(name: &str, op: CmpOp, value: f64) -> Expect {
        Expect {
            kind: ExpectKind::Param { name: name.into(), op, value },
            text: format!("{name} {} {value}", op.symbol()),
            span: crate::ir::Span::default(),
        }
    }

    fn exchange(rate: f64, degenerate: Option<&str>) -> Exchange {
        Exchange {
            n: 1000,
            m: 100,
            dr_dn: 0.0,
            dr_dm: -0.01,
            samples_per_target: rate,
            ci90: [50.0, f64::INFINITY],
            method: "axis_gradients".into(),
            note: None,
            degenerate: degenerate.map(str::to_string),
        }
    }

    #[test]
    fn a_parameter_of_a_degenerate_fit_fails_and_says_why() {
        let r = results(vec![power_fit(0.3, 0.28, Some("the error does not fall with n"), 6)], None, vec![], vec![]);
        let out = one(&param("alpha", CmpOp::Gt, 0.0), &r);
        assert!(!out.passed, "{out:?}");
        assert!(out.detail.contains("degenerate (the error does not fall with n)"), "{}", out.detail);
        // The same fit without the flag passes.
        let r = results(vec![power_fit(0.3, 0.95, None, 6)], None, vec![], vec![]);
        assert!(one(&param("alpha", CmpOp::Gt, 0.0), &r).passed);
    }

    #[test]
    fn r2_of_an_exact_fit_fails() {
        let r = results(vec![power_fit(0.3, 1.0, None, 3)], None, vec![], vec![]);
        assert_eq!(r.fits[0].dof, Some(0));
        let out = one(&param("r2", CmpOp::Ge, 0.9), &r);
        assert!(!out.passed, "{out:?}");
        assert!(out.detail.contains("exact fit"), "{}", out.detail);
        // alpha of the same fit is still a fitted value.
        assert!(one(&param("alpha", CmpOp::Gt, 0.0), &r).passed);
        let r = results(vec![power_fit(0.3, 0.99, None, 4)], None, vec![], vec![]);
        assert!(one(&param("r2", CmpOp::Ge, 0.9), &r).passed);
    }

    #[test]
    fn an_infinite_rate_passes_mrs_and_a_degenerate_one_fails() {
        let r = results(vec![], Some(exchange(f64::INFINITY, None)), vec![], vec![]);
        let out = one(&param("mrs", CmpOp::Gt, 1.0), &r);
        assert!(out.passed, "{out:?}");
        assert!(out.detail.contains("mrs = ∞"), "{}", out.detail);
        let why = "the 1-D fit along n at m = 100 is degenerate (R² = 0.28: the error does not fall with n)";
        let r = results(vec![], Some(exchange(40.0, Some(why))), vec![], vec![]);
        let out = one(&param("mrs", CmpOp::Gt, 1.0), &r);
        assert!(!out.passed, "{out:?}");
        assert!(out.detail.contains(why), "{}", out.detail);
    }

    fn point(arm: Arm, n: usize, mean: f64) -> Point {
        Point {
            n,
            m: 50,
            arm,
            trials: 10,
            mae_mean: mean,
            mae_ci90: [mean - 0.1, mean + 0.1],
            mae_sd: 0.1,
            mae_median: mean,
            ci_reliable: false,
            ci_note: None,
            ..Default::default()
        }
    }

    fn paired(n: usize, mean: f64, ci: [f64; 2]) -> Paired {
        Paired {
            n,
            m: 50,
            arm: Arm::Transfer,
            baseline: Arm::Direct,
            pairs: 10,
            diff_mean: mean,
            diff_ci90: ci,
            wins: 0.7,
            ci_reliable: false,
            ci_note: Some("only 10 trials".into()),
        }
    }

    fn arms(op: CmpOp, left: Arm, right: Arm, significantly: bool) -> Expect {
        Expect {
            kind: ExpectKind::Arms { left, op, right, at: AtN::Largest, significantly },
            text: "arms".into(),
            span: crate::ir::Span::default(),
        }
    }

    #[test]
    fn significantly_needs_the_paired_ci_to_exclude_zero() {
        let points = vec![point(Arm::Transfer, 100, 0.9), point(Arm::Transfer, 1000, 0.8), point(Arm::Direct, 0, 0.85)];
        // Means: transfer 0.8 < direct 0.85 holds; the paired CI [-0.12, 0.02] straddles 0.
        let r = results(
            vec![],
            None,
            points.clone(),
            vec![paired(100, 0.05, [0.0, 0.1]), paired(1000, -0.05, [-0.12, 0.02])],
        );
        let means = one(&arms(CmpOp::Lt, Arm::Transfer, Arm::Direct, false), &r);
        assert!(means.passed && means.detail.starts_with("compares mean MAEs"), "{means:?}");
        let sig = one(&arms(CmpOp::Lt, Arm::Transfer, Arm::Direct, true), &r);
        assert!(!sig.passed, "{sig:?}");
        assert!(sig.detail.contains("paired difference") && sig.detail.contains("n=1000"), "{}", sig.detail);
        // A CI entirely below 0 passes, and reads the same written the other way round.
        let r = results(vec![], None, points, vec![paired(1000, -0.05, [-0.08, -0.02])]);
        assert!(one(&arms(CmpOp::Lt, Arm::Transfer, Arm::Direct, true), &r).passed);
        assert!(one(&arms(CmpOp::Gt, Arm::Direct, Arm::Transfer, true), &r).passed);
        assert!(!one(&arms(CmpOp::Gt, Arm::Transfer, Arm::Direct, true), &r).passed);
        // No CI (one pair): fails.
        let r = results(vec![], None, vec![], vec![paired(1000, -0.05, [f64::NAN; 2])]);
        let out = one(&arms(CmpOp::Lt, Arm::Transfer, Arm::Direct, true), &r);
        assert!(!out.passed && out.detail.contains("no CI"), "{out:?}");
    }
}
