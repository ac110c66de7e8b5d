//! Properties every catalogue entry's diagram must have, in both languages, and the SVG files
//! written to `target/seqdiag-svg/` for looking at.

mod common;

use bilingual::Lang;
use common::{catalogue_traces, label_boxes};
use seqdiag::diagram::{Diagram, NoteKind, Point};
use seqdiag::{ViewOptions, WidthClass, layout, mermaid, svg};
use tcp_sim::Trace;
use tcp_sim::trace::{Fate, HostId};

fn views() -> [ViewOptions; 3] {
    [
        ViewOptions::default(),
        ViewOptions { lang: Lang::Zh, ..ViewOptions::default() },
        ViewOptions { relative: false, ..ViewOptions::default() },
    ]
}

fn each(check: impl Fn(&str, &Trace, &Diagram, &ViewOptions)) {
    for (name, trace) in catalogue_traces() {
        for view in views() {
            check(name, &trace, &layout(&trace, &view), &view);
        }
    }
}

#[test]
fn every_segment_has_exactly_one_arrow() {
    each(|name, trace, d, _| {
        assert_eq!(d.arrows.len(), trace.segments.len(), "{name}");
        for (i, a) in d.arrows.iter().enumerate() {
            assert_eq!(a.segment.index(), i, "{name}: arrows are in segment order");
        }
    });
}

#[test]
fn arrows_point_down_and_end_where_they_should() {
    each(|name, trace, d, _| {
        let x_of = |h: HostId| d.lifelines.iter().find(|l| l.host == h).map(|l| l.x).expect("lifeline");
        for (a, s) in d.arrows.iter().zip(&trace.segments) {
            assert!(a.to.y >= a.from.y, "{name} #{}: points up ({} -> {})", a.segment, a.from.y, a.to.y);
            assert!((a.from.x - x_of(s.from)).abs() <= 6.0, "{name} #{}: starts off its sender", a.segment);
            match (s.fate, s.to) {
                (Fate::Delivered { .. }, Some(to)) => {
                    assert!((a.to.x - x_of(to)).abs() <= 6.0, "{name} #{}: misses its receiver", a.segment);
                    assert!(a.head.is_some() && a.cross.is_none(), "{name} #{}", a.segment);
                }
                (Fate::Lost { .. }, to) => {
                    assert!(a.head.is_none() && a.cross == Some(a.to), "{name} #{}", a.segment);
                    let span = (a.to.x - a.from.x).abs();
                    if let Some(to) = to {
                        let full = (x_of(to) - a.from.x).abs();
                        assert!(span < full - 20.0, "{name} #{}: a lost arrow stops short", a.segment);
                    }
                    assert!(span > 40.0, "{name} #{}: but is still visible", a.segment);
                }
                (Fate::Delivered { .. }, None) => panic!("{name}: delivered to nobody"),
            }
        }
    });
}

#[test]
fn no_two_labels_overlap() {
    each(|name, _, d, view| {
        let boxes = label_boxes(d);
        for (i, (a, qa)) in boxes.iter().enumerate() {
            for (b, qb) in &boxes[i + 1..] {
                assert!(!qa.overlaps(qb, 0.0), "{name} ({:?}): {a} overlaps {b}", view.lang);
            }
        }
    });
}

#[test]
fn geometry_is_finite_and_on_the_canvas() {
    each(|name, _, d, _| {
        assert!(d.width.is_finite() && d.height.is_finite() && d.width > 0.0 && d.height > 0.0);
        let on = |p: Point, what: &str| {
            assert!(p.x.is_finite() && p.y.is_finite(), "{name}: {what} not finite");
            assert!(
                (0.0..=d.width).contains(&p.x) && (0.0..=d.height).contains(&p.y),
                "{name}: {what} at {p:?} off the {}x{} canvas",
                d.width,
                d.height
            );
        };
        for (what, q) in label_boxes(d) {
            q.0.iter().for_each(|p| on(*p, &what));
        }
        for a in &d.arrows {
            on(a.from, "arrow start");
            on(a.to, "arrow end");
            a.head.iter().flatten().for_each(|p| on(*p, "arrowhead"));
        }
        for b in &d.bands {
            b.rect.quad().0.iter().for_each(|p| on(*p, "band"));
        }
        for t in &d.timers {
            on(Point { x: t.x, y: t.y1 }, "timer start");
            on(Point { x: t.x, y: t.y2 }, "timer end");
            assert!(t.y2 >= t.y1, "{name}: timer ends before it starts");
        }
        for b in &d.breaks {
            b.strip.quad().0.iter().for_each(|p| on(*p, "break"));
        }
        for l in &d.lifelines {
            on(Point { x: l.x, y: l.y2 }, "lifeline end");
        }
    });
}

#[test]
fn steps_are_ordered_and_referenced() {
    each(|name, trace, d, _| {
        let steps = seqdiag::steps::steps(trace);
        assert_eq!(d.steps.len(), steps.len(), "{name}");
        for (k, (mark, step)) in d.steps.iter().zip(&steps).enumerate() {
            assert_eq!((mark.at, &mark.events), (step.at, &step.events), "{name}: step {k} groups other events");
        }
        assert!(d.steps.windows(2).all(|w| w[0].y <= w[1].y && w[0].at <= w[1].at), "{name}: steps go down");
        let n = d.steps.len();
        for a in &d.arrows {
            assert!(a.step <= a.end_step && a.end_step < n, "{name} #{}", a.segment);
            assert!((d.steps[a.step].y - a.from.y).abs() < 0.01, "{name} #{}: starts at its step", a.segment);
        }
        assert!(d.bands.iter().all(|b| b.step < n));
        assert!(d.transitions.iter().all(|t| t.step < n && (d.steps[t.step].y - t.at.y).abs() < 0.01));
        assert!(d.timers.iter().all(|t| t.step <= t.end_step && t.end_step < n));
        assert!(d.notes.iter().all(|t| t.step < n));
    });
}

#[test]
fn every_host_has_a_lifeline_attackers_last() {
    each(|name, trace, d, _| {
        assert_eq!(d.lifelines.len(), trace.hosts.len(), "{name}");
        assert!(d.lifelines.windows(2).all(|w| w[0].x < w[1].x));
        let first_attacker = d.lifelines.iter().position(|l| l.attacker).unwrap_or(d.lifelines.len());
        assert!(d.lifelines[first_attacker..].iter().all(|l| l.attacker), "{name}: attackers rightmost");
    });
}

#[test]
fn svg_is_well_formed_and_self_contained() {
    each(|name, _, d, view| {
        let s = svg::render(d, view);
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "), "{name}");
        assert!(s.contains("<title id=\"title\">") && s.contains("<desc id=\"desc\">"));
        assert!(s.contains("@media (prefers-color-scheme: dark)"));
        assert!(!s.contains("href") && !s.contains("@import") && !s.contains("url("), "{name}: no external reference");
        assert!(!s.contains("NaN") && !s.contains("inf"), "{name}: no broken numbers");
    });
}

#[test]
fn chinese_diagrams_speak_chinese() {
    let traces = catalogue_traces();
    let (_, t) = traces.iter().find(|(n, _)| *n == "lost-final-ack").expect("entry");
    let zh =
        svg::render(&layout(t, &ViewOptions { lang: Lang::Zh, ..ViewOptions::default() }), &ViewOptions::default());
    for word in ["被丢弃", "重传", "重新计时", "秒后", "延迟确认"] {
        assert!(zh.contains(word), "missing {word}");
    }
    let en = svg::render(&layout(t, &ViewOptions::default()), &ViewOptions::default());
    assert!(en.contains("restarted") && !en.chars().any(seqdiag::text::is_wide));
}

#[test]
fn write_svgs_for_review() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/seqdiag-svg");
    std::fs::create_dir_all(&dir).expect("output dir");
    for (name, trace) in catalogue_traces() {
        for (suffix, view) in
            [("", ViewOptions::default()), (".zh", ViewOptions { lang: Lang::Zh, ..ViewOptions::default() })]
        {
            let s = svg::render(&layout(&trace, &view), &view);
            std::fs::write(dir.join(format!("{name}{suffix}.svg")), s).expect("write svg");
            for width in WidthClass::ALL.into_iter().filter(|c| *c != WidthClass::Full) {
                let view = ViewOptions { width, ..view };
                let s = svg::render(&layout(&trace, &view), &view);
                std::fs::write(dir.join(format!("{name}{suffix}.{}.svg", width.name())), s).expect("write svg");
            }
        }
        std::fs::write(dir.join(format!("{name}.mmd")), mermaid::render(&trace, &ViewOptions::default()))
            .expect("write mermaid");
    }
}

fn diagram(name: &str) -> Diagram {
    layout(&common::trace(name), &ViewOptions::default())
}

#[test]
fn a_flood_shows_its_half_open_crowd() {
    let d = diagram("syn-flood");
    let server = d.lifelines.iter().find(|l| l.name == "server").expect("server").host;
    let named: Vec<&str> =
        d.transitions.iter().filter(|t| t.host == server && t.placed.is_some()).map(|t| t.text.as_str()).collect();
    assert!(named.contains(&"SYN_RECV ×8"), "{named:?}");
    assert!(d.bands.iter().any(|b| b.host == server && b.count == 8));
    // One run label for the forged SYNs and each burst of SYN-ACKs into the void.
    assert!(d.arrows.iter().any(|a| a.label == "SYN seq=0 ×12" && a.marks.forged && a.placed.is_some()));
    assert!(d.arrows.iter().filter(|a| a.repeat).all(|a| a.placed.is_none()));
    assert_eq!(d.lifelines.last().map(|l| l.attacker), Some(true));
}

#[test]
fn time_wait_restarts_when_the_last_ack_is_lost() {
    use seqdiag::diagram::TimerEnd;
    let d = diagram("lost-final-ack");
    let tw: Vec<_> = d.timers.iter().filter(|t| t.text.starts_with("2MSL")).collect();
    assert_eq!(tw.len(), 2);
    assert_eq!(tw[0].end, TimerEnd::Restarted);
    assert_eq!((tw[1].end, tw[1].text.as_str()), (TimerEnd::Fired, "2MSL 60 s (restarted)"));
    assert_eq!(tw[0].y2, tw[1].y1, "the new bar starts where the first was cut");
    assert_eq!(tw[0].x, tw[1].x, "in the same column");
    // Quickly cancelled RTOs are discreet, fired ones prominent.
    let rto: Vec<_> = d.timers.iter().filter(|t| t.text.starts_with("RTO")).collect();
    assert!(rto.iter().all(|t| t.prominent == (t.end != TimerEnd::Cancelled)));
    assert!(rto.iter().any(|t| t.end == TimerEnd::Fired && t.prominent));
}

#[test]
fn crossing_segments_cross() {
    // Simultaneous open: both SYNs leave at once and cross mid-way.
    let d = diagram("simultaneous-open");
    let (a, b) = (&d.arrows[0], &d.arrows[1]);
    assert_eq!(a.from.y, b.from.y);
    assert!((a.from.x - b.to.x).abs() < 12.0 && (a.to.x - b.from.x).abs() < 12.0, "opposite ways");
    // An old duplicate SYN overtakes the delayed real one.
    let d = diagram("old-duplicate-syn");
    let (real, old) = (&d.arrows[0], &d.arrows[1]);
    assert!(old.marks.old_duplicate && old.to.y < real.to.y && real.tag.contains("delayed 30 ms"));
}

#[test]
fn backoff_is_visible_as_breaks() {
    let d = diagram("connect-timeout");
    let texts: Vec<&str> = d.breaks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(
        texts,
        // Linux's four linear retries (1 s apart), then doubling, on its timer wheel (the gaps of
        // `tests/captures/syn_timeout.pcap`, less the time each SYN's row takes).
        [
            "⋯ 1.01 s later",
            "⋯ 1.01 s later",
            "⋯ 1.01 s later",
            "⋯ 1.01 s later",
            "⋯ 1.01 s later",
            "⋯ 2.01 s later",
            "⋯ 4.12 s later",
            "⋯ 8.18 s later",
            "⋯ 16.12 s later",
            "⋯ 34.04 s later",
            "⋯ 65.53 s later",
        ]
    );
    let rto: Vec<&str> = d.timers.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(rto[..3], ["RTO 1 s", "RTO 1 s (retry 1)", "RTO 1 s (retry 2)"]);
    assert_eq!(rto[6], "RTO 4 s (retry 6)");
}

/// Entries whose crowded instants leave a note to its tooltip at some width (counted in
/// [`texts_left_to_their_tooltip`]): retransmissions crossing the answers they meet, a flood.
const CROWDED: [&str; 9] = [
    "lost-syn-ack",
    "lost-third-ack",
    "two-way-ghost",
    "partition-heals",
    "zero-window",
    "accept-queue-full",
    "time-wait-assassination",
    "syn-flood",
    "syn-flood-cookies",
];

/// Every other entry, at every width and in both languages, draws every note: what the
/// applications did, what they were told, what was rejected. None is left to its tooltip (a
/// phone has no hover). The server's `read() = 0` after the FIN was left out at every width,
/// and on a phone the clients' `close()`, before the layout made room for them.
#[test]
fn every_note_is_drawn_at_every_width() {
    for (name, trace) in catalogue_traces().into_iter().filter(|(name, _)| !CROWDED.contains(name)) {
        for width in WidthClass::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let d = layout(&trace, &ViewOptions { lang, width, ..ViewOptions::default() });
                let missing: Vec<&str> =
                    d.notes.iter().filter(|n| n.placed.is_none()).map(|n| n.text.as_str()).collect();
                assert!(missing.is_empty(), "{name}, {width:?}, {lang:?}: no room for {missing:?}");
            }
        }
    }
}

/// How many texts of the whole catalogue (both languages) find no room and are left to their
/// tooltip, per width class and kind: a change to the layout that leaves more out shows here.
#[test]
fn texts_left_to_their_tooltip() {
    let mut out = String::new();
    for width in WidthClass::ALL {
        let [mut arrows, mut app, mut eof, mut error, mut rejected, mut timers] = [0; 6];
        // What the room made for texts costs: the diagrams' height, all of them together.
        let mut height = 0.0;
        for (_, trace) in catalogue_traces() {
            for lang in [Lang::En, Lang::Zh] {
                let d = layout(&trace, &ViewOptions { lang, width, ..ViewOptions::default() });
                arrows += d.arrows.iter().filter(|a| a.placed.is_none() && !a.repeat).count();
                for n in d.notes.iter().filter(|n| n.placed.is_none()) {
                    *match n.kind {
                        NoteKind::App => &mut app,
                        NoteKind::EndOfStream => &mut eof,
                        NoteKind::Error => &mut error,
                        NoteKind::Rejected => &mut rejected,
                    } += 1;
                }
                timers += d.timers.iter().filter(|t| t.prominent && t.placed.is_none()).count();
                height += d.height;
            }
        }
        out += &format!(
            "{:<6} arrows {arrows:>3}, app {app:>2}, eof {eof:>2}, error {error:>2}, rejected {rejected:>2}, timers {timers:>3}, height {:>6.0}\n",
            width.name(),
            height
        );
    }
    expect_test::expect![[r#"
        narrow arrows  57, app  0, eof  8, error  1, rejected 19, timers  16, height  87430
        medium arrows   6, app  2, eof  5, error  0, rejected  2, timers   9, height  64833
        column arrows   2, app  4, eof  4, error  0, rejected  2, timers   8, height  66169
        wide   arrows   8, app  2, eof  2, error  0, rejected  2, timers   4, height  55207
        full   arrows   0, app  0, eof  4, error  0, rejected  1, timers   0, height  54459
    "#]]
    .assert_eq(&out);
}
