//! Property tests: two connections on a lossy, reordering, duplicating link, driven by arbitrary
//! operations (deliveries, losses, time, application calls, injected garbage), must keep their
//! invariants; on a clean link two applications that close always end in CLOSED with every byte
//! delivered; a listener under a SYN flood keeps its SYN queue bounded.
//!
//! Deterministic: the proptest seed is fixed unless `PROPTEST_RNG_SEED` is set; 256 cases unless
//! `PROPTEST_CASES` is set. Failures are not persisted to files (the shrunk case is printed).

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};
use tcp_core::config::announced_window_scale;
use tcp_core::event::{Event, Timer};
use tcp_core::listener::Listener;
use tcp_core::time::Duration;
use tcp_core::wire::{Options, TcpOption};
use tcp_core::{Config, Connection, Flags, Instant, Profile, SeqNum, State, TcpRepr};

const ADDRS: [SocketAddrV4; 2] =
    [SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000), SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 5555)];

fn proptest_config() -> ProptestConfig {
    // `default()` reads PROPTEST_CASES and PROPTEST_RNG_SEED; without them: 256 cases, fixed seed.
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 256;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x7C9_5EED);
    }
    config.failure_persistence = None;
    config
}

// ----- configurations -----

fn config_strategy() -> impl Strategy<Value = Config> {
    (
        prop::sample::select(Profile::ALL.to_vec()),
        // Keep the profile's delayed ACK, turn it off, or pick one.
        prop_oneof![Just(None), Just(Some(None)), (1u64..=500).prop_map(|ms| Some(Some(Duration::from_millis(ms))))],
        prop::bool::weighted(0.2),
        any::<(bool, bool, bool)>(),
        prop::option::of(0u8..=14),
        // Keep-alive on, with short times so that probes and give-ups happen within a run.
        prop::option::of((1u64..=3000, 1u64..=1000, 1u8..=3)),
    )
        .prop_map(|(profile, delayed_ack, two_way, (flip_ts, flip_fin, flip_interactive), ws, keepalive)| {
            let mut c = profile.config();
            if let Some((idle, interval, probes)) = keepalive {
                c.keepalive = true;
                c.keepalive_idle = Duration::from_millis(idle);
                c.keepalive_interval = Duration::from_millis(interval);
                c.keepalive_probes = probes;
            }
            if let Some(d) = delayed_ack {
                c.delayed_ack = d;
            }
            c.two_way_handshake = two_way;
            c.timestamps ^= flip_ts;
            c.ack_fin_at_once ^= flip_fin;
            c.interactive_acks ^= flip_interactive;
            if ws.is_some() {
                c.window_scale = ws;
            }
            c.validate().expect("valid configuration");
            c
        })
}

// ----- operations -----

/// Where an injected sequence or acknowledgment number lies, resolved against the target's state
/// when applied (so that garbage often lands near the interesting edges).
#[derive(Clone, Copy, Debug)]
enum Num {
    Abs(u32),
    RcvNxt(i32),
    SndNxt(i32),
    SndUna(i32),
    Iss(i32),
}

fn num_strategy() -> impl Strategy<Value = Num> {
    let delta = prop_oneof![-3i32..=3, -70_000i32..70_000];
    prop_oneof![
        any::<u32>().prop_map(Num::Abs),
        delta.clone().prop_map(Num::RcvNxt),
        delta.clone().prop_map(Num::SndNxt),
        delta.clone().prop_map(Num::SndUna),
        delta.prop_map(Num::Iss),
    ]
}

#[derive(Clone, Debug)]
struct Garbage {
    flags: u8,
    seq: Num,
    ack: Num,
    window: u16,
    options: Vec<u8>,
    payload_len: u16,
}

fn garbage_strategy() -> impl Strategy<Value = Garbage> {
    let flags = prop_oneof![
        any::<u8>(),
        prop::sample::select(vec![0x02u8, 0x12, 0x10, 0x18, 0x11, 0x01, 0x04, 0x14, 0x19, 0x03, 0x06, 0x07]),
    ];
    // Option kinds: 0 none, 1 MSS, 2 WS, 3 SACK-permitted, 4 timestamps.
    let options = prop::collection::vec(0u8..5, 0..4);
    let payload_len = prop_oneof![Just(0u16), 1u16..10, 1u16..1600];
    (flags, num_strategy(), num_strategy(), any::<u16>(), options, payload_len).prop_map(
        |(flags, seq, ack, window, options, payload_len)| Garbage { flags, seq, ack, window, options, payload_len },
    )
}

#[derive(Clone, Copy, Debug)]
enum App {
    Connect,
    Listen,
    Send(u16),
    Recv,
    Shutdown,
    ShutdownRead,
    Close,
    Abort,
}

fn app_strategy() -> impl Strategy<Value = App> {
    prop_oneof![
        Just(App::Connect),
        Just(App::Listen),
        (1u16..6000).prop_map(App::Send),
        Just(App::Recv),
        Just(App::Shutdown),
        Just(App::ShutdownRead),
        Just(App::Close),
        Just(App::Abort),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Deliver(usize),
    Drop(usize),
    Duplicate(usize),
    /// Send the k-th segment in flight to the back of the queue.
    Delay(usize),
    NextTimer,
    Advance(u32),
    App(usize, App),
    Inject(usize, Garbage, u32),
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => any::<usize>().prop_map(Op::Deliver),
        1 => any::<usize>().prop_map(Op::Drop),
        1 => any::<usize>().prop_map(Op::Duplicate),
        1 => any::<usize>().prop_map(Op::Delay),
        3 => Just(Op::NextTimer),
        1 => prop_oneof![0u32..50, 0u32..300_000].prop_map(Op::Advance),
        4 => (0usize..2, app_strategy()).prop_map(|(side, app)| Op::App(side, app)),
        2 => (0usize..2, garbage_strategy(), any::<u32>()).prop_map(|(side, g, salt)| Op::Inject(side, g, salt)),
    ]
}

// ----- the world -----

struct InFlight {
    to: usize,
    repr: TcpRepr,
    payload: Vec<u8>,
}

struct Host {
    conn: Connection,
    /// The state the events last reported.
    reported: State,
    sent: usize,
    received: usize,
}

/// Two connections, a link and a clock; every call is followed by [`World::check`].
struct World {
    hosts: [Host; 2],
    now: Instant,
    link: Vec<InFlight>,
    /// Segments beyond this many in flight are lost (bounds duplication); `usize::MAX`: lossless.
    capacity: usize,
    /// Every segment sent, for failure messages.
    log: Vec<String>,
}

impl World {
    fn new(configs: [Config; 2]) -> World {
        let host = |i: usize| Host {
            conn: Connection::new(configs[i], ADDRS[i], ADDRS[1 - i]),
            reported: State::Closed,
            sent: 0,
            received: 0,
        };
        World { hosts: [host(0), host(1)], now: Instant::ZERO, link: Vec::new(), capacity: 64, log: Vec::new() }
    }

    fn isn(side: usize) -> SeqNum {
        SeqNum([1000, 0xFFFF_F000][side])
    }

    /// Drains host `i` and checks every property that must hold after any call.
    fn check(&mut self, i: usize, after_timeout: bool) -> Result<(), TestCaseError> {
        let now = self.now;
        let host = &mut self.hosts[i];
        while let Some(event) = host.conn.poll_event() {
            match event {
                Event::StateChanged { from, to, .. } => {
                    prop_assert_eq!(from, host.reported, "host {}: StateChanged continues the last report", i);
                    prop_assert!(from.may_become(to), "host {}: illegal transition {} -> {}", i, from, to);
                    host.reported = to;
                }
                Event::TimerArmed { timer, deadline, .. } => {
                    prop_assert!(deadline >= now, "host {}: {:?} armed in the past: {} < {}", i, timer, deadline, now);
                }
                _ => {}
            }
        }
        prop_assert_eq!(host.reported, host.conn.state(), "host {}: events report the state", i);
        let mss = host.conn.config().mss;
        let state = host.conn.state();
        while let Some(t) = host.conn.poll_transmit() {
            prop_assert_eq!((t.src, t.dst), (ADDRS[i], ADDRS[1 - i]));
            prop_assert_eq!((t.repr.src_port, t.repr.dst_port), (ADDRS[i].port(), ADDRS[1 - i].port()));
            prop_assert!(t.payload.len() <= usize::from(mss), "host {}: payload {} above our MSS", i, t.payload.len());
            let len = t.repr.segment_len(t.payload.len());
            prop_assert!(!(t.repr.flags.contains(Flags::RST) && len > 0), "host {}: a RST carries nothing", i);
            self.log.push(format!(
                "{} {}>{} {:?} seq={} ack={} len={} win={} [{}]",
                now,
                i,
                1 - i,
                t.repr.flags,
                t.repr.seq,
                t.repr.ack,
                t.payload.len(),
                t.repr.window,
                state
            ));
            if self.link.len() < self.capacity {
                self.link.push(InFlight { to: 1 - i, repr: t.repr, payload: t.payload.to_vec() });
            }
        }
        if let Err(broken) = host.conn.check_invariants() {
            return Err(TestCaseError::fail(format!("host {i} in {}: {broken}", host.conn.state())));
        }
        for timer in Timer::ALL {
            if let Some(deadline) = host.conn.timer(timer) {
                prop_assert!(host.conn.state() != State::Closed, "host {}: {:?} runs in CLOSED", i, timer);
                if after_timeout {
                    prop_assert!(deadline > now, "host {}: {:?} still due after handle_timeout", i, timer);
                }
            }
        }
        if after_timeout {
            prop_assert!(host.conn.poll_timeout().is_none_or(|t| t > now), "host {}: poll_timeout in the past", i);
        }
        prop_assert_eq!(host.conn.poll_timeout(), Timer::ALL.iter().filter_map(|t| host.conn.timer(*t)).min());
        Ok(())
    }

    fn timeouts(&mut self) -> Result<(), TestCaseError> {
        for i in 0..2 {
            self.hosts[i].conn.handle_timeout(self.now);
            self.check(i, true)?;
        }
        Ok(())
    }

    fn deliver(&mut self, k: usize) -> Result<(), TestCaseError> {
        if self.link.is_empty() {
            return Ok(());
        }
        let w = self.link.remove(k % self.link.len());
        self.hosts[w.to].conn.handle_segment(self.now, &w.repr, &w.payload);
        self.check(w.to, false)
    }

    fn app(&mut self, i: usize, app: App) -> Result<(), TestCaseError> {
        let now = self.now;
        let host = &mut self.hosts[i];
        let c = &mut host.conn;
        match app {
            App::Connect => drop(c.connect(now, World::isn(i))),
            App::Listen => drop(c.listen(World::isn(i))),
            App::Send(n) => {
                let data = vec![0xA5; usize::from(n)];
                if let Ok(taken) = c.send(now, &data) {
                    prop_assert!(taken <= data.len());
                    host.sent += taken;
                }
            }
            App::Recv => {
                let mut buf = [0u8; 8192];
                if let Ok(n) = c.recv(now, &mut buf) {
                    host.received += n;
                }
            }
            App::Shutdown => drop(c.shutdown(now)),
            App::ShutdownRead => drop(c.shutdown_read(now)),
            App::Close => drop(c.close(now)),
            App::Abort => drop(c.abort(now)),
        }
        self.check(i, false)
    }

    fn inject(&mut self, i: usize, g: &Garbage, salt: u32) -> Result<(), TestCaseError> {
        let c = &self.hosts[i].conn;
        let resolve = |n: Num| match n {
            Num::Abs(x) => SeqNum(x),
            Num::RcvNxt(d) => SeqNum(c.rcv_nxt().0.wrapping_add_signed(d)),
            Num::SndNxt(d) => SeqNum(c.snd_nxt().0.wrapping_add_signed(d)),
            Num::SndUna(d) => SeqNum(c.snd_una().0.wrapping_add_signed(d)),
            Num::Iss(d) => SeqNum(c.iss().0.wrapping_add_signed(d)),
        };
        let mut options = Options::new();
        for kind in &g.options {
            let opt = match kind {
                1 => TcpOption::Mss((salt % 3000) as u16),
                2 => TcpOption::WindowScale((salt % 20) as u8),
                3 => TcpOption::SackPermitted,
                _ => TcpOption::Timestamps { tsval: salt, tsecr: salt.rotate_left(7) },
            };
            let _ = options.push(opt);
        }
        options.pad();
        let repr = TcpRepr {
            src_port: ADDRS[1 - i].port(),
            dst_port: ADDRS[i].port(),
            seq: resolve(g.seq),
            ack: resolve(g.ack),
            reserved: 0,
            flags: Flags(g.flags),
            window: g.window,
            checksum: 0,
            urgent: 0,
            options,
        };
        let payload = vec![0x5A; usize::from(g.payload_len)];
        self.hosts[i].conn.handle_segment(self.now, &repr, &payload);
        self.check(i, false)
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match *op {
            Op::Deliver(k) => self.deliver(k),
            Op::Drop(k) => {
                if !self.link.is_empty() {
                    let n = self.link.len();
                    self.link.remove(k % n);
                }
                Ok(())
            }
            Op::Duplicate(k) => {
                if !self.link.is_empty() && self.link.len() < self.capacity {
                    let w = &self.link[k % self.link.len()];
                    let copy = InFlight { to: w.to, repr: w.repr, payload: w.payload.clone() };
                    self.link.push(copy);
                }
                Ok(())
            }
            Op::Delay(k) => {
                if !self.link.is_empty() {
                    let n = self.link.len();
                    let w = self.link.remove(k % n);
                    self.link.push(w);
                }
                Ok(())
            }
            Op::NextTimer => {
                let next = self.hosts.iter().filter_map(|h| h.conn.poll_timeout()).min();
                if let Some(t) = next {
                    self.now = self.now.max(t);
                }
                self.timeouts()
            }
            Op::Advance(ms) => {
                self.now = self.now + Duration::from_millis(u64::from(ms));
                self.timeouts()
            }
            Op::App(i, app) => self.app(i, app),
            Op::Inject(i, ref g, salt) => self.inject(i, g, salt),
        }
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Arbitrary operations never panic (debug assertions on) and every property of
    /// [`World::check`] holds after every call.
    #[test]
    fn invariants_hold_under_arbitrary_operations(
        configs in [config_strategy(), config_strategy()],
        start in prop::sample::select(vec![0u8, 1, 2]),
        ops in prop::collection::vec(op_strategy(), 1..120),
    ) {
        let mut w = World::new(configs);
        // Usually start from a connection attempt, so that the interesting states are reached.
        if start > 0 {
            w.app(1, App::Listen)?;
            w.app(0, App::Connect)?;
            if start > 1 {
                for _ in 0..6 {
                    w.deliver(0)?;
                }
            }
        }
        for op in &ops {
            w.apply(op)?;
        }
    }
}

// ----- liveness on a clean link -----

/// Drives two applications over a lossless link with a fixed latency: the client sends
/// `to_send[0]` bytes, the server `to_send[1]`; each shuts down its sending side when done
/// (the first to finish half-closes and keeps reading), reads everything as it arrives, and
/// calls close() (or shutdown(), per `final_close`) once it has seen the peer's FIN.
fn run_clean(
    configs: [Config; 2],
    to_send: [usize; 2],
    latency_us: u64,
    final_close: [bool; 2],
) -> Result<World, TestCaseError> {
    let latency = Duration::from_micros(latency_us);
    let mut w = World::new(configs);
    w.capacity = usize::MAX;
    w.app(1, App::Listen)?;
    w.app(0, App::Connect)?;
    // Delivery times, parallel to `w.link`: with one latency the oldest segment is due first.
    let mut due: VecDeque<Instant> = VecDeque::new();
    let mut shut = [false; 2];
    let mut eof = [false; 2];
    let mut closed = [false; 2];
    let limit = Instant::from_millis(60 * 60 * 1000);
    loop {
        // Applications.
        for i in 0..2 {
            let now = w.now;
            let c = &mut w.hosts[i].conn;
            if matches!(c.state(), State::Established | State::CloseWait) && w.hosts[i].sent < to_send[i] {
                let left = to_send[i] - w.hosts[i].sent;
                let data = vec![i as u8; left.min(1500)];
                if let Ok(n) = c.send(now, &data) {
                    w.hosts[i].sent += n;
                }
                w.check(i, false)?;
            }
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = w.hosts[i].conn.recv(now, &mut buf) {
                prop_assert!(buf[..n].iter().all(|b| usize::from(*b) == 1 - i), "bytes arrive intact");
                w.hosts[i].received += n;
            }
            let c = &w.hosts[i].conn;
            if !shut[i] && w.hosts[i].sent == to_send[i] && matches!(c.state(), State::Established | State::CloseWait) {
                shut[i] = true;
                w.app(i, App::Shutdown)?;
            }
            if shut[i] && eof[i] && !closed[i] {
                closed[i] = true;
                if final_close[i] {
                    w.app(i, App::Close)?;
                }
            }
        }
        // Stamp new segments with their delivery time.
        while due.len() < w.link.len() {
            due.push_back(w.now + latency);
        }
        let next_delivery = due.front().copied();
        let next_timer = w.hosts.iter().filter_map(|h| h.conn.poll_timeout()).min();
        let Some(next) = [next_delivery, next_timer].into_iter().flatten().min() else {
            break;
        };
        let states = (w.hosts[0].conn.state(), w.hosts[1].conn.state());
        prop_assert!(next <= limit, "the exchange goes on forever: {:?}", states);
        w.now = w.now.max(next);
        if next_delivery == Some(next) {
            due.pop_front();
            w.deliver(0)?;
            for (eof, host) in eof.iter_mut().zip(&w.hosts) {
                *eof |=
                    matches!(host.conn.state(), State::CloseWait | State::LastAck | State::Closing | State::TimeWait);
            }
        } else {
            w.timeouts()?;
        }
    }
    Ok(w)
}

proptest! {
    #![proptest_config(proptest_config())]

    /// With no loss, both ends always reach CLOSED and every byte sent is received.
    #[test]
    fn clean_link_always_closes_with_all_bytes_delivered(
        configs in [config_strategy(), config_strategy()],
        to_send in [0usize..20_000, 0usize..20_000],
        latency_us in 1u64..200_000,
        final_close in any::<[bool; 2]>(),
    ) {
        let w = run_clean(configs, to_send, latency_us, final_close)?;
        let tail = w.log[w.log.len().saturating_sub(12)..].join("\n");
        for i in 0..2 {
            prop_assert_eq!(w.hosts[i].conn.state(), State::Closed, "host {} ends CLOSED; last segments:\n{}", i, tail);
        }
        prop_assert_eq!(w.hosts[1].received, to_send[0], "client to server");
        prop_assert_eq!(w.hosts[0].received, to_send[1], "server to client");
    }
}

// ----- the listener under a SYN flood -----

fn flood_syn(i: u32) -> (SocketAddrV4, TcpRepr) {
    let remote = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, (i % 250) as u8 + 1), 1024 + (i / 250) as u16);
    let repr = TcpRepr {
        src_port: remote.port(),
        dst_port: ADDRS[1].port(),
        seq: SeqNum(i.wrapping_mul(2_654_435_761)),
        ack: SeqNum(0),
        reserved: 0,
        flags: Flags::SYN,
        window: 1024,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    };
    (remote, repr)
}

/// Drains a listener; returns the segments it sent, by peer.
fn drain_listener(l: &mut Listener) -> Vec<(SocketAddrV4, TcpRepr)> {
    let mut out = Vec::new();
    while let Some(t) = l.poll_transmit() {
        out.push((t.dst, t.repr));
    }
    while l.poll_event().is_some() {}
    out
}

proptest! {
    #![proptest_config(proptest_config())]

    /// However many remotes send SYNs, and whenever the half-open entries time out, the SYN queue
    /// never holds more than `syn_backlog` entries. With SYN cookies, a legitimate client still
    /// connects while the queue is full.
    #[test]
    fn syn_flood_keeps_the_syn_queue_bounded(
        profile in prop::sample::select(Profile::ALL.to_vec()),
        backlog in 1u16..24,
        cookies in any::<bool>(),
        flood in 1u32..200,
        ticks in prop::collection::vec(0u64..5_000, 0..20),
    ) {
        let config = Config { syn_backlog: backlog, syn_cookies: cookies, ..profile.config() };
        let mut l = Listener::new(config, ADDRS[1], 0x5EC2E7);
        let mut now = Instant::ZERO;
        let mut tick = ticks.iter().cycle();
        for i in 0..flood {
            let (remote, syn) = flood_syn(i);
            l.handle_segment(now, remote, &syn, &[], SeqNum(i.wrapping_mul(7919)));
            let _ = drain_listener(&mut l);
            prop_assert!(l.half_open() <= usize::from(backlog), "{} half-open > backlog {}", l.half_open(), backlog);
            if i % 16 == 0 && let Some(ms) = tick.next() {
                now = now + Duration::from_millis(*ms);
                l.handle_timeout(now);
                let _ = drain_listener(&mut l);
                prop_assert!(l.half_open() <= usize::from(backlog));
                prop_assert!(l.poll_timeout().is_none_or(|t| t > now));
            }
        }

        // A legitimate client arrives while the queue may be full.
        let full = l.half_open() == usize::from(backlog);
        let client = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 77), 44444);
        let mut conn = Connection::new(config, client, ADDRS[1]);
        conn.connect(now, SeqNum(424_242)).expect("connect");
        let mut to_listener: Vec<(TcpRepr, Vec<u8>)> = Vec::new();
        for _ in 0..3 {
            while let Some(t) = conn.poll_transmit() {
                to_listener.push((t.repr, t.payload.to_vec()));
            }
            while conn.poll_event().is_some() {}
            for (seg, payload) in to_listener.drain(..) {
                l.handle_segment(now, client, &seg, &payload, SeqNum(99));
            }
            for (peer, seg) in drain_listener(&mut l) {
                if peer == client {
                    conn.handle_segment(now, &seg, &[]);
                }
            }
        }
        prop_assert!(l.half_open() <= usize::from(backlog));
        if cookies || !full {
            prop_assert_eq!(conn.state(), State::Established, "queue full: {}, cookies: {}", full, cookies);
            let accepted = l.accept().expect("the client waits in the accept queue");
            prop_assert_eq!(accepted.remote(), client);
            prop_assert_eq!(accepted.state(), State::Established);
        } else {
            prop_assert_eq!(conn.state(), State::SynSent, "without cookies a full queue drops the SYN");
        }
    }
}

// ----- regressions: cases the properties found, kept as plain tests -----

#[track_caller]
fn assert_clean_close(configs: [Config; 2], to_send: [usize; 2], latency_us: u64) {
    let w = run_clean(configs, to_send, latency_us, [false, false]).expect("no property broken");
    let states = (w.hosts[0].conn.state(), w.hosts[1].conn.state());
    assert_eq!(states, (State::Closed, State::Closed), "last segments: {:#?}", &w.log[w.log.len().saturating_sub(8)..]);
    assert_eq!((w.hosts[1].received, w.hosts[0].received), (to_send[0], to_send[1]));
}

#[test]
fn data_and_fin_queued_behind_the_window_still_leave_from_closing() {
    // The client half-closes with one byte still waiting for the window; the server's FIN
    // arrives (FIN-WAIT-1 -> CLOSING) and the byte and the FIN must still go out.
    let client = Config { delayed_ack: Some(Duration::from_millis(19)), ..Config::rfc9293() };
    let server = Config { delayed_ack: None, ..Config::rfc9293() };
    assert_clean_close([client, server], [16385, 13749], 1);
}

#[test]
fn the_announced_window_scale_is_the_profiles_unless_the_buffer_is_tiny() {
    // The profile's shift, from its maximum buffer (Linux 10, FreeBSD 6, Windows 8), as real SYNs
    // carry it; lowered only where 4 KiB would read as a window field under 16 units.
    assert_eq!(announced_window_scale(4096, 7), 7);
    assert_eq!(announced_window_scale(4096, 6), 6);
    assert_eq!(announced_window_scale(4096, 8), 8);
    assert_eq!(announced_window_scale(4096, 13), 8);
    assert_eq!(announced_window_scale(65_535, 14), 11);
    assert_eq!(announced_window_scale(1 << 30, 20), 14);
    assert_eq!(announced_window_scale(100, 7), 2);
    for (config, shift) in [(Config::linux(), 10), (Config::freebsd(), 6), (Config::windows(), 8)] {
        assert_eq!(config.window_scale, Some(shift));
    }

    // A profile offering 13 with a 4 KiB buffer offers 8, and its window field reads the free
    // space in units of 256.
    let server = Config { window_scale: Some(13), delayed_ack: None, ..Config::rfc9293() };
    assert_clean_close([Config::linux(), server], [4097, 0], 1);
    let mut c = Connection::new(server, ADDRS[1], ADDRS[0]);
    c.listen(SeqNum(1)).expect("listen");
    let mut syn = TcpRepr {
        src_port: ADDRS[0].port(),
        dst_port: ADDRS[1].port(),
        seq: SeqNum(7),
        ack: SeqNum(0),
        reserved: 0,
        flags: Flags::SYN,
        window: 1000,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    };
    syn.options.push(TcpOption::WindowScale(2)).expect("fits");
    c.handle_segment(Instant::ZERO, &syn, &[]);
    let ack = TcpRepr { flags: Flags::ACK, seq: SeqNum(8), ack: SeqNum(2), options: Options::new(), ..syn };
    c.handle_segment(Instant::ZERO, &ack, &[]);
    c.handle_segment(Instant::ZERO, &TcpRepr { flags: Flags::ACK | Flags::PSH, ..ack }, b"x");
    let mut sent = Vec::new();
    while let Some(t) = c.poll_transmit() {
        sent.push((t.repr.flags.contains(Flags::SYN), t.repr.options.window_scale(), t.repr.window));
    }
    assert_eq!(
        sent,
        [(true, Some(8), 4096), (false, None, 4095 >> 8)],
        "shift 8 offered (the SYN's window is never scaled); then the free space in units of 256"
    );
    // Both offered scaling: the peer's own shift (2) still applies to the windows it sends.
    assert_eq!(c.snd_wnd(), 1000 << 2);
}

#[test]
fn a_connection_opened_again_after_closed_starts_afresh() {
    let config = Config { delayed_ack: None, ..Config::rfc9293() };
    let mut w = World::new([config, config]);
    w.app(1, App::Listen).expect("ok");
    w.app(0, App::Connect).expect("ok");
    for _ in 0..3 {
        w.deliver(0).expect("ok");
    }
    w.app(0, App::Close).expect("ok");
    w.deliver(0).expect("ok");
    w.app(1, App::Send(10)).expect("ok");
    // The orphaned client answers the data with a RST and is CLOSED...
    w.deliver(0).expect("ok");
    w.deliver(0).expect("ok");
    assert_eq!(w.hosts[0].conn.state(), State::Closed, "{:#?}", w.log);
    assert!(w.hosts[0].conn.fin_sent() && w.hosts[0].conn.is_orphaned(), "the getters tell of the last one");
    // ...and opens a new connection without the old FIN, orphan flag or numbers.
    w.app(0, App::Connect).expect("invariants hold after a new OPEN");
    assert_eq!(w.hosts[0].conn.state(), State::SynSent);
    assert!(!w.hosts[0].conn.fin_sent() && !w.hosts[0].conn.is_orphaned());
    assert_eq!((w.hosts[0].conn.snd_una(), w.hosts[0].conn.snd_nxt()), (World::isn(0), World::isn(0) + 1));
}

#[test]
fn a_tiny_peer_mss_does_not_overflow_the_transmit_queue() {
    // A SYN with MSS 1 and a large window, then 4096 bytes to send: one call may queue only so
    // many segments; the rest follows the ACKs.
    let config = Config { delayed_ack: None, two_way_handshake: true, ..Config::rfc9293() };
    let mut w = World::new([config, config]);
    w.app(1, App::Listen).expect("ok");
    let mut syn = TcpRepr {
        src_port: ADDRS[0].port(),
        dst_port: ADDRS[1].port(),
        seq: SeqNum(7),
        ack: SeqNum(0),
        reserved: 0,
        flags: Flags::SYN,
        window: 65535,
        checksum: 0,
        urgent: 0,
        options: Options::new(),
    };
    syn.options.push(TcpOption::Mss(1)).expect("fits");
    w.hosts[1].conn.handle_segment(Instant::ZERO, &syn, &[]);
    w.check(1, false).expect("ok");
    assert_eq!(w.hosts[1].conn.state(), State::Established, "two-way handshake");
    w.link.clear();
    w.app(1, App::Send(4096)).expect("no overflow");
    assert!(!w.link.is_empty() && w.link.iter().all(|s| s.payload.len() <= 1));
}

#[test]
fn syn_cookies_let_a_client_in_while_the_queue_is_full() {
    for cookies in [true, false] {
        let config = Config { syn_backlog: 4, syn_cookies: cookies, ..Config::linux() };
        let mut l = Listener::new(config, ADDRS[1], 42);
        for i in 0..10 {
            let (remote, syn) = flood_syn(i);
            l.handle_segment(Instant::ZERO, remote, &syn, &[], SeqNum(i));
            let _ = drain_listener(&mut l);
        }
        assert_eq!(l.half_open(), 4, "the SYN queue is full");
        let client = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 77), 44444);
        let mut conn = Connection::new(config, client, ADDRS[1]);
        conn.connect(Instant::ZERO, SeqNum(424_242)).expect("connect");
        for _ in 0..2 {
            while let Some(t) = conn.poll_transmit() {
                let (repr, payload) = (t.repr, t.payload.to_vec());
                l.handle_segment(Instant::ZERO, client, &repr, &payload, SeqNum(99));
            }
            for (peer, seg) in drain_listener(&mut l) {
                if peer == client {
                    conn.handle_segment(Instant::ZERO, &seg, &[]);
                }
            }
        }
        assert_eq!(l.half_open(), 4);
        if cookies {
            assert_eq!(conn.state(), State::Established);
            assert_eq!(l.accept().map(|c| (c.remote(), c.state())), Some((client, State::Established)));
        } else {
            assert_eq!(conn.state(), State::SynSent, "the SYN was dropped");
            assert!(l.accept().is_none());
        }
    }
}
