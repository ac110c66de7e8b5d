//! What each TCP header field means, for the inspector's tooltips. Names are those of
//! `tcp_core::wire::FieldSpan` (RFC 9293 Figure 1, one span per control bit, `Option: MSS` ...).

use bilingual::Lang;

/// A teaching explanation of the header field `name` (as `FieldSpan` names it), or `None` for a
/// name it does not know.
pub fn explain_field(name: &str, lang: Lang) -> Option<&'static str> {
    let (en, zh) = match name {
        "Source Port" => (
            "Source port (16 bits): the sender's port. With the destination port and the two IP addresses it forms the four-tuple that identifies the connection.",
            "源端口（16 位）：发送方的端口。它与目的端口、双方 IP 地址一起构成标识一条连接的四元组。",
        ),
        "Destination Port" => (
            "Destination port (16 bits): the receiver's port, e.g. the one a server listens on. A SYN to a port where nobody listens is answered with RST.",
            "目的端口（16 位）：接收方的端口，例如服务器监听的端口。发往无人监听端口的 SYN 会被回以 RST。",
        ),
        "Sequence Number" => (
            "Sequence number (32 bits): the number of the first data byte in this segment. On a SYN it is the initial sequence number (ISN), chosen per connection and random-looking; a SYN and a FIN each occupy one number.",
            "序号（32 位）：本报文段第一个数据字节的编号。在 SYN 中它就是初始序号（ISN），每条连接单独选取、看似随机；SYN 和 FIN 各占用一个序号。",
        ),
        "Acknowledgment Number" => (
            "Acknowledgment number (32 bits): the next byte the sender expects to receive, so x+1 after a SYN with seq=x. It only counts when the ACK flag is set.",
            "确认号（32 位）：发送方期望收到的下一个字节的序号，所以对 seq=x 的 SYN 确认为 x+1。只有设置了 ACK 标志位时它才有效。",
        ),
        "Data Offset" => (
            "Data offset (4 bits): the header length in 32-bit words, from 5 (20 bytes, no options) to 15 (60 bytes), i.e. where the data starts.",
            "数据偏移（4 位）：以 32 位字为单位的首部长度，从 5（20 字节，无选项）到 15（60 字节），也就是数据开始的位置。",
        ),
        "Reserved" => {
            ("Reserved (4 bits): kept for future use and sent as zero.", "保留位（4 位）：留作将来使用，发送时置为 0。")
        }
        "CWR" => (
            "CWR flag (Congestion Window Reduced): the sender has slowed down in answer to an ECN signal (RFC 3168).",
            "CWR 标志位（拥塞窗口已减小）：发送方已响应 ECN 拥塞信号而降低了发送速率（RFC 3168）。",
        ),
        "ECE" => (
            "ECE flag (ECN-Echo): on a SYN it offers Explicit Congestion Notification; later it reports that the network marked congestion (RFC 3168).",
            "ECE 标志位（ECN 回显）：在 SYN 中表示支持显式拥塞通知；之后表示网络标记了拥塞（RFC 3168）。",
        ),
        "URG" => (
            "URG flag: the urgent pointer field is valid. Rarely used today.",
            "URG 标志位：紧急指针字段有效。如今已很少使用。",
        ),
        "ACK" => (
            "ACK flag: the acknowledgment number field is valid. Every segment after the initial SYN carries it; do not confuse the flag with the acknowledgment number itself.",
            "ACK 标志位：表示确认号字段有效。除了最初的 SYN，之后的每个报文段都设置它；不要把这个标志位和确认号本身混为一谈。",
        ),
        "PSH" => (
            "PSH flag (push): asks the receiver to hand the data to the application without waiting for more.",
            "PSH 标志位（推送）：请接收方立即把数据交给应用程序，不必等待更多数据。",
        ),
        "RST" => (
            "RST flag (reset): abort the connection at once. Sent to a closed port, on abort, or to refuse a stale segment; never acknowledged, never retransmitted.",
            "RST 标志位（复位）：立即终止连接。在端口无人监听、应用中止连接或拒绝过时报文段时发送；它既不需要确认，也不会重传。",
        ),
        "SYN" => (
            "SYN flag (synchronize): opens a connection and carries the sender's initial sequence number; it occupies one sequence number, hence ack = ISN + 1.",
            "SYN 标志位（同步）：用于建立连接，携带发送方的初始序号；它占用一个序号，所以确认号是 ISN + 1。",
        ),
        "FIN" => (
            "FIN flag (finish): the sender has no more data; it closes one direction only. It occupies one sequence number, so it is acknowledged with seq + 1.",
            "FIN 标志位（结束）：发送方的数据已经发完；它只关闭一个方向。FIN 占用一个序号，所以对它的确认是 seq + 1。",
        ),
        "Window" => (
            "Window (16 bits): how many more bytes the sender of this segment can receive. After the handshake it is multiplied by 2^scale if both SYNs offered window scaling; 0 stops the peer (zero window).",
            "窗口（16 位）：本报文段的发送方还能接收多少字节。如果双方的 SYN 都提供了窗口扩大选项，握手之后要乘以 2^扩大因子；窗口为 0 时对方必须停止发送（零窗口）。",
        ),
        "Checksum" => (
            "Checksum (16 bits): the ones'-complement sum over a pseudo-header (IP addresses, protocol, length), the TCP header and the data; a segment that fails it is discarded silently.",
            "校验和（16 位）：对伪首部（IP 地址、协议号、长度）、TCP 首部和数据计算的反码和；校验失败的报文段会被悄悄丢弃。",
        ),
        "Urgent Pointer" => (
            "Urgent pointer (16 bits): where urgent data ends, counted from the sequence number; meaningful only with the URG flag.",
            "紧急指针（16 位）：紧急数据的结束位置，从序号起算；只有设置 URG 标志位时才有意义。",
        ),
        "Option: MSS" => (
            "MSS option (maximum segment size): the largest payload the sender is willing to receive in one segment, typically 1460 bytes on Ethernet. Sent only in a SYN.",
            "MSS 选项（最大报文段长度）：发送方愿意在一个报文段中接收的最大数据量，在以太网上通常是 1460 字节。只在 SYN 中发送。",
        ),
        "Option: WS" => (
            "Window scale option: a shift count; windows after the handshake are multiplied by 2^shift, allowing more than 64 KiB. Used only if both SYNs carry it.",
            "窗口扩大选项：一个移位数；握手之后的窗口值要乘以 2^移位数，从而超过 64 KiB。只有双方的 SYN 都带上它才会生效。",
        ),
        "Option: SACK_PERM" => (
            "SACK-permitted option: the sender can handle selective acknowledgments. Sent only in a SYN.",
            "允许 SACK 选项：发送方支持选择性确认。只在 SYN 中发送。",
        ),
        "Option: SACK" => (
            "SACK option: blocks of data received beyond a gap, so the sender retransmits only what is really missing.",
            "SACK 选项：列出在空缺之后已经收到的数据块，让发送方只重传真正缺失的部分。",
        ),
        "Option: TS" => (
            "Timestamps option: the sender's clock (TSval) and the last one it received (TSecr); it gives round-trip measurements and protects against wrapped sequence numbers.",
            "时间戳选项：发送方的时钟值（TSval）和它最近收到的对方时钟值（TSecr）；用于测量往返时间，并防止序号回绕带来的混淆。",
        ),
        "Option: NOP" => (
            "NOP option (no-operation): one byte of filler that aligns the next option.",
            "NOP 选项（无操作）：一个字节的填充，用来对齐下一个选项。",
        ),
        "Option: EOL" => ("End of option list: the options stop here.", "选项列表结束：选项到此为止。"),
        "Option: padding" => (
            "Padding: zero bytes that round the header up to a multiple of 4 bytes.",
            "填充：若干零字节，把首部长度补齐为 4 字节的倍数。",
        ),
        "Option: unknown" => (
            "An option this tool does not know; a receiver skips it using its length byte.",
            "本工具不认识的选项；接收方会根据长度字节跳过它。",
        ),
        _ => return None,
    };
    Some(match lang.shown() {
        Lang::En => en,
        Lang::Zh => zh,
    })
}
