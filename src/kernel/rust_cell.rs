//! Rust cells: evcxr's `CommandContext`, started on the first Rust cell (so study-only
//! notebooks never pay for it), with the crate available as a `:dep` when a cell names it.
//!
//! The dependency is this crate's source directory with `default-features = false`: the study
//! language, results, fits, reports and [`crate::Run`], without the burn engine, so it builds in
//! about a minute once and then comes from evcxr's compilation cache (see docs/kernel.md).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use evcxr::{CommandContext, EvalContextOutputs};
use serde_json::Value;

use super::interrupt::Interrupter;
use super::outcome::{Bundle, CellError};

/// MiB of evcxr's compilation cache the kernel turns on (shared by all evcxr sessions).
const CACHE_MIB: u64 = 4096;

/// The build environment that keeps each cell's own crate out of evcxr's cache.
const EVCXR_INCREMENTAL: &str = "CARGO_INCREMENTAL=1";

/// The evcxr session behind Rust cells.
pub struct RustCells {
    ctx: Option<(CommandContext, EvalContextOutputs)>,
    dep_added: bool,
    interrupter: Arc<Interrupter>,
}

/// Where the crate's source lives for `:dep`: `SIM2REAL_SOURCE`, else where it was built from.
pub fn crate_source() -> Option<PathBuf> {
    let p = std::env::var_os("SIM2REAL_SOURCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    p.join("Cargo.toml").is_file().then_some(p)
}

impl RustCells {
    pub fn new(interrupter: Arc<Interrupter>) -> RustCells {
        RustCells { ctx: None, dep_added: false, interrupter }
    }

    /// Run one Rust cell. `emit(stream, text)` forwards output while it runs.
    pub fn execute(&mut self, code: &str, emit: &(dyn Fn(&str, String) + Sync)) -> Result<Option<Bundle>, CellError> {
        if self.ctx.is_none() {
            emit("stderr", "starting evcxr for Rust cells…\n".into());
            let (mut ctx, outputs) =
                CommandContext::new().map_err(|e| CellError::new("EvcxrError", e.to_string(), &e.to_string()))?;
            // evcxr's cache keys a crate on rustc's arguments alone and takes "not incremental"
            // to mean "a downloaded crate, safe to cache". Under CARGO_INCREMENTAL=0 (common in CI
            // setups) each cell's crate would be cached too, and a later session's `code_3` would
            // load an earlier session's library: "dlsym failed". Cells always build incrementally.
            for command in [format!(":build_env {EVCXR_INCREMENTAL}"), format!(":cache {CACHE_MIB}")] {
                if let Err(e) = ctx.execute(&command) {
                    // In the cell's output too: without them cells build slowly or, under
                    // CARGO_INCREMENTAL=0, may load another session's library.
                    let msg = format!("cannot run evcxr's `{command}`: {e}");
                    super::capture::log(&msg);
                    emit("stderr", format!("warning: {msg}\n"));
                }
            }
            self.ctx = Some((ctx, outputs));
        }
        if !self.dep_added && code.contains("sim2real") {
            match crate_source() {
                Some(dir) => {
                    emit("stderr", format!("adding sim2real (no engine) from {} as a dependency; the first build takes a minute, later ones come from the cache…\n", dir.display()));
                    let dep = format!(":dep sim2real = {{ path = {:?}, default-features = false }}", dir.display().to_string());
                    self.run(&dep, emit)?;
                    self.dep_added = true;
                }
                None => emit(
                    "stderr",
                    "the sim2real source directory is not found; set SIM2REAL_SOURCE to it so Rust cells can `use sim2real`\n".into(),
                ),
            }
        }
        self.run(code, emit)
    }

    fn run(&mut self, code: &str, emit: &(dyn Fn(&str, String) + Sync)) -> Result<Option<Bundle>, CellError> {
        let Some((ctx, outputs)) = self.ctx.as_mut() else {
            return Err(CellError::new("EvcxrError", "evcxr is not running", "evcxr is not running"));
        };
        if let Ok(mut slot) = self.interrupter.rust_child.lock() {
            *slot = Some(ctx.process_handle());
        }
        self.interrupter.rust_running.store(true, Ordering::SeqCst);
        let done = AtomicBool::new(false);
        let result = std::thread::scope(|s| {
            s.spawn(|| {
                loop {
                    let mut any = false;
                    while let Ok(line) = outputs.stdout.try_recv() {
                        emit("stdout", format!("{line}\n"));
                        any = true;
                    }
                    while let Ok(line) = outputs.stderr.try_recv() {
                        emit("stderr", format!("{line}\n"));
                        any = true;
                    }
                    if !any {
                        if done.load(Ordering::SeqCst) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            });
            let r = ctx.execute(code);
            done.store(true, Ordering::SeqCst);
            r
        });
        self.interrupter.rust_running.store(false, Ordering::SeqCst);
        match result {
            Ok(out) => {
                let bundle: Bundle = out.content_by_mime_type.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                Ok((!bundle.is_empty()).then_some(bundle))
            }
            Err(e) => Err(evcxr_error(e)),
        }
    }

    /// evcxr's completions for a Rust cell (only once evcxr runs; starting it for a completion would stall).
    pub fn complete(&mut self, code: &str, cursor_bytes: usize) -> Option<(Vec<String>, usize, usize)> {
        let (ctx, _) = self.ctx.as_mut()?;
        let c = ctx.completions(code, cursor_bytes).ok()?;
        Some((c.completions.into_iter().map(|c| c.code).collect(), c.start_offset, c.end_offset))
    }
}

fn evcxr_error(e: evcxr::Error) -> CellError {
    match e {
        evcxr::Error::CompilationErrors(errors) => {
            let evalue = errors.first().map(evcxr::CompilationError::message).unwrap_or_default();
            let text: Vec<String> = errors
                .iter()
                .map(|e| {
                    let r = e.rendered();
                    if r.trim().is_empty() { e.message() } else { r }
                })
                .collect();
            CellError::new("CompilationError", evalue, &text.join("\n"))
        }
        other => {
            let m = other.to_string();
            CellError::new("EvcxrError", m.clone(), &m)
        }
    }
}
