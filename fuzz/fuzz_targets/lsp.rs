//! Arbitrary bytes → the language server's document handling, in-process: a text (up to the first
//! 0xFF byte), then edits, and after each every request answered from the text (diagnostics,
//! completion, hover, definition, references, semantic tokens); see `sim2real::lsp::drive`.
//! A panic is a bug, and so is a range outside the document (asserted there).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sim2real::lsp::drive::drive(data);
});
