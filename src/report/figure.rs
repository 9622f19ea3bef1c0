//! The frame every figure shares: page size and plot area ([`Layout`]), the SVG root with its
//! clip path, title and subtitle, grid lines, log axes with ticks and titles, the QUICK RUN
//! watermark, and small drawing helpers (lines, markers, CI bars, curves). The figures themselves
//! (scaling_plot, grid_plots, indifference) only decide what data to draw.

pub use super::axis::line;
use super::axis::{Frame, LogScale, TickStyle, grid_lines, ticks_and_labels};
use super::legend::CHAR_WIDTH;
use super::summary::QUICK_BANNER;
use super::svg::{Element, SVG_NS, coord, polyline_d};
use crate::results::Results;

/// Okabe–Ito colours (colour-blind safe), without yellow, which is unreadable on white.
pub const PALETTE: [&str; 7] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const FONT_STACK: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

pub const WIDTH: f64 = 720.0;
const MIN_HEIGHT: f64 = 480.0;
pub const MARGIN_LEFT: f64 = 76.0;
pub const MARGIN_RIGHT: f64 = 24.0;
const PLOT_TOP: f64 = 58.0;
/// From the bottom of the plot to the first legend row: tick labels and the x-axis title.
const BELOW_PLOT: f64 = 56.0;
const MIN_PLOT_HEIGHT: f64 = 240.0;
const BOTTOM_PAD: f64 = 10.0;
pub const FONT_SIZE: f64 = 11.0;
pub const PLOT_CLIP_ID: &str = "sim2real-plot-area";

/// The colour of the i-th curve.
pub fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Values that can be drawn on a log axis.
pub fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// Pixel positions of the plot and the figure height, which grows when the legend is tall.
pub struct Layout {
    pub plot_x0: f64,
    pub plot_x1: f64,
    pub plot_y0: f64,
    pub plot_y1: f64,
    pub legend_y0: f64,
    pub height: f64,
}

impl Layout {
    pub fn new(legend_height: f64) -> Self {
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

    pub fn plot_rect(&self, rect: Element) -> Element {
        rect.num("x", self.plot_x0)
            .num("y", self.plot_y0)
            .num("width", self.plot_x1 - self.plot_x0)
            .num("height", self.plot_y1 - self.plot_y0)
    }

    /// The width available to a legend below the plot.
    pub fn legend_width() -> f64 {
        WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    }

    /// The plot area.
    pub fn frame(&self) -> Frame {
        Frame { x0: self.plot_x0, x1: self.plot_x1, y0: self.plot_y0, y1: self.plot_y1 }
    }

    fn center(&self) -> (f64, f64) {
        (f64::midpoint(self.plot_x0, self.plot_x1), f64::midpoint(self.plot_y0, self.plot_y1))
    }
}

/// The root `svg` element: size, fonts, `<title>`, the plot-area clip path and a white background.
pub fn document(title: String, layout: &Layout) -> Element {
    Element::new("svg")
        .attr("xmlns", SVG_NS)
        .num("width", WIDTH)
        .num("height", layout.height)
        .attr("viewBox", format!("0 0 {} {}", WIDTH, layout.height))
        .attr("font-family", FONT_STACK)
        .num("font-size", FONT_SIZE)
        .child(Element::new("title").text(title))
        .child(
            Element::new("defs")
                .child(Element::new("clipPath").attr("id", PLOT_CLIP_ID).child(layout.plot_rect(Element::new("rect")))),
        )
        .child(Element::new("rect").num("width", WIDTH).num("height", layout.height).attr("fill", "#ffffff"))
}

/// A group clipped to the plot area, for data.
pub fn clipped(class: &str) -> Element {
    Element::new("g").attr("class", class).attr("clip-path", format!("url(#{PLOT_CLIP_ID})"))
}

/// The study name as the title; the QUICK banner or `subtitle` below it.
pub fn titles(results: &Results, layout: &Layout, subtitle: &str) -> Element {
    let (center, _) = layout.center();
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
        Element::new("text").attr("class", "subtitle").attr("fill", "#555555").text(subtitle)
    };
    let subtitle = subtitle.num("x", center).num("y", 42.0).attr("text-anchor", "middle");
    Element::new("g").child(title).child(subtitle)
}

/// Light grid lines at the major ticks of both axes.
pub fn grid(x: &LogScale, y: &LogScale, layout: &Layout) -> Element {
    let mut g = Element::new("g").attr("class", "grid").attr("stroke", "#e6e6e6").num("stroke-width", 1.0);
    for l in grid_lines(x, y, layout.frame()) {
        g.push(l);
    }
    g
}

/// A data point marker (also drawn in the legend).
pub fn marker(px: f64, py: f64, color: &str) -> Element {
    Element::new("circle")
        .attr("class", "marker")
        .num("cx", px)
        .num("cy", py)
        .num("r", 3.5)
        .attr("fill", color)
        .attr("stroke", "#ffffff")
        .num("stroke-width", 1.0)
}

/// A vertical error bar from `lo` to `hi` (pixels) at `px` with short caps.
pub fn ci_bar(px: f64, lo: f64, hi: f64, color: &str) -> Element {
    let d = format!(
        "{} {} {}",
        polyline_d(&[(px, lo), (px, hi)]),
        polyline_d(&[(px - 4.0, lo), (px + 4.0, lo)]),
        polyline_d(&[(px - 4.0, hi), (px + 4.0, hi)])
    );
    Element::new("path")
        .attr("class", "ci-bar")
        .attr("d", d)
        .attr("fill", "none")
        .attr("stroke", color)
        .num("stroke-width", 1.4)
}

/// An unfilled path through `pts` (pixels) of class `class`; `dash` is a stroke-dasharray.
pub fn curve(pts: &[(f64, f64)], class: &str, color: &str, width: f64, dash: Option<&str>) -> Element {
    let mut e = Element::new("path")
        .attr("class", class)
        .attr("d", polyline_d(pts))
        .attr("fill", "none")
        .attr("stroke", color)
        .num("stroke-width", width);
    if let Some(d) = dash {
        e = e.attr("stroke-dasharray", d);
    }
    e
}

/// `samples` values spread geometrically over `[lo, hi]`.
pub fn geomspace(lo: f64, hi: f64, samples: usize) -> impl Iterator<Item = f64> {
    let last = samples.saturating_sub(1).max(1) as f64;
    (0..samples).map(move |i| lo * (hi / lo).powf(i as f64 / last))
}

/// A grey message in the middle of the plot ("no finite MAE to plot").
pub fn message(layout: &Layout, class: &str, text: &str) -> Element {
    let (cx, cy) = layout.center();
    Element::new("text")
        .attr("class", class)
        .num("x", cx)
        .num("y", cy)
        .attr("text-anchor", "middle")
        .attr("fill", "#666666")
        .text(text)
}

/// The diagonal QUICK RUN watermark.
pub fn watermark(layout: &Layout) -> Element {
    let (cx, cy) = layout.center();
    Element::new("text")
        .attr("class", "watermark")
        .num("x", cx)
        .num("y", cy)
        .attr("text-anchor", "middle")
        .attr("dominant-baseline", "middle")
        .attr("transform", format!("rotate(-18 {} {})", coord(cx), coord(cy)))
        .num("font-size", 56.0)
        .attr("font-weight", "bold")
        .attr("fill", "#B00020")
        .num("fill-opacity", 0.09)
        .text("QUICK RUN")
}

/// `test MAE of LABEL (log scale)`.
pub fn mae_title(results: &Results) -> String {
    let label = if results.label.is_empty() { String::new() } else { format!(" of {}", results.label) };
    format!("test MAE{label} (log scale)")
}

/// Ticks of the full-size figures: minor ticks drawn, labels 11 px.
pub(super) const FIGURE_TICKS: TickStyle = TickStyle {
    font: FONT_SIZE,
    char_width: CHAR_WIDTH,
    minor: true,
    major_len: 5.0,
    minor_len: 3.0,
    x_gap: 6.0,
    y_gap: 2.0,
    x_label_dy: 17.0,
    y_label_dx: 8.0,
    y_label_dy: 4.0,
};

/// The plot frame, ticks with labels that never overlap, and the axis titles.
pub fn axes(x: &LogScale, y: &LogScale, layout: &Layout, x_title: &str, y_title: &str) -> Element {
    let mut g = Element::new("g").attr("class", "axes");
    g.push(
        layout.plot_rect(Element::new("rect")).attr("fill", "none").attr("stroke", "#444444").num("stroke-width", 1.0),
    );

    let (tick_marks, tick_labels) = ticks_and_labels(x, y, layout.frame(), &FIGURE_TICKS);
    let mut ticks = Element::new("g").attr("stroke", "#444444").num("stroke-width", 1.0);
    let mut labels = Element::new("g").attr("fill", "#222222");
    for t in tick_marks {
        ticks.push(t);
    }
    for l in tick_labels {
        labels.push(l);
    }
    g.push(ticks);
    g.push(labels);

    let (center_x, center_y) = layout.center();
    g.push(
        Element::new("text")
            .attr("class", "axis-title")
            .num("x", center_x)
            .num("y", layout.plot_y1 + 36.0)
            .attr("text-anchor", "middle")
            .num("font-size", 12.0)
            .text(x_title),
    );
    g.push(
        Element::new("text")
            .attr("class", "axis-title")
            .num("x", 18.0)
            .num("y", center_y)
            .attr("text-anchor", "middle")
            .attr("transform", format!("rotate(-90 18 {})", coord(center_y)))
            .num("font-size", 12.0)
            .text(y_title),
    );
    g
}
