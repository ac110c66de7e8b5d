//! The Mermaid text of every catalogue entry follows the `sequenceDiagram` grammar's rules, and
//! says when each segment left and arrived or was lost.

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::{ViewOptions, mermaid};
use tcp_sim::trace::Fate;

/// Text after `:` or `as`: no line end, no `;` or `#` other than in an entity code (`#59;`).
fn check_text(text: &str, line: &str) {
    assert!(!text.trim().is_empty(), "empty text: {line}");
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        assert!(digits > 0 && after[digits..].starts_with(';'), "bare # in {line}");
        rest = &after[digits + 1..];
    }
    assert!(!rest.contains(';'), "bare ; in {line}");
    assert!(!text.contains(['\n', '\r']), "line end in {line}");
}

fn is_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
fn every_entry_is_valid_mermaid() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let text = mermaid::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("sequenceDiagram"), "{name}");
            let mut ids: Vec<&str> = Vec::new();
            let (mut messages, mut lost) = (0, 0);
            // The two ends of the message before, whose time note comes next.
            let mut ends: Option<String> = None;
            for line in lines {
                let body = line.strip_prefix("    ").unwrap_or_else(|| panic!("{name}: not indented: {line}"));
                if body == "autonumber off" {
                    continue;
                }
                if let Some(p) = body.strip_prefix("participant ") {
                    let (id, alias) = p.split_once(" as ").unwrap_or_else(|| panic!("{name}: {line}"));
                    assert!(is_id(id) && !ids.contains(&id), "{name}: bad or repeated id in {line}");
                    check_text(alias, line);
                    ids.push(id);
                } else if let Some(n) = body.strip_prefix("Note over ") {
                    let (who, text) = n.split_once(": ").unwrap_or_else(|| panic!("{name}: {line}"));
                    if let Some(ends) = ends.take() {
                        assert_eq!(who, ends, "{name}: the time note is over both ends: {line}");
                        assert!(text.contains(" → "), "{name}: no time in {line}");
                    }
                    assert!(who.split(',').all(|id| ids.contains(&id)), "{name}: unknown participant in {line}");
                    check_text(text, line);
                } else {
                    let (signal, text) = body.split_once(": ").unwrap_or_else(|| panic!("{name}: {line}"));
                    let arrow = ["-->>", "->>", "--x", "-x"]
                        .into_iter()
                        .find(|a| signal.contains(a))
                        .unwrap_or_else(|| panic!("{name}: no arrow in {line}"));
                    let (from, to) = signal.split_once(arrow).unwrap_or_else(|| panic!("{name}: {line}"));
                    assert!(ids.contains(&from) && ids.contains(&to), "{name}: unknown participant in {line}");
                    check_text(text, line);
                    assert!(ends.is_none(), "{name}: no time note before {line}");
                    ends = Some(if from == to { from.to_owned() } else { format!("{from},{to}") });
                    messages += 1;
                    lost += usize::from(arrow.ends_with('x'));
                }
            }
            assert!(ends.is_none(), "{name}: no time note after the last message");
            assert_eq!(messages, trace.segments.len(), "{name}: one message per segment");
            let really_lost = trace.segments.iter().filter(|s| matches!(s.fate, Fate::Lost { .. })).count();
            assert_eq!(lost, really_lost, "{name}: lost segments end in a cross");
        }
    }
}

#[test]
fn awkward_names_and_text_are_escaped() {
    assert_eq!(mermaid::escape("a;b#c<d>"), "a#59;b#35;c#60;d#62;");
    assert_eq!(mermaid::participant_id("client", 0), "client");
    assert_eq!(mermaid::participant_id("web-server", 1), "web_server");
    assert_eq!(mermaid::participant_id("endpoint", 2), "h2_endpoint", "`end` would start a block");
    assert_eq!(mermaid::participant_id("Box 1", 3), "h3_Box_1");
    assert_eq!(mermaid::participant_id("1st", 4), "h4_1st");
}
