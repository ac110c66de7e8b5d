//! A run as text: the outcome, every segment beside the script line it answers, and tcp-core's
//! states and timers from the trace.

use crate::compare::{Numbering, sent_text};
use crate::record::STACK;
use crate::report::{Verdict, seconds};
use crate::runner::Run;
use alloc::format;
use alloc::string::String;
use core::fmt::Write as _;

impl Run {
    /// The run as text: the outcome, the segments against the script, then the trace.
    pub fn to_text(&self) -> String {
        let n = Numbering { local: self.local_isn, remote: self.script_isn };
        let mut out = format!("result: {}\n\nsegments (relative numbers, as in the script):\n", self.summary());
        for (i, s) in self.trace.segments.iter().enumerate() {
            let (arrow, numbering) =
                if s.from == STACK { ('>', n) } else { ('<', Numbering { local: n.remote, remote: n.local }) };
            let verdict = match self.verdicts.get(i) {
                Some(Verdict::Expected { line }) => format!("line {line}"),
                Some(Verdict::Injected { line }) => format!("line {line}"),
                Some(Verdict::Differs { line, expected }) => format!("line {line} DIFFERS: expected `{expected}`"),
                Some(Verdict::Unexpected) | None => String::from("NOT IN THE SCRIPT"),
                Some(Verdict::Unchecked) => String::from("(after the run stopped)"),
            };
            let text = sent_text(&s.repr, s.payload.len(), numbering);
            let _ = writeln!(out, "{:>10}  {arrow} {text:<58} {verdict}", seconds(s.sent_at.micros));
        }
        if let Some(m) = &self.missing {
            let _ = writeln!(out, "{:>10}  > {:<58} line {} MISSING", seconds(m.due_us), m.expected, m.line);
        }
        out.push_str("\ntrace:\n");
        out.push_str(&self.trace.to_text());
        out
    }
}
