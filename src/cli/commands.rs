//! One function per subcommand.

use std::path::{Path, PathBuf};

use crate::bench::{self, BenchConfig};
use crate::exec::{self, RunError, RunOptions};
use crate::results::Results;

use super::{Command, EXIT_EXPECT, EXIT_FAILED, EXIT_OK, EXIT_STUDY, Emit, QUICKSTART, QUICKSTART_NAME, render};

pub fn dispatch(cmd: Command) -> i32 {
    match cmd {
        Command::Check { files, no_data, emit } => check(&files, no_data, emit),
        Command::Plan { file, json, quick } => plan(file.as_deref(), json, quick),
        Command::Run { file, out, threads, quick, fresh, quiet, device, shard } => {
            let threads = threads.unwrap_or_else(super::cluster::default_threads);
            let opts = RunOptions { out, threads, quick, fresh, progress: !quiet, device, ..RunOptions::default() };
            match shard {
                Some(shard) => super::cluster::run_shard(file.as_deref(), &opts, shard),
                None => run(file.as_deref(), &opts),
            }
        }
        Command::Submit { .. } | Command::Status { .. } => super::cluster::dispatch(cmd),
        Command::Report { dir, summary: false } if crate::exec::shards::is_sharded(&dir) => {
            super::cluster::report(&dir)
        }
        Command::Report { dir, summary: false } => report(&dir),
        Command::Report { dir, summary: true } => report_summary(&dir),
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
        Command::Bench { n, m, trials, epochs, patience, threads, dim, json, torch, device } => {
            let cfg = BenchConfig { n, m, trials, epochs, patience, threads, dim, device, ..BenchConfig::default() };
            bench(&cfg, json, torch.as_deref())
        }
        #[cfg(feature = "kernel")]
        Command::Kernel { action, connection_file } => crate::kernel::main(action, connection_file.as_deref()),
    }
}

/// The study text and the path it is known by (the embedded quickstart when none is given).
pub(super) fn source(file: Option<&Path>) -> Result<(PathBuf, String), RunError> {
    match file {
        Some(p) => Ok((p.to_path_buf(), exec::read_study(p)?)),
        None => Ok((PathBuf::from(QUICKSTART_NAME), QUICKSTART.to_string())),
    }
}

pub(super) fn fail(e: &RunError) -> i32 {
    match e {
        RunError::Study(d) => {
            eprint!("{}", render::diagnostic(d.as_ref()));
            EXIT_STUDY
        }
        RunError::Input(m) => {
            eprintln!("error: {m}");
            EXIT_STUDY
        }
        RunError::Failed(m) => {
            eprintln!("error: {m}");
            EXIT_FAILED
        }
        RunError::Interrupted => {
            eprintln!("{e}");
            EXIT_FAILED
        }
    }
}

/// `check`: each file checked (with its data unless `no_data`), printing `ok` and the plan's
/// warnings, or with `--emit` the intermediate representation at the stage asked for.
fn check(files: &[PathBuf], no_data: bool, emit: Option<Emit>) -> i32 {
    if no_data && emit == Some(Emit::Plan) {
        eprintln!("error: --emit plan needs the data; drop --no-data");
        return EXIT_STUDY;
    }
    let files: Vec<Option<&Path>> =
        if files.is_empty() { vec![None] } else { files.iter().map(|f| Some(f.as_path())).collect() };
    let mut code = EXIT_OK;
    for f in files {
        match source(f).and_then(|(path, text)| checked(&path, &text, no_data, emit)) {
            Ok(out) => print!("{out}"),
            Err(e) => {
                // `check` reports every problem it meets as bad input (exit 2).
                fail(&e);
                code = EXIT_STUDY;
            }
        }
    }
    code
}

/// What `check` prints for one study file.
fn checked(path: &Path, text: &str, no_data: bool, emit: Option<Emit>) -> Result<String, RunError> {
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

fn json(value: &impl serde::Serialize) -> Result<String, RunError> {
    serde_json::to_string_pretty(value).map_err(|e| RunError::Failed(e.to_string()))
}

fn plan(file: Option<&Path>, json: bool, quick: bool) -> i32 {
    let loaded = match source(file).and_then(|(p, t)| exec::load(&p, &t, quick)) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if json {
        match serde_json::to_string_pretty(&loaded.plan) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        print!("{}", loaded.plan.render());
    }
    EXIT_OK
}

/// What `run` (and `run --shard`) does before training: load and plan the study, start the
/// thread pool, say which device trains. Err: the exit code.
pub(super) fn prepare_run(file: Option<&Path>, opts: &RunOptions) -> Result<exec::Loaded, i32> {
    let loaded = source(file).and_then(|(p, t)| exec::load(&p, &t, opts.quick)).map_err(|e| fail(&e))?;
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
        Err(e) => return fail(&e),
    };
    if let Err(e) = crate::report::write_reports(&outcome.results, &outcome.trials, &outcome.dir) {
        return fail(&RunError::Failed(format!("writing results to {}: {e}", outcome.dir.display())));
    }
    print!("{}", crate::report::summary_table(&outcome.results));
    println!(
        "\n{} jobs ({} trained now) in {:.1} s; results in {}/",
        loaded.plan.jobs.len(),
        outcome.trained,
        outcome.wall_s,
        outcome.dir.display()
    );
    let code = expect_code(&outcome.results);
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

fn report(dir: &Path) -> i32 {
    match crate::Run::load(dir) {
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
    let planned = || -> Result<exec::budget::Budget, String> {
        let have = have.map(parse_have).transpose()?;
        let ask = match (goal, spend) {
            (Some(g), _) => Ask::Goal(g),
            (None, Some(x)) => Ask::Spend(x),
            (None, None) => return Err("give --goal or --spend".into()),
        };
        let run = crate::Run::load(dir)?;
        if !run.results.fits.iter().any(|f| f.law == "surface") {
            return Err(format!(
                "{} has no surface fit: add `fit surface` to the study's fits and run it again (the planner needs R(n, m))",
                dir.display()
            ));
        }
        let req = exec::budget::Request { costs: Costs { source, target }, have, ask };
        // The surface as the run fitted it: with the study's fixed parameters (`fit surface { eps = 0 }`).
        let mut fixed = crate::fit::SurfaceFixed::default();
        if let Some(rec) = run.results.fits.iter().find(|f| f.law == "surface") {
            for name in &rec.fixed {
                if let Some(&v) = rec.params.get(name) {
                    fixed.set(name, v).map_err(|e| format!("results.json: {e}"))?;
                }
            }
        }
        exec::budget::plan(&run.trials, run.results.seed, &fixed, &req).map_err(|e| e.to_string())
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
            print!("{}", exec::budget::render(&b));
            EXIT_OK
        }
        Err(m) => {
            eprintln!("error: {m}");
            EXIT_STUDY
        }
    }
}

/// `--have n,m`.
fn parse_have(text: &str) -> Result<crate::fit::budget::Have, String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let num = |s: &str| {
        s.parse::<f64>().map_err(|_| format!("--have {text}: `{s}` is not a number (expected n,m, e.g. 1206,952)"))
    };
    match parts.as_slice() {
        [n, m] => Ok(crate::fit::budget::Have { n: num(n)?, m: num(m)? }),
        _ => Err(format!("--have {text}: expected two numbers n,m, e.g. 1206,952")),
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
