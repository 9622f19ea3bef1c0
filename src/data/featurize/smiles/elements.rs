//! RDKit's periodic table: masses, outer electrons, bond radii and allowed valences per atomic
//! number, and isotope masses. The tables (`elements.csv`, `isotopes.csv`) were written from
//! RDKit 2026.09.1 by `scripts/rdkit_elements.py` (RDKit: BSD 3-Clause licence; source and
//! column meanings in that script), so that masses and valences are RDKit's to the last digit.

use std::collections::HashMap;
use std::sync::OnceLock;

const ELEMENTS: &str = include_str!("elements.csv");
const ISOTOPES: &str = include_str!("isotopes.csv");

/// One row of `elements.csv`.
#[derive(Debug, Clone)]
pub struct Element {
    pub symbol: String,
    /// Average atomic weight (MolWt).
    pub atomic_weight: f64,
    /// Mass of the most common isotope (ExactMolWt).
    pub isotope_mass: f64,
    pub outer_electrons: u8,
    /// RDKit's `Rb0` bond radius (LabuteASA, HallKierAlpha).
    pub rb0: f64,
    /// Allowed valences, smallest first (RDKit's list without its `-1`).
    pub valences: Vec<u8>,
    /// RDKit lists `-1`: any valence is allowed beyond those listed (the dummy atom, most metals).
    pub open: bool,
}

impl Element {
    /// RDKit's default valence (the first allowed one), or `None` where any is allowed.
    pub fn default_valence(&self) -> Option<u8> {
        self.valences.first().copied()
    }
}

struct Table {
    elements: Vec<Element>,
    isotopes: HashMap<(u8, u16), f64>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let elements = ELEMENTS
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let num = |i: usize| f[i].parse::<f64>().expect("elements.csv holds numbers");
                // "-1" (any valence) appears alone or after the usual ones (Li: "1 -1").
                let listed: Vec<i32> = f[6].split(' ').map(|v| v.parse().expect("a valence")).collect();
                let valences = listed.iter().filter_map(|&v| u8::try_from(v).ok()).collect();
                Element {
                    symbol: f[1].to_string(),
                    atomic_weight: num(2),
                    isotope_mass: num(3),
                    outer_electrons: f[4].parse().expect("outer electrons"),
                    rb0: num(5),
                    valences,
                    open: listed.contains(&-1),
                }
            })
            .collect();
        let isotopes = ISOTOPES
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                ((f[0].parse().expect("z"), f[1].parse().expect("isotope")), f[2].parse().expect("mass"))
            })
            .collect();
        Table { elements, isotopes }
    })
}

/// The element of atomic number `z` (0: the dummy atom `*`; at most 118).
pub fn element(z: u8) -> &'static Element {
    &table().elements[usize::from(z)]
}

/// The atomic number of an element symbol (case-sensitive), 1–118.
pub fn atomic_number(symbol: &str) -> Option<u8> {
    table().elements.iter().skip(1).position(|e| e.symbol == symbol).and_then(|i| u8::try_from(i + 1).ok())
}

/// The mass of isotope `isotope` (mass number) of element `z`, if RDKit knows it.
pub fn isotope_mass(z: u8, isotope: u16) -> Option<f64> {
    table().isotopes.get(&(z, isotope)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_rdkits() {
        assert_eq!(element(6).symbol, "C");
        assert_eq!(element(6).atomic_weight, 12.011);
        assert_eq!(element(8).isotope_mass, 15.99491462);
        assert_eq!(element(16).valences, [2, 4, 6]);
        assert_eq!(element(0).default_valence(), None);
        assert_eq!((element(3).valences.as_slice(), element(3).open), ([1].as_slice(), true));
        assert!(!element(7).open);
        assert_eq!(atomic_number("Cl"), Some(17));
        assert_eq!(atomic_number("Og"), Some(118));
        assert_eq!(atomic_number("Xx"), None);
        assert_eq!(isotope_mass(1, 2), Some(2.014101778));
        assert_eq!(isotope_mass(6, 400), None);
    }
}
