//! TCP options (RFC 9293 §3.1-3.2): a validated, allocation-free copy of the option bytes.
//!
//! [`Options`] keeps the bytes exactly as they were on the wire (padding, and anything after an
//! End of Option List, included) so that a parsed header re-encodes byte for byte; typed views
//! are decoded on demand by [`Options::iter`] and the getters.

use core::fmt;

/// Option kind: End of Option List (RFC 9293 §3.2).
const KIND_EOL: u8 = 0;
/// Option kind: No-Operation (RFC 9293 §3.2).
const KIND_NOP: u8 = 1;
/// Option kind: Maximum Segment Size (RFC 9293 §3.2, §3.7.1).
const KIND_MSS: u8 = 2;
/// Option kind: Window Scale (RFC 7323 §2).
const KIND_WS: u8 = 3;
/// Option kind: SACK-Permitted (RFC 2018 §2).
const KIND_SACK_PERM: u8 = 4;
/// Option kind: SACK (RFC 2018 §3).
const KIND_SACK: u8 = 5;
/// Option kind: Timestamps (RFC 7323 §3).
const KIND_TS: u8 = 8;

/// The most option bytes a header can carry: a 15-word header less the 5 fixed words.
const MAX_LEN: usize = 40;

/// The short name of an option kind, as [`TcpOption::name`] spells it.
const fn kind_name(kind: u8) -> &'static str {
    match kind {
        KIND_EOL => "EOL",
        KIND_NOP => "NOP",
        KIND_MSS => "MSS",
        KIND_WS => "WS",
        KIND_SACK_PERM => "SACK_PERM",
        KIND_SACK => "SACK",
        KIND_TS => "TS",
        _ => "unknown",
    }
}

/// One decoded TCP option (RFC 9293 §3.2), borrowing its variable-length data from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of Option List (kind 0): the options end here; any later bytes are padding.
    Eol,
    /// No-Operation (kind 1), used to align the next option.
    Nop,
    /// Maximum Segment Size (kind 2, RFC 9293 §3.7.1): the largest segment the sender can receive.
    Mss(u16),
    /// Window Scale shift count (kind 3, RFC 7323 §2), only valid on a SYN.
    WindowScale(u8),
    /// SACK-Permitted (kind 4, RFC 2018 §2), only valid on a SYN.
    SackPermitted,
    /// SACK blocks (kind 5, RFC 2018 §3): the raw blocks, 1 to 4 pairs of big-endian
    /// (left edge, right edge) sequence numbers, so a length that is a multiple of 8.
    Sack(&'a [u8]),
    /// Timestamps (kind 8, RFC 7323 §3).
    Timestamps {
        /// TSval: the sender's timestamp clock.
        tsval: u32,
        /// TSecr: the TSval echoed back (meaningful when ACK is set).
        tsecr: u32,
    },
    /// Any other kind, kept opaque.
    Unknown {
        /// The kind byte: any but 0 to 5 and 8, which have their own variants.
        kind: u8,
        /// The bytes after the kind and length bytes.
        data: &'a [u8],
    },
}

impl TcpOption<'_> {
    /// The option's kind byte.
    pub const fn kind(&self) -> u8 {
        match self {
            TcpOption::Eol => KIND_EOL,
            TcpOption::Nop => KIND_NOP,
            TcpOption::Mss(_) => KIND_MSS,
            TcpOption::WindowScale(_) => KIND_WS,
            TcpOption::SackPermitted => KIND_SACK_PERM,
            TcpOption::Sack(_) => KIND_SACK,
            TcpOption::Timestamps { .. } => KIND_TS,
            TcpOption::Unknown { kind, .. } => *kind,
        }
    }

    /// A short name: `EOL`, `NOP`, `MSS`, `WS`, `SACK_PERM`, `SACK`, `TS` or `unknown`.
    pub const fn name(&self) -> &'static str {
        match self {
            TcpOption::Unknown { .. } => "unknown",
            other => kind_name(other.kind()),
        }
    }

    /// Bytes the option takes on the wire, kind and length bytes included.
    pub const fn encoded_len(&self) -> usize {
        match self {
            TcpOption::Eol | TcpOption::Nop => 1,
            TcpOption::Mss(_) => 4,
            TcpOption::WindowScale(_) => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Sack(blocks) => 2 + blocks.len(),
            TcpOption::Timestamps { .. } => 10,
            TcpOption::Unknown { data, .. } => 2 + data.len(),
        }
    }
}

impl fmt::Display for TcpOption<'_> {
    /// Wireshark's style: `MSS=1460`, `WS=7`, `SACK_PERM`, `SACK 1-2 5-9`, `TS val=1 ecr=0`, `NOP`,
    /// `EOL`, `unknown kind=30 len=4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TcpOption::Eol | TcpOption::Nop | TcpOption::SackPermitted => f.write_str(self.name()),
            TcpOption::Mss(mss) => write!(f, "MSS={mss}"),
            TcpOption::WindowScale(shift) => write!(f, "WS={shift}"),
            TcpOption::Sack(blocks) => {
                f.write_str("SACK")?;
                for block in blocks.chunks_exact(8) {
                    write!(f, " {}-{}", be_u32(&block[..4]), be_u32(&block[4..]))?;
                }
                Ok(())
            }
            TcpOption::Timestamps { tsval, tsecr } => write!(f, "TS val={tsval} ecr={tsecr}"),
            TcpOption::Unknown { kind, data } => {
                write!(f, "unknown kind={kind} len={}", data.len() + 2)
            }
        }
    }
}

/// Why option bytes are malformed, or an option does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionError {
    /// The option starting at `offset` (from the first option byte) has no length byte, or its
    /// length runs past the end of the options.
    Truncated {
        /// Offset of the option's kind byte.
        offset: usize,
    },
    /// The length byte is impossible for the kind (MSS must be 4, WS 3, SACK_PERM 2,
    /// SACK 10/18/26/34, TS 10, any other kind at least 2).
    BadLength {
        /// The kind byte of the malformed option.
        kind: u8,
        /// The length byte found.
        len: u8,
        /// Offset of the option's kind byte.
        offset: usize,
    },
    /// The options would be `len` bytes, more than the 40 a header can carry.
    TooLong {
        /// Length the options would have.
        len: usize,
    },
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptionError::Truncated { offset } => {
                write!(f, "option at offset {offset} runs past the end of the options")
            }
            OptionError::BadLength { kind, len, offset } => {
                let expected = match kind {
                    KIND_MSS => "4",
                    KIND_WS => "3",
                    KIND_SACK_PERM => "2",
                    KIND_SACK => "10, 18, 26 or 34",
                    KIND_TS => "10",
                    _ => "at least 2",
                };
                match kind_name(kind) {
                    "unknown" => write!(f, "option kind {kind}")?,
                    name => write!(f, "{name} option (kind {kind})")?,
                }
                write!(f, " at offset {offset} has length {len}, expected {expected}")
            }
            OptionError::TooLong { len } => {
                write!(f, "options of {len} bytes do not fit: a header carries at most {MAX_LEN}")
            }
        }
    }
}

/// `OptionError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for OptionError {}

/// Decodes the option starting at `bytes[pos]`; returns it and its encoded length.
///
/// `pos` must be in bounds. An EOL is returned with length 1; the caller decides what to do with
/// the bytes after it.
fn decode_at(bytes: &[u8], pos: usize) -> Result<(TcpOption<'_>, usize), OptionError> {
    let rest = &bytes[pos..];
    let kind = rest[0];
    match kind {
        KIND_EOL => return Ok((TcpOption::Eol, 1)),
        KIND_NOP => return Ok((TcpOption::Nop, 1)),
        _ => {}
    }
    let Some(&len) = rest.get(1) else {
        return Err(OptionError::Truncated { offset: pos });
    };
    let len_ok = match kind {
        KIND_MSS => len == 4,
        KIND_WS => len == 3,
        KIND_SACK_PERM => len == 2,
        KIND_SACK => matches!(len, 10 | 18 | 26 | 34),
        KIND_TS => len == 10,
        _ => len >= 2,
    };
    if !len_ok {
        return Err(OptionError::BadLength { kind, len, offset: pos });
    }
    let len = usize::from(len);
    let Some(body) = rest.get(2..len) else {
        return Err(OptionError::Truncated { offset: pos });
    };
    let opt = match kind {
        KIND_MSS => TcpOption::Mss(u16::from_be_bytes([body[0], body[1]])),
        KIND_WS => TcpOption::WindowScale(body[0]),
        KIND_SACK_PERM => TcpOption::SackPermitted,
        KIND_SACK => TcpOption::Sack(body),
        KIND_TS => TcpOption::Timestamps { tsval: be_u32(&body[..4]), tsecr: be_u32(&body[4..]) },
        _ => TcpOption::Unknown { kind, data: body },
    };
    Ok((opt, len))
}

/// A big-endian `u32` from the first four bytes of `b` (callers pass at least four).
fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The options of one TCP header (RFC 9293 §3.1), as raw bytes exactly as on the wire.
///
/// Holds at most 40 bytes, always valid (every constructor validates). A parsed header's options
/// are a multiple of four bytes long; a list built with [`Options::push`] is until
/// [`Options::pad`] is called, and [`TcpRepr::emit`](super::TcpRepr::emit) pads it with EOL
/// bytes anyway. Bytes after an EOL are kept verbatim but never interpreted.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    /// The option bytes; those at and after `len` are always zero.
    bytes: [u8; MAX_LEN],
    /// How many bytes of `bytes` are used.
    len: u8,
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

impl Options {
    /// An empty option list, for a 20-byte header.
    pub const fn new() -> Self {
        Options { bytes: [0; MAX_LEN], len: 0 }
    }

    /// Validates and copies option bytes (the header bytes after the first 20).
    ///
    /// Kind 0 (EOL) ends the list: the bytes after it are kept but not interpreted. Kind 1 (NOP)
    /// is one byte. Every other option has a length byte that must suit its kind (MSS 4, WS 3
    /// and TS 10 per RFC 7323, SACK_PERM 2 and SACK 10/18/26/34 per RFC 2018, any other kind at
    /// least 2) and must not run past the end.
    pub fn parse(bytes: &[u8]) -> Result<Options, OptionError> {
        if bytes.len() > MAX_LEN {
            return Err(OptionError::TooLong { len: bytes.len() });
        }
        let mut pos = 0;
        while pos < bytes.len() {
            let (opt, len) = decode_at(bytes, pos)?;
            if opt == TcpOption::Eol {
                break;
            }
            pos += len;
        }
        let mut options = Options::new();
        options.bytes[..bytes.len()].copy_from_slice(bytes);
        options.len = bytes.len() as u8;
        Ok(options)
    }

    /// The option bytes exactly as on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Number of option bytes (padding included).
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are no option bytes at all.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The options in order, up to and including the first EOL (padding after it is not
    /// yielded).
    pub fn iter(&self) -> impl Iterator<Item = TcpOption<'_>> {
        let bytes = self.as_bytes();
        let mut pos = 0;
        core::iter::from_fn(move || {
            if pos >= bytes.len() {
                return None;
            }
            // The bytes were validated when stored, so decoding cannot fail; stop if it did.
            let (opt, len) = decode_at(bytes, pos).ok()?;
            pos = if opt == TcpOption::Eol { bytes.len() } else { pos + len };
            Some(opt)
        })
    }

    /// The MSS option's value, if present (RFC 9293 §3.7.1).
    pub fn mss(&self) -> Option<u16> {
        self.iter().find_map(|o| match o {
            TcpOption::Mss(mss) => Some(mss),
            _ => None,
        })
    }

    /// The Window Scale shift count, if present (RFC 7323 §2).
    pub fn window_scale(&self) -> Option<u8> {
        self.iter().find_map(|o| match o {
            TcpOption::WindowScale(shift) => Some(shift),
            _ => None,
        })
    }

    /// Whether SACK-Permitted is present (RFC 2018 §2).
    pub fn sack_permitted(&self) -> bool {
        self.iter().any(|o| o == TcpOption::SackPermitted)
    }

    /// The SACK option's raw blocks, if present (RFC 2018 §3).
    pub fn sack_blocks(&self) -> Option<&[u8]> {
        self.iter().find_map(|o| match o {
            TcpOption::Sack(blocks) => Some(blocks),
            _ => None,
        })
    }

    /// `(TSval, TSecr)` of the Timestamps option, if present (RFC 7323 §3).
    pub fn timestamps(&self) -> Option<(u32, u32)> {
        self.iter().find_map(|o| match o {
            TcpOption::Timestamps { tsval, tsecr } => Some((tsval, tsecr)),
            _ => None,
        })
    }

    /// Appends the encoding of `opt`.
    ///
    /// Fails with [`OptionError::TooLong`] past 40 bytes, and with [`OptionError::BadLength`]
    /// for bytes that would not parse as one option: SACK blocks that are not 1 to 4 blocks of
    /// 8 bytes, or a [`TcpOption::Unknown`] whose kind is EOL or NOP or whose data length does
    /// not suit its kind. Nothing is appended on error.
    pub fn push(&mut self, opt: TcpOption<'_>) -> Result<(), OptionError> {
        let start = self.len();
        let n = opt.encoded_len();
        if start + n > MAX_LEN {
            return Err(OptionError::TooLong { len: start + n });
        }
        let mut enc = [0u8; MAX_LEN];
        enc[0] = opt.kind();
        if n > 1 {
            enc[1] = n as u8;
        }
        match opt {
            TcpOption::Eol | TcpOption::Nop | TcpOption::SackPermitted => {}
            TcpOption::Mss(mss) => enc[2..4].copy_from_slice(&mss.to_be_bytes()),
            TcpOption::WindowScale(shift) => enc[2] = shift,
            TcpOption::Sack(data) | TcpOption::Unknown { data, .. } => enc[2..n].copy_from_slice(data),
            TcpOption::Timestamps { tsval, tsecr } => {
                enc[2..6].copy_from_slice(&tsval.to_be_bytes());
                enc[6..10].copy_from_slice(&tsecr.to_be_bytes());
            }
        }
        // Check that the bytes decode as one option of exactly this length, so `self` stays valid.
        let enc = &enc[..n];
        match decode_at(enc, 0) {
            Ok((_, len)) if len == n => {}
            Err(OptionError::BadLength { kind, len, .. }) => {
                return Err(OptionError::BadLength { kind, len, offset: start });
            }
            _ => {
                return Err(OptionError::BadLength { kind: enc[0], len: n as u8, offset: start });
            }
        }
        self.bytes[start..start + n].copy_from_slice(enc);
        self.len += n as u8;
        Ok(())
    }

    /// Appends EOL (zero) bytes up to a multiple of four, as a header requires (RFC 9293 §3.1).
    pub fn pad(&mut self) {
        // Bytes past `len` are always zero, so padding is just a longer length.
        self.len = self.len.next_multiple_of(4);
    }

    /// Linux's SYN (and SYN-ACK) options, in `tcp_options_write`'s exact order and alignment.
    ///
    /// MSS always comes first. With everything on: `MSS, SACK_PERM, TS, NOP, WS` (20 bytes).
    /// Without timestamps: `MSS, NOP, NOP, SACK_PERM, NOP, WS`. Without SACK: `MSS, NOP, NOP,
    /// TS, NOP, WS`. A missing WS drops its `NOP, WS` word; every layout is a multiple of four.
    pub fn linux_syn(
        mss: u16,
        sack_permitted: bool,
        timestamps: Option<(u32, u32)>,
        window_scale: Option<u8>,
    ) -> Options {
        let mut o = Options::new();
        let mut put = |opt| {
            // At most 20 bytes of valid options: cannot fail.
            let _ = o.push(opt);
        };
        put(TcpOption::Mss(mss));
        match (timestamps, sack_permitted) {
            (Some((tsval, tsecr)), sack) => {
                if sack {
                    put(TcpOption::SackPermitted);
                } else {
                    put(TcpOption::Nop);
                    put(TcpOption::Nop);
                }
                put(TcpOption::Timestamps { tsval, tsecr });
            }
            (None, true) => {
                put(TcpOption::Nop);
                put(TcpOption::Nop);
                put(TcpOption::SackPermitted);
            }
            (None, false) => {}
        }
        if let Some(shift) = window_scale {
            put(TcpOption::Nop);
            put(TcpOption::WindowScale(shift));
        }
        o
    }

    /// Linux's options on a segment of a connection that negotiated timestamps:
    /// `NOP, NOP, TS` (12 bytes, RFC 7323 Appendix A layout).
    pub fn linux_timestamps(tsval: u32, tsecr: u32) -> Options {
        let mut o = Options::new();
        for opt in [TcpOption::Nop, TcpOption::Nop, TcpOption::Timestamps { tsval, tsecr }] {
            // 12 bytes of valid options: cannot fail.
            let _ = o.push(opt);
        }
        o
    }
}

impl fmt::Debug for Options {
    /// `Options[MSS=1460, SACK_PERM, TS val=1 ecr=0, NOP, WS=7]`, with `+N` for bytes after an
    /// EOL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Options[")?;
        let mut used = 0;
        for (i, opt) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{opt}")?;
            used += opt.encoded_len();
        }
        if used < self.len() {
            write!(f, " +{}", self.len() - used)?;
        }
        f.write_str("]")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Options {
    /// A sequence of the raw option bytes.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_bytes())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Options {
    /// A sequence (or byte string) of raw option bytes, validated as by [`Options::parse`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, SeqAccess, Visitor};

        struct BytesVisitor;

        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = Options;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("at most 40 TCP option bytes")
            }

            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Options, E> {
                Options::parse(v).map_err(E::custom)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Options, A::Error> {
                let mut buf = [0u8; MAX_LEN];
                let mut n = 0;
                while let Some(b) = seq.next_element::<u8>()? {
                    if n == MAX_LEN {
                        return Err(A::Error::custom(OptionError::TooLong { len: n + 1 }));
                    }
                    buf[n] = b;
                    n += 1;
                }
                Options::parse(&buf[..n]).map_err(A::Error::custom)
            }
        }

        deserializer.deserialize_seq(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    #[test]
    fn linux_syn_layouts() {
        let all = Options::linux_syn(1460, true, Some((1, 0)), Some(7));
        assert_eq!(all.as_bytes(), [2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
        let no_ts = Options::linux_syn(1460, true, None, Some(7));
        assert_eq!(no_ts.as_bytes(), [2, 4, 5, 180, 1, 1, 4, 2, 1, 3, 3, 7]);
        let no_sack = Options::linux_syn(1460, false, Some((1, 2)), Some(7));
        assert_eq!(no_sack.as_bytes(), [2, 4, 5, 180, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7]);
        let mss_only = Options::linux_syn(536, false, None, None);
        assert_eq!(mss_only.as_bytes(), [2, 4, 2, 24]);
        for sack in [false, true] {
            for ts in [None, Some((5, 6))] {
                for ws in [None, Some(14)] {
                    let o = Options::linux_syn(1460, sack, ts, ws);
                    assert_eq!(o.len() % 4, 0, "{o:?}");
                    assert_eq!(Options::parse(o.as_bytes()), Ok(o));
                    assert_eq!(o.mss(), Some(1460));
                    assert_eq!(o.sack_permitted(), sack);
                    assert_eq!(o.timestamps(), ts);
                    assert_eq!(o.window_scale(), ws);
                }
            }
        }
    }

    #[test]
    fn linux_timestamps_layout() {
        let o = Options::linux_timestamps(0x0102_0304, 0x0a0b_0c0d);
        assert_eq!(o.as_bytes(), [1, 1, 8, 10, 1, 2, 3, 4, 10, 11, 12, 13]);
        assert_eq!(o.timestamps(), Some((0x0102_0304, 0x0a0b_0c0d)));
    }

    #[test]
    fn iter_stops_at_eol_and_keeps_trailing_bytes() {
        let o = Options::parse(&[1, 0, 0xde, 0xad]).expect("valid");
        assert_eq!(o.len(), 4);
        assert_eq!(o.iter().collect::<Vec<_>>(), [TcpOption::Nop, TcpOption::Eol]);
        assert_eq!(o.as_bytes(), [1, 0, 0xde, 0xad]);
        assert_eq!(std::format!("{o:?}"), "Options[NOP, EOL +2]");
    }
}
