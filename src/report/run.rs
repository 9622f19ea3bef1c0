//! The renderings of a loaded [`Run`] (the type and its loader are in `results/run.rs`).

use crate::results::Run;

impl Run {
    /// The fixed-width text summary (points, fits, expectations), as `sim2real run` prints it.
    pub fn summary(&self) -> String {
        super::summary_table(&self.results)
    }

    /// The HTML fragment with the fits and points tables.
    pub fn html(&self) -> String {
        super::html_fragment(&self.results)
    }

    /// The log–log scaling figure as an SVG document.
    pub fn svg(&self) -> String {
        super::scaling_svg(&self.results)
    }

    /// Rich display in evcxr (our kernel's Rust cells and the stock evcxr kernel): the HTML
    /// tables followed by the scaling figure.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/html\n{}\n{}\nEVCXR_END_CONTENT", self.html(), self.svg());
    }
}
