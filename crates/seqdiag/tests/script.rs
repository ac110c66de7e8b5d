//! The script the text writers print: participants, their ids and order, one message per
//! segment, one note part per event worth a note.

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::ViewOptions;
use seqdiag::script::{Item, NoteKind, Script, participant_ids};
use tcp_sim::Scenario;
use tcp_sim::trace::{EventKind, Fate, HostId, SegId};

/// A SYN flood whose attacker comes first in the file and is named `nobody`, the id of the
/// stand-in for addresses no host owns, and whose client and server are `x.` and `x_` (one id
/// once made of letters, digits and `_`).
const HOSTILE: &str = r#"
title.en = "t"
title.zh = "t"
narration.en = "t"
narration.zh = "t"
profile = "linux"
tcp.syn_backlog = 2
tcp.synack_retries = 1

[[hosts]]
name = "nobody"
addr = "203.0.113.200"
flood = { target = "x_", count = 3, interval_ms = 2 }

[[hosts]]
name = "x."
addr = "192.0.2.1"
app = [{ at_ms = 50, do = "connect", to = "x_" }, { on = "connected", do = "close" }]

[[hosts]]
name = "x_"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }, { on = "eof", do = "close" }]
"#;

fn hostile() -> (tcp_sim::Trace, Script) {
    let trace = tcp_sim::simulate(&Scenario::parse(HOSTILE).expect("a valid scenario"));
    let script = Script::new(&trace, &ViewOptions::default());
    (trace, script)
}

#[test]
fn participants_are_hosts_then_attackers_then_the_stand_in() {
    let (trace, script) = hostile();
    assert!(trace.hosts[0].attacker);
    let hosts: Vec<Option<HostId>> = script.participants.iter().map(|p| p.host).collect();
    assert_eq!(hosts, [Some(HostId(1)), Some(HostId(2)), Some(HostId(0)), None]);
    let names: Vec<&str> = script.participants.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["x.", "x_", "nobody", "(no such host)"]);
    assert!(script.participants[0].address.starts_with("192.0.2.1:"), "{:?}", script.participants[0]);
    assert!(script.participants[2].address.starts_with("203.0.113.200 ("), "{:?}", script.participants[2]);
    assert_eq!(script.participants[3].address, "");
}

#[test]
fn ids_are_unique_even_under_hostile_names() {
    let (_, script) = hostile();
    let ids: Vec<&str> = script.participants.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["x_", "x__2", "nobody_2", "nobody"], "the stand-in keeps `nobody`");

    let names = ["nobody", "h2_x_", "x.", "x_", "x_", "end", "h5_end", "x__2"];
    let ids = participant_ids(&names);
    for (i, id) in ids.iter().enumerate() {
        assert!(!ids[..i].contains(id), "{id} twice: {ids:?}");
        assert_ne!(id, "nobody", "{ids:?}");
        assert!(id.starts_with(|c: char| c.is_ascii_alphabetic()), "{id}");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{id}");
    }
    assert_eq!(ids[1], "h2_x_", "a name no other host's id takes keeps its id");
    assert_eq!(ids[7], "x__2", "a suffix never takes a later host's own id");
}

#[test]
fn one_message_per_segment_in_the_order_sent() {
    let (trace, script) = hostile();
    let messages: Vec<_> = script
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Message(m) => Some(m),
            _ => None,
        })
        .collect();
    let sent: Vec<SegId> = trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Sent { segment } => Some(segment),
            _ => None,
        })
        .collect();
    assert_eq!(messages.iter().map(|m| m.segment).collect::<Vec<_>>(), sent);
    for m in &messages {
        let s = &trace.segments[m.segment];
        assert_eq!(script.participants[m.from].host, Some(s.from));
        assert_eq!(script.participants[m.to].host, s.to);
        assert_eq!(m.style.lost, matches!(s.fate, Fate::Lost { .. }));
        assert_eq!(m.style.forged, s.forged);
        assert_eq!(m.style.retransmitted, m.tags.iter().any(|t| t == "retransmission"), "{m:?}");
    }
    assert!(messages.iter().any(|m| m.style.forged && m.tags.iter().any(|t| t == "forged")));
    assert!(messages.iter().any(|m| script.participants[m.to].host.is_none()), "SYN-ACKs to forged sources");
}

#[test]
fn one_note_part_per_state_change_over_its_host() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let script = Script::new(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            let changes: Vec<(HostId, String)> = trace
                .events
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::State { to, .. } => Some((e.host, format!("{to:#}"))),
                    _ => None,
                })
                .collect();
            let mut noted = Vec::new();
            for item in &script.items {
                if let Item::Note(n) = item {
                    assert!(!n.parts.is_empty(), "{name}: an empty note");
                    let host = script.participants[n.over].host.expect("notes are over hosts");
                    noted.extend(n.parts.iter().filter(|p| p.kind == NoteKind::State).map(|p| (host, p.text.clone())));
                }
            }
            assert_eq!(noted, changes, "{name} {lang:?}");
        }
    }
}

#[test]
fn time_breaks_follow_idle_stretches() {
    let trace = common::trace("four-way-close");
    let script = Script::new(&trace, &ViewOptions::default());
    let breaks: Vec<u64> = script
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Break { gap_us, .. } => Some(*gap_us),
            _ => None,
        })
        .collect();
    let idle: Vec<u64> = trace
        .events
        .windows(2)
        .map(|w| w[1].at.micros - w[0].at.micros)
        .filter(|&gap| gap > u64::from(ViewOptions::default().break_after_ms) * 1000)
        .collect();
    assert!(!idle.is_empty(), "TIME-WAIT is a long idle stretch");
    assert_eq!(breaks, idle);
}

/// The errno a connection's end reports, only to an application that still holds it: in
/// fin-wait-2-timeout the server's application closed (7 s) before the reset came, so its note
/// says what happened without ECONNRESET; abort's server never closed, and is told.
#[test]
fn an_application_that_closed_is_told_no_errno() {
    let closed_notes = |name: &str| -> Vec<String> {
        let trace = common::trace(name);
        let script = Script::new(&trace, &ViewOptions::default());
        script
            .items
            .iter()
            .filter_map(|i| if let Item::Note(n) = i { Some(n) } else { None })
            .flat_map(|n| n.parts.iter())
            .filter(|p| p.kind == NoteKind::Closed)
            .map(|p| p.text.clone())
            .collect()
    };
    assert_eq!(closed_notes("fin-wait-2-timeout"), ["FIN_WAIT2 timed out", "reset by peer"]);
    assert_eq!(closed_notes("abort"), ["aborted", "ECONNRESET: reset by peer"]);
}
