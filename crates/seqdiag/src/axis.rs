//! The time axis: simulated time → y, piecewise linear.
//!
//! The axis is built from *stops*: the instants at which something is drawn, each with a number
//! of *slots*. Between two stops y grows linearly with time (`px_per_ms`), except that a gap
//! longer than `break_after` is squeezed into a fixed `break_height` (a time break, drawn as a
//! zig-zag), and stops are at least `min_gap` apart. At a stop with `n` slots, `(n - 1) · slot_height` pixels are inserted: that is where
//! a host that sends (or receives) several segments at the same instant draws them one under the
//! other. The map is monotone: `t1 < t2` implies `y(t1) + slots(t1) ≤ y(t2)`, so an arrow that
//! spans a break simply goes through it.

use alloc::vec::Vec;
use tcp_core::Instant;

/// How the axis is scaled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisParams {
    /// Pixels per millisecond between stops.
    pub px_per_ms: f32,
    /// Gaps longer than this (microseconds) become breaks.
    pub break_after_us: u64,
    /// The height of a break.
    pub break_height: f32,
    /// The height of one extra slot at a busy instant.
    pub slot_height: f32,
    /// The least distance between two stops: events a fraction of a millisecond apart stay
    /// apart on the page (the only place where y is not proportional to time).
    pub min_gap: f32,
}

impl Default for AxisParams {
    fn default() -> Self {
        AxisParams { px_per_ms: 3.5, break_after_us: 45_000, break_height: 64.0, slot_height: 22.0, min_gap: 10.0 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Stop {
    at: Instant,
    /// y of slot 0.
    y: f32,
    /// Slots at this instant (at least 1).
    slots: u16,
    /// The gap after this stop is a break.
    break_after: bool,
}

/// An idle stretch cut out of the axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisBreak {
    /// The last instant before it.
    pub from: Instant,
    /// The first instant after it.
    pub to: Instant,
    /// Where it starts (after the last slot of `from`).
    pub y1: f32,
    /// Where it ends (slot 0 of `to`).
    pub y2: f32,
}

/// The piecewise-linear map from time to y. See the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeAxis {
    stops: Vec<Stop>,
    params: AxisParams,
    top: f32,
}

impl TimeAxis {
    /// Builds the axis from stops `(instant, slots)` in any order (duplicates merge, keeping the
    /// most slots); the first stop is at `top`.
    pub fn new(top: f32, params: AxisParams, stops: impl IntoIterator<Item = (Instant, u16)>) -> TimeAxis {
        let mut raw: Vec<(Instant, u16)> = stops.into_iter().collect();
        tcp_core::sort::sort_by(&mut raw, &|a, b| a.0.cmp(&b.0));
        let mut merged: Vec<Stop> = Vec::with_capacity(raw.len());
        for (at, slots) in raw {
            let slots = slots.max(1);
            match merged.last_mut() {
                Some(last) if last.at == at => last.slots = last.slots.max(slots),
                _ => merged.push(Stop { at, y: 0.0, slots, break_after: false }),
            }
        }
        let mut y = top;
        let per_us = params.px_per_ms / 1000.0;
        for i in 0..merged.len() {
            if i > 0 {
                let prev = merged[i - 1];
                let gap = merged[i].at.micros - prev.at.micros;
                let end_of_prev = prev.y + f32::from(prev.slots - 1) * params.slot_height;
                let is_break = gap > params.break_after_us;
                merged[i - 1].break_after = is_break;
                y = end_of_prev
                    + if is_break { params.break_height } else { (gap as f32 * per_us).max(params.min_gap) };
            }
            merged[i].y = y;
        }
        TimeAxis { stops: merged, params, top }
    }

    /// The parameters it was built with: pixels per millisecond, when a gap becomes a break, the
    /// height of a break and of a slot, and the least gap between stops.
    pub fn params(&self) -> AxisParams {
        self.params
    }

    /// y of `t` (slot 0 when `t` is a stop). Before the first stop: `top`; after the last: linear.
    pub fn y(&self, t: Instant) -> f32 {
        let i = self.stops.partition_point(|s| s.at <= t);
        if i == 0 {
            return self.top;
        }
        let s = self.stops[i - 1];
        if s.at == t {
            return s.y;
        }
        let base = s.y + f32::from(s.slots - 1) * self.params.slot_height;
        match self.stops.get(i) {
            None => base + (t.micros - s.at.micros) as f32 * self.params.px_per_ms / 1000.0,
            Some(next) => {
                let frac = (t.micros - s.at.micros) as f32 / (next.at.micros - s.at.micros) as f32;
                base + (next.y - base) * frac
            }
        }
    }

    /// y of slot `slot` at `t`: slots exist only at stops (clamped to the stop's count); elsewhere
    /// this is [`TimeAxis::y`].
    pub fn y_slot(&self, t: Instant, slot: u16) -> f32 {
        let i = self.stops.partition_point(|s| s.at < t);
        match self.stops.get(i) {
            Some(s) if s.at == t => s.y + f32::from(slot.min(s.slots - 1)) * self.params.slot_height,
            _ => self.y(t),
        }
    }

    /// y below the last slot of the last stop.
    pub fn bottom(&self) -> f32 {
        self.stops.last().map_or(self.top, |s| s.y + f32::from(s.slots - 1) * self.params.slot_height)
    }

    /// The stops' instants and their slot-0 y, in time order.
    pub fn stops(&self) -> impl Iterator<Item = (Instant, f32)> + '_ {
        self.stops.iter().map(|s| (s.at, s.y))
    }

    /// The breaks, in time order.
    pub fn breaks(&self) -> Vec<AxisBreak> {
        self.stops
            .windows(2)
            .filter(|w| w[0].break_after)
            .map(|w| AxisBreak {
                from: w[0].at,
                to: w[1].at,
                y1: w[0].y + f32::from(w[0].slots - 1) * self.params.slot_height,
                y2: w[1].y,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn ms(m: u64) -> Instant {
        Instant::from_millis(m)
    }

    fn axis(stops: &[(u64, u16)]) -> TimeAxis {
        TimeAxis::new(100.0, AxisParams::default(), stops.iter().map(|&(m, n)| (ms(m), n)))
    }

    #[test]
    fn linear_between_close_stops() {
        let a = axis(&[(0, 1), (10, 1), (20, 1)]);
        assert_eq!(a.y(ms(0)), 100.0);
        assert_eq!(a.y(ms(10)), 135.0);
        assert_eq!(a.y(ms(20)), 170.0);
        assert_eq!(a.y(ms(5)), 117.5);
        assert!(a.breaks().is_empty());
    }

    #[test]
    fn long_gaps_become_breaks() {
        let a = axis(&[(0, 1), (10, 1), (60_010, 1), (60_020, 1)]);
        assert_eq!(a.breaks(), vec![AxisBreak { from: ms(10), to: ms(60_010), y1: 135.0, y2: 199.0 }]);
        assert_eq!(a.y(ms(60_010)), 199.0);
        assert_eq!(a.y(ms(60_020)), 234.0);
        // A time inside the break lies inside its band, proportionally.
        assert_eq!(a.y(ms(30_010)), 167.0);
        // The threshold itself is still linear.
        let b = axis(&[(0, 1), (45, 1)]);
        assert_eq!(b.y(ms(45)), 257.5);
        assert!(b.breaks().is_empty());
    }

    #[test]
    fn close_stops_keep_a_minimum_gap() {
        let a = axis(&[(0, 1), (1, 1), (2, 1), (12, 1)]);
        assert_eq!(a.y(ms(1)), 110.0);
        assert_eq!(a.y(ms(2)), 120.0);
        assert_eq!(a.y(ms(12)), 155.0);
    }

    #[test]
    fn slots_add_room_at_busy_instants() {
        let a = axis(&[(0, 2), (10, 1)]);
        assert_eq!(a.y_slot(ms(0), 0), 100.0);
        assert_eq!(a.y_slot(ms(0), 1), 122.0);
        assert_eq!(a.y_slot(ms(0), 5), 122.0, "clamped");
        assert_eq!(a.y(ms(10)), 157.0);
        // Between stops the slot is ignored.
        assert_eq!(a.y_slot(ms(5), 3), a.y(ms(5)));
    }

    #[test]
    fn monotone_everywhere() {
        let a = axis(&[(0, 3), (2, 1), (4, 2), (1_000, 1), (1_010, 4), (61_010, 1), (61_011, 1)]);
        let mut last = f32::MIN;
        for us in (0..62_000_000u64).step_by(997) {
            let y = a.y(Instant::from_micros(us));
            assert!(y >= last, "y({us}) = {y} < {last}");
            last = y;
        }
        let mut last = f32::MIN;
        for (t, _) in a.stops().collect::<Vec<_>>() {
            for slot in 0..4 {
                let y = a.y_slot(t, slot);
                assert!(y >= last);
                last = y;
            }
        }
        assert_eq!(a.bottom(), a.y(ms(61_011)));
    }

    #[test]
    fn sent_and_arrival_of_a_segment() {
        // A segment sent at 0 ms in slot 1 and delivered at 10 ms: the arrow goes down.
        let a = axis(&[(0, 2), (10, 1)]);
        let (y1, y2) = (a.y_slot(ms(0), 1), a.y_slot(ms(10), 0));
        assert!(y2 > y1);
        assert_eq!(y2 - a.y_slot(ms(0), 0), 22.0 + 35.0);
        // Before the first stop and after the last.
        assert_eq!(a.y(Instant::ZERO), 100.0);
        assert_eq!(a.y(ms(12)), a.y(ms(10)) + 7.0);
        let empty = TimeAxis::new(5.0, AxisParams::default(), []);
        assert_eq!(empty.y(ms(3)), 5.0);
        assert_eq!(empty.bottom(), 5.0);
    }
}
