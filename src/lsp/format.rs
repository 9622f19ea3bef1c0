//! Document formatting: `sim2real fmt`'s layout ([`crate::syntax::fmt::format`]); this is the one
//! place the server calls it.

/// The formatted text, or why it cannot be formatted (the syntax problems, one per line).
pub fn format_text(text: &str) -> Result<String, String> {
    crate::syntax::fmt::format(text)
        .map_err(|problems| problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formatting_is_sim2real_fmt_and_refuses_syntax_errors() {
        assert_eq!(super::format_text("seed    1\n"), Ok("seed 1\n".to_string()));
        assert!(super::format_text("seed = = 1\n").is_err());
    }
}
