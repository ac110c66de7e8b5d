//! Arrows, one per segment: what they say and where their labels may go.

use crate::diagram::{ArrowLabel, LabelLine, Marks, Point, Quad, SegmentKind};
use crate::labels::{SEG_FONT, SMALL_FONT, line_height};
use crate::num::sqrt;
use crate::{ViewOptions, text};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::Flags;
use tcp_sim::trace::Fate;
use tcp_sim::{SegId, Trace};

/// Where a lost segment's arrow stops: this fraction of the way to its receiver.
pub(crate) const LOST_AT: f32 = 0.45;
/// Alike segments between the same hosts, each within this many microseconds of the previous,
/// form a run: only the first is labelled, with `×N` (and without numbers if theirs differ).
const RUN_WITHIN_US: u64 = 20_000;
/// Height of an arrow label's box.
pub(crate) const LABEL_H: f32 = 15.0;

/// What an arrow says, before geometry.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub(crate) kind: SegmentKind,
    pub(crate) marks: Marks,
    pub(crate) badge: String,
    pub(crate) label: String,
    pub(crate) tag: String,
    /// A later member of a run: no label of its own.
    pub(crate) hidden: bool,
    /// The last segment of the run this one starts (itself when alone).
    pub(crate) run_last: usize,
    /// Width of badge, label and tag.
    pub(crate) width: f32,
    pub(crate) badge_width: f32,
}

/// The flags badge: one letter per flag in `S F R P A U` order (`SA`, `FA`, `PA`).
pub(crate) fn badge_of(flags: Flags) -> String {
    let letters = [
        (Flags::SYN, 'S'),
        (Flags::FIN, 'F'),
        (Flags::RST, 'R'),
        (Flags::PSH, 'P'),
        (Flags::ACK, 'A'),
        (Flags::URG, 'U'),
    ];
    let s: String = letters.iter().filter(|(f, _)| flags.contains(*f)).map(|(_, c)| *c).collect();
    if s.is_empty() { String::from("·") } else { s }
}

/// Font size of a badge's letters.
const BADGE_FONT: f32 = SMALL_FONT;

/// Badge width for `badge`.
pub(crate) fn badge_width(badge: &str) -> f32 {
    text::width(badge, BADGE_FONT) + 8.0
}

/// The plans of all segments.
pub(crate) fn plans(trace: &Trace, opts: &ViewOptions, rejected: &[bool]) -> Vec<Plan> {
    let lang = opts.lang;
    let mut plans: Vec<Plan> = trace
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let lost = match s.fate {
                Fate::Lost { reason } => Some(reason),
                Fate::Delivered { .. } => None,
            };
            let marks = Marks {
                lost: lost.is_some(),
                retransmission: s.retransmission,
                duplicate: s.duplicate_of.is_some(),
                old_duplicate: s.injected,
                forged: s.forged,
                rejected: rejected.get(i).copied().unwrap_or(false),
            };
            let mut tags: Vec<&str> = Vec::new();
            for (on, word) in [
                (marks.retransmission, bilingual::retransmission(lang)),
                (marks.duplicate, bilingual::duplicate(lang)),
                (marks.old_duplicate, bilingual::old_duplicate(lang)),
                (marks.forged, bilingual::forged(lang)),
            ] {
                if on {
                    tags.push(word);
                }
            }
            let delayed = (s.extra_delay_us > 0).then(|| bilingual::delayed(lang, s.extra_delay_us));
            if let Some(d) = &delayed {
                tags.push(d);
            }
            if let Some(reason) = lost {
                tags.push(bilingual::loss(lang, reason));
            }
            let badge = badge_of(s.repr.flags);
            Plan {
                kind: s.kind(),
                marks,
                badge_width: badge_width(&badge),
                badge,
                label: trace.label(SegId(i), opts.relative),
                tag: tags.join(", "),
                hidden: false,
                run_last: i,
                width: 0.0,
            }
        })
        .collect();
    // Runs of alike segments: the same, or the same but for the numbers of different connections.
    let mut open_runs: Vec<(usize, usize)> = Vec::new(); // (first, last)
    let mut counts = alloc::vec![1usize; plans.len()];
    let mut numbers_differ = alloc::vec![false; plans.len()];
    for i in 0..plans.len() {
        let s = &trace.segments[i];
        let same = |j: usize| {
            let o = &trace.segments[j];
            o.from == s.from
                && o.to == s.to
                && o.repr.flags == s.repr.flags
                && o.payload.len() == s.payload.len()
                && plans[j].tag == plans[i].tag
                && s.sent_at.micros - o.sent_at.micros <= RUN_WITHIN_US
                // Within one connection the numbers are the story; across a crowd of them
                // (forged sources) only the count is.
                && (plans[j].label == plans[i].label || o.src != s.src || o.dst != s.dst)
        };
        match open_runs.iter_mut().find(|(_, last)| same(*last)) {
            Some(run) => {
                run.1 = i;
                plans[run.0].run_last = i;
                counts[run.0] += 1;
                numbers_differ[run.0] |= plans[i].label != plans[run.0].label;
                plans[i].hidden = true;
            }
            None => {
                open_runs.retain(|(_, last)| {
                    let o = &trace.segments[*last];
                    !(o.from == s.from && o.to == s.to)
                });
                open_runs.push((i, i));
            }
        }
    }
    for (i, (plan, n)) in plans.iter_mut().zip(counts).enumerate() {
        if numbers_differ[i] {
            // Each with its own numbers (different connections, or an injected segment's absolute ones): name the flags only.
            let flags = trace.segments[i].repr.flags.without(Flags::PSH).without(Flags::ECE).without(Flags::CWR);
            plan.label = format!("{flags} ×{n}");
        } else if n >= 2 {
            plan.label = format!("{} ×{n}", plan.label);
        }
        plan.width = plan.badge_width + 5.0 + text::width(&plan.label, SEG_FONT);
        if !plan.tag.is_empty() {
            plan.width += 8.0 + text::width(&plan.tag, SMALL_FONT);
        }
    }
    plans
}

/// The arrowhead triangle at `tip`, pointing away from `tail`.
pub(crate) fn head(tail: Point, tip: Point) -> [Point; 3] {
    let (dx, dy) = (tip.x - tail.x, tip.y - tail.y);
    let len = sqrt(dx * dx + dy * dy).max(1e-3);
    let (ux, uy) = (dx / len, dy / len);
    let (back, half) = (9.0, 4.0);
    let base = Point { x: tip.x - ux * back, y: tip.y - uy * back };
    [
        tip,
        Point { x: base.x - uy * half, y: base.y + ux * half },
        Point { x: base.x + uy * half, y: base.y - ux * half },
    ]
}

/// Steeper than this (the cosine of 35°), an arrow's label stays horizontal, beside it: text
/// tilted more is hard to read.
const STEEP: f32 = 0.82;

/// The most points along a long steep arrow where its label is tried, besides the first seven.
const MORE_STEEP_POINTS: usize = 32;

/// Where a horizontal label may go beside a steep arrow `a`→`b`: left or right of it, at points
/// along it, within `lo..hi`, never across it.
fn beside_steep(a: Point, b: Point, lo: f32, hi: f32, plan: &Plan, (w, h): (f32, f32)) -> Vec<ArrowLabel> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    // How far the line moves sideways over half the label's height.
    let drift = if dy.abs() > 1e-3 { (dx / dy).abs() * h / 2.0 } else { w };
    let gap = if plan.marks.lost { 9.0 } else { 4.0 };
    let mut out = Vec::new();
    // Beside it at points along it; last, above its top end and below its bottom end.
    let (top, bottom) = if a.y <= b.y { (a, b) } else { (b, a) };
    // A long one (a segment delayed across several exchanges) is tried every label height along
    // it as well, up to `MORE_STEEP_POINTS` points; along a short one the seven are close enough.
    let heights = if h > 0.0 { ((dy.abs() / h) as usize).min(MORE_STEEP_POINTS) } else { 0 };
    let more = if heights > 8 { 1..heights } else { 0..0 };
    let along = [0.5f32, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86].into_iter().chain(more.map(|k| k as f32 / heights as f32));
    let along = along.map(|f| (Point { x: a.x + dx * f, y: a.y + dy * f }, 0.0));
    let ends = [(top, -(h / 2.0 + gap + 6.0)), (bottom, h / 2.0 + gap + 6.0)];
    for (p, dy_box) in along.chain(ends) {
        let p = Point { x: p.x, y: p.y + dy_box };
        let xs = if dy_box == 0.0 { [p.x + gap + drift, p.x - gap - drift - w] } else { [p.x - w / 2.0; 2] };
        for left in xs {
            if w + 8.0 > hi - lo {
                break;
            }
            let left = left.max(lo + 4.0).min(hi - 4.0 - w);
            let o = Point { x: left, y: p.y + h / 2.0 };
            let r = crate::diagram::Rect { x: left, y: o.y - h, w, h };
            if crate::labels::segment_hits(a, b, &r.quad()) {
                continue;
            }
            let (dir, badge_width) = (Point { x: 1.0, y: 0.0 }, plan.badge_width);
            let lines = Vec::new();
            out.push(ArrowLabel {
                origin: o,
                dir,
                width: w,
                height: h,
                badge_width,
                quad: r.quad(),
                on_line: false,
                lines,
            });
        }
    }
    out
}

/// The room between an arrow's label and the lifelines it runs between, each side.
pub(crate) const LABEL_MARGIN: f32 = 14.0;

/// An arrow label's text set in lines at most `room` px wide (one line if it fits), in the
/// label's frame (see [`ArrowLabel`]), with the label's width and height. The badge starts the
/// first line; the label's words come first, then the tag's; a line breaks between words.
pub(crate) fn wrap_label(plan: &Plan, room: f32) -> (Vec<LabelLine>, f32, f32) {
    let bw = plan.badge_width;
    if plan.width <= room {
        let line = LabelLine { x: bw + 5.0, y: -4.0, text: plan.label.clone(), tag: plan.tag.clone() };
        return (alloc::vec![line], plan.width, LABEL_H);
    }
    // Words: the label's, then the tag's. Greedy filling keeps `SYN, ACK` on one line when it fits.
    let mut words: Vec<(&str, bool)> = plan.label.split(' ').filter(|w| !w.is_empty()).map(|w| (w, false)).collect();
    words.extend(plan.tag.split(' ').filter(|w| !w.is_empty()).map(|w| (w, true)));
    let line_w = |l: &LabelLine| {
        let gap = if l.text.is_empty() || l.tag.is_empty() { 0.0 } else { 8.0 };
        l.x + text::width(&l.text, SEG_FONT) + gap + text::width(&l.tag, SMALL_FONT)
    };
    let mut lines = alloc::vec![LabelLine { x: bw + 5.0, y: 0.0, text: String::new(), tag: String::new() }];
    // A tag that fits a line of its own is not broken: it starts a line rather than break.
    let tag_fits_a_line = line_w(&LabelLine { x: 0.0, y: 0.0, text: String::new(), tag: plan.tag.clone() }) <= room;
    for (word, is_tag) in words {
        let last = lines.len() - 1;
        let mut tried = lines[last].clone();
        let starts_tag = is_tag && tried.tag.is_empty();
        let part = if is_tag { &mut tried.tag } else { &mut tried.text };
        if !part.is_empty() {
            part.push(' ');
        }
        part.push_str(word);
        let fits = if starts_tag && tag_fits_a_line {
            line_w(&LabelLine { tag: plan.tag.clone(), ..lines[last].clone() }) <= room
        } else {
            line_w(&tried) <= room
        };
        let empty = lines[last].text.is_empty() && lines[last].tag.is_empty();
        if fits || empty {
            lines[last] = tried;
        } else {
            let (text, tag) = if is_tag { (String::new(), word.into()) } else { (word.into(), String::new()) };
            lines.push(LabelLine { x: 0.0, y: 0.0, text, tag });
        }
    }
    let step = line_height(SEG_FONT);
    let h = LABEL_H + step * (lines.len() - 1) as f32;
    for (k, line) in lines.iter_mut().enumerate() {
        line.y = -h + 11.0 + step * k as f32;
    }
    let w = lines.iter().map(line_w).fold(bw, f32::max);
    (lines, w, h)
}

/// Candidate placements of a `w` × `h` label along the line `a`→`b`, parallel to it and kept
/// within `lo..hi` horizontally: above the line at the middle, then further from the middle,
/// then the same below the line, then on it.
pub(crate) fn candidates(a: Point, b: Point, lo: f32, hi: f32, plan: &Plan, (w, h): (f32, f32)) -> Vec<ArrowLabel> {
    // Clear of the line, and of the cross at the end of a lost one.
    let gap = if plan.marks.lost { 9.0 } else { 2.5 };
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = sqrt(dx * dx + dy * dy).max(1e-3);
    let (mut ux, mut uy) = (dx / len, dy / len);
    if ux < 0.0 {
        (ux, uy) = (-ux, -uy);
    }
    if ux < STEEP {
        return beside_steep(a, b, lo, hi, plan, (w, h));
    }
    let (nx, ny) = (-uy, ux);
    let mut out = Vec::new();
    // Offsets across the line: above it, below it, and (last resort) on it, the halo of the
    // text masking the line.
    for off in [-gap, gap + h, h / 2.0 + 1.0] {
        for f in [0.5f32, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86, 0.06, 0.94] {
            let p = Point { x: a.x + dx * f, y: a.y + dy * f };
            let mut o = Point { x: p.x - ux * w / 2.0 + nx * off, y: p.y - uy * w / 2.0 + ny * off };
            let corners = |o: Point| {
                Quad([
                    Point { x: o.x - nx * h, y: o.y - ny * h },
                    Point { x: o.x + ux * w - nx * h, y: o.y + uy * w - ny * h },
                    Point { x: o.x + ux * w, y: o.y + uy * w },
                    o,
                ])
            };
            let bb = corners(o).bbox();
            let margin = LABEL_MARGIN;
            let shift = if bb.w + 2.0 * margin > hi - lo {
                (lo + hi) / 2.0 - (bb.x + bb.w / 2.0)
            } else if bb.x < lo + margin {
                lo + margin - bb.x
            } else if bb.right() > hi - margin {
                hi - margin - bb.right()
            } else {
                0.0
            };
            // Slide along the line so that the label stays parallel to it.
            o = Point { x: o.x + shift, y: o.y + shift * uy / ux };
            let quad = corners(o);
            let (dir, badge_width, on_line) = (Point { x: ux, y: uy }, plan.badge_width, off > 0.0 && off < h);
            let lines = Vec::new();
            out.push(ArrowLabel { origin: o, dir, width: w, height: h, badge_width, quad, on_line, lines });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::abs;

    #[test]
    fn badges() {
        assert_eq!(badge_of(Flags::SYN), "S");
        assert_eq!(badge_of(Flags::SYN | Flags::ACK), "SA");
        assert_eq!(badge_of(Flags::FIN | Flags::ACK), "FA");
        assert_eq!(badge_of(Flags::PSH | Flags::ACK), "PA");
        assert_eq!(badge_of(Flags::RST), "R");
        assert_eq!(badge_of(Flags::NONE), "·");
    }

    #[test]
    fn a_tag_that_fits_a_line_is_not_broken() {
        let plan = |label: &str, tag: &str| Plan {
            kind: SegmentKind::SynAck,
            marks: Marks::default(),
            badge: String::from("SA"),
            label: label.into(),
            tag: tag.into(),
            hidden: false,
            run_last: 0,
            width: f32::INFINITY,
            badge_width: badge_width("SA"),
        };
        let text = |lines: &[LabelLine]| lines.iter().map(|l| (l.text.clone(), l.tag.clone())).collect::<Vec<_>>();
        let own = |s: &str| String::from(s);
        // The tag's first words would fit after the label; the whole tag goes on the next line.
        let (lines, ..) = wrap_label(&plan("SYN, ACK seq=0 ack=1 ×8", "no such host"), 240.0);
        assert_eq!(text(&lines), [(own("SYN, ACK seq=0 ack=1 ×8"), own("")), (own(""), own("no such host"))]);
        // A tag wider than a line still breaks between its words.
        let (lines, ..) = wrap_label(&plan("SYN", "retransmission, no such host"), 90.0);
        assert_eq!(
            text(&lines),
            [(own("SYN"), own("")), (own(""), own("retransmission,")), (own(""), own("no such host"))]
        );
    }

    #[test]
    fn arrowhead_points_along_the_line() {
        let h = head(Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        assert_eq!(h[0], Point { x: 100.0, y: 0.0 });
        assert!(abs(h[1].x - 91.0) < 1e-3 && abs(h[1].y - 4.0) < 1e-3);
        assert!(abs(h[2].y + 4.0) < 1e-3);
    }
}
