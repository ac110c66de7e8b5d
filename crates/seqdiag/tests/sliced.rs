//! The page lays a big trace out a slice at a time (`seqdiag::Sliced`): sliced as finely as it
//! can be (the time is always up), the layout is the one `layout` draws at once, and a trace of
//! thousands of segments is cut into thousands of slices, so that no slice holds more than a few
//! items' work.

mod common;

use seqdiag::{Diagram, Sliced, ViewOptions, WidthClass, layout};
use tcp_sim::Trace;

/// The diagram laid out in the smallest slices, and how many slices that took.
fn finely_sliced(trace: &Trace, view: &ViewOptions) -> (Diagram, usize) {
    let always_up = || true;
    let mut sliced = Sliced::new(trace, view, &always_up);
    let mut slices = 1;
    loop {
        if let Some(d) = sliced.resume() {
            return (d, slices);
        }
        slices += 1;
    }
}

#[test]
fn a_sliced_layout_is_the_whole_layout() {
    for (name, trace) in common::catalogue_traces() {
        for width in WidthClass::ALL {
            let view = ViewOptions { width, ..ViewOptions::default() };
            let (sliced, _) = finely_sliced(&trace, &view);
            assert!(sliced == layout(&trace, &view), "{name} at {width:?}: the slices drew another diagram");
        }
    }
}

#[test]
fn a_big_trace_is_laid_out_in_small_slices() {
    for path in common::adversarial_files() {
        let trace = common::adversarial_trace(&path);
        let view = ViewOptions::default();
        let (sliced, slices) = finely_sliced(&trace, &view);
        assert!(sliced == layout(&trace, &view), "{}: the slices drew another diagram", path.display());
        // A pause after every 4 labels (arrows, state names, notes, ruler marks) at least.
        let labels = trace.segments.len() / 4;
        assert!(slices > labels, "{}: {slices} slices for {} segments", path.display(), trace.segments.len());
    }
}

#[test]
fn a_sliced_layout_with_time_to_spare_is_done_at_once() {
    let trace = common::trace("handshake");
    let never_up = || false;
    let view = ViewOptions::default();
    let mut sliced = Sliced::new(&trace, &view, &never_up);
    assert_eq!(sliced.resume(), Some(layout(&trace, &view)));
}
