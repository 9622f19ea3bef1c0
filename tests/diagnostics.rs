//! Malformed studies in `tests/malformed/` are rejected (never a panic) with every problem
//! reported; the rendered diagnostics are one snapshot per file (`insta::glob!`).

use std::fs;
use std::path::Path;

use sim2real::check::compile;
use sim2real::diag::render_plain;

fn malformed_files() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("tests/malformed exists")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e.eq_ignore_ascii_case("study")))
        .collect();
    names.sort();
    names
}

fn errors(name: &str) -> sim2real::diag::StudyErrors {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed").join(name);
    let bytes = fs::read(&path).expect("readable");
    let text = String::from_utf8_lossy(&bytes);
    match compile(name, &text) {
        Ok(study) => panic!("{name} should be rejected, but checked as {study:#?}"),
        Err(e) => e,
    }
}

#[test]
fn every_malformed_study_is_rejected_and_snapshotted() {
    let names = malformed_files();
    assert!(names.len() >= 30, "expected at least 30 malformed studies, found {}", names.len());
    // One snapshot per file: tests/snapshots/main__diagnostics__rejected@NAME.study.snap.
    insta::glob!("malformed/*.study", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let err = errors(name);
        assert!(!err.problems.is_empty(), "{name}: an error without problems");
        for p in &err.problems {
            assert!(p.code.starts_with("sim2real::"), "{name}: code {}", p.code);
            assert_ne!(p.code, "sim2real::internal", "{name}: internal error {}", p.message);
        }
        insta::assert_snapshot!("rejected", render_plain(&err));
    });
}

/// The problems' codes, in order.
fn codes(name: &str) -> Vec<String> {
    errors(name).problems.iter().map(|p| p.code.trim_start_matches("sim2real::").to_string()).collect()
}

#[test]
fn two_broken_statements_give_two_problems() {
    assert_eq!(codes("syntax_two_broken_statements.study"), ["syntax", "syntax"]);
}

#[test]
fn all_problems_are_reported_not_only_the_first() {
    assert_eq!(codes("range_counts.study"), ["out_of_range", "out_of_range", "out_of_range"]);
    assert_eq!(codes("missing_required.study"), ["missing", "missing", "missing"]);
}

#[test]
fn did_you_mean_for_unknown_names() {
    let cases = [
        ("unknown_statement.study", "`pretrain`"),
        ("unknown_setting.study", "`patience`"),
        ("unknown_activation.study", "`relu`"),
        ("unknown_transform.study", "`standardize`"),
        ("unknown_law_and_baseline.study", "`power_law`"),
        ("unknown_expect_subject.study", "`alpha`"),
        ("unknown_table.study", "`sim`"),
        ("unknown_loader.study", "`csv`"),
        ("synthetic_unknown_argument.study", "`rows`"),
        ("report_problems.study", "`samples`"),
        ("metric_and_label_clip.study", "`mae`"),
    ];
    for (name, suggestion) in cases {
        let err = errors(name);
        let helps: Vec<&str> = err.problems.iter().filter_map(|p| p.help.as_deref()).collect();
        assert!(
            helps.iter().any(|h| h.contains(&format!("did you mean {suggestion}?"))),
            "{name}: no suggestion of {suggestion} in {helps:?}"
        );
    }
}

#[test]
fn clip_is_an_input_step_only() {
    let err = errors("metric_and_label_clip.study");
    assert!(err.problems.iter().any(|p| p.message == "`clip` applies to inputs only"), "{:?}", err.problems);
}

#[test]
fn spans_stay_inside_the_text() {
    for name in malformed_files() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed").join(&name);
        let text = String::from_utf8_lossy(&fs::read(&path).expect("readable")).into_owned();
        for p in errors(&name).problems {
            let end = p.span.start + p.span.len();
            assert!(end <= text.len(), "{name}: span {:?} beyond the text ({} bytes)", p.span, text.len());
            assert!(
                text.is_char_boundary(p.span.start) && text.is_char_boundary(end),
                "{name}: span splits a character"
            );
        }
    }
}

#[test]
fn arbitrary_prefixes_never_panic() {
    // Every prefix of a valid study (cut mid-token, mid-block) gives Ok or Err, never a panic.
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/studies/gas.study")).expect("readable");
    for cut in (0..text.len()).filter(|i| text.is_char_boundary(*i)) {
        let _ = compile("prefix.study", &text[..cut]);
    }
}

#[test]
fn single_character_edits_never_panic() {
    // Delete, or replace by a troublesome character, every character of a full study.
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/studies/full.study")).expect("readable");
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        for replacement in [None, Some('"'), Some('('), Some('9'), Some('é')] {
            let mut edited: String = chars[..i].iter().collect();
            edited.extend(replacement);
            edited.extend(&chars[i + 1..]);
            let _ = compile("edit.study", &edited);
        }
    }
}

#[test]
fn pseudo_random_garbage_never_panics() {
    let alphabet: Vec<char> = "abcdefxyz_019 .-+*?eE\"\\#()[]{}=<>!|,:\n\t\u{0}é☃".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..200 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
        }
        let _ = compile("garbage.study", &s);
    }
}

/// Data-stage problems come in the same round as errors in other statements when they do not
/// depend on them: an unknown column in a `data` table's `where`, or in the target's `x`, is
/// reported together with a bad model setting and a bad grid value (on the old code, only the
/// checker's errors came back, and the data ones took a second round).
#[test]
fn data_problems_are_reported_with_independent_check_errors() {
    use crate::support::Test;
    let mut table = String::from("x1,x2,y,kind\n");
    for i in 0..30 {
        table.push_str(&format!("{},{},{},{}\n", i, i * 2, i * 3, if i % 2 == 0 { "sim" } else { "exp" }));
    }
    let study = |sim_filter: &str, target_x: &str| {
        format!(
            "study staged\ndata all = csv(\"t.csv\")\ndata sim = all | where {sim_filter}\ndata exp = all | where kind == \"exp\"\n\
             source sim {{ x = [x1, x2]  y = y }}\ntarget exp {{ x = {target_x}  y = y }}\n\
             model {{ hidden = [8]  activation = relux }}\ngrid {{ n = [5, 10, 15]  m = [1.0]  trials = 0 }}\n"
        )
    };
    let text =
        |s: String| Test::new().file("t.csv", &table).study(&s).args(["check", "s.study"]).status(2).run().text();
    // A `where` on a column the table does not have, with two checker errors.
    let out = text(study("knd == \"sim\"", "[x1, x2]"));
    for part in ["relux", "trials", "has no column `knd`", "3 errors"] {
        assert!(out.contains(part), "lacks {part:?}:\n{out}");
    }
    // The target's x names a column its table lacks (the tables themselves are fine).
    let out = text(study("kind == \"sim\"", "[x1, x3]"));
    for part in ["relux", "trials", "has no column `x3`", "3 errors"] {
        assert!(out.contains(part), "lacks {part:?}:\n{out}");
    }
    // A table that is itself wrong at check time (unknown table) hides nothing else, and its
    // data is not evaluated.
    let out = text(study("kind == \"sim\"", "[x1, x2]").replace("data exp = all", "data exp = alll"));
    assert!(out.contains("relux") && out.contains("`alll`") && !out.contains("has no column"), "{out}");
}
