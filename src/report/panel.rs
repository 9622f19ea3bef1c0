//! One log–log plot area with its frame, grid, ticks and tick labels, for the breakdown figures
//! (the small multiples of groups.svg and the single plot of samples.svg).

use super::axis::{Frame, LogScale, TickStyle, grid_lines, ticks_and_labels};
use super::svg::{Element, polyline_d};

/// A plot area in pixels with its log scales.
pub struct Panel {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub x: LogScale,
    pub y: LogScale,
}

impl Panel {
    /// The area `[x0, x1] × [y0, y1]` (y grows downwards) showing `xr` across and `yr` up.
    pub fn new(x0: f64, x1: f64, y0: f64, y1: f64, xr: (f64, f64), yr: (f64, f64)) -> Self {
        Panel { x0, x1, y0, y1, x: LogScale::new(xr.0, xr.1, x0, x1), y: LogScale::new(yr.0, yr.1, y1, y0) }
    }

    /// Pixel position of a data point, if both values are positive and finite.
    pub fn at(&self, n: f64, v: f64) -> Option<(f64, f64)> {
        Some((self.x.map(n)?, self.y.map(v)?))
    }

    /// A path through the drawable points (`None` for fewer than two).
    pub fn path(&self, pts: impl IntoIterator<Item = (f64, f64)>) -> Option<String> {
        let px: Vec<(f64, f64)> = pts.into_iter().filter_map(|(n, v)| self.at(n, v)).collect();
        (px.len() >= 2).then(|| polyline_d(&px))
    }

    /// The clip rectangle of the area.
    pub fn rect(&self) -> Element {
        Element::new("rect")
            .num("x", self.x0)
            .num("y", self.y0)
            .num("width", self.x1 - self.x0)
            .num("height", self.y1 - self.y0)
    }

    /// The plot area.
    pub fn frame(&self) -> Frame {
        Frame { x0: self.x0, x1: self.x1, y0: self.y0, y1: self.y1 }
    }

    /// Grid lines, frame, major ticks and labels (font `font` px; a label is dropped when it would
    /// touch its neighbour), drawn as every figure draws them ([`ticks_and_labels`]).
    pub fn axes(&self, font: f64) -> Element {
        let style = TickStyle {
            font,
            char_width: font * 0.55,
            minor: false,
            major_len: 4.0,
            minor_len: 4.0,
            x_gap: 4.0,
            y_gap: 1.0,
            x_label_dy: 4.0 + font,
            y_label_dx: 6.0,
            y_label_dy: font / 3.0,
        };
        let (tick_marks, tick_labels) = ticks_and_labels(&self.x, &self.y, self.frame(), &style);
        let mut g = Element::new("g").attr("class", "axes");
        let mut grid = Element::new("g").attr("stroke", "#e6e6e6").num("stroke-width", 1.0);
        let mut ticks = Element::new("g").attr("stroke", "#444444").num("stroke-width", 1.0);
        let mut labels = Element::new("g").attr("fill", "#222222").num("font-size", font);
        for l in grid_lines(&self.x, &self.y, self.frame()) {
            grid.push(l);
        }
        for t in tick_marks {
            ticks.push(t);
        }
        for l in tick_labels {
            labels.push(l);
        }
        g.push(grid);
        g.push(self.rect().attr("fill", "none").attr("stroke", "#444444").num("stroke-width", 1.0));
        g.push(ticks);
        g.push(labels);
        g
    }
}
