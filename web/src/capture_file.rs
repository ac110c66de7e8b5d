//! A real capture opened in the page (issue #13), full module only: a pcap or pcapng file the
//! reader chose is read in chunks of [`CHUNK`] (memory holds one chunk, the list of connections
//! and the chosen connection's segments; the tab stays responsive between chunks), its TCP
//! connections are listed, and one is imported with the `capture` crate: the captured segments
//! with both ends' inferred states, what the capture shows, and the scenario that re-runs it.
//! The file never leaves the reader's machine.

use crate::experiment::SettingError;
use crate::state::Shared;
use capture::{Collector, Import, Listing, Scanner};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// Bytes read at a time.
const CHUNK: f64 = 1024.0 * 1024.0;

/// A capture file the reader opened, and its connections.
#[derive(Debug)]
pub struct OpenedCapture {
    /// The file (read again, in chunks, to collect another connection).
    pub file: File,
    /// Its connections.
    pub listing: Listing,
}

/// One connection of an opened capture, imported.
#[derive(Debug)]
pub struct CapturedConnection {
    /// The file it comes from.
    pub capture: Shared<OpenedCapture>,
    /// Which connection (from 1).
    pub number: usize,
    /// The import: trace, notes, the scenario that re-runs it.
    pub import: Import,
}

/// Whether `head`, the first bytes of a file, starts a pcap (either byte order, micro- or
/// nanoseconds) or pcapng file.
pub fn is_capture(head: &[u8]) -> bool {
    matches!(
        head.get(..4),
        Some([0xa1, 0xb2, 0xc3, 0xd4] | [0xd4, 0xc3, 0xb2, 0xa1] | [0xa1, 0xb2, 0x3c, 0x4d] | [0x4d, 0x3c, 0xb2, 0xa1])
            | Some([0x0a, 0x0d, 0x0d, 0x0a])
    )
}

fn unreadable() -> SettingError {
    SettingError::new("The file could not be read.", "无法读取该文件。")
}

fn capture_error(e: &capture::Error) -> SettingError {
    SettingError::new(format!("The capture: {e}"), format!("抓包文件有误：{}", e.zh()))
}

/// Bytes `start..end` of `file`.
async fn read(file: &File, start: f64, end: f64) -> Result<Vec<u8>, SettingError> {
    let blob = file.slice_with_f64_and_f64(start, end).map_err(|_| unreadable())?;
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|_| unreadable())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Feeds all of `file` to `feed`, a chunk at a time.
async fn read_all(file: &File, mut feed: impl FnMut(&[u8]) -> Result<(), capture::Error>) -> Result<(), SettingError> {
    let size = file.size();
    let mut at = 0.0;
    while at < size {
        let end = (at + CHUNK).min(size);
        feed(&read(file, at, end).await?).map_err(|e| capture_error(&e))?;
        at = end;
    }
    Ok(())
}

/// Whether `file` is a capture (by its first bytes, whatever its name).
pub async fn file_is_capture(file: &File) -> bool {
    read(file, 0.0, 4.0).await.is_ok_and(|head| is_capture(&head))
}

/// Reads `file` and lists its connections; a file without any is an error.
pub async fn open(file: File) -> Result<Shared<OpenedCapture>, SettingError> {
    let mut scanner = Scanner::new();
    read_all(&file, |chunk| scanner.feed(chunk)).await?;
    let listing = scanner.finish().map_err(|e| capture_error(&e))?;
    if listing.connections.is_empty() {
        return Err(SettingError::new(
            format!(
                "The capture holds no TCP connection to draw ({} packets, {} TCP segments).",
                listing.packets, listing.tcp_segments
            ),
            format!(
                "抓包文件中没有可以绘制的 TCP 连接（{} 个数据包，{} 个 TCP 报文段）。",
                listing.packets, listing.tcp_segments
            ),
        ));
    }
    Ok(Shared::new(OpenedCapture { file, listing }))
}

/// Imports connection `number` (from 1) of an opened capture.
pub async fn connection(
    capture: Shared<OpenedCapture>,
    number: usize,
) -> Result<Shared<CapturedConnection>, SettingError> {
    let count = capture.listing.connections.len();
    let summary = capture.listing.connections.get(number.wrapping_sub(1)).cloned().ok_or_else(|| {
        SettingError::new(
            format!("The capture has no connection {number}: it holds {count}."),
            format!("抓包文件中没有第 {number} 个连接：共有 {count} 个。"),
        )
    })?;
    let mut collector = Collector::new(summary);
    read_all(&capture.file, |chunk| collector.feed(chunk)).await?;
    let collected = collector.finish().map_err(|e| capture_error(&e))?;
    let import = capture::import(&collected);
    Ok(Shared::new(CapturedConnection { capture, number, import }))
}

/// The connection the page shows first: the first whose handshake the capture holds, else the
/// first.
pub fn first_shown(listing: &Listing) -> usize {
    listing.connections.iter().position(|c| c.began == capture::Began::Handshake).map_or(1, |i| i + 1)
}

/// One line per connection, for the picker: `1. 10.0.0.1:40000 → 10.0.0.2:80, 11 packets`.
pub fn connection_line(listing: &Listing, number: usize, lang: seqdiag::Lang) -> String {
    let Some(c) = listing.connections.get(number.wrapping_sub(1)) else { return String::new() };
    let packets = c.packets[0] + c.packets[1];
    let how = match (c.began, lang) {
        (capture::Began::Handshake, seqdiag::Lang::En) => "handshake",
        (capture::Began::Handshake, seqdiag::Lang::Zh) => "含握手",
        (capture::Began::SynOnly, seqdiag::Lang::En) => "SYN only",
        (capture::Began::SynOnly, seqdiag::Lang::Zh) => "只有 SYN",
        (capture::Began::MidStream, seqdiag::Lang::En) => "mid-stream",
        (capture::Began::MidStream, seqdiag::Lang::Zh) => "从中途开始",
    };
    match lang {
        seqdiag::Lang::En => format!("{number}. {} → {}, {packets} packets, {how}", c.client, c.server),
        seqdiag::Lang::Zh => format!("{number}. {} → {}，{packets} 个数据包，{how}", c.client, c.server),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_told_by_their_first_bytes() {
        assert!(is_capture(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]));
        assert!(is_capture(&[0x0a, 0x0d, 0x0d, 0x0a]));
        assert!(is_capture(&[0x4d, 0x3c, 0xb2, 0xa1]));
        assert!(!is_capture(b"{\"title\""));
        assert!(!is_capture(&[0xd4, 0xc3]));
    }
}
