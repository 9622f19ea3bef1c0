//! SMILES text to a molecular graph, as RDKit's parser reads it: the organic subset
//! (`B C N O P S F Cl Br I`, aromatic `b c n o p s`), bracket atoms (`[13CH3+]`: isotope, element,
//! chirality, hydrogen count, charge, atom class), the dummy atom `*`, bonds `- = # $ : / \`,
//! branches, ring closures (`1`, `%12`, `%(123)`) and `.` between fragments. Stereo marks are
//! read and dropped (none of the features uses them) except a tetrahedral mark, which RDKit's
//! hybridization uses. Hydrogens and valences are assigned afterwards (`valence.rs`).

use std::collections::HashMap;

use super::SmilesError;
use super::elements::atomic_number;
use super::molecule::{Atom, Molecule, Order};

/// Organic-subset atoms written without brackets, longest first.
const ORGANIC: [(&str, u8, bool); 16] = [
    ("Cl", 17, false),
    ("Br", 35, false),
    ("B", 5, false),
    ("C", 6, false),
    ("N", 7, false),
    ("O", 8, false),
    ("P", 15, false),
    ("S", 16, false),
    ("F", 9, false),
    ("I", 53, false),
    ("b", 5, true),
    ("c", 6, true),
    ("n", 7, true),
    ("o", 8, true),
    ("p", 15, true),
    ("s", 16, true),
];

/// Aromatic symbols allowed in brackets, longest first.
const AROMATIC_BRACKET: [(&str, u8); 9] =
    [("se", 34), ("as", 33), ("te", 52), ("b", 5), ("c", 6), ("n", 7), ("o", 8), ("p", 15), ("s", 16)];

/// A bond symbol waiting for the atom or ring closure it leads to.
#[derive(Clone, Copy)]
struct Pending {
    order: Order,
    at: usize,
}

/// An open ring-closure digit: the atom it was written after, and its bond symbol if any.
struct OpenRing {
    atom: usize,
    bond: Option<Pending>,
    at: usize,
}

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
    mol: Molecule,
}

fn err(message: impl Into<String>, at: usize) -> SmilesError {
    SmilesError { message: message.into(), at }
}

/// Reads the graph of `text` (no hydrogens assigned yet).
pub fn graph(text: &str) -> Result<Molecule, SmilesError> {
    let chars: Vec<char> = text.chars().collect();
    let mut r = Reader { chars: &chars, pos: 0, mol: Molecule::default() };
    r.read()?;
    Ok(r.mol)
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn read(&mut self) -> Result<(), SmilesError> {
        if self.chars.is_empty() {
            return Err(err("the SMILES is empty", 0));
        }
        let mut prev: Option<usize> = None;
        let mut pending: Option<Pending> = None;
        // Open branches: the atom they hang from, where `(` is, and whether an atom followed.
        let mut branches: Vec<(usize, usize, bool)> = Vec::new();
        let mut rings: HashMap<u32, OpenRing> = HashMap::new();
        while let Some(c) = self.peek() {
            let at = self.pos;
            match c {
                '(' => {
                    let Some(p) = prev else { return Err(err("a branch `(` must follow an atom", at)) };
                    if let Some(b) = pending {
                        return Err(err("a bond symbol cannot come before `(`", b.at));
                    }
                    branches.push((p, at, false));
                    self.pos += 1;
                }
                ')' => {
                    let Some((p, _, filled)) = branches.pop() else {
                        return Err(err("`)` closes no `(`", at));
                    };
                    if let Some(b) = pending {
                        return Err(err("a bond symbol leads to no atom", b.at));
                    }
                    if !filled {
                        return Err(err("empty branch `()`", at));
                    }
                    prev = Some(p);
                    self.pos += 1;
                }
                '-' | '=' | '#' | '$' | ':' | '/' | '\\' => {
                    if prev.is_none() {
                        return Err(err(format!("bond `{c}` has no atom before it"), at));
                    }
                    if pending.is_some() {
                        return Err(err("two bond symbols in a row", at));
                    }
                    let order = match c {
                        '=' => Order::Double,
                        '#' => Order::Triple,
                        '$' => Order::Quadruple,
                        ':' => Order::Aromatic,
                        _ => Order::Single,
                    };
                    pending = Some(Pending { order, at });
                    self.pos += 1;
                }
                '.' => {
                    if let Some(b) = pending {
                        return Err(err("a bond symbol leads to no atom", b.at));
                    }
                    if prev.is_none() {
                        return Err(err("`.` must follow an atom", at));
                    }
                    prev = None;
                    self.pos += 1;
                }
                '0'..='9' | '%' => {
                    let Some(p) = prev else { return Err(err("a ring-closure digit must follow an atom", at)) };
                    let label = self.ring_label()?;
                    match rings.remove(&label) {
                        None => {
                            rings.insert(label, OpenRing { atom: p, bond: pending.take(), at });
                        }
                        Some(open) => {
                            let order = match (open.bond, pending.take()) {
                                (Some(a), Some(b)) if a.order != b.order => {
                                    return Err(err(
                                        format!("the two ends of ring bond {label} have different bond symbols"),
                                        b.at,
                                    ));
                                }
                                (Some(a), _) | (None, Some(a)) => a.order,
                                (None, None) => self.default_order(open.atom, p),
                            };
                            if open.atom == p {
                                return Err(err(format!("ring bond {label} closes on its own atom"), at));
                            }
                            if self.mol.bond_between(open.atom, p).is_some() {
                                return Err(err(format!("ring bond {label} duplicates a bond"), at));
                            }
                            self.mol.add_bond(open.atom, p, order);
                        }
                    }
                }
                _ => {
                    let atom = self.atom()?;
                    let i = self.mol.add_atom(atom);
                    if let Some(p) = prev {
                        let order = match pending.take() {
                            Some(b) => b.order,
                            None => self.default_order(p, i),
                        };
                        self.mol.add_bond(p, i, order);
                    }
                    if let Some(last) = branches.last_mut() {
                        last.2 = true;
                    }
                    prev = Some(i);
                }
            }
        }
        if let Some(b) = pending {
            return Err(err("a bond symbol leads to no atom", b.at));
        }
        if let Some(&(_, at, _)) = branches.last() {
            return Err(err("`(` is never closed", at));
        }
        if let Some((label, open)) = rings.iter().min_by_key(|(_, o)| o.at) {
            return Err(err(format!("ring bond {label} is never closed"), open.at));
        }
        Ok(())
    }

    /// An unmarked bond: aromatic between two aromatic atoms, else single.
    fn default_order(&self, a: usize, b: usize) -> Order {
        if self.mol.atoms[a].aromatic && self.mol.atoms[b].aromatic { Order::Aromatic } else { Order::Single }
    }

    /// `7`, `%12` or `%(123)`.
    fn ring_label(&mut self) -> Result<u32, SmilesError> {
        let at = self.pos;
        let c = self.peek().unwrap_or('%');
        self.pos += 1;
        if c != '%' {
            return Ok(c.to_digit(10).unwrap_or(0));
        }
        if self.peek() == Some('(') {
            self.pos += 1;
            let digits = self.digits();
            if digits.is_empty() || self.peek() != Some(')') {
                return Err(err("`%(` must be followed by digits and `)`", at));
            }
            self.pos += 1;
            return digits.parse().map_err(|_| err("ring-closure number too large", at));
        }
        match (self.peek().and_then(|c| c.to_digit(10)), self.peek_at(1).and_then(|c| c.to_digit(10))) {
            (Some(a), Some(b)) => {
                self.pos += 2;
                Ok(10 * a + b)
            }
            _ => Err(err("`%` must be followed by two digits", at)),
        }
    }

    fn digits(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn new_atom(z: u8, aromatic: bool, at: usize) -> Atom {
        Atom {
            z,
            isotope: 0,
            charge: 0,
            aromatic,
            explicit_h: 0,
            implicit_h: 0,
            bracket: false,
            radicals: 0,
            chiral: false,
            at,
        }
    }

    /// An organic-subset atom, `*`, or a bracket atom.
    fn atom(&mut self) -> Result<Atom, SmilesError> {
        let at = self.pos;
        match self.peek() {
            Some('[') => return self.bracket_atom(),
            Some('*') => {
                self.pos += 1;
                return Ok(Self::new_atom(0, false, at));
            }
            _ => {}
        }
        for (symbol, z, aromatic) in ORGANIC {
            if self.starts_with(symbol) {
                self.pos += symbol.chars().count();
                return Ok(Self::new_atom(z, aromatic, at));
            }
        }
        let c = self.peek().unwrap_or(' ');
        if c.is_ascii_uppercase() {
            let two: String = self.chars[at..(at + 2).min(self.chars.len())].iter().collect();
            let symbol = if atomic_number(&two).is_some() { two } else { c.to_string() };
            if atomic_number(&symbol).is_some() {
                return Err(err(format!("`{symbol}` must be written in brackets (`[{symbol}]`)"), at));
            }
            return Err(err(format!("unknown element `{symbol}`"), at));
        }
        if c.is_ascii_lowercase() {
            return Err(err(format!("unknown element `{c}`"), at));
        }
        Err(err(format!("unexpected character `{c}`"), at))
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek_at(k) == Some(c))
    }

    /// `[` isotope? symbol chirality? hcount? charge? class? `]`.
    fn bracket_atom(&mut self) -> Result<Atom, SmilesError> {
        let open = self.pos;
        self.pos += 1;
        let isotope = self.digits();
        let sym_at = self.pos;
        let (z, aromatic) = self.bracket_symbol()?;
        let mut atom = Self::new_atom(z, aromatic, open);
        atom.bracket = true;
        if !isotope.is_empty() {
            atom.isotope = isotope.parse().map_err(|_| err("isotope number too large", open + 1))?;
        }
        if self.peek() == Some('@') {
            self.pos += 1;
            if self.peek() == Some('@') {
                self.pos += 1;
                atom.chiral = true;
            } else if self.peek().is_some_and(|c| c.is_ascii_uppercase() && c != 'H') {
                // @TH1, @AL2, @SP3, @TB10, @OH22: read and dropped.
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_uppercase()) {
                    self.pos += 1;
                }
                if self.digits().is_empty() {
                    return Err(err("a chirality class must be followed by a number", sym_at));
                }
            } else {
                atom.chiral = true;
            }
        }
        if self.peek() == Some('H') {
            self.pos += 1;
            let n = self.digits();
            atom.explicit_h =
                if n.is_empty() { 1 } else { n.parse().map_err(|_| err("hydrogen count too large", self.pos))? };
        }
        if let Some(sign @ ('+' | '-')) = self.peek() {
            let s: i32 = if sign == '+' { 1 } else { -1 };
            self.pos += 1;
            let n = self.digits();
            let mut charge = if n.is_empty() { s } else { s * n.parse::<i32>().unwrap_or(i32::MAX) };
            if n.is_empty() {
                while self.peek() == Some(sign) {
                    self.pos += 1;
                    charge += s;
                }
            }
            atom.charge = i8::try_from(charge)
                .ok()
                .filter(|c| c.abs() <= 15)
                .ok_or_else(|| err("charge out of range (at most ±15)", sym_at))?;
        }
        if self.peek() == Some(':') {
            self.pos += 1;
            if self.digits().is_empty() {
                return Err(err("an atom class `:` must be followed by digits", self.pos));
            }
        }
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(atom)
            }
            None => Err(err("`[` is never closed", open)),
            Some(c) => Err(err(format!("unexpected character `{c}` in a bracket atom"), self.pos)),
        }
    }

    fn bracket_symbol(&mut self) -> Result<(u8, bool), SmilesError> {
        let at = self.pos;
        let Some(c) = self.peek() else { return Err(err("`[` is never closed", at - 1)) };
        if c == '*' {
            self.pos += 1;
            return Ok((0, false));
        }
        if c.is_ascii_uppercase() {
            if let Some(d) = self.peek_at(1).filter(char::is_ascii_lowercase) {
                let two: String = [c, d].iter().collect();
                if let Some(z) = atomic_number(&two) {
                    self.pos += 2;
                    return Ok((z, false));
                }
            }
            return match atomic_number(&c.to_string()) {
                Some(z) => {
                    self.pos += 1;
                    Ok((z, false))
                }
                None => {
                    let shown: String =
                        self.chars[at..].iter().take_while(|c| c.is_ascii_alphabetic()).take(2).collect();
                    Err(err(format!("unknown element `{shown}`"), at))
                }
            };
        }
        for (symbol, z) in AROMATIC_BRACKET {
            if self.starts_with(symbol) {
                self.pos += symbol.len();
                return Ok((z, true));
            }
        }
        if c.is_ascii_lowercase() {
            return Err(err(format!("unknown aromatic element `{c}`"), at));
        }
        Err(err(format!("expected an element symbol, found `{c}`"), at))
    }
}
