//! Applications that do not keep up: one that stops reading (the window closes; a `close` with
//! unread data resets), one that stops accepting (a full accept queue drops, or resets, the
//! handshake's last ACK), and rules set off by a connection acting on that connection.

use tcp_core::DropReason;
use tcp_core::event::{CloseReason, Reply};
use tcp_core::{Flags, Profile, State};
use tcp_sim::trace::{AppCall, AppError, ConnId, EventKind, HostId, Trace};
use tcp_sim::{Scenario, catalogue, simulate};

fn entry(name: &str) -> Scenario {
    catalogue::get(name).expect("entry").scenario().expect("scenario")
}

fn rejected(t: &Trace, reason: DropReason) -> Vec<Reply> {
    (t.events.iter())
        .filter_map(|e| match e.kind {
            EventKind::Rejected { reason: r, reply, .. } if r == reason => Some(reply),
            _ => None,
        })
        .collect()
}

#[test]
fn a_receiver_that_stops_reading_closes_its_window_and_reading_reopens_it() {
    let t = simulate(&entry("zero-window"));
    let server = HostId(1);
    let windows: Vec<u16> = t
        .segments
        .iter()
        .filter(|s| s.from == server && !s.repr.flags.contains(Flags::SYN))
        .map(|s| s.repr.window)
        .collect();
    let zero = windows.iter().position(|&w| w == 0).expect("the window closes");
    assert!(windows[zero..].iter().any(|&w| w > 0), "and opens again: {windows:?}");
    // Nothing the client sent was beyond the window: no data segment was refused.
    let refused_data = t.events.iter().any(|e| {
        matches!(e.kind, EventKind::Rejected { segment: Some(s), reason: DropReason::OutOfWindow, .. }
            if !t.segments[s].payload.is_empty())
    });
    assert!(!refused_data, "data sent beyond the window");
    let probes =
        t.events.iter().filter(|e| matches!(e.kind, EventKind::TimerFired { timer: tcp_core::Timer::Persist, .. }));
    assert!(probes.count() >= 2, "the persist timer probes the zero window");
    let delivered: usize =
        t.segments.iter().filter(|s| s.from == HostId(0) && !s.retransmission).map(|s| s.payload.len()).sum();
    assert_eq!(delivered, 12_000, "every byte is sent once the window opens");
    assert_eq!(t.close_reasons(), [Some(CloseReason::Normal), Some(CloseReason::Normal)]);
}

#[test]
fn close_with_unread_data_resets() {
    let t = simulate(&entry("close-unread"));
    let rst = t.segments.iter().find(|s| s.from == HostId(1) && s.repr.flags.contains(Flags::RST)).expect("a reset");
    assert!(!t.segments.iter().any(|s| s.from == HostId(1) && s.repr.flags.contains(Flags::FIN)), "no FIN");
    assert_eq!(rst.sent_at.micros, 1_000_000, "at the close");
    assert_eq!(t.close_reasons(), [Some(CloseReason::Reset), Some(CloseReason::Aborted)]);
}

#[test]
fn a_full_accept_queue_drops_the_last_ack_and_keeps_the_connection_half_open() {
    let t = simulate(&entry("accept-queue-full"));
    assert!(rejected(&t, DropReason::AcceptQueueFull).iter().all(|r| *r == Reply::Nothing));
    assert!(rejected(&t, DropReason::AcceptQueueFull).len() >= 3);
    // B (host 1) believed it was ESTABLISHED while the server resent its SYN-ACK.
    let resent =
        t.segments.iter().filter(|s| s.from == HostId(2) && s.repr.flags.contains(Flags::SYN) && s.retransmission);
    assert!(resent.count() >= 1, "the server sends its SYN-ACK again");
    let b_established = t
        .events
        .iter()
        .find(|e| e.host == HostId(1) && matches!(e.kind, EventKind::State { to: State::Established, .. }));
    let server_b =
        t.conns.iter().position(|c| c.host == HostId(2) && *c.remote.ip() == t.hosts[1].addr).expect("B's connection");
    let server_established = t.events.iter().find(|e| {
        e.conn == Some(ConnId(server_b)) && matches!(e.kind, EventKind::State { to: State::Established, .. })
    });
    let (b, s) = (b_established.expect("B").at, server_established.expect("the server, later").at);
    assert!(s.micros >= 3_000_000 && b.micros < 100_000, "B at {b}, the server at {s}");
    assert!(t.final_states().iter().all(|s| matches!(s, State::Closed | State::TimeWait)));
}

#[test]
fn with_abort_on_overflow_the_last_ack_meets_a_reset() {
    let mut s = entry("accept-queue-full");
    s.hosts[2].tcp.abort_on_overflow = Some(true);
    let t = simulate(&s);
    let replies = rejected(&t, DropReason::AcceptQueueFull);
    assert_eq!(replies.first(), Some(&Reply::Reset), "{replies:?}");
    let b = t.conns.iter().position(|c| c.host == HostId(1)).expect("B's connection");
    assert_eq!(t.close_reasons()[b], Some(CloseReason::Reset), "B is reset");
}

#[test]
fn a_rule_set_off_by_a_connection_acts_on_it() {
    // The server accepts A, then B; A closes first: the server's `close` on `eof` closes A's
    // connection (it used to close the one accepted last).
    let text = r#"
[[hosts]]
name = "A"
addr = "192.0.2.1"
app = [{ at_ms = 0, do = "connect", to = "server" }, { at_ms = 1000, do = "close" }]

[[hosts]]
name = "B"
addr = "192.0.2.2"
app = [{ at_ms = 100, do = "connect", to = "server" }, { at_ms = 2000, do = "close" }]

[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }, { on = "eof", do = "close", repeat = true }]
"#;
    let t = simulate(&Scenario::from_toml(text).expect("reads"));
    assert!(t.final_states().iter().all(|s| *s == State::Closed), "{:?}", t.final_states());
    assert!(t.close_reasons().iter().all(|r| *r == Some(CloseReason::Normal)), "{:?}", t.close_reasons());
}

#[test]
fn a_stray_reset_ends_time_wait_unless_rfc_1337_protects_it() {
    let linux = simulate(&entry("time-wait-assassination"));
    let ended = |t: &Trace| {
        t.events
            .iter()
            .find(|e| {
                e.host == HostId(0)
                    && matches!(e.kind, EventKind::State { from: State::TimeWait, to: State::Closed, .. })
            })
            .map(|e| e.at.micros)
    };
    let assassinated = ended(&linux).expect("TIME_WAIT ends");
    assert!(assassinated < 10_000_000, "a reset ends it after {assassinated} µs, long before 2MSL");
    assert!(rejected(&linux, DropReason::RstInTimeWait).is_empty());
    let mut protected = entry("time-wait-assassination");
    protected.hosts[0].tcp.ignore_rst_in_time_wait = Some(true);
    let t = simulate(&protected);
    assert_eq!(rejected(&t, DropReason::RstInTimeWait), [Reply::Nothing], "the reset is ignored");
    let waited = ended(&t).expect("TIME_WAIT ends");
    assert!(waited >= 60_000_000, "TIME_WAIT lasts its 2MSL: {waited} µs");
}

/// A client that reconnects from the same port while the server holds the old connection in
/// TIME-WAIT (RFC 6191, `tcp_core::Config::time_wait_syn`): Linux takes the SYN by its newer
/// timestamp at once, with an ISS 65537 above the old connection's; without timestamps it
/// answers with the old connection's ACK, the client resets it, and its retransmitted SYN gets
/// through; FreeBSD ignores the SYN until TIME-WAIT is over.
#[test]
fn a_new_syn_in_time_wait_is_taken_answered_or_ignored_per_profile() {
    let server = HostId(1);
    // When the server's first connection leaves TIME-WAIT, and when the second one's SYN-ACK
    // leaves (its sequence number too).
    let story = |t: &Trace| {
        let ended = t.events.iter().find_map(|e| match e.kind {
            EventKind::State { from: State::TimeWait, to: State::Closed, .. } if e.host == server => Some(e.at.micros),
            _ => None,
        });
        let synacks: Vec<(u64, u32)> = (t.segments.iter())
            .filter(|s| s.from == server && s.repr.flags == Flags::SYN | Flags::ACK)
            .map(|s| (s.sent_at.micros, s.repr.seq.0))
            .collect();
        assert_eq!(synacks.len(), 2, "two connections");
        assert!(t.final_states().iter().all(|s| *s == State::Closed), "{:?}", t.final_states());
        (ended.expect("TIME_WAIT ends"), synacks[1])
    };

    let linux = simulate(&entry("time-wait-reuse"));
    let (ended, (answered, iss)) = story(&linux);
    assert_eq!((ended, answered), (1_010_000, 1_010_000), "the SYN ends TIME_WAIT and is answered at once");
    let old_end = (linux.segments.iter())
        .filter(|s| s.from == server && s.sent_at.micros < 1_000_000)
        .map(|s| s.repr.seq.0 + s.repr.segment_len(s.payload.len()))
        .max()
        .expect("the old connection sent");
    assert_eq!(iss, old_end + 65537, "Linux's new ISS lies 65537 above the old SND.NXT");

    let mut no_timestamps = entry("time-wait-reuse");
    no_timestamps.tcp.timestamps = Some(false);
    let t = simulate(&no_timestamps);
    let (ended, (answered, _)) = story(&t);
    assert_eq!(rejected(&t, DropReason::OutOfWindow), [Reply::Ack], "the old connection's ACK");
    assert_eq!(rejected(&t, DropReason::BadAckInSynSent), [Reply::Reset], "the client resets it");
    assert_eq!(ended, 1_030_000, "the reset ends TIME_WAIT (Linux follows RFC 9293, not RFC 1337)");
    // Sent at 1 s (tick 250), its 1 s RTO fires on the timer wheel's bucket at tick 504.
    assert_eq!(answered, 2_026_000, "the SYN retransmitted after 1 s (2.016 s) is answered");

    let mut freebsd = entry("time-wait-reuse");
    freebsd.profile = tcp_core::Profile::Freebsd;
    let t = simulate(&freebsd);
    let (ended, (answered, _)) = story(&t);
    assert_eq!(rejected(&t, DropReason::NoAck).len(), 6, "every SYN sent during TIME_WAIT is ignored");
    assert!(ended >= 60_000_000 && answered > ended, "answered at {answered} µs, after TIME_WAIT ({ended} µs)");
}

/// A connect() from a port whose connection to the same peer still exists fails with
/// EADDRINUSE and sends nothing.
#[test]
fn connecting_from_a_port_still_in_use_fails() {
    let text = r#"
[[hosts]]
name = "client"
addr = "192.0.2.1"
port = 40000
app = [
  { at_ms = 0, do = "connect", to = "server" },
  { at_ms = 100, do = "connect", to = "server", port = 40000 },
  { at_ms = 200, do = "close" },
]
[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }, { on = "eof", do = "close" }]
"#;
    let t = simulate(&Scenario::from_toml(text).expect("reads"));
    let errors: Vec<AppError> = (t.events.iter())
        .filter_map(|e| match &e.kind {
            EventKind::App { error, .. } => *error,
            _ => None,
        })
        .collect();
    assert_eq!(errors, [AppError::AddressInUse]);
    let syns = t.segments.iter().filter(|s| s.repr.flags == Flags::SYN).count();
    assert_eq!(syns, 1, "the second connect() sends nothing");
    assert!(t.final_states().iter().all(|s| *s == State::Closed), "{:?}", t.final_states());
}

/// After close() the application's descriptor is gone: a second close(), a send(), a
/// shutdown(), an abort or a change to its reading on it fails (EBADF) and sends nothing, at the
/// same instant or later; shutdown() then close() is the ordinary way to close and succeeds.
#[test]
fn calls_after_close_fail_with_ebadf() {
    let scenario = |client_app: &str| {
        let text = format!(
            r#"
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [
  {{ at_ms = 0, do = "connect", to = "server" }},
  {client_app}
]
[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{{ at_ms = 0, do = "listen" }}, {{ on = "eof", do = "close" }}]
"#
        );
        simulate(&Scenario::from_toml(&text).expect("reads"))
    };
    let errors = |t: &tcp_sim::Trace| -> Vec<(AppCall, Option<AppError>)> {
        (t.events.iter())
            .filter_map(|e| match &e.kind {
                EventKind::App { call, error } if e.host.index() == 0 => Some((call.clone(), *error)),
                _ => None,
            })
            .filter(|(call, _)| !matches!(call, AppCall::Connect { .. }))
            .collect()
    };
    let t = scenario(
        r#"{ at_ms = 100, do = "close" }, { at_ms = 100, do = "close" },
  { at_ms = 150, do = "send", bytes = 10 }, { at_ms = 150, do = "shutdown" }, { at_ms = 150, do = "abort" },
  { at_ms = 150, do = "stop_reading" },"#,
    );
    let closed = Some(AppError::SocketClosed);
    assert_eq!(
        errors(&t),
        [
            (AppCall::Close, None),
            (AppCall::Close, closed),
            (AppCall::Send { bytes: 10 }, closed),
            (AppCall::Shutdown, closed),
            (AppCall::Abort, closed),
            (AppCall::StopReading, closed)
        ]
    );
    let fins = t.segments.iter().filter(|s| s.from.index() == 0 && s.repr.flags.contains(Flags::FIN)).count();
    let resets = t.segments.iter().filter(|s| s.repr.flags.contains(Flags::RST)).count();
    assert_eq!((fins, resets), (1, 0), "one FIN, no reset: the calls after close() send nothing");
    assert!(t.final_states().iter().all(|s| *s == State::Closed), "{:?}", t.final_states());

    let t = scenario(r#"{ at_ms = 100, do = "shutdown" }, { at_ms = 120, do = "close" },"#);
    assert_eq!(errors(&t), [(AppCall::Shutdown, None), (AppCall::Close, None)]);
}

/// Two scenarios for `shutdown_read`: the server's application shuts down reading as it accepts
/// and data arrives later (`after`), or data it stopped reading waits unread when it does
/// (`unread`); it closes at 1 s. Under `profile`.
fn shutdown_read_scenario(unread: bool, profile: Profile) -> Scenario {
    let (client, server) = if unread {
        (
            r#"{ on = "connected", do = "send", text = "hello" }"#,
            r#"{ at_ms = 0, do = "stop_reading" }, { at_ms = 500, do = "shutdown_read" }"#,
        )
    } else {
        (r#"{ at_ms = 200, do = "send", text = "late data" }"#, r#"{ on = "accepted", do = "shutdown_read" }"#)
    };
    let text = format!(
        r#"
profile = "{profile}"
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{{ at_ms = 0, do = "connect", to = "server" }}, {client}, {{ on = "eof", do = "close" }}]
[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{{ at_ms = 0, do = "listen" }}, {server}, {{ at_ms = 1000, do = "close" }}]
"#
    );
    Scenario::from_toml(&text).expect("reads")
}

/// `shutdown(SHUT_RD)` per profile (`Config::read_shutdown`): nothing goes on the wire at the
/// call but Windows' reset of unread data; data that arrives after it is queued unread (Linux and
/// the RFCs: the close then resets), acknowledged and thrown away (FreeBSD: the close sends its
/// FIN), or reset (Windows); the application never reads it.
#[test]
fn shutdown_read_per_profile() {
    let server = HostId(1);
    let story = |t: &Trace| {
        let call = t.events.iter().find_map(|e| match &e.kind {
            EventKind::App { call: c @ AppCall::ShutdownRead { .. }, error: None } => Some((e.at.micros, c.clone())),
            _ => None,
        });
        let (at, call) = call.expect("shutdown_read is called");
        let first_after = (t.segments.iter()).find(|s| s.from == server && s.sent_at.micros >= at);
        let first_after = first_after.map(|s| (s.sent_at.micros == at, s.repr.flags.contains(Flags::RST)));
        let read = t.events.iter().any(|e| {
            e.host == server && matches!(e.kind, EventKind::Notified { notice: tcp_sim::trace::Notice::Data { .. } })
        });
        // The server's FINs and resets, by the one bit that matters (a reset has ACK or not as
        // the profile's abort does).
        let server_ends = (t.segments.iter().filter(|s| s.from == server))
            .filter_map(|s| [Flags::RST, Flags::FIN].into_iter().find(|&f| s.repr.flags.contains(f)))
            .collect::<Vec<_>>();
        (call, first_after, read, server_ends, t.close_reasons())
    };
    use tcp_core::ReadShutdown::{Discard, Keep, Reset};
    for profile in Profile::ALL {
        let rule = profile.config().read_shutdown;
        // Data after the call.
        let t = simulate(&shutdown_read_scenario(false, profile));
        let (call, first, read, ends, reasons) = story(&t);
        assert_eq!(call, AppCall::ShutdownRead { rule, discarded: 0 }, "{profile}");
        assert!(!read, "{profile}: the application reads nothing after shutdown_read");
        assert_ne!(first.map(|(at_call, _)| at_call), Some(true), "{profile}: nothing at the call");
        match rule {
            Keep => {
                assert!(rejected(&t, DropReason::DiscardedAfterShutdownRead).is_empty());
                assert_eq!(ends, [Flags::RST], "{profile}: the close finds the data unread");
                assert_eq!(reasons, [Some(CloseReason::Reset), Some(CloseReason::Aborted)], "{profile}");
            }
            Discard => {
                assert_eq!(rejected(&t, DropReason::DiscardedAfterShutdownRead), [Reply::Ack]);
                assert_eq!(ends, [Flags::FIN], "{profile}: nothing unread, so a FIN");
                assert_eq!(reasons, [Some(CloseReason::Normal), Some(CloseReason::Normal)], "{profile}");
            }
            Reset => {
                assert_eq!(rejected(&t, DropReason::DataAfterShutdownRead), [Reply::Reset]);
                assert_eq!(ends, [Flags::RST], "{profile}: the data is answered with a reset");
                assert_eq!(reasons, [Some(CloseReason::Reset), Some(CloseReason::Aborted)], "{profile}");
            }
        }

        // Data unread at the call.
        let t = simulate(&shutdown_read_scenario(true, profile));
        let (call, first, read, ends, reasons) = story(&t);
        assert!(!read, "{profile}");
        let discarded = if rule == Keep { 0 } else { 5 };
        assert_eq!(call, AppCall::ShutdownRead { rule, discarded }, "{profile}");
        match rule {
            Keep => {
                assert_eq!(ends, [Flags::RST], "{profile}: at the close, 1 s");
                assert_ne!(first.map(|(at_call, _)| at_call), Some(true), "{profile}: nothing at the call");
            }
            Discard => {
                assert_eq!(ends, [Flags::FIN], "{profile}");
                assert_ne!(first.map(|(at_call, _)| at_call), Some(true), "{profile}: nothing at the call");
                assert_eq!(reasons, [Some(CloseReason::Normal), Some(CloseReason::Normal)], "{profile}");
            }
            Reset => {
                assert_eq!(first, Some((true, true)), "{profile}: reset at the call");
                assert_eq!(reasons, [Some(CloseReason::Reset), Some(CloseReason::Aborted)], "{profile}");
            }
        }
    }
}

/// The text trace says "app is told" only of a connection the application still holds: after
/// close() (fin-wait-2-timeout's client at 5.4 s, its server reset at 7 s) nobody is told, as
/// Linux tells an orphaned socket's owner nothing; abort's server never closed, and is told.
#[test]
fn only_an_application_that_holds_the_connection_is_told_its_end() {
    let text = simulate(&entry("fin-wait-2-timeout")).to_text();
    assert!(text.contains("ended, told to nobody (the app closed it): connection reset by peer"), "{text}");
    assert!(text.contains("ended, told to nobody (the app closed it): FIN-WAIT-2 timed out"), "{text}");
    assert!(!text.contains("app is told: connection reset"), "{text}");
    let text = simulate(&entry("abort")).to_text();
    assert!(text.contains("app is told: connection reset by peer (ECONNRESET)"), "{text}");
}

/// The handshake's client, which sends "hi" once connected, then does `how` at 100 ms, and
/// connects again on `closed`, `reset` and `eof`, to a server that closes on end of stream.
fn after(how: &str) -> Trace {
    let text = format!(
        r#"{{"profile": "linux", "hosts": [
  {{"name": "client", "addr": "192.0.2.1", "app": [
    {{"at_ms": 0, "do": "connect", "to": "server"}},
    {{"on": "connected", "do": "send", "text": "hi"}},
    {{"at_ms": 100, "do": "{how}"}},
    {{"on": "eof", "do": "send", "text": "eof"}},
    {{"on": "closed", "do": "connect", "to": "server"}},
    {{"on": "reset", "do": "connect", "to": "server"}}]}},
  {{"name": "server", "addr": "198.51.100.1", "app": [
    {{"at_ms": 0, "do": "listen"}},
    {{"on": "eof", "do": "close"}}]}}],
  "until_ms": 200000}}"#
    );
    simulate(&Scenario::parse(&text).expect("scenario"))
}

fn client_calls(t: &Trace) -> Vec<AppCall> {
    (t.events.iter())
        .filter(|e| e.host == HostId(0))
        .filter_map(|e| match &e.kind {
            EventKind::App { call, .. } => Some(call.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_application_that_closed_a_connection_is_told_nothing_more_of_it() {
    let client_eofs = |t: &Trace| {
        (t.events.iter())
            .filter(|e| e.host == HostId(0))
            .filter(|e| matches!(e.kind, EventKind::Notified { notice: tcp_sim::trace::Notice::EndOfStream }))
            .count()
    };
    // close(): the server's FIN reaches a socket nobody holds; its end runs no rule.
    let t = after("close");
    assert_eq!(client_eofs(&t), 0, "{}", t.to_text());
    let connects = client_calls(&t).iter().filter(|c| matches!(c, AppCall::Connect { .. })).count();
    assert_eq!(connects, 1, "{}", t.to_text());
    assert_eq!(t.final_states()[0], State::Closed, "{}", t.to_text());
    // An abort: the same.
    let t = after("abort");
    let connects = client_calls(&t).iter().filter(|c| matches!(c, AppCall::Connect { .. })).count();
    assert_eq!(connects, 1, "{}", t.to_text());
    assert!(t.to_text().contains("ended, told to nobody (the app closed it): aborted"), "{}", t.to_text());
    // shutdown(): the application still holds the connection, reads the end of stream and
    // hears of its end.
    let t = after("shutdown");
    assert_eq!(client_eofs(&t), 1, "{}", t.to_text());
    let connects = client_calls(&t).iter().filter(|c| matches!(c, AppCall::Connect { .. })).count();
    assert_eq!(connects, 2, "{}", t.to_text());
}
