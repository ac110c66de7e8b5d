//! Simulated time. The core never reads a clock: every handler receives `now`.

use core::fmt;
use core::ops::{Add, Sub};
pub use core::time::Duration;

/// A point in time, in microseconds since the start of the experiment.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Instant {
    /// Microseconds since time zero.
    pub micros: u64,
}

impl Instant {
    /// The start of every experiment.
    pub const ZERO: Instant = Instant { micros: 0 };

    /// An instant `micros` microseconds after time zero.
    pub const fn from_micros(micros: u64) -> Instant {
        Instant { micros }
    }

    /// An instant `millis` milliseconds after time zero.
    pub const fn from_millis(millis: u64) -> Instant {
        Instant { micros: millis * 1000 }
    }

    /// Whole milliseconds since time zero (what a TCP timestamp clock of 1 kHz reads).
    pub const fn millis(self) -> u64 {
        self.micros / 1000
    }

    /// Time elapsed from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.micros.saturating_sub(earlier.micros))
    }
}

/// When a timer armed at `now` to wait `timeout` fires on Linux's timer wheel
/// (`kernel/time/timer.c`, the non-cascading wheel since Linux 4.8) whose tick, a jiffy, lasts
/// `tick`. The timeout is counted in whole ticks, rounded up (`msecs_to_jiffies`), from the tick
/// `now` falls in. The wheel keeps 8 levels of 64 buckets; level n holds timers due in
/// 63·8^(n−1) ticks or more and its buckets are 8^n ticks wide (`LVL_CLK_SHIFT` 3, `LVL_BITS` 6).
/// A timer goes into the bucket *after* the one its expiry falls in (`calc_index`: "round up
/// with level granularity to prevent" early expiry), so it never fires early and fires late by up
/// to one bucket: within one tick for a short timer, 8 ticks for one due in 63–503 ticks (a 1 s RTO
/// at 250 Hz: up to 32 ms), 64 ticks for 504–4031 ticks, 512 for 4032–32255 (TIME-WAIT's 60 s:
/// up to 2.048 s). Timeouts past the wheel's range are cut to it (`WHEEL_TIMEOUT_MAX`). The
/// wheel's phase is the experiment's time zero (a real kernel's depends on its uptime), which
/// keeps a run deterministic.
pub fn wheel_deadline(now: Instant, timeout: Duration, tick: Duration) -> Instant {
    const LVL_CLK_SHIFT: u32 = 3;
    const LVL_DEPTH: u32 = 8;
    // First tick count of level `n` (n ≥ 1): `LVL_START(n)`.
    const fn level_start(n: u32) -> u64 {
        63 << ((n - 1) * LVL_CLK_SHIFT)
    }
    let tick_us = (tick.as_micros() as u64).max(1);
    let jiffies = now.micros / tick_us;
    let mut delta = (timeout.as_micros() as u64).div_ceil(tick_us);
    let cutoff = level_start(LVL_DEPTH);
    if delta >= cutoff {
        // WHEEL_TIMEOUT_MAX: the cutoff less one bucket of the last level.
        delta = cutoff - (1 << ((LVL_DEPTH - 1) * LVL_CLK_SHIFT));
    }
    let level = (1..LVL_DEPTH).take_while(|&n| delta >= level_start(n)).count() as u32;
    let shift = level * LVL_CLK_SHIFT;
    let bucket = (((jiffies + delta) >> shift) + 1) << shift;
    Instant::from_micros(bucket.saturating_mul(tick_us))
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        let micros = u64::try_from(rhs.as_micros()).unwrap_or(u64::MAX);
        Instant { micros: self.micros.saturating_add(micros) }
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Instant {
    /// Milliseconds with three decimals, as packet captures show time: `1030.992ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}ms", self.micros / 1000, self.micros % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: Duration = Duration::from_millis(4);

    fn fires(now_ms: u64, timeout_ms: u64) -> u64 {
        wheel_deadline(Instant::from_millis(now_ms), Duration::from_millis(timeout_ms), TICK).millis()
    }

    #[test]
    fn a_timer_on_the_wheel_fires_in_the_bucket_after_its_expiry() {
        // Level 0 (under 63 ticks): the next tick after the expiry, so within one tick late.
        assert_eq!(fires(100, 40), 144); // tick 25 + 10 = 35: fires at 36
        assert_eq!(fires(101, 40), 144); // a time inside tick 25 counts from it
        assert_eq!(fires(100, 0), 104); // "jiffies + 0": the next tick
        assert_eq!(fires(100, 1), 108); // a part of a tick is a whole one
        assert_eq!(fires(0, 248), 252); // 62 ticks: still level 0
        // Level 1 (63 to 503 ticks): buckets of 8 ticks, 32 ms.
        assert_eq!(fires(0, 252), 256); // 63 ticks
        assert_eq!(fires(0, 1000), 1024);
        assert_eq!(fires(1024, 1000), 2048); // an expiry on a bucket's edge waits a whole bucket
        assert_eq!(fires(0, 2012), 2016); // 503 ticks
        // Level 2 (504 to 4031 ticks): 64 ticks, 256 ms. Level 3: 512 ticks, 2.048 s.
        assert_eq!(fires(0, 2016), 2048);
        assert_eq!(fires(5120, 2000), 7136); // 500 ticks: level 1 (the capture's 2,016 ms gap)
        assert_eq!(fires(0, 4000), 4096);
        assert_eq!(fires(0, 60_000), 61_440);
        // Never early, and late by less than a bucket plus a tick, at any phase.
        for now in (0..5000).step_by(7) {
            for timeout in [0, 3, 40, 200, 1000, 3000, 60_000] {
                let at = fires(now, timeout);
                assert!(at >= now + timeout, "{now} + {timeout}: {at}");
                assert!(
                    at <= now
                        + timeout
                        + 4
                        + [4, 32, 256, 2048][[0, 252, 2016, 16_128].iter().rposition(|&s| timeout >= s).unwrap()]
                );
            }
        }
    }

    #[test]
    fn a_timeout_past_the_wheel_is_cut_to_its_range() {
        let year = Duration::from_secs(365 * 24 * 3600);
        let at = wheel_deadline(Instant::ZERO, year, TICK);
        // WHEEL_TIMEOUT_MAX: (63 << 21) - (1 << 21) ticks, rounded up to a level-7 bucket.
        assert_eq!(at.micros, (63u64 << 21) * 4000);
    }
}
