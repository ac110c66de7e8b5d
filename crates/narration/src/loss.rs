//! Loss and timers: what each lost segment costs and how it is recovered, the retransmission
//! timeout and its doubling, the retry limit, delayed ACKs, zero-window probes and keep-alive.

use alloc::string::String;
use tcp_core::event::{Cause, CloseReason};
use tcp_core::{Duration, Flags, Instant, State, Timer};
use tcp_sim::trace::{EventKind, Fate, LossReason, Notice, SegId};

use crate::cx::{Cx, capitalize, say};
use crate::episode::Ep;
use crate::{Rank, Story};

/// The part a segment plays in the exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Syn,
    SynAck,
    /// The handshake's third segment.
    ThirdAck,
    Fin,
    /// A bare ACK of the peer's FIN.
    FinAck,
    /// The last ACK of the close, sent from TIME_WAIT: on entering it, or in answer to the
    /// peer's FIN again (not TIME_WAIT's answer to some other segment).
    FinalAck,
    Data,
    Rst,
    Ack,
}

pub(crate) fn role(cx: &Cx<'_>, seg: SegId) -> Role {
    let s = cx.seg(seg);
    let f = s.repr.flags;
    if f.contains(Flags::RST) {
        return Role::Rst;
    }
    if f.contains(Flags::SYN) {
        return if f.contains(Flags::ACK) { Role::SynAck } else { Role::Syn };
    }
    if f.contains(Flags::FIN) {
        return Role::Fin;
    }
    if !s.payload.is_empty() {
        return Role::Data;
    }
    let Some(ev) = cx.sent_event(seg) else {
        return Role::Ack;
    };
    let Some(conn) = s.conn else {
        return Role::Ack;
    };
    match cx.state_before(conn, ev) {
        Some(State::TimeWait) => {
            let answers_other = cx.answered(seg).is_some_and(|a| !cx.has(a, Flags::FIN));
            return if answers_other { Role::Ack } else { Role::FinalAck };
        }
        Some(State::CloseWait | State::Closing) => return Role::FinAck,
        _ => {}
    }
    let opened_now =
        cx.t.events[..ev].iter().rev().find(|e| e.conn == Some(conn) && matches!(e.kind, EventKind::State { .. }));
    match opened_now {
        Some(e)
            if e.at == s.sent_at
                && matches!(e.kind, EventKind::State { from: State::SynSent, to: State::Established, .. }) =>
        {
            Role::ThirdAck
        }
        _ => Role::Ack,
    }
}

/// The network's copy of `original` (the experiment's duplicate fault): an arrow, and a step, of
/// its own.
pub(crate) fn network_copy(cx: &Cx<'_>, seg: SegId, original: SegId) -> Story {
    let (label, to) = (cx.label(seg), cx.dst_name(seg));
    let gap = match (cx.seg(original).fate, cx.seg(seg).fate) {
        (Fate::Delivered { at: first }, Fate::Delivered { at: copy }) if copy > first => {
            let span = cx.span(first, copy);
            say!(cx, "{span} after the original", "比原件晚 {span}")
        }
        _ => say!(cx, "right behind the original", "紧跟在原件之后"),
    };
    let mut s = Story::new(say!(
        cx,
        "The network duplicates {label}: a copy follows it to {to}.",
        "网络重复了 {label}：一个副本跟着它发往{to}。"
    ));
    s.main(say!(
        cx,
        "This experiment duplicates {label} on the link, so {to} receives the same segment twice, the copy {gap}. Nothing in a TCP header tells a copy from the original: {to} judges the second one by its sequence number alone, as it would any old duplicate, and the steps that follow show what it makes of it.",
        "本实验在链路上重复了 {label}，所以{to}会收到两个相同的报文段，副本{gap}到达。TCP 首部里没有任何东西能区分副本和原件：{to}只能凭序号判断第二个，就像对待任何旧的重复报文段一样；接下来的步骤会显示它如何处理。"
    ));
    s
}

/// Why `seg` reaches its receiver again: the network's copy (the experiment's duplicate fault),
/// or else what `sent_again` says, if anything.
pub(crate) fn why_again(cx: &Cx<'_>, seg: SegId, sent_again: impl FnOnce() -> Option<String>) -> Option<String> {
    if cx.seg(seg).duplicate_of.is_some() {
        Some(say!(cx, "The network made this copy (a duplicate).", "这是网络造成的重复报文段。"))
    } else {
        sent_again()
    }
}

/// What the experiment's delay fault did to `seg`, as it arrives: held back on the link, from
/// when it left.
pub(crate) fn held_back(cx: &Cx<'_>, seg: SegId) -> Option<String> {
    let s = cx.seg(seg);
    if s.extra_delay_us == 0 {
        return None;
    }
    let (label, delay, left) =
        (cx.label(seg), cx.dur(Duration::from_micros(s.extra_delay_us)), cx.span(Instant::ZERO, s.sent_at));
    Some(say!(
        cx,
        "This experiment held {label} back {delay} on the link: it left at {left} and arrives only now.",
        "本实验让 {label} 在链路上多耽搁了 {delay}：它在 {left}发出，现在才到达。"
    ))
}

pub(crate) fn why_lost(cx: &Cx<'_>, seg: SegId, reason: LossReason) -> String {
    match reason {
        LossReason::Random => say!(cx, "random loss on the link", "链路上的随机丢包"),
        LossReason::LinkDown => say!(cx, "this link loses every segment", "这条链路会丢掉所有报文段"),
        LossReason::Fault => say!(cx, "dropped on purpose by this experiment", "被本实验故意丢弃"),
        LossReason::Outage { from, until } => {
            let (a, b) = (cx.span(Instant::ZERO, from), cx.span(Instant::ZERO, until));
            say!(
                cx,
                "the network between the hosts is cut from {a} to {b}, and nothing crosses it until it heals",
                "主机之间的网络从 {a} 到 {b} 中断，恢复之前什么都过不去"
            )
        }
        LossReason::NoSuchHost => {
            let dst = cx.seg(seg).dst.ip();
            say!(cx, "no host has the address {dst}", "地址 {dst} 上没有任何主机")
        }
        LossReason::HostDown => crate::gone::why_down(cx, seg),
        LossReason::InFlight => say!(cx, "still on its way when the run ended", "运行结束时仍在途中"),
    }
}

/// Whether the sender of `seg` gives up when its next retransmission timeout fires, instead of
/// trying again (the retry limit is reached): the trace says so by the connection's closing at
/// that instant.
fn gives_up_next(cx: &Cx<'_>, seg: SegId) -> bool {
    let (Some(conn), Some(sent)) = (cx.seg(seg).conn, cx.sent_event(seg)) else { return false };
    let events = &cx.t.events[sent..];
    let Some(fired) = events
        .iter()
        .find(|e| e.conn == Some(conn) && matches!(e.kind, EventKind::TimerFired { timer: Timer::Retransmit, .. }))
    else {
        return false;
    };
    events.iter().any(|e| {
        e.conn == Some(conn)
            && e.at == fired.at
            && matches!(e.kind, EventKind::Notified { notice: Notice::Closed { reason: CloseReason::TimedOut } })
    })
}

/// The retransmission timeout that will recover `seg`, if one is running on its sender.
fn rto_for(cx: &Cx<'_>, seg: SegId) -> Option<Duration> {
    let s = cx.seg(seg);
    let ev = cx.sent_event(seg)?;
    let (_, deadline, _) = cx.last_armed(s.conn?, Timer::Retransmit, ev)?;
    Some(deadline - s.sent_at)
}

/// Adds a paragraph (and the headline) for each segment lost in this episode.
pub(crate) fn add_losses(cx: &Cx<'_>, ep: &Ep, s: &mut Story) {
    for &(seg, reason) in &ep.lost {
        let (text, headline) = lost(cx, ep, seg, reason);
        let at = s.paras.iter().position(|p| p.rank != Rank::Main).unwrap_or(s.paras.len());
        s.paras.insert(at, crate::Para { rank: Rank::Main, key: None, text });
        s.headline = headline;
    }
}

fn lost(cx: &Cx<'_>, ep: &Ep, seg: SegId, reason: LossReason) -> (String, String) {
    let o = cx.seg(seg);
    let who = cx.host(o.from);
    let subj = capitalize(who.clone());
    let peer = cx.dst_name(seg);
    let peer_subj = capitalize(peer.clone());
    let label = cx.label(seg);
    let why = why_lost(cx, seg, reason);
    let rto = rto_for(cx, seg).map_or_else(|| String::from("RTO"), |d| cx.dur(d));
    let again = o.retransmission;
    let lost_before = again
        && cx.t.segments[..seg.index()].iter().any(|p| {
            p.src == o.src
                && p.dst == o.dst
                && p.repr.seq == o.repr.seq
                && p.repr.flags == o.repr.flags
                && p.delivered_at().is_none()
        });
    let headline = if reason == LossReason::NoSuchHost && again {
        let dst = o.dst.ip();
        say!(
            cx,
            "{subj} sends {label} to {dst} again: still nobody there.",
            "{who}再次向 {dst} 发送 {label}：那里仍然没有主机。"
        )
    } else if reason == LossReason::NoSuchHost {
        let dst = o.dst.ip();
        say!(
            cx,
            "{subj} sends {label} to {dst}, where nobody lives: it is lost.",
            "{who}向 {dst} 发出 {label}，但那里没有主机：报文段丢失。"
        )
    } else if lost_before {
        say!(cx, "{subj} sends {label} again, and it is lost again.", "{who}再次发出 {label}，又丢了。")
    } else {
        match role(cx, seg) {
            Role::ThirdAck => {
                say!(cx, "The third segment of the handshake, {label}, is lost.", "第三次握手的报文段 {label} 丢失了。")
            }
            Role::FinalAck => say!(
                cx,
                "{subj}'s last ACK of the close, {label}, is lost.",
                "{who}在关闭过程中的最后一个 ACK（{label}）丢失了。"
            ),
            _ => say!(cx, "{subj} sends {label}, but it is lost.", "{who}发出 {label}，但它丢失了。"),
        }
    };
    if lost_before && reason != LossReason::NoSuchHost {
        let text = if gives_up_next(cx, seg) {
            say!(
                cx,
                "This copy is lost as well ({why}). It was the last retry: if nothing comes back within {rto}, {who} gives up.",
                "这一次又丢了（{why}）。这已是最后一次重试：{rto}内再收不到回应，{who}就会放弃。"
            )
        } else {
            say!(
                cx,
                "This copy is lost as well ({why}); the next try comes in {rto}.",
                "这一次又丢了（{why}）；下一次重试在 {rto}之后。"
            )
        };
        return (text, headline);
    }
    let first_nobody = reason == LossReason::NoSuchHost
        && !cx.earlier(ep.first, |e| matches!(e.kind, EventKind::Lost { reason: LossReason::NoSuchHost, .. }));
    if reason == LossReason::NoSuchHost {
        let dst = o.dst.ip();
        let text = if first_nobody {
            say!(
                cx,
                "{label} goes to {dst}, a forged address where no host exists, and is lost. No ACK will ever come back, so the half-open connection sits in SYN_RECV while {who} retransmits in vain.",
                "{label} 被发往伪造的地址 {dst}，那里没有任何主机，报文段就此丢失。永远不会有 ACK 回来，这个半连接只能停在 SYN_RECV，{who}则徒劳地重传。"
            )
        } else {
            say!(cx, "It is lost: nobody lives at {dst}.", "它丢失了：{dst} 上没有任何主机。")
        };
        return (text, headline);
    }
    if let Some(n) = cx.keepalive_probe(seg) {
        let text = say!(
            cx,
            "Keep-alive probe {n}, {label}, is lost ({why}). {peer_subj} never sees it, so it cannot answer; {who} only learns that nothing came back when its keep-alive timer expires again.",
            "第 {n} 次保活探测 {label} 丢了（{why}）。{peer}根本没有收到它，也就无从回应；{who}只有等保活定时器再次到期，才知道没有任何回应。"
        );
        let headline = say!(cx, "{subj}'s keep-alive probe {n} is lost.", "{who}的第 {n} 次保活探测丢失了。");
        return (text, headline);
    }
    let text = match role(cx, seg) {
        Role::Syn => say!(
            cx,
            "{label} is lost ({why}). {peer_subj} never learns of it, so only {who}'s retransmission timer can help: the SYN goes out again when the RTO of {rto} expires.",
            "{label} 丢了（{why}）。{peer}对此一无所知，所以只能靠{who}的重传定时器：{rto}的 RTO 到期后，SYN 会再发一次。"
        ),
        Role::SynAck => say!(
            cx,
            "{label} is lost ({why}). Now both sides wait: {peer} in SYN_SENT for an answer, {who} in SYN_RECV for the ACK. Whichever retransmission timer expires first repeats its SYN or SYN-ACK.",
            "{label} 丢了（{why}）。现在双方都在等：{peer}在 SYN_SENT 等回应，{who}在 SYN_RECV 等 ACK。谁的重传定时器先到期，谁就重发自己的 SYN 或 SYN+ACK。"
        ),
        Role::ThirdAck => say!(
            cx,
            "The third segment, {label}, is lost ({why}). {subj} already considers itself ESTABLISHED, but {peer} is still in SYN_RECV. Any data from {who} would carry the same acknowledgment and complete the handshake; failing that, {peer}'s RTO will resend the SYN-ACK.",
            "第三个报文段 {label} 丢了（{why}）。{who}已经认为自己进入了 ESTABLISHED，{peer}却仍在 SYN_RECV。{who}之后发出的任何数据都带着同样的确认号，同样能完成握手；否则就只能等{peer}的 RTO 到期重发 SYN+ACK。"
        ),
        Role::Fin => say!(
            cx,
            "{label} is lost ({why}). A FIN occupies a sequence number, so it is protected like data: still unacknowledged when {who}'s RTO of {rto} expires, it will be sent again.",
            "{label} 丢了（{why}）。FIN 占用一个序号，所以它和数据一样受到保护：{who}的 RTO（{rto}）到期时如果仍未得到确认，就会重发。"
        ),
        Role::FinAck => say!(
            cx,
            "The ACK of the FIN, {label}, is lost ({why}). {peer_subj} stays in FIN_WAIT1 and will retransmit its FIN when its RTO expires.",
            "对 FIN 的确认（{label}）丢了（{why}）。{peer}会停在 FIN_WAIT1，等 RTO 到期后重发它的 FIN。"
        ),
        Role::FinalAck => say!(
            cx,
            "The last ACK of the close, {label}, is lost ({why}). {peer_subj} is still in LAST_ACK and will send its FIN again; {who}, in TIME_WAIT, is still there to answer it.",
            "关闭过程的最后一个 ACK（{label}）丢了（{why}）。{peer}仍在 LAST_ACK，它会重发 FIN；{who}还在 TIME_WAIT，能够应答。"
        ),
        Role::Data => say!(
            cx,
            "The data segment {label} is lost ({why}). {subj} will send it again when its RTO of {rto} expires without an acknowledgment.",
            "数据报文段 {label} 丢了（{why}）。如果 RTO（{rto}）到期时仍未得到确认，{who}会重发它。"
        ),
        Role::Rst if reason == LossReason::HostDown => say!(
            cx,
            "{label} is lost ({why}). Nobody retransmits an RST, and {peer} has no connection left for it to end.",
            "{label} 丢了（{why}）。RST 不会被重传，而{peer}也已经没有可以被它终止的连接了。"
        ),
        Role::Rst => say!(
            cx,
            "{label} is lost ({why}). Nobody retransmits an RST: {peer} only learns of the reset if it sends again and meets another one.",
            "{label} 丢了（{why}）。RST 不会被重传：{peer}只有再次发送、又碰上一个 RST 时，才会得知连接已被复位。"
        ),
        Role::Ack => say!(
            cx,
            "{label} is lost ({why}). A bare ACK is never retransmitted; the next segment from {who} will carry the same acknowledgment.",
            "{label} 丢了（{why}）。单独的 ACK 不会被重传；{who}的下一个报文段会带上同样的确认号。"
        ),
    };
    (text, headline)
}

/// The retransmission timer fired: resend with a doubled timeout, or give up.
pub(crate) fn rto_fired(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let armed_at = ep.conn.and_then(|c| cx.last_armed(c, Timer::Retransmit, ep.first));
    let waited = armed_at.map_or_else(String::new, |(at, due, _)| cx.span(at, due));
    if let Some(c) = ep.changes.iter().find(|c| c.cause == Cause::RetriesExhausted) {
        return give_up(cx, ep, c.from, c.to, &waited);
    }
    let Some(&seg) = ep.sent.first() else {
        let mut s = Story::new(say!(cx, "{subj}'s retransmission timer expires.", "{who}的重传定时器到期。"));
        s.main(say!(
            cx,
            "{subj}'s retransmission timer expires after {waited}.",
            "{who}的重传定时器在 {waited}后到期。"
        ));
        return s;
    };
    let label = cx.label(seg);
    let (next, b) = ep.armed(Timer::Retransmit).map_or((String::new(), 0), |(d, b)| (cx.span(ep.at, d), b));
    let mut s = Story::new(say!(
        cx,
        "{subj}'s RTO expires after {waited}: it sends {label} again.",
        "{who}的 RTO 在 {waited}后到期：重发 {label}。"
    ));
    let o = cx.seg(seg);
    let dst = o.dst.ip();
    match role(cx, seg) {
        Role::Syn => {
            s.main(say!(
                cx,
                "No SYN-ACK came back within {waited}, so {who}'s retransmission timer (RTO) expires and it sends the SYN again: {label}, with the same sequence number as before.",
                "{waited}内没有收到 SYN+ACK，{who}的重传定时器到期（超时重传时间 RTO 已过），于是再次发送 SYN：{label}，序号和之前完全相同。"
            ));
        }
        Role::SynAck if o.to.is_none() => {
            let first = !cx.seen_sent(ep.first, |p| p.retransmission && p.to.is_none());
            if first {
                s.main(say!(
                    cx,
                    "{subj} has heard nothing from {dst} for {waited}, so it sends the SYN-ACK again (retry {b}, next timeout {next}). Every half-open connection runs its own timer like this and keeps its place in the SYN queue all the while.",
                    "{who}已经 {waited}没有收到 {dst} 的任何回应，于是重发 SYN+ACK（第 {b} 次重试，下次超时 {next}）。每个半连接都像这样各自计时，并且一直占着半连接队列里的位置。"
                ));
            } else {
                s.main(say!(
                    cx,
                    "The half-open connection to {dst} sends its SYN-ACK again (retry {b}, next timeout {next}).",
                    "与 {dst} 之间的半连接再次发送 SYN+ACK（第 {b} 次重试，下次超时 {next}）。"
                ));
            }
            return s;
        }
        Role::SynAck => {
            s.main(say!(
                cx,
                "{subj} has had no ACK it could take for {waited}: for it the handshake is still unfinished, so its RTO expires and it sends the SYN-ACK again ({label}).",
                "{who}已经 {waited}没有收到可以接受的 ACK：在它看来握手还没完成，于是 RTO 到期，重发 SYN+ACK（{label}）。"
            ));
        }
        Role::Fin => {
            let state = ep.conn.and_then(|c| cx.state_before(c, ep.first)).map_or("", Cx::st);
            s.main(say!(
                cx,
                "{subj}, in {state}, has had no ACK for its FIN within {waited}, so its RTO expires and it sends the FIN again: {label}.",
                "{who}处于 {state}，{waited}内没有等到对 FIN 的确认，于是 RTO 到期，重发 FIN：{label}。"
            ));
            if armed_at.is_some_and(|(at, _, _)| ep.at - at < Duration::from_secs(1)) {
                s.detail(say!(
                    cx,
                    "The RTO here is {waited}, not the initial 1 s: {who} has measured the round-trip time on this connection and derives its timeout from it (RFC 6298).",
                    "这里的 RTO 是 {waited}，而不是初始的 1 秒：{who}已经在这条连接上测得了往返时间，并据此计算超时（RFC 6298）。"
                ));
            }
        }
        _ => {
            s.main(say!(
                cx,
                "{subj} has had no acknowledgment for {waited}: its RTO expires and it retransmits {label}.",
                "{who}已经 {waited}没有收到确认：RTO 到期，重传 {label}。"
            ));
        }
    }
    if let Some(conn) = ep.conn {
        let mut series = cx.backoff_series(conn, Timer::Retransmit, ep.first);
        if let Some(timeout) = ep.armed_for(Timer::Retransmit) {
            series.push(timeout);
        }
        let list = cx.series_text(&series);
        // Linux keeps a SYN's first retries at the initial timeout (tcp_syn_linear_timeouts).
        let kept = series.len() >= 2 && series[series.len() - 1] == series[series.len() - 2];
        if kept {
            let last = cx.dur(series[series.len() - 1]);
            s.detail(say!(
                cx,
                "{subj}'s timeout stays at {last} this time: Linux retransmits a SYN at its initial timeout a few times (net.ipv4.tcp_syn_linear_timeouts, 4 by default) before it starts doubling: {list} so far.",
                "{who}这一次的超时时间仍是 {last}：Linux 重传 SYN 时，前几次（net.ipv4.tcp_syn_linear_timeouts，默认 4 次）沿用初始超时，之后才开始翻倍：到目前为止依次是 {list}。"
            ));
        } else if series.windows(2).any(|w| w[0] == w[1]) {
            // Past the retries that kept the initial timeout: the list starts flat.
            s.detail(say!(
                cx,
                "The retries at the initial timeout are used up, so from now on {who}'s timeout doubles with each retry: {list} so far (retry {b}).",
                "沿用初始超时的那几次重试已经用完，此后{who}每重试一次，超时时间就翻一倍：到目前为止依次是 {list}（第 {b} 次重试）。"
            ));
        } else if b >= 2 {
            s.detail(say!(
                cx,
                "{subj}'s timeout doubles with each retry: {list} so far (retry {b}).",
                "{who}每重试一次，超时时间就翻一倍：到目前为止依次是 {list}（第 {b} 次重试）。"
            ));
        } else {
            s.detail(say!(
                cx,
                "{subj}'s timeout doubles for the next try: {list}.",
                "{who}下一次的超时时间翻倍：{list}。"
            ));
        }
    }
    if !cx.earlier(ep.first, |e| matches!(e.kind, EventKind::TimerFired { timer: Timer::Retransmit, .. })) {
        s.why(
            "backoff",
            say!(
                cx,
                "Backing off (from some retry on, each wait is double the last: exponential backoff) avoids hammering a network that may be congested or down; after a set number of retries the sender gives up.",
                "退避（从某次重试起，每次的等待时间都是上一次的两倍：指数退避）可以避免在网络拥塞或中断时不停地重发；重试到一定次数后，发送方就会放弃。"
            ),
        );
    }
    s
}

/// The active open's time limit passed (BSD's connection-establishment timer,
/// `Config::establishment_timeout`): connect() fails with ETIMEDOUT whatever retries were left.
pub(crate) fn establishment_timeout(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let total = ep.conn.and_then(|c| cx.opened_at(c)).map_or_else(String::new, |t| cx.span(t, ep.at));
    let syns = cx
        .t
        .segments
        .iter()
        .filter(|s| s.conn.is_some() && s.conn == ep.conn && s.repr.flags.contains(Flags::SYN) && s.sent_at <= ep.at)
        .count();
    let mut s = Story::new(say!(
        cx,
        "{subj} runs out of time to connect: connect() fails with ETIMEDOUT after {total}.",
        "{who}建立连接的时限到了：connect() 在 {total}后调用失败，返回 ETIMEDOUT（连接超时）。"
    ));
    s.main(say!(
        cx,
        "{subj} has sent {syns} SYNs in {total} without completing the handshake. Its stack gives connection setup a time limit as well as a number of retries, and the time ran out first: it returns to CLOSED and connect() fails with ETIMEDOUT (“connection timed out”), although the retry count would have allowed more SYNs.",
        "{who}在 {total}内发了 {syns} 个 SYN，握手仍未完成。它的协议栈对建立连接既限制重试次数，也限制总时长，而这次是时长先用完：它回到 CLOSED，connect() 调用失败，返回 ETIMEDOUT（连接超时），尽管按重试次数本来还能再发 SYN。"
    ));
    if let Some(&rst) = ep.sent.iter().find(|&&seg| cx.has(seg, Flags::RST)) {
        let label = cx.label(rst);
        s.detail(say!(
            cx,
            "{subj} had already received the peer's SYN, so it also sends {label}: the peer learns at once that this connection is gone.",
            "{who}此前已经收到了对方的 SYN，所以还会发出 {label}，让对方立刻知道这个连接已经不存在了。"
        ));
    }
    s.why(
        "keepinit",
        say!(
            cx,
            "BSD stacks bound connection setup by time: FreeBSD's net.inet.tcp.keepinit is 75 s by default, and TCP_KEEPINIT sets it per socket. Linux and RFC 9293 count retransmissions instead (Linux's net.ipv4.tcp_syn_retries), so there a slow peer can keep connect() waiting for minutes.",
            "BSD 系的协议栈按时间限制建立连接：FreeBSD 的 net.inet.tcp.keepinit 默认 75 秒，也可以用 TCP_KEEPINIT 为单个套接字设置。Linux 和 RFC 9293 则按重传次数来限制（Linux 的 net.ipv4.tcp_syn_retries），所以在那里，迟迟不应答的对方可以让 connect() 等上好几分钟。"
        ),
    );
    s
}

fn give_up(cx: &Cx<'_>, ep: &Ep, from: State, to: State, waited: &str) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let b = match ep.trigger {
        crate::episode::Trigger::Timer(_, b) => b,
        _ => 0,
    };
    let conn = ep.conn;
    if from == State::SynSent {
        let start = conn.and_then(|c| cx.t.events.iter().find(|e| e.conn == Some(c)).map(|e| e.at));
        let total = start.map_or_else(String::new, |t| cx.span(t, ep.at));
        let mut s = Story::new(say!(
            cx,
            "{subj} gives up: connect() fails with ETIMEDOUT after {total}.",
            "{who}放弃了：connect() 在 {total}后调用失败，返回 ETIMEDOUT（连接超时）。"
        ));
        s.main(say!(
            cx,
            "The last SYN went unanswered for {waited} as well. After {b} retransmissions {who} gives up: it returns to CLOSED, and connect() fails with ETIMEDOUT (“connection timed out”), {total} after it was called.",
            "最后一个 SYN 在 {waited}内也没有得到回应。重传 {b} 次之后{who}放弃了：回到 CLOSED，connect() 调用失败，返回 ETIMEDOUT（连接超时），距调用时已过去 {total}。"
        ));
        if let Some(c) = conn {
            let mut series = cx.backoff_series(c, Timer::Retransmit, ep.first);
            series.retain(|d| !d.is_zero());
            let list = cx.series_text(&series);
            let doubled = series.windows(2).all(|w| w[1] >= w[0] + w[0]);
            s.detail(if doubled {
                say!(
                    cx,
                    "The waits were {list}, each twice the one before.",
                    "每次等待依次为 {list}，每一次都是前一次的两倍。"
                )
            } else {
                say!(
                    cx,
                    "The waits were {list}: the first ones at the initial timeout, then each twice the one before.",
                    "每次等待依次为 {list}：最初几次沿用初始超时，之后每一次都是前一次的两倍。"
                )
            });
        }
        s.detail(say!(
            cx,
            "The number of retries is a setting: on Linux, net.ipv4.tcp_syn_retries (6 by default) plus the linear ones, net.ipv4.tcp_syn_linear_timeouts (4 by default).",
            "重试次数是可以配置的：Linux 上是 net.ipv4.tcp_syn_retries（默认 6 次），再加上沿用初始超时的 net.ipv4.tcp_syn_linear_timeouts（默认 4 次）。"
        ));
        return s;
    }
    if from == State::SynReceived && to == State::Listen {
        let remote = conn.map_or_else(String::new, |c| cx.remote_name(c));
        let left = cx.half_open(ep.host, ep.first).saturating_sub(1);
        let mut s = Story::new(say!(
            cx,
            "{subj} drops the half-open connection to {remote} after {b} retries.",
            "{who}重试 {b} 次后，丢弃了与 {remote} 之间的半连接。"
        ));
        s.main(say!(
            cx,
            "The half-open connection to {remote} never got its ACK: after {b} SYN-ACK retransmissions {who} gives up and frees its place in the SYN queue.",
            "与 {remote} 之间的半连接始终没有等到 ACK：重传 {b} 次 SYN+ACK 后，{who}放弃了，释放它在半连接队列中占用的位置。"
        ));
        if left == 0 {
            s.main(say!(cx, "No half-open connection is left.", "半连接已经一个不剩。"));
        } else {
            s.main(say!(cx, "Half-open connections left: {left}.", "还剩 {left} 个半连接。"));
        }
        let forged = conn.is_some_and(|c| !cx.t.hosts.iter().any(|h| h.addr == *cx.t.conns[c].remote.ip()));
        if forged
            && !cx.earlier(ep.first, |e| {
                matches!(e.kind, EventKind::State { from: State::SynReceived, to: State::Listen, .. })
            })
        {
            let cookies =
                cx.t.events.iter().any(|e| {
                    matches!(e.kind, EventKind::Rejected { reason: tcp_core::event::DropReason::SynCookie, .. })
                });
            s.why(
                "flood-expire",
                if cookies {
                    say!(
                        cx,
                        "Only now does the queue have room again. With SYN cookies that cost real clients nothing: while it was full, their SYNs were answered with cookies instead of being dropped.",
                        "直到现在，队列才重新有了空位。有了 SYN Cookie，这对真正的客户端毫无影响：队列满着的时候，它们的 SYN 得到的是 Cookie 回应，而不是被丢弃。"
                    )
                } else {
                    say!(
                        cx,
                        "Only now does the queue have room again. Until the forged entries expire, every real client's SYN is dropped, which is the whole point of the attack.",
                        "直到现在，队列才重新有了空位。在这些伪造的条目过期之前，真正客户端的 SYN 都会被丢弃，这正是攻击的目的。"
                    )
                },
            );
        }
        return s;
    }
    let timed_out = ep.notified(|n| matches!(n, Notice::Closed { reason: CloseReason::TimedOut }));
    let mut s = Story::new(say!(
        cx,
        "{subj} gives up after {b} retransmissions: the connection is dropped.",
        "{who}重传 {b} 次后放弃：连接被丢弃。"
    ));
    if timed_out {
        s.main(say!(
            cx,
            "{subj} retransmitted {b} times without any acknowledgment. It gives up, drops the connection and reports ETIMEDOUT (“connection timed out”) to its application.",
            "{who}重传了 {b} 次，始终没有得到确认。它放弃了，丢弃连接，并向应用报告 ETIMEDOUT（“连接超时”）。"
        ));
    } else {
        let (f, t) = (Cx::st(from), Cx::st(to));
        s.main(say!(
            cx,
            "{subj} retransmitted {b} times without any acknowledgment and gives up: {f} → {t}.",
            "{who}重传了 {b} 次，始终没有得到确认，只好放弃：{f} → {t}。"
        ));
    }
    s
}

/// The delayed-ACK timer fired: a bare ACK goes out.
pub(crate) fn delack_fired(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    // How long the ACK waited: from the timer's arming until now, when it fires (on a timer
    // wheel a little after it was due).
    let d = ep
        .conn
        .and_then(|c| cx.last_armed(c, Timer::DelayedAck, ep.first))
        .map_or_else(String::new, |(at, _, _)| cx.span(at, ep.at));
    let Some(&ack) = ep.sent.first() else {
        let mut s = Story::new(say!(cx, "{subj}'s delayed-ACK timer expires.", "{who}的延迟确认定时器到期。"));
        s.main(say!(cx, "{subj}'s delayed-ACK timer expires after {d}.", "{who}的延迟确认定时器在 {d}后到期。"));
        return s;
    };
    let label = cx.label(ack);
    let peer = cx.dst_name(ack);
    let mut s = Story::new(say!(cx, "{subj}'s delayed ACK goes out: {label}.", "{who}的延迟确认发出：{label}。"));
    let fin_follows =
        cx.t.segments.iter().any(|o| o.conn == ep.conn && o.sent_at > ep.at && o.repr.flags.contains(Flags::FIN));
    if role(cx, ack) == Role::FinAck && !fin_follows {
        s.main(say!(
            cx,
            "Nothing came along for the ACK to ride on: after {d} the delayed-ACK timer expires and {who} sends a bare {label}, acknowledging {peer}'s FIN: the second segment of the four-way close. Its application has not closed, so no FIN of its own goes with it.",
            "{d}内没有可以搭便车的报文段：延迟确认定时器到期，{who}单独发出 {label}，确认{peer}的 FIN，这就是第二次挥手。它的应用还没有关闭，所以没有自己的 FIN 随之发出。"
        ));
    } else if role(cx, ack) == Role::FinAck {
        s.main(say!(
            cx,
            "Nothing came along for the ACK to ride on: after {d} the delayed-ACK timer expires and {who} sends a bare {label}, acknowledging {peer}'s FIN: the second segment of the four-way close. Its application has not closed yet, so its own FIN will follow separately: this close takes four segments.",
            "{d}内没有可以搭便车的报文段：延迟确认定时器到期，{who}单独发出 {label}，确认{peer}的 FIN，这就是第二次挥手。它的应用还没有关闭，自己的 FIN 要另行发送：这次关闭需要四个报文段。"
        ));
    } else {
        s.main(say!(
            cx,
            "After {d} with nothing to send, the delayed-ACK timer expires and {who} sends a bare {label}.",
            "{d}内没有数据可发，延迟确认定时器到期，{who}单独发出 {label}。"
        ));
    }
    if !cx.earlier(ep.first, |e| matches!(e.kind, EventKind::TimerFired { timer: Timer::DelayedAck, .. })) {
        s.why(
            "delack",
            say!(
                cx,
                "Delaying ACKs saves segments: an ACK that waits a little can often travel inside a data segment or a FIN instead of on its own. The delay is bounded (RFC 9293 allows at most 0.5 s), so the sender is never kept waiting long.",
                "延迟确认可以节省报文段：ACK 稍等片刻，往往就能搭在数据报文段或 FIN 上一起发出，而不必单独发送。延迟是有上限的（RFC 9293 规定不超过 0.5 秒），所以发送方不会等太久。"
            ),
        );
    }
    s
}

/// The persist timer fired: a zero-window probe.
pub(crate) fn persist_fired(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let probe = ep.sent.first().copied();
    let label = probe.map_or_else(String::new, |p| cx.label(p));
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let peer_subj = capitalize(peer.clone());
    let mut s = Story::new(say!(cx, "{subj} sends a zero-window probe: {label}.", "{who}发出零窗口探测：{label}。"));
    s.main(say!(
        cx,
        "{subj}'s persist timer expires. {peer_subj} has advertised a zero window, so {who} may not send data; but the update that reopens the window could be lost and leave both waiting forever. So {who} sends a zero-window probe ({label}) to ask whether there is room now.",
        "{who}的坚持定时器（persist timer）到期。{peer}通告的窗口为 0，{who}不能发送数据；可是重新打开窗口的窗口更新报文段有可能丢失，让双方永远互相等待。于是{who}发出一个零窗口探测（{label}），询问现在是否有空间了。"
    ));
    if let Some((deadline, b)) = ep.armed(Timer::Persist) {
        let d = cx.span(ep.at, deadline);
        s.detail(say!(
            cx,
            "If the window is still closed, the next probe follows in {d}: like the RTO, the interval doubles (probe {b}).",
            "如果窗口仍然关闭，下一次探测在 {d}之后：和 RTO 一样，探测间隔也会翻倍（第 {b} 次探测）。"
        ));
    }
    s
}

/// Timers armed in an episode that its story did not mention: the persist timer on a zero window.
pub(crate) fn zero_window_note(cx: &Cx<'_>, ep: &Ep) -> Option<String> {
    let (deadline, _) = ep.armed(Timer::Persist)?;
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let d = cx.span(ep.at, deadline);
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let peer_subj = capitalize(peer.clone());
    Some(say!(
        cx,
        "{peer_subj} advertises a zero window: its receive buffer is full. {subj} must stop sending and starts its persist timer, to probe the window in {d}.",
        "{peer}通告的窗口为 0：它的接收缓冲区已满。{who}必须停止发送，并启动坚持定时器，{d}后探测窗口。"
    ))
}

/// The keep-alive timer fired (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): a probe after the idle time,
/// another after an unanswered one, or, after the last unanswered probe, ETIMEDOUT.
pub(crate) fn keepalive_fired(cx: &Cx<'_>, ep: &Ep, backoff: u8) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let armed_at = ep.conn.and_then(|c| cx.last_armed(c, Timer::Keepalive, ep.first));
    let waited = armed_at.map_or_else(String::new, |(at, due, _)| cx.span(at, due));
    if ep.changes.iter().any(|c| c.cause == Cause::Timer(Timer::Keepalive)) {
        let mut s = Story::new(say!(
            cx,
            "No answer to {backoff} keep-alive probes: {who} drops the connection (ETIMEDOUT).",
            "{backoff} 次保活探测都没有回应：{who}丢弃连接（ETIMEDOUT）。"
        ));
        s.main(say!(
            cx,
            "{subj} sent {backoff} keep-alive probes and {peer} answered none of them; {waited} after the last one it stops hoping. It drops the connection and its application gets ETIMEDOUT (“connection timed out”), although every byte it sent had been acknowledged.",
            "{who}发出了 {backoff} 次保活探测，{peer}一次也没有回应；最后一次探测之后又等了 {waited}，{who}不再等下去。它丢弃连接，应用得到 ETIMEDOUT（“连接超时”），尽管它发出的每个字节都已得到确认。"
        ));
        if let Some(&rst) = ep.sent.iter().find(|&&g| cx.has(g, Flags::RST)) {
            let label = cx.label(rst);
            s.detail(say!(
                cx,
                "On the way out it sends {label}: should {peer} still be there after all, with the probes or their answers lost on the way, the reset tells it that this connection is gone.",
                "临走时它发出 {label}：万一{peer}其实还在，只是探测或回应在路上丢了，这个复位会告诉它这条连接已经不存在了。"
            ));
        }
        s.why(
            "keepalive-dead",
            say!(
                cx,
                "This is how a server frees a connection whose client crashed, lost power or dropped off the network: such a peer sends neither FIN nor RST, and an idle TCP connection sends nothing, so without keep-alive the connection would stay ESTABLISHED forever.",
                "服务器正是靠这个机制释放那些客户端已经崩溃、断电或掉线的连接：这样的对方既不会发 FIN，也不会发 RST，而空闲的 TCP 连接本身什么也不发送，所以没有保活的话，这条连接会永远停在 ESTABLISHED。"
            ),
        );
        return s;
    }
    let Some(&probe) = ep.sent.first() else {
        return Story::new(say!(cx, "{subj}'s keep-alive timer expires.", "{who}的保活定时器到期。"));
    };
    let label = cx.label(probe);
    let n = backoff + 1;
    let garbage = !cx.seg(probe).payload.is_empty();
    let mut s = if backoff == 0 {
        let mut s = Story::new(say!(
            cx,
            "{subj} has heard nothing from {peer} for {waited}: it sends a keep-alive probe, {label}.",
            "{who}已经 {waited}没有收到{peer}的任何报文段：发出保活探测 {label}。"
        ));
        s.main(say!(
            cx,
            "Nothing has arrived from {peer} for {waited}, the idle time of {who}'s keep-alive timer. To find out whether {peer} is still there, {who} sends a probe: {label}.",
            "已经 {waited}没有收到{peer}的任何报文段，这正是{who}保活定时器的空闲时间。为了弄清{peer}是否还在，{who}发出一个探测报文段：{label}。"
        ));
        s.main(if garbage {
            say!(
                cx,
                "Its sequence number is one less than the next byte {peer} expects, so its one byte repeats a byte {peer} already has; {peer} cannot take it as new data and must answer with an ACK saying where it is.",
                "它的序号比{peer}期待的下一个字节小 1，所带的一个字节是{peer}早已收到的；{peer}不能把它当作新数据，必须回一个 ACK，说明自己收到了哪里。"
            )
        } else {
            say!(
                cx,
                "It carries no data, and its sequence number is one less than the next byte {peer} expects: it lies just before the window, so {peer} cannot take it as anything new and must answer with an ACK saying where it is.",
                "它不带数据，序号比{peer}期待的下一个字节小 1：正好落在窗口之前，{peer}不能把它当作任何新内容，必须回一个 ACK，说明自己收到了哪里。"
            )
        });
        s.why(
            "keepalive",
            say!(
                cx,
                "TCP sends nothing on an idle connection, so without probing neither end can tell a quiet peer from one that crashed or vanished. Keep-alive is off unless the application turns it on (SO_KEEPALIVE), and it waits at least two hours by default (RFC 1122): every probe costs traffic, and a connection that would have survived a short outage could be dropped for nothing.",
                "空闲的 TCP 连接上什么也不发送，所以不去探测的话，任何一端都分不清对方只是安静，还是已经崩溃或消失。保活默认是关闭的，要由应用打开（SO_KEEPALIVE），而且默认至少空闲两小时才开始探测（RFC 1122）：每次探测都要占用流量，而一条本可以挺过短暂故障的连接也可能因此被白白断开。"
            ),
        );
        s
    } else {
        let mut s = Story::new(say!(
            cx,
            "No answer to probe {backoff}: {who} sends keep-alive probe {n}, {label}.",
            "第 {backoff} 次探测没有回应：{who}发出第 {n} 次保活探测 {label}。"
        ));
        s.main(say!(
            cx,
            "{waited} after probe {backoff}, still nothing from {peer}. {subj} does not conclude yet that {peer} is gone: a keep-alive probe is never retransmitted, nor is the bare ACK that answers it, so either could simply have been lost (RFC 1122 forbids taking one unanswered probe for a dead connection). It probes again: {label}.",
            "第 {backoff} 次探测之后又过了 {waited}，{peer}仍然没有任何回应。{who}还不能断定{peer}已经不在了：保活探测不会被重传，回应它的单独 ACK 也不会，所以任何一个都可能只是丢了（RFC 1122 规定不能因为一次探测没有回应就认定连接已死）。它再探测一次：{label}。"
        ));
        s
    };
    if garbage {
        s.detail_once(
            "keepalive-byte",
            say!(
                cx,
                "The probe carries one byte of garbage, as Windows sends it: some old TCPs did not answer a segment without data. The byte lies below what {peer} expects next, so it is discarded, never delivered.",
                "这个探测报文段带着 1 个字节的无用数据，Windows 就是这样发送的：一些老的 TCP 实现不回应不带数据的报文段。这个字节位于{peer}期待的序号之前，会被丢弃，不会交给应用。"
            ),
        );
    }
    if let Some((deadline, _)) = ep.armed(Timer::Keepalive) {
        let d = cx.span(ep.at, deadline);
        s.detail_once(
            "keepalive-next",
            say!(
                cx,
                "Any segment from {peer} will start the idle time again; without one, {who}'s keep-alive timer expires again in {d}.",
                "只要收到{peer}的任何报文段，空闲时间就重新开始计算；如果什么也没收到，{who}的保活定时器会在 {d}后再次到期。"
            ),
        );
    }
    s
}

/// A keep-alive probe reached a live peer, which answers it as any segment outside its window.
pub(crate) fn keepalive_probe_received(cx: &Cx<'_>, ep: &Ep, seg: SegId, n: u8) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let reply = ep.sent.first().map_or_else(String::new, |&r| cx.label(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} receives {peer}'s keep-alive probe and answers {reply}.",
        "{who}收到{peer}的保活探测，回复 {reply}。"
    ));
    s.main(say!(
        cx,
        "{label} is {peer}'s keep-alive probe {n}. Its sequence number lies just below {who}'s receive window, where nothing new can be. As for any segment outside the window, {who} discards it and answers with an ACK of where it is, {reply}, which is exactly the sign of life {peer} is asking for.",
        "{label} 是{peer}的第 {n} 次保活探测。它的序号正好落在{who}接收窗口的左边，那里不可能有新内容。和对待任何窗口外的报文段一样，{who}丢弃它，并回一个 ACK 说明自己收到了哪里：{reply}，而这正是{peer}想要的“还活着”的信号。"
    ));
    s.detail_once(
        "keepalive-answer",
        say!(
            cx,
            "Answering takes nothing from {who}'s application, which does not even learn a probe came: keep-alive is done entirely by the two TCPs.",
            "回应探测不需要{who}的应用做任何事，应用甚至不知道来过探测：保活完全由双方的 TCP 完成。"
        ),
    );
    s
}

/// The ACK answering a keep-alive probe reached the prober: the peer is alive.
pub(crate) fn keepalive_answered(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let mut s = Story::new(say!(
        cx,
        "{subj} receives {label}: {peer} answered the keep-alive probe and is alive.",
        "{who}收到 {label}：{peer}回应了保活探测，它还活着。"
    ));
    let next = ep.armed(Timer::Keepalive).map_or_else(String::new, |(d, _)| cx.span(ep.at, d));
    s.main(say!(
        cx,
        "{label} answers {who}'s keep-alive probe: {peer} still has the connection and is in step with it. The connection stays open, and the keep-alive timer starts again from the full idle time: if nothing else arrives, the next probe goes out in {next}.",
        "{label} 是对{who}保活探测的回应：{peer}仍然保有这条连接，而且双方状态一致。连接继续保持，保活定时器重新从完整的空闲时间开始计时：如果之间没有收到别的报文段，下一次探测在 {next}后发出。"
    ));
    s.why(
        "keepalive-alive",
        say!(
            cx,
            "Had {peer} crashed and restarted, it would have no connection for the probe and would answer with an RST instead, and {who} would learn at once that the connection is gone.",
            "如果{peer}崩溃后重启过，它已经没有这条连接，就会回复 RST，{who}也就立刻知道连接已经不存在了。"
        ),
    );
    s
}
