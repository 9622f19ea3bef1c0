//! Arbitrary bytes → (if UTF-8) parse + check a study; errors are fine, a panic is a bug.
//! Every error is also rendered with miette, as `sim2real check` would print it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = sim2real::check::compile("fuzz.study", text) {
        let _ = sim2real::diag::render_plain(&e);
    }
});
