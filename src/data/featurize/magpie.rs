//! The Magpie preset: statistics of 22 element properties over a composition, as matminer's
//! `ElementProperty.from_preset("magpie")` computes them (matminer 0.10, `impute_nan=True`).
//!
//! Columns `mp_<stat>_<property>`, property-major in the order of [`PROPERTIES`], stats in the
//! order of [`STATS`]: 22 × 6 = 132 columns. The element table is `magpie_elements.csv`
//! (written by `scripts/magpie_table.py`; its source and licence are in that script). A property
//! the table lacks for an element is replaced by the property's mean over the elements that have
//! it, as matminer's `impute_nan=True` does, so no feature is ever NaN.

use std::sync::OnceLock;

use super::formula::Composition;

/// The 22 element properties, in matminer's order.
pub const PROPERTIES: [&str; 22] = [
    "Number",
    "MendeleevNumber",
    "AtomicWeight",
    "MeltingT",
    "Column",
    "Row",
    "CovalentRadius",
    "Electronegativity",
    "NsValence",
    "NpValence",
    "NdValence",
    "NfValence",
    "NValence",
    "NsUnfilled",
    "NpUnfilled",
    "NdUnfilled",
    "NfUnfilled",
    "NUnfilled",
    "GSvolume_pa",
    "GSbandgap",
    "GSmagmom",
    "SpaceGroupNumber",
];

/// The statistics, in matminer's order: unweighted minimum, maximum and range over the elements
/// present; fraction-weighted mean and mean absolute deviation; the value of the element with the
/// largest fraction (the smallest such value on a tie, ties judged as numpy's `isclose`).
pub const STATS: [&str; 6] = ["minimum", "maximum", "range", "mean", "avg_dev", "mode"];

const TABLE: &str = include_str!("magpie_elements.csv");

/// `values[z - 1][p]`: property `p` of element `z`, missing values imputed.
fn table() -> &'static Vec<[f64; 22]> {
    static CELL: OnceLock<Vec<[f64; 22]>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut rows: Vec<[f64; 22]> = Vec::with_capacity(118);
        for line in TABLE.lines().skip(1) {
            let mut row = [f64::NAN; 22];
            for (i, cell) in line.split(',').skip(1).enumerate().take(22) {
                if !cell.is_empty() {
                    // The file is generated and tested (`the_element_table_is_whole`).
                    row[i] = cell.parse().unwrap_or(f64::NAN);
                }
            }
            rows.push(row);
        }
        for p in 0..22 {
            let known: Vec<f64> = rows.iter().map(|r| r[p]).filter(|v| !v.is_nan()).collect();
            let mean = known.iter().sum::<f64>() / known.len() as f64;
            for r in &mut rows {
                if r[p].is_nan() {
                    r[p] = mean;
                }
            }
        }
        rows
    })
}

/// The column names, in order.
pub fn column_names() -> Vec<String> {
    PROPERTIES.iter().flat_map(|p| STATS.iter().map(move |s| format!("mp_{s}_{p}"))).collect()
}

/// The 132 features of one composition, in the order of [`column_names`].
pub fn features(comp: &Composition) -> Vec<f64> {
    let table = table();
    let weights: Vec<f64> = comp.amounts.iter().map(|&(_, a)| a).collect();
    let wsum: f64 = weights.iter().sum();
    let wmax = weights.iter().copied().fold(f64::MIN, f64::max);
    let mut out = Vec::with_capacity(PROPERTIES.len() * STATS.len());
    for (p, _) in PROPERTIES.iter().enumerate() {
        let values: Vec<f64> = comp.amounts.iter().map(|&(z, _)| table[usize::from(z) - 1][p]).collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mean = values.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>() / wsum;
        let avg_dev = values.iter().zip(&weights).map(|(v, w)| (v - mean).abs() * w).sum::<f64>() / wsum;
        // numpy.isclose(w, max): |w − max| ≤ 1e-8 + 1e-5·|max|.
        let mode = values
            .iter()
            .zip(&weights)
            .filter(|(_, w)| (**w - wmax).abs() <= 1e-8 + 1e-5 * wmax.abs())
            .map(|(v, _)| *v)
            .fold(f64::INFINITY, f64::min);
        out.extend([min, max, max - min, mean, avg_dev, mode]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::formula::parse;
    use super::*;

    #[test]
    fn the_element_table_is_whole() {
        let lines: Vec<&str> = TABLE.lines().collect();
        assert_eq!(lines[0].split(',').skip(1).collect::<Vec<_>>(), PROPERTIES);
        assert_eq!(lines.len(), 119);
        for (i, line) in lines.iter().skip(1).enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 23, "line {}", i + 2);
            assert_eq!(cells[0], (i + 1).to_string());
            for c in &cells[1..] {
                assert!(c.is_empty() || c.parse::<f64>().is_ok(), "line {}: {c}", i + 2);
            }
        }
        assert!(table().iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn iron_oxide_by_hand() {
        let f = features(&parse("Fe2O3").unwrap());
        let names = column_names();
        let get = |n: &str| f[names.iter().position(|x| x == n).unwrap()];
        assert_eq!(get("mp_minimum_Number"), 8.0);
        assert_eq!(get("mp_maximum_Number"), 26.0);
        assert_eq!(get("mp_range_Number"), 18.0);
        assert!((get("mp_mean_Number") - (2.0 * 26.0 + 3.0 * 8.0) / 5.0).abs() < 1e-12);
        assert!((get("mp_avg_dev_Number") - (2.0 * (26.0 - 15.2) + 3.0 * (15.2 - 8.0)) / 5.0).abs() < 1e-12);
        assert_eq!(get("mp_mode_Number"), 8.0);
        assert_eq!(names.len(), 132);
    }
}
