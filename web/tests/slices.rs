//! The reader's own scenario simulated and laid out in slices (`synack_web::slices`), in headless
//! Chromium: it yields to the browser between slices, gives the trace `simulate` gives and the
//! diagram `layout` draws, and stops when told.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use synack_web::slices::{self, Stop};
use tcp_sim::Scenario;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// 16 hosts answering data with 1 MB: issue #10's (about 2,200 segments since each rule acts on the
/// connection that set it off; 5,000, the work budget, before).
fn mesh() -> Scenario {
    Scenario::from_json(include_str!("../../../shared/adversarial/05_mesh16_memory.json")).expect("the mesh scenario")
}

#[wasm_bindgen_test]
async fn a_big_run_yields_and_gives_the_same_trace() {
    let scenario = mesh();
    let reports = Cell::new(Vec::new());
    let stop = Cell::new(Stop::No);
    let progress = |steps: usize| {
        let mut seen = reports.take();
        seen.push(steps);
        reports.set(seen);
    };
    let trace = slices::simulate(&scenario, progress, &stop).await.expect("not stopped");
    let seen = reports.take();
    assert!(seen.len() >= 2, "a run of 2,000 segments takes more than one slice: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "the steps taken only grow: {seen:?}");
    assert_eq!(trace.to_json(), tcp_sim::simulate(&scenario).to_json(), "sliced, the same trace");
    assert!(trace.segments.len() >= 2000, "{}", trace.segments.len());
}

#[wasm_bindgen_test]
async fn a_small_run_takes_one_slice() {
    let scenario = tcp_sim::catalogue::get("handshake").and_then(|e| e.scenario().ok()).expect("the handshake");
    let slices_seen = Cell::new(0);
    let stop = Cell::new(Stop::No);
    let trace = slices::simulate(&scenario, |_| slices_seen.set(slices_seen.get() + 1), &stop).await.expect("a trace");
    assert_eq!(slices_seen.get(), 0, "done within its first slice, with no wait");
    assert_eq!(trace.to_json(), tcp_sim::simulate(&scenario).to_json());
}

#[wasm_bindgen_test]
async fn a_stopped_run_gives_nothing() {
    let scenario = mesh();
    let stop = Cell::new(Stop::No);
    // The reader cancels as soon as the first slice is reported.
    let trace = slices::simulate(&scenario, |_| stop.set(Stop::Cancelled), &stop).await;
    assert!(trace.is_none());
}

/// Whether the browser ran a task of its own (a `setTimeout` of 0) while `work` was awaited.
async fn yields<T>(work: impl std::future::Future<Output = T>) -> (T, bool) {
    use wasm_bindgen::JsCast;
    let ran = std::rc::Rc::new(Cell::new(false));
    let mark = ran.clone();
    let callback = wasm_bindgen::closure::Closure::once_into_js(move || mark.set(true));
    web_sys::window().expect("a window").set_timeout_with_callback(callback.unchecked_ref()).expect("a timeout");
    let out = work.await;
    (out, ran.get())
}

#[wasm_bindgen_test]
async fn a_big_layout_yields_and_draws_the_same_diagram() {
    let trace = tcp_sim::simulate(&mesh());
    let view = seqdiag::ViewOptions::default();
    let stop = Cell::new(Stop::No);
    let (diagram, yielded) = yields(slices::lay_out(&trace, &view, &stop)).await;
    assert!(yielded, "2,000 segments are laid out in more than one slice");
    assert!(diagram.expect("not stopped") == seqdiag::layout(&trace, &view), "sliced, the same diagram");
}

#[wasm_bindgen_test]
async fn a_stopped_layout_gives_nothing() {
    let trace = tcp_sim::simulate(&mesh());
    let stop = Cell::new(Stop::Superseded);
    assert!(slices::lay_out(&trace, &seqdiag::ViewOptions::default(), &stop).await.is_none());
}

/// The work after a slice waits for the browser to be idle: a frame that is due (an animation
/// frame asked for just before) is drawn first, and the next slice ends within the idle period,
/// at most `MAX_SLICE_MS` on. With a `setTimeout` of 0 the next slice came first, and could push that
/// frame past its vsync.
#[wasm_bindgen_test]
async fn the_next_slice_waits_for_the_frame_that_is_due() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let window = web_sys::window().expect("a window");
    let (mut frames_first, tries) = (0, 20);
    for _ in 0..tries {
        let drawn = std::rc::Rc::new(Cell::new(false));
        let mark = drawn.clone();
        let on_frame = Closure::once_into_js(move || mark.set(true));
        window.request_animation_frame(on_frame.unchecked_ref()).expect("an animation frame");
        let until = slices::wait_for_idle().await;
        let now = window.performance().expect("performance").now();
        assert!(
            until > now && until <= now + slices::MAX_SLICE_MS + 0.5,
            "the slice ends within the idle period: {until} (now {now})"
        );
        frames_first += usize::from(drawn.get());
    }
    // Not every time: a frame asked for during one of Chromium's long idle periods (nothing was
    // being drawn) may come after an idle callback of that period, which then has to end by the
    // next frame's deadline. In 10 tries, a `setTimeout` of 0 came before the frame 8 times, an
    // idle callback 2 or 3 times.
    assert!(frames_first * 2 >= tries, "the frame due was drawn before the next slice in {frames_first} of {tries}");
}

/// A finished result goes on the page in an idle period with room for it: while frames take
/// 12 ms of script each (so that the idle period after each is short), `wait_for_room` waits for
/// one with at least `ROOM_MS` left, where `wait_for_idle` takes the next, short or not.
#[wasm_bindgen_test]
async fn a_result_waits_for_an_idle_period_with_room() {
    let performance = web_sys::window().expect("a window").performance().expect("performance");
    let (mut short_idle, mut short_room, tries) = (0, 0, 16);
    for _ in 0..tries {
        // What is left of the idle period, as far as a slice goes (`MAX_SLICE_MS`, no less than
        // `ROOM_MS`); a little has passed since it was reckoned.
        heavy_frames(2);
        let until = slices::wait_for_idle().await;
        short_idle += usize::from(until - performance.now() < slices::ROOM_MS - 0.5);
        slices::wait_for_idle().await;
        heavy_frames(2);
        let until = slices::wait_for_room().await;
        short_room += usize::from(until - performance.now() < slices::ROOM_MS - 0.5);
        slices::wait_for_idle().await;
    }
    assert_eq!(short_room, 0, "every result had room ({short_idle} of {tries} single idle waits had not)");
    assert!(short_idle > 0, "the heavy frames left short idle periods: {short_idle} of {tries}");
}

/// The next `n` animation frames each run 12 ms of script.
fn heavy_frames(n: usize) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    if n == 0 {
        return;
    }
    let frame = Closure::once_into_js(move || {
        let performance = web_sys::window().expect("a window").performance().expect("performance");
        let end = performance.now() + 12.0;
        while performance.now() < end {}
        heavy_frames(n - 1);
    });
    web_sys::window().expect("a window").request_animation_frame(frame.unchecked_ref()).expect("an animation frame");
}
