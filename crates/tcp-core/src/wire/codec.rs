//! Decoding and encoding of the TCP header (RFC 9293 §3.1) and its checksum (RFC 1071).

// `Ipv4Addr` is `core::net::Ipv4Addr`, imported by the parent module.
use super::{FieldSpan, Flags, Ipv4Addr, Options, TcpOption, TcpRepr, WireError};
use crate::seq::SeqNum;

/// IP protocol number of TCP, in the pseudo-header.
const PROTO_TCP: u8 = 6;
/// Byte offset of the checksum field in the header.
const CHECKSUM_AT: usize = 16;

/// Adds `bytes` as big-endian 16-bit words to a ones'-complement accumulator (RFC 1071 §4.1);
/// an odd last byte is padded with a zero byte. Every call but the last must pass an even
/// number of bytes.
fn add_bytes(mut acc: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(2);
    for w in &mut words {
        acc += u64::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        acc += u64::from(*last) << 8;
    }
    acc
}

/// The sum of the IPv4 pseudo-header (RFC 9293 §3.1): source, destination, zero, protocol 6,
/// TCP length.
fn pseudo_header_sum(src: Ipv4Addr, dst: Ipv4Addr, tcp_len: usize) -> u64 {
    let acc = add_bytes(0, &src.octets());
    let acc = add_bytes(acc, &dst.octets());
    acc + u64::from(PROTO_TCP) + tcp_len as u64
}

/// Folds the carries back in, giving the 16-bit ones'-complement sum.
fn fold(mut acc: u64) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// The TCP checksum (RFC 9293 §3.1, computed as RFC 1071 describes): the ones' complement of the
/// ones'-complement sum of the IPv4 pseudo-header and of `tcp_segment` (header and payload, any
/// length, odd included), whose checksum field is summed as given.
///
/// Over a segment whose checksum field is zero it returns the value to write in that field.
/// Over a segment carrying a correct checksum it returns 0: that is how to verify one.
pub fn checksum(src: Ipv4Addr, dst: Ipv4Addr, tcp_segment: &[u8]) -> u16 {
    let acc = pseudo_header_sum(src, dst, tcp_segment.len());
    !fold(add_bytes(acc, tcp_segment))
}

/// The checksum `segment` should carry: [`checksum`] with the checksum field taken as zero.
/// `segment` is at least 20 bytes.
fn expected_checksum(src: Ipv4Addr, dst: Ipv4Addr, segment: &[u8]) -> u16 {
    let acc = pseudo_header_sum(src, dst, segment.len());
    let acc = add_bytes(acc, &segment[..CHECKSUM_AT]);
    !fold(add_bytes(acc, &segment[CHECKSUM_AT + 2..]))
}

/// A big-endian `u16` at `at`.
fn be_u16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// A big-endian `u32` at `at`.
fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A field span, for the constant table below.
const fn span(name: &'static str, start_bit: usize, bits: usize) -> FieldSpan {
    FieldSpan { name, start_bit, bits }
}

/// The fixed header fields of RFC 9293 Figure 1, in order, one span per control bit.
const FIXED_SPANS: [FieldSpan; 16] = [
    span("Source Port", 0, 16),
    span("Destination Port", 16, 16),
    span("Sequence Number", 32, 32),
    span("Acknowledgment Number", 64, 32),
    span("Data Offset", 96, 4),
    span("Reserved", 100, 4),
    span("CWR", 104, 1),
    span("ECE", 105, 1),
    span("URG", 106, 1),
    span("ACK", 107, 1),
    span("PSH", 108, 1),
    span("RST", 109, 1),
    span("SYN", 110, 1),
    span("FIN", 111, 1),
    span("Window", 112, 16),
    span("Checksum", 128, 16),
];

/// The span name of an option.
fn option_span_name(opt: &TcpOption<'_>) -> &'static str {
    match opt {
        TcpOption::Eol => "Option: EOL",
        TcpOption::Nop => "Option: NOP",
        TcpOption::Mss(_) => "Option: MSS",
        TcpOption::WindowScale(_) => "Option: WS",
        TcpOption::SackPermitted => "Option: SACK_PERM",
        TcpOption::Sack(_) => "Option: SACK",
        TcpOption::Timestamps { .. } => "Option: TS",
        TcpOption::Unknown { .. } => "Option: unknown",
    }
}

impl TcpRepr {
    /// Length of the fixed header, without options (RFC 9293 §3.1).
    pub const MIN_HEADER_LEN: usize = 20;

    /// Header length in bytes: 20 plus the options, rounded up to a multiple of four (options
    /// that are not yet padded are padded with EOL bytes by [`TcpRepr::emit`]).
    pub fn header_len(&self) -> usize {
        Self::MIN_HEADER_LEN + self.options.len().next_multiple_of(4)
    }

    /// The Data Offset field: the header length in 32-bit words (5 to 15).
    pub fn data_offset(&self) -> u8 {
        (self.header_len() / 4) as u8
    }

    /// SEG.LEN (RFC 9293 §3.4): the payload length plus one for SYN and one for FIN, the
    /// sequence space the segment occupies.
    pub fn segment_len(&self, payload_len: usize) -> u32 {
        let len = u32::try_from(payload_len).unwrap_or(u32::MAX);
        len.saturating_add(u32::from(self.flags.contains(Flags::SYN)))
            .saturating_add(u32::from(self.flags.contains(Flags::FIN)))
    }

    /// Decodes a TCP header (RFC 9293 §3.1) from `bytes` (a whole segment: header, options and
    /// payload), returning it and the payload.
    ///
    /// With `addrs = Some((src, dst))` the checksum is verified against the IPv4 pseudo-header;
    /// with `None` it is only read. Errors: [`WireError::Truncated`] below 20 bytes or below
    /// the data offset, [`WireError::BadDataOffset`] below 5 words, [`WireError::BadOption`],
    /// [`WireError::BadChecksum`].
    pub fn parse(bytes: &[u8], addrs: Option<(Ipv4Addr, Ipv4Addr)>) -> Result<(TcpRepr, &[u8]), WireError> {
        if bytes.len() < Self::MIN_HEADER_LEN {
            return Err(WireError::Truncated { needed: Self::MIN_HEADER_LEN, got: bytes.len() });
        }
        let data_offset = bytes[12] >> 4;
        if data_offset < 5 {
            return Err(WireError::BadDataOffset(data_offset));
        }
        let header_len = usize::from(data_offset) * 4;
        if bytes.len() < header_len {
            return Err(WireError::Truncated { needed: header_len, got: bytes.len() });
        }
        let options = Options::parse(&bytes[Self::MIN_HEADER_LEN..header_len]).map_err(WireError::BadOption)?;
        let found = be_u16(bytes, CHECKSUM_AT);
        if let Some((src, dst)) = addrs {
            // 0x0000 and 0xffff are the same ones'-complement number: accept either spelling.
            if checksum(src, dst, bytes) != 0 {
                let expected = expected_checksum(src, dst, bytes);
                return Err(WireError::BadChecksum { expected, found });
            }
        }
        let repr = TcpRepr {
            src_port: be_u16(bytes, 0),
            dst_port: be_u16(bytes, 2),
            seq: SeqNum(be_u32(bytes, 4)),
            ack: SeqNum(be_u32(bytes, 8)),
            reserved: bytes[12] & 0x0f,
            flags: Flags(bytes[13]),
            window: be_u16(bytes, 14),
            checksum: found,
            urgent: be_u16(bytes, 18),
            options,
        };
        Ok((repr, &bytes[header_len..]))
    }

    /// Encodes the header and `payload` into `buf` with a freshly computed checksum over the
    /// pseudo-header of `src` and `dst`; returns the number of bytes written
    /// ([`TcpRepr::header_len`] plus the payload), or [`WireError::BufferTooSmall`].
    ///
    /// Only the low four bits of `reserved` are written. The checksum written is the computed
    /// one, except that when it is 0x0000 and `self.checksum` is 0xffff (the other spelling of
    /// ones'-complement zero, equally valid) 0xffff is kept, so that re-encoding any verified
    /// segment reproduces it byte for byte.
    pub fn emit(&self, buf: &mut [u8], payload: &[u8], src: Ipv4Addr, dst: Ipv4Addr) -> Result<usize, WireError> {
        let header_len = self.header_len();
        let needed = header_len + payload.len();
        if buf.len() < needed {
            return Err(WireError::BufferTooSmall { needed, got: buf.len() });
        }
        let out = &mut buf[..needed];
        out[0..2].copy_from_slice(&self.src_port.to_be_bytes());
        out[2..4].copy_from_slice(&self.dst_port.to_be_bytes());
        out[4..8].copy_from_slice(&self.seq.0.to_be_bytes());
        out[8..12].copy_from_slice(&self.ack.0.to_be_bytes());
        out[12] = (self.data_offset() << 4) | (self.reserved & 0x0f);
        out[13] = self.flags.0;
        out[14..16].copy_from_slice(&self.window.to_be_bytes());
        out[16..18].fill(0);
        out[18..20].copy_from_slice(&self.urgent.to_be_bytes());
        let options = self.options.as_bytes();
        let options_end = Self::MIN_HEADER_LEN + options.len();
        out[Self::MIN_HEADER_LEN..options_end].copy_from_slice(options);
        out[options_end..header_len].fill(0);
        out[header_len..].copy_from_slice(payload);
        let mut sum = checksum(src, dst, out);
        if sum == 0 && self.checksum == 0xffff {
            sum = 0xffff;
        }
        out[16..18].copy_from_slice(&sum.to_be_bytes());
        Ok(needed)
    }

    /// Where each field lies in the encoded header, in bits, for a hex-dump inspector: the
    /// fixed fields of RFC 9293 Figure 1 in order (one span per control bit, `CWR` to `FIN`),
    /// then one span per option (`Option: MSS`, `Option: NOP`, ...), then `Option: padding`
    /// for any bytes after an EOL. The spans are contiguous and cover `header_len() * 8` bits.
    pub fn field_spans(&self) -> impl Iterator<Item = FieldSpan> + use<> {
        const MAX: usize = FIXED_SPANS.len() + 1 + 40;
        let mut spans = [span("", 0, 0); MAX];
        spans[..FIXED_SPANS.len()].copy_from_slice(&FIXED_SPANS);
        spans[FIXED_SPANS.len()] = span("Urgent Pointer", 144, 16);
        let mut n = FIXED_SPANS.len() + 1;

        let mut options = self.options;
        options.pad();
        let mut pos = 0;
        for opt in options.iter() {
            let len = opt.encoded_len();
            spans[n] = span(option_span_name(&opt), (Self::MIN_HEADER_LEN + pos) * 8, len * 8);
            n += 1;
            pos += len;
        }
        if pos < options.len() {
            let start = (Self::MIN_HEADER_LEN + pos) * 8;
            spans[n] = span("Option: padding", start, (options.len() - pos) * 8);
            n += 1;
        }
        spans.into_iter().take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
    const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    #[test]
    fn rfc1071_example_sum() {
        // RFC 1071 §3's worked example: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        assert_eq!(fold(add_bytes(0, &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), 0xddf2);
    }

    #[test]
    fn odd_length_checksum_pads_with_zero() {
        let odd = [1u8, 2, 3];
        let even = [1u8, 2, 3, 0];
        // Same words, but the pseudo-header length differs by one.
        assert_eq!(u32::from(!checksum(A, B, &odd)) + 1, u32::from(!checksum(A, B, &even)),);
    }

    #[test]
    fn expected_checksum_matches_zeroed_field() {
        let mut seg = [0u8; 25];
        for (i, b) in seg.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37);
        }
        let expected = expected_checksum(A, B, &seg);
        seg[16] = 0;
        seg[17] = 0;
        assert_eq!(checksum(A, B, &seg), expected);
        seg[16..18].copy_from_slice(&expected.to_be_bytes());
        assert_eq!(checksum(A, B, &seg), 0);
    }
}
