//! Two runs on one time axis (`seqdiag::layout_pair`) and drawn side by side
//! (`svg::render_pair`): an instant has the same y in both diagrams, a run paired with itself is
//! its own layout, where the runs part is marked in both, and the file is one well-formed SVG.

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::{Diagram, ViewOptions, WidthClass, layout, layout_pair, svg};
use tcp_core::Instant;
use tcp_core::config::Profile;
use tcp_sim::compare::{Difference, Run};
use tcp_sim::trace::{Fate, LossReason};
use tcp_sim::{Scenario, Trace, catalogue, simulate};

fn scenario(name: &str) -> Scenario {
    catalogue::get(name).expect("entry").scenario().expect("scenario")
}

/// Each entry against itself without faults and under another profile.
fn variants() -> Vec<(String, Trace, Trace)> {
    let mut out = Vec::new();
    for entry in catalogue::ENTRIES {
        let s = entry.scenario().expect("scenario");
        let mut without = s.clone();
        without.faults.clear();
        let mut other = s.clone();
        other.profile = if s.profile == Profile::Freebsd { Profile::Linux } else { Profile::Freebsd };
        let first = simulate(&s);
        out.push((format!("{} / no faults", entry.name), first.clone(), simulate(&without)));
        out.push((format!("{} / {}", entry.name, other.profile.name()), first, simulate(&other)));
    }
    out
}

/// Per instant with a step in `d`: the y of its first step.
fn first_y_of_instants(d: &Diagram) -> Vec<(Instant, f32)> {
    let mut out: Vec<(Instant, f32)> = Vec::new();
    for s in &d.steps {
        if out.last().is_none_or(|&(at, _)| at != s.at) {
            out.push((s.at, s.y));
        }
    }
    out
}

#[test]
fn a_run_paired_with_itself_is_its_own_layout() {
    for (name, trace) in catalogue_traces() {
        for width in [WidthClass::Full, WidthClass::ALL[0]] {
            let view = ViewOptions { width, ..ViewOptions::default() };
            let pair = layout_pair(&trace, &trace, &view);
            let alone = layout(&trace, &view);
            assert!(pair.a == alone && pair.b == alone, "{name} {width:?}");
            assert_eq!((pair.divergence, pair.marks, pair.divergence_step), (None, None, None), "{name}");
            assert_eq!(pair.steps.len(), alone.steps.len(), "{name}");
        }
    }
}

#[test]
fn an_instant_has_the_same_y_in_both_diagrams() {
    for (name, a, b) in variants() {
        for width in WidthClass::ALL {
            let view = ViewOptions { width, ..ViewOptions::default() };
            let p = layout_pair(&a, &b, &view);
            // Every instant both runs have a step at is at the same height in both...
            let ys_b = first_y_of_instants(&p.b);
            let mut shared = 0;
            for (at, y) in first_y_of_instants(&p.a) {
                if let Some(&(_, yb)) = ys_b.iter().find(|(t, _)| *t == at) {
                    assert_eq!(y, yb, "{name} {width:?}: {at}");
                    shared += 1;
                }
            }
            assert!(shared > 0, "{name}: the runs share instants");
            // ...and so is every segment both send alike before they part: where it leaves and
            // where it arrives (or is lost).
            let alike =
                p.divergence.and_then(|d| d.a.or(d.b)).map_or(a.segments.len().min(b.segments.len()), |s| s.index());
            for k in 0..alike {
                let (x, y) = (&p.a.arrows[k], &p.b.arrows[k]);
                assert_eq!((x.from.y, x.to.y), (y.from.y, y.to.y), "{name} {width:?}: segment {k}");
            }
            // The time breaks are the same, and the lifelines end together.
            let breaks = |d: &Diagram| d.breaks.iter().map(|b| (b.y1, b.y2)).collect::<Vec<_>>();
            assert_eq!(breaks(&p.a), breaks(&p.b), "{name} {width:?}");
            assert_eq!(p.a.lifelines[0].y2, p.b.lifelines[0].y2, "{name} {width:?}");
        }
    }
}

#[test]
fn the_dropped_final_ack_is_marked_in_both() {
    let with = scenario("lost-final-ack");
    let mut without = with.clone();
    without.faults.clear();
    let (a, b) = (simulate(&with), simulate(&without));
    let p = layout_pair(&a, &b, &ViewOptions::default());
    let dropped =
        a.segments.iter().position(|s| matches!(s.fate, Fate::Lost { reason: LossReason::Fault })).expect("a drop");
    let d = p.divergence.expect("they part");
    assert!(matches!(d.kind, Difference::LostInOne { run: Run::First, .. }), "{d:?}");
    let [ma, mb] = p.marks.expect("marked");
    assert_eq!((ma.segment.map(|s| s.index()), mb.segment.map(|s| s.index())), (Some(dropped), Some(dropped)));
    assert_eq!(ma.y, p.a.arrows[dropped].from.y);
    assert_eq!(mb.y, ma.y, "the same instant, the same height");
    assert_eq!((ma.step, mb.step), (Some(p.a.arrows[dropped].step), Some(p.b.arrows[dropped].step)));
    // One arrow has a cross, the other a head.
    assert!(p.a.arrows[dropped].cross.is_some() && p.b.arrows[dropped].head.is_some());
    // The joint step there shows the dropped ACK leaving in both.
    let k = p.divergence_step.expect("a joint step");
    assert_eq!(p.steps[k].y, ma.y);
    assert_eq!((p.steps[k].a, p.steps[k].b), (ma.step, mb.step));
}

#[test]
fn a_run_with_nothing_there_is_marked_at_the_others_height() {
    // A shorter TIME_WAIT: the runs part where one leaves TIME_WAIT; no segment there.
    let long = scenario("four-way-close");
    let mut short = long.clone();
    short.profile = Profile::Freebsd;
    let (a, b) = (simulate(&long), simulate(&short));
    let p = layout_pair(&a, &b, &ViewOptions::default());
    let d = p.divergence.expect("they part");
    let Difference::OtherState { b: Some(change), .. } = d.kind else { panic!("a state change: {d:?}") };
    let [ma, mb] = p.marks.expect("marked");
    assert_eq!((ma.segment, mb.segment), (None, None));
    let step = mb.step.expect("the second run's step");
    assert!(p.b.steps[step].events.contains(&change.event));
    assert_eq!(mb.y, p.b.steps[step].y);
    // The first run leaves TIME_WAIT much later: its mark is its own change, further down.
    assert!(ma.y > mb.y, "{ma:?} {mb:?}");
}

#[track_caller]
fn parse(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("the SVG is not well-formed XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc
}

#[test]
fn both_runs_side_by_side_in_one_svg() {
    let with = scenario("lost-final-ack");
    let mut without = with.clone();
    without.faults.clear();
    let (a, b) = (simulate(&with), simulate(&without));
    for lang in [Lang::En, Lang::Zh] {
        let view = ViewOptions { lang, ..ViewOptions::default() };
        let p = layout_pair(&a, &b, &view);
        let captions = ["lost-final-ack", "lost-final-ack, no faults <&>"];
        let file = svg::render_pair(&p, captions, Some("Here the two runs part: \u{1}…"), lang);
        let doc = parse(&file);
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect();
        for caption in captions {
            assert!(texts.iter().any(|t| t == caption), "caption {caption:?} in {texts:?}");
        }
        assert!(texts.iter().any(|t| t.starts_with("Here the two runs part: \u{FFFD}")), "the sentence, escaped");
        let label = if lang == Lang::En { "the runs part here" } else { "两次运行从这里开始不同" };
        let runs: Vec<_> = doc.descendants().filter(|n| n.attribute("class") == Some("run")).collect();
        for run in &runs {
            // In each diagram: the line, the arrow's glow, the label.
            let class = |c: &str| run.descendants().filter(|n| n.attribute("class") == Some(c)).count();
            assert_eq!((class("div-line"), class("div-seg"), class("div-label halo")), (1, 1, 1));
            assert!(run.descendants().any(|n| n.text() == Some(label)));
        }
        // Two diagrams, side by side: the second starts right of the first.
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].attribute("transform"), Some("translate(0 30)"));
        let x = runs[1]
            .attribute("transform")
            .and_then(|t| t.strip_prefix("translate("))
            .and_then(|t| t.split(' ').next())
            .and_then(|x| x.parse::<f32>().ok())
            .expect("an x");
        assert!(x >= p.a.width, "{x} {}", p.a.width);
        let width: f32 = doc.root_element().attribute("width").and_then(|w| w.parse().ok()).expect("a width");
        assert!(width >= p.a.width + p.b.width, "{width}");
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("title") && n.attribute("id") == Some("title")).count(),
            1
        );
    }
    // Runs that do not part: no marker, still a file.
    let p = layout_pair(&a, &a, &ViewOptions::default());
    let file = svg::render_pair(&p, ["a", "b"], None, Lang::En);
    let doc = parse(&file);
    assert!(doc.descendants().all(|n| n.attribute("class") != Some("divergence")));
}

#[test]
fn hostile_names_stay_text_in_a_pair() {
    for path in common::adversarial_files().into_iter().take(12) {
        let t = common::adversarial_trace(&path);
        let p = layout_pair(&t, &simulate(&scenario("handshake")), &ViewOptions::default());
        parse(&svg::render_pair(&p, ["<script>alert(1)</script>", "\u{FFFF}"], Some("&"), Lang::En));
    }
}

/// The words that say where the runs part (in the SVG file) cover no other text of the diagram:
/// a timer's, a state's, an arrow's, the time axis's. Before they were placed, they sat at the
/// line's right end whatever was there (lost-final-ack without faults: over "RTO 220 ms").
#[test]
fn the_words_where_the_runs_part_cover_no_other_text() {
    let (mut placed, mut failed) = (0, Vec::new());
    for (name, a, b) in variants() {
        // The files' width (the page draws the line alone, its sentence says the rest).
        for width in [WidthClass::Full] {
            let pair = layout_pair(&a, &b, &ViewOptions { width, ..ViewOptions::default() });
            let Some(marks) = pair.marks else { continue };
            for (d, mark) in [(&pair.a, &marks[0]), (&pair.b, &marks[1])] {
                for lang in [Lang::En, Lang::Zh] {
                    let label = seqdiag::pair::divergence_label(d, mark, lang);
                    let covered = seqdiag::pair::texts(d).into_iter().filter(|q| label.rect.quad().overlaps(q, 1.0));
                    if covered.count() > 0 {
                        failed.push(format!("{name} {width:?} {lang:?}"));
                    }
                    assert!((label.rect.y - mark.y).abs() < 45.0, "{name}: beside the line");
                    placed += 1;
                }
            }
        }
    }
    assert!(placed > 40, "{placed} labels placed");
    assert!(failed.is_empty(), "{} of {placed} cover text: {failed:#?}", failed.len());
}

/// The dashed line where the runs part runs through no label's letters (a time on the axis, a
/// state's name): it has a gap at each, at every width, in the file and in the page. It was one
/// line from side to side (lost-final-ack without faults: through "220 ms" and "TIME_WAIT").
#[test]
fn the_line_where_the_runs_part_runs_through_no_label() {
    let (mut lines, mut broken) = (0, 0);
    for (name, a, b) in variants() {
        for width in [WidthClass::Narrow, WidthClass::Full] {
            let pair = layout_pair(&a, &b, &ViewOptions { width, ..ViewOptions::default() });
            let Some(marks) = pair.marks else { continue };
            for (d, mark) in [(&pair.a, &marks[0]), (&pair.b, &marks[1])] {
                let arrows: Vec<_> = d.arrows.iter().filter_map(|a| a.placed.as_ref().map(|p| p.quad)).collect();
                let labels: Vec<_> = seqdiag::pair::texts(d).into_iter().filter(|q| !arrows.contains(q)).collect();
                let pieces = seqdiag::pair::divergence_line(d, mark.y);
                assert!(!pieces.is_empty(), "{name} {width:?}: a line");
                assert!(pieces.windows(2).all(|w| w[0].1 < w[1].0), "{name}: pieces in order, apart");
                for &(x1, x2) in &pieces {
                    let dashes = seqdiag::diagram::Rect { x: x1, y: mark.y - 0.8, w: x2 - x1, h: 1.6 }.quad();
                    let crossed: Vec<_> = labels.iter().filter(|q| dashes.overlaps(q, 0.0)).collect();
                    assert!(crossed.is_empty(), "{name} {width:?}: the line at {} crosses {crossed:?}", mark.y);
                }
                let span: f32 = pieces.iter().map(|(x1, x2)| x2 - x1).sum();
                assert!(span > d.width / 3.0, "{name} {width:?}: most of the line is drawn ({span} of {})", d.width);
                lines += 1;
                broken += usize::from(pieces.len() > 1);
            }
        }
    }
    assert!(lines > 40 && broken > 10, "{broken} of {lines} lines have gaps");
}
