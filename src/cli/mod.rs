//! The `sim2real` command line: `check`, `fmt`, `plan`, `run`, `report`, `table`, `fit`, `budget`, `bench`, `lsp`,
//! `submit`, `status`.
//!
//! Exit codes: 0 success; 1 an `expect` failed; 2 study or data errors or an unreadable study file (diagnostics on
//! stderr), or `report --study` with an edit that needs training; 3 a failure while running; 130 `run` interrupted
//! (SIGINT or SIGTERM; finished jobs are saved and a rerun resumes).

mod cluster;
mod commands;
mod error;
pub mod fit_table;
mod fmt;
mod interrupt;
mod render;
pub mod slurm;
mod table;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The study that runs when no file is given: the built-in synthetic Sim2Real quickstart.
pub const QUICKSTART: &str = include_str!("../../studies/quickstart.study");
pub const QUICKSTART_NAME: &str = "studies/quickstart.study (embedded)";

pub const EXIT_OK: i32 = 0;
pub const EXIT_EXPECT: i32 = 1;
pub const EXIT_STUDY: i32 = 2;
pub const EXIT_FAILED: i32 = 3;
/// `run` stopped by SIGINT (Ctrl-C) or SIGTERM: finished jobs are in the store, a rerun resumes.
pub const EXIT_INTERRUPTED: i32 = 130;

#[derive(Parser, Debug)]
#[command(
    name = "sim2real",
    version,
    about = "How much is simulated data worth for predicting real experiments?",
    long_about = "Runs .study files: pretrain on n source (simulated) rows, fine-tune on m target (experimental) rows, \
repeat random splits, compare against direct learning and fit R(n) = D·n^-α + C.\n\n\
Exit codes: 0 success, 1 an `expect` failed, 2 study or data errors (or an unreadable study file), 3 a failure while running, \
130 interrupted (Ctrl-C or SIGTERM: finished jobs are saved; rerun to resume).\n\n\
Environment: SIM2REAL_DATA (the folder a relative csv()/parquet() path is looked up in when it is not next to the study; default ../shared/data), \
SIM2REAL_CACHE (the featurize cache's folder, or `off`; default $XDG_CACHE_HOME/sim2real/featurize \
or ~/.cache/sim2real/featurize), SIM2REAL_DEVICE (the default of --device)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The intermediate representations `sim2real check --emit` prints, one per stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// The syntax tree with spans (Rust debug notation).
    Ast,
    /// The checked study (`crate::ir::Study`) as JSON.
    Study,
    /// The plan IR (`crate::ir::Plan`) as JSON.
    Plan,
}

/// How `sim2real check` prints what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rendered diagnostics with the source lines (stderr), `ok: FILE` per clean file (stdout).
    Human,
    /// One JSON object per problem or warning, one per line (stdout), for CI annotators.
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check studies (syntax, names, ranges, and their data) without training. Exit 0 or 2.
    Check {
        /// Study files; none = the embedded quickstart.
        files: Vec<PathBuf>,
        /// Only parse and check the text; do not load the data.
        #[arg(long)]
        no_data: bool,
        /// Print an intermediate representation instead of `ok`: the syntax tree (`ast`), the
        /// checked study (`study`, JSON) or the plan (`plan`, JSON; needs the data).
        #[arg(long, value_enum)]
        emit: Option<Emit>,
        /// How problems are printed: `human` (rendered diagnostics on stderr) or `json` (on stdout,
        /// one JSON object per line for every problem and warning, nothing else; docs/errors.md).
        #[arg(long, value_enum, default_value_t = Format::Human, conflicts_with = "emit")]
        format: Format,
    },
    /// Format study files in the canonical layout (docs/fmt.md): in place, or stdin to stdout.
    ///
    /// A file with a syntax error is not rewritten: its diagnostic is printed and the exit code is 2.
    Fmt {
        /// Study files; none = read stdin, write the formatted study to stdout.
        files: Vec<PathBuf>,
        /// Write nothing: print a diff for every file not formatted and exit 1 if there is one.
        #[arg(long)]
        check: bool,
    },
    /// Print the training plan: jobs, seeds, row counts, FLOP estimate.
    Plan {
        /// Study file; none = the embedded quickstart.
        file: Option<PathBuf>,
        /// One JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Plan the --quick variant.
        #[arg(long)]
        quick: bool,
        /// The run directory whose store says which jobs are reused (default runs/<study name>/,
        /// as `run`); each job is marked `reused` or `new` when it holds a store.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a study: train, fit, report. Reuses every job of an existing output directory's store
    /// whose identity (what determines its result) is unchanged, also after an edit of the study.
    Run {
        /// Study file; none = the embedded quickstart.
        file: Option<PathBuf>,
        /// Output directory (default runs/<study name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// CPU threads for training. Results do not depend on it: any count gives the same bytes for the same
        /// seed, data and device, and a run may resume with another count.
        /// Default: $SLURM_CPUS_PER_TASK when set (a Slurm task's CPUs), else 2.
        #[arg(long)]
        threads: Option<usize>,
        /// Smoke run: at most 3 trials, 4 values of n and 2 of m. Every output says so.
        #[arg(long)]
        quick: bool,
        /// Discard what the output directory holds and start over.
        #[arg(long)]
        fresh: bool,
        /// Train only shard I of N (0 ≤ I < N) of the plan's jobs into the output directory, which
        /// the other shards' processes (any host, a shared filesystem) write too; `sim2real report
        /// DIR` merges them. See docs/cluster.md.
        #[arg(long, value_name = "I/N", conflicts_with = "fresh")]
        shard: Option<crate::plan::shards::Shard>,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
        /// Where members train (plain MLPs and pairwise models): cuda, wgpu (the lock-step trainers on
        /// that GPU, in builds with that feature), cpu (the host engines) or cpu-lockstep (the
        /// lock-step trainers on burn's CPU backend, for tests). Default: $SIM2REAL_DEVICE, else the
        /// best in this build.
        #[arg(long, value_name = "DEVICE")]
        device: Option<String>,
    },
    /// Jupyter kernel: `install` / `uninstall` the kernelspec, or serve (Jupyter passes --connection-file).
    #[cfg(feature = "kernel")]
    Kernel {
        #[command(subcommand)]
        action: Option<crate::kernel::KernelCommand>,
        /// The connection file Jupyter wrote for this kernel.
        #[arg(long, value_name = "FILE")]
        connection_file: Option<PathBuf>,
    },
    /// Submit a study to a cluster scheduler as one job per shard (`run --shard I/N`) and a
    /// merge job (`report DIR`) that runs after them. See docs/cluster.md.
    Submit {
        /// Study file; none = the embedded quickstart.
        file: Option<PathBuf>,
        #[command(flatten)]
        opts: slurm::SubmitOptions,
        /// Resubmit only these shards (e.g. 1,3) with the scripts already in DIR/slurm/, as
        /// `sim2real status DIR` prints it.
        #[arg(long, value_name = "LIST", requires = "out", conflicts_with_all = ["file", "tasks", "partition", "time", "cpus_per_task", "mem", "sbatch_args", "quick"])]
        only: Option<String>,
    },
    /// Progress of a sharded run directory: done/total jobs per shard, the Slurm jobs' states
    /// (squeue, sacct) and the command that resubmits the unfinished shards.
    Status {
        /// A run directory written by `run --shard` or `submit`.
        dir: PathBuf,
    },
    /// Write one table the study declares, after all its operations (featurizers included), as CSV.
    Table {
        /// Study file.
        file: PathBuf,
        /// The table's name (`data NAME = ...`).
        name: String,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE.csv")]
        out: Option<PathBuf>,
    },
    /// Jupyter kernel: not in this build (`cargo install --path . --features kernel` adds it).
    #[cfg(not(feature = "kernel"))]
    Kernel {
        /// Whatever follows `kernel` (`install`, `uninstall`, `--connection-file FILE`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
    /// Language server for editors: JSON-RPC over stdin/stdout (diagnostics, completion, hover,
    /// definitions, semantic tokens). Editors start it; see docs/editors.md.
    #[cfg(feature = "lsp")]
    Lsp,
    /// Re-render report.md, report.html, summary.md and the figures from a run directory without
    /// training: a finished run from its results.json, an unfinished one from its store (saying
    /// what is missing), or with --study an edited study's fits, expectations and breakdowns. In a
    /// sharded directory (`run --shard`), first merge whatever the shards finished.
    Report {
        /// A run directory (results.json and trials.csv, or the results store of a run).
        dir: PathBuf,
        /// Only re-render summary.md (from results.json alone) and print it.
        #[arg(long, conflicts_with = "study")]
        summary: bool,
        /// Render the run as this (edited) study says: allowed when every job it plans is in the
        /// store; otherwise lists the jobs the edit would train (exit 2) and trains nothing.
        #[arg(long, value_name = "FILE")]
        study: Option<PathBuf>,
    },
    /// Fit the scaling laws to a learning-curve table (CSV), with the same CIs as a run.
    ///
    /// Each row is one trial's error at one n (and m). Without --trial the rows of one (n, m) are
    /// independent trials; with one row per (n, m) (errors that are already means) there is nothing
    /// to resample and no CI is given. Exit 0, or 2 on bad input.
    Fit {
        /// The table (CSV with a header row).
        table: PathBuf,
        /// Column of the sample size n (whole numbers > 0).
        #[arg(long, value_name = "COL")]
        n: String,
        /// Column of the target sample size m (for the surface, or one power law per m).
        #[arg(long, value_name = "COL")]
        m: Option<String>,
        /// Column of the error (e.g. test MAE).
        #[arg(long, value_name = "COL")]
        error: String,
        /// Column naming the trial (repeat) each row belongs to.
        #[arg(long, value_name = "COL")]
        trial: Option<String>,
        /// The law (default: surface with --m, power_law without).
        #[arg(long, value_enum)]
        law: Option<fit_table::LawArg>,
        /// Hold a parameter fixed, e.g. --fix D=0.48 or --fix eps=0 (repeatable).
        #[arg(long, value_name = "NAME=VALUE")]
        fix: Vec<String>,
        /// Also write results.json, trials.csv and the reports there.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print results.json instead of the text summary.
        #[arg(long)]
        json: bool,
        /// Seed of the bootstrap resampling.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Plan what to buy next on a finished run's fitted surface (needs `fit surface`): the cheapest
    /// (n, m) reaching a goal MAE, or the lowest MAE for a spend, with bootstrap intervals.
    Budget {
        /// A run directory holding results.json and trials.csv.
        dir: PathBuf,
        /// Cost of one source row (simulation), > 0.
        #[arg(long, allow_negative_numbers = true)]
        source_cost: f64,
        /// Cost of one target row (experiment), > 0, in the same unit.
        #[arg(long, allow_negative_numbers = true)]
        target_cost: f64,
        /// Target MAE to reach as cheaply as possible.
        #[arg(long, allow_negative_numbers = true, conflicts_with = "spend", required_unless_present = "spend")]
        goal: Option<f64>,
        /// Budget to spend beyond `--have` for the lowest MAE.
        #[arg(long, allow_negative_numbers = true)]
        spend: Option<f64>,
        /// What is already paid for, as `n,m` (default: the largest measured n and m).
        #[arg(long, value_name = "N,M")]
        have: Option<String>,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Benchmark the training engine on the PyTorch reference's synthetic workload.
    Bench {
        /// Source rows for pretraining.
        #[arg(long, default_value_t = 2000)]
        n: usize,
        /// Target rows (20 % test, the rest fine-tunes).
        #[arg(long, default_value_t = 300)]
        m: usize,
        /// Fine-tuning trials (trained as one ensemble).
        #[arg(long, default_value_t = 20)]
        trials: usize,
        /// Maximum epochs (early stopping may end sooner).
        #[arg(long, default_value_t = 30)]
        epochs: usize,
        /// Early-stopping patience in epochs.
        #[arg(long, default_value_t = 5)]
        patience: usize,
        /// CPU threads for the tensor kernels.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Descriptor width.
        #[arg(long, default_value_t = 190)]
        dim: usize,
        /// Where plain-MLP members train: cuda, wgpu (the lock-step trainer on that GPU, in builds with
        /// that feature), cpu (the host engine) or cpu-lockstep (the lock-step trainer on burn's CPU
        /// backend, for tests). Default: $SIM2REAL_DEVICE, else the best in this build.
        #[arg(long, value_name = "DEVICE")]
        device: Option<String>,

        /// One JSON line instead of text.
        #[arg(long)]
        json: bool,
        /// Also run the PyTorch reference with this Python interpreter and print the ratios; the
        /// engine then trains on the reference's own rows (its numpy generator), so the MAEs compare.
        /// The reference runs with `--device cuda` when the engine trains on a GPU.
        #[arg(long, value_name = "PYTHON")]
        torch: Option<PathBuf>,
        /// Instead of training: time the composition featurizers (parse, magpie, fractions) on this
        /// many generated formulas, and the SMILES featurizers (parse with the Kekulé-ring check,
        /// descriptors, morgan) on as many generated polymer SMILES.
        #[arg(long, value_name = "N")]
        featurize: Option<usize>,
        /// With --featurize: also time matminer's Magpie features of the same formulas with this
        /// Python interpreter (needs matminer installed).
        #[arg(long, value_name = "PYTHON", requires = "featurize")]
        matminer: Option<PathBuf>,
        /// With --featurize: also time RDKit (parse, the same descriptors, the same Morgan bits) on
        /// the same SMILES with this Python interpreter (needs rdkit installed).
        #[arg(long, value_name = "PYTHON", requires = "featurize")]
        rdkit: Option<PathBuf>,
    },
}

pub fn main() -> i32 {
    // The kernel's Rust cells run in a child process of this same executable (evcxr's design).
    #[cfg(feature = "kernel")]
    evcxr::runtime_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_STUDY } else { EXIT_OK };
        }
    };
    commands::dispatch(cli.command)
}
