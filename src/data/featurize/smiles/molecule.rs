//! The molecular graph a SMILES string is read into: atoms with their hydrogens, charges and
//! aromaticity, bonds with their order, and per-atom neighbour lists. Hydrogens are implicit
//! (counts on their heavy atom), as RDKit keeps them after `MolFromSmiles`, except isotopic
//! ones (`[2H]`), which stay atoms.

use super::elements::{Element, element};

/// A bond order as written (aromatic bonds are `:` or between two aromatic atoms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Single,
    Double,
    Triple,
    Quadruple,
    Aromatic,
}

impl Order {
    /// The order as an integer where it is one (aromatic: `None`).
    pub fn integer(self) -> Option<u8> {
        match self {
            Order::Single => Some(1),
            Order::Double => Some(2),
            Order::Triple => Some(3),
            Order::Quadruple => Some(4),
            Order::Aromatic => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// Atomic number; 0 is the dummy atom `*` (a polymer repeat unit's open end).
    pub z: u8,
    /// Mass number written in a bracket atom (`[13C]`); 0 when none.
    pub isotope: u16,
    pub charge: i8,
    /// Written lower-case (`c`, `[nH]`).
    pub aromatic: bool,
    /// Hydrogens written in a bracket atom (`[CH3]`) or merged from `[H]` atoms.
    pub explicit_h: u8,
    /// Hydrogens the valence model adds (organic-subset atoms only).
    pub implicit_h: u8,
    /// Written in brackets: its hydrogens are all explicit.
    pub bracket: bool,
    /// Unpaired electrons of a bracket atom below its allowed valence (`[CH2]` alone).
    pub radicals: u8,
    /// Has a tetrahedral chirality mark (`@`, `@@`).
    pub chiral: bool,
    /// 0-based character of the atom in the SMILES, for messages.
    pub at: usize,
}

impl Atom {
    /// All hydrogens on the atom (not counting `[2H]` neighbour atoms).
    pub fn h(&self) -> u8 {
        self.explicit_h + self.implicit_h
    }

    pub fn element(&self) -> &'static Element {
        element(self.z)
    }

    /// The symbol as SMILES writes it, for messages (`c` for an aromatic carbon).
    pub fn symbol(&self) -> String {
        let s = &self.element().symbol;
        if self.aromatic { s.to_lowercase() } else { s.clone() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bond {
    pub a: usize,
    pub b: usize,
    pub order: Order,
    /// The order in the Kekulé form (aromatic bonds resolved to 1 or 2).
    pub kekule: u8,
}

impl Bond {
    /// The other end of the bond.
    pub fn other(&self, atom: usize) -> usize {
        if self.a == atom { self.b } else { self.a }
    }

    pub fn aromatic(&self) -> bool {
        self.order == Order::Aromatic
    }
}

/// A molecule: atoms, bonds, and for each atom its (neighbour, bond) pairs in bond order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Molecule {
    pub atoms: Vec<Atom>,
    pub bonds: Vec<Bond>,
    pub adjacency: Vec<Vec<(usize, usize)>>,
}

impl Molecule {
    pub fn add_atom(&mut self, atom: Atom) -> usize {
        self.atoms.push(atom);
        self.adjacency.push(Vec::new());
        self.atoms.len() - 1
    }

    pub fn add_bond(&mut self, a: usize, b: usize, order: Order) -> usize {
        let i = self.bonds.len();
        let kekule = order.integer().unwrap_or(1);
        self.bonds.push(Bond { a, b, order, kekule });
        self.adjacency[a].push((b, i));
        self.adjacency[b].push((a, i));
        i
    }

    /// The bond between `a` and `b`, if any.
    pub fn bond_between(&self, a: usize, b: usize) -> Option<usize> {
        self.adjacency[a].iter().find(|(n, _)| *n == b).map(|&(_, bond)| bond)
    }

    /// Number of explicit neighbours (RDKit's degree `D`: dummy and `[2H]` atoms count).
    pub fn degree(&self, atom: usize) -> usize {
        self.adjacency[atom].len()
    }

    /// Neighbours plus hydrogens (RDKit's total degree `X`).
    pub fn total_degree(&self, atom: usize) -> usize {
        self.degree(atom) + usize::from(self.atoms[atom].h())
    }

    /// Sum of the Kekulé bond orders (RDKit's explicit valence).
    pub fn explicit_valence(&self, atom: usize) -> u32 {
        self.adjacency[atom].iter().map(|&(_, b)| u32::from(self.bonds[b].kekule)).sum()
    }

    /// Explicit valence plus hydrogens (RDKit's total valence `v`).
    pub fn total_valence(&self, atom: usize) -> u32 {
        self.explicit_valence(atom) + u32::from(self.atoms[atom].h())
    }

    /// Hydrogens including `[2H]`-style neighbour atoms (what SMARTS `H` counts).
    pub fn h_with_neighbours(&self, atom: usize) -> u32 {
        let h_atoms = self.adjacency[atom].iter().filter(|&&(n, _)| self.atoms[n].z == 1).count();
        u32::from(self.atoms[atom].h()) + h_atoms as u32
    }

    /// Atoms with Z > 1 (RDKit's heavy atoms: the dummy atom does not count).
    pub fn heavy_atoms(&self) -> usize {
        self.atoms.iter().filter(|a| a.z > 1).count()
    }
}
