//! Both ends' states, inferred by `tcp-core`: each end is a `tcp_core` connection (a `Listener`
//! for the passive end) fed what the capture says reached it, at the time it reached it, and
//! told by its application what the capture says that end did: `connect()` where its first SYN
//! left, `send()` where new bytes left, `close()` or `shutdown()` where its FIN left, an abort
//! where a RST left that its own TCP would not have sent. What the observer itself transmits is
//! not drawn (the captured segments are); its state changes, timers, rejections and what its
//! application is told are, and they are tcp-core's inference with the guessed profile.
//!
//! The trace it writes has the captured segments with their sending and arrival times on the
//! capture's clock (see [`crate::infer`]), so a segment captured on one side that never reached
//! the other is drawn lost where it was sent.

use alloc::collections::VecDeque;
use alloc::vec;
use alloc::vec::Vec;
use core::net::SocketAddrV4;

use tcp_core::event::{CloseReason, Event, Negotiation, Timer, WindowShifts};
use tcp_core::listener::ListenerEvent;
use tcp_core::wire::Options;
use tcp_core::{Config, Connection, Flags, Instant, Listener, SeqNum, State, TcpRepr};
use tcp_sim::scenario::Trigger;
use tcp_sim::trace::{
    AppCall, AppError, ConnId, ConnInfo, EventKind, Fate, HostId, HostInfo, LossReason, Notice, SegId, Segment,
    Synchronized, Trace, TraceEvent,
};

use crate::conns::Captured;
use crate::infer::{Analysis, Dir};

/// What an application did, as the capture implies (for the scenario).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppAction {
    /// listen().
    Listen,
    /// connect().
    Connect,
    /// send() of this many bytes.
    Send(usize),
    /// shutdown(SHUT_WR).
    Shutdown,
    /// close().
    Close,
    /// Abort (RST).
    Abort,
    /// A SYN that is not the connection's own, with this sequence number.
    InjectSyn(u32),
}

/// What the observer found besides the trace it draws.
#[derive(Clone, Debug)]
pub struct Observed {
    /// Per host, what its application did and when (trace time).
    pub actions: [Vec<(Instant, AppAction)>; 2],
    /// Per host, what its application was told (as the trigger a rule reacts to) and when.
    pub told: [Vec<(Instant, Trigger)>; 2],
    /// Per captured segment: a RST the sender's own TCP made (not an application's abort).
    pub tcp_made_rst: Vec<bool>,
    /// Per host: when the observer's retransmission timer fired.
    pub rto_fired: [Vec<Instant>; 2],
    /// Trace time of the last captured segment: events after it are predictions.
    pub capture_end: Instant,
}

/// How the observer is set up.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Each end's configuration (from the guessed profile).
    pub config: [Config; 2],
    /// Each end's address in the trace.
    pub addr: [SocketAddrV4; 2],
    /// Each end's name in the trace.
    pub name: [alloc::string::String; 2],
    /// Which ends opened actively (sent a SYN without ACK).
    pub active: [bool; 2],
    /// The passive end listened (else its port was closed: it answered the SYN with a RST).
    pub listens: bool,
    /// Capture time (µs, as in the analysis) that is trace time zero.
    pub origin_us: i64,
    /// No handshake was captured: a handshake is assumed at trace time zero, with these ISNs.
    pub assumed_isn: Option<[SeqNum; 2]>,
}

struct Host {
    config: Config,
    addr: SocketAddrV4,
    listener: Option<Listener>,
    conns: Vec<(ConnId, Connection)>,
    current: Option<ConnId>,
    /// When its TCP last sent a RST of its own.
    last_rst: Option<Instant>,
    /// Where the application's sent bytes end.
    app_high: Option<SeqNum>,
    /// The application already closed or shut down its direction.
    fin_done: bool,
    /// Bytes the send buffer could not take yet.
    unsent: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// Segment `i` reaches its receiver.
    Deliver(usize),
    /// Segment `i` leaves its sender.
    Own(usize),
}

struct Observer<'a> {
    captured: &'a [Captured],
    an: &'a Analysis,
    setup: &'a Setup,
    hosts: [Host; 2],
    now: Instant,
    trace: Trace,
    finished: Vec<bool>,
    out: Observed,
    /// Segment index being delivered to each host (for rejections).
    last_delivered: [Option<SegId>; 2],
    /// Per host: the segments its TCP rejected with a reset, in order, which the resets it sends
    /// next answer (see `Segment::answers`); a few at most are kept.
    reset_due: [VecDeque<SegId>; 2],
}

/// Runs both ends' observers over the captured segments: the run to draw (the captured segments
/// at their inferred sending and arrival times, and tcp-core's inferred states, timers,
/// rejections and notices), and what else they found.
pub fn observe(captured: &[Captured], an: &Analysis, setup: &Setup) -> (Trace, Observed) {
    let mut observing = Observing::new(captured, an, setup);
    while !observing.step(usize::MAX) {}
    observing.finish()
}

/// Both ends' observers, run over the captured segments a few at a time: each segment's sending
/// and its arrival (if it arrived) in time order, with the timers due in between.
pub struct Observing<'a> {
    obs: Observer<'a>,
    /// What happens, in time order.
    items: Vec<(Instant, Item)>,
    /// How many of `items` were handled.
    done: usize,
}

impl core::fmt::Debug for Observing<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Observing").field("items", &self.items.len()).field("done", &self.done).finish_non_exhaustive()
    }
}

impl<'a> Observing<'a> {
    /// Observers set up for `captured`, none of it handled yet.
    pub fn new(captured: &'a [Captured], an: &'a Analysis, setup: &'a Setup) -> Observing<'a> {
        let host = |d: Dir| Host {
            config: setup.config[d],
            addr: setup.addr[d],
            listener: None,
            conns: Vec::new(),
            current: None,
            last_rst: None,
            app_high: None,
            fin_done: false,
            unsent: Vec::new(),
        };
        let trace = Trace {
            hosts: (0..2)
                .map(|d| HostInfo {
                    name: setup.name[d].clone(),
                    addr: *setup.addr[d].ip(),
                    attacker: false,
                    fixed_isn: None,
                })
                .collect(),
            ..Trace::default()
        };
        let mut obs = Observer {
            captured,
            an,
            setup,
            hosts: [host(0), host(1)],
            now: Instant::ZERO,
            trace,
            finished: Vec::new(),
            out: Observed {
                actions: [vec![], vec![]],
                told: [vec![], vec![]],
                tcp_made_rst: vec![false; captured.len()],
                rto_fired: [vec![], vec![]],
                capture_end: Instant::ZERO,
            },
            last_delivered: [None, None],
            reset_due: [VecDeque::new(), VecDeque::new()],
        };
        let items = obs.start();
        Observing { obs, items, done: 0 }
    }

    /// Handles up to `n` more sendings and arrivals; true when all of them are handled.
    pub fn step(&mut self, n: usize) -> bool {
        let end = self.items.len().min(self.done.saturating_add(n));
        for &(at, item) in &self.items[self.done..end] {
            self.obs.handle(at, item);
        }
        self.done = end;
        self.done == self.items.len()
    }

    /// What the observers found, once every item is handled (any left are handled first).
    pub fn finish(mut self) -> (Trace, Observed) {
        while !self.step(usize::MAX) {}
        self.obs.after_capture();
        (self.obs.trace, self.obs.out)
    }
}

impl Observer<'_> {
    fn at(&self, capture_us: i64) -> Instant {
        Instant::from_micros((capture_us - self.setup.origin_us).max(0) as u64)
    }

    /// Sets the observers up; returns what will happen, in time order.
    fn start(&mut self) -> Vec<(Instant, Item)> {
        self.start_hosts();
        self.trace.segments = (0..self.captured.len()).map(|i| self.segment(i)).collect();
        let mut items: Vec<(Instant, Item)> = Vec::new();
        for i in 0..self.captured.len() {
            items.push((self.at(self.an.sent_us(i)), Item::Own(i)));
            if let Some(t) = self.an.arrival_us(i) {
                items.push((self.at(t), Item::Deliver(i)));
            }
        }
        items.sort();
        self.out.capture_end = items.iter().map(|(t, _)| *t).max().unwrap_or(Instant::ZERO);
        items
    }

    /// Segment `item` leaves its sender or reaches its receiver at `at`, after the timers due
    /// before then.
    fn handle(&mut self, at: Instant, item: Item) {
        self.fire_timers_before(at, false);
        self.now = self.now.max(at);
        match item {
            Item::Deliver(i) => self.deliver(i),
            Item::Own(i) => self.own(i),
        }
    }

    /// After the capture: only what follows without any segment (TIME-WAIT, FIN-WAIT-2, a
    /// handshake's retries) is predicted; nothing else is known.
    fn after_capture(&mut self) {
        let horizon = Instant::from_micros(self.out.capture_end.micros + 3_600_000_000);
        self.fire_timers_before(horizon, true);
        self.trace.end = self.now;
        self.options_from_captured_syns();
    }

    /// The listener, and the assumed handshake of a connection captured mid-stream.
    fn start_hosts(&mut self) {
        let passive = usize::from(self.setup.active[0]);
        if self.setup.listens && !(self.setup.active[0] && self.setup.active[1]) {
            let h = &mut self.hosts[passive];
            h.listener = Some(Listener::new(h.config, h.addr, 0));
            let port = h.addr.port();
            self.record(passive, None, EventKind::App { call: AppCall::Listen { port }, error: None });
            self.out.actions[passive].push((Instant::ZERO, AppAction::Listen));
        }
        if let Some(isn) = self.setup.assumed_isn {
            self.assume_handshake(isn);
        }
    }

    fn assume_handshake(&mut self, isn: [SeqNum; 2]) {
        let (c, s) = (self.setup.addr[0], self.setup.addr[1]);
        self.app_connect(0, isn[0]);
        let timestamps = self.captured.iter().any(|c| c.repr.options.timestamps().is_some());
        let ts = timestamps.then_some((1, 0));
        let syn = bare(c.port(), s.port(), isn[0], SeqNum(0), Flags::SYN, Options::linux_syn(1460, false, ts, None));
        self.feed(1, c, &syn, &[], isn[1]);
        let ts = timestamps.then_some((1, 1));
        let opts = Options::linux_syn(1460, false, ts, None);
        let syn_ack = bare(s.port(), c.port(), isn[1], isn[0] + 1, Flags::SYN | Flags::ACK, opts);
        self.feed(0, s, &syn_ack, &[], SeqNum(0));
        let opts = if timestamps { Options::linux_timestamps(1, 1) } else { Options::new() };
        let ack = bare(c.port(), s.port(), isn[0] + 1, isn[1] + 1, Flags::ACK, opts);
        self.feed(1, c, &ack, &[], SeqNum(0));
        self.hosts[1].app_high = Some(isn[1] + 1);
        // Only the states this leaves are drawn, at time zero: the handshake was not captured.
        let states = self.trace.final_states();
        self.trace.events.retain(|e| matches!(e.kind, EventKind::App { call: AppCall::Listen { .. }, .. }));
        for (conn, to) in states.into_iter().enumerate() {
            let (conn, host) = (ConnId(conn), self.trace.conns[conn].host.index());
            let cause = tcp_core::Cause::Segment(Flags::NONE);
            self.record(host, Some(conn), EventKind::State { from: State::Closed, to, cause });
        }
        self.out.actions = [vec![(Instant::ZERO, AppAction::Connect)], vec![(Instant::ZERO, AppAction::Listen)]];
        self.out.told = [vec![(Instant::ZERO, Trigger::Connected)], vec![(Instant::ZERO, Trigger::Accepted)]];
    }

    // ----- timers -----

    fn next_timer(&self, after_capture: bool) -> Option<Instant> {
        self.hosts
            .iter()
            .flat_map(|h| {
                h.conns
                    .iter()
                    .filter(move |(_, c)| !after_capture || predictable(c))
                    .filter_map(|(_, c)| c.poll_timeout())
                    .chain(h.listener.as_ref().and_then(Listener::poll_timeout))
            })
            .min()
    }

    /// Fires every timer due before `limit` (up to `limit` itself after the capture).
    fn fire_timers_before(&mut self, limit: Instant, after_capture: bool) {
        // A bound on the work, in case a timer never clears.
        let mut steps = 0;
        while let Some(t) = self.next_timer(after_capture) {
            steps += 1;
            if steps > MAX_TIMER_STEPS {
                break;
            }
            if t > limit || (!after_capture && t == limit) {
                break;
            }
            self.now = self.now.max(t);
            for h in 0..2 {
                for i in 0..self.hosts[h].conns.len() {
                    let conn = &self.hosts[h].conns[i].1;
                    let due = conn.poll_timeout().is_some_and(|d| d <= self.now);
                    if due && (!after_capture || predictable(conn)) {
                        let now = self.now;
                        self.hosts[h].conns[i].1.handle_timeout(now);
                        self.drain_conn(h, i);
                    }
                }
                if self.hosts[h].listener.as_ref().and_then(Listener::poll_timeout).is_some_and(|d| d <= self.now) {
                    let now = self.now;
                    if let Some(l) = self.hosts[h].listener.as_mut() {
                        l.handle_timeout(now);
                    }
                    self.drain_listener(h);
                }
            }
        }
    }

    // ----- segments -----

    /// Segment `i` reaches its receiver.
    fn deliver(&mut self, i: usize) {
        let c = &self.captured[i];
        let to = 1 - self.an.segs[i].dir;
        let from_addr = self.setup.addr[1 - to];
        let mut repr = c.repr;
        // The observer must never hold back what the real end sent: windows are drawn as
        // captured and noted, but fed wide open.
        repr.window = u16::MAX;
        let conn = self.live_conn(to, self.hosts[to].addr, from_addr);
        self.record(to, conn, EventKind::Delivered { segment: SegId(i) });
        self.last_delivered[to] = Some(SegId(i));
        let isn = self.an.segs[i].answer_isn.unwrap_or(SeqNum(0));
        let payload = c.payload.clone();
        self.feed(to, from_addr, &repr, &payload, isn);
        // A segment to a listener reaches the connection it opens or completes.
        self.trace.segments[i].received_by = conn.or_else(|| self.live_conn(to, self.hosts[to].addr, from_addr));
    }

    /// The observers negotiated with this simulator's options: once every segment has its
    /// connection, each connection's MSS, window shifts, timestamps and SACK are read from the
    /// real SYNs (its own first one and its peer's) where both were captured. One pass.
    fn options_from_captured_syns(&mut self) {
        let mut own_syn = vec![None; self.trace.conns.len()];
        for (i, s) in self.trace.segments.iter().enumerate() {
            if let Some(first) = s.conn.and_then(|c| own_syn.get_mut(c.index()))
                && first.is_none()
                && s.repr.flags.contains(Flags::SYN)
            {
                *first = Some(i);
            }
        }
        for (conn, own) in self.trace.conns.iter_mut().zip(own_syn) {
            if let Some(sync) = conn.synchronized.as_mut()
                && let (Some(own), Some(peer)) = (own, sync.peer_syn)
            {
                let (own, peer) = (&self.trace.segments[own].repr.options, &self.trace.segments[peer].repr.options);
                sync.negotiation = with_options(sync.negotiation, own, peer);
            }
        }
    }

    /// Hands a segment to host `to`: its open connection, its listener, or its closed port.
    fn feed(&mut self, to: Dir, from: SocketAddrV4, repr: &TcpRepr, payload: &[u8], isn: SeqNum) {
        let now = self.now;
        let local = self.hosts[to].addr;
        let open = self.hosts[to]
            .conns
            .iter()
            .position(|(_, c)| c.local() == local && c.remote() == from && c.state() != State::Closed);
        if let Some(i) = open {
            let listening = self.hosts[to].listener.is_some();
            let conn = &mut self.hosts[to].conns[i].1;
            if !(listening && conn.opens_new_incarnation(repr)) {
                conn.handle_segment(now, repr, payload);
                self.drain_conn(to, i);
                return;
            }
            // A SYN for a new incarnation over a TIME-WAIT (RFC 6191), by the profile's rule, as
            // the simulator decides it: TIME-WAIT gives way, the listener takes the SYN (with
            // the ISS the captured SYN-ACK shows).
            let _ = conn.give_way(repr);
            self.drain_conn(to, i);
        }
        if let Some(l) = self.hosts[to].listener.as_mut() {
            l.handle_segment(now, from, repr, payload, isn);
            self.drain_listener(to);
            return;
        }
        let mut closed = Connection::new(self.hosts[to].config, local, from);
        closed.handle_segment(now, repr, payload);
        while let Some(e) = closed.poll_event() {
            if let Event::SegmentRejected { reason, reply } = e {
                let segment = self.last_delivered[to];
                self.record(to, None, EventKind::Rejected { segment, reason, reply });
            }
        }
        while let Some(t) = closed.poll_transmit() {
            if t.repr.flags.contains(Flags::RST) {
                self.hosts[to].last_rst = Some(now);
            }
        }
    }

    /// Segment `i` leaves its sender: what its application must have done, then the segment.
    fn own(&mut self, i: usize) {
        let (c, s) = (&self.captured[i], &self.an.segs[i]);
        let from = s.dir;
        if s.duplicate_of.is_none() && !s.foreign {
            self.act_for(i);
        }
        if s.foreign {
            let call = AppCall::Inject;
            self.record(from, None, EventKind::App { call, error: None });
            self.out.actions[from].push((self.now, AppAction::InjectSyn(c.repr.seq.0)));
        }
        let conn = if s.foreign {
            None
        } else {
            self.live_conn(from, self.setup.addr[from], self.setup.addr[1 - from]).or_else(|| self.recent_conn(from))
        };
        let conn =
            if c.repr.flags.contains(Flags::RST) && self.out.tcp_made_rst[i] && conn.is_none() { None } else { conn };
        self.push_segment(i, conn);
    }

    /// The connection of `host` that ended last (a RST or ACK sent after it closed).
    fn recent_conn(&self, host: Dir) -> Option<ConnId> {
        self.trace.conns.iter().rposition(|c| c.host.index() == host).map(ConnId)
    }

    /// Segment `i` as the trace holds it (its connection is known once it is sent).
    fn segment(&self, i: usize) -> Segment {
        let (c, s) = (&self.captured[i], &self.an.segs[i]);
        let from = s.dir;
        let fate = match self.an.arrival_us(i) {
            Some(t) => Fate::Delivered { at: self.at(t) },
            None => Fate::Lost { reason: LossReason::Random },
        };
        Segment {
            from: HostId(from),
            to: Some(HostId(1 - from)),
            conn: None,
            src: self.setup.addr[from],
            dst: self.setup.addr[1 - from],
            sent_at: self.at(self.an.sent_us(i)),
            fate,
            repr: c.repr,
            payload: c.payload.clone(),
            retransmission: s.retransmission,
            duplicate_of: s.duplicate_of.map(SegId),
            injected: s.foreign,
            forged: false,
            extra_delay_us: s.extra_delay_us,
            // The one-way path delay inferred from the capture point, the same both ways.
            link_delay_us: self.an.point.path_us(),
            received_by: None,
            answers: None,
        }
    }

    fn push_segment(&mut self, i: usize, conn: Option<ConnId>) {
        let from = self.an.segs[i].dir;
        self.trace.segments[i].conn = conn;
        // The resets rejections called for are the next resets this end sends.
        if self.captured[i].repr.flags.contains(Flags::RST)
            && let Some(k) = self.reset_due[from].pop_front()
            && k.index() < i
        {
            self.trace.segments[i].answers = Some(k);
        }
        // A connection's first SYN (or SYN-ACK) carries its ISS, even if nothing answers it.
        if let Some(c) = conn.and_then(|c| self.trace.conns.get_mut(c.index())) {
            c.sent(self.captured[i].repr.flags, self.captured[i].repr.seq);
        }
        self.record(from, conn, EventKind::Sent { segment: SegId(i) });
        if let Fate::Lost { reason } = self.trace.segments[i].fate {
            self.record(from, conn, EventKind::Lost { segment: SegId(i), reason });
        }
    }

    /// The application calls that segment `i` implies, made just before it leaves.
    fn act_for(&mut self, i: usize) {
        let (c, s) = (&self.captured[i], self.an.segs[i].clone());
        let from = s.dir;
        let flags = c.repr.flags;
        if flags.contains(Flags::SYN) && !flags.contains(Flags::ACK) && s.new && self.setup.active[from] {
            self.app_connect(from, c.repr.seq);
            return;
        }
        if flags.contains(Flags::SYN) && s.new {
            // A SYN-ACK: the passive end's sequence space starts at its ISN.
            self.hosts[from].app_high = Some(c.repr.seq + 1);
            self.hosts[from].fin_done = false;
        }
        if !c.payload.is_empty() {
            self.app_send(from, i);
        }
        if flags.contains(Flags::FIN) && !self.hosts[from].fin_done && self.hosts[from].current.is_some() {
            self.hosts[from].fin_done = true;
            let action = if self.shuts_down(i) { AppAction::Shutdown } else { AppAction::Close };
            self.app_command(from, action);
        }
        if flags.contains(Flags::RST) {
            let own = self.hosts[from].last_rst.is_some_and(|t| self.now.micros.saturating_sub(t.micros) <= 1000);
            if own || self.hosts[from].current.is_none() {
                self.out.tcp_made_rst[i] = true;
            } else if self.current_open(from) && !self.at_send_next(from, c.repr.seq) {
                // Not where this end's stream is: a stack aborts at SND.NXT, so this RST is not
                // its own (a blind attacker's, forged with its address). Its connection goes on.
                self.out.tcp_made_rst[i] = true;
            } else if self.current_open(from) {
                self.app_command(from, AppAction::Abort);
            } else {
                self.out.tcp_made_rst[i] = true;
            }
        }
    }

    /// Whether `seq` is where `host`'s current connection sends next.
    fn at_send_next(&self, host: Dir, seq: tcp_core::SeqNum) -> bool {
        self.current_index(host).is_none_or(|i| self.hosts[host].conns[i].1.snd_nxt() == seq)
    }

    fn current_open(&self, host: Dir) -> bool {
        self.current_index(host).is_some_and(|i| self.hosts[host].conns[i].1.state() != State::Closed)
    }

    /// Whether the FIN of segment `i` was a half-close: the other end went on sending data that
    /// this end acknowledged, and this end sent no RST.
    fn shuts_down(&self, i: usize) -> bool {
        let dir = self.an.segs[i].dir;
        let later = (i + 1..self.captured.len()).filter(|&j| self.an.segs[j].dir != dir && self.an.segs[j].new);
        let data: Vec<usize> = later.filter(|&j| !self.captured[j].payload.is_empty()).collect();
        let acked = data.iter().any(|&j| {
            (j + 1..self.captured.len()).any(|k| {
                self.an.segs[k].dir == dir
                    && self.captured[k].repr.flags.contains(Flags::ACK)
                    && self.captured[k].repr.ack >= self.an.segs[j].end
            })
        });
        let reset = (i + 1..self.captured.len())
            .any(|k| self.an.segs[k].dir == dir && self.captured[k].repr.flags.contains(Flags::RST));
        acked && !reset
    }

    fn app_connect(&mut self, host: Dir, isn: SeqNum) {
        let (local, remote) = (self.setup.addr[host], self.setup.addr[1 - host]);
        let id = self.new_conn_id(host, local, remote);
        let mut conn = Connection::new(self.hosts[host].config, local, remote);
        let error = conn.connect(self.now, isn).err().map(AppError::from);
        self.record(host, Some(id), EventKind::App { call: AppCall::Connect { to: remote }, error });
        self.out.actions[host].push((self.now, AppAction::Connect));
        let h = &mut self.hosts[host];
        h.conns.push((id, conn));
        h.current = Some(id);
        h.app_high = Some(isn + 1);
        h.fin_done = false;
        h.unsent.clear();
        let i = h.conns.len() - 1;
        self.drain_conn(host, i);
    }

    fn app_send(&mut self, host: Dir, seg: usize) {
        let c = &self.captured[seg];
        let data_start = c.repr.seq + u32::from(c.repr.flags.contains(Flags::SYN));
        let data_end = data_start + c.payload.len() as u32;
        let high = self.hosts[host].app_high.unwrap_or(data_start);
        if data_end <= high {
            return;
        }
        let skip = if high > data_start { (high - data_start) as usize } else { 0 };
        let bytes = c.payload[skip.min(c.payload.len())..].to_vec();
        self.hosts[host].app_high = Some(data_end);
        let Some(i) = self.current_index(host) else { return };
        let id = self.hosts[host].conns[i].0;
        let now = self.now;
        let result = self.hosts[host].conns[i].1.send(now, &bytes);
        let error = match result {
            Ok(n) => {
                self.hosts[host].unsent.extend_from_slice(&bytes[n..]);
                None
            }
            Err(e) => Some(AppError::from(e)),
        };
        self.record(host, Some(id), EventKind::App { call: AppCall::Send { bytes: bytes.len() }, error });
        self.out.actions[host].push((now, AppAction::Send(bytes.len())));
        self.drain_conn(host, i);
    }

    fn app_command(&mut self, host: Dir, action: AppAction) {
        let Some(i) = self.current_index(host) else { return };
        let id = self.hosts[host].conns[i].0;
        let now = self.now;
        let conn = &mut self.hosts[host].conns[i].1;
        let (call, result) = match action {
            AppAction::Shutdown => (AppCall::Shutdown, conn.shutdown(now)),
            AppAction::Abort => (AppCall::Abort, conn.abort(now)),
            _ => (AppCall::Close, conn.close(now)),
        };
        self.record(host, Some(id), EventKind::App { call, error: result.err().map(AppError::from) });
        self.out.actions[host].push((now, action));
        self.drain_conn(host, i);
    }

    // ----- what the TCPs report -----

    fn drain_conn(&mut self, host: Dir, i: usize) {
        let id = self.hosts[host].conns[i].0;
        let mut events = Vec::new();
        {
            let conn = &mut self.hosts[host].conns[i].1;
            while let Some(t) = conn.poll_transmit() {
                if t.repr.flags.contains(Flags::RST) {
                    self.hosts[host].last_rst = Some(self.now);
                }
            }
            while let Some(e) = conn.poll_event() {
                events.push(e);
            }
        }
        for e in events {
            self.on_tcp_event(host, id, e, false);
        }
    }

    fn drain_listener(&mut self, host: Dir) {
        let mut events: Vec<ListenerEvent> = Vec::new();
        let now = self.now;
        let local = if let Some(l) = self.hosts[host].listener.as_mut() {
            while let Some(t) = l.poll_transmit() {
                if t.repr.flags.contains(Flags::RST) {
                    self.hosts[host].last_rst = Some(now);
                }
            }
            while let Some(e) = l.poll_event() {
                events.push(e);
            }
            l.local()
        } else {
            return;
        };
        for ListenerEvent { remote, event } in events {
            match (event, self.live_conn(host, local, remote)) {
                (Event::SegmentRejected { reason, reply }, None) => {
                    let segment = self.last_delivered[host];
                    self.record(host, None, EventKind::Rejected { segment, reason, reply });
                }
                (event, live) => {
                    let id = live.unwrap_or_else(|| self.new_conn_id(host, local, remote));
                    self.on_tcp_event(host, id, event, true);
                }
            }
        }
        self.accept_all(host);
    }

    fn accept_all(&mut self, host: Dir) {
        while let Some(conn) = self.hosts[host].listener.as_mut().and_then(Listener::accept) {
            let id = self.live_conn(host, conn.local(), conn.remote()).unwrap_or_else(|| {
                let (l, r) = (conn.local(), conn.remote());
                self.new_conn_id(host, l, r)
            });
            let h = &mut self.hosts[host];
            h.conns.push((id, conn));
            h.current = Some(id);
            h.unsent.clear();
            self.record(host, Some(id), EventKind::App { call: AppCall::Accept, error: None });
            self.tell(host, Trigger::Accepted);
            let bytes = self.read_all(host, id);
            if bytes > 0 {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                self.tell(host, Trigger::Data);
            }
            let i = self.hosts[host].conns.len() - 1;
            self.drain_conn(host, i);
        }
    }

    fn on_tcp_event(&mut self, host: Dir, id: ConnId, event: Event, from_listener: bool) {
        let kind = match event {
            Event::StateChanged { from, to, cause } => {
                if to == State::Listen && from_listener {
                    self.finished[id.index()] = true;
                }
                EventKind::State { from, to, cause }
            }
            Event::TimerArmed { timer, deadline, timeout, backoff } => {
                EventKind::TimerArmed { timer, deadline, timeout, backoff }
            }
            Event::TimerCancelled { timer } => EventKind::TimerCancelled { timer },
            Event::TimerFired { timer, backoff } => {
                if timer == Timer::Retransmit {
                    self.out.rto_fired[host].push(self.now);
                }
                EventKind::TimerFired { timer, backoff }
            }
            Event::SegmentRejected { reason, reply } => {
                EventKind::Rejected { segment: self.last_delivered[host], reason, reply }
            }
            Event::Negotiated(observed) => {
                let peer_syn =
                    self.last_delivered[host].filter(|&i| self.captured[i.index()].repr.flags.contains(Flags::SYN));
                // The capture holds every segment already: the windows of the segments after the
                // peer's SYN are scaled. The options are the real SYNs' (see
                // `options_from_captured_syns`), the ISNs already are.
                let from_segment = SegId(peer_syn.map_or(0, |i| i.index() + 1));
                self.trace.conns[id].synchronize(Synchronized { negotiation: observed, peer_syn, from_segment });
                return;
            }
            Event::Connected => {
                if !from_listener {
                    self.record(host, Some(id), EventKind::Notified { notice: Notice::Connected });
                    self.tell(host, Trigger::Connected);
                }
                return;
            }
            Event::Received { .. } => {
                let bytes = self.read_all(host, id);
                if bytes > 0 {
                    self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                    self.tell(host, Trigger::Data);
                }
                return;
            }
            // An application that closed the connection holds no socket to read it from.
            Event::EndOfStream if self.closed_by_app(host, id) => return,
            Event::EndOfStream => {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::EndOfStream });
                self.tell(host, Trigger::Eof);
                return;
            }
            Event::Writable => {
                self.push_unsent(host, id);
                return;
            }
            Event::Closed { reason } => {
                // Recorded all the same (`Trace::closed_by_app` says nobody was told), but an
                // application that closed it reacts to nothing.
                let told = !self.closed_by_app(host, id);
                self.finished[id.index()] = true;
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Closed { reason } });
                let trigger = match reason {
                    CloseReason::Refused => Trigger::Refused,
                    CloseReason::TimedOut => Trigger::Timeout,
                    CloseReason::Reset => Trigger::Reset,
                    _ => Trigger::Closed,
                };
                if told {
                    self.tell(host, trigger);
                }
                return;
            }
        };
        self.record(host, Some(id), kind);
    }

    /// Whether the application closed connection `id` (close() or an abort): it is told nothing
    /// more of it, as in the simulator.
    fn closed_by_app(&self, host: Dir, id: ConnId) -> bool {
        self.hosts[host].conns.iter().any(|(c, conn)| *c == id && conn.is_orphaned())
    }

    fn tell(&mut self, host: Dir, told: Trigger) {
        self.out.told[host].push((self.now, told));
    }

    fn read_all(&mut self, host: Dir, id: ConnId) -> usize {
        let Some(i) = self.hosts[host].conns.iter().position(|(c, _)| *c == id) else { return 0 };
        let (now, mut buf, mut total) = (self.now, [0u8; 1024], 0);
        while let Ok(n @ 1..) = self.hosts[host].conns[i].1.recv(now, &mut buf) {
            total += n;
        }
        self.drain_conn(host, i);
        total
    }

    fn push_unsent(&mut self, host: Dir, id: ConnId) {
        if self.hosts[host].unsent.is_empty() || self.hosts[host].current != Some(id) {
            return;
        }
        let Some(i) = self.current_index(host) else { return };
        let now = self.now;
        let data = core::mem::take(&mut self.hosts[host].unsent);
        if let Ok(n) = self.hosts[host].conns[i].1.send(now, &data) {
            self.hosts[host].unsent = data[n..].to_vec();
        }
        self.drain_conn(host, i);
    }

    // ----- bookkeeping -----

    fn current_index(&self, host: Dir) -> Option<usize> {
        let id = self.hosts[host].current?;
        self.hosts[host].conns.iter().position(|(c, _)| *c == id)
    }

    fn record(&mut self, host: Dir, conn: Option<ConnId>, kind: EventKind) {
        if let EventKind::Rejected { segment: Some(k), reply: tcp_core::Reply::Reset, .. } = kind {
            let due = &mut self.reset_due[host];
            if due.len() >= MAX_RESETS_DUE {
                due.pop_front();
            }
            due.push_back(k);
        }
        self.trace.events.push(TraceEvent { at: self.now, host: HostId(host), conn, kind });
    }

    fn live_conn(&self, host: Dir, local: SocketAddrV4, remote: SocketAddrV4) -> Option<ConnId> {
        self.trace
            .conns
            .iter()
            .enumerate()
            .rposition(|(i, c)| c.host.index() == host && c.local == local && c.remote == remote && !self.finished[i])
            .map(ConnId)
    }

    fn new_conn_id(&mut self, host: Dir, local: SocketAddrV4, remote: SocketAddrV4) -> ConnId {
        self.trace.conns.push(ConnInfo::new(HostId(host), local, remote));
        self.finished.push(false);
        ConnId(self.trace.conns.len() - 1)
    }
}

/// `observed` with the options two captured SYNs agreed on: the peer's MSS (RFC 9293 §3.7.1: 536
/// without the option), the window shifts when both offered scaling (RFC 7323 §2.3: above 14 is
/// 14), timestamps and SACK when both offered them.
fn with_options(observed: Negotiation, own: &Options, peer: &Options) -> Negotiation {
    let timestamps = own.timestamps().is_some() && peer.timestamps().is_some();
    let peer_mss = peer.mss().unwrap_or(536);
    let own_mss = own.mss().unwrap_or(536);
    Negotiation {
        peer_mss,
        send_mss: peer_mss.min(own_mss).saturating_sub(if timestamps { 12 } else { 0 }).max(1),
        window_shifts: own
            .window_scale()
            .zip(peer.window_scale())
            .map(|(local, remote)| WindowShifts { local: local.min(14), remote: remote.min(14) }),
        timestamps,
        sack_permitted: own.sack_permitted() && peer.sack_permitted(),
        ..observed
    }
}

/// Rejections awaiting their reset at most, per host (a reset lost before the capture point
/// leaves its rejection waiting).
const MAX_RESETS_DUE: usize = 4;

/// Timer firings in a row at most, between two segments or after the capture.
const MAX_TIMER_STEPS: usize = 10_000;

/// After the capture, a connection's timers are followed only where the next step needs no
/// segment: TIME-WAIT and FIN-WAIT-2 running out, and a handshake's retries.
fn predictable(conn: &Connection) -> bool {
    let due = Timer::ALL.into_iter().filter_map(|t| conn.timer(t).map(|d| (d, t))).min();
    match due {
        Some((_, Timer::TimeWait | Timer::FinWait2 | Timer::DelayedAck)) => true,
        Some((_, Timer::Retransmit)) => matches!(conn.state(), State::SynSent | State::SynReceived),
        _ => false,
    }
}

/// A segment header without payload.
fn bare(src_port: u16, dst_port: u16, seq: SeqNum, ack: SeqNum, flags: Flags, options: Options) -> TcpRepr {
    TcpRepr { src_port, dst_port, seq, ack, reserved: 0, flags, window: u16::MAX, checksum: 0, urgent: 0, options }
}
