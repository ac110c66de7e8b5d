//! The diagram's stylesheet, shared by the standalone SVG and the web app.
//!
//! Colours are set once per kind with `color` and used through `currentColor`, so one class on a
//! group (`seg synack`, `band st-est`, `timer rto`) colours everything in it. Dark mode follows
//! `prefers-color-scheme`.

/// Font stack of every text (monospace, so widths can be estimated; CJK falls back to a CJK font).
pub const FONT: &str = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', \
                        'Noto Sans CJK SC', 'Microsoft YaHei', monospace";

/// One colour scheme's rules; `$p` (empty, or e.g. `"[data-theme=dark] "`) prefixes every selector.
#[rustfmt::skip]
macro_rules! palette {
    ($p:literal, $bg:literal, $fg:literal, $muted:literal, $line:literal, $head:literal, $headline:literal,
     $syn:literal, $synack:literal, $ack:literal, $data:literal, $fin:literal, $rst:literal,
     $listen:literal, $open:literal, $est:literal, $close:literal, $tw:literal, $closed:literal,
     $rto:literal, $dack:literal, $tw2:literal, $fw2:literal, $on_badge:literal) => {
        concat!(
            $p, ".bg,", $p, ".brk-fill,", $p, ".lbl-bg{fill:", $bg, "}",
            $p, "text{fill:", $fg, "}",
            $p, ".halo{stroke:", $bg, "}",
            $p, ".life{stroke:", $line, "}",
            $p, ".head-box{fill:", $head, ";stroke:", $headline, "}",
            $p, ".head-addr,", $p, ".ruler text,", $p, ".brk-label,", $p, ".note.app,", $p, ".note.eof,", $p, ".tag{fill:", $muted, "}",
            $p, ".tick,", $p, ".brk-edge{stroke:", $muted, "}",
            $p, ".tr-dot{fill:", $bg, "}",
            $p, ".seg.syn{color:", $syn, "}", $p, ".seg.synack{color:", $synack, "}", $p, ".seg.ack{color:", $ack, "}",
            $p, ".seg.data{color:", $data, "}", $p, ".seg.fin{color:", $fin, "}", $p, ".seg.rst{color:", $rst, "}",
            $p, ".rejected .arrowhead{fill:", $bg, "}",
            $p, ".st-listen{color:", $listen, "}", $p, ".st-open{color:", $open, "}", $p, ".st-est{color:", $est, "}",
            $p, ".st-close{color:", $close, "}", $p, ".st-tw{color:", $tw, "}", $p, ".st-closed{color:", $closed, "}",
            $p, ".timer.rto{color:", $rto, "}", $p, ".timer.dack{color:", $dack, "}", $p, ".timer.tw{color:", $tw2, "}",
            $p, ".timer.fw2,", $p, ".timer.persist{color:", $fw2, "}",
            $p, ".note.error,", $p, ".note.rejected{fill:", $rst, "}",
            $p, ".badge-text{fill:", $on_badge, "}",
        )
    };
}

/// The light colour scheme, its selectors prefixed with `$p`.
#[rustfmt::skip]
macro_rules! light {
    ($p:literal) => {
        palette!(
            $p, "#ffffff", "#1f2328", "#59636e", "#8c959f", "#f6f8fa", "#d0d7de", "#0969da", "#8250df", "#59636e",
            "#1a7f37", "#bc4c00", "#cf222e", "#8c959f", "#218bff", "#2da44e", "#e16f24", "#8250df", "#afb8c1",
            "#9a6700", "#1b7c83", "#8250df", "#bf3989", "#ffffff"
        )
    };
}

/// The dark colour scheme, its selectors prefixed with `$p`.
#[rustfmt::skip]
macro_rules! dark {
    ($p:literal) => {
        palette!(
            $p, "#0d1117", "#e6edf3", "#9198a1", "#6e7681", "#161b22", "#3d444d", "#4493f8", "#ab7df8", "#9198a1",
            "#3fb950", "#f0883e", "#f85149", "#6e7681", "#4493f8", "#3fb950", "#f0883e", "#ab7df8", "#6e7681",
            "#d29922", "#39c5cf", "#ab7df8", "#db61a2", "#0d1117"
        )
    };
}

/// For a page that lets its author force a theme: the schemes again under
/// `[data-theme=light]` and `[data-theme=dark]`, overriding the reader's system setting.
pub const THEMED_CSS: &str = concat!(light!("[data-theme=light] "), dark!("[data-theme=dark] "));

/// The stylesheet.
pub const CSS: &str = concat!(
    "text{font-size:11px;white-space:pre}",
    ".halo{stroke-width:3.5px;stroke-linejoin:round;paint-order:stroke}",
    ".life{stroke-width:1;stroke-dasharray:4 4}",
    ".head-box{stroke-width:1}",
    ".head-name{font-size:13px;font-weight:700}",
    ".ruler text{font-size:10px}.tick{stroke-width:1}",
    ".band{fill:currentColor;fill-opacity:.55;stroke:currentColor;stroke-width:1}",
    ".band.st-listen,.band.st-closed{fill-opacity:.25}",
    ".tr-dot{stroke:currentColor;stroke-width:2}",
    ".tr-label{fill:currentColor;font-weight:700}",
    ".shaft,.seg .cross{stroke:currentColor;stroke-width:1.6;fill:none}",
    ".seg .arrowhead{fill:currentColor;stroke:currentColor;stroke-width:1;stroke-linejoin:round}",
    ".seg.rst .shaft{stroke-width:2.4}",
    ".seg.retx .shaft{stroke-dasharray:7 4}",
    ".seg.dup .shaft{stroke-dasharray:2 3}",
    ".seg.olddup .shaft{stroke-dasharray:10 3 2 3}",
    ".seg.forged .shaft{stroke-dasharray:3 3}",
    ".seg .cross{stroke-width:2.4;stroke-linecap:round}",
    ".badge{fill:currentColor}",
    ".badge-text{font-size:10px;font-weight:700}",
    ".lbl{font-size:12px}",
    ".tag{font-style:italic;font-size:11px}",
    ".timer{stroke:currentColor;fill:currentColor}",
    ".timer.major .bar{stroke-width:3;stroke-linecap:butt}",
    ".timer.minor{opacity:.55}.timer.minor .bar{stroke-width:1.2}",
    ".timer .cap{stroke-width:1.5}",
    ".timer-label{fill:currentColor}",
    ".timer-label.minor{opacity:.7}",
    ".note{font-style:italic}",
    ".brk-edge{stroke-width:1.2;fill:none}",
    ".brk-label{font-style:italic}",
    light!(""),
    "@media (prefers-color-scheme: dark){",
    dark!(""),
    "}",
);
