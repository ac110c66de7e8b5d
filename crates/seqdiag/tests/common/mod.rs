//! Shared helpers: the catalogue's traces, a geometry dump, the boxes of placed texts.
#![allow(dead_code, unreachable_pub)]

use seqdiag::diagram::{Diagram, Quad};
use std::fmt::Write;
use tcp_sim::{Trace, catalogue, simulate};

/// Every catalogue entry's name and trace.
pub fn catalogue_traces() -> Vec<(&'static str, Trace)> {
    catalogue::ENTRIES
        .iter()
        .map(|e| (e.name, simulate(&e.scenario().unwrap_or_else(|err| panic!("{}: {err}", e.name)))))
        .collect()
}

/// One entry's trace.
pub fn trace(name: &str) -> Trace {
    let entry = catalogue::get(name).unwrap_or_else(|| panic!("no entry {name}"));
    simulate(&entry.scenario().unwrap_or_else(|err| panic!("{name}: {err}")))
}

fn r(x: f32) -> String {
    format!("{}", (x * 10.0).round() / 10.0)
}

/// A compact, line-per-item dump of a diagram's geometry, for snapshots.
pub fn dump(d: &Diagram) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "size {}x{}", r(d.width), r(d.height));
    for l in &d.lifelines {
        let _ = writeln!(s, "lifeline {} x={} {}..{} [{}] {}", l.host, r(l.x), r(l.y1), r(l.y2), l.name, l.addr);
    }
    for b in &d.breaks {
        let _ = writeln!(s, "break {}..{} {:?}", r(b.y1), r(b.y2), b.text);
    }
    for b in &d.bands {
        let _ = writeln!(s, "band h{} {:#} ×{} y={}..{}", b.host, b.state, b.count, r(b.rect.y), r(b.rect.bottom()));
    }
    for t in &d.transitions {
        let placed = if t.placed.is_some() { "" } else { " (unlabelled)" };
        let _ = writeln!(s, "state h{} y={} {}{placed}", t.host, r(t.at.y), t.text);
    }
    for t in &d.timers {
        let _ = writeln!(s, "timer h{} x={} {}..{} {:?} {:?}", t.host, r(t.x), r(t.y1), r(t.y2), t.end, t.text);
    }
    for a in &d.arrows {
        let end = if a.cross.is_some() { " ✕" } else { "" };
        let tag = if a.tag.is_empty() { String::new() } else { format!(" ({})", a.tag) };
        let placed = if a.placed.is_some() { "" } else { " (unlabelled)" };
        let _ = writeln!(
            s,
            "arrow {} {},{} -> {},{}{end} [{}] {}{tag}{placed} steps {}..{}",
            a.segment,
            r(a.from.x),
            r(a.from.y),
            r(a.to.x),
            r(a.to.y),
            a.badge,
            a.label,
            a.step,
            a.end_step
        );
    }
    for n in &d.notes {
        let placed = if n.placed.is_some() { "" } else { " (unlabelled)" };
        let _ = writeln!(s, "note h{} y={} {:?} {}{placed}", n.host, r(n.at.y), n.kind, n.text);
    }
    s
}

/// Every placed text's box on the page, with a description.
pub fn label_boxes(d: &Diagram) -> Vec<(String, Quad)> {
    let mut out = Vec::new();
    for l in &d.lifelines {
        out.push((format!("header {}", l.name), l.head.quad()));
    }
    for b in &d.breaks {
        out.push((format!("break {}", b.text), b.placed.rect.quad()));
    }
    for t in &d.transitions {
        if let Some(p) = &t.placed {
            out.push((format!("state {} at {}", t.text, t.at.y), p.rect.quad()));
        }
    }
    for t in &d.timers {
        if let Some(p) = &t.placed {
            out.push((format!("timer {}", t.text), p.rect.quad()));
        }
    }
    for n in &d.notes {
        if let Some(p) = &n.placed {
            out.push((format!("note {}", n.text), p.rect.quad()));
        }
    }
    for a in &d.arrows {
        if let Some(p) = &a.placed {
            out.push((format!("arrow {} {}", a.segment, a.label), p.quad));
        }
    }
    for m in &d.ruler {
        out.push((format!("ruler {}", m.text), m.placed.rect.quad()));
    }
    out
}
