//! Syntax: study text → [`ast::File`] with spans.
//!
//! The grammar lives in `grammar/study.pest`. [`parse`] runs it over the whole text; when that
//! fails, the text is split into top-level statements and each is parsed alone, so that every
//! broken statement is reported (see [`split`]). Every name of the language is in [`names`].
//! [`fmt`] writes a study in its canonical layout, comments kept (`sim2real fmt`).

pub mod ast;
pub mod fmt;
mod grammar;
mod lower;
pub mod names;
mod parse;
mod split;
mod syntax_error;

pub use parse::parse;
