//! The data-budget planner's answer in words: the text `sim2real budget` prints, and the *Budget*
//! section of the stdout summary, report.md/html, summary.md and the notebook display (the answer
//! is computed by `exec::budget` and held in results.json's `budget`).

use std::fmt::Write as _;

use super::markdown::escape as md_escape;
use super::svg::escape as html_escape;
use crate::number::{amount as fmt, row_count as count};
use crate::results::Results;
use crate::results::budget::{Budget, BudgetOutcome};

fn pair(v: [f64; 2], f: fn(f64) -> String) -> String {
    format!("[{}, {}]", f(v[0]), f(v[1]))
}

/// What was asked, in words.
fn asked(b: &Budget) -> String {
    let ask = match (b.goal, b.spend) {
        (Some(g), _) => format!("reach MAE ≤ {} as cheaply as possible", fmt(g)),
        (_, Some(x)) => format!("lowest MAE for {} spent", fmt(x)),
        _ => String::new(),
    };
    format!("{ask} (source row {}, target row {})", fmt(b.source_cost), fmt(b.target_cost))
}

/// The optimum in words.
fn optimum(b: &Budget) -> String {
    format!(
        "n = {}, m = {}: MAE {}, cost {} beyond have ({} in all): {}",
        count(b.n),
        count(b.m),
        fmt(b.mae),
        fmt(b.cost),
        fmt(b.total_cost),
        b.decision_words
    )
}

/// The 90 % intervals in words.
fn intervals(b: &Budget) -> String {
    format!(
        "n {}, m {}, cost {}, MAE at the optimum {} ({} replicates)",
        pair(b.ci90.n, count),
        pair(b.ci90.m, count),
        pair(b.ci90.cost, fmt),
        pair(b.ci90.mae, fmt),
        b.replicates
    )
}

/// The grid points to measure next, in words.
fn next(b: &Budget) -> String {
    if b.next.points.is_empty() {
        return format!("none: {}", b.next.note);
    }
    let points: Vec<String> = b
        .next
        .points
        .iter()
        .map(|p| format!("(n = {}, m = {}; R {} ± {:.0} %)", p.n, p.m, fmt(p.mae), p.rel_sd * 100.0))
        .collect();
    format!("{}; {}: {}", points.join(", "), b.next.note, b.next.grid)
}

/// The answer as text (`sim2real budget`; indented lines under a heading line).
pub fn budget_text(b: &Budget) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "budget: {}", asked(b));
    let _ = writeln!(s, "  surface  {}", b.surface);
    let _ = writeln!(s, "  have     n = {}, m = {}: MAE {}", count(b.have.n), count(b.have.m), fmt(b.have.mae));
    let _ = writeln!(s, "  optimum  {}", optimum(b));
    let _ = writeln!(s, "  90 % CI  {}", intervals(b));
    let _ = writeln!(s, "  at have  {}", b.marginal.words);
    let _ = writeln!(s, "  next     {}", next(b));
    for v in &b.verdict {
        let _ = writeln!(s, "  -> {v}");
    }
    s
}

/// The *Budget* section of the stdout summary (empty without a `budget` block).
pub fn summary_section(results: &Results) -> String {
    match &results.budget {
        None => String::new(),
        Some(BudgetOutcome::Planned(b)) => {
            format!("\nBudget\n  {}", budget_text(b).replace('\n', "\n  ").trim_end()) + "\n"
        }
        Some(BudgetOutcome::Failed(f)) => format!("\nBudget\n  cannot be planned: {}\n", f.error),
    }
}

/// The rows of the answer as (what, value) pairs, for report.md/html and summary.md.
fn rows(b: &Budget) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("asked", asked(b)),
        ("fitted surface", b.surface.clone()),
        ("have", format!("n = {}, m = {}: MAE {}", count(b.have.n), count(b.have.m), fmt(b.have.mae))),
        ("optimum", optimum(b)),
        ("90 % intervals", intervals(b)),
        ("at have", b.marginal.words.clone()),
        ("P(simulations first)", format!("{:.0} % of the bootstrap replicates", b.p_source_first * 100.0)),
        ("next measurements", next(b)),
    ];
    for v in &b.verdict {
        rows.push(("verdict", v.clone()));
    }
    rows
}

/// The *Budget* section of report.md and summary.md (`##` heading; empty without a block).
pub fn markdown_section(results: &Results) -> String {
    let mut out = String::new();
    match &results.budget {
        None => {}
        Some(BudgetOutcome::Planned(b)) => {
            out.push_str("\n## Budget\n\n");
            out.push_str("What to buy next on the fitted surface (`budget { … }`; 90 % intervals over its bootstrap replicates).\n\n");
            out.push_str("| | |\n|---|---|\n");
            for (what, value) in rows(b) {
                let _ = writeln!(out, "| {what} | {} |", md_escape(&value));
            }
        }
        Some(BudgetOutcome::Failed(f)) => {
            let _ = writeln!(out, "\n## Budget\n\nCannot be planned: {}", md_escape(&f.error));
        }
    }
    out
}

/// The *Budget* section of report.html and the notebook display.
pub fn html_section(results: &Results, heading: &str) -> String {
    let mut out = String::new();
    match &results.budget {
        None => {}
        Some(BudgetOutcome::Planned(b)) => {
            let _ = writeln!(out, "<{heading}>Budget</{heading}>");
            out.push_str("<p>What to buy next on the fitted surface (<code>budget { … }</code>; 90 % intervals over its bootstrap replicates).</p>\n<table class=\"budget\">\n");
            for (what, value) in rows(b) {
                let _ = writeln!(out, "<tr><th>{what}</th><td>{}</td></tr>", html_escape(&value));
            }
            out.push_str("</table>\n");
        }
        Some(BudgetOutcome::Failed(f)) => {
            let _ = writeln!(
                out,
                "<{heading}>Budget</{heading}>\n<p class=\"warn\">Cannot be planned: {}</p>",
                html_escape(&f.error)
            );
        }
    }
    out
}
