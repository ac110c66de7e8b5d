//! `synack packetdrill`, run as a user would.

use std::path::PathBuf;
mod common;
use common::{stderr, stdout, synack};

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/freebsd-tcp-testsuite");

fn script(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-packetdrill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    path
}

/// A handshake tcp-core passes exactly (its window is FreeBSD's 65535).
const HANDSHAKE: &str = "\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0.1 < S 0:0(0) win 32767 <mss 1460,sackOK>
+0 > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK>
+0.1 < . 1:1(0) ack 1 win 32767
+0 accept(3, ..., ...) = 4
";

#[test]
fn one_line_per_script_and_the_exit_status_says_whether_all_passed() {
    let pass = script("pass.pkt", HANDSHAKE);
    let fail = script("fail.pkt", &HANDSHAKE.replace("ack 1 win 65535", "ack 2 win 65535"));
    let o = synack(&["packetdrill", pass.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("pass.pkt: pass\n"), "{}", stdout(&o));
    let o = synack(&["packetdrill", pass.to_str().unwrap(), fail.to_str().unwrap()]);
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(out.contains("fail.pkt: FAIL line 5: expected `S. 0:0(0) ack 2 win 65535 <mss 1460,sackOK>`"), "{out}");
    assert!(out.contains("2 scripts under freebsd: 1 pass, 1 fail, 0 cannot be expressed, 0 malformed"), "{out}");
}

#[test]
fn a_run_is_drawn_like_any_synack_run() {
    let path = script("draw.pkt", HANDSHAKE);
    let o = synack(&["packetdrill", path.to_str().unwrap(), "--format", "svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.starts_with("<svg") && svg.contains("tcp-core (freebsd)") && svg.contains("SYN_RECV"), "{svg}");
    let o = synack(&["packetdrill", path.to_str().unwrap(), "--format", "mermaid", "--lang", "zh"]);
    assert!(stdout(&o).starts_with("sequenceDiagram"), "{}", stdout(&o));
    let o = synack(&["packetdrill", path.to_str().unwrap(), "--format", "text"]);
    assert!(stdout(&o).contains("> S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK>"), "{}", stdout(&o));
    let pcap = std::env::temp_dir().join(format!("synack-packetdrill-{}.pcap", std::process::id()));
    let o = synack(&["packetdrill", path.to_str().unwrap(), "--format", "pcap", "-o", pcap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pcap).expect("pcap written")[..4], 0xA1B2_C3D4u32.to_le_bytes());
}

#[test]
fn the_suite_scripts_run_and_draw() {
    let path = format!("{SUITE}/state-event-engine/rcv-ack-time-wait/rcv-ack-time-wait-using-shutdown-middle-ipv4.pkt");
    let o = synack(&["packetdrill", &path, "--format", "svg"]);
    assert!(o.status.success(), "FreeBSD ACKs an in-window segment in TIME-WAIT: {}", stderr(&o));
    assert!(stdout(&o).contains("TIME_WAIT"), "{}", stdout(&o));
    // A failing script is drawn with what it expected where tcp-core differed.
    let fail = script("draw-fail.pkt", &HANDSHAKE.replace("ack 1 win 65535", "ack 2 win 65535"));
    let o = synack(&["packetdrill", fail.to_str().unwrap(), "--format", "svg"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("FAIL line 5"), "{}", stderr(&o));
    assert!(stdout(&o).contains("script expects ack 2, tcp-core sent"), "{}", stdout(&o));
    let path = format!("{SUITE}/state-event-engine/rcv-rst-closing/rcv-rst-closing-left-edge-secure-ipv4.pkt");
    let o = synack(&["packetdrill", &path, "--format", "svg"]);
    assert!(o.status.success(), "FreeBSD's FIN repeated in CLOSING: {}", stderr(&o));
}

#[test]
fn bad_arguments_and_profiles_are_named() {
    let path = script("args.pkt", HANDSHAKE);
    let p = path.to_str().unwrap();
    // rfc793 runs as rfc9293 does here (a FreeBSD handshake: its window and options differ).
    let rfc9293 = synack(&["packetdrill", p, "--profile", "rfc9293"]);
    let o = synack(&["packetdrill", p, "--profile", "rfc793"]);
    assert!(stdout(&o).contains("FAIL line 5") && stdout(&o) == stdout(&rfc9293), "{}", stdout(&o));
    let o = synack(&["packetdrill", p, "--profile", "bsd"]);
    assert!(stderr(&o).contains("invalid value 'bsd' for '--profile <PROFILE>'"), "{}", stderr(&o));
    let o = synack(&["packetdrill", p, p, "--format", "svg"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format svg draws one script; 2 were given"), "{}", stderr(&o));
    let o = synack(&["packetdrill"]);
    assert!(stderr(&o).contains("required arguments were not provided:\n  <SCRIPT.pkt>..."), "{}", stderr(&o));
    let bad = script("bad.pkt", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > S 0:5(0)\n");
    let o = synack(&["packetdrill", bad.to_str().unwrap()]);
    assert!(stdout(&o).contains("malformed: line 2:"), "{}", stdout(&o));
}
