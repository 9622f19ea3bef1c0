//! The log–log scaling figure (after Fig. 1b of Minami et al. 2025): test MAE against source size n,
//! one colour per target size m. Per m: the transfer means joined by a line over a shaded 90 % CI
//! band, the fitted power law dashed, and the direct arm (which does not depend on n) as a dotted
//! horizontal line over a lighter band. The legend sits below the plot so it never covers data.

use super::axis::{LogScale, log_range};
use super::figure::{self, Layout, color, curve, geomspace, line, positive};
use super::format;
use super::legend::{Entry, Legend, Swatch};
use super::svg::{Element, polygon_d, polyline_d};
use crate::fit::PowerLaw;
use crate::results::{Arm, FitRecord, Point, Results};

/// Points sampled along a fitted curve.
pub const FIT_SAMPLES: usize = 80;

/// The figure as an SVG document string.
pub fn scaling_svg(results: &Results) -> String {
    let curves = curves(results);
    let legend = Legend::new(legend_rows(results, &curves), figure::MARGIN_LEFT, Layout::legend_width());
    let layout = Layout::new(legend.height());
    let x_range = x_range(results);
    let y_range = y_range(results);
    let x = LogScale::new(x_range.0, x_range.1, layout.plot_x0, layout.plot_x1);
    let y = LogScale::new(y_range.0, y_range.1, layout.plot_y1, layout.plot_y0);

    let mut svg = figure::document(format!("{} — test MAE against source size", results.study), &layout);
    svg.push(figure::titles(results, &layout, "mean test MAE over trials with 90 % CI"));
    svg.push(figure::grid(&x, &y, &layout));
    svg.push(data(&curves, &x, &y, &layout, x_range));
    if results.quick {
        svg.push(figure::watermark(&layout));
    }
    let drawable = |p: &&Point| positive(p.mae_mean);
    if curves.iter().all(|c| !c.transfer.iter().any(drawable) && !c.direct.iter().any(drawable)) {
        svg.push(figure::message(&layout, "no-data", "no finite MAE to plot"));
    }
    svg.push(figure::axes(&x, &y, &layout, "source size n (simulated rows, log scale)", &figure::mae_title(results)));
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
    Drawn { law: PowerLaw, equation: String, r2: f64 },
    /// A fit exists or was expected but is not drawn; the text says why.
    NotDrawn(String),
    /// The results hold no power-law fit at all.
    Absent,
}

fn curves(results: &Results) -> Vec<Curve<'_>> {
    let is_power_law = |f: &&FitRecord| f.law == "power_law" && f.arm.uses_source();
    let any_fit = results.fits.iter().any(|f| is_power_law(&f));
    let mut ms: Vec<usize> =
        results.points.iter().map(|p| p.m).chain(results.fits.iter().filter(is_power_law).map(|f| f.m)).collect();
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
            Curve { m, color: color(i), transfer, direct, fit }
        })
        .collect()
}

use FitState::{Absent, Drawn, NotDrawn};

fn fit_state(fit: &FitRecord) -> FitState {
    if let Some(why) = &fit.degenerate {
        return NotDrawn(format!("m = {}: fit not drawn, degenerate ({why})", fit.m));
    }
    match fit.power_law() {
        Some(law) => Drawn { law, equation: format::equation(fit), r2: fit.r2 },
        None => NotDrawn(format!("m = {}: fit not drawn, parameters not finite", fit.m)),
    }
}

fn x_range(results: &Results) -> (f64, f64) {
    let transfer = results.points.iter().filter(|p| p.arm.uses_source() && p.n > 0);
    let with_data = transfer.clone().filter(|p| positive(p.mae_mean)).map(|p| p.n as f64);
    log_range(with_data, 0.04).or_else(|| log_range(transfer.map(|p| p.n as f64), 0.04)).unwrap_or((10.0, 1000.0))
}

fn y_range(results: &Results) -> (f64, f64) {
    let values = results
        .points
        .iter()
        .filter(|p| p.arm == Arm::Direct || p.n > 0)
        .flat_map(|p| [p.mae_mean, p.mae_ci90[0], p.mae_ci90[1]]);
    log_range(values, 0.06).unwrap_or((0.1, 10.0))
}

fn data(curves: &[Curve], x: &LogScale, y: &LogScale, layout: &Layout, x_range: (f64, f64)) -> Element {
    let mut g = figure::clipped("data");
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
        if let Drawn { law, .. } = &c.fit {
            let (lo, hi) = n_span(c).unwrap_or(x_range);
            let pts: Vec<(f64, f64)> =
                geomspace(lo, hi, FIT_SAMPLES).filter_map(|n| Some((x.map(n)?, y.map(law.eval(n))?))).collect();
            if pts.len() >= 2 {
                g.push(curve(&pts, "fit", c.color, 1.6, Some("6 4")));
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
            g.push(figure::marker(px, py, c.color));
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
            Some(figure::ci_bar(px, lo, hi, c.color))
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
            Drawn { equation, r2, .. } => {
                Some(Entry { swatch: Swatch::Fit(c.color), text: format!("{equation}, R² = {}", format::param(*r2)) })
            }
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
