//! Every writer's output read back by a real parser: the SVG of every catalogue entry (both
//! languages, every width class) and of every scenario in `../shared/adversarial/` by an XML
//! parser (roxmltree); the Mermaid text checked for what Mermaid's lexer cannot take (Mermaid's
//! own parser reads the same texts in the browser test `tests/diagram_fit.rs`).

mod common;

use bilingual::Lang;
use common::{adversarial_files, adversarial_trace, catalogue_traces};
use seqdiag::{ViewOptions, WidthClass, layout, mermaid, svg};

#[track_caller]
fn parse_svg(svg: &str, what: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: the SVG is not well-formed XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{what}");
}

fn views() -> impl Iterator<Item = ViewOptions> {
    [Lang::En, Lang::Zh].into_iter().flat_map(|lang| {
        WidthClass::ALL.into_iter().map(move |width| ViewOptions { lang, width, ..ViewOptions::default() })
    })
}

#[test]
fn the_parser_rejects_what_xml_cannot_hold() {
    // So that the tests below prove something: a raw U+FFFF or control character is an error.
    assert!(roxmltree::Document::parse("<a>\u{FFFF}</a>").is_err());
    assert!(roxmltree::Document::parse("<a b=\"\u{1}\"/>").is_err());
    assert!(roxmltree::Document::parse("<a>ok</a>").is_ok());
}

#[test]
fn catalogue_svgs_are_well_formed_xml() {
    for (name, trace) in catalogue_traces() {
        for view in views() {
            parse_svg(&svg::render(&layout(&trace, &view), &view), &format!("{name} {:?} {:?}", view.lang, view.width));
        }
    }
}

/// The page's drawing (inserted into its `<svg>` as markup) read back the same way, selectable
/// and not, whole and by rows: every element the scenario's text could open is escaped.
fn parse_page_body(d: &seqdiag::Diagram, what: &str) {
    for selectable in [false, true] {
        for rows in [None, Some((0.0, 600.0))] {
            let body = svg::page_body(d, svg::PageDrawing { selectable, rows });
            let doc = format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>");
            let parsed = roxmltree::Document::parse(&doc)
                .unwrap_or_else(|e| panic!("{what}: the page's drawing is not well-formed: {e}"));
            let tags = ["rect", "path", "g", "text", "tspan", "circle", "polygon", "title"];
            for node in parsed.descendants().filter(|n| n.is_element()) {
                let tag = node.tag_name().name();
                assert!(tag == "svg" || tags.contains(&tag), "{what}: an element <{tag}> in the drawing");
            }
            // A big diagram's page puts it in piece by piece: whatever its text, the pieces are
            // whole elements that make the drawing again.
            let pieces = svg::page_pieces(d, svg::PageDrawing { selectable, rows }, 2_000);
            assert_eq!(reassembled(&pieces), body, "{what}: the pieces are not the drawing");
        }
    }
}

#[test]
fn catalogue_page_drawings_are_well_formed() {
    for (name, trace) in catalogue_traces() {
        for view in views() {
            parse_page_body(&layout(&trace, &view), &format!("{name} {:?} {:?}", view.lang, view.width));
        }
    }
}

#[test]
fn escape_makes_any_text_fit_for_xml() {
    let awkward: Vec<char> = (0u32..0x100)
        .chain(0xD7F0..0xD800)
        .chain(0xE000..0xE010)
        .chain(0xFDC0..0xFE10)
        .chain(0xFFF0..=0xFFFF)
        .chain([0x1FFFE, 0x1FFFF, 0x10FFFE, 0x10FFFF, 0x2028, 0x2029, 0x202E, 0xFEFF])
        .filter_map(char::from_u32)
        .collect();
    let text: String = awkward.iter().collect();
    let doc = format!("<a title=\"{}\">{}</a>", svg::escape(&text), svg::escape(&text));
    let parsed = roxmltree::Document::parse(&doc).unwrap_or_else(|e| panic!("{e}"));
    let back = parsed.root_element().text().unwrap_or_default();
    // What XML can hold comes back unchanged; the rest became U+FFFD, one for one.
    assert_eq!(back.chars().count(), awkward.len());
    for (c, got) in awkward.iter().zip(back.chars()) {
        let expected = if svg::unfit_for_text(*c) && !matches!(c, '\n' | '\t') { '\u{FFFD}' } else { *c };
        assert_eq!(got, expected, "U+{:04X}", *c as u32);
    }
}

#[test]
fn adversarial_scenarios_give_well_formed_svg_and_clean_mermaid() {
    for path in adversarial_files() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let trace = adversarial_trace(&path);
        for view in views() {
            let what = format!("{name} {:?} {:?}", view.lang, view.width);
            let diagram = layout(&trace, &view);
            parse_svg(&svg::render(&diagram, &view), &what);
            parse_page_body(&diagram, &what);
        }
        for lang in [Lang::En, Lang::Zh] {
            let text = mermaid::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            let bad = text.chars().find(|&c| c != '\n' && svg::unfit_for_text(c));
            assert_eq!(bad, None, "{name}: Mermaid text carries a control character or non-character");
            let ids: Vec<&str> = text
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("participant "))
                .map(|p| p.split(" as ").next().unwrap_or_default())
                .collect();
            for (i, id) in ids.iter().enumerate() {
                assert!(!ids[..i].contains(id), "{name}: participant {id} twice");
            }
            let nobody = trace.segments.iter().any(|s| s.to.is_none());
            assert_eq!(ids.len(), trace.hosts.len() + usize::from(nobody), "{name}: one participant per host");
        }
    }
}

#[test]
fn mermaid_ids_never_collide() {
    let ids = mermaid::participant_ids(&["h2_x_", "x.", "x_", "nobody", "x__2", "end", "h4_end"]);
    for (i, id) in ids.iter().enumerate() {
        assert!(!ids[..i].contains(id) && id != "nobody", "{ids:?}");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{id}");
    }
    assert_eq!(ids[0], "h2_x_", "a unique name keeps its id");
    assert_eq!(ids[1], "x_");
    assert_ne!(ids[2], "x_");
    assert_ne!(ids[2], "x__2", "a suffix never takes a later host's own id");
    assert_eq!(ids[4], "x__2");
    assert_eq!(mermaid::escape("a\u{1b}[31mb\u{0}c\u{FFFF}"), "a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}");
}

#[test]
fn the_page_heads_are_the_drawing_heads() {
    // The page's sticky copy of the headers is written by the same code as the drawing's: each
    // head (box, name, address) appears in the drawing's lifelines, in the same order.
    for (name, trace) in catalogue_traces() {
        for view in views() {
            let d = layout(&trace, &view);
            let heads = svg::page_heads(&d);
            let body = svg::page_body(&d, svg::PageDrawing { selectable: true, rows: None });
            let lifelines = body.split("<g class=\"lifelines\">").nth(1).and_then(|rest| rest.split("</g>").next());
            let drawn: String = lifelines
                .expect("the drawing has lifelines")
                .lines()
                .filter(|line| !line.is_empty() && !line.contains("class=\"life\""))
                .map(|line| format!("{line}\n"))
                .collect();
            assert_eq!(heads.matches("class=\"head-box\"").count(), d.lifelines.len(), "{name}");
            assert_eq!(heads, drawn, "{name} {:?} {:?}", view.lang, view.width);
            parse_svg(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{heads}</svg>"), name);
        }
    }
}

/// The page's pieces, put back in their layers: the background, then every layer's group in
/// paint order, with its pieces inside.
fn reassembled(pieces: &[svg::PagePiece]) -> String {
    let mut out: String = pieces.iter().filter(|p| p.layer.is_empty()).map(|p| p.markup.as_str()).collect();
    for layer in svg::LAYERS {
        out.push_str(&format!("<g class=\"{layer}\">\n"));
        out.extend(pieces.iter().filter(|p| p.layer == layer).map(|p| p.markup.as_str()));
        out.push_str("</g>\n");
    }
    out
}

#[test]
fn the_page_drawing_in_pieces_is_the_whole() {
    // A big diagram's page puts its drawing in piece by piece, a few per frame: in their layers,
    // in order, they must be the drawing, each piece whole elements within its budget.
    let rank = |layer: &str| svg::LAYERS.iter().position(|l| *l == layer).map_or(0, |k| k + 1);
    for (name, trace) in catalogue_traces() {
        for view in views() {
            let d = layout(&trace, &view);
            for rows in [None, Some((0.0, 600.0))] {
                let page = svg::PageDrawing { selectable: true, rows };
                let body = svg::page_body(&d, page);
                let elements = svg::page_pieces(&d, page, 1);
                for budget in [1, 2_000, 50_000] {
                    let pieces = svg::page_pieces(&d, page, budget);
                    assert!(
                        pieces.windows(2).all(|w| rank(w[0].layer) <= rank(w[1].layer)),
                        "{name}: layers out of order"
                    );
                    assert_eq!(reassembled(&pieces), body, "{name} {rows:?} budget {budget}");
                    for p in &pieces {
                        parse_svg(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>", p.markup), name);
                        assert!(
                            p.markup.len() <= budget || elements.contains(p),
                            "{name}: a piece over budget {budget} holds several elements"
                        );
                    }
                }
            }
        }
    }
}
