//! Fuzzes the scenario parser on TOML: any text is a scenario or an error naming where (a line
//! and column, or a key), never a panic; what parses runs through validation and writes TOML
//! and JSON that read back as the same scenario.
//!
//! Run with `cargo xtask fuzz scenario_toml`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcp_sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = tcp_sim::scenario::text_of(data) else { return };
    match Scenario::from_toml(text) {
        Ok(s) => {
            assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s), "JSON round trip");
            assert_eq!(Scenario::from_json(&s.to_compact_json()).as_ref(), Ok(&s), "compact JSON round trip");
        }
        Err(e) => assert!(!e.at.is_empty() && !e.message.is_empty(), "an error says where and what: {e:?}"),
    }
});
