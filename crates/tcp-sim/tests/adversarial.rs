//! Every hostile input of `../shared/adversarial/` (issue #10's reproducers, globbed so that files
//! added later are covered) and of `tests/adversarial/` runs within the work budget, within
//! bounded memory, with TCP behaving, and every output tcp-sim writes parses:
//!
//! - the budget is counted (segments, connections, events), never timed;
//! - memory: the process's peak resident size (`VmHWM`, reset through `/proc/self/clear_refs`)
//!   stays under [`PEAK_BYTES`] for each run, and the trace itself under the budget;
//! - TCP: `tcp_sim::invariants` (sequence order, no ACK storm), and a socket that connects to
//!   itself reaches ESTABLISHED;
//! - the text trace is one line per event with no control character, the JSON reads back into the
//!   same trace, and tshark reads the pcap with checksum validation on.
//!
//! The diagram's writers (SVG well-formed for any Unicode, Mermaid ids) are seqdiag's: its tests
//! run the same two folders (see [`inputs`]); this binary cannot depend on seqdiag.
//!
//! One test only: the peak resident size is the process's, so nothing else may run beside it.

use std::path::{Path, PathBuf};
use std::process::Command;
use tcp_sim::trace::{ConnId, EventKind, Trace};
use tcp_sim::{Limits, Scenario, invariants, pcap, simulate};

/// The shared reproducers, and this crate's own.
const FOLDERS: [&str; 2] = [
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/adversarial"),
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/adversarial"),
];

/// The most memory one run may take at its peak, test binary included. Before the work budget
/// these inputs took 712 MB to 4 GB.
const PEAK_BYTES: u64 = 96 << 20;

/// Every scenario file (`.toml`, `.json`) of both folders, sorted.
fn inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        let entries = std::fs::read_dir(folder)
            .unwrap_or_else(|e| panic!("{folder}: {e} (CI checks out shared/ beside the repo)"));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|x| x == "toml" || x == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 11, "the shared reproducers and ours: {files:?}");
    files
}

fn load(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Peak resident bytes since the last reset.
fn peak_resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    let kb: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of kB");
    kb * 1024
}

fn reset_peak_resident() {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak resident size");
}

#[track_caller]
fn text_is_one_line_per_event(name: &str, trace: &Trace) {
    let text = trace.to_text();
    let lines: Vec<&str> = text.lines().collect();
    let expected = trace.events.len() + usize::from(trace.truncated.is_some());
    assert_eq!(lines.len(), expected, "{name}: one line per event (a name cannot forge lines)");
    for line in &lines {
        assert!(!line.chars().any(char::is_control), "{name}: a control character reaches the terminal: {line:?}");
    }
    let time_column = |l: &str| l.get(..12).is_some_and(|t| t.trim_start().ends_with("ms"));
    assert!(
        lines[..trace.events.len()].iter().all(|l| time_column(l)),
        "{name}: every event line starts with its time"
    );
}

#[track_caller]
fn json_reads_back(name: &str, trace: &Trace) {
    let json = trace.to_json();
    let back: Trace = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: the JSON does not parse: {e}"));
    assert_eq!(&back, trace, "{name}: the JSON holds the whole trace");
}

#[track_caller]
fn tshark_reads_the_pcap(name: &str, trace: &Trace, dir: &Path) {
    let path = dir.join(format!("{name}.pcap"));
    std::fs::write(&path, pcap::to_pcap(trace)).expect("write the pcap");
    let path = path.to_str().expect("a UTF-8 path");
    let checks = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"];
    let run = |extra: &[&str]| {
        let out = Command::new("tshark")
            .args(["-r", path])
            .args(extra)
            .args(checks)
            .output()
            .expect("tshark is installed by `cargo xtask setup` (Debian package tshark)");
        assert!(out.status.success(), "{name}: tshark: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("tshark writes UTF-8")
    };
    // The payload is the scenario's text, which tshark may try as an application protocol (a
    // `<script>` sent to port 5555 is "malformed SigComp"): only the IP and TCP layers are ours.
    let expert = run(&["-q", "-z", "expert"]);
    for line in expert.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let ours = fields.get(2).is_some_and(|p| ["IPv4", "TCP", "Frame", "Raw"].contains(p));
        let complaint = line.contains("hecksum") || (ours && line.contains("Malformed"));
        assert!(!complaint, "{name}: tshark says:\n{expert}");
    }
    let packets = run(&["-T", "fields", "-e", "frame.number"]);
    assert_eq!(packets.lines().count(), trace.segments.len(), "{name}: one packet per segment");
}

/// Each connection from a host to its own address and port reached ESTABLISHED (RFC 9293 §3.5,
/// as Linux), unless a fault was put in its way.
#[track_caller]
fn self_connections_are_established(name: &str, scenario: &Scenario, trace: &Trace) {
    if !scenario.faults.is_empty() {
        return;
    }
    for (c, info) in trace.conns.iter().enumerate().filter(|(_, i)| i.local == i.remote) {
        let opened_itself = trace.events.iter().any(|e| {
            e.conn == Some(ConnId(c))
                && matches!(e.kind, EventKind::App { call: tcp_sim::trace::AppCall::Connect { .. }, .. })
        });
        if !opened_itself {
            continue;
        }
        let established = trace.events.iter().any(|e| {
            e.conn == Some(ConnId(c)) && matches!(e.kind, EventKind::State { to: tcp_core::State::Established, .. })
        });
        assert!(established, "{name}: {} connecting to itself never reached ESTABLISHED", info.local);
    }
}

#[test]
fn every_hostile_input_is_bounded_and_well_behaved() {
    let dir = std::env::temp_dir().join(format!("synack-adversarial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for path in inputs() {
        let name = path.file_stem().and_then(|n| n.to_str()).expect("a file name").to_string();
        let scenario = load(&path);
        reset_peak_resident();
        let trace = simulate(&scenario);
        let peak = peak_resident();
        assert!(peak <= PEAK_BYTES, "{name}: {} MiB at the peak (limit {} MiB)", peak >> 20, PEAK_BYTES >> 20);
        if let Err(broken) = invariants::check(&scenario, &Limits::DEFAULT, &trace) {
            panic!("{name}: {broken}");
        }
        self_connections_are_established(&name, &scenario, &trace);
        text_is_one_line_per_event(&name, &trace);
        json_reads_back(&name, &trace);
        tshark_reads_the_pcap(&name, &trace, &dir);
        println!(
            "{name}: {} segments, {} connections, {} events, {} MiB peak, {}",
            trace.segments.len(),
            trace.conns.len(),
            trace.events.len(),
            peak >> 20,
            trace.truncated.map_or("quiet end".to_string(), |t| t.to_string())
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
