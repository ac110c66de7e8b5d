//! The deterministic discrete-event simulator: hosts running `tcp-core` connections and
//! listeners, a link that delays, loses, reorders and duplicates, and application scripts.
//!
//! **Invariant:** same scenario, same trace, byte for byte: no clock, no global RNG, no hash map
//! iteration; ties in time are broken by the order things were scheduled.

use alloc::collections::BinaryHeap;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::net::SocketAddrV4;
use tcp_core::event::{CloseReason, Event};
use tcp_core::listener::ListenerEvent;
use tcp_core::{Config, Connection, Flags, Instant, Listener, SeqNum, TcpRepr, Transmit};

use crate::rng::Rng;
use crate::scenario::{Action, FaultAction, Isn, Rule, Scenario, Trigger};
use crate::trace::{AppCall, ConnInfo, EventKind, Fate, HostInfo, LossReason, Notice, Segment, Trace, TraceEvent};

/// Default listening port (as in the captures).
pub const SERVER_PORT: u16 = 5555;
/// Default first client port (as in the captures).
pub const CLIENT_PORT: u16 = 40000;
/// Simulated time after which a run stops at the latest: one hour.
const DEFAULT_UNTIL_MICROS: u64 = 3_600_000_000;
/// Work after which a run stops even if events remain (a guard against runaway scenarios).
const MAX_STEPS: usize = 200_000;

/// Runs a scenario to its end and returns the trace.
pub fn simulate(scenario: &Scenario) -> Trace {
    Simulator::new(scenario).run()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    /// A segment arrives at its destination.
    Deliver { segment: usize },
    /// A host's application runs rule `rule` (once scheduled).
    Rule { host: usize, rule: usize },
    /// The `k`-th forged SYN of a flood leaves.
    Flood { host: usize, k: u16 },
}

struct SimHost {
    config: Config,
    isn: Isn,
    port: u16,
    listener: Option<Listener>,
    /// Sockets: (trace connection index, connection).
    conns: Vec<(usize, Connection)>,
    /// The connection the application acts on: the last one it opened or accepted.
    current: Option<usize>,
    /// Rules that already fired (those without `repeat` fire once).
    fired: Vec<bool>,
    /// Bytes the application still wants to send on `current` (more than the buffer took).
    unsent: Vec<u8>,
}

struct Simulator<'a> {
    scenario: &'a Scenario,
    now: Instant,
    until: Instant,
    loss_rng: Rng,
    isn_rng: Rng,
    hosts: Vec<SimHost>,
    queue: BinaryHeap<Reverse<(Instant, u64, Item)>>,
    scheduled: u64,
    /// How many segments each fault's selector has matched so far.
    fault_matches: Vec<u32>,
    /// Per trace connection: it has ended (CLOSED, or a half-open connection back to LISTEN), so
    /// a new connection on the same 4-tuple is a new incarnation with its own index.
    finished: Vec<bool>,
    trace: Trace,
}

impl<'a> Simulator<'a> {
    fn new(scenario: &'a Scenario) -> Simulator<'a> {
        let hosts: Vec<SimHost> = scenario
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| SimHost {
                config: scenario.config_for(h),
                isn: h.isn,
                port: h.port.unwrap_or(if i == 0 { CLIENT_PORT } else { SERVER_PORT }),
                listener: None,
                conns: Vec::new(),
                current: None,
                fired: vec![false; h.app.len()],
                unsent: Vec::new(),
            })
            .collect();
        let trace = Trace {
            hosts: scenario
                .hosts
                .iter()
                .map(|h| HostInfo { name: h.name.clone(), addr: h.addr, attacker: h.flood.is_some() })
                .collect(),
            ..Trace::default()
        };
        let until = Instant::from_micros(scenario.until_ms.map_or(DEFAULT_UNTIL_MICROS, |m| m.micros()));
        let mut sim = Simulator {
            scenario,
            now: Instant::ZERO,
            until,
            loss_rng: Rng::new(scenario.seed),
            isn_rng: Rng::new(scenario.seed ^ 0x15_4E_15_4E),
            hosts,
            queue: BinaryHeap::new(),
            scheduled: 0,
            fault_matches: vec![0; scenario.faults.len()],
            finished: Vec::new(),
            trace,
        };
        for (h, host) in scenario.hosts.iter().enumerate() {
            for (r, rule) in host.app.iter().enumerate() {
                if let Some(at) = rule.at_ms {
                    sim.schedule(
                        Instant::from_micros(at.micros() + rule.after_ms.micros()),
                        Item::Rule { host: h, rule: r },
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

    fn schedule(&mut self, at: Instant, item: Item) {
        self.scheduled += 1;
        self.queue.push(Reverse((at, self.scheduled, item)));
    }

    fn run(mut self) -> Trace {
        let mut steps = 0;
        loop {
            let next_item = self.queue.peek().map(|Reverse((at, _, _))| *at);
            let next_timer = self.next_timer();
            let Some(next) = [next_item, next_timer].into_iter().flatten().min() else { break };
            if next > self.until {
                self.trace.truncated = Some(format!("reached the time limit of {}", self.until));
                break;
            }
            steps += 1;
            if steps > MAX_STEPS {
                self.trace.truncated = Some(format!("more than {MAX_STEPS} steps"));
                break;
            }
            self.now = next;
            if next_item == Some(next) {
                if let Some(Reverse((_, _, item))) = self.queue.pop() {
                    self.process(item);
                }
            } else {
                self.fire_timers();
            }
        }
        // Whatever is still in flight never arrived.
        while let Some(Reverse((_, _, item))) = self.queue.pop() {
            if let Item::Deliver { segment } = item {
                self.trace.segments[segment].fate = Fate::Lost { reason: LossReason::InFlight };
            }
        }
        self.trace.end = self.now;
        self.trace
    }

    fn next_timer(&self) -> Option<Instant> {
        self.hosts
            .iter()
            .flat_map(|h| {
                h.conns
                    .iter()
                    .filter_map(|(_, c)| c.poll_timeout())
                    .chain(h.listener.as_ref().and_then(Listener::poll_timeout))
            })
            .min()
    }

    fn fire_timers(&mut self) {
        for h in 0..self.hosts.len() {
            for i in 0..self.hosts[h].conns.len() {
                if self.hosts[h].conns[i].1.poll_timeout().is_some_and(|t| t <= self.now) {
                    let now = self.now;
                    self.hosts[h].conns[i].1.handle_timeout(now);
                    self.drain_conn(h, i);
                }
            }
            if self.hosts[h].listener.as_ref().and_then(Listener::poll_timeout).is_some_and(|t| t <= self.now) {
                let now = self.now;
                if let Some(l) = self.hosts[h].listener.as_mut() {
                    l.handle_timeout(now);
                }
                self.drain_listener(h);
            }
        }
    }

    fn process(&mut self, item: Item) {
        match item {
            Item::Deliver { segment } => self.deliver(segment),
            Item::Rule { host, rule } => self.run_rule(host, rule),
            Item::Flood { host, k } => self.send_forged_syn(host, k),
        }
    }

    // ----- the link -----

    fn host_by_addr(&self, addr: core::net::Ipv4Addr) -> Option<usize> {
        self.scenario.hosts.iter().position(|h| h.addr == addr && h.flood.is_none())
    }

    fn one_way_delay(&self, from: usize) -> u64 {
        let link = &self.scenario.link;
        if from == 0 { link.delay_ms.micros() } else { link.return_delay_ms.unwrap_or(link.delay_ms).micros() }
    }

    /// Puts a segment on the wire: records it, applies faults and random loss, schedules arrival.
    fn transmit(&mut self, from: usize, conn: Option<usize>, t: &Transmit<'_>, injected: bool) {
        let index = self.trace.segments.len();
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
            injected,
            forged: false,
            extra_delay_us: 0,
        };
        // One draw per segment, used or not, so that a fault never shifts later random losses.
        let random_loss = self.loss_rng.next_f64() < self.scenario.link.loss.get();
        let mut dropped = None;
        let mut duplicate_after = None;
        for (f, fault) in self.scenario.faults.iter().enumerate() {
            let chosen = match fault.index {
                Some(i) => i as usize == index,
                None => {
                    let from_ok = fault.from.as_ref().is_none_or(|n| self.scenario.hosts[from].name == *n);
                    let kind_ok = fault.kind.is_none_or(|k| k == segment.kind());
                    if from_ok && kind_ok {
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
        if to.is_none() {
            dropped = Some(LossReason::NoSuchHost);
        } else if dropped.is_none() && random_loss {
            dropped = Some(LossReason::Random);
        }
        let arrival = Instant::from_micros(self.now.micros + self.one_way_delay(from) + segment.extra_delay_us);
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
                    let copy_index = self.trace.segments.len();
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

    fn deliver(&mut self, index: usize) {
        let (to, repr, payload, src, dst) = {
            let s = &self.trace.segments[index];
            let Some(to) = s.to else { return };
            (to, s.repr, s.payload.clone(), s.src, s.dst)
        };
        let now = self.now;
        // An open socket for this 4-tuple (CLOSED ones are gone).
        let found = self.hosts[to]
            .conns
            .iter()
            .position(|(_, c)| c.local() == dst && c.remote() == src && c.state() != tcp_core::State::Closed);
        let conn_id = found.map(|i| self.hosts[to].conns[i].0);
        self.record(to, conn_id, EventKind::Delivered { segment: index });
        if let Some(i) = found {
            self.hosts[to].conns[i].1.handle_segment(now, &repr, &payload);
            self.drain_conn(to, i);
            return;
        }
        let listening = self.hosts[to].listener.as_ref().is_some_and(|l| l.local() == dst);
        if listening {
            let isn = self.draw_isn(to);
            if let Some(l) = self.hosts[to].listener.as_mut() {
                l.handle_segment(now, src, &repr, &payload, isn);
            }
            self.drain_listener(to);
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
            self.transmit(to, None, &t, false);
        }
    }

    fn draw_isn(&mut self, host: usize) -> SeqNum {
        match self.hosts[host].isn {
            Isn::Fixed(n) => SeqNum(n),
            Isn::Random => SeqNum(self.isn_rng.next_u32()),
        }
    }

    // ----- events from TCP -----

    fn record(&mut self, host: usize, conn: Option<usize>, kind: EventKind) {
        self.trace.events.push(TraceEvent { at: self.now, host, conn, kind });
    }

    /// The live connection with this 4-tuple on `host`, if any.
    fn live_conn(&self, host: usize, local: SocketAddrV4, remote: SocketAddrV4) -> Option<usize> {
        self.trace
            .conns
            .iter()
            .enumerate()
            .rposition(|(i, c)| c.host == host && c.local == local && c.remote == remote && !self.finished[i])
    }

    /// The live connection with this 4-tuple on `host`, or a new one.
    fn conn_id(&mut self, host: usize, local: SocketAddrV4, remote: SocketAddrV4) -> usize {
        match self.live_conn(host, local, remote) {
            Some(i) => i,
            None => self.new_conn_id(host, local, remote),
        }
    }

    fn new_conn_id(&mut self, host: usize, local: SocketAddrV4, remote: SocketAddrV4) -> usize {
        self.trace.conns.push(ConnInfo { host, local, remote });
        self.finished.push(false);
        self.trace.conns.len() - 1
    }

    fn drain_conn(&mut self, host: usize, i: usize) {
        let id = self.hosts[host].conns[i].0;
        let mut sent = Vec::new();
        {
            let conn = &mut self.hosts[host].conns[i].1;
            while let Some(t) = conn.poll_transmit() {
                sent.push((t.src, t.dst, t.repr, t.payload.to_vec(), t.retransmission));
            }
        }
        let mut events = Vec::new();
        while let Some(e) = self.hosts[host].conns[i].1.poll_event() {
            events.push(e);
        }
        // Events first (the state change that made a segment leave reads before it); the
        // application's reactions are scheduled, so they come after both.
        for e in events {
            self.on_tcp_event(host, id, e, false);
        }
        for (src, dst, repr, payload, retransmission) in sent {
            let t = Transmit { src, dst, repr, payload: &payload, retransmission };
            self.transmit(host, Some(id), &t, false);
        }
    }

    fn drain_listener(&mut self, host: usize) {
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
        for ListenerEvent { remote, event } in events {
            match (event, self.live_conn(host, local, remote)) {
                // A SYN the listener turned away (queue full, cookie) opens no connection.
                (Event::SegmentRejected { reason, reply }, None) => {
                    let segment = self.last_delivered_to(host);
                    self.record(host, None, EventKind::Rejected { segment, reason, reply });
                }
                (event, live) => {
                    let id = live.unwrap_or_else(|| self.new_conn_id(host, local, remote));
                    self.on_tcp_event(host, id, event, true);
                }
            }
        }
        for (src, dst, repr, retransmission) in sent {
            // Segments of a half-open connection belong to it; resets and SYN cookies to none.
            let id = self.live_conn(host, src, dst);
            let t = Transmit { src, dst, repr, payload: &[], retransmission };
            self.transmit(host, id, &t, false);
        }
        self.accept_all(host);
    }

    /// The application accepts every connection the listener has ready.
    fn accept_all(&mut self, host: usize) {
        while let Some(conn) = self.hosts[host].listener.as_mut().and_then(Listener::accept) {
            let id = self.conn_id(host, conn.local(), conn.remote());
            self.hosts[host].conns.push((id, conn));
            self.hosts[host].current = Some(id);
            self.hosts[host].unsent.clear();
            self.record(host, Some(id), EventKind::App { call: AppCall::Accept, error: None });
            self.trigger(host, Trigger::Accepted);
            // Data that came with (or right after) the handshake's last ACK waited in the queue.
            let bytes = self.read_all(host, id);
            if bytes > 0 {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                self.trigger(host, Trigger::Data);
            }
            // Events queued while it waited in the accept queue were already drained.
            let i = self.hosts[host].conns.len() - 1;
            self.drain_conn(host, i);
        }
    }

    fn on_tcp_event(&mut self, host: usize, id: usize, event: Event, from_listener: bool) {
        let kind = match event {
            Event::StateChanged { from, to, cause } => {
                if to == tcp_core::State::Listen && from_listener {
                    // A half-open connection was dropped (reset or timed out).
                    self.finished[id] = true;
                }
                EventKind::State { from, to, cause }
            }
            Event::TimerArmed { timer, deadline, backoff } => EventKind::TimerArmed { timer, deadline, backoff },
            Event::TimerCancelled { timer } => EventKind::TimerCancelled { timer },
            Event::TimerFired { timer, backoff } => EventKind::TimerFired { timer, backoff },
            Event::SegmentRejected { reason, reply } => {
                let segment = self.last_delivered_to(host);
                EventKind::Rejected { segment, reason, reply }
            }
            Event::Connected => {
                if from_listener {
                    // accept() will tell the application.
                    return;
                }
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Connected });
                self.trigger(host, Trigger::Connected);
                return;
            }
            Event::Received { .. } => {
                let bytes = self.read_all(host, id);
                if bytes > 0 {
                    self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                    self.trigger(host, Trigger::Data);
                }
                return;
            }
            Event::EndOfStream => {
                self.record(host, Some(id), EventKind::Notified { notice: Notice::EndOfStream });
                self.trigger(host, Trigger::Eof);
                return;
            }
            Event::Writable => {
                self.push_unsent(host, id);
                return;
            }
            Event::Closed { reason } => {
                self.finished[id] = true;
                self.record(host, Some(id), EventKind::Notified { notice: Notice::Closed { reason } });
                let trigger = match reason {
                    CloseReason::Refused => Trigger::Refused,
                    CloseReason::TimedOut => Trigger::Timeout,
                    CloseReason::Reset => Trigger::Reset,
                    _ => Trigger::Closed,
                };
                if !from_listener || self.hosts[host].current == Some(id) {
                    self.trigger(host, trigger);
                }
                return;
            }
        };
        self.record(host, Some(id), kind);
    }

    fn last_delivered_to(&self, host: usize) -> Option<usize> {
        self.trace.events.iter().rev().find_map(|e| match e.kind {
            EventKind::Delivered { segment } if e.host == host => Some(segment),
            _ => None,
        })
    }

    fn read_all(&mut self, host: usize, id: usize) -> usize {
        let Some(i) = self.hosts[host].conns.iter().position(|(c, _)| *c == id) else { return 0 };
        let (now, mut buf, mut total) = (self.now, [0u8; 1024], 0);
        while let Ok(n @ 1..) = self.hosts[host].conns[i].1.recv(now, &mut buf) {
            total += n;
        }
        // Reading may reopen a shrunken window: its update goes out now.
        self.drain_conn(host, i);
        total
    }

    // ----- applications -----

    fn trigger(&mut self, host: usize, trigger: Trigger) {
        let rules: Vec<(usize, u64)> = self.scenario.hosts[host]
            .app
            .iter()
            .enumerate()
            .filter(|(r, rule)| rule.on == Some(trigger) && (rule.repeat || !self.hosts[host].fired[*r]))
            .map(|(r, rule)| (r, rule.after_ms.micros()))
            .collect();
        for (r, after) in rules {
            self.hosts[host].fired[r] = true;
            self.schedule(Instant::from_micros(self.now.micros + after), Item::Rule { host, rule: r });
        }
    }

    fn current_index(&self, host: usize) -> Option<usize> {
        let id = self.hosts[host].current?;
        self.hosts[host].conns.iter().position(|(c, _)| *c == id)
    }

    fn run_rule(&mut self, host: usize, r: usize) {
        let rule: &Rule = &self.scenario.hosts[host].app[r];
        let now = self.now;
        match rule.action {
            Action::Listen => {
                let addr = SocketAddrV4::new(self.scenario.hosts[host].addr, self.hosts[host].port);
                let secret = self.isn_rng.next_u64();
                let result = if self.hosts[host].listener.is_some() {
                    Some("already listening".to_string())
                } else {
                    self.hosts[host].listener = Some(Listener::new(self.hosts[host].config, addr, secret));
                    None
                };
                self.record(host, None, EventKind::App { call: AppCall::Listen { port: addr.port() }, error: result });
            }
            Action::Connect => {
                let Some(to) = rule.to.as_deref().and_then(|n| self.scenario.host_index(n)) else { return };
                let remote = SocketAddrV4::new(self.scenario.hosts[to].addr, self.hosts[to].port);
                let local = SocketAddrV4::new(self.scenario.hosts[host].addr, self.next_local_port(host));
                let id = self.new_conn_id(host, local, remote);
                let isn = self.draw_isn(host);
                let mut conn = Connection::new(self.hosts[host].config, local, remote);
                let result = conn.connect(now, isn).err().map(|e| e.to_string());
                self.record(host, Some(id), EventKind::App { call: AppCall::Connect { to: remote }, error: result });
                self.hosts[host].conns.push((id, conn));
                self.hosts[host].current = Some(id);
                self.hosts[host].unsent.clear();
                let i = self.hosts[host].conns.len() - 1;
                self.drain_conn(host, i);
            }
            Action::Send => {
                let data: Vec<u8> = match (&rule.text, rule.bytes) {
                    (Some(text), _) => text.as_bytes().to_vec(),
                    (None, Some(n)) => (0..n).map(|k| b'a' + (k % 26) as u8).collect(),
                    (None, None) => Vec::new(),
                };
                let Some(i) = self.current_index(host) else {
                    self.app_error(host, AppCall::Send { bytes: data.len() }, "no connection");
                    return;
                };
                let id = self.hosts[host].conns[i].0;
                match self.hosts[host].conns[i].1.send(now, &data) {
                    Ok(n) => {
                        self.hosts[host].unsent.extend_from_slice(&data[n..]);
                        self.record(
                            host,
                            Some(id),
                            EventKind::App { call: AppCall::Send { bytes: data.len() }, error: None },
                        );
                    }
                    Err(e) => {
                        let error = Some(e.to_string());
                        self.record(
                            host,
                            Some(id),
                            EventKind::App { call: AppCall::Send { bytes: data.len() }, error },
                        );
                    }
                }
                self.drain_conn(host, i);
            }
            Action::Shutdown | Action::Close | Action::Abort => {
                let call = match rule.action {
                    Action::Shutdown => AppCall::Shutdown,
                    Action::Close => AppCall::Close,
                    _ => AppCall::Abort,
                };
                let Some(i) = self.current_index(host) else {
                    if rule.action == Action::Close && self.hosts[host].listener.is_some() {
                        // Closing a listener aborts the connections still queued in it.
                        self.record(host, None, EventKind::App { call, error: None });
                        if let Some(l) = self.hosts[host].listener.as_mut() {
                            l.close(now);
                        }
                        self.drain_listener(host);
                        self.hosts[host].listener = None;
                    } else {
                        self.app_error(host, call, "no connection");
                    }
                    return;
                };
                let id = self.hosts[host].conns[i].0;
                let conn = &mut self.hosts[host].conns[i].1;
                let result = match rule.action {
                    Action::Shutdown => conn.shutdown(now),
                    Action::Close => conn.close(now),
                    _ => conn.abort(now),
                };
                self.record(host, Some(id), EventKind::App { call, error: result.err().map(|e| e.to_string()) });
                self.drain_conn(host, i);
            }
            Action::Inject => self.inject(host, rule),
        }
    }

    fn app_error(&mut self, host: usize, call: AppCall, error: &str) {
        self.record(host, None, EventKind::App { call, error: Some(error.to_string()) });
    }

    fn next_local_port(&self, host: usize) -> u16 {
        let base = self.hosts[host].port;
        base.wrapping_add(self.trace.conns.iter().filter(|c| c.host == host).count() as u16)
    }

    fn push_unsent(&mut self, host: usize, id: usize) {
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

    /// A segment made by hand: the scenario's stand-in for an old duplicate from an earlier
    /// incarnation of the connection.
    fn inject(&mut self, host: usize, rule: &Rule) {
        let Some(to) = rule.to.as_deref().and_then(|n| self.scenario.host_index(n)) else { return };
        let flags = rule.flags.as_deref().and_then(crate::scenario::parse_flags).unwrap_or(Flags::SYN);
        let src = SocketAddrV4::new(self.scenario.hosts[host].addr, self.hosts[host].port);
        let dst = SocketAddrV4::new(self.scenario.hosts[to].addr, self.hosts[to].port);
        let repr = TcpRepr {
            src_port: src.port(),
            dst_port: dst.port(),
            seq: SeqNum(rule.seq.unwrap_or(0)),
            ack: SeqNum(0),
            reserved: 0,
            flags,
            window: 65535,
            checksum: 0,
            urgent: 0,
            options: tcp_core::wire::Options::new(),
        };
        self.record(host, None, EventKind::App { call: AppCall::Inject, error: None });
        let t = Transmit { src, dst, repr, payload: &[], retransmission: false };
        self.transmit(host, None, &t, true);
    }

    /// A forged SYN from a random address of 203.0.113.0/24 (TEST-NET-3) and a random port.
    fn send_forged_syn(&mut self, host: usize, k: u16) {
        let Some(flood) = &self.scenario.hosts[host].flood else { return };
        let Some(target) = self.scenario.host_index(&flood.target) else { return };
        let r = self.isn_rng.next_u64();
        let src =
            SocketAddrV4::new(core::net::Ipv4Addr::new(203, 0, 113, 1 + (k % 250) as u8), 1024 + (r as u16 % 60000));
        let dst = SocketAddrV4::new(self.scenario.hosts[target].addr, self.hosts[target].port);
        let repr = TcpRepr {
            src_port: src.port(),
            dst_port: dst.port(),
            seq: SeqNum((r >> 32) as u32),
            ack: SeqNum(0),
            reserved: 0,
            flags: Flags::SYN,
            window: 64240,
            checksum: 0,
            urgent: 0,
            options: tcp_core::wire::Options::linux_syn(1460, false, None, None),
        };
        let t = Transmit { src, dst, repr, payload: &[], retransmission: false };
        self.transmit(host, None, &t, false);
        if let Some(last) = self.trace.segments.last_mut() {
            last.forged = true;
        }
    }
}
