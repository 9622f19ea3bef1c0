//! Arbitrary bytes → the CSV loader; when a table loads, every column goes through
//! `Table::resolve` (by name, and by globs), `Table::numeric` and the per-column accessors.
//! Errors are fine, a panic is a bug. Errors are also rendered as a study diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim2real::ir::{ColumnSet, Span, Spanned};
use sim2real::data::{DataError, Table};
use sim2real::diag::{StudyErrors, render_plain};

fn span() -> Span {
    Span::default()
}

fn set(include: &[String], exclude: &[String]) -> ColumnSet {
    ColumnSet {
        include: include.iter().map(|s| Spanned::new(s.clone(), span())).collect(),
        exclude: exclude.iter().map(|s| Spanned::new(s.clone(), span())).collect(),
        span: span(),
    }
}

fn render(e: &DataError) {
    let _ = e.to_string();
    let errs = StudyErrors::new("fuzz.study", "", vec![e.to_problem(span())]);
    let _ = render_plain(&errs);
}

fn exercise(table: &Table) {
    let names: Vec<String> = table.column_names().iter().map(|s| s.to_string()).collect();
    // Every column by name (names containing `*` or `?` are globs), then globs built from names.
    let mut cols = match table.resolve(&set(&names, &[])) {
        Ok(c) => c,
        Err(e) => {
            render(&e);
            names.clone()
        }
    };
    for n in &names {
        let prefix: String = n.chars().take(1).collect();
        for pat in [format!("{prefix}*"), format!("*{}", n.chars().last().unwrap_or('?')), "?*".to_string()] {
            match table.resolve(&set(&[pat], std::slice::from_ref(n))) {
                Ok(c) => cols.extend(c),
                Err(e) => render(&e),
            }
        }
    }
    if let Err(e) = table.resolve(&set(&["unknown_column_name".to_string()], &[])) {
        render(&e);
    }
    cols.dedup();
    if let Err(e) = table.numeric(&cols) {
        render(&e);
    }
    for n in &names {
        if let Err(e) = table.numeric_column(n) {
            render(&e);
        }
        if let Err(e) = table.text_column(n) {
            render(&e);
        }
    }
    for r in 0..table.nrows().min(4) {
        let _ = table.row_origin(r);
    }
}

fuzz_target!(|data: &[u8]| {
    match sim2real::data::csv::parse_csv(data, "fuzz.csv") {
        Ok(table) => exercise(&table),
        Err(e) => render(&e),
    }
});
