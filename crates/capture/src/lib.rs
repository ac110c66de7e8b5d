//! Open a real capture: read pcap and pcapng files, list their TCP connections, draw the chosen
//! one as a [`tcp_sim::Trace`] with both ends' states inferred by `tcp-core`, and turn it into a
//! [`tcp_sim::Scenario`] that re-runs it.
//!
//! `no_std` + `alloc`, so the page can run it in the browser. Everything is fed bytes in chunks:
//!
//! 1. [`Scanner`] (or [`list`]) reads the file and returns a [`Listing`] of connections;
//! 2. [`Collector`] (or [`collect`]) reads it again and keeps the chosen connection's segments;
//! 3. [`import`] infers both ends' states and returns an [`Import`]: the trace, notes on what the
//!    capture shows (retransmissions, losses, resets ...), and the derived scenario;
//! 4. [`rerun::compare`] checks a re-run against the capture, segment by segment.
#![no_std]

extern crate alloc;

pub mod conns;
pub mod decode;
pub mod error;
pub mod file;

pub use conns::{Began, Captured, Collected, Collector, ConnSummary, Ended, Listing, Scanner, collect, list};
pub use error::{Error, ErrorKind, Location};
pub use file::{FileFormat, FileReader, Frame, LinkType};
mod derive;
pub mod import;
pub mod infer;
pub mod notes;
pub mod observe;
pub mod rerun;
pub mod sample;

pub use import::{Import, Prepared, import};
pub use notes::{Note, NoteKind};
pub use rerun::{Comparison, compare, rerun};
