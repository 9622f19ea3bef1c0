//! One function per subcommand.

use std::path::{Path, PathBuf};

use crate::bench::{self, BenchConfig};
use crate::exec::store::Stored;
use crate::exec::{self, Failure, RunError, RunOptions};
use crate::results::Results;

use super::error::{BudgetArgsError, CliError};

use super::{
    Command, EXIT_EXPECT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_STUDY, Emit, Format, QUICKSTART,
    QUICKSTART_NAME, render,
};

pub fn dispatch(cmd: Command) -> i32 {
    match cmd {
        Command::Check { files, no_data, emit, format: Format::Human } => check(&files, no_data, emit),
        Command::Check { files, no_data, format: Format::Json, .. } => check_json(&files, no_data),
        Command::Fmt { files, check } => super::fmt::run(&files, check),
        Command::Plan { file, json, quick, out } => plan(file.as_deref(), json, quick, out.as_deref()),
        Command::Run { file, out, threads, quick, fresh, quiet, device, shard } => {
            let threads = threads.unwrap_or_else(super::cluster::default_threads);
            let opts = RunOptions { out, threads, quick, fresh, progress: !quiet, device, ..RunOptions::default() };
            super::interrupt::install(opts.interrupt.clone());
            match shard {
                Some(shard) => super::cluster::run_shard(file.as_deref(), &opts, shard),
                None => run(file.as_deref(), &opts),
            }
        }
        Command::Submit { .. } | Command::Status { .. } => super::cluster::dispatch(cmd),
        Command::Report { dir, summary: false, study: None } if crate::exec::shards::is_sharded(&dir) => {
            super::cluster::report(&dir)
        }
        Command::Table { file, name, out } => table(&file, &name, out.as_deref()),
        Command::Report { dir, summary: false, study } => report(&dir, study.as_deref()),
        Command::Report { dir, summary: true, .. } => report_summary(&dir),
        Command::Fit { table, n, m, error, trial, law, fix, out, json, seed } => {
            super::fit_table::run(&super::fit_table::FitOptions {
                table,
                n,
                m,
                error,
                trial,
                law,
                fix,
                out,
                json,
                seed,
            })
        }
        Command::Budget { dir, source_cost, target_cost, goal, spend, have, json } => {
            budget(&dir, source_cost, target_cost, goal, spend, have.as_deref(), json)
        }
        Command::Bench { featurize: Some(n), matminer, rdkit, json, .. } => {
            bench_featurize(n, matminer.as_deref(), rdkit.as_deref(), json)
        }
        Command::Bench { n, m, trials, epochs, patience, threads, dim, json, torch, device, .. } => {
            let cfg = BenchConfig { n, m, trials, epochs, patience, threads, dim, device, ..BenchConfig::default() };
            bench(&cfg, json, torch.as_deref())
        }
        #[cfg(feature = "kernel")]
        Command::Kernel { action, connection_file } => crate::kernel::main(action, connection_file.as_deref()),
        #[cfg(not(feature = "kernel"))]
        Command::Kernel { args } => kernel_missing(&args),
        #[cfg(feature = "lsp")]
        Command::Lsp => crate::lsp::serve(),
    }
}

/// `sim2real kernel ...` in a build without the `kernel` feature: how to get it (exit 2).
#[cfg(not(feature = "kernel"))]
fn kernel_missing(args: &[String]) -> i32 {
    eprintln!("{}", kernel_missing_message(args));
    super::EXIT_STUDY
}

/// What `sim2real kernel ARGS` says in a build without the `kernel` feature. Compiled in every
/// build so that its unit test runs where CI builds (with the kernel).
#[cfg_attr(feature = "kernel", allow(dead_code))]
fn kernel_missing_message(args: &[String]) -> String {
    let what = if args.is_empty() { "kernel".to_string() } else { format!("kernel {}", args.join(" ")) };
    format!(
        "error: `sim2real {what}` needs the Jupyter kernel, which this build leaves out (it is not a default \
         feature: it compiles evcxr and the rust-analyzer crates).\n\
         help: install it with `cargo install --path . --features kernel` (from a clone; or \
         `cargo install --git URL --features kernel`), or run `cargo run --features kernel -- {what}`"
    )
}

/// The study text and the path it is known by (the embedded quickstart when none is given).
pub(super) fn source(file: Option<&Path>) -> Result<(PathBuf, String), RunError> {
    match file {
        Some(p) => Ok((p.to_path_buf(), exec::read_study(p)?)),
        None => Ok((PathBuf::from(QUICKSTART_NAME), QUICKSTART.to_string())),
    }
}

/// Print a command's error (a study's diagnostics, else `error: MESSAGE`) and return its exit
/// code (`CliError::exit_code`).
pub(super) fn fail(e: impl Into<CliError>) -> i32 {
    let e = e.into();
    match &e {
        CliError::Run(RunError::Study(d)) => eprint!("{}", render::diagnostic(d.as_ref())),
        CliError::Run(RunError::Interrupted) => eprintln!("{e}"),
        _ => eprintln!("error: {e}"),
    }
    e.exit_code()
}

/// `check`: each file checked (with its data unless `no_data`), printing `ok` and the plan's
/// warnings, or with `--emit` the intermediate representation at the stage asked for.
fn check(files: &[PathBuf], no_data: bool, emit: Option<Emit>) -> i32 {
    if no_data && emit == Some(Emit::Plan) {
        eprintln!("error: --emit plan needs the data; drop --no-data");
        return EXIT_STUDY;
    }
    let mut code = EXIT_OK;
    for f in inputs(files) {
        match source(f).map_err(CliError::from).and_then(|(path, text)| checked(&path, &text, no_data, emit)) {
            Ok(out) => print!("{out}"),
            Err(e) => {
                // `check` reports every problem it meets as bad input (exit 2).
                fail(e);
                code = EXIT_STUDY;
            }
        }
    }
    code
}

/// The files `check` reads: the ones given, or the embedded quickstart.
fn inputs(files: &[PathBuf]) -> Vec<Option<&Path>> {
    if files.is_empty() { vec![None] } else { files.iter().map(|f| Some(f.as_path())).collect() }
}

/// `check --format json`: every problem and warning as one JSON object per line on stdout
/// (`diag::json`); the exit code as without it.
fn check_json(files: &[PathBuf], no_data: bool) -> i32 {
    use crate::diag::json;
    let mut code = EXIT_OK;
    for f in inputs(files) {
        let name = f.map_or_else(|| QUICKSTART_NAME.to_string(), |p| p.display().to_string());
        let outcome = source(f).and_then(|(path, text)| {
            if no_data {
                crate::check(&name, &text).map(|_| Vec::new()).map_err(|e| RunError::Study(Box::new(e)))
            } else {
                exec::load(&path, &text, false).map(|loaded| loaded.plan.warnings)
            }
        });
        let lines: Vec<serde_json::Value> = match outcome {
            Ok(warnings) => warnings.iter().map(|w| json::file_message(&name, "warning", w)).collect(),
            Err(RunError::Study(d)) => json::study_errors(&d),
            Err(e) => vec![json::file_message(&name, "error", &e.to_string())],
        };
        if lines.iter().any(|l| l["severity"] == "error") {
            code = EXIT_STUDY;
        }
        for line in lines {
            println!("{line}");
        }
    }
    code
}

/// What `check` prints for one study file.
fn checked(path: &Path, text: &str, no_data: bool, emit: Option<Emit>) -> Result<String, CliError> {
    let name = path.display().to_string();
    let study_errors = |e| RunError::Study(Box::new(e));
    Ok(match emit {
        Some(Emit::Ast) => format!("{:#?}\n", crate::parse(&name, text).map_err(study_errors)?),
        Some(Emit::Study) => json(&crate::check(&name, text).map_err(study_errors)?)? + "\n",
        Some(Emit::Plan) => json(&exec::load(path, text, false)?.plan)? + "\n",
        None => {
            let (study, warnings) = if no_data {
                (crate::check(&name, text).map_err(study_errors)?.name, Vec::new())
            } else {
                let loaded = exec::load(path, text, false)?;
                (loaded.study.name, loaded.plan.warnings)
            };
            let mut out = format!("ok: {name} (study `{study}`)\n");
            for w in warnings {
                out += &format!("  warning: {w}\n");
            }
            out
        }
    })
}

/// `table`: one declared table as CSV (stdout, or `out` with a line on stderr).
fn table(file: &Path, name: &str, out: Option<&Path>) -> i32 {
    let written = exec::read_study(file)
        .map_err(CliError::from)
        .and_then(|text| super::table::write_table(file, &text, name, out));
    let written = match written {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    for note in &written.notes {
        eprintln!("warning: {note}");
    }
    if let Some(p) = out {
        eprintln!("wrote {} rows of `{name}` to {}", written.rows, p.display());
    }
    EXIT_OK
}

/// `bench --featurize N`: the featurizers' timing (and matminer's, RDKit's, with --matminer, --rdkit).
fn bench_featurize(n: usize, matminer: Option<&Path>, rdkit: Option<&Path>, json_out: bool) -> i32 {
    match bench::featurize::run(n, matminer, rdkit) {
        Ok(b) if json_out => match json(&b) {
            Ok(s) => {
                println!("{s}");
                EXIT_OK
            }
            Err(e) => fail(e),
        },
        Ok(b) => {
            print!("{}", bench::featurize::render(&b));
            EXIT_OK
        }
        Err(m) => {
            eprintln!("error: {m}");
            EXIT_FAILED
        }
    }
}

fn json(value: &impl serde::Serialize) -> Result<String, CliError> {
    Ok(serde_json::to_string_pretty(value)?)
}

/// `plan`: the plan, and with a results store in the run directory (`--out`, else the default
/// `runs/<study name>/` that `run` would use) which jobs it reuses and which it trains.
fn plan(file: Option<&Path>, json: bool, quick: bool, out: Option<&Path>) -> i32 {
    let loaded = match source(file).and_then(|(p, t)| exec::load(&p, &t, quick)) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let dir = out.map_or_else(|| exec::run::default_out(&loaded.study), Path::to_path_buf);
    let stored = Stored::read(&dir).unwrap_or_else(|e| {
        eprintln!("warning: {e}");
        None
    });
    let plan = &loaded.plan;
    if json {
        /// The plan with what the run directory's store holds of it.
        #[derive(serde::Serialize)]
        struct WithStore<'a> {
            #[serde(flatten)]
            plan: &'a crate::ir::Plan,
            #[serde(skip_serializing_if = "Option::is_none")]
            store: Option<StoreView>,
        }
        #[derive(serde::Serialize)]
        struct StoreView {
            dir: String,
            reused: usize,
            new: usize,
            /// The ids of the jobs a run would train.
            new_jobs: Vec<String>,
        }
        let store = stored.as_ref().map(|s| {
            let new_jobs: Vec<String> = plan.jobs.iter().filter(|j| !s.holds(j)).map(|j| j.id.clone()).collect();
            StoreView {
                dir: dir.display().to_string(),
                reused: plan.jobs.len() - new_jobs.len(),
                new: new_jobs.len(),
                new_jobs,
            }
        });
        match serde_json::to_string_pretty(&WithStore { plan, store }) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        let held = |j: &crate::ir::Job| stored.as_ref().is_some_and(|s| s.holds(j));
        let dir = dir.display().to_string();
        print!(
            "{}",
            plan.render_with(stored.is_some().then_some((dir.as_str(), &held as &dyn Fn(&crate::ir::Job) -> bool)))
        );
    }
    EXIT_OK
}

/// What `run` (and `run --shard`) does before training: load and plan the study, start the
/// thread pool, say which device trains. Err: the exit code.
pub(super) fn prepare_run(file: Option<&Path>, opts: &RunOptions) -> Result<exec::Loaded, i32> {
    let loaded = source(file).and_then(|(p, t)| exec::load(&p, &t, opts.quick)).map_err(fail)?;
    if let Err(m) = crate::engine::init_threads(opts.threads) {
        eprintln!("warning: {m}");
    }
    match crate::engine::Engine::select(opts.device.as_deref()) {
        Ok(engine) if opts.progress => eprintln!("device: {}", describe_engine(&engine, opts.threads)),
        Ok(_) => {}
        Err(m) => {
            eprintln!("error: {m}");
            return Err(EXIT_STUDY);
        }
    }
    Ok(loaded)
}

pub fn run(file: Option<&Path>, opts: &RunOptions) -> i32 {
    let loaded = match prepare_run(file, opts) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let outcome = match exec::run(&loaded, opts) {
        Ok(o) => o,
        Err(RunError::Interrupted) => {
            // The run released its lock on the way out; count what its store holds now.
            let dir = opts.out.clone().unwrap_or_else(|| exec::run::default_out(&loaded.study));
            let saved =
                Stored::read(&dir).ok().flatten().map_or(0, |s| loaded.plan.jobs.iter().filter(|j| s.holds(j)).count());
            eprintln!("interrupted: {saved} of {} jobs saved; rerun to resume", loaded.plan.jobs.len());
            return EXIT_INTERRUPTED;
        }
        Err(e) => return fail(e),
    };
    if let Err(source) = crate::report::write_reports(&outcome.results, &outcome.trials, &outcome.dir) {
        return fail(Failure::WriteResults { dir: outcome.dir.clone(), source });
    }
    print!("{}", crate::report::summary_table(&outcome.results));
    println!(
        "\n{} jobs ({} trained now) in {:.1} s; results in {}/",
        loaded.plan.jobs.len(),
        outcome.trained,
        outcome.wall_s,
        outcome.dir.display()
    );
    let code = expect_code(&outcome.results).max(budget_code(&loaded, &outcome.results));
    let lost = outcome.results.lost_points();
    if lost.is_empty() {
        return code;
    }
    for p in &lost {
        eprintln!(
            "error: grid point {} n={} m={} lost all its trials ({} failed; any others diverged); see the warnings in report.md",
            p.arm.as_str(),
            p.n,
            p.m,
            p.failed
        );
    }
    EXIT_FAILED
}

/// A study's `budget` that could not be planned: its diagnostic (on the goal or the block) and
/// exit 2; in a `--quick` run a warning only (its surface is a smoke test's).
pub(super) fn budget_code(loaded: &exec::Loaded, r: &Results) -> i32 {
    let (Some(spec), Some(crate::results::budget::BudgetOutcome::Failed(failed))) = (&loaded.study.budget, &r.budget)
    else {
        return EXIT_OK;
    };
    if r.quick {
        eprintln!("warning: the budget cannot be planned on this quick run's surface: {}", failed.error);
        return EXIT_OK;
    }
    let name = loaded.path.display().to_string();
    let errors = crate::diag::StudyErrors::new(&name, &loaded.text, vec![exec::budget::problem(spec, failed)]);
    eprint!("{}", render::diagnostic(&errors));
    EXIT_STUDY
}

pub(super) fn expect_code(r: &Results) -> i32 {
    let failed: Vec<_> = r.expects.iter().filter(|e| !e.passed).collect();
    for e in &failed {
        eprintln!("expectation failed: expect {} ({})", e.text, e.detail);
    }
    if failed.is_empty() { EXIT_OK } else { EXIT_EXPECT }
}

/// `report DIR --summary`: summary.md from results.json, written into DIR and printed.
fn report_summary(dir: &Path) -> i32 {
    match crate::Run::load_results(dir) {
        Ok(results) => {
            let md = crate::report::summary_markdown(&results);
            match std::fs::write(dir.join(crate::report::SUMMARY_MD), &md) {
                Ok(()) => {
                    print!("{md}");
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: writing {}: {e}", crate::report::SUMMARY_MD);
                    EXIT_FAILED
                }
            }
        }
        Err(m) => {
            eprintln!("error: {m}");
            EXIT_STUDY
        }
    }
}

/// `report DIR [--study FILE]`: a finished run's reports from its results.json; an unfinished
/// run, or an edited study, from the store (see `exec::revisit`), never training.
fn report(dir: &Path, study: Option<&Path>) -> i32 {
    if study.is_none() && results_are_current(dir) {
        return match crate::Run::load(dir) {
            Ok(run) => match crate::report::write_reports(&run.results, &run.trials, dir) {
                Ok(()) => {
                    print!("{}", run.summary());
                    println!("\nreports written to {}/", dir.display());
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: writing reports: {e}");
                    EXIT_FAILED
                }
            },
            Err(m) => {
                eprintln!("error: {m}");
                EXIT_STUDY
            }
        };
    }
    let seen = match exec::revisit::revisit(dir, study) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let total = seen.loaded.plan.jobs.len();
    let rerun = format!("sim2real run {} --out {}", seen.loaded.path.display(), dir.display());
    let train = seen.needs_training();
    if train > 0 {
        eprintln!(
            "error: {train} of the {total} jobs of this study are not in {}'s store, and `report` does not train:",
            dir.display()
        );
        eprint!("{}", seen.describe_missing());
        eprintln!("`{rerun}` trains them and reuses the other {}", total - seen.missing.len());
        return EXIT_STUDY;
    }
    let written = crate::results::outputs::write_data(dir, &seen.results, &seen.trials)
        .and_then(|()| crate::report::write_reports(&seen.results, &seen.trials, dir));
    if let Err(e) = written {
        eprintln!("error: writing reports to {}: {e}", dir.display());
        return EXIT_FAILED;
    }
    print!("{}", crate::report::summary_table(&seen.results));
    if !seen.missing.is_empty() {
        eprintln!(
            "{} {} of {total} jobs are not finished; the reports show the other {}:",
            exec::revisit::PARTIAL,
            seen.missing.len(),
            total - seen.missing.len()
        );
        eprint!("{}", seen.describe_missing());
        eprintln!("`{rerun}` finishes them");
    }
    println!("\nreports written to {}/", dir.display());
    EXIT_OK
}

/// Whether `dir`'s results.json is complete and made from the study its store last ran (or the
/// directory has no store of this format, as `sim2real fit --out` writes): then `report` renders it
/// as it is, without the data.
fn results_are_current(dir: &Path) -> bool {
    let Ok(results) = crate::Run::load_results(dir) else { return false };
    if results.warnings.iter().any(|w| w.starts_with(exec::revisit::PARTIAL)) {
        return false;
    }
    match Stored::read(dir) {
        Ok(Some(s)) => s.last_run.as_ref().is_none_or(|r| {
            crate::plan::seeds::sha256_hex(r.text.as_bytes()) == results.study_sha256 && r.quick == results.quick
        }),
        Ok(None) | Err(_) => true,
    }
}

/// `budget DIR ...`: the planner on the run's surface, recomputed from its trials (exit 2 on bad
/// input, a run without `fit surface`, a degenerate surface or an unreachable goal).
fn budget(
    dir: &Path,
    source: f64,
    target: f64,
    goal: Option<f64>,
    spend: Option<f64>,
    have: Option<&str>,
    json: bool,
) -> i32 {
    use crate::fit::budget::{Ask, Costs};
    let planned = || -> Result<exec::budget::Budget, BudgetArgsError> {
        let have = have.map(parse_have).transpose()?;
        let ask = match (goal, spend) {
            (Some(g), _) => Ask::Goal(g),
            (None, Some(x)) => Ask::Spend(x),
            (None, None) => return Err(BudgetArgsError::NoAsk),
        };
        let run = crate::Run::load(dir)?;
        if !run.results.fits.iter().any(|f| f.law == "surface") {
            return Err(BudgetArgsError::NoSurface { dir: dir.to_path_buf() });
        }
        let req = exec::budget::Request { costs: Costs { source, target }, have, ask };
        // The surface as the run fitted it: with the study's fixed parameters (`fit surface { eps = 0 }`).
        let mut fixed = crate::fit::SurfaceFixed::default();
        if let Some(rec) = run.results.fits.iter().find(|f| f.law == "surface") {
            for name in &rec.fixed {
                if let Some(&v) = rec.params.get(name) {
                    fixed.set(name, v).map_err(BudgetArgsError::Fixed)?;
                }
            }
        }
        Ok(exec::budget::plan(&run.trials, run.results.seed, &fixed, &req)?)
    };
    match planned() {
        Ok(b) if json => match serde_json::to_string_pretty(&b) {
            Ok(s) => {
                println!("{s}");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_FAILED
            }
        },
        Ok(b) => {
            print!("{}", crate::report::budget_text(&b));
            EXIT_OK
        }
        Err(m) => {
            eprintln!("error: {m}");
            EXIT_STUDY
        }
    }
}

/// `--have n,m`.
fn parse_have(text: &str) -> Result<crate::fit::budget::Have, BudgetArgsError> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let num = |s: &str| {
        s.parse::<f64>().map_err(|_| BudgetArgsError::HaveNotANumber { text: text.to_string(), part: s.to_string() })
    };
    match parts.as_slice() {
        [n, m] => Ok(crate::fit::budget::Have { n: num(n)?, m: num(m)? }),
        _ => Err(BudgetArgsError::HaveNotTwo { text: text.to_string() }),
    }
}

/// The line printed at the start of `run` and `bench`: which device trains and how.
fn describe_engine(engine: &crate::engine::Engine, threads: usize) -> String {
    match engine {
        crate::engine::Engine::Host => format!("cpu (host engine, {threads} threads)"),
        crate::engine::Engine::Lockstep { name, .. } => format!("{name} (lock-step ensemble trainer on burn)"),
    }
}

fn bench(cfg: &BenchConfig, json: bool, torch: Option<&Path>) -> i32 {
    if let Err(m) = cfg.validate() {
        eprintln!("error: {m}");
        return EXIT_STUDY;
    }
    // Find the reference before spending time on the engine.
    let script = match torch.map(|_| bench::reference::locate_script()).transpose() {
        Ok(s) => s,
        Err(m) => {
            eprintln!("error: {m}");
            return EXIT_STUDY;
        }
    };
    if let Err(m) = crate::engine::init_threads(cfg.threads) {
        eprintln!("warning: {m}");
    }
    let torch_device = match crate::engine::Engine::select(cfg.device.as_deref()) {
        Ok(engine) => {
            eprintln!("device: {}", describe_engine(&engine, cfg.threads));
            if engine.is_gpu() { "cuda" } else { "cpu" }
        }
        Err(m) => {
            eprintln!("error: {m}");
            return EXIT_STUDY;
        }
    };
    // With the reference, both train and test on the reference's own rows.
    let data = match torch {
        Some(python) => match bench::reference::data(python, cfg) {
            Ok(d) => Some(d),
            Err(m) => {
                eprintln!("error: {m}");
                return EXIT_FAILED;
            }
        },
        None => None,
    };
    let report = match &data {
        Some((source, target)) => bench::run_on(cfg, source, target, "reference"),
        None => bench::run(cfg),
    };
    let report = match report {
        Ok(r) => r,
        Err(m) => {
            eprintln!("error: {m}");
            return EXIT_FAILED;
        }
    };
    let reference = match (torch, script) {
        (Some(python), Some(script)) => match bench::reference::run(python, &script, cfg, torch_device) {
            Ok(v) => Some(v),
            Err(m) => {
                eprintln!("error: {m}");
                return EXIT_FAILED;
            }
        },
        _ => None,
    };
    let ratios = reference.as_ref().map(|v| bench::reference::ratios(&report, v));
    let cmp = bench::report::Comparison { engine: &report, reference: reference.as_ref(), ratios: ratios.as_ref() };
    if json {
        match bench::report::json(&cmp) {
            Ok(line) => println!("{line}"),
            Err(m) => {
                eprintln!("error: {m}");
                return EXIT_FAILED;
            }
        }
    } else {
        print!("{}", bench::report::text(&cmp));
    }
    EXIT_OK
}

#[cfg(test)]
mod tests {
    /// The integration test `cli::kernel_without_the_feature_says_how_to_enable_it` runs this
    /// through the binary in builds without the kernel; this one runs in every build.
    #[test]
    fn kernel_missing_names_the_command_and_the_feature() {
        let m = super::kernel_missing_message(&["install".to_string(), "--user".to_string()]);
        assert!(m.starts_with("error: `sim2real kernel install --user` needs the Jupyter kernel"), "{m}");
        assert!(m.contains("cargo install --path . --features kernel"), "{m}");
        assert!(m.contains("cargo run --features kernel -- kernel install --user"), "{m}");
    }
}
