//! The app's state and the actions that change it (`impl Reducible`). The experiment is
//! re-simulated and laid out here, once per change; big data lives in `Rc` so the reducer never
//! deep-clones a trace.

use crate::experiment::{Experiment, FaultRequest, SettingError};
use crate::view::View;
use crate::view::{Mode, Theme, Ui};
use bilingual::Lang;
use seqdiag::{Diagram, ViewOptions, WidthClass};
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
    /// Work too big for one frame, which the app does in slices (`slices.rs`) while the page
    /// shows what it showed (full module).
    #[cfg(feature = "full")]
    pub pending: Option<Pending>,
    /// The exercises under way, if the reader started them (full module).
    #[cfg(feature = "full")]
    pub exercise: Option<ExerciseRun>,
    /// Another run shown beside this one, if the reader compares (full module).
    #[cfg(feature = "full")]
    pub compare: Option<Comparison>,
}

/// Two runs compared (issue #14's "compare"): the experiment on screen and `other`, laid out on
/// one time axis (`pair.a` is what the state `shown`s), where they part marked in both. The other
/// run follows the playback: at each step of the first, it shows what happened up to that moment.
#[cfg(feature = "full")]
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The other run's experiment.
    pub other: Experiment,
    /// Its trace, once simulated (once per `other`: a change on screen does not run it again).
    pub trace: Option<Shared<Trace>>,
    /// Both runs laid out on one time axis, once both are simulated.
    pub pair: Option<Shared<seqdiag::pair::Pair>>,
    /// The other run's diagram (`pair.b`), shared with the component that draws it.
    pub shown: Option<Shared<Diagram>>,
}

#[cfg(feature = "full")]
impl Comparison {
    /// A comparison with `other`, not yet simulated.
    pub fn with(other: Experiment) -> Comparison {
        Comparison { other, trace: None, pair: None, shown: None }
    }
}

/// The experiment's exercises asked of the run on screen (issue #14's "predict, then reveal"):
/// playback stops just before the next question's step until the reader has answered it.
#[cfg(feature = "full")]
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseRun {
    /// The questions this run can be asked, in the order of their steps.
    pub questions: Shared<Vec<narration::exercise::Question>>,
    /// The exercises it cannot be asked (their segment or timer is not in this run), and why.
    pub skipped: Shared<Vec<narration::exercise::NotAsked>>,
    /// The reader's choice for each question answered so far; the next one is asked.
    pub picks: Vec<usize>,
}

#[cfg(feature = "full")]
impl ExerciseRun {
    /// The exercises of `experiment` asked of `trace`, none answered yet.
    fn of(experiment: &Experiment, trace: &Trace) -> ExerciseRun {
        let exercises = experiment.exercises();
        let (mut questions, mut skipped) = (Vec::new(), Vec::new());
        for q in narration::exercise::questions(&exercises, trace) {
            match q {
                Ok(q) => questions.push(q),
                Err(not) => skipped.push(not),
            }
        }
        ExerciseRun { questions: Shared::new(questions), skipped: Shared::new(skipped), picks: Vec::new() }
    }

    /// The question asked now, if any is left.
    pub fn current(&self) -> Option<&narration::exercise::Question> {
        self.questions.get(self.picks.len())
    }

    /// The last step the reader may see: the one before the current question's.
    pub fn last_visible(&self) -> Option<usize> {
        self.current().map(|q| q.step.saturating_sub(1))
    }

    /// The question open at playback step `step`: the current one, once playback has reached
    /// the last step it lets the reader see.
    pub fn open_at(&self, step: usize) -> Option<&narration::exercise::Question> {
        self.current().filter(|q| step + 1 >= q.step)
    }
}

/// A run or a layout too big for one frame, waiting to be done in slices (full module): issue
/// #10's "the page never freezes", whatever the scenario (a file, a link, a change of setting).
#[cfg(feature = "full")]
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// Tells this work from the work it replaced.
    pub id: u64,
    /// The experiment to show.
    pub experiment: Experiment,
    /// Its trace, when it is simulated already and only needs laying out; else it is simulated
    /// first.
    pub trace: Option<Shared<Trace>>,
    /// How to lay it out.
    pub view: ViewOptions,
    /// Show it at the same step (a change of settings) rather than at its end.
    pub keep_step: bool,
    /// The connection of a real capture it shows, as captured.
    pub capture: Option<Shared<crate::capture_file::CapturedConnection>>,
    /// The step a link asked for, shown once it is done (a link's own big scenario).
    pub link_step: Option<usize>,
    /// The link asked to play it from its start (an embed's autoplay).
    pub autoplay: bool,
}

/// Steps the simulator may take within a reader's action; a run that needs more starts again in
/// slices (the attempt is lost work, so it is kept short: about 4 ms of a hostile run's steps
/// in the page). Every catalogue entry takes under 100 (241 at most with 20 % loss, over five
/// seeds).
#[cfg(feature = "full")]
const QUICK_STEPS: usize = 500;
/// Segments the page lays out within a reader's action; a bigger trace is laid out in slices.
/// Every catalogue entry has under 60.
#[cfg(feature = "full")]
const QUICK_SEGMENTS: usize = 300;

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
    /// Show the reader's own scenario (a file they chose), from its start.
    #[cfg(feature = "full")]
    OpenScenario(Box<Experiment>),
    /// The pending work `id` is done (`slices.rs`): its trace, its diagram, and the time the
    /// slices took.
    #[cfg(feature = "full")]
    Finished { id: u64, trace: Shared<Trace>, diagram: Shared<Diagram>, ms: f64 },
    /// The reader cancelled the pending work `id`.
    #[cfg(feature = "full")]
    Cancelled(u64),
    /// Show a connection of a real capture the reader opened.
    #[cfg(feature = "full")]
    ShowCapture(Shared<crate::capture_file::CapturedConnection>),
    /// Start the experiment's exercises from the beginning of the run.
    #[cfg(feature = "full")]
    StartExercises,
    /// The reader's answer to the question asked (the index of the choice).
    #[cfg(feature = "full")]
    Answer(usize),
    /// Leave the exercises: playback goes anywhere again.
    #[cfg(feature = "full")]
    EndExercises,
    /// Compare the run on screen with this experiment's, side by side (`None`: stop comparing).
    #[cfg(feature = "full")]
    Compare(Option<Box<Experiment>>),
}

/// A simulated and laid-out experiment (the diagram's steps say which trace events each groups).
type Run = (Shared<Trace>, Shared<Diagram>);

/// Simulates an experiment and lays it out for `width`; the error says what is wrong with it.
pub fn run(experiment: &Experiment, lang: Lang, relative: bool, width: WidthClass) -> Result<Run, SettingError> {
    let scenario = experiment.scenario()?;
    Ok(laid_out(Shared::new(tcp_sim::simulate(&scenario)), &view_options(lang, relative, width)))
}

/// An experiment's run, done at once when it fits in a frame, else left for slices.
enum Started {
    /// Simulated and laid out.
    Now(Run),
    /// Too big: simulated already (and too big to lay out at once), or not even that.
    #[cfg(feature = "full")]
    Later(Option<Shared<Trace>>),
}

/// Runs `experiment` if it fits in a frame ([`QUICK_STEPS`], [`QUICK_SEGMENTS`]); a player only
/// ever shows the catalogue's, which always do.
fn start(experiment: &Experiment, view: &ViewOptions) -> Result<Started, SettingError> {
    let scenario = experiment.scenario()?;
    #[cfg(feature = "full")]
    {
        let mut sim = tcp_sim::Simulator::new(&scenario, tcp_sim::Limits::DEFAULT);
        if sim.run_steps(QUICK_STEPS) != tcp_sim::Progress::Done {
            return Ok(Started::Later(None));
        }
        let trace = sim.finish();
        if trace.segments.len() > QUICK_SEGMENTS {
            return Ok(Started::Later(Some(Shared::new(trace))));
        }
        Ok(Started::Now(laid_out(Shared::new(trace), view)))
    }
    #[cfg(not(feature = "full"))]
    Ok(Started::Now(laid_out(Shared::new(tcp_sim::simulate(&scenario)), view)))
}

/// How the page lays a trace out.
fn view_options(lang: Lang, relative: bool, width: WidthClass) -> ViewOptions {
    ViewOptions { lang, relative, width, ..ViewOptions::default() }
}

/// A trace laid out.
fn laid_out(trace: Shared<Trace>, view: &ViewOptions) -> Run {
    let diagram = Shared::new(seqdiag::layout(&trace, view));
    (trace, diagram)
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
    /// An experiment too big for a frame is shown once its slices are done, on an empty page
    /// meanwhile (full module).
    pub fn new(experiment: Experiment, lang: Lang, relative: bool) -> AppState {
        let started = now_ms();
        let width = guessed_width();
        let empty = AppState {
            experiment: Experiment::default(),
            shown: Shared::default(),
            width,
            trace: Shared::default(),
            step: 0,
            playing: false,
            speed: 1,
            lang,
            relative,
            selected: None,
            error: None,
            last_run_ms: 0.0,
            range: None,
            ui: None,
            theme: None,
            #[cfg(feature = "full")]
            capture: None,
            #[cfg(feature = "full")]
            pending: None,
            #[cfg(feature = "full")]
            exercise: None,
            #[cfg(feature = "full")]
            compare: None,
        };
        let mut s = empty.rerun(experiment, false);
        if s.error.is_some() {
            let error = s.error.take();
            s = s.rerun(Experiment::default(), false);
            s.error = error;
        }
        s.last_run_ms = now_ms() - started;
        s
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
                #[cfg(feature = "full")]
                if let Some(other) = view.compare {
                    s.compare = Some(Comparison::with(*other));
                    s = s.paired();
                }
                if mode == Mode::Embed {
                    (s.ui, s.range) = (view.ui, view.range);
                }
                // An embed that shows the exercises starts them (if the experiment has any).
                #[cfg(feature = "full")]
                if mode == Mode::Embed
                    && view.ui.is_some_and(|ui| ui.has(crate::view::Part::Exercise))
                    && !s.experiment.exercises().is_empty()
                {
                    s.exercise = Some(ExerciseRun::of(&s.experiment, &s.trace));
                    s.step = s.first_step();
                    return s;
                }
                s.step = match view.step {
                    Some(step) => step.clamp(s.first_step(), s.last_step()),
                    None => s.last_step(),
                };
                let autoplay = mode == Mode::Embed && view.autoplay && motion;
                if autoplay {
                    (s.step, s.playing) = (s.first_step(), true);
                }
                // A link's own big scenario is shown once its slices are done: at its step then.
                #[cfg(feature = "full")]
                if let Some(p) = &mut s.pending {
                    (p.link_step, p.autoplay, s.playing) = (view.step, autoplay, false);
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
            #[cfg(feature = "full")]
            compare: self.compare.as_ref().map(|c| Box::new(c.other.clone())),
            ..View::default()
        }
    }

    /// The step the other run of a comparison shows at this step: what it did up to the same
    /// moment (all of it at the last step).
    #[cfg(feature = "full")]
    pub fn compared_step(&self) -> usize {
        let Some(pair) = self.compare.as_ref().and_then(|c| c.pair.as_ref()) else { return 0 };
        let last = pair.b.steps.len().saturating_sub(1);
        if self.step >= self.diagram_end() {
            return last;
        }
        let joint = pair.steps.iter().rposition(|j| j.a == Some(self.step));
        joint.and_then(|j| pair.steps[j].b).unwrap_or(0).min(last)
    }

    /// Lays the run on screen and the other run of the comparison out on one time axis (the
    /// other is simulated first if it has not been); a run too big for a frame, or one that
    /// cannot be simulated, ends the comparison and says why.
    #[cfg(feature = "full")]
    fn paired(mut self) -> AppState {
        let Some(mut c) = self.compare.take() else { return self };
        // `n`: how many segments the run has, if it was simulated to its end.
        let too_big = |n: Option<usize>| match n {
            Some(n) => SettingError::new(
                format!("Runs of up to {QUICK_SEGMENTS} segments can be compared; this one has {n}."),
                format!("最多可对比 {QUICK_SEGMENTS} 个报文段的运行；这次运行有 {n} 个。"),
            ),
            None => SettingError::new(
                format!("Runs of up to {QUICK_SEGMENTS} segments can be compared; this one is longer."),
                format!("最多可对比 {QUICK_SEGMENTS} 个报文段的运行；这次运行更长。"),
            ),
        };
        if self.pending.is_some() {
            self.error = Some(too_big(None));
            return self;
        }
        if self.trace.segments.len() > QUICK_SEGMENTS {
            self.error = Some(too_big(Some(self.trace.segments.len())));
            return self;
        }
        let trace = match c.trace.take() {
            Some(trace) => trace,
            None => {
                let scenario = match c.other.scenario() {
                    Ok(scenario) => scenario,
                    Err(e) => {
                        self.error = Some(e);
                        return self;
                    }
                };
                let mut sim = tcp_sim::Simulator::new(&scenario, tcp_sim::Limits::DEFAULT);
                if sim.run_steps(QUICK_STEPS) != tcp_sim::Progress::Done {
                    self.error = Some(too_big(None));
                    return self;
                }
                Shared::new(sim.finish())
            }
        };
        if trace.segments.len() > QUICK_SEGMENTS {
            self.error = Some(too_big(Some(trace.segments.len())));
            return self;
        }
        let pair = seqdiag::pair::layout_pair(&self.trace, &trace, &self.view_options());
        self.shown = Shared::new(pair.a.clone());
        c.shown = Some(Shared::new(pair.b.clone()));
        (c.trace, c.pair) = (Some(trace), Some(Shared::new(pair)));
        self.compare = Some(c);
        self
    }

    /// The diagram's last step.
    fn diagram_end(&self) -> usize {
        self.shown.steps.len().saturating_sub(1)
    }

    /// The last step playback can reach: the diagram's, or the locked range's, or the one
    /// before an exercise's question.
    pub fn last_step(&self) -> usize {
        let end = self.diagram_end();
        let last = self.range.map_or(end, |(_, b)| b.min(end));
        #[cfg(feature = "full")]
        let last = self.exercise.as_ref().and_then(ExerciseRun::last_visible).map_or(last, |q| q.min(last));
        last
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
        let experiment = Experiment::custom(connection.import.scenario.clone());
        let trace = Shared::new(connection.import.trace.clone());
        (self.selected, self.playing, self.error) = (None, false, None);
        if trace.segments.len() > QUICK_SEGMENTS {
            self = self.waiting_for(experiment, Some(trace), false);
            if let Some(p) = &mut self.pending {
                p.capture = Some(connection);
            }
            return self;
        }
        let run = laid_out(trace, &self.view_options());
        self.showing_captured(experiment, run, connection)
    }

    /// Shows a connection of a real capture, laid out (`run`), at its end.
    #[cfg(feature = "full")]
    fn showing_captured(
        mut self,
        experiment: Experiment,
        run: Run,
        connection: Shared<crate::capture_file::CapturedConnection>,
    ) -> AppState {
        self = self.showing(experiment, run, false);
        self.capture = Some(CaptureShown { connection, rerun: false });
        self
    }

    /// How the page lays its trace out now.
    fn view_options(&self) -> ViewOptions {
        view_options(self.lang, self.relative, self.width)
    }

    /// The same trace laid out again for the current language, numbering and width (in slices
    /// if it is big).
    fn laid_out_again(mut self) -> AppState {
        #[cfg(feature = "full")]
        {
            // Work under way is laid out so when it is done.
            if let Some(p) = &mut self.pending {
                p.view = view_options(self.lang, self.relative, self.width);
            }
            if self.trace.segments.len() > QUICK_SEGMENTS {
                if self.pending.is_some() {
                    return self; // Another diagram replaces this one when it is done.
                }
                let (experiment, trace) = (self.experiment.clone(), Some(self.trace.clone()));
                return self.waiting_for(experiment, trace, true);
            }
        }
        // Compared: both runs on one axis, laid out once (the run alone only if that fails).
        #[cfg(feature = "full")]
        if self.compare.is_some() {
            self = self.paired();
            if self.compare.is_some() {
                return self;
            }
        }
        self.shown = Shared::new(seqdiag::layout(&self.trace, &self.view_options()));
        self
    }

    /// Re-simulates `experiment` (in slices if it is big); on error keeps everything and
    /// reports it.
    fn rerun(mut self, experiment: Experiment, keep_step: bool) -> AppState {
        let started = now_ms();
        match start(&experiment, &self.view_options()) {
            Ok(Started::Now(run)) => self = self.showing(experiment, run, keep_step),
            #[cfg(feature = "full")]
            Ok(Started::Later(trace)) => self = self.waiting_for(experiment, trace, keep_step),
            Err(e) => self.error = Some(e),
        }
        self.last_run_ms = now_ms() - started;
        self
    }

    /// Leaves `experiment` (and its `trace`, if simulated already) to be shown once its slices
    /// are done; what the page shows stays until then.
    #[cfg(feature = "full")]
    fn waiting_for(mut self, experiment: Experiment, trace: Option<Shared<Trace>>, keep_step: bool) -> AppState {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let view = self.view_options();
        self.pending =
            Some(Pending { id, experiment, trace, view, keep_step, capture: None, link_step: None, autoplay: false });
        self
    }

    /// Shows the pending work `p`, done: a new run, or the same trace laid out again.
    #[cfg(feature = "full")]
    fn finished(mut self, p: Pending, trace: Shared<Trace>, diagram: Shared<Diagram>, ms: f64) -> AppState {
        let relaid = p.trace.as_ref().is_some_and(|t| *t == self.trace) && p.experiment == self.experiment;
        self = match p.capture {
            Some(connection) => self.showing_captured(p.experiment, (trace, diagram), connection),
            None if relaid => AppState { shown: diagram, ..self },
            None => self.showing(p.experiment, (trace, diagram), p.keep_step),
        };
        if let Some(step) = p.link_step {
            self.step = step.clamp(self.first_step(), self.last_step());
        }
        if p.autoplay {
            (self.step, self.playing) = (self.first_step(), true);
        }
        self.last_run_ms = ms;
        self
    }

    /// Shows `experiment` and its `run`, at the same step if `keep_step` (unless at the end).
    fn showing(mut self, experiment: Experiment, (trace, diagram): Run, keep_step: bool) -> AppState {
        #[cfg(feature = "full")]
        {
            self.pending = None;
        }
        let at_end = self.step >= self.last_step();
        self.experiment = experiment;
        self.shown = diagram;
        self.trace = trace;
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
        // Exercises under way start again on the new run: their answers are this run's.
        #[cfg(feature = "full")]
        if self.exercise.is_some() {
            self.exercise = Some(ExerciseRun::of(&self.experiment, &self.trace));
            (self.step, self.playing) = (self.first_step(), false);
        }
        #[cfg(feature = "full")]
        let s = self.paired();
        #[cfg(not(feature = "full"))]
        let s = self;
        s
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
            Action::OpenScenario(experiment) => s.fresh().rerun(*experiment, false),
            #[cfg(feature = "full")]
            Action::Finished { id, trace, diagram, ms } => match s.pending.take() {
                Some(p) if p.id == id => s.finished(p, trace, diagram, ms),
                other => {
                    s.pending = other;
                    s
                }
            },
            #[cfg(feature = "full")]
            Action::Cancelled(id) => {
                if s.pending.as_ref().is_some_and(|p| p.id == id) {
                    s.pending = None;
                    // Cancelled before anything was shown (a link's big scenario): the default.
                    if s.shown.steps.is_empty() {
                        s = s.rerun(Experiment::default(), false);
                    }
                }
                s
            }
            // The box keeps its width whatever the link shows.
            Action::Open(link, mode) => AppState::from_link(*link, mode, false).with_width(s.width),
            Action::SetWidth(width) => s.with_width(width),
            #[cfg(feature = "full")]
            Action::ShowCapture(connection) => s.showing_capture(connection),
            #[cfg(feature = "full")]
            Action::StartExercises => {
                s.exercise = Some(ExerciseRun::of(&s.experiment, &s.trace));
                (s.step, s.playing, s.selected) = (s.first_step(), false, None);
                s
            }
            #[cfg(feature = "full")]
            Action::Answer(choice) => {
                // Answered: the question's step is shown (unless the next question is at it too).
                if let Some(run) = &mut s.exercise
                    && let Some(step) = run.current().map(|q| q.step)
                {
                    run.picks.push(choice);
                    s.playing = false;
                    s.step = step.clamp(s.first_step(), s.last_step());
                }
                s
            }
            #[cfg(feature = "full")]
            Action::EndExercises => {
                s.exercise = None;
                s
            }
            #[cfg(feature = "full")]
            Action::Compare(other) => {
                s.compare = other.map(|o| Comparison::with(*o));
                // Laid out again: on the shared axis, or on its own once the comparison ends.
                s.laid_out_again()
            }
        };
        Rc::new(s)
    }
}
