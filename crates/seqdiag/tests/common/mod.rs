//! Shared helpers: the catalogue's traces, a geometry dump, a tiny XML well-formedness checker.
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

/// Checks that `xml` is well-formed: one root element, balanced and properly nested tags,
/// quoted attributes without duplicates, only the five predefined entities or character
/// references, no stray `<` or `&`.
pub fn check_xml(xml: &str) -> Result<(), String> {
    let b = xml.as_bytes();
    let mut i = 0;
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let entity = |s: &str, at: usize| -> Result<usize, String> {
        let end = s[at..].find(';').ok_or(format!("unterminated entity at {at}"))?;
        let name = &s[at + 1..at + end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || (name.starts_with("#x") && name.len() > 2 && name[2..].chars().all(|c| c.is_ascii_hexdigit()))
            || (name.starts_with('#') && name.len() > 1 && name[1..].chars().all(|c| c.is_ascii_digit()));
        if ok { Ok(at + end + 1) } else { Err(format!("bad entity &{name}; at {at}")) }
    };
    while i < b.len() {
        match b[i] {
            b'<' => {
                if xml[i..].starts_with("<!--") {
                    i += xml[i..].find("-->").ok_or("unterminated comment")? + 3;
                    continue;
                }
                let end = i + xml[i..].find('>').ok_or(format!("unterminated tag at {i}"))?;
                let tag = &xml[i + 1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().ok_or(format!("</{name}> without opening at {i}"))?;
                    if open != name.trim() {
                        return Err(format!("</{name}> closes <{open}> at {i}"));
                    }
                } else {
                    let self_closing = tag.ends_with('/');
                    let body = tag.trim_end_matches('/');
                    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
                    let name = &body[..name_end];
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
                        return Err(format!("bad tag name {name:?} at {i}"));
                    }
                    check_attrs(&body[name_end..], i, &entity)?;
                    if stack.is_empty() {
                        roots += 1;
                    }
                    if !self_closing {
                        stack.push(name.to_string());
                    }
                }
                i = end + 1;
            }
            b'&' => i = entity(xml, i)?,
            b'>' => return Err(format!("stray > at {i}")),
            _ => {
                if stack.is_empty() && !b[i].is_ascii_whitespace() {
                    return Err(format!("text outside the root at {i}"));
                }
                i += 1;
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

fn check_attrs(mut s: &str, at: usize, entity: &dyn Fn(&str, usize) -> Result<usize, String>) -> Result<(), String> {
    let mut names = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s.find('=').ok_or(format!("attribute without value near {at}: {s:?}"))?;
        let name = s[..eq].trim();
        if name.is_empty() || names.contains(&name) {
            return Err(format!("bad or duplicate attribute {name:?} near {at}"));
        }
        names.push(name);
        let rest = &s[eq + 1..];
        let quote =
            rest.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or(format!("unquoted {name} near {at}"))?;
        let close = rest[1..].find(quote).ok_or(format!("unterminated {name} near {at}"))? + 1;
        let value = &rest[1..close];
        if value.contains('<') {
            return Err(format!("< in attribute {name} near {at}"));
        }
        let mut k = 0;
        while let Some(amp) = value[k..].find('&') {
            k = entity(value, k + amp)?;
        }
        s = &rest[close + 1..];
    }
}
