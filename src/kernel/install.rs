//! `sim2real kernel install | uninstall`: the kernelspec (kernel.json + logos) in one of
//! Jupyter's data directories, pointing at the running executable.

use std::path::{Path, PathBuf};

use serde_json::json;

/// The kernelspec's directory name (`jupyter kernelspec list` shows it).
pub const KERNEL_NAME: &str = "sim2real";

/// Where to install, as `jupyter kernelspec install` has it.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The user's Jupyter data directory (default).
    User,
    /// `sys.prefix` of the active Python environment (virtualenv / conda), else `python3`'s.
    SysPrefix,
    /// `<DIR>/share/jupyter`.
    Prefix(PathBuf),
}

/// Why the kernelspec cannot be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("HOME is not set; use --prefix DIR")]
    NoHome,
    #[error("--sys-prefix needs python3 on PATH (or an active virtualenv): {0}")]
    NoPython(#[source] std::io::Error),
    #[error("python3 did not report sys.prefix; use --prefix DIR")]
    NoSysPrefix,
    #[error("cannot find the sim2real executable: {0}")]
    NoExecutable(#[source] std::io::Error),
    #[error("cannot create {}: {source}", .dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("no sim2real kernelspec at {}", .dir.display())]
    NotInstalled { dir: PathBuf },
    #[error("cannot remove {}: {source}", .dir.display())]
    Remove { dir: PathBuf, source: std::io::Error },
}

/// The `kernels/` directory of a location.
pub fn kernels_dir(location: &Location) -> Result<PathBuf, InstallError> {
    let data = match location {
        Location::User => user_data_dir()?,
        Location::SysPrefix => sys_prefix()?.join("share").join("jupyter"),
        Location::Prefix(dir) => dir.join("share").join("jupyter"),
    };
    Ok(data.join("kernels"))
}

fn user_data_dir() -> Result<PathBuf, InstallError> {
    if let Some(d) = std::env::var_os("JUPYTER_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).ok_or(InstallError::NoHome)?;
    if cfg!(target_os = "macos") {
        return Ok(home.join("Library").join("Jupyter"));
    }
    let xdg = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    Ok(xdg.unwrap_or_else(|| home.join(".local").join("share")).join("jupyter"))
}

fn sys_prefix() -> Result<PathBuf, InstallError> {
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
    }
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix)"])
        .output()
        .map_err(InstallError::NoPython)?;
    let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || prefix.is_empty() {
        return Err(InstallError::NoSysPrefix);
    }
    Ok(PathBuf::from(prefix))
}

/// The kernel.json document for an executable.
pub fn kernel_json(exe: &Path) -> serde_json::Value {
    json!({
        "argv": [exe.display().to_string(), "kernel", "--connection-file", "{connection_file}"],
        "display_name": "sim2real",
        "language": "sim2real",
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    })
}

/// Write kernel.json and the logos for the current executable; returns the kernelspec directory.
pub fn install(location: &Location) -> Result<PathBuf, InstallError> {
    let exe = std::env::current_exe().map_err(InstallError::NoExecutable)?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let dir = kernels_dir(location)?.join(KERNEL_NAME);
    std::fs::create_dir_all(&dir).map_err(|source| InstallError::Create { dir: dir.clone(), source })?;
    let spec = serde_json::to_string_pretty(&kernel_json(&exe))?;
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| InstallError::Write { path, source })
    };
    write("kernel.json", spec.as_bytes())?;
    write("logo-32x32.png", &super::png::logo(32))?;
    write("logo-64x64.png", &super::png::logo(64))?;
    Ok(dir)
}

/// Remove the kernelspec directory; returns it, or an error when it is not installed there.
pub fn uninstall(location: &Location) -> Result<PathBuf, InstallError> {
    let dir = kernels_dir(location)?.join(KERNEL_NAME);
    if !dir.join("kernel.json").is_file() {
        return Err(InstallError::NotInstalled { dir });
    }
    std::fs::remove_dir_all(&dir).map_err(|source| InstallError::Remove { dir: dir.clone(), source })?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_then_uninstall_in_a_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let loc = Location::Prefix(tmp.path().to_path_buf());
        let dir = install(&loc).unwrap();
        assert_eq!(dir, tmp.path().join("share/jupyter/kernels/sim2real"));
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).unwrap()).unwrap();
        assert_eq!(spec["display_name"], "sim2real");
        assert_eq!(spec["argv"][1], "kernel");
        assert_eq!(spec["argv"][3], "{connection_file}");
        assert!(Path::new(spec["argv"][0].as_str().unwrap()).is_absolute());
        assert!(std::fs::read(dir.join("logo-64x64.png")).unwrap().starts_with(b"\x89PNG"));
        uninstall(&loc).unwrap();
        assert!(!dir.exists());
        assert!(uninstall(&loc).unwrap_err().to_string().contains("no sim2real kernelspec"));
    }

    #[test]
    fn install_errors_render() {
        let io = || std::io::Error::other("denied");
        let p = || PathBuf::from("/k/sim2real");
        let cases: Vec<(InstallError, &str)> = vec![
            (InstallError::NoHome, "HOME is not set; use --prefix DIR"),
            (InstallError::NoPython(io()), "--sys-prefix needs python3 on PATH (or an active virtualenv): denied"),
            (InstallError::NoSysPrefix, "python3 did not report sys.prefix; use --prefix DIR"),
            (InstallError::NoExecutable(io()), "cannot find the sim2real executable: denied"),
            (InstallError::Create { dir: p(), source: io() }, "cannot create /k/sim2real: denied"),
            (
                InstallError::Write { path: p().join("kernel.json"), source: io() },
                "cannot write /k/sim2real/kernel.json: denied",
            ),
            (InstallError::NotInstalled { dir: p() }, "no sim2real kernelspec at /k/sim2real"),
            (InstallError::Remove { dir: p(), source: io() }, "cannot remove /k/sim2real: denied"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
        let json = serde_json::from_str::<u8>("x").unwrap_err();
        let want = json.to_string();
        assert_eq!(InstallError::Json(json).to_string(), want);
    }
}
