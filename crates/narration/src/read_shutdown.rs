//! `shutdown(SHUT_RD)`: the application reads no more, and what its stack then does with data
//! unread and to come (`Config::read_shutdown`): Linux keeps taking it, FreeBSD throws it away,
//! Windows resets.

use tcp_core::Timer;
use tcp_sim::trace::SegId;

use crate::Story;
use crate::cx::{Cx, say};
use crate::episode::Ep;

/// Data that arrived after the application shut down reading, on a stack that resets then.
pub(crate) fn data_reset(cx: &Cx<'_>, ep: &Ep, seg: SegId, reply_label: &str) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let (peer, label) = (cx.src_name(seg), cx.label(seg));
    let mut s = Story::new(say!(
        cx,
        "Data after shutdown(SHUT_RD): {who} resets the connection with {reply_label}.",
        "shutdown(SHUT_RD) 之后又来了数据：{who}用 {reply_label} 复位连接。"
    ));
    s.main(say!(
        cx,
        "{label} brings data, but {who}'s application has shut down reading: nobody will ever read these bytes. {subj}'s stack does not take them in silence: it resets the connection, {reply_label}, and the connection is gone at once.",
        "{label} 带来了数据，可是{who}的应用已经关闭了读方向：这些字节永远不会有人读取。{who}的协议栈不会默默收下，而是复位连接：{reply_label}，连接立即消失。"
    ));
    s.why(
        "shut-rd",
        say!(
            cx,
            "Windows documents this for shutdown(SD_RECEIVE): data that arrives afterwards cannot be delivered, so the connection is reset. Stacks disagree here: Linux keeps acknowledging and queuing such data, FreeBSD acknowledges it and throws it away. Either way {peer} is not told that nobody reads; only this reset tells it.",
            "Windows 的 shutdown 文档就是这样规定的：关闭读方向之后到达的数据无法交给应用，所以复位连接。各协议栈在这一点上并不一致：Linux 照常确认并排队这些数据，FreeBSD 确认后将其丢弃。不管哪种做法，{peer}都不会被告知已经没人读取；只有这个复位告诉了它。"
        ),
    );
    s
}

/// Data that arrived after the application shut down reading, on a stack that acknowledges it
/// and throws it away.
pub(crate) fn data_discarded(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let (peer, label) = (cx.src_name(seg), cx.label(seg));
    let n = cx.seg(seg).payload.len();
    let mut s = Story::new(say!(
        cx,
        "{subj} acknowledges {n} bytes and throws them away: its application shut down reading.",
        "{who}确认了 {n} 字节数据，随即将其丢弃：它的应用已经关闭了读方向。"
    ));
    s.main(say!(
        cx,
        "{label} arrives after {who}'s application called shutdown(SHUT_RD). {subj}'s TCP takes the {n} bytes in order as usual, but instead of queuing them for a read that will never come, it throws them away.",
        "{label} 在{who}的应用调用 shutdown(SHUT_RD) 之后到达。{who}的 TCP 照常按序接收这 {n} 个字节，但不会把它们排队等待一次永远不会到来的读取，而是直接丢弃。"
    ));
    if let Some(&ack) = ep.sent.iter().find(|&&g| cx.pure_ack(g)) {
        let ack_label = cx.label(ack);
        s.main(say!(
            cx,
            "It still acknowledges them, {ack_label}, and since nothing piles up in its buffer, the window stays open: {peer} sees nothing wrong and keeps sending.",
            "它仍然确认这些数据：{ack_label}。由于缓冲区里什么也没有积压，窗口始终敞开：{peer}看不出任何异常，会继续发送。"
        ));
    } else if let Some((deadline, _)) = ep.armed(Timer::DelayedAck) {
        let d = cx.span(ep.at, deadline);
        s.main(say!(
            cx,
            "It still acknowledges them, with a delayed ACK within {d}, and since nothing piles up in its buffer, the window stays open: {peer} sees nothing wrong and keeps sending.",
            "它仍然会确认这些数据，用 {d}内发出的延迟确认；由于缓冲区里什么也没有积压，窗口始终敞开：{peer}看不出任何异常，会继续发送。"
        ));
    }
    for c in &ep.changes {
        let (from, to) = (Cx::st(c.from), Cx::st(c.to));
        s.main(say!(cx, "{subj} moves from {from} to {to}.", "{who}从 {from} 进入 {to}。"));
    }
    s.why(
        "shut-rd",
        say!(
            cx,
            "This is FreeBSD's shutdown(SHUT_RD): it empties the receive buffer and marks it as receiving no more, and from then on its TCP frees the data of each arriving segment after acknowledging it. Linux would queue the bytes (and a later close() would reset); Windows would reset at once.",
            "这就是 FreeBSD 的 shutdown(SHUT_RD)：它清空接收缓冲区，并将其标记为不再接收；此后它的 TCP 对每个到达的报文段，确认之后就把其中的数据释放掉。换作 Linux，这些字节会被排队（之后调用 close() 就会复位）；换作 Windows，则会立即复位。"
        ),
    );
    s
}
