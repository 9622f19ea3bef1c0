//! A small SMARTS reader and matcher, enough for RDKit's Crippen atom-type table
//! (`crippen.tsv`): tree-shaped patterns (branches, no ring closures) whose atoms are a bare
//! symbol (`C`, `c`, `a`, `A`, `*`) or a bracket expression of the primitives `#n`, element
//! symbols (aliphatic upper-case, aromatic lower-case), `A`, `a`, `Hn`, `Xn`, `Dn` and charges
//! (`+`, `-`, `+2`, `-0`), combined with `!`, `&` (or juxtaposition), `,` and `;` in SMARTS's
//! precedence; bonds `-` (single), `=`, `#`, `:` (aromatic), `~` (any) and the default
//! single-or-aromatic. `H` counts all hydrogens (neighbouring H atoms included), `X` all
//! neighbours plus hydrogens, `D` explicit neighbours, as in RDKit.

use super::elements::atomic_number;
use super::molecule::{Molecule, Order};

#[derive(Debug, Clone, PartialEq)]
enum Prim {
    /// Atomic number, and aromatic (`Some(true)`), aliphatic (`Some(false)`) or either.
    Element(u8, Option<bool>),
    Aromatic(bool),
    Any,
    H(u32),
    X(u32),
    D(u32),
    Charge(i8),
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Prim(Prim),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BondQuery {
    Single,
    Double,
    Triple,
    Aromatic,
    Any,
    SingleOrAromatic,
}

/// A tree-shaped pattern: atom 0 is the root; every other atom hangs from an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    atoms: Vec<Expr>,
    /// For atoms 1…: (parent, bond).
    parents: Vec<(usize, BondQuery)>,
}

/// Reads a SMARTS pattern; `Err` names what is not supported.
pub fn parse(text: &str) -> Result<Pattern, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Reader { chars: &chars, pos: 0 };
    let mut pattern = Pattern { atoms: vec![p.atom()?], parents: vec![] };
    p.chain(&mut pattern, 0)?;
    if p.pos != chars.len() {
        return Err(format!("unexpected `{}` in {text}", chars[p.pos]));
    }
    Ok(pattern)
}

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Branches and the continuing chain after atom `from`.
    fn chain(&mut self, pattern: &mut Pattern, from: usize) -> Result<(), String> {
        let mut current = from;
        loop {
            match self.peek() {
                Some('(') => {
                    self.pos += 1;
                    let bond = self.bond();
                    let atom = self.atom()?;
                    pattern.atoms.push(atom);
                    pattern.parents.push((current, bond));
                    let child = pattern.atoms.len() - 1;
                    self.chain(pattern, child)?;
                    if self.peek() != Some(')') {
                        return Err("unclosed branch".into());
                    }
                    self.pos += 1;
                }
                Some(')') | None => return Ok(()),
                Some(_) => {
                    let bond = self.bond();
                    let atom = self.atom()?;
                    pattern.atoms.push(atom);
                    pattern.parents.push((current, bond));
                    current = pattern.atoms.len() - 1;
                }
            }
        }
    }

    fn bond(&mut self) -> BondQuery {
        let b = match self.peek() {
            Some('-') => BondQuery::Single,
            Some('=') => BondQuery::Double,
            Some('#') => BondQuery::Triple,
            Some(':') => BondQuery::Aromatic,
            Some('~') => BondQuery::Any,
            _ => return BondQuery::SingleOrAromatic,
        };
        self.pos += 1;
        b
    }

    fn atom(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some('[') => {
                self.pos += 1;
                let e = self.low()?;
                if self.peek() != Some(']') {
                    return Err("unclosed bracket".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some('*') => {
                self.pos += 1;
                Ok(Expr::Prim(Prim::Any))
            }
            _ => self.symbol().map(Expr::Prim).ok_or_else(|| format!("no atom at {}", self.pos)),
        }
    }

    /// `a;b`: lowest precedence "and".
    fn low(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.or()?];
        while self.peek() == Some(';') {
            self.pos += 1;
            parts.push(self.or()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(',') {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    /// `a&b` or `ab`: high-precedence "and".
    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some('&') => self.pos += 1,
                Some(';' | ',' | ']') | None => break,
                _ => {}
            }
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some('!') {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primitive().map(Expr::Prim)
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let s: String = self.chars[start..self.pos].iter().collect();
        s.parse().ok()
    }

    fn primitive(&mut self) -> Result<Prim, String> {
        let c = self.peek().ok_or("unexpected end")?;
        match c {
            '#' => {
                self.pos += 1;
                let z = self.number().ok_or("`#` without a number")?;
                Ok(Prim::Element(u8::try_from(z).map_err(|_| "atomic number too large")?, None))
            }
            'H' | 'X' | 'D' => {
                self.pos += 1;
                let n = self.number().unwrap_or(1);
                Ok(match c {
                    'H' => Prim::H(n),
                    'X' => Prim::X(n),
                    _ => Prim::D(n),
                })
            }
            '+' | '-' => {
                self.pos += 1;
                let sign: i8 = if c == '+' { 1 } else { -1 };
                let n = match self.number() {
                    Some(n) => i8::try_from(n).map_err(|_| "charge too large")?,
                    None => 1,
                };
                Ok(Prim::Charge(sign * n))
            }
            '*' => {
                self.pos += 1;
                Ok(Prim::Any)
            }
            _ => self.symbol().ok_or_else(|| format!("unsupported SMARTS primitive `{c}`")),
        }
    }

    /// An element symbol (`Cl`, `C`, `c`) or `A`/`a`.
    fn symbol(&mut self) -> Option<Prim> {
        let c = self.peek()?;
        let next = self.chars.get(self.pos + 1).copied();
        if c.is_ascii_uppercase() {
            if let Some(d) = next.filter(char::is_ascii_lowercase) {
                let two: String = [c, d].iter().collect();
                if let Some(z) = atomic_number(&two) {
                    self.pos += 2;
                    return Some(Prim::Element(z, Some(false)));
                }
            }
            if c == 'A' {
                self.pos += 1;
                return Some(Prim::Aromatic(false));
            }
            let z = atomic_number(&c.to_string())?;
            self.pos += 1;
            return Some(Prim::Element(z, Some(false)));
        }
        let z = match c {
            'a' => {
                self.pos += 1;
                return Some(Prim::Aromatic(true));
            }
            'b' => 5,
            'c' => 6,
            'n' => 7,
            'o' => 8,
            'p' => 15,
            's' => 16,
            _ => return None,
        };
        self.pos += 1;
        Some(Prim::Element(z, Some(true)))
    }
}

fn prim_matches(p: &Prim, mol: &Molecule, i: usize) -> bool {
    let a = &mol.atoms[i];
    match *p {
        Prim::Element(z, arom) => a.z == z && arom.is_none_or(|ar| ar == a.aromatic),
        Prim::Aromatic(ar) => a.aromatic == ar,
        Prim::Any => true,
        Prim::H(n) => mol.h_with_neighbours(i) == n,
        Prim::X(n) => mol.total_degree(i) == n as usize,
        Prim::D(n) => mol.degree(i) == n as usize,
        Prim::Charge(q) => a.charge == q,
    }
}

fn expr_matches(e: &Expr, mol: &Molecule, i: usize) -> bool {
    match e {
        Expr::Prim(p) => prim_matches(p, mol, i),
        Expr::Not(inner) => !expr_matches(inner, mol, i),
        Expr::And(parts) => parts.iter().all(|x| expr_matches(x, mol, i)),
        Expr::Or(parts) => parts.iter().any(|x| expr_matches(x, mol, i)),
    }
}

fn bond_matches(q: BondQuery, order: Order) -> bool {
    match q {
        BondQuery::Single => order == Order::Single,
        BondQuery::Double => order == Order::Double,
        BondQuery::Triple => order == Order::Triple,
        BondQuery::Aromatic => order == Order::Aromatic,
        BondQuery::Any => true,
        BondQuery::SingleOrAromatic => matches!(order, Order::Single | Order::Aromatic),
    }
}

/// The atomic numbers an atom matching `e` can have (`None`: any), a superset of the true
/// ones, so that callers may skip patterns whose root cannot match an atom's element.
fn possible_z(e: &Expr) -> Option<Vec<u8>> {
    match e {
        Expr::Prim(Prim::Element(z, _)) => Some(vec![*z]),
        Expr::Prim(_) | Expr::Not(_) => None,
        Expr::And(parts) => {
            parts.iter().filter_map(possible_z).reduce(|a, b| a.into_iter().filter(|z| b.contains(z)).collect())
        }
        Expr::Or(parts) => parts.iter().map(possible_z).try_fold(Vec::new(), |mut acc, zs| {
            acc.extend(zs?);
            Some(acc)
        }),
    }
}

impl Pattern {
    /// Whether the pattern's first atom can match an atom of atomic number `z` (a quick test
    /// before [`Pattern::matches_at`]; `false` means it never matches such an atom).
    pub fn root_may_be(&self, z: u8) -> bool {
        possible_z(&self.atoms[0]).is_none_or(|zs| zs.contains(&z))
    }

    /// Whether the pattern matches with its first atom on atom `root` (atoms mapped one to one).
    pub fn matches_at(&self, mol: &Molecule, root: usize) -> bool {
        if !expr_matches(&self.atoms[0], mol, root) {
            return false;
        }
        let n = self.atoms.len();
        if n == 1 {
            return true;
        }
        // The images of the pattern's atoms; on the stack for patterns as small as Crippen's.
        let (mut small, mut large) = ([usize::MAX; 8], Vec::new());
        let image: &mut [usize] = if n <= small.len() {
            &mut small[..n]
        } else {
            large.resize(n, usize::MAX);
            &mut large
        };
        image[0] = root;
        self.extend(mol, 1, image)
    }

    fn extend(&self, mol: &Molecule, k: usize, image: &mut [usize]) -> bool {
        if k == self.atoms.len() {
            return true;
        }
        let (parent, bond) = self.parents[k - 1];
        for &(j, b) in &mol.adjacency[image[parent]] {
            if image[..k].contains(&j) || !bond_matches(bond, mol.bonds[b].order) {
                continue;
            }
            if !expr_matches(&self.atoms[k], mol, j) {
                continue;
            }
            image[k] = j;
            if self.extend(mol, k + 1, image) {
                return true;
            }
        }
        image[k] = usize::MAX;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse as smiles;
    use super::*;

    fn hits(smarts: &str, mol: &str) -> Vec<usize> {
        let p = parse(smarts).unwrap();
        let m = smiles(mol).unwrap();
        (0..m.atoms.len()).filter(|&i| p.matches_at(&m, i)).collect()
    }

    #[test]
    fn matches_as_rdkit_does() {
        assert_eq!(hits("[CH3]C", "CCO"), [0]);
        assert_eq!(hits("[CH2X4]([N,O,P,S,F,Cl,Br,I])[A;!#1]", "CCO"), [1]);
        assert_eq!(hits("[c](:a)(:a)-O", "Oc1ccccc1"), [1]);
        assert_eq!(hits("[O]=C(C)([A;!#1])", "CC(C)=O"), [3]);
        assert_eq!(hits("[#9-0]", "FC[O-]"), [0]);
        assert_eq!(hits("[OX1;-,-2,-3][!#1;!N;!S]", "FC[O-]"), [2]);
        assert_eq!(hits("[NH3,NH2,NH;+,+2,+3]", "C[NH3+]"), [1]);
        assert_eq!(hits("[#6]", "*CC*"), [1, 2]);
        assert_eq!(hits("[A;!#1]", "*c1ccccc1"), [0]);
        assert!(parse("[C@H]").is_err());
    }

    #[test]
    fn root_elements_are_a_superset() {
        let may = |smarts: &str, z: u8| parse(smarts).unwrap().root_may_be(z);
        assert!(may("[CH3]C", 6) && !may("[CH3]C", 7));
        assert!(may("[N,O,P]", 15) && !may("[N,O,P]", 6));
        assert!(may("[A;!#1]", 1) && may("*", 0) && may("[!#6]", 8));
        assert!(may("[#6;H1]", 6) && !may("[#6;H1]", 1) && !may("[#6&#7]", 6));
        assert!(may("[#6,H1]", 1));
    }
}
