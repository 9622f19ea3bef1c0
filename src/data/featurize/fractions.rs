//! The fractions preset: the atomic fraction of each element, one column `el_<symbol>` per
//! element that occurs anywhere in the table, in order of atomic number (0 where absent).

use super::elements::symbol;
use super::formula::Composition;

/// The elements present in any composition, by atomic number.
pub fn elements_present(comps: &[Composition]) -> Vec<u8> {
    let mut seen = [false; 119];
    for c in comps {
        for &(z, _) in &c.amounts {
            seen[usize::from(z)] = true;
        }
    }
    (1..=118u8).filter(|&z| seen[usize::from(z)]).collect()
}

/// Column names for `elements`.
pub fn column_names(elements: &[u8]) -> Vec<String> {
    elements.iter().map(|&z| format!("el_{}", symbol(z))).collect()
}

/// The fractions of one composition over `elements` (which must include all of its elements).
pub fn features(comp: &Composition, elements: &[u8]) -> Vec<f64> {
    let mut out = vec![0.0; elements.len()];
    for (z, f) in comp.fractions() {
        if let Ok(i) = elements.binary_search(&z) {
            out[i] = f;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::formula::parse;
    use super::*;

    #[test]
    fn fractions_sum_to_one_over_the_table_elements() {
        let comps = vec![parse("Fe2O3").unwrap(), parse("NaCl").unwrap()];
        let els = elements_present(&comps);
        assert_eq!(column_names(&els), ["el_O", "el_Na", "el_Cl", "el_Fe"]);
        assert_eq!(features(&comps[0], &els), [0.6, 0.0, 0.0, 0.4]);
        assert_eq!(features(&comps[1], &els), [0.0, 0.5, 0.5, 0.0]);
    }
}
