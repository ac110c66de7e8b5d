//! Where two runs part: the first thing a reader would see differ between two traces of one
//! experiment and a variant of it (another profile, another setting, a fault more or less,
//! another seed).
//!
//! [`divergence`] compares what the diagram draws and the narration tells, in two sequences:
//! - **the segments, in sending order** (`trace.segments` is that order): the `i`-th segment of
//!   one run against the `i`-th of the other, by what its arrow says: its sender and receiver
//!   (by host name), its flags as the label shows them (without PSH, ECE and CWR), its relative
//!   sequence and acknowledgment numbers ([`Trace::relative`]), its payload's length, when it
//!   left, and its fate (lost, or arrived and when). A segment one run has and the other lacks
//!   counts too;
//! - **the state changes, in time order**: the `k`-th change of one run against the `k`-th of
//!   the other, by host name, the states left and entered, and when. This is how two runs part
//!   before any segment differs: a TIME_WAIT of another length, a host that gives up sooner.
//!
//! The earlier of the first difference of each sequence is the divergence (a segment's, when
//! both are at the same instant: an arrow is what the reader sees first). Timers armed and
//! stopped, application calls and notices are not compared: a timer that matters shows as a
//! segment or a state change when it fires. Numbers are relative, so two seeds that only draw
//! other ISNs do not part. When both sequences agree, two runs that end at other times (or one
//! cut short) part at the earlier end; otherwise they do not part: `None`.
//!
//! The comparison is one pass over each trace's segments and events (`O(n)`), with no map.

use tcp_core::{Flags, Instant, State};

use crate::trace::{ConnId, EventKind, Fate, HostId, LossReason, SegId, Trace};

/// One of the two runs compared: the first (`a`) or the second (`b`) argument of [`divergence`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// The first run (`a`).
    First,
    /// The second run (`b`).
    Second,
}

impl Run {
    /// The other run.
    pub const fn other(self) -> Run {
        match self {
            Run::First => Run::Second,
            Run::Second => Run::First,
        }
    }
}

/// A segment's numbers as its label shows them: relative sequence and acknowledgment numbers
/// (`None` without ACK) and the payload's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Numbers {
    /// The sequence number, relative to its connection's ISN ([`Trace::relative`]).
    pub seq: u32,
    /// The acknowledgment number, relative, when the ACK flag is on.
    pub ack: Option<u32>,
    /// The payload's length in bytes.
    pub len: usize,
}

/// A connection's state change, as one run recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// The index of the `State` event in its trace's `events`.
    pub event: usize,
    /// When it happened.
    pub at: Instant,
    /// The host whose connection changed state.
    pub host: HostId,
    /// The connection.
    pub conn: Option<ConnId>,
    /// The state it left.
    pub from: State,
    /// The state it entered.
    pub to: State,
}

/// How the two runs differ where they part. `a` is the first run's, `b` the second's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    /// One run sends a segment where the other sends none: the other has no segment at that
    /// place in the sending order, or one that differs in more than its time and leaves later.
    OnlyInOne {
        /// The run that sends it.
        run: Run,
    },
    /// The same segment (same hosts, flags and numbers) leaves at another time.
    OtherTime {
        /// When it left in the first run.
        a: Instant,
        /// When it left in the second.
        b: Instant,
    },
    /// At the same instant, the runs' segments come from different hosts (or go to different
    /// ones).
    OtherSender {
        /// The first run's sender.
        a: HostId,
        /// The second run's sender.
        b: HostId,
    },
    /// At the same instant, the runs send segments with other flags.
    OtherFlags {
        /// The first run's flags, as the label shows them.
        a: Flags,
        /// The second run's.
        b: Flags,
    },
    /// At the same instant, the runs send segments with the same flags and other numbers.
    OtherNumbers {
        /// The first run's numbers.
        a: Numbers,
        /// The second run's.
        b: Numbers,
    },
    /// The same segment, sent at the same instant, is lost in one run and arrives in the other.
    LostInOne {
        /// The run that loses it.
        run: Run,
        /// Why it was lost there.
        reason: LossReason,
        /// When it arrived in the other run.
        arrived_at: Instant,
    },
    /// The same segment arrives in both, at other times.
    OtherArrival {
        /// When it arrived in the first run.
        a: Instant,
        /// When it arrived in the second.
        b: Instant,
    },
    /// The same segment is lost in both, for other reasons.
    OtherLoss {
        /// Why the first run lost it.
        a: LossReason,
        /// Why the second did.
        b: LossReason,
    },
    /// The segments agree so far, but a connection changes state otherwise: another change,
    /// the same at another time, or a change one run has and the other has not (`None`).
    OtherState {
        /// The first run's change there.
        a: Option<StateChange>,
        /// The second run's.
        b: Option<StateChange>,
    },
    /// Everything drawn agrees, but the runs end at other times (or one was cut short).
    OtherEnd {
        /// When the first run ended.
        a: Instant,
        /// When the second did.
        b: Instant,
    },
}

/// The first point where two runs part (see the module's documentation for what is compared).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// When: the earlier of the two runs' instants there (for a segment lost in one run, when
    /// it left, the same in both).
    pub at: Instant,
    /// The first run's segment there, `None` where it has none (a state change, a segment only
    /// the second run sends).
    pub a: Option<SegId>,
    /// The second run's segment there.
    pub b: Option<SegId>,
    /// How they differ.
    pub kind: Difference,
}

impl Divergence {
    /// The segment of `run` there, if it has one.
    pub fn segment(&self, run: Run) -> Option<SegId> {
        match run {
            Run::First => self.a,
            Run::Second => self.b,
        }
    }

    /// The index in `run`'s `trace.events` of what the divergence is in that run: the `Sent`
    /// event of its segment, or its state change; `None` where that run has nothing there.
    pub fn event(&self, trace: &Trace, run: Run) -> Option<usize> {
        if let Difference::OtherState { a, b } = self.kind {
            return match run {
                Run::First => a,
                Run::Second => b,
            }
            .map(|c| c.event);
        }
        let seg = self.segment(run)?;
        trace.events.iter().position(|e| matches!(e.kind, EventKind::Sent { segment } if segment == seg))
    }
}

/// The first point where runs `a` and `b` part, or `None` when a reader would see them alike
/// (see the module's documentation). `divergence(a, b)` and `divergence(b, a)` name the same
/// place, with the runs swapped.
pub fn divergence(a: &Trace, b: &Trace) -> Option<Divergence> {
    let by_segment = first_segment_difference(a, b);
    let by_state = first_state_difference(a, b);
    match (by_segment, by_state) {
        (Some(s), Some(c)) if c.at < s.at => Some(c),
        (Some(s), _) => Some(s),
        (None, Some(c)) => Some(c),
        (None, None) => {
            let ends_alike = a.end == b.end && a.truncated == b.truncated;
            (!ends_alike).then_some(Divergence {
                at: a.end.min(b.end),
                a: None,
                b: None,
                kind: Difference::OtherEnd { a: a.end, b: b.end },
            })
        }
    }
}

/// What the label of segment `i` shows of its flags.
fn shown_flags(trace: &Trace, i: SegId) -> Flags {
    trace.segments[i].repr.flags.without(Flags::PSH).without(Flags::ECE).without(Flags::CWR)
}

fn numbers(trace: &Trace, i: SegId) -> Numbers {
    let (seq, ack) = trace.relative(i);
    Numbers { seq, ack, len: trace.segments[i].payload.len() }
}

fn host_name(trace: &Trace, host: HostId) -> Option<&str> {
    trace.hosts.get(host.index()).map(|h| h.name.as_str())
}

/// The first pair of segments, in sending order, that a reader would see differ.
fn first_segment_difference(a: &Trace, b: &Trace) -> Option<Divergence> {
    let n = a.segments.len().max(b.segments.len());
    for k in 0..n {
        let i = SegId(k);
        let (sa, sb) = match (a.segments.get(k), b.segments.get(k)) {
            (Some(sa), Some(sb)) => (sa, sb),
            (Some(sa), None) => return Some(only_in(Run::First, sa.sent_at, i)),
            (None, Some(sb)) => return Some(only_in(Run::Second, sb.sent_at, i)),
            (None, None) => return None,
        };
        let same_hosts = host_name(a, sa.from) == host_name(b, sb.from)
            && sa.to.and_then(|h| host_name(a, h)) == sb.to.and_then(|h| host_name(b, h));
        let (fa, fb) = (shown_flags(a, i), shown_flags(b, i));
        let (na, nb) = (numbers(a, i), numbers(b, i));
        let same_segment = same_hosts && fa == fb && na == nb;
        let at = sa.sent_at.min(sb.sent_at);
        let both = |kind| Some(Divergence { at, a: Some(i), b: Some(i), kind });
        if sa.sent_at != sb.sent_at {
            if same_segment {
                return both(Difference::OtherTime { a: sa.sent_at, b: sb.sent_at });
            }
            let first = if sa.sent_at < sb.sent_at { Run::First } else { Run::Second };
            return Some(only_in(first, at, i));
        }
        if !same_hosts {
            return both(Difference::OtherSender { a: sa.from, b: sb.from });
        }
        if fa != fb {
            return both(Difference::OtherFlags { a: fa, b: fb });
        }
        if na != nb {
            return both(Difference::OtherNumbers { a: na, b: nb });
        }
        let kind = match (sa.fate, sb.fate) {
            (Fate::Lost { reason }, Fate::Delivered { at }) => {
                Difference::LostInOne { run: Run::First, reason, arrived_at: at }
            }
            (Fate::Delivered { at }, Fate::Lost { reason }) => {
                Difference::LostInOne { run: Run::Second, reason, arrived_at: at }
            }
            (Fate::Delivered { at: x }, Fate::Delivered { at: y }) if x != y => Difference::OtherArrival { a: x, b: y },
            (Fate::Lost { reason: x }, Fate::Lost { reason: y }) if x != y => Difference::OtherLoss { a: x, b: y },
            _ => continue,
        };
        return both(kind);
    }
    None
}

/// Segment `i` of `run` (sent `at`), which the other run does not send there.
fn only_in(run: Run, at: Instant, i: SegId) -> Divergence {
    let (a, b) = match run {
        Run::First => (Some(i), None),
        Run::Second => (None, Some(i)),
    };
    Divergence { at, a, b, kind: Difference::OnlyInOne { run } }
}

/// A trace's state changes, in time order.
fn state_changes(trace: &Trace) -> impl Iterator<Item = StateChange> + '_ {
    trace.events.iter().enumerate().filter_map(|(event, e)| match e.kind {
        EventKind::State { from, to, .. } => {
            Some(StateChange { event, at: e.at, host: e.host, conn: e.conn, from, to })
        }
        _ => None,
    })
}

/// The first pair of state changes, in time order, that differ (by host name, states, time).
fn first_state_difference(a: &Trace, b: &Trace) -> Option<Divergence> {
    let (mut ca, mut cb) = (state_changes(a), state_changes(b));
    loop {
        let (x, y) = (ca.next(), cb.next());
        let alike = match (x, y) {
            (None, None) => return None,
            (Some(x), Some(y)) => {
                x.at == y.at && x.from == y.from && x.to == y.to && host_name(a, x.host) == host_name(b, y.host)
            }
            _ => false,
        };
        if !alike {
            let at = match (x, y) {
                (Some(x), Some(y)) => x.at.min(y.at),
                (Some(c), None) | (None, Some(c)) => c.at,
                (None, None) => unreachable!("both ended above"),
            };
            return Some(Divergence { at, a: None, b: None, kind: Difference::OtherState { a: x, b: y } });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scenario, catalogue, simulate};
    use alloc::vec::Vec;

    fn scenario(name: &str) -> Scenario {
        catalogue::get(name).expect("entry").scenario().expect("scenario")
    }

    #[test]
    fn identical_runs_do_not_part() {
        for entry in catalogue::ENTRIES {
            let s = entry.scenario().expect("scenario");
            assert_eq!(divergence(&simulate(&s), &simulate(&s)), None, "{}", entry.name);
        }
    }

    #[test]
    fn the_lost_final_ack_parts_from_the_run_without_faults() {
        let with = scenario("lost-final-ack");
        let mut without = with.clone();
        without.faults.clear();
        let (a, b) = (simulate(&with), simulate(&without));
        let d = divergence(&a, &b).expect("they part");
        // The client's second bare ACK, the last of the close, is the one the fault drops.
        let dropped = a
            .segments
            .iter()
            .position(|s| matches!(s.fate, Fate::Lost { reason: LossReason::Fault }))
            .map(SegId)
            .expect("a dropped segment");
        assert_eq!((d.a, d.b), (Some(dropped), Some(dropped)));
        assert_eq!(d.at, a.segments[dropped].sent_at);
        assert_eq!(b.segments[dropped].sent_at, d.at);
        let arrived = b.segments[dropped].delivered_at().expect("arrives without the fault");
        assert_eq!(d.kind, Difference::LostInOne { run: Run::First, reason: LossReason::Fault, arrived_at: arrived });
        assert_eq!(host_name(&a, a.segments[dropped].from), Some("client"));
        assert_eq!(shown_flags(&a, dropped), Flags::ACK);
        // Everything before it is alike, in both orders of the runs.
        let swapped = divergence(&b, &a).expect("they part");
        assert_eq!(
            swapped.kind,
            Difference::LostInOne { run: Run::Second, reason: LossReason::Fault, arrived_at: arrived }
        );
        assert_eq!((swapped.at, swapped.a, swapped.b), (d.at, d.a, d.b));
        assert_eq!(d.event(&a, Run::First).map(|e| a.events[e].at), Some(d.at));
    }

    #[test]
    fn another_profile_parts_where_its_stack_first_differs() {
        let linux = scenario("handshake");
        for other in [tcp_core::config::Profile::Freebsd, tcp_core::config::Profile::Windows] {
            let mut variant = linux.clone();
            variant.profile = other;
            let (a, b) = (simulate(&linux), simulate(&variant));
            let d = divergence(&a, &b).expect("another stack parts somewhere");
            // Up to there, the segments are alike.
            let first_other = d.a.or(d.b).map_or(a.segments.len().min(b.segments.len()), |s| s.index());
            for k in 0..first_other {
                assert_eq!(a.segments[k].sent_at, b.segments[k].sent_at, "{other:?} segment {k}");
                assert_eq!(a.relative(SegId(k)), b.relative(SegId(k)), "{other:?} segment {k}");
            }
            assert!(d.at <= a.end.min(b.end), "{other:?}: {d:?}");
        }
    }

    #[test]
    fn another_seed_under_loss_parts_at_a_random_loss() {
        let mut lossy = scenario("handshake");
        lossy.link.loss = crate::scenario::Probability::new(0.3).expect("a probability");
        let runs: Vec<Trace> = (0..8)
            .map(|seed| {
                let mut s = lossy.clone();
                s.seed = seed;
                simulate(&s)
            })
            .collect();
        let mut parted = 0;
        for pair in runs.windows(2) {
            let Some(d) = divergence(&pair[0], &pair[1]) else { continue };
            parted += 1;
            // The first segment that differs is lost at random in one run, or is a segment the
            // other does not send because of an earlier random loss.
            if let Difference::LostInOne { reason, .. } = d.kind {
                assert_eq!(reason, LossReason::Random, "{d:?}");
            }
        }
        assert!(parted >= 4, "30 % loss, 8 seeds: most neighbours part ({parted})");
        // Without loss, another seed only draws other ISNs: relative numbers are alike.
        let plain = scenario("handshake");
        let mut reseeded = plain.clone();
        reseeded.seed = 99;
        assert_eq!(divergence(&simulate(&plain), &simulate(&reseeded)), None);
    }

    #[test]
    fn a_shorter_time_wait_parts_at_its_end() {
        // The same close with a TIME_WAIT of 1 s instead of Linux's 60 s: no segment differs,
        // the client leaves TIME_WAIT 59 s sooner.
        let long = scenario("handshake");
        let mut short = long.clone();
        short.tcp.msl_ms = Some(crate::scenario::Millis::new(500.0).expect("a duration"));
        let (a, b) = (simulate(&long), simulate(&short));
        let d = divergence(&a, &b).expect("they part");
        let Difference::OtherState { a: Some(x), b: Some(y) } = d.kind else { panic!("a state change: {d:?}") };
        assert_eq!((x.from, x.to, y.from, y.to), (State::TimeWait, State::Closed, State::TimeWait, State::Closed));
        assert!(y.at < x.at && d.at == y.at, "{d:?}");
        assert_eq!((d.a, d.b), (None, None));
    }

    #[test]
    fn a_lost_syn_and_a_missing_segment() {
        // lost-syn's client retransmits its SYN; with a handshake that never drops, the run
        // without the fault has the SYN-ACK where the other has nothing yet.
        let with = scenario("lost-syn");
        let mut without = with.clone();
        without.faults.clear();
        let d = divergence(&simulate(&with), &simulate(&without)).expect("they part");
        assert_eq!(
            d.kind,
            Difference::LostInOne {
                run: Run::First,
                reason: LossReason::Fault,
                arrived_at: simulate(&without).segments[0].delivered_at().expect("arrives"),
            }
        );
        // A run cut short after its first segments has none where the other goes on.
        let full = simulate(&without);
        let mut cut = full.clone();
        cut.segments.truncate(2);
        let d = divergence(&full, &cut).expect("they part");
        assert_eq!(d.kind, Difference::OnlyInOne { run: Run::First });
        assert_eq!((d.a, d.b, d.at), (Some(SegId(2)), None, full.segments[2].sent_at));
    }
}
