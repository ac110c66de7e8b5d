//! `build-web`, `serve` and `size`: the web app in `web/`, built into `web/dist`.
//!
//! The build is cargo (wasm32) -> wasm-bindgen (as a library, so its version is the one locked
//! in `Cargo.lock`) -> binaryen's `wasm-opt` (release only) -> the static files next to it.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use xtask::static_server::{Config, Server};

use crate::setup;
use crate::util::{self, human, run};

/// The web crate's package name, and the stem of its wasm and JS files.
const PACKAGE: &str = "synack-web";
const OUT_NAME: &str = "synack_web";
/// Hand-written files copied from `web/` into `web/dist/` as they are.
const STATIC_FILES: [&str; 6] = ["index.html", "embed.html", "boot.js", "embed.js", "style.css", "favicon.svg"];
/// The files a first visit to the page downloads.
const PAGE_FILES: [&str; 5] = ["index.html", "boot.js", "style.css", "synack_web.js", "synack_web_bg.wasm"];
/// Budget for the gzip -9 size of everything a first visit downloads.
pub(crate) const SIZE_BUDGET: u64 = 150 * 1024;
/// The wasm features rustc's default wasm32 CPU emits (all in browsers since 2023), as
/// `wasm-opt --print-features` reports them. wasm-opt also reads them from the module's
/// `target_features` section; naming them keeps the build working if that section goes.
const WASM_FEATURES: [&str; 8] = [
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

/// How to build the web app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// Cargo's release profile, then `wasm-opt -Oz`.
    Release,
    /// Cargo's dev profile, with debug info; no `wasm-opt`.
    Dev,
    /// Like `Release`, but the wasm keeps its function names, so that a CPU profile of the page
    /// (`cargo bench -p synack-tests --bench profile`) names Rust functions.
    Profiling,
}

pub(crate) fn web_dir() -> PathBuf {
    util::root().join("web")
}

pub(crate) fn dist_dir() -> PathBuf {
    web_dir().join("dist")
}

/// Builds the site into `web/dist` (replacing it) and prints its files' sizes.
pub(crate) fn build(profile: Profile) -> Result<PathBuf> {
    let started = Instant::now();
    println!("==> build-web ({profile:?})");
    let mut cargo = util::cargo();
    cargo.args(["build", "--package", PACKAGE, "--target", "wasm32-unknown-unknown"]);
    let optimized = profile != Profile::Dev;
    if optimized {
        cargo.arg("--release");
    }
    run(&mut cargo)?;

    let wasm = util::target_dir()
        .join("wasm32-unknown-unknown")
        .join(if optimized { "release" } else { "debug" })
        .join(format!("{OUT_NAME}.wasm"));
    let dist = dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    fs::create_dir_all(&dist)?;

    println!("wasm-bindgen (library) {} -> web/dist", wasm.display());
    let dev = profile == Profile::Dev;
    let names = profile != Profile::Release;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(OUT_NAME)
        .web(true)?
        .typescript(false)
        // The library's default (unlike the CLI's) leaves `init()` without the wasm file's URL.
        .omit_default_module_path(false)
        .debug(dev)
        .keep_debug(names)
        .generate(&dist)
        .context("wasm-bindgen failed")?;

    if optimized {
        let bg = dist.join(format!("{OUT_NAME}_bg.wasm"));
        let optimized = dist.join(format!("{OUT_NAME}_bg.opt.wasm"));
        let mut wasm_opt = util::command(setup::wasm_opt());
        wasm_opt
            .arg("-Oz")
            .args(WASM_FEATURES)
            .args(if names { &["-g", "--output"][..] } else { &["--strip-debug", "--strip-producers", "--output"][..] })
            .arg(&optimized)
            .arg(&bg);
        run(&mut wasm_opt)?;
        fs::rename(&optimized, &bg)?;
    }

    for name in STATIC_FILES {
        let from = web_dir().join(name);
        fs::copy(&from, dist.join(name)).with_context(|| format!("copying {}", from.display()))?;
    }
    // The sample posts that embed synack (web/examples), served from dist/examples/.
    let examples = dist.join("examples");
    fs::create_dir_all(&examples)?;
    for entry in fs::read_dir(web_dir().join("examples"))? {
        let from = entry?.path();
        if from.is_file() {
            let name = from.file_name().context("file name")?;
            fs::copy(&from, examples.join(name)).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    // One stylesheet for the page: the app's own, its components' (web/css/*.css), then the diagram's, the same rules the
    // standalone SVG export inlines (a file, not an inline <style>, so a strict CSP allows it).
    let mut css = fs::read_to_string(web_dir().join("style.css"))?;
    let mut parts: Vec<PathBuf> = fs::read_dir(web_dir().join("css"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "css"))
        .collect();
    parts.sort();
    for part in parts {
        css.push('\n');
        css.push_str(&fs::read_to_string(&part).with_context(|| format!("reading {}", part.display()))?);
    }
    css.push_str("\n/* seqdiag::style::CSS */\n");
    css.push_str(seqdiag::style::CSS);
    css.push('\n');
    css.push_str(seqdiag::style::THEMED_CSS);
    css.push('\n');
    fs::write(dist.join("style.css"), css)?;

    let files = sizes(&dist)?;
    print_sizes(&files);
    println!("build-web: {} ready in {:.1}s", dist.display(), started.elapsed().as_secs_f64());
    Ok(dist)
}

/// One file of the built site.
struct FileSize {
    name: String,
    raw: u64,
    gzip: u64,
}

/// Every file under `dir`, sorted by name, with its raw and gzip -9 sizes.
fn sizes(dir: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = fs::read(&path)?;
            let mut gz = GzEncoder::new(Vec::new(), Compression::best());
            gz.write_all(&bytes)?;
            files.push(FileSize {
                name: path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/"),
                raw: bytes.len() as u64,
                gzip: gz.finish()?.len() as u64,
            });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn print_sizes(files: &[FileSize]) {
    let width = files.iter().map(|f| f.name.len()).max().unwrap_or(4).max(4);
    println!("  {:<width$} {:>12} {:>12}", "file", "raw", "gzip -9");
    for f in files {
        println!("  {:<width$} {:>12} {:>12}", f.name, human(f.raw), human(f.gzip));
    }
}

/// `cargo xtask size`: the gzip -9 transfer size of the release page: its wasm, JS, CSS and HTML.
pub(crate) fn size() -> Result<()> {
    let dist = build(Profile::Release)?;
    let files = sizes(&dist)?;
    // What a first visit to the page downloads (not embed.html, embed.js or the examples).
    let counted: Vec<&FileSize> = files.iter().filter(|f| PAGE_FILES.contains(&f.name.as_str())).collect();
    let total: u64 = counted.iter().map(|f| f.gzip).sum();
    println!("==> size (gzip -9 of wasm + js + css + html)");
    for f in &counted {
        println!("  {:<24} {:>8} bytes", f.name, f.gzip);
    }
    println!("  {:<24} {:>8} bytes ({}; budget {})", "total", total, human(total), human(SIZE_BUDGET));
    if total > SIZE_BUDGET {
        bail!("the site is {} gzipped, over the {} budget", human(total), human(SIZE_BUDGET));
    }
    println!("size: {total} bytes gzipped, within the budget");
    Ok(())
}

/// `cargo xtask serve`: serves `web/dist` until interrupted.
pub(crate) fn serve(port: u16, base: &str) -> Result<()> {
    // Like GitHub Pages: any origin may load the files, so embeds work even in sandboxed iframes.
    let config = Config::new(dist_dir(), base)?.with_logging(true).with_header("Access-Control-Allow-Origin", "*");
    let server =
        Server::start(("127.0.0.1", port), config).with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    println!("Serving web/dist at {} (Ctrl-C to stop)", server.url());
    server.wait();
    Ok(())
}
