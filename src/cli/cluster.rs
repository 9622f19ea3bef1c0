//! The commands of a run split over several processes (docs/cluster.md): `run --shard I/N`,
//! `report DIR` on a sharded directory, `status DIR`, and `submit --slurm` (in `slurm.rs`).

use std::path::Path;

use crate::exec::shards::{self, ShardStatus};
use crate::exec::{self, RunOptions};
use crate::plan::shards::Shard;

use super::commands::{budget_code, expect_code, fail, prepare_run};
use super::error::CliError;
use super::{Command, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, slurm};

/// `--threads` when not given: a Slurm task's CPUs (`$SLURM_CPUS_PER_TASK`, set with
/// `--cpus-per-task`), else 2.
pub fn default_threads() -> usize {
    std::env::var("SLURM_CPUS_PER_TASK").ok().and_then(|v| v.trim().parse().ok()).filter(|&n| n > 0).unwrap_or(2)
}

pub fn dispatch(cmd: Command) -> i32 {
    match cmd {
        Command::Submit { file, opts, only } => {
            let done = match only {
                Some(list) => {
                    slurm::resubmit(opts.out.as_deref().unwrap_or(Path::new(".")), &list, opts.throttle, opts.dry_run)
                }
                None => slurm::submit(file.as_deref(), &opts),
            };
            match done {
                Ok(text) => {
                    print!("{text}");
                    EXIT_OK
                }
                Err(e) => fail(e),
            }
        }
        Command::Status { dir } => status(&dir),
        _ => EXIT_FAILED,
    }
}

/// `run STUDY --shard I/N`: train the shard's share into the shared directory.
pub fn run_shard(file: Option<&Path>, opts: &RunOptions, shard: Shard) -> i32 {
    let loaded = match prepare_run(file, opts) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let o = match shards::run_shard(&loaded, opts, shard) {
        Ok(o) => o,
        Err(exec::RunError::Interrupted) => {
            // As `run`: the shard's segment keeps every finished job; rerunning the shard resumes.
            eprintln!("interrupted: shard {shard}'s finished jobs are saved; rerun it to resume");
            return EXIT_INTERRUPTED;
        }
        Err(e) => return fail(e),
    };
    println!(
        "shard {}: {} jobs ({} trained now) in {:.1} s; into {}/",
        o.shard,
        o.jobs,
        o.trained,
        o.wall_s,
        o.dir.display()
    );
    let total: usize = o.shards.iter().map(|s| s.total).sum();
    match shards::missing_note(&o.shards) {
        Some(note) => println!("study: {note}"),
        None => println!(
            "study: all {total} jobs are finished; `sim2real report {}` merges them into results.json and the reports",
            o.dir.display()
        ),
    }
    EXIT_OK
}

/// `report DIR` on a sharded directory: merge what is finished, write the results and reports,
/// say what is missing (exit 3 then, so a dependent merge job shows it failed).
pub fn report(dir: &Path) -> i32 {
    let o = match shards::report(dir) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    if let Err(source) = crate::report::write_reports(&o.results, &o.trials, dir) {
        return fail(CliError::WriteReports { dir: dir.to_path_buf(), source });
    }
    print!("{}", crate::report::summary_table(&o.results));
    let total: usize = o.shards.iter().map(|s| s.total).sum();
    let done: usize = o.shards.iter().map(|s| s.done).sum();
    println!("\nmerged {} shards ({done} of {total} jobs); reports written to {}/", o.shards.len(), dir.display());
    match shards::missing_note(&o.shards) {
        Some(note) => {
            eprintln!("error: partial results: {note}");
            eprintln!("  {}", resubmit_hint(dir, &o.shards));
            EXIT_FAILED
        }
        None => expect_code(&o.results).max(budget_code(&o.loaded, &o.results)),
    }
}

/// The command that trains the unfinished shards again: `submit --only` where the directory was
/// submitted to Slurm, else one `run --shard` per shard.
fn resubmit_hint(dir: &Path, shards: &[ShardStatus]) -> String {
    let (open, _) = shards::unfinished(shards);
    if slurm::was_submitted(dir) {
        return format!("resubmit the unfinished shards: {}", slurm::resubmit_command(dir, &open));
    }
    let list: Vec<String> = open.iter().map(|i| format!("{i}/{}", shards.len())).collect();
    format!(
        "run the unfinished shards again: `sim2real run STUDY --out {} --shard I/N` for I/N in {}",
        dir.display(),
        list.join(", ")
    )
}

/// `status DIR`: done/total per shard, the Slurm state, and how to resubmit what is unfinished.
fn status(dir: &Path) -> i32 {
    let (manifest, loaded) = match shards::load(dir) {
        Ok(x) => x,
        Err(e) => {
            if slurm::was_submitted(dir) {
                // Submitted, but no shard has started yet (the manifest is written by the first).
                print!("{}", slurm::state(dir));
                println!("no shard has started yet");
                return EXIT_OK;
            }
            return fail(e);
        }
    };
    let merged = match shards::merge(dir) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let st = shards::status(&loaded, &merged, manifest.shards);
    println!(
        "study `{}`{}: {} shards in {}/",
        manifest.study,
        if manifest.quick { " (QUICK)" } else { "" },
        st.len(),
        dir.display()
    );
    println!("  shard  done/total");
    for s in &st {
        println!("  {:>5}  {}/{}{}", s.index, s.done, s.total, if s.done == s.total { "  done" } else { "" });
    }
    let done: usize = st.iter().map(|s| s.done).sum();
    let total: usize = st.iter().map(|s| s.total).sum();
    println!("  total  {done}/{total}");
    if slurm::was_submitted(dir) {
        print!("{}", slurm::state(dir));
    }
    if done < total {
        println!("{}", resubmit_hint(dir, &st));
    } else {
        println!("all jobs are finished: `sim2real report {}` writes the results", dir.display());
    }
    EXIT_OK
}
