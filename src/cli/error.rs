//! The command line's errors: the executor's ([`RunError`]) and what only the commands meet
//! (`table`'s output, `submit --slurm`, `budget`'s arguments). Each variant carries its data and
//! writes its message here; [`CliError::exit_code`] says which exit code it is (README: 2 bad
//! input, 3 a failure while running).

use std::path::PathBuf;
use std::process::ExitStatus;

use thiserror::Error;

use crate::exec::RunError;

use super::{EXIT_FAILED, EXIT_STUDY};

/// Why a command failed.
#[derive(Debug, Error)]
pub enum CliError {
    /// The executor's error (study errors, bad input, a failure while running, an interruption).
    #[error(transparent)]
    Run(#[from] RunError),
    /// `table STUDY NAME` with a NAME the study does not declare (exit 2).
    #[error("{file} declares no table `{name}`; {}", table_help(.name, .declared))]
    NoSuchTable { file: String, name: String, declared: Vec<String> },
    /// The table cannot be written as CSV.
    #[error("writing CSV: {0}")]
    Csv(#[source] csv::Error),
    /// `--out FILE` cannot be written.
    #[error("writing {}: {source}", .path.display())]
    WriteFile { path: PathBuf, source: std::io::Error },
    /// Standard output cannot be written.
    #[error("writing stdout: {0}")]
    Stdout(#[source] std::io::Error),
    /// The reports of a merged sharded run cannot be written.
    #[error("writing reports to {}: {source}", .dir.display())]
    WriteReports { dir: PathBuf, source: std::io::Error },
    /// A value cannot be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// `scontrol` cannot be started.
    #[error("cannot run `scontrol show config` ({0}): is Slurm installed on this host and SLURM_CONF set?")]
    ScontrolMissing(#[source] std::io::Error),
    /// `scontrol show config` failed; `stderr` is what it said.
    #[error("`scontrol show config` failed: {stderr}")]
    ScontrolFailed { stderr: String },
    /// `scontrol show config` does not say the cluster's array size limit.
    #[error("`scontrol show config` has no MaxArraySize line")]
    NoMaxArraySize,
    /// `MaxArraySize` is not a number.
    #[error("`scontrol show config`: MaxArraySize = {value} is not a number")]
    BadMaxArraySize { value: String },
    /// sbatch refused an array; `cancelled` are the jobs of this submission cancelled since.
    #[error("sbatch rejected the array of shards {spec} (offset {offset}): {source}{}", cancelled_note(.cancelled))]
    ArrayRejected { spec: String, offset: usize, source: SbatchError, cancelled: Vec<String> },
    /// sbatch refused the merge job.
    #[error("sbatch rejected the merge job: {source}{}", cancelled_note(.cancelled))]
    MergeRejected { source: SbatchError, cancelled: Vec<String> },
    /// A file of DIR/slurm/ cannot be written.
    #[error("{}: {source}", .path.display())]
    SlurmIo { path: PathBuf, source: std::io::Error },
    /// The running executable cannot be found (the scripts call it).
    #[error("cannot find this executable: {0}")]
    NoExecutable(#[source] std::io::Error),
    /// `submit --tasks 0` (exit 2).
    #[error("--tasks must be at least 1")]
    TasksZero,
    /// `submit --only` on a directory without DIR/slurm/submit.json (exit 2).
    #[error("{}: {source} (was the directory submitted with `sim2real submit --slurm`?)", .path.display())]
    NotSubmitted { path: PathBuf, source: std::io::Error },
    /// DIR/slurm/submit.json is not what `submit` writes (exit 2).
    #[error("{}: {source}", .path.display())]
    SubmittedUnreadable { path: PathBuf, source: serde_json::Error },
    /// `--only LIST` names a shard the submission does not have (exit 2).
    #[error("--only {list}: `{part}` is not a shard of 0..{tasks}")]
    NotAShard { list: String, part: String, tasks: usize },
    /// `--only LIST` names no shard (exit 2).
    #[error("--only {list}: no shard given")]
    NoShardGiven { list: String },
}

/// Why one sbatch call did not submit.
#[derive(Debug, Error)]
pub enum SbatchError {
    /// sbatch cannot be started.
    #[error("cannot run sbatch: {0}")]
    Spawn(#[source] std::io::Error),
    /// sbatch refused; `message` is what it said on stderr.
    #[error("{message}")]
    Refused { message: String },
    /// sbatch failed without a word.
    #[error("sbatch exited with {status}")]
    Exit { status: ExitStatus },
}

/// Why `sim2real budget DIR ...` cannot plan (exit 2).
#[derive(Debug, Error)]
pub enum BudgetArgsError {
    /// `--have n,m` with a part that is not a number.
    #[error("--have {text}: `{part}` is not a number (expected n,m, e.g. 1206,952)")]
    HaveNotANumber { text: String, part: String },
    /// `--have` without exactly two parts.
    #[error("--have {text}: expected two numbers n,m, e.g. 1206,952")]
    HaveNotTwo { text: String },
    /// Neither `--goal` nor `--spend`.
    #[error("give --goal or --spend")]
    NoAsk,
    /// The run directory cannot be loaded.
    #[error(transparent)]
    Load(#[from] crate::results::LoadError),
    /// The run has no `fit surface`.
    #[error(
        "{} has no surface fit: add `fit surface` to the study's fits and run it again (the planner needs R(n, m))",
        .dir.display()
    )]
    NoSurface { dir: PathBuf },
    /// results.json holds a fixed surface parameter the fit does not know.
    #[error("results.json: {0}")]
    Fixed(#[source] crate::fit::FitError),
    /// The planner's answer on the run's surface.
    #[error(transparent)]
    Plan(#[from] crate::exec::budget::BudgetError),
}

/// `table`'s hint: the closest declared name, else the declared names.
fn table_help(name: &str, declared: &[String]) -> String {
    crate::diag::did_you_mean(name, declared.iter().map(String::as_str))
        .unwrap_or_else(|| format!("the study declares: {}", declared.join(", ")))
}

/// " (cancelled what was submitted: 12, 13)", or nothing when nothing was.
fn cancelled_note(ids: &[String]) -> String {
    if ids.is_empty() { String::new() } else { format!(" (cancelled what was submitted: {})", ids.join(", ")) }
}

impl CliError {
    /// The exit code: 2 for bad input (study errors included), 3 for a failure while running or
    /// an interruption.
    pub fn exit_code(&self) -> i32 {
        let input = match self {
            CliError::Run(e) => e.is_input(),
            CliError::NoSuchTable { .. }
            | CliError::TasksZero
            | CliError::NotSubmitted { .. }
            | CliError::SubmittedUnreadable { .. }
            | CliError::NotAShard { .. }
            | CliError::NoShardGiven { .. } => true,
            _ => false,
        };
        if input { EXIT_STUDY } else { EXIT_FAILED }
    }
}

impl From<crate::exec::InputError> for CliError {
    fn from(e: crate::exec::InputError) -> Self {
        CliError::Run(e.into())
    }
}

impl From<crate::exec::Failure> for CliError {
    fn from(e: crate::exec::Failure) -> Self {
        CliError::Run(e.into())
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::PathBuf;

    use super::*;

    fn io_err() -> io::Error {
        io::Error::new(io::ErrorKind::NotFound, "gone")
    }

    fn json_err() -> serde_json::Error {
        serde_json::from_str::<u32>("x").unwrap_err()
    }

    #[test]
    fn cli_errors_render_with_their_exit_codes() {
        let json = json_err().to_string();
        let csv_err = csv::Reader::from_reader("a\nx".as_bytes()).deserialize::<u32>().next().unwrap().unwrap_err();
        let csv_text = csv_err.to_string();
        let refused = || SbatchError::Refused { message: "Invalid partition".into() };
        let cases: Vec<(CliError, String, i32)> = vec![
            (
                CliError::Run(RunError::Interrupted),
                "interrupted; finished jobs are saved and a rerun resumes".into(),
                EXIT_FAILED,
            ),
            (
                CliError::NoSuchTable { file: "a.study".into(), name: "gass".into(), declared: vec!["gas".into()] },
                "a.study declares no table `gass`; did you mean `gas`?".into(),
                EXIT_STUDY,
            ),
            (
                CliError::NoSuchTable {
                    file: "a.study".into(),
                    name: "zzz".into(),
                    declared: vec!["gas".into(), "desc".into()],
                },
                "a.study declares no table `zzz`; the study declares: gas, desc".into(),
                EXIT_STUDY,
            ),
            (CliError::Csv(csv_err), format!("writing CSV: {csv_text}"), EXIT_FAILED),
            (CliError::WriteFile { path: "t.csv".into(), source: io_err() }, "writing t.csv: gone".into(), EXIT_FAILED),
            (CliError::Stdout(io_err()), "writing stdout: gone".into(), EXIT_FAILED),
            (
                CliError::WriteReports { dir: "d".into(), source: io_err() },
                "writing reports to d: gone".into(),
                EXIT_FAILED,
            ),
            (CliError::Json(json_err()), json, EXIT_FAILED),
            (
                CliError::ScontrolMissing(io_err()),
                "cannot run `scontrol show config` (gone): is Slurm installed on this host and SLURM_CONF set?".into(),
                EXIT_FAILED,
            ),
            (
                CliError::ScontrolFailed { stderr: "no controller".into() },
                "`scontrol show config` failed: no controller".into(),
                EXIT_FAILED,
            ),
            (CliError::NoMaxArraySize, "`scontrol show config` has no MaxArraySize line".into(), EXIT_FAILED),
            (
                CliError::BadMaxArraySize { value: "lots".into() },
                "`scontrol show config`: MaxArraySize = lots is not a number".into(),
                EXIT_FAILED,
            ),
            (
                CliError::ArrayRejected { spec: "0-3".into(), offset: 0, source: refused(), cancelled: vec![] },
                "sbatch rejected the array of shards 0-3 (offset 0): Invalid partition".into(),
                EXIT_FAILED,
            ),
            (
                CliError::MergeRejected { source: refused(), cancelled: vec!["12".into(), "13".into()] },
                "sbatch rejected the merge job: Invalid partition (cancelled what was submitted: 12, 13)".into(),
                EXIT_FAILED,
            ),
            (CliError::SlurmIo { path: "d/slurm".into(), source: io_err() }, "d/slurm: gone".into(), EXIT_FAILED),
            (CliError::NoExecutable(io_err()), "cannot find this executable: gone".into(), EXIT_FAILED),
            (CliError::TasksZero, "--tasks must be at least 1".into(), EXIT_STUDY),
            (
                CliError::NotSubmitted { path: "d/slurm/submit.json".into(), source: io_err() },
                "d/slurm/submit.json: gone (was the directory submitted with `sim2real submit --slurm`?)".into(),
                EXIT_STUDY,
            ),
            (
                CliError::SubmittedUnreadable { path: "s.json".into(), source: json_err() },
                format!("s.json: {}", json_err()),
                EXIT_STUDY,
            ),
            (
                CliError::NotAShard { list: "1,9".into(), part: "9".into(), tasks: 4 },
                "--only 1,9: `9` is not a shard of 0..4".into(),
                EXIT_STUDY,
            ),
            (CliError::NoShardGiven { list: ",".into() }, "--only ,: no shard given".into(), EXIT_STUDY),
        ];
        for (e, text, code) in cases {
            assert_eq!(e.to_string(), text);
            assert_eq!(e.exit_code(), code, "{text}");
        }
        let input = CliError::from(crate::exec::InputError::NotARunDir { dir: PathBuf::from("x") });
        assert_eq!(input.exit_code(), EXIT_STUDY);
        let failed = CliError::from(crate::exec::Failure::NoSharedEncoder);
        assert_eq!((failed.exit_code(), failed.to_string().as_str()), (EXIT_FAILED, "the model has no shared encoder"));
    }

    #[test]
    fn sbatch_errors_render() {
        assert_eq!(SbatchError::Spawn(io_err()).to_string(), "cannot run sbatch: gone");
        assert_eq!(SbatchError::Refused { message: "Invalid account".into() }.to_string(), "Invalid account");
        let status = std::process::Command::new("sh").args(["-c", "exit 1"]).status().unwrap();
        assert_eq!(SbatchError::Exit { status }.to_string(), format!("sbatch exited with {status}"));
    }

    #[test]
    fn budget_args_errors_render() {
        let cases: Vec<(BudgetArgsError, &str)> = vec![
            (
                BudgetArgsError::HaveNotANumber { text: "1,x".into(), part: "x".into() },
                "--have 1,x: `x` is not a number (expected n,m, e.g. 1206,952)",
            ),
            (BudgetArgsError::HaveNotTwo { text: "1".into() }, "--have 1: expected two numbers n,m, e.g. 1206,952"),
            (BudgetArgsError::NoAsk, "give --goal or --spend"),
            (
                BudgetArgsError::NoSurface { dir: "runs/x".into() },
                "runs/x has no surface fit: add `fit surface` to the study's fits and run it again (the planner needs R(n, m))",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
        let load = crate::results::LoadError::Read { path: "r/results.json".into(), source: io_err() };
        assert_eq!(BudgetArgsError::from(load).to_string(), "r/results.json: gone");
        let fixed = crate::fit::SurfaceFixed::default().set("zeta", 1.0).unwrap_err();
        assert_eq!(BudgetArgsError::Fixed(fixed.clone()).to_string(), format!("results.json: {fixed}"));
        let plan = crate::exec::budget::BudgetError::Degenerate("flat".into());
        assert_eq!(BudgetArgsError::from(plan.clone()).to_string(), plan.to_string());
    }
}
