//! Bad input: each gets a typed error naming what is wrong and where, in English and Chinese,
//! never a panic; large captures stream with bounded memory; mutated captures never panic.

use capture::{ErrorKind, FileReader, Scanner, collect, import, list};
use proptest::prelude::*;
use tcp_sim::{catalogue, pcap::to_pcap, simulate};

fn handshake_pcap() -> Vec<u8> {
    to_pcap(&simulate(&catalogue::get("handshake").unwrap().scenario().unwrap()))
}

/// A classic pcap (microseconds, little-endian, raw IP) holding these packets.
fn pcap_of(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = handshake_pcap()[..24].to_vec();
    for p in packets {
        for v in [1u32, 0, p.len() as u32, p.len() as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(p);
    }
    out
}

/// An IPv4 header for `payload` with protocol `proto`.
fn ipv4(proto: u8, payload: &[u8], total: usize) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(payload);
    p
}

#[track_caller]
fn error_of(bytes: &[u8]) -> capture::Error {
    match list(bytes) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(e.zh().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", e.zh());
            e
        }
        Ok(l) => panic!("expected an error, got {} connections", l.connections.len()),
    }
}

#[test]
fn empty_file() {
    assert_eq!(error_of(&[]).kind, ErrorKind::Empty);
}

#[test]
fn wrong_magic_number() {
    let e = error_of(b"GIF89a, not a capture at all");
    assert_eq!(e.kind, ErrorKind::BadMagic { found: *b"GIF8" });
    assert_eq!(e.to_string().split(':').next(), Some("file header (byte 0)"));
    assert!(e.zh().starts_with("文件首部（第 0 字节处）"), "{}", e.zh());
}

#[test]
fn truncated_file_header() {
    let e = error_of(&handshake_pcap()[..10]);
    assert_eq!(e.kind, ErrorKind::Truncated { needed: 24, got: 10 });
}

#[test]
fn truncated_last_record() {
    let full = handshake_pcap();
    let e = error_of(&full[..full.len() - 7]);
    let at = e.at.expect("a place in the file");
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
    assert_eq!(at.record, 11, "{e}");
    assert!(e.to_string().starts_with("record 11 (byte "), "{e}");
}

#[test]
fn record_longer_than_the_file() {
    let mut bytes = pcap_of(&[vec![0u8; 40]]);
    bytes[24 + 8..24 + 12].copy_from_slice(&1000u32.to_le_bytes());
    let e = error_of(&bytes);
    assert_eq!(e.kind, ErrorKind::Truncated { needed: 1016, got: 56 });
    assert_eq!(e.at.map(|a| (a.record, a.offset)), Some((1, 24)));
}

#[test]
fn record_claiming_gigabytes() {
    let mut bytes = pcap_of(&[vec![0u8; 40]]);
    bytes[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(error_of(&bytes).kind, ErrorKind::RecordTooLong { .. }));
}

#[test]
fn snaplen_cut_the_tcp_header() {
    // An IPv4 packet of 60 bytes (TCP header 40) of which 30 were captured.
    let mut tcp = vec![0u8; 10];
    tcp[0..4].copy_from_slice(&[0x9c, 0x40, 0x15, 0xb3]);
    let bytes = pcap_of(&[ipv4(6, &tcp, 60)]);
    let e = error_of(&bytes);
    assert_eq!(e.kind, ErrorKind::TcpHeaderCut { captured: 10, needed: 20 });
    assert_eq!(e.at.map(|a| a.record), Some(1));
    assert!(e.zh().contains("snaplen"), "{}", e.zh());
}

#[test]
fn capture_without_tcp() {
    let udp = ipv4(17, &[0u8; 12], 32);
    let e = error_of(&pcap_of(&[udp.clone(), udp, vec![0x60]]));
    match e.kind {
        ErrorKind::NoTcp { packets, seen_en, seen_zh } => {
            assert_eq!(packets, 3);
            assert_eq!(seen_en, "2 UDP, 1 too short or encrypted");
            assert_eq!(seen_zh, "UDP 2 个，过短或已加密 1 个");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pcapng_block_with_bad_length() {
    let mut ng = vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
    ng.extend_from_slice(&[0xff; 8]);
    ng.extend_from_slice(&28u32.to_le_bytes());
    ng.extend_from_slice(&[6, 0, 0, 0, 13, 0, 0, 0]);
    let e = error_of(&ng);
    assert!(matches!(e.kind, ErrorKind::BadBlock { .. }), "{e}");
    assert_eq!(e.at.map(|a| (a.record, a.offset)), Some((2, 28)));
}

#[test]
fn connection_number_out_of_range() {
    let bytes = handshake_pcap();
    let listing = list(&bytes).unwrap();
    let e = collect(&bytes, &listing, 7).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoSuchConnection { asked: 7, count: 1 });
}

/// 200 MB of capture, generated as it is read: memory stays bounded by one record plus a chunk.
#[test]
fn two_hundred_megabytes_stream_in_bounded_memory() {
    let base = handshake_pcap();
    let (header, records) = (&base[..24], &base[24..]);
    let mut scanner = Scanner::new();
    scanner.feed(header).unwrap();
    let mut reader = FileReader::new();
    reader.feed(header, &mut |_| {}).unwrap();
    let mut fed = 24usize;
    let mut max_buffered = 0;
    let chunk: Vec<u8> = records.iter().copied().cycle().take(records.len() * 97).collect();
    while fed < 200_000_000 {
        scanner.feed(&chunk).unwrap();
        reader.feed(&chunk, &mut |_| {}).unwrap();
        max_buffered = max_buffered.max(reader.buffered());
        fed += chunk.len();
    }
    assert!(max_buffered < 2_000, "at most one record is held between chunks: {max_buffered}");
    assert_eq!(scanner.bytes_read() as usize, fed);
    scanner.feed(&records[..13]).unwrap();
    // The stream stopped inside a record: a clear error, not a hang.
    let e = scanner.finish().unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Mutated captures (bytes changed, cut, inserted) give a listing or an error, and importing
    /// what is listed never panics.
    #[test]
    fn mutated_captures_never_panic(
        entry in 0..catalogue::ENTRIES.len(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
        chunk in 1usize..4096,
    ) {
        let mut bytes = to_pcap(&simulate(&catalogue::ENTRIES[entry].scenario().unwrap()));
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        let mut scanner = Scanner::new();
        let mut failed = false;
        for piece in bytes.chunks(chunk) {
            if scanner.feed(piece).is_err() {
                failed = true;
                break;
            }
        }
        if !failed && let Ok(listing) = scanner.finish() {
            for c in listing.connections.iter().take(3) {
                if let Ok(collected) = collect(&bytes, &listing, c.number) {
                    let imported = import(&collected);
                    let _ = capture::rerun(&imported);
                }
            }
        }
    }
}

#[test]
fn the_error_is_a_std_error_with_its_text() {
    let e = error_of(&[0u8; 4]);
    let text = e.to_string();
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert_eq!(boxed.to_string(), text);
}
