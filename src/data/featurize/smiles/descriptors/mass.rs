//! MolWt, HeavyAtomMolWt, ExactMolWt and NumValenceElectrons, as RDKit's `getAvgMolWt`,
//! `getExactMolWt` (MolProps.cpp) and `Descriptors.NumValenceElectrons`: dummy atoms weigh 0,
//! hydrogens count at their average or most-common-isotope mass, an isotope at its own mass,
//! and ExactMolWt subtracts an electron mass per unit of positive charge.

use super::super::elements::{element, isotope_mass};
use super::super::molecule::{Atom, Molecule};

/// RDKit's electron mass (atomic_data.cpp).
const ELECTRON_MASS: f64 = 0.00054857991;

/// The mass of the atom itself: its isotope's, else the element's average weight.
fn mass(atom: &Atom) -> f64 {
    if atom.isotope != 0 {
        return isotope_mass(atom.z, atom.isotope).unwrap_or(0.0);
    }
    element(atom.z).atomic_weight
}

pub fn mol_wt(mol: &Molecule) -> f64 {
    let h = element(1).atomic_weight;
    mol.atoms.iter().map(|a| mass(a) + f64::from(a.h()) * h).sum()
}

pub fn heavy_atom_mol_wt(mol: &Molecule) -> f64 {
    mol.atoms.iter().filter(|a| a.z != 1).map(mass).sum()
}

pub fn exact_mol_wt(mol: &Molecule) -> f64 {
    let mut total = 0.0;
    let mut hs = 0u32;
    for a in &mol.atoms {
        total += if a.isotope != 0 { mass(a) } else { element(a.z).isotope_mass };
        total -= ELECTRON_MASS * f64::from(a.charge);
        hs += u32::from(a.h());
    }
    total + f64::from(hs) * element(1).isotope_mass
}

pub fn valence_electrons(mol: &Molecule) -> f64 {
    mol.atoms.iter().map(|a| f64::from(element(a.z).outer_electrons) - f64::from(a.charge) + f64::from(a.h())).sum()
}
