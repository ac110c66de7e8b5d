//! Fuzzes `TcpRepr::parse` on arbitrary bytes: it must never panic, and whatever parses must
//! re-encode to the same bytes.
//!
//! Input: 8 bytes of source and destination IPv4 address, then the TCP segment.
//! Run with `cargo +nightly fuzz run parse_segment` from `crates/tcp-core`.
#![no_main]

use core::net::Ipv4Addr;
use libfuzzer_sys::fuzz_target;
use tcp_core::wire::{self, Options, TcpRepr};

fuzz_target!(|data: &[u8]| {
    let Some((addrs, segment)) = data.split_first_chunk::<8>() else {
        return;
    };
    let src = Ipv4Addr::new(addrs[0], addrs[1], addrs[2], addrs[3]);
    let dst = Ipv4Addr::new(addrs[4], addrs[5], addrs[6], addrs[7]);

    // The options parser on its own.
    if let Ok(options) = Options::parse(segment) {
        assert_eq!(options.as_bytes(), segment);
        let _ = format!("{options:?}");
        for opt in options.iter() {
            let _ = opt.to_string();
        }
    }

    let verified = TcpRepr::parse(segment, Some((src, dst)));
    let Ok((repr, payload)) = TcpRepr::parse(segment, None) else {
        assert!(
            verified.is_err(),
            "verification cannot turn an error into a success"
        );
        return;
    };
    assert_eq!(repr.header_len() + payload.len(), segment.len());
    let spans_end = repr.field_spans().fold(0, |next, span| {
        assert_eq!(span.start_bit, next);
        next + span.bits
    });
    assert_eq!(spans_end, repr.header_len() * 8);

    let mut out = vec![0u8; segment.len()];
    let n = repr
        .emit(&mut out, payload, src, dst)
        .expect("the buffer fits");
    assert_eq!(n, segment.len());
    assert_eq!(wire::checksum(src, dst, &out), 0);
    // Everything but the recomputed checksum is reproduced.
    assert_eq!(out[..16], segment[..16]);
    assert_eq!(out[18..], segment[18..]);
    match verified {
        // A segment whose checksum verified is reproduced byte for byte.
        Ok((verified_repr, _)) => {
            assert_eq!(verified_repr, repr);
            assert_eq!(out, segment);
        }
        Err(wire::WireError::BadChecksum { expected, found }) => {
            assert_eq!(found, repr.checksum);
            assert_eq!(u16::from_be_bytes([out[16], out[17]]), expected);
        }
        Err(e) => panic!("only the checksum can differ between parses: {e}"),
    }
});
