//! The MSC text of every catalogue entry: one arc per segment, `-x` for every lost one, each
//! arc that skips rows ending where its segment arrived; and quoted text kept whole.

mod common;

use bilingual::Lang;
use common::{catalogue_traces, trace};
use seqdiag::script::{Item, Script};
use seqdiag::{ViewOptions, msc};
use tcp_sim::trace::Fate;

#[test]
fn every_entry_has_an_arc_per_segment() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let text = msc::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            assert!(text.starts_with("msc {\n") && text.ends_with("}\n"), "{name}");
            let arcs: Vec<&str> = text
                .lines()
                .filter(|l| [" => ", " >> ", " -x "].iter().any(|a| l.contains(a)) && !l.contains(" note "))
                .collect();
            assert_eq!(arcs.len(), trace.segments.len(), "{name}: one arc per segment");
            let lost = arcs.iter().filter(|l| l.contains(" -x ")).count();
            let really_lost = trace.segments.iter().filter(|s| matches!(s.fate, Fate::Lost { .. })).count();
            assert_eq!(lost, really_lost, "{name}: lost segments end in a cross");
        }
    }
}

#[test]
fn crossing_segments_skip_to_where_they_arrive() {
    // Both SYNs of a simultaneous open leave at 0 and arrive at 10 ms: the first one's arc
    // skips the other host's note and the other SYN, and ends level with it.
    let script = Script::new(&trace("simultaneous-open"), &ViewOptions::default());
    let first = script.items.iter().position(|i| matches!(i, Item::Message(_))).expect("a message");
    assert_eq!(msc::arcskip(&script.items, first), 2);
    assert_eq!(msc::arcskip(&script.items, first + 2), 0, "the second SYN arrives before anything else");
}

#[test]
fn quoted_text_is_escaped() {
    assert_eq!(msc::escape("a \"b\" c\\d"), "a \\\"b\\\" c\\\\d");
    assert_eq!(msc::escape("a\nb\u{1b}"), "a b\u{FFFD}");
}
