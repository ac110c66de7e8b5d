//! The TCP wire format (RFC 9293 §3.1): decode and encode headers, options and checksums.
//!
//! The connection state machine only ever sees a parsed [`TcpRepr`]; bytes exist at the edges
//! (pcap export, the inspector's hex dump, fuzzing).

mod options;

pub use options::{OptionError, Options, TcpOption};

use crate::seq::SeqNum;
use core::fmt;
use core::net::Ipv4Addr;

/// The TCP control bits, including ECE/CWR (RFC 3168) which are parsed and shown but never acted on.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Flags(pub u8);

impl Flags {
    /// No more data from sender.
    pub const FIN: Flags = Flags(0x01);
    /// Synchronize sequence numbers.
    pub const SYN: Flags = Flags(0x02);
    /// Reset the connection.
    pub const RST: Flags = Flags(0x04);
    /// Push function: deliver to the application without waiting. tcp-core sets it on a segment
    /// that sends the last byte queued, and on every retransmission of data.
    pub const PSH: Flags = Flags(0x08);
    /// The acknowledgment number field is significant.
    pub const ACK: Flags = Flags(0x10);
    /// The urgent pointer field is significant.
    pub const URG: Flags = Flags(0x20);
    /// ECN-Echo (RFC 3168).
    pub const ECE: Flags = Flags(0x40);
    /// Congestion Window Reduced (RFC 3168).
    pub const CWR: Flags = Flags(0x80);
    /// No bits set.
    pub const NONE: Flags = Flags(0);

    /// Every flag with its conventional name, in the order textbooks list them.
    pub const NAMED: [(Flags, &'static str); 8] = [
        (Flags::SYN, "SYN"),
        (Flags::FIN, "FIN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
    ];

    /// Whether every bit of `other` is set in `self`.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether any bit of `other` is set in `self`.
    pub const fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }
    /// `self` with the bits of `other` added.
    pub const fn with(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
    /// `self` without the bits of `other`.
    pub const fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
    /// The set flags' names, in [`Flags::NAMED`] order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Flags::NAMED.into_iter().filter(move |(f, _)| self.contains(*f)).map(|(_, n)| n)
    }
}

impl core::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        self.with(rhs)
    }
}

impl fmt::Display for Flags {
    /// `SYN, ACK` as textbooks write it; `[]` when no flag is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for name in self.names() {
            if !first {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
            first = false;
        }
        if first {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A parsed TCP header: every field of RFC 9293 Figure 1, the options, and nothing of IP.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TcpRepr {
    /// The sending end's port, as a number (the wire carries it big-endian).
    pub src_port: u16,
    /// The receiving end's port, as a number (the wire carries it big-endian).
    pub dst_port: u16,
    /// Sequence number of the first octet (or of the SYN).
    pub seq: SeqNum,
    /// Acknowledgment number; meaningful only when [`Flags::ACK`] is set, but always carried.
    pub ack: SeqNum,
    /// The four reserved bits between the data offset and the flags (kept for exact round-trips).
    pub reserved: u8,
    /// The eight control bits, CWR to FIN (the byte after the data offset).
    pub flags: Flags,
    /// Receive window (unscaled, as on the wire).
    pub window: u16,
    /// Checksum as read from the wire; [`TcpRepr::emit`] computes it afresh.
    pub checksum: u16,
    /// Urgent pointer, meaningful only with [`Flags::URG`]; tcp-core always sends 0 and never
    /// reads it.
    pub urgent: u16,
    /// Options, padded to a multiple of four bytes.
    pub options: Options,
}

/// Why bytes could not be decoded as a TCP header, or a header could not be encoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WireError {
    /// Fewer bytes than a header needs (`needed`) were given (`got`).
    Truncated {
        /// 20, or the header length the data offset claims.
        needed: usize,
        /// Length of the input.
        got: usize,
    },
    /// The data offset is below 5 words (20 bytes).
    BadDataOffset(u8),
    /// The checksum does not match the pseudo-header, header and payload.
    BadChecksum {
        /// Checksum the bytes should carry.
        expected: u16,
        /// Checksum they carry.
        found: u16,
    },
    /// An option is malformed.
    BadOption(OptionError),
    /// The output buffer is smaller than header plus payload.
    BufferTooSmall {
        /// Header length plus payload length.
        needed: usize,
        /// Length of the output buffer.
        got: usize,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated { needed, got } => {
                write!(f, "truncated: a TCP header needs {needed} bytes, got {got}")
            }
            WireError::BadDataOffset(words) => {
                write!(f, "bad data offset {words}: the header is at least 5 words (20 bytes)")
            }
            WireError::BadChecksum { expected, found } => {
                write!(f, "bad checksum 0x{found:04x}, expected 0x{expected:04x}")
            }
            WireError::BadOption(e) => write!(f, "bad option: {e}"),
            WireError::BufferTooSmall { needed, got } => {
                write!(f, "output buffer too small: need {needed} bytes, have {got}")
            }
        }
    }
}

/// `WireError` works with `?` into `Box<dyn Error>` and error-reporting crates. (Its text already says which option was bad: no `source`.)
impl core::error::Error for WireError {}

/// One field's place in the header, in bits from the first bit of the header, for the
/// inspector's hex dump.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FieldSpan {
    /// Field name as RFC 9293 Figure 1 spells it (`Source Port`, `Data Offset`, `Options: MSS`).
    pub name: &'static str,
    /// Offset of the field's first bit from the first bit of the header (bit 0 is the most
    /// significant bit of byte 0).
    pub start_bit: usize,
    /// Number of bits.
    pub bits: usize,
}

// `TcpRepr::{parse, emit, header_len, segment_len, field_spans}`, `checksum` and the options
// codec are implemented in `codec.rs` and `options.rs`.
mod codec;
pub use codec::checksum;
