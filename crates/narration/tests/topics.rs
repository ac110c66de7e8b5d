//! Every topic of `../shared/TOPICS.md` (the shared folder beside the repository) that a catalogue
//! experiment shows is explained by the narration of that experiment, in English and in Chinese,
//! when it happens.

mod common;

use narration::{Lang, explain_field, explain_state};
use tcp_core::State;

/// (TOPICS.md bullet, catalogue entry, relative numbering, English phrase, Chinese phrase).
const TOPICS: &[(&str, &str, bool, &str, &str)] = &[
    // ## The segment
    (
        "ACK flag vs acknowledgment number",
        "handshake",
        true,
        "The flag only says that the acknowledgment number field is valid",
        "ACK 标志位只表示“确认号字段有效”",
    ),
    (
        "SYN consumes one sequence number",
        "handshake",
        true,
        "A SYN occupies one sequence number",
        "SYN 本身占用一个序号",
    ),
    ("ACK = x+1, next byte expected", "handshake", true, "names the next byte expected", "期望收到的下一个字节"),
    (
        "FIN consumes one sequence number",
        "handshake",
        true,
        "the FIN occupies one sequence number",
        "FIN 也占用一个序号",
    ),
    ("ISN per connection, random-looking", "handshake", true, "random-looking ISN", "看似随机的 ISN"),
    ("one ISN per direction", "handshake", true, "chosen independently of the client's", "各自独立选取"),
    (
        "relative numbering as Wireshark",
        "handshake",
        true,
        "counts from the ISN, as Wireshark does",
        "像 Wireshark 一样从 ISN 起算相对序号",
    ),
    ("absolute numbering", "handshake", false, "Wireshark would show it as seq=0", "Wireshark 默认从 ISN 起算相对序号"),
    ("options in the SYN", "handshake", true, "MSS 1460", "MSS 1460"),
    ("window field and its scale", "handshake", true, "in force because both SYNs carried the option", "窗口扩大因子"),
    // ## Three-way handshake
    ("CLOSED → SYN_SENT on connect()", "handshake", true, "from CLOSED to SYN_SENT", "从 CLOSED 变为 SYN_SENT"),
    (
        "LISTEN → SYN_RCVD on SYN",
        "handshake",
        true,
        "creates a half-open connection in SYN_RECV",
        "处于 SYN_RECV 的半连接",
    ),
    (
        "both ESTABLISHED after the third segment",
        "handshake",
        true,
        "from SYN_RECV to ESTABLISHED",
        "从 SYN_RECV 进入 ESTABLISHED",
    ),
    (
        "the first segment proves",
        "handshake",
        true,
        "What the first segment proved: the client can send and the server can receive",
        "第一次握手证明了：客户端能发送，服务器能接收",
    ),
    (
        "the second segment proves",
        "handshake",
        true,
        "What the second segment proved: the server can receive and send, and the client can receive",
        "第二次握手证明了：服务器能收也能发，客户端也能接收",
    ),
    (
        "the third segment tells the server",
        "handshake",
        true,
        "the third segment tells the server",
        "第三个报文段就是把这一点告诉服务器",
    ),
    ("why not two: old duplicate SYN", "handshake", true, "Why not stop at two segments?", "为什么不能两次就结束？"),
    ("why not four: SYN and ACK ride together", "handshake", true, "so three segments suffice", "所以三次就够了"),
    (
        "old duplicate SYN arrives first",
        "old-duplicate-syn",
        true,
        "has been wandering in the network",
        "一直在网络中滞留",
    ),
    ("the client's RST veto", "old-duplicate-syn", true, "vetoes it with RST", "否决它"),
    (
        "why the veto needs the third step",
        "old-duplicate-syn",
        true,
        "This veto is why the handshake needs its third step",
        "这次否决正是握手需要第三步的原因",
    ),
    ("ghost connection with two segments", "two-way-ghost", true, "ghost", "幽灵连接"),
    (
        "third segment may carry data",
        "handshake",
        true,
        "could have carried these bytes itself",
        "本身就可以携带这些数据",
    ),
    (
        "half-open connections, SYN queue",
        "syn-flood",
        true,
        "half-open connections now wait in its SYN queue",
        "它的半连接队列里现在有",
    ),
    ("SYN flood with forged SYNs", "syn-flood", true, "This is a SYN flood", "这就是 SYN 洪泛"),
    ("SYN-ACKs retransmitted to nobody", "syn-flood", true, "retransmits in vain", "徒劳地重传"),
    ("legitimate SYNs dropped", "syn-flood", true, "legitimate SYN is thrown away", "合法的 SYN 被丢弃了"),
    (
        "netstat shows many SYN_RECV",
        "syn-flood",
        true,
        "netstat on the server shows a screen full of SYN_RECV",
        "满屏的 SYN_RECV",
    ),
    ("SYN cookies keep no state", "syn-flood-cookies", true, "keeps no state at all", "不保存任何状态"),
    (
        "SYN cookies rebuild from the ACK",
        "syn-flood-cookies",
        true,
        "rebuilds the connection, which goes from SYN_RECV to ESTABLISHED at once",
        "于是重建连接",
    ),
    ("simultaneous open", "simultaneous-open", true, "This is a simultaneous open", "这就是同时打开"),
    (
        "simultaneous open states",
        "simultaneous-open",
        true,
        "SYN_SENT → SYN_RECV → ESTABLISHED",
        "SYN_SENT → SYN_RECV → ESTABLISHED",
    ),
    // ## Four-way close
    ("either side may close first", "handshake", true, "Either side may go first", "哪一方先关都可以"),
    ("active close", "four-way-close", true, "performs the active close", "执行主动关闭"),
    ("ESTABLISHED → FIN_WAIT_1", "four-way-close", true, "enters FIN_WAIT1", "进入 FIN_WAIT1"),
    ("FIN_WAIT_1 → FIN_WAIT_2", "four-way-close", true, "It moves to FIN_WAIT2", "它进入 FIN_WAIT2"),
    ("FIN_WAIT_2 → TIME_WAIT", "four-way-close", true, "and enters TIME_WAIT", "进入 TIME_WAIT"),
    (
        "TIME_WAIT → CLOSED after 2·MSL",
        "four-way-close",
        true,
        "leaves TIME_WAIT for CLOSED",
        "离开 TIME_WAIT，进入 CLOSED",
    ),
    ("passive side: CLOSE_WAIT", "four-way-close", true, "moves to CLOSE_WAIT", "进入 CLOSE_WAIT"),
    ("passive side: LAST_ACK", "four-way-close", true, "from CLOSE_WAIT to LAST_ACK", "从 CLOSE_WAIT 进入 LAST_ACK"),
    (
        "passive side: CLOSED without TIME_WAIT",
        "four-way-close",
        true,
        "the passive side has no TIME_WAIT",
        "被动关闭的一方不需要 TIME_WAIT",
    ),
    ("why four: full duplex", "four-way-close", true, "TCP is full duplex", "TCP 是全双工的"),
    (
        "why four: a FIN ends one direction",
        "four-way-close",
        true,
        "A FIN ends only one direction",
        "FIN 只结束一个方向",
    ),
    (
        "the close numbered: first segment",
        "four-way-close",
        true,
        "the first segment of the four-way close",
        "（第一次挥手）",
    ),
    (
        "the close numbered: second segment",
        "four-way-close",
        true,
        "the second segment of the four-way close",
        "这个 ACK 就是第二次挥手",
    ),
    (
        "the close numbered: third segment",
        "four-way-close",
        true,
        "the third segment of the four-way close",
        "这个 FIN 就是第三次挥手",
    ),
    (
        "the close numbered: fourth segment",
        "four-way-close",
        true,
        "(the fourth segment of the four-way close)",
        "（第四次挥手）",
    ),
    (
        "three segments: which two merged",
        "three-segment-close",
        true,
        "The second and third segments of the four-way close travel as one",
        "第二次和第三次挥手合并成了一个报文段",
    ),
    ("half-close: the passive side keeps sending", "half-close", true, "This is the half-close", "这就是半关闭"),
    ("half-close: shutdown()", "half-close", true, "This closes only its sending direction", "这只关闭了它的发送方向"),
    (
        "ACK and FIN merge: three segments",
        "three-segment-close",
        true,
        "three segments instead of four",
        "关闭只用了三个报文段，而不是四个",
    ),
    ("RFC 9293's immediate ACK of a FIN", "four-way-close", true, "acknowledges the FIN at once", "立即确认这个 FIN"),
    ("TIME_WAIT lasts 2·MSL", "lost-final-ack", true, "2·MSL", "2MSL"),
    (
        "TIME_WAIT: re-acknowledge a retransmitted FIN",
        "lost-final-ack",
        true,
        "It acknowledges the FIN again",
        "再次确认这个 FIN",
    ),
    ("TIME_WAIT: restart the timer", "lost-final-ack", true, "restarts its 2·MSL timer", "重新开始 2MSL 计时"),
    (
        "TIME_WAIT: why it exists",
        "lost-final-ack",
        true,
        "This is exactly why TIME_WAIT exists",
        "这正是 TIME_WAIT 存在的原因",
    ),
    (
        "2·MSL: old duplicates die out before reuse",
        "handshake",
        true,
        "die out before the same four-tuple",
        "之后同一个四元组",
    ),
    (
        "a new SYN on the same four-tuple may end TIME_WAIT early (RFC 6191)",
        "time-wait-reuse",
        false,
        "ends TIME_WAIT early",
        "提前结束了 TIME_WAIT",
    ),
    (
        "why a SYN in TIME_WAIT is checked: it could be a leftover",
        "time-wait-reuse",
        false,
        "TIME_WAIT exists to keep old segments of that connection from being taken for new ones",
        "不让旧连接的残留报文段被误当作新连接的报文段",
    ),
    (
        "a newer timestamp shows the SYN is no leftover",
        "time-wait-reuse",
        false,
        "carries a timestamp newer than any the old connection received",
        "时间戳比旧连接收到过的都新",
    ),
    ("simultaneous close", "simultaneous-close", true, "this is a simultaneous close", "这就是同时关闭"),
    (
        "FIN_WAIT_1 → CLOSING → TIME_WAIT",
        "simultaneous-close",
        true,
        "FIN_WAIT1 → CLOSING → TIME_WAIT",
        "FIN_WAIT1 → CLOSING → TIME_WAIT",
    ),
    ("FIN-WAIT-2 timeout armed", "handshake", true, "tcp_fin_timeout", "tcp_fin_timeout"),
    // ## Loss and timers
    (
        "retransmission timeout",
        "lost-syn",
        true,
        "retransmission timer (RTO) expires",
        "重传定时器到期（超时重传时间 RTO 已过）",
    ),
    ("RTO doubles", "connect-timeout", true, "1 s → 2 s → 4 s → 8 s", "1 秒 → 2 秒 → 4 秒 → 8 秒"),
    ("exponential backoff", "connect-timeout", true, "exponential backoff", "指数退避"),
    (
        "retry limit: connect() fails",
        "connect-timeout",
        true,
        "connect() fails with ETIMEDOUT",
        "connect() 调用失败，返回 ETIMEDOUT（连接超时）",
    ),
    ("lost SYN", "lost-syn", true, "The server never learns of it", "服务器对此一无所知"),
    ("lost SYN-ACK", "lost-syn-ack", true, "Now both sides wait", "现在双方都在等"),
    (
        "lost SYN-ACK: repeated SYN answered at once",
        "lost-syn-ack",
        true,
        "answers the repeated SYN with its SYN-ACK again at once",
        "立即重发 SYN+ACK",
    ),
    ("lost third ACK", "lost-third-ack", true, "the server is still in SYN_RECV", "服务器却仍在 SYN_RECV"),
    (
        "lost third ACK: recovery",
        "lost-third-ack",
        true,
        "the lost third ACK sent again",
        "把丢失的第三个 ACK 又发了一遍",
    ),
    ("lost FIN", "lost-fin", true, "it is protected like data", "它和数据一样受到保护"),
    ("lost FIN: measured RTO", "lost-fin", true, "has measured the round-trip time", "测得了往返时间"),
    ("lost final ACK", "lost-final-ack", true, "The last ACK of the close", "关闭过程的最后一个 ACK"),
    ("delayed ACK", "handshake", true, "delayed ACK", "延迟确认"),
    ("Linux delays the ACK of a FIN", "three-segment-close", true, "holds the ACK back", "它没有立即确认"),
    ("RST on a closed port", "refused", true, "No socket listens on port 5555", "端口 5555 上没有套接字在监听"),
    ("connection refused", "refused", true, "ECONNREFUSED", "ECONNREFUSED"),
    ("RST on abort", "abort", true, "close() with SO_LINGER set to 0", "把 SO_LINGER 设为 0 后调用 close()"),
    ("connection reset by peer", "abort", true, "ECONNRESET", "ECONNRESET"),
    ("netstat names", "handshake", true, "which netstat and ss show as SYN_RECV", "netstat 和 ss 显示为 SYN_RECV"),
    // ## When the other end is gone
    (
        "keep-alive sends probes after an idle period",
        "keepalive-unreachable",
        true,
        "keep-alive probe 1 is lost",
        "第 1 次保活探测丢失了",
    ),
    (
        "no answer after the last probe closes the connection",
        "keepalive-unreachable",
        true,
        "keep-alive probes and the client answered none of them",
        "一次也没有回应",
    ),
    (
        "one end crashes silently: the other cannot tell from silence",
        "client-crash",
        true,
        "A crashed host sends nothing, neither FIN nor RST, so the server is not told",
        "崩溃的主机什么也不会发送，既没有 FIN，也没有 RST，所以服务器毫不知情",
    ),
    (
        "until then the connection is half-open",
        "client-crash",
        true,
        "is half-open (RFC 9293 §3.5.1)",
        "这样的连接叫作半开连接（RFC 9293 §3.5.1）",
    ),
    (
        "keep-alive ends the connection to a crashed peer",
        "client-crash",
        true,
        "The server sent 3 keep-alive probes and the client answered none of them",
        "服务器发出了 3 次保活探测，客户端一次也没有回应",
    ),
    (
        "a reset to a keep-alive probe says the peer rebooted",
        "reboot-keepalive",
        true,
        "The keep-alive probe meets a reset: the server no longer has the connection",
        "保活探测换来了一个复位：服务器已经没有这条连接了",
    ),
    (
        "a rebooted peer answers the next segment with a reset",
        "server-reboot",
        true,
        "so it answers with a reset, and the half-open connection is discovered",
        "所以它回复复位（RST），这条半开连接由此被发现",
    ),
];

#[test]
fn every_topic_is_narrated_where_it_happens() {
    let mut missing = Vec::new();
    for &(topic, entry, relative, en, zh) in TOPICS {
        let trace = common::trace(entry);
        for (lang, phrase) in [(Lang::En, en), (Lang::Zh, zh)] {
            let text = common::render(&trace, lang, relative);
            if !text.contains(phrase) {
                missing.push(format!("{topic} ({entry}, {lang:?}): {phrase:?}"));
            }
        }
    }
    assert!(missing.is_empty(), "topics not narrated:\n{}", missing.join("\n"));
}

#[test]
fn every_state_has_a_tooltip() {
    for s in State::ALL {
        for lang in [Lang::En, Lang::Zh] {
            let text = explain_state(s, lang);
            assert!(text.starts_with(s.netstat_name()), "{s:?} {lang:?}: {text}");
        }
    }
    assert!(explain_state(State::TimeWait, Lang::En).contains("2·MSL"));
    assert!(explain_state(State::SynReceived, Lang::Zh).contains("半连接队列"));
}

#[test]
fn every_header_field_has_a_tooltip() {
    // All the field names the inspector can meet: every span of every segment of the catalogue.
    let mut names: Vec<&'static str> = Vec::new();
    for entry in tcp_sim::catalogue::ENTRIES {
        for seg in &common::trace(entry.name).segments {
            for span in seg.repr.field_spans() {
                if !names.contains(&span.name) {
                    names.push(span.name);
                }
            }
        }
    }
    for required in
        ["Source Port", "Acknowledgment Number", "Data Offset", "SYN", "Window", "Urgent Pointer", "Option: MSS"]
    {
        assert!(names.contains(&required), "{required} never seen");
    }
    for name in names {
        for lang in [Lang::En, Lang::Zh] {
            assert!(explain_field(name, lang).is_some(), "no tooltip for {name:?} in {lang:?}");
        }
    }
    assert_eq!(explain_field("Frobnicator", Lang::En), None);
    // The tooltips teach the favourite confusion.
    let ack = explain_field("Acknowledgment Number", Lang::En).unwrap_or_default();
    assert!(ack.contains("x+1") && ack.contains("ACK flag"), "{ack}");
    let flag = explain_field("ACK", Lang::Zh).unwrap_or_default();
    assert!(flag.contains("确认号字段有效"), "{flag}");
}
