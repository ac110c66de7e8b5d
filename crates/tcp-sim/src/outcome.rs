//! What a run came to, without its segments and events: per connection, when it reached
//! ESTABLISHED, when and how it ended. A Monte Carlo caller (many seeds of one scenario) keeps
//! this and drops the trace.
//!
//! Read from the finished trace in one pass over its events ([`Outcome::of`]); the simulator's
//! hot path records nothing more for it.

use alloc::vec::Vec;
use tcp_core::event::{Cause, CloseReason};
use tcp_core::{Instant, State};

use crate::trace::{EventKind, HostId, Notice, Trace, Truncation};

/// What one run came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Per connection of the trace (same indices as [`Trace::conns`]).
    pub conns: Vec<ConnOutcome>,
    /// When the run ended.
    pub end: Instant,
    /// Why the run stopped before everything was quiet, if it did.
    pub truncated: Option<Truncation>,
}

/// What one connection came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnOutcome {
    /// The host it lived on.
    pub host: HostId,
    /// When it first reached ESTABLISHED, if it did.
    pub established_at: Option<Instant>,
    /// When it ended (reached CLOSED, or went back to LISTEN), if it did.
    pub ended_at: Option<Instant>,
    /// How it ended, or the state it was left in.
    pub ending: Ending,
}

/// How a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It reached CLOSED and its application was told how: closed, reset, refused, timed out,
    /// aborted, FIN-WAIT-2 timed out.
    Closed(CloseReason),
    /// A half-open connection in a listener's queue that went back to LISTEN (reset or timed out)
    /// before anyone accepted it.
    Dropped,
    /// Its host crashed or rebooted, and its state was lost with no word to anyone.
    Lost,
    /// Left in this state when the run ended (CLOSED only for a connection that never opened).
    Open(State),
}

impl Outcome {
    /// The outcome of a finished run (see [`crate::Simulator::finish`]).
    pub fn of(trace: &Trace) -> Outcome {
        let mut conns: Vec<ConnOutcome> = trace
            .conns
            .iter()
            .map(|c| ConnOutcome {
                host: c.host,
                established_at: None,
                ended_at: None,
                ending: Ending::Open(State::Closed),
            })
            .collect();
        for e in &trace.events {
            let Some(c) = e.conn.and_then(|c| conns.get_mut(c.index())) else { continue };
            match e.kind {
                EventKind::State { cause: Cause::HostDown, .. } => {
                    c.ending = Ending::Lost;
                    c.ended_at = Some(e.at);
                }
                EventKind::State { to, .. } => {
                    if to == State::Established && c.established_at.is_none() {
                        c.established_at = Some(e.at);
                    }
                    match (to, c.ending) {
                        (State::Listen, Ending::Open(_)) => {
                            c.ending = Ending::Dropped;
                            c.ended_at = Some(e.at);
                        }
                        (_, Ending::Open(_)) => c.ending = Ending::Open(to),
                        _ => {}
                    }
                }
                EventKind::Notified { notice: Notice::Closed { reason } } => {
                    c.ending = Ending::Closed(reason);
                    c.ended_at = Some(e.at);
                }
                _ => {}
            }
        }
        Outcome { conns, end: trace.end, truncated: trace.truncated.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnId, Limits, Simulator, catalogue, simulate};
    use CloseReason::*;

    fn of(name: &str) -> Outcome {
        Outcome::of(&simulate(&catalogue::get(name).expect("entry").scenario().expect("scenario")))
    }

    #[test]
    fn handshake_is_established_then_closed() {
        let o = of("handshake");
        assert_eq!(o.conns.len(), 2);
        for c in &o.conns {
            let (up, down) = (c.established_at.expect("established"), c.ended_at.expect("ended"));
            assert!(up > Instant::ZERO && up < down && down <= o.end, "{c:?}");
            assert_eq!(c.ending, Ending::Closed(Normal));
        }
        assert_eq!(o.truncated, None);
    }

    #[test]
    fn refused_and_timed_out_connections_never_establish() {
        for (name, reason) in [("refused", Refused), ("connect-timeout", TimedOut)] {
            let o = of(name);
            assert_eq!(o.conns.len(), 1, "{name}");
            assert_eq!(o.conns[0].ending, Ending::Closed(reason), "{name}");
            assert_eq!(o.conns[0].established_at, None, "{name}");
            assert!(o.conns[0].ended_at.is_some_and(|t| t > Instant::ZERO), "{name}");
        }
    }

    #[test]
    fn abort_resets_the_peer_and_an_old_syn_is_dropped() {
        let o = of("abort");
        let endings: Vec<Ending> = o.conns.iter().map(|c| c.ending).collect();
        assert_eq!(endings, [Ending::Closed(Aborted), Ending::Closed(Reset)]);
        let o = of("old-duplicate-syn");
        assert!(o.conns.iter().any(|c| c.ending == Ending::Dropped && c.ended_at.is_some()), "{o:?}");
        assert!(o.conns.iter().any(|c| c.ending == Ending::Closed(Normal)), "{o:?}");
    }

    #[test]
    fn a_run_stopped_early_leaves_connections_open() {
        let s = catalogue::get("handshake").expect("entry").scenario().expect("scenario");
        let mut sim = Simulator::new(&s, Limits::DEFAULT);
        // Until both ends are ESTABLISHED, then a few steps more: nothing has closed yet.
        while !Outcome::of(sim.trace()).conns.iter().all(|c| c.established_at.is_some()) {
            assert!(sim.step());
        }
        let o = Outcome::of(sim.trace());
        assert!(o.conns.iter().all(|c| c.ending == Ending::Open(State::Established) && c.ended_at.is_none()), "{o:?}");
    }

    #[test]
    fn every_entry_agrees_with_final_states_and_close_reasons() {
        for entry in catalogue::ENTRIES {
            let trace = simulate(&entry.scenario().expect("scenario"));
            let o = Outcome::of(&trace);
            let (states, reasons) = (trace.final_states(), trace.close_reasons());
            assert_eq!(o.conns.len(), trace.conns.len());
            for (c, got) in o.conns.iter().enumerate() {
                let lost = trace.events.iter().any(|e| {
                    e.conn == Some(ConnId(c)) && matches!(e.kind, EventKind::State { cause: Cause::HostDown, .. })
                });
                let expected = match (reasons[c], states[c]) {
                    (None, State::Closed) if lost => Ending::Lost,
                    (Some(reason), State::Closed) => Ending::Closed(reason),
                    (None, State::Listen) => Ending::Dropped,
                    (_, state) => Ending::Open(state),
                };
                assert_eq!(got.ending, expected, "{} conn {c}", entry.name);
            }
        }
    }
}
