//! The PlantUML text of every catalogue entry: one arrow per segment, each with its time note,
//! slanted by its time in flight, a cross on every lost one; and text that PlantUML would read as
//! markup made plain.

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::script::{Item, Script};
use seqdiag::{ViewOptions, plantuml};
use tcp_sim::trace::Fate;

#[test]
fn every_entry_has_an_arrow_per_segment_and_its_time() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let text = plantuml::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[..2], ["@startuml", "!pragma teoz true"], "{name}");
            assert_eq!(lines.last(), Some(&"@enduml"), "{name}");
            let script = Script::new(&trace, &ViewOptions::default());
            let ids = plantuml::ids(&script);
            let messages: Vec<&seqdiag::script::Message> = script
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Message(m) => Some(m),
                    _ => None,
                })
                .collect();
            // (time in flight, slant) of each delivered segment's arrow.
            let mut slants: Vec<(u64, u64)> = Vec::new();
            let (mut arrows, mut lost) = (0, 0);
            for (i, line) in lines.iter().enumerate() {
                let Some((signal, _)) = line.split_once(" : ") else { continue };
                let mut words = signal.split(' ');
                let (Some(from), Some(arrow), Some(to), None) =
                    (words.next(), words.next(), words.next(), words.next())
                else {
                    continue;
                };
                let (line_kind, slant) = match arrow.split_once('(') {
                    Some((line, n)) => (line, n.strip_suffix(')').and_then(|n| n.parse::<u64>().ok())),
                    None => (arrow, Some(0)),
                };
                if !["->", "-->", "->x", "-->x"].contains(&line_kind) {
                    continue;
                }
                let slant = slant.unwrap_or_else(|| panic!("{name}: a slant that is not a number: {line}"));
                let message = messages[arrows];
                if message.arrived_us.is_some() {
                    slants.push((message.flight_us, slant));
                } else {
                    assert_eq!(slant, 0, "{name}: a lost segment's arrow is level: {line}");
                }
                assert!(ids.iter().any(|id| id == from) && ids.iter().any(|id| id == to), "{name}: {line}");
                assert!(lines[i + 1].starts_with("note right : "), "{name}: no time after {line}");
                arrows += 1;
                lost += usize::from(arrow.ends_with('x'));
            }
            assert_eq!(arrows, trace.segments.len(), "{name}: one arrow per segment");
            // Slanted by the time in flight: a longer flight never slants less, a flight of the
            // typical length slants by TYPICAL_SLANT, and none more than three times that.
            slants.sort_unstable();
            assert!(slants.windows(2).all(|w| w[0].1 <= w[1].1), "{name}: slants out of order: {slants:?}");
            assert!(slants.iter().all(|&(_, n)| n <= 3 * plantuml::TYPICAL_SLANT), "{name}: {slants:?}");
            let mut flights: Vec<u64> = slants.iter().map(|&(f, _)| f).filter(|&f| f > 0).collect();
            flights.sort_unstable();
            if let Some(&typical) = flights.get(flights.len() / 2) {
                let n = slants.iter().find(|&&(f, _)| f == typical).map(|&(_, n)| n);
                assert_eq!(n, Some(plantuml::TYPICAL_SLANT), "{name}: the typical flight's slant");
            }
            let really_lost = trace.segments.iter().filter(|s| matches!(s.fate, Fate::Lost { .. })).count();
            assert_eq!(lost, really_lost, "{name}: lost segments end in a cross");
        }
    }
}

#[test]
fn markup_is_made_plain() {
    assert_eq!(plantuml::escape("SYN_SENT a-b x/y"), "SYN_SENT a-b x/y", "single marks stay");
    assert_eq!(plantuml::escape("**b** //i// __u__ --s--"), "~*~*b~*~* ~/~/i~/~/ ~_~_u~_~_ ~-~-s~-~-");
    assert_eq!(plantuml::escape("[[http://x]]"), "~[~[http:~/~/x~]~]");
    assert_eq!(plantuml::escape("<img:a.png> &#34; ~"), "&#60;img:a.png> &#38;#34; &#126;");
    assert_eq!(plantuml::escape("\"q\" \\n a..."), "&#34;q&#34; \\\\n a&#46;&#46;&#46;");
    assert_eq!(plantuml::escape("a\nb\u{1b}"), "a b\u{FFFD}");
}
