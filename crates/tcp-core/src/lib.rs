//! A `no_std`, sans-IO TCP connection state machine faithful to RFC 9293, with the Linux
//! behaviours a reader sees in a real capture.
//!
//! The crate does no I/O, never reads a clock and never draws a random number: the caller passes
//! `now` and the initial sequence numbers. Two layers:
//!
//! - [`wire`]: decode and encode TCP headers, options and checksums;
//! - [`Connection`]: one endpoint of one connection. Its methods come in four kinds, as in
//!   quinn-proto: getters (`&self`), handlers (`handle_segment`, `handle_timeout`), application
//!   commands (`listen`, `connect`, `send`, `recv`, `shutdown`, `shutdown_read`, `close`, `abort`), and pollers
//!   (`poll_transmit`, `poll_timeout`, `poll_event`), to be drained after every handler and
//!   command.
//!
//! With the `alloc` feature, [`Listener`] adds a SYN queue and an accept queue in front of
//! connections (and SYN cookies). The connection itself never allocates.
#![no_std]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod config;
pub mod conn;
pub mod event;
#[cfg(feature = "harness")]
pub mod harness;
#[cfg(feature = "alloc")]
pub mod index;
#[cfg(feature = "alloc")]
pub mod listener;
pub mod seq;
#[cfg(feature = "alloc")]
pub mod sort;
pub mod state;
pub mod time;
pub mod wire;

pub use config::{AcceptQueueSize, Config, Ecn, Profile, ReadShutdown, SynFin, TimeWaitSyn};
pub use conn::{Connection, Transmit};
pub use event::{Cause, CloseReason, DropReason, Event, Negotiation, Reply, Timer, WindowShifts};
#[cfg(feature = "alloc")]
pub use listener::Listener;
pub use seq::SeqNum;
pub use state::State;
pub use time::{Duration, Instant};
pub use wire::{Flags, TcpRepr};
