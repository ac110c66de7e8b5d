//! RFC 9293's Figure 5, the TCP connection state diagram, as an SVG: each endpoint's current
//! state highlighted in its colour, and the transitions of the current step drawn on top.
//!
//! The geometry is fixed (the figure never changes shape); transitions the machine can take that
//! the figure leaves out (reset or abort to CLOSED, the broken two-way handshake's LISTEN →
//! ESTABLISHED, FIN-WAIT-1 → TIME-WAIT on a FIN that acknowledges ours) are drawn only when
//! taken, dashed, with a line under the figure that says why they are there.
//!
//! A host that listens has two sockets, and the figure shows both, as the sequence diagram
//! does: the listening socket (in LISTEN until it is closed) and the connection it accepted
//! (which ends in CLOSED while the listener goes on listening). [`sockets`] reads them from the
//! sequence diagram's own transitions, so the two pictures never disagree.

use bilingual::Lang;
use seqdiag::Diagram;
use tcp_core::State;
use tcp_sim::trace::HostId;
use yew::prelude::*;

/// One socket the figure shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// Its label: the host's name, and for a host that listens which of its sockets it is.
    pub name: String,
    /// Its host's name (what its state box says; the colour and the box's outline tell a
    /// listener from a connection).
    pub host: String,
    /// Its host's colour: 0 the first host, 1 the second, 2 any other.
    pub colour: usize,
    /// The listening socket (drawn with a dashed box) rather than a connection.
    pub listening: bool,
    /// Its state (`None`: it does not exist yet).
    pub state: Option<State>,
}

impl Endpoint {
    /// A connection of host `name`, in its colour, in `state`.
    pub fn new(name: &str, colour: usize, state: Option<State>) -> Endpoint {
        Endpoint { name: name.to_owned(), host: name.to_owned(), colour, listening: false, state }
    }
}

/// What the diagram shows.
#[derive(Properties, PartialEq, Debug)]
pub struct StateMachineProps {
    /// Language.
    pub lang: Lang,
    /// The sockets shown, usually client and server (and the server's listening socket).
    pub endpoints: Vec<Endpoint>,
    /// Transitions taken in the current step: (index into `endpoints`, from, to).
    pub taken: Vec<(usize, State, State)>,
}

/// The sockets of the sequence diagram's hosts (not an attacker's) at `step`, and the
/// transitions they take in it. A host that listens gets two: its connection and its listening
/// socket; where the diagram's lifeline goes back to LISTEN, the connection has ended (CLOSED)
/// and the listener is still there.
pub fn sockets(
    diagram: &Diagram,
    host_names: &[String],
    step: usize,
    lang: Lang,
) -> (Vec<Endpoint>, Vec<(usize, State, State)>) {
    let hosts: Vec<HostId> = diagram.lifelines.iter().filter(|l| !l.attacker).map(|l| l.host).collect();
    let listens = |h: HostId| diagram.transitions.iter().any(|t| t.host == h && t.state == Some(State::Listen));
    let name = |h: HostId| host_names.get(h.index()).map_or("?", String::as_str);
    // Per host: the index of its connection endpoint and of its listener, if it listens.
    let mut endpoints = Vec::new();
    let mut of_host = Vec::new();
    for (i, &h) in hosts.iter().enumerate() {
        let colour = i.min(2);
        if listens(h) {
            let (conn, listener) = match lang.shown() {
                Lang::En => (format!("{} (connection)", name(h)), format!("{} (listening)", name(h))),
                Lang::Zh => (format!("{}（连接）", name(h)), format!("{}（监听）", name(h))),
            };
            let host = name(h).to_owned();
            endpoints.push(Endpoint { name: conn, host: host.clone(), colour, listening: false, state: None });
            endpoints.push(Endpoint { name: listener, host, colour, listening: true, state: None });
            of_host.push((endpoints.len() - 2, Some(endpoints.len() - 1)));
        } else {
            endpoints.push(Endpoint::new(name(h), colour, None));
            of_host.push((endpoints.len() - 1, None));
        }
    }
    let mut taken = Vec::new();
    // The lifeline may show another of the host's connections from one step to the next (the
    // one it showed has ended, a half-open one is left): no socket took that "edge", so none is
    // drawn.
    let drawn = |from: State, to: State| {
        to == State::Closed || FIGURE.iter().chain(&EXTRAS).any(|e| e.from == from && e.to == to)
    };
    let mut moved = |endpoints: &mut Vec<Endpoint>, e: usize, from: State, to: State, now: bool| {
        endpoints[e].state = Some(to);
        if now && from != to && drawn(from, to) {
            taken.push((e, from, to));
        }
    };
    for t in diagram.transitions.iter().filter(|t| t.step <= step) {
        let Some(&(conn, listener)) = hosts.iter().position(|h| *h == t.host).and_then(|i| of_host.get(i)) else {
            continue;
        };
        let now = t.step == step;
        let conn_state = endpoints[conn].state;
        let listening = listener.is_some_and(|l| endpoints[l].state == Some(State::Listen));
        let open = conn_state.filter(|s| *s != State::Closed);
        match (t.state, listener) {
            (Some(State::Listen), Some(l)) => {
                if !listening {
                    let from = endpoints[l].state.unwrap_or(State::Closed);
                    moved(&mut endpoints, l, from, State::Listen, now);
                }
                if let Some(s) = open {
                    moved(&mut endpoints, conn, s, State::Closed, now);
                }
            }
            (Some(to), _) => {
                let from = open.unwrap_or(if listening { State::Listen } else { State::Closed });
                moved(&mut endpoints, conn, from, to, now);
            }
            (None, _) => {
                if let Some(s) = open {
                    moved(&mut endpoints, conn, s, State::Closed, now);
                }
                if let (Some(l), true) = (listener, listening) {
                    moved(&mut endpoints, l, State::Listen, State::Closed, now);
                }
            }
        }
    }
    (endpoints, taken)
}

/// Width of the drawing, in user units.
const WIDTH: f32 = 560.0;
/// Height of the drawing, in user units.
const HEIGHT: f32 = 772.0;
/// Half the width of a state box.
const HALF_W: f32 = 64.0;
/// Half the height of a state box.
const HALF_H: f32 = 20.0;
/// Where the second CLOSED box (the figure's bottom right) is.
const CLOSED_END: (f32, f32) = (480.0, 712.0);

/// A box's centre, as in RFC 9293 Figure 5 (CLOSED at the top, TIME-WAIT near the bottom).
const fn centre(state: State) -> (f32, f32) {
    match state {
        State::Closed => (280.0, 40.0),
        State::Listen => (280.0, 150.0),
        State::SynReceived => (80.0, 262.0),
        State::SynSent => (480.0, 262.0),
        State::Established => (280.0, 382.0),
        State::FinWait1 => (80.0, 492.0),
        State::CloseWait => (480.0, 492.0),
        State::FinWait2 => (80.0, 602.0),
        State::Closing => (280.0, 602.0),
        State::LastAck => (480.0, 602.0),
        State::TimeWait => (260.0, 712.0),
    }
}

/// A bilingual piece of text.
type Text = (&'static str, &'static str);

/// `en` or `zh`.
fn tr(lang: Lang, (en, zh): Text) -> &'static str {
    bilingual::pick(lang, en, zh)
}

/// Where an edge's label goes.
#[derive(Clone, Copy)]
enum Anchor {
    /// Text starts at x.
    Start,
    /// Text is centred on x.
    Middle,
    /// Text ends at x.
    End,
}

/// One arrow of Figure 5.
struct Edge {
    from: State,
    to: State,
    /// SVG path data.
    path: &'static str,
    /// Label position.
    at: (f32, f32),
    anchor: Anchor,
    /// What makes the transition happen.
    event: Text,
    /// What TCP does (the RFC's `x` when nothing).
    action: Option<Text>,
    /// Event and action on one line.
    one_line: bool,
}

const CLOSE: Text = ("CLOSE", "关闭");
const DELETE_TCB: Text = ("delete TCB", "删除 TCB");
const RCV_SYN: Text = ("rcv SYN", "收到 SYN");
const SND_SYN_ACK: Text = ("snd SYN,ACK", "发 SYN+ACK");
const SND_FIN: Text = ("snd FIN", "发 FIN");
const RCV_FIN: Text = ("rcv FIN", "收到 FIN");
const SND_ACK: Text = ("snd ACK", "发 ACK");
const RCV_ACK_OF_FIN: Text = ("rcv ACK of FIN", "收到 FIN 的 ACK");

/// Builds an edge of the figure.
const fn edge(
    from: State,
    to: State,
    path: &'static str,
    at: (f32, f32),
    anchor: Anchor,
    event: Text,
    action: Option<Text>,
) -> Edge {
    Edge { from, to, path, at, anchor, event, action, one_line: false }
}

/// The arrows of RFC 9293 Figure 5.
const FIGURE: [Edge; 20] = {
    use Anchor::{End, Middle, Start};
    use State::*;
    [
        edge(
            Closed,
            Listen,
            "M262,60 L262,130",
            (254.0, 92.0),
            End,
            ("passive OPEN", "被动打开"),
            Some(("create TCB", "创建 TCB")),
        ),
        edge(Listen, Closed, "M298,130 L298,60", (306.0, 92.0), Start, CLOSE, Some(DELETE_TCB)),
        Edge {
            one_line: true,
            ..edge(
                Closed,
                SynSent,
                "M344,32 C470,32 540,120 540,242",
                (352.0, 18.0),
                Start,
                ("active OPEN", "主动打开"),
                Some(("snd SYN", "发 SYN")),
            )
        },
        edge(SynSent, Closed, "M450,242 C450,130 420,50 344,50", (424.0, 124.0), End, CLOSE, Some(DELETE_TCB)),
        edge(Listen, SynReceived, "M262,170 C262,235 200,252 144,252", (250.0, 196.0), End, RCV_SYN, Some(SND_SYN_ACK)),
        edge(
            Listen,
            SynSent,
            "M298,170 C298,235 360,252 416,252",
            (310.0, 196.0),
            Start,
            ("SEND", "发送"),
            Some(("snd SYN", "发 SYN")),
        ),
        edge(SynSent, SynReceived, "M416,272 L144,272", (196.0, 291.0), Middle, RCV_SYN, Some(SND_SYN_ACK)),
        edge(
            SynReceived,
            Listen,
            "M40,242 C40,165 140,150 216,150",
            (60.0, 218.0),
            Start,
            ("rcv RST", "收到 RST"),
            None,
        ),
        edge(
            SynReceived,
            Established,
            "M80,282 C80,350 150,382 216,382",
            (206.0, 402.0),
            End,
            ("rcv ACK of SYN", "收到 SYN 的 ACK"),
            None,
        ),
        edge(
            SynSent,
            Established,
            "M480,282 C480,350 410,382 344,382",
            (512.0, 380.0),
            End,
            ("rcv SYN,ACK", "收到 SYN+ACK"),
            Some(SND_ACK),
        ),
        edge(SynReceived, FinWait1, "M40,282 L40,472", (48.0, 440.0), Start, CLOSE, Some(SND_FIN)),
        edge(Established, FinWait1, "M262,402 C262,470 200,482 144,482", (246.0, 430.0), End, CLOSE, Some(SND_FIN)),
        edge(
            Established,
            CloseWait,
            "M298,402 C298,470 360,482 416,482",
            (314.0, 430.0),
            Start,
            RCV_FIN,
            Some(SND_ACK),
        ),
        edge(FinWait1, FinWait2, "M80,512 L80,582", (88.0, 548.0), Start, RCV_ACK_OF_FIN, None),
        edge(FinWait1, Closing, "M144,502 C220,502 262,530 262,582", (270.0, 545.0), Start, RCV_FIN, Some(SND_ACK)),
        edge(CloseWait, LastAck, "M480,512 L480,582", (472.0, 545.0), End, CLOSE, Some(SND_FIN)),
        edge(FinWait2, TimeWait, "M80,622 C80,690 130,712 196,712", (112.0, 655.0), Start, RCV_FIN, Some(SND_ACK)),
        edge(Closing, TimeWait, "M270,622 L270,692", (278.0, 660.0), Start, RCV_ACK_OF_FIN, None),
        // These two end at the second CLOSED box, bottom right.
        edge(LastAck, Closed, "M480,622 L480,692", (472.0, 660.0), End, RCV_ACK_OF_FIN, None),
        edge(
            TimeWait,
            Closed,
            "M324,712 L416,712",
            // Under both boxes: between them it would touch the CLOSED box's highlight.
            (370.0, 752.0),
            Middle,
            ("timeout=2MSL", "超时=2MSL"),
            Some(DELETE_TCB),
        ),
    ]
};

const RST_OR_ABORT: Text = ("rcv RST or abort", "收到 RST 或中止");
/// From the left column up the left margin to the top CLOSED box.
const LEFT_MARGIN_LABEL: (f32, f32) = (110.0, 32.0);

/// The transitions the machine can take that Figure 5 leaves out, routed by hand around the
/// figure. Any other transition gets [`extra_path`]'s plain curve.
const EXTRAS: [Edge; 8] = {
    use Anchor::{End, Middle, Start};
    use State::*;
    [
        edge(
            Listen,
            Established,
            "M280,170 L280,362",
            (288.0, 322.0),
            Start,
            ("rcv ACK", "收到 ACK"),
            Some(("(broken two-way handshake)", "（有缺陷的两次握手）")),
        ),
        edge(
            FinWait1,
            TimeWait,
            "M130,512 C180,545 180,650 214,692",
            (150.0, 568.0),
            Start,
            ("rcv FIN,ACK", "收到 FIN,ACK"),
            Some(SND_ACK),
        ),
        edge(
            SynReceived,
            Closed,
            "M16,262 Q4,262 4,246 L4,56 Q4,40 20,40 L216,40",
            LEFT_MARGIN_LABEL,
            Middle,
            RST_OR_ABORT,
            None,
        ),
        edge(
            FinWait1,
            Closed,
            "M16,492 Q4,492 4,476 L4,56 Q4,40 20,40 L216,40",
            LEFT_MARGIN_LABEL,
            Middle,
            RST_OR_ABORT,
            None,
        ),
        edge(
            FinWait2,
            Closed,
            "M16,602 Q4,602 4,586 L4,56 Q4,40 20,40 L216,40",
            LEFT_MARGIN_LABEL,
            Middle,
            ("timeout or rcv RST", "超时或收到 RST"),
            None,
        ),
        // These end at the bottom CLOSED box, down the right margin.
        edge(
            Established,
            Closed,
            "M344,392 C420,400 552,400 552,470 L552,690 Q552,712 544,712",
            (548.0, 440.0),
            End,
            RST_OR_ABORT,
            None,
        ),
        edge(
            CloseWait,
            Closed,
            "M544,492 Q552,492 552,508 L552,690 Q552,712 544,712",
            (548.0, 570.0),
            End,
            RST_OR_ABORT,
            None,
        ),
        edge(Closing, Closed, "M344,612 C400,620 430,650 440,692", (352.0, 642.0), Start, RST_OR_ABORT, None),
    ]
};

/// The explanation of a state (it starts with the state's netstat name).
fn explain(state: State, lang: Lang) -> &'static str {
    narration::explain_state(state, lang)
}

/// `sm-syn_sent`.
fn testid(state: State) -> String {
    format!("sm-{}", state.netstat_name().to_ascii_lowercase())
}

/// The colour class of endpoint `i`: the first two have their own colours, the rest share one.
fn colour(i: usize) -> String {
    format!("ep-{}", i.min(2))
}

/// Where a line from a box's centre towards `towards` leaves the box.
fn border(c: (f32, f32), towards: (f32, f32)) -> (f32, f32) {
    let (dx, dy) = (towards.0 - c.0, towards.1 - c.1);
    let t = (HALF_W / dx.abs().max(f32::EPSILON)).min(HALF_H / dy.abs().max(f32::EPSILON)).min(1.0);
    (c.0 + dx * t, c.1 + dy * t)
}

/// A dashed curve for a transition Figure 5 leaves out, bulging to the right of its direction,
/// and the point its label goes at.
fn extra_path(from: State, to: State) -> (String, (f32, f32)) {
    let a = centre(from);
    let b = if to == State::Closed {
        // The nearer of the two CLOSED boxes.
        let top = centre(State::Closed);
        let dist = |p: (f32, f32)| (p.0 - a.0).powi(2) + (p.1 - a.1).powi(2);
        if dist(CLOSED_END) < dist(top) { CLOSED_END } else { top }
    } else {
        centre(to)
    };
    let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let bend = 46.0;
    let ctrl = (mx - dy / len * bend, my + dx / len * bend);
    let start = border(a, ctrl);
    let end = border(b, ctrl);
    let label = ((start.0 + 2.0 * ctrl.0 + end.0) / 4.0, (start.1 + 2.0 * ctrl.1 + end.1) / 4.0);
    (format!("M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}", start.0, start.1, ctrl.0, ctrl.1, end.0, end.1), label)
}

/// An edge's label: event over action, textbook style.
fn label(lang: Lang, e: &Edge, extra: bool) -> Html {
    let (at, event, action) = (e.at, e.event, e.action);
    let class = classes!("sm-label", extra.then_some("sm-extra-label"));
    let anchor = match e.anchor {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    };
    let (x, y) = (format!("{}", at.0), format!("{}", at.1));
    match action {
        Some(action) if e.one_line => html! {
            <text class={class} x={x} y={y} text-anchor={anchor}>{ format!("{} / {}", tr(lang, event), tr(lang, action)) }</text>
        },
        Some(action) => html! {
            <text class={class} x={x.clone()} y={y} text-anchor={anchor}>
                <tspan class="sm-event">{ tr(lang, event) }</tspan>
                <tspan class="sm-action" x={x} dy="1.2em">{ tr(lang, action) }</tspan>
            </text>
        },
        None => html! {
            <text class={class} x={x} y={y} text-anchor={anchor}><tspan class="sm-event">{ tr(lang, event) }</tspan></text>
        },
    }
}

/// An edge's label on one line, for its tooltip.
fn edge_text(lang: Lang, e: &Edge) -> String {
    match e.action {
        Some(action) => format!("{} / {}", tr(lang, e.event), tr(lang, action)),
        None => tr(lang, e.event).to_owned(),
    }
}

/// The colours of the endpoints that took `from → to` in this step.
fn takers(props: &StateMachineProps, from: State, to: State) -> Vec<usize> {
    props
        .taken
        .iter()
        .filter(|(_, f, t)| *f == from && *t == to)
        .map(|(e, _, _)| props.endpoints.get(*e).map_or(2, |e| e.colour))
        .collect()
}

/// Why a transition the figure leaves out is drawn (the line under the figure).
fn extra_why(from: State, to: State) -> Text {
    use State::*;
    match (from, to) {
        (Listen, Established) => (
            "the broken two-way handshake this experiment builds on purpose; a real TCP never takes it.",
            "本实验故意构造的有缺陷的两次握手；真实的 TCP 不会这样转换。",
        ),
        (FinWait1, TimeWait) => (
            "the peer's FIN also acknowledged ours, so RFC 9293's text (§3.10.7.4) goes straight to TIME_WAIT; the figure only shows the way through CLOSING or FIN_WAIT2.",
            "对方的 FIN 同时确认了我方的 FIN，RFC 9293 正文（§3.10.7.4）规定直接进入 TIME_WAIT；图中只画了经过 CLOSING 或 FIN_WAIT2 的路径。",
        ),
        (FinWait2, Closed) => (
            "a reset, or the FIN_WAIT2 timeout that real stacks add (Linux: tcp_fin_timeout); the figure leaves both out.",
            "收到复位，或真实协议栈附加的 FIN_WAIT2 超时（Linux：tcp_fin_timeout）；图中都没有画出。",
        ),
        (_, Closed) => (
            "a reset or an abort; RFC 9293 describes them in its text (§3.10.5, §3.10.7) but leaves them out of the figure.",
            "复位或中止；RFC 9293 在正文中说明了它们（§3.10.5、§3.10.7），但图中没有画出。",
        ),
        _ => ("a transition this run took that the figure does not draw.", "本次运行中出现、但图中没有画出的转换。"),
    }
}

/// One arrow; `who` are the endpoints that took it now (drawn once per taker, on top).
fn arrow(path: &str, who: Option<usize>, also: bool, extra: bool) -> Html {
    let (class, marker) = match who {
        Some(i) => (
            classes!("sm-arrow", "taken", colour(i), also.then_some("also"), extra.then_some("extra")),
            format!("url(#sm-head-{})", i.min(2)),
        ),
        None => (classes!("sm-arrow"), "url(#sm-head)".to_owned()),
    };
    html! { <path class={class} d={path.to_owned()} marker-end={marker} /> }
}

/// A state box, with the endpoints in it.
fn state_box(state: State, c: (f32, f32), testid: String, props: &StateMachineProps) -> Html {
    let here: Vec<usize> =
        props.endpoints.iter().enumerate().filter(|(_, e)| e.state == Some(state)).map(|(i, _)| i).collect();
    let ep = |i: usize| &props.endpoints[i];
    let mut class = classes!("sm-state");
    for &i in &here {
        class.push(format!("current-{i}"));
    }
    if let Some(&first) = here.first() {
        class.push(format!("here-{}", colour(ep(first).colour)));
        if ep(first).listening {
            class.push("here-listening");
        }
    }
    let (x, y) = (c.0 - HALF_W, c.1 - HALF_H);
    let name_y = if here.is_empty() { c.1 + 4.5 } else { c.1 - 1.0 };
    let who = here.iter().map(|&i| ep(i).name.as_str()).collect::<Vec<_>>().join(" · ");
    html! {
        <g class={class} data-testid={testid}>
            <title>{ format!("{} (RFC 9293)\n{}", state.rfc_name(), explain(state, props.lang)) }</title>
            // A second endpoint in the same state gets an outer ring of its colour.
            { for here.iter().skip(1).take(1).map(|&i| html! {
                <rect class={classes!("sm-ring", colour(ep(i).colour))} x={format!("{}", x - 4.0)} y={format!("{}", y - 4.0)}
                    width={format!("{}", 2.0 * HALF_W + 8.0)} height={format!("{}", 2.0 * HALF_H + 8.0)} rx="11" />
            }) }
            <rect class="sm-box" x={format!("{x}")} y={format!("{y}")} width={format!("{}", 2.0 * HALF_W)}
                height={format!("{}", 2.0 * HALF_H)} rx="8" />
            <text class="sm-name" x={format!("{}", c.0)} y={format!("{name_y}")} text-anchor="middle">{ state.netstat_name() }</text>
            if !here.is_empty() {
                <text class="sm-who" x={format!("{}", c.0)} y={format!("{}", c.1 + 13.0)} text-anchor="middle">
                    { for here.iter().enumerate().map(|(k, &i)| html! {
                        <tspan class={colour(ep(i).colour)}>{ if k > 0 { " · " } else { "" } }{ ep(i).host.clone() }</tspan>
                    }) }
                </text>
            }
            <desc>{ who }</desc>
        </g>
    }
}

/// The TCP state diagram of RFC 9293 (Figure 5), with each endpoint's state and the transitions
/// just taken.
#[component]
pub fn StateMachine(props: &StateMachineProps) -> Html {
    let lang = props.lang;
    let figure_has = |from: State, to: State| FIGURE.iter().any(|e| e.from == from && e.to == to);

    // Edges of the figure, untaken ones first so that taken ones are drawn over them.
    let mut plain = Vec::new();
    let mut taken = Vec::new();
    for (n, e) in FIGURE.iter().enumerate() {
        let who = takers(props, e.from, e.to);
        let lbl = label(lang, e, false);
        let edge_id = format!("{}-{}", testid(e.from), e.to.netstat_name().to_ascii_lowercase());
        if who.is_empty() {
            plain.push(html! {
                <g key={n} class="sm-edge" data-edge={edge_id}>
                    <title>{ edge_text(lang, e) }</title>
                    <path class="sm-hit" d={e.path} />
                    { arrow(e.path, None, false, false) }{ lbl }
                </g>
            });
        } else {
            let mut class = classes!("sm-edge", "taken");
            class.push(colour(who[0]));
            taken.push(html! {
                <g key={n} class={class} data-edge={edge_id}>
                    { for who.iter().enumerate().map(|(k, &i)| arrow(e.path, Some(i), k > 0, false)) }
                    { lbl }
                </g>
            });
        }
    }
    // Transitions outside the figure, only when taken.
    let mut seen: Vec<(State, State)> = Vec::new();
    let mut why: Vec<(usize, String, Text)> = Vec::new();
    for (_, from, to) in &props.taken {
        if from == to || figure_has(*from, *to) || seen.contains(&(*from, *to)) {
            continue;
        }
        seen.push((*from, *to));
        let who = takers(props, *from, *to);
        let names =
            props.taken.iter().filter(|(_, f, t)| f == from && t == to).filter_map(|(e, _, _)| props.endpoints.get(*e));
        let names = names.map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ");
        let arrow_text = format!("{names}: {} → {}", from.netstat_name(), to.netstat_name());
        why.push((who.first().copied().unwrap_or(2), arrow_text, extra_why(*from, *to)));
        let lbl = match EXTRAS.iter().find(|e| e.from == *from && e.to == *to) {
            Some(e) => (e.path.to_owned(), label(lang, e, true)),
            None => {
                let (path, at) = extra_path(*from, *to);
                let event = if *to == State::Closed { RST_OR_ABORT } else { ("", "") };
                (path, label(lang, &edge(*from, *to, "", at, Anchor::Middle, event, None), true))
            }
        };
        let (path, lbl) = lbl;
        let mut class = classes!("sm-edge", "taken", "extra");
        class.push(colour(who.first().copied().unwrap_or(2)));
        let edge_id = format!("{}-{}", testid(*from), to.netstat_name().to_ascii_lowercase());
        taken.push(html! {
            <g key={edge_id.clone()} class={class} data-edge={edge_id}>
                { for who.iter().enumerate().map(|(k, &i)| arrow(&path, Some(i), k > 0, true)) }
                { lbl }
            </g>
        });
    }

    let summary: Vec<String> = props
        .endpoints
        .iter()
        .map(|e| {
            format!("{}: {}", e.name, e.state.map_or(tr(lang, ("no connection yet", "尚无连接")), State::netstat_name))
        })
        .collect();
    let heads = ["sm-head", "sm-head-0", "sm-head-1", "sm-head-2"];

    html! {
        <figure class="state-machine">
            if !props.endpoints.is_empty() {
                <ul class="sm-legend">
                    { for props.endpoints.iter().map(|e| html! {
                        <li class={classes!(colour(e.colour), e.listening.then_some("listening"))}>
                            <span class="sm-swatch" aria-hidden="true"></span>{ e.name.clone() }
                        </li>
                    }) }
                </ul>
            }
            <svg data-testid="state-machine" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-labelledby="sm-title sm-desc"
                preserveAspectRatio="xMidYMin meet">
                <title id="sm-title">{ tr(lang, ("TCP connection states (RFC 9293, Figure 5)", "TCP 连接状态图（RFC 9293 图 5）")) }</title>
                <desc id="sm-desc">{ summary.join("; ") }</desc>
                <defs>
                    { for heads.iter().map(|id| html! {
                        <marker id={*id} class={classes!("sm-marker", *id)} viewBox="0 0 10 10" refX="9" refY="5"
                            markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" />
                        </marker>
                    }) }
                </defs>
                <g class="sm-edges">{ for plain }</g>
                <g class="sm-states">
                    { for State::ALL.into_iter().map(|s| state_box(s, centre(s), testid(s), props)) }
                    { state_box(State::Closed, CLOSED_END, "sm-closed-end".into(), props) }
                </g>
                <g class="sm-edges sm-taken">{ for taken }</g>
            </svg>
            <figcaption class="sm-explain" data-testid="state-machine-explain">
                { for props.endpoints.iter().map(|e| html! {
                    <p class={colour(e.colour)}>
                        <strong>{ e.name.clone() }</strong>{ tr(lang, (": ", "：")) }
                        { match e.state {
                            Some(s) => explain(s, lang),
                            None if e.listening => tr(lang, ("not listening yet.", "还没有开始监听。")),
                            None => tr(lang, ("no connection yet.", "还没有连接。")),
                        } }
                    </p>
                }) }
                { for why.iter().map(|(c, arrow_text, reason)| html! {
                    <p class={classes!("sm-why", colour(*c))} data-testid="state-machine-extra">
                        <span class="sm-dash" aria-hidden="true"></span>
                        { tr(lang, ("Dashed, not in RFC 9293's figure: ", "虚线，RFC 9293 的图中没有：")) }
                        { arrow_text.clone() }{ tr(lang, (" — ", "——")) }{ tr(lang, *reason) }
                    </p>
                }) }
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Experiment;

    /// The sockets at every step of catalogue entry `entry`, and the transitions taken.
    type Sockets = (Vec<Endpoint>, Vec<(usize, State, State)>);

    fn every_step(entry: &str) -> Vec<Sockets> {
        let experiment = Experiment { entry: entry.into(), ..Experiment::default() };
        let (trace, diagram) =
            crate::state::run(&experiment, Lang::En, true, seqdiag::WidthClass::Full).expect("the entry runs");
        let names: Vec<String> = trace.hosts.iter().map(|h| h.name.clone()).collect();
        (0..diagram.steps.len()).map(|step| sockets(&diagram, &names, step, Lang::En)).collect()
    }

    fn state_of(endpoints: &[Endpoint], name: &str) -> Option<State> {
        endpoints.iter().find(|e| e.name == name).and_then(|e| e.state)
    }

    #[test]
    fn the_listener_and_the_connection_are_shown_apart() {
        let steps = every_step("handshake");
        let (first, _) = &steps[0];
        let names: Vec<&str> = first.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["client", "server (connection)", "server (listening)"]);
        assert_eq!(state_of(first, "server (listening)"), Some(State::Listen));
        assert_eq!(state_of(first, "server (connection)"), None, "no connection before the SYN");
        // At the end the connection is CLOSED, as the sequence diagram says, and the listener
        // still listens.
        let (last, _) = steps.last().expect("steps");
        assert_eq!(state_of(last, "client"), Some(State::Closed));
        assert_eq!(state_of(last, "server (connection)"), Some(State::Closed));
        assert_eq!(state_of(last, "server (listening)"), Some(State::Listen));
        // The accepted connection leaves LISTEN for SYN_RECV: the figure's own edge.
        assert!(steps.iter().any(|(_, taken)| taken.contains(&(1, State::Listen, State::SynReceived))));
    }

    #[test]
    fn at_every_step_of_every_entry_the_figure_shows_what_the_lifelines_show() {
        for entry in tcp_sim::catalogue::ENTRIES {
            let experiment = Experiment { entry: entry.name.into(), ..Experiment::default() };
            let (trace, diagram) =
                crate::state::run(&experiment, Lang::En, true, seqdiag::WidthClass::Full).expect("the entry runs");
            let names: Vec<String> = trace.hosts.iter().map(|h| h.name.clone()).collect();
            for step in 0..diagram.steps.len() {
                let (endpoints, taken) = sockets(&diagram, &names, step, Lang::En);
                for l in diagram.lifelines.iter().filter(|l| !l.attacker) {
                    let name = &names[l.host.index()];
                    let shown = diagram.transitions.iter().rev().find(|t| t.host == l.host && t.step <= step);
                    let Some(shown) = shown else { continue };
                    let listening = format!("{name} (listening)");
                    let conn = if endpoints.iter().any(|e| e.name == listening) {
                        format!("{name} (connection)")
                    } else {
                        name.clone()
                    };
                    let at = format!("{} step {step}, {name}", entry.name);
                    match shown.state {
                        Some(State::Listen) => {
                            assert_eq!(state_of(&endpoints, &listening), Some(State::Listen), "{at}");
                            assert!(matches!(state_of(&endpoints, &conn), None | Some(State::Closed)), "{at}");
                        }
                        state => assert_eq!(state_of(&endpoints, &conn), Some(state.unwrap_or(State::Closed)), "{at}"),
                    }
                }
                for &(e, from, to) in &taken {
                    assert_ne!((from, to), (State::TimeWait, State::Listen), "{}: {}", entry.name, endpoints[e].name);
                }
            }
        }
    }
}
