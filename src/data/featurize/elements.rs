//! The periodic table's symbols, by atomic number (1-based: `SYMBOLS[z - 1]`).

/// Element symbols, hydrogen (Z = 1) to oganesson (Z = 118).
pub const SYMBOLS: [&str; 118] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
    "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",
    "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce",
    "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir",
    "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc",
    "Lv", "Ts", "Og",
];

/// The atomic number of `symbol` (case-sensitive: `Co` is cobalt, `CO` is not a symbol).
pub fn atomic_number(symbol: &str) -> Option<u8> {
    SYMBOLS.iter().position(|s| *s == symbol).and_then(|i| u8::try_from(i + 1).ok())
}

/// The symbol of atomic number `z` (1–118).
pub fn symbol(z: u8) -> &'static str {
    SYMBOLS[usize::from(z) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_numbers_agree() {
        assert_eq!(atomic_number("H"), Some(1));
        assert_eq!(atomic_number("Fe"), Some(26));
        assert_eq!(atomic_number("Og"), Some(118));
        assert_eq!(atomic_number("Xx"), None);
        for z in 1..=118u8 {
            assert_eq!(atomic_number(symbol(z)), Some(z));
        }
    }
}
