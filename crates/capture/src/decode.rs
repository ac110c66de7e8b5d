//! From a captured frame to a TCP segment: the link layer (Ethernet with 802.1Q/802.1ad tags,
//! Linux cooked SLL and SLL2, raw IPv4/IPv6, BSD loopback NULL and LOOP), IPv4 (options skipped,
//! fragments counted and skipped) and IPv6 (extension headers walked), then the TCP header with
//! `tcp_core::wire`. Anything that is not TCP is counted by what it is.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use tcp_core::TcpRepr;
use tcp_core::wire::WireError;

use crate::error::ErrorKind;
use crate::file::{Frame, LinkType};

/// A TCP segment decoded from a frame.
#[derive(Clone, Debug)]
pub struct TcpPacket<'a> {
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// The TCP header.
    pub repr: TcpRepr,
    /// The payload bytes captured (fewer than `payload_len` when the snap length cut them).
    pub payload: &'a [u8],
    /// The payload's length on the wire, from the IP header.
    pub payload_len: usize,
    /// The IPv4 identification field (IPv6 has none).
    pub ip_id: Option<u16>,
}

/// Why a frame holds no TCP segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A link type this reader does not decode.
    LinkType(u32),
    /// A link-layer payload that is not IP (ARP, LLDP, ...), by EtherType.
    NotIp(u16),
    /// A fragment of a larger IP packet.
    Fragment,
    /// IP carrying another protocol (UDP 17, ICMP 1, ICMPv6 58, ...).
    Protocol(u8),
    /// Encrypted (IPsec ESP) or without a next header.
    Opaque,
    /// The frame is too short for its link or IP header.
    Short,
}

/// A TCP segment that cannot be used: its header was cut by the snap length or is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Its endpoints, when the ports were captured.
    pub endpoints: Option<(SocketAddr, SocketAddr)>,
}

/// What a frame turned out to be.
#[derive(Clone, Debug)]
pub enum Decoded<'a> {
    /// A TCP segment.
    Tcp(TcpPacket<'a>),
    /// No TCP segment: another protocol or link type, a fragment, an encrypted packet, or one
    /// too short to read (counted in [`SkipCounts`]).
    Skipped(Skip),
    /// A TCP segment that cannot be read.
    Bad(Fault),
}

/// Decodes one frame.
pub fn decode<'a>(frame: &Frame<'a>) -> Decoded<'a> {
    match network_layer(frame.link, frame.data) {
        Ok(Network::V4(ip)) => ipv4(ip),
        Ok(Network::V6(ip)) => ipv6(ip),
        Err(skip) => Decoded::Skipped(skip),
    }
}

enum Network<'a> {
    V4(&'a [u8]),
    V6(&'a [u8]),
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86DD;

/// The IP packet inside a frame of this link type.
fn network_layer(link: LinkType, data: &[u8]) -> Result<Network<'_>, Skip> {
    match link.0 {
        // LINKTYPE_NULL: the address family in the capturing host's byte order.
        0 => {
            let family = data.get(..4).ok_or(Skip::Short)?;
            let family = if family[0] != 0 {
                u32::from_le_bytes([family[0], family[1], family[2], family[3]])
            } else {
                u32::from_be_bytes([family[0], family[1], family[2], family[3]])
            };
            by_family(family, &data[4..])
        }
        // LINKTYPE_LOOP (OpenBSD): the family in network byte order.
        108 => {
            let family = data.get(..4).ok_or(Skip::Short)?;
            by_family(u32::from_be_bytes([family[0], family[1], family[2], family[3]]), &data[4..])
        }
        // LINKTYPE_ETHERNET.
        1 => {
            let ethertype = data.get(12..14).ok_or(Skip::Short)?;
            by_ethertype(u16::from_be_bytes([ethertype[0], ethertype[1]]), &data[14..])
        }
        // LINKTYPE_LINUX_SLL: the protocol type at bytes 14-15.
        113 => {
            let protocol = data.get(14..16).ok_or(Skip::Short)?;
            by_ethertype(u16::from_be_bytes([protocol[0], protocol[1]]), &data[16..])
        }
        // LINKTYPE_LINUX_SLL2: the protocol type first, a 20-byte header.
        276 => {
            let protocol = data.get(..2).ok_or(Skip::Short)?;
            by_ethertype(u16::from_be_bytes([protocol[0], protocol[1]]), data.get(20..).ok_or(Skip::Short)?)
        }
        // LINKTYPE_RAW (and DLT_RAW's values 12 and 14 on some systems): the version says which.
        101 | 12 | 14 => match data.first().map(|b| b >> 4) {
            Some(4) => Ok(Network::V4(data)),
            Some(6) => Ok(Network::V6(data)),
            Some(_) => Err(Skip::NotIp(0)),
            None => Err(Skip::Short),
        },
        228 => Ok(Network::V4(data)),
        229 => Ok(Network::V6(data)),
        other => Err(Skip::LinkType(other)),
    }
}

/// BSD address families: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28
/// (FreeBSD), 30 (macOS) or 10 (Linux).
fn by_family(family: u32, rest: &[u8]) -> Result<Network<'_>, Skip> {
    match family {
        2 => Ok(Network::V4(rest)),
        10 | 24 | 28 | 30 => Ok(Network::V6(rest)),
        other => Err(Skip::NotIp(other as u16)),
    }
}

/// Walks VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, the old QinQ 0x9100) to the IP packet.
fn by_ethertype(mut ethertype: u16, mut rest: &[u8]) -> Result<Network<'_>, Skip> {
    loop {
        match ethertype {
            ETHERTYPE_IPV4 => return Ok(Network::V4(rest)),
            ETHERTYPE_IPV6 => return Ok(Network::V6(rest)),
            0x8100 | 0x88A8 | 0x9100 => {
                let tag = rest.get(..4).ok_or(Skip::Short)?;
                ethertype = u16::from_be_bytes([tag[2], tag[3]]);
                rest = &rest[4..];
            }
            other => return Err(Skip::NotIp(other)),
        }
    }
}

const PROTO_TCP: u8 = 6;

fn ipv4(ip: &[u8]) -> Decoded<'_> {
    if ip.len() < 20 || ip[0] >> 4 != 4 {
        return Decoded::Skipped(Skip::Short);
    }
    let header_len = usize::from(ip[0] & 0x0F) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    // A zero total length is what a capture of a segmentation-offloaded packet shows.
    let total = if total == 0 { ip.len() } else { total };
    if header_len < 20 || total < header_len || ip.len() < header_len {
        return Decoded::Skipped(Skip::Short);
    }
    let fragment = u16::from_be_bytes([ip[6], ip[7]]);
    if fragment & 0x3FFF != 0 {
        return Decoded::Skipped(Skip::Fragment);
    }
    if ip[9] != PROTO_TCP {
        return Decoded::Skipped(Skip::Protocol(ip[9]));
    }
    let src = IpAddr::V4(Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]));
    // Bytes past the IP length are link-layer padding (Ethernet's minimum frame).
    let captured = &ip[header_len..total.min(ip.len())];
    let id = u16::from_be_bytes([ip[4], ip[5]]);
    tcp(src, dst, captured, total - header_len, Some(id))
}

fn ipv6(ip: &[u8]) -> Decoded<'_> {
    if ip.len() < 40 || ip[0] >> 4 != 6 {
        return Decoded::Skipped(Skip::Short);
    }
    let payload_len = usize::from(u16::from_be_bytes([ip[4], ip[5]]));
    // Zero: a jumbogram or an offloaded packet; take what was captured.
    let total = if payload_len == 0 { ip.len() } else { 40 + payload_len };
    let octets = |at: usize| {
        let mut a = [0u8; 16];
        a.copy_from_slice(&ip[at..at + 16]);
        Ipv6Addr::from(a)
    };
    let (src, dst) = (IpAddr::V6(octets(8)), IpAddr::V6(octets(24)));
    let mut next = ip[6];
    let mut at = 40;
    loop {
        match next {
            PROTO_TCP => break,
            // Hop-by-hop, routing, destination options, mobility, HIP, shim6: (len + 1) * 8.
            0 | 43 | 60 | 135 | 139 | 140 => {
                let Some(h) = ip.get(at..at + 2) else { return Decoded::Skipped(Skip::Short) };
                next = h[0];
                at += (usize::from(h[1]) + 1) * 8;
            }
            // Authentication header: (len + 2) * 4.
            51 => {
                let Some(h) = ip.get(at..at + 2) else { return Decoded::Skipped(Skip::Short) };
                next = h[0];
                at += (usize::from(h[1]) + 2) * 4;
            }
            // Fragment header: only an atomic fragment (offset 0, no more fragments) is whole.
            44 => {
                let Some(h) = ip.get(at..at + 8) else { return Decoded::Skipped(Skip::Short) };
                if u16::from_be_bytes([h[2], h[3]]) & 0xFFF9 != 0 {
                    return Decoded::Skipped(Skip::Fragment);
                }
                next = h[0];
                at += 8;
            }
            50 | 59 => return Decoded::Skipped(Skip::Opaque),
            other => return Decoded::Skipped(Skip::Protocol(other)),
        }
    }
    if at > total || at > ip.len() {
        return Decoded::Skipped(Skip::Short);
    }
    tcp(src, dst, &ip[at..total.min(ip.len())], total - at, None)
}

/// The TCP header in `captured` (the bytes the record holds of a `wire_len`-byte segment).
fn tcp(src: IpAddr, dst: IpAddr, captured: &[u8], wire_len: usize, ip_id: Option<u16>) -> Decoded<'_> {
    let endpoints = (captured.len() >= 4).then(|| {
        let port = |at: usize| u16::from_be_bytes([captured[at], captured[at + 1]]);
        (SocketAddr::new(src, port(0)), SocketAddr::new(dst, port(2)))
    });
    match TcpRepr::parse(captured, None) {
        Ok((repr, payload)) => {
            let header_len = repr.header_len();
            Decoded::Tcp(TcpPacket {
                src: SocketAddr::new(src, repr.src_port),
                dst: SocketAddr::new(dst, repr.dst_port),
                repr,
                payload,
                payload_len: wire_len.saturating_sub(header_len),
                ip_id,
            })
        }
        Err(WireError::Truncated { needed, got }) if wire_len > got => Decoded::Bad(Fault {
            kind: ErrorKind::TcpHeaderCut { captured: got as u64, needed: needed as u64 },
            endpoints,
        }),
        Err(e) => Decoded::Bad(Fault { kind: ErrorKind::BadTcpHeader { reason: format!("{e}") }, endpoints }),
    }
}

/// Counts of what was not TCP, to say what a capture held instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SkipCounts {
    /// UDP datagrams.
    pub udp: u64,
    /// ICMP and ICMPv6 messages.
    pub icmp: u64,
    /// Other IP protocols.
    pub other_ip: u64,
    /// IPv4 and IPv6 fragments: never reassembled, so a fragmented TCP segment is not read.
    pub fragments: u64,
    /// Non-IP frames (ARP, LLDP, ...).
    pub not_ip: u64,
    /// Frames of link types not decoded, with the first such type.
    pub other_link: u64,
    /// The first link type not decoded.
    pub first_link: Option<u32>,
    /// Frames too short for their headers, encrypted, or without a next header.
    pub short: u64,
    /// TCP segments whose header was cut or malformed.
    pub bad_tcp: u64,
    /// pcapng blocks that are not packets (section, interface, statistics, comments...).
    pub non_packet_blocks: u64,
}

impl SkipCounts {
    /// Counts one skipped frame.
    pub fn count(&mut self, skip: Skip) {
        match skip {
            Skip::Protocol(17) => self.udp += 1,
            Skip::Protocol(1 | 58) => self.icmp += 1,
            Skip::Protocol(_) => self.other_ip += 1,
            Skip::Fragment => self.fragments += 1,
            Skip::NotIp(_) => self.not_ip += 1,
            Skip::LinkType(t) => {
                self.other_link += 1;
                self.first_link.get_or_insert(t);
            }
            Skip::Opaque | Skip::Short => self.short += 1,
        }
    }

    /// Total frames skipped.
    pub fn total(&self) -> u64 {
        self.udp
            + self.icmp
            + self.other_ip
            + self.fragments
            + self.not_ip
            + self.other_link
            + self.short
            + self.bad_tcp
    }

    fn parts(&self) -> Vec<(u64, &'static str, &'static str)> {
        [
            (self.udp, "UDP", "UDP"),
            (self.icmp, "ICMP", "ICMP"),
            (self.other_ip, "other IP protocols", "其他 IP 协议"),
            (self.fragments, "IP fragments", "IP 分片"),
            (self.not_ip, "not IP (ARP, ...)", "非 IP（ARP 等）"),
            (self.other_link, "of a link type not read", "链路类型无法读取"),
            (self.short, "too short or encrypted", "过短或已加密"),
            (self.bad_tcp, "TCP with a cut or bad header", "TCP 首部不完整或有误"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .collect()
    }

    /// `12 UDP, 3 not IP (ARP, ...)`, or `nothing else` when empty.
    pub fn describe_en(&self) -> String {
        let parts: Vec<String> = self.parts().iter().map(|(n, en, _)| format!("{n} {en}")).collect();
        let mut text = if parts.is_empty() { String::from("none of them TCP") } else { parts.join(", ") };
        if let Some(t) = self.first_link {
            text.push_str(&format!(" (link type {t})"));
        }
        text
    }

    /// The same in Chinese.
    pub fn describe_zh(&self) -> String {
        let parts: Vec<String> = self.parts().iter().map(|(n, _, zh)| format!("{zh} {n} 个")).collect();
        let mut text = if parts.is_empty() { String::from("没有一个是 TCP") } else { parts.join("，") };
        if let Some(t) = self.first_link {
            text.push_str(&format!("（链路类型 {t}）"));
        }
        text
    }
}
