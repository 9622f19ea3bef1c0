//! `budget.svg`: the data-budget planner's answer on the (n, m) plane, both axes logarithmic
//! (the one axis drawing of `axis.rs`): indifference curves of the fitted R(n, m) (closed form,
//! as in `indifference.svg`) through `have`, through the optimum and between them; iso-cost
//! lines c_n·n + c_m·m = C through `have` and the optimum; the expansion path (the optimum as
//! the spend grows, to twice the answer's spend); the measured grid points; `have`; the optimum
//! and the optima of the surface's bootstrap replicates (the cloud whose spread the 90 %
//! intervals summarise).

use super::axis::{LogScale, log_range};
use super::figure::{self, Layout, curve, geomspace};
use super::format;
use super::legend::{Entry, Legend, Swatch};
use super::nm_plane;
use super::svg::Element;
use crate::fit::Surface;
use crate::results::Results;
use crate::results::budget::{Budget, BudgetOutcome};

const CONTOUR_COLOR: &str = "#0072B2";
const COST_COLOR: &str = "#009E73";
const PATH_COLOR: &str = "#CC79A7";
const OPTIMUM_COLOR: &str = "#D55E00";
const HAVE_COLOR: &str = "#000000";
const POINT_COLOR: &str = "#888888";
/// Samples of n along each iso-cost line.
const COST_SAMPLES: usize = 160;
/// Indifference curves drawn between (and including) those through `have` and the optimum.
const LEVELS: usize = 4;

/// The figure, or `None` when the results hold no planned budget.
pub fn budget_svg(results: &Results) -> Option<String> {
    let Some(BudgetOutcome::Planned(b)) = &results.budget else { return None };
    let b: &Budget = b;
    let s = b.params;
    let cells = nm_plane::grid_cells(results);
    // The plane shown: the grid, `have`, the optimum, its interval and the path to the answer.
    let path_to: Vec<(f64, f64)> =
        b.path.iter().filter(|p| p.spend <= b.cost.max(0.0) * 1.5).map(|p| (p.n, p.m)).collect();
    let ci_n = b.ci90.n.into_iter().filter(|v| v.is_finite());
    let ci_m = b.ci90.m.into_iter().filter(|v| v.is_finite());
    let ns = cells.iter().map(|c| c.0).chain([b.have.n, b.n]).chain(ci_n).chain(path_to.iter().map(|p| p.0));
    let ms = cells.iter().map(|c| c.1).chain([b.have.m, b.m]).chain(ci_m).chain(path_to.iter().map(|p| p.1));
    let x_range = log_range(ns, 0.06).unwrap_or((10.0, 1000.0));
    let y_range = log_range(ms, 0.06).unwrap_or((10.0, 1000.0));

    let levels = levels(&s, b);
    let legend = Legend::new(legend_rows(b, &levels), figure::MARGIN_LEFT, Layout::legend_width());
    let layout = Layout::new(legend.height());
    let x = LogScale::new(x_range.0, x_range.1, layout.plot_x0, layout.plot_x1);
    let y = LogScale::new(y_range.0, y_range.1, layout.plot_y1, layout.plot_y0);

    let mut svg = figure::document(format!("{} — what to buy next on the fitted R(n, m)", results.study), &layout);
    svg.push(figure::titles(results, &layout, &format!("budget: {}", b.decision_words)));
    svg.push(figure::grid(&x, &y, &layout));
    let mut data = figure::clipped("data");
    for &level in &levels {
        data.push(nm_plane::draw_contour(&s, level, "indifference", CONTOUR_COLOR, None, &x, &y));
    }
    for total in iso_costs(b) {
        data.push(draw_iso_cost(b, total, &x, &y));
    }
    data.push(nm_plane::grid_points(&cells, &x, &y, POINT_COLOR));
    let mut cloud =
        Element::new("g").attr("class", "bootstrap-cloud").attr("fill", OPTIMUM_COLOR).attr("fill-opacity", "0.25");
    for &[n, m] in &b.cloud {
        if let (Some(px), Some(py)) = (x.map(n), y.map(m)) {
            cloud.push(Element::new("circle").num("cx", px).num("cy", py).num("r", 2.2));
        }
    }
    data.push(cloud);
    let path: Vec<(f64, f64)> = b.path.iter().filter_map(|p| Some((x.map(p.n)?, y.map(p.m)?))).collect();
    if path.len() >= 2 {
        data.push(curve(&path, "expansion-path", PATH_COLOR, 2.4, None));
    }
    svg.push(data);
    svg.push(point(b.have.n, b.have.m, "have", HAVE_COLOR, "have", &x, &y));
    svg.push(point(b.n, b.m, "budget-optimum", OPTIMUM_COLOR, &optimum_label(b), &x, &y));
    if results.quick {
        svg.push(figure::watermark(&layout));
    }
    svg.push(nm_plane::axes(&x, &y, &layout));
    svg.push(legend.draw(layout.legend_y0));
    Some(svg.render())
}

/// The levels of the indifference curves: through `have` and through the optimum, and evenly
/// (in log(R − ε)) between them; above ε only.
fn levels(s: &Surface, b: &Budget) -> Vec<f64> {
    let (hi, lo) = (b.have.mae - s.eps, b.mae - s.eps);
    if !(hi > 0.0 && lo > 0.0) {
        return Vec::new();
    }
    if hi <= lo * (1.0 + 1e-9) {
        return vec![b.mae];
    }
    (0..LEVELS).map(|i| s.eps + hi * (lo / hi).powf(i as f64 / (LEVELS - 1) as f64)).collect()
}

/// Total costs c_n·n + c_m·m of the iso-cost lines: through `have` and through the optimum.
fn iso_costs(b: &Budget) -> Vec<f64> {
    let at_have = b.source_cost * b.have.n + b.target_cost * b.have.m;
    if b.total_cost > at_have * (1.0 + 1e-9) { vec![at_have, b.total_cost] } else { vec![at_have] }
}

/// The line c_n·n + c_m·m = `total`: m = (total − c_n·n)/c_m over the plot's n where m is in it.
fn draw_iso_cost(b: &Budget, total: f64, x: &LogScale, y: &LogScale) -> Element {
    let mut g = Element::new("g").attr("class", "iso-cost").attr("data-cost", format::param(total));
    let pts: Vec<(f64, f64)> = geomspace(x.lo, x.hi, COST_SAMPLES)
        .map(|n| (n, (total - b.source_cost * n) / b.target_cost))
        .filter(|&(_, m)| m >= y.lo && m <= y.hi)
        .filter_map(|(n, m)| Some((x.map(n)?, y.map(m)?)))
        .collect();
    if pts.len() >= 2 {
        g.push(curve(&pts, "cost-line", COST_COLOR, 1.3, Some("6 4")));
    }
    g
}

/// A labelled point (`have`, the optimum), drawn over the data and never clipped away.
fn point(n: f64, m: f64, class: &str, color: &str, label: &str, x: &LogScale, y: &LogScale) -> Element {
    let mut g = Element::new("g").attr("class", class);
    let (Some(px), Some(py)) = (x.map(n), y.map(m)) else { return g };
    g.push(
        Element::new("circle")
            .attr("class", format!("{class}-marker"))
            .num("cx", px)
            .num("cy", py)
            .num("r", 5.5)
            .attr("fill", color)
            .attr("stroke", "#ffffff")
            .num("stroke-width", 1.5),
    );
    let (anchor, dx) = if px > f64::midpoint(x.px_lo, x.px_hi) { ("end", -9.0) } else { ("start", 9.0) };
    g.push(
        Element::new("text")
            .attr("class", format!("{class}-label"))
            .num("x", px + dx)
            .num("y", py - 8.0)
            .attr("text-anchor", anchor)
            .attr("fill", color)
            .attr("font-weight", "bold")
            .text(label.to_string()),
    );
    g
}

fn optimum_label(b: &Budget) -> String {
    format!(
        "optimum n = {}, m = {} (MAE {})",
        crate::number::row_count(b.n),
        crate::number::row_count(b.m),
        format::param(b.mae)
    )
}

fn legend_rows(b: &Budget, levels: &[f64]) -> Vec<Vec<Option<Entry>>> {
    let list: Vec<String> = levels.iter().map(|l| format::param(*l)).collect();
    let row = |swatch, text: String| vec![Some(Entry { swatch, text })];
    let mut rows = vec![
        row(Swatch::Series(CONTOUR_COLOR), format!("indifference curves: fitted R(n, m) = {}", list.join(", "))),
        row(
            Swatch::Fit(COST_COLOR),
            format!(
                "iso-cost lines {}·n + {}·m = C through have and the optimum",
                crate::number::amount(b.source_cost),
                crate::number::amount(b.target_cost)
            ),
        ),
        row(Swatch::Series(PATH_COLOR), "expansion path: the optimum as the spend beyond have grows".into()),
        row(
            Swatch::Series(OPTIMUM_COLOR),
            format!(
                "optimum and the optima of {} bootstrap replicates of the surface (90 % CI n {}, m {})",
                b.cloud.len(),
                format::ci(b.ci90.n, format::PARAM_DIGITS),
                format::ci(b.ci90.m, format::PARAM_DIGITS)
            ),
        ),
        row(Swatch::Series(HAVE_COLOR), "have: what is already paid for; ● grey: measured grid points".into()),
    ];
    if let Some(note) = &b.extrapolation.note {
        rows.push(row(Swatch::Note, note.clone()));
    }
    rows
}
