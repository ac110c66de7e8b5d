//! The socket layer the script's system calls reach: file descriptors, tcp-core connections and
//! listeners, the reset a port without a socket sends, and the timers of all of them on one
//! virtual clock. Everything tcp-core sends or reports is collected as [`Output`] for the runner.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};
use tcp_core::event::CloseReason;
use tcp_core::listener::ListenerEvent;
use tcp_core::{Config, Connection, Event, Instant, Listener, SeqNum, State, TcpRepr, Transmit};

/// Our (tcp-core's) address: packetdrill's default local address.
pub(crate) const LOCAL_ADDR: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 1);
/// The script's address: packetdrill's default remote address.
pub(crate) const REMOTE_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
/// The port `bind()` gives a socket, and the port `connect()` reaches on the script's side.
pub(crate) const WELL_KNOWN_PORT: u16 = 8080;
/// tcp-core's port for a `connect()` without `bind()`: the first of FreeBSD's ephemeral range.
pub(crate) const EPHEMERAL_PORT: u16 = 49152;
/// The script's port when it connects to a listening socket.
pub(crate) const SCRIPT_PORT: u16 = 40000;
/// The first ISN tcp-core uses; each connection adds [`ISN_STEP`].
pub(crate) const FIRST_ISN: u32 = 1_000_000_000;
const ISN_STEP: u32 = 64_000_000;
/// The lowest file descriptor `socket()` returns (0, 1 and 2 are the standard streams).
const FIRST_FD: i32 = 3;

/// An error number, by its name.
pub(crate) type Errno = &'static str;

/// Who in tcp-core sent a segment or reported an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A connection with a socket of its own.
    Socket,
    /// A listener, or one of its half-open or not yet accepted connections.
    Listener,
    /// A port without a socket, which answers with a reset.
    NoSocket,
}

/// A segment between tcp-core and the script.
#[derive(Clone, Debug)]
pub(crate) struct Wire {
    pub(crate) src: SocketAddrV4,
    pub(crate) dst: SocketAddrV4,
    pub(crate) repr: TcpRepr,
    pub(crate) payload: Vec<u8>,
    pub(crate) retransmission: bool,
}

impl Wire {
    fn sent(t: &Transmit<'_>) -> Wire {
        Wire { src: t.src, dst: t.dst, repr: t.repr, payload: t.payload.to_vec(), retransmission: t.retransmission }
    }
}

/// What tcp-core did, in order.
#[derive(Clone, Debug)]
pub(crate) enum Output {
    /// A segment left tcp-core.
    Segment { segment: Wire, source: Source },
    /// A connection reported something about its peer `remote`.
    Event { local: SocketAddrV4, remote: SocketAddrV4, event: Event, source: Source },
}

/// What a socket is.
#[derive(Debug)]
pub(crate) enum SockKind {
    /// Created, maybe bound, neither listening nor connected.
    Fresh,
    /// Boxed, as connections are: both hold their queues inline.
    Listening(Box<Listener>),
    /// Boxed: a connection holds its queues inline.
    Connected(Box<Connection>),
}

/// One socket. It outlives its descriptor while its connection is not closed (an orphan in
/// FIN-WAIT or TIME-WAIT, as in a kernel).
#[derive(Debug)]
pub(crate) struct Socket {
    pub(crate) fd: Option<i32>,
    pub(crate) kind: SockKind,
    pub(crate) nonblocking: bool,
    pub(crate) bound: bool,
    /// `SO_ERROR`: set when the connection ends by reset, refusal or timeout.
    pub(crate) pending_error: Option<Errno>,
}

impl Socket {
    pub(crate) fn connection(&self) -> Option<&Connection> {
        match &self.kind {
            SockKind::Connected(c) => Some(c.as_ref()),
            _ => None,
        }
    }
}

/// The pending error a way of ending leaves on a socket.
pub(crate) fn error_of(reason: CloseReason) -> Option<Errno> {
    match reason {
        CloseReason::Reset => Some("ECONNRESET"),
        CloseReason::Refused => Some("ECONNREFUSED"),
        CloseReason::TimedOut => Some("ETIMEDOUT"),
        _ => None,
    }
}

/// The sockets and the clock.
#[derive(Debug)]
pub(crate) struct Kernel {
    pub(crate) now: Instant,
    pub(crate) sockets: Vec<Socket>,
    fds: BTreeMap<i32, usize>,
    isns_used: u32,
    /// How each listener child ended, by peer, until `accept()` takes it.
    child_errors: BTreeMap<SocketAddrV4, Errno>,
    pub(crate) out: Vec<Output>,
}

impl Kernel {
    pub(crate) fn new() -> Kernel {
        Kernel {
            now: Instant::ZERO,
            sockets: Vec::new(),
            fds: BTreeMap::new(),
            isns_used: 0,
            child_errors: BTreeMap::new(),
            out: Vec::new(),
        }
    }

    /// The next ISN: deterministic, far apart per connection.
    pub(crate) fn next_isn(&mut self) -> SeqNum {
        let isn = SeqNum(FIRST_ISN.wrapping_add(self.isns_used.wrapping_mul(ISN_STEP)));
        self.isns_used += 1;
        isn
    }

    /// A new socket on the lowest free descriptor.
    pub(crate) fn socket(&mut self) -> i32 {
        let fd = (FIRST_FD..).find(|fd| !self.fds.contains_key(fd)).unwrap_or(FIRST_FD);
        self.sockets.push(Socket {
            fd: Some(fd),
            kind: SockKind::Fresh,
            nonblocking: false,
            bound: false,
            pending_error: None,
        });
        self.fds.insert(fd, self.sockets.len() - 1);
        fd
    }

    /// The socket behind `fd`.
    pub(crate) fn index(&self, fd: i32) -> Option<usize> {
        self.fds.get(&fd).copied()
    }

    /// Gives a socket a descriptor (an accepted connection).
    pub(crate) fn adopt(&mut self, kind: SockKind, pending_error: Option<Errno>) -> i32 {
        let fd = self.socket();
        if let Some(&i) = self.fds.get(&fd) {
            self.sockets[i].kind = kind;
            self.sockets[i].pending_error = pending_error;
        }
        fd
    }

    /// Closes a descriptor; the socket stays while its connection lives.
    pub(crate) fn release(&mut self, fd: i32) {
        if let Some(i) = self.fds.remove(&fd) {
            self.sockets[i].fd = None;
        }
    }

    /// The pending error of a peer's connection that ended before `accept()`.
    pub(crate) fn take_child_error(&mut self, remote: SocketAddrV4) -> Option<Errno> {
        self.child_errors.remove(&remote)
    }

    // ----- segments arriving -----

    /// Hands an arriving segment to the connection, the listener, or the port without a socket.
    pub(crate) fn deliver(&mut self, repr: &TcpRepr, payload: &[u8], src: SocketAddrV4, dst: SocketAddrV4) {
        let now = self.now;
        let open = self.sockets.iter().position(|s| {
            s.connection().is_some_and(|c| c.local() == dst && c.remote() == src && c.state() != State::Closed)
        });
        let listening = self
            .sockets
            .iter()
            .position(|s| matches!(&s.kind, SockKind::Listening(l) if l.local().port() == dst.port()));
        let mut given_iss = None;
        if let Some(i) = open
            && let SockKind::Connected(c) = &mut self.sockets[i].kind
        {
            if listening.is_some() && c.opens_new_incarnation(repr) {
                // A SYN for a new incarnation (RFC 6191): TIME-WAIT gives way, the listener
                // takes the SYN.
                given_iss = c.give_way(repr);
                self.drain(i);
            } else {
                c.handle_segment(now, repr, payload);
                self.drain(i);
                return;
            }
        }
        if let Some(i) = listening {
            let isn = match given_iss {
                Some(iss) => iss,
                None => self.next_isn(),
            };
            if let SockKind::Listening(l) = &mut self.sockets[i].kind {
                l.handle_segment(now, src, repr, payload, isn);
            }
            self.drain(i);
            return;
        }
        // No socket: RFC 9293 §3.10.7.1 through a connection in CLOSED, as the simulator does.
        let mut closed = Connection::new(Config::default(), dst, src);
        closed.handle_segment(now, repr, payload);
        self.drain_connection(&mut closed, Source::NoSocket);
    }

    // ----- timers -----

    /// The earliest timer of any socket.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.sockets
            .iter()
            .filter_map(|s| match &s.kind {
                SockKind::Connected(c) => c.poll_timeout(),
                SockKind::Listening(l) => l.poll_timeout(),
                SockKind::Fresh => None,
            })
            .min()
    }

    /// Moves the clock to `now` and fires every timer due by then.
    pub(crate) fn fire_timers(&mut self, now: Instant) {
        self.now = now;
        for i in 0..self.sockets.len() {
            let due = match &self.sockets[i].kind {
                SockKind::Connected(c) => c.poll_timeout(),
                SockKind::Listening(l) => l.poll_timeout(),
                SockKind::Fresh => None,
            };
            if due.is_some_and(|d| d <= now) {
                match &mut self.sockets[i].kind {
                    SockKind::Connected(c) => c.handle_timeout(now),
                    SockKind::Listening(l) => l.handle_timeout(now),
                    SockKind::Fresh => {}
                }
                self.drain(i);
            }
        }
    }

    // ----- collecting what tcp-core did -----

    /// Collects the events and segments of socket `i` (call after every tcp-core call on it).
    pub(crate) fn drain(&mut self, i: usize) {
        let mut kind = core::mem::replace(&mut self.sockets[i].kind, SockKind::Fresh);
        match &mut kind {
            SockKind::Connected(c) => {
                if let Some(error) = self.drain_connection(c, Source::Socket) {
                    self.sockets[i].pending_error = Some(error);
                }
            }
            SockKind::Listening(l) => self.drain_listener(l),
            SockKind::Fresh => {}
        }
        self.sockets[i].kind = kind;
    }

    /// Events first (the state change that made a segment leave reads before it), then
    /// segments. Returns the pending error the connection's end left, if any.
    fn drain_connection(&mut self, c: &mut Connection, source: Source) -> Option<Errno> {
        let (local, remote) = (c.local(), c.remote());
        let mut error = None;
        while let Some(event) = c.poll_event() {
            if let Event::Closed { reason } = event {
                error = error_of(reason);
            }
            self.out.push(Output::Event { local, remote, event, source });
        }
        while let Some(t) = c.poll_transmit() {
            self.out.push(Output::Segment { segment: Wire::sent(&t), source });
        }
        error
    }

    fn drain_listener(&mut self, l: &mut Listener) {
        let local = l.local();
        while let Some(ListenerEvent { remote, event }) = l.poll_event() {
            if let Event::Closed { reason } = event
                && let Some(error) = error_of(reason)
            {
                self.child_errors.insert(remote, error);
            }
            self.out.push(Output::Event { local, remote, event, source: Source::Listener });
        }
        while let Some(t) = l.poll_transmit() {
            self.out.push(Output::Segment { segment: Wire::sent(&t), source: Source::Listener });
        }
    }

    // ----- what sockstat and tcp_info see -----

    /// The state of every connection: `(local port, state, owned by a descriptor)`, the
    /// listener's half-open and not yet accepted children included.
    pub(crate) fn connection_states(&self) -> Vec<(u16, State, bool)> {
        let mut states = Vec::new();
        for s in &self.sockets {
            match &s.kind {
                SockKind::Connected(c) => states.push((c.local().port(), c.state(), s.fd.is_some())),
                SockKind::Listening(l) => {
                    states.push((l.local().port(), State::Listen, s.fd.is_some()));
                    let remote = SocketAddrV4::new(REMOTE_ADDR, SCRIPT_PORT);
                    if let Some(child) = l.child(remote) {
                        states.push((l.local().port(), child.state(), false));
                    }
                }
                SockKind::Fresh if s.fd.is_some() => states.push((0, State::Closed, true)),
                SockKind::Fresh => {}
            }
        }
        states
    }
}
