//! MolLogP and MolMR: Wildman–Crippen atom contributions as RDKit computes them
//! (`CalcCrippenDescriptors`): hydrogens are made explicit atoms, every atom takes the type of the
//! first pattern of RDKit's table (`../crippen.tsv`, in its order) that matches it as the
//! pattern's first atom, and the contributions of all atoms are summed. An atom no pattern
//! matches (the dummy atom `*`) contributes 0, as in RDKit.

use std::sync::OnceLock;

use super::super::molecule::{Atom, Molecule, Order};
use super::super::smarts::{Pattern, parse};

const TABLE: &str = include_str!("../crippen.tsv");

/// One atom type: its pattern, logP and MR contributions.
struct AtomType {
    pattern: Pattern,
    logp: f64,
    mr: f64,
}

/// The table's types, and per atomic number (every `u8`) the indices of those whose pattern's
/// first atom can have that element, in table order.
struct Table {
    types: Vec<AtomType>,
    by_z: Vec<Vec<usize>>,
}

fn table() -> &'static Table {
    static TABLE_BY_Z: OnceLock<Table> = OnceLock::new();
    TABLE_BY_Z.get_or_init(|| {
        let types = read_types();
        let by_z =
            (0..=u8::MAX).map(|z| (0..types.len()).filter(|&i| types[i].pattern.root_may_be(z)).collect()).collect();
        Table { types, by_z }
    })
}

fn read_types() -> Vec<AtomType> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            let pattern = parse(f[1]).unwrap_or_else(|e| panic!("crippen.tsv: {}: {e}", f[1]));
            AtomType { pattern, logp: num(2), mr: num(3) }
        })
        .collect()
}

/// `mol` with each hydrogen count turned into H atoms (RDKit's `AddHs`).
fn with_explicit_hydrogens(mol: &Molecule) -> Molecule {
    let mut out = mol.clone();
    for i in 0..mol.atoms.len() {
        let n = mol.atoms[i].h();
        out.atoms[i].explicit_h = 0;
        out.atoms[i].implicit_h = 0;
        for _ in 0..n {
            let h = out.add_atom(Atom {
                z: 1,
                isotope: 0,
                charge: 0,
                aromatic: false,
                explicit_h: 0,
                implicit_h: 0,
                bracket: true,
                radicals: 0,
                chiral: false,
                at: mol.atoms[i].at,
            });
            out.add_bond(i, h, Order::Single);
        }
    }
    out
}

/// MolLogP and MolMR.
pub fn logp_mr(mol: &Molecule) -> (f64, f64) {
    let full = with_explicit_hydrogens(mol);
    let table = table();
    // The hydrogens added to one atom are alike (swapping two changes nothing the patterns see),
    // so each atom's first added hydrogen is matched and the others take its type.
    let mut added_h_type: Vec<Option<Option<&AtomType>>> = vec![None; mol.atoms.len()];
    let (mut logp, mut mr) = (0.0, 0.0);
    for i in 0..full.atoms.len() {
        // Only the types whose first atom can be this element, still in table order: the first
        // match is the same as over the whole table.
        let first_match = || {
            let mut matching = table.by_z[usize::from(full.atoms[i].z)].iter().map(|&k| &table.types[k]);
            matching.find(|t| t.pattern.matches_at(&full, i))
        };
        let found = if i < mol.atoms.len() {
            first_match()
        } else {
            let parent = full.adjacency[i][0].0;
            *added_h_type[parent].get_or_insert_with(first_match)
        };
        if let Some(t) = found {
            logp += t.logp;
            mr += t.mr;
        }
    }
    (logp, mr)
}

#[cfg(test)]
mod tests {
    use super::super::super::parse;
    use super::*;

    #[test]
    fn every_pattern_of_the_table_is_read() {
        assert_eq!(table().types.len(), 110);
        // Every pattern can match some element, and carbon has candidates.
        assert!((0..table().types.len()).all(|k| table().by_z.iter().any(|ks| ks.contains(&k))));
        assert!(!table().by_z[6].is_empty());
    }

    #[test]
    fn ethanol_and_benzene_as_rdkit() {
        // RDKit 2026.09: Crippen.MolLogP / MolMR.
        let (p, m) = logp_mr(&parse("CCO").unwrap());
        assert!((p - -0.0014).abs() < 1e-9 && (m - 12.7598).abs() < 1e-9, "{p} {m}");
        let (p, m) = logp_mr(&parse("c1ccccc1").unwrap());
        assert!((p - 1.6866).abs() < 1e-9 && (m - 26.442).abs() < 1e-9, "{p} {m}");
    }
}
