//! The log–log scaling figure (after Fig. 1b of Minami et al. 2025): test MAE against source size n,
//! one colour per target size m. Per m: the transfer means joined by a line over a shaded 90 % CI
//! band, the fitted power law dashed, and the direct arm (which does not depend on n) as a dotted
//! horizontal line over a lighter band. The legend sits below the plot so it never covers data.

use super::axis::{LogScale, log_range};
use super::format;
use super::legend::{CHAR_WIDTH, Entry, Legend, Swatch};
use super::summary::QUICK_BANNER;
use super::svg::{Element, SVG_NS, polygon_d, polyline_d};
use crate::results::{Arm, FitRecord, Point, Results};

/// Okabe–Ito colours (colour-blind safe), without yellow, which is unreadable on white.
const PALETTE: [&str; 7] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const FONT_STACK: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const WIDTH: f64 = 720.0;
const MIN_HEIGHT: f64 = 480.0;
const MARGIN_LEFT: f64 = 76.0;
const MARGIN_RIGHT: f64 = 24.0;
const PLOT_TOP: f64 = 58.0;
/// From the bottom of the plot to the first legend row: tick labels and the x-axis title.
const BELOW_PLOT: f64 = 56.0;
const MIN_PLOT_HEIGHT: f64 = 240.0;
const BOTTOM_PAD: f64 = 10.0;
const FONT_SIZE: f64 = 11.0;
const FIT_SAMPLES: usize = 80;
const PLOT_CLIP_ID: &str = "sim2real-plot-area";

/// The figure as an SVG document string.
pub fn scaling_svg(results: &Results) -> String {
    let curves = curves(results);
    let legend = Legend::new(legend_rows(results, &curves), MARGIN_LEFT, WIDTH - MARGIN_LEFT - MARGIN_RIGHT);
    let layout = Layout::new(legend.height());
    let x_range = x_range(results);
    let y_range = y_range(results);
    let x = LogScale::new(x_range.0, x_range.1, layout.plot_x0, layout.plot_x1);
    let y = LogScale::new(y_range.0, y_range.1, layout.plot_y1, layout.plot_y0);

    let mut svg = Element::new("svg")
        .attr("xmlns", SVG_NS)
        .num("width", WIDTH)
        .num("height", layout.height)
        .attr("viewBox", format!("0 0 {} {}", WIDTH, layout.height))
        .attr("font-family", FONT_STACK)
        .num("font-size", FONT_SIZE)
        .child(Element::new("title").text(format!("{} — test MAE against source size", results.study)))
        .child(
            Element::new("defs").child(
                Element::new("clipPath")
                    .attr("id", PLOT_CLIP_ID)
                    .child(layout.plot_rect(Element::new("rect"))),
            ),
        )
        .child(Element::new("rect").num("width", WIDTH).num("height", layout.height).attr("fill", "#ffffff"));

    svg.push(titles(results, &layout));
    svg.push(grid(&x, &y, &layout));
    svg.push(data(&curves, &x, &y, &layout, x_range));
    if results.quick {
        svg.push(watermark(&layout));
    }
    let drawable = |p: &&Point| positive(p.mae_mean);
    if curves.iter().all(|c| !c.transfer.iter().any(drawable) && !c.direct.iter().any(drawable)) {
        svg.push(
            Element::new("text")
                .attr("class", "no-data")
                .num("x", (layout.plot_x0 + layout.plot_x1) / 2.0)
                .num("y", (layout.plot_y0 + layout.plot_y1) / 2.0)
                .attr("text-anchor", "middle")
                .attr("fill", "#666666")
                .text("no finite MAE to plot"),
        );
    }
    svg.push(axes(results, &x, &y, &layout));
    svg.push(legend.draw(layout.legend_y0));
    svg.render()
}

/// Everything drawn for one target size m.
struct Curve<'a> {
    m: usize,
    color: &'static str,
    /// Transfer points with n > 0, sorted by n.
    transfer: Vec<&'a Point>,
    direct: Option<&'a Point>,
    fit: FitState,
}

enum FitState {
    /// D, alpha, C of a usable power-law fit.
    Drawn { d: f64, alpha: f64, c: f64, equation: String, r2: f64 },
    /// A fit exists or was expected but is not drawn; the text says why.
    NotDrawn(String),
    /// The results hold no power-law fit at all.
    Absent,
}

fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

fn curves(results: &Results) -> Vec<Curve<'_>> {
    let is_power_law = |f: &&FitRecord| f.law == "power_law" && f.arm.uses_source();
    let any_fit = results.fits.iter().any(|f| is_power_law(&f));
    let mut ms: Vec<usize> = results
        .points
        .iter()
        .map(|p| p.m)
        .chain(results.fits.iter().filter(is_power_law).map(|f| f.m))
        .collect();
    ms.sort_unstable();
    ms.dedup();
    ms.into_iter()
        .enumerate()
        .map(|(i, m)| {
            let mut transfer: Vec<&Point> =
                results.points.iter().filter(|p| p.arm.uses_source() && p.m == m && p.n > 0).collect();
            transfer.sort_by_key(|p| p.n);
            let direct_at_m = || results.points.iter().filter(move |p| p.arm == Arm::Direct && p.m == m);
            let direct = direct_at_m().find(|p| p.n == 0).or_else(|| direct_at_m().next());
            let fit = match results.fits.iter().filter(is_power_law).find(|f| f.m == m) {
                Some(f) => fit_state(f),
                None if any_fit && !transfer.is_empty() => NotDrawn(format!("m = {m}: no fit recorded")),
                None => Absent,
            };
            Curve { m, color: PALETTE[i % PALETTE.len()], transfer, direct, fit }
        })
        .collect()
}

use FitState::{Absent, Drawn, NotDrawn};

fn fit_state(fit: &FitRecord) -> FitState {
    if let Some(why) = &fit.degenerate {
        return NotDrawn(format!("m = {}: fit not drawn, degenerate ({why})", fit.m));
    }
    let get = |name: &str| fit.params.get(name).copied().filter(|v| v.is_finite());
    match (get("D"), get("alpha"), get("C")) {
        (Some(d), Some(alpha), Some(c)) => Drawn { d, alpha, c, equation: format::equation(fit), r2: fit.r2 },
        _ => NotDrawn(format!("m = {}: fit not drawn, parameters not finite", fit.m)),
    }
}

fn x_range(results: &Results) -> (f64, f64) {
    let transfer = results.points.iter().filter(|p| p.arm.uses_source() && p.n > 0);
    let with_data = transfer.clone().filter(|p| positive(p.mae_mean)).map(|p| p.n as f64);
    log_range(with_data, 0.04)
        .or_else(|| log_range(transfer.map(|p| p.n as f64), 0.04))
        .unwrap_or((10.0, 1000.0))
}

fn y_range(results: &Results) -> (f64, f64) {
    let values = results
        .points
        .iter()
        .filter(|p| p.arm == Arm::Direct || p.n > 0)
        .flat_map(|p| [p.mae_mean, p.mae_ci90[0], p.mae_ci90[1]]);
    log_range(values, 0.06).unwrap_or((0.1, 10.0))
}

/// Pixel positions of the plot and the figure height, which grows when the legend is tall.
struct Layout {
    plot_x0: f64,
    plot_x1: f64,
    plot_y0: f64,
    plot_y1: f64,
    legend_y0: f64,
    height: f64,
}

impl Layout {
    fn new(legend_height: f64) -> Self {
        let plot_height = (MIN_HEIGHT - PLOT_TOP - BELOW_PLOT - legend_height - BOTTOM_PAD).max(MIN_PLOT_HEIGHT);
        let plot_y1 = PLOT_TOP + plot_height;
        let legend_y0 = plot_y1 + BELOW_PLOT;
        Layout {
            plot_x0: MARGIN_LEFT,
            plot_x1: WIDTH - MARGIN_RIGHT,
            plot_y0: PLOT_TOP,
            plot_y1,
            legend_y0,
            height: legend_y0 + legend_height + BOTTOM_PAD,
        }
    }

    fn plot_rect(&self, rect: Element) -> Element {
        rect.num("x", self.plot_x0)
            .num("y", self.plot_y0)
            .num("width", self.plot_x1 - self.plot_x0)
            .num("height", self.plot_y1 - self.plot_y0)
    }
}

fn titles(results: &Results, layout: &Layout) -> Element {
    let center = (layout.plot_x0 + layout.plot_x1) / 2.0;
    let title = Element::new("text")
        .attr("class", "title")
        .num("x", center)
        .num("y", 24.0)
        .attr("text-anchor", "middle")
        .num("font-size", 16.0)
        .attr("font-weight", "bold")
        .text(results.study.clone());
    let subtitle = if results.quick {
        Element::new("text")
            .attr("class", "quick")
            .attr("fill", "#B00020")
            .attr("font-weight", "bold")
            .text(QUICK_BANNER)
    } else {
        Element::new("text")
            .attr("class", "subtitle")
            .attr("fill", "#555555")
            .text("mean test MAE over trials with 90 % CI")
    };
    let subtitle = subtitle.num("x", center).num("y", 42.0).attr("text-anchor", "middle");
    Element::new("g").child(title).child(subtitle)
}

fn grid(x: &LogScale, y: &LogScale, layout: &Layout) -> Element {
    let mut g = Element::new("g").attr("class", "grid").attr("stroke", "#e6e6e6").num("stroke-width", 1.0);
    for t in x.ticks().into_iter().filter(|t| t.major) {
        if let Some(px) = x.map(t.value) {
            g.push(line(px, layout.plot_y0, px, layout.plot_y1));
        }
    }
    for t in y.ticks().into_iter().filter(|t| t.major) {
        if let Some(py) = y.map(t.value) {
            g.push(line(layout.plot_x0, py, layout.plot_x1, py));
        }
    }
    g
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> Element {
    Element::new("line").num("x1", x1).num("y1", y1).num("x2", x2).num("y2", y2)
}

fn data(curves: &[Curve], x: &LogScale, y: &LogScale, layout: &Layout, x_range: (f64, f64)) -> Element {
    let mut g = Element::new("g").attr("class", "data").attr("clip-path", format!("url(#{PLOT_CLIP_ID})"));
    // Bands first so that every line stays visible on top of every band.
    for c in curves {
        if let Some(p) = c.direct
            && let (Some(y_hi), Some(y_lo)) = (y.map(p.mae_ci90[1]), y.map(p.mae_ci90[0]))
        {
            g.push(
                Element::new("rect")
                    .attr("class", "direct-band")
                    .num("x", layout.plot_x0)
                    .num("y", y_hi.min(y_lo))
                    .num("width", layout.plot_x1 - layout.plot_x0)
                    .num("height", (y_lo - y_hi).abs())
                    .attr("fill", c.color)
                    .num("fill-opacity", 0.08),
            );
        }
    }
    for c in curves {
        if let Some(band) = transfer_band(c, x, y) {
            g.push(band);
        }
    }
    for c in curves {
        if let Some(p) = c.direct
            && let Some(py) = y.map(p.mae_mean)
        {
            g.push(
                line(layout.plot_x0, py, layout.plot_x1, py)
                    .attr("class", "direct")
                    .attr("stroke", c.color)
                    .num("stroke-width", 2.2)
                    .attr("stroke-dasharray", "0.5 4")
                    .attr("stroke-linecap", "round"),
            );
        }
    }
    for c in curves {
        if let Drawn { d, alpha, c: offset, .. } = c.fit {
            let (lo, hi) = n_span(c).unwrap_or(x_range);
            let pts: Vec<(f64, f64)> = (0..FIT_SAMPLES)
                .filter_map(|i| {
                    let n = lo * (hi / lo).powf(i as f64 / (FIT_SAMPLES - 1) as f64);
                    Some((x.map(n)?, y.map(d * n.powf(-alpha) + offset)?))
                })
                .collect();
            if pts.len() >= 2 {
                g.push(
                    Element::new("path")
                        .attr("class", "fit")
                        .attr("d", polyline_d(&pts))
                        .attr("fill", "none")
                        .attr("stroke", c.color)
                        .num("stroke-width", 1.6)
                        .attr("stroke-dasharray", "6 4"),
                );
            }
        }
    }
    for c in curves {
        let pts: Vec<(f64, f64)> =
            c.transfer.iter().filter_map(|p| Some((x.map(p.n as f64)?, y.map(p.mae_mean)?))).collect();
        if pts.len() >= 2 {
            g.push(
                Element::new("path")
                    .attr("class", "series")
                    .attr("d", polyline_d(&pts))
                    .attr("fill", "none")
                    .attr("stroke", c.color)
                    .num("stroke-width", 2.0)
                    .attr("stroke-linejoin", "round"),
            );
        }
        for (px, py) in pts {
            g.push(marker(px, py, c.color));
        }
    }
    g
}

/// The n range of a curve's finite transfer points, if it spans more than one n.
fn n_span(c: &Curve) -> Option<(f64, f64)> {
    let ns: Vec<f64> = c.transfer.iter().filter(|p| positive(p.mae_mean)).map(|p| p.n as f64).collect();
    let lo = ns.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ns.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi > lo).then_some((lo, hi))
}

/// A data point marker (also drawn in the legend).
pub(super) fn marker(px: f64, py: f64, color: &str) -> Element {
    Element::new("circle")
        .attr("class", "marker")
        .num("cx", px)
        .num("cy", py)
        .num("r", 3.5)
        .attr("fill", color)
        .attr("stroke", "#ffffff")
        .num("stroke-width", 1.0)
}

/// The shaded CI band through the transfer points' CIs, or error bars when fewer than two points
/// have a finite CI.
fn transfer_band(c: &Curve, x: &LogScale, y: &LogScale) -> Option<Element> {
    let spans: Vec<(f64, f64, f64)> = c
        .transfer
        .iter()
        .filter_map(|p| Some((x.map(p.n as f64)?, y.map(p.mae_ci90[0])?, y.map(p.mae_ci90[1])?)))
        .collect();
    match spans.len() {
        0 => None,
        1 => {
            let (px, lo, hi) = spans[0];
            let d = format!(
                "{} {} {}",
                polyline_d(&[(px, lo), (px, hi)]),
                polyline_d(&[(px - 4.0, lo), (px + 4.0, lo)]),
                polyline_d(&[(px - 4.0, hi), (px + 4.0, hi)])
            );
            Some(
                Element::new("path")
                    .attr("class", "ci-bar")
                    .attr("d", d)
                    .attr("fill", "none")
                    .attr("stroke", c.color)
                    .num("stroke-width", 1.4),
            )
        }
        _ => {
            let mut outline: Vec<(f64, f64)> = spans.iter().map(|&(px, _, hi)| (px, hi)).collect();
            outline.extend(spans.iter().rev().map(|&(px, lo, _)| (px, lo)));
            Some(
                Element::new("path")
                    .attr("class", "band")
                    .attr("d", polygon_d(&outline))
                    .attr("fill", c.color)
                    .num("fill-opacity", 0.2)
                    .attr("stroke", "none"),
            )
        }
    }
}

fn watermark(layout: &Layout) -> Element {
    let cx = (layout.plot_x0 + layout.plot_x1) / 2.0;
    let cy = (layout.plot_y0 + layout.plot_y1) / 2.0;
    Element::new("text")
        .attr("class", "watermark")
        .num("x", cx)
        .num("y", cy)
        .attr("text-anchor", "middle")
        .attr("dominant-baseline", "middle")
        .attr("transform", format!("rotate(-18 {} {})", super::svg::coord(cx), super::svg::coord(cy)))
        .num("font-size", 56.0)
        .attr("font-weight", "bold")
        .attr("fill", "#B00020")
        .num("fill-opacity", 0.09)
        .text("QUICK RUN")
}

fn axes(results: &Results, x: &LogScale, y: &LogScale, layout: &Layout) -> Element {
    let mut g = Element::new("g").attr("class", "axes");
    g.push(layout.plot_rect(Element::new("rect")).attr("fill", "none").attr("stroke", "#444444").num("stroke-width", 1.0));

    let mut ticks = Element::new("g").attr("stroke", "#444444").num("stroke-width", 1.0);
    let mut labels = Element::new("g").attr("fill", "#222222");
    // x ticks: a label is dropped when it would touch the previous one.
    let mut last_right = f64::NEG_INFINITY;
    for t in x.ticks() {
        let Some(px) = x.map(t.value) else { continue };
        let text = format::compact(t.value);
        let half = text.chars().count() as f64 * CHAR_WIDTH / 2.0;
        let labelled = t.major && px - half > last_right + 6.0;
        let len = if labelled || t.major { 5.0 } else { 3.0 };
        ticks.push(line(px, layout.plot_y1, px, layout.plot_y1 + len));
        if labelled {
            last_right = px + half;
            labels.push(
                Element::new("text").num("x", px).num("y", layout.plot_y1 + 17.0).attr("text-anchor", "middle").text(text),
            );
        }
    }
    // y ticks, bottom to top: a label is dropped when it would overlap the one below.
    let mut last_top = f64::INFINITY;
    for t in y.ticks() {
        let Some(py) = y.map(t.value) else { continue };
        let labelled = t.major && py + FONT_SIZE / 2.0 < last_top - 2.0;
        let len = if t.major { 5.0 } else { 3.0 };
        ticks.push(line(layout.plot_x0 - len, py, layout.plot_x0, py));
        if labelled {
            last_top = py - FONT_SIZE / 2.0;
            labels.push(
                Element::new("text")
                    .num("x", layout.plot_x0 - 8.0)
                    .num("y", py + 4.0)
                    .attr("text-anchor", "end")
                    .text(format::compact(t.value)),
            );
        }
    }
    g.push(ticks);
    g.push(labels);

    let center_x = (layout.plot_x0 + layout.plot_x1) / 2.0;
    let center_y = (layout.plot_y0 + layout.plot_y1) / 2.0;
    g.push(
        Element::new("text")
            .attr("class", "axis-title")
            .num("x", center_x)
            .num("y", layout.plot_y1 + 36.0)
            .attr("text-anchor", "middle")
            .num("font-size", 12.0)
            .text("source size n (simulated rows, log scale)"),
    );
    let label = if results.label.is_empty() { String::new() } else { format!(" of {}", results.label) };
    g.push(
        Element::new("text")
            .attr("class", "axis-title")
            .num("x", 18.0)
            .num("y", center_y)
            .attr("text-anchor", "middle")
            .attr("transform", format!("rotate(-90 18 {})", super::svg::coord(center_y)))
            .num("font-size", 12.0)
            .text(format!("test MAE{label} (log scale)")),
    );
    g
}

/// Legend rows: one per m with its transfer, fit (or why there is none) and direct entries.
fn legend_rows(results: &Results, curves: &[Curve]) -> Vec<Vec<Option<Entry>>> {
    let mut rows: Vec<Vec<Option<Entry>>> = Vec::new();
    for c in curves {
        let transfer = (!c.transfer.is_empty()).then(|| {
            let finite = c.transfer.iter().any(|p| positive(p.mae_mean));
            let suffix = if finite { "" } else { " (no finite MAE)" };
            let arm = c.transfer.first().map_or("transfer", |p| p.arm.as_str());
            Entry { swatch: Swatch::Series(c.color), text: format!("{arm}, m = {}{suffix}", c.m) }
        });
        let fit = match &c.fit {
            Drawn { equation, r2, .. } => Some(Entry {
                swatch: Swatch::Fit(c.color),
                text: format!("{equation}, R² = {}", format::param(*r2)),
            }),
            NotDrawn(why) => Some(Entry { swatch: Swatch::Note, text: why.clone() }),
            Absent => None,
        };
        let direct = c.direct.map(|p| {
            let suffix = if positive(p.mae_mean) { "" } else { ", no finite MAE" };
            Entry { swatch: Swatch::Direct(c.color), text: format!("direct learning (m = {}{suffix})", c.m) }
        });
        rows.push(vec![transfer, fit, direct]);
    }
    if !results.fits.iter().any(|f| f.law == "power_law" && f.arm.uses_source())
        && curves.iter().any(|c| !c.transfer.is_empty())
    {
        rows.push(vec![Some(Entry { swatch: Swatch::Note, text: "no power-law fit in the results".into() })]);
    }
    rows
}
