//! What can be wrong with a capture, where, in English and in Chinese.
//!
//! The library returns [`Error`]: a typed [`ErrorKind`] and, when the fault is at a place in the
//! file, the [`Location`] (record number as Wireshark counts them, from 1, and byte offset). The
//! CLI prints the English text (`Display`); the page shows [`Error::zh`] when it speaks Chinese.

use alloc::format;
use alloc::string::String;
use core::fmt;

/// Where in the file: the record (packet or block) number from 1 (0: the file header), and the
/// byte offset at which that record starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// Record number, from 1 (Wireshark's frame number for a packet record).
    pub record: u64,
    /// Byte offset of the record's first byte in the file.
    pub offset: u64,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file is empty.
    Empty,
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// The file ends inside a header or a record.
    Truncated {
        /// Bytes the header or record needs.
        needed: u64,
        /// Bytes the file still had.
        got: u64,
    },
    /// A record claims more bytes than any packet can have: the file is damaged here.
    RecordTooLong {
        /// Bytes it claims.
        claimed: u64,
        /// The most this reader accepts.
        limit: u64,
    },
    /// A pcapng block is malformed (bad length, lengths that disagree, a packet on an interface
    /// that was never described).
    BadBlock {
        /// What is wrong with it, in English.
        en: &'static str,
        /// The same in Chinese.
        zh: &'static str,
    },
    /// A pcap file header with a version this reader does not know.
    BadVersion {
        /// The major version in the file header; only 2 is read.
        major: u16,
        /// The minor version in the file header (2.4 is expected), shown but not checked.
        minor: u16,
    },
    /// The capture length cut a TCP header short (the capture's snap length is too small).
    TcpHeaderCut {
        /// Bytes of the TCP header the record holds.
        captured: u64,
        /// Bytes the header needs.
        needed: u64,
    },
    /// A TCP header that cannot be decoded.
    BadTcpHeader {
        /// Why, as `tcp_core::wire` reports it (English).
        reason: String,
    },
    /// The capture holds no TCP segment at all.
    NoTcp {
        /// Packet records read (pcap records or pcapng packet blocks), none of them TCP.
        packets: u64,
        /// What they were instead, in English (`12 UDP, 3 ARP`).
        seen_en: String,
        /// The same in Chinese.
        seen_zh: String,
    },
    /// The reader asked for a connection the capture does not hold.
    NoSuchConnection {
        /// The number asked for (from 1).
        asked: usize,
        /// How many there are.
        count: usize,
    },
}

/// A capture that cannot be read, with where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Where, when it is at a place in the file.
    pub at: Option<Location>,
}

impl Error {
    /// An error at a place in the file.
    pub(crate) fn at(kind: ErrorKind, record: u64, offset: u64) -> Error {
        Error { kind, at: Some(Location { record, offset }) }
    }

    /// An error about the whole capture.
    pub(crate) fn whole(kind: ErrorKind) -> Error {
        Error { kind, at: None }
    }

    /// The message in Chinese (terms per the project glossary).
    pub fn zh(&self) -> String {
        let what = match &self.kind {
            ErrorKind::Empty => String::from("文件是空的"),
            ErrorKind::BadMagic { found } => format!(
                "不是抓包文件：开头 4 个字节是 {}，pcap 文件应以 a1b2c3d4（或 a1b23c4d）开头，pcapng 文件应以 0a0d0d0a 开头",
                hex(found)
            ),
            ErrorKind::Truncated { needed, got } => {
                format!("文件在这里提前结束：需要 {needed} 个字节，只剩 {got} 个字节（文件被截断了）")
            }
            ErrorKind::RecordTooLong { claimed, limit } => {
                format!("记录声称有 {claimed} 个字节，超过任何数据包可能的长度（上限 {limit}）：文件在这里已损坏")
            }
            ErrorKind::BadBlock { zh, .. } => format!("pcapng 块有误：{zh}"),
            ErrorKind::BadVersion { major, minor } => format!("不认识的 pcap 版本 {major}.{minor}（应为 2.4）"),
            ErrorKind::TcpHeaderCut { captured, needed } => format!(
                "TCP 首部不完整：只抓到了 {captured} 个字节，首部需要 {needed} 个字节。抓包时的截断长度（snaplen）太小，请用更大的 -s 重新抓包"
            ),
            ErrorKind::BadTcpHeader { reason } => format!("TCP 首部无法解析（{reason}）"),
            ErrorKind::NoTcp { packets, seen_zh, .. } => {
                format!("抓包文件里没有 TCP 报文段：共 {packets} 个数据包，其中 {seen_zh}")
            }
            ErrorKind::NoSuchConnection { asked, count } => {
                format!("没有第 {asked} 个连接：这个抓包文件里有 {count} 个 TCP 连接")
            }
        };
        match self.at {
            Some(Location { record: 0, offset }) => format!("文件首部（第 {offset} 字节处）：{what}"),
            Some(at) => format!("第 {} 条记录（第 {} 字节处）：{what}", at.record, at.offset),
            None => what,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some(Location { record: 0, offset }) => write!(f, "file header (byte {offset}): ")?,
            Some(at) => write!(f, "record {} (byte {}): ", at.record, at.offset)?,
            None => {}
        }
        match &self.kind {
            ErrorKind::Empty => f.write_str("the file is empty"),
            ErrorKind::BadMagic { found } => write!(
                f,
                "not a capture file: it starts with {}, where a pcap file starts with a1b2c3d4 (or a1b23c4d) \
                 and a pcapng file with 0a0d0d0a",
                hex(found)
            ),
            ErrorKind::Truncated { needed, got } => {
                write!(f, "the file ends here: {needed} bytes are needed and only {got} remain (the file is cut short)")
            }
            ErrorKind::RecordTooLong { claimed, limit } => write!(
                f,
                "the record claims {claimed} bytes, more than any packet can have (at most {limit}): the file is damaged here"
            ),
            ErrorKind::BadBlock { en, .. } => write!(f, "bad pcapng block: {en}"),
            ErrorKind::BadVersion { major, minor } => write!(f, "unknown pcap version {major}.{minor} (expected 2.4)"),
            ErrorKind::TcpHeaderCut { captured, needed } => write!(
                f,
                "the TCP header is cut short: {captured} bytes were captured and the header needs {needed}. \
                 The capture's snap length was too small: capture again with a larger -s"
            ),
            ErrorKind::BadTcpHeader { reason } => write!(f, "the TCP header cannot be decoded ({reason})"),
            ErrorKind::NoTcp { packets, seen_en, .. } => {
                write!(f, "the capture holds no TCP segment: {packets} packets, {seen_en}")
            }
            ErrorKind::NoSuchConnection { asked, count } => {
                write!(f, "there is no connection {asked}: this capture holds {count} TCP connections")
            }
        }
    }
}

/// `Error` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for Error {}

/// Bytes as lowercase hex without separators.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
