//! Downloads of the current experiment: the diagram as SVG or PNG, the trace as Mermaid, pcap,
//! JSON, PlantUML, MSC, sequencediagram.org text or TikZ, and the scenario as JSON. Nothing is built while rendering: each button builds its file
//! when pressed, wraps it in a `Blob` and clicks a temporary `<a download>` with an object URL
//! that is revoked afterwards. [`export_bytes`] is the pure part (every kind but PNG, which the
//! browser draws from the SVG on a canvas).
//!
//! A player (see `upgrade`) draws the same buttons, marked `data-upgrade`, without what builds the
//! files: pressing one loads the full module, which then does the export. (So in a player most of
//! this file is unused, and left out of the module.) The PlantUML, MSC, sequencediagram.org and
//! TikZ buttons are the full module's only: a player draws none, so none of their words are in it.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

use crate::experiment::{Experiment, SettingError};
use crate::i18n::T;
use crate::state::Shared;
use bilingual::Lang;
use seqdiag::Diagram;
use seqdiag::ViewOptions;
use seqdiag::format::{self, Format};
use tcp_sim::trace::Trace;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys;
use web_sys::{Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlAnchorElement, HtmlCanvasElement, Url};
use yew::prelude::*;

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The diagram, a standalone SVG with its styles inline.
    Svg,
    /// The diagram drawn at twice its size on a white background (browser only).
    Png,
    /// The trace as a Mermaid `sequenceDiagram`.
    Mermaid,
    /// The trace's segments as a pcap capture (open it in Wireshark).
    Pcap,
    /// The trace as JSON.
    Json,
    /// The scenario (settings and faults applied) as JSON.
    Scenario,
    /// The trace as a PlantUML sequence diagram (full module only).
    #[cfg(feature = "full")]
    PlantUml,
    /// The trace as an MSC for `mscgen` (full module only).
    #[cfg(feature = "full")]
    Msc,
    /// The trace as text for sequencediagram.org (full module only).
    #[cfg(feature = "full")]
    SequenceDiagram,
    /// The diagram as a LaTeX document drawing it with TikZ (full module only).
    #[cfg(feature = "full")]
    Tikz,
}

impl ExportKind {
    /// Every kind: the text formats only the full module offers come last (their buttons follow
    /// the copy button, see `bar`).
    #[cfg(feature = "full")]
    pub const ALL: [ExportKind; 10] = [
        ExportKind::Svg,
        ExportKind::Png,
        ExportKind::Mermaid,
        ExportKind::Pcap,
        ExportKind::Json,
        ExportKind::Scenario,
        ExportKind::PlantUml,
        ExportKind::Msc,
        ExportKind::SequenceDiagram,
        ExportKind::Tikz,
    ];

    /// Every kind a player draws, in the order of the buttons.
    #[cfg(not(feature = "full"))]
    pub const ALL: [ExportKind; 6] = [
        ExportKind::Svg,
        ExportKind::Png,
        ExportKind::Mermaid,
        ExportKind::Pcap,
        ExportKind::Json,
        ExportKind::Scenario,
    ];

    /// Offered by the full module only (a player draws no button for it).
    pub fn full_only(self) -> bool {
        #[cfg(feature = "full")]
        if matches!(self, ExportKind::PlantUml | ExportKind::Msc | ExportKind::SequenceDiagram | ExportKind::Tikz) {
            return true;
        }
        false
    }

    /// The writer of the file, shared with the CLI ([`seqdiag::format`]); `None` for the two only
    /// the page makes.
    pub fn format(self) -> Option<Format> {
        match self {
            ExportKind::Svg => Some(format::SVG),
            ExportKind::Mermaid => Some(format::MERMAID),
            ExportKind::Pcap => Some(format::PCAP),
            ExportKind::Json => Some(format::JSON),
            #[cfg(feature = "full")]
            ExportKind::PlantUml => Some(format::PLANTUML),
            #[cfg(feature = "full")]
            ExportKind::Msc => Some(format::MSC),
            #[cfg(feature = "full")]
            ExportKind::SequenceDiagram => Some(format::SEQUENCEDIAGRAM),
            #[cfg(feature = "full")]
            ExportKind::Tikz => Some(format::TIKZ),
            ExportKind::Png | ExportKind::Scenario => None,
        }
    }

    /// The MIME type of the file.
    pub fn mime(self) -> &'static str {
        match self.format() {
            Some(format) => format.mime,
            None if self == ExportKind::Png => "image/png",
            None => "application/json",
        }
    }

    /// The file name's extension (after the entry name).
    pub fn extension(self) -> &'static str {
        match self.format() {
            Some(format) => format.extension,
            None if self == ExportKind::Png => "png",
            None => "scenario.json",
        }
    }

    /// The `data-testid` of its button.
    pub fn test_id(self) -> &'static str {
        match self {
            ExportKind::Svg => "export-svg",
            ExportKind::Png => "export-png",
            ExportKind::Mermaid => "export-mermaid",
            ExportKind::Pcap => "export-pcap",
            ExportKind::Json => "export-json",
            ExportKind::Scenario => "export-scenario",
            #[cfg(feature = "full")]
            ExportKind::PlantUml => "export-plantuml",
            #[cfg(feature = "full")]
            ExportKind::Msc => "export-msc",
            #[cfg(feature = "full")]
            ExportKind::SequenceDiagram => "export-sequencediagram",
            #[cfg(feature = "full")]
            ExportKind::Tikz => "export-tikz",
        }
    }

    fn label(self) -> T {
        match self {
            ExportKind::Svg => T { en: "SVG", zh: "SVG" },
            ExportKind::Png => T { en: "PNG", zh: "PNG" },
            ExportKind::Mermaid => T { en: "Mermaid", zh: "Mermaid" },
            ExportKind::Pcap => T { en: "pcap", zh: "pcap" },
            ExportKind::Json => T { en: "JSON trace", zh: "JSON 轨迹" },
            ExportKind::Scenario => T { en: "Scenario (JSON)", zh: "场景（JSON）" },
            #[cfg(feature = "full")]
            ExportKind::PlantUml => T { en: "PlantUML", zh: "PlantUML" },
            #[cfg(feature = "full")]
            ExportKind::Msc => T { en: "MSC", zh: "MSC" },
            #[cfg(feature = "full")]
            ExportKind::SequenceDiagram => T { en: "sequencediagram.org", zh: "sequencediagram.org" },
            #[cfg(feature = "full")]
            ExportKind::Tikz => T { en: "TikZ", zh: "TikZ" },
        }
    }

    fn hint(self) -> T {
        match self {
            ExportKind::Svg => T { en: "Download the diagram as SVG", zh: "下载时序图（SVG）" },
            ExportKind::Png => T { en: "Download the diagram as a PNG image", zh: "下载时序图（PNG 图片）" },
            ExportKind::Mermaid => {
                T { en: "Download the exchange as a Mermaid diagram", zh: "下载报文段往来（Mermaid 图）" }
            }
            ExportKind::Pcap => T {
                en: "Download the segments as a pcap capture for Wireshark",
                zh: "下载报文段（pcap，可用 Wireshark 打开）",
            },
            ExportKind::Json => T { en: "Download the simulation trace as JSON", zh: "下载仿真轨迹（JSON）" },
            ExportKind::Scenario => T {
                en: "Download the scenario with your settings as JSON",
                zh: "下载包含你的设置的场景（JSON）",
            },
            #[cfg(feature = "full")]
            ExportKind::PlantUml => {
                T { en: "Download the exchange as a PlantUML diagram", zh: "下载报文段往来（PlantUML 图）" }
            }
            #[cfg(feature = "full")]
            ExportKind::Msc => T {
                en: "Download the exchange as an MSC chart for mscgen",
                zh: "下载报文段往来（MSC 图，可用 mscgen 绘制）",
            },
            #[cfg(feature = "full")]
            ExportKind::SequenceDiagram => T {
                en: "Download the exchange as text to paste into sequencediagram.org",
                zh: "下载报文段往来（可粘贴到 sequencediagram.org 的文本）",
            },
            #[cfg(feature = "full")]
            ExportKind::Tikz => T {
                en: "Download the diagram as a LaTeX picture (TikZ)",
                zh: "下载时序图（LaTeX 的 TikZ 图）",
            },
        }
    }
}

const EXPORT: T = T { en: "Export", zh: "导出" };
const COPY: T = T { en: "Copy Mermaid", zh: "复制 Mermaid" };
const COPY_HINT: T = T { en: "Copy the Mermaid diagram to the clipboard", zh: "将 Mermaid 图复制到剪贴板" };
const COPIED: T = T { en: "Mermaid copied to the clipboard.", zh: "Mermaid 已复制到剪贴板。" };
const DISMISS: T = T { en: "Dismiss", zh: "关闭" };
const PNG_FAILED: T = T {
    en: "This browser could not draw the PNG; try SVG instead.",
    zh: "此浏览器无法生成 PNG，请改用 SVG。",
};
const DOWNLOAD_FAILED: T = T { en: "The browser refused the download.", zh: "浏览器拒绝了下载。" };
const COPY_FAILED: T = T { en: "Could not copy to the clipboard.", zh: "无法复制到剪贴板。" };
const PNG_ONLY_IN_BROWSER: T =
    T { en: "PNG images are drawn by the browser.", zh: "PNG 图片只能由浏览器绘制。" };

/// Object URLs are revoked this long after the download started (Chrome reads the blob
/// asynchronously).
const REVOKE_AFTER_MS: u32 = 10_000;

/// Canvas sides above this many pixels fail in some browsers; the PNG's scale shrinks to fit.
const MAX_CANVAS_SIDE: f32 = 16_384.0;

fn message(t: T) -> SettingError {
    SettingError::new(t.en, t.zh)
}

/// `synack-<entry>.<ext>`, with anything but ASCII letters, digits, `-` and `_` in the entry name
/// replaced by `-`.
pub fn file_name(entry: &str, kind: ExportKind) -> String {
    let entry: String =
        entry.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let entry = if entry.is_empty() { "experiment" } else { &entry };
    format!("synack-{entry}.{}", kind.extension())
}

/// The diagram the PNG is drawn from: the SVG export's, at [`seqdiag::WidthClass::Full`] as the
/// CLI draws it (the page lays out its own for its box).
fn export_layout(trace: &Trace, view: &ViewOptions) -> Diagram {
    seqdiag::layout(trace, view)
}

fn build(
    kind: ExportKind,
    trace: &Trace,
    experiment: &Experiment,
    lang: Lang,
    relative: bool,
) -> Result<(Vec<u8>, &'static str, String), SettingError> {
    let view = ViewOptions { lang, relative, ..ViewOptions::default() };
    let bytes = match kind.format() {
        Some(format) => (format.write)(trace, &view),
        None if kind == ExportKind::Png => return Err(message(PNG_ONLY_IN_BROWSER)),
        None => experiment.scenario()?.to_json().into_bytes(),
    };
    Ok((bytes, kind.mime(), file_name(&experiment.entry, kind)))
}

/// The file of an export, its MIME type and its name; the error (in `lang`) says why it cannot
/// be built. Every kind but [`ExportKind::Png`], which only the browser can draw.
pub fn export_bytes(
    kind: ExportKind,
    trace: &Trace,
    experiment: &Experiment,
    lang: Lang,
    relative: bool,
) -> Result<(Vec<u8>, &'static str, String), String> {
    build(kind, trace, experiment, lang, relative).map_err(|e| e.text(lang).to_owned())
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))
}

fn blob(bytes: &[u8], mime: &str) -> Result<Blob, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &options)
}

/// Clicks a temporary `<a download>` (attached to the body while clicked, as Firefox wants).
fn click_link(url: &str, name: &str) -> Result<(), JsValue> {
    let document = document()?;
    let body = document.body().ok_or_else(|| JsValue::from_str("no body"))?;
    let a: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(url);
    a.set_download(name);
    a.set_hidden(true);
    body.append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}

/// Downloads a blob as `name`; its object URL is revoked a little later.
fn save_blob(blob: &Blob, name: &str) -> Result<(), JsValue> {
    let url = Url::create_object_url_with_blob(blob)?;
    let clicked = click_link(&url, name);
    gloo_timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    clicked
}

fn save(bytes: &[u8], mime: &str, name: &str) -> Result<(), JsValue> {
    save_blob(&blob(bytes, mime)?, name)
}

/// Draws the SVG on a canvas at twice its size (less if that is too big) over white, then
/// downloads it as PNG. `done` gets `None` once the download started, or what went wrong.
fn start_png(svg: String, width: f32, height: f32, name: String, done: Callback<Option<SettingError>>) {
    let started = (|| -> Result<(), JsValue> {
        let url = Url::create_object_url_with_blob(&blob(svg.as_bytes(), "image/svg+xml")?)?;
        let img = web_sys::HtmlImageElement::new()?;
        // One handler for `load` and `error`: exactly one of them fires, which frees it.
        let handler = {
            let (img, url, done) = (img.clone(), url.clone(), done.clone());
            Closure::once_into_js(move |e: web_sys::Event| {
                img.set_onload(None);
                img.set_onerror(None);
                let drawn = if e.type_() == "load" {
                    draw_png(&img, width, height, name, done.clone())
                } else {
                    Err(JsValue::from_str("the SVG image did not load"))
                };
                let _ = Url::revoke_object_url(&url);
                if drawn.is_err() {
                    done.emit(Some(message(PNG_FAILED)));
                }
            })
        };
        img.set_onload(Some(handler.unchecked_ref()));
        img.set_onerror(Some(handler.unchecked_ref()));
        img.set_src(&url);
        Ok(())
    })();
    if started.is_err() {
        done.emit(Some(message(PNG_FAILED)));
    }
}

fn draw_png(
    img: &web_sys::HtmlImageElement,
    width: f32,
    height: f32,
    name: String,
    done: Callback<Option<SettingError>>,
) -> Result<(), JsValue> {
    let side = width.max(height).max(1.0);
    let scale = 2.0_f32.min(MAX_CANVAS_SIDE / side);
    let (w, h) = ((width * scale).ceil().max(1.0), (height * scale).ceil().max(1.0));
    let canvas: HtmlCanvasElement = document()?.create_element("canvas")?.dyn_into()?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2d context"))?.dyn_into()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, f64::from(w), f64::from(h))?;
    let on_blob = Closure::once_into_js(move |png: Option<Blob>| {
        let saved = png.ok_or_else(|| JsValue::from_str("no PNG")).and_then(|png| save_blob(&png, &name));
        done.emit(saved.err().map(|_| message(PNG_FAILED)));
    });
    canvas.to_blob_with_type(on_blob.unchecked_ref(), "image/png")
}

/// Copies text to the clipboard; `done` gets whether it worked (never called synchronously when
/// the clipboard exists).
pub(crate) fn copy_text(text: &str, done: Callback<bool>) {
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
        .and_then(|c| c.dyn_into::<web_sys::Clipboard>().ok());
    let Some(clipboard) = clipboard else {
        done.emit(false);
        return;
    };
    // One function for both outcomes: the promise settles once, which frees it.
    let settled = Closure::once_into_js(move |v: JsValue| {
        // `writeText` fulfils with `undefined` and rejects with an error.
        done.emit(v.is_undefined());
    });
    let promise = clipboard.write_text(text);
    let then = js_sys::Reflect::get(&promise, &JsValue::from_str("then")).ok();
    if let Some(then) = then.and_then(|t| t.dyn_into::<js_sys::Function>().ok()) {
        let _ = then.call2(&promise, &settled, &settled);
    }
}

/// Props of [`Export`].
#[derive(Properties, PartialEq, Debug)]
pub struct ExportProps {
    /// The trace shown.
    pub trace: Shared<Trace>,
    /// The experiment it comes from (its entry names the files).
    pub experiment: Experiment,
    /// Language.
    pub lang: Lang,
    /// Relative or absolute sequence numbers.
    pub relative: bool,
    /// The other run of a comparison, if one is shown: the SVG and the PNG draw both.
    #[prop_or_default]
    pub compared: Option<Compared>,
}

/// The other run of a comparison: its trace and its experiment (a player never compares).
#[cfg(feature = "full")]
pub type Compared = (Shared<Trace>, Experiment);
/// The other run of a comparison (a player never compares).
#[cfg(not(feature = "full"))]
pub type Compared = ();

/// Both runs of a comparison as one SVG file, side by side on one time axis, with its width and
/// height: what the SVG and PNG exports write while the page compares.
#[cfg(feature = "full")]
fn compared_svg(trace: &Trace, experiment: &Experiment, compared: &Compared, view: &ViewOptions) -> (String, f32, f32) {
    let (other, other_experiment) = compared;
    let pair = seqdiag::pair::layout_pair(trace, other, view);
    let sentence = narration::narrate_divergence(trace, other, pair.divergence.as_ref(), view.lang, view.relative);
    let [a, b] = crate::components::compare::captions(experiment, other_experiment, view.lang);
    seqdiag::svg::render_pair_sized(&pair, [&a, &b], Some(&sentence), view.lang)
}

/// What the last export said.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    /// It failed, and why.
    Failed(SettingError),
    /// The Mermaid text was copied.
    Copied,
}

/// The export buttons.
#[cfg(feature = "full")]
#[component]
pub fn Export(props: &ExportProps) -> Html {
    let lang = props.lang;
    let status = use_state(|| None::<Status>);
    let png_busy = use_state(|| false);

    let on_export = |kind: ExportKind| {
        let (trace, experiment, compared) = (props.trace.clone(), props.experiment.clone(), props.compared.clone());
        let relative = props.relative;
        let (status, png_busy) = (status.clone(), png_busy.clone());
        Callback::from(move |_: MouseEvent| {
            let view = ViewOptions { lang, relative, ..ViewOptions::default() };
            // Comparing, the drawing is of both runs.
            let drawing = matches!(kind, ExportKind::Svg | ExportKind::Png);
            let pair = compared.as_ref().filter(|_| drawing).map(|c| compared_svg(&trace, &experiment, c, &view));
            if kind == ExportKind::Svg
                && let Some((svg, ..)) = &pair
            {
                let saved =
                    save(svg.as_bytes(), kind.mime(), &file_name(&format!("{}-compared", experiment.entry), kind));
                status.set(saved.err().map(|_| Status::Failed(message(DOWNLOAD_FAILED))));
                return;
            }
            if kind == ExportKind::Png {
                if *png_busy {
                    return;
                }
                let (svg, width, height, name) = match pair {
                    Some((svg, width, height)) => {
                        (svg, width, height, file_name(&format!("{}-compared", experiment.entry), kind))
                    }
                    None => {
                        let diagram = export_layout(&trace, &view);
                        let svg = seqdiag::svg::render(&diagram, &view);
                        (svg, diagram.width, diagram.height, file_name(&experiment.entry, kind))
                    }
                };
                let done = {
                    let (status, png_busy) = (status.clone(), png_busy.clone());
                    Callback::from(move |error: Option<SettingError>| {
                        png_busy.set(false);
                        status.set(error.map(Status::Failed));
                    })
                };
                png_busy.set(true);
                status.set(None);
                start_png(svg, width, height, name, done);
                return;
            }
            let saved = build(kind, &trace, &experiment, lang, relative)
                .and_then(|(bytes, mime, name)| save(&bytes, mime, &name).map_err(|_| message(DOWNLOAD_FAILED)));
            status.set(saved.err().map(Status::Failed));
        })
    };

    let on_copy = {
        let (trace, relative, status) = (props.trace.clone(), props.relative, status.clone());
        Callback::from(move |_: MouseEvent| {
            let text = seqdiag::mermaid::render(&trace, &ViewOptions { lang, relative, ..ViewOptions::default() });
            let status = status.clone();
            copy_text(
                &text,
                Callback::from(move |ok: bool| {
                    status.set(Some(if ok { Status::Copied } else { Status::Failed(message(COPY_FAILED)) }))
                }),
            );
        })
    };
    let on_dismiss = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| status.set(None))
    };
    let buttons = ExportKind::ALL.map(|kind| Button {
        kind,
        busy: kind == ExportKind::Png && *png_busy,
        onclick: Some(on_export(kind)),
    });
    bar(lang, &buttons, Some(on_copy), status_line(lang, &status, on_dismiss))
}

/// The export buttons, as a player draws them: each loads the full module, which exports.
#[cfg(not(feature = "full"))]
#[component]
pub fn Export(props: &ExportProps) -> Html {
    let buttons = ExportKind::ALL.map(|kind| Button { kind, busy: false, onclick: None });
    bar(props.lang, &buttons, None, html! {})
}

/// One export button: without a handler, it is a player's (`data-upgrade`).
struct Button {
    kind: ExportKind,
    busy: bool,
    onclick: Option<Callback<MouseEvent>>,
}

/// What the last export said, if anything.
#[cfg(feature = "full")]
fn status_line(lang: Lang, status: &Option<Status>, on_dismiss: Callback<MouseEvent>) -> Html {
    match status {
        None => html! {},
        Some(Status::Copied) => html! {
            <p class="export-status" role="status" data-testid="export-copied">{ COPIED.get(lang) }</p>
        },
        Some(Status::Failed(e)) => html! {
            <p class="export-status export-error" role="alert" data-testid="export-error">
                <span>{ e.text(lang).to_owned() }</span>
                <button type="button" class="export-dismiss" onclick={on_dismiss} aria-label={DISMISS.get(lang)}
                    title={DISMISS.get(lang)}>{ "×" }</button>
            </p>
        },
    }
}

/// The bar: the title, the buttons, the status line.
fn bar(lang: Lang, buttons: &[Button], on_copy: Option<Callback<MouseEvent>>, status_line: Html) -> Html {
    // In a player, a button names itself for boot.js to press again in the full module.
    let upgrade = |test_id: &'static str, handled: bool| match test_id {
        _ if handled => None,
        "export-svg" => Some("[data-testid=export-svg]"),
        "export-png" => Some("[data-testid=export-png]"),
        "export-mermaid" => Some("[data-testid=export-mermaid]"),
        "export-pcap" => Some("[data-testid=export-pcap]"),
        "export-json" => Some("[data-testid=export-json]"),
        "export-scenario" => Some("[data-testid=export-scenario]"),
        _ => Some("[data-testid=export-mermaid-copy]"),
    };
    let button = |b: &Button| {
        let kind = b.kind;
        html! {
            <button type="button" class="export-button" data-testid={kind.test_id()} title={kind.hint().get(lang)}
                aria-busy={b.busy.then_some("true")} disabled={b.busy} onclick={b.onclick.clone()}
                data-upgrade={upgrade(kind.test_id(), b.onclick.is_some())}>
                { kind.label().get(lang) }
            </button>
        }
    };
    // The formats only the full module offers come after the copy button, so that the buttons a
    // player drew (the copy button among them) stay where they were when it takes over.
    let (offered, added): (Vec<&Button>, Vec<&Button>) = buttons.iter().partition(|b| !b.kind.full_only());
    let copy_upgrade = upgrade("export-mermaid-copy", on_copy.is_some());
    html! {
        <div class="export" data-testid="export" role="group" aria-label={EXPORT.get(lang)}>
            <span class="export-title">{ EXPORT.get(lang) }</span>
            <div class="export-buttons">
                { for offered.into_iter().map(button) }
                <button type="button" class="export-button export-copy" data-testid="export-mermaid-copy"
                    title={COPY_HINT.get(lang)} onclick={on_copy} data-upgrade={copy_upgrade}>{ COPY.get(lang) }</button>
                { for added.into_iter().map(button) }
            </div>
            { status_line }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcp_sim::catalogue;

    fn handshake() -> (Trace, Experiment) {
        let experiment = Experiment::default();
        let scenario = catalogue::get(&experiment.entry).expect("the entry").scenario().expect("its scenario");
        (tcp_sim::simulate(&scenario), experiment)
    }

    fn export(kind: ExportKind) -> (Vec<u8>, &'static str, String) {
        let (trace, experiment) = handshake();
        export_bytes(kind, &trace, &experiment, Lang::En, true).expect("an export")
    }

    #[test]
    fn svg_is_a_standalone_document() {
        let (bytes, mime, name) = export(ExportKind::Svg);
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with("<svg"), "{}", &text[..40.min(text.len())]);
        assert!(text.contains("</svg>"));
        assert_eq!(mime, "image/svg+xml");
        assert_eq!(name, "synack-handshake.svg");
    }

    #[test]
    fn pcap_starts_with_the_magic() {
        let (bytes, mime, name) = export(ExportKind::Pcap);
        assert_eq!(bytes[..4], [0xd4, 0xc3, 0xb2, 0xa1]);
        assert_eq!(mime, "application/vnd.tcpdump.pcap");
        assert_eq!(name, "synack-handshake.pcap");
        let read = tcp_sim::pcap::read(&bytes, tcp_sim::pcap::Checksums::Verify);
        assert!(read.is_ok_and(|segments| !segments.is_empty()));
    }

    #[test]
    fn json_trace_is_an_object() {
        let (bytes, mime, name) = export(ExportKind::Json);
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with('{') && text.ends_with('}'), "{text}");
        assert!(text.contains("\"segments\""), "{}", &text[..200.min(text.len())]);
        assert_eq!(mime, "application/json");
        assert_eq!(name, "synack-handshake.trace.json");
    }

    #[test]
    fn mermaid_is_a_sequence_diagram() {
        let (bytes, mime, name) = export(ExportKind::Mermaid);
        assert!(bytes.starts_with(b"sequenceDiagram"));
        assert_eq!(mime, "text/plain");
        assert_eq!(name, "synack-handshake.mmd");
    }

    #[test]
    fn scenario_json_reads_back() {
        let (trace, mut experiment) = handshake();
        experiment.settings.seed = Some(7);
        let (bytes, mime, name) =
            export_bytes(ExportKind::Scenario, &trace, &experiment, Lang::En, true).expect("an export");
        let back = tcp_sim::Scenario::from_json(&String::from_utf8(bytes).expect("UTF-8")).expect("valid JSON");
        assert_eq!(back, experiment.scenario().expect("the scenario"));
        assert_eq!(mime, "application/json");
        assert_eq!(name, "synack-handshake.scenario.json");
    }

    #[test]
    fn png_and_bad_experiments_are_errors_in_the_language() {
        let (trace, mut experiment) = handshake();
        assert!(export_bytes(ExportKind::Png, &trace, &experiment, Lang::En, true).is_err());
        experiment.entry = "no-such-entry".into();
        let zh = export_bytes(ExportKind::Scenario, &trace, &experiment, Lang::Zh, true);
        assert!(zh.is_err_and(|e| e.contains("没有")));
    }

    #[test]
    fn written_files_are_the_clis() {
        let (trace, experiment) = handshake();
        let view = ViewOptions { lang: Lang::Zh, relative: false, ..ViewOptions::default() };
        for kind in ExportKind::ALL {
            let Some(format) = kind.format() else { continue };
            let (bytes, mime, _) = export_bytes(kind, &trace, &experiment, Lang::Zh, false).expect("an export");
            assert_eq!(bytes, (format.write)(&trace, &view), "{kind:?}");
            assert_eq!(mime, format.mime, "{kind:?}");
        }
    }

    #[test]
    fn the_full_modules_text_exports_are_the_tables() {
        let (trace, experiment) = handshake();
        let view = ViewOptions { lang: Lang::Zh, relative: true, ..ViewOptions::default() };
        for (kind, format, name) in [
            (ExportKind::PlantUml, format::PLANTUML, "synack-handshake.puml"),
            (ExportKind::Msc, format::MSC, "synack-handshake.msc"),
            (ExportKind::SequenceDiagram, format::SEQUENCEDIAGRAM, "synack-handshake.sequencediagram.txt"),
            (ExportKind::Tikz, format::TIKZ, "synack-handshake.tex"),
        ] {
            assert!(ExportKind::ALL.contains(&kind), "{kind:?} has a button");
            let (bytes, mime, file) = export_bytes(kind, &trace, &experiment, Lang::Zh, true).expect("an export");
            assert_eq!(bytes, (format.write)(&trace, &view), "{kind:?}");
            assert_eq!((mime, file.as_str()), (format.mime, name), "{kind:?}");
        }
        let ids: Vec<&str> = ExportKind::ALL.iter().map(|k| k.test_id()).collect();
        assert_eq!(
            ids[6..],
            ["export-plantuml", "export-msc", "export-sequencediagram", "export-tikz"],
            "after the buttons a player draws"
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("simultaneous open", ExportKind::Pcap), "synack-simultaneous-open.pcap");
        assert_eq!(file_name("../x", ExportKind::Svg), "synack----x.svg");
        assert_eq!(file_name("", ExportKind::Png), "synack-experiment.png");
    }
}
