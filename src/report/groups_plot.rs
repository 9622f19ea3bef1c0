//! groups.svg: small multiples for `report by` — one log–log panel of test MAE against n per
//! group (measured arm: transfer or multitask; largest m with fits), ranked by α like the table:
//! the group's mean MAE
//! over a shaded 90 % CI band, its fitted power law dashed, and the pooled curve in grey for
//! reference. Groups too small to trust have a red title. At most [`MAX_PANELS`] groups are
//! drawn (see [`drawn`]); the figure and the reports say how many are left out.

use super::axis::log_range;
use super::figure::{geomspace, marker};
use super::format;
use super::legend::{Entry, Legend, Swatch};
use super::panel::Panel;
use super::summary::QUICK_BANNER;
use super::svg::{Element, SVG_NS, polygon_d};
use crate::results::outputs::{GROUPS_CSV, GROUPS_SVG};
use crate::results::{FitRecord, Group, Groups, Point, Results};

const FONT_STACK: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const COLOR: &str = "#0072B2";
const POOLED: &str = "#9a9a9a";
const SMALL: &str = "#B00020";
const COLS: usize = 4;
const MARGIN_LEFT: f64 = 52.0;
const MARGIN_RIGHT: f64 = 16.0;
const TOP: f64 = 64.0;
const PANEL_W: f64 = 170.0;
const PANEL_H: f64 = 120.0;
/// Above a panel: three title lines (rank and value, α with its CI, size).
const TITLE_H: f64 = 42.0;
/// Below a panel: tick labels and spacing.
const BELOW_H: f64 = 26.0;
const GAP_X: f64 = 42.0;
const FIT_SAMPLES: usize = 40;
/// The most panels groups.svg draws (8 rows of 4): with more groups, the ones with the most target
/// rows (ties: the better rank), each under its rank. Every group stays in groups.csv and in the
/// reports' tables.
pub const MAX_PANELS: usize = 32;

/// The m the figure shows: the largest m with group fits, else the largest m with group points.
fn figure_m(g: &Groups) -> Option<usize> {
    g.fitted_ms().last().copied().or_else(|| g.groups.iter().flat_map(|x| &x.points).map(|p| p.m).max())
}

/// The indices into `ranked` (rank order) of the groups the figure draws: all of them up to
/// [`MAX_PANELS`], else the [`MAX_PANELS`] with the most target rows (ties: the better rank), in
/// rank order.
pub fn drawn(ranked: &[(&Group, Option<&FitRecord>)]) -> Vec<usize> {
    let mut by_size: Vec<usize> = (0..ranked.len()).collect();
    by_size.sort_by_key(|&i| (std::cmp::Reverse(ranked[i].0.target_rows), i));
    by_size.truncate(MAX_PANELS);
    by_size.sort_unstable();
    by_size
}

/// "groups.svg draws the 32 groups with the most target rows (of 1000, in rank order); the other
/// 968 are in the table and in groups.csv", or `None` when every group is drawn.
pub fn left_out_note(g: &Groups) -> Option<String> {
    let total = g.groups.len();
    (total > MAX_PANELS && figure_m(g).is_some()).then(|| {
        format!(
            "{GROUPS_SVG} draws the {MAX_PANELS} groups with the most target rows (of {total}, in rank order); the other \
             {} are left out of it and are in the table and in {GROUPS_CSV}",
            total - MAX_PANELS
        )
    })
}

/// The figure as an SVG document string.
pub fn groups_svg(results: &Results) -> String {
    let Some(g) = &results.groups else { return empty(results, "no `report by` in this run") };
    let Some(m) = figure_m(g) else { return empty(results, "no group has test rows") };
    let all_ranked = g.ranked(m);
    let shown = drawn(&all_ranked);
    // (rank, group, fit) of the drawn panels.
    let ranked: Vec<(usize, &Group, Option<&FitRecord>)> =
        shown.iter().map(|&i| (i + 1, all_ranked[i].0, all_ranked[i].1)).collect();
    let measured = |grp: &'_ Group| -> Vec<Point> {
        let mut v: Vec<Point> = grp.points.iter().filter(|p| p.arm.uses_source() && p.m == m).cloned().collect();
        v.sort_by_key(|p| p.n);
        v
    };
    let pooled: Vec<&Point> = {
        let mut v: Vec<&Point> = results.points.iter().filter(|p| p.arm.uses_source() && p.m == m && p.n > 0).collect();
        v.sort_by_key(|p| p.n);
        v
    };
    let all: Vec<Point> = ranked.iter().flat_map(|(_, grp, _)| measured(grp)).collect();
    let xr = log_range(all.iter().map(|p| p.n as f64), 0.06).unwrap_or((10.0, 1000.0));
    let yr = log_range(
        all.iter().flat_map(|p| [p.mae_mean, p.mae_ci90[0], p.mae_ci90[1]]).chain(pooled.iter().map(|p| p.mae_mean)),
        0.06,
    )
    .unwrap_or((0.1, 10.0));

    let cols = ranked.len().clamp(1, COLS);
    let rows = ranked.len().div_ceil(cols).max(1);
    let width = MARGIN_LEFT + cols as f64 * PANEL_W + (cols - 1) as f64 * GAP_X + MARGIN_RIGHT;
    let cell_h = TITLE_H + PANEL_H + BELOW_H;
    let mut rows_of_legend = vec![vec![
        Some(Entry { swatch: Swatch::Series(COLOR), text: "group mean MAE (90 % CI)".into() }),
        Some(Entry { swatch: Swatch::Fit(COLOR), text: "power-law fit".into() }),
        Some(Entry { swatch: Swatch::Fit(POOLED), text: "all test rows (pooled)".into() }),
    ]];
    if let Some(note) = left_out_note(g) {
        rows_of_legend.push(vec![Some(Entry { swatch: Swatch::Note, text: note })]);
    }
    let legend = Legend::new(rows_of_legend, MARGIN_LEFT, width - MARGIN_LEFT - MARGIN_RIGHT);
    let legend_top = TOP + rows as f64 * cell_h + 18.0;
    let height = legend_top + legend.height() + 10.0;

    let mut svg = root(width, height, &format!("{} — test MAE against n per {}", results.study, g.column));
    let arm = ranked.iter().flat_map(|(_, grp, _)| measured(grp)).map(|p| p.arm.as_str()).next().unwrap_or("transfer");
    svg.push(titles(
        results,
        width,
        &format!("test MAE of {arm} against source size n per {} (m = {m}), ranked by α; log–log", g.column),
    ));
    let mut defs = Element::new("defs");
    let mut body = Element::new("g").attr("class", "panels");
    for (i, &(rank, grp, fit)) in ranked.iter().enumerate() {
        let (c, r) = (i % cols, i / cols);
        let x0 = MARGIN_LEFT + c as f64 * (PANEL_W + GAP_X);
        let y0 = TOP + r as f64 * cell_h + TITLE_H;
        let panel = Panel::new(x0, x0 + PANEL_W, y0, y0 + PANEL_H, xr, yr);
        let clip = format!("sim2real-group-{i}");
        defs.push(Element::new("clipPath").attr("id", clip.clone()).child(panel.rect()));
        body.push(draw_group(&panel, &clip, rank, grp, fit, &measured(grp), &pooled, g.min_rows));
    }
    svg.push(defs);
    svg.push(body);
    svg.push(
        Element::new("text")
            .attr("class", "axis-title")
            .num("x", width / 2.0)
            .num("y", legend_top - 4.0)
            .attr("text-anchor", "middle")
            .num("font-size", 11.0)
            .text(format!(
                "source size n (log scale); y: test MAE of {} (log scale), same axes in every panel",
                results.label
            )),
    );
    svg.push(legend.draw(legend_top + 4.0));
    svg.render()
}

#[allow(clippy::too_many_arguments)]
fn draw_group(
    panel: &Panel,
    clip: &str,
    rank: usize,
    grp: &Group,
    fit: Option<&FitRecord>,
    pts: &[Point],
    pooled: &[&Point],
    min_rows: usize,
) -> Element {
    let mut g = Element::new("g").attr("class", "group");
    let alpha = fit.map_or(String::from("no fit"), |f| format!("α = {}", super::summary::param_with_ci(f, "alpha")));
    let title_color = if grp.small { SMALL } else { "#222222" };
    // Each line is cut to the panel's width (about 6.5 px per bold 11 px character, 5.3 px per
    // 9.5 px one), so long group names never run into the next panel.
    let fit_to = |text: String, px_per_char: f64| clip_text(&text, ((panel.x1 - panel.x0) / px_per_char) as usize);
    g.push(
        Element::new("text")
            .num("x", panel.x0)
            .num("y", panel.y0 - 30.0)
            .num("font-size", 11.0)
            .attr("font-weight", "bold")
            .attr("fill", title_color)
            .child(Element::new("title").text(grp.value.clone()))
            .text(fit_to(format!("{rank}. {}", grp.value), 6.5)),
    );
    g.push(
        Element::new("text")
            .num("x", panel.x0)
            .num("y", panel.y0 - 17.0)
            .num("font-size", 9.5)
            .attr("fill", title_color)
            .text(fit_to(alpha, 5.3)),
    );
    let m = pts.first().map(|p| p.m);
    let own_m =
        grp.train_rows.iter().find(|t| Some(t.m) == m).map_or(String::from("—"), |t| format::sig_trim(t.mean, 3));
    let small = if grp.small { format!(" — too small (< {min_rows})") } else { String::new() };
    g.push(
        Element::new("text")
            .num("x", panel.x0)
            .num("y", panel.y0 - 5.0)
            .num("font-size", 9.5)
            .attr("fill", if grp.small { SMALL } else { "#555555" })
            .text(fit_to(format!("{} rows, m ≈ {own_m}{small}", grp.target_rows), 5.3)),
    );
    g.push(panel.axes(9.0));
    let mut data = Element::new("g").attr("clip-path", format!("url(#{clip})"));
    if let Some(d) = panel.path(pooled.iter().map(|p| (p.n as f64, p.mae_mean))) {
        data.push(
            Element::new("path")
                .attr("class", "pooled")
                .attr("d", d)
                .attr("fill", "none")
                .attr("stroke", POOLED)
                .num("stroke-width", 1.4)
                .attr("stroke-dasharray", "3 3"),
        );
    }
    let band: Vec<(f64, f64, f64)> = pts
        .iter()
        .filter_map(|p| Some((panel.x.map(p.n as f64)?, panel.y.map(p.mae_ci90[0])?, panel.y.map(p.mae_ci90[1])?)))
        .collect();
    if band.len() >= 2 {
        let mut outline: Vec<(f64, f64)> = band.iter().map(|&(x, _, hi)| (x, hi)).collect();
        outline.extend(band.iter().rev().map(|&(x, lo, _)| (x, lo)));
        data.push(
            Element::new("path")
                .attr("class", "band")
                .attr("d", polygon_d(&outline))
                .attr("fill", COLOR)
                .num("fill-opacity", 0.18),
        );
    }
    if let Some(f) = fit.filter(|f| f.degenerate.is_none())
        && let (Some(law), Some(lo), Some(hi)) = (f.power_law(), pts.first(), pts.last())
    {
        let curve = geomspace(lo.n as f64, hi.n as f64, FIT_SAMPLES).map(|n| (n, law.eval(n)));
        if let Some(path) = panel.path(curve) {
            data.push(
                Element::new("path")
                    .attr("class", "fit")
                    .attr("d", path)
                    .attr("fill", "none")
                    .attr("stroke", COLOR)
                    .num("stroke-width", 1.4)
                    .attr("stroke-dasharray", "6 4"),
            );
        }
    }
    if let Some(d) = panel.path(pts.iter().map(|p| (p.n as f64, p.mae_mean))) {
        data.push(
            Element::new("path")
                .attr("class", "series")
                .attr("d", d)
                .attr("fill", "none")
                .attr("stroke", COLOR)
                .num("stroke-width", 1.8),
        );
    }
    for p in pts {
        if let Some((x, y)) = panel.at(p.n as f64, p.mae_mean) {
            data.push(marker(x, y, COLOR));
        }
    }
    g.push(data);
    g
}

/// The root element with its white background and title.
pub(super) fn root(width: f64, height: f64, title: &str) -> Element {
    Element::new("svg")
        .attr("xmlns", SVG_NS)
        .num("width", width)
        .num("height", height)
        .attr("viewBox", format!("0 0 {} {}", super::svg::coord(width), super::svg::coord(height)))
        .attr("font-family", FONT_STACK)
        .num("font-size", 11.0)
        .child(Element::new("title").text(title.to_string()))
        .child(Element::new("rect").num("width", width).num("height", height).attr("fill", "#ffffff"))
}

/// Study name and a subtitle (the quick-run banner for quick runs).
pub(super) fn titles(results: &Results, width: f64, subtitle: &str) -> Element {
    let title = Element::new("text")
        .num("x", width / 2.0)
        .num("y", 22.0)
        .attr("text-anchor", "middle")
        .num("font-size", 15.0)
        .attr("font-weight", "bold")
        .text(results.study.clone());
    let (color, text) = if results.quick {
        (SMALL, format!("{QUICK_BANNER} — {subtitle}"))
    } else {
        ("#555555", subtitle.to_string())
    };
    let sub = Element::new("text")
        .num("x", width / 2.0)
        .num("y", 40.0)
        .attr("text-anchor", "middle")
        .attr("fill", color)
        .text(text);
    Element::new("g").child(title).child(sub)
}

/// A small figure saying why there is nothing to draw.
pub(super) fn empty(results: &Results, why: &str) -> String {
    let mut svg = root(480.0, 120.0, &format!("{} — nothing to plot", results.study));
    svg.push(titles(results, 480.0, why));
    svg.render()
}

/// `text` cut to at most `max` characters, ending in "…" when cut.
fn clip_text(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::clip_text;

    #[test]
    fn long_titles_are_cut_to_the_panel_and_marked() {
        assert_eq!(clip_text("polystyrenes", 20), "polystyrenes");
        assert_eq!(clip_text("polyisobutylene α = 0.0254 [0, 5.00]", 12), "polyisobuty…");
        assert_eq!(clip_text("αβγδε", 3).chars().count(), 3);
    }
}
