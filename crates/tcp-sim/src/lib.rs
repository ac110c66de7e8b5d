//! Experiments with `tcp-core`: scenarios, a deterministic simulator, the trace it writes, the
//! built-in catalogue, and pcap export. `no_std` + `alloc`, so the same code runs in the browser.
//!
//! The data's one path: [`Scenario`] → [`simulate`] → [`Trace`] → (layout and views elsewhere).
#![no_std]

extern crate alloc;

pub mod catalogue;
pub mod compare;
pub mod decimal;
pub mod invariants;
pub mod limits;
pub mod odds;
pub mod outcome;
pub mod overrides;
pub mod pcap;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod trace;

pub use limits::Limits;
pub use odds::{Odds, RunSummary, Verdict};
pub use outcome::Outcome;
pub use scenario::{Scenario, ScenarioError};
pub use sim::{Progress, Simulator, simulate, simulate_with};
pub use trace::{ConnId, HostId, SegId, Trace};
