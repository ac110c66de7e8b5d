//! Readers can open their own scenario in the page, so every stage must cope with any valid one.
//! This generates 1,500 random scenarios (2–3 hosts, random scripts, profiles, delays,
//! loss and faults), keeps those the scenario checks accept, and runs each through the page's
//! whole path: simulate, lay out, split into steps, narrate every step in both languages, and
//! render the SVG and Mermaid. Nothing may panic, and every step that shows something (a segment,
//! a state change, a rejection) gets the same number of paragraphs in both languages.

mod common;

use narration::{Lang, headline, narrate};
use seqdiag::ViewOptions;
use tcp_sim::{Scenario, simulate};

/// A small deterministic generator (64-bit LCG; the high bits are the output).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const HOSTS: [&str; 3] = ["client", "server", "third"];
const TRIGGERS: [&str; 8] = ["connected", "accepted", "data", "eof", "reset", "refused", "timeout", "closed"];
const ACTIONS: [&str; 4] = ["send", "close", "shutdown", "abort"];
const KINDS: [&str; 6] = ["syn", "syn-ack", "ack", "data", "fin", "rst"];
const FAULT_ACTIONS: [&str; 3] = ["drop", "delay", "duplicate"];

/// One random scenario, as the JSON a reader could open.
fn scenario(rng: &mut Rng) -> String {
    let hosts = 2 + rng.below(2) as usize;
    let mut host_json = Vec::new();
    for h in 0..hosts {
        let mut rules = Vec::new();
        // Usually a listener and a connector, sometimes neither or both.
        if h != 0 && rng.below(5) != 0 {
            rules.push(format!(r#"{{ "at_ms": {}, "do": "listen" }}"#, rng.below(50)));
        }
        if h != 1 && rng.below(5) != 0 {
            let to = HOSTS[(h + 1 + rng.below(hosts as u64 - 1) as usize) % hosts];
            rules.push(format!(r#"{{ "at_ms": {}, "do": "connect", "to": "{to}" }}"#, rng.below(200)));
        }
        for _ in 0..rng.below(5) {
            let action = rng.pick(&ACTIONS);
            let extra = if action == "send" { format!(r#", "bytes": {}"#, 1 + rng.below(3000)) } else { String::new() };
            let when = if rng.below(4) == 0 {
                format!(r#""at_ms": {}"#, rng.below(3000))
            } else {
                format!(r#""on": "{}", "after_ms": {}"#, rng.pick(&TRIGGERS), rng.below(300))
            };
            rules.push(format!(r#"{{ {when}, "do": "{action}"{extra} }}"#));
        }
        let isn = if rng.below(2) == 0 { r#""random""# } else { "1000" };
        host_json.push(format!(
            r#"{{ "name": "{}", "addr": "192.0.2.{}", "isn": {isn}, "app": [{}] }}"#,
            HOSTS[h],
            h + 1,
            rules.join(", ")
        ));
    }
    let mut faults = Vec::new();
    for _ in 0..rng.below(4) {
        let action = rng.pick(&FAULT_ACTIONS);
        let delay = if action == "drop" { String::new() } else { format!(r#", "delay_ms": {}"#, rng.below(2000)) };
        faults.push(format!(
            r#"{{ "from": "{}", "kind": "{}", "nth": {}, "action": "{action}"{delay} }}"#,
            HOSTS[rng.below(hosts as u64) as usize],
            rng.pick(&KINDS),
            1 + rng.below(3)
        ));
    }
    format!(
        r#"{{ "title": {{ "en": "Random", "zh": "随机" }}, "narration": {{ "en": "Random.", "zh": "随机。" }},
            "profile": "{}", "seed": {}, "until_ms": {},
            "link": {{ "delay_ms": {}, "loss": {} }},
            "tcp": {{ "initial_rto_ms": {}, "msl_ms": {}, "syn_retries": {} }},
            "hosts": [{}], "faults": [{}] }}"#,
        rng.pick(&["rfc9293", "linux", "freebsd", "windows"]),
        rng.next(),
        10_000 + rng.below(200_000),
        rng.below(300),
        [0.0, 0.0, 0.1, 0.3][rng.below(4) as usize],
        1 + rng.below(2000),
        1000 * (1 + rng.below(30)),
        rng.below(4),
        host_json.join(", "),
        faults.join(", ")
    )
}

#[test]
fn any_valid_scenario_goes_through_the_whole_path() {
    let mut rng = Rng(0x5eed);
    let (mut valid, mut steps_seen) = (0, 0);
    for n in 0..1500 {
        let json = scenario(&mut rng);
        let Ok(scenario) = Scenario::from_json(&json) else { continue };
        valid += 1;
        let trace = simulate(&scenario);
        for lang in [Lang::En, Lang::Zh] {
            let view = ViewOptions { lang, ..ViewOptions::default() };
            let diagram = seqdiag::layout(&trace, &view);
            assert!(seqdiag::svg::render(&diagram, &view).ends_with("</svg>\n"), "scenario {n}: {json}");
            assert!(seqdiag::mermaid::render(&trace, &view).starts_with("sequenceDiagram"));
        }
        for (k, events) in common::steps(&trace).iter().enumerate() {
            steps_seen += 1;
            let shown = common::shows_something(&trace, events);
            let en = narrate(&trace, events, Lang::En, true);
            let zh = narrate(&trace, events, Lang::Zh, false);
            let _ = (headline(&trace, events, Lang::En, false), headline(&trace, events, Lang::Zh, true));
            assert_eq!(en.len(), zh.len(), "scenario {n} step {k}: {en:#?} vs {zh:#?}\n{json}");
            if shown {
                assert!(!en.is_empty(), "scenario {n} step {k}: no narration for {events:?}\n{json}");
            }
        }
    }
    assert!(valid >= 1000, "only {valid} of 1500 random scenarios were valid: the generator needs fixing");
    assert!(steps_seen > 10_000, "only {steps_seen} steps narrated");
}
