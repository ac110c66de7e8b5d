//! Opening a connection: connect(), listen(), the three segments of the handshake and what each
//! proves, the simultaneous open, old duplicate SYNs, the broken two-way handshake, forged SYNs
//! and SYN cookies.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use tcp_core::event::DropReason;
use tcp_core::{Flags, State, Timer};
use tcp_sim::trace::{ConnId, EventKind, HostId, SegId};

use crate::cx::{Cx, capitalize, say};
use crate::episode::Ep;
use crate::{Kind, Story};

/// The application called connect(): SYN, SYN_SENT, the ISN and the first RTO.
pub(crate) fn connect(cx: &Cx<'_>, ep: &Ep) -> Option<Story> {
    let &syn = ep.sent.iter().find(|&&s| cx.has(s, Flags::SYN))?;
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.dst_name(syn);
    let label = cx.label(syn);
    let mut s = Story::new(say!(
        cx,
        "{subj} sends {label}: it asks {peer} to open a connection.",
        "{who}发送 {label}，请求与{peer}建立连接。"
    ))
    .kind(Kind::Connect);
    s.main(say!(
        cx,
        "{subj} calls connect(). Its TCP sends {label}, asking {peer} to open a connection, and moves from CLOSED to SYN_SENT.",
        "{who}调用 connect()，TCP 发出 {label}，请求与{peer}建立连接，状态从 CLOSED 变为 SYN_SENT。"
    ));
    let dst = *cx.seg(syn).dst.ip();
    let crossing = cx.t.events.iter().any(|e| {
        e.at == ep.at
            && e.host != ep.host
            && cx.t.hosts.get(e.host.index()).is_some_and(|h| h.addr == dst)
            && matches!(e.kind, EventKind::State { from: State::Closed, to: State::SynSent, .. })
    });
    if crossing {
        s.why(
            "simopen-start",
            say!(
                cx,
                "Both ends call connect() toward each other at the same moment, and neither of them listens. Watch what happens when the two SYNs cross.",
                "两端在同一时刻互相调用 connect()，谁都没有监听。看看两个 SYN 交错而过时会发生什么。"
            ),
        );
    }
    let first_syn = !cx.seen_sent(ep.first, |o| o.from == ep.host && o.repr.flags.contains(Flags::SYN) && !o.injected);
    if first_syn {
        s.why("isn", isn_para(cx, ep.host, syn));
        if let Some(text) = options_para(cx, ep.host, syn) {
            s.detail_once("syn-options", text);
        }
    }
    if let Some((deadline, _)) = ep.armed(Timer::Retransmit)
        && ep.lost.is_empty()
    {
        let d = cx.span(ep.at, deadline);
        s.detail_once(
            "syn-rto",
            say!(
            cx,
            "{subj}'s retransmission timer (RTO) starts too: if nothing comes back within {d}, the SYN goes out again.",
            "{who}同时启动重传定时器，超时重传时间 RTO 为 {d}：这段时间内没有回应，就重发这个 SYN。"
            ),
        );
    }
    Some(s)
}

/// What the ISN is, in the reader's numbering.
fn isn_para(cx: &Cx<'_>, host: HostId, syn: SegId) -> String {
    let who = cx.host(host);
    let subj = cx.cap(host);
    let isn = cx.seg(syn).repr.seq.0;
    // The scenario's policy, as the trace records it.
    let fixed = cx.t.hosts.get(host.index()).is_some_and(|h| h.fixed_isn.is_some());
    match (fixed, cx.relative) {
        (true, true) => say!(
            cx,
            "This experiment fixes {who}'s initial sequence number (ISN) at {isn} to keep the numbers readable; real stacks pick a fresh, random-looking ISN for every connection. The diagram counts from the ISN, as Wireshark does, so the SYN reads seq=0.",
            "本实验把{who}的初始序号（ISN）固定为 {isn}，方便阅读；真实的协议栈会为每条连接重新选取一个看似随机的 ISN。图中像 Wireshark 一样从 ISN 起算相对序号，所以这个 SYN 显示为 seq=0。"
        ),
        (true, false) => say!(
            cx,
            "This experiment fixes {who}'s initial sequence number (ISN) at {isn} to keep the numbers readable. Real stacks pick a fresh, random-looking ISN for every connection, so that stray segments of an older connection can hardly fit the new one.",
            "本实验把{who}的初始序号（ISN）固定为 {isn}，方便阅读。真实的协议栈会为每条连接重新选取一个看似随机的 ISN，让旧连接残留的报文段很难与新连接的序号对上。"
        ),
        (false, true) => say!(
            cx,
            "{subj}'s initial sequence number (ISN) is really {isn}. Every connection picks a fresh, random-looking ISN, so that stray segments of an older connection, or a blind attacker, can hardly hit a valid number. The diagram counts from the ISN, as Wireshark does, so the SYN reads seq=0.",
            "{who}真正的初始序号（ISN）是 {isn}。每条连接都会重新选取一个看似随机的 ISN，这样旧连接残留的报文段或盲目猜测的攻击者都很难碰上有效的序号。图中像 Wireshark 一样从 ISN 起算相对序号，所以这个 SYN 显示为 seq=0。"
        ),
        (false, false) => say!(
            cx,
            "{isn} is {who}'s initial sequence number (ISN). Every connection picks a fresh, random-looking ISN, so that stray segments of an older connection, or a blind attacker, can hardly hit a valid number. Wireshark would show it as seq=0, counting from the ISN (relative numbers).",
            "{isn} 就是{who}的初始序号（ISN）。每条连接都会重新选取一个看似随机的 ISN，这样旧连接残留的报文段或盲目猜测的攻击者都很难碰上有效的序号。Wireshark 默认从 ISN 起算相对序号，会把它显示为 seq=0。"
        ),
    }
}

/// The options a SYN offers.
fn options_para(cx: &Cx<'_>, host: HostId, syn: SegId) -> Option<String> {
    let who = cx.host(host);
    let o = &cx.seg(syn).repr.options;
    let mut list: Vec<String> = Vec::new();
    if let Some(mss) = o.mss() {
        list.push(say!(
            cx,
            "MSS {mss} (the most data {who} will accept in one segment)",
            "MSS {mss}（{who}在一个报文段里最多能接收的数据字节数）"
        ));
    }
    if let Some(ws) = o.window_scale() {
        list.push(say!(cx, "window scale {ws}", "窗口扩大因子 {ws}"));
    }
    if o.sack_permitted() {
        list.push(cx.pick("SACK permitted", "允许 SACK").into());
    }
    if o.timestamps().is_some() {
        list.push(cx.pick("timestamps", "时间戳").into());
    }
    let one = list.len() == 1;
    let list = list.join(cx.pick(", ", "、"));
    match list.is_empty() {
        true => None,
        false if one => Some(say!(
            cx,
            "The SYN also carries an option that is only negotiated in SYNs: {list}.",
            "SYN 还携带了一个只能在 SYN 中协商的选项：{list}。"
        )),
        false => Some(say!(
            cx,
            "The SYN also offers options, which can only be negotiated in the SYNs: {list}.",
            "SYN 还携带了一些只能在 SYN 中协商的选项：{list}。"
        )),
    }
}

/// listen(): the server waits in LISTEN.
pub(crate) fn listen(cx: &Cx<'_>, ep: &Ep, port: u16) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let mut s = Story::new(say!(cx, "{subj} listens on port {port}.", "{who}在端口 {port} 上监听。"));
    s.aside(say!(
        cx,
        "{subj} calls listen() on port {port}: it waits in LISTEN for SYNs to arrive.",
        "{who}在端口 {port} 上调用 listen()，进入 LISTEN 状态，等待 SYN 到来。"
    ));
    s
}

/// A SYN without ACK arrived and was accepted.
pub(crate) fn syn_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    if ep.changed(State::Listen, State::SynReceived) {
        Some(syn_at_listener(cx, ep, seg))
    } else if ep.changed(State::Listen, State::Established) {
        Some(two_way_open(cx, ep, seg))
    } else if ep.changed(State::SynSent, State::SynReceived) {
        Some(crossing_syn(cx, ep, seg))
    } else {
        None
    }
}

fn syn_at_listener(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let reply_seg = ep.sent.first().copied();
    let reply = reply_seg.map_or_else(String::new, |r| cx.label(r));
    let s_in = cx.seg(seg);
    if s_in.forged {
        let n = cx.half_open(ep.host, ep.first) + 1;
        let mut s = Story::new(say!(
            cx,
            "{subj} answers a forged SYN and keeps another half-open connection ({n} now).",
            "{who}回应了一个伪造的 SYN，又多了一个半连接（现有 {n} 个）。"
        ));
        s.main(say!(
            cx,
            "{subj} receives a SYN that claims to come from {peer}. It cannot tell that the address is forged, so it keeps a half-open connection in SYN_RECV and answers {reply}.",
            "{who}收到一个自称来自 {peer} 的 SYN。它无法判断这个地址是伪造的，于是保留一个处于 SYN_RECV 的半连接，并回复 {reply}。"
        ));
        if n == 1 {
            s.detail(say!(
                cx,
                "It now holds 1 half-open connection in its SYN queue (the half-open queue); netstat or ss would list it as SYN_RECV.",
                "它的半连接队列里现在有 1 个半连接，netstat 或 ss 会把它显示为 SYN_RECV。"
            ));
        } else {
            s.detail(say!(
                cx,
                "{n} half-open connections now wait in its SYN queue, all in SYN_RECV.",
                "它的半连接队列里现在有 {n} 个半连接，全都处于 SYN_RECV。"
            ));
        }
        return s;
    }
    if ep.changed(State::TimeWait, State::Closed) {
        return time_wait_gives_way(cx, ep, seg);
    }
    let mut s = Story::new(say!(
        cx,
        "{subj} answers {reply}: its own SYN, plus the ACK of {peer}'s.",
        "{who}回复 {reply}：发出自己的 SYN，同时确认{peer}的 SYN。"
    ));
    s.main(say!(
        cx,
        "{subj} receives {label} on its listening socket, creates a half-open connection in SYN_RECV and answers {reply}.",
        "{who}在监听套接字上收到 {label}，建立一个处于 SYN_RECV 的半连接，并回复 {reply}。"
    ));
    let old_before =
        cx.t.segments.iter().any(|o| {
            o.injected && o.src == s_in.src && o.dst == s_in.dst && o.delivered_at().is_some_and(|t| t < ep.at)
        });
    if old_before && !s_in.injected {
        let abs = s_in.repr.seq.0;
        s.main(say!(
            cx,
            "This time it is {peer}'s real SYN (seq={abs}), the one its connect() sent.",
            "这一次是{peer}真正的 SYN（seq={abs}），也就是它调用 connect() 时发出的那个。"
        ));
    }
    let Some(reply_seg) = reply_seg else {
        return s;
    };
    let a = cx.ack(reply_seg);
    s.main(say!(
        cx,
        "That one segment does two jobs. Its SYN carries {who}'s own initial sequence number, chosen independently of {peer}'s, and its ack={a} acknowledges {peer}'s SYN.",
        "这一个报文段身兼两职：其中的 SYN 带上{who}自己的初始序号（与{peer}的 ISN 各自独立选取），ack={a} 则确认了{peer}的 SYN。"
    ));
    if s_in.injected {
        s.why(
            "olddup-arrives",
            say!(
                cx,
                "This SYN is in fact the old duplicate, but nothing in it says so: to {who} it looks like any new request.",
                "这个 SYN 其实就是那个旧的重复报文段，但报文段里没有任何标记能说明这一点：在{who}看来，它和新的连接请求没有区别。"
            ),
        );
    } else if !cx.seen_change(ep.first, State::Listen, State::SynReceived) {
        s.why(
            "proves1",
            say!(
                cx,
                "What the first segment proved: {peer} can send and {who} can receive. {subj} does not know yet whether its own segments get through; the ACK of its SYN-ACK will tell.",
                "第一次握手证明了：{peer}能发送，{who}能接收。{who}还不知道自己发出的报文段能否送达，这要等{peer}确认它的 SYN+ACK 才知道。"
            ),
        );
    }
    let first_synack = !cx.seen_sent(ep.first, |o| o.repr.flags.contains(Flags::SYN | Flags::ACK));
    if first_synack {
        let x = cx.seq(seg);
        s.why(
            "syn-seq",
            say!(
                cx,
                "Why ack={a} and not {x}? A SYN occupies one sequence number, as if it were one byte of data, and an acknowledgment number always names the next byte expected: the SYN's sequence number (the ISN it proposes) plus one.",
                "为什么是 ack={a} 而不是 {x}？SYN 本身占用一个序号，就像一个字节的数据；而确认号表示的总是“期望收到的下一个字节”，也就是这个 SYN 的序号（它提出的 ISN）加一。"
            ),
        );
        s.why(
            "ack-flag",
            say!(
                cx,
                "This is also the first segment with the ACK flag set. The flag only says that the acknowledgment number field is valid; the SYN before it had the flag off, so its acknowledgment field meant nothing.",
                "这也是第一个设置了 ACK 标志位的报文段。ACK 标志位只表示“确认号字段有效”；前面那个 SYN 没有设置它，所以它的确认号字段毫无意义。"
            ),
        );
    }
    if let Some((deadline, _)) = ep.armed(Timer::Retransmit)
        && !cx.seen_change(ep.first, State::Listen, State::SynReceived)
    {
        let d = cx.span(ep.at, deadline);
        s.detail(say!(
            cx,
            "Until the third segment arrives, the connection waits in the listener's SYN queue (the half-open queue), which netstat and ss show as SYN_RECV. {subj} also starts its own RTO: with no ACK within {d}, it will send the SYN-ACK again.",
            "在第三个报文段到达之前，这个连接待在监听套接字的半连接队列（SYN 队列）里，netstat 和 ss 显示为 SYN_RECV。{who}也启动了自己的 RTO：{d}内等不到 ACK，就重发 SYN+ACK。"
        ));
    }
    s
}

fn two_way_open(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let reply = ep.sent.first().map_or_else(String::new, |&r| cx.label(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} is ESTABLISHED on the SYN alone (a two-way handshake).",
        "{who}仅凭一个 SYN 就进入了 ESTABLISHED（两次握手）。"
    ));
    s.main(say!(
        cx,
        "{subj} receives {label}. This server runs a deliberately broken two-way handshake: the SYN alone makes it ESTABLISHED, and it answers {reply} without waiting for any confirmation.",
        "{who}收到 {label}。这台服务器故意使用错误的两次握手：仅凭一个 SYN 就进入 ESTABLISHED，回复 {reply} 之后不再等待任何确认。"
    ));
    if ep.accepted() {
        s.main(say!(
            cx,
            "Its application accepts the connection at once and may start sending.",
            "它的应用立即 accept() 了这个连接，随时可以开始发送数据。"
        ));
    }
    if cx.seg(seg).injected {
        s.why(
            "ghost",
            say!(
                cx,
                "But this SYN is the old duplicate: {peer} never asked for this connection. {subj} has committed memory and an application to a ghost.",
                "可这个 SYN 是那个旧的重复报文段：{peer}根本没有请求这个连接。{who}却已经为一个“幽灵连接”分配了内存，还交给了应用程序。"
            ),
        );
    } else {
        s.why(
            "ghost-real",
            say!(
                cx,
                "This time the SYN is the real one, so the shortcut happens to work; the danger was the stale SYN before it.",
                "这一次的 SYN 是真的，所以这条捷径碰巧没出问题；危险来自之前那个过时的 SYN。"
            ),
        );
    }
    s
}

fn crossing_syn(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let reply = ep.sent.first().map_or_else(String::new, |&r| cx.label(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} receives {peer}'s SYN while in SYN_SENT: a simultaneous open.",
        "{who}在 SYN_SENT 状态收到{peer}的 SYN：同时打开。"
    ))
    .kind(Kind::SimOpenSyn);
    s.main(say!(
        cx,
        "{subj} is in SYN_SENT, waiting for a SYN-ACK, but a bare {label} arrives: {peer} is opening a connection toward it at the same moment. {subj} moves to SYN_RECV and answers {reply}, repeating its own SYN and acknowledging {peer}'s.",
        "{who}处于 SYN_SENT，等的是 SYN+ACK，来的却是一个单独的 {label}：{peer}也在同一时刻向它发起连接。{who}进入 SYN_RECV，并回复 {reply}：重复自己的 SYN，同时确认{peer}的 SYN。"
    ));
    s.why(
        "simopen",
        say!(
            cx,
            "This is a simultaneous open: two active opens and no listener. Each side acts as both client and server, and the handshake takes four segments instead of three.",
            "这就是同时打开：两端都是主动打开，没有监听者。每一方既是客户端又是服务器，握手需要四个报文段，而不是三个。"
        ),
    );
    s
}

/// A SYN-ACK arrived and was accepted.
pub(crate) fn synack_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.host(cx.seg(seg).from);
    let peer_subj = capitalize(peer.clone());
    let label = cx.label(seg);
    let a = cx.ack(seg);
    if ep.changed(State::SynReceived, State::Established) {
        let mut s = Story::new(say!(
            cx,
            "{subj} receives the SYN-ACK and is ESTABLISHED.",
            "{who}收到 SYN+ACK，进入 ESTABLISHED。"
        ))
        .kind(Kind::SimOpenSynAck);
        s.main(say!(
            cx,
            "{subj} receives {label}. Its ack={a} acknowledges {who}'s own SYN, and {who} has already acknowledged {peer}'s: both ISNs are known and acknowledged, so {who} is ESTABLISHED without a third segment.",
            "{who}收到 {label}。其中 ack={a} 确认了{who}自己的 SYN，而{who}此前也已确认了{peer}的 SYN：双方的 ISN 都已互相确认，{who}无需第三个报文段就进入了 ESTABLISHED。"
        ));
        s.why(
            "simopen-done",
            say!(
                cx,
                "A simultaneous open takes four segments, two crossing SYNs and two crossing SYN-ACKs, and both sides go SYN_SENT → SYN_RECV → ESTABLISHED. It is rare in practice, but the state machine allows it.",
                "同时打开一共用了四个报文段：两个交错的 SYN 和两个交错的 SYN+ACK，双方都经历 SYN_SENT → SYN_RECV → ESTABLISHED。实际中很少见，但 TCP 状态机允许这样做。"
            ),
        );
        return Some(s);
    }
    if !ep.changed(State::SynSent, State::Established) {
        return None;
    }
    let third_seg = ep.sent.first().copied();
    let third = third_seg.map_or_else(String::new, |t| cx.label(t));
    let mut s = Story::new(say!(
        cx,
        "{subj} is ESTABLISHED and sends the third segment: {third}.",
        "{who}进入 ESTABLISHED，发出第三次握手的报文段 {third}。"
    ));
    s.main(say!(
        cx,
        "{subj} receives {label}. Since ack={a} is exactly its ISN plus one, this answers its own SYN: {who} moves to ESTABLISHED, connect() returns, and it sends the third segment, {third}.",
        "{who}收到 {label}。其中 ack={a} 正好是自己的 ISN 加一，说明这是对自己那个 SYN 的回应：{who}进入 ESTABLISHED，connect() 返回，并发出第三个报文段 {third}。"
    ));
    // A SYN-ACK sent again by the peer's timer: which copy got through.
    if cx.seg(seg).retransmission && cx.sent_on_timeout(seg) {
        let sent = cx.dur(tcp_core::Duration::from_micros(cx.seg(seg).sent_at.micros));
        s.detail(say!(
            cx,
            "This is the copy {peer}'s retransmission timer sent at {sent}.",
            "这是{peer}的重传定时器在 {sent}重发的那一份。"
        ));
    }
    if let Some(t) = third_seg
        && !cx.seg(t).payload.is_empty()
    {
        let n = cx.seg(t).payload.len();
        s.main(say!(
            cx,
            "The third segment already carries {n} bytes of data: once {who} is ESTABLISHED, nothing stops it.",
            "第三个报文段已经携带了 {n} 字节数据：{who}一旦进入 ESTABLISHED，就可以这样做。"
        ));
    }
    if !cx.seen_change(ep.first, State::SynSent, State::Established) {
        s.why(
            "proves2",
            say!(
                cx,
                "What the second segment proved: {peer} can receive and send, and {who} can receive. Both directions work, but only {who} knows it so far; the third segment tells {peer}.",
                "第二次握手证明了：{peer}能收也能发，{who}也能接收。两个方向都已畅通，但目前只有{who}知道；第三个报文段就是把这一点告诉{peer}。"
            ),
        );
        if !cx.earlier(ep.first, |e| matches!(e.kind, EventKind::Rejected { reason: DropReason::BadAckInSynSent, .. }))
        {
            s.why(
                "why3",
                say!(
                    cx,
                    "Why not stop at two segments? An old SYN, delayed in the network, could reach {peer} long after {who} gave up on it, and a server that opened on a SYN alone would hold a ghost connection. The third segment lets {who}, the only side that knows which SYN is current, confirm it, or veto a stale one with RST.",
                    "为什么不能两次就结束？网络中滞留的旧 SYN 可能在{who}早已放弃之后才到达{peer}；如果服务器一收到 SYN 就建立连接，就会白白维持一条“幽灵连接”。第三个报文段让唯一知道哪个 SYN 才有效的{who}来确认它，或者用 RST 否决过时的那个。"
                ),
            );
        }
        s.why(
            "why-not-4",
            say!(
                cx,
                "And why not four? Each side must send its ISN and hear it acknowledged: two SYNs and two ACKs. {peer_subj} sent its ACK and its SYN together in one SYN-ACK, so three segments suffice.",
                "那为什么不是四次？双方都要发出自己的 ISN 并得到确认，也就是两个 SYN、两个 ACK。{peer}把 ACK 和 SYN 合在同一个 SYN+ACK 里发出，所以三次就够了。"
            ),
        );
    }
    if cx.seg(seg).conn.is_none() {
        s.detail(say!(
            cx,
            "{subj} cannot tell that this SYN-ACK came from a SYN cookie: it looks like any other.",
            "{who}看不出这个 SYN+ACK 来自 SYN Cookie：它和普通的 SYN+ACK 没有区别。"
        ));
    }
    if let Some(t) = third_seg
        && let window = cx.t.advertised_window(t)
        && let Some(shift) = window.shift
        && !cx.seen_sent(ep.first, |o| o.from == ep.host && !o.repr.flags.contains(Flags::SYN))
    {
        let w = window.field;
        let mult = 1u32 << shift;
        let bytes = window.bytes();
        if shift == 0 {
            s.detail(say!(
                cx,
                "Note win={w} in the third segment: both SYNs offered window scaling, but the shift {who} announced is 0 here, because a receive buffer of {bytes} bytes fits the 16-bit field as it is. With a larger buffer the field would be multiplied by 2 to the power of the scale. The window in a SYN is never scaled.",
                "注意第三个报文段里的 win={w}：双方的 SYN 都提供了窗口扩大选项，但{who}宣布的扩大因子在这里是 0，因为 {bytes} 字节的接收缓冲区本身就放得进 16 位的窗口字段。缓冲区更大时，窗口字段要乘以 2 的扩大因子次方。SYN 报文段里的窗口从不缩放。"
            ));
        } else {
            s.detail(say!(
                cx,
                "Note win={w} in the third segment: from now on the window field is multiplied by 2^{shift} = {mult} (the shift {who} announced in its SYN, in force because both SYNs carried the option), so it means {bytes} bytes. The window in a SYN is never scaled.",
                "注意第三个报文段里的 win={w}：从现在起，窗口字段要乘以 2^{shift} = {mult}（{who}在自己的 SYN 中宣布的扩大因子；双方的 SYN 都带了这个选项，它才生效），所以实际是 {bytes} 字节。SYN 报文段里的窗口从不缩放。"
            ));
        }
    }
    Some(s)
}

/// The third segment arrived: SYN_RECV → ESTABLISHED (or a connection rebuilt from a cookie).
pub(crate) fn handshake_ack(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let a = cx.ack(seg);
    let conn = ep.conn?;
    if cx.history(conn, ep.first).is_empty() {
        let abs = cx.seg(seg).repr.ack.0;
        let cookie = abs.wrapping_sub(1);
        let mut s = Story::new(say!(
            cx,
            "{subj} rebuilds the connection from the SYN cookie in the ACK.",
            "{who}根据 ACK 中带回的 SYN Cookie 重建了连接。"
        ));
        s.main(say!(
            cx,
            "{subj} receives {label}, but it kept no record of {peer}: its SYN queue was full, so it had answered with a SYN cookie. It subtracts one from the acknowledgment number ({abs} − 1 = {cookie}), recomputes the cookie for this four-tuple, finds that they match, and rebuilds the connection, which goes from SYN_RECV to ESTABLISHED at once.",
            "{who}收到 {label}，但它并没有保存{peer}的任何记录：当时半连接队列已满，它用 SYN Cookie 作了回应。它把确认号减一（{abs} − 1 = {cookie}），再按这个四元组重新计算 Cookie，两者一致，于是重建连接，让它立即从 SYN_RECV 进入 ESTABLISHED。"
        ));
        s.why(
            "cookie-win",
            say!(
                cx,
                "That is the point of SYN cookies: answering forged SYNs costs the server no memory, yet a client that really completes the handshake still gets in.",
                "这正是 SYN Cookie 的意义：回应伪造的 SYN 不占用服务器的内存，而真正完成握手的客户端照样能连上。"
            ),
        );
        return Some(s);
    }
    let mut s = Story::new(say!(
        cx,
        "{subj} receives the ACK: the handshake is complete and both sides are ESTABLISHED.",
        "{who}收到 ACK：三次握手完成，双方都进入 ESTABLISHED。"
    ));
    let queue = if ep.accepted() {
        say!(cx, "where accept() picks it up", "accept() 随即把它交给应用程序")
    } else {
        say!(cx, "where it waits for accept()", "等待应用调用 accept()")
    };
    s.main(say!(
        cx,
        "{subj} receives {label}: ack={a} covers its SYN, so the SYN-ACK arrived and {peer} can receive. {subj} moves from SYN_RECV to ESTABLISHED, and the connection leaves the SYN queue for the accept queue, {queue}.",
        "{who}收到 {label}：ack={a} 确认了它的 SYN，说明 SYN+ACK 已经送达，{peer}能够接收。{who}从 SYN_RECV 进入 ESTABLISHED，连接从半连接队列移入全连接队列，{queue}。"
    ));
    if !cx.seen_change(ep.first, State::SynReceived, State::Established) {
        s.why(
            "hs-done",
            say!(
                cx,
                "Now both sides know that both directions work: the three-way handshake is complete.",
                "至此双方都知道两个方向都畅通无阻：三次握手完成。"
            ),
        );
    }
    Some(s)
}

/// The scenario puts an old duplicate SYN on the wire.
pub(crate) fn inject(cx: &Cx<'_>, ep: &Ep) -> Option<Story> {
    let &seg = ep.sent.first()?;
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let o = cx.seg(seg);
    let old = o.repr.seq.0;
    let peer = cx.dst_name(seg);
    if !o.repr.flags.contains(Flags::SYN) || o.repr.flags.contains(Flags::ACK) {
        let label = cx.label(seg);
        let mut s = Story::new(say!(
            cx,
            "A stray {label} appears on the wire, addressed to {peer}.",
            "网络中出现了一个发往{peer}的游离报文段 {label}。"
        ));
        s.main(say!(
            cx,
            "A stray {label} appears on the wire, addressed to {peer}. It carries {who}'s addresses and ports but was not sent by {who}'s connection: an old duplicate, or a blind attacker's guess.",
            "网络中出现了一个发往{peer}的游离报文段 {label}。它带着{who}的地址和端口，却不是{who}的连接发出的：可能是旧的重复报文段，也可能是攻击者盲猜伪造的。"
        ));
        return Some(s);
    }
    let mut s = Story::new(say!(
        cx,
        "An old duplicate SYN (seq={old}) from an earlier attempt is still in the network.",
        "一个来自早先连接尝试的旧 SYN（seq={old}）仍在网络中游荡。"
    ));
    s.main(say!(
        cx,
        "A stale SYN appears on the wire: seq={old} belongs to an earlier connection attempt by {who} and has been wandering in the network until now.",
        "网络里出现了一个过时的 SYN：seq={old} 属于{who}早先的一次连接尝试，它一直在网络中滞留到现在。"
    ));
    let real = cx.t.segments.iter().find(|r| {
        r.from == ep.host && r.dst == o.dst && r.repr.flags.contains(Flags::SYN) && !r.injected && r.extra_delay_us > 0
    });
    if let Some(r) = real {
        let seq = r.repr.seq.0;
        let d = cx.dur(tcp_core::Duration::from_micros(r.extra_delay_us));
        s.main(say!(
            cx,
            "{subj}'s real SYN (seq={seq}) is held up for {d} on the way, so the old one will reach {peer} first.",
            "{who}真正的 SYN（seq={seq}）在路上被耽搁了 {d}，所以旧的会先到达{peer}。"
        ));
    }
    // Relative numbering keeps it absolute when it opened no space of ours (see Trace::relative).
    if cx.relative && cx.seq(seg) == old {
        s.detail(say!(
            cx,
            "In relative numbers {who}'s real SYN reads seq=0, counted from its ISN. This one belongs to no connection {who} still has, so it keeps its number from the wire: seq={old}.",
            "按相对序号，{who}真正的 SYN 从它的 ISN 起算，显示为 seq=0。这个旧 SYN 不属于{who}现有的任何连接，所以保留线路上的原值：seq={old}。"
        ));
    }
    Some(s)
}

/// Whether a forged segment is a flood's SYN, from an address no host of the run has (a
/// scenario's `inject` with `spoof` claims a host's address instead: [`spoofed`]).
fn from_flood(cx: &Cx<'_>, o: &tcp_sim::trace::Segment) -> bool {
    o.forged && cx.t.hosts.iter().all(|h| h.addr != *o.src.ip())
}

/// An attacker's forged segment: a flood's SYN, or one claiming a host's address ([`spoofed`]).
pub(crate) fn forged(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    if !from_flood(cx, cx.seg(seg)) {
        return spoofed(cx, ep, seg);
    }
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let src = cx.seg(seg).src.ip().to_string();
    let k = cx.t.segments[..=seg.index()].iter().filter(|o| from_flood(cx, o)).count();
    let n = cx.t.segments.iter().filter(|o| from_flood(cx, o)).count();
    let mut s = Story::new(say!(
        cx,
        "{subj} sends forged SYN {k} of {n}, from {src}.",
        "{who}发出第 {k} 个伪造的 SYN（共 {n} 个），冒充 {src}。"
    ));
    if k == 1 {
        s.main(say!(
            cx,
            "{subj} sends a SYN with a forged source address, {src}. Nobody at that address will ever answer the server's SYN-ACK, so each such SYN the server takes in leaves a half-open connection behind.",
            "{who}以伪造的源地址 {src} 发出一个 SYN。那个地址上没有任何主机会回应服务器的 SYN+ACK，所以服务器每接纳一个这样的 SYN，就会留下一个半连接。"
        ));
        s.why(
            "flood",
            say!(
                cx,
                "This is a SYN flood. It is cheap for {who}, who keeps no state at all, but each forged SYN the server takes in costs it a place in its SYN queue and a series of SYN-ACK retransmissions, until it gives up on it.",
                "这就是 SYN 洪泛。{who}自己不保存任何状态，成本极低；服务器每接纳一个伪造的 SYN，就要为它占用半连接队列中的一个位置，还要反复重传 SYN+ACK，直到放弃为止。"
            ),
        );
    } else {
        s.main(say!(
            cx,
            "Forged SYN {k} of {n}, this time claiming to come from {src}.",
            "第 {k} 个伪造的 SYN（共 {n} 个），这次冒充 {src}。"
        ));
    }
    s
}

/// A segment an attacker made up and sent with another host's address and port (a scenario's
/// `inject` with `spoof`): a blind attacker, off the path, guessing the numbers.
fn spoofed(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let o = cx.seg(seg);
    let label = cx.label(seg);
    let claimed = cx.addr(*o.src.ip());
    let peer = cx.dst_name(seg);
    let mut s = Story::new(say!(
        cx,
        "{subj} forges {label} in {claimed}'s name and sends it to {peer}.",
        "{who}冒充{claimed}伪造了 {label}，发给{peer}。"
    ));
    s.main(say!(
        cx,
        "{subj} is not on the path between {claimed} and {peer}, so it sees none of their segments and does not know their sequence numbers. It writes {claimed}'s address and port into a segment of its own, {label}, and hopes that the guessed numbers will pass {peer}'s checks.",
        "{who}不在{claimed}和{peer}之间的路径上，看不到它们的任何报文段，也不知道它们的序号。它把{claimed}的地址和端口填进自己造的报文段 {label}，寄希望于猜出的序号能通过{peer}的检查。"
    ));
    let flags = o.repr.flags;
    let aim = if flags.contains(Flags::RST) {
        Some(say!(
            cx,
            "A reset that {peer} accepted would end the connection at once, although neither application asked for it: a blind reset attack. Whether it works depends on how strictly {peer} checks a reset's sequence number.",
            "只要{peer}接受了这个复位，连接就会立刻终止，尽管双方的应用都没有要求关闭：这就是盲复位攻击。它能否得逞，取决于{peer}对复位的序号检查得有多严。"
        ))
    } else if flags.contains(Flags::SYN) {
        Some(say!(
            cx,
            "A SYN that {peer} took as a sign of trouble on an open connection could make it reset the connection: the same blind attack with a SYN. Whether it works depends on how {peer} answers a SYN on a connection that is already open.",
            "如果{peer}把已打开连接上的这个 SYN 当成出错的信号，就可能复位连接：这是用 SYN 发动的同一种盲攻击。它能否得逞，取决于{peer}如何回应已打开连接上的 SYN。"
        ))
    } else {
        None
    };
    if let Some(aim) = aim {
        s.why("blind", aim);
    }
    s
}

/// What a host that received a segment forged in a host's name (`inject` with `spoof`) could
/// not know: taken, the numbers were right, so nothing told it from the real peer's; answered,
/// the answer goes to the host whose address it carries, not to the attacker.
pub(crate) fn forgery_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<String> {
    use tcp_core::event::Reply;
    let o = cx.seg(seg);
    // A listener's story of a forged SYN says it already (`syn_at_listener`).
    let at_listener = o.repr.flags.contains(Flags::SYN) && !o.repr.flags.contains(Flags::ACK);
    if !o.forged || from_flood(cx, o) || (at_listener && ep.rejected.is_none()) {
        return None;
    }
    let (who, attacker, label) = (cx.host(ep.host), cx.host(o.from), cx.label(seg));
    let claimed = cx.addr(*o.src.ip());
    match ep.rejected {
        None => Some(say!(
            cx,
            "{label} was forged by {attacker}, but it carries {claimed}'s address and port and numbers that pass {who}'s checks, so {who} cannot tell it from a segment of {claimed}'s own and takes it as one.",
            "{label} 是{attacker}伪造的，但它带着{claimed}的地址和端口，序号也通过了{who}的检查，所以{who}无法把它和{claimed}自己发的报文段区分开，照单全收。"
        )),
        // The challenge ACK's own story says where it goes and why.
        Some((_, Reply::Nothing | Reply::RateLimited | Reply::ChallengeAck)) => None,
        Some(_) => Some(say!(
            cx,
            "The answer goes to {claimed}, whose address the forged segment carries: {attacker}, off the path, never sees it.",
            "这个回应发往{claimed}，因为伪造的报文段上写的是它的地址：不在路径上的{attacker}根本看不到。"
        )),
    }
}

/// A SYN that met an old connection in TIME_WAIT on the same addresses and ports and was taken
/// as a new connection (RFC 6191; `tcp_core::Config::time_wait_syn`): TIME_WAIT ends early and
/// the listening socket answers. Numbers are the ones on the wire: the two incarnations count
/// from different ISNs.
fn time_wait_gives_way(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let s_in = cx.seg(seg);
    let reply_seg = ep.sent.first().copied();
    let reply = reply_seg.map_or_else(String::new, |r| cx.label(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} ends TIME_WAIT early: the SYN starts a new connection, answered with {reply}.",
        "{who}提前结束了 TIME_WAIT：这个 SYN 开启了一个新连接，{who}回复 {reply}。"
    ));
    // The old incarnation: the latest other connection of this host on the same 4-tuple.
    let old = (0..cx.t.conns.len()).rev().map(ConnId).find(|&c| {
        let info = &cx.t.conns[c];
        Some(c) != s_in.received_by && info.host == ep.host && info.local == s_in.dst && info.remote == s_in.src
    });
    let end_of = |pick: &dyn Fn(&tcp_sim::trace::Segment) -> bool| {
        cx.t.segments
            .iter()
            .filter(|o| pick(o))
            .map(|o| o.repr.seq + o.repr.segment_len(o.payload.len()))
            .reduce(|a, b| if b > a { b } else { a })
    };
    let expected = old.and_then(|c| end_of(&|o| o.received_by == Some(c) && o.to == Some(ep.host)));
    let seq = s_in.repr.seq.0;
    s.main(say!(
        cx,
        "The SYN from {peer} uses the same addresses and ports as the connection that {who} closed a moment ago and still holds in TIME_WAIT. TIME_WAIT exists to keep old segments of that connection from being taken for new ones, so {who} first checks that this SYN is no such leftover.",
        "{peer}发来的 SYN 与{who}刚刚关闭、仍处于 TIME_WAIT 的那个连接使用同样的地址和端口。TIME_WAIT 存在的意义，就是不让旧连接的残留报文段被误当作新连接的报文段，所以{who}先要确认这个 SYN 不是这种残留。"
    ));
    match expected {
        Some(next) if s_in.repr.seq > next => s.main(say!(
            cx,
            "It is not: its sequence number on the wire, {seq}, lies above {next}, the next one the old connection expected, so no segment of the old connection can look like it. {subj} closes the old connection and hands the SYN to its listening socket, which answers {reply} (RFC 1122 §4.2.2.13, RFC 6191).",
            "它不是：它在线路上的序号 {seq} 大于旧连接期望的下一个序号 {next}，旧连接的任何报文段都不可能和它混淆。于是{who}关闭旧连接，把这个 SYN 交给监听套接字，由它回复 {reply}（RFC 1122 §4.2.2.13、RFC 6191）。"
        )),
        Some(next) => s.main(say!(
            cx,
            "Its sequence number on the wire, {seq}, is not above {next}, where the old connection left off, so the number alone could belong to an old segment. But the SYN carries a timestamp newer than any the old connection received, and an old segment's would be older. That is enough (RFC 6191): {who} closes the old connection and hands the SYN to its listening socket, which answers {reply}.",
            "它在线路上的序号 {seq} 并不大于旧连接停下的位置 {next}，单看序号，它可能是旧报文段。但这个 SYN 带的时间戳比旧连接收到过的都新，而旧报文段的时间戳只会更旧。这就足够了（RFC 6191）：{who}关闭旧连接，把这个 SYN 交给监听套接字，由它回复 {reply}。"
        )),
        None => s.main(say!(
            cx,
            "{subj} closes the old connection and hands the SYN to its listening socket, which answers {reply}.",
            "{who}关闭旧连接，把这个 SYN 交给监听套接字，由它回复 {reply}。"
        )),
    }
    let sent_end = old.and_then(|c| end_of(&|o| o.conn == Some(c)));
    if let (Some(r), Some(sent_end)) = (reply_seg, sent_end) {
        let iss = cx.seg(r).repr.seq;
        if iss == sent_end + 65537 {
            let (iss, sent_end) = (iss.0, sent_end.0);
            s.detail(say!(
                cx,
                "As Linux does, it also derives the new connection's initial sequence number from the old one: {iss}, 65537 above {sent_end}, the end of what the old connection sent, so that none of {who}'s own old segments can fit the new connection either.",
                "它还像 Linux 那样，根据旧连接推出新连接的初始序号：{iss}，比旧连接发送过的末尾 {sent_end} 大 65537，这样{who}自己发出的旧报文段也不可能落进新连接。"
            ));
        }
    }
    s.why(
        "time-wait-reuse",
        say!(
            cx,
            "Without this rule, a client that reconnects from the same port would have to wait out the server's TIME_WAIT (60 s on Linux). A busy client reusing ports does exactly that; the check keeps it safe.",
            "如果没有这条规则，从同一端口重新连接的客户端就得等服务器的 TIME_WAIT 结束（Linux 上是 60 秒）。端口用得很紧的客户端正会这样复用端口，而上面的检查保证了这样做是安全的。"
        ),
    );
    s
}
