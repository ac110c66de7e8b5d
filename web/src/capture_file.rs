//! A real capture opened in the page (issue #13), full module only: a pcap or pcapng file the
//! reader chose is read in chunks of [`CHUNK`] (memory holds one chunk, the list of connections
//! and the chosen connection's segments), a few milliseconds of work at a time so that the tab
//! stays responsive, with progress and a way to stop; its TCP
//! connections are listed, and one is imported with the `capture` crate: the captured segments
//! with both ends' inferred states, what the capture shows, and the scenario that re-runs it.
//! The file never leaves the reader's machine.

use crate::experiment::SettingError;
use crate::slices::{Doing, SLICE_MS, Stop, in_slices, wait_for_idle, wait_for_room};
use crate::state::{Shared, now_ms};
use capture::{Collected, Collector, Import, Listing, Prepared, Scanner};
use std::cell::Cell;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

/// Bytes read from the file at a time (one `Blob.arrayBuffer()`).
const CHUNK: f64 = 1024.0 * 1024.0;

/// Bytes handed to the reader between two looks at the clock: about a millisecond of work.
const PIECE: usize = 64 * 1024;

/// Hears how far reading a capture has got.
pub type Progress<'a> = &'a dyn Fn(Doing);

/// Sendings and arrivals the observers handle between two looks at the clock.
const ITEMS_PER_LOOK: usize = 32;

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

/// Feeds all of `file` to `feed`, [`PIECE`] bytes at a time, letting the browser paint and
/// answer the reader between slices (the first [`SLICE_MS`] long, then one per idle period,
/// [`wait_for_idle`]); `progress` hears how far it has got.
/// `Ok(None)` if `stop` was set meanwhile.
async fn read_all(
    file: &File,
    mut feed: impl FnMut(&[u8]) -> Result<(), capture::Error>,
    progress: Progress<'_>,
    stop: &Cell<Stop>,
) -> Result<Option<()>, SettingError> {
    let size = file.size();
    let mut at = 0.0;
    while at < size {
        progress(Doing::Reading { read: at, size });
        let end = (at + CHUNK).min(size);
        let chunk = read(file, at, end).await?;
        let mut until = now_ms() + SLICE_MS;
        for (i, piece) in chunk.chunks(PIECE).enumerate() {
            if now_ms() >= until {
                progress(Doing::Reading { read: at + (i * PIECE) as f64, size });
                until = wait_for_idle().await;
            }
            if stop.get() != Stop::No {
                return Ok(None);
            }
            feed(piece).map_err(|e| capture_error(&e))?;
        }
        at = end;
    }
    Ok(Some(()))
}

/// Whether `file` is a capture (by its first bytes, whatever its name).
pub async fn file_is_capture(file: &File) -> bool {
    read(file, 0.0, 4.0).await.is_ok_and(|head| is_capture(&head))
}

/// Reads `file` and lists its connections; a file without any is an error. `Ok(None)` if `stop`
/// was set before it was read.
pub async fn open(
    file: File,
    progress: Progress<'_>,
    stop: &Cell<Stop>,
) -> Result<Option<Shared<OpenedCapture>>, SettingError> {
    let mut scanner = Scanner::new();
    if read_all(&file, |chunk| scanner.feed(chunk), progress, stop).await?.is_none() {
        return Ok(None);
    }
    let listing = scanner.finish().map_err(|e| capture_error(&e))?;
    Ok(Some(Shared::new(OpenedCapture { file, listing })))
}

/// Imports connection `number` (from 1) of an opened capture. `Ok(None)` if `stop` was set
/// before it was read.
pub async fn connection(
    capture: Shared<OpenedCapture>,
    number: usize,
    progress: Progress<'_>,
    stop: &Cell<Stop>,
) -> Result<Option<Shared<CapturedConnection>>, SettingError> {
    let count = capture.listing.connections.len();
    let summary = capture.listing.connections.get(number.wrapping_sub(1)).cloned().ok_or_else(|| {
        SettingError::new(
            format!("The capture has no connection {number}: it holds {count}."),
            format!("抓包文件中没有第 {number} 个连接：共有 {count} 个。"),
        )
    })?;
    let mut collector = Collector::new(summary);
    if read_all(&capture.file, |chunk| collector.feed(chunk), progress, stop).await?.is_none() {
        return Ok(None);
    }
    let collected = collector.finish().map_err(|e| capture_error(&e))?;
    progress(Doing::Inferring);
    let Some(import) = import_in_slices(&collected, stop).await else { return Ok(None) };
    Ok(Some(Shared::new(CapturedConnection { capture, number, import })))
}

/// Imports `collected` in [`Prepared`]'s stages, the observers in slices ([`in_slices`]),
/// letting the browser paint and answer the reader in between. None if `stop` was set meanwhile.
async fn import_in_slices(collected: &Collected, stop: &Cell<Stop>) -> Option<Import> {
    wait_for_idle().await;
    let prepared = Prepared::new(collected);
    let mut observing = prepared.observers();
    wait_for_idle().await;
    in_slices(stop, |until| {
        while now_ms() < until {
            if observing.step(ITEMS_PER_LOOK) {
                return Some(());
            }
        }
        None
    })
    .await?;
    let observed = observing.finish();
    wait_for_room().await;
    (stop.get() == Stop::No).then(|| prepared.finish(observed))
}

/// The connection the page shows first: the first whose handshake the capture holds, else the
/// first.
pub fn first_shown(listing: &Listing) -> usize {
    listing.connections.iter().position(|c| c.began == capture::Began::Handshake).map_or(1, |i| i + 1)
}

/// One line per connection, for the picker: `1. 10.0.0.1:40000 → 10.0.0.2:80, 11 packets,
/// 125 ms, handshake, FIN both ways` (the duration as the diagram's labels write one).
pub fn connection_line(listing: &Listing, number: usize, lang: bilingual::Lang) -> String {
    use capture::{Began, Ended};
    let Some(c) = listing.connections.get(number.wrapping_sub(1)) else { return String::new() };
    let packets = c.packets[0] + c.packets[1];
    let seconds = bilingual::duration(lang, c.duration_ns() / 1000);
    let zh = lang == bilingual::Lang::Zh;
    let began = match (c.began, zh) {
        (Began::Handshake, false) => "handshake",
        (Began::Handshake, true) => "含握手",
        (Began::SynOnly, false) => "SYN only",
        (Began::SynOnly, true) => "只有 SYN",
        (Began::MidStream, false) => "mid-stream",
        (Began::MidStream, true) => "从中途开始",
    };
    let ended = match (c.ended, zh) {
        (Ended::Fin, false) => "FIN both ways",
        (Ended::Fin, true) => "双方都发了 FIN",
        (Ended::HalfClosed, false) => "one FIN",
        (Ended::HalfClosed, true) => "只有一方发了 FIN",
        (Ended::Reset, false) => "reset",
        (Ended::Reset, true) => "被复位",
        (Ended::Open, false) => "still open",
        (Ended::Open, true) => "抓包结束时仍未关闭",
    };
    if zh {
        format!("{number}. {} → {}，{packets} 个数据包，{seconds}，{began}，{ended}", c.client, c.server)
    } else {
        format!("{number}. {} → {}, {packets} packets, {seconds}, {began}, {ended}", c.client, c.server)
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

    #[test]
    fn a_picker_line_says_how_long_and_how_each_connection_began_and_ended() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/captures/several.pcap")).unwrap();
        let listing = capture::list(&bytes).unwrap();
        let lines: Vec<String> = (1..=3).map(|n| connection_line(&listing, n, bilingual::Lang::En)).collect();
        let c = &listing.connections[0];
        let first = format!(
            "1. {} → {}, 11 packets, {}, handshake, FIN both ways",
            c.client,
            c.server,
            bilingual::duration(bilingual::Lang::En, c.duration_ns() / 1000)
        );
        assert_eq!(lines[0], first);
        assert!(lines[0].starts_with("1. 127.0.0.1:") && lines[0].contains(" ms, handshake"), "{lines:?}");
        assert!(lines[2].ends_with(", handshake, reset"), "{lines:?}");
        let zh = connection_line(&listing, 3, bilingual::Lang::Zh);
        assert!(zh.contains(" 个数据包，") && zh.contains(" 毫秒，") && zh.ends_with("，含握手，被复位"), "{zh}");
        assert_eq!(connection_line(&listing, 4, bilingual::Lang::En), "");
    }
}
