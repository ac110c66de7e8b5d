//! MSC text for `mscgen`: a printer of the trace's [`Script`].
//!
//! One arc per segment in the order sent (`"client" => "server" [label="SYN seq=0"]`);
//! retransmissions as `>>` (dashed), lost segments as `-x`; each label ends with when the segment
//! left and arrived (`[0 → 10 ms]`). A segment that arrives after other
//! things happened ends that many rows lower (`arcskip`), so crossing segments cross and a
//! segment the network held back arrives late. State changes, fired timers, TIME-WAIT's 2MSL,
//! rejected segments and what the applications did are notes over their host; long idle
//! stretches are a `...` row with their length. Segments to an address no host owns go to an
//! extra entity.
//!
//! Entity names are quoted (so none is read as a keyword such as `box` or `note`), and labels
//! are quoted strings in which [`escape`] makes `"` and `\` plain.

use crate::ViewOptions;
use crate::script::{self, Item, Script};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use tcp_sim::Trace;

/// At most this many rows an arc may skip: a segment that arrives later still ends this far
/// down.
pub const MAX_ARCSKIP: usize = 8;

/// Escapes text inside a quoted string: `"` and `\` are escaped with `\`; line ends become
/// spaces; other controls and non-characters U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(crate::svg::one_line_char(c)),
        }
    }
    out
}

/// The trace as MSC text for `mscgen`: [`print`] of its [`Script`] for `opts`.
pub fn render(trace: &Trace, opts: &ViewOptions) -> String {
    print(&Script::new(trace, opts))
}

/// How many rows the arc of the message at `i` skips: the items after it that happened before it
/// arrived (or would have), at most [`MAX_ARCSKIP`] ([`script::rows_in_flight`]).
pub fn arcskip(items: &[Item], i: usize) -> usize {
    script::rows_in_flight(items, i, MAX_ARCSKIP)
}

/// `script` as an `msc { ... }` chart for `mscgen`.
pub fn print(script: &Script) -> String {
    let mut out = String::from("msc {\n  hscale = \"1.5\";\n");
    let ids: Vec<String> = script.participants.iter().map(|p| escape(&p.id)).collect();
    let entities: Vec<String> = script
        .participants
        .iter()
        .zip(&ids)
        .map(|(p, id)| match p.host {
            Some(_) => format!("\"{id}\" [label=\"{}\\n{}\"]", escape(&p.name), escape(&p.address)),
            None => format!("\"{id}\" [label=\"{}\"]", escape(&p.name)),
        })
        .collect();
    if entities.is_empty() {
        out.push_str("}\n");
        return out;
    }
    let _ = writeln!(out, "  {};", entities.join(", "));
    for (i, item) in script.items.iter().enumerate() {
        let _ = match item {
            Item::Message(m) => {
                let arc = match (m.style.retransmitted, m.style.lost) {
                    (_, true) => "-x",
                    (true, false) => ">>",
                    (false, false) => "=>",
                };
                let mut label = m.label.clone();
                if !m.tags.is_empty() {
                    let _ = write!(label, " ({})", m.tags.join(", "));
                }
                let _ = write!(label, " [{}]", m.time);
                let skip = match if m.style.lost { 0 } else { arcskip(&script.items, i) } {
                    0 => String::new(),
                    n => format!(", arcskip=\"{n}\""),
                };
                writeln!(out, "  \"{}\" {arc} \"{}\" [label=\"{}\"{skip}];", ids[m.from], ids[m.to], escape(&label))
            }
            Item::Note(n) => {
                let parts: Vec<&str> = n.parts.iter().map(|p| p.text.as_str()).collect();
                let id = &ids[n.over];
                writeln!(out, "  \"{id}\" note \"{id}\" [label=\"{}\"];", escape(&parts.join(" · ")))
            }
            Item::Break { text, .. } => writeln!(out, "  ... [label=\"{}\"];", escape(text)),
        };
    }
    if let Some(why) = &script.truncated {
        let _ = writeln!(out, "  --- [label=\"{}\"];", escape(why));
    }
    out.push_str("}\n");
    out
}
