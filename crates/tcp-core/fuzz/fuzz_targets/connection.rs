//! Fuzzes two `Connection`s on a lossy, reordering, duplicating link: the input bytes decode to
//! two configurations and a sequence of operations (deliveries, losses, time, application calls,
//! injected garbage segments), as in `tests/properties.rs`. After every call the connection must
//! keep `check_invariants()`, report every state change as legal and continuous, never arm a
//! timer in the past, and after `handle_timeout(now)` have no timer due. Debug assertions inside
//! the connection (queue overflows, illegal transitions) count as crashes.
//!
//! Run with `cargo +nightly fuzz run connection` from `crates/tcp-core`.
#![no_main]

use core::net::{Ipv4Addr, SocketAddrV4};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use tcp_core::event::{Event, Timer};
use tcp_core::time::Duration;
use tcp_core::wire::{Options, TcpOption};
use tcp_core::{Config, Connection, Flags, Instant, Profile, SeqNum, State, TcpRepr};

const ADDRS: [SocketAddrV4; 2] = [
    SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000),
    SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 5555),
];
const LINK_CAPACITY: usize = 64;
const MAX_OPS: usize = 400;

fn config(u: &mut Unstructured<'_>) -> Result<Config> {
    let mut c = Profile::ALL[u.choose_index(Profile::ALL.len())?].config();
    match u.int_in_range(0u8..=2)? {
        0 => {}
        1 => c.delayed_ack = None,
        _ => c.delayed_ack = Some(Duration::from_millis(u.int_in_range(1u64..=500)?)),
    }
    c.two_way_handshake = u.ratio(1u8, 5)?;
    c.timestamps ^= u.arbitrary::<bool>()?;
    c.ack_fin_at_once ^= u.arbitrary::<bool>()?;
    c.interactive_acks ^= u.arbitrary::<bool>()?;
    if u.arbitrary::<bool>()? {
        c.window_scale = Some(u.int_in_range(0u8..=14)?);
    }
    assert!(c.validate().is_ok());
    Ok(c)
}

struct InFlight {
    to: usize,
    repr: TcpRepr,
    payload: Vec<u8>,
}

struct World {
    conns: [Connection; 2],
    reported: [State; 2],
    now: Instant,
    link: Vec<InFlight>,
}

impl World {
    fn check(&mut self, i: usize, after_timeout: bool) {
        let now = self.now;
        let conn = &mut self.conns[i];
        while let Some(event) = conn.poll_event() {
            match event {
                Event::StateChanged { from, to, .. } => {
                    assert_eq!(
                        from, self.reported[i],
                        "a state change continues the last one"
                    );
                    assert!(from.may_become(to), "illegal transition {from} -> {to}");
                    self.reported[i] = to;
                }
                Event::TimerArmed { deadline, .. } => {
                    assert!(deadline >= now, "timer armed in the past")
                }
                _ => {}
            }
        }
        assert_eq!(self.reported[i], conn.state());
        let mss = usize::from(conn.config().mss);
        while let Some(t) = conn.poll_transmit() {
            assert!(t.payload.len() <= mss);
            assert!(!t.repr.flags.contains(Flags::RST) || t.repr.segment_len(t.payload.len()) == 0);
            if self.link.len() < LINK_CAPACITY {
                self.link.push(InFlight {
                    to: 1 - i,
                    repr: t.repr,
                    payload: t.payload.to_vec(),
                });
            }
        }
        if let Err(broken) = conn.check_invariants() {
            panic!("invariant broken in {}: {broken}", conn.state());
        }
        if after_timeout {
            assert!(
                conn.poll_timeout().is_none_or(|t| t > now),
                "a timer is still due"
            );
        }
        assert_eq!(
            conn.poll_timeout(),
            Timer::ALL.iter().filter_map(|t| conn.timer(*t)).min()
        );
    }

    fn number(&self, i: usize, u: &mut Unstructured<'_>) -> Result<SeqNum> {
        let c = &self.conns[i];
        let base = match u.int_in_range(0u8..=4)? {
            0 => return Ok(SeqNum(u.arbitrary()?)),
            1 => c.rcv_nxt(),
            2 => c.snd_nxt(),
            3 => c.snd_una(),
            _ => c.iss(),
        };
        let delta: i32 = if u.arbitrary::<bool>()? {
            u.int_in_range(-3..=3)?
        } else {
            u.arbitrary::<i16>()?.into()
        };
        Ok(SeqNum(base.0.wrapping_add_signed(delta)))
    }

    fn inject(&mut self, i: usize, u: &mut Unstructured<'_>) -> Result<()> {
        let seq = self.number(i, u)?;
        let ack = self.number(i, u)?;
        let mut options = Options::new();
        for _ in 0..u.int_in_range(0u8..=3)? {
            let opt = match u.int_in_range(0u8..=3)? {
                0 => TcpOption::Mss(u.arbitrary()?),
                1 => TcpOption::WindowScale(u.arbitrary()?),
                2 => TcpOption::SackPermitted,
                _ => TcpOption::Timestamps {
                    tsval: u.arbitrary()?,
                    tsecr: u.arbitrary()?,
                },
            };
            let _ = options.push(opt);
        }
        options.pad();
        let repr = TcpRepr {
            src_port: ADDRS[1 - i].port(),
            dst_port: ADDRS[i].port(),
            seq,
            ack,
            reserved: 0,
            flags: Flags(u.arbitrary()?),
            window: u.arbitrary()?,
            checksum: 0,
            urgent: 0,
            options,
        };
        let len = usize::from(u.int_in_range(0u16..=1600)?);
        let payload = vec![0x5A; len];
        self.conns[i].handle_segment(self.now, &repr, &payload);
        self.check(i, false);
        Ok(())
    }

    fn app(&mut self, i: usize, u: &mut Unstructured<'_>) -> Result<()> {
        let now = self.now;
        let isn = SeqNum([1000, 0xFFFF_F000][i]);
        let c = &mut self.conns[i];
        match u.int_in_range(0u8..=7)? {
            0 => drop(c.connect(now, isn)),
            1 => drop(c.listen(isn)),
            2 => {
                let data = vec![0xA5; usize::from(u.int_in_range(1u16..=6000)?)];
                if let Ok(n) = c.send(now, &data) {
                    assert!(n <= data.len());
                }
            }
            3 => drop(c.recv(now, &mut [0; 8192])),
            4 => drop(c.shutdown(now)),
            5 => drop(c.close(now)),
            6 => drop(c.shutdown_read(now)),
            _ => drop(c.abort(now)),
        }
        self.check(i, false);
        Ok(())
    }

    fn timeouts(&mut self) {
        for i in 0..2 {
            self.conns[i].handle_timeout(self.now);
            self.check(i, true);
        }
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0u8..=15)? {
            0..=5 => {
                if !self.link.is_empty() {
                    let w = self.link.remove(u.choose_index(self.link.len())?);
                    self.conns[w.to].handle_segment(self.now, &w.repr, &w.payload);
                    self.check(w.to, false);
                }
            }
            6 => {
                if !self.link.is_empty() {
                    self.link.remove(u.choose_index(self.link.len())?);
                }
            }
            7 => {
                if !self.link.is_empty() && self.link.len() < LINK_CAPACITY {
                    let w = &self.link[u.choose_index(self.link.len())?];
                    let copy = InFlight {
                        to: w.to,
                        repr: w.repr,
                        payload: w.payload.clone(),
                    };
                    self.link.push(copy);
                }
            }
            8 | 9 => {
                if let Some(t) = self.conns.iter().filter_map(Connection::poll_timeout).min() {
                    self.now = self.now.max(t);
                }
                self.timeouts();
            }
            10 => {
                self.now = self.now + Duration::from_millis(u.int_in_range(0u64..=300_000)?);
                self.timeouts();
            }
            11..=13 => {
                let i = usize::from(u.arbitrary::<bool>()?);
                self.app(i, u)?;
            }
            _ => {
                let i = usize::from(u.arbitrary::<bool>()?);
                self.inject(i, u)?;
            }
        }
        Ok(())
    }
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let configs = [config(u)?, config(u)?];
    let mut w = World {
        conns: [0, 1].map(|i| Connection::new(configs[i], ADDRS[i], ADDRS[1 - i])),
        reported: [State::Closed; 2],
        now: Instant::ZERO,
        link: Vec::new(),
    };
    if u.arbitrary::<bool>()? {
        let _ = w.conns[1].listen(SeqNum(0xFFFF_F000));
        w.check(1, false);
        let _ = w.conns[0].connect(w.now, SeqNum(1000));
        w.check(0, false);
    }
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        w.step(u)?;
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
