//! Does a re-run reproduce the capture? The comparison the Linux-capture tests use: per
//! direction, the same sequence of (flags, relative seq, relative ack, length), PSH/URG/ECE/CWR
//! ignored, and each segment within max(10 ms, 10 %) of the capture's time, times taken where
//! the capture was taken and counted from the capture's first segment.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use tcp_core::{Flags, SeqNum};
use tcp_sim::{SegId, Trace};

use crate::import::Import;
use crate::notes::ms;

/// One segment as compared: when the capture point saw it (µs after the capture's first
/// segment) and its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// When, µs after the capture's first segment.
    pub t_us: i64,
    /// `SYN|ACK 0 1 0`: flags, relative seq, relative ack (`-` without ACK), length.
    pub shape: String,
}

/// Where a re-run first differs from the capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// 0: client to server, 1: server to client.
    pub dir: usize,
    /// Position among that direction's segments, from 0.
    pub position: usize,
    /// The capture's segment there, if any.
    pub capture: Option<Line>,
    /// The re-run's segment there, if any.
    pub rerun: Option<Line>,
}

impl Mismatch {
    /// What differs, in English.
    pub fn en(&self) -> String {
        let dir = if self.dir == 0 { "client to server" } else { "server to client" };
        let show = |l: &Option<Line>| {
            l.as_ref().map_or(String::from("nothing"), |l| format!("`{}` at {}", l.shape, ms(l.t_us.max(0) as u64)))
        };
        format!(
            "{dir}, segment {}: the capture has {}, the re-run {}",
            self.position + 1,
            show(&self.capture),
            show(&self.rerun)
        )
    }
    /// The same in Chinese.
    pub fn zh(&self) -> String {
        let dir = if self.dir == 0 { "客户端到服务器" } else { "服务器到客户端" };
        let show = |l: &Option<Line>| {
            l.as_ref().map_or(String::from("没有"), |l| format!("{}（{} 毫秒）", l.shape, l.t_us.max(0) / 1000))
        };
        format!(
            "{dir}第 {} 个报文段：抓包中是 {}，重新运行得到 {}",
            self.position + 1,
            show(&self.capture),
            show(&self.rerun)
        )
    }
}

/// The two sides of the comparison, per direction, and the first difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The capture's segments, per direction.
    pub capture: [Vec<Line>; 2],
    /// The re-run's segments, per direction.
    pub rerun: [Vec<Line>; 2],
    /// The first difference, if any.
    pub mismatch: Option<Mismatch>,
}

impl Comparison {
    /// The re-run reproduces the capture.
    pub fn matches(&self) -> bool {
        self.mismatch.is_none()
    }
}

/// Simulates the import's scenario and compares the run with the capture.
pub fn rerun(import: &Import) -> (Trace, Comparison) {
    let trace = tcp_sim::simulate(&import.scenario);
    let comparison = compare(import, &trace);
    (trace, comparison)
}

/// Compares a re-run (a trace of the import's scenario, perhaps changed) with the capture.
pub fn compare(import: &Import, rerun: &Trace) -> Comparison {
    let start = import.capture_start.micros as i64;
    let before = [import.point.before(0), import.point.before(1)].map(|b| b as i64);
    let assumed = import.mid_stream.then(|| [0, 1].map(|d| import.scenario.hosts[d].isn));
    let lines = |trace: &Trace, skip_before: i64| {
        let mut out: [Vec<Line>; 2] = [Vec::new(), Vec::new()];
        for (i, s) in trace.segments.iter().enumerate() {
            let from = s.from.index();
            if from > 1 || s.sent_at.micros as i64 + before[from] < skip_before {
                continue;
            }
            let t_us = s.sent_at.micros as i64 + before[from] - start;
            out[from].push(Line { t_us, shape: shape(trace, SegId(i), assumed) });
        }
        out
    };
    let capture = lines(&import.trace, i64::MIN);
    // A connection captured mid-stream is opened first by the re-run: that handshake is not compared.
    let rerun = lines(rerun, if import.mid_stream { start - 1000 } else { i64::MIN });
    let mismatch = first_difference(&capture, &rerun);
    Comparison { capture, rerun, mismatch }
}

fn first_difference(capture: &[Vec<Line>; 2], rerun: &[Vec<Line>; 2]) -> Option<Mismatch> {
    for dir in 0..2 {
        let n = capture[dir].len().max(rerun[dir].len());
        for position in 0..n {
            let (c, r) = (capture[dir].get(position), rerun[dir].get(position));
            let same = match (c, r) {
                (Some(c), Some(r)) => c.shape == r.shape && (c.t_us - r.t_us).abs() <= (c.t_us / 10).max(10_000),
                _ => false,
            };
            if !same {
                return Some(Mismatch { dir, position, capture: c.cloned(), rerun: r.cloned() });
            }
        }
    }
    None
}

/// pcapnorm's shape of segment `i`: flags, numbers relative to each side's ISN, length.
fn shape(trace: &Trace, i: SegId, assumed: Option<[tcp_sim::scenario::Isn; 2]>) -> String {
    let s = &trace.segments[i];
    let names: Vec<&str> = [(Flags::SYN, "SYN"), (Flags::FIN, "FIN"), (Flags::RST, "RST"), (Flags::ACK, "ACK")]
        .into_iter()
        .filter(|(f, _)| s.repr.flags.contains(*f))
        .map(|(_, n)| n)
        .collect();
    let (seq, ack) = match assumed {
        Some(isn) => {
            let base = |d: usize| match isn[d] {
                tcp_sim::scenario::Isn::Fixed(n) => SeqNum(n),
                tcp_sim::scenario::Isn::Random => SeqNum(0),
            };
            let from = s.from.index().min(1);
            let (own, peer) = (base(from), base(1 - from));
            (s.repr.seq - own, s.repr.flags.contains(Flags::ACK).then(|| s.repr.ack - peer))
        }
        None => trace.relative(i),
    };
    let ack = ack.map_or(String::from("-"), |a| format!("{a}"));
    format!("{} {seq} {ack} {}", names.join("|"), s.payload.len())
}
