//! The sequencediagram.org text of every catalogue entry: one message per segment, `-x` for every
//! lost one, each delivered one spanning the rows of what happened while it was in flight; and
//! text that the site would read as markup made plain. (The site's parser is not available
//! offline: the shape is checked here and the text pinned in `snapshots.rs`.)

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::script::{self, Item, Script};
use seqdiag::{ViewOptions, sequencediagram};
use tcp_sim::trace::Fate;

#[test]
fn every_entry_has_a_message_per_segment() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let view = ViewOptions { lang, ..ViewOptions::default() };
            let text = sequencediagram::render(&trace, &view);
            let script = Script::new(&trace, &view);
            let ids: Vec<&str> = script.participants.iter().map(|p| p.id.as_str()).collect();
            let messages: Vec<(usize, &script::Message)> = script
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Item::Message(m) => Some((i, m)),
                    _ => None,
                })
                .collect();
            let lines: Vec<&str> =
                text.lines().filter(|l| !l.starts_with("participant ") && !l.starts_with("note over ")).collect();
            let arrows: Vec<&str> = lines.iter().copied().filter(|l| !l.starts_with("==")).collect();
            assert_eq!(arrows.len(), trace.segments.len(), "{name}: one message per segment");
            for (line, (i, m)) in arrows.iter().zip(&messages) {
                let (from, to) = (ids[m.from], ids[m.to]);
                let (signal, said) = line.split_once(':').unwrap_or_else(|| panic!("{name}: no text: {line}"));
                let arrow = signal
                    .strip_prefix(from)
                    .and_then(|rest| rest.strip_suffix(to))
                    .unwrap_or_else(|| panic!("{name}: not {from} to {to}: {line}"));
                let dash = if m.style.retransmitted { "--" } else { "-" };
                let rows = script::rows_in_flight(&script.items, *i, sequencediagram::MAX_ROWS);
                let want = match (m.style.lost, rows) {
                    (true, _) => format!("{dash}x"),
                    (false, 0) => format!("{dash}>"),
                    (false, n) => format!("{dash}>({n})"),
                };
                assert_eq!(arrow, want, "{name}: {line}");
                assert!(said.ends_with(&sequencediagram::escape(&m.time)), "{name}: no time in {line}");
            }
            let lost = arrows.iter().filter(|l| l.split(':').next().is_some_and(|s| s.contains("-x"))).count();
            let really_lost = trace.segments.iter().filter(|s| matches!(s.fate, Fate::Lost { .. })).count();
            assert_eq!(lost, really_lost, "{name}: lost segments end in a cross");
        }
    }
}

#[test]
fn markup_is_made_plain() {
    assert_eq!(sequencediagram::escape("SYN-ACK a/b"), "SYN\\-ACK a\\/b", "every mark escaped");
    assert_eq!(
        sequencediagram::escape("**b** //i// --s-- ++B++"),
        "\\*\\*b\\*\\* \\/\\/i\\/\\/ \\-\\-s\\-\\- \\+\\+B\\+\\+"
    );
    assert_eq!(sequencediagram::escape("a\\nb \"q\""), "a⧵nb ″q″", "no escape or quote of the text's own");
    assert_eq!(sequencediagram::escape("a\nb\u{1b}"), "a b\u{FFFD}");
}
