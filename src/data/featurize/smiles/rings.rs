//! Ring perception as RDKit does it by default: ring bonds (those on any cycle) and the relevant
//! cycles (every cycle that is not a sum of shorter ones; RDKit's "symmetrized SSSR" since it
//! uses the RingDecomposerLib), so that benzene has 1 ring, naphthalene 2, adamantane 4 and
//! cubane 6.
//!
//! Each ring system (connected set of ring bonds) is read alone: one with as many bonds as atoms
//! is a single cycle; the others go through [`relevant_cycles`].

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

/// Ring bonds (bridges are the bonds on no cycle) and relevant cycles, in the order of (size,
/// bond set).
pub fn perceive(mol: &Molecule) -> Rings {
    let ring_bond = ring_bonds(mol);
    let words = mol.bonds.len().div_ceil(64);
    // The cycle space is the direct sum of the ring systems' (their bond sets are disjoint), so
    // each system's relevant cycles are found alone; a system with as many bonds as atoms is one
    // cycle, relevant by itself (benzene, cyclohexane: most rings of most molecules).
    let mut relevant: Vec<(usize, Vec<u64>)> = Vec::new();
    for system in ring_systems(mol, &ring_bond) {
        if system.bonds.len() == system.atoms.len() {
            relevant.push((system.bonds.len(), bitset(&system.bonds, words)));
        } else {
            relevant.extend(relevant_cycles(mol, &ring_bond, &system, words));
        }
    }
    relevant.sort_unstable();
    let mut rings = Rings { ring_bond, ..Rings::default() };
    for (_, bits) in relevant {
        let bonds: Vec<usize> = (0..mol.bonds.len()).filter(|&e| has_bit(&bits, e)).collect();
        let mut atoms: Vec<usize> = bonds.iter().flat_map(|&e| [mol.bonds[e].a, mol.bonds[e].b]).collect();
        atoms.sort_unstable();
        atoms.dedup();
        rings.bonds.push(bonds);
        rings.atoms.push(atoms);
    }
    rings
}

/// A connected set of ring bonds and their atoms (both ascending).
struct RingSystem {
    atoms: Vec<usize>,
    bonds: Vec<usize>,
}

/// The ring systems: the connected components of the ring bonds.
fn ring_systems(mol: &Molecule, ring_bond: &[bool]) -> Vec<RingSystem> {
    let mut system_of = vec![usize::MAX; mol.atoms.len()];
    let mut systems = Vec::new();
    for start in 0..mol.atoms.len() {
        if system_of[start] != usize::MAX || !mol.adjacency[start].iter().any(|&(_, b)| ring_bond[b]) {
            continue;
        }
        let id = systems.len();
        let (mut atoms, mut bonds) = (vec![start], Vec::new());
        system_of[start] = id;
        let mut k = 0;
        while k < atoms.len() {
            for &(b, e) in &mol.adjacency[atoms[k]] {
                if !ring_bond[e] {
                    continue;
                }
                if system_of[b] == usize::MAX {
                    system_of[b] = id;
                    atoms.push(b);
                }
                if atoms[k] < b {
                    bonds.push(e);
                }
            }
            k += 1;
        }
        atoms.sort_unstable();
        bonds.sort_unstable();
        systems.push(RingSystem { atoms, bonds });
    }
    systems
}

/// Bit `i` of a bit set of 64-bit words.
fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1u64 << (i % 64);
}

fn has_bit(bits: &[u64], i: usize) -> bool {
    (bits[i / 64] >> (i % 64)) & 1 == 1
}

fn bitset(bonds: &[usize], words: usize) -> Vec<u64> {
    let mut bits = vec![0u64; words];
    for &e in bonds {
        set_bit(&mut bits, e);
    }
    bits
}

/// The relevant cycles of one ring system with more than one cycle, each as (size, bond set over
/// the molecule's `words` words).
///
/// A relevant cycle is isometric (no shortcut between two of its atoms), so it is found among the
/// cycles made of a shortest path from a ring atom `v` to each end of a ring bond `x–y` (all
/// shortest paths are tried); candidates are then kept, by increasing length, when they are
/// independent (over GF(2), as bond sets) of all strictly shorter candidates. The set kept does
/// not depend on the order of candidates of one length. Inside, atoms and bonds are numbered
/// within the system, and each shortest path is a pair of bit sets (its atoms, its bonds).
fn relevant_cycles(mol: &Molecule, ring_bond: &[bool], system: &RingSystem, words: usize) -> Vec<(usize, Vec<u64>)> {
    let (k, m) = (system.atoms.len(), system.bonds.len());
    let mut local_atom = vec![usize::MAX; mol.atoms.len()];
    for (i, &a) in system.atoms.iter().enumerate() {
        local_atom[a] = i;
    }
    let local_bond = |e: usize| system.bonds.binary_search(&e).unwrap_or(usize::MAX);
    // Ring-bond adjacency within the system: (atom, bond), both local.
    let adj: Vec<Vec<(usize, usize)>> = system
        .atoms
        .iter()
        .map(|&a| {
            mol.adjacency[a]
                .iter()
                .filter(|&&(_, e)| ring_bond[e])
                .map(|&(b, e)| (local_atom[b], local_bond(e)))
                .collect()
        })
        .collect();
    let (aw, bw) = (k.div_ceil(64), m.div_ceil(64));
    let mut seen: HashSet<Vec<u64>> = HashSet::new();
    let mut candidates: Vec<(usize, Vec<u64>)> = Vec::new();
    for v in 0..k {
        let (order, dist, preds) = bfs(&adj, v);
        let paths_to = shortest_paths(&order, &preds, v, aw, bw);
        for b in 0..m {
            let (x, y) = (local_atom[mol.bonds[system.bonds[b]].a], local_atom[mol.bonds[system.bonds[b]].b]);
            if dist[x].abs_diff(dist[y]) > 1 {
                continue;
            }
            for (p_atoms, p_bonds) in &paths_to[x] {
                for (q_atoms, q_bonds) in &paths_to[y] {
                    if has_bit(p_bonds, b) || has_bit(q_bonds, b) {
                        continue;
                    }
                    // The two paths may share only v (both hold it).
                    let shared: u32 = p_atoms.iter().zip(q_atoms).map(|(p, q)| (p & q).count_ones()).sum();
                    if shared > 1 {
                        continue;
                    }
                    let mut bits: Vec<u64> = p_bonds.iter().zip(q_bonds).map(|(p, q)| p | q).collect();
                    set_bit(&mut bits, b);
                    let len = bits.iter().map(|w| w.count_ones() as usize).sum();
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
    let mut relevant = Vec::new();
    let mut c = 0;
    while c < candidates.len() {
        let len = candidates[c].0;
        let group_end = candidates[c..].iter().position(|g| g.0 != len).map_or(candidates.len(), |p| c + p);
        let shorter = basis.len();
        for (_, bits) in &candidates[c..group_end] {
            if reduce(bits, &basis[..shorter]).iter().any(|&w| w != 0) {
                // Back to the molecule's bond numbers.
                let mut global = vec![0u64; words];
                for (i, &e) in system.bonds.iter().enumerate() {
                    if has_bit(bits, i) {
                        set_bit(&mut global, e);
                    }
                }
                relevant.push((len, global));
            }
        }
        for (_, bits) in &candidates[c..group_end] {
            let r = reduce(bits, &basis);
            if let Some(pivot) = lowest_bit(&r) {
                basis.push((pivot, r));
            }
        }
        c = group_end;
    }
    relevant
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
        if has_bit(&r, *pivot) {
            for (a, b) in r.iter_mut().zip(row) {
                *a ^= b;
            }
        }
    }
    r
}

/// Breadth-first from `v`: the atoms in the order reached, their distances, and per atom its
/// predecessors on shortest paths (neighbour, bond).
#[allow(clippy::type_complexity)]
fn bfs(adj: &[Vec<(usize, usize)>], v: usize) -> (Vec<usize>, Vec<usize>, Vec<Vec<(usize, usize)>>) {
    let mut dist = vec![usize::MAX; adj.len()];
    let mut preds = vec![Vec::new(); adj.len()];
    dist[v] = 0;
    let mut order = vec![v];
    let mut head = 0;
    while head < order.len() {
        let a = order[head];
        head += 1;
        for &(b, e) in &adj[a] {
            if dist[b] == usize::MAX {
                dist[b] = dist[a] + 1;
                preds[b].push((a, e));
                order.push(b);
            } else if dist[b] == dist[a] + 1 {
                preds[b].push((a, e));
            }
        }
    }
    (order, dist, preds)
}

/// A path as bit sets: its atoms (`aw` words) and its bonds.
type PathBits = (Vec<u64>, Vec<u64>);

/// Per atom, all shortest paths from `v` to it (at most [`MAX_PATHS`]), built in breadth-first
/// `order` from its predecessors' paths.
fn shortest_paths(
    order: &[usize],
    preds: &[Vec<(usize, usize)>],
    v: usize,
    aw: usize,
    bw: usize,
) -> Vec<Vec<PathBits>> {
    let mut out: Vec<Vec<PathBits>> = vec![Vec::new(); preds.len()];
    let mut start = (vec![0u64; aw], vec![0u64; bw]);
    set_bit(&mut start.0, v);
    out[v].push(start);
    for &t in &order[1..] {
        let mut to_t = Vec::new();
        'preds: for &(p, e) in &preds[t] {
            for (atoms, bonds) in &out[p] {
                if to_t.len() >= MAX_PATHS {
                    break 'preds;
                }
                let (mut atoms, mut bonds) = (atoms.clone(), bonds.clone());
                set_bit(&mut atoms, t);
                set_bit(&mut bonds, e);
                to_t.push((atoms, bonds));
            }
        }
        out[t] = to_t;
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
        // RDKit 2026.09 (RingInfo.AtomRings): a spiro system, three equal bridges, an acene.
        assert_eq!(sizes("C1CCC2(CC1)CCCCC2"), [6, 6]);
        assert_eq!(sizes("C1CC2CCC1CC2"), [6, 6, 6]);
        assert_eq!(sizes("c1ccc2cc3ccccc3cc2c1"), [6, 6, 6]);
        // 72 atoms and 73 bonds: bit sets of more than one word; the 72-bond envelope is the
        // sum of the two shorter cycles.
        assert_eq!(sizes(&format!("C12{}C1CC2", "C".repeat(68))), [4, 70]);
    }

    #[test]
    fn ring_bonds_are_the_bonds_on_cycles() {
        let m = parse("C1CC1CC").unwrap();
        assert_eq!(ring_bonds(&m), [true, true, true, false, false]);
    }
}
