//! The browser benchmark (`cargo bench -p synack-tests --bench web`, after `cargo xtask
//! build-web`): for every catalogue entry, the time from choosing it in the page to the next
//! painted frame, in headless Chromium. That covers parsing the scenario, simulating, laying out,
//! narrating and Yew's re-render. Prints one line per entry and the worst case; asserts nothing.

mod harness;

use std::time::Duration;

use fantoccini::Locator;
use harness::{BASE, ChromeDriver, built_site};
use serde_json::json;
use xtask::static_server::{Config, Server};

/// Measured in the page: set the picker, dispatch `change`, wait for two animation frames
/// (the frame that shows the result has then been painted). Best of `rounds` per entry.
const SCRIPT: &str = r#"
const [rounds, done] = [arguments[0], arguments[arguments.length - 1]];
const select = document.querySelector('#entry');
const names = Array.from(select.options).map((o) => o.value);
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  const out = [];
  for (const name of names) {
    let best = Infinity;
    for (let i = 0; i < rounds; i++) {
      select.value = names[(names.indexOf(name) + 1) % names.length];
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
      const t0 = performance.now();
      select.value = name;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await frame();
      best = Math.min(best, performance.now() - t0);
    }
    out.push([name, best]);
  }
  done(out);
})();
"#;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dist = built_site();
    let server = Server::start("127.0.0.1:0", Config::new(&dist, BASE).expect("serve web/dist")).expect("server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    client.goto(&server.url()).await.expect("load the page");
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("#entry")).await.expect("the app starts");
    let results = client.execute_async(SCRIPT, vec![json!(5)]).await.expect("the measurement runs");
    let _ = client.close().await;
    let rows = results.as_array().cloned().unwrap_or_default();
    println!("choose an experiment -> next painted frame (best of 5), headless Chromium, two-frame wait included");
    let mut worst = (String::new(), 0.0f64);
    for row in &rows {
        let name = row[0].as_str().unwrap_or("?").to_string();
        let ms = row[1].as_f64().unwrap_or(f64::NAN);
        println!("{name:<22} {ms:>7.1} ms");
        if ms > worst.1 {
            worst = (name, ms);
        }
    }
    println!("worst: {} {:.1} ms over {} entries", worst.0, worst.1, rows.len());
}
