//! Completion at a cursor: what the walk ([`super::scope`]) says fits the place — statements at
//! the start of a line, the settings of the block the cursor is in, the values of the setting
//! before `=`, transform steps, table names, and the columns (and column patterns) of the tables'
//! headers. Elsewhere it falls back on the notebook kernel's completion
//! ([`crate::kernel::complete`]: every name of the language, declared tables, columns).

use std::collections::BTreeMap;

use crate::kernel::complete as kernel;
use crate::syntax::names;

use super::lex::Kind;
use super::scope::{Block, State, Walk, prev_code};

/// What a completion item names (the server maps it to the editor's icon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Keyword,
    Setting,
    Value,
    Table,
    Column,
    /// A column pattern (`d_*`) covering several columns.
    Pattern,
    Function,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    /// Where it comes from: a group of docs/language.md's *Names*, "table", "column of T", ...
    pub detail: String,
}

/// The columns of each table, from their headers (empty until the data were read).
pub type Columns = BTreeMap<String, Vec<String>>;

/// What fits at byte `offset` of `text`, filtered by the word being typed there.
pub fn complete(text: &str, offset: usize, columns: &Columns) -> Vec<Item> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let walk = Walk::new(text);
    // The word being typed (a word token ending at or containing the cursor) is the prefix.
    let (prefix, before) = match walk.token_at(offset) {
        Some(i) if matches!(walk.tokens[i].kind, Kind::Word | Kind::Glob) && walk.tokens[i].start < offset => {
            (&text[walk.tokens[i].start..offset], i)
        }
        Some(i) if walk.tokens[i].start >= offset => ("", i),
        Some(i) => ("", i + 1),
        None => ("", walk.tokens.partition_point(|t| t.end <= offset)),
    };
    // Inside a comment or a string nothing is completed.
    if let Some(i) = walk.token_at(offset)
        && matches!(walk.tokens[i].kind, Kind::Comment | Kind::Str)
        && walk.tokens[i].start < offset
    {
        return Vec::new();
    }
    let state = walk.state_before(before);
    let place = Place::of(&walk, before, offset);
    let items = match place.candidates(&state, text, columns) {
        Some(items) => items,
        None => fallback(text, offset, columns),
    };
    let mut out: Vec<Item> = Vec::new();
    for item in items {
        if item.label.starts_with(prefix) && !out.iter().any(|o| o.label == item.label) {
            out.push(item);
        }
    }
    out
}

/// The tokens just before the cursor's word.
struct Place<'a> {
    /// The index of the token two before the cursor's word.
    p2: Option<usize>,
    /// `input NAME = |` inside `model`.
    input_decl: bool,
    prev: &'a str,
    prev_kind: Option<Kind>,
    prev2: &'a str,
    /// The cursor's word starts its line.
    line_start: bool,
}

impl<'a> Place<'a> {
    fn of(walk: &Walk<'a>, before: usize, offset: usize) -> Self {
        let p1 = prev_code(&walk.tokens, before);
        let p2 = p1.and_then(|i| prev_code(&walk.tokens, i));
        let line_start = match p1 {
            None => true,
            // (The cursor may sit inside that token: a number, an operator.)
            Some(i) => walk.text[walk.tokens[i].end.min(offset)..offset].contains('\n'),
        };
        let p3 = p2.and_then(|i| prev_code(&walk.tokens, i));
        Place {
            p2,
            input_decl: p3.is_some_and(|i| walk.tokens[i].text == "input"),
            prev: p1.map_or("", |i| walk.tokens[i].text),
            prev_kind: p1.map(|i| walk.tokens[i].kind),
            prev2: p2.map_or("", |i| walk.tokens[i].text),
            line_start,
        }
    }

    /// The candidates for the place, or `None` where only the generic list fits.
    fn candidates(&self, st: &State, text: &str, columns: &Columns) -> Option<Vec<Item>> {
        let tables = || kernel::declared_names(text).into_iter().map(|t| item(t, ItemKind::Table, "table")).collect();
        let all_columns = || column_items(columns, None);
        if st.blocks.is_empty() && st.groups.is_empty() && self.line_start {
            return Some(keywords(names::STATEMENTS, "statements"));
        }
        if let Some(block) = st.blocks.last() {
            return Some(self.in_block(block, st, columns));
        }
        let kw = st.keyword();
        let at_keyword = self.prev == kw && st.statement.is_some();
        Some(match kw {
            "data" if !st.groups.is_empty() => {
                let call = st.groups.last().copied().unwrap_or("");
                match call {
                    "csv" | "parquet" if matches!(self.prev, "(" | ",") => args(names::CSV_ARGS, "csv arguments"),
                    "synthetic" if matches!(self.prev, "(" | ",") => args(names::SYNTHETIC_ARGS, "synthetic arguments"),
                    _ if self.prev == ":" && self.prev2 == "part" => {
                        values(&names::words(names::SYNTHETIC_PARTS), "synthetic parts")
                    }
                    "synthetic" | "csv" | "parquet" => return Some(Vec::new()),
                    _ => {
                        let mut v = all_columns();
                        v.extend(functions(&names::words(names::DERIVE_FUNCTIONS), "derive functions"));
                        v
                    }
                }
            }
            "data" if at_keyword => Vec::new(),
            // `data NAME = |`: the primary.
            "data" if self.prev == "=" && self.p2.is_some() && self.p2 == st.statement.map(|(_, at)| at + 1) => {
                let mut v: Vec<Item> = tables();
                v.extend(functions(names::LOADERS, "loaders"));
                v
            }
            "data" if self.prev == "join" => {
                let mut v: Vec<Item> = tables();
                v.extend(functions(names::LOADERS, "loaders"));
                v
            }
            "data" if self.prev == "|" => keywords(names::TABLE_OPS, "table operations"),
            "data" if self.prev_kind == Some(Kind::Op) && self.prev != "=" && self.prev != "|" => {
                // After a comparison: a literal (nothing to complete); after arithmetic: columns.
                if matches!(self.prev, "+" | "-" | "*" | "/") { all_columns() } else { Vec::new() }
            }
            "data" if matches!(self.prev_kind, Some(Kind::Str | Kind::Number)) || matches!(self.prev, ")" | "]") => {
                let mut v = keywords(&["and", "or"], "condition words");
                v.extend(keywords(&["except"], "table keywords"));
                v
            }
            "data" => {
                let mut v = all_columns();
                if matches!(self.prev, "where" | "and" | "or" | "not") {
                    v.extend(keywords(&["not"], "condition words"));
                }
                if self.prev == "=" {
                    v.extend(functions(&names::words(names::DERIVE_FUNCTIONS), "derive functions"));
                }
                v
            }
            "source" | "target" if at_keyword => tables(),
            "transform" if at_keyword => values(names::TRANSFORM_TARGETS, "transform targets"),
            "transform" if matches!(self.prev, "=" | "|") => values(&names::words(names::TRANSFORMS), "transforms"),
            "fit" if at_keyword => values(&names::words(names::LAWS), "laws"),
            "fit" if !st.groups.is_empty() && matches!(self.prev, "(" | ",") => {
                settings(names::FIT_AT_COORDS, "fit at coordinates")
            }
            "fit" if self.prev2 == "fit" => keywords(&["at"], "fit"),
            "baseline" if at_keyword => values(&names::words(names::BASELINES), "baselines"),
            "expect" if at_keyword => values(&names::expect_subjects(), "expect subjects"),
            "expect" if self.prev_kind == Some(Kind::Op) => values(&names::words(names::ARMS), "arms"),
            "expect" if self.prev == "at" => keywords(names::AT_N, "expect keywords"),
            "expect" if matches!(self.prev, "every" | "largest") => keywords(&["n"], "expect keywords"),
            "expect" if self.prev == "n" => keywords(&["significantly"], "expect keywords"),
            "expect" => keywords(&["at", "significantly"], "expect keywords"),
            "report" if at_keyword => keywords(names::REPORT_KINDS, "report kinds"),
            "report" if self.prev == "by" => column_items(columns, target_table(text).as_deref()),
            "study" | "seed" | "report" => Vec::new(),
            _ => return None,
        })
    }

    fn in_block(&self, block: &Block, st: &State, columns: &Columns) -> Vec<Item> {
        let table = match block {
            Block::Source(t) | Block::Target(t) => Some(t.as_str()),
            _ => None,
        };
        let setting = st.setting.unwrap_or("");
        // Inside a list or a call of a setting's value.
        if let Some(&group) = st.groups.last() {
            return match (block, setting, group) {
                (Block::Grid, _, "logspace") => values(&[names::ALL], "logspace words"),
                (Block::Source(_) | Block::Target(_), "x" | "y" | "group", _) => column_items(columns, table),
                (Block::Model, _, "shared") | (Block::Head, "inputs", _) => Vec::new(),
                _ => Vec::new(),
            };
        }
        if self.prev == "=" {
            let setting = self.prev2;
            return match (block, setting) {
                (Block::Source(_) | Block::Target(_), "x" | "y" | "group") => column_items(columns, table),
                (Block::Model, "combine") => values(&names::words(names::COMBINES), "combines"),
                (Block::Model, "activation") => values(&names::words(names::ACTIVATIONS), "activations"),
                (Block::Encoder, "latent_activation") => {
                    values(&names::words(&names::latent_activations()), "latent activations")
                }
                (Block::Grid, "n") => functions(names::N_FUNCTIONS, "n functions"),
                // `input NAME = COLS`
                (Block::Model, _) if self.input_decl => column_items(columns, None),
                _ => match names::choice_settings().into_iter().find(|(s, _)| *s == setting) {
                    Some((s, words)) => values(&words, s),
                    None => Vec::new(),
                },
            };
        }
        if self.prev == "encoder" {
            return functions(&names::words(names::ENCODER_KINDS), "encoder kinds");
        }
        if self.prev == "input" {
            return Vec::new();
        }
        match block {
            Block::Source(_) => settings(names::SOURCE_SETTINGS, "source settings"),
            Block::Target(_) => settings(names::TARGET_SETTINGS, "target settings"),
            Block::Model => {
                let mut v = settings(names::MODEL_SETTINGS, "model settings");
                v.extend(keywords(names::MODEL_DECLARATIONS, "model declarations"));
                v
            }
            Block::Encoder => settings(names::ENCODER_SETTINGS, "encoder settings"),
            Block::Head => settings(names::HEAD_SETTINGS, "head settings"),
            Block::Pretrain => settings(names::PRETRAIN_SETTINGS, "pretrain settings"),
            Block::Finetune => settings(names::FINETUNE_SETTINGS, "finetune settings"),
            Block::Direct => settings(names::DIRECT_SETTINGS, "direct settings"),
            Block::Multitask => settings(names::MULTITASK_SETTINGS, "multitask settings"),
            Block::Grid => settings(names::GRID_SETTINGS, "grid settings"),
            Block::Fit(law) => match names::LAWS.iter().find(|(n, _)| n == law) {
                Some((n, l)) => settings(
                    names::law_params(*l),
                    if *n == "surface" { "surface parameters" } else { "power_law parameters" },
                ),
                None => Vec::new(),
            },
            Block::Unknown => Vec::new(),
        }
    }
}

/// The table named by the study's `target` statement, if any.
fn target_table(text: &str) -> Option<String> {
    let walk = Walk::new(text);
    (0..walk.tokens.len())
        .find(|&i| walk.roles[i] == super::scope::Role::TableRef && i > 0 && walk.tokens[i - 1].text == "target")
        .map(|i| walk.tokens[i].text.to_string())
}

fn item(label: impl Into<String>, kind: ItemKind, detail: &str) -> Item {
    Item { label: label.into(), kind, detail: detail.to_string() }
}

fn list(words: &[&str], kind: ItemKind, detail: &str) -> Vec<Item> {
    words.iter().map(|w| item(*w, kind, detail)).collect()
}

fn keywords(words: &[&str], detail: &str) -> Vec<Item> {
    list(words, ItemKind::Keyword, detail)
}

fn settings(words: &[&str], detail: &str) -> Vec<Item> {
    list(words, ItemKind::Setting, detail)
}

fn args(words: &[&str], detail: &str) -> Vec<Item> {
    list(words, ItemKind::Setting, detail)
}

fn values(words: &[&str], detail: &str) -> Vec<Item> {
    list(words, ItemKind::Value, detail)
}

fn functions(words: &[&str], detail: &str) -> Vec<Item> {
    list(words, ItemKind::Function, detail)
}

/// The columns of `table` (of every table when `None` or unknown), then the patterns that cover
/// several of them: `d_*` for `d_1 … d_190` (the part up to and including the first `_`).
pub fn column_items(columns: &Columns, table: Option<&str>) -> Vec<Item> {
    let chosen: Vec<(&String, &Vec<String>)> = match table.and_then(|t| columns.get_key_value(t)) {
        Some(one) => vec![one],
        None => columns.iter().collect(),
    };
    let mut out = Vec::new();
    let mut prefixes: BTreeMap<String, usize> = BTreeMap::new();
    for (t, cols) in &chosen {
        for c in cols.iter() {
            out.push(item(c.clone(), ItemKind::Column, &format!("column of {t}")));
            if let Some(at) = c.find('_')
                && at > 0
            {
                *prefixes.entry(c[..=at].to_string()).or_default() += 1;
            }
        }
    }
    for (p, n) in prefixes {
        if n >= 2 {
            out.push(item(format!("{p}*"), ItemKind::Pattern, &format!("pattern: {n} columns")));
        }
    }
    out
}

/// Every name of the language, the declared tables and the columns: the kernel's completion of
/// the word before the cursor.
fn fallback(text: &str, offset: usize, columns: &Columns) -> Vec<Item> {
    let all: Vec<String> = columns.values().flatten().cloned().collect();
    let (found, _, _) = kernel::complete(text, text[..offset].chars().count(), &all);
    let declared = kernel::declared_names(text);
    found
        .into_iter()
        .map(|w| {
            let (kind, detail) = if declared.contains(&w) {
                (ItemKind::Table, "table")
            } else if all.contains(&w) {
                (ItemKind::Column, "column")
            } else {
                (ItemKind::Keyword, "")
            };
            item(w, kind, detail)
        })
        .collect()
}
