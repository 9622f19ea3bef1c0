//! NumHDonors, NumHAcceptors, NumRotatableBonds, NumAromaticRings and FractionCSP3 by RDKit's
//! definitions (Lipinski.cpp). RDKit states the first three as SMARTS; they are written out here
//! as predicates on the graph, each with its SMARTS above it. In SMARTS `N`, `O`, `S`, `C` are
//! aliphatic atoms, `n`, `o`, `s` aromatic ones, `#7` either; `H` counts hydrogens, `D` explicit
//! neighbours, `X` neighbours plus hydrogens, `v` the total valence; `@` is a ring bond.

use super::super::molecule::{Molecule, Order};
use super::Perceived;

fn aliphatic(mol: &Molecule, i: usize, z: u8) -> bool {
    mol.atoms[i].z == z && !mol.atoms[i].aromatic
}

fn aromatic(mol: &Molecule, i: usize, z: u8) -> bool {
    mol.atoms[i].z == z && mol.atoms[i].aromatic
}

/// Aliphatic O, N, P or S (the SMARTS `[O,N,P,S]`).
fn onps(mol: &Molecule, i: usize) -> bool {
    [8, 7, 15, 16].iter().any(|&z| aliphatic(mol, i, z))
}

/// Aliphatic N, O or S (the SMARTS `[N,O,S]`).
fn nos(mol: &Molecule, i: usize) -> bool {
    [7, 8, 16].iter().any(|&z| aliphatic(mol, i, z))
}

/// `[N&!H0&v3,N&!H0&+1&v4,O&H1&+0,S&H1&+0,n&H1&+0]`
pub fn h_donors(mol: &Molecule) -> usize {
    (0..mol.atoms.len())
        .filter(|&i| {
            let (h, v, q) = (mol.h_with_neighbours(i), mol.total_valence(i), mol.atoms[i].charge);
            (aliphatic(mol, i, 7) && h > 0 && (v == 3 || q == 1 && v == 4))
                || ((aliphatic(mol, i, 8) || aliphatic(mol, i, 16)) && h == 1 && q == 0)
                || (aromatic(mol, i, 7) && h == 1 && q == 0)
        })
        .count()
}

/// Whether atom `x` has a double bond (non-ring only if `acyclic`) to an aliphatic O, N, P or S
/// (`*=[O,N,P,S]`, `*=!@[O,N,P,S]`).
fn double_to_onps(p: &Perceived, x: usize, acyclic: bool) -> bool {
    let mol = p.mol;
    mol.adjacency[x]
        .iter()
        .any(|&(y, b)| mol.bonds[b].order == Order::Double && onps(mol, y) && !(acyclic && p.rings.ring_bond[b]))
}

/// `[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0X2,o,s;+0])]`
pub fn h_acceptors(p: &Perceived) -> usize {
    let mol = p.mol;
    let single_nbrs = |i: usize| mol.adjacency[i].iter().filter(move |&&(_, b)| mol.bonds[b].order == Order::Single);
    (0..mol.atoms.len())
        .filter(|&i| {
            let (h, v, q) = (mol.h_with_neighbours(i), mol.total_valence(i), mol.atoms[i].charge);
            let os = aliphatic(mol, i, 8) || aliphatic(mol, i, 16);
            (os && h == 1 && v == 2 && single_nbrs(i).any(|&(x, _)| !double_to_onps(p, x, false)))
                || (os && h == 0 && v == 2)
                || (os && q == -1)
                || (aliphatic(mol, i, 7) && v == 3 && !single_nbrs(i).any(|&(x, _)| double_to_onps(p, x, true)))
                || (q == 0
                    && ((aromatic(mol, i, 7) && h == 0 && mol.total_degree(i) == 2)
                        || aromatic(mol, i, 8)
                        || aromatic(mol, i, 16)))
        })
        .count()
}

/// Whether the atom has three neighbours matching `f` (`C(F)(F)F` and the like).
fn three(mol: &Molecule, i: usize, f: impl Fn(usize) -> bool) -> bool {
    mol.adjacency[i].iter().filter(|&&(j, _)| f(j)).count() >= 3
}

/// The end conditions of a rotatable bond in RDKit's strict definition:
/// `[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CH3])]`
fn rotor_end(mol: &Molecule, i: usize) -> bool {
    let methyl = |j: usize| aliphatic(mol, j, 6) && mol.h_with_neighbours(j) == 3;
    let triple = mol.adjacency[i].iter().any(|&(_, b)| mol.bonds[b].order == Order::Triple);
    // CX3 (X = F, Cl, Br) and tert-butyl centres.
    let capped = aliphatic(mol, i, 6)
        && ([9, 17, 35].iter().any(|&x| three(mol, i, |j| aliphatic(mol, j, x))) || three(mol, i, methyl));
    !triple && mol.degree(i) != 1 && !capped && !methyl(i)
}

/// `[#7,O,S!D1]`: any N, an aliphatic O, or an aliphatic S with more than one neighbour.
fn amide_partner(mol: &Molecule, i: usize) -> bool {
    mol.atoms[i].z == 7 || aliphatic(mol, i, 8) || (aliphatic(mol, i, 16) && mol.degree(i) != 1)
}

/// `[CD3](=[N,O,S])` (or `(=[N+])` with `plus`): the carbon of an amide, ester, thioamide…
fn amide_carbon(mol: &Molecule, i: usize, plus: bool) -> bool {
    aliphatic(mol, i, 6)
        && mol.degree(i) == 3
        && mol.adjacency[i].iter().any(|&(y, b)| {
            mol.bonds[b].order == Order::Double
                && if plus { aliphatic(mol, y, 7) && mol.atoms[y].charge == 1 } else { nos(mol, y) }
        })
}

/// The extra conditions on the first end of a strict rotatable bond:
/// `!$([CD3](=[N,O,S])-!@[#7,O,S!D1])&!$([#7,O,S!D1]-!@[CD3]=[N,O,S])&!$([CD3](=[N+])-!@[#7!D1])&!$([#7!D1]-!@[CD3]=[N+])`
fn rotor_first_end(p: &Perceived, i: usize) -> bool {
    let mol = p.mol;
    let acyclic_single = |i: usize| {
        mol.adjacency[i]
            .iter()
            .filter(move |&&(_, b)| mol.bonds[b].order == Order::Single && !p.rings.ring_bond[b])
            .map(|&(j, _)| j)
    };
    let n_not_d1 = |j: usize| mol.atoms[j].z == 7 && mol.degree(j) != 1;
    // For the carbon: the partner must be another neighbour than its =X, which a single bond is.
    let amide_c = amide_carbon(mol, i, false) && acyclic_single(i).any(|j| amide_partner(mol, j));
    let amide_x = amide_partner(mol, i) && acyclic_single(i).any(|c| amide_carbon(mol, c, false));
    let amidinium_c = amide_carbon(mol, i, true) && acyclic_single(i).any(n_not_d1);
    let amidinium_x = n_not_d1(i) && acyclic_single(i).any(|c| amide_carbon(mol, c, true));
    !(amide_c || amide_x || amidinium_c || amidinium_x)
}

/// RDKit's default (strict) rotatable bonds: single or aromatic, acyclic bonds between two
/// `rotor_end` atoms, one of which also passes `rotor_first_end`.
pub fn rotatable_bonds(p: &Perceived) -> usize {
    let mol = p.mol;
    mol.bonds
        .iter()
        .enumerate()
        .filter(|&(b, bond)| {
            matches!(bond.order, Order::Single | Order::Aromatic)
                && !p.rings.ring_bond[b]
                && rotor_end(mol, bond.a)
                && rotor_end(mol, bond.b)
                && (rotor_first_end(p, bond.a) || rotor_first_end(p, bond.b))
        })
        .count()
}

/// Rings (relevant cycles) whose bonds are all aromatic; the others are aliphatic rings.
pub fn aromatic_rings(p: &Perceived) -> usize {
    p.rings.bonds.iter().filter(|r| r.iter().all(|&b| p.mol.bonds[b].aromatic())).count()
}

/// Carbons with four neighbours-plus-hydrogens over all carbons (0 without carbon).
pub fn fraction_csp3(mol: &Molecule) -> f64 {
    let carbons: Vec<usize> = (0..mol.atoms.len()).filter(|&i| mol.atoms[i].z == 6).collect();
    if carbons.is_empty() {
        return 0.0;
    }
    carbons.iter().filter(|&&i| mol.total_degree(i) == 4).count() as f64 / carbons.len() as f64
}
