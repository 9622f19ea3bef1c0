//! `Test`: one command-line case of the `sim2real` binary, declared as inputs and expectations.
//!
//! ```ignore
//! Test::new()
//!     .study("study t\n...")                      // written to s.study in a fresh temp folder
//!     .file("t.csv", "a,y\n1,2\n")                // any other input file
//!     .args(["check", "s.study"])                 // run in that folder
//!     .status(2)                                  // expected exit code (default 0)
//!     .stderr_contains("no column `b`")           // or .stdout(exact), .output_contains(...)
//!     .run();                                     // runs and checks; returns what it saw
//! ```
//!
//! Every case also checks that the binary did not panic. `run()` returns a [`Ran`] for the
//! checks a builder cannot express (parse results.json, compare two runs); it keeps the temp
//! folder alive. [`Test::at`] runs in an existing folder instead, for several commands in turn.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The file [`Test::study`] writes.
pub const STUDY: &str = "s.study";

enum Text {
    Exact(String),
    Contains(String),
    Lacks(String),
}

impl Text {
    fn check(&self, what: &str, got: &str) -> Option<String> {
        match self {
            Text::Exact(want) if got != want => Some(format!("{what} is not exactly:\n{want}")),
            Text::Contains(want) if !got.contains(want.as_str()) => Some(format!("{what} lacks {want:?}")),
            Text::Lacks(bad) if got.contains(bad.as_str()) => Some(format!("{what} contains {bad:?}")),
            _ => None,
        }
    }
}

#[must_use = "a Test does nothing until .run()"]
pub struct Test {
    /// The temp folder, when the test made one (kept alive by the returned `Ran`).
    temp: Option<tempfile::TempDir>,
    /// Where input files go and what relative paths in `args` mean by default.
    dir: PathBuf,
    cwd: Option<PathBuf>,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    /// Accepted exit codes (empty: any).
    status: Vec<i32>,
    stdout: Vec<Text>,
    stderr: Vec<Text>,
    output: Vec<Text>,
    files: Vec<(PathBuf, Option<String>)>,
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    /// A case in a fresh temp folder.
    pub fn new() -> Self {
        let temp = tempfile::tempdir().expect("a temp folder");
        let dir = temp.path().to_path_buf();
        Self::in_folder(Some(temp), dir)
    }

    /// A case in an existing folder (which the caller keeps alive), e.g. a second command on the
    /// outputs of a first.
    pub fn at(dir: &Path) -> Self {
        Self::in_folder(None, dir.to_path_buf())
    }

    fn in_folder(temp: Option<tempfile::TempDir>, dir: PathBuf) -> Self {
        Test {
            temp,
            dir,
            cwd: None,
            args: Vec::new(),
            env: Vec::new(),
            status: vec![0],
            stdout: Vec::new(),
            stderr: Vec::new(),
            output: Vec::new(),
            files: Vec::new(),
        }
    }

    /// The case's folder (inputs are written there; it is the working directory by default).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An absolute path inside the case's folder, as a string for `args`.
    pub fn path(&self, rel: &str) -> String {
        self.dir.join(rel).display().to_string()
    }

    /// Writes `text` to [`STUDY`] (`s.study`) in the case's folder.
    pub fn study(self, text: &str) -> Self {
        self.file(STUDY, text)
    }

    /// Writes an input file (folders created) relative to the case's folder.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        let p = self.dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// An environment variable for the child process only (tests share one process: never
    /// `std::env::set_var`).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs in `dir` instead of the case's folder (e.g. the repository root, so that paths in the
    /// output are short and stable).
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// The expected exit code (default 0).
    pub fn status(mut self, code: i32) -> Self {
        self.status = vec![code];
        self
    }

    /// The exit code is not checked (the case checks what the command printed or wrote).
    pub fn any_status(mut self) -> Self {
        self.status.clear();
        self
    }

    /// Any of these exit codes is accepted (e.g. `[0, 1]`: whether an `expect` held is not the point).
    pub fn status_in(mut self, codes: &[i32]) -> Self {
        self.status = codes.to_vec();
        self
    }

    pub fn stdout(mut self, exact: impl Into<String>) -> Self {
        self.stdout.push(Text::Exact(exact.into()));
        self
    }

    pub fn stdout_contains(mut self, part: impl Into<String>) -> Self {
        self.stdout.push(Text::Contains(part.into()));
        self
    }

    pub fn stderr(mut self, exact: impl Into<String>) -> Self {
        self.stderr.push(Text::Exact(exact.into()));
        self
    }

    pub fn stderr_contains(mut self, part: impl Into<String>) -> Self {
        self.stderr.push(Text::Contains(part.into()));
        self
    }

    /// stdout followed by stderr contains `part`.
    pub fn output_contains(mut self, part: impl Into<String>) -> Self {
        self.output.push(Text::Contains(part.into()));
        self
    }

    /// Neither stdout nor stderr contains `part`.
    pub fn output_lacks(mut self, part: impl Into<String>) -> Self {
        self.output.push(Text::Lacks(part.into()));
        self
    }

    /// After the run, `rel` (relative to the case's folder) exists.
    pub fn creates(mut self, rel: &str) -> Self {
        self.files.push((rel.into(), None));
        self
    }

    /// After the run, `rel` holds exactly `contents`.
    pub fn creates_with(mut self, rel: &str, contents: impl Into<String>) -> Self {
        self.files.push((rel.into(), Some(contents.into())));
        self
    }

    /// Runs the binary and checks every expectation; panics with the command and its whole output
    /// when one fails.
    pub fn run(self) -> Ran {
        let cwd = self.cwd.clone().unwrap_or_else(|| self.dir.clone());
        let mut cmd = super::sim2real();
        cmd.args(&self.args).current_dir(&cwd);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let o: Output = cmd.output().expect("start sim2real");
        let ran = Ran {
            _temp: self.temp,
            dir: self.dir,
            status: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        };
        let mut failures = Vec::new();
        if ran.text().contains("panicked") {
            failures.push("the binary panicked".to_string());
        }
        if !self.status.is_empty() && !ran.status.is_some_and(|c| self.status.contains(&c)) {
            failures.push(format!("exit code {:?}, expected one of {:?}", ran.status, self.status));
        }
        let text = ran.text();
        for (what, got, wants) in [
            ("stdout", &ran.stdout, &self.stdout),
            ("stderr", &ran.stderr, &self.stderr),
            ("output", &text, &self.output),
        ] {
            failures.extend(wants.iter().filter_map(|w| w.check(what, got)));
        }
        for (rel, want) in &self.files {
            let p = ran.dir.join(rel);
            match want {
                None if !p.exists() => failures.push(format!("{} was not written", rel.display())),
                Some(want) => match std::fs::read_to_string(&p) {
                    Err(e) => failures.push(format!("{} was not written: {e}", rel.display())),
                    Ok(got) if &got != want => failures.push(format!("{} holds:\n{got}\nnot:\n{want}", rel.display())),
                    Ok(_) => {}
                },
                None => {}
            }
        }
        assert!(
            failures.is_empty(),
            "sim2real {} (in {}):\n- {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" "),
            cwd.display(),
            failures.join("\n- "),
            ran.stdout,
            ran.stderr
        );
        ran
    }
}

/// What a [`Test`] saw; holds the case's temp folder until dropped.
pub struct Ran {
    _temp: Option<tempfile::TempDir>,
    pub dir: PathBuf,
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// stdout followed by stderr.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// An absolute path inside the case's folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// A file the run wrote (relative to the case's folder), as text.
    pub fn read(&self, rel: &str) -> String {
        let p = self.path(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// A JSON file the run wrote, parsed.
    pub fn json(&self, rel: &str) -> serde_json::Value {
        super::read_json(&self.path(rel))
    }

    /// stdout parsed as one JSON value.
    pub fn stdout_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}
