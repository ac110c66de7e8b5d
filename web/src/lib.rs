//! The synack web app: a TCP handshake visualizer.
//!
//! `boot.js` loads the module and calls [`run`], which mounts [`App`] into `<body>`. The data's
//! path: [`experiment::Experiment`] → scenario → `tcp_sim::simulate` → trace → `seqdiag::layout`
//! → components. [`state`] holds it all and re-runs it on every change.

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

use components::controls::Controls;
use components::diagram::SequenceDiagram;
#[cfg(feature = "full")]
use components::embed_builder::EmbedBuilder;
use components::exchange::Exchange;
use components::export::Export;
#[cfg(feature = "full")]
use components::inspector::Inspector;
use components::narration_panel::NarrationPanel;
use components::playback::Playback;
#[cfg(feature = "full")]
use components::state_machine::{StateMachine, sockets};
use experiment::{Experiment, SettingError};
use hooks::{location_hash, use_keyboard, use_permalink, use_playback, use_report_height};
use seqdiag::Lang;
use state::{Action, AppState};
#[cfg(feature = "full")]
use std::{cell::Cell, rc::Rc};
use upgrade::{full_or, on_demand};
use view::{Mode, Part, Ui};
use wasm_bindgen::JsCast;
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

/// Whether the reader asked for reduced motion.
fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
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
    // An iframe embed (embed.html) tells its host page how tall it is.
    let in_frame = mode == Mode::Embed && props.link.is_none();
    use_report_height(&root, in_frame);
    upgrade::use_handover(&state);
    let close_inspector = Callback::from({
        let state = state.clone();
        move |()| state.dispatch(Action::Select(None))
    });
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
    let step_events = s.shown.steps.get(s.step).map(|st| st.events.clone()).unwrap_or_default();
    let shown = s.shown.arrows.iter().filter(|a| a.step <= s.step).count();
    let titles = use_memo((s.experiment.entry.clone(), s.experiment.custom.clone(), lang), |(entry, custom, lang)| {
        let sc = match custom {
            Some(custom) => Some((**custom).clone()),
            None => tcp_sim::catalogue::get(entry).and_then(|e| e.scenario().ok()),
        };
        sc.map(|sc| if *lang == Lang::Zh { (sc.title.zh, sc.narration.zh) } else { (sc.title.en, sc.narration.en) })
            .unwrap_or_default()
    });
    let (title, summary) = (&titles.0, &titles.1);
    let other_lang = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
    let lang_button = html! {
        <button type="button" class="lang" data-testid="lang" data-upgrade={on_demand("[data-testid=lang]")} onclick={Callback::from({ let f = d(Action::SetLang(other_lang)); move |_: MouseEvent| f() })}>
            { i18n::LANGUAGE.get(lang) }
        </button>
    };
    let error = slot(s.error.as_ref().map(|error| html! {
        <div class="error" role="alert" data-testid="error">
            <span>{ error.text(lang).to_string() }</span>
            <button type="button" onclick={Callback::from({ let f = d(Action::DismissError); move |_: MouseEvent| f() })}>{ i18n::DISMISS.get(lang) }</button>
        </div>
    }));
    // A file the reader chose or dropped: a scenario's text, a capture, or one that cannot be read.
    let on_invalid = {
        let st = state.clone();
        Callback::from(move |(en, zh): (String, String)| st.dispatch(Action::Report(SettingError::new(en, zh))))
    };
    // Work too big for a frame (a big scenario of the reader's, a change to it): done in slices
    // by the full module, which shows how far it has got (`busy`).
    #[cfg(feature = "full")]
    let busy = use_state(|| None::<slices::Busy>);
    #[cfg(feature = "full")]
    let () = use_pending_work(&state, &busy);
    // (A player's file picker has no handler: choosing a file brings the full module.)
    let on_load = full_or!(
        {
            let st = state.clone();
            Callback::from(move |text: String| match Experiment::from_scenario_file(&text) {
                Ok(experiment) => st.dispatch(Action::OpenScenario(Box::new(experiment))),
                Err(e) => st.dispatch(Action::Report(e)),
            })
        },
        Callback::noop()
    );
    let simulating = full_or!(
        slot(busy.as_ref().map(|b| {
            let stop = b.stop.clone();
            let doing = if b.laying_out {
                i18n::LAYING_OUT.get(lang).to_string()
            } else {
                format!("{} {} {}", i18n::SIMULATING.get(lang), b.steps, i18n::STEPS.get(lang))
            };
            html! {
                <p class="busy" role="status" data-testid="simulating">
                    { doing }
                    <button type="button" class="link" data-testid="cancel-simulation"
                        onclick={Callback::from(move |_: MouseEvent| stop.set(slices::Stop::Cancelled))}>{ i18n::CANCEL.get(lang) }</button>
                </p>
            }
        })),
        Html::default()
    );
    let on_capture: Callback<web_sys::File> = full_or!(open_capture(state.clone()), Callback::noop());
    let controls = slot(ui.has(Part::Settings).then(|| html! {
        <Controls experiment={s.experiment.clone()} lang={lang} relative={s.relative}
            on_entry={{ let st = state.clone(); Callback::from(move |e: String| st.dispatch(Action::SelectEntry(e))) }}
            on_update={{ let st = state.clone(); Callback::from(move |e: Experiment| st.dispatch(Action::Update(Box::new(e)))) }}
            on_relative={{ let st = state.clone(); Callback::from(move |r: bool| st.dispatch(Action::SetRelative(r))) }}
            on_invalid={on_invalid.clone()} on_load={on_load.clone()} on_capture={on_capture.clone()} />
    }));
    // The page takes a scenario or a capture dropped anywhere on it (full module).
    let (on_drag_over, on_drop) = full_or!(
        (
            Some(Callback::from(|e: DragEvent| e.prevent_default())),
            Some(Callback::from(move |e: DragEvent| {
                let file = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                if let Some(file) = file {
                    e.prevent_default();
                    components::controls::open_file(file, on_load.clone(), on_invalid.clone(), on_capture.clone());
                }
            }))
        ),
        (None::<Callback<DragEvent>>, None::<Callback<DragEvent>>)
    );
    // The real capture shown, if any (full module): what it is, and a picker of its connections.
    let capture = full_or!(
        slot(s.capture.as_ref().map(|shown| {
            let on_pick = pick_capture_connection(state.clone(), shown.connection.capture.clone());
            html! { <components::capture_panel::CapturePanel connection={shown.connection.clone()} rerun={shown.rerun} lang={lang} {on_pick} /> }
        })),
        Html::default()
    );
    let faults = slot((ui.has(Part::Inspect) && !s.experiment.faults.is_empty()).then(|| html! {
        <p class="faults" data-testid="faults">
            { format!("{}: {}", i18n::FAULTS.get(lang), s.experiment.fault_summary(lang)) }
            <button type="button" class="link" data-testid="clear-faults" onclick={Callback::from({ let f = d(Action::ClearFaults); move |_: MouseEvent| f() })}>{ i18n::CLEAR_FAULTS.get(lang) }</button>
        </p>
    }));
    let playback = slot(ui.has(Part::Play).then(|| html! {
        <Playback lang={lang} step={s.step} first={s.first_step()} last={s.last_step()} playing={s.playing} speed={s.speed}
            on_toggle={Callback::from({ let f = d(Action::TogglePlay); move |()| f() })}
            on_seek={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::Seek(i))) }}
            on_speed={{ let st = state.clone(); Callback::from(move |i: usize| st.dispatch(Action::SetSpeed(i))) }} />
    }));
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
    let export = slot(ui.has(Part::Export).then(|| {
        html! {
            <Export trace={s.trace.clone()} experiment={s.experiment.clone()}
                lang={lang} relative={s.relative} />
        }
    }));
    let narration = slot(ui.has(Part::Text).then(|| {
        html! {
            <NarrationPanel trace={s.trace.clone()} events={step_events} summary={upgrade::summary_of(&s.experiment, summary)}
                prerendered={upgrade::prerendered_narration(&s.experiment, s.step)}
                step={s.step} last={s.last_step()}
                at_end={s.step >= s.shown.steps.len().saturating_sub(1)} lang={lang} relative={s.relative} />
        }
    }));
    // In a slot of its own, so that opening and closing it never moves the other parts.
    let inspector = s.selected.filter(|_| ui.has(Part::Inspect)).map(|segment| {
        full_or!(
            html! {
                <Inspector trace={s.trace.clone()} segment={segment} lang={lang} relative={s.relative}
                    on_fault={{ let st = state.clone(); Callback::from(move |r| st.dispatch(Action::AddFault(r))) }}
                    on_close={close_inspector} />
            },
            {
                let _ = (segment, close_inspector);
                upgrade::loading(lang)
            }
        )
    });
    let state_machine = slot(ui.has(Part::States).then(|| {
        html! {
            <section class="states" aria-labelledby="states-title">
                <h2 id="states-title">{ i18n::STATES.get(lang) }</h2>
                { full_or!(
                    {
                        // Each socket's state at this step, and the transitions taken in it.
                        let host_names: Vec<String> = s.trace.hosts.iter().map(|h| h.name.clone()).collect();
                        let (endpoints, taken) = sockets(&s.shown, &host_names, s.step, lang);
                        html! { <StateMachine lang={lang} endpoints={endpoints} taken={taken} /> }
                    },
                    upgrade::states_button(lang)
                ) }
            </section>
        }
    }));
    let exchange = html! {
        <Exchange trace={s.trace.clone()} shown={shown} relative={s.relative} lang={lang} on_select={on_select} />
    };
    let lang_attr = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let theme = s.theme.map(|t| t.name());
    match mode {
        Mode::Page => html! {
            <div class="app page" lang={lang_attr} data-theme={theme} data-testid="app" ref={root}
                ondragover={on_drag_over} ondrop={on_drop}>
                <a class="skip-link" href="#diagram" onclick={Callback::from(skip_to_diagram)}>{ i18n::SKIP.get(lang) }</a>
                <header class="top">
                    <h1>{ "synack" }</h1>
                    <p class="tagline">{ i18n::TAGLINE.get(lang) }</p>
                    { lang_button }
                </header>
                <main class="layout">
                    <div class="stage">
                        { error }
                        { controls }
                        { simulating }
                        { capture }
                        { faults }
                        { playback }
                        { diagram }
                    </div>
                    <div class="insp-slot">{ inspector }</div>
                    <div class="side">
                        { narration }
                        { state_machine }
                        { exchange }
                    </div>
                    <div class="more">
                        { export }
                        { full_or!(
                            html! {
                                <EmbedBuilder experiment={s.experiment.clone()} view={s.view()} title={title.clone()}
                                    last_step={s.last_step()} lang={lang} />
                            },
                            upgrade::embed_builder(lang)
                        ) }
                        <p class="hint">{ i18n::KEYS.get(lang) }{ format!(" · {} {} ms", i18n::RUN_TIME.get(lang), upgrade::tenths(s.last_run_ms)) }</p>
                    </div>
                </main>
            </div>
        },
        Mode::Embed => {
            // "Open in synack": the full page at the same experiment and step.
            let full = format!("index.html#{}", permalink::encode(&s.experiment, &s.view()).unwrap_or_default());
            let frame_title = embed::frame_title(title, lang);
            let body = html! {
                <>
                    // The embed's name for readers who list headings: an iframe is a page of its
                    // own (h1); an element embed sits inside the host's page (h2).
                    if in_frame { <h1 class="visually-hidden">{ frame_title.clone() }</h1> }
                    else { <h2 class="visually-hidden">{ frame_title.clone() }</h2> }
                    { error }
                    { controls }
                    { simulating.clone() }
                    { faults }
                    { playback }
                    { diagram }
                    <div class="insp-slot">{ inspector }</div>
                    { narration }
                    { state_machine }
                    { export }
                    <div class="visually-hidden">{ exchange }</div>
                    <div class="embed-foot">
                        if ui.has(Part::Lang) { { lang_button } }
                        <a class="open-full" data-testid="open-full" href={full} target="_blank" rel="noopener">
                            { i18n::OPEN_FULL.get(lang) }
                        </a>
                    </div>
                </>
            };
            // An iframe's document is the embed's own page: its main landmark. An element embed
            // is a named region of the host's page, which has its own main.
            if in_frame {
                html! {
                    <main class="app embed" lang={lang_attr} data-theme={theme} data-testid="app" ref={root} tabindex="0"
                        aria-label={frame_title}>{ body }</main>
                }
            } else {
                html! {
                    <section class="app embed" lang={lang_attr} data-theme={theme} data-testid="app" ref={root} tabindex="0"
                        aria-label={frame_title}>{ body }</section>
                }
            }
        }
    }
}

/// A part of the page that may be absent, kept in a place of its own among its siblings: Yew
/// matches unkeyed children from the end, so a part that came and went without one would make
/// every part before it be built anew (the settings form, on the first fault or while a file is
/// simulated).
fn slot(part: Option<Html>) -> Html {
    part.unwrap_or_default()
}

/// Does the state's pending work in slices (`slices.rs`), showing how far it has got in `busy`,
/// and hands the result back (or the reader's cancel). A newer piece of pending work supersedes
/// the one under way, which stops at its next slice.
#[cfg(feature = "full")]
#[hook]
fn use_pending_work(state: &UseReducerHandle<AppState>, busy: &UseStateHandle<Option<slices::Busy>>) {
    let (handle, busy) = (state.clone(), busy.clone());
    use_effect_with(state.pending.clone(), move |pending| {
        let stop = Rc::new(Cell::new(slices::Stop::No));
        match pending.clone() {
            None => busy.set(None),
            Some(pending) => {
                let stop = stop.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let started = state::now_ms();
                    let progress = |b: slices::Busy| {
                        if b.stop.get() == slices::Stop::No {
                            busy.set(Some(b));
                        }
                    };
                    progress(slices::Busy { stop: stop.clone(), ..slices::Busy::default() });
                    let done = slices::run(&pending, progress, &stop).await;
                    let ms = state::now_ms() - started;
                    match (stop.get(), done) {
                        (slices::Stop::Superseded, _) => {}
                        (_, Some((trace, diagram))) => handle.dispatch(Action::Finished {
                            id: pending.id,
                            trace,
                            diagram: state::Shared::new(diagram),
                            ms,
                        }),
                        (_, None) => handle.dispatch(Action::Cancelled(pending.id)),
                    }
                });
            }
        }
        move || {
            if stop.get() == slices::Stop::No {
                stop.set(slices::Stop::Superseded);
            }
        }
    });
}

/// Opens a capture file the reader chose and shows its first connection with a handshake (or
/// says what is wrong with the file).
#[cfg(feature = "full")]
fn open_capture(state: UseReducerHandle<AppState>) -> Callback<web_sys::File> {
    Callback::from(move |file: web_sys::File| {
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let shown = match capture_file::open(file).await {
                Ok(opened) => {
                    let number = capture_file::first_shown(&opened.listing);
                    capture_file::connection(opened, number).await
                }
                Err(e) => Err(e),
            };
            show_capture(&state, shown);
        });
    })
}

/// Shows connection `number` (from 1) of the capture open.
#[cfg(feature = "full")]
fn pick_capture_connection(
    state: UseReducerHandle<AppState>,
    opened: state::Shared<capture_file::OpenedCapture>,
) -> Callback<usize> {
    Callback::from(move |number: usize| {
        let (state, opened) = (state.clone(), opened.clone());
        wasm_bindgen_futures::spawn_local(async move {
            show_capture(&state, capture_file::connection(opened, number).await);
        });
    })
}

#[cfg(feature = "full")]
fn show_capture(
    state: &UseReducerHandle<AppState>,
    shown: Result<state::Shared<capture_file::CapturedConnection>, SettingError>,
) {
    state.dispatch(match shown {
        Ok(connection) => Action::ShowCapture(connection),
        Err(e) => Action::Report(e),
    });
}

/// The skip link moves the focus to the diagram without touching the URL fragment (the page's
/// fragment is its permalink).
fn skip_to_diagram(e: MouseEvent) {
    e.prevent_default();
    let target = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("diagram"));
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
        el.scroll_into_view();
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
