//! How far each grid point's numbers can be trusted: per point the trials that ran, failed and
//! exploded, with the mean beside the median and the trimmed mean; and the list of trials that
//! failed or exploded, with why. For report.md and report.html.

use std::fmt::Write as _;

use super::format;
use super::markdown::escape;
use super::svg::escape as html_escape;
use super::table::{Align, Table};
use crate::results::{Arm, Results, TRIM_FRACTION, TrialRow};

/// One row per point and arm: trials, failed, exploded, mean, median, trimmed mean.
pub fn robust_table(results: &Results) -> Table {
    let trimmed = format!("trimmed mean (⌈{} %⌉ each end)", (TRIM_FRACTION * 100.0).round());
    let mut t = Table::new(&[
        ("arm", Align::Left),
        ("n", Align::Right),
        ("m", Align::Right),
        ("trials", Align::Right),
        ("failed", Align::Right),
        ("exploded", Align::Right),
        ("mean MAE", Align::Right),
        ("median MAE", Align::Right),
        (trimmed.as_str(), Align::Right),
    ]);
    for p in &results.points {
        t.push(vec![
            p.arm.as_str().to_string(),
            if p.arm == Arm::Direct { super::summary::MISSING.to_string() } else { p.n.to_string() },
            p.m.to_string(),
            p.trials.to_string(),
            p.failed.to_string(),
            p.exploded.to_string(),
            format::mae(p.mae_mean),
            format::mae(p.mae_median),
            format::mae(p.mae_trimmed),
        ]);
    }
    t
}

/// The trials that failed or whose predictions exploded: job, seed, what, why.
fn trouble_table(trials: &[TrialRow]) -> Option<Table> {
    let mut t =
        Table::new(&[("trial", Align::Left), ("seed", Align::Right), ("what", Align::Left), ("why", Align::Left)]);
    for tr in trials {
        if let Some(f) = &tr.failure {
            t.push(vec![tr.job.clone(), tr.seed.to_string(), "failed".into(), f.clone()]);
        }
        if let Some(e) = &tr.exploded {
            t.push(vec![tr.job.clone(), tr.seed.to_string(), "exploded".into(), e.clone()]);
        }
    }
    (!t.rows.is_empty()).then_some(t)
}

const INTRO: &str = "Failed trials have no MAE and are left out. Trials with exploding predictions (beyond the training labels' range widened 10× its width on each side, or non-finite) are kept in the mean, which stays the headline; the median and the trimmed mean show how much they move it, and an `expect` over such a point fails.";

/// The report.md section.
pub fn markdown(results: &Results, trials: &[TrialRow]) -> String {
    let mut out = String::new();
    if results.points.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n## Robustness\n\n{INTRO}\n");
    out.push_str(&robust_table(results).to_markdown());
    if let Some(t) = trouble_table(trials) {
        out.push_str("\n### Failed and exploding trials\n\n");
        let mut t = t;
        for row in &mut t.rows {
            for cell in row.iter_mut() {
                // to_markdown escapes `|` itself.
                *cell = escape(cell).replace("\\|", "|");
            }
        }
        out.push_str(&t.to_markdown());
    }
    out
}

/// The report.html section.
pub fn html(results: &Results, trials: &[TrialRow]) -> String {
    let mut out = String::new();
    if results.points.is_empty() {
        return out;
    }
    let _ = writeln!(out, "<h2>Robustness</h2>\n<p>{}</p>", html_escape(INTRO));
    out.push_str(&robust_table(results).to_html("robustness"));
    if let Some(t) = trouble_table(trials) {
        out.push_str("<h3>Failed and exploding trials</h3>\n");
        out.push_str(&t.to_html("trouble"));
    }
    out
}
