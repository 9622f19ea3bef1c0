//! Valid studies in `tests/studies/`, and the example of docs/language.md, check cleanly; the
//! checked study is snapshotted as JSON.

use std::fs;
use std::path::Path;

use sim2real::check;
use sim2real::ir::{self, Cond, ExpectKind, MGrid, NGrid, TableExpr, Upper};

use crate::support::docs::language_example;

/// The study `name`: a file of tests/studies/, or `quickstart.study`, the example at the top of
/// docs/language.md (read from the page itself, not a copy).
fn study(name: &str) -> ir::Study {
    let text = if name == "quickstart.study" {
        language_example()
    } else {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/studies").join(name);
        fs::read_to_string(&path).expect("study file readable")
    };
    match check::compile(name, &text) {
        Ok(s) => s,
        Err(e) => panic!("{name} should be valid:\n{}", sim2real::diag::render_plain(&e)),
    }
}

#[test]
fn every_sample_study_is_valid_and_snapshotted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/studies");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("tests/studies exists")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e.eq_ignore_ascii_case("study")))
        .chain(["quickstart.study".to_string()])
        .collect();
    names.sort();
    assert!(names.len() >= 4, "expected the sample studies, found {names:?}");
    for name in names {
        let json = serde_json::to_string_pretty(&study(&name)).expect("study serializes");
        insta::assert_snapshot!(format!("study_{}", name.trim_end_matches(".study")), json);
    }
}

#[test]
fn quickstart_matches_the_language_reference() {
    let s = study("quickstart.study");
    assert_eq!(s.name, "quickstart");
    assert_eq!(s.seed, 7);
    assert_eq!(s.tables.len(), 2);
    assert_eq!(s.grid.n.value, NGrid::Logspace { from: 100, to: Upper::All, points: 6 });
    assert_eq!(s.grid.m.value, MGrid::Fractions(vec![1.0]));
    assert_eq!(s.grid.trials, 20);
    assert_eq!(s.finetune.max_epochs, 200);
    assert_eq!(s.finetune.patience, 10);
    assert_eq!(s.expects.len(), 2);
    assert!(matches!(s.expects[1].kind, ExpectKind::Arms { .. }));
    assert_eq!(s.expects[1].text, "transfer < direct at every n");
}

#[test]
fn gas_study_folds_operations_left_to_right() {
    let s = study("gas.study");
    assert_eq!(s.name, "gas transport");
    // sim = gas | where | join | drop  →  Drop(Join(Where(Ref)))
    let TableExpr::Drop { input, cols } = &s.tables[2].expr else { panic!("drop outermost") };
    assert_eq!(cols.include[0].value, "smiles");
    let TableExpr::Join { input, on, .. } = input.as_ref() else { panic!("join next") };
    assert_eq!((on[0].0.value.as_str(), on[0].1.value.as_str()), ("polymer", "smiles"));
    let TableExpr::Where { input, cond } = input.as_ref() else { panic!("where next") };
    assert!(matches!(input.as_ref(), TableExpr::Ref(r) if r.value == "gas"));
    assert!(matches!(cond.value, Cond::And(..)));
    // exp's select has an `except` list with a glob.
    let TableExpr::Select { cols, .. } = &s.tables[3].expr else { panic!("select outermost") };
    assert_eq!(
        cols.include.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(),
        ["d_*", "log10 value", "value", "polymer"]
    );
    assert_eq!(cols.exclude.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["d_17", "d_?x"]);
    assert_eq!(s.grid.m.value, MGrid::Counts(vec![20, 40]));
    assert_eq!(s.target.group.iter().map(|g| g.value.as_str()).collect::<Vec<_>>(), vec!["polymer"]);
    assert!(s.source.group.is_empty());
}

#[test]
fn defaults_follow_the_language_reference() {
    let s = study("minimal.study");
    assert_eq!(s.name, "minimal");
    assert_eq!(s.seed, 0);
    assert_eq!(s.model, check::default_model());
    assert_eq!(s.pretrain, check::default_train());
    assert_eq!(s.finetune, check::default_train());
    assert_eq!(s.pretrain.lr, 1e-3);
    assert_eq!(s.pretrain.batch, 32);
    assert_eq!(s.pretrain.max_epochs, 100);
    assert_eq!(s.pretrain.patience, 5);
    assert_eq!(s.pretrain.validation, 0.2);
    assert_eq!(s.model.hidden, vec![64, 32]);
    assert_eq!(s.grid.trials, 10);
    assert_eq!(s.grid.test, 0.2);
    assert_eq!(s.grid.subset, ir::SubsetMode::Once);
    assert!(s.x_transforms.is_empty() && s.baselines.is_empty() && s.fits.is_empty() && s.expects.is_empty());
}

#[test]
fn spans_point_into_the_text() {
    let name = "gas.study";
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/studies").join(name)).expect("readable");
    let s = study(name);
    let span = s.source.y.span;
    assert_eq!(&text[span.start..span.end], "value");
    let span = s.grid.n.span;
    assert_eq!(&text[span.start..span.end], "[100, 300, 1000]");
}

#[test]
fn an_expectation_text_stops_at_its_last_token() {
    // Found in a committed study: the comment after the last `expect` (before the next statement)
    // ended up in the expectation's text, and so in every report.
    let text = "study t\ndata a = synthetic(part: source, rows: 50, features: 2, seed: 1)\n\
                data b = synthetic(part: target, rows: 40, features: 2, seed: 1)\n\
                source a { x = f_*  y = y }\ntarget b { x = f_*  y = y }\n\
                grid { n = [10, 20, 30]  m = [1.0]  trials = 2 }\nfit power_law\n\
                expect alpha   >  0   # falls with n\n\n# Per class:\nreport samples\n";
    let s = check::compile("t.study", text).unwrap_or_else(|e| panic!("{}", sim2real::diag::render_plain(&e)));
    assert_eq!(s.expects.len(), 1);
    assert_eq!(s.expects[0].text, "alpha > 0");
}

#[test]
fn significantly_asks_for_the_paired_test_and_only_after_an_arm_comparison() {
    let base = language_example();
    let ok = format!("{base}\nexpect transfer < direct at largest n significantly\n");
    let s = check::compile("q.study", &ok).unwrap_or_else(|e| panic!("{}", sim2real::diag::render_plain(&e)));
    let last = s.expects.last().expect("an expectation");
    assert!(matches!(last.kind, ExpectKind::Arms { significantly: true, .. }), "{:?}", last.kind);
    assert_eq!(last.text, "transfer < direct at largest n significantly");
    assert!(matches!(s.expects[1].kind, ExpectKind::Arms { significantly: false, .. }));
    for (line, want) in [
        ("expect alpha > 0 significantly", "`significantly` only applies to arm comparisons"),
        ("expect transfer == direct at largest n significantly", "`significantly` needs a direction"),
    ] {
        let bad = format!("{base}\n{line}\n");
        let e = check::compile("q.study", &bad).expect_err(line);
        let text = sim2real::diag::render_plain(&e);
        assert!(text.contains(want), "{line}: {text}");
    }
}
