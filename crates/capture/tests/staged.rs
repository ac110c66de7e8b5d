//! An import done in stages (`Prepared`: the page's way, a few segments at a time between two
//! frames) gives what `import` gives at once, however the observers' work is sliced: every
//! connection of every real capture in `tests/captures/`, and a long hostile run as a capture.

use capture::{Import, Prepared, collect, import, list};

/// Every connection of every capture in `tests/captures/`, and issue #10's echo run (5,000
/// segments) as a capture.
fn captures() -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../tests/captures", env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("a capture")))
        .collect();
    out.sort();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tcp-sim/tests/adversarial/echo_data_on_data.toml");
    let scenario = tcp_sim::Scenario::from_toml(&std::fs::read_to_string(path).expect("the echo file")).expect("valid");
    out.push(("echo_data_on_data".into(), tcp_sim::pcap::to_pcap(&tcp_sim::simulate(&scenario))));
    out
}

fn same(a: &Import, b: &Import, what: &str) {
    assert_eq!(a.trace, b.trace, "{what}: trace");
    assert_eq!(a.notes, b.notes, "{what}: notes");
    assert_eq!(a.scenario, b.scenario, "{what}: scenario");
    assert_eq!((a.capture_start, a.capture_end, a.profiles), (b.capture_start, b.capture_end, b.profiles), "{what}");
}

#[test]
fn an_import_in_steps_is_the_import_at_once() {
    let mut connections = 0;
    for (name, bytes) in captures() {
        let listing = list(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        for number in 1..=listing.connections.len() {
            let collected = collect(&bytes, &listing, number).unwrap_or_else(|e| panic!("{name} {number}: {e}"));
            let whole = import(&collected);
            for slice in [1, 3, 64] {
                let prepared = Prepared::new(&collected);
                let mut observing = prepared.observers();
                let mut steps = 1;
                while !observing.step(slice) {
                    steps += 1;
                }
                assert!(steps >= whole.trace.segments.len() / slice, "{name} {number}: {steps} steps of {slice}");
                let observed = observing.finish();
                let staged = prepared.finish(observed);
                same(&whole, &staged, &format!("{name}, connection {number}, slices of {slice}"));
            }
            connections += 1;
        }
    }
    assert!(connections >= 25, "only {connections} connections");
}
