//! What a connection reports: every state change, timer, rejected segment and ending.
//!
//! The diagram is drawn from these events, so they are complete: nothing a connection does is
//! left out of them except the segments it transmits, which come from `poll_transmit`.

use crate::seq::SeqNum;
use crate::state::State;
use crate::time::{Duration, Instant};
use crate::wire::Flags;
use core::fmt;

/// The timers of a connection. Each has one slot in the connection's timer table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Timer {
    /// Retransmission timeout (RFC 6298) for SYN, SYN-ACK, data and FIN.
    Retransmit,
    /// Delayed acknowledgment (RFC 9293 §3.8.6.3).
    DelayedAck,
    /// 2·MSL in TIME-WAIT (RFC 9293 §3.4.2).
    TimeWait,
    /// Giving up on a peer that never sends its FIN, after `close()` (Linux `tcp_fin_timeout`).
    FinWait2,
    /// Probing a zero window (RFC 9293 §3.8.6.1, the persist timer).
    Persist,
    /// Probing an idle connection (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6, `SO_KEEPALIVE`): the idle
    /// time, then one probe per interval; its backoff counts the probes sent without an answer.
    Keepalive,
    /// The time limit on an active open: from `connect()`, SYN-SENT (and SYN-RECEIVED, in a
    /// simultaneous open) gives up with ETIMEDOUT when it fires, however many SYNs are left to
    /// send ([`crate::Config::establishment_timeout`]; BSD's connection-establishment timer,
    /// `net.inet.tcp.keepinit`, `TCP_KEEPINIT`).
    Establishment,
}

impl Timer {
    /// All timers, in timer-table order.
    pub const ALL: [Timer; 7] = [
        Timer::Retransmit,
        Timer::DelayedAck,
        Timer::TimeWait,
        Timer::FinWait2,
        Timer::Persist,
        Timer::Keepalive,
        Timer::Establishment,
    ];

    /// Index in the timer table.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Short name for labels: `RTO`, `delayed ACK`, `2MSL`, `FIN-WAIT-2 timeout`, `keep-alive`,
    /// `connection-establishment`.
    pub const fn label(self) -> &'static str {
        match self {
            Timer::Retransmit => "RTO",
            Timer::DelayedAck => "delayed ACK",
            Timer::TimeWait => "2MSL",
            Timer::FinWait2 => "FIN-WAIT-2 timeout",
            Timer::Persist => "zero-window probe",
            Timer::Keepalive => "keep-alive",
            Timer::Establishment => "connection-establishment",
        }
    }
}

/// An application command (RFC 9293 §3.10.1–3.10.6, plus `shutdown` for the half-close and
/// `shutdown_read` for the receiving side).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Command {
    /// Passive OPEN (RFC 9293 §3.10.1): wait for a peer's SYN, `listen()`.
    Listen,
    /// Active OPEN (RFC 9293 §3.10.1): send a SYN, `connect()`.
    Connect,
    /// SEND (RFC 9293 §3.10.2): queue bytes for transmission, `send()`.
    Send,
    /// RECEIVE (RFC 9293 §3.10.3): read bytes that arrived, `recv()`.
    Recv,
    /// Close the sending direction only (`shutdown(SHUT_WR)`).
    Shutdown,
    /// Close the receiving direction only (`shutdown(SHUT_RD)`): what it does to unread and later
    /// data is the profile's ([`crate::Config::read_shutdown`]).
    ShutdownRead,
    /// CLOSE: no more sending nor receiving.
    Close,
    /// ABORT (RFC 9293 §3.10.5): drop the connection at once, with a RST to the peer in
    /// SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT.
    Abort,
}

/// Why a state changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Cause {
    /// The application asked.
    Command(Command),
    /// A segment with these flags arrived.
    Segment(Flags),
    /// A timer expired.
    Timer(Timer),
    /// The last retransmission went unanswered.
    RetriesExhausted,
    /// The host crashed or rebooted and lost the connection's state. tcp-core never reports it;
    /// a simulator whose hosts fail does.
    HostDown,
}

/// Why an arriving segment was not processed normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DropReason {
    /// There is no connection (CLOSED, or no socket on the port) (RFC 9293 §3.10.7.1).
    NoConnection,
    /// An ACK reached a listener (RFC 9293 §3.10.7.2).
    AckInListen,
    /// A RST reached a listener and is ignored (RFC 9293 §3.10.7.2).
    RstInListen,
    /// A SYN-ACK reached a listener and is ignored, where the profile's stack does not answer it
    /// with a reset (`Config::reset_synack_in_listen`).
    SynAckInListen,
    /// The segment carries neither SYN, ACK nor RST where one is required, or SYN with FIN where
    /// the profile drops that (`Config::syn_fin`).
    Unexpected,
    /// In SYN-SENT, the ACK does not acknowledge our SYN: an old duplicate (RFC 9293 §3.10.7.3).
    BadAckInSynSent,
    /// In SYN-SENT, a RST whose ACK does not acknowledge our SYN (RFC 9293 §3.10.7.3).
    RstWithoutAck,
    /// The sequence number lies outside the receive window (RFC 9293 §3.10.7.4, first check).
    OutOfWindow,
    /// A RST inside the window but not at RCV.NXT (RFC 5961 §3.2): answered with a challenge ACK.
    RstNotExact,
    /// A RST in TIME-WAIT, ignored to protect it from assassination (RFC 1337;
    /// `Config::ignore_rst_in_time_wait`).
    RstInTimeWait,
    /// A segment in TIME-WAIT other than the retransmitted FIN or a bare ACK at RCV.NXT, on a
    /// stack that acknowledges such segments at once (`Config::time_wait_acks_segments`):
    /// nothing in it is taken, and the reply is that ACK (or none, where Linux's limit withholds
    /// it: `Config::time_wait_answers_counted_anew`).
    AckedInTimeWait,
    /// A SYN on a synchronized connection (RFC 5961 §4.2): answered with a challenge ACK.
    SynOnSynchronized,
    /// A SYN in the window of a synchronized connection, under RFC 793's rule
    /// (`Config::syn_in_window_resets`): answered with a reset, and the connection closes.
    SynInWindow,
    /// A SYN-RECEIVED connection received an ACK that does not acknowledge its SYN.
    BadAckInSynReceived,
    /// The ACK acknowledges something not yet sent (RFC 9293 §3.10.7.4, fifth check).
    AckOfUnsentData,
    /// The ACK is older than the peer could have seen (RFC 5961 §5.2).
    AckTooOld,
    /// A segment without the ACK bit on a synchronized connection.
    NoAck,
    /// Data beyond RCV.NXT: not kept, answered with a duplicate ACK.
    OutOfOrder,
    /// Data after the application closed (RFC 1122 §4.2.2.13): the connection is reset.
    DataAfterClose,
    /// Data after the application shut down reading, on a stack that resets then (Windows,
    /// [`crate::config::ReadShutdown::Reset`]): it can never be delivered.
    DataAfterShutdownRead,
    /// Data after the application shut down reading, on a stack that throws it away (FreeBSD,
    /// [`crate::config::ReadShutdown::Discard`]): RCV.NXT moves past it and it is acknowledged as
    /// any data is (at once or delayed), but nobody can read it. The reply is that ACK.
    DiscardedAfterShutdownRead,
    /// A listener's SYN queue is full (a SYN flood) and SYN cookies are off.
    SynQueueFull,
    /// A listener's accept queue is full.
    AcceptQueueFull,
    /// An ACK carried a SYN cookie that does not check out.
    BadCookie,
    /// The SYN queue is full: the SYN is answered with a SYN cookie and no state is kept.
    SynCookie,
    /// A retransmitted SYN reached a SYN-RECEIVED connection: our SYN-ACK was probably lost.
    DuplicateSyn,
}

impl DropReason {
    /// A short English explanation.
    pub const fn describe(self) -> &'static str {
        match self {
            DropReason::NoConnection => "no connection: answered with RST",
            DropReason::AckInListen => "ACK to a listener: answered with RST",
            DropReason::RstInListen => "RST to a listener: ignored",
            DropReason::RstInTimeWait => "RST in TIME-WAIT: ignored (RFC 1337)",
            DropReason::AckedInTimeWait => "in TIME-WAIT: answered with ACK, nothing taken",
            DropReason::SynAckInListen => "SYN-ACK to a listener: ignored",
            DropReason::Unexpected => "unexpected control bits: ignored",
            DropReason::BadAckInSynSent => "ACK does not match our SYN: old duplicate, answered with RST",
            DropReason::RstWithoutAck => "RST that does not acknowledge our SYN: ignored",
            DropReason::OutOfWindow => "outside the receive window: answered with ACK",
            DropReason::RstNotExact => "RST in window but not at RCV.NXT: challenge ACK",
            DropReason::SynOnSynchronized => "SYN on an open connection: challenge ACK",
            DropReason::SynInWindow => "SYN in the window (RFC 793): reset",
            DropReason::BadAckInSynReceived => "ACK does not acknowledge our SYN: answered with RST",
            DropReason::AckOfUnsentData => "acknowledges data never sent: answered with ACK",
            DropReason::AckTooOld => "acknowledgment too old: answered with ACK",
            DropReason::NoAck => "no ACK bit: ignored",
            DropReason::OutOfOrder => "out of order: duplicate ACK",
            DropReason::DataAfterClose => "data after close: reset",
            DropReason::DataAfterShutdownRead => "data after shutdown(SHUT_RD): reset",
            DropReason::DiscardedAfterShutdownRead => "data after shutdown(SHUT_RD): acknowledged, thrown away",
            DropReason::SynQueueFull => "SYN queue full: SYN dropped",
            DropReason::AcceptQueueFull => "accept queue full: dropped",
            DropReason::BadCookie => "invalid SYN cookie: answered with RST",
            DropReason::SynCookie => "SYN queue full: answered with a SYN cookie, nothing kept",
            DropReason::DuplicateSyn => "retransmitted SYN: SYN-ACK sent again",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What a connection sent back to a segment it rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Reply {
    /// Nothing: the segment was dropped silently.
    Nothing,
    /// An acknowledgment of where we are (`<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`).
    Ack,
    /// An RFC 5961 challenge ACK.
    ChallengeAck,
    /// A RST, usually the one [`crate::conn::reset_for`] builds from the rejected segment.
    Reset,
    /// Our SYN-ACK again.
    SynAck,
    /// Nothing, although an ACK (or SYN-ACK) was due: the profile's limit on answers to
    /// unacceptable segments withheld it (RFC 5961 §7, [`crate::config::Config::invalid_ack_limit`]).
    RateLimited,
}

/// How a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CloseReason {
    /// Both FINs sent and acknowledged.
    Normal,
    /// The peer reset an established connection.
    Reset,
    /// The peer answered our SYN with RST: nobody listens there.
    Refused,
    /// Retransmissions went unanswered until the retry limit.
    TimedOut,
    /// Our application aborted.
    Aborted,
    /// The peer never sent its FIN after we closed (Linux `tcp_fin_timeout`).
    FinWait2Timeout,
}

impl CloseReason {
    /// What the application is told, as a C programmer would read it.
    pub const fn describe(self) -> &'static str {
        match self {
            CloseReason::Normal => "closed",
            CloseReason::Reset => "connection reset by peer (ECONNRESET)",
            CloseReason::Refused => "connection refused (ECONNREFUSED)",
            CloseReason::TimedOut => "connection timed out (ETIMEDOUT)",
            CloseReason::Aborted => "aborted",
            CloseReason::FinWait2Timeout => "FIN-WAIT-2 timed out",
        }
    }
}

/// The window-scale shifts (RFC 7323 §2) two ends agreed on: both SYNs carried the option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WindowShifts {
    /// The shift of the windows this end advertises: the peer multiplies them by `2^local`.
    pub local: u8,
    /// The shift of the windows the peer advertises (its option, at most 14, RFC 7323 §2.3).
    pub remote: u8,
}

/// What a connection knows once the peer's SYN has arrived: both initial sequence numbers and
/// the options the two SYNs agreed on. They hold until the connection ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Negotiation {
    /// Our initial sequence number (ISS).
    pub iss: SeqNum,
    /// The peer's initial sequence number (IRS), from its SYN.
    pub irs: SeqNum,
    /// The peer's MSS option, or 536 when its SYN had none (RFC 9293 §3.7.1).
    pub peer_mss: u16,
    /// The largest payload this end sends: the smaller of the peer's MSS and ours, less the
    /// timestamp option when timestamps are on.
    pub send_mss: u16,
    /// The window-scale shifts, or `None` when scaling was not negotiated (a window field is
    /// then a number of bytes).
    pub window_shifts: Option<WindowShifts>,
    /// Both SYNs carried the timestamp option (RFC 7323 §3.2): every segment carries it.
    pub timestamps: bool,
    /// Both SYNs carried SACK-permitted (RFC 2018 §2).
    pub sack_permitted: bool,
}

/// Something that happened inside a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Event {
    /// The state changed.
    StateChanged {
        /// The state left.
        from: State,
        /// The state entered; never `from`, since staying in a state is not reported.
        to: State,
        /// What made it change.
        cause: Cause,
    },
    /// A timer was started or restarted.
    TimerArmed {
        /// The timer; its one slot now holds `deadline`, replacing any earlier deadline.
        timer: Timer,
        /// When it will fire: `timeout` after it was armed, or later on a timer wheel
        /// ([`crate::config::Config::timer_wheel_tick`]).
        deadline: Instant,
        /// How long the stack asked it to wait (an RTO, 2·MSL, ...).
        timeout: Duration,
        /// How many times it has fired without progress (0 for a first attempt).
        backoff: u8,
    },
    /// A running timer was stopped before firing.
    TimerCancelled {
        /// The timer; it was running, since stopping an idle timer is not reported.
        timer: Timer,
    },
    /// A timer fired.
    TimerFired {
        /// The timer whose deadline passed; its handler runs after this event.
        timer: Timer,
        /// Backoff count at the time it fired.
        backoff: u8,
    },
    /// An arriving segment was rejected; `reply` tells what was sent back.
    SegmentRejected {
        /// Why it was not processed normally.
        reason: DropReason,
        /// What was answered.
        reply: Reply,
    },
    /// The peer's SYN arrived (in LISTEN, or in SYN-SENT with or without our SYN acknowledged):
    /// what the connection learned and agreed on. Once per incarnation (a passive connection
    /// reset back to LISTEN learns anew from the next SYN), before the segment that answers the
    /// SYN; the windows this end advertises after it are scaled as it says.
    Negotiated(Negotiation),
    /// The connection is established (connect() returns, or accept() can take it).
    Connected,
    /// New in-order data can be read.
    Received {
        /// Bytes that became readable.
        len: usize,
    },
    /// The peer's FIN was received: no more data will come.
    EndOfStream,
    /// Send-buffer space was freed by an acknowledgment.
    Writable,
    /// The connection reached CLOSED (or, for a listener's child, was discarded).
    Closed {
        /// How it ended.
        reason: CloseReason,
    },
}
