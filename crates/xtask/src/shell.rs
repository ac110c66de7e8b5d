//! The static page a first visit paints before the wasm has arrived: the player's first frame,
//! from its header down to its diagram, with the diagram already drawn.
//!
//! The markup is not written by hand: `web/shell/{page,embed}.{en,zh}.html` are snapshots of what
//! the player itself draws (the browser test `tests/first_paint.rs` takes them, checks them
//! against the files and rewrites them with `UPDATE_EXPECT=1`), cut just after the diagram, with
//! `<!--synack:diagram-->` where the diagram goes. So the static page and the app that replaces
//! it have the same boxes, and the diagram does not move when the app takes over.
//!
//! `web/index.html` and `web/embed.html` hold `<!--synack:shell-->` where the build puts the
//! English snapshot and the Chinese one in a `<template>`, which `boot.js` swaps in for a
//! `lang=zh` link. The page's English shell holds the default link's diagram in the narrow class
//! (a phone's, where most readers are), so a phone's first visit paints it with no request
//! after the page; `boot.js` keeps it when the link and the box's class are those, and otherwise
//! (like the embed's and the Chinese shell's empty box) sizes the box and draws the link's
//! prerendered diagram into it.

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use seqdiag::Px;

use crate::prerender::Diagram;

/// Where the snapshots live, under `web/`.
pub(crate) const SNAPSHOTS: &str = "shell";
/// The marker in `web/index.html` and `web/embed.html`.
const SHELL_MARKER: &str = "<!--synack:shell-->";
/// The marker in a snapshot.
pub(crate) const DIAGRAM_MARKER: &str = "<!--synack:diagram-->";

/// Writes `index.html` and `embed.html` into `dist`, with their shells; `inline` is the default
/// link's diagram that the page's English shell holds.
pub(crate) fn write_pages(web: &Path, dist: &Path, inline: &Diagram) -> Result<()> {
    page(web, dist, "index.html", "page", &inline_svg(inline)?)?;
    page(web, dist, "embed.html", "embed", EMPTY_DIAGRAM)
}

/// The box `boot.js` sizes and draws the link's prerendered diagram into.
const EMPTY_DIAGRAM: &str = "<svg class=\"seqdiag\"></svg>";

/// `diagram` as `boot.js` draws a prerendered file into the box: its size and font on the box,
/// its drawing without its `<style>` (the page's stylesheet has the same rules), title and
/// description, and its name (`entry.lang.class`) in `data-prerendered`.
fn inline_svg(diagram: &Diagram) -> Result<String> {
    let svg = &diagram.svg;
    let (Some(open_end), Some(style_start), Some(style_end), Some(close)) =
        (svg.find('>'), svg.find("<style>"), svg.find("</style>"), svg.rfind("</svg>"))
    else {
        bail!("{}: not the SVG seqdiag writes", diagram.file());
    };
    let font = svg[..open_end].split(" font-family=\"").nth(1).and_then(|f| f.split('"').next()).unwrap_or_default();
    let name = format!("{}.{}.{}", diagram.entry, diagram.lang, diagram.class);
    let (width, height) = (Px(diagram.width), Px(diagram.height));
    Ok(format!(
        "<svg class=\"seqdiag\" data-prerendered=\"{name}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"{font}\">{}{}</svg>",
        // Its title and description are the app's to give: the first frame is inert.
        strip_between(&svg[open_end + 1..style_start], "<title", "</desc>"),
        svg[style_end + "</style>".len()..close].trim_end()
    ))
}

/// `snapshot` with its sticky lifeline heads' `<svg>` emptied: they are those of the class the
/// snapshot was taken at, and `boot.js` draws them from the diagram it shows.
fn without_heads(snapshot: &str) -> String {
    let Some(heads) = snapshot.find("class=\"diagram-heads") else { return snapshot.to_owned() };
    let after = &snapshot[heads..];
    let (Some(svg), Some(close)) = (after.find("<svg"), after.find("</svg>")) else { return snapshot.to_owned() };
    let Some(open_end) = after[svg..].find('>').map(|e| svg + e + 1) else { return snapshot.to_owned() };
    if open_end > close {
        return snapshot.to_owned();
    }
    format!("{}{}{}", &snapshot[..heads], &after[..open_end], &after[close..])
}

/// `text` without what runs from `start` to the end of `end` (the first of each), if both are there.
fn strip_between<'a>(text: &'a str, start: &str, end: &str) -> std::borrow::Cow<'a, str> {
    match (text.find(start), text.find(end)) {
        (Some(a), Some(b)) if a <= b => format!("{}{}", &text[..a], &text[b + end.len()..]).into(),
        _ => text.into(),
    }
}

fn page(web: &Path, dist: &Path, name: &str, mode: &str, diagram: &str) -> Result<()> {
    let template = fs::read_to_string(web.join(name)).with_context(|| format!("reading web/{name}"))?;
    if template.matches(SHELL_MARKER).count() != 1 {
        bail!("web/{name} must hold {SHELL_MARKER} once");
    }
    let en = without_heads(&snapshot(web, mode, "en")?).replacen(DIAGRAM_MARKER, diagram, 1);
    let zh = without_heads(&snapshot(web, mode, "zh")?).replacen(DIAGRAM_MARKER, EMPTY_DIAGRAM, 1);
    let shell =
        format!("<div class=\"synack-shell\" inert>{en}</div>\n  <template id=\"synack-shell-zh\">{zh}</template>");
    fs::write(dist.join(name), template.replacen(SHELL_MARKER, &shell, 1))?;
    Ok(())
}

/// A snapshot of the player, or (before the first one is taken) a bare box for the diagram.
fn snapshot(web: &Path, mode: &str, lang: &str) -> Result<String> {
    let path = web.join(SNAPSHOTS).join(format!("{mode}.{lang}.html"));
    match fs::read_to_string(&path) {
        Ok(text) if text.matches(DIAGRAM_MARKER).count() == 1 => Ok(text.trim_end().to_owned()),
        Ok(_) => bail!("{} must hold {DIAGRAM_MARKER} once", path.display()),
        Err(_) => {
            println!(
                "build-web: warning: no {} yet: the first paint shows the diagram alone, and moves when the \
                 app starts. Take the snapshots: `UPDATE_EXPECT=1 cargo test -p synack-tests --test first_paint`",
                path.display()
            );
            let class = if mode == "embed" { "app embed" } else { "app" };
            Ok(format!("<div class=\"{class}\"><div class=\"diagram-scroll\">{DIAGRAM_MARKER}</div></div>"))
        }
    }
}
