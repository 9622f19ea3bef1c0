//! src/ is what `tree-sitter generate` makes of this grammar.js: the SHA-256 of grammar.js that
//! generate.sh recorded in src/grammar.js.sha256 when it generated src/, and the ABI it chose.

use sha2::{Digest, Sha256};

use crate::support::{here, language, read, read_text};

const REGENERATE: &str = "run ./generate.sh in editors/tree-sitter-study (tree-sitter-cli 0.27.1 and node on PATH; \
     see editors/README.md) and commit src/";

#[test]
fn src_was_generated_from_this_grammar_js() {
    let digest: String = Sha256::digest(read(&here().join("grammar.js"))).iter().map(|b| format!("{b:02x}")).collect();
    let stamp = read_text(&here().join("src/grammar.js.sha256"));
    // `sha256sum grammar.js` output: `HEX  grammar.js`.
    let recorded = stamp.split_whitespace().next().unwrap_or("");
    assert_eq!(
        recorded, digest,
        "grammar.js changed since src/ was generated (src/grammar.js.sha256 records another SHA-256): {REGENERATE}"
    );
    assert_eq!(stamp.split_whitespace().nth(1), Some("grammar.js"), "src/grammar.js.sha256: {stamp:?}");
}

#[test]
fn the_parser_has_abi_14() {
    // ABI 14 loads in every tree-sitter runtime since 0.20.x (Neovim 0.9+, Helix 23.x+); 15 only in 0.25+.
    assert_eq!(language().abi_version(), 14, "src/parser.c has another ABI: {REGENERATE}");
}
