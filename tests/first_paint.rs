//! End to end, a first visit (issue 9, items 7 and 8): the built site (`web/dist`) served under
//! `/synack/` with gzip and a strict Content-Security-Policy, in headless Chromium.
//!
//! - The static first frame in `index.html` and `embed.html` is the player's own first frame:
//!   `web/shell/*.html` are snapshots of it, checked here (`UPDATE_EXPECT=1` takes them again).
//! - The diagram is painted before the wasm has arrived, and does not move when the player takes
//!   over, nor when the full module does: at three widths, for the page and embeds, in both
//!   languages.
//! - The link's diagram is asked for before the page is laid out, where the window's width tells
//!   its width class.
//! - A first visit downloads the player only; what it lacks loads when asked for: a tapped
//!   segment opens the inspector with Drop focused and nothing lost, the settings open and change,
//!   the language switches.

mod harness;

use std::time::Duration;

use fantoccini::{Client, Locator};
use harness::{BASE, CSP, Cdp, ChromeDriver, TestResult, built_site, ensure, page_reports, screenshot, text_of};
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

/// The built site, as GitHub Pages serves it (gzip, any origin), under a strict CSP.
fn serve() -> Server {
    let config = Config::new(built_site(), BASE)
        .expect("serve web/dist")
        .with_header("Content-Security-Policy", CSP)
        .with_header("Access-Control-Allow-Origin", "*");
    Server::start("127.0.0.1:0", config).expect("start the static server")
}

/// Runs `body` in a fresh browser session against the served site; closes it whatever happened.
async fn in_browser<F>(body: impl FnOnce(Client, String) -> F)
where
    F: std::future::Future<Output = TestResult>,
{
    let server = serve();
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    let outcome = body(client.clone(), server.url()).await;
    let closed = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

/// Opens `url` afresh and waits until an app (`module`, e.g. `synack_player_en`) runs.
async fn open(client: &Client, url: &str, module: &str) -> TestResult {
    client.goto("about:blank").await?;
    client.goto(url).await?;
    for _ in 0..300 {
        let running = client.execute("return document.documentElement.dataset.synackModule || null", vec![]).await?;
        if running == json!(module) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let errors = page_reports(client, "__synackErrors").await;
    Err(format!("{url}: {module} never ran; page errors: {errors:?}").into())
}

/// What the player draws, as the static first frame holds it: its app element, cut just after the
/// diagram (which becomes `<!--synack:diagram-->`), without ids, test ids or tab stops (the frame
/// is inert, and must not be mistaken for the app).
const SNAPSHOT: &str = r#"
const app = document.querySelector('.synack-host [data-testid=app]');
const copy = app.cloneNode(true);
const diagram = copy.querySelector('svg[data-testid=diagram]');
for (let node = diagram; node && node !== copy; node = node.parentNode) {
  while (node.nextSibling) node.nextSibling.remove();
}
diagram.replaceWith(document.createComment('synack:diagram'));
const dropped = ['id', 'for', 'data-testid', 'data-upgrade', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'tabindex'];
for (const el of [copy, ...copy.querySelectorAll('*')]) dropped.forEach((a) => el.removeAttribute(a));
return copy.outerHTML + '\n';
"#;

#[tokio::test(flavor = "current_thread")]
async fn the_static_first_frame_is_the_players() {
    in_browser(|client, url| async move {
        let snapshots = [
            ("", "synack_player_en", expect_test::expect_file!["../web/shell/page.en.html"]),
            ("#lang=zh", "synack_player_zh", expect_test::expect_file!["../web/shell/page.zh.html"]),
            ("embed.html", "synack_player_en", expect_test::expect_file!["../web/shell/embed.en.html"]),
            ("embed.html#lang=zh", "synack_player_zh", expect_test::expect_file!["../web/shell/embed.zh.html"]),
        ];
        for (link, module, expected) in snapshots {
            open(&client, &format!("{url}{link}"), module).await?;
            let Value::String(html) = client.execute(SNAPSHOT, vec![]).await? else {
                return Err(format!("{link}: no snapshot").into());
            };
            expected.assert_eq(&html);
        }
        Ok(())
    })
    .await;
}

/// Each takeover boot.js recorded (`[module, before, after]`, each the diagram's `[x, y, width,
/// height]` in the document) and where the diagram is now.
const WHERE: &str = r#"
const round = (box) => box && box.map((v) => Math.round(v * 10) / 10);
const r = document.querySelector('.synack-host svg[data-testid=diagram]')?.getBoundingClientRect();
const now = r && [r.x + scrollX, r.y + scrollY, r.width, r.height];
return { takeovers: window.__synackTakeovers.map((t) => [t.to, round(t.before), round(t.after)]), now: round(now) };
"#;

/// Checks no takeover from the `from`th on moved the diagram (within 0.5 px), nor (`since`)
/// anything after the last. (A link that changes the experiment gets an empty box of about the
/// right size in the first frame: the first takeover may move it, so such a link checks from the
/// second. Opening the settings moves the diagram, as the reader asked: that checks no `since`.)
async fn stayed_put(client: &Client, from: usize, since: bool, what: &str) -> TestResult {
    let seen = client.execute(WHERE, vec![]).await?;
    let all = seen["takeovers"].as_array().cloned().unwrap_or_default();
    let takeovers = all.get(from..).unwrap_or_default();
    ensure!(!takeovers.is_empty(), "{what}: no takeover from the {from}th was recorded: {all:?}");
    let near = |a: &Value, b: &Value| {
        let (a, b) = (a.as_array(), b.as_array());
        a.zip(b).is_some_and(|(a, b)| {
            a.len() == 4
                && b.len() == 4
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(0.0)).abs() <= 0.5)
        })
    };
    for t in takeovers {
        ensure!(near(&t[1], &t[2]), "{what}: the diagram moved when {} took over: {} -> {}", t[0], t[1], t[2]);
    }
    let last = &takeovers[takeovers.len() - 1][2];
    ensure!(
        !since || near(last, &seen["now"]),
        "{what}: the diagram moved after the takeover: {last} -> {}",
        seen["now"]
    );
    Ok(())
}

/// Records in `window.__synackSizeWrites` each write of a size attribute to the diagram the page
/// holds (`data-prerendered`), from before `boot.js` runs.
const SIZE_WRITES: &str = r#"
window.__synackSizeWrites = [];
new MutationObserver((records) => {
  for (const r of records) if (r.target.dataset?.prerendered) window.__synackSizeWrites.push(r.attributeName);
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['width', 'height', 'viewBox'] });
"#;

/// When the prerendered diagram's response ended and the narration's request started (ms, or
/// null when not fetched).
const NARRATION_AFTER_DIAGRAM: &str = r#"
const all = performance.getEntriesByType('resource');
const svg = all.find((r) => /\/prerender\/[^/]*\.svg$/.test(r.name));
const narration = all.find((r) => /\.narration\.json$/.test(r.name));
return { diagram: svg ? svg.responseEnd : null, narration: narration ? narration.startTime : null };
"#;

/// The links tried at each width: the page, and embeds, in both languages.
const LINKS: [(&str, &str); 6] = [
    ("", "synack_player_en"),
    ("#lost-syn&lang=zh", "synack_player_zh"),
    ("#syn-flood", "synack_player_en"),
    ("embed.html#lost-final-ack&ui=play.text", "synack_player_en"),
    ("embed.html#refused&lang=zh&steps=1-2", "synack_player_zh"),
    ("embed.html#lost-syn&ui=none&theme=dark", "synack_player_en"),
];

#[tokio::test(flavor = "current_thread")]
async fn the_diagram_is_painted_first_and_stays_put() {
    in_browser(|client, url| async move {
        // The wasm held back (its requests paused, never answered): the first frame alone, with
        // the link's diagram drawn.
        client.issue_cmd(Cdp("Fetch.enable", json!({ "patterns": [{ "urlPattern": "*.wasm" }] }))).await?;
        client.issue_cmd(Cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": SIZE_WRITES }))).await?;
        for (width, link, shot) in [
            (1280, "", "first-frame-1280.png"),
            (360, "", "first-frame-360.png"),
            (360, "#lost-syn&lang=zh", "first-frame-360-zh.png"),
            (768, "embed.html#lost-final-ack&ui=play.text&theme=dark", "first-frame-embed-768-dark.png"),
        ] {
            client.set_window_size(width, 900).await?;
            client.goto("about:blank").await?;
            client.goto(&format!("{url}{link}")).await?;
            let arrows = Locator::Css(".synack-shell svg.seqdiag .arrows g[data-segment]");
            client.wait().at_most(Duration::from_secs(10)).for_element(arrows).await?;
            let state = client.execute("return document.documentElement.dataset.synack || null", vec![]).await?;
            ensure!(state != json!("running"), "{link}: the app ran without its wasm ({state})");
            // The sticky heads are those of the diagram drawn, not of the snapshot's class.
            let widths = client
                .execute(
                    "const s = document.querySelector('.synack-shell'); \
                     return [s.querySelector('.diagram-heads svg')?.viewBox.baseVal.width ?? null, \
                             s.querySelector('.diagram-scroll > svg.seqdiag').viewBox.baseVal.width]",
                    vec![],
                )
                .await?;
            ensure!(
                widths[0].is_null() || widths[0] == widths[1],
                "{link} at {width} px: heads and diagram differ: {widths}"
            );
            // A phone's first visit to the page draws the diagram the page holds: no request for it.
            let svgs: Vec<String> = fetched(&client, &url)
                .await?
                .into_iter()
                .filter(|f| f.ends_with(".svg") && f.starts_with("prerender/"))
                .collect();
            let inline = width == 360 && link.is_empty();
            ensure!(svgs.is_empty() == inline, "{link:?} at {width} px fetched {svgs:?}");
            // The player's narration is asked for once the diagram is drawn, never beside it.
            let mut order = Value::Null;
            for _ in 0..100 {
                order = client.execute(NARRATION_AFTER_DIAGRAM, vec![]).await?;
                if !order["narration"].is_null() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            ensure!(!order["narration"].is_null(), "{link:?} at {width} px: no narration fetched: {order}");
            ensure!(
                order["diagram"].as_f64().is_none_or(|drawn| order["narration"].as_f64() >= Some(drawn)),
                "{link:?} at {width} px: the narration was fetched before the diagram had arrived: {order}"
            );
            // Kept as the page holds it: its size is not written again, which would lay all of
            // it out again before the first frame.
            let writes = client.execute("return window.__synackSizeWrites", vec![]).await?;
            ensure!(
                !inline || writes == json!([]),
                "{link:?} at {width} px: boot.js wrote the held diagram's size: {writes}"
            );
            screenshot(&client, shot).await?;
        }
        client.issue_cmd(Cdp("Fetch.disable", json!({}))).await?;

        for width in [360, 768, 1280] {
            client.set_window_size(width, 900).await?;
            for (link, module) in LINKS {
                open(&client, &format!("{url}{link}"), module).await?;
                // What the app does just after (effects, the address bar) must not move it either.
                tokio::time::sleep(Duration::from_millis(300)).await;
                stayed_put(&client, 0, true, &format!("{link:?} at {width} px")).await?;
                let errors = page_reports(&client, "__synackErrors").await?;
                ensure!(errors.is_empty(), "{link:?} at {width} px logged errors: {errors:#?}");
            }
        }
        Ok(())
    })
    .await;
}

/// Records when the document first measured an element, `window.__synackFirstMeasure` (ms),
/// from before `boot.js` runs.
const FIRST_MEASURE: &str = r#"
const measure = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function () {
  window.__synackFirstMeasure ??= performance.now();
  return measure.call(this);
};
"#;

/// When the document asked for its prerendered diagram and first measured an element, and the
/// window's and the diagram box's widths (as `boot.js` measures the box).
const ASKED_AND_MEASURED: &str = r#"
const svg = performance.getEntriesByType('resource').find((r) => /\/prerender\/[^/]*\.svg$/.test(r.name));
const shell = document.querySelector('.synack-shell');
const probe = shell.querySelector('.diagram-heads') || shell.querySelector('.diagram-scroll');
return { asked: svg ? svg.startTime : null, measured: window.__synackFirstMeasure ?? null,
         window: innerWidth, box: probe.getBoundingClientRect().width };
"#;

/// `boot.js` asks for the link's prerendered diagram before laying the page out, with the width
/// class it tells from the window's width (`classBeforeLayout`). Its premise, checked from 320 to
/// 1280 px: an embed's box is the window's width less 18 to 52 px; the page's, in one column (up
/// to 960 px), less 34 to 68. Where that range lies within one class (here an embed at 360 and
/// 1280 px, the page at 360), the request comes before anything is measured.
#[tokio::test(flavor = "current_thread")]
async fn the_diagram_is_asked_for_before_the_layout() {
    in_browser(|client, url| async move {
        client.issue_cmd(Cdp("Fetch.enable", json!({ "patterns": [{ "urlPattern": "*.wasm" }] }))).await?;
        client.issue_cmd(Cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": FIRST_MEASURE }))).await?;
        // Each link with its box's frame (px), the widest window in which that range holds, and the
        // widths at which the range lies within one class.
        let cases: [(&str, f64, u32, &[u32]); 2] =
            [("embed.html#lost-final-ack&ui=play.text", 18.0, 1280, &[360, 1280]), ("#lost-syn", 34.0, 960, &[360])];
        for (link, frame, one_column, told) in cases {
            for width in [320, 360, 412, 600, 768, 1024, 1280] {
                client.set_window_size(width, 900).await?;
                client.goto("about:blank").await?;
                client.goto(&format!("{url}{link}")).await?;
                let arrows = Locator::Css(".synack-shell svg.seqdiag .arrows g[data-segment]");
                client.wait().at_most(Duration::from_secs(10)).for_element(arrows).await?;
                let seen = client.execute(ASKED_AND_MEASURED, vec![]).await?;
                let number =
                    |key: &str| seen[key].as_f64().ok_or_else(|| format!("{link:?} at {width} px, no {key}: {seen}"));
                let (window, box_width) = (number("window")?, number("box")?);
                ensure!(
                    width > one_column || (window - frame - 34.0..=window - frame).contains(&box_width),
                    "{link:?} at {width} px: the diagram's box is {box_width} px wide in a {window} px \
                     window, outside the range boot.js tells its width class from: {seen}"
                );
                if told.contains(&width) {
                    let (asked, measured) = (number("asked")?, number("measured")?);
                    ensure!(
                        asked <= measured,
                        "{link:?} at {width} px: the diagram was asked for only after the box was measured: {seen}"
                    );
                }
            }
        }
        client.issue_cmd(Cdp("Fetch.disable", json!({}))).await?;
        Ok(())
    })
    .await;
}

/// The site's files a document fetched, relative to the site (`boot.js`, `prerender/…`). (Not the
/// browser's own probe of the origin's `/favicon.ico`, outside the site.)
async fn fetched(client: &Client, url: &str) -> TestResult<Vec<String>> {
    let names = client.execute("return performance.getEntriesByType('resource').map((e) => e.name)", vec![]).await?;
    let names: Vec<String> = serde_json::from_value(names)?;
    let origin = url.strip_suffix(BASE).unwrap_or(url);
    Ok(names
        .into_iter()
        .filter(|n| n.starts_with(url) || !n.starts_with(&format!("{origin}/favicon.ico")))
        .map(|n| n.strip_prefix(url).map_or(n.clone(), str::to_owned))
        .collect())
}

/// Fails unless every file fetched is one of `allowed` (or a prerendered diagram).
fn only(files: &[String], allowed: &[&str], what: &str) -> TestResult {
    let others: Vec<&String> =
        files.iter().filter(|f| !allowed.contains(&f.as_str()) && !f.starts_with("prerender/")).collect();
    ensure!(others.is_empty(), "{what} fetched more than the player: {others:?} (all: {files:?})");
    Ok(())
}

async fn attr(client: &Client, js: &str) -> TestResult<String> {
    let v = client.execute(&format!("return {js}"), vec![]).await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test(flavor = "current_thread")]
async fn what_a_first_visit_lacks_loads_when_asked_for() {
    in_browser(|client, url| async move {
        client.set_window_size(1280, 900).await?;

        // A link that changes the experiment (a fault) is narrated by the full module: it starts
        // with it, the player never loads.
        let faulty = "embed.html#lost-syn&lang=zh&step=3&f=server.fin.1.drop";
        open(&client, &format!("{url}{faulty}"), "synack_web").await?;
        let files = fetched(&client, &url).await?;
        ensure!(!files.iter().any(|f| f.starts_with("synack_player")), "{faulty}: a player loaded: {files:?}");
        ensure!(!text_of(&client, r#"[data-testid="faults"]"#).await?.is_empty(), "{faulty}: no faults shown");

        // An entry the player leaves out (tcp_sim::catalogue::Entry::on_demand) starts with the
        // full module, which draws and narrates it; its first frame is its prerendered diagram,
        // sized from `prerender/on-demand.json` (the first visit's table leaves it out).
        let entry = tcp_sim::catalogue::ENTRIES.iter().find(|e| e.on_demand).ok_or("no on-demand entry")?;
        let link = format!("embed.html#{}&lang=zh", entry.name);
        open(&client, &format!("{url}{link}"), "synack_web").await?;
        let files = fetched(&client, &url).await?;
        ensure!(!files.iter().any(|f| f.starts_with("synack_player")), "{link}: a player loaded: {files:?}");
        ensure!(files.iter().any(|f| f == "prerender/on-demand.json"), "{link}: no sizes fetched: {files:?}");
        let svg = format!("prerender/{}.zh.", entry.name);
        ensure!(
            files.iter().any(|f| f.starts_with(&svg)),
            "{link}: its prerendered diagram was not fetched: {files:?}"
        );
        ensure!(chinese(&text_of(&client, r#"[data-testid="headline"]"#).await?), "{link}: no narration");
        let arrows = client.find_all(Locator::Css(".arrows g[data-segment]")).await?.len();
        ensure!(arrows > 0, "{link}: no segment drawn");

        // An embed in Chinese, at step 3: the player, its narration, nothing else.
        let embed = "embed.html#lost-syn&lang=zh&step=3";
        open(&client, &format!("{url}{embed}"), "synack_player_zh").await?;
        let files = fetched(&client, &url).await?;
        only(&files, &["boot.js", "style-embed.css", "synack_player_zh.js", "synack_player_zh_bg.wasm"], embed)?;
        let count = text_of(&client, r#"[data-testid="step-count"]"#).await?;
        ensure!(chinese(&text_of(&client, r#"[data-testid="headline"]"#).await?), "{embed}: no narration");
        ensure!(count.contains("3/") && chinese(&count), "{embed}: the player shows {count}");
        // A tap on a segment: the full module takes over, and its inspector opens on that segment.
        client.find(Locator::Css(r#".arrows g[data-segment="1"]"#)).await?.click().await?;
        let drop = Locator::Css(r#"[data-testid="inspector-drop"]"#);
        client.wait().at_most(Duration::from_secs(30)).for_element(drop).await?;
        ensure!(attr(&client, "document.documentElement.dataset.synackModule").await? == "synack_web", "no upgrade");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let focused = attr(&client, "document.activeElement.dataset.testid || document.activeElement.tagName").await?;
        ensure!(focused == "inspector-drop", "after the tap, focus is on {focused}, not the inspector's Drop");
        ensure!(text_of(&client, r#"[data-testid="step-count"]"#).await? == count, "the step changed");
        ensure!(chinese(&text_of(&client, r#"[data-testid="headline"]"#).await?), "the language changed");
        stayed_put(&client, 1, true, "the embed's upgrade").await?;
        screenshot(&client, "upgraded-embed-inspector.png").await?;
        // And it works: dropping the segment simulates again.
        client.find(drop).await?.click().await?;
        client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".arrows g.seg.lost")).await?;

        // The page: the player; the settings load when opened, and a changed value takes.
        open(&client, &url, "synack_player_en").await?;
        let files = fetched(&client, &url).await?;
        only(
            &files,
            &["boot.js", "style.css", "synack_player_en.js", "synack_player_en_bg.wasm", "favicon.svg"],
            "the page",
        )?;
        client.find(Locator::Css("details.settings > summary")).await?.click().await?;
        let delay = Locator::Css(r#"[data-testid="set-delay"]"#);
        let field = client.wait().at_most(Duration::from_secs(30)).for_element(delay).await?;
        ensure!(attr(&client, "String(document.querySelector('details.settings').open)").await? == "true", "closed");
        stayed_put(&client, 0, false, "the page's upgrade").await?;
        // Select what the field holds and type over it (clearing it alone is a change of its own).
        field.send_keys("\u{E009}a\u{E000}25\u{E004}").await?; // Ctrl+A, 25, Tab: the change event
        let mut address = String::new();
        for _ in 0..60 {
            address = client.current_url().await?.fragment().unwrap_or_default().to_owned();
            if address.contains("d=25") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ensure!(address.contains("d=25"), "the delay did not take: the address says #{address}");

        // The language: the player has one; switching loads the full module, which has both.
        open(&client, &url, "synack_player_en").await?;
        client.find(Locator::Css(r#"[data-testid="lang"]"#)).await?.click().await?;
        for _ in 0..300 {
            if chinese(&text_of(&client, r#"[data-testid="headline"]"#).await.unwrap_or_default()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ensure!(chinese(&text_of(&client, r#"[data-testid="headline"]"#).await?), "the language did not switch");
        ensure!(attr(&client, "document.activeElement.dataset.testid").await? == "lang", "focus left the switch");
        let errors = page_reports(&client, "__synackErrors").await?;
        ensure!(errors.is_empty(), "the page logged errors: {errors:#?}");
        Ok(())
    })
    .await;
}
