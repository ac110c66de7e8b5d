//! Layout and SVG time: `cargo bench -p seqdiag --bench layout`.
//!
//! Catalogue entries in each width class, and traces of 1,000, 2,000 and 4,000 connections (a
//! client that reconnects as soon as each connection closes) laid out and written as SVG, to show
//! that the work grows linearly with the trace.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seqdiag::{ViewOptions, WidthClass, layout, svg};
use std::hint::black_box;
use tcp_sim::{Limits, Scenario, Trace, catalogue, simulate, simulate_with};

fn entry(name: &str) -> Trace {
    simulate(&catalogue::get(name).and_then(|e| e.scenario().ok()).unwrap_or_else(|| panic!("entry {name}")))
}

/// A client that connects, exchanges a few bytes and closes, `connections` times in a row (it
/// shuts down its sending side, so it is told when the connection has ended: an application
/// that called `close()` is told nothing more of it).
pub fn reconnecting(connections: u32) -> Trace {
    // One connection (handshake, request, answer, close, the client's TIME-WAIT) takes 520 ms of
    // simulated time here.
    let until = f64::from(connections) * 521.0;
    let text = format!(
        r#"
title.en = "reconnects"
title.zh = "reconnects"
until_ms = {until}
tcp.msl_ms = 100
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [
  {{ at_ms = 0, do = "connect", to = "server" }},
  {{ on = "connected", repeat = true, do = "send", text = "hello" }},
  {{ on = "data", repeat = true, do = "shutdown" }},
  {{ on = "closed", repeat = true, do = "connect", to = "server" }},
]
[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [
  {{ at_ms = 0, do = "listen" }},
  {{ on = "data", repeat = true, do = "send", text = "hello" }},
  {{ on = "eof", repeat = true, do = "close" }},
]
"#
    );
    // Beyond the page's limits (500 connections), as `synack run --max-connections` allows.
    let n = connections as usize;
    let limits = Limits { segments: 12 * n + 100, connections: 4 * n + 8, events: 60 * n + 1000, steps: 60 * n + 1000 };
    simulate_with(&Scenario::parse(&text).expect("the scenario"), limits)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout");
    // The handshake; the catalogue's most costly entry laid out again for room (20 segments, three
    // hosts); and a flood (too many segments to be laid out again).
    for name in ["handshake", "accept-queue-full", "syn-flood"] {
        let trace = entry(name);
        for width in WidthClass::ALL {
            let view = ViewOptions { width, ..ViewOptions::default() };
            group.bench_function(BenchmarkId::new(name, width.name()), |b| b.iter(|| layout(black_box(&trace), &view)));
        }
    }
    group.finish();

    let mut group = c.benchmark_group("svg");
    group.sample_size(10);
    for connections in [1_000, 2_000, 4_000] {
        // Absolute numbers: relative ones are `Trace::relative`'s work (tcp-sim), which scans
        // every earlier segment for the connection's SYN.
        let view = ViewOptions { relative: false, ..ViewOptions::default() };
        // Ten segments per connection.
        group.throughput(Throughput::Elements(u64::from(connections) * 10));
        group.bench_function(BenchmarkId::new("connections", connections), |b| {
            // Simulated only when this benchmark is chosen.
            let trace = reconnecting(connections);
            // Each connection is one incarnation at each end (the run may end inside the last).
            let made = trace.conns.len() as u32 / 2;
            assert!(made + 1 >= connections, "{made} connections, not {connections}");
            b.iter(|| svg::render(&layout(black_box(&trace), &view), &view))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
