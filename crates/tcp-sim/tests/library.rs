//! The simulator as a library: a run taken in slices of any size (steps or simulated time) writes
//! the trace `simulate` writes, byte for byte, within the same limits; a seed given to the
//! simulator is the scenario's seed.

use proptest::prelude::*;
use tcp_core::Instant;
use tcp_sim::scenario::Probability;
use tcp_sim::trace::Truncation;
use tcp_sim::{Limits, Progress, Scenario, Simulator, catalogue, simulate, simulate_with};

/// Catalogue entry `index`, with a lossy link when `lossy` (so that the seed matters).
fn scenario(index: usize, lossy: bool, seed: u64) -> Scenario {
    let mut s = catalogue::ENTRIES[index].scenario().expect("entry");
    if lossy {
        s.link.loss = Probability::new(0.3).expect("a probability");
        s.seed = seed;
    }
    s
}

/// Runs `sim` in slices of `slice` steps, checking each slice on the way.
fn run_in_steps(mut sim: Simulator<'_>, slice: usize) -> String {
    loop {
        let before = sim.steps_taken();
        let events = sim.trace().events.clone();
        let progress = sim.run_steps(slice);
        assert!(sim.steps_taken() - before <= slice, "a slice takes at most its steps");
        assert!(sim.trace().events.starts_with(&events), "the trace so far only grows");
        match progress {
            Progress::Done => {
                assert!(sim.is_done());
                assert!(!sim.step(), "no step after the end");
                break;
            }
            Progress::Paused => {
                assert!(!sim.is_done());
                assert_eq!(sim.steps_taken() - before, slice, "a paused slice took all its steps");
            }
        }
    }
    sim.finish().to_json()
}

/// Runs `sim` in slices of `slice_ms` of simulated time.
fn run_in_time(mut sim: Simulator<'_>, slice_ms: u64) -> String {
    let mut at = 0;
    loop {
        at += slice_ms * 1000;
        let more = sim.run_until(Instant::from_micros(at));
        assert!(sim.now().micros <= at, "no step after the slice's end");
        if !more {
            break;
        }
    }
    sim.finish().to_json()
}

proptest! {
    #[test]
    fn runs_in_step_slices_write_the_same_trace(
        index in 0..catalogue::ENTRIES.len(),
        lossy: bool,
        seed: u64,
        slice in 1usize..50,
    ) {
        let s = scenario(index, lossy, seed);
        prop_assert_eq!(run_in_steps(Simulator::new(&s, Limits::DEFAULT), slice), simulate(&s).to_json());
    }

    #[test]
    fn runs_in_time_slices_write_the_same_trace(
        index in 0..catalogue::ENTRIES.len(),
        lossy: bool,
        seed: u64,
        slice_ms in 1u64..2_000,
    ) {
        let s = scenario(index, lossy, seed);
        prop_assert_eq!(run_in_time(Simulator::new(&s, Limits::DEFAULT), slice_ms), simulate(&s).to_json());
    }

    #[test]
    fn a_seed_override_is_the_scenario_with_that_seed(
        index in 0..catalogue::ENTRIES.len(),
        seed: u64,
        other: u64,
    ) {
        // The scenario's own seed is `other`: the override must win over it.
        let s = scenario(index, true, other);
        let mut reseeded = s.clone();
        reseeded.seed = seed;
        prop_assert_eq!(
            Simulator::with_seed(&s, Limits::DEFAULT, seed).finish().to_json(),
            simulate(&reseeded).to_json()
        );
    }
}

#[test]
fn seed_overrides_change_the_run() {
    let s = scenario(0, true, 0);
    let a = Simulator::with_seed(&s, Limits::DEFAULT, 1).finish();
    let b = Simulator::with_seed(&s, Limits::DEFAULT, 2).finish();
    assert_ne!(a.segments[0].repr.seq, b.segments[0].repr.seq, "random ISNs come from the seed");
}

#[test]
fn limits_hold_across_slices() {
    let s = catalogue::get("syn-flood").expect("entry").scenario().expect("scenario");
    for steps in [1, 5, 10, 40] {
        let limits = Limits { steps, ..Limits::DEFAULT };
        let mut sim = Simulator::new(&s, limits);
        while sim.run_steps(3) == Progress::Paused {}
        assert!(sim.steps_taken() <= steps);
        let trace = sim.finish();
        assert_eq!(trace.truncated, Some(Truncation::Steps { limit: steps }));
        assert_eq!(trace.to_json(), simulate_with(&s, limits).to_json());
    }
}

#[test]
fn finish_runs_what_is_left() {
    for entry in catalogue::ENTRIES {
        let s = entry.scenario().expect("scenario");
        let mut sim = Simulator::new(&s, Limits::DEFAULT);
        assert_eq!(sim.run_steps(2), Progress::Paused, "{}", entry.name);
        assert_eq!(sim.steps_taken(), 2);
        assert!(sim.now() > Instant::ZERO || !sim.trace().events.is_empty(), "{}", entry.name);
        assert_eq!(sim.finish().to_json(), simulate(&s).to_json(), "{}", entry.name);
    }
}

/// The hostile inputs of `../shared/adversarial/` and `tests/adversarial/`, which meet the
/// limits: sliced, they stop where `simulate` stops.
#[test]
fn hostile_inputs_sliced_write_the_same_trace() {
    let folders = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/adversarial"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/adversarial"),
    ];
    let mut files = 0;
    for folder in folders {
        for entry in std::fs::read_dir(folder).unwrap_or_else(|e| panic!("{folder}: {e}")) {
            let path = entry.expect("a directory entry").path();
            if !path.extension().is_some_and(|x| x == "toml" || x == "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a file");
            let s = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let whole = simulate(&s).to_json();
            assert_eq!(run_in_steps(Simulator::new(&s, Limits::DEFAULT), 37), whole, "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 11, "the shared reproducers and ours");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The odds (`synack odds` and the page's panel): over any entry, loss and seeds, the
    /// outcomes' shares add up to 100 %, and any seed counted under an outcome (what a bar of the
    /// page opens) reopens as an ordinary run with that outcome.
    #[test]
    fn the_odds_add_up_and_every_counted_seed_reopens_with_its_outcome(
        index in 0..catalogue::ENTRIES.len(),
        loss in 0.0f64..0.6,
        first in 0u64..1_000_000,
        runs in 1u64..40,
    ) {
        let mut s = catalogue::ENTRIES[index].scenario().expect("entry");
        s.link.loss = Probability::new(loss).expect("a probability");
        let odds = tcp_sim::Odds::run(&s, Limits::DEFAULT, first..first + runs);
        let shares: f64 = tcp_sim::Verdict::ALL.iter().map(|v| odds.share(*v)).sum();
        prop_assert!((shares - 1.0).abs() < 1e-9, "{}", shares);
        for summary in &odds.runs {
            let mut again = s.clone();
            again.seed = summary.seed;
            let outcome = tcp_sim::Outcome::of(&simulate(&again));
            prop_assert_eq!(tcp_sim::Verdict::of(&outcome), summary.verdict, "seed {}", summary.seed);
        }
    }
}
