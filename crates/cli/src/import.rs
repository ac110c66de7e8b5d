//! `synack import CAPTURE [--conn N] [--format ...]`: open a real pcap or pcapng capture, list its
//! TCP connections, and draw one with both ends' inferred states, or write the scenario that
//! re-runs it.

use std::fs::File;
use std::io::Read;

use capture::{Collected, Collector, ConnSummary, Import, Listing, Scanner};

use crate::{FormatParser, Lang, Output, refuse_binary_on_terminal, write_output};

/// The formats `import` writes itself: its text view (the capture's notes, the trace and the
/// re-run's verdict) and the scenario that re-runs the capture, as TOML.
pub(crate) const OWN_FORMATS: &[&str] = &["text", "scenario"];

/// Bytes read at a time: the capture is streamed, never held whole.
const CHUNK: usize = 1 << 16;

/// Open a real pcap or pcapng capture: list its TCP connections, or draw one
///
/// Without --conn, a capture of several connections is listed. The one drawn shows both ends'
/// states as tcp-core infers them; --format scenario writes the experiment that re-runs it
/// (`synack run` loads it) and says whether the re-run reproduces the capture.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "\
Examples:
  synack run handshake --format pcap -o capture.pcap
  synack import capture.pcap
  synack import capture.pcap --conn 1 --format svg -o capture.svg
  synack import capture.pcap --conn 1 --format scenario > rerun.toml && synack run rerun.toml"
)]
pub(crate) struct Args {
    /// A pcap or pcapng file
    #[arg(value_name = "CAPTURE")]
    path: String,
    /// The connection to draw, by its number in the list
    #[arg(short, long, value_name = "N", value_parser = connection_number)]
    conn: Option<usize>,
    /// What to write
    #[arg(short, long, value_name = "FORMAT", default_value = "text", value_parser = FormatParser(OWN_FORMATS))]
    format: Output,
    /// The language of the labels and notes
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
}

/// A `--conn` value.
fn connection_number(text: &str) -> Result<usize, String> {
    text.parse().map_err(|_| "expected a connection number from the list".into())
}

/// Streams the file through `feed`, chunk by chunk.
fn stream(path: &str, mut feed: impl FnMut(&[u8]) -> Result<(), capture::Error>) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(|e| format!("cannot read {path}: {e}"))?;
        if n == 0 {
            return Ok(());
        }
        feed(&buf[..n]).map_err(|e| format!("{path}: {e}"))?;
    }
}

fn scan(path: &str) -> Result<Listing, String> {
    let mut scanner = Scanner::new();
    stream(path, |chunk| scanner.feed(chunk))?;
    scanner.finish().map_err(|e| format!("{path}: {e}"))
}

fn gather(path: &str, summary: &ConnSummary) -> Result<Collected, String> {
    let mut collector = Collector::new(summary.clone());
    stream(path, |chunk| collector.feed(chunk))?;
    collector.finish().map_err(|e| format!("{path}: {e}"))
}

pub(crate) fn run(opts: &Args) -> Result<(), String> {
    refuse_binary_on_terminal(opts.format, opts.output.as_deref())?;
    let listing = scan(&opts.path)?;
    let count = listing.connections.len();
    let number = match opts.conn {
        Some(n) if (1..=count).contains(&n) => n,
        Some(n) => {
            return Err(format!(
                "{}: there is no connection {n}: it holds {count} (see `synack import {}`)",
                opts.path, opts.path
            ));
        }
        None if count == 1 => 1,
        None => {
            print!("{}", listing_text(&opts.path, &listing));
            println!("\nPick one: synack import {} --conn N", opts.path);
            return Ok(());
        }
    };
    let collected = gather(&opts.path, &listing.connections[number - 1])?;
    let import = capture::import(&collected);
    let view = seqdiag::ViewOptions { lang: opts.lang.into(), ..seqdiag::ViewOptions::default() };
    let bytes: Vec<u8> = match opts.format {
        Output::Own("scenario") => scenario_toml(&opts.path, &import).into_bytes(),
        Output::Own(_text) => text(&opts.path, &listing, number, &import, opts.lang.into()).into_bytes(),
        Output::Shared(format) => (format.write)(&import.trace, &view),
    };
    write_output(&bytes, opts.format, opts.output.as_deref())
}

/// The connections of a capture, one line each.
fn listing_text(path: &str, listing: &Listing) -> String {
    let mut out = format!(
        "{path}: {:?}, {} packets, {} TCP segments, {} connections\n",
        listing.format,
        listing.packets,
        listing.tcp_segments,
        listing.connections.len()
    );
    if listing.skipped.total() > 0 {
        out += &format!("skipped: {}\n", listing.skipped.describe_en());
    }
    if let Some(bad) = &listing.first_bad_segment {
        out += &format!("first unreadable TCP segment: {bad}\n");
    }
    out += &format!(
        "{:>4}  {:<40} {:<40} {:>13} {:>17} {:>12}  {:<10} {}\n",
        "#", "client", "server", "segments", "bytes", "duration", "began", "ended"
    );
    for c in &listing.connections {
        let began = match c.began {
            capture::Began::Handshake => "handshake",
            capture::Began::SynOnly => "SYN only",
            capture::Began::MidStream => "mid-stream",
        };
        let ended = match c.ended {
            capture::Ended::Fin => "FIN both ways",
            capture::Ended::HalfClosed => "one FIN",
            capture::Ended::Reset => "reset",
            capture::Ended::Open => "still open",
        };
        out += &format!(
            "{:>4}  {:<40} {:<40} {:>13} {:>17} {:>9}.{:03}  {:<10} {}\n",
            c.number,
            c.client.to_string(),
            c.server.to_string(),
            format!("{}/{}", c.packets[0], c.packets[1]),
            format!("{}/{}", c.bytes[0], c.bytes[1]),
            c.duration_ns() / 1_000_000_000,
            c.duration_ns() / 1_000_000 % 1000,
            began,
            ended
        );
    }
    if listing.unlisted_segments > 0 {
        out += &format!("({} segments of further connections are not listed)\n", listing.unlisted_segments);
    }
    out
}

/// The text view: what the capture is, the notes, the trace, and whether the re-run matches.
fn text(path: &str, listing: &Listing, number: usize, import: &Import, lang: bilingual::Lang) -> String {
    let zh = lang == bilingual::Lang::Zh;
    let c = &import.summary;
    let mut out =
        format!("{path}: connection {number} of {}, {} -> {}\n", listing.connections.len(), c.client, c.server);
    out += if zh {
        "状态由 TCP 状态机推测（不是抓到的）；报文段是抓到的。\n"
    } else {
        "States are inferred by tcp-core (not captured); the segments are the captured ones.\n"
    };
    for note in &import.notes {
        let at = import.trace.events.first().map_or(0, |_| note.at.micros);
        out += &format!("  {:>9}.{:03} ms  {}\n", at / 1000, at % 1000, if zh { note.zh() } else { note.en() });
    }
    out += "\n";
    out += &import.trace.to_text();
    let (_, comparison) = capture::rerun(import);
    out += "\n";
    out += &match (&comparison.mismatch, zh) {
        (None, false) => String::from("Re-run (`--format scenario`): reproduces the capture, segment by segment.\n"),
        (None, true) => String::from("重新运行（`--format scenario`）：逐个报文段重现了抓包。\n"),
        (Some(m), false) => format!("Re-run (`--format scenario`) is an approximation here: {}\n", m.en()),
        (Some(m), true) => format!("重新运行（`--format scenario`）在这里只是近似：{}\n", m.zh()),
    };
    out
}

/// The scenario as TOML, with a header saying where it came from.
fn scenario_toml(path: &str, import: &Import) -> String {
    let (_, comparison) = capture::rerun(import);
    let verdict = match &comparison.mismatch {
        None => String::from("unchanged, it reproduces the capture segment by segment"),
        Some(m) => format!("an approximation: {}", m.en()),
    };
    format!("# Derived by `synack import {path}`: {verdict}.\n{}", import.scenario.to_toml())
}
