//! Explicit hydrogen atoms (`[H]C`, `C([H])([H])`) merged into their heavy neighbour's hydrogen
//! count, as RDKit's `MolFromSmiles` does by default (`RemoveHs`). Hydrogens that RDKit keeps as
//! atoms stay: isotopes (`[2H]`), charged ones, and those bonded to another H, to a dummy atom,
//! to more than one atom or to nothing.

use super::molecule::{Molecule, Order};

pub fn merge(mol: Molecule) -> Molecule {
    let removable = |i: usize| {
        let a = &mol.atoms[i];
        a.z == 1
            && a.isotope == 0
            && a.charge == 0
            && a.explicit_h == 0
            && mol.adjacency[i].len() == 1
            && mol.atoms[mol.adjacency[i][0].0].z > 1
            && mol.bonds[mol.adjacency[i][0].1].order == Order::Single
    };
    let drop: Vec<bool> = (0..mol.atoms.len()).map(removable).collect();
    if !drop.iter().any(|&d| d) {
        return mol;
    }
    let mut out = Molecule::default();
    let mut index = vec![usize::MAX; mol.atoms.len()];
    for (i, atom) in mol.atoms.iter().enumerate() {
        if !drop[i] {
            index[i] = out.add_atom(atom.clone());
        }
    }
    for i in (0..mol.atoms.len()).filter(|&i| drop[i]) {
        let heavy = index[mol.adjacency[i][0].0];
        out.atoms[heavy].explicit_h += 1;
    }
    for bond in &mol.bonds {
        if !drop[bond.a] && !drop[bond.b] {
            out.add_bond(index[bond.a], index[bond.b], bond.order);
        }
    }
    out
}
