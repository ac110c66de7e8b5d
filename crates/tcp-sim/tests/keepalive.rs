//! Keep-alive in the simulator: the scenario keys turn it on for a host, the timer is in the
//! trace like the other timers, and a two-hour idle stretch costs a few steps, not one per
//! millisecond.

use tcp_core::config::Profile;
use tcp_core::event::{Cause, CloseReason};
use tcp_core::{Flags, State, Timer};
use tcp_sim::trace::{EventKind, HostId, Notice, SegId, Trace};
use tcp_sim::{Limits, Scenario, invariants, simulate};

/// The client connects and says hello, then goes silent; the server has keep-alive on with its
/// profile's defaults. `gone`: every segment the client sends after its hello is lost (its host
/// crashed, or the path to it broke).
fn scenario(profile: Profile, gone: bool) -> Scenario {
    let mut text = format!(
        r#"
profile = "{profile}"
until_ms = 20000000

[[hosts]]
name = "client"
addr = "192.0.2.1"
isn = 0
app = [
  {{ at_ms = 0, do = "connect", to = "server" }},
  {{ on = "connected", do = "send", text = "hello" }},
]

[[hosts]]
name = "server"
addr = "198.51.100.1"
isn = 0
tcp = {{ keepalive = true }}
app = [{{ at_ms = 0, do = "listen" }}]
"#
    );
    if gone {
        // The handshake, the hello and its ACK get through; nothing after them does.
        for index in 5..60 {
            text.push_str(&format!("\n[[faults]]\nindex = {index}\naction = \"drop\"\n"));
        }
    }
    Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn server_events(t: &Trace) -> impl Iterator<Item = (&tcp_core::Instant, &EventKind)> {
    t.events.iter().filter(|e| e.host == HostId(1) && e.conn.is_some()).map(|e| (&e.at, &e.kind))
}

#[test]
fn a_dead_peer_is_found_by_keepalive_in_a_few_steps() {
    for profile in Profile::ALL {
        let s = scenario(profile, true);
        let config = s.config_for(&s.hosts[1]);
        let t = simulate(&s);
        invariants::check(&s, &Limits::DEFAULT, &t).unwrap_or_else(|e| panic!("{profile}: {e}"));
        assert_eq!(t.truncated, None, "{profile}: the run ends by itself");
        let probes: Vec<usize> = (0..t.segments.len())
            .filter(|&i| {
                let g = &t.segments[i];
                g.from == HostId(1)
                    && g.repr.flags == Flags::ACK
                    && t.relative(SegId(i)).0 == 0
                    && g.sent_at.millis() > 1000
            })
            .collect();
        assert_eq!(probes.len(), usize::from(config.keepalive_probes), "{profile}: probes");
        let first = &t.segments[probes[0]];
        // On Linux's timer wheel a two-hour timer fires up to 131 s late (`Config::deadline`).
        assert_eq!(
            first.sent_at,
            config.deadline(tcp_core::Instant::from_millis(30), config.keepalive_idle),
            "{profile}"
        );
        assert_eq!(first.payload.len(), usize::from(config.keepalive_probe_byte), "{profile}");
        let closed: Vec<_> = server_events(&t)
            .filter_map(|(at, k)| match k {
                EventKind::State { to: State::Closed, cause, .. } => Some((*at, *cause)),
                _ => None,
            })
            .collect();
        let end =
            (0..config.keepalive_probes).fold(first.sent_at, |at, _| config.deadline(at, config.keepalive_interval));
        assert_eq!(closed, [(end, Cause::Timer(Timer::Keepalive))], "{profile}");
        assert!(
            server_events(&t).any(|(_, k)| matches!(
                k,
                EventKind::Notified { notice: Notice::Closed { reason: CloseReason::TimedOut } }
            )),
            "{profile}: the application is told ETIMEDOUT"
        );
        // Two hours of silence cost a handful of events, not one per millisecond.
        assert!(t.events.len() < 200, "{profile}: {} events", t.events.len());
    }
}

#[test]
fn a_live_peer_answers_and_the_connection_stays() {
    for profile in Profile::ALL {
        let s = scenario(profile, false);
        let t = simulate(&s);
        invariants::check(&s, &Limits::DEFAULT, &t).unwrap_or_else(|e| panic!("{profile}: {e}"));
        let fired = server_events(&t)
            .filter(|(_, k)| matches!(k, EventKind::TimerFired { timer: Timer::Keepalive, .. }))
            .count();
        assert_eq!(fired, 2, "{profile}: one probe per idle time in 20000 s, each answered");
        assert!(
            !server_events(&t).any(|(_, k)| matches!(k, EventKind::State { to: State::Closed, .. })),
            "{profile}: still open"
        );
        assert!(matches!(t.truncated, Some(tcp_sim::trace::Truncation::TimeLimit { .. })), "{profile}");
    }
}
