//! The figures of a two-dimensional grid (after Figs. 2 and 4 of Minami et al. 2025), drawn when
//! the run has at least two values of m: test MAE against n with one curve per m
//! (`mae_vs_n.svg`), and test MAE against m with one curve per n and the direct arm as the
//! reference (`mae_vs_m.svg`). Every curve joins its means, with 90 % CI bars at each point; when
//! the Eq. 1 surface was fitted, its cut at that m (or n) is drawn dashed in the same colour.
//! Each curve is one `<g class="curve">`.

use super::axis::{LogScale, log_range};
use super::figure::{self, Layout, color, curve, geomspace, positive};
use super::legend::{Entry, Legend, Swatch};
use super::scaling_plot::FIT_SAMPLES;
use super::surface_curve::{SurfaceState, surface_state};
use super::svg::Element;
use crate::fit::Surface;
use crate::results::{Arm, Point, Results};

/// Which axis the curves run along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    /// x = n (source size), one curve per m.
    N,
    /// x = m (target size), one curve per n, plus the direct arm.
    M,
}

/// The distinct m values of the transfer arm.
pub fn transfer_ms(results: &Results) -> Vec<usize> {
    let mut ms: Vec<usize> = results.points.iter().filter(|p| p.arm.uses_source() && p.n > 0).map(|p| p.m).collect();
    ms.sort_unstable();
    ms.dedup();
    ms
}

/// The distinct n values of the transfer arm.
fn transfer_ns(results: &Results) -> Vec<usize> {
    let mut ns: Vec<usize> = results.points.iter().filter(|p| p.arm.uses_source() && p.n > 0).map(|p| p.n).collect();
    ns.sort_unstable();
    ns.dedup();
    ns
}

/// One curve: its key (the fixed m or n), colour, and points as (x, point) sorted by x.
struct Series<'a> {
    label: String,
    color: &'static str,
    points: Vec<(f64, &'a Point)>,
    /// The fixed value of the other axis, for the surface's cut; `None` for the direct arm.
    fixed: Option<f64>,
    class: &'static str,
}

/// The figure, or `None` when the grid has fewer than two values of m (a 1-D grid has
/// scaling.svg only).
pub fn grid_svg(results: &Results, along: Along) -> Option<String> {
    if transfer_ms(results).len() < 2 {
        return None;
    }
    // One curve per value of the fixed axis (`key`), running along the other (`x`).
    type Coordinate = fn(&Point) -> usize;
    let (keys, name, key, x_of): (Vec<usize>, &str, Coordinate, Coordinate) = match along {
        Along::N => (transfer_ms(results), "m", |p| p.m, |p| p.n),
        Along::M => (transfer_ns(results), "n", |p| p.n, |p| p.m),
    };
    let mut series: Vec<Series> = keys
        .into_iter()
        .enumerate()
        .map(|(i, k)| Series {
            label: format!("{name} = {k}"),
            color: color(i),
            points: results
                .points
                .iter()
                .filter(|p| p.arm.uses_source() && p.n > 0 && key(p) == k)
                .map(|p| (x_of(p) as f64, p))
                .collect(),
            fixed: Some(k as f64),
            class: "curve",
        })
        .collect();
    if along == Along::M {
        let direct: Vec<(f64, &Point)> =
            results.points.iter().filter(|p| p.arm == Arm::Direct).map(|p| (p.m as f64, p)).collect();
        if !direct.is_empty() {
            series.push(Series {
                label: "direct learning".into(),
                color: "#444444",
                points: direct,
                fixed: None,
                class: "direct-curve",
            });
        }
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let surface = surface_state(results);
    let legend = Legend::new(legend_rows(&series, &surface), figure::MARGIN_LEFT, Layout::legend_width());
    let layout = Layout::new(legend.height());
    let xs = series.iter().flat_map(|s| s.points.iter().map(|(x, _)| *x));
    let x_range = log_range(xs, 0.04).unwrap_or((10.0, 1000.0));
    let ys = series.iter().flat_map(|s| s.points.iter().flat_map(|(_, p)| [p.mae_mean, p.mae_ci90[0], p.mae_ci90[1]]));
    let y_range = log_range(ys, 0.06).unwrap_or((0.1, 10.0));
    let x = LogScale::new(x_range.0, x_range.1, layout.plot_x0, layout.plot_x1);
    let y = LogScale::new(y_range.0, y_range.1, layout.plot_y1, layout.plot_y0);

    let (what, x_title) = match along {
        Along::N => ("source size", "source size n (simulated rows, log scale)"),
        Along::M => ("target size", "target size m (experimental training rows, log scale)"),
    };
    let mut svg = figure::document(format!("{} — test MAE against {what}", results.study), &layout);
    svg.push(figure::titles(
        results,
        &layout,
        "mean test MAE over trials with 90 % CI; dashed: the fitted Eq. 1 surface",
    ));
    svg.push(figure::grid(&x, &y, &layout));
    let mut data = figure::clipped("data");
    for s in &series {
        data.push(draw_series(s, &surface, along, &x, &y));
    }
    svg.push(data);
    if results.quick {
        svg.push(figure::watermark(&layout));
    }
    if !series.iter().any(|s| s.points.iter().any(|(_, p)| positive(p.mae_mean))) {
        svg.push(figure::message(&layout, "no-data", "no finite MAE to plot"));
    }
    svg.push(figure::axes(&x, &y, &layout, x_title, &figure::mae_title(results)));
    svg.push(legend.draw(layout.legend_y0));
    Some(svg.render())
}

/// R(x) of the surface along the curve: R(n, m_fixed) or R(n_fixed, m).
fn surface_at(s: &Surface, along: Along, fixed: f64, x: f64) -> f64 {
    match along {
        Along::N => s.eval(x, fixed),
        Along::M => s.eval(fixed, x),
    }
}

fn draw_series(s: &Series, surface: &SurfaceState, along: Along, x: &LogScale, y: &LogScale) -> Element {
    let mut g = Element::new("g").attr("class", s.class).attr("data-key", s.label.clone());
    for (px_value, p) in &s.points {
        if let (Some(px), Some(lo), Some(hi)) = (x.map(*px_value), y.map(p.mae_ci90[0]), y.map(p.mae_ci90[1])) {
            g.push(figure::ci_bar(px, lo, hi, s.color));
        }
    }
    if let (SurfaceState::Usable(surf, _), Some(fixed)) = (surface, s.fixed) {
        let xs: Vec<f64> = s.points.iter().filter(|(_, p)| positive(p.mae_mean)).map(|(v, _)| *v).collect();
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi > lo {
            let pts: Vec<(f64, f64)> = geomspace(lo, hi, FIT_SAMPLES)
                .filter_map(|v| Some((x.map(v)?, y.map(surface_at(surf, along, fixed, v))?)))
                .collect();
            if pts.len() >= 2 {
                g.push(curve(&pts, "surface", s.color, 1.6, Some("6 4")));
            }
        }
    }
    let pts: Vec<(f64, f64)> = s.points.iter().filter_map(|(v, p)| Some((x.map(*v)?, y.map(p.mae_mean)?))).collect();
    if pts.len() >= 2 {
        let dash = (s.fixed.is_none()).then_some("0.5 4");
        g.push(curve(&pts, "series", s.color, 2.0, dash).attr("stroke-linecap", "round"));
    }
    for (px, py) in pts {
        g.push(figure::marker(px, py, s.color));
    }
    g
}

fn legend_rows(series: &[Series], surface: &SurfaceState) -> Vec<Vec<Option<Entry>>> {
    let mut rows: Vec<Vec<Option<Entry>>> = series
        .iter()
        .map(|s| {
            let finite = s.points.iter().any(|(_, p)| positive(p.mae_mean));
            let suffix = if finite { "" } else { " (no finite MAE)" };
            let (swatch, text) = match s.fixed {
                // The measured arm: "transfer", or "multitask" for a multitask study.
                Some(_) => (
                    Swatch::Series(s.color),
                    format!("{}, {}{suffix}", s.points.first().map_or("transfer", |(_, p)| p.arm.as_str()), s.label),
                ),
                None => (Swatch::Direct(s.color), format!("direct learning (no source data){suffix}")),
            };
            let cut = match (surface, s.fixed) {
                (SurfaceState::Usable(..), Some(_)) => {
                    Some(Entry { swatch: Swatch::Fit(s.color), text: format!("Eq. 1 at {}", s.label) })
                }
                _ => None,
            };
            vec![Some(Entry { swatch, text }), cut]
        })
        .collect();
    let note = match surface {
        SurfaceState::Usable(_, equation) => format!("Eq. 1 fitted over the grid: {equation}"),
        SurfaceState::NotDrawn(why) => why.clone(),
        SurfaceState::Absent => "no Eq. 1 surface in the results (declare `fit surface`)".to_string(),
    };
    rows.push(vec![Some(Entry { swatch: Swatch::Note, text: note })]);
    rows
}
