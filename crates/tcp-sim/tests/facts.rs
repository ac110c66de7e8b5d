//! The trace records facts and every view reads them: the window each segment advertises, the
//! ISNs each connection incarnation counts from, the link's delay. Checked here against what is
//! on the wire, for every catalogue entry under every profile.

use tcp_core::config::Profile;
use tcp_core::{Flags, SeqNum};
use tcp_sim::trace::{Fate, HostId, SegId, Trace};
use tcp_sim::{Scenario, catalogue, simulate};

/// Every catalogue entry, with every host on `profile`.
fn entries_under(profile: Profile) -> impl Iterator<Item = (&'static str, Trace)> {
    catalogue::ENTRIES.iter().map(move |entry| {
        let mut scenario: Scenario = entry.scenario().unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        scenario.profile = profile;
        for h in &mut scenario.hosts {
            h.profile = None;
        }
        (entry.name, simulate(&scenario))
    })
}

/// The window segment `i` advertises as RFC 7323 reads it from the wire: in a SYN, or before
/// the sender has the peer's SYN, the field as it is; after both SYNs of the sender's own
/// connection carried the window-scale option, the field shifted by the sender's own option.
/// Worked out from the segments alone, not from what the trace records of the negotiation.
fn scaled_on_the_wire(trace: &Trace, i: usize) -> u32 {
    let s = &trace.segments[i];
    let field = u32::from(s.repr.window);
    let Some(c) = s.conn else { return field };
    if s.repr.flags.contains(Flags::SYN) {
        return field;
    }
    // The sender's own SYN (or SYN-ACK), and the last SYN a TCP sent that reached its connection
    // before `i` left (a SYN-ACK that answered an older SYN, rejected, came before it).
    let own_syn = trace.segments.iter().find(|o| o.conn == Some(c) && o.repr.flags.contains(Flags::SYN));
    let peer_syn = trace.segments[..i].iter().rev().find(|o| {
        o.received_by == Some(c)
            && o.repr.flags.contains(Flags::SYN)
            && !o.injected
            && matches!(o.fate, Fate::Delivered { at } if at <= s.sent_at)
    });
    match (own_syn.and_then(|o| o.repr.options.window_scale()), peer_syn.and_then(|p| p.repr.options.window_scale())) {
        (Some(own), Some(_)) => field << own.min(14),
        _ => field,
    }
}

/// The inspector and the narration read one function, `Trace::advertised_window`; it must give
/// the scaled window for every segment of every entry under every profile.
#[test]
fn the_advertised_window_is_the_scaled_one_everywhere() {
    let mut scaled = 0;
    for profile in Profile::ALL {
        for (name, trace) in entries_under(profile) {
            for i in 0..trace.segments.len() {
                let window = trace.advertised_window(SegId(i));
                assert_eq!(window.field, trace.segments[i].repr.window, "{name} ({}) segment {i}", profile.name());
                assert_eq!(
                    window.bytes(),
                    scaled_on_the_wire(&trace, i),
                    "{name} ({}) segment {i}: {}",
                    profile.name(),
                    trace.label(SegId(i), false)
                );
                scaled += usize::from(window.shift.is_some_and(|s| s > 0));
            }
        }
    }
    // Linux (10) and FreeBSD (6) scale their windows: the comparison above is not vacuous.
    assert!(scaled > 100, "only {scaled} scaled windows");
}

/// The issue's example: under Linux, on old-duplicate-syn, the client's third segment says
/// win=63, which means 64512 bytes (shift 10; Linux rounds its first window of 64240 up to a
/// unit); the injected old SYN, which came before it, is not the peer's SYN of the client's
/// connection.
#[test]
fn linux_old_duplicate_syn_third_segment_means_64512_bytes() {
    let (_, trace) = entries_under(Profile::Linux).find(|(n, _)| *n == "old-duplicate-syn").expect("entry");
    let third = (0..trace.segments.len())
        .find(|&i| {
            let s = &trace.segments[i];
            s.from == HostId(0) && s.repr.flags == Flags::ACK && s.payload.is_empty()
        })
        .expect("the client's third segment");
    let window = trace.advertised_window(SegId(third));
    assert_eq!((window.field, window.shift, window.bytes()), (63, Some(10), 64_512));
}

/// Each incarnation counts from its own ISNs: the old duplicate SYN (seq 90, made by hand) and
/// the real one (seq 100) read apart, and so do the SYN-ACKs that answer them; the facts name
/// both ISNs of each incarnation.
#[test]
fn old_duplicate_syn_shows_the_old_and_the_new_isn_apart() {
    let trace = simulate(&catalogue::get("old-duplicate-syn").expect("entry").scenario().expect("scenario"));
    let syns: Vec<usize> = (0..trace.segments.len()).filter(|&i| trace.segments[i].repr.flags == Flags::SYN).collect();
    let synacks: Vec<usize> =
        (0..trace.segments.len()).filter(|&i| trace.segments[i].repr.flags == Flags::SYN | Flags::ACK).collect();
    let [real, old] = syns[..] else { panic!("two SYNs: {syns:?}") };
    let [to_old, to_real] = synacks[..] else { panic!("two SYN-ACKs: {synacks:?}") };
    assert!(trace.segments[old].injected && !trace.segments[real].injected);
    let labels = |relative| [real, old, to_old, to_real].map(|i| trace.label(SegId(i), relative));
    // Relative: the real incarnation from its ISN; the old one keeps its wire numbers.
    assert_eq!(labels(true), ["SYN seq=0", "SYN seq=90", "SYN, ACK seq=0 ack=91", "SYN, ACK seq=0 ack=1"]);
    assert_eq!(labels(false), ["SYN seq=100", "SYN seq=90", "SYN, ACK seq=300 ack=91", "SYN, ACK seq=300 ack=101"]);
    // The client's veto reads in the old numbers too.
    let rst = (0..trace.segments.len()).find(|&i| trace.segments[i].repr.flags.contains(Flags::RST)).expect("RST");
    assert_eq!(trace.label(SegId(rst), true), "RST seq=91");

    // The facts: the client's connection, the server's half-open one (synchronized with the
    // old SYN) and its real one (with the client's).
    let facts: Vec<_> =
        trace.conns.iter().map(|c| (c.host, c.iss, c.synchronized.map(|s| (s.negotiation.irs, s.peer_syn)))).collect();
    assert_eq!(
        facts,
        [
            (HostId(0), Some(SeqNum(100)), Some((SeqNum(300), Some(SegId(to_real))))),
            (HostId(1), Some(SeqNum(300)), Some((SeqNum(90), Some(SegId(old))))),
            (HostId(1), Some(SeqNum(300)), Some((SeqNum(100), Some(SegId(real))))),
        ]
    );
    assert_eq!(trace.hosts.iter().map(|h| h.fixed_isn).collect::<Vec<_>>(), [Some(100), Some(300)]);
}

/// A connection that never synchronizes still has its ISN, so its retransmitted SYNs read
/// seq=0; a lost SYN's arrow ends where the link's configured delay would have put it.
#[test]
fn connect_timeout_numbers_its_syns_and_keeps_the_link_delay() {
    let scenario = catalogue::get("connect-timeout").expect("entry").scenario().expect("scenario");
    let trace = simulate(&scenario);
    let [conn] = &trace.conns[..] else { panic!("one connection: {:?}", trace.conns) };
    assert_eq!(conn.synchronized, None);
    let iss = conn.iss.expect("an ISS without any answer");
    assert_eq!(trace.hosts[0].fixed_isn, None, "this entry's ISN is drawn from the seed");
    let delay = scenario.link.delay_ms.micros();
    for (i, s) in trace.segments.iter().enumerate() {
        assert!(matches!(s.fate, Fate::Lost { .. }), "every SYN is lost");
        assert_eq!((s.repr.seq, trace.relative(SegId(i))), (iss, (0, None)));
        assert_eq!(s.link_delay_us, delay);
    }
}

/// A stray reset injected into an open connection reads in that connection's numbers, as its
/// receiver does (the scenario writes its absolute number).
#[test]
fn an_injected_reset_reads_in_the_numbers_of_the_connection_it_reaches() {
    let json = r#"{"profile": "linux", "hosts": [
      {"name": "client", "addr": "192.0.2.1", "isn": 100, "app": [
        {"at_ms": 0, "do": "connect", "to": "server"},
        {"at_ms": 100, "do": "inject", "to": "server", "flags": "RST", "seq": 150}]},
      {"name": "server", "addr": "198.51.100.1", "isn": 300, "app": [{"at_ms": 0, "do": "listen"}]}]}"#;
    let trace = simulate(&Scenario::from_json(json).expect("scenario"));
    let rst = trace.segments.iter().position(|s| s.injected).expect("the injected RST");
    assert_eq!(trace.segments[rst].repr.seq, SeqNum(150));
    assert_eq!(trace.label(SegId(rst), true), "RST seq=50");
}
