//! What every trace must satisfy, whatever the scenario: the oracle of the adversarial tests, the
//! property tests and the simulator's fuzz target.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::event::Reply;
use tcp_core::{Flags, Instant, SeqNum};

use crate::limits::Limits;
use crate::scenario::Scenario;
use crate::trace::{ConnId, EventKind, Fate, Notice, SegId, Trace};

/// Checks `trace`, the run of `scenario` within `limits`; the error says what is broken where.
///
/// - The work budget: at most `limits` segments, connections and events.
/// - The trace holds together: events in time order, every index points at something, a
///   segment arrives no earlier than it left, each segment's `Sent` event is where it left.
/// - TCP sends in sequence order: on each connection, every new segment that occupies sequence
///   space starts where the previous one ended, and no pure ACK is ahead of it.
/// - No ACK storm: the ACKs a host sends in answer to unacceptable pure ACKs keep within its
///   profile's limit (`Config::invalid_ack_limit`), counted over any interval of that length.
/// - The recorded facts agree with the wire: a connection's SYNs carry its ISS, what it
///   negotiated names that ISS and the peer SYN's number, and a delivered segment took the
///   link's configured delay plus any fault's.
/// - An application that closed a connection (close() or an abort) reads nothing more from it
///   (`Trace::closed_by_app`).
pub fn check(scenario: &Scenario, limits: &Limits, trace: &Trace) -> Result<(), String> {
    within_budget(limits, trace)?;
    holds_together(trace)?;
    facts_agree(trace)?;
    nothing_read_after_close(trace)?;
    in_sequence_order(trace)?;
    no_ack_storm(scenario, trace)
}

fn within_budget(limits: &Limits, trace: &Trace) -> Result<(), String> {
    for (what, count, limit) in [
        ("segments", trace.segments.len(), limits.segments),
        ("connections", trace.conns.len(), limits.connections),
        ("events", trace.events.len(), limits.events),
    ] {
        if count > limit {
            return Err(format!("{count} {what}, more than the limit of {limit}"));
        }
    }
    Ok(())
}

fn holds_together(trace: &Trace) -> Result<(), String> {
    let mut last = Instant::ZERO;
    for (i, e) in trace.events.iter().enumerate() {
        if e.at < last {
            return Err(format!("event {i} at {} comes after one at {last}", e.at));
        }
        last = e.at;
        if e.host.index() >= trace.hosts.len() || e.conn.is_some_and(|c| c.index() >= trace.conns.len()) {
            return Err(format!("event {i} names a host or connection that does not exist"));
        }
        let segment = match e.kind {
            EventKind::Sent { segment } | EventKind::Delivered { segment } | EventKind::Lost { segment, .. } => {
                Some(segment)
            }
            EventKind::Rejected { segment, .. } => segment,
            _ => None,
        };
        if segment.is_some_and(|s| s.index() >= trace.segments.len()) {
            let segment = segment.map(SegId::index);
            return Err(format!("event {i} names segment {segment:?}, which does not exist"));
        }
        if let EventKind::Sent { segment } = e.kind
            && trace.segments[segment].sent_at != e.at
        {
            return Err(format!(
                "segment {segment} left at {}, its Sent event says {}",
                trace.segments[segment].sent_at, e.at
            ));
        }
    }
    if trace.end < last {
        return Err(format!("the run ends at {} before its last event at {last}", trace.end));
    }
    for (i, s) in trace.segments.iter().enumerate() {
        if let Fate::Delivered { at } = s.fate
            && at < s.sent_at
        {
            return Err(format!("segment {i} arrives at {at}, before it left at {}", s.sent_at));
        }
        if s.from.index() >= trace.hosts.len() || s.conn.is_some_and(|c| c.index() >= trace.conns.len()) {
            return Err(format!("segment {i} names a host or connection that does not exist"));
        }
    }
    Ok(())
}

fn facts_agree(trace: &Trace) -> Result<(), String> {
    for (i, s) in trace.segments.iter().enumerate() {
        let conn = s.conn.and_then(|c| trace.conns.get(c.index()));
        if let Some(c) = conn
            && s.repr.flags.contains(Flags::SYN)
            && c.iss != Some(s.repr.seq)
        {
            return Err(format!("segment {i} is a SYN of a connection whose recorded ISS is {:?}", c.iss));
        }
        // A network duplicate arrives that much later again, after its original.
        let due = s.sent_at.micros + s.link_delay_us + s.extra_delay_us;
        if let Fate::Delivered { at } = s.fate
            && (at.micros < due || (at.micros != due && s.duplicate_of.is_none()))
        {
            return Err(format!("segment {i} arrives at {at}, not after the link's delay of {} µs", s.link_delay_us));
        }
        if s.received_by.is_some_and(|c| c.index() >= trace.conns.len()) || s.answers.is_some_and(|k| k.index() >= i) {
            return Err(format!("segment {i} names a connection that does not exist, or answers no earlier segment"));
        }
    }
    for (c, info) in trace.conns.iter().enumerate() {
        let Some(sync) = info.synchronized else { continue };
        if info.iss != Some(sync.negotiation.iss) {
            return Err(format!(
                "connection {c} negotiated with ISS {:?}, recorded {:?}",
                sync.negotiation.iss, info.iss
            ));
        }
        if let Some(p) = sync.peer_syn
            && trace.segments.get(p.index()).is_none_or(|s| s.repr.seq != sync.negotiation.irs)
        {
            return Err(format!("connection {c}'s IRS is not the sequence number of its peer's SYN {p}"));
        }
    }
    Ok(())
}

/// An application that closed a connection (close() or an abort, `Trace::closed_by_app`) reads
/// nothing more from it: no data, no end of stream. Part of [`check`]; also asked of traces that
/// no scenario made (an imported capture, a packetdrill run).
pub fn nothing_read_after_close(trace: &Trace) -> Result<(), String> {
    let closed = trace.closed_by_app();
    for (i, e) in trace.events.iter().enumerate() {
        let read = matches!(e.kind, EventKind::Notified { notice: Notice::EndOfStream | Notice::Data { .. } });
        if let Some(c) = e.conn.filter(|c| read && closed[c.index()].is_some_and(|at| at < i)) {
            return Err(format!("event {i}: connection {} is read after its application closed it", c.index()));
        }
    }
    Ok(())
}

fn in_sequence_order(trace: &Trace) -> Result<(), String> {
    // Per connection: where the next new segment must start (set by its SYN).
    let mut next: BTreeMap<ConnId, SeqNum> = BTreeMap::new();
    // When each connection's keep-alive timer fired: a probe sent then may carry one garbage
    // octet at SND.NXT-1 (RFC 1122 §4.2.3.6), below where new data starts.
    let mut keepalive: BTreeSet<(ConnId, Instant)> = BTreeSet::new();
    for e in &trace.events {
        if let (EventKind::TimerFired { timer: tcp_core::Timer::Keepalive, .. }, Some(conn)) = (&e.kind, e.conn) {
            keepalive.insert((conn, e.at));
        }
    }
    for (i, s) in trace.segments.iter().enumerate() {
        let Some(conn) = s.conn else { continue };
        let flags = s.repr.flags;
        if s.retransmission || s.duplicate_of.is_some() || flags.contains(Flags::RST) {
            continue;
        }
        let len = s.repr.segment_len(s.payload.len());
        if flags.contains(Flags::SYN) {
            next.insert(conn, s.repr.seq + len);
            continue;
        }
        let Some(&expected) = next.get(&conn) else { continue };
        let probe = len == 1 && s.repr.seq + 1 == expected && keepalive.contains(&(conn, s.sent_at));
        if len > 0 && !probe {
            if s.repr.seq != expected {
                return Err(format!(
                    "segment {i} ({}) starts at seq {}, but connection {conn}'s previous segment ended at {}",
                    trace.label(SegId(i), false),
                    s.repr.seq.0,
                    expected.0
                ));
            }
            next.insert(conn, expected + len);
        } else if s.repr.seq > expected {
            return Err(format!(
                "pure ACK {i} at seq {} is ahead of what connection {conn} sent ({})",
                s.repr.seq.0, expected.0
            ));
        }
    }
    Ok(())
}

fn no_ack_storm(scenario: &Scenario, trace: &Trace) -> Result<(), String> {
    // Per connection: the times it answered an unacceptable pure ACK.
    let mut answers: BTreeMap<ConnId, Vec<Instant>> = BTreeMap::new();
    for e in &trace.events {
        let (EventKind::Rejected { segment: Some(seg), reply: Reply::Ack | Reply::ChallengeAck, .. }, Some(conn)) =
            (&e.kind, e.conn)
        else {
            continue;
        };
        let s = &trace.segments[*seg];
        if s.repr.flags == Flags::ACK && s.payload.is_empty() {
            answers.entry(conn).or_default().push(e.at);
        }
    }
    for (conn, times) in answers {
        let host = &scenario.hosts[trace.conns[conn].host.index()];
        let Some(limit) = scenario.config_for(host).invalid_ack_limit else { continue };
        // The throttle counts in intervals that start at an answer, so any window of its length
        // holds at most twice its count.
        let most = 2 * usize::from(limit.count);
        for (k, start) in times.iter().enumerate() {
            let end = *start + limit.interval;
            let within = times[k..].iter().take_while(|t| **t < end).count();
            if within > most {
                return Err(format!(
                    "connection {conn} answered {within} pure ACKs with ACKs from {start} on, within {:?} (limit {} per interval)",
                    limit.interval, limit.count
                ));
            }
        }
    }
    Ok(())
}
