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
    // Keep-alive's default two hours of silence, then nine probes to a peer that is gone: the
    // simulator jumps from one deadline to the next, so the idle time costs nothing.
    let keepalive = Scenario::parse(KEEPALIVE_2H).expect("the keep-alive scenario parses");
    group.throughput(Throughput::Elements(1));
    group.bench_function("keepalive-2h", |b| b.iter(|| simulate(black_box(&keepalive))));
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

/// A Linux server with keep-alive on (idle 7200 s, 9 probes 75 s apart) whose client says hello
/// and vanishes: ETIMEDOUT at 7875 s of simulated time.
const KEEPALIVE_2H: &str = r#"
profile = "linux"
until_ms = 9000000
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{ at_ms = 0, do = "connect", to = "server" }, { on = "connected", do = "send", text = "hello" }]
[[hosts]]
name = "server"
addr = "198.51.100.1"
tcp = { keepalive = true }
app = [{ at_ms = 0, do = "listen" }]
[[faults]]
index = 5
action = "drop"
[[faults]]
index = 6
action = "drop"
[[faults]]
index = 7
action = "drop"
[[faults]]
index = 8
action = "drop"
[[faults]]
index = 9
action = "drop"
[[faults]]
index = 10
action = "drop"
[[faults]]
index = 11
action = "drop"
[[faults]]
index = 12
action = "drop"
[[faults]]
index = 13
action = "drop"
[[faults]]
index = 14
action = "drop"
"#;

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
