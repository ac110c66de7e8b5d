//! One sentence per connection state, for tooltips.

use bilingual::Lang;
use tcp_core::State;

/// What a connection in `state` is doing, in one sentence (for tooltips). The netstat / ss
/// spelling leads, as readers know it from there.
pub fn explain_state(state: State, lang: Lang) -> &'static str {
    let (en, zh) = match state {
        State::Closed => (
            "CLOSED: no connection at all; a segment that arrives here is answered with RST.",
            "CLOSED：没有任何连接；此时到达的报文段会被回以 RST。",
        ),
        State::Listen => (
            "LISTEN: a server socket after listen(), waiting for SYNs from any client.",
            "LISTEN：调用 listen() 之后的服务器套接字，等待任意客户端的 SYN。",
        ),
        State::SynSent => (
            "SYN_SENT: connect() has sent a SYN and waits for the SYN-ACK; the SYN is retransmitted with a doubling timeout.",
            "SYN_SENT：connect() 已发出 SYN，正在等待 SYN+ACK；SYN 会按翻倍的超时时间重传。",
        ),
        State::SynReceived => (
            "SYN_RECV: a SYN arrived and a SYN-ACK went back; this half-open connection sits in the SYN queue until the third segment (the ACK) arrives.",
            "SYN_RECV：收到了 SYN 并回复了 SYN+ACK；这个半连接待在半连接队列里，直到第三次握手的 ACK 到达。",
        ),
        State::Established => (
            "ESTABLISHED: the handshake is done and data can flow in both directions.",
            "ESTABLISHED：握手已完成，数据可以双向传输。",
        ),
        State::FinWait1 => (
            "FIN_WAIT1: this side closed first (active close) and sent its FIN; it waits for that FIN to be acknowledged.",
            "FIN_WAIT1：这一方先关闭（主动关闭）并发出了 FIN，正在等待对这个 FIN 的确认。",
        ),
        State::FinWait2 => (
            "FIN_WAIT2: our FIN is acknowledged and our direction is closed; we still receive until the peer sends its own FIN.",
            "FIN_WAIT2：这一方的 FIN 已被确认，它的发送方向已经关闭；在对方发出 FIN 之前仍然可以接收数据。",
        ),
        State::CloseWait => (
            "CLOSE_WAIT: the peer has sent its FIN (read() returns 0); this side may still send, and waits for its application to call close(). Many sockets stuck here mean an application forgot to close.",
            "CLOSE_WAIT：对方已发出 FIN（read() 返回 0）；这一方仍可发送数据，正等待自己的应用调用 close()。大量连接卡在这里，通常说明应用忘了关闭套接字。",
        ),
        State::Closing => (
            "CLOSING: both sides sent FIN at once (simultaneous close); we got the peer's FIN and wait for the ACK of ours.",
            "CLOSING：双方同时发出了 FIN（同时关闭）；我们已收到对方的 FIN，正在等待对自己 FIN 的确认。",
        ),
        State::LastAck => (
            "LAST_ACK: the passive side has sent its own FIN after the peer's and waits for the final ACK; then it is CLOSED, with no TIME_WAIT.",
            "LAST_ACK：被动关闭的一方在对方之后也发出了 FIN，正在等待最后一个 ACK；收到后直接进入 CLOSED，没有 TIME_WAIT。",
        ),
        State::TimeWait => (
            "TIME_WAIT: the side that closed first waits 2·MSL, to re-acknowledge a retransmitted FIN if its last ACK was lost and to let old duplicates die out before the four-tuple is reused.",
            "TIME_WAIT：先关闭的一方要等待 2MSL：万一最后一个 ACK 丢失，还能再次确认重发的 FIN；同时让旧的重复报文段在四元组被复用之前全部消失。",
        ),
    };
    match lang.shown() {
        Lang::En => en,
        Lang::Zh => zh,
    }
}
