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

/// How long a slice may run before the browser gets a turn, in milliseconds: a third of a 60 Hz
/// frame, so that a frame still has room for its style, layout and paint.
pub const SLICE_MS: f64 = 5.0;

/// Steps taken between two looks at the clock.
const STEPS_PER_LOOK: usize = 64;

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

/// Waits for the browser's next task (a `setTimeout` of 0): what it had to do (paint a frame,
/// answer the reader) comes first.
pub async fn next_task() {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let waits = web_sys::window().is_some_and(|w| w.set_timeout_with_callback(&resolve).is_ok());
        if !waits {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// Simulates `scenario` within the default work budget, in slices of about [`SLICE_MS`], waiting
/// for the browser's next task between two slices. `progress` hears the steps taken after each
/// slice. None if `stop` was set before the run was over.
pub async fn simulate(scenario: &Scenario, progress: impl Fn(usize), stop: &Cell<Stop>) -> Option<Trace> {
    let mut sim = Simulator::new(scenario, Limits::DEFAULT);
    in_slices(stop, |start| {
        let mut done = false;
        while !done && now_ms() - start < SLICE_MS {
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
/// same figures), in slices of about [`SLICE_MS`]; `progress` hears how many runs are done after
/// each slice. None if `stop` was set before the last run.
pub async fn odds(
    scenario: &Scenario,
    seeds: std::ops::Range<u64>,
    progress: impl Fn(usize),
    stop: &Cell<Stop>,
) -> Option<tcp_sim::Odds> {
    let mut odds = tcp_sim::Odds { runs: Vec::with_capacity(seeds.clone().count()) };
    let mut next = seeds.start;
    in_slices(stop, |start| {
        while next < seeds.end && (odds.runs.is_empty() || now_ms() - start < SLICE_MS) {
            odds.runs.push(tcp_sim::RunSummary::run(scenario, Limits::DEFAULT, next));
            next += 1;
        }
        progress(odds.runs.len());
        (next == seeds.end).then_some(())
    })
    .await?;
    Some(odds)
}

/// Runs `slice` (told when its slice began) until it returns its result, waiting for the
/// browser's next task between two slices; None if `stop` was set meanwhile. The one loop of
/// every piece of work done in slices.
pub async fn in_slices<T>(stop: &Cell<Stop>, mut slice: impl FnMut(f64) -> Option<T>) -> Option<T> {
    loop {
        if let Some(done) = slice(now_ms()) {
            return Some(done);
        }
        next_task().await;
        if stop.get() != Stop::No {
            return None;
        }
    }
}

/// Lays `trace` out for `view`, in slices of about [`SLICE_MS`] (none if it fits in one), waiting
/// for the browser's next task between two slices. None if `stop` was set before it was done.
pub async fn lay_out(trace: &Trace, view: &ViewOptions, stop: &Cell<Stop>) -> Option<Diagram> {
    let slice_start = Cell::new(now_ms());
    let time_is_up = || now_ms() - slice_start.get() >= SLICE_MS;
    let mut sliced = seqdiag::Sliced::new(trace, view, &time_is_up);
    in_slices(stop, |start| {
        slice_start.set(start);
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
    next_task().await;
    if stop.get() != Stop::No {
        return None;
    }
    let trace = match &pending.trace {
        Some(trace) => trace.clone(),
        None => {
            let scenario = pending.experiment.scenario().ok()?;
            Shared::new(simulate(&scenario, |steps| progress(busy(Doing::Simulating(steps))), stop).await?)
        }
    };
    progress(busy(Doing::LayingOut));
    let diagram = lay_out(&trace, &pending.view, stop).await?;
    // The page draws the result in a task of its own: the last slice has used this one's time.
    next_task().await;
    (stop.get() == Stop::No).then_some((trace, diagram))
}
