//! Reading 100,000 packets: listing the connections of a pcap and collecting one connection's
//! segments; and importing one long connection (`cargo bench -p capture --bench read`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let pcap = capture::sample::many_connections(100_000);
    let packets = capture::list(&pcap).unwrap().packets;
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Elements(packets));
    group.sample_size(10);
    group.bench_function("list 100k packets (pcap, in 64 KiB chunks)", |b| {
        b.iter(|| {
            let mut scanner = capture::Scanner::new();
            for chunk in pcap.chunks(1 << 16) {
                scanner.feed(chunk).unwrap();
            }
            black_box(scanner.finish().unwrap().connections.len())
        })
    });
    let listing = capture::list(&pcap).unwrap();
    group.bench_function("collect one connection of 100k packets", |b| {
        b.iter(|| black_box(capture::collect(&pcap, &listing, 5000).unwrap().segments.len()))
    });
    group.finish();
    // One long connection: a hostile run's 5,000 segments (issue #10's echo file) as a capture.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tcp-sim/tests/adversarial/echo_data_on_data.toml");
    let scenario = tcp_sim::Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap();
    let long = tcp_sim::pcap::to_pcap(&tcp_sim::simulate(&scenario));
    let collected = capture::collect(&long, &capture::list(&long).unwrap(), 1).unwrap();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(collected.segments.len() as u64));
    group.sample_size(10);
    group.bench_function("import one connection of 5,000 segments", |b| {
        b.iter(|| black_box(capture::import(&collected).trace.segments.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
