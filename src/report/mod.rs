//! (stage: report) Human-readable outputs of a run: report.md, report.html, summary.md,
//! scaling.svg and, for a 2-D grid, mae_vs_n.svg, mae_vs_m.svg and indifference.svg, with
//! `report by` / `report samples` groups.csv/.svg and samples.csv/.svg, the
//! summary printed on stdout and an HTML fragment for notebooks. results.json and trials.csv are
//! written elsewhere. Every function here accepts any [`Results`], including NaN/inf values, empty
//! point lists and degenerate fits, without panicking.

mod axis;
mod breakdown;
mod breakdown_csv;
mod figure;
mod format;
mod grid_plots;
mod groups_plot;
mod html;
mod indifference;
mod legend;
mod markdown;
mod panel;
mod samples_plot;
mod scaling_plot;
mod summary;
mod summary_md;
mod surface_curve;
mod svg;
mod table;
mod trial_health;

use std::path::Path;

use crate::results::{Results, TrialRow};

/// File names written by [`write_reports`].
pub const REPORT_MD: &str = "report.md";
pub const REPORT_HTML: &str = "report.html";
pub const SCALING_SVG: &str = markdown::FIGURE_FILE;

pub const MAE_VS_N_SVG: &str = "mae_vs_n.svg";
pub const MAE_VS_M_SVG: &str = "mae_vs_m.svg";
pub const INDIFFERENCE_SVG: &str = "indifference.svg";
pub const SUMMARY_MD: &str = "summary.md";

pub use indifference::{
    LEVELS as INDIFFERENCE_LEVELS, contour as indifference_contour, contour_levels as indifference_levels,
};

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
/// m, `indifference.svg` when the results hold a surface fit. Empty for a 1-D run.
pub fn grid_figures(results: &Results) -> Vec<Figure> {
    let mut out = Vec::new();
    if let Some(svg) = grid_plots::grid_svg(results, grid_plots::Along::N) {
        out.push(Figure {
            file: MAE_VS_N_SVG,
            caption: "test MAE against n, one curve per m, with the Eq. 1 surface's cut at each m",
            svg,
        });
    }
    if let Some(svg) = grid_plots::grid_svg(results, grid_plots::Along::M) {
        out.push(Figure {
            file: MAE_VS_M_SVG,
            caption: "test MAE against m, one curve per n, direct learning as the reference",
            svg,
        });
    }
    if let Some(svg) = indifference::indifference_svg(results) {
        out.push(Figure {
            file: INDIFFERENCE_SVG,
            caption: "indifference curves of the fitted R(n, m) with the exchange-rate point and its tangent",
            svg,
        });
    }
    out
}

/// The compact, rerun-stable results summary (summary.md; see docs/results.md).
pub fn summary_markdown(results: &Results) -> String {
    summary_md::summary_markdown(results)
}

/// Writes report.md, report.html, summary.md, scaling.svg, the 2-D figures ([`grid_figures`]) and the
/// breakdowns' csv and svg files into dir (results.json and trials.csv are written elsewhere).
/// Creates `dir` if it does not exist.
pub fn write_reports(results: &Results, trials: &[TrialRow], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(SCALING_SVG), scaling_svg(results))?;
    for f in grid_figures(results) {
        std::fs::write(dir.join(f.file), f.svg)?;
    }
    std::fs::write(dir.join(SUMMARY_MD), summary_markdown(results))?;
    std::fs::write(dir.join(REPORT_MD), markdown::report_markdown(results, trials))?;
    std::fs::write(dir.join(REPORT_HTML), html::report_html(results, trials))?;
    write_breakdowns(results, dir)
}

/// File names of the `report by` / `report samples` outputs.
pub const GROUPS_CSV: &str = "groups.csv";
pub const GROUPS_SVG: &str = breakdown::GROUPS_FIGURE;
pub const SAMPLES_CSV: &str = "samples.csv";
pub const SAMPLES_SVG: &str = breakdown::SAMPLES_FIGURE;

/// groups.csv and groups.svg with `report by`, samples.csv and samples.svg with `report samples`.
fn write_breakdowns(results: &Results, dir: &Path) -> std::io::Result<()> {
    if let Some(g) = &results.groups {
        std::fs::write(dir.join(GROUPS_CSV), breakdown_csv::groups_csv(g))?;
        std::fs::write(dir.join(GROUPS_SVG), groups_plot::groups_svg(results))?;
    }
    if let Some(s) = &results.samples {
        std::fs::write(dir.join(SAMPLES_CSV), breakdown_csv::samples_csv(s))?;
        std::fs::write(dir.join(SAMPLES_SVG), samples_plot::samples_svg(results))?;
    }
    Ok(())
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

/// The log–log scaling figure as an SVG document string.
pub fn scaling_svg(results: &Results) -> String {
    scaling_plot::scaling_svg(results)
}

/// An HTML fragment (no <html>/<body>) with the fits table and points table, usable inside a notebook display.
/// It also lists the expectations, and carries its own styles scoped to its wrapper `div`.
pub fn html_fragment(results: &Results) -> String {
    html::html_fragment(results)
}
