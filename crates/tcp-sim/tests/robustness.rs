//! For every catalogue entry, every combination of drops among its first 10 segments (1,024 runs
//! per entry) runs to the end without a panic, within bounded simulated time, and leaves every
//! connection in a consistent final state:
//! - CLOSED, with the application told how it ended (closed, refused, timed out, reset, aborted),
//!   or lost with its host's crash or reboot (nobody is told: the application died with it);
//! - or a listener's half-open connection dropped back to LISTEN;
//! - or a half-open connection in the RFC 9293 §3.4.3 sense: ESTABLISHED, the application told
//!   "connected", nothing in flight and no timer running (the run ended quietly), while the peer's
//!   end is gone. Without keep-alives TCP cannot notice this (a lost RST, a peer that gave up),
//!   and it is what the application was told;
//! - or ESTABLISHED at both ends, the run over and quiet: a scenario that never closes.
//!
//! The same exploration with keep-alive on in every host leaves no such connection: keep-alive
//! finds every one of them and ends it.

use tcp_core::event::{Cause, CloseReason};
use tcp_core::{State, Timer};
use tcp_sim::scenario::{Fault, FaultAction, Millis};
use tcp_sim::trace::{ConnId, EventKind, Trace, Truncation};
use tcp_sim::{Scenario, catalogue, simulate};

const DROPPABLE: u32 = 10;

fn with_drops(base: &Scenario, mask: u32) -> Scenario {
    let mut s = base.clone();
    for i in 0..DROPPABLE {
        if mask & (1 << i) != 0 {
            s.faults.push(Fault {
                from: None,
                kind: None,
                nth: 1,
                index: Some(i),
                action: FaultAction::Drop,
                delay_ms: Millis::default(),
            });
        }
    }
    s
}

/// Whether connection `c` was lost when its host crashed or rebooted.
fn lost_in_crash(trace: &Trace, c: usize) -> bool {
    (trace.events.iter())
        .any(|e| e.conn == Some(ConnId(c)) && matches!(e.kind, EventKind::State { cause: Cause::HostDown, .. }))
}

/// Why a run's ending is inconsistent, if it is.
fn inconsistency(trace: &Trace) -> Option<String> {
    // Keep-alive keeps an idle connection's timer running, so a run in which a kept-alive
    // connection stays open never goes quiet: its time limit ends it, and the connection is
    // consistent if both ends are still ESTABLISHED.
    let kept_alive = matches!(trace.truncated, Some(Truncation::TimeLimit { .. }))
        && trace.events.iter().any(|e| matches!(e.kind, EventKind::TimerFired { timer: Timer::Keepalive, .. }));
    if let Some(why) = &trace.truncated
        && !kept_alive
    {
        return Some(format!("did not end on its own: {why}"));
    }
    let states = trace.final_states();
    let reasons = trace.close_reasons();
    let peer_established = |c: usize| {
        let me = &trace.conns[c];
        let peer = trace.conns.iter().rposition(|p| p.local == me.remote && p.remote == me.local);
        peer.is_some_and(|p| states[p] == State::Established)
    };
    let peer_gone = |c: usize| {
        let me = &trace.conns[c];
        let peer = trace.conns.iter().rposition(|p| p.local == me.remote && p.remote == me.local);
        peer.is_none_or(|p| matches!(states[p], State::Closed | State::Listen))
    };
    for (c, (state, reason)) in states.iter().zip(&reasons).enumerate() {
        let ok = match state {
            State::Closed => reason.is_some() || lost_in_crash(trace, c),
            // A half-open connection the listener dropped (reset, or SYN-ACK retries exhausted).
            State::Listen => reason.is_none(),
            // Half-open, or open at both ends and idle: a scenario that never closes (a server
            // that rebooted, then accepted the connection's retransmitted SYN).
            State::Established => reason.is_none() && (peer_gone(c) || peer_established(c)),
            _ => false,
        };
        if !ok {
            return Some(format!(
                "connection {c} ({}) ends in {state} told {reason:?}",
                trace.hosts[trace.conns[c].host].name
            ));
        }
        if matches!(reason, Some(CloseReason::FinWait2Timeout)) && *state != State::Closed {
            return Some(format!("connection {c}: FIN-WAIT-2 timeout but {state}"));
        }
    }
    None
}

#[test]
fn every_drop_combination_of_the_first_ten_segments() {
    let entries: Vec<(&str, Scenario)> = catalogue::ENTRIES.iter().map(|e| (e.name, e.scenario().unwrap())).collect();
    let runs = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for half in 0..2u32 {
            let (entries, runs, failures) = (&entries, &runs, &failures);
            scope.spawn(move || {
                for (name, base) in entries {
                    for mask in (0..1u32 << DROPPABLE).filter(|m| m % 2 == half) {
                        let trace = simulate(&with_drops(base, mask));
                        runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        assert!(trace.end.millis() <= 3_600_000, "bounded simulated time");
                        if let Some(why) = inconsistency(&trace) {
                            failures.lock().unwrap().push(format!("{name} drops {mask:010b}: {why}"));
                        }
                    }
                }
            });
        }
    });
    let runs = runs.into_inner();
    let failures = failures.into_inner().unwrap();
    println!("explored {runs} runs ({} entries x 1024), {} inconsistent", entries.len(), failures.len());
    assert_eq!(runs, entries.len() * 1024);
    assert!(
        failures.is_empty(),
        "{} inconsistent runs, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

/// The same exploration with keep-alive on in every host (idle 10 minutes, 60 s between probes,
/// 3 probes, so that it acts within the hour a run may last): no half-open connection is left.
/// An ESTABLISHED end whose peer is gone probes it, meets a reset from the peer's host (or
/// nothing, and gives up) and reports it; an ESTABLISHED end whose peer is also ESTABLISHED is a
/// live connection, probed and answered until the run's time limit.
#[test]
fn keepalive_resolves_every_half_open_connection() {
    let entries: Vec<(&str, Scenario, Scenario)> = catalogue::ENTRIES
        .iter()
        .map(|e| {
            let without = e.scenario().unwrap();
            let mut s = without.clone();
            s.tcp.keepalive = Some(true);
            s.tcp.keepalive_idle_ms = Some(Millis::new(600_000.0).unwrap());
            s.tcp.keepalive_interval_ms = Some(Millis::new(60_000.0).unwrap());
            s.tcp.keepalive_probes = Some(3);
            (e.name, without, s)
        })
        .collect();
    let failures = std::sync::Mutex::new(Vec::new());
    let resolved = std::sync::atomic::AtomicUsize::new(0);
    let half_open_without = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for half in 0..2u32 {
            let (entries, failures, resolved, half_open_without) = (&entries, &failures, &resolved, &half_open_without);
            scope.spawn(move || {
                for (name, without, base) in entries {
                    for mask in (0..1u32 << DROPPABLE).filter(|m| m % 2 == half) {
                        // Without keep-alive: does this run leave a half-open connection?
                        let before = simulate(&with_drops(without, mask));
                        let (states, reasons) = (before.final_states(), before.close_reasons());
                        if states.iter().zip(&reasons).any(|(s, r)| *s == State::Established && r.is_none())
                            && inconsistency(&before).is_none()
                            && (0..before.conns.len()).any(|c| {
                                let me = &before.conns[c];
                                states[c] == State::Established
                                    && before
                                        .conns
                                        .iter()
                                        .rposition(|p| p.local == me.remote && p.remote == me.local)
                                        .is_none_or(|p| matches!(states[p], State::Closed | State::Listen))
                            })
                        {
                            half_open_without.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        let trace = simulate(&with_drops(base, mask));
                        let states = trace.final_states();
                        let reasons = trace.close_reasons();
                        let peer = |c: usize| {
                            let me = &trace.conns[c];
                            trace.conns.iter().rposition(|p| p.local == me.remote && p.remote == me.local)
                        };
                        let probed = trace.events.iter().any(|e| {
                            matches!(
                                e.kind,
                                tcp_sim::trace::EventKind::TimerFired { timer: tcp_core::Timer::Keepalive, .. }
                            )
                        });
                        // A connection that keep-alive ended: closed after one of its probes
                        // (by the reset that answered it, or by keep-alive giving up).
                        let ended_by_keepalive = (0..trace.conns.len()).any(|c| {
                            let mine = |e: &&tcp_sim::trace::TraceEvent| e.conn == Some(ConnId(c));
                            let first_probe = trace.events.iter().filter(mine).position(|e| {
                                matches!(
                                    e.kind,
                                    tcp_sim::trace::EventKind::TimerFired { timer: tcp_core::Timer::Keepalive, .. }
                                )
                            });
                            first_probe.is_some_and(|p| {
                                trace.events.iter().filter(mine).skip(p).any(|e| {
                                    matches!(e.kind, tcp_sim::trace::EventKind::State { to: State::Closed, .. })
                                })
                            })
                        });
                        let mut bad = None;
                        for (c, (state, reason)) in states.iter().zip(&reasons).enumerate() {
                            let ok = match state {
                                State::Closed => reason.is_some() || lost_in_crash(&trace, c),
                                State::Listen => reason.is_none(),
                                State::Established => {
                                    reason.is_none() && peer(c).is_some_and(|p| states[p] == State::Established)
                                }
                                _ => inconsistency(&trace).is_none(),
                            };
                            if !ok {
                                bad = Some(format!("connection {c} ends in {state} told {reason:?}"));
                                break;
                            }
                        }
                        if bad.is_none() && trace.truncated.is_some() && !probed {
                            bad = Some(format!("did not end on its own and nothing was probed: {:?}", trace.truncated));
                        }
                        if let Some(why) = bad {
                            failures.lock().unwrap().push(format!("{name} drops {mask:010b}: {why}"));
                        }
                        if ended_by_keepalive {
                            resolved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let resolved = resolved.into_inner();
    println!(
        "half-open at the end: {} runs without keep-alive, 0 with it; keep-alive ended a connection in {resolved} runs",
        half_open_without.into_inner()
    );
    assert!(resolved > 0, "keep-alive ended no connection: the exploration shows nothing");
    assert!(
        failures.is_empty(),
        "{} inconsistent runs, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}
