//! What is drawn along each lifeline: state bands, transitions, timers and notes (y only; x is
//! decided once the widths of all texts are known).
//!
//! **Which state a lifeline shows.** A host may hold several connections: a listener's children,
//! an old duplicate's ghost, a SYN flood's half-open crowd. The band shows one *focus*
//! connection: the one the application connected or accepted, if open; otherwise the oldest
//! open one, kept until it closes (so a flood's first half-open connection stands for the
//! crowd). With no open connection the band shows LISTEN if the host listens, else nothing.
//! When two or more connections are open the count follows the state: `SYN_RECV ×8`. A
//! transition into CLOSED (or a child's end, when the listener remains) is labelled `CLOSED`.
//! Timers are drawn for the focus connection only.

use crate::axis::TimeAxis;
use crate::diagram::{NoteKind, TimerEnd};
use crate::slots::Slots;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use bilingual::Lang;
use tcp_core::event::Timer;
use tcp_core::{Instant, State};
use tcp_sim::Trace;
use tcp_sim::trace::{AppCall, ConnId, EventKind, Notice};

/// A stretch of one shown state.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BandSpan {
    pub(crate) host: usize,
    pub(crate) conn: Option<usize>,
    pub(crate) state: State,
    pub(crate) count: usize,
    pub(crate) y1: f32,
    pub(crate) y2: f32,
    pub(crate) step: usize,
}

/// A change of the shown state.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TransitionMark {
    pub(crate) host: usize,
    pub(crate) y: f32,
    pub(crate) state: Option<State>,
    /// The state's name alone.
    name: String,
    /// The name with the count of other open connections: `SYN_RECV ×8`, `ESTABLISHED + 8 SYN_RECV`.
    pub(crate) text: String,
    pub(crate) step: usize,
    /// How long (px) the state lasts: where its label may slide to.
    pub(crate) room: f32,
    /// Only the number of open connections changed.
    pub(crate) count_only: bool,
    /// Passed through in no time: named in the next transition's text instead.
    pub(crate) merged: bool,
}

/// A timer from armed to its end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimerSpan {
    pub(crate) host: usize,
    pub(crate) conn: usize,
    pub(crate) timer: Timer,
    pub(crate) y1: f32,
    pub(crate) y2: f32,
    pub(crate) end: TimerEnd,
    pub(crate) text: String,
    pub(crate) step: usize,
    pub(crate) end_step: usize,
    /// Column beside the lifeline (0 nearest).
    pub(crate) column: usize,
    deadline: Instant,
}

/// A note beside a lifeline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NoteSpan {
    pub(crate) host: usize,
    pub(crate) kind: NoteKind,
    pub(crate) y: f32,
    pub(crate) text: String,
    pub(crate) step: usize,
    pub(crate) event: usize,
    base: String,
    count: usize,
    last: Instant,
}

/// The same note repeated within this many microseconds of the previous one is counted, not
/// repeated.
const REPEAT_WITHIN_US: u64 = 20_000;

/// Everything along the lifelines.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Lanes {
    pub(crate) bands: Vec<BandSpan>,
    pub(crate) transitions: Vec<TransitionMark>,
    pub(crate) timers: Vec<TimerSpan>,
    pub(crate) notes: Vec<NoteSpan>,
    /// Per segment: the receiver rejected it.
    pub(crate) rejected: Vec<bool>,
    /// Per host: how many timer columns it uses.
    pub(crate) timer_columns: Vec<usize>,
}

type Shown = Option<(Option<usize>, State, usize)>;

struct Tracker<'a> {
    trace: &'a Trace,
    lang: Lang,
    state: Vec<State>,
    opened: Vec<Option<usize>>,
    app_owned: Vec<bool>,
    /// Where each connection's application closed it (`Trace::closed_by_app`).
    closed_by_app: Vec<Option<usize>>,
    listening: Vec<bool>,
    focus: Vec<Option<usize>>,
    /// Per host: its open connections (any order).
    open: Vec<Vec<usize>>,
    shown: Vec<(Shown, f32, usize)>,
    running: Vec<(usize, Timer, Option<usize>)>,
    out: Lanes,
}

fn is_open(s: State) -> bool {
    !matches!(s, State::Closed | State::Listen)
}

impl Tracker<'_> {
    /// Recomputes host `h`'s focus and shown state after event `i` at `y`.
    fn refresh(&mut self, h: usize, y: f32, step: usize) {
        let open = &self.open[h];
        let by_age = |c: &&usize| self.opened[**c];
        let app_open = open.iter().filter(|c| self.app_owned[**c]).min_by_key(by_age).copied();
        let oldest = open.iter().min_by_key(by_age).copied();
        let previous = self.focus[h];
        let keep = previous.filter(|c| is_open(self.state[*c]) && (self.app_owned[*c] || app_open.is_none()));
        self.focus[h] = keep.or(app_open).or(oldest);
        let shown: Shown = match self.focus[h] {
            Some(c) => Some((Some(c), self.state[c], open.len())),
            None if self.listening[h] => Some((None, State::Listen, 0)),
            None => None,
        };
        let (old, start_y, start_step) = self.shown[h];
        let key = |s: &Shown| s.map(|(_, st, n)| (st, n));
        if key(&shown) == key(&old) {
            self.shown[h].0 = shown;
            return;
        }
        if let Some((conn, state, count)) = old {
            self.out.bands.push(BandSpan { host: h, conn, state, count, y1: start_y, y2: y, step: start_step });
        }
        let ended = previous.filter(|c| self.state[*c] == State::Closed).is_some();
        let name = match shown {
            None => String::from(bilingual::CLOSED),
            Some((None, _, _)) if ended => String::from(bilingual::CLOSED),
            Some((_, state, _)) => format!("{state:#}"),
        };
        // The others open beside the focus: all half-open in a flood.
        let others: Vec<State> = open.iter().filter(|&&c| Some(c) != self.focus[h]).map(|&c| self.state[c]).collect();
        let all_half_open = others.iter().all(|s| *s == State::SynReceived);
        let text = match shown {
            Some((_, State::SynReceived, n)) if n >= 2 && all_half_open => format!("{name} ×{n}"),
            Some(_) if !others.is_empty() && all_half_open => format!("{name} + {} SYN_RECV", others.len()),
            Some(_) if !others.is_empty() => format!("{name} +{}", others.len()),
            _ => name.clone(),
        };
        let state = shown.map(|s| s.1);
        let count_only = old.is_some() && old.map(|o| o.1) == state;
        self.out.transitions.push(TransitionMark {
            host: h,
            y,
            state,
            name,
            text,
            step,
            room: 0.0,
            count_only,
            merged: false,
        });
        self.shown[h] = (shown, y, step);
    }

    fn end_timer(&mut self, conn: usize, timer: Timer, end: TimerEnd, y: f32, step: usize) {
        if let Some(pos) = self.running.iter().position(|r| r.0 == conn && r.1 == timer) {
            let (_, _, bar) = self.running.swap_remove(pos);
            if let Some(b) = bar {
                let span = &mut self.out.timers[b];
                span.y2 = y;
                span.end = end;
                span.end_step = step;
            }
        }
    }

    /// Adds a note; the same note again on the same host shortly after becomes `×N` on the first.
    fn note(&mut self, h: usize, kind: NoteKind, y: f32, text: String, step: usize, event: usize) {
        let at = self.trace.events[event].at;
        let same = self.out.notes.iter_mut().rev().find(|n| n.host == h && n.kind == kind);
        if let Some(n) = same.filter(|n| n.base == text && at.micros - n.last.micros <= REPEAT_WITHIN_US) {
            n.count += 1;
            n.last = at;
            n.text = format!("{} ×{}", n.base, n.count);
            return;
        }
        self.out.notes.push(NoteSpan { host: h, kind, y, base: text.clone(), text, step, event, count: 1, last: at });
    }
}

/// Computes the lanes. `step_of` maps each trace event to its step.
pub(crate) fn lanes(trace: &Trace, slots: &Slots, step_of: &[usize], axis: &TimeAxis, lang: Lang) -> Lanes {
    let mut t = Tracker {
        trace,
        lang,
        state: vec![State::Closed; trace.conns.len()],
        opened: vec![None; trace.conns.len()],
        app_owned: vec![false; trace.conns.len()],
        closed_by_app: trace.closed_by_app(),
        listening: vec![false; trace.hosts.len()],
        focus: vec![None; trace.hosts.len()],
        open: vec![Vec::new(); trace.hosts.len()],
        shown: vec![(None, 0.0, 0); trace.hosts.len()],
        running: Vec::new(),
        out: Lanes { rejected: vec![false; trace.segments.len()], ..Lanes::default() },
    };
    for (i, e) in trace.events.iter().enumerate() {
        let (at, slot) = slots.event[i];
        let y = axis.y_slot(at, slot);
        let step = step_of[i];
        // The tracker's vectors are per host and per connection: plain indices from here.
        let (h, conn) = (e.host.index(), e.conn.map(ConnId::index));
        match &e.kind {
            EventKind::State { to, .. } => {
                if let Some(c) = conn {
                    t.state[c] = *to;
                    let host = t.trace.conns[c].host.index();
                    if is_open(*to) && t.opened[c].is_none() {
                        t.opened[c] = Some(i);
                        t.open[host].push(c);
                    }
                    if !is_open(*to) {
                        t.opened[c] = None;
                        t.open[host].retain(|&o| o != c);
                    }
                    t.refresh(h, y, step);
                }
            }
            EventKind::App { call, error } => {
                match call {
                    AppCall::Listen { .. } if error.is_none() => t.listening[h] = true,
                    AppCall::Connect { .. } | AppCall::Accept => {
                        if let Some(c) = conn {
                            t.app_owned[c] = true;
                        }
                    }
                    _ => {}
                }
                t.refresh(h, y, step);
                if let Some(note) = bilingual::app_note(t.lang, call, *error) {
                    let kind = if error.is_some() { NoteKind::Error } else { NoteKind::App };
                    t.note(h, kind, y, note, step, i);
                }
            }
            EventKind::TimerArmed { timer, deadline, timeout, backoff } => {
                let Some(c) = conn else { continue };
                let was = t.running.iter().any(|r| r.0 == c && r.1 == *timer && r.2.is_some());
                t.end_timer(c, *timer, TimerEnd::Restarted, y, step);
                let drawn = was || t.focus[h] == Some(c);
                let bar = drawn.then(|| {
                    t.out.timers.push(TimerSpan {
                        host: h,
                        conn: c,
                        timer: *timer,
                        y1: y,
                        y2: y,
                        end: TimerEnd::Pending,
                        text: bilingual::timer(lang, *timer, timeout.as_micros() as u64, *backoff, was),
                        step,
                        end_step: step,
                        column: 0,
                        deadline: *deadline,
                    });
                    t.out.timers.len() - 1
                });
                t.running.push((c, *timer, bar));
            }
            EventKind::TimerCancelled { timer } => {
                if let Some(c) = conn {
                    t.end_timer(c, *timer, TimerEnd::Cancelled, y, step);
                }
            }
            EventKind::TimerFired { timer, .. } => {
                if let Some(c) = conn {
                    t.end_timer(c, *timer, TimerEnd::Fired, y, step);
                }
            }
            EventKind::Rejected { segment, reason, .. } => {
                if let Some(s) = segment {
                    t.out.rejected[s.index()] = true;
                }
                t.note(h, NoteKind::Rejected, y, bilingual::rejected(lang, *reason).into(), step, i);
            }
            EventKind::Notified { notice: Notice::Closed { reason } } => {
                let app_closed = conn.is_some_and(|c| t.closed_by_app[c].is_some());
                if let Some(s) = bilingual::close_reason(lang, *reason, app_closed) {
                    t.note(h, NoteKind::Error, y, s.into(), step, i);
                }
            }
            EventKind::Notified { notice: Notice::EndOfStream } => {
                t.note(h, NoteKind::EndOfStream, y, bilingual::end_of_stream(lang).into(), step, i);
            }
            _ => {}
        }
    }
    finish(t, trace, axis, step_of.iter().copied().max().unwrap_or(0))
}

fn finish(mut t: Tracker<'_>, trace: &Trace, axis: &TimeAxis, last_step: usize) -> Lanes {
    let end_y = axis.y(trace.end).max(axis.bottom());
    for h in 0..trace.hosts.len() {
        if let (Some((conn, state, count)), y1, step) = t.shown[h] {
            t.out.bands.push(BandSpan { host: h, conn, state, count, y1, y2: end_y, step });
        }
    }
    for (_, _, bar) in core::mem::take(&mut t.running) {
        if let Some(b) = bar {
            let span = &mut t.out.timers[b];
            span.y2 = axis.y(span.deadline.min(trace.end)).max(span.y1);
            span.end = TimerEnd::Pending;
            span.end_step = last_step;
        }
    }
    let mut out = t.out;
    // A timer armed and stopped at the same instant draws nothing.
    out.timers.retain(|s| !(s.end == TimerEnd::Cancelled && s.y2 - s.y1 < 0.5));
    // Room of each transition: until the next one on its host.
    for i in 0..out.transitions.len() {
        let (h, y) = (out.transitions[i].host, out.transitions[i].y);
        let next = out.transitions[i + 1..].iter().find(|m| m.host == h).map_or(end_y, |m| m.y);
        out.transitions[i].room = next - y;
    }
    // States passed through in no time (CLOSE_WAIT when the FIN is answered at once) are named
    // on the way: `CLOSE_WAIT → LAST_ACK`.
    for i in 0..out.transitions.len() {
        let m = &out.transitions[i];
        if m.room >= 0.5 || m.count_only {
            continue;
        }
        let (h, y) = (m.host, m.y);
        let next = (i + 1..out.transitions.len()).find(|&j| out.transitions[j].host == h);
        if let Some(j) = next.filter(|&j| out.transitions[j].y == y && !out.transitions[j].count_only) {
            out.transitions[j].text = format!("{} → {}", out.transitions[i].name, out.transitions[j].text);
            out.transitions[j].name = format!("{} → {}", out.transitions[i].name, out.transitions[j].name);
            out.transitions[i].merged = true;
        }
    }
    // Timer columns: the nearest column whose last bar ended before this one starts.
    out.timer_columns = vec![0; trace.hosts.len()];
    let mut order: Vec<usize> = (0..out.timers.len()).collect();
    tcp_core::sort::sort_by(&mut order, &|a, b| out.timers[*a].y1.total_cmp(&out.timers[*b].y1));
    let mut ends: Vec<Vec<f32>> = vec![Vec::new(); trace.hosts.len()];
    for i in order {
        let (h, y1, y2) = (out.timers[i].host, out.timers[i].y1, out.timers[i].y2);
        let col = ends[h].iter().position(|&e| e <= y1).unwrap_or(ends[h].len());
        if col == ends[h].len() {
            ends[h].push(y2);
        } else {
            ends[h][col] = y2;
        }
        out.timers[i].column = col;
        out.timer_columns[h] = ends[h].len();
    }
    out
}
