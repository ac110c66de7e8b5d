//! Data and plain acknowledgments (kept short: they are not the subject), the half-close seen
//! from the data's side, and the fallbacks for anything the other topics do not cover.

use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::event::CloseReason;
use tcp_core::{Flags, State, Timer};
use tcp_sim::trace::{AppCall, AppError, EventKind, Notice, SegId};

use crate::cx::{Cx, capitalize, say};
use crate::episode::Ep;
use crate::loss;
use crate::{Kind, Story};

/// The application sent bytes.
pub(crate) fn send(cx: &Cx<'_>, ep: &Ep, bytes: usize) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let Some(&seg) = ep.sent.iter().find(|&&s| !cx.seg(s).payload.is_empty()) else {
        let mut s = Story::new(say!(
            cx,
            "{subj}'s application hands {bytes} bytes to TCP.",
            "{who}的应用把 {bytes} 个字节交给 TCP。"
        ));
        s.main(say!(
            cx,
            "{subj}'s application hands {bytes} bytes to TCP, which cannot send them yet.",
            "{who}的应用把 {bytes} 个字节交给 TCP，但 TCP 暂时还不能发送。"
        ));
        return s;
    };
    let label = cx.label(seg);
    let peer = cx.dst_name(seg);
    let peer_subj = capitalize(peer.clone());
    let n = cx.seg(seg).payload.len();
    let first = cx.seq(seg);
    let last = first.wrapping_add(n as u32).wrapping_sub(1);
    let next = first.wrapping_add(n as u32);
    // accept() just before, at the same instant: told here, first (see `generic_other`).
    let accepted_now = ep.first > 0 && {
        let e = cx.ev(ep.first - 1);
        e.at == ep.at && e.conn == ep.conn && matches!(e.kind, EventKind::App { call: AppCall::Accept, .. })
    };
    // A connection a stale SYN opened (an injected old duplicate): the peer never asked for it.
    let ghost = ep.conn.is_some_and(|c| cx.opened_by_stale_syn(c));
    let mut s = if bytes > n {
        // More than one segment's worth: TCP cuts the write into segments.
        let mut s = Story::new(say!(
            cx,
            "{subj}'s application writes {bytes} bytes; the first {n} go out: {label}.",
            "{who}的应用写入 {bytes} 个字节；最先发出的是 {n} 个字节：{label}。"
        ));
        s.main(say!(
            cx,
            "{subj}'s application writes {bytes} bytes, and its TCP sends them in segments, each at most the MSS and all within the window {peer} offers. The first, {label}, carries bytes {first} to {last}, so {peer} should answer ack={next}.",
            "{who}的应用写入 {bytes} 个字节，它的 TCP 把这些数据分成多个报文段发送：每个不超过 MSS，总量不超过{peer}通告的窗口。第一个是 {label}，携带序号 {first} 到 {last} 的字节，所以{peer}应当回复 ack={next}。"
        ));
        s
    } else if ghost {
        let mut s = Story::new(say!(cx, "{subj} sends {n} bytes: {label}.", "{who}发送 {n} 字节数据：{label}。"));
        s.main(say!(
            cx,
            "{subj}'s application sends {n} bytes: {label}. They occupy sequence numbers {first} to {last}; {peer}, if it still had this connection, would answer ack={next}.",
            "{who}的应用发送 {n} 个字节：{label}。它们占用序号 {first} 到 {last}；假如{peer}还保留着这条连接，它会回复 ack={next}。"
        ));
        s
    } else {
        let mut s = Story::new(say!(cx, "{subj} sends {n} bytes: {label}.", "{who}发送 {n} 字节数据：{label}。"));
        s.main(say!(
            cx,
            "{subj}'s application sends {n} bytes: {label}. They occupy sequence numbers {first} to {last}, so {peer} should answer ack={next}.",
            "{who}的应用发送 {n} 个字节：{label}。它们占用序号 {first} 到 {last}，所以{peer}应当回复 ack={next}。"
        ));
        s
    };
    if accepted_now {
        s.paras.insert(
            0,
            crate::Para {
                rank: crate::Rank::Main,
                key: None,
                text: say!(
                    cx,
                    "{subj}'s application calls accept() and gets the new connection.",
                    "{who}的应用调用 accept()，拿到了这个新连接。"
                ),
            },
        );
    }
    let conn = ep.conn;
    let state = conn.and_then(|c| cx.state_before(c, ep.first));
    let just_opened = conn.is_some_and(|c| {
        cx.t.events[..ep.first].iter().any(|e| {
            e.conn == Some(c)
                && e.at == ep.at
                && matches!(e.kind, EventKind::State { from: State::SynSent, to: State::Established, .. })
        })
    });
    if just_opened && !cx.seen_sent(ep.first, |o| o.from == ep.host && !o.payload.is_empty()) {
        s.why(
            "third-data",
            say!(
                cx,
                "The third segment of the handshake could have carried these bytes itself; this stack sent the bare ACK first and the data right behind it. Both start at seq={first}, because a bare ACK takes no sequence number.",
                "其实第三次握手的报文段本身就可以携带这些数据；这个协议栈先单独发出 ACK，紧接着才发数据。两者的序号都是 {first}，因为单独的 ACK 不占用序号。"
            ),
        );
    }
    let own_data_before = cx.seen_sent(ep.first, |o| o.from == ep.host && !o.payload.is_empty());
    let peer_data_before = cx.seen_sent(ep.first, |o| o.to == Some(ep.host) && !o.payload.is_empty());
    if !own_data_before && peer_data_before && !just_opened && !cx.relative {
        s.detail(say!(
            cx,
            "{subj} numbers its bytes from its own ISN, independently of {peer}: each direction has its own sequence space.",
            "{who}从自己的 ISN 开始给字节编号，与{peer}互不相干：两个方向各有一套独立的序号。"
        ));
    } else if !own_data_before && peer_data_before && !just_opened {
        s.detail(say!(
            cx,
            "{subj} numbers its bytes from its own ISN, so its data starts at seq={first} as well: each direction has its own sequence space.",
            "{who}从自己的 ISN 开始给字节编号，所以它的数据同样从 seq={first} 开始：两个方向各有一套独立的序号。"
        ));
    }
    if state == Some(State::CloseWait) {
        let first_half = !half_close_taught(cx, ep);
        if first_half {
            s.why(
                "halfclose",
                say!(
                    cx,
                    "{peer_subj} has already sent its FIN, but that closed only {peer}'s direction: {who} can keep sending, and {peer} keeps receiving. This is the half-close.",
                    "{peer}已经发出了 FIN，但那只关闭了{peer}自己的方向：{who}仍然可以继续发送，{peer}也仍在接收。这就是半关闭。"
                ),
            );
        } else {
            s.detail(say!(
                cx,
                "Still a half-close: {peer}'s direction is closed, {who}'s is not.",
                "仍处于半关闭：{peer}的方向已关闭，{who}的方向还开着。"
            ));
        }
    }
    // A ghost that the stale SYN opened on its own, straight from LISTEN (the two-way handshake).
    if ghost && conn.is_some_and(|c| cx.history(c, ep.first).contains(&(State::Listen, State::Established))) {
        s.why(
            "ghost-data",
            say!(
                cx,
                "{subj} believes the connection is open, so its application starts sending, although {peer} may not even know of it.",
                "{who}以为连接已经建立，它的应用便开始发送数据，而{peer}可能根本不知道有这个连接。"
            ),
        );
    }
    s
}

/// Whether the half-close was already explained earlier in this trace (data sent in CLOSE_WAIT).
fn half_close_taught(cx: &Cx<'_>, ep: &Ep) -> bool {
    cx.t.segments
        .iter()
        .enumerate()
        .any(|(i, o)| o.sent_at < ep.at && !o.payload.is_empty() && cx.sender_state(SegId(i)) == Some(State::CloseWait))
}

/// A segment with data arrived and was taken (without a FIN, or a state change another story
/// tells): the bytes, whether the application read them, and whether they are acknowledged at
/// once or with a delayed ACK.
pub(crate) fn data_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let label = cx.label(seg);
    let n = cx.seg(seg).payload.len();
    let ack = ep.sent.iter().copied().find(|&s| cx.has(s, Flags::ACK) && !cx.has(s, Flags::SYN));
    let mut s = Story::new(say!(cx, "{subj} receives {n} bytes.", "{who}收到 {n} 字节数据。"));
    let read = ep.notified(|n| matches!(n, Notice::Data { .. }));
    if read {
        s.main(say!(
            cx,
            "{subj} receives {label} and hands the {n} bytes to its application.",
            "{who}收到 {label}，把这 {n} 个字节交给应用程序。"
        ));
    } else {
        s.main(say!(cx, "{subj} receives {label}.", "{who}收到 {label}。"));
    }
    if let Some(a) = ack {
        let ack_label = cx.label(a);
        s.headline = say!(
            cx,
            "{subj} receives {n} bytes and acknowledges them: {ack_label}.",
            "{who}收到 {n} 字节数据并确认：{ack_label}。"
        );
        s.main(say!(
            cx,
            "It acknowledges them at once: {ack_label}, the next byte it expects.",
            "它立即确认：{ack_label}，即它期望收到的下一个字节。"
        ));
        if cx.not_reading(ep.host, ep.first) || ep.conn.is_some_and(|c| cx.read_shut(c, ep.first)) {
            s.main(filling_buffer(cx, a));
        }
    } else if let Some((deadline, _)) = ep.armed(Timer::DelayedAck) {
        let d = cx.span(ep.at, deadline);
        s.main(say!(
            cx,
            "It holds the ACK back for up to {d} (delayed ACK), hoping to send it along with data or a FIN of its own.",
            "它把 ACK 最多推迟 {d}（延迟确认），希望能和自己的数据或 FIN 一起发出。"
        ));
    }
    let state = ep.state_at_start(cx);
    let taught = cx.t.segments.iter().enumerate().any(|(i, o)| {
        let i = SegId(i);
        i != seg
            && !o.payload.is_empty()
            && o.delivered_at().is_some_and(|t| t < ep.at)
            && cx.sender_state(i) == Some(State::CloseWait)
    });
    if matches!(state, Some(State::FinWait1 | State::FinWait2)) && !taught {
        s.detail(say!(
            cx,
            "{subj} closed its own direction earlier but still receives: the half-close at work.",
            "{who}早已关闭了自己的方向，却仍在接收数据：这就是半关闭。"
        ));
    }
    if let Some(text) = loss::zero_window_note(cx, ep) {
        s.detail(text);
    }
    s
}

/// A bare acknowledgment arrived with no change of state.
pub(crate) fn ack_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let label = cx.label(seg);
    let peer = cx.src_name(seg);
    let a = cx.ack(seg);
    let mut s = Story::new(say!(cx, "{subj} receives {label}.", "{who}收到 {label}。"));
    let acks_syn = cx.t.segments.iter().any(|o| {
        o.src == cx.seg(seg).dst
            && o.dst == cx.seg(seg).src
            && o.repr.flags.contains(Flags::SYN)
            && o.repr.seq.0.wrapping_add(1) == cx.seg(seg).repr.ack.0
    });
    let challenge = cx.sent_event(seg).is_some_and(|ev| {
        ev > 0 && matches!(cx.ev(ev - 1).kind, EventKind::Rejected { reply: tcp_core::event::Reply::ChallengeAck, .. })
    });
    if challenge {
        s.headline = say!(cx, "{subj} receives the challenge ACK and ignores it.", "{who}收到挑战 ACK，并不理会。");
        s.main(say!(
            cx,
            "{subj} receives the challenge ACK, {label}. Its connection is alive and in step with {peer}, so this is just a duplicate acknowledgment and nothing happens. Had {who} really lost the connection, it would have answered with an RST whose sequence number is exactly this acknowledgment number.",
            "{who}收到挑战 ACK：{label}。它的连接仍然正常，与{peer}保持同步，所以这只是一个重复的确认，什么也不会发生。如果{who}真的已经丢失了连接，它会回复一个序号恰好等于这个确认号的 RST。"
        ));
        return s;
    }
    // Its SYN acknowledged before: the same ack again says nothing new, and moves no timer.
    let synchronized_before = ep.state_at_start(cx).is_some_and(|st| st.is_synchronized());
    let moved_nothing = ep.sent.is_empty() && !ep.cancelled(Timer::Retransmit) && ep.armed(Timer::Retransmit).is_none();
    if acks_syn && synchronized_before && moved_nothing {
        s.main(say!(
            cx,
            "{subj} receives {label}. Its ack={a} acknowledges nothing new (only {who}'s SYN, acknowledged before), so it changes nothing.",
            "{who}收到 {label}。它的 ack={a} 没有确认任何新内容（只确认了{who}早已得到确认的 SYN），所以什么也没有改变。"
        ));
    } else if acks_syn {
        s.main(say!(
            cx,
            "{subj} receives {label}, which acknowledges its SYN.",
            "{who}收到 {label}，它确认了{who}的 SYN。"
        ));
    } else {
        s.main(say!(
            cx,
            "{subj} receives {label}: {peer} has received everything before byte {a}.",
            "{who}收到 {label}：序号 {a} 之前的数据{peer}都已收到。"
        ));
    }
    // The ACK made room in the window: the data it lets out goes in this step too.
    let more: Vec<String> = ep.sent.iter().filter(|&&o| !cx.seg(o).payload.is_empty()).map(|&o| cx.label(o)).collect();
    if let Some(first) = more.first() {
        s.headline =
            say!(cx, "{subj} receives {label} and sends more: {first}.", "{who}收到 {label}，继续发送：{first}。");
        let list = more.join(cx.pick("; ", "；"));
        s.main(say!(
            cx,
            "The window {peer} offers has room, so {who} sends more of what its application wrote: {list}.",
            "{peer}通告的窗口还有空间，于是{who}继续发送应用写入的数据：{list}。"
        ));
    }
    let stopped = ep.cancelled(Timer::Retransmit);
    let restarted = ep.armed(Timer::Retransmit).is_some();
    if stopped && restarted {
        let fin_out = matches!(ep.state_at_start(cx), Some(State::FinWait1 | State::Closing | State::LastAck));
        if fin_out {
            s.main(say!(
                cx,
                "Its FIN is still unacknowledged, so the retransmission timer restarts for it.",
                "它的 FIN 还没有得到确认，所以重传定时器为它重新计时。"
            ));
        } else {
            s.main(say!(
                cx,
                "Some data is still unacknowledged, so the retransmission timer restarts for it.",
                "仍有数据没有得到确认，所以重传定时器为它重新计时。"
            ));
        }
    } else if stopped {
        s.main(say!(
            cx,
            "Nothing is left unacknowledged, so {who} stops its retransmission timer.",
            "已经没有未确认的数据了，于是{who}停止重传定时器。"
        ));
    }
    if let Some(text) = loss::zero_window_note(cx, ep) {
        s.detail(text);
    }
    s
}

/// What an ACK from a receiver whose application is not reading says of its buffer.
fn filling_buffer(cx: &Cx<'_>, ack: SegId) -> String {
    let peer = cx.dst_name(ack);
    let peer_subj = capitalize(peer.clone());
    let w = cx.t.advertised_window(ack);
    let room = u32::from(w.field) << w.shift.unwrap_or(0);
    let field = w.field;
    if room == 0 {
        say!(
            cx,
            "Its application is not reading, and the receive buffer is now full: the ACK says win=0, a zero window. {peer_subj} must stop sending until the window opens.",
            "它的应用没有读取，接收缓冲区现在已经满了：这个 ACK 的 win=0，即零窗口。{peer}必须停止发送，直到窗口重新打开。"
        )
    } else if previous_window(cx, ack).is_some_and(|before| room >= before) {
        // Linux's buffer holds more than the window it offers (`Config::linux_windows`): the
        // first unread bytes leave the window where it was.
        say!(
            cx,
            "Its application is not reading, so the bytes wait in the receive buffer. The buffer still has more room than the window can offer, so the window has not shrunk yet: win={field} still means {room} bytes.",
            "它的应用没有读取，这些字节只能留在接收缓冲区里。缓冲区剩余的空间仍然比窗口所能通告的多，所以窗口还没有缩小：win={field} 仍然表示 {room} 字节。"
        )
    } else {
        say!(
            cx,
            "Its application is not reading, so the bytes wait in the receive buffer, and the ACK offers only the room left: win={field}, {room} bytes.",
            "它的应用没有读取，这些字节只能留在接收缓冲区里，所以这个 ACK 只通告剩余的空间：win={field}，即 {room} 字节。"
        )
    }
}

/// The window, in bytes, of the segment the sender of `seg` sent before it on the same
/// connection (a SYN's, unscaled, counts too), if there was one.
fn previous_window(cx: &Cx<'_>, seg: SegId) -> Option<u32> {
    let this = cx.seg(seg);
    let before = (0..seg.index()).rev().map(SegId).find(|&o| {
        let other = cx.seg(o);
        other.conn == this.conn && other.from == this.from && !other.injected && !other.forged
    })?;
    Some(cx.t.advertised_window(before).bytes())
}

/// The application stopped calling read(): flow control takes over.
pub(crate) fn stop_reading(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let mut s = Story::new(say!(cx, "{subj}'s application stops reading.", "{who}的应用停止读取数据。"));
    // Told after what goes on the wire in the same step, as listen() is: it sends nothing.
    s.aside(say!(
        cx,
        "{subj}'s application stops calling read(). Its TCP still receives and acknowledges what arrives, but the bytes stay in its receive buffer, and each acknowledgment offers the sender only the room left: the fuller the buffer, the smaller the window.",
        "{who}的应用不再调用 read()。它的 TCP 照常接收并确认到达的数据，但这些字节只能留在接收缓冲区里；每个确认只向发送方通告剩余的空间：缓冲区越满，窗口越小。"
    ));
    s.aside(say!(
        cx,
        "This is flow control: the window says how much more the receiver can take, so a fast sender cannot overrun a slow reader.",
        "这就是流量控制：窗口表明接收方还能接收多少数据，快速的发送方因此不会淹没读得慢的接收方。"
    ));
    s
}

/// The application stops calling accept(): handshakes complete into the accept queue.
pub(crate) fn stop_accepting(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let mut s = Story::new(say!(cx, "{subj}'s application stops calling accept().", "{who}的应用不再调用 accept()。"));
    // Told after what goes on the wire in the same step, as listen() is: it sends nothing.
    s.aside(say!(
        cx,
        "{subj}'s application stops calling accept(). Its TCP still answers SYNs and completes handshakes on its own; each connection that completes then waits in the accept queue (the listen() backlog) until the application takes it.",
        "{who}的应用不再调用 accept()。它的 TCP 仍会自行回应 SYN、完成握手；握手完成的连接随后在全连接队列（长度由 listen() 的参数决定）里等待，直到应用把它取走。"
    ));
    s
}

/// The application calls accept() again: the waiting connections are taken.
pub(crate) fn start_accepting(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let mut s = Story::new(say!(cx, "{subj}'s application calls accept() again.", "{who}的应用重新调用 accept()。"));
    s.main(say!(
        cx,
        "{subj}'s application calls accept() again: it takes the connections waiting in the accept queue, which makes room there for more.",
        "{who}的应用重新调用 accept()：取走在全连接队列里等待的连接，队列里也就腾出了位置。"
    ));
    s
}

/// The application reads again: what waited is taken, and a window update may go out.
pub(crate) fn start_reading(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let bytes = ep.notices.iter().find_map(|n| match n {
        Notice::Data { bytes } => Some(*bytes),
        _ => None,
    });
    let mut s = match bytes {
        Some(n) => Story::new(say!(
            cx,
            "{subj}'s application reads again and takes the {n} bytes that waited.",
            "{who}的应用重新开始读取，取走了等待中的 {n} 字节。"
        )),
        None => Story::new(say!(cx, "{subj}'s application reads again.", "{who}的应用重新开始读取数据。")),
    };
    let text = s.headline.clone();
    s.main(text);
    if let Some(&update) = ep.sent.iter().find(|&&g| cx.pure_ack(g)) {
        let label = cx.label(update);
        let peer = cx.dst_name(update);
        s.main(say!(
            cx,
            "Reading empties the receive buffer, so {who} tells {peer} at once that the window is open again: {label}, a window update. Without it {peer} would learn only from its next zero-window probe.",
            "读取腾空了接收缓冲区，于是{who}立即告诉{peer}窗口重新打开了：{label}，即窗口更新。如果没有它，{peer}要等到下一次零窗口探测才会知道。"
        ));
    }
    s
}

/// Any arrival the topics above do not describe: what came and what changed.
pub(crate) fn generic_recv(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let label = cx.label(seg);
    let mut s = Story::new(say!(cx, "{subj} receives {label}.", "{who}收到 {label}。"));
    s.main(say!(cx, "{subj} receives {label}.", "{who}收到 {label}。"));
    consequences(cx, ep, &mut s);
    s
}

/// An application call the topics above do not describe.
pub(crate) fn generic_app(cx: &Cx<'_>, ep: &Ep, call: &AppCall, error: Option<AppError>) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let name = match call {
        AppCall::Listen { port } => alloc::format!("listen(:{port})"),
        AppCall::Connect { to } => alloc::format!("connect({to})"),
        AppCall::Send { bytes } => alloc::format!("send({bytes})"),
        AppCall::Shutdown => "shutdown(SHUT_WR)".into(),
        AppCall::ShutdownRead { .. } => "shutdown(SHUT_RD)".into(),
        AppCall::Close => "close()".into(),
        AppCall::Abort => "close() + SO_LINGER 0".into(),
        AppCall::Accept => "accept()".into(),
        AppCall::Inject => "inject".into(),
        AppCall::Crash => "crash".into(),
        AppCall::Reboot => "reboot".into(),
        AppCall::StopReading => "stop reading".into(),
        AppCall::StartReading => "read()".into(),
        AppCall::StopAccepting | AppCall::StartAccepting => "accept()".into(),
    };
    let mut s = match error {
        Some(err) => {
            let err = bilingual::app_error(cx.lang, err);
            let mut s = Story::new(say!(cx, "{subj}'s {name} fails: {err}.", "{who}的 {name} 失败：{err}。"));
            s.main(say!(
                cx,
                "{subj}'s application calls {name}, which fails: {err}.",
                "{who}的应用调用 {name}，调用失败：{err}。"
            ));
            s
        }
        None => {
            let mut s = Story::new(say!(cx, "{subj}'s application calls {name}.", "{who}的应用调用 {name}。"));
            let text = s.headline.clone();
            if *call == AppCall::Accept {
                s.aside(text);
            } else {
                s.main(text);
            }
            s
        }
    };
    if matches!(call, AppCall::Connect { .. }) {
        s = s.kind(Kind::Connect);
    }
    consequences(cx, ep, &mut s);
    s
}

/// Events with no trigger of their own.
pub(crate) fn generic_other(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    if ep.sent.is_empty() && ep.changes.is_empty() && ep.calls.contains(&AppCall::Accept) {
        let mut s =
            Story::new(say!(cx, "{subj}'s application accepts the connection.", "{who}的应用 accept() 了这个连接。"));
        // A send right after, at the same instant, tells the accept itself (`send`).
        let next = cx.t.events.get(ep.first + 1);
        if next.is_some_and(|e| {
            e.at == ep.at
                && e.conn == cx.ev(ep.first).conn
                && matches!(e.kind, EventKind::App { call: AppCall::Send { .. }, .. })
        }) {
            return s;
        }
        s.aside(say!(
            cx,
            "{subj}'s application calls accept() and gets the new connection.",
            "{who}的应用调用 accept()，拿到了这个新连接。"
        ));
        return s;
    }
    let mut s = Story::new(say!(cx, "{subj} acts on its own.", "{who}自行动作。"));
    if let Some(&seg) = ep.sent.first() {
        let label = cx.label(seg);
        s.headline = say!(cx, "{subj} sends {label}.", "{who}发出 {label}。");
    }
    consequences(cx, ep, &mut s);
    if s.paras.is_empty() && !ep.notices.is_empty() {
        s.aside(notices(cx, ep));
    }
    s
}

/// What an episode changed, plainly: state changes, segments sent, how the connection ended.
fn consequences(cx: &Cx<'_>, ep: &Ep, s: &mut Story) {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    for c in &ep.changes {
        let (from, to) = (Cx::st(c.from), Cx::st(c.to));
        s.main(say!(cx, "{subj} moves from {from} to {to}.", "{who}从 {from} 进入 {to}。"));
    }
    let sent: Vec<String> = ep.sent.iter().map(|&seg| cx.label(seg)).collect();
    if !sent.is_empty() {
        let list = sent.join(cx.pick("; ", "；"));
        s.main(say!(cx, "{subj} sends {list}.", "{who}发出 {list}。"));
    }
    let ended = notices(cx, ep);
    if !ended.is_empty() {
        s.main(ended);
    }
}

/// How the application learns the connection ended, if it does in this episode.
fn notices(cx: &Cx<'_>, ep: &Ep) -> String {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    for n in &ep.notices {
        if let Notice::Closed { reason } = n {
            return match reason {
                CloseReason::Normal => {
                    say!(cx, "{subj}'s application is told the connection is closed.", "{who}的应用得知连接已关闭。")
                }
                CloseReason::Reset => say!(
                    cx,
                    "{subj}'s application gets ECONNRESET (“connection reset by peer”).",
                    "{who}的应用得到 ECONNRESET（“连接被对方复位”）。"
                ),
                CloseReason::Refused => say!(
                    cx,
                    "{subj}'s connect() fails with ECONNREFUSED (“connection refused”).",
                    "{who}的 connect() 调用失败，返回 ECONNREFUSED（“连接被拒绝”）。"
                ),
                CloseReason::TimedOut => say!(
                    cx,
                    "{subj}'s application gets ETIMEDOUT (“connection timed out”).",
                    "{who}的应用得到 ETIMEDOUT（“连接超时”）。"
                ),
                CloseReason::Aborted => say!(cx, "{subj}'s connection is aborted.", "{who}的连接被中止。"),
                CloseReason::FinWait2Timeout => {
                    say!(cx, "{subj} gave up waiting in FIN_WAIT2.", "{who}不再在 FIN_WAIT2 中等待。")
                }
            };
        }
    }
    String::new()
}
