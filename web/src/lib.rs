//! The synack web app: a TCP handshake visualizer.
//!
//! `boot.js` loads the module and calls [`run`], which mounts [`App`] into `<body>`. The data's
//! path: [`experiment::Experiment`] → scenario → `tcp_sim::simulate` → trace → `seqdiag::layout`
//! → components. [`state`] holds it all and re-runs it on every change.

mod app;
#[cfg(feature = "full")]
pub mod capture_file;
pub mod components;
pub mod embed;
pub mod experiment;
pub mod hooks;
pub mod i18n;
pub mod permalink;
#[cfg(feature = "full")]
pub mod slices;
pub mod state;
pub mod upgrade;
pub mod view;

pub use app::{App, AppProps};
use view::Mode;
use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app into `<body>`; called once by `boot.js` after the module is initialised.
/// `<body data-mode="embed">` (embed.html) mounts an embed.
#[wasm_bindgen]
pub fn run() {
    let embed = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-mode"))
        .is_some_and(|m| m == "embed");
    let mode = if embed { Mode::Embed } else { Mode::Page };
    yew::Renderer::<App>::with_props(AppProps { mode, ..AppProps::default() }).render();
}

/// Mounts an embed showing `link` (a permalink fragment) into `element`; called by `embed.js`
/// once per `<div data-synack="...">` on a page, each inside its own shadow root.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, link: String) {
    let props = AppProps { mode: Mode::Embed, link: Some(link), ..AppProps::default() };
    yew::Renderer::<App>::with_root_and_props(element, props).render();
}

/// For `embed.js`: checks an element embed's link (a post's ```synack block) before it is
/// mounted, so that a bad one is reported in place of that embed, in both languages, and the
/// page's other embeds go on. Only the full module (what `embed.js` loads) has it.
#[cfg(feature = "full")]
#[wasm_bindgen]
pub fn check_link(link: &str) -> Result<(), wasm_bindgen::JsValue> {
    permalink::decode(link).map(drop).map_err(|e| wasm_bindgen::JsValue::from_str(&format!("{} / {}", e.en, e.zh)))
}

/// For `cargo bench -p synack-tests --bench web`: simulates catalogue entry `entry` `runs` times
/// in this wasm module and returns the mean milliseconds per run (negative if there is no such
/// entry). The scenario is parsed once, outside the timing.
#[wasm_bindgen]
pub fn bench_simulate(entry: &str, runs: u32) -> f64 {
    let Some(scenario) = tcp_sim::catalogue::get(entry).and_then(|e| e.scenario().ok()) else { return -1.0 };
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return -1.0 };
    let started = performance.now();
    for _ in 0..runs {
        std::hint::black_box(tcp_sim::simulate(std::hint::black_box(&scenario)));
    }
    (performance.now() - started) / f64::from(runs.max(1))
}
