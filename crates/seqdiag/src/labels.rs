//! Text boxes, a greedy placer that never lets two boxes overlap, and an index of the arrows
//! that says which of them cross a box.
//!
//! Both the placer and the index bucket shapes by horizontal band of the page, so that a query
//! looks only at its neighbours: laying out a diagram costs time proportional to its number of
//! items, not to its square. Each counts its geometric tests ([`Placer::probes`],
//! [`LineIndex::probes`]) so that tests can check that.

use crate::diagram::{Anchor, Label, Point, Quad, Rect};
use crate::text;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

/// Font size of segment labels (monospace).
pub(crate) const SEG_FONT: f32 = 12.0;
/// Font size of annotations, notes, tags, badges and the ruler (monospace): the smallest text.
pub(crate) const SMALL_FONT: f32 = 11.0;

/// Distance between two baselines of a wrapped text of `size` px.
pub(crate) fn line_height(size: f32) -> f32 {
    size + 2.0
}

/// The box of a one-line text of `size` px whose baseline is at `y`.
pub(crate) fn text_rect(x: f32, y: f32, anchor: Anchor, width: f32, size: f32) -> Rect {
    let left = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    };
    Rect { x: left, y: y - size * 0.82, w: width, h: size * 1.1 }
}

/// A label for `s` at `x`, vertically centred on `mid_y`.
pub(crate) fn centred(s: &str, x: f32, mid_y: f32, anchor: Anchor, size: f32) -> Label {
    let y = mid_y + size * 0.35;
    let rect = text_rect(x, y, anchor, text::width(s, size), size);
    Label { x, y, anchor, rect, lines: Vec::new(), line_height: line_height(size) }
}

/// A label for a text wrapped into `lines` at `x`: its first line vertically centred on `mid_y`,
/// the others below it. One line gives the same label as [`centred`].
pub(crate) fn centred_lines(lines: Vec<String>, x: f32, mid_y: f32, anchor: Anchor, size: f32) -> Label {
    let mut label = centred(lines.first().map_or("", String::as_str), x, mid_y, anchor, size);
    if lines.len() > 1 {
        let widest = lines.iter().map(|l| text::width(l, size)).fold(0.0, f32::max);
        let extra = (lines.len() - 1) as f32 * label.line_height;
        label.rect = Rect { h: label.rect.h + extra, ..text_rect(x, label.y, anchor, widest, size) };
        label.lines = lines;
    }
    label
}

/// How far apart two shapes must stay, px.
const MARGIN: f32 = 1.0;
/// Height of the horizontal bands that index shapes, px.
const BAND: f32 = 64.0;
/// A y beyond any diagram's (about 2.6·10⁸ px): what lies lower shares the last band. Only a
/// broken coordinate gets there; it keeps the index's size bounded.
const MAX_BANDS: usize = 1 << 22;

/// Shapes already taken, indexed by horizontal band so that a query only looks at its
/// neighbours (a long diagram has thousands of labels, each tried at dozens of positions).
#[derive(Clone, Debug, Default)]
pub(crate) struct Placer {
    /// Each shape with its bounding box.
    taken: Vec<(Rect, Quad)>,
    /// For each band of [`BAND`] px from y = 0 down, the shapes whose box (widened by the
    /// margin) reaches into it.
    bands: Vec<Vec<usize>>,
    /// Shapes compared so far.
    probes: Cell<u64>,
}

/// The bands that `r`, widened by `margin`, reaches into (y < 0 counts as band 0).
fn bands_of(r: &Rect, margin: f32) -> core::ops::RangeInclusive<usize> {
    bands_of_height(r, margin, BAND)
}

/// The bands of `height` px that `r`, widened by `margin`, reaches into.
fn bands_of_height(r: &Rect, margin: f32, height: f32) -> core::ops::RangeInclusive<usize> {
    let band = |y: f32| ((y.max(0.0) / height) as usize).min(MAX_BANDS - 1);
    band(r.y - margin)..=band(r.bottom() + margin)
}

/// Adds `id` to each of `range`'s bands, growing `bands` as needed.
fn index_into<T>(bands: &mut Vec<Vec<T>>, range: core::ops::RangeInclusive<usize>, item: impl Fn(usize) -> T) {
    if bands.len() <= *range.end() {
        bands.resize_with(range.end() + 1, Vec::new);
    }
    for band in range {
        bands[band].push(item(band));
    }
}

/// Whether two boxes come closer than the margin (if not, neither can what they bound).
fn boxes_near(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() + MARGIN && b.x < a.right() + MARGIN && a.y < b.bottom() + MARGIN && b.y < a.bottom() + MARGIN
}

impl Placer {
    /// Whether `q` stays at least [`MARGIN`] away from everything taken.
    pub(crate) fn is_free(&self, q: &Quad) -> bool {
        let b = q.bbox();
        !bands_of(&b, MARGIN).any(|band| {
            self.bands.get(band).is_some_and(|ids| {
                ids.iter().any(|&i| {
                    self.probes.set(self.probes.get() + 1);
                    let (tb, tq) = &self.taken[i];
                    boxes_near(tb, &b) && tq.overlaps(q, MARGIN)
                })
            })
        })
    }

    /// Marks `q` taken.
    pub(crate) fn take(&mut self, q: Quad) {
        let b = q.bbox();
        let id = self.taken.len();
        index_into(&mut self.bands, bands_of(&b, MARGIN), |_| id);
        self.taken.push((b, q));
    }

    /// Whether nothing is taken.
    pub(crate) fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// How many shapes queries have compared so far.
    pub(crate) fn probes(&self) -> u64 {
        self.probes.get()
    }

    /// Tries `label` moved down by each of `shifts`; takes and returns the free position of least
    /// `cost`, the earliest among equals.
    /// `cost` is told the least cost found so far, as [`best_option`]'s is.
    pub(crate) fn place_near(
        &mut self,
        label: &Label,
        shifts: &[f32],
        cost: impl Fn(&Quad, usize) -> usize,
    ) -> Option<Label> {
        let moved = |k: usize| Rect { y: label.rect.y + shifts[k], ..label.rect }.quad();
        let k = best_option(shifts.len(), |k| self.is_free(&moved(k)), |k, below| cost(&moved(k), below))?;
        let found =
            Label { y: label.y + shifts[k], rect: Rect { y: label.rect.y + shifts[k], ..label.rect }, ..label.clone() };
        self.take(found.rect.quad());
        Some(found)
    }
}

/// The best of `n` options: a free one of least `cost`, the earliest among equals. Stops at the
/// first free option that costs nothing, which none can beat. `cost(k, below)` may stop
/// counting at `below`, the least cost found so far: an option that costs that much or more
/// loses anyway.
pub(crate) fn best_option(
    n: usize,
    free: impl Fn(usize) -> bool,
    cost: impl Fn(usize, usize) -> usize,
) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for k in (0..n).filter(|&k| free(k)) {
        let c = cost(k, best.map_or(usize::MAX, |(least, _)| least));
        if best.is_none_or(|(least, _)| c < least) {
            best = Some((c, k));
        }
        if c == 0 {
            break;
        }
    }
    best.map(|(_, k)| k)
}

/// The arrows of a diagram (straight segments), indexed by band: which of them pass through a
/// box. A line is indexed at the finest of a few levels of bands ([`BAND`] px, then
/// four times taller each level) where it spans at most [`SPAN_PER_LEVEL`] bands, so a
/// long arrow (one that crosses thousands of slots of one instant) costs a few entries, not one
/// per band it crosses, and a query looks at its band of each level.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    lines: Vec<(Point, Point)>,
    /// Per level, per band: the lines reaching into it, with the first band of the level each
    /// reaches into.
    levels: [Vec<Vec<(usize, usize)>>; LEVELS],
    probes: Cell<u64>,
}

/// The levels of a [`LineIndex`]; the coarsest takes whatever spans more.
const LEVELS: usize = 7;
/// The height of a level's bands: each four times the one below.
const LEVEL_HEIGHT: [f32; LEVELS] =
    [BAND, BAND * 4.0, BAND * 16.0, BAND * 64.0, BAND * 256.0, BAND * 1024.0, BAND * 4096.0];
/// The most bands a line spans at a level below the coarsest.
const SPAN_PER_LEVEL: usize = 4;

/// The bands of level `level` that `r` reaches into.
fn level_bands_of(r: &Rect, level: usize) -> core::ops::RangeInclusive<usize> {
    bands_of_height(r, 0.0, LEVEL_HEIGHT[level])
}

impl LineIndex {
    /// Indexes `lines`.
    pub(crate) fn new(lines: Vec<(Point, Point)>) -> LineIndex {
        let mut levels: [Vec<Vec<(usize, usize)>>; LEVELS] = Default::default();
        for (id, (a, b)) in lines.iter().enumerate() {
            let r = Rect { x: a.x.min(b.x), y: a.y.min(b.y), w: (a.x - b.x).abs(), h: (a.y - b.y).abs() };
            let (level, range) = (0..LEVELS)
                .map(|level| (level, level_bands_of(&r, level)))
                .find(|(level, range)| *level == LEVELS - 1 || range.clone().count() <= SPAN_PER_LEVEL)
                .expect("the coarsest level takes any line");
            let first = *range.start();
            index_into(&mut levels[level], range, |_| (id, first));
        }
        LineIndex { lines, levels, probes: Cell::new(0) }
    }

    /// How many lines other than `except` pass through `q`, counted up to `limit` (what a
    /// caller needs to know is whether it is less).
    pub(crate) fn crossing(&self, q: &Quad, except: Option<usize>, limit: usize) -> usize {
        let b = q.bbox();
        let mut count = 0;
        for (level, bands) in self.levels.iter().enumerate() {
            let range = level_bands_of(&b, level);
            let start = *range.start();
            for band in range {
                let Some(ids) = bands.get(band) else { break };
                for &(id, first) in ids {
                    // A line in several of the bands is counted in the first of them the query
                    // sees.
                    if first.max(start) != band || Some(id) == except {
                        continue;
                    }
                    self.probes.set(self.probes.get() + 1);
                    let (p, r) = self.lines[id];
                    if meets_box(p, r, &b) && segment_hits(p, r, q) {
                        count += 1;
                        if count >= limit {
                            return count;
                        }
                    }
                }
            }
        }
        count
    }

    /// How many lines queries have tested so far.
    pub(crate) fn probes(&self) -> u64 {
        self.probes.get()
    }
}

/// Whether the segment `a`–`b` may meet the box `r`: the part of it between the box's top and
/// bottom reaches into the box's columns. A cheap test that rules out most lines of a band (a
/// slanted arrow crosses a band's whole height but only a few of its columns); a line it keeps
/// is then tested exactly.
fn meets_box(a: Point, b: Point, r: &Rect) -> bool {
    // A hair wider than the box, so that rounding never rules out a line that touches it.
    const SLACK: f32 = 0.01;
    let (y0, y1) = (r.y - SLACK, r.bottom() + SLACK);
    let (top, bottom) = (a.y.min(b.y), a.y.max(b.y));
    if bottom < y0 || top > y1 {
        return false;
    }
    let (mut x0, mut x1) = (a.x, b.x);
    if bottom > top {
        // x where the line is at the box's top and bottom, within the line's own ends.
        let x_at = |y: f32| a.x + (b.x - a.x) * ((y - a.y) / (b.y - a.y)).clamp(0.0, 1.0);
        (x0, x1) = (x_at(y0), x_at(y1));
    }
    x0.min(x1) <= r.right() + SLACK && x0.max(x1) >= r.x - SLACK
}

/// Whether the segment `a`–`b` passes through the convex `q`.
pub(crate) fn segment_hits(a: Point, b: Point, q: &Quad) -> bool {
    let cross = |o: Point, p: Point, r: Point| (p.x - o.x) * (r.y - o.y) - (p.y - o.y) * (r.x - o.x);
    let inside = |p: Point| {
        let (mut pos, mut neg) = (false, false);
        for k in 0..4 {
            let s = cross(q.0[k], q.0[(k + 1) % 4], p);
            pos |= s > 0.0;
            neg |= s < 0.0;
        }
        !(pos && neg)
    };
    if inside(a) || inside(b) {
        return true;
    }
    (0..4).any(|k| {
        let (c, d) = (q.0[k], q.0[(k + 1) % 4]);
        let (d1, d2) = (cross(a, b, c), cross(a, b, d));
        let (d3, d4) = (cross(c, d, a), cross(c, d, b));
        ((d1 > 0.0) != (d2 > 0.0)) && ((d3 > 0.0) != (d4 > 0.0))
    })
}

/// Shifts 0, 4, 8 … up to `max` px.
pub(crate) fn down_to(max: f32) -> Vec<f32> {
    let mut v = Vec::new();
    let mut s = 0.0;
    while s <= max {
        v.push(s);
        s += 4.0;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of every length, the longest crossing a 100,000 px diagram: each is indexed in a
    /// few bands only, and a box finds exactly the lines through it, each once.
    #[test]
    fn the_line_index_keeps_long_lines_small_and_finds_each_once() {
        let p = |x: f32, y: f32| Point { x, y };
        let mut lines = Vec::new();
        for k in 0..200u16 {
            let (x, y) = (f32::from(k % 20) * 30.0, f32::from(k) * 500.0);
            let length = 10.0 * f32::from(k % 9).exp2() * f32::from(k % 7 + 1);
            lines.push((p(x, y), p(x + 25.0, y + length)));
        }
        lines.push((p(5.0, 0.0), p(15.0, 100_000.0)));
        let index = LineIndex::new(lines.clone());
        let entries: usize = index.levels.iter().flatten().map(Vec::len).sum();
        assert!(entries <= lines.len() * SPAN_PER_LEVEL, "{entries} entries for {} lines", lines.len());
        for y in (0..100_000).step_by(997) {
            let query = Rect { x: 0.0, y: y as f32, w: 600.0, h: 20.0 };
            let through = lines.iter().filter(|(a, b)| segment_hits(*a, *b, &query.quad())).count();
            assert!(through >= 1, "the long line crosses y {y}");
            assert_eq!(index.crossing(&query.quad(), None, usize::MAX), through, "at y {y}");
        }
    }

    #[test]
    fn segments_and_rects() {
        let r = Rect { x: 10.0, y: 10.0, w: 20.0, h: 10.0 }.quad();
        let p = |x: f32, y: f32| Point { x, y };
        assert!(segment_hits(p(0.0, 15.0), p(40.0, 15.0), &r), "straight through");
        assert!(segment_hits(p(15.0, 12.0), p(16.0, 13.0), &r), "inside");
        assert!(!segment_hits(p(0.0, 0.0), p(40.0, 5.0), &r), "above");
        assert!(!segment_hits(p(0.0, 40.0), p(9.0, 0.0), &r), "left");
        assert!(segment_hits(p(0.0, 0.0), p(40.0, 40.0), &r), "diagonal");
    }

    #[test]
    fn rotated_quads() {
        let p = |x: f32, y: f32| Point { x, y };
        let a = Rect { x: 0.0, y: 0.0, w: 10.0, h: 10.0 }.quad();
        // A diamond whose corner points at a's corner without touching it.
        let diamond = Quad([p(14.0, 14.0), p(20.0, 8.0), p(26.0, 14.0), p(20.0, 20.0)]);
        assert!(!a.overlaps(&diamond, 1.0));
        let closer = Quad(diamond.0.map(|q| p(q.x - 5.0, q.y - 5.0)));
        assert!(a.overlaps(&closer, 1.0));
        assert!(!a.overlaps(&Rect { x: 12.0, y: 0.0, w: 5.0, h: 5.0 }.quad(), 1.0));
        assert!(a.overlaps(&Rect { x: 10.5, y: 0.0, w: 5.0, h: 5.0 }.quad(), 1.0), "within the margin");
    }

    #[test]
    fn placer_avoids_overlap() {
        let mut p = Placer::default();
        let a = centred("SYN_SENT", 100.0, 50.0, Anchor::Start, SMALL_FONT);
        let first = p.place_near(&a, &down_to(20.0), |_, _| 0).expect("room");
        assert_eq!(first, a);
        let second = p.place_near(&a, &down_to(20.0), |_, _| 0).expect("room below");
        assert!(second.y > a.y);
        assert!(!second.rect.overlaps(&first.rect));
        assert_eq!(p.place_near(&a, &[0.0, -4.0], |_, _| 0), None, "no room without shifting far enough");
        let costly = centred("SYN_SENT", 100.0, 100.0, Anchor::Start, SMALL_FONT);
        let cheap = p.place_near(&costly, &[0.0, 20.0], |q, _| usize::from(q.0[0].y < 110.0)).expect("room");
        assert_eq!(cheap.y, costly.y + 20.0, "the cheaper shift wins");
    }
}
