//! The segment inspector: every header field of one segment, the bytes it went on the wire as (a
//! hex dump linked both ways to the field table), and the faults the reader can apply to it.
//!
//! The bytes are the segment re-encoded by [`TcpRepr::emit`] over the IPv4 pseudo-header of its
//! addresses, so the checksum shown is the real one; [`TcpRepr::field_spans`] says which bytes
//! each field occupies.

use crate::state::Shared;
use bilingual::{choose, pick};
use std::ops::Range;

use bilingual::Lang;
use tcp_core::wire::{FieldSpan, TcpOption, checksum};
use tcp_core::{Flags, TcpRepr};
use tcp_sim::scenario::FaultAction;
use tcp_sim::trace::{Fate, LossReason, SegId, Segment, Trace};
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::experiment::FaultRequest;
use crate::hooks::{close_inspector, use_inspector_place};

/// The delay the Delay field starts with, milliseconds.
const DEFAULT_DELAY_MS: &str = "500";
/// The longest delay the Delay field accepts, milliseconds (what `Experiment::add_fault` keeps).
const MAX_DELAY_MS: f64 = 600_000.0;
/// How much later the network's copy arrives for Duplicate, milliseconds.
const DUPLICATE_DELAY_MS: f64 = 100.0;
/// Bytes per hex-dump row.
const DUMP_WIDTH: usize = 16;
/// The hex dump shows at most this many bytes (a header is at most 60).
const DUMP_MAX: usize = 1024;

/// What the inspector shows.
#[derive(Properties, PartialEq, Debug)]
pub struct InspectorProps {
    /// The run.
    pub trace: Shared<Trace>,
    /// Index into `trace.segments`.
    pub segment: usize,
    /// Language.
    pub lang: Lang,
    /// Relative (Wireshark-style) sequence numbers first, or absolute ones.
    pub relative: bool,
    /// The reader asked to drop, delay or duplicate the segment.
    pub on_fault: Callback<FaultRequest>,
    /// The reader closed the inspector (close button or Escape).
    pub on_close: Callback<()>,
}

/// One row of the field table.
struct Row {
    /// `data-testid` suffix: `sequence-number`, `option-mss`.
    slug: String,
    /// The field's name as [`FieldSpan`] spells it (what the explanations are keyed by).
    name: &'static str,
    /// The name shown, in the reader's language.
    label: String,
    /// The bytes it occupies in the dump.
    bytes: Range<usize>,
    /// Where in those bytes, when not whole bytes: `bits 0-3`.
    bits: Option<String>,
    /// The value.
    value: Html,
    /// A remark under the value.
    note: Option<String>,
    /// The field is carried but means nothing here (ACK number without ACK, say).
    off: bool,
}

/// The bytes a span of bits touches.
fn byte_range(span: &FieldSpan) -> Range<usize> {
    span.start_bit / 8..(span.start_bit + span.bits).div_ceil(8)
}

/// Lower-case, words joined by `-`: `Option: SACK_PERM` → `option-sack-perm`.
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The explanation of a field (keyed by its [`FieldSpan`] name), from the narration crate; the
/// two rows that are not `FieldSpan`s (`Flags`, `Payload`) have their own.
fn explain(name: &str, lang: Lang) -> &'static str {
    narration::explain_field(name, lang).unwrap_or_else(|| match name {
        "Flags" => pick(
            lang,
            "The control bits: what this segment does (open, acknowledge, close, reset). Point at a chip for one bit.",
            "标志位：这个报文段的作用（建立、确认、关闭、复位）。指向某个标志可查看它的含义。",
        ),
        "Payload" => pick(
            lang,
            "The application's data, after the header. SYN and FIN take a sequence number each but carry no data.",
            "首部之后是应用程序的数据。SYN 和 FIN 各占一个序号，但不携带数据。",
        ),
        _ => pick(lang, "A field this inspector does not decode.", "本检查器不解析的字段。"),
    })
}

/// Why a segment was lost.
fn loss_text(reason: LossReason, lang: Lang) -> &'static str {
    match reason {
        LossReason::Random => pick(lang, "random loss on the link", "链路随机丢包"),
        LossReason::LinkDown => pick(lang, "the link loses every segment", "链路丢掉所有报文段"),
        LossReason::Fault => pick(lang, "dropped on purpose", "被故意丢弃"),
        LossReason::Outage { .. } => pick(lang, "the link was down (a network partition)", "链路中断（网络分区）"),
        LossReason::NoSuchHost => pick(lang, "no host has the destination address", "没有主机拥有目的地址"),
        LossReason::HostDown => pick(lang, "the receiving host was down (crashed)", "接收方主机已宕机（崩溃）"),
        LossReason::InFlight => pick(lang, "still in flight when the run ended", "运行结束时仍在途中"),
    }
}

/// A delay typed by the reader, in milliseconds, or why it cannot be used.
fn parse_delay(text: &str, lang: Lang) -> Result<f64, &'static str> {
    let bad = pick(lang, "Enter a delay from 0 to 600000 ms.", "请输入 0 到 600000 毫秒之间的时延。");
    let ms = tcp_sim::decimal::parse_f64(text.trim()).ok_or(bad)?;
    if ms.is_finite() && (0.0..=MAX_DELAY_MS).contains(&ms) { Ok(ms) } else { Err(bad) }
}

/// The header and payload as they went on the wire, or why they could not be encoded.
fn encode(seg: &Segment) -> Result<Vec<u8>, String> {
    let mut buf = vec![0; seg.repr.header_len() + seg.payload.len()];
    seg.repr.emit(&mut buf, &seg.payload, *seg.src.ip(), *seg.dst.ip()).map_err(|e| e.to_string())?;
    Ok(buf)
}

/// `rel 0 · abs 1234`, the preferred one first.
fn numbers(rel: u32, abs: u32, relative: bool, lang: Lang) -> Html {
    // The space between the word and the number is outside the word's inline block, which would
    // drop it.
    let rel = html! { <span class="num"><small>{ pick(lang, "relative", "相对") }</small>{ " " }{ rel }</span> };
    let abs = html! { <span class="num"><small>{ pick(lang, "absolute", "绝对") }</small>{ " " }{ abs }</span> };
    if relative {
        html! { <>{ rel }{ " · " }{ abs }</> }
    } else {
        html! { <>{ abs }{ " · " }{ rel }</> }
    }
}

/// The flag chips, in wire order (CWR first).
fn flag_chips(flags: Flags, lang: Lang) -> Html {
    html! {
        <span class="insp-chips">
            { for Flags::NAMED.iter().rev().map(|&(flag, name)| {
                let on = flags.contains(flag);
                let state = if on { pick(lang, "on", "置位") } else { pick(lang, "off", "未置位") };
                html! {
                    <span class={classes!("insp-chip", if on { "on" } else { "off" })}
                        data-testid={format!("flag-{}", name.to_ascii_lowercase())}
                        title={format!("{name}: {}", explain(name, lang))}
                        aria-label={format!("{name} {state}")}>
                        { name }
                    </span>
                }
            }) }
        </span>
    }
}

/// The rows of the fixed header (RFC 9293 Figure 1).
fn fixed_rows(trace: &Trace, index: usize, bytes: &[u8], spans: &[FieldSpan], lang: Lang, relative: bool) -> Vec<Row> {
    let seg = &trace.segments[index];
    let repr = &seg.repr;
    let at = |name: &str| spans.iter().find(|s| s.name == name).map_or(0..0, byte_range);
    let row = |name: &'static str, label: &'static str, value: Html| Row {
        slug: slugify(name),
        name,
        label: label.to_owned(),
        bytes: at(name),
        bits: None,
        value,
        note: None,
        off: false,
    };
    let (rel_seq, rel_ack) = trace.relative(SegId(index));
    let ack_on = repr.flags.contains(Flags::ACK);
    let words = bytes.get(12).map_or(repr.data_offset(), |b| b >> 4);
    let sum = bytes.get(16..18).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let verified = !bytes.is_empty() && checksum(*seg.src.ip(), *seg.dst.ip(), bytes) == 0;

    let mut rows = vec![
        row(
            "Source Port",
            pick(lang, "Source Port", "源端口"),
            html! { <>{ repr.src_port }<small class="addr">{ format!("({})", seg.src) }</small></> },
        ),
        row(
            "Destination Port",
            pick(lang, "Destination Port", "目的端口"),
            html! { <>{ repr.dst_port }<small class="addr">{ format!("({})", seg.dst) }</small></> },
        ),
        Row {
            note: repr
                .flags
                .contains(Flags::SYN)
                .then(|| pick(lang, "A SYN's sequence number is the ISN.", "SYN 的序号就是初始序号 ISN。").to_owned()),
            ..row(
                "Sequence Number",
                pick(lang, "Sequence Number", "序号"),
                numbers(rel_seq, repr.seq.0, relative, lang),
            )
        },
        Row {
            note: (!ack_on).then(|| {
                pick(
                    lang,
                    "ACK flag off: the number is on the wire but means nothing.",
                    "ACK 标志未置位：这个数虽然在线路上传送，但没有意义。",
                )
                .to_owned()
            }),
            off: !ack_on,
            ..row(
                "Acknowledgment Number",
                pick(lang, "Acknowledgment Number", "确认号"),
                match rel_ack {
                    Some(rel) => numbers(rel, repr.ack.0, relative, lang),
                    None => html! { <span class="num">{ repr.ack.0 }</span> },
                },
            )
        },
        Row {
            bits: Some(pick(lang, "high 4 bits", "高 4 位").to_owned()),
            ..row(
                "Data Offset",
                pick(lang, "Data Offset", "数据偏移"),
                html! { { choose!(lang, format!("{words} words = {} bytes", usize::from(words) * 4), format!("{words} 个 32 位字 = {} 字节", usize::from(words) * 4)) } },
            )
        },
        Row {
            bits: Some(pick(lang, "low 4 bits", "低 4 位").to_owned()),
            ..row(
                "Reserved",
                pick(lang, "Reserved", "保留"),
                html! { <code>{ format!("{:04b}", repr.reserved & 0x0f) }</code> },
            )
        },
        Row {
            slug: "flags".into(),
            name: "Flags",
            bytes: spans
                .iter()
                .filter(|s| Flags::NAMED.iter().any(|(_, n)| *n == s.name))
                .map(byte_range)
                .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
                .unwrap_or(0..0),
            ..row(
                "Flags",
                pick(lang, "Flags", "标志位"),
                html! { <>{ flag_chips(repr.flags, lang) }<code class="insp-raw">{ format!("0x{:02x}", repr.flags.0) }</code></> },
            )
        },
        window_row(trace, index, lang, row("Window", pick(lang, "Window", "窗口"), Html::default())),
        Row {
            note: Some(choose!(
                lang,
                format!(
                    "over the pseudo-header {} → {}, protocol 6, TCP length {}",
                    seg.src.ip(),
                    seg.dst.ip(),
                    bytes.len()
                ),
                format!("覆盖伪首部 {} → {}、协议 6、TCP 长度 {}", seg.src.ip(), seg.dst.ip(), bytes.len()),
            )),
            ..row(
                "Checksum",
                pick(lang, "Checksum", "校验和"),
                html! {
                    <>
                        <code>{ format!("0x{sum:04x}") }</code>
                        if verified {
                            <span class="insp-chip ok" data-testid="checksum-status">{ pick(lang, "✓ verified", "✓ 校验通过") }</span>
                        } else {
                            <span class="insp-chip bad" data-testid="checksum-status">{ pick(lang, "✗ does not verify", "✗ 校验失败") }</span>
                        }
                    </>
                },
            )
        },
    ];
    let urg = repr.flags.contains(Flags::URG);
    rows.push(Row {
        off: !urg,
        note: (!urg).then(|| pick(lang, "URG flag off: ignored.", "URG 标志未置位：忽略。").to_owned()),
        ..row("Urgent Pointer", pick(lang, "Urgent Pointer", "紧急指针"), html! { { repr.urgent } })
    });
    rows
}

/// The Window row: the raw field, and the scaled window where scaling applies.
fn window_row(trace: &Trace, index: usize, lang: Lang, base: Row) -> Row {
    let repr = &trace.segments[index].repr;
    let raw = repr.window;
    let window = trace.advertised_window(SegId(index));
    let (value, note) = if repr.flags.contains(Flags::SYN) {
        (
            html! { { raw } },
            Some(
                pick(
                    lang,
                    "A SYN's window is never scaled (RFC 7323 §2.2).",
                    "SYN 中的窗口从不缩放（RFC 7323 §2.2）。",
                )
                .to_owned(),
            ),
        )
    } else if let Some(shift) = window.shift {
        let scaled = window.bytes();
        (
            html! { <>{ raw }<small>{ choose!(lang, format!("  × 2^{shift} = {scaled} bytes"), format!("  × 2^{shift} = {scaled} 字节")) }</small></> },
            Some(
                pick(
                    lang,
                    "The raw field is what is on the wire; the peer multiplies it by the window-scale factor.",
                    "线路上传送的是原始值；对方把它乘以窗口扩大因子。",
                )
                .to_owned(),
            ),
        )
    } else {
        (html! { <>{ raw }<small>{ pick(lang, " bytes", " 字节") }</small></> }, None)
    };
    Row { value, note, ..base }
}

/// The value of one option.
fn option_value(opt: &TcpOption<'_>, lang: Lang) -> String {
    match *opt {
        TcpOption::Mss(mss) => choose!(lang, format!("{mss} bytes"), format!("{mss} 字节")),
        TcpOption::WindowScale(shift) => {
            let factor = 1u32 << shift.min(14);
            choose!(lang, format!("shift {shift}: window × {factor}"), format!("左移 {shift} 位：窗口 × {factor}"))
        }
        TcpOption::SackPermitted => pick(lang, "selective ACKs allowed", "允许选择性确认").to_owned(),
        TcpOption::Sack(blocks) => {
            let pairs: Vec<String> = blocks
                .chunks_exact(8)
                .map(|b| {
                    let left = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                    let right = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
                    format!("{left}–{right}")
                })
                .collect();
            pairs.join(", ")
        }
        TcpOption::Timestamps { tsval, tsecr } => format!("TSval {tsval} · TSecr {tsecr}"),
        TcpOption::Nop => pick(lang, "no-operation (alignment)", "无操作（对齐）").to_owned(),
        TcpOption::Eol => pick(lang, "end of options", "选项结束").to_owned(),
        TcpOption::Unknown { kind, data } => {
            choose!(
                lang,
                format!("kind {kind}, {} bytes", data.len() + 2),
                format!("类型 {kind}，{} 字节", data.len() + 2)
            )
        }
    }
}

/// One row per option, then padding, then the payload.
fn option_and_payload_rows(seg: &Segment, spans: &[FieldSpan], lang: Lang) -> Vec<Row> {
    let mut options = seg.repr.options;
    options.pad();
    let option_spans = spans.iter().filter(|s| s.name.starts_with("Option:") && s.name != "Option: padding");
    let mut rows: Vec<Row> = Vec::new();
    for (opt, span) in options.iter().zip(option_spans) {
        let short = span.name.trim_start_matches("Option: ");
        rows.push(Row {
            slug: slugify(span.name),
            name: span.name,
            label: choose!(lang, format!("Option: {short}"), format!("选项：{short}")),
            bytes: byte_range(span),
            bits: None,
            value: html! { { option_value(&opt, lang) } },
            note: None,
            off: false,
        });
    }
    if let Some(pad) = spans.iter().find(|s| s.name == "Option: padding") {
        rows.push(Row {
            slug: "option-padding".into(),
            name: pad.name,
            label: pick(lang, "Padding", "填充").to_owned(),
            bytes: byte_range(pad),
            bits: None,
            value: html! { { choose!(lang, format!("{} zero bytes", pad.bits / 8), format!("{} 个零字节", pad.bits / 8)) } },
            note: None,
            off: false,
        });
    }
    // Two NOPs get `option-nop` and `option-nop-2`.
    for i in 0..rows.len() {
        let same = rows[..i].iter().filter(|r| r.name == rows[i].name).count();
        if same > 0 {
            rows[i].slug = format!("{}-{}", rows[i].slug, same + 1);
        }
    }

    let header = seg.repr.header_len();
    let len = seg.payload.len();
    let printable =
        !seg.payload.is_empty() && seg.payload.iter().all(|&b| b.is_ascii_graphic() || b" \t\r\n".contains(&b));
    let seg_len = seg.repr.segment_len(len);
    rows.push(Row {
        slug: "payload".into(),
        name: "Payload",
        label: pick(lang, "Payload", "数据").to_owned(),
        bytes: header..header + len,
        bits: None,
        value: html! {
            <>
                { choose!(lang, format!("{len} bytes"), format!("{len} 字节")) }
                if printable {
                    <q class="payload-text">{ payload_excerpt(&seg.payload) }</q>
                } else if len > 0 {
                    <small>{ pick(lang, " (binary)", "（二进制）") }</small>
                }
            </>
        },
        note: Some(choose!(
            lang,
            format!(
                "occupies {seg_len} sequence number{} (data, plus one each for SYN and FIN)",
                if seg_len == 1 { "" } else { "s" }
            ),
            format!("占用 {seg_len} 个序号（数据长度，SYN 和 FIN 各加一）"),
        )),
        off: false,
    });
    rows
}

/// Which field row or dump byte the pointer or focus is on.
#[derive(Clone, Copy, PartialEq)]
enum Active {
    /// A row of the field table.
    Row(usize),
    /// A byte of the dump.
    Byte(usize),
}

/// The title block: label, endpoints, times, tags.
fn title(trace: &Trace, index: usize, lang: Lang, relative: bool) -> Html {
    let seg = &trace.segments[index];
    let from = trace.hosts.get(seg.from.index()).map_or("?", |h| h.name.as_str());
    let to =
        seg.to.and_then(|t| trace.hosts.get(t.index())).map_or_else(|| seg.dst.ip().to_string(), |h| h.name.clone());
    let fate = match seg.fate {
        Fate::Delivered { at } => {
            html! { <span>{ pick(lang, "arrived at ", "到达于 ") }{ bilingual::instant(lang, at.micros) }</span> }
        }
        Fate::Lost { reason } => html! {
            <span class="insp-lost">{ pick(lang, "lost", "丢失") }{ pick(lang, ": ", "：") }{ loss_text(reason, lang) }</span>
        },
    };
    let mut tags: Vec<String> = Vec::new();
    if seg.retransmission {
        tags.push(pick(lang, "retransmission", "重传").into());
    }
    if let Some(original) = seg.duplicate_of {
        tags.push(choose!(
            lang,
            format!("network duplicate of #{}", original.index() + 1),
            format!("网络重复的 #{} 副本", original.index() + 1),
        ));
    }
    if seg.injected {
        tags.push(pick(lang, "old duplicate", "旧的重复报文段").into());
    }
    if seg.forged {
        tags.push(pick(lang, "forged source", "伪造源地址").into());
    }
    if seg.extra_delay_us > 0 {
        let ms = seg.extra_delay_us as f64 / 1000.0;
        tags.push(choose!(lang, format!("delayed {ms} ms"), format!("延迟 {ms} 毫秒")));
    }
    html! {
        <header class="inspector-head">
            <h2 id="inspector-title">
                <span class="seg-no">{ format!("#{} ", index + 1) }</span>{ trace.label(SegId(index), relative) }
            </h2>
            <p class="route">{ format!("{from} → {to}") }</p>
            <p class="times">
                { pick(lang, "sent at ", "发送于 ") }{ bilingual::instant(lang, seg.sent_at.micros) }{ " · " }{ fate }
            </p>
            if !tags.is_empty() {
                <p class="insp-tags">{ for tags.into_iter().map(|t| html! { <span class="insp-tag">{ t }</span> }) }</p>
            }
        </header>
    }
}

/// Printable payload as text, its first [`PAYLOAD_CHARS`] characters and an ellipsis when longer
/// (a full segment's 1,448 letters say no more than its first line, and the hex dump has them all).
fn payload_excerpt(payload: &[u8]) -> String {
    let text = String::from_utf8_lossy(payload);
    match text.char_indices().nth(PAYLOAD_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

/// How much of a printable payload the field table shows.
const PAYLOAD_CHARS: usize = 80;

/// The hex dump, with the `active` field's bytes highlighted.
fn hexdump(bytes: &[u8], rows: &[Row], highlighted: &[bool], lang: Lang, on_hover: Callback<Option<usize>>) -> Html {
    let header_end = rows.iter().find(|r| r.name == "Payload").map_or(bytes.len(), |r| r.bytes.start);
    let shown = &bytes[..bytes.len().min(DUMP_MAX)];
    let class_of = |i: usize| {
        let part = if i < TcpRepr::MIN_HEADER_LEN {
            "b-hdr"
        } else if i < header_end {
            "b-opt"
        } else {
            "b-data"
        };
        classes!("byte", part, highlighted.get(i).copied().unwrap_or(false).then_some("hl"))
    };
    let title_of = |i: usize| {
        let names: Vec<&str> = rows.iter().filter(|r| r.bytes.contains(&i)).map(|r| r.label.as_str()).collect();
        format!("{i}: {}", names.join(" + "))
    };
    let onmouseover = on_hover.reform(|e: MouseEvent| {
        e.target_dyn_into::<Element>().and_then(|el| el.get_attribute("data-offset")).and_then(|o| o.parse().ok())
    });
    let onmouseleave = on_hover.reform(|_: MouseEvent| None);
    html! {
        <div class="hexdump" data-testid="hexdump" role="group" tabindex="0"
            aria-label={pick(lang, "The segment's bytes in hexadecimal", "报文段的十六进制字节")}
            {onmouseover} {onmouseleave}>
            { for shown.chunks(DUMP_WIDTH).enumerate().map(|(line, chunk)| {
                let base = line * DUMP_WIDTH;
                html! {
                    <div class="dump-line">
                        <span class="dump-off" aria-hidden="true">{ format!("{base:04x}") }</span>
                        <span class="dump-hex">
                            { for chunk.iter().enumerate().map(|(j, b)| html! {
                                <span class={class_of(base + j)} data-offset={(base + j).to_string()} title={title_of(base + j)}>
                                    { format!("{b:02x}") }
                                </span>
                            }) }
                        </span>
                        <span class="dump-ascii" aria-hidden="true">
                            { for chunk.iter().enumerate().map(|(j, &b)| {
                                let c = if b.is_ascii_graphic() || b == b' ' { char::from(b) } else { '.' };
                                html! { <span class={class_of(base + j)} data-offset={(base + j).to_string()}>{ c }</span> }
                            }) }
                        </span>
                    </div>
                }
            }) }
            if bytes.len() > shown.len() {
                <p class="dump-more">{ choose!(lang, format!("… {} more bytes", bytes.len() - shown.len()), format!("……还有 {} 字节", bytes.len() - shown.len())) }</p>
            }
        </div>
    }
}

/// Drop, delay or duplicate the segment; a copy the network made says to use its original.
fn fault_buttons(
    index: usize,
    network_copy: Option<usize>,
    delay_text: &str,
    on_delay_input: Callback<InputEvent>,
    on_fault: &Callback<FaultRequest>,
    lang: Lang,
) -> Html {
    let delay = parse_delay(delay_text, lang);
    let fault = |action: FaultAction, delay_ms: f64| {
        on_fault.reform(move |_: MouseEvent| FaultRequest { segment: index, action, delay_ms })
    };
    html! {
        <>
        <div class="insp-faults" role="group" aria-label={pick(lang, "Faults", "故障")}>
            <button type="button" data-testid="inspector-drop" disabled={network_copy.is_some()}
                onclick={fault(FaultAction::Drop, 0.0)}>{ pick(lang, "Drop", "丢弃") }</button>
            <span class="delay">
                <button type="button" data-testid="inspector-delay" disabled={network_copy.is_some() || delay.is_err()}
                    onclick={fault(FaultAction::Delay, delay.unwrap_or(0.0))}>{ pick(lang, "Delay by", "延迟") }</button>
                <input type="number" data-testid="inspector-delay-ms" min="0" max="600000" step="1" inputmode="decimal"
                    value={delay_text.to_owned()} oninput={on_delay_input} disabled={network_copy.is_some()}
                    aria-label={pick(lang, "Delay in milliseconds", "延迟毫秒数")}
                    aria-invalid={delay.is_err().to_string()} aria-describedby="inspector-delay-error" />
                { pick(lang, " ms", " 毫秒") }
            </span>
            <button type="button" data-testid="inspector-duplicate" disabled={network_copy.is_some()}
                title={pick(lang, "A second copy arrives 100 ms after the first", "第二个副本在第一个之后 100 毫秒到达")}
                onclick={fault(FaultAction::Duplicate, DUPLICATE_DELAY_MS)}>{ pick(lang, "Duplicate (+100 ms)", "重复（+100 毫秒）") }</button>
        </div>
        <p id="inspector-delay-error" class="insp-error" data-testid="inspector-delay-error" aria-live="polite">
            if let Err(why) = delay { { why } }
        </p>
        if let Some(original) = network_copy {
            <p class="insp-note" data-testid="inspector-fault-why">
                { choose!(
                    lang,
                    format!("This copy was made by the network: apply faults to the original, segment #{}.", original + 1),
                    format!("这是网络重复发送的副本：请对原报文段 #{} 施加故障。", original + 1),
                ) }
            </p>
        }
        </>
    }
}

/// The header's fields, one row each: its name, its bytes and its value; pointing at or
/// focusing a row lights its bytes (`set_active`).
fn fields_table(rows: &[Row], lit_rows: &[bool], set_active: &Callback<Option<Active>>, lang: Lang) -> Html {
    html! {
        <table class="fields" onmouseleave={set_active.reform(|_: MouseEvent| None)}>
            <thead><tr>
                <th scope="col">{ pick(lang, "Field", "字段") }</th>
                <th scope="col">{ pick(lang, "Bytes", "字节") }</th>
                <th scope="col">{ pick(lang, "Value", "值") }</th>
            </tr></thead>
            <tbody>
                { for rows.iter().enumerate().map(|(r, row)| {
                    let span = if row.bytes.is_empty() {
                        "—".to_owned()
                    } else if row.bytes.len() == 1 {
                        row.bytes.start.to_string()
                    } else {
                        format!("{}–{}", row.bytes.start, row.bytes.end - 1)
                    };
                    html! {
                        <tr data-testid={format!("field-{}", row.slug)} tabindex="0"
                            class={classes!(lit_rows[r].then_some("hl"), row.off.then_some("off"))}
                            title={explain(row.name, lang)}
                            onmouseenter={set_active.reform(move |_: MouseEvent| Some(Active::Row(r)))}
                            onfocus={set_active.reform(move |_: FocusEvent| Some(Active::Row(r)))}
                            onblur={set_active.reform(|_: FocusEvent| None)}>
                            <th scope="row">{ &row.label }</th>
                            <td class="insp-span">{ span }if let Some(bits) = &row.bits { <small>{ format!(" ({bits})") }</small> }</td>
                            <td class="insp-value">
                                { row.value.clone() }
                                if let Some(note) = &row.note { <div class="insp-note">{ note }</div> }
                            </td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// What the field pointed at or focused means (`None`: how to point at one).
fn field_help(help: Option<&Row>, lang: Lang) -> Html {
    html! {
        <p class="field-help" data-testid="inspector-explain" aria-live="polite">
            { match help {
                Some(row) => html! { <><strong>{ &row.label }{ pick(lang, ": ", "：") }</strong>{ explain(row.name, lang) }</> },
                None => html! { { pick(lang, "Point at or focus a field to see its bytes, or a byte to see its field.", "指向或聚焦一个字段可看到它的字节；指向一个字节可看到它属于哪个字段。") } },
            } }
        </p>
    }
}

/// One segment, field by field and byte by byte, with the faults that can be applied to it.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let lang = props.lang;
    let index = props.segment;
    // The segment the highlight belongs to: a new segment starts with none.
    let active = use_state(|| None::<(usize, Active)>);
    let delay_text = use_state(|| DEFAULT_DELAY_MS.to_owned());
    let section = use_node_ref();
    let anchor = use_node_ref();
    // Opens beside its segment, with the focus inside.
    let version = props.trace.id();
    use_inspector_place(&section, &anchor, index, version, props.on_close.clone());

    let Some(seg) = props.trace.segments.get(index) else {
        return html! {
            <section class="inspector" data-testid="inspector" role="dialog" aria-label={pick(lang, "Segment inspector", "报文段检查器")}>
                <p>{ pick(lang, "There is no such segment.", "没有这个报文段。") }</p>
                <button type="button" data-testid="inspector-close" onclick={props.on_close.reform(|_| ())}>{ pick(lang, "Close", "关闭") }</button>
            </section>
        };
    };
    let (bytes, encode_error) = match encode(seg) {
        Ok(b) => (b, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let spans: Vec<FieldSpan> = seg.repr.field_spans().collect();
    let mut rows = fixed_rows(&props.trace, index, &bytes, &spans, lang, props.relative);
    rows.extend(option_and_payload_rows(seg, &spans, lang));

    let current = active.filter(|(s, _)| *s == index).map(|(_, a)| a);
    let lit_rows: Vec<bool> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| match current {
            Some(Active::Row(i)) => i == r,
            Some(Active::Byte(b)) => row.bytes.contains(&b),
            None => false,
        })
        .collect();
    let lit_bytes: Vec<bool> =
        (0..bytes.len()).map(|b| rows.iter().zip(&lit_rows).any(|(row, &lit)| lit && row.bytes.contains(&b))).collect();
    let help = current.and_then(|a| match a {
        Active::Row(i) => rows.get(i),
        Active::Byte(b) => rows.iter().find(|r| r.bytes.contains(&b)),
    });

    let set_active = {
        let active = active.clone();
        Callback::from(move |a: Option<Active>| active.set(a.map(|a| (index, a))))
    };
    let on_byte = set_active.reform(|b: Option<usize>| b.map(Active::Byte));

    let network_copy = seg.duplicate_of.map(SegId::index);
    // The close button, and Escape wherever the focus is inside (the page closes it when the
    // focus is elsewhere), close it with the focus back on the segment.
    let close = {
        let (on_close, section) = (props.on_close.clone(), section.clone());
        move || match section.cast::<Element>() {
            Some(el) => close_inspector(&el, index, &on_close),
            None => on_close.emit(()),
        }
    };
    let onkeydown = {
        let close = close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                close();
            }
        })
    };
    let on_delay_input = {
        let delay_text = delay_text.clone();
        Callback::from(move |e: InputEvent| delay_text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };

    html! {
        <>
        <div class="insp-anchor" ref={anchor} aria-hidden="true"></div>
        <section class="inspector" data-testid="inspector" role="dialog" aria-labelledby="inspector-title"
            tabindex="-1" ref={section} {onkeydown}>
            <button type="button" class="inspector-close" data-testid="inspector-close"
                aria-label={pick(lang, "Close the inspector", "关闭检查器")} title={pick(lang, "Close (Esc)", "关闭（Esc）")}
                onclick={Callback::from(move |_: MouseEvent| close())}>{ "×" }</button>
            { title(&props.trace, index, lang, props.relative) }
            // What the reader came for comes first, right under the title: on a phone it is on
            // screen as soon as the inspector opens.
            <h3 class="visually-hidden">{ pick(lang, "Experiment with this segment", "用这个报文段做实验") }</h3>
            { fault_buttons(index, network_copy, &delay_text, on_delay_input, &props.on_fault, lang) }

            <h3>{ pick(lang, "Header fields", "首部字段") }</h3>
            { fields_table(&rows, &lit_rows, &set_active, lang) }
            { field_help(help, lang) }

            <h3>{ pick(lang, "Bytes on the wire", "线路上的字节") }</h3>
            if let Some(e) = encode_error {
                <p class="insp-error" role="alert">{ pick(lang, "Cannot encode this segment: ", "无法编码这个报文段：") }{ e }</p>
            }
            { hexdump(&bytes, &rows, &lit_bytes, lang, on_byte) }

        </section>
        </>
    }
}
