//! `sim2real fmt` (src/syntax/fmt/, docs/fmt.md): the layout of chosen cases (snapshots), the
//! properties over every study of the repository (idempotent, same syntax tree, same comments,
//! syntax errors refused), the committed studies already formatted, and the command line.

use std::path::{Path, PathBuf};

use sim2real::syntax::fmt::{format, verify};

use crate::support::docs::blocks_of;
use crate::support::{Test, repo, sim2real};

/// `format(text)`, panicking with the problems when it refuses.
fn fmt(text: &str) -> String {
    format(text).unwrap_or_else(|p| panic!("refused:\n{text}\n{p:#?}"))
}

/// [`verify`] on one text, panicking with what broke; returns whether the text parsed.
fn check_properties(what: &str, text: &str) -> bool {
    verify(text).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Every `.study` file under `dir`, recursively, sorted.
fn studies_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.expect("a directory entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "study") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every study-like text of the repository: the files under studies/ and tests/ (read as bytes:
/// some malformed ones are not UTF-8) and the ```study blocks of the docs and README.
fn every_study() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["studies", "tests"] {
        for p in studies_under(&repo().join(dir)) {
            let text = String::from_utf8_lossy(&std::fs::read(&p).expect("readable")).into_owned();
            out.push((p.strip_prefix(repo()).unwrap_or(&p).display().to_string(), text));
        }
    }
    let mut pages = vec!["README.md".to_string()];
    for entry in std::fs::read_dir(repo().join("docs")).expect("docs/") {
        let p = entry.expect("an entry").path();
        if p.extension().is_some_and(|e| e == "md") {
            pages.push(p.strip_prefix(repo()).expect("in the repo").display().to_string());
        }
    }
    pages.sort();
    for page in pages {
        for b in blocks_of(&page).into_iter().filter(|b| b.info.starts_with("study") || b.info.is_empty()) {
            out.push((format!("{page}:{}", b.line), b.text));
        }
    }
    out
}

#[test]
fn properties_hold_on_every_study_of_the_repository() {
    let all = every_study();
    let parsed = all.iter().filter(|(what, text)| check_properties(what, text)).count();
    // Today: 6 files under studies/, 112 under tests/ (about 20 with syntax errors, refused) and 21
    // blocks of the docs.
    assert!(all.len() > 120 && parsed > 80, "{} studies, {parsed} of them parse", all.len());
}

#[test]
fn committed_studies_are_formatted() {
    let unformatted: Vec<String> = studies_under(&repo().join("studies"))
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).expect("readable");
            fmt(&text) != text
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(unformatted.is_empty(), "run `sim2real fmt` on: {unformatted:?}");
}

/// Layout cases, one snapshot each (input, then output, between markers so that leading and
/// trailing empty lines show).
#[test]
fn layout_cases() {
    let cases: &[(&str, &str)] = &[
        (
            "spacing",
            "study   s\nseed 7\ndata a=synthetic( part:source , rows:80 , )\ntransform x=log|standardize\n\
             model{hidden=[ 8,4, ]activation=relu}\nexpect transfer<direct at   every n significantly\n\
             fit surface at(n=2000,m=100,)\nreport   by   \"polymer class\"\n",
        ),
        (
            "pipelines_one_operation_per_line",
            "data t = csv(\"t.csv\") | where a == 1 and not (b > 2 or c in [1,2,]) | join u on k = k, \"j k\" = jk\n\
             | select [x_*, y] except x_3 | drop z | derive w = -(a+b)*2/log(c) - -1\n",
        ),
        (
            "blocks_by_width_and_by_the_line_after_the_brace",
            "pretrain { lr = 1e-3  batch = 32 }\ngrid {\n  n = logspace(20, all, 5)  m = [30, 100]\n  trials = 50 }\n\
             finetune { lr = 1e-3  batch = 32  epochs = 300  patience = 20  weight_decay = 1e-5  freeze = 1 }\n\
             direct { }\nmultitask {\n}\n",
        ),
        (
            "aligned_statements",
            "data sim = synthetic(part: source)\ndata experiments = synthetic(part: target)\n\
             data joined = sim | join experiments on k = k\n\
             source sim { x = f_*  y = y }\ntarget experiments { x = f_*  y = y }\n\ntarget exp { y = y }\n",
        ),
        (
            "model_items",
            "model { input polymer = p_*\n input solvent = s_*\n input conditions = [t, inv_t]\n\
             encoder shared(polymer,solvent,) { hidden = [256, 128]  latent = 32  latent_activation = tanh  flag = true }\n\
             combine = abs_diff\n head { inputs = conditions  hidden = [32] }\n activation = relu }\n",
        ),
        (
            "comments_and_paragraphs",
            "\n\n# header\n\n\n# second paragraph\nstudy s   # trailing\n\n\n\nseed 7\ngrid { # after the brace\n\
             n = [1, # inside a list\n 2]\n\n\n  # own line in a block\n  m = [1.0]   \n  trials = 3 # last\n  # before the brace\n}\n\
             data t = csv(\"t.csv\") # after the primary\n  # between operations\n  | where a == 1 # after an operation\n\
             # at the end\n",
        ),
        ("only_comments", "# one\n\n\n# two\n"),
        ("empty", "\n\n"),
    ];
    for (name, input) in cases {
        let out = fmt(input);
        check_properties(name, input);
        let shown = format!("---- input ----\n{input}---- formatted ----\n{out}---- end ----");
        insta::assert_snapshot!(format!("layout_{name}"), shown);
    }
}

#[test]
fn a_syntax_error_is_refused_with_its_diagnostic() {
    let problems = format("seed 7\ngrid { n = [1, 2 }\n").expect_err("a syntax error");
    assert_eq!(problems[0].code, "sim2real::syntax");
    assert!(format("seed 7 seed 8\n").is_err(), "two statements on one line are refused too");
}

#[test]
fn fmt_check_prints_a_diff_and_exits_1() {
    let ran = Test::new()
        .study("study s\nseed   7\n")
        .file("ok.study", "study s\nseed 7\n")
        .args(["fmt", "--check", "s.study", "ok.study"])
        .status(1)
        .stdout_contains("-seed   7\n+seed 7\n")
        .run();
    assert_eq!(ran.read("s.study"), "study s\nseed   7\n", "--check rewrote the file");
    Test::new().study("study s\nseed 7\n").args(["fmt", "--check", "s.study"]).stdout("").run();
}

#[test]
fn fmt_rewrites_files_and_formats_stdin() {
    let ran = Test::new().study("study s\nseed   7 # lucky\n").args(["fmt", "s.study"]).stdout("").run();
    assert_eq!(ran.read("s.study"), "study s\nseed 7  # lucky\n");

    use std::io::Write;
    let mut child = sim2real()
        .arg("fmt")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    child.stdin.take().expect("stdin").write_all(b"grid{trials=3}\n").expect("writes");
    let out = child.wait_with_output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "grid { trials = 3 }\n");
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_as_it_is() {
    let broken = "study s\ngrid { n = [1, 2 }\n";
    let ran = Test::new()
        .study(broken)
        .args(["fmt", "s.study"])
        .status(2)
        .stderr_contains("sim2real::study")
        .stderr_contains("s.study: not formatted")
        .run();
    assert_eq!(ran.read("s.study"), broken);
}

#[test]
fn committed_studies_pass_fmt_check() {
    let files: Vec<String> = studies_under(&repo().join("studies")).iter().map(|p| p.display().to_string()).collect();
    assert!(files.len() >= 6, "{files:?}");
    Test::new().arg("fmt").arg("--check").args(files).stdout("").run();
}
