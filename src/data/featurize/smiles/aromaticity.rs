//! Rings written in Kekulé form that RDKit would read as aromatic.
//!
//! The reader takes aromaticity as written (lower-case atoms), as RDKit's canonical SMILES write
//! it, and does not redo RDKit's aromaticity perception. A ring written with alternating single
//! and double bonds (benzene as `C1=CC=CC=C1`) therefore stays non-aromatic here while RDKit
//! perceives it as aromatic, and every descriptor that reads aromaticity (NumAromaticRings, TPSA,
//! MolLogP, LabuteASA's types, the Morgan bond types, …) differs. `featurize` says so in the plan
//! (with the rows and an example) instead of letting the difference pass silently.
//!
//! The check is conservative: it finds the rings RDKit's default model certainly reads as
//! aromatic, so a warning is never a false alarm; rarer Kekulé-written aromatic rings (charged
//! atoms, exocyclic double bonds, B, P, Se) are not found.

use super::molecule::{Molecule, Order};
use super::rings::{perceive, ring_bonds};

/// Whether `mol` has a ring of non-aromatic atoms that RDKit would perceive as aromatic: a
/// six-membered ring of uncharged C and N with alternating single and double ring bonds
/// (benzene, pyridine, the rings of Kekulé naphthalene), or a five-membered ring of uncharged C
/// and N with two double bonds and one uncharged N, O or S with only single bonds between them
/// (pyrrole, furan, thiophene).
pub fn has_kekule_aromatic_ring(mol: &Molecule) -> bool {
    let ring = ring_bonds(mol);
    let written_double = |b: usize| {
        mol.bonds[b].order == Order::Double
            && !mol.atoms[mol.bonds[b].a].aromatic
            && !mol.atoms[mol.bonds[b].b].aromatic
    };
    // Most molecules have no double bond inside a ring between upper-case atoms: no ring search.
    if !(0..mol.bonds.len()).any(|b| ring[b] && written_double(b)) {
        return false;
    }
    let rings = perceive(mol);
    rings.bonds.iter().zip(&rings.atoms).any(|(bonds, atoms)| {
        let plain = |a: usize, elements: &[u8]| {
            let atom = &mol.atoms[a];
            !atom.aromatic && atom.charge == 0 && elements.contains(&atom.z)
        };
        let doubles: Vec<usize> = bonds.iter().copied().filter(|&b| written_double(b)).collect();
        let singles = bonds.iter().filter(|&&b| mol.bonds[b].order == Order::Single).count();
        // Each double bond's atoms, none twice: the doubles alternate with the singles.
        let mut ends: Vec<usize> = doubles.iter().flat_map(|&b| [mol.bonds[b].a, mol.bonds[b].b]).collect();
        ends.sort_unstable();
        ends.dedup();
        match atoms.len() {
            6 => doubles.len() == 3 && singles == 3 && ends.len() == 6 && atoms.iter().all(|&a| plain(a, &[6, 7])),
            5 => {
                let donors: Vec<usize> = atoms.iter().copied().filter(|a| !ends.contains(a)).collect();
                doubles.len() == 2
                    && singles == 3
                    && ends.len() == 4
                    && donors.len() == 1
                    && plain(donors[0], &[7, 8, 16])
                    && mol.adjacency[donors[0]].iter().all(|&(_, b)| mol.bonds[b].order == Order::Single)
                    && atoms.iter().filter(|&&a| a != donors[0]).all(|&a| plain(a, &[6, 7]))
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn flagged(smiles: &str) -> bool {
        has_kekule_aromatic_ring(&parse(smiles).unwrap())
    }

    #[test]
    fn kekule_written_aromatic_rings_are_found() {
        for s in [
            "C1=CC=CC=C1",
            "C1=CC=NC=C1",
            "C1=CC=C2C=CC=CC2=C1",
            "C1=CNC=C1",
            "C1=COC=C1",
            "C1=CSC=C1",
            "*C1=CC=C(*)C=C1",
        ] {
            assert!(flagged(s), "{s}");
        }
    }

    #[test]
    fn aromatic_input_and_non_aromatic_rings_are_not() {
        // Written aromatic (as RDKit writes them), or rings RDKit does not aromatize.
        for s in [
            "c1ccccc1",
            "c1ccc2ccccc2c1",
            "c1cc[nH]c1",
            "C1=CCCCC1",
            "C1=CC=CCC1",
            "C1=CC=CC=CC=C1",
            "C1=CC=C1",
            "O=C1C=CC(=O)C=C1",
            "C1=CCC=C1",
            "CC(=O)Oc1ccccc1C(=O)O",
            "*CC(*)C",
            "O=S1C=CC=C1",
        ] {
            assert!(!flagged(s), "{s}");
        }
    }
}
