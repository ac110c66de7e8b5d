//! Bilingual (English / 中文) narration of a TCP trace: for one playback step, what just happened
//! and why, written for readers of articles on the three-way handshake (三次握手) and the
//! four-way close (四次挥手).
//!
//! A step is split into *episodes* (a segment arrived, the application called, a timer fired,
//! and what the host's TCP did about it); each episode tells its *story*: a headline and
//! paragraphs ranked from "what happened" to "why it matters" to side details. Teaching
//! paragraphs (why three segments, why TIME_WAIT) appear once, at the moment they matter.
//!
//! Every sentence is written here by hand in both languages; nothing is machine-translated.
//!
//! Code map: `episode` splits a step; `cx` holds the look-ups (names, numbers, durations, states
//! at an event, "first time in this trace"); one file per topic tells the stories: `handshake`,
//! `close`, `loss` (lost segments and timers), `reject` (vetoes, resets, SYN queue, cookies,
//! challenge ACKs), `data`, `read_shutdown` (`shutdown(SHUT_RD)` and the data that comes after
//! it), `gone` (crashes and reboots), `compare` (where two runs part); `states` and `fields` hold
//! the tooltips.
//!
//! **Invariant:** a step with a segment sent or lost, a state change or a rejection always gets at
//! least one paragraph, in both languages, with the same number of paragraphs in each.
#![no_std]
extern crate alloc;

#[cfg(not(any(feature = "en", feature = "zh")))]
compile_error!("narration needs at least one language: enable the feature `en`, `zh` or both");

mod close;
mod compare;
mod cx;
mod data;
mod episode;
#[cfg(feature = "exercises")]
pub mod exercise;
mod fields;
mod gone;
mod handshake;
mod loss;
mod read_shutdown;
mod reject;
mod states;

use alloc::string::String;
use alloc::vec::Vec;
pub use bilingual::Lang;
use tcp_core::{Flags, State, Timer};
use tcp_sim::Trace;
use tcp_sim::trace::{AppCall, AppError, HostId, SegId};

use crate::cx::{Cx, say};
use crate::episode::{Ep, Trigger, episodes};

pub use compare::narrate_divergence;
pub use fields::explain_field;
pub use states::explain_state;

/// The paragraphs explaining the trace events `events` (indices into `trace.events`, one
/// playback step), most important first (what happened, in the order it happened; then why it
/// matters; then details), each one to three short sentences, in `lang`.
/// `relative` chooses Wireshark-style relative sequence numbers or the absolute ones.
pub fn narrate(trace: &Trace, events: &[usize], lang: Lang, relative: bool) -> Vec<String> {
    let cx = Cx::new(trace, lang, relative);
    let stories = stories(&cx, events);
    let mut paras: Vec<&Para> = stories.iter().flat_map(|s| s.paras.iter()).collect();
    sort_small_by_key(&mut paras, |p| p.rank);
    let mut keys: Vec<&'static str> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for p in paras {
        if let Some(k) = p.key {
            if keys.contains(&k) {
                continue;
            }
            keys.push(k);
        }
        let text = typeset(cx.lang, &p.text);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Chinese gets a space wherever it touches Latin letters or digits (host names such as `A` and
/// numbers are interpolated into the templates); English is left as it is.
fn typeset(lang: Lang, text: &str) -> String {
    match lang.shown() {
        Lang::En => text.into(),
        Lang::Zh => seqdiag::cjk::spaced(text),
    }
}

/// One short line for the step: "The client sends SYN seq=0: it asks the server to open a
/// connection." / "客户端发送 SYN seq=0，请求与服务器建立连接。"
pub fn headline(trace: &Trace, events: &[usize], lang: Lang, relative: bool) -> String {
    let cx = Cx::new(trace, lang, relative);
    let mut stories = stories(&cx, events);
    sort_small_by_key(&mut stories, |s| core::cmp::Reverse(s.weight));
    let Some(top) = stories.first() else {
        return String::new();
    };
    if let Some(second) = stories.get(1)
        && second.kind == top.kind
        && second.weight == top.weight
        && second.host != top.host
        && let Some(both) = both_headline(&cx, top.kind)
    {
        return typeset(cx.lang, &both);
    }
    typeset(cx.lang, &top.headline)
}

/// Sorts `v` by `key`, keeping equal elements in their order, like `slice::sort_by_key`. An
/// insertion sort: the lists here are a step's few stories, paragraphs and events (and already
/// nearly sorted), and each `sort_by_key` would add kilobytes of the standard sort to the wasm.
pub(crate) fn sort_small_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// How much a paragraph matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// What happened, in the order it happened: these paragraphs come first.
    Main,
    /// Why it matters: the teaching.
    Why,
    /// A side detail (a timer, an option).
    Detail,
    /// Background (a listen() call).
    Aside,
}

/// A paragraph; `key` marks teaching that must appear at most once per step.
#[derive(Clone, Debug)]
pub(crate) struct Para {
    pub(crate) rank: Rank,
    pub(crate) key: Option<&'static str>,
    pub(crate) text: String,
}

/// What kind of episode a story tells, to merge two symmetric ones into one headline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Plain,
    Connect,
    Fin,
    SimOpenSyn,
    SimOpenSynAck,
    CrossedFin,
    ClosingAck,
    TimeWaitOver,
}

/// The narration of one episode.
#[derive(Clone, Debug)]
pub(crate) struct Story {
    pub(crate) host: HostId,
    pub(crate) weight: u8,
    pub(crate) kind: Kind,
    pub(crate) headline: String,
    pub(crate) paras: Vec<Para>,
}

impl Story {
    pub(crate) fn new(headline: String) -> Story {
        Story { host: HostId(0), weight: 0, kind: Kind::Plain, headline, paras: Vec::new() }
    }
    pub(crate) fn kind(mut self, kind: Kind) -> Story {
        self.kind = kind;
        self
    }
    fn push(&mut self, rank: Rank, key: Option<&'static str>, text: String) {
        self.paras.push(Para { rank, key, text });
    }
    pub(crate) fn main(&mut self, text: String) {
        self.push(Rank::Main, None, text);
    }
    pub(crate) fn why(&mut self, key: &'static str, text: String) {
        self.push(Rank::Why, Some(key), text);
    }
    /// A detail that a symmetric episode of the same step would repeat.
    pub(crate) fn detail_once(&mut self, key: &'static str, text: String) {
        self.push(Rank::Detail, Some(key), text);
    }
    pub(crate) fn detail(&mut self, text: String) {
        self.push(Rank::Detail, None, text);
    }
    pub(crate) fn aside(&mut self, text: String) {
        self.push(Rank::Aside, None, text);
    }
}

/// The stories of a step, in the order their episodes began.
fn stories(cx: &Cx<'_>, events: &[usize]) -> Vec<Story> {
    episodes(cx, events)
        .iter()
        .map(|ep| {
            let mut s = story(cx, ep);
            s.host = ep.host;
            s.weight = weight(ep);
            if s.paras.is_empty() && s.weight >= 3 {
                let text = s.headline.clone();
                s.main(text);
            }
            s
        })
        .collect()
}

/// State changes and rejections matter most (more so with a segment sent), then segments on
/// the wire, then arrivals and timers with no visible effect, then the rest.
fn weight(ep: &Ep) -> u8 {
    let on_wire = !ep.sent.is_empty() || !ep.lost.is_empty();
    if !ep.changes.is_empty() || ep.rejected.is_some() {
        4 + u8::from(on_wire)
    } else if on_wire {
        3
    } else if matches!(ep.trigger, Trigger::Recv(_) | Trigger::Timer(..)) {
        2
    } else {
        1
    }
}

fn story(cx: &Cx<'_>, ep: &Ep) -> Story {
    let mut s = match &ep.trigger {
        Trigger::Recv(seg) => recv(cx, ep, *seg),
        Trigger::App(call, error) => app(cx, ep, call, *error),
        Trigger::Timer(timer, backoff) => match timer {
            Timer::Retransmit => loss::rto_fired(cx, ep),
            Timer::DelayedAck => loss::delack_fired(cx, ep),
            Timer::Persist => loss::persist_fired(cx, ep),
            Timer::TimeWait => close::time_wait_over(cx, ep),
            Timer::FinWait2 => close::fin_wait2_timeout(cx, ep),
            Timer::Keepalive => loss::keepalive_fired(cx, ep, *backoff),
            Timer::Establishment => loss::establishment_timeout(cx, ep),
        },
        Trigger::None => spontaneous(cx, ep),
    };
    if let Trigger::Timer(timer, _) = ep.trigger
        && let Some(late) = late_timer(cx, ep, timer)
    {
        s.detail_once("timer-wheel", late);
    }
    if let Trigger::Recv(seg) = ep.trigger
        && let Some(held) = loss::held_back(cx, seg)
    {
        s.detail(held);
    }
    loss::add_losses(cx, ep, &mut s);
    s
}

/// Why a timer fired after it was due: Linux's timer wheel (`Config::timer_wheel_tick`). A
/// delayed ACK (a tick late, every time) gets the short form.
fn late_timer(cx: &Cx<'_>, ep: &Ep, timer: tcp_core::Timer) -> Option<String> {
    let (_, due, _) = cx.last_armed(ep.conn?, timer, ep.first)?;
    if ep.at <= due {
        return None;
    }
    let late = cx.span(due, ep.at);
    Some(if timer == tcp_core::Timer::DelayedAck {
        say!(
            cx,
            "It fires {late} after it was due: Linux looks at its timers only on the ticks of its timer wheel, every 4 ms here.",
            "它比预定时间晚了 {late}才到期：Linux 只在时间轮的节拍上检查定时器，这里每 4 毫秒一拍。"
        )
    } else {
        say!(
            cx,
            "It fires {late} after it was due: Linux looks at its timers only on the ticks of its timer wheel (every 4 ms here) and files a timer due far ahead in a coarser slot, so a timer never fires early but often a little late: up to 32 ms for a 1 s RTO, up to 2 s for TIME_WAIT's 60 s.",
            "它比预定时间晚了 {late}才到期：Linux 只在时间轮的节拍上检查定时器（这里每 4 毫秒一拍），到期时间越远，放进的槽越粗，所以定时器从不提前，却常常略晚：1 秒的 RTO 最多晚 32 毫秒，TIME_WAIT 的 60 秒最多晚 2 秒。"
        )
    })
}

fn recv(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    if let (Some((_, tcp_core::event::Reply::Ack)), Some(n)) = (ep.rejected, cx.keepalive_probe(seg)) {
        return loss::keepalive_probe_received(cx, ep, seg, n);
    }
    let mut story = match ep.rejected {
        Some((reason, _)) => reject::story(cx, ep, seg, reason),
        None => accepted(cx, ep, seg),
    };
    if let Some(forged) = handshake::forgery_received(cx, ep, seg) {
        story.main(forged);
    }
    story
}

/// A segment its receiver took.
fn accepted(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Story {
    let f = cx.seg(seg).repr.flags;
    let closing =
        [(State::FinWait1, State::FinWait2), (State::Closing, State::TimeWait), (State::LastAck, State::Closed)];
    let found = if f.contains(Flags::RST) {
        close::rst_received(cx, ep, seg)
    } else if f.contains(Flags::SYN) && !f.contains(Flags::ACK) {
        handshake::syn_received(cx, ep, seg)
    } else if f.contains(Flags::SYN) {
        handshake::synack_received(cx, ep, seg)
    } else if ep.changed(State::SynReceived, State::Established) {
        handshake::handshake_ack(cx, ep, seg)
    } else if f.contains(Flags::FIN) {
        close::fin_received(cx, ep, seg)
    } else if closing.iter().any(|&(a, b)| ep.changed(a, b)) {
        close::ack_received(cx, ep, seg)
    } else if !cx.seg(seg).payload.is_empty() {
        Some(data::data_received(cx, ep, seg))
    } else if ep.changes.is_empty() && cx.answers_keepalive(seg).is_some() {
        Some(loss::keepalive_answered(cx, ep, seg))
    } else if ep.changes.is_empty() {
        Some(data::ack_received(cx, ep, seg))
    } else {
        None
    };
    found.unwrap_or_else(|| data::generic_recv(cx, ep, seg))
}

fn app(cx: &Cx<'_>, ep: &Ep, call: &AppCall, error: Option<AppError>) -> Story {
    let found = match call {
        AppCall::Connect { .. } if error.is_none() => handshake::connect(cx, ep),
        AppCall::Listen { port } => Some(handshake::listen(cx, ep, *port)),
        AppCall::Send { bytes } if error.is_none() => Some(data::send(cx, ep, *bytes)),
        AppCall::Close | AppCall::Shutdown if error.is_none() => close::close_called(cx, ep, call),
        AppCall::ShutdownRead { rule, discarded } if error.is_none() => {
            Some(read_shutdown::called(cx, ep, *rule, *discarded))
        }
        AppCall::Abort => Some(close::abort(cx, ep)),
        AppCall::Inject => handshake::inject(cx, ep),
        AppCall::Crash if error.is_none() => Some(gone::crash(cx, ep)),
        AppCall::Reboot => Some(gone::reboot(cx, ep)),
        AppCall::StopReading => Some(data::stop_reading(cx, ep)),
        AppCall::StartReading => Some(data::start_reading(cx, ep)),
        AppCall::StopAccepting => Some(data::stop_accepting(cx, ep)),
        AppCall::StartAccepting => Some(data::start_accepting(cx, ep)),
        _ => None,
    };
    found.unwrap_or_else(|| data::generic_app(cx, ep, call, error))
}

fn spontaneous(cx: &Cx<'_>, ep: &Ep) -> Story {
    if let Some(&seg) = ep.sent.first()
        && cx.seg(seg).forged
    {
        return handshake::forged(cx, ep, seg);
    }
    if let Some(&seg) = ep.sent.first()
        && let Some(original) = cx.seg(seg).duplicate_of
    {
        return loss::network_copy(cx, seg, original);
    }
    data::generic_other(cx, ep)
}

fn both_headline(cx: &Cx<'_>, kind: Kind) -> Option<String> {
    let text = match kind {
        Kind::Plain => return None,
        Kind::Connect => say!(
            cx,
            "Both ends call connect() at the same moment: two SYNs set off toward each other.",
            "两端同时调用 connect()：两个 SYN 相向而行。"
        ),
        Kind::Fin => say!(
            cx,
            "Both applications close at the same moment: two FINs set off toward each other.",
            "双方应用在同一时刻关闭：两个 FIN 相向而行。"
        ),
        Kind::SimOpenSyn => say!(
            cx,
            "The two SYNs cross: each side answers with SYN, ACK (a simultaneous open).",
            "两个 SYN 交错而过：双方各自回复 SYN+ACK（同时打开）。"
        ),
        Kind::SimOpenSynAck => say!(
            cx,
            "Both SYN-ACKs arrive: both sides are ESTABLISHED.",
            "两个 SYN+ACK 都已到达：双方进入 ESTABLISHED。"
        ),
        Kind::CrossedFin => say!(
            cx,
            "The FINs have crossed: each side gets a FIN in FIN_WAIT1, acknowledges it and enters CLOSING.",
            "两个 FIN 交错而过：双方都在 FIN_WAIT1 收到 FIN，确认之后进入 CLOSING。"
        ),
        Kind::ClosingAck => say!(
            cx,
            "Both FINs are acknowledged: both sides enter TIME_WAIT.",
            "两个 FIN 都得到了确认：双方都进入 TIME_WAIT。"
        ),
        Kind::TimeWaitOver => say!(
            cx,
            "2·MSL is over on both sides: they leave TIME_WAIT for CLOSED.",
            "双方都等满了 2MSL：离开 TIME_WAIT，进入 CLOSED。"
        ),
    };
    Some(text)
}
