//! Mermaid `sequenceDiagram` text, written straight from the trace.
//!
//! One message per segment in the order sent (`client->>server: SYN seq=0`); retransmissions
//! dotted (`-->>`); lost segments end in a cross (`-x`, `--x`); a segment the network held back
//! says so (`delayed 30 ms`), since Mermaid cannot draw it arriving late; state changes, fired timers,
//! TIME-WAIT's 2MSL, rejected segments and what the applications did as notes over their host;
//! long idle stretches as a note across all hosts (`⋯ 59.8 s later`). Segments to an address no
//! host owns (a SYN flood's forged sources) go to an extra participant.
//!
//! Mermaid's lexer treats `;` as a line end and `#` as a comment, and matches keywords (`end`,
//! `box`, `note` …) at the start of a participant id, so text is written with Mermaid's entity
//! codes (`#59;`, `#35;`) and ids are made of letters, digits and `_` and never start with a
//! keyword.

use crate::{Lang, ViewOptions, text};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_core::event::Timer;
use tcp_sim::Trace;
use tcp_sim::trace::{EventKind, Fate, Notice};

/// Keywords of Mermaid's sequence-diagram lexer that could swallow the start of an id.
const KEYWORDS: [&str; 33] = [
    "participant",
    "actor",
    "create",
    "destroy",
    "box",
    "loop",
    "rect",
    "opt",
    "alt",
    "else",
    "par",
    "and",
    "critical",
    "option",
    "break",
    "end",
    "left",
    "right",
    "links",
    "link",
    "properties",
    "details",
    "over",
    "note",
    "activate",
    "deactivate",
    "title",
    "acc",
    "sequence",
    "autonumber",
    "off",
    "as",
    "of",
];

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
            '\n' | '\r' | '\t' => out.push(' '),
            c if crate::svg::unfit_for_text(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    out
}

/// A participant id for `name`: letters, digits and `_`, not starting with a keyword. Two names
/// may give the same id (`x.` and `x_`): [`participant_ids`] makes them unique.
pub fn participant_id(name: &str, index: usize) -> String {
    let mut id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let lower = id.to_ascii_lowercase();
    let starts_badly =
        !id.starts_with(|c: char| c.is_ascii_alphabetic()) || KEYWORDS.iter().any(|k| lower.starts_with(k));
    if starts_badly {
        id = format!("h{index}_{id}");
    }
    id
}

/// The id of the participant that stands for addresses no host owns.
const NOBODY: &str = "nobody";

/// One id per host, all different, none equal to the participant that stands for addresses no
/// host owns: each host's [`participant_id`], or when an earlier host (or `nobody`) has it, that
/// id with `_2`, `_3` … added, skipping ids later hosts are named.
pub fn participant_ids(names: &[&str]) -> Vec<String> {
    let bases: Vec<String> = names.iter().enumerate().map(|(h, n)| participant_id(n, h)).collect();
    let mut ids: Vec<String> = Vec::with_capacity(names.len());
    for (h, base) in bases.iter().enumerate() {
        let free = |id: &str| {
            id != NOBODY && !ids.iter().any(|i| i == id) && !bases[h + 1..].iter().any(|b| b == id && b != base)
        };
        let mut id = base.clone();
        let mut k = 2;
        while !free(&id) {
            id = format!("{base}_{k}");
            k += 1;
        }
        ids.push(id);
    }
    ids
}

/// Renders a trace.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    let lang = opts.lang;
    let mut out = String::from("sequenceDiagram\n    autonumber off\n");
    let mut order: Vec<usize> = (0..trace.hosts.len()).filter(|&h| !trace.hosts[h].attacker).collect();
    order.extend((0..trace.hosts.len()).filter(|&h| trace.hosts[h].attacker));
    let names: Vec<&str> = trace.hosts.iter().map(|h| h.name.as_str()).collect();
    let ids = participant_ids(&names);
    for &h in &order {
        let host = &trace.hosts[h];
        let addr = host_line(trace, h, lang);
        let _ = writeln!(
            out,
            "    participant {} as {}<br/>{}",
            ids[h],
            escape(&text::host_name(lang, &host.name)),
            escape(&addr)
        );
    }
    let nobody = NOBODY;
    if trace.segments.iter().any(|s| s.to.is_none()) {
        let _ =
            writeln!(out, "    participant {nobody} as {}", escape(text::pick(lang, "(no such host)", "（无此主机）")));
    }
    let all = match (order.first(), order.last()) {
        (Some(&a), Some(&b)) if a != b => format!("{},{}", ids[a], ids[b]),
        (Some(&a), _) => ids[a].clone(),
        _ => return out,
    };

    let mut notes = Notes::default();
    let mut armed: Vec<(usize, Timer, u64, u8)> = Vec::new();
    let mut last_at = trace.events.first().map(|e| e.at);
    let break_us = u64::from(opts.break_after_ms.max(1)) * 1000;
    for e in &trace.events {
        if let Some(prev) = last_at {
            let gap = e.at.micros - prev.micros;
            if gap > break_us {
                notes.flush(&mut out, &ids);
                let _ = writeln!(out, "    Note over {all}: {}", escape(&text::later(lang, gap)));
            }
        }
        if last_at != Some(e.at) {
            notes.flush(&mut out, &ids);
        }
        last_at = Some(e.at);
        let h = e.host;
        match &e.kind {
            EventKind::Sent { segment } => {
                notes.flush(&mut out, &ids);
                let s = &trace.segments[*segment];
                let lost = matches!(s.fate, Fate::Lost { .. });
                let arrow = match (s.retransmission, lost) {
                    (false, false) => "->>",
                    (true, false) => "-->>",
                    (false, true) => "-x",
                    (true, true) => "--x",
                };
                let to = s.to.map_or(nobody, |t| ids[t].as_str());
                let mut tags: Vec<&str> = Vec::new();
                for (on, word) in [
                    (s.retransmission, text::retransmission(lang)),
                    (s.duplicate_of.is_some(), text::duplicate(lang)),
                    (s.injected, text::old_duplicate(lang)),
                    (s.forged, text::forged(lang)),
                ] {
                    if on {
                        tags.push(word);
                    }
                }
                let delayed = (s.extra_delay_us > 0).then(|| text::delayed(lang, s.extra_delay_us));
                if let Some(d) = &delayed {
                    tags.push(d);
                }
                if let Fate::Lost { reason } = s.fate {
                    tags.push(text::loss(lang, reason));
                }
                let mut msg = trace.label(*segment, opts.relative);
                if !tags.is_empty() {
                    let _ = write!(msg, " ({})", tags.join(", "));
                }
                let _ = writeln!(out, "    {}{arrow}{to}: {}", ids[h], escape(&msg));
            }
            EventKind::State { to, .. } => notes.add(&mut out, &ids, h, format!("{to:#}")),
            EventKind::TimerArmed { timer, deadline, backoff } => {
                let conn = e.conn.unwrap_or(usize::MAX);
                let restarted = armed.iter().any(|a| a.0 == conn && a.1 == *timer);
                armed.retain(|a| !(a.0 == conn && a.1 == *timer));
                let us = (*deadline - e.at).as_micros() as u64;
                armed.push((conn, *timer, us, *backoff));
                if *timer == Timer::TimeWait {
                    notes.add(&mut out, &ids, h, text::timer(lang, *timer, us, *backoff, restarted));
                }
            }
            EventKind::TimerCancelled { timer } => {
                let conn = e.conn.unwrap_or(usize::MAX);
                armed.retain(|a| !(a.0 == conn && a.1 == *timer));
            }
            EventKind::TimerFired { timer, .. } => {
                let conn = e.conn.unwrap_or(usize::MAX);
                let (us, backoff) = armed.iter().find(|a| a.0 == conn && a.1 == *timer).map_or((0, 0), |a| (a.2, a.3));
                armed.retain(|a| !(a.0 == conn && a.1 == *timer));
                let what = text::timer(lang, *timer, us, backoff, false);
                notes.add(&mut out, &ids, h, format!("{what} {}", text::pick(lang, "expired", "到期")));
            }
            EventKind::Rejected { reason, .. } => notes.add(&mut out, &ids, h, text::rejected(lang, *reason).into()),
            EventKind::App { call, error } => {
                if let Some(mut s) = text::app_call(lang, call) {
                    if let Some(err) = error {
                        let _ = write!(s, ": {err}");
                    }
                    notes.add(&mut out, &ids, h, s);
                }
            }
            EventKind::Notified { notice: Notice::Closed { reason } } => {
                if let Some(s) = text::close_reason(lang, *reason) {
                    notes.add(&mut out, &ids, h, s.into());
                }
            }
            _ => {}
        }
    }
    notes.flush(&mut out, &ids);
    if let Some(why) = &trace.truncated {
        let _ = writeln!(out, "    Note over {all}: {}", escape(&text::truncated(lang, why)));
    }
    out
}

/// Notes waiting to be written: consecutive ones over the same host become one.
#[derive(Debug, Default)]
struct Notes {
    host: Option<usize>,
    parts: Vec<String>,
}

impl Notes {
    fn add(&mut self, out: &mut String, ids: &[String], host: usize, s: String) {
        if self.host != Some(host) {
            self.flush(out, ids);
            self.host = Some(host);
        }
        self.parts.push(s);
    }

    fn flush(&mut self, out: &mut String, ids: &[String]) {
        if let Some(h) = self.host.take() {
            if !self.parts.is_empty() {
                let _ = writeln!(out, "    Note over {}: {}", ids[h], escape(&self.parts.join(" · ")));
            }
            self.parts.clear();
        }
    }
}

fn host_line(trace: &Trace, h: usize, lang: Lang) -> String {
    let host = &trace.hosts[h];
    if host.attacker {
        return format!("{} ({})", host.addr, text::forged_sources(lang));
    }
    match trace.conns.iter().find(|c| c.host == h) {
        Some(c) => format!("{}", c.local),
        None => format!("{}", host.addr),
    }
}
