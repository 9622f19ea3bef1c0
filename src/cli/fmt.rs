//! `sim2real fmt [--check] [FILE...]`: study files in their canonical layout
//! ([`crate::syntax::fmt`], docs/fmt.md).
//!
//! Files are rewritten in place (only when their layout changes); with no file, stdin is
//! formatted to stdout. `--check` writes nothing: it prints a diff for each file that is not
//! formatted and exits 1. A file with a syntax error is never rewritten: its diagnostic goes to
//! stderr and the exit code is 2 (the worst of all files wins: 2 over 1 over 0).

use std::io::Read;
use std::path::Path;

use crate::diag::StudyErrors;
use crate::exec::{self, RunError};

use super::{EXIT_OK, EXIT_STUDY, render};

/// `--check` found a file that is not formatted.
const EXIT_UNFORMATTED: i32 = 1;

/// The name stdin goes by in diagnostics and diffs.
const STDIN: &str = "<stdin>";

pub fn run(files: &[std::path::PathBuf], check: bool) -> i32 {
    if files.is_empty() {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("error: cannot read the study from stdin: {e}");
            return EXIT_STUDY;
        }
        return match crate::syntax::fmt::format(&text) {
            Err(problems) => refuse(STDIN, &text, problems),
            Ok(formatted) if check => compare(STDIN, &text, &formatted),
            Ok(formatted) => {
                print!("{formatted}");
                EXIT_OK
            }
        };
    }
    files.iter().map(|f| one(f, check)).max().unwrap_or(EXIT_OK)
}

fn one(path: &Path, check: bool) -> i32 {
    let name = path.display().to_string();
    let text = match exec::read_study(path) {
        Ok(t) => t,
        Err(RunError::Study(d)) => {
            eprint!("{}", render::diagnostic(d.as_ref()));
            return EXIT_STUDY;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_STUDY;
        }
    };
    match crate::syntax::fmt::format(&text) {
        Err(problems) => refuse(&name, &text, problems),
        Ok(formatted) if check => compare(&name, &text, &formatted),
        Ok(formatted) if formatted == text => EXIT_OK,
        Ok(formatted) => match std::fs::write(path, formatted) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write {name}: {e}");
                EXIT_STUDY
            }
        },
    }
}

/// A study with syntax errors: the diagnostic, and the file left as it is.
fn refuse(name: &str, text: &str, problems: Vec<crate::diag::Problem>) -> i32 {
    eprint!("{}", render::diagnostic(&StudyErrors::new(name, text, problems)));
    eprintln!("{name}: not formatted (fix the syntax errors first)");
    EXIT_STUDY
}

/// `--check`: a unified diff (on stdout) when the layout differs.
fn compare(name: &str, text: &str, formatted: &str) -> i32 {
    if text == formatted {
        return EXIT_OK;
    }
    let diff = similar::TextDiff::from_lines(text, formatted);
    print!("{}", diff.unified_diff().context_radius(2).header(name, &format!("{name} (formatted)")));
    EXIT_UNFORMATTED
}
