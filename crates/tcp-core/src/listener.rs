//! A listening socket with a SYN (half-open) queue and an accept queue, and SYN cookies
//! (RFC 4987 §3.6). Needs `alloc`: the queues hold whole connections.

use crate::config::Config;
use crate::conn::{Connection, Transmit, reset_for};
use crate::event::{DropReason, Event, Reply};
use crate::index::{Index, Slab, addr_key};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::Instant;
use crate::wire::{Flags, TcpRepr};
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddrV4;

/// Something that happened at a listener, attributed to the peer it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenerEvent {
    /// The peer the event concerns.
    pub remote: SocketAddrV4,
    /// One of a queued connection's own events, or a rejection by the listener itself (a full
    /// queue, a SYN cookie, a bad cookie).
    pub event: Event,
}

/// A segment to send: the listener's own (resets, cookie SYN-ACKs) or one of its queued
/// connections', taken from it as soon as it was made, so they leave in the order they were made.
#[derive(Clone, Copy, Debug)]
struct Outgoing {
    remote: SocketAddrV4,
    repr: TcpRepr,
    retransmission: bool,
}

/// The queue a connection waits in. The SYN queue comes first wherever the listener goes through
/// its connections (timers, close), as a kernel walks its request queue before its accept queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Queue {
    /// Half-open (SYN-RECEIVED).
    Syn,
    /// Established, waiting for `accept()`.
    Accept,
}

/// Where a queued connection sits: its queue (the top bit), then the order in which it entered
/// that queue, so that slots sort by queue, then order.
type Slot = u64;

const ACCEPT_BIT: u64 = 1 << 63;

fn slot(queue: Queue, order: u64) -> Slot {
    match queue {
        Queue::Syn => order & !ACCEPT_BIT,
        Queue::Accept => order | ACCEPT_BIT,
    }
}

fn queue_of(slot: Slot) -> Queue {
    if slot & ACCEPT_BIT == 0 { Queue::Syn } else { Queue::Accept }
}

/// A deadline index's key: the deadline, then the slot.
fn deadline_key(deadline: Instant, slot: Slot) -> u128 {
    (u128::from(deadline.micros) << 64) | u128::from(slot)
}

/// A listening socket: LISTEN plus the queues in front of `accept()`.
///
/// Every operation costs O(log n) in the queued connections: they are kept by slot, indexed by
/// peer, and their deadlines are kept sorted, so a SYN flood does not make each segment or timer
/// walk the queues.
#[derive(Debug)]
pub struct Listener {
    config: Config,
    local: SocketAddrV4,
    cookie_secret: u64,
    /// Queued connections by slot (the SYN queue first, each queue in the order connections
    /// entered it): where each is in `conns`.
    children: Index,
    conns: Slab<Box<Connection>>,
    /// The slot of each peer's connection (a peer has at most one queued connection).
    by_remote: Index,
    /// Each queued connection's next deadline, earliest first ([`deadline_key`]).
    deadlines: Index,
    /// Connections in the SYN queue.
    half_open: usize,
    /// Connections that entered a queue so far: the next slot's order.
    entered: u64,
    /// When it last answered a SYN with a cookie (its SYN queue overflowed).
    last_cookie: Option<Instant>,
    outgoing: VecDeque<Outgoing>,
    events: VecDeque<ListenerEvent>,
}

impl Listener {
    /// A listener on `local`. `cookie_secret` keys the SYN cookies.
    pub fn new(config: Config, local: SocketAddrV4, cookie_secret: u64) -> Listener {
        Listener {
            config,
            local,
            cookie_secret,
            children: Index::new(),
            conns: Slab::default(),
            by_remote: Index::new(),
            deadlines: Index::new(),
            half_open: 0,
            entered: 0,
            last_cookie: None,
            outgoing: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The configuration its connections get.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The address it listens on.
    pub fn local(&self) -> SocketAddrV4 {
        self.local
    }
    /// Half-open connections now in the SYN queue.
    pub fn half_open(&self) -> usize {
        self.half_open
    }
    /// Connections waiting for `accept()`.
    pub fn pending_accept(&self) -> usize {
        self.children.len() - self.half_open
    }
    /// Whether the accept queue holds all the profile allows for its backlog
    /// ([`crate::config::AcceptQueueSize`]).
    fn accept_queue_full(&self) -> bool {
        self.pending_accept() >= self.config.accept_queue_size.holds(self.config.accept_backlog)
    }
    /// The connection with `remote`, if one is queued here.
    pub fn child(&self, remote: SocketAddrV4) -> Option<&Connection> {
        let slot = self.by_remote.get(u128::from(addr_key(remote)))?;
        self.conns.get(self.children.get(u128::from(slot))?).map(|c| &**c)
    }

    /// Takes the oldest established connection (`accept()`).
    pub fn accept(&mut self) -> Option<Connection> {
        let (key, _) = self.children.first_in(u128::from(ACCEPT_BIT), u128::from(u64::MAX))?;
        let slot = key as Slot;
        let child = self.take_child(slot)?;
        self.by_remote.remove(u128::from(addr_key(child.remote())));
        if let Some(deadline) = child.poll_timeout() {
            self.deadlines.remove(deadline_key(deadline, slot));
        }
        Some(*child)
    }

    /// Handles a segment for this port from `remote`. `isn` is the ISS a new half-open connection
    /// would use (the caller owns ISN generation).
    pub fn handle_segment(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr, payload: &[u8], isn: SeqNum) {
        if let Some(slot) = self.by_remote.get(u128::from(addr_key(remote))) {
            let completes = queue_of(slot) == Queue::Syn
                && seg.flags.contains(Flags::ACK)
                && !seg.flags.contains(Flags::SYN)
                && !seg.flags.contains(Flags::RST);
            if completes && self.accept_queue_full() {
                self.overflow(now, remote, slot, seg, payload.len());
                return;
            }
            self.with_child(slot, |c| c.handle_segment(now, seg, payload));
            return;
        }
        let flags = seg.flags;
        // A SYN with FIN that the profile drops (`Config::syn_fin`) goes to the LISTEN rules below.
        let drop_syn_fin = flags.contains(Flags::FIN) && self.config.syn_fin != crate::config::SynFin::Process;
        if flags.contains(Flags::SYN) && !flags.contains(Flags::ACK) && !flags.contains(Flags::RST) && !drop_syn_fin {
            self.on_syn(now, remote, seg, payload, isn);
        } else if flags.contains(Flags::ACK)
            && !flags.contains(Flags::RST)
            && !flags.contains(Flags::SYN)
            && self.config.syn_cookies
            && self.last_cookie.is_some_and(|at| now.micros - at.micros < COOKIE_PERIOD_MICROS * COOKIE_MAX_AGE_PERIODS)
        {
            // Only an ACK without SYN can carry a cookie (Linux `tcp_v4_cookie_check`: `!th->syn`),
            // and only while cookies sent lately may still come back (`tcp_synq_no_recent_overflow`):
            // otherwise it is an ACK in LISTEN, below.
            self.on_cookie_ack(now, remote, seg, payload);
        } else {
            // LISTEN rules (RFC 9293 §3.10.7.2) through a throwaway connection in LISTEN.
            let mut listen = Connection::new(self.config, self.local, remote);
            let _ = listen.listen(isn);
            while listen.poll_event().is_some() {}
            listen.handle_segment(now, seg, payload);
            self.take_output(&mut listen);
        }
    }

    fn on_syn(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr, payload: &[u8], isn: SeqNum) {
        if self.config.accept_queue_full_drops_syn && self.accept_queue_full() {
            self.reject(remote, DropReason::AcceptQueueFull);
            return;
        }
        if self.half_open >= usize::from(self.config.syn_backlog) {
            if self.config.syn_cookies {
                self.send_cookie(now, remote, seg);
            } else {
                self.reject(remote, DropReason::SynQueueFull);
            }
            return;
        }
        let mut child = Connection::new(self.config, self.local, remote);
        let _ = child.listen(isn);
        while child.poll_event().is_some() {}
        let slot = self.enqueue(child);
        self.with_child(slot, |c| c.handle_segment(now, seg, payload));
    }

    /// The ACK that would complete the handshake of the half-open connection in `slot` came
    /// while the accept queue is full (Linux `tcp_check_req`, `listen_overflow`): dropped, the
    /// connection left half-open to send its SYN-ACK again; or, with
    /// [`crate::Config::abort_on_overflow`], reset and forgotten. The reset answers the ACK,
    /// `<SEQ=SEG.ACK><CTL=RST>` (Linux `tcp_v4_send_reset` from `tcp_check_req`, FreeBSD
    /// `tcp_dropwithreset`), not the connection's own `RST, ACK`.
    fn overflow(&mut self, now: Instant, remote: SocketAddrV4, slot: Slot, seg: &TcpRepr, payload_len: usize) {
        let reply = if self.config.abort_on_overflow { Reply::Reset } else { Reply::Nothing };
        let event = Event::SegmentRejected { reason: DropReason::AcceptQueueFull, reply };
        self.events.push_back(ListenerEvent { remote, event });
        if self.config.abort_on_overflow {
            self.with_child(slot, |c| {
                let _ = c.abort(now);
                while c.poll_transmit().is_some() {}
            });
            if let Some(repr) = reset_for(seg, payload_len) {
                self.outgoing.push_back(Outgoing { remote, repr, retransmission: false });
            }
        }
    }

    fn reject(&mut self, remote: SocketAddrV4, reason: DropReason) {
        let event = Event::SegmentRejected { reason, reply: Reply::Nothing };
        self.events.push_back(ListenerEvent { remote, event });
    }

    /// RFC 4987 §3.6: answer with a SYN-ACK whose ISS encodes the connection, and keep nothing.
    fn send_cookie(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr) {
        self.last_cookie = Some(now);
        let mss_index = cookie_mss_index(seg.options.mss().unwrap_or(536));
        let iss = self.cookie(now.micros / COOKIE_PERIOD_MICROS, remote, seg.seq, mss_index);
        let mut child = Connection::new(self.config, self.local, remote);
        let _ = child.listen(iss);
        let mut plain = *seg;
        // A cookie cannot remember options it does not encode (Linux keeps them in TSval).
        plain.options = crate::wire::Options::new();
        if let Some(mss) = seg.options.mss() {
            let _ = plain.options.push(crate::wire::TcpOption::Mss(mss));
        }
        child.handle_segment(now, &plain, &[]);
        while child.poll_event().is_some() {}
        if let Some(t) = child.poll_transmit() {
            self.outgoing.push_back(Outgoing { remote, repr: t.repr, retransmission: false });
        }
        let event = Event::SegmentRejected { reason: DropReason::SynCookie, reply: Reply::SynAck };
        self.events.push_back(ListenerEvent { remote, event });
    }

    /// An ACK with no half-open connection: rebuild the connection if it carries a valid cookie.
    fn on_cookie_ack(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr, payload: &[u8]) {
        let iss = SeqNum(seg.ack.0.wrapping_sub(1));
        let irs = SeqNum(seg.seq.0.wrapping_sub(1));
        let period = now.micros / COOKIE_PERIOD_MICROS;
        let valid = (0..COOKIE_MAX_AGE_PERIODS).any(|age| {
            let p = period.wrapping_sub(age);
            let mss_index = iss.0 & 0x7;
            self.cookie(p, remote, irs, mss_index) == iss
        });
        if !valid || self.accept_queue_full() {
            let reason = if valid { DropReason::AcceptQueueFull } else { DropReason::BadCookie };
            let reply = if valid { Reply::Nothing } else { Reply::Reset };
            self.events.push_back(ListenerEvent { remote, event: Event::SegmentRejected { reason, reply } });
            if !valid && let Some(repr) = reset_for(seg, payload.len()) {
                self.outgoing.push_back(Outgoing { remote, repr, retransmission: false });
            }
            return;
        }
        // Replay the handshake the cookie stands for: the SYN it answered, then this ACK.
        let mss = COOKIE_MSS[(iss.0 & 0x7) as usize];
        let mut syn = *seg;
        syn.flags = Flags::SYN;
        syn.seq = irs;
        syn.ack = SeqNum(0);
        syn.options = crate::wire::Options::new();
        let _ = syn.options.push(crate::wire::TcpOption::Mss(mss));
        let mut child = Connection::new(self.config, self.local, remote);
        let _ = child.listen(iss);
        child.handle_segment(now, &syn, &[]);
        while child.poll_transmit().is_some() {}
        // The replayed SYN's state changes are not news, but what it negotiated is the rebuilt
        // connection's (the cookie's MSS, and no other option).
        while let Some(event) = child.poll_event() {
            if let Event::Negotiated(_) = event {
                self.events.push_back(ListenerEvent { remote, event });
            }
        }
        let slot = self.enqueue(child);
        self.with_child(slot, |c| c.handle_segment(now, seg, payload));
    }

    /// A keyed hash of the connection: 5 bits of time period, 24 bits of hash, 3 bits of MSS index.
    fn cookie(&self, period: u64, remote: SocketAddrV4, client_isn: SeqNum, mss_index: u32) -> SeqNum {
        let mut h = self.cookie_secret ^ period.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for word in [
            u64::from(remote.ip().to_bits()),
            u64::from(remote.port()),
            u64::from(self.local.ip().to_bits()),
            u64::from(self.local.port()),
            u64::from(client_isn.0),
        ] {
            h = mix(h ^ word);
        }
        let hash24 = (h as u32) & 0x00FF_FFFF;
        SeqNum((((period & 0x1F) as u32) << 27) | (hash24 << 3) | (mss_index & 0x7))
    }

    /// Puts a new half-open connection at the end of the SYN queue.
    fn enqueue(&mut self, child: Connection) -> Slot {
        let slot = self.next_slot(Queue::Syn);
        self.by_remote.insert(u128::from(addr_key(child.remote())), slot);
        self.put_child(slot, Box::new(child));
        self.half_open += 1;
        slot
    }

    fn next_slot(&mut self, queue: Queue) -> Slot {
        self.entered += 1;
        slot(queue, self.entered)
    }

    /// Files `child` under `slot`.
    fn put_child(&mut self, slot: Slot, child: Box<Connection>) {
        let at = self.conns.insert(child);
        self.children.insert(u128::from(slot), at);
    }

    /// Takes the connection filed under `slot`.
    fn take_child(&mut self, slot: Slot) -> Option<Box<Connection>> {
        let at = self.children.remove(u128::from(slot))?;
        self.conns.remove(at)
    }

    /// Runs `f` on the connection in `slot`, then takes what it did (its segments and events) and
    /// files it again: a half-open connection that became established moves to the end of the
    /// accept queue; one back in LISTEN (reset) or CLOSED (timed out) leaves.
    fn with_child(&mut self, slot: Slot, f: impl FnOnce(&mut Connection)) {
        let Some(mut child) = self.take_child(slot) else { return };
        if let Some(deadline) = child.poll_timeout() {
            self.deadlines.remove(deadline_key(deadline, slot));
        }
        f(&mut child);
        self.take_output(&mut child);
        let state = child.state();
        let new_slot = match (queue_of(slot), state) {
            (Queue::Accept, _) | (Queue::Syn, State::SynReceived) => Some(slot),
            (Queue::Syn, State::Listen | State::Closed) => None,
            (Queue::Syn, _) => Some(self.next_slot(Queue::Accept)),
        };
        if queue_of(slot) == Queue::Syn && new_slot != Some(slot) {
            self.half_open -= 1;
        }
        match new_slot {
            Some(new_slot) => {
                self.by_remote.insert(u128::from(addr_key(child.remote())), new_slot);
                if let Some(deadline) = child.poll_timeout() {
                    self.deadlines.insert(deadline_key(deadline, new_slot), 0);
                }
                self.put_child(new_slot, child);
            }
            None => {
                self.by_remote.remove(u128::from(addr_key(child.remote())));
            }
        }
    }

    /// Takes the segments and events `conn` queued.
    fn take_output(&mut self, conn: &mut Connection) {
        let remote = conn.remote();
        while let Some(t) = conn.poll_transmit() {
            debug_assert!(t.payload.is_empty(), "a queued connection sends no data");
            self.outgoing.push_back(Outgoing { remote, repr: t.repr, retransmission: t.retransmission });
        }
        while let Some(event) = conn.poll_event() {
            self.events.push_back(ListenerEvent { remote, event });
        }
    }

    /// Closes the listening socket: every queued connection is aborted (RFC 9293 §3.10.5; Linux
    /// `inet_csk_listen_stop`), its reset and events left to poll; a half-open one without its
    /// reset unless `Config::reset_half_open_on_close`.
    pub fn close(&mut self, now: Instant) {
        let slots: Vec<Slot> = self.children.keys().map(|k| k as Slot).collect();
        for slot in slots {
            let silent = queue_of(slot) == Queue::Syn && !self.config.reset_half_open_on_close;
            self.with_child(slot, |c| {
                let _ = c.abort(now);
                if silent {
                    while c.poll_transmit().is_some() {}
                }
            });
        }
        self.children.clear();
        self.conns.clear();
        self.by_remote.clear();
        self.deadlines.clear();
        self.half_open = 0;
    }

    /// Fires the due timers of the queued connections, SYN queue first, each queue in order.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut due: Vec<Slot> = Vec::new();
        while let Some((key, _)) = self.deadlines.first()
            && (key >> 64) as u64 <= now.micros
        {
            self.deadlines.pop_first();
            due.push(key as Slot);
        }
        crate::sort::sort_by(&mut due, &Ord::cmp);
        for slot in due {
            self.with_child(slot, |c| c.handle_timeout(now));
        }
    }

    /// The earliest deadline among the queued connections.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|(key, _)| Instant::from_micros((key >> 64) as u64))
    }

    /// The next event, with the peer it concerns.
    pub fn poll_event(&mut self) -> Option<ListenerEvent> {
        self.events.pop_front()
    }

    /// The next segment to send, in the order they were made.
    pub fn poll_transmit(&mut self) -> Option<Transmit<'_>> {
        let out = self.outgoing.pop_front()?;
        Some(Transmit {
            src: self.local,
            dst: out.remote,
            repr: out.repr,
            payload: &[],
            retransmission: out.retransmission,
        })
    }
}

/// Cookie time periods: 64 s, and a cookie stays valid for two of them.
const COOKIE_PERIOD_MICROS: u64 = 64_000_000;
const COOKIE_MAX_AGE_PERIODS: u64 = 2;
/// The MSS values a cookie can encode in 3 bits (as Linux's `msstab`, extended).
const COOKIE_MSS: [u16; 8] = [536, 1300, 1440, 1460, 4312, 8960, 16344, 65483];

fn cookie_mss_index(mss: u16) -> u32 {
    COOKIE_MSS.iter().rposition(|&m| m <= mss).unwrap_or(0) as u32
}

/// SplitMix64's finalizer: a fast, well-mixed keyed hash step.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
