//! Simulated scenarios per second: `cargo bench -p tcp-sim --bench simulate`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_sim::{Scenario, catalogue, simulate};

fn entry(name: &str) -> Scenario {
    catalogue::get(name).and_then(|e| e.scenario().ok()).unwrap_or_else(|| panic!("catalogue entry {name}"))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate");
    group.throughput(Throughput::Elements(1));
    for name in ["handshake", "lost-final-ack", "syn-flood", "syn-flood-cookies"] {
        let scenario = entry(name);
        group.bench_function(name, |b| b.iter(|| simulate(black_box(&scenario))));
    }
    let all: Vec<Scenario> = catalogue::ENTRIES.iter().filter_map(|e| e.scenario().ok()).collect();
    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function("whole-catalogue", |b| {
        b.iter(|| {
            for s in &all {
                black_box(simulate(s));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
