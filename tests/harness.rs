//! What the browser test and the browser benchmark share: the built site, a chromedriver
//! process, a Chromium session with the flags this machine needs.
#![allow(dead_code)] // Each user (the browser test, the benchmark) uses a part of it.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// The site is served below this prefix, as it is on GitHub Pages.
pub(crate) const BASE: &str = "/synack/";
/// The Content-Security-Policy the site must work under (the issue asks embeds to).
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// What Chromium needs to run headless in a container or CI, without phoning home.
const CHROMIUM_ARGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--window-size=1280,800",
];
pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests package sits in the workspace root").to_path_buf()
}

pub(crate) fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("target/artifacts");
    fs::create_dir_all(&dir).expect("create target/artifacts");
    dir
}

/// `web/dist`, checked to hold a built site.
pub(crate) fn built_site() -> PathBuf {
    let dist = repo_root().join("web/dist");
    for file in ["index.html", "boot.js", "synack_web.js", "synack_web_bg.wasm"] {
        assert!(
            dist.join(file).is_file(),
            "web/dist/{file} is missing: build the site first with `cargo xtask build-web` \
             (`cargo xtask test` does it for you)"
        );
    }
    dist
}

/// Copies the folder `from` into `to`, recursively (a scratch copy of the built site).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the site copy");
    for entry in fs::read_dir(from).expect("read the site") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy a site file");
        }
    }
}

/// A chromedriver process on a free local port; shut down (and its browsers with it) on drop.
pub(crate) struct ChromeDriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl ChromeDriver {
    pub(crate) fn start() -> Self {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| DEFAULT_CHROMEDRIVER.to_owned());
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free local port").port();
        let log = artifacts_dir().join("chromedriver.log");
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e} (install it: `cargo xtask setup`)"));
        let profile = std::env::temp_dir().join(format!("synack-chromium-{}-{port}", std::process::id()));
        let mut driver = Self { child, port, profile };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("{program} exited at start ({status}); see {}", log.display());
            }
            assert!(
                Instant::now() < deadline,
                "{program} did not listen on port {port} within 20s; see {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A new browser session: headless Chromium with a fresh profile.
    pub(crate) async fn connect(&self) -> Client {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", self.profile.display()));
        let mut options = json!({ "args": args });
        if let Ok(binary) = std::env::var("CHROME_BIN") {
            options["binary"] = Value::String(binary);
        }
        let Value::Object(capabilities) = json!({
            "browserName": "chrome",
            "goog:chromeOptions": options,
        }) else {
            unreachable!("a JSON object literal");
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url())
            .await
            .unwrap_or_else(|e| panic!("cannot start a Chromium session via chromedriver: {e}"))
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // `/shutdown` makes chromedriver quit its browsers too; killing it could orphan them.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ =
                write!(stream, "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port);
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// What a browser test step returns: an error message fails the test.
pub(crate) type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Fails the test with a message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if let false = $cond {
            return Err(format!($($msg)+).into());
        }
    };
}
#[allow(unused_imports)] // The benchmark uses the harness without it.
pub(crate) use ensure;

/// Waits until `boot.js` reports an app running and the app has taken over from the static first
/// frame (which it removes): what a page shows before is inert, and a test that used it would
/// race the app's start. On failure, says what the page reported.
pub(crate) async fn app_running(client: &Client) -> TestResult {
    const TAKEN_OVER: &str = "return document.documentElement.dataset.synack === 'running' \
        && !document.querySelector('.synack-shell')";
    for _ in 0..600 {
        if client.execute(TAKEN_OVER, vec![]).await? == Value::Bool(true) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let url = client.current_url().await?;
    let errors = page_reports(client, "__synackErrors").await;
    Err(format!("{url}: the app never took over from the first frame; page errors: {errors:?}").into())
}

/// Opens `url` as a new document (even when only its fragment differs from the current one) and
/// waits for the app to run ([`app_running`]).
pub(crate) async fn open(client: &Client, url: &str) -> TestResult {
    client.goto("about:blank").await?;
    client.goto(url).await?;
    app_running(client).await
}

/// The text of the first element matching `css`, as rendered (`innerText`). Read in one script:
/// finding the element and then asking for its text would race a redraw that replaces it (a
/// playing embed's step count), which WebDriver reports as a stale element.
/// What `script` returns (a `return …` statement) once it equals `want`, polling for up to two
/// seconds: for what the app does in an effect or a frame after an action (moving the focus,
/// scrolling), which a loaded machine may do a little later. The last value if it never does.
pub(crate) async fn eventually(client: &Client, script: &str, want: &Value) -> TestResult<Value> {
    let mut last = Value::Null;
    for _ in 0..40 {
        last = client.execute(script, vec![]).await?;
        if last == *want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(last)
}

pub(crate) async fn text_of(client: &Client, css: &str) -> TestResult<String> {
    let script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : null";
    match client.execute(script, vec![json!(css)]).await? {
        Value::String(text) => Ok(text),
        _ => Err(format!("no element matches {css}").into()),
    }
}

/// Saves a screenshot into target/artifacts and checks it is a real, non-empty PNG.
pub(crate) async fn screenshot(client: &Client, name: &str) -> TestResult {
    let png = client.screenshot().await?;
    let path = artifacts_dir().join(name);
    fs::write(&path, &png)?;
    ensure!(png.starts_with(PNG_SIGNATURE) && png.len() > 24, "the screenshot {} is not a PNG", path.display());
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    ensure!(
        width >= 300 && height >= 400 && png.len() > 8 * 1024,
        "the screenshot {} looks empty: {width}x{height}, {} bytes",
        path.display(),
        png.len()
    );
    Ok(())
}

/// The messages boot.js (or embed.js) collected in `window[name]`; an error if it never ran.
pub(crate) async fn page_reports(client: &Client, name: &str) -> TestResult<Vec<String>> {
    let value = client.execute(&format!("return window.{name} === undefined ? null : window.{name}"), vec![]).await?;
    let Value::Array(items) = value else {
        return Err(format!("window.{name} is {value}: boot.js did not run").into());
    };
    Ok(items.into_iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect())
}

/// A Chrome DevTools Protocol command, through chromedriver's `goog/cdp/execute`:
/// `client.issue_cmd(Cdp("Network.enable", json!({})))`.
#[derive(Debug)]
pub(crate) struct Cdp(pub(crate) &'static str, pub(crate) Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.0, "params": self.1 }).to_string()))
    }
}

/// Makes the page's viewport exactly `width` × `height` CSS pixels and its colour scheme light
/// or dark, as a phone or a desktop in that theme would.
pub(crate) async fn emulate(client: &Client, width: u32, height: u32, dark: bool) -> TestResult {
    let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
    client.issue_cmd(Cdp("Emulation.setDeviceMetricsOverride", metrics)).await?;
    let scheme = if dark { "dark" } else { "light" };
    let media = json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
    client.issue_cmd(Cdp("Emulation.setEmulatedMedia", media)).await?;
    Ok(())
}

/// Saves a screenshot of the whole page (down to `max_height` CSS pixels) into
/// target/artifacts/`name`.
pub(crate) async fn full_page_screenshot(client: &Client, name: &str, max_height: u32) -> TestResult {
    let size = client
        .execute("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]", vec![])
        .await?;
    let width = size[0].as_f64().unwrap_or(360.0);
    let height = size[1].as_f64().unwrap_or(800.0).min(f64::from(max_height));
    let clip = json!({ "x": 0, "y": 0, "width": width, "height": height, "scale": 1 });
    let shot =
        client.issue_cmd(Cdp("Page.captureScreenshot", json!({ "captureBeyondViewport": true, "clip": clip }))).await?;
    let data = shot["data"].as_str().ok_or("no screenshot data")?;
    let png = base64_decode(data).ok_or("the screenshot is not base64")?;
    ensure!(png.starts_with(PNG_SIGNATURE), "the screenshot {name} is not a PNG");
    let path = artifacts_dir().join(name);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, png)?;
    Ok(())
}

/// Standard base64 (RFC 4648 §4), as DevTools sends screenshots.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0);
    for &c in text.as_bytes().iter().filter(|c| **c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = bits << 6 | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}
