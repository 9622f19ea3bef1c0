//! Interrupting the running cell: a study sees the flag that `exec::run` polls between steps
//! (finished jobs stay in the store; a rerun resumes), a Rust cell's evcxr child is killed.

use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Shared between the executor (which runs cells) and the control channel / SIGINT handler.
#[derive(Default)]
pub struct Interrupter {
    /// Polled by `exec::run`; reset at the start of each study cell.
    pub study: Arc<AtomicBool>,
    /// Set while a Rust cell runs.
    pub rust_running: AtomicBool,
    /// The evcxr child process, once Rust cells have started.
    pub rust_child: Mutex<Option<Arc<Mutex<Child>>>>,
}

impl Interrupter {
    /// Stop whatever runs now.
    pub fn interrupt(&self) {
        self.study.store(true, Ordering::SeqCst);
        if self.rust_running.load(Ordering::SeqCst)
            && let Ok(slot) = self.rust_child.lock()
            && let Some(child) = slot.as_ref()
            && let Ok(mut child) = child.lock()
        {
            let _ = child.kill();
        }
    }
}
