//! The `synack` binary, run as a user would.

use std::process::Command;
mod common;
use common::{stderr, stdout, synack};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn help_shows_examples() {
    let o = synack(&["--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("Examples:") && stdout(&o).contains("synack run lost-syn"));
}

#[test]
fn list_names_every_entry_in_both_languages() {
    let o = synack(&["list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.lines().count(), tcp_sim::catalogue::ENTRIES.len());
    assert!(out.contains("lost-final-ack") && out.contains("为什么要有 TIME_WAIT"));
}

#[test]
fn run_prints_a_textbook_trace() {
    let o = synack(&["run", "lost-syn"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("xx lost SYN seq=0 (dropped on purpose)"));
    // The 1 s RTO on Linux's timer wheel (4 ms ticks, 32 ms buckets at 1 s).
    assert!(out.contains("1024.000ms  client   -> server: SYN seq=0"));
    assert!(out.contains("SYN_SENT -> ESTABLISHED"));
}

#[test]
fn run_writes_a_pcap_file() {
    let path = temp("h.pcap");
    let o = synack(&["run", "handshake", "--format", "pcap", "-o", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian classic pcap magic");
    assert!(bytes.len() > 24 + 11 * 40);
}

#[test]
fn json_output_is_json() {
    let o = synack(&["run", "refused", "--format", "json"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with('{') && out.contains("\"segments\"") && out.contains("Refused"));
}

#[test]
fn show_then_check_round_trips() {
    let o = synack(&["show", "syn-flood"]);
    assert!(o.status.success());
    let path = temp("flood.toml");
    std::fs::write(&path, o.stdout).unwrap();
    let o = synack(&["check", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).ends_with(": ok\n"));
}

#[test]
fn show_json_converts_toml_files_to_the_form_the_page_opens() {
    let toml = temp("flood-for-json.toml");
    std::fs::write(&toml, synack(&["show", "syn-flood"]).stdout).unwrap();
    let o = synack(&["show", toml.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from_file = tcp_sim::Scenario::from_json(&stdout(&o)).expect("show --json prints a JSON scenario");
    let built_in = tcp_sim::catalogue::get("syn-flood").unwrap().scenario().unwrap();
    assert_eq!(from_file, built_in);
    assert_eq!(stdout(&synack(&["show", "--json", "syn-flood"])), stdout(&o));
    let o = synack(&["show", "syn-flood", "extra"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unexpected argument 'extra' found"), "{}", stderr(&o));
}

/// A command line clap rejects exits 2 with clap's message; input that is wrong exits 1.
#[test]
fn errors_are_clear_and_exit_non_zero() {
    let usage: &[(&[&str], &str)] = &[
        (&["run", "handshake", "--format", "gif"], "invalid value 'gif' for '--format <FORMAT>'"),
        (&["run"], "the following required arguments were not provided:\n  <NAME|FILE>"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["run", "handshake", "--lang", "fr"], "invalid value 'fr' for '--lang <LANG>'\n  [possible values: en, zh]"),
        (&["check"], "the following required arguments were not provided:\n  <FILE>..."),
    ];
    for (args, message) in usage {
        let o = synack(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    let o = synack(&["run", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`nope` is neither a built-in experiment"), "{}", stderr(&o));
    let bad = temp("bad.toml");
    std::fs::write(&bad, "profile = \"linux\"\nlink.loss = 2\n[[hosts]]\nname = \"a\"\naddr = \"192.0.2.1\"\n")
        .unwrap();
    let o = synack(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line 2, column 13: 2 is not a probability"), "{}", stderr(&o));
}

/// `run`, `packetdrill` and `import` take the formats of seqdiag's one table (and their own), say
/// so, and write each with its writer.
#[test]
fn formats_come_from_one_table() {
    // The command's own names first, then the table's (`text` is both packetdrill's and import's).
    let values = |own: &[&str]| {
        let shared = seqdiag::format::ALL.iter().map(|f| f.name).filter(|name| !own.contains(name));
        own.iter().copied().chain(shared).collect::<Vec<_>>().join(", ")
    };
    for (command, values) in
        [("run", values(&[])), ("packetdrill", values(&["report", "text"])), ("import", values(&["text", "scenario"]))]
    {
        let values = format!("[possible values: {values}]");
        let help = stdout(&synack(&[command, "--help"]));
        assert!(help.contains(&values), "{values} in {help}");
        let o = synack(&[command, "x", "--format", "gif"]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        assert!(
            stderr(&o).contains(&format!("invalid value 'gif' for '--format <FORMAT>'\n  {values}")),
            "{}",
            stderr(&o)
        );
    }
    let scenario = tcp_sim::catalogue::get("handshake").unwrap().scenario().unwrap();
    let trace = tcp_sim::simulate(&scenario);
    let view = seqdiag::ViewOptions { lang: bilingual::Lang::Zh, ..seqdiag::ViewOptions::default() };
    for format in seqdiag::format::ALL {
        let path = temp(&format!("handshake.{}", format.extension));
        let o = synack(&["run", "handshake", "--lang", "zh", "--format", format.name, "-o", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", format.name, stderr(&o));
        assert_eq!(std::fs::read(&path).unwrap(), (format.write)(&trace, &view), "{}", format.name);
    }
}

/// The standalone SVG is drawn by a renderer that is not a browser (librsvg, as used by many
/// desktop tools): for every built-in experiment, `rsvg-convert` makes a PNG of it.
#[test]
fn every_svg_export_renders_outside_a_browser() {
    let rsvg = "/usr/bin/rsvg-convert";
    assert!(std::path::Path::new(rsvg).exists(), "{rsvg} is missing: run `cargo xtask setup` (Debian's librsvg2-bin)");
    for entry in tcp_sim::catalogue::ENTRIES {
        for lang in ["en", "zh"] {
            let svg = synack(&["run", entry.name, "--format", "svg", "--lang", lang]);
            assert!(svg.status.success(), "{}: {}", entry.name, stderr(&svg));
            let path = temp(&format!("{}-{lang}.svg", entry.name));
            std::fs::write(&path, &svg.stdout).unwrap();
            let png = std::process::Command::new(rsvg).args(["--format", "png"]).arg(&path).output().unwrap();
            assert!(
                png.status.success(),
                "rsvg-convert rejects {}: {}",
                entry.name,
                String::from_utf8_lossy(&png.stderr)
            );
            assert!(
                png.stdout.starts_with(b"\x89PNG\r\n\x1a\n") && png.stdout.len() > 10_000,
                "{}: a blank PNG",
                entry.name
            );
        }
    }
}

#[test]
fn the_work_budget_stops_a_run_and_flags_move_it() {
    let path = temp("reconnect.toml");
    std::fs::write(
        &path,
        "[link]\ndelay_ms = 0\n[[hosts]]\nname = \"client\"\naddr = \"192.0.2.1\"\napp = [ { at_ms = 0, do = \"connect\", to = \"server\" }, { on = \"refused\", repeat = true, do = \"connect\", to = \"server\" } ]\n[[hosts]]\nname = \"server\"\naddr = \"198.51.100.1\"\n",
    )
    .unwrap();
    let o = synack(&["run", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("(stopped: reached the limit of 500 connections)\n"), "{}", stdout(&o));
    let o = synack(&["run", path.to_str().unwrap(), "--max-connections", "3"]);
    assert!(stdout(&o).ends_with("(stopped: reached the limit of 3 connections)\n"));
    assert_eq!(stdout(&o).matches("app: connect(").count(), 3);
    let o = synack(&["run", path.to_str().unwrap(), "--max-segments", "5", "--max-connections", "1000"]);
    assert!(stdout(&o).ends_with("(stopped: reached the limit of 5 segments)\n"));
    let o = synack(&["run", path.to_str().unwrap(), "--max-events", "zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'zero' for '--max-events <N>': expected a whole number above 0"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn errors_name_the_files_key_and_position() {
    let path = temp("rto.toml");
    std::fs::write(
        &path,
        "profile = \"rfc9293\"\ntcp.rto_max_ms = 500\n[[hosts]]\nname = \"c\"\naddr = \"192.0.2.1\"\n",
    )
    .unwrap();
    let o = synack(&["check", path.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("tcp.rto_max_ms: 500 ms is below the rfc9293 profile's minimum RTO"), "{}", stderr(&o));
    let path = temp("latin1.toml");
    std::fs::write(&path, b"[[hosts]]\nname = \"caf\xe9\"\naddr = \"192.0.2.1\"\n").unwrap();
    let o = synack(&["check", path.to_str().unwrap()]);
    assert!(stderr(&o).contains("latin1.toml: line 2, column 12: not UTF-8 text"), "{}", stderr(&o));
}

/// `synack run ... | head` stops reading early: the command ends quietly, with no "Broken pipe".
#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    use std::process::Stdio;
    for args in [&["run", "syn-flood"][..], &["list"][..], &["show", "syn-flood"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // Close our end of the pipe before the command writes: its writes fail with EPIPE.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("it ends");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}
