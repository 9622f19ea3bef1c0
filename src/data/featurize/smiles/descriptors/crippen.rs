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

fn types() -> &'static [AtomType] {
    static TYPES: OnceLock<Vec<AtomType>> = OnceLock::new();
    TYPES.get_or_init(|| {
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
    })
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
    let table = types();
    let (mut logp, mut mr) = (0.0, 0.0);
    for i in 0..full.atoms.len() {
        if let Some(t) = table.iter().find(|t| t.pattern.matches_at(&full, i)) {
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
        assert_eq!(types().len(), 110);
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
