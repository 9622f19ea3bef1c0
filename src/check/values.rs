//! Typed reading of AST values: whole numbers, reals in a range, names from a fixed set.
//! Every failure is reported on the checker and yields `None`, so checking goes on.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::syntax::ast::{Ident, Number, Span, Value};

/// An interval for real-valued settings, e.g. `(0, 1)` or `[0, ∞)`.
#[derive(Debug, Clone, Copy)]
pub struct RealRange {
    pub min: f64,
    pub min_inclusive: bool,
    /// `None` = unbounded above.
    pub max: Option<(f64, bool)>,
}

impl RealRange {
    /// `> 0`.
    pub const POSITIVE: RealRange = RealRange { min: 0.0, min_inclusive: false, max: None };
    /// `≥ 0`.
    pub const NON_NEGATIVE: RealRange = RealRange { min: 0.0, min_inclusive: true, max: None };
    /// `(0, 1)`.
    pub const OPEN_UNIT: RealRange = RealRange { min: 0.0, min_inclusive: false, max: Some((1.0, false)) };
    /// `(0, 1]`.
    pub const FRACTION: RealRange = RealRange { min: 0.0, min_inclusive: false, max: Some((1.0, true)) };
    /// `[0, 1)`.
    pub const DROPOUT: RealRange = RealRange { min: 0.0, min_inclusive: true, max: Some((1.0, false)) };

    pub fn contains(&self, v: f64) -> bool {
        let above = if self.min_inclusive { v >= self.min } else { v > self.min };
        let below = match self.max {
            None => true,
            Some((max, true)) => v <= max,
            Some((max, false)) => v < max,
        };
        above && below
    }

    /// "greater than 0", "in (0, 1)", ...
    pub fn describe(&self) -> String {
        match self.max {
            None if self.min_inclusive => format!("at least {}", self.min),
            None => format!("greater than {}", self.min),
            Some((max, max_inclusive)) => format!(
                "in {}{}, {}{}",
                if self.min_inclusive { "[" } else { "(" },
                self.min,
                max,
                if max_inclusive { "]" } else { ")" }
            ),
        }
    }
}

impl Checker<'_> {
    /// Records a problem.
    pub fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// A type error: `what` must be `expected` but `value` is something else.
    pub fn type_error(&mut self, value: &Value, what: &str, expected: &str, help: Option<String>) {
        let mut p = Problem::new(
            ProblemKind::WrongType { what: what.into(), expected: expected.into(), found: value.describe().into() },
            value.span(),
            format!("expected {expected}"),
        );
        if let Some(h) = help {
            p = p.with_help(h);
        }
        self.report(p);
    }

    /// An out-of-range error on `span`.
    pub fn out_of_range(&mut self, span: Span, what: &str, must: &str, found: &str) {
        self.report(Problem::new(
            ProblemKind::NotInRange { what: what.into(), must: must.into(), found: found.into() },
            span,
            format!("must be {must}"),
        ));
    }

    /// The value as a number literal, or a type error.
    pub fn number<'v>(&mut self, value: &'v Value, what: &str, expected: &str) -> Option<&'v Number> {
        match value {
            Value::Number(n) => Some(n),
            other => {
                self.type_error(other, what, expected, None);
                None
            }
        }
    }

    /// A whole number ≥ `min` that fits in a `u64`.
    pub fn whole(&mut self, n: &Number, what: &str, min: u64) -> Option<u64> {
        let value: i128 = if n.text.contains(['.', 'e', 'E']) {
            match n.text.parse::<f64>() {
                Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => f as i128,
                Ok(f) if f.is_finite() && f.fract() == 0.0 => {
                    self.out_of_range(n.span, what, "at most 18446744073709551615", &format!("`{}`", n.text));
                    return None;
                }
                _ => {
                    self.report(
                        Problem::new(
                            ProblemKind::NotWholeNumber { what: what.into(), found: n.text.clone() },
                            n.span,
                            "expected a whole number",
                        )
                        .with_help(format!(
                            "write a whole number such as `{}`",
                            n.text.parse::<f64>().map_or(1.0, |f| f.round().max(min as f64))
                        )),
                    );
                    return None;
                }
            }
        } else {
            match n.text.parse::<i128>() {
                Ok(v) => v,
                Err(_) => {
                    self.out_of_range(n.span, what, "at most 18446744073709551615", "a number that is far too large");
                    return None;
                }
            }
        };
        if value < min as i128 {
            self.out_of_range(n.span, what, &format!("at least {min}"), &format!("`{}`", n.text));
            return None;
        }
        match u64::try_from(value) {
            Ok(v) => Some(v),
            Err(_) => {
                self.out_of_range(n.span, what, "at most 18446744073709551615", &format!("`{}`", n.text));
                None
            }
        }
    }

    /// A whole number ≥ `min` usable as a count (`usize`).
    pub fn count(&mut self, n: &Number, what: &str, min: u64) -> Option<usize> {
        let v = self.whole(n, what, min)?;
        match usize::try_from(v) {
            Ok(v) => Some(v),
            Err(_) => {
                self.out_of_range(n.span, what, &format!("at most {}", usize::MAX), &format!("`{}`", n.text));
                None
            }
        }
    }

    /// A setting value that must be a count ≥ `min`.
    pub fn count_value(&mut self, value: &Value, what: &str, min: u64) -> Option<usize> {
        let n = self.number(value, what, "a whole number")?;
        self.count(n, what, min)
    }

    /// A finite real in `range`.
    pub fn real(&mut self, n: &Number, what: &str, range: RealRange) -> Option<f64> {
        let v = match n.text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.out_of_range(n.span, what, "a finite number", &format!("`{}`", n.text));
                return None;
            }
        };
        if !range.contains(v) {
            self.out_of_range(n.span, what, &range.describe(), &format!("`{}`", n.text));
            return None;
        }
        Some(v)
    }

    /// A setting value that must be a real in `range`.
    pub fn real_value(&mut self, value: &Value, what: &str, range: RealRange) -> Option<f64> {
        let n = self.number(value, what, "a number")?;
        self.real(n, what, range)
    }

    /// A bare name from a fixed set of `options`, with "did you mean" for near misses.
    pub fn choice<T: Copy>(&mut self, value: &Value, what: &str, options: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let listed = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        match value {
            Value::Name(id) => self.choose(id, what, options),
            Value::Str(s) if names.contains(&s.value.as_str()) => {
                self.type_error(
                    value,
                    what,
                    &format!("one of {listed}"),
                    Some(format!("write it without quotes: `{}`", s.value)),
                );
                None
            }
            other => {
                self.type_error(other, what, &format!("one of {listed}"), None);
                None
            }
        }
    }

    /// Like [`Checker::choice`] for a bare identifier.
    pub fn choose<T: Copy>(&mut self, id: &Ident, what: &str, options: &[(&str, T)]) -> Option<T> {
        if let Some((_, v)) = options.iter().find(|(n, _)| *n == id.name) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let listed = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let help = match did_you_mean(&id.name, names.iter().copied()) {
            Some(s) => format!("{s} ({what} is one of {listed})"),
            None => format!("{what} is one of {listed}"),
        };
        self.report(
            Problem::new(
                ProblemKind::UnknownChoice { what: what.into(), found: id.name.clone() },
                id.span,
                format!("not a known {what}"),
            )
            .with_help(help),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_describe_and_contain() {
        assert!(RealRange::OPEN_UNIT.contains(0.5));
        assert!(!RealRange::OPEN_UNIT.contains(1.0));
        assert!(RealRange::FRACTION.contains(1.0));
        assert!(!RealRange::POSITIVE.contains(0.0));
        assert!(RealRange::DROPOUT.contains(0.0));
        assert_eq!(RealRange::OPEN_UNIT.describe(), "in (0, 1)");
        assert_eq!(RealRange::POSITIVE.describe(), "greater than 0");
        assert_eq!(RealRange::NON_NEGATIVE.describe(), "at least 0");
    }
}
