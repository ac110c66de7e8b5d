//! Classic pcap export (raw IPv4, LINKTYPE_RAW): what Wireshark or tshark would have captured on
//! the link, with real IP and TCP checksums and the trace's timestamps. Lost segments are
//! included: they were sent.

use alloc::vec::Vec;
use core::net::Ipv4Addr;

use crate::trace::Trace;

/// pcap magic for microsecond timestamps, written little-endian.
const MAGIC: u32 = 0xA1B2_C3D4;
/// LINKTYPE_RAW: each record is an IPv4 packet.
const LINKTYPE_RAW: u32 = 101;
const SNAPLEN: u32 = 65535;

/// The whole trace as a pcap file.
pub fn to_pcap(trace: &Trace) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + trace.segments.len() * 100);
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // GMT offset
    out.extend_from_slice(&0u32.to_le_bytes()); // timestamp accuracy
    out.extend_from_slice(&SNAPLEN.to_le_bytes());
    out.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    let mut ip_ids = alloc::vec![0u16; trace.hosts.len()];
    for s in &trace.segments {
        let id = ip_ids.get_mut(s.from.index()).map_or(0, |n| {
            *n = n.wrapping_add(1);
            *n
        });
        let packet = ipv4_packet(s, id);
        let t = s.sent_at.micros;
        out.extend_from_slice(&((t / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((t % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(&packet);
    }
    out
}

/// An IPv4 header (20 bytes, DF, TTL 64) followed by the TCP segment.
fn ipv4_packet(s: &crate::trace::Segment, id: u16) -> Vec<u8> {
    let tcp_len = s.repr.header_len() + s.payload.len();
    let mut packet = alloc::vec![0u8; 20 + tcp_len];
    let (src, dst) = (*s.src.ip(), *s.dst.ip());
    let total = (20 + tcp_len) as u16;
    packet[0] = 0x45;
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    packet[4..6].copy_from_slice(&id.to_be_bytes());
    packet[6] = 0x40; // don't fragment
    packet[8] = 64;
    packet[9] = 6;
    packet[12..16].copy_from_slice(&src.octets());
    packet[16..20].copy_from_slice(&dst.octets());
    let sum = ipv4_checksum(&packet[..20]);
    packet[10..12].copy_from_slice(&sum.to_be_bytes());
    // The buffer is sized from header_len, so emitting cannot run short.
    let _ = s.repr.emit(&mut packet[20..], &s.payload, src, dst);
    packet
}

/// RFC 791 header checksum: one's complement of the one's complement sum of 16-bit words.
fn ipv4_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], w[1]]))).sum();
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// The addresses the catalogue uses: documentation ranges (RFC 5737).
pub const CLIENT_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
/// The server's address.
pub const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);

#[cfg(test)]
mod tests {
    use super::ipv4_checksum;

    #[test]
    fn rfc1071_example_header() {
        // A header whose checksum field holds b861: summing it with the field gives zero.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7,
        ];
        assert_eq!(ipv4_checksum(&h), 0);
        let mut zeroed = h;
        zeroed[10] = 0;
        zeroed[11] = 0;
        assert_eq!(ipv4_checksum(&zeroed), 0xb861);
    }
}

/// One TCP segment read back from a capture.
#[derive(Clone, Debug, PartialEq)]
pub struct CapturedSegment {
    /// Capture timestamp, microseconds since the epoch of the file.
    pub at_micros: u64,
    /// Source address, from the IPv4 header, and port, from the TCP header.
    pub src: core::net::SocketAddrV4,
    /// Destination address, from the IPv4 header, and port, from the TCP header.
    pub dst: core::net::SocketAddrV4,
    /// The TCP header.
    pub repr: tcp_core::TcpRepr,
    /// Payload bytes in the file: the IPv4 total length less both headers, or fewer when the
    /// snap length cut the frame.
    pub payload_len: usize,
}

/// Why a capture could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PcapError {
    /// Not a classic pcap file (pcapng is not read here).
    NotPcap,
    /// The file ends inside a record.
    Truncated {
        /// Byte offset of the record.
        offset: usize,
    },
    /// A link type other than Ethernet, raw IP or Linux cooked capture.
    LinkType(u32),
    /// A packet is not valid IPv4/TCP.
    BadPacket {
        /// Record number, from 1 as Wireshark counts.
        number: usize,
        /// What is wrong, in English: a bad IPv4 header length, or tcp-core's
        /// [`tcp_core::wire::WireError`].
        reason: alloc::string::String,
    },
}

impl core::fmt::Display for PcapError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PcapError::NotPcap => f.write_str("not a classic pcap file"),
            PcapError::Truncated { offset } => write!(f, "file ends inside the record at byte {offset}"),
            PcapError::LinkType(t) => write!(f, "link type {t} is not supported (Ethernet, raw IP, Linux cooked)"),
            PcapError::BadPacket { number, reason } => write!(f, "packet {number}: {reason}"),
        }
    }
}

/// `PcapError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for PcapError {}

/// Whether [`read`] verifies TCP checksums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksums {
    /// A wrong checksum is an error (our own exports).
    Verify,
    /// Accept any checksum: captures on Linux loopback hold offloaded, unfinished ones.
    Ignore,
}

/// Reads the TCP/IPv4 segments of a classic pcap file. Packets that are not TCP over IPv4 are
/// skipped; malformed TCP headers are errors.
pub fn read(bytes: &[u8], checksums: Checksums) -> Result<Vec<CapturedSegment>, PcapError> {
    let magic = bytes.get(..4).ok_or(PcapError::NotPcap)?;
    let (little, nanos) = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (true, false),
        [0xa1, 0xb2, 0xc3, 0xd4] => (false, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (true, true),
        [0xa1, 0xb2, 0x3c, 0x4d] => (false, true),
        _ => return Err(PcapError::NotPcap),
    };
    let u32_at = |off: usize| -> Option<u32> {
        let b: [u8; 4] = bytes.get(off..off + 4)?.try_into().ok()?;
        Some(if little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    };
    let linktype = u32_at(20).ok_or(PcapError::Truncated { offset: 0 })? & 0x0FFF_FFFF;
    let mut out = Vec::new();
    let mut off = 24;
    let mut number = 0;
    while off < bytes.len() {
        number += 1;
        let (Some(sec), Some(frac), Some(incl)) = (u32_at(off), u32_at(off + 4), u32_at(off + 8)) else {
            return Err(PcapError::Truncated { offset: off });
        };
        let start = off + 16;
        let end = start + incl as usize;
        let frame = bytes.get(start..end).ok_or(PcapError::Truncated { offset: off })?;
        off = end;
        let micros = u64::from(sec) * 1_000_000 + if nanos { u64::from(frac) / 1000 } else { u64::from(frac) };
        let ip = match linktype {
            1 if frame.len() >= 14 && frame[12..14] == [0x08, 0x00] => &frame[14..],
            1 => continue,
            101 | 228 => frame,
            113 if frame.len() >= 16 && frame[14..16] == [0x08, 0x00] => &frame[16..],
            113 => continue,
            other => return Err(PcapError::LinkType(other)),
        };
        if ip.len() < 20 || ip[0] >> 4 != 4 || ip[9] != 6 {
            continue;
        }
        let ihl = usize::from(ip[0] & 0x0F) * 4;
        let total = usize::from(u16::from_be_bytes([ip[2], ip[3]])).min(ip.len());
        let bad = |reason: alloc::string::String| PcapError::BadPacket { number, reason };
        if ihl < 20 || total < ihl {
            return Err(bad(alloc::string::String::from("bad IPv4 header length")));
        }
        let src_ip = Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]);
        let dst_ip = Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]);
        let addrs = (checksums == Checksums::Verify).then_some((src_ip, dst_ip));
        let (repr, payload) =
            tcp_core::TcpRepr::parse(&ip[ihl..total], addrs).map_err(|e| bad(alloc::format!("{e}")))?;
        out.push(CapturedSegment {
            at_micros: micros,
            src: core::net::SocketAddrV4::new(src_ip, repr.src_port),
            dst: core::net::SocketAddrV4::new(dst_ip, repr.dst_port),
            repr,
            payload_len: payload.len(),
        });
    }
    Ok(out)
}
