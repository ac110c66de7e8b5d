//! Shared helpers: the catalogue's traces, the adversarial scenarios' traces, a geometry dump,
//! the boxes of placed texts.
#![allow(dead_code, unreachable_pub)]

use seqdiag::diagram::{Diagram, Quad};
use std::fmt::Write;
use std::path::PathBuf;
use tcp_sim::scenario::{Millis, Scenario};
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

/// `../shared/adversarial/`, every scenario in it (the README aside).
pub fn adversarial_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/adversarial");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the adversarial inputs are missing from {}", dir.display());
    files
}

/// An adversarial scenario's trace. Its run is cut at 2 ms of simulated time, with a link delay
/// of at least 1 ms, so that this test stays quick whatever the simulator's own limits (three of
/// these files run for minutes, one simulates 3 ms in 10 s in a debug build): every host is
/// there with the name and address the file gives it, which is what the writers must cope with.
pub fn adversarial_trace(path: &PathBuf) -> Trace {
    let text = std::fs::read_to_string(path).expect("read the scenario");
    let mut scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    scenario.until_ms = Some(Millis::new(2.0).expect("a duration"));
    if scenario.link.delay_ms.get() < 1.0 {
        scenario.link.delay_ms = Millis::new(1.0).expect("a duration");
    }
    tcp_sim::simulate(&scenario)
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
