//! End to end: the built site (`web/dist`), served under the sub-path `/synack/` by xtask's
//! static server, driven in headless Chromium through chromedriver.
//!
//! Needs `cargo xtask build-web` (for `web/dist`) and `cargo xtask setup` (for Chromium and
//! chromedriver); `cargo xtask test` does both first. A missing site fails the test: it never
//! skips.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use xtask::static_server::{Config, Server};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Fails the test with a message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+).into());
        }
    };
}

/// The site is served below this prefix, as it is on GitHub Pages.
const BASE: &str = "/synack/";
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
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests package sits in the workspace root").to_path_buf()
}

fn artifacts_dir() -> PathBuf {
    let dir = repo_root().join("target/artifacts");
    fs::create_dir_all(&dir).expect("create target/artifacts");
    dir
}

/// `web/dist`, checked to hold a built site.
fn built_site() -> PathBuf {
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

/// A chromedriver process on a free local port; shut down (and its browsers with it) on drop.
struct ChromeDriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl ChromeDriver {
    fn start() -> Self {
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
    async fn connect(&self) -> Client {
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

#[tokio::test(flavor = "current_thread")]
async fn default_page_renders_and_responds_under_a_sub_path() {
    let dist = built_site();
    let server = Server::start("127.0.0.1:0", Config::new(&dist, BASE).expect("serve web/dist"))
        .expect("start the static server");
    let driver = ChromeDriver::start();
    let client = driver.connect().await;

    // Close the session whatever happened, then report.
    let outcome = exercise(&client, &server.url()).await;
    let closed = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
    closed.expect("close the browser session");
}

async fn exercise(client: &Client, url: &str) -> TestResult {
    client.goto(url).await?;

    let diagram = Locator::Css(r#"main#app svg[data-testid="diagram"]"#);
    if let Err(e) = client.wait().at_most(Duration::from_secs(30)).for_element(diagram).await {
        let problems = page_reports(client, "__synackErrors").await;
        return Err(format!("the diagram never appeared at {url}: {e}; page errors: {problems:?}").into());
    }

    let title = client.find(Locator::Css("main#app > h1")).await?.text().await?;
    ensure!(title == "synack", "the heading reads {title:?}");
    let current = client.current_url().await?;
    ensure!(current.path() == BASE, "the page moved to {current}");

    let button = client.find(Locator::Css(r#"button[data-testid="toggle"]"#)).await?;
    let label = button.text().await?;
    ensure!(label == "Show the handshake", "the button reads {label:?}");
    button.click().await?;
    let details = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(r#"[data-testid="details"]"#))
        .await?
        .text()
        .await?;
    ensure!(details == "SYN → SYN-ACK → ACK", "the details read {details:?}");
    let label = button.text().await?;
    ensure!(label == "Hide the handshake", "after a click the button reads {label:?}");

    let state = client.execute("return document.documentElement.dataset.synack || null", vec![]).await?;
    ensure!(state == json!("running"), "boot.js reports the app as {state}");
    let errors = page_reports(client, "__synackErrors").await?;
    ensure!(errors.is_empty(), "the page logged errors: {errors:#?}");
    let warnings = page_reports(client, "__synackWarnings").await?;
    ensure!(warnings.is_empty(), "the page logged warnings: {warnings:#?}");

    let png = client.screenshot().await?;
    let path = artifacts_dir().join("default-page.png");
    fs::write(&path, &png)?;
    ensure!(png.starts_with(PNG_SIGNATURE) && png.len() > 24, "the screenshot {} is not a PNG", path.display());
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    ensure!(
        width >= 640 && height >= 400 && png.len() > 8 * 1024,
        "the screenshot {} looks empty: {width}x{height}, {} bytes",
        path.display(),
        png.len()
    );
    Ok(())
}

/// The messages boot.js collected in `window[name]`; an error if boot.js never ran.
async fn page_reports(client: &Client, name: &str) -> TestResult<Vec<String>> {
    let value = client.execute(&format!("return window.{name} === undefined ? null : window.{name}"), vec![]).await?;
    let Value::Array(items) = value else {
        return Err(format!("window.{name} is {value}: boot.js did not run").into());
    };
    Ok(items.into_iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect())
}
