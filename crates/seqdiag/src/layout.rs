//! Trace → [`Diagram`]: headers, time axis, lanes, columns (see `columns`), arrows, then label
//! placement.

use crate::arrows::{self, LABEL_MARGIN, LOST_AT};
use crate::axis::{AxisParams, TimeAxis};
use crate::columns::{self, BAND_HW, Columns, Head, NAME_FONT, TIMER_STEP};
use crate::diagram::*;
use crate::labels::{LineIndex, Placer, SMALL_FONT, best_option, centred, centred_lines, down_to, line_height};
use crate::lanes::{self, Lanes};
use crate::num::Px;
use crate::slots::Slots;
use crate::steps;
use crate::{ViewOptions, text, wrap};
#[cfg(feature = "sliced")]
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use bilingual::Lang;
use core::fmt::Write;
#[cfg(feature = "sliced")]
use core::{
    cell::Cell,
    future::Future,
    pin::Pin,
    task::{Context, Poll, Waker},
};
use tcp_sim::Trace;
use tcp_sim::trace::{ConnId, EventKind, Fate, HostId, SegId};

/// Top of the host headers.
const HEAD_Y: f32 = 12.0;
/// Height of a one-line host header (name and address).
const HEAD_H: f32 = 42.0;

/// Lays a trace out for `opts.width`. See [`crate::diagram`] for what the result holds.
pub fn layout(trace: &Trace, opts: &ViewOptions) -> Diagram {
    layout_counting(trace, opts).0
}

/// [`layout`], and how many geometric tests placing its labels took (shapes compared, arrows
/// tested against a box): what tests count to check that layout work grows linearly with the
/// trace.
#[doc(hidden)]
pub fn layout_counting(trace: &Trace, opts: &ViewOptions) -> (Diagram, u64) {
    roomier(trace, opts, lay_out_at_once(trace, opts, &[]))
}

/// One layout pass, with `extra` stops on the axis, done at once.
fn lay_out_at_once(trace: &Trace, opts: &ViewOptions, extra: &[(tcp_core::Instant, u16)]) -> (Diagram, u64) {
    lay_out_never_pausing(trace, opts, extra, &NoPauses)
}

/// [`lay_out`] with `pauses` that never pause: done at its first poll.
fn lay_out_never_pausing(
    trace: &Trace,
    opts: &ViewOptions,
    extra: &[(tcp_core::Instant, u16)],
    never: &impl Pause,
) -> (Diagram, u64) {
    #[cfg(feature = "sliced")]
    {
        let mut whole = core::pin::pin!(lay_out(trace, opts, extra, never));
        loop {
            if let Poll::Ready(done) = whole.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                return done;
            }
        }
    }
    #[cfg(not(feature = "sliced"))]
    lay_out(trace, opts, extra, never)
}

/// `first`, a layout of `trace`, or a roomier one ([`with_room`]), with the probes of both.
fn roomier(trace: &Trace, opts: &ViewOptions, first: (Diagram, u64)) -> (Diagram, u64) {
    let (first, mut probes) = first;
    let mut base = None;
    let [best] = with_room([trace], [first], |room| {
        let base = base.get_or_insert_with(|| stops_of(trace, &Slots::of(trace)));
        let (d, more) = lay_out_at_once(trace, opts, &rows_for(base, room));
        probes += more;
        [d]
    });
    (best, probes)
}

/// How many times at most a layout is done again with more room where texts found none: each
/// pass adds rows at the instants of what the one before left out.
const ROOM_PASSES: usize = 6;

/// The longest a roomier layout may make an arrow (unless the first layout had a longer one): a
/// phone's box (80 % of 800 px, less the sticky heads and the page's playback bar: about 574 px
/// seen at 360×800) shows it whole in playback, with the margins the page keeps around a step
/// (12 px either side, and 48 above: `follow` in web/src/components/diagram.rs). Made 500 from
/// 400: two-way-ghost on a phone then draws its key note ("ack ≠ our SYN + 1: answer RST ×2")
/// with an arrow of 474 px; 560 also labelled time-wait-assassination's delayed segment (554
/// px), which the page's playback could then not show whole (`tests/diagram_fit.rs`).
const LONGEST_ROOMY_ARROW: f32 = 500.0;

/// The most segments a trace may have to be laid out again for room (and to have its arrows'
/// labels tried twice, clear of the room above application calls and not): up to
/// [`ROOM_PASSES`] more layouts of a small trace cost a few milliseconds at most (the costliest
/// entry, accept-queue-full on a phone, about 4 ms natively: BENCHMARKS.md); a flood's crowd
/// would cost many more, in a redraw that must fit a frame, for labels its tooltips give anyway.
const ROOMY_SEGMENTS: usize = 32;

/// `first`, the layouts of `traces` (one, or the two runs of a pair), or layouts with more room
/// where it leaves fewer notes out, or as many notes and fewer arrows' and timers' labels: up to
/// [`ROOM_PASSES`] times, `lay(room)` lays them out again with a row more at each instant of
/// `room` (sorted; an instant named twice gets two), which grows by the instants of the notes
/// the pass before left out; when it left none out, or no fewer than the pass before it, by
/// those of its unlabelled arrows and timers too; last, the kept layout is made again without
/// the rows at the instants of what it still leaves out, and that is kept if it is shorter and
/// leaves no more out. Traces of more than [`ROOMY_SEGMENTS`] segments are left as they are.
pub(crate) fn with_room<const N: usize>(
    traces: [&Trace; N],
    first: [Diagram; N],
    mut lay: impl FnMut(&[tcp_core::Instant]) -> [Diagram; N],
) -> [Diagram; N] {
    if traces.iter().any(|t| t.segments.len() > ROOMY_SEGMENTS) {
        return first;
    }
    // Notes left out count first (what the applications did and were told), then arrows' and
    // running timers' labels.
    let left_out = |ds: &[Diagram]| -> (usize, usize) {
        (ds.iter()).fold((0, 0), |(notes, arrows), d| {
            (
                notes + d.notes.iter().filter(|n| n.placed.is_none()).count(),
                arrows
                    + d.arrows.iter().filter(|a| a.placed.is_none() && !a.repeat).count()
                    + d.timers.iter().filter(|t| t.prominent && t.placed.is_none()).count(),
            )
        })
    };
    // Where a pass left texts out: the instants of its notes; with those of its arrows and
    // timers (each named twice: a label is taller than a row) when it left no note out, or when
    // `notes_stuck`, more rows for its notes gave them no room (then the passes left would only
    // stretch the same instants while arrows keep no label: lost-third-ack's SYN-ACK on a phone).
    let crowded = |ds: &[Diagram], notes_stuck: bool| -> Vec<tcp_core::Instant> {
        let sorted = |mut at: Vec<tcp_core::Instant>| {
            tcp_core::sort::sort_by(&mut at, &|a, b| a.cmp(b));
            at.dedup();
            at
        };
        let notes = sorted(
            (traces.iter().zip(ds))
                .flat_map(|(t, d)| d.notes.iter().filter(|n| n.placed.is_none()).map(|n| t.events[n.event].at))
                .collect(),
        );
        if !notes.is_empty() && !notes_stuck {
            return notes;
        }
        let arrows = (traces.iter().zip(ds)).flat_map(|(t, d)| {
            let left_out = d.arrows.iter().filter(|a| a.placed.is_none() && !a.repeat);
            left_out.map(|a| t.segments[a.segment.index()].sent_at)
        });
        let timers = ds.iter().flat_map(|d| {
            let left_out = d.timers.iter().filter(|t| t.prominent && t.placed.is_none());
            left_out.filter_map(|t| d.steps.get(t.step).map(|s| s.at))
        });
        let labels = sorted(arrows.chain(timers).collect()).into_iter().flat_map(|at| [at, at]);
        let mut at: Vec<tcp_core::Instant> = labels.chain(notes).collect();
        tcp_core::sort::sort_by(&mut at, &|a, b| a.cmp(b));
        at
    };
    // An arrow longer than a phone's box could not be followed in playback: room is not made at
    // the cost of making the longest arrow much longer.
    let longest = |ds: &[Diagram]| -> f32 {
        (ds.iter()).flat_map(|d| d.arrows.iter().map(|a| a.to.y - a.from.y)).fold(0.0, f32::max)
    };
    let longest_allowed = longest(&first).max(LONGEST_ROOMY_ARROW);
    let height = |ds: &[Diagram]| -> f32 { ds.iter().map(|d| d.height).fold(0.0, f32::max) };
    let mut room = Vec::new();
    // The room `best` was laid out with.
    let mut best_room = Vec::new();
    let mut crowd = crowded(&first, false);
    // Notes the pass before left out.
    let mut notes_before = left_out(&first).0;
    let mut best = first;
    for _ in 0..ROOM_PASSES {
        if crowd.is_empty() {
            break;
        }
        room.extend(crowd);
        tcp_core::sort::sort_by(&mut room, &|a, b| a.cmp(b));
        let next = lay(&room);
        let (notes, labels) = left_out(&next);
        crowd = crowded(&next, notes > 0 && notes >= notes_before);
        notes_before = notes;
        if (notes, labels) < left_out(&best) && longest(&next) <= longest_allowed {
            best = next;
            best_room.clone_from(&room);
        }
    }
    // Rows made where texts still found no room only lengthen the diagram: without them, if
    // that leaves no more texts out (accept-queue-full on a phone: 2,746 px tall, not 3,604).
    let still_out = crowded(&best, true);
    let trimmed: Vec<tcp_core::Instant> = best_room.iter().copied().filter(|at| !still_out.contains(at)).collect();
    if trimmed.len() < best_room.len() {
        let next = lay(&trimmed);
        if left_out(&next) <= left_out(&best) && height(&next) < height(&best) {
            best = next;
        }
    }
    best
}

/// The axis stops a trace's layout needs: every instant with events and the slots it needs
/// (`slots`, the trace's), where each lost segment would have arrived, the end.
pub(crate) fn stops_of(trace: &Trace, slots: &Slots) -> Vec<(tcp_core::Instant, u16)> {
    let mut stops = slots.instants.clone();
    for s in &trace.segments {
        if matches!(s.fate, Fate::Lost { .. }) {
            stops.push((s.sent_at + core::time::Duration::from_micros(s.link_delay_us), 1));
        }
    }
    stops.push((trace.end, 1));
    stops
}

/// Stops that give each instant of `room` (sorted) a row more than `base` gives it, per time
/// it is named.
pub(crate) fn rows_for(base: &[(tcp_core::Instant, u16)], room: &[tcp_core::Instant]) -> Vec<(tcp_core::Instant, u16)> {
    let mut out: Vec<(tcp_core::Instant, u16)> = Vec::new();
    for &at in room {
        match out.last_mut() {
            Some((t, n)) if *t == at => *n = n.saturating_add(1),
            _ => {
                let slots = base.iter().filter(|(t, _)| *t == at).map(|&(_, n)| n).max().unwrap_or(1);
                out.push((at, slots.saturating_add(1)));
            }
        }
    }
    out
}

/// Where a layout may pause for a slice: with the `sliced` feature, `$pause.await`; without it
/// (the web player), nowhere.
macro_rules! may_pause {
    ($pauses:ident . $point:ident ()) => {
        #[cfg(feature = "sliced")]
        $pauses.$point().await;
        #[cfg(not(feature = "sliced"))]
        let _ = $pauses;
    };
}

/// A function of the layout that may pause: `async` with the `sliced` feature, plain without it,
/// so that the web player's layout carries no code for pausing (an `async fn` that never waits
/// still costs its state machine, about a kilobyte of the first download).
macro_rules! may_pause_fn {
    ($(#[$meta:meta])* async fn $($rest:tt)*) => {
        #[cfg(feature = "sliced")]
        $(#[$meta])* async fn $($rest)*
        #[cfg(not(feature = "sliced"))]
        $(#[$meta])* fn $($rest)*
    };
}

/// A call of a [`may_pause_fn`] function, awaited with the `sliced` feature.
macro_rules! may_pause_call {
    ($call:expr) => {{
        #[cfg(feature = "sliced")]
        let out = $call.await;
        #[cfg(not(feature = "sliced"))]
        let out = $call;
        out
    }};
}

#[cfg(feature = "sliced")]
/// A layout done a slice at a time, for a page that must answer its reader meanwhile: each
/// [`Sliced::resume`] works until `time_is_up` says so (it is asked every few items), and the
/// last one returns the diagram, the same one [`layout`] returns. Dropping it cancels the work.
pub struct Sliced<'a> {
    trace: &'a Trace,
    opts: &'a ViewOptions,
    work: Pin<Box<dyn Future<Output = (Diagram, u64)> + 'a>>,
}

#[cfg(feature = "sliced")]
impl<'a> Sliced<'a> {
    /// A layout of `trace` for `opts`, not started.
    pub fn new(trace: &'a Trace, opts: &'a ViewOptions, time_is_up: &'a dyn Fn() -> bool) -> Sliced<'a> {
        Sliced::counting(trace, opts, time_is_up)
    }

    fn counting(trace: &'a Trace, opts: &'a ViewOptions, time_is_up: &'a dyn Fn() -> bool) -> Sliced<'a> {
        let pauses = Pauses { time_is_up, items: Cell::new(0) };
        Sliced { trace, opts, work: Box::pin(async move { lay_out(trace, opts, &[], &pauses).await }) }
    }

    /// Works on until the time is up: the diagram, once it is done.
    pub fn resume(&mut self) -> Option<Diagram> {
        self.resume_counting().map(|(d, _)| d)
    }

    fn resume_counting(&mut self) -> Option<(Diagram, u64)> {
        match self.work.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            // Room is made at once: only a small trace is laid out again.
            Poll::Ready(first) => Some(roomier(self.trace, self.opts, first)),
            Poll::Pending => None,
        }
    }
}

#[cfg(feature = "sliced")]
impl core::fmt::Debug for Sliced<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sliced")
    }
}

/// Where a layout may stop for a slice: after each item of its long loops, and between stages.
/// Also, with the feature `pair`, the time axis a pair layout shares with the other run.
#[cfg_attr(not(feature = "sliced"), allow(dead_code))]
trait Pause {
    /// One item done.
    async fn item(&self);
    /// A stage done.
    async fn stage(&self);
    /// The axis shared with another run, if this layout is one of a pair; `None` for a layout
    /// of its own. (Feature `pair`: without it, as in the web player, the layout is as it was.)
    #[cfg(feature = "pair")]
    fn shared_axis(&self) -> Option<&SharedAxis> {
        None
    }
}

#[cfg(feature = "pair")]
/// The time axis of two runs laid out side by side: both runs' stops (each instant with the
/// most slots either needs) and the top below the taller of their headers, so that an instant
/// has the same y in both diagrams.
pub(crate) struct SharedAxis {
    pub(crate) stops: Vec<(tcp_core::Instant, u16)>,
    pub(crate) top: f32,
}

#[cfg(feature = "pair")]
/// A layout of one run of a pair: done at once, on the shared axis.
impl Pause for SharedAxis {
    async fn item(&self) {}
    async fn stage(&self) {}
    fn shared_axis(&self) -> Option<&SharedAxis> {
        Some(self)
    }
}

#[cfg(feature = "pair")]
/// What `lay_out` builds its time axis from, for a pair layout to share: the stops of `trace`
/// ([`stops_of`], as `lay_out` takes them) and the axis's top (below the tallest host header),
/// computed as `lay_out` does, which a test checks (a pair of a run with itself is that run's
/// layout).
pub(crate) fn axis_inputs(trace: &Trace, opts: &ViewOptions) -> (Vec<(tcp_core::Instant, u16)>, f32) {
    let stops = stops_of(trace, &Slots::of(trace));
    let order = columns::order(trace);
    let heads = columns::heads(trace, &order, opts.width, opts.lang);
    let head_h = heads.iter().map(Head::height).fold(HEAD_H, f32::max);
    (stops, HEAD_Y + head_h + 30.0)
}

#[cfg(feature = "pair")]
/// [`layout`] of one run of a pair, on `shared`.
pub(crate) fn layout_shared(trace: &Trace, opts: &ViewOptions, shared: &SharedAxis) -> Diagram {
    lay_out_never_pausing(trace, opts, &[], shared).0
}

/// A layout done at once never pauses.
struct NoPauses;

impl Pause for NoPauses {
    async fn item(&self) {}
    async fn stage(&self) {}
}

#[cfg(feature = "sliced")]
/// A sliced layout pauses when its slice's time is up.
struct Pauses<'a> {
    time_is_up: &'a dyn Fn() -> bool,
    items: Cell<u32>,
}

#[cfg(feature = "sliced")]
/// Items done between two looks at the clock: one label of a long arrow among thousands takes up
/// to a millisecond in the page (16 of them made a slice overrun its end by 5 ms, BENCHMARKS.md).
const ITEMS_PER_LOOK: u32 = 4;

#[cfg(feature = "sliced")]
impl Pause for Pauses<'_> {
    /// Pauses if the slice's time is up (looked at every [`ITEMS_PER_LOOK`] items).
    async fn item(&self) {
        let n = self.items.get().wrapping_add(1);
        self.items.set(n);
        if n.is_multiple_of(ITEMS_PER_LOOK) {
            self.stage().await;
        }
    }

    /// Pauses if the slice's time is up.
    async fn stage(&self) {
        if (self.time_is_up)() {
            PauseOnce(false).await;
        }
    }
}

#[cfg(feature = "sliced")]
/// A future that is pending once: the slice ends there, and the next [`Sliced::resume`] goes on.
struct PauseOnce(bool);

#[cfg(feature = "sliced")]
impl Future for PauseOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

may_pause_fn! {
/// One layout pass, with `extra` stops on the axis (rows made for notes), pausing where `pauses`
/// says.
async fn lay_out(
    trace: &Trace,
    opts: &ViewOptions,
    extra: &[(tcp_core::Instant, u16)],
    pauses: &impl Pause,
) -> (Diagram, u64) {
    let lang = opts.lang;
    let class = opts.width;
    let slots = Slots::of(trace);
    let (step_list, step_of) = steps::build(&slots);
    let px_per_ms = if opts.px_per_ms.is_finite() && opts.px_per_ms > 0.01 { opts.px_per_ms } else { 3.5 };
    // A narrow class stretches time: what it lacks in width, its labels find in height.
    let stretch = class.metrics().stretch;
    let base = AxisParams::default();
    let params = AxisParams {
        px_per_ms: px_per_ms * stretch,
        break_after_us: u64::from(opts.break_after_ms.max(1)) * 1000,
        slot_height: base.slot_height * stretch,
        min_gap: base.min_gap * stretch,
        ..base
    };
    let mut stops = stops_of(trace, &slots);
    stops.extend_from_slice(extra);
    may_pause!(pauses.stage());
    let order = columns::order(trace);
    let heads = columns::heads(trace, &order, class, lang);
    let head_h = heads.iter().map(Head::height).fold(HEAD_H, f32::max);
    #[cfg_attr(not(feature = "pair"), allow(unused_mut))]
    let mut top = HEAD_Y + head_h + 30.0;
    #[cfg(feature = "pair")]
    if let Some(shared) = pauses.shared_axis() {
        // One of a pair: both runs' stops, and the top below both runs' headers.
        stops.extend_from_slice(&shared.stops);
        top = shared.top;
    }
    let axis = TimeAxis::new(top, params, stops);
    may_pause!(pauses.stage());
    let lanes = lanes::lanes(trace, &slots, &step_of, &axis, lang);
    may_pause!(pauses.stage());
    let plans = arrows::plans(trace, opts, &lanes.rejected);
    may_pause!(pauses.stage());
    let clocks: Vec<String> = slots.instants.iter().map(|(t, _)| bilingual::clock(lang, t.micros)).collect();
    let ruler_w = clocks.iter().map(|s| text::width(s, SMALL_FONT) + 11.0).fold(0.0, f32::max);
    let cols = columns::columns(trace, &lanes, &plans, class, ruler_w, order, heads);
    may_pause!(pauses.stage());
    let n = cols.order.len();
    let width = cols.width;
    let end_y = axis.y(trace.end).max(axis.bottom());
    let life_bottom = end_y + 24.0;

    let mut d = Diagram {
        width,
        title: format!("{}: {}", bilingual::title(lang), names(trace, &cols.order, lang, " ↔ ")),
        desc: bilingual::description(lang, &names(trace, &cols.order, lang, ", "), trace.segments.len()),
        ..Diagram::default()
    };
    let mut placer = Placer::default();
    lifelines(&mut d, &mut placer, trace, &cols, head_h);

    // Breaks: a zig-zag strip across the page, its label in the middle.
    let (left_x, right_x) = (4.0, width - 4.0);
    let mid_x = if n > 1 { (cols.xs[0] + cols.xs[n - 1]) / 2.0 } else { width / 2.0 };
    for b in axis.breaks() {
        let yc = (b.y1 + b.y2) / 2.0;
        let skipped = b.to.micros - b.from.micros;
        let label = bilingual::later(lang, skipped);
        let strip = Rect { x: left_x, y: yc - 11.0, w: right_x - left_x, h: 22.0 };
        placer.take(strip.quad());
        let (fill_path, edge_path) = zigzag(left_x, right_x, yc);
        d.breaks.push(TimeBreak {
            y1: b.y1,
            y2: b.y2,
            strip,
            fill_path,
            edge_path,
            skipped_us: skipped,
            placed: centred(&label, mid_x, yc, Anchor::Middle, SMALL_FONT),
            text: label,
        });
    }

    // Outages: a band across the lifelines while the link is down, and one over a host's
    // lifeline while it is down (crashed); its label in the middle, as near its top as a time
    // break leaves room.
    let (first, last) = (cols.xs[0], cols.xs[n - 1]);
    let link_down = (trace.outages.iter())
        .map(|&(from, until)| (first - 24.0, last + 24.0, from, until, bilingual::outage(lang, from.micros, until.micros)));
    let hosts_down = trace.downtimes().into_iter().map(|(host, from, until)| {
        let x = cols.x_of(host.index());
        let text = bilingual::down(lang, from.micros, until.map(|u| u.micros));
        (x - 22.0, x + 22.0, from, until.unwrap_or(trace.end), text)
    });
    for (x1, x2, from, until, text) in link_down.chain(hosts_down) {
        let (y1, y2) = (axis.y(from), axis.y(until).min(end_y));
        let rect = Rect { x: x1, y: y1, w: x2 - x1, h: (y2 - y1).max(2.0) };
        // Centred on the band, but inside the diagram (a host's band at its edge is narrow).
        let half = text::width(&text, SMALL_FONT) / 2.0 + 4.0;
        let mid_x = ((x1 + x2) / 2.0).min(width - half).max(half);
        let at = |y: f32| centred(&text, mid_x, y, Anchor::Middle, SMALL_FONT);
        let mut y = y1 + 13.0;
        while y + 12.0 < y2 && !placer.is_free(&at(y).rect.quad()) {
            y += 6.0;
        }
        let placed = if placer.is_free(&at(y).rect.quad()) { at(y) } else { at(y1 + 13.0) };
        placer.take(placed.rect.quad());
        let step = step_list.iter().position(|s| s.at >= from).unwrap_or(step_list.len().saturating_sub(1));
        d.outages.push(OutageBand { rect, text, placed, step });
    }

    for b in &lanes.bands {
        let rect = Rect { x: cols.x_of(b.host) - BAND_HW, y: b.y1, w: 2.0 * BAND_HW, h: (b.y2 - b.y1).max(0.0) };
        d.bands.push(StateBand { host: HostId(b.host), conn: b.conn.map(ConnId), state: b.state, count: b.count, rect, step: b.step });
    }
    arrows(&mut d, trace, &cols, &axis, &slots, &plans, &step_of);
    may_pause!(pauses.stage());
    let index = LineIndex::new(d.arrows.iter().map(|a| (a.from, a.to)).collect());
    may_pause!(pauses.stage());
    let beside = Beside { index: &index, cols: &cols };
    d.notes = notes(&lanes, &beside);
    // State names first; outside the lanes, notes and timers too; inside, those go after the
    // arrows' labels, which keep clear of where what the applications did is told if they can.
    may_pause_call!(place_transitions(&mut d, &mut placer, &beside, &lanes, stretch, pauses));
    let mut app_room = Placer::default();
    if cols.inner {
        for note in d.notes.iter().filter(|n| n.kind == NoteKind::App) {
            app_room.take(beside.label(note.host.index(), note.at.y + APP_ABOVE[0], &note.text).rect.quad());
        }
    } else {
        may_pause_call!(place_notes_and_timers(&mut d, &mut placer, &beside, &lanes, pauses));
    }
    // Crosses and arrowheads stay visible.
    for a in &d.arrows {
        if let Some(c) = a.cross {
            placer.take(Rect { x: c.x - 6.0, y: c.y - 6.0, w: 12.0, h: 12.0 }.quad());
        }
        if let Some([tip, _, _]) = a.head {
            placer.take(Rect { x: tip.x - 5.0, y: tip.y - 5.0, w: 10.0, h: 10.0 }.quad());
        }
    }
    // Kept clear of those notes' room only if that costs no arrow its label (tried on a small
    // trace only, as room is made: `with_room`).
    let before = (!app_room.is_empty() && trace.segments.len() <= ROOMY_SEGMENTS).then(|| placer.clone());
    let mut placed = may_pause_call!(arrow_labels(&d.arrows, &mut placer, None, &index, trace, &cols, &plans, pauses));
    if let Some(mut kept_clear) = before {
        let placed_clear =
            may_pause_call!(arrow_labels(&d.arrows, &mut kept_clear, Some(&app_room), &index, trace, &cols, &plans, pauses));
        if placed_clear.iter().flatten().count() >= placed.iter().flatten().count() {
            (placer, placed) = (kept_clear, placed_clear);
        }
    }
    for (arrow, label) in d.arrows.iter_mut().zip(placed) {
        arrow.placed = label;
    }
    if cols.inner {
        may_pause_call!(place_notes_and_timers(&mut d, &mut placer, &beside, &lanes, pauses));
    }

    // Ruler: simulated time at each instant where something happens, when there is room.
    let mut ruler = Placer::default();
    for (&(t, _), s) in slots.instants.iter().zip(clocks) {
        let y = axis.y(t);
        let label = centred(&s, cols.ruler_w - 10.0, y, Anchor::End, SMALL_FONT);
        if ruler.is_free(&label.rect.quad()) && placer.is_free(&label.rect.quad()) {
            ruler.take(label.rect.quad());
            d.ruler.push(TimeMark { y, text: s, placed: label });
        }
        may_pause!(pauses.item());
    }
    d.steps = step_list.into_iter().map(|s| StepMark { at: s.at, y: axis.y_slot(s.at, s.slot), events: s.events }).collect();
    let mut height = life_bottom + 16.0;
    if let Some(why) = &trace.truncated {
        let s = bilingual::truncated(lang, why);
        let lines = wrap::wrap(&s, SMALL_FONT, width - 24.0);
        let label = centred_lines(lines, 12.0, height + 4.0, Anchor::Start, SMALL_FONT);
        height += 24.0 + label.lines.len().saturating_sub(1) as f32 * label.line_height;
        d.caption = Some((s, label));
    }
    d.height = height;
    let probes = placer.probes() + ruler.probes() + index.probes();
    (d, probes)
}
}

/// The lifelines and their headers (taken in `placer`), each header box `head_h` high, centred
/// on its lifeline when it can be, else moved just enough to stay on the canvas, clear of its
/// neighbours.
fn lifelines(d: &mut Diagram, placer: &mut Placer, trace: &Trace, cols: &Columns, head_h: f32) {
    let mut room_right: f32 = cols.heads.iter().map(|h| h.w + 8.0).sum::<f32>() - 8.0;
    let mut left_edge: f32 = 2.0;
    for (c, &h) in cols.order.iter().enumerate() {
        let head = &cols.heads[c];
        let x = cols.xs[c];
        let latest = d.width - 2.0 - room_right;
        let box_x = (x - head.w / 2.0).min(latest).max(left_edge);
        room_right -= head.w + 8.0;
        left_edge = box_x + head.w + 8.0;
        let rect = Rect { x: box_x, y: HEAD_Y, w: head.w, h: head_h };
        let mid = box_x + head.w / 2.0;
        placer.take(rect.quad());
        let name_y = HEAD_Y + 15.0;
        let addr_y = name_y + 16.0 + 15.0 * (head.name_lines.len() as f32 - 1.0);
        d.lifelines.push(Lifeline {
            host: HostId(h),
            x,
            y1: HEAD_Y + head_h,
            y2: 0.0,
            head: rect,
            name_at: centred_lines(head.name_lines.clone(), mid, name_y, Anchor::Middle, NAME_FONT),
            addr_at: centred_lines(head.addr_lines.clone(), mid, addr_y, Anchor::Middle, SMALL_FONT),
            name: head.name.clone(),
            addr: head.addr.clone(),
            side: cols.sides[c],
            attacker: trace.hosts[h].attacker,
        });
    }
}

/// One arrow per segment.
fn arrows(
    d: &mut Diagram,
    trace: &Trace,
    cols: &Columns,
    axis: &TimeAxis,
    slots: &Slots,
    plans: &[arrows::Plan],
    step_of: &[usize],
) {
    let life_bottom = axis.y(trace.end).max(axis.bottom()) + 24.0;
    d.lifelines.iter_mut().for_each(|l| l.y2 = life_bottom);
    let mut send_event = vec![0usize; trace.segments.len()];
    let mut end_event = vec![None; trace.segments.len()];
    for (i, e) in trace.events.iter().enumerate() {
        match e.kind {
            EventKind::Sent { segment } => send_event[segment.index()] = i,
            EventKind::Delivered { segment } | EventKind::Lost { segment, .. } => end_event[segment.index()] = Some(i),
            _ => {}
        }
    }
    for (i, (s, plan)) in trace.segments.iter().zip(plans).enumerate() {
        let (ca, cb) = (cols.col_of[s.from.index()], cols.target(trace, s.from, s.to));
        let dir = if cb >= ca { 1.0 } else { -1.0 };
        let from = Point { x: cols.xs[ca] + dir * BAND_HW, y: axis.y_slot(s.sent_at, slots.send[i]) };
        let full_x = cols.xs[cb] - dir * BAND_HW;
        let (to, head, cross) = match s.fate {
            Fate::Delivered { at } => {
                let to = Point { x: full_x, y: axis.y_slot(at, slots.arrive[i]) };
                (to, Some(arrows::head(from, to)), None)
            }
            Fate::Lost { .. } => {
                // Where it would have arrived: the link's delay as configured.
                let would = s.sent_at + core::time::Duration::from_micros(s.link_delay_us);
                let wy = axis.y(would);
                let to = Point { x: from.x + (full_x - from.x) * LOST_AT, y: from.y + (wy - from.y) * LOST_AT };
                (to, None, Some(to))
            }
        };
        let step = step_of[send_event[i]];
        d.arrows.push(Arrow {
            segment: SegId(i),
            step,
            end_step: end_event[i].map_or(step, |e| step_of[e]),
            from,
            to,
            head,
            cross,
            kind: plan.kind,
            marks: plan.marks,
            badge: plan.badge.clone(),
            label: plan.label.clone(),
            tag: plan.tag.clone(),
            repeat: plan.hidden,
            placed: None,
        });
    }
}

may_pause_fn! {
/// Arrow labels, shortest arrows first (a long arrow has more room along it), each where it
/// crosses the fewest other arrows, wrapped when its lane is narrower than it; when annotations
/// share the lane and leave no room, wrapped narrower still. A label keeps clear of `kept_for`
/// (room wanted by texts placed later) unless that leaves it nowhere to go. Each arrow's label,
/// taken in `placer`, or `None` where it found no room.
#[allow(clippy::too_many_arguments)]
async fn arrow_labels(
    arrows: &[Arrow],
    placer: &mut Placer,
    kept_for: Option<&Placer>,
    index: &LineIndex,
    trace: &Trace,
    cols: &Columns,
    plans: &[arrows::Plan],
    pauses: &impl Pause,
) -> Vec<Option<ArrowLabel>> {
    let two_or_more = cols.order.len() >= 2;
    let mut label_order: Vec<usize> = (0..plans.len()).filter(|&i| !plans[i].hidden && two_or_more).collect();
    let mut placed = vec![None; arrows.len()];
    let span = |i: usize| arrows[i].to.y - arrows[i].from.y;
    tcp_core::sort::sort_by(&mut label_order, &|&a, &b| span(a).total_cmp(&span(b)).then(a.cmp(&b)));
    for i in label_order {
        may_pause!(pauses.item());
        let plan = &plans[i];
        let (ca, cb) = cols.span(trace, i);
        let (lo, hi) = (cols.xs[ca] + BAND_HW, cols.xs[cb] - BAND_HW);
        // A narrow lane's steep arrows keep their horizontal labels closer to the lifelines.
        let margin = if hi - lo < 150.0 { 4.0 } else { LABEL_MARGIN };
        let room = hi - lo - 2.0 * margin;
        let rooms: &[f32] = &[1.0, 0.6, 0.4];
        let clear_of = [kept_for, None].into_iter().take(if kept_for.is_some() { 2 } else { 1 });
        for (kept_for, fraction) in clear_of.flat_map(|k| rooms.iter().map(move |f| (k, f))) {
            let (lines, w, h) = arrows::wrap_label(plan, room * fraction);
            // A run's label goes along its first arrow, or else its last.
            let mut cands = Vec::new();
            for a in [&arrows[i], &arrows[plan.run_last]].into_iter().take(if plan.run_last == i { 1 } else { 2 }) {
                cands.extend(arrows::candidates(a.from, a.to, lo, hi, plan, (w, h)));
            }
            // On its own line counts as crossing one.
            let crossings = |c: &ArrowLabel, below: usize| {
                let on_line = usize::from(c.on_line);
                index.crossing(&c.quad, Some(i), below.saturating_sub(on_line)) + on_line
            };
            let free = |k: usize| placer.is_free(&cands[k].quad) && kept_for.is_none_or(|p| p.is_free(&cands[k].quad));
            let best = best_option(cands.len(), free, |k, below| crossings(&cands[k], below));
            if let Some(k) = best {
                placer.take(cands[k].quad);
                placed[i] = Some(ArrowLabel { lines, ..cands[k].clone() });
                break;
            }
        }
    }
    placed
}
}

/// Places texts beside their lifeline, on their host's side, wrapped at the columns' note
/// width, avoiding positions crossed by arrows when they can.
struct Beside<'a> {
    index: &'a LineIndex,
    cols: &'a Columns,
}

impl Beside<'_> {
    /// x of host `h`'s lifeline and its side's sign.
    fn at(&self, h: usize) -> (f32, f32) {
        (self.cols.x_of(h), self.cols.sides[self.cols.col_of[h]].sign())
    }

    /// `s` at `y` beside host `h`, wrapped at the note width.
    fn label(&self, h: usize, y: f32, s: &str) -> Label {
        let (x, sign) = self.at(h);
        let anchor = if sign < 0.0 { Anchor::End } else { Anchor::Start };
        let lines = wrap::wrap(s, SMALL_FONT, self.cols.note_w);
        centred_lines(lines, x + sign * self.cols.text_offset[h], y, anchor, SMALL_FONT)
    }

    /// `s` at `y` beside host `h`, moved by the first free shift of least crossings.
    fn place(&self, placer: &mut Placer, h: usize, y: f32, s: &str, shifts: &[f32]) -> Option<Label> {
        placer.place_near(&self.label(h, y, s), shifts, |q, below| self.index.crossing(q, None, below))
    }
}

may_pause_fn! {
/// State changes, their names placed longest-lasting state first.
async fn place_transitions(
    d: &mut Diagram,
    placer: &mut Placer,
    beside: &Beside<'_>,
    lanes: &Lanes,
    stretch: f32,
    pauses: &impl Pause,
) {
    let mut order: Vec<usize> = (0..lanes.transitions.len()).collect();
    tcp_core::sort::sort_by(&mut order, &|a, b| lanes.transitions[*b].room.total_cmp(&lanes.transitions[*a].room));
    let mut placed_t = vec![None; lanes.transitions.len()];
    for i in order {
        may_pause!(pauses.item());
        let m = &lanes.transitions[i];
        if (m.count_only && m.room < 14.0 * stretch) || m.merged {
            continue; // A crowd changing fast: only the counts that last are named.
        }
        let shifts = down_to((m.room - 10.0).clamp(0.0, 40.0));
        placed_t[i] = beside.place(placer, m.host, m.y, &m.text, &shifts);
    }
    for (m, placed) in lanes.transitions.iter().zip(placed_t) {
        let (x, _) = beside.at(m.host);
        let text = m.text.clone();
        d.transitions.push(Transition {
            host: HostId(m.host),
            at: Point { x, y: m.y },
            state: m.state,
            text,
            placed,
            step: m.step,
        });
    }
}
}

may_pause_fn! {
/// Timer bars, then the labels of errors and rejected segments, of the timers that matter, of
/// what the applications did and the ends of stream they read, then of the discreet timers
/// (unless the annotations share the lanes with the arrows: then those are left to their
/// tooltip).
async fn place_notes_and_timers(
    d: &mut Diagram,
    placer: &mut Placer,
    beside: &Beside<'_>,
    lanes: &Lanes,
    pauses: &impl Pause,
) {
    let down = down_to;
    for t in &lanes.timers {
        let (x, sign) = beside.at(t.host);
        d.timers.push(TimerBar {
            host: HostId(t.host),
            conn: ConnId(t.conn),
            timer: t.timer,
            x: x + sign * (BAND_HW + 5.0 + t.column as f32 * TIMER_STEP + 1.0),
            y1: t.y1,
            y2: t.y2,
            end: t.end,
            prominent: t.end != TimerEnd::Cancelled,
            text: t.text.clone(),
            placed: None,
            step: t.step,
            end_step: t.end_step,
        });
    }
    may_pause_call!(place_notes(d, placer, beside, &[NoteKind::Rejected, NoteKind::Error], pauses));
    may_pause_call!(place_notes(d, placer, beside, &[NoteKind::App, NoteKind::EndOfStream], pauses));
    for (bar, t) in d.timers.iter_mut().zip(&lanes.timers).filter(|(b, _)| b.prominent) {
        // Beside its bar, down to half a line above its end (at most 96 px, at least 32).
        let below = (t.y2 - t.y1 - line_height(SMALL_FONT) / 2.0).clamp(32.0, 96.0);
        bar.placed = beside.place(placer, t.host, t.y1, &t.text, &down(below));
        may_pause!(pauses.item());
    }
    if !beside.cols.inner {
        for (bar, t) in d.timers.iter_mut().zip(&lanes.timers).filter(|(b, _)| !b.prominent) {
            bar.placed = beside.place(placer, t.host, t.y1, &t.text, &down(16.0));
            may_pause!(pauses.item());
        }
    }
}
}

/// The notes of `lanes`, none placed yet.
fn notes(lanes: &Lanes, beside: &Beside<'_>) -> Vec<Note> {
    (lanes.notes.iter())
        .map(|m| Note {
            host: HostId(m.host),
            kind: m.kind,
            at: Point { x: beside.at(m.host).0, y: m.y },
            text: m.text.clone(),
            placed: None,
            step: m.step,
            event: m.event,
        })
        .collect()
}

/// Where a note of what an application did may go first, from its instant: just above it (the
/// call comes before what it causes).
const APP_ABOVE: [f32; 3] = [-14.0, -18.0, -22.0];

/// How far below its instant a note may go (a note of what an application did, after
/// [`APP_ABOVE`]): about a row.
const NOTE_BELOW: f32 = 48.0;

may_pause_fn! {
/// Places the notes of `kinds`, each beside its lifeline, as near its instant as there is room
/// (what an application did: [`APP_ABOVE`] first; any note: at it or below, down to
/// [`NOTE_BELOW`]); a note with no room there is left to its tooltip.
async fn place_notes(d: &mut Diagram, placer: &mut Placer, beside: &Beside<'_>, kinds: &[NoteKind], pauses: &impl Pause) {
    let below = down_to(NOTE_BELOW);
    let app: Vec<f32> = APP_ABOVE.iter().copied().chain(below.iter().copied()).collect();
    for note in d.notes.iter_mut().filter(|n| kinds.contains(&n.kind)) {
        let shifts = if note.kind == NoteKind::App { &app } else { &below };
        note.placed = beside.place(placer, note.host.index(), note.at.y, &note.text, shifts);
        may_pause!(pauses.item());
    }
}
}

/// Path data of a break strip between `x1` and `x2` around `yc`: the filled shape and its edges.
/// Each edge is a zig-zag of 6 px teeth, written as relative steps (`l6,5l6,-5…`) so that a wide
/// strip costs a few formatted numbers, not hundreds.
fn zigzag(x1: f32, x2: f32, yc: f32) -> (String, String) {
    let (amp, half) = (2.5, 8.5);
    // Corners at x1, x1 + 6, … (below x2), then x2; the first is up, then they alternate.
    // ceil, without std: a partial tooth counts.
    let span = (x2 - x1) / 6.0;
    let teeth = ((span as usize) + usize::from((span as usize as f32) < span)).max(1);
    let y_at = |k: usize, dy: f32| yc + dy + if k.is_multiple_of(2) { -amp } else { amp };
    let last_x = x1 + 6.0 * (teeth - 1) as f32;
    let forward = |dy: f32, first: char, out: &mut String| {
        let _ = write!(out, "{first}{},{}", Px(x1), Px(y_at(0, dy)));
        for k in 1..teeth {
            out.push_str(if k % 2 == 1 { "l6,5" } else { "l6,-5" });
        }
        let _ = write!(out, "L{},{}", Px(x2), Px(y_at(teeth, dy)));
    };
    let backward = |dy: f32, out: &mut String| {
        let _ = write!(out, "L{},{}L{},{}", Px(x2), Px(y_at(teeth, dy)), Px(last_x), Px(y_at(teeth - 1, dy)));
        for k in (0..teeth - 1).rev() {
            out.push_str(if k % 2 == 0 { "l-6,-5" } else { "l-6,5" });
        }
    };
    let mut fill = String::new();
    forward(-half, 'M', &mut fill);
    backward(half, &mut fill);
    fill.push('Z');
    let mut edges = String::new();
    forward(-half, 'M', &mut edges);
    forward(half, 'M', &mut edges);
    (fill, edges)
}

fn names(trace: &Trace, order: &[usize], lang: Lang, sep: &str) -> String {
    let all: Vec<String> = order.iter().map(|&h| bilingual::host_name(lang, &trace.hosts[h].name)).collect();
    all.join(sep)
}
