//! A whole connection between two tcp-core `Connection`s, natively: three-way handshake, then
//! the client closes, the server closes when it sees end of stream, TIME-WAIT expires. Segments go
//! straight from one `poll_transmit` to the other's `handle_segment` (no latency, no copying
//! beyond the payload-less headers); simulated time jumps to the next timer when nothing is in
//! flight. Throughput is one element per connection: criterion reports connections per second.
//!
//! Run with `cargo bench -p tcp-core --bench handshake`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration as WallDuration;
use tcp_core::{Config, Connection, Instant, SeqNum, State, TcpRepr};

const CLIENT: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 40000);
const SERVER: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 5555);

/// One connection's whole life; returns the number of segments exchanged.
fn connection_lifetime(config: Config) -> usize {
    let mut conns = [Connection::new(config, CLIENT, SERVER), Connection::new(config, SERVER, CLIENT)];
    let mut now = Instant::ZERO;
    conns[1].listen(SeqNum(5000)).expect("listen");
    conns[0].connect(now, SeqNum(1000)).expect("connect");
    // Segments in flight, oldest first: (to, header). Payload-less throughout.
    let mut link: Vec<(usize, TcpRepr)> = Vec::with_capacity(8);
    let mut segments = 0;
    let mut client_closed = false;
    let mut server_closed = false;
    loop {
        for (i, conn) in conns.iter_mut().enumerate() {
            while let Some(t) = conn.poll_transmit() {
                link.push((1 - i, t.repr));
            }
            while conn.poll_event().is_some() {}
        }
        if !client_closed && conns[0].state() == State::Established {
            client_closed = true;
            conns[0].close(now).expect("client close");
            continue;
        }
        if !server_closed && conns[1].state() == State::CloseWait {
            server_closed = true;
            conns[1].close(now).expect("server close");
            continue;
        }
        if !link.is_empty() {
            let (to, repr) = link.remove(0);
            segments += 1;
            conns[to].handle_segment(now, &repr, &[]);
            continue;
        }
        match conns.iter().filter_map(Connection::poll_timeout).min() {
            Some(t) => {
                now = now.max(t);
                for conn in &mut conns {
                    conn.handle_timeout(now);
                }
            }
            None => break,
        }
    }
    assert_eq!((conns[0].state(), conns[1].state()), (State::Closed, State::Closed));
    segments
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("handshake+close");
    group.throughput(Throughput::Elements(1));
    for (name, config) in [("linux", Config::linux()), ("rfc9293", Config::rfc9293())] {
        // Sanity: the three-way handshake and a four-way (or, for Linux, three-segment) close.
        let segments = connection_lifetime(config);
        assert!((6..=7).contains(&segments), "{name}: {segments} segments");
        group.bench_function(name, |b| b.iter(|| connection_lifetime(black_box(config))));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(WallDuration::from_millis(500))
        .measurement_time(WallDuration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
