//! The fuzz targets' properties on stable, with a fixed budget (`cargo xtask fuzz` runs them
//! longer, with coverage guidance): the scenario parser (TOML and JSON) and the pcap reader never
//! panic on mutated or random input; an error says where; what parses round-trips.

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use tcp_sim::pcap::{Checksums, read, to_pcap};
use tcp_sim::{Scenario, catalogue, simulate};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        rng_seed: RngSeed::Fixed(0xf022),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `base` with bytes replaced, inserted and removed at the given positions.
fn mutate(base: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(at, op, byte) in edits {
        let at = if bytes.is_empty() { 0 } else { at % bytes.len() };
        match op % 3 {
            0 if !bytes.is_empty() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ if !bytes.is_empty() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
    bytes
}

fn catalogue_texts() -> Vec<(String, String)> {
    catalogue::ENTRIES.iter().map(|e| (e.source.to_string(), e.scenario().expect("a valid entry").to_json())).collect()
}

#[track_caller]
fn parse_checked(bytes: &[u8], json: bool) -> Result<(), TestCaseError> {
    let Ok(text) = tcp_sim::scenario::text_of(bytes) else { return Ok(()) };
    let parsed = if json { Scenario::from_json(text) } else { Scenario::from_toml(text) };
    match parsed {
        Ok(s) => prop_assert_eq!(Scenario::from_json(&s.to_compact_json()), Ok(s)),
        Err(e) => prop_assert!(!e.at.is_empty() && !e.message.is_empty(), "{:?}", e),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scenarios_parse_or_say_where(
        entry in 0..catalogue::ENTRIES.len(),
        json in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        let (toml, pretty_json) = &catalogue_texts()[entry];
        let base = if json { pretty_json } else { toml };
        parse_checked(&mutate(base.as_bytes(), &edits), json)?;
    }

    #[test]
    fn random_text_parses_or_says_where(text in "\\PC{0,200}", json in any::<bool>()) {
        parse_checked(text.as_bytes(), json)?;
    }

    #[test]
    fn mutated_pcaps_read_or_fail_cleanly(
        entry in 0..catalogue::ENTRIES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
    ) {
        let trace = simulate(&catalogue::ENTRIES[entry].scenario().expect("a valid entry"));
        let bytes = mutate(&to_pcap(&trace), &edits);
        let ignored = read(&bytes, Checksums::Ignore);
        if let Ok(verified) = read(&bytes, Checksums::Verify) {
            prop_assert_eq!(ignored.map(|s| s.len()), Ok(verified.len()));
        }
    }

    #[test]
    fn random_bytes_are_no_pcap(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = read(&bytes, Checksums::Verify);
        let _ = read(&bytes, Checksums::Ignore);
    }

    /// The page's reader of numbers reads what core reads (the `decimal` fuzz target's property):
    /// numbers in any notation, and text that is nearly one.
    #[test]
    fn numbers_read_as_core_reads_them(
        text in "[-+]?(inf|nan|[0-9]{0,25}(\\.[0-9]{0,25})?([eE][-+]?[0-9]{1,4})?)|[-+.eE0-9a-z ]{0,12}",
    ) {
        let ours = tcp_sim::decimal::parse_f64(&text).map(f64::to_bits);
        prop_assert_eq!(ours, text.parse::<f64>().ok().map(f64::to_bits), "{:?}", text);
    }
}
