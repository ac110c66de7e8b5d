//! The work budget of a run: the most segments, connections, events and steps one simulation
//! may make, whatever the scenario, so that a link from a stranger can neither hang a tab nor
//! exhaust its memory. The page and the CLI use the same [`Limits::DEFAULT`]; the CLI may raise
//! them (`synack run --max-segments N ...`).
//!
//! A run stops cleanly where the next segment, connection, event or step would exceed its limit,
//! and the trace says which limit it met ([`crate::trace::Truncation`]). Everything the layout
//! and the writers do afterwards is proportional to the trace, hence to these limits.

use serde::{Deserialize, Serialize};

/// The most a single run may do. Each field is a count, never a time: the same scenario stops at
/// the same place on every machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Segments put on the wire (a diagram with thousands of arrows is no longer read; the
    /// largest catalogue entry, `syn-flood`, sends 49).
    pub segments: usize,
    /// Connection endpoints (one per socket and 4-tuple; `syn-flood` has 10).
    pub connections: usize,
    /// Trace events (about five per segment: sent, delivered, timers, states; `syn-flood` has
    /// 218).
    pub events: usize,
    /// Simulation steps (a delivery, an application rule or a batch of timers each).
    pub steps: usize,
}

impl Limits {
    /// The limits of the page and of `synack run` without flags.
    pub const DEFAULT: Limits = Limits { segments: 5_000, connections: 500, events: 50_000, steps: 100_000 };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}
