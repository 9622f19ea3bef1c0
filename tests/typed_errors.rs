//! Runtime errors are typed: the executor, the command line and the kernel (and the engine and
//! run-loading errors they pass on) return `thiserror` enums whose variants carry their data and
//! write their own message, never a `String` made at the call site.
//!
//! Reads the source of those rooms and fails on a `Result<_, String>` (or `&str`) and on an enum
//! variant that holds nothing but a string (`Failed(String)`, the catch-all this replaced).

use std::path::{Path, PathBuf};

/// Folders and files whose errors must be typed.
const ROOMS: &[&str] = &["exec", "cli", "kernel", "engine/device.rs", "engine/batch.rs", "results/run.rs"];

/// String-only variants kept on purpose, each with why: (file, variant).
const ALLOWED: &[(&str, &str)] = &[
    // The fit's own plain-words reason (`fit::SurfaceFit::degenerate`, also written to
    // results.json as text): the budget error quotes it inside a message of its own.
    ("exec/budget.rs", "Degenerate(String)"),
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    for entry in std::fs::read_dir(path).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The last top-level generic argument of each `Result<...>` in `line`.
fn result_error_types(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("Result<") {
        let args = &rest[at + "Result<".len()..];
        let mut depth = 0;
        let mut last_comma = None;
        let mut end = None;
        for (i, c) in args.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' if depth == 0 => {
                    end = Some(i);
                    break;
                }
                '>' | ')' | ']' => depth -= 1,
                ',' if depth == 0 => last_comma = Some(i),
                _ => {}
            }
        }
        if let (Some(end), Some(comma)) = (end, last_comma) {
            out.push(args[comma + 1..end].trim().to_string());
        }
        rest = args;
    }
    out
}

/// A line that declares an enum variant holding only a string: `Name(String),`.
fn string_only_variant(line: &str) -> Option<String> {
    let t = line.trim().trim_end_matches(',');
    let (name, field) = t.split_once('(')?;
    let field = field.strip_suffix(')')?;
    let is_variant =
        name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    let stringy = ["String", "&'static str", "Box<str>", "std::string::String"].contains(&field.trim());
    (is_variant && stringy).then(|| t.to_string())
}

/// Follows a file line by line and says whether a line is inside an error enum: one whose
/// derive names `Error` (thiserror) or whose name ends in `Error`.
#[derive(Default)]
struct ErrorEnums {
    derive_error: bool,
    depth: Option<i32>,
    seen: usize,
}

impl ErrorEnums {
    fn inside(&mut self, code: &str) -> bool {
        let t = code.trim();
        let braces = |s: &str| s.matches('{').count() as i32 - s.matches('}').count() as i32;
        if let Some(d) = self.depth.as_mut() {
            *d += braces(t);
            if *d <= 0 {
                self.depth = None;
            }
            return true;
        }
        if t.starts_with("#[derive(") {
            self.derive_error = t.contains("Error");
        } else if let Some(rest) = t.strip_prefix("pub enum ").or_else(|| t.strip_prefix("enum ")) {
            let name: String = rest.chars().take_while(char::is_ascii_alphanumeric).collect();
            if self.derive_error || name.ends_with("Error") {
                self.seen += 1;
                self.depth = Some(braces(t)).filter(|&d| d > 0);
            }
            self.derive_error = false;
        } else if !t.starts_with("#[") && !t.starts_with("///") && !t.is_empty() {
            self.derive_error = false;
        }
        false
    }
}

#[test]
fn runtime_errors_are_typed_not_strings() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for room in ROOMS {
        rust_files(&src.join(room), &mut files);
    }
    assert!(files.len() > 30, "found only {} files: is the scan broken?", files.len());
    let mut found = Vec::new();
    let mut seen_enums = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let mut errors = ErrorEnums::default();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for ty in result_error_types(code) {
                if ["String", "&str", "&'static str"].contains(&ty.as_str()) {
                    found.push(format!("{rel}:{}: returns `Result<_, {ty}>`: {}", i + 1, line.trim()));
                }
            }
            if errors.inside(code)
                && let Some(v) = string_only_variant(code)
                && !ALLOWED.contains(&(rel.as_str(), v.as_str()))
            {
                found.push(format!("{rel}:{}: variant `{v}` carries only a message written elsewhere", i + 1));
            }
        }
        seen_enums += errors.seen;
    }
    assert!(seen_enums >= 15, "found only {seen_enums} error enums: is the scan broken?");
    assert!(
        found.is_empty(),
        "runtime errors must be thiserror enums whose variants carry data (paths, ids, counts, sources) \
         and write their message themselves (see exec/error.rs, cli/error.rs):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scanner_finds_string_errors() {
    assert_eq!(result_error_types("fn f() -> Result<Vec<String>, String> {"), ["String"]);
    assert_eq!(result_error_types("fn f() -> Result<HashMap<String, u8>, io::Error>"), ["io::Error"]);
    assert_eq!(result_error_types("let c = || -> Result<(usize, String), &str> {"), ["&str"]);
    assert!(result_error_types("type R = Result<()>;").is_empty());
    assert_eq!(string_only_variant("    Failed(String),"), Some("Failed(String)".to_string()));
    assert_eq!(string_only_variant("    Malformed(&'static str)"), Some("Malformed(&'static str)".to_string()));
    assert_eq!(string_only_variant("    Store(StoreError),"), None);
    assert_eq!(string_only_variant("    Failed { job: String },"), None);
    let mut e = ErrorEnums::default();
    let flags: Vec<bool> = [
        "#[derive(Debug)]",
        "pub enum Cell {",
        "    Rust(String),",
        "}",
        "#[derive(Debug, thiserror::Error)]",
        "/// Why.",
        "pub enum Why {",
        "    Failed(String),",
        "}",
        "enum RunError {",
        "    Input(String),",
        "}",
        "fn f() {}",
    ]
    .iter()
    .map(|l| e.inside(l))
    .collect();
    assert_eq!(flags, [false, false, false, false, false, false, false, true, true, false, true, true, false]);
    assert_eq!(e.seen, 2);
}
