//! The tree-sitter grammar of sim2real's `.study` files (grammar.js, generated into src/).
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_study::LANGUAGE.into()).expect("the study grammar loads");
//! let tree = parser.parse("study s\nseed 7\n", None).expect("a tree");
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_study() -> *const ();
}

/// The tree-sitter [`LanguageFn`] of the study grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_study) };

/// The content of src/node-types.json.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query (queries/highlights.scm).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");
