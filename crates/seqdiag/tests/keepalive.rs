//! Keep-alive on the lifeline: its bar is labelled in both languages, and the two hours of
//! silence before the first probe are one time break, not two hours of drawing.

use bilingual::Lang;
use seqdiag::{ViewOptions, layout};
use tcp_core::Timer;
use tcp_sim::{Scenario, simulate};

const SCENARIO: &str = r#"
profile = "linux"
until_ms = 8000000
[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{ at_ms = 0, do = "connect", to = "server" }, { on = "connected", do = "send", text = "hello" }]
[[hosts]]
name = "server"
addr = "198.51.100.1"
tcp = { keepalive = true }
app = [{ at_ms = 0, do = "listen" }]
"#;

#[test]
fn keepalive_bar_and_the_idle_stretch() {
    let trace = simulate(&Scenario::parse(SCENARIO).expect("parses"));
    for (lang, first, answered) in [
        (Lang::En, "keep-alive 7200 s", "keep-alive 75 s (probe 1)"),
        (Lang::Zh, "保活 7200 秒", "保活 75 秒（第 1 次探测）"),
    ] {
        let d = layout(&trace, &ViewOptions { lang, ..ViewOptions::default() });
        let bars: Vec<&str> =
            d.timers.iter().filter(|t| t.timer == Timer::Keepalive).map(|t| t.text.as_str()).collect();
        assert_eq!(bars.first(), Some(&first), "{lang:?}: {bars:?}");
        assert!(bars.contains(&answered), "{lang:?}: the wait for the answer to the probe: {bars:?}");
        assert!(d.timers.iter().any(|t| t.timer == Timer::Keepalive && t.placed.is_some()), "{lang:?}: a label drawn");
        // The idle stretches (two hours before each probe) are cut out of the time axis.
        let skipped: Vec<u64> = d.breaks.iter().map(|b| b.skipped_us / 1_000_000).collect();
        assert!(skipped.iter().filter(|&&s| s >= 7_000).count() >= 1, "{lang:?}: breaks of {skipped:?} s");
        assert!(d.height < 1500.0, "{lang:?}: {} px tall for 8000 s", d.height);
    }
}
