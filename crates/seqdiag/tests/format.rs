//! The table of formats: names the CLI can look up, and writers that are the writers.

mod common;

use bilingual::Lang;
use seqdiag::{ViewOptions, format, layout, mermaid, msc, plantuml, svg};

#[test]
fn names_and_file_names_are_unique() {
    for (i, f) in format::ALL.iter().enumerate() {
        assert!(format::ALL[..i].iter().all(|g| g.name != f.name && g.extension != f.extension), "{f:?}");
        assert_eq!(format::named(f.name).map(|g| g.name), Some(f.name));
    }
    assert!(format::named("gif").is_none());
    assert!(format::named("").is_none());
}

#[test]
fn each_writes_what_its_writer_writes() {
    let trace = common::trace("lost-syn");
    let view = ViewOptions { lang: Lang::Zh, relative: false, ..ViewOptions::default() };
    let write = |f: format::Format| (f.write)(&trace, &view);
    assert_eq!(write(format::TEXT), trace.to_text().into_bytes());
    assert_eq!(write(format::JSON), trace.to_json().into_bytes());
    assert_eq!(write(format::PCAP), tcp_sim::pcap::to_pcap(&trace));
    assert_eq!(write(format::SVG), svg::render(&layout(&trace, &view), &view).into_bytes());
    assert_eq!(write(format::MERMAID), mermaid::render(&trace, &view).into_bytes());
    assert_eq!(write(format::PLANTUML), plantuml::render(&trace, &view).into_bytes());
    assert_eq!(write(format::MSC), msc::render(&trace, &view).into_bytes());
    for f in format::ALL {
        assert_eq!(String::from_utf8(write(f)).is_err(), f.binary, "{}", f.name);
    }
}
