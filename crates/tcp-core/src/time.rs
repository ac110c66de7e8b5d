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
