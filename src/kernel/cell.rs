//! Which engine runs a cell. The rule: a cell whose first line is `%%study` (optionally with
//! `--quick`, `--fresh`, `--out DIR`) is a study; every other cell is Rust, run by evcxr.

use std::path::PathBuf;

/// Options of a `%%study` line, as `sim2real run` has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudyFlags {
    pub quick: bool,
    pub fresh: bool,
    pub out: Option<PathBuf>,
}

/// A classified cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A study: its flags and its text, where the `%%study` line is blanked so that line
    /// numbers in diagnostics match the cell's and the text does not depend on the flags.
    Study { flags: StudyFlags, text: String },
    /// Anything else: Rust (and evcxr `:commands`).
    Rust(String),
}

/// The magic that starts a study cell.
pub const STUDY_MAGIC: &str = "%%study";

/// A malformed `%%study` line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("%%study: --out needs a directory")]
    OutWithoutDir,
    #[error("%%study: unknown option `{option}` (expected --quick, --fresh, --out DIR)")]
    Unknown { option: String },
}

/// Classify a cell; a malformed `%%study` line is an error.
pub fn classify(code: &str) -> Result<Cell, FlagError> {
    let trimmed = code.trim_start_matches(['\n', '\r', ' ', '\t']);
    let lead = code.len() - trimmed.len();
    let (first, rest) = match trimmed.find('\n') {
        Some(i) => (&trimmed[..i], &trimmed[i..]),
        None => (trimmed, ""),
    };
    let mut words = first.split_whitespace();
    if words.next() != Some(STUDY_MAGIC) {
        return Ok(Cell::Rust(code.to_string()));
    }
    let mut flags = StudyFlags::default();
    while let Some(w) = words.next() {
        match w {
            "--quick" => flags.quick = true,
            "--fresh" => flags.fresh = true,
            "--out" => match words.next() {
                Some(dir) => flags.out = Some(PathBuf::from(dir)),
                None => return Err(FlagError::OutWithoutDir),
            },
            other if other.starts_with("--out=") => flags.out = Some(PathBuf::from(&other[6..])),
            other => return Err(FlagError::Unknown { option: other.to_string() }),
        }
    }
    // Keep every line break before the study so that line numbers match the cell.
    let blank_lines: String = code[..lead].chars().filter(|c| *c == '\n').collect();
    Ok(Cell::Study { flags, text: format!("{blank_lines}{rest}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn study_magic_with_flags() {
        let c = classify("%%study --quick --out runs/x --fresh\nstudy a\n").unwrap();
        let Cell::Study { flags, text } = c else { panic!("not a study") };
        assert_eq!(flags, StudyFlags { quick: true, fresh: true, out: Some(PathBuf::from("runs/x")) });
        assert_eq!(text, "\nstudy a\n");
    }

    #[test]
    fn other_cells_are_rust() {
        assert_eq!(classify("let x = 1;").unwrap(), Cell::Rust("let x = 1;".into()));
        assert_eq!(classify("// %%study\n1").unwrap(), Cell::Rust("// %%study\n1".into()));
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(classify("%%study --fast\n").unwrap_err().to_string().contains("--fast"));
        assert!(classify("%%study --out\n").unwrap_err().to_string().contains("--out"));
    }

    #[test]
    fn flag_errors_render() {
        assert_eq!(FlagError::OutWithoutDir.to_string(), "%%study: --out needs a directory");
        assert_eq!(
            FlagError::Unknown { option: "--fast".into() }.to_string(),
            "%%study: unknown option `--fast` (expected --quick, --fresh, --out DIR)"
        );
    }

    #[test]
    fn leading_blank_lines_keep_line_numbers() {
        let Cell::Study { text, .. } = classify("\n%%study\nstudy a").unwrap() else { panic!() };
        assert_eq!(text.lines().nth(2), Some("study a"));
    }
}
