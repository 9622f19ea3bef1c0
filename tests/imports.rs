//! Imports flow one way: a stage may use the stages before it, never one after it.
//!
//! Reads every file under `src/`, finds each `crate::<module>` path (also inside grouped
//! `use crate::{a::X, b::Y}`), and checks it against [`LAYERS`]. A module may import modules of
//! its own layer or an earlier one. Adding a top-level module means adding it here, in the layer
//! where it belongs; the test fails on a module it does not know.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The crate's top-level modules in stage order (see `src/lib.rs`). Modules in one layer may
/// import each other.
const LAYERS: &[&[&str]] = &[
    // The IRs and the leaf libraries every stage may use: numbers as printed, bootstrap and CI
    // maths, diagnostics.
    &["ir", "number", "stats", "diag"],
    // The language: grammar, syntax tree, and the table of its names.
    &["syntax"],
    // The fitted laws: maths on numbers (their parameters are named in the language's name
    // table; the planner asks how many points a fit needs).
    &["fit"],
    &["check"],
    &["data"],
    &["transform"],
    &["engine"],
    &["plan"],
    &["results"],
    &["exec"],
    &["report"],
    &["bench"],
    &["kernel"],
    &["lsp"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`, with the line of each.
fn imported_modules(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a::X, b::{Y, Z}}`: the first segment of each top-level item.
                let mut depth = 0;
                let mut item_start = true;
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            rest = &group[j..];
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if item_start && (c.is_ascii_lowercase() || c == '_') => {
                            let name: String =
                                group[j..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                            found.push((i + 1, name));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                found.push((i + 1, name));
            }
        }
    }
    found
}

#[test]
fn imports_flow_from_earlier_stages_to_later_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut unknown = BTreeSet::new();
    let mut backwards = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue; // the crate root and the binary see every stage
        }
        let Some(own) = layer_of(&module) else {
            unknown.insert(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, imported) in imported_modules(&text) {
            checked += 1;
            // Stage functions at the crate root (`crate::parse`, `crate::check` as a function)
            // share names with modules; a path to a module's item is what counts here.
            let Some(theirs) = layer_of(&imported) else {
                if !["parse", "run", "prepare", "Run"].contains(&imported.as_str()) {
                    unknown.insert(imported);
                }
                continue;
            };
            if theirs > own {
                backwards.push(format!("{}:{line}: `{module}` imports `crate::{imported}`", rel.display()));
            }
        }
    }
    assert!(checked > 100, "found only {checked} crate:: paths: is the scanner broken?");
    assert!(unknown.is_empty(), "modules missing from LAYERS in tests/imports.rs: {unknown:?}");
    assert!(
        backwards.is_empty(),
        "{} imports from a later stage into an earlier one:\n{}",
        backwards.len(),
        backwards.join("\n")
    );
}

#[test]
fn the_scanner_sees_grouped_and_inline_paths() {
    let found = imported_modules(
        "use crate::{ir::Study, report::{a, b}};\nlet x = crate::fit::sig3(1.0); // crate::cli::x\nuse crate::data::{A, B};",
    );
    let names: Vec<(usize, &str)> = found.iter().map(|(l, n)| (*l, n.as_str())).collect();
    assert_eq!(names, vec![(1, "ir"), (1, "report"), (2, "fit"), (3, "data")]);
}
