//! The words themselves: tags, reasons, calls, timers and times, as the diagram's labels, the
//! inspector, the narration and the CLI show them.
//!
//! Flags, numbers, state names (`SYN_SENT`, as `netstat` prints them in either language), timer
//! acronyms (`RTO`, `2MSL`) and function names (`connect()`) are not translated.

use crate::{Lang, pick};
use alloc::format;
use alloc::string::{String, ToString};
use tcp_core::event::{CloseReason, DropReason, Timer};
use tcp_sim::trace::{AppCall, AppError, LossReason, Truncation};

/// A duration: `40 ms`, `402.5 ms`, `1 s`, `1.76 s`, `240 s` (`40 毫秒`, `1.76 秒`): milliseconds
/// to the tenth, seconds to the hundredth (a doubled 880 ms reads 1.76 s, not 1.8 s), whole
/// seconds from 100 s (a TIME_WAIT of 240 s, not 239.99 s).
pub fn duration(lang: Lang, micros: u64) -> String {
    let (ms, s) = (pick(lang, "ms", "毫秒"), pick(lang, "s", "秒"));
    if micros < 999_950 {
        format!("{} {ms}", decimal((micros + 50) / 100, 1))
    } else if micros < 99_995_000 {
        format!("{} {s}", decimal((micros + 5_000) / 10_000, 2))
    } else {
        format!("{} {s}", (micros + 500_000) / 1_000_000)
    }
}

/// A moment to the microsecond, as packet captures show time: `1030.992 ms` (`1030.992 毫秒`).
pub fn instant(lang: Lang, micros: u64) -> String {
    format!("{}.{:03} {}", micros / 1000, micros % 1000, pick(lang, "ms", "毫秒"))
}

/// A point in time for the ruler: `0`, `10 ms`, `1.01 s`, `60.26 s` (`10 毫秒`, `60.26 秒`).
pub fn clock(lang: Lang, micros: u64) -> String {
    let (ms, s) = (pick(lang, "ms", "毫秒"), pick(lang, "s", "秒"));
    if micros == 0 {
        "0".into()
    } else if micros < 1_000_000 {
        format!("{} {ms}", decimal(micros / 100, 1))
    } else {
        format!("{} {s}", decimal(micros / 1_000, 3))
    }
}

/// The skipped time of a break: `⋯ 59.8 s later` / `⋯ 59.8 秒后`.
pub fn later(lang: Lang, micros: u64) -> String {
    match lang.shown() {
        Lang::En => format!("⋯ {} later", duration(lang, micros)),
        Lang::Zh => format!("⋯ {}后", duration(lang, micros)),
    }
}

/// The label of a time the link was down: `link down 200 ms – 2.5 s` / `链路中断 200 毫秒 – 2.5 秒`.
pub fn outage(lang: Lang, from_us: u64, until_us: u64) -> String {
    format!("{} {} – {}", pick(lang, "link down", "链路中断"), clock(lang, from_us), clock(lang, until_us))
}

/// The label of a time a host was down: `down 1 s – 4 s` / `宕机 1 秒 – 4 秒`, or `down from 1 s`
/// / `1 秒起宕机` when it never came back.
pub fn down(lang: Lang, from_us: u64, until_us: Option<u64>) -> String {
    match (until_us, lang.shown()) {
        (Some(until), _) => format!("{} {} – {}", pick(lang, "down", "宕机"), clock(lang, from_us), clock(lang, until)),
        (None, Lang::En) => format!("down from {}", clock(lang, from_us)),
        (None, Lang::Zh) => format!("{}起宕机", clock(lang, from_us)),
    }
}

/// When a segment left and arrived, for a note beside its arrow: `0 → 10 ms`, `1 s → 1.01 s`;
/// a lost one, when it left and why it was lost: `1 s → ✕ dropped` (`1 秒 → ✕ 被丢弃`).
pub fn flight(lang: Lang, sent_us: u64, arrived_us: Option<u64>, loss: Option<&str>) -> String {
    match arrived_us {
        Some(at) => format!("{} → {}", clock(lang, sent_us), clock(lang, at)),
        None => format!("{} → ✕ {}", clock(lang, sent_us), loss.unwrap_or(pick(lang, "lost", "丢失"))),
    }
}

/// Tag of a retransmitted segment.
pub const fn retransmission(lang: Lang) -> &'static str {
    pick(lang, "retransmission", "重传")
}
/// Tag of a copy the network made.
pub const fn duplicate(lang: Lang) -> &'static str {
    pick(lang, "duplicate", "重复")
}
/// Tag of a segment from an earlier connection.
pub const fn old_duplicate(lang: Lang) -> &'static str {
    pick(lang, "old duplicate", "旧的重复报文段")
}
/// Tag of a segment with a forged source address.
pub const fn forged(lang: Lang) -> &'static str {
    pick(lang, "forged", "伪造")
}

/// Tag of a segment the network held back: `delayed 30 ms` / `延迟 30 毫秒`.
pub fn delayed(lang: Lang, micros: u64) -> String {
    format!("{} {}", pick(lang, "delayed", "延迟"), duration(lang, micros))
}

/// Why a segment was lost, as a short tag.
pub const fn loss(lang: Lang, reason: LossReason) -> &'static str {
    match reason {
        LossReason::Random | LossReason::LinkDown => pick(lang, "lost", "丢失"),
        LossReason::Fault => pick(lang, "dropped", "被丢弃"),
        LossReason::Outage { .. } => pick(lang, "link down", "链路中断"),
        LossReason::NoSuchHost => pick(lang, "no such host", "无此主机"),
        LossReason::HostDown => pick(lang, "host down", "主机宕机"),
        LossReason::InFlight => pick(lang, "still in flight", "仍在途中"),
    }
}

/// A timer bar's label: `RTO 2 s (retry 1)`, `delayed ACK 40 ms`, `2MSL 60 s (restarted)`,
/// `keep-alive 75 s (probe 1)`, `connect time limit 75 s`; a timer armed for 0 (Linux's delayed
/// ACK before any data, `Config::ack_delay_zero_before_data`), which a timer wheel fires at its
/// next tick: `delayed ACK: next tick`.
pub fn timer(lang: Lang, timer: Timer, micros: u64, backoff: u8, restarted: bool) -> String {
    let name = match timer {
        Timer::Retransmit => "RTO",
        Timer::DelayedAck => pick(lang, "delayed ACK", "延迟确认"),
        Timer::TimeWait => "2MSL",
        Timer::FinWait2 => "FIN_WAIT2",
        Timer::Persist => pick(lang, "zero-window probe", "零窗口探测"),
        Timer::Keepalive => pick(lang, "keep-alive", "保活"),
        Timer::Establishment => pick(lang, "connect time limit", "建立连接时限"),
    };
    let mut out = if micros == 0 {
        format!("{name}{}", pick(lang, ": next tick", "：下一个节拍"))
    } else {
        format!("{name} {}", duration(lang, micros))
    };
    if timer == Timer::Keepalive && backoff > 0 {
        // The wait for an answer to the probes sent so far.
        out.push_str(&match lang.shown() {
            Lang::En => format!(" (probe {backoff})"),
            Lang::Zh => format!("（第 {backoff} 次探测）"),
        });
    } else if backoff > 0 {
        out.push_str(&match lang.shown() {
            Lang::En => format!(" (retry {backoff})"),
            Lang::Zh => format!("（第 {backoff} 次重试）"),
        });
    }
    if restarted {
        out.push_str(pick(lang, " (restarted)", "（重新计时）"));
    }
    out
}

/// What the application did, for a note beside its lifeline; `None` for calls not worth a note.
fn app_call(lang: Lang, call: &AppCall) -> Option<String> {
    Some(match call {
        AppCall::Listen { port } => format!("listen(:{port})"),
        AppCall::Connect { .. } => "connect()".into(),
        AppCall::Shutdown => "shutdown(SHUT_WR)".into(),
        AppCall::ShutdownRead { discarded: 0, .. } => "shutdown(SHUT_RD)".into(),
        AppCall::ShutdownRead { discarded, .. } => match lang.shown() {
            Lang::En => format!("shutdown(SHUT_RD): {discarded} unread bytes lost"),
            Lang::Zh => format!("shutdown(SHUT_RD)：{discarded} 字节未读数据作废"),
        },
        AppCall::Close => "close()".into(),
        AppCall::Abort => pick(lang, "abort: close() with SO_LINGER 0", "中止：SO_LINGER 0 的 close()").into(),
        AppCall::Crash => pick(lang, "crash: all state lost", "崩溃：状态全部丢失").into(),
        AppCall::Reboot => pick(lang, "reboot", "重启").into(),
        AppCall::StopReading => pick(lang, "stops reading", "停止读取").into(),
        AppCall::StartReading => pick(lang, "reads again", "重新读取").into(),
        AppCall::StopAccepting => pick(lang, "stops calling accept()", "停止调用 accept()").into(),
        AppCall::StartAccepting => pick(lang, "accept() again", "重新调用 accept()").into(),
        AppCall::Send { .. } | AppCall::Accept | AppCall::Inject => return None,
    })
}

/// The note beside a lifeline for an application's call and the error it got, if any; `None`
/// for calls not worth a note.
pub fn app_note(lang: Lang, call: &AppCall, error: Option<AppError>) -> Option<String> {
    let note = app_call(lang, call)?;
    Some(match error {
        Some(error) => format!("{note}{}{}", pick(lang, ": ", "："), app_error(lang, error)),
        None => note,
    })
}

/// Why an application's call failed (in English, the trace's own words).
pub fn app_error(lang: Lang, error: AppError) -> String {
    use tcp_core::conn::CommandError::*;
    if lang.is_en() {
        return error.to_string();
    }
    match error {
        AppError::Command(AlreadyExists) => "连接已存在".into(),
        AppError::Command(DoesNotExist) => "连接不存在".into(),
        AppError::Command(Closing) => "连接正在关闭".into(),
        AppError::NoConnection => "没有连接".into(),
        AppError::AddressInUse => "地址已被占用（EADDRINUSE）".into(),
        AppError::AlreadyListening => "已在监听".into(),
        AppError::SocketClosed => "应用已经关闭了这个套接字（EBADF）".into(),
        AppError::WouldBlock { waiting } => format!("会阻塞（EAGAIN）：仍有 {waiting} 字节在等待发送缓冲区"),
    }
}

/// What the application is told when a connection ends badly; `None` for a normal close. After
/// the application closed the socket (`app_closed`) nobody is told: what ended it, without the
/// errno.
pub const fn close_reason(lang: Lang, reason: CloseReason, app_closed: bool) -> Option<&'static str> {
    Some(match reason {
        CloseReason::Normal => return None,
        // The application closed the socket: nobody reads an errno any more.
        CloseReason::Reset if app_closed => pick(lang, "reset by peer", "被对方复位"),
        CloseReason::TimedOut if app_closed => pick(lang, "gave up", "超时放弃"),
        CloseReason::Reset => pick(lang, "ECONNRESET: reset by peer", "ECONNRESET：连接被对方复位"),
        CloseReason::Refused => pick(lang, "ECONNREFUSED: refused", "ECONNREFUSED：连接被拒绝"),
        CloseReason::TimedOut => pick(lang, "ETIMEDOUT: gave up", "ETIMEDOUT：连接超时"),
        CloseReason::Aborted => pick(lang, "aborted", "已中止"),
        CloseReason::FinWait2Timeout => pick(lang, "FIN_WAIT2 timed out", "FIN_WAIT2 超时"),
    })
}

/// The application reads the end of the stream.
pub const fn end_of_stream(lang: Lang) -> &'static str {
    pick(lang, "read() = 0: EOF", "read() = 0：读到 EOF")
}

/// Why an arriving segment was rejected, and what was answered, in a few words.
pub const fn rejected(lang: Lang, reason: DropReason) -> &'static str {
    use DropReason::*;
    match reason {
        NoConnection => pick(lang, "no socket: answer RST", "端口无人监听：回 RST"),
        AckInListen => pick(lang, "ACK to a listener: RST", "监听端收到 ACK：回 RST"),
        RstInListen => pick(lang, "RST to a listener: ignored", "监听端收到 RST：忽略"),
        RstInTimeWait => pick(lang, "RST in TIME_WAIT: ignored (RFC 1337)", "TIME_WAIT 收到 RST：忽略（RFC 1337）"),
        AckedInTimeWait => {
            pick(lang, "in TIME_WAIT: answered with ACK, nothing taken", "处于 TIME_WAIT：回复 ACK，内容不予接收")
        }
        SynAckInListen => pick(lang, "SYN-ACK to a listener: ignored", "监听端收到 SYN+ACK：忽略"),
        Unexpected => pick(lang, "unexpected flags: ignored", "意外的标志位：忽略"),
        BadAckInSynSent => pick(lang, "ack ≠ our SYN + 1: answer RST", "确认号与我方 SYN 不符：回 RST"),
        RstWithoutAck => pick(lang, "RST not for our SYN: ignored", "RST 未确认我方 SYN：忽略"),
        OutOfWindow => pick(lang, "outside the window: answer ACK", "不在接收窗口内：回 ACK"),
        RstNotExact => pick(lang, "RST not at RCV.NXT: challenge ACK", "RST 序号不精确：挑战 ACK"),
        SynOnSynchronized => pick(lang, "SYN on an open connection: challenge ACK", "已连接时收到 SYN：挑战 ACK"),
        SynInWindow => pick(lang, "SYN in the window (RFC 793): RST", "窗口内收到 SYN（RFC 793）：回 RST"),
        BadAckInSynReceived => pick(lang, "ACK not for our SYN: answer RST", "ACK 未确认我方 SYN：回 RST"),
        AckOfUnsentData => pick(lang, "ACK of unsent data: answer ACK", "确认了未发送的数据：回 ACK"),
        AckTooOld => pick(lang, "ACK too old: answer ACK", "确认号过旧：回 ACK"),
        NoAck => pick(lang, "no ACK bit: ignored", "没有 ACK 标志：忽略"),
        OutOfOrder => pick(lang, "out of order: duplicate ACK", "乱序：重复确认"),
        DataAfterClose => pick(lang, "data after close: RST", "关闭后又收到数据：回 RST"),
        DataAfterShutdownRead => pick(lang, "data after SHUT_RD: RST", "SHUT_RD 后又收到数据：回 RST"),
        DiscardedAfterShutdownRead => {
            pick(lang, "data after SHUT_RD: ACKed, discarded", "SHUT_RD 后收到数据：确认后丢弃")
        }
        SynQueueFull => pick(lang, "SYN queue full: dropped", "半连接队列已满：丢弃"),
        AcceptQueueFull => pick(lang, "accept queue full: dropped", "全连接队列已满：丢弃"),
        BadCookie => pick(lang, "bad SYN cookie: answer RST", "SYN cookie 无效：回 RST"),
        SynCookie => pick(lang, "queue full: SYN cookie, no state", "队列已满：用 SYN cookie 应答，不保存状态"),
        DuplicateSyn => pick(lang, "SYN again: resend SYN-ACK", "再次收到 SYN：重发 SYN+ACK"),
    }
}

/// A host's display name: the well-known scenario names are translated.
pub fn host_name(lang: Lang, name: &str) -> String {
    match (lang.shown(), name) {
        (Lang::Zh, "client") => "客户端 client".into(),
        (Lang::Zh, "server") => "服务器 server".into(),
        (Lang::Zh, "attacker") => "攻击者 attacker".into(),
        _ => name.into(),
    }
}

/// The address line of an attacker, whose sources are forged.
pub const fn forged_sources(lang: Lang) -> &'static str {
    pick(lang, "forged sources", "伪造源地址")
}

/// The connection-closed label of a transition.
pub const CLOSED: &str = "CLOSED";

/// The document title.
pub const fn title(lang: Lang) -> &'static str {
    pick(lang, "TCP sequence diagram", "TCP 时序图")
}

/// The document description for screen readers.
pub fn description(lang: Lang, hosts: &str, segments: usize) -> String {
    match lang.shown() {
        Lang::En => format!(
            "{segments} TCP segments between {hosts}. Time flows down; each arrow is a segment, \
             slanted by its one-way delay; a cross marks a lost segment; bands along each \
             lifeline show the connection state, thin bars the timers."
        ),
        Lang::Zh => format!(
            "{hosts} 之间的 {segments} 个 TCP 报文段。时间自上而下；每个箭头是一个报文段，\
             倾斜程度对应单向时延；叉号表示丢失；生命线上的色带表示连接状态，细条表示定时器。"
        ),
    }
}

/// Why the run stopped early: the time limit, or which limit of the work budget it met.
pub fn truncated(lang: Lang, why: &Truncation) -> String {
    let why = match (lang.shown(), why) {
        (Lang::En, Truncation::TimeLimit { until }) => {
            format!("time limit of {} reached", duration(lang, until.micros))
        }
        (Lang::Zh, Truncation::TimeLimit { until }) => format!("已到时间上限 {}", duration(lang, until.micros)),
        (Lang::En, Truncation::Segments { limit }) => format!("limit of {limit} segments reached"),
        (Lang::Zh, Truncation::Segments { limit }) => format!("已达 {limit} 个报文段的上限"),
        (Lang::En, Truncation::Connections { limit }) => format!("limit of {limit} connections reached"),
        (Lang::Zh, Truncation::Connections { limit }) => format!("已达 {limit} 个连接的上限"),
        (Lang::En, Truncation::Events { limit }) => format!("limit of {limit} events reached"),
        (Lang::Zh, Truncation::Events { limit }) => format!("已达 {limit} 个事件的上限"),
        (Lang::En, Truncation::Steps { limit }) => format!("limit of {limit} simulation steps reached"),
        (Lang::Zh, Truncation::Steps { limit }) => format!("已达 {limit} 个模拟步骤的上限"),
        (Lang::En, Truncation::Script { line, reason }) => format!("the script's line {line}: {reason}"),
        (Lang::Zh, Truncation::Script { line, reason }) => format!("脚本第 {line} 行：{reason}"),
    };
    match lang.shown() {
        Lang::En => format!("(the run stopped here: {why})"),
        Lang::Zh => format!("（模拟在此停止：{why}）"),
    }
}

/// `value / 10^decimals` written with trailing zeros removed: `(60260, 3)` → `60.26`,
/// `(2000, 3)` → `2`. (No float formatting: it keeps the wasm small.)
pub fn decimal(value: u64, decimals: u32) -> Decimal {
    Decimal { value, decimals }
}

/// See [`decimal`].
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    value: u64,
    decimals: u32,
}

impl core::fmt::Display for Decimal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let scale = 10u64.pow(self.decimals);
        let (int, mut frac) = (self.value / scale, self.value % scale);
        write!(f, "{int}")?;
        if frac == 0 {
            return Ok(());
        }
        let mut digits = self.decimals;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, ".{frac:0width$}", width = digits as usize)
    }
}

/// A scenario's title or narration in `lang`, trimmed; the other language's when it has none in
/// `lang` (a reader's own scenario may be written in one language only).
pub fn scenario_text(lang: Lang, text: &tcp_sim::scenario::Text) -> &str {
    let (wanted, other) = if lang.is_en() { (&text.en, &text.zh) } else { (&text.zh, &text.en) };
    match wanted.trim() {
        "" => other.trim(),
        wanted => wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(Lang::En, 40_000), "40 ms");
        assert_eq!(duration(Lang::En, 1_000_000), "1 s");
        assert_eq!(duration(Lang::En, 59_800_000), "59.8 s");
        assert_eq!(duration(Lang::En, 1_760_000), "1.76 s");
        assert_eq!(duration(Lang::En, 402_500), "402.5 ms");
        assert_eq!(duration(Lang::En, 450), "0.5 ms");
        assert_eq!(duration(Lang::En, 999_960), "1 s");
        assert_eq!(duration(Lang::En, 99_996_000), "100 s");
        assert_eq!(duration(Lang::En, 239_990_000), "240 s");
        assert_eq!(duration(Lang::En, 240_000_000), "240 s");
        assert_eq!(instant(Lang::En, 1_030_992), "1030.992 ms");
        assert_eq!(instant(Lang::Zh, 30_000), "30.000 毫秒");
        assert_eq!(duration(Lang::Zh, 59_800_000), "59.8 秒");
        assert_eq!(later(Lang::Zh, 59_800_000), "⋯ 59.8 秒后");
        assert_eq!(clock(Lang::En, 10_000), "10 ms");
        assert_eq!(clock(Lang::En, 60_260_000), "60.26 s");
        assert_eq!(clock(Lang::Zh, 60_260_000), "60.26 秒");
        assert_eq!(timer(Lang::En, Timer::Retransmit, 2_000_000, 1, false), "RTO 2 s (retry 1)");
        assert_eq!(timer(Lang::Zh, Timer::Establishment, 75_000_000, 0, false), "建立连接时限 75 秒");
    }

    #[test]
    fn a_timer_armed_for_zero_says_it_fires_at_the_next_tick() {
        assert_eq!(timer(Lang::En, Timer::DelayedAck, 0, 0, false), "delayed ACK: next tick");
        assert_eq!(timer(Lang::Zh, Timer::DelayedAck, 0, 0, false), "延迟确认：下一个节拍");
        assert_eq!(timer(Lang::En, Timer::DelayedAck, 40_000, 0, false), "delayed ACK 40 ms");
    }

    #[test]
    fn truncation_captions_name_the_limit_in_each_language() {
        let limit = Truncation::Segments { limit: 5000 };
        assert_eq!(truncated(Lang::En, &limit), "(the run stopped here: limit of 5000 segments reached)");
        assert_eq!(truncated(Lang::Zh, &limit), "（模拟在此停止：已达 5000 个报文段的上限）");
        let time = Truncation::TimeLimit { until: tcp_core::Instant::from_millis(2000) };
        assert_eq!(truncated(Lang::Zh, &time), "（模拟在此停止：已到时间上限 2 秒）");
        let script = Truncation::Script { line: 11, reason: "script expects ack 3".into() };
        assert_eq!(truncated(Lang::Zh, &script), "（模拟在此停止：脚本第 11 行：script expects ack 3）");
        for why in [
            time,
            limit,
            Truncation::Connections { limit: 1 },
            Truncation::Events { limit: 1 },
            Truncation::Steps { limit: 1 },
        ] {
            let zh = truncated(Lang::Zh, &why);
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "no English in Chinese: {zh}");
        }
    }

    #[test]
    fn a_scenario_text_missing_in_one_language_is_shown_in_the_other() {
        let text = |en: &str, zh: &str| tcp_sim::scenario::Text { en: en.into(), zh: zh.into() };
        assert_eq!(scenario_text(Lang::En, &text("Mesh", "网格")), "Mesh");
        assert_eq!(scenario_text(Lang::Zh, &text("Mesh", "网格")), "网格");
        assert_eq!(scenario_text(Lang::Zh, &text(" Mesh ", " ")), "Mesh");
        assert_eq!(scenario_text(Lang::En, &text("", "网格")), "网格");
        assert_eq!(scenario_text(Lang::En, &text("", "")), "");
    }
}
