//! Hosts that fail: `crash` (every socket's state is lost, nothing is sent, the host answers
//! nothing and runs no rule until it reboots) and `reboot` (it comes back with no sockets; a
//! reboot of a host that is up loses its state at that instant).

use tcp_core::event::Cause;
use tcp_core::{Flags, State};
use tcp_sim::trace::{AppCall, EventKind, Fate, HostId, LossReason, Trace};
use tcp_sim::{Scenario, simulate};

/// A client and a server (10 ms each way); `client` and `server` are extra rules.
fn run(client: &str, server: &str) -> Trace {
    let text = format!(
        r#"
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{{ at_ms = 0, do = "connect", to = "server" }}, {client}]

[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{{ at_ms = 0, do = "listen" }}, {server}]
"#
    );
    simulate(&Scenario::from_toml(&text).expect("the scenario reads"))
}

fn lost_to_a_host_that_is_down(t: &Trace) -> Vec<usize> {
    (0..t.segments.len()).filter(|&i| t.segments[i].fate == Fate::Lost { reason: LossReason::HostDown }).collect()
}

#[test]
fn a_crash_loses_every_connection_silently_and_the_host_answers_nothing() {
    let t = run(r#"{ at_ms = 2000, do = "send", bytes = 10 }"#, r#"{ at_ms = 1000, do = "crash" }"#);
    let crash = t.events.iter().position(|e| matches!(e.kind, EventKind::App { call: AppCall::Crash, .. }));
    let crash = crash.expect("the crash is in the trace");
    assert_eq!(t.events[crash].host, HostId(1));
    // Its one connection ends at that instant, caused by the host, and nothing leaves it.
    let lost: Vec<_> = t.events[crash..]
        .iter()
        .filter(|e| matches!(e.kind, EventKind::State { cause: Cause::HostDown, .. }))
        .collect();
    assert_eq!(lost.len(), 1);
    assert!(matches!(lost[0].kind, EventKind::State { from: State::Established, to: State::Closed, .. }));
    assert_eq!(lost[0].at, t.events[crash].at);
    assert!(t.events[crash + 1..].iter().filter(|e| e.host == HostId(1)).all(|e| e.at == t.events[crash].at));
    assert!(
        t.segments.iter().all(|s| s.from == HostId(0) || s.sent_at < t.events[crash].at),
        "a host that is down sends"
    );
    // The client's data and every retransmission of it are lost to it, until the client gives up.
    let lost = lost_to_a_host_that_is_down(&t);
    assert!(lost.len() >= 5, "{lost:?}");
    assert!(lost.iter().all(|&i| t.segments[i].from == HostId(0) && t.segments[i].sent_at.micros >= 2_000_000));
    let closed = t.close_reasons()[0];
    assert_eq!(closed, Some(tcp_core::event::CloseReason::TimedOut), "the client times out");
    assert_eq!(t.final_states(), [State::Closed, State::Closed]);
    assert_eq!(t.downtimes(), [(HostId(1), t.events[crash].at, None)]);
}

#[test]
fn after_a_reboot_the_old_connection_meets_a_reset() {
    let t = run(
        r#"{ at_ms = 2000, do = "send", bytes = 10 }"#,
        r#"{ at_ms = 1000, do = "crash" }, { at_ms = 3000, do = "reboot" }"#,
    );
    let lost = lost_to_a_host_that_is_down(&t);
    assert!(!lost.is_empty());
    assert!(lost.iter().all(|&i| t.segments[i].delivered_at().is_none()));
    // The first retransmission after the reboot arrives, and is answered with RST: the server
    // does not listen any more (nothing said so after the reboot).
    let arrived: Vec<usize> = (0..t.segments.len())
        .filter(|&i| t.segments[i].from == HostId(0) && t.segments[i].sent_at.micros > 3_000_000)
        .collect();
    assert!(!arrived.is_empty());
    let rst = t.segments.iter().find(|s| s.from == HostId(1) && s.repr.flags.contains(Flags::RST)).expect("a reset");
    assert!(rst.sent_at.micros > 3_000_000);
    assert_eq!(t.close_reasons()[0], Some(tcp_core::event::CloseReason::Reset));
    let reboot = t.events.iter().find(|e| matches!(e.kind, EventKind::App { call: AppCall::Reboot, .. }));
    assert_eq!(t.downtimes().len(), 1);
    assert_eq!(t.downtimes()[0].2, reboot.map(|e| e.at));
}

#[test]
fn a_reboot_of_a_host_that_is_up_loses_its_state_at_once() {
    let t = run(r#"{ at_ms = 3000, do = "send", bytes = 10 }"#, r#"{ at_ms = 1000, do = "reboot" }"#);
    let reboot = t.events.iter().position(|e| matches!(e.kind, EventKind::App { call: AppCall::Reboot, .. }));
    let reboot = reboot.expect("the reboot");
    assert!(matches!(
        t.events[reboot + 1].kind,
        EventKind::State { from: State::Established, to: State::Closed, cause: Cause::HostDown }
    ));
    assert!(lost_to_a_host_that_is_down(&t).is_empty(), "it was never down");
    assert!(t.downtimes().is_empty());
    assert_eq!(t.close_reasons()[0], Some(tcp_core::event::CloseReason::Reset));
}

#[test]
fn a_crash_during_the_handshake_loses_the_half_open_connection() {
    // The SYN arrives at 10 ms; the handshake's last ACK would arrive at 30 ms.
    let t = run(r#"{ on = "connected", do = "send", bytes = 10 }"#, r#"{ at_ms = 20, do = "crash" }"#);
    let half_open = t.events.iter().find(|e| matches!(e.kind, EventKind::State { cause: Cause::HostDown, .. }));
    assert!(
        matches!(half_open.map(|e| &e.kind), Some(EventKind::State { from: State::SynReceived, .. })),
        "{half_open:?}"
    );
    assert_eq!(t.final_states()[1], State::Closed);
}

#[test]
fn a_host_that_is_down_runs_no_rule() {
    let t = run(
        "{ at_ms = 10, do = \"close\" }",
        r#"{ at_ms = 1000, do = "crash" }, { at_ms = 2000, do = "listen" }, { at_ms = 3000, do = "crash" }"#,
    );
    let server_calls: Vec<&AppCall> = t
        .events
        .iter()
        .filter(|e| e.host == HostId(1))
        .filter_map(|e| match &e.kind {
            EventKind::App { call, .. } => Some(call),
            _ => None,
        })
        .collect();
    let listens = server_calls.iter().filter(|c| matches!(c, AppCall::Listen { .. })).count();
    assert_eq!(listens, 1, "the listen at 2 s is skipped: {server_calls:?}");
    let crashes = server_calls.iter().filter(|c| ***c == AppCall::Crash).count();
    assert_eq!(crashes, 1, "a second crash of a host that is down is skipped: {server_calls:?}");
}

#[test]
fn crash_and_reboot_happen_at_a_time_only() {
    for action in ["crash", "reboot"] {
        let text = format!(
            r#"
[[hosts]]
name = "a"
addr = "192.0.2.1"
app = [{{ on = "connected", do = "{action}" }}]
"#
        );
        let e = Scenario::from_toml(&text).expect_err("refused");
        assert!(e.to_string().contains("hosts[0].app[0].on"), "{e}");
        assert!(e.to_string().contains("at_ms"), "{e}");
    }
}
