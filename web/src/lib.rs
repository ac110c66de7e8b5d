//! The synack web app: a TCP handshake visualizer.
//!
//! `boot.js` loads the module and calls [`run`], which mounts [`App`] into `<body>`. The data's
//! path: [`experiment::Experiment`] → scenario → `tcp_sim::simulate` → trace → `seqdiag::layout`
//! → components. [`state`] holds it all and re-runs it on every change.

pub mod components;
pub mod embed;
pub mod experiment;
pub mod i18n;
pub mod permalink;
pub mod state;

use components::controls::Controls;
use components::diagram::SequenceDiagram;
use components::embed_builder::EmbedBuilder;
use components::exchange::Exchange;
use components::export::Export;
use components::inspector::Inspector;
use components::narration_panel::NarrationPanel;
use components::playback::Playback;
use components::state_machine::StateMachine;
use embed::{Mode, Part, Ui};
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
    /// The experiment shown first (when there is no link to read).
    #[prop_or_default]
    pub experiment: Experiment,
    /// Language.
    #[prop_or_default]
    pub lang: Lang,
    /// The full page or an embed.
    #[prop_or_default]
    pub mode: Mode,
    /// The link to open (a permalink fragment); `None` reads the page's URL fragment.
    #[prop_or_default]
    pub link: Option<String>,
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
/// typing in a field. The page listens on the window; an embed only on its own element, so
/// several embeds on one page each answer their own keys.
#[hook]
fn use_keyboard(state: &UseReducerHandle<AppState>, scope: Option<NodeRef>) {
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
            if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
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
        if let Some(t) = &target {
            let _ = t.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(t) = target {
                let _ = t.remove_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
        }
    });
}

/// The page's URL fragment, if it has one.
fn location_hash() -> Option<String> {
    web_sys::window().and_then(|w| w.location().hash().ok()).filter(|h| h.len() > 1)
}

/// Whether the reader asked for reduced motion.
fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Opens the experiment of a link that changes only the fragment (`hashchange`, the back
/// button) and, on the full page, keeps the fragment in step with the experiment so that the
/// address bar is always a permalink to what is on screen (`replaceState`: stepping does not
/// flood the history). An element embed (its link given as a prop) does neither.
#[hook]
fn use_permalink(state: &UseReducerHandle<AppState>, mode: Mode, enabled: bool) {
    let dispatcher = state.dispatcher();
    use_effect_with(enabled, move |&enabled| {
        let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            dispatcher.dispatch(Action::Open(permalink::decode(&location_hash().unwrap_or_default()), mode));
        });
        let window = web_sys::window().filter(|_| enabled);
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("hashchange", handler.as_ref().unchecked_ref());
            }
        }
    });
    let fragment =
        (mode == Mode::Page && enabled).then(|| format!("#{}", permalink::encode(&state.experiment, &state.view())));
    use_effect_with(fragment, |fragment| {
        // In a task of its own, after this change is drawn: `replaceState` is slow enough to
        // matter within a frame, and a burst of changes then writes the address once.
        let fragment = fragment.clone();
        let update = gloo_timers::callback::Timeout::new(0, move || {
            let (Some(fragment), Some(window)) = (fragment, web_sys::window()) else { return };
            let location = window.location();
            let current = location.hash().unwrap_or_default();
            let changed = current != fragment && !(current.is_empty() && fragment == "#");
            if let (true, Ok(history)) = (changed, window.history()) {
                // The default experiment has no fragment at all: the page's own address.
                let url = if fragment == "#" {
                    format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
                } else {
                    fragment
                };
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        });
        move || drop(update)
    });
}

/// The whole app: the full page, or an embed showing the parts its link chose.
#[component]
pub fn App(props: &AppProps) -> Html {
    let mode = props.mode;
    let state = {
        let (experiment, lang, link) = (props.experiment.clone(), props.lang, props.link.clone());
        use_reducer(move || {
            // A link (the prop, or else the URL fragment) says where to start; without one, the props do.
            match link.or_else(location_hash) {
                Some(link) => AppState::from_link(permalink::decode(&link), mode, !reduced_motion()),
                None => AppState::new(experiment, lang, true),
            }
        })
    };
    let root = use_node_ref();
    use_playback(&state);
    use_keyboard(&state, (mode == Mode::Embed).then(|| root.clone()));
    use_permalink(&state, mode, props.link.is_none());
    let s = &*state;
    let lang = s.lang;
    let ui = match mode {
        Mode::Page => Ui::all(),
        Mode::Embed => s.ui.unwrap_or_else(Ui::embed_default),
    };
    let d = |a: Action| {
        let state = state.clone();
        move || state.dispatch(a.clone())
    };
    let on_select = {
        let state = state.clone();
        let inspect = ui.has(Part::Inspect);
        Callback::from(move |i: usize| {
            if inspect {
                state.dispatch(Action::Select(Some(i)))
            }
        })
    };
    let step_events = s.steps.get(s.step).map(|st| st.events.clone()).unwrap_or_default();
    let shown = s.diagram.arrows.iter().filter(|a| a.step <= s.step).count();
    let titles = use_memo((s.experiment.entry.clone(), s.experiment.custom.clone(), lang), |(entry, custom, lang)| {
        let sc = match custom {
            Some(custom) => Some((**custom).clone()),
            None => tcp_sim::catalogue::get(entry).and_then(|e| e.scenario().ok()),
        };
        sc.map(|sc| if *lang == Lang::Zh { (sc.title.zh, sc.narration.zh) } else { (sc.title.en, sc.narration.en) })
            .unwrap_or_default()
    });
    let (title, summary) = (&titles.0, &titles.1);
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
    let lang_button = html! {
        <button type="button" class="lang" data-testid="lang" onclick={Callback::from({ let f = d(Action::SetLang(other_lang)); move |_: MouseEvent| f() })}>
            { i18n::LANGUAGE.get(lang) }
        </button>
    };
    let error = s.error.as_ref().map(|error| html! {
        <div class="error" role="alert" data-testid="error">
            <span>{ error.text(lang).to_string() }</span>
            <button type="button" onclick={Callback::from({ let f = d(Action::DismissError); move |_: MouseEvent| f() })}>{ i18n::DISMISS.get(lang) }</button>
        </div>
    });
    let controls = ui.has(Part::Settings).then(|| html! {
        <Controls experiment={s.experiment.clone()} lang={lang} relative={s.relative}
            on_entry={{ let st = state.clone(); Callback::from(move |e: String| st.dispatch(Action::SelectEntry(e))) }}
            on_update={{ let st = state.clone(); Callback::from(move |e: Experiment| st.dispatch(Action::Update(Box::new(e)))) }}
            on_relative={{ let st = state.clone(); Callback::from(move |r: bool| st.dispatch(Action::SetRelative(r))) }}
            on_invalid={{ let st = state.clone(); Callback::from(move |(en, zh): (String, String)| st.dispatch(Action::Report(SettingError::new(en, zh)))) }}
            on_load={{ let st = state.clone(); Callback::from(move |text: String| st.dispatch(Action::LoadScenario(text))) }} />
    });
    let faults = (ui.has(Part::Inspect) && !s.experiment.faults.is_empty()).then(|| html! {
        <p class="faults" data-testid="faults">
            { format!("{}: {}", i18n::FAULTS.get(lang), s.experiment.faults.iter().map(|f| format!("{} {} #{} {}",
                f.from.as_deref().unwrap_or("?"), f.kind.map_or("?", |k| k.name()), f.nth, match f.action {
                    tcp_sim::scenario::FaultAction::Drop => i18n::DROP.get(lang),
                    tcp_sim::scenario::FaultAction::Delay => i18n::DELAY_BY.get(lang),
                    tcp_sim::scenario::FaultAction::Duplicate => i18n::DUPLICATE.get(lang),
                })).collect::<Vec<_>>().join(", ")) }
            <button type="button" class="link" data-testid="clear-faults" onclick={Callback::from({ let f = d(Action::ClearFaults); move |_: MouseEvent| f() })}>{ i18n::CLEAR_FAULTS.get(lang) }</button>
        </p>
    });
    let playback = ui.has(Part::Play).then(|| html! {
        <Playback lang={lang} step={s.step} first={s.first_step()} last={s.last_step()} playing={s.playing} speed={s.speed}
            on_toggle={Callback::from({ let f = d(Action::TogglePlay); move |()| f() })}
            on_seek={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::Seek(i))) }}
            on_speed={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::SetSpeed(i))) }} />
    });
    // Laid out for its box's width; a locked range ends the drawing just below its last step; an
    // element embed (given its link) never scrolls its host page.
    let on_width = {
        let st = state.clone();
        Callback::from(move |width| st.dispatch(Action::SetWidth(width)))
    };
    let diagram = html! {
        <SequenceDiagram diagram={s.shown.clone()} width={s.width} on_width={on_width} step={s.step} selected={s.selected}
            on_select={on_select.clone()} selectable={ui.has(Part::Inspect)} crop_after={s.range.map(|_| s.last_step())}
            lang={lang} scroll_window={props.link.is_none()} />
    };
    let export = ui.has(Part::Export).then(|| {
        html! {
            <Export trace={s.trace.clone()} diagram={s.diagram.clone()} experiment={s.experiment.clone()}
                lang={lang} relative={s.relative} />
        }
    });
    let narration = ui.has(Part::Text).then(|| {
        html! {
            <NarrationPanel trace={s.trace.clone()} events={step_events} summary={summary.clone()}
                at_end={s.step >= s.diagram.steps.len().saturating_sub(1)} lang={lang} relative={s.relative} />
        }
    });
    let inspector = s.selected.filter(|_| ui.has(Part::Inspect)).map(|segment| {
        html! {
            <Inspector trace={s.trace.clone()} segment={segment} lang={lang} relative={s.relative}
                on_fault={{ let st = state.clone(); Callback::from(move |r| st.dispatch(Action::AddFault(r))) }}
                on_close={Callback::from({ let f = d(Action::Select(None)); move |()| f() })} />
        }
    });
    let state_machine = ui.has(Part::States).then(|| {
        html! {
            <section class="states" aria-label={i18n::STATES.get(lang)}>
                <h2>{ i18n::STATES.get(lang) }</h2>
                <StateMachine lang={lang} endpoints={endpoints} taken={taken} />
            </section>
        }
    });
    let exchange = html! {
        <Exchange trace={s.trace.clone()} shown={shown} relative={s.relative} lang={lang} on_select={on_select} />
    };
    let lang_attr = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let theme = s.theme.map(|t| t.name());
    match mode {
        Mode::Page => html! {
            <div class="app" lang={lang_attr} data-theme={theme} data-testid="app">
                <header class="top">
                    <h1>{ "synack" }</h1>
                    <p class="tagline">{ i18n::TAGLINE.get(lang) }</p>
                    { lang_button }
                </header>
                { error }
                <div class="layout">
                    <div class="stage">
                        { controls }
                        { faults }
                        { playback }
                        { diagram }
                        { export }
                        <EmbedBuilder experiment={s.experiment.clone()} view={s.view()} title={title.clone()}
                            last_step={s.last_step()} lang={lang} />
                        <p class="hint">{ i18n::KEYS.get(lang) }{ format!(" · {} {:.1} ms", i18n::RUN_TIME.get(lang), s.last_run_ms) }</p>
                    </div>
                    <aside class="side">
                        { narration }
                        { inspector }
                        { state_machine }
                        { exchange }
                    </aside>
                </div>
            </div>
        },
        Mode::Embed => {
            // "Open in synack": the full page at the same experiment and step.
            let full = format!("index.html#{}", permalink::encode(&s.experiment, &s.view()));
            html! {
                <div class="app embed" lang={lang_attr} data-theme={theme} data-testid="app" ref={root} tabindex="0"
                    aria-label={embed::frame_title(title, lang)}>
                    { error }
                    { controls }
                    { faults }
                    { playback }
                    { diagram }
                    { inspector }
                    { narration }
                    { state_machine }
                    { export }
                    <div class="visually-hidden">{ exchange }</div>
                    <footer class="embed-foot">
                        if ui.has(Part::Lang) { { lang_button } }
                        <a class="open-full" data-testid="open-full" href={full} target="_blank" rel="noopener">
                            { i18n::OPEN_FULL.get(lang) }
                        </a>
                    </footer>
                </div>
            }
        }
    }
}

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
