//! Evaluating `expect` lines against results. Each outcome states the numbers it was decided on.

use crate::check::model::{Arm, AtN, CmpOp, Expect, ExpectKind};
use crate::results::{ExpectOutcome, Results};

pub fn evaluate(expects: &[Expect], r: &Results) -> Vec<ExpectOutcome> {
    expects.iter().map(|e| one(e, r)).collect()
}

fn fmt(v: f64) -> String {
    if v.is_finite() { format!("{v:.4}") } else { "NaN".into() }
}

fn one(e: &Expect, r: &Results) -> ExpectOutcome {
    let (passed, detail) = match &e.kind {
        ExpectKind::Param { name, op, value } => param(r, name, *op, *value),
        ExpectKind::Arms { left, op, right, at } => arms(r, *left, *op, *right, *at),
    };
    let mut outcome = ExpectOutcome { text: e.text.clone(), passed, detail };
    super::health::veto(e, r, &mut outcome);
    outcome
}

fn param(r: &Results, name: &str, op: CmpOp, value: f64) -> (bool, String) {
    if name == "mrs" {
        return match &r.exchange {
            Some(x) if x.samples_per_target.is_finite() => {
                let holds = op.holds(x.samples_per_target, value);
                (holds, format!("mrs = {} source samples per target sample at n={}, m={} ({})", fmt(x.samples_per_target), x.n, x.m, x.method))
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
            r.points
                .iter()
                .find(|p| p.arm == arm && p.m == m && (arm == Arm::Direct || p.n == n))
                .map(|p| p.mae_mean)
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
    (ok, parts.join("; "))
}
