//! One endpoint of one TCP connection: the RFC 9293 state machine, sans IO.
//!
//! Methods come in four kinds (as in quinn-proto):
//! - getters (`&self`): [`Connection::state`], [`Connection::snd_una`], ...
//! - handlers: [`Connection::handle_segment`], [`Connection::handle_timeout`];
//! - application commands: [`Connection::listen`], [`Connection::connect`], [`Connection::send`],
//!   [`Connection::recv`], [`Connection::shutdown`], [`Connection::shutdown_read`],
//!   [`Connection::close`], [`Connection::abort`];
//! - pollers: [`Connection::poll_transmit`], [`Connection::poll_event`],
//!   [`Connection::poll_timeout`]. Drain the first two after every handler and command.
//!
//! **Invariant:** the connection reads no clock and draws no random number, and allocates
//! nothing but its two byte buffers' contents (with the `alloc` feature; without it, nothing:
//! see [`INLINE_BUFFER`]).

mod buffer;
mod commands;
mod input;
mod rtt;
mod timers;

pub use buffer::INLINE_BUFFER;
pub use commands::CommandError;

use crate::config::{Config, Ecn, ReadShutdown, announced_window_scale};
use crate::event::{Cause, CloseReason, DropReason, Event, Reply, Timer};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::{Duration, Instant};
use crate::wire::{Flags, Options, TcpRepr};
use buffer::{ByteBuf, Queue};
use core::net::SocketAddrV4;
use rtt::Rtt;

/// Segments a single handler or command can queue before they are polled.
const TRANSMIT_QUEUE: usize = 8;
/// Events a single handler or command can queue before they are polled.
const EVENT_QUEUE: usize = 32;
/// RFC 9293 §3.7.1: the MSS to assume when the peer sends no MSS option.
const DEFAULT_MSS: u16 = 536;
/// Bytes a timestamp option costs in every segment (NOP, NOP, kind, length, 8 bytes).
const TIMESTAMP_OPTION_LEN: u16 = 12;

/// A segment ready to go on the wire, with its payload borrowed from the send buffer.
#[derive(Clone, Copy, Debug)]
pub struct Transmit<'a> {
    /// Our address.
    pub src: SocketAddrV4,
    /// The peer's address.
    pub dst: SocketAddrV4,
    /// The header, with its checksum field left 0: [`TcpRepr::emit`] computes it.
    pub repr: TcpRepr,
    /// The payload, borrowed from the send buffer (or a keep-alive probe's one garbage octet);
    /// empty for a bare control segment.
    pub payload: &'a [u8],
    /// Whether this segment repeats data or control bits sent before (a retransmission).
    pub retransmission: bool,
}

/// A queued segment; the payload is read from the send buffer when it is polled.
#[derive(Clone, Copy, Debug)]
struct Outgoing {
    repr: TcpRepr,
    payload_len: u16,
    retransmission: bool,
    /// The payload is one garbage octet, not bytes of the send buffer (a keep-alive probe's,
    /// [`Config::keepalive_probe_byte`]).
    garbage: bool,
}

/// The garbage octet of a keep-alive probe that carries one (RFC 1122 §4.2.3.6).
const GARBAGE: [u8; 1] = [0];

/// Options the two ends agreed on in their SYNs.
#[derive(Clone, Copy, Debug, Default)]
struct Negotiated {
    /// The peer's MSS option, or the RFC default.
    peer_mss: u16,
    /// Both offered window scaling (RFC 7323 §2.2), whatever the shifts.
    window_scaling: bool,
    /// Shift applied to windows the peer advertises, when both offered window scaling.
    snd_wscale: u8,
    /// Shift applied to windows we advertise.
    rcv_wscale: u8,
    /// Both offered timestamps (RFC 7323 §3.2).
    timestamps: bool,
    /// Both offered SACK (RFC 2018 §2).
    sack_permitted: bool,
    /// ECN was asked for and accepted (RFC 3168 §6.1.1): our SYN-ACK carries ECE.
    ecn: bool,
}

/// Answers to unacceptable segments sent in the current interval of the profile's rate limit.
#[derive(Clone, Copy, Debug, Default)]
struct AnswerThrottle {
    /// When the current interval ends.
    interval_end: Instant,
    /// Answers sent in it.
    sent: u16,
}

/// How received data is being acknowledged (RFC 9293 §3.8.6.3, Linux quick-ACK and pingpong).
#[derive(Clone, Copy, Debug, Default)]
struct AckState {
    /// An ACK must go out before this handler returns.
    now: bool,
    /// That ACK is an RFC 5961 challenge ACK (`Config::fin_on_every_ack` leaves it bare).
    challenge: bool,
    /// Data or FIN received and not yet acknowledged.
    pending: bool,
    /// Data has been received at least once (quick-ACK mode starts then).
    seen_data: bool,
    /// Quick ACKs left.
    quick_left: u8,
    /// Linux pingpong: this host answers quickly, so its ACKs wait to ride on its data.
    interactive: bool,
    /// When data last arrived.
    last_data_at: Instant,
    /// Full-sized segments received and not yet acknowledged.
    full_segments: u8,
}

/// One endpoint of a TCP connection. See the module documentation for how to drive it.
#[derive(Clone, Debug)]
pub struct Connection {
    config: Config,
    local: SocketAddrV4,
    remote: SocketAddrV4,
    state: State,
    /// Opened by `listen()`: a reset in SYN-RECEIVED returns to LISTEN (RFC 9293 §3.10.7.4).
    passive: bool,
    // Send sequence space (RFC 9293 §3.3.1).
    iss: SeqNum,
    snd_una: SeqNum,
    snd_nxt: SeqNum,
    snd_wnd: u32,
    snd_wl1: SeqNum,
    snd_wl2: SeqNum,
    max_snd_wnd: u32,
    // Receive sequence space.
    irs: SeqNum,
    rcv_nxt: SeqNum,
    /// The right edge of the window last offered (RCV.NXT + window then), once one was.
    rcv_adv: Option<SeqNum>,
    negotiated: Negotiated,
    /// Sequence number of `send_buf[0]`.
    send_buf_seq: SeqNum,
    /// The application has closed its sending direction: a FIN follows the data.
    fin_queued: bool,
    /// Sequence number our FIN occupies, once sent.
    fin_seq: Option<SeqNum>,
    /// The application called `close()` (or aborted): it reads nothing more and is told nothing.
    orphaned: bool,
    /// The application shut down reading (`shutdown_read`): what arrives is the profile's
    /// [`Config::read_shutdown`].
    read_shut: bool,
    /// One deadline per [`Timer`]; `poll_timeout` is their minimum.
    timers: [Option<Instant>; Timer::ALL.len()],
    /// Retransmissions without progress (the exponent of the backoff).
    backoff: u8,
    /// Zero-window probes sent without the window opening.
    persist_backoff: u8,
    /// Keep-alive probes sent since the peer last sent anything.
    keepalive_probes_out: u8,
    rtt: Rtt,
    /// The segment being timed for an RTT sample: (sequence number that acknowledges it, sent at).
    rtt_probe: Option<(SeqNum, Instant)>,
    /// Our SYN had to be retransmitted (RFC 6298 (5.7)).
    syn_retransmitted: bool,
    ack: AckState,
    /// Last timestamp value received, echoed in TSecr (RFC 7323 §4.3).
    ts_recent: u32,
    /// The throttle of answers to unacceptable segments (RFC 5961 §7).
    answers: AnswerThrottle,
    /// Bytes of text that came on the peer's SYN in SYN-SENT, held at the end of `recv_buf`
    /// (beyond RCV.NXT, neither acknowledged nor readable) until our SYN is acknowledged
    /// (RFC 9293 §3.10.7.3; [`Config::accept_syn_data`]).
    syn_text: usize,
    /// Bytes the application queued, from SND.UNA (`send_buf_seq`) on.
    send_buf: ByteBuf,
    /// Bytes received in order and not yet read, then any text held from the peer's SYN.
    recv_buf: ByteBuf,
    transmits: Queue<Outgoing, TRANSMIT_QUEUE>,
    events: Queue<Event, EVENT_QUEUE>,
}

impl Connection {
    /// A connection in CLOSED between `local` and `remote`.
    pub fn new(config: Config, local: SocketAddrV4, remote: SocketAddrV4) -> Connection {
        Connection {
            config,
            local,
            remote,
            state: State::Closed,
            passive: false,
            iss: SeqNum(0),
            snd_una: SeqNum(0),
            snd_nxt: SeqNum(0),
            snd_wnd: 0,
            snd_wl1: SeqNum(0),
            snd_wl2: SeqNum(0),
            max_snd_wnd: 0,
            irs: SeqNum(0),
            rcv_nxt: SeqNum(0),
            rcv_adv: None,
            negotiated: Negotiated { peer_mss: DEFAULT_MSS, ..Negotiated::default() },
            send_buf_seq: SeqNum(0),
            fin_queued: false,
            fin_seq: None,
            orphaned: false,
            read_shut: false,
            timers: [None; Timer::ALL.len()],
            persist_backoff: 0,
            keepalive_probes_out: 0,
            backoff: 0,
            rtt: Rtt::new(&config),
            rtt_probe: None,
            syn_retransmitted: false,
            ack: AckState::default(),
            ts_recent: 0,
            answers: AnswerThrottle::default(),
            syn_text: 0,
            send_buf: ByteBuf::new(config.send_buffer as usize),
            recv_buf: ByteBuf::new(config.recv_buffer as usize),
            transmits: Queue::new(),
            events: Queue::new(),
        }
    }

    // ----- getters -----

    /// The state the connection is in (RFC 9293 §3.3.2).
    pub fn state(&self) -> State {
        self.state
    }
    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Our address.
    pub fn local(&self) -> SocketAddrV4 {
        self.local
    }
    /// The peer's address.
    pub fn remote(&self) -> SocketAddrV4 {
        self.remote
    }
    /// Initial send sequence number.
    pub fn iss(&self) -> SeqNum {
        self.iss
    }
    /// Initial receive sequence number (valid once a SYN was received).
    pub fn irs(&self) -> SeqNum {
        self.irs
    }
    /// Oldest unacknowledged sequence number.
    pub fn snd_una(&self) -> SeqNum {
        self.snd_una
    }
    /// Next sequence number to send.
    pub fn snd_nxt(&self) -> SeqNum {
        self.snd_nxt
    }
    /// The peer's window, scaled.
    pub fn snd_wnd(&self) -> u32 {
        self.snd_wnd
    }
    /// Next sequence number expected.
    pub fn rcv_nxt(&self) -> SeqNum {
        self.rcv_nxt
    }
    /// Our receive window: free space in the receive buffer, counted from RCV.NXT (text held
    /// from the peer's SYN lies in the window, at its left edge), and no more than the window
    /// field can announce: 65,535 bytes, shifted once window scaling is in force (RFC 7323 §2.2:
    /// never in a SYN or SYN-ACK, so not before the connection is synchronized). With
    /// [`Config::window_is_buffer_space`], the free space alone wherever FreeBSD has a socket.
    pub fn rcv_wnd(&self) -> u32 {
        let free = (self.recv_buf.free() + self.syn_text) as u32;
        let synchronized = self.state.is_synchronized();
        // FreeBSD: every state with a socket of its own, so not a listener's half-open child
        // (its syncache entry) and not TIME-WAIT.
        let socket = match self.state {
            State::SynReceived => !self.passive,
            State::TimeWait => false,
            _ => synchronized,
        };
        if socket && self.config.window_is_buffer_space {
            return free;
        }
        let shift = if synchronized { self.negotiated.rcv_wscale } else { 0 };
        free.min(u32::from(u16::MAX) << shift)
    }
    /// Current retransmission timeout, including backoff.
    pub fn rto(&self) -> Duration {
        self.rtt.rto()
    }
    /// Smoothed RTT, once sampled.
    pub fn srtt(&self) -> Option<Duration> {
        self.rtt.srtt()
    }
    /// Deadline of one timer, if armed.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers[timer.index()]
    }
    /// Retransmissions so far without progress.
    pub fn backoff(&self) -> u8 {
        self.backoff
    }
    /// Bytes queued for sending and not yet acknowledged.
    pub fn send_queued(&self) -> usize {
        self.send_buf.len()
    }
    /// Room left in the send buffer: how many bytes a `send` would take now.
    pub fn send_room(&self) -> usize {
        self.send_buf.free()
    }
    /// Bytes the send buffer holds at most (`SO_SNDBUF`).
    pub fn send_capacity(&self) -> usize {
        self.send_buf.capacity()
    }
    /// Bytes the receive buffer holds at most (`SO_RCVBUF`): the largest window it offers.
    pub fn recv_capacity(&self) -> usize {
        self.recv_buf.capacity()
    }
    /// Bytes received in order and not yet read.
    pub fn recv_available(&self) -> usize {
        self.recv_buf.len() - self.syn_text
    }
    /// Whether our FIN has been sent.
    pub fn fin_sent(&self) -> bool {
        self.fin_seq.is_some()
    }
    /// Whether our FIN has been acknowledged.
    pub fn fin_acked(&self) -> bool {
        self.fin_seq.is_some_and(|fin| self.snd_una == fin + 1)
    }
    /// Whether the application called `close()` or aborted (not merely `shutdown()`).
    pub fn is_orphaned(&self) -> bool {
        self.orphaned
    }
    /// Whether the connection was opened by `listen()`.
    pub fn is_passive(&self) -> bool {
        self.passive
    }
    /// Whether the application shut down reading (`shutdown_read`, `shutdown(SHUT_RD)`).
    pub fn is_read_shut(&self) -> bool {
        self.read_shut
    }

    /// Checks the invariants every state must keep; the error names the broken one.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        if self.snd_una > self.snd_nxt {
            return Err("SND.UNA <= SND.NXT");
        }
        if self.state == State::Closed && self.timers.iter().any(Option::is_some) {
            return Err("no timer runs in CLOSED");
        }
        if self.state == State::TimeWait
            && (self.timers[Timer::Retransmit.index()].is_some() || self.timer(Timer::TimeWait).is_none())
        {
            return Err("TIME-WAIT runs the 2MSL timer and nothing is retransmitted");
        }
        if let Some(fin) = self.fin_seq
            && fin + 1 != self.snd_nxt
            && self.snd_nxt != fin
        {
            return Err("nothing is sent after our FIN");
        }
        let unacked_data = self.send_buf_seq + self.send_buf.len() as u32;
        if self.state.is_synchronized() && self.snd_una > unacked_data + 1 {
            return Err("SND.UNA within the buffered data plus FIN");
        }
        let promised = if self.config.linux_windows { (1usize << self.negotiated.rcv_wscale) - 1 } else { 0 };
        if self.recv_buf.len() > self.recv_buf.capacity() + promised {
            return Err("the receive buffer holds at most its capacity, and less than a window unit past it on linux");
        }
        if self.syn_text > 0 && (self.snd_una != self.iss || self.syn_text > self.recv_buf.len()) {
            return Err("text from the peer's SYN is held, in the receive buffer, only until our SYN is acknowledged");
        }
        if self.discards_text() && self.recv_available() > 0 {
            return Err("nothing waits unread once reading is shut down on a stack that discards");
        }
        if self.timer(Timer::Keepalive).is_some() && !self.keepalive_may_probe() {
            return Err("keep-alive runs only when on, in ESTABLISHED or CLOSE-WAIT, with nothing in flight or unsent");
        }
        if self.rtt.rto() < self.config.rto_min.min(self.config.initial_rto)
            || self.rtt.rto() > self.config.rto_max.max(self.config.initial_rto)
        {
            return Err("RTO within [rto_min, rto_max]");
        }
        Ok(())
    }

    // ----- pollers -----

    /// The next segment to put on the wire.
    pub fn poll_transmit(&mut self) -> Option<Transmit<'_>> {
        let out = self.transmits.pop()?;
        let payload = if out.garbage {
            &GARBAGE[..]
        } else if out.payload_len == 0 {
            &[][..]
        } else {
            let offset = out.repr.seq - self.send_buf_seq;
            self.send_buf.slice(offset as usize, usize::from(out.payload_len))
        };
        Some(Transmit {
            src: self.local,
            dst: self.remote,
            repr: out.repr,
            payload,
            retransmission: out.retransmission,
        })
    }

    /// The oldest event not yet polled, or `None`. Poll until `None` after every call: the queue
    /// holds only what one call can produce.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// The earliest timer deadline: when to call `handle_timeout` next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.iter().flatten().copied().min()
    }

    // ----- shared machinery -----

    fn emit(&mut self, event: Event) {
        let queued = self.events.push(event);
        debug_assert!(queued, "event queue overflow: poll_event after every call");
    }

    fn reject(&mut self, reason: DropReason, reply: Reply) {
        self.emit(Event::SegmentRejected { reason, reply });
    }

    fn set_state(&mut self, to: State, cause: Cause) {
        let from = self.state;
        if from == to {
            return;
        }
        debug_assert!(from.may_become(to), "illegal transition {from} -> {to}");
        self.state = to;
        if to == State::Established && self.passive {
            self.round_buffers_to_mss();
        }
        self.emit(Event::StateChanged { from, to, cause });
        if to.is_synchronized() {
            // The open succeeded: its time limit is over.
            self.cancel(Timer::Establishment);
        }
    }

    /// [`Config::buffers_in_mss_units`]: FreeBSD `tcp_mss` makes both buffers whole segments of
    /// the MSS in use, when at least one fits. An active opener meets it on the peer's SYN in
    /// SYN-SENT (`tcp_do_segment`), a passive one when its socket is made from the syncache on
    /// the handshake's last ACK (`syncache_socket`), after its SYN-ACK offered the window as it
    /// was.
    fn round_buffers_to_mss(&mut self) {
        if !self.config.buffers_in_mss_units {
            return;
        }
        let mss = usize::from(self.send_mss());
        for buf in [&mut self.send_buf, &mut self.recv_buf] {
            if buf.capacity() >= mss {
                buf.grow_to(buf.capacity().div_ceil(mss) * mss);
            }
        }
    }

    /// Enter CLOSED: stop every timer, drop the buffers, tell the application how it ended.
    fn close_with(&mut self, reason: CloseReason, cause: Cause) {
        for timer in Timer::ALL {
            self.cancel(timer);
        }
        self.send_buf.clear();
        self.recv_buf.clear();
        self.syn_text = 0;
        self.set_state(State::Closed, cause);
        self.emit(Event::Closed { reason });
    }

    /// Forgets every variable of a previous incarnation, as a fresh TCB would (RFC 9293 §3.10.1:
    /// an OPEN creates a new TCB; §3.10.7.4: a passive SYN-RECEIVED returns to LISTEN). The state,
    /// the configuration, the addresses and the not yet polled transmits and events are kept; the
    /// caller has stopped the timers (with their events).
    fn reset_tcb(&mut self) {
        let mut fresh = Connection::new(self.config, self.local, self.remote);
        fresh.state = self.state;
        core::mem::swap(&mut fresh.transmits, &mut self.transmits);
        core::mem::swap(&mut fresh.events, &mut self.events);
        *self = fresh;
    }

    /// Starts (or restarts) `timer` to wait `timeout` from `now`; it fires at the profile's
    /// [`Config::deadline`].
    fn arm(&mut self, timer: Timer, now: Instant, timeout: Duration) {
        // Whole microseconds, as every instant here is.
        let timeout = Duration::from_micros(timeout.as_micros() as u64);
        let deadline = self.config.deadline(now, timeout);
        self.timers[timer.index()] = Some(deadline);
        let backoff = match timer {
            Timer::Retransmit => self.backoff,
            Timer::Persist => self.persist_backoff,
            Timer::Keepalive => self.keepalive_probes_out,
            _ => 0,
        };
        self.emit(Event::TimerArmed { timer, deadline, timeout, backoff });
    }

    fn cancel(&mut self, timer: Timer) {
        if self.timers[timer.index()].take().is_some() {
            self.emit(Event::TimerCancelled { timer });
        }
    }

    /// RFC 6298 (5.1): start the retransmission timer when data (or SYN, FIN) is sent and it is
    /// not running.
    fn arm_retransmit_if_idle(&mut self, now: Instant) {
        if self.timer(Timer::Retransmit).is_none() {
            self.arm(Timer::Retransmit, now, self.rtt.rto());
        }
    }

    /// Text that arrives now is acknowledged and thrown away: reading is shut down on a stack
    /// that discards ([`ReadShutdown::Discard`]).
    fn discards_text(&self) -> bool {
        self.read_shut && self.config.read_shutdown == ReadShutdown::Discard
    }

    /// Why text that arrives now resets the connection, if it does: nobody can ever read it,
    /// after `close()` (RFC 1122 §4.2.2.13), or after `shutdown_read` on a stack that resets then
    /// ([`ReadShutdown::Reset`]).
    fn text_resets(&self) -> Option<DropReason> {
        if self.orphaned {
            Some(DropReason::DataAfterClose)
        } else if self.read_shut && self.config.read_shutdown == ReadShutdown::Reset {
            Some(DropReason::DataAfterShutdownRead)
        } else {
            None
        }
    }

    /// Largest payload per segment: the smaller MSS, less the timestamp option.
    fn send_mss(&self) -> u16 {
        let mss = self.negotiated.peer_mss.min(self.config.mss);
        let ts = if self.negotiated.timestamps { TIMESTAMP_OPTION_LEN } else { 0 };
        mss.saturating_sub(ts).max(1)
    }

    /// Our timestamp clock: milliseconds, offset per connection by the ISS (RFC 7323 §5.4 asks
    /// for a per-connection offset; the ISS is already one).
    fn ts_val(&self, now: Instant) -> u32 {
        (now.millis() as u32).wrapping_add(self.iss.0)
    }

    /// The smallest window worth offering (receiver SWS avoidance, RFC 9293 §3.8.6.2.2):
    /// min(half the buffer, a full segment).
    pub(super) fn sws_threshold(&self) -> usize {
        (self.recv_buf.capacity() / 2).min(usize::from(self.send_mss()))
    }

    /// The window field of a segment sent now. RFC 7323 §2.2: the window in a SYN is never
    /// scaled. Otherwise the free space, but (RFC 9293 §3.8.6.2.2, as Linux `__tcp_select_window`
    /// returns 0 below one MSS) none while less than [`Connection::sws_threshold`] is free, so
    /// that the peer never sends a silly small segment; and never less than what is left of the
    /// window already offered (its right edge does not move left, §3.8.6.2.2's "SHOULD NOT
    /// shrink": that space is free, so what the peer sends into it fits).
    fn window_field(&self, syn: bool) -> u16 {
        let free = self.rcv_wnd();
        let linux = self.config.linux_windows;
        if syn {
            let window = if linux { free.min(self.linux_initial_window()) } else { free };
            return window.min(u32::from(u16::MAX)) as u16;
        }
        let offered = match self.rcv_adv {
            Some(edge) if edge > self.rcv_nxt => edge - self.rcv_nxt,
            _ => 0,
        };
        let worth = if free as usize >= self.sws_threshold() { free } else { 0 };
        let (window, round_up) = if linux {
            // Linux (`__tcp_select_window`): never more than `rcv_ssthresh`, the first window;
            // from half the space up rounded *up* to the scale's unit ("Advertise enough space
            // so that it won't get scaled away"), below half rounded down; and what is left of
            // the window offered is kept, rounded up too (`tcp_select_window`).
            let worth = worth.min(self.linux_initial_window());
            let above_half = free as usize >= self.recv_buf.capacity() / 2;
            (worth.max(offered), above_half || offered > worth)
        } else {
            (worth.max(offered.min(free)), false)
        };
        let shift = self.negotiated.rcv_wscale;
        let unit = 1u32 << shift;
        let mut field = window >> shift;
        // The buffer takes what the rounding promises past its free space, less than a unit
        // ([`Connection::receivable`]), and no more: Linux's, twice its window space, stops at
        // its memory (`tcp_try_rmem_schedule`), this one at that unit.
        if round_up && field << shift < window && (field + 1) << shift < free + unit {
            field += 1;
        }
        if field == 0 && window > 0 && unit > u32::from(self.send_mss()) && (!linux || free > 0) {
            // A unit larger than a segment must not announce a zero window (nothing would
            // reopen it): one unit, as Linux's "prevent zero window announcement if
            // 1<<rcv_wscale > mss".
            field = 1;
        }
        field.min(u32::from(u16::MAX)) as u16
    }

    /// What may arrive from RCV.NXT on: the receive window ([`Connection::rcv_wnd`]), and with
    /// [`Config::linux_windows`] what is left of the window announced if that is more (a window
    /// rounded up to its unit promises less than a unit past the free space; Linux's buffer,
    /// twice its window space, holds it, and so does this one).
    pub(super) fn receivable(&self) -> u32 {
        match self.rcv_adv {
            Some(edge) if self.config.linux_windows && edge > self.rcv_nxt => self.rcv_wnd().max(edge - self.rcv_nxt),
            _ => self.rcv_wnd(),
        }
    }

    fn syn_options(&self, now: Instant, answering: bool) -> Options {
        let c = &self.config;
        if c.no_options {
            return Options::new();
        }
        if !answering && !self.syn_carries_options() {
            return Options::linux_syn(c.mss, false, None, None);
        }
        // A SYN-ACK offers only what the SYN offered and this end supports (`negotiated`).
        // Window scale (RFC 7323 §2.2) and timestamps (§3.2): "MAY send" in the <SYN,ACK> only if
        // the option came in the initial <SYN>. SACK-permitted (RFC 2018 §2) is an offer made in
        // a SYN and answered in kind: a SYN-ACK carries it only when both ends offer it, as Linux
        // (`tcp_synack_options`: `ireq->sack_ok`) and FreeBSD (syncache `SCF_SACK`) do. The MSS
        // option may always be sent (RFC 9293 §3.7.1).
        let sack = if answering { self.negotiated.sack_permitted } else { c.sack_permitted };
        let ts = if answering { self.negotiated.timestamps } else { c.timestamps };
        let ws = match (answering, self.negotiated.window_scaling) {
            (true, false) => None,
            // The shift chosen when the SYN was read (the buffers may have grown since).
            (true, true) => Some(self.negotiated.rcv_wscale),
            (false, _) => c.window_scale.map(|_| self.our_window_shift()),
        };
        Options::linux_syn(c.mss, sack, ts.then(|| (self.ts_val(now), if answering { self.ts_recent } else { 0 })), ws)
    }

    /// The ECN flags of our SYN (`answering` false) or SYN-ACK (RFC 3168 §6.1.1,
    /// [`Config::ecn`]): ECE and CWR on a SYN that asks (the first and its first `retries`
    /// retransmissions), ECE on a SYN-ACK that accepts.
    fn ecn_flags(&self, answering: bool) -> Flags {
        match (answering, self.config.ecn) {
            (true, _) if self.negotiated.ecn => Flags::ECE,
            (false, Ecn::Request { retries }) if self.backoff <= retries => Flags::ECE | Flags::CWR,
            _ => Flags::NONE,
        }
    }

    /// Linux's first window ([`Config::linux_windows`]): the receive space rounded down to whole
    /// segments of our MSS, less the timestamp option for a passive open that negotiated it.
    fn linux_initial_window(&self) -> u32 {
        let space = self.recv_buf.capacity() as u32;
        let ts = if self.passive && self.negotiated.timestamps { TIMESTAMP_OPTION_LEN } else { 0 };
        let mss = u32::from(self.config.mss.saturating_sub(ts).max(1));
        if space > mss { space / mss * mss } else { space }
    }

    /// The window scale our SYN or SYN-ACK announces ([`Config::window_scale`], lowered for a
    /// small buffer unless [`Config::window_scale_as_configured`]).
    fn our_window_shift(&self) -> u8 {
        let max = self.config.window_scale.unwrap_or(0);
        let capacity = self.recv_buf.capacity();
        if self.config.linux_windows && capacity < crate::config::LINUX_RECV_SPACE as usize {
            // A receive buffer set below the default (`SO_RCVBUF` locks it): Linux takes the
            // shift from it, `ilog2(window_clamp) - 15` in `tcp_select_initial_window`, 0 below
            // 64 KiB (`tests/captures/zero_window.pcap`: SO_RCVBUF 4096, wscale 0, window 4096).
            return (capacity.max(1).ilog2().saturating_sub(15) as u8).min(max);
        }
        if self.config.window_scale_as_configured {
            max.min(14)
        } else {
            announced_window_scale(self.recv_buf.capacity(), max)
        }
    }

    /// Whether our SYN carries its window scale, timestamp and SACK-permitted options: always,
    /// unless [`Config::syn_options_retries`] says this retransmission sends the MSS alone, or
    /// [`Config::no_options`] none at all.
    fn syn_carries_options(&self) -> bool {
        !self.config.no_options && self.config.syn_options_retries.is_none_or(|n| self.backoff <= n)
    }

    /// Queues one segment. Every segment with ACK carries RCV.NXT and so satisfies any pending ACK.
    fn push_segment(&mut self, now: Instant, seq: SeqNum, flags: Flags, payload_len: u16, retransmission: bool) {
        self.push_outgoing(now, seq, flags, payload_len, retransmission, false);
    }

    /// A keep-alive probe with one garbage octet at `seq` (SND.NXT−1).
    fn push_garbage_probe(&mut self, now: Instant, seq: SeqNum) {
        self.push_outgoing(now, seq, Flags::ACK, 1, false, true);
    }

    fn push_outgoing(
        &mut self,
        now: Instant,
        seq: SeqNum,
        flags: Flags,
        payload_len: u16,
        retransmission: bool,
        garbage: bool,
    ) {
        let syn = flags.contains(Flags::SYN);
        let flags = if syn { flags | self.ecn_flags(flags.contains(Flags::ACK)) } else { flags };
        let options = if syn {
            self.syn_options(now, flags.contains(Flags::ACK))
        } else if self.negotiated.timestamps {
            Options::linux_timestamps(self.ts_val(now), self.ts_recent)
        } else {
            Options::new()
        };
        let repr = TcpRepr {
            src_port: self.local.port(),
            dst_port: self.remote.port(),
            seq,
            ack: if flags.contains(Flags::ACK) { self.rcv_nxt } else { SeqNum(0) },
            reserved: 0,
            flags,
            window: if flags.contains(Flags::RST) && self.config.rst_window_zero { 0 } else { self.window_field(syn) },
            checksum: 0,
            urgent: 0,
            options,
        };
        if !syn && flags.contains(Flags::ACK) {
            let edge = self.rcv_nxt + (u32::from(repr.window) << self.negotiated.rcv_wscale);
            if self.rcv_adv.is_none_or(|old| edge > old) {
                self.rcv_adv = Some(edge);
            }
        }
        let queued = self.transmits.push(Outgoing { repr, payload_len, retransmission, garbage });
        debug_assert!(queued, "transmit queue overflow: poll_transmit after every call");
        if flags.contains(Flags::ACK) {
            self.ack.now = false;
            self.ack.pending = false;
            self.ack.full_segments = 0;
            self.cancel(Timer::DelayedAck);
        }
        if payload_len > 0 && !garbage && self.config.interactive_acks {
            // Linux tcp_event_data_sent: answering within the ACK timeout marks an interactive
            // exchange ("pingpong"), whose ACKs are then delayed to ride on the answers.
            if let Some(ato) = self.config.delayed_ack
                && self.ack.seen_data
                && now.saturating_since(self.ack.last_data_at) < ato
            {
                self.ack.interactive = true;
            }
        }
    }

    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`.
    fn push_ack(&mut self, now: Instant) {
        let in_fin_state = matches!(self.state, State::FinWait1 | State::Closing | State::LastAck);
        let unacked_fin = self.fin_seq.filter(|&fin| self.snd_nxt == fin + 1 && !self.fin_acked());
        if let Some(fin) = unacked_fin.filter(|_| self.config.fin_on_every_ack && in_fin_state && !self.ack.challenge) {
            // BSD: the ACK repeats our FIN (`Config::fin_on_every_ack`).
            self.push_segment(now, fin, Flags::FIN | Flags::ACK, 0, true);
        } else {
            self.push_segment(now, self.snd_nxt, Flags::ACK, 0, false);
        }
    }

    /// Queues this connection's own reset, `<SEQ=SND.NXT><CTL=RST>` (RFC 9293 §3.10.5), with the
    /// ACK bit where the profile's stack sets it (`Config::abort_rst_has_ack`).
    fn push_own_reset(&mut self, now: Instant) {
        let flags = if self.config.abort_rst_has_ack { Flags::RST | Flags::ACK } else { Flags::RST };
        self.push_segment(now, self.snd_nxt, flags, 0, false);
    }

    /// Queues a reset answering `seg`, built as for a closed port (RFC 9293 §3.10.7.1).
    fn push_reset_for(&mut self, seg: &TcpRepr, payload_len: usize) {
        if let Some(repr) = reset_for(seg, payload_len) {
            let queued = self.transmits.push(Outgoing { repr, payload_len: 0, retransmission: false, garbage: false });
            debug_assert!(queued, "transmit queue overflow");
        }
    }

    /// Sends what the window and the application allow: new data, then our FIN; then the ACK
    /// that is due now if nothing else carried it. Called at the end of every handler and command.
    fn flush(&mut self, now: Instant) {
        self.send_data(now);
        if self.ack.now && self.state != State::Closed {
            self.push_ack(now);
        }
        self.ack.now = false;
        self.ack.challenge = false;
        if !self.keepalive_may_probe() {
            // Data in flight or waiting (the retransmission or persist timer decides now), a
            // state without keep-alive, or the application turned it off.
            self.cancel(Timer::Keepalive);
        }
    }

    /// Whether keep-alive may run now (see [`Config::keepalive`]): on, in ESTABLISHED or
    /// CLOSE-WAIT, with nothing unacknowledged and nothing waiting to be sent.
    fn keepalive_may_probe(&self) -> bool {
        self.config.keepalive
            && matches!(self.state, State::Established | State::CloseWait)
            && self.snd_una == self.snd_nxt
            && self.send_buf_seq + self.send_buf.len() as u32 == self.snd_nxt
    }

    /// RFC 1122 §4.2.3.6: the idle time counts from the last segment received (Linux
    /// `keepalive_time_elapsed`, FreeBSD `t_rcvtime`), so every arriving segment starts it again
    /// and forgets the probes that went unanswered before it.
    fn restart_keepalive(&mut self, now: Instant) {
        let probes_out = core::mem::take(&mut self.keepalive_probes_out);
        if self.keepalive_may_probe() {
            let idle = self.config.keepalive_idle;
            // Two segments in the same instant restart it once.
            if probes_out > 0 || self.timer(Timer::Keepalive) != Some(self.config.deadline(now, idle)) {
                self.arm(Timer::Keepalive, now, idle);
            }
        }
    }

    fn send_data(&mut self, now: Instant) {
        // CLOSING is included: a CLOSE queues the FIN behind unsent data (RFC 9293 §3.10.4,
        // "queue this until all preceding SENDs have been segmentized"), so the peer's FIN can
        // arrive (FIN-WAIT-1 -> CLOSING) while data and our FIN still wait for the window.
        if !matches!(
            self.state,
            State::Established | State::CloseWait | State::FinWait1 | State::Closing | State::LastAck
        ) {
            return;
        }
        while self.fin_seq.is_none() {
            if self.transmits.is_full() {
                // One call sends at most TRANSMIT_QUEUE segments (a small peer MSS can ask for
                // hundreds); the rest leaves from the flush of the ACKs they bring back.
                break;
            }
            let buffered_end = self.send_buf_seq + self.send_buf.len() as u32;
            let unsent = buffered_end - self.snd_nxt;
            let window_end = self.snd_una + self.snd_wnd;
            let window_left = if window_end > self.snd_nxt { window_end - self.snd_nxt } else { 0 };
            let len = unsent.min(u32::from(self.send_mss())).min(window_left);
            let fin = self.fin_queued && len == unsent;
            if len == 0 && !fin {
                break;
            }
            let mut flags = Flags::ACK;
            if len > 0 && len == unsent {
                flags = flags | Flags::PSH;
            }
            if fin {
                flags = flags | Flags::FIN;
            }
            let seq = self.snd_nxt;
            self.push_segment(now, seq, flags, len as u16, false);
            self.snd_nxt += len + u32::from(fin);
            if fin {
                self.fin_seq = Some(seq + len);
            }
            if self.rtt_probe.is_none() {
                self.rtt_probe = Some((self.snd_nxt, now));
            }
            self.arm_retransmit_if_idle(now);
        }
        // RFC 9293 §3.8.6.1 (MUST-36): data waits behind a zero window and nothing in flight will
        // bring an ACK that reopens it, so probe the window when the persist timer fires.
        let unsent = self.send_buf_seq + self.send_buf.len() as u32 != self.snd_nxt;
        if unsent
            && self.snd_wnd == 0
            && self.snd_una == self.snd_nxt
            && self.timer(Timer::Retransmit).is_none()
            && self.timer(Timer::Persist).is_none()
        {
            self.arm(Timer::Persist, now, self.rtt.rto());
        }
    }
}

/// The reset that answers `seg` when no connection wants it (RFC 9293 §3.10.7.1): if the segment
/// has ACK, `<SEQ=SEG.ACK><CTL=RST>`; otherwise `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`.
/// A reset is never answered.
pub fn reset_for(seg: &TcpRepr, payload_len: usize) -> Option<TcpRepr> {
    if seg.flags.contains(Flags::RST) {
        return None;
    }
    let (seq, ack, flags) = if seg.flags.contains(Flags::ACK) {
        (seg.ack, SeqNum(0), Flags::RST)
    } else {
        (SeqNum(0), seg.seq + seg.segment_len(payload_len), Flags::RST | Flags::ACK)
    };
    Some(TcpRepr {
        src_port: seg.dst_port,
        dst_port: seg.src_port,
        seq,
        ack,
        reserved: 0,
        flags,
        window: 0,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    })
}
