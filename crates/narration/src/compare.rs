//! Two runs compared: one sentence on where they part ([`tcp_sim::compare::divergence`]), in
//! either language: "Here the two runs part: in the first run, the client's last ACK of the
//! close, ACK seq=2 ack=2, is lost (dropped on purpose by this experiment); in the second, it
//! arrives at 230 ms."
//!
//! The runs are "the first" and "the second", in the order they were compared (the page and
//! the SVG caption each diagram with its run's name).

use alloc::string::String;
use bilingual::Lang;
use tcp_core::Instant;
use tcp_sim::Trace;
use tcp_sim::compare::{Difference, Divergence, Run, StateChange};
use tcp_sim::trace::SegId;

use crate::cx::{Cx, say};
use crate::loss::{Role, role, why_lost};
use crate::typeset;

/// One sentence on where runs `a` and `b` part (`divergence`, as
/// [`tcp_sim::compare::divergence`] found it for them), or on their being alike when it is
/// `None`, in `lang`, with relative or absolute sequence numbers.
pub fn narrate_divergence(a: &Trace, b: &Trace, divergence: Option<&Divergence>, lang: Lang, relative: bool) -> String {
    let cx = [Cx::new(a, lang, relative), Cx::new(b, lang, relative)];
    let text = match divergence {
        None => say!(
            cx[0],
            "The two runs do not part: every segment and every state change is the same in both.",
            "两次运行完全相同：每个报文段、每次状态变化都一样。"
        ),
        Some(d) => sentence(&cx, d),
    };
    typeset(lang, &text)
}

/// The run's ordinal as the sentence names it.
fn nth(cx: &Cx<'_>, run: Run) -> &'static str {
    match run {
        Run::First => cx.pick("first", "第一"),
        Run::Second => cx.pick("second", "第二"),
    }
}

/// An instant, from the start of the run: `220 ms`, `60.34 s`.
fn at(cx: &Cx<'_>, t: Instant) -> String {
    cx.span(Instant::ZERO, t)
}

/// A segment, named by the part it plays where the narration has a name for it: `the client's
/// last ACK of the close, ACK seq=2 ack=2`, else `the client's ACK seq=2 ack=2`.
fn what(cx: &Cx<'_>, seg: SegId) -> String {
    let who = cx.src_name(seg);
    let label = cx.label(seg);
    match role(cx, seg) {
        Role::FinalAck => {
            say!(cx, "{who}'s last ACK of the close, {label},", "{who}在关闭过程中的最后一个 ACK（{label}）")
        }
        Role::ThirdAck => say!(cx, "the third segment of the handshake, {label},", "第三次握手的报文段 {label}"),
        _ => say!(cx, "{who}'s {label}", "{who}的 {label}"),
    }
}

/// Where the two runs part, as one sentence.
fn sentence(cx: &[Cx<'_>; 2], d: &Divergence) -> String {
    let (first, second) = (&cx[0], &cx[1]);
    let t = at(first, d.at);
    let clause = match d.kind {
        Difference::LostInOne { run, reason, arrived_at } => {
            let (lost_cx, seg) = match run {
                Run::First => (first, d.a),
                Run::Second => (second, d.b),
            };
            let Some(seg) = seg else { return fallback(first, &t) };
            let what = what(lost_cx, seg);
            let why = why_lost(lost_cx, seg, reason);
            let when = at(first, arrived_at);
            match run {
                Run::First => say!(
                    first,
                    "in the first run, {what} is lost ({why}); in the second, it arrives at {when}.",
                    "第一次运行中，{what}丢失了（{why}）；第二次运行中，它在 {when}到达。"
                ),
                Run::Second => say!(
                    first,
                    "in the first run, {what} arrives at {when}; in the second, it is lost ({why}).",
                    "第一次运行中，{what}在 {when}到达；第二次运行中，它丢失了（{why}）。"
                ),
            }
        }
        Difference::OnlyInOne { run } => {
            let (own, other) = match run {
                Run::First => (first, second),
                Run::Second => (second, first),
            };
            let Some(seg) = d.segment(run) else { return fallback(first, &t) };
            let (this, that) = (nth(first, run), nth(first, run.other()));
            let who = own.src_name(seg);
            let label = own.label(seg);
            let next = other
                .t
                .segments
                .get(seg.index())
                .map(|s| (at(first, s.sent_at), other.src_name(seg), other.label(seg)));
            match next {
                Some((later, next_who, next_label)) => say!(
                    first,
                    "in the {this} run, {who} sends {label} at {t}; in the {that}, nothing leaves then: its next segment is {next_who}'s {next_label}, at {later}.",
                    "{this}次运行中，{who}在 {t}发出 {label}；{that}次运行中，此时没有报文段发出，它的下一个报文段是{next_who}在 {later}发出的 {next_label}。"
                ),
                None => say!(
                    first,
                    "in the {this} run, {who} sends {label} at {t}; in the {that}, no segment leaves from then on.",
                    "{this}次运行中，{who}在 {t}发出 {label}；{that}次运行中，从此再没有报文段发出。"
                ),
            }
        }
        Difference::OtherTime { a, b } => {
            let Some(seg) = d.a else { return fallback(first, &t) };
            let what = what(first, seg);
            let (ta, tb) = (at(first, a), at(first, b));
            say!(
                first,
                "{what} leaves at {ta} in the first run, and at {tb} in the second.",
                "{what}在第一次运行中于 {ta}发出，在第二次运行中于 {tb}发出。"
            )
        }
        Difference::OtherSender { .. } | Difference::OtherFlags { .. } | Difference::OtherNumbers { .. } => {
            let (Some(sa), Some(sb)) = (d.a, d.b) else { return fallback(first, &t) };
            let (who_a, label_a) = (first.src_name(sa), first.label(sa));
            let (who_b, label_b) = (second.src_name(sb), second.label(sb));
            if who_a == who_b {
                say!(
                    first,
                    "at {t}, {who_a} sends {label_a} in the first run, and {label_b} in the second.",
                    "在 {t}，{who_a}在第一次运行中发出 {label_a}，在第二次运行中发出 {label_b}。"
                )
            } else {
                say!(
                    first,
                    "at {t}, {who_a} sends {label_a} in the first run, and {who_b} sends {label_b} in the second.",
                    "在 {t}，第一次运行中{who_a}发出 {label_a}，第二次运行中{who_b}发出 {label_b}。"
                )
            }
        }
        Difference::OtherArrival { a, b } => {
            let Some(seg) = d.a else { return fallback(first, &t) };
            let what = what(first, seg);
            let (ta, tb) = (at(first, a), at(first, b));
            say!(
                first,
                "{what} arrives at {ta} in the first run, and at {tb} in the second.",
                "{what}在第一次运行中于 {ta}到达，在第二次运行中于 {tb}到达。"
            )
        }
        Difference::OtherLoss { a, b } => {
            let (Some(sa), Some(sb)) = (d.a, d.b) else { return fallback(first, &t) };
            let what = what(first, sa);
            let (why_a, why_b) = (why_lost(first, sa, a), why_lost(second, sb, b));
            say!(
                first,
                "{what} is lost in both runs: in the first, {why_a}; in the second, {why_b}.",
                "{what}在两次运行中都丢失了：第一次是因为{why_a}，第二次是因为{why_b}。"
            )
        }
        Difference::OtherState { a, b } => states(cx, a, b),
        Difference::OtherEnd { a, b } => {
            let (ta, tb) = (at(first, a), at(first, b));
            say!(
                first,
                "every segment and state change is alike, but the first run ends at {ta} and the second at {tb}.",
                "每个报文段和状态变化都相同，但第一次运行在 {ta}结束，第二次在 {tb}结束。"
            )
        }
    };
    say!(first, "Here the two runs part: {clause}", "两次运行从这里开始不同：{clause}")
}

/// A state change: `the client goes from TIME_WAIT to CLOSED at 60.34 s`.
fn change(cx: &Cx<'_>, c: &StateChange) -> String {
    let (who, from, to, t) = (cx.host(c.host), Cx::st(c.from), Cx::st(c.to), at(cx, c.at));
    say!(cx, "{who} goes from {from} to {to} at {t}", "{who}在 {t}从 {from}进入 {to}")
}

/// Two runs' state changes where they part (one may have none there).
fn states(cx: &[Cx<'_>; 2], a: Option<StateChange>, b: Option<StateChange>) -> String {
    let (first, second) = (&cx[0], &cx[1]);
    let same_change = |x: &StateChange, y: &StateChange| {
        let name = |cx: &Cx<'_>, c: &StateChange| cx.t.hosts.get(c.host.index()).map(|h| h.name.clone());
        name(first, x) == name(second, y) && (x.from, x.to) == (y.from, y.to)
    };
    match (a, b) {
        (Some(x), Some(y)) if same_change(&x, &y) => {
            let (change, tb) = (change(first, &x), at(first, y.at));
            say!(
                first,
                "in the first run, {change}; in the second, at {tb}.",
                "第一次运行中，{change}；第二次运行中是在 {tb}。"
            )
        }
        (x, y) => {
            let describe = |cx: &Cx<'_>, c: Option<StateChange>| match c {
                Some(c) => change(cx, &c),
                None => say!(cx, "no connection changes state from then on", "此后再没有连接改变状态"),
            };
            let (ca, cb) = (describe(first, x), describe(second, y));
            say!(first, "in the first run, {ca}; in the second, {cb}.", "第一次运行中，{ca}；第二次运行中，{cb}。")
        }
    }
}

/// A divergence whose segment is missing (a value not made by `divergence`): when, at least.
fn fallback(cx: &Cx<'_>, t: &str) -> String {
    say!(cx, "Here the two runs part, at {t}.", "两次运行从 {t}开始不同。")
}
