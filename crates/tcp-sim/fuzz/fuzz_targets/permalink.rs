//! Fuzzes the page's permalink decoder (`synack_web::permalink::decode`, natively): any fragment
//! is an experiment or a bilingual error, never a panic; what decodes encodes to a fragment that
//! decodes to the same experiment and view.
//!
//! Run with `cargo xtask fuzz permalink`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synack_web::permalink::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok(fragment) = core::str::from_utf8(data) else { return };
    match decode(fragment) {
        Ok((experiment, view)) => {
            let link = encode(&experiment, &view).expect("what was read from a link fits a link");
            assert_eq!(decode(&link), Ok((experiment, view)), "round trip of {fragment:?}");
        }
        Err(e) => assert!(!e.en.is_empty() && !e.zh.is_empty(), "a bilingual error"),
    }
});
