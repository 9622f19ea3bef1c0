//! samples.svg (after Fig. 6e of Minami et al. 2025): every test sample's mean absolute error
//! against n as a thin line coloured by its class (scaling, not scaling, unfit), with the pooled
//! mean MAE drawn on top.

use super::axis::log_range;
use super::figure::marker;
use super::groups_plot::{empty, root, titles};
use super::legend::{Entry, Legend, Swatch};
use super::panel::Panel;
use super::svg::Element;
use crate::results::Results;

const WIDTH: f64 = 720.0;
const PLOT_TOP: f64 = 60.0;
const PLOT_H: f64 = 360.0;
const MARGIN_LEFT: f64 = 70.0;
const MARGIN_RIGHT: f64 = 24.0;
const SCALING: &str = "#0072B2";
const NOT_SCALING: &str = "#D55E00";
const UNFIT: &str = "#999999";
const POOLED: &str = "#000000";

fn color(class: &str) -> &'static str {
    match class {
        "scaling" => SCALING,
        "not_scaling" => NOT_SCALING,
        _ => UNFIT,
    }
}

/// The figure as an SVG document string.
pub fn samples_svg(results: &Results) -> String {
    let Some(s) = &results.samples else { return empty(results, "no `report samples` in this run") };
    if s.samples.is_empty() {
        return empty(results, "no test sample has a finite error");
    }
    let xr = log_range(s.n.iter().map(|&n| n as f64), 0.04).unwrap_or((10.0, 1000.0));
    let yr = log_range(s.samples.iter().flat_map(|x| x.error.iter().copied()).chain(s.pooled.iter().copied()), 0.04)
        .unwrap_or((0.1, 10.0));
    let legend = Legend::new(
        vec![vec![
            Some(Entry { swatch: Swatch::Fit(SCALING), text: format!("scaling ({})", s.scaling) }),
            Some(Entry { swatch: Swatch::Fit(NOT_SCALING), text: format!("not scaling ({})", s.not_scaling) }),
            Some(Entry { swatch: Swatch::Fit(UNFIT), text: format!("unfit ({})", s.unfit) }),
            Some(Entry { swatch: Swatch::Series(POOLED), text: "pooled mean MAE".into() }),
        ]],
        MARGIN_LEFT,
        WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
    );
    let plot_y1 = PLOT_TOP + PLOT_H;
    let legend_top = plot_y1 + 48.0;
    let height = legend_top + legend.height() + 10.0;
    let panel = Panel::new(MARGIN_LEFT, WIDTH - MARGIN_RIGHT, PLOT_TOP, plot_y1, xr, yr);

    let mut svg = root(WIDTH, height, &format!("{} — test error per sample against n", results.study));
    let arm = results.points.iter().find(|p| p.arm.uses_source()).map_or("transfer", |p| p.arm.as_str());
    svg.push(titles(
        results,
        WIDTH,
        &format!("mean absolute error of each test sample against n ({arm}, m = {}), log–log", s.m),
    ));
    svg.push(Element::new("defs").child(Element::new("clipPath").attr("id", "sim2real-samples").child(panel.rect())));
    svg.push(panel.axes(11.0));
    let mut data = Element::new("g").attr("class", "data").attr("clip-path", "url(#sim2real-samples)");
    // Not scaling and unfit below, scaling above, the pooled curve on top of all.
    for class in ["unfit", "not_scaling", "scaling"] {
        let mut g = Element::new("g")
            .attr("class", class)
            .attr("stroke", color(class))
            .attr("fill", "none")
            .num("stroke-width", 0.8)
            .num("stroke-opacity", 0.35);
        for x in s.samples.iter().filter(|x| x.class == class) {
            if let Some(d) = panel.path(s.n.iter().zip(&x.error).map(|(&n, &e)| (n as f64, e))) {
                g.push(Element::new("path").attr("d", d));
            }
        }
        data.push(g);
    }
    if let Some(d) = panel.path(s.n.iter().zip(&s.pooled).map(|(&n, &e)| (n as f64, e))) {
        data.push(
            Element::new("path")
                .attr("class", "pooled")
                .attr("d", d)
                .attr("fill", "none")
                .attr("stroke", POOLED)
                .num("stroke-width", 2.6),
        );
    }
    for (&n, &e) in s.n.iter().zip(&s.pooled) {
        if let Some((px, py)) = panel.at(n as f64, e) {
            data.push(marker(px, py, POOLED));
        }
    }
    svg.push(data);
    let label = if results.label.is_empty() { String::new() } else { format!(" of {}", results.label) };
    svg.push(
        Element::new("text")
            .num("x", f64::midpoint(panel.x0, panel.x1))
            .num("y", plot_y1 + 34.0)
            .attr("text-anchor", "middle")
            .num("font-size", 12.0)
            .text("source size n (log scale)"),
    );
    let cy = f64::midpoint(panel.y0, panel.y1);
    svg.push(
        Element::new("text")
            .num("x", 16.0)
            .num("y", cy)
            .attr("text-anchor", "middle")
            .attr("transform", format!("rotate(-90 16 {})", super::svg::coord(cy)))
            .num("font-size", 12.0)
            .text(format!("absolute error{label} (log scale)")),
    );
    svg.push(legend.draw(legend_top));
    svg.render()
}
