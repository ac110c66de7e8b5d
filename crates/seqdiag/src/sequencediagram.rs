//! Text for sequencediagram.org: a printer of the trace's [`Script`].
//!
//! One message per segment in the order sent (`client->server:SYN seq=0`), with when it left and
//! arrived on a second line (`\n0 → 10 ms`); retransmissions dashed (`-->`); lost segments end
//! in a cross (`-x`, `--x`). A segment that arrives after other things happened ends that many
//! rows lower (`client->(2)server`, as MSC's `arcskip`: [`script::rows_in_flight`]), so crossing
//! segments cross and a segment the network held back arrives late. State changes, fired timers,
//! TIME-WAIT's 2MSL, rejected segments and what the applications did are notes over their host;
//! long idle stretches are dividers (`==⋯ 59.8 s later==`). Segments to an address no host owns
//! go to an extra participant.
//!
//! The site reads markup in text (`**bold**`, `//italic//`, `--small--`, `++big++`, `\n` for a
//! line break) and lets a backslash escape `*`, `/`, `-` and `+`: [`escape`] escapes each of
//! those, and writes a backslash of the text itself as `⧵` (U+29F5), which no reader takes for
//! an escape. Participant ids are the script's (letters, digits, `_`); names are quoted.
//!
//! The site's parser is not available offline, so the tests check the text's shape and pin it
//! with snapshots, not with the tool itself.

use crate::ViewOptions;
use crate::script::{self, Item, Script};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_sim::Trace;

/// At most this many rows a message may span: a segment that arrives later still ends this far
/// down.
pub const MAX_ROWS: usize = 8;

/// Escapes text after a `:` or inside a participant's quoted name: `*`, `/`, `-`, `+` get a
/// backslash; a backslash becomes `⧵`, `"` becomes `″`; line ends become spaces, other controls
/// and non-characters U+FFFD. (Inside a divider, which ends at `==`, [`print`] also writes `=` as
/// `＝`.)
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' | '/' | '-' | '+' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push('⧵'),
            '"' => out.push('″'),
            c => out.push(crate::svg::one_line_char(c)),
        }
    }
    out
}

/// The trace as text for sequencediagram.org: [`print`] of its [`Script`] for `opts`.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    print(&Script::new(trace, opts))
}

/// `script` as sequencediagram.org text.
pub fn print(script: &Script) -> String {
    let mut out = String::new();
    let ids: Vec<&str> = script.participants.iter().map(|p| p.id.as_str()).collect();
    for (p, id) in script.participants.iter().zip(&ids) {
        let _ = match p.host {
            Some(_) => writeln!(out, "participant \"{}\\n{}\" as {id}", escape(&p.name), escape(&p.address)),
            None => writeln!(out, "participant \"{}\" as {id}", escape(&p.name)),
        };
    }
    if ids.is_empty() {
        return out;
    }
    for (i, item) in script.items.iter().enumerate() {
        let _ = match item {
            Item::Message(m) => {
                let line = if m.style.retransmitted { "--" } else { "-" };
                let arrow = match (m.style.lost, script::rows_in_flight(&script.items, i, MAX_ROWS)) {
                    (true, _) => format!("{line}x"),
                    (false, 0) => format!("{line}>"),
                    (false, rows) => format!("{line}>({rows})"),
                };
                let mut label = m.label.clone();
                if !m.tags.is_empty() {
                    let _ = write!(label, " ({})", m.tags.join(", "));
                }
                writeln!(out, "{}{arrow}{}:{}\\n{}", ids[m.from], ids[m.to], escape(&label), escape(&m.time))
            }
            Item::Note(n) => {
                let parts: Vec<&str> = n.parts.iter().map(|p| p.text.as_str()).collect();
                writeln!(out, "note over {}:{}", ids[n.over], escape(&parts.join(" · ")))
            }
            Item::Break { text, .. } => writeln!(out, "=={}==", escape(text).replace('=', "＝")),
        };
    }
    if let Some(why) = &script.truncated {
        let hosts: Vec<&str> =
            script.participants.iter().zip(&ids).filter(|(p, _)| p.host.is_some()).map(|(_, id)| *id).collect();
        if let (Some(first), Some(last)) = (hosts.first(), hosts.last()) {
            let over = if first == last { String::from(*first) } else { format!("{first},{last}") };
            let _ = writeln!(out, "note over {over}:{}", escape(why));
        }
    }
    out
}
