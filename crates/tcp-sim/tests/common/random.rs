//! Random valid scenarios made from a stream of bytes, within the format's limits
//! (`tcp_sim::scenario::size`): the generator of the property tests (`tests/budget.rs`, driven by
//! proptest) and of the simulator's fuzz target (`fuzz/fuzz_targets/simulate.rs`, driven by
//! libFuzzer), so both explore the same space. Every byte stream gives a scenario that
//! validates; an exhausted stream reads as zeros.

use tcp_core::config::Profile;
use tcp_sim::Scenario;
use tcp_sim::scenario::{
    Action, Fault, FaultAction, Flood, Host, InjectFlags, Isn, Link, Millis, Outage, Probability, Rule, SegmentKind,
    Tcp, Text, Trigger,
};

/// Reads small numbers from bytes.
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    fn byte(&mut self) -> u8 {
        let (first, rest) = self.data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.data = rest;
        first
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        let mut v = 0u32;
        let mut span = 1u64;
        while span < u64::from(n) {
            v = (v << 8) | u32::from(self.byte());
            span <<= 8;
        }
        v % n
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }

    fn millis(&mut self, max: u32) -> Millis {
        Millis::new(f64::from(self.below(max + 1))).expect("a valid duration")
    }
}

const NAMES: [&str; 8] = ["client", "server", "a", "b", "x\n   app is told: ok", "c\u{fffe}d", "nobody", "h2_x_"];
const TRIGGERS: [Trigger; 8] = [
    Trigger::Connected,
    Trigger::Accepted,
    Trigger::Data,
    Trigger::Eof,
    Trigger::Reset,
    Trigger::Refused,
    Trigger::Timeout,
    Trigger::Closed,
];
const ACTIONS: [Action; 14] = [
    Action::Listen,
    Action::Connect,
    Action::Send,
    Action::Shutdown,
    Action::ShutdownRead,
    Action::Close,
    Action::Abort,
    Action::Inject,
    Action::Crash,
    Action::Reboot,
    Action::StopReading,
    Action::StartReading,
    Action::StopAccepting,
    Action::StartAccepting,
];
const KINDS: [SegmentKind; 6] =
    [SegmentKind::Syn, SegmentKind::SynAck, SegmentKind::Ack, SegmentKind::Data, SegmentKind::Fin, SegmentKind::Rst];

fn name(i: usize) -> String {
    if i < NAMES.len() { NAMES[i].to_string() } else { format!("h{i}") }
}

fn rule(b: &mut Bytes<'_>, hosts: usize) -> Rule {
    let action = b.pick(&ACTIONS);
    // A host crashes and reboots at a time only.
    let timed = matches!(action, Action::Crash | Action::Reboot) || b.chance(40);
    let (at_ms, on) = if timed { (Some(b.millis(3_000)), None) } else { (None, Some(b.pick(&TRIGGERS))) };
    let to = matches!(action, Action::Connect | Action::Inject).then(|| name(b.below(hosts as u32) as usize));
    let (bytes, text) = match (action, b.chance(30)) {
        (Action::Send, true) => (None, Some("héllo\u{1b}[31m".repeat(1 + b.below(50) as usize))),
        (Action::Send, false) => (Some(1 + b.below(20_000)), None),
        _ => (None, None),
    };
    let after_max = if b.chance(50) { 0 } else { 500 };
    Rule {
        at_ms,
        on,
        after_ms: b.millis(after_max),
        action,
        to,
        bytes,
        text,
        flags: (action == Action::Inject)
            .then(|| b.pick(&["SYN", "ACK", "RST", "SYN|ACK", "FIN, ACK"]))
            .map(|f| InjectFlags::parse(f).expect("flags")),
        seq: (action == Action::Inject).then(|| b.below(u32::MAX)),
        ack: (action == Action::Inject && b.chance(50)).then(|| b.below(u32::MAX)),
        // Half the injected segments are forged, claiming any host's address.
        spoof: (action == Action::Inject && b.chance(50)).then(|| name(b.below(hosts as u32) as usize)),
        // Some connections reuse a port (maybe one still taken, or in TIME-WAIT on the peer).
        port: (action == Action::Connect && b.chance(20)).then(|| 40000 + b.below(3) as u16),
        repeat: b.chance(30),
    }
}

fn host(b: &mut Bytes<'_>, i: usize, hosts: usize) -> Host {
    let flood = (i > 0 && b.chance(10)).then(|| Flood {
        target: name(b.below(hosts as u32) as usize),
        count: 1 + b.below(1000) as u16,
        start_ms: b.millis(100),
        interval_ms: b.millis(3),
    });
    let rules = if flood.is_some() { 0 } else { b.below(9) as usize };
    Host {
        name: name(i),
        addr: std::net::Ipv4Addr::new(10, 0, (i / 250) as u8, 1 + (i % 250) as u8),
        port: b.chance(20).then(|| 1 + b.below(65_535) as u16),
        isn: if b.chance(50) { Isn::Random } else { Isn::Fixed(b.below(u32::MAX)) },
        profile: b.chance(20).then(|| b.pick(&Profile::ALL)),
        tcp: keepalive(b),
        app: (0..rules).map(|_| rule(b, hosts)).collect(),
        flood,
    }
}

/// Now and then keep-alive on a host, with times short enough to act within a run.
fn keepalive(b: &mut Bytes<'_>) -> Tcp {
    if !b.chance(15) {
        return Tcp::default();
    }
    let ms = |b: &mut Bytes<'_>, max: u32| Millis::new(f64::from(1 + b.below(max))).expect("a valid duration");
    Tcp {
        keepalive: Some(true),
        keepalive_idle_ms: Some(ms(b, 5_000)),
        keepalive_interval_ms: Some(ms(b, 2_000)),
        keepalive_probes: Some(1 + b.below(5) as u8),
        ..Tcp::default()
    }
}

fn fault(b: &mut Bytes<'_>, hosts: usize) -> Fault {
    let by_index = b.chance(30);
    let action = b.pick(&[FaultAction::Drop, FaultAction::Delay, FaultAction::Duplicate]);
    Fault {
        from: (!by_index && b.chance(70)).then(|| name(b.below(hosts as u32) as usize)),
        kind: (!by_index).then(|| b.pick(&KINDS)),
        nth: 1 + b.below(4),
        index: by_index.then(|| b.below(40)),
        action,
        delay_ms: Millis::new(f64::from(if action == FaultAction::Drop { 0 } else { 1 + b.below(2_000) })).expect("ms"),
    }
}

/// A valid scenario made from `data`.
pub(crate) fn scenario(data: &[u8]) -> Scenario {
    let mut b = Bytes::new(data);
    let most = if b.chance(80) { 3 } else { 16 };
    let hosts = 1 + b.below(most) as usize;
    let tcp = Tcp {
        delayed_ack_ms: b.chance(20).then(|| b.millis(300)),
        syn_retries: b.chance(20).then(|| b.below(8) as u8),
        syn_backlog: b.chance(20).then(|| 1 + b.below(64) as u16),
        syn_cookies: b.chance(20).then(|| b.chance(50)),
        two_way_handshake: b.chance(5).then_some(true),
        mss: b.chance(10).then(|| 64 + b.below(1500) as u16),
        ..Tcp::default()
    };
    let mut scenario = Scenario {
        title: Text::default(),
        narration: Text::default(),
        profile: b.pick(&Profile::ALL),
        seed: u64::from(b.below(u32::MAX)),
        link: Link {
            delay_ms: b.millis(50),
            return_delay_ms: b.chance(20).then(|| b.millis(50)),
            loss: Probability::new(if b.chance(70) { 0.0 } else { f64::from(b.below(40)) / 100.0 }).expect("p"),
            // A partition or two, now and then: from some time, for at least a millisecond.
            outages: (0..if b.chance(80) { 0 } else { 1 + b.below(2) })
                .map(|_| {
                    let from = b.millis(5_000);
                    let until = Millis::new(from.get() + 1.0 + b.millis(20_000).get()).expect("a valid duration");
                    Outage { from_ms: from, until_ms: until }
                })
                .collect(),
        },
        tcp,
        hosts: (0..hosts).map(|i| host(&mut b, i, hosts)).collect(),
        faults: Vec::new(),
        until_ms: b.chance(30).then(|| b.millis(600_000)),
        exercises: Vec::new(),
    };
    scenario.faults = (0..b.below(4)).map(|_| fault(&mut b, hosts)).collect();
    // A flood's target and a rule's `to` must name a host that is not an attacker's name only.
    if let Err(e) = scenario.validate() {
        panic!("the generator made an invalid scenario ({e}): {scenario:#?}");
    }
    scenario
}
