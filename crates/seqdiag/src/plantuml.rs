//! PlantUML sequence-diagram text (the teoz engine): a printer of the trace's [`Script`].
//!
//! One message per segment in the order sent (`client -> server : SYN seq=0`); retransmissions
//! dashed (`-->`); lost segments end in a cross (`->x`, `-->x`). Each arrow carries a note on
//! its right saying when the segment left and arrived (`0 → 10 ms`), or when it left and why it
//! was lost. State changes, fired timers, TIME-WAIT's 2MSL, rejected segments and what the
//! applications did are notes over their host; long idle stretches are delays (`...⋯ 59.8 s
//! later...`). Segments to an address no host owns go to an extra participant.
//!
//! The arrows are level: teoz draws a slanted arrow for `->(n)`, but Debian's `plantuml` (1.2020.2,
//! what the tests render with) rejects that syntax, so the time is in the notes.
//!
//! PlantUML reads markup in text: creole (`**bold**`, `//italic//`, `[[link]]`, `~` escapes),
//! HTML-like tags (`<b>`, `<img:…>`), entities (`&#34;`) and `\n`. [`escape`] makes any text
//! plain, and ids that are a PlantUML keyword get a `_` (see [`ids`]).

use crate::ViewOptions;
use crate::script::{Item, Script};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_sim::Trace;

/// Characters that open creole markup when doubled (`**`, `//`, `""`, `--`, `__`, `[[`, `]]`,
/// `^^`, `==`, `||`).
const MARKUP: &[char] = &['*', '/', '"', '-', '_', '[', ']', '^', '=', '|'];

/// Escapes text after a `:` (messages, notes), inside `...` (delays) or inside a participant's
/// quoted name: `~`, `&`, `<`, `"` and `\` become entities or escapes, doubled markup characters
/// are escaped with `~`. Line ends become spaces; other controls and non-characters U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '~' => out.push_str("&#126;"),
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '"' => out.push_str("&#34;"),
            '\\' => out.push_str("\\\\"),
            '.' if prev == Some('.') || next == Some('.') => out.push_str("&#46;"),
            c if MARKUP.contains(&c) && (prev == Some(c) || next == Some(c)) => {
                out.push('~');
                out.push(c);
            }
            c => out.push(crate::svg::one_line_char(c)),
        }
        prev = Some(c);
    }
    out
}

/// Words that start a PlantUML sequence-diagram command when followed by a space: an id equal to
/// one (whatever its case) would not be read as a participant.
const KEYWORDS: [&str; 40] = [
    "participant",
    "actor",
    "boundary",
    "control",
    "entity",
    "database",
    "collections",
    "queue",
    "create",
    "destroy",
    "activate",
    "deactivate",
    "autoactivate",
    "return",
    "note",
    "hnote",
    "rnote",
    "ref",
    "group",
    "alt",
    "else",
    "opt",
    "loop",
    "par",
    "break",
    "critical",
    "end",
    "box",
    "title",
    "header",
    "footer",
    "legend",
    "caption",
    "skinparam",
    "hide",
    "show",
    "newpage",
    "autonumber",
    "scale",
    "mainframe",
];

/// The participants' ids: the script's, with `_` added to one that is a PlantUML keyword (and
/// more until it is unique).
pub fn ids(script: &Script) -> Vec<String> {
    let mut ids: Vec<String> = script.participants.iter().map(|p| p.id.clone()).collect();
    for i in 0..ids.len() {
        if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&ids[i])) {
            let mut id = format!("{}_", ids[i]);
            while ids.contains(&id) {
                id.push('_');
            }
            ids[i] = id;
        }
    }
    ids
}

/// Renders a trace.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    print(&Script::new(trace, opts))
}

/// Prints a script.
pub fn print(script: &Script) -> String {
    let mut out = String::from("@startuml\n!pragma teoz true\nhide footbox\n");
    let ids = ids(script);
    for (p, id) in script.participants.iter().zip(&ids) {
        let _ = match p.host {
            Some(_) => writeln!(out, "participant \"{}\\n{}\" as {id}", escape(&p.name), escape(&p.address)),
            None => writeln!(out, "participant \"{}\" as {id}", escape(&p.name)),
        };
    }
    let hosts: Vec<&str> =
        script.participants.iter().zip(&ids).filter(|(p, _)| p.host.is_some()).map(|(_, id)| id.as_str()).collect();
    let all = match hosts.as_slice() {
        [] => {
            out.push_str("@enduml\n");
            return out;
        }
        [one] => String::from(*one),
        [first, .., last] => format!("{first}, {last}"),
    };
    for item in &script.items {
        let _ = match item {
            Item::Message(m) => {
                let arrow = match (m.style.retransmitted, m.style.lost) {
                    (false, false) => "->",
                    (true, false) => "-->",
                    (false, true) => "->x",
                    (true, true) => "-->x",
                };
                let mut label = m.label.clone();
                if !m.tags.is_empty() {
                    let _ = write!(label, " ({})", m.tags.join(", "));
                }
                writeln!(out, "{} {arrow} {} : {}", ids[m.from], ids[m.to], escape(&label))
                    .and_then(|()| writeln!(out, "note right : {}", escape(&m.time)))
            }
            Item::Note(n) => {
                let parts: Vec<&str> = n.parts.iter().map(|p| p.text.as_str()).collect();
                writeln!(out, "note over {} : {}", ids[n.over], escape(&parts.join(" · ")))
            }
            Item::Break { text, .. } => writeln!(out, "...{}...", escape(text)),
        };
    }
    if let Some(why) = &script.truncated {
        let _ = writeln!(out, "note over {all} : {}", escape(why));
    }
    out.push_str("@enduml\n");
    out
}
