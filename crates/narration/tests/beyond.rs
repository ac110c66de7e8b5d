//! Behaviour the catalogue does not show but a reader's own scenario can: RFC 5961 challenge
//! ACKs, Linux's FIN-WAIT-2 timeout, and (built by hand, since the simulated applications always
//! read) a zero-window probe.

mod common;

use narration::{Lang, headline, narrate};
use tcp_core::{Instant, Timer};
use tcp_sim::trace::{ConnId, EventKind, HostId, SegId, TraceEvent};
use tcp_sim::{Scenario, Trace, simulate};

const CHALLENGE: &str = r#"{"profile": "linux", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "isn": 100, "app": [
    {"at_ms": 0, "do": "connect", "to": "server"},
    {"at_ms": 100, "do": "inject", "to": "server", "flags": "RST", "seq": 150},
    {"at_ms": 700, "do": "inject", "to": "server", "flags": "SYN", "seq": 120},
    {"at_ms": 800, "do": "inject", "to": "server", "flags": "SYN", "seq": 120}]},
  {"name": "server", "addr": "198.51.100.1", "isn": 300, "app": [{"at_ms": 0, "do": "listen"}]}]}"#;

const FIN_WAIT_2: &str = r#"{"profile": "linux", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "app": [
    {"at_ms": 0, "do": "connect", "to": "server"},
    {"at_ms": 100, "do": "close"}]},
  {"name": "server", "addr": "198.51.100.1", "app": [{"at_ms": 0, "do": "listen"}]}]}"#;

#[track_caller]
fn run(json: &str) -> Trace {
    simulate(&Scenario::from_json(json).expect("test scenario parses"))
}

#[track_caller]
fn assert_says(trace: &Trace, lang: Lang, phrase: &str) {
    let text = common::render(trace, lang, true);
    assert!(text.contains(phrase), "{phrase:?} not in:\n{text}");
}

fn assert_never_says(trace: &Trace, lang: Lang, phrase: &str) {
    let text = common::render(trace, lang, true);
    assert!(!text.contains(phrase), "{phrase:?} in:\n{text}");
}

#[test]
fn challenge_acks() {
    let t = run(CHALLENGE);
    assert_says(&t, Lang::En, "Following RFC 5961, the server does not reset; it sends a challenge ACK");
    assert_says(&t, Lang::Zh, "按照 RFC 5961，服务器不执行复位，而是发送挑战 ACK");
    assert_says(&t, Lang::En, "A SYN arrives on a connection that is already ESTABLISHED");
    assert_says(&t, Lang::Zh, "一个 SYN 到达了已处于 ESTABLISHED 的连接");
    assert_says(&t, Lang::En, "The client receives the challenge ACK and ignores it.");
    assert_says(&t, Lang::Zh, "客户端收到挑战 ACK，并不理会。");
    assert_says(&t, Lang::En, "A stray RST seq=50 appears on the wire");
    // Linux answers at most one of these per 500 ms (tcp_invalid_ratelimit): the SYN 100 ms after
    // the last challenge ACK is dropped without an answer. The injected SYN (seq 120) reads in the
    // numbers of the connection it reached, whose IRS is the client's ISN 100.
    assert_says(&t, Lang::En, "The server drops SYN seq=20 and, this time, does not answer.");
    assert_says(&t, Lang::Zh, "这一次没有回复");
}

#[test]
fn fin_wait_2_timeout() {
    let t = run(FIN_WAIT_2);
    assert_says(&t, Lang::En, "The client has waited 60 s in FIN_WAIT2 with no FIN from the server.");
    assert_says(&t, Lang::Zh, "客户端在 FIN_WAIT2 中等了 60 秒，服务器始终没有发来 FIN。");
}

/// The client closes; the server's ACK of its FIN is lost, and so is its answer to the first
/// FIN sent again (`drop_acks`), or the network delivers the FIN twice (`duplicate`).
fn fin_again(faults: &str) -> Trace {
    let json = format!(
        r#"{{"profile": "linux", "hosts": [
  {{"name": "client", "addr": "192.0.2.1", "app": [
    {{"at_ms": 0, "do": "connect", "to": "server"}},
    {{"at_ms": 100, "do": "close"}}]}},
  {{"name": "server", "addr": "198.51.100.1", "app": [{{"at_ms": 0, "do": "listen"}}]}}],
  "faults": [{faults}]}}"#
    );
    run(&json)
}

/// A FIN that reaches CLOSE_WAIT again is told as the peer's FIN again (not "an old duplicate or
/// a stray"), with why it came (a retransmission or the network's copy), and it is answered each
/// time, the second answer 444 ms after the first (Linux spares a FIN its limit of one answer per
/// 500 ms).
#[test]
fn a_fin_again_in_close_wait() {
    let lost = fin_again(
        r#"{"from": "server", "kind": "ack", "nth": 1, "action": "drop"},
           {"from": "server", "kind": "ack", "nth": 2, "action": "drop"}"#,
    );
    let answers = lost
        .segments
        .iter()
        .filter(|s| s.from == HostId(1) && s.repr.flags == tcp_core::Flags::ACK)
        .map(|s| s.sent_at.millis())
        .collect::<Vec<_>>();
    assert_eq!(answers, [112, 334, 778], "the server's ACKs of the FIN");
    assert_says(&lost, Lang::En, "The server gets the client's FIN again and acknowledges it again: ACK seq=1 ack=2.");
    assert_says(&lost, Lang::En, "so the client's RTO sent the FIN again");
    assert_says(&lost, Lang::Zh, "服务器早已收到这个 FIN，所以才处于 CLOSE_WAIT。");
    assert_says(&lost, Lang::Zh, "于是客户端的 RTO 到期后又发了一次 FIN");
    assert_never_says(&lost, Lang::En, "an old duplicate or a stray");

    let copied = fin_again(r#"{"from": "client", "kind": "fin", "nth": 1, "action": "duplicate"}"#);
    assert_says(&copied, Lang::En, "The network made this copy (a duplicate).");
    assert_says(&copied, Lang::Zh, "这是网络造成的重复报文段。");
}

/// The catalogue's handshake with one fault (read against two hosts of the same names).
fn handshake_with(fault: &str) -> Trace {
    let mut scenario =
        tcp_sim::catalogue::get("handshake").expect("the handshake entry").scenario().expect("it parses");
    let faults = Scenario::from_json(&format!(
        r#"{{"hosts": [{{"name": "client", "addr": "192.0.2.1", "app": []}},
                   {{"name": "server", "addr": "198.51.100.1", "app": []}}], "faults": [{fault}]}}"#
    ))
    .expect("the fault parses");
    scenario.faults = faults.faults;
    simulate(&scenario)
}

/// The duplicate fault has a step of its own, told as the network's copy; a SYN-ACK that comes
/// again without a timeout (the answer to the SYN's copy, or the SYN-ACK's own copy) is not told
/// as the lost third ACK's recovery, which only a timeout's SYN-ACK is (`lost-third-ack`).
#[test]
fn a_duplicated_segment_is_told_as_the_networks_copy() {
    let syn = handshake_with(r#"{"from": "client", "kind": "syn", "nth": 1, "action": "duplicate"}"#);
    assert_says(&syn, Lang::En, "The network duplicates SYN seq=0: a copy follows it to the server.");
    assert_says(&syn, Lang::Zh, "网络重复了 SYN seq=0：一个副本跟着它发往服务器。");
    assert_says(&syn, Lang::En, "The server got the client's SYN twice and answered the copy with its SYN-ACK again.");
    assert_says(&syn, Lang::Zh, "服务器收到了两次客户端的 SYN，于是对副本也回复了一次 SYN+ACK。");
    assert_never_says(&syn, Lang::En, "lost third ACK");
    assert_never_says(&syn, Lang::En, "The client sends SYN seq=0.");

    let synack =
        handshake_with(r#"{"from": "server", "kind": "syn-ack", "nth": 1, "action": "duplicate", "delay_ms": 5}"#);
    assert_says(&synack, Lang::En, "the copy 5 ms after the original");
    assert_says(&synack, Lang::Zh, "副本比原件晚 5 毫秒到达");
    assert_says(&synack, Lang::En, "when this second SYN-ACK arrives. The network made this copy (a duplicate).");
    assert_never_says(&synack, Lang::En, "lost third ACK");

    let timeout = simulate(&tcp_sim::catalogue::get("lost-third-ack").expect("entry").scenario().expect("it parses"));
    assert_says(&timeout, Lang::En, "The client gets the SYN-ACK again and repeats the lost third ACK");
}

/// A receiver that stops reading: the window it offers shrinks only once the unread bytes eat
/// into it (Linux's buffer holds twice its window), and the narration says which.
#[test]
fn the_window_of_a_receiver_that_stopped_reading() {
    let entry = |name: &str| simulate(&tcp_sim::catalogue::get(name).expect("entry").scenario().expect("it parses"));
    let unread = entry("close-unread");
    assert_says(&unread, Lang::En, "so the window has not shrunk yet: win=64 still means 65536 bytes.");
    assert_says(&unread, Lang::Zh, "所以窗口还没有缩小：win=64 仍然表示 65536 字节");
    assert_never_says(&unread, Lang::En, "offers only the room left: win=64");
    let full = entry("zero-window");
    assert_says(&full, Lang::En, "the ACK offers only the room left: win=2648, 2648 bytes.");
    assert_never_says(&full, Lang::En, "has not shrunk yet");
}

/// An application that stops reading or accepting sends nothing: told after what went on the
/// wire in its step, beside listen(), not between the client's SYN and its details.
#[test]
fn stopping_to_read_or_accept_is_told_beside_listen() {
    for (name, stop) in [("close-unread", "stops calling read()"), ("accept-queue-full", "stops calling accept()")] {
        let t = simulate(&tcp_sim::catalogue::get(name).expect("entry").scenario().expect("it parses"));
        let text = common::render(&t, Lang::En, true);
        let first = text.split("\n## ").next().expect("the first step");
        let at = |phrase: &str| first.find(phrase).unwrap_or_else(|| panic!("{name}: {phrase:?} not in:\n{first}"));
        assert!(at("calls connect()") < at("initial sequence number"), "{name}:\n{first}");
        assert!(at("initial sequence number") < at("calls listen()"), "{name}:\n{first}");
        assert!(at("calls listen()") < at(stop), "{name}:\n{first}");
    }
}

/// Data on a connection a stale SYN opened: the peer is not expected to acknowledge it.
#[test]
fn data_on_a_ghost_connection() {
    let t = simulate(&tcp_sim::catalogue::get("two-way-ghost").expect("entry").scenario().expect("it parses"));
    assert_says(
        &t,
        Lang::En,
        "They occupy sequence numbers 1 to 7; the client, if it still had this connection, would answer ack=8.",
    );
    assert_says(&t, Lang::Zh, "假如客户端还保留着这条连接，它会回复 ack=8");
    // The real connection's data, later, is expected to be acknowledged.
    assert_says(
        &t,
        Lang::En,
        "ACK seq=1 ack=1 len=7. They occupy sequence numbers 1 to 7, so the client should answer ack=8.",
    );
}

/// Bytes that reach the receiver again (the network's copy, or sent again because their ACK was
/// lost) are told as the same bytes again, not as "an old duplicate or a stray".
#[test]
fn the_same_bytes_again() {
    let copied =
        handshake_with(r#"{"from": "client", "kind": "data", "nth": 1, "action": "duplicate", "delay_ms": 3}"#);
    assert_says(
        &copied,
        Lang::En,
        "The server gets the same 5 bytes again and acknowledges them again: ACK seq=6 ack=6.",
    );
    assert_says(&copied, Lang::Zh, "服务器早已收到这 5 字节（ACK seq=1 ack=1 len=5）。这是网络造成的重复报文段。");
    let resent = run(r#"{"profile": "linux", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "app": [
    {"at_ms": 0, "do": "connect", "to": "server"},
    {"on": "connected", "do": "send", "text": "hello"}]},
  {"name": "server", "addr": "198.51.100.1", "app": [{"at_ms": 0, "do": "listen"}]}],
  "faults": [{"from": "server", "kind": "ack", "nth": 1, "action": "drop"}]}"#);
    assert_says(
        &resent,
        Lang::En,
        "Its ACK has not reached the client (lost, or still on its way), so the client sent them again.",
    );
    assert_says(&resent, Lang::Zh, "服务器又收到同样的 5 字节数据，于是再确认一次：ACK seq=1 ack=6。");
    for t in [&copied, &resent] {
        assert_never_says(t, Lang::En, "an old duplicate or a stray");
    }
}

/// A segment the delay fault held back says so as it arrives: here the first SYN, 1.5 s late,
/// after the connection its retransmission opened has closed.
#[test]
fn a_delayed_segment_says_it_was_held_back() {
    let t = handshake_with(r#"{"from": "client", "kind": "syn", "nth": 1, "action": "delay", "delay_ms": 1500}"#);
    assert_says(
        &t,
        Lang::En,
        "This experiment held SYN seq=0 back 1.5 s on the link: it left at 0 ms and arrives only now.",
    );
    assert_says(&t, Lang::Zh, "本实验让 SYN seq=0 在链路上多耽搁了 1.5 秒：它在 0 毫秒发出，现在才到达。");
    let plain = common::render(
        &handshake_with(r#"{"from": "client", "kind": "syn", "nth": 1, "action": "drop"}"#),
        Lang::En,
        true,
    );
    assert!(!plain.contains("This experiment held"), "{plain}");
}

#[test]
fn zero_window_probe() {
    // The handshake trace, plus a persist timer firing on the client and a probe: the client's
    // data segment sent again as the probe.
    let mut t = common::trace("handshake");
    let probe = t.segments.iter().position(|s| s.from == HostId(0) && !s.payload.is_empty()).expect("client data");
    let at = Instant::from_millis(100_000);
    let ev = |kind| TraceEvent { at, host: HostId(0), conn: Some(ConnId(0)), kind };
    let first = t.events.len();
    t.events.push(ev(EventKind::TimerFired { timer: Timer::Persist, backoff: 1 }));
    t.events.push(ev(EventKind::TimerArmed {
        timer: Timer::Persist,
        deadline: Instant::from_millis(104_000),
        timeout: tcp_core::time::Duration::from_secs(4),
        backoff: 2,
    }));
    t.events.push(ev(EventKind::Sent { segment: SegId(probe) }));
    let step: Vec<usize> = (first..t.events.len()).collect();
    let en = narrate(&t, &step, Lang::En, true).join("\n");
    assert!(en.contains("sends a zero-window probe"), "{en}");
    assert!(en.contains("the next probe follows in 4 s"), "{en}");
    let zh = narrate(&t, &step, Lang::Zh, true).join("\n");
    assert!(zh.contains("零窗口探测"), "{zh}");
    assert_eq!(headline(&t, &step, Lang::Zh, true), "客户端发出零窗口探测：ACK seq=1 ack=1 len=5。");
}

#[test]
fn symmetric_steps_get_one_headline() {
    let t = common::trace("simultaneous-close");
    let heads: Vec<String> = common::steps(&t).iter().map(|s| headline(&t, s, Lang::En, true)).collect();
    assert!(heads.iter().any(|h| h.starts_with("Both applications close at the same moment")), "{heads:#?}");
    assert!(heads.iter().any(|h| h.starts_with("Both FINs are acknowledged")), "{heads:#?}");
}

/// Whether the experiment fixed an ISN is the scenario's policy, as the trace records it, not a
/// guess from the number's size: a large fixed ISN is still fixed, a drawn one is not.
#[test]
fn the_isn_paragraph_follows_the_scenarios_policy() {
    let fixed = run(r#"{"hosts": [
      {"name": "client", "addr": "192.0.2.1", "isn": 3000000000, "app": [{"at_ms": 0, "do": "connect", "to": "server"}]},
      {"name": "server", "addr": "198.51.100.1", "app": [{"at_ms": 0, "do": "listen"}]}]}"#);
    assert_eq!(fixed.hosts[0].fixed_isn, Some(3_000_000_000));
    assert_says(&fixed, Lang::En, "This experiment fixes the client's initial sequence number (ISN) at 3000000000");
    assert_says(&fixed, Lang::Zh, "本实验把客户端的初始序号（ISN）固定为 3000000000");
    let drawn = run(FIN_WAIT_2);
    assert_eq!(drawn.hosts[0].fixed_isn, None);
    let isn = drawn.segments[0].repr.seq.0;
    assert_says(&drawn, Lang::En, &format!("The client's initial sequence number (ISN) is really {isn}."));
}

/// The server's application stops reading, "hello" arrives, it shuts down reading at 500 ms
/// with those bytes unread (or at once as it accepts, with `at_accept`), 9 more bytes arrive at
/// 700 ms, and it closes at 1 s; under `profile`.
fn shutdown_read(profile: &str, at_accept: bool) -> Trace {
    let shut = if at_accept {
        r#"{"on": "accepted", "do": "shutdown_read"}"#
    } else {
        r#"{"at_ms": 0, "do": "stop_reading"}, {"at_ms": 500, "do": "shutdown_read"}"#
    };
    let hello = if at_accept { "" } else { r#"{"on": "connected", "do": "send", "text": "hello"},"# };
    run(&format!(
        r#"{{"profile": "{profile}", "hosts": [
  {{"name": "client", "addr": "192.0.2.1", "app": [
    {{"at_ms": 0, "do": "connect", "to": "server"}}, {hello}
    {{"at_ms": 700, "do": "send", "text": "late data"}}]}},
  {{"name": "server", "addr": "198.51.100.1", "app": [
    {{"at_ms": 0, "do": "listen"}}, {shut}, {{"at_ms": 1000, "do": "close"}}]}}]}}"#
    ))
}

/// What `shutdown(SHUT_RD)` did on each profile, in both languages: nothing on the wire and the
/// data kept (Linux), thrown away (FreeBSD), or a reset (Windows).
#[test]
fn shutdown_read_says_what_each_stack_does() {
    let linux = shutdown_read("linux", false);
    assert_says(&linux, Lang::En, "The server's application shuts down reading: nothing goes on the wire.");
    assert_says(&linux, Lang::En, "On this stack, as on Linux, its TCP goes on as before");
    assert_says(&linux, Lang::Zh, "服务器的应用关闭了读方向：线路上没有任何报文段。");
    assert_says(&linux, Lang::Zh, "在这个协议栈上（和 Linux 一样），它的 TCP 一切照旧");
    // The late bytes pile up unread, and the close finds them.
    assert_says(&linux, Lang::En, "Its application is not reading, so the bytes wait in the receive buffer");
    assert_says(&linux, Lang::En, "closes with data it never read");

    let freebsd = shutdown_read("freebsd", false);
    assert_says(&freebsd, Lang::En, "its TCP throws away 5 unread bytes and sends nothing.");
    assert_says(&freebsd, Lang::Zh, "它的 TCP 丢弃 5 字节未读数据，不发送任何报文段。");
    assert_says(&freebsd, Lang::En, "The server acknowledges 9 bytes and throws them away");
    assert_says(&freebsd, Lang::Zh, "服务器确认了 9 字节数据，随即将其丢弃");
    assert_says(&freebsd, Lang::En, "This is FreeBSD's shutdown(SHUT_RD)");

    let windows = shutdown_read("windows", false);
    assert_says(&windows, Lang::En, "shuts down reading with 5 bytes unread: the server resets the connection");
    assert_says(&windows, Lang::Zh, "服务器的应用在还有 5 字节未读时关闭了读方向：服务器复位连接");
    let windows = shutdown_read("windows", true);
    assert_says(&windows, Lang::En, "any data that arrives from now on will be answered with a reset");
    assert_says(&windows, Lang::En, "Data after shutdown(SHUT_RD): the server resets the connection with");
    assert_says(&windows, Lang::Zh, "shutdown(SHUT_RD) 之后又来了数据：服务器用");
    // In TIME_WAIT (its own FIN went with shutdown(), the client's came back), the unread bytes
    // still end the connection, without an RST, as an abort there.
    let time_wait = run(r#"{"profile": "windows", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "app": [
    {"at_ms": 0, "do": "connect", "to": "server"}, {"on": "connected", "do": "send", "text": "hello"},
    {"at_ms": 100, "do": "close"}]},
  {"name": "server", "addr": "198.51.100.1", "app": [
    {"at_ms": 0, "do": "listen"}, {"at_ms": 0, "do": "stop_reading"}, {"on": "accepted", "do": "shutdown"},
    {"at_ms": 500, "do": "shutdown_read"}]}]}"#);
    assert_says(&time_wait, Lang::En, "shuts down reading with 5 bytes unread: the server drops the connection.");
    assert_says(&time_wait, Lang::Zh, "在这个状态下，和中止连接时一样，不会发出 RST。");
}

/// An attacker's segment in a host's name (`inject` with `spoof`) is told as a blind attacker's
/// forgery, never as a flood's SYN, and a flood's SYNs are counted without it. TIME_WAIT's
/// answer to a forged ACK ahead of RCV.NXT is told as such (Linux acknowledges it at once and
/// restarts 2·MSL, `tcp_timewait_state_process`), its loss as an ACK's, not as the close's last
/// ACK, and the answer Linux's limit withholds 100 ms later as withheld.
#[test]
fn forged_segments_in_a_hosts_name() {
    let t = run(r#"{"profile": "linux", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "isn": 1000, "app": [
    {"at_ms": 0, "do": "connect", "to": "server"},
    {"at_ms": 100, "do": "close"}]},
  {"name": "server", "addr": "198.51.100.1", "isn": 5000, "app": [
    {"at_ms": 0, "do": "listen"},
    {"on": "eof", "do": "close"}]},
  {"name": "attacker", "addr": "203.0.113.66", "flood": {"target": "server", "count": 2, "interval_ms": 2}, "app": [
    {"at_ms": 50, "do": "inject", "to": "server", "flags": "RST", "seq": 1300, "spoof": "client"},
    {"at_ms": 1000, "do": "inject", "to": "client", "flags": "ACK", "seq": 5100, "spoof": "server"},
    {"at_ms": 1100, "do": "inject", "to": "client", "flags": "ACK", "seq": 5100, "spoof": "server"}]}],
  "faults": [{"from": "client", "kind": "ack", "nth": 3, "action": "drop"}]}"#);
    assert_says(&t, Lang::En, "The attacker forges RST seq=300 in the client's name and sends it to the server.");
    assert_says(&t, Lang::Zh, "攻击者冒充客户端伪造了 RST seq=300，发给服务器。");
    assert_says(&t, Lang::En, "a blind reset attack");
    assert_says(&t, Lang::En, "The attacker sends forged SYN 2 of 2");
    assert_never_says(&t, Lang::En, "of 3");
    assert_says(&t, Lang::En, "reaches the client in TIME_WAIT. It is not the server's FIN sent again");
    assert_says(&t, Lang::Zh, "到达处于 TIME_WAIT 的客户端。它既不是服务器重发的 FIN");
    assert_says(&t, Lang::En, "The client also restarts its 2·MSL timer, as Linux does");
    assert_says(&t, Lang::En, "A bare ACK is never retransmitted");
    assert_never_says(&t, Lang::En, "last ACK of the close, ACK seq=2 ack=2, is lost");
    assert_says(&t, Lang::En, "The client drops ACK seq=100 ack=4294966296 and, this time, does not answer.");
}

#[test]
fn a_forged_ack_with_the_right_numbers_is_taken() {
    let t = run(r#"{"profile": "linux", "hosts": [
  {"name": "client", "addr": "192.0.2.1", "isn": 1000, "app": [
    {"at_ms": 0, "do": "connect", "to": "server"},
    {"on": "connected", "do": "send", "text": "hello"}]},
  {"name": "server", "addr": "198.51.100.1", "isn": 5000, "app": [
    {"at_ms": 0, "do": "listen"}]},
  {"name": "attacker", "addr": "203.0.113.66", "app": [
    {"at_ms": 100, "do": "inject", "to": "server", "flags": "ACK", "seq": 1006, "ack": 5001, "spoof": "client"},
    {"at_ms": 150, "do": "inject", "to": "server", "flags": "ACK", "seq": 1006, "ack": 9000, "spoof": "client"}]}]}"#);
    // Right numbers: taken as the client's own.
    assert_says(&t, Lang::En, "The server receives ACK seq=6 ack=1. Its ack=1 acknowledges nothing new");
    assert_says(
        &t,
        Lang::En,
        "ACK seq=6 ack=1 was forged by the attacker, but it carries the client's address and port",
    );
    assert_says(&t, Lang::Zh, "ACK seq=6 ack=1 是攻击者伪造的，但它带着客户端的地址和端口");
    // Wrong ones: rejected, and the answer goes to the client.
    assert_says(&t, Lang::En, "ACK seq=6 ack=4000 acknowledges data the server never sent");
    assert_says(&t, Lang::En, "The answer goes to the client, whose address the forged segment carries");
    assert_says(&t, Lang::Zh, "这个回应发往客户端");
    assert_never_says(&t, Lang::En, "203.0.113.66 has received");
}
