//! Differential tests against smoltcp 0.14.
//!
//! A smoltcp `tcp::Socket` runs behind an `Interface` on an in-memory `Medium::Ip` device: we
//! feed it IPv4 packets built with tcp-core's `TcpRepr::emit` and a twenty-byte IPv4 header, and
//! parse what it sends with tcp-core's `TcpRepr::parse` (checksums verified both ways).
//!
//! Each scenario runs twice on the same simulated link (10 ms one way): once with smoltcp in one
//! role and tcp-core in the other, once with tcp-core in both roles (rfc9293 profile, ACKs
//! immediate). The two transcripts (time, direction, flags, relative seq/ack, payload length) and
//! the states each role went through must agree; where smoltcp rightly differs the difference is
//! named in a comment and asserted explicitly. Windows and options are not compared: smoltcp
//! advertises its own buffer and options.
//!
//! smoltcp is configured for comparability: no delayed ACK (`set_ack_delay(None)`, default 10 ms),
//! no Nagle.

use smoltcp::iface::{Config as IfaceConfig, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, DeviceCapabilities, Medium};
use smoltcp::socket::tcp;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};
use tcp_core::harness::flag_names;
use tcp_core::time::Duration;
use tcp_core::wire::Options;
use tcp_core::{Config, Connection, Flags, Instant, SeqNum, State, TcpRepr};

const CLIENT: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000);
const SERVER: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 2), 5555);
const LATENCY: Duration = Duration::from_millis(10);
const BUFFER: usize = 4096;

fn config() -> Config {
    Config { delayed_ack: None, ..Config::rfc9293() }
}

fn smol_now(now: Instant) -> smoltcp::time::Instant {
    smoltcp::time::Instant::from_micros(now.micros as i64)
}

// ----- IPv4 framing -----

fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], w[1]]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 packet carrying `repr` and `payload` from `src` to `dst`.
fn ipv4_packet(src: Ipv4Addr, dst: Ipv4Addr, repr: &TcpRepr, payload: &[u8]) -> Vec<u8> {
    let tcp_len = repr.header_len() + payload.len();
    let mut packet = vec![0u8; 20 + tcp_len];
    let n = repr.emit(&mut packet[20..], payload, src, dst).expect("buffer sized for the segment");
    assert_eq!(n, tcp_len);
    let total = (20 + tcp_len) as u16;
    packet[0] = 0x45;
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    packet[6] = 0x40; // don't fragment
    packet[8] = 64; // TTL
    packet[9] = 6; // TCP
    packet[12..16].copy_from_slice(&src.octets());
    packet[16..20].copy_from_slice(&dst.octets());
    let sum = ipv4_checksum(&packet[..20]);
    packet[10..12].copy_from_slice(&sum.to_be_bytes());
    packet
}

/// The TCP segment in an IPv4 packet, its checksums verified.
#[track_caller]
fn parse_ipv4(packet: &[u8]) -> (TcpRepr, Vec<u8>) {
    assert_eq!(packet[0] >> 4, 4, "IPv4");
    let ihl = usize::from(packet[0] & 0x0f) * 4;
    assert_eq!(ipv4_checksum(&packet[..ihl]), 0, "IPv4 header checksum");
    assert_eq!(packet[9], 6, "protocol TCP");
    let total = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    let src = Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]);
    let dst = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
    let (repr, payload) = TcpRepr::parse(&packet[ihl..total], Some((src, dst))).expect("smoltcp emits valid TCP");
    (repr, payload.to_vec())
}

// ----- the in-memory device -----

#[derive(Debug, Default)]
struct Wire {
    rx: VecDeque<Vec<u8>>,
    tx: Vec<Vec<u8>>,
}

#[derive(Debug)]
struct RxToken(Vec<u8>);

#[derive(Debug)]
struct TxToken<'a>(&'a mut Vec<Vec<u8>>);

impl phy::RxToken for RxToken {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buf = vec![0; len];
        let r = f(&mut buf);
        self.0.push(buf);
        r
    }
}

impl phy::Device for Wire {
    type RxToken<'a> = RxToken;
    type TxToken<'a> = TxToken<'a>;

    fn receive(&mut self, _: smoltcp::time::Instant) -> Option<(RxToken, TxToken<'_>)> {
        let packet = self.rx.pop_front()?;
        Some((RxToken(packet), TxToken(&mut self.tx)))
    }

    fn transmit(&mut self, _: smoltcp::time::Instant) -> Option<TxToken<'_>> {
        Some(TxToken(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        // Checksums are computed and verified (the default), so both codecs are cross-checked.
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = 1500;
        caps
    }
}

// ----- two kinds of endpoint -----

/// One end of the simulated connection.
trait Endpoint {
    fn listen(&mut self, now: Instant);
    fn connect(&mut self, now: Instant, remote: SocketAddrV4);
    fn close(&mut self, now: Instant);
    fn send(&mut self, now: Instant, data: &[u8]);
    fn handle(&mut self, now: Instant, repr: &TcpRepr, payload: &[u8]);
    /// Runs due timers and returns what is to be sent.
    fn poll(&mut self, now: Instant) -> Vec<(TcpRepr, Vec<u8>)>;
    fn next_wakeup(&mut self, now: Instant) -> Option<Instant>;
    fn state(&self) -> State;
}

struct Core {
    conn: Connection,
    isn: SeqNum,
}

impl Core {
    fn new(addr: SocketAddrV4, remote: SocketAddrV4, isn: u32) -> Core {
        Core { conn: Connection::new(config(), addr, remote), isn: SeqNum(isn) }
    }
}

impl Endpoint for Core {
    fn listen(&mut self, _: Instant) {
        self.conn.listen(self.isn).expect("listen");
    }
    fn connect(&mut self, now: Instant, remote: SocketAddrV4) {
        assert_eq!(remote, self.conn.remote());
        self.conn.connect(now, self.isn).expect("connect");
    }
    fn close(&mut self, now: Instant) {
        self.conn.close(now).expect("close");
    }
    fn send(&mut self, now: Instant, data: &[u8]) {
        assert_eq!(self.conn.send(now, data), Ok(data.len()));
    }
    fn handle(&mut self, now: Instant, repr: &TcpRepr, payload: &[u8]) {
        self.conn.handle_segment(now, repr, payload);
    }
    fn poll(&mut self, now: Instant) -> Vec<(TcpRepr, Vec<u8>)> {
        self.conn.handle_timeout(now);
        let mut out = Vec::new();
        while let Some(t) = self.conn.poll_transmit() {
            out.push((t.repr, t.payload.to_vec()));
        }
        while self.conn.poll_event().is_some() {}
        self.conn.check_invariants().expect("invariants");
        out
    }
    fn next_wakeup(&mut self, _: Instant) -> Option<Instant> {
        self.conn.poll_timeout()
    }
    fn state(&self) -> State {
        self.conn.state()
    }
}

struct Smol {
    addr: SocketAddrV4,
    peer: SocketAddrV4,
    iface: Interface,
    wire: Wire,
    sockets: SocketSet<'static>,
    handle: SocketHandle,
}

impl Smol {
    fn new(addr: SocketAddrV4, peer: SocketAddrV4) -> Smol {
        let mut wire = Wire::default();
        let mut iface = Interface::new(IfaceConfig::new(HardwareAddress::Ip), &mut wire, smol_now(Instant::ZERO));
        iface.update_ip_addrs(|addrs| {
            addrs.push(IpCidr::new(IpAddress::Ipv4(addr.ip().to_owned()), 24)).expect("one address");
        });
        let mut socket =
            tcp::Socket::new(tcp::SocketBuffer::new(vec![0; BUFFER]), tcp::SocketBuffer::new(vec![0; BUFFER]));
        socket.set_ack_delay(None);
        socket.set_nagle_enabled(false);
        let mut sockets = SocketSet::new(Vec::new());
        let handle = sockets.add(socket);
        Smol { addr, peer, iface, wire, sockets, handle }
    }

    fn socket(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut::<tcp::Socket>(self.handle)
    }
}

impl Endpoint for Smol {
    fn listen(&mut self, _: Instant) {
        let port = self.addr.port();
        self.socket().listen(port).expect("listen");
    }
    fn connect(&mut self, _: Instant, remote: SocketAddrV4) {
        let local = self.addr.port();
        let socket = self.sockets.get_mut::<tcp::Socket>(self.handle);
        socket.connect(self.iface.context(), (IpAddress::Ipv4(*remote.ip()), remote.port()), local).expect("connect");
    }
    fn close(&mut self, _: Instant) {
        self.socket().close();
    }
    fn send(&mut self, _: Instant, data: &[u8]) {
        assert_eq!(self.socket().send_slice(data), Ok(data.len()));
    }
    fn handle(&mut self, now: Instant, repr: &TcpRepr, payload: &[u8]) {
        // Segments reach smoltcp through its interface; it processes them in `poll`.
        let _ = now;
        let packet = ipv4_packet(*self.peer.ip(), *self.addr.ip(), repr, payload);
        self.wire.rx.push_back(packet);
    }
    fn poll(&mut self, now: Instant) -> Vec<(TcpRepr, Vec<u8>)> {
        self.iface.poll(smol_now(now), &mut self.wire, &mut self.sockets);
        self.wire.tx.drain(..).map(|p| parse_ipv4(&p)).collect()
    }
    fn next_wakeup(&mut self, now: Instant) -> Option<Instant> {
        let at = self.iface.poll_at(smol_now(now), &self.sockets)?;
        Some(Instant::from_micros(at.total_micros().max(0) as u64))
    }
    fn state(&self) -> State {
        let state = self.sockets.get::<tcp::Socket>(self.handle).state();
        State::from_name(&state.to_string()).expect("smoltcp spells states as RFC 9293")
    }
}

// ----- the simulated link -----

struct InFlight {
    at: Instant,
    to_server: bool,
    repr: TcpRepr,
    payload: Vec<u8>,
}

/// A client and a server on a link with a fixed latency, and what happened between them.
struct Sim {
    client: Box<dyn Endpoint>,
    server: Box<dyn Endpoint>,
    now: Instant,
    in_flight: Vec<InFlight>,
    /// Drop the n-th segment sent (0-based).
    drop: Vec<usize>,
    sent: usize,
    /// ISS of client and server, learned from their SYNs.
    iss: [Option<SeqNum>; 2],
    transcript: Vec<String>,
    client_states: Vec<State>,
    server_states: Vec<State>,
}

impl Sim {
    fn new(client: Box<dyn Endpoint>, server: Box<dyn Endpoint>) -> Sim {
        let (cs, ss) = (client.state(), server.state());
        Sim {
            client,
            server,
            now: Instant::ZERO,
            in_flight: Vec::new(),
            drop: Vec::new(),
            sent: 0,
            iss: [None; 2],
            transcript: Vec::new(),
            client_states: vec![cs],
            server_states: vec![ss],
        }
    }

    fn record_states(&mut self) {
        for (states, state) in
            [(&mut self.client_states, self.client.state()), (&mut self.server_states, self.server.state())]
        {
            if states.last() != Some(&state) {
                states.push(state);
            }
        }
    }

    /// Polls both ends and puts what they send on the link.
    fn poll(&mut self) {
        for from_client in [true, false] {
            let end = if from_client { &mut self.client } else { &mut self.server };
            for (repr, payload) in end.poll(self.now) {
                self.log(from_client, &repr, payload.len());
                let n = self.sent;
                self.sent += 1;
                if !self.drop.contains(&n) {
                    self.in_flight.push(InFlight { at: self.now + LATENCY, to_server: from_client, repr, payload });
                }
            }
        }
        self.record_states();
    }

    fn log(&mut self, from_client: bool, repr: &TcpRepr, len: usize) {
        let (own, peer) = if from_client { (0, 1) } else { (1, 0) };
        // Relative numbers count from the first SYN each side sent (a later SYN is a stimulus).
        if repr.flags.contains(Flags::SYN) && self.iss[own].is_none() {
            self.iss[own] = Some(repr.seq);
        }
        let rel = |x: SeqNum, base: Option<SeqNum>| match base {
            Some(b) => x.diff(b).to_string(),
            None => format!("abs{}", x.0),
        };
        let ack = if repr.flags.contains(Flags::ACK) { rel(repr.ack, self.iss[peer]) } else { "-".into() };
        let line = format!(
            "{} {} {} {} {ack} {len}",
            self.now,
            if from_client { "C>S" } else { "S>C" },
            flag_names(repr.flags),
            rel(repr.seq, self.iss[own]),
        );
        self.transcript.push(line);
    }

    /// Injects a segment from outside, as if the client had sent it.
    fn inject_to_server(&mut self, repr: TcpRepr) {
        self.log(true, &repr, 0);
        self.server.handle(self.now, &repr, &[]);
        self.poll();
    }

    fn inject_to_client(&mut self, repr: TcpRepr) {
        self.log(false, &repr, 0);
        self.client.handle(self.now, &repr, &[]);
        self.poll();
    }

    fn step(&mut self, until: Instant) -> bool {
        let delivery = self.in_flight.iter().map(|w| w.at).min();
        let now = self.now;
        let wake = [self.client.next_wakeup(now), self.server.next_wakeup(now)].into_iter().flatten().min();
        let Some(next) = [delivery, wake].into_iter().flatten().min() else {
            return false;
        };
        if next > until {
            return false;
        }
        self.now = next.max(self.now);
        if delivery == Some(next) {
            let i = self.in_flight.iter().position(|w| w.at == next).expect("found above");
            let w = self.in_flight.remove(i);
            let to = if w.to_server { &mut self.server } else { &mut self.client };
            to.handle(self.now, &w.repr, &w.payload);
        }
        self.poll();
        true
    }

    fn run_until(&mut self, until: Instant) {
        let mut steps = 0;
        while self.step(until) {
            steps += 1;
            assert!(steps < 10_000, "the exchange does not settle");
        }
        self.now = self.now.max(until);
        self.poll();
    }

    fn states(&self) -> (String, String) {
        let show = |s: &[State]| s.iter().map(|s| s.rfc_name()).collect::<Vec<_>>().join(" > ");
        (show(&self.client_states), show(&self.server_states))
    }
}

fn core_client() -> Box<dyn Endpoint> {
    Box::new(Core::new(CLIENT, SERVER, 1000))
}
fn core_server() -> Box<dyn Endpoint> {
    Box::new(Core::new(SERVER, CLIENT, 5000))
}
fn smol_client() -> Box<dyn Endpoint> {
    Box::new(Smol::new(CLIENT, SERVER))
}
fn smol_server() -> Box<dyn Endpoint> {
    Box::new(Smol::new(SERVER, CLIENT))
}

/// Runs `scenario` with smoltcp in one role and with tcp-core in both, returning both.
fn both(smol_is_server: bool, scenario: impl Fn(&mut Sim)) -> (Sim, Sim) {
    let mut with_smol =
        if smol_is_server { Sim::new(core_client(), smol_server()) } else { Sim::new(smol_client(), core_server()) };
    scenario(&mut with_smol);
    let mut reference = Sim::new(core_client(), core_server());
    scenario(&mut reference);
    (with_smol, reference)
}

fn handshake(sim: &mut Sim) {
    sim.server.listen(sim.now);
    sim.client.connect(sim.now, SERVER);
    sim.poll();
    sim.run_until(Instant::from_millis(100));
}

// ----- scenarios -----

#[test]
fn passive_handshake_smoltcp_listens() {
    let (smol, core) = both(true, handshake);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.states(), core.states());
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "10.000ms S>C SYN|ACK 0 1 0",
            "20.000ms C>S ACK 1 1 0",
        ]
    "#]]
    .assert_debug_eq(&smol.transcript);
    expect_test::expect![[r#"
        (
            "CLOSED > SYN-SENT > ESTABLISHED",
            "CLOSED > LISTEN > SYN-RECEIVED > ESTABLISHED",
        )
    "#]]
    .assert_debug_eq(&smol.states());
}

#[test]
fn active_handshake_smoltcp_connects() {
    let (smol, core) = both(false, handshake);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.states(), core.states());
    assert_eq!(smol.client.state(), State::Established);
}

/// The client closes first; the server (the role under test) sees the FIN, and its application
/// closes 100 ms later: CLOSE-WAIT, LAST-ACK, CLOSED.
fn client_closes_first(sim: &mut Sim) {
    handshake(sim);
    sim.client.close(sim.now);
    sim.poll();
    sim.run_until(Instant::from_millis(200));
    sim.server.close(sim.now);
    sim.poll();
    sim.run_until(Instant::from_millis(300));
}

#[test]
fn passive_close_smoltcp_server() {
    let (smol, core) = both(true, client_closes_first);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.server_states, core.server_states);
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "10.000ms S>C SYN|ACK 0 1 0",
            "20.000ms C>S ACK 1 1 0",
            "100.000ms C>S FIN|ACK 1 1 0",
            "110.000ms S>C ACK 1 2 0",
            "200.000ms S>C FIN|ACK 1 2 0",
            "210.000ms C>S ACK 2 2 0",
        ]
    "#]]
    .assert_debug_eq(&smol.transcript);
    expect_test::expect![[r#"
        "CLOSED > LISTEN > SYN-RECEIVED > ESTABLISHED > CLOSE-WAIT > LAST-ACK > CLOSED"
    "#]]
    .assert_debug_eq(&smol.states().1);
}

#[test]
fn active_close_smoltcp_client_and_time_wait_length() {
    let (mut smol, mut core) = both(false, client_closes_first);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.client_states, core.client_states);
    assert_eq!(smol.client.state(), State::TimeWait);
    // Documented difference: smoltcp's TIME-WAIT lasts a fixed 10 s (`CLOSE_DELAY`) from the
    // last FIN; RFC 9293 §3.4.2 asks for 2·MSL, 4 minutes with the rfc9293 profile's MSL.
    smol.run_until(Instant::from_millis(210 + 10_000));
    core.run_until(Instant::from_millis(210 + 10_000));
    assert_eq!((smol.client.state(), core.client.state()), (State::Closed, State::TimeWait));
    core.run_until(Instant::from_millis(210 + 240_000));
    assert_eq!(core.client.state(), State::Closed);
}

#[test]
fn simultaneous_close() {
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        sim.client.close(sim.now);
        sim.server.close(sim.now);
        sim.poll();
        sim.run_until(Instant::from_millis(200));
    };
    for smol_is_server in [true, false] {
        let (smol, core) = both(smol_is_server, scenario);
        assert_eq!(smol.transcript, core.transcript, "smoltcp as server: {smol_is_server}");
        assert_eq!(smol.states(), core.states());
        let smol_states = if smol_is_server { smol.states().1 } else { smol.states().0 };
        assert!(smol_states.ends_with("FIN-WAIT-1 > CLOSING > TIME-WAIT"), "{smol_states}");
    }
}

#[test]
fn time_wait_re_acks_a_retransmitted_fin() {
    // The client (role under test) closes first and reaches TIME-WAIT; its last ACK is lost, so
    // the server retransmits its FIN after its RTO (1 s), and TIME-WAIT answers it again.
    let scenario = |sim: &mut Sim| {
        // 0 SYN, 1 SYN-ACK, 2 ACK, 3 FIN, 4 ACK, 5 FIN, 6 last ACK (lost).
        sim.drop = vec![6];
        client_closes_first(sim);
        sim.run_until(Instant::from_millis(2_000));
    };
    let (smol, core) = both(false, scenario);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.client.state(), State::TimeWait);
    expect_test::expect![[r#"
        [
            "200.000ms S>C FIN|ACK 1 2 0",
            "210.000ms C>S ACK 2 2 0",
            "1200.000ms S>C FIN|ACK 1 2 0",
            "1210.000ms C>S ACK 2 2 0",
        ]
    "#]]
    .assert_debug_eq(&&smol.transcript[5..]);
}

#[test]
fn closed_port_answers_rst() {
    // Nobody listens on the port: smoltcp's interface and a tcp-core connection in CLOSED both
    // answer per RFC 9293 §3.10.7.1.
    let syn = TcpRepr {
        src_port: CLIENT.port(),
        dst_port: SERVER.port(),
        seq: SeqNum(777),
        ack: SeqNum(0),
        reserved: 0,
        flags: Flags::SYN,
        window: 1024,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    };
    let ack = TcpRepr { flags: Flags::ACK, seq: SeqNum(778), ack: SeqNum(4242), ..syn };
    let scenario = |sim: &mut Sim| {
        sim.inject_to_server(syn);
        sim.inject_to_server(ack);
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript, core.transcript);
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "0.000ms S>C RST|ACK abs0 1 0",
            "0.000ms C>S ACK 1 abs4242 0",
            "0.000ms S>C RST abs4242 - 0",
        ]
    "#]]
    .assert_debug_eq(&smol.transcript);
}

#[test]
fn bad_syn_ack_in_syn_sent_is_answered_with_rst() {
    // The client (role under test) connects; a SYN-ACK acknowledging the wrong number arrives
    // (RFC 9293 §3.10.7.3 first check): <SEQ=SEG.ACK><CTL=RST>, and the client stays in SYN-SENT.
    let scenario = |sim: &mut Sim| {
        sim.client.connect(sim.now, SERVER);
        sim.poll();
        let client_iss = sim.iss[0].expect("the client's SYN was logged");
        let bad = TcpRepr {
            src_port: SERVER.port(),
            dst_port: CLIENT.port(),
            seq: SeqNum(5000),
            ack: client_iss + 1000,
            reserved: 0,
            flags: Flags::SYN | Flags::ACK,
            window: 1024,
            checksum: 0,
            urgent: 0,
            options: Options::new(),
        };
        sim.iss[1] = Some(SeqNum(5000));
        sim.inject_to_client(bad);
    };
    let (smol, core) = both(false, scenario);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.client.state(), State::SynSent);
    assert_eq!(core.client.state(), State::SynSent);
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "0.000ms S>C SYN|ACK 0 1000 0",
            "0.000ms C>S RST 1000 - 0",
        ]
    "#]]
    .assert_debug_eq(&smol.transcript);
}

// ----- where smoltcp rightly differs -----

/// A segment from the client to the server `offset` bytes past the client's next sequence number,
/// acknowledging everything the server sent in the handshake.
fn client_segment(sim: &Sim, flags: Flags, offset: u32) -> TcpRepr {
    let (client_iss, server_iss) = (sim.iss[0].expect("client SYN"), sim.iss[1].expect("server SYN"));
    TcpRepr {
        src_port: CLIENT.port(),
        dst_port: SERVER.port(),
        seq: client_iss + 1 + offset,
        ack: if flags.contains(Flags::ACK) { server_iss + 1 } else { SeqNum(0) },
        reserved: 0,
        flags,
        window: 1024,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    }
}

#[test]
fn rst_at_rcv_nxt_resets_both() {
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        let rst = client_segment(sim, Flags::RST, 0);
        sim.inject_to_server(rst);
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.states(), core.states());
    assert_eq!((smol.server.state(), core.server.state()), (State::Closed, State::Closed));
}

#[test]
fn rst_in_window_smoltcp_has_no_challenge_ack() {
    // Documented difference: smoltcp 0.14 accepts any RST inside the receive window and closes;
    // RFC 5961 §3.2 (adopted by RFC 9293 §3.10.7.4) resets only at exactly RCV.NXT and answers
    // the rest of the window with a challenge ACK, which tcp-core does.
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        let rst = client_segment(sim, Flags::RST, 100);
        sim.inject_to_server(rst);
        sim.run_until(Instant::from_millis(200));
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript[..4], core.transcript[..4], "identical up to the RST");
    assert_eq!(smol.transcript[3], "100.000ms C>S RST 101 - 0");
    assert_eq!(smol.transcript.len(), 4, "smoltcp answers nothing");
    assert_eq!(smol.server.state(), State::Closed);
    assert_eq!(core.transcript[4..], ["100.000ms S>C ACK 1 1 0"], "tcp-core's challenge ACK");
    assert_eq!(core.server.state(), State::Established);
}

#[test]
fn syn_in_window_smoltcp_drops_it_silently() {
    // Documented difference: a SYN at RCV.NXT on an established connection. RFC 5961 §4.2 (RFC
    // 9293 §3.10.7.4 fourth check) answers it with a challenge ACK, "irrespective of the sequence
    // number"; smoltcp 0.14 only challenges SYNs outside the window and drops in-window ones.
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        let syn = client_segment(sim, Flags::SYN, 0);
        sim.inject_to_server(syn);
        sim.run_until(Instant::from_millis(200));
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript.len(), 4, "smoltcp answers nothing: {:?}", smol.transcript);
    assert_eq!(core.transcript[4..], ["100.000ms S>C ACK 1 1 0"], "tcp-core's challenge ACK");
    assert_eq!((smol.server.state(), core.server.state()), (State::Established, State::Established));
}

#[test]
fn ack_of_unsent_data_is_answered_with_ack_by_both() {
    // RFC 9293 §3.10.7.4 fifth check: "If the ACK acks something not yet sent (SEG.ACK >
    // SND.NXT), then send an ACK, drop the segment, and return."
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        let mut ack = client_segment(sim, Flags::ACK, 0);
        ack.ack += 100;
        sim.inject_to_server(ack);
        sim.run_until(Instant::from_millis(200));
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.transcript[4..], ["100.000ms S>C ACK 1 1 0"]);
}

#[test]
fn data_is_acked_at_once_without_ack_delay_and_later_with_defaults() {
    let scenario = |sim: &mut Sim| {
        handshake(sim);
        sim.client.send(sim.now, b"hello");
        sim.poll();
        sim.run_until(Instant::from_millis(1_000));
    };
    let (smol, core) = both(true, scenario);
    assert_eq!(smol.transcript, core.transcript);
    assert_eq!(smol.transcript[3..], ["100.000ms C>S PSH|ACK 1 1 5", "110.000ms S>C ACK 1 6 0"]);

    // Documented difference, both within RFC 1122 §4.2.3.2's 500 ms: smoltcp's default ACK delay
    // is 10 ms (`ACK_DELAY_DEFAULT`), the rfc9293 profile's 200 ms.
    let mut default_smol = Smol::new(SERVER, CLIENT);
    default_smol.socket().set_ack_delay(Some(smoltcp::time::Duration::from_millis(10)));
    let mut smol = Sim::new(core_client(), Box::new(default_smol));
    scenario(&mut smol);
    let default_core = Core { conn: Connection::new(Config::rfc9293(), SERVER, CLIENT), isn: SeqNum(5000) };
    let mut core = Sim::new(core_client(), Box::new(default_core));
    scenario(&mut core);
    assert_eq!(smol.transcript[4], "120.000ms S>C ACK 1 6 0");
    assert_eq!(core.transcript[4], "310.000ms S>C ACK 1 6 0");
}
