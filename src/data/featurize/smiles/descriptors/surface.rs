//! TPSA (Ertl's topological polar surface area, N and O only, RDKit's default) and LabuteASA,
//! as RDKit's MolSurf.cpp computes them.

use super::super::elements::element;
use super::super::molecule::{Molecule, Order};
use super::Perceived;

/// Neighbour and bond counts of one atom as TPSA's table reads them.
#[derive(Default)]
struct Env {
    /// Neighbours other than hydrogen atoms.
    nbrs: i32,
    h: i32,
    single: i32,
    double: i32,
    triple: i32,
    aromatic: i32,
}

fn environment(mol: &Molecule, i: usize) -> Env {
    let mut e = Env { h: i32::from(mol.atoms[i].h()), ..Env::default() };
    for &(j, b) in &mol.adjacency[i] {
        if mol.atoms[j].z == 1 {
            e.h += 1;
            continue;
        }
        e.nbrs += 1;
        match mol.bonds[b].order {
            Order::Aromatic => e.aromatic += 1,
            Order::Single => e.single += 1,
            Order::Double => e.double += 1,
            Order::Triple => e.triple += 1,
            Order::Quadruple => {}
        }
    }
    e
}

/// Ertl's contribution of a nitrogen (RDKit's table; otherwise 30.5 − 8.2·neighbours + 1.5·H, ≥ 0).
fn nitrogen(e: &Env, q: i8, in3: bool) -> f64 {
    let Env { nbrs, h, single: s, double: d, triple: t, aromatic: a } = *e;
    let v = match (nbrs, h, q) {
        (1, 0, 0) if t == 1 => Some(23.79),
        (1, 1, 0) if d == 1 => Some(23.85),
        (1, 2, 0) if s == 1 => Some(26.02),
        (1, 2, 1) if d == 1 => Some(25.59),
        (1, 3, 1) if s == 1 => Some(27.64),
        (2, 0, 0) if s == 1 && d == 1 => Some(12.36),
        (2, 0, 0) if t == 1 && d == 1 => Some(13.60),
        (2, 1, 0) if s == 2 && in3 => Some(21.94),
        (2, 1, 0) if s == 2 => Some(12.03),
        (2, 0, 1) if t == 1 && s == 1 => Some(4.36),
        (2, 1, 1) if d == 1 && s == 1 => Some(13.97),
        (2, 2, 1) if s == 2 => Some(16.61),
        (2, 0, 0) if a == 2 => Some(12.89),
        (2, 1, 0) if a == 2 => Some(15.79),
        (2, 1, 1) if a == 2 => Some(14.14),
        (3, 0, 0) if s == 3 && in3 => Some(3.01),
        (3, 0, 0) if s == 3 => Some(3.24),
        (3, 0, 0) if s == 1 && d == 2 => Some(11.68),
        (3, 0, 1) if s == 2 && d == 1 => Some(3.01),
        (3, 1, 1) if s == 3 => Some(4.44),
        (3, 0, 0) if a == 3 => Some(4.41),
        (3, 0, 0) if s == 1 && a == 2 => Some(4.93),
        (3, 0, 0) if d == 1 && a == 2 => Some(8.39),
        (3, 0, 1) if a == 3 => Some(4.10),
        (3, 0, 1) if s == 1 && a == 2 => Some(3.88),
        (4, 0, 1) if s == 4 => Some(0.0),
        _ => None,
    };
    v.unwrap_or_else(|| (30.5 - f64::from(nbrs) * 8.2 + f64::from(h) * 1.5).max(0.0))
}

/// Ertl's contribution of an oxygen (otherwise 28.5 − 8.6·neighbours + 1.5·H, ≥ 0).
fn oxygen(e: &Env, q: i8, in3: bool) -> f64 {
    let Env { nbrs, h, single: s, double: d, aromatic: a, .. } = *e;
    let v = match (nbrs, h, q) {
        (1, 0, 0) if d == 1 => Some(17.07),
        (1, 1, 0) if s == 1 => Some(20.23),
        (1, 0, -1) if s == 1 => Some(23.06),
        (2, 0, 0) if s == 2 && in3 => Some(12.53),
        (2, 0, 0) if s == 2 => Some(9.23),
        (2, 0, 0) if a == 2 => Some(13.14),
        _ => None,
    };
    v.unwrap_or_else(|| (28.5 - f64::from(nbrs) * 8.6 + f64::from(h) * 1.5).max(0.0))
}

pub fn tpsa(p: &Perceived) -> f64 {
    let mol = p.mol;
    (0..mol.atoms.len())
        .map(|i| {
            let atom = &mol.atoms[i];
            let in3 = || p.rings.atom_in_ring_of_size(i, 3);
            match atom.z {
                7 => nitrogen(&environment(mol, i), atom.charge, in3()),
                8 => oxygen(&environment(mol, i), atom.charge, in3()),
                _ => 0.0,
            }
        })
        .sum()
}

/// One sphere's overlap term of Labute's approximate surface area.
fn overlap(ri: f64, rj: f64, bij: f64) -> (f64, f64) {
    let dij = (ri - rj).abs().max(bij).min(ri + rj);
    (rj * rj - (ri - dij) * (ri - dij) / dij, ri * ri - (rj - dij) * (rj - dij) / dij)
}

/// LabuteASA with hydrogens, as RDKit computes it: radii `Rb0`, bond lengths shortened by 0.1
/// (aromatic), 0.2 (double) or 0.3 (triple), and one hydrogen sphere per atom (RDKit adds one
/// whatever the atom's hydrogen count).
pub fn labute_asa(mol: &Molecule) -> f64 {
    let rads: Vec<f64> = mol.atoms.iter().map(|a| element(a.z).rb0).collect();
    let mut v = vec![0.0; mol.atoms.len()];
    for bond in &mol.bonds {
        let (ri, rj) = (rads[bond.a], rads[bond.b]);
        let shorten = match bond.order {
            Order::Aromatic => 0.1,
            Order::Single | Order::Quadruple => 0.0,
            Order::Double => 0.2,
            Order::Triple => 0.3,
        };
        let (to_i, to_j) = overlap(ri, rj, ri + rj - shorten);
        v[bond.a] += to_i;
        v[bond.b] += to_j;
    }
    let rh = element(1).rb0;
    let mut h = 0.0;
    for (i, &ri) in rads.iter().enumerate() {
        let (to_i, to_h) = overlap(ri, rh, ri + rh);
        v[i] += to_i;
        h += to_h;
    }
    let mut total: f64 = rads.iter().zip(&v).map(|(&r, &vi)| std::f64::consts::PI * r * (4.0 * r - vi)).sum();
    if h.abs() > 1e-4 {
        total += std::f64::consts::PI * rh * (4.0 * rh - h);
    }
    total
}
