//! Mermaid `sequenceDiagram` text: a printer of the trace's [`Script`].
//!
//! One message per segment in the order sent (`client->>server: SYN seq=0`); retransmissions
//! dotted (`-->>`); lost segments end in a cross (`-x`, `--x`); a segment the network held back
//! says so (`delayed 30 ms`). Mermaid cannot draw an arrow slanted by its time, so a note over
//! both ends follows each message with when it left and arrived, or when it left and why it was
//! lost (`0 → 10 ms`, `1 s → ✕ dropped`); state changes, fired timers,
//! TIME-WAIT's 2MSL, rejected segments and what the applications did as notes over their host;
//! long idle stretches as a note across all hosts (`⋯ 59.8 s later`). Segments to an address no
//! host owns (a SYN flood's forged sources) go to an extra participant.
//!
//! Mermaid's lexer treats `;` as a line end and `#` as a comment, and matches keywords (`end`,
//! `box`, `note` …) at the start of a participant id, so text is written with Mermaid's entity
//! codes (`#59;`, `#35;`) and ids are made of letters, digits and `_` and never start with a
//! keyword.

use crate::ViewOptions;
use crate::script::{Item, Script};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_sim::Trace;

pub use crate::script::{participant_id, participant_ids};

/// Escapes text after a `:` (messages, notes) or after `as` (participant aliases). Line ends
/// become spaces; other controls (ESC, NUL …) and non-characters become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            c => out.push(crate::svg::one_line_char(c)),
        }
    }
    out
}

/// The trace as Mermaid `sequenceDiagram` text: [`print`] of its [`Script`] for `opts`.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    print(&Script::new(trace, opts))
}

/// `script` as a Mermaid `sequenceDiagram`.
pub fn print(script: &Script) -> String {
    let mut out = String::from("sequenceDiagram\n    autonumber off\n");
    let ids: Vec<&str> = script.participants.iter().map(|p| p.id.as_str()).collect();
    for p in &script.participants {
        let _ = match p.host {
            Some(_) => writeln!(out, "    participant {} as {}<br/>{}", p.id, escape(&p.name), escape(&p.address)),
            None => writeln!(out, "    participant {} as {}", p.id, escape(&p.name)),
        };
    }
    let mut hosts = script.participants.iter().filter(|p| p.host.is_some());
    let all = match (hosts.next(), hosts.next_back()) {
        (Some(a), Some(b)) => format!("{},{}", a.id, b.id),
        (Some(a), None) => a.id.clone(),
        (None, _) => return out,
    };
    for item in &script.items {
        let _ = match item {
            Item::Message(m) => {
                let arrow = match (m.style.retransmitted, m.style.lost) {
                    (false, false) => "->>",
                    (true, false) => "-->>",
                    (false, true) => "-x",
                    (true, true) => "--x",
                };
                let mut text = m.label.clone();
                if !m.tags.is_empty() {
                    let _ = write!(text, " ({})", m.tags.join(", "));
                }
                let over = match m.from == m.to {
                    true => String::from(ids[m.from]),
                    false => format!("{},{}", ids[m.from], ids[m.to]),
                };
                writeln!(out, "    {}{arrow}{}: {}", ids[m.from], ids[m.to], escape(&text))
                    .and_then(|()| writeln!(out, "    Note over {over}: {}", escape(&m.time)))
            }
            Item::Note(n) => {
                let parts: Vec<&str> = n.parts.iter().map(|p| p.text.as_str()).collect();
                writeln!(out, "    Note over {}: {}", ids[n.over], escape(&parts.join(" · ")))
            }
            Item::Break { text, .. } => writeln!(out, "    Note over {all}: {}", escape(text)),
        };
    }
    if let Some(why) = &script.truncated {
        let _ = writeln!(out, "    Note over {all}: {}", escape(why));
    }
    out
}
