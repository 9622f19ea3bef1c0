//! `sim2real submit --slurm`: a study as a Slurm job array, one task per shard (`run --shard
//! I/N`), and a merge job (`report DIR`) that runs after every task has ended.
//!
//! The scripts are written to DIR/slurm/ (`shards.sbatch`, `merge.sbatch`) and kept: they are
//! plain sbatch scripts, readable and rerunnable by hand. Arrays larger than the cluster's
//! `MaxArraySize` are submitted as several arrays, each with `SIM2REAL_SHARD_OFFSET` added to
//! its task ids. Every job id goes to DIR/slurm/jobs.log (for `status`); a rejected sbatch
//! cancels what this submission had already submitted and is an error with Slurm's message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::exec;
use crate::plan::shards::units;

use super::error::{CliError, SbatchError};

/// The folder of a run directory that holds the scripts, the job ids and the tasks' logs.
pub const SLURM_DIR: &str = "slurm";
const SHARDS_SCRIPT: &str = "shards.sbatch";
const MERGE_SCRIPT: &str = "merge.sbatch";
const SUBMITTED: &str = "submit.json";
const JOBS_LOG: &str = "jobs.log";
/// Slurm's default `MaxArraySize`; the dry run splits with it (a submission asks `scontrol`).
const DEFAULT_MAX_ARRAY: usize = 1001;

/// The options of `submit --slurm`.
#[derive(clap::Args, Debug)]
pub struct SubmitOptions {
    /// Submit to Slurm: a job array of --tasks tasks (sbatch), then a dependent merge job.
    #[arg(long, required = true)]
    pub slurm: bool,
    /// Array tasks = shards (default: one per unit of work of the plan, see docs/cluster.md).
    #[arg(long, value_name = "N")]
    pub tasks: Option<usize>,
    /// At most K tasks of the array run at once (`--array=…%K`).
    #[arg(long, value_name = "K")]
    pub throttle: Option<usize>,
    /// Slurm partition (#SBATCH --partition).
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Time limit per task (#SBATCH --time), e.g. 2:00:00.
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// CPUs per task (#SBATCH --cpus-per-task; each task trains with that many threads).
    #[arg(long, value_name = "C")]
    pub cpus_per_task: Option<usize>,
    /// Memory per task (#SBATCH --mem), e.g. 4G.
    #[arg(long, value_name = "M")]
    pub mem: Option<String>,
    /// Any other sbatch option, written as an #SBATCH line of both scripts (repeatable), e.g.
    /// --sbatch-arg=--account=mat.
    #[arg(long = "sbatch-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub sbatch_args: Vec<String>,
    /// Output directory (default runs/<study name>/); the scripts go to DIR/slurm/.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Shards of the --quick smoke run.
    #[arg(long)]
    pub quick: bool,
    /// Print the scripts and the sbatch commands; write and submit nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// What DIR/slurm/submit.json records of a submission: enough to resubmit shards.
#[derive(Serialize, Deserialize)]
struct Submitted {
    study: String,
    tasks: usize,
}

/// A word for a shell script: as is when it is plain, else single-quoted.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The array script: one task = one shard, `--requeue` so a preempted task runs again (and
/// resumes its shard), `--signal=B:TERM@60` so the task hears of its end a minute early.
pub fn shards_script(
    exe: &Path,
    study: Option<&Path>,
    study_name: &str,
    dir: &Path,
    tasks: usize,
    opts: &SubmitOptions,
) -> String {
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(s, "# sim2real: study `{study_name}` as {tasks} shards, one per task of this job array.");
    let _ = writeln!(s, "# Written by `sim2real submit --slurm`; rerun shards by hand with");
    let _ = writeln!(
        s,
        "#   sbatch --array=0-{} {}",
        tasks - 1,
        sh_quote(&dir.join(SLURM_DIR).join(SHARDS_SCRIPT).display().to_string())
    );
    let _ = writeln!(s, "# A requeued or resubmitted task resumes its shard where it stopped.");
    let _ = writeln!(s, "#SBATCH --job-name=sim2real-{study_name}");
    let _ = writeln!(s, "#SBATCH --output={}", dir.join(SLURM_DIR).join("shard-%A_%a.out").display());
    let _ = writeln!(s, "#SBATCH --open-mode=append");
    let _ = writeln!(s, "#SBATCH --requeue");
    let _ = writeln!(s, "#SBATCH --signal=B:TERM@60");
    if let Some(c) = opts.cpus_per_task {
        let _ = writeln!(s, "#SBATCH --cpus-per-task={c}");
    }
    if let Some(m) = &opts.mem {
        let _ = writeln!(s, "#SBATCH --mem={m}");
    }
    common_lines(&mut s, opts);
    s.push_str("set -eu\n");
    s.push_str("# Arrays larger than the cluster's MaxArraySize are submitted in parts, each with an offset.\n");
    s.push_str("shard=$(( ${SIM2REAL_SHARD_OFFSET:-0} + SLURM_ARRAY_TASK_ID ))\n");
    s.push_str("# --threads defaults to $SLURM_CPUS_PER_TASK. exec: Slurm's signals reach sim2real itself.\n");
    let mut cmd = vec![sh_quote(&exe.display().to_string()), "run".to_string()];
    if let Some(p) = study {
        cmd.push(sh_quote(&p.display().to_string()));
    }
    cmd.push("--shard".into());
    cmd.push(format!("\"$shard/{tasks}\""));
    cmd.push("--out".into());
    cmd.push(sh_quote(&dir.display().to_string()));
    if opts.quick {
        cmd.push("--quick".into());
    }
    let _ = writeln!(s, "exec {}", cmd.join(" "));
    s
}

/// The merge script: `report DIR` once the array's tasks have ended (whatever their outcome).
pub fn merge_script(exe: &Path, study_name: &str, dir: &Path, opts: &SubmitOptions) -> String {
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(
        s,
        "# sim2real: merge the shards of study `{study_name}` (runs after the array, whatever its outcome)."
    );
    let _ = writeln!(s, "# Fails (exit 3) while a shard has jobs missing; `sim2real status DIR` says which.");
    let _ = writeln!(s, "#SBATCH --job-name=sim2real-{study_name}-merge");
    let _ = writeln!(s, "#SBATCH --output={}", dir.join(SLURM_DIR).join("merge-%j.out").display());
    common_lines(&mut s, opts);
    s.push_str("set -eu\n");
    let _ =
        writeln!(s, "exec {} report {}", sh_quote(&exe.display().to_string()), sh_quote(&dir.display().to_string()));
    s
}

/// The #SBATCH lines both scripts share: partition, time limit and the extra arguments.
fn common_lines(s: &mut String, opts: &SubmitOptions) {
    if let Some(p) = &opts.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    if let Some(t) = &opts.time {
        let _ = writeln!(s, "#SBATCH --time={t}");
    }
    for a in &opts.sbatch_args {
        let _ = writeln!(s, "#SBATCH {a}");
    }
}

/// `0-3,5,7-9`: sorted indices as Slurm's array ranges.
pub fn ranges(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { indices[i].to_string() } else { format!("{}-{}", indices[i], indices[j]) });
        i = j + 1;
    }
    parts.join(",")
}

/// The arrays that cover `shards` (sorted) when an array index must stay below `max_array`:
/// (offset, `--array` value) for each, the task ids being shard − offset.
pub fn arrays(shards: &[usize], max_array: usize, throttle: Option<usize>) -> Vec<(usize, String)> {
    let max_array = max_array.max(1);
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for &s in shards {
        let offset = s / max_array * max_array;
        match out.last_mut() {
            Some((o, ids)) if *o == offset => ids.push(s - offset),
            _ => out.push((offset, vec![s - offset])),
        }
    }
    out.into_iter()
        .map(|(offset, ids)| {
            let spec = ranges(&ids) + &throttle.map(|k| format!("%{k}")).unwrap_or_default();
            (offset, spec)
        })
        .collect()
}

/// The sbatch arguments of one array.
fn array_args(offset: usize, spec: &str, script: &Path) -> Vec<String> {
    vec![
        "--parsable".into(),
        format!("--array={spec}"),
        format!("--export=ALL,SIM2REAL_SHARD_OFFSET={offset}"),
        script.display().to_string(),
    ]
}

fn merge_args(ids: &[String], script: &Path) -> Vec<String> {
    vec!["--parsable".into(), format!("--dependency=afterany:{}", ids.join(":")), script.display().to_string()]
}

/// The cluster's `MaxArraySize` (`scontrol show config`).
fn max_array_size() -> Result<usize, CliError> {
    let out = Command::new("scontrol").args(["show", "config"]).output().map_err(CliError::ScontrolMissing)?;
    if !out.status.success() {
        return Err(CliError::ScontrolFailed { stderr: String::from_utf8_lossy(&out.stderr).trim().to_string() });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let value = text
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "MaxArraySize").then(|| v.trim().to_string())
        })
        .ok_or(CliError::NoMaxArraySize)?;
    value.parse().map_err(|_| CliError::BadMaxArraySize { value })
}

/// Run sbatch; its job id (`--parsable` prints `id` or `id;cluster`), or Slurm's own message.
fn sbatch(args: &[String]) -> Result<String, SbatchError> {
    let out = Command::new("sbatch").args(args).output().map_err(SbatchError::Spawn)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id = stdout.trim().split(';').next().unwrap_or("").to_string();
    if !out.status.success() || id.is_empty() {
        let message = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(if message.is_empty() {
            SbatchError::Exit { status: out.status }
        } else {
            SbatchError::Refused { message }
        });
    }
    Ok(id)
}

/// Submit the arrays covering `shards` and the merge job; on any rejection cancel what was
/// submitted and fail with Slurm's message. Returns the array ids and the merge job's id.
fn submit_jobs(
    dir: &Path,
    shards: &[usize],
    max_array: usize,
    throttle: Option<usize>,
) -> Result<(Vec<String>, String), CliError> {
    let sdir = dir.join(SLURM_DIR);
    let mut ids: Vec<String> = Vec::new();
    // Cancel what this submission submitted; returns their ids.
    let undo = |ids: &[String]| {
        if !ids.is_empty() {
            let _ = Command::new("scancel").args(ids).status();
        }
        ids.to_vec()
    };
    let mut log = String::new();
    for (offset, spec) in arrays(shards, max_array, throttle) {
        match sbatch(&array_args(offset, &spec, &sdir.join(SHARDS_SCRIPT))) {
            Ok(id) => {
                let _ = writeln!(log, "array {id} --array={spec} offset {offset}");
                ids.push(id);
            }
            Err(source) => {
                return Err(CliError::ArrayRejected { spec, offset, source, cancelled: undo(&ids) });
            }
        }
    }
    let merge = match sbatch(&merge_args(&ids, &sdir.join(MERGE_SCRIPT))) {
        Ok(id) => id,
        Err(source) => return Err(CliError::MergeRejected { source, cancelled: undo(&ids) }),
    };
    let _ = writeln!(log, "merge {merge}");
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(sdir.join(JOBS_LOG))
        .and_then(|mut f| f.write_all(log.as_bytes()))
        .map_err(|source| CliError::SlurmIo { path: sdir.join(JOBS_LOG), source })?;
    Ok((ids, merge))
}

fn submitted_text(ids: &[String], merge: &str, shards: &[usize], tasks: usize, dir: &Path) -> String {
    format!(
        "submitted shards {} of {tasks} as array job{} {}; merge job {merge} runs `sim2real report {}` after them\nfollow it with: sim2real status {}\n",
        ranges(shards),
        if ids.len() == 1 { "" } else { "s" },
        ids.join(", "),
        dir.display(),
        dir.display()
    )
}

/// `submit STUDY --slurm`: write the scripts and submit every shard.
pub fn submit(file: Option<&Path>, opts: &SubmitOptions) -> Result<String, CliError> {
    let (path, text) = super::commands::source(file)?;
    let loaded = exec::load(&path, &text, opts.quick)?;
    let units = units(&loaded.plan).len().max(1);
    let mut note = String::new();
    let tasks = match opts.tasks {
        Some(0) => return Err(CliError::TasksZero),
        Some(t) if t > units => {
            let _ = writeln!(
                note,
                "note: the plan has {units} units of work (a pretraining with its fine-tunes, a direct or multitask group; docs/cluster.md), so {units} tasks, not {t}"
            );
            units
        }
        Some(t) => t,
        None => units,
    };
    let dir = absolute(&opts.out.clone().unwrap_or_else(|| exec::run::default_out(&loaded.study)));
    let exe = std::env::current_exe().map_err(CliError::NoExecutable)?;
    let study = file.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| absolute(p)));
    let shards_sh = shards_script(&exe, study.as_deref(), &loaded.study.name, &dir, tasks, opts);
    let merge_sh = merge_script(&exe, &loaded.study.name, &dir, opts);
    let all: Vec<usize> = (0..tasks).collect();
    let sdir = dir.join(SLURM_DIR);
    if opts.dry_run {
        let mut s = note;
        let _ = writeln!(s, "# {}", sdir.join(SHARDS_SCRIPT).display());
        s.push_str(&shards_sh);
        let _ = writeln!(s, "\n# {}", sdir.join(MERGE_SCRIPT).display());
        s.push_str(&merge_sh);
        let _ = writeln!(
            s,
            "\n# dry run: nothing written or submitted. A submission runs (arrays split at the cluster's MaxArraySize, here Slurm's default {DEFAULT_MAX_ARRAY}):"
        );
        for (offset, spec) in arrays(&all, DEFAULT_MAX_ARRAY, opts.throttle) {
            let args = array_args(offset, &spec, &sdir.join(SHARDS_SCRIPT));
            let _ = writeln!(s, "sbatch {}", args.iter().map(|a| sh_quote(a)).collect::<Vec<_>>().join(" "));
        }
        let merge = merge_args(&["<array job ids>".to_string()], &sdir.join(MERGE_SCRIPT));
        let _ = writeln!(s, "sbatch {}", merge.iter().map(|a| sh_quote(a)).collect::<Vec<_>>().join(" "));
        return Ok(s);
    }
    let max_array = max_array_size()?;
    let slurm_io = |source| CliError::SlurmIo { path: sdir.clone(), source };
    std::fs::create_dir_all(&sdir).map_err(slurm_io)?;
    write_script(&sdir.join(SHARDS_SCRIPT), &shards_sh)?;
    write_script(&sdir.join(MERGE_SCRIPT), &merge_sh)?;
    let rec = Submitted { study: loaded.study.name.clone(), tasks };
    let json = serde_json::to_string_pretty(&rec)?;
    std::fs::write(sdir.join(SUBMITTED), json).map_err(slurm_io)?;
    let (ids, merge) = submit_jobs(&dir, &all, max_array, opts.throttle)?;
    Ok(note
        + &format!("wrote {} and {}\n", sdir.join(SHARDS_SCRIPT).display(), sdir.join(MERGE_SCRIPT).display())
        + &submitted_text(&ids, &merge, &all, tasks, &dir))
}

fn write_script(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|source| CliError::SlurmIo { path: path.to_path_buf(), source })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
    }
    Ok(())
}

fn read_submitted(dir: &Path) -> Result<Submitted, CliError> {
    let path = dir.join(SLURM_DIR).join(SUBMITTED);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(source) => return Err(CliError::NotSubmitted { path, source }),
    };
    serde_json::from_str(&text).map_err(|source| CliError::SubmittedUnreadable { path, source })
}

/// Whether `dir` was submitted with `submit --slurm` (holds slurm/submit.json).
pub fn was_submitted(dir: &Path) -> bool {
    dir.join(SLURM_DIR).join(SUBMITTED).is_file()
}

/// The command that resubmits shards `open` of `dir` with its scripts.
pub fn resubmit_command(dir: &Path, open: &[usize]) -> String {
    let list: Vec<String> = open.iter().map(ToString::to_string).collect();
    format!("sim2real submit --slurm --out {} --only {}", sh_quote(&dir.display().to_string()), list.join(","))
}

/// `submit --slurm --out DIR --only LIST`: the given shards again, with DIR's scripts.
pub fn resubmit(dir: &Path, list: &str, throttle: Option<usize>, dry_run: bool) -> Result<String, CliError> {
    let rec = read_submitted(dir)?;
    let mut shards = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let i: usize = part.parse().ok().filter(|&i| i < rec.tasks).ok_or_else(|| CliError::NotAShard {
            list: list.to_string(),
            part: part.to_string(),
            tasks: rec.tasks,
        })?;
        shards.push(i);
    }
    if shards.is_empty() {
        return Err(CliError::NoShardGiven { list: list.to_string() });
    }
    shards.sort_unstable();
    shards.dedup();
    let dir = absolute(dir);
    if dry_run {
        let sdir = dir.join(SLURM_DIR);
        let mut s = String::from("# dry run: nothing submitted. A submission runs:\n");
        for (offset, spec) in arrays(&shards, DEFAULT_MAX_ARRAY, throttle) {
            let args = array_args(offset, &spec, &sdir.join(SHARDS_SCRIPT));
            let _ = writeln!(s, "sbatch {}", args.iter().map(|a| sh_quote(a)).collect::<Vec<_>>().join(" "));
        }
        return Ok(s);
    }
    let (ids, merge) = submit_jobs(&dir, &shards, max_array_size()?, throttle)?;
    Ok(submitted_text(&ids, &merge, &shards, rec.tasks, &dir))
}

/// The Slurm state of `dir`'s jobs: squeue's view of those still queued or running, sacct's of
/// all (where accounting is on), or why neither could be asked.
pub fn state(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join(SLURM_DIR).join(JOBS_LOG)).unwrap_or_default();
    let ids: Vec<&str> = log.lines().filter_map(|l| l.split_whitespace().nth(1)).collect();
    if ids.is_empty() {
        return "slurm: no job ids in slurm/jobs.log\n".into();
    }
    let mut s = format!("slurm jobs: {}\n", log.lines().collect::<Vec<_>>().join("; "));
    let list = ids.join(",");
    match Command::new("squeue").args(["-h", "-j", &list, "-o", "%i %T %R"]).output() {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            if text.trim().is_empty() {
                s.push_str("  squeue: none of them is queued or running\n");
            }
            for l in text.lines() {
                let _ = writeln!(s, "  squeue: {l}");
            }
        }
        Ok(o) => {
            let _ = writeln!(s, "  squeue: {}", String::from_utf8_lossy(&o.stderr).trim());
        }
        Err(e) => {
            let _ = writeln!(s, "  squeue: not available ({e})");
        }
    }
    match Command::new("sacct").args(["-n", "-P", "-X", "-j", &list, "-o", "JobID,State,ExitCode"]).output() {
        Ok(o) if o.status.success() => {
            for l in String::from_utf8_lossy(&o.stdout).lines() {
                let _ = writeln!(s, "  sacct: {}", l.replace('|', " "));
            }
        }
        Ok(o) => {
            let _ = writeln!(s, "  sacct: {}", String::from_utf8_lossy(&o.stderr).trim());
        }
        Err(e) => {
            let _ = writeln!(s, "  sacct: not available ({e})");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(ranges(&[0, 1, 2, 3, 5, 7, 8, 9]), "0-3,5,7-9");
        assert_eq!(ranges(&[4]), "4");
    }

    #[test]
    fn arrays_split_at_max_array_size_with_offsets() {
        let all: Vec<usize> = (0..2500).collect();
        assert_eq!(
            arrays(&all, 1001, Some(50)),
            vec![(0, "0-1000%50".to_string()), (1001, "0-1000%50".to_string()), (2002, "0-497%50".to_string())]
        );
        assert_eq!(arrays(&[1, 3, 1002], 1001, None), vec![(0, "1,3".to_string()), (1001, "1".to_string())]);
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(sh_quote("/a/b-c_1.x"), "/a/b-c_1.x");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }
}
