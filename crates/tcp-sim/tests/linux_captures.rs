//! The `linux` profile against real Linux captures (tests/captures/, copied from shared/captures).
//!
//! For each capture: simulate its scenario file, export the pcap, normalize both the export and
//! the capture with pcapnorm's rules, and require, per direction, the same sequence of
//! (flags, relative seq, relative ack, length), each segment within max(10 ms, 10 %) of the
//! capture's time. The normalizer is checked against pcapnorm's own output (the .txt files), and
//! pcapnorm.py itself is run on our export.

use std::collections::HashMap;
use std::net::SocketAddrV4;
use tcp_sim::pcap::{self, CapturedSegment, Checksums};
use tcp_sim::{Scenario, simulate};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");

/// One normalized segment: `t_ms dir flags rel_seq rel_ack len`.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    t_ms: f64,
    client_to_server: bool,
    /// Everything after the time, as pcapnorm prints it.
    shape: String,
}

impl Line {
    fn text(&self) -> String {
        format!("{:.3} {}", self.t_ms, self.shape)
    }
}

/// pcapnorm.py's rules, in Rust.
fn normalize(segments: &[CapturedSegment]) -> Vec<Line> {
    let Some(first) = segments.first() else { return Vec::new() };
    let (t0, client) = (first.at_micros, first.src);
    let mut isn: HashMap<SocketAddrV4, u32> = HashMap::new();
    for s in segments {
        if s.repr.flags.contains(tcp_core::Flags::SYN) {
            isn.entry(s.src).or_insert(s.repr.seq.0);
        }
    }
    segments
        .iter()
        .map(|s| {
            use tcp_core::Flags;
            let names: Vec<&str> = [(Flags::SYN, "SYN"), (Flags::FIN, "FIN"), (Flags::RST, "RST"), (Flags::ACK, "ACK")]
                .into_iter()
                .filter(|(f, _)| s.repr.flags.contains(*f))
                .map(|(_, n)| n)
                .collect();
            let rel = |value: u32, owner: SocketAddrV4| isn.get(&owner).map_or(value, |i| value.wrapping_sub(*i));
            let ack = if s.repr.flags.contains(Flags::ACK) { rel(s.repr.ack.0, s.dst).to_string() } else { "-".into() };
            let dir = if s.src == client { "C>S" } else { "S>C" };
            Line {
                t_ms: (s.at_micros - t0) as f64 / 1000.0,
                client_to_server: s.src == client,
                shape: format!("{dir} {} {} {ack} {}", names.join("|"), rel(s.repr.seq.0, s.src), s.payload_len),
            }
        })
        .collect()
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn simulated_pcap(name: &str) -> Vec<u8> {
    let text = String::from_utf8(read(&format!("{DIR}/{name}.toml"))).unwrap();
    let scenario = Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{name}.toml: {e}"));
    pcap::to_pcap(&simulate(&scenario))
}

#[track_caller]
fn check_capture(name: &str) {
    let capture = normalize(&pcap::read(&read(&format!("{DIR}/{name}.pcap")), Checksums::Ignore).unwrap());
    // The Rust normalizer agrees with pcapnorm.py's output on the real capture.
    let expected_txt = String::from_utf8(read(&format!("{DIR}/{name}.txt"))).unwrap();
    let ours_txt: Vec<String> = capture.iter().map(Line::text).collect();
    assert_eq!(ours_txt, expected_txt.lines().collect::<Vec<_>>(), "{name}: normalizer differs from pcapnorm");

    let simulated = normalize(&pcap::read(&simulated_pcap(name), Checksums::Verify).unwrap());
    for direction in [true, false] {
        let real: Vec<&Line> = capture.iter().filter(|l| l.client_to_server == direction).collect();
        let sim: Vec<&Line> = simulated.iter().filter(|l| l.client_to_server == direction).collect();
        let shapes = |ls: &[&Line]| ls.iter().map(|l| l.shape.clone()).collect::<Vec<_>>();
        assert_eq!(
            shapes(&sim),
            shapes(&real),
            "{name}: {} segments differ\nsimulated:\n{}\ncapture:\n{}",
            if direction { "client-to-server" } else { "server-to-client" },
            simulated.iter().map(Line::text).collect::<Vec<_>>().join("\n"),
            expected_txt
        );
        for (s, r) in sim.iter().zip(&real) {
            let tolerance = (r.t_ms * 0.10).max(10.0);
            assert!(
                (s.t_ms - r.t_ms).abs() <= tolerance,
                "{name}: `{}` at {:.3} ms, the capture has it at {:.3} ms (tolerance {tolerance:.3} ms)",
                s.shape,
                s.t_ms,
                r.t_ms
            );
        }
    }
}

/// Each segment's window as it is on the wire: whether it is a SYN, its window field, and the
/// window scale and MSS options it carries.
type Window = (bool, u16, Option<u8>, Option<u16>);

fn windows(segments: &[CapturedSegment], client_to_server: bool) -> Vec<Window> {
    let client = segments.first().map(|s| s.src);
    segments
        .iter()
        .filter(|s| (Some(s.src) == client) == client_to_server)
        .map(|s| {
            let syn = s.repr.flags.contains(tcp_core::Flags::SYN);
            (syn, s.repr.window, s.repr.options.window_scale(), s.repr.options.mss())
        })
        .collect()
}

/// The windows Linux 6.18 offers, segment by segment: a SYN 65495 (64 KiB of space rounded down
/// to a whole loopback segment of 65495), the SYN-ACK 65483 (the segment less the 12 bytes of
/// the timestamp option), both with window scale 10 and MSS 65495, then every window field 64,
/// with data unread or not (× 1024: at most 65495 offered, rounded up to the scale's unit). The
/// linux profile offers the same.
#[track_caller]
fn check_windows(name: &str) {
    let capture = pcap::read(&read(&format!("{DIR}/{name}.pcap")), Checksums::Ignore).unwrap();
    let simulated = pcap::read(&simulated_pcap(name), Checksums::Verify).unwrap();
    for client_to_server in [true, false] {
        let real = windows(&capture, client_to_server);
        let syn_window = if client_to_server { 65_495 } else { 65_483 };
        let expected: Vec<Window> = real
            .iter()
            .map(|w| if w.0 { (true, syn_window, Some(10), Some(65_495)) } else { (false, 64, None, None) })
            .collect();
        assert_eq!(real, expected, "{name}: the capture's windows, client-to-server {client_to_server}");
        assert!(real.len() >= 2, "{name}: a SYN and more each way");
        assert_eq!(windows(&simulated, client_to_server), real, "{name}: client-to-server {client_to_server}");
    }
}

#[test]
fn basic() {
    check_capture("basic");
    check_windows("basic");
}

#[test]
fn drop_syn() {
    check_capture("drop_syn");
    check_windows("drop_syn");
}

#[test]
fn drop_fin() {
    check_capture("drop_fin");
    check_windows("drop_fin");
}

#[test]
fn three_segment_close() {
    check_capture("three_segment_close");
    check_windows("three_segment_close");
}

/// pcapnorm.py (the team's reference tool in shared/tools) reads our export and prints the same
/// lines as our normalizer.
#[test]
fn pcapnorm_reads_our_export() {
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/tools/pcapnorm.py");
    assert!(std::path::Path::new(tool).exists(), "{tool} is missing: CI checks out shared/ beside the repo");
    let dir = std::env::temp_dir().join(format!("synack-pcapnorm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["basic", "drop_syn", "drop_fin", "three_segment_close"] {
        let pcap_bytes = simulated_pcap(name);
        let path = dir.join(format!("{name}.pcap"));
        std::fs::write(&path, &pcap_bytes).unwrap();
        let out = std::process::Command::new("python3").arg(tool).arg(&path).output().expect("python3 runs");
        assert!(out.status.success(), "pcapnorm failed: {}", String::from_utf8_lossy(&out.stderr));
        let theirs = String::from_utf8(out.stdout).unwrap();
        let ours: Vec<String> =
            normalize(&pcap::read(&pcap_bytes, Checksums::Verify).unwrap()).iter().map(Line::text).collect();
        assert_eq!(theirs.lines().collect::<Vec<_>>(), ours, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
