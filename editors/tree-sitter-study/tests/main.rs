//! The checks CI runs on the tree-sitter grammar without the tree-sitter CLI (one test binary,
//! `cargo test --locked` in editors/tree-sitter-study): what `tree-sitter test` and
//! `tree-sitter parse` would say, from the committed generated parser.
//!
//! - `studies`: every committed study and ```study block of the docs parses with no ERROR or
//!   MISSING node; the malformed studies the language rejects for their syntax are errors here too.
//! - `corpus`: the cases of test/corpus/*.txt give their expected trees (tree-sitter's format).
//! - `highlights`: queries/highlights.scm compiles against the grammar and captures every keyword
//!   of grammar/study.pest wherever it occurs.
//! - `generated`: src/ was generated from this grammar.js (its SHA-256 stamp) at ABI 14.

mod corpus;
mod generated;
mod highlights;
mod studies;
mod support;
