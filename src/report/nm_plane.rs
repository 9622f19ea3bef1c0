//! The (n, m) plane that `indifference.svg` and `budget.svg` share: the measured grid cells and
//! their markers, the two logarithmic axes, and contours of the fitted R(n, m) computed in closed
//! form from Eq. 1 (see [`Surface::m_at_level`]).

use super::axis::LogScale;
use super::figure::{self, Layout, curve, geomspace};
use super::format;
use super::svg::Element;
use crate::fit::Surface;
use crate::results::Results;

/// Samples of n along each contour.
const CONTOUR_SAMPLES: usize = 160;

/// The measured (n, m) cells of the arms that use the source.
pub fn grid_cells(results: &Results) -> Vec<(f64, f64)> {
    results
        .points
        .iter()
        .filter(|p| p.arm.uses_source() && p.n > 0 && p.m > 0)
        .map(|p| (p.n as f64, p.m as f64))
        .collect()
}

/// A marker at every cell inside the plot.
pub fn grid_points(cells: &[(f64, f64)], x: &LogScale, y: &LogScale, color: &str) -> Element {
    let mut g = Element::new("g").attr("class", "grid-points");
    for &(n, m) in cells {
        if let (Some(px), Some(py)) = (x.map(n), y.map(m)) {
            g.push(figure::marker(px, py, color));
        }
    }
    g
}

/// The n and m axes, both logarithmic.
pub fn axes(x: &LogScale, y: &LogScale, layout: &Layout) -> Element {
    figure::axes(
        x,
        y,
        layout,
        "source size n (simulated rows, log scale)",
        "target size m (experimental training rows, log scale)",
    )
}

/// Points (n, m) of the contour R(n, m) = `level` for n spread over `[n_lo, n_hi]`, split into
/// runs where m exists and stays within `[m_lo, m_hi]` (the plot's range, so nothing is drawn
/// off the plane).
pub fn contour(s: &Surface, level: f64, (n_lo, n_hi): (f64, f64), (m_lo, m_hi): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for n in geomspace(n_lo, n_hi, CONTOUR_SAMPLES) {
        match s.m_at_level(n, level).filter(|m| (m_lo..=m_hi).contains(m)) {
            Some(m) => run.push((n, m)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// One contour: its runs as paths and its level written at its right-hand end.
pub fn draw_contour(
    s: &Surface,
    level: f64,
    class: &str,
    color: &str,
    dash: Option<&str>,
    x: &LogScale,
    y: &LogScale,
) -> Element {
    let mut g = Element::new("g").attr("class", class).attr("data-level", format::param(level));
    let runs = contour(s, level, (x.lo, x.hi), (y.lo, y.hi));
    let mut end = None;
    for run in &runs {
        let pts: Vec<(f64, f64)> = run.iter().filter_map(|&(n, m)| Some((x.map(n)?, y.map(m)?))).collect();
        if pts.len() >= 2 {
            end = pts.last().copied();
            g.push(curve(&pts, "contour-line", color, 1.4, dash));
        }
    }
    if let Some((px, py)) = end {
        g.push(
            Element::new("text")
                .attr("class", "level-label")
                .num("x", px - 4.0)
                .num("y", py - 5.0)
                .attr("text-anchor", "end")
                .attr("fill", color)
                .text(format!("R = {}", format::param(level))),
        );
    }
    g
}
