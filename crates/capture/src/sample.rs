//! Big captures made to measure: the benchmarks' (native and in the page) and the tests' input
//! for "read 100,000 packets", written from a simulated trace so that nothing is checked in.

use alloc::vec::Vec;
use tcp_sim::{catalogue, pcap::to_pcap, simulate};

/// Records of the handshake entry's capture (a handshake, a request, its answer, the close).
const RECORDS_PER_CONNECTION: usize = 11;

/// The client port of the handshake entry, rewritten in each copy.
const CLIENT_PORT: u16 = 40000;

/// A pcap of about `packets` records: the handshake entry's records repeated, each copy on its
/// own client port (from 1024 up, wrapping after 60,000 copies), so the capture holds
/// `packets / 11` connections of 11 packets each.
pub fn many_connections(packets: usize) -> Vec<u8> {
    let Some(scenario) = catalogue::get("handshake").and_then(|e| e.scenario().ok()) else { return Vec::new() };
    let base = to_pcap(&simulate(&scenario));
    let (header, records) = base.split_at(24);
    let mut out = header.to_vec();
    for copy in 0..packets / RECORDS_PER_CONNECTION {
        let port = 1024 + (copy % 60_000) as u16;
        let start = out.len();
        out.extend_from_slice(records);
        rewrite_client_port(&mut out[start..], port);
    }
    out
}

/// Rewrites the client port (source or destination) of every record of `records` (raw IPv4
/// records without IP options, as [`to_pcap`] writes them) to `port`.
fn rewrite_client_port(records: &mut [u8], port: u16) {
    let mut at = 0;
    while at + 16 + 24 <= records.len() {
        let len = u32::from_le_bytes([records[at + 8], records[at + 9], records[at + 10], records[at + 11]]) as usize;
        let tcp = at + 16 + 20;
        let (src, dst) = (&records[tcp..tcp + 2], &records[tcp + 2..tcp + 4]);
        let at_port = if src == CLIENT_PORT.to_be_bytes() {
            Some(tcp)
        } else if dst == CLIENT_PORT.to_be_bytes() {
            Some(tcp + 2)
        } else {
            None
        };
        if let Some(p) = at_port {
            records[p..p + 2].copy_from_slice(&port.to_be_bytes());
        }
        at += 16 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_copy_is_a_connection_of_its_own() {
        let pcap = many_connections(1100);
        let listing = crate::list(&pcap).expect("the sample reads");
        assert_eq!(listing.packets, 1100);
        assert_eq!(listing.connections.len(), 100);
        assert!(
            listing.connections.iter().all(|c| c.packets[0] + c.packets[1] == 11 && c.began == crate::Began::Handshake)
        );
    }
}
