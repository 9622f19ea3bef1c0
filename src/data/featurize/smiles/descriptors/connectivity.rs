//! Kier–Hall connectivity indices Chi0…Chi4 (simple `Chi0`/`Chi1` from degrees, `n` from
//! valence electrons, `v` from Hall–Kier valence deltas), HallKierAlpha and the shape indices
//! Kappa1–3, as RDKit computes them (ConnectivityDescriptors.cpp, GraphDescriptors.py).
//!
//! The paths behind Chi2–4 and Kappa2–3 are RDKit's `findAllPathsOfLengthN` without hydrogen
//! atoms: atom walks with no repeated atom, except that the last step may close a ring onto an
//! earlier atom of the walk; walks with the same set of bonds count once.

use std::collections::HashSet;

use super::super::elements::element;
use super::super::hybridization::Hybridization;
use super::super::molecule::{Atom, Molecule};
use super::Perceived;

fn inv_sqrt(x: f64) -> f64 {
    if x != 0.0 { 1.0 / x.sqrt() } else { 0.0 }
}

/// Outer electrons − hydrogens as RDKit computes it: an `int` minus an `unsigned int`, so in
/// unsigned 32-bit arithmetic: more hydrogens than outer electrons (`[*H]`, `[BH4-]`) wrap around to
/// about 4.3e9 instead of going negative (RDKit 2026.09: Chi0n of `C[*H]C` is 2.0000152…).
fn outer_minus_h(a: &Atom) -> f64 {
    f64::from(u32::from(element(a.z).outer_electrons).wrapping_sub(u32::from(a.h())))
}

/// Per atom: 1/√(outer electrons − H) (the `n` indices).
fn n_vals(mol: &Molecule) -> Vec<f64> {
    mol.atoms.iter().map(|a| inv_sqrt(outer_minus_h(a))).collect()
}

/// Per atom: 1/√δv with Hall–Kier's δv = (Zv − H)/(Z − Zv − 1) beyond neon (the `v` indices).
fn hk_deltas(mol: &Molecule) -> Vec<f64> {
    mol.atoms
        .iter()
        .map(|a| {
            let z = f64::from(a.z);
            let outer = f64::from(element(a.z).outer_electrons);
            let d = match a.z {
                0 | 1 => 0.0,
                2..=10 => outer_minus_h(a),
                _ => outer_minus_h(a) / (z - outer - 1.0),
            };
            inv_sqrt(d)
        })
        .collect()
}

/// The fewest and most atoms of the paths the indices read (Chi2…Chi4, Kappa2, Kappa3).
const SHORTEST: usize = 3;
const LONGEST: usize = 5;

/// The distinct walks of 3, 4 and 5 atoms, each list flat: walk `k` of `atoms` atoms is
/// `walks[atoms - 3][k * atoms..][..atoms]`.
pub struct Paths {
    walks: [Vec<usize>; LONGEST - SHORTEST + 1],
}

impl Paths {
    /// The walks of `atoms` atoms (3, 4 or 5), in the order they were found.
    pub fn of(&self, atoms: usize) -> std::slice::ChunksExact<'_, usize> {
        self.walks[atoms - SHORTEST].chunks_exact(atoms)
    }

    /// How many walks of `atoms` atoms there are.
    pub fn count(&self, atoms: usize) -> usize {
        self.walks[atoms - SHORTEST].len() / atoms
    }
}

/// The bonds of a ring-closing walk, sorted, padded with `usize::MAX`: its identity.
type BondSet = [usize; LONGEST - 1];

/// The distinct paths of 3, 4 and 5 atoms (as atom walks), hydrogen atoms left out: one depth-first
/// walk from every atom finds all three lengths, each list in the order a walk for that length
/// alone would find it (so that sums over the paths add in the same order).
pub fn paths(mol: &Molecule) -> Paths {
    let mut seen: [HashSet<BondSet>; 3] = Default::default();
    let mut out = Paths { walks: Default::default() };
    let mut walk = Vec::with_capacity(LONGEST + 1);
    for start in 0..mol.atoms.len() {
        if mol.atoms[start].z == 1 {
            continue;
        }
        walk.clear();
        walk.push(start);
        extend(mol, &mut walk, &mut seen, &mut out);
    }
    out
}

/// Every step from the end of the simple walk `walk`: a step to a new atom is a simple path (kept
/// in the orientation that starts at its lower atom, as each is walked from both ends) and is
/// extended further; a step back onto an earlier atom (not the previous one) closes a ring and ends
/// the path there.
fn extend(mol: &Molecule, walk: &mut Vec<usize>, seen: &mut [HashSet<BondSet>; 3], out: &mut Paths) {
    let atoms = walk.len() + 1;
    let last = walk[walk.len() - 1];
    for &(next, _) in &mol.adjacency[last] {
        if mol.atoms[next].z == 1 {
            continue;
        }
        if walk.contains(&next) {
            if atoms < SHORTEST || walk[walk.len() - 2] == next {
                continue;
            }
            walk.push(next);
            // A walk closing a ring: several walks share its bonds; keep the first.
            let mut bonds: BondSet = [usize::MAX; LONGEST - 1];
            for (slot, w) in bonds.iter_mut().zip(walk.windows(2)) {
                *slot = mol.bond_between(w[0], w[1]).unwrap_or(usize::MAX);
            }
            bonds.sort_unstable();
            if seen[atoms - SHORTEST].insert(bonds) {
                out.walks[atoms - SHORTEST].extend_from_slice(walk);
            }
            walk.pop();
            continue;
        }
        walk.push(next);
        if atoms >= SHORTEST && walk[0] < next {
            out.walks[atoms - SHORTEST].extend_from_slice(walk);
        }
        if atoms < LONGEST {
            extend(mol, walk, seen, out);
        }
        walk.pop();
    }
}

/// ChiN from per-atom weights over the walks of N + 1 atoms (a closed ring counts its atoms once).
fn chi_n(walks: std::slice::ChunksExact<'_, usize>, w: &[f64]) -> f64 {
    walks
        .map(|p| {
            let n = p.len() - 1;
            let body: f64 = p[..n].iter().map(|&a| w[a]).product();
            if p[n] != p[0] { body * w[p[n]] } else { body }
        })
        .sum()
}

/// Chi0, Chi0n, Chi0v, Chi1, Chi1n, Chi1v, Chi2n, Chi2v, Chi3n, Chi3v, Chi4n, Chi4v, from the
/// paths of 3, 4 and 5 atoms.
pub fn chi(mol: &Molecule, paths: &Paths) -> Vec<f64> {
    let nv = n_vals(mol);
    let hk = hk_deltas(mol);
    let chi0: f64 =
        (0..mol.atoms.len()).map(|i| mol.degree(i)).filter(|&d| d != 0).map(|d| (1.0 / d as f64).sqrt()).sum();
    let chi1: f64 = mol
        .bonds
        .iter()
        .map(|b| mol.degree(b.a) * mol.degree(b.b))
        .filter(|&d| d != 0)
        .map(|d| (1.0 / d as f64).sqrt())
        .sum();
    let pair = |w: &[f64]| mol.bonds.iter().map(|b| w[b.a] * w[b.b]).sum::<f64>();
    let mut out = vec![chi0, nv.iter().sum::<f64>(), hk.iter().sum::<f64>(), chi1, pair(&nv), pair(&hk)];
    for atoms in SHORTEST..=LONGEST {
        out.push(chi_n(paths.of(atoms), &nv));
        out.push(chi_n(paths.of(atoms), &hk));
    }
    out
}

/// Hall–Kier alpha of one atom: Kier's table by element and hybridization, else Rb0/Rb0(C) − 1.
fn alpha(z: u8, hyb: Hybridization) -> f64 {
    use Hybridization::{Sp, Sp2};
    match (z, hyb) {
        (1, _) => 0.0,
        (6, Sp) => -0.22,
        (6, Sp2) => -0.13,
        (6, _) => 0.0,
        (7, Sp) => -0.29,
        (7, Sp2) => -0.20,
        (7, _) => -0.04,
        (8, Sp2) => -0.20,
        (8, _) => -0.04,
        (9, _) => -0.07,
        (15, Sp2) => 0.30,
        (15, _) => 0.43,
        (16, Sp2) => 0.22,
        (16, _) => 0.35,
        (17, _) => 0.29,
        (35, _) => 0.48,
        (53, _) => 0.73,
        _ => element(z).rb0 / element(6).rb0 - 1.0,
    }
}

/// HallKierAlpha, Kappa1, Kappa2, Kappa3, from the paths of 3, 4 and 5 atoms.
pub fn kappa(p: &Perceived, paths: &Paths) -> Vec<f64> {
    let mol = p.mol;
    let a: f64 =
        mol.atoms.iter().zip(&p.hybridization).filter(|(at, _)| at.z != 0).map(|(at, &h)| alpha(at.z, h)).sum();
    let heavy = mol.heavy_atoms();
    let n = heavy as f64;
    let ratio = |num: f64, count: f64| if count + a != 0.0 { num / ((count + a) * (count + a)) } else { 0.0 };
    let p1 = mol.bonds.len() as f64;
    let p2 = paths.count(3) as f64;
    let p3 = paths.count(4) as f64;
    let k1 = ratio((n + a) * (n + a - 1.0) * (n + a - 1.0), p1);
    let k2 = ratio((n + a - 1.0) * (n + a - 2.0) * (n + a - 2.0), p2);
    let k3 = if heavy % 2 == 1 {
        ratio((n + a - 1.0) * (n + a - 3.0) * (n + a - 3.0), p3)
    } else {
        ratio((n + a - 2.0) * (n + a - 3.0) * (n + a - 3.0), p3)
    };
    vec![a, k1, k2, k3]
}

#[cfg(test)]
mod tests {
    use super::super::super::parse;
    use super::*;

    fn chi_of(smiles: &str) -> Vec<f64> {
        let mol = parse(smiles).unwrap();
        chi(&mol, &paths(&mol))
    }

    #[test]
    fn more_hydrogens_than_outer_electrons_wrap_around_as_in_rdkit() {
        // RDKit 2026.09, Descriptors.Chi0n / Chi1n / Chi0v: the wrapped 2^32 − 1 gives 1/√(2^32 − 1).
        let chi = chi_of("C[*H]C");
        assert!((chi[1] - 2.0000152587890643).abs() < 1e-12, "Chi0n {}", chi[1]);
        assert!((chi[4] - 3.0517578128552714e-05).abs() < 1e-15, "Chi1n {}", chi[4]);
        assert_eq!(chi[2], 2.0, "Chi0v");
        let chi = chi_of("[BH4-]");
        assert!((chi[1] - 1.5258789064276357e-05).abs() < 1e-15, "Chi0n {}", chi[1]);
        assert!((chi[2] - 1.5258789064276357e-05).abs() < 1e-15, "Chi0v {}", chi[2]);
    }
}
