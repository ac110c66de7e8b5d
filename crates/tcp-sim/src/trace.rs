//! The trace: every event of a run, timestamped in microseconds. Everything the diagram, the
//! narration and the exports show is read from here.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};
use core::net::SocketAddrV4;
use serde::{Deserialize, Serialize};
use tcp_core::event::{Cause, CloseReason, DropReason, Reply, Timer};
use tcp_core::index::{Index, addr_key};
use tcp_core::{Flags, Instant, SeqNum, State, TcpRepr};

use crate::scenario::SegmentKind;

/// One host of the run (a lifeline in the diagram).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    /// Its name.
    pub name: String,
    /// Its address.
    pub addr: core::net::Ipv4Addr,
    /// It only sends forged SYNs.
    pub attacker: bool,
}

/// One connection endpoint: a host's socket for one 4-tuple.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnInfo {
    /// The host it lives on.
    pub host: usize,
    /// Our end.
    pub local: SocketAddrV4,
    /// The peer's end.
    pub remote: SocketAddrV4,
}

/// Why a segment never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossReason {
    /// Random loss on the link.
    Random,
    /// A fault chose it.
    Fault,
    /// Its destination address belongs to no host (a forged source).
    NoSuchHost,
    /// It was still in flight when the simulation ended.
    InFlight,
}

/// What became of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fate {
    /// It arrived.
    Delivered {
        /// When.
        at: Instant,
    },
    /// It was lost.
    Lost {
        /// Why.
        reason: LossReason,
    },
}

/// A segment as it went on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Sending host.
    pub from: usize,
    /// Receiving host, if the address exists.
    pub to: Option<usize>,
    /// Sending connection, if any (resets from a closed port and injected segments have none).
    pub conn: Option<usize>,
    /// Source address.
    pub src: SocketAddrV4,
    /// Destination address.
    pub dst: SocketAddrV4,
    /// When it left.
    pub sent_at: Instant,
    /// What became of it.
    pub fate: Fate,
    /// The header.
    pub repr: TcpRepr,
    /// The payload.
    pub payload: Vec<u8>,
    /// It repeats something sent before.
    pub retransmission: bool,
    /// A copy the network made of this earlier segment.
    pub duplicate_of: Option<usize>,
    /// Made by hand by the scenario (an old duplicate from an earlier connection, say).
    pub injected: bool,
    /// Sent by an attacker from a forged source address.
    pub forged: bool,
    /// A fault delayed it by this many microseconds.
    pub extra_delay_us: u64,
}

impl Segment {
    /// The kind a fault would select it by.
    pub fn kind(&self) -> SegmentKind {
        SegmentKind::of(self.repr.flags, self.payload.len())
    }
    /// When it arrived, if it did.
    pub fn delivered_at(&self) -> Option<Instant> {
        match self.fate {
            Fate::Delivered { at } => Some(at),
            Fate::Lost { .. } => None,
        }
    }
}

/// What the application did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppCall {
    /// listen() on a port.
    Listen {
        /// The port.
        port: u16,
    },
    /// connect() to an address.
    Connect {
        /// The destination.
        to: SocketAddrV4,
    },
    /// send() of bytes.
    Send {
        /// Bytes handed to TCP.
        bytes: usize,
    },
    /// shutdown(SHUT_WR).
    Shutdown,
    /// close().
    Close,
    /// Abort (RST).
    Abort,
    /// accept() returned a connection.
    Accept,
    /// A segment made by hand.
    Inject,
}

/// What the application was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// connect() returned: the connection is open.
    Connected,
    /// Bytes were read.
    Data {
        /// How many.
        bytes: usize,
    },
    /// read() returned 0: the peer closed its direction.
    EndOfStream,
    /// The connection ended.
    Closed {
        /// How.
        reason: CloseReason,
    },
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// A segment left (index into `segments`).
    Sent {
        /// Segment index.
        segment: usize,
    },
    /// A segment arrived.
    Delivered {
        /// Segment index.
        segment: usize,
    },
    /// A segment was lost on the way (drawn where it was sent).
    Lost {
        /// Segment index.
        segment: usize,
        /// Why.
        reason: LossReason,
    },
    /// A connection changed state.
    State {
        /// From.
        from: State,
        /// To.
        to: State,
        /// Why.
        cause: Cause,
    },
    /// A timer was started.
    TimerArmed {
        /// Which.
        timer: Timer,
        /// When it will fire.
        deadline: Instant,
        /// Retransmissions so far.
        backoff: u8,
    },
    /// A timer was stopped.
    TimerCancelled {
        /// Which.
        timer: Timer,
    },
    /// A timer fired.
    TimerFired {
        /// Which.
        timer: Timer,
        /// Retransmissions so far.
        backoff: u8,
    },
    /// An arriving segment was rejected.
    Rejected {
        /// The segment, when known.
        segment: Option<usize>,
        /// Why.
        reason: DropReason,
        /// What was answered.
        reply: Reply,
    },
    /// The application called TCP.
    App {
        /// The call.
        call: AppCall,
        /// The error it got, if any.
        error: Option<String>,
    },
    /// TCP told the application something.
    Notified {
        /// What.
        notice: Notice,
    },
}

/// One event: when, where, what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// When.
    pub at: Instant,
    /// On which host.
    pub host: usize,
    /// For which connection, if one.
    pub conn: Option<usize>,
    /// What.
    pub kind: EventKind,
}

/// Why a run stopped before everything was quiet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Truncation {
    /// The scenario's `until_ms` (by default one hour of simulated time) came first.
    TimeLimit {
        /// The time limit.
        until: Instant,
    },
    /// The next segment would have exceeded the work budget ([`crate::Limits::segments`]).
    Segments {
        /// The limit.
        limit: usize,
    },
    /// The next connection would have exceeded the work budget ([`crate::Limits::connections`]).
    Connections {
        /// The limit.
        limit: usize,
    },
    /// The next event would have exceeded the work budget ([`crate::Limits::events`]).
    Events {
        /// The limit.
        limit: usize,
    },
    /// The next step would have exceeded the work budget ([`crate::Limits::steps`]).
    Steps {
        /// The limit.
        limit: usize,
    },
    /// A packetdrill script stopped the run at `line` (a segment that differs from the script's,
    /// or a line tcp-core cannot express); `reason` is the runner's message, in English.
    Script {
        /// The script's line.
        line: u32,
        /// What happened there.
        reason: String,
    },
}

impl fmt::Display for Truncation {
    /// English, for the text trace; the diagram's captions are in `seqdiag::text::truncated`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Truncation::TimeLimit { until } => write!(f, "reached the time limit of {until}"),
            Truncation::Segments { limit } => write!(f, "reached the limit of {limit} segments"),
            Truncation::Connections { limit } => write!(f, "reached the limit of {limit} connections"),
            Truncation::Events { limit } => write!(f, "reached the limit of {limit} events"),
            Truncation::Steps { limit } => write!(f, "reached the limit of {limit} simulation steps"),
            Truncation::Script { line, reason } => write!(f, "the script stopped at line {line}: {reason}"),
        }
    }
}

/// Each (sender, receiver) pair's SYNs, `(segment index, sequence number)` in the order sent:
/// where [`Trace::relative`] finds ISNs without walking the whole trace. Filled by
/// [`Trace::index_syns`] (the simulator calls it), never serialized, and never part of a trace's
/// equality: it only repeats what `segments` says.
#[derive(Clone, Debug, Default)]
pub struct SynIndex {
    /// How many segments it covers; a trace with more segments is read without it.
    covers: usize,
    /// (sender, receiver) packed ([`pair_key`]) → position in `lists`.
    pairs: Index,
    lists: Vec<Vec<(usize, SeqNum)>>,
}

/// A (sender, receiver) pair as one index key.
fn pair_key(from: SocketAddrV4, to: SocketAddrV4) -> u128 {
    (u128::from(addr_key(from)) << 48) | u128::from(addr_key(to))
}

impl PartialEq for SynIndex {
    fn eq(&self, _: &SynIndex) -> bool {
        true
    }
}

/// Everything that happened in one run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The hosts, in scenario order.
    pub hosts: Vec<HostInfo>,
    /// Every connection endpoint that existed.
    pub conns: Vec<ConnInfo>,
    /// Every segment sent, in the order sent.
    pub segments: Vec<Segment>,
    /// Every event, in time order.
    pub events: Vec<TraceEvent>,
    /// When the run ended.
    pub end: Instant,
    /// Why the run stopped before everything was quiet, if it did.
    pub truncated: Option<Truncation>,
    /// The SYNs by endpoint pair, for [`Trace::relative`].
    #[serde(skip)]
    pub syn_index: SynIndex,
}

impl Trace {
    /// The ISN that `endpoint` used for the connection a number belongs to: among the SYNs that
    /// endpoint sent to `peer` up to segment `upto`, the one `value` lies closest above. This
    /// tells incarnations of one 4-tuple apart (an old duplicate SYN and the real one).
    fn isn_of(&self, endpoint: SocketAddrV4, peer: SocketAddrV4, upto: usize, value: SeqNum) -> Option<SeqNum> {
        if self.syn_index.covers == self.segments.len() {
            let at = self.syn_index.pairs.get(pair_key(endpoint, peer))?;
            let syns = self.syn_index.lists.get(usize::try_from(at).ok()?)?;
            let sent = syns.partition_point(|(i, _)| *i <= upto);
            return syns[..sent].iter().map(|(_, isn)| *isn).min_by_key(|isn| value - *isn);
        }
        self.segments[..=upto]
            .iter()
            .filter(|s| s.src == endpoint && s.dst == peer && s.repr.flags.contains(Flags::SYN))
            .map(|s| s.repr.seq)
            .min_by_key(|isn| value - *isn)
    }

    /// Indexes the SYNs so that [`Trace::relative`] costs O(SYNs of one endpoint pair) instead of
    /// O(segments). Call it again after adding segments (until then the trace is read without it).
    pub fn index_syns(&mut self) {
        let (mut pairs, mut lists) = (Index::new(), Vec::<Vec<(usize, SeqNum)>>::new());
        for (i, s) in self.segments.iter().enumerate().filter(|(_, s)| s.repr.flags.contains(Flags::SYN)) {
            let key = pair_key(s.src, s.dst);
            let at = pairs.get(key).unwrap_or_else(|| {
                lists.push(Vec::new());
                let at = (lists.len() - 1) as u64;
                pairs.insert(key, at);
                at
            });
            lists[at as usize].push((i, s.repr.seq));
        }
        self.syn_index = SynIndex { covers: self.segments.len(), pairs, lists };
    }

    /// Sequence and acknowledgment numbers relative to each side's ISN, as Wireshark shows them.
    /// `None` for the acknowledgment when the ACK flag is off. Numbers stay absolute where no SYN
    /// of that side was seen (a forged or injected segment).
    pub fn relative(&self, index: usize) -> (u32, Option<u32>) {
        let s = &self.segments[index];
        let seq = match self.isn_of(s.src, s.dst, index, s.repr.seq) {
            Some(isn) => s.repr.seq - isn,
            None => s.repr.seq.0,
        };
        let ack = s.repr.flags.contains(Flags::ACK).then(|| match self.isn_of(s.dst, s.src, index, s.repr.ack) {
            Some(isn) => s.repr.ack - isn,
            None => s.repr.ack.0,
        });
        (seq, ack)
    }

    /// Final state of each connection.
    pub fn final_states(&self) -> Vec<State> {
        let mut states = alloc::vec![State::Closed; self.conns.len()];
        for e in &self.events {
            if let (Some(c), EventKind::State { to, .. }) = (e.conn, &e.kind) {
                states[c] = *to;
            }
        }
        states
    }

    /// What each connection's application was last told about how it ended.
    pub fn close_reasons(&self) -> Vec<Option<CloseReason>> {
        let mut reasons = alloc::vec![None; self.conns.len()];
        for e in &self.events {
            if let (Some(c), EventKind::Notified { notice: Notice::Closed { reason } }) = (e.conn, &e.kind) {
                reasons[c] = Some(*reason);
            }
        }
        reasons
    }

    /// A one-line, textbook-style label: `SYN seq=0`, `SYN, ACK seq=0 ack=1`, `ACK seq=1 ack=1 len=5`.
    pub fn label(&self, index: usize, relative: bool) -> String {
        let s = &self.segments[index];
        let (seq, ack) = if relative {
            self.relative(index)
        } else {
            (s.repr.seq.0, s.repr.flags.contains(Flags::ACK).then_some(s.repr.ack.0))
        };
        let shown = s.repr.flags.without(Flags::PSH).without(Flags::ECE).without(Flags::CWR);
        let mut out = format!("{shown} seq={seq}");
        if let Some(ack) = ack {
            let _ = write!(out, " ack={ack}");
        }
        if !s.payload.is_empty() {
            let _ = write!(out, " len={}", s.payload.len());
        }
        out
    }

    /// The trace as text that reads like a textbook: one line per event.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            let host = escape_text(&self.hosts[e.host].name);
            let _ = write!(out, "{:>12}  {:<8} ", format!("{}", e.at), host);
            let _ = match &e.kind {
                EventKind::Sent { segment } => {
                    let s = &self.segments[*segment];
                    let to = s.to.map_or(Cow::Borrowed("(nobody)"), |t| escape_text(&self.hosts[t].name));
                    let mut notes = String::new();
                    if s.retransmission {
                        notes.push_str(" [retransmission]");
                    }
                    if s.injected {
                        notes.push_str(" [old duplicate]");
                    }
                    if s.forged {
                        notes.push_str(" [forged source]");
                    }
                    if s.duplicate_of.is_some() {
                        notes.push_str(" [network duplicate]");
                    }
                    writeln!(out, "-> {to}: {}  win={}{notes}", self.label(*segment, true), s.repr.window)
                }
                EventKind::Delivered { segment } => writeln!(out, "<- received {}", self.label(*segment, true)),
                EventKind::Lost { segment, reason } => {
                    writeln!(out, "xx lost {} ({})", self.label(*segment, true), loss_text(*reason))
                }
                EventKind::State { from, to, .. } => writeln!(out, "   {from:#} -> {to:#}"),
                EventKind::TimerArmed { timer, deadline, backoff } => {
                    let retry = if *backoff > 0 { format!(", retry {backoff}") } else { String::new() };
                    writeln!(out, "   timer {} set to fire at {deadline}{retry}", timer.label())
                }
                EventKind::TimerCancelled { timer } => writeln!(out, "   timer {} stopped", timer.label()),
                EventKind::TimerFired { timer, .. } => writeln!(out, "   timer {} fired", timer.label()),
                EventKind::Rejected { reason, reply: Reply::RateLimited, .. } => {
                    writeln!(out, "   rejected: {reason} (not sent: rate limit)")
                }
                EventKind::Rejected { reason, .. } => writeln!(out, "   rejected: {reason}"),
                EventKind::App { call, error } => {
                    let call = match call {
                        AppCall::Listen { port } => format!("listen(:{port})"),
                        AppCall::Connect { to } => format!("connect({to})"),
                        AppCall::Send { bytes } => format!("send({bytes} bytes)"),
                        AppCall::Shutdown => "shutdown(SHUT_WR)".into(),
                        AppCall::Close => "close()".into(),
                        AppCall::Abort => "abort: close() with SO_LINGER 0".into(),
                        AppCall::Accept => "accept()".into(),
                        AppCall::Inject => "(a segment from an earlier connection)".into(),
                    };
                    match error {
                        Some(err) => writeln!(out, "   app: {call} failed: {}", escape_text(err)),
                        None => writeln!(out, "   app: {call}"),
                    }
                }
                EventKind::Notified { notice } => match notice {
                    Notice::Connected => writeln!(out, "   app is told: connected"),
                    Notice::Data { bytes } => writeln!(out, "   app reads {bytes} bytes"),
                    Notice::EndOfStream => writeln!(out, "   app reads end of stream"),
                    Notice::Closed { reason } => writeln!(out, "   app is told: {}", reason.describe()),
                },
            };
        }
        if let Some(why) = &self.truncated {
            let _ = writeln!(out, "(stopped: {why})");
        }
        out
    }

    /// The trace as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn loss_text(reason: LossReason) -> &'static str {
    match reason {
        LossReason::Random => "random loss",
        LossReason::Fault => "dropped on purpose",
        LossReason::NoSuchHost => "no such host",
        LossReason::InFlight => "still in flight at the end",
    }
}

/// `text` safe to print on one line of a terminal: backslash, newlines, tabs, every control
/// character (ESC, NUL, DEL, C1), line and paragraph separators, bidirectional overrides and
/// non-characters are written as escapes (`\n`, `\u{1b}`), so a host name can neither forge a
/// line of the trace nor drive the terminal. Everything else is kept as it is.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        || matches!(c, '\u{fdd0}'..='\u{fdef}')
        || (u32::from(c) & 0xFFFE) == 0xFFFE
}
