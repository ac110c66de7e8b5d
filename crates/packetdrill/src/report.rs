//! The result of running one script: pass, the first difference, or why it cannot be run.

use crate::error::ParseError;
use alloc::format;
use alloc::string::String;
use core::fmt;

/// What kind of difference between the script and tcp-core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiffKind {
    /// A segment was sent, but not the one the script expects (or not when).
    Segment,
    /// The script expects a segment and none was sent in time.
    Missing,
    /// A segment was sent that the script does not list.
    Unexpected,
    /// A system call returned something else.
    Syscall,
    /// A `sockstat` count or a `tcpi_state` assertion does not hold.
    Assertion,
}

/// One difference, on the script's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The script line (1-based).
    pub line: u32,
    /// What differs.
    pub kind: DiffKind,
    /// Expected against what happened, in one line.
    pub message: String,
    /// The same in a few words, for a diagram's caption (the message when it is short).
    pub brief: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// How a script ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything tcp-core did is what the script expects.
    Pass,
    /// tcp-core did something else: the first difference, which stopped the run.
    Fail(Difference),
    /// A line asks for something this runner cannot do (named with the reason).
    CannotExpress {
        /// The line (0 for the script as a whole).
        line: u32,
        /// What it asks for that the runner cannot do.
        reason: String,
    },
    /// The script is not valid packetdrill.
    Malformed(ParseError),
}

impl Outcome {
    /// Whether the script passed.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Pass)
    }

    /// The outcome in one line: `pass`, `FAIL line 57: …`, `cannot express: line 50: …`.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Pass => String::from("pass"),
            Outcome::Fail(d) => format!("FAIL {d}"),
            Outcome::CannotExpress { line: 0, reason } => format!("cannot express: {reason}"),
            Outcome::CannotExpress { line, reason } => format!("cannot express: line {line}: {reason}"),
            Outcome::Malformed(e) => format!("malformed: {e}"),
        }
    }
}

/// How one segment of the run compares with the script, for drawing the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The script expects it, as sent.
    Expected {
        /// The script line.
        line: u32,
    },
    /// The script expects a segment here, but another one (`expected`).
    Differs {
        /// The script line.
        line: u32,
        /// The segment the script expects, as written.
        expected: String,
    },
    /// The script does not list it.
    Unexpected,
    /// Sent after the run stopped at a difference: not compared.
    Unchecked,
    /// The script injected it.
    Injected {
        /// The script line.
        line: u32,
    },
}

/// A segment the script expects that tcp-core never sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The script line.
    pub line: u32,
    /// The segment as written.
    pub expected: String,
    /// When it was due, microseconds.
    pub due_us: u64,
}

/// Seconds with three decimals: `0.300 s`.
pub(crate) fn seconds(micros: u64) -> String {
    format!("{}.{:03} s", micros / 1_000_000, (micros % 1_000_000) / 1000)
}
