//! Closing a connection: active and passive close, why four segments (and when three), the
//! half-close, TIME_WAIT and 2·MSL, the simultaneous close, FIN-WAIT-2's timeout, resets.

use alloc::string::String;
use tcp_core::event::CloseReason;
use tcp_core::{Flags, State, Timer};
use tcp_sim::trace::{AppCall, EventKind, Notice, SegId};

use crate::cx::{Cx, capitalize, say};
use crate::episode::Ep;
use crate::{Kind, Story};

/// The application called close() or shutdown().
pub(crate) fn close_called(cx: &Cx<'_>, ep: &Ep, call: &AppCall) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let fin = ep.sent.iter().copied().find(|&s| cx.has(s, Flags::FIN));
    if let Some(rst) = ep.sent.iter().copied().find(|&s| cx.has(s, Flags::RST)) {
        return Some(close_with_unread_data(cx, ep, rst));
    }
    if ep.changed(State::Established, State::FinWait1) {
        return Some(active_close(cx, ep, call, fin?));
    }
    if ep.changed(State::CloseWait, State::LastAck) {
        return Some(passive_close(cx, ep, fin?));
    }
    if ep.changes.is_empty() && ep.sent.is_empty() {
        let mut s = Story::new(say!(cx, "{subj}'s application calls close().", "{who}的应用调用 close()。"));
        let already = ep.conn.is_some_and(|c| {
            cx.history(c, ep.first).iter().any(|&(_, to)| matches!(to, State::FinWait1 | State::LastAck))
        });
        if already {
            s.aside(say!(
                cx,
                "{subj}'s application now calls close() as well. Its FIN already went out with shutdown(), so nothing more goes on the wire.",
                "{who}的应用现在也调用了 close()。它的 FIN 早在 shutdown() 时就已发出，所以线路上不会再有新的报文段。"
            ));
        }
        return Some(s);
    }
    None
}

/// close() found received data its application never read: TCP resets instead of closing.
fn close_with_unread_data(cx: &Cx<'_>, ep: &Ep, rst: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.dst_name(rst);
    let label = cx.label(rst);
    let mut s = Story::new(say!(
        cx,
        "{subj} closes with data it never read: it sends {label} instead of a FIN.",
        "{who}带着从未读取的数据关闭连接：发出的是 {label}，而不是 FIN。"
    ));
    s.main(say!(
        cx,
        "{subj}'s application calls close() while bytes from {peer} still wait unread in its receive buffer. A FIN would tell {peer} that all went well; it did not, since those bytes will never be read. So {who}'s TCP resets the connection: {label}, and the connection is gone at once, with no TIME_WAIT.",
        "{who}的应用调用 close() 时，来自{peer}的字节还没有读取，仍留在接收缓冲区里。如果发送 FIN，就等于告诉{peer}一切顺利，而事实并非如此：这些字节永远不会被读取了。所以{who}的 TCP 复位连接：{label}，连接立即消失，没有 TIME_WAIT。"
    ));
    s.why(
        "unread-close",
        say!(
            cx,
            "RFC 1122 §4.2.2.13 asks for this reset, and RFC 2525 lists a stack that sends a FIN here as a known bug: {peer}'s data had been acknowledged, and an acknowledgment only means that {who}'s TCP received it, never that its application read it.",
            "RFC 1122 §4.2.2.13 要求在这里发送复位，RFC 2525 把此时发送 FIN 的协议栈列为已知缺陷：{peer}的数据早已得到确认，而确认只表示{who}的 TCP 收到了数据，从不表示它的应用读取了数据。"
        ),
    );
    s
}

fn active_close(cx: &Cx<'_>, ep: &Ep, call: &AppCall, fin: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.dst_name(fin);
    let label = cx.label(fin);
    let shutdown = *call == AppCall::Shutdown;
    let mut s = if shutdown {
        Story::new(say!(
            cx,
            "{subj} shuts down its sending side: {label}, FIN_WAIT1.",
            "{who}关闭自己的发送方向：发出 {label}，进入 FIN_WAIT1。"
        ))
    } else {
        Story::new(say!(
            cx,
            "{subj} closes: it sends {label} and enters FIN_WAIT1.",
            "{who}主动关闭：发出 {label}，进入 FIN_WAIT1。"
        ))
    }
    .kind(Kind::Fin);
    let peer_host = cx.seg(fin).to;
    let simultaneous = cx.t.events.iter().any(|e| {
        e.at == ep.at
            && Some(e.host) == peer_host
            && matches!(e.kind, EventKind::State { from: State::Established, to: State::FinWait1, .. })
    });
    // The first FIN of an ordinary close opens the numbered four-way close (第一次挥手).
    let first = !simultaneous && !cx.seen_change(ep.first, State::Established, State::FinWait1);
    s.main(match (shutdown, first) {
        (true, true) => say!(
            cx,
            "{subj}'s application calls shutdown(SHUT_WR): {who} sends {label}, the first segment of the four-way close, and enters FIN_WAIT1. This closes only its sending direction; it can still receive.",
            "{who}的应用调用 shutdown(SHUT_WR)：{who}发出 {label}（第一次挥手），进入 FIN_WAIT1。这只关闭了它的发送方向，它仍然可以接收数据。"
        ),
        (true, false) => say!(
            cx,
            "{subj}'s application calls shutdown(SHUT_WR): {who} sends {label} and enters FIN_WAIT1. This closes only its sending direction; it can still receive.",
            "{who}的应用调用 shutdown(SHUT_WR)：{who}发出 {label}，进入 FIN_WAIT1。这只关闭了它的发送方向，它仍然可以接收数据。"
        ),
        (false, true) => say!(
            cx,
            "{subj}'s application calls close(), so {who} sends {label}, the first segment of the four-way close, and enters FIN_WAIT1: it has nothing more to send.",
            "{who}的应用调用 close()，于是{who}发出 {label}（第一次挥手），进入 FIN_WAIT1：它不会再发送数据了。"
        ),
        (false, false) => say!(
            cx,
            "{subj}'s application calls close(), so {who} sends {label} and enters FIN_WAIT1: it has nothing more to send.",
            "{who}的应用调用 close()，于是{who}发出 {label}，进入 FIN_WAIT1：它不会再发送数据了。"
        ),
    });
    if simultaneous {
        s.why(
            "simclose",
            say!(
                cx,
                "Both applications closed at the same moment, so the two FINs will cross on the wire. Neither side is the passive one: this is a simultaneous close.",
                "两个应用在同一时刻关闭，两个 FIN 将在网络中交错而过。双方都不是被动关闭的一方：这就是同时关闭。"
            ),
        );
    } else if !cx.seen_change(ep.first, State::Established, State::FinWait1) {
        s.why(
            "active",
            say!(
                cx,
                "{subj} closes first, so it performs the active close and {peer} the passive one. Either side may go first; whichever does is, when the close runs its normal course, the one that waits in TIME_WAIT at the end.",
                "{who}先关闭，所以由它执行主动关闭，{peer}则是被动关闭的一方。哪一方先关都可以；关闭过程正常走完时，谁先关，最后在 TIME_WAIT 里等待的就是谁。"
            ),
        );
    }
    if !cx.seen_sent(ep.first, |o| o.repr.flags.contains(Flags::FIN)) {
        let f = cx.seq(fin);
        let f1 = f.wrapping_add(1);
        s.why(
            "fin-seq",
            say!(
                cx,
                "Like a SYN, the FIN occupies one sequence number ({f}), so the acknowledgment for it will read ack={f1}.",
                "和 SYN 一样，FIN 也占用一个序号（{f}），所以对它的确认将是 ack={f1}。"
            ),
        );
    }
    if ep.cancelled(Timer::DelayedAck) {
        let a = cx.ack(fin);
        s.detail(say!(
            cx,
            "The FIN also carries the acknowledgment {who} had been holding back (ack={a}), so its delayed-ACK timer is cancelled.",
            "这个 FIN 顺带捎上了{who}一直推迟未发的确认（ack={a}），所以延迟确认定时器被取消。"
        ));
    }
    s
}

fn passive_close(cx: &Cx<'_>, ep: &Ep, fin: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.dst_name(fin);
    let label = cx.label(fin);
    let a = cx.ack(fin);
    let conn = ep.conn;
    // Did a separate ACK of the peer's FIN leave before this FIN?
    let acked_before = conn.is_some_and(|c| {
        cx.earlier(ep.first, |e| {
            e.conn == Some(c)
                && matches!(e.kind, EventKind::Sent { segment }
                    if cx.pure_ack(segment) && cx.sender_state(segment) == Some(State::CloseWait))
        })
    });
    let merged = ep.cancelled(Timer::DelayedAck) || !acked_before;
    let mut s = if merged {
        Story::new(say!(
            cx,
            "{subj} closes at once: its FIN also carries the ACK ({label}).",
            "{who}随即关闭：它的 FIN 同时捎带了 ACK（{label}）。"
        ))
    } else {
        Story::new(say!(
            cx,
            "{subj} closes its side too: {label}, LAST_ACK.",
            "{who}也关闭自己这一侧：发出 {label}，进入 LAST_ACK。"
        ))
    };
    s.main(say!(
        cx,
        "{subj}'s application has finished too and calls close(). {subj} sends its own FIN ({label}) and moves from CLOSE_WAIT to LAST_ACK, where it waits for the acknowledgment of this last FIN.",
        "{who}的应用也处理完毕，调用 close()。{who}发出自己的 FIN（{label}），从 CLOSE_WAIT 进入 LAST_ACK，等待对这最后一个 FIN 的确认。"
    ));
    if merged && ep.cancelled(Timer::DelayedAck) {
        s.why(
            "merged",
            say!(
                cx,
                "Here, though, {who} never sent a separate ACK for {peer}'s FIN: it was still holding it back (delayed ACK) when the application closed, so the acknowledgment rides on the FIN (ack={a}). The second and third segments of the four-way close travel as one, and the close takes three segments instead of four, as is common in real captures.",
                "不过这一次，{who}还没来得及单独确认{peer}的 FIN（延迟确认还在等待），应用就关闭了，于是确认搭上了 FIN 的便车（ack={a}）。第二次和第三次挥手合并成了一个报文段，关闭只用了三个报文段，而不是四个，这在真实抓包中很常见。"
            ),
        );
    } else if merged {
        s.why(
            "merged",
            say!(
                cx,
                "This FIN also acknowledges {peer}'s FIN (ack={a}): with nothing left to send, {who} merged its ACK and its FIN (the second and third segments of the four-way close), and the close takes three segments instead of four.",
                "这个 FIN 同时确认了{peer}的 FIN（ack={a}）：{who}已经没有数据要发，于是把 ACK 和 FIN 合在一起（第二次和第三次挥手合并），关闭只用了三个报文段，而不是四个。"
            ),
        );
    } else {
        let data_segments = conn.map_or(0, |c| {
            cx.t.segments[..fin.index()]
                .iter()
                .enumerate()
                .filter(|(i, o)| {
                    o.conn == Some(c) && !o.payload.is_empty() && cx.sender_state(SegId(*i)) == Some(State::CloseWait)
                })
                .count()
        });
        if data_segments > 0 {
            s.why(
                "third-fin",
                say!(
                    cx,
                    "This FIN is the third segment of the four-way close. The ACK (the second) went out without waiting for the application; in between, {who} went on sending data ({data_segments} segments): the half-close.",
                    "这个 FIN 就是第三次挥手。第二次挥手（ACK）由 TCP 自己发出，无须等待应用；在两者之间，{who}又继续发送了数据（{data_segments} 个报文段）：这就是半关闭。"
                ),
            );
        } else {
            s.why(
                "third-fin",
                say!(
                    cx,
                    "This FIN is the third segment of the four-way close. The ACK (the second) went out without waiting for the application, but this FIN had to wait for {who}'s application to close.",
                    "这个 FIN 就是第三次挥手。第二次挥手（ACK）由 TCP 自己发出，无须等待应用；而这个 FIN 要等{who}的应用关闭后才能发送。"
                ),
            );
        }
    }
    s
}

/// A FIN arrived (and was accepted).
pub(crate) fn fin_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let ack = ep.sent.iter().copied().find(|&s| cx.pure_ack(s));
    let ack_label = ack.map_or_else(String::new, |a| cx.label(a));
    if ep.changed(State::Established, State::CloseWait) {
        // When the ACK really goes: Linux's "0" is its timer wheel's next tick.
        let delayed = ep.fires_at(Timer::DelayedAck).map(|at| (at, 0));
        let mut s = match (ack, delayed) {
            (Some(_), _) => Story::new(say!(
                cx,
                "{subj} receives the FIN, enters CLOSE_WAIT and acknowledges it: {ack_label}.",
                "{who}收到 FIN，进入 CLOSE_WAIT，并立即确认：{ack_label}。"
            )),
            _ => Story::new(say!(
                cx,
                "{subj} receives the FIN and enters CLOSE_WAIT; its ACK waits (delayed ACK).",
                "{who}收到 FIN，进入 CLOSE_WAIT；ACK 暂缓发送（延迟确认）。"
            )),
        };
        s.main(say!(
            cx,
            "{subj} receives {label}: {peer} has finished sending. {subj}'s application reads end of stream (read() returns 0), and {who} moves to CLOSE_WAIT until its own application calls close().",
            "{who}收到 {label}：{peer}的数据已经发完。{who}的应用读到 EOF（read() 返回 0），{who}进入 CLOSE_WAIT，直到自己的应用调用 close()。"
        ));
        if ack.is_some() {
            s.main(say!(
                cx,
                "{subj} acknowledges the FIN at once, as RFC 9293 says to: {ack_label}, one past the FIN's sequence number. This ACK is the second segment of the four-way close.",
                "{who}按 RFC 9293 的要求立即确认这个 FIN：{ack_label}，确认号比 FIN 的序号大一。这个 ACK 就是第二次挥手。"
            ));
        } else if let Some((deadline, _)) = delayed {
            let d = cx.span(ep.at, deadline);
            // Linux's ACK timeout is 0 until data arrives (`Config::ack_delay_zero_before_data`):
            // the timer fires at the next tick, at most 4 ms away.
            let no_data_yet =
                !cx.t.segments[..seg.index()].iter().any(|s| s.received_by == ep.conn && !s.payload.is_empty());
            let one_tick = deadline.saturating_since(ep.at) <= tcp_core::time::Duration::from_millis(4);
            s.main(if no_data_yet && one_tick {
                say!(
                    cx,
                    "It does not acknowledge at once, but holds the ACK back only {d}: no data has arrived on this connection yet, so Linux's ACK timeout (ato) is still 0 and its delayed-ACK timer fires at the next clock tick. An application that closes at once still gets its FIN onto this ACK.",
                    "它没有立即确认，但只推迟 {d}：这条连接还没有收到过数据，Linux 的 ACK 超时（ato）仍为 0，延迟确认定时器在下一个时钟节拍就到期。应用如果立即关闭，它的 FIN 仍能搭上这个 ACK。"
                )
            } else {
                // The delay the stack asked for; a timer wheel may add a little (told when it fires).
                let d = ep.armed_for(Timer::DelayedAck).map_or(d, |t| cx.dur(t));
                say!(
                    cx,
                    "It does not acknowledge right away: like Linux, it holds the ACK back for up to {d} (delayed ACK), hoping its application will soon send data or its own FIN for the ACK to ride on.",
                    "它没有立即确认：和 Linux 一样，它把 ACK 最多推迟 {d}（延迟确认），希望应用很快会发送数据或自己的 FIN，让 ACK 搭个便车。"
                )
            });
        }
        if !cx.seen_change(ep.first, State::Established, State::CloseWait) {
            s.why(
                "why4",
                say!(
                    cx,
                    "A FIN ends only one direction. TCP is full duplex, so {who} may keep sending to {peer} for as long as it likes (a half-close). That is why the textbook close takes four segments: the ACK of this FIN and {who}'s own FIN travel separately while {who} still has something to send, and may merge into one when it has nothing left.",
                    "FIN 只结束一个方向的传输。TCP 是全双工的，{who}仍然可以继续向{peer}发送数据，想发多久都行（半关闭）。所以教科书上的关闭是四次挥手：只要{who}还有数据要发，对这个 FIN 的 ACK 和它自己的 FIN 就分开发送；没有数据可发时，两者可能合并成一个报文段。"
                ),
            );
        }
        return Some(s);
    }
    if ep.changed(State::FinWait1, State::Closing) {
        let mut s = Story::new(say!(
            cx,
            "{subj} gets {peer}'s FIN in FIN_WAIT1: the FINs crossed, so it enters CLOSING.",
            "{who}在 FIN_WAIT1 收到{peer}的 FIN：两个 FIN 交错了，它进入 CLOSING。"
        ))
        .kind(Kind::CrossedFin);
        s.main(say!(
            cx,
            "{subj} receives {label} while in FIN_WAIT1, but this FIN does not acknowledge {who}'s own FIN: the two FINs crossed on the wire. {subj} acknowledges it ({ack_label}) and moves to CLOSING.",
            "{who}在 FIN_WAIT1 状态收到 {label}，但这个 FIN 并没有确认{who}自己的 FIN：两个 FIN 在路上交错而过。{who}确认它（{ack_label}），进入 CLOSING。"
        ));
        s.why(
            "closing",
            say!(
                cx,
                "CLOSING belongs to the simultaneous close: a side in it has both sent and received a FIN and only waits for its own FIN to be acknowledged.",
                "CLOSING 是同时关闭特有的状态：处于这个状态的一方已经发出并收到了 FIN，只差自己的 FIN 得到确认。"
            ),
        );
        return Some(s);
    }
    if ep.entered(State::TimeWait) {
        let both = ep.changed(State::FinWait1, State::FinWait2) || ep.changed(State::FinWait1, State::TimeWait);
        let tw = tw_text(cx, ep);
        let mut s = Story::new(say!(
            cx,
            "{subj} receives {peer}'s FIN, sends the last ACK and enters TIME_WAIT.",
            "{who}收到{peer}的 FIN，发出最后一个 ACK，进入 TIME_WAIT。"
        ));
        if both {
            let a = cx.ack(seg);
            s.main(say!(
                cx,
                "{subj} receives {label}, which does two jobs: ack={a} acknowledges {who}'s FIN, and its FIN closes {peer}'s direction too. {subj} passes through FIN_WAIT2 in an instant, sends the last ACK, {ack_label}, and enters TIME_WAIT for 2·MSL ({tw}).",
                "{who}收到 {label}，这个报文段身兼两职：ack={a} 确认了{who}的 FIN，它的 FIN 则关闭了{peer}那个方向。{who}瞬间经过 FIN_WAIT2，发出最后一个 ACK：{ack_label}，进入 TIME_WAIT，等待 2MSL（{tw}）。"
            ));
        } else {
            s.main(say!(
                cx,
                "{subj} receives {label}: {peer} has closed its direction as well. {subj} answers with the last ACK of the close, {ack_label} (the fourth segment of the four-way close), and enters TIME_WAIT for 2·MSL ({tw}).",
                "{who}收到 {label}：{peer}也关闭了自己的方向。{who}用关闭过程的最后一个 ACK 作答：{ack_label}（第四次挥手），然后进入 TIME_WAIT，等待 2MSL（{tw}）。"
            ));
        }
        time_wait_why(cx, ep, &mut s, &peer, true);
        if ep.lost.is_empty() {
            s.detail(say!(
                cx,
                "Only the side that closed first waits like this; {peer} will be CLOSED as soon as this ACK arrives.",
                "只有先关闭的一方需要这样等待；{peer}一收到这个 ACK 就会进入 CLOSED。"
            ));
        }
        return Some(s);
    }
    let before = ep.state_at_start(cx);
    if ep.changes.is_empty() && before == Some(State::TimeWait) && ep.armed(Timer::TimeWait).is_some() {
        let tw = tw_text(cx, ep);
        let peer_subj = capitalize(peer.clone());
        let mut s = Story::new(say!(
            cx,
            "{subj}, still in TIME_WAIT, acknowledges the repeated FIN and restarts its 2·MSL timer.",
            "{who}仍在 TIME_WAIT，再次确认重发的 FIN，并重新开始 2MSL 计时。"
        ));
        s.main(say!(
            cx,
            "{subj} is still in TIME_WAIT when {peer}'s FIN arrives again: its last ACK must have been lost. It acknowledges the FIN again ({ack_label}) and restarts its 2·MSL timer: another {tw} from now.",
            "{who}仍处于 TIME_WAIT，这时{peer}的 FIN 又到了：说明它的最后一个 ACK 丢了。{who}再次确认这个 FIN（{ack_label}），并重新开始 2MSL 计时：从现在起再等 {tw}。"
        ));
        s.why(
            "timewait-saves",
            say!(
                cx,
                "This is exactly why TIME_WAIT exists. Had {who} already closed, the repeated FIN would have met an RST, and {peer}'s connection would have ended in an error instead of a clean close. {peer_subj} stays in LAST_ACK until this ACK arrives.",
                "这正是 TIME_WAIT 存在的原因。如果{who}已经关闭，重发的 FIN 只会换来一个 RST，{peer}的连接就会以出错告终，而不是正常关闭。{peer}会一直停在 LAST_ACK，直到收到这个 ACK。"
            ),
        );
        return Some(s);
    }
    None
}

/// TIME_WAIT's length, from the timer this episode armed.
pub(crate) fn tw_text(cx: &Cx<'_>, ep: &Ep) -> String {
    match ep.armed(Timer::TimeWait) {
        Some((deadline, _)) => cx.span(ep.at, deadline),
        None => String::from("2·MSL"),
    }
}

/// Why TIME_WAIT, once per trace. `last_ack_now`: this episode sends the close's last ACK.
fn time_wait_why(cx: &Cx<'_>, ep: &Ep, s: &mut Story, peer: &str, last_ack_now: bool) {
    if cx.seen_state(ep.first, State::TimeWait) {
        return;
    }
    let who = cx.host(ep.host);
    if !last_ack_now {
        s.why(
            "timewait",
            say!(
                cx,
                "Why wait at all? If the ACK {who} sent for {peer}'s FIN was lost, {peer} will send its FIN again, and {who} must still be there to acknowledge it. TIME_WAIT lasts 2·MSL, twice the maximum segment lifetime, which also lets stray duplicates of this connection die out before the same four-tuple (addresses and ports) is used again.",
                "为什么还要等？如果{who}对{peer}的 FIN 所发的 ACK 丢了，{peer}会重发 FIN，{who}必须还在，才能再次确认。TIME_WAIT 持续 2MSL，即报文段最大生存时间的两倍，这段等待还能让这条连接残留在网络中的旧报文段全部消失，之后同一个四元组（地址和端口）才能再次使用。"
            ),
        );
        return;
    }
    if !ep.lost.is_empty() {
        s.why(
            "timewait",
            say!(
                cx,
                "Why did {who} not close right away? For exactly this case: {peer} will retransmit its FIN, and {who} must still be there to acknowledge it. TIME_WAIT lasts 2·MSL, twice the maximum segment lifetime, which also lets stray duplicates of this connection die out before the same four-tuple (addresses and ports) is used again.",
                "为什么{who}不立即关闭？就是为了应对这种情况：{peer}会重发 FIN，{who}必须还在，才能再次确认。TIME_WAIT 持续 2MSL，即报文段最大生存时间的两倍，这段等待还能让这条连接残留在网络中的旧报文段全部消失，之后同一个四元组（地址和端口）才能再次使用。"
            ),
        );
        return;
    }
    s.why(
        "timewait",
        say!(
            cx,
            "Why not close right away? TIME_WAIT lasts 2·MSL, twice the maximum segment lifetime. If this last ACK is lost, {peer} will send its FIN again, and {who} must still be there to acknowledge it; the wait also lets any stray duplicate of this connection die out before the same four-tuple (addresses and ports) can be used again.",
            "为什么不立即关闭？TIME_WAIT 要持续 2MSL，即报文段最大生存时间的两倍。如果这最后一个 ACK 丢了，{peer}会重发 FIN，{who}必须还在，才能再次确认；这段等待还能让这条连接残留在网络中的旧报文段全部消失，之后同一个四元组（地址和端口）才能再次使用。"
        ),
    );
}

/// An ACK moved a closing connection on: FIN_WAIT2, TIME_WAIT from CLOSING, or CLOSED from LAST_ACK.
pub(crate) fn ack_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let a = cx.ack(seg);
    if ep.changed(State::FinWait1, State::FinWait2) {
        let mut s = Story::new(say!(
            cx,
            "{subj}'s FIN is acknowledged: it enters FIN_WAIT2 and waits for {peer}'s FIN.",
            "{who}的 FIN 得到确认：进入 FIN_WAIT2，等待{peer}的 FIN。"
        ));
        // After close() nobody reads any more (data that arrives is answered with a reset, RFC
        // 1122 §4.2.2.13); after shutdown() the application still does.
        let peer_subj = capitalize(peer.clone());
        s.main(if cx.app_closed(ep.conn, ep.first) {
            say!(
                cx,
                "{subj} receives {label}: ack={a} covers its FIN, so its direction is closed. It moves to FIN_WAIT2 and waits for {peer}'s FIN. {peer_subj} may still send data until then, but nobody will read it: {who}'s application has closed the socket, so data that arrives now is answered with a reset.",
                "{who}收到 {label}：ack={a} 确认了它的 FIN，它这个方向已经关闭。它进入 FIN_WAIT2，等待{peer}的 FIN。在此之前{peer}仍然可以发送数据，但已经没有人会读了：{who}的应用已经关闭了套接字，这时到达的数据会换来一个复位。"
            )
        } else {
            say!(
                cx,
                "{subj} receives {label}: ack={a} covers its FIN, so its direction is closed. It moves to FIN_WAIT2 and waits for {peer}'s FIN; until then {peer} may still send data, and {who} will keep reading it.",
                "{who}收到 {label}：ack={a} 确认了它的 FIN，它这个方向已经关闭。它进入 FIN_WAIT2，等待{peer}的 FIN；在此之前{peer}仍然可以发送数据，{who}也会继续接收。"
            )
        });
        if let Some((deadline, _)) = ep.armed(Timer::FinWait2) {
            let d = cx.span(ep.at, deadline);
            s.detail(say!(
                cx,
                "Because its application closed the socket entirely (not just shutdown()), {who} will not wait forever: if no FIN comes within {d}, it gives up (Linux's tcp_fin_timeout).",
                "由于应用已经彻底 close() 了套接字（而不只是 shutdown()），{who}不会无限等待：{d}内等不到 FIN 就放弃（Linux 的 tcp_fin_timeout）。"
            ));
        }
        return Some(s);
    }
    if ep.changed(State::Closing, State::TimeWait) {
        let tw = tw_text(cx, ep);
        let mut s = Story::new(say!(
            cx,
            "{subj}'s FIN is acknowledged: from CLOSING it enters TIME_WAIT.",
            "{who}的 FIN 得到确认：从 CLOSING 进入 TIME_WAIT。"
        ))
        .kind(Kind::ClosingAck);
        s.main(say!(
            cx,
            "{subj} receives {label}: its own FIN is acknowledged at last. From CLOSING it enters TIME_WAIT, where it will wait 2·MSL ({tw}).",
            "{who}收到 {label}：自己的 FIN 终于得到确认。它从 CLOSING 进入 TIME_WAIT，将在这里等待 2MSL（{tw}）。"
        ));
        s.why(
            "simclose-tw",
            say!(
                cx,
                "In a simultaneous close both sides close actively, so both go FIN_WAIT1 → CLOSING → TIME_WAIT, and both wait 2·MSL.",
                "同时关闭时双方都是主动关闭，所以都会经历 FIN_WAIT1 → CLOSING → TIME_WAIT，也都要等待 2MSL。"
            ),
        );
        time_wait_why(cx, ep, &mut s, &peer, false);
        return Some(s);
    }
    if ep.changed(State::LastAck, State::Closed) {
        let mut s =
            Story::new(say!(cx, "{subj} receives the last ACK and is CLOSED.", "{who}收到最后一个 ACK，进入 CLOSED。"));
        s.main(say!(
            cx,
            "{subj} receives {label}, the acknowledgment of its FIN. It moves from LAST_ACK straight to CLOSED and releases the connection: the passive side has no TIME_WAIT.",
            "{who}收到 {label}，这是对它 FIN 的确认。它从 LAST_ACK 直接进入 CLOSED，释放连接：被动关闭的一方不需要 TIME_WAIT。"
        ));
        let retried = ep.conn.is_some_and(|c| {
            cx.seen_sent(ep.first, |o| o.conn == Some(c) && o.retransmission && o.repr.flags.contains(Flags::FIN))
        });
        if retried {
            s.why(
                "fin-retry-worked",
                say!(
                    cx,
                    "The retransmitted FIN did its job: because {peer} was still in TIME_WAIT, the close ends cleanly instead of with a reset.",
                    "重传的 FIN 起了作用：多亏{peer}还处在 TIME_WAIT，关闭得以正常完成，而不是以复位告终。"
                ),
            );
        }
        return Some(s);
    }
    None
}

/// The 2·MSL timer expired.
pub(crate) fn time_wait_over(cx: &Cx<'_>, ep: &Ep) -> Story {
    let who = cx.host(ep.host);
    let mut s = Story::new(say!(
        cx,
        "2·MSL is over: {who} leaves TIME_WAIT and is CLOSED.",
        "2MSL 时间已到：{who}离开 TIME_WAIT，进入 CLOSED。"
    ))
    .kind(Kind::TimeWaitOver);
    let Some(conn) = ep.conn else {
        return s;
    };
    let c = &cx.t.conns[conn];
    let (local, remote) = (c.local, c.remote);
    let peer = cx.remote_name(conn);
    let waited =
        cx.last_armed(conn, Timer::TimeWait, ep.first).map_or_else(String::new, |(at, due, _)| cx.span(at, due));
    s.main(say!(
        cx,
        "{waited} (2·MSL) have passed without another FIN from {peer}, so {who} leaves TIME_WAIT for CLOSED. The four-tuple {local} ↔ {remote} can now be used again safely.",
        "已经过了 {waited}（2MSL），{peer}没有再发 FIN，于是{who}离开 TIME_WAIT，进入 CLOSED。四元组 {local} ↔ {remote} 现在可以安全地再次使用了。"
    ));
    s
}

/// Linux gave up waiting in FIN-WAIT-2.
pub(crate) fn fin_wait2_timeout(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let d = ep
        .conn
        .and_then(|c| cx.last_armed(c, Timer::FinWait2, ep.first))
        .map_or_else(String::new, |(at, due, _)| cx.span(at, due));
    let mut s = Story::new(say!(
        cx,
        "{subj} gives up waiting in FIN_WAIT2 and drops the connection.",
        "{who}不再在 FIN_WAIT2 中等待，丢弃了连接。"
    ));
    s.main(say!(
        cx,
        "{subj} has waited {d} in FIN_WAIT2 with no FIN from {peer}. Its application has closed the socket, so nobody could read anything that still came; {who} drops the connection instead of keeping it forever (Linux's tcp_fin_timeout).",
        "{who}在 FIN_WAIT2 中等了 {d}，{peer}始终没有发来 FIN。它的应用已经关闭了套接字，之后再收到什么也没人读；于是{who}丢弃这个连接，而不是永远保留它（Linux 的 tcp_fin_timeout）。"
    ));
    s.why(
        "fw2",
        say!(
            cx,
            "RFC 9293 would let FIN_WAIT2 last forever, since {peer} may legitimately keep sending; the timeout protects against a peer that never closes: one that vanished, or whose application forgot to.",
            "按 RFC 9293，FIN_WAIT2 可以无限期持续，因为{peer}完全可以继续发送数据；这个超时是为了防备对方永远不关闭：可能是对方已经消失，也可能是它的应用忘了关闭。"
        ),
    );
    s
}

/// The application aborted: RST instead of FIN.
pub(crate) fn abort(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let rst = ep.sent.iter().copied().find(|&s| cx.has(s, Flags::RST));
    let label = rst.map_or_else(|| String::from("RST"), |r| cx.label(r));
    let peer = rst.map_or_else(String::new, |r| cx.dst_name(r));
    let mut s = Story::new(say!(
        cx,
        "{subj} aborts: it sends {label} and is CLOSED at once.",
        "{who}中止连接：发出 {label}，立即进入 CLOSED。"
    ));
    s.main(say!(
        cx,
        "{subj}'s application aborts the connection (close() with SO_LINGER set to 0). Instead of a FIN, {who} sends {label}, throws away anything still queued and goes straight to CLOSED: no FIN_WAIT1 or FIN_WAIT2, no TIME_WAIT.",
        "{who}的应用中止了连接（把 SO_LINGER 设为 0 后调用 close()）。{who}没有发 FIN，而是发出 {label}，丢弃仍在排队的一切数据（未发送的和未读取的），直接进入 CLOSED：既不经过 FIN_WAIT1 和 FIN_WAIT2，也没有 TIME_WAIT。"
    ));
    if rst.is_some() {
        s.why(
            "rst-once",
            say!(
                cx,
                "An RST is never acknowledged and never retransmitted. If it were lost, {peer} would only find out when it next sent something and got another RST back.",
                "RST 不需要确认，也不会重传。如果它丢了，{peer}只有在下次发送数据、又收到一个 RST 时才会发现。"
            ),
        );
    }
    s
}

/// An RST arrived and was accepted.
pub(crate) fn rst_received(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<Story> {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let label = cx.label(seg);
    let a = cx.ack(seg);
    if ep.changed(State::SynSent, State::Closed) {
        let mut s = Story::new(say!(
            cx,
            "Connection refused: {who} gets an RST in answer to its SYN.",
            "连接被拒绝：{who}的 SYN 换来了一个 RST。"
        ));
        s.main(say!(
            cx,
            "{subj} receives {label} in SYN_SENT. Its ack={a} acknowledges the SYN, so the reset is genuine: nobody listens on that port. {subj} goes back to CLOSED, and connect() fails with ECONNREFUSED (“connection refused”).",
            "{who}在 SYN_SENT 状态收到 {label}。它的 ack={a} 确认了这个 SYN，说明复位是真的：那个端口上没有程序在监听。{who}回到 CLOSED，connect() 调用失败，返回 ECONNREFUSED（“连接被拒绝”）。"
        ));
        return Some(s);
    }
    if ep.changed(State::SynReceived, State::Listen) {
        let mut s = Story::new(say!(
            cx,
            "{subj} accepts the RST and drops the half-open connection.",
            "{who}接受 RST，丢弃这个半连接。"
        ));
        s.main(say!(
            cx,
            "{subj} receives {label} for its half-open connection. The reset is in order, so {who} discards the SYN_RECV entry and goes back to LISTEN; no application ever saw the connection.",
            "{who}为这个半连接收到 {label}。复位合法，于是{who}丢弃这个 SYN_RECV 条目，回到 LISTEN；应用程序从未看到过这个连接。"
        ));
        let real_pending = cx.t.segments.iter().any(|o| {
            o.from == cx.seg(seg).from
                && o.repr.flags.contains(Flags::SYN)
                && !o.repr.flags.contains(Flags::ACK)
                && !o.injected
                && o.delivered_at().is_some_and(|t| t > ep.at)
        });
        if real_pending {
            let peer_subj = capitalize(peer.clone());
            s.why(
                "veto-worked",
                say!(
                    cx,
                    "The veto worked: the stale SYN cost {who} only a brief half-open entry. {peer_subj}'s real SYN, still on its way, will open the right connection.",
                    "否决生效了：这个过时的 SYN 只让{who}短暂地保留了一个半连接。{peer}真正的 SYN 还在路上，它会建立正确的连接。"
                ),
            );
        }
        return Some(s);
    }
    let probe = cx.seg(seg).answers.and_then(|p| cx.keepalive_probe(p).map(|n| (p, n)));
    if let (true, Some((probe, _))) = (ep.entered(State::Closed), probe) {
        let probe_label = cx.label(probe);
        let mut s = Story::new(say!(
            cx,
            "The keep-alive probe meets a reset: {peer} no longer has the connection.",
            "保活探测换来了一个复位：{peer}已经没有这条连接了。"
        ));
        s.main(say!(
            cx,
            "{subj}'s keep-alive probe ({probe_label}) reached {peer}, whose TCP has no connection it belongs to, so it answered with a reset: {label}. {subj} accepts the reset, drops the connection and its application gets ECONNRESET (“connection reset by peer”).",
            "{who}的保活探测（{probe_label}）到达了{peer}，可是{peer}的 TCP 找不到它所属的连接，于是回复了复位 {label}。{who}接受这个复位，丢弃连接，应用程序得到 ECONNRESET（“连接被对方复位”）。"
        ));
        s.why(
            "keepalive-reset",
            say!(
                cx,
                "This is the half-open connection of RFC 9293 §3.5.1: {peer} lost the connection (it aborted, crashed and restarted, or its reset never arrived) while {who} kept it ESTABLISHED, with nothing to send. Without the probe, {who} would only have found out when it next sent data.",
                "这就是 RFC 9293 §3.5.1 所说的半开连接：{peer}已经失去了这条连接（它中止了连接、崩溃后重启，或者它发出的复位没有送达），而{who}无事可发，一直停在 ESTABLISHED。如果没有这次探测，{who}要等到下次发送数据时才会发现。"
            ),
        );
        return Some(s);
    }
    if ep.changed(State::TimeWait, State::Closed) {
        let mut s = Story::new(say!(
            cx,
            "A reset ends {who}'s TIME_WAIT early: TIME-WAIT assassination.",
            "一个复位提前结束了{who}的 TIME_WAIT：TIME_WAIT 暗杀。"
        ));
        s.main(say!(
            cx,
            "{subj} is in TIME_WAIT when {label} arrives. Its sequence number is exactly the one expected, and RFC 9293 lets a reset close the connection in any state, TIME_WAIT included: {who} goes to CLOSED at once, long before its 2MSL is over. Linux does so by default (net.ipv4.tcp_rfc1337 = 0).",
            "{who}处于 TIME_WAIT 时收到 {label}。它的序号正好是期望的那个，而 RFC 9293 允许复位在任何状态下关闭连接，TIME_WAIT 也不例外：{who}立即进入 CLOSED，远没有等满 2MSL。Linux 默认就是这样做的（net.ipv4.tcp_rfc1337 = 0）。"
        ));
        s.why(
            "rfc1337",
            say!(
                cx,
                "TIME_WAIT exists so that old duplicates of this connection die out before the same four-tuple can be used again; this reset, cutting it short, reopens that hazard. RFC 1337 calls it TIME-WAIT assassination and recommends ignoring resets in TIME_WAIT, as FreeBSD does.",
                "TIME_WAIT 的存在，是为了让这条连接残留的旧报文段在同一个四元组被再次使用之前消失；这个复位提前结束了它，隐患也就回来了。RFC 1337 把这称为 TIME_WAIT 暗杀，并建议在 TIME_WAIT 中忽略复位，FreeBSD 就是这样做的。"
            ),
        );
        return Some(s);
    }
    if ep.entered(State::Closed) {
        let mut s =
            Story::new(say!(cx, "{subj} is reset: the connection is gone at once.", "{who}被复位：连接立即消失。"));
        // Its own FIN already out: the close is cut short, not skipped.
        let fin_sent =
            matches!(ep.state_at_start(cx), Some(State::FinWait1 | State::FinWait2 | State::Closing | State::LastAck));
        let no_more = if fin_sent {
            say!(cx, "with the close left unfinished", "关闭过程就此中断")
        } else {
            say!(cx, "with no FIN exchange", "不再交换 FIN")
        };
        s.main(if cx.app_closed(ep.conn, ep.first) {
            say!(
                cx,
                "{subj} receives {label}. Its sequence number is exactly the one expected, so the reset is accepted: {who} drops the connection at once, {no_more} and no TIME_WAIT. Its application closed the socket already, so no one is told.",
                "{who}收到 {label}。它的序号正好是期望的那个，复位被接受：{who}立即丢弃连接，{no_more}，也没有 TIME_WAIT。它的应用早已关闭了套接字，所以没有谁会得到通知。"
            )
        } else {
            say!(
                cx,
                "{subj} receives {label}. Its sequence number is exactly the one expected, so the reset is accepted: {who} drops the connection at once, {no_more} and no TIME_WAIT, and its application gets ECONNRESET (“connection reset by peer”).",
                "{who}收到 {label}。它的序号正好是期望的那个，复位被接受：{who}立即丢弃连接，{no_more}，也没有 TIME_WAIT，应用程序得到 ECONNRESET（“连接被对方复位”）。"
            )
        });
        let ghost = ep.conn.is_some_and(|c| cx.history(c, ep.first).contains(&(State::Listen, State::Established)));
        if ghost {
            s.why(
                "ghost-reset",
                say!(
                    cx,
                    "The ghost connection is gone, but only because {peer}'s RST got through: {who}'s application had already accepted it and sent data nobody wanted. Had every reset been lost, the ghost would have lived on, tying {who} up until its retransmissions drew another reset or it gave up on them.",
                    "幽灵连接消失了，但这全靠{peer}的 RST 顺利送达：{who}的应用此前已经接受了它，还发送了没人要的数据。如果复位全都丢了，幽灵连接就会一直存在，占着{who}的资源，直到它的重传再换来一个复位，或者它放弃重传。"
                ),
            );
        }
        let reason = ep.notices.iter().find_map(|n| match n {
            Notice::Closed { reason } => Some(*reason),
            _ => None,
        });
        if let Some(why) = crate::gone::reset_after_reboot(cx, ep, seg) {
            s.why("reset-after-reboot", why);
        }
        if reason == Some(CloseReason::Reset) && !ghost {
            s.why(
                "reset",
                say!(
                    cx,
                    "Any data still in flight in either direction is lost: a reset is an abrupt end, not a close.",
                    "两个方向上仍在途中的数据都会丢失：复位是突然终止，而不是关闭。"
                ),
            );
        }
        return Some(s);
    }
    None
}
