//! The app: its state and hooks ([`App`]), its parts, each built from the state shown, and how
//! the full page and an embed arrange them.

#[cfg(feature = "full")]
use crate::capture_file;
#[cfg(feature = "full")]
use crate::components::embed_builder::EmbedBuilder;
#[cfg(feature = "full")]
use crate::components::inspector::Inspector;
#[cfg(feature = "full")]
use crate::components::state_machine::{StateMachine, sockets};
use crate::components::{
    controls::Controls, diagram::SequenceDiagram, exchange::Exchange, export::Export, narration_panel::NarrationPanel,
    playback::Playback,
};
use crate::embed;
use crate::experiment::{Experiment, SettingError};
use crate::hooks::{location_hash, use_keyboard, use_permalink, use_playback, use_report_height};
use crate::i18n;
use crate::permalink;
#[cfg(feature = "full")]
use crate::slices;
use crate::state::{Action, AppState};
use crate::upgrade::{self, full_or, on_demand};
use crate::view::{Mode, Part, Ui};
use bilingual::Lang;
#[cfg(feature = "full")]
use std::{cell::Cell, rc::Rc};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`App`]: where it starts.
#[derive(Properties, PartialEq, Default, Debug)]
pub struct AppProps {
    /// The experiment shown first (when there is no link to read).
    #[prop_or_default]
    pub experiment: Experiment,
    /// The language shown first (when there is no link to read).
    #[prop_or_default]
    pub lang: Lang,
    /// The full page or an embed.
    #[prop_or_default]
    pub mode: Mode,
    /// The link to open (a permalink fragment); `None` reads the page's URL fragment.
    #[prop_or_default]
    pub link: Option<String>,
}

type State = UseReducerHandle<AppState>;

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
    // Work too big for a frame (a big scenario of the reader's, a change to it): done in slices
    // by the full module, which shows how far it has got (`busy`).
    #[cfg(feature = "full")]
    let busy = use_state(|| None::<slices::Busy>);
    #[cfg(feature = "full")]
    let () = use_pending_work(&state, &busy);
    #[cfg(feature = "full")]
    let reads = CaptureReads { busy: busy.clone(), under_way: use_mut_ref(|| None) };
    let files = full_or!(file_handlers(&state, &reads), file_handlers(&state));
    let s = &*state;
    let titles =
        use_memo((s.experiment.entry.clone(), s.experiment.custom.clone(), s.lang), |(entry, custom, lang)| {
            let texts = |sc: &tcp_sim::scenario::Scenario| {
                let text = |t| bilingual::scenario_text(*lang, t).to_owned();
                (text(&sc.title), text(&sc.narration))
            };
            match custom {
                Some(custom) => texts(custom),
                None => tcp_sim::catalogue::get(entry)
                    .and_then(|e| e.scenario().ok())
                    .map(|sc| texts(&sc))
                    .unwrap_or_default(),
            }
        });
    // Whether the experiment has exercises: its scenario is built for this once per experiment,
    // not at every playback step.
    #[cfg(feature = "full")]
    let has_exercises = *use_memo(s.experiment.clone(), |e| !e.exercises().is_empty());
    let ui = match mode {
        Mode::Page => Ui::all(),
        Mode::Embed => s.ui.unwrap_or_else(Ui::embed_default),
    };
    let parts = Parts {
        // The page offers them under the export bar (with the other parts the full module brings,
        // where nothing the reader is reading moves); once started, they are asked beside the
        // diagram.
        #[cfg(feature = "full")]
        exercise_offer: slot(
            (mode == Mode::Page && s.exercise.is_none() && has_exercises).then(|| exercise_panel(&state, false, true)),
        ),
        lang_button: lang_button(&state),
        error: slot(s.error.as_ref().map(|error| error_line(&state, error))),
        controls: slot(ui.has(Part::Settings).then(|| settings(&state, files.clone()))),
        simulating: full_or!(slot(busy.as_ref().map(|b| progress_line(b, s.lang))), Html::default()),
        capture: full_or!(capture(&state, &reads), Html::default()),
        faults: slot((ui.has(Part::Inspect) && !s.experiment.faults.is_empty()).then(|| faults_line(&state))),
        playback: slot(ui.has(Part::Play).then(|| playback(&state))),
        // An element embed (given its link) never scrolls its host page.
        diagram: diagram(&state, ui, props.link.is_none()),
        inspector: s.selected.filter(|_| ui.has(Part::Inspect)).map(|segment| inspector(&state, segment)),
        // The exercises (full module) come just before the narration, each in a slot of its own.
        narration: full_or!(
            html! { <>
                { slot(ui.has(Part::Exercise).then(|| exercise(&state, ui, mode == Mode::Page, has_exercises)).flatten()) }
                { slot(ui.has(Part::Text).then(|| if asking(s) { narration_withheld(s.lang) } else { narration(&state, &titles.1) })) }
            </> },
            slot(ui.has(Part::Text).then(|| narration(&state, &titles.1)))
        ),
        state_machine: slot(ui.has(Part::States).then(|| state_machine(s))),
        export: slot(ui.has(Part::Export).then(|| {
            #[cfg(feature = "full")]
            let compared = s.compare.as_ref().and_then(|c| Some((c.trace.clone()?, c.other.clone())));
            #[cfg(not(feature = "full"))]
            let compared = None;
            html! {
                <Export trace={s.trace.clone()} experiment={s.experiment.clone()} lang={s.lang} relative={s.relative}
                    {compared} />
            }
        })),
        exchange: html! {
            <Exchange trace={s.trace.clone()} shown={s.shown.arrows.iter().filter(|a| a.step <= s.step).count()}
                relative={s.relative} lang={s.lang} on_select={on_select(&state, ui)} />
        },
    };
    match mode {
        Mode::Page => page(&state, parts, files, root, &titles.0),
        Mode::Embed => embed_view(s, parts, ui, root, in_frame, &titles.0),
    }
}

/// The app's parts, built for the state shown: [`page`] and [`embed_view`] arrange them.
struct Parts {
    /// The page's offer of the exercises, once the full module is there.
    #[cfg(feature = "full")]
    exercise_offer: Html,
    lang_button: Html,
    error: Html,
    controls: Html,
    simulating: Html,
    capture: Html,
    faults: Html,
    playback: Html,
    diagram: Html,
    /// In a slot of its own, so that opening and closing it never moves the other parts.
    inspector: Option<Html>,
    /// The narration, after the exercises (full module: offered where the experiment has any,
    /// asked once started).
    narration: Html,
    state_machine: Html,
    export: Html,
    exchange: Html,
}

/// A part of the page that may be absent, kept in a place of its own among its siblings: Yew
/// matches unkeyed children from the end, so a part that came and went without one would make
/// every part before it be built anew (the settings form, on the first fault or while a file is
/// simulated).
fn slot(part: Option<Html>) -> Html {
    part.unwrap_or_default()
}

/// A click that does `action`.
fn on_click(state: &State, action: Action) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| state.dispatch(action.clone()))
}

/// A callback that does the action `action` makes of its value.
fn dispatch<T: 'static>(state: &State, action: fn(T) -> Action) -> Callback<T> {
    let state = state.clone();
    Callback::from(move |value: T| state.dispatch(action(value)))
}

/// Choosing a segment opens the inspector, where there is one.
fn on_select(state: &State, ui: Ui) -> Callback<usize> {
    let (state, inspect) = (state.clone(), ui.has(Part::Inspect));
    Callback::from(move |i: usize| {
        if inspect {
            state.dispatch(Action::Select(Some(i)))
        }
    })
}

/// The button that shows the other language.
fn lang_button(state: &State) -> Html {
    let lang = state.lang;
    let other = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
    html! {
        <button type="button" class="lang" data-testid="lang" data-upgrade={on_demand("[data-testid=lang]")}
            onclick={on_click(state, Action::SetLang(other))}>
            { i18n::LANGUAGE.get(lang) }
        </button>
    }
}

/// What went wrong, until the reader dismisses it.
fn error_line(state: &State, error: &SettingError) -> Html {
    let lang = state.lang;
    html! {
        <div class="error" role="alert" data-testid="error">
            <span>{ error.text(lang).to_string() }</span>
            <button type="button" onclick={on_click(state, Action::DismissError)}>{ i18n::DISMISS.get(lang) }</button>
        </div>
    }
}

/// How far work in slices has got, with its Cancel.
#[cfg(feature = "full")]
fn progress_line(busy: &slices::Busy, lang: Lang) -> Html {
    let stop = busy.stop.clone();
    let doing = match busy.doing {
        slices::Doing::LayingOut => i18n::LAYING_OUT.get(lang).to_string(),
        slices::Doing::Simulating(steps) => format!("{} {steps} {}", i18n::SIMULATING.get(lang), i18n::STEPS.get(lang)),
        slices::Doing::Reading { read, size } => {
            let (read, size) = (read / 1e6, size / 1e6);
            match lang.shown() {
                Lang::En => format!("Reading the capture: {read:.1} of {size:.1} MB"),
                Lang::Zh => format!("正在读取抓包文件：已读 {read:.1} MB，共 {size:.1} MB"),
            }
        }
        slices::Doing::Inferring => match lang.shown() {
            Lang::En => "Inferring both ends' states…".to_string(),
            Lang::Zh => "正在推断两端的状态……".to_string(),
        },
    };
    html! {
        <p class="busy" role="status" data-testid="simulating">
            { doing }
            <button type="button" class="link" data-testid="cancel-simulation"
                onclick={Callback::from(move |_: MouseEvent| stop.set(slices::Stop::Cancelled))}>{ i18n::CANCEL.get(lang) }</button>
        </p>
    }
}

/// Capture files being read (full module): the read under way shows how far it has got in
/// `busy`, and a newer file (capture or scenario) supersedes it.
#[cfg(feature = "full")]
#[derive(Clone)]
struct CaptureReads {
    busy: UseStateHandle<Option<slices::Busy>>,
    /// The stop of the read under way.
    under_way: Rc<std::cell::RefCell<Option<Rc<Cell<slices::Stop>>>>>,
}

#[cfg(feature = "full")]
impl CaptureReads {
    /// The read under way, if any, stops at its next piece and shows nothing.
    fn supersede(&self) {
        if let Some(before) = self.under_way.replace(None) {
            before.set(slices::Stop::Superseded);
            self.busy.set(None);
        }
    }

    /// A new read, which supersedes the one under way.
    fn begin(&self) -> Rc<Cell<slices::Stop>> {
        self.supersede();
        let stop = Rc::new(Cell::new(slices::Stop::No));
        self.under_way.replace(Some(stop.clone()));
        stop
    }

    /// What the read that `stop` stops hears of its progress: shown unless it was stopped.
    fn progress(&self, stop: &Rc<Cell<slices::Stop>>) -> impl Fn(slices::Doing) + 'static {
        let (busy, stop) = (self.busy.clone(), stop.clone());
        move |doing| {
            if stop.get() == slices::Stop::No {
                busy.set(Some(slices::Busy { doing, stop: stop.clone() }));
            }
        }
    }

    /// The read that `stop` stops is over; what it found is shown unless it was stopped.
    fn end<T>(
        &self,
        stop: &Rc<Cell<slices::Stop>>,
        found: Result<Option<T>, SettingError>,
    ) -> Option<Result<T, SettingError>> {
        if stop.get() == slices::Stop::Superseded {
            return None;
        }
        self.under_way.replace(None);
        self.busy.set(None);
        if stop.get() == slices::Stop::Cancelled {
            return None;
        }
        found.transpose()
    }
}

/// What a file the reader chose or dropped becomes: a scenario's text, a capture, or one that
/// cannot be read. (A player's file picker has no handler: choosing a file brings the full
/// module.)
#[derive(Clone)]
struct FileHandlers {
    on_load: Callback<String>,
    on_invalid: Callback<(String, String)>,
    on_capture: Callback<web_sys::File>,
}

fn file_handlers(state: &State, #[cfg(feature = "full")] reads: &CaptureReads) -> FileHandlers {
    FileHandlers {
        on_load: full_or!(
            {
                let (st, reads) = (state.clone(), reads.clone());
                Callback::from(move |text: String| {
                    // A scenario opened while a capture is read takes its place.
                    reads.supersede();
                    match Experiment::from_scenario_file(&text) {
                        Ok(experiment) => st.dispatch(Action::OpenScenario(Box::new(experiment))),
                        Err(e) => st.dispatch(Action::Report(e)),
                    }
                })
            },
            Callback::noop()
        ),
        on_invalid: dispatch(state, |(en, zh): (String, String)| Action::Report(SettingError::new(en, zh))),
        on_capture: full_or!(open_capture(state.clone(), reads.clone()), Callback::noop()),
    }
}

/// The settings form.
fn settings(state: &State, files: FileHandlers) -> Html {
    let s = &**state;
    let FileHandlers { on_load, on_invalid, on_capture } = files;
    html! {
        <Controls experiment={s.experiment.clone()} lang={s.lang} relative={s.relative}
            on_entry={dispatch(state, Action::SelectEntry)}
            on_update={dispatch(state, |e: Experiment| Action::Update(Box::new(e)))}
            on_relative={dispatch(state, Action::SetRelative)}
            {on_invalid} {on_load} {on_capture} />
    }
}

/// The real capture shown, if any (full module): what it is, and a picker of its connections.
#[cfg(feature = "full")]
fn capture(state: &State, reads: &CaptureReads) -> Html {
    slot(state.capture.as_ref().map(|shown| {
        let on_pick = pick_capture_connection(state.clone(), shown.connection.capture.clone(), reads.clone());
        html! { <crate::components::capture_panel::CapturePanel connection={shown.connection.clone()}
        rerun={shown.rerun} lang={state.lang} {on_pick} /> }
    }))
}

/// The faults the reader has set, with a button that clears them.
fn faults_line(state: &State) -> Html {
    let lang = state.lang;
    html! {
        <p class="faults" data-testid="faults">
            { format!("{}: {}", i18n::FAULTS.get(lang), state.experiment.fault_summary(lang)) }
            <button type="button" class="link" data-testid="clear-faults" onclick={on_click(state, Action::ClearFaults)}>
                { i18n::CLEAR_FAULTS.get(lang) }
            </button>
        </p>
    }
}

fn playback(state: &State) -> Html {
    let s = &**state;
    html! {
        <Playback lang={s.lang} step={s.step} first={s.first_step()} last={s.last_step()} playing={s.playing} speed={s.speed}
            on_toggle={{ let st = state.clone(); Callback::from(move |()| st.dispatch(Action::TogglePlay)) }}
            on_seek={dispatch(state, Action::Seek)}
            on_speed={dispatch(state, Action::SetSpeed)} />
    }
}

/// The sequence diagram, laid out for its box's width; a locked range ends the drawing just
/// below its last step. With another run to compare (full module), both.
fn diagram(state: &State, ui: Ui, scroll_window: bool) -> Html {
    let s = &**state;
    #[cfg(feature = "full")]
    let pair = s.compare.as_ref().and_then(|c| Some((c, c.pair.clone()?, c.trace.clone()?, c.shown.clone()?)));
    #[cfg(feature = "full")]
    let mark = pair.as_ref().and_then(|(_, pair, ..)| pair.marks).map(|[a, _]| a);
    #[cfg(not(feature = "full"))]
    let mark = None;
    let crop_at = full_or!(exercise_crop(s), None);
    let main = html! {
        <SequenceDiagram diagram={s.shown.clone()} width={s.width} on_width={dispatch(state, Action::SetWidth)}
            step={s.step} selected={s.selected} on_select={on_select(state, ui)} selectable={ui.has(Part::Inspect)}
            crop_after={s.range.map(|_| s.last_step())} {crop_at} lang={s.lang} {scroll_window} {mark} />
    };
    #[cfg(feature = "full")]
    if let Some((c, pair, trace, shown)) = pair {
        return two_runs(state, main, &c.other, &pair, (&trace, &shown));
    }
    main
}

/// Two runs compared (full module): where they part, in words, and both diagrams, the other
/// run at the moment the first is at.
#[cfg(feature = "full")]
fn two_runs(
    state: &State,
    main: Html,
    other: &Experiment,
    pair: &crate::state::Shared<seqdiag::pair::Pair>,
    (other_trace, other_shown): (&crate::state::Shared<tcp_sim::Trace>, &crate::state::Shared<seqdiag::Diagram>),
) -> Html {
    let s = &**state;
    let lang = s.lang;
    let sentence = narration::narrate_divergence(&s.trace, other_trace, pair.divergence.as_ref(), lang, s.relative);
    let [first, second] = crate::components::compare::captions(&s.experiment, other, lang);
    let go = pair.marks.and_then(|[a, _]| a.step).map(|step| {
        html! {
            <button type="button" data-testid="compare-go" onclick={on_click(state, Action::Seek(step))}>
                { i18n::COMPARE_GO.get(lang) }
            </button>
        }
    });
    let mark = pair.marks.map(|[_, b]| b);
    html! {
        <div class="compare" data-testid="compare">
            <p class="compare-sentence" data-testid="compare-sentence" tabindex="-1">{ sentence }</p>
            <p class="compare-tools">
                { for go }
                <button type="button" class="link" data-testid="compare-stop" onclick={on_click(state, Action::Compare(None))}>
                    { i18n::COMPARE_STOP.get(lang) }
                </button>
            </p>
            <div class="compare-runs">
                <figure class="run">
                    <figcaption data-testid="compare-first">{ first }</figcaption>
                    { main }
                </figure>
                <figure class="run">
                    <figcaption data-testid="compare-second">{ second }</figcaption>
                    // Cut where the first is while a question is open: one time axis, so the
                    // same y is the same moment, which the question's answer must not be seen at.
                    <SequenceDiagram diagram={other_shown.clone()} width={s.width}
                        on_width={Callback::noop()} step={s.compared_step()} selected={None::<usize>}
                        on_select={Callback::noop()} selectable={false} lang={lang} scroll_window={false}
                        {mark} compared={true} crop_at={exercise_crop(s)} />
                </figure>
            </div>
        </div>
    }
}

/// The inspector of segment `segment` (the full module's; a player shows that it is coming).
fn inspector(state: &State, segment: usize) -> Html {
    let close = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::Select(None)))
    };
    full_or!(
        {
            let s = &**state;
            html! {
                <Inspector trace={s.trace.clone()} segment={segment} lang={s.lang} relative={s.relative}
                    on_fault={dispatch(state, Action::AddFault)} on_close={close} />
            }
        },
        {
            let _ = (segment, close);
            upgrade::loading(state.lang)
        }
    )
}

/// What happens at this step, in words; `summary` introduces the experiment.
fn narration(state: &State, summary: &str) -> Html {
    let s = &**state;
    let events = s.shown.steps.get(s.step).map(|st| st.events.clone()).unwrap_or_default();
    html! {
        <NarrationPanel trace={s.trace.clone()} events={events} summary={upgrade::summary_of(&s.experiment, summary)}
            prerendered={upgrade::prerendered_narration(&s.experiment, s.step)}
            step={s.step} last={s.last_step()}
            at_end={s.step >= s.shown.steps.len().saturating_sub(1)} lang={s.lang} relative={s.relative} />
    }
}

/// Where the drawing ends while an exercise asks (full module): above its question's step, and
/// above a time break just before it, so that neither the time axis nor a break's "240 s later"
/// tells the answer.
#[cfg(feature = "full")]
fn exercise_crop(s: &AppState) -> Option<f32> {
    let question = s.exercise.as_ref()?.current()?;
    let (steps, breaks) = (&s.shown.steps, &s.shown.breaks);
    let (before, at) = (steps.get(question.step.checked_sub(1)?)?.y, steps.get(question.step)?.y);
    // The time axis's label of the question's moment sits on its y: end a little above it.
    let above = at - 8.0;
    Some(breaks.iter().filter(|b| b.y1 >= before && b.y2 <= at).map(|b| b.y1).fold(above, f32::min))
}

/// Whether an exercise's question is open (full module): playback has reached the step before
/// it, and the reader has not answered.
#[cfg(feature = "full")]
fn asking(s: &AppState) -> bool {
    s.exercise.as_ref().and_then(|run| run.open_at(s.step)).is_some()
}

/// The narration panel while a question is open (full module): the narration of a step looks
/// ahead at times ("its ACK will be ack=2"), so it waits for the answer.
#[cfg(feature = "full")]
fn narration_withheld(lang: Lang) -> Html {
    html! {
        <section class="narration" data-testid="narration" aria-labelledby="narration-title">
            <h2 id="narration-title">{ i18n::NARRATION.get(lang) }</h2>
            <p class="hint" data-testid="narration-withheld">{ i18n::EXERCISE_WITHHELD.get(lang) }</p>
        </section>
    }
}

/// The experiment's exercises (full module), if it has any: offered, or under way.
#[cfg(feature = "full")]
fn exercise(state: &State, ui: Ui, page: bool, has_exercises: bool) -> Option<Html> {
    let s = &**state;
    // Not started: nothing to offer, or offered under the page's export bar (`exercise_offer`).
    if s.exercise.is_none() && (!has_exercises || page) {
        return None;
    }
    // The revealed step's narration, in the panel where nothing else shows it: an embed without
    // the narration, or while the next question is open (the narration panel waits then).
    Some(exercise_panel(state, !ui.has(Part::Text) || asking(s), false))
}

/// The exercise panel (full module); `explain`: it shows a revealed step's narration itself;
/// `offered_below`: it is the page's offer under the export bar, and once started the exercises
/// are asked beside the diagram, where the focus follows them.
#[cfg(feature = "full")]
fn exercise_panel(state: &State, explain: bool, offered_below: bool) -> Html {
    let s = &**state;
    let on_start = {
        let st = state.clone();
        Callback::from(move |()| {
            st.dispatch(Action::StartExercises);
            if offered_below {
                // Its first question if playback is at it already, else the way to it.
                focus_once_drawn("[data-testid=exercise] [data-focus], [data-testid=exercise-play]");
            }
        })
    };
    let on_play = {
        let st = state.clone();
        Callback::from(move |()| {
            if !st.playing {
                st.dispatch(Action::TogglePlay)
            }
        })
    };
    html! {
        <crate::components::exercise_panel::ExercisePanel run={s.exercise.clone()} trace={s.trace.clone()}
            diagram={s.shown.clone()} step={s.step} playing={s.playing} {explain}
            lang={s.lang} relative={s.relative}
            {on_start} on_answer={dispatch(state, Action::Answer)}
            {on_play} on_seek={dispatch(state, Action::Seek)} on_end={dispatch(state, |()| Action::EndExercises)} />
    }
}

/// Moves the focus (and so the view) to what `selector` finds once this change is drawn: a part
/// the reader's action brought up elsewhere on the page (full module).
#[cfg(feature = "full")]
fn focus_once_drawn(selector: &'static str) {
    gloo_timers::callback::Timeout::new(0, move || {
        let found =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(selector).ok().flatten());
        if let Some(element) = found.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    })
    .forget();
}

/// RFC 9293's state diagram with each socket's state at this step (full module).
fn state_machine(s: &AppState) -> Html {
    let lang = s.lang;
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
}

fn lang_attr(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "zh-CN" } else { "en" }
}

/// The full page: the stage (settings, playback, diagram), the inspector, the side panel
/// (narration, states, exchange) and the rest (export, the embed builder).
fn page(state: &State, parts: Parts, files: FileHandlers, root: NodeRef, title: &str) -> Html {
    let s = &**state;
    let lang = s.lang;
    // The page takes a scenario or a capture dropped anywhere on it (full module).
    let (on_drag_over, on_drop) = full_or!(
        {
            let FileHandlers { on_load, on_invalid, on_capture } = files;
            (
                Some(Callback::from(|e: DragEvent| e.prevent_default())),
                Some(Callback::from(move |e: DragEvent| {
                    let file = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                    if let Some(file) = file {
                        e.prevent_default();
                        crate::components::controls::open_file(
                            file,
                            on_load.clone(),
                            on_invalid.clone(),
                            on_capture.clone(),
                        );
                    }
                })),
            )
        },
        {
            let _ = files;
            (None::<Callback<DragEvent>>, None::<Callback<DragEvent>>)
        }
    );
    html! {
        <div class="app page" lang={lang_attr(lang)} data-theme={s.theme.map(|t| t.name())} data-testid="app" ref={root}
            ondragover={on_drag_over} ondrop={on_drop}>
            <a class="skip-link" href="#diagram" onclick={Callback::from(skip_to_diagram)}>{ i18n::SKIP.get(lang) }</a>
            <header class="top">
                <h1>{ "synack" }</h1>
                <p class="tagline">{ i18n::TAGLINE.get(lang) }</p>
                { parts.lang_button }
            </header>
            <main class="layout">
                <div class="stage">
                    { parts.error }
                    { parts.controls }
                    { parts.simulating }
                    { parts.capture }
                    { parts.faults }
                    { parts.playback }
                    { parts.diagram }
                </div>
                <div class="insp-slot">{ parts.inspector }</div>
                <div class="side">
                    { parts.narration }
                    { parts.state_machine }
                    { parts.exchange }
                </div>
                <div class="more">
                    { parts.export }
                    { full_or!(
                        html! { <>
                            { parts.exercise_offer }
                            <crate::components::compare::CompareChooser experiment={s.experiment.clone()} lang={lang}
                                on_compare={{
                                    // The comparison is drawn at the diagram's place: the view goes there.
                                    let st = state.clone();
                                    Callback::from(move |e: Experiment| {
                                        st.dispatch(Action::Compare(Some(Box::new(e))));
                                        focus_once_drawn("[data-testid=compare-sentence]");
                                    })
                                }} />
                            <crate::components::odds_panel::OddsPanel experiment={s.experiment.clone()} lang={lang}
                                on_open={dispatch(state, |e: Experiment| Action::Update(Box::new(e)))} />
                        </> },
                        html! { <>
                            { upgrade::exercise_offer(lang, &s.experiment.entry) }
                            { upgrade::odds(lang) }
                        </> }
                    ) }
                    { full_or!(
                        html! {
                            <EmbedBuilder experiment={s.experiment.clone()} view={s.view()} title={title.to_string()}
                                last_step={s.last_step()} lang={lang} />
                        },
                        {
                            let _ = title;
                            upgrade::embed_builder(lang)
                        }
                    ) }
                    <p class="hint">{ i18n::KEYS.get(lang) }{ format!(" · {} {} ms", i18n::RUN_TIME.get(lang), upgrade::tenths(s.last_run_ms)) }</p>
                </div>
            </main>
        </div>
    }
}

/// An embed: the parts its link chose, one under the other, and a link to the full page.
fn embed_view(s: &AppState, parts: Parts, ui: Ui, root: NodeRef, in_frame: bool, title: &str) -> Html {
    let lang = s.lang;
    // "Open in synack": the full page at the same experiment and step.
    let full = format!("index.html#{}", permalink::encode(&s.experiment, &s.view()).unwrap_or_default());
    let frame_title = embed::frame_title(title, lang);
    let body = html! {
        <>
            // The embed's name for readers who list headings: an iframe is a page of its
            // own (h1); an element embed sits inside the host's page (h2).
            if in_frame { <h1 class="visually-hidden">{ frame_title.clone() }</h1> }
            else { <h2 class="visually-hidden">{ frame_title.clone() }</h2> }
            { parts.error }
            { parts.controls }
            { parts.simulating }
            { parts.faults }
            { parts.playback }
            { parts.diagram }
            <div class="insp-slot">{ parts.inspector }</div>
            { parts.narration }
            { parts.state_machine }
            { parts.export }
            <div class="visually-hidden">{ parts.exchange }</div>
            <div class="embed-foot">
                if ui.has(Part::Lang) { { parts.lang_button } }
                <a class="open-full" data-testid="open-full" href={full} target="_blank" rel="noopener">
                    { i18n::OPEN_FULL.get(lang) }
                </a>
            </div>
        </>
    };
    let (lang_attr, theme) = (lang_attr(lang), s.theme.map(|t| t.name()));
    // An iframe's document is the embed's own page: its main landmark. An element embed is a
    // named region of the host's page, which has its own main.
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

/// Does the state's pending work in slices (`slices.rs`), showing how far it has got in `busy`,
/// and hands the result back (or the reader's cancel). A newer piece of pending work supersedes
/// the one under way, which stops at its next slice.
#[cfg(feature = "full")]
#[hook]
fn use_pending_work(state: &State, busy: &UseStateHandle<Option<slices::Busy>>) {
    let (handle, busy) = (state.clone(), busy.clone());
    use_effect_with(state.pending.clone(), move |pending| {
        let stop = Rc::new(Cell::new(slices::Stop::No));
        match pending.clone() {
            None => busy.set(None),
            Some(pending) => {
                let stop = stop.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let started = crate::state::now_ms();
                    let progress = |b: slices::Busy| {
                        if b.stop.get() == slices::Stop::No {
                            busy.set(Some(b));
                        }
                    };
                    progress(slices::Busy { stop: stop.clone(), ..slices::Busy::default() });
                    let done = slices::run(&pending, progress, &stop).await;
                    let ms = crate::state::now_ms() - started;
                    match (stop.get(), done) {
                        (slices::Stop::Superseded, _) => {}
                        (_, Some((trace, diagram))) => handle.dispatch(Action::Finished {
                            id: pending.id,
                            trace,
                            diagram: crate::state::Shared::new(diagram),
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
/// says what is wrong with the file), showing how far reading it has got.
#[cfg(feature = "full")]
fn open_capture(state: UseReducerHandle<AppState>, reads: CaptureReads) -> Callback<web_sys::File> {
    Callback::from(move |file: web_sys::File| {
        let (state, reads) = (state.clone(), reads.clone());
        let stop = reads.begin();
        wasm_bindgen_futures::spawn_local(async move {
            let progress = reads.progress(&stop);
            let found = match capture_file::open(file, &progress, &stop).await {
                Ok(Some(opened)) => {
                    let number = capture_file::first_shown(&opened.listing);
                    capture_file::connection(opened, number, &progress, &stop).await
                }
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            if let Some(shown) = reads.end(&stop, found) {
                show_capture(&state, shown);
            }
        });
    })
}

/// Shows connection `number` (from 1) of the capture open (read again to collect it).
#[cfg(feature = "full")]
fn pick_capture_connection(
    state: UseReducerHandle<AppState>,
    opened: crate::state::Shared<capture_file::OpenedCapture>,
    reads: CaptureReads,
) -> Callback<usize> {
    Callback::from(move |number: usize| {
        let (state, opened, reads) = (state.clone(), opened.clone(), reads.clone());
        let stop = reads.begin();
        wasm_bindgen_futures::spawn_local(async move {
            let progress = reads.progress(&stop);
            let found = capture_file::connection(opened, number, &progress, &stop).await;
            if let Some(shown) = reads.end(&stop, found) {
                show_capture(&state, shown);
            }
        });
    })
}

#[cfg(feature = "full")]
fn show_capture(
    state: &UseReducerHandle<AppState>,
    shown: Result<crate::state::Shared<capture_file::CapturedConnection>, SettingError>,
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
