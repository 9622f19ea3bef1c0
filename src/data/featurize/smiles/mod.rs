//! `featurize smiles(COLUMN) with descriptors | morgan(...)`: a SMILES reader and RDKit's 2-D
//! descriptors and Morgan fingerprints, natively (docs/language.md, *Featurizers*).
//!
//! Reading a SMILES goes through these steps, one file each: the text to a graph (`read.rs`),
//! `[H]` atoms merged into hydrogen counts (`hydrogens.rs`), the Kekulé form of aromatic atoms
//! (`kekule.rs`), implicit hydrogens and the valence check (`valence.rs`); the features then
//! use ring perception (`rings.rs`), hybridization (`hybridization.rs`) and, for the Crippen
//! descriptors, a small SMARTS matcher (`smarts.rs`). Aromaticity is taken
//! as written (lower-case atoms), as canonical RDKit SMILES write it; RDKit's own perception
//! of Kekulé-written aromatic rings (`C1=CC=CC=C1`) is not redone, and `aromaticity.rs` finds
//! the rows where that makes a difference so that the plan says so.

pub mod aromaticity;
pub mod descriptors;
pub mod elements;
pub mod hybridization;
pub mod hydrogens;
pub mod kekule;
pub mod molecule;
pub mod morgan;
pub mod read;
pub mod rings;
pub mod smarts;
pub mod valence;

use thiserror::Error;

use molecule::Molecule;

/// Why a SMILES cannot be read: the message and the 0-based character where it starts.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message} at character {}", .at + 1)]
pub struct SmilesError {
    pub message: String,
    /// 0-based index of the character (not byte) where the problem starts.
    pub at: usize,
}

/// Reads a SMILES into a molecule with its hydrogens assigned.
pub fn parse(text: &str) -> Result<Molecule, SmilesError> {
    let mut mol = hydrogens::merge(read::graph(text)?);
    let ring = rings::ring_bonds(&mol);
    for (i, atom) in mol.atoms.iter().enumerate() {
        if atom.aromatic && !mol.adjacency[i].iter().any(|&(_, b)| ring[b]) {
            return Err(SmilesError {
                message: format!("`{}` is aromatic (lower-case) but not in a ring", atom.symbol()),
                at: atom.at,
            });
        }
        if atom.isotope != 0 && atom.z != 0 && elements::isotope_mass(atom.z, atom.isotope).is_none() {
            return Err(SmilesError {
                message: format!("unknown isotope {}{}", atom.isotope, atom.element().symbol),
                at: atom.at,
            });
        }
    }
    kekule::kekulize(&mut mol)?;
    valence::assign(&mut mol)?;
    Ok(mol)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs(text: &str) -> Vec<u8> {
        parse(text).unwrap().atoms.iter().map(molecule::Atom::h).collect()
    }

    #[test]
    fn hydrogens_follow_the_default_valences() {
        assert_eq!(hs("CC(=O)O"), [3, 0, 0, 1]);
        assert_eq!(hs("c1ccccc1"), [1; 6]);
        assert_eq!(hs("c1cc[nH]c1"), [1, 1, 1, 1, 1]);
        assert_eq!(hs("O=c1cccc[nH]1"), [0, 0, 1, 1, 1, 1, 1]);
        assert_eq!(hs("c1ccc2ccccc2c1"), [1, 1, 1, 0, 1, 1, 1, 1, 0, 1]);
        assert_eq!(hs("*CC(*)c1ccncc1"), [0, 2, 1, 0, 0, 1, 1, 0, 1, 1]);
        assert_eq!(hs("CS(=O)(=O)C"), [3, 0, 0, 0, 3]);
        assert_eq!(hs("C[N+](C)(C)C"), [3, 0, 3, 3, 3]);
        assert_eq!(hs("[H]C([H])Cl"), [3, 0]);
        assert_eq!(hs("[2H]C"), [0, 3]);
        assert_eq!(hs("C[Si](C)(C)O"), [3, 0, 3, 3, 1]);
        assert_eq!(hs("C%10CC%10"), [2, 2, 2]);
        assert_eq!(hs("C%(123)CC%(123)"), [2, 2, 2]);
        assert_eq!(hs("[13CH4].[Na+].[Cl-]"), [4, 0, 0]);
        assert_eq!(hs("Cl/C=C/Br"), [0, 1, 1, 0]);
        assert_eq!(hs("N[C@@H](C)C(=O)O"), [2, 1, 3, 0, 0, 1]);
    }

    #[test]
    fn bonds_rings_and_branches() {
        let m = parse("C1CC1C(=O)C#N").unwrap();
        assert_eq!(m.atoms.len(), 7);
        assert_eq!(m.bonds.len(), 7);
        let orders: Vec<u8> = m.bonds.iter().map(|b| b.kekule).collect();
        assert_eq!(orders, [1, 1, 1, 1, 2, 1, 3]);
        let benzene = parse("c1ccccc1").unwrap();
        assert_eq!(benzene.bonds.iter().filter(|b| b.kekule == 2).count(), 3);
    }

    #[test]
    fn refuses_invalid_smiles_naming_the_character() {
        let err = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(err("C1CC"), "ring bond 1 is never closed at character 2");
        assert_eq!(err("CC(C"), "`(` is never closed at character 3");
        assert_eq!(err("CC)C"), "`)` closes no `(` at character 3");
        assert_eq!(err("C[Xx]"), "unknown element `Xx` at character 3");
        assert_eq!(err("CQ"), "unknown element `Q` at character 2");
        assert_eq!(err("C?"), "unexpected character `?` at character 2");
        assert_eq!(err("C(C)(C)(C)(C)C"), "`C` has valence 5, more than allowed (4) at character 1");
        assert_eq!(err("O=O=O"), "`O` has valence 4, more than allowed (2) at character 3");
        assert_eq!(
            err("c1cccc1"),
            "cannot kekulize the aromatic system of `c` (no alternating single and double bonds fit; an aromatic N with H is written `[nH]`) at character 1"
        );
        assert_eq!(err("CcC"), "`c` is aromatic (lower-case) but not in a ring at character 2");
        assert_eq!(err("C=1CC-1"), "the two ends of ring bond 1 have different bond symbols at character 6");
        assert_eq!(err("C[C"), "`[` is never closed at character 2");
        assert_eq!(err("C=(C)"), "a bond symbol cannot come before `(` at character 2");
        assert_eq!(err("CC="), "a bond symbol leads to no atom at character 3");
        assert_eq!(err("Xe"), "`Xe` must be written in brackets (`[Xe]`) at character 1");
        assert_eq!(err(""), "the SMILES is empty at character 1");
        assert_eq!(err("C()C"), "empty branch `()` at character 3");
        assert_eq!(err("C11"), "ring bond 1 closes on its own atom at character 3");
        assert_eq!(err("[999C]"), "unknown isotope 999C at character 1");
        assert_eq!(err("C%1C"), "`%` must be followed by two digits at character 2");
    }
}
