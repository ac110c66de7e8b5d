//! The diagram's stylesheet, shared by the standalone SVG and the web app.
//!
//! Colours are set once per kind with `color` and used through `currentColor`, so one class on a
//! group (`seg synack`, `band st-est`, `timer rto`) colours everything in it. Dark mode follows
//! `prefers-color-scheme`.

/// Font stack of every text (monospace, so widths can be estimated; CJK falls back to a CJK font).
pub const FONT: &str = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', \
                        'Noto Sans CJK SC', 'Microsoft YaHei', monospace";

#[rustfmt::skip]
macro_rules! palette {
    ($bg:literal, $fg:literal, $muted:literal, $line:literal, $head:literal, $headline:literal,
     $syn:literal, $synack:literal, $ack:literal, $data:literal, $fin:literal, $rst:literal,
     $listen:literal, $open:literal, $est:literal, $close:literal, $tw:literal, $closed:literal,
     $rto:literal, $dack:literal, $tw2:literal, $fw2:literal, $on_badge:literal) => {
        concat!(
            ".bg,.brk-fill,.lbl-bg{fill:", $bg, "}",
            "text{fill:", $fg, "}",
            ".halo{stroke:", $bg, "}",
            ".life{stroke:", $line, "}",
            ".head-box{fill:", $head, ";stroke:", $headline, "}",
            ".head-addr,.ruler text,.brk-label,.note.app,.note.eof,.tag{fill:", $muted, "}",
            ".ruler line,.brk-edge{stroke:", $muted, "}",
            ".tr-dot{fill:", $bg, "}",
            ".seg.syn{color:", $syn, "}.seg.synack{color:", $synack, "}.seg.ack{color:", $ack, "}",
            ".seg.data{color:", $data, "}.seg.fin{color:", $fin, "}.seg.rst{color:", $rst, "}",
            ".rejected .arrowhead{fill:", $bg, "}",
            ".st-listen{color:", $listen, "}.st-open{color:", $open, "}.st-est{color:", $est, "}",
            ".st-close{color:", $close, "}.st-tw{color:", $tw, "}.st-closed{color:", $closed, "}",
            ".timer.rto{color:", $rto, "}.timer.dack{color:", $dack, "}.timer.tw{color:", $tw2, "}",
            ".timer.fw2,.timer.persist{color:", $fw2, "}",
            ".note.error,.note.rejected{fill:", $rst, "}",
            ".badge-text{fill:", $on_badge, "}",
        )
    };
}

/// The stylesheet.
pub const CSS: &str = concat!(
    "text{font-size:11px;white-space:pre}",
    ".halo{stroke-width:3.5px;stroke-linejoin:round;paint-order:stroke}",
    ".life{stroke-width:1;stroke-dasharray:4 4}",
    ".head-box{stroke-width:1}",
    ".head-name{font-size:13px;font-weight:700}",
    ".ruler text{font-size:10px}.ruler line{stroke-width:1}",
    ".band{fill:currentColor;fill-opacity:.55;stroke:currentColor;stroke-width:1}",
    ".band.st-listen,.band.st-closed{fill-opacity:.25}",
    ".tr-dot{stroke:currentColor;stroke-width:2}",
    ".tr-label{fill:currentColor;font-weight:700}",
    ".seg line,.seg .cross{stroke:currentColor;stroke-width:1.6;fill:none}",
    ".seg .arrowhead{fill:currentColor;stroke:currentColor;stroke-width:1;stroke-linejoin:round}",
    ".seg.rst line{stroke-width:2.4}",
    ".seg.retx line{stroke-dasharray:7 4}",
    ".seg.dup line{stroke-dasharray:2 3}",
    ".seg.olddup line{stroke-dasharray:10 3 2 3}",
    ".seg.forged line{stroke-dasharray:3 3}",
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
    palette!(
        "#ffffff", "#1f2328", "#59636e", "#8c959f", "#f6f8fa", "#d0d7de", "#0969da", "#8250df", "#59636e", "#1a7f37",
        "#bc4c00", "#cf222e", "#8c959f", "#218bff", "#2da44e", "#e16f24", "#8250df", "#afb8c1", "#9a6700", "#1b7c83",
        "#8250df", "#bf3989", "#ffffff"
    ),
    "@media (prefers-color-scheme: dark){",
    palette!(
        "#0d1117", "#e6edf3", "#9198a1", "#6e7681", "#161b22", "#3d444d", "#4493f8", "#ab7df8", "#9198a1", "#3fb950",
        "#f0883e", "#f85149", "#6e7681", "#4493f8", "#3fb950", "#f0883e", "#ab7df8", "#6e7681", "#d29922", "#39c5cf",
        "#ab7df8", "#db61a2", "#0d1117"
    ),
    "}",
);
