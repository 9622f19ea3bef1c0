//! A tiny SVG writer: an element tree that always renders as well-formed XML (every attribute value
//! and text node is escaped, every element is closed). No plotting logic lives here.

use std::fmt::Write as _;

/// The SVG namespace, set on the root element.
pub const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// One XML element with attributes and children.
#[derive(Debug, Clone)]
pub struct Element {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// A new element named `name` (e.g. `"path"`).
    pub fn new(name: &'static str) -> Self {
        Element { name, attrs: Vec::new(), children: Vec::new() }
    }

    /// Adds an attribute; the value is escaped when rendered.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// Adds a numeric attribute, rounded to 0.01 (enough for pixel coordinates).
    pub fn num(self, name: &'static str, value: f64) -> Self {
        self.attr(name, coord(value))
    }

    /// Appends a child element.
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Appends a child element in place.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// Appends a text node; it is escaped when rendered.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// The element and its children as XML, two-space indented. Elements holding text stay on one line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let _ = write!(out, "{indent}<{}", self.name);
        for (name, value) in &self.attrs {
            let _ = write!(out, " {name}=\"{}\"", escape(value));
        }
        if self.children.is_empty() {
            out.push_str("/>\n");
            return;
        }
        let inline = self.children.iter().any(|c| matches!(c, Node::Text(_)));
        out.push('>');
        if inline {
            for child in &self.children {
                match child {
                    Node::Text(t) => out.push_str(&escape(t)),
                    Node::Element(e) => out.push_str(e.render().trim_end()),
                }
            }
        } else {
            out.push('\n');
            for child in &self.children {
                if let Node::Element(e) = child {
                    e.write(out, depth + 1);
                }
            }
            out.push_str(&indent);
        }
        let _ = writeln!(out, "</{}>", self.name);
    }
}

/// Escapes text for XML attribute values and text nodes. Control characters XML 1.0 forbids are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// A pixel coordinate rounded to 0.01 without trailing zeros (`12.5`, `40`).
pub fn coord(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    let s = format!("{:.2}", value);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// Path data joining the points with straight lines (`M x y L x y ...`); empty for no points.
pub fn polyline_d(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let cmd = if i == 0 { 'M' } else { 'L' };
        let _ = write!(d, "{}{cmd}{} {}", if i == 0 { "" } else { " " }, coord(*x), coord(*y));
    }
    d
}

/// Path data for a closed polygon through the points.
pub fn polygon_d(points: &[(f64, f64)]) -> String {
    let mut d = polyline_d(points);
    if !d.is_empty() {
        d.push_str(" Z");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let svg = Element::new("svg").attr("data-x", "a\"b<c").child(Element::new("text").text("x < y & 'z'")).render();
        assert!(svg.contains("data-x=\"a&quot;b&lt;c\""));
        assert!(svg.contains("<text>x &lt; y &amp; &apos;z&apos;</text>"));
    }

    #[test]
    fn coordinates_and_paths() {
        assert_eq!(coord(12.500), "12.5");
        assert_eq!(coord(-0.001), "0");
        assert_eq!(coord(f64::NAN), "0");
        assert_eq!(polyline_d(&[(1.0, 2.0), (3.25, 4.0)]), "M1 2 L3.25 4");
        assert_eq!(polygon_d(&[]), "");
    }
}
