//! Fuzzes the scenario parser on JSON (what the page reads, from a file or a link): a scenario or
//! an error naming where, never a panic; what parses writes JSON that reads back the same.
//!
//! Run with `cargo xtask fuzz scenario_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcp_sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    match Scenario::from_json(text) {
        Ok(s) => assert_eq!(Scenario::from_json(&s.to_compact_json()).as_ref(), Ok(&s), "JSON round trip"),
        Err(e) => assert!(!e.at.is_empty() && !e.message.is_empty(), "an error says where and what: {e:?}"),
    }
});
