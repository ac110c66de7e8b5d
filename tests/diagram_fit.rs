//! The diagram fits the screen it is read on, follows playback, and its Mermaid parses.
//!
//! In one Chromium session, for every catalogue entry, on the page and in `embed.html`, at
//! 360×800, 768×1024 and 1280×900, in light and dark, in English and 中文 (reduced motion
//! emulated, so that scrolling is instant and can be measured at once):
//! - the page never scrolls sideways;
//! - the diagram is laid out for its box's width class (`.diagram[data-width]`, the same
//!   thresholds as `seqdiag::WidthClass`), and its box has the drawing's own background;
//! - every lifeline and every arrow lies inside the box's width (nothing needs a sideways
//!   scroll), and the drawing is never wider than its box;
//! - no text is drawn smaller than 11 CSS px (font size times the on-screen scale);
//! - at the last step (first paint), the last state change is inside the box's view;
//! - stepping from the first step to the last, each step's arrows are inside the part of the box
//!   the window shows (on the page below the sticky playback bar).
//!
//! Screenshots of each entry at 360 and 1280 px (light/English and dark/中文) land in
//! `target/artifacts/diagram-fit/`. Then Mermaid 12.3 (`tools/node_modules/mermaid`, served from
//! a second local server) parses the Mermaid text of every catalogue entry in both languages and of
//! every scenario in `../shared/adversarial/`.
//!
//! Needs `cargo xtask build-web` and `cargo xtask setup`; `cargo xtask test` does both.

mod harness;

use std::path::{Path, PathBuf};

use bilingual::Lang;
use fantoccini::Client;
use harness::{BASE, Cdp, ChromeDriver, TestResult, artifacts_dir, built_site, ensure, page_reports, repo_root};
use seqdiag::{ViewOptions, WidthClass};
use serde_json::{Value, json};
use tcp_sim::scenario::{Millis, Scenario};
use xtask::static_server::{Config, Server};

const SIZES: [(u32, u32); 3] = [(360, 800), (768, 1024), (1280, 900)];

/// A look: theme and language, as the link says them.
const LOOKS: [(&str, &str); 4] = [("light", "en"), ("dark", "zh"), ("light", "zh"), ("dark", "en")];

#[tokio::test(flavor = "current_thread")]
async fn the_diagram_fits_every_screen_and_follows_playback() {
    let dist = built_site();
    let server = Server::start("127.0.0.1:0", Config::new(&dist, BASE).expect("serve web/dist"))
        .expect("start the static server");
    let mermaid_dir = repo_root().join("tools/node_modules/mermaid/dist");
    assert!(
        mermaid_dir.join("mermaid.esm.min.mjs").is_file(),
        "{} is missing: run `cargo xtask setup`",
        mermaid_dir.display()
    );
    let mermaid = Server::start("127.0.0.1:0", Config::new(&mermaid_dir, "/mermaid/").expect("serve mermaid"))
        .expect("start the mermaid server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;

    let outcome = async {
        fits(&client, &server.url()).await?;
        zoom_focus_and_names(&client, &server.url()).await?;
        mermaid_parses(&client, &mermaid.url()).await
    }
    .await;
    let closed = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

/// The catalogue's entry names.
fn entries() -> Vec<&'static str> {
    tcp_sim::catalogue::ENTRIES.iter().map(|e| e.name).collect()
}

/// The widths at which the width classes start, for the page's script.
fn thresholds() -> Value {
    json!(WidthClass::ALL.iter().map(|c| json!([c.min_box_width(), c.name()])).collect::<Vec<_>>())
}

async fn fits(client: &Client, url: &str) -> TestResult {
    client
        .issue_cmd(Cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-reduced-motion", "value": "reduce" }] }),
        ))
        .await?;
    let shots = artifacts_dir().join("diagram-fit");
    std::fs::create_dir_all(&shots)?;
    let mut problems: Vec<String> = Vec::new();
    let mut steps_checked = 0;
    for (w, h) in SIZES {
        // The viewport itself at this size (a window of this size has less room inside); a phone
        // has scrollbars that take no room.
        let metrics = json!({ "width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600 });
        client.issue_cmd(Cdp("Emulation.setDeviceMetricsOverride", metrics)).await?;
        for page in ["", "embed.html"] {
            let mode = if page.is_empty() { "page" } else { "embed" };
            // Stepping on the page rewrites its address at each step, and Chromium stops
            // following address changes after a few hundred in a row: load the page afresh then.
            let mut fresh = true;
            for entry in entries() {
                for (k, (theme, lang)) in LOOKS.into_iter().enumerate() {
                    let link = format!("{entry}&theme={theme}&lang={lang}");
                    let what = format!("{mode} {w}×{h} {link}");
                    open(client, &format!("{url}{page}"), &link, fresh).await.map_err(|e| format!("{what}: {e}"))?;
                    fresh = false;
                    let report = client.execute(MEASURE, vec![thresholds()]).await?;
                    problems.extend(report_problems(&report, &what));
                    if mode == "page" && (w == 360 || w == 1280) && k < 2 {
                        shoot(client, &shots.join(format!("{entry}-{w}-{theme}-{lang}.png"))).await?;
                    }
                    // Playback: every entry on the page in the first look, in embeds in the second.
                    if (mode == "page" && k == 0) || (mode == "embed" && k == 1) {
                        fresh = mode == "page";
                        let played = client.execute_async(PLAY, vec![]).await?;
                        steps_checked += played["steps"].as_u64().unwrap_or(0);
                        for p in played["problems"].as_array().into_iter().flatten() {
                            problems.push(format!("{what}: playback: {}", p.as_str().unwrap_or_default()));
                        }
                    }
                }
            }
            let errors = page_reports(client, "__synackErrors").await?;
            ensure!(errors.is_empty(), "{mode} {w}: page errors: {errors:#?}");
        }
    }
    ensure!(steps_checked > 500, "only {steps_checked} playback steps were checked");
    ensure!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    Ok(())
}

/// Shows `link` in the app at `page`: a fresh load the first time, then by changing the
/// fragment (the app follows `hashchange`), which keeps one page for every entry.
async fn open(client: &Client, page: &str, link: &str, fresh: bool) -> TestResult {
    if fresh || !client.current_url().await?.as_str().starts_with(page) {
        // A new document (only the fragment differing would not load one).
        harness::open(client, &format!("{page}#{link}")).await?;
    } else {
        let went = client.execute_async(GO, vec![json!(link)]).await?;
        ensure!(went == json!(""), "{went}; page errors: {:?}", page_reports(client, "__synackErrors").await?);
    }
    // Two frames: the box measured, laid out for its class, scrolled to the step.
    client.execute_async(FRAMES, vec![]).await?;
    Ok(())
}

/// Saves a screenshot of the diagram's box, scrolled into the window as a reader would.
async fn shoot(client: &Client, path: &Path) -> TestResult {
    client.execute(SCROLL_TO_DIAGRAM, vec![]).await?;
    client.execute_async(FRAMES, vec![]).await?;
    let png = client.screenshot().await?;
    ensure!(png.starts_with(harness::PNG_SIGNATURE), "{} is not a PNG", path.display());
    std::fs::write(path, png)?;
    client.execute("window.scrollTo(0, 0)", vec![]).await?;
    Ok(())
}

/// Scrolls the window to the diagram, just below the playback bar that sticks to its top.
const SCROLL_TO_DIAGRAM: &str = r#"
const d = document.querySelector('.diagram');
const bar = document.querySelector('.app .playback');
const barHeight = bar && getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect().height : 0;
window.scrollTo(0, d.getBoundingClientRect().top + window.scrollY - barHeight - 8);
"#;

const FRAMES: &str = r#"
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
"#;

/// Changes the fragment and waits for the app to have handled it.
const GO: &str = r#"
const [link, done] = [arguments[0], arguments[arguments.length - 1]];
// The app follows the change; or, for a link a player cannot show (another experiment or
// language), boot.js takes the event and hands the page to the full module.
const html = document.documentElement;
const module = html.dataset.synackModule;
let finished = false;
const finish = () => {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  setTimeout(() => done(''), 0);
};
const timer = setTimeout(() => done(`no hashchange for #${link} (the address is ${location.hash})`), 20000);
window.addEventListener('hashchange', finish, { once: true });
new MutationObserver((_, o) => {
  if (html.dataset.synackModule !== module) {
    o.disconnect();
    finish();
  }
}).observe(html, { attributes: true, attributeFilter: ['data-synack-module'] });
location.hash = link;
"#;

/// Measures the diagram as drawn; returns what the Rust side checks.
const MEASURE: &str = r#"
const thresholds = arguments[0];
const app = document.querySelector('.app');
const box = document.querySelector('.diagram-scroll');
const svg = document.querySelector('svg[data-testid="diagram"]');
const b = box.getBoundingClientRect();
const inner = { left: b.left + box.clientLeft, top: b.top + box.clientTop };
inner.right = inner.left + box.clientWidth;
inner.bottom = inner.top + box.clientHeight;
const s = svg.getBoundingClientRect();
let expected = thresholds[0][1];
for (const [min, name] of thresholds) if (box.clientWidth >= min) expected = name;
const out = [];
const overflow = document.documentElement.scrollWidth - window.innerWidth;
if (overflow > 0) out.push(`the page scrolls sideways by ${overflow} px`);
const width = box.closest('.diagram').dataset.width;
if (width !== expected) out.push(`laid out as ${width} in a box ${box.clientWidth} px wide (expected ${expected})`);
if (s.width > box.clientWidth + 0.5) out.push(`the drawing is ${s.width.toFixed(1)} px wide in a box of ${box.clientWidth}`);
const inside = (r, what) => {
  if (r.left < inner.left - 1 || r.right > inner.right + 1) {
    out.push(`${what} spans x ${r.left.toFixed(1)}..${r.right.toFixed(1)}, outside the box's ${inner.left.toFixed(1)}..${inner.right.toFixed(1)}`);
  }
};
svg.querySelectorAll('.lifelines path.life').forEach((l, i) => inside(l.getBoundingClientRect(), `lifeline ${i}`));
svg.querySelectorAll('.arrows g[data-segment] .shaft').forEach((p) => inside(p.getBoundingClientRect(), `arrow ${p.parentNode.dataset.segment}`));
let smallest = Infinity, smallestText = '';
for (const t of document.querySelectorAll('svg.seqdiag text')) {
  const m = t.getScreenCTM();
  if (!m || t.getClientRects().length === 0) continue;
  const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  if (size < smallest) { smallest = size; smallestText = t.textContent; }
}
if (smallest < 10.95) out.push(`text drawn at ${smallest.toFixed(2)} px: "${smallestText}"`);
// State names and timers are drawn in their own colour, whatever the theme.
for (const t of svg.querySelectorAll('.tr-label, .timer-label:not(.minor)')) {
  const c = getComputedStyle(t);
  if (c.fill !== c.color) { out.push(`"${t.textContent}" is drawn in ${c.fill}, not in its colour ${c.color}`); break; }
}
const bg = getComputedStyle(box).backgroundColor, fill = getComputedStyle(svg.querySelector('.bg')).fill;
if (bg !== fill) out.push(`the box's background ${bg} is not the drawing's ${fill}`);
// At the last step, the last state change is in the box's view.
const dots = svg.querySelectorAll('.transitions circle:not(.future)');
if (dots.length) {
  const r = dots[dots.length - 1].getBoundingClientRect();
  if (r.top < inner.top - 1 || r.bottom > inner.bottom + 1) out.push(`the last state change (y ${r.top.toFixed(0)}) is scrolled out of the box (${inner.top.toFixed(0)}..${inner.bottom.toFixed(0)})`);
}
return { problems: out, smallest, width, theme: app.dataset.theme || '', lang: app.lang };
"#;

/// Steps from the first step to the last; at each, the step's arrows must be in the visible part
/// of the box.
const PLAY: &str = r#"
const done = arguments[arguments.length - 1];
const app = document.querySelector('.app');
const box = document.querySelector('.diagram-scroll');
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const key = (k) => app.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
(async () => {
  const problems = [];
  let steps = 0;
  key('Home');
  await frame();
  for (let i = 0; i < 400; i++) {
    const b = box.getBoundingClientRect();
    const bar = app.querySelector('.playback');
    const barBottom = bar && getComputedStyle(bar).position === 'sticky' && bar.getBoundingClientRect().top <= 1
      ? bar.getBoundingClientRect().bottom : 0;
    const top = Math.max(b.top + box.clientTop, 0, barBottom);
    const bottom = Math.min(b.top + box.clientTop + box.clientHeight, window.innerHeight);
    const left = Math.max(b.left + box.clientLeft, 0);
    const right = Math.min(b.left + box.clientLeft + box.clientWidth, window.innerWidth);
    for (const p of box.querySelectorAll('svg[data-testid="diagram"] .arrows g.current .shaft')) {
      const r = p.getBoundingClientRect();
      if (r.top < top - 1 || r.bottom > bottom + 1 || r.left < left - 1 || r.right > right + 1) {
        problems.push(`step ${i}: arrow ${p.parentNode.dataset.segment} at y ${r.top.toFixed(0)}..${r.bottom.toFixed(0)}, x ${r.left.toFixed(0)}..${r.right.toFixed(0)} is outside the visible box y ${top.toFixed(0)}..${bottom.toFixed(0)}, x ${left.toFixed(0)}..${right.toFixed(0)}`);
      }
    }
    steps++;
    const last = box.querySelectorAll('.arrows g.future').length === 0 && box.querySelectorAll('.transitions .future').length === 0;
    if (last) break;
    key('ArrowRight');
    await frame();
  }
  done({ problems, steps });
})();
"#;

fn report_problems(report: &Value, what: &str) -> Vec<String> {
    report["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| format!("{what}: {}", p.as_str().unwrap_or_default()))
        .collect()
}

/// Zoom and pan (buttons, keys, Ctrl+wheel, dragging), the focus ring, and arrows that are not
/// buttons having no name of their own.
async fn zoom_focus_and_names(client: &Client, url: &str) -> TestResult {
    let metrics = json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false });
    client.issue_cmd(Cdp("Emulation.setDeviceMetricsOverride", metrics)).await?;
    open(client, url, "syn-flood", true).await?;
    let result = client.execute_async(ZOOM, vec![]).await?;
    let problems: Vec<String> =
        result.as_array().into_iter().flatten().map(|p| p.as_str().unwrap_or_default().to_owned()).collect();
    ensure!(problems.is_empty(), "zoom and focus:\n{}", problems.join("\n"));
    open(client, &format!("{url}embed.html"), "lost-final-ack&ui=play.text.states", true).await?;
    let named = client
        .execute("return document.querySelectorAll('svg[data-testid=diagram] g[data-segment][aria-label]:not([role])').length", vec![])
        .await?;
    ensure!(named == json!(0), "{named} arrow groups carry a name without a role when segments are not buttons");
    Ok(())
}

const ZOOM: &str = r#"
const done = arguments[arguments.length - 1];
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const box = document.querySelector('.diagram-scroll');
const svg = () => box.querySelector('svg[data-testid="diagram"]');
const width = () => svg().getBoundingClientRect().width;
const click = (id) => document.querySelector(`[data-testid="${id}"]`).click();
(async () => {
  const out = [];
  const fit = width();
  click('zoom-in'); await frame();
  if (Math.abs(width() - fit * 1.25) > 2 && !(svg().classList.contains('zoomed'))) out.push(`zoom in: ${fit} -> ${width()}`);
  if (box.scrollWidth <= box.clientWidth) out.push('zoomed in, the box does not scroll sideways');
  box.focus();
  box.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true, cancelable: true })); await frame();
  const keyed = width();
  if (keyed <= fit * 1.25 + 1) out.push(`the + key does not zoom: ${keyed}`);
  const r = box.getBoundingClientRect();
  box.dispatchEvent(new WheelEvent('wheel', { deltaY: -300, ctrlKey: true, clientX: r.left + 100, clientY: r.top + 100, bubbles: true, cancelable: true }));
  await frame();
  if (width() <= keyed + 1) out.push(`Ctrl+wheel does not zoom: ${keyed} -> ${width()}`);
  // Drag to pan.
  const left = box.scrollLeft;
  const at = (type, x) => box.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: 'mouse', button: 0, clientX: x, clientY: r.top + 200, bubbles: true }));
  at('pointerdown', r.left + 300); at('pointermove', r.left + 200); at('pointerup', r.left + 200);
  await frame();
  if (box.scrollLeft <= left) out.push(`dragging does not pan: scrollLeft ${left} -> ${box.scrollLeft}`);
  box.dispatchEvent(new KeyboardEvent('keydown', { key: '0', bubbles: true, cancelable: true })); await frame();
  if (Math.abs(width() - fit) > 1) out.push(`0 does not fit again: ${width()} vs ${fit}`);
  // The focus ring: a segment focused from the keyboard paints its hit area.
  const seg = svg().querySelector('g[data-segment][role=button]');
  seg.focus();
  await frame();
  const hit = getComputedStyle(seg.querySelector('.hit'));
  if (!seg.matches(':focus-visible')) out.push('a segment focused from the keyboard is not :focus-visible');
  else if (hit.stroke === 'transparent' || hit.stroke === 'rgba(0, 0, 0, 0)' || parseFloat(hit.strokeWidth) < 6) out.push(`no focus ring: ${hit.stroke} ${hit.strokeWidth}`);
  done(out);
})().catch((e) => done([String(e)]));
"#;

/// The Mermaid text of every catalogue entry (both languages) and every adversarial scenario.
fn mermaid_texts() -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for e in tcp_sim::catalogue::ENTRIES {
        let trace = tcp_sim::simulate(&e.scenario().unwrap_or_else(|err| panic!("{}: {err}", e.name)));
        for lang in [Lang::En, Lang::Zh] {
            let text = seqdiag::mermaid::render(&trace, &ViewOptions { lang, ..ViewOptions::default() });
            texts.push((format!("{} ({lang:?})", e.name), text));
        }
    }
    let dir = repo_root().join("../shared/adversarial");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "the adversarial inputs are missing from {}", dir.display());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read the scenario");
        let mut scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Cut short, as in seqdiag's writer tests: the hosts and their names are what matter here.
        scenario.until_ms = Some(Millis::new(2.0).expect("a duration"));
        if scenario.link.delay_ms.get() < 1.0 {
            scenario.link.delay_ms = Millis::new(1.0).expect("a duration");
        }
        let trace = tcp_sim::simulate(&scenario);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        texts.push((name, seqdiag::mermaid::render(&trace, &ViewOptions::default())));
    }
    texts
}

/// Mermaid's own parser reads every text.
async fn mermaid_parses(client: &Client, url: &str) -> TestResult {
    client.goto(&format!("{url}mermaid.esm.min.mjs")).await?;
    let texts = mermaid_texts();
    let names: Vec<&str> = texts.iter().map(|(n, _)| n.as_str()).collect();
    let bodies: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let result = client.execute_async(PARSE, vec![json!(bodies)]).await?;
    let failures: Vec<String> = result
        .as_array()
        .ok_or("the parse script returned nothing")?
        .iter()
        .zip(&names)
        .filter_map(|(r, name)| r.as_str().filter(|e| !e.is_empty()).map(|e| format!("{name}: {e}")))
        .collect();
    ensure!(result.as_array().map_or(0, Vec::len) == texts.len(), "not every text was parsed: {result}");
    ensure!(failures.is_empty(), "Mermaid rejects:\n{}", failures.join("\n"));
    Ok(())
}

/// `mermaid.parse` of each text: an empty string when it parses, else the error.
const PARSE: &str = r#"
const [texts, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const mermaid = (await import('./mermaid.esm.min.mjs')).default;
  mermaid.initialize({ startOnLoad: false });
  const out = [];
  for (const t of texts) {
    try {
      const r = await mermaid.parse(t);
      out.push(r && r.diagramType === 'sequence' ? '' : `parsed as ${JSON.stringify(r)}`);
    } catch (e) {
      out.push(String(e && e.message || e));
    }
  }
  done(out);
})().catch((e) => done([String(e)]));
"#;
