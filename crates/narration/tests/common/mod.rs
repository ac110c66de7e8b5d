//! Shared by the integration tests: run a catalogue entry and render its narration step by step.
#![allow(dead_code)]

use narration::{Lang, headline, narrate};
use std::fmt::Write;
use tcp_sim::trace::EventKind;
use tcp_sim::{Trace, catalogue, simulate};

/// The trace of catalogue entry `name`.
#[track_caller]
pub(crate) fn trace(name: &str) -> Trace {
    let entry = catalogue::get(name).unwrap_or_else(|| panic!("no catalogue entry {name}"));
    simulate(&entry.scenario().expect("catalogue scenario parses"))
}

/// The playback steps of a trace: seqdiag's steps (time, then slot).
pub(crate) fn steps(trace: &Trace) -> Vec<Vec<usize>> {
    seqdiag::steps::steps(trace).into_iter().map(|s| s.events).collect()
}

/// Whether a step shows something on the diagram (a segment sent or lost, a state change, a
/// rejection): the crate's invariant says such a step always gets at least one paragraph.
pub(crate) fn shows_something(trace: &Trace, events: &[usize]) -> bool {
    events.iter().any(|&i| {
        matches!(
            trace.events[i].kind,
            EventKind::Sent { .. } | EventKind::Lost { .. } | EventKind::State { .. } | EventKind::Rejected { .. }
        )
    })
}

/// Headline and paragraphs of every step, as a reader would see them one after the other.
pub(crate) fn render(trace: &Trace, lang: Lang, relative: bool) -> String {
    let mut out = String::new();
    for (k, events) in steps(trace).iter().enumerate() {
        let at = trace.events[events[0]].at;
        let _ = writeln!(out, "## {k} @ {at}: {}", headline(trace, events, lang, relative));
        for p in narrate(trace, events, lang, relative) {
            let _ = writeln!(out, "- {p}");
        }
    }
    out
}

/// Each catalogue entry against variants of itself, as `synack compare` makes them: without its
/// faults, and under every other profile. `(name of the pair, first run, second run)`.
pub(crate) fn variant_pairs() -> Vec<(String, Trace, Trace)> {
    let mut pairs = Vec::new();
    for entry in catalogue::ENTRIES {
        let scenario = entry.scenario().expect("catalogue scenario parses");
        let first = simulate(&scenario);
        let mut without = scenario.clone();
        without.faults.clear();
        pairs.push((format!("{} / no faults", entry.name), first.clone(), simulate(&without)));
        for profile in tcp_core::config::Profile::ALL.into_iter().filter(|&p| p != scenario.profile) {
            let mut other = scenario.clone();
            other.profile = profile;
            pairs.push((format!("{} / {}", entry.name, profile.name()), first.clone(), simulate(&other)));
        }
    }
    pairs
}
