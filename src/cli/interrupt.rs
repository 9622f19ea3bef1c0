//! Ctrl-C for `sim2real run`: the first SIGINT or SIGTERM sets the flag the executor polls
//! between training steps, so the run stops at its next step with every finished job in the store
//! (the jobs in flight are abandoned and train again on the rerun), releases the directory's lock
//! and exits with [`super::EXIT_INTERRUPTED`]. A second signal ends the process at once (the
//! default action): the store stays consistent even then (a torn last line is discarded).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The flag of the run in progress, for the signal handler.
static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

#[cfg(unix)]
extern "C" fn on_signal(_signal: libc::c_int) {
    // Only async-signal-safe work here: an atomic load and store, and `signal`.
    if let Some(flag) = FLAG.get() {
        flag.store(true, Ordering::SeqCst);
    }
    // SAFETY: `signal` is async-signal-safe; restoring the default action for both signals makes
    // a second Ctrl-C terminate the process as usual.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
    }
}

/// Route SIGINT and SIGTERM to `flag` (once per process; later calls keep the first flag).
pub fn install(flag: Arc<AtomicBool>) {
    if FLAG.set(flag).is_err() {
        return;
    }
    #[cfg(unix)]
    {
        let handler = on_signal as extern "C" fn(libc::c_int);
        // SAFETY: `on_signal` has the signature `signal` expects and does only async-signal-safe
        // work; FLAG is set before the handler is installed.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        }
    }
}
