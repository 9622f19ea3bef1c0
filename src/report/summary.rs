//! The content shared by every report: the points table (transfer and direct side by side per
//! (n, m)), the fits table and the fixed-width text summary printed after a run.

use std::fmt::Write as _;

use super::format::{self, MAE_DIGITS, PARAM_DIGITS};
use super::table::{Align, Table};
use crate::results::{Arm, FitRecord, Paired, Point, Results, TrialRow};
use crate::stats::RELIABLE_MIN_TRIALS;

/// Shown in place of a missing value.
pub const MISSING: &str = "—";

/// The banner for quick runs.
pub const QUICK_BANNER: &str = "QUICK RUN — smoke test only";

/// Marks a CI from fewer than [`RELIABLE_MIN_TRIALS`] trials.
pub const UNRELIABLE_MARK: &str = "†";

/// The footnote explaining [`UNRELIABLE_MARK`] and `—` CIs.
pub fn unreliable_footnote() -> String {
    format!(
        "{UNRELIABLE_MARK} CI from fewer than {RELIABLE_MIN_TRIALS} trials: unreliable (means: Student-t interval, whose coverage relies on near-normal errors; fits: bootstrap, too narrow). — no CI (fewer than 2 trials)."
    )
}

/// One row of the points table: a transfer point and the direct point it is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointRow<'a> {
    /// Source size; `None` for a direct point with no transfer point at its m.
    pub n: Option<usize>,
    pub m: usize,
    pub transfer: Option<&'a Point>,
    pub direct: Option<&'a Point>,
}

/// The rows of the points table, sorted by m then n. Each transfer point is paired with the direct
/// point at the same m (the one at the same n if the direct arm has one, else the one at n = 0);
/// direct points at an m without transfer points get rows of their own.
pub fn point_rows(results: &Results) -> Vec<PointRow<'_>> {
    let direct: Vec<&Point> = results.points.iter().filter(|p| p.arm == Arm::Direct).collect();
    let direct_for = |n: usize, m: usize| -> Option<&Point> {
        let same_m = || direct.iter().copied().filter(move |p| p.m == m);
        same_m().find(|p| p.n == n).or_else(|| same_m().find(|p| p.n == 0)).or_else(|| same_m().next())
    };
    let mut rows: Vec<PointRow> = results
        .points
        .iter()
        .filter(|p| p.arm.uses_source())
        .map(|p| PointRow { n: Some(p.n), m: p.m, transfer: Some(p), direct: direct_for(p.n, p.m) })
        .collect();
    let transfer_ms: Vec<usize> = rows.iter().map(|r| r.m).collect();
    for p in &direct {
        if !transfer_ms.contains(&p.m) {
            rows.push(PointRow { n: None, m: p.m, transfer: None, direct: Some(p) });
        }
    }
    rows.sort_by_key(|r| (r.m, r.n));
    rows
}

/// The points table: n, m, then trials, mean MAE and 90 % CI per arm (an arm without any point
/// has no columns).
pub fn points_table(results: &Results) -> Table {
    let rows = point_rows(results);
    let has_transfer = rows.iter().any(|r| r.transfer.is_some());
    let has_direct = rows.iter().any(|r| r.direct.is_some());
    let mut columns = vec![("n", Align::Right), ("m", Align::Right)];
    let multitask = rows.iter().any(|r| r.transfer.is_some_and(|p| p.arm == Arm::Multitask));
    if has_transfer && multitask {
        columns.extend([
            ("multitask trials", Align::Right),
            ("multitask MAE", Align::Right),
            ("multitask 90 % CI", Align::Left),
        ]);
    } else if has_transfer {
        columns.extend([
            ("transfer trials", Align::Right),
            ("transfer MAE", Align::Right),
            ("transfer 90 % CI", Align::Left),
        ]);
    }
    if has_direct {
        columns.extend([
            ("direct trials", Align::Right),
            ("direct MAE", Align::Right),
            ("direct 90 % CI", Align::Left),
        ]);
    }
    let mut table = Table::new(&columns);
    for row in rows {
        let mut cells = vec![row.n.map_or(MISSING.to_string(), |n| n.to_string()), row.m.to_string()];
        if has_transfer {
            cells.extend(point_cells(row.transfer));
        }
        if has_direct {
            cells.extend(point_cells(row.direct));
        }
        table.push(cells);
    }
    table
}

fn point_cells(point: Option<&Point>) -> [String; 3] {
    match point {
        Some(p) => [p.trials.to_string(), format::mae(p.mae_mean), mean_ci_cell(p.mae_ci90, p.ci_reliable)],
        None => [MISSING.to_string(), MISSING.to_string(), MISSING.to_string()],
    }
}

/// A mean's CI with [`UNRELIABLE_MARK`] when it is not reliable (`—` without a CI).
pub fn mean_ci_cell(ci: [f64; 2], reliable: bool) -> String {
    let text = format::ci(ci, MAE_DIGITS);
    if reliable || text == MISSING { text } else { format!("{text} {UNRELIABLE_MARK}") }
}

/// R², with `(exact)` for a fit without residual degrees of freedom.
pub fn r2_cell(fit: &FitRecord) -> String {
    if fit.exact() { format!("{} (exact, 0 dof)", format::param(fit.r2)) } else { format::param(fit.r2) }
}

/// The degeneracy and other caveats of a fit, for a note column.
pub fn fit_note(fit: &FitRecord) -> String {
    let mut parts = Vec::new();
    if let Some(why) = &fit.degenerate {
        parts.push(format!("degenerate: {why}"));
    }
    if let Some(note) = &fit.note {
        parts.push(note.clone());
    }
    parts.join("; ")
}

/// The paired-difference table: per grid point of the measured arm, the mean of (arm − direct)
/// over trials with its 90 % CI and the share of trials the arm wins. `None` without pairs.
pub fn paired_table(results: &Results) -> Option<Table> {
    if results.paired.is_empty() {
        return None;
    }
    let arm = results.paired[0].arm.as_str();
    let diff = format!("{arm} − direct");
    let wins = format!("{arm} wins");
    let mut t = Table::new(&[
        ("n", Align::Right),
        ("m", Align::Right),
        ("pairs", Align::Right),
        (diff.as_str(), Align::Right),
        ("90 % CI", Align::Left),
        (wins.as_str(), Align::Right),
    ]);
    let mut rows: Vec<&Paired> = results.paired.iter().collect();
    rows.sort_by_key(|p| (p.m, p.n));
    for p in rows {
        t.push(vec![
            p.n.to_string(),
            p.m.to_string(),
            p.pairs.to_string(),
            format::mae(p.diff_mean),
            mean_ci_cell(p.diff_ci90, p.ci_reliable),
            if p.wins.is_nan() { MISSING.to_string() } else { format!("{:.0} %", 100.0 * p.wins) },
        ]);
    }
    Some(t)
}

/// The sentence introducing the paired table.
pub const PAIRED_INTRO: &str = "Both arms of trial t are tested on the same rows, so they are compared trial by trial: the mean paired difference of test MAEs (negative: the arm beats direct learning), its 90 % CI over trials (Student t below 30 pairs, percentile bootstrap from 30) and the share of trials the arm wins.";

/// The fits table: law, arm, m, equation, R², each parameter with its 90 % CI, and a note for
/// degenerate fits.
pub fn fits_table(results: &Results) -> Table {
    let names = format::param_order(results.fits.iter().flat_map(|f| f.params.keys().chain(f.ci90.keys())));
    let headers: Vec<String> = names.iter().map(|n| format!("{n} [90 % CI]")).collect();
    let mut columns = vec![
        ("law", Align::Left),
        ("arm", Align::Left),
        ("m", Align::Right),
        ("equation", Align::Left),
        ("R²", Align::Right),
    ];
    columns.extend(headers.iter().map(|h| (h.as_str(), Align::Left)));
    columns.push(("note", Align::Left));
    let mut table = Table::new(&columns);
    for fit in &results.fits {
        let mut cells =
            vec![fit.law.clone(), fit.arm.as_str().to_string(), m_label(fit), format::equation(fit), r2_cell(fit)];
        cells.extend(names.iter().map(|n| param_with_ci(fit, n)));
        cells.push(fit_note(fit));
        table.push(cells);
    }
    table
}

/// The m a fit was taken at; the surface spans every m.
pub fn m_label(fit: &FitRecord) -> String {
    if fit.law == "surface" { "all".to_string() } else { fit.m.to_string() }
}

/// "one target sample is worth k source samples" with its CI, method and caveats.
pub fn exchange_text(results: &Results) -> Option<String> {
    let x = results.exchange.as_ref()?;
    let how = match x.method.as_str() {
        "surface" => "from the fitted R(n, m)".to_string(),
        _ => "from 1-D fits along n and m (Eq. 1 does not describe this surface)".to_string(),
    };
    let rate = if x.samples_per_target.is_nan() {
        "the exchange rate is undefined (neither more source nor more target samples lower the error there)".to_string()
    } else {
        let why = if x.samples_per_target == f64::INFINITY {
            " (more source samples no longer lower the error there)"
        } else {
            ""
        };
        format!(
            "one target sample is worth {} source samples{why}, 90 % CI {}",
            x.rate_text(format::param),
            format::ci(x.ci90, PARAM_DIGITS)
        )
    };
    let mut text = format!(
        "at n = {}, m = {}: {rate} ({how}; ∂R/∂n = {}, ∂R/∂m = {})",
        x.n,
        x.m,
        format::param(x.dr_dn),
        format::param(x.dr_dm)
    );
    if let Some(note) = &x.note {
        text.push_str(&format!(". Note: {note}"));
    }
    if let Some(why) = &x.degenerate {
        text.push_str(&format!(". WARNING: the rate comes from a fit that cannot be trusted: {why}"));
    }
    Some(text)
}

/// `1.93 [1.50, 2.31]`, `0.480 (fixed)` for a fixed parameter, the value alone when there is no CI, `—` when the fit lacks the parameter.
pub fn param_with_ci(fit: &FitRecord, name: &str) -> String {
    let value = fit.params.get(name).map(|v| format::param(*v));
    let mark = if fit.ci_unreliable() { format!(" {UNRELIABLE_MARK}") } else { String::new() };
    let ci = fit.ci90.get(name).map(|c| format!("{}{mark}", format::ci(*c, PARAM_DIGITS)));
    match (value, ci) {
        (Some(v), Some(c)) => format!("{v} {c}"),
        (Some(v), None) if fit.fixed.iter().any(|f| f == name) => format!("{v} (fixed)"),
        (Some(v), None) => v,
        (None, Some(c)) => format!("{MISSING} {c}"),
        (None, None) => MISSING.to_string(),
    }
}

/// The stdout summary: header, points table, fits and expectations.
pub fn summary_text(results: &Results) -> String {
    let mut out = String::new();
    let quick = if results.quick { format!("   [{QUICK_BANNER}]") } else { String::new() };
    let _ = writeln!(out, "study {}{quick}", results.study);
    let _ = writeln!(
        out,
        "label {} · seed {} · source rows {} · target rows {}",
        results.label, results.seed, results.source_rows, results.target_rows
    );

    out.push_str("\nPoints (mean test MAE over trials, 90 % CI of the mean)\n");
    if results.points.is_empty() {
        out.push_str("  (none)\n");
    } else {
        out.push_str(&points_table(results).to_text("  "));
        let _ = writeln!(out, "  {}", unreliable_footnote());
    }
    if !results.ci_variance.is_empty() {
        let _ = writeln!(out, "  Uncertainty: {}", results.ci_variance);
    }
    if let Some(t) = paired_table(results) {
        out.push_str("\nPaired against direct (per trial, same test rows)\n");
        out.push_str(&t.to_text("  "));
    }

    out.push_str("\nFits\n");
    if results.fits.is_empty() {
        out.push_str("  (none)\n");
    }
    for fit in &results.fits {
        let _ = writeln!(
            out,
            "  {} · {} · m = {}   {}   R² = {}",
            fit.law,
            fit.arm.as_str(),
            m_label(fit),
            format::equation(fit),
            r2_cell(fit)
        );
        let names = format::param_order(fit.params.keys().chain(fit.ci90.keys()));
        if !names.is_empty() {
            let params: Vec<String> = names.iter().map(|n| format!("{n} = {}", param_with_ci(fit, n))).collect();
            let _ = writeln!(out, "      {}", params.join("   "));
        }
        if let Some(why) = &fit.degenerate {
            let _ = writeln!(out, "      WARNING: degenerate fit: {why}");
        }
        if let Some(note) = &fit.note {
            let _ = writeln!(out, "      Note: {note}");
        }
    }

    if let Some(text) = exchange_text(results) {
        out.push_str("\nExchange rate\n");
        let _ = writeln!(out, "  {text}");
    }
    out.push_str(&super::budget::summary_section(results));

    out.push_str(&super::breakdown::summary_sections(results));

    out.push_str("\nExpectations\n");
    if results.expects.is_empty() {
        out.push_str("  (none)\n");
    }
    for e in &results.expects {
        let verdict = if e.passed { "PASS" } else { "FAIL" };
        let detail = if e.detail.is_empty() { String::new() } else { format!("   ({})", e.detail) };
        let _ = writeln!(out, "  {verdict}  {}{detail}", e.text);
    }
    out
}

/// Length of the digest prefixes shown in reports.
const DIGEST_PREFIX: usize = 12;

/// The run metadata as a two-column table (field, value).
pub fn metadata_table(results: &Results, trials: &[TrialRow]) -> Table {
    let mut table = Table::new(&[("field", Align::Left), ("value", Align::Left)]);
    let mode = if results.quick { QUICK_BANNER.to_string() } else { "full run".to_string() };
    let rows = [
        ("study", results.study.clone()),
        ("study sha256", format::digest_prefix(&results.study_sha256, DIGEST_PREFIX)),
        ("data sha256", format::digest_prefix(&results.data_sha256, DIGEST_PREFIX)),
        ("mode", mode),
        ("seed", results.seed.to_string()),
        ("source rows", results.source_rows.to_string()),
        ("target rows", results.target_rows.to_string()),
        ("label", results.label.clone()),
        ("trials", trial_summary(trials)),
    ];
    for (field, value) in rows {
        table.push(vec![field.to_string(), value]);
    }
    table
}

/// The "Training settings" table: one row per phase (pretrain, finetune, direct, multitask);
/// `None` for results written before the settings were recorded.
pub fn training_table(results: &Results) -> Option<Table> {
    use crate::ir::TrainingSettings;
    if results.training.is_empty() {
        return None;
    }
    let numeric = |h: &str| !matches!(h, "arm" | "phase" | "from");
    let columns: Vec<(&str, Align)> =
        TrainingSettings::HEADER.iter().map(|&h| (h, if numeric(h) { Align::Right } else { Align::Left })).collect();
    let mut table = Table::new(&columns);
    for t in &results.training {
        table.push(t.cells().to_vec());
    }
    Some(table)
}

/// `120 (transfer 100, direct 20); 3 without a finite MAE`.
fn trial_summary(trials: &[TrialRow]) -> String {
    if trials.is_empty() {
        return "no trial rows".to_string();
    }
    let count = |arm: Arm| trials.iter().filter(|t| t.arm == arm).count();
    let failed = trials.iter().filter(|t| !t.mae.is_finite()).count();
    let mut s = if count(Arm::Multitask) > 0 {
        format!("{} (multitask {}, direct {})", trials.len(), count(Arm::Multitask), count(Arm::Direct))
    } else {
        format!("{} (transfer {}, direct {})", trials.len(), count(Arm::Transfer), count(Arm::Direct))
    };
    if failed > 0 {
        let _ = write!(s, "; {failed} without a finite MAE");
    }
    s
}
