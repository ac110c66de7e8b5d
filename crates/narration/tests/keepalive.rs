//! Keep-alive, as a reader's own scenario shows it: the probe after two hours of silence, the
//! answer on both sides, and the ETIMEDOUT close when the peer is gone, in both languages.

mod common;

use narration::Lang;
use tcp_sim::{Scenario, Trace, simulate};

/// The client says hello and goes silent; the server probes it (`tcp.keepalive`). `gone`: the
/// client's segments after its hello are lost. `profile`: the server's.
fn run(profile: &str, gone: bool) -> Trace {
    let faults: Vec<String> =
        if gone { (5..60).map(|i| format!(r#"{{"index": {i}, "action": "drop"}}"#)).collect() } else { Vec::new() };
    let json = format!(
        r#"{{"profile": "{profile}", "until_ms": 8000000, "hosts": [
  {{"name": "client", "addr": "192.0.2.1", "isn": 0, "app": [
    {{"at_ms": 0, "do": "connect", "to": "server"}},
    {{"on": "connected", "do": "send", "text": "hello"}}]}},
  {{"name": "server", "addr": "198.51.100.1", "isn": 0, "tcp": {{"keepalive": true}},
   "app": [{{"at_ms": 0, "do": "listen"}}]}}],
  "faults": [{}]}}"#,
        faults.join(", ")
    );
    simulate(&Scenario::from_json(&json).expect("test scenario parses"))
}

#[track_caller]
fn assert_says(text: &str, phrase: &str) {
    assert!(text.contains(phrase), "{phrase:?} not in:\n{text}");
}

#[test]
fn a_live_peer_answers_the_probe() {
    let t = run("linux", false);
    let en = common::render(&t, Lang::En, true);
    assert_says(
        &en,
        "The server has heard nothing from the client for 7200 s: it sends a keep-alive probe, ACK seq=0 ack=6.",
    );
    // Linux's probe carries no data (`tcp_xmit_probe_skb`): it repeats no byte.
    assert_says(&en, "It carries no data, and its sequence number is one less than the next byte the client expects");
    assert!(!en.contains("byte the client already has"), "{en}");
    assert_says(&en, "The client receives the server's keep-alive probe and answers ACK seq=6 ack=1.");
    assert_says(&en, "The server receives ACK seq=6 ack=1: the client answered the keep-alive probe and is alive.");
    assert_says(&en, "the next probe goes out in 7200 s");
    let zh = common::render(&t, Lang::Zh, true);
    assert_says(&zh, "服务器已经 7200 秒没有收到客户端的任何报文段：发出保活探测 ACK seq=0 ack=6。");
    assert_says(&zh, "客户端收到服务器的保活探测，回复 ACK seq=6 ack=1。");
    assert_says(&zh, "服务器收到 ACK seq=6 ack=1：客户端回应了保活探测，它还活着。");
}

#[test]
fn a_dead_peer_times_out() {
    let t = run("linux", true);
    let en = common::render(&t, Lang::En, true);
    assert_says(&en, "75 s after probe 1, still nothing from the client.");
    assert_says(&en, "The server's keep-alive probe 2 is lost.");
    assert_says(&en, "The server sent 9 keep-alive probes and the client answered none of them");
    assert_says(&en, "its application gets ETIMEDOUT");
    assert_says(&en, "On the way out it sends RST, ACK");
    let zh = common::render(&t, Lang::Zh, true);
    assert_says(&zh, "第 1 次探测之后又过了 75 秒，客户端仍然没有任何回应。");
    assert_says(&zh, "服务器的第 2 次保活探测丢失了。");
    assert_says(&zh, "服务器发出了 9 次保活探测，客户端一次也没有回应");
    // Windows: one garbage octet, ten probes one second apart, no reset.
    let t = run("windows", true);
    let en = common::render(&t, Lang::En, true);
    assert_says(&en, "The probe carries one byte of garbage, as Windows sends it");
    assert_says(&en, "No answer to 10 keep-alive probes: the server drops the connection (ETIMEDOUT).");
    assert!(!en.contains("On the way out"), "Windows sends no reset:\n{en}");
    let zh = common::render(&t, Lang::Zh, true);
    assert_says(&zh, "这个探测报文段带着 1 个字节的无用数据");
    assert_says(&zh, "10 次保活探测都没有回应：服务器丢弃连接（ETIMEDOUT）。");
}

/// The client aborts and its reset is lost: the server's connection is half-open until its
/// keep-alive probe meets the reset the client's host sends for a connection it does not have.
const HALF_OPEN: &str = r#"{"profile": "linux", "until_ms": 8000000, "hosts": [
  {"name": "client", "addr": "192.0.2.1", "isn": 0, "app": [
    {"at_ms": 0, "do": "connect", "to": "server"}, {"at_ms": 100, "do": "abort"}]},
  {"name": "server", "addr": "198.51.100.1", "isn": 0,
   "tcp": {"keepalive": true, "keepalive_idle_ms": 600000}, "app": [{"at_ms": 0, "do": "listen"}]}],
  "faults": [{"from": "client", "kind": "rst", "action": "drop"}]}"#;

#[test]
fn a_half_open_connection_meets_a_reset() {
    let t = simulate(&Scenario::from_json(HALF_OPEN).expect("test scenario parses"));
    let en = common::render(&t, Lang::En, true);
    assert_says(
        &en,
        "The server's keep-alive probe 1, ACK seq=0 ack=1, reaches the client, which has no connection for it any more",
    );
    assert_says(&en, "The keep-alive probe meets a reset: the client no longer has the connection.");
    assert_says(&en, "This is the half-open connection of RFC 9293 §3.5.1");
    let zh = common::render(&t, Lang::Zh, true);
    assert_says(&zh, "保活探测换来了一个复位：客户端已经没有这条连接了。");
    assert_says(&zh, "这就是 RFC 9293 §3.5.1 所说的半开连接");
}
