//! Ring perception as RDKit does it by default: ring bonds (those on any cycle) and the relevant
//! cycles (every cycle that is not a sum of shorter ones; RDKit's "symmetrized SSSR" since it
//! uses the RingDecomposerLib), so that benzene has 1 ring, naphthalene 2, adamantane 4 and
//! cubane 6.
//!
//! Method: a relevant cycle is isometric (no shortcut between two of its atoms), so it is found
//! among the cycles made of a shortest path from a ring atom `v` to each end of a ring bond
//! `x–y` (all shortest paths are tried); candidates are then kept, by increasing length, when
//! they are independent (over GF(2), as bond sets) of all strictly shorter candidates.

use std::collections::HashSet;

use super::molecule::Molecule;

/// Shortest paths enumerated per (start, end) pair before giving up on more (molecules have few).
const MAX_PATHS: usize = 64;

/// The rings of a molecule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rings {
    /// Per bond: lies on a cycle.
    pub ring_bond: Vec<bool>,
    /// The relevant cycles, each as its bond indices (sorted) and atom indices (sorted).
    pub bonds: Vec<Vec<usize>>,
    pub atoms: Vec<Vec<usize>>,
}

impl Rings {
    /// Whether `atom` lies in a relevant cycle of `size` atoms.
    pub fn atom_in_ring_of_size(&self, atom: usize, size: usize) -> bool {
        self.atoms.iter().any(|r| r.len() == size && r.binary_search(&atom).is_ok())
    }
}

/// Ring bonds (bridges are the bonds on no cycle) and relevant cycles.
pub fn perceive(mol: &Molecule) -> Rings {
    let ring_bond = ring_bonds(mol);
    if !ring_bond.iter().any(|&r| r) {
        return Rings { ring_bond, ..Rings::default() };
    }
    let n = mol.atoms.len();
    let words = mol.bonds.len().div_ceil(64);
    // Ring-bond adjacency.
    let adj: Vec<Vec<(usize, usize)>> =
        (0..n).map(|i| mol.adjacency[i].iter().filter(|&&(_, b)| ring_bond[b]).copied().collect()).collect();
    let ring_atoms: Vec<usize> = (0..n).filter(|&i| !adj[i].is_empty()).collect();
    let mut seen: HashSet<Vec<u64>> = HashSet::new();
    let mut candidates: Vec<(usize, Vec<u64>)> = Vec::new();
    for &v in &ring_atoms {
        let (dist, preds) = bfs(&adj, v);
        // The shortest paths from v to each atom it reaches, found once (each atom ends several bonds).
        let paths_to: Vec<Vec<(Vec<usize>, Vec<usize>)>> =
            (0..n).map(|t| if dist[t].is_some() { paths(&preds, v, t) } else { Vec::new() }).collect();
        for (b, bond) in mol.bonds.iter().enumerate() {
            if !ring_bond[b] {
                continue;
            }
            let (x, y) = (bond.a, bond.b);
            let (Some(dx), Some(dy)) = (dist[x], dist[y]) else { continue };
            if dx.abs_diff(dy) > 1 {
                continue;
            }
            for p in &paths_to[x] {
                for q in &paths_to[y] {
                    if p.1.contains(&b) || q.1.contains(&b) {
                        continue;
                    }
                    // The two paths may share only v.
                    if p.0.iter().any(|a| *a != v && q.0.contains(a)) {
                        continue;
                    }
                    let mut bits = vec![0u64; words];
                    for &e in p.1.iter().chain(&q.1).chain(std::iter::once(&b)) {
                        bits[e / 64] |= 1u64 << (e % 64);
                    }
                    let len = p.1.len() + q.1.len() + 1;
                    if len >= 3 && seen.insert(bits.clone()) {
                        candidates.push((len, bits));
                    }
                }
            }
        }
    }
    candidates.sort();
    // Gaussian elimination over GF(2): basis rows keyed by their lowest set bit.
    let mut basis: Vec<(usize, Vec<u64>)> = Vec::new();
    let mut relevant: Vec<Vec<u64>> = Vec::new();
    let mut k = 0;
    while k < candidates.len() {
        let len = candidates[k].0;
        let group_end = candidates[k..].iter().position(|c| c.0 != len).map_or(candidates.len(), |p| k + p);
        let shorter = basis.len();
        for (_, bits) in &candidates[k..group_end] {
            if reduce(bits, &basis[..shorter]).iter().any(|&w| w != 0) {
                relevant.push(bits.clone());
            }
        }
        for (_, bits) in &candidates[k..group_end] {
            let r = reduce(bits, &basis);
            if let Some(pivot) = lowest_bit(&r) {
                basis.push((pivot, r));
            }
        }
        k = group_end;
    }
    let mut rings = Rings { ring_bond, ..Rings::default() };
    for bits in relevant {
        let bonds: Vec<usize> = (0..mol.bonds.len()).filter(|&e| (bits[e / 64] >> (e % 64)) & 1 == 1).collect();
        let mut atoms: Vec<usize> = bonds.iter().flat_map(|&e| [mol.bonds[e].a, mol.bonds[e].b]).collect();
        atoms.sort_unstable();
        atoms.dedup();
        rings.bonds.push(bonds);
        rings.atoms.push(atoms);
    }
    rings
}

fn lowest_bit(bits: &[u64]) -> Option<usize> {
    bits.iter().enumerate().find(|(_, w)| **w != 0).map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

/// `bits` reduced by basis rows (each row eliminates its pivot bit).
fn reduce(bits: &[u64], basis: &[(usize, Vec<u64>)]) -> Vec<u64> {
    let mut r = bits.to_vec();
    // Each row was reduced by the rows before it when it was added, so it is zero at their
    // pivots and one pass in order clears every pivot bit for good.
    for (pivot, row) in basis {
        if (r[pivot / 64] >> (pivot % 64)) & 1 == 1 {
            for (a, b) in r.iter_mut().zip(row) {
                *a ^= b;
            }
        }
    }
    r
}

/// Distances from `v` over ring bonds and, per atom, its predecessors on shortest paths
/// (neighbour, bond).
#[allow(clippy::type_complexity)]
fn bfs(adj: &[Vec<(usize, usize)>], v: usize) -> (Vec<Option<usize>>, Vec<Vec<(usize, usize)>>) {
    let mut dist = vec![None; adj.len()];
    let mut preds = vec![Vec::new(); adj.len()];
    dist[v] = Some(0);
    let mut queue = std::collections::VecDeque::from([v]);
    while let Some(a) = queue.pop_front() {
        let d = dist[a].unwrap_or(0);
        for &(b, e) in &adj[a] {
            match dist[b] {
                None => {
                    dist[b] = Some(d + 1);
                    preds[b].push((a, e));
                    queue.push_back(b);
                }
                Some(db) if db == d + 1 => preds[b].push((a, e)),
                _ => {}
            }
        }
    }
    (dist, preds)
}

/// All shortest paths from `v` to `t` (at most [`MAX_PATHS`]), each as (atoms, bonds).
fn paths(preds: &[Vec<(usize, usize)>], v: usize, t: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
    if t == v {
        return vec![(vec![v], vec![])];
    }
    let mut out = Vec::new();
    for &(p, e) in &preds[t] {
        for (mut atoms, mut bonds) in paths(preds, v, p) {
            if out.len() >= MAX_PATHS {
                return out;
            }
            atoms.push(t);
            bonds.push(e);
            out.push((atoms, bonds));
        }
    }
    out
}

/// Per bond: lies on a cycle (is not a bridge), by Tarjan's low-link over each component.
pub fn ring_bonds(mol: &Molecule) -> Vec<bool> {
    let n = mol.atoms.len();
    let mut order = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut ring = vec![true; mol.bonds.len()];
    let mut counter = 0;
    for root in 0..n {
        if order[root] != usize::MAX {
            continue;
        }
        // Iterative DFS: (atom, bond it was reached by, next neighbour index).
        let mut stack: Vec<(usize, usize, usize)> = vec![(root, usize::MAX, 0)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        while let Some(top) = stack.last_mut() {
            let (a, via) = (top.0, top.1);
            if let Some(&(b, e)) = mol.adjacency[a].get(top.2) {
                top.2 += 1;
                if e == via {
                    continue;
                }
                if order[b] == usize::MAX {
                    order[b] = counter;
                    low[b] = counter;
                    counter += 1;
                    stack.push((b, e, 0));
                } else {
                    low[a] = low[a].min(order[b]);
                }
            } else {
                stack.pop();
                if let Some(&(parent, _, _)) = stack.last() {
                    low[parent] = low[parent].min(low[a]);
                    if low[a] > order[parent] {
                        ring[via] = false;
                    }
                }
            }
        }
    }
    ring
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn sizes(smiles: &str) -> Vec<usize> {
        let mut s: Vec<usize> = perceive(&parse(smiles).unwrap()).atoms.iter().map(Vec::len).collect();
        s.sort_unstable();
        s
    }

    #[test]
    fn relevant_cycles_as_rdkit_counts_them() {
        assert_eq!(sizes("CCCC"), Vec::<usize>::new());
        assert_eq!(sizes("c1ccccc1"), [6]);
        assert_eq!(sizes("c1ccc2ccccc2c1"), [6, 6]);
        assert_eq!(sizes("C1CC2CCC1C2"), [5, 5]);
        assert_eq!(sizes("C1C2CC3CC1CC(C2)C3"), [6, 6, 6, 6]);
        assert_eq!(sizes("C12C3C4C1C5C2C3C45"), [4, 4, 4, 4, 4, 4]);
        assert_eq!(sizes("C1CC1CC1CCCC1"), [3, 5]);
    }

    #[test]
    fn ring_bonds_are_the_bonds_on_cycles() {
        let m = parse("C1CC1CC").unwrap();
        assert_eq!(ring_bonds(&m), [true, true, true, false, false]);
    }
}
