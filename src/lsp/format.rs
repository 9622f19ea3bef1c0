//! Document formatting. The formatter is `sim2real fmt`'s (`crate::syntax::fmt::format`, built on
//! another branch); this is the one place the server calls it.
//!
//! FOR THE LEAD, AT MERGE: replace the body of [`format_text`] with
//! `crate::syntax::fmt::format(text)` (mapping its error to the diagnostic's text) and update the
//! test below and tests/lsp.rs's formatting case, which expect [`NOT_AVAILABLE`] until then.

/// The error the server answers a formatting request with while no formatter is connected.
pub const NOT_AVAILABLE: &str = "formatting not available in this build";

/// The formatted text, or why it cannot be formatted (syntax errors, or no formatter).
pub fn format_text(text: &str) -> Result<String, String> {
    let _ = text;
    Err(NOT_AVAILABLE.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formatting_says_it_is_not_connected() {
        assert_eq!(super::format_text("seed 1\n"), Err(super::NOT_AVAILABLE.to_string()));
    }
}
