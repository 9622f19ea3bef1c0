//! `sim2real lsp`: a language server for `.study` files over stdio (JSON-RPC; the `lsp-server` and
//! `lsp-types` crates of rust-analyzer, synchronous, no async runtime). See docs/editors.md.
//!
//! The editor features read the text alone and so work on a half-typed file; they are built
//! without the server (the fuzz target drives them in-process):
//!
//! | file        | what                                                                        |
//! |-------------|-----------------------------------------------------------------------------|
//! | `lex`       | tokens that never fail (open strings, stray characters)                      |
//! | `scope`     | the role of every token: statements, tables, settings, values, names        |
//! | `position`  | (line, UTF-16 column) ⇄ byte offsets; the open document and its edits        |
//! | `diagnose`  | `check`'s problems; the data's problems, plan warnings and table columns      |
//! | `complete`  | completion by place (falls back on the kernel's completion)                  |
//! | `hover`     | docs/language.md's passage for a word of the language; a table's declaration |
//! | `tables`    | go to definition, find references of `data` tables                          |
//! | `tokens`    | semantic tokens                                                             |
//! | `format`    | document formatting (to be connected to `sim2real fmt`'s formatter)          |
//! | `drive`     | every request on arbitrary text and edits (fuzzing, tests)                   |
//! | `server`    | the protocol: requests, notifications, the debounced data worker             |

pub mod complete;
pub mod diagnose;
pub mod drive;
pub mod format;
pub mod hover;
pub mod lex;
pub mod position;
pub mod scope;
pub mod tables;
pub mod tokens;

#[cfg(feature = "lsp")]
mod server;
#[cfg(feature = "lsp")]
pub use server::serve;
