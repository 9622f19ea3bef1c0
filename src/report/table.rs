//! A plain table of strings rendered three ways: fixed-width text, Markdown and HTML.

use super::svg::escape;

/// Horizontal alignment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Column headers, alignments and rows of already formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with the given columns.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Table {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; missing cells are left empty and extra cells dropped.
    pub fn push(&mut self, mut row: Vec<String>) {
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    fn widths(&self) -> Vec<usize> {
        (0..self.headers.len())
            .map(|c| {
                std::iter::once(&self.headers[c])
                    .chain(self.rows.iter().map(|r| &r[c]))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Fixed-width text: columns separated by two spaces, a dashed rule under the header,
    /// each line indented by `indent` and without trailing spaces.
    pub fn to_text(&self, indent: &str) -> String {
        let widths = self.widths();
        let line = |cells: &[String]| -> String {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&self.align)
                .map(|((cell, &w), align)| {
                    let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                    match align {
                        Align::Left => format!("{cell}{pad}"),
                        Align::Right => format!("{pad}{cell}"),
                    }
                })
                .collect();
            format!("{indent}{}", padded.join("  ")).trim_end().to_string()
        };
        let mut out = line(&self.headers);
        out.push('\n');
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("{indent}{}\n", rule.join("  ")));
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }

    /// A GitHub-flavoured Markdown table (cells escaped for `|`).
    pub fn to_markdown(&self) -> String {
        let row = |cells: &[String]| -> String {
            let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = row(&self.headers);
        let rule: Vec<String> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => "---".to_string(),
                Align::Right => "---:".to_string(),
            })
            .collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for r in &self.rows {
            out.push_str(&row(r));
        }
        out
    }

    /// An HTML `<table>` with a `<thead>`, cells escaped; `class` is set on the table.
    pub fn to_html(&self, class: &str) -> String {
        let cell = |tag: &str, text: &str, align: Align| -> String {
            let class = match align {
                Align::Left => "",
                Align::Right => " class=\"num\"",
            };
            format!("<{tag}{class}>{}</{tag}>", escape(text))
        };
        let mut out = format!("<table class=\"{}\">\n<thead><tr>", escape(class));
        for (h, a) in self.headers.iter().zip(&self.align) {
            out.push_str(&cell("th", h, *a));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for (c, a) in r.iter().zip(&self.align) {
                out.push_str(&cell("td", c, *a));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&[("name", Align::Left), ("value", Align::Right)]);
        t.push(vec!["a|b".into(), "1.5".into()]);
        t.push(vec!["<c>".into()]);
        t
    }

    #[test]
    fn text_is_aligned() {
        assert_eq!(sample().to_text(""), "name  value\n----  -----\na|b     1.5\n<c>\n");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let md = sample().to_markdown();
        assert!(md.contains("| a\\|b | 1.5 |"));
        assert!(md.contains("|---|---:|"));
    }

    #[test]
    fn html_escapes_cells() {
        let html = sample().to_html("t");
        assert!(html.contains("<td>&lt;c&gt;</td>"));
        assert!(html.contains("<td class=\"num\">1.5</td>"));
    }
}
