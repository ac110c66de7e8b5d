//! Runs packetdrill scripts against tcp-core, and records each run as a synack trace.
//!
//! packetdrill (Cardwell et al., USENIX ATC 2013) tests a TCP stack with scripts of timed
//! system calls, segments the script injects (`<`) and segments the stack must send (`>`). This
//! crate reads the part of its language that FreeBSD's TCP suite uses and plays it against
//! tcp-core's `Connection` and `Listener` on a virtual clock: no tun device, no threads, no
//! waiting. See `CONFORMANCE.md` for what that suite says about tcp-core.
//!
//! - [`parse`]: text → [`Script`]; a malformed or unsupported line is an error naming it.
//! - [`run`]: a script and a [`RunOptions`] (profile, `#ifdef` symbols) → a [`Run`]: the
//!   [`Outcome`] (pass, the first difference, or what cannot be expressed and why), and the
//!   run as a `tcp_sim::Trace` with a [`Verdict`] per segment, to draw with `seqdiag`.
//!
//! `no_std` + `alloc`, so the web page can run scripts too.
#![no_std]

extern crate alloc;

pub mod ast;
mod compare;
mod env;
mod error;
mod kernel;
mod lex;
mod lines;
mod parse;
mod record;
mod report;
mod runner;
mod syscalls;
mod text;

pub use ast::Script;
pub use error::ParseError;
pub use parse::parse;
pub use report::{DiffKind, Difference, Missing, Outcome, Verdict};
pub use runner::{Run, RunOptions, default_defines, run};
pub use tcp_core::Profile;
