//! The figure's legend: rows of entries (one row per m: transfer, fit, direct) laid out in columns
//! below the plot. Notes (why a fit is not drawn) wrap onto several lines; when the columns do not
//! fit across the figure the legend falls back to one entry per row.

use super::svg::Element;

/// Average glyph width of the system font at 11 px, used to lay out text.
pub const CHAR_WIDTH: f64 = 6.0;
const SWATCH: f64 = 26.0;
const GAP: f64 = 18.0;
const LINE: f64 = 14.0;
const ROW_PAD: f64 = 4.0;

/// How an entry's swatch is drawn, with the curve's colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// Mean line with a marker over a CI band.
    Series(&'static str),
    /// Dashed fitted curve.
    Fit(&'static str),
    /// Dotted direct-learning line over a light band.
    Direct(&'static str),
    /// No swatch; grey italic text that may wrap.
    Note,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub swatch: Swatch,
    pub text: String,
}

impl Entry {
    fn wraps(&self) -> bool {
        self.swatch == Swatch::Note
    }

    fn full_width(&self) -> f64 {
        SWATCH + text_width(&self.text)
    }

    /// The narrowest the entry can be: about half its text (so it wraps onto two lines) if it
    /// wraps, else all of it.
    fn min_width(&self) -> f64 {
        if self.wraps() {
            let longest_word = self.text.split_whitespace().map(text_width).fold(0.0, f64::max);
            SWATCH + longest_word.max(0.55 * text_width(&self.text))
        } else {
            self.full_width()
        }
    }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// A laid-out legend.
#[derive(Debug, Clone)]
pub struct Legend {
    items: Vec<Placed>,
    height: f64,
}

#[derive(Debug, Clone)]
struct Placed {
    x: f64,
    /// Top of the row, relative to the legend's top.
    y: f64,
    swatch: Swatch,
    lines: Vec<String>,
}

impl Legend {
    /// Lays out `rows` (cells may be empty) within `[left, left + width]`.
    pub fn new(rows: Vec<Vec<Option<Entry>>>, left: f64, width: f64) -> Self {
        let rows = drop_empty_columns(rows);
        let widths = column_widths(&rows, width);
        let rows: Vec<Vec<Option<Entry>>> = if widths.is_some() {
            rows
        } else {
            rows.into_iter().flat_map(|r| r.into_iter().flatten().map(|e| vec![Some(e)])).collect()
        };
        let widths = widths.unwrap_or_else(|| vec![width]);
        let mut lefts = Vec::with_capacity(widths.len());
        let mut x = left;
        for w in &widths {
            lefts.push(x);
            x += w + GAP;
        }

        let mut items = Vec::new();
        let mut y = 0.0;
        for row in rows {
            let single = row.iter().flatten().count() == 1;
            let mut lines_in_row = 1;
            for (c, entry) in row.into_iter().enumerate() {
                let Some(entry) = entry else { continue };
                let x = lefts.get(c).copied().unwrap_or(left);
                // A row's only entry may run across the columns to its right.
                let room = if single { left + width - x } else { widths.get(c).copied().unwrap_or(width) };
                let lines = if entry.wraps() { wrap(&entry.text, room - SWATCH) } else { vec![entry.text] };
                lines_in_row = lines_in_row.max(lines.len());
                items.push(Placed { x, y, swatch: entry.swatch, lines });
            }
            y += ROW_PAD + lines_in_row as f64 * LINE;
        }
        Legend { items, height: y }
    }

    /// Total height in pixels.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// The legend drawn with its top at `top`.
    pub fn draw(&self, top: f64) -> Element {
        let mut g = Element::new("g").attr("class", "legend");
        for item in &self.items {
            let cy = top + item.y + ROW_PAD / 2.0 + LINE / 2.0;
            let (x0, x1) = (item.x, item.x + SWATCH - 6.0);
            let line = |stroke: &str, width: f64| {
                Element::new("line")
                    .num("x1", x0)
                    .num("y1", cy)
                    .num("x2", x1)
                    .num("y2", cy)
                    .attr("stroke", stroke)
                    .num("stroke-width", width)
            };
            let band = |fill: &str, opacity: f64| {
                Element::new("rect")
                    .num("x", x0)
                    .num("y", cy - 5.0)
                    .num("width", x1 - x0)
                    .num("height", 10.0)
                    .attr("fill", fill)
                    .num("fill-opacity", opacity)
            };
            match item.swatch {
                Swatch::Series(color) => {
                    g.push(band(color, 0.2));
                    g.push(line(color, 2.0));
                    g.push(super::figure::marker(f64::midpoint(x0, x1), cy, color));
                }
                Swatch::Fit(color) => g.push(line(color, 1.6).attr("stroke-dasharray", "6 4")),
                Swatch::Direct(color) => {
                    g.push(band(color, 0.08));
                    g.push(line(color, 2.2).attr("stroke-dasharray", "0.5 4").attr("stroke-linecap", "round"));
                }
                Swatch::Note => {}
            }
            for (i, text) in item.lines.iter().enumerate() {
                let mut t = Element::new("text").num("x", item.x + SWATCH).num("y", cy + 4.0 + i as f64 * LINE);
                if item.swatch == Swatch::Note {
                    t = t.attr("fill", "#666666").attr("font-style", "italic");
                }
                g.push(t.text(text.clone()));
            }
        }
        g
    }
}

fn drop_empty_columns(rows: Vec<Vec<Option<Entry>>>) -> Vec<Vec<Option<Entry>>> {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let used: Vec<usize> = (0..ncols).filter(|&c| rows.iter().any(|r| matches!(r.get(c), Some(Some(_))))).collect();
    rows.into_iter().map(|r| used.iter().map(|&c| r.get(c).cloned().flatten()).collect()).collect()
}

/// Column widths fitting in `width`, or `None` when the columns cannot fit side by side. Only rows
/// with several entries count; each column gets at least its narrowest width, and the slack goes to
/// columns whose notes would otherwise wrap.
fn column_widths(rows: &[Vec<Option<Entry>>], width: f64) -> Option<Vec<f64>> {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let multi: Vec<&Vec<Option<Entry>>> = rows.iter().filter(|r| r.iter().flatten().count() > 1).collect();
    let column = |c: usize, f: fn(&Entry) -> f64| -> f64 {
        multi.iter().filter_map(|r| r.get(c)?.as_ref()).map(f).fold(0.0, f64::max)
    };
    let mut widths: Vec<f64> = (0..ncols).map(|c| column(c, Entry::min_width)).collect();
    let gaps = GAP * ncols.saturating_sub(1) as f64;
    let mut slack = width - gaps - widths.iter().sum::<f64>();
    if slack < 0.0 {
        return None;
    }
    for (c, w) in widths.iter_mut().enumerate() {
        let grow = (column(c, Entry::full_width) - *w).clamp(0.0, slack);
        *w += grow;
        slack -= grow;
    }
    Some(widths)
}

/// Greedy word wrap to lines at most `width` pixels wide (a longer word gets a line of its own).
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && text_width(&current) + CHAR_WIDTH + text_width(word) > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(swatch: Swatch, text: &str) -> Option<Entry> {
        Some(Entry { swatch, text: text.to_string() })
    }

    #[test]
    fn wraps_words() {
        assert_eq!(wrap("aa bb cc", 5.0 * CHAR_WIDTH), ["aa bb", "cc"]);
        assert_eq!(wrap("", 10.0), [""]);
    }

    #[test]
    fn columns_when_they_fit_else_one_entry_per_row() {
        let row = || vec![entry(Swatch::Series("#000"), "transfer"), entry(Swatch::Note, "a long note about it"), None];
        let legend = Legend::new(vec![row(), row()], 0.0, 600.0);
        assert_eq!(legend.items.len(), 4);
        assert!(legend.items[1].x > 0.0, "note in the second column");
        assert_eq!(legend.height(), 2.0 * (ROW_PAD + LINE));

        let legend = Legend::new(vec![row(), row()], 0.0, 80.0);
        assert!(legend.items.iter().all(|i| i.x == 0.0));
        assert!(legend.height() > 4.0 * (ROW_PAD + LINE), "one entry per row, notes wrapped");
    }
}
