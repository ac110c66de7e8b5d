//! The synack web app: a TCP handshake visualizer.
//!
//! `boot.js` loads the module and calls [`run`], which mounts [`App`] into `<body>`. The data's
//! path: [`experiment::Experiment`] → scenario → `tcp_sim::simulate` → trace → `seqdiag::layout`
//! → components. [`state`] holds it all and re-runs it on every change.

pub mod components;
pub mod experiment;
pub mod i18n;
pub mod permalink;
pub mod state;

use components::controls::Controls;
use components::diagram::SequenceDiagram;
use components::exchange::Exchange;
use components::export::Export;
use components::inspector::Inspector;
use components::narration_panel::NarrationPanel;
use components::playback::Playback;
use components::state_machine::StateMachine;
use experiment::{Experiment, SettingError};
use seqdiag::Lang;
use state::{Action, AppState, SPEEDS};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use yew::prelude::*;

/// Props of [`App`]: where it starts.
#[derive(Properties, PartialEq, Default, Debug)]
pub struct AppProps {
    /// The experiment shown first.
    #[prop_or_default]
    pub experiment: Experiment,
    /// Language.
    #[prop_or_default]
    pub lang: Lang,
}

/// Steps forward while playing, at the chosen speed.
#[hook]
fn use_playback(state: &UseReducerHandle<AppState>) {
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

/// Space plays or pauses, arrows step, Home/End jump, Escape closes the inspector; not while
/// typing in a field.
#[hook]
fn use_keyboard(state: &UseReducerHandle<AppState>) {
    let dispatcher = state.dispatcher();
    let last = state.last_step();
    use_effect_with(last, move |&last| {
        let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"));
            if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let action = match e.key().as_str() {
                " " => Action::TogglePlay,
                "ArrowRight" => Action::StepForward,
                "ArrowLeft" => Action::StepBack,
                "Home" => Action::Seek(0),
                "End" => Action::Seek(last),
                "Escape" => Action::Select(None),
                _ => return,
            };
            e.prevent_default();
            dispatcher.dispatch(action);
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
        }
    });
}

/// Keeps the URL fragment in step with the experiment, so the address bar is always a permalink
/// to what is on screen (`replaceState`: stepping does not flood the history), and opens the
/// experiment of a link that changes only the fragment (`hashchange`).
#[hook]
fn use_permalink(state: &UseReducerHandle<AppState>) {
    let dispatcher = state.dispatcher();
    use_effect_with((), move |()| {
        let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            dispatcher.dispatch(Action::Open(permalink::decode(&hash)));
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref());
            }
        }
    });
    let fragment = format!("#{}", permalink::encode(&state.experiment, &state.view()));
    use_effect_with(fragment, |fragment| {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let current = location.hash().unwrap_or_default();
        let changed = current != *fragment && !(current.is_empty() && fragment == "#");
        if let (true, Ok(history)) = (changed, window.history()) {
            // The default experiment has no fragment at all: the page's own address.
            let url = if fragment == "#" {
                format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
            } else {
                fragment.clone()
            };
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    });
}

/// The whole page.
#[component]
pub fn App(props: &AppProps) -> Html {
    let state = {
        let (experiment, lang) = (props.experiment.clone(), props.lang);
        use_reducer(move || {
            // The URL fragment is the permalink; without one, the props say where to start.
            let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            if hash.len() > 1 {
                AppState::from_link(permalink::decode(&hash))
            } else {
                AppState::new(experiment, lang, true)
            }
        })
    };
    use_playback(&state);
    use_keyboard(&state);
    use_permalink(&state);
    let s = &*state;
    let lang = s.lang;
    let d = |a: Action| {
        let state = state.clone();
        move || state.dispatch(a.clone())
    };
    let on_select = {
        let state = state.clone();
        Callback::from(move |i: usize| state.dispatch(Action::Select(Some(i))))
    };
    let step_events = s.steps.get(s.step).map(|st| st.events.clone()).unwrap_or_default();
    let shown = s.diagram.arrows.iter().filter(|a| a.step <= s.step).count();
    let summary = use_memo((s.experiment.entry.clone(), lang), |(entry, lang)| {
        let sc = tcp_sim::catalogue::get(entry).and_then(|e| e.scenario().ok());
        sc.map(|sc| if *lang == Lang::Zh { sc.narration.zh } else { sc.narration.en }).unwrap_or_default()
    });
    // Each endpoint's state at this step, and the transitions taken in it.
    let hosts: Vec<usize> = s.diagram.lifelines.iter().filter(|l| !l.attacker).map(|l| l.host).collect();
    let mut states: Vec<Option<tcp_core::State>> = vec![None; hosts.len()];
    let mut taken = Vec::new();
    for t in s.diagram.transitions.iter().filter(|t| t.step <= s.step) {
        if let Some(i) = hosts.iter().position(|h| *h == t.host) {
            // A transition to "no connection left" is CLOSED in the RFC's diagram.
            let to = t.state.unwrap_or(tcp_core::State::Closed);
            if t.step == s.step {
                let name = s.trace.hosts[t.host].name.clone();
                taken.push((name, states[i].unwrap_or(tcp_core::State::Closed), to));
            }
            states[i] = Some(to);
        }
    }
    let endpoints: Vec<(String, Option<tcp_core::State>)> =
        hosts.iter().zip(states).map(|(h, st)| (s.trace.hosts[*h].name.clone(), st)).collect();
    let other_lang = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
    html! {
        <div class="app" lang={if lang == Lang::Zh { "zh-CN" } else { "en" }} data-testid="app">
            <header class="top">
                <h1>{ "synack" }</h1>
                <p class="tagline">{ i18n::TAGLINE.get(lang) }</p>
                <button type="button" class="lang" data-testid="lang" onclick={Callback::from({ let f = d(Action::SetLang(other_lang)); move |_: MouseEvent| f() })}>
                    { i18n::LANGUAGE.get(lang) }
                </button>
            </header>
            if let Some(error) = &s.error {
                <div class="error" role="alert" data-testid="error">
                    <span>{ error.text(lang).to_string() }</span>
                    <button type="button" onclick={Callback::from({ let f = d(Action::DismissError); move |_: MouseEvent| f() })}>{ i18n::DISMISS.get(lang) }</button>
                </div>
            }
            <div class="layout">
                <div class="stage">
                    <Controls experiment={s.experiment.clone()} lang={lang} relative={s.relative}
                        on_entry={{ let st = state.clone(); Callback::from(move |e: String| st.dispatch(Action::SelectEntry(e))) }}
                        on_update={{ let st = state.clone(); Callback::from(move |e: Experiment| st.dispatch(Action::Update(Box::new(e)))) }}
                        on_relative={{ let st = state.clone(); Callback::from(move |r: bool| st.dispatch(Action::SetRelative(r))) }}
                        on_invalid={{ let st = state.clone(); Callback::from(move |(en, zh): (String, String)| st.dispatch(Action::Report(SettingError::new(en, zh)))) }} />
                    if !s.experiment.faults.is_empty() {
                        <p class="faults" data-testid="faults">
                            { format!("{}: {}", i18n::FAULTS.get(lang), s.experiment.faults.iter().map(|f| format!("{} {} #{} {}",
                                f.from.as_deref().unwrap_or("?"), f.kind.map_or("?", |k| k.name()), f.nth, match f.action {
                                    tcp_sim::scenario::FaultAction::Drop => i18n::DROP.get(lang),
                                    tcp_sim::scenario::FaultAction::Delay => i18n::DELAY_BY.get(lang),
                                    tcp_sim::scenario::FaultAction::Duplicate => i18n::DUPLICATE.get(lang),
                                })).collect::<Vec<_>>().join(", ")) }
                            <button type="button" class="link" data-testid="clear-faults" onclick={Callback::from({ let f = d(Action::ClearFaults); move |_: MouseEvent| f() })}>{ i18n::CLEAR_FAULTS.get(lang) }</button>
                        </p>
                    }
                    <Playback lang={lang} step={s.step} last={s.last_step()} playing={s.playing} speed={s.speed}
                        on_toggle={Callback::from({ let f = d(Action::TogglePlay); move |()| f() })}
                        on_seek={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::Seek(i))) }}
                        on_speed={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::SetSpeed(i))) }} />
                    <div class="diagram-scroll">
                        <SequenceDiagram diagram={s.diagram.clone()} step={s.step} selected={s.selected} on_select={on_select.clone()} />
                    </div>
                    <Export trace={s.trace.clone()} diagram={s.diagram.clone()} experiment={s.experiment.clone()}
                        lang={lang} relative={s.relative} />
                    <p class="hint">{ i18n::KEYS.get(lang) }{ format!(" · {} {:.1} ms", i18n::RUN_TIME.get(lang), s.last_run_ms) }</p>
                </div>
                <aside class="side">
                    <NarrationPanel trace={s.trace.clone()} events={step_events} summary={(*summary).clone()}
                        at_end={s.step >= s.last_step()} lang={lang} relative={s.relative} />
                    if let Some(segment) = s.selected {
                        <Inspector trace={s.trace.clone()} segment={segment} lang={lang} relative={s.relative}
                            on_fault={{ let st = state.clone(); Callback::from(move |r| st.dispatch(Action::AddFault(r))) }}
                            on_close={Callback::from({ let f = d(Action::Select(None)); move |()| f() })} />
                    }
                    <section class="states" aria-label={i18n::STATES.get(lang)}>
                        <h2>{ i18n::STATES.get(lang) }</h2>
                        <StateMachine lang={lang} endpoints={endpoints} taken={taken} />
                    </section>
                    <Exchange trace={s.trace.clone()} shown={shown} relative={s.relative} lang={lang} on_select={on_select} />
                </aside>
            </div>
        </div>
    }
}

/// Mounts the app into `<body>`; called once by `boot.js` after the module is initialised.
#[wasm_bindgen]
pub fn run() {
    yew::Renderer::<App>::new().render();
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
