//! The pest parser generated from `grammar/study.pest`.

use pest::iterators::Pair;
use pest_derive::Parser;

/// Parser for `.study` files; the entry rule is [`Rule::file`].
#[derive(Parser)]
#[grammar = "../grammar/study.pest"]
pub struct StudyParser;

/// The leaves of a pest tree (pairs with no inner pairs: keywords, names, numbers, strings,
/// punctuation), in text order.
pub fn leaves<'i>(pair: Pair<'i, Rule>, out: &mut Vec<Pair<'i, Rule>>) {
    let mut inner = pair.clone().into_inner().peekable();
    if inner.peek().is_none() {
        out.push(pair);
    } else {
        for p in inner {
            leaves(p, out);
        }
    }
}
