//! Indifference curves (`indifference.svg`): contours of constant fitted R(n, m) over the
//! (n, m) plane, both axes logarithmic. Each contour is computed in closed form from Eq. 1,
//! m(n) = ((A·n^-α + B)/(R − ε))^(1/β) for R > ε (see [`Surface::m_at_level`]), at a handful of
//! levels spread geometrically over the range the fitted surface takes on the measured grid.
//! The measured grid points are marked; the exchange-rate point is marked with its tangent,
//! whose slope is dm/dn = −(∂R/∂n)/(∂R/∂m), and annotated with the rate. When the surface fit is
//! degenerate (or Eq. 1 does not describe the data, so the rate came from the axis gradients) no
//! contour is drawn and the figure says why.

use super::axis::{LogScale, log_range};
use super::figure::{self, Layout, curve};
use super::format;
use super::legend::{Entry, Legend, Swatch};
use super::nm_plane;
use super::surface_curve::{SurfaceState, surface_state};
use super::svg::Element;
use crate::fit::Surface;
use crate::results::{Exchange, Results};

/// Contour levels drawn (besides the one through the exchange-rate point).
pub const LEVELS: usize = 5;
/// Half-length of the drawn tangent, in decades.
const TANGENT_DECADES: f64 = 0.3;
const CONTOUR_COLOR: &str = "#0072B2";
const POINT_COLOR: &str = "#444444";
const MRS_COLOR: &str = "#D55E00";

/// `LEVELS` levels spread geometrically strictly inside the range of `s` over the grid cells
/// `cells` (n, m), all above ε; empty when the surface is flat there.
pub fn contour_levels(s: &Surface, cells: &[(f64, f64)]) -> Vec<f64> {
    let values: Vec<f64> = cells.iter().map(|&(n, m)| s.eval(n, m)).filter(|v| v.is_finite()).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Levels are spread over R − ε so that every one of them lies above ε.
    let (glo, ghi) = (lo - s.eps, hi - s.eps);
    if !(glo > 0.0 && ghi > glo * (1.0 + 1e-9)) {
        return Vec::new();
    }
    (1..=LEVELS).map(|i| s.eps + glo * (ghi / glo).powf(i as f64 / (LEVELS + 1) as f64)).collect()
}

/// The figure, or `None` when the results hold no surface fit or the grid is not 2-D.
pub fn indifference_svg(results: &Results) -> Option<String> {
    let surface = surface_state(results);
    if matches!(surface, SurfaceState::Absent) {
        return None;
    }
    let cells = nm_plane::grid_cells(results);
    let exchange = results.exchange.as_ref();
    // Contours only where Eq. 1 describes the data.
    let contours = match (&surface, exchange) {
        (SurfaceState::Usable(s, _), x) if x.is_none_or(|x| x.method == "surface") => Ok(*s),
        (SurfaceState::Usable(..), _) => {
            Err("no indifference curves: Eq. 1 does not describe this surface (the exchange rate comes from 1-D fits along each axis)".to_string())
        }
        (SurfaceState::NotDrawn(why), _) => Err(format!("no indifference curves: {}", why.trim_start_matches("Eq. 1 surface not drawn: "))),
        (SurfaceState::Absent, _) => return None,
    };
    let point = exchange.map(|x| (x.n as f64, x.m as f64));
    let x_range = log_range(cells.iter().map(|c| c.0).chain(point.map(|p| p.0)), 0.08).unwrap_or((10.0, 1000.0));
    let y_range = log_range(cells.iter().map(|c| c.1).chain(point.map(|p| p.1)), 0.08).unwrap_or((10.0, 1000.0));

    let levels = contours.as_ref().map(|s| contour_levels(s, &cells)).unwrap_or_default();
    let legend = Legend::new(legend_rows(&contours, &levels, exchange), figure::MARGIN_LEFT, Layout::legend_width());
    let layout = Layout::new(legend.height());
    let x = LogScale::new(x_range.0, x_range.1, layout.plot_x0, layout.plot_x1);
    let y = LogScale::new(y_range.0, y_range.1, layout.plot_y1, layout.plot_y0);

    let mut svg = figure::document(format!("{} — indifference curves of the fitted R(n, m)", results.study), &layout);
    svg.push(figure::titles(results, &layout, "contours of equal fitted test MAE; ● measured grid points"));
    svg.push(figure::grid(&x, &y, &layout));
    let mut data = figure::clipped("data");
    if let Ok(s) = &contours {
        for &level in &levels {
            data.push(nm_plane::draw_contour(s, level, "contour", CONTOUR_COLOR, None, &x, &y));
        }
        if let Some(xch) = exchange
            && positive_point(xch)
        {
            let level = s.eval(xch.n as f64, xch.m as f64);
            data.push(nm_plane::draw_contour(s, level, "mrs-level", MRS_COLOR, Some("6 4"), &x, &y));
        }
    }
    data.push(nm_plane::grid_points(&cells, &x, &y, POINT_COLOR));
    if let Some(xch) = exchange {
        data.push(draw_exchange(xch, &x, &y));
    }
    svg.push(data);
    if results.quick {
        svg.push(figure::watermark(&layout));
    }
    if contours.is_err() {
        svg.push(figure::message(&layout, "no-contours", "no indifference curves drawn (the legend says why)"));
    }
    svg.push(nm_plane::axes(&x, &y, &layout));
    svg.push(legend.draw(layout.legend_y0));
    Some(svg.render())
}

fn positive_point(x: &Exchange) -> bool {
    x.n > 0 && x.m > 0
}

/// The exchange-rate point, its tangent dm/dn = −(∂R/∂n)/(∂R/∂m) (a straight line of slope
/// −(n/m)·(∂R/∂n)/(∂R/∂m) in log–log coordinates) and the rate.
fn draw_exchange(xch: &Exchange, x: &LogScale, y: &LogScale) -> Element {
    let mut g = Element::new("g").attr("class", "mrs");
    let (n, m) = (xch.n as f64, xch.m as f64);
    let (Some(px), Some(py)) = (x.map(n), y.map(m)) else { return g };
    let slope = -(n / m) * xch.dr_dn / xch.dr_dm;
    if slope.is_finite() {
        let step = TANGENT_DECADES / (1.0 + slope * slope).sqrt();
        let ends: Vec<(f64, f64)> = [-step, step]
            .iter()
            .filter_map(|&d| Some((x.map(n * 10f64.powf(d))?, y.map(m * 10f64.powf(slope * d))?)))
            .collect();
        if ends.len() == 2 {
            g.push(curve(&ends, "tangent", MRS_COLOR, 2.0, None));
        }
    }
    g.push(
        Element::new("circle")
            .attr("class", "mrs-point")
            .num("cx", px)
            .num("cy", py)
            .num("r", 5.0)
            .attr("fill", MRS_COLOR)
            .attr("stroke", "#ffffff")
            .num("stroke-width", 1.5),
    );
    // The tangent falls from upper left to lower right: the label goes below left of the point
    // (right half of the plot) or above right of it (left half), clear of the tangent.
    let (anchor, dx, dy) =
        if px > f64::midpoint(x.px_lo, x.px_hi) { ("end", -9.0, 18.0) } else { ("start", 9.0, -9.0) };
    g.push(
        Element::new("text")
            .attr("class", "mrs-label")
            .num("x", px + dx)
            .num("y", py + dy)
            .attr("text-anchor", anchor)
            .attr("fill", MRS_COLOR)
            .attr("font-weight", "bold")
            .text(format!("1 target ≈ {} source samples", xch.rate_text(format::param))),
    );
    g
}

fn legend_rows(
    contours: &Result<Surface, String>,
    levels: &[f64],
    exchange: Option<&Exchange>,
) -> Vec<Vec<Option<Entry>>> {
    let mut rows = Vec::new();
    match contours {
        Ok(_) if !levels.is_empty() => {
            let list: Vec<String> = levels.iter().map(|l| format::param(*l)).collect();
            rows.push(vec![Some(Entry {
                swatch: Swatch::Fit(CONTOUR_COLOR),
                text: format!("fitted R(n, m) = {} (closed form from Eq. 1)", list.join(", ")),
            })]);
        }
        Ok(_) => rows.push(vec![Some(Entry {
            swatch: Swatch::Note,
            text: "the fitted surface is flat over the grid: no contour levels".into(),
        })]),
        Err(why) => rows.push(vec![Some(Entry { swatch: Swatch::Note, text: why.clone() })]),
    }
    if let Some(x) = exchange {
        let how = if x.method == "surface" { "from the fitted surface" } else { "from 1-D fits along each axis" };
        rows.push(vec![Some(Entry {
            swatch: Swatch::Series(MRS_COLOR),
            text: format!("exchange-rate point (n = {}, m = {}) and its tangent dm/dn = −(∂R/∂n)/(∂R/∂m)", x.n, x.m),
        })]);
        rows.push(vec![Some(Entry {
            swatch: Swatch::Note,
            text: format!(
                "one target sample ≈ {} source samples, 90 % CI {} ({how})",
                x.rate_text(format::param),
                format::ci(x.ci90, format::PARAM_DIGITS)
            ),
        })]);
        if let Some(note) = &x.note {
            rows.push(vec![Some(Entry { swatch: Swatch::Note, text: note.clone() })]);
        }
    }
    rows
}
