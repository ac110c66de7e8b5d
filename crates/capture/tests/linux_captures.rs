//! The four real Linux 6.18 captures in `../shared/captures/`: each imports, the states inferred
//! are the ones Linux went through (RFC 9293's diagram, with Linux's three-segment close where it
//! happened), and the re-run of the unchanged import matches the capture by the Linux-capture
//! tests' comparison.

use capture::{collect, import, list, rerun};
use tcp_core::State::{self, *};
use tcp_sim::trace::{EventKind, HostId, SegId};

fn load(name: &str) -> capture::Import {
    let path = format!("{}/../../../shared/captures/{name}.pcap", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let listing = list(&bytes).unwrap();
    assert_eq!(listing.connections.len(), 1, "{name}");
    import(&collect(&bytes, &listing, 1).unwrap())
}

/// The states a host went through, in order.
fn states(imported: &capture::Import, host: usize) -> Vec<State> {
    imported
        .trace
        .events
        .iter()
        .filter(|e| e.host.index() == host)
        .filter_map(|e| match e.kind {
            EventKind::State { to, .. } => Some(to),
            _ => None,
        })
        .collect()
}

#[track_caller]
fn check(name: &str, client: &[State], server: &[State], lost: &[usize]) {
    let imported = load(name);
    assert_eq!(states(&imported, 0), client, "{name}: client");
    assert_eq!(states(&imported, 1), server, "{name}: server");
    let inferred_lost: Vec<usize> =
        imported.analysis.segs.iter().enumerate().filter(|(_, s)| s.lost.is_some()).map(|(i, _)| i + 1).collect();
    assert_eq!(inferred_lost, lost, "{name}: lost segments");
    assert!(imported.point.same_host, "{name}: a loopback capture holds both sides' view");
    let (_, comparison) = rerun(&imported);
    assert!(comparison.matches(), "{name}: {}", comparison.mismatch.map(|m| m.en()).unwrap_or_default());
}

const CLIENT: &[State] = &[SynSent, Established, FinWait1, FinWait2, TimeWait, Closed];
const SERVER: &[State] = &[SynReceived, Established, CloseWait, LastAck, Closed];

#[test]
fn basic() {
    check("basic", CLIENT, SERVER, &[]);
}

#[test]
fn drop_syn() {
    check("drop_syn", CLIENT, SERVER, &[1]);
}

#[test]
fn drop_fin() {
    check("drop_fin", CLIENT, SERVER, &[8]);
}

#[test]
fn three_segment_close() {
    // The server's FIN carries the ACK of the client's FIN: FIN-WAIT-2 lasts no time.
    check("three_segment_close", CLIENT, SERVER, &[]);
}

/// The derived scenario is one `synack run` loads: it survives TOML and re-runs the same.
#[test]
fn scenario_survives_toml() {
    let imported = load("drop_fin");
    let text = imported.scenario.to_toml();
    let parsed = tcp_sim::Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(parsed, imported.scenario);
}

/// A reader's change to the re-run has its consequence: drop the client's retransmitted FIN too
/// and the client retransmits it once more, later.
#[test]
fn dropping_one_more_segment_shows_the_consequence() {
    let mut imported = load("drop_fin");
    let mut fault = imported.scenario.faults[0].clone();
    fault.nth = 2;
    imported.scenario.faults.push(fault);
    let (trace, comparison) = rerun(&imported);
    assert!(!comparison.matches());
    let fins =
        trace.segments.iter().filter(|s| s.from == HostId(0) && s.repr.flags.contains(tcp_core::Flags::FIN)).count();
    assert_eq!(fins, 3, "a third FIN follows the two lost ones");
}

/// The import records the facts the real SYNs carry, as a simulated run does: each end's ISS and
/// IRS are the captured ISNs, the MSS, window shifts, timestamps and SACK are the options Linux
/// sent (not the observers' own), and so the numbers count from each end's ISN and the windows
/// are scaled by the sender's shift.
#[test]
fn the_import_records_the_real_syns_facts() {
    use tcp_core::{Flags, WindowShifts};
    let imported = load("basic");
    let t = &imported.trace;
    let syn = &t.segments[0].repr;
    let synack = &t.segments[1].repr;
    assert_eq!((syn.flags, synack.flags), (Flags::SYN, Flags::SYN | Flags::ACK));
    let [client, server] = &t.conns[..] else { panic!("two connections: {:?}", t.conns) };
    let (c, s) = (client.synchronized.expect("client synchronized"), server.synchronized.expect("server synchronized"));
    assert_eq!((client.iss, server.iss), (Some(syn.seq), Some(synack.seq)));
    assert_eq!((c.negotiation.irs, s.negotiation.irs), (synack.seq, syn.seq));
    assert_eq!((c.peer_syn, s.peer_syn), (Some(SegId(1)), Some(SegId(0))));
    let (cws, sws) = (
        syn.options.window_scale().expect("Linux offers scaling"),
        synack.options.window_scale().expect("and answers it"),
    );
    assert_eq!(c.negotiation.window_shifts, Some(WindowShifts { local: cws, remote: sws }));
    assert_eq!(s.negotiation.window_shifts, Some(WindowShifts { local: sws, remote: cws }));
    assert_eq!(c.negotiation.peer_mss, synack.options.mss().expect("MSS option"));
    assert!(c.negotiation.timestamps && c.negotiation.sack_permitted && s.negotiation.timestamps);
    assert_eq!(
        (t.label(SegId(0), true), t.label(SegId(1), true), t.label(SegId(2), true)),
        ("SYN seq=0".into(), "SYN, ACK seq=0 ack=1".into(), "ACK seq=1 ack=1".into())
    );
    let third = t.advertised_window(SegId(2));
    assert_eq!((third.field, third.shift), (t.segments[2].repr.window, Some(cws)));
    assert!(t.segments.iter().all(|s| s.link_delay_us == imported.point.path_us()));
}
