//! The diagram's stylesheet, shared by the standalone SVG and the web app.
//!
//! Colours are set once per kind with `color` and used through `currentColor`, so one class on a
//! group (`seg synack`, `band st-est`, `timer rto`) colours everything in it. Dark mode follows
//! `prefers-color-scheme`. Every text colour meets WCAG 2.2 AA (4.5:1) on what it is drawn on:
//! see [`text_colours`].

/// Font stack of every text (monospace, so widths can be estimated; CJK falls back to a CJK font).
pub const FONT: &str = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', \
                        'Noto Sans CJK SC', 'Microsoft YaHei', monospace";

/// One colour scheme's rules; `$p` (empty, or e.g. `"[data-theme=dark] "`) prefixes every selector.
///
/// Every colour that text is drawn in is readable on what it is drawn on (WCAG 2.2 AA, 4.5:1):
/// state and timer colours double as text colours, so they are dark enough in the light scheme
/// and light enough in the dark one; a discreet timer's label is muted, not faded. The test
/// `text_contrast` in this module checks every pair listed by [`text_colours`].
#[rustfmt::skip]
macro_rules! palette {
    ($p:literal, $bg:literal, $fg:literal, $muted:literal, $line:literal, $head:literal, $headline:literal,
     $syn:literal, $synack:literal, $ack:literal, $data:literal, $fin:literal, $rst:literal,
     $listen:literal, $open:literal, $est:literal, $close:literal, $tw:literal, $closed:literal,
     $rto:literal, $dack:literal, $tw2:literal, $fw2:literal, $on_badge:literal) => {
        concat!(
            $p, ".bg,", $p, ".brk-fill,", $p, ".lbl-bg{fill:", $bg, "}",
            $p, "text{fill:", $fg, "}",
            // Again here: a prefix makes `text` above beat the sheet's own `.tr-label` rule.
            $p, ".tr-label,", $p, ".timer-label{fill:currentColor}",
            $p, ".halo{stroke:", $bg, "}",
            $p, ".life{stroke:", $line, "}",
            $p, ".head-box{fill:", $head, ";stroke:", $headline, "}",
            $p, ".head-addr,", $p, ".ruler text,", $p, ".brk-label,", $p, ".note.app,", $p, ".note.eof,", $p, ".tag,",
            $p, ".timer-label.minor{fill:", $muted, "}",
            $p, ".tick,", $p, ".brk-edge{stroke:", $muted, "}",
            $p, ".tr-dot{fill:", $bg, "}",
            $p, ".seg.syn{color:", $syn, "}", $p, ".seg.synack{color:", $synack, "}", $p, ".seg.ack{color:", $ack, "}",
            $p, ".seg.data{color:", $data, "}", $p, ".seg.fin{color:", $fin, "}", $p, ".seg.rst{color:", $rst, "}",
            $p, ".rejected .arrowhead{fill:", $bg, "}",
            $p, ".st-listen{color:", $listen, "}", $p, ".st-open{color:", $open, "}", $p, ".st-est{color:", $est, "}",
            $p, ".st-close{color:", $close, "}", $p, ".st-tw{color:", $tw, "}", $p, ".st-closed{color:", $closed, "}",
            $p, ".timer.rto{color:", $rto, "}", $p, ".timer.dack{color:", $dack, "}", $p, ".timer.tw{color:", $tw2, "}",
            $p, ".timer.fw2,", $p, ".timer.persist,", $p, ".timer.keepalive,", $p, ".timer.establish{color:", $fw2, "}",
            $p, ".note.error,", $p, ".note.rejected,", $p, ".outage-label{fill:", $rst, "}",
            $p, ".outage{color:", $rst, "}",
            $p, ".badge-text{fill:", $on_badge, "}",
        )
    };
}

/// The text colours of one scheme, each with what it is drawn on: `(what, text, background)`.
#[rustfmt::skip]
macro_rules! text_pairs {
    ($p:literal, $bg:literal, $fg:literal, $muted:literal, $line:literal, $head:literal, $headline:literal,
     $syn:literal, $synack:literal, $ack:literal, $data:literal, $fin:literal, $rst:literal,
     $listen:literal, $open:literal, $est:literal, $close:literal, $tw:literal, $closed:literal,
     $rto:literal, $dack:literal, $tw2:literal, $fw2:literal, $on_badge:literal) => {
        &[
            ("labels", $fg, $bg), ("muted text", $muted, $bg),
            ("host name", $fg, $head), ("host address", $muted, $head),
            ("LISTEN", $listen, $bg), ("SYN_SENT, SYN_RECV", $open, $bg), ("ESTABLISHED", $est, $bg),
            ("closing states", $close, $bg), ("TIME_WAIT", $tw, $bg), ("CLOSED", $closed, $bg),
            ("RTO", $rto, $bg), ("delayed ACK", $dack, $bg), ("2MSL", $tw2, $bg), ("FIN-WAIT-2", $fw2, $bg),
            ("errors", $rst, $bg),
            ("SYN badge", $on_badge, $syn), ("SYN-ACK badge", $on_badge, $synack), ("ACK badge", $on_badge, $ack),
            ("data badge", $on_badge, $data), ("FIN badge", $on_badge, $fin), ("RST badge", $on_badge, $rst),
        ]
    };
}

/// One scheme's colours by name, for writers that name colours instead of using the stylesheet
/// (TikZ): `(name, colour)`, the names of the stylesheet's classes (`syn`, `est`, `timerrto`).
#[rustfmt::skip]
macro_rules! named {
    ($p:literal, $bg:literal, $fg:literal, $muted:literal, $line:literal, $head:literal, $headline:literal,
     $syn:literal, $synack:literal, $ack:literal, $data:literal, $fin:literal, $rst:literal,
     $listen:literal, $open:literal, $est:literal, $close:literal, $tw:literal, $closed:literal,
     $rto:literal, $dack:literal, $tw2:literal, $fw2:literal, $on_badge:literal) => {
        &[
            ("bg", $bg), ("fg", $fg), ("muted", $muted), ("line", $line), ("head", $head), ("headline", $headline),
            ("syn", $syn), ("synack", $synack), ("ack", $ack), ("data", $data), ("fin", $fin), ("rst", $rst),
            ("listen", $listen), ("open", $open), ("est", $est), ("close", $close), ("tw", $tw), ("closed", $closed),
            ("timerrto", $rto), ("timerdack", $dack), ("timertw", $tw2), ("timerfw2", $fw2), ("timerpersist", $fw2),
            ("timerkeepalive", $fw2), ("onbadge", $on_badge),
        ]
    };
}

/// The light colour scheme, given to `$m` with selector prefix `$p`.
#[rustfmt::skip]
macro_rules! light {
    ($m:ident, $p:literal) => {
        $m!(
            $p, "#ffffff", "#1f2328", "#59636e", "#8c959f", "#f6f8fa", "#d0d7de", "#0969da", "#8250df", "#59636e",
            "#1a7f37", "#bc4c00", "#cf222e", "#59636e", "#0969da", "#1a7f37", "#bc4c00", "#8250df", "#6e7781",
            "#9a6700", "#1b7c83", "#8250df", "#bf3989", "#ffffff"
        )
    };
}

/// The dark colour scheme, given to `$m` with selector prefix `$p`.
#[rustfmt::skip]
macro_rules! dark {
    ($m:ident, $p:literal) => {
        $m!(
            $p, "#0d1117", "#e6edf3", "#9198a1", "#6e7681", "#161b22", "#3d444d", "#4493f8", "#ab7df8", "#9198a1",
            "#3fb950", "#f0883e", "#f85149", "#8b949e", "#4493f8", "#3fb950", "#f0883e", "#ab7df8", "#8b949e",
            "#d29922", "#39c5cf", "#ab7df8", "#db61a2", "#0d1117"
        )
    };
}

/// Every colour text is drawn in, with its background, in the light (`dark == false`) or dark
/// scheme: `(what, text colour, background colour)`, colours as `#rrggbb`.
pub fn text_colours(dark: bool) -> &'static [(&'static str, &'static str, &'static str)] {
    if dark { dark!(text_pairs, "") } else { light!(text_pairs, "") }
}

/// The light scheme's colours by name (see `named!`), `#rrggbb`.
pub fn named_colours() -> &'static [(&'static str, &'static str)] {
    light!(named, "")
}

/// The diagram's background in the light and the dark scheme (a page that shows the diagram in a
/// box gives the box this colour, so that the picture has no visible edge).
pub const BACKGROUND: (&str, &str) = ("#ffffff", "#0d1117");

/// The drawing's rules (sizes, strokes, dashes), without colours.
#[rustfmt::skip]
macro_rules! rules {
    () => {
        concat!(
            "text{font-size:11px;white-space:pre}",
            ".halo{stroke-width:3.5px;stroke-linejoin:round;paint-order:stroke}",
            ".life{stroke-width:1;stroke-dasharray:4 4}",
            ".head-box{stroke-width:1}",
            ".head-name{font-size:13px;font-weight:700}",
            ".ruler text{font-size:11px}.tick{stroke-width:1}",
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
            ".badge-text{font-size:11px;font-weight:700}",
            ".lbl{font-size:12px}",
            ".tag{font-style:italic;font-size:11px}",
            ".timer{stroke:currentColor;fill:currentColor}",
            ".timer.major .bar{stroke-width:3;stroke-linecap:butt}",
            ".timers .timer.minor{opacity:.55}.timer.minor .bar{stroke-width:1.2}",
            ".timer .cap{stroke-width:1.5}",
            ".timer-label{fill:currentColor}",
            ".note{font-style:italic}",
            ".brk-edge{stroke-width:1.2;fill:none}",
            ".brk-label{font-style:italic}",
            ".outage{fill:currentColor;fill-opacity:.07}.outage-label{font-weight:700}",
        )
    };
}

/// The drawing's rules without colours: for a page that gives the colours itself (see
/// [`LIGHT_CSS`], [`DARK_CSS`]).
pub const RULES_CSS: &str = rules!();

/// The light scheme's colours, unprefixed.
pub const LIGHT_CSS: &str = light!(palette, "");

/// The dark scheme's colours, unprefixed: the same rules as [`LIGHT_CSS`], in the same order,
/// with other colours.
pub const DARK_CSS: &str = dark!(palette, "");

/// The stylesheet: the rules, the light scheme, and the dark one for a reader who prefers it.
pub const CSS: &str =
    concat!(rules!(), light!(palette, ""), "@media (prefers-color-scheme: dark){", dark!(palette, ""), "}");

#[cfg(feature = "pair")]
/// What a comparison of two runs adds to [`CSS`] ([`crate::svg::render_pair`]): the captions
/// naming each run and the marker where they part (the line across the diagram, the glow on the
/// diverging arrow, its label), in the colours of the RTO timer (contrast-checked text colours
/// of each scheme).
pub const PAIR_CSS: &str = concat!(
    ".pair-caption{font-size:13px;font-weight:700}",
    ".div-line{stroke:currentColor;stroke-width:1.6;stroke-dasharray:6 4}",
    ".div-seg{stroke:currentColor;stroke-width:8;stroke-opacity:.3;stroke-linecap:round;fill:none}",
    ".div-label{fill:currentColor;font-size:11px;font-weight:700}",
    ".divergence{color:#9a6700}",
    "@media (prefers-color-scheme: dark){.divergence{color:#d29922}}",
);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// WCAG 2.2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).expect("hex colour")) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn contrast_formula() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-6);
        assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01, "{}", contrast("#767676", "#ffffff"));
        assert!((contrast("#59636e", "#ffffff") - 6.11).abs() < 0.01);
    }

    #[test]
    fn text_contrast() {
        for dark in [false, true] {
            let pairs = text_colours(dark);
            assert!(pairs.len() >= 21);
            for (what, text, under) in pairs {
                let ratio = contrast(text, under);
                assert!(ratio >= 4.5, "{what} ({text} on {under}, dark: {dark}) has contrast {ratio:.2}:1");
            }
            let bg = if dark { BACKGROUND.1 } else { BACKGROUND.0 };
            assert!(pairs.iter().any(|p| p.2 == bg), "BACKGROUND is the scheme's");
        }
        // No text is faded: the only opacity in the sheet is on timer bars.
        assert!(!CSS.contains("label.minor{opacity") && CSS.contains(".timers .timer.minor{opacity"));
    }
}
