//! Every step of every catalogue experiment gets a narration, in both languages and both
//! numberings, and none of it shows a template leftover.

mod common;

use narration::{Lang, headline, narrate};
use tcp_sim::catalogue::ENTRIES;

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[track_caller]
fn check_text(where_: &str, lang: Lang, text: &str) {
    assert!(!text.trim().is_empty(), "{where_}: empty text");
    for bad in ["{", "}", "TODO", "  ", "..", "。。"] {
        assert!(!text.contains(bad), "{where_}: {bad:?} in {text:?}");
    }
    match lang {
        Lang::En => {
            assert!(!text.chars().any(is_cjk), "{where_}: Chinese in English text {text:?}");
            let first = text.chars().next().unwrap_or(' ');
            assert!(!first.is_ascii_lowercase(), "{where_}: English sentence starts in lower case: {text:?}");
            assert!(!text.contains(". the ") && !text.contains(": The "), "{where_}: capitalisation in {text:?}");
            assert!(text.ends_with('.') || text.ends_with(')'), "{where_}: unfinished sentence {text:?}");
        }
        Lang::Zh => {
            assert!(text.chars().any(is_cjk), "{where_}: no Chinese in {text:?}");
            assert!(text.ends_with('。') || text.ends_with('）'), "{where_}: unfinished sentence {text:?}");
            for english in ["the client", "the server", " is ", " and "] {
                assert!(!text.contains(english), "{where_}: English {english:?} in {text:?}");
            }
        }
    }
}

#[test]
fn every_step_is_narrated() {
    for entry in ENTRIES {
        let trace = common::trace(entry.name);
        for (k, events) in common::steps(&trace).iter().enumerate() {
            let shown = common::shows_something(&trace, events);
            for lang in [Lang::En, Lang::Zh] {
                for relative in [true, false] {
                    let where_ = format!("{} step {k} {lang:?} relative={relative}", entry.name);
                    let head = headline(&trace, events, lang, relative);
                    check_text(&where_, lang, &head);
                    let paras = narrate(&trace, events, lang, relative);
                    if shown {
                        assert!(!paras.is_empty(), "{where_}: no narration for {events:?}");
                    }
                    for (i, p) in paras.iter().enumerate() {
                        check_text(&where_, lang, p);
                        assert!(!paras[..i].contains(p), "{where_}: paragraph repeated: {p}");
                        let sentences =
                            p.matches(". ").count() + p.matches("? ").count() + p.matches(['。', '？']).count();
                        assert!(sentences <= 4, "{where_}: paragraph too long: {p}");
                    }
                }
            }
        }
    }
}

#[test]
fn languages_have_the_same_shape() {
    // Each English paragraph has its Chinese counterpart: same count per step.
    for entry in ENTRIES {
        let trace = common::trace(entry.name);
        for (k, events) in common::steps(&trace).iter().enumerate() {
            let en = narrate(&trace, events, Lang::En, true);
            let zh = narrate(&trace, events, Lang::Zh, true);
            assert_eq!(en.len(), zh.len(), "{} step {k}: {en:#?} vs {zh:#?}", entry.name);
        }
    }
}

#[test]
fn numbering_follows_the_reader() {
    // Absolute numbers show the real ISN; relative ones count from zero, as Wireshark does.
    let trace = common::trace("handshake");
    let first = &common::steps(&trace)[0];
    let relative = narrate(&trace, first, Lang::En, true).join("\n");
    let absolute = narrate(&trace, first, Lang::En, false).join("\n");
    let isn = trace.segments[0].repr.seq.0.to_string();
    assert!(relative.contains("SYN seq=0"), "{relative}");
    assert!(absolute.contains(&format!("SYN seq={isn}")), "{absolute}");
    assert!(relative.contains(&isn), "the relative view still names the real ISN: {relative}");
}

#[test]
fn out_of_range_and_empty_steps_are_harmless() {
    let trace = common::trace("handshake");
    assert!(narrate(&trace, &[], Lang::En, true).is_empty());
    assert_eq!(headline(&trace, &[], Lang::Zh, true), "");
    assert!(narrate(&trace, &[usize::MAX], Lang::En, true).is_empty());
}

/// The durations of a `1 s → 2 s → 4 s` list, in milliseconds.
fn durations(list: &str) -> Vec<f64> {
    list.split(" → ")
        .map(|d| {
            let (n, unit) = d.trim().split_once(' ').unwrap_or((d, "s"));
            let n: f64 = n.parse().unwrap_or_else(|_| panic!("not a duration: {d:?} in {list:?}"));
            if unit.starts_with("ms") { n } else { n * 1000.0 }
        })
        .collect()
}

#[test]
fn a_timeout_said_to_double_does_double() {
    // What the narration says of a backoff matches its numbers: a list said to double with each
    // retry doubles from its first entry; one that began at the initial timeout (Linux's linear
    // SYN retries) is said so.
    let mut checked = 0;
    for entry in ENTRIES {
        let trace = common::trace(entry.name);
        for events in common::steps(&trace) {
            for p in narrate(&trace, &events, Lang::En, true) {
                let Some(rest) = p.split("doubles with each retry: ").nth(1) else { continue };
                let list = rest.split(" so far").next().unwrap_or(rest);
                let ms = durations(list);
                let flat_start = ms.windows(2).any(|w| w[0] == w[1]);
                if !p.starts_with("The retries at the initial timeout are used up") {
                    assert!(!flat_start, "{}: said to double, but {list}", entry.name);
                    assert!(ms.windows(2).all(|w| w[1] == 2.0 * w[0]), "{}: said to double, but {list}", entry.name);
                } else {
                    assert!(flat_start, "{}: {p}", entry.name);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "only {checked} backoff sentences found");
}

#[test]
fn a_link_that_loses_everything_is_not_called_random() {
    // connect-timeout's link has loss = 1: every SYN is lost for certain.
    let trace = common::trace("connect-timeout");
    let text: Vec<String> = common::steps(&trace)
        .iter()
        .flat_map(|events| [Lang::En, Lang::Zh].map(|lang| narrate(&trace, events, lang, true).join(" ")))
        .collect();
    let text = text.join(" ");
    assert!(!text.contains("random loss") && !text.contains("随机丢包"), "{text}");
    assert!(text.contains("this link loses every segment") && text.contains("这条链路会丢掉所有报文段"), "{text}");
}

#[test]
fn every_segment_sent_is_named_in_its_step() {
    // A reader follows the arrows through the narration: each segment a step sends (by a
    // connection: a flood's SYNs are counted, not listed) is named there, in both numberings.
    // zero-window's ACKs that let more data out once said only "receives ACK ...".
    let mut checked = 0;
    for entry in ENTRIES {
        let trace = common::trace(entry.name);
        for events in common::steps(&trace) {
            for relative in [true, false] {
                let text = {
                    let mut t = headline(&trace, &events, Lang::En, relative);
                    for p in narrate(&trace, &events, Lang::En, relative) {
                        t.push('\n');
                        t.push_str(&p);
                    }
                    t
                };
                for &i in &events {
                    let tcp_sim::trace::EventKind::Sent { segment } = trace.events[i].kind else { continue };
                    // A flood's SYNs, and the answers to their forged addresses, are told by count
                    // and address.
                    let o = &trace.segments[segment.index()];
                    if o.forged || trace.hosts.iter().all(|h| h.addr != *o.dst.ip()) {
                        continue;
                    }
                    let label = trace.label(segment, relative);
                    // A stale SYN made by hand is named by its number ("an old duplicate SYN (seq=90)").
                    let seq = format!("seq={}", trace.relative(segment).0);
                    let named =
                        text.contains(&label) || (trace.segments[segment.index()].injected && text.contains(&seq));
                    assert!(named, "{}: {label} is not named in its step:\n{text}", entry.name);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} segments checked");
}
