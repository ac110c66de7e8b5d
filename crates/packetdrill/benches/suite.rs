//! How long the runner takes: one script, and FreeBSD's whole suite (322 scripts) under the
//! freebsd profile, texts already in memory.

use criterion::{Criterion, criterion_group, criterion_main};
use packetdrill::{Profile, RunOptions, run};
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let texts = common::scripts();
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
