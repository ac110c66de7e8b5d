//! The `[tcp]` table: the README's scenario example is one this version reads and lists every key,
//! and a key that only a profile could set before changes a run from a file.

use tcp_sim::Scenario;
use tcp_sim::scenario::Tcp;
use tcp_sim::trace::HostId;

/// The first TOML block under "## Scenario files".
fn example() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let section = readme.split("## Scenario files").nth(1).expect("the README's scenario section");
    let block = section.split("```toml\n").nth(1).expect("a TOML example in it");
    block.split("\n```").next().expect("the block's end").to_string()
}

#[test]
fn the_readme_example_reads_and_names_every_tcp_key() {
    let text = example();
    let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("the README's example: {e}"));
    let documented = |key: &str| text.lines().any(|line| line.split('=').next().map(str::trim) == Some(key));
    let missing: Vec<&str> = Tcp::KEYS.iter().copied().filter(|key| !documented(key)).collect();
    assert!(missing.is_empty(), "[tcp] keys the README does not list: {missing:?}");
    assert_eq!(scenario.tcp.values().len(), Tcp::KEYS.len(), "the example sets every key once");
}

/// The client connects and closes 100 ms later; the server only acknowledges (rfc9293, which ACKs
/// a FIN at once), with `extra` added to the server's `tcp` table.
fn close_with(extra: &str) -> Scenario {
    Scenario::parse(&format!(
        r#"
profile = "rfc9293"
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{{ at_ms = 0, do = "connect", to = "server" }}, {{ on = "connected", after_ms = 100, do = "close" }}]
[[hosts]]
name = "server"
addr = "198.51.100.1"
tcp = {{ {extra} }}
app = [{{ at_ms = 0, do = "listen" }}]
"#
    ))
    .expect("the scenario reads")
}

/// How long the server took to acknowledge the client's FIN, in microseconds.
fn fin_ack_delay(s: &Scenario) -> u64 {
    let t = tcp_sim::simulate(s);
    let fin = t
        .segments
        .iter()
        .find(|seg| seg.from == HostId(0) && seg.repr.flags.contains(tcp_core::Flags::FIN))
        .expect("a FIN");
    let arrived = fin.delivered_at().expect("it arrived");
    let ack =
        t.segments.iter().find(|seg| seg.from == HostId(1) && seg.sent_at >= arrived).expect("the server answers");
    ack.sent_at.saturating_since(arrived).as_micros() as u64
}

/// A key only a profile set before this version, `ack_fin_at_once`, now changes a run from a
/// file: the FIN's ACK waits for the delayed-ACK timer (rfc9293's 200 ms), as Linux's does.
#[test]
fn a_stack_behaviour_key_changes_the_run() {
    assert_eq!(fin_ack_delay(&close_with("")), 0);
    assert_eq!(fin_ack_delay(&close_with("ack_fin_at_once = false")), 200_000);
    assert_eq!(fin_ack_delay(&close_with("ack_fin_at_once = false, delayed_ack_ms = 40")), 40_000);
    let err = Scenario::parse("[tcp]\nnagle = true\n[[hosts]]\nname = \"a\"\naddr = \"192.0.2.1\"\n");
    assert!(err.as_ref().is_err_and(|e| e.to_string().contains("unknown field `nagle`")), "{err:?}");
}
