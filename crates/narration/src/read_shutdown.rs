//! `shutdown(SHUT_RD)`: the application reads no more, and what its stack then does with data
//! unread and to come (`Config::read_shutdown`): Linux keeps taking it, FreeBSD throws it away,
//! Windows resets.

use alloc::string::String;
use tcp_core::{Flags, ReadShutdown, Timer};
use tcp_sim::trace::SegId;

use crate::Story;
use crate::cx::{Cx, say};
use crate::episode::Ep;

/// The application called `shutdown(SHUT_RD)`; `discarded` unread bytes will never be read.
pub(crate) fn called(cx: &Cx<'_>, ep: &Ep, rule: ReadShutdown, discarded: usize) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let n = discarded;
    let rst = ep.sent.iter().copied().find(|&s| cx.has(s, Flags::RST));
    let mut s = match (rule, rst) {
        (ReadShutdown::Reset, Some(rst)) => {
            let label = cx.label(rst);
            let mut s = Story::new(say!(
                cx,
                "{subj}'s application shuts down reading with {n} bytes unread: {who} resets the connection, {label}.",
                "{who}的应用在还有 {n} 字节未读时关闭了读方向：{who}复位连接，{label}。"
            ));
            s.main(say!(
                cx,
                "{subj}'s application calls shutdown(SHUT_RD) while {n} bytes from {peer} still wait unread in its receive buffer. They can never be delivered now, so this stack resets the connection: {label}, and the connection is gone at once, as Windows documents for shutdown(SD_RECEIVE).",
                "{who}的应用调用 shutdown(SHUT_RD) 时，来自{peer}的 {n} 个字节还留在接收缓冲区里没有读取。它们再也无法交给应用了，于是这个协议栈复位连接：{label}，连接立即消失。Windows 的 shutdown 文档就是这样规定的。"
            ));
            return s;
        }
        (ReadShutdown::Reset, None) if n > 0 => {
            // ABORT sends no RST once the FIN exchange is past (CLOSING, LAST-ACK, TIME-WAIT).
            let mut s = Story::new(say!(
                cx,
                "{subj}'s application shuts down reading with {n} bytes unread: {who} drops the connection.",
                "{who}的应用在还有 {n} 字节未读时关闭了读方向：{who}丢弃这条连接。"
            ));
            s.main(say!(
                cx,
                "{subj}'s application calls shutdown(SHUT_RD) while {n} bytes from {peer} still wait unread. They can never be delivered now, so this stack ends the connection at once, as Windows documents for shutdown(SD_RECEIVE); in this state, as for an abort, no RST goes out.",
                "{who}的应用调用 shutdown(SHUT_RD) 时，来自{peer}的 {n} 个字节还没有读取。它们再也无法交给应用了，于是这个协议栈立即结束连接，Windows 的 shutdown 文档就是这样规定的；在这个状态下，和中止连接时一样，不会发出 RST。"
            ));
            return s;
        }
        (ReadShutdown::Discard, _) if n > 0 => Story::new(say!(
            cx,
            "{subj}'s application shuts down reading: its TCP throws away {n} unread bytes and sends nothing.",
            "{who}的应用关闭了读方向：它的 TCP 丢弃 {n} 字节未读数据，不发送任何报文段。"
        )),
        _ => Story::new(say!(
            cx,
            "{subj}'s application shuts down reading: nothing goes on the wire.",
            "{who}的应用关闭了读方向：线路上没有任何报文段。"
        )),
    };
    s.main(say!(
        cx,
        "{subj}'s application calls shutdown(SHUT_RD): it will read nothing more from this connection. No segment says so, and {peer} is not told.",
        "{who}的应用调用 shutdown(SHUT_RD)：它不会再从这条连接读取任何数据。没有哪个报文段表达这一点，{peer}也不会得到通知。"
    ));
    s.main(match rule {
        ReadShutdown::Keep => say!(
            cx,
            "On this stack, as on Linux, its TCP goes on as before: it acknowledges what arrives and queues it, so unread bytes pile up and the window shrinks. A read() would still return what is queued, then 0; a close() with bytes unread will send a reset.",
            "在这个协议栈上（和 Linux 一样），它的 TCP 一切照旧：到达的数据照常确认、排队，于是未读的字节越积越多，窗口越来越小。此时调用 read() 仍会先返回排队的数据，然后返回 0；带着未读数据调用 close() 则会发出复位。"
        ),
        ReadShutdown::Discard if n > 0 => say!(
            cx,
            "On this stack, as on FreeBSD, the {n} bytes that waited unread are thrown away at once, and so will be whatever arrives from now on, after it is acknowledged: the room they took in the buffer is free again, and the window stays open.",
            "在这个协议栈上（和 FreeBSD 一样），等待读取的 {n} 个字节被立即丢弃；此后到达的数据也会在确认之后被丢弃：它们占用的缓冲区空间重新空了出来，窗口一直保持敞开。"
        ),
        ReadShutdown::Discard => say!(
            cx,
            "On this stack, as on FreeBSD, whatever arrives from now on is acknowledged and thrown away: the window stays open.",
            "在这个协议栈上（和 FreeBSD 一样），此后到达的数据都会在确认之后被丢弃：窗口一直保持敞开。"
        ),
        ReadShutdown::Reset => say!(
            cx,
            "On this stack, as on Windows, any data that arrives from now on will be answered with a reset, since it can never be delivered.",
            "在这个协议栈上（和 Windows 一样），此后到达的任何数据都会被回以复位，因为它再也无法交给应用。"
        ),
    });
    s.why(
        "shut-rd",
        say!(
            cx,
            "shutdown(SHUT_WR) has its FIN, but TCP has no segment for closing the receiving side: RFC 9293's CLOSE closes only the sending side. What becomes of the data that keeps coming is each stack's own choice: Linux keeps it, FreeBSD throws it away, Windows resets.",
            "shutdown(SHUT_WR) 有对应的 FIN，而 TCP 并没有用来关闭接收方向的报文段：RFC 9293 定义的关闭操作只关闭发送方向。之后继续到达的数据如何处理，由各协议栈自行决定：Linux 照收不误，FreeBSD 直接丢弃，Windows 复位连接。"
        ),
    );
    s
}

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
    // The ACK goes now or with the delayed ACK, as for any data.
    let how = match ep.sent.iter().find(|&&g| cx.pure_ack(g)) {
        Some(&ack) => Some(cx.label(ack)),
        None => ep.armed(Timer::DelayedAck).map(|(deadline, _)| {
            let d = cx.span(ep.at, deadline);
            say!(cx, "with a delayed ACK within {d}", "用 {d}内发出的延迟确认")
        }),
    };
    if let Some(how) = how {
        s.main(say!(
            cx,
            "It still acknowledges them ({how}), and since nothing piles up in its buffer, the window stays open: {peer} sees nothing wrong and keeps sending.",
            "它仍然确认这些数据（{how}）；由于缓冲区里什么也没有积压，窗口始终敞开：{peer}看不出任何异常，会继续发送。"
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
