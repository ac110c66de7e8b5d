//! Where the lifelines go: one column per host, sized for the labels between them and the
//! annotations beside them, and fitted to the width class.
//!
//! **Fitting.** The first arrangement tried is the roomy one: each gap wide enough for its
//! arrows' labels (side by side when arrows cross), annotations outside the lanes (left of the
//! first lifeline, right of the others). When that is wider than the class allows, it is
//! squeezed step by step until it fits: lanes narrowed to the class's floor, annotations
//! wrapped narrower, then annotations moved *inside* the lanes (the first host's to its right,
//! the last host's to its left), sharing the lane with the arrows; the label placer keeps them
//! apart vertically. Arrow labels wider than their lane wrap (see `arrows::wrap_label`).
//!
//! A host between two others puts its annotations on the side whose lane carries fewer
//! segments, so that a SYN flood's forged arrows never run through the server's state names.

use crate::arrows::Plan;
use crate::diagram::Side;
use crate::labels::SMALL_FONT;
use crate::lanes::Lanes;
use crate::width::{Metrics, WidthClass};
use crate::{text, wrap};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use bilingual::Lang;
use tcp_sim::{HostId, Trace};

/// Half the width of a state band.
pub(crate) const BAND_HW: f32 = 5.0;
/// Distance between timer columns.
pub(crate) const TIMER_STEP: f32 = 7.0;
/// Font size of host names.
pub(crate) const NAME_FONT: f32 = 13.0;
/// Lanes are never narrowed below this when squeezed (px between lifelines, beyond annotations).
const SQUEEZE_FLOOR: f32 = 0.6;

/// The columns of a diagram.
#[derive(Clone, Debug)]
pub(crate) struct Columns {
    /// Host of each column, left to right: hosts in trace order, attackers last.
    pub(crate) order: Vec<usize>,
    /// Column of each host.
    pub(crate) col_of: Vec<usize>,
    /// x of each column's lifeline.
    pub(crate) xs: Vec<f32>,
    /// Side of each column's annotations.
    pub(crate) sides: Vec<Side>,
    /// The annotations are inside the lanes, sharing them with the arrows.
    pub(crate) inner: bool,
    /// Canvas width in pixels, which the diagram takes as its `width`.
    pub(crate) width: f32,
    /// Annotations wrap at this width.
    pub(crate) note_w: f32,
    /// Per host: distance from the lifeline to its annotations' text.
    pub(crate) text_offset: Vec<f32>,
    /// Width of the time ruler left of the first column.
    pub(crate) ruler_w: f32,
    /// Each column's header.
    pub(crate) heads: Vec<Head>,
}

/// A host's header: its name and address, each on one line or wrapped.
#[derive(Clone, Debug)]
pub(crate) struct Head {
    pub(crate) name: String,
    pub(crate) name_lines: Vec<String>,
    pub(crate) addr: String,
    pub(crate) addr_lines: Vec<String>,
    /// Width of the box.
    pub(crate) w: f32,
}

impl Head {
    fn new(name: String, addr: String, m: &Metrics, max_text: f32) -> Head {
        let (name_lines, addr_lines) = if m.wrap_heads {
            // An address breaks before its port, or before what follows a `·`, when it must.
            let addr_lines = if text::width(&addr, SMALL_FONT) <= max_text {
                alloc::vec![addr.clone()]
            } else {
                let parts = addr.split(" · ").map(|part| wrap::wrap(&part.replace(':', " :"), SMALL_FONT, max_text));
                parts.flatten().collect()
            };
            (wrap::wrap(&name, NAME_FONT * 1.05, max_text), addr_lines)
        } else {
            (alloc::vec![name.clone()], alloc::vec![addr.clone()])
        };
        let widest = |lines: &[String], size: f32| lines.iter().map(|l| text::width(l, size)).fold(0.0, f32::max);
        let w = (widest(&name_lines, NAME_FONT) * 1.05).max(widest(&addr_lines, SMALL_FONT)) + m.head_pad;
        Head { name, name_lines, addr, addr_lines, w }
    }

    /// Height of the box.
    pub(crate) fn height(&self) -> f32 {
        42.0 + 15.0 * (self.name_lines.len() as f32 - 1.0) + 13.0 * (self.addr_lines.len() as f32 - 1.0)
    }
}

impl Columns {
    /// The column a segment from `from` to `to` ends in (`None`: an address no host owns, drawn
    /// towards the attacker, or the next column).
    pub(crate) fn target(&self, trace: &Trace, from: HostId, to: Option<HostId>) -> usize {
        let (n, from) = (self.order.len(), from.index());
        let attacker_col = self.order.iter().position(|&h| trace.hosts[h].attacker);
        match to {
            Some(to) => self.col_of[to.index()],
            None => match attacker_col.filter(|&a| a != self.col_of[from]) {
                Some(a) => a,
                None if self.col_of[from] + 1 < n => self.col_of[from] + 1,
                None => self.col_of[from].saturating_sub(1),
            },
        }
    }

    /// x of host `h`'s lifeline.
    pub(crate) fn x_of(&self, h: usize) -> f32 {
        self.xs[self.col_of[h]]
    }

    /// The gap (lane) a segment crosses: the columns it spans, lower first.
    pub(crate) fn span(&self, trace: &Trace, segment: usize) -> (usize, usize) {
        let s = &trace.segments[segment];
        let (a, b) = (self.col_of[s.from.index()], self.target(trace, s.from, s.to));
        (a.min(b), a.max(b))
    }
}

/// The widths the columns are computed from.
struct Needs {
    /// Per gap `c` (between columns `c - 1` and `c`, index 0 unused): room its arrow labels want.
    room: Vec<f32>,
    /// Per gap: segments crossing it.
    traffic: Vec<usize>,
    /// Per column: half its header's width.
    head_half: Vec<f32>,
}

/// How hard the columns are squeezed (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Squeeze {
    Roomy,
    NarrowLanes,
    NarrowNotes,
    Inner,
}

/// Hosts in column order: in trace order, attackers last.
pub(crate) fn order(trace: &Trace) -> Vec<usize> {
    let mut order: Vec<usize> = (0..trace.hosts.len()).filter(|&h| !trace.hosts[h].attacker).collect();
    order.extend((0..trace.hosts.len()).filter(|&h| trace.hosts[h].attacker));
    order
}

/// The header of each column (hosts in `order`), wrapped to share the class's width.
pub(crate) fn heads(trace: &Trace, order: &[usize], class: WidthClass, lang: Lang) -> Vec<Head> {
    let m = class.metrics();
    let max_text = (class.max_width() - 8.0) / order.len().max(1) as f32 - m.head_pad;
    let head =
        |h: usize| Head::new(bilingual::host_name(lang, &trace.hosts[h].name), host_addr(trace, h, lang), &m, max_text);
    order.iter().map(|&h| head(h)).collect()
}

/// Computes the columns for `class`, hosts in `order` with their `heads`, a ruler at least
/// `ruler_w` wide on the left.
pub(crate) fn columns(
    trace: &Trace,
    lanes: &Lanes,
    plans: &[Plan],
    class: WidthClass,
    ruler_w: f32,
    order: Vec<usize>,
    heads: Vec<Head>,
) -> Columns {
    let m = class.metrics();
    let mut col_of = vec![0usize; trace.hosts.len()];
    for (c, &h) in order.iter().enumerate() {
        col_of[h] = c;
    }
    let n = order.len();
    let text_offset: Vec<f32> =
        (0..trace.hosts.len()).map(|h| BAND_HW + 5.0 + lanes.timer_columns[h] as f32 * TIMER_STEP + 4.0).collect();
    let mut cols = Columns {
        order,
        col_of,
        xs: vec![0.0; n],
        sides: vec![Side::Right; n],
        inner: false,
        width: 0.0,
        note_w: m.note_w,
        text_offset,
        ruler_w: m.ruler_w.max(ruler_w),
        heads,
    };
    let needs = needs(trace, plans, &cols, &m);
    let max = class.max_width();
    for squeeze in [Squeeze::Roomy, Squeeze::NarrowLanes, Squeeze::NarrowNotes, Squeeze::Inner] {
        place(lanes, &needs, &m, max, squeeze, &mut cols);
        if cols.width <= max || n < 2 {
            break;
        }
    }
    cols
}

fn needs(trace: &Trace, plans: &[Plan], cols: &Columns, m: &Metrics) -> Needs {
    let n = cols.order.len();
    // Per gap: the two widest labels, and whether labels there cross.
    let mut widest = vec![(0.0f32, 0.0f32); n.max(1)];
    let mut traffic = vec![0usize; n.max(1)];
    let mut in_gap: Vec<Vec<usize>> = vec![Vec::new(); n.max(1)];
    for (i, plan) in plans.iter().enumerate() {
        let (lo, hi) = cols.span(trace, i);
        if hi != lo + 1 {
            continue;
        }
        traffic[hi] += 1;
        in_gap[hi].push(i);
        if !plan.hidden {
            let w = plan.width;
            let (w1, w2) = widest[hi];
            widest[hi] = if w > w1 { (w, w1) } else { (w1, w2.max(w)) };
        }
    }
    let room = (0..n)
        .map(|c| {
            if c == 0 {
                return 0.0; // Left of the first column: no lane.
            }
            let (w1, w2) = widest[c];
            let need = if any_crossing(trace, &in_gap[c]) { w1 + w2 + 50.0 } else { w1 + 80.0 };
            need.max(m.min_room).min(m.max_room)
        })
        .collect();
    let head_half = cols.heads.iter().map(|h| h.w / 2.0).collect();
    Needs { room, traffic, head_half }
}

/// Whether any two of `segments` go opposite ways while both in flight (their arrows cross):
/// a sweep over send times, O(n log n). Two segments from different senders cross when each
/// leaves before the other ends; segments leaving at the same instant are checked as a group.
fn any_crossing(trace: &Trace, segments: &[usize]) -> bool {
    let end = |i: usize| {
        let s = &trace.segments[i];
        s.delivered_at().unwrap_or(s.sent_at)
    };
    let mut by_send: Vec<usize> = segments.to_vec();
    tcp_core::sort::sort_by(&mut by_send, &|a, b| trace.segments[*a].sent_at.cmp(&trace.segments[*b].sent_at));
    // The latest end so far of each sender's segments (a lane has two or three senders).
    let mut latest: Vec<(HostId, tcp_core::Instant)> = Vec::new();
    for group in by_send.chunk_by(|a, b| trace.segments[*a].sent_at == trace.segments[*b].sent_at) {
        let at = trace.segments[group[0]].sent_at;
        let from = |i: &usize| trace.segments[*i].from;
        let earlier = |i: &usize| latest.iter().any(|&(f, until)| f != from(i) && at < until);
        let in_flight: Vec<&usize> = group.iter().filter(|i| end(**i) > at).collect();
        let together = in_flight.iter().any(|a| in_flight.iter().any(|b| from(a) != from(b)));
        if group.iter().any(earlier) || together {
            return true;
        }
        for &i in group {
            match latest.iter_mut().find(|(f, _)| *f == trace.segments[i].from) {
                Some(l) => l.1 = l.1.max(end(i)),
                None => latest.push((trace.segments[i].from, end(i))),
            }
        }
    }
    false
}

/// Sets the columns' x, sides and width for one squeeze level.
fn place(lanes: &Lanes, needs: &Needs, m: &Metrics, max: f32, squeeze: Squeeze, cols: &mut Columns) {
    let n = cols.order.len();
    let inner = squeeze == Squeeze::Inner;
    cols.inner = inner;
    for c in 0..n {
        cols.sides[c] = match c {
            0 if n > 1 && !inner => Side::Left,
            0 => Side::Right,
            c if c == n - 1 && inner => Side::Left,
            c if c == n - 1 => Side::Right,
            // A middle host: the side whose lane carries less.
            c if needs.traffic[c] < needs.traffic[c + 1] => Side::Left,
            _ => Side::Right,
        };
    }
    if inner {
        return place_inner(lanes, needs, m, max, cols);
    }
    cols.note_w = if squeeze >= Squeeze::NarrowNotes { m.note_w.min(110.0) } else { m.note_w };
    let ann: Vec<f32> = (0..n).map(|c| annotation_width(lanes, cols, cols.order[c])).collect();
    let ann_w = |c: usize| cols.text_offset[cols.order[c]] + ann[c] + 6.0;
    let mut room: Vec<f32> = needs.room.clone();
    if squeeze >= Squeeze::NarrowLanes {
        // Narrow every lane by the same fraction, down to the floor, to fit `max`.
        let wanted: f32 = room.iter().sum();
        let available = max - (positions(cols, needs, &ann_w, &room).1 - wanted);
        if wanted > available && wanted > 0.0 {
            let f = (available / wanted).max(SQUEEZE_FLOOR);
            room.iter_mut().for_each(|r| *r *= f);
        }
    }
    (cols.xs, cols.width) = positions(cols, needs, &ann_w, &room);
}

/// Annotations inside the lanes: the lifelines spread over the whole width, each lane wide
/// enough for its annotations beside an arrow's end and sharing the rest as the lanes' labels
/// want; annotations wrap to fit.
fn place_inner(lanes: &Lanes, needs: &Needs, m: &Metrics, max: f32, cols: &mut Columns) {
    let n = cols.order.len();
    let edge = BAND_HW + 8.0;
    let span = max - cols.ruler_w - 2.0 * edge;
    let even = span / (n - 1) as f32;
    let offset = cols.text_offset.iter().copied().fold(0.0, f32::max);
    cols.note_w = m.note_w.min(even - offset - 30.0).max(50.0);
    let ann: Vec<f32> = (0..n).map(|c| annotation_width(lanes, cols, cols.order[c])).collect();
    let ann_w = |c: usize| cols.text_offset[cols.order[c]] + ann[c] + 6.0;
    // Each lane: at least its widest annotation beside an arrow's end; then what is left, as
    // the labels want it.
    let least: Vec<f32> = (0..n)
        .map(|c| match c {
            0 => 0.0,
            c => {
                let beside = [(c - 1, Side::Right), (c, Side::Left)]
                    .iter()
                    .filter(|(k, side)| cols.sides[*k] == *side)
                    .map(|(k, _)| ann_w(*k))
                    .fold(0.0, f32::max);
                beside + 24.0
            }
        })
        .collect();
    let spare = (span - least.iter().sum::<f32>()).max(0.0);
    let want: Vec<f32> = (0..n).map(|c| (needs.room[c] - least[c]).max(0.0)).collect();
    let wanted: f32 = want.iter().sum();
    let mut xs = vec![cols.ruler_w + edge; n];
    for c in 1..n {
        let share = if wanted > 0.0 { spare * want[c] / wanted } else { spare / (n - 1) as f32 };
        xs[c] = xs[c - 1] + least[c] + share;
    }
    // The headers side by side set the least width.
    let heads: f32 = needs.head_half.iter().map(|h| 2.0 * h + 8.0).sum::<f32>() - 4.0;
    cols.width = (xs[n - 1] + edge).max(heads).max(cols.ruler_w + 200.0);
    cols.xs = xs;
}

/// x of each lifeline and the canvas width, for lanes of `room` px plus the annotations
/// outside them.
fn positions(cols: &Columns, needs: &Needs, ann_w: &dyn Fn(usize) -> f32, room: &[f32]) -> (Vec<f32>, f32) {
    let n = cols.order.len();
    let mut xs = vec![0.0f32; n];
    if n == 0 {
        return (xs, cols.ruler_w + 200.0);
    }
    let left = if cols.sides[0] == Side::Left { ann_w(0) } else { 0.0 };
    xs[0] = cols.ruler_w + left.max(needs.head_half[0]) + 8.0;
    for c in 1..n {
        let mut gap = room[c];
        if cols.sides[c - 1] == Side::Right {
            gap += ann_w(c - 1);
        }
        if cols.sides[c] == Side::Left {
            gap += ann_w(c);
        }
        xs[c] = xs[c - 1] + gap.max(needs.head_half[c - 1] + needs.head_half[c] + 24.0);
    }
    let l = n - 1;
    let right = xs[l] + ann_w(l).max(needs.head_half[l]) + 12.0;
    (xs, right.max(cols.ruler_w + 200.0))
}

/// The width of host `h`'s widest annotation once wrapped at the columns' note width.
fn annotation_width(lanes: &Lanes, cols: &Columns, h: usize) -> f32 {
    let texts = lanes.transitions.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
    let notes = lanes.notes.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
    let timers = lanes.timers.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
    texts
        .chain(notes)
        .chain(timers)
        .map(|s| wrapped_width(s, SMALL_FONT, cols.note_w))
        .fold(0.0, f32::max)
        .min(cols.note_w)
}

/// The widest line of `s` wrapped at `max`.
pub(crate) fn wrapped_width(s: &str, size: f32, max: f32) -> f32 {
    if text::width(s, size) <= max {
        return text::width(s, size);
    }
    wrap::wrap(s, size, max).iter().map(|l| text::width(l, size)).fold(0.0, f32::max)
}

/// The address line of a host's header: `192.0.2.1:40000`, the listening port if it listens.
pub(crate) fn host_addr(trace: &Trace, h: usize, lang: Lang) -> String {
    use tcp_sim::trace::{AppCall, EventKind};
    let host = &trace.hosts[h];
    if host.attacker {
        return alloc::format!("{} · {}", host.addr, bilingual::forged_sources(lang));
    }
    let port = trace.events.iter().find_map(|e| match &e.kind {
        EventKind::App { call: AppCall::Listen { port }, .. } if e.host.index() == h => Some(*port),
        _ => None,
    });
    let port = port.or_else(|| trace.conns.iter().find(|c| c.host.index() == h).map(|c| c.local.port()));
    match port {
        Some(p) => alloc::format!("{}:{p}", host.addr),
        None => alloc::format!("{}", host.addr),
    }
}
