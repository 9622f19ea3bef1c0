//! Target rows that are also source rows. When a row of the target (the same x values and the
//! same label) is also a row of the source, a trial's test rows can be among the n rows the
//! network was pretrained on: the curve then measures recall, not transfer. This is what happens
//! when source and target are the same table, or the same label column of one base table
//! filtered into overlapping parts. The plan warns (naming how many rows and which), unless the
//! source block says `overlap = allowed`.

use std::collections::HashSet;

use super::prepare::RoleData;

/// The columns the network reads, in its order (all x columns for a plain model).
fn network_columns(d: &RoleData) -> Vec<usize> {
    d.layout.as_ref().map_or_else(|| (0..d.columns.len()).collect(), super::pair_layout::PairLayout::order)
}

/// A row's identity: its network inputs and its label, bit for bit (−0 as 0).
fn key(d: &RoleData, cols: &[usize], r: usize) -> Vec<u64> {
    let row = d.x.row(r);
    cols.iter().map(|&c| row[c]).chain(std::iter::once(d.y[r])).map(|v| (v + 0.0).to_bits()).collect()
}

/// The plan warning for target rows that are also source rows, if any.
pub fn target_rows_in_source(source: &RoleData, target: &RoleData) -> Option<String> {
    let (sc, tc) = (network_columns(source), network_columns(target));
    if sc.len() != tc.len() {
        return None;
    }
    let seen: HashSet<Vec<u64>> = (0..source.rows()).map(|r| key(source, &sc, r)).collect();
    let shared: Vec<usize> = (0..target.rows()).filter(|&r| seen.contains(&key(target, &tc, r))).collect();
    if shared.is_empty() {
        return None;
    }
    let same = if source.table == target.table {
        format!(" (`{}` is both the source and the target)", target.table)
    } else {
        String::new()
    };
    let mut rows: Vec<String> = shared.iter().take(5).map(|r| (r + 1).to_string()).collect();
    if shared.len() > 5 {
        rows.push("…".into());
    }
    Some(format!(
        "{} of the target's {} rows also {} in the source `{}` with the same x values and label{same} (target rows {}, counted after joins and filters): \
         a trial's test rows can be among the rows pretrained on, which measures recall rather than transfer; filter them out of the \
         source with `where`, or write `overlap = allowed` in the source block if this is intended",
        shared.len(),
        target.rows(),
        if shared.len() == 1 { "appears" } else { "appear" },
        source.table,
        rows.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Matrix;

    fn role(table: &str, x: Vec<f64>, y: Vec<f64>) -> RoleData {
        let rows = y.len();
        RoleData {
            table: table.into(),
            columns: vec!["a".into(), "b".into()],
            label: "y".into(),
            x: Matrix::from_rows(rows, 2, x),
            y,
            groups: None,
            fingerprint: String::new(),
            layout: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn shared_rows_are_counted_and_distinct_tables_pass() {
        let source = role("sim", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], vec![0.1, 0.2, 0.3]);
        let same = target_rows_in_source(&source, &source).expect("the same table overlaps");
        assert!(
            same.starts_with("3 of the target's 3 rows") && same.contains("both the source and the target"),
            "{same}"
        );
        // Same x, another label (a simulation and a measurement of one material): no overlap.
        let measured = role("exp", vec![1.0, 2.0, 3.0, 4.0], vec![0.15, 0.2]);
        let w = target_rows_in_source(&source, &measured).expect("row 2 is shared");
        assert!(
            w.starts_with("1 of the target's 2 rows also appears in")
                && w.contains("target rows 2,")
                && w.contains("overlap = allowed"),
            "{w}"
        );
        let other = role("exp", vec![1.0, 2.0, 3.0, 4.0], vec![0.15, 0.25]);
        assert_eq!(target_rows_in_source(&source, &other), None);
    }
}
