//! Trace → [`Diagram`]: time axis, columns, arrows, lanes, then label placement.

use crate::arrows::{self, Delays, LOST_AT};
use crate::axis::{AxisParams, TimeAxis};
use crate::diagram::*;
use crate::labels::{Placer, SMALL_FONT, centred, down_to, segment_hits};
use crate::lanes::{self, Lanes};
use crate::num::Px;
use crate::slots::Slots;
use crate::steps;
use crate::{Lang, ViewOptions, text};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_sim::Trace;
use tcp_sim::trace::{EventKind, Fate};

/// Top of the host headers.
const HEAD_Y: f32 = 12.0;
/// Height of a host header.
const HEAD_H: f32 = 42.0;
/// y of the first instant.
const TOP: f32 = HEAD_Y + HEAD_H + 30.0;
/// Half the width of a state band.
pub(crate) const BAND_HW: f32 = 5.0;
/// Width of the time ruler on the left.
const RULER_W: f32 = 64.0;
/// Narrowest and widest gap between two lifelines (beyond their annotations).
const MIN_GAP: f32 = 330.0;
const MAX_GAP: f32 = 760.0;
/// Distance between timer columns.
const TIMER_STEP: f32 = 7.0;
/// Longest annotation text kept on one line (longer ones are measured at this width).
const MAX_NOTE_W: f32 = 300.0;

/// Lays a trace out. See [`crate::diagram`] for what the result holds.
pub fn layout(trace: &Trace, opts: &ViewOptions) -> Diagram {
    let lang = opts.lang;
    let slots = Slots::of(trace);
    let (step_list, step_of) = steps::build(&slots);
    let delays = Delays::of(trace);
    let px_per_ms = if opts.px_per_ms.is_finite() && opts.px_per_ms > 0.01 { opts.px_per_ms } else { 3.5 };
    let params =
        AxisParams { px_per_ms, break_after_us: u64::from(opts.break_after_ms.max(1)) * 1000, ..AxisParams::default() };
    let mut stops = slots.instants.clone();
    for s in &trace.segments {
        if matches!(s.fate, Fate::Lost { .. }) {
            stops.push((s.sent_at + core::time::Duration::from_micros(delays.get(s.from, s.to)), 1));
        }
    }
    stops.push((trace.end, 1));
    let axis = TimeAxis::new(TOP, params, stops);
    let lanes = lanes::lanes(trace, &slots, &step_of, &axis, lang);
    let plans = arrows::plans(trace, opts, &lanes.rejected);

    // Columns: hosts in trace order, attackers last.
    let mut order: Vec<usize> = (0..trace.hosts.len()).filter(|&h| !trace.hosts[h].attacker).collect();
    order.extend((0..trace.hosts.len()).filter(|&h| trace.hosts[h].attacker));
    let mut col_of = vec![0usize; trace.hosts.len()];
    for (c, &h) in order.iter().enumerate() {
        col_of[h] = c;
    }
    let n = order.len();
    let attacker_col = order.iter().position(|&h| trace.hosts[h].attacker);
    let target_col = |from: usize, to: Option<usize>| match to {
        Some(to) => col_of[to],
        None => match attacker_col.filter(|&a| a != col_of[from]) {
            Some(a) => a,
            None if col_of[from] + 1 < n => col_of[from] + 1,
            None => col_of[from].saturating_sub(1),
        },
    };
    // Annotations go left of the first lifeline and right of the others (a SYN flood's
    // attacker, rightmost, sends nothing worth a label to cover).
    let sides: Vec<Side> = (0..n)
        .map(|c| match c {
            0 if n > 1 => Side::Left,
            _ => Side::Right,
        })
        .collect();
    let side = |c: usize| sides[c];

    // Widths.
    let ann_text: Vec<f32> = (0..trace.hosts.len())
        .map(|h| {
            let texts = lanes.transitions.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
            let notes = lanes.notes.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
            let timers = lanes.timers.iter().filter(|m| m.host == h).map(|m| m.text.as_str());
            texts.chain(notes).chain(timers).map(|s| text::width(s, SMALL_FONT)).fold(0.0, f32::max).min(MAX_NOTE_W)
        })
        .collect();
    let text_offset = |h: usize| BAND_HW + 5.0 + lanes.timer_columns[h] as f32 * TIMER_STEP + 4.0;
    let ann_w = |h: usize| text_offset(h) + ann_text[h] + 6.0;
    let heads: Vec<(String, String, f32)> = order
        .iter()
        .map(|&h| {
            let name = text::host_name(lang, &trace.hosts[h].name);
            let addr = host_addr(trace, h, lang);
            let w = (text::width(&name, 13.0) * 1.05).max(text::width(&addr, SMALL_FONT)) + 24.0;
            (name, addr, w)
        })
        .collect();
    let mut xs = vec![0.0f32; n];
    if n > 0 {
        let left = if side(0) == Side::Left { ann_w(order[0]) } else { 0.0 };
        xs[0] = RULER_W + left.max(heads[0].2 / 2.0) + 8.0;
    }
    for c in 1..n {
        // Room for the widest label, or for the two widest side by side when arrows cross.
        let (mut w1, mut w2) = (0.0f32, 0.0f32);
        let in_gap: Vec<usize> = (0..trace.segments.len())
            .filter(|&i| {
                let s = &trace.segments[i];
                let (a, b) = (col_of[s.from], target_col(s.from, s.to));
                a.min(b) == c - 1 && a.max(b) == c
            })
            .collect();
        for &i in in_gap.iter().filter(|&&i| !plans[i].hidden) {
            let w = plans[i].width;
            (w1, w2) = if w > w1 { (w, w1) } else { (w1, w2.max(w)) };
        }
        let crossing = in_gap.iter().any(|&i| in_gap.iter().any(|&j| crosses(trace, i, j)));
        let need = if crossing { w1 + w2 + 50.0 } else { w1 + 80.0 };
        let mut extra = if side(c - 1) == Side::Right { ann_w(order[c - 1]) } else { 0.0 };
        if side(c) == Side::Left {
            extra += ann_w(order[c]);
        }
        let gap = (need.clamp(MIN_GAP, MAX_GAP) + extra).max((heads[c - 1].2 + heads[c].2) / 2.0 + 24.0);
        xs[c] = xs[c - 1] + gap;
    }
    let right = n.checked_sub(1).map_or(RULER_W, |l| xs[l] + ann_w(order[l]).max(heads[l].2 / 2.0) + 12.0);
    let width = right.max(RULER_W + 200.0);
    let x_of = |h: usize| xs[col_of[h]];
    let end_y = axis.y(trace.end).max(axis.bottom());
    let life_bottom = end_y + 24.0;

    let mut d = Diagram {
        width,
        title: format!("{}: {}", text::title(lang), names(trace, &order, lang, " ↔ ")),
        desc: text::description(lang, &names(trace, &order, lang, ", "), trace.segments.len()),
        ..Diagram::default()
    };
    let mut placer = Placer::default();

    // Lifelines and headers.
    for (c, &h) in order.iter().enumerate() {
        let (name, addr, w) = heads[c].clone();
        let head = Rect { x: xs[c] - w / 2.0, y: HEAD_Y, w, h: HEAD_H };
        placer.take(head.quad());
        d.lifelines.push(Lifeline {
            host: h,
            x: xs[c],
            y1: HEAD_Y + HEAD_H,
            y2: life_bottom,
            head,
            name_at: centred(&name, xs[c], HEAD_Y + 15.0, Anchor::Middle, 13.0),
            addr_at: centred(&addr, xs[c], HEAD_Y + 31.0, Anchor::Middle, SMALL_FONT),
            name,
            addr,
            side: side(c),
            attacker: trace.hosts[h].attacker,
        });
    }

    // Breaks.
    let (left_x, right_x) = (4.0, width - 4.0);
    let mid_x = if n > 1 { (xs[0] + xs[n - 1]) / 2.0 } else { width / 2.0 };
    for b in axis.breaks() {
        let yc = (b.y1 + b.y2) / 2.0;
        let skipped = b.to.micros - b.from.micros;
        let label = text::later(lang, skipped);
        let strip = Rect { x: left_x, y: yc - 11.0, w: right_x - left_x, h: 22.0 };
        placer.take(Rect { x: strip.x, y: strip.y + 3.0, w: strip.w, h: strip.h - 6.0 }.quad());
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

    // Lanes: bands, transitions, timers, notes.
    for b in &lanes.bands {
        let rect = Rect { x: x_of(b.host) - BAND_HW, y: b.y1, w: 2.0 * BAND_HW, h: (b.y2 - b.y1).max(0.0) };
        d.bands.push(StateBand { host: b.host, conn: b.conn, state: b.state, count: b.count, rect, step: b.step });
    }
    // Arrows.
    let mut send_event = vec![0usize; trace.segments.len()];
    let mut end_event = vec![None; trace.segments.len()];
    for (i, e) in trace.events.iter().enumerate() {
        match e.kind {
            EventKind::Sent { segment } => send_event[segment] = i,
            EventKind::Delivered { segment } | EventKind::Lost { segment, .. } => end_event[segment] = Some(i),
            _ => {}
        }
    }
    for (i, (s, plan)) in trace.segments.iter().zip(&plans).enumerate() {
        let (ca, cb) = (col_of[s.from], target_col(s.from, s.to));
        let dir = if cb >= ca { 1.0 } else { -1.0 };
        let from = Point { x: xs[ca] + dir * BAND_HW, y: axis.y_slot(s.sent_at, slots.send[i]) };
        let full_x = xs[cb] - dir * BAND_HW;
        let (to, head, cross) = match s.fate {
            Fate::Delivered { at } => {
                let to = Point { x: full_x, y: axis.y_slot(at, slots.arrive[i]) };
                (to, Some(arrows::head(from, to)), None)
            }
            Fate::Lost { .. } => {
                let would = s.sent_at + core::time::Duration::from_micros(delays.get(s.from, s.to));
                let wy = axis.y(would);
                let to = Point { x: from.x + (full_x - from.x) * LOST_AT, y: from.y + (wy - from.y) * LOST_AT };
                (to, None, Some(to))
            }
        };
        let step = step_of[send_event[i]];
        d.arrows.push(Arrow {
            segment: i,
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
    place_lanes(&mut d, &mut placer, &lanes, &|h| (x_of(h), side(col_of[h]).sign(), text_offset(h)));

    // Crosses and arrowheads stay visible.
    for a in &d.arrows {
        if let Some(c) = a.cross {
            placer.take(Rect { x: c.x - 6.0, y: c.y - 6.0, w: 12.0, h: 12.0 }.quad());
        }
        if let Some([tip, _, _]) = a.head {
            placer.take(Rect { x: tip.x - 5.0, y: tip.y - 5.0, w: 10.0, h: 10.0 }.quad());
        }
    }
    // Arrow labels, shortest arrows first (a long arrow has more room along it), each where it
    // crosses the fewest other arrows.
    let mut label_order: Vec<usize> = (0..plans.len()).filter(|&i| !plans[i].hidden && n >= 2).collect();
    let span = |i: usize| d.arrows[i].to.y - d.arrows[i].from.y;
    crate::sort::sort_by(&mut label_order, &|&a, &b| span(a).total_cmp(&span(b)).then(a.cmp(&b)));
    for i in label_order {
        let plan = &plans[i];
        let s = &trace.segments[i];
        let (ca, cb) = (col_of[s.from], target_col(s.from, s.to));
        let (lo, hi) = (xs[ca.min(cb)] + BAND_HW, xs[ca.max(cb)] - BAND_HW);
        let a = &d.arrows[i];
        let cands = arrows::candidates(a.from, a.to, lo, hi, plan);
        // On its own line counts as crossing one.
        let crossings = |c: &ArrowLabel| {
            let others = d.arrows.iter().filter(|o| o.segment != i && segment_hits(o.from, o.to, &c.quad)).count();
            others + usize::from(c.on_line)
        };
        let best = (0..cands.len())
            .filter(|&k| placer.is_free(&cands[k].quad))
            .min_by_key(|&k| crossings(&cands[k]) * cands.len() + k);
        if let Some(k) = best {
            placer.take(cands[k].quad);
            d.arrows[i].placed = Some(cands[k]);
        }
    }

    // Ruler: simulated time at each instant where something happens, when there is room.
    let mut ruler = Placer::default();
    for &(t, _) in &slots.instants {
        let y = axis.y(t);
        let s = text::clock(t.micros);
        let label = centred(&s, RULER_W - 10.0, y, Anchor::End, SMALL_FONT - 1.0);
        if ruler.is_free(&label.rect.quad()) && placer.is_free(&label.rect.quad()) {
            ruler.take(label.rect.quad());
            d.ruler.push(TimeMark { y, text: s, placed: label });
        }
    }
    d.steps = step_list.iter().map(|s| StepMark { at: s.at, y: axis.y_slot(s.at, s.slot) }).collect();
    let mut height = life_bottom + 16.0;
    if let Some(why) = &trace.truncated {
        let s = text::truncated(lang, why);
        let label = centred(&s, 12.0, height + 4.0, Anchor::Start, SMALL_FONT);
        height += 24.0;
        d.caption = Some((s, label));
    }
    d.height = height;
    d
}

/// Places transition names, notes and timer labels beside their lifelines, most important
/// first. `at(h)` gives a host's lifeline x, its side's sign and the offset of its text column.
/// Texts avoid positions crossed by arrows when they can.
fn place_lanes(d: &mut Diagram, placer: &mut Placer, lanes: &Lanes, at: &dyn Fn(usize) -> (f32, f32, f32)) {
    let anchor = |sign: f32| if sign < 0.0 { Anchor::End } else { Anchor::Start };
    let down = down_to;
    let lines: Vec<(Point, Point)> = d.arrows.iter().map(|a| (a.from, a.to)).collect();
    let crossings = |q: &Quad| lines.iter().filter(|(a, b)| segment_hits(*a, *b, q)).count();
    let try_at = |placer: &mut Placer, h: usize, y: f32, s: &str, shifts: &[f32]| -> Option<Label> {
        let (x, sign, off) = at(h);
        placer.place_near(&centred(s, x + sign * off, y, anchor(sign), SMALL_FONT), shifts, crossings)
    };
    // Transitions: longest-lasting states first.
    let mut order: Vec<usize> = (0..lanes.transitions.len()).collect();
    crate::sort::sort_by(&mut order, &|a, b| lanes.transitions[*b].room.total_cmp(&lanes.transitions[*a].room));
    let mut placed_t = vec![None; lanes.transitions.len()];
    for i in order {
        let m = &lanes.transitions[i];
        if (m.count_only && m.room < 14.0) || m.merged {
            continue; // A crowd changing fast: only the counts that last are named.
        }
        let shifts = down((m.room - 10.0).clamp(0.0, 40.0));
        placed_t[i] = try_at(placer, m.host, m.y, &m.text, &shifts);
    }
    for (m, placed) in lanes.transitions.iter().zip(placed_t) {
        let (x, _, _) = at(m.host);
        let text = m.text.clone();
        d.transitions.push(Transition {
            host: m.host,
            at: Point { x, y: m.y },
            state: m.state,
            text,
            placed,
            step: m.step,
        });
    }
    // Timers: bars first (their x), then labels of those that matter, then the discreet ones.
    for t in &lanes.timers {
        let (x, sign, _) = at(t.host);
        d.timers.push(TimerBar {
            host: t.host,
            conn: t.conn,
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
    let notes_first = [NoteKind::Rejected, NoteKind::Error];
    let notes_then = [NoteKind::App, NoteKind::EndOfStream];
    let mut notes: Vec<Note> = lanes
        .notes
        .iter()
        .map(|m| Note {
            host: m.host,
            kind: m.kind,
            at: Point { x: at(m.host).0, y: m.y },
            text: m.text.clone(),
            placed: None,
            step: m.step,
            event: m.event,
        })
        .collect();
    let note_shifts: Vec<f32> = [-14.0, -18.0, -22.0].into_iter().chain(down(28.0)).collect();
    for kinds in [&notes_first[..], &notes_then[..]] {
        if kinds == &notes_then[..] {
            for (bar, t) in d.timers.iter_mut().zip(&lanes.timers).filter(|(b, _)| b.prominent) {
                bar.placed = try_at(placer, t.host, t.y1, &t.text, &down(32.0));
            }
        }
        for note in notes.iter_mut().filter(|n| kinds.contains(&n.kind)) {
            let shifts: &[f32] = if note.kind == NoteKind::App { &note_shifts } else { &down(28.0) };
            note.placed = try_at(placer, note.host, note.at.y, &note.text, shifts);
        }
    }
    for (bar, t) in d.timers.iter_mut().zip(&lanes.timers).filter(|(b, _)| !b.prominent) {
        bar.placed = try_at(placer, t.host, t.y1, &t.text, &down(16.0));
    }
    d.notes = notes;
}

/// Path data of a break strip between `x1` and `x2` around `yc`: the filled shape and its edges.
fn zigzag(x1: f32, x2: f32, yc: f32) -> (String, String) {
    let (half_tooth, amp, half) = (6.0, 2.5, 8.5);
    let edge = |dy: f32| -> Vec<(f32, f32)> {
        let mut pts = Vec::new();
        let mut x = x1;
        let mut up = true;
        while x < x2 {
            pts.push((x, yc + dy + if up { -amp } else { amp }));
            x += half_tooth;
            up = !up;
        }
        pts.push((x2, yc + dy + if up { -amp } else { amp }));
        pts
    };
    let path = |pts: &mut dyn Iterator<Item = (f32, f32)>, first: char, out: &mut String| {
        for (k, (x, y)) in pts.enumerate() {
            let _ = write!(out, "{}{},{}", if k == 0 { first } else { 'L' }, Px(x), Px(y));
        }
    };
    let (top, bottom) = (edge(-half), edge(half));
    let mut fill = String::new();
    path(&mut top.iter().copied(), 'M', &mut fill);
    path(&mut bottom.iter().rev().copied(), 'L', &mut fill);
    fill.push('Z');
    let mut edges = String::new();
    path(&mut top.iter().copied(), 'M', &mut edges);
    path(&mut bottom.iter().copied(), 'M', &mut edges);
    (fill, edges)
}

/// Whether segments `i` and `j` go opposite ways while both in flight (their arrows cross).
fn crosses(trace: &Trace, i: usize, j: usize) -> bool {
    let (a, b) = (&trace.segments[i], &trace.segments[j]);
    let end = |s: &tcp_sim::trace::Segment| s.delivered_at().unwrap_or(s.sent_at);
    a.from != b.from && a.sent_at < end(b) && b.sent_at < end(a)
}

/// The address line of a host's header: `192.0.2.1:40000`, the listening port if it listens.
fn host_addr(trace: &Trace, h: usize, lang: Lang) -> String {
    let host = &trace.hosts[h];
    if host.attacker {
        return format!("{} · {}", host.addr, text::forged_sources(lang));
    }
    let port = trace.events.iter().find_map(|e| match &e.kind {
        EventKind::App { call: tcp_sim::trace::AppCall::Listen { port }, .. } if e.host == h => Some(*port),
        _ => None,
    });
    let port = port.or_else(|| trace.conns.iter().find(|c| c.host == h).map(|c| c.local.port()));
    match port {
        Some(p) => format!("{}:{p}", host.addr),
        None => format!("{}", host.addr),
    }
}

fn names(trace: &Trace, order: &[usize], lang: Lang, sep: &str) -> String {
    let all: Vec<String> = order.iter().map(|&h| text::host_name(lang, &trace.hosts[h].name)).collect();
    all.join(sep)
}
