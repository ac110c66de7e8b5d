//! End to end, embeds: `embed.html` and `embed.js` from the built site (`web/dist`), served under
//! `/synack/` with a strict Content-Security-Policy on every response, in headless Chromium.
//!
//! Covers: the embed's parts, locked step range, autoplay and theme from its link; the sample
//! article's three iframes working independently; an iframe with `sandbox="allow-scripts"`;
//! two element embeds on one page; a Markdown post's ```synack blocks (a link, a TOML scenario,
//! a typo); the embed builder's snippet; no request to another origin;
//! text from a link never becoming HTML; no CSP violation anywhere.

mod harness;

use std::fs;
use std::time::Duration;

use fantoccini::{Client, Locator};
use harness::{BASE, CSP, ChromeDriver, TestResult, built_site, copy_dir, ensure, page_reports, screenshot, text_of};
use serde_json::json;
use xtask::static_server::{Config, Server};

/// A page that embeds synack in a sandboxed iframe (scripts only: an opaque origin).
const SANDBOXED_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sandboxed embed</title></head>
<body><iframe sandbox="allow-scripts" src="../embed.html#refused&amp;ui=play.text" width="900" height="600"
  title="sandboxed synack"></iframe></body></html>
"#;

/// ```synack blocks as other generators and highlighters write them: Hugo (Chroma), Jekyll
/// (Rouge's box), Hexo (highlight.js's table: a gutter, lines ended by `<br>`), Docusaurus
/// (Prism: lines ended by `<br>`), VitePress (Shiki's box with a copy button).
const GENERATORS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>synack blocks from other generators</title>
<script type="module" src="../embed.js"></script></head>
<body><main>
<div class="highlight"><pre tabindex="0" class="chroma"><code class="language-synack" data-lang="synack"><span class="line"><span class="cl">lost-syn&amp;ui=play
</span></span></code></pre></div>
<div class="language-synack highlighter-rouge"><div class="highlight"><pre class="highlight"><code>https://you.github.io/synack/embed.html#handshake&amp;ui=play
</code></pre></div></div>
<figure class="highlight synack"><table><tr><td class="gutter"><pre><span class="line">1</span><br><span class="line">2</span><br><span class="line">3</span><br><span class="line">4</span><br><span class="line">5</span><br><span class="line">6</span><br></pre></td><td class="code"><pre><span class="line">[[hosts]]</span><br><span class="line">name = &quot;hexo&quot;</span><br><span class="line">addr = &quot;192.0.2.30&quot;</span><br><span class="line">app = [{ at_ms = 0, do = &quot;connect&quot;, to = &quot;nobodyhome&quot; }]</span><br><span class="line">[[hosts]]</span><br><span class="line">name = &quot;nobodyhome&quot;</span><br><span class="line">addr = &quot;198.51.100.30&quot;</span><br></pre></td></tr></table></figure>
<div class="language-synack theme-code-block"><div class="codeBlockContent"><pre tabindex="0" class="prism-code language-synack"><code class="codeBlockLines"><span class="token-line"><span class="token plain">{"hosts": [</span><br></span><span class="token-line"><span class="token plain">  {"name": "docusaurus", "addr": "192.0.2.40", "app": [{"at_ms": 0, "do": "connect", "to": "closed"}]},</span><br></span><span class="token-line"><span class="token plain">  {"name": "closed", "addr": "198.51.100.40"}</span><br></span><span class="token-line"><span class="token plain">]}</span><br></span></code></pre><button type="button">Copy</button></div></div>
<div class="language-synack vp-adaptive-theme"><button title="Copy Code" class="copy"></button><span class="lang">synack</span><pre class="shiki"><code><span class="line"><span>#refused</span></span></code></pre></div>
</main><script type="module" src="generators-later.js"></script></body></html>
"#;

/// A single-page site's next post: a block that appears after `embed.js` has run.
const LATER_BLOCK: &str = "setTimeout(() => { \
    const pre = document.createElement('pre'); \
    pre.innerHTML = '<code class=\"language-synack\">lost-fin</code>'; \
    document.querySelector('main').append(pre); \
}, 1000);\n";

#[tokio::test(flavor = "current_thread")]
async fn embeds_work_in_iframes_sandboxes_and_elements_under_a_strict_csp() {
    // The built site plus one test page, in a scratch copy so web/dist stays as built.
    let site = std::env::temp_dir().join(format!("synack-embed-site-{}", std::process::id()));
    let _ = fs::remove_dir_all(&site);
    copy_dir(&built_site(), &site);
    fs::write(site.join("examples/sandboxed.html"), SANDBOXED_PAGE).expect("write the sandbox page");
    fs::write(site.join("examples/generators.html"), GENERATORS_PAGE).expect("write the generators page");
    fs::write(site.join("examples/generators-later.js"), LATER_BLOCK).expect("write the generators page's script");
    let config = Config::new(&site, BASE)
        .expect("serve the site")
        .with_header("Content-Security-Policy", CSP)
        // Like GitHub Pages; a sandboxed (opaque-origin) frame loads module scripts with CORS.
        .with_header("Access-Control-Allow-Origin", "*");
    let server = Server::start("127.0.0.1:0", config).expect("start the static server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;

    let outcome = exercise(&client, &server.url()).await;
    let closed = client.close().await;
    let _ = fs::remove_dir_all(&site);
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

const ARROWS: &str = r#"svg[data-testid="diagram"] .arrows g[data-segment]"#;
const VISIBLE_ARROWS: &str = r#"svg[data-testid="diagram"] .arrows g[data-segment]:not(.future)"#;

/// Waits for the app in the current document (or frame) to draw its diagram.
async fn wait_for_diagram(client: &Client, what: &str) -> TestResult {
    harness::app_running(client).await.map_err(|e| format!("{what}: {e}").into())
}

/// Fails if the current document logged an error or a CSP violation, or fetched anything from
/// an origin other than `origin`.
async fn clean(client: &Client, origin: &str, what: &str) -> TestResult {
    let errors = page_reports(client, "__synackErrors").await?;
    ensure!(errors.is_empty(), "{what}: errors or CSP violations: {errors:#?}");
    let foreign = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(arguments[0]))",
            vec![json!(origin)],
        )
        .await?;
    ensure!(foreign == json!([]), "{what}: requests to other origins: {foreign}");
    Ok(())
}

async fn count(client: &Client, css: &str) -> TestResult<usize> {
    Ok(client.find_all(Locator::Css(css)).await?.len())
}

async fn exercise(client: &Client, url: &str) -> TestResult {
    let origin = url.trim_end_matches('/').trim_end_matches(BASE.trim_end_matches('/')).to_owned();

    // The full page itself runs under the strict policy.
    client.goto(url).await?;
    wait_for_diagram(client, "index.html").await?;
    clean(client, &origin, "index.html").await?;

    // An embed: only the parts its link names, playback locked to steps 1-3, the drawing cut
    // below step 3.
    client.goto(&format!("{url}embed.html#lost-syn&ui=play&steps=1-3")).await?;
    wait_for_diagram(client, "embed.html").await?;
    // No page header: only the frame's name, for readers who list headings, never shown.
    ensure!(count(client, "header.top").await? == 0, "an embed has no page header");
    ensure!(
        count(client, "h1").await? == 1 && count(client, "h1.visually-hidden").await? == 1,
        "an embed's only h1 is its visually hidden name"
    );
    for absent in ["narration", "controls", "export", "state-machine", "embed-builder"] {
        ensure!(count(client, &format!(r#"[data-testid="{absent}"]"#)).await? == 0, "ui=play still shows {absent}");
    }
    let steps = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(steps.ends_with("3/3"), "steps=1-3 shows the range complete: {steps}");
    let (visible, all) = (count(client, VISIBLE_ARROWS).await?, count(client, ARROWS).await?);
    ensure!(
        (1..all).contains(&visible) && count(client, ".arrows g.seg.syn.lost:not(.future)").await? == 1,
        "steps 1-3 of lost-syn show its first segments, the lost SYN among them: {visible} of {all}"
    );
    let forward = client.find(Locator::Css(r#"[data-testid="step-forward"]"#)).await?;
    ensure!(forward.attr("disabled").await?.is_some(), "step forward is disabled at the range's end");
    let back = client.find(Locator::Css(r#"[data-testid="step-back"]"#)).await?;
    for _ in 0..5 {
        if back.attr("disabled").await?.is_none() {
            back.click().await?;
        }
    }
    let steps = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(steps.contains(" 1/3"), "stepping back stops at the range's first step: {steps}");
    let heights = client
        .execute(
            "const s = document.querySelector('svg[data-testid=diagram]'); return [s.viewBox.baseVal.height, s.getBBox().height]",
            vec![],
        )
        .await?;
    let cropped = heights[0].as_f64().unwrap_or(f64::MAX);
    ensure!(cropped < 400.0, "the drawing is cut below the range, its height is {heights}");
    // Segments are not buttons when the inspector is not among the parts.
    ensure!(count(client, r#"g[data-segment][role="button"]"#).await? == 0, "segments are buttons without ui=inspect");
    screenshot(client, "embed-range.png").await?;
    clean(client, &origin, "embed.html ranged").await?;

    // Autoplay plays through the range by itself and stops at its end.
    client.goto(&format!("{url}embed.html#autoplay&steps=1-4")).await?;
    wait_for_diagram(client, "autoplay").await?;
    let mut reached = String::new();
    for _ in 0..40 {
        reached = text_of(client, r#"[data-testid="step-count"]"#).await?;
        if reached.ends_with("4/4") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ensure!(reached.ends_with("4/4"), "autoplay never reached the range's end: {reached}");
    let pressed = client.find(Locator::Css(r#"[data-testid="play"]"#)).await?.attr("aria-pressed").await?;
    ensure!(pressed.as_deref() == Some("false"), "playback stops at the range's end: aria-pressed={pressed:?}");

    // A fixed theme beats the reader's (light) system setting.
    // (Only the fragment changes: the embed opens the new link in place. Its language is not
    // the first download's, so the full module takes over first: wait for it.)
    client.goto(&format!("{url}embed.html#theme=dark&lang=zh")).await?;
    wait_for_diagram(client, "theme=dark").await?;
    let mut background = json!(null);
    for _ in 0..120 {
        background = client
            .execute("return getComputedStyle(document.querySelector('[data-testid=app]')).backgroundColor", vec![])
            .await?;
        if background == json!("rgb(20, 23, 31)") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ensure!(background == json!("rgb(20, 23, 31)"), "theme=dark gives the background {background}");
    let headline = text_of(client, r#"[data-testid="headline"]"#).await?;
    ensure!(headline.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "lang=zh is not applied: {headline}");
    screenshot(client, "embed-dark-zh.png").await?;

    // Text from a link is shown as text, never parsed as HTML.
    client.goto(&format!("{url}embed.html#f=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.syn.1.drop")).await?;
    let error =
        client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(r#"[data-testid="error"]"#)).await?;
    let message = error.text().await?;
    ensure!(message.contains("<img src=x"), "the bad host name is shown as text: {message}");
    ensure!(count(client, "img").await? == 0, "a host name from the link became an element");
    wait_for_diagram(client, "embed after a bad link").await?;

    // The sample article: three iframes, each its own experiment, working independently.
    client.goto(&format!("{url}examples/article.html")).await?;
    let frames = client.find_all(Locator::Css("iframe.synack")).await?;
    ensure!(frames.len() == 3, "the sample article has {} embeds, expected 3", frames.len());
    let expected = [
        ("embed-handshake", 11, "seg.syn"),
        ("embed-lost-final-ack", 0, "seg.ack.lost"),
        ("embed-simultaneous-close", 0, "seg.fin"),
    ];
    let mut counts = Vec::new();
    for (i, (id, segments, kind)) in expected.iter().enumerate() {
        let frame = client.find(Locator::Css(&format!(r#"iframe[data-testid="{id}"]"#))).await?;
        // The frames load lazily: bring each into view first.
        client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&frame)?]).await?;
        frame.enter_frame().await?;
        wait_for_diagram(client, id).await?;
        let all = count(client, ARROWS).await?;
        ensure!(*segments == 0 || all == *segments, "{id} draws {all} segments, expected {segments}");
        ensure!(count(client, &format!(".arrows g.{kind}")).await? > 0, "{id} has no {kind} segment");
        if i == 1 {
            // autoplay is in its link: playback runs (or has already run) by itself.
            let steps = text_of(client, r#"[data-testid="step-count"]"#).await?;
            ensure!(!steps.is_empty(), "{id} shows no step counter");
        }
        if i == 2 {
            let headline = text_of(client, r#"[data-testid="headline"]"#).await?;
            ensure!(headline.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{id} is not in Chinese");
        }
        clean(client, &origin, id).await?;
        counts.push(text_of(client, r#"[data-testid="step-count"]"#).await?);
        client.enter_parent_frame().await?;
    }
    // Stepping back in the first frame changes only the first frame.
    let first = client.find(Locator::Css(r#"iframe[data-testid="embed-handshake"]"#)).await?;
    client.execute("arguments[0].scrollIntoView()", vec![serde_json::to_value(&first)?]).await?;
    first.enter_frame().await?;
    client.find(Locator::Css(r#"[data-testid="step-back"]"#)).await?.click().await?;
    let moved = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(moved != counts[0], "step back did nothing in the first embed: {moved}");
    client.enter_parent_frame().await?;
    let third = client.find(Locator::Css(r#"iframe[data-testid="embed-simultaneous-close"]"#)).await?;
    third.enter_frame().await?;
    let still = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(still == counts[2], "the third embed moved when the first was stepped: {still} vs {}", counts[2]);
    client.enter_parent_frame().await?;
    client.execute("window.scrollTo(0, 0)", vec![]).await?;
    screenshot(client, "sample-article.png").await?;

    // A sandboxed iframe (allow-scripts only) runs the embed.
    client.goto(&format!("{url}examples/sandboxed.html")).await?;
    let frame = client.find(Locator::Css("iframe")).await?;
    frame.enter_frame().await?;
    wait_for_diagram(client, "sandboxed iframe").await?;
    ensure!(count(client, ".arrows g.seg.rst").await? == 1, "the sandboxed refused embed shows its RST");
    ensure!(count(client, r#"[data-testid="narration"]"#).await? == 1, "the sandboxed embed shows its narration");
    clean(client, &origin, "sandboxed iframe").await?;
    client.enter_parent_frame().await?;

    // Two element embeds on one page, each in its own shadow root, each with its own keys.
    client.goto(&format!("{url}examples/elements.html")).await?;
    let query = |id: &str, css: &str| {
        format!(
            "const r = document.querySelector('[data-testid={id}]').shadowRoot; \
             return r ? [...r.querySelectorAll('{css}')].map(e => e.textContent) : null"
        )
    };
    let mut ready = false;
    for _ in 0..120 {
        let a = client.execute(&query("element-lost-syn", ".arrows g[data-segment]"), vec![]).await?;
        let b = client.execute(&query("element-handshake", ".arrows g[data-segment]"), vec![]).await?;
        if a.as_array().is_some_and(|v| !v.is_empty()) && b.as_array().is_some_and(|v| !v.is_empty()) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let errors = page_reports(client, "__synackErrors").await.unwrap_or_default();
    ensure!(ready, "the element embeds never drew their diagrams; errors: {errors:?}");
    let step_count = |id: &str| query(id, r#"[data-testid=step-count]"#);
    let before_a = client.execute(&step_count("element-lost-syn"), vec![]).await?;
    let before_b = client.execute(&step_count("element-handshake"), vec![]).await?;
    ensure!(before_b == json!(["Step 3/3"]), "the ranged element embed shows {before_b}");
    // Focus the first embed and press ←: only it steps back.
    client
        .execute(
            "document.querySelector('[data-testid=element-lost-syn]').shadowRoot.querySelector('[data-testid=app]').focus()",
            vec![],
        )
        .await?;
    client.active_element().await?.send_keys("\u{E012}").await?; // ArrowLeft
    let after_a = client.execute(&step_count("element-lost-syn"), vec![]).await?;
    let after_b = client.execute(&step_count("element-handshake"), vec![]).await?;
    ensure!(after_a != before_a, "← in the first element embed did not step it: {after_a}");
    ensure!(after_b == before_b, "← in the first element embed stepped the second: {after_b}");
    clean(client, &origin, "elements.html").await?;
    screenshot(client, "element-embeds.png").await?;

    // A post rendered from Markdown: its two ```synack blocks (a link, a TOML scenario) become
    // two embeds, each with its own diagram; a shell block stays code; a block with a typo says
    // so in its place, in both languages, and the others work.
    client.goto(&format!("{url}examples/markdown.html")).await?;
    let blocks = "return [...document.querySelectorAll('main .synack-block')].map(b => b.shadowRoot ? { \
                  arrows: b.shadowRoot.querySelectorAll('.arrows g[data-segment]').length, \
                  lost: b.shadowRoot.querySelectorAll('.arrows g.seg.lost').length, \
                  rst: b.shadowRoot.querySelectorAll('.arrows g.seg.rst').length, \
                  laptop: b.shadowRoot.textContent.includes('laptop') \
                  } : { alert: b.querySelector('[role=alert]')?.textContent ?? null })";
    let mut seen = json!(null);
    for _ in 0..120 {
        seen = client.execute(blocks, vec![]).await?;
        let drawn = |i: usize| seen[i]["arrows"].as_u64().is_some_and(|n| n > 0);
        if drawn(0) && drawn(1) && seen[2]["alert"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let errors = page_reports(client, "__synackErrors").await.unwrap_or_default();
    ensure!(
        seen.as_array().map(Vec::len) == Some(3),
        "markdown.html has these synack blocks: {seen}; errors: {errors:?}"
    );
    ensure!(
        seen[0]["arrows"].as_u64() > Some(0) && seen[0]["lost"].as_u64() >= Some(1) && seen[0]["rst"] == json!(0),
        "the link block is not lost-final-ack: {seen}; errors: {errors:?}"
    );
    ensure!(
        seen[1]["arrows"].as_u64() > Some(0)
            && seen[1]["rst"] == json!(1)
            && seen[1]["lost"] == json!(0)
            && seen[1]["laptop"] == json!(true),
        "the TOML block is not its own scenario (SYN, RST+ACK between laptop and printer): {seen}; errors: {errors:?}"
    );
    let alert = seen[2]["alert"].as_str().unwrap_or_default();
    ensure!(
        alert.contains("could not start") && alert.contains("无法") && alert.contains("`&&`"),
        "the block with a typo says {alert:?}"
    );
    ensure!(
        errors.len() == 1 && errors[0].contains("lost-final-ack&&ui=play"),
        "markdown.html reports {errors:?}, not just the typo"
    );
    let left = client
        .execute(
            "const c = document.querySelector('[data-testid=block-shell]'); \
             return [document.querySelectorAll('code.language-synack').length, c.parentElement.tagName, c.textContent]",
            vec![],
        )
        .await?;
    ensure!(
        left == json!([0, "PRE", "synack run lost-final-ack --format text\n"]),
        "markdown.html's other code block changed, or a synack block stayed: {left}"
    );
    screenshot(client, "markdown-embeds.png").await?;

    // The same blocks as other generators write them: each becomes an embed of its own, the
    // boxes around them go too, and a scenario's lines survive highlighters' `<br>`s. A block
    // that appears later (a single-page site's next post) becomes one too.
    client.goto(&format!("{url}examples/generators.html")).await?;
    let blocks = "return [...document.querySelectorAll('main .synack-block')].map(b => b.shadowRoot ? \
                  [b.shadowRoot.querySelectorAll('.arrows g[data-segment]').length, \
                   ['hexo', 'docusaurus'].filter(name => b.shadowRoot.textContent.includes(name))] : null)";
    let drawn = |seen: &serde_json::Value| {
        seen.as_array().is_some_and(|v| v.len() == 6 && v.iter().all(|b| b[0].as_u64().is_some_and(|n| n > 0)))
    };
    let mut seen = json!(null);
    for _ in 0..120 {
        seen = client.execute(blocks, vec![]).await?;
        if drawn(&seen) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let errors = page_reports(client, "__synackErrors").await.unwrap_or_default();
    ensure!(drawn(&seen), "generators.html's blocks did not all draw: {seen}; errors: {errors:?}");
    let names: Vec<_> = seen.as_array().into_iter().flatten().map(|b| b[1].clone()).collect();
    ensure!(
        names == [json!([]), json!([]), json!(["hexo"]), json!(["docusaurus"]), json!([]), json!([])],
        "generators.html's scenarios are not their own: {seen}"
    );
    let left = client
        .execute(
            "return document.querySelectorAll('main pre, main figure, main .language-synack, main button').length",
            vec![],
        )
        .await?;
    ensure!(left == json!(0), "generators.html kept {left} of the blocks' boxes");
    clean(client, &origin, "generators.html").await?;

    // The builder on the full page writes an iframe snippet that reproduces the experiment.
    client.goto(&format!("{url}#lost-fin&lang=zh")).await?;
    wait_for_diagram(client, "index.html#lost-fin").await?;
    client.find(Locator::Css(r#"[data-testid="embed-builder"] summary"#)).await?.click().await?;
    // The builder comes with the full module, which the click above loads first.
    let states = Locator::Css(r#"[data-testid="embed-part-states"]"#);
    client.wait().at_most(Duration::from_secs(30)).for_element(states).await?.click().await?;
    client.find(Locator::Css(r#"[data-testid="embed-range"]"#)).await?.click().await?;
    let to = client.find(Locator::Css(r#"[data-testid="embed-to"]"#)).await?;
    to.clear().await?;
    to.send_keys("4\u{E004}").await?; // Tab: change event
    let code = client
        .execute("return document.querySelector('[data-testid=embed-code]').value", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let expected_src =
        format!("{url}embed.html#lost-fin&amp;lang=zh&amp;ui=play.text.states.inspect.lang&amp;steps=1-4");
    ensure!(code.starts_with(&format!("<iframe src=\"{expected_src}\"")), "the embed code is {code}");
    ensure!(code.contains("title=\"synack："), "the embed code names its frame: {code}");
    client.execute("document.querySelector('[data-testid=embed-builder]').scrollIntoView()", vec![]).await?;
    screenshot(client, "embed-builder.png").await?;
    client.find(Locator::Css(r#"[data-testid="copy-embed"]"#)).await?.click().await?;
    let src = expected_src.replace("&amp;", "&");
    client.goto(&src).await?;
    wait_for_diagram(client, "the builder's embed").await?;
    ensure!(count(client, ".arrows g.seg.fin.lost").await? == 1, "the builder's embed does not show the lost FIN");
    ensure!(
        count(client, r#"[data-testid="state-machine"]"#).await? == 1,
        "the builder's embed lacks the state diagram"
    );
    let steps = text_of(client, r#"[data-testid="step-count"]"#).await?;
    ensure!(steps.ends_with("4/4"), "the builder's embed is not locked to steps 1-4: {steps}");
    clean(client, &origin, "the builder's embed").await?;
    let state = client.execute("return document.documentElement.dataset.synack || null", vec![]).await?;
    ensure!(state == json!("running"), "boot.js reports the embed as {state}");
    Ok(())
}
