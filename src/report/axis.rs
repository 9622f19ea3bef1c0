//! Logarithmic axes: the value range of the data, the value → pixel mapping and "nice" ticks
//! (10^k, then 1, 2, 5 × 10^k, then 1…9 × 10^k, then evenly spaced for very narrow ranges; with
//! fewer than three powers of ten, a round tick is added near an end that has none within a quarter
//! of the axis), and
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
        return with_minor(with_ends(one_two_five, lo, hi));
    }
    let majors = if all.len() >= 2 { all } else { linear_ticks(lo, hi) };
    with_ends(majors, lo, hi).into_iter().map(|value| Tick { value, major: true }).collect()
}

/// Largest stretch at either end of an axis with fewer than three powers of ten that may go
/// without a major tick, as a fraction of the axis's log span.
const END_GAP: f64 = 0.25;

/// `majors` (ascending) with a tick added at an end of `[lo, hi]` whose nearest major tick is more
/// than [`END_GAP`] of the log span away: the roundest value within that stretch (e.g. 0.15 on
/// an axis from 0.11 to 0.43, whose 1…9 × 10^k ticks start at 0.2).
fn with_ends(mut majors: Vec<f64>, lo: f64, hi: f64) -> Vec<f64> {
    let reach = 10f64.powf(END_GAP * (hi / lo).log10());
    if majors.first().is_none_or(|&v| v > lo * reach) {
        majors.insert(0, roundest_in(lo, lo * reach));
    }
    if majors.last().is_some_and(|&v| v < hi / reach) {
        majors.push(roundest_in(hi / reach, hi));
    }
    majors
}

/// The value of `[a, b]` (0 < a < b) with the fewest significant digits: the first multiple of
/// 10, 5, 2 or 1 × 10^j in it, trying j from b's decade down.
fn roundest_in(a: f64, b: f64) -> f64 {
    let mut j = b.log10().floor() as i32;
    loop {
        for m in [10.0, 5.0, 2.0, 1.0] {
            let step = scaled(m, j);
            let c = (a / step - 1e-9).ceil();
            let v = if j >= 0 { c * step } else { c * m / 10f64.powi(-j) };
            if v <= b * (1.0 + 1e-12) && v >= a * (1.0 - 1e-12) {
                return v;
            }
        }
        j -= 1;
        if j < -300 {
            return a;
        }
    }
}

/// The order in which tick labels claim their place: powers of ten, then the lowest and highest
/// major tick (so that both ends of the axis are labelled), then multiples of 5, then of 2, then
/// the rest from low to high.
fn label_priority(value: f64, lowest: f64, highest: f64) -> u8 {
    let mantissa = value / 10f64.powf(value.log10().floor());
    let is = |m: f64| (mantissa - m).abs() < 1e-6 || (mantissa - 10.0 * m).abs() < 1e-6;
    if is(1.0) {
        0
    } else if value == lowest || value == highest {
        1
    } else if is(5.0) {
        2
    } else if is(2.0) {
        3
    } else {
        4
    }
}

/// Which of `ticks` (major ones at pixel `pos` with the label's half extent `half` along the
/// axis) get a label: placed in [`label_priority`] order, each unless it would come within `gap`
/// of a label already placed. At least two are labelled where the axis has room for two.
fn labelled(ticks: &[(f64, f64, f64)], gap: f64) -> Vec<bool> {
    let (lowest, highest) = (
        ticks.iter().map(|t| t.0).fold(f64::INFINITY, f64::min),
        ticks.iter().map(|t| t.0).fold(f64::NEG_INFINITY, f64::max),
    );
    let mut order: Vec<usize> = (0..ticks.len()).collect();
    order.sort_by(|&a, &b| {
        label_priority(ticks[a].0, lowest, highest)
            .cmp(&label_priority(ticks[b].0, lowest, highest))
            .then(ticks[a].0.total_cmp(&ticks[b].0))
    });
    let mut chosen = vec![false; ticks.len()];
    for i in order {
        let (_, pos, half) = ticks[i];
        let clear = (0..ticks.len()).filter(|&j| chosen[j]).all(|j| (pos - ticks[j].1).abs() > half + ticks[j].2 + gap);
        chosen[i] = clear;
    }
    chosen
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

/// The tick marks and the labels of both axes (`compact` numbers); where labels would touch, the
/// ones of [`label_priority`] win (powers of ten, then both ends of the axis), see [`labelled`].
pub fn ticks_and_labels(x: &LogScale, y: &LogScale, frame: Frame, style: &TickStyle) -> (Vec<Element>, Vec<Element>) {
    let (mut ticks, mut labels) = (Vec::new(), Vec::new());
    let len = |t: &Tick| if t.major { style.major_len } else { style.minor_len };
    let x_ticks: Vec<(Tick, f64)> =
        x.ticks().into_iter().filter(|t| style.minor || t.major).filter_map(|t| Some((t, x.map(t.value)?))).collect();
    let x_majors: Vec<(f64, f64, f64)> = x_ticks
        .iter()
        .filter(|(t, _)| t.major)
        .map(|&(t, px)| (t.value, px, compact(t.value).chars().count() as f64 * style.char_width / 2.0))
        .collect();
    let x_labelled = labelled(&x_majors, style.x_gap);
    for (t, px) in x_ticks {
        let text = compact(t.value);
        ticks.push(line(px, frame.y1, px, frame.y1 + len(&t)));
        if t.major && x_majors.iter().zip(&x_labelled).any(|(m, &l)| l && m.0 == t.value) {
            labels.push(
                Element::new("text")
                    .num("x", px)
                    .num("y", frame.y1 + style.x_label_dy)
                    .attr("text-anchor", "middle")
                    .text(text),
            );
        }
    }
    let y_ticks: Vec<(Tick, f64)> =
        y.ticks().into_iter().filter(|t| style.minor || t.major).filter_map(|t| Some((t, y.map(t.value)?))).collect();
    let y_majors: Vec<(f64, f64, f64)> =
        y_ticks.iter().filter(|(t, _)| t.major).map(|&(t, py)| (t.value, py, style.font / 2.0)).collect();
    let y_labelled = labelled(&y_majors, style.y_gap);
    for (t, py) in y_ticks {
        ticks.push(line(frame.x0 - len(&t), py, frame.x0, py));
        if t.major && y_majors.iter().zip(&y_labelled).any(|(m, &l)| l && m.0 == t.value) {
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

    /// The full-size figures' tick style.
    const STYLE: TickStyle = crate::report::figure::FIGURE_TICKS;

    /// The labelled values of a y axis over `[lo, hi]` drawn `height` pixels tall (x: `[lo, hi]`
    /// over `width` pixels), as (value, position along the axis from its low end in [0, 1]).
    /// (value, position along the axis from its low end in [0, 1]) of each labelled tick.
    type Labels = Vec<(f64, f64)>;

    fn labels(lo: f64, hi: f64, width: f64, height: f64) -> (Labels, Labels) {
        let frame = Frame { x0: 0.0, x1: width, y0: 0.0, y1: height };
        let x = LogScale::new(lo, hi, 0.0, width);
        let y = LogScale::new(lo, hi, height, 0.0);
        let (_, texts) = ticks_and_labels(&x, &y, frame, &STYLE);
        let values: Vec<String> = texts
            .iter()
            .map(Element::render)
            .map(|r| r[r.find('>').unwrap() + 1..r.rfind("</").unwrap()].to_string())
            .collect();
        let on = |scale: &LogScale, len: f64, reversed: bool| -> Vec<(f64, f64)> {
            let mut out: Vec<(f64, f64)> = scale
                .ticks()
                .into_iter()
                .filter(|t| t.major && values.iter().filter(|v| **v == compact(t.value)).count() > 0)
                .map(|t| {
                    let p = scale.map(t.value).unwrap() / len;
                    (t.value, if reversed { 1.0 - p } else { p })
                })
                .collect();
            out.dedup_by(|a, b| a.0 == b.0);
            out
        };
        (on(&x, width, false), on(&y, height, true))
    }

    /// `indifference.svg` with m from 21 to 190 on a 240-pixel axis dropped the label at 100 (90
    /// took its place, labels were placed from the bottom up).
    #[test]
    fn a_power_of_ten_inside_the_axis_is_always_labelled() {
        let (_, y) = labels(21.0, 190.0, 620.0, 240.0);
        assert!(y.iter().any(|l| l.0 == 100.0), "{y:?}");
    }

    /// The quickstart's MAE axis (0.109 to 0.43) had labels at 0.2, 0.3 and 0.4 only: nothing in
    /// the lower 42 % of the axis, where the largest n's errors are.
    #[test]
    fn both_ends_of_a_narrow_axis_get_a_label() {
        let (_, y) = labels(0.109, 0.43, 620.0, 338.0);
        assert!(y.first().is_some_and(|l| l.0 == 0.15 && l.1 <= END_GAP), "{y:?}");
    }

    /// Every axis spanning less than a decade: at least two labels, every power of ten in it
    /// labelled, and no more than a quarter of the axis (plus rounding) unlabelled at either end.
    #[test]
    fn every_axis_under_a_decade_is_labelled_at_both_ends() {
        let mut state = 7u64;
        let mut uniform = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..3000 {
            let lo = 10f64.powf(-4.0 + 9.0 * uniform());
            let hi = lo * 10f64.powf(0.05 + 0.949 * uniform());
            let (width, height) = (150.0 + 500.0 * uniform(), 120.0 + 280.0 * uniform());
            let (x, y) = labels(lo, hi, width, height);
            for (axis, l) in [("x", &x), ("y", &y)] {
                let what = format!("{axis} axis over [{lo}, {hi}], {width}×{height} px: {l:?}");
                assert!(l.len() >= 2, "{what}");
                assert!(l[0].1 <= END_GAP + 0.01 && l[l.len() - 1].1 >= 1.0 - END_GAP - 0.01, "{what}");
                let mut k = lo.log10().ceil() as i32;
                while scaled(1.0, k) <= hi {
                    assert!(l.iter().any(|v| v.0 == scaled(1.0, k)), "10^{k}: {what}");
                    k += 1;
                }
            }
        }
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
