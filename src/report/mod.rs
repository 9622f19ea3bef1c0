//! (stage: report) Human-readable outputs of a run: report.md, report.html, summary.md,
//! scaling.svg and, for a 2-D grid, mae_vs_n.svg, mae_vs_m.svg and indifference.svg, with
//! `report by` / `report samples` groups.csv/.svg and samples.csv/.svg, the
//! summary printed on stdout and an HTML fragment for notebooks. results.json and trials.csv are
//! written by `results::outputs::write_data`; the names of every file are listed once, in
//! `results::outputs::FILES`. report/ renders a [`Results`] and computes nothing of its own. Every function here accepts any [`Results`], including NaN/inf values, empty
//! point lists and degenerate fits, without panicking.

mod axis;
mod breakdown;
mod breakdown_csv;
mod budget;
mod budget_plot;
mod figure;
mod format;
mod grid_plots;
mod groups_plot;
mod html;
mod indifference;
mod legend;
mod markdown;
mod nm_plane;
mod panel;
mod run;
mod samples_plot;
mod scaling_plot;
mod summary;
mod summary_md;
mod surface_curve;
mod svg;
mod table;
mod trial_health;

use std::path::Path;

use crate::results::outputs::{self, OutputFile, Writer};
pub use crate::results::outputs::{
    BUDGET_SVG, GROUPS_CSV, GROUPS_SVG, INDIFFERENCE_SVG, MAE_VS_M_SVG, MAE_VS_N_SVG, REPORT_HTML, REPORT_MD,
    SAMPLES_CSV, SAMPLES_SVG, SCALING_SVG, SUMMARY_MD,
};
use crate::results::{Results, TrialRow};

pub use indifference::{LEVELS as INDIFFERENCE_LEVELS, contour_levels as indifference_levels};
pub use nm_plane::contour as indifference_contour;

/// One figure of the two-dimensional grid, as written next to report.md.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File name, relative to the run directory.
    pub file: &'static str,
    /// One line saying what it shows.
    pub caption: &'static str,
    pub svg: String,
}

/// The figures of a 2-D run: `mae_vs_n.svg` and `mae_vs_m.svg` when the grid has ≥ 2 values of
/// m, `indifference.svg` when the results hold a surface fit, `budget.svg` when they hold a
/// planned budget. Empty for a 1-D run.
pub fn grid_figures(results: &Results) -> Vec<Figure> {
    [MAE_VS_N_SVG, MAE_VS_M_SVG, INDIFFERENCE_SVG, BUDGET_SVG]
        .into_iter()
        .filter_map(|f| grid_figure(results, f))
        .collect()
}

/// One of the [`grid_figures`] by file name, `None` when the run does not have it.
fn grid_figure(results: &Results, file: &'static str) -> Option<Figure> {
    let (svg, caption) = match file {
        MAE_VS_N_SVG => (
            grid_plots::grid_svg(results, grid_plots::Along::N)?,
            "test MAE against n, one curve per m, with the Eq. 1 surface's cut at each m",
        ),
        MAE_VS_M_SVG => (
            grid_plots::grid_svg(results, grid_plots::Along::M)?,
            "test MAE against m, one curve per n, direct learning as the reference",
        ),
        INDIFFERENCE_SVG => (
            indifference::indifference_svg(results)?,
            "indifference curves of the fitted R(n, m) with the exchange-rate point and its tangent",
        ),
        BUDGET_SVG => (
            budget_plot::budget_svg(results)?,
            "the budget: indifference curves, iso-cost lines, the expansion path, have, and the optimum with its bootstrap cloud",
        ),
        _ => return None,
    };
    Some(Figure { file, caption, svg })
}

/// The compact, rerun-stable results summary (summary.md; see docs/results.md).
pub fn summary_markdown(results: &Results) -> String {
    summary_md::summary_markdown(results)
}

/// Writes every file of [`outputs::FILES`] that the report writes (report.md, report.html,
/// summary.md, scaling.svg, the 2-D figures of [`grid_figures`], the breakdowns' csv and svg files)
/// into dir, and removes those this run does not have (a 2-D figure left by an earlier 2-D study in
/// the same directory). results.json and trials.csv are written elsewhere. Creates `dir` if it does
/// not exist.
pub fn write_reports(results: &Results, trials: &[TrialRow], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for file in outputs::written_by(Writer::Report) {
        let path = dir.join(file.name);
        match render(file, results, trials)? {
            Some(text) => std::fs::write(path, text)?,
            None => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            },
        }
    }
    Ok(())
}

/// The contents of one report file for `results`, or `None` when this run does not have it; an
/// error for a file of the registry that has no renderer here (so every run's writing fails
/// loudly until it has one).
fn render(file: &OutputFile, results: &Results, trials: &[TrialRow]) -> std::io::Result<Option<String>> {
    Ok(match file.name {
        REPORT_MD => Some(markdown::report_markdown(results, trials)),
        REPORT_HTML => Some(html::report_html(results, trials)),
        SUMMARY_MD => Some(summary_markdown(results)),
        SCALING_SVG => Some(scaling_svg(results)),
        MAE_VS_N_SVG | MAE_VS_M_SVG | INDIFFERENCE_SVG | BUDGET_SVG => grid_figure(results, file.name).map(|f| f.svg),
        GROUPS_CSV => results.groups.as_ref().map(breakdown_csv::groups_csv),
        GROUPS_SVG => results.groups.as_ref().map(|_| groups_plot::groups_svg(results)),
        SAMPLES_CSV => results.samples.as_ref().map(breakdown_csv::samples_csv),
        SAMPLES_SVG => results.samples.as_ref().map(|_| samples_plot::samples_svg(results)),
        other => return Err(std::io::Error::other(format!("report: no renderer for `{other}` (results/outputs.rs)"))),
    })
}

/// The small-multiples figure of `report by` (one log–log panel per group); an empty-data figure
/// without groups.
pub fn groups_svg(results: &Results) -> String {
    groups_plot::groups_svg(results)
}

/// The per-sample error curves of `report samples`, coloured by class, pooled curve on top.
pub fn samples_svg(results: &Results) -> String {
    samples_plot::samples_svg(results)
}

/// The summary printed on stdout after a run: a fixed-width text table of points (n, m, arm, trials, mean MAE, 90 % CI) with
/// transfer and direct side by side per (n, m), then the fits (equation, R², CIs, degenerate warnings) and expectations (PASS/FAIL).
pub fn summary_table(results: &Results) -> String {
    summary::summary_text(results)
}

/// The data-budget planner's answer as text (what `sim2real budget` prints).
pub fn budget_text(b: &crate::results::budget::Budget) -> String {
    budget::budget_text(b)
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
