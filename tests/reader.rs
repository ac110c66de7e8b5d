//! End to end, the reader's screen (issue #9): the built site (`web/dist`) under `/synack/` in one
//! headless Chromium session, as a reader sees it on a phone, a tablet and a desktop.
//!
//! - The page at 360×800, 768×1024 and 1280×900, light and dark, English and 中文, for every
//!   catalogue entry: nothing sticks out sideways; tapping a segment opens the inspector with its
//!   Drop button on screen and the segment still visible; Escape closes it and the focus is back
//!   on the segment.
//! - The sample post's three iframe embeds at 360 and 1280 px: each frame is as tall as its
//!   content (the embed posts its height, `embed.js` sets it), no part has a scroll box of its
//!   own, and the narration is whole.
//! - axe-core (the version pinned in `tools/package.json`): no violation on the page, the page
//!   with the inspector open, and an embed with each `ui=` part, in both themes and languages.
//!
//! - The odds under loss (issue #14) at 360 and 1280 px, light and dark, English and 中文: the
//!   panel runs, its outcomes and charts fit the width, and a bar opens one of its runs.
//!
//! Screenshots go to `target/artifacts/reader/`.

mod harness;

use std::fs;
use std::time::Duration;

use fantoccini::{Client, Locator};
use harness::{
    BASE, ChromeDriver, TestResult, artifacts_dir, built_site, emulate, ensure, eventually, full_page_screenshot, open,
    page_reports, repo_root, screenshot,
};
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

const VIEWPORTS: [(u32, u32); 3] = [(360, 800), (768, 1024), (1280, 900)];
const ARROWS: &str = r#"svg[data-testid="diagram"] .arrows g[data-segment]"#;

#[tokio::test(flavor = "current_thread")]
async fn the_reader_can_use_synack_on_a_phone_in_a_post_and_with_assistive_technology() {
    let config =
        Config::new(built_site(), BASE).expect("serve web/dist").with_header("Access-Control-Allow-Origin", "*");
    let server = Server::start("127.0.0.1:0", config).expect("start the static server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    fs::create_dir_all(artifacts_dir().join("reader")).expect("create target/artifacts/reader");

    let url = server.url();
    let outcome = async {
        skip_link_goes_to_the_diagram(&client, &url).await?;
        element_embeds_inspect_in_place(&client, &url).await?;
        every_entry_on_every_screen(&client, &url).await?;
        the_sample_post_sizes_its_embeds(&client, &url).await?;
        the_odds_read_on_a_phone_and_a_desktop(&client, &url).await?;
        exercises_read_on_a_phone_and_a_desktop(&client, &url).await?;
        comparisons_read_on_a_phone_and_a_desktop(&client, &url).await?;
        axe_finds_nothing(&client, &url).await
    }
    .await;
    let closed = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

/// Two animation frames: what was just dispatched is drawn.
async fn settle(client: &Client) -> TestResult {
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)))",
            vec![],
        )
        .await?;
    Ok(())
}

/// Shows catalogue entry `entry` in the open page by following a link to it, as the back button
/// or a permalink would, and waits until the picker shows it.
async fn show_entry(client: &Client, entry: &str, zh: bool) -> TestResult {
    let fragment = if zh { format!("{entry}&lang=zh") } else { entry.to_owned() };
    client.execute("location.hash = arguments[0]", vec![json!(fragment)]).await?;
    for _ in 0..100 {
        let shown = client.execute("return document.querySelector('#entry').value", vec![]).await?;
        if shown == json!(entry) {
            return settle(client).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("the page never showed {entry}").into())
}

/// Taps segment `segment` (scrolled to the middle of the screen first, as a reader would have it
/// under their thumb), waits for the inspector and reports where things are:
/// `[drop top, drop bottom, drop left, drop right, seg top, seg bottom, seg left, seg right,
/// seg centre covered by the inspector, viewport width, viewport height, numbers broken across
/// lines, how far the page is wider than the screen]`.
const TAP: &str = r#"
const [segment, done] = [arguments[0], arguments[arguments.length - 1]];
const g = document.querySelector(`.arrows g[data-segment="${segment}"][role="button"]`);
g.scrollIntoView({ block: 'center', inline: 'center' });
g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  await frame();
  // A player hands the tap over to the full module, which it loads first (up to 20 s here).
  for (let i = 0; i < 400 && !document.querySelector('[data-testid="inspector-drop"]'); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await frame();
  const drop = document.querySelector('[data-testid="inspector-drop"]');
  if (!drop) return done(null);
  const d = drop.getBoundingClientRect();
  // The segment as drawn now (after a takeover, by the full module).
  const now = document.querySelector(`.arrows g[data-segment="${segment}"][role="button"]`) || g;
  const s = now.getBoundingClientRect();
  const i = document.querySelector('[data-testid="inspector"]').getBoundingClientRect();
  const [cx, cy] = [(s.left + s.right) / 2, (s.top + s.bottom) / 2];
  const covered = cx >= i.left && cx <= i.right && cy >= i.top && cy <= i.bottom;
  // Numbers and addresses in the field table that wrap onto a second line.
  const broken = [...document.querySelectorAll('.inspector .num, .inspector .insp-value small, .inspector .insp-value code')]
    .filter((el) => el.getClientRects().length > 1).map((el) => el.textContent);
  const wider = document.documentElement.scrollWidth - innerWidth;
  done([d.top, d.bottom, d.left, d.right, s.top, s.bottom, s.left, s.right, covered, innerWidth, innerHeight, broken, wider]);
})();
"#;

/// The segment a reader would tap: the middle one of those drawn.
async fn middle_segment(client: &Client) -> TestResult<u64> {
    let all = client
        .execute(
            "return [...document.querySelectorAll('.arrows g[data-segment][role=button]:not(.future)')].map(g => +g.dataset.segment)",
            vec![],
        )
        .await?;
    let all: Vec<u64> = serde_json::from_value(all)?;
    ensure!(!all.is_empty(), "no segment to tap");
    Ok(all[all.len() / 2])
}

/// Taps a segment, checks the inspector opened where the reader is, presses Escape and checks
/// the focus went back to the segment.
async fn tap_inspect_escape(client: &Client, what: &str, shot: Option<&str>) -> TestResult {
    let segment = middle_segment(client).await?;
    let at = client.execute_async(TAP, vec![json!(segment)]).await?;
    ensure!(!at.is_null(), "{what}: tapping segment {segment} did not open the inspector");
    let n = |i: usize| at[i].as_f64().unwrap_or(f64::NAN);
    let (width, height) = (n(9), n(10));
    ensure!(
        n(0) >= 0.0 && n(1) <= height && n(2) >= 0.0 && n(3) <= width,
        "{what}: after tapping segment {segment} its Drop button is off screen: {at}"
    );
    ensure!(
        n(4) >= -1.0 && n(5) <= height + 1.0 && n(7) > 0.0 && n(6) < width && at[8] == json!(false),
        "{what}: after tapping segment {segment} the segment is off screen or under the inspector: {at}"
    );
    ensure!(at[11] == json!([]), "{what}: numbers broken across lines in the inspector: {}", at[11]);
    ensure!(
        at[12].as_f64().is_some_and(|w| w <= 0.0),
        "{what}: with the inspector open the page is wider than the screen by {} px",
        at[12]
    );
    if let Some(name) = shot {
        screenshot(client, name).await?;
    }
    client.active_element().await?.send_keys("\u{E00C}").await?; // Escape
    closed_with_focus_on(client, segment, &format!("{what}, after Escape")).await
}

/// Checks the inspector is closed and the focus is back on segment `segment`.
async fn closed_with_focus_on(client: &Client, segment: u64, what: &str) -> TestResult {
    settle(client).await?;
    let focus = client
        .execute(
            "const a = document.activeElement; return [!!document.querySelector('[data-testid=inspector]'), a && a.getAttribute('data-segment')]",
            vec![],
        )
        .await?;
    ensure!(
        focus == json!([false, segment.to_string()]),
        "{what}: the inspector is still open or the focus is not on segment {segment}: {focus}"
    );
    Ok(())
}

/// Tapping outside the inspector (on text, not on a control) closes it, and the focus goes back
/// to the segment.
async fn tap_outside_closes(client: &Client, what: &str) -> TestResult {
    let segment = middle_segment(client).await?;
    ensure!(!client.execute_async(TAP, vec![json!(segment)]).await?.is_null(), "{what}: the inspector did not open");
    client.find(Locator::Css("header.top .tagline")).await?.click().await?;
    closed_with_focus_on(client, segment, &format!("{what}, after a tap outside")).await
}

async fn every_entry_on_every_screen(client: &Client, url: &str) -> TestResult {
    let entries: Vec<String> = tcp_entries();
    for (width, height) in VIEWPORTS {
        for dark in [false, true] {
            for zh in [false, true] {
                let case = format!("{width}-{}-{}", if dark { "dark" } else { "light" }, if zh { "zh" } else { "en" });
                emulate(client, width, height, dark).await?;
                open(client, &format!("{url}#{}", if zh { "lang=zh" } else { "" })).await?;
                for (i, entry) in entries.iter().enumerate() {
                    let what = format!("{entry} at {case}");
                    show_entry(client, entry, zh).await?;
                    client.execute("window.scrollTo(0, 0)", vec![]).await?;
                    let overflow =
                        client.execute("return document.documentElement.scrollWidth - innerWidth", vec![]).await?;
                    ensure!(
                        overflow.as_f64().is_some_and(|o| o <= 0.0),
                        "{what}: the page is wider than the screen by {overflow} px"
                    );
                    if case == "360-light-en" {
                        full_page_screenshot(client, &format!("reader/page-{entry}-{case}.png"), 5000).await?;
                    }
                    if i == 0 {
                        page_reads_in_its_language(client, &what, zh).await?;
                    }
                    // One screenshot of the open inspector per screen, theme and language.
                    let shot = (i == 3).then(|| format!("reader/inspector-{entry}-{case}.png"));
                    tap_inspect_escape(client, &what, shot.as_deref()).await?;
                    if i == 1 {
                        tap_outside_closes(client, &what).await?;
                    }
                }
                if case.ends_with("zh") || case.contains("dark") {
                    client.execute("window.scrollTo(0, 0)", vec![]).await?;
                    full_page_screenshot(client, &format!("reader/page-{case}.png"), 5000).await?;
                }
                let errors = page_reports(client, "__synackErrors").await?;
                ensure!(errors.is_empty(), "{case}: the page logged errors: {errors:#?}");
            }
        }
    }
    Ok(())
}

/// The narration says which step it belongs to (the step the playback bar shows), and the
/// page's own file button speaks the page's language.
async fn page_reads_in_its_language(client: &Client, what: &str, zh: bool) -> TestResult {
    let facts = client
        .execute(
            "const t = (css) => document.querySelector(css)?.textContent.trim() ?? null;
             return [t('[data-testid=narration-step] .step-no'), t('[data-testid=step-count]'), t('label[for=load-scenario]')]",
            vec![],
        )
        .await?;
    let numbers =
        |v: &Value| v.as_str().and_then(|t| t.split_whitespace().find(|w| w.contains('/'))).map(str::to_owned);
    ensure!(
        numbers(&facts[0]).is_some() && numbers(&facts[0]) == numbers(&facts[1]),
        "{what}: the narration's step and the playback bar's differ: {facts}"
    );
    let button = if zh { "打开场景或抓包文件……" } else { "Open a scenario or a capture…" };
    ensure!(facts[2] == json!(button), "{what}: the file button reads {}", facts[2]);
    Ok(())
}

/// The first Tab reaches the skip link, which takes the focus to the diagram.
async fn skip_link_goes_to_the_diagram(client: &Client, url: &str) -> TestResult {
    emulate(client, 1280, 900, false).await?;
    open(client, url).await?;
    client.execute("document.activeElement && document.activeElement.blur()", vec![]).await?;
    client.find(Locator::Css("body")).await?.send_keys("\u{E004}").await?; // Tab
    let first = client.execute("return document.activeElement.className", vec![]).await?;
    ensure!(first == json!("skip-link"), "the first tab stop is {first}, not the skip link");
    client.active_element().await?.send_keys("\u{E007}").await?; // Enter
    settle(client).await?;
    let focus = client.execute("return document.activeElement.id", vec![]).await?;
    ensure!(focus == json!("diagram"), "the skip link took the focus to {focus}");
    let url_now = client.current_url().await?;
    ensure!(url_now.fragment().is_none(), "the skip link changed the permalink: {url_now}");
    Ok(())
}

/// An element embed (in a shadow root of the host page): the inspector opens on screen and
/// Escape returns the focus to the segment, inside the shadow root.
const ELEMENT_TAP: &str = r#"
const done = arguments[arguments.length - 1];
const host = document.querySelector('[data-testid=element-lost-syn]');
const frame = () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(r)), 20));
(async () => {
  for (let i = 0; i < 300 && !host.shadowRoot?.querySelector('.arrows g[role=button]'); i++) await frame();
  const root = host.shadowRoot;
  if (!root) return done('the element embed never mounted');
  const g = root.querySelector('.arrows g[data-segment="2"][role=button]');
  if (!g) return done('no segment button in the element embed');
  g.scrollIntoView({ block: 'center' });
  g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await frame();
  const drop = root.querySelector('[data-testid=inspector-drop]');
  if (!drop) return done('the inspector did not open');
  const d = drop.getBoundingClientRect();
  if (d.top < 0 || d.bottom > innerHeight) return done(`its Drop button is off screen: ${d.top}..${d.bottom}`);
  root.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
  await frame();
  const a = root.activeElement;
  done(a && a.getAttribute('data-segment') === '2' && !root.querySelector('[data-testid=inspector]')
    ? 'ok' : `after Escape the focus is on ${a && a.outerHTML.slice(0, 60)}`);
})();
"#;

async fn element_embeds_inspect_in_place(client: &Client, url: &str) -> TestResult {
    emulate(client, 360, 800, false).await?;
    client.goto("about:blank").await?;
    client.goto(&format!("{url}examples/elements.html")).await?;
    let outcome = client.execute_async(ELEMENT_TAP, vec![]).await?;
    ensure!(outcome == json!("ok"), "element embed: {outcome}");
    Ok(())
}

/// The catalogue's entry names, as `synack list` prints them.
fn tcp_entries() -> Vec<String> {
    let dir = repo_root().join("crates/tcp-sim/scenarios");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("read the catalogue's scenarios")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "the catalogue in {} has only {names:?}", dir.display());
    names
}

/// In the current frame: elements with a scroll box of their own whose content is taller than
/// the box (`[description, scrollHeight, clientHeight]`), whether the document itself scrolls,
/// the narration's height and the part of it that shows, and the app's natural height.
const FRAME_FACTS: &str = r#"
const boxes = [...document.querySelectorAll('*')].filter((el) => {
  const s = getComputedStyle(el);
  return ['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
}).map((el) => [el.tagName + '.' + el.className, el.scrollHeight, el.clientHeight]);
const n = document.querySelector('[data-testid=narration]');
const r = n ? n.getBoundingClientRect() : null;
const app = document.querySelector('[data-testid=app]');
return {
  boxes,
  docScrolls: document.documentElement.scrollHeight > innerHeight + 1,
  narration: r ? [n.scrollHeight, n.clientHeight, r.top, r.bottom, innerHeight] : null,
  app: Math.max(app.scrollHeight, Math.ceil(app.getBoundingClientRect().height)),
  inner: innerHeight,
};
"#;

async fn the_sample_post_sizes_its_embeds(client: &Client, url: &str) -> TestResult {
    for (width, height) in [(360, 800), (1280, 900)] {
        emulate(client, width, height, false).await?;
        client.goto("about:blank").await?;
        client.goto(&format!("{url}examples/article.html")).await?;
        let frames = client.find_all(Locator::Css("iframe.synack")).await?;
        ensure!(frames.len() == 3, "the sample post has {} embeds, expected 3", frames.len());
        for (i, frame) in frames.iter().enumerate() {
            let what = format!("embed {} of the sample post at {width} px", i + 1);
            // The frames load lazily: bring each into view, wait for it to draw and to settle
            // (the autoplaying one changes height as it plays; wait for it to finish).
            client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(frame)?]).await?;
            frame.clone().enter_frame().await?;
            client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(ARROWS)).await?;
            let mut facts = Value::Null;
            for _ in 0..80 {
                let playing = client
                    .execute("const p = document.querySelector('[data-testid=play]'); return !!p && p.getAttribute('aria-pressed') === 'true'", vec![])
                    .await?;
                facts = client.execute(FRAME_FACTS, vec![]).await?;
                let fits = (facts["app"].as_f64().unwrap_or(0.0) - facts["inner"].as_f64().unwrap_or(0.0)).abs() <= 2.0;
                if playing == json!(false) && fits {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            client.enter_parent_frame().await?;
            let (app, inner) = (facts["app"].as_f64().unwrap_or(0.0), facts["inner"].as_f64().unwrap_or(0.0));
            ensure!((app - inner).abs() <= 2.0, "{what}: the frame is {inner} px tall, its content {app} px: {facts}");
            ensure!(facts["boxes"] == json!([]), "{what}: parts with a scroll box of their own: {}", facts["boxes"]);
            ensure!(facts["docScrolls"] == json!(false), "{what}: the frame scrolls inside: {facts}");
            let n = &facts["narration"];
            ensure!(
                n.is_array() && n[0].as_f64() <= n[1].as_f64() && n[3].as_f64() <= n[4].as_f64(),
                "{what}: the narration is cut: {n}"
            );
            client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(frame)?]).await?;
            screenshot(client, &format!("reader/article-{width}-embed-{}.png", i + 1)).await?;
        }
        client.execute("window.scrollTo(0, 0)", vec![]).await?;
        full_page_screenshot(client, &format!("reader/article-{width}.png"), 8000).await?;
    }
    Ok(())
}

/// Runs axe-core on the current document (and its frames); the violations, one line each.
/// Opens the odds of the handshake under 20 % loss, runs them, and looks: nothing wider than the
/// screen, the outcomes listed, three charts, and the first outcome opens a run (its seed in the
/// link). Screenshots of the panel at each width, theme and language.
async fn the_odds_read_on_a_phone_and_a_desktop(client: &Client, url: &str) -> TestResult {
    let axe_source = fs::read_to_string(repo_root().join("tools/node_modules/axe-core/axe.min.js"))?;
    // The player shows the odds' folded heading; opening it loads the full module, which opens them.
    emulate(client, 360, 800, false).await?;
    open(client, url).await?;
    client.find(Locator::Css("[data-testid=odds] > summary")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("[data-testid=odds-loss]")).await?;
    let opened = client.execute("return document.querySelector('[data-testid=odds]').open", vec![]).await?;
    ensure!(opened == json!(true), "the odds opened from the player's heading are folded again");
    for (width, height, dark, zh) in
        [(360, 800, false, true), (360, 800, true, false), (1280, 900, true, true), (1280, 900, false, false)]
    {
        emulate(client, width, height, dark).await?;
        let lang = if zh { "&lang=zh" } else { "" };
        open(client, &format!("{url}#handshake&loss=20{lang}")).await?;
        let done = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const wait = (ready, then, tries = 600) => ready() ? then()
                   : tries ? setTimeout(() => wait(ready, then, tries - 1), 50) : done('timed out');
                 wait(() => document.querySelector('[data-testid=odds-run]'), () => {
                   const odds = document.querySelector('[data-testid=odds]');
                   odds.open = true;
                   const runs = document.querySelector('[data-testid=odds-runs]');
                   runs.value = '2000';
                   runs.dispatchEvent(new Event('change', { bubbles: true }));
                   requestAnimationFrame(() => {
                     document.querySelector('[data-testid=odds-run]').click();
                     wait(() => document.querySelector('[data-testid=odds-result]'), () => {
                       odds.scrollIntoView({ block: 'start' });
                       done({
                         overflow: document.documentElement.scrollWidth - window.innerWidth,
                         outcomes: document.querySelectorAll('[data-testid=odds-outcomes] button').length,
                         charts: document.querySelectorAll('.odds-chart .bars').length,
                         wide: [...odds.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).length,
                       });
                     });
                   });
                 });",
                vec![],
            )
            .await?;
        let case = format!("{width}{}{}", if dark { "-dark" } else { "" }, if zh { "-zh" } else { "" });
        ensure!(done.is_object(), "the odds at {case}: {done}");
        ensure!(
            done["overflow"].as_f64().is_some_and(|o| o <= 0.0) && done["wide"].as_u64() == Some(0),
            "the odds stick out at {case}: {done}"
        );
        ensure!(
            done["outcomes"].as_u64().is_some_and(|n| n >= 1) && done["charts"].as_u64() == Some(3),
            "the odds at {case}: {done}"
        );
        settle(client).await?;
        screenshot(client, &format!("reader/odds-{case}.png")).await?;
        let found = axe(client, &axe_source).await?;
        ensure!(found.is_empty(), "axe-core on the odds at {case}:\n{}", found.join("\n"));
        client
            .execute("document.querySelector('[data-testid=odds-outcomes] button').click(); return true", vec![])
            .await?;
        let mut linked = String::new();
        for _ in 0..100 {
            linked = client.execute("return location.hash", vec![]).await?.as_str().unwrap_or_default().to_string();
            if linked.contains("seed=") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ensure!(linked.contains("seed="), "a bar of the odds did not open a run at {case}: {linked}");
    }
    Ok(())
}

/// Predict, then reveal: an embed with `ui=play.exercise` and the page (offered by the player or
/// the full module, asked in its side column) ask four-way-close's first question, take an answer and say whether it was right.
/// At each width, theme and language: nothing wider than the screen, every choice on screen in
/// full, axe-core clean; screenshots of the question and of the verdict.
async fn exercises_read_on_a_phone_and_a_desktop(client: &Client, url: &str) -> TestResult {
    let axe_source = fs::read_to_string(repo_root().join("tools/node_modules/axe-core/axe.min.js"))?;
    for (width, height, dark, zh, embed) in [
        (360, 800, false, true, true),
        (360, 800, true, false, true),
        (1280, 900, true, true, false),
        (1280, 900, false, false, true),
        (360, 800, false, false, false),
    ] {
        emulate(client, width, height, dark).await?;
        let lang = if zh { "&lang=zh" } else { "" };
        // The page offers them under its export bar: from the player in one case (its button
        // loads the full module, which starts them), from the full module in the other (a
        // setting in the link starts it at once).
        let from_player = !embed && zh;
        let link = if embed {
            format!("{url}embed.html#four-way-close&ui=play.exercise{lang}")
        } else if from_player {
            format!("{url}#four-way-close{lang}")
        } else {
            format!("{url}#four-way-close&p=rfc9293{lang}")
        };
        open(client, &link).await?;
        if from_player {
            let offered = eventually(
                client,
                "return !document.documentElement.hasAttribute('data-synack-upgraded')
                   && !!document.querySelector('[data-testid=exercise-start][data-upgrade]')",
                &json!(true),
            )
            .await?;
            ensure!(offered == json!(true), "the player does not offer four-way-close's exercises");
        }
        let case = format!(
            "{}-{width}{}{}",
            if embed { "embed" } else { "page" },
            if dark { "-dark" } else { "" },
            if zh { "-zh" } else { "" }
        );
        let asked = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const wait = (ready, then, tries = 600) => ready() ? then()
                   : tries ? setTimeout(() => wait(ready, then, tries - 1), 50) : done('timed out');
                 const q = (s) => document.querySelector(s);
                 const start = () => q('[data-testid=exercise-start]') ? q('[data-testid=exercise-start]').click() : null;
                 wait(() => q('[data-testid=exercise-start]') || q('[data-testid=exercise-skip]'), () => {
                   start();
                   wait(() => q('[data-testid=exercise-skip]'), () => {
                     q('[data-testid=exercise-skip]').click();
                     wait(() => q('[data-testid=exercise-question]'), () => {
                       q('[data-testid=exercise]').scrollIntoView({ block: 'start' });
                       const choices = [...document.querySelectorAll('[data-testid=exercise-choice]')];
                       done({
                         overflow: document.documentElement.scrollWidth - window.innerWidth,
                         choices: choices.length,
                         cut: choices.filter((c) => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > window.innerWidth + 1).length,
                         focused: document.activeElement && document.activeElement.classList.contains('prompt'),
                         withheld: !!q('[data-testid=narration-withheld]'),
                       });
                     });
                   });
                 });",
                vec![],
            )
            .await?;
        ensure!(asked.is_object(), "the exercise at {case}: {asked}");
        ensure!(asked["overflow"].as_f64().is_some_and(|o| o <= 0.0), "the exercise sticks out at {case}: {asked}");
        ensure!(
            asked["choices"].as_u64() == Some(4) && asked["cut"].as_u64() == Some(0),
            "the choices at {case}: {asked}"
        );
        ensure!(asked["focused"] == json!(true), "the question does not take the focus at {case}: {asked}");
        ensure!(embed || asked["withheld"] == json!(true), "the narration tells the answer at {case}: {asked}");
        settle(client).await?;
        screenshot(client, &format!("reader/exercise-{case}.png")).await?;
        let found = axe(client, &axe_source).await?;
        ensure!(found.is_empty(), "axe-core on the exercise at {case}:\n{}", found.join("\n"));
        client.execute("document.querySelector('[data-testid=exercise-choice]').click(); return true", vec![]).await?;
        let verdict = eventually(
            client,
            "const v = document.querySelector('[data-testid=exercise-verdict]');
             return !!v && v === document.activeElement.closest('[data-testid=exercise-verdict]') && !!v.querySelector('.why')",
            &json!(true),
        )
        .await?;
        ensure!(verdict == json!(true), "no verdict, the focus not on it, or no explanation, at {case}");
        settle(client).await?;
        screenshot(client, &format!("reader/exercise-{case}-answered.png")).await?;
        let found = axe(client, &axe_source).await?;
        ensure!(found.is_empty(), "axe-core on the exercise's verdict at {case}:\n{}", found.join("\n"));
    }
    Ok(())
}

/// Compare: lost-final-ack against the same without its faults, chosen on the page, then the
/// same link in an embed. At each width, theme and language: both diagrams, nothing wider than
/// the screen, side by side at 1280 px and one under the other at 360 px, axe-core clean.
async fn comparisons_read_on_a_phone_and_a_desktop(client: &Client, url: &str) -> TestResult {
    let axe_source = fs::read_to_string(repo_root().join("tools/node_modules/axe-core/axe.min.js"))?;
    for (width, height, dark, zh) in
        [(360, 800, false, false), (360, 800, true, true), (1280, 900, false, true), (1280, 900, true, false)]
    {
        emulate(client, width, height, dark).await?;
        let lang = if zh { "&lang=zh" } else { "" };
        let case = format!("{width}{}{}", if dark { "-dark" } else { "" }, if zh { "-zh" } else { "" });
        // A setting in the link starts the full module, whose chooser is under the export bar.
        open(client, &format!("{url}#lost-final-ack&p=linux{lang}")).await?;
        let shown = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const wait = (ready, then, tries = 600) => ready() ? then()
                   : tries ? setTimeout(() => wait(ready, then, tries - 1), 50) : done('timed out');
                 const q = (s) => document.querySelector(s);
                 wait(() => q('[data-testid=compare-no-faults]'), () => {
                   q('[data-testid=compare-no-faults]').click();
                   wait(() => q('svg[data-testid=diagram-compared]') && location.hash.includes('vs='), () => {
                     const [a, b] = [...document.querySelectorAll('.compare-runs .run')];
                     const [ra, rb] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
                     q('[data-testid=compare]').scrollIntoView({ block: 'start' });
                     done({
                       overflow: document.documentElement.scrollWidth - window.innerWidth,
                       beside: rb.left >= ra.right - 1,
                       under: rb.top >= ra.bottom - 1,
                       marks: document.querySelectorAll('.divergence .div-seg').length,
                       hash: location.hash,
                     });
                   });
                 });",
                vec![],
            )
            .await?;
        ensure!(shown.is_object(), "the comparison at {case}: {shown}");
        ensure!(shown["overflow"].as_f64().is_some_and(|o| o <= 0.0), "the comparison sticks out at {case}: {shown}");
        let (beside, under) = (shown["beside"] == json!(true), shown["under"] == json!(true));
        ensure!(if width > 1000 { beside } else { under }, "the two diagrams' places at {case}: {shown}");
        ensure!(shown["marks"].as_u64() == Some(2), "where they part, marked in both, at {case}: {shown}");
        settle(client).await?;
        screenshot(client, &format!("reader/compare-{case}.png")).await?;
        let found = axe(client, &axe_source).await?;
        ensure!(found.is_empty(), "axe-core on the comparison at {case}:\n{}", found.join("\n"));
        // The same link in an embed: both diagrams too.
        let hash = shown["hash"].as_str().unwrap_or_default().trim_start_matches('#').to_string();
        open(client, &format!("{url}embed.html#{hash}&ui=play.text")).await?;
        let embedded = eventually(
            client,
            "return !!document.querySelector('svg[data-testid=diagram-compared]') && document.documentElement.scrollWidth <= window.innerWidth",
            &json!(true),
        )
        .await?;
        ensure!(embedded == json!(true), "the comparison in an embed at {case}");
        settle(client).await?;
        screenshot(client, &format!("reader/compare-embed-{case}.png")).await?;
    }
    Ok(())
}

async fn axe(client: &Client, axe_source: &str) -> TestResult<Vec<String>> {
    client.execute(&format!("{axe_source}\n;return true"), vec![]).await?;
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document).then(
               (r) => done(r.violations.map((v) => ({
                 id: v.id,
                 nodes: v.nodes.map((n) => n.target.join(' ')),
               }))),
               (e) => done([{ id: 'axe failed: ' + e, nodes: [] }]))",
            vec![],
        )
        .await?;
    let found: Vec<Value> = serde_json::from_value(found)?;
    Ok(found.iter().map(|v| format!("{} on {}", v["id"], v["nodes"])).collect())
}

async fn axe_finds_nothing(client: &Client, url: &str) -> TestResult {
    let axe_path = repo_root().join("tools/node_modules/axe-core/axe.min.js");
    let axe_source = fs::read_to_string(&axe_path)
        .map_err(|e| format!("cannot read {}: {e} (install it: `cargo xtask setup`)", axe_path.display()))?;
    let mut problems = Vec::new();
    for dark in [false, true] {
        for zh in [false, true] {
            let theme = if dark { "dark" } else { "light" };
            let lang = if zh { "&lang=zh" } else { "" };
            // The page, then with the inspector open (on a phone, where it covers the most).
            emulate(client, 1280, 900, dark).await?;
            open(client, &format!("{url}#lost-final-ack{lang}")).await?;
            for v in axe(client, &axe_source).await? {
                problems.push(format!("page {theme}{lang}: {v}"));
            }
            emulate(client, 360, 800, dark).await?;
            open(client, &format!("{url}#lost-final-ack{lang}")).await?;
            let segment = middle_segment(client).await?;
            ensure!(!client.execute_async(TAP, vec![json!(segment)]).await?.is_null(), "the inspector did not open");
            for v in axe(client, &axe_source).await? {
                problems.push(format!("page with the inspector {theme}{lang}: {v}"));
            }
            // An embed with each part.
            emulate(client, 768, 1024, dark).await?;
            for part in ["play", "text", "states", "inspect", "settings", "export", "lang"] {
                open(client, &format!("{url}embed.html#simultaneous-close&ui={part}{lang}")).await?;
                for v in axe(client, &axe_source).await? {
                    problems.push(format!("embed ui={part} {theme}{lang}: {v}"));
                }
            }
            screenshot(client, &format!("reader/embed-export-{theme}{}.png", if zh { "-zh" } else { "" })).await?;
        }
    }
    ensure!(problems.is_empty(), "axe-core found:\n{}", problems.join("\n"));
    Ok(())
}
