//! Logarithmic axes: the value range of the data, the value → pixel mapping and "nice" ticks
//! (10^k, then 1, 2, 5 × 10^k, then 1…9 × 10^k, then evenly spaced for very narrow ranges), and
//! the one drawing of a plot's grid, tick marks and tick labels ([`grid_lines`],
//! [`ticks_and_labels`]) that every figure uses.

use super::format::compact;
use super::svg::Element;

/// A log10 mapping from the value range `[lo, hi]` (both > 0) onto the pixel range `[px_lo, px_hi]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogScale {
    pub lo: f64,
    pub hi: f64,
    pub px_lo: f64,
    pub px_hi: f64,
}

/// One tick mark: labelled (major) or a short unlabelled mark (minor).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub major: bool,
}

impl LogScale {
    /// A scale over `[lo, hi]`. Callers pass a range from [`log_range`], so `0 < lo < hi`.
    pub fn new(lo: f64, hi: f64, px_lo: f64, px_hi: f64) -> Self {
        LogScale { lo, hi, px_lo, px_hi }
    }

    /// The pixel position of `value`, or `None` when it is not finite and positive.
    pub fn map(&self, value: f64) -> Option<f64> {
        if !(value.is_finite() && value > 0.0) {
            return None;
        }
        let t = (value.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10());
        Some(self.px_lo + t * (self.px_hi - self.px_lo))
    }

    /// Ticks inside the range: at least two major ticks, minor ticks between decades where useful.
    pub fn ticks(&self) -> Vec<Tick> {
        log_ticks(self.lo, self.hi)
    }
}

/// The padded range of the finite positive values, or `None` if there are none. A single value
/// (or several equal ones) gets a range of a factor of 2 either side; otherwise the range is padded
/// by `pad` of its width in log space on both ends.
pub fn log_range(values: impl IntoIterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return None;
    }
    let (l, h) = (lo.log10(), hi.log10());
    let width = h - l;
    if width < 1e-9 {
        return Some((lo / 2.0, hi * 2.0));
    }
    let (l, h) = (l - pad * width, h + pad * width);
    Some((10f64.powf(l), 10f64.powf(h)))
}

/// Nice ticks for a log axis over `[lo, hi]`.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return Vec::new();
    }
    let decades = decade_exponents(lo, hi);
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let at = |mults: &[f64]| -> Vec<f64> {
        decades.iter().flat_map(|&k| mults.iter().map(move |&m| scaled(m, k))).filter(inside).collect()
    };
    let all: Vec<f64> = at(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let with_minor = |major: Vec<f64>| -> Vec<Tick> {
        let mut ticks: Vec<Tick> = major.iter().map(|&value| Tick { value, major: true }).collect();
        for &v in &all {
            if !major.iter().any(|m| (m / v - 1.0).abs() < 1e-9) {
                ticks.push(Tick { value: v, major: false });
            }
        }
        ticks.sort_by(|a, b| a.value.total_cmp(&b.value));
        ticks
    };

    let mut powers = at(&[1.0]);
    if powers.len() >= 3 {
        // Many decades: keep every step-th so at most ~8 are labelled, no minor ticks past 5 decades.
        let step = powers.len().div_ceil(8);
        if step > 1 {
            powers = powers.into_iter().step_by(step).collect();
        }
        if decades.len() > 6 {
            return powers.into_iter().map(|value| Tick { value, major: true }).collect();
        }
        return with_minor(powers);
    }
    let one_two_five = at(&[1.0, 2.0, 5.0]);
    if one_two_five.len() >= 3 {
        return with_minor(one_two_five);
    }
    if all.len() >= 2 {
        return all.into_iter().map(|value| Tick { value, major: true }).collect();
    }
    linear_ticks(lo, hi).into_iter().map(|value| Tick { value, major: true }).collect()
}

/// `m × 10^k`, dividing for negative k so that 3 × 10^-1 is the float nearest 0.3.
fn scaled(m: f64, k: i32) -> f64 {
    if k >= 0 { m * 10f64.powi(k) } else { m / 10f64.powi(-k) }
}

fn decade_exponents(lo: f64, hi: f64) -> Vec<i32> {
    let k0 = lo.log10().floor() as i32;
    let k1 = hi.log10().ceil() as i32;
    (k0..=k1).collect()
}

/// Evenly spaced round ticks for a range narrower than two steps of 1…9 × 10^k.
fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    // About five ticks: the 1, 2, 5 × 10^k step nearest (in ratio) to a fifth of the range.
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| (a / raw).ln().abs().total_cmp(&(b / raw).ln().abs()))
        .unwrap_or(magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).filter(|v| *v > 0.0).collect()
}

/// The pixel rectangle of a plot area, `[x0, x1] × [y0, y1]` (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

/// How a plot draws the tick marks and labels of its two log axes (the full-size figures and the
/// small panels of groups.svg and samples.svg differ only in these sizes).
#[derive(Debug, Clone, Copy)]
pub struct TickStyle {
    /// Font size of the labels, in pixels, and the width of one of their characters.
    pub font: f64,
    pub char_width: f64,
    /// Draw the minor ticks too (shorter, unlabelled).
    pub minor: bool,
    pub major_len: f64,
    pub minor_len: f64,
    /// Least room between two x labels, and between two y labels.
    pub x_gap: f64,
    pub y_gap: f64,
    /// An x label's baseline below the plot; a y label's right end left of it and its baseline
    /// below the tick.
    pub x_label_dy: f64,
    pub y_label_dx: f64,
    pub y_label_dy: f64,
}

/// Grid lines across `frame` at the major ticks of both axes, x first.
pub fn grid_lines(x: &LogScale, y: &LogScale, frame: Frame) -> Vec<Element> {
    let mut lines = Vec::new();
    for px in x.ticks().into_iter().filter(|t| t.major).filter_map(|t| x.map(t.value)) {
        lines.push(line(px, frame.y0, px, frame.y1));
    }
    for py in y.ticks().into_iter().filter(|t| t.major).filter_map(|t| y.map(t.value)) {
        lines.push(line(frame.x0, py, frame.x1, py));
    }
    lines
}

/// The tick marks and the labels of both axes (`compact` numbers); a label is dropped when it
/// would touch its neighbour (x left to right, y bottom to top).
pub fn ticks_and_labels(x: &LogScale, y: &LogScale, frame: Frame, style: &TickStyle) -> (Vec<Element>, Vec<Element>) {
    let (mut ticks, mut labels) = (Vec::new(), Vec::new());
    let len = |t: &Tick| if t.major { style.major_len } else { style.minor_len };
    let mut last_right = f64::NEG_INFINITY;
    for t in x.ticks().into_iter().filter(|t| style.minor || t.major) {
        let Some(px) = x.map(t.value) else { continue };
        let text = compact(t.value);
        let half = text.chars().count() as f64 * style.char_width / 2.0;
        ticks.push(line(px, frame.y1, px, frame.y1 + len(&t)));
        if t.major && px - half > last_right + style.x_gap {
            last_right = px + half;
            labels.push(
                Element::new("text")
                    .num("x", px)
                    .num("y", frame.y1 + style.x_label_dy)
                    .attr("text-anchor", "middle")
                    .text(text),
            );
        }
    }
    let mut last_top = f64::INFINITY;
    for t in y.ticks().into_iter().filter(|t| style.minor || t.major) {
        let Some(py) = y.map(t.value) else { continue };
        ticks.push(line(frame.x0 - len(&t), py, frame.x0, py));
        if t.major && py + style.font / 2.0 < last_top - style.y_gap {
            last_top = py - style.font / 2.0;
            labels.push(
                Element::new("text")
                    .num("x", frame.x0 - style.y_label_dx)
                    .num("y", py + style.y_label_dy)
                    .attr("text-anchor", "end")
                    .text(compact(t.value)),
            );
        }
    }
    (ticks, labels)
}

pub fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> Element {
    Element::new("line").num("x1", x1).num("y1", y1).num("x2", x2).num("y2", y2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn majors(lo: f64, hi: f64) -> Vec<f64> {
        log_ticks(lo, hi).into_iter().filter(|t| t.major).map(|t| t.value).collect()
    }

    #[test]
    fn decades_when_wide() {
        assert_eq!(majors(80.0, 20000.0), [100.0, 1000.0, 10000.0]);
        assert!(log_ticks(80.0, 20000.0).iter().any(|t| !t.major && t.value == 200.0));
    }

    #[test]
    fn one_two_five_for_about_a_decade() {
        assert_eq!(majors(90.0, 1100.0), [100.0, 200.0, 500.0, 1000.0]);
    }

    #[test]
    fn finer_ticks_for_narrow_ranges() {
        assert_eq!(majors(0.28, 0.52), [0.3, 0.4, 0.5]);
        let narrow = majors(0.421, 0.459);
        assert!(narrow.len() >= 2, "{narrow:?}");
        assert!(narrow.iter().all(|v| (0.421..=0.459).contains(v)));
    }

    #[test]
    fn range_and_mapping() {
        assert_eq!(log_range([f64::NAN, -1.0, 0.0], 0.05), None);
        assert_eq!(log_range([4.0], 0.05), Some((2.0, 8.0)));
        let s = LogScale::new(10.0, 1000.0, 0.0, 200.0);
        assert_eq!(s.map(100.0), Some(100.0));
        assert_eq!(s.map(f64::INFINITY), None);
    }
}
