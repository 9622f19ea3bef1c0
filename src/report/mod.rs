//! (stage: report) Human-readable outputs of a run: report.md, report.html, scaling.svg, the
//! summary printed on stdout and an HTML fragment for notebooks. results.json and trials.csv are
//! written elsewhere. Every function here accepts any [`Results`], including NaN/inf values, empty
//! point lists and degenerate fits, without panicking.

mod axis;
mod figure;
mod format;
mod html;
mod legend;
mod markdown;
mod scaling_plot;
mod summary;
mod svg;
mod table;

use std::path::Path;

use crate::results::{Results, TrialRow};

/// File names written by [`write_reports`].
pub const REPORT_MD: &str = "report.md";
pub const REPORT_HTML: &str = "report.html";
pub const SCALING_SVG: &str = markdown::FIGURE_FILE;

/// Writes report.md, report.html and scaling.svg into dir (results.json and trials.csv are written elsewhere).
/// Creates `dir` if it does not exist.
pub fn write_reports(results: &Results, trials: &[TrialRow], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(SCALING_SVG), scaling_svg(results))?;
    std::fs::write(dir.join(REPORT_MD), markdown::report_markdown(results, trials))?;
    std::fs::write(dir.join(REPORT_HTML), html::report_html(results, trials))?;
    Ok(())
}

/// The summary printed on stdout after a run: a fixed-width text table of points (n, m, arm, trials, mean MAE, 90 % CI) with
/// transfer and direct side by side per (n, m), then the fits (equation, R², CIs, degenerate warnings) and expectations (PASS/FAIL).
pub fn summary_table(results: &Results) -> String {
    summary::summary_text(results)
}

/// The log–log scaling figure as an SVG document string.
pub fn scaling_svg(results: &Results) -> String {
    scaling_plot::scaling_svg(results)
}

/// An HTML fragment (no <html>/<body>) with the fits table and points table, usable inside a notebook display.
/// It also lists the expectations, and carries its own styles scoped to its wrapper `div`.
pub fn html_fragment(results: &Results) -> String {
    html::html_fragment(results)
}
