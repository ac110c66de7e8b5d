//! The two passes over a capture: [`Scanner`] lists the TCP connections (keeping one summary per
//! connection and no packet), [`Collector`] keeps the segments of the one the reader picked.
//! Both are fed the file in chunks, so a large capture is read with bounded memory and the
//! caller can report progress ([`Scanner::bytes_read`]) and stop between chunks.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::net::SocketAddr;

use tcp_core::{Flags, TcpRepr};

use crate::decode::{Decoded, SkipCounts, decode};
use crate::error::{Error, ErrorKind};
use crate::file::{FileFormat, FileReader, Frame};

/// Connections listed at most; more are counted, not listed (a port scan can hold millions).
pub const MAX_CONNECTIONS: usize = 100_000;
/// Segments of the chosen connection kept at most; the rest are counted.
pub const MAX_SEGMENTS: usize = 20_000;

/// How a connection began, as far as the capture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Began {
    /// SYN, SYN-ACK and the ACK of the SYN-ACK were all captured.
    Handshake,
    /// A SYN was captured but the handshake did not complete in the capture.
    SynOnly,
    /// No SYN: the capture started after the connection had opened.
    MidStream,
}

/// How a connection ended, as far as the capture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Both ends sent a FIN.
    Fin,
    /// Only one end sent a FIN.
    HalfClosed,
    /// A RST was sent.
    Reset,
    /// Neither: still open when the capture stopped (or the close was not captured).
    Open,
}

/// One TCP connection (one four-tuple) of a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnSummary {
    /// Its number in the listing, from 1, in the order of first appearance.
    pub number: usize,
    /// The end that sent the first SYN, or else the source of its first segment.
    pub client: SocketAddr,
    /// The other end.
    pub server: SocketAddr,
    /// Segments client → server and server → client.
    pub packets: [u64; 2],
    /// Payload bytes client → server and server → client.
    pub bytes: [u64; 2],
    /// Time of its first and last segment, ns since the epoch.
    pub first_ns: u64,
    /// See `first_ns`.
    pub last_ns: u64,
    /// Record number of its first segment.
    pub first_record: u64,
    /// How it began.
    pub began: Began,
    /// How it ended.
    pub ended: Ended,
    seen: Seen,
}

/// What the summary has seen, to say how the connection began and ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Seen {
    syn: bool,
    syn_ack: bool,
    /// An ACK from the client after the SYN-ACK.
    third_ack: bool,
    fin: [bool; 2],
    rst: bool,
}

impl ConnSummary {
    fn new(number: usize, packet_src: SocketAddr, packet_dst: SocketAddr, frame: &Frame<'_>) -> ConnSummary {
        ConnSummary {
            number,
            client: packet_src,
            server: packet_dst,
            packets: [0; 2],
            bytes: [0; 2],
            first_ns: frame.time_ns,
            last_ns: frame.time_ns,
            first_record: frame.record,
            began: Began::MidStream,
            ended: Ended::Open,
            seen: Seen::default(),
        }
    }

    /// Whether a segment from `src` to `dst` belongs to this connection.
    pub fn holds(&self, src: SocketAddr, dst: SocketAddr) -> bool {
        (src == self.client && dst == self.server) || (src == self.server && dst == self.client)
    }

    /// Duration from first to last segment, in nanoseconds.
    pub fn duration_ns(&self) -> u64 {
        self.last_ns.saturating_sub(self.first_ns)
    }

    fn add(&mut self, src: SocketAddr, repr: &TcpRepr, payload_len: usize, time_ns: u64) {
        let syn = repr.flags.contains(Flags::SYN);
        let ack = repr.flags.contains(Flags::ACK);
        if syn && !ack && !self.seen.syn && src != self.client {
            // The first SYN names the client.
            core::mem::swap(&mut self.client, &mut self.server);
            self.packets.swap(0, 1);
            self.bytes.swap(0, 1);
            self.seen.fin.swap(0, 1);
        }
        let dir = usize::from(src != self.client);
        self.packets[dir] += 1;
        self.bytes[dir] += payload_len as u64;
        self.first_ns = self.first_ns.min(time_ns);
        self.last_ns = self.last_ns.max(time_ns);
        match (syn, ack, dir) {
            (true, false, 0) => self.seen.syn = true,
            (true, true, 1) if self.seen.syn => self.seen.syn_ack = true,
            (false, true, 0) if self.seen.syn_ack => self.seen.third_ack = true,
            _ => {}
        }
        if repr.flags.contains(Flags::FIN) {
            self.seen.fin[dir] = true;
        }
        if repr.flags.contains(Flags::RST) {
            self.seen.rst = true;
        }
        self.began = match (self.seen.syn, self.seen.third_ack) {
            (true, true) => Began::Handshake,
            (true, false) => Began::SynOnly,
            (false, _) => Began::MidStream,
        };
        self.ended = match (self.seen.rst, self.seen.fin) {
            (true, _) => Ended::Reset,
            (false, [true, true]) => Ended::Fin,
            (false, [true, false] | [false, true]) => Ended::HalfClosed,
            (false, [false, false]) => Ended::Open,
        };
    }
}

/// What a capture holds: its TCP connections and what else was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// pcap or pcapng.
    pub format: FileFormat,
    /// The connections, in order of first appearance (at most [`MAX_CONNECTIONS`]).
    pub connections: Vec<ConnSummary>,
    /// Segments of connections beyond [`MAX_CONNECTIONS`], counted only.
    pub unlisted_segments: u64,
    /// Packet records read.
    pub packets: u64,
    /// TCP segments read.
    pub tcp_segments: u64,
    /// What was not TCP.
    pub skipped: SkipCounts,
    /// The first TCP segment that could not be read (cut by the snap length, malformed), if any.
    pub first_bad_segment: Option<Error>,
}

/// The first pass: lists connections. See the module documentation.
#[derive(Debug, Default)]
pub struct Scanner {
    file: FileReader,
    connections: Vec<ConnSummary>,
    index: BTreeMap<(SocketAddr, SocketAddr), usize>,
    unlisted_segments: u64,
    packets: u64,
    tcp_segments: u64,
    skipped: SkipCounts,
    first_bad_segment: Option<Error>,
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Scanner {
    /// A scanner at the start of a file.
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Bytes read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.file.bytes_read()
    }

    /// Reads the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let Scanner { file, connections, index, unlisted_segments, packets, tcp_segments, skipped, first_bad_segment } =
            self;
        file.feed(chunk, &mut |frame| {
            *packets += 1;
            match decode(&frame) {
                Decoded::Tcp(p) => {
                    *tcp_segments += 1;
                    let k = key(p.src, p.dst);
                    let i = match index.get(&k) {
                        Some(i) => *i,
                        None if connections.len() < MAX_CONNECTIONS => {
                            let n = connections.len();
                            connections.push(ConnSummary::new(n + 1, p.src, p.dst, &frame));
                            index.insert(k, n);
                            n
                        }
                        None => {
                            *unlisted_segments += 1;
                            return;
                        }
                    };
                    connections[i].add(p.src, &p.repr, p.payload_len, frame.time_ns);
                }
                Decoded::Skipped(skip) => skipped.count(skip),
                Decoded::Bad(fault) => {
                    skipped.bad_tcp += 1;
                    first_bad_segment.get_or_insert(Error::at(fault.kind, frame.record, frame.offset));
                }
            }
        })
    }

    /// The file has ended: the listing, or why there is none.
    pub fn finish(self) -> Result<Listing, Error> {
        let format = self.file.finish()?;
        if self.connections.is_empty() {
            if let Some(bad) = self.first_bad_segment {
                return Err(bad);
            }
            return Err(Error::whole(ErrorKind::NoTcp {
                packets: self.packets,
                seen_en: self.skipped.describe_en(),
                seen_zh: self.skipped.describe_zh(),
            }));
        }
        Ok(Listing {
            format,
            connections: self.connections,
            unlisted_segments: self.unlisted_segments,
            packets: self.packets,
            tcp_segments: self.tcp_segments,
            skipped: self.skipped,
            first_bad_segment: self.first_bad_segment,
        })
    }
}

/// One captured segment of the chosen connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Captured {
    /// Its record number, from 1 as Wireshark counts.
    pub record: u64,
    /// Capture time, ns since the epoch.
    pub time_ns: u64,
    /// Source address and port, IPv4 or IPv6.
    pub src: SocketAddr,
    /// Destination address and port, IPv4 or IPv6.
    pub dst: SocketAddr,
    /// The TCP header.
    pub repr: TcpRepr,
    /// The payload bytes captured (zero-filled past the snap length, so its length is the
    /// payload's length on the wire).
    pub payload: Vec<u8>,
    /// The IPv4 identification field.
    pub ip_id: Option<u16>,
    /// The pcapng interface it was captured on.
    pub interface: u32,
}

/// The segments of one connection, in capture order.
#[derive(Clone, Debug, PartialEq)]
pub struct Collected {
    /// The connection as the [`Listing`] lists it.
    pub summary: ConnSummary,
    /// Its segments (at most [`MAX_SEGMENTS`]).
    pub segments: Vec<Captured>,
    /// Segments past [`MAX_SEGMENTS`], not kept.
    pub dropped: u64,
}

/// The second pass: keeps the chosen connection's segments. See the module documentation.
#[derive(Debug)]
pub struct Collector {
    file: FileReader,
    out: Collected,
    error: Option<Error>,
}

impl Collector {
    /// A collector for `summary`'s connection, at the start of the file.
    pub fn new(summary: ConnSummary) -> Collector {
        Collector { file: FileReader::new(), out: Collected { summary, segments: Vec::new(), dropped: 0 }, error: None }
    }

    /// Bytes read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.file.bytes_read()
    }

    /// Reads the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let Collector { file, out, error } = self;
        file.feed(chunk, &mut |frame| match decode(&frame) {
            Decoded::Tcp(p) if out.summary.holds(p.src, p.dst) => {
                if out.segments.len() >= MAX_SEGMENTS {
                    out.dropped += 1;
                    return;
                }
                let mut payload = p.payload.to_vec();
                payload.resize(p.payload_len, 0);
                out.segments.push(Captured {
                    record: frame.record,
                    time_ns: frame.time_ns,
                    src: p.src,
                    dst: p.dst,
                    repr: p.repr,
                    payload,
                    ip_id: p.ip_id,
                    interface: frame.interface,
                });
            }
            Decoded::Bad(fault) if fault.endpoints.is_some_and(|(s, d)| out.summary.holds(s, d)) => {
                error.get_or_insert(Error::at(fault.kind, frame.record, frame.offset));
            }
            _ => {}
        })?;
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The file has ended: the connection's segments.
    pub fn finish(self) -> Result<Collected, Error> {
        self.file.finish()?;
        Ok(self.out)
    }
}

/// Lists the connections of a capture held whole in memory.
pub fn list(bytes: &[u8]) -> Result<Listing, Error> {
    let mut scanner = Scanner::new();
    scanner.feed(bytes)?;
    scanner.finish()
}

/// Collects connection `number` (from 1) of a capture held whole in memory.
pub fn collect(bytes: &[u8], listing: &Listing, number: usize) -> Result<Collected, Error> {
    let summary = listing
        .connections
        .get(number.wrapping_sub(1))
        .ok_or(Error::whole(ErrorKind::NoSuchConnection { asked: number, count: listing.connections.len() }))?;
    let mut collector = Collector::new(summary.clone());
    collector.feed(bytes)?;
    collector.finish()
}
