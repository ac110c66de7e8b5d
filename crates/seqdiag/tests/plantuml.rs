//! The PlantUML text of every catalogue entry: one arrow per segment, each with its time note, a
//! cross on every lost one; and text that PlantUML would read as markup made plain.

mod common;

use common::catalogue_traces;
use seqdiag::script::Script;
use seqdiag::{Lang, ViewOptions, plantuml};
use tcp_sim::trace::Fate;

#[test]
fn every_entry_has_an_arrow_per_segment_and_its_time() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let text = plantuml::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[..2], ["@startuml", "!pragma teoz true"], "{name}");
            assert_eq!(lines.last(), Some(&"@enduml"), "{name}");
            let ids = plantuml::ids(&Script::new(&trace, &ViewOptions::default()));
            let (mut arrows, mut lost) = (0, 0);
            for (i, line) in lines.iter().enumerate() {
                let Some((signal, _)) = line.split_once(" : ") else { continue };
                let mut words = signal.split(' ');
                let (Some(from), Some(arrow), Some(to), None) =
                    (words.next(), words.next(), words.next(), words.next())
                else {
                    continue;
                };
                if !["->", "-->", "->x", "-->x"].contains(&arrow) {
                    continue;
                }
                assert!(ids.iter().any(|id| id == from) && ids.iter().any(|id| id == to), "{name}: {line}");
                assert!(lines[i + 1].starts_with("note right : "), "{name}: no time after {line}");
                arrows += 1;
                lost += usize::from(arrow.ends_with('x'));
            }
            assert_eq!(arrows, trace.segments.len(), "{name}: one arrow per segment");
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
