//! Every catalogue entry: parses, runs to a quiet end, ends as its narration says, and its
//! exchange (one line per segment, relative numbers) matches the reviewed snapshot in
//! tests/expected/ (refresh with UPDATE_EXPECT=1 after checking the change).

use tcp_core::State;
use tcp_core::event::CloseReason;
use tcp_sim::trace::{Fate, HostId, LossReason, SegId, Trace};
use tcp_sim::{catalogue, simulate};

fn run(name: &str) -> Trace {
    let entry = catalogue::get(name).unwrap_or_else(|| panic!("no entry {name}"));
    let scenario = entry.scenario().unwrap_or_else(|e| panic!("{name}: {e}"));
    simulate(&scenario)
}

/// `t dir label [notes]` per segment.
fn exchange(trace: &Trace) -> String {
    let mut out = String::new();
    for (i, s) in trace.segments.iter().enumerate() {
        let from = &trace.hosts[s.from].name;
        let to = s.to.map_or("?", |t| trace.hosts[t].name.as_str());
        let fate = match s.fate {
            Fate::Delivered { at } => format!("arrives {at}"),
            Fate::Lost { reason: LossReason::Fault } => "LOST (fault)".into(),
            Fate::Lost { reason: LossReason::Random } => "LOST (random)".into(),
            Fate::Lost { reason: LossReason::LinkDown } => "LOST (link down)".into(),
            Fate::Lost { reason: LossReason::Outage { from, until } } => format!("LOST (outage {from} to {until})"),
            Fate::Lost { reason: LossReason::NoSuchHost } => "LOST (no such host)".into(),
            Fate::Lost { reason: LossReason::HostDown } => "LOST (host down)".into(),
            Fate::Lost { reason: LossReason::InFlight } => "in flight at the end".into(),
        };
        let mut notes = String::new();
        if s.retransmission {
            notes.push_str(" retransmission");
        }
        if s.injected {
            notes.push_str(" old-duplicate");
        }
        if s.forged {
            notes.push_str(" forged");
        }
        out.push_str(&format!("{} {from}>{to} {} | {fate}{notes}\n", s.sent_at, trace.label(SegId(i), true)));
    }
    out
}

#[test]
fn every_entry_parses_runs_quietly_and_matches_its_snapshot() {
    assert_eq!(catalogue::ENTRIES.len(), 31);
    for entry in catalogue::ENTRIES {
        let scenario = entry.scenario().unwrap_or_else(|e| panic!("{}: {e}", entry.name));
        assert!(!scenario.title.en.is_empty() && !scenario.title.zh.is_empty(), "{}: bilingual title", entry.name);
        assert!(
            scenario.narration.en.len() > 80 && scenario.narration.zh.chars().count() > 40,
            "{}: bilingual narration",
            entry.name
        );
        let trace = simulate(&scenario);
        assert_eq!(trace.truncated, None, "{} must end on its own", entry.name);
        let path = format!("{}/tests/expected/{}.txt", env!("CARGO_MANIFEST_DIR"), entry.name);
        expect_test::expect_file![path].assert_eq(&exchange(&trace));
    }
}

#[track_caller]
fn ends(name: &str, expected: &[(usize, State, Option<CloseReason>)]) {
    let trace = run(name);
    let states = trace.final_states();
    let reasons = trace.close_reasons();
    let got: Vec<_> = (0..trace.conns.len()).map(|c| (trace.conns[c].host.index(), states[c], reasons[c])).collect();
    assert_eq!(got, expected, "{name}");
}

#[test]
fn entries_end_as_narrated() {
    use CloseReason::*;
    use State::*;
    ends("handshake", &[(0, Closed, Some(Normal)), (1, Closed, Some(Normal))]);
    ends("refused", &[(0, Closed, Some(Refused))]);
    ends("connect-timeout", &[(0, Closed, Some(TimedOut))]);
    ends("abort", &[(0, Closed, Some(Aborted)), (1, Closed, Some(Reset))]);
    // The old SYN's half-open connection goes back to LISTEN; the real one closes normally.
    ends("old-duplicate-syn", &[(0, Closed, Some(Normal)), (1, Listen, None), (1, Closed, Some(Normal))]);
    // The ghost was accepted and then reset.
    ends("two-way-ghost", &[(0, Closed, Some(Normal)), (1, Closed, Some(Reset)), (1, Closed, Some(Normal))]);
}

#[test]
fn connect_timeout_retries_at_linux_times() {
    let trace = run("connect-timeout");
    let times: Vec<u64> = trace.segments.iter().map(|s| s.sent_at.millis()).collect();
    // Linux 6.18: four linear retries, then doubling, each on its timer wheel: the gaps of
    // `tests/captures/syn_timeout.pcap` (1.024 s ×4, 2.016, 4.128, 8.192, 16.128, 34.048 s).
    assert_eq!(times, [0, 1_024, 2_048, 3_072, 4_096, 5_120, 7_136, 11_264, 19_456, 35_584, 69_632]);
    assert_eq!(trace.end.millis(), 135_168);
}

#[test]
fn lost_final_ack_restarts_time_wait() {
    use tcp_sim::trace::EventKind;
    let trace = run("lost-final-ack");
    let restarts: Vec<_> = trace
        .events
        .iter()
        .filter(|e| {
            e.host == HostId(0)
                && matches!(e.kind, EventKind::TimerArmed { timer: tcp_core::event::Timer::TimeWait, .. })
        })
        .map(|e| e.at.millis())
        .collect();
    assert_eq!(restarts.len(), 2, "TIME-WAIT armed, then restarted by the retransmitted FIN");
    assert!(restarts[1] > restarts[0]);
}

#[test]
fn syn_flood_blocks_the_client_until_cookies_help() {
    let connected_at = |name: &str| {
        let trace = run(name);
        trace
            .events
            .iter()
            .find(|e| {
                e.host == HostId(0)
                    && e.kind == tcp_sim::trace::EventKind::Notified { notice: tcp_sim::trace::Notice::Connected }
            })
            .map(|e| e.at.millis())
    };
    let without = connected_at("syn-flood").unwrap();
    let with = connected_at("syn-flood-cookies").unwrap();
    assert!(without > 7_000, "the client waits for the forged entries to expire ({without} ms)");
    assert!(with < 100, "SYN cookies let the client in at once ({with} ms)");
}
