#!/usr/bin/env sh
# Regenerates src/ (parser.c, grammar.json, node-types.json, tree_sitter/*.h) from grammar.js with
# the tree-sitter CLI (0.27.1; `cargo install tree-sitter-cli --locked`, and node on PATH), records
# grammar.js's SHA-256 (src/grammar.js.sha256, checked by `cargo test` here), then runs the corpus.
# ABI 14: Neovim 0.9/0.10 and Helix before 25.07 cannot load 15.
set -eu
cd "$(dirname "$0")"
tree-sitter generate --abi 14
sha256sum grammar.js > src/grammar.js.sha256
tree-sitter test
