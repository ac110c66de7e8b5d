//! Segments a host did not accept as they were: the client's veto of an old SYN-ACK, resets
//! from closed ports, a full SYN queue, SYN cookies, duplicate SYNs, challenge ACKs (RFC 5961).

use alloc::string::String;
use tcp_core::event::{DropReason, Reply};
use tcp_core::{Flags, State};
use tcp_sim::trace::{AppCall, EventKind, Fate, HostId, SegId};

use crate::Story;
use crate::cx::{Cx, capitalize, say};
use crate::episode::Ep;
use crate::loss::why_again;

/// The story of segment `seg`, which the host of `ep` did not accept as it was (`reason`).
pub(crate) fn story(cx: &Cx<'_>, ep: &Ep, seg: SegId, reason: DropReason) -> Story {
    let mut s = story_of(cx, ep, seg, reason);
    // Linux restarts 2·MSL for any segment with ACK that reaches TIME_WAIT
    // (`Config::time_wait_restart_on_ack`), answered or not.
    if ep.state_at_start(cx) == Some(State::TimeWait) && ep.armed(tcp_core::Timer::TimeWait).is_some() {
        let (subj, who) = (cx.cap(ep.host), cx.host(ep.host));
        let tw = crate::close::tw_text(cx, ep);
        s.detail(say!(
            cx,
            "{subj} also restarts its 2·MSL timer, as Linux does for any segment with ACK that reaches TIME_WAIT: another {tw} from now.",
            "{who}还重新开始了 2MSL 计时（Linux 对到达 TIME_WAIT 的每个带 ACK 的报文段都会这样做）：从现在起再等 {tw}。"
        ));
    }
    s
}

fn story_of(cx: &Cx<'_>, ep: &Ep, seg: SegId, reason: DropReason) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let answer = ep.sent.first().copied();
    let reply_label = answer.map_or_else(String::new, |r| cx.label(r));
    if matches!(ep.rejected, Some((_, Reply::RateLimited))) {
        return rate_limited(cx, ep, seg);
    }
    if matches!(reason, DropReason::OutOfWindow | DropReason::SynOnSynchronized)
        && let Some(s) = synack_again(cx, ep, seg, reason, &reply_label)
    {
        return s;
    }
    match reason {
        DropReason::BadAckInSynSent => veto(cx, ep, seg),
        DropReason::DuplicateSyn => duplicate_syn(cx, ep, seg, &reply_label),
        DropReason::SynCookie => syn_cookie(cx, ep, seg, &reply_label),
        DropReason::SynQueueFull => queue_full(cx, ep, seg),
        DropReason::NoConnection => no_connection(cx, ep, seg, &reply_label),
        DropReason::AckInListen => {
            let mut s = short(say!(
                cx,
                "An ACK reaches {who}'s listening socket, but no half-open connection matches it, so {who} answers {reply_label}.",
                "一个 ACK 到达{who}的监听套接字，却没有对应的半连接，于是{who}回复 {reply_label}。"
            ));
            if let Some(why) = crate::gone::forgotten(cx, ep, seg) {
                s.why("forgotten", why);
            }
            s
        }
        DropReason::SynAckInListen => short(say!(
            cx,
            "A SYN-ACK reaches {who}'s listening socket, which sent no SYN: {who}'s stack ignores it and sends nothing back.",
            "一个 SYN+ACK 到达{who}的监听套接字，而{who}并没有发过 SYN：它的协议栈忽略这个报文段，不作任何回应。"
        )),
        DropReason::RstInTimeWait => rst_in_time_wait(cx, ep, seg),
        DropReason::AckedInTimeWait => acked_in_time_wait(cx, ep, seg, &reply_label),
        DropReason::RstInListen => rst_in_listen(cx, ep, seg),
        DropReason::Unexpected if cx.has(seg, Flags::SYN | Flags::FIN) => short(say!(
            cx,
            "{subj} receives {label}, a SYN that also carries FIN, a combination no real opening sends: its stack drops it without an answer.",
            "{who}收到 {label}：一个同时带 FIN 的 SYN，正常的建连不会这样发送。它的协议栈直接丢弃，不作回应。"
        )),
        DropReason::Unexpected => short(say!(
            cx,
            "{subj} receives {label}, which carries no SYN, ACK or RST where one is required: it is ignored.",
            "{who}收到 {label}，它在必须带 SYN、ACK 或 RST 的地方一个都没带：被直接忽略。"
        )),
        DropReason::RstWithoutAck => short(say!(
            cx,
            "{subj} is in SYN_SENT and receives {label}. The RST does not acknowledge {who}'s SYN, so it may belong to something else entirely: it is ignored.",
            "{who}处于 SYN_SENT，收到 {label}。这个 RST 没有确认{who}的 SYN，可能与本连接毫不相干：被忽略。"
        )),
        DropReason::OutOfWindow => out_of_window(cx, ep, seg, &reply_label),
        DropReason::RstNotExact => challenge_rst(cx, ep, seg, &reply_label),
        DropReason::SynOnSynchronized => challenge_syn(cx, ep, &reply_label),
        DropReason::SynInWindow => syn_in_window(cx, ep),
        DropReason::BadAckInSynReceived => short(say!(
            cx,
            "{subj} is in SYN_RECV, but {label} does not acknowledge its SYN-ACK: it answers {reply_label}.",
            "{who}处于 SYN_RECV，但 {label} 并没有确认它的 SYN+ACK：它回复 {reply_label}。"
        )),
        DropReason::AckOfUnsentData => short(say!(
            cx,
            "{label} acknowledges data {who} never sent, so it is dropped and answered with an ACK of where {who} stands: {reply_label}.",
            "{label} 确认了{who}从未发送过的数据，所以被丢弃，{who}回复一个表明自身进度的 ACK：{reply_label}。"
        )),
        DropReason::AckTooOld => short(say!(
            cx,
            "{label} acknowledges data older than {peer} could have seen (RFC 5961): it is dropped and answered with an ACK, {reply_label}.",
            "{label} 确认的数据比{peer}可能见过的还要旧（RFC 5961）：它被丢弃，{who}回复 ACK：{reply_label}。"
        )),
        DropReason::NoAck => short(say!(
            cx,
            "{label} has no ACK flag, but after the handshake every segment must carry one: {who} ignores it.",
            "{label} 没有设置 ACK 标志位，而握手之后的每个报文段都必须带上它：{who}忽略了这个报文段。"
        )),
        DropReason::OutOfOrder => {
            let want = answer.map_or(0, |r| cx.ack(r));
            short(say!(
                cx,
                "{label} arrives out of order: {who} expected seq={want}. It is not kept, and {who} repeats its last acknowledgment, a duplicate ACK: {reply_label}.",
                "{label} 乱序到达：{who}期望的是 seq={want}。这个报文段不予保留，{who}重复上一次的确认，即重复 ACK：{reply_label}。"
            ))
        }
        DropReason::DataAfterClose => short(say!(
            cx,
            "Data arrives after {who}'s application has closed the socket: nobody could ever read it, so {who} resets the connection with {reply_label}.",
            "数据在{who}的应用关闭套接字之后才到达：再也没有人会读取它，于是{who}用 {reply_label} 复位连接。"
        )),
        DropReason::DataAfterShutdownRead => crate::read_shutdown::data_reset(cx, ep, seg, &reply_label),
        DropReason::DiscardedAfterShutdownRead => crate::read_shutdown::data_discarded(cx, ep, seg),
        DropReason::AcceptQueueFull if cx.has(seg, Flags::SYN) && !cx.has(seg, Flags::ACK) => short(say!(
            cx,
            "{subj}'s accept queue (connections waiting for accept()) is full, so it drops {peer}'s SYN without an answer; {peer} will retry when its own timer expires.",
            "{who}的全连接队列（等待 accept() 的连接）已满，于是它丢弃{peer}的 SYN，不作任何回应；{peer}会在自己的定时器到期后重试。"
        )),
        DropReason::AcceptQueueFull if matches!(ep.rejected, Some((_, Reply::Reset))) => short(say!(
            cx,
            "{subj}'s accept queue (connections waiting for accept()) is full, and this stack resets rather than wait: it answers {label} with {reply_label} and forgets the half-open connection.",
            "{who}的全连接队列（等待 accept() 的连接）已满，而这个协议栈选择复位而不是等待：它用 {reply_label} 回应 {label}，并丢弃这个半连接。"
        )),
        DropReason::AcceptQueueFull => short(say!(
            cx,
            "{subj}'s accept queue (connections waiting for accept()) is full, so this ACK is dropped; the half-open connection stays in SYN_RECV and its SYN-ACK will be retransmitted.",
            "{who}的全连接队列（等待 accept() 的连接）已满，这个 ACK 被丢弃；半连接仍停在 SYN_RECV，之后会重传 SYN+ACK。"
        )),
        DropReason::BadCookie => short(say!(
            cx,
            "{label} does not carry a valid SYN cookie: {who} answers {reply_label}.",
            "{label} 带回的 SYN Cookie 无效：{who}回复 {reply_label}。"
        )),
    }
}

/// The same SYN again in SYN_RECV: the SYN-ACK goes again at once.
fn duplicate_syn(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply_label: &str) -> Story {
    let (who, subj, peer) = (cx.host(ep.host), cx.cap(ep.host), cx.src_name(seg));
    let mut s = Story::new(say!(
        cx,
        "{subj} gets the same SYN again and resends its SYN-ACK at once.",
        "{who}又收到同一个 SYN，立即重发 SYN+ACK。"
    ));
    s.main(say!(
        cx,
        "{subj} is still in SYN_RECV when the same SYN arrives again: {peer} evidently has not received the SYN-ACK. {subj} answers the repeated SYN with its SYN-ACK again at once ({reply_label}), whatever its own retransmission timer says.",
        "{who}仍在 SYN_RECV，同一个 SYN 又到了：显然{peer}没有收到 SYN+ACK。{who}没有等自己的定时器，而是立即重发 SYN+ACK（{reply_label}）。"
    ));
    s.why(
        "dup-syn",
        say!(
            cx,
            "The repeated SYN carries the same ISN as the first, so {who} recognizes it as a retransmission of the same request, not as a new connection.",
            "重发的 SYN 带着和第一次相同的 ISN，所以{who}能认出这是同一个请求的重传，而不是一个新连接。"
        ),
    );
    s
}

/// No socket for the segment: a refused SYN, a keep-alive probe to a forgotten connection, or
/// any other segment answered with a reset.
fn no_connection(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply_label: &str) -> Story {
    let (who, peer, label) = (cx.host(ep.host), cx.src_name(seg), cx.label(seg));
    let answer = ep.sent.first().copied();
    let port = cx.seg(seg).dst.port();
    if cx.has(seg, Flags::SYN) && !cx.has(seg, Flags::ACK) {
        let a = answer.map_or(0, |r| cx.ack(r));
        let mut s = Story::new(say!(
            cx,
            "Nobody listens on port {port}: {who} answers {reply_label}.",
            "端口 {port} 上没有程序监听：{who}回复 {reply_label}。"
        ));
        s.main(say!(
            cx,
            "No socket listens on port {port} of {who}, so its TCP itself answers {reply_label}. The ACK flag is on and ack={a} acknowledges the SYN, so that {peer} can trust the reset.",
            "{who}的端口 {port} 上没有套接字在监听，于是由 TCP 协议栈直接回复 {reply_label}。它设置了 ACK 标志位，ack={a} 确认了那个 SYN，这样{peer}才能相信这个复位。"
        ));
        s.why(
            "refused",
            say!(
                cx,
                "This is what “connection refused” looks like on the wire: a SYN answered by an RST, one round trip, and no retries.",
                "这就是“连接被拒绝”在线路上的样子：一个 SYN 换来一个复位（RST），一个往返就结束，不会重试。"
            ),
        );
        s
    } else if let Some(n) = cx.keepalive_probe(seg) {
        let peer_subj = capitalize(peer.clone());
        short(say!(
            cx,
            "{peer_subj}'s keep-alive probe {n}, {label}, reaches {who}, which has no connection for it any more: its TCP answers {reply_label}, as for any segment to a closed port.",
            "{peer}的第 {n} 次保活探测 {label} 到达{who}，可是{who}已经没有与之对应的连接：它的 TCP 回复 {reply_label}，和对待发往无人监听端口的任何报文段一样。"
        ))
    } else {
        let mut s = short(say!(
            cx,
            "No connection matches {label} any more, so {who} answers {reply_label}: the segment is refused.",
            "已经没有连接与 {label} 对应，于是{who}回复 {reply_label}，拒绝这个报文段。"
        ));
        if let Some(why) = crate::gone::forgotten(cx, ep, seg) {
            s.why("forgotten", why);
        }
        s
    }
}

/// A reset in TIME_WAIT, ignored (RFC 1337).
fn rst_in_time_wait(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj, label) = (cx.host(ep.host), cx.cap(ep.host), cx.label(seg));
    let mut s = Story::new(say!(
        cx,
        "{subj} is in TIME_WAIT and ignores {label} (RFC 1337).",
        "{who}处于 TIME_WAIT，忽略 {label}（RFC 1337）。"
    ));
    s.main(say!(
        cx,
        "{label} reaches {who} in TIME_WAIT. RFC 9293 would let a reset end TIME_WAIT at once, but this stack follows RFC 1337 (as FreeBSD does, and Linux with net.ipv4.tcp_rfc1337 = 1): it ignores the reset and waits out its 2MSL.",
        "{label} 到达处于 TIME_WAIT 的{who}。按 RFC 9293，复位会让 TIME_WAIT 立即结束；但这个协议栈遵循 RFC 1337（FreeBSD 如此，Linux 在 net.ipv4.tcp_rfc1337 = 1 时也如此）：它忽略这个复位，照样等满 2MSL。"
    ));
    s.why(
        "rfc1337",
        say!(
            cx,
            "TIME_WAIT exists so that old duplicates of this connection die out before the same four-tuple can be used again; a reset that cut it short (often a reply to such an old duplicate) would reopen that hazard. RFC 1337 calls it TIME-WAIT assassination.",
            "TIME_WAIT 的存在，是为了让这条连接残留的旧报文段在同一个四元组被再次使用之前消失；如果一个复位（往往正是对这种旧报文段的回应）能提前结束它，这个隐患就又回来了。RFC 1337 把这称为 TIME_WAIT 暗杀。"
        ),
    );
    s
}

/// A segment TIME-WAIT acknowledges at once without taking anything from it (Linux, FreeBSD:
/// `Config::time_wait_acks_segments`).
fn acked_in_time_wait(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply_label: &str) -> Story {
    let (who, subj, label) = (cx.host(ep.host), cx.cap(ep.host), cx.label(seg));
    // The connection's peer, also when an attacker forged the segment in its name.
    let peer = cx.addr(*cx.seg(seg).src.ip());
    let mut s = Story::new(say!(
        cx,
        "{subj} is in TIME_WAIT: it answers {label} with an ACK and takes nothing from it.",
        "{who}处于 TIME_WAIT：它用 ACK 回应 {label}，但不接收其中任何内容。"
    ));
    s.main(say!(
        cx,
        "{label} reaches {who} in TIME_WAIT. It is not {peer}'s FIN sent again, nor a copy of the ACK that ended the close, and the connection has nothing left to receive, so {who}'s stack answers at once with where it stands, {reply_label}: a peer that is behind, or confused, learns how the connection ended.",
        "{label} 到达处于 TIME_WAIT 的{who}。它既不是{peer}重发的 FIN，也不是结束关闭过程的那个 ACK 的副本，而这条连接已经不再接收任何数据，于是{who}的协议栈立即回复自己的当前进度 {reply_label}：落后或出了差错的对方由此得知连接是怎样结束的。"
    ));
    s
}

/// A reset on a listening socket: nothing to reset.
fn rst_in_listen(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj, label) = (cx.host(ep.host), cx.cap(ep.host), cx.label(seg));
    let mut s = short(say!(
        cx,
        "{subj} receives {label} on its listening socket. There is no connection it could reset, so the RST is ignored.",
        "{who}在监听套接字上收到 {label}。没有任何连接可供复位，所以这个 RST 被忽略。"
    ));
    s.headline = say!(
        cx,
        "{subj} ignores the RST: there is nothing left to reset.",
        "{who}忽略这个 RST：已经没有可复位的连接了。"
    );
    if cx.two_way() {
        s.detail(say!(
            cx,
            "This is the second RST: the first one has already torn the ghost connection down.",
            "这是第二个 RST：第一个已经把幽灵连接拆掉了。"
        ));
    }
    s
}

/// A reset inside the window but not at the next number: a challenge ACK (RFC 5961).
fn challenge_rst(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply_label: &str) -> Story {
    let (who, subj, label) = (cx.host(ep.host), cx.cap(ep.host), cx.label(seg));
    let answer = ep.sent.first().copied();
    let want = answer.map_or(0, |r| cx.ack(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} does not trust the RST: it sends a challenge ACK.",
        "{who}不信任这个 RST：回复一个挑战 ACK。"
    ));
    s.main(say!(
        cx,
        "{subj} receives {label}. Its sequence number is inside the window but not exactly the next one expected ({want}), so it might be a blind attacker's guess. Following RFC 5961, {who} does not reset; it sends a challenge ACK, {reply_label}.",
        "{who}收到 {label}。它的序号落在窗口内，但并不正好是期望的下一个序号（{want}），可能是攻击者盲猜的。按照 RFC 5961，{who}不执行复位，而是发送挑战 ACK：{reply_label}。"
    ));
    s.why(
        "challenge",
        say!(
            cx,
            "A genuine peer that has really lost the connection will answer the challenge ACK with an RST at exactly the right number; an attacker who cannot see the traffic cannot.",
            "如果对方真的已经丢失了连接，它会用序号完全正确的 RST 回应挑战 ACK；看不到通信内容的攻击者则做不到这一点。"
        ),
    );
    s
}

/// A SYN on a synchronized connection: a challenge ACK (RFC 5961).
fn challenge_syn(cx: &Cx<'_>, ep: &Ep, reply_label: &str) -> Story {
    let who = cx.host(ep.host);
    let state = ep.state_at_start(cx).map_or("CLOSED", Cx::st);
    let mut s = Story::new(say!(
        cx,
        "A SYN on an open connection: {who} answers with a challenge ACK.",
        "已建立的连接上来了一个 SYN：{who}回复挑战 ACK。"
    ));
    s.main(say!(
        cx,
        "A SYN arrives on a connection that is already {state}. It could come from a peer that restarted or from an attacker, so {who} does not reset the connection: it answers with a challenge ACK, {reply_label}, as RFC 5961 recommends.",
        "一个 SYN 到达了已处于 {state} 的连接。它可能来自重启过的对方主机，也可能来自攻击者，所以{who}不会因此复位连接，而是按 RFC 5961 的建议回复一个挑战 ACK：{reply_label}。"
    ));
    s.why(
        "challenge",
        say!(
            cx,
            "A peer that really restarted will find the challenge ACK makes no sense and answer it with an RST, whose sequence number is then exactly right.",
            "真正重启过的对方主机会发现这个挑战 ACK 莫名其妙，于是用 RST 回应，而这个 RST 的序号必然完全正确。"
        ),
    );
    s
}

/// RFC 793's answer to a SYN in the window (`Config::syn_in_window_resets`): a reset.
fn syn_in_window(cx: &Cx<'_>, ep: &Ep) -> Story {
    let who = cx.host(ep.host);
    let state = ep.state_at_start(cx).map_or("CLOSED", Cx::st);
    let mut s = Story::new(say!(
        cx,
        "A SYN inside the window: {who} resets the connection, as RFC 793 says.",
        "窗口内来了一个 SYN：{who}按 RFC 793 复位了连接。"
    ));
    s.main(say!(
        cx,
        "A SYN arrives inside the receive window of a connection that is {state}. Under RFC 793 that is an error: {who} sends an RST and closes the connection.",
        "一个 SYN 落在了处于 {state} 的连接的接收窗口内。按 RFC 793，这是一个错误：{who}发出 RST 并关闭连接。"
    ));
    s.why(
        "blind",
        say!(
            cx,
            "Any SYN whose sequence number lands in the window is enough, so an attacker who cannot see the traffic only has to guess roughly. RFC 5961 replaced this rule with a challenge ACK for that reason.",
            "只要序号落在窗口内的 SYN 就能做到这一点，看不到流量的攻击者只需大致猜中序号。正因如此，RFC 5961 把这条规则改成了回复挑战 ACK。"
        ),
    );
    s
}

/// An answer the profile's limit withheld (RFC 5961 §7 ACK throttling).
fn rate_limited(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let label = cx.label(seg);
    let mut s = Story::new(say!(
        cx,
        "{subj} drops {label} and, this time, does not answer.",
        "{who}丢弃 {label}，这一次没有回复。"
    ));
    s.main(say!(
        cx,
        "{subj} cannot accept {label}, and would normally answer with an ACK saying where it stands. It has already sent as many such answers as its stack allows for now, so it stays silent: two ends that disagree would otherwise answer each other's ACKs forever. RFC 5961 asks for such a limit on challenge ACKs, and stacks apply one to every answer of this kind: Linux, for one, sends at most one per 500 ms.",
        "{who}不能接受 {label}，通常会回一个 ACK 说明自己的进度。但它近来发出的这类回复已达到协议栈允许的上限，所以这次保持沉默：否则两端意见不一时，会无休止地互相回复对方的 ACK。RFC 5961 要求对挑战 ACK 限速，各协议栈对这一类回复都加了限制：例如 Linux 每 500 毫秒最多回一次。"
    ));
    s
}

/// A story of one plain paragraph, which is also its headline.
fn short(text: String) -> Story {
    let mut s = Story::new(text.clone());
    s.main(text);
    s
}

/// In SYN_SENT, an acknowledgment of some other SYN: the client's RST veto.
fn veto(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let label = cx.label(seg);
    let rst = ep.sent.first().map_or_else(|| String::from("RST"), |&r| cx.label(r));
    let got = cx.seg(seg).repr.ack.0;
    // The connection's ISS, as the trace records it.
    let isn = ep.conn.and_then(|c| cx.t.conns.get(c.index())?.iss).map(|iss| iss.0);
    let Some(isn) = isn else {
        let mut s = Story::new(say!(cx, "{subj} vetoes a segment with {rst}.", "{who}用 {rst} 否决了一个报文段。"));
        s.main(say!(
            cx,
            "{subj} is in SYN_SENT and receives {label}, whose acknowledgment does not match its SYN: it answers {rst}.",
            "{who}处于 SYN_SENT，收到 {label}，其确认号与自己的 SYN 对不上：它回复 {rst}。"
        ));
        return s;
    };
    let want = isn.wrapping_add(1);
    let is_synack = cx.has(seg, Flags::SYN);
    let mut s = Story::new(say!(
        cx,
        "{subj} sees ack={got}, not {want}: it vetoes the stale connection with {rst}.",
        "{who}看到的是 ack={got}，而不是 {want}：它用 {rst} 否决这个过时的连接。"
    ));
    if is_synack {
        s.main(say!(
            cx,
            "{subj} is in SYN_SENT and receives {label}. It expects ack={want}, since its SYN had seq={isn}, but this one acknowledges {got}: it answers a SYN {who} is no longer using. {subj} vetoes it with {rst} and keeps waiting for the right answer.",
            "{who}处于 SYN_SENT，收到 {label}。它期望的是 ack={want}（它的 SYN 序号为 {isn}），而这个报文段确认的却是 {got}：它回应的是一个{who}已经不再使用的 SYN。{who}用 {rst} 否决它，继续等待正确的回应。"
        ));
    } else {
        s.headline = say!(
            cx,
            "{subj} vetoes the ghost's data with another {rst}.",
            "{who}用又一个 {rst} 否决幽灵连接发来的数据。"
        );
        s.main(say!(
            cx,
            "Next comes {label}, data on the ghost connection. Its ack={got} does not match {who}'s SYN either, so {who} answers with another {rst}.",
            "接着到达的是 {label}，也就是幽灵连接上的数据。它的 ack={got} 同样与{who}的 SYN 对不上，于是{who}又回复了一个 {rst}。"
        ));
        return s;
    }
    // The label shows the old space's numbers as they are on the wire (an injected SYN opened it).
    if cx.relative && cx.ack(seg) == got {
        s.detail(say!(
            cx,
            "In relative numbers the answer to {who}'s own SYN would read ack=1. This one acknowledges the old SYN, whose numbers belong to no connection {who} still has, so they stay as they are on the wire: ack={got}.",
            "按相对序号，回应{who}自己那个 SYN 的确认号会显示为 ack=1。而这个报文段确认的是旧 SYN，旧 SYN 的序号不属于{who}现有的任何连接，所以保持线路上的原值：ack={got}。"
        ));
    }
    if cx.two_way() {
        s.why(
            "veto",
            say!(
                cx,
                "The veto comes too late for this server: with its two-way handshake it is already ESTABLISHED on the stale SYN, and its application has accepted the connection. The RST can still tear the ghost down, but only if it arrives.",
                "对这台服务器来说，否决来得太晚了：它用的是两次握手，早已凭这个过时的 SYN 进入 ESTABLISHED，应用也已接受了连接。RST 仍能拆掉这个幽灵连接，但前提是它能送达。"
            ),
        );
    } else {
        s.why(
            "veto",
            say!(
                cx,
                "This veto is why the handshake needs its third step: only the client knows which of its SYNs is current, so the server must wait for the client's word before it commits. With a two-way handshake the server would already be ESTABLISHED on this stale SYN.",
                "这次否决正是握手需要第三步的原因：只有客户端知道自己哪个 SYN 才是当前有效的，所以服务器必须等客户端表态之后才能真正建立连接。如果只有两次握手，服务器此时早已凭这个过时的 SYN 进入 ESTABLISHED 了。"
            ),
        );
    }
    s
}

fn syn_cookie(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply: &str) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let first = !cx.earlier(ep.first, |e| matches!(e.kind, EventKind::Rejected { reason: DropReason::SynCookie, .. }));
    let forged = cx.seg(seg).forged;
    let mut s = Story::new(say!(
        cx,
        "SYN queue full: {who} answers with a SYN cookie and keeps nothing.",
        "半连接队列已满：{who}用 SYN Cookie 回应，不保存任何状态。"
    ));
    if first {
        s.main(say!(
            cx,
            "{subj}'s SYN queue is full, but SYN cookies are on: it answers anyway with {reply}, and keeps no state at all for {peer}.",
            "{who}的半连接队列已满，但它开启了 SYN Cookie：照样回复 {reply}，但不为{peer}保存任何状态。"
        ));
        s.why(
            "cookie",
            say!(
                cx,
                "The sequence number of that SYN-ACK is the cookie: a keyed hash of the addresses, the ports and a coarse clock, which {who} can recompute and check when an ACK comes back carrying it plus one.",
                "这个 SYN+ACK 的序号就是 Cookie：由地址、端口和一个粗粒度时钟经带密钥的哈希算出；当 ACK 带着“Cookie 加一”回来时，{who}可以重新计算并核对。"
            ),
        );
    } else if forged {
        s.main(say!(
            cx,
            "The queue is still full: another SYN cookie, for {peer}, which costs {who} no memory.",
            "队列仍然是满的：又一个 SYN Cookie，这次给 {peer}，不占用{who}任何内存。"
        ));
    } else {
        s.main(say!(
            cx,
            "This time the SYN is {peer}'s genuine one. The queue is still full of forged entries, but thanks to the cookie {who} answers it anyway: {reply}.",
            "这一次是{peer}真正的 SYN。队列里仍塞满了伪造的条目，但有了 SYN Cookie，{who}照样回应它：{reply}。"
        ));
        s.why(
            "cookie-real",
            say!(
                cx,
                "Without cookies this SYN would simply have been dropped, and {peer} locked out until the forged entries expired.",
                "如果没有 SYN Cookie，这个 SYN 就会被直接丢弃，{peer}只能等到伪造的条目过期后才能连上。"
            ),
        );
    }
    s
}

fn queue_full(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let n = cx.half_open(ep.host, ep.first);
    let peer_subj = capitalize(peer.clone());
    let forged = cx.seg(seg).forged;
    let retry = cx.seg(seg).retransmission;
    let mut s = Story::new(say!(
        cx,
        "SYN queue full ({n} half-open): {who} drops the SYN from {peer}.",
        "半连接队列已满（{n} 个半连接）：{who}丢弃了来自{peer}的 SYN。"
    ));
    if forged {
        s.main(say!(
            cx,
            "{subj}'s SYN queue is full with {n} half-open connections, and SYN cookies are off, so this forged SYN is dropped without an answer.",
            "{who}的半连接队列已被 {n} 个半连接占满，又没有开启 SYN Cookie，所以这个伪造的 SYN 被直接丢弃，不作回应。"
        ));
        return s;
    }
    if retry {
        s.main(say!(
            cx,
            "{peer_subj}'s retransmitted SYN meets the same full queue ({n} half-open connections) and is dropped again.",
            "{peer}重传的 SYN 碰上的仍是已满的队列（{n} 个半连接），又被丢弃了。"
        ));
        return s;
    }
    s.main(say!(
        cx,
        "{subj}'s SYN queue is full: {n} half-open connections, all waiting for ACKs that will never come. Without SYN cookies it can only drop this SYN silently.",
        "{who}的半连接队列已满：{n} 个半连接都在等待永远不会到来的 ACK。没有 SYN Cookie，它只能悄悄丢弃这个 SYN。"
    ));
    s.why(
        "flood-harm",
        say!(
            cx,
            "This is the harm of a SYN flood: {peer}'s legitimate SYN is thrown away. {peer_subj} hears nothing and can only retry when its RTO expires, while netstat on the server shows a screen full of SYN_RECV. SYN cookies avoid this by keeping no state until the ACK returns.",
            "这正是 SYN 洪泛的危害：{peer}合法的 SYN 被丢弃了。{peer}什么也收不到，只能等 RTO 到期后重试；此时在服务器上运行 netstat，会看到满屏的 SYN_RECV。SYN Cookie 的办法是在 ACK 回来之前不保存任何状态。"
        ),
    );
    s
}

/// The peer's SYN-ACK again, reaching an end that is ESTABLISHED already: its third segment was
/// dropped by a full accept queue, or lost (the SYN-ACK sent again on timeout), or the network
/// copied something (no loss). The answer is an ACK of where it stands: for RFC 9293 because
/// the SYN-ACK lies before the window (`OutOfWindow`), on Linux and FreeBSD the challenge ACK
/// any SYN on an open connection gets (`SynOnSynchronized`, `Config::syn_challenged_before_window`).
fn synack_again(cx: &Cx<'_>, ep: &Ep, seg: SegId, reason: DropReason, reply: &str) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let state = ep.state_at_start(cx);
    let irs = ep.conn.and_then(|c| cx.t.conns[c].synchronized).map(|sync| sync.negotiation.irs);
    let own_peers = irs == Some(cx.seg(seg).repr.seq);
    if !(cx.has(seg, Flags::SYN | Flags::ACK) && state == Some(State::Established) && own_peers) {
        return None;
    }
    let overflowed = |peer_host: HostId| {
        cx.earlier(ep.first, |e| {
            e.host == peer_host && matches!(e.kind, EventKind::Rejected { reason: DropReason::AcceptQueueFull, .. })
        })
    };
    // Why it is answered with an ACK of where it stands.
    let why_ack = if reason == DropReason::SynOnSynchronized {
        say!(
            cx,
            "Like any SYN on an open connection, it gets a challenge ACK (RFC 5961 §4.2, whatever its sequence number), and a challenge ACK is an ACK of where {who} stands: {reply}.",
            "和已建立连接上的任何 SYN 一样，它得到一个挑战 ACK（RFC 5961 §4.2，不论序号如何），而挑战 ACK 就是表明{who}自身进度的 ACK：{reply}。"
        )
    } else {
        say!(
            cx,
            "It is old news (its sequence number lies before the window), so {who} answers with an ACK of where it stands, {reply}.",
            "它已经过时（序号落在接收窗口之前），于是{who}回复一个表明自身进度的 ACK：{reply}。"
        )
    };
    if overflowed(cx.seg(seg).from) {
        let mut s = Story::new(say!(
            cx,
            "{subj} gets the SYN-ACK again and acknowledges it again: {reply}.",
            "{who}又收到 SYN+ACK，于是再确认一次：{reply}。"
        ));
        s.main(say!(
            cx,
            "{subj} has been ESTABLISHED since its third segment, but {peer} dropped that segment: its accept queue was full, so it still holds the connection in SYN_RECV and has now sent its SYN-ACK again. {why_ack}",
            "{who}自从发出第三次握手的报文段起就处于 ESTABLISHED，可是{peer}丢弃了那个报文段：它的全连接队列已满，所以这条连接在它那里仍是 SYN_RECV，现在它又重发了 SYN+ACK。{why_ack}"
        ));
        let (peer_host, peer_subj) = (cx.seg(seg).from, capitalize(peer.clone()));
        let accepting_again = cx.earlier(ep.first, |e| {
            e.host == peer_host && matches!(e.kind, EventKind::App { call: AppCall::StartAccepting, .. })
        });
        s.main(if accepting_again {
            say!(
                cx,
                "{peer_subj}'s application has called accept() again since, so the queue has room: this ACK can complete the handshake.",
                "{peer}的应用此后已经重新调用了 accept()，队列有了空位：这个 ACK 可以完成握手了。"
            )
        } else {
            say!(cx, "While the queue stays full, this one is dropped too.", "只要队列仍然是满的，这个 ACK 也会被丢弃。")
        });
        s.why(
            "accept-overflow",
            say!(
                cx,
                "The two ends disagree: {who} believes the connection is open and may already have sent data, all of it dropped, while {peer}'s application has not even been told of it. The SYN-ACK retransmissions keep the handshake alive until accept() makes room, or until {peer} gives up on them.",
                "两端的看法不一致：{who}认为连接已经建立，可能已经发出了数据，而这些数据全被丢弃了；{peer}的应用却根本还不知道有这条连接。SYN+ACK 的重传让握手维持下去，直到 accept() 腾出空间，或者{peer}的重传次数用完。"
            ),
        );
        return Some(s);
    }
    // The SYN-ACK again, not sent on timeout: the network's copy, or the answer to a copy of the
    // SYN. Nothing was lost.
    if !cx.sent_on_timeout(seg) {
        let why_again = why_again(cx, seg, || {
            let peer_subj = capitalize(peer.clone());
            Some(say!(
                cx,
                "{peer_subj} got {who}'s SYN twice and answered the copy with its SYN-ACK again.",
                "{peer}收到了两次{who}的 SYN，于是对副本也回复了一次 SYN+ACK。"
            ))
        })
        .unwrap_or_default();
        let mut s = Story::new(say!(
            cx,
            "{subj} gets the SYN-ACK again and answers with an ACK: {reply}.",
            "{who}又收到 SYN+ACK，回复一个 ACK：{reply}。"
        ));
        s.main(say!(
            cx,
            "{subj} is already ESTABLISHED when this second SYN-ACK arrives. {why_again} {why_ack}",
            "{who}已经处于 ESTABLISHED，第二个 SYN+ACK 才到达。{why_again}{why_ack}"
        ));
        return Some(s);
    }
    let mut s = Story::new(say!(
        cx,
        "{subj} gets the SYN-ACK again and repeats the lost third ACK: {reply}.",
        "{who}又收到 SYN+ACK，于是把丢失的第三个 ACK 再发一遍：{reply}。"
    ));
    s.main(say!(
        cx,
        "{subj} is already ESTABLISHED when the SYN-ACK arrives again: {peer} evidently never got the third segment. {why_ack} In effect, it is the lost third ACK sent again.",
        "{who}已经处于 ESTABLISHED，SYN+ACK 却又来了：显然{peer}没有收到第三个报文段。{why_ack}实际上，这就是把丢失的第三个 ACK 又发了一遍。"
    ));
    s.why(
        "third-ack-recovery",
        say!(
            cx,
            "Note who recovers here: not {who}, which never knew its ACK was lost (a bare ACK is not retransmitted), but {peer}, whose timer was still waiting for the handshake to finish.",
            "注意这里是谁在补救：不是{who}，它根本不知道自己的 ACK 丢了（单独的 ACK 不会重传）；而是{peer}，它的定时器一直在等待握手完成。"
        ),
    );
    Some(s)
}

fn out_of_window(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply: &str) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let state = ep.state_at_start(cx);
    if cx.window_probe(seg) {
        let mut s =
            Story::new(say!(cx, "{subj} answers the zero-window probe: {reply}.", "{who}回应零窗口探测：{reply}。"));
        s.main(say!(
            cx,
            "{label} is {peer}'s zero-window probe. Its sequence number lies just below {who}'s window, so {who} takes nothing from it and answers with an ACK of where it stands, {reply}, whose window field says how much room it has now.",
            "{label} 是{peer}的零窗口探测。它的序号正好落在{who}的接收窗口之前，所以{who}不从中接收任何东西，只回一个表明自身进度的 ACK：{reply}，其中的窗口字段说明它现在还有多少空间。"
        ));
        return s;
    }
    // The peer's FIN again, to an end that took it already (its states after a FIN; TIME_WAIT's
    // own answer is told elsewhere): sent again because its ACK went astray, or copied by the
    // network.
    let fin_again =
        cx.has(seg, Flags::FIN) && matches!(state, Some(State::CloseWait | State::LastAck | State::Closing));
    let why_fin_again = if fin_again {
        why_again(cx, seg, || {
            cx.seg(seg).retransmission.then(|| {
                say!(
                    cx,
                    "Its ACK has not reached {peer} (lost, or still on its way), so {peer}'s RTO sent the FIN again.",
                    "它的 ACK 没有到达{peer}（丢了，或者还在路上），于是{peer}的 RTO 到期后又发了一次 FIN。"
                )
            })
        })
    } else {
        None
    };
    if let Some(why_again) = why_fin_again {
        let st = state.map_or("CLOSED", Cx::st);
        let mut s = Story::new(say!(
            cx,
            "{subj} gets {peer}'s FIN again and acknowledges it again: {reply}.",
            "{who}又收到{peer}的 FIN，于是再确认一次：{reply}。"
        ));
        s.main(say!(
            cx,
            "{subj} took this FIN already: that is why it is in {st}. {why_again} It lies before {who}'s receive window and brings nothing new: {who} drops it and acknowledges the FIN once more, {reply}.",
            "{who}早已收到这个 FIN，所以才处于 {st}。{why_again}它落在{who}的接收窗口之前，没有带来任何新内容：{who}丢弃它，并再次确认这个 FIN：{reply}。"
        ));
        s.why(
            "fin-copy-answered",
            say!(
                cx,
                "A FIN takes up a sequence number, so every copy is answered, however soon after the last answer: like Linux's, the limit on answers to out-of-window segments (the throttle RFC 5961 §7 asks for) spares segments that carry data or a FIN.",
                "FIN 占用一个序号，所以每个副本都会得到回应，不管离上一次回应多近：和 Linux 一样，对窗口外报文段的回应限速（RFC 5961 §7 要求的限速）不限制携带数据或 FIN 的报文段。"
            ),
        );
        return s;
    }
    // Bytes again, which an earlier copy brought and the receiver took: sent again, or copied by
    // the network. An earlier segment left earlier, so has a smaller index.
    let this = cx.seg(seg);
    let bytes = this.payload.len();
    let taken_before = bytes > 0
        && !cx.has(seg, Flags::SYN)
        && !cx.has(seg, Flags::FIN)
        && cx.t.segments[..seg.index()].iter().enumerate().any(|(i, o)| {
            o.from == this.from
                && o.dst == this.dst
                && o.repr.seq == this.repr.seq
                && o.payload.len() == bytes
                && matches!(o.fate, Fate::Delivered { at } if at < ep.at)
                && !cx.earlier(
                    ep.first,
                    |e| matches!(e.kind, EventKind::Rejected { segment: Some(r), .. } if r.index() == i),
                )
        });
    if taken_before {
        let why_again = why_again(cx, seg, || {
            Some(say!(
                cx,
                "Its ACK has not reached {peer} (lost, or still on its way), so {peer} sent them again.",
                "它的 ACK 没有到达{peer}（丢了，或者还在路上），于是{peer}又发了一次。"
            ))
        })
        .unwrap_or_default();
        let mut s = Story::new(say!(
            cx,
            "{subj} gets the same {bytes} bytes again and acknowledges them again: {reply}.",
            "{who}又收到同样的 {bytes} 字节数据，于是再确认一次：{reply}。"
        ));
        s.main(say!(
            cx,
            "{subj} took these {bytes} bytes already ({label}). {why_again} They lie before {who}'s receive window and bring nothing new: {who} drops them, its application never sees them twice, and it acknowledges again, {reply}.",
            "{who}早已收到这 {bytes} 字节（{label}）。{why_again}它们落在{who}的接收窗口之前，没有带来任何新内容：{who}丢弃它们，应用不会读到两遍，并再次确认：{reply}。"
        ));
        return s;
    }
    let mut s = Story::new(say!(
        cx,
        "{subj} drops an out-of-window segment and answers {reply}.",
        "{who}丢弃一个窗口外的报文段，并回复 {reply}。"
    ));
    s.main(say!(
        cx,
        "{label} falls outside {who}'s receive window: an old duplicate or a stray. {subj} drops it and answers with an ACK of where it stands, {reply}.",
        "{label} 落在{who}的接收窗口之外：是旧的重复报文段或迷途的报文段。{who}丢弃它，并回复一个表明自身进度的 ACK：{reply}。"
    ));
    s
}
