//! Every catalogue entry's pcap, read by the real tshark: no malformed packet, no checksum
//! complaint with checksum validation on, and the same flags and numbers as the trace.

use std::process::Command;
use tcp_sim::{catalogue, pcap, simulate};

fn tshark(args: &[&str]) -> String {
    let out = Command::new("tshark")
        .args(args)
        .output()
        .expect("tshark is installed by `cargo xtask setup` (Debian package tshark)");
    assert!(out.status.success(), "tshark {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn tshark_reads_every_export_cleanly() {
    let dir = std::env::temp_dir().join(format!("synack-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in catalogue::ENTRIES {
        let trace = simulate(&entry.scenario().unwrap());
        let path = dir.join(format!("{}.pcap", entry.name));
        std::fs::write(&path, pcap::to_pcap(&trace)).unwrap();
        let path = path.to_str().unwrap();
        let checks = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"];

        // Expert info: malformed packets and bad checksums are errors/warnings with these words.
        let mut args = vec!["-r", path, "-q", "-z", "expert"];
        args.extend_from_slice(&checks);
        let expert = tshark(&args);
        for bad in ["Malformed", "checksum", "Checksum"] {
            assert!(!expert.contains(bad), "{}: tshark says:\n{expert}", entry.name);
        }

        // Field by field, absolute numbers, against the trace.
        let mut args = vec![
            "-r",
            path,
            "-T",
            "fields",
            "-E",
            "separator=,",
            "-o",
            "tcp.relative_sequence_numbers:FALSE",
            "-e",
            "tcp.flags",
            "-e",
            "tcp.seq",
            "-e",
            "tcp.ack",
            "-e",
            "tcp.len",
            "-e",
            "tcp.checksum.status",
            "-e",
            "ip.checksum.status",
        ];
        args.extend_from_slice(&checks);
        let lines: Vec<String> = tshark(&args).lines().map(str::to_string).collect();
        assert_eq!(lines.len(), trace.segments.len(), "{}: one packet per segment", entry.name);
        for (line, s) in lines.iter().zip(&trace.segments) {
            // Checksum status 1 is "Good" (verified). Without the ACK flag our ack field is zero.
            let expected = format!(
                "0x{:04x},{},{},{},1,1",
                u16::from(s.repr.flags.0),
                s.repr.seq.0,
                s.repr.ack.0,
                s.payload.len()
            );
            assert_eq!(*line, expected, "{} ({}): tshark fields", entry.name, trace.hosts[s.from].name);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
