//! A network partition is drawn as a band across the lifelines from when the link went down
//! until it came back, labelled, and every segment it cut starts inside it.

mod common;

use seqdiag::{Lang, ViewOptions, layout, svg, tikz};
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
