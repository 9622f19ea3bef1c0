//! One log–log plot area with its frame, grid, ticks and tick labels, for the breakdown figures
//! (the small multiples of groups.svg and the single plot of samples.svg).

use super::axis::LogScale;
use super::format;
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

    /// Grid lines, frame, ticks and labels (font `font` px; a label is dropped when it would
    /// touch its neighbour).
    pub fn axes(&self, font: f64) -> Element {
        let mut g = Element::new("g").attr("class", "axes");
        let mut grid = Element::new("g").attr("stroke", "#e6e6e6").num("stroke-width", 1.0);
        let mut ticks = Element::new("g").attr("stroke", "#444444").num("stroke-width", 1.0);
        let mut labels = Element::new("g").attr("fill", "#222222").num("font-size", font);
        let char_w = font * 0.55;
        let mut last_right = f64::NEG_INFINITY;
        for t in self.x.ticks().into_iter().filter(|t| t.major) {
            let Some(px) = self.x.map(t.value) else { continue };
            grid.push(line(px, self.y0, px, self.y1));
            ticks.push(line(px, self.y1, px, self.y1 + 4.0));
            let text = format::compact(t.value);
            let half = text.chars().count() as f64 * char_w / 2.0;
            if px - half > last_right + 4.0 {
                last_right = px + half;
                labels.push(
                    Element::new("text")
                        .num("x", px)
                        .num("y", self.y1 + 4.0 + font)
                        .attr("text-anchor", "middle")
                        .text(text),
                );
            }
        }
        let mut last_top = f64::INFINITY;
        for t in self.y.ticks().into_iter().filter(|t| t.major) {
            let Some(py) = self.y.map(t.value) else { continue };
            grid.push(line(self.x0, py, self.x1, py));
            ticks.push(line(self.x0 - 4.0, py, self.x0, py));
            if py + font / 2.0 < last_top - 1.0 {
                last_top = py - font / 2.0;
                labels.push(
                    Element::new("text")
                        .num("x", self.x0 - 6.0)
                        .num("y", py + font / 3.0)
                        .attr("text-anchor", "end")
                        .text(format::compact(t.value)),
                );
            }
        }
        g.push(grid);
        g.push(self.rect().attr("fill", "none").attr("stroke", "#444444").num("stroke-width", 1.0));
        g.push(ticks);
        g.push(labels);
        g
    }
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> Element {
    Element::new("line").num("x1", x1).num("y1", y1).num("x2", x2).num("y2", y2)
}
