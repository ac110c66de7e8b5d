//! Playback steps.
//!
//! **A step is one distinct moment of the diagram**: an instant of simulated time, split further
//! when a host sends or receives several segments at that same instant (one step per slot, see
//! the slot rule in [`crate::axis`]). Every trace event belongs to exactly one step, so a step
//! groups what happens together: "the server receives the SYN, enters SYN_RECV, arms its RTO and
//! answers SYN-ACK" is one step; so is "both ends send their FIN" in a simultaneous close. Steps
//! are ordered by time, then slot; their y on the diagram grows with their index.
//!
//! Every [`crate::Diagram`] item carries the index of the step at which it appears (arrows also
//! the step at which they arrive or are lost), so a player can show items with `step <= k` and
//! highlight those with `step == k`.

use crate::slots::Slots;
use alloc::vec::Vec;
use tcp_core::Instant;
use tcp_sim::Trace;

/// One playback step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// When it happens.
    pub at: Instant,
    /// Its slot within that instant (0 unless a host sent or received several segments then).
    pub slot: u16,
    /// The trace events it groups (indices into `trace.events`, ascending).
    pub events: Vec<usize>,
}

/// The trace's steps, in order.
pub fn steps(trace: &Trace) -> Vec<Step> {
    let slots = Slots::of(trace);
    let (steps, _) = build(&slots);
    steps
}

/// The instant of each step (an instant repeats when it has several slots).
pub fn step_times(trace: &Trace) -> Vec<Instant> {
    steps(trace).into_iter().map(|s| s.at).collect()
}

/// Steps and, per trace event, the index of its step. The trace's events are in time order, so
/// an instant's events are neighbours: each instant is grouped on its own (its slots in order),
/// in one pass over the events.
pub(crate) fn build(slots: &Slots) -> (Vec<Step>, Vec<usize>) {
    let events = &slots.event;
    let mut steps: Vec<Step> = Vec::new();
    let mut of_event = Vec::with_capacity(events.len());
    let mut used: Vec<u16> = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let at = events[start].0;
        let end = start + events[start..].iter().take_while(|(t, _)| *t == at).count();
        used.clear();
        used.extend(events[start..end].iter().map(|&(_, slot)| slot));
        tcp_core::sort::sort_by(&mut used, &Ord::cmp);
        used.dedup();
        let first = steps.len();
        steps.extend(used.iter().map(|&slot| Step { at, slot, events: Vec::new() }));
        for (i, &(_, slot)) in events.iter().enumerate().take(end).skip(start) {
            let k = first + used.binary_search(&slot).unwrap_or(0);
            steps[k].events.push(i);
            of_event.push(k);
        }
        start = end;
    }
    (steps, of_event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcp_sim::{catalogue, simulate};

    #[test]
    fn handshake_steps() {
        let t = simulate(&catalogue::get("handshake").expect("entry").scenario().expect("scenario"));
        let s = steps(&t);
        // Every event in exactly one step, steps in order.
        let total: usize = s.iter().map(|s| s.events.len()).sum();
        assert_eq!(total, t.events.len());
        assert!(s.windows(2).all(|w| (w[0].at, w[0].slot) < (w[1].at, w[1].slot)));
        // 0 ms: connect + SYN and listen; 10 ms: SYN arrives, SYN-ACK leaves; 20 ms: two slots.
        let times: Vec<u64> = step_times(&t).iter().take(5).map(|t| t.millis()).collect();
        assert_eq!(times, [0, 10, 20, 20, 30]);
    }
}
