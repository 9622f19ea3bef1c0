//! Study cells: parse, check, load and run the cell's study in-process with the same engine as
//! `sim2real run`, streaming progress, and build the rich result (HTML, SVG, text).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::Value;

use super::capture::with_stderr_lines;
use super::cell::StudyFlags;
use super::outcome::{Bundle, CellError};
use crate::exec::{self, Failure, RunError, RunOptions};

/// The name study cells are known by in diagnostics; relative data paths resolve against the
/// kernel's working directory.
pub const CELL_FILE: &str = "cell.study";

/// A finished study cell.
pub struct StudyResult {
    /// `text/plain`, `text/html`, `image/svg+xml`.
    pub bundle: Bundle,
    /// Expectations that failed (shown on stderr; the cell still succeeds, as the CLI's exit 1).
    pub failed_expects: Vec<String>,
    /// Column names of the source and target data (for completion).
    pub columns: Vec<String>,
}

/// Run a study cell. `say` receives every progress line (first one right after loading).
pub fn run_study(
    flags: &StudyFlags,
    text: &str,
    threads: usize,
    interrupt: Arc<AtomicBool>,
    say: impl Fn(String) + Send + Clone + 'static,
) -> Result<StudyResult, CellError> {
    let path = PathBuf::from(CELL_FILE);
    let loaded = exec::load(&path, text, flags.quick).map_err(to_cell_error)?;
    let mut columns = loaded.data.source.columns.clone();
    columns.extend(loaded.data.target.columns.iter().cloned());
    columns.dedup();
    let out = flags.out.clone().unwrap_or_else(|| exec::run::default_out(&loaded.study));
    say(format!(
        "{}study `{}`: {} jobs → {}/",
        if loaded.plan.quick { "QUICK " } else { "" },
        loaded.study.name,
        loaded.plan.jobs.len(),
        out.display()
    ));
    let opts = RunOptions {
        out: Some(out),
        threads,
        quick: flags.quick,
        fresh: flags.fresh,
        interrupt,
        progress: true,
        device: None,
    };
    let outcome = with_stderr_lines(say.clone(), || {
        injected_panic(text);
        exec::run(&loaded, &opts)
    })
    .map_err(to_cell_error)?;
    crate::report::write_reports(&outcome.results, &outcome.trials, &outcome.dir)
        .map_err(|source| to_cell_error(Failure::WriteResults { dir: outcome.dir.clone(), source }.into()))?;
    let r = &outcome.results;
    let mut figures = vec![crate::report::SCALING_SVG];
    figures.extend(crate::report::grid_figures(r).iter().map(|f| f.file));
    let plain = format!(
        "{}\n{} jobs ({} trained now) in {:.1} s; results in {}/ (summary.md; figures: {})\n",
        crate::report::summary_table(r),
        loaded.plan.jobs.len(),
        outcome.trained,
        outcome.wall_s,
        outcome.dir.display(),
        figures.join(", ")
    );
    let mut bundle = Bundle::new();
    bundle.insert("text/plain".into(), Value::String(plain));
    bundle.insert("text/html".into(), Value::String(crate::report::html_fragment(r)));
    bundle.insert("image/svg+xml".into(), Value::String(crate::report::scaling_svg(r)));
    let failed_expects = r
        .expects
        .iter()
        .filter(|e| !e.passed)
        .map(|e| format!("expectation failed: expect {} ({})", e.text, e.detail))
        .collect();
    Ok(StudyResult { bundle, failed_expects, columns })
}

/// Test hook of the kernel's client tests (tests/kernel/test_kernel.py), in debug builds only:
/// with `SIM2REAL_KERNEL_TEST_PANIC=MARKER` in the kernel's environment, a study cell whose text
/// contains MARKER panics while its progress is captured, as a bug in the engine would. Release
/// builds have no hook.
fn injected_panic(text: &str) {
    #[cfg(debug_assertions)]
    if let Ok(marker) = std::env::var("SIM2REAL_KERNEL_TEST_PANIC")
        && !marker.is_empty()
        && text.contains(&marker)
    {
        panic!("injected by the test hook ({marker})");
    }
    let _ = text;
}

fn to_cell_error(e: RunError) -> CellError {
    match e {
        RunError::Study(d) => CellError::new("StudyError", d.to_string(), &crate::diag::render_plain(d.as_ref())),
        RunError::Input(m) => CellError::new("InputError", m.to_string(), &format!("error: {m}")),
        RunError::Failed(m) => CellError::new("RunError", m.to_string(), &format!("error: {m}")),
        RunError::Interrupted => {
            let m = RunError::Interrupted.to_string();
            CellError::new("Interrupted", m.clone(), &m)
        }
    }
}
