//! FreeBSD's packetdrill suite (`../shared/conformance/freebsd-tcp-testsuite/`) against tcp-core:
//! every `state-event-engine/*-ipv4.pkt` and `snd-syn/*ipv4*.pkt` under the `freebsd`, `rfc9293`,
//! `linux` and `rfc793` profiles (each with its default `#ifdef` symbols), compared line by line with
//! `tests/expected/<profile>.txt`.
//!
//! A script whose result changes fails the test, whether it started failing or started passing:
//! read the diff, then refresh the files with `UPDATE_EXPECT=1 cargo test -p packetdrill --test
//! suite`. CONFORMANCE.md explains the results.

use packetdrill::{RunOptions, run};
use std::path::Path;
use tcp_core::Profile;

mod common;

const EXPECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected");
/// The profiles the suite runs under.
const PROFILES: [Profile; 4] = [Profile::Freebsd, Profile::Rfc9293, Profile::Linux, Profile::Rfc793];

#[test]
fn the_suite_matches_the_expectation_files() {
    let texts = common::scripts();
    let mut changed = Vec::new();
    for profile in PROFILES {
        let options = RunOptions::new(profile);
        let mut actual = String::new();
        for (name, text) in &texts {
            actual.push_str(&format!("{name}: {}\n", run(text, &options).summary()));
        }
        let path = Path::new(EXPECTED).join(format!("{profile}.txt"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &actual).expect("write the expectation file");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        changed.extend(diff(&expected, &actual).into_iter().map(|d| format!("[{profile}] {d}")));
    }
    assert!(
        changed.is_empty(),
        "{} results changed (a script that starts passing counts too):\n{}\n\
         If this is what you meant, refresh with UPDATE_EXPECT=1 cargo test -p packetdrill --test suite",
        changed.len(),
        changed.join("\n")
    );
}

/// Lines that differ, as `- old` / `+ new` pairs by script name.
fn diff(expected: &str, actual: &str) -> Vec<String> {
    let by_name = |text: &str| -> std::collections::BTreeMap<String, String> {
        text.lines().filter_map(|l| l.split_once(": ").map(|(n, r)| (n.to_string(), r.to_string()))).collect()
    };
    let (old, new) = (by_name(expected), by_name(actual));
    let mut out = Vec::new();
    for name in old.keys().chain(new.keys()).collect::<std::collections::BTreeSet<_>>() {
        match (old.get(name), new.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => out.push(format!(
                "{name}\n  - {}\n  + {}",
                a.map_or("(not in the file)", String::as_str),
                b.map_or("(no longer run)", String::as_str)
            )),
        }
    }
    out
}
