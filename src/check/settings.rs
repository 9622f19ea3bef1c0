//! `{ name = value ... }` blocks: unknown and duplicate setting names are reported once here,
//! then each block's reader looks settings up by name.

use super::checker::Checker;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::syntax::ast::{Block, Value};

/// The known settings of one block, by name (first occurrence wins).
pub struct Settings<'a> {
    found: Vec<(&'a str, &'a Value)>,
}

impl<'a> Settings<'a> {
    /// The value of setting `name`, if given.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.found.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

impl Checker<'_> {
    /// Reads a block whose statement is `what` (e.g. "`pretrain`") and whose settings may be
    /// `allowed`; reports unknown and repeated settings.
    pub fn settings<'a>(&mut self, block: &'a Block, what: &str, allowed: &[&str]) -> Settings<'a> {
        let mut found: Vec<(&'a str, &'a Value)> = Vec::new();
        let mut first_line: Vec<(&str, usize)> = Vec::new();
        for s in &block.settings {
            let name = s.name.name.as_str();
            if !allowed.contains(&name) {
                let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                let help = match did_you_mean(name, allowed.iter().copied()) {
                    Some(d) => format!("{d} ({what} settings: {list})"),
                    None => format!("{what} settings are {list}"),
                };
                self.report(
                    Problem::new(
                        ProblemKind::UnknownSetting { name: name.to_string(), block: what.to_string() },
                        s.name.span,
                        "unknown setting",
                    )
                    .with_help(help),
                );
                continue;
            }
            if let Some((_, line)) = first_line.iter().find(|(n, _)| *n == name) {
                self.report(
                    Problem::new(
                        ProblemKind::SettingTwice { name: name.to_string(), block: what.to_string() },
                        s.name.span,
                        "set again here",
                    )
                    .with_help(format!("`{name}` is first set on line {line}; keep one of them")),
                );
                continue;
            }
            first_line.push((name, self.file.line_of(s.name.span.start)));
            found.push((name, &s.value));
        }
        Settings { found }
    }
}
