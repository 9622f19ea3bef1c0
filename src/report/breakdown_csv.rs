//! groups.csv and samples.csv: the `report by` ranking and the per-sample fits, one row each,
//! numbers in full precision, blank where there is none (as in trials.csv).

use crate::results::outputs::csv_number as num;
use crate::results::{Groups, Samples};

fn csv_text(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut ok = w.write_record(&header).is_ok();
    for r in &rows {
        ok &= w.write_record(r).is_ok();
    }
    let bytes = if ok { w.into_inner().unwrap_or_default() } else { Vec::new() };
    String::from_utf8(bytes).unwrap_or_default()
}

/// One row per group and m with a fit, ranked by α within each m (rank 1 = fastest scaling).
pub fn groups_csv(g: &Groups) -> String {
    let header = [
        "column",
        "value",
        "m",
        "rank",
        "target_rows",
        "train_rows_mean",
        "small",
        "alpha",
        "alpha_ci90_lo",
        "alpha_ci90_hi",
        "D",
        "C",
        "r2",
        "degenerate",
        "n_smallest",
        "mae_smallest_n",
        "n_largest",
        "mae_largest_n",
    ];
    let mut rows = Vec::new();
    for m in g.fitted_ms() {
        for (rank, (group, fit)) in g.ranked(m).into_iter().enumerate() {
            let param = |k: &str| fit.and_then(|f| f.params.get(k).copied()).unwrap_or(f64::NAN);
            let ci = fit.and_then(|f| f.ci90.get("alpha").copied()).unwrap_or([f64::NAN; 2]);
            let mut learned: Vec<_> = group.points.iter().filter(|p| p.arm.uses_source() && p.m == m).collect();
            learned.sort_by_key(|p| p.n);
            let (first, last) = (learned.first(), learned.last());
            rows.push(vec![
                g.column.clone(),
                group.value.clone(),
                m.to_string(),
                (rank + 1).to_string(),
                group.target_rows.to_string(),
                num(group.train_rows.iter().find(|t| t.m == m).map_or(f64::NAN, |t| t.mean)),
                group.small.to_string(),
                num(param("alpha")),
                num(ci[0]),
                num(ci[1]),
                num(param("D")),
                num(param("C")),
                num(fit.map_or(f64::NAN, |f| f.r2)),
                fit.and_then(|f| f.degenerate.clone()).unwrap_or_default(),
                first.map_or(String::new(), |p| p.n.to_string()),
                num(first.map_or(f64::NAN, |p| p.mae_mean)),
                last.map_or(String::new(), |p| p.n.to_string()),
                num(last.map_or(f64::NAN, |p| p.mae_mean)),
            ]);
        }
    }
    csv_text(header.map(String::from).to_vec(), rows)
}

/// One row per test sample: its row, key columns, α with CI, class, and its mean error at the
/// smallest and largest n of the grid.
pub fn samples_csv(s: &Samples) -> String {
    let mut header = vec!["row".to_string()];
    header.extend(s.key_columns.iter().cloned());
    let (n_lo, n_hi) = (s.n.first().copied().unwrap_or(0), s.n.last().copied().unwrap_or(0));
    header.extend(
        [
            "m",
            "alpha",
            "alpha_ci90_lo",
            "alpha_ci90_hi",
            "r2",
            "classification",
            "trials",
            "n_smallest",
            "error_smallest_n",
            "n_largest",
            "error_largest_n",
        ]
        .map(String::from),
    );
    let rows = s
        .samples
        .iter()
        .map(|x| {
            let mut r = vec![x.row.to_string()];
            r.extend(x.keys.iter().cloned());
            r.extend([
                s.m.to_string(),
                num(x.alpha),
                num(x.alpha_ci90[0]),
                num(x.alpha_ci90[1]),
                num(x.r2),
                x.class.clone(),
                x.trials.iter().copied().max().unwrap_or(0).to_string(),
                n_lo.to_string(),
                num(x.error.first().copied().unwrap_or(f64::NAN)),
                n_hi.to_string(),
                num(x.error.last().copied().unwrap_or(f64::NAN)),
            ]);
            r
        })
        .collect();
    csv_text(header, rows)
}
