//! The browser benchmark (`cargo bench -p synack-tests --bench web`, after `cargo xtask
//! build-web`): for every catalogue entry, in headless Chromium, two times from choosing it in
//! the page (best of ten, after one untimed pass over every entry):
//! - work: until the next task runs, by which time the scenario is parsed, simulated, laid out,
//!   narrated and Yew has updated the DOM (Yew renders in microtasks);
//! - paint: until two animation frames have passed, so the new diagram has been painted (at
//!   60 Hz this can never be less than about 33 ms).
//!
//! Then, for every entry, the work of changing a setting (the one-way delay) on it; and, for the
//! costliest hostile inputs known (issue #10's, each stopped by the work budget), how long the
//! page is blocked when a reader opens one as their own scenario file: the longest task and the
//! sum of long tasks (the Long Tasks API: tasks over 50 ms) until it is drawn. Then the same for
//! two big captures opened as a reader would (issue #13): 100,000 packets in 9,090 connections,
//! and a hostile run's 5,000 segments.
//!
//! Prints one line per entry and the worst case; asserts nothing. `SYNACK_BENCH_PAGE` (e.g.
//! `embed.html#ui=settings`) measures another page of the site, which must show the picker. The
//! page starts with the player; opening the settings loads the full module, which is measured.
//! `SYNACK_BENCH_ONLY=hostile` measures the hostile inputs only, and prints for each what happened
//! when (every animation frame and the gap before it, the DOM's changes by element, long tasks).
//! The odds panel's 10,000 runs (issue #14) are measured first (`SYNACK_BENCH_ONLY=odds`: only
//! them): the time until the counts are shown, and the longest gap between frames meanwhile.

mod harness;

use std::time::Duration;

use base64::Engine as _;
use fantoccini::Locator;
use harness::{BASE, ChromeDriver, built_site};
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

/// Measured in the page: set the picker, dispatch `change`, then time the next task (work) and
/// two animation frames (paint). Best of `rounds` per entry.
const SCRIPT: &str = r#"
const [rounds, done] = [arguments[0], arguments[arguments.length - 1]];
const select = document.querySelector('#entry');
const names = Array.from(select.options).map((o) => o.value);
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const task = () => new Promise((r) => setTimeout(r, 0));
(async () => {
  // One untimed pass first, so no entry pays for first-time costs (JIT, allocator growth).
  for (const name of names) {
    select.value = name;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await frame();
  }
  const out = [];
  for (const name of names) {
    let [work, paint] = [Infinity, Infinity];
    for (let i = 0; i < rounds; i++) {
      select.value = names[(names.indexOf(name) + 1) % names.length];
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
      const t0 = performance.now();
      select.value = name;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await task();
      work = Math.min(work, performance.now() - t0);
      await frame();
      paint = Math.min(paint, performance.now() - t0);
    }
    out.push([name, work, paint]);
  }
  done(out);
})();
"#;

/// Measured in the page: for each entry, change a setting (the one-way delay, 20 ms and back to
/// 10 ms) and time the redraw the same way. Best of `rounds` per entry.
const SETTING: &str = r#"
const [rounds, done] = [arguments[0], arguments[arguments.length - 1]];
const select = document.querySelector('#entry');
const names = Array.from(select.options).map((o) => o.value);
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const task = () => new Promise((r) => setTimeout(r, 0));
(async () => {
  const out = [];
  for (const name of names) {
    select.value = name;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await frame();
    let work = Infinity;
    for (let i = 0; i < rounds; i++) {
      const delay = document.querySelector('[data-testid=set-delay]');
      const t0 = performance.now();
      delay.value = i % 2 ? '10' : '20';
      delay.dispatchEvent(new Event('change', { bubbles: true }));
      await task();
      work = Math.min(work, performance.now() - t0);
      await frame();
    }
    out.push([name, work]);
  }
  done(out);
})();
"#;

/// Measured in the page: open the file `arguments[1]` (named `arguments[0]`) in the scenario
/// picker, as a reader would, and report the tasks over 50 ms until the page has settled.
const WORST: &str = r#"
const [name, text, base64, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const long = [];
const observer = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
observer.observe({ type: 'longtask', buffered: false });
const input = document.querySelector('input[type=file]');
const files = new DataTransfer();
files.items.add(new File([base64 ? Uint8Array.from(atob(text), (c) => c.charCodeAt(0)) : text], name));
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  // From the handshake, so that the arrows counted are the file's.
  const select = document.querySelector('#entry');
  select.value = 'handshake';
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await frame();
  await new Promise((r) => setTimeout(r, 200));
  const arrows = () => document.querySelectorAll('svg[data-testid=diagram] .arrows g[data-segment]').length;
  const handshake = document.getElementById('diagram')?.getAttribute('aria-label');
  const handshakeArrows = arrows();
  long.length = 0;
  // The longest time between two animation frames while the file opens: what the reader feels.
  let lastFrame = performance.now();
  let longestGap = 0;
  let watching = true;
  const timeline = [];
  const where = (n) => n.nodeType === 1 ? `${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}.${n.getAttribute('class') || ''}` : '#text';
  const mutations = new MutationObserver((list) => {
    const now = (performance.now() - t0).toFixed(1);
    const by = new Map();
    for (const m of list) {
      const key = where(m.target);
      const [a, r] = by.get(key) || [0, 0];
      by.set(key, [a + m.addedNodes.length, r + m.removedNodes.length]);
    }
    for (const [key, [a, r]] of by) timeline.push(`${now} mutation ${key} +${a} -${r}`);
  });
  const tasks = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) timeline.push(`${(e.startTime - t0).toFixed(1)} long task ${e.duration.toFixed(0)} ms (start)`);
  });
  tasks.observe({ type: 'longtask', buffered: false });
  mutations.observe(document.body, { childList: true, subtree: true });
  const watch = (now) => {
    longestGap = Math.max(longestGap, now - lastFrame);
    timeline.push(`${(now - t0).toFixed(1)} frame gap ${(now - lastFrame).toFixed(1)}`);
    lastFrame = now;
    if (watching) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  const t0 = performance.now();
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  // Settled: the work in slices seen and over, or the file's diagram drawn (its hosts or its
  // arrows are not the handshake's) with no work left; then half a second with nothing over
  // 50 ms.
  const busy = () => document.querySelector('[data-testid=simulating]') !== null;
  const title = () => document.getElementById('diagram')?.getAttribute('aria-label');
  let seenBusy = false;
  let captureShown = -1;
  for (let waited = 0; waited < 20000; waited += 5) {
    seenBusy ||= busy();
    if (captureShown < 0 && document.querySelector('[data-testid=capture]')) captureShown = performance.now() - t0;
    if (!busy() && (seenBusy || title() !== handshake || arrows() !== handshakeArrows)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  // Drawn: the frame after the work.
  await frame();
  const drawn = performance.now() - t0;
  let seen = -1;
  while (seen !== long.length) {
    seen = long.length;
    await new Promise((r) => setTimeout(r, 500));
  }
  observer.disconnect();
  mutations.disconnect();
  tasks.disconnect();
  watching = false;
  done([Math.max(0, ...long), long.reduce((a, b) => a + b, 0), drawn, arrows(), longestGap, timeline, captureShown]);
})();
"#;

/// The hostile inputs measured (relative to the workspace root).
const WORST_INPUTS: [&str; 5] = [
    "crates/tcp-sim/tests/adversarial/echo_data_on_data.toml",
    "crates/tcp-sim/tests/adversarial/echo_no_delay.toml",
    "../shared/adversarial/05_mesh16_memory.json",
    "crates/tcp-sim/tests/adversarial/15_flooders.json",
    "../shared/adversarial/01_reconnect_on_refused_hang.toml",
];

/// Big captures opened in the page (issue #13): 100,000 packets in 9,090 connections, and one
/// hostile run's 5,000 segments as a capture of a few long connections.
fn big_captures() -> Vec<(String, Vec<u8>)> {
    let many = capture::sample::many_connections(100_000);
    let path = "crates/tcp-sim/tests/adversarial/echo_data_on_data.toml";
    let text = std::fs::read_to_string(harness::repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = tcp_sim::Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let long = tcp_sim::pcap::to_pcap(&tcp_sim::simulate(&scenario));
    vec![("100k_packets.pcap".into(), many), ("echo_data_on_data.pcap".into(), long)]
}

/// The simulator alone, in the page's wasm module (`bench_simulate`, mean of `runs` runs).
const SIMULATE: &str = r#"
const [runs, done] = [arguments[0], arguments[arguments.length - 1]];
import('./synack_web.js').then((m) => {
  const names = Array.from(document.querySelector('#entry').options).map((o) => o.value);
  done(names.map((name) => [name, m.bench_simulate(name, runs)]));
});
"#;

/// Prints rows of `[entry, work ms, paint ms?]` and the worst work.
fn print_work(rows: &Value) {
    let rows = rows.as_array().cloned().unwrap_or_default();
    let mut worst = (String::new(), 0.0f64);
    for row in &rows {
        let name = row[0].as_str().unwrap_or("?").to_string();
        let work = row[1].as_f64().unwrap_or(f64::NAN);
        match row[2].as_f64() {
            Some(paint) => println!("{name:<22} work {work:>6.1} ms   paint {paint:>6.1} ms"),
            None => println!("{name:<22} work {work:>6.1} ms"),
        }
        if work > worst.1 {
            worst = (name, work);
        }
    }
    println!("worst work: {} {:.1} ms over {} entries (one frame at 60 Hz is 16.7 ms)", worst.0, worst.1, rows.len());
    println!();
}

/// Measurements per entry; the best one is reported.
const ROUNDS: u32 = 10;

/// The odds panel (issue #14): on `#handshake&loss=20`, ask for `arguments[0]` runs and time the
/// click until the counts are on screen (found by looking every 20 ms), with the longest gap
/// between two animation frames and the longest task (over 50 ms) meanwhile.
const ODDS: &str = r#"
const [runs, done] = [arguments[0], arguments[arguments.length - 1]];
const wait = (ready) => new Promise((resolve) => { const look = () => ready() ? resolve() : setTimeout(look, 20); look(); });
const button = () => document.querySelector('[data-testid=odds-run]');
(async () => {
  await wait(() => button() && !button().disabled);
  const input = document.querySelector('[data-testid=odds-runs]');
  input.value = String(runs);
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  let longestTask = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestTask = Math.max(longestTask, e.duration);
  });
  observer.observe({ type: 'longtask' });
  let [last, gap, going] = [performance.now(), 0, true];
  const tick = (t) => { gap = Math.max(gap, t - last); last = t; if (going) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  button().click();
  await wait(() => document.querySelector('[data-testid=odds-result]'));
  const ms = performance.now() - t0;
  going = false;
  observer.disconnect();
  done({ ms, gap, longestTask });
})();
"#;

/// Runs of the odds measured.
const ODDS_RUNS: u32 = 10_000;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dist = built_site();
    let server = Server::start("127.0.0.1:0", Config::new(&dist, BASE).expect("serve web/dist")).expect("server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    // `SYNACK_BENCH_PAGE=embed.html#ui=settings` measures an embed with only some parts instead.
    let page = std::env::var("SYNACK_BENCH_PAGE").unwrap_or_default();
    client.goto(&format!("{}{page}", server.url())).await.expect("load the page");
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("#entry")).await.expect("the app starts");
    // The settings come with the full module: opening them loads it (the measurement is of it).
    client.find(Locator::Css("details.settings > summary")).await.expect("the settings").click().await.expect("open");
    let delay = Locator::Css("[data-testid=set-delay]");
    client.wait().at_most(Duration::from_secs(30)).for_element(delay).await.expect("the full module takes over");
    let only = std::env::var("SYNACK_BENCH_ONLY").unwrap_or_default();
    // `SYNACK_BENCH_ONLY=hostile` measures only the hostile files, and prints what happened when.
    let only_hostile = only == "hostile";
    let (results, settings, sims) = if only_hostile || only == "odds" {
        (Value::Null, Value::Null, Value::Null)
    } else {
        (
            client.execute_async(SCRIPT, vec![json!(ROUNDS)]).await.expect("the measurement runs"),
            client.execute_async(SETTING, vec![json!(ROUNDS)]).await.expect("the setting measurement runs"),
            client.execute_async(SIMULATE, vec![json!(500)]).await.expect("the simulation benchmark runs"),
        )
    };
    let mut worst = Vec::new();
    for path in WORST_INPUTS.iter().filter(|_| only != "odds") {
        let text = std::fs::read_to_string(harness::repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        // The page opens JSON scenarios (what its Scenario export writes): TOML ones are converted.
        let text = if path.ends_with(".toml") {
            tcp_sim::Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}")).to_json()
        } else {
            text
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let row = client
            .execute_async(WORST, vec![json!(name), json!(text), json!(false)])
            .await
            .expect("the worst-input measurement");
        worst.push((name.to_owned(), row));
    }
    for (name, pcap) in big_captures().into_iter().filter(|_| only != "odds") {
        let bytes = base64::engine::general_purpose::STANDARD.encode(&pcap);
        let row = client
            .execute_async(WORST, vec![json!(name), json!(bytes), json!(true)])
            .await
            .expect("the capture measurement");
        worst.push((name, row));
    }
    let odds = if only.is_empty() || only == "odds" {
        client.goto("about:blank").await.expect("leave the page");
        client.goto(&format!("{}#handshake&loss=20", server.url())).await.expect("load the odds page");
        Some(client.execute_async(ODDS, vec![json!(ODDS_RUNS)]).await.expect("the odds measurement runs"))
    } else {
        None
    };
    let _ = client.close().await;
    if only.is_empty() {
        print_page(&results, &settings, &sims);
    }
    if only != "odds" {
        print_hostile(&worst, only_hostile);
    }
    if let Some(odds) = odds {
        let ms = odds["ms"].as_f64().unwrap_or(f64::NAN);
        println!(
            "odds: {ODDS_RUNS} runs of handshake at 20 % loss in the page: {ms:.0} ms ({:.0} runs/s), longest gap \
             between frames {:.1} ms, longest task over 50 ms: {:.0} ms (0: none)",
            f64::from(ODDS_RUNS) / ms * 1000.0,
            odds["gap"].as_f64().unwrap_or(f64::NAN),
            odds["longestTask"].as_f64().unwrap_or(f64::NAN),
        );
    }
}

/// What the page measured on the catalogue.
fn print_page(results: &Value, settings: &Value, sims: &Value) {
    println!(
        "choose an experiment, headless Chromium, best of {ROUNDS}:  work = until the DOM is updated;  paint = two frames"
    );
    print_work(results);
    println!("change a setting (one-way delay 10 <-> 20 ms), best of {ROUNDS}: work = until the DOM is updated");
    print_work(settings);
    println!("simulate() alone in wasm (mean of 500 runs per entry)");
    let mut total = 0.0;
    for row in sims.as_array().cloned().unwrap_or_default() {
        let name = row[0].as_str().unwrap_or("?").to_string();
        let ms = row[1].as_f64().unwrap_or(f64::NAN);
        total += ms;
        println!("{name:<22} {:>8.1} µs   {:>8.0} runs/s", ms * 1000.0, 1000.0 / ms);
    }
    println!("the whole catalogue once: {total:.2} ms");
    println!();
}

/// What the page measured on the hostile files (with `timeline`, what happened when).
fn print_hostile(worst: &[(String, Value)], timeline: bool) {
    println!(
        "a hostile scenario file opened in the page: the longest task, all tasks over 50 ms, the longest time \
         between two frames, until drawn"
    );
    for (name, row) in worst {
        let ms = |i: usize| row[i].as_f64().unwrap_or(f64::NAN);
        println!(
            "{name:<36} longest task {:>5.0} ms   long tasks {:>6.0} ms   longest frame gap {:>5.1} ms   drawn after {:>6.0} ms   {} arrows{}",
            ms(0),
            ms(1),
            ms(4),
            ms(2),
            row[3],
            if ms(6) >= 0.0 { format!("   capture listed and shown after {:.0} ms", ms(6)) } else { String::new() }
        );
        if timeline {
            for event in row[5].as_array().into_iter().flatten() {
                println!("    {}", event.as_str().unwrap_or("?"));
            }
        }
    }
}
