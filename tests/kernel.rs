//! Drives the real-client kernel tests in tests/kernel/test_kernel.py (jupyter_client, nbclient,
//! nbformat): the kernelspec installed into a temp prefix, the example notebook executed
//! headless, errors, Rust cells, a forged signature, 100 failing cells, interrupt and resume.
//!
//! Without those Python packages the test fails, naming the pip command (.ci/run installs them).
#![cfg(feature = "kernel")]

use std::process::Command;
use std::time::Instant;

fn python_has_jupyter() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import jupyter_client, nbclient, nbformat"])
        .output()
        .map_err(|e| format!("python3 is not available: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_string()) }
}

#[test]
fn jupyter_clients_drive_the_kernel() {
    if let Err(why) = python_has_jupyter() {
        let msg = format!(
            "the kernel's client tests need python3 with jupyter_client, nbclient and nbformat \
             (python3 -m pip install jupyter_client nbclient nbformat): {why}"
        );
        panic!("{msg}");
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let start = Instant::now();
    let status = Command::new("python3")
        .arg(format!("{root}/tests/kernel/test_kernel.py"))
        .env("SIM2REAL_BIN", env!("CARGO_BIN_EXE_sim2real"))
        .env("SIM2REAL_SOURCE", root)
        // The setting that made evcxr's cache hand a second session the first one's cell library
        // (src/kernel/rust_cell.rs); CI sets it for its own builds, and so do many users' shells.
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(root)
        .status()
        .expect("python3 runs");
    eprintln!("kernel client tests took {:.1} s", start.elapsed().as_secs_f64());
    assert!(status.success(), "tests/kernel/test_kernel.py failed (its output is above)");
}
