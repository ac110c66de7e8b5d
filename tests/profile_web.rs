//! A CPU profile of the page (`cargo xtask build-web --profiling && cargo bench -p synack-tests
//! --bench profile`): in headless Chromium, chooses catalogue entries one after another (ten
//! rounds, each waiting two animation frames) under the DevTools CPU profiler, then prints the
//! functions with the most samples, by self and by inclusive time. Without `--profiling` the
//! wasm functions are only numbered. `SYNACK_PROFILE_ENTRIES=syn-flood,half-close` chooses the
//! entries (default: all). `SYNACK_PROFILE_FILE=path/to/scenario.{json,toml}` profiles opening
//! that file in the page's scenario picker instead, as a reader would (and the redraw after).
//! `SYNACK_PROFILE_SETTING=1` profiles changing a setting instead (the one-way delay, 10 <-> 20
//! ms, twenty times on each entry, as `--bench web` times it). Asserts nothing.

mod harness;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use fantoccini::Locator;
use harness::{BASE, Cdp, ChromeDriver, built_site};
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

/// Chooses each of `names` in the picker, `rounds` times, letting two frames pass each time.
const CHOOSE: &str = r#"
const [names, rounds, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const select = document.querySelector('#entry');
const all = names.length ? names : Array.from(select.options).map((o) => o.value);
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  for (let i = 0; i < rounds; i++) {
    for (const name of all) {
      select.value = name;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
    }
  }
  done(null);
})();
"#;

/// On each of `names` (all when empty), changes the one-way delay `rounds` times, letting two
/// frames pass each time. The settings are the full module's: `#entry` is there once it runs.
const CHANGE_SETTING: &str = r#"
const [names, rounds, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const select = document.querySelector('#entry');
const all = names.length ? names : Array.from(select.options).map((o) => o.value);
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  for (const name of all) {
    select.value = name;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await frame();
    for (let i = 0; i < rounds; i++) {
      const delay = document.querySelector('[data-testid=set-delay]');
      delay.value = i % 2 ? '10' : '20';
      delay.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
    }
  }
  done(null);
})();
"#;

/// Opens the scenario `arguments[1]` (named `arguments[0]`) in the picker; done once the page
/// has had a second with no task over 50 ms.
const OPEN_FILE: &str = r#"
const [name, text, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
let last = performance.now();
const observer = new PerformanceObserver(() => (last = performance.now()));
observer.observe({ type: 'longtask' });
const files = new DataTransfer();
files.items.add(new File([text], name));
const input = document.querySelector('input[type=file]');
input.files = files.files;
input.dispatchEvent(new Event('change', { bubbles: true }));
const wait = () => (performance.now() - last > 1000 ? (observer.disconnect(), done(null)) : setTimeout(wait, 200));
setTimeout(wait, 200);
"#;

fn print_top(title: &str, samples: HashMap<String, u64>, total: u64, rows: usize) {
    let mut sorted: Vec<(String, u64)> = samples.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("--- {title}");
    for (name, hits) in sorted.into_iter().take(rows) {
        let name = if name.is_empty() { "(anonymous)".to_owned() } else { name };
        println!("{:6.2}%  {}", hits as f64 * 100.0 / total.max(1) as f64, name.chars().take(140).collect::<String>());
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let names: Vec<String> = std::env::var("SYNACK_PROFILE_ENTRIES")
        .map(|v| v.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let server =
        Server::start("127.0.0.1:0", Config::new(built_site(), BASE).expect("serve web/dist")).expect("server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    client.goto(&server.url()).await.expect("load the page");
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("#entry")).await.expect("the app starts");
    let setting = std::env::var("SYNACK_PROFILE_SETTING").is_ok_and(|v| v == "1");
    if setting {
        // The settings are the full module's: opening them loads it, as for a reader.
        client
            .find(Locator::Css("details.settings > summary"))
            .await
            .expect("the settings")
            .click()
            .await
            .expect("open");
        let delay = Locator::Css("[data-testid=set-delay]");
        client.wait().at_most(Duration::from_secs(30)).for_element(delay).await.expect("the full module takes over");
    }
    // One untimed round first, so that first-time costs are not in the profile.
    let warm_up = if setting { CHANGE_SETTING } else { CHOOSE };
    client.execute_async(warm_up, vec![json!(names), json!(1)]).await.expect("warm up");
    for (cmd, params) in [
        ("Profiler.enable", json!({})),
        ("Profiler.setSamplingInterval", json!({ "interval": 100 })),
        ("Profiler.start", json!({})),
    ] {
        client.issue_cmd(Cdp(cmd, params)).await.expect("start the profiler");
    }
    let file = std::env::var("SYNACK_PROFILE_FILE").ok();
    match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            // The page opens JSON scenarios: a TOML one is converted first.
            let text = if path.ends_with(".toml") {
                tcp_sim::Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}")).to_json()
            } else {
                text
            };
            let name = path.rsplit('/').next().unwrap_or(path);
            client.execute_async(OPEN_FILE, vec![json!(name), json!(text)]).await.expect("the profiled run");
        }
        None if setting => {
            client.execute_async(CHANGE_SETTING, vec![json!(names), json!(20)]).await.expect("the profiled run");
        }
        None => {
            client.execute_async(CHOOSE, vec![json!(names), json!(10)]).await.expect("the profiled run");
        }
    }
    let profile = client.issue_cmd(Cdp("Profiler.stop", json!({}))).await.expect("stop the profiler");
    let _ = client.close().await;

    let nodes = profile["profile"]["nodes"].as_array().cloned().unwrap_or_default();
    let by_id: HashMap<u64, &Value> = nodes.iter().filter_map(|n| Some((n["id"].as_u64()?, n))).collect();
    let mut parent = HashMap::new();
    for n in &nodes {
        for child in n["children"].as_array().into_iter().flatten() {
            if let (Some(c), Some(p)) = (child.as_u64(), n["id"].as_u64()) {
                parent.insert(c, p);
            }
        }
    }
    let name_of = |n: &Value| n["callFrame"]["functionName"].as_str().unwrap_or_default().to_owned();
    let (mut own, mut inclusive) = (HashMap::<String, u64>::new(), HashMap::<String, u64>::new());
    let mut total = 0;
    for n in &nodes {
        let hits = n["hitCount"].as_u64().unwrap_or(0);
        total += hits;
        *own.entry(name_of(n)).or_default() += hits;
        // Each function once per sample, however often it recurses.
        let mut seen = HashSet::new();
        let mut id = n["id"].as_u64();
        while let Some(node) = id.and_then(|i| by_id.get(&i)) {
            let name = name_of(node);
            if seen.insert(name.clone()) {
                *inclusive.entry(name).or_default() += hits;
            }
            id = id.and_then(|i| parent.get(&i).copied());
        }
    }
    match &file {
        Some(path) => println!("{total} samples at 100 µs while opening {path}"),
        None if setting => println!("{total} samples at 100 µs while changing a setting (20 times per entry)"),
        None => println!("{total} samples at 100 µs while choosing entries (10 rounds)"),
    }
    print_top("self", own, total, 40);
    let rows = std::env::var("SYNACK_PROFILE_ROWS").ok().and_then(|r| r.parse().ok()).unwrap_or(50);
    print_top("inclusive", inclusive, total, rows);
}
