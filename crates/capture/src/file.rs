//! The file formats: classic pcap (micro- and nanosecond, both byte orders, and the modified
//! "Kuznetsov" variant) and pcapng (sections, several interfaces each with its own link type and
//! timestamp resolution; comments, statistics and unknown blocks skipped).
//!
//! [`FileReader`] is a push parser: feed it the file in chunks of any size and it hands out each
//! captured frame as soon as its record is complete. It keeps at most one incomplete record
//! between calls, so memory stays bounded by the largest record (16 MiB at most) plus a chunk.

use alloc::vec::Vec;

use crate::error::{Error, ErrorKind};

/// The largest record accepted. Wireshark's own limit for ordinary link types is 256 KiB; this
/// leaves room for large pcapng blocks and still bounds memory.
pub const MAX_RECORD: u64 = 16 * 1024 * 1024;

/// A link-layer header type (`LINKTYPE_*` from tcpdump.org's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

/// One captured frame, borrowed from the reader's buffer.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Its record number, from 1, counting every pcap record or pcapng block.
    pub record: u64,
    /// Byte offset of its record in the file.
    pub offset: u64,
    /// Capture time, nanoseconds since the Unix epoch.
    pub time_ns: u64,
    /// The link layer of its interface.
    pub link: LinkType,
    /// Its interface (pcapng), 0 for pcap.
    pub interface: u32,
    /// The bytes captured (perhaps fewer than the packet had).
    pub data: &'a [u8],
    /// The packet's length on the wire.
    pub wire_len: u32,
}

/// Timestamp units of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resolution {
    /// 10^-n seconds.
    Decimal(u8),
    /// 2^-n seconds.
    Binary(u8),
}

impl Resolution {
    fn to_nanos(self, ticks: u64) -> u64 {
        let ns: u128 = match self {
            Resolution::Decimal(n) if n <= 9 => u128::from(ticks) * 10u128.pow(u32::from(9 - n)),
            Resolution::Decimal(n) => u128::from(ticks) / 10u128.pow(u32::from(n.min(38) - 9)),
            Resolution::Binary(n) => (u128::from(ticks) * 1_000_000_000) >> n.min(127),
        };
        u64::try_from(ns).unwrap_or(u64::MAX)
    }
}

#[derive(Clone, Copy, Debug)]
struct Interface {
    link: LinkType,
    resolution: Resolution,
    /// `if_tsoffset`: seconds added to every timestamp.
    offset_s: i64,
}

#[derive(Clone, Debug)]
enum Format {
    /// Not yet known: fewer than four bytes seen.
    Unknown,
    /// Classic pcap: its byte order, whether timestamps count nanoseconds, its one link type, and
    /// the length of a record header (16 bytes, 24 in Kuznetsov's modified pcap).
    Pcap { little: bool, nanos: bool, link: LinkType, record_header: usize },
    /// pcapng, inside a section with this byte order.
    PcapNg { little: bool, interfaces: Vec<Interface> },
}

/// Which format the file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Classic pcap, including its nanosecond and Kuznetsov variants.
    Pcap,
    /// pcapng, whose interfaces may each have their own link type and timestamp resolution.
    PcapNg,
}

/// The push parser. See the module documentation.
#[derive(Debug)]
pub struct FileReader {
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    base: u64,
    format: Format,
    /// Records (pcap records or pcapng blocks) read so far.
    records: u64,
}

impl Default for FileReader {
    fn default() -> Self {
        FileReader::new()
    }
}

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const PCAPNG_BOM: u32 = 0x1A2B_3C4D;

/// What the parser could do with the bytes at the front of its buffer.
enum Step {
    /// It needs this many bytes in all before it can go on.
    Need(u64),
    /// It used this many bytes.
    Used(usize),
}

impl FileReader {
    /// A reader waiting for the first bytes of a file.
    pub fn new() -> FileReader {
        FileReader { buf: Vec::new(), base: 0, format: Format::Unknown, records: 0 }
    }

    /// Bytes fed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// Bytes held between calls: at most one incomplete record.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The format, once the first bytes are known.
    pub fn format(&self) -> Option<FileFormat> {
        match self.format {
            Format::Unknown => None,
            Format::Pcap { .. } => Some(FileFormat::Pcap),
            Format::PcapNg { .. } => Some(FileFormat::PcapNg),
        }
    }

    /// Reads the next `chunk` of the file, calling `on_frame` for every frame completed.
    pub fn feed(&mut self, chunk: &[u8], on_frame: &mut dyn FnMut(Frame<'_>)) -> Result<(), Error> {
        self.buf.extend_from_slice(chunk);
        let mut pos = 0;
        let result = loop {
            match self.step(pos, on_frame) {
                Ok(Step::Used(n)) => pos += n,
                Ok(Step::Need(_)) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.buf.drain(..pos);
        self.base += pos as u64;
        result
    }

    /// The file has ended: an incomplete record left over is an error.
    pub fn finish(&self) -> Result<FileFormat, Error> {
        if self.bytes_read() == 0 {
            return Err(Error::whole(ErrorKind::Empty));
        }
        let got = self.buf.len() as u64;
        if got > 0 {
            let needed = self.peek_need()?;
            let kind = ErrorKind::Truncated { needed, got };
            return Err(Error::at(kind, self.records + 1, self.base));
        }
        self.format().ok_or(Error::whole(ErrorKind::Truncated { needed: 4, got: 0 }))
    }

    /// How many bytes the record at the front needs, to name it in a truncation error.
    fn peek_need(&self) -> Result<u64, Error> {
        let mut scratch = FileReader { buf: self.buf.clone(), ..FileReader::new() };
        scratch.format = self.format.clone();
        scratch.base = self.base;
        scratch.records = self.records;
        match scratch.step(0, &mut |_| {})? {
            Step::Need(n) => Ok(n),
            Step::Used(_) => Ok(self.buf.len() as u64),
        }
    }

    fn step(&mut self, pos: usize, on_frame: &mut dyn FnMut(Frame<'_>)) -> Result<Step, Error> {
        let rest = &self.buf[pos..];
        let offset = self.base + pos as u64;
        match &self.format {
            Format::Unknown => self.read_magic(pos),
            Format::Pcap { little, nanos, link, record_header } => {
                let (little, nanos, link, header) = (*little, *nanos, *link, *record_header);
                let Some(head) = rest.get(..header) else { return Ok(Step::Need(header as u64)) };
                let u32_at = |i: usize| read_u32(head, i, little);
                let (sec, frac, incl, orig) = (u32_at(0), u32_at(4), u32_at(8), u32_at(12));
                let record = self.records + 1;
                if u64::from(incl) > MAX_RECORD {
                    let kind = ErrorKind::RecordTooLong { claimed: u64::from(incl), limit: MAX_RECORD };
                    return Err(Error::at(kind, record, offset));
                }
                let total = header + incl as usize;
                let Some(data) = rest.get(header..total) else { return Ok(Step::Need(total as u64)) };
                self.records = record;
                let time_ns = u64::from(sec) * 1_000_000_000 + u64::from(frac) * if nanos { 1 } else { 1000 };
                on_frame(Frame { record, offset, time_ns, link, interface: 0, data, wire_len: orig });
                Ok(Step::Used(total))
            }
            Format::PcapNg { little, .. } => {
                let little = *little;
                let Some(head) = rest.get(..8) else { return Ok(Step::Need(8)) };
                let kind = read_u32(head, 0, true);
                if kind.swap_bytes() == PCAPNG_SHB || kind == PCAPNG_SHB {
                    // A new section may change the byte order: read it afresh.
                    return self.read_section_header(pos);
                }
                let len = read_u32(head, 4, little);
                let record = self.records + 1;
                let len = check_block_len(len, record, offset)?;
                let Some(block) = rest.get(..len) else { return Ok(Step::Need(len as u64)) };
                if read_u32(block, len - 4, little) != read_u32(block, 4, little) {
                    return Err(bad_block(
                        record,
                        offset,
                        "the length at its end differs from the length at its start",
                        "块末尾的长度与开头的长度不一致",
                    ));
                }
                self.records = record;
                let block_type = read_u32(block, 0, little);
                let body = &block[8..len - 4];
                read_block(&mut self.format, block_type, body, record, offset, on_frame)?;
                Ok(Step::Used(len))
            }
        }
    }

    fn read_magic(&mut self, pos: usize) -> Result<Step, Error> {
        let rest = &self.buf[pos..];
        let Some(magic) = rest.get(..4) else { return Ok(Step::Need(4)) };
        let magic: [u8; 4] = [magic[0], magic[1], magic[2], magic[3]];
        let (little, nanos, record_header) = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] => (true, false, 16),
            [0xa1, 0xb2, 0xc3, 0xd4] => (false, false, 16),
            [0x4d, 0x3c, 0xb2, 0xa1] => (true, true, 16),
            [0xa1, 0xb2, 0x3c, 0x4d] => (false, true, 16),
            // Alexey Kuznetsov's modified pcap: 8 more bytes per record header.
            [0x34, 0xcd, 0xb2, 0xa1] => (true, false, 24),
            [0xa1, 0xb2, 0xcd, 0x34] => (false, false, 24),
            [0x0a, 0x0d, 0x0d, 0x0a] => return self.read_section_header(pos),
            found => return Err(Error::at(ErrorKind::BadMagic { found }, 0, 0)),
        };
        let Some(header) = rest.get(..24) else { return Ok(Step::Need(24)) };
        let (major, minor) = (read_u16(header, 4, little), read_u16(header, 6, little));
        if major != 2 {
            return Err(Error::at(ErrorKind::BadVersion { major, minor }, 0, 0));
        }
        // The top bits of the link-type field carry the FCS length; the type is the low 16 bits.
        let link = LinkType(read_u32(header, 20, little) & 0xFFFF);
        self.format = Format::Pcap { little, nanos, link, record_header };
        Ok(Step::Used(24))
    }

    fn read_section_header(&mut self, pos: usize) -> Result<Step, Error> {
        let rest = &self.buf[pos..];
        let offset = self.base + pos as u64;
        let record = self.records + 1;
        let Some(head) = rest.get(..12) else { return Ok(Step::Need(12)) };
        let little = match read_u32(head, 8, true) {
            PCAPNG_BOM => true,
            bom if bom.swap_bytes() == PCAPNG_BOM => false,
            _ => {
                return Err(bad_block(
                    record,
                    offset,
                    "the section header's byte-order magic is not 1a2b3c4d",
                    "节首部块的字节序标记不是 1a2b3c4d",
                ));
            }
        };
        let len = check_block_len(read_u32(head, 4, little), record, offset)?;
        if len < 28 {
            return Err(bad_block(
                record,
                offset,
                "a section header block is at least 28 bytes",
                "节首部块至少 28 个字节",
            ));
        }
        let Some(block) = rest.get(..len) else { return Ok(Step::Need(len as u64)) };
        if read_u32(block, len - 4, little) != len as u32 {
            return Err(bad_block(
                record,
                offset,
                "the length at its end differs from the length at its start",
                "块末尾的长度与开头的长度不一致",
            ));
        }
        let major = read_u16(block, 12, little);
        if major != 1 {
            return Err(bad_block(record, offset, "pcapng major version is not 1", "pcapng 主版本号不是 1"));
        }
        self.records = record;
        self.format = Format::PcapNg { little, interfaces: Vec::new() };
        Ok(Step::Used(len))
    }
}

/// Reads one pcapng block other than a section header.
fn read_block(
    format: &mut Format,
    block_type: u32,
    body: &[u8],
    record: u64,
    offset: u64,
    on_frame: &mut dyn FnMut(Frame<'_>),
) -> Result<(), Error> {
    let Format::PcapNg { little, interfaces } = format else { return Ok(()) };
    let little = *little;
    let too_short = || bad_block(record, offset, "the block is too short for its fields", "块太短，放不下它的字段");
    match block_type {
        // Interface Description Block.
        1 => {
            if body.len() < 8 {
                return Err(too_short());
            }
            let link = LinkType(u32::from(read_u16(body, 0, little)));
            let mut interface = Interface { link, resolution: Resolution::Decimal(6), offset_s: 0 };
            for (code, value) in options(&body[8..], little) {
                match (code, value) {
                    (9, [r, ..]) => {
                        interface.resolution =
                            if r & 0x80 == 0 { Resolution::Decimal(*r) } else { Resolution::Binary(r & 0x7F) }
                    }
                    (14, v) if v.len() >= 8 => interface.offset_s = read_u64(v, 0, little) as i64,
                    _ => {}
                }
            }
            interfaces.push(interface);
        }
        // Enhanced Packet Block and the obsolete Packet Block.
        6 | 2 => {
            if body.len() < 20 {
                return Err(too_short());
            }
            let id = if block_type == 6 { read_u32(body, 0, little) } else { u32::from(read_u16(body, 0, little)) };
            let ticks = (u64::from(read_u32(body, 4, little)) << 32) | u64::from(read_u32(body, 8, little));
            let captured = read_u32(body, 12, little) as usize;
            let wire_len = read_u32(body, 16, little);
            let Some(data) = body.get(20..20usize.saturating_add(captured)) else {
                return Err(bad_block(
                    record,
                    offset,
                    "its captured length runs past the end of the block",
                    "块中的抓取长度超出了块的末尾",
                ));
            };
            let Some(interface) = interfaces.get(id as usize) else {
                return Err(bad_block(
                    record,
                    offset,
                    "the packet names an interface no block described",
                    "数据包引用了一个没有描述过的接口",
                ));
            };
            let ns = interface.resolution.to_nanos(ticks);
            let time_ns = ns.saturating_add_signed(interface.offset_s.saturating_mul(1_000_000_000));
            on_frame(Frame { record, offset, time_ns, link: interface.link, interface: id, data, wire_len });
        }
        // Simple Packet Blocks carry no timestamp, name resolution, statistics, custom blocks,
        // decryption secrets and anything unknown: skipped.
        _ => {}
    }
    Ok(())
}

/// A pcapng block length, checked: at least 12, a multiple of 4, at most [`MAX_RECORD`].
fn check_block_len(len: u32, record: u64, offset: u64) -> Result<usize, Error> {
    if u64::from(len) > MAX_RECORD {
        return Err(Error::at(ErrorKind::RecordTooLong { claimed: u64::from(len), limit: MAX_RECORD }, record, offset));
    }
    if len < 12 || !len.is_multiple_of(4) {
        return Err(bad_block(
            record,
            offset,
            "its length is not a multiple of 4 of at least 12 bytes",
            "块长度不是不小于 12 的 4 的倍数",
        ));
    }
    Ok(len as usize)
}

fn bad_block(record: u64, offset: u64, en: &'static str, zh: &'static str) -> Error {
    Error::at(ErrorKind::BadBlock { en, zh }, record, offset)
}

/// The options of a pcapng block: (code, value) until `opt_endofopt` or the end.
fn options(mut bytes: &[u8], little: bool) -> impl Iterator<Item = (u16, &[u8])> {
    core::iter::from_fn(move || {
        if bytes.len() < 4 {
            return None;
        }
        let code = read_u16(bytes, 0, little);
        let len = usize::from(read_u16(bytes, 2, little));
        if code == 0 {
            return None;
        }
        let value = bytes.get(4..4 + len)?;
        bytes = bytes.get(4 + len.next_multiple_of(4)..).unwrap_or(&[]);
        Some((code, value))
    })
}

fn read_u16(b: &[u8], at: usize, little: bool) -> u16 {
    let v = [b[at], b[at + 1]];
    if little { u16::from_le_bytes(v) } else { u16::from_be_bytes(v) }
}

fn read_u32(b: &[u8], at: usize, little: bool) -> u32 {
    let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if little { u32::from_le_bytes(v) } else { u32::from_be_bytes(v) }
}

fn read_u64(b: &[u8], at: usize, little: bool) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    if little { u64::from_le_bytes(v) } else { u64::from_be_bytes(v) }
}

#[cfg(test)]
mod tests {
    use super::Resolution;

    #[test]
    fn resolutions() {
        assert_eq!(Resolution::Decimal(6).to_nanos(1_500_000), 1_500_000_000);
        assert_eq!(Resolution::Decimal(9).to_nanos(7), 7);
        assert_eq!(Resolution::Decimal(12).to_nanos(7_000), 7);
        assert_eq!(Resolution::Binary(10).to_nanos(1024), 1_000_000_000);
    }
}
