//! The sequence diagram in its box: laid out for the box's width class, zoomable and pannable,
//! following playback.
//!
//! - **Width.** A `ResizeObserver` measures the box (`.diagram-scroll`, a CSS size container)
//!   and reports its [`WidthClass`] through `on_width`; the app lays the trace out again for it
//!   (it does not simulate again). The `<svg>` then scales to the box by CSS, never above its
//!   own size: see `seqdiag::width` for the classes and why text stays at least 11 px.
//! - **Zoom and pan.** The buttons above the box, `+`/`-`/`0` in the box, Ctrl+wheel (a
//!   trackpad's pinch) and a two-finger pinch zoom from fit to 4×; a zoomed diagram pans by
//!   dragging it (mouse), by touch and wheel (native scrolling) and by arrow keys in the box.
//! - **Following playback.** At each step the box scrolls (smoothly unless the reader asked for
//!   reduced motion) so that the step's arrows and state changes are in view, within the part of
//!   the box the window shows. Only the box scrolls, except when the box itself is off screen on
//!   the page or in an iframe embed: then the window moves just enough.
//! - **Headers.** Once the lifelines' headers have scrolled away, a copy stays at the top of the
//!   box.

mod draw;

use crate::components::playback::{ICON_ZOOM_FIT, ICON_ZOOM_IN, ICON_ZOOM_OUT, icon};
use crate::state::Shared;
use bilingual::Lang;
use bilingual::pick;
use draw::{Drawing, Playback, px};
use seqdiag::WidthClass;
use seqdiag::diagram::Diagram;
use seqdiag::svg::PageDrawing;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Props of [`SequenceDiagram`].
#[derive(Properties, PartialEq, Debug)]
pub struct SequenceDiagramProps {
    /// The geometry, laid out for `width`.
    pub diagram: Shared<Diagram>,
    /// The width class `diagram` was laid out for.
    pub width: WidthClass,
    /// The box's width class is not `width` any more.
    pub on_width: Callback<WidthClass>,
    /// Current playback step: later items are hidden.
    pub step: usize,
    /// The segment open in the inspector.
    pub selected: Option<usize>,
    /// A segment was chosen.
    pub on_select: Callback<usize>,
    /// Segments are buttons that open the inspector (not in an embed without it).
    #[prop_or(true)]
    pub selectable: bool,
    /// Draw only down to the step after this one (an embed locked to a range of steps).
    #[prop_or_default]
    pub crop_after: Option<usize>,
    /// Draw only down to this y (an exercise hides the time axis from its question on).
    #[prop_or_default]
    pub crop_at: Option<f32>,
    /// Language of the zoom buttons.
    #[prop_or_default]
    pub lang: Lang,
    /// Following playback may scroll the window a little (the page, an iframe embed), not only
    /// the box (an element embed, inside someone else's page).
    #[prop_or(true)]
    pub scroll_window: bool,
    /// Where two compared runs part, marked on this diagram (full module).
    #[prop_or_default]
    pub mark: Option<Mark>,
    /// The other run of a comparison: the page's diagram is the first (its box is `#diagram`).
    #[prop_or_default]
    pub compared: bool,
}

/// Where two compared runs part, in one diagram (a player never compares).
#[cfg(feature = "full")]
pub type Mark = seqdiag::pair::Mark;
/// Where two compared runs part, in one diagram (a player never compares).
#[cfg(not(feature = "full"))]
pub type Mark = ();

/// From this many segments on, only the rows near the view are drawn: a few thousand arrows
/// (what the work budget allows) would take the page seconds to build and lay out.
const DRAW_NEAR_VIEW_FROM: usize = 300;
/// The rows drawn for a big diagram: the block of this height (diagram units) that holds the
/// view's top, the one above it and the two below it.
const ROW_BLOCK: f32 = 600.0;

/// The block of rows that holds `y`.
fn block_of(y: f32) -> i32 {
    (y.max(0.0) / ROW_BLOCK) as i32
}

/// The rows drawn when the view's top is in `block`: from the block above to three below.
fn rows_around(block: i32) -> (f32, f32) {
    ((block - 1) as f32 * ROW_BLOCK, (block + 3) as f32 * ROW_BLOCK)
}

/// Zoom limits and step.
const MAX_ZOOM: f32 = 4.0;
const ZOOM_STEP: f32 = 1.25;

/// How many pieces of `drawing` are drawn, given how many go in by the end of each frame
/// (`frames`; a big drawing's first frame has none): those of the first frame at once, each next
/// frame's in the idle time after the frame that drew the ones before, since a big drawing at
/// once is more than the browser parses and lays out in one frame (BENCHMARKS.md, the hostile
/// files). Full module only.
#[cfg(feature = "full")]
#[hook]
fn use_pieces_later(drawing: (usize, PageDrawing), frames: &[usize]) -> usize {
    let frame_for = use_state(|| None::<((usize, PageDrawing), usize)>);
    // The drawing shown now: a wait begun for another one ends doing nothing.
    let latest = use_mut_ref(|| drawing);
    *latest.borrow_mut() = drawing;
    let frame = frame_for.filter(|(key, _)| *key == drawing).map_or(0, |(_, frame)| frame);
    let drawn = frames.get(frame).or(frames.last()).copied().unwrap_or_default();
    {
        let (frame_for, more) = (frame_for.clone(), frame + 1 < frames.len());
        use_effect_with((drawing, frame), move |&(drawing, frame)| {
            if more {
                wasm_bindgen_futures::spawn_local(async move {
                    // The next frame lays out what went in; the next pieces go in once it is
                    // drawn, while the browser is idle, so that the frame after holds only their
                    // style, layout and paint (not Yew's update and the markup's parsing too).
                    after_frame().await;
                    crate::slices::wait_for_idle().await;
                    if *latest.borrow() == drawing {
                        frame_for.set(Some((drawing, frame + 1)));
                    }
                });
            }
        });
    }
    drawn
}

/// Scrolls `el` to its end in the next animation frame's callbacks, before that frame is
/// painted, if `still` says so then: reading the height at once would lay the page out in this
/// task (6 ms of a 20 ms task when a big file's diagram goes in), and the frame lays it out
/// anyway (full module).
#[cfg(feature = "full")]
fn scroll_to_end(el: HtmlElement, still: impl FnOnce() -> bool + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        after_frame().await;
        if still() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

/// Scrolls `el` to its end at once: a player draws only the catalogue's small diagrams, and
/// waiting for the frame would cost its first download 1,330 bytes (gzip).
#[cfg(not(feature = "full"))]
fn scroll_to_end(el: HtmlElement, _still: impl FnOnce() -> bool) {
    el.set_scroll_top(el.scroll_height());
}

/// Resolves in the next animation frame's callbacks, before that frame is painted.
#[cfg(feature = "full")]
async fn after_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let asked = web_sys::window().is_some_and(|w| w.request_animation_frame(&resolve).is_ok());
        if !asked {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
}

/// Whether the reader asked for reduced motion.
fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The segment whose arrow group an event came from (a button only).
fn chosen(target: Option<web_sys::EventTarget>) -> Option<usize> {
    let element = target?.dyn_into::<Element>().ok()?;
    element.closest("g[data-segment][role=button]").ok()??.get_attribute("data-segment")?.parse().ok()
}

/// The diagram.
#[component]
pub fn SequenceDiagram(props: &SequenceDiagramProps) -> Html {
    let d = &props.diagram;
    let scroller = use_node_ref();
    let heads = use_node_ref();
    let zoom = use_state(|| 1.0f32);
    // Where to hold the view still when the zoom changes: a point of the diagram and where it was
    // in the box.
    let anchor = use_mut_ref(|| None::<Anchor>);
    use_width_observer(&heads, props.width, props.on_width.clone());
    use_pointer_zoom(&scroller, zoom.clone(), anchor.clone());

    let height = props.crop_after.and_then(|s| d.steps.get(s + 1)).map_or(d.height, |m| m.y.min(d.height));
    let height = props.crop_at.map_or(height, |y| height.min(y.max(0.0)));
    // A big diagram draws the rows near the view: those around the block the view's top is in,
    // set as the box scrolls (of this diagram); before it has, where the view will be: the
    // current step's block, or at the end, the block of the box's top once it shows the bottom
    // (worked out once per diagram, so that the jump there draws nothing anew).
    let near_view = d.arrows.len() >= DRAW_NEAR_VIEW_FROM;
    let view_block = use_state(|| None::<(usize, i32)>);
    #[cfg(feature = "full")]
    let end_block = use_end_block(&scroller, d, *zoom, height, near_view);
    // A player draws no diagram near its view (see `use_pieces_later`).
    #[cfg(not(feature = "full"))]
    let end_block = 0;
    let rows = near_view.then(|| {
        let at_end = props.step + 1 >= d.steps.len();
        let block = view_block.filter(|(id, _)| *id == d.id()).map_or_else(
            || if at_end { end_block } else { block_of(d.steps.get(props.step).map_or(0.0, |s| s.y)) },
            |(_, block)| block,
        );
        rows_around(block)
    });
    // The drawing, made once per layout (and per block of rows drawn); a step only changes
    // classes on it.
    // The key says which drawing it is: effects compare it, not the drawing's ~100 KB of text.
    let drawing = (d.id(), PageDrawing { selectable: props.selectable, rows });
    let body = use_memo((drawing, props.mark), |((_, page), mark)| draw::body(d, *page, mark.as_ref(), near_view));
    let heads_body = use_memo(d.id(), |_| AttrValue::from(seqdiag::svg::page_heads(d)));
    #[cfg(feature = "full")]
    let drawn = use_pieces_later(drawing, &body.frames);
    // A player draws the catalogue's diagrams (52 segments at most), far below
    // `DRAW_NEAR_VIEW_FROM`: in one piece, at once.
    #[cfg(not(feature = "full"))]
    let drawn = body.frames.last().copied().unwrap_or_default();
    let svg_ref = use_node_ref();
    {
        let playback = use_mut_ref(Playback::default);
        let svg_ref = svg_ref.clone();
        let shown = (drawing.0, drawing.1, drawn);
        use_effect_with((shown, props.step, props.selected), move |(shown, step, selected)| {
            if let Some(svg) = svg_ref.cast::<Element>() {
                playback.borrow_mut().show(&svg, *shown, *step, *selected);
            }
        });
    }
    // Follow playback: after a step, or a new layout, bring the step into view. A new step moves
    // smoothly and may move the window; a new layout (or the first) only jumps the box.
    {
        let (scroller, d, step, scroll_window) = (scroller.clone(), d.clone(), props.step, props.scroll_window);
        let at_end = props.crop_after.map_or(step + 1 >= d.steps.len(), |last| step >= last);
        let last_step = use_mut_ref(|| None::<(usize, usize)>);
        use_effect_with((props.step, d.id()), move |_| {
            // A step of the same diagram (a new diagram's last step is no step: it jumps).
            let now = (d.id(), step);
            let stepped = last_step.borrow_mut().replace(now).is_some_and(|(id, before)| id == now.0 && before != step);
            if let Some(el) = scroller.cast::<HtmlElement>() {
                if at_end && !stepped {
                    // Everything drawn, as a page opens: the end of the exchange, where its last
                    // state changes are (the first frame, boot.js, shows the same).
                    scroll_to_end(el, move || *last_step.borrow() == Some(now));
                } else {
                    follow(&el, &d, step, scroll_window && stepped, stepped && !reduced_motion());
                }
            }
        });
    }
    // Hold the anchor still once the new zoom is drawn.
    {
        let (scroller, anchor, width) = (scroller.clone(), anchor.clone(), d.width);
        use_effect_with(*zoom, move |_| {
            if let (Some(el), Some(a)) = (scroller.cast::<HtmlElement>(), anchor.borrow_mut().take()) {
                a.restore(&el, width);
            }
        });
    }

    let set_zoom = {
        let (zoom, anchor, scroller) = (zoom.clone(), anchor.clone(), scroller.clone());
        Callback::from(move |to: f32| {
            let to = to.clamp(1.0, MAX_ZOOM);
            if let Some(el) = scroller.cast::<HtmlElement>() {
                *anchor.borrow_mut() = Anchor::at_centre(&el);
            }
            zoom.set(to);
        })
    };
    let (onclick, onkeydown) = segment_handlers(props.selectable, &props.on_select);
    let on_box_key = box_keys(set_zoom.clone(), *zoom);
    let on_scroll = on_scroll(d, &heads, rows, height, view_block);
    let lang = props.lang;
    let z = *zoom;
    let zoom_button = |path: &'static str, title: &'static str, to: f32, enabled: bool, testid: &'static str| {
        let set_zoom = set_zoom.clone();
        html! {
            <button type="button" class="zoom" aria-label={title} title={title} data-testid={testid} disabled={!enabled}
                onclick={Callback::from(move |_: MouseEvent| set_zoom.emit(to))}>{ icon(path) }</button>
        }
    };
    let head_h = d.lifelines.iter().map(|l| l.head.bottom()).fold(0.0, f32::max) + 4.0;
    let (heads_w, heads_h) = draw::size(d.width, head_h, z);
    let zoomed = if z > 1.0 { " zoomed" } else { "" };
    html! {
        <div class="diagram" data-width={props.width.name()}>
            <div class="diagram-tools" role="toolbar" aria-label={pick(lang, "Zoom", "缩放")}>
                { zoom_button(ICON_ZOOM_OUT, pick(lang, "Zoom out", "缩小"), z / ZOOM_STEP, z > 1.0, "zoom-out") }
                { zoom_button(ICON_ZOOM_FIT, pick(lang, "Fit to width", "适应宽度"), 1.0, z > 1.0, "zoom-fit") }
                { zoom_button(ICON_ZOOM_IN, pick(lang, "Zoom in", "放大"), z * ZOOM_STEP, z < MAX_ZOOM, "zoom-in") }
            </div>
            <div class={format!("diagram-scroll{zoomed}")} id={(!props.compared).then_some("diagram")} ref={scroller}
                tabindex="0" role="region"
                aria-label={region_name(d, props.compared, lang)} onkeydown={on_box_key} onscroll={on_scroll}>
                <div class="diagram-heads" ref={heads} aria-hidden="true">
                    <svg class={format!("seqdiag{zoomed}")} viewBox={format!("0 0 {} {}", px(d.width), px(head_h))}
                        width={heads_w} height={heads_h} font-family={seqdiag::style::FONT}>
                        <rect class="bg" width={px(d.width)} height={px(head_h)} />
                        { Html::from_html_unchecked((*heads_body).clone()) }
                    </svg>
                </div>
                { draw::svg(Drawing { diagram: d, body: body.clone(), drawn, height, zoom: z, selectable: props.selectable,
                    compared: props.compared }, svg_ref, onclick, onkeydown) }
            </div>
        </div>
    }
}

/// The name of the diagram's box: the diagram's title, and for the other run of a comparison,
/// that it is (two boxes of one page are told apart by their names).
fn region_name(d: &Diagram, compared: bool, lang: Lang) -> String {
    // Only the full module compares: a player carries neither the words nor the branch.
    #[cfg(feature = "full")]
    if compared {
        return format!("{} · {}", d.title, crate::i18n::COMPARE_OTHER.get(lang));
    }
    let _ = (compared, lang);
    d.title.clone()
}

/// A click, or Enter or Space, on a segment that is a button chooses it.
fn segment_handlers(
    selectable: bool,
    on_select: &Callback<usize>,
) -> (Option<Callback<MouseEvent>>, Option<Callback<KeyboardEvent>>) {
    if !selectable {
        return (None, None);
    }
    let (on_click, on_key) = (on_select.clone(), on_select.clone());
    (
        Some(Callback::from(move |e: MouseEvent| {
            if let Some(segment) = chosen(e.target()) {
                on_click.emit(segment);
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
}

/// Keys in the box: zoom, and arrow keys pan a zoomed diagram (instead of stepping).
fn box_keys(set_zoom: Callback<f32>, z: f32) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let key = e.key();
        match key.as_str() {
            "+" | "=" => set_zoom.emit(z * ZOOM_STEP),
            "-" | "_" => set_zoom.emit(z / ZOOM_STEP),
            "0" => set_zoom.emit(1.0),
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" if z > 1.0 => {
                // Native scrolling of the box; playback does not see the key.
                e.stop_propagation();
                return;
            }
            _ => return,
        }
        e.prevent_default();
        e.stop_propagation();
    })
}

/// The box scrolled: the lifelines' heads stick once the real ones are out of view, and a big
/// diagram's rows are drawn anew when the view comes near the edge of those drawn (a scroll
/// within them, or the first jump to the end, changes nothing).
fn on_scroll(
    d: &Shared<Diagram>,
    heads: &NodeRef,
    rows: Option<(f32, f32)>,
    height: f32,
    view_block: UseStateHandle<Option<(usize, i32)>>,
) -> Callback<Event> {
    let (heads, width, id) = (heads.clone(), d.width, d.id());
    let head_bottom = d.lifelines.iter().map(|l| l.head.bottom()).fold(0.0, f32::max);
    Callback::from(move |e: Event| {
        let (Some(el), Some(h)) = (e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()), heads.cast::<Element>())
        else {
            return;
        };
        let scale = scale_of(&el, width);
        let _ = h.class_list().toggle_with_force("stuck", el.scroll_top() as f32 > head_bottom * scale);
        if let Some((top, bottom)) = rows {
            let view_top = el.scroll_top() as f32 / scale;
            let view_bottom = view_top + el.client_height() as f32 / scale;
            let near_top = top > 0.0 && view_top - ROW_BLOCK / 2.0 < top;
            let near_bottom = bottom < height && view_bottom + ROW_BLOCK / 2.0 > bottom;
            let block = block_of(view_top);
            if (near_top || near_bottom) && rows != Some(rows_around(block)) {
                view_block.set(Some((id, block)));
            }
        }
    })
}

/// Displayed pixels per diagram unit: the `<svg>`'s drawn width over the diagram's width.
fn scale_of(scroller: &HtmlElement, diagram_width: f32) -> f32 {
    let svg = scroller.query_selector("svg[data-testid=diagram]").ok().flatten();
    let drawn = svg.map_or(diagram_width, |s| s.get_bounding_client_rect().width() as f32);
    if diagram_width > 0.0 && drawn > 0.0 { drawn / diagram_width } else { 1.0 }
}

/// A point of the diagram (in its units) and where it was in the box's view (CSS px from the
/// box's top-left corner).
#[derive(Clone, Copy, Debug)]
struct Anchor {
    at: (f32, f32),
    view: (f32, f32),
}

impl Anchor {
    /// The point under `(x, y)` (client coordinates).
    fn under(scroller: &HtmlElement, x: f32, y: f32) -> Option<Anchor> {
        let svg = scroller.query_selector("svg[data-testid=diagram]").ok().flatten()?;
        let r = svg.get_bounding_client_rect();
        let b = scroller.get_bounding_client_rect();
        // Read with the app's own parser, not core's (see `tcp_sim::decimal`).
        let width = tcp_sim::decimal::parse_f64(svg.get_attribute("viewBox")?.split(' ').nth(2)?)? as f32;
        let scale = r.width() as f32 / width;
        let at = ((x - r.left() as f32) / scale, (y - r.top() as f32) / scale);
        Some(Anchor { at, view: (x - b.left() as f32, y - b.top() as f32) })
    }

    /// The point at the middle of the box's view.
    fn at_centre(scroller: &HtmlElement) -> Option<Anchor> {
        let b = scroller.get_bounding_client_rect();
        Anchor::under(scroller, (b.left() + b.width() / 2.0) as f32, (b.top() + b.height() / 2.0) as f32)
    }

    /// Scrolls the box so that the point is where it was.
    fn restore(&self, scroller: &HtmlElement, diagram_width: f32) {
        let Some(svg) = scroller.query_selector("svg[data-testid=diagram]").ok().flatten() else { return };
        let scale = scale_of(scroller, diagram_width);
        // Where the svg starts in the box's scrolled content.
        let (r, b) = (svg.get_bounding_client_rect(), scroller.get_bounding_client_rect());
        let left = r.left() - b.left() + f64::from(scroller.scroll_left());
        let top = r.top() - b.top() + f64::from(scroller.scroll_top());
        scroller.set_scroll_left((left + f64::from(self.at.0 * scale - self.view.0)) as i32);
        scroller.set_scroll_top((top + f64::from(self.at.1 * scale - self.view.1)) as i32);
    }
}

/// Reports the box's width class whenever it changes. It observes `probe`, a block of no height
/// inside the box, as wide as the box's content: laying the diagram out again changes the box's
/// height, never the probe's size, so the observer never loops.
#[hook]
fn use_width_observer(probe: &NodeRef, width: WidthClass, on_width: Callback<WidthClass>) {
    // The latest class and callback, read by the observer created once.
    let latest = use_mut_ref(|| (width, on_width.clone()));
    *latest.borrow_mut() = (width, on_width);
    let probe = probe.clone();
    use_effect_with((), move |_| {
        on_resize(probe.cast::<HtmlElement>(), move |el| {
            let class = WidthClass::for_box_width(el.get_bounding_client_rect().width() as f32);
            let (current, on_width) = latest.borrow().clone();
            if class != current {
                on_width.emit(class);
            }
        })
    });
}

/// Calls `report` with `element` each time the browser has laid it out at a new size (a
/// `ResizeObserver`); returns what stops it.
fn on_resize(element: Option<HtmlElement>, report: impl Fn(&HtmlElement) + 'static) -> impl FnOnce() {
    let report = {
        let element = element.clone();
        Closure::<dyn Fn()>::new(move || {
            if let Some(el) = &element {
                report(el);
            }
        })
    };
    let observer = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()).ok();
    if let (Some(o), Some(el)) = (&observer, &element) {
        o.observe(el);
    }
    move || {
        if let Some(o) = observer {
            o.disconnect();
        }
        drop(report);
    }
}

/// For a big diagram (`near_view`), the block of rows the box's top will be in when it shows the
/// diagram's end (`height`), worked out once per diagram, so that the jump there draws nothing
/// anew. Full module only.
#[cfg(feature = "full")]
#[hook]
fn use_end_block(scroller: &NodeRef, d: &Shared<Diagram>, z: f32, height: f32, near_view: bool) -> i32 {
    let box_size = use_box_size(scroller);
    let (scroller, d) = (scroller.clone(), d.clone());
    *use_memo(d.id(), move |_| {
        if !near_view {
            return 0;
        }
        // The box as this diagram will fill it (the one drawn now may be another's), as last
        // laid out: reading it now would lay out the page's update so far, and again later.
        let size = box_size
            .borrow()
            .or_else(|| scroller.cast::<HtmlElement>().map(|el| (el.client_width() as f32, el.client_height() as f32)));
        let view_height = size.map_or(0.0, |(width, height)| {
            let scale = if z > 1.0 { z } else { (width / d.width.max(1.0)).min(1.0) };
            height / scale.max(0.01)
        });
        block_of(height - view_height)
    })
}

/// The size of the box `scroller` (its client width and height) each time the browser has laid
/// it out anew (a `ResizeObserver`: read then, it costs no layout); none before the first time.
#[cfg(feature = "full")]
#[hook]
fn use_box_size(scroller: &NodeRef) -> Rc<RefCell<Option<(f32, f32)>>> {
    let size = use_mut_ref(|| None::<(f32, f32)>);
    let (scroller, seen) = (scroller.clone(), size.clone());
    use_effect_with((), move |_| {
        on_resize(scroller.cast::<HtmlElement>(), move |el| {
            *seen.borrow_mut() = Some((el.client_width() as f32, el.client_height() as f32));
        })
    });
    size
}

/// Ctrl+wheel and pinch zoom about the pointer; dragging a zoomed diagram with the mouse pans it.
#[hook]
fn use_pointer_zoom(scroller: &NodeRef, zoom: UseStateHandle<f32>, anchor: Rc<RefCell<Option<Anchor>>>) {
    let latest = use_mut_ref(|| *zoom);
    *latest.borrow_mut() = *zoom;
    let scroller = scroller.clone();
    use_effect_with((), move |_| {
        let Some(el) = scroller.cast::<HtmlElement>() else { return Box::new(|| ()) as Box<dyn FnOnce()> };
        let gesture = Rc::new(RefCell::new(Gesture::default()));
        let zoom_about = {
            let (el, zoom, anchor, latest) = (el.clone(), zoom.clone(), anchor.clone(), latest.clone());
            move |factor: f32, x: f32, y: f32| {
                let current = *latest.borrow();
                let to = (current * factor).clamp(1.0, MAX_ZOOM);
                if (to - current).abs() > 1e-3 {
                    *anchor.borrow_mut() = Anchor::under(&el, x, y);
                    *latest.borrow_mut() = to;
                    zoom.set(to);
                }
            }
        };
        let on_wheel = {
            let zoom_about = zoom_about.clone();
            Closure::<dyn Fn(web_sys::WheelEvent)>::new(move |e: web_sys::WheelEvent| {
                if e.ctrl_key() || e.meta_key() {
                    e.prevent_default();
                    zoom_about((-e.delta_y() as f32 * 0.002).exp(), e.client_x() as f32, e.client_y() as f32);
                }
            })
        };
        let on_pointer = {
            let (el, gesture, latest) = (el.clone(), gesture.clone(), latest.clone());
            Closure::<dyn Fn(web_sys::PointerEvent)>::new(move |e: web_sys::PointerEvent| {
                let zoomed = *latest.borrow() > 1.0;
                gesture.borrow_mut().handle(&el, &e, zoomed, &zoom_about);
            })
        };
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
            "wheel",
            on_wheel.as_ref().unchecked_ref(),
            &options,
        );
        for kind in ["pointerdown", "pointermove", "pointerup", "pointercancel"] {
            let _ = el.add_event_listener_with_callback(kind, on_pointer.as_ref().unchecked_ref());
        }
        Box::new(move || {
            let _ = el.remove_event_listener_with_callback("wheel", on_wheel.as_ref().unchecked_ref());
            for kind in ["pointerdown", "pointermove", "pointerup", "pointercancel"] {
                let _ = el.remove_event_listener_with_callback(kind, on_pointer.as_ref().unchecked_ref());
            }
        }) as Box<dyn FnOnce()>
    });
}

/// Pointers down on the box: one mouse dragging, or two fingers pinching.
#[derive(Debug, Default)]
struct Gesture {
    /// Pointer id and last client position of each pointer down.
    pointers: Vec<(i32, f32, f32)>,
    /// A mouse drag in progress.
    dragging: bool,
}

impl Gesture {
    fn handle(
        &mut self,
        el: &HtmlElement,
        e: &web_sys::PointerEvent,
        zoomed: bool,
        zoom_about: &dyn Fn(f32, f32, f32),
    ) {
        let (id, x, y) = (e.pointer_id(), e.client_x() as f32, e.client_y() as f32);
        match e.type_().as_str() {
            "pointerdown" => {
                let on_segment = chosen(e.target()).is_some();
                if e.pointer_type() == "mouse" {
                    if e.button() != 0 || !zoomed || on_segment {
                        return;
                    }
                    self.dragging = true;
                    let _ = el.set_pointer_capture(id);
                }
                self.pointers.retain(|p| p.0 != id);
                self.pointers.push((id, x, y));
            }
            "pointermove" => {
                let Some(i) = self.pointers.iter().position(|p| p.0 == id) else { return };
                let (_, px0, py0) = self.pointers[i];
                if self.dragging {
                    el.set_scroll_left(el.scroll_left() - (x - px0) as i32);
                    el.set_scroll_top(el.scroll_top() - (y - py0) as i32);
                } else if self.pointers.len() == 2 {
                    // Pinch: the distance between the fingers scales the zoom, about their middle.
                    let other = self.pointers[1 - i];
                    let before = ((px0 - other.1).powi(2) + (py0 - other.2).powi(2)).sqrt();
                    let after = ((x - other.1).powi(2) + (y - other.2).powi(2)).sqrt();
                    if before > 10.0 {
                        e.prevent_default();
                        zoom_about(after / before, (x + other.1) / 2.0, (y + other.2) / 2.0);
                    }
                }
                self.pointers[i] = (id, x, y);
            }
            _ => {
                self.pointers.retain(|p| p.0 != id);
                self.dragging = false;
            }
        }
    }
}

/// Scrolls so that step `step` of `d` is in view: the box, and, when `may_scroll_window`, the
/// window just enough to show the whole box (if the step does not already show) and whatever the
/// box cannot do alone.
fn follow(scroller: &HtmlElement, d: &Diagram, step: usize, may_scroll_window: bool, smooth: bool) {
    let Some(window) = web_sys::window() else { return };
    let Some((x0, y0, x1, y1)) = step_extent(d, step) else { return };
    let Some(svg) = scroller.query_selector("svg[data-testid=diagram]").ok().flatten() else { return };
    let r = svg.get_bounding_client_rect();
    let scale = scale_of(scroller, d.width) as f64;
    // Client coordinates of the step and of the box's inside.
    let (mut top, mut bottom) = (r.top() + f64::from(y0) * scale, r.top() + f64::from(y1) * scale);
    let (left, right) = (r.left() + f64::from(x0) * scale, r.left() + f64::from(x1) * scale);
    let b = scroller.get_bounding_client_rect();
    let view_h = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(800.0);
    let mut box_top = b.top() + f64::from(scroller.client_top());
    let box_left = b.left() + f64::from(scroller.client_left());
    let box_h = f64::from(scroller.client_height());
    let top_limit = sticky_bottom(scroller);
    let visible =
        |box_top: f64, top: f64, bottom: f64| top >= box_top.max(top_limit) && bottom <= (box_top + box_h).min(view_h);
    // First the window, so that all of the box shows, if the step does not.
    let mut window_dy = 0.0;
    if may_scroll_window && !visible(box_top, top, bottom) {
        window_dy = if box_top + box_h > view_h {
            (box_top + box_h - view_h).min(box_top - top_limit).max(0.0)
        } else if box_top < top_limit {
            box_top - top_limit
        } else {
            0.0
        };
        (box_top, top, bottom) = (box_top - window_dy, top - window_dy, bottom - window_dy);
    }
    // Then the box, within the part of it the window shows.
    let (vis_top, vis_bottom) = (box_top.max(top_limit), (box_top + box_h).min(view_h));
    let dy = shift(top, bottom, vis_top, vis_bottom);
    let dx = shift(left, right, box_left, box_left + f64::from(scroller.client_width()));
    let max_top = f64::from(scroller.scroll_height() - scroller.client_height()).max(0.0);
    let max_left = f64::from(scroller.scroll_width() - scroller.client_width()).max(0.0);
    let old_top = f64::from(scroller.scroll_top());
    let new_top = (old_top + dy).max(0.0).min(max_top);
    let new_left = (f64::from(scroller.scroll_left()) + dx).max(0.0).min(max_left);
    let behavior = if smooth { web_sys::ScrollBehavior::Smooth } else { web_sys::ScrollBehavior::Instant };
    let options = web_sys::ScrollToOptions::new();
    options.set_top(new_top);
    options.set_left(new_left);
    options.set_behavior(behavior);
    scroller.scroll_to_with_scroll_to_options(&options);
    // Last, the window again for what the box could not do. Where the step is once the box has
    // scrolled: an instant scroll is done by now and a smooth one has not begun, so the move is
    // the one asked for, not what `scroll_top` reads (challenge-ack on a phone, reduced motion:
    // its tall FIN went under the playback bar).
    let moved = new_top - old_top;
    let (top, bottom) = (top - moved, bottom - moved);
    if top < top_limit {
        window_dy += top - top_limit - 8.0;
    } else if bottom > view_h {
        window_dy += (bottom - view_h + 8.0).min(top - top_limit);
    }
    if may_scroll_window && window_dy.abs() >= 1.0 {
        let options = web_sys::ScrollToOptions::new();
        options.set_top(window_dy);
        options.set_behavior(behavior);
        window.scroll_by_with_scroll_to_options(&options);
    }
}

/// How far to scroll so that `lo..hi` shows within `view_lo..view_hi`: nothing if it does;
/// else just enough, with some room around it; centred if it fits only with less room; its start
/// first if it does not fit at all.
fn shift(lo: f64, hi: f64, view_lo: f64, view_hi: f64) -> f64 {
    let (size, view) = (hi - lo, view_hi - view_lo);
    let room = (view / 6.0).min(48.0);
    if lo >= view_lo && hi <= view_hi {
        0.0
    } else if size > view {
        lo - view_lo - room
    } else if size > view - 2.0 * room {
        lo - view_lo - (view - size) / 2.0
    } else if lo < view_lo {
        lo - view_lo - room
    } else {
        hi - view_hi + room
    }
}

/// The bottom of a bar stuck to the top of the window above the box (the page's playback bar),
/// or 0.
fn sticky_bottom(scroller: &HtmlElement) -> f64 {
    let bar = scroller.closest(".app").ok().flatten().and_then(|app| app.query_selector(".playback").ok().flatten());
    bar.map(|b| b.get_bounding_client_rect()).filter(|r| r.top() <= 1.0 && r.bottom() > 0.0).map_or(0.0, |r| r.bottom())
}

/// The box around what step `step` draws: its arrows (sent or arriving then), its state changes
/// and their names, in diagram units.
fn step_extent(d: &Diagram, step: usize) -> Option<(f32, f32, f32, f32)> {
    let mut points: Vec<(f32, f32)> = Vec::new();
    for a in d.arrows.iter().filter(|a| a.step == step || a.end_step == step) {
        points.extend([(a.from.x, a.from.y), (a.to.x, a.to.y)]);
    }
    for t in d.transitions.iter().filter(|t| t.step == step) {
        points.push((t.at.x, t.at.y));
        if let Some(l) = &t.placed {
            points.extend([(l.rect.x, l.rect.y), (l.rect.right(), l.rect.bottom())]);
        }
    }
    if points.is_empty() {
        let y = d.steps.get(step)?.y;
        points.push((0.0, y));
    }
    let fold =
        |f: fn(f32, f32) -> f32, start: f32, pick: fn(&(f32, f32)) -> f32| points.iter().map(pick).fold(start, f);
    let pad = 12.0;
    Some((
        fold(f32::min, f32::MAX, |p| p.0) - pad,
        fold(f32::min, f32::MAX, |p| p.1) - pad,
        fold(f32::max, f32::MIN, |p| p.0) + pad,
        fold(f32::max, f32::MIN, |p| p.1) + pad,
    ))
}

#[cfg(test)]
mod tests {
    use super::shift;

    #[test]
    fn a_step_is_scrolled_into_view_whole_when_it_fits() {
        // Shown already: no scroll.
        assert_eq!(shift(10.0, 20.0, 0.0, 100.0), 0.0);
        // Below, small: its end comes up, with room (100 / 6) under it.
        let room = 100.0 / 6.0;
        assert_eq!(shift(200.0, 220.0, 0.0, 100.0), 120.0 + room);
        // Above, small: its start comes down, with room above it.
        assert_eq!(shift(-50.0, -30.0, 0.0, 100.0), -50.0 - room);
        // Taller than the view less its room on both sides, but not than the view: centred,
        // both ends shown (its start with room above cut its end: 90 from 16.7 ends at 106.7).
        let dy = shift(200.0, 290.0, 0.0, 100.0);
        assert_eq!((200.0 - dy, 290.0 - dy), (5.0, 95.0));
        // Taller than the view: its start, with room above.
        assert_eq!(shift(200.0, 350.0, 0.0, 100.0), 200.0 - room);
    }
}
