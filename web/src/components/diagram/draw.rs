//! The diagram's `<svg>`, drawn from `seqdiag`'s geometry (the same `Diagram` the standalone
//! SVG export draws). Items after the current playback step are hidden; segments are buttons when
//! the inspector is on.

use seqdiag::diagram::{Arrow, Diagram, Label, Lifeline, TimerEnd, state_class};
use yew::prelude::*;

/// Pixels with at most one decimal, without pulling float formatting into the wasm.
pub(super) fn px(v: f32) -> String {
    seqdiag::Px(v).to_string()
}

/// A straight line's path data (lines are paths: one attribute to update instead of four).
fn line(x1: f32, y1: f32, x2: f32, y2: f32) -> String {
    seqdiag::svg::line_path(x1, y1, x2, y2)
}

/// A text: one line, or one `<tspan>` per line when it was wrapped.
fn text(class: &str, label: &Label, s: &str) -> Html {
    let (x, y) = (px(label.x), px(label.y));
    if label.lines.is_empty() {
        return html! { <text class={class.to_string()} x={x} y={y} text-anchor={label.anchor.svg()}>{ s }</text> };
    }
    html! {
        <text class={class.to_string()} x={x.clone()} y={y} text-anchor={label.anchor.svg()}>
            { for label.lines.iter().enumerate().map(|(k, l)| html! {
                <tspan x={x.clone()} y={px(label.y + k as f32 * label.line_height)}>{ l.clone() }</tspan>
            }) }
        </text>
    }
}

fn visibility(step: usize, now: usize) -> &'static str {
    if step > now { " future" } else { "" }
}

/// What [`svg`] draws.
#[derive(Clone, Copy, Debug)]
pub(super) struct Drawing<'a> {
    pub(super) diagram: &'a Diagram,
    /// The current step: later items are hidden.
    pub(super) now: usize,
    pub(super) selected: Option<usize>,
    /// Segments are buttons.
    pub(super) selectable: bool,
    /// Draw down to this y only.
    pub(super) height: f32,
    /// Display size: the diagram's own times this (1: fit the box).
    pub(super) zoom: f32,
    /// Draw only what lies between these y (diagram units; a big diagram draws the rows near
    /// the view), or everything.
    pub(super) rows: Option<(f32, f32)>,
}

impl Drawing<'_> {
    /// Whether something spanning `y1`..`y2` is drawn.
    fn shows(&self, y1: f32, y2: f32) -> bool {
        self.rows.is_none_or(|(top, bottom)| y1.max(y2) >= top && y1.min(y2) <= bottom)
    }
}

/// How far a label may sit from the y it is placed at (its text, its halo, its arrow).
const LABEL_REACH: f32 = 40.0;

/// The `width` and `height` attributes at `zoom` (the CSS scales a fitted diagram down further
/// to its box).
pub(super) fn size(width: f32, height: f32, zoom: f32) -> (String, String) {
    (px(width * zoom), px(height * zoom))
}

/// The whole diagram.
pub(super) fn svg(
    w: Drawing<'_>,
    onclick: Option<Callback<MouseEvent>>,
    onkeydown: Option<Callback<KeyboardEvent>>,
) -> Html {
    let d = w.diagram;
    let now = w.now;
    let view_box = format!("0 0 {} {}", px(d.width), px(w.height));
    let (width, height) = size(d.width, w.height, w.zoom);
    let mut class = String::from("seqdiag");
    if w.selectable {
        class.push_str(" selectable");
    }
    if w.zoom > 1.0 {
        class.push_str(" zoomed");
    }
    html! {
        <svg class={class} data-testid="diagram" viewBox={view_box} width={width} height={height} {onclick} {onkeydown}
            role="group" aria-label={d.title.clone()} font-family={seqdiag::style::FONT}>
            <desc>{ d.desc.clone() }</desc>
            <rect class="bg" width={px(d.width)} height={px(d.height)} />
            <g class="ruler">
                { for d.ruler.iter().filter(|m| w.shows(m.y, m.y)).map(|m| html! { <g>
                    <path class="tick" d={line(m.placed.x + 4.0, m.y, m.placed.x + 9.0, m.y)} />
                    { text("", &m.placed, &m.text) }
                </g> }) }
            </g>
            <g class="lifelines">{ for d.lifelines.iter().map(lifeline) }</g>
            <g class="bands">
                { for d.bands.iter().filter(|b| w.shows(b.rect.y, b.rect.y + b.rect.h)).map(|b| html! {
                    <rect class={format!("band {}{}", state_class(Some(b.state)), visibility(b.step, now))}
                        x={px(b.rect.x)} y={px(b.rect.y)} width={px(b.rect.w)} height={px(b.rect.h)} rx="2" />
                }) }
            </g>
            <g class="timers">
                { for d.timers.iter().filter(|t| w.shows(t.y1, t.y2 + LABEL_REACH)).map(|t| {
                    let (y1, y2) = (t.y1 + 1.5, (t.y2 - 1.5).max(t.y1 + 2.0));
                    // A timer still counting at this step is drawn up to where it will end, faintly.
                    let running = if t.end_step > now && t.step <= now { " running" } else { "" };
                    html! {
                        <g class={format!("{}{}{}", t.class(), visibility(t.step, now), running)}>
                            <title>{ t.text.clone() }</title>
                            <path class="bar" d={line(t.x, y1, t.x, y2)} />
                            <path class="cap" d={line(t.x - 3.0, y1, t.x + 3.0, y1)} />
                            if t.end == TimerEnd::Fired {
                                <circle cx={px(t.x)} cy={px(t.y2)} r="3.5" />
                            }
                            if matches!(t.end, TimerEnd::Cancelled | TimerEnd::Restarted) {
                                <path class="cap" d={line(t.x - 3.0, y2, t.x + 3.0, y2)} />
                            }
                        </g>
                    }
                }) }
            </g>
            <g class="breaks">
                { for d.breaks.iter().filter(|b| w.shows(b.placed.y - LABEL_REACH, b.placed.y + LABEL_REACH)).map(|b| html! { <g>
                    <path class="brk-fill" d={b.fill_path.clone()} />
                    <path class="brk-edge" d={b.edge_path.clone()} />
                </g> }) }
            </g>
            <g class="transitions">
                { for d.transitions.iter().filter(|t| w.shows(t.at.y, t.at.y)).map(|t| html! {
                    <circle class={format!("tr-dot {}{}", state_class(t.state), visibility(t.step, now))}
                        cx={px(t.at.x)} cy={px(t.at.y)} r="3.5"><title>{ t.text.clone() }</title></circle>
                }) }
            </g>
            <g class="arrows">
                { for d.arrows.iter().filter(|a| w.shows(a.from.y, a.to.y)).map(|a| arrow(a, now, w.selected, w.selectable)) }
            </g>
            <g class="labels">
                { for d.breaks.iter().filter(|b| w.shows(b.placed.y, b.placed.y)).map(|b| text("brk-label halo", &b.placed, &b.text)) }
                { for d.transitions.iter().filter_map(|t| t.placed.as_ref().filter(|l| w.shows(l.y - LABEL_REACH, l.y + LABEL_REACH)).map(|l| html! {
                    <g class={format!("{}{}", state_class(t.state), visibility(t.step, now))}>{ text("tr-label halo", l, &t.text) }</g>
                })) }
                { for d.timers.iter().filter_map(|t| t.placed.as_ref().filter(|l| w.shows(l.y - LABEL_REACH, l.y + LABEL_REACH)).map(|l| {
                    let class = if t.prominent { "timer-label halo" } else { "timer-label minor halo" };
                    html! { <g class={format!("{}{}", t.class(), visibility(t.step, now))}>{ text(class, l, &t.text) }</g> }
                })) }
                { for d.notes.iter().filter_map(|n| n.placed.as_ref().filter(|l| w.shows(l.y - LABEL_REACH, l.y + LABEL_REACH)).map(|l| html! {
                    <g class={visibility(n.step, now).trim().to_string()}>{ text(&format!("{} halo", n.kind.class()), l, &n.text) }</g>
                })) }
                { for d.arrows.iter().filter(|a| w.shows(a.from.y - LABEL_REACH, a.to.y + LABEL_REACH)).filter_map(|a| arrow_label(a, now)) }
                { for d.caption.iter().map(|(s, l)| text("note error", l, s)) }
            </g>
        </svg>
    }
}

fn lifeline(l: &Lifeline) -> Html {
    html! { <g>
        <path class="life" d={line(l.x, l.y1, l.x, l.y2)} />
        { head(l) }
    </g> }
}

/// A host's header box, name and address.
pub(super) fn head(l: &Lifeline) -> Html {
    html! { <>
        <rect class="head-box" x={px(l.head.x)} y={px(l.head.y)} width={px(l.head.w)} height={px(l.head.h)} rx="6" />
        { text("head-name", &l.name_at, &l.name) }
        { text("head-addr", &l.addr_at, &l.addr) }
    </> }
}

/// One segment's arrow; a button (see the listeners on the `<svg>`) when `selectable`. Without
/// the inspector the group is plain drawing: no role, no name (the label beside it, and the text
/// list of the exchange, say what it is).
fn arrow(a: &Arrow, now: usize, selected: Option<usize>, selectable: bool) -> Html {
    let segment = a.segment;
    let in_flight = if a.step <= now && now < a.end_step { " inflight" } else { "" };
    let chosen = if selected == Some(segment) { " selected" } else { "" };
    let current = if a.step == now || a.end_step == now { " current" } else { "" };
    let class = format!("{}{}{}{}{}", a.class(), visibility(a.step, now), in_flight, chosen, current);
    let hidden = a.step > now;
    let name = selectable.then(|| if a.tag.is_empty() { a.label.clone() } else { format!("{} ({})", a.label, a.tag) });
    let shaft = line(a.from.x, a.from.y, a.to.x, a.to.y);
    html! {
        <g key={segment} class={class} data-segment={segment.to_string()} tabindex={(!hidden && selectable).then_some("0")}
            role={selectable.then_some("button")} aria-label={name} aria-hidden={hidden.then_some("true")}>
            // A wide transparent stroke makes thin arrows easy to tap on a phone; it is also what
            // the focus ring paints.
            <path class="hit" d={shaft.clone()} />
            <path class="shaft" d={shaft} />
            if let Some([p, q, r]) = a.head {
                <polygon class="arrowhead" points={format!("{},{} {},{} {},{}", px(p.x), px(p.y), px(q.x), px(q.y), px(r.x), px(r.y))} />
            }
            if let Some(c) = a.cross {
                <path class="cross" d={format!("M{},{}L{},{}M{},{}L{},{}", px(c.x - 5.0), px(c.y - 5.0), px(c.x + 5.0),
                    px(c.y + 5.0), px(c.x - 5.0), px(c.y + 5.0), px(c.x + 5.0), px(c.y - 5.0))} />
            }
        </g>
    }
}

fn arrow_label(a: &Arrow, now: usize) -> Option<Html> {
    let p = a.placed.as_ref()?;
    let (bw, h) = (p.badge_width, p.height);
    Some(html! {
        <g key={a.segment} class={format!("{}{}", a.class(), visibility(a.step, now))} data-segment={a.segment.to_string()} transform={p.transform()}>
            if p.on_line {
                <rect class="lbl-bg" x="-2" y={px(-h)} width={px(p.width + 4.0)} height={px(h)} rx="3" />
            }
            <rect class="badge" x="0" y={px(-h + 1.0)} width={px(bw)} height={px(seqdiag::diagram::ArrowLabel::BADGE_H)} rx="6" />
            <text class="badge-text" x={px(bw / 2.0)} y={px(-h + 10.0)} text-anchor="middle">{ a.badge.clone() }</text>
            { for p.lines.iter().map(|l| html! {
                <text class="lbl halo" x={px(l.x)} y={px(l.y)}>
                    { l.text.clone() }
                    if !l.tag.is_empty() {
                        <tspan class="tag" dx={(!l.text.is_empty()).then_some("8")}>{ l.tag.clone() }</tspan>
                    }
                </text>
            }) }
        </g>
    })
}
