//! The files a trace is written as, one table for the CLI's `--format` and the page's export bar:
//! each [`Format`]'s name, file extension, MIME type and writer.
//!
//! A command or a page may make files of its own beside these (the CLI's `packetdrill` report,
//! `import`'s scenario; the page's PNG and scenario JSON); those are theirs.

use crate::{ViewOptions, layout, mermaid, msc, plantuml, sequencediagram, svg, tikz};
use alloc::vec::Vec;
use tcp_sim::Trace;

/// A way to write a trace.
#[derive(Clone, Copy, Debug)]
pub struct Format {
    /// What `--format` takes: `mermaid`.
    pub name: &'static str,
    /// What a file's name ends with, after a `.`: `mmd`.
    pub extension: &'static str,
    /// The file's MIME type.
    pub mime: &'static str,
    /// Not text: never written to a terminal.
    pub binary: bool,
    /// Writes the trace, as the view asks (language, numbering; the drawing at the view's width
    /// class).
    pub write: fn(&Trace, &ViewOptions) -> Vec<u8>,
}

/// The trace's text rendering, one line per event ([`Trace::to_text`]).
pub const TEXT: Format = Format {
    name: "text",
    extension: "txt",
    mime: "text/plain",
    binary: false,
    write: |trace, _| trace.to_text().into_bytes(),
};

/// The trace as JSON ([`Trace::to_json`]).
pub const JSON: Format = Format {
    name: "json",
    extension: "trace.json",
    mime: "application/json",
    binary: false,
    write: |trace, _| trace.to_json().into_bytes(),
};

/// The segments as a classic pcap capture ([`tcp_sim::pcap::to_pcap`]), for Wireshark.
pub const PCAP: Format = Format {
    name: "pcap",
    extension: "pcap",
    mime: "application/vnd.tcpdump.pcap",
    binary: true,
    write: |trace, _| tcp_sim::pcap::to_pcap(trace),
};

/// The diagram as a standalone SVG ([`svg::render`]).
pub const SVG: Format = Format {
    name: "svg",
    extension: "svg",
    mime: "image/svg+xml",
    binary: false,
    write: |trace, view| svg::render(&layout(trace, view), view).into_bytes(),
};

/// The exchange as a Mermaid `sequenceDiagram` ([`mermaid::render`]).
pub const MERMAID: Format = Format {
    name: "mermaid",
    extension: "mmd",
    mime: "text/plain",
    binary: false,
    write: |trace, view| mermaid::render(trace, view).into_bytes(),
};

/// The exchange as a PlantUML sequence diagram ([`plantuml::render`]).
pub const PLANTUML: Format = Format {
    name: "plantuml",
    extension: "puml",
    mime: "text/plain",
    binary: false,
    write: |trace, view| plantuml::render(trace, view).into_bytes(),
};

/// The exchange as an MSC for `mscgen` ([`msc::render`]).
pub const MSC: Format = Format {
    name: "msc",
    extension: "msc",
    mime: "text/plain",
    binary: false,
    write: |trace, view| msc::render(trace, view).into_bytes(),
};

/// The exchange as text for sequencediagram.org ([`sequencediagram::render`]).
pub const SEQUENCEDIAGRAM: Format = Format {
    name: "sequencediagram",
    extension: "sequencediagram.txt",
    mime: "text/plain",
    binary: false,
    write: |trace, view| sequencediagram::render(trace, view).into_bytes(),
};

/// The diagram as a standalone LaTeX document drawing it with TikZ ([`tikz::render`]), the same
/// geometry as the SVG.
pub const TIKZ: Format = Format {
    name: "tikz",
    extension: "tex",
    mime: "application/x-tex",
    binary: false,
    write: |trace, view| tikz::render(&layout(trace, view), view).into_bytes(),
};

/// Every format, in the order the CLI lists them.
pub const ALL: [Format; 9] = [TEXT, JSON, PCAP, SVG, MERMAID, PLANTUML, MSC, SEQUENCEDIAGRAM, TIKZ];

/// The format `--format name` asks for.
pub fn named(name: &str) -> Option<Format> {
    ALL.into_iter().find(|f| f.name == name)
}
