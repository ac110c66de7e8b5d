//! The applications: script rules, what they send, and the segments made by hand (injected old
//! duplicates, a flood's forged SYNs).

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::net::SocketAddrV4;
use tcp_core::conn::CommandError;
use tcp_core::event::Cause;
use tcp_core::{Connection, Flags, Instant, Listener, SeqNum, State, TcpRepr, Transmit};

use super::sockets::Socket;
use super::{Item, Origin, Simulator};
use crate::scenario::{Action, Rule, Trigger};
use crate::trace::{AppCall, AppError, ConnId, EventKind, HostId, Notice};

/// The most bytes an application may have waiting for room in the send buffer. A `send` that
/// would exceed it fails as a non-blocking socket's would (EAGAIN); one `send` (at most 10^6
/// bytes, the format's limit) always fits when nothing waits.
pub(super) const MAX_BACKLOG: usize = crate::scenario::size::SEND_BYTES;

/// Bytes handed to `send()` that the send buffer had no room for yet, kept as the rules that
/// sent them (nothing is copied): each attempt makes at most one send buffer's worth of bytes.
#[derive(Debug, Default)]
pub(super) struct Backlog {
    chunks: VecDeque<Chunk>,
    /// Bytes waiting in all chunks.
    waiting: usize,
}

/// The part of one `send` rule's bytes still waiting.
#[derive(Clone, Copy, Debug)]
struct Chunk {
    rule: usize,
    sent: usize,
    len: usize,
}

impl Backlog {
    pub(super) fn clear(&mut self) {
        self.chunks.clear();
        self.waiting = 0;
    }

    fn push(&mut self, rule: usize, len: usize) {
        self.chunks.push_back(Chunk { rule, sent: 0, len });
        self.waiting += len;
    }

    /// Takes back the chunk just pushed (its `send` failed).
    fn pop_last(&mut self) {
        if let Some(c) = self.chunks.pop_back() {
            self.waiting -= c.len - c.sent;
        }
    }

    /// Hands `conn` as much as its send buffer takes, oldest bytes first.
    fn offer(&mut self, conn: &mut Connection, now: Instant, rules: &[Rule]) -> Result<(), CommandError> {
        let mut scratch = [0u8; 4096];
        while let Some(chunk) = self.chunks.front_mut() {
            // Only what the buffer takes now: a full buffer costs a call, not a chunk's copy.
            let want = (chunk.len - chunk.sent).min(conn.send_room()).min(scratch.len());
            let bytes = match &rules[chunk.rule].text {
                Some(text) => &text.as_bytes()[chunk.sent..chunk.sent + want],
                None => {
                    for (k, b) in scratch[..want].iter_mut().enumerate() {
                        *b = b'a' + ((chunk.sent + k) % 26) as u8;
                    }
                    &scratch[..want]
                }
            };
            let n = conn.send(now, bytes)?;
            chunk.sent += n;
            self.waiting -= n;
            if chunk.sent < chunk.len {
                if n == 0 || conn.send_room() == 0 {
                    break; // The buffer is full.
                }
                continue; // More than one scratch's worth.
            }
            self.chunks.pop_front();
        }
        Ok(())
    }
}

/// Per trigger, the rules of `app` that react to it, in script order (what
/// [`Simulator::trigger`] looks through, instead of the whole script at every notice).
pub(super) fn reactions(app: &[Rule]) -> Vec<(Trigger, Vec<usize>)> {
    let mut out: Vec<(Trigger, Vec<usize>)> = Vec::new();
    for (r, trigger) in app.iter().enumerate().filter_map(|(r, rule)| Some((r, rule.on?))) {
        match out.iter_mut().find(|(t, _)| *t == trigger) {
            Some((_, rules)) => rules.push(r),
            None => out.push((trigger, vec![r])),
        }
    }
    out
}

/// The length of what a `send` rule sends.
fn send_len(rule: &Rule) -> usize {
    rule.text.as_ref().map_or(rule.bytes.unwrap_or(0) as usize, String::len)
}

impl Simulator<'_> {
    /// Schedules the rules of `host` that react to `trigger`, which happened to connection `conn`.
    pub(super) fn trigger(&mut self, host: HostId, trigger: Trigger, conn: ConnId) {
        let Some(i) = self.hosts[host].reactions.iter().position(|(t, _)| *t == trigger) else { return };
        let mut rules = core::mem::take(&mut self.hosts[host].reactions[i].1);
        for &r in &rules {
            let after = self.scenario.hosts[host.index()].app[r].after_ms.micros();
            self.schedule(
                Instant::from_micros(self.now.micros + after),
                Item::Rule { host, rule: r, conn: Some(conn) },
            );
        }
        // A rule without `repeat` has fired for good.
        let app = &self.scenario.hosts[host.index()].app;
        rules.retain(|&r| app[r].repeat);
        self.hosts[host].reactions[i].1 = rules;
    }

    pub(super) fn run_rule(&mut self, host: HostId, r: usize, conn: Option<ConnId>) {
        let rule: &Rule = &self.scenario.hosts[host.index()].app[r];
        // A rule set off by a connection acts on it, while it is open (a server's `close` on
        // `eof` closes the connection that ended, not the one accepted last).
        if let Some(id) = conn.filter(|&id| self.hosts[host].sockets.order_of(id).is_some()) {
            self.hosts[host].current = Some(id);
        }
        let now = self.now;
        // A host that is down runs nothing until it reboots.
        if self.hosts[host].down && rule.action != Action::Reboot {
            return;
        }
        match rule.action {
            Action::Listen => {
                let addr = SocketAddrV4::new(self.scenario.hosts[host.index()].addr, self.hosts[host].port);
                let secret = self.isn_rng.next_u64();
                let result = if self.hosts[host].listener.is_some() {
                    Some(AppError::AlreadyListening)
                } else {
                    self.hosts[host].listener = Some(Listener::new(self.hosts[host].config, addr, secret));
                    None
                };
                self.record(host, None, EventKind::App { call: AppCall::Listen { port: addr.port() }, error: result });
            }
            Action::Connect => {
                let Some(to) = rule.to.as_deref().and_then(|n| self.scenario.host_index(n)).map(HostId) else { return };
                let remote = SocketAddrV4::new(self.scenario.hosts[to.index()].addr, self.hosts[to].port);
                let port = match rule.port {
                    Some(port) => port,
                    None => {
                        let port = self.hosts[host].port.wrapping_add(self.hosts[host].opened);
                        self.hosts[host].opened = self.hosts[host].opened.wrapping_add(1);
                        port
                    }
                };
                let local = SocketAddrV4::new(self.scenario.hosts[host.index()].addr, port);
                if self.hosts[host].sockets.find(local, remote).is_some() {
                    // The 4-tuple is still taken (this host's own TIME-WAIT, say).
                    let error = Some(AppError::AddressInUse);
                    self.record(host, None, EventKind::App { call: AppCall::Connect { to: remote }, error });
                    return;
                }
                let Some(id) = self.new_conn_id(host, local, remote) else { return };
                let isn = self.draw_isn(host);
                let mut conn = Connection::new(self.hosts[host].config, local, remote);
                let result = conn.connect(now, isn).err().map(AppError::from);
                self.record(host, Some(id), EventKind::App { call: AppCall::Connect { to: remote }, error: result });
                let order = self.hosts[host].sockets.insert(Socket { id, conn, deadline: None });
                self.hosts[host].current = Some(id);
                self.hosts[host].backlog.clear();
                self.drain_conn(host, order);
            }
            Action::Send => self.send(host, r),
            Action::Shutdown | Action::Close | Action::Abort => self.close(host, rule.action),
            Action::Inject => self.inject(host, rule),
            // The player's scenarios (its catalogue entries) never crash nor stop reading (nor
            // shut down reading) or accepting.
            Action::Crash
            | Action::Reboot
            | Action::ShutdownRead
            | Action::StopReading
            | Action::StartReading
            | Action::StopAccepting
            | Action::StartAccepting
                if cfg!(feature = "player") => {}
            Action::ShutdownRead => self.close(host, rule.action),
            Action::StopAccepting => {
                self.hosts[host].accepting = false;
                self.record(host, None, EventKind::App { call: AppCall::StopAccepting, error: None });
            }
            Action::StartAccepting => {
                self.hosts[host].accepting = true;
                self.record(host, None, EventKind::App { call: AppCall::StartAccepting, error: None });
                self.accept_all(host);
            }
            Action::StopReading => {
                if self.refused_after_close(host, &AppCall::StopReading) {
                    return;
                }
                self.hosts[host].reading = false;
                self.record(host, self.hosts[host].current, EventKind::App { call: AppCall::StopReading, error: None });
            }
            Action::StartReading => {
                if self.refused_after_close(host, &AppCall::StartReading) {
                    return;
                }
                self.hosts[host].reading = true;
                let current = self.hosts[host].current;
                self.record(host, current, EventKind::App { call: AppCall::StartReading, error: None });
                // What waited is read now (its window update goes out), and the application told.
                if let Some(id) = current {
                    let bytes = self.read_all(host, id);
                    if bytes > 0 {
                        self.record(host, Some(id), EventKind::Notified { notice: Notice::Data { bytes } });
                        self.trigger(host, Trigger::Data, id);
                    }
                }
            }
            Action::Crash => {
                self.record(host, None, EventKind::App { call: AppCall::Crash, error: None });
                self.lose_state(host);
                self.hosts[host].down = true;
            }
            Action::Reboot => {
                self.record(host, None, EventKind::App { call: AppCall::Reboot, error: None });
                // A host that was up loses its state now; one that crashed lost it then.
                self.lose_state(host);
                self.hosts[host].down = false;
            }
        }
    }

    /// The host loses every socket's state at once, with no segment sent: each open connection
    /// (and each one its listener queued) ends in CLOSED, caused by the host, and the listener
    /// and the application's bytes still waiting are gone.
    fn lose_state(&mut self, host: HostId) {
        let lost = |from: State| EventKind::State { from, to: State::Closed, cause: Cause::HostDown };
        for order in self.hosts[host].sockets.orders() {
            let Some(s) = self.hosts[host].sockets.get(order) else { continue };
            let (id, from) = (s.id, s.conn.state());
            self.hosts[host].sockets.remove(order);
            self.end_conn(id);
            self.record(host, Some(id), lost(from));
        }
        let (first, last) = super::queued_range(host);
        while let Some((key, id)) = self.queued.first_in(first, last) {
            let id = ConnId(id as usize);
            self.queued.remove(key);
            let remote = self.trace.conns[id].remote;
            let listener = self.hosts[host].listener.as_ref();
            let from = listener.and_then(|l| l.child(remote)).map_or(State::SynReceived, Connection::state);
            self.end_conn(id);
            self.record(host, Some(id), lost(from));
        }
        self.hosts[host].listener = None;
        self.watch_listener(host);
        self.hosts[host].current = None;
        self.hosts[host].backlog.clear();
    }

    /// A `send` rule: its bytes join the backlog, which TCP takes as its send buffer allows.
    fn send(&mut self, host: HostId, r: usize) {
        let len = send_len(&self.scenario.hosts[host.index()].app[r]);
        let call = AppCall::Send { bytes: len };
        let Some(id) = self.hosts[host].current else {
            self.app_error(host, call, AppError::NoConnection);
            return;
        };
        if self.refused_after_close(host, &call) {
            return;
        }
        let Some(order) = self.hosts[host].sockets.order_of(id) else {
            // The connection reached CLOSED and is gone: what a socket in CLOSED answers.
            let error = Some(AppError::Command(CommandError::DoesNotExist));
            self.record(host, Some(id), EventKind::App { call, error });
            return;
        };
        let waiting = self.hosts[host].backlog.waiting;
        if waiting + len > MAX_BACKLOG {
            let error = Some(AppError::WouldBlock { waiting });
            self.record(host, Some(id), EventKind::App { call, error });
            return;
        }
        let (now, rules) = (self.now, &self.scenario.hosts[host.index()].app);
        let h = &mut self.hosts[host];
        h.backlog.push(r, len);
        let result = match h.sockets.get_mut(order) {
            Some(s) => h.backlog.offer(&mut s.conn, now, rules),
            None => Err(CommandError::DoesNotExist),
        };
        if result.is_err() {
            h.backlog.pop_last();
        }
        self.record(host, Some(id), EventKind::App { call, error: result.err().map(AppError::from) });
        self.drain_conn(host, order);
    }

    /// Shut down either direction of the current connection, close or abort it (close with
    /// none: close the listener).
    fn close(&mut self, host: HostId, action: Action) {
        let now = self.now;
        let rule = self.hosts[host].config.read_shutdown;
        let call_with = |discarded| match action {
            Action::Shutdown => AppCall::Shutdown,
            Action::ShutdownRead => AppCall::ShutdownRead { rule, discarded },
            Action::Close => AppCall::Close,
            _ => AppCall::Abort,
        };
        let call = call_with(0);
        let Some(id) = self.hosts[host].current else {
            if action == Action::Close && self.hosts[host].listener.is_some() {
                // Closing a listener aborts the connections still queued in it.
                self.record(host, None, EventKind::App { call, error: None });
                if let Some(l) = self.hosts[host].listener.as_mut() {
                    l.close(now);
                }
                self.drain_listener(host);
                self.hosts[host].listener = None;
                self.watch_listener(host);
            } else {
                self.app_error(host, call, AppError::NoConnection);
            }
            return;
        };
        if self.refused_after_close(host, &call) {
            return;
        }
        let order = self.hosts[host].sockets.order_of(id);
        // Ok: the unread bytes shutdown_read lost (0 for the others).
        let result = match order.and_then(|o| self.hosts[host].sockets.get_mut(o)) {
            Some(s) => match action {
                Action::Shutdown => s.conn.shutdown(now).map(|()| 0),
                // Never in the player (see `run_rule`), whose build leaves the call out.
                Action::ShutdownRead if !cfg!(feature = "player") => s.conn.shutdown_read(now),
                Action::Close => s.conn.close(now).map(|()| 0),
                _ => s.conn.abort(now).map(|()| 0),
            },
            // The connection reached CLOSED and is gone: what a socket in CLOSED answers.
            None => Err(CommandError::DoesNotExist),
        };
        let call = call_with(*result.as_ref().unwrap_or(&0));
        if matches!(action, Action::Close | Action::Abort) {
            // The descriptor is gone whatever TCP answered (a socket whose connection ended is
            // still closed).
            self.hosts[host].released = Some(id);
        }
        self.record(host, Some(id), EventKind::App { call, error: result.err().map(AppError::from) });
        if let Some(order) = order {
            self.drain_conn(host, order);
        }
    }

    /// Whether the application already closed the socket of the connection it acts on
    /// (`current`): then `call` fails with EBADF (recorded) and does nothing.
    fn refused_after_close(&mut self, host: HostId, call: &AppCall) -> bool {
        let current = self.hosts[host].current;
        let closed = current.is_some() && self.hosts[host].released == current;
        if closed {
            self.record(host, current, EventKind::App { call: call.clone(), error: Some(AppError::SocketClosed) });
        }
        closed
    }

    fn app_error(&mut self, host: HostId, call: AppCall, error: AppError) {
        self.record(host, None, EventKind::App { call, error: Some(error) });
    }

    /// Hands TCP the bytes that waited for room in the send buffer of connection `id`.
    pub(super) fn push_backlog(&mut self, host: HostId, id: ConnId) {
        let h = &mut self.hosts[host];
        if h.backlog.waiting == 0 || h.current != Some(id) {
            return;
        }
        let Some(order) = h.sockets.order_of(id) else { return };
        if let Some(s) = h.sockets.get_mut(order) {
            let _ = h.backlog.offer(&mut s.conn, self.now, &self.scenario.hosts[host.index()].app);
        }
        self.drain_conn(host, order);
    }

    /// A segment made by hand: the scenario's stand-in for an old duplicate from an earlier
    /// incarnation of the connection.
    fn inject(&mut self, host: HostId, rule: &Rule) {
        let Some(to) = rule.to.as_deref().and_then(|n| self.scenario.host_index(n)).map(HostId) else { return };
        let flags = rule.flags.map_or(Flags::SYN, crate::scenario::InjectFlags::get);
        // A forged segment claims another host's address and port; an old duplicate, its own.
        let spoofed = rule.spoof.as_deref().and_then(|n| self.scenario.host_index(n)).map(HostId);
        let claimed = spoofed.unwrap_or(host);
        let src = SocketAddrV4::new(self.scenario.hosts[claimed.index()].addr, self.hosts[claimed].port);
        let dst = SocketAddrV4::new(self.scenario.hosts[to.index()].addr, self.hosts[to].port);
        let repr = TcpRepr {
            src_port: src.port(),
            dst_port: dst.port(),
            seq: SeqNum(rule.seq.unwrap_or(0)),
            ack: SeqNum(rule.ack.unwrap_or(0)),
            reserved: 0,
            flags,
            window: 65535,
            checksum: 0,
            urgent: 0,
            options: tcp_core::wire::Options::new(),
        };
        let t = Transmit { src, dst, repr, payload: &[], retransmission: false };
        if spoofed.is_some() {
            // An attacker's, as a flood's SYNs: no application call of the host it claims.
            self.transmit(host, None, &t, Origin::Forged, None);
            return;
        }
        self.record(host, None, EventKind::App { call: AppCall::Inject, error: None });
        self.transmit(host, None, &t, Origin::Injected, None);
    }

    /// A forged SYN from a random address of 203.0.113.0/24 (TEST-NET-3) and a random port.
    pub(super) fn send_forged_syn(&mut self, host: HostId, k: u16) {
        let Some(flood) = &self.scenario.hosts[host.index()].flood else { return };
        let Some(target) = self.scenario.host_index(&flood.target).map(HostId) else { return };
        let r = self.isn_rng.next_u64();
        let src =
            SocketAddrV4::new(core::net::Ipv4Addr::new(203, 0, 113, 1 + (k % 250) as u8), 1024 + (r as u16 % 60000));
        let dst = SocketAddrV4::new(self.scenario.hosts[target.index()].addr, self.hosts[target].port);
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
        self.transmit(host, None, &t, Origin::Forged, None);
    }
}
