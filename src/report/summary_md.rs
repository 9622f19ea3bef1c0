//! summary.md: the compact results summary committed under `studies/results/` — the study and
//! its inputs (digests, data sizes, grid), the fitted laws with CIs and R², the exchange rate,
//! every learning arm against direct learning at the largest n, and the expectations. It holds
//! no timestamps, paths or thread counts, so rerunning a study with the same seed and data
//! reproduces it byte for byte.

use std::fmt::Write as _;

use super::format::{self, PARAM_DIGITS};
use super::markdown::escape;
use super::summary::{
    MISSING, PAIRED_INTRO, QUICK_BANNER, exchange_text, fit_note, m_label, mean_ci_cell, paired_table, param_with_ci,
    r2_cell, unreliable_footnote,
};
use super::table::{Align, Table};
use crate::results::{Arm, Point, Results};

/// Digest prefix length, as in the reports.
const DIGEST_PREFIX: usize = 12;

/// The whole summary.md document.
pub fn summary_markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} — results summary\n", escape(&results.study));
    if results.quick {
        let _ = writeln!(out, "> **{QUICK_BANNER}.** Fewer trials on a coarser grid: do not quote these numbers.\n");
    }
    out.push_str(&inputs_table(results).to_markdown());
    if let Some(t) = super::summary::training_table(results) {
        out.push_str("\n## Training settings\n\n");
        out.push_str(&t.to_markdown());
    }

    out.push_str("\n## Fitted laws\n\n");
    if results.fits.is_empty() {
        out.push_str("No fits.\n");
    } else {
        let mut t = Table::new(&[
            ("law", Align::Left),
            ("m", Align::Right),
            ("equation", Align::Left),
            ("R²", Align::Right),
            ("parameters [90 % CI]", Align::Left),
            ("note", Align::Left),
        ]);
        for fit in &results.fits {
            let names = format::param_order(fit.params.keys().chain(fit.ci90.keys()));
            let params: Vec<String> = names.iter().map(|n| format!("{n} = {}", param_with_ci(fit, n))).collect();
            t.push(vec![
                fit.law.clone(),
                m_label(fit),
                format::equation(fit),
                r2_cell(fit),
                params.join("; "),
                fit_note(fit),
            ]);
        }
        out.push_str(&t.to_markdown());
    }

    if let Some(text) = exchange_text(results) {
        out.push_str("\n## Exchange rate\n\n");
        let method = results.exchange.as_ref().map_or("", |x| x.method.as_str());
        let _ = writeln!(out, "{} (method: `{method}`)", escape(&text));
    }
    out.push_str(&super::budget::markdown_section(results));

    out.push_str("\n## Against direct learning at the largest n\n\n");
    match largest_n_table(results) {
        Some(t) => {
            out.push_str("Mean test MAE over trials with the 90 % CI of the mean; ratio = arm / direct.\n\n");
            out.push_str(&t.to_markdown());
            let _ = writeln!(out, "\n{}", escape(&unreliable_footnote()));
        }
        None => out.push_str("No arm to compare with direct learning (needs `baseline direct`).\n"),
    }
    if let Some(t) = paired_table(results) {
        let _ = writeln!(out, "\n## Paired against direct\n\n{}\n", escape(PAIRED_INTRO));
        out.push_str(&t.to_markdown());
    }
    if !results.ci_variance.is_empty() {
        let _ = writeln!(out, "\n**Uncertainty:** {}", escape(&results.ci_variance));
    }

    out.push_str("\n## Expectations\n\n");
    if results.expects.is_empty() {
        out.push_str("None.\n");
    }
    for e in &results.expects {
        let verdict = if e.passed { "PASS" } else { "FAIL" };
        let detail = if e.detail.is_empty() { String::new() } else { format!(" — {}", escape(&e.detail)) };
        let _ = writeln!(out, "- **{verdict}** `{}`{detail}", e.text.replace('`', "'"));
    }
    out
}

/// Study, mode, seed, input digests, data sizes and the measured grid.
fn inputs_table(results: &Results) -> Table {
    let mut t = Table::new(&[("input", Align::Left), ("value", Align::Left)]);
    let mode = if results.quick { QUICK_BANNER.to_string() } else { "full run".to_string() };
    let learned: Vec<&Point> = results.points.iter().filter(|p| p.arm.uses_source()).collect();
    let list = |mut v: Vec<usize>| {
        v.sort_unstable();
        v.dedup();
        if v.is_empty() {
            MISSING.to_string()
        } else {
            v.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    let trials: Vec<usize> = results.points.iter().map(|p| p.trials).collect();
    let (lo, hi) = (trials.iter().min().copied().unwrap_or(0), trials.iter().max().copied().unwrap_or(0));
    let trials = if lo == hi { hi.to_string() } else { format!("{lo}–{hi} (some trials diverged)") };
    let mut arms: Vec<&str> = results.points.iter().map(|p| p.arm.as_str()).collect();
    arms.sort_unstable();
    arms.dedup();
    let rows = [
        ("study", results.study.clone()),
        ("mode", mode),
        ("seed", results.seed.to_string()),
        ("study sha256", format::digest_prefix(&results.study_sha256, DIGEST_PREFIX)),
        ("data sha256", format::digest_prefix(&results.data_sha256, DIGEST_PREFIX)),
        ("source rows", results.source_rows.to_string()),
        ("target rows", results.target_rows.to_string()),
        ("label", results.label.clone()),
        ("n grid", list(learned.iter().map(|p| p.n).collect())),
        ("m grid", list(results.points.iter().map(|p| p.m).collect())),
        ("trials per point", trials),
        ("arms", if arms.is_empty() { MISSING.to_string() } else { arms.join(", ") }),
    ];
    for (k, v) in rows {
        t.push(vec![k.to_string(), escape(&v)]);
    }
    t
}

/// Per non-direct arm and m: its point at the largest n against the direct point at that m.
fn largest_n_table(results: &Results) -> Option<Table> {
    let direct = |m: usize| results.points.iter().filter(|p| p.arm == Arm::Direct && p.m == m).min_by_key(|p| p.n);
    let mut keys: Vec<(Arm, usize)> =
        results.points.iter().filter(|p| p.arm.uses_source()).map(|p| (p.arm, p.m)).collect();
    keys.sort();
    keys.dedup();
    let mut t = Table::new(&[
        ("arm", Align::Left),
        ("n", Align::Right),
        ("m", Align::Right),
        ("MAE [90 % CI]", Align::Left),
        ("direct MAE [90 % CI]", Align::Left),
        ("ratio", Align::Right),
    ]);
    let mut any = false;
    for (arm, m) in keys {
        let Some(p) = results.points.iter().filter(|p| p.arm == arm && p.m == m).max_by_key(|p| p.n) else { continue };
        let Some(d) = direct(m) else { continue };
        any = true;
        let cell = |p: &Point| format!("{} {}", format::mae(p.mae_mean), mean_ci_cell(p.mae_ci90, p.ci_reliable));
        t.push(vec![
            arm.as_str().to_string(),
            p.n.to_string(),
            m.to_string(),
            cell(p),
            cell(d),
            format::sig_trim(p.mae_mean / d.mae_mean, PARAM_DIGITS),
        ]);
    }
    any.then_some(t)
}
