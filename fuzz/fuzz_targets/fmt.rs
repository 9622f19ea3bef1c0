//! Arbitrary bytes → (if UTF-8) `sim2real fmt`'s promises (`syntax::fmt::verify`): a study that
//! parses is formatted to a fixed point with the same syntax tree and the same comments; one that
//! does not is refused with the parser's problems. A broken promise or a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(broken) = sim2real::syntax::fmt::verify(text) {
        panic!("fmt on {text:?}: {broken}");
    }
});
