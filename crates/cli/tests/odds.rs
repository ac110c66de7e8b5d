//! `synack odds` (many seeded runs under loss, counted) and `run --loss --seed` (one of them,
//! reopened), run as a user would.

mod common;
use common::{stdout, synack};

const OUTCOMES: [&str; 5] = ["closed", "reset", "refused", "timed-out", "left-open"];

#[test]
fn the_table_counts_every_run_once() {
    let o = synack(&["odds", "lost-final-ack", "--loss", "30", "--runs", "400"]);
    assert!(o.status.success(), "{o:?}");
    let out = stdout(&o);
    assert!(out.starts_with("lost-final-ack: 400 runs (seeds 0–399), loss 30 %"), "{out}");
    let mut total = 0;
    for name in OUTCOMES {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} line: {out}"));
        total += line.split_whitespace().nth(1).and_then(|n| n.parse::<u32>().ok()).expect("a count");
    }
    assert_eq!(total, 400, "{out}");
    // 30 % loss on lost-final-ack: more than one outcome.
    assert!(!out.contains("closed          400"), "{out}");
}

#[test]
fn json_shares_add_up_and_csv_has_a_line_per_seed() {
    let o = synack(&["odds", "handshake", "--loss", "40", "--runs", "300", "--first-seed", "1000", "-f", "json"]);
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["runs"], 300);
    assert_eq!(v["first_seed"], 1000);
    let shares: f64 = OUTCOMES.iter().map(|n| v["outcomes"][n]["share"].as_f64().expect("a share")).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{v}");
    let established = &v["times"]["established"];
    assert!(established["median_ms"].as_f64() <= established["p99_ms"].as_f64(), "{v}");

    let o = synack(&["odds", "handshake", "--loss", "40", "--runs", "300", "--first-seed", "1000", "-f", "csv"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "seed,outcome,established_ms,first_ended_ms,peer_ended_ms");
    assert_eq!(lines.len(), 301);
    for (k, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 5, "{line}");
        assert_eq!(cells[0], (1000 + k).to_string());
        assert!(OUTCOMES.contains(&cells[1]), "{line}");
    }
    // The CSV's count of each outcome is the JSON's.
    for name in OUTCOMES {
        let csv = lines[1..].iter().filter(|l| l.split(',').nth(1) == Some(name)).count();
        assert_eq!(serde_json::json!(csv), v["outcomes"][name]["runs"], "{name}");
    }
}

#[test]
fn a_listed_seed_reopens_as_the_run_it_was() {
    // `run --loss L --seed S` is the scenario file with that loss and seed written in.
    let dir = std::env::temp_dir().join(format!("synack-odds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shown = synack(&["show", "handshake"]);
    let text = stdout(&shown);
    let file = dir.join("lossy.toml");
    assert!(!text.contains("[link]"), "handshake sets no link of its own");
    let text = format!("seed = 17\n{text}\n[link]\nloss = 0.4\n");
    std::fs::write(&file, text).unwrap();
    let by_file = synack(&["run", file.to_str().unwrap()]);
    let by_flags = synack(&["run", "handshake", "--loss", "40", "--seed", "17"]);
    assert!(by_file.status.success() && by_flags.status.success(), "{by_file:?} {by_flags:?}");
    assert_eq!(stdout(&by_file), stdout(&by_flags));
    let plain = synack(&["run", "handshake"]);
    assert_ne!(stdout(&plain), stdout(&by_flags), "40 % loss changes the run");
}

#[test]
fn bad_numbers_are_usage_errors() {
    for args in [["--loss", "150"], ["--runs", "0"], ["--loss", "x"]] {
        let o = synack(&["odds", "handshake", args[0], args[1]]);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    }
}
