//! How long the runner takes: one script, and FreeBSD's whole suite (322 scripts) under the
//! freebsd profile, texts already in memory.

use criterion::{Criterion, criterion_group, criterion_main};
use packetdrill::{Profile, RunOptions, run};
use std::hint::black_box;
use std::path::Path;

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/freebsd-tcp-testsuite");

fn scripts() -> Vec<(String, String)> {
    let root = Path::new(SUITE);
    let mut paths = Vec::new();
    for folder in std::fs::read_dir(root.join("state-event-engine")).expect("suite").map(|e| e.expect("entry").path()) {
        if folder.is_dir() {
            paths.extend(std::fs::read_dir(&folder).expect("folder").map(|e| e.expect("entry").path()));
        }
    }
    paths.extend(std::fs::read_dir(root.join("snd-syn")).expect("snd-syn").map(|e| e.expect("entry").path()));
    paths.retain(|p| p.to_string_lossy().ends_with(".pkt") && p.to_string_lossy().contains("ipv4"));
    paths.sort();
    paths.iter().map(|p| (p.to_string_lossy().into_owned(), std::fs::read_to_string(p).expect("readable"))).collect()
}

fn bench(c: &mut Criterion) {
    let texts = scripts();
    let options = RunOptions::new(Profile::Freebsd);
    let one =
        texts.iter().find(|(name, _)| name.contains("rcv-fin-ack-time-wait-using-shutdown-left-edge")).expect("script");
    c.bench_function("one script (rcv-fin-ack-time-wait, left edge)", |b| b.iter(|| run(black_box(&one.1), &options)));
    c.bench_function(&format!("the suite ({} scripts)", texts.len()), |b| {
        b.iter(|| texts.iter().filter(|(_, t)| run(black_box(t), &options).outcome.passed()).count())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
