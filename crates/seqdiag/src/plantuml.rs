//! PlantUML sequence-diagram text (the teoz engine): a printer of the trace's [`Script`].
//!
//! One message per segment in the order sent (`client ->(24) server : SYN seq=0`), slanted by its
//! time in flight (teoz's `->(n)`: the arrow ends `n` px lower; see [`slant`]); retransmissions
//! dashed (`-->`); lost segments end in a cross (`->x`, `-->x`, level: teoz has no slanted lost
//! arrow). Each arrow carries a note on its right saying when the segment left and arrived
//! (`0 → 10 ms`), or when it left and why it was lost. State changes, fired timers, TIME-WAIT's
//! 2MSL, rejected segments and what the applications did are notes over their host; long idle
//! stretches are delays (`...⋯ 59.8 s later...`). Segments to an address no host owns go to an
//! extra participant.
//!
//! Slanted arrows need PlantUML 1.2021 or later (the tests render with 1.2025.8); older ones,
//! such as Debian's 1.2020.2, reject `->(n)`.
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

/// The slant of an arrow (teoz's `->(n)`, in px) in flight for `flight_us`: a typical flight
/// (`typical_us`, the median of the script's delivered segments) gets [`TYPICAL_SLANT`], others
/// in proportion, up to three times that (a segment delayed for seconds still fits on a page;
/// its note says how long). A segment a host sends itself, in no time, is level.
pub fn slant(flight_us: u64, typical_us: u64) -> u64 {
    if typical_us == 0 {
        return 0;
    }
    let proportional =
        (u128::from(flight_us) * u128::from(TYPICAL_SLANT) + u128::from(typical_us / 2)) / u128::from(typical_us);
    proportional.min(u128::from(3 * TYPICAL_SLANT)) as u64
}

/// The slant of a typical flight, in px: about the height teoz gives a message's text.
pub const TYPICAL_SLANT: u64 = 16;

/// The median time in flight of the script's delivered segments (0 if none took any time).
fn typical_flight(script: &Script) -> u64 {
    let mut flights: Vec<u64> = script
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Message(m) if m.arrived_us.is_some() && m.flight_us > 0 => Some(m.flight_us),
            _ => None,
        })
        .collect();
    flights.sort_unstable();
    flights.get(flights.len() / 2).copied().unwrap_or(0)
}

/// The trace as PlantUML text for the teoz engine: [`print`] of its [`Script`] for `opts`.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    print(&Script::new(trace, opts))
}

/// `script` as a PlantUML diagram (`@startuml` ... `@enduml`, teoz engine).
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
    let typical = typical_flight(script);
    for item in &script.items {
        let _ = match item {
            Item::Message(m) => {
                let line = if m.style.retransmitted { "-->" } else { "->" };
                let arrow = match (m.style.lost, slant(m.flight_us, typical)) {
                    (true, _) => format!("{line}x"),
                    (false, 0) => String::from(line),
                    (false, n) => format!("{line}({n})"),
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
