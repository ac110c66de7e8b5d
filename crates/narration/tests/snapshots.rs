//! The full narration of two experiments, headline and paragraphs per step, as a reader sees it
//! step after step. Refresh with `UPDATE_EXPECT=1 cargo test -p narration --test snapshots`, then
//! read the diff as a reader would.

mod common;

use expect_test::{ExpectFile, expect_file};
use narration::Lang;

#[track_caller]
fn check(entry: &str, lang: Lang, relative: bool, expect: ExpectFile) {
    expect.assert_eq(&common::render(&common::trace(entry), lang, relative));
}

#[test]
fn handshake_in_english() {
    check("handshake", Lang::En, true, expect_file!["snapshots/handshake.en.txt"]);
}

#[test]
fn lost_final_ack_in_chinese() {
    check("lost-final-ack", Lang::Zh, true, expect_file!["snapshots/lost-final-ack.zh.txt"]);
}
