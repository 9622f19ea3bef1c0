//! Forwarding the engine's progress lines to the notebook, and the kernel's own log.
//!
//! `exec::run` prints progress on stderr (plain lines when stderr is not a terminal). While a
//! study cell runs, file descriptor 2 is pointed at a pipe whose lines a thread forwards as
//! `stream` messages; afterwards it is restored. The kernel's own log ([`log`]) always goes
//! to the original stderr, saved at start-up, so it never lands in a notebook.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::sync::{Mutex, OnceLock};

static LOG: OnceLock<Mutex<File>> = OnceLock::new();

/// Save a copy of the process's stderr for [`log`]; call once at start-up.
pub fn init_log() {
    // SAFETY: dup returns a new descriptor we own (or -1, checked).
    let fd = unsafe { libc::dup(2) };
    if fd >= 0 {
        // SAFETY: fd is a fresh, valid descriptor owned by nobody else.
        let _ = LOG.set(Mutex::new(unsafe { File::from_raw_fd(fd) }));
    }
}

/// Write one line to the kernel's log (the terminal or log file Jupyter gave it).
pub fn log(msg: &str) {
    match LOG.get() {
        Some(f) => {
            if let Ok(mut f) = f.lock() {
                let _ = writeln!(f, "[sim2real kernel] {msg}");
            }
        }
        None => eprintln!("[sim2real kernel] {msg}"),
    }
}

/// Puts the saved stderr back on descriptor 2 and waits for the forwarding thread, also when
/// `f` panics (the kernel catches the panic and goes on serving with its stderr intact).
struct Restore {
    saved: RawFd,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::io::stderr().flush();
        // SAFETY: `saved` is a descriptor we own. Restoring fd 2 closes the pipe's last write
        // end, so the reader sees EOF.
        unsafe {
            libc::dup2(self.saved, 2);
            libc::close(self.saved);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Run `f` with stderr redirected to a pipe; each line written to it is passed to `on_line`
/// (on another thread) until `f` returns (or panics) and the pipe is drained; then stderr is
/// what it was before.
pub fn with_stderr_lines<T>(on_line: impl Fn(String) + Send + 'static, f: impl FnOnce() -> T) -> T {
    let mut fds: [RawFd; 2] = [-1, -1];
    // SAFETY: pipe writes two descriptors into the array on success.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        log("cannot create a pipe for progress; progress goes to the kernel log");
        return f();
    }
    let (read_fd, write_fd) = (fds[0], fds[1]);
    let _ = std::io::stderr().flush();
    // SAFETY: plain descriptor calls on descriptors we own; failures are checked.
    let saved = unsafe { libc::dup(2) };
    // SAFETY: as above; write_fd is the pipe's, 2 is the process's stderr.
    if saved < 0 || unsafe { libc::dup2(write_fd, 2) } < 0 {
        // SAFETY: closing descriptors this function opened and no one else uses.
        unsafe {
            libc::close(read_fd);
            libc::close(write_fd);
            if saved >= 0 {
                libc::close(saved);
            }
        }
        return f();
    }
    // SAFETY: write_fd was duplicated onto 2; this closes our extra copy only.
    unsafe { libc::close(write_fd) };
    // SAFETY: read_fd is ours; the File closes it when the thread ends.
    let reader = unsafe { File::from_raw_fd(read_fd) };
    let thread = std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            match line {
                Ok(l) => on_line(l),
                Err(_) => break,
            }
        }
    });
    let _restore = Restore { saved, thread: Some(thread) };
    f()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn captures_lines_written_to_stderr() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let v = with_stderr_lines(
            move |l| sink.lock().unwrap().push(l),
            || {
                // Straight to fd 2 (libtest captures the eprintln! macro in tests).
                let _ = writeln!(std::io::stderr(), "first");
                let _ = writeln!(std::io::stderr(), "second");
                7
            },
        );
        assert_eq!(v, 7);
        let got = got.lock().unwrap();
        assert!(got.contains(&"first".to_string()) && got.contains(&"second".to_string()), "{got:?}");
    }

    /// (device, inode) of what descriptor 2 refers to.
    fn stderr_identity() -> (u64, u64) {
        // SAFETY: fstat fills the struct for a valid descriptor (2 is open in tests).
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: as above: `st` is a valid, writable stat struct.
        assert_eq!(unsafe { libc::fstat(2, &mut st) }, 0);
        (st.st_dev as u64, st.st_ino as u64)
    }

    #[test]
    fn a_panic_inside_restores_stderr_and_still_forwards_what_came_before() {
        let before = stderr_identity();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let caught = std::panic::catch_unwind(|| {
            with_stderr_lines(
                move |l| sink.lock().unwrap().push(l),
                || {
                    let _ = writeln!(std::io::stderr(), "before the panic");
                    panic!("a bug in a cell");
                },
            )
        });
        assert!(caught.is_err());
        assert_eq!(stderr_identity(), before, "fd 2 points where it did before the cell");
        // The forwarding thread ended (it was joined) after passing on the line.
        assert!(got.lock().unwrap().contains(&"before the panic".to_string()), "{:?}", got.lock().unwrap());
    }
}
