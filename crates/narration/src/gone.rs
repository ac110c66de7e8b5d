//! When the other end is gone: a host crashes (its connections vanish without a word) or
//! reboots (it remembers none of them), and what the end that survived sees of it.

use alloc::string::String;
use tcp_core::event::Cause;
use tcp_core::{Flags, Instant, State};
use tcp_sim::trace::SegId;

use crate::Story;
use crate::cx::{Cx, say};
use crate::episode::Ep;

/// What the host lost: its connections' states, as one phrase ("its ESTABLISHED connection
/// with the client", "its 3 connections").
fn lost_connections(cx: &Cx<'_>, ep: &Ep) -> Option<String> {
    let mut lost = ep.changes.iter().filter(|c| c.cause == Cause::HostDown);
    let first = lost.next()?;
    let more = lost.count();
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let state = Cx::st(first.from);
    Some(if more == 0 {
        say!(cx, "its {state} connection with {peer}", "它与{peer}之间处于 {state} 的连接")
    } else {
        let n = more + 1;
        say!(cx, "its {n} connections", "它的 {n} 条连接")
    })
}

/// The host crashed: everything its TCP knew is gone, and nobody is told.
pub(crate) fn crash(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
    let Some(lost) = lost_connections(cx, ep) else {
        let mut s = Story::new(say!(cx, "{subj} crashes.", "{who}崩溃了。"));
        s.main(say!(
            cx,
            "{subj} crashes, with no connection open: until it reboots, nothing answers at its address.",
            "{who}崩溃了，当时没有打开的连接：在它重启之前，它的地址上不会有任何回应。"
        ));
        return s;
    };
    let mut s = Story::new(say!(
        cx,
        "{subj} crashes: {lost} vanishes without a word.",
        "{who}崩溃了：{lost}悄无声息地消失了。"
    ));
    s.main(say!(
        cx,
        "{subj} crashes, as when its power fails or its kernel panics. Everything its TCP knew goes with it at once, {lost} included. A crashed host sends nothing, neither FIN nor RST, so {peer} is not told: for {peer} the connection is still ESTABLISHED.",
        "{who}崩溃了，就像突然断电或内核崩溃那样。它的 TCP 所知道的一切随之消失，{lost}也不例外。崩溃的主机什么也不会发送，既没有 FIN，也没有 RST，所以{peer}毫不知情：在{peer}看来，连接仍处于 ESTABLISHED。"
    ));
    s.why(
        "half-open-connection",
        say!(
            cx,
            "A connection that one end still holds while the other has lost it is half-open (RFC 9293 §3.5.1). The end that survived finds out only by sending: to a host that is still down its segments go unanswered until its retries run out; one that has rebooted answers them with a reset. An end with nothing to send never finds out, unless it uses keep-alive.",
            "一端仍保有连接、另一端却已失去它，这样的连接叫作半开连接（RFC 9293 §3.5.1）。幸存的一端只有发送时才会发现：对方若仍未恢复，它发出的报文段就得不到回应，直到重试次数用完；对方若已重启，就会用复位（RST）回应。无事可发的一端永远不会发现，除非它使用保活机制。"
        ),
    );
    if cx.listening(ep.host, ep.first) {
        s.detail(say!(
            cx,
            "Its listening socket is gone too: until it reboots and listens again, a SYN to it gets no answer at all.",
            "它的监听套接字也没有了：在它重启并重新监听之前，发给它的 SYN 得不到任何回应。"
        ));
    }
    s
}

/// The host came back up: it has no connection, so every old one is now half-open.
pub(crate) fn reboot(cx: &Cx<'_>, ep: &Ep) -> Story {
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    if let Some(lost) = lost_connections(cx, ep) {
        // It was up: the reboot itself loses the state.
        let peer = ep.conn.map_or_else(String::new, |c| cx.remote_name(c));
        let mut s = Story::new(say!(
            cx,
            "{subj} reboots: {lost} is lost, and {peer} is not told.",
            "{who}重启了：{lost}丢失了，而{peer}并不知道。"
        ));
        s.main(say!(
            cx,
            "{subj} reboots, suddenly, as after a crash or a power cut (an orderly shutdown would close its sockets first). That clears everything its TCP knew, {lost} included, and it sends nothing on the way: {peer} still believes the connection is ESTABLISHED. {subj} now holds no connection at all; a segment of the old one will be answered with a reset (RFC 9293 §3.5.1).",
            "{who}重启了，而且是突然重启，就像崩溃或断电之后那样（正常关机会先关闭各个套接字）。这清空了它的 TCP 所知道的一切，{lost}也不例外，而且重启前它什么也没有发送：{peer}仍然以为连接处于 ESTABLISHED。现在{who}没有任何连接；旧连接的报文段到来时，它会回复复位（RFC 9293 §3.5.1）。"
        ));
        return s;
    }
    let down_for = match cx.last_failure(ep.host, ep.first) {
        Some((at, true)) => Some(cx.span(at, ep.at)),
        _ => None,
    };
    let mut s = match down_for {
        Some(d) => {
            let mut s = Story::new(say!(
                cx,
                "{subj} is back up after {d}, with no memory of its connections.",
                "{who}在宕机 {d}后重新启动，不记得之前的任何连接。"
            ));
            s.main(say!(
                cx,
                "{subj} reboots, {d} after it crashed. It comes back with no connection and no listening socket: nothing of its TCP's state survives a crash. A segment for a connection it had before will now be answered with a reset, which is how the other end learns that its connection is half-open.",
                "{who}在崩溃 {d}后重新启动。它回来时没有任何连接，也没有监听套接字：TCP 的状态挺不过一次崩溃。之前连接的报文段再到来时，它会回复复位（RST），对方正是由此得知自己的连接已经成了半开连接。"
            ));
            s
        }
        None => {
            let mut s = Story::new(say!(cx, "{subj} reboots.", "{who}重启了。"));
            s.main(say!(
                cx,
                "{subj} reboots with no connection open: it comes back as it started, knowing no connection.",
                "{who}重启了，当时没有打开的连接：它回来时和刚启动时一样，没有任何连接。"
            ));
            s
        }
    };
    s.detail(say!(
        cx,
        "Its application starts again too: it must call listen() again before anyone can connect.",
        "它的应用程序也重新启动：必须再次调用 listen()，别人才能连接它。"
    ));
    s
}

/// Why a segment was lost to a host that is down: when it crashed, and whether it comes back.
pub(crate) fn why_down(cx: &Cx<'_>, seg: SegId) -> String {
    let s = cx.seg(seg);
    let Some(to) = s.to else { return String::new() };
    let host = cx.host(to);
    let arrival = Instant::from_micros(s.sent_at.micros + s.link_delay_us + s.extra_delay_us);
    match cx.crashed_by(to, arrival) {
        Some(at) => {
            let t = cx.span(Instant::ZERO, at);
            say!(cx, "{host} crashed at {t} and nothing there receives it", "{host}在 {t}时崩溃了，那里没有谁能收到它")
        }
        None => say!(cx, "{host} is down", "{host}已宕机"),
    }
}

/// A paragraph for a segment the receiving host rejects because it rebooted (or crashed and
/// came back) since the connection began: it forgot the connection.
pub(crate) fn forgotten(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<String> {
    let at = cx.state_lost_at(ep.host, ep.first)?;
    let s = cx.seg(seg);
    let began = s.conn.and_then(|c| cx.opened_at(c))?;
    if s.repr.flags.contains(Flags::SYN) || began >= at {
        return None;
    }
    let (who, subj) = (cx.host(ep.host), cx.cap(ep.host));
    let peer = cx.src_name(seg);
    let t = cx.span(Instant::ZERO, at);
    Some(say!(
        cx,
        "{subj} lost this connection at {t}; {peer} never heard of it and still sends as if it were ESTABLISHED. To {who} the segment belongs to nothing, so it answers with a reset, and the half-open connection is discovered (RFC 9293 §3.5.1).",
        "{who}在 {t}时失去了这条连接；{peer}对此一无所知，仍然按 ESTABLISHED 状态发送。对{who}来说，这个报文段不属于任何连接，所以它回复复位（RST），这条半开连接由此被发现（RFC 9293 §3.5.1）。"
    ))
}

/// A paragraph for a reset that ends a connection because its sender rebooted since.
pub(crate) fn reset_after_reboot(cx: &Cx<'_>, ep: &Ep, seg: SegId) -> Option<String> {
    let from = cx.seg(seg).from;
    let at = cx.state_lost_at(from, ep.first)?;
    let began = ep.conn.and_then(|c| cx.opened_at(c))?;
    if began >= at || !ep.entered(State::Closed) {
        return None;
    }
    let who = cx.host(ep.host);
    let peer = cx.src_name(seg);
    let since = cx.span(at, ep.at);
    Some(say!(
        cx,
        "The connection had been dead on {peer}'s side for {since}, since {peer} lost its state; this reset is how {who} learns it.",
        "自{peer}丢失状态以来，这条连接在{peer}那一侧已经死了 {since}；{who}直到收到这个复位才得知。"
    ))
}
