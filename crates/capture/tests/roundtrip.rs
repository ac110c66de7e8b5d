//! Round trips: every catalogue entry, exported as pcap (`tcp_sim::pcap::to_pcap`, what `synack
//! run NAME --format pcap` writes) and converted to pcapng by `editcap -F pcapng`, imports back
//! to the same segments and the same states as its trace, and the re-run of the unchanged import
//! reproduces it.

use std::net::SocketAddr;

use capture::{collect, import, list, rerun};
use tcp_core::event::CloseReason;
use tcp_core::{Flags, State};
use tcp_sim::trace::{AppCall, EventKind, Fate, HostId, LossReason, Notice};
use tcp_sim::{Trace, catalogue, pcap::to_pcap, simulate};

/// The shape of a segment: flags, absolute numbers, length.
fn shape(s: &tcp_sim::trace::Segment) -> (Flags, u32, u32, usize) {
    (s.repr.flags, s.repr.seq.0, s.repr.ack.0, s.payload.len())
}

/// Whether a segment arrived, and whether its receiver turned it away without answering (which a
/// capture cannot tell from a loss: a SYN dropped by a full SYN queue).
fn fate(trace: &Trace, i: usize) -> (bool, bool) {
    let delivered = matches!(trace.segments[i].fate, Fate::Delivered { .. });
    let dropped_silently = trace.events.iter().any(
        |e| matches!(&e.kind, EventKind::Rejected { segment: Some(s), reply: tcp_core::Reply::Nothing, .. } if s.index() == i),
    );
    (delivered, dropped_silently)
}

/// The states each end went through on the connection between `a` and `b`, with times (µs).
fn states(trace: &Trace, host: HostId, ends: (SocketAddr, SocketAddr)) -> Vec<(u64, State, State)> {
    trace
        .events
        .iter()
        .filter(|e| e.host == host)
        .filter_map(|e| match (e.conn, &e.kind) {
            (Some(c), EventKind::State { from, to, .. }) => {
                let info = &trace.conns[c];
                let (l, r) = (SocketAddr::V4(info.local), SocketAddr::V4(info.remote));
                ((l, r) == ends || (r, l) == ends).then_some((e.at.micros, *from, *to))
            }
            _ => None,
        })
        .collect()
}

fn editcap_pcapng(pcap: &[u8], name: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("synack-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (input, output) = (dir.join(format!("{name}.pcap")), dir.join(format!("{name}.pcapng")));
    std::fs::write(&input, pcap).unwrap();
    let status = std::process::Command::new("editcap")
        .args(["-F", "pcapng"])
        .arg(&input)
        .arg(&output)
        .status()
        .expect("editcap runs (cargo xtask setup installs tshark)");
    assert!(status.success(), "editcap failed on {name}");
    let bytes = std::fs::read(&output).unwrap();
    assert_eq!(&bytes[..4], &[0x0a, 0x0d, 0x0d, 0x0a], "{name}: editcap wrote pcapng");
    bytes
}

/// Whether segment `i` was held up in the network until after its sender retransmitted it.
fn overtaken(trace: &Trace, i: usize) -> bool {
    let s = &trace.segments[i];
    s.extra_delay_us > 0
        && (trace.segments.iter())
            .any(|r| r.retransmission && r.from == s.from && r.repr.seq == s.repr.seq && r.sent_at > s.sent_at)
}

#[track_caller]
fn check(name: &str, original: &Trace, file: &[u8], format: &str) {
    // The connection the first host opened.
    let info = original.conns.iter().find(|c| c.host == HostId(0)).expect("the first host opens a connection");
    let ends = (SocketAddr::V4(info.local), SocketAddr::V4(info.remote));
    let listing = list(file).unwrap_or_else(|e| panic!("{name} ({format}): {e}"));
    let summary = listing
        .connections
        .iter()
        .find(|c| c.holds(ends.0, ends.1))
        .unwrap_or_else(|| panic!("{name} ({format}): connection {ends:?} not listed"));
    let collected = collect(file, &listing, summary.number).unwrap();
    let imported = import(&collected);

    let on_conn = |t: &Trace| -> Vec<_> {
        t.segments
            .iter()
            .filter(|s| {
                let (a, b) = (SocketAddr::V4(s.src), SocketAddr::V4(s.dst));
                (a, b) == ends || (b, a) == ends
            })
            .map(shape)
            .collect()
    };
    assert_eq!(on_conn(&imported.trace), on_conn(original), "{name} ({format}): segments differ");
    let originals: Vec<u64> = original
        .segments
        .iter()
        .filter(|s| {
            let (a, b) = (SocketAddr::V4(s.src), SocketAddr::V4(s.dst));
            (a, b) == ends || (b, a) == ends
        })
        .map(|s| s.sent_at.micros)
        .collect();
    let first = originals.first().copied().unwrap_or(0);
    let original_indices: Vec<usize> = (0..original.segments.len())
        .filter(|&i| {
            let s = &original.segments[i];
            let (a, b) = (SocketAddr::V4(s.src), SocketAddr::V4(s.dst));
            (a, b) == ends || (b, a) == ends
        })
        .collect();
    for (i, &o) in original_indices.iter().enumerate() {
        let (arrived, _) = fate(&imported.trace, i);
        let (was, silently_dropped) = fate(original, o);
        // Nothing answers a reset, so a capture cannot tell one lost to a crashed host.
        let unanswerable = original.segments[o].fate == Fate::Lost { reason: LossReason::HostDown }
            && original.segments[o].repr.flags.contains(Flags::RST);
        // A segment the network held up until after its retransmission arrived looks lost in a
        // capture taken where it left: its late arrival shows only in the ACK it provokes.
        assert!(
            arrived == was || (was && silently_dropped && !arrived) || unanswerable || (was && overtaken(original, o)),
            "{name} ({format}): segment {} {} in the import, {} originally",
            i + 1,
            if arrived { "arrives" } else { "is lost" },
            if was { "arrived" } else { "was lost" }
        );
    }
    for (i, (imp, orig)) in imported.trace.segments.iter().zip(&originals).enumerate() {
        let (a, b) = (imp.sent_at.micros as i64, (*orig - first) as i64);
        assert!((a - b).abs() <= 1000, "{name} ({format}): segment {} sent at {a} µs, originally {b} µs", i + 1);
    }

    // The import has two hosts, the connection's client (0) and its server (1); the original
    // may have more (a third host's connection is another one).
    let server = original.hosts.iter().position(|h| h.addr == *info.remote.ip()).expect("the server is a host");
    for (host, imported_host) in [(info.host, HostId(0)), (HostId(server), HostId(1))] {
        let theirs: Vec<_> = states(original, host, ends).into_iter().map(|(t, f, to)| (t - first, f, to)).collect();
        let mut ours = states(&imported.trace, imported_host, ends);
        // A SYN cookie keeps no SYN-RECEIVED connection: the listener's answer looks the same in
        // a capture as one from its SYN queue, so the import shows the queue's state.
        if theirs.first().is_some_and(|(_, from, _)| *from == State::SynReceived)
            && ours.first().is_some_and(|(_, from, to)| (*from, *to) == (State::Listen, State::SynReceived))
        {
            ours.remove(0);
        }
        // A connection that gave up its retransmissions, or whose FIN_WAIT_2 timed out (after a
        // `tcp_fin_timeout` the scenario lowered), ends without a segment: a capture shows it
        // open until it next answers (with a RST, having no connection), or closing after the
        // profile's own timeout, so the import's states match up to the silent close only.
        let mut theirs = theirs;
        let timed_out = original.events.iter().any(|e| {
            e.host == host
                && matches!(
                    e.kind,
                    EventKind::Notified {
                        notice: Notice::Closed { reason: CloseReason::TimedOut | CloseReason::FinWait2Timeout }
                    }
                )
        });
        // So does a connection lost with its host's crash or reboot.
        let crashed = original.events.iter().any(|e| {
            e.host == host && matches!(e.kind, EventKind::State { cause: tcp_core::event::Cause::HostDown, .. })
        });
        let silent_close = theirs.iter().position(|(_, from, to)| *to == State::Closed && *from != State::SynSent);
        if (timed_out || crashed)
            && let Some(end) = silent_close
        {
            theirs.truncate(end);
            ours.truncate(end);
        }
        let strip = |v: &[(u64, State, State)]| v.iter().map(|(_, f, t)| (*f, *t)).collect::<Vec<_>>();
        assert_eq!(strip(&ours), strip(&theirs), "{name} ({format}): host {host}'s states differ");
        for ((a, _, to), (b, _, _)) in ours.iter().zip(&theirs) {
            let tolerance = (b / 10).max(10_000);
            assert!(
                a.abs_diff(*b) <= tolerance,
                "{name} ({format}): host {host} enters {to} at {a} µs, originally {b} µs"
            );
        }
    }

    let (_, comparison) = rerun(&imported);
    // An application that stopped reading: the capture shows the window closing and opening
    // again, but the scenario derived from it has applications that always read.
    let stopped_reading =
        original.events.iter().any(|e| matches!(e.kind, EventKind::App { call: AppCall::StopReading, .. }));
    let zero_window = original.segments.iter().any(|s| s.repr.window == 0 && !s.repr.flags.contains(Flags::RST));
    if stopped_reading && zero_window {
        assert!(!comparison.matches(), "{name} ({format}): a re-run of a zero window now matches: drop this exception");
        return;
    }
    // A segment held up in the network until after its retransmission: the import takes it for
    // lost, so the re-run lacks what its late arrival set off (an ACK, a reset).
    let overtaken = (0..original.segments.len()).any(|s| overtaken(original, s));
    if overtaken {
        assert!(
            !comparison.matches(),
            "{name} ({format}): a re-run of an overtaken segment now matches: drop this exception"
        );
        return;
    }
    // A host that crashed or rebooted: a capture shows its silence, and then perhaps its resets,
    // but the scenario derived from it has no crash to run.
    let crash =
        original.events.iter().any(|e| matches!(e.kind, EventKind::App { call: AppCall::Crash | AppCall::Reboot, .. }));
    if crash {
        assert!(!comparison.matches(), "{name} ({format}): a crash's re-run now matches: drop this exception");
        return;
    }
    // A SYN cookie's connection acknowledges differently from a queued one (Linux leaves
    // quick-ACK mode off), and a re-run without the flood cannot fill the SYN queue: there the
    // re-run is an approximation, and the import says so.
    let cookie = original
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Rejected { reason: tcp_core::DropReason::SynCookie, .. }));
    if cookie {
        assert!(!comparison.matches(), "{name} ({format}): a SYN cookie's re-run now matches: drop this exception");
        return;
    }
    // A connection that gave up its retransmissions (a retry limit the scenario lowered): the
    // capture shows the retransmissions but not the limit, so the re-run, with the profile's
    // limit, goes on retransmitting where the original gave up.
    let gave_up = original.events.iter().any(|e| {
        matches!(e.kind, EventKind::Notified { notice: Notice::Closed { reason: CloseReason::TimedOut } })
            && e.conn.is_some_and(|c| original.conns[c].synchronized.is_some())
    });
    if gave_up {
        assert!(
            !comparison.matches(),
            "{name} ({format}): a re-run past a retry limit now matches: drop this exception"
        );
        return;
    }
    // A forged RST (a blind attacker's, with a client's address): the import sees that it is
    // not the client's own (not at its SND.NXT) and keeps the connection open, but the scenario
    // derived from the capture has no attacker to send it again.
    let forged_rst = original.segments.iter().any(|s| s.forged && s.repr.flags.contains(tcp_core::Flags::RST));
    if forged_rst {
        assert!(
            !comparison.matches(),
            "{name} ({format}): a re-run with a forged RST now matches: drop this exception"
        );
        return;
    }
    // A FIN_WAIT_2 that timed out after a lowered `tcp_fin_timeout`: the capture shows no
    // segment at the timeout, so the re-run, with the profile's 60 s, is still in FIN_WAIT_2
    // when the peer's late FIN comes and acknowledges it where the original answered RST.
    let fin_wait_2_timed_out = original.events.iter().any(|e| {
        matches!(e.kind, EventKind::Notified { notice: Notice::Closed { reason: CloseReason::FinWait2Timeout } })
    });
    if fin_wait_2_timed_out {
        assert!(
            !comparison.matches(),
            "{name} ({format}): a re-run past a lowered FIN_WAIT_2 timeout now matches: drop this exception"
        );
        return;
    }
    assert!(
        comparison.matches(),
        "{name} ({format}): the re-run differs: {}\nscenario:\n{}",
        comparison.mismatch.as_ref().map(|m| m.en()).unwrap_or_default(),
        imported.scenario.to_toml()
    );
}

#[test]
fn every_catalogue_entry_round_trips_as_pcap_and_pcapng() {
    for entry in catalogue::ENTRIES {
        let original = simulate(&entry.scenario().unwrap());
        let pcap = to_pcap(&original);
        check(entry.name, &original, &pcap, "pcap");
        check(entry.name, &original, &editcap_pcapng(&pcap, entry.name), "pcapng");
    }
}
