//! TikZ: the diagram as a LaTeX picture, drawn from the same [`Diagram`] as the SVG, so with the
//! same geometry: slanted arrows (dashed, dotted as the SVG dashes them), a ✕ where a segment
//! was lost, the state bands and their labels, the timers' bars, the time breaks, the ruler, the
//! notes and each arrow's badge and label, in the SVG's light colours.
//!
//! [`render`] writes a `standalone` document: `pdflatex` makes it a PDF of the picture alone,
//! and a document that loads the `standalone` package can `\input` it (the package skips the
//! file's preamble). One CSS px is 0.75 pt, as in a browser; the fonts are the document's (text
//! sizes are relative: `\footnotesize`, `\small`), so a label may come out a little wider or
//! narrower than in the SVG. Text in Chinese needs XeLaTeX: such a file loads `xeCJK` (choose
//! its font with `\setCJKmainfont`); every other file compiles with `pdflatex`.
//!
//! Text is made plain for TeX by [`escape`]: its ten special characters become commands, the
//! symbols the diagram uses (→, ✕, ·, ⋯, …) their LaTeX forms, and any other character that
//! `pdflatex` could not typeset `?` (in a Chinese file, CJK and the rest stay for XeLaTeX).

use crate::ViewOptions;
use crate::diagram::*;
use crate::num::Px;
use crate::style;
use alloc::format;
use alloc::string::String;
use bilingual::Lang;
use core::fmt::Write;

/// Renders a diagram as a standalone LaTeX document.
pub fn render(d: &Diagram, opts: &ViewOptions) -> String {
    let xe = opts.lang == Lang::Zh;
    let mut out = String::with_capacity(8 * 1024 + d.arrows.len() * 700);
    let _ = writeln!(out, "% {}", escape(&d.title, xe));
    let _ = writeln!(out, "% Drawn by synack. {}", if xe { "Compile with XeLaTeX." } else { "Compile with pdflatex." });
    out.push_str("% A document with \\usepackage{standalone} can \\input this file.\n");
    out.push_str("\\documentclass[tikz,border=4pt]{standalone}\n");
    if xe {
        out.push_str("\\usepackage{xeCJK}\n");
    } else {
        out.push_str("\\usepackage[T1]{fontenc}\n");
    }
    out.push_str("\\begin{document}\n");
    Tikz { out: &mut out, xe }.picture(d);
    out.push_str("\\end{document}\n");
    out
}

/// Makes `s` plain TeX text: the special characters `\ { } $ & # ^ _ % ~` become commands, the
/// diagram's symbols their LaTeX forms; a line end or tab a space, a control or non-character
/// `?`. With `xe` (a XeLaTeX file) other characters stay; without, any character outside
/// printable ASCII and Latin-1 becomes `?`.
pub fn escape(s: &str, xe: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '#' | '_' | '%' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            '→' => out.push_str("$\\rightarrow$"),
            '↔' => out.push_str("$\\leftrightarrow$"),
            '✕' | '×' => out.push_str("$\\times$"),
            '·' => out.push_str("\\textperiodcentered{}"),
            '⋯' => out.push_str("$\\cdots$"),
            '…' => out.push_str("\\ldots{}"),
            '–' => out.push_str("--"),
            '—' => out.push_str("---"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if crate::svg::unfit_for_text(c) => out.push('?'),
            c if c.is_ascii() || xe || ('\u{a0}'..='\u{ff}').contains(&c) => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// A point, in the picture's coordinates (the SVG's: x right, y down, in px).
struct P(f32, f32);

impl core::fmt::Display for P {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "({},{})", Px(self.0), Px(self.1))
    }
}

/// The TikZ colour (`sqsyn`, `sqest`) of a segment kind or a state, from the SVG's class of it
/// (`syn`, `st-est`).
fn colour(class: &str) -> String {
    format!("sq{}", class.trim_start_matches("st-"))
}

/// The TikZ colour of a timer (`sqtimerrto`), from the SVG's class of it (`timer rto fired
/// major`).
fn timer_colour(t: &TimerBar) -> String {
    format!("sqtimer{}", t.class().split(' ').nth(1).unwrap_or("rto"))
}

/// The node anchor of a text placed like the SVG's: at its baseline, starting, centred or ending
/// at x.
fn anchor(a: Anchor) -> &'static str {
    match a {
        Anchor::Start => "base west",
        Anchor::Middle => "base",
        Anchor::End => "base east",
    }
}

struct Tikz<'a> {
    out: &'a mut String,
    /// A XeLaTeX file (Chinese).
    xe: bool,
}

impl Tikz<'_> {
    fn picture(&mut self, d: &Diagram) {
        // y = -0.75pt: the SVG's coordinates, y down, a px as 0.75 pt. `inner sep=0` so that a
        // node's anchor is where the SVG puts its text.
        self.out.push_str(
            "\\begin{tikzpicture}[x=0.75pt,y=-0.75pt,line cap=round,line join=round,\n  \
             every node/.style={inner sep=0pt,outer sep=0pt,font=\\footnotesize}]\n",
        );
        // The colours, local to the picture: a document that `\input`s the file skips its
        // preamble, not this.
        for (name, hex) in style::named_colours() {
            let hex = hex.trim_start_matches('#').to_ascii_uppercase();
            let _ = writeln!(self.out, "\\definecolor{{sq{name}}}{{HTML}}{{{hex}}}");
        }
        self.ruler(d);
        self.outages(d);
        self.lifelines(d);
        self.bands(d);
        self.timers(d);
        self.breaks(d);
        self.transitions(d);
        self.arrows(d);
        self.labels(d);
        self.out.push_str("\\end{tikzpicture}\n");
    }

    fn text(&mut self, options: &str, label: &Label, s: &str) {
        let lines: alloc::vec::Vec<&str> =
            if label.lines.is_empty() { alloc::vec![s] } else { label.lines.iter().map(String::as_str).collect() };
        for (k, line) in lines.iter().enumerate() {
            let y = label.y + k as f32 * label.line_height;
            let _ = writeln!(
                self.out,
                "\\node[anchor={}{options}] at {} {{{}}};",
                anchor(label.anchor),
                P(label.x, y),
                escape(line, self.xe)
            );
        }
    }

    fn ruler(&mut self, d: &Diagram) {
        for m in &d.ruler {
            let x = m.placed.x;
            let _ = writeln!(self.out, "\\draw[sqmuted] {} -- {};", P(x + 4.0, m.y), P(x + 9.0, m.y));
            self.text(",text=sqmuted", &m.placed, &m.text);
        }
    }

    fn outages(&mut self, d: &Diagram) {
        for o in &d.outages {
            let r = o.rect;
            let _ = writeln!(
                self.out,
                "\\fill[sqrst,fill opacity=.07] {} rectangle {};",
                P(r.x, r.y),
                P(r.x + r.w, r.y + r.h)
            );
        }
    }

    fn lifelines(&mut self, d: &Diagram) {
        for l in &d.lifelines {
            let _ =
                writeln!(self.out, "\\draw[sqline,dash pattern=on 3pt off 3pt] {} -- {};", P(l.x, l.y1), P(l.x, l.y2));
            let r = l.head;
            let _ = writeln!(
                self.out,
                "\\draw[rounded corners=4.5pt,fill=sqhead,draw=sqheadline] {} rectangle {};",
                P(r.x, r.y),
                P(r.x + r.w, r.y + r.h)
            );
            self.text(",font=\\small\\bfseries", &l.name_at, &l.name);
            self.text(",text=sqmuted", &l.addr_at, &l.addr);
        }
    }

    fn bands(&mut self, d: &Diagram) {
        for b in &d.bands {
            let c = colour(state_class(Some(b.state)));
            let opacity = if matches!(state_class(Some(b.state)), "st-listen" | "st-closed") { ".25" } else { ".55" };
            let r = b.rect;
            let _ = writeln!(
                self.out,
                "\\draw[{c},fill={c},fill opacity={opacity},rounded corners=1.5pt] {} rectangle {};",
                P(r.x, r.y),
                P(r.x + r.w, r.y + r.h)
            );
        }
    }

    fn timers(&mut self, d: &Diagram) {
        for t in &d.timers {
            let c = timer_colour(t);
            let (y1, y2) = (t.y1 + 1.5, (t.y2 - 1.5).max(t.y1 + 2.0));
            let (width, opacity) = if t.prominent { ("2.25pt", "1") } else { ("0.9pt", ".55") };
            let _ = writeln!(self.out, "\\begin{{scope}}[{c},opacity={opacity}]");
            let _ = writeln!(self.out, "\\draw[line width={width},line cap=butt] {} -- {};", P(t.x, y1), P(t.x, y2));
            let _ = writeln!(self.out, "\\draw[line width=1.1pt] {} -- {};", P(t.x - 3.0, y1), P(t.x + 3.0, y1));
            match t.end {
                TimerEnd::Fired => {
                    let _ = writeln!(self.out, "\\fill {} circle[radius=2.6pt];", P(t.x, t.y2));
                }
                TimerEnd::Cancelled | TimerEnd::Restarted => {
                    let _ =
                        writeln!(self.out, "\\draw[line width=1.1pt] {} -- {};", P(t.x - 3.0, y2), P(t.x + 3.0, y2));
                }
                TimerEnd::Pending => {}
            }
            self.out.push_str("\\end{scope}\n");
        }
    }

    fn breaks(&mut self, d: &Diagram) {
        for b in &d.breaks {
            let _ = writeln!(self.out, "\\fill[white] {};", path(&b.fill_path));
            let _ = writeln!(self.out, "\\draw[sqmuted,line width=0.9pt] {};", path(&b.edge_path));
        }
    }

    fn transitions(&mut self, d: &Diagram) {
        for t in &d.transitions {
            let c = colour(state_class(t.state));
            let _ = writeln!(
                self.out,
                "\\draw[{c},fill=white,line width=1.5pt] {} circle[radius=2.6pt];",
                P(t.at.x, t.at.y)
            );
        }
    }

    fn arrows(&mut self, d: &Diagram) {
        for a in &d.arrows {
            let class = a.class();
            let c = colour(crate::diagram::kind_class(a.kind));
            let mut style = format!("{c},line width={}", if class.contains(" rst") { "1.8pt" } else { "1.2pt" });
            for (mark, dashes) in [
                (" retx", "on 5.25pt off 3pt"),
                (" dup", "on 1.5pt off 2.25pt"),
                (" olddup", "on 7.5pt off 2.25pt on 1.5pt off 2.25pt"),
                (" forged", "on 2.25pt off 2.25pt"),
            ] {
                if class.contains(mark) {
                    let _ = write!(style, ",line cap=butt,dash pattern={dashes}");
                }
            }
            let _ = writeln!(self.out, "\\draw[{style}] {} -- {};", P(a.from.x, a.from.y), P(a.to.x, a.to.y));
            if let Some([p, q, r]) = a.head {
                let fill = if a.marks.rejected { "white" } else { c.as_str() };
                let _ = writeln!(
                    self.out,
                    "\\filldraw[{c},fill={fill},line width=0.75pt] {} -- {} -- {} -- cycle;",
                    P(p.x, p.y),
                    P(q.x, q.y),
                    P(r.x, r.y)
                );
            }
            if let Some(x) = a.cross {
                let s = 5.0;
                let _ = writeln!(
                    self.out,
                    "\\draw[{c},line width=1.8pt] {} -- {} {} -- {};",
                    P(x.x - s, x.y - s),
                    P(x.x + s, x.y + s),
                    P(x.x - s, x.y + s),
                    P(x.x + s, x.y - s)
                );
            }
        }
    }

    fn labels(&mut self, d: &Diagram) {
        for b in &d.breaks {
            self.text(",text=sqmuted,font=\\footnotesize\\itshape", &b.placed, &b.text);
        }
        for o in &d.outages {
            self.text(",text=sqrst,font=\\footnotesize\\bfseries", &o.placed, &o.text);
        }
        for t in &d.transitions {
            if let Some(l) = &t.placed {
                let c = colour(state_class(t.state));
                self.text(&format!(",text={c},font=\\footnotesize\\bfseries"), l, &t.text);
            }
        }
        for t in &d.timers {
            if let Some(l) = &t.placed {
                let options =
                    if t.prominent { format!(",text={}", timer_colour(t)) } else { String::from(",text=sqmuted") };
                self.text(&options, l, &t.text);
            }
        }
        for n in &d.notes {
            if let Some(l) = &n.placed {
                let c = if matches!(n.kind, NoteKind::Error | NoteKind::Rejected) { "sqrst" } else { "sqmuted" };
                self.text(&format!(",text={c},font=\\footnotesize\\itshape"), l, &n.text);
            }
        }
        for a in &d.arrows {
            let Some(p) = &a.placed else { continue };
            let c = colour(crate::diagram::kind_class(a.kind));
            // The label's own frame: origin at `p.origin`, x along the arrow (the SVG's matrix).
            let angle = degrees_ccw(-p.dir.y, p.dir.x);
            let _ = writeln!(
                self.out,
                "\\begin{{scope}}[shift={{{}}},rotate={},transform shape]",
                P(p.origin.x, p.origin.y),
                Px(angle)
            );
            let (bw, h) = (p.badge_width, p.height);
            if p.on_line {
                let _ = writeln!(self.out, "\\fill[white] {} rectangle {};", P(-2.0, -h), P(p.width + 2.0, 0.0));
            }
            let _ = writeln!(
                self.out,
                "\\fill[{c},rounded corners=4.5pt] {} rectangle {};",
                P(0.0, -h + 1.0),
                P(bw, -h + 1.0 + ArrowLabel::BADGE_H)
            );
            let _ = writeln!(
                self.out,
                "\\node[anchor=base,text=sqonbadge,font=\\scriptsize\\bfseries] at {} {{{}}};",
                P(bw / 2.0, -h + 10.0),
                escape(&a.badge, self.xe)
            );
            for line in &p.lines {
                let mut text = escape(&line.text, self.xe);
                if !line.tag.is_empty() {
                    let gap = if line.text.is_empty() { "" } else { "\\enspace" };
                    let _ = write!(text, "{gap}\\textit{{\\textcolor{{sqmuted}}{{{}}}}}", escape(&line.tag, self.xe));
                }
                let _ = writeln!(self.out, "\\node[anchor=base west] at {} {{{text}}};", P(line.x, line.y));
            }
            self.out.push_str("\\end{scope}\n");
        }
        if let Some((s, l)) = &d.caption {
            self.text(",text=sqrst,font=\\footnotesize\\itshape", l, s);
        }
    }
}

/// The angle of the direction (x, y), in degrees, counter-clockwise from the x axis: what TikZ's
/// `rotate` takes. (A direction cosine pair; `atan2` without `std`.)
fn degrees_ccw(y: f32, x: f32) -> f32 {
    // atan(t) for |t| <= 1 by a polynomial good to 0.01 degrees; the octants by symmetry.
    let atan = |t: f32| {
        let t2 = t * t;
        t * (0.999_866 + t2 * (-0.330_299_5 + t2 * (0.180_141 + t2 * (-0.085_133 + t2 * 0.020_835_1))))
    };
    let (ax, ay) = (x.abs(), y.abs());
    if ax == 0.0 && ay == 0.0 {
        return 0.0;
    }
    let a = if ay <= ax { atan(ay / ax) } else { core::f32::consts::FRAC_PI_2 - atan(ax / ay) };
    let a = if x < 0.0 { core::f32::consts::PI - a } else { a };
    let a = if y < 0.0 { -a } else { a };
    a.to_degrees()
}

/// SVG path data of the layout's own (absolute `M`, `L`; relative `l`; `Z`, numbers separated by
/// `,` or spaces) as a TikZ path.
fn path(svg: &str) -> String {
    let mut out = String::new();
    let mut chars = svg.char_indices().peekable();
    let mut command = 'M';
    let mut numbers: alloc::vec::Vec<f32> = alloc::vec::Vec::new();
    let flush = |command: char, numbers: &mut alloc::vec::Vec<f32>, out: &mut String| {
        for pair in numbers.chunks(2) {
            let [x, y] = pair else { continue };
            let point = P(*x, *y);
            let _ = match command {
                'M' if out.is_empty() => write!(out, "{point}"),
                'M' => write!(out, " {point}"),
                'L' => write!(out, " -- {point}"),
                'l' => write!(out, " -- ++{point}"),
                _ => Ok(()),
            };
        }
        numbers.clear();
    };
    while let Some((i, c)) = chars.next() {
        match c {
            'M' | 'L' | 'l' | 'Z' | 'z' => {
                flush(command, &mut numbers, &mut out);
                command = c;
                if c == 'Z' || c == 'z' {
                    out.push_str(" -- cycle");
                }
            }
            '-' | '.' | '0'..='9' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' {
                        end = j + 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                numbers.push(svg[i..end].parse().unwrap_or(0.0));
            }
            _ => {}
        }
    }
    flush(command, &mut numbers, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_paths_become_tikz_paths() {
        assert_eq!(path("M1,2l6,5l6,-5L20.5,3Z"), "(1,2) -- ++(6,5) -- ++(6,-5) -- (20.5,3) -- cycle");
        assert_eq!(path("M0 0L1 1M2,2L3,3"), "(0,0) -- (1,1) (2,2) -- (3,3)");
    }

    #[test]
    fn angles_are_counter_clockwise_degrees() {
        for (y, x, want) in
            [(0.0, 1.0, 0.0), (1.0, 0.0, 90.0), (0.0, -1.0, 180.0), (-1.0, 0.0, -90.0), (1.0, 1.0, 45.0)]
        {
            let got = degrees_ccw(y, x);
            assert!((got - want).abs() < 0.05, "atan2({y}, {x}) = {got}, not {want}");
        }
        let (y, x) = (0.3_f32, -0.8_f32);
        let want = 180.0 - (0.3_f32 / 0.8).atan().to_degrees();
        assert!((degrees_ccw(y, x) - want).abs() < 0.05);
    }
}
