//! End to end: the built site (`web/dist`), served under the sub-path `/synack/` by xtask's
//! static server, driven in headless Chromium through chromedriver.
//!
//! Needs `cargo xtask build-web` (for `web/dist`) and `cargo xtask setup` (for Chromium and
//! chromedriver); `cargo xtask test` does both first. A missing site fails the test: it never
//! skips.

mod harness;

use std::time::Duration;

use fantoccini::{Client, Locator};
use harness::{BASE, ChromeDriver, TestResult, built_site, ensure, page_reports, screenshot, text_of};
use serde_json::json;
use xtask::static_server::{Config, Server};

#[tokio::test(flavor = "current_thread")]
async fn default_page_renders_and_responds_under_a_sub_path() {
    in_browser("browser-failure.png", |client, url| async move { exercise(&client, &url).await }).await;
}

/// Runs `body` against the built site, served under the sub-path, in a fresh browser session;
/// closes the session whatever happened, with a screenshot named `failure_shot` if it failed.
async fn in_browser<F>(failure_shot: &str, body: impl FnOnce(Client, String) -> F)
where
    F: std::future::Future<Output = TestResult>,
{
    let dist = built_site();
    let server = Server::start("127.0.0.1:0", Config::new(&dist, BASE).expect("serve web/dist"))
        .expect("start the static server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;
    let outcome = body(client.clone(), server.url()).await;
    if outcome.is_err() {
        // What the page looked like when it went wrong.
        let _ = harness::screenshot(&client, failure_shot).await;
    }
    let closed = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

async fn exercise(client: &Client, url: &str) -> TestResult {
    harness::open(client, url).await?;

    // The default page shows the normal handshake and close, complete, without any click.
    let arrow = Locator::Css(r#"svg[data-testid="diagram"] .arrows g[data-segment]"#);
    if let Err(e) = client.wait().at_most(Duration::from_secs(30)).for_element(arrow).await {
        let problems = page_reports(client, "__synackErrors").await;
        return Err(format!("the diagram never appeared at {url}: {e}; page errors: {problems:?}").into());
    }
    let current = client.current_url().await?;
    ensure!(current.path() == BASE, "the page moved to {current}");
    let arrows = client.find_all(arrow).await?;
    ensure!(arrows.len() == 11, "the handshake-and-close diagram has {} segments, expected 11", arrows.len());
    let svg_text = client.find(Locator::Css(r#"svg[data-testid="diagram"]"#)).await?.text().await?;
    for word in ["SYN_SENT", "ESTABLISHED", "TIME_WAIT", "SYN, ACK"] {
        ensure!(svg_text.contains(word), "the diagram does not show {word}: {svg_text}");
    }
    let headline = text_of(client, r#"[data-testid="headline"]"#).await?;
    ensure!(!headline.is_empty(), "the narration is empty");
    screenshot(client, "default-page.png").await?;

    // Tap the SYN-ACK, drop it: the client's retransmitted SYN (after the 1 s initial RTO) draws
    // a retransmitted SYN-ACK.
    ensure!(client.find_all(Locator::Css(".arrows g.seg.synack.retx")).await?.is_empty(), "no retransmission yet");
    client.find(Locator::Css(r#".arrows g[data-segment="1"]"#)).await?.click().await?;
    let drop = Locator::Css(r#"[data-testid="inspector-drop"]"#);
    client.wait().at_most(Duration::from_secs(10)).for_element(drop).await?.click().await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".arrows g.seg.synack.retx")).await?;
    screenshot(client, "inspector-open.png").await?;
    // The inspector lies over the side column beside its segment: closing it uncovers the rest,
    // and the focus goes back to the segment.
    client.find(Locator::Css(r#"[data-testid="inspector-close"]"#)).await?.click().await?;
    let focused = "return document.activeElement.getAttribute('data-segment')";
    let focus = harness::eventually(client, focused, &json!("1")).await?;
    ensure!(focus == json!("1"), "closing the inspector left the focus on {focus}, not on the segment");
    client.find(Locator::Css(r#"[data-testid="exchange"] summary"#)).await?.click().await?;
    let list = Locator::Css(r#"[data-testid="exchange"] ol"#);
    let exchange = client.wait().at_most(Duration::from_secs(10)).for_element(list).await?.text().await?;
    let retx_line = exchange.lines().filter(|l| l.contains("SYN, ACK")).nth(1).unwrap_or_default().to_owned();
    // Armed at 10 ms for 1 s, due at 1010 ms: Linux's timer wheel fires it at 1024 ms.
    ensure!(retx_line.starts_with("1024.000ms"), "the SYN-ACK is sent again at 1024 ms: {exchange}");
    screenshot(client, "lost-syn-ack.png").await?;
    let link = address_when(client, |f| f.contains("f=server.syn-ack.1.drop")).await?;
    ensure!(
        link.fragment().is_some_and(|f| f.contains("f=server.syn-ack.1.drop")),
        "the address bar is not a permalink to the dropped SYN-ACK: {link}"
    );

    // The page's SVG export is the CLI's: the same scenario (exported from the page, fault
    // included) run by `synack run --format svg` gives the same bytes.
    let (svg, mermaid, scenario) = page_exports(client).await?;
    ensure!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "the SVG export is {}", &svg[..svg.len().min(80)]);
    let cli_svg = cli_run(&scenario, "svg")?;
    ensure!(svg == cli_svg, "the page's SVG ({} bytes) differs from the CLI's ({} bytes)", svg.len(), cli_svg.len());
    ensure!(mermaid.starts_with("sequenceDiagram") && mermaid.contains("-x"), "the Mermaid export is {mermaid}");
    ensure!(mermaid == cli_run(&scenario, "mermaid")?, "the page's Mermaid differs from the CLI's: {mermaid}");

    // Removing the fault brings the plain handshake back.
    client.find(Locator::Css(r#"[data-testid="clear-faults"]"#)).await?.click().await?;
    let arrows = client.find_all(arrow).await?;
    ensure!(arrows.len() == 11, "without the fault there are {} segments again, expected 11", arrows.len());

    // Stepping moves the highlighted state in the RFC state diagram.
    client.execute("document.activeElement && document.activeElement.blur()", vec![]).await?;
    let body = client.find(Locator::Css("body")).await?;
    body.send_keys("\u{E011}").await?; // Home
    let at_start = current_state(client).await?;
    ensure!(at_start == "sm-syn_sent", "at the first step the client is in {at_start}");
    let step_forward = client.find(Locator::Css(r#"[data-testid="step-forward"]"#)).await?;
    for _ in 0..3 {
        step_forward.click().await?;
    }
    let later = current_state(client).await?;
    ensure!(later != at_start, "three steps later the client is still in {later}");
    client.find(Locator::Css(r#"[data-testid="step-back"]"#)).await?.click().await?;
    let count = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(count.contains("3/"), "after three steps forward and one back the counter reads {count}");

    // 中文: the narration changes language.
    client.find(Locator::Css(r#"[data-testid="lang"]"#)).await?.click().await?;
    let zh = text_of(client, r#"[data-testid="headline"]"#).await?;
    ensure!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the narration is not in Chinese: {zh}");

    // A bad setting is reported at its field, which keeps what the reader typed; nothing on the
    // page moves and the diagram stays. (The settings start folded: the first download has none,
    // and the full module that took over keeps them folded.)
    client.find(Locator::Css("details.settings > summary")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(r#"[data-testid="set-loss"]"#)).await?;
    let diagram_top = "return document.querySelector('[data-testid=diagram]').getBoundingClientRect().top + scrollY";
    let before = client.execute(diagram_top, vec![]).await?;
    for (typed, says) in [("abc", "abc"), ("150", "150")] {
        let loss = client.find(Locator::Css(r#"[data-testid="set-loss"]"#)).await?;
        loss.clear().await?;
        loss.send_keys(&format!("{typed}\u{E004}")).await?; // Tab: change event
        let error = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(r#"[data-testid="set-loss-error"]"#))
            .await?;
        let message = error.text().await?;
        ensure!(message.contains(says), "the error does not name the bad value {typed}: {message}");
        let kept = client.execute("return document.querySelector('[data-testid=set-loss]').value", vec![]).await?;
        ensure!(kept == json!(typed), "the field did not keep what was typed ({typed}): {kept}");
        let invalid = client.find(Locator::Css(r#"[data-testid="set-loss"]"#)).await?.attr("aria-invalid").await?;
        ensure!(invalid.as_deref() == Some("true"), "the bad field is not marked invalid: {invalid:?}");
        ensure!(client.find_all(Locator::Css(r#"[data-testid="error"]"#)).await?.is_empty(), "a banner appeared");
        let after = client.execute(diagram_top, vec![]).await?;
        ensure!(after == before, "a bad setting moved the diagram from {before} to {after}");
        ensure!(!client.find_all(arrow).await?.is_empty(), "the diagram disappeared after a bad setting");
    }
    screenshot(client, "bad-setting.png").await?;

    let state = client.execute("return document.documentElement.dataset.synack || null", vec![]).await?;
    ensure!(state == json!("running"), "boot.js reports the app as {state}");
    let errors = page_reports(client, "__synackErrors").await?;
    ensure!(errors.is_empty(), "the page logged errors: {errors:#?}");
    let warnings = page_reports(client, "__synackWarnings").await?;
    ensure!(warnings.is_empty(), "the page logged warnings: {warnings:#?}");

    // A permalink reproduces its experiment; a tampered one is reported and the default shown.
    harness::open(client, &format!("{url}#lost-fin&lang=zh")).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(".arrows g.seg.fin.lost")).await?;
    let zh = text_of(client, r#"[data-testid="headline"]"#).await?;
    ensure!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the link's lang=zh is not applied: {zh}");
    // Following a link that changes only the fragment opens its experiment in place.
    client.execute("location.hash = 'refused'", vec![]).await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".arrows g.seg.rst")).await?;
    harness::open(client, &format!("{url}#lost-fin&loss=abc")).await?;
    let error =
        client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(r#"[data-testid="error"]"#)).await?;
    let message = error.text().await?;
    ensure!(message.contains("loss=abc"), "the tampered link's error does not name the bad part: {message}");
    ensure!(client.find_all(arrow).await?.len() == 11, "a tampered link falls back to the default experiment");

    // The reader's own scenario: a file opened in the page, then carried whole by the permalink.
    let title = r#""en": "Three-way handshake, a request, and the close""#;
    ensure!(scenario.contains(title), "the exported scenario lacks its title: {scenario}");
    let mine = scenario.replacen(title, r#""en": "My very own <b>handshake</b>""#, 1);
    let file = std::env::temp_dir().join(format!("synack-my-scenario-{}.json", std::process::id()));
    std::fs::write(&file, &mine)?;
    harness::open(client, url).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(arrow).await?;
    let picker = client.find(Locator::Css(r#"[data-testid="load-scenario"]"#)).await?;
    picker.send_keys(&file.display().to_string()).await?;
    let custom = Locator::Css(r#"[data-testid="entry"] option[value="custom"]"#);
    let option = client.wait().at_most(Duration::from_secs(10)).for_element(custom).await?;
    let shown = option.text().await?;
    ensure!(shown.ends_with("My very own <b>handshake</b>"), "the custom scenario's title reads {shown}");
    ensure!(
        client.find_all(Locator::Css(".arrows g.seg.synack.lost")).await?.len() == 1,
        "its fault (the dropped SYN-ACK) is kept"
    );
    let link = address_when(client, |f| f.starts_with("s=")).await?;
    ensure!(link.fragment().is_some_and(|f| f.starts_with("s=")), "the permalink does not carry the scenario: {link}");
    harness::open(client, link.as_str()).await?;
    let option = client.wait().at_most(Duration::from_secs(30)).for_element(custom).await?;
    ensure!(option.text().await? == shown, "the permalink does not reopen the custom scenario");
    std::fs::write(&file, "{\n  \"title\": 5\n}")?;
    client.find(Locator::Css(r#"[data-testid="load-scenario"]"#)).await?.send_keys(&file.display().to_string()).await?;
    let error =
        client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(r#"[data-testid="error"]"#)).await?;
    let message = error.text().await?;
    ensure!(message.contains("line 2"), "a bad scenario file's error does not say where: {message}");
    ensure!(client.find_all(Locator::Css("b")).await?.is_empty(), "text from a scenario file became HTML");
    let _ = std::fs::remove_file(&file);

    // Choosing another experiment is a new entry in the history, so Back returns to the one
    // before; a setting changes the current entry, so Back does not stop at it.
    harness::open(client, url).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(arrow).await?;
    let choose = "const s = document.querySelector('#entry'); s.value = arguments[0]; \
                  s.dispatchEvent(new Event('change', { bubbles: true }))";
    client.execute(choose, vec![json!("lost-syn")]).await?;
    address_when(client, |f| f == "lost-syn").await?;
    // The player handed over to the full module for the other experiment; its settings start
    // folded, as the player's were.
    let settings_open = "return document.querySelector('details.settings').open";
    if client.execute(settings_open, vec![]).await? != json!(true) {
        client.find(Locator::Css("details.settings > summary")).await?.click().await?;
    }
    let seed = client.find(Locator::Css(r#"[data-testid="set-seed"]"#)).await?;
    seed.clear().await?;
    seed.send_keys("7\u{E004}").await?;
    let link = address_when(client, |f| f.contains("seed=7")).await?;
    ensure!(link.fragment() == Some("lost-syn&seed=7"), "the setting is not in the address: {link}");
    client.back().await?;
    let mut shown = json!(null);
    for _ in 0..100 {
        shown = client.execute("return document.querySelector('#entry').value", vec![]).await?;
        if shown == json!("handshake") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ensure!(shown == json!("handshake"), "Back after choosing an experiment shows {shown}, not the one before");
    let back_at = client.current_url().await?;
    ensure!(back_at.path() == BASE && back_at.fragment().is_none(), "Back went to {back_at}");

    // A phone: 360 px wide, nothing sticks out of the page.
    client.set_window_size(360, 780).await?;
    harness::open(client, url).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(arrow).await?;
    let overflow = client.execute("return document.documentElement.scrollWidth - window.innerWidth", vec![]).await?;
    ensure!(overflow.as_i64().is_some_and(|o| o <= 0), "at 360 px the page is wider than the screen by {overflow} px");
    screenshot(client, "phone-360.png").await?;
    Ok(())
}

/// The `data-testid` of the state box highlighted for the first endpoint (the client).
async fn current_state(client: &Client) -> TestResult<String> {
    let el = client.find(Locator::Css(r#"[data-testid="state-machine"] .current-0"#)).await?;
    Ok(el.attr("data-testid").await?.unwrap_or_default())
}

/// The page's SVG, Mermaid and scenario exports, from the blobs it hands to `URL.createObjectURL`.
async fn page_exports(client: &Client) -> TestResult<(String, String, String)> {
    client
        .execute(
            "window.__blobs = []; const original = URL.createObjectURL; \
             URL.createObjectURL = (blob) => { window.__blobs.push(blob); return original.call(URL, blob); };",
            vec![],
        )
        .await?;
    for id in ["export-svg", "export-mermaid", "export-scenario"] {
        // A script click: the sticky playback bar may cover the button after scrolling.
        client.execute(&format!("document.querySelector('[data-testid={id}]').click()"), vec![]).await?;
    }
    let texts = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; Promise.all(window.__blobs.map(b => b.text())).then(done)",
            vec![],
        )
        .await?;
    let texts: Vec<String> = serde_json::from_value(texts)?;
    ensure!(texts.len() == 3, "expected three exports, got {}", texts.len());
    Ok((texts[0].clone(), texts[1].clone(), texts[2].clone()))
}

/// `synack run <scenario.json> --format <format>`, with the CLI built by cargo.
fn cli_run(scenario_json: &str, format: &str) -> TestResult<String> {
    let root = harness::repo_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = std::process::Command::new(cargo)
        .args(["build", "--quiet", "--package", "synack-cli"])
        .current_dir(&root)
        .status()?;
    ensure!(built.success(), "building the CLI failed");
    let file = std::env::temp_dir().join(format!("synack-page-scenario-{}.json", std::process::id()));
    std::fs::write(&file, scenario_json)?;
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), std::path::PathBuf::from);
    let output = std::process::Command::new(target.join("debug/synack"))
        .arg("run")
        .arg(&file)
        .args(["--format", format])
        .output()?;
    let _ = std::fs::remove_file(&file);
    ensure!(output.status.success(), "synack run failed: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8(output.stdout)?)
}

/// The page's address once its fragment satisfies `ready` (the page writes it in a task of its
/// own, just after drawing), or after two seconds whatever it is.
async fn address_when(client: &Client, ready: impl Fn(&str) -> bool) -> TestResult<url::Url> {
    for _ in 0..40 {
        let url = client.current_url().await?;
        if url.fragment().is_some_and(&ready) {
            return Ok(url);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(client.current_url().await?)
}

/// A hostile scenario stopped by the work budget (5,000 segments) is drawn near the view only:
/// the page holds a few hundred arrows, not thousands, and scrolling the box draws the rows it
/// reaches (here the very first segment, at the top).
#[tokio::test(flavor = "current_thread")]
async fn a_big_diagram_is_drawn_near_the_view() {
    in_browser("browser-big-diagram-failure.png", |client, url| async move { big_diagram(&client, &url).await }).await;
}

async fn big_diagram(client: &Client, url: &str) -> TestResult {
    let path = harness::repo_root().join("crates/tcp-sim/tests/adversarial/15_flooders.json");
    let scenario = std::fs::read_to_string(&path)?;
    let parsed = tcp_sim::Scenario::from_json(&scenario).map_err(|e| format!("{}: {e}", path.display()))?;
    let segments = tcp_sim::simulate(&parsed).segments.len();
    ensure!(segments >= 4000, "{}: only {segments} segments", path.display());
    harness::open(client, url).await?;
    let picker = Locator::Css("input[type=file]");
    client.wait().at_most(Duration::from_secs(30)).for_element(picker).await?;
    // The reader opens the file in the scenario picker.
    let open = "const files = new DataTransfer(); \
                files.items.add(new File([arguments[0]], '15_flooders.json')); \
                const input = document.querySelector('input[type=file]'); \
                input.files = files.files; \
                input.dispatchEvent(new Event('change', { bubbles: true }));";
    // Notes each arrow and each arrow's label put in the diagram, with the animation frame it went
    // in: a big drawing goes in piece by piece, a frame's worth at a time, in paint order (the
    // texts last), and the box's jump to the end draws nothing anew.
    let watch = "window.__frame = 0; window.__added = []; \
                 const tick = () => { window.__frame += 1; requestAnimationFrame(tick); }; requestAnimationFrame(tick); \
                 new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) { \
                   if (n.nodeType !== 1 || !n.matches('svg[data-testid=diagram] :is(g.arrows, g.labels) > g[data-segment]')) continue; \
                   window.__added.push([n.parentNode.getAttribute('class'), n.dataset.segment, window.__frame]); } }) \
                   .observe(document.body, { childList: true, subtree: true });";
    client.execute(watch, vec![]).await?;
    client.execute(open, vec![json!(scenario)]).await?;
    let count = "return document.querySelectorAll('svg[data-testid=diagram] .arrows g[data-segment]').length";
    let first = "return !!document.querySelector('svg[data-testid=diagram] .arrows g[data-segment=\"0\"]')";
    let mut drawn = 0;
    for _ in 0..400 {
        drawn = client.execute(count, vec![]).await?.as_u64().unwrap_or(0);
        let title = text_of(client, "h1, .title").await.unwrap_or_default();
        if drawn > 11 && !title.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(drawn > 11, "the file's diagram never appeared ({drawn} arrows)");
    ensure!(drawn < 1500, "{drawn} of {segments} arrows drawn at once: the big diagram is not drawn near the view");
    // Drawn once: the box's jump to the end, where the view then is, draws nothing anew (each
    // drawing of a few hundred arrows costs the reader a frame).
    let busy = "return !!document.querySelector('[data-testid=simulating]')";
    ensure!(harness::eventually(client, busy, &json!(false)).await? == json!(false), "the page stays busy");
    let added = "const done = arguments[arguments.length - 1]; \
                 const frames = (n) => (n ? requestAnimationFrame(() => frames(n - 1)) : done(window.__added)); \
                 frames(40);";
    let added = client.execute_async(added, vec![]).await?;
    let added: Vec<(String, String, u64)> = serde_json::from_value(added)?;
    let present: Vec<String> = serde_json::from_value(
        client
            .execute(
                "return [...document.querySelectorAll('svg[data-testid=diagram] .arrows > g[data-segment]')].map((g) => g.dataset.segment)",
                vec![],
            )
            .await?,
    )?;
    // The handshake's arrows (segments 0 to 10) may go in as the full module takes over.
    let arrows_added: Vec<&(String, String, u64)> = added.iter().filter(|a| a.0 == "arrows").collect();
    for segment in &present {
        let times = arrows_added.iter().filter(|a| a.1 == *segment).count();
        ensure!(times == 1, "segment {segment}'s arrow was put in {times} times before the reader scrolled");
    }
    let drawing: Vec<&(String, String, u64)> =
        added.iter().filter(|a| present.contains(&a.1) && a.1.parse::<usize>().is_ok_and(|s| s > 10)).collect();
    let frames = |class: &str| drawing.iter().filter(|a| a.0 == class).map(|a| a.2).collect::<Vec<u64>>();
    let (arrow_frames, label_frames) = (frames("arrows"), frames("labels"));
    let first_label = label_frames.iter().min().copied().unwrap_or(0);
    let last_arrow = arrow_frames.iter().max().copied().unwrap_or(u64::MAX);
    ensure!(
        arrow_frames.iter().min() < arrow_frames.iter().max() && first_label >= last_arrow,
        "the drawing did not go in over several frames, texts last: arrows in frames {:?}, texts in {:?}",
        arrow_frames.iter().min()..=arrow_frames.iter().max(),
        label_frames.iter().min()..=label_frames.iter().max()
    );
    screenshot(client, "big-diagram-end.png").await?;
    // The page opens at the end (once its box has followed there): the first segment is not
    // drawn until the box is scrolled up.
    ensure!(
        harness::eventually(client, first, &json!(false)).await? == json!(false),
        "the first segment is drawn at the end"
    );
    client.execute("document.querySelector('.diagram-scroll').scrollTop = 0", vec![]).await?;
    let mut reached = false;
    for _ in 0..100 {
        if client.execute(first, vec![]).await? == json!(true) {
            reached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(reached, "scrolled to the top, the first segment is still not drawn");
    let first_label = "return !!document.querySelector('svg[data-testid=diagram] .labels g[data-segment=\"1\"]')";
    ensure!(
        harness::eventually(client, first_label, &json!(true)).await? == json!(true),
        "scrolled to the top, the second segment's label (the first has none) is never drawn"
    );
    // Playback shows the step on the texts that came later as on the arrows they belong to: at
    // the fourth step, where most arrows drawn are still to come.
    let scrub = "const s = document.querySelector('[data-testid=scrub]'); s.value = '3'; \
                 s.dispatchEvent(new Event('input', { bubbles: true })); s.dispatchEvent(new Event('change', { bubbles: true })); \
                 const done = arguments[arguments.length - 1]; \
                 const frames = (n) => (n ? requestAnimationFrame(() => frames(n - 1)) : done(s.value)); frames(30);";
    client.execute_async(scrub, vec![]).await?;
    let same = "let compared = 0, differ = []; \
                for (const a of document.querySelectorAll('svg[data-testid=diagram] .arrows g[data-segment]')) { \
                  const l = document.querySelector(`svg[data-testid=diagram] .labels g[data-segment=\"${a.dataset.segment}\"]`); \
                  if (!l) continue; compared += 1; \
                  for (const c of ['current', 'future']) \
                    if (a.classList.contains(c) !== l.classList.contains(c)) differ.push(a.dataset.segment + ' ' + c); } \
                return [compared, differ.slice(0, 5), \
                  document.querySelectorAll('svg[data-testid=diagram] .labels g:is(.current, .future)').length]";
    let same = client.execute(same, vec![]).await?;
    ensure!(
        same[0].as_u64().unwrap_or(0) > 0 && same[1] == json!([]) && same[2].as_u64().unwrap_or(0) > 0,
        "the texts' classes differ from their arrows' (compared, differing, texts shown as not past): {same}"
    );
    screenshot(client, "big-diagram-top.png").await?;
    let errors = page_reports(client, "__synackErrors").await?;
    ensure!(errors.is_empty(), "the page logged errors: {errors:?}");
    Ok(())
}

/// A real capture opened in the page (issue #13): its connections listed, the first drawn with
/// both ends' states, another picked, a segment dropped (the connection is then re-run and the
/// client retransmits); a broken capture gets an error and the page stays as it was.
#[tokio::test(flavor = "current_thread")]
async fn a_real_capture_is_drawn_changed_and_rerun() {
    in_browser("browser-capture-failure.png", |client, url| async move { real_capture(&client, &url).await }).await;
}

/// Chooses a file of `bytes` named `name` in the page's file picker, as a reader would.
async fn choose_file(client: &Client, name: &str, bytes: &[u8]) -> TestResult {
    let open = "const files = new DataTransfer(); \
                files.items.add(new File([new Uint8Array(arguments[1])], arguments[0])); \
                const input = document.querySelector('input[type=file]'); \
                input.files = files.files; \
                input.dispatchEvent(new Event('change', { bubbles: true }));";
    client.execute(open, vec![json!(name), json!(bytes)]).await?;
    Ok(())
}

/// Sets the `<select>` found by `selector` to `value` and tells the page, as a reader's choice.
async fn choose(client: &Client, selector: &str, value: &str) -> TestResult {
    let set = "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
               s.dispatchEvent(new Event('change', { bubbles: true }));";
    client.execute(set, vec![json!(selector), json!(value)]).await?;
    Ok(())
}

async fn arrow_count(client: &Client) -> TestResult<usize> {
    let count = "return document.querySelectorAll('svg[data-testid=diagram] .arrows g[data-segment]').length";
    Ok(client.execute(count, vec![]).await?.as_u64().unwrap_or(0) as usize)
}

/// Waits until the diagram has `n` arrows.
async fn arrows_become(client: &Client, n: usize, what: &str) -> TestResult {
    let mut seen = 0;
    for _ in 0..200 {
        seen = arrow_count(client).await?;
        if seen == n {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{what}: {seen} arrows, expected {n}").into())
}

async fn real_capture(client: &Client, url: &str) -> TestResult {
    let capture = std::fs::read(harness::repo_root().join("tests/captures/several.pcap"))?;
    harness::open(client, url).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("input[type=file]")).await?;
    choose_file(client, "several.pcap", &capture).await?;
    // Three connections; the first (handshake, data, FIN both ways: 6 + 5 segments) is drawn.
    let panel = Locator::Css("[data-testid=capture]");
    client.wait().at_most(Duration::from_secs(30)).for_element(panel).await?;
    arrows_become(client, 11, "connection 1").await?;
    let options = client.find_all(Locator::Css("[data-testid=capture-conn] option")).await?;
    ensure!(options.len() == 3, "the picker lists {} connections, expected 3", options.len());
    let svg_text = client.find(Locator::Css(r#"svg[data-testid="diagram"]"#)).await?.text().await?;
    for state in ["SYN_SENT", "ESTABLISHED", "TIME_WAIT"] {
        ensure!(svg_text.contains(state), "the captured connection does not show {state}: {svg_text}");
    }
    screenshot(client, "capture-opened.png").await?;
    // What the capture shows is listed folded, so the diagram stays near the top on a phone.
    let notes = "const d = document.querySelector('[data-testid=capture-notes]'); \
                 return d ? [d.open, d.querySelectorAll('li').length] : null";
    let folded = client.execute(notes, vec![]).await?;
    ensure!(folded.is_null() || folded[0] == json!(false), "the capture's notes start unfolded: {folded}");
    // Connection 3: a handshake, data, and a reset (3 + 3 segments).
    choose(client, "[data-testid=capture-conn]", "3").await?;
    arrows_become(client, 6, "connection 3").await?;
    ensure!(!client.find_all(Locator::Css(".arrows g.seg.rst")).await?.is_empty(), "connection 3 shows no reset");
    // Back to connection 1; drop the client's first data segment: the re-run retransmits it.
    choose(client, "[data-testid=capture-conn]", "1").await?;
    arrows_become(client, 11, "connection 1 again").await?;
    ensure!(
        client.find_all(Locator::Css(".arrows g.seg.retx")).await?.is_empty(),
        "a retransmission before any change"
    );
    // (A click event on the arrow itself: where its middle is, another arrow's label may lie on
    // top, which a reader would tap instead.)
    let tap = "document.querySelector('.arrows g.seg.data').dispatchEvent(new MouseEvent('click', { bubbles: true }))";
    client.execute(tap, vec![]).await?;
    let drop = Locator::Css(r#"[data-testid="inspector-drop"]"#);
    client.wait().at_most(Duration::from_secs(10)).for_element(drop).await?.click().await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".arrows g.seg.data.retx")).await?;
    let what = text_of(client, "[data-testid=capture-what]").await?;
    ensure!(what.contains("re-run"), "after a change the panel does not say the diagram is a re-run: {what}");
    screenshot(client, "capture-rerun.png").await?;
    // Another experiment closes the capture; the capture dropped on the page opens it again.
    choose(client, "#entry", "refused").await?;
    for _ in 0..100 {
        if client.find_all(panel).await?.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(client.find_all(panel).await?.is_empty(), "another experiment left the capture's panel");
    let drop = "const files = new DataTransfer(); \
                files.items.add(new File([new Uint8Array(arguments[0])], arguments[1])); \
                const target = document.querySelector('[data-testid=diagram]'); \
                for (const type of ['dragover', 'drop']) \
                  target.dispatchEvent(new DragEvent(type, { dataTransfer: files, bubbles: true, cancelable: true }));";
    client.execute(drop, vec![json!(capture), json!("several.pcap")]).await?;
    client.wait().at_most(Duration::from_secs(30)).for_element(panel).await?;
    arrows_become(client, 11, "the dropped capture").await?;
    // A capture cut short, dragged in: an error that names the problem, and the diagram stays.
    let before = arrow_count(client).await?;
    client.execute(drop, vec![json!(&capture[..40]), json!("broken.pcap")]).await?;
    let error = Locator::Css("[data-testid=error]");
    let message = client.wait().at_most(Duration::from_secs(10)).for_element(error).await?.text().await?;
    ensure!(
        message.contains("capture") && message.contains("record 1 (byte 24)") && message.contains("cut short"),
        "the error does not say what is wrong and where: {message}"
    );
    ensure!(arrow_count(client).await? == before, "a broken capture changed the diagram");
    client.find(Locator::Css("[data-testid=error] button")).await?.click().await?;
    big_capture_cancelled(client, &capture).await?;
    many_connections(client).await?;
    let errors = page_reports(client, "__synackErrors").await?;
    ensure!(errors.is_empty(), "the page logged errors: {errors:?}");
    Ok(())
}

/// A capture of 250 connections: the picker lists 200 around the one shown, and a number field,
/// here at 360 px in dark 中文, reaches the others.
async fn many_connections(client: &Client) -> TestResult {
    let pcap = capture::sample::many_connections(11 * 250);
    choose_file(client, "many.pcap", &pcap).await?;
    let number = Locator::Css("[data-testid=capture-conn-number]");
    client.wait().at_most(Duration::from_secs(30)).for_element(number).await?;
    let picker = "const s = document.querySelector('[data-testid=capture-conn]'); \
                  const n = document.querySelector('[data-testid=capture-conn-number]'); \
                  return [s.options.length, s.options[0].value, s.value, n.max, n.value]";
    let seen = client.execute(picker, vec![]).await?;
    ensure!(seen == json!([200, "1", "1", "250", "1"]), "the picker of 250 connections: {seen}");
    let set = "const n = document.querySelector('[data-testid=capture-conn-number]'); n.value = '230'; \
               n.dispatchEvent(new Event('change', { bubbles: true }));";
    client.execute(set, vec![]).await?;
    let shown = harness::eventually(client, picker, &json!([200, "51", "230", "250", "230"])).await?;
    ensure!(shown == json!([200, "51", "230", "250", "230"]), "after choosing connection 230: {shown}");
    harness::emulate(client, 360, 800, true).await?;
    client.find(Locator::Css("[data-testid=lang]")).await?.click().await?;
    let label = harness::eventually(
        client,
        "return document.querySelector('label[for=capture-conn-number] span')?.innerText",
        &json!("连接编号（1–250）"),
    )
    .await?;
    ensure!(label == json!("连接编号（1–250）"), "the number field's label in 中文: {label}");
    client.execute("document.querySelector('[data-testid=capture]').scrollIntoView()", vec![]).await?;
    screenshot(client, "capture-many-360-dark-zh.png").await?;
    // A link cannot carry the capture, but it carries the scenario derived from the connection
    // shown, which draws the same exchange as a re-run.
    let link = client.current_url().await?;
    ensure!(link.fragment().is_some_and(|f| f.contains("s=")), "the address does not carry the scenario: {link}");
    harness::open(client, link.as_str()).await?;
    arrows_become(client, 11, "the link of connection 230").await?;
    let title = text_of(client, "#entry option:checked").await?;
    ensure!(title.contains(":1253"), "the link opens {title:?}, not connection 230 (client port 1253)");
    Ok(())
}

/// A big capture (64 MB: `capture`'s records 40,000 times) shows how far reading it has got,
/// and Cancel stops it: the capture shown before, its diagram, and no error.
async fn big_capture_cancelled(client: &Client, capture: &[u8]) -> TestResult {
    let before = arrow_count(client).await?;
    let title = text_of(client, "#capture-title").await?;
    let open = "const all = new Uint8Array(arguments[0]); const records = all.slice(24); \
                const parts = [all.slice(0, 24)]; for (let i = 0; i < 40000; i++) parts.push(records); \
                const files = new DataTransfer(); files.items.add(new File(parts, 'big.pcap')); \
                const input = document.querySelector('input[type=file]'); \
                input.files = files.files; input.dispatchEvent(new Event('change', { bubbles: true }));";
    client.execute(open, vec![json!(capture)]).await?;
    let busy = Locator::Css("[data-testid=simulating]");
    let line = client.wait().at_most(Duration::from_secs(10)).for_element(busy).await?.text().await?;
    let size = format!("of {:.1} MB", (24 + 40_000 * (capture.len() - 24)) as f64 / 1e6);
    ensure!(line.starts_with("Reading the capture: ") && line.contains(&size), "the progress line reads {line:?}");
    screenshot(client, "capture-reading.png").await?;
    client.find(Locator::Css("[data-testid=cancel-simulation]")).await?.click().await?;
    for _ in 0..100 {
        if client.find_all(busy).await?.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ensure!(client.find_all(busy).await?.is_empty(), "Cancel left the progress line");
    // Long enough for a read that went on to have drawn something.
    tokio::time::sleep(Duration::from_secs(2)).await;
    ensure!(client.find_all(Locator::Css("[data-testid=error]")).await?.is_empty(), "Cancel reported an error");
    ensure!(arrow_count(client).await? == before, "the cancelled capture changed the diagram");
    let after = text_of(client, "#capture-title").await?;
    ensure!(after == title, "the capture shown was {title:?} and is now {after:?}");
    Ok(())
}
