//! The diagram's `<svg>`. Its drawing is `seqdiag`'s own SVG writer's ([`seqdiag::svg::page_body`],
//! the one that writes the CLI's and the exports' files), put in as markup: the browser parses it
//! far faster than a virtual DOM builds and compares each element. It goes in as pieces inside
//! their layers' groups ([`seqdiag::svg::page_pieces`]): a big diagram's a frame's worth at a
//! time, in paint order, so that no frame has to parse and lay out all of it. It never depends on the
//! playback step: [`Playback`] shows a step by setting classes on the elements that belong to
//! steps (`data-step`, `data-end`), and changes only those whose classes change.

use seqdiag::diagram::Diagram;
use seqdiag::svg::PageDrawing;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Pixels with at most one decimal, without pulling float formatting into the wasm.
pub(super) fn px(v: f32) -> String {
    seqdiag::Px(v).to_string()
}

/// The `width` and `height` attributes at `zoom` (the CSS scales a fitted diagram down further
/// to its box).
pub(super) fn size(width: f32, height: f32, zoom: f32) -> (String, String) {
    (px(width * zoom), px(height * zoom))
}

/// What [`svg`] draws.
#[derive(Clone, Debug)]
pub(super) struct Drawing<'a> {
    pub(super) diagram: &'a Diagram,
    /// The drawing's markup ([`body`]).
    pub(super) body: Rc<Body>,
    /// How many of its pieces are drawn yet (a big diagram's go in a few per frame).
    pub(super) drawn: usize,
    /// Draw down to this y only.
    pub(super) height: f32,
    /// Display size: the diagram's own times this (1: fit the box).
    pub(super) zoom: f32,
    /// Segments are buttons.
    pub(super) selectable: bool,
    /// The other run of a comparison.
    pub(super) compared: bool,
}

/// The drawing's markup ([`seqdiag::svg::page_pieces`]): its pieces in paint order, each in
/// its layer, and which of them go in together, a frame's worth each.
#[derive(Debug, PartialEq)]
pub(super) struct Body {
    pieces: Vec<(&'static str, AttrValue)>,
    /// The layers that have pieces, in paint order: each gets its group at once, so that the
    /// pieces going in later never move another.
    layers: Vec<&'static str>,
    /// For each frame, how many pieces are drawn by its end.
    pub(super) frames: Vec<usize>,
}

/// Markup (in bytes) put in per frame: what the browser parses and lays out in about 8 ms here
/// (BENCHMARKS.md, the hostile files).
#[cfg(feature = "full")]
const FRAME_BYTES: usize = 40_000;

/// The drawing's markup, for [`Drawing::body`]: in one piece, with where two compared runs part
/// marked if `mark` says where (full module); a `big` one in pieces (full module).
pub(super) fn body(d: &Diagram, page: PageDrawing, mark: Option<&super::Mark>, big: bool) -> Body {
    #[cfg(feature = "full")]
    if let Some(mark) = mark {
        return Body::whole(seqdiag::svg::page_body_marked(d, page, mark));
    }
    #[cfg(feature = "full")]
    if big {
        return Body::in_pieces(seqdiag::svg::page_pieces(d, page, FRAME_BYTES));
    }
    let _ = (mark, big);
    Body::whole(seqdiag::svg::page_body(d, page))
}

impl Body {
    /// The first `drawn` pieces, each in its layer's group. Every piece has its place from the
    /// first frame (an empty one until it is drawn): the children of a group never change in
    /// number, so Yew only fills places.
    #[cfg(feature = "full")]
    fn html(&self, drawn: usize) -> Html {
        let piece = |k: usize, markup: &AttrValue| {
            Html::from_html_unchecked(if k < drawn { markup.clone() } else { AttrValue::default() })
        };
        let in_layer = |layer: &str| -> Vec<Html> {
            self.pieces.iter().enumerate().filter(|(_, (l, _))| *l == layer).map(|(k, (_, m))| piece(k, m)).collect()
        };
        html! {
            <>
                { for in_layer("") }
                { for self.layers.iter().map(|&layer| html! { <g class={layer}>{ for in_layer(layer) }</g> }) }
            </>
        }
    }

    /// A player's drawing, always in one piece.
    #[cfg(not(feature = "full"))]
    fn html(&self, _drawn: usize) -> Html {
        self.pieces.first().map_or_else(Html::default, |(_, markup)| Html::from_html_unchecked(markup.clone()))
    }

    /// All at once, in one piece.
    fn whole(markup: String) -> Body {
        Body { pieces: vec![("", AttrValue::from(markup))], layers: Vec::new(), frames: vec![1] }
    }

    /// A frame's worth at a time, the first frame none (it is the rest of the page's update).
    #[cfg(feature = "full")]
    fn in_pieces(pieces: Vec<seqdiag::svg::PagePiece>) -> Body {
        let mut frames = vec![0];
        let mut bytes = 0;
        for (k, piece) in pieces.iter().enumerate() {
            if k > 0 && bytes + piece.markup.len() > FRAME_BYTES {
                frames.push(k);
                bytes = 0;
            }
            bytes += piece.markup.len();
        }
        frames.push(pieces.len());
        let mut layers: Vec<&'static str> = pieces.iter().map(|p| p.layer).filter(|l| !l.is_empty()).collect();
        layers.dedup();
        let pieces = pieces.into_iter().map(|p| (p.layer, AttrValue::from(p.markup))).collect();
        Body { pieces, layers, frames }
    }
}

/// The whole diagram.
pub(super) fn svg(
    w: Drawing<'_>,
    node: NodeRef,
    onclick: Option<Callback<MouseEvent>>,
    onkeydown: Option<Callback<KeyboardEvent>>,
) -> Html {
    let d = w.diagram;
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
        <svg ref={node} class={class} data-testid={if w.compared { "diagram-compared" } else { "diagram" }} viewBox={view_box} width={width} height={height} {onclick} {onkeydown}
            role="group" aria-label={d.title.clone()} font-family={seqdiag::style::FONT}>
            <desc>{ d.desc.clone() }</desc>
            { w.body.html(w.drawn) }
        </svg>
    }
}

/// A drawn element that belongs to a playback step.
#[derive(Debug)]
struct Item {
    element: Element,
    /// The step it appears at.
    step: usize,
    /// The step it ends at, for what lasts: a segment in flight, a running timer.
    end: Option<usize>,
    /// The segment it draws (an arrow or its label).
    segment: Option<usize>,
    /// The classes set now.
    shown: u8,
}

const FUTURE: u8 = 1;
const INFLIGHT: u8 = 2;
const CURRENT: u8 = 4;
const RUNNING: u8 = 8;
const SELECTED: u8 = 16;
const CLASSES: [(u8, &str); 5] =
    [(FUTURE, "future"), (INFLIGHT, "inflight"), (CURRENT, "current"), (RUNNING, "running"), (SELECTED, "selected")];

impl Item {
    /// The classes it has at step `now` with `selected` open.
    fn classes(&self, now: usize, selected: Option<usize>) -> u8 {
        let mut c = 0;
        if self.step > now {
            c |= FUTURE;
        }
        match (self.end, self.segment) {
            // An arrow.
            (Some(end), Some(segment)) => {
                if self.step <= now && now < end {
                    c |= INFLIGHT;
                }
                if self.step == now || end == now {
                    c |= CURRENT;
                }
                if selected == Some(segment) {
                    c |= SELECTED;
                }
            }
            // A timer.
            (Some(end), None) if self.step <= now && now < end => c |= RUNNING,
            _ => {}
        }
        c
    }
}

/// The playback state shown on a drawing: the elements that belong to steps, and their classes.
#[derive(Debug, Default)]
pub(super) struct Playback {
    /// The drawing the items were found in: its layout's id and how it was drawn.
    drawing: Option<DrawingKey>,
    items: Vec<Item>,
}

/// Which drawing is shown: the layout's identity (`Shared::id`), how the page drew it, and how
/// many of its pieces are in yet.
pub(super) type DrawingKey = (usize, PageDrawing, usize);

impl Playback {
    /// Shows step `now` (and the segment `selected`) on `drawing`, drawn inside `svg`: finds its
    /// items again if the drawing is new, then changes the classes that differ.
    pub(super) fn show(&mut self, svg: &Element, drawing: DrawingKey, now: usize, selected: Option<usize>) {
        // A new drawing, or the same one drawn again into new elements.
        let stale = self.items.first().is_none_or(|item| !svg.contains(Some(&item.element)));
        if self.drawing != Some(drawing) || stale {
            self.drawing = Some(drawing);
            self.items = items(svg);
        }
        for item in &mut self.items {
            let want = item.classes(now, selected);
            if want == item.shown {
                continue;
            }
            let list = item.element.class_list();
            for (bit, name) in CLASSES {
                if (want ^ item.shown) & bit != 0 {
                    let _ = list.toggle_with_force(name, want & bit != 0);
                }
            }
            item.shown = want;
        }
    }
}

/// The elements of the drawing inside `svg` that belong to a step.
fn items(svg: &Element) -> Vec<Item> {
    let Ok(found) = svg.query_selector_all("[data-step]") else { return Vec::new() };
    let number = |e: &Element, name: &str| e.get_attribute(name).and_then(|v| v.parse().ok());
    (0..found.length())
        .filter_map(|k| found.item(k)?.dyn_into::<Element>().ok())
        .filter_map(|element| {
            let step = number(&element, "data-step")?;
            let (end, segment) = (number(&element, "data-end"), number(&element, "data-segment"));
            Some(Item { element, step, end, segment, shown: 0 })
        })
        .collect()
}
