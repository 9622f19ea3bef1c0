//! Syntax: study text → [`ast::File`] with spans.
//!
//! The grammar lives in `grammar/study.pest`. [`parse`] runs it over the whole text; when that
//! fails, the text is split into top-level statements and each is parsed alone, so that every
//! broken statement is reported (see [`split`]).

pub mod ast;
mod grammar;
mod lower;
mod parse;
mod split;
mod syntax_error;

pub use parse::parse;

/// Statement keywords, in the order the language reference lists them.
pub const STATEMENT_KEYWORDS: &[&str] = &[
    "study",
    "seed",
    "data",
    "source",
    "target",
    "transform",
    "model",
    "pretrain",
    "finetune",
    "direct",
    "multitask",
    "grid",
    "baseline",
    "fit",
    "expect",
    "report",
];
