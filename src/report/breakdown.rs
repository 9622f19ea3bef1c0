//! The `report by` and `report samples` sections shared by report.md, report.html and the stdout
//! summary: the groups ranked by α (with CI, size and the group's own m) and the per-sample
//! scaling counts.

use super::format::{self, PARAM_DIGITS};
use super::summary::MISSING;
use super::table::{Align, Table};
use crate::results::{Groups, Results, Samples};

use crate::results::outputs::{GROUPS_SVG as GROUPS_FIGURE, SAMPLES_SVG as SAMPLES_FIGURE};

/// The heading and explanation of the groups section.
pub fn groups_intro(g: &Groups) -> String {
    format!(
        "Test rows grouped by `{}`: each group's MAE is the mean over its test rows in a trial; R(n) = D·n^-α + C is fitted to the group's mean MAE per n (transfer or multitask arm) with a 90 % bootstrap CI over trials. Ranked by α (fastest scaling first; degenerate or exact fits — flat, α at its bound, or no residual degrees of freedom — after the others). Groups with fewer than {} target rows or tested in fewer than {} trials are too small to trust and ranked after all others. m = the group's mean training rows per trial.",
        g.column,
        g.min_rows,
        crate::results::MIN_GROUP_TRIALS
    )
}

/// The ranking table of the groups at m.
pub fn groups_table(g: &Groups, m: usize) -> Table {
    let mut table = Table::new(&[
        ("rank", Align::Right),
        (g.column.as_str(), Align::Left),
        ("target rows", Align::Right),
        ("m", Align::Right),
        ("α [90 % CI]", Align::Left),
        ("R²", Align::Right),
        ("MAE at smallest n", Align::Right),
        ("MAE at largest n", Align::Right),
        ("note", Align::Left),
    ]);
    for (rank, (group, fit)) in g.ranked(m).into_iter().enumerate() {
        let alpha = fit.map_or(MISSING.to_string(), |f| super::summary::param_with_ci(f, "alpha"));
        let mut learned: Vec<_> = group.points.iter().filter(|p| p.arm.uses_source() && p.m == m).collect();
        learned.sort_by_key(|p| p.n);
        let mae_at = |p: Option<&&crate::results::Point>| p.map_or(MISSING.to_string(), |p| format::mae(p.mae_mean));
        let mut notes = Vec::new();
        if group.small {
            notes.push(format!("too small to trust (< {} rows)", g.min_rows));
        }
        let trials = fit.and_then(|f| f.ci_trials).unwrap_or(0);
        if trials < crate::results::MIN_GROUP_TRIALS {
            notes.push(format!("too few trials to trust ({trials} < {})", crate::results::MIN_GROUP_TRIALS));
        }
        match fit {
            None => notes.push("no fit (no transfer or multitask points)".to_string()),
            Some(f) if f.degenerate.is_some() => notes.push("degenerate fit".to_string()),
            Some(f) if f.exact() => notes.push("exact fit (0 dof)".to_string()),
            Some(_) => {}
        }
        table.push(vec![
            (rank + 1).to_string(),
            group.value.clone(),
            group.target_rows.to_string(),
            group.train_rows.iter().find(|t| t.m == m).map_or(MISSING.to_string(), |t| format::sig_trim(t.mean, 3)),
            alpha,
            fit.map_or(MISSING.to_string(), super::summary::r2_cell),
            mae_at(learned.first()),
            mae_at(learned.last()),
            notes.join("; "),
        ]);
    }
    table
}

/// "at m = 100: 412 test samples; 180 scaling, 220 not scaling, 12 unfit".
pub fn samples_text(s: &Samples) -> String {
    format!(
        "at m = {}, over n = {}: {} test samples — {} scaling, {} not scaling, {} unfit",
        s.m,
        s.n.iter().map(std::string::ToString::to_string).collect::<Vec<_>>().join(", "),
        s.samples.len(),
        s.scaling,
        s.not_scaling,
        s.unfit
    )
}

/// Median α of the scaling samples, as extra context (None without any).
pub fn samples_median_alpha(s: &Samples) -> Option<String> {
    s.median_scaling_alpha().map(|a| format::sig(a, PARAM_DIGITS))
}

/// The stdout summary's breakdown sections (empty without `report` statements).
pub fn summary_sections(results: &Results) -> String {
    let mut out = String::new();
    if let Some(g) = &results.groups {
        for m in g.fitted_ms() {
            out.push_str(&format!(
                "\nGroups by {} at m = {} (ranked by α; m column = the group's mean training rows)\n",
                g.column, m
            ));
            out.push_str(&groups_table(g, m).to_text("  "));
        }
        if g.fitted_ms().is_empty() {
            out.push_str(&format!("\nGroups by {}\n  (no transfer or multitask points to fit)\n", g.column));
        }
    }
    if let Some(s) = &results.samples {
        out.push_str("\nSamples\n");
        out.push_str(&format!("  {}\n", samples_text(s)));
        if let Some(a) = samples_median_alpha(s) {
            out.push_str(&format!("  median α of the scaling samples: {a}\n"));
        }
    }
    out
}

/// The report.md sections (empty without `report` statements).
pub fn markdown_sections(results: &Results) -> String {
    let escape = super::markdown::escape;
    let mut out = String::new();
    if let Some(g) = &results.groups {
        out.push_str(&format!(
            "\n## Groups by {}\n\n{}\n\n![groups]({GROUPS_FIGURE})\n",
            escape(&g.column),
            escape(&groups_intro(g))
        ));
        if let Some(note) = super::groups_plot::left_out_note(g) {
            out.push_str(&format!("\n{}.\n", escape(&note)));
        }
        for m in g.fitted_ms() {
            out.push_str(&format!("\n### m = {m}\n\n"));
            out.push_str(&groups_table(g, m).to_markdown());
        }
    }
    if let Some(s) = &results.samples {
        out.push_str(&format!("\n## Samples\n\n{}.\n\n", escape(&samples_text(s))));
        if let Some(a) = samples_median_alpha(s) {
            out.push_str(&format!("Median α of the scaling samples: {a}.\n\n"));
        }
        out.push_str(&format!("Rule — {}.\n\n![samples]({SAMPLES_FIGURE})\n", escape(&s.rule)));
    }
    out
}

/// The report.html / notebook sections with headings of level `heading`; `figures` inlines the
/// groups and samples figures (the standalone page does, the notebook fragment does not).
pub fn html_sections(results: &Results, heading: &str, figures: bool) -> String {
    let escape = super::svg::escape;
    let mut out = String::new();
    if let Some(g) = &results.groups {
        out.push_str(&format!(
            "<{heading}>Groups by {}</{heading}>\n<p>{}</p>\n",
            escape(&g.column),
            escape(&groups_intro(g))
        ));
        if figures {
            out.push_str(&format!("<figure>\n{}</figure>\n", super::groups_plot::groups_svg(results)));
        }
        if let Some(note) = super::groups_plot::left_out_note(g) {
            out.push_str(&format!("<p>{}.</p>\n", escape(&note)));
        }
        for m in g.fitted_ms() {
            out.push_str(&format!("<p><strong>m = {m}</strong></p>\n"));
            out.push_str(&groups_table(g, m).to_html("groups"));
        }
    }
    if let Some(s) = &results.samples {
        out.push_str(&format!("<{heading}>Samples</{heading}>\n<p>{}.", escape(&samples_text(s))));
        if let Some(a) = samples_median_alpha(s) {
            out.push_str(&format!(" Median α of the scaling samples: {a}."));
        }
        out.push_str(&format!("</p>\n<p>Rule — {}.</p>\n", escape(&s.rule)));
        if figures {
            out.push_str(&format!("<figure>\n{}</figure>\n", super::samples_plot::samples_svg(results)));
        }
    }
    out
}
