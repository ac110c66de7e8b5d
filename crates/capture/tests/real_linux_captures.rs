//! The real Linux 6.18 captures in `tests/captures/` (made by `tools/captures/make.py`, each with
//! its log of socket calls): every link layer and file format they use imports, every connection
//! in them imports, and the facts each was made to show come out of the import: addresses and
//! capture points, a capture that starts mid-stream, and Linux's own timers, which the `linux`
//! profile must reproduce when the import is re-run.

use capture::{FileFormat, Import, collect, import, list, rerun};
use std::net::SocketAddr;
use tcp_core::Flags;
use tcp_core::State::{self, *};
use tcp_sim::trace::{EventKind, HostId};

fn path(file: &str) -> String {
    format!("{}/../../tests/captures/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn bytes(file: &str) -> Vec<u8> {
    std::fs::read(path(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The one connection of a capture that holds one.
fn only(file: &str) -> Import {
    let bytes = bytes(file);
    let listing = list(&bytes).unwrap_or_else(|e| panic!("{file}: {}", e));
    assert_eq!(listing.connections.len(), 1, "{file}");
    import(&collect(&bytes, &listing, 1).unwrap_or_else(|e| panic!("{file}: {}", e)))
}

/// The states a host went through, in order.
fn states(imported: &Import, host: usize) -> Vec<State> {
    let kinds = imported.trace.events.iter().filter(|e| e.host.index() == host).map(|e| &e.kind);
    kinds.filter_map(|k| if let EventKind::State { to, .. } = k { Some(*to) } else { None }).collect()
}

/// When each segment from the client was captured, in whole seconds from the first.
fn client_seconds(imported: &Import) -> Vec<u64> {
    let t = &imported.trace;
    let first = t.segments.first().map_or(0, |s| s.sent_at.micros);
    t.segments
        .iter()
        .filter(|s| s.from == HostId(0))
        .map(|s| (s.sent_at.micros - first + 500_000) / 1_000_000)
        .collect()
}

#[test]
fn every_capture_and_every_connection_in_it_imports() {
    let mut files: Vec<String> = std::fs::read_dir(path(""))
        .expect("tests/captures")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pcap") || name.ends_with(".pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 22, "{files:?}");
    for file in &files {
        let bytes = bytes(file);
        let listing = list(&bytes).unwrap_or_else(|e| panic!("{file}: {}", e));
        assert!(!listing.connections.is_empty(), "{file}: no connection");
        assert_eq!(listing.first_bad_segment, None, "{file}");
        let format = if file.ends_with(".pcapng") { FileFormat::PcapNg } else { FileFormat::Pcap };
        assert_eq!(listing.format, format, "{file}");
        for n in 1..=listing.connections.len() {
            let collected = collect(&bytes, &listing, n).unwrap_or_else(|e| panic!("{file} #{n}: {}", e));
            let imported = import(&collected);
            let summary = &listing.connections[n - 1];
            // Every captured segment is in the trace; the two-interface capture has each twice.
            let captured = (summary.packets[0] + summary.packets[1]) as usize;
            assert_eq!(imported.trace.segments.len(), captured, "{file} #{n}: the trace holds what was captured");
            assert!(!imported.notes.is_empty(), "{file} #{n}: the import says what it inferred");
            // An application that closed a connection reads nothing more from it.
            if let Err(e) = tcp_sim::invariants::nothing_read_after_close(&imported.trace) {
                panic!("{file} #{n}: {e}:\n{}", imported.trace.to_text());
            }
        }
    }
}

#[test]
fn link_layers_and_addresses() {
    // IPv6 on the loopback, nanosecond timestamps.
    let v6 = only("ipv6_loopback.pcap");
    assert!(matches!(v6.summary.client, SocketAddr::V6(_)), "{:?}", v6.summary.client);
    assert!(v6.point.same_host);
    // Between two namespaces: Linux cooked capture v1 and v2, one and two VLAN tags, and a
    // router's two interfaces in one pcapng. Each end is a host of its own, so the capture point
    // is measured from both.
    for file in ["veth_any_sll.pcap", "veth_any_sll2.pcap", "vlan.pcap", "qinq.pcap", "two_interfaces.pcapng"] {
        let imported = only(file);
        assert!(!imported.point.same_host, "{file}");
        assert_eq!(imported.point.measured, [true, true], "{file}");
        let SocketAddr::V4(client) = imported.summary.client else { panic!("{file}: IPv4 expected") };
        assert_eq!(client.ip().octets()[..3], [10, 0, 1], "{file}");
        assert_eq!(states(&imported, 0)[..2], [SynSent, Established], "{file}");
    }
}

#[test]
fn a_capture_that_starts_mid_stream() {
    let imported = only("mid_stream.pcap");
    assert!(imported.mid_stream);
    assert!(imported.trace.segments.iter().all(|s| !s.repr.flags.contains(Flags::SYN)), "no SYN was captured");
    assert_eq!(states(&imported, 0).first(), Some(&Established));
    assert_eq!(states(&imported, 1).first(), Some(&Established));
}

/// `tcp_syn_retries` 6 and `tcp_syn_linear_timeouts` 4: five SYN retries one second apart, then
/// doubling, ten retries in all (the log says connect() failed at 135 s).
#[test]
fn linux_retries_a_syn_linearly_then_doubles() {
    let imported = only("syn_timeout.pcap");
    assert_eq!(client_seconds(&imported), [0, 1, 2, 3, 4, 5, 7, 11, 19, 36, 70]);
    let log = std::fs::read_to_string(path("syn_timeout.log")).expect("its log");
    assert!(log.contains("net.ipv4.tcp_syn_linear_timeouts = 4") && log.contains("-> error ETIMEDOUT"), "{log}");
    // The `linux` profile sends the same SYNs: the re-run matches the capture.
    let (_, comparison) = rerun(&imported);
    assert!(comparison.matches(), "{}", comparison.mismatch.map(|m| m.en()).unwrap_or_default());
}

/// An orphaned socket in FIN-WAIT-2 (`tcp_fin_timeout` 3 s) is gone when the peer's FIN comes at
/// 5 s: that FIN meets a RST.
#[test]
fn an_orphan_in_fin_wait_2_times_out() {
    let imported = only("fin_wait2_timeout.pcap");
    assert_eq!(states(&imported, 0)[..4], [SynSent, Established, FinWait1, FinWait2]);
    let last = imported.trace.segments.last().expect("segments");
    assert_eq!((last.from, last.repr.flags.contains(Flags::RST)), (HostId(0), true), "the client's RST ends it");
    let fin = imported.trace.segments.iter().rfind(|s| s.from == HostId(1) && s.repr.flags.contains(Flags::FIN));
    let fin_at = fin.expect("the server's FIN").sent_at.micros - imported.trace.segments[0].sent_at.micros;
    assert!(fin_at >= 3_000_000, "the server's FIN came after the timeout: {fin_at} µs");
}
