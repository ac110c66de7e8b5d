//! Two connections on a lossless link, driven faster than real time (a quinn-style `Pair`).

use std::net::{Ipv4Addr, SocketAddrV4};
use tcp_core::event::{CloseReason, Event, Timer};
use tcp_core::time::Duration;
use tcp_core::{Config, Connection, Flags, Instant, SeqNum, State, TcpRepr};

const CLIENT: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000);
const SERVER: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 5555);

/// One segment in flight or delivered, as the tests read it.
#[derive(Clone, Debug)]
struct Wire {
    at: Instant,
    from_client: bool,
    repr: TcpRepr,
    payload: Vec<u8>,
}

struct Pair {
    client: Connection,
    server: Connection,
    now: Instant,
    latency: Duration,
    in_flight: Vec<Wire>,
    /// Every segment sent, in order, with the time it left.
    log: Vec<Wire>,
    /// Drop the n-th segment sent (0-based) when listed here.
    drop: Vec<usize>,
    client_events: Vec<Event>,
    server_events: Vec<Event>,
}

impl Pair {
    fn new(config: Config) -> Pair {
        let mut server = Connection::new(config, SERVER, CLIENT);
        server.listen(SeqNum(5000)).expect("listen");
        let mut p = Pair {
            client: Connection::new(config, CLIENT, SERVER),
            server,
            now: Instant::ZERO,
            latency: Duration::from_millis(10),
            in_flight: Vec::new(),
            log: Vec::new(),
            drop: Vec::new(),
            client_events: Vec::new(),
            server_events: Vec::new(),
        };
        p.collect();
        p
    }

    fn collect(&mut self) {
        for from_client in [true, false] {
            let conn = if from_client { &mut self.client } else { &mut self.server };
            let mut out = Vec::new();
            while let Some(t) = conn.poll_transmit() {
                out.push(Wire { at: self.now, from_client, repr: t.repr, payload: t.payload.to_vec() });
            }
            let events = if from_client { &mut self.client_events } else { &mut self.server_events };
            while let Some(e) = conn.poll_event() {
                events.push(e);
            }
            for w in out {
                let index = self.log.len();
                self.log.push(w.clone());
                if !self.drop.contains(&index) {
                    self.in_flight.push(Wire { at: self.now + self.latency, ..w });
                }
            }
            conn.check_invariants().expect("invariants hold");
        }
    }

    /// Advances to the earliest delivery or timer, if any is due by `until`.
    fn step(&mut self, until: Instant) -> bool {
        let next_delivery = self.in_flight.iter().map(|w| w.at).min();
        let next_timer = [self.client.poll_timeout(), self.server.poll_timeout()].into_iter().flatten().min();
        let Some(next) = [next_delivery, next_timer].into_iter().flatten().min() else { return false };
        if next > until {
            return false;
        }
        assert!(next >= self.now, "time never goes backwards");
        self.now = next;
        if next_delivery == Some(next) {
            let i = self.in_flight.iter().position(|w| w.at == next).expect("the delivery found above");
            let w = self.in_flight.remove(i);
            let to = if w.from_client { &mut self.server } else { &mut self.client };
            to.handle_segment(self.now, &w.repr, &w.payload);
        } else {
            self.client.handle_timeout(self.now);
            self.server.handle_timeout(self.now);
        }
        self.collect();
        true
    }

    fn drive_until(&mut self, until: Instant) {
        while self.step(until) {}
        self.now = self.now.max(until);
    }

    fn drive(&mut self) {
        self.drive_until(Instant::from_millis(1_000_000));
    }

    /// The log as `C>S SYN 0 - 0`-style lines with relative numbers (as pcapnorm prints).
    fn transcript(&self) -> Vec<String> {
        let (ciss, siss) = (self.client.iss(), SeqNum(5000));
        self.log
            .iter()
            .map(|w| {
                let (own, peer) = if w.from_client { (ciss, siss) } else { (siss, ciss) };
                let flags: Vec<&str> = ["SYN", "FIN", "RST", "ACK"]
                    .into_iter()
                    .zip([Flags::SYN, Flags::FIN, Flags::RST, Flags::ACK])
                    .filter(|(_, f)| w.repr.flags.contains(*f))
                    .map(|(n, _)| n)
                    .collect();
                let ack = if w.repr.flags.contains(Flags::ACK) { (w.repr.ack - peer).to_string() } else { "-".into() };
                format!(
                    "{} {} {} {} {} {}",
                    w.at,
                    if w.from_client { "C>S" } else { "S>C" },
                    flags.join("|"),
                    w.repr.seq - own,
                    ack,
                    w.payload.len()
                )
            })
            .collect()
    }
}

fn rfc() -> Config {
    Config::rfc9293()
}

#[test]
fn handshake_data_and_four_way_close() {
    let mut p = Pair::new(Config { delayed_ack: None, ..rfc() });
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    assert_eq!((p.client.state(), p.server.state()), (State::Established, State::Established));
    p.client.send(p.now, b"hello").expect("send");
    p.collect();
    p.drive_until(Instant::from_millis(200));
    let mut buf = [0u8; 16];
    assert_eq!(p.server.recv(p.now, &mut buf).expect("recv"), 5);
    assert_eq!(&buf[..5], b"hello");
    p.client.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(300));
    assert_eq!((p.client.state(), p.server.state()), (State::FinWait2, State::CloseWait));
    p.server.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(400));
    assert_eq!((p.client.state(), p.server.state()), (State::TimeWait, State::Closed));
    p.drive();
    assert_eq!(p.client.state(), State::Closed);
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "10.000ms S>C SYN|ACK 0 1 0",
            "20.000ms C>S ACK 1 1 0",
            "100.000ms C>S ACK 1 1 5",
            "110.000ms S>C ACK 1 6 0",
            "200.000ms C>S FIN|ACK 6 1 0",
            "210.000ms S>C ACK 1 7 0",
            "300.000ms S>C FIN|ACK 1 7 0",
            "310.000ms C>S ACK 7 2 0",
        ]
    "#]]
    .assert_debug_eq(&p.transcript());
    // TIME-WAIT lasted 2·MSL = 4 minutes.
    assert!(p.client_events.contains(&Event::TimerArmed {
        timer: Timer::TimeWait,
        deadline: Instant::from_millis(310 + 240_000),
        timeout: Duration::from_secs(240),
        backoff: 0
    }));
    assert!(p.client_events.contains(&Event::Closed { reason: CloseReason::Normal }));
    assert!(p.server_events.contains(&Event::Closed { reason: CloseReason::Normal }));
}

/// Linux 6.18 (`tcp_syn_retries` 6, `tcp_syn_linear_timeouts` 4), as `tests/captures/
/// syn_timeout.pcap` shows it: SYNs at 0, 1.029, 2.053, 3.077, 4.101, 5.125, 7.141, 11.269,
/// 19.461, 35.589 and 69.637 s there, and ETIMEDOUT about 135 s. Timeouts of 1, 1, 1, 1, 1, 2,
/// 4, 8, 16 and 32 s on Linux's timer wheel (`Config::timer_wheel_tick`, 4 ms) give the same
/// gaps to a tenth of a millisecond after the first: 1024 (×4), 2016, 4128, 8192, 16128, 34048 ms.
/// (The capture's first gap is 5 ms longer: its SYN left at another phase of the kernel's ticks.)
#[test]
fn linux_connect_timeout_schedule() {
    let mut p = Pair::new(Config::linux());
    p.drop = (0..20).collect();
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    // The last SYN's 64 s (16,000 ticks) wait in level 3, whose buckets are 2.048 s.
    let gives_up = Instant::from_millis(135_168);
    p.drive_until(Instant::from_micros(gives_up.micros - 1));
    assert_eq!(p.client.state(), State::SynSent);
    p.drive_until(gives_up);
    let syn_times: Vec<u64> = p.log.iter().map(|w| w.at.millis()).collect();
    assert_eq!(syn_times, [0, 1_024, 2_048, 3_072, 4_096, 5_120, 7_136, 11_264, 19_456, 35_584, 69_632]);
    let gaps: Vec<u64> = syn_times.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps[1..], [1_024, 1_024, 1_024, 1_024, 2_016, 4_128, 8_192, 16_128, 34_048], "the capture's gaps");
    assert!(p.client_events.contains(&Event::Closed { reason: CloseReason::TimedOut }));
    assert_eq!(p.client.state(), State::Closed);
}

#[test]
fn lost_final_ack_is_answered_from_time_wait() {
    let mut p = Pair::new(Config { delayed_ack: None, ..rfc() });
    // 0 SYN, 1 SYN-ACK, 2 ACK, 3 FIN (client), 4 ACK, 5 FIN (server), 6 last ACK: lost.
    p.drop = vec![6];
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    p.client.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(200));
    p.server.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(2_000));
    assert_eq!((p.client.state(), p.server.state()), (State::TimeWait, State::Closed));
    let t = p.transcript();
    assert_eq!(t[5], "200.000ms S>C FIN|ACK 1 2 0");
    // The server retransmits its FIN after the 1 s RTO; TIME-WAIT answers and restarts 2·MSL.
    assert_eq!(t[7], "1200.000ms S>C FIN|ACK 1 2 0");
    assert_eq!(t[8], "1210.000ms C>S ACK 2 2 0");
    assert!(p.client_events.contains(&Event::TimerArmed {
        timer: Timer::TimeWait,
        deadline: Instant::from_millis(1_210 + 240_000),
        timeout: Duration::from_secs(240),
        backoff: 0
    }));
}

/// Linux answers every FIN sent again to CLOSE-WAIT, however close together: its limit of one
/// answer to an out-of-window segment per 500 ms (`tcp_oow_rate_limited`) spares segments that
/// occupy sequence space, a FIN among them. The server's ACK of the client's FIN is lost, then
/// its answer to the first retransmitted FIN; the second comes 444 ms after the first and is
/// answered too, which ends the client's retransmissions.
#[test]
fn linux_close_wait_answers_every_retransmitted_fin() {
    let mut p = connected(Config { delayed_ack: None, ..Config::linux() });
    // 0 SYN, 1 SYN-ACK, 2 ACK, 3 FIN (client), 4 its ACK: lost, 5 FIN again, 6 answer: lost.
    p.drop = vec![4, 6];
    p.client.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(5_000));
    let t = p.transcript();
    assert_eq!(t[3], "100.000ms C>S FIN|ACK 1 1 0");
    assert_eq!(t[4], "110.000ms S>C ACK 1 2 0");
    assert_eq!(t[5], "324.000ms C>S FIN|ACK 1 1 0", "{t:#?}");
    assert_eq!(t[6], "334.000ms S>C ACK 1 2 0");
    assert_eq!(t[7], "768.000ms C>S FIN|ACK 1 1 0");
    assert_eq!(t[8], "778.000ms S>C ACK 1 2 0", "answered within 500 ms of the last answer");
    assert_eq!(t.len(), 9, "{t:#?}");
    assert_eq!((p.client.state(), p.server.state()), (State::FinWait2, State::CloseWait));
}

#[test]
fn simultaneous_open_and_close() {
    let config = Config { delayed_ack: None, ..rfc() };
    let mut p = Pair::new(config);
    p.server = Connection::new(config, SERVER, CLIENT);
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.server.connect(p.now, SeqNum(5000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    assert_eq!((p.client.state(), p.server.state()), (State::Established, State::Established));
    p.client.close(p.now).expect("close");
    p.server.close(p.now).expect("close");
    p.collect();
    p.drive_until(Instant::from_millis(200));
    assert_eq!((p.client.state(), p.server.state()), (State::TimeWait, State::TimeWait));
    expect_test::expect![[r#"
        [
            "0.000ms C>S SYN 0 - 0",
            "0.000ms S>C SYN 0 - 0",
            "10.000ms S>C SYN|ACK 0 1 0",
            "10.000ms C>S SYN|ACK 0 1 0",
            "100.000ms C>S FIN|ACK 1 1 0",
            "100.000ms S>C FIN|ACK 1 1 0",
            "110.000ms S>C ACK 2 2 0",
            "110.000ms C>S ACK 2 2 0",
        ]
    "#]]
    .assert_debug_eq(&p.transcript());
}

#[test]
fn linux_three_segment_close() {
    let mut p = Pair::new(Config::linux());
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    p.client.close(p.now).expect("close");
    p.collect();
    // The server application closes as soon as it sees end of stream.
    while p.step(Instant::from_millis(1000)) {
        if p.server_events.contains(&Event::EndOfStream) && p.server.state() == State::CloseWait {
            p.server.close(p.now).expect("close");
            p.collect();
        }
    }
    let t = p.transcript();
    assert_eq!(&t[3..], ["100.000ms C>S FIN|ACK 1 1 0", "110.000ms S>C FIN|ACK 1 2 0", "120.000ms C>S ACK 2 2 0"]);
}

/// A segment from the server to the client made by hand: a test's stray, old or forged one.
fn from_server(seq: SeqNum, ack: SeqNum, flags: Flags) -> TcpRepr {
    TcpRepr {
        src_port: SERVER.port(),
        dst_port: CLIENT.port(),
        seq,
        ack,
        reserved: 0,
        flags,
        window: 1000,
        checksum: 0,
        urgent: 0,
        options: tcp_core::wire::Options::new(),
    }
}

/// A pair whose client connected at 0 ms, established at 100 ms.
fn connected(config: Config) -> Pair {
    let mut p = Pair::new(config);
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    p
}

/// A pair connected at 100 ms whose client has just handed TCP a full buffer (4096 bytes, also
/// returned) that the server's application will not read.
fn connected_and_sending(config: Config) -> (Pair, Vec<u8>) {
    let mut p = Pair::new(config);
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    let data = vec![7u8; 4096];
    assert_eq!(p.client.send(p.now, &data).expect("send"), 4096);
    p.collect();
    (p, data)
}

/// RFC 9293 §3.8.6.1: a receiver that stops reading closes its window; the sender probes it and
/// resumes once the application reads (helper-found deadlock, fixed with the persist timer).
#[test]
fn zero_window_is_probed_and_reopened() {
    let (mut p, data) = connected_and_sending(Config { delayed_ack: None, ..rfc() });
    p.drive_until(Instant::from_millis(200));
    assert_eq!(p.server.recv_available(), 4096, "the server's buffer is full");
    assert_eq!(p.client.send(p.now, &data[..1000]).expect("send"), 1000);
    p.collect();
    p.drive_until(Instant::from_millis(5_000));
    assert!(p.client_events.iter().any(|e| matches!(e, Event::TimerFired { timer: Timer::Persist, .. })));
    let mut buf = vec![0u8; 8192];
    assert_eq!(p.server.recv(p.now, &mut buf).expect("recv"), 4096);
    p.collect();
    p.drive_until(Instant::from_millis(20_000));
    assert_eq!(p.server.recv(p.now, &mut buf).expect("recv"), 1000, "the last 1000 bytes arrived");
    assert_eq!(p.client.send_queued(), 0, "and were acknowledged");
    assert_eq!(p.client.timer(Timer::Persist), None);
}

/// A receiver that stops reading (Linux, window scale 7) while the peer sends more than its
/// buffer: every window it offers fits its free space (the peer never sends beyond it: no
/// segment is rejected), none is a silly small one (RFC 9293 §3.8.6.2.2: below min(buffer/2,
/// MSS) it offers none), and the right edge of what it offered never moves left by more than
/// the rounding to a unit; at zero the sender probes, and reading reopens the window.
#[test]
fn a_receiver_that_stops_reading_offers_no_silly_window() {
    // A 4 KiB buffer (`SO_RCVBUF`) and Linux 6.x's shift for a 6 MiB `tcp_rmem[2]`.
    let small =
        Config { recv_buffer: 4096, send_buffer: 4096, window_scale: Some(7), linux_windows: false, ..Config::linux() };
    let (mut p, data) = connected_and_sending(Config { delayed_ack: None, ..small });
    p.drive_until(Instant::from_millis(150));
    assert_eq!(p.client.send(p.now, &data).expect("send"), 4096);
    p.collect();
    p.drive_until(Instant::from_millis(3_000));
    let unit = 1u32 << 7;
    let mss = 1448;
    let mut edge: Option<u32> = None;
    for w in p.log.iter().filter(|w| !w.from_client && !w.repr.flags.contains(Flags::SYN)) {
        let offered = u32::from(w.repr.window) * unit;
        // Nothing is read: the free space is the buffer less what arrived.
        let received = w.repr.ack - SeqNum(1001);
        let free = 4096 - received.min(4096);
        assert!(offered <= free, "{} offers {offered} with {free} free", w.at);
        let right = received + offered;
        if let Some(e) = edge {
            assert!(right + unit > e, "{}: the right edge moved left, {e} to {right}", w.at);
            // A small window is only what is left of one offered before, never a new one.
            assert!(offered == 0 || offered >= mss.min(2048) || right <= e, "{}: a silly window, {offered}", w.at);
        }
        edge = Some(edge.map_or(right, |e| e.max(right)));
    }
    assert!(p.log.iter().any(|w| !w.from_client && w.repr.window == 0), "the window closed");
    assert!(
        p.server_events.iter().all(|e| !matches!(e, Event::SegmentRejected { .. })) || {
            // Only the zero-window probes are answered as outside the window.
            p.log.iter().filter(|w| w.from_client && !w.payload.is_empty()).all(|w| w.repr.seq - SeqNum(1001) < 4096)
        },
        "no data sent beyond the window"
    );
    assert!(p.client_events.iter().any(|e| matches!(e, Event::TimerFired { timer: Timer::Persist, .. })));
    let mut buf = vec![0u8; 8192];
    assert_eq!(p.server.recv(p.now, &mut buf).expect("recv"), 4096);
    p.collect();
    p.drive_until(Instant::from_millis(10_000));
    assert_eq!(p.server.recv_available(), 4096, "the rest came once the window opened");
}

/// Pure ACKs each side sent while the other side's pure ACK was the last thing it received:
/// the measure of an ACK exchange that feeds itself.
fn acks_answering_acks(p: &Pair) -> [usize; 2] {
    let pure_ack = |w: &Wire| w.repr.flags == Flags::ACK && w.payload.is_empty();
    // (arrival, receiver: 0 client 1 server, a pure ACK), in the order sent (arrivals keep it).
    let arrivals: Vec<(Instant, usize, bool)> =
        p.log.iter().map(|w| (w.at + p.latency, usize::from(w.from_client), pure_ack(w))).collect();
    let mut count = [0, 0];
    for w in p.log.iter().filter(|w| pure_ack(w)) {
        let me = usize::from(!w.from_client);
        // The last segment this side received before it sent `w`.
        let last = arrivals.iter().rev().find(|(at, to, _)| *at <= w.at && *to == me);
        if last.is_some_and(|(_, _, ack)| *ack) {
            count[me] += 1;
        }
    }
    count
}

/// Both ends lose the first segment of 4096 bytes the other sent, and neither application reads,
/// so each one's SND.NXT lies at the right edge of the other's window. RFC 9293 §3.10.7.4 finds
/// every pure ACK there unacceptable and answers it with a pure ACK, which the other end finds
/// unacceptable in turn.
fn ack_war(config: Config) -> Pair {
    let mut p = Pair::new(config);
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    // 0 SYN, 1 SYN-ACK, 2 ACK; then 3, 4, 5 the client's data and 6, 7, 8 the server's.
    p.drop = vec![3, 6];
    let data = vec![b'x'; 4096];
    assert_eq!(p.client.send(p.now, &data).expect("send"), 4096);
    p.collect();
    assert_eq!(p.server.send(p.now, &data).expect("send"), 4096);
    p.collect();
    p.drive_until(Instant::from_millis(5_000));
    p
}

#[test]
fn unacceptable_acks_are_answered_within_the_profiles_limit() {
    // RFC 9293 alone answers every one: an ACK each way every round trip until the RTO.
    let unlimited = ack_war(Config { delayed_ack: None, invalid_ack_limit: None, ..rfc() });
    let [client, server] = acks_answering_acks(&unlimited);
    assert!(client > 40 && server > 40, "RFC 9293 alone: {client}, {server}");
    // The rfc9293 profile adds RFC 5961 §7's throttle: at most 10 answers in 5 s each.
    let limited = ack_war(Config { delayed_ack: None, ..rfc() });
    let [client, server] = acks_answering_acks(&limited);
    assert!((1..=10).contains(&client) && (1..=10).contains(&server), "RFC 5961 §7: {client}, {server}");
    // Linux takes a pure ACK at the window's right edge (tcp_sequence): no exchange starts, and
    // the retransmission timeout repairs both losses.
    let mut linux = ack_war(Config { delayed_ack: None, ..Config::linux() });
    assert_eq!(acks_answering_acks(&linux), [0, 0]);
    let mut buf = vec![0u8; 8192];
    let now = linux.now;
    assert_eq!(linux.client.recv(now, &mut buf).expect("recv"), 4096, "the server's data arrived");
    assert_eq!(linux.server.recv(now, &mut buf).expect("recv"), 4096, "the client's data arrived");
}

/// A socket connected to itself, its segments looped back at once (as through `lo`): it reaches
/// ESTABLISHED (RFC 9293 §3.5 simultaneous open, as Linux) and then only talks to itself.
#[test]
fn a_socket_connected_to_itself_is_established() {
    for config in [Config::linux(), Config { delayed_ack: None, ..rfc() }] {
        let mut c = Connection::new(config, CLIENT, CLIENT);
        let mut now = Instant::ZERO;
        c.connect(now, SeqNum(1000)).expect("connect");
        let mut sent = 0;
        let mut established = false;
        while now < Instant::from_millis(300_000) {
            let mut looped = Vec::new();
            while let Some(t) = c.poll_transmit() {
                looped.push((t.repr, t.payload.to_vec()));
            }
            while let Some(e) = c.poll_event() {
                established |= e == Event::Connected;
            }
            if looped.is_empty() {
                let Some(next) = c.poll_timeout() else { break };
                now = next;
                c.handle_timeout(now);
                continue;
            }
            for (repr, payload) in looped {
                sent += 1;
                c.handle_segment(now, &repr, &payload);
            }
            if established && c.state() == State::Established && c.send_queued() == 0 && sent < 10 {
                c.send(now, b"hello").expect("send");
            }
        }
        assert!(established, "{:?}: connect() returned", config.profile);
        assert_eq!(c.state(), State::Established, "{:?}", config.profile);
        assert!(sent <= 8, "{:?}: SYN, SYN-ACK, then the data and its ACK, and quiet: {sent} segments", config.profile);
    }
}

/// Linux 6.18 announces shift 10 (from `tcp_rmem[2]`, 32 MiB) and shapes its windows
/// (`Config::linux_windows`): the SYN offers 64 KiB of space rounded down to whole segments of
/// 1460 (64240), the SYN-ACK to segments of 1448, its MSS less the timestamp option (65160);
/// after the handshake the window is rounded up to units of 1024: 63 and 64. On loopback (MSS
/// 65495) the same rules give what `../shared/captures/` show: 65495, 65483, then 64 and 64.
#[test]
fn linux_window_field_is_the_receive_window_scaled() {
    for (mss, syn, synack, client_field, server_field) in
        [(1460, 64_240, 65_160, 63, 64), (65_495, 65_495, 65_483, 64, 64)]
    {
        let mut p = Pair::new(Config { mss, ..Config::linux() });
        p.client.connect(p.now, SeqNum(1000)).expect("connect");
        p.collect();
        p.drive_until(Instant::from_millis(100));
        p.server.send(p.now, b"hi").expect("send");
        p.collect();
        p.drive_until(Instant::from_millis(200));
        let first = |from_client: bool, syn: bool| {
            let w = p.log.iter().find(|w| w.from_client == from_client && w.repr.flags.contains(Flags::SYN) == syn);
            w.map(|w| (w.repr.window, w.repr.options.window_scale()))
        };
        assert_eq!(first(true, true), Some((syn, Some(10))), "MSS {mss}: the SYN");
        assert_eq!(first(false, true), Some((synack, Some(10))), "MSS {mss}: the SYN-ACK");
        assert_eq!(first(true, false).map(|w| w.0), Some(client_field), "MSS {mss}: the third segment");
        assert_eq!(first(false, false).map(|w| w.0), Some(server_field), "MSS {mss}: the server's first after");
    }
}

/// A Linux receive buffer set small (`SO_RCVBUF` 4096, whose window space is 4096) takes its
/// window scale from the buffer, 0, and its SYN-ACK offers the 4096 bytes as they are (they are
/// less than a segment on loopback): `tests/captures/zero_window.pcap` (MSS 65495, wscale 0,
/// window 4096, then 2048 with 2048 bytes unread).
#[test]
fn a_small_linux_buffer_scales_nothing() {
    let server = Config { mss: 65_495, recv_buffer: 4096, delayed_ack: None, ..Config::linux() };
    let mut p = Pair::new(Config { mss: 65_495, ..Config::linux() });
    p.server = Connection::new(server, SERVER, CLIENT);
    p.server.listen(SeqNum(5000)).expect("listen");
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    p.client.send(p.now, &[0; 2048]).expect("send");
    p.collect();
    p.drive_until(Instant::from_millis(200));
    let synack = p.log.iter().find(|w| !w.from_client && w.repr.flags.contains(Flags::SYN)).expect("a SYN-ACK");
    assert_eq!((synack.repr.window, synack.repr.options.window_scale()), (4096, Some(0)));
    let last = p.log.iter().rfind(|w| !w.from_client).expect("the server's ACK");
    assert_eq!(last.repr.window, 2048, "2048 bytes unread");
}

/// FreeBSD's buffers (`recvspace` 64 KiB, `sendspace` 32 KiB): the SYN offers 65535 (a SYN's
/// window is never scaled), both ends make their buffers whole segments once the handshake ends
/// (`tcp_mss`: MSS 1460 less the 12-byte timestamp option, so 46 × 1448 = 66,608 and
/// 23 × 1448 = 33,304), the third segment's window field is that buffer in units of 64, and a
/// write larger than the RFC profile's 4 KiB is queued whole.
#[test]
fn freebsd_buffers_are_its_sysctls_in_whole_segments() {
    let mut p = Pair::new(Config::freebsd());
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    assert_eq!((p.client.recv_capacity(), p.client.send_capacity()), (65_536, 32_768), "before the SYN-ACK");
    p.drive_until(Instant::from_millis(100));
    assert_eq!((p.log[0].repr.window, p.log[1].repr.window), (65_535, 65_535), "SYNs are not scaled");
    for end in [&p.client, &p.server] {
        assert_eq!((end.recv_capacity(), end.send_capacity()), (46 * 1448, 23 * 1448));
    }
    assert_eq!(p.log[2].repr.window, ((46 * 1448) >> 6) as u16, "the third segment's window, in units of 64");
    assert_eq!(p.server.snd_wnd(), ((46 * 1448) >> 6) << 6, "the client's window as the server scales it back");
    let data = vec![7u8; 20_000];
    assert_eq!(p.client.send(p.now, &data).expect("send"), 20_000, "more than 4 KiB is queued at once");
    p.collect();
    p.drive_until(Instant::from_millis(200));
    assert_eq!(p.server.recv_available(), 20_000, "and all of it delivered");

    // Without window scaling the window field never reads more than 65,535, whatever the buffer
    // holds; FreeBSD still judges segments against the whole buffer
    // (`Config::window_is_buffer_space`), the RFC against what it announced.
    for (config, judged) in [(Config::freebsd(), 46 * 1448), (Config { recv_buffer: 66_608, ..rfc() }, 65_535)] {
        let mut p = Pair::new(Config { window_scale: None, timestamps: true, ..config });
        p.client.connect(p.now, SeqNum(1000)).expect("connect");
        p.collect();
        p.drive_until(Instant::from_millis(100));
        assert_eq!((p.client.rcv_wnd(), p.log[2].repr.window), (judged, 65_535), "{:?}", config.profile);
    }
}

/// Which RST a connection without window scaling takes as in its window: FreeBSD judges against
/// its buffer (65,700 bytes once established), so a RST at RCV.NXT+65,699 earns a challenge ACK
/// and one at RCV.NXT+65,700 nothing (the suite's `rcv-rst-established-{right-edge,outside-right}`);
/// the RFC's window is what was announced, 65,535 at most, and Linux takes a segment at the
/// right edge (`ack_at_window_edge`), a RST too.
#[test]
fn a_rst_near_the_right_edge_per_profile() {
    let answers = |config: Config, offset: u32| -> usize {
        let mut p = Pair::new(Config { window_scale: None, timestamps: false, delayed_ack: None, ..config });
        p.client.connect(p.now, SeqNum(1000)).expect("connect");
        p.collect();
        p.drive_until(Instant::from_millis(100));
        let before = p.log.len();
        let rst = from_server(p.client.rcv_nxt() + offset, SeqNum(0), Flags::RST);
        p.client.handle_segment(p.now, &rst, &[]);
        p.collect();
        assert_eq!(p.client.state(), State::Established, "not at RCV.NXT: the connection stays");
        p.log.len() - before
    };
    let big = |c: Config| Config { recv_buffer: 65_536, ..c };
    assert_eq!((answers(Config::freebsd(), 65_699), answers(Config::freebsd(), 65_700)), (1, 0), "freebsd");
    assert_eq!((answers(big(rfc()), 65_534), answers(big(rfc()), 65_535)), (1, 0), "rfc9293");
    assert_eq!((answers(big(Config::linux()), 65_535), answers(big(Config::linux()), 65_536)), (1, 0), "linux");
}

/// RFC 793's rules, which FreeBSD keeps behind `insecure_rst` and `insecure_syn`: a RST anywhere
/// in the window resets the connection (RFC 5961: a challenge ACK unless at RCV.NXT), and a SYN
/// in the window is answered with a reset that closes it (RFC 5961: a challenge ACK). FreeBSD's
/// own RST offers a window of 0.
#[test]
fn rfc793_rules_for_a_rst_or_a_syn_in_the_window() {
    let arrive = |config: Config, flags: Flags| -> (State, Vec<String>) {
        let mut p = connected(Config { delayed_ack: None, ..config });
        let before = p.log.len();
        let seg = from_server(p.client.rcv_nxt() + 100, SeqNum(0), flags);
        p.client.handle_segment(p.now, &seg, &[]);
        p.collect();
        let sent = p.log[before..].iter().map(|w| format!("{:?} win {}", w.repr.flags, w.repr.window)).collect();
        (p.client.state(), sent)
    };
    let rfc793 = |c: Config| Config { rst_anywhere_in_window: true, syn_in_window_resets: true, ..c };
    let (state, sent) = arrive(Config::freebsd(), Flags::RST);
    assert_eq!((state, sent.len()), (State::Established, 1), "RFC 5961: a challenge ACK");
    assert_eq!(arrive(rfc793(Config::freebsd()), Flags::RST), (State::Closed, vec![]), "RFC 793: reset");
    let (state, sent) = arrive(Config::freebsd(), Flags::SYN);
    assert_eq!((state, sent.len()), (State::Established, 1), "RFC 5961: a challenge ACK");
    let (state, sent) = arrive(rfc793(Config::freebsd()), Flags::SYN);
    assert_eq!((state, sent.as_slice()), (State::Closed, &[format!("{:?} win 0", Flags::RST | Flags::ACK)][..]));
    let (_, sent) = arrive(rfc793(Config::linux()), Flags::SYN);
    assert_ne!(sent, [format!("{:?} win 0", Flags::RST | Flags::ACK)], "Linux's RST offers its window");
    // The rfc793 profile is RFC 9293's with these two rules: a blind in-window RST or SYN ends
    // the connection where rfc9293 answers with a challenge ACK.
    assert_eq!(arrive(Config::rfc793(), Flags::RST), (State::Closed, vec![]), "rfc793: reset");
    assert_eq!(arrive(Config::rfc793(), Flags::SYN).0, State::Closed, "rfc793: SYN resets");
    assert_eq!(arrive(Config::rfc9293(), Flags::RST).0, State::Established, "rfc9293: challenge ACK");
    assert_eq!(Config { profile: tcp_core::Profile::Rfc793, ..rfc793(Config::rfc9293()) }, Config::rfc793());
}

/// BSD's two habits around our FIN: an ACK sent while the FIN is unacknowledged repeats it
/// (`fin_on_every_ack`; a challenge ACK does not), and an old segment's acknowledgment still
/// counts (`old_segment_ack_processed`), so in LAST-ACK an old segment that acknowledges the FIN
/// closes the connection without an answer. The RFC's profile sends a bare ACK at SND.NXT and
/// answers the old segment, still in LAST-ACK.
#[test]
fn bsd_repeats_its_fin_and_counts_an_old_segments_ack() {
    let run = |config: Config| -> (Vec<String>, State) {
        let mut p = connected(Config { delayed_ack: None, ..config });
        // Simultaneous close: both FINs cross; then the client's answer to the server's FIN.
        p.client.shutdown(p.now).expect("shutdown");
        p.server.shutdown(p.now).expect("shutdown");
        p.collect();
        p.latency = Duration::from_millis(10);
        let before = p.log.len();
        p.drive_until(Instant::from_millis(115));
        let answers: Vec<String> = p.log[before..]
            .iter()
            .filter(|w| w.from_client && w.at > Instant::from_millis(100))
            .map(|w| format!("{:?} {}", w.repr.flags, w.repr.seq.0 - 1000))
            .collect();
        (answers, p.client.state())
    };
    let (bsd, _) = run(Config::freebsd());
    assert_eq!(bsd, [format!("{:?} 1", Flags::FIN | Flags::ACK)], "the ACK of the peer's FIN repeats ours");
    let (bare, _) = run(rfc());
    assert_eq!(bare, [format!("{:?} 2", Flags::ACK)], "a bare ACK at SND.NXT");

    // LAST-ACK: an old segment (seq one below RCV.NXT) that acknowledges our FIN.
    let last_ack = |config: Config| -> (State, usize) {
        let mut p = connected(Config { delayed_ack: None, ..config });
        p.server.shutdown(p.now).expect("shutdown");
        p.collect();
        p.drive_until(Instant::from_millis(150));
        p.client.shutdown(p.now).expect("shutdown");
        p.collect();
        p.in_flight.clear(); // The client's FIN is sent; its acknowledgment comes by hand.
        assert_eq!(p.client.state(), State::LastAck);
        let before = p.log.len();
        let old = from_server(SeqNum(p.client.rcv_nxt().0.wrapping_sub(1)), p.client.snd_nxt(), Flags::ACK);
        p.client.handle_segment(p.now, &old, &[]);
        p.collect();
        (p.client.state(), p.log.len() - before)
    };
    assert_eq!(last_ack(Config::freebsd()), (State::Closed, 0), "BSD: the old segment's ACK closes, silently");
    assert_eq!(last_ack(rfc()), (State::LastAck, 1), "RFC 9293: answered with an ACK and dropped");
}

/// Each end reports, once, what the peer's SYN taught it, and the facts are the ones its
/// segments then follow: the ISNs on the wire, the shift its window fields are scaled by.
#[test]
fn each_end_reports_what_it_negotiated() {
    use tcp_core::{Negotiation, WindowShifts};
    let negotiated = |events: &[Event]| -> Vec<Negotiation> {
        events.iter().filter_map(|e| if let Event::Negotiated(n) = e { Some(*n) } else { None }).collect()
    };
    let mut p = Pair::new(Config::linux());
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    let shifts = Some(WindowShifts { local: 10, remote: 10 });
    // Linux: MSS 1460 less the 12 bytes of the timestamp option.
    let client = Negotiation {
        iss: SeqNum(1000),
        irs: SeqNum(5000),
        peer_mss: 1460,
        send_mss: 1448,
        window_shifts: shifts,
        timestamps: true,
        sack_permitted: true,
    };
    assert_eq!(negotiated(&p.client_events), [client]);
    assert_eq!(negotiated(&p.server_events), [Negotiation { iss: SeqNum(5000), irs: SeqNum(1000), ..client }]);
    assert_eq!((p.log[0].repr.seq, p.log[1].repr.seq), (SeqNum(1000), SeqNum(5000)), "the ISNs on the wire");
    assert_eq!(u32::from(p.log[2].repr.window) << 10, 64_512, "the client's window, scaled by its own shift");

    // The RFC profile offers neither scaling, timestamps nor SACK: nothing is scaled.
    let mut p = Pair::new(Config { delayed_ack: None, ..rfc() });
    p.client.connect(p.now, SeqNum(7)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    let [n] = negotiated(&p.client_events)[..] else { panic!("one negotiation: {:?}", p.client_events) };
    assert_eq!(
        (n.iss, n.irs, n.window_shifts, n.timestamps, n.sack_permitted),
        (SeqNum(7), SeqNum(5000), None, false, false)
    );
    assert_eq!(n.send_mss, n.peer_mss.min(Config::rfc9293().mss));
}

/// A SYN-ACK offers only what the SYN offered: SACK-permitted (RFC 2018 §2; FreeBSD's suite,
/// rcv-syn-ack-*-listen: `< S ... <mss 1460>` answered `> S. ... <mss 1460>`), window scale
/// (RFC 7323 §2.2) and timestamps (§3.2), each on its own; the MSS option always (RFC 9293 §3.7.1).
#[test]
fn syn_ack_offers_only_the_options_the_syn_offered() {
    let offers = |w: &Wire| {
        let o = &w.repr.options;
        (o.mss().is_some(), o.sack_permitted(), o.window_scale().is_some(), o.timestamps().is_some())
    };
    // (what the client's SYN offers: sack, window scale, timestamps)
    for (sack, ws, ts) in [(false, false, false), (false, true, true), (true, false, true), (true, true, false)] {
        let client = Config { sack_permitted: sack, window_scale: ws.then_some(7), timestamps: ts, ..Config::linux() };
        let mut p = Pair::new(Config::linux());
        p.client = Connection::new(client, CLIENT, SERVER);
        p.client.connect(p.now, SeqNum(1000)).expect("connect");
        p.collect();
        p.drive_until(Instant::from_millis(100));
        assert_eq!((p.client.state(), p.server.state()), (State::Established, State::Established));
        assert_eq!(offers(&p.log[0]), (true, sack, ws, ts), "the SYN");
        assert_eq!(offers(&p.log[1]), (true, sack, ws, ts), "the SYN-ACK answers the SYN {:?}", p.log[0].repr.options);
    }
}

// ----- keep-alive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) -----

/// Every profile with keep-alive turned on, as `setsockopt(SO_KEEPALIVE)` does.
fn keepalive_profiles() -> impl Iterator<Item = Config> {
    tcp_core::Profile::ALL.into_iter().map(|p| Config { keepalive: true, ..p.config() })
}

/// A client with `client` and a server with its profile's defaults, both established by 30 ms
/// (the client's last arrival, the SYN-ACK, at 20 ms).
fn keepalive_pair(client: Config) -> Pair {
    let mut p = Pair::new(Config { keepalive: false, ..client });
    p.client = Connection::new(client, CLIENT, SERVER);
    p.client.connect(p.now, SeqNum(1000)).expect("connect");
    p.collect();
    p.drive_until(Instant::from_millis(100));
    assert_eq!((p.client.state(), p.server.state()), (State::Established, State::Established));
    p
}

/// The client's keep-alive probes: (time sent, relative seq, payload), from the log.
fn probes(p: &Pair) -> Vec<(Instant, u32, Vec<u8>)> {
    let snd_nxt = p.client.snd_nxt();
    p.log
        .iter()
        .filter(|w| w.from_client && w.repr.flags == Flags::ACK && w.repr.seq + 1 == snd_nxt && w.payload.len() <= 1)
        .map(|w| (w.at, w.repr.seq - SeqNum(1000), w.payload.clone()))
        .collect()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn keepalive_is_off_by_default_and_set_per_connection() {
    for profile in tcp_core::Profile::ALL {
        assert!(!profile.config().keepalive, "{profile}: RFC 1122 §4.2.3.6, keep-alives MUST default to off");
        let mut p = keepalive_pair(profile.config());
        assert_eq!(p.client.timer(Timer::Keepalive), None, "{profile}: off");
        // setsockopt(SO_KEEPALIVE, 1) at 100 ms: the idle time starts then.
        p.client.set_keepalive(p.now, true);
        p.collect();
        let idle = profile.config().keepalive_idle;
        // On Linux's timer wheel a two-hour timer waits in buckets of 131 s.
        let deadline = profile.config().deadline(Instant::from_millis(100), idle);
        assert!(deadline >= Instant::from_millis(100) + idle, "{profile}: never early");
        assert_eq!(p.client.timer(Timer::Keepalive), Some(deadline), "{profile}");
        assert!(p.client_events.contains(&Event::TimerArmed {
            timer: Timer::Keepalive,
            deadline,
            timeout: idle,
            backoff: 0
        }));
        p.client.set_keepalive(p.now, false);
        p.collect();
        assert_eq!(p.client.timer(Timer::Keepalive), None, "{profile}: off again");
        assert_eq!(p.client_events.last(), Some(&Event::TimerCancelled { timer: Timer::Keepalive }));
    }
}

/// The peer is gone after the handshake (nothing reaches it any more): the first probe after the
/// idle time, then one per interval, each `<SEQ=SND.NXT-1><CTL=ACK>` with no data (Linux,
/// FreeBSD, the RFC) or one garbage octet (Windows); one interval after the last, ETIMEDOUT, with
/// a reset where the stack sends one.
#[test]
fn keepalive_probes_after_idle_then_times_out_when_the_peer_is_gone() {
    for config in keepalive_profiles() {
        let name = config.profile;
        let mut p = keepalive_pair(config);
        p.drop = (3..1000).collect();
        p.drive_until(Instant::from_millis(100) + secs(3 * 3600));
        let (idle, interval, count) =
            (config.keepalive_idle, config.keepalive_interval, u32::from(config.keepalive_probes));
        let last_arrival = Instant::from_millis(20);
        // The first probe one idle time after the last arrival, then one per interval, each on the
        // profile's timer wheel (Linux: a two-hour timer waits in buckets of 131 s).
        let mut at = config.deadline(last_arrival, idle);
        let mut expected: Vec<(Instant, u32, Vec<u8>)> = Vec::new();
        for _ in 0..count {
            expected.push((at, 0, if config.keepalive_probe_byte { vec![0] } else { vec![] }));
            at = config.deadline(at, interval);
        }
        assert_eq!(probes(&p), expected, "{name}: probe times, sequence number (SND.NXT-1 = 0) and bytes");
        let backoffs: Vec<u8> = p
            .client_events
            .iter()
            .filter_map(|e| match e {
                Event::TimerFired { timer: Timer::Keepalive, backoff } => Some(*backoff),
                _ => None,
            })
            .collect();
        assert_eq!(backoffs, (0..=config.keepalive_probes).collect::<Vec<u8>>(), "{name}: probes counted");
        let end = at;
        assert_eq!(p.client.state(), State::Closed, "{name}");
        assert!(
            p.client_events.ends_with(&[
                Event::StateChanged {
                    from: State::Established,
                    to: State::Closed,
                    cause: tcp_core::event::Cause::Timer(Timer::Keepalive)
                },
                Event::Closed { reason: CloseReason::TimedOut },
            ]),
            "{name}: ETIMEDOUT, caused by keep-alive: {:?}",
            &p.client_events[p.client_events.len() - 3..]
        );
        let last = p.log.last().expect("segments");
        assert!(last.from_client, "{name}");
        if config.keepalive_timeout_rst {
            assert_eq!(last.at, end, "{name}: a reset when the connection is dropped");
            assert!(last.repr.flags.contains(Flags::RST), "{name}: a reset after the last probe");
            assert_eq!(last.repr.seq, p.client.snd_nxt(), "{name}: the reset at SND.NXT");
        } else {
            assert_eq!(
                config.deadline(last.at, interval),
                end,
                "{name}: the last probe, and nothing when it is dropped"
            );
        }
        assert_eq!(p.server.state(), State::Established, "{name}: the other end never heard a thing");
    }
}

/// A live peer answers every probe with an ACK (the probe lies outside its window), which starts
/// the idle time again: the connection stays open however long it is idle.
#[test]
fn keepalive_answered_by_a_live_peer_keeps_the_connection_open() {
    for config in keepalive_profiles() {
        let name = config.profile;
        let mut p = keepalive_pair(config);
        let idle = config.keepalive_idle;
        p.drive_until(Instant::from_millis(100) + idle * 10);
        assert_eq!((p.client.state(), p.server.state()), (State::Established, State::Established), "{name}");
        // Probe k leaves one idle time after the answer to probe k-1 arrived (one round trip).
        let rtt = p.latency * 2;
        let mut expected = vec![config.deadline(Instant::from_millis(20), idle)];
        for k in 1..9 {
            expected.push(config.deadline(expected[k - 1] + rtt, idle));
        }
        let times: Vec<Instant> = probes(&p).iter().map(|(at, _, _)| *at).collect();
        assert_eq!(times, expected, "{name}: one probe per idle time");
        // Each probe was answered with an ACK of where the server is.
        let answers = p
            .server_events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::SegmentRejected {
                        reason: tcp_core::event::DropReason::OutOfWindow,
                        reply: tcp_core::event::Reply::Ack
                    }
                )
            })
            .count();
        assert_eq!(answers, 9, "{name}: every probe answered");
        for w in p.log.iter().filter(|w| !w.from_client && w.at > Instant::from_millis(100)) {
            assert_eq!((w.repr.flags, w.repr.ack, w.payload.len()), (Flags::ACK, p.client.snd_nxt(), 0), "{name}");
        }
        assert!(!p.client_events.iter().any(|e| matches!(e, Event::Closed { .. })), "{name}");
        assert!(
            !p.client_events
                .iter()
                .any(|e| matches!(e, Event::TimerFired { timer: Timer::Keepalive, backoff } if *backoff > 0)),
            "{name}: never a second probe in a row"
        );
    }
}

/// Any segment from the peer starts the idle time again: data, and a bare ACK (even one outside
/// the window, which is answered and dropped).
#[test]
fn keepalive_idle_time_restarts_on_any_segment() {
    for config in keepalive_profiles() {
        let name = config.profile;
        let mut p = keepalive_pair(config);
        let idle = config.keepalive_idle;
        // The server sends 5 bytes at 1 hour: they reach the client 10 ms later.
        p.drive_until(Instant::from_millis(3_600_000));
        p.server.send(p.now, b"hello").expect("send");
        p.collect();
        p.drive_until(Instant::from_millis(3_600_000) + secs(60));
        let arrival = Instant::from_millis(3_600_010);
        assert_eq!(p.client.timer(Timer::Keepalive), Some(config.deadline(arrival, idle)), "{name}: restarted by data");
        // A bare ACK, out of the client's window, at 2 hours.
        let at = Instant::from_millis(7_200_000);
        p.drive_until(at);
        let stray = from_server(p.client.rcv_nxt() + 100_000, p.client.snd_nxt(), Flags::ACK);
        p.client.handle_segment(at, &stray, &[]);
        p.collect();
        let due = config.deadline(at, idle);
        assert_eq!(p.client.timer(Timer::Keepalive), Some(due), "{name}: restarted by a bare ACK");
        p.drive_until(due + secs(1));
        let times: Vec<Instant> = probes(&p).iter().map(|(at, _, _)| *at).collect();
        assert_eq!(times.first(), Some(&due), "{name}: no probe before one idle time after the last segment");
    }
}

/// While data is unacknowledged the retransmission timer decides, not keep-alive: no probe goes
/// out, even with an idle time far shorter than the retransmissions take (the idle time, interval
/// and count are set per connection, as `TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT` do), and
/// the connection ends when the retransmissions give up.
#[test]
fn keepalive_sends_no_probe_while_data_is_in_flight() {
    for config in keepalive_profiles() {
        let name = config.profile;
        let config = Config {
            keepalive_idle: secs(5),
            keepalive_interval: secs(1),
            keepalive_probes: 3,
            data_retries: config.data_retries.min(6),
            ..config
        };
        let mut p = keepalive_pair(config);
        p.drop = (3..1000).collect();
        p.client.send(p.now, b"are you there?").expect("send");
        p.collect();
        assert_eq!(p.client.timer(Timer::Keepalive), None, "{name}: data in flight, no keep-alive");
        p.drive_until(Instant::from_millis(100) + secs(3600));
        assert_eq!(probes(&p), [], "{name}: no probe");
        let after_send = p.client_events.iter().rposition(|e| *e == Event::TimerCancelled { timer: Timer::Keepalive });
        assert!(after_send.is_some(), "{name}: the idle timer stopped when the data left");
        assert!(
            !p.client_events[after_send.unwrap_or(0)..]
                .iter()
                .any(|e| matches!(e, Event::TimerArmed { timer: Timer::Keepalive, .. })),
            "{name}: and never started again"
        );
        assert!(p.client_events.ends_with(&[
            Event::StateChanged {
                from: State::Established,
                to: State::Closed,
                cause: tcp_core::event::Cause::RetriesExhausted
            },
            Event::Closed { reason: CloseReason::TimedOut },
        ]));
        // With a live peer, the ACK of the data starts the idle time again, from its arrival.
        let mut p = keepalive_pair(config);
        p.client.send(p.now, b"are you there?").expect("send");
        p.collect();
        p.drive_until(Instant::from_millis(1_000));
        let acked = p.log.iter().rfind(|w| !w.from_client).map(|w| w.at + p.latency).expect("the ACK");
        assert_eq!(p.client.timer(Timer::Keepalive), Some(config.deadline(acked, secs(5))), "{name}");
    }
}
