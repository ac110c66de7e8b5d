//! `build-web`, `serve` and `size`: the web app in `web/`, built into `web/dist`.
//!
//! The web crate is built three times (see `web/src/upgrade.rs`): the full module and one
//! *player* per language, the lighter module a first visit downloads. Each build is cargo
//! (wasm32) -> wasm-bindgen (as a library, so its version is the one locked in `Cargo.lock`) ->
//! binaryen's `wasm-opt` (release only). Then the static files, the prerendered diagrams
//! (`prerender`), the pages with their static first frame (`shell`), and a gzip copy of every
//! file that compresses, which `serve` sends to browsers that accept gzip, as GitHub Pages does.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;
use seqdiag::WidthClass;
use xtask::static_server::{Config, Server};

use crate::util::{self, human, run};
use crate::{prerender, setup, shell, wasm_names};

/// The web crate's package name.
const PACKAGE: &str = "synack-web";
/// The wasm cargo writes (whichever features it was built with).
const CARGO_WASM: &str = "synack_web.wasm";

/// One build of the web crate.
pub(crate) struct Module {
    /// The stem of its files: `<name>.js`, `<name>_bg.wasm`.
    pub(crate) name: &'static str,
    /// Cargo's feature arguments.
    features: &'static [&'static str],
}

/// The full module (everything; `embed.js` and upgrades load it) and the two players.
pub(crate) const MODULES: [Module; 3] = [
    Module { name: "synack_web", features: &[] },
    Module { name: "synack_player_en", features: &["--no-default-features", "--features", "en,player"] },
    Module { name: "synack_player_zh", features: &["--no-default-features", "--features", "zh,player"] },
];

/// Hand-written files copied from `web/` into `web/dist/` as they are (`index.html` and
/// `embed.html` get their shell, `boot.js` the prerendered table; `style.css`, `style-embed.css`
/// and `full.css` are assembled).
const STATIC_FILES: [&str; 2] = ["embed.js", "favicon.svg"];
/// The stylesheets in `web/css/` of what only the full module draws: they go into `full.css`,
/// which `boot.js` loads with it, instead of `style.css`, which a first visit loads.
const FULL_ONLY_CSS: [&str; 7] = [
    "capture.css",
    "compare.css",
    "embed-builder.css",
    "exercise.css",
    "inspector.css",
    "odds.css",
    "state-machine.css",
];
/// The stylesheets in `web/css/` of what only an embed draws: they go into `style-embed.css`
/// (what `embed.html` and `embed.js` load) and not into the page's `style.css`.
const EMBED_ONLY_CSS: [&str; 1] = ["embed.css"];
/// Budget for the gzip -9 size of everything a first visit downloads, page or embed.
pub(crate) const SIZE_BUDGET: u64 = 250 * 1024;
/// The marker in `web/boot.js` that the build replaces with the prerendered diagrams' table.
const TABLE_MARKER: &str = "/*synack:prerendered*/ null";
/// Files served compressed (a `.gz` beside each).
const COMPRESSED: [&str; 5] = ["html", "js", "css", "svg", "wasm"];
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

/// wasm-opt's optimisation: for size, and (`--low-memory-unused`, as Emscripten passes it when
/// no static data lies below 1 KiB) free to fold a constant added to an address into the
/// access's offset. Rust's wasm32 layout puts the stack first, growing down from 1 MiB, and the
/// data above it, so the low 1 KiB would only be reached by a stack about to overflow: 1,005
/// bytes less of a player after gzip, measured 2026-12-04 (225,312 → 224,307).
const WASM_OPT: [&str; 2] = ["-Oz", "--low-memory-unused"];

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

/// Where each release module is kept optimised *with* its function names, for `size`.
fn named_wasm(module: &Module) -> PathBuf {
    util::target_dir().join("web-named").join(format!("{}_bg.wasm", module.name))
}

/// Where wasm-opt's output for an input with this hash is kept, so that an unchanged module is
/// not optimised again (wasm-opt takes most of a build's time).
fn optimized_cache(module: &Module, profile: Profile, input: &[u8]) -> PathBuf {
    // FNV-1a: stable, and enough to tell builds apart.
    let flags = WASM_OPT.concat();
    let hash = input
        .iter()
        .chain(flags.as_bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    util::target_dir().join("web-named").join(format!("{}.{profile:?}.{hash:016x}.wasm", module.name))
}

/// Builds the site into `web/dist` (replacing it) and prints its files' sizes.
pub(crate) fn build(profile: Profile) -> Result<PathBuf> {
    let started = Instant::now();
    println!("==> build-web ({profile:?})");
    let dist = dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("removing {}", dist.display()))?;
    }
    fs::create_dir_all(&dist)?;
    // Cargo builds one after the other (they share the target directory); wasm-opt runs on all
    // three at once.
    for module in &MODULES {
        build_module(module, profile, &dist)?;
    }
    if profile != Profile::Dev {
        optimize(profile, &dist)?;
    }

    for name in STATIC_FILES {
        let from = web_dir().join(name);
        fs::copy(&from, dist.join(name)).with_context(|| format!("copying {}", from.display()))?;
    }
    copy_examples(&dist)?;
    let sheets = stylesheets()?;
    fs::write(dist.join("style.css"), sheets.page)?;
    fs::write(dist.join("style-embed.css"), sheets.embed)?;
    fs::write(dist.join("full.css"), sheets.full_only)?;

    let diagrams = prerender::all()?;
    prerender::write(&dist, &diagrams, &prerender::narrations()?)?;
    // The page's first frame holds the default link's diagram as a phone draws it.
    let inline = diagrams
        .iter()
        .find(|d| d.entry == "handshake" && d.lang == "en" && d.class == WidthClass::Narrow.name())
        .context("the handshake's narrow diagram")?;
    shell::write_pages(&web_dir(), &dist, inline)?;
    let boot = fs::read_to_string(web_dir().join("boot.js"))?;
    if boot.matches(TABLE_MARKER).count() != 1 {
        bail!("web/boot.js must hold `{TABLE_MARKER}` once");
    }
    fs::write(dist.join("boot.js"), boot.replacen(TABLE_MARKER, &prerender::table(&diagrams), 1))?;

    if profile != Profile::Dev {
        minify(&dist)?;
    }
    let files = sizes(&dist)?;
    compress(&dist, &files)?;
    print_sizes(&files);
    println!("build-web: {} ready in {:.1}s", dist.display(), started.elapsed().as_secs_f64());
    Ok(dist)
}

/// `--remap-path-prefix` for each crate registry's sources: the panic locations the wasm carries
/// name `index.crates.io-…/yew-0.23.0/src/…` instead of a path under this machine's cargo home,
/// which is shorter (bytes every reader downloads) and the same on every machine, so that
/// `cargo xtask size` measures here what CI builds. (These flags replace any `RUSTFLAGS`.)
fn registry_remaps() -> Vec<String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = home.map(|home| home.join("registry").join("src")) else { return Vec::new() };
    let mut remaps: Vec<String> = fs::read_dir(&sources)
        .into_iter()
        .flatten()
        .flatten()
        .map(|index| format!("--remap-path-prefix={}=", index.path().display()))
        .collect();
    remaps.sort();
    remaps
}

/// cargo, then wasm-bindgen into `dist`.
fn build_module(module: &Module, profile: Profile, dist: &Path) -> Result<()> {
    let mut cargo = util::cargo();
    cargo.args(["build", "--package", PACKAGE, "--target", "wasm32-unknown-unknown"]).args(module.features);
    let optimized = profile != Profile::Dev;
    if optimized {
        cargo.arg("--release");
    }
    cargo.env("CARGO_ENCODED_RUSTFLAGS", registry_remaps().join("\x1f"));
    run(&mut cargo)?;
    let wasm = util::target_dir()
        .join("wasm32-unknown-unknown")
        .join(if optimized { "release" } else { "debug" })
        .join(CARGO_WASM);
    println!("wasm-bindgen (library) {} -> web/dist/{}", wasm.display(), module.name);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(module.name)
        .web(true)?
        .typescript(false)
        // The library's default (unlike the CLI's) leaves `init()` without the wasm file's URL.
        .omit_default_module_path(false)
        .debug(profile == Profile::Dev)
        .keep_debug(profile != Profile::Release)
        .generate(dist)
        .with_context(|| format!("wasm-bindgen failed on {}", module.name))
}

/// `wasm-opt` ([`WASM_OPT`]) on every module, in parallel (or the output kept from an identical input). A
/// release build is optimised with its names (kept in `target/web-named/` for `size`), then
/// stripped and optimised once more: without the names, `-Oz` finds about 2 KB (gzip) more in a
/// player (measured 2026-12-02: 225,746 → 223,882 bytes), so `size`'s per-crate figures are of
/// nearly, not exactly, the code sent.
fn optimize(profile: Profile, dist: &Path) -> Result<()> {
    fs::create_dir_all(util::target_dir().join("web-named"))?;
    let mut children = Vec::new();
    for module in &MODULES {
        let bg = dist.join(format!("{}_bg.wasm", module.name));
        let cached = optimized_cache(module, profile, &fs::read(&bg)?);
        if cached.exists() {
            println!("wasm-opt: {} is unchanged, optimised already", module.name);
            children.push((module, None, cached));
            continue;
        }
        let mut wasm_opt = util::command(setup::wasm_opt());
        wasm_opt.args(WASM_OPT).args(WASM_FEATURES).args(["-g", "--output"]).arg(&cached).arg(&bg);
        println!("$ {}", util::display(&wasm_opt));
        children.push((module, Some(wasm_opt.spawn().context("cannot run wasm-opt")?), cached));
    }
    for (module, child, cached) in children {
        if let Some(mut child) = child {
            let status = child.wait()?;
            if !status.success() {
                let _ = fs::remove_file(&cached);
                bail!("wasm-opt failed on {} ({status})", module.name);
            }
        }
        // Outputs kept from older inputs go.
        let prefix = format!("{}.{profile:?}.", module.name);
        for old in fs::read_dir(util::target_dir().join("web-named"))? {
            let old = old?.path();
            let name = old.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with(&prefix) && old != cached {
                fs::remove_file(&old)?;
            }
        }
        let bg = dist.join(format!("{}_bg.wasm", module.name));
        if profile == Profile::Release {
            fs::copy(&cached, named_wasm(module))?;
            let mut strip = util::command(setup::wasm_opt());
            strip
                .args(WASM_FEATURES)
                .args(WASM_OPT)
                .args(["--strip-debug", "--strip-producers", "--output"])
                .arg(&bg)
                .arg(&cached);
            run(&mut strip)?;
        } else {
            fs::copy(&cached, &bg)?;
        }
    }
    Ok(())
}

/// esbuild's `--minify` on every script and the stylesheet: what is sent is what runs, without
/// the comments (the sources in `web/` keep them).
fn minify(dist: &Path) -> Result<()> {
    let mut esbuild = util::command(setup::esbuild());
    esbuild.current_dir(dist).args(["boot.js", "embed.js", "style.css", "style-embed.css", "full.css"]);
    for module in &MODULES {
        esbuild.arg(format!("{}.js", module.name));
    }
    esbuild.args(["--minify", "--outdir=.", "--outbase=.", "--allow-overwrite", "--log-level=warning"]);
    run(&mut esbuild)
}

/// The sample posts that embed synack (web/examples), served from dist/examples/.
fn copy_examples(dist: &Path) -> Result<()> {
    let examples = dist.join("examples");
    fs::create_dir_all(&examples)?;
    for entry in fs::read_dir(web_dir().join("examples"))? {
        let from = entry?.path();
        if from.is_file() {
            let name = from.file_name().context("file name")?;
            fs::copy(&from, examples.join(name)).with_context(|| format!("copying {}", from.display()))?;
        }
    }
    Ok(())
}

/// The site's stylesheets, assembled from `web/style.css`, `web/css/*.css` and seqdiag's.
struct Stylesheets {
    /// What the page loads first.
    page: String,
    /// What an embed loads first: the page's rules and the embed's own.
    embed: String,
    /// What the full module adds.
    full_only: String,
}

fn stylesheets() -> Result<Stylesheets> {
    let base = fs::read_to_string(web_dir().join("style.css"))?;
    let (mut page, mut embed, mut full_only) = (base.clone(), base, String::new());
    let mut parts: Vec<PathBuf> = fs::read_dir(web_dir().join("css"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "css"))
        .collect();
    parts.sort();
    for part in parts {
        let text = fs::read_to_string(&part).with_context(|| format!("reading {}", part.display()))?;
        let named = |list: &[&str]| part.file_name().is_some_and(|n| list.iter().any(|f| n == *f));
        let sheets: Vec<&mut String> = if named(&FULL_ONLY_CSS) {
            vec![&mut full_only]
        } else if named(&EMBED_ONLY_CSS) {
            vec![&mut embed]
        } else {
            vec![&mut page, &mut embed]
        };
        for sheet in sheets {
            sheet.push('\n');
            sheet.push_str(&text);
        }
    }
    // The diagram's rules, and its colours once: each a `light-dark()` pair, chosen by the
    // colour scheme the page sets (the reader's, or the one a link forces with `theme=`).
    let colours = light_dark(seqdiag::style::LIGHT_CSS, seqdiag::style::DARK_CSS)?;
    for sheet in [&mut page, &mut embed] {
        sheet.push_str("\n/* seqdiag::style::RULES_CSS, and its colours as light-dark() */\n");
        sheet.push_str(seqdiag::style::RULES_CSS);
        sheet.push('\n');
        sheet.push_str(&colours);
        sheet.push('\n');
    }
    Ok(Stylesheets { page, embed, full_only })
}

/// The rules of `light` with each colour `#rrggbb` written `light-dark(<light>,<dark>)`, the
/// dark one taken from the same place in `dark` (the same rules with other colours).
fn light_dark(light: &str, dark: &str) -> Result<String> {
    let (light_parts, dark_parts) = (colour_split(light), colour_split(dark));
    if light_parts.len() != dark_parts.len() || light_parts.iter().zip(&dark_parts).any(|(l, d)| l.0 != d.0) {
        bail!("seqdiag's light and dark schemes are not the same rules with other colours");
    }
    let mut out = String::new();
    for ((text, light), (_, dark)) in light_parts.iter().zip(&dark_parts) {
        out.push_str(text);
        match (light, dark) {
            (Some(l), Some(d)) if l == d => out.push_str(l),
            (Some(l), Some(d)) => out.push_str(&format!("light-dark({l},{d})")),
            _ => {}
        }
    }
    Ok(out)
}

/// `css` as (text, the colour after it) pairs; the last has no colour.
fn colour_split(css: &str) -> Vec<(&str, Option<&str>)> {
    let mut parts = Vec::new();
    let mut rest = css;
    while let Some(at) = rest
        .find('#')
        .filter(|&at| rest.len() >= at + 7 && rest.as_bytes()[at + 1..at + 7].iter().all(u8::is_ascii_hexdigit))
    {
        parts.push((&rest[..at], Some(&rest[at..at + 7])));
        rest = &rest[at + 7..];
    }
    parts.push((rest, None));
    parts
}

/// One file of the built site.
pub(crate) struct FileSize {
    pub(crate) name: String,
    pub(crate) raw: u64,
    pub(crate) gzip: u64,
}

/// gzip -9 of `bytes`.
pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}

/// Every file under `dir` but the `.gz` copies, sorted by name, with its raw and gzip -9 sizes.
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
            if path.extension().is_some_and(|x| x == "gz") {
                continue;
            }
            let bytes = fs::read(&path)?;
            files.push(FileSize {
                name: path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/"),
                raw: bytes.len() as u64,
                gzip: gzip(&bytes)?.len() as u64,
            });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Writes `<file>.gz` beside every file that compresses (what `serve` sends with
/// `Content-Encoding: gzip`).
fn compress(dist: &Path, files: &[FileSize]) -> Result<()> {
    for f in files {
        if COMPRESSED.iter().any(|ext| f.name.ends_with(&format!(".{ext}"))) {
            let path = dist.join(&f.name);
            fs::write(path.with_extension(format!("{}.gz", extension(&path))), gzip(&fs::read(&path)?)?)?;
        }
    }
    Ok(())
}

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default()
}

fn print_sizes(files: &[FileSize]) {
    // The prerendered diagrams are many: one line for all of them.
    let (prerendered, others): (Vec<&FileSize>, Vec<&FileSize>) =
        files.iter().partition(|f| f.name.starts_with("prerender/"));
    let width = others.iter().map(|f| f.name.len()).max().unwrap_or(4).max(24);
    println!("  {:<width$} {:>12} {:>12}", "file", "raw", "gzip -9");
    for f in others {
        println!("  {:<width$} {:>12} {:>12}", f.name, human(f.raw), human(f.gzip));
    }
    let (raw, gz): (u64, u64) = prerendered.iter().fold((0, 0), |(r, g), f| (r + f.raw, g + f.gzip));
    let label = format!("prerender/ ({} diagrams)", prerendered.len());
    println!("  {label:<width$} {:>12} {:>12}", human(raw), human(gz));
}

/// What one kind of first visit downloads.
struct FirstVisit {
    what: &'static str,
    files: Vec<String>,
}

/// The first visits `size` checks: the page and an embed (the default link), in each language.
/// A link to another entry downloads that entry's prerendered diagram instead (most are smaller;
/// the SYN floods' are 3 KiB bigger).
fn first_visits() -> Vec<FirstVisit> {
    // The widest class's file, the biggest: a desktop's visit (a phone fetches the narrow one,
    // or, on the page in English, none: `index.html` holds it).
    let class = seqdiag::WidthClass::Full.name();
    let player = |lang: &str| [format!("synack_player_{lang}.js"), format!("synack_player_{lang}_bg.wasm")];
    let mut visits = Vec::new();
    for lang in ["en", "zh"] {
        let mut page: Vec<String> = ["index.html", "favicon.svg", "boot.js", "style.css"].map(String::from).into();
        page.extend(player(lang));
        page.push(format!("prerender/handshake.{lang}.{class}.svg"));
        page.push(format!("prerender/handshake.{lang}.narration.json"));
        let mut embed: Vec<String> = ["embed.html", "boot.js", "style-embed.css"].map(String::from).into();
        embed.extend(player(lang));
        embed.push(format!("prerender/handshake.{lang}.{class}.svg"));
        embed.push(format!("prerender/handshake.{lang}.narration.json"));
        visits.push(FirstVisit { what: if lang == "en" { "page" } else { "page, lang=zh" }, files: page });
        visits.push(FirstVisit { what: if lang == "en" { "embed" } else { "embed, lang=zh" }, files: embed });
    }
    visits
}

/// `cargo xtask size`: builds the release site, then [`check_size`].
pub(crate) fn size() -> Result<()> {
    check_size(&build(Profile::Release)?)
}

/// Prints what each first visit to the release site in `dist` downloads (gzip -9) and where the
/// player's bytes go, and fails if a first visit is over the budget.
pub(crate) fn check_size(dist: &Path) -> Result<()> {
    let files = sizes(dist)?;
    let mut over = Vec::new();
    println!("\n==> size: what a first visit downloads (gzip -9; budget {})", human(SIZE_BUDGET));
    for visit in first_visits() {
        println!("  {}:", visit.what);
        let mut total = 0;
        for name in &visit.files {
            let f = files.iter().find(|f| &f.name == name).with_context(|| format!("web/dist/{name} is missing"))?;
            println!("    {:<34} {:>10}", f.name, human(f.gzip));
            total += f.gzip;
        }
        println!("    {:<34} {:>10}  ({total} bytes)", "total", human(total));
        if total > SIZE_BUDGET {
            over.push(format!("{} is {}", visit.what, human(total)));
        }
    }
    for module in &MODULES[1..2] {
        println!("\n  where {}_bg.wasm's bytes go (from its names, kept by the build):", module.name);
        wasm_names::print_breakdown(&named_wasm(module))?;
    }
    let mut kept_out = Vec::new();
    for module in &MODULES[1..] {
        kept_out.extend(wasm_names::kept_out_but_present(&named_wasm(module))?);
    }
    let on_demand: u64 = ["synack_web.js", "synack_web_bg.wasm", "full.css"]
        .iter()
        .filter_map(|name| files.iter().find(|f| f.name == *name))
        .map(|f| f.gzip)
        .sum();
    println!("\n  on demand (when the reader asks): the full module, its glue and full.css, {}", human(on_demand));
    if !over.is_empty() {
        bail!("over the {} budget: {}", human(SIZE_BUDGET), over.join("; "));
    }
    if !kept_out.is_empty() {
        bail!("a player carries what it must not: {}", kept_out.join("; "));
    }
    println!("size: every first visit is within {}", human(SIZE_BUDGET));
    Ok(())
}

/// `cargo xtask serve`: serves `web/dist` until interrupted.
pub(crate) fn serve(port: u16, base: &str) -> Result<()> {
    // Like GitHub Pages: any origin may load the files, so embeds work even in sandboxed iframes;
    // compressed for browsers that accept it.
    let config = Config::new(dist_dir(), base)?.with_logging(true).with_header("Access-Control-Allow-Origin", "*");
    let server =
        Server::start(("127.0.0.1", port), config).with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    println!("Serving web/dist at {} (Ctrl-C to stop)", server.url());
    server.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_light_dark_pairs() {
        let css = light_dark(
            "a{fill:#ffffff}b,c{color:#1f2328}d{fill:#59636e}",
            "a{fill:#0d1117}b,c{color:#e6edf3}d{fill:#59636e}",
        );
        assert_eq!(
            css.expect("the same rules"),
            "a{fill:light-dark(#ffffff,#0d1117)}b,c{color:light-dark(#1f2328,#e6edf3)}d{fill:#59636e}"
        );
        assert!(light_dark("a{fill:#ffffff}", "b{fill:#0d1117}").is_err());
        assert!(light_dark("a{fill:#ffffff}", "a{fill:#0d1117}x{fill:#000000}").is_err());
    }

    #[test]
    fn seqdiags_schemes_pair_up() {
        let css = light_dark(seqdiag::style::LIGHT_CSS, seqdiag::style::DARK_CSS).expect("the same rules");
        assert!(css.contains(".bg,.brk-fill,.lbl-bg{fill:light-dark(#ffffff,#0d1117)}"), "{css}");
    }
}
