//! What an imported capture shows, said in English and Chinese: where it was taken, what was
//! guessed, and each retransmission, duplicate, reordering, zero window, reset, loss and
//! retransmission timeout. Segment numbers count from 1 in capture order.

use alloc::format;
use alloc::string::String;

use tcp_core::Instant;

/// One note, about a segment or about the whole import.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The segment (index into the trace's segments), if about one.
    pub segment: Option<usize>,
    /// When, in trace time.
    pub at: Instant,
    /// What the capture showed.
    pub kind: NoteKind,
}

/// What a note says.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteKind {
    /// Both ends have one address: the capture holds both sides' view.
    BothSides,
    /// Where the capture point is (µs from each end), and whether it was measured.
    CapturePoint {
        /// One-way delay between the client and the capture point.
        client_us: u64,
        /// One-way delay between the capture point and the server.
        server_us: u64,
        /// Measured from a request and its answer (else assumed).
        measured: bool,
    },
    /// The profile guessed for an end, and from what.
    Profile {
        /// The end's name.
        host: String,
        /// The profile's name.
        profile: &'static str,
        /// What it was guessed from, in English.
        from_en: String,
        /// The same in Chinese.
        from_zh: String,
    },
    /// The trace holds a stand-in IPv4 address for an IPv6 or shared one.
    AddressMapped {
        /// The real address.
        real: String,
        /// The address the trace and the scenario use.
        shown: String,
    },
    /// No handshake was captured: the connection is assumed established at the start.
    AssumedOpen,
    /// More segments than are drawn.
    Cut {
        /// Segments not kept.
        dropped: u64,
    },
    /// A retransmission, `gap_us` after the previous copy; `rto` says whether the observer's
    /// retransmission timer fired then.
    Retransmission {
        /// Time since the previous copy.
        gap_us: u64,
        /// The timeout tcp-core predicts fired at that moment.
        rto: bool,
    },
    /// An exact copy of an earlier segment.
    Duplicate {
        /// The original's index among the trace's segments (from 0; the text says `of + 1`).
        of: usize,
    },
    /// Below what its sender had already sent, soon after: reordered on the way.
    OutOfOrder,
    /// Above what its sender had sent: something before it was not captured.
    GapBefore,
    /// Advertises a zero window.
    ZeroWindow,
    /// A RST, made by the application (abort) or by TCP (an answer to a segment).
    Reset {
        /// The application aborted.
        by_app: bool,
    },
    /// Inferred lost after the capture point, and why.
    Lost {
        /// Why, in English.
        why_en: &'static str,
        /// The same in Chinese.
        why_zh: &'static str,
    },
    /// Held up in the network: answered later than the path allows.
    Delayed {
        /// How much longer than the path delay.
        extra_us: u64,
    },
    /// A SYN that is not the connection's own (another ISN while it is alive).
    Foreign,
    /// From here on, the states are tcp-core's prediction: the capture has ended.
    AfterCapture,
}

impl Note {
    /// The note in English.
    pub fn en(&self) -> String {
        let text = match &self.kind {
            NoteKind::BothSides => String::from(
                "both ends share one address (loopback or one host): the capture holds both sides' view, \
                 and a segment lost here was dropped after the capture point",
            ),
            NoteKind::CapturePoint { client_us, server_us, measured } => format!(
                "the capture point is {} from the client and {} from the server ({})",
                ms(*client_us),
                ms(*server_us),
                if *measured {
                    "measured from the handshake and the quickest answers"
                } else {
                    "assumed: no answer was captured"
                }
            ),
            NoteKind::Profile { host, profile, from_en, .. } => {
                format!("{host}: profile `{profile}`, guessed from {from_en} (you may change it in the scenario)")
            }
            NoteKind::AddressMapped { real, shown } => {
                format!("{real} is shown as {shown}: the trace and the scenario hold IPv4 addresses, one per end")
            }
            NoteKind::AssumedOpen => String::from(
                "the capture starts mid-connection: both ends are assumed ESTABLISHED at the start (inferred, not seen); \
                 sequence numbers are absolute",
            ),
            NoteKind::Cut { dropped } => format!("{dropped} more segments of this connection are not drawn"),
            NoteKind::Retransmission { gap_us, rto: true } => format!(
                "retransmission {} after the previous copy: the retransmission timeout tcp-core predicts fired then",
                ms(*gap_us)
            ),
            NoteKind::Retransmission { gap_us, rto: false } => format!(
                "retransmission {} after the previous copy (not when tcp-core's retransmission timer would fire: \
                 a fast retransmission, or another stack's timer)",
                ms(*gap_us)
            ),
            NoteKind::Duplicate { of } => {
                format!("an exact copy of segment {}: the network or the capture duplicated it", of + 1)
            }
            NoteKind::OutOfOrder => String::from("out of order: it arrived after a segment that follows it"),
            NoteKind::GapBefore => {
                String::from("a segment before this one was not captured (lost before the capture point, or reordered)")
            }
            NoteKind::ZeroWindow => {
                String::from("zero window: the receiver has no room, the sender must wait and probe")
            }
            NoteKind::Reset { by_app: true } => String::from("RST: the application aborted the connection (inferred)"),
            NoteKind::Reset { by_app: false } => {
                String::from("RST: the sender's TCP answered a segment it could not accept (inferred)")
            }
            NoteKind::Lost { why_en, .. } => format!("lost after the capture point (inferred: {why_en})"),
            NoteKind::Delayed { extra_us } => {
                format!(
                    "held up in the network {} longer than the path delay (inferred from its late answer)",
                    ms(*extra_us)
                )
            }
            NoteKind::Foreign => String::from(
                "a SYN that is not the connection's own (another initial sequence number while it is open): \
                 an old duplicate, drawn as injected",
            ),
            NoteKind::AfterCapture => String::from("the capture ends here: later states are tcp-core's prediction"),
        };
        self.prefix(text, "segment")
    }

    /// The note in Chinese.
    pub fn zh(&self) -> String {
        let text = match &self.kind {
            NoteKind::BothSides => String::from(
                "两端地址相同（回环或同一台主机）：抓包同时看到了两端；在这里丢失的报文段是在抓包点之后被丢弃的",
            ),
            NoteKind::CapturePoint { client_us, server_us, measured } => format!(
                "抓包点距客户端 {}，距服务器 {}（{}）",
                ms_zh(*client_us),
                ms_zh(*server_us),
                if *measured { "由握手和最快的应答测得" } else { "推测：没有抓到应答" }
            ),
            NoteKind::Profile { host, profile, from_zh, .. } => {
                format!("{host}：配置 `{profile}`，根据{from_zh}推测（可在场景中修改）")
            }
            NoteKind::AddressMapped { real, shown } => {
                format!("{real} 显示为 {shown}：轨迹和场景使用 IPv4 地址，每端一个")
            }
            NoteKind::AssumedOpen => {
                String::from("抓包从连接中途开始：假定两端一开始就处于 ESTABLISHED（推测，并未看到）；序号为绝对值")
            }
            NoteKind::Cut { dropped } => format!("这个连接还有 {dropped} 个报文段没有画出"),
            NoteKind::Retransmission { gap_us, rto: true } => {
                format!("重传，距上一次发送 {}：TCP 状态机推算的重传定时器正好在这时超时", ms_zh(*gap_us))
            }
            NoteKind::Retransmission { gap_us, rto: false } => format!(
                "重传，距上一次发送 {}（不是 TCP 状态机的重传定时器超时的时刻：可能是快速重传，或其他协议栈的定时器）",
                ms_zh(*gap_us)
            ),
            NoteKind::Duplicate { of } => format!("与第 {} 个报文段完全相同：网络或抓包重复了它", of + 1),
            NoteKind::OutOfOrder => String::from("乱序：它比后面的报文段到得晚"),
            NoteKind::GapBefore => String::from("它前面有报文段没有被抓到（在抓包点之前丢失，或乱序）"),
            NoteKind::ZeroWindow => String::from("零窗口：接收方没有空间了，发送方必须等待并探测"),
            NoteKind::Reset { by_app: true } => String::from("复位（RST）：应用程序中止了连接（推测）"),
            NoteKind::Reset { by_app: false } => {
                String::from("复位（RST）：发送方的 TCP 在回应一个它无法接受的报文段（推测）")
            }
            NoteKind::Lost { why_zh, .. } => format!("在抓包点之后丢失（推测：{why_zh}）"),
            NoteKind::Delayed { extra_us } => {
                format!("在网络中比路径时延多耽搁了 {}（由它迟到的应答推测）", ms_zh(*extra_us))
            }
            NoteKind::Foreign => String::from(
                "这个 SYN 不属于当前连接（连接仍在时出现了另一个初始序号）：是旧的重复报文段，画作注入的报文段",
            ),
            NoteKind::AfterCapture => String::from("抓包到此结束：之后的状态是 TCP 状态机的推算"),
        };
        self.prefix(text, "zh")
    }

    fn prefix(&self, text: String, lang: &str) -> String {
        match (self.segment, lang) {
            (Some(i), "zh") => format!("第 {} 个报文段：{text}", i + 1),
            (Some(i), _) => format!("segment {}: {text}", i + 1),
            (None, _) => text,
        }
    }
}

/// `12.345 ms` from microseconds, without floats.
pub(crate) fn ms(us: u64) -> String {
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

fn ms_zh(us: u64) -> String {
    format!("{}.{:03} 毫秒", us / 1000, us % 1000)
}
