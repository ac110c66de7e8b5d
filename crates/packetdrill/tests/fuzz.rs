//! Mutated scripts never make the parser or the runner panic, and every error names a line of
//! the script. The seeds are FreeBSD's suite and a few scripts of our own; mutations delete,
//! insert, duplicate and swap text, and put extreme numbers where numbers were.
//!
//! Deterministic: the proptest seed is fixed unless `PROPTEST_RNG_SEED` is set; 512 cases
//! unless `PROPTEST_CASES` says otherwise.

use packetdrill::{Outcome, Profile, RunOptions, parse, run};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use std::sync::OnceLock;

mod common;

/// Our own seeds: every kind of line the runner knows, and a few it does not.
const OWN: &[&str] = &[
    "--tolerance_usecs=10000\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n\
     +0.1 < S 0:0(0) win 32767 <mss 1460,sackOK,nop,nop,TS val 1 ecr 0,nop,wscale 7>\n+0 > S. 0:0(0) ack 1 <...>\n\
     +0.1 < . 1:1(0) ack 1 win 32767\n+0 accept(3, ..., ...) = 4\n+0 write(4, ..., 100) = 100\n\
     +0 > P. 1:101(100) ack 1 win 4096\n+0.1~+0.2 < P. 1:11(10) ack 101 win 32767 <sack 1:2>\n*  > . 101:101(0) ack 11 <...>\n",
    "0 `sysctl -w net.inet.tcp.msl=100`\n#ifdef FreeBSD\n+0 %{ assert tcpi_state == TCPI_CLOSED }%\n#else\n/* c\ncomment */\n#endif\n\
     1.0...2.0 connect(3, ..., ...) = 0\n+0 `sockstat -4 -P tcp -s -p 8080 | grep -c SYN_RCVD | grep 0`\n",
];

fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<String> = OWN.iter().map(|s| s.to_string()).collect();
        seeds.extend(common::scripts().into_iter().map(|(_, text)| text));
        seeds
    })
}

/// One edit of a script, applied at a position given as a fraction of its length.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: f64, len: usize },
    Insert { at: f64, text: String },
    DuplicateLine { at: f64 },
    SwapLines { a: f64, b: f64 },
    ExtremeNumber { at: f64, number: &'static str },
    Truncate { at: f64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pieces = prop::sample::select(vec![
        "+",
        "-",
        ".",
        ":",
        "(",
        ")",
        "<",
        ">",
        "[",
        "]",
        "{",
        "}",
        "%{",
        "}%",
        "`",
        "\"",
        "#ifdef X\n",
        "#else\n",
        "#endif\n",
        "/*",
        "*/",
        "//",
        "*",
        "~",
        ",",
        "|",
        "=",
        "...",
        "\n",
        " ",
        "0",
        "9",
        "S",
        "F.",
        "R",
        "ack",
        "win",
        "mss",
        "TS val",
        "é",
        "\u{FFFF}",
        "\0",
        "\t",
        "--mtu=",
        "sysctl -w ",
        "sockstat",
        "grep -c ",
        "%{ assert tcpi_state == TCPI_X }%",
    ]);
    let numbers = prop::sample::select(vec![
        "4294967296",
        "99999999999999999999",
        "-1",
        "0x",
        "1.0000001",
        "65535",
        "18446744073709551615",
    ]);
    prop_oneof![
        (0.0..1.0f64, 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (0.0..1.0f64, pieces).prop_map(|(at, p)| Mutation::Insert { at, text: p.to_string() }),
        (0.0..1.0f64).prop_map(|at| Mutation::DuplicateLine { at }),
        (0.0..1.0f64, 0.0..1.0f64).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        (0.0..1.0f64, numbers).prop_map(|(at, number)| Mutation::ExtremeNumber { at, number }),
        (0.0..1.0f64).prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn index(len: usize, at: f64) -> usize {
    ((len as f64 * at) as usize).min(len)
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    match m {
        Mutation::Delete { at, len } => {
            let i = index(chars.len(), *at);
            let end = (i + len).min(chars.len());
            chars.drain(i..end);
        }
        Mutation::Insert { at, text } => {
            let i = index(chars.len(), *at);
            chars.splice(i..i, text.chars());
        }
        Mutation::Truncate { at } => chars.truncate(index(chars.len(), *at)),
        Mutation::ExtremeNumber { at, number } => {
            let i = index(chars.len(), *at);
            if let Some(start) = (i..chars.len()).find(|&j| chars[j].is_ascii_digit()) {
                let end = (start..chars.len()).find(|&j| !chars[j].is_ascii_digit()).unwrap_or(chars.len());
                chars.splice(start..end, number.chars());
            }
        }
        Mutation::DuplicateLine { at } | Mutation::SwapLines { a: at, .. } => {
            let mut lines: Vec<&str> = text.split('\n').collect();
            let i = index(lines.len().saturating_sub(1), *at);
            if let Mutation::SwapLines { b, .. } = m {
                let j = index(lines.len().saturating_sub(1), *b);
                lines.swap(i, j);
            } else {
                let line = lines[i];
                lines.insert(i, line);
            }
            return lines.join("\n");
        }
    }
    chars.into_iter().collect()
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512);
    let seed = std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x7061_636b);
    ProptestConfig { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scripts_get_errors_that_name_a_line(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let seeds = seeds();
        let mut text = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        let lines = text.split('\n').count() as u32;
        if let Err(e) = parse(&text, &|s| s == "FreeBSD") {
            prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}: {e}", e.line);
        }
        let r = run(&text, &RunOptions::new(Profile::Freebsd));
        let line = match &r.outcome {
            Outcome::Malformed(e) => Some(e.line),
            Outcome::CannotExpress { line, .. } if *line > 0 => Some(*line),
            Outcome::Fail(d) => Some(d.line),
            _ => None,
        };
        if let Some(line) = line {
            prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}: {}", r.summary());
        }
        prop_assert_eq!(r.verdicts.len(), r.trace.segments.len());
    }
}
