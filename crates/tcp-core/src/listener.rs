//! A listening socket with a SYN (half-open) queue and an accept queue, and SYN cookies
//! (RFC 4987 §3.6). Needs `alloc`: the queues hold whole connections.

use crate::config::Config;
use crate::conn::{Connection, Transmit, reset_for};
use crate::event::{DropReason, Event, Reply};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::Instant;
use crate::wire::{Flags, TcpRepr};
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddrV4;

/// Something that happened at a listener, attributed to the peer it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenerEvent {
    /// The peer the event concerns.
    pub remote: SocketAddrV4,
    /// What happened.
    pub event: Event,
}

/// A segment the listener sends itself (resets and cookie SYN-ACKs), as opposed to those of its
/// half-open connections.
#[derive(Clone, Copy, Debug)]
struct OwnTransmit {
    remote: SocketAddrV4,
    repr: TcpRepr,
}

/// A listening socket: LISTEN plus the queues in front of `accept()`.
#[derive(Debug)]
pub struct Listener {
    config: Config,
    local: SocketAddrV4,
    cookie_secret: u64,
    /// Half-open connections (SYN-RECEIVED).
    syn_queue: Vec<Connection>,
    /// Established connections waiting for `accept()`.
    accept_queue: VecDeque<Connection>,
    own: VecDeque<OwnTransmit>,
    events: VecDeque<ListenerEvent>,
    /// Index of the child whose transmits are being drained.
    draining: usize,
}

impl Listener {
    /// A listener on `local`. `cookie_secret` keys the SYN cookies.
    pub fn new(config: Config, local: SocketAddrV4, cookie_secret: u64) -> Listener {
        Listener {
            config,
            local,
            cookie_secret,
            syn_queue: Vec::new(),
            accept_queue: VecDeque::new(),
            own: VecDeque::new(),
            events: VecDeque::new(),
            draining: 0,
        }
    }

    /// The address it listens on.
    pub fn local(&self) -> SocketAddrV4 {
        self.local
    }
    /// Half-open connections now in the SYN queue.
    pub fn half_open(&self) -> usize {
        self.syn_queue.len()
    }
    /// Connections waiting for `accept()`.
    pub fn pending_accept(&self) -> usize {
        self.accept_queue.len()
    }
    /// The connection with `remote`, if one is queued here.
    pub fn child(&self, remote: SocketAddrV4) -> Option<&Connection> {
        self.syn_queue.iter().chain(self.accept_queue.iter()).find(|c| c.remote() == remote)
    }

    /// Takes the oldest established connection (`accept()`).
    pub fn accept(&mut self) -> Option<Connection> {
        self.accept_queue.pop_front()
    }

    /// Handles a segment for this port from `remote`. `isn` is the ISS a new half-open connection
    /// would use (the caller owns ISN generation).
    pub fn handle_segment(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr, payload: &[u8], isn: SeqNum) {
        if let Some(i) = self.syn_queue.iter().position(|c| c.remote() == remote) {
            self.syn_queue[i].handle_segment(now, seg, payload);
            self.collect_child_events(i);
            self.promote_or_discard(now);
            return;
        }
        if let Some(c) = self.accept_queue.iter_mut().find(|c| c.remote() == remote) {
            c.handle_segment(now, seg, payload);
            let remote = c.remote();
            while let Some(event) = c.poll_event() {
                self.events.push_back(ListenerEvent { remote, event });
            }
            return;
        }
        let flags = seg.flags;
        if flags.contains(Flags::SYN) && !flags.contains(Flags::ACK) && !flags.contains(Flags::RST) {
            self.on_syn(now, remote, seg, payload, isn);
        } else if flags.contains(Flags::ACK) && !flags.contains(Flags::RST) && self.config.syn_cookies {
            self.on_cookie_ack(now, remote, seg, payload);
        } else {
            // LISTEN rules (RFC 9293 §3.10.7.2) through a throwaway connection in LISTEN.
            let mut listen = Connection::new(self.config, self.local, remote);
            let _ = listen.listen(isn);
            while listen.poll_event().is_some() {}
            listen.handle_segment(now, seg, payload);
            self.adopt_transmits(&mut listen, remote);
            while let Some(event) = listen.poll_event() {
                self.events.push_back(ListenerEvent { remote, event });
            }
        }
    }

    fn on_syn(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr, payload: &[u8], isn: SeqNum) {
        if self.accept_queue.len() >= usize::from(self.config.accept_backlog) {
            self.reject(remote, DropReason::AcceptQueueFull);
            return;
        }
        if self.syn_queue.len() >= usize::from(self.config.syn_backlog) {
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
        child.handle_segment(now, seg, payload);
        self.syn_queue.push(child);
        let i = self.syn_queue.len() - 1;
        self.collect_child_events(i);
        self.promote_or_discard(now);
    }

    fn reject(&mut self, remote: SocketAddrV4, reason: DropReason) {
        let event = Event::SegmentRejected { reason, reply: Reply::Nothing };
        self.events.push_back(ListenerEvent { remote, event });
    }

    /// RFC 4987 §3.6: answer with a SYN-ACK whose ISS encodes the connection, and keep nothing.
    fn send_cookie(&mut self, now: Instant, remote: SocketAddrV4, seg: &TcpRepr) {
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
            self.own.push_back(OwnTransmit { remote, repr: t.repr });
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
        if !valid || self.accept_queue.len() >= usize::from(self.config.accept_backlog) {
            let reason = if valid { DropReason::AcceptQueueFull } else { DropReason::BadCookie };
            let reply = if valid { Reply::Nothing } else { Reply::Reset };
            self.events.push_back(ListenerEvent { remote, event: Event::SegmentRejected { reason, reply } });
            if !valid && let Some(repr) = reset_for(seg, payload.len()) {
                self.own.push_back(OwnTransmit { remote, repr });
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
        while child.poll_event().is_some() {}
        child.handle_segment(now, seg, payload);
        self.syn_queue.push(child);
        let i = self.syn_queue.len() - 1;
        self.collect_child_events(i);
        self.promote_or_discard(now);
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

    fn collect_child_events(&mut self, i: usize) {
        let child = &mut self.syn_queue[i];
        let remote = child.remote();
        while let Some(event) = child.poll_event() {
            self.events.push_back(ListenerEvent { remote, event });
        }
    }

    /// Children that became ESTABLISHED move to the accept queue; those back in LISTEN (reset)
    /// or CLOSED (timed out) leave the SYN queue, after their last segments are taken.
    fn promote_or_discard(&mut self, _now: Instant) {
        let mut i = 0;
        while i < self.syn_queue.len() {
            let state = self.syn_queue[i].state();
            if state == State::SynReceived {
                i += 1;
                continue;
            }
            let mut child = self.syn_queue.remove(i);
            let remote = child.remote();
            if matches!(state, State::Listen | State::Closed) {
                self.adopt_transmits(&mut child, remote);
            } else {
                self.adopt_transmits(&mut child, remote);
                self.accept_queue.push_back(child);
            }
        }
    }

    fn adopt_transmits(&mut self, conn: &mut Connection, remote: SocketAddrV4) {
        while let Some(t) = conn.poll_transmit() {
            debug_assert!(t.payload.is_empty(), "a half-open connection sends no data");
            self.own.push_back(OwnTransmit { remote, repr: t.repr });
        }
    }

    /// Closes the listening socket: every queued connection is aborted (RFC 9293 §3.10.5; Linux
    /// `inet_csk_listen_stop`), its reset and events left to poll.
    pub fn close(&mut self, now: Instant) {
        let children: Vec<Connection> = self.syn_queue.drain(..).chain(self.accept_queue.drain(..)).collect();
        for mut child in children {
            let remote = child.remote();
            let _ = child.abort(now);
            self.adopt_transmits(&mut child, remote);
            while let Some(event) = child.poll_event() {
                self.events.push_back(ListenerEvent { remote, event });
            }
        }
    }

    /// Fires due timers of the half-open connections.
    pub fn handle_timeout(&mut self, now: Instant) {
        for i in 0..self.syn_queue.len() {
            self.syn_queue[i].handle_timeout(now);
            self.collect_child_events(i);
        }
        for c in self.accept_queue.iter_mut() {
            c.handle_timeout(now);
            let remote = c.remote();
            while let Some(event) = c.poll_event() {
                self.events.push_back(ListenerEvent { remote, event });
            }
        }
        self.promote_or_discard(now);
    }

    /// The earliest deadline among the queued connections.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.syn_queue.iter().chain(self.accept_queue.iter()).filter_map(Connection::poll_timeout).min()
    }

    /// The next event, with the peer it concerns.
    pub fn poll_event(&mut self) -> Option<ListenerEvent> {
        self.events.pop_front()
    }

    /// The next segment to send: the listener's own, then each queued connection's.
    pub fn poll_transmit(&mut self) -> Option<Transmit<'_>> {
        if let Some(t) = self.own.pop_front() {
            return Some(Transmit {
                src: self.local,
                dst: t.remote,
                repr: t.repr,
                payload: &[],
                retransmission: false,
            });
        }
        let total = self.syn_queue.len() + self.accept_queue.len();
        while self.draining < total {
            let i = self.draining;
            let has = {
                let conn = if i < self.syn_queue.len() {
                    &mut self.syn_queue[i]
                } else {
                    &mut self.accept_queue[i - self.syn_queue.len()]
                };
                // Peek by popping into an owned copy; payload-less by construction.
                conn.poll_transmit().map(|t| (t.src, t.dst, t.repr, t.retransmission, t.payload.len()))
            };
            if let Some((src, dst, repr, retransmission, len)) = has {
                debug_assert_eq!(len, 0, "queued connections have sent no data yet");
                return Some(Transmit { src, dst, repr, payload: &[], retransmission });
            }
            self.draining += 1;
        }
        self.draining = 0;
        None
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
