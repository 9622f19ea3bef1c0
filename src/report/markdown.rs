//! report.md: metadata, the figure, points, fits, expectations and warnings as Markdown.

use std::fmt::Write as _;

use super::summary::{
    PAIRED_INTRO, QUICK_BANNER, fits_table, metadata_table, paired_table, points_table, unreliable_footnote,
};
use crate::results::{Results, TrialRow};

// The file the figure is written to, relative to report.md.
use crate::results::outputs::SCALING_SVG as FIGURE_FILE;

/// The whole report.md document.
pub fn report_markdown(results: &Results, trials: &[TrialRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# sim2real report: {}\n", escape(&results.study));
    if results.quick {
        let _ = writeln!(out, "> **{QUICK_BANNER}.** Fewer trials on a coarser grid: do not quote these numbers.\n");
    }

    out.push_str("## Run\n\n");
    out.push_str(&metadata_table(results, trials).to_markdown());
    if let Some(t) = super::summary::training_table(results) {
        out.push_str(
            "\n## Training settings\n\nEach arm's optimiser settings (Adam); `from` is the block they come from.\n\n",
        );
        out.push_str(&t.to_markdown());
    }

    let _ = writeln!(out, "\n## Scaling\n\n![scaling]({FIGURE_FILE})\n");
    let grid = super::grid_figures(results);
    if !grid.is_empty() {
        out.push_str("## Two-dimensional scaling\n\n");
        for f in &grid {
            let name = f.file.trim_end_matches(".svg");
            let _ = writeln!(out, "![{name}]({})\n\n{}.\n", f.file, escape(f.caption));
        }
    }

    out.push_str("## Points\n\nMean test MAE over trials with the 90 % CI of the mean (Student t below 30 trials, percentile bootstrap from 30).\n\n");
    if results.points.is_empty() {
        out.push_str("No points.\n");
    } else {
        out.push_str(&points_table(results).to_markdown());
        let _ = writeln!(out, "\n{}", escape(&unreliable_footnote()));
    }
    if !results.ci_variance.is_empty() {
        let _ = writeln!(out, "\n**Uncertainty:** {}", escape(&results.ci_variance));
    }
    if let Some(t) = paired_table(results) {
        let _ = writeln!(out, "\n## Paired against direct\n\n{}\n", escape(PAIRED_INTRO));
        out.push_str(&t.to_markdown());
    }
    out.push_str(&super::trial_health::markdown(results, trials));

    out.push_str("\n## Fits\n\n");
    if results.fits.is_empty() {
        out.push_str("No fits.\n");
    } else {
        out.push_str("power_law: R(n) = D·n^-α + C fitted to the mean transfer (or multitask) MAE per n (one fit per m); surface: R(n, m) = (A·n^-α + B)·m^-β + ε over the whole grid. 90 % bootstrap CIs over trials.\n\n");
        out.push_str(&fits_table(results).to_markdown());
        for fit in results.fits.iter().filter(|f| f.degenerate.is_some()) {
            let why = fit.degenerate.as_deref().unwrap_or_default();
            let _ = writeln!(
                out,
                "\n⚠️ The {} fit at m = {} is degenerate ({}): do not trust its parameters.",
                fit.arm.as_str(),
                super::summary::m_label(fit),
                escape(why)
            );
        }
    }

    if let Some(text) = super::summary::exchange_text(results) {
        out.push_str("\n## Exchange rate\n\n");
        let _ = writeln!(out, "{}", escape(&text));
    }
    out.push_str(&super::budget::markdown_section(results));

    out.push_str(&super::breakdown::markdown_sections(results));

    out.push_str("\n## Expectations\n\n");
    if results.expects.is_empty() {
        out.push_str("No expectations.\n");
    }
    for e in &results.expects {
        let (mark, verdict) = if e.passed { ("✅", "PASS") } else { ("❌", "FAIL") };
        let detail = if e.detail.is_empty() { String::new() } else { format!(" — {}", escape(&e.detail)) };
        let _ = writeln!(out, "- {mark} **{verdict}** {}{detail}", code(&e.text));
    }

    out.push_str("\n## Warnings\n\n");
    if results.warnings.is_empty() {
        out.push_str("None.\n");
    }
    for w in &results.warnings {
        let _ = writeln!(out, "- {}", escape(w));
    }
    out
}

/// Backslash-escapes the characters that would start Markdown or HTML markup in free text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

/// Inline code, using a longer backtick fence when the text itself contains backticks.
fn code(text: &str) -> String {
    let text = text.replace('\n', " ");
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a_b <i>"), "a\\_b \\<i\\>");
        assert_eq!(code("x `y`"), "`` x `y` ``");
    }
}
