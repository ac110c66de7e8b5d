//! Slots: where, within one instant, each event is drawn.
//!
//! Several segments often leave one host at the same simulated instant (an ACK and data, a
//! burst of SYNs); drawn at the same y they would be one arrow. Each host numbers its sends and
//! receptions at an instant: a reception takes the next slot, and the first send after a
//! reception shares its slot (the textbook "V": the answer leaves where the question arrived);
//! any other send takes the next slot. Events that draw nothing by themselves (state changes,
//! timers, notes) take the slot of what they belong to: the preceding reception, or the send
//! that follows when they were caused by the application (or follow a send).

use alloc::vec;
use alloc::vec::Vec;
use tcp_core::Instant;
use tcp_sim::Trace;
use tcp_sim::trace::EventKind;

/// Slots of a trace's events and segments.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Slots {
    /// Per trace event: its instant and slot.
    pub(crate) event: Vec<(Instant, u16)>,
    /// Per segment: slot at its sender.
    pub(crate) send: Vec<u16>,
    /// Per segment: slot at its receiver (0 when lost).
    pub(crate) arrive: Vec<u16>,
    /// Per distinct instant with events: how many slots it needs.
    pub(crate) instants: Vec<(Instant, u16)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Visual {
    Sent(u16),
    Delivered(u16),
}

impl Slots {
    pub(crate) fn of(trace: &Trace) -> Slots {
        let n = trace.events.len();
        let mut slots = Slots {
            event: Vec::with_capacity(n),
            send: vec![0; trace.segments.len()],
            arrive: vec![0; trace.segments.len()],
            instants: Vec::new(),
        };
        let mut visual: Vec<Option<Visual>> = vec![None; n];
        let mut start = 0;
        while start < n {
            let at = trace.events[start].at;
            let end = start + trace.events[start..].iter().take_while(|e| e.at == at).count();
            let mut needed = 1u16;
            // Pass 1: receptions and sends, per host.
            let mut next = vec![0u16; trace.hosts.len()];
            let mut last: Vec<Option<Visual>> = vec![None; trace.hosts.len()];
            for (i, e) in trace.events.iter().enumerate().take(end).skip(start) {
                let h = e.host.index();
                let v = match e.kind {
                    EventKind::Delivered { segment } => {
                        let slot = next[h];
                        next[h] += 1;
                        slots.arrive[segment.index()] = slot;
                        Visual::Delivered(slot)
                    }
                    EventKind::Sent { segment } => {
                        let slot = match last[h] {
                            Some(Visual::Delivered(slot)) => slot,
                            _ => {
                                next[h] += 1;
                                next[h] - 1
                            }
                        };
                        slots.send[segment.index()] = slot;
                        Visual::Sent(slot)
                    }
                    _ => continue,
                };
                last[h] = Some(v);
                visual[i] = Some(v);
                needed = needed.max(next[h]);
            }
            // Pass 2: everything else takes the slot of what it belongs to: for each event, its
            // host's nearest sending or receiving before and after it at this instant.
            let (before, after) = nearest_per_host(&trace.events[start..end], &visual[start..end], trace.hosts.len());
            for i in start..end {
                let e = &trace.events[i];
                let slot = match (&e.kind, visual[i]) {
                    (_, Some(Visual::Sent(s) | Visual::Delivered(s))) => s,
                    (EventKind::Lost { segment, .. }, None) => slots.send[segment.index()],
                    (kind, None) => {
                        let (prev, next) = (before[i - start], after[i - start]);
                        let by_app = matches!(
                            kind,
                            EventKind::App { .. }
                                | EventKind::TimerArmed { .. }
                                | EventKind::State { cause: tcp_core::Cause::Command(_), .. }
                        );
                        match (prev, next) {
                            (None, Some(Visual::Sent(s) | Visual::Delivered(s))) => s,
                            (None, None) => 0,
                            (Some(Visual::Sent(p)), Some(Visual::Sent(s))) if s != p => s,
                            (Some(Visual::Delivered(p)), Some(Visual::Sent(s))) if s != p && by_app => s,
                            (Some(Visual::Sent(p) | Visual::Delivered(p)), _) => p,
                        }
                    }
                };
                slots.event.push((at, slot));
            }
            slots.instants.push((at, needed));
            start = end;
        }
        slots
    }
}

/// For each of `events` (those of one instant, with their `visual`s), the visual of the nearest
/// event of the same host before it and after it that has one: two sweeps, so that an instant
/// of thousands of events costs as many steps, not their square.
fn nearest_per_host(
    events: &[tcp_sim::trace::TraceEvent],
    visual: &[Option<Visual>],
    hosts: usize,
) -> (Vec<Option<Visual>>, Vec<Option<Visual>>) {
    let mut seen: Vec<Option<Visual>> = vec![None; hosts];
    let mut before = Vec::with_capacity(events.len());
    for (e, v) in events.iter().zip(visual) {
        before.push(seen[e.host.index()]);
        if v.is_some() {
            seen[e.host.index()] = *v;
        }
    }
    seen.fill(None);
    let mut after = vec![None; events.len()];
    for (i, (e, v)) in events.iter().zip(visual).enumerate().rev() {
        after[i] = seen[e.host.index()];
        if v.is_some() {
            seen[e.host.index()] = *v;
        }
    }
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcp_sim::{catalogue, simulate};

    fn trace(name: &str) -> Trace {
        simulate(&catalogue::get(name).expect("entry").scenario().expect("scenario"))
    }

    #[test]
    fn ack_and_data_sent_together_take_two_slots() {
        let t = trace("handshake");
        // Segment 2 (ACK) and 3 (data) leave the client at 20 ms.
        assert_eq!(t.segments[2].sent_at, t.segments[3].sent_at);
        let s = Slots::of(&t);
        assert_eq!((s.send[2], s.send[3]), (0, 1));
        assert_eq!((s.arrive[2], s.arrive[3]), (0, 1));
        // The SYN-ACK leaves where the SYN arrived.
        assert_eq!((s.arrive[0], s.send[1]), (0, 0));
        let at20 = s.instants.iter().find(|(t, _)| *t == Instant::from_millis(20)).expect("20 ms");
        assert_eq!(at20.1, 2);
    }

    #[test]
    fn events_follow_their_segment() {
        let t = trace("handshake");
        let s = Slots::of(&t);
        // The RTO armed for the data at 20 ms sits with the data (slot 1), not with the ACK.
        let i = t
            .events
            .iter()
            .position(|e| e.at == Instant::from_millis(20) && matches!(e.kind, EventKind::TimerArmed { .. }))
            .expect("timer armed at 20 ms");
        assert_eq!(s.event[i].1, 1);
        assert_eq!(s.event.len(), t.events.len());
    }
}
