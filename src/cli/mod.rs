//! The `sim2real` command line: `check`, `plan`, `run`, `report`, `fit`, `budget`, `bench`, `submit`, `status`.
//!
//! Exit codes: 0 success; 1 an `expect` failed; 2 study or data errors or an unreadable study file (diagnostics on
//! stderr); 3 a failure while running.

mod cluster;
mod commands;
pub mod fit_table;
mod render;
pub mod slurm;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The study that runs when no file is given: the built-in synthetic Sim2Real quickstart.
pub const QUICKSTART: &str = include_str!("../../studies/quickstart.study");
pub const QUICKSTART_NAME: &str = "studies/quickstart.study (embedded)";

pub const EXIT_OK: i32 = 0;
pub const EXIT_EXPECT: i32 = 1;
pub const EXIT_STUDY: i32 = 2;
pub const EXIT_FAILED: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "sim2real",
    version,
    about = "How much is simulated data worth for predicting real experiments?",
    long_about = "Runs .study files: pretrain on n source (simulated) rows, fine-tune on m target (experimental) rows, \
repeat random splits, compare against direct learning and fit R(n) = D·n^-α + C.\n\n\
Exit codes: 0 success, 1 an `expect` failed, 2 study or data errors (or an unreadable study file), 3 a failure while running."
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
    },
    /// Run a study: train, fit, report. Resumes into an existing output directory.
    Run {
        /// Study file; none = the embedded quickstart.
        file: Option<PathBuf>,
        /// Output directory (default runs/<study name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// CPU threads for the tensor kernels (results depend only on the seed, not on this; a run may resume with another count).
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
        /// Where plain-MLP members train: cuda, wgpu (the lock-step trainer on that GPU, in builds with
        /// that feature), cpu (the host engine) or cpu-lockstep (the lock-step trainer on burn's CPU
        /// backend, for tests). Default: $SIM2REAL_DEVICE, else the best in this build.
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
    /// Re-render report.md, report.html, summary.md and the figures from a finished run directory.
    /// In a sharded directory (`run --shard`), first merge whatever the shards finished.
    Report {
        /// A run directory holding results.json and trials.csv.
        dir: PathBuf,
        /// Only re-render summary.md (from results.json alone) and print it.
        #[arg(long)]
        summary: bool,
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
