//! Every run of FreeBSD's suite is a trace that draws like any synack run: the trace is
//! consistent (each event refers to a segment or connection that exists, times never go back,
//! one verdict per segment, nothing read from a socket the script closed) and `seqdiag` lays it
//! out as SVG and Mermaid, in both languages.

use packetdrill::{Profile, RunOptions, Verdict, run};
use tcp_sim::trace::EventKind;

mod common;

#[test]
fn every_suite_run_is_a_consistent_trace_that_draws() {
    let options = RunOptions::new(Profile::Freebsd);
    for (lang, relative) in [(bilingual::Lang::En, true), (bilingual::Lang::Zh, false)] {
        let view = seqdiag::ViewOptions { lang, relative, ..seqdiag::ViewOptions::default() };
        for (name, text) in common::scripts() {
            let r = run(&text, &options);
            let t = &r.trace;
            assert_eq!(r.verdicts.len(), t.segments.len(), "{name}");
            let mut last = 0;
            for e in &t.events {
                assert!(e.at.micros >= last, "{name}: time goes back at {:?}", e.kind);
                last = e.at.micros;
                assert!(e.host.index() < t.hosts.len() && e.conn.is_none_or(|c| c.index() < t.conns.len()), "{name}");
                if let EventKind::Sent { segment } | EventKind::Delivered { segment } = e.kind {
                    assert!(segment.index() < t.segments.len(), "{name}");
                }
            }
            assert!(t.end.micros >= last, "{name}: the trace ends before its last event");
            // Every connection index checked above: nothing is read from a socket the script closed.
            if let Err(e) = tcp_sim::invariants::nothing_read_after_close(t) {
                panic!("{name}: {e}");
            }
            let stopped = !r.outcome.passed();
            assert_eq!(t.truncated.is_some(), stopped, "{name}: the stop reason is the trace's note");
            if r.outcome.passed() {
                assert!(
                    r.verdicts.iter().all(|v| matches!(v, Verdict::Expected { .. } | Verdict::Injected { .. })),
                    "{name}"
                );
            }
            let svg = seqdiag::svg::render(&seqdiag::layout(t, &view), &view);
            assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
            assert!(seqdiag::mermaid::render(t, &view).starts_with("sequenceDiagram"), "{name}");
        }
    }
}
