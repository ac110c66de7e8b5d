//! The app's hooks: what it does beside drawing (the playback timer, keys, the address bar, an
//! embed telling its host page how tall it is).

use crate::permalink;
use crate::state::{Action, AppState, SPEEDS};
use crate::view::Mode;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Steps forward while playing, at the chosen speed.
#[hook]
pub fn use_playback(state: &UseReducerHandle<AppState>) {
    let (playing, speed) = (state.playing, state.speed);
    let dispatcher = state.dispatcher();
    use_effect_with((playing, speed), move |&(playing, speed)| {
        let interval = playing.then(|| {
            let ms = (1000.0 / SPEEDS[speed.min(SPEEDS.len() - 1)]) as u32;
            gloo_timers::callback::Interval::new(ms, move || dispatcher.dispatch(Action::Tick))
        });
        move || drop(interval)
    });
}

/// Adds `handler` for `event` on `target` and returns what removes it again.
fn listen<E: 'static + ?Sized>(
    target: Option<web_sys::EventTarget>,
    event: &'static str,
    handler: Closure<E>,
) -> impl FnOnce() {
    listen_phase(target, event, handler, false)
}

/// [`listen`], in the capture phase when `capture` (which also sees events that do not bubble,
/// such as `scroll` in any scroll box below `target`).
fn listen_phase<E: 'static + ?Sized>(
    target: Option<web_sys::EventTarget>,
    event: &'static str,
    handler: Closure<E>,
    capture: bool,
) -> impl FnOnce() {
    let f: &js_sys::Function = handler.as_ref().unchecked_ref();
    if let Some(t) = &target {
        let _ = t.add_event_listener_with_callback_and_bool(event, f, capture);
    }
    move || {
        if let Some(t) = target {
            let _ = t.remove_event_listener_with_callback_and_bool(event, handler.as_ref().unchecked_ref(), capture);
        }
    }
}

/// Space plays or pauses, arrows step, Home/End jump, Escape closes the inspector; not while
/// typing in a field. The page listens on the window; an embed only on its own element, so
/// several embeds on one page each answer their own keys.
#[hook]
pub fn use_keyboard(state: &UseReducerHandle<AppState>, scope: Option<NodeRef>) {
    let dispatcher = state.dispatcher();
    let (first, last) = (state.first_step(), state.last_step());
    use_effect_with((first, last), move |&(first, last)| {
        let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            // Keys typed into a field, or pressed on a control (a segment of the diagram is one).
            let typing = target.is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")
                    || el.get_attribute("role").as_deref() == Some("button")
            });
            if e.ctrl_key() || e.meta_key() || e.alt_key() || (typing && e.key() != "Escape") {
                return;
            }
            let action = match e.key().as_str() {
                " " => Action::TogglePlay,
                "ArrowRight" => Action::StepForward,
                "ArrowLeft" => Action::StepBack,
                "Home" => Action::Seek(first),
                "End" => Action::Seek(last),
                "Escape" => Action::Select(None),
                _ => return,
            };
            e.prevent_default();
            dispatcher.dispatch(action);
        });
        let target: Option<web_sys::EventTarget> = match &scope {
            Some(node) => node.get().map(Into::into),
            None => web_sys::window().map(Into::into),
        };
        listen(target, "keydown", handler)
    });
}

/// The page's URL fragment, if it has one.
pub fn location_hash() -> Option<String> {
    web_sys::window().and_then(|w| w.location().hash().ok()).filter(|h| h.len() > 1)
}

/// Which experiment a state shows, as far as the history is concerned: another entry (or
/// another scenario of the reader's) is a new page to go back from; a setting is not.
fn history_key(state: &AppState) -> (String, usize) {
    let custom = state.experiment.custom.as_ref().map_or(0, |c| std::rc::Rc::as_ptr(c) as usize);
    (state.experiment.entry.clone(), custom)
}

/// Opens the experiment of a link that changes only the fragment (`hashchange`, the back
/// button) and, on the full page, keeps the fragment in step with the experiment so that the
/// address bar is always a permalink to what is on screen. Another experiment is a new history
/// entry (Back returns to the one before); settings, faults and steps replace the current one,
/// so they do not flood the history. An element embed (its link given as a prop) does neither.
#[hook]
pub fn use_permalink(state: &UseReducerHandle<AppState>, mode: Mode, enabled: bool) {
    let dispatcher = state.dispatcher();
    // The address as the app last saw it: read at start, written by it, or followed by the
    // reader. Another address found when writing is a link followed meanwhile (its `hashchange`
    // is on its way): that wins, and nothing is written over it.
    let known = use_mut_ref(|| location_hash().unwrap_or_default());
    let followed = known.clone();
    use_effect_with(enabled, move |&enabled| {
        let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            let link = location_hash().unwrap_or_default();
            followed.replace(link.clone());
            dispatcher.dispatch(Action::Open(Box::new(permalink::decode(&link)), mode));
        });
        listen(web_sys::window().filter(|_| enabled).map(Into::into), "hashchange", handler)
    });
    let written = use_mut_ref(|| history_key(state));
    // A custom scenario too large for a link leaves the address as it was.
    let fragment = (mode == Mode::Page && enabled)
        .then(|| permalink::encode(&state.experiment, &state.view()).ok())
        .flatten()
        .map(|f| format!("#{f}"));
    let key = history_key(state);
    use_effect_with(fragment, move |fragment| {
        // In a task of its own, after this change is drawn: writing the address is slow enough
        // to matter within a frame, and a burst of changes then writes it once.
        // The address this change was drawn over: a link followed before the task runs (the
        // address, or `known` if its `hashchange` has come meanwhile) is newer, and wins.
        let fragment = fragment.clone();
        let drawn_over = known.borrow().clone();
        let update = gloo_timers::callback::Timeout::new(0, move || {
            let (Some(fragment), Some(window)) = (fragment, web_sys::window()) else { return };
            let location = window.location();
            let current = location_hash().unwrap_or_default();
            if current != drawn_over || *known.borrow() != drawn_over {
                return;
            }
            let changed = current != fragment && !(current.is_empty() && fragment == "#");
            let Ok(history) = window.history() else { return };
            if !changed {
                *written.borrow_mut() = key;
                return;
            }
            // The default experiment has no fragment at all: the page's own address.
            let url = if fragment == "#" {
                format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
            } else {
                fragment
            };
            let new_page = *written.borrow() != key;
            let null = wasm_bindgen::JsValue::NULL;
            let _ = if new_page {
                history.push_state_with_url(&null, "", Some(&url))
            } else {
                history.replace_state_with_url(&null, "", Some(&url))
            };
            known.replace(location_hash().unwrap_or_default());
            *written.borrow_mut() = key;
        });
        move || drop(update)
    });
}

/// The message an embed in an iframe posts to its host page whenever its natural height
/// changes: `{ synack: "height", height: <CSS pixels> }`. `embed.js` (or the host's own
/// one-line listener) sets the frame's height to it. A host may ask again with
/// `{ synack: "measure" }`.
fn post_height(app: &web_sys::Element, last: &std::cell::Cell<i32>) {
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    let height = app.scroll_height().max(app.get_bounding_client_rect().height().ceil() as i32);
    if height == last.get() || height <= 0 {
        return;
    }
    last.set(height);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"synack".into(), &"height".into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    let _ = parent.post_message(&message, "*");
}

/// What keeps an iframe embed's height reported: the last height sent, a `ResizeObserver` on the
/// app's box, and a listener for the host's `{ synack: "measure" }`. Installed once, it lives as
/// long as the embed's page.
struct HeightReporter {
    last: std::rc::Rc<std::cell::Cell<i32>>,
    _observer: Option<(web_sys::ResizeObserver, Closure<dyn Fn()>)>,
    _asked: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl HeightReporter {
    fn new(app: &web_sys::Element) -> HeightReporter {
        let last = std::rc::Rc::new(std::cell::Cell::new(0));
        let (target, seen) = (app.clone(), last.clone());
        let on_resize = Closure::<dyn Fn()>::new(move || post_height(&target, &seen));
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok().map(|o| {
            o.observe(app);
            (o, on_resize)
        });
        let (target, seen) = (app.clone(), last.clone());
        let asked = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let asks = js_sys::Reflect::get(&e.data(), &"synack".into()).ok().and_then(|v| v.as_string());
            if asks.as_deref() == Some("measure") {
                seen.set(0);
                post_height(&target, &seen);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("message", asked.as_ref().unchecked_ref());
        }
        HeightReporter { last, _observer: observer, _asked: asked }
    }
}

/// In an iframe (`embed.html`), tells the host page the embed's natural height: after every
/// render, whenever the app's box changes size (a font arriving, a narrower frame), and when
/// the host asks. Does nothing at the top level or in an element embed.
#[hook]
pub fn use_report_height(root: &NodeRef, enabled: bool) {
    let reporter = use_mut_ref(|| None::<HeightReporter>);
    let root = root.clone();
    use_effect(move || {
        let in_frame = web_sys::window().is_some_and(|w| w.parent().ok().flatten().is_some_and(|p| p != w));
        if let Some(app) = root.cast::<web_sys::Element>().filter(|_| enabled && in_frame) {
            let mut reporter = reporter.borrow_mut();
            let last = reporter.get_or_insert_with(|| HeightReporter::new(&app)).last.clone();
            post_height(&app, &last);
        }
    });
}

/// The app (`.app`) an element belongs to.
fn app_of(inside: &web_sys::Element) -> Option<web_sys::Element> {
    inside.closest(".app").ok()?
}

/// The segment button `segment` of the diagram in `app`.
fn segment_button(app: &web_sys::Element, segment: usize) -> Option<web_sys::Element> {
    app.query_selector(&format!("g[data-segment=\"{segment}\"][role=\"button\"]")).ok()?
}

/// The element that has the focus in `node`'s document or shadow root (a shadow root's host is
/// what its document reports).
fn focused_in(node: &web_sys::Element) -> Option<web_sys::Element> {
    let root = node.get_root_node();
    js_sys::Reflect::get(&root, &"activeElement".into()).ok()?.dyn_into().ok()
}

/// `{ block: "nearest", inline: "nearest" }`: the least scrolling that shows an element, in
/// every scroll box and (through an iframe) the host page.
fn nearest() -> web_sys::ScrollIntoViewOptions {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
    options
}

/// Sets CSS pixel property `name` on `el` (through the CSSOM, which a strict CSP allows).
fn set_px(el: &web_sys::HtmlElement, name: &str, value: f64) {
    let _ = el.style().set_property(name, &format!("{}px", value.round() as i64));
}

/// Puts the inspector beside its segment: `--seg-top` and `--seg-bottom` (the segment's edges,
/// relative to the inspector's containing block) let the CSS place it below the segment on a
/// narrow screen and level with it beside the diagram on a wide one. With `scroll`, then
/// scrolls as little as shows both the segment and the inspector's Drop/Delay/Duplicate row,
/// through `anchor`, an invisible box spanning the two.
fn place_inspector(section: &web_sys::HtmlElement, anchor: &web_sys::HtmlElement, segment: usize, scroll: bool) {
    let seg = app_of(section).and_then(|app| segment_button(&app, segment));
    // The containing block: the page's .layout, or an embed's .app.
    let (Some(block), Some(seg)) = (section.offset_parent(), seg) else { return };
    if scroll {
        seg.scroll_into_view_with_scroll_into_view_options(&nearest());
    }
    let r = seg.get_bounding_client_rect();
    if r.width() == 0.0 && r.height() == 0.0 {
        return; // Not drawn at this step.
    }
    let origin = block.get_bounding_client_rect().top();
    set_px(section, "--seg-top", r.top() - origin);
    set_px(section, "--seg-bottom", r.bottom() - origin);
    let actions = section.query_selector(".insp-faults").ok().flatten().map(|f| f.get_bounding_client_rect());
    let (top, bottom) = match actions {
        Some(a) => (r.top().min(a.top()), r.bottom().max(a.bottom())),
        None => (r.top(), r.bottom()),
    };
    set_px(anchor, "top", top - origin);
    set_px(anchor, "height", bottom - top);
    if scroll {
        anchor.scroll_into_view_with_scroll_into_view_options(&nearest());
    }
}

/// Focuses `el` without scrolling (the inspector scrolls itself into place).
fn focus_quietly(el: &web_sys::HtmlElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = el.focus_with_options(&options);
}

/// The inspector opens where the reader is: beside the segment it shows, scrolled just enough
/// to see both, with the focus inside it, and it follows the segment when the window is resized
/// or the diagram's box scrolls. Tapping outside it (anywhere that is not a control) closes it.
/// `section` and `anchor` are the inspector's own elements, `version` changes when the diagram
/// is drawn anew (a fault applied), which moves the segment.
#[hook]
pub fn use_inspector_place(
    section: &NodeRef,
    anchor: &NodeRef,
    segment: usize,
    version: usize,
    on_close: Callback<()>,
) {
    let (section, anchor) = (section.clone(), anchor.clone());
    use_effect_with((segment, version), move |&(segment, _)| {
        let parts = section.cast::<web_sys::HtmlElement>().zip(anchor.cast::<web_sys::HtmlElement>());
        let listeners = parts.map(|(section, anchor)| {
            place_inspector(&section, &anchor, segment, true);
            if !focused_in(&section).is_some_and(|f| section.contains(Some(&f))) {
                focus_quietly(&section);
            }
            let follow = || {
                let (s, a) = (section.clone(), anchor.clone());
                Closure::<dyn Fn()>::new(move || place_inspector(&s, &a, segment, false))
            };
            let diagram = app_of(&section).and_then(|app| app.query_selector(".diagram-scroll").ok().flatten());
            let root_node: web_sys::EventTarget = anchor.get_root_node().into();
            let (on_resize, on_scroll) = (follow(), follow());
            let on_click = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let outside = target.is_some_and(|t| {
                    t.is_connected()
                        && !section.contains(Some(&t))
                        && t.closest("button, a, input, select, textarea, label, summary, [role=button]")
                            .ok()
                            .flatten()
                            .is_none()
                });
                if outside {
                    close_inspector(&section, segment, &on_close);
                }
            });
            (
                listen(web_sys::window().map(Into::into), "resize", on_resize),
                listen_phase(diagram.map(Into::into), "scroll", on_scroll, true),
                listen(Some(root_node), "click", on_click),
            )
        });
        move || {
            if let Some((resize, scroll, click)) = listeners {
                resize();
                scroll();
                click();
            }
        }
    });
}

/// Closes the inspector (`section`, showing `segment`) with `on_close`, the focus going back to
/// the segment first if the inspector had it (or nothing has it): every way of closing it (its
/// button, Escape, a tap outside) ends where the reader started.
pub fn close_inspector(section: &web_sys::Element, segment: usize, on_close: &Callback<()>) {
    if let Some(app) = app_of(section) {
        let focus = focused_in(&app);
        let had = focus.is_none_or(|f| f.tag_name() == "BODY" || f == app || section.contains(Some(&f)));
        let seg = segment_button(&app, segment).filter(|_| had);
        if let Some(seg) = seg.as_ref().and_then(|s| s.dyn_ref::<web_sys::SvgElement>()) {
            let _ = seg.focus();
        }
    }
    on_close.emit(());
}
