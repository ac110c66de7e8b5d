//! Fuzzes the simulator: the bytes make a random valid scenario within the format's limits (the
//! generator of `tests/budget.rs`), which runs within a small work budget; the trace keeps
//! `tcp_sim::invariants` (budget, sequence order, no ACK storm, indices in range) and every
//! writer of tcp-sim (text, JSON, pcap) handles it. The same scenario gives the same trace.
//!
//! Run with `cargo xtask fuzz simulate`.
#![no_main]

#[path = "../../tests/common/random.rs"]
mod random;

use libfuzzer_sys::fuzz_target;
use tcp_sim::pcap::{Checksums, read, to_pcap};
use tcp_sim::{Limits, invariants, simulate_with};

const LIMITS: Limits = Limits { segments: 400, connections: 30, events: 3_000, steps: 6_000 };

fuzz_target!(|data: &[u8]| {
    let scenario = random::scenario(data);
    let trace = simulate_with(&scenario, LIMITS);
    if let Err(broken) = invariants::check(&scenario, &LIMITS, &trace) {
        panic!("{broken}\n{scenario:#?}");
    }
    assert!(trace.to_text().lines().count() >= trace.events.len());
    let json = trace.to_json();
    assert!(json.starts_with('{'));
    let segments = read(&to_pcap(&trace), Checksums::Verify).expect("our pcap reads back");
    assert_eq!(segments.len(), trace.segments.len());
    assert_eq!(simulate_with(&scenario, LIMITS), trace, "deterministic");
});
