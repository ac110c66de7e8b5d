//! Trace → diagram geometry → standalone SVG and Mermaid text.
//!
//! [`layout`] turns a [`Trace`](tcp_sim::Trace) into a [`Diagram`]: plain geometry (lifelines, time-scaled
//! arrows, state bands, timer bars, time breaks, notes), every item carrying the index of the
//! playback [`steps::Step`] at which it appears. One writer draws it as SVG: [`svg::render`]
//! writes the standalone file, [`svg::page_body`] the same drawing for the web page. The text
//! writers print a [`script::Script`], the exchange as participants, messages, notes and time
//! breaks derived from the trace once: [`mermaid::render`] writes a `sequenceDiagram`,
//! [`plantuml::render`] a PlantUML sequence diagram, [`msc::render`] an MSC for `mscgen`. [`format`]
//! is the table of every file a trace is written as (name, extension, MIME type, writer), which the
//! CLI's `--format` and the page's export bar both read. [`layout_pair`] lays two runs out on one
//! time axis, with where they part marked (`pair`), and `svg::render_pair` draws them side by side
//! (feature `pair`).
//!
//! The vertical axis is simulated time ([`axis::TimeAxis`]): a 10 ms one-way delay is a visible
//! slant, segments that cross in flight cross on the page, and idle stretches longer than
//! [`ViewOptions::break_after_ms`] are cut out and drawn as a labelled time break.
//!
//! What the picture shows, and where it is decided:
//! - one lifeline per host, attackers rightmost, with a header (name, `address:port`);
//! - one arrow per segment, coloured by kind, with a flags badge and a textbook label running
//!   along it (`layout`, `arrows`); retransmissions dashed, old duplicates dash-dotted, forged
//!   segments dotted, lost ones stopping part-way at a cross, RST bold red; a burst of alike
//!   segments is labelled once with `×N`;
//! - the connection state as a band along each lifeline, a dot and the netstat name at each
//!   change; a host with several connections shows the one in use (see `lanes`);
//! - timers as bars beside their lifeline: bold when they fire, faint when stopped early;
//! - notes: what the application did (`connect()`, `close()`), errors it got, rejected segments;
//! - simulated time on a ruler at the left, breaks as zig-zag strips (`⋯ 59.8 s later`).
//!
//! **Architecture invariant:** this crate knows nothing of Yew or the DOM and never formats a
//! float with `core::fmt` (numbers go through integer formatting), so the wasm stays small.
#![no_std]
extern crate alloc;

mod arrows;
pub mod axis;
pub mod cjk;
mod columns;
pub mod diagram;
pub mod format;
mod labels;
mod lanes;
mod layout;
pub mod mermaid;
pub mod msc;
pub mod num;
#[cfg(feature = "pair")]
pub mod pair;
pub mod plantuml;
pub mod script;
pub mod sequencediagram;
mod slots;
pub mod steps;
pub mod style;
pub mod svg;
pub mod text;
pub mod tikz;
pub mod width;
mod wrap;

pub use diagram::Diagram;
#[cfg(feature = "sliced")]
pub use layout::Sliced;
pub use layout::layout;
#[doc(hidden)]
pub use layout::layout_counting;
pub use num::Px;
#[cfg(feature = "pair")]
pub use pair::{Pair, layout_pair};
pub use steps::{step_times, steps};
pub use width::WidthClass;

use bilingual::Lang;

/// How the reader wants the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewOptions {
    /// The language of every text drawn: labels, notes, captions and the title.
    pub lang: Lang,
    /// Relative sequence numbers (as Wireshark shows them) or absolute.
    pub relative: bool,
    /// Vertical scale: pixels per millisecond of simulated time (the zoom; default 3.5, so a
    /// 10 ms one-way delay drops an arrow by 35 px).
    pub px_per_ms: f32,
    /// Idle stretches (no event on any lifeline) longer than this many milliseconds are drawn
    /// as a time break (default 45: a 40 ms delayed ACK stays to scale, TIME-WAIT does not).
    pub break_after_ms: u32,
    /// The width class to lay out for (default [`WidthClass::Full`], what exports draw; see
    /// [`width`]).
    pub width: WidthClass,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions { lang: Lang::En, relative: true, px_per_ms: 3.5, break_after_ms: 45, width: WidthClass::Full }
    }
}
