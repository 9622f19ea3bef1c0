//! `sim2real check --format json` (docs/errors.md): one JSON object per problem or warning, one
//! per line on stdout, with the code, severity, message, help, the start and end of the span (line,
//! column, byte offset) and the labels.

use serde_json::Value;

use crate::support::{Test, repo_arg};

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}):\n{stdout}")))
        .collect()
}

#[test]
fn every_problem_is_one_json_line() {
    let study = "study s\nseed 7\ndata a = synthetic(part: source)\ndata b = synthetic(part: target)\n\
                 source a { x = f_*  y = y }\ntarget b { x = f_*  y = y }\n\
                 grid { n = [10]  m = [1.0]  trials = 3 }\npretrain { lr = 1e-3  patiance = 5 }\n\
                 finetune { epoch = 10 }\n";
    let ran = Test::new().study(study).args(["check", "--no-data", "--format", "json", "s.study"]).status(2).run();
    assert_eq!(ran.stderr, "", "json mode writes nothing else");
    let problems = lines(&ran.stdout);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let first = &problems[0];
    assert_eq!(first["file"], "s.study");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "sim2real::unknown_setting");
    assert!(first["message"].as_str().unwrap().contains("patiance"), "{first}");
    assert!(first["help"].as_str().unwrap().starts_with("did you mean `patience`?"), "{first}");
    // `patiance` on line 8: its offsets, line and columns point at the word.
    let at = study.find("patiance").unwrap();
    assert_eq!(first["start"], serde_json::json!({"offset": at, "line": 8, "column": 23}));
    assert_eq!(first["end"], serde_json::json!({"offset": at + 8, "line": 8, "column": 31}));
    assert_eq!(first["labels"][0]["start"], first["start"]);
    assert_eq!(first["labels"][0]["message"], "unknown setting");
    assert_eq!(problems[1]["start"]["line"], 9);
}

#[test]
fn a_clean_study_prints_nothing_and_a_syntax_error_is_a_problem_too() {
    Test::new().args(["check", "--format", "json", &repo_arg("tests/cli/tiny.study")]).stdout("").run();
    let ran = Test::new()
        .study("seed 7\ngrid { n = [1, 2 }\n")
        .args(["check", "--format", "json", "s.study"])
        .status(2)
        .run();
    let problems = lines(&ran.stdout);
    assert_eq!(problems[0]["code"], "sim2real::syntax");
    assert_eq!(problems[0]["start"]["line"], 2);
    let missing = Test::new().args(["check", "--format", "json", "nope.study"]).status(2).run();
    let problems = lines(&missing.stdout);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[0]["code"], Value::Null);
    assert!(problems[0]["message"].as_str().unwrap().contains("nope.study"), "{}", problems[0]);
}

#[test]
fn json_and_emit_are_exclusive() {
    Test::new()
        .args(["check", "--format", "json", "--emit", "ast"])
        .status(2)
        .stderr_contains("cannot be used with")
        .run();
}
