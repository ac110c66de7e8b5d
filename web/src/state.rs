//! The app's state and the actions that change it (`impl Reducible`). The experiment is
//! re-simulated and laid out here, once per change; big data lives in `Rc` so the reducer never
//! deep-clones a trace.

use crate::experiment::{Experiment, FaultRequest, SettingError};
use crate::view::View;
use crate::view::{Mode, Theme, Ui};
use seqdiag::steps::Step;
use seqdiag::{Diagram, Lang, ViewOptions, WidthClass};
use std::rc::Rc;
use tcp_sim::trace::Trace;
use yew::Reducible;

/// A trace or diagram shared by the state and the components' props, compared by identity: a
/// new run or layout is a new value, so a render never compares two traces field by field (and
/// the page carries no code to).
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
    /// What tells this value from another: its address.
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Shared<T> {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Playback speeds offered, in simulated steps per second.
pub const SPEEDS: [f64; 4] = [0.5, 1.0, 2.0, 4.0];

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// What the reader set up (the last one that simulated without error).
    pub experiment: Experiment,
    /// Its trace.
    pub trace: Shared<Trace>,
    /// Its diagram, laid out for the width it is shown at. (Exports lay out their own, at
    /// [`WidthClass::Full`], when asked: one layout per change keeps a redraw within a frame.)
    pub shown: Shared<Diagram>,
    /// The width class of the box that shows the diagram.
    pub width: WidthClass,
    /// Its playback steps (the trace events each groups), parallel to `diagram.steps`.
    pub steps: Rc<Vec<Step>>,
    /// The current playback step (an index into `diagram.steps`); the last step shows everything.
    pub step: usize,
    /// Playing.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Language.
    pub lang: Lang,
    /// Relative (Wireshark-style) or absolute sequence numbers.
    pub relative: bool,
    /// The segment open in the inspector.
    pub selected: Option<usize>,
    /// Why the last change could not be used; the diagram still shows the last good experiment.
    pub error: Option<SettingError>,
    /// Time the last re-simulation and layout took, in milliseconds (shown for the curious).
    pub last_run_ms: f64,
    /// Playback locked to these steps (0-based, inclusive; an embed's `steps=`), if any.
    pub range: Option<(usize, usize)>,
    /// The parts an embed shows (`None`: its default; the page shows everything).
    pub ui: Option<Ui>,
    /// A fixed theme, if the link chose one.
    pub theme: Option<Theme>,
    /// The real capture shown, if the reader opened one (full module).
    #[cfg(feature = "full")]
    pub capture: Option<CaptureShown>,
}

/// A connection of a real capture on screen: the captured segments with both ends' inferred
/// states until the reader changes something; from then on the re-run of the scenario derived
/// from it (`rerun`), with the change.
#[cfg(feature = "full")]
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureShown {
    /// The connection as imported (its file, its number, the import).
    pub connection: Shared<crate::capture_file::CapturedConnection>,
    /// The diagram is the re-run, not the capture.
    pub rerun: bool,
}

/// What the reader (or the playback timer) does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Show a catalogue entry with default settings.
    SelectEntry(String),
    /// Change the settings (the whole `Experiment` except the entry and faults).
    Update(Box<Experiment>),
    /// Drop, delay or duplicate one segment.
    AddFault(FaultRequest),
    /// Remove every fault added from the inspector.
    ClearFaults,
    /// Open a segment in the inspector (`None` closes it).
    Select(Option<usize>),
    /// Go to a step.
    Seek(usize),
    /// One step forward.
    StepForward,
    /// One step back.
    StepBack,
    /// Start or stop playback.
    TogglePlay,
    /// Playback timer tick: one step forward, stopping at the end.
    Tick,
    /// Change speed.
    SetSpeed(usize),
    /// Switch language.
    SetLang(Lang),
    /// Relative or absolute numbers.
    SetRelative(bool),
    /// Dismiss the error message.
    DismissError,
    /// A setting the controls could not even read.
    Report(SettingError),
    /// Show what a permalink describes (the URL fragment changed), in this mode.
    Open(Box<Result<(Experiment, View), SettingError>>, Mode),
    /// The diagram's box changed width class: lay the same trace out again (no re-simulation).
    SetWidth(WidthClass),
    /// Show the reader's own scenario, simulated in slices (`slices.rs`): its experiment, its
    /// trace, and the time the slices took.
    #[cfg(feature = "full")]
    Simulated { experiment: Box<Experiment>, trace: Shared<Trace>, simulated_ms: f64 },
    /// Show a connection of a real capture the reader opened.
    #[cfg(feature = "full")]
    ShowCapture(Shared<crate::capture_file::CapturedConnection>),
}

/// A simulated and laid-out experiment.
type Run = (Shared<Trace>, Shared<Diagram>, Rc<Vec<Step>>);

/// Simulates an experiment and lays it out for `width`; the error says what is wrong with it.
pub fn run(experiment: &Experiment, lang: Lang, relative: bool, width: WidthClass) -> Result<Run, SettingError> {
    let scenario = experiment.scenario()?;
    Ok(laid_out(Shared::new(tcp_sim::simulate(&scenario)), lang, relative, width))
}

/// A trace laid out for `width`, with its playback steps.
fn laid_out(trace: Shared<Trace>, lang: Lang, relative: bool, width: WidthClass) -> Run {
    let diagram = shown(&trace, lang, relative, width);
    let steps = seqdiag::steps::steps(&trace);
    (trace, diagram, Rc::new(steps))
}

/// The diagram of `trace` laid out for `width`.
fn shown(trace: &Trace, lang: Lang, relative: bool, width: WidthClass) -> Shared<Diagram> {
    Shared::new(seqdiag::layout(trace, &ViewOptions { lang, relative, width, ..ViewOptions::default() }))
}

/// A first guess of the diagram box's width class, before it is measured: the window's width
/// less the page's margins.
fn guessed_width() -> WidthClass {
    if let Some(width) = crate::upgrade::initial_width() {
        return width;
    }
    let window_width = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1280.0);
    WidthClass::for_box_width(window_width as f32 - 40.0)
}

/// Milliseconds since the page started (`performance.now()`).
pub(crate) fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl AppState {
    /// The state for an experiment, shown complete (last step). If the experiment is bad, the
    /// default one is shown with the error.
    pub fn new(experiment: Experiment, lang: Lang, relative: bool) -> AppState {
        let started = now_ms();
        let width = guessed_width();
        let (experiment, result, error) = match run(&experiment, lang, relative, width) {
            Ok(r) => (experiment, r, None),
            Err(e) => {
                let fallback = Experiment::default();
                let r = run(&fallback, lang, relative, width).unwrap_or_default();
                (fallback, r, Some(e))
            }
        };
        let (trace, shown, steps) = result;
        let step = shown.steps.len().saturating_sub(1);
        AppState {
            experiment,
            shown,
            width,
            trace,
            steps,
            step,
            playing: false,
            speed: 1,
            lang,
            relative,
            selected: None,
            error,
            last_run_ms: now_ms() - started,
            range: None,
            ui: None,
            theme: None,
            #[cfg(feature = "full")]
            capture: None,
        }
    }

    /// The state a permalink describes: its experiment, shown at its step, in its language and
    /// numbering. A link that cannot be read shows the default experiment and says why.
    /// In an embed, the link's parts, step range and autoplay apply too (autoplay only when
    /// `motion` is allowed; otherwise the range is shown complete).
    pub fn from_link(link: Result<(Experiment, View), SettingError>, mode: Mode, motion: bool) -> AppState {
        match link {
            Ok((experiment, view)) => {
                let mut s = AppState::new(experiment, view.lang, view.relative);
                s.theme = view.theme;
                if mode == Mode::Embed {
                    (s.ui, s.range) = (view.ui, view.range);
                }
                s.step = match view.step {
                    Some(step) => step.clamp(s.first_step(), s.last_step()),
                    None => s.last_step(),
                };
                if mode == Mode::Embed && view.autoplay && motion {
                    (s.step, s.playing) = (s.first_step(), true);
                }
                s
            }
            Err(e) => {
                let mut s = AppState::new(Experiment::default(), Lang::En, true);
                s.error = Some(e);
                s
            }
        }
    }

    /// What a permalink of this state (on the full page) holds beyond the experiment.
    pub fn view(&self) -> View {
        View {
            step: (self.step < self.diagram_end()).then_some(self.step),
            lang: self.lang,
            relative: self.relative,
            theme: self.theme,
            ..View::default()
        }
    }

    /// The diagram's last step.
    fn diagram_end(&self) -> usize {
        self.shown.steps.len().saturating_sub(1)
    }

    /// The last step playback can reach: the diagram's, or the locked range's.
    pub fn last_step(&self) -> usize {
        let end = self.diagram_end();
        self.range.map_or(end, |(_, b)| b.min(end))
    }

    /// The first step playback can reach: 0, or the locked range's start.
    pub fn first_step(&self) -> usize {
        self.range.map_or(0, |(a, _)| a.min(self.last_step()))
    }

    /// The same state with its diagram shown at `width` (laid out again if that changed).
    fn with_width(mut self, width: WidthClass) -> AppState {
        if width == self.width {
            return self;
        }
        self.width = width;
        self.laid_out_again()
    }

    /// A connection of a real capture, as captured: its trace (both ends' states inferred), and
    /// as the experiment the scenario derived from it, which any change re-runs.
    #[cfg(feature = "full")]
    fn showing_capture(mut self, connection: Shared<crate::capture_file::CapturedConnection>) -> AppState {
        let import = &connection.import;
        self.experiment = Experiment::custom(import.scenario.clone());
        self.trace = Shared::new(import.trace.clone());
        self.steps = Rc::new(seqdiag::steps::steps(&self.trace));
        self = self.laid_out_again();
        self.step = self.last_step();
        (self.selected, self.playing, self.error) = (None, false, None);
        self.capture = Some(CaptureShown { connection, rerun: false });
        self
    }

    /// The same trace laid out again for the current language, numbering and width.
    fn laid_out_again(mut self) -> AppState {
        self.shown = shown(&self.trace, self.lang, self.relative, self.width);
        self
    }

    /// Re-simulates `experiment`; on error keeps everything and reports it.
    fn rerun(mut self, experiment: Experiment, keep_step: bool) -> AppState {
        let started = now_ms();
        match run(&experiment, self.lang, self.relative, self.width) {
            Ok(run) => self = self.showing(experiment, run, keep_step),
            Err(e) => self.error = Some(e),
        }
        self.last_run_ms = now_ms() - started;
        self
    }

    /// Shows `experiment` and its `run`, at the same step if `keep_step` (unless at the end).
    fn showing(mut self, experiment: Experiment, (trace, diagram, steps): Run, keep_step: bool) -> AppState {
        let at_end = self.step >= self.last_step();
        self.experiment = experiment;
        self.shown = diagram;
        self.trace = trace;
        self.steps = steps;
        let last = self.last_step();
        self.step = if keep_step && !at_end { self.step.clamp(self.first_step(), last) } else { last };
        self.error = None;
        if self.selected.is_some_and(|s| s >= self.trace.segments.len()) {
            self.selected = None;
        }
        // A capture changed is a capture re-run.
        #[cfg(feature = "full")]
        if let Some(capture) = &mut self.capture {
            capture.rerun = true;
        }
        self
    }

    /// Shows a new experiment from its start of the page's life: nothing selected, not
    /// playing, no capture.
    fn fresh(mut self) -> AppState {
        self.selected = None;
        self.playing = false;
        #[cfg(feature = "full")]
        {
            self.capture = None;
        }
        self
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let s = match action {
            Action::SelectEntry(entry) => s.fresh().rerun(Experiment { entry, ..Experiment::default() }, false),
            Action::Update(experiment) => s.rerun(*experiment, true),
            Action::AddFault(request) => {
                let mut experiment = s.experiment.clone();
                experiment.add_fault(&s.trace, request);
                s.rerun(experiment, true)
            }
            Action::ClearFaults => {
                let experiment = Experiment { faults: Vec::new(), ..s.experiment.clone() };
                s.rerun(experiment, true)
            }
            Action::Select(segment) => {
                s.selected = segment;
                s
            }
            Action::Seek(step) => {
                s.step = step.clamp(s.first_step(), s.last_step());
                s
            }
            Action::StepForward => {
                s.playing = false;
                s.step = (s.step + 1).min(s.last_step());
                s
            }
            Action::StepBack => {
                s.playing = false;
                s.step = s.step.saturating_sub(1).max(s.first_step());
                s
            }
            Action::TogglePlay => {
                s.playing = !s.playing;
                if s.playing && s.step >= s.last_step() {
                    s.step = s.first_step();
                }
                s
            }
            Action::Tick => {
                if s.playing {
                    s.step = (s.step + 1).min(s.last_step());
                    s.playing = s.step < s.last_step();
                }
                s
            }
            Action::SetSpeed(i) => {
                s.speed = i.min(SPEEDS.len() - 1);
                s
            }
            // The same trace, drawn in another language or numbering: no re-simulation.
            Action::SetLang(lang) => {
                s.lang = lang;
                s.laid_out_again()
            }
            Action::SetRelative(relative) => {
                s.relative = relative;
                s.laid_out_again()
            }
            Action::DismissError => {
                s.error = None;
                s
            }
            Action::Report(e) => {
                s.error = Some(e);
                s
            }
            #[cfg(feature = "full")]
            Action::Simulated { experiment, trace, simulated_ms } => {
                let started = now_ms();
                let run = laid_out(trace, s.lang, s.relative, s.width);
                let mut s = s.fresh().showing(*experiment, run, false);
                s.last_run_ms = simulated_ms + (now_ms() - started);
                s
            }
            // The box keeps its width whatever the link shows.
            Action::Open(link, mode) => AppState::from_link(*link, mode, false).with_width(s.width),
            Action::SetWidth(width) => s.with_width(width),
            #[cfg(feature = "full")]
            Action::ShowCapture(connection) => s.showing_capture(connection),
        };
        Rc::new(s)
    }
}
