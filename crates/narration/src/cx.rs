//! The narration context: the trace, the language, the numbering, and the small look-ups every
//! topic needs (names, numbers, durations, states at a given event, "is this the first time").

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bilingual::Lang;
use core::net::Ipv4Addr;
use tcp_core::{Duration, Flags, Instant, State, Timer};
use tcp_sim::Trace;
use tcp_sim::trace::{AppCall, ConnId, EventKind, HostId, SegId, Segment, TraceEvent};

/// `bilingual::say!` in the narration's language: the English or the Chinese `format!`,
/// arguments captured from the caller's scope (`{who}`), so each sentence reads as written. A
/// build with one language only (the crate's features `en`, `zh`) keeps only that language's
/// sentences; both branches still compile, so every sentence is checked either way.
macro_rules! say {
    ($cx:expr, $en:literal, $zh:literal $(,)?) => {
        bilingual::say!($cx.lang, $en, $zh)
    };
}
pub(crate) use say;

/// Everything a narration function reads.
#[derive(Clone, Debug)]
pub(crate) struct Cx<'a> {
    /// The run being narrated; the indexes in episodes point into it.
    pub(crate) t: &'a Trace,
    /// The reader's language.
    pub(crate) lang: Lang,
    /// Relative (Wireshark-style) or absolute sequence numbers.
    pub(crate) relative: bool,
    /// Per segment, the event that sent it.
    sent_events: Vec<usize>,
    /// Where each connection's application closed it (`Trace::closed_by_app`).
    closed_by_app: Vec<Option<usize>>,
    /// Per connection, its state changes: (event, from, to), in event order.
    changes: Vec<Vec<(usize, State, State)>>,
    /// Every crash and reboot: (event, host, crashed), in event order.
    failures: Vec<(usize, HostId, bool)>,
    /// Every time an application stopped or started reading: (event, host, reads), in order.
    reading: Vec<(usize, HostId, bool)>,
    /// Every connection whose application shut down reading: (event, connection), in order.
    read_shut: Vec<(usize, ConnId)>,
}

impl<'a> Cx<'a> {
    /// The context of a narration of `t`: one pass over its events indexes what the look-ups
    /// below need, so that each costs O(log n), not a scan of a trace of tens of thousands of
    /// events (issue #10's big runs).
    pub(crate) fn new(t: &'a Trace, lang: Lang, relative: bool) -> Cx<'a> {
        let mut sent_events = alloc::vec![usize::MAX; t.segments.len()];
        let mut changes: Vec<Vec<(usize, State, State)>> = Vec::new();
        let (mut failures, mut reading, mut read_shut) = (Vec::new(), Vec::new(), Vec::new());
        for (i, e) in t.events.iter().enumerate() {
            match (&e.kind, e.conn) {
                (EventKind::App { call: call @ (AppCall::StopReading | AppCall::StartReading), .. }, _) => {
                    reading.push((i, e.host, *call == AppCall::StartReading));
                }
                (EventKind::App { call: AppCall::ShutdownRead { .. }, error: None }, Some(c)) => read_shut.push((i, c)),
                (EventKind::App { call: call @ (AppCall::Crash | AppCall::Reboot), error: None }, _) => {
                    failures.push((i, e.host, *call == AppCall::Crash));
                }
                (&EventKind::Sent { segment }, _) => {
                    if let Some(slot) = sent_events.get_mut(segment.index()) {
                        *slot = (*slot).min(i);
                    }
                }
                (&EventKind::State { from, to, .. }, Some(c)) => {
                    let c = c.index();
                    if changes.len() <= c {
                        changes.resize_with(c + 1, Vec::new);
                    }
                    changes[c].push((i, from, to));
                }
                _ => {}
            }
        }
        let closed_by_app = t.closed_by_app();
        Cx { t, lang, relative, sent_events, changes, failures, reading, read_shut, closed_by_app }
    }

    /// Whether `host`'s application had stopped reading at event `ev`.
    pub(crate) fn not_reading(&self, host: HostId, ev: usize) -> bool {
        let before = &self.reading[..self.reading.partition_point(|&(i, _, _)| i < ev)];
        before.iter().rev().find(|&&(_, h, _)| h == host).is_some_and(|&(_, _, reads)| !reads)
    }

    /// Whether the application of `conn` had shut down reading it at event `ev`.
    pub(crate) fn read_shut(&self, conn: ConnId, ev: usize) -> bool {
        self.read_shut.iter().take_while(|&&(i, _)| i < ev).any(|&(_, c)| c == conn)
    }

    /// When `host` last crashed at or before `at`, if it did.
    pub(crate) fn crashed_by(&self, host: HostId, at: Instant) -> Option<Instant> {
        let crashes = self.failures.iter().filter(|&&(_, h, crashed)| h == host && crashed);
        crashes.map(|&(i, _, _)| self.t.events[i].at).take_while(|&t| t <= at).last()
    }

    /// When `conn` first changed state (it opened), if it did.
    pub(crate) fn opened_at(&self, conn: ConnId) -> Option<Instant> {
        let &(i, _, _) = self.changes.get(conn.index())?.first()?;
        Some(self.t.events[i].at)
    }

    /// When `host` last lost its connections' state before event `ev`: its last crash, or a
    /// reboot while it was up.
    pub(crate) fn state_lost_at(&self, host: HostId, ev: usize) -> Option<Instant> {
        let before = &self.failures[..self.failures.partition_point(|&(i, _, _)| i < ev)];
        let (mut lost, mut down) = (None, false);
        for &(i, _, crashed) in before.iter().filter(|&&(_, h, _)| h == host) {
            if crashed || !down {
                lost = Some(self.t.events[i].at);
            }
            down = crashed;
        }
        lost
    }

    /// `host`'s last crash or reboot before event `ev`: when, and whether it was a crash.
    pub(crate) fn last_failure(&self, host: HostId, ev: usize) -> Option<(Instant, bool)> {
        let before = &self.failures[..self.failures.partition_point(|&(i, _, _)| i < ev)];
        before.iter().rev().find(|&&(_, h, _)| h == host).map(|&(i, _, crashed)| (self.t.events[i].at, crashed))
    }

    /// `conn`'s state changes before event `ev`.
    fn changes_before(&self, conn: ConnId, ev: usize) -> &[(usize, State, State)] {
        let all = self.changes.get(conn.index()).map_or(&[][..], Vec::as_slice);
        &all[..all.partition_point(|&(i, _, _)| i < ev)]
    }

    /// Whether to write English: the reader's language, unless this build has only one.
    pub(crate) fn en(&self) -> bool {
        self.lang.is_en()
    }

    /// One of two fixed texts.
    pub(crate) fn pick(&self, en: &'static str, zh: &'static str) -> &'static str {
        bilingual::pick(self.lang, en, zh)
    }

    // ----- names -------------------------------------------------------------------------

    /// A host as the subject or object of a sentence: `the client`, `A`, `客户端`.
    pub(crate) fn host(&self, h: HostId) -> String {
        let name = self.t.hosts.get(h.index()).map_or("?", |h| h.name.as_str());
        match (self.en(), name) {
            (true, "client" | "server" | "attacker") => format!("the {name}"),
            (false, "client") => "客户端".into(),
            (false, "server") => "服务器".into(),
            (false, "attacker") => "攻击者".into(),
            _ => name.into(),
        }
    }

    /// [`Cx::host`] at the start of a sentence.
    pub(crate) fn cap(&self, h: HostId) -> String {
        capitalize(self.host(h))
    }

    /// The host with this address, or the bare address (a forged source).
    pub(crate) fn addr(&self, a: Ipv4Addr) -> String {
        match self.t.hosts.iter().position(|h| h.addr == a) {
            Some(h) => self.host(HostId(h)),
            None => a.to_string(),
        }
    }

    /// The receiver of a segment, named.
    pub(crate) fn dst_name(&self, seg: SegId) -> String {
        self.addr(*self.seg(seg).dst.ip())
    }

    /// The sender of a segment, named (for a forged one, whom it claims to come from: the
    /// host with that address, or the bare address).
    pub(crate) fn src_name(&self, seg: SegId) -> String {
        let s = self.seg(seg);
        if s.forged { self.addr(*s.src.ip()) } else { self.host(s.from) }
    }

    /// The peer of a connection endpoint, named.
    pub(crate) fn remote_name(&self, conn: ConnId) -> String {
        self.addr(*self.t.conns[conn].remote.ip())
    }

    /// The state as `netstat` and `ss` spell it, which most articles use.
    pub(crate) fn st(s: State) -> &'static str {
        s.netstat_name()
    }

    // ----- segments and numbers ----------------------------------------------------------

    pub(crate) fn seg(&self, i: SegId) -> &'a Segment {
        &self.t.segments[i]
    }

    /// `SYN, ACK seq=0 ack=1`, in the reader's numbering.
    pub(crate) fn label(&self, i: SegId) -> String {
        self.t.label(i, self.relative)
    }

    /// Sequence number in the reader's numbering.
    pub(crate) fn seq(&self, i: SegId) -> u32 {
        if self.relative { self.t.relative(i).0 } else { self.seg(i).repr.seq.0 }
    }

    /// Acknowledgment number in the reader's numbering (0 without the ACK flag).
    pub(crate) fn ack(&self, i: SegId) -> u32 {
        if self.relative { self.t.relative(i).1.unwrap_or(0) } else { self.seg(i).repr.ack.0 }
    }

    pub(crate) fn has(&self, i: SegId, f: Flags) -> bool {
        self.seg(i).repr.flags.contains(f)
    }

    /// A bare acknowledgment: ACK and nothing else that takes sequence space.
    pub(crate) fn pure_ack(&self, i: SegId) -> bool {
        let s = self.seg(i);
        let f = s.repr.flags;
        f.contains(Flags::ACK)
            && !f.contains(Flags::SYN)
            && !f.contains(Flags::FIN)
            && !f.contains(Flags::RST)
            && s.payload.is_empty()
    }

    // ----- time ----------------------------------------------------------------------------

    /// `1 s`, `1.76 s`, `220 ms`, `402.5 ms` / `1 秒`, `220 毫秒` ([`bilingual::duration`]).
    pub(crate) fn dur(&self, d: Duration) -> String {
        bilingual::duration(self.lang, u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }

    /// [`Cx::dur`] between two instants.
    pub(crate) fn span(&self, from: Instant, to: Instant) -> String {
        self.dur(to - from)
    }

    // ----- history -------------------------------------------------------------------------

    pub(crate) fn ev(&self, i: usize) -> &'a TraceEvent {
        &self.t.events[i]
    }

    /// Whether some event before `ev` satisfies `pred`.
    pub(crate) fn earlier(&self, ev: usize, pred: impl Fn(&TraceEvent) -> bool) -> bool {
        self.t.events[..ev.min(self.t.events.len())].iter().any(pred)
    }

    /// Whether a stale SYN opened connection `conn`: the peer's SYN it synchronized with is an
    /// injected old duplicate, so the peer never asked for this connection (a ghost).
    pub(crate) fn opened_by_stale_syn(&self, conn: ConnId) -> bool {
        let sync = self.t.conns[conn].synchronized;
        sync.and_then(|s| s.peer_syn).is_some_and(|syn| self.seg(syn).injected)
    }

    /// Whether the application closed connection `conn` (close(), not shutdown()) before `ev`:
    /// it reads nothing more and is told nothing more of it.
    pub(crate) fn app_closed(&self, conn: Option<ConnId>, ev: usize) -> bool {
        conn.and_then(|c| self.closed_by_app.get(c.index()).copied().flatten()).is_some_and(|at| at < ev)
    }

    /// Whether a state change `from -> to` happened anywhere before `ev`.
    pub(crate) fn seen_change(&self, ev: usize, from: State, to: State) -> bool {
        self.earlier(ev, |e| matches!(e.kind, EventKind::State { from: f, to: t, .. } if f == from && t == to))
    }

    /// Whether any connection entered `to` before `ev`.
    pub(crate) fn seen_state(&self, ev: usize, to: State) -> bool {
        self.earlier(ev, |e| matches!(e.kind, EventKind::State { to: t, .. } if t == to))
    }

    /// Whether a segment satisfying `pred` was sent before event `ev`.
    pub(crate) fn seen_sent(&self, ev: usize, pred: impl Fn(&Segment) -> bool) -> bool {
        self.earlier(ev, |e| matches!(e.kind, EventKind::Sent { segment } if pred(&self.t.segments[segment])))
    }

    /// The state of `conn` just before event `ev`; `None` before its first state change.
    pub(crate) fn state_before(&self, conn: ConnId, ev: usize) -> Option<State> {
        self.changes_before(conn, ev).last().map(|&(_, _, to)| to)
    }

    /// The connection's state history before `ev`, oldest first, as (from, to) pairs.
    pub(crate) fn history(&self, conn: ConnId, ev: usize) -> Vec<(State, State)> {
        self.changes_before(conn, ev).iter().map(|&(_, from, to)| (from, to)).collect()
    }

    /// Whether `host` called listen() before `ev`.
    pub(crate) fn listening(&self, host: HostId, ev: usize) -> bool {
        self.earlier(ev, |e| e.host == host && matches!(e.kind, EventKind::App { call: AppCall::Listen { .. }, .. }))
    }

    /// Half-open connections (SYN_RECV) of `host` just before `ev`.
    pub(crate) fn half_open(&self, host: HostId, ev: usize) -> usize {
        let mut states: Vec<(ConnId, State)> = Vec::new();
        for e in &self.t.events[..ev.min(self.t.events.len())] {
            if let (Some(c), EventKind::State { to, .. }) = (e.conn, &e.kind)
                && e.host == host
            {
                match states.iter_mut().find(|(k, _)| *k == c) {
                    Some(slot) => slot.1 = *to,
                    None => states.push((c, *to)),
                }
            }
        }
        states.iter().filter(|(_, s)| *s == State::SynReceived).count()
    }

    /// The event that sent segment `seg`.
    pub(crate) fn sent_event(&self, seg: SegId) -> Option<usize> {
        self.sent_events.get(seg.index()).copied().filter(|&i| i != usize::MAX)
    }

    /// Whether `seg` left because its sender's timer fired (a retransmission on timeout), not in
    /// answer to a segment that arrived: the nearer of the two, among the events of its sender
    /// at the instant it left.
    pub(crate) fn sent_on_timeout(&self, seg: SegId) -> bool {
        self.sent_because(seg) == Some(Trigger::Timer)
    }

    /// The segment `seg` answers: the one that reached its sender at the instant it left, when
    /// that is nearer than a timer of the sender's firing then (see [`Cx::sent_on_timeout`]).
    pub(crate) fn answered(&self, seg: SegId) -> Option<SegId> {
        match self.sent_because(seg)? {
            Trigger::Segment(s) => Some(s),
            Trigger::Timer => None,
        }
    }

    /// What set `seg` off: the nearer, among its sender's events at the instant it left, of a
    /// timer firing and a segment arriving.
    fn sent_because(&self, seg: SegId) -> Option<Trigger> {
        let ev = self.sent_event(seg)?;
        let sent = self.ev(ev);
        self.t.events[..ev].iter().rev().take_while(|e| e.at == sent.at && e.host == sent.host).find_map(|e| {
            match e.kind {
                EventKind::TimerFired { .. } => Some(Trigger::Timer),
                EventKind::Delivered { segment } => Some(Trigger::Segment(segment)),
                _ => None,
            }
        })
    }

    /// Which keep-alive probe `seg` is (1 for the first after the idle time), if it is one: its
    /// sender's keep-alive timer fired at the instant it left, on its connection.
    pub(crate) fn keepalive_probe(&self, seg: SegId) -> Option<u8> {
        let s = self.seg(seg);
        let (conn, at) = (s.conn?, s.sent_at);
        if s.repr.flags.contains(Flags::RST) {
            return None;
        }
        let sent = self.sent_event(seg)?;
        self.t.events[..sent].iter().rev().take_while(|e| e.at == at).find_map(|e| match e.kind {
            EventKind::TimerFired { timer: Timer::Keepalive, backoff } if e.conn == Some(conn) => Some(backoff + 1),
            _ => None,
        })
    }

    /// Whether `seg` is a zero-window probe: its sender's persist timer fired at the instant it
    /// left, on its connection.
    pub(crate) fn window_probe(&self, seg: SegId) -> bool {
        let s = self.seg(seg);
        let (Some(conn), Some(sent)) = (s.conn, self.sent_event(seg)) else { return false };
        self.t.events[..sent]
            .iter()
            .rev()
            .take_while(|e| e.at == s.sent_at)
            .any(|e| e.conn == Some(conn) && matches!(e.kind, EventKind::TimerFired { timer: Timer::Persist, .. }))
    }

    /// The keep-alive probe `seg` answers, if it is the reply to one: the segment its sender
    /// rejected just before sending it.
    pub(crate) fn answers_keepalive(&self, seg: SegId) -> Option<SegId> {
        let sent = self.sent_event(seg)?;
        let at = self.seg(seg).sent_at;
        self.t.events[..sent].iter().rev().take_while(|e| e.at == at).find_map(|e| match e.kind {
            EventKind::Rejected { segment: Some(probe), .. } => self.keepalive_probe(probe).map(|_| probe),
            _ => None,
        })
    }

    /// The sender's state when it sent `seg`.
    pub(crate) fn sender_state(&self, seg: SegId) -> Option<State> {
        let conn = self.seg(seg).conn?;
        self.state_before(conn, self.sent_event(seg)?)
    }

    /// The latest `timer` armed on `conn` at or before `ev`: (when, when it was due: its
    /// timeout later, backoff). On a timer wheel it fires later than it was due.
    pub(crate) fn last_armed(&self, conn: ConnId, timer: Timer, ev: usize) -> Option<(Instant, Instant, u8)> {
        self.t.events[..=ev.min(self.t.events.len().saturating_sub(1))].iter().rev().find_map(|e| match e.kind {
            EventKind::TimerArmed { timer: t, timeout, backoff, .. } if e.conn == Some(conn) && t == timer => {
                Some((e.at, e.at + timeout, backoff))
            }
            _ => None,
        })
    }

    /// Every timeout `timer` was armed with on `conn` up to `ev`, since its last cancellation.
    pub(crate) fn backoff_series(&self, conn: ConnId, timer: Timer, ev: usize) -> Vec<Duration> {
        let mut out = Vec::new();
        for e in self.t.events[..=ev.min(self.t.events.len().saturating_sub(1))].iter() {
            if e.conn != Some(conn) {
                continue;
            }
            match e.kind {
                EventKind::TimerArmed { timer: t, timeout, backoff, .. } if t == timer => {
                    if backoff == 0 {
                        out.clear();
                    }
                    out.push(timeout);
                }
                EventKind::TimerCancelled { timer: t } if t == timer => out.clear(),
                _ => {}
            }
        }
        out
    }

    /// `1 s → 2 s → 4 s`.
    pub(crate) fn series_text(&self, series: &[Duration]) -> String {
        let parts: Vec<String> = series.iter().map(|d| self.dur(*d)).collect();
        parts.join(" → ")
    }

    /// Whether some connection of the trace was opened by the broken two-way handshake.
    pub(crate) fn two_way(&self) -> bool {
        self.t
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::State { from: State::Listen, to: State::Established, .. }))
    }
}

/// `the client` → `The client`.
pub(crate) fn capitalize(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() => {
            let mut out = String::with_capacity(s.len());
            out.push(c.to_ascii_uppercase());
            out.push_str(chars.as_str());
            out
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let t = Trace::default();
        let en = Cx::new(&t, Lang::En, true);
        let zh = Cx::new(&t, Lang::Zh, true);
        assert_eq!(en.dur(Duration::from_secs(1)), "1 s");
        assert_eq!(en.dur(Duration::from_millis(220)), "220 ms");
        assert_eq!(en.dur(Duration::from_micros(202_500)), "202.5 ms");
        assert_eq!(en.dur(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(zh.dur(Duration::from_secs(60)), "60 秒");
        assert_eq!(zh.dur(Duration::from_millis(40)), "40 毫秒");
    }

    #[test]
    fn capitals() {
        assert_eq!(capitalize("the client".into()), "The client");
        assert_eq!(capitalize("A".into()), "A");
        assert_eq!(capitalize("客户端".into()), "客户端");
        assert_eq!(capitalize(String::new()), "");
    }
}

/// What made a host send a segment ([`Cx::sent_on_timeout`], [`Cx::answered`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    Timer,
    Segment(SegId),
}
