//! FreeBSD's packetdrill suite (`../shared/conformance/freebsd-tcp-testsuite/`) against tcp-core:
//! every `state-event-engine/*-ipv4.pkt` and `snd-syn/*ipv4*.pkt` under the `freebsd` profile,
//! compared line by line with `tests/expected/freebsd.txt`.
//!
//! A script whose result changes fails the test, whether it started failing or started passing:
//! read the diff, then refresh the file with `UPDATE_EXPECT=1 cargo test -p packetdrill --test
//! suite`. CONFORMANCE.md explains the results.

use packetdrill::{RunOptions, run};
use std::path::Path;
use tcp_core::Profile;

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/freebsd-tcp-testsuite");
const EXPECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected/freebsd.txt");

/// The scripts, as paths relative to the suite, sorted.
fn scripts() -> Vec<String> {
    let root = Path::new(SUITE);
    assert!(root.exists(), "{SUITE} is missing: CI checks out shared/ beside the repo");
    let mut found = Vec::new();
    let folders = std::fs::read_dir(root.join("state-event-engine")).expect("state-event-engine");
    for folder in folders.map(|e| e.expect("entry").path()).filter(|p| p.is_dir()) {
        for file in std::fs::read_dir(&folder).expect("folder").map(|e| e.expect("entry").path()) {
            if file.to_string_lossy().ends_with("-ipv4.pkt") {
                found.push(file);
            }
        }
    }
    for file in std::fs::read_dir(root.join("snd-syn")).expect("snd-syn").map(|e| e.expect("entry").path()) {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".pkt") && name.contains("ipv4") {
            found.push(file);
        }
    }
    let mut names: Vec<String> = found.iter().map(|p| relative(root, p)).collect();
    names.sort();
    names
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).expect("inside the suite").to_string_lossy().replace('\\', "/")
}

#[test]
fn freebsd_suite_matches_the_expectation_file() {
    let options = RunOptions::new(Profile::Freebsd);
    let mut actual = String::new();
    for name in scripts() {
        let text = std::fs::read_to_string(Path::new(SUITE).join(&name)).expect("readable script");
        let result = run(&text, &options);
        actual.push_str(&format!("{name}: {}\n", result.summary()));
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(EXPECTED, &actual).expect("write the expectation file");
        return;
    }
    let expected = std::fs::read_to_string(EXPECTED).unwrap_or_default();
    let changed: Vec<String> = diff(&expected, &actual);
    assert!(
        changed.is_empty(),
        "{} scripts changed result (a script that starts passing counts too):\n{}\n\
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
