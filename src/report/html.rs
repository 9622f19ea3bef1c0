//! report.html (a standalone page with inline CSS and the figure inlined) and the HTML fragment
//! for notebook displays. All text goes through [`escape`].

use std::fmt::Write as _;

use super::scaling_plot::scaling_svg;
use super::summary::{
    PAIRED_INTRO, QUICK_BANNER, fits_table, metadata_table, paired_table, points_table, unreliable_footnote,
};
use super::svg::escape;
use crate::results::{Results, TrialRow};

/// Styles scoped to the fragment's wrapper class, so a notebook page is not restyled.
const FRAGMENT_CSS: &str = "\
.sim2real-report { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: #222; }
.sim2real-report table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
.sim2real-report th, .sim2real-report td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
.sim2real-report th { background: #f4f4f4; }
.sim2real-report td.num, .sim2real-report th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sim2real-report .pass { color: #1a7f37; font-weight: bold; }
.sim2real-report .fail { color: #B00020; font-weight: bold; }
.sim2real-report .warn { color: #9a6700; }
.sim2real-report code { background: #f4f4f4; padding: 0 0.25em; border-radius: 3px; }
";

const PAGE_CSS: &str = "\
body { margin: 0; background: #fafafa; }
main.sim2real-report { max-width: 960px; margin: 0 auto; padding: 1.5em 2em; background: #fff; }
.quick-banner { background: #fde7ea; border-left: 4px solid #B00020; padding: 0.6em 1em; font-weight: bold; color: #B00020; }
figure { margin: 1em 0; overflow-x: auto; }
";

/// The fits table, the points table and the expectations, wrapped in a `div` with scoped styles.
pub fn html_fragment(results: &Results) -> String {
    let mut out = format!("<div class=\"sim2real-report\">\n<style>\n{FRAGMENT_CSS}</style>\n");
    out.push_str(&sections(results, "h3"));
    out.push_str("</div>\n");
    out
}

/// Fits, points and expectations with headings of the given level (`h2`, `h3`).
fn sections(results: &Results, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<{heading}>Fits</{heading}>");
    if results.fits.is_empty() {
        out.push_str("<p>No fits.</p>\n");
    } else {
        out.push_str("<p>power_law: R(n) = D·n<sup>−α</sup> + C fitted to the mean transfer (or multitask) MAE per n (one fit per m); surface: R(n, m) = (A·n<sup>−α</sup> + B)·m<sup>−β</sup> + ε over the whole grid. 90 % bootstrap CIs over trials.</p>\n");
        out.push_str(&fits_table(results).to_html("fits"));
        for fit in results.fits.iter().filter(|f| f.degenerate.is_some()) {
            let why = fit.degenerate.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "<p class=\"warn\">⚠ The {} fit at m = {} is degenerate ({}): do not trust its parameters.</p>",
                fit.arm.as_str(),
                super::summary::m_label(fit),
                escape(why)
            );
        }
    }

    let _ = writeln!(out, "<{heading}>Points</{heading}>");
    if results.points.is_empty() {
        out.push_str("<p>No points.</p>\n");
    } else {
        out.push_str("<p>Mean test MAE over trials with the 90 % CI of the mean (Student t below 30 trials, percentile bootstrap from 30).</p>\n");
        out.push_str(&points_table(results).to_html("points"));
        let _ = writeln!(out, "<p>{}</p>", escape(&unreliable_footnote()));
    }
    if !results.ci_variance.is_empty() {
        let _ = writeln!(out, "<p><strong>Uncertainty:</strong> {}</p>", escape(&results.ci_variance));
    }
    if let Some(t) = paired_table(results) {
        let _ = writeln!(out, "<{heading}>Paired against direct</{heading}>");
        let _ = writeln!(out, "<p>{}</p>", escape(PAIRED_INTRO));
        out.push_str(&t.to_html("paired"));
    }

    if let Some(text) = super::summary::exchange_text(results) {
        let _ = writeln!(out, "<{heading}>Exchange rate</{heading}>");
        let _ = writeln!(out, "<p>{}</p>", escape(&text));
    }
    out.push_str(&super::budget::html_section(results, heading));

    out.push_str(&super::breakdown::html_sections(results, heading, heading == "h2"));

    let _ = writeln!(out, "<{heading}>Expectations</{heading}>");
    if results.expects.is_empty() {
        out.push_str("<p>No expectations.</p>\n");
    } else {
        out.push_str("<ul class=\"expects\">\n");
        for e in &results.expects {
            let (class, verdict) = if e.passed { ("pass", "✅ PASS") } else { ("fail", "❌ FAIL") };
            let detail = if e.detail.is_empty() { String::new() } else { format!(" — {}", escape(&e.detail)) };
            let _ = writeln!(
                out,
                "<li><span class=\"{class}\">{verdict}</span> <code>{}</code>{detail}</li>",
                escape(&e.text)
            );
        }
        out.push_str("</ul>\n");
    }
    out
}

/// The standalone report.html page.
pub fn report_html(results: &Results, trials: &[TrialRow]) -> String {
    let title = format!("sim2real report: {}", results.study);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{PAGE_CSS}{FRAGMENT_CSS}</style>\n</head>\n<body>\n<main class=\"sim2real-report\">\n",
        escape(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    if results.quick {
        let _ = writeln!(
            out,
            "<p class=\"quick-banner\">{QUICK_BANNER}. Fewer trials on a coarser grid: do not quote these numbers.</p>"
        );
    }
    out.push_str("<h2>Run</h2>\n");
    out.push_str(&metadata_table(results, trials).to_html("meta"));
    if let Some(t) = super::summary::training_table(results) {
        out.push_str("<h2>Training settings</h2>\n");
        out.push_str(&t.to_html("training"));
    }
    out.push_str("<h2>Scaling</h2>\n<figure>\n");
    out.push_str(&scaling_svg(results));
    out.push_str("</figure>\n");
    let grid = super::grid_figures(results);
    if !grid.is_empty() {
        out.push_str("<h2>Two-dimensional scaling</h2>\n");
        for f in grid {
            let _ = write!(
                out,
                "<figure id=\"{}\">\n{}<figcaption>{} (<a href=\"{}\">{}</a>)</figcaption>\n</figure>\n",
                f.file.trim_end_matches(".svg"),
                f.svg,
                escape(f.caption),
                f.file,
                f.file
            );
        }
    }
    out.push_str(&sections(results, "h2"));
    out.push_str(&super::trial_health::html(results, trials));
    out.push_str("<h2>Warnings</h2>\n");
    if results.warnings.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul class=\"warnings\">\n");
        for w in &results.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(w));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
