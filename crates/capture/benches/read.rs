//! Reading 100,000 packets: listing the connections of a pcap and of a pcapng, and collecting
//! one connection's segments (`cargo bench -p capture --bench read`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_sim::{catalogue, pcap::to_pcap, simulate};

/// A pcap of about `packets` records: the handshake entry's records repeated, each copy on its
/// own client port so the capture holds many connections.
fn big_pcap(packets: usize) -> Vec<u8> {
    let base = to_pcap(&simulate(&catalogue::get("handshake").unwrap().scenario().unwrap()));
    let (header, records) = (&base[..24], &base[24..]);
    let per_copy = 11;
    let mut out = header.to_vec();
    for copy in 0..packets / per_copy {
        let mut r = records.to_vec();
        let port = 1024 + (copy % 60_000) as u16;
        // Rewrite the client port (source or destination) of every raw-IP record.
        let mut at = 0;
        while at + 16 <= r.len() {
            let len = u32::from_le_bytes(r[at + 8..at + 12].try_into().unwrap()) as usize;
            let tcp = at + 16 + 20;
            let (src, dst) = (u16::from_be_bytes([r[tcp], r[tcp + 1]]), u16::from_be_bytes([r[tcp + 2], r[tcp + 3]]));
            if src == 40000 {
                r[tcp..tcp + 2].copy_from_slice(&port.to_be_bytes());
            } else if dst == 40000 {
                r[tcp + 2..tcp + 4].copy_from_slice(&port.to_be_bytes());
            }
            at += 16 + len;
        }
        out.extend_from_slice(&r);
    }
    out
}

fn bench(c: &mut Criterion) {
    let pcap = big_pcap(100_000);
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
