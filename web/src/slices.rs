//! Runs and layouts too big for one frame, done in slices (full module): a file, a link or a
//! change of setting can ask for a run that takes the simulator a tenth of a second or more, and
//! a layout that takes longer (issue #10's hostile inputs, within the work budget), so the page
//! runs [`tcp_sim::Simulator`] and then [`seqdiag::Sliced`] a few milliseconds at a time and lets
//! the browser paint and answer input in between, shows how far it has got, and stops if the
//! reader cancels. The trace is the one [`tcp_sim::simulate`] writes, byte for byte, and the
//! diagram the one [`seqdiag::layout`] draws (each crate's own invariant: sliced any way, the same
//! result). The state says what is pending ([`crate::state::Pending`]); the app runs it here.

use crate::state::{Pending, Shared, now_ms};
use seqdiag::{Diagram, ViewOptions};
use std::cell::Cell;
use std::rc::Rc;
use tcp_sim::{Limits, Progress, Scenario, Simulator, Trace};

/// How long a slice runs when the browser does not say how long it will stay idle (the first
/// slice, in the task that asked for the work; a browser without `requestIdleCallback`; an idle
/// callback called by its timeout), in milliseconds: a third of a 60 Hz frame, so that a frame
/// still has room for its style, layout and paint.
pub const SLICE_MS: f64 = 5.0;

/// The longest slice in an idle period, however long the browser says it will stay idle (up to
/// 50 ms when nothing is drawn): input that arrives meanwhile waits at most this long. Below a
/// frame's 16.7 ms by more than a slice's overrun (the work between two looks at the clock, and a
/// garbage collection: traced slices of 12 ms ran 12.2–17.5 ms, BENCHMARKS.md).
pub const MAX_SLICE_MS: f64 = 10.0;

/// How long an idle callback may wait for an idle period before it runs anyway.
const IDLE_TIMEOUT_MS: u32 = 100;

/// Steps taken between two looks at the clock.
const STEPS_PER_LOOK: usize = 16;

/// Work in slices, as the page shows it.
#[derive(Clone, Debug, Default)]
pub struct Busy {
    /// What is being done, and how far it has got.
    pub doing: Doing,
    /// Whether it should go on; set to stop it at its next slice.
    pub stop: Rc<Cell<Stop>>,
}

/// What work in slices is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Doing {
    /// Simulating: the steps the simulator has taken so far.
    Simulating(usize),
    /// The run is over: the diagram is being laid out.
    LayingOut,
    /// Reading a capture file: bytes read so far, of its size.
    Reading { read: f64, size: f64 },
    /// A capture's connection is read: both ends' states are being inferred.
    Inferring,
}

impl Default for Doing {
    fn default() -> Doing {
        Doing::Simulating(0)
    }
}

/// Whether a simulation in slices goes on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stop {
    /// It goes on.
    #[default]
    No,
    /// The reader cancelled it.
    Cancelled,
    /// A newer file took its place (and shows its own progress).
    Superseded,
}

impl PartialEq for Busy {
    fn eq(&self, other: &Busy) -> bool {
        self.doing == other.doing && Rc::ptr_eq(&self.stop, &other.stop)
    }
}

/// Waits until the browser is idle (`requestIdleCallback`): the frame that is due has been
/// drawn and the reader's input answered, so the work that follows holds up neither. Returns the
/// time (on [`now_ms`]'s clock) by which that work stops: the end of the idle period, at most
/// [`MAX_SLICE_MS`] away; [`SLICE_MS`] away where the browser cannot say (no
/// `requestIdleCallback`, which then waits for its next task with a `setTimeout` of 0, or an idle
/// period that did not come within [`IDLE_TIMEOUT_MS`]). With a `setTimeout` alone, a slice could
/// start just before a frame was due and push it past its vsync: the one dropped frame of issue
/// #10's capture reading (BENCHMARKS.md).
pub async fn wait_for_idle() -> f64 {
    slice_end(idle_period().await)
}

/// When a slice begun now in an idle period of `idle` ms stops ([`wait_for_idle`]).
fn slice_end(idle: Option<f64>) -> f64 {
    now_ms() + idle.map_or(SLICE_MS, |ms| ms.clamp(1.0, MAX_SLICE_MS))
}

/// Waits for the browser's next idle period; how long it has left, if the browser says.
async fn idle_period() -> Option<f64> {
    use wasm_bindgen::JsCast as _;
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let waits = web_sys::window().is_some_and(|w| {
            let options = web_sys::IdleRequestOptions::new();
            options.set_timeout(IDLE_TIMEOUT_MS);
            w.request_idle_callback_with_options(&resolve, &options).is_ok()
                || w.set_timeout_with_callback(&resolve).is_ok()
        });
        if !waits {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    // The promise settles in a microtask of the idle callback's task: the deadline still holds.
    let given = wasm_bindgen_futures::JsFuture::from(wait).await.ok();
    given
        .and_then(|v| v.dyn_into::<web_sys::IdleDeadline>().ok())
        .filter(|deadline| !deadline.did_timeout())
        .map(|deadline| deadline.time_remaining())
}

/// Waits for an idle period with at least [`ROOM_MS`] left (an idle period soon after a frame),
/// trying at most [`ROOM_TRIES`] of them, and returns by when its work stops, as
/// [`wait_for_idle`] does: for a task that puts a finished result on the page, which cannot stop
/// halfway as a slice does. Begun late in an idle period, that update ran past the frame that was
/// due (BENCHMARKS.md, the hostile files).
pub async fn wait_for_room() -> f64 {
    let mut idle = idle_period().await;
    for _ in 1..ROOM_TRIES {
        if idle.is_some_and(|ms| ms >= ROOM_MS) {
            break;
        }
        idle = idle_period().await;
    }
    slice_end(idle)
}

/// The idle time a result's update waits for ([`wait_for_room`]), in milliseconds.
pub const ROOM_MS: f64 = 10.0;

/// How many idle periods [`wait_for_room`] tries.
const ROOM_TRIES: usize = 4;

/// Simulates `scenario` within the default work budget, in slices ([`in_slices`]). `progress`
/// hears the steps taken after each slice. None if `stop` was set before the run was over.
pub async fn simulate(scenario: &Scenario, progress: impl Fn(usize), stop: &Cell<Stop>) -> Option<Trace> {
    let mut sim = Simulator::new(scenario, Limits::DEFAULT);
    in_slices(stop, |until| {
        let mut done = false;
        while !done && now_ms() < until {
            done = sim.run_steps(STEPS_PER_LOOK) == Progress::Done;
        }
        if !done {
            progress(sim.steps_taken());
        }
        done.then_some(())
    })
    .await?;
    Some(sim.finish())
}

/// Runs `scenario` once per seed of `seeds`, as `synack odds` does (the same library call, so the
/// same figures), in slices ([`in_slices`]); `progress` hears how many runs are done after
/// each slice. None if `stop` was set before the last run.
pub async fn odds(
    scenario: &Scenario,
    seeds: std::ops::Range<u64>,
    progress: impl Fn(usize),
    stop: &Cell<Stop>,
) -> Option<tcp_sim::Odds> {
    let mut odds = tcp_sim::Odds { runs: Vec::with_capacity(seeds.clone().count()) };
    let mut next = seeds.start;
    in_slices(stop, |until| {
        while next < seeds.end && (odds.runs.is_empty() || now_ms() < until) {
            odds.runs.push(tcp_sim::RunSummary::run(scenario, Limits::DEFAULT, next));
            next += 1;
        }
        progress(odds.runs.len());
        (next == seeds.end).then_some(())
    })
    .await?;
    Some(odds)
}

/// Runs `slice` (told by when it stops) until it returns its result: the first slice at once,
/// for [`SLICE_MS`], then one in each of the browser's idle periods ([`wait_for_idle`]); None if
/// `stop` was set meanwhile. The one loop of every piece of work done in slices.
pub async fn in_slices<T>(stop: &Cell<Stop>, mut slice: impl FnMut(f64) -> Option<T>) -> Option<T> {
    let mut until = now_ms() + SLICE_MS;
    loop {
        if let Some(done) = slice(until) {
            return Some(done);
        }
        until = wait_for_idle().await;
        if stop.get() != Stop::No {
            return None;
        }
    }
}

/// Lays `trace` out for `view`, in slices ([`in_slices`]; one if it fits in [`SLICE_MS`]). None if
/// `stop` was set before it was done.
pub async fn lay_out(trace: &Trace, view: &ViewOptions, stop: &Cell<Stop>) -> Option<Diagram> {
    let slice_until = Cell::new(now_ms() + SLICE_MS);
    let time_is_up = || now_ms() >= slice_until.get();
    let mut sliced = seqdiag::Sliced::new(trace, view, &time_is_up);
    in_slices(stop, |until| {
        slice_until.set(until);
        sliced.resume()
    })
    .await
}

/// Does `pending`: simulates its experiment unless its trace is there, then lays it out.
/// `progress` hears how far it has got after each slice. None if `stop` was set (or the
/// experiment cannot run, which the state checked before it left it pending).
pub async fn run(
    pending: &Pending,
    progress: impl Fn(Busy),
    stop: &Rc<Cell<Stop>>,
) -> Option<(Shared<Trace>, Diagram)> {
    let busy = |doing| Busy { doing, stop: stop.clone() };
    // The first slice gets a task of its own: the reader's action (reading the file, the quick
    // attempt at the run, the page's update) has used this one's time.
    wait_for_idle().await;
    if stop.get() != Stop::No {
        return None;
    }
    let trace = match &pending.trace {
        Some(trace) => trace.clone(),
        None => {
            let scenario = pending.experiment.scenario().ok()?;
            let trace = simulate(&scenario, |steps| progress(busy(Doing::Simulating(steps))), stop).await?;
            // The layout's first slice gets a task of its own too: the run's last slice has used
            // this one's time, and the layout's first stage has no pause inside (BENCHMARKS.md).
            wait_for_idle().await;
            if stop.get() != Stop::No {
                return None;
            }
            Shared::new(trace)
        }
    };
    progress(busy(Doing::LayingOut));
    let diagram = lay_out(&trace, &pending.view, stop).await?;
    // The page draws the result in a task of its own, with room: the last slice has used this
    // one's time.
    wait_for_room().await;
    (stop.get() == Stop::No).then_some((trace, diagram))
}
