//! Rendering diagnostics for the terminal (colours) or for logs and files (plain).

use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

pub fn diagnostic(d: &dyn Diagnostic) -> String {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_width(100);
        let mut out = String::new();
        if handler.render_report(&mut out, d).is_ok() {
            return out;
        }
    }
    crate::diag::render_plain(d)
}
