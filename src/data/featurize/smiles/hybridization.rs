//! Conjugated bonds and atom hybridization, by RDKit's rules (ConjugHybrid.cpp), which
//! HallKierAlpha (and so Kappa1–3) reads: an amide N or an ester O next to a double bond is SP2.

use super::elements::element;
use super::molecule::{Bond, Molecule};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hybridization {
    Unspecified,
    S,
    Sp,
    Sp2,
    Sp3,
    Sp3d,
    Sp3d2,
}

/// Electrons an atom can give to a pi system (RDKit's `countAtomElec`); negative: none.
fn pi_electrons(mol: &Molecule, i: usize) -> i32 {
    let atom = &mol.atoms[i];
    let e = element(atom.z);
    let Some(dv) = e.default_valence().map(i32::from).filter(|&dv| dv > 1) else { return -1 };
    let degree = mol.total_degree(i) as i32;
    if degree > 3 {
        return -1;
    }
    let lone = (i32::from(e.outer_electrons) - dv - i32::from(atom.charge)).max(0);
    let mut res = dv - degree + lone - i32::from(atom.radicals);
    if res > 1 && mol.explicit_valence(i) as i32 + i32::from(atom.explicit_h) - mol.degree(i) as i32 > 1 {
        res = 1;
    }
    res
}

/// Whether an atom can take part in conjugation (RDKit's `isAtomConjugCand`).
fn conjugation_candidate(mol: &Molecule, i: usize) -> bool {
    let atom = &mol.atoms[i];
    let e = element(atom.z);
    if atom.charge == 0 && e.valences.first().is_some_and(|&v| mol.total_valence(i) > u32::from(v)) {
        return false;
    }
    let outer = e.outer_electrons;
    (atom.z <= 10 || (outer != 5 && outer != 6) || (outer == 6 && mol.total_degree(i) < 2)) && pi_electrons(mol, i) > 0
}

/// Per bond: conjugated (aromatic bonds, and single bonds next to a multiple bond between
/// candidate atoms of 2–3 substituents).
pub fn conjugated_bonds(mol: &Molecule) -> Vec<bool> {
    let mut conj: Vec<bool> = mol.bonds.iter().map(Bond::aromatic).collect();
    let n = mol.atoms.len();
    let cand: Vec<bool> = (0..n).map(|i| conjugation_candidate(mol, i)).collect();
    let subs: Vec<usize> = (0..n).map(|i| if cand[i] { mol.total_degree(i) } else { 0 }).collect();
    for i in 0..n {
        if !cand[i] || !(2..=3).contains(&subs[i]) {
            continue;
        }
        for &(j, b1) in &mol.adjacency[i] {
            let bond = &mol.bonds[b1];
            if !(bond.aromatic() || bond.kekule >= 2) || !cand[j] {
                continue;
            }
            for &(k, b2) in &mol.adjacency[i] {
                if b2 != b1 && subs[k] <= 3 && cand[k] {
                    conj[b1] = true;
                    conj[b2] = true;
                }
            }
        }
    }
    conj
}

/// Bonds plus lone pairs (RDKit's `numBondsPlusLonePairs`).
fn orbitals(mol: &Molecule, i: usize) -> i32 {
    let atom = &mol.atoms[i];
    let deg = mol.total_degree(i) as i32;
    if atom.z <= 1 {
        return deg;
    }
    let outer = i32::from(element(atom.z).outer_electrons);
    let valence = mol.total_valence(i) as i32;
    let charge = i32::from(atom.charge);
    let free = outer - (valence + charge);
    if valence + outer - charge < 8 {
        let radicals = i32::from(atom.radicals);
        deg + (free - radicals) / 2 + radicals
    } else {
        deg + free / 2
    }
}

/// Each atom's hybridization (RDKit's `setHybridization`).
pub fn hybridizations(mol: &Molecule, conjugated: &[bool]) -> Vec<Hybridization> {
    (0..mol.atoms.len())
        .map(|i| {
            let atom = &mol.atoms[i];
            if atom.z == 0 {
                return Hybridization::Unspecified;
            }
            if atom.chiral && mol.total_degree(i) == 4 {
                return Hybridization::Sp3;
            }
            let norbs = if atom.z < 89 { orbitals(mol, i) } else { mol.total_degree(i) as i32 };
            match norbs {
                0 | 1 => Hybridization::S,
                2 => Hybridization::Sp,
                3 => Hybridization::Sp2,
                4 => {
                    let has_conjugated = mol.adjacency[i].iter().any(|&(_, b)| conjugated[b]);
                    if mol.total_degree(i) > 3 || !has_conjugated { Hybridization::Sp3 } else { Hybridization::Sp2 }
                }
                5 => Hybridization::Sp3d,
                6 => Hybridization::Sp3d2,
                _ => Hybridization::Unspecified,
            }
        })
        .collect()
}
