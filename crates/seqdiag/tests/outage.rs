//! A network partition is drawn as a band across the lifelines from when the link went down
//! until it came back, labelled, and every segment it cut starts inside it.

mod common;

use bilingual::Lang;
use seqdiag::{ViewOptions, WidthClass, layout, svg, tikz};
use tcp_sim::trace::{Fate, LossReason};

#[test]
fn a_partition_is_a_band_around_the_segments_it_cut() {
    for name in ["partition-heals", "partition-gives-up"] {
        let trace = common::trace(name);
        assert_eq!(trace.outages.len(), 1, "{name}: the trace carries the outage");
        for lang in [Lang::En, Lang::Zh] {
            let view = ViewOptions { lang, ..ViewOptions::default() };
            let d = layout(&trace, &view);
            assert_eq!(d.outages.len(), 1, "{name}");
            let band = &d.outages[0];
            let want = if lang == Lang::En { "link down 200 ms – " } else { "链路中断 200 毫秒 – " };
            assert!(band.text.starts_with(want), "{name}: {}", band.text);
            let cut: Vec<_> = d
                .arrows
                .iter()
                .filter(|a| matches!(trace.segments[a.segment].fate, Fate::Lost { reason: LossReason::Outage { .. } }))
                .collect();
            assert!(cut.len() >= 4, "{name}: the partition cut {} segments", cut.len());
            for a in cut {
                let (top, bottom) = (band.rect.y, band.rect.y + band.rect.h);
                assert!((top..=bottom).contains(&a.from.y), "{name}: segment {} leaves outside the band", a.segment);
            }
            let file = svg::render(&d, &view);
            assert_eq!(file.matches("<rect class=\"outage\"").count(), 1, "{name}");
            assert!(tikz::render(&d, &view).contains("\\fill[sqrst,fill opacity=.07]"), "{name}");
        }
    }
    let quiet = layout(&common::trace("handshake"), &ViewOptions::default());
    assert!(quiet.outages.is_empty());
}

/// A host that is down (crashed, not yet rebooted) is a band over its own lifeline only, from
/// its crash to its reboot (or the end), labelled; the segments lost to it are tagged so, and
/// the crash and the reboot are notes on its lifeline.
#[test]
fn a_host_that_is_down_is_a_band_over_its_lifeline() {
    for (name, host, rebooted) in [("client-crash", 0, false), ("server-reboot", 1, true)] {
        let trace = common::trace(name);
        assert!(trace.outages.is_empty(), "{name}: the link never went down");
        for lang in [Lang::En, Lang::Zh] {
            let view = ViewOptions { lang, ..ViewOptions::default() };
            let d = layout(&trace, &view);
            assert_eq!(d.outages.len(), 1, "{name}");
            let band = &d.outages[0];
            let x = d.lifelines[host].x;
            assert!(band.rect.x < x && x < band.rect.x + band.rect.w, "{name}: the band is on the lifeline");
            for other in d.lifelines.iter().filter(|l| l.x != x) {
                assert!(!(band.rect.x..=band.rect.x + band.rect.w).contains(&other.x), "{name}: only its own lifeline");
            }
            let want = match (lang, rebooted) {
                (Lang::En, true) => "down 1 s – 4 s",
                (Lang::Zh, true) => "宕机 1 秒 – 4 秒",
                (Lang::En, false) => "down from 1 s",
                (Lang::Zh, false) => "1 秒起宕机",
            };
            assert_eq!(band.text, want, "{name}");
            let lost: Vec<_> = d
                .arrows
                .iter()
                .filter(|a| matches!(trace.segments[a.segment].fate, Fate::Lost { reason: LossReason::HostDown }))
                .collect();
            assert!(lost.len() >= 3, "{name}: {} segments lost to the host that is down", lost.len());
            let tag = if lang == Lang::En { "host down" } else { "主机宕机" };
            assert!(lost.iter().all(|a| a.tag.contains(tag)), "{name}: tagged {tag}");
            let crash = if lang == Lang::En { "crash: all state lost" } else { "崩溃：状态全部丢失" };
            assert!(d.notes.iter().any(|n| n.text == crash), "{name}: the crash is a note");
            let top = band.rect.y;
            let crash_y = d.notes.iter().find(|n| n.text == crash).map(|n| n.at.y).expect("the crash note");
            assert!((crash_y - top).abs() < 1.0, "{name}: the band starts at the crash ({crash_y} vs {top})");
            let reboot = if lang == Lang::En { "reboot" } else { "重启" };
            assert_eq!(d.notes.iter().any(|n| n.text == reboot), rebooted, "{name}: a reboot is a note");
        }
    }
}

/// The label of a band stays inside the diagram, at every width, even for a host at the edge.
#[test]
fn a_band_label_stays_inside_the_diagram() {
    for name in ["client-crash", "server-reboot", "reboot-keepalive", "partition-heals"] {
        let trace = common::trace(name);
        for width in WidthClass::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let view = ViewOptions { lang, width, ..ViewOptions::default() };
                let d = layout(&trace, &view);
                for band in &d.outages {
                    let r = band.placed.rect;
                    assert!(
                        r.x >= 0.0 && r.x + r.w <= d.width,
                        "{name} at {width:?} ({lang:?}): {:?} in {}",
                        r,
                        d.width
                    );
                }
            }
        }
    }
}
