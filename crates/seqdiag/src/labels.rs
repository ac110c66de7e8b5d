//! Text boxes and a greedy placer that never lets two boxes overlap.

use crate::diagram::{Anchor, Label, Point, Quad, Rect};
use crate::text;
use alloc::vec::Vec;

/// Font size of segment labels (monospace).
pub(crate) const SEG_FONT: f32 = 12.0;
/// Font size of annotations, notes, tags, the ruler (monospace).
pub(crate) const SMALL_FONT: f32 = 11.0;

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
    Label { x, y, anchor, rect: text_rect(x, y, anchor, text::width(s, size), size) }
}

/// How far apart two shapes must stay, px.
const MARGIN: f32 = 1.0;
/// Height of the horizontal bands that index the taken shapes, px.
const BAND: f32 = 64.0;
/// Bands below this many are indexed; anything lower shares the last one.
const MAX_BANDS: usize = 4096;

/// Shapes already taken, indexed by horizontal band so that a query only looks at its
/// neighbours (a long diagram has hundreds of labels, each tried at dozens of positions).
#[derive(Debug, Default)]
pub(crate) struct Placer {
    /// Each shape with its bounding box.
    taken: Vec<(Rect, Quad)>,
    /// For each band of [`BAND`] px from y = 0 down, the shapes whose box (widened by the
    /// margin) reaches into it.
    bands: Vec<Vec<usize>>,
}

/// The bands that `r`, widened by the margin, reaches into (y < 0 counts as band 0).
fn bands_of(r: &Rect) -> core::ops::RangeInclusive<usize> {
    let band = |y: f32| ((y.max(0.0) / BAND) as usize).min(MAX_BANDS - 1);
    band(r.y - MARGIN)..=band(r.bottom() + MARGIN)
}

/// Whether two boxes come closer than the margin (if not, neither can what they bound).
fn boxes_near(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() + MARGIN && b.x < a.right() + MARGIN && a.y < b.bottom() + MARGIN && b.y < a.bottom() + MARGIN
}

impl Placer {
    /// Whether `q` stays at least [`MARGIN`] away from everything taken.
    pub(crate) fn is_free(&self, q: &Quad) -> bool {
        let b = q.bbox();
        !bands_of(&b).any(|band| {
            self.bands.get(band).is_some_and(|ids| {
                ids.iter().any(|&i| {
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
        for band in bands_of(&b) {
            if self.bands.len() <= band {
                self.bands.resize_with(band + 1, Vec::new);
            }
            self.bands[band].push(id);
        }
        self.taken.push((b, q));
    }

    /// Tries `label` moved down by each of `shifts`; takes and returns the free position of least
    /// `cost`, the earliest among equals.
    pub(crate) fn place_near(&mut self, label: &Label, shifts: &[f32], cost: impl Fn(&Quad) -> usize) -> Option<Label> {
        let moved =
            |dy: f32| Label { y: label.y + dy, rect: Rect { y: label.rect.y + dy, ..label.rect }, ..label.clone() };
        let k = (0..shifts.len())
            .filter(|&k| self.is_free(&moved(shifts[k]).rect.quad()))
            .min_by_key(|&k| cost(&moved(shifts[k]).rect.quad()) * shifts.len() + k)?;
        let found = moved(shifts[k]);
        self.take(found.rect.quad());
        Some(found)
    }
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
        let first = p.place_near(&a, &down_to(20.0), |_| 0).expect("room");
        assert_eq!(first, a);
        let second = p.place_near(&a, &down_to(20.0), |_| 0).expect("room below");
        assert!(second.y > a.y);
        assert!(!second.rect.overlaps(&first.rect));
        assert_eq!(p.place_near(&a, &[0.0, -4.0], |_| 0), None, "no room without shifting far enough");
        let costly = centred("SYN_SENT", 100.0, 100.0, Anchor::Start, SMALL_FONT);
        let cheap = p.place_near(&costly, &[0.0, 20.0], |q| usize::from(q.0[0].y < 110.0)).expect("room");
        assert_eq!(cheap.y, costly.y + 20.0, "the cheaper shift wins");
    }
}
