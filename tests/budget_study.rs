//! The `budget { … }` block of study files: checked into the study, each bad block a diagnostic
//! with a span (exit 2), and a run of a study with the block computing the decision into
//! results.json, the reports, stdout and budget.svg, the same answer as `sim2real budget` on the
//! finished run; an unreachable goal found after the run exits 2 on the goal.

use std::path::Path;

use sim2real::ir::BudgetAsk;

use crate::support::Test;
use crate::support::xml::assert_well_formed;

/// tests/cli/tiny_surface.study (3 × 3 grid, 3 trials: seconds to run) with `extra` appended.
fn tiny_with(extra: &str) -> String {
    let base = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny_surface.study"))
        .expect("tests/cli/tiny_surface.study");
    format!("{base}\n{extra}\n")
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect(needle)].matches('\n').count() + 1
}

#[test]
fn a_budget_block_is_checked_into_the_study() {
    let text =
        tiny_with("budget {\n  source_cost = 0.2\n  target_cost = 40\n  have = (m = 60, n = 300)\n  goal = 0.1\n}");
    let study = sim2real::check("s.study", &text).expect("checks");
    let b = study.budget.expect("a budget");
    assert_eq!((b.source_cost, b.target_cost), (0.2, 40.0));
    assert_eq!(b.have.map(|p| (p.n, p.m)), Some((300, 60)));
    assert_eq!(b.ask.value, BudgetAsk::Goal(0.1));
    assert_eq!(&text[b.ask.span.start..b.ask.span.end], "0.1", "the ask's span is its value");
    // `--emit study` prints it; without `have` the default is left to the run.
    let text = tiny_with("budget { source_cost = 1  target_cost = 3  spend = 0 }");
    let v = Test::new().study(&text).args(["check", "s.study", "--emit", "study"]).run().stdout_json();
    assert_eq!(v["budget"]["ask"]["value"]["spend"].as_f64(), Some(0.0), "{}", v["budget"]);
    assert!(v["budget"].get("have").is_none());
}

#[test]
fn bad_budget_blocks_are_diagnosed_at_their_span_with_exit_2() {
    // (block, the text its diagnostic's span starts at, code, message)
    let cases: [(&str, &str, &str, &str); 8] = [
        (
            "budget { source_cost = 0  target_cost = 40  goal = 0.1 }",
            "0  target_cost",
            "sim2real::out_of_range",
            "the cost of one source row must be greater than 0, found `0`",
        ),
        (
            "budget { source_cost = 1  target_cost = -4  goal = 0.1 }",
            "-4",
            "sim2real::out_of_range",
            "the cost of one target row must be greater than 0",
        ),
        (
            "budget { source_cost = 1  target_cost = 4  goal = 0.1  spend = 50 }",
            "50 }",
            "sim2real::conflict",
            "`budget` sets both `goal` and `spend`",
        ),
        (
            "budget { source_cost = 1  target_cost = 4 }",
            "budget {",
            "sim2real::missing",
            "`budget` needs `goal` or `spend`",
        ),
        ("budget { target_cost = 4  spend = 5 }", "budget {", "sim2real::missing", "`budget` needs `source_cost`"),
        (
            "budget { source_cost = 1  target_cost = 4  goal = 0  }",
            "0  }",
            "sim2real::out_of_range",
            "the goal (an MAE in the label's units) must be greater than 0",
        ),
        (
            "budget { source_cost = 1  target_cost = 4  spend = 5  have = 300 }",
            "300 }",
            "sim2real::type",
            "`have` must be a point `(n = N, m = M)`",
        ),
        (
            "budget { source_cost = 1  target_cost = 4  spend = 5  have = (n = 300) }",
            "have = (n = 300)",
            "sim2real::missing",
            "`have` needs `m`",
        ),
    ];
    for (block, at, code, message) in cases {
        let text = tiny_with(block);
        let errors = sim2real::check("s.study", &text).expect_err(block);
        let found: Vec<(&str, usize)> = errors.problems.iter().map(|p| (p.code, p.span.start)).collect();
        assert_eq!(found, [(code, text.find(at).expect(at))], "{block}: code and span");
        Test::new()
            .study(&text)
            .args(["check", "s.study", "--no-data"])
            .status(2)
            .stderr_contains(message)
            .stderr_contains(format!("s.study:{}:", line_of(&text, at)))
            .run();
    }
    // A study without `fit surface`: the budget has nothing to be planned on.
    let text = tiny_with("budget { source_cost = 1  target_cost = 4  goal = 0.1 }")
        .replace("fit surface at (n = 300, m = 60)", "fit power_law");
    let errors = sim2real::check("s.study", &text).expect_err("no fit surface");
    let found: Vec<(&str, usize)> = errors.problems.iter().map(|p| (p.code, p.span.start)).collect();
    assert_eq!(found, [("sim2real::missing", text.find("budget {").unwrap())]);
    Test::new()
        .study(&text)
        .args(["check", "s.study", "--no-data"])
        .status(2)
        .stderr_contains("`budget` needs `fit surface`")
        .stderr_contains(format!("s.study:{}:", line_of(&text, "budget {")))
        .run();
    // Unknown settings get the list; a second block is a duplicate.
    Test::new()
        .study(&tiny_with("budget { source_cost = 1  target_cost = 4  goal = 0.1  gaol = 3 }"))
        .args(["check", "s.study", "--no-data"])
        .status(2)
        .stderr_contains("unknown setting `gaol` in `budget`")
        .run();
    Test::new()
        .study(&tiny_with("budget { source_cost = 1  target_cost = 4  goal = 0.1 }\nbudget { source_cost = 1  target_cost = 4  goal = 0.2 }"))
        .args(["check", "s.study", "--no-data"])
        .status(2)
        .stderr_contains("`budget` is declared twice")
        .run();
}

#[test]
fn a_run_with_a_budget_block_reports_the_decision_and_draws_budget_svg() {
    let text = tiny_with("budget { source_cost = 0.2  target_cost = 40  spend = 500 }");
    let ran = Test::new()
        .study(&text)
        .args(["run", "s.study", "--out", "out", "--quiet"])
        .status_in(&[0, 1])
        .stdout_contains("\nBudget\n")
        .stdout_contains("lowest MAE for 500 spent")
        .creates("out/budget.svg")
        .run();
    let results = ran.json("out/results.json");
    let b = &results["budget"];
    let num = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or_else(|| panic!("`{k}` in {v}"));
    assert!((num(b, "cost") - 500.0).abs() < 1e-6, "the whole spend is used: {b}");
    assert!(num(b, "n") >= 600.0 && num(b, "m") >= 90.0, "at least have (the largest measured n, m): {b}");
    assert!(b["path"].as_array().is_some_and(|p| p.len() > 2), "an expansion path");
    assert!(b["cloud"].as_array().is_some_and(|c| c.len() >= 10), "a bootstrap cloud");
    // The CLI on the finished run answers the same question the same way.
    let cli = Test::new()
        .args(["budget", ran.path("out").to_str().unwrap()])
        .args(["--source-cost", "0.2", "--target-cost", "40", "--spend", "500", "--json"])
        .run()
        .stdout_json();
    for k in ["n", "m", "cost", "mae", "p_source_first"] {
        assert_eq!(cli[k], b[k], "{k}: sim2real budget vs the study's block");
    }
    assert_eq!(cli["ci90"], b["ci90"]);
    // budget.svg: well-formed, with every layer and one optimum marker.
    let svg = ran.read("out/budget.svg");
    assert_well_formed(&svg);
    assert_eq!(svg.matches("class=\"budget-optimum-marker\"").count(), 1, "one optimum marker");
    assert_eq!(svg.matches("class=\"have-marker\"").count(), 1);
    for class in ["expansion-path", "bootstrap-cloud", "iso-cost", "indifference", "grid-points"] {
        assert!(svg.contains(&format!("class=\"{class}\"")), "budget.svg lacks {class}");
    }
    // The reports and the summary carry the section; report.md links the figure.
    for (file, needle) in [
        ("out/summary.md", "## Budget"),
        ("out/report.md", "## Budget"),
        ("out/report.md", "](budget.svg)"),
        ("out/report.html", "<h2>Budget</h2>"),
        ("out/summary.md", "next measurements"),
    ] {
        assert!(ran.read(file).contains(needle), "{file} lacks {needle:?}");
    }
}

#[test]
fn an_unreachable_goal_found_after_the_run_exits_2_on_the_goal() {
    // ε held at 0.05: a goal of 0.03 lies below the surface's floor.
    let text = tiny_with("budget { source_cost = 0.2  target_cost = 40  goal = 0.03 }")
        .replace("fit surface at (n = 300, m = 60)", "fit surface at (n = 300, m = 60) { eps = 0.05 }");
    let line = line_of(&text, "0.03 }");
    let ran = Test::new()
        .study(&text)
        .args(["run", "s.study", "--out", "out", "--quiet"])
        .status(2)
        .stderr_contains("is unreachable on the fitted surface")
        .stderr_contains(format!("s.study:{line}:"))
        .stdout_contains("cannot be planned")
        .creates("out/report.md")
        .run();
    let results = ran.json("out/results.json");
    assert_eq!(results["budget"]["failure"].as_str(), Some("unreachable"), "{}", results["budget"]);
    assert!(!ran.path("out/budget.svg").exists(), "no figure without a plan");
}
