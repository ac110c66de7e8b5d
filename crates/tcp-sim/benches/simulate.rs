//! Simulated scenarios per second: `cargo bench -p tcp-sim --bench simulate`. The `worst-case`
//! group runs hostile inputs to the end of the work budget (`Limits::DEFAULT`): the shared
//! reproducers of issue #10 and this crate's own (`tests/adversarial/`).

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

    let mut worst = c.benchmark_group("worst-case");
    worst.throughput(Throughput::Elements(1));
    for (folder, file) in WORST {
        let path = format!("{}/{folder}/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let trace = simulate(&scenario);
        println!(
            "{file}: {} segments, {} connections, {} events, stopped: {:?}",
            trace.segments.len(),
            trace.conns.len(),
            trace.events.len(),
            trace.truncated
        );
        worst.bench_function(file, |b| b.iter(|| simulate(black_box(&scenario))));
    }
    worst.finish();
}

/// The costliest inputs found: each runs into a limit of the budget.
const WORST: [(&str, &str); 5] = [
    ("../../../shared/adversarial", "05_mesh16_memory.json"),
    ("../../../shared/adversarial", "01_reconnect_on_refused_hang.toml"),
    ("tests/adversarial", "echo_no_delay.toml"),
    ("tests/adversarial", "echo_data_on_data.toml"),
    ("tests/adversarial", "15_flooders.json"),
];

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
