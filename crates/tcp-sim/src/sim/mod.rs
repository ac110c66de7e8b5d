//! The deterministic discrete-event simulator: hosts running `tcp-core` connections and
//! listeners, a link that delays, loses, reorders and duplicates, and application scripts.
//!
//! **Invariant:** same scenario, same trace, byte for byte: no clock, no global RNG, no hash map
//! iteration; ties in time are broken by the order things were scheduled.
//!
//! **Invariant:** bounded work. A run stops at the scenario's time limit or where its
//! [`Limits`] would be exceeded, and every step costs O(log n) in the open connections: a socket
//! that reaches CLOSED leaves every index, timers wait in a heap, and nothing walks the trace.
//!
//! [`simulate`] runs a scenario at once. A [`Simulator`] runs it in slices, so that a caller
//! (the page) can yield between them ([`Simulator::run_steps`], [`Simulator::run_until`]), look
//! at the trace so far, and override the loss seed of a scenario parsed once
//! ([`Simulator::with_seed`]); sliced or not, the trace is the same, byte for byte.

mod app;
mod sockets;

use alloc::collections::BinaryHeap;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::net::SocketAddrV4;
use tcp_core::event::{CloseReason, Event, Reply};
use tcp_core::index::{Index, addr_key};
use tcp_core::listener::ListenerEvent;
use tcp_core::{Config, Connection, Instant, Listener, SeqNum, Transmit};

use crate::limits::Limits;
use crate::rng::Rng;
use crate::scenario::{FaultAction, Isn, Scenario, SegmentKind, Trigger};
use crate::trace::{
    ConnId, ConnInfo, EventKind, Fate, HostId, HostInfo, LossReason, Notice, SegId, Segment, Synchronized, Trace,
    TraceEvent, Truncation,
};
use app::{Backlog, reactions};
use sockets::{Socket, Sockets};

/// A listener's queued connection as one index key: the host, then the peer.
fn queued_key(host: HostId, remote: SocketAddrV4) -> u128 {
    ((host.index() as u128) << 48) | u128::from(addr_key(remote))
}

/// The keys of every connection `host`'s listener queues: first and last.
fn queued_range(host: HostId) -> (u128, u128) {
    let first = (host.index() as u128) << 48;
    (first, first | 0xFFFF_FFFF_FFFF)
}

/// Default listening port (as in the captures).
pub const SERVER_PORT: u16 = 5555;
/// Default first client port (as in the captures).
pub const CLIENT_PORT: u16 = 40000;
/// Simulated time after which a run stops at the latest: one hour.
const DEFAULT_UNTIL_MICROS: u64 = 3_600_000_000;

/// Runs a scenario to its end, within [`Limits::DEFAULT`], and returns the trace.
pub fn simulate(scenario: &Scenario) -> Trace {
    simulate_with(scenario, Limits::DEFAULT)
}

/// Runs a scenario to its end or to the first of `limits` it meets, and returns the trace.
pub fn simulate_with(scenario: &Scenario, limits: Limits) -> Trace {
    Simulator::new(scenario, limits).finish()
}

/// Where a slice of a run ([`Simulator::run_steps`]) left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The slice took all its steps and the run has more to do.
    Paused,
    /// The run is over: [`Simulator::finish`] hands out its trace.
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// A segment arrives at its destination.
    Deliver { segment: SegId },
    /// A host's application runs rule `rule` (once scheduled); a rule set off by something that
    /// happened to a connection (`on`) acts on that connection.
    Rule { host: HostId, rule: usize, conn: Option<ConnId> },
    /// The `k`-th forged SYN of a flood leaves.
    Flood { host: HostId, k: u16 },
}

/// Who made a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A TCP (a connection, a listener, or a host answering for a closed port).
    Tcp,
    /// The scenario, by hand (an old duplicate).
    Injected,
    /// An attacker, from a forged source address.
    Forged,
}

/// The owner of a timer in the timer heap: a host's socket (by the order it was opened), or its
/// listener, which comes after the sockets of its host.
const LISTENER: u64 = u64::MAX;

struct SimHost {
    config: Config,
    isn: Isn,
    port: u16,
    listener: Option<Listener>,
    /// The deadline of the listener registered in the timer heap.
    listener_deadline: Option<Instant>,
    /// Open sockets (a socket leaves when it reaches CLOSED).
    sockets: Sockets,
    /// The connection the application acts on: the last one it opened or accepted.
    current: Option<ConnId>,
    /// The connection whose socket the application closed (or aborted): its descriptor is
    /// gone, so a later call on it fails (EBADF).
    released: Option<ConnId>,
    /// Per trigger, the rules of its script that react to it and may still fire, in script
    /// order: a rule without `repeat` leaves its list when it fires.
    reactions: Vec<(Trigger, Vec<usize>)>,
    /// Bytes the application still wants to send on `current` (more than the buffer took).
    backlog: Backlog,
    /// Connections this host opened (`connect`), which numbers its next local port.
    opened: u16,
    /// The last segment delivered to this host (what a rejection refers to).
    last_delivered: Option<SegId>,
    /// Its application reads what arrives (until a `stop_reading` rule).
    reading: bool,
    /// Its application accepts every connection its listener has ready (until a
    /// `stop_accepting` rule).
    accepting: bool,
    /// It crashed and has not rebooted: it runs nothing (see [`Scenario::downtimes`]).
    down: bool,
    /// When it is down, in microseconds (from the scenario): a segment that arrives then is lost.
    downtimes: Vec<(u64, Option<u64>)>,
}

/// The simulator's hosts are the trace's, in the same order.
impl core::ops::Index<HostId> for Vec<SimHost> {
    type Output = SimHost;
    fn index(&self, id: HostId) -> &SimHost {
        &self[id.index()]
    }
}

impl core::ops::IndexMut<HostId> for Vec<SimHost> {
    fn index_mut(&mut self, id: HostId) -> &mut SimHost {
        &mut self[id.index()]
    }
}

impl SimHost {
    /// Whether its application reads what arrives. (The player's entries never stop reading.)
    fn reads(&self) -> bool {
        cfg!(feature = "player") || self.reading
    }

    /// Whether it is down at `micros` (a segment arriving then is lost).
    fn is_down_at(&self, micros: u64) -> bool {
        self.downtimes.iter().any(|&(from, until)| from <= micros && until.is_none_or(|until| micros < until))
    }
}

/// What the application does once a connection's segments are on the wire.
#[derive(Clone, Copy, Debug, Default)]
struct Reactions {
    /// Read the data that arrived.
    read: bool,
    /// Hand TCP the bytes that waited for room in the send buffer.
    write: bool,
}

/// A run of one scenario, step by step: what [`simulate_with`] does in one go, in slices a
/// caller chooses. Sliced any way, the run takes the same steps and [`Simulator::finish`]
/// returns the same trace as [`simulate_with`], byte for byte; the [`Limits`] hold across all
/// slices.
pub struct Simulator<'a> {
    scenario: &'a Scenario,
    limits: Limits,
    now: Instant,
    until: Instant,
    loss_rng: Rng,
    isn_rng: Rng,
    hosts: Vec<SimHost>,
    queue: BinaryHeap<Reverse<(Instant, u64, Item)>>,
    scheduled: u64,
    /// Deadlines of sockets and listeners: `(deadline, host, socket order or LISTENER)`. An entry
    /// whose owner's registered deadline has changed since is stale and skipped.
    timers: BinaryHeap<Reverse<(Instant, HostId, u64)>>,
    /// How many segments each fault's selector has matched so far.
    fault_matches: Vec<u32>,
    /// Per trace connection: it has ended (CLOSED, or a half-open connection back to LISTEN), so
    /// a new connection on the same 4-tuple is a new incarnation with its own index.
    finished: Vec<bool>,
    /// The trace connection of each connection queued in a listener, by (host, peer).
    queued: Index,
    steps: usize,
    /// Why the run must stop after the current step, once it must.
    halted: Option<Truncation>,
    /// A step found nothing more to do, or the run halted.
    over: bool,
    trace: Trace,
}

/// A summary: where the run stands, not its hosts' state.
impl core::fmt::Debug for Simulator<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Simulator")
            .field("now", &self.now)
            .field("steps", &self.steps)
            .field("segments", &self.trace.segments.len())
            .field("events", &self.trace.events.len())
            .field("halted", &self.halted)
            .field("done", &self.is_done())
            .finish_non_exhaustive()
    }
}

impl<'a> Simulator<'a> {
    /// A run of `scenario` within `limits`, before its first step (its timed rules and floods
    /// are scheduled).
    pub fn new(scenario: &'a Scenario, limits: Limits) -> Simulator<'a> {
        Simulator::with_seed(scenario, limits, scenario.seed)
    }

    /// A run of `scenario` as if its `seed` were `seed`: the random losses and ISNs of that seed,
    /// without cloning the scenario (a Monte Carlo caller runs many seeds of one parsed
    /// scenario). The trace is the one [`simulate_with`] writes for the scenario with that seed.
    pub fn with_seed(scenario: &'a Scenario, limits: Limits, seed: u64) -> Simulator<'a> {
        let hosts: Vec<SimHost> = scenario
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| SimHost {
                config: scenario.config_for(h),
                isn: h.isn,
                port: h.port.unwrap_or(if i == 0 { CLIENT_PORT } else { SERVER_PORT }),
                listener: None,
                listener_deadline: None,
                sockets: Sockets::default(),
                current: None,
                released: None,
                reactions: reactions(&h.app),
                backlog: Backlog::default(),
                opened: 0,
                last_delivered: None,
                reading: true,
                accepting: true,
                down: false,
                downtimes: scenario.downtimes(i),
            })
            .collect();
        let trace = Trace {
            hosts: scenario
                .hosts
                .iter()
                .map(|h| HostInfo {
                    name: h.name.clone(),
                    addr: h.addr,
                    attacker: h.flood.is_some() || h.app.iter().any(|r| r.spoof.is_some()),
                    fixed_isn: match h.isn {
                        Isn::Fixed(n) => Some(n),
                        Isn::Random => None,
                    },
                })
                .collect(),
            ..Trace::default()
        };
        let until = Instant::from_micros(scenario.until_ms.map_or(DEFAULT_UNTIL_MICROS, |m| m.micros()));
        let mut sim = Simulator {
            scenario,
            limits,
            now: Instant::ZERO,
            until,
            loss_rng: Rng::new(seed),
            isn_rng: Rng::new(seed ^ 0x15_4E_15_4E),
            hosts,
            queue: BinaryHeap::new(),
            scheduled: 0,
            timers: BinaryHeap::new(),
            fault_matches: vec![0; scenario.faults.len()],
            finished: Vec::new(),
            queued: Index::new(),
            steps: 0,
            halted: None,
            over: false,
            trace,
        };
        for (h, host) in scenario.hosts.iter().enumerate() {
            let h = HostId(h);
            for (r, rule) in host.app.iter().enumerate() {
                if let Some(at) = rule.at_ms {
                    sim.schedule(
                        Instant::from_micros(at.micros() + rule.after_ms.micros()),
                        Item::Rule { host: h, rule: r, conn: None },
                    );
                }
            }
            if let Some(flood) = &host.flood {
                for k in 0..flood.count {
                    let at = flood.start_ms.micros() + u64::from(k) * flood.interval_ms.micros();
                    sim.schedule(Instant::from_micros(at), Item::Flood { host: h, k });
                }
            }
        }
        sim
    }

    /// Schedules `item` at `at`. Each item is a step when it runs, so a run never schedules more
    /// items than its budget of steps: the queue stays bounded whatever the rules do.
    fn schedule(&mut self, at: Instant, item: Item) {
        if self.scheduled as usize >= self.limits.steps {
            self.halt(Truncation::Steps { limit: self.limits.steps });
            return;
        }
        self.scheduled += 1;
        self.queue.push(Reverse((at, self.scheduled, item)));
    }

    /// Runs what is left of the run (nothing once [`Simulator::is_done`]) and returns its trace:
    /// segments still in flight at the end never arrived, `end` is the time of the last step,
    /// and `truncated` says which limit stopped it, if one did.
    pub fn finish(mut self) -> Trace {
        while self.step() {}
        // Whatever is still in flight never arrived.
        while let Some(Reverse((_, _, item))) = self.queue.pop() {
            if let Item::Deliver { segment } = item {
                self.trace.segments[segment].fate = Fate::Lost { reason: LossReason::InFlight };
            }
        }
        self.trace.end = self.now;
        self.trace.truncated = self.halted;
        let end = self.now.micros;
        self.trace.outages = (self.scenario.link.outages.iter())
            .filter(|o| o.from_ms.micros() <= end)
            .map(|o| (Instant::from_micros(o.from_ms.micros()), Instant::from_micros(o.until_ms.micros())))
            .collect();
        self.trace
    }

    /// Takes at most `max_steps` steps (see [`Simulator::step`]): a slice of the run, after which
    /// the caller may yield.
    pub fn run_steps(&mut self, max_steps: usize) -> Progress {
        for _ in 0..max_steps {
            if !self.step() {
                return Progress::Done;
            }
        }
        if self.is_done() { Progress::Done } else { Progress::Paused }
    }

    /// Takes every step due at or before `at` (simulated time). Returns false once the run is
    /// over. [`Simulator::now`] stays at the last step taken, not at `at`.
    pub fn run_until(&mut self, at: Instant) -> bool {
        while !self.is_done() && self.next_time().is_none_or(|next| next <= at) {
            self.step();
        }
        !self.is_done()
    }

    /// The time of the last step taken (zero before the first).
    pub fn now(&self) -> Instant {
        self.now
    }

    /// How many steps the run has taken (at most [`Limits::steps`]).
    pub fn steps_taken(&self) -> usize {
        self.steps
    }

    /// Whether the run is over: everything was quiet, or a limit or the scenario's `until_ms`
    /// stopped it. [`Simulator::step`] returns false from then on.
    pub fn is_done(&self) -> bool {
        self.over || self.halted.is_some()
    }

    /// The trace so far. A segment still in flight shows when it will arrive; `end` and
    /// `truncated` are only set by [`Simulator::finish`].
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// When the next step would happen, if anything is left to do.
    fn next_time(&mut self) -> Option<Instant> {
        let next_item = self.queue.peek().map(|Reverse((at, _, _))| *at);
        [next_item, self.next_timer()].into_iter().flatten().min()
    }

    /// Takes the next step: the earliest delivery or rule, or else every timer due at the earliest
    /// deadline. Returns false once the run is over (quiet, or halted).
    pub fn step(&mut self) -> bool {
        if self.over || self.halted.is_some() {
            self.over = true;
            return false;
        }
        let next_item = self.queue.peek().map(|Reverse((at, _, _))| *at);
        let next_timer = self.next_timer();
        let Some(next) = [next_item, next_timer].into_iter().flatten().min() else {
            self.over = true;
            return false;
        };
        if next > self.until {
            self.halt(Truncation::TimeLimit { until: self.until });
            self.over = true;
            return false;
        }
        if self.steps >= self.limits.steps {
            self.halt(Truncation::Steps { limit: self.limits.steps });
            self.over = true;
            return false;
        }
        self.steps += 1;
        self.now = next;
        if next_item == Some(next) {
            if let Some(Reverse((_, _, item))) = self.queue.pop() {
                self.process(item);
            }
        } else {
            self.fire_timers();
        }
        true
    }

    /// Stops the run after the current step (the first reason given is kept).
    fn halt(&mut self, why: Truncation) {
        self.halted.get_or_insert(why);
    }

    fn process(&mut self, item: Item) {
        match item {
            Item::Deliver { segment } => self.deliver(segment),
            Item::Rule { host, rule, conn } => self.run_rule(host, rule, conn),
            Item::Flood { host, k } if !self.hosts[host].down => self.send_forged_syn(host, k),
            Item::Flood { .. } => {}
        }
    }

    // ----- timers -----

    /// The earliest registered deadline, dropping stale heap entries on the way.
    fn next_timer(&mut self) -> Option<Instant> {
        while let Some(&Reverse((at, host, owner))) = self.timers.peek() {
            if self.registered(host, owner) == Some(at) {
                return Some(at);
            }
            self.timers.pop();
        }
        None
    }

    fn registered(&self, host: HostId, owner: u64) -> Option<Instant> {
        let h = &self.hosts[host];
        if owner == LISTENER { h.listener_deadline } else { h.sockets.get(owner).and_then(|s| s.deadline) }
    }

    /// Fires every due timer: host by host, each host's sockets in the order they were opened,
    /// then its listener.
    fn fire_timers(&mut self) {
        let mut due = Vec::new();
        while let Some(&Reverse((at, host, owner))) = self.timers.peek()
            && at <= self.now
        {
            self.timers.pop();
            if self.registered(host, owner) == Some(at) {
                due.push((host, owner));
            }
        }
        tcp_core::sort::sort_by(&mut due, &Ord::cmp);
        due.dedup();
        let now = self.now;
        for (host, owner) in due {
            if owner == LISTENER {
                if let Some(l) =
                    self.hosts[host].listener.as_mut().filter(|l| l.poll_timeout().is_some_and(|t| t <= now))
                {
                    l.handle_timeout(now);
                    self.drain_listener(host);
                }
            } else if let Some(s) = self.hosts[host].sockets.get_mut(owner)
                && s.conn.poll_timeout().is_some_and(|t| t <= now)
            {
                s.conn.handle_timeout(now);
                self.drain_conn(host, owner);
            }
        }
    }

    /// Registers a socket's next deadline in the timer heap, or takes it out of every index once
    /// it is CLOSED.
    fn watch(&mut self, host: HostId, order: u64) {
        let Some(s) = self.hosts[host].sockets.get_mut(order) else { return };
        if s.conn.state() == tcp_core::State::Closed {
            self.hosts[host].sockets.remove(order);
            return;
        }
        let deadline = s.conn.poll_timeout();
        if deadline != s.deadline {
            s.deadline = deadline;
            if let Some(at) = deadline {
                self.timers.push(Reverse((at, host, order)));
            }
        }
    }

    fn watch_listener(&mut self, host: HostId) {
        let deadline = self.hosts[host].listener.as_ref().and_then(Listener::poll_timeout);
        if deadline != self.hosts[host].listener_deadline {
            self.hosts[host].listener_deadline = deadline;
            if let Some(at) = deadline {
                self.timers.push(Reverse((at, host, LISTENER)));
            }
        }
    }

    // ----- the link -----

    fn host_by_addr(&self, addr: core::net::Ipv4Addr) -> Option<HostId> {
        self.scenario.hosts.iter().position(|h| h.addr == addr && h.flood.is_none()).map(HostId)
    }

    /// The link's one-way delay for a segment from `from` to `to`. A segment a host sends to its
    /// own address never reaches the link: it loops back at once, as through Linux's `lo`.
    fn one_way_delay(&self, from: HostId, to: Option<HostId>) -> u64 {
        let link = &self.scenario.link;
        if to == Some(from) {
            0
        } else if from == HostId(0) {
            link.delay_ms.micros()
        } else {
            link.return_delay_ms.unwrap_or(link.delay_ms).micros()
        }
    }

    /// Puts a segment on the wire: records it, applies faults and random loss, schedules arrival.
    /// `answers` is the segment it replies to, for a reply that takes its numbers from it (see
    /// [`Segment::answers`]).
    fn transmit(
        &mut self,
        from: HostId,
        conn: Option<ConnId>,
        t: &Transmit<'_>,
        origin: Origin,
        answers: Option<SegId>,
    ) {
        // A connection's first SYN (or SYN-ACK) carries its ISS: known from here on, even if
        // nothing ever answers it.
        if let Some(c) = conn.and_then(|c| self.trace.conns.get_mut(c.index())) {
            c.sent(t.repr.flags, t.repr.seq);
        }
        if self.halted.is_some() {
            return;
        }
        let index = SegId(self.trace.segments.len());
        let to = self.host_by_addr(*t.dst.ip());
        let mut segment = Segment {
            from,
            to,
            conn,
            src: t.src,
            dst: t.dst,
            sent_at: self.now,
            fate: Fate::Lost { reason: LossReason::InFlight },
            repr: t.repr,
            payload: t.payload.to_vec(),
            retransmission: t.retransmission,
            duplicate_of: None,
            injected: origin == Origin::Injected,
            forged: origin == Origin::Forged,
            extra_delay_us: 0,
            link_delay_us: self.one_way_delay(from, to),
            received_by: None,
            answers,
        };
        // One draw per segment, used or not, so that a fault never shifts later random losses.
        let random_loss = self.loss_rng.next_f64() < self.scenario.link.loss.get();
        let mut dropped = None;
        let mut duplicate_after = None;
        for (f, fault) in self.scenario.faults.iter().enumerate() {
            let chosen = match fault.index {
                Some(i) => i as usize == index.index(),
                None => {
                    let sender = &self.scenario.hosts[from.index()].name;
                    if SegmentKind::counted(fault.from.as_deref(), fault.kind, sender, segment.kind()) {
                        self.fault_matches[f] += 1;
                        self.fault_matches[f] == fault.nth
                    } else {
                        false
                    }
                }
            };
            if chosen {
                match fault.action {
                    FaultAction::Drop => dropped = Some(LossReason::Fault),
                    FaultAction::Delay => segment.extra_delay_us += fault.delay_ms.micros(),
                    FaultAction::Duplicate => duplicate_after = Some(fault.delay_ms.micros()),
                }
            }
        }
        // On the wire from now until it arrives: an outage at any moment of that cuts it.
        let (sent, arrives) = (self.now.micros, self.now.micros + segment.link_delay_us + segment.extra_delay_us);
        let outage = self.scenario.link.outages.iter().find(|o| o.cuts(sent, arrives));
        if to.is_none() {
            dropped = Some(LossReason::NoSuchHost);
        } else if let (None, Some(o), false) = (dropped, outage, to == Some(from)) {
            let (from, until) = (Instant::from_micros(o.from_ms.micros()), Instant::from_micros(o.until_ms.micros()));
            dropped = Some(LossReason::Outage { from, until });
        } else if let (None, Some(to)) = (dropped, to.filter(|&to| to != from))
            && self.hosts[to].is_down_at(arrives)
        {
            dropped = Some(LossReason::HostDown);
        } else if dropped.is_none() && random_loss && to != Some(from) {
            let certain = self.scenario.link.loss.get() >= 1.0;
            dropped = Some(if certain { LossReason::LinkDown } else { LossReason::Random });
        }
        // The segment and its network copy, each with its Sent event, and a Lost event.
        let copies = if dropped.is_none() && duplicate_after.is_some() { 2 } else { 1 };
        if index.index() + copies > self.limits.segments {
            self.halt(Truncation::Segments { limit: self.limits.segments });
            return;
        }
        if self.trace.events.len() + 2 > self.limits.events {
            self.halt(Truncation::Events { limit: self.limits.events });
            return;
        }
        let arrival = Instant::from_micros(self.now.micros + segment.link_delay_us + segment.extra_delay_us);
        self.trace.segments.push(segment);
        self.record(from, conn, EventKind::Sent { segment: index });
        match dropped {
            Some(reason) => {
                self.trace.segments[index].fate = Fate::Lost { reason };
                self.record(from, conn, EventKind::Lost { segment: index, reason });
            }
            None => {
                self.trace.segments[index].fate = Fate::Delivered { at: arrival };
                self.schedule(arrival, Item::Deliver { segment: index });
                if let Some(extra) = duplicate_after {
                    let copy_index = SegId(self.trace.segments.len());
                    let mut copy = self.trace.segments[index].clone();
                    copy.duplicate_of = Some(index);
                    let copy_arrival = Instant::from_micros(arrival.micros + extra);
                    copy.fate = Fate::Delivered { at: copy_arrival };
                    self.trace.segments.push(copy);
                    self.record(from, conn, EventKind::Sent { segment: copy_index });
                    self.schedule(copy_arrival, Item::Deliver { segment: copy_index });
                }
            }
        }
    }

    fn deliver(&mut self, index: SegId) {
        let (to, repr, payload, src, dst) = {
            let s = &self.trace.segments[index];
            let Some(to) = s.to else { return };
            (to, s.repr, s.payload.clone(), s.src, s.dst)
        };
        let now = self.now;
        // An open socket for this 4-tuple (CLOSED ones are gone).
        let found = self.hosts[to].sockets.find(dst, src);
        let conn_id = found.and_then(|order| self.hosts[to].sockets.get(order)).map(|s| s.id);
        self.record(to, conn_id, EventKind::Delivered { segment: index });
        let listening = self.hosts[to].listener.as_ref().is_some_and(|l| l.local() == dst);
        let mut given_iss = None;
        if let Some(order) = found {
            let Some(s) = self.hosts[to].sockets.get_mut(order) else { return };
            if listening && s.conn.opens_new_incarnation(&repr) {
                // A SYN for a new incarnation (RFC 6191): TIME-WAIT gives way, the listener
                // takes the SYN.
                given_iss = s.conn.give_way(&repr);
                self.drain_conn(to, order);
            } else {
                self.trace.segments[index].received_by = conn_id;
                s.conn.handle_segment(now, &repr, &payload);
                self.drain_conn(to, order);
                return;
            }
        }
        if listening {
            let isn = match given_iss {
                Some(iss) => iss,
                None => self.draw_isn(to),
            };
            // The listener hands it to the connection it queues for this peer (one it had, or
            // one it opens now), which may leave the queue for the accept() or go back to LISTEN.
            let queued_before = self.queued.get(queued_key(to, src));
            if let Some(l) = self.hosts[to].listener.as_mut() {
                l.handle_segment(now, src, &repr, &payload, isn);
            }
            self.drain_listener(to);
            let taken_by =
                self.queued.get(queued_key(to, src)).or(queued_before).map(|id| ConnId(id as usize)).or_else(|| {
                    let order = self.hosts[to].sockets.find(dst, src)?;
                    self.hosts[to].sockets.get(order).map(|s| s.id)
                });
            self.trace.segments[index].received_by = taken_by;
            return;
        }
        // Nobody listens: RFC 9293 §3.10.7.1, answered by the host itself.
        let mut closed = Connection::new(self.hosts[to].config, dst, src);
        closed.handle_segment(now, &repr, &payload);
        while let Some(e) = closed.poll_event() {
            if let Event::SegmentRejected { reason, reply } = e {
                self.record(to, None, EventKind::Rejected { segment: Some(index), reason, reply });
            }
        }
        while let Some(t) = closed.poll_transmit() {
            self.transmit(to, None, &t, Origin::Tcp, Some(index));
        }
    }

    fn draw_isn(&mut self, host: HostId) -> SeqNum {
        match self.hosts[host].isn {
            Isn::Fixed(n) => SeqNum(n),
            Isn::Random => SeqNum(self.isn_rng.next_u32()),
        }
    }

    // ----- events from TCP -----

    fn record(&mut self, host: HostId, conn: Option<ConnId>, kind: EventKind) {
        if self.halted.is_some() {
            return;
        }
        if self.trace.events.len() >= self.limits.events {
            self.halt(Truncation::Events { limit: self.limits.events });
            return;
        }
        if let EventKind::Delivered { segment } = kind {
            self.hosts[host].last_delivered = Some(segment);
        }
        self.trace.events.push(TraceEvent { at: self.now, host, conn, kind });
    }

    fn new_conn_id(&mut self, host: HostId, local: SocketAddrV4, remote: SocketAddrV4) -> Option<ConnId> {
        if self.halted.is_some() {
            return None;
        }
        if self.trace.conns.len() >= self.limits.connections {
            self.halt(Truncation::Connections { limit: self.limits.connections });
            return None;
        }
        self.trace.conns.push(ConnInfo::new(host, local, remote));
        self.finished.push(false);
        Some(ConnId(self.trace.conns.len() - 1))
    }

    /// The trace connection of the connection `host`'s listener queues for `remote`, or a new
    /// one (`None` once the budget of connections is spent).
    fn queued_id(&mut self, host: HostId, local: SocketAddrV4, remote: SocketAddrV4) -> Option<ConnId> {
        if let Some(id) = self.queued.get(queued_key(host, remote)) {
            return Some(ConnId(id as usize));
        }
        let id = self.new_conn_id(host, local, remote)?;
        self.queued.insert(queued_key(host, remote), id.index() as u64);
        Some(id)
    }

    /// Whether the application closed connection `id` (close() or an abort, not shutdown()):
    /// from then on it is told nothing of it (Linux's orphaned socket).
    fn closed_by_app(&self, host: HostId, id: ConnId) -> bool {
        self.hosts[host].sockets.by_id(id).is_some_and(|s| s.conn.is_orphaned())
    }

    /// Connection `id` has ended: a new one on its 4-tuple is a new incarnation.
    fn end_conn(&mut self, id: ConnId) {
        self.finished[id.index()] = true;
        let c = &self.trace.conns[id];
        let key = queued_key(c.host, c.remote);
        if self.queued.get(key) == Some(id.index() as u64) {
            self.queued.remove(key);
        }
    }

    /// Takes what a socket did: its events are recorded, then its segments go on the wire, then
    /// the application reacts (reads, writes what waited). Reacting last keeps a connection's
    /// segments in the order it made them: anything the reaction sends leaves after them.
    fn drain_conn(&mut self, host: HostId, order: u64) {
        let Some(s) = self.hosts[host].sockets.get_mut(order) else { return };
        let id = s.id;
        let mut sent = Vec::new();
        while let Some(t) = s.conn.poll_transmit() {
            sent.push((t.src, t.dst, t.repr, t.payload.to_vec(), t.retransmission));
        }
        let mut events = Vec::new();
        while let Some(e) = s.conn.poll_event() {
            events.push(e);
        }
        // Events first (the state change that made a segment leave reads before it); the
        // application's reactions are scheduled, or done once the segments are out.
        let mut reactions = Reactions::default();
        let answered = self.answered(host, &events);
        for e in events {
            self.on_tcp_event(host, id, e, false, &mut reactions);
        }
        for (src, dst, repr, payload, retransmission) in sent {
            let t = Transmit { src, dst, repr, payload: &payload, retransmission };
            // A reset in reply to a rejected segment takes its numbers from it.
            let answers = answered.filter(|_| repr.flags.contains(tcp_core::Flags::RST));
            self.transmit(host, Some(id), &t, Origin::Tcp, answers);
        }
        self.watch(host, order);
        if reactions.read {
            self.read_all(host, id);
        }
        if reactions.write {
            self.push_backlog(host, id);
        }
    }

    fn drain_listener(&mut self, host: HostId) {
        let mut sent = Vec::new();
        let mut events: Vec<ListenerEvent> = Vec::new();
        let local = if let Some(l) = self.hosts[host].listener.as_mut() {
            while let Some(t) = l.poll_transmit() {
                sent.push((t.src, t.dst, t.repr, t.retransmission));
            }
            while let Some(e) = l.poll_event() {
                events.push(e);
            }
            l.local()
        } else {
            return;
        };
        // The application never acts on a queued connection: nothing to react to.
        let mut ignored = Reactions::default();
        let answered = self.answered(host, events.iter().map(|e| &e.event));
        for ListenerEvent { remote, event } in events {
            match (event, self.queued.get(queued_key(host, remote))) {
                // A SYN the listener turned away (queue full, cookie) opens no connection.
                (Event::SegmentRejected { reason, reply }, None) => {
                    let segment = self.hosts[host].last_delivered;
                    self.record(host, None, EventKind::Rejected { segment, reason, reply });
                }
                (event, _) => {
                    if let Some(id) = self.queued_id(host, local, remote) {
                        self.on_tcp_event(host, id, event, true, &mut ignored);
                    }
                }
            }
        }
        for (src, dst, repr, retransmission) in sent {
            // Segments of a queued connection belong to it; resets and SYN cookies to none.
            let id = self.queued.get(queued_key(host, dst)).map(|id| ConnId(id as usize));
            let t = Transmit { src, dst, repr, payload: &[], retransmission };
            // A reset, or a reply no connection sends, takes its numbers from what it answers.
            let answers = answered.filter(|_| id.is_none() || repr.flags.contains(tcp_core::Flags::RST));
            self.transmit(host, id, &t, Origin::Tcp, answers);
        }
        self.watch_listener(host);
        self.accept_all(host);
    }

    /// The segment a drain's replies answer: the one just delivered, when TCP rejected it with a
    /// reply.
    fn answered<'e>(&self, host: HostId, events: impl IntoIterator<Item = &'e Event>) -> Option<SegId> {
        let replied = events.into_iter().any(|e| {
            matches!(e, Event::SegmentRejected { reply, .. } if !matches!(reply, Reply::Nothing | Reply::RateLimited))
        });
        if replied { self.hosts[host].last_delivered } else { None }
    }

    /// The application accepts every connection the listener has ready (unless it stopped
    /// accepting: the player's entries never do).
    pub(super) fn accept_all(&mut self, host: HostId) {
        if !cfg!(feature = "player") && !self.hosts[host].accepting {
            return;
        }
        while let Some(conn) = self.hosts[host].listener.as_mut().and_then(Listener::accept) {
            self.watch_listener(host);
            let id = match self.queued.remove(queued_key(host, conn.remote())) {
                Some(id) => ConnId(id as usize),
                None => match self.new_conn_id(host, conn.local(), conn.remote()) {
                    Some(id) => id,
                    None => return,
                },
            };
            let order = self.hosts[host].sockets.insert(Socket { id, conn, deadline: None });
            self.hosts[host].current = Some(id);
            self.hosts[host].backlog.clear();
            self.record(host, Some(id), EventKind::App { call: crate::trace::AppCall::Accept, error: None });
            self.trigger(host, Trigger::Accepted, id);
            // Data that came with (or right after) the handshake's last ACK waited in the queue.
            let bytes = self.read_all(host, id);
            if bytes > 0 {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                self.trigger(host, Trigger::Data, id);
            }
            // Events queued while it waited in the accept queue were already drained.
            self.drain_conn(host, order);
        }
    }

    fn on_tcp_event(&mut self, host: HostId, id: ConnId, event: Event, from_listener: bool, then: &mut Reactions) {
        let kind = match event {
            Event::StateChanged { from, to, cause } => {
                if to == tcp_core::State::Listen && from_listener {
                    // A half-open connection was dropped (reset or timed out).
                    self.end_conn(id);
                }
                EventKind::State { from, to, cause }
            }
            Event::TimerArmed { timer, deadline, timeout, backoff } => {
                EventKind::TimerArmed { timer, deadline, timeout, backoff }
            }
            Event::TimerCancelled { timer } => EventKind::TimerCancelled { timer },
            Event::TimerFired { timer, backoff } => EventKind::TimerFired { timer, backoff },
            Event::SegmentRejected { reason, reply } => {
                let segment = self.hosts[host].last_delivered;
                EventKind::Rejected { segment, reason, reply }
            }
            Event::Negotiated(negotiation) => {
                // The segment being handled carried the peer's SYN, unless a SYN cookie's ACK
                // rebuilt it.
                let peer_syn = self.hosts[host].last_delivered.filter(|&i| {
                    self.trace.segments.get(i.index()).is_some_and(|s| s.repr.flags.contains(tcp_core::Flags::SYN))
                });
                let from_segment = SegId(self.trace.segments.len());
                if let Some(c) = self.trace.conns.get_mut(id.index()) {
                    c.synchronize(Synchronized { negotiation, peer_syn, from_segment });
                }
                return;
            }
            Event::Connected => {
                if from_listener {
                    // accept() will tell the application.
                    return;
                }
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Connected });
                self.trigger(host, Trigger::Connected, id);
                return;
            }
            Event::Received { .. } => {
                // The application reads it all once the segments of this drain are out; it is
                // told now, where the data arrived. One that stopped reading is not, nor one that
                // shut down reading this connection (what it queued is never read).
                let readable = self.hosts[host].sockets.by_id(id).filter(|s| !s.conn.is_read_shut());
                let bytes = readable.map_or(0, |s| s.conn.recv_available());
                if bytes > 0 && !then.read && !from_listener && self.hosts[host].reads() {
                    then.read = true;
                    self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                    self.trigger(host, Trigger::Data, id);
                }
                return;
            }
            // An application that closed the connection holds no socket to read it from.
            Event::EndOfStream if self.closed_by_app(host, id) => return,
            Event::EndOfStream => {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::EndOfStream });
                self.trigger(host, Trigger::Eof, id);
                return;
            }
            Event::Writable => {
                then.write = true;
                return;
            }
            Event::Closed { reason } => {
                // Recorded all the same: how it ended is the connection's (the writers say
                // nobody was told, `Trace::closed_by_app`), but no rule of the application runs.
                let told = !self.closed_by_app(host, id);
                self.end_conn(id);
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Closed { reason } });
                let trigger = match reason {
                    CloseReason::Refused => Trigger::Refused,
                    CloseReason::TimedOut => Trigger::Timeout,
                    CloseReason::Reset => Trigger::Reset,
                    _ => Trigger::Closed,
                };
                if told && (!from_listener || self.hosts[host].current == Some(id)) {
                    self.trigger(host, trigger, id);
                }
                return;
            }
        };
        self.record(host, Some(id), kind);
    }

    /// Reads everything the connection has received; returns how many bytes. An application
    /// that shut down reading a connection reads nothing more from it.
    pub(super) fn read_all(&mut self, host: HostId, id: ConnId) -> usize {
        if !self.hosts[host].reads() {
            return 0;
        }
        let Some(order) = self.hosts[host].sockets.order_of(id) else { return 0 };
        if self.hosts[host].sockets.get(order).is_none_or(|s| s.conn.is_read_shut()) {
            return 0;
        }
        let (now, mut buf, mut total) = (self.now, [0u8; 4096], 0);
        while let Some(s) = self.hosts[host].sockets.get_mut(order)
            && let Ok(n @ 1..) = s.conn.recv(now, &mut buf)
        {
            total += n;
        }
        // Reading may reopen a shrunken window: its update goes out now.
        self.drain_conn(host, order);
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;

    #[test]
    fn closed_sockets_leave_every_index() {
        for entry in catalogue::ENTRIES {
            let scenario = entry.scenario().expect("entry");
            let mut sim = Simulator::new(&scenario, Limits::DEFAULT);
            assert_eq!(sim.run_steps(usize::MAX), Progress::Done, "{}", entry.name);
            assert_eq!(sim.halted, None, "{}", entry.name);
            for h in &sim.hosts {
                assert!(h.sockets.is_empty(), "{}: every socket closed and left", entry.name);
            }
            assert!(sim.queued.is_empty(), "{}: no connection left queued", entry.name);
            assert!(sim.finished.iter().all(|f| *f), "{}: every connection finished", entry.name);
            assert_eq!(sim.next_timer(), None, "{}: no timer left", entry.name);
        }
    }
}
