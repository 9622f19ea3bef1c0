//! The pest parser generated from `grammar/study.pest`.

use pest_derive::Parser;

/// Parser for `.study` files; the entry rule is [`Rule::file`].
#[derive(Parser)]
#[grammar = "../grammar/study.pest"]
pub struct StudyParser;
