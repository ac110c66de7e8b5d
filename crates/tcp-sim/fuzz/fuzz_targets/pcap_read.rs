//! Fuzzes the pcap reader (`tcp_sim::pcap::read`, which reads captures and our own exports): any
//! bytes are segments or an error, never a panic, with checksums verified or not.
//!
//! Run with `cargo xtask fuzz pcap_read`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcp_sim::pcap::{Checksums, read};

fuzz_target!(|data: &[u8]| {
    let ignored = read(data, Checksums::Ignore);
    if let Ok(verified) = read(data, Checksums::Verify) {
        assert_eq!(ignored.map(|s| s.len()), Ok(verified.len()), "verifying only rejects, never changes");
    }
});
