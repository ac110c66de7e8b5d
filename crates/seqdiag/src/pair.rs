//! Two runs compared: each laid out as its own [`Diagram`], both on **one time axis** (the same
//! simulated instant has the same y in both), with where they part
//! ([`tcp_sim::compare::divergence`]) found in each, and one playback for both.
//!
//! The axis is built from both runs' stops: every instant either run draws something at, each
//! with the most slots either needs there, and the top below the taller of their headers. So a
//! stretch one run spends busy is as tall in the other, and a time break is in both or neither.
//! Each diagram keeps everything else of its own: its columns, its width, its labels, its steps.
//!
//! A page that plays both lays out [`layout_pair`] for the width class of one column (each
//! diagram is drawn with [`crate::svg::page_body`] as usual), plays [`Pair::steps`] (each
//! joint step says which step of each diagram to show) and marks [`Pair::marks`] in both.
//! [`crate::svg::render_pair`] writes both side by side as one SVG file.

use crate::diagram::{Anchor, Diagram, Label, Quad};
use alloc::vec::Vec;
use bilingual::Lang;
use tcp_core::Instant;
use tcp_sim::Trace;
use tcp_sim::compare::{Divergence, Run, divergence};
use tcp_sim::trace::SegId;

use crate::ViewOptions;
use crate::layout::{SharedAxis, axis_inputs, layout_shared, rows_for, with_room};

/// Two runs laid out on one time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// The first run's diagram.
    pub a: Diagram,
    /// The second run's diagram.
    pub b: Diagram,
    /// Where the runs part, if they do.
    pub divergence: Option<Divergence>,
    /// Where that is in each diagram (`[first, second]`), if they part.
    pub marks: Option<[Mark; 2]>,
    /// The playback of both: one joint step per distinct moment of either diagram, in order.
    pub steps: Vec<PairStep>,
    /// The joint step at which the runs part (an index into `steps`), if they do.
    pub divergence_step: Option<usize>,
}

/// Where the runs part, in one diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// The y of the marker line: where this run's diverging segment leaves or its state
    /// changes, or, for a run that has nothing there, the other run's y (the same instant).
    pub y: f32,
    /// The diagram's step at which it shows (its segment's sending step, its state change's),
    /// or, for a run that has nothing there, its last step at or above `y`.
    pub step: Option<usize>,
    /// The diverging segment of this run, if it has one there (`diagram.arrows[segment]`).
    pub segment: Option<SegId>,
}

/// One step of the playback of both runs: a distinct moment (an instant and a slot) of either
/// diagram. A player at joint step `k` shows, in each diagram, the items whose step is at most
/// that diagram's step here (as it does for one diagram).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairStep {
    /// When it happens.
    pub at: Instant,
    /// Its y, the same in both diagrams.
    pub y: f32,
    /// The first diagram's step to show: its last step at or before this moment (`None` before
    /// its first).
    pub a: Option<usize>,
    /// The second diagram's.
    pub b: Option<usize>,
}

/// Lays runs `a` and `b` out for `opts` (the width class is each diagram's), on one time axis,
/// and finds where they part. `layout_pair(t, t, opts)` draws `t` twice as [`crate::layout`]
/// does.
pub fn layout_pair(a: &Trace, b: &Trace, opts: &ViewOptions) -> Pair {
    let (mut stops, top_a) = axis_inputs(a, opts);
    let (stops_b, top_b) = axis_inputs(b, opts);
    stops.extend(stops_b);
    let top = top_a.max(top_b);
    let lay = |stops: Vec<(Instant, u16)>| {
        let shared = SharedAxis { stops, top };
        [layout_shared(a, opts, &shared), layout_shared(b, opts, &shared)]
    };
    // Room where notes found none is made on the shared axis, so an instant keeps one y.
    let first = lay(stops.clone());
    let [da, db] = with_room([a, b], first, |room| {
        let rows = rows_for(&stops, room);
        lay(stops.iter().copied().chain(rows).collect())
    });
    let steps = joint_steps(&da, &db);
    let divergence = divergence(a, b);
    let marks = divergence.map(|d| {
        let (own_a, own_b) = (own_mark(&da, a, &d, Run::First), own_mark(&db, b, &d, Run::Second));
        // A run with nothing there is marked at the other's y (the same instant in both).
        let y_a = own_a.or(own_b).map_or(0.0, |(y, _)| y);
        let y_b = own_b.or(own_a).map_or(0.0, |(y, _)| y);
        [
            Mark { y: y_a, step: own_a.map(|(_, s)| s).or_else(|| last_step_above(&da, y_a)), segment: d.a },
            Mark { y: y_b, step: own_b.map(|(_, s)| s).or_else(|| last_step_above(&db, y_b)), segment: d.b },
        ]
    });
    let divergence_step = marks.map(|[ma, mb]| {
        let y = ma.y.min(mb.y);
        steps.iter().position(|s| s.y >= y).unwrap_or(steps.len().saturating_sub(1))
    });
    Pair { a: da, b: db, divergence, marks, steps, divergence_step }
}

/// The words that say where two runs part, in a diagram drawn on its own (the page says it in a
/// sentence instead).
pub fn divergence_words(lang: Lang) -> &'static str {
    bilingual::pick(lang, "the runs part here", "两次运行从这里开始不同")
}

/// Where the words of [`divergence_words`] go in `d`: beside the marker line, just above it,
/// then just below it, then one and two lines further each way, and on each line at its right
/// end, its left end or its middle: the first of those places that no other text of the diagram
/// covers (the first if none is free). At the right end just above, where they always went,
/// they covered other text in 83 of the 152 file-width comparisons of the tests.
pub fn divergence_label(d: &Diagram, mark: &Mark, lang: Lang) -> Label {
    let words = divergence_words(lang);
    let size = crate::labels::SMALL_FONT;
    let ends = [(d.width - 6.0, Anchor::End), (6.0, Anchor::Start), (d.width / 2.0, Anchor::Middle)];
    let places = [-9.0, 9.0, -22.0, 22.0, -35.0, 35.0]
        .into_iter()
        .flat_map(|dy| ends.map(|(x, anchor)| (x, mark.y + dy, anchor)));
    let taken = texts(d);
    let label = |(x, y, anchor): (f32, f32, Anchor)| crate::labels::centred(words, x, y, anchor, size);
    let mut places = places.map(label);
    let first = places.next();
    first
        .clone()
        .into_iter()
        .chain(places)
        .find(|l| !taken.iter().any(|q| l.rect.quad().overlaps(q, 1.0)))
        .or(first)
        .unwrap_or_else(|| label((d.width - 6.0, mark.y - 9.0, Anchor::End)))
}

/// Where `d` has text: its labels' boxes (arrows', states', timers', notes', breaks', outages',
/// the time axis's and the hosts' headers).
pub fn texts(d: &Diagram) -> Vec<Quad> {
    labels(d).map(|l| l.rect.quad()).chain(d.arrows.iter().filter_map(|a| a.placed.as_ref().map(|p| p.quad))).collect()
}

/// `d`'s texts but its arrows' (which lie along their arrows).
fn labels(d: &Diagram) -> impl Iterator<Item = &Label> {
    d.lifelines
        .iter()
        .flat_map(|l| [&l.name_at, &l.addr_at])
        .chain(d.transitions.iter().filter_map(|t| t.placed.as_ref()))
        .chain(d.timers.iter().filter_map(|t| t.placed.as_ref()))
        .chain(d.notes.iter().filter_map(|n| n.placed.as_ref()))
        .chain(d.breaks.iter().map(|b| &b.placed))
        .chain(d.outages.iter().map(|o| &o.placed))
        .chain(d.ruler.iter().map(|m| &m.placed))
        .chain(d.caption.iter().map(|(_, l)| l))
}

/// The pieces (`(x_start, x_end)`, left to right) of the marker line across `d` at `y`: from
/// one side to the other, with a gap wherever a label lies across it (a time on the axis, a
/// state's name), so that the dashes never run through letters. Arrows' labels are not gaps:
/// they lie along their arrows, and their halo already keeps the line off their letters.
pub fn divergence_line(d: &Diagram, y: f32) -> Vec<(f32, f32)> {
    const PAD: f32 = 3.0;
    let mut gaps: Vec<(f32, f32)> = labels(d)
        .map(|l| l.rect)
        .filter(|r| r.y - 1.0 <= y && y <= r.y + r.h + 1.0)
        .map(|r| (r.x - PAD, r.x + r.w + PAD))
        .collect();
    gaps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut pieces, mut x, end) = (Vec::new(), 4.0_f32, d.width - 4.0);
    for (from, to) in gaps {
        if from.min(end) - x > 1.0 {
            pieces.push((x, from.min(end)));
        }
        x = x.max(to);
    }
    if end - x > 1.0 {
        pieces.push((x, end));
    }
    pieces
}

/// The y and step of what the divergence is in one run's diagram: its segment's arrow where it
/// leaves, or its state change; `None` where that run has nothing there.
fn own_mark(d: &Diagram, trace: &Trace, div: &Divergence, run: Run) -> Option<(f32, usize)> {
    if let Some(seg) = div.segment(run) {
        let arrow = d.arrows.get(seg.index())?;
        return Some((arrow.from.y, arrow.step));
    }
    let event = div.event(trace, run)?;
    let step = d.steps.iter().position(|s| s.events.binary_search(&event).is_ok())?;
    Some((d.steps[step].y, step))
}

/// The last step of `d` at or above `y`.
fn last_step_above(d: &Diagram, y: f32) -> Option<usize> {
    d.steps.iter().rposition(|s| s.y <= y)
}

/// The steps of both diagrams merged by moment: their y on the shared axis orders them (the
/// same instant and slot has the same y in both), equal moments merge.
fn joint_steps(a: &Diagram, b: &Diagram) -> Vec<PairStep> {
    let mut out: Vec<PairStep> = Vec::with_capacity(a.steps.len().max(b.steps.len()));
    let (mut i, mut j) = (0, 0);
    let (mut shown_a, mut shown_b) = (None, None);
    while i < a.steps.len() || j < b.steps.len() {
        let key = |s: &crate::diagram::StepMark| (s.at, s.y);
        let (ka, kb) = (a.steps.get(i).map(key), b.steps.get(j).map(key));
        let take_a = match (ka, kb) {
            (Some(x), Some(y)) => x.0 < y.0 || (x.0 == y.0 && x.1 <= y.1),
            (Some(_), None) => true,
            _ => false,
        };
        let take_b = match (ka, kb) {
            (Some(x), Some(y)) => y.0 < x.0 || (x.0 == y.0 && y.1 <= x.1),
            (None, Some(_)) => true,
            _ => false,
        };
        let (at, y) = if take_a { ka.unwrap_or_default() } else { kb.unwrap_or_default() };
        if take_a {
            shown_a = Some(i);
            i += 1;
        }
        if take_b {
            shown_b = Some(j);
            j += 1;
        }
        out.push(PairStep { at, y, a: shown_a, b: shown_b });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcp_sim::{catalogue, simulate};

    fn trace(name: &str) -> Trace {
        simulate(&catalogue::get(name).expect("entry").scenario().expect("scenario"))
    }

    #[test]
    fn joint_steps_merge_equal_moments_and_keep_each_order() {
        let a = trace("lost-final-ack");
        let mut s = catalogue::get("lost-final-ack").expect("entry").scenario().expect("scenario");
        s.faults.clear();
        let b = simulate(&s);
        let p = layout_pair(&a, &b, &ViewOptions::default());
        // Every step of each diagram is shown by some joint step, in order.
        for (d, pick) in [(&p.a, 0), (&p.b, 1)] {
            let shown: Vec<usize> = p.steps.iter().filter_map(|s| if pick == 0 { s.a } else { s.b }).collect();
            assert!(shown.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(shown.last().copied(), Some(d.steps.len() - 1));
            let mut distinct = shown.clone();
            distinct.dedup();
            assert_eq!(distinct.len(), d.steps.len());
        }
        assert!(p.steps.windows(2).all(|w| w[0].y < w[1].y), "joint steps go down the page");
        // Up to the dropped ACK, both runs are alike: one joint step per step of each.
        let k = p.divergence_step.expect("they part");
        for s in &p.steps[..k] {
            assert_eq!(s.a, s.b, "{s:?}");
        }
    }
}
