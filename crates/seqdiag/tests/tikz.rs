//! The TikZ export of every catalogue entry: a standalone document whose picture draws every
//! arrow the layout has, in plain TeX text (pdflatex-safe ASCII in English; XeLaTeX with xeCJK
//! in Chinese). `tools.rs` compiles the English ones with `pdflatex`.

mod common;

use bilingual::Lang;
use common::catalogue_traces;
use seqdiag::{ViewOptions, layout, tikz};

#[test]
fn every_entry_is_a_standalone_picture_with_every_arrow() {
    for (name, trace) in catalogue_traces() {
        for lang in [Lang::En, Lang::Zh] {
            let view = ViewOptions { lang, ..ViewOptions::default() };
            let diagram = layout(&trace, &view);
            let text = tikz::render(&diagram, &view);
            assert!(text.contains("\\documentclass[tikz,border=4pt]{standalone}\n"), "{name}");
            assert!(text.ends_with("\\end{tikzpicture}\n\\end{document}\n"), "{name}");
            assert_eq!(text.contains("\\usepackage{xeCJK}"), lang == Lang::Zh, "{name}: xeCJK only in Chinese");
            if lang == Lang::En {
                assert!(text.is_ascii(), "{name}: English is plain ASCII for pdflatex");
            }
            for a in &diagram.arrows {
                let shaft = format!(
                    "({},{}) -- ({},{});",
                    seqdiag::num::Px(a.from.x),
                    seqdiag::num::Px(a.from.y),
                    seqdiag::num::Px(a.to.x),
                    seqdiag::num::Px(a.to.y)
                );
                assert!(text.contains(&shaft), "{name}: no shaft {shaft} for segment {}", a.segment);
            }
            let crosses =
                text.lines().filter(|l| l.contains("line width=1.8pt] (") && l.matches(" -- ").count() == 2).count();
            assert_eq!(
                crosses,
                diagram.arrows.iter().filter(|a| a.cross.is_some()).count(),
                "{name}: a cross per loss"
            );
        }
    }
}

#[test]
fn text_is_made_plain_for_tex() {
    assert_eq!(
        tikz::escape(r"a\b{c}$d&e#f^g_h%i~j", false),
        r"a\textbackslash{}b\{c\}\$d\&e\#f\textasciicircum{}g\_h\%i\textasciitilde{}j"
    );
    assert_eq!(
        tikz::escape("0 → 10 ms · ✕ dropped ⋯", false),
        r"0 $\rightarrow$ 10 ms \textperiodcentered{} $\times$ dropped $\cdots$"
    );
    assert_eq!(tikz::escape("<b>|", false), r"\textless{}b\textgreater{}\textbar{}");
    assert_eq!(tikz::escape("客户端 café\n\u{1b}", false), "??? café ?", "pdflatex gets what it can typeset");
    assert_eq!(tikz::escape("客户端 café", true), "客户端 café", "XeLaTeX keeps the rest");
}

#[test]
fn the_refused_connection_as_tikz() {
    // Pinned whole, for one small entry: a change to the picture shows up in review.
    let view = ViewOptions::default();
    let text = tikz::render(&layout(&common::trace("refused"), &view), &view);
    expect_test::expect_file!["snapshots/refused.en.tex"].assert_eq(&text);
}
