//! Chemical formulas: `BiSb(Se0.92Br0.08)3`, `Mg3(PO4)2·8H2O`, `Li0.5La0.5TiO3`, `[Cu(NH3)4]SO4`.
//!
//! Grammar (whitespace between parts is ignored):
//!
//! ```text
//! formula := unit (hydrate count? unit)*
//! hydrate := "·" | "•" | "*" | "." (a "." between two digits is a decimal point instead)
//! unit    := part+
//! part    := Element amount? | "(" unit ")" amount? | "[" unit "]" amount?
//! amount  := digits ("." digits)? | "." digits | digits "/" digits
//! ```
//!
//! An element is an upper-case letter and at most one lower-case letter, checked against the
//! periodic table. Charges (`Fe3+`, `O2-`), empty brackets, unbalanced brackets, zero or negative
//! amounts and unknown elements are errors naming the character where the problem starts.

use std::fmt;

use thiserror::Error;

use super::elements::{SYMBOLS, atomic_number};

/// Amounts of each element, in order of first appearance; repeated elements are summed.
#[derive(Debug, Clone, PartialEq)]
pub struct Composition {
    /// (atomic number, amount > 0).
    pub amounts: Vec<(u8, f64)>,
}

/// Why a formula cannot be read: the message and the 0-based character where it starts.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message} at character {}", .at + 1)]
pub struct FormulaError {
    pub message: String,
    /// 0-based index of the character (not byte) where the problem starts.
    pub at: usize,
}

impl Composition {
    /// The total amount (number of atoms in the formula unit).
    pub fn total(&self) -> f64 {
        self.amounts.iter().map(|(_, a)| a).sum()
    }

    /// Atomic fractions (amount / total), in the same order.
    pub fn fractions(&self) -> Vec<(u8, f64)> {
        let total = self.total();
        self.amounts.iter().map(|&(z, a)| (z, a / total)).collect()
    }

    fn add(&mut self, z: u8, amount: f64) {
        match self.amounts.iter_mut().find(|(e, _)| *e == z) {
            Some((_, a)) => *a += amount,
            None => self.amounts.push((z, amount)),
        }
    }
}

/// Prints the flat formula (`Mg3P2O16H16`): element symbols with their amounts (omitted when
/// 1), shortest decimal form that reads back to the same `f64`.
impl fmt::Display for Composition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &(z, a) in &self.amounts {
            f.write_str(SYMBOLS[usize::from(z) - 1])?;
            if a != 1.0 {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

/// Reads a formula.
pub fn parse(text: &str) -> Result<Composition, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { chars: &chars, pos: 0 };
    p.skip_ws();
    if p.peek().is_none() {
        return Err(FormulaError { message: "the formula is empty".into(), at: 0 });
    }
    let mut total = Composition { amounts: Vec::new() };
    let first = p.unit(0)?;
    merge(&mut total, &first, 1.0);
    loop {
        p.skip_ws();
        let Some(c) = p.peek() else { break };
        if !is_hydrate_separator(c) {
            return Err(p.unexpected(c));
        }
        p.pos += 1;
        p.skip_ws();
        let count = p.amount()?.unwrap_or(1.0);
        p.skip_ws();
        if p.peek().is_none() {
            return Err(FormulaError { message: format!("nothing follows `{c}`"), at: p.pos - 1 });
        }
        let unit = p.unit(0)?;
        merge(&mut total, &unit, count);
    }
    Ok(total)
}

fn merge(into: &mut Composition, part: &Composition, times: f64) {
    for &(z, a) in &part.amounts {
        into.add(z, a * times);
    }
}

fn is_hydrate_separator(c: char) -> bool {
    matches!(c, '·' | '•' | '*' | '.' | '⋅')
}

/// Brackets nested deeper than this are refused (a guard against pathological input).
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, c: char) -> FormulaError {
        let message = match c {
            '+' | '-' | '^' => "charges are not supported (write the neutral formula)".to_string(),
            ')' | ']' => format!("`{c}` closes a bracket that was never opened"),
            c if c.is_ascii_lowercase() => format!("`{c}` cannot start an element symbol (symbols start upper-case)"),
            c => format!("unexpected `{c}`"),
        };
        FormulaError { message, at: self.pos }
    }

    /// One or more parts, up to a closing bracket, a hydrate separator or the end.
    fn unit(&mut self, depth: usize) -> Result<Composition, FormulaError> {
        let mut comp = Composition { amounts: Vec::new() };
        let start = self.pos;
        loop {
            self.skip_ws();
            let Some(c) = self.peek() else { break };
            match c {
                'A'..='Z' => {
                    let at = self.pos;
                    let mut symbol = String::from(c);
                    self.pos += 1;
                    if let Some(l) = self.peek().filter(char::is_ascii_lowercase) {
                        symbol.push(l);
                        self.pos += 1;
                    }
                    let z = atomic_number(&symbol)
                        .ok_or_else(|| FormulaError { message: format!("unknown element `{symbol}`"), at })?;
                    let amount = self.amount()?.unwrap_or(1.0);
                    comp.add(z, amount);
                }
                '(' | '[' => {
                    if depth >= MAX_DEPTH {
                        return Err(FormulaError {
                            message: format!("brackets are nested more than {MAX_DEPTH} deep"),
                            at: self.pos,
                        });
                    }
                    let open = self.pos;
                    let close = if c == '(' { ')' } else { ']' };
                    self.pos += 1;
                    let inner = self.unit(depth + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(x) if x == close => self.pos += 1,
                        Some(x @ (')' | ']')) => {
                            return Err(FormulaError { message: format!("`{c}` is closed by `{x}`"), at: self.pos });
                        }
                        _ => return Err(FormulaError { message: format!("`{c}` is never closed"), at: open }),
                    }
                    if inner.amounts.is_empty() {
                        return Err(FormulaError { message: format!("`{c}{close}` holds no element"), at: open });
                    }
                    let amount = self.amount()?.unwrap_or(1.0);
                    merge(&mut comp, &inner, amount);
                }
                ')' | ']' if depth > 0 => break,
                c if is_hydrate_separator(c) && depth == 0 => break,
                c => return Err(self.unexpected(c)),
            }
        }
        if comp.amounts.is_empty() && depth > 0 && matches!(self.peek(), Some(')' | ']')) {
            return Ok(comp); // `()`: the caller names the empty bracket
        }
        if comp.amounts.is_empty() {
            let at = start.min(self.chars.len().saturating_sub(1));
            return Err(match self.peek() {
                Some(c) if depth == 0 => self.unexpected(c),
                _ => FormulaError { message: "expected an element".into(), at },
            });
        }
        Ok(comp)
    }

    /// An amount after an element or bracket, if one is written: `2`, `0.92`, `.5`, `1/3`.
    /// A `.` is part of the number only when a digit follows it.
    fn amount(&mut self) -> Result<Option<f64>, FormulaError> {
        let start = self.pos;
        let digit = |p: &Self, i: usize| p.chars.get(i).is_some_and(char::is_ascii_digit);
        while digit(self, self.pos) {
            self.pos += 1;
        }
        if self.peek() == Some('.') && digit(self, self.pos + 1) {
            self.pos += 1;
            while digit(self, self.pos) {
                self.pos += 1;
            }
        }
        if self.pos == start {
            return Ok(None);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let mut value: f64 =
            text.parse().map_err(|_| FormulaError { message: format!("`{text}` is not a number"), at: start })?;
        if self.peek() == Some('/') && digit(self, self.pos + 1) {
            self.pos += 1;
            let d0 = self.pos;
            while digit(self, self.pos) {
                self.pos += 1;
            }
            let den: String = self.chars[d0..self.pos].iter().collect();
            let den: f64 =
                den.parse().map_err(|_| FormulaError { message: format!("`{den}` is not a number"), at: d0 })?;
            if den == 0.0 {
                return Err(FormulaError { message: "division by zero in an amount".into(), at: d0 });
            }
            value /= den;
        }
        if value <= 0.0 || !value.is_finite() {
            return Err(FormulaError { message: format!("the amount `{text}` must be greater than 0"), at: start });
        }
        Ok(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn amounts(text: &str) -> Vec<(&'static str, f64)> {
        parse(text).unwrap().amounts.iter().map(|&(z, a)| (SYMBOLS[usize::from(z) - 1], a)).collect()
    }

    fn close(a: &[(&str, f64)], b: &[(&str, f64)]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() < 1e-12)
    }

    #[test]
    fn reads_the_formulas_of_the_issue() {
        assert!(close(&amounts("BiSb(Se0.92Br0.08)3"), &[("Bi", 1.0), ("Sb", 1.0), ("Se", 2.76), ("Br", 0.24)]));
        assert!(close(&amounts("Mg3(PO4)2·8H2O"), &[("Mg", 3.0), ("P", 2.0), ("O", 16.0), ("H", 16.0)]));
        assert!(close(&amounts("Li0.5La0.5TiO3"), &[("Li", 0.5), ("La", 0.5), ("Ti", 1.0), ("O", 3.0)]));
        assert!(close(&amounts("[Cu(NH3)4]SO4"), &[("Cu", 1.0), ("N", 4.0), ("H", 12.0), ("S", 1.0), ("O", 4.0)]));
        assert!(close(&amounts("CuSO4*5H2O"), &[("Cu", 1.0), ("S", 1.0), ("O", 9.0), ("H", 10.0)]));
        assert!(close(&amounts("Na2CO3 . 10H2O"), &[("Na", 2.0), ("C", 1.0), ("O", 13.0), ("H", 20.0)]));
        assert!(close(&amounts(" Fe2 O3 "), &[("Fe", 2.0), ("O", 3.0)]));
        assert!(close(&amounts("Fe1/3O"), &[("Fe", 1.0 / 3.0), ("O", 1.0)]));
        assert!(close(&amounts("Fe.5O"), &[("Fe", 0.5), ("O", 1.0)]));
    }

    #[test]
    fn refuses_what_it_cannot_read_naming_the_character() {
        let err = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(err("BiXx2"), "unknown element `Xx` at character 3");
        assert_eq!(err("Fe3+"), "charges are not supported (write the neutral formula) at character 4");
        assert_eq!(err("Mg3(PO4"), "`(` is never closed at character 4");
        assert_eq!(err("Mg3PO4)2"), "`)` closes a bracket that was never opened at character 7");
        assert_eq!(err("Ca(OH]2"), "`(` is closed by `]` at character 6");
        assert_eq!(err("()"), "`()` holds no element at character 1");
        assert_eq!(err(""), "the formula is empty at character 1");
        assert_eq!(err("Fe0O"), "the amount `0` must be greater than 0 at character 3");
        assert_eq!(err("fe2O3"), "`f` cannot start an element symbol (symbols start upper-case) at character 1");
        assert_eq!(err("H2O·"), "nothing follows `·` at character 4");
        assert_eq!(err("2H2O"), "unexpected `2` at character 1");
        assert_eq!(err("NaCl!"), "unexpected `!` at character 5");
        assert!(err(&"(".repeat(40)).contains("nested more than 32"));
    }

    /// parse → normalise → print → parse gives the same composition, over generated formulas
    /// with nested brackets, decimals, fractions and hydrates.
    #[test]
    fn print_then_parse_round_trips() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..2000 {
            let text = random_formula(&mut rng, 0);
            let text = if rng.random_bool(0.2) { format!("{text}·{}H2O", rng.random_range(1..10)) } else { text };
            let comp = parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let printed = comp.to_string();
            let again = parse(&printed).unwrap_or_else(|e| panic!("{text} → {printed}: {e}"));
            assert_eq!(comp, again, "{text} → {printed}");
            assert_eq!(again.to_string(), printed);
        }
    }

    fn random_formula(rng: &mut ChaCha8Rng, depth: usize) -> String {
        let mut s = String::new();
        for _ in 0..rng.random_range(1..4) {
            if depth < 3 && rng.random_bool(0.25) {
                let (o, c) = if rng.random_bool(0.5) { ('(', ')') } else { ('[', ']') };
                s.push(o);
                s.push_str(&random_formula(rng, depth + 1));
                s.push(c);
            } else {
                s.push_str(SYMBOLS[rng.random_range(0..SYMBOLS.len())]);
            }
            match rng.random_range(0..4) {
                0 => {}
                1 => s.push_str(&rng.random_range(1..20).to_string()),
                2 => s.push_str(&format!("{:.2}", rng.random_range(0.01..5.0))),
                _ => s.push_str(&format!("{}/{}", rng.random_range(1..5), rng.random_range(1..5))),
            }
        }
        s
    }
}
