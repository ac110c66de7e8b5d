//! The diagram's one SVG writer. [`render`] writes the standalone file: one self-contained
//! document (inline `<style>`, no external reference), valid XML, with `<title>` and `<desc>`;
//! `render_pair` (feature `pair`) the same for two runs side by side.
//! [`page_body`] writes the same drawing for the web page, which puts it inside its own `<svg>`
//! element and styles it with its own stylesheet.
//!
//! Every element that belongs to a playback step carries `data-step` (and `data-end`, the step
//! it ends at, when it lasts: a segment in flight, a running timer); every arrow and arrow label
//! carries `data-segment`. The page shows a step by setting classes from these (`future`,
//! `inflight`, `current`, `running`), so the drawing itself never depends on the step.

use crate::diagram::*;
#[cfg(feature = "pair")]
use crate::labels::centred_lines;
use crate::num::Px;
#[cfg(feature = "pair")]
use crate::pair::Pair;
#[cfg(feature = "pair")]
use crate::style::PAIR_CSS;
use crate::style::{CSS, FONT};
#[cfg(feature = "pair")]
use crate::wrap;
use crate::{ViewOptions, diagram::Diagram};
use alloc::string::String;
use alloc::vec::Vec;
#[cfg(feature = "pair")]
use bilingual::Lang;
use core::fmt::Write;

/// The standalone SVG file of `d`; `_opts` is not read, as `d` is already laid out for them.
pub fn render(d: &Diagram, _opts: &ViewOptions) -> String {
    let mut w = Svg { out: String::with_capacity(16 * 1024 + d.arrows.len() * 600), page: None };
    w.doc(d);
    w.out
}

/// Room above each diagram of a pair for its caption.
#[cfg(feature = "pair")]
const CAPTION_H: f32 = 30.0;
/// Room between the two diagrams of a pair.
#[cfg(feature = "pair")]
const PAIR_GAP: f32 = 32.0;
/// Font size of a pair's sentence, under both diagrams.
#[cfg(feature = "pair")]
const SENTENCE_FONT: f32 = 13.0;

/// Two runs compared, as one standalone SVG file: the diagrams of `pair` side by side (the
/// first on the left), each under its caption (`captions`: what names each run, e.g.
/// `lost-final-ack` and `lost-final-ack, no faults`), where they part marked in both (a dashed
/// line across each diagram at its [`crate::pair::Mark`], the diverging arrow glowing, a label),
/// and `sentence` (where they part, in words: `narration::narrate_divergence`) under both.
/// Valid XML with one `<title>`, `<desc>` and `<style>`; every text escaped. (Feature `pair`.)
#[cfg(feature = "pair")]
pub fn render_pair(pair: &Pair, captions: [&str; 2], sentence: Option<&str>, lang: Lang) -> String {
    render_pair_sized(pair, captions, sentence, lang).0
}

/// [`render_pair`], and the file's width and height (what a PNG of it is drawn at).
#[cfg(feature = "pair")]
pub fn render_pair_sized(pair: &Pair, captions: [&str; 2], sentence: Option<&str>, lang: Lang) -> (String, f32, f32) {
    let (a, b) = (&pair.a, &pair.b);
    let width = a.width + PAIR_GAP + b.width;
    let mut height = CAPTION_H + a.height.max(b.height);
    let note = sentence.map(|s| {
        let lines = wrap::wrap(s, SENTENCE_FONT, width - 24.0);
        let label = centred_lines(lines, 12.0, height + 8.0, Anchor::Start, SENTENCE_FONT);
        height += 24.0 + label.lines.len().saturating_sub(1) as f32 * label.line_height;
        (s, label)
    });
    let mut w = Svg { out: String::with_capacity(32 * 1024 + (a.arrows.len() + b.arrows.len()) * 600), page: None };
    let (pw, ph) = (Px(width), Px(height));
    let _ = writeln!(
        w.out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {pw} {ph}\" width=\"{pw}\" height=\"{ph}\" \
         role=\"img\" aria-labelledby=\"title desc\" font-family=\"{}\">",
        escape(FONT)
    );
    let title = bilingual::choose!(
        lang,
        alloc::format!("Two runs compared: {} | {}", captions[0], captions[1]),
        alloc::format!("两次运行对比：{} | {}", captions[0], captions[1])
    );
    let _ = writeln!(w.out, "<title id=\"title\">{}</title>", escape(&title));
    let desc = match sentence {
        Some(s) => alloc::format!("{s} {} {}", a.desc, b.desc),
        None => alloc::format!("{} {}", a.desc, b.desc),
    };
    let _ = writeln!(w.out, "<desc id=\"desc\">{}</desc>", escape(&desc));
    let _ = writeln!(w.out, "<style>{CSS}{PAIR_CSS}</style>");
    let _ = writeln!(w.out, "<rect class=\"bg\" width=\"{pw}\" height=\"{ph}\"/>");
    let marks = pair.marks.map_or([None, None], |[ma, mb]| [Some(ma), Some(mb)]);
    for (k, (d, caption)) in [a, b].into_iter().zip(captions).enumerate() {
        let x = if k == 0 { 0.0 } else { a.width + PAIR_GAP };
        let _ =
            writeln!(w.out, "<text class=\"pair-caption\" x=\"{}\" y=\"20\">{}</text>", Px(x + 12.0), escape(caption));
        let _ = writeln!(w.out, "<g class=\"run\" transform=\"translate({} {})\">", Px(x), Px(CAPTION_H));
        let start = w.out.len();
        w.body(d);
        if let Some(mark) = marks[k] {
            w.mark(d, &mark, start, Some(lang));
        }
        w.out.push_str("</g>\n");
    }
    if let Some((s, label)) = note {
        w.text("pair-sentence", &label, s);
    }
    w.out.push_str("</svg>\n");
    (w.out, width, height)
}

/// Where two runs part, in one of their diagrams, under its drawing: a dashed line across it,
/// in pieces between the labels it would cross ([`crate::pair::divergence_line`]).
#[cfg(feature = "pair")]
fn divergence_line(d: &Diagram, mark: &crate::pair::Mark) -> String {
    let path: String =
        crate::pair::divergence_line(d, mark.y).into_iter().map(|(x1, x2)| line_path(x1, mark.y, x2, mark.y)).collect();
    alloc::format!("<g class=\"divergence\"><path class=\"div-line\" d=\"{path}\"/></g>\n")
}

/// [`page_body`] with where two runs part marked on it (the web page's comparison; feature
/// `pair`): the line under the drawing and the diverging arrow's glow over it, shown from the
/// mark's step (`data-step`). No label: the page says where they part in a sentence above both
/// diagrams, and in a diagram of the narrow class the label's only room, at the line's right
/// end, is often a state's or an arrow's.
#[cfg(feature = "pair")]
pub fn page_body_marked(d: &Diagram, page: PageDrawing, mark: &crate::pair::Mark) -> String {
    let mut w = Svg { out: String::with_capacity(8 * 1024 + d.arrows.len() * 500), page: Some(page) };
    w.body(d);
    w.mark(d, mark, 0, None);
    w.out
}

/// How the web page's drawing differs from the file's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageDrawing {
    /// Segments are buttons (a role, a name, a tab stop) that open the inspector; otherwise
    /// plain drawing, named by the label beside it.
    pub selectable: bool,
    /// Draw only what lies between these y (a big diagram draws the rows near the view), or
    /// everything.
    pub rows: Option<(f32, f32)>,
}

/// The drawing as the page shows it: what goes inside the page's `<svg>` element (no title,
/// description or style). Arrows get a wide transparent stroke under them, easy to tap on a
/// phone and what the focus ring paints; no `<title>` (the label beside them says it).
pub fn page_body(d: &Diagram, page: PageDrawing) -> String {
    let mut w = Svg { out: String::with_capacity(8 * 1024 + d.arrows.len() * 500), page: Some(page) };
    w.body(d);
    w.out
}

/// A piece of the page's drawing ([`page_pieces`]): whole consecutive elements of one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct PagePiece {
    /// The layer's class (its `<g class>`), or `""` for what lies outside the layers (the
    /// background).
    pub layer: &'static str,
    /// The elements' markup, as [`page_body`] writes them.
    pub markup: String,
}

/// The classes of the drawing's layers, in paint order.
pub const LAYERS: [&str; 9] =
    ["ruler", "outages", "lifelines", "bands", "timers", "breaks", "transitions", "arrows", "labels"];

/// [`page_body`] cut into pieces of whole elements, in paint order, each within one layer and of
/// at most `budget` bytes (or one element, if that is bigger). Each layer's pieces, put inside
/// its `<g class="…">` (with the line end [`page_body`] puts after it), and the layers in
/// [`LAYERS`] order after the background, are `page_body` byte for byte. A page that cannot put a
/// big drawing in within one frame puts it in piece by piece.
pub fn page_pieces(d: &Diagram, page: PageDrawing, budget: usize) -> Vec<PagePiece> {
    let body = page_body(d, page);
    let mut pieces: Vec<PagePiece> = Vec::new();
    let mut add = |layer: &'static str, element: &str| match pieces.last_mut() {
        Some(last) if last.layer == layer && last.markup.len() + element.len() <= budget => {
            last.markup.push_str(element);
        }
        _ => pieces.push(PagePiece { layer, markup: String::from(element) }),
    };
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let opened = LAYERS.iter().find_map(|&l| {
            let inside = rest.strip_prefix("<g class=\"")?.strip_prefix(l)?.strip_prefix("\">\n")?;
            Some((l, inside))
        });
        let Some((layer, inside)) = opened else {
            let n = element_len(rest);
            add("", &rest[..n]);
            rest = &rest[n..];
            continue;
        };
        rest = inside;
        while !rest.starts_with("</g>\n") && !rest.is_empty() {
            let n = element_len(rest);
            add(layer, &rest[..n]);
            rest = &rest[n..];
        }
        rest = rest.get(5..).unwrap_or_default();
    }
    pieces
}

/// The length of the element `s` starts with, and of the line ends after it. The writer escapes
/// `<` and `>` in every text and attribute, so a `<` always opens a tag.
fn element_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let end = s[i..].find('>').map_or(bytes.len(), |n| i + n + 1);
        let tag = &s[i..end];
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
        } else if !tag.ends_with("/>") {
            depth += 1;
        }
        i = end;
        if depth == 0 {
            break;
        }
    }
    while bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    i
}

/// The hosts' headers alone (box, name, address), as [`page_body`] draws them: the copy the page
/// keeps at the top of the diagram's box once the real ones have scrolled away.
pub fn page_heads(d: &Diagram) -> String {
    let mut w = Svg { out: String::with_capacity(256 * d.lifelines.len()), page: None };
    for l in &d.lifelines {
        w.head(l);
    }
    w.out
}

/// How far a label may sit from the y it is placed at (its text, its halo, its arrow).
const LABEL_REACH: f32 = 40.0;

/// The path data of a straight line (`M1 2L3 4`). Lines are drawn as paths: one attribute
/// instead of four, which makes the page's DOM updates cheaper and the file smaller.
pub fn line_path(x1: f32, y1: f32, x2: f32, y2: f32) -> String {
    alloc::format!("M{} {}L{} {}", Px(x1), Px(y1), Px(x2), Px(y2))
}

/// Escapes text for XML content and attribute values. What XML 1.0 cannot hold (controls but
/// tab and line ends, U+FFFE and U+FFFF) and what it discourages (the other controls, the
/// non-characters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of every plane) becomes U+FFFD, so the
/// document is well-formed whatever a host name or a scenario's text holds.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if unfit_for_text(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    out
}

/// A control character (C0 but for tab and line feed, DEL, C1) or a Unicode non-character:
/// nothing a reader should get in a picture or a document.
pub fn unfit_for_text(c: char) -> bool {
    let u = c as u32;
    c.is_control() || (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// A character of a one-line label in a text format (Mermaid, PlantUML, MSC), where that format's
/// syntax gives it no meaning of its own: a line end or a tab becomes a space, a control or a
/// non-character U+FFFD ([`unfit_for_text`]), anything else stays.
pub fn one_line_char(c: char) -> char {
    match c {
        '\n' | '\r' | '\t' => ' ',
        c if unfit_for_text(c) => char::REPLACEMENT_CHARACTER,
        c => c,
    }
}

/// The rows drawn (`None`: all).
#[derive(Clone, Copy)]
struct Rows(Option<(f32, f32)>);

impl Rows {
    /// Whether something spanning `y1`..`y2` is drawn.
    fn show(self, y1: f32, y2: f32) -> bool {
        self.0.is_none_or(|(top, bottom)| y1.max(y2) >= top && y1.min(y2) <= bottom)
    }

    /// Whether a label placed at `y` is drawn.
    fn show_label(self, y: f32) -> bool {
        self.show(y - LABEL_REACH, y + LABEL_REACH)
    }
}

struct Svg {
    out: String,
    /// Drawn for the page, or (`None`) the file.
    page: Option<PageDrawing>,
}

impl Svg {
    fn doc(&mut self, d: &Diagram) {
        let (w, h) = (Px(d.width), Px(d.height));
        let _ = writeln!(
            self.out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" aria-labelledby=\"title desc\" font-family=\"{}\">",
            escape(FONT)
        );
        let _ = writeln!(self.out, "<title id=\"title\">{}</title>", escape(&d.title));
        let _ = writeln!(self.out, "<desc id=\"desc\">{}</desc>", escape(&d.desc));
        let _ = writeln!(self.out, "<style>{CSS}</style>");
        self.body(d);
        self.out.push_str("</svg>\n");
    }

    /// What is drawn: the rows the page asked for, or everything.
    fn rows(&self) -> Rows {
        Rows(self.page.and_then(|p| p.rows))
    }

    /// Where two runs part, marked on the body written from `start`: the marker's line under
    /// the drawing, just after its background (the body's first line), so that the texts it
    /// crosses stay readable; its glow and label on top.
    #[cfg(feature = "pair")]
    fn mark(&mut self, d: &Diagram, mark: &crate::pair::Mark, start: usize, label: Option<Lang>) {
        let under = start + self.out[start..].find('\n').map_or(0, |n| n + 1);
        self.out.insert_str(under, &divergence_line(d, mark));
        self.divergence(d, mark, label);
    }

    /// Where two runs part, in one of their diagrams, over the drawing: a glow along its
    /// diverging arrow (if it has one there) and, given its language, a label beside the line
    /// where no other text is ([`crate::pair::divergence_label`]).
    #[cfg(feature = "pair")]
    fn divergence(&mut self, d: &Diagram, mark: &crate::pair::Mark, label: Option<Lang>) {
        let _ = writeln!(
            self.out,
            "<g class=\"divergence\"{}>",
            mark.step.map_or_else(String::new, |s| alloc::format!(" data-step=\"{s}\""))
        );
        if let Some(a) = mark.segment.and_then(|s| d.arrows.get(s.index())) {
            let _ = writeln!(
                self.out,
                "<path class=\"div-seg\" data-segment=\"{}\" d=\"{}\"/>",
                a.segment,
                line_path(a.from.x, a.from.y, a.to.x, a.to.y)
            );
        }
        if let Some(lang) = label {
            let placed = crate::pair::divergence_label(d, mark, lang);
            self.text("div-label halo", &placed, crate::pair::divergence_words(lang));
        }
        self.out.push_str("</g>\n");
    }

    fn body(&mut self, d: &Diagram) {
        let _ = writeln!(self.out, "<rect class=\"bg\" width=\"{}\" height=\"{}\"/>", Px(d.width), Px(d.height));
        self.ruler(d);
        self.outages(d);
        self.lifelines(d);
        self.bands(d);
        self.timers(d);
        self.breaks(d);
        self.transitions(d);
        self.arrows(d);
        self.labels(d);
    }

    fn line(&mut self, class: &str, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = writeln!(self.out, "<path class=\"{class}\" d=\"{}\"/>", line_path(x1, y1, x2, y2));
    }

    fn text(&mut self, class: &str, label: &Label, s: &str) {
        let _ = write!(
            self.out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">",
            Px(label.x),
            Px(label.y),
            label.anchor.svg(),
        );
        if label.lines.is_empty() {
            self.out.push_str(&escape(s));
        }
        for (k, line) in label.lines.iter().enumerate() {
            let y = label.y + k as f32 * label.line_height;
            let _ = write!(self.out, "<tspan x=\"{}\" y=\"{}\">{}</tspan>", Px(label.x), Px(y), escape(line));
        }
        self.out.push_str("</text>\n");
    }

    fn ruler(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"ruler\">\n");
        for m in d.ruler.iter().filter(|m| rows.show(m.y, m.y)) {
            let x = m.placed.x;
            self.line("tick", x + 4.0, m.y, x + 9.0, m.y);
            self.text("", &m.placed, &m.text);
        }
        self.out.push_str("</g>\n");
    }

    fn outages(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"outages\">\n");
        for o in d.outages.iter().filter(|o| rows.show(o.rect.y, o.rect.y + o.rect.h)) {
            let r = o.rect;
            let _ = writeln!(
                self.out,
                "<rect class=\"outage\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-step=\"{}\"/>",
                Px(r.x),
                Px(r.y),
                Px(r.w),
                Px(r.h),
                o.step
            );
        }
        self.out.push_str("</g>\n");
    }

    fn lifelines(&mut self, d: &Diagram) {
        self.out.push_str("<g class=\"lifelines\">\n");
        for l in &d.lifelines {
            self.line("life", l.x, l.y1, l.x, l.y2);
            self.head(l);
        }
        self.out.push_str("</g>\n");
    }

    /// A host's header: its box, name and address.
    fn head(&mut self, l: &Lifeline) {
        let r = l.head;
        let _ = writeln!(
            self.out,
            "<rect class=\"head-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            Px(r.x),
            Px(r.y),
            Px(r.w),
            Px(r.h)
        );
        self.text("head-name", &l.name_at, &l.name);
        self.text("head-addr", &l.addr_at, &l.addr);
    }

    fn bands(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"bands\">\n");
        for b in d.bands.iter().filter(|b| rows.show(b.rect.y, b.rect.y + b.rect.h)) {
            let r = b.rect;
            let _ = writeln!(
                self.out,
                "<rect class=\"band {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" data-step=\"{}\"/>",
                state_class(Some(b.state)),
                Px(r.x),
                Px(r.y),
                Px(r.w),
                Px(r.h),
                b.step
            );
        }
        self.out.push_str("</g>\n");
    }

    fn timers(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"timers\">\n");
        for t in d.timers.iter().filter(|t| rows.show(t.y1, t.y2 + LABEL_REACH)) {
            let _ = writeln!(
                self.out,
                "<g class=\"{}\" data-step=\"{}\" data-end=\"{}\"><title>{}</title>",
                t.class(),
                t.step,
                t.end_step,
                escape(&t.text)
            );
            let (y1, y2) = (t.y1 + 1.5, (t.y2 - 1.5).max(t.y1 + 2.0));
            self.line("bar", t.x, y1, t.x, y2);
            self.line("cap", t.x - 3.0, y1, t.x + 3.0, y1);
            match t.end {
                TimerEnd::Fired => {
                    let _ = writeln!(self.out, "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\"/>", Px(t.x), Px(t.y2));
                }
                TimerEnd::Cancelled | TimerEnd::Restarted => self.line("cap", t.x - 3.0, y2, t.x + 3.0, y2),
                TimerEnd::Pending => {}
            }
            self.out.push_str("</g>\n");
        }
        self.out.push_str("</g>\n");
    }

    fn breaks(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"breaks\">\n");
        for b in d.breaks.iter().filter(|b| rows.show_label(b.placed.y)) {
            let _ = writeln!(self.out, "<path class=\"brk-fill\" d=\"{}\"/>", b.fill_path);
            let _ = writeln!(self.out, "<path class=\"brk-edge\" d=\"{}\"/>", b.edge_path);
        }
        self.out.push_str("</g>\n");
    }

    fn transitions(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"transitions\">\n");
        for t in d.transitions.iter().filter(|t| rows.show(t.at.y, t.at.y)) {
            let _ = writeln!(
                self.out,
                "<circle class=\"tr-dot {}\" cx=\"{}\" cy=\"{}\" r=\"3.5\" data-step=\"{}\"><title>{}</title></circle>",
                state_class(t.state),
                Px(t.at.x),
                Px(t.at.y),
                t.step,
                escape(&t.text)
            );
        }
        self.out.push_str("</g>\n");
    }

    fn arrows(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"arrows\">\n");
        for a in d.arrows.iter().filter(|a| rows.show(a.from.y, a.to.y)) {
            let _ = write!(
                self.out,
                "<g class=\"{}\" data-segment=\"{}\" data-step=\"{}\" data-end=\"{}\"",
                a.class(),
                a.segment,
                a.step,
                a.end_step
            );
            let name = if a.tag.is_empty() {
                escape(&a.label)
            } else {
                alloc::format!("{} ({})", escape(&a.label), escape(&a.tag))
            };
            let shaft = line_path(a.from.x, a.from.y, a.to.x, a.to.y);
            match self.page {
                None => {
                    let _ = writeln!(self.out, "><title>{name}</title>");
                }
                Some(page) => {
                    if page.selectable {
                        let _ = write!(self.out, " role=\"button\" tabindex=\"0\" aria-label=\"{name}\"");
                    }
                    let _ = writeln!(self.out, "><path class=\"hit\" d=\"{shaft}\"/>");
                }
            }
            let _ = writeln!(self.out, "<path class=\"shaft\" d=\"{shaft}\"/>");
            if let Some([p, q, r]) = a.head {
                let _ = writeln!(
                    self.out,
                    "<polygon class=\"arrowhead\" points=\"{},{} {},{} {},{}\"/>",
                    Px(p.x),
                    Px(p.y),
                    Px(q.x),
                    Px(q.y),
                    Px(r.x),
                    Px(r.y)
                );
            }
            if let Some(c) = a.cross {
                let s = 5.0;
                let _ = writeln!(
                    self.out,
                    "<path class=\"cross\" d=\"M{},{}L{},{}M{},{}L{},{}\"/>",
                    Px(c.x - s),
                    Px(c.y - s),
                    Px(c.x + s),
                    Px(c.y + s),
                    Px(c.x - s),
                    Px(c.y + s),
                    Px(c.x + s),
                    Px(c.y - s)
                );
            }
            self.out.push_str("</g>\n");
        }
        self.out.push_str("</g>\n");
    }

    fn labels(&mut self, d: &Diagram) {
        let rows = self.rows();
        self.out.push_str("<g class=\"labels\">\n");
        for b in d.breaks.iter().filter(|b| rows.show(b.placed.y, b.placed.y)) {
            self.text("brk-label halo", &b.placed, &b.text);
        }
        for o in d.outages.iter().filter(|o| rows.show(o.placed.y, o.placed.y)) {
            let _ = write!(self.out, "<g data-step=\"{}\">", o.step);
            self.text("outage-label halo", &o.placed, &o.text);
            self.out.push_str("</g>\n");
        }
        for t in &d.transitions {
            if let Some(l) = t.placed.as_ref().filter(|l| rows.show_label(l.y)) {
                let _ = write!(self.out, "<g class=\"{}\" data-step=\"{}\">", state_class(t.state), t.step);
                self.text("tr-label halo", l, &t.text);
                self.out.push_str("</g>\n");
            }
        }
        for t in &d.timers {
            if let Some(l) = t.placed.as_ref().filter(|l| rows.show_label(l.y)) {
                let class = if t.prominent { "timer-label halo" } else { "timer-label minor halo" };
                let _ = write!(self.out, "<g class=\"{}\" data-step=\"{}\">", t.class(), t.step);
                self.text(class, l, &t.text);
                self.out.push_str("</g>\n");
            }
        }
        for n in &d.notes {
            if let Some(l) = n.placed.as_ref().filter(|l| rows.show_label(l.y)) {
                let _ = write!(self.out, "<g data-step=\"{}\">", n.step);
                self.text(&alloc::format!("{} halo", n.kind.class()), l, &n.text);
                self.out.push_str("</g>\n");
            }
        }
        for a in d.arrows.iter().filter(|a| rows.show(a.from.y - LABEL_REACH, a.to.y + LABEL_REACH)) {
            let Some(p) = &a.placed else { continue };
            let (bw, h) = (p.badge_width, p.height);
            let _ = write!(
                self.out,
                "<g class=\"{}\" data-segment=\"{}\" data-step=\"{}\" transform=\"{}\">",
                a.class(),
                a.segment,
                a.step,
                p.transform()
            );
            if p.on_line {
                let _ = write!(
                    self.out,
                    "<rect class=\"lbl-bg\" x=\"-2\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                    Px(-h),
                    Px(p.width + 4.0),
                    Px(h)
                );
            }
            let _ = write!(
                self.out,
                "<rect class=\"badge\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>\
                 <text class=\"badge-text\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                Px(-h + 1.0),
                Px(bw),
                Px(ArrowLabel::BADGE_H),
                Px(bw / 2.0),
                Px(-h + 10.0),
                escape(&a.badge)
            );
            for line in &p.lines {
                let _ = write!(self.out, "<text class=\"lbl halo\" x=\"{}\" y=\"{}\">", Px(line.x), Px(line.y));
                self.out.push_str(&escape(&line.text));
                match (line.text.is_empty(), line.tag.is_empty()) {
                    (_, true) => {}
                    (true, false) => {
                        let _ = write!(self.out, "<tspan class=\"tag\">{}</tspan>", escape(&line.tag));
                    }
                    (false, false) => {
                        let _ = write!(self.out, "<tspan class=\"tag\" dx=\"8\">{}</tspan>", escape(&line.tag));
                    }
                }
                self.out.push_str("</text>");
            }
            self.out.push_str("</g>\n");
        }
        if let Some((s, l)) = &d.caption {
            self.text("note error", l, s);
        }
        self.out.push_str("</g>\n");
    }
}
