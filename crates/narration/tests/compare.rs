//! Where two runs part, in a sentence: every kind of difference the catalogue's variants show,
//! in both languages. Refresh with `UPDATE_EXPECT=1 cargo test -p narration --test compare`.

mod common;

use expect_test::expect_file;
use narration::{Lang, narrate_divergence};
use std::fmt::Write;
use tcp_sim::compare::divergence;

/// The pairs of the snapshot: one per kind of difference the catalogue's variants show, and
/// the same run twice.
const PAIRS: &[&str] = &[
    "lost-final-ack / no faults",
    "lost-final-ack / rfc9293",
    "three-segment-close / rfc9293",
    "handshake / rfc9293",
    "lost-third-ack / windows",
    "zero-window / freebsd",
    "old-duplicate-syn / no faults",
    "four-way-close / freebsd",
    "handshake / no faults",
];

#[test]
fn the_sentences_of_the_catalogues_variants() {
    let all = common::variant_pairs();
    let mut out = String::new();
    for name in PAIRS {
        let (_, a, b) = all.iter().find(|(n, _, _)| n == name).unwrap_or_else(|| panic!("no pair {name}"));
        let d = divergence(a, b);
        let _ = writeln!(out, "## {name}");
        for lang in [Lang::En, Lang::Zh] {
            let _ = writeln!(out, "- {}", narrate_divergence(a, b, d.as_ref(), lang, true));
        }
        // The runs swapped: the same place, told the other way round.
        let _ = writeln!(out, "- {}", narrate_divergence(b, a, divergence(b, a).as_ref(), Lang::En, true));
    }
    expect_file!["snapshots/compare.txt"].assert_eq(&out);
}

#[test]
fn every_variant_gets_a_sentence_in_both_languages() {
    for (name, a, b) in common::variant_pairs() {
        let d = divergence(&a, &b);
        let en = narrate_divergence(&a, &b, d.as_ref(), Lang::En, true);
        let zh = narrate_divergence(&a, &b, d.as_ref(), Lang::Zh, false);
        assert!(en.ends_with('.') && zh.ends_with('。'), "{name}: {en} / {zh}");
        match d {
            Some(_) => assert!(
                en.starts_with("Here the two runs part: ") && zh.starts_with("两次运行从这里开始不同："),
                "{name}: {en} / {zh}"
            ),
            None => assert!(en.starts_with("The two runs do not part"), "{name}: {en}"),
        }
        assert!(!en.contains("{") && !zh.contains("{"), "{name}");
    }
}
