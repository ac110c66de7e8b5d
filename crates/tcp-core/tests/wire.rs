//! Integration tests of the TCP wire codec (`tcp_core::wire`): real Linux bytes, every error,
//! and property tests of the round trips.

use core::net::Ipv4Addr;
use proptest::prelude::*;
use tcp_core::SeqNum;
use tcp_core::wire::{self, FieldSpan, Flags, OptionError, Options, TcpOption, TcpRepr, WireError};

const LOCALHOST: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const LO: Option<(Ipv4Addr, Ipv4Addr)> = Some((LOCALHOST, LOCALHOST));

/// Decodes a hex string, ignoring whitespace.
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
        .collect()
}

/// A deliberately naive, independent Internet checksum (RFC 1071): builds the pseudo-header
/// and segment in one buffer with the checksum field zeroed, sums 16-bit words in a u32 and
/// folds. Returns the value the checksum field must hold.
fn reference_checksum(src: Ipv4Addr, dst: Ipv4Addr, segment: &[u8]) -> u16 {
    let mut buf = Vec::new();
    buf.extend_from_slice(&src.octets());
    buf.extend_from_slice(&dst.octets());
    buf.push(0);
    buf.push(6);
    buf.extend_from_slice(&(segment.len() as u16).to_be_bytes());
    let start = buf.len();
    buf.extend_from_slice(segment);
    buf[start + 16] = 0;
    buf[start + 17] = 0;
    if buf.len() % 2 == 1 {
        buf.push(0);
    }
    let mut sum: u32 = buf.chunks(2).map(|w| u32::from(w[0]) << 8 | u32::from(w[1])).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// `bytes` with the checksum field set to the reference checksum.
fn with_correct_checksum(mut bytes: Vec<u8>, src: Ipv4Addr, dst: Ipv4Addr) -> Vec<u8> {
    let sum = reference_checksum(src, dst, &bytes);
    bytes[16..18].copy_from_slice(&sum.to_be_bytes());
    bytes
}

/// The first segment of `shared/captures/basic.pcap` (Linux 6.18, loopback): the client's SYN
/// from 127.0.0.1:40000 to 127.0.0.1:5555 with MSS 65495, SACK_PERM, TS, NOP, WS 10. Linux
/// leaves loopback checksums partial (only the pseudo-header sum, 0xfe30, is in the capture);
/// the full checksum is 0xe11e.
const CAPTURED_SYN: &str = "9c40 15b3 153c c5ab 0000 0000 a002 ffd7 fe30 0000
                            0204 ffd7 0402 080a e483 fd80 0000 0000 0103 030a";
/// Its correct checksum.
const SYN_CHECKSUM: u16 = 0xe11e;
/// The server's SYN-ACK from the same capture (partial checksum 0xfe30; full 0xc5df).
const CAPTURED_SYN_ACK: &str = "15b3 9c40 d142 37c9 153c c5ac a012 ffcb fe30 0000
                                0204 ffd7 0402 080a 376b dac2 e483 fd80 0103 030a";
/// The client's `hello` (PSH, ACK, NOP NOP TS) from the same capture (partial 0xfe2d; full 0xaa7f).
const CAPTURED_HELLO: &str = "9c40 15b3 153c c5ac d142 37ca 8018 0040 fe2d 0000
                              0101 080a e483 fd80 376b dac2 6865 6c6c 6f";

fn real_syn() -> Vec<u8> {
    let mut b = hex(CAPTURED_SYN);
    b[16..18].copy_from_slice(&SYN_CHECKSUM.to_be_bytes());
    b
}

fn real_hello() -> Vec<u8> {
    let mut b = hex(CAPTURED_HELLO);
    b[16..18].copy_from_slice(&0xaa7f_u16.to_be_bytes());
    b
}

/// Encodes `repr` and `payload` into a fresh vector.
fn emit_vec(repr: &TcpRepr, payload: &[u8], src: Ipv4Addr, dst: Ipv4Addr) -> Vec<u8> {
    let mut buf = vec![0xaa; repr.header_len() + payload.len() + 7];
    let n = repr.emit(&mut buf, payload, src, dst).expect("buffer is large enough");
    assert_eq!(n, repr.header_len() + payload.len());
    buf.truncate(n);
    buf
}

/// A minimal header with the given data offset byte and options, for the error tests.
fn header_with_options(options: &[u8]) -> Vec<u8> {
    let mut b = hex("9c40 15b3 0000 0001 0000 0000 0002 ffff 0000 0000");
    b[12] = (((20 + options.len()) / 4) as u8) << 4;
    b.extend_from_slice(options);
    b
}

// ---------------------------------------------------------------------------------------------
// Real bytes

#[test]
fn reference_checksum_agrees_with_the_capture() {
    assert_eq!(reference_checksum(LOCALHOST, LOCALHOST, &hex(CAPTURED_SYN)), SYN_CHECKSUM);
    assert_eq!(reference_checksum(LOCALHOST, LOCALHOST, &hex(CAPTURED_SYN_ACK)), 0xc5df);
    assert_eq!(reference_checksum(LOCALHOST, LOCALHOST, &hex(CAPTURED_HELLO)), 0xaa7f);
}

#[test]
fn real_linux_syn_parses_field_by_field() {
    let bytes = real_syn();
    assert_eq!(bytes.len(), 40);
    let (repr, payload) = TcpRepr::parse(&bytes, LO).expect("a valid SYN");
    assert!(payload.is_empty());
    assert_eq!(repr.src_port, 40000);
    assert_eq!(repr.dst_port, 5555);
    assert_eq!(repr.seq, SeqNum(0x153c_c5ab));
    assert_eq!(repr.ack, SeqNum(0));
    assert_eq!(repr.reserved, 0);
    assert_eq!(repr.flags, Flags::SYN);
    assert_eq!(repr.window, 65495);
    assert_eq!(repr.checksum, SYN_CHECKSUM);
    assert_eq!(repr.urgent, 0);
    assert_eq!(repr.header_len(), 40);
    assert_eq!(repr.data_offset(), 10);
    assert_eq!(repr.segment_len(payload.len()), 1);

    let o = &repr.options;
    assert_eq!(o.len(), 20);
    assert_eq!(o.as_bytes(), &bytes[20..]);
    assert_eq!(o.mss(), Some(65495));
    assert!(o.sack_permitted());
    assert_eq!(o.timestamps(), Some((0xe483_fd80, 0)));
    assert_eq!(o.window_scale(), Some(10));
    assert_eq!(o.sack_blocks(), None);
    let opts: Vec<TcpOption<'_>> = o.iter().collect();
    assert_eq!(
        opts,
        [
            TcpOption::Mss(65495),
            TcpOption::SackPermitted,
            TcpOption::Timestamps { tsval: 0xe483_fd80, tsecr: 0 },
            TcpOption::Nop,
            TcpOption::WindowScale(10),
        ]
    );
    // Linux's own layout, rebuilt.
    assert_eq!(Options::linux_syn(65495, true, Some((0xe483_fd80, 0)), Some(10)), *o);
    assert_eq!(format!("{o:?}"), "Options[MSS=65495, SACK_PERM, TS val=3833855360 ecr=0, NOP, WS=10]");

    // The checksum verifies and emit reproduces every byte.
    assert_eq!(wire::checksum(LOCALHOST, LOCALHOST, &bytes), 0);
    assert_eq!(emit_vec(&repr, payload, LOCALHOST, LOCALHOST), bytes);
}

#[test]
fn real_linux_syn_ack_and_data_segment() {
    let syn_ack = with_correct_checksum(hex(CAPTURED_SYN_ACK), LOCALHOST, LOCALHOST);
    let (repr, payload) = TcpRepr::parse(&syn_ack, LO).expect("a valid SYN-ACK");
    assert_eq!((repr.src_port, repr.dst_port), (5555, 40000));
    assert_eq!(repr.flags, Flags::SYN | Flags::ACK);
    assert_eq!(repr.seq, SeqNum(0xd142_37c9));
    assert_eq!(repr.ack, SeqNum(0x153c_c5ac));
    assert_eq!(repr.window, 65483);
    assert_eq!(repr.options.timestamps(), Some((0x376b_dac2, 0xe483_fd80)));
    assert_eq!(emit_vec(&repr, payload, LOCALHOST, LOCALHOST), syn_ack);

    let hello = real_hello();
    let (repr, payload) = TcpRepr::parse(&hello, LO).expect("a valid data segment");
    assert_eq!(payload, b"hello");
    assert_eq!(repr.flags, Flags::PSH | Flags::ACK);
    assert_eq!(repr.window, 64);
    assert_eq!(repr.header_len(), 32);
    assert_eq!(repr.segment_len(payload.len()), 5);
    assert_eq!(repr.options, Options::linux_timestamps(0xe483_fd80, 0x376b_dac2));
    assert_eq!(repr.options.mss(), None);
    assert_eq!(repr.options.window_scale(), None);
    assert!(!repr.options.sack_permitted());
    assert_eq!(emit_vec(&repr, payload, LOCALHOST, LOCALHOST), hello);
}

#[test]
fn captured_partial_checksum_is_reported() {
    let bytes = hex(CAPTURED_SYN);
    assert_eq!(TcpRepr::parse(&bytes, LO), Err(WireError::BadChecksum { expected: SYN_CHECKSUM, found: 0xfe30 }));
    // Without addresses the checksum is not checked, only carried.
    let (repr, _) = TcpRepr::parse(&bytes, None).expect("valid apart from the checksum");
    assert_eq!(repr.checksum, 0xfe30);
}

#[test]
fn emit_recomputes_the_checksum_and_round_trips() {
    let repr = TcpRepr {
        src_port: 1234,
        dst_port: 80,
        seq: SeqNum(0xffff_fff0),
        ack: SeqNum(7),
        reserved: 0b1010,
        flags: Flags::FIN | Flags::ACK | Flags::ECE | Flags::CWR,
        window: 512,
        checksum: 0x1234,
        urgent: 9,
        options: Options::linux_timestamps(1, 2),
    };
    let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 7));
    let payload = b"odd";
    let bytes = emit_vec(&repr, payload, src, dst);
    assert_eq!(bytes[12], 0x8a, "data offset 8 words, reserved bits kept");
    assert_eq!(bytes[13], 0xd1);
    let sum = u16::from_be_bytes([bytes[16], bytes[17]]);
    assert_eq!(sum, reference_checksum(src, dst, &bytes));
    let (back, back_payload) = TcpRepr::parse(&bytes, Some((src, dst))).expect("round trip");
    assert_eq!(back, TcpRepr { checksum: sum, ..repr });
    assert_eq!(back_payload, payload);
    assert_eq!(repr.segment_len(3), 4);
}

#[test]
fn emit_pads_unpadded_options() {
    let mut options = Options::new();
    options.push(TcpOption::Nop).expect("fits");
    options.push(TcpOption::WindowScale(3)).expect("fits");
    assert_eq!(options.len(), 4);
    options.push(TcpOption::Nop).expect("fits");
    assert_eq!(options.len(), 5);
    let repr = TcpRepr {
        src_port: 1,
        dst_port: 2,
        seq: SeqNum(3),
        ack: SeqNum(4),
        reserved: 0,
        flags: Flags::SYN,
        window: 5,
        checksum: 0,
        urgent: 0,
        options,
    };
    assert_eq!(repr.header_len(), 28);
    assert_eq!(repr.data_offset(), 7);
    let bytes = emit_vec(&repr, &[], LOCALHOST, LOCALHOST);
    assert_eq!(&bytes[20..], [1, 3, 3, 3, 1, 0, 0, 0]);
    let (back, _) = TcpRepr::parse(&bytes, LO).expect("valid");
    let mut padded = options;
    padded.pad();
    assert_eq!(back.options, padded);
    assert_eq!(padded.iter().count(), 4, "NOP WS NOP EOL");
    let names: Vec<&str> = repr.field_spans().skip(17).map(|s| s.name).collect();
    assert_eq!(names, ["Option: NOP", "Option: WS", "Option: NOP", "Option: EOL", "Option: padding"]);
}

/// 0x0000 and 0xffff are both ones'-complement zero: a segment whose checksum is zero verifies
/// with either spelling, and each re-emits as itself.
#[test]
fn both_spellings_of_a_zero_checksum() {
    let mut bytes = header_with_options(&[]);
    bytes.extend_from_slice(&[0, 0]);
    // Choose the last payload word so that the checksum comes out as zero.
    let s0 = !reference_checksum(LOCALHOST, LOCALHOST, &bytes);
    assert_ne!(s0, 0xffff);
    let w = 0xffff - s0;
    bytes[20..22].copy_from_slice(&w.to_be_bytes());
    assert_eq!(reference_checksum(LOCALHOST, LOCALHOST, &bytes), 0);
    for spelling in [0x0000_u16, 0xffff] {
        bytes[16..18].copy_from_slice(&spelling.to_be_bytes());
        let (repr, payload) = TcpRepr::parse(&bytes, LO).expect("zero checksum verifies");
        assert_eq!(repr.checksum, spelling);
        assert_eq!(emit_vec(&repr, payload, LOCALHOST, LOCALHOST), bytes);
    }
}

#[test]
fn field_spans_of_the_real_syn() {
    let (repr, _) = TcpRepr::parse(&real_syn(), LO).expect("valid");
    let spans: Vec<FieldSpan> = repr.field_spans().collect();
    let expected: [(&str, usize, usize); 22] = [
        ("Source Port", 0, 16),
        ("Destination Port", 16, 16),
        ("Sequence Number", 32, 32),
        ("Acknowledgment Number", 64, 32),
        ("Data Offset", 96, 4),
        ("Reserved", 100, 4),
        ("CWR", 104, 1),
        ("ECE", 105, 1),
        ("URG", 106, 1),
        ("ACK", 107, 1),
        ("PSH", 108, 1),
        ("RST", 109, 1),
        ("SYN", 110, 1),
        ("FIN", 111, 1),
        ("Window", 112, 16),
        ("Checksum", 128, 16),
        ("Urgent Pointer", 144, 16),
        ("Option: MSS", 160, 32),
        ("Option: SACK_PERM", 192, 16),
        ("Option: TS", 208, 80),
        ("Option: NOP", 288, 8),
        ("Option: WS", 296, 24),
    ];
    let got: Vec<(&str, usize, usize)> = spans.iter().map(|s| (s.name, s.start_bit, s.bits)).collect();
    assert_eq!(got, expected);
    // The flag spans name the bits they cover.
    for s in &spans[6..14] {
        let bit = 0x80 >> (s.start_bit - 104);
        let name = Flags::NAMED.iter().find(|(f, _)| f.0 == bit).map(|(_, n)| *n);
        assert_eq!(name, Some(s.name));
    }
}

#[test]
fn field_spans_show_bytes_after_eol_as_padding() {
    let bytes = with_correct_checksum(header_with_options(&[2, 4, 5, 0xb4, 1, 0, 0xde, 0xad]), LOCALHOST, LOCALHOST);
    let (repr, payload) = TcpRepr::parse(&bytes, LO).expect("bytes after EOL are allowed");
    assert_eq!(repr.options.as_bytes(), &bytes[20..]);
    assert_eq!(repr.options.mss(), Some(1460));
    let tail: Vec<(&str, usize, usize)> = repr.field_spans().skip(17).map(|s| (s.name, s.start_bit, s.bits)).collect();
    assert_eq!(
        tail,
        [("Option: MSS", 160, 32), ("Option: NOP", 192, 8), ("Option: EOL", 200, 8), ("Option: padding", 208, 16)]
    );
    assert_eq!(emit_vec(&repr, payload, LOCALHOST, LOCALHOST), bytes);
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn truncated_below_twenty_bytes() {
    let bytes = real_syn();
    for len in 0..20 {
        assert_eq!(TcpRepr::parse(&bytes[..len], None), Err(WireError::Truncated { needed: 20, got: len }));
    }
}

#[test]
fn truncated_before_the_data_offset() {
    let bytes = real_syn();
    for len in 20..40 {
        assert_eq!(TcpRepr::parse(&bytes[..len], LO), Err(WireError::Truncated { needed: 40, got: len }));
    }
    let mut max = bytes.clone();
    max[12] = 0xf0;
    assert_eq!(TcpRepr::parse(&max, None), Err(WireError::Truncated { needed: 60, got: 40 }));
}

#[test]
fn data_offset_below_five() {
    let mut bytes = real_syn();
    for words in 0..5 {
        bytes[12] = words << 4;
        assert_eq!(TcpRepr::parse(&bytes, LO), Err(WireError::BadDataOffset(words)));
    }
    bytes[12] = 0x40;
    assert_eq!(
        TcpRepr::parse(&bytes, None).map_err(|e| e.to_string()),
        Err("bad data offset 4: the header is at least 5 words (20 bytes)".to_owned())
    );
}

#[test]
fn bad_checksum_after_a_flipped_payload_bit() {
    let mut bytes = real_hello();
    bytes[32] ^= 0x20; // `hello` -> `Hello`
    let expected = reference_checksum(LOCALHOST, LOCALHOST, &bytes);
    assert_eq!(expected, 0xaa7f + 0x2000);
    assert_eq!(TcpRepr::parse(&bytes, LO), Err(WireError::BadChecksum { expected, found: 0xaa7f }));
    assert_eq!(
        TcpRepr::parse(&bytes, LO).map_err(|e| e.to_string()),
        Err("bad checksum 0xaa7f, expected 0xca7f".to_owned())
    );
    // The checksum also covers the pseudo-header: other addresses fail too.
    let other = Some((LOCALHOST, Ipv4Addr::new(127, 0, 0, 2)));
    assert!(matches!(TcpRepr::parse(&real_hello(), other), Err(WireError::BadChecksum { .. })));
}

fn option_error(options: &[u8]) -> Result<(), WireError> {
    TcpRepr::parse(&header_with_options(options), None).map(|_| ())
}

#[test]
fn malformed_options() {
    // MSS with length 3.
    let e = OptionError::BadLength { kind: 2, len: 3, offset: 0 };
    assert_eq!(option_error(&[2, 3, 5, 0xb4]), Err(WireError::BadOption(e)));
    assert_eq!(e.to_string(), "MSS option (kind 2) at offset 0 has length 3, expected 4");
    // Timestamps with length 9.
    let e = OptionError::BadLength { kind: 8, len: 9, offset: 2 };
    assert_eq!(option_error(&[1, 1, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0]), Err(WireError::BadOption(e)));
    assert_eq!(e.to_string(), "TS option (kind 8) at offset 2 has length 9, expected 10");
    // Length byte missing at the end.
    let e = OptionError::Truncated { offset: 3 };
    assert_eq!(option_error(&[1, 1, 1, 2]), Err(WireError::BadOption(e)));
    assert_eq!(e.to_string(), "option at offset 3 runs past the end of the options");
    // Length running past the end, for a known and an unknown kind.
    assert_eq!(option_error(&[1, 1, 2, 4]), Err(WireError::BadOption(OptionError::Truncated { offset: 2 })));
    assert_eq!(option_error(&[30, 8, 0, 0]), Err(WireError::BadOption(OptionError::Truncated { offset: 0 })));
    // Other bad lengths.
    let bad = |kind, len, offset| Err(WireError::BadOption(OptionError::BadLength { kind, len, offset }));
    assert_eq!(option_error(&[3, 4, 7, 0]), bad(3, 4, 0));
    assert_eq!(option_error(&[1, 4, 3, 0]), bad(4, 3, 1));
    assert_eq!(option_error(&[5, 8, 0, 0, 0, 0, 0, 0]), bad(5, 8, 0));
    assert_eq!(option_error(&[30, 1, 0, 0]), bad(30, 1, 0));
    assert_eq!(option_error(&[30, 0, 0, 0]), bad(30, 0, 0));
    assert_eq!(
        OptionError::BadLength { kind: 30, len: 1, offset: 0 }.to_string(),
        "option kind 30 at offset 0 has length 1, expected at least 2"
    );
    assert_eq!(
        OptionError::BadLength { kind: 5, len: 8, offset: 4 }.to_string(),
        "SACK option (kind 5) at offset 4 has length 8, expected 10, 18, 26 or 34"
    );
    // The error's Display goes through WireError's.
    assert_eq!(
        option_error(&[2, 3, 5, 0xb4]).map_err(|e| e.to_string()),
        Err("bad option: MSS option (kind 2) at offset 0 has length 3, expected 4".to_owned())
    );
    // Malformed bytes after an EOL are not interpreted.
    assert_eq!(option_error(&[0, 2, 3, 0]), Ok(()));
}

#[test]
fn options_parse_directly() {
    assert_eq!(Options::parse(&[]), Ok(Options::new()));
    assert_eq!(Options::parse(&[0; 44]), Err(OptionError::TooLong { len: 44 }));
    assert_eq!(Options::parse(&[2]), Err(OptionError::Truncated { offset: 0 }));
    let sack = [1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 9];
    let o = Options::parse(&sack).expect("two SACK blocks");
    assert_eq!(o.sack_blocks(), Some(&sack[4..]));
    assert_eq!(format!("{o:?}"), "Options[NOP, NOP, SACK 1-2 5-9]");
    assert!(Options::default().is_empty());
    assert_eq!(format!("{:?}", Options::default()), "Options[]");
}

#[test]
fn builder_too_long_and_bad_sack() {
    let mut o = Options::new();
    for _ in 0..10 {
        o.push(TcpOption::Mss(1460)).expect("fits");
    }
    assert_eq!(o.len(), 40);
    assert_eq!(o.push(TcpOption::Nop), Err(OptionError::TooLong { len: 41 }));
    assert_eq!(o.len(), 40, "nothing appended on error");
    assert_eq!(
        OptionError::TooLong { len: 41 }.to_string(),
        "options of 41 bytes do not fit: a header carries at most 40"
    );

    let mut o = Options::linux_timestamps(1, 2);
    assert_eq!(o.push(TcpOption::Timestamps { tsval: 3, tsecr: 4 }), Ok(()));
    assert_eq!(o.len(), 22);
    assert_eq!(o.push(TcpOption::Sack(&[0; 24])), Err(OptionError::TooLong { len: 48 }));

    let mut o = Options::new();
    assert_eq!(o.push(TcpOption::Sack(&[])), Err(OptionError::BadLength { kind: 5, len: 2, offset: 0 }));
    o.push(TcpOption::Nop).expect("fits");
    assert_eq!(o.push(TcpOption::Sack(&[0; 12])), Err(OptionError::BadLength { kind: 5, len: 14, offset: 1 }));
    assert_eq!(
        o.push(TcpOption::Unknown { kind: 1, data: &[9] }),
        Err(OptionError::BadLength { kind: 1, len: 3, offset: 1 })
    );
    assert_eq!(
        o.push(TcpOption::Unknown { kind: 2, data: &[9] }),
        Err(OptionError::BadLength { kind: 2, len: 3, offset: 1 })
    );
    o.push(TcpOption::Sack(&[0; 32])).expect("four blocks fit");
    assert_eq!(o.len(), 35);
    o.pad();
    assert_eq!(o.len(), 36);
    assert_eq!(o.as_bytes()[35], 0);
    o.pad();
    assert_eq!(o.len(), 36, "pad is idempotent");
}

#[test]
fn emit_into_a_short_buffer() {
    let hello = real_hello();
    let (repr, payload) = TcpRepr::parse(&hello, LO).expect("valid");
    let mut buf = [0u8; 36];
    assert_eq!(
        repr.emit(&mut buf, payload, LOCALHOST, LOCALHOST),
        Err(WireError::BufferTooSmall { needed: 37, got: 36 })
    );
}

#[test]
fn option_names_and_display() {
    let blocks = [0, 0, 0, 10, 0, 0, 0, 20];
    let cases: [(TcpOption<'_>, &str, &str); 8] = [
        (TcpOption::Eol, "EOL", "EOL"),
        (TcpOption::Nop, "NOP", "NOP"),
        (TcpOption::Mss(1460), "MSS", "MSS=1460"),
        (TcpOption::WindowScale(7), "WS", "WS=7"),
        (TcpOption::SackPermitted, "SACK_PERM", "SACK_PERM"),
        (TcpOption::Sack(&blocks), "SACK", "SACK 10-20"),
        (TcpOption::Timestamps { tsval: 1, tsecr: 0 }, "TS", "TS val=1 ecr=0"),
        (TcpOption::Unknown { kind: 30, data: &[1, 2] }, "unknown", "unknown kind=30 len=4"),
    ];
    for (opt, name, shown) in cases {
        assert_eq!(opt.name(), name);
        assert_eq!(opt.to_string(), shown);
    }
}

#[test]
fn segment_len_counts_syn_and_fin() {
    let (mut repr, _) = TcpRepr::parse(&real_syn(), LO).expect("valid");
    assert_eq!(repr.segment_len(0), 1);
    repr.flags = Flags::SYN | Flags::FIN;
    assert_eq!(repr.segment_len(10), 12);
    repr.flags = Flags::ACK | Flags::FIN;
    assert_eq!(repr.segment_len(0), 1);
    repr.flags = Flags::ACK | Flags::RST;
    assert_eq!(repr.segment_len(0), 0);
    assert_eq!(repr.segment_len(1460), 1460);
}

// ---------------------------------------------------------------------------------------------
// Properties

/// An option, owning its data, from which a [`TcpOption`] can be borrowed.
#[derive(Clone, Debug)]
enum OwnedOption {
    Eol,
    Nop,
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    Sack(Vec<u8>),
    Timestamps(u32, u32),
    Unknown(u8, Vec<u8>),
}

impl OwnedOption {
    fn borrow(&self) -> TcpOption<'_> {
        match self {
            OwnedOption::Eol => TcpOption::Eol,
            OwnedOption::Nop => TcpOption::Nop,
            OwnedOption::Mss(m) => TcpOption::Mss(*m),
            OwnedOption::WindowScale(s) => TcpOption::WindowScale(*s),
            OwnedOption::SackPermitted => TcpOption::SackPermitted,
            OwnedOption::Sack(b) => TcpOption::Sack(b),
            OwnedOption::Timestamps(v, e) => TcpOption::Timestamps { tsval: *v, tsecr: *e },
            OwnedOption::Unknown(kind, data) => TcpOption::Unknown { kind: *kind, data },
        }
    }
}

fn arb_option() -> impl Strategy<Value = OwnedOption> {
    prop_oneof![
        1 => Just(OwnedOption::Eol),
        3 => Just(OwnedOption::Nop),
        2 => any::<u16>().prop_map(OwnedOption::Mss),
        2 => any::<u8>().prop_map(OwnedOption::WindowScale),
        2 => Just(OwnedOption::SackPermitted),
        2 => (1..=4usize)
            .prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n * 8))
            .prop_map(OwnedOption::Sack),
        2 => (any::<u32>(), any::<u32>()).prop_map(|(v, e)| OwnedOption::Timestamps(v, e)),
        1 => (
            any::<u8>().prop_filter("an unassigned kind", |k| ![0, 1, 2, 3, 4, 5, 8].contains(k)),
            proptest::collection::vec(any::<u8>(), 0..12)
        )
            .prop_map(|(k, d)| OwnedOption::Unknown(k, d)),
    ]
}

/// Options built from a list of valid options, dropping those that no longer fit, then padded.
fn arb_options() -> impl Strategy<Value = (Options, Vec<OwnedOption>)> {
    proptest::collection::vec(arb_option(), 0..12).prop_map(|list| {
        let mut o = Options::new();
        let mut pushed = Vec::new();
        for opt in list {
            if o.push(opt.borrow()).is_ok() {
                pushed.push(opt);
            }
        }
        o.pad();
        (o, pushed)
    })
}

fn arb_repr() -> impl Strategy<Value = TcpRepr> {
    (
        (any::<u16>(), any::<u16>(), any::<u32>(), any::<u32>(), 0..16u8, any::<u8>()),
        (any::<u16>(), any::<u16>(), any::<u16>(), arb_options()),
    )
        .prop_map(|((src_port, dst_port, seq, ack, reserved, flags), (window, checksum, urgent, (options, _)))| {
            TcpRepr {
                src_port,
                dst_port,
                seq: SeqNum(seq),
                ack: SeqNum(ack),
                reserved,
                flags: Flags(flags),
                window,
                checksum,
                urgent,
                options,
            }
        })
}

fn arb_addr() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>().prop_map(Ipv4Addr::from)
}

/// Bytes that often look like a header: a random fixed header with a plausible data offset,
/// followed by random or valid-looking option bytes and a payload.
fn arb_segment_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..80),
        (
            proptest::collection::vec(any::<u8>(), 20),
            arb_options(),
            proptest::collection::vec(any::<u8>(), 0..40),
            any::<bool>(),
        )
            .prop_map(|(mut header, (options, _), tail, set_offset)| {
                if set_offset {
                    header[12] = ((((20 + options.len()) / 4) as u8) << 4) | (header[12] & 0x0f);
                }
                header.extend_from_slice(options.as_bytes());
                header.extend_from_slice(&tail);
                header
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn emit_then_parse_round_trips(
        repr in arb_repr(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        src in arb_addr(),
        dst in arb_addr(),
    ) {
        let bytes = emit_vec(&repr, &payload, src, dst);
        prop_assert_eq!(bytes.len(), repr.header_len() + payload.len());
        prop_assert_eq!(usize::from(bytes[12] >> 4) * 4, repr.header_len());
        let sum = u16::from_be_bytes([bytes[16], bytes[17]]);
        prop_assert_eq!(sum, reference_checksum(src, dst, &bytes));
        prop_assert_eq!(wire::checksum(src, dst, &bytes), 0);
        let (back, back_payload) = TcpRepr::parse(&bytes, Some((src, dst)))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, TcpRepr { checksum: sum, ..repr });
        prop_assert_eq!(back_payload, &payload[..]);
        // And once more: emit(parse(emit(x))) is the same bytes.
        prop_assert_eq!(emit_vec(&back, back_payload, src, dst), bytes);
    }

    #[test]
    fn options_list_round_trips((options, list) in arb_options()) {
        let parsed = Options::parse(options.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed, options);
        prop_assert_eq!(options.len() % 4, 0);
        // The options are yielded as pushed, up to the first EOL.
        let expected: Vec<TcpOption<'_>> = {
            let mut v = Vec::new();
            for o in &list {
                v.push(o.borrow());
                if matches!(o, OwnedOption::Eol) {
                    break;
                }
            }
            v
        };
        let mut got: Vec<TcpOption<'_>> = options.iter().collect();
        let eol_in_list = list.iter().any(|o| matches!(o, OwnedOption::Eol));
        if !eol_in_list && got.last() == Some(&TcpOption::Eol) {
            got.pop(); // the EOL that `pad` added
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn field_spans_are_contiguous(repr in arb_repr()) {
        let mut next = 0;
        for span in repr.field_spans() {
            prop_assert_eq!(span.start_bit, next, "{:?}", span);
            prop_assert!(span.bits > 0, "{:?}", span);
            next += span.bits;
        }
        prop_assert_eq!(next, repr.header_len() * 8);
    }

    #[test]
    fn parse_never_panics(bytes in arb_segment_bytes(), src in arb_addr(), dst in arb_addr()) {
        let _ = TcpRepr::parse(&bytes, None);
        let _ = TcpRepr::parse(&bytes, Some((src, dst)));
        match Options::parse(&bytes) {
            Ok(o) => {
                prop_assert_eq!(o.as_bytes(), &bytes[..]);
                let _ = format!("{o:?}");
                let _ = (o.mss(), o.window_scale(), o.sack_permitted(), o.timestamps());
            }
            Err(OptionError::TooLong { len }) => prop_assert!(len == bytes.len() && len > 40),
            Err(_) => prop_assert!(bytes.len() <= 40),
        }
    }

    #[test]
    fn parsed_bytes_re_emit_identically(
        bytes in arb_segment_bytes(),
        src in arb_addr(),
        dst in arb_addr(),
    ) {
        if let Ok((repr, payload)) = TcpRepr::parse(&bytes, None) {
            // Without verification the checksum is recomputed: everything else is identical.
            let emitted = emit_vec(&repr, payload, src, dst);
            prop_assert_eq!(emitted.len(), bytes.len());
            prop_assert_eq!(&emitted[..16], &bytes[..16]);
            prop_assert_eq!(&emitted[18..], &bytes[18..]);
            // With a correct checksum, verification passes and every byte is reproduced.
            let fixed = with_correct_checksum(bytes.clone(), src, dst);
            let (repr, payload) = TcpRepr::parse(&fixed, Some((src, dst)))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(emit_vec(&repr, payload, src, dst), fixed);
        }
    }
}
