//! `with morgan(radius: R, bits: B, counts: true|false)`: Morgan (ECFP-like) fingerprints as
//! RDKit's `rdFingerprintGenerator.GetMorganGenerator(radius=R, fpSize=B)` computes them with its
//! defaults (MorganGenerator.cpp, FingerprintUtil.cpp, FingerprintGenerator.cpp): connectivity
//! invariants with ring membership, bond types, no chirality, redundant environments dropped,
//! boost's `hash_combine` on 32-bit words. `counts: false` is the bit vector
//! (`GetFingerprint`, the bits of `GetMorganFingerprintAsBitVect`); `counts: true` is RDKit's
//! count simulation (`countSimulation=True`): B/4 folded slots × the count bounds 1, 2, 4, 8.

use std::collections::HashSet;

use super::elements::element;
use super::molecule::{Molecule, Order};
use super::rings::ring_bonds;

/// RDKit's default count-simulation bounds.
const COUNT_BOUNDS: [u32; 4] = [1, 2, 4, 8];

/// boost's `hash_combine` on a 32-bit seed, as RDKit's copy of it (RDGeneral/hash).
fn combine(seed: &mut u32, v: u32) {
    *seed ^= v.wrapping_add(0x9e37_79b9).wrapping_add(*seed << 6).wrapping_add(*seed >> 2);
}

/// The hash of a sequence of 32-bit words (boost's `hash_range`).
fn hash_words(words: &[u32]) -> u32 {
    let mut seed = 0;
    for &w in words {
        combine(&mut seed, w);
    }
    seed
}

/// RDKit's bond type codes (Bond::BondType): single 1, double 2, triple 3, quadruple 4, aromatic 12.
fn bond_type(order: Order) -> u32 {
    match order {
        Order::Single => 1,
        Order::Double => 2,
        Order::Triple => 3,
        Order::Quadruple => 4,
        Order::Aromatic => 12,
    }
}

/// Layer-0 invariants (RDKit's `getConnectivityInvariants` with ring membership): the hash of
/// atomic number, total degree, hydrogens (neighbour H atoms included), charge, the integer part
/// of (mass − average atomic weight), and 1 for an atom in a ring.
fn atom_invariants(mol: &Molecule) -> Vec<u32> {
    let ring = ring_bonds(mol);
    (0..mol.atoms.len())
        .map(|i| {
            let a = &mol.atoms[i];
            let e = element(a.z);
            let mass = if a.isotope != 0 {
                super::elements::isotope_mass(a.z, a.isotope).unwrap_or(0.0)
            } else {
                e.atomic_weight
            };
            let delta = (mass - e.atomic_weight) as i32;
            let words = [
                u32::from(a.z),
                mol.total_degree(i) as u32,
                mol.h_with_neighbours(i),
                i32::from(a.charge) as u32,
                delta as u32,
                1,
            ];
            let in_ring = mol.adjacency[i].iter().any(|&(_, b)| ring[b]);
            hash_words(&words[..if in_ring { 6 } else { 5 }])
        })
        .collect()
}

/// The environment codes (one per atom and radius, redundant environments left out).
///
/// Each atom's neighbourhood (the bonds its environment covers) is a row of `words` 64-bit words
/// in one flat buffer per layer; the buffers are reused from layer to layer.
fn environments(mol: &Molecule, radius: u32) -> Vec<u32> {
    let n = mol.atoms.len();
    let words = mol.bonds.len().div_ceil(64).max(1);
    let mut current = atom_invariants(mol);
    let mut codes = current.clone();
    let mut seen: HashSet<Vec<u64>> = HashSet::new();
    let mut neighbourhood = vec![0u64; n * words];
    let mut grown = neighbourhood.clone();
    let mut next = vec![0u32; n];
    let mut dead = vec![false; n];
    let mut round: Vec<(u32, usize)> = Vec::with_capacity(n);
    let mut nbrs: Vec<(u32, u32)> = Vec::new();
    for layer in 0..radius {
        round.clear();
        next.fill(0);
        grown.copy_from_slice(&neighbourhood);
        for i in 0..n {
            if dead[i] {
                continue;
            }
            if mol.adjacency[i].is_empty() {
                dead[i] = true;
                continue;
            }
            nbrs.clear();
            for &(j, b) in &mol.adjacency[i] {
                grown[i * words + b / 64] |= 1u64 << (b % 64);
                for w in 0..words {
                    grown[i * words + w] |= neighbourhood[j * words + w];
                }
                nbrs.push((bond_type(mol.bonds[b].order), current[j]));
            }
            nbrs.sort_unstable();
            let mut invar = layer;
            combine(&mut invar, current[i]);
            for &(t, inv) in &nbrs {
                combine(&mut invar, hash_words(&[t, inv]));
            }
            next[i] = invar;
            round.push((invar, i));
        }
        let row = |i: usize| &grown[i * words..(i + 1) * words];
        // By neighbourhood, then code, then atom (RDKit's order for dropping redundant ones).
        round.sort_unstable_by(|a, b| row(a.1).cmp(row(b.1)).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        for &(invar, i) in &round {
            if seen.contains(row(i)) {
                dead[i] = true;
            } else {
                codes.push(invar);
                seen.insert(row(i).to_vec());
            }
        }
        std::mem::swap(&mut current, &mut next);
        std::mem::swap(&mut neighbourhood, &mut grown);
    }
    codes
}

/// The fingerprint of `mol` as `bits` values 0/1.
pub fn features(mol: &Molecule, radius: u32, bits: u32, counts: bool) -> Vec<f64> {
    let slots = if counts { bits / COUNT_BOUNDS.len() as u32 } else { bits }.max(1);
    let mut occupancy = vec![0u32; slots as usize];
    for code in environments(mol, radius) {
        occupancy[(code % slots) as usize] += 1;
    }
    let mut out = vec![0.0; bits as usize];
    for (slot, &c) in occupancy.iter().enumerate() {
        if c == 0 {
            continue;
        }
        if counts {
            for (k, &bound) in COUNT_BOUNDS.iter().enumerate() {
                if c >= bound {
                    out[slot * COUNT_BOUNDS.len() + k] = 1.0;
                }
            }
        } else {
            out[slot] = 1.0;
        }
    }
    out
}

/// `fp_0000` … `fp_{bits-1}`, zero-padded to at least four digits.
pub fn column_names(bits: u32) -> Vec<String> {
    let width = bits.saturating_sub(1).to_string().len().max(4);
    (0..bits).map(|i| format!("fp_{i:0width$}")).collect()
}
