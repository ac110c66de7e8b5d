//! The trace: every event of a run, timestamped in microseconds. Everything the diagram, the
//! narration and the exports show is read from here.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};
use core::net::SocketAddrV4;
use serde::{Deserialize, Serialize};
use tcp_core::conn::CommandError;
use tcp_core::event::{Cause, CloseReason, DropReason, Negotiation, Reply, Timer};
use tcp_core::time::Duration;
use tcp_core::{Flags, Instant, ReadShutdown, SeqNum, State, TcpRepr};

use crate::scenario::SegmentKind;

/// A host of the run: its index into [`Trace::hosts`], which is also its index into the
/// scenario's hosts (same order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HostId(pub usize);

/// A connection incarnation: its index into [`Trace::conns`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnId(pub usize);

/// A segment: its index into [`Trace::segments`], which is also the order it was sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SegId(pub usize);

/// For each id: `index()`, `Display` as the bare number, and indexing of the trace's vector it
/// points into (`trace.segments[id]`).
macro_rules! trace_id {
    ($id:ident, $item:ty) => {
        impl $id {
            /// The bare index.
            pub const fn index(self) -> usize {
                self.0
            }
        }

        /// The bare index, as a number.
        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl core::ops::Index<$id> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }

        impl core::ops::IndexMut<$id> for Vec<$item> {
            fn index_mut(&mut self, id: $id) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}

trace_id!(HostId, HostInfo);
trace_id!(ConnId, ConnInfo);
trace_id!(SegId, Segment);

/// One host of the run (a lifeline in the diagram).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    /// The name the scenario gave it (`client`, `server`), shown atop its lifeline.
    pub name: String,
    /// Its IPv4 address: a segment reaches the host whose address is its destination.
    pub addr: core::net::Ipv4Addr,
    /// It only sends forged SYNs.
    pub attacker: bool,
    /// The ISN the scenario fixed for every connection of this host (textbook numbers), or
    /// `None` when each connection picks its own (drawn from the seed, or a real stack's in a
    /// capture).
    #[serde(default)]
    pub fixed_isn: Option<u32>,
}

/// One connection incarnation: a host's socket for one 4-tuple, from its opening to its end
/// (a later connection on the same 4-tuple is another).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnInfo {
    /// The host it lives on.
    pub host: HostId,
    /// Its own address and port, on host `host`.
    pub local: SocketAddrV4,
    /// The peer's end.
    pub remote: SocketAddrV4,
    /// Its initial sequence number, known from `connect()` or from the SYN it sent or answered
    /// with, even when nothing ever answered it; `None` for a connection that never had one.
    #[serde(default)]
    pub iss: Option<SeqNum>,
    /// What it learned from its peer's SYN, once one arrived.
    #[serde(default)]
    pub synchronized: Option<Synchronized>,
}

impl ConnInfo {
    /// A connection of `host` between `local` and `remote`, before it has sent or learned
    /// anything.
    pub fn new(host: HostId, local: SocketAddrV4, remote: SocketAddrV4) -> ConnInfo {
        ConnInfo { host, local, remote, iss: None, synchronized: None }
    }

    /// It sent a segment with `flags` and sequence number `seq`: its first SYN (or SYN-ACK)
    /// carries its ISS.
    pub fn sent(&mut self, flags: Flags, seq: SeqNum) {
        if flags.contains(Flags::SYN) {
            self.iss.get_or_insert(seq);
        }
    }

    /// It learned its peer's SYN (which also tells its ISS, when no SYN of its own did: a SYN
    /// cookie's connection).
    pub fn synchronize(&mut self, synchronized: Synchronized) {
        self.iss.get_or_insert(synchronized.negotiation.iss);
        self.synchronized = Some(synchronized);
    }
}

/// A connection's [`Negotiation`] (reported by tcp-core when the peer's SYN arrived) and where
/// it stands in the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synchronized {
    /// What tcp-core reported: ISS, IRS, MSS, window shifts, timestamps, SACK.
    pub negotiation: Negotiation,
    /// The segment that carried the peer's SYN, when the trace holds it.
    pub peer_syn: Option<SegId>,
    /// The first segment sent after it: from there on, the connection's windows are scaled by
    /// `negotiation.window_shifts`.
    pub from_segment: SegId,
}

/// Why a segment never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossReason {
    /// Random loss on the link.
    Random,
    /// The link loses every segment (its loss probability is 1): certain, not random.
    LinkDown,
    /// A fault chose it.
    Fault,
    /// The link was down (a network partition) while it was on the wire.
    Outage {
        /// When the link went down.
        from: Instant,
        /// When it came back up.
        until: Instant,
    },
    /// Its destination address belongs to no host (a forged source).
    NoSuchHost,
    /// Its destination host was down (crashed, not yet rebooted) when it arrived.
    HostDown,
    /// It was still in flight when the simulation ended.
    InFlight,
}

/// What became of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fate {
    /// It reached its destination host (which may still have rejected it).
    Delivered {
        /// When it reached its receiver.
        at: Instant,
    },
    /// It was lost.
    Lost {
        /// What lost it.
        reason: LossReason,
    },
}

/// A segment as it went on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The sending host.
    pub from: HostId,
    /// Receiving host, if the address exists.
    pub to: Option<HostId>,
    /// Sending connection, if any (resets from a closed port and injected segments have none).
    pub conn: Option<ConnId>,
    /// Source address and port as on the wire: for a forged segment, not the sender's own.
    pub src: SocketAddrV4,
    /// Destination address and port; `to` is the host that has this address.
    pub dst: SocketAddrV4,
    /// When it left.
    pub sent_at: Instant,
    /// What became of it.
    pub fate: Fate,
    /// The TCP header; `src` and `dst` are the IP side.
    pub repr: TcpRepr,
    /// The payload bytes; from a capture, zero-filled past the snap length, so that its length
    /// is always the payload's length on the wire.
    pub payload: Vec<u8>,
    /// It repeats something sent before.
    pub retransmission: bool,
    /// A copy the network made of this earlier segment.
    pub duplicate_of: Option<SegId>,
    /// Made by hand by the scenario (an old duplicate from an earlier connection, say).
    pub injected: bool,
    /// Sent by an attacker from a forged source address.
    pub forged: bool,
    /// A fault delayed it by this many microseconds.
    pub extra_delay_us: u64,
    /// The link's one-way delay for it as configured, in microseconds (without
    /// `extra_delay_us`): when a lost segment would have arrived, when a delivered one did
    /// without the fault's delay. 0 for a segment a host sends to itself.
    #[serde(default)]
    pub link_delay_us: u64,
    /// The connection incarnation it reached (`None` when it was lost, or reached a port where
    /// no connection took it: a closed port, or a listener that kept nothing).
    #[serde(default)]
    pub received_by: Option<ConnId>,
    /// The earlier segment it answers, for a reset sent in reply to a rejected segment and for
    /// any reply no connection sent (a closed port's reset, a listener's reset or SYN cookie):
    /// such a reply takes its numbers from that segment (RFC 9293 §3.10.7.1).
    #[serde(default)]
    pub answers: Option<SegId>,
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
        /// The local port it listens on.
        port: u16,
    },
    /// connect() to an address.
    Connect {
        /// The peer's address and port.
        to: SocketAddrV4,
    },
    /// send() of bytes.
    Send {
        /// Bytes handed to TCP.
        bytes: usize,
    },
    /// shutdown(SHUT_WR).
    Shutdown,
    /// shutdown(SHUT_RD): the application reads nothing more.
    ShutdownRead {
        /// What the host's TCP does with data unread now and data that arrives later (its
        /// profile's `Config::read_shutdown`).
        rule: ReadShutdown,
        /// Unread bytes that will never be read: thrown away at the call, or lost with the
        /// connection it reset.
        discarded: usize,
    },
    /// close().
    Close,
    /// Abort (RST).
    Abort,
    /// accept() returned a connection.
    Accept,
    /// A segment made by hand.
    Inject,
    /// The application stopped reading.
    StopReading,
    /// The application read again.
    StartReading,
    /// The application stopped accepting.
    StopAccepting,
    /// The application accepted again.
    StartAccepting,
    /// The host crashed: its connections' state is gone, and it answers nothing until it
    /// reboots.
    Crash,
    /// The host came back up with no connections.
    Reboot,
}

/// What the application was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// connect() returned: the connection is open.
    Connected,
    /// Bytes were read.
    Data {
        /// How many bytes it read: all that were readable then.
        bytes: usize,
    },
    /// read() returned 0: the peer closed its direction.
    EndOfStream,
    /// The connection ended.
    Closed {
        /// How it ended: closed, reset, refused, timed out, aborted.
        reason: CloseReason,
    },
}

/// What a [`TraceEvent`] records, with the segment, timer, call or notice it concerns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// A segment left.
    Sent {
        /// The segment.
        segment: SegId,
    },
    /// A segment arrived.
    Delivered {
        /// The segment.
        segment: SegId,
    },
    /// A segment was lost on the way (drawn where it was sent).
    Lost {
        /// The segment.
        segment: SegId,
        /// What lost it.
        reason: LossReason,
    },
    /// A connection changed state.
    State {
        /// The state it left.
        from: State,
        /// The state it entered.
        to: State,
        /// What made it change: a call, a segment, a timer, the retry limit, its host's failure.
        cause: Cause,
    },
    /// A timer was started.
    TimerArmed {
        /// The timer started (or restarted).
        timer: Timer,
        /// When it will fire: `timeout` after it was armed, or later on a timer wheel
        /// (`Config::timer_wheel_tick`).
        deadline: Instant,
        /// How long the stack asked it to wait, in microseconds in JSON.
        #[serde(with = "micros")]
        timeout: Duration,
        /// Retransmissions so far.
        backoff: u8,
    },
    /// A timer was stopped.
    TimerCancelled {
        /// The timer stopped before it fired.
        timer: Timer,
    },
    /// A timer fired.
    TimerFired {
        /// The timer that expired.
        timer: Timer,
        /// Retransmissions so far.
        backoff: u8,
    },
    /// An arriving segment was rejected.
    Rejected {
        /// The segment, when known.
        segment: Option<SegId>,
        /// Why TCP did not take it as it came.
        reason: DropReason,
        /// What was answered.
        reply: Reply,
    },
    /// The application called TCP.
    App {
        /// The call, recorded whether or not it failed (see `error`).
        call: AppCall,
        /// The error it got, if any.
        error: Option<AppError>,
    },
    /// TCP told the application something.
    Notified {
        /// What the application was told.
        notice: Notice,
    },
}

/// One event: when, where, what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// When it happened (simulated time, from the start of the run).
    pub at: Instant,
    /// The host it happened on.
    pub host: HostId,
    /// For which connection, if one.
    pub conn: Option<ConnId>,
    /// What happened, with the segment, timer, call or notice it concerns.
    pub kind: EventKind,
}

/// Why an application's call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppError {
    /// TCP refused the command (RFC 9293 §3.10).
    Command(CommandError),
    /// The host has no connection the call could apply to (none opened yet, or it has ended).
    NoConnection,
    /// The local address and port are still taken by another connection (EADDRINUSE).
    AddressInUse,
    /// `listen` on a host that already has a listening socket.
    AlreadyListening,
    /// A call on a socket the application has already closed (EBADF: its descriptor is gone).
    SocketClosed,
    /// `send` while the bytes the send buffer had no room for are already at the limit
    /// (EAGAIN).
    WouldBlock {
        /// The bytes still waiting for room.
        waiting: usize,
    },
}

impl From<CommandError> for AppError {
    fn from(e: CommandError) -> Self {
        AppError::Command(e)
    }
}

/// In English, as the text trace prints it (`bilingual::app_error` has both languages).
impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Command(e) => write!(f, "{e}"),
            AppError::NoConnection => f.write_str("no connection"),
            AppError::AddressInUse => f.write_str("address already in use (EADDRINUSE)"),
            AppError::AlreadyListening => f.write_str("already listening"),
            AppError::SocketClosed => f.write_str("the application already closed this socket (EBADF)"),
            AppError::WouldBlock { waiting } => {
                write!(f, "would block (EAGAIN): {waiting} bytes still wait for the send buffer")
            }
        }
    }
}

impl core::error::Error for AppError {}

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
        /// The run's [`crate::Limits::segments`].
        limit: usize,
    },
    /// The next connection would have exceeded the work budget ([`crate::Limits::connections`]).
    Connections {
        /// The run's [`crate::Limits::connections`].
        limit: usize,
    },
    /// The next event would have exceeded the work budget ([`crate::Limits::events`]).
    Events {
        /// The run's [`crate::Limits::events`].
        limit: usize,
    },
    /// The next step would have exceeded the work budget ([`crate::Limits::steps`]).
    Steps {
        /// The run's [`crate::Limits::steps`].
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
    /// English, for the text trace; the diagram's captions are in `bilingual::truncated`.
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
    /// When the link was down (the scenario's outages that began before the run ended): from,
    /// until.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<(Instant, Instant)>,
}

/// A segment's window field and the shift it is scaled by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdvertisedWindow {
    /// The 16-bit field on the wire.
    pub field: u16,
    /// The window-scale shift the receiver applies (RFC 7323 §2.3), or `None` when the field
    /// is a number of bytes as it is.
    pub shift: Option<u8>,
}

impl AdvertisedWindow {
    /// The window in bytes: the field multiplied by `2^shift` (a shift above 14 counts as 14,
    /// RFC 7323 §2.3, so a trace read from a file cannot overflow it).
    pub fn bytes(self) -> u32 {
        u32::from(self.field) << self.shift.unwrap_or(0).min(14)
    }
}

impl Trace {
    /// The ISN a connection's peer sent, when it counts as a base for relative numbers: known
    /// from the peer's SYN, and that SYN was not made by hand (an injected SYN's numbers are the
    /// scenario's own, kept absolute).
    fn peer_isn(&self, conn: ConnId) -> Option<SeqNum> {
        let sync = self.conns.get(conn.index())?.synchronized?;
        let injected = sync.peer_syn.and_then(|i| self.segments.get(i.index())).is_some_and(|s| s.injected);
        (!injected).then_some(sync.negotiation.irs)
    }

    /// The ISNs segment `index`'s sequence and acknowledgment numbers count from, or `None` where
    /// a number stays absolute. Each connection incarnation counts from its own ISNs, as recorded
    /// (never guessed from the segments). A SYN made by hand (`injected`: an old duplicate from an
    /// incarnation this trace does not hold) opens no space of ours: its numbers stay absolute,
    /// and so do the numbers in the space it opened (the acknowledgments of a connection that
    /// synchronized with it, the resets that answer them).
    /// - a reply that takes its numbers from the segment it `answers` (a reset; any reply no
    ///   connection sent) counts as that segment does: its sequence number as the answered
    ///   acknowledgment, its acknowledgment as the answered sequence number;
    /// - see `own_bases` for every other segment.
    fn bases(&self, index: SegId) -> (Option<SeqNum>, Option<SeqNum>) {
        let s = &self.segments[index];
        let reply = s.repr.flags.contains(Flags::RST) || s.conn.is_none();
        // Only an earlier segment, and only one step back: a trace read from a file cannot loop.
        match s.answers.filter(|&k| reply && k < index) {
            Some(k) => {
                let (seq, ack) = self.own_bases(k);
                // A SYN (a SYN cookie's SYN-ACK) carries its own ISN whatever it answers; a reset
                // to a segment without ACK has sequence number 0, no number of anyone's.
                let own_seq = if s.repr.flags.contains(Flags::SYN) {
                    Some(s.repr.seq)
                } else {
                    ack.filter(|_| self.segments[k].repr.flags.contains(Flags::ACK))
                };
                (own_seq, seq)
            }
            None => self.own_bases(index),
        }
    }

    /// `bases` for a segment read on its own:
    /// - a reset, or a segment no connection sent (injected, forged, a packetdrill script's),
    ///   counts as the connection that received it reads it: its sequence number from that
    ///   connection's IRS, its acknowledgment from its ISS (so a stray RST injected into a
    ///   connection reads in that connection's numbers, and an old duplicate SYN that opened a
    ///   connection of its own stays absolute);
    /// - any other segment of a connection counts from that connection's ISS and IRS;
    /// - a SYN nobody received and no connection sent counts from itself (it carries its
    ///   sender's ISN), unless made by hand; anything else stays absolute.
    fn own_bases(&self, index: SegId) -> (Option<SeqNum>, Option<SeqNum>) {
        let s = &self.segments[index];
        let reset = s.repr.flags.contains(Flags::RST);
        match (s.received_by, s.conn) {
            (Some(r), sender) if reset || sender.is_none() => {
                (self.peer_isn(r), self.conns.get(r.index()).and_then(|c| c.iss))
            }
            (_, Some(c)) => (self.conns.get(c.index()).and_then(|c| c.iss), self.peer_isn(c)),
            _ => (s.repr.flags.contains(Flags::SYN).then_some(s.repr.seq).filter(|_| !s.injected), None),
        }
    }

    /// Sequence and acknowledgment numbers relative to the ISNs of the connection incarnation
    /// they belong to, as Wireshark shows them, read from what the trace records (`ConnInfo::iss`,
    /// `ConnInfo::synchronized`, `Segment::received_by`, `Segment::answers`): a connection's
    /// segments count from its own ISS and IRS; a reset, and a segment no connection sent, read
    /// as the connection that received it reads them; a SYN made by hand (an old duplicate) that
    /// opened a connection of its own keeps its wire numbers, and so do the numbers in the space
    /// it opened. `None` for the acknowledgment when the ACK flag is off.
    pub fn relative(&self, index: SegId) -> (u32, Option<u32>) {
        let s = &self.segments[index];
        let (seq_base, ack_base) = self.bases(index);
        let seq = seq_base.map_or(s.repr.seq.0, |isn| s.repr.seq - isn);
        let ack = s.repr.flags.contains(Flags::ACK).then(|| ack_base.map_or(s.repr.ack.0, |isn| s.repr.ack - isn));
        (seq, ack)
    }

    /// The window segment `index` advertises: scaled by its connection's own shift once that
    /// connection negotiated window scaling, except in a SYN (never scaled, RFC 7323 §2.2). A
    /// segment no connection sent (injected, forged, a closed port's reset) is read as it is.
    pub fn advertised_window(&self, index: SegId) -> AdvertisedWindow {
        let s = &self.segments[index];
        let shift = match s.conn.and_then(|c| self.conns.get(c.index())?.synchronized) {
            Some(sync) if !s.repr.flags.contains(Flags::SYN) && !s.injected && index >= sync.from_segment => {
                sync.negotiation.window_shifts.map(|w| w.local)
            }
            _ => None,
        };
        AdvertisedWindow { field: s.repr.window, shift }
    }

    /// Final state of each connection.
    pub fn final_states(&self) -> Vec<State> {
        let mut states = alloc::vec![State::Closed; self.conns.len()];
        for e in &self.events {
            if let (Some(c), EventKind::State { to, .. }) = (e.conn, &e.kind) {
                states[c.index()] = *to;
            }
        }
        states
    }

    /// For each connection, the event at which its application closed it (close() or an abort,
    /// not shutdown()), if it did: from then on it reads nothing more and is told nothing more of
    /// it (Linux's orphaned socket). The diagram's notes, the text trace and the narration ask
    /// this.
    pub fn closed_by_app(&self) -> Vec<Option<usize>> {
        let mut closed = alloc::vec![None; self.conns.len()];
        for (i, e) in self.events.iter().enumerate() {
            if let (Some(c), EventKind::App { call: AppCall::Close | AppCall::Abort, error: None }) = (e.conn, &e.kind)
            {
                closed[c.index()].get_or_insert(i);
            }
        }
        closed
    }

    /// What each connection's application was last told about how it ended.
    pub fn close_reasons(&self) -> Vec<Option<CloseReason>> {
        let mut reasons = alloc::vec![None; self.conns.len()];
        for e in &self.events {
            if let (Some(c), EventKind::Notified { notice: Notice::Closed { reason } }) = (e.conn, &e.kind) {
                reasons[c.index()] = Some(*reason);
            }
        }
        reasons
    }

    /// A one-line, textbook-style label: `SYN seq=0`, `SYN, ACK seq=0 ack=1`, `ACK seq=1 ack=1 len=5`.
    pub fn label(&self, index: SegId, relative: bool) -> String {
        let s = &self.segments[index];
        let (seq, ack) = if relative {
            self.relative(index)
        } else {
            (s.repr.seq.0, s.repr.flags.contains(Flags::ACK).then_some(s.repr.ack.0))
        };
        segment_label(s.repr.flags, seq, ack, s.payload.len())
    }

    /// The trace as text that reads like a textbook: one line per event.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let closed_by_app = self.closed_by_app();
        for (i, e) in self.events.iter().enumerate() {
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
                EventKind::TimerArmed { timer, deadline, backoff, .. } => {
                    let retry = match (*timer, *backoff) {
                        (_, 0) => String::new(),
                        // Keep-alive counts the probes sent since the peer last sent anything.
                        (Timer::Keepalive, n) => format!(", after probe {n}"),
                        (_, n) => format!(", retry {n}"),
                    };
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
                        AppCall::ShutdownRead { discarded: 0, .. } => "shutdown(SHUT_RD)".into(),
                        AppCall::ShutdownRead { discarded, .. } => {
                            format!("shutdown(SHUT_RD), {discarded} unread bytes lost")
                        }
                        AppCall::Close => "close()".into(),
                        AppCall::Abort => "abort: close() with SO_LINGER 0".into(),
                        AppCall::Accept => "accept()".into(),
                        AppCall::Inject => "(a segment from an earlier connection)".into(),
                        AppCall::StopReading => "stops reading".into(),
                        AppCall::StartReading => "reads again".into(),
                        AppCall::StopAccepting => "stops accepting".into(),
                        AppCall::StartAccepting => "accepts again".into(),
                        AppCall::Crash => "(the host crashes)".into(),
                        AppCall::Reboot => "(the host reboots)".into(),
                    };
                    match error {
                        Some(err) => writeln!(out, "   app: {call} failed: {err}"),
                        None => writeln!(out, "   app: {call}"),
                    }
                }
                EventKind::Notified { notice } => match notice {
                    Notice::Connected => writeln!(out, "   app is told: connected"),
                    Notice::Data { bytes } => writeln!(out, "   app reads {bytes} bytes"),
                    Notice::EndOfStream => writeln!(out, "   app reads end of stream"),
                    Notice::Closed { reason }
                        if e.conn.is_some_and(|c| closed_by_app[c.index()].is_some_and(|at| at < i)) =>
                    {
                        writeln!(out, "   ended, told to nobody (the app closed it): {}", reason.describe())
                    }
                    Notice::Closed { reason } => writeln!(out, "   app is told: {}", reason.describe()),
                },
            };
        }
        if let Some(why) = &self.truncated {
            let _ = writeln!(out, "(stopped: {why})");
        }
        out
    }

    /// When each host was down: (host, crashed at, rebooted at if it did), in time order, from
    /// its `Crash` and `Reboot` events.
    pub fn downtimes(&self) -> Vec<(HostId, Instant, Option<Instant>)> {
        if cfg!(feature = "player") {
            // The player's entries never crash: their drawing carries no code for it.
            return Vec::new();
        }
        let mut down: Vec<(HostId, Instant, Option<Instant>)> = Vec::new();
        for e in &self.events {
            match e.kind {
                EventKind::App { call: AppCall::Crash, error: None } => down.push((e.host, e.at, None)),
                EventKind::App { call: AppCall::Reboot, .. } => {
                    if let Some(d) = down.iter_mut().rfind(|d| d.0 == e.host && d.2.is_none()) {
                        d.2 = Some(e.at);
                    }
                }
                _ => {}
            }
        }
        down
    }

    /// The trace as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn loss_text(reason: LossReason) -> &'static str {
    match reason {
        LossReason::Random => "random loss",
        LossReason::LinkDown => "the link loses every segment",
        LossReason::Outage { .. } => "the link was down",
        LossReason::Fault => "dropped on purpose",
        LossReason::NoSuchHost => "no such host",
        LossReason::HostDown => "the host it was for was down",
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

/// A segment's label as every view writes it: `SYN, ACK seq=0 ack=1`, `ACK seq=1 ack=1 len=5`
/// (PSH, ECE and CWR left out).
pub fn segment_label(flags: Flags, seq: u32, ack: Option<u32>, len: usize) -> String {
    let shown = flags.without(Flags::PSH).without(Flags::ECE).without(Flags::CWR);
    let mut out = format!("{shown} seq={seq}");
    if let Some(ack) = ack {
        let _ = write!(out, " ack={ack}");
    }
    if len > 0 {
        let _ = write!(out, " len={len}");
    }
    out
}

/// A [`Duration`] in JSON as whole microseconds, as [`Instant`]s are.
mod micros {
    use tcp_core::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_micros() as u64)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_micros)
    }
}
