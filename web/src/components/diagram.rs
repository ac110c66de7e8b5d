//! The sequence diagram, drawn by Yew from `seqdiag`'s geometry (the same `Diagram` the
//! standalone SVG export draws). Items after the current playback step are hidden; segments are
//! buttons: click, tap, or focus and press Enter to open one in the inspector.

use seqdiag::diagram::{Arrow, Diagram, Label, TimerEnd, state_class};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`SequenceDiagram`].
#[derive(Properties, PartialEq, Debug)]
pub struct SequenceDiagramProps {
    /// The geometry.
    pub diagram: Rc<Diagram>,
    /// Current playback step: later items are hidden.
    pub step: usize,
    /// The segment open in the inspector.
    pub selected: Option<usize>,
    /// A segment was chosen.
    pub on_select: Callback<usize>,
    /// Segments are buttons that open the inspector (not in an embed without it).
    #[prop_or(true)]
    pub selectable: bool,
    /// Draw only down to this y (an embed locked to a range of steps).
    #[prop_or_default]
    pub crop: Option<f32>,
}

/// Pixels with at most one decimal, without pulling float formatting into the wasm.
fn px(v: f32) -> String {
    seqdiag::Px(v).to_string()
}

/// A straight line's path data (lines are paths: one attribute to update instead of four).
fn line(x1: f32, y1: f32, x2: f32, y2: f32) -> String {
    seqdiag::svg::line_path(x1, y1, x2, y2)
}

fn text(class: &str, label: &Label, s: &str) -> Html {
    html! {
        <text class={class.to_string()} x={px(label.x)} y={px(label.y)} text-anchor={label.anchor.svg()}>{ s }</text>
    }
}

fn visibility(step: usize, now: usize) -> &'static str {
    if step > now { " future" } else { "" }
}

/// The diagram.
#[component]
pub fn SequenceDiagram(props: &SequenceDiagramProps) -> Html {
    let d = &props.diagram;
    let now = props.step;
    let height = props.crop.map_or(d.height, |y| y.min(d.height));
    let view_box = format!("0 0 {} {}", px(d.width), px(height));
    // One listener pair for every segment (delegation), not two per arrow: the segment is the
    // `data-segment` of the arrow group the event came from.
    let chosen = |target: Option<web_sys::EventTarget>| -> Option<usize> {
        let element = target?.dyn_into::<web_sys::Element>().ok()?;
        element.closest("g[data-segment][role=button]").ok()??.get_attribute("data-segment")?.parse().ok()
    };
    let (onclick, onkeydown) = if props.selectable {
        let on_select = props.on_select.clone();
        let on_key = props.on_select.clone();
        (
            Some(Callback::from(move |e: MouseEvent| {
                if let Some(segment) = chosen(e.target()) {
                    on_select.emit(segment);
                }
            })),
            Some(Callback::from(move |e: KeyboardEvent| {
                if (e.key() == "Enter" || e.key() == " ")
                    && let Some(segment) = chosen(e.target())
                {
                    e.prevent_default();
                    e.stop_propagation();
                    on_key.emit(segment);
                }
            })),
        )
    } else {
        (None, None)
    };
    html! {
        <svg class={if props.selectable { "seqdiag selectable" } else { "seqdiag" }} data-testid="diagram" viewBox={view_box}
            width={px(d.width)} height={px(height)} {onclick} {onkeydown}
            role="group" aria-label={d.title.clone()} font-family={seqdiag::style::FONT}>
            <desc>{ d.desc.clone() }</desc>
            <rect class="bg" width={px(d.width)} height={px(d.height)} />
            <g class="ruler">
                { for d.ruler.iter().map(|m| html! { <g>
                    <path class="tick" d={line(m.placed.x + 4.0, m.y, m.placed.x + 9.0, m.y)} />
                    { text("", &m.placed, &m.text) }
                </g> }) }
            </g>
            <g class="lifelines">
                { for d.lifelines.iter().map(|l| html! { <g>
                    <path class="life" d={line(l.x, l.y1, l.x, l.y2)} />
                    <rect class="head-box" x={px(l.head.x)} y={px(l.head.y)} width={px(l.head.w)} height={px(l.head.h)} rx="6" />
                    { text("head-name", &l.name_at, &l.name) }
                    { text("head-addr", &l.addr_at, &l.addr) }
                </g> }) }
            </g>
            <g class="bands">
                { for d.bands.iter().map(|b| html! {
                    <rect class={format!("band {}{}", state_class(Some(b.state)), visibility(b.step, now))}
                        x={px(b.rect.x)} y={px(b.rect.y)} width={px(b.rect.w)} height={px(b.rect.h)} rx="2" />
                }) }
            </g>
            <g class="timers">
                { for d.timers.iter().map(|t| {
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
                { for d.breaks.iter().map(|b| html! { <g>
                    <path class="brk-fill" d={b.fill_path.clone()} />
                    <path class="brk-edge" d={b.edge_path.clone()} />
                </g> }) }
            </g>
            <g class="transitions">
                { for d.transitions.iter().map(|t| html! {
                    <circle class={format!("tr-dot {}{}", state_class(t.state), visibility(t.step, now))}
                        cx={px(t.at.x)} cy={px(t.at.y)} r="3.5"><title>{ t.text.clone() }</title></circle>
                }) }
            </g>
            <g class="arrows">
                { for d.arrows.iter().map(|a| arrow(a, now, props.selected, props.selectable)) }
            </g>
            <g class="labels">
                { for d.breaks.iter().map(|b| text("brk-label halo", &b.placed, &b.text)) }
                { for d.transitions.iter().filter_map(|t| t.placed.as_ref().map(|l| html! {
                    <g class={format!("{}{}", state_class(t.state), visibility(t.step, now))}>{ text("tr-label halo", l, &t.text) }</g>
                })) }
                { for d.timers.iter().filter_map(|t| t.placed.as_ref().map(|l| {
                    let class = if t.prominent { "timer-label halo" } else { "timer-label minor halo" };
                    html! { <g class={format!("{}{}", t.class(), visibility(t.step, now))}>{ text(class, l, &t.text) }</g> }
                })) }
                { for d.notes.iter().filter_map(|n| n.placed.as_ref().map(|l| html! {
                    <g class={visibility(n.step, now).trim().to_string()}>{ text(&format!("{} halo", n.kind.class()), l, &n.text) }</g>
                })) }
                { for d.arrows.iter().filter_map(|a| arrow_label(a, now)) }
                { for d.caption.iter().map(|(s, l)| text("note error", l, s)) }
            </g>
        </svg>
    }
}

/// One segment's arrow; a button (see the listeners on the `<svg>`) when `selectable`.
fn arrow(a: &Arrow, now: usize, selected: Option<usize>, selectable: bool) -> Html {
    let segment = a.segment;
    let in_flight = if a.step <= now && now < a.end_step { " inflight" } else { "" };
    let chosen = if selected == Some(segment) { " selected" } else { "" };
    let class = format!("{}{}{}{}", a.class(), visibility(a.step, now), in_flight, chosen);
    let name = if a.tag.is_empty() { a.label.clone() } else { format!("{} ({})", a.label, a.tag) };
    let hidden = a.step > now;
    let shaft = line(a.from.x, a.from.y, a.to.x, a.to.y);
    html! {
        <g class={class} data-segment={segment.to_string()} tabindex={(!hidden && selectable).then_some("0")}
            role={selectable.then_some("button")} aria-label={name} aria-hidden={hidden.then_some("true")}>
            // No <title>: the label drawn beside the arrow already says it, and the aria-label
            // names it for screen readers.
            // A wide transparent stroke makes thin arrows easy to tap on a phone.
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
        <g class={format!("{}{}", a.class(), visibility(a.step, now))} data-segment={a.segment.to_string()} transform={p.transform()}>
            <rect class="badge" x="0" y={px(-h + 1.0)} width={px(bw)} height={px(h - 3.0)} rx="6" />
            <text class="badge-text" x={px(bw / 2.0)} y="-5" text-anchor="middle">{ a.badge.clone() }</text>
            <text class="lbl halo" x={px(bw + 5.0)} y="-4">
                { a.label.clone() }
                if !a.tag.is_empty() {
                    <tspan class="tag" dx="8">{ a.tag.clone() }</tspan>
                }
            </text>
        </g>
    })
}
