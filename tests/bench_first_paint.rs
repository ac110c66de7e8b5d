//! The first-paint benchmark (`cargo xtask build-web && cargo bench -p synack-tests --bench
//! first_paint`): synack and Mermaid 12.3 drawing the same handshake, side by side in one
//! headless Chromium session, cold cache, gzip served, median of 7 runs each (`RUNS=21` for a
//! narrower spread), unthrottled, at 1.6 Mbps / 150 ms (DevTools network emulation, Lighthouse's
//! mobile profile) and at 4x CPU slowdown. Time: from navigation to the first animation frame in
//! which the diagram's arrows are in the document (that frame paints them).
//!
//! synack is the site's page (its prerendered diagram drawn by `boot.js`, before the wasm) and an
//! embed; Mermaid is a page with its sequence diagram source, `mermaid.min.js` (the single-file
//! build most posts include, from `tools/node_modules/mermaid`) and `mermaid.initialize`; the
//! empty page holds one arrow and nothing else: the floor, what any page's first frame costs
//! here. Also printed: when synack's app runs (the player's wasm started), and each tool's time
//! above the floor.
//!
//! With Lighthouse 12 installed in `tools/bench` (`npm ci --prefix tools/bench`), it then runs
//! Lighthouse (mobile) on the page and prints its scores and what it flags. Asserts nothing.

mod harness;

use std::fs;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use harness::{BASE, Cdp, ChromeDriver, built_site, copy_dir, repo_root};
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

/// Runs per page and condition, unless `RUNS` says otherwise; the median is reported.
const RUNS: usize = 7;

/// Runs per page and condition: `RUNS` from the environment (an odd number, so that the median
/// is one of them: more runs narrow the spread of a median), or [`RUNS`].
fn runs() -> usize {
    match std::env::var("RUNS") {
        Err(_) => RUNS,
        Ok(v) => match v.parse::<usize>() {
            Ok(n) if n % 2 == 1 => n,
            _ => panic!("RUNS={v}: give an odd number of runs, such as 7 or 21"),
        },
    }
}

/// Installed at document start: records when a frame first has the diagram's arrows (the same
/// script as `tools/bench/first_frame.mjs`'s).
const OBSERVER: &str = include_str!("../tools/bench/first_diagram.js");

/// A copy of the built site plus a Mermaid page drawing the same handshake, with gzip copies.
fn site() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-bench-first-paint-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&built_site(), &dir);
    let mermaid = dir.join("mermaid");
    fs::create_dir_all(&mermaid).expect("mermaid folder");
    let dist = repo_root().join("tools/node_modules/mermaid/dist/mermaid.min.js");
    fs::copy(&dist, mermaid.join("mermaid.min.js"))
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask setup`)", dist.display()));
    let scenario = tcp_sim::catalogue::get("handshake").and_then(|e| e.scenario().ok()).expect("the handshake");
    let text = seqdiag::mermaid::render(&tcp_sim::simulate(&scenario), &seqdiag::ViewOptions::default());
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Mermaid</title>\
         <script src=\"mermaid.min.js\"></script><script src=\"start.js\"></script></head>\
         <body><pre class=\"mermaid\">\n{escaped}</pre></body></html>\n"
    );
    fs::write(mermaid.join("index.html"), page).expect("the Mermaid page");
    fs::write(mermaid.join("start.js"), "mermaid.initialize({ startOnLoad: true });\n").expect("start.js");
    for name in ["index.html", "start.js", "mermaid.min.js"] {
        let bytes = fs::read(mermaid.join(name)).expect("a Mermaid file");
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&bytes).expect("gzip");
        fs::write(mermaid.join(format!("{name}.gz")), gz.finish().expect("gzip")).expect("write .gz");
    }
    // The floor: a page that is nothing but one arrow of a diagram, no style, no script. What
    // any page's first frame costs in this browser (the navigation, a renderer, a frame).
    let floor = dir.join("floor");
    fs::create_dir_all(&floor).expect("floor folder");
    fs::write(
        floor.join("index.html"),
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Floor</title></head>\
         <body><svg class=\"seqdiag\" width=\"200\" height=\"40\"><g class=\"arrows\"><g data-segment=\"0\">\
         <path d=\"M10 10L190 30\" stroke=\"black\"/></g></g></svg></body></html>\n",
    )
    .expect("the floor page");
    dir
}

/// The network and CPU a run is measured under.
struct Condition {
    name: &'static str,
    /// Latency (ms) and download throughput (bytes/s), or none.
    network: Option<(f64, f64)>,
    cpu: f64,
}

const CONDITIONS: [Condition; 3] = [
    Condition { name: "unthrottled", network: None, cpu: 1.0 },
    Condition { name: "1.6 Mbps, 150 ms", network: Some((150.0, 1.6e6 / 8.0)), cpu: 1.0 },
    Condition { name: "4x CPU slowdown", network: None, cpu: 4.0 },
];

async fn apply(client: &fantoccini::Client, c: &Condition) {
    let (latency, down) = c.network.unwrap_or((0.0, -1.0));
    let up = if c.network.is_some() { 750e3 / 8.0 } else { -1.0 };
    let params = json!({ "offline": false, "latency": latency, "downloadThroughput": down, "uploadThroughput": up });
    client.issue_cmd(Cdp("Network.emulateNetworkConditions", params)).await.expect("network conditions");
    client.issue_cmd(Cdp("Emulation.setCPUThrottlingRate", json!({ "rate": c.cpu }))).await.expect("CPU rate");
}

/// One cold load of `url`: (ms to the diagram, ms to synack's app running, if `app`: synack).
async fn load(client: &fantoccini::Client, url: &str, app: bool) -> (f64, Option<f64>) {
    client.issue_cmd(Cdp("Network.clearBrowserCache", json!({}))).await.expect("clear the cache");
    client.goto("about:blank").await.expect("blank");
    client.goto(url).await.expect("load");
    let read = "return [window.__firstDiagram || null, \
                document.documentElement.dataset.synack === 'running' ? performance.now() : null]";
    let mut running = None;
    for _ in 0..1200 {
        let v = client.execute(read, vec![]).await.expect("read the timings");
        if running.is_none() {
            running = v[1].as_f64();
        }
        if let Some(drawn) = v[0].as_f64() {
            // Keep polling a little for the app, when it is synack.
            if !app || running.is_some() {
                return (drawn, running);
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{url}: no diagram within 30 s");
}

/// The `q`th quartile of `v` (1, 2: the median, 3): one of its values.
fn quartile(v: &[f64], q: usize) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[(sorted.len() - 1) * q / 4]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = site();
    let config = Config::new(&dir, BASE).expect("serve the site").with_header("Access-Control-Allow-Origin", "*");
    let server = Server::start("127.0.0.1:0", config).expect("server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    client.set_window_size(412, 915).await.expect("a phone-sized window");
    client.issue_cmd(Cdp("Network.enable", json!({}))).await.expect("network domain");
    client.issue_cmd(Cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))).await.expect("no cache");
    let script = json!({ "source": OBSERVER });
    client.issue_cmd(Cdp("Page.addScriptToEvaluateOnNewDocument", script)).await.expect("the observer");

    let runs = runs();
    let url = server.url();
    // Name, address, and whether it is synack (whose app's start is timed too).
    let pages = [
        ("synack page", url.clone(), true),
        ("synack embed", format!("{url}embed.html"), true),
        ("Mermaid 12.3", format!("{url}mermaid/"), false),
        ("empty page", format!("{url}floor/"), false),
    ];
    println!("navigation -> first frame with the diagram, cold cache, gzip, median of {runs} (412x915 window)");
    println!(
        "{:<18} {:>16} {:>16} {:>16} {:>16}   app running (synack)",
        "condition", pages[0].0, pages[1].0, pages[2].0, pages[3].0
    );
    for condition in &CONDITIONS {
        apply(&client, condition).await;
        let mut drawn: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
        let mut running: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
        // Interleaved, so that both tools see the same machine.
        for _ in 0..runs {
            for (i, (_, page, app)) in pages.iter().enumerate() {
                let (d, r) = load(&client, page, *app).await;
                drawn[i].push(d);
                running[i].extend(r);
            }
        }
        let m: Vec<f64> = drawn.iter().map(|v| quartile(v, 2)).collect();
        // How far the runs spread around the median: the middle half of them.
        let spread: Vec<String> =
            drawn.iter().map(|v| format!("{:.0}–{:.0} ms", quartile(v, 1), quartile(v, 3))).collect();
        let apps: Vec<String> = running
            .iter()
            .take(2)
            .map(|r| if r.is_empty() { "-".into() } else { format!("{:.0} ms", quartile(r, 2)) })
            .collect();
        println!(
            "{:<18} {:>13.0} ms {:>13.0} ms {:>13.0} ms {:>13.0} ms   page {}, embed {};  synack/Mermaid: page {:.3}x, embed {:.3}x",
            condition.name,
            m[0],
            m[1],
            m[2],
            m[3],
            apps[0],
            apps[1],
            m[0] / m[2],
            m[1] / m[2]
        );
        println!(
            "{:<18} {:>16} {:>16} {:>16} {:>16}   (the middle half of the runs)",
            "", spread[0], spread[1], spread[2], spread[3]
        );
        println!(
            "{:<18} above the empty page: synack page {:.0} ms, embed {:.0} ms, Mermaid {:.0} ms",
            "",
            m[0] - m[3],
            m[1] - m[3],
            m[2] - m[3]
        );
    }
    apply(&client, &CONDITIONS[0]).await;
    let _ = client.close().await;
    drop(driver);
    lighthouse(&url);
    let _ = fs::remove_dir_all(&dir);
}

/// Lighthouse 12 (mobile: Moto G Power, slow 4G, 4x CPU) on the page, if installed in tools/bench.
fn lighthouse(url: &str) {
    let bin = repo_root().join("tools/bench/node_modules/.bin/lighthouse");
    if !bin.exists() {
        println!("\nLighthouse: not installed (`npm ci --prefix tools/bench` installs Lighthouse 12)");
        return;
    }
    let report = std::env::temp_dir().join(format!("synack-lighthouse-{}.json", std::process::id()));
    let chrome = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let status = Command::new(&bin)
        .arg(url)
        .args(["--output=json", "--quiet", "--only-categories=performance,accessibility,best-practices,seo"])
        .arg(format!("--output-path={}", report.display()))
        .arg("--chrome-flags=--headless --no-sandbox --disable-gpu --disable-dev-shm-usage")
        .env("CHROME_PATH", chrome)
        .status()
        .expect("run Lighthouse");
    let text = fs::read_to_string(&report).unwrap_or_default();
    let _ = fs::remove_file(&report);
    let Ok(lhr) = serde_json::from_str::<Value>(&text) else {
        println!("\nLighthouse failed ({status})");
        return;
    };
    println!("\nLighthouse {} (mobile) on the page:", lhr["lighthouseVersion"].as_str().unwrap_or("?"));
    for (id, category) in lhr["categories"].as_object().into_iter().flatten() {
        let score = category["score"].as_f64().map_or("-".into(), |s| format!("{:.0}", s * 100.0));
        println!("  {:<16} {score}", id);
        // What the category flags: its audits that did not pass.
        for audit_ref in category["auditRefs"].as_array().into_iter().flatten() {
            let audit = &lhr["audits"][audit_ref["id"].as_str().unwrap_or_default()];
            let failed = audit["score"].as_f64().is_some_and(|s| s < 0.9) && audit["scoreDisplayMode"] != "informative";
            if failed && audit_ref["weight"].as_f64().unwrap_or(0.0) > 0.0 {
                println!(
                    "      flags: {} ({})",
                    audit["title"].as_str().unwrap_or("?"),
                    audit["displayValue"].as_str().unwrap_or("")
                );
            }
        }
    }
    for metric in [
        "first-contentful-paint",
        "largest-contentful-paint",
        "total-blocking-time",
        "cumulative-layout-shift",
        "speed-index",
    ] {
        let audit = &lhr["audits"][metric];
        println!(
            "  {:<26} {}",
            audit["title"].as_str().unwrap_or(metric),
            audit["displayValue"].as_str().unwrap_or("-")
        );
    }
}
