//! A test harness for a [`Connection`] driven by hand (feature `harness`), for tcp-core's own
//! tests and for any crate that tests something built on it, in smoltcp's style: one function
//! per state (`conn_syn_sent()`, ...) reached by real exchanges with a hand-driven peer, a segment
//! template to extend with `..TEMPL`, and `#[track_caller]` helpers that drain what a call
//! produced and check the connection's invariants (they panic, as tests want, when one breaks).
//!
//! Numbering: our ISS is 1000, the peer's 5000. The fixtures use the rfc9293 profile with
//! `delayed_ack: None`, so every ACK goes out from the call that causes it.

use crate::event::{Event, Timer};
use crate::wire::Options;
use crate::{Config, Connection, Flags, Instant, SeqNum, State, TcpRepr};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write as _;
use core::net::{Ipv4Addr, SocketAddrV4};

/// Our address.
pub const LOCAL: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000);
/// The hand-driven peer's address.
pub const REMOTE: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 5555);
/// Our initial send sequence number.
pub const ISS: SeqNum = SeqNum(1000);
/// The peer's initial sequence number.
pub const PEER_ISS: SeqNum = SeqNum(5000);
/// The window the peer advertises.
pub const PEER_WINDOW: u16 = 8192;

/// A segment from the peer to us; extend it with `TcpRepr { flags, seq, ack, ..TEMPL }`.
pub const TEMPL: TcpRepr = TcpRepr {
    src_port: REMOTE.port(),
    dst_port: LOCAL.port(),
    seq: SeqNum(0),
    ack: SeqNum(0),
    reserved: 0,
    flags: Flags::NONE,
    window: PEER_WINDOW,
    checksum: 0,
    urgent: 0,
    options: Options::new(),
};

/// The configuration of the fixtures: RFC 9293 as written, every ACK immediate.
pub fn config() -> Config {
    Config { delayed_ack: None, ..Config::rfc9293() }
}

/// A segment a connection sent, with its payload copied out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The header.
    pub repr: TcpRepr,
    /// The payload's bytes.
    pub payload: Vec<u8>,
}

impl Sent {
    /// `FLAGS seq ack len`, numbers relative to `our_iss` and `peer_iss` (`-` for an ACK field
    /// without the ACK bit; a sequence number of absolute 0, as in `<SEQ=0><CTL=RST,ACK>`, is
    /// written `abs0`).
    pub fn describe(&self, our_iss: SeqNum, peer_iss: SeqNum) -> String {
        describe_segment(&self.repr, self.payload.len(), our_iss, peer_iss)
    }
}

/// Flags as `SYN|ACK`, in the order SYN, FIN, RST, PSH, ACK (textbook order).
pub fn flag_names(flags: Flags) -> String {
    let names: Vec<&str> =
        [(Flags::SYN, "SYN"), (Flags::FIN, "FIN"), (Flags::RST, "RST"), (Flags::PSH, "PSH"), (Flags::ACK, "ACK")]
            .into_iter()
            .filter(|(f, _)| flags.contains(*f))
            .map(|(_, n)| n)
            .collect();
    if names.is_empty() { "[]".into() } else { names.join("|") }
}

/// See [`Sent::describe`].
pub fn describe_segment(repr: &TcpRepr, len: usize, our_iss: SeqNum, peer_iss: SeqNum) -> String {
    let seq = if repr.seq == SeqNum(0) && our_iss != SeqNum(0) {
        "abs0".to_string()
    } else {
        repr.seq.diff(our_iss).to_string()
    };
    let ack = if repr.flags.contains(Flags::ACK) { repr.ack.diff(peer_iss).to_string() } else { "-".into() };
    format!("{} {seq} {ack} {len}", flag_names(repr.flags))
}

/// What one call produced.
#[derive(Debug, Default)]
pub struct Output {
    /// The segments it queued, in order.
    pub sent: Vec<Sent>,
    /// The events it reported, in order.
    pub events: Vec<Event>,
}

impl Output {
    /// The segments, described relative to our ISS and the peer's.
    pub fn segments(&self) -> Vec<String> {
        self.sent.iter().map(|s| s.describe(ISS, PEER_ISS)).collect()
    }

    /// Timer events as `+RTO(1000ms)` (armed, deadline relative to `now`), `-RTO` (cancelled).
    pub fn timers(&self, now: Instant) -> String {
        let mut out = String::new();
        for e in &self.events {
            let item = match e {
                Event::TimerArmed { timer, deadline, .. } => {
                    format!("+{}({}ms)", short(*timer), (*deadline - now).as_millis())
                }
                Event::TimerCancelled { timer } => format!("-{}", short(*timer)),
                _ => continue,
            };
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = write!(out, "{item}");
        }
        if out.is_empty() { "-".into() } else { out }
    }
}

fn short(timer: Timer) -> &'static str {
    match timer {
        Timer::Retransmit => "RTO",
        Timer::DelayedAck => "DACK",
        Timer::TimeWait => "2MSL",
        Timer::FinWait2 => "FW2",
        Timer::Persist => "PERSIST",
        Timer::Keepalive => "KEEPALIVE",
        Timer::Establishment => "KEEPINIT",
    }
}

/// Takes every queued segment and event, and checks the invariants and that every reported state
/// change is legal and continues from the previous one.
#[track_caller]
pub fn drain(conn: &mut Connection) -> Output {
    let mut out = Output::default();
    while let Some(t) = conn.poll_transmit() {
        out.sent.push(Sent { repr: t.repr, payload: t.payload.to_vec() });
    }
    while let Some(e) = conn.poll_event() {
        out.events.push(e);
    }
    if let Err(broken) = conn.check_invariants() {
        panic!("invariant broken in {}: {broken}", conn.state());
    }
    out
}

/// Delivers `seg` with `payload` to `conn` at `now` and drains what it produced.
#[track_caller]
pub fn deliver(conn: &mut Connection, now: Instant, seg: TcpRepr, payload: &[u8]) -> Output {
    conn.handle_segment(now, &seg, payload);
    drain(conn)
}

/// Asserts that `conn` is in `state` and that it sent exactly `segments` (as [`Output::segments`]).
#[track_caller]
pub fn expect(conn: &Connection, out: &Output, state: State, segments: &[&str]) {
    assert_eq!(conn.state(), state, "state; events: {:?}", out.events);
    assert_eq!(out.segments(), segments, "segments sent");
}

// ----- one fixture per state -----

/// A connection never opened.
#[track_caller]
pub fn conn_closed() -> Connection {
    conn_closed_with(config())
}

/// [`conn_closed`] with another configuration.
#[track_caller]
pub fn conn_closed_with(config: Config) -> Connection {
    Connection::new(config, LOCAL, REMOTE)
}

/// After `listen()`.
#[track_caller]
pub fn conn_listen() -> Connection {
    conn_listen_with(config())
}

/// [`conn_listen`] with another configuration.
#[track_caller]
pub fn conn_listen_with(config: Config) -> Connection {
    let mut c = conn_closed_with(config);
    c.listen(ISS).expect("listen from CLOSED");
    let out = drain(&mut c);
    expect(&c, &out, State::Listen, &[]);
    c
}

/// After `connect()`: our SYN (seq 0) is out.
#[track_caller]
pub fn conn_syn_sent() -> Connection {
    conn_syn_sent_with(config())
}

/// [`conn_syn_sent`] with another configuration.
#[track_caller]
pub fn conn_syn_sent_with(config: Config) -> Connection {
    let mut c = conn_closed_with(config);
    c.connect(Instant::ZERO, ISS).expect("connect from CLOSED");
    let out = drain(&mut c);
    expect(&c, &out, State::SynSent, &["SYN 0 - 0"]);
    c
}

/// Passive open: LISTEN, then the peer's SYN (seq 5000); our SYN-ACK is out.
#[track_caller]
pub fn conn_syn_received() -> Connection {
    conn_syn_received_with(config())
}

/// [`conn_syn_received`] with another configuration.
#[track_caller]
pub fn conn_syn_received_with(config: Config) -> Connection {
    let mut c = conn_listen_with(config);
    let out = deliver(&mut c, Instant::ZERO, TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[]);
    expect(&c, &out, State::SynReceived, &["SYN|ACK 0 1 0"]);
    c
}

/// Active open completed: SYN, SYN-ACK, ACK.
#[track_caller]
pub fn conn_established() -> Connection {
    conn_established_with(config())
}

/// [`conn_established`] with another configuration.
#[track_caller]
pub fn conn_established_with(config: Config) -> Connection {
    let mut c = conn_syn_sent_with(config);
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, Instant::ZERO, synack, &[]);
    expect(&c, &out, State::Established, &["ACK 1 1 0"]);
    c
}

/// ESTABLISHED, then `shutdown()`: our FIN (seq 1) is out and unacknowledged. `shutdown()` is
/// RFC 9293's CLOSE (the user may go on receiving, §3.10.4); `close()` would also orphan the
/// socket, which turns arriving data into a reset (RFC 1122 §4.2.2.13).
#[track_caller]
pub fn conn_fin_wait_1() -> Connection {
    let mut c = conn_established();
    c.shutdown(Instant::ZERO).expect("shutdown in ESTABLISHED");
    let out = drain(&mut c);
    expect(&c, &out, State::FinWait1, &["FIN|ACK 1 1 0"]);
    c
}

/// FIN-WAIT-1, then the peer acknowledges our FIN.
#[track_caller]
pub fn conn_fin_wait_2() -> Connection {
    let mut c = conn_fin_wait_1();
    let out =
        deliver(&mut c, Instant::ZERO, TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL }, &[]);
    expect(&c, &out, State::FinWait2, &[]);
    c
}

/// ESTABLISHED, then the peer's FIN (seq 1), which we acknowledge.
#[track_caller]
pub fn conn_close_wait() -> Connection {
    let mut c = conn_established();
    let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, Instant::ZERO, fin, &[]);
    expect(&c, &out, State::CloseWait, &["ACK 1 2 0"]);
    c
}

/// FIN-WAIT-1, then the peer's FIN that does not acknowledge ours (simultaneous close).
#[track_caller]
pub fn conn_closing() -> Connection {
    let mut c = conn_fin_wait_1();
    let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, Instant::ZERO, fin, &[]);
    expect(&c, &out, State::Closing, &["ACK 2 2 0"]);
    c
}

/// CLOSE-WAIT, then `close()`: our FIN (seq 1) is out.
#[track_caller]
pub fn conn_last_ack() -> Connection {
    let mut c = conn_close_wait();
    c.close(Instant::ZERO).expect("close in CLOSE-WAIT");
    let out = drain(&mut c);
    expect(&c, &out, State::LastAck, &["FIN|ACK 1 2 0"]);
    c
}

/// FIN-WAIT-2, then the peer's FIN, which we acknowledge.
#[track_caller]
pub fn conn_time_wait() -> Connection {
    let mut c = conn_fin_wait_2();
    let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
    let out = deliver(&mut c, Instant::ZERO, fin, &[]);
    expect(&c, &out, State::TimeWait, &["ACK 2 2 0"]);
    c
}

/// The fixture for `state`.
#[track_caller]
pub fn conn_in(state: State) -> Connection {
    match state {
        State::Closed => conn_closed(),
        State::Listen => conn_listen(),
        State::SynSent => conn_syn_sent(),
        State::SynReceived => conn_syn_received(),
        State::Established => conn_established(),
        State::FinWait1 => conn_fin_wait_1(),
        State::FinWait2 => conn_fin_wait_2(),
        State::CloseWait => conn_close_wait(),
        State::Closing => conn_closing(),
        State::LastAck => conn_last_ack(),
        State::TimeWait => conn_time_wait(),
    }
}
