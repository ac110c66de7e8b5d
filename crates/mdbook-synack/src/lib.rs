//! `mdbook-synack`: an [mdBook](https://rust-lang.github.io/mdBook/) preprocessor that turns each
//! ```` ```synack ```` block of a book into synack's sequence diagram.
//!
//! A block holds what `embed.js` reads from one (see `web/embed.js`): a link (the fragment of a
//! permalink, `lost-final-ack&lang=zh&ui=play.text`, with or without its `#`, or a whole embed
//! URL) or a whole scenario (TOML, or JSON starting with `{`). The preprocessor replaces it with
//! `<div class="synack-block" data-synack="LINK">` holding the static diagram: the SVG that
//! `synack run NAME|FILE --format svg [--lang zh] [--absolute]` writes, byte for byte, as an
//! `<img>` (a data URL, so that its stylesheet and ids stay its own), described by its title.
//! With `embed-js` set in `book.toml`, each chapter with a block also loads that `embed.js`,
//! which mounts a live embed on the same element (in its shadow root, which then hides the static
//! picture); without it, or without JavaScript, the reader sees the static diagram.
//!
//! ```toml
//! [preprocessor.synack]
//! embed-js = "https://example.org/synack/embed.js"   # optional
//! ```
//!
//! A link that changes the experiment (settings, faults) is drawn live only: the preprocessor
//! draws catalogue entries and scenarios as they are, and says so in the block's place. A block
//! that cannot be read (an unknown experiment, a malformed scenario) becomes an error box naming
//! the chapter, the block's line and what is wrong, and the rest of the book builds.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bilingual::Lang;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use seqdiag::{ViewOptions, format};
use tcp_sim::{Scenario, catalogue};

/// The preprocessor, stateless: it reads `embed-js` from the book's configuration on each run
/// and supports only the `html` renderer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Synack;

/// Its name in `book.toml` (`[preprocessor.synack]`).
pub const NAME: &str = "synack";

impl Preprocessor for Synack {
    fn name(&self) -> &str {
        NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let embed_js: Option<String> = ctx.config.get(&format!("preprocessor.{NAME}.embed-js"))?;
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                let name =
                    chapter.source_path.as_ref().map_or_else(|| chapter.name.clone(), |p| p.display().to_string());
                let (content, problems) = rewrite(&chapter.content, embed_js.as_deref());
                for problem in problems {
                    eprintln!("mdbook-synack: {name}: {problem}");
                }
                chapter.content = content;
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// A ```` ```synack ```` block: where it is and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Its opening fence's line, from 1.
    pub line: usize,
    /// Byte range in the chapter of the whole block, fences included (and the closing fence's
    /// line end).
    pub range: std::ops::Range<usize>,
    /// Its text, without the fences' lines and their indentation.
    pub text: String,
}

/// The ```` ```synack ```` (or `~~~synack`) fenced blocks of a Markdown text, as CommonMark reads
/// fences at the start of a line (up to three spaces of indentation; the closing fence of the same
/// character, at least as long; an unclosed block runs to the end). Blocks nested in list items or
/// quotes are left alone.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = Vec::new();
    let mut at = 0;
    for line in markdown.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let Some((indent, fence_char, fence_len, info)) = fence(line) else {
            i += 1;
            continue;
        };
        let closes = |l: &str| {
            fence(l).is_some_and(|(_, c, n, rest)| c == fence_char && n >= fence_len && rest.trim().is_empty())
        };
        let end = (i + 1..lines.len()).find(|&j| closes(lines[j].1));
        let body_end = end.unwrap_or(lines.len());
        if info.split_whitespace().next() == Some("synack") && !(fence_char == '`' && info.contains('`')) {
            let text: String = lines[i + 1..body_end]
                .iter()
                .map(|(_, l)| {
                    let spaces = l.len() - l.trim_start_matches(' ').len();
                    &l[spaces.min(indent)..]
                })
                .collect();
            let stop = end.map_or(markdown.len(), |j| lines[j].0 + lines[j].1.len());
            found.push(Block { line: i + 1, range: start..stop, text });
        }
        i = end.map_or(lines.len(), |j| j + 1);
    }
    found
}

/// An opening or closing fence: its indentation, character, length and info string.
fn fence(line: &str) -> Option<(usize, char, usize, &str)> {
    let text = line.trim_end_matches(['\n', '\r']);
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &text[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(c).len();
    (len >= 3).then(|| (indent, c, len, rest[len..].trim()))
}

/// What a block draws, read as `embed.js` reads it.
#[derive(Debug)]
pub struct Reading {
    /// The link an embed is mounted with (`data-synack`).
    pub link: String,
    /// The static diagram: the experiment as the CLI runs it, and the labels' view; `None` when
    /// the link changes the experiment (only the live embed draws that).
    pub drawn: Option<(Scenario, ViewOptions)>,
}

/// Reads a block's text: a link, or a scenario (JSON starting with `{`, or text with whitespace
/// in it: TOML).
pub fn read(text: &str) -> std::result::Result<Reading, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the block is empty: write an experiment's name (a link) or a scenario".into());
    }
    if text.starts_with('{') || text.contains(char::is_whitespace) {
        let scenario = Scenario::parse(text).map_err(|e| format!("the scenario: {e}"))?;
        let link = format!("s={}", URL_SAFE_NO_PAD.encode(text.as_bytes()));
        return Ok(Reading { link, drawn: Some((scenario, ViewOptions::default())) });
    }
    let link = text.split_once('#').map_or(text, |(_, fragment)| fragment).to_owned();
    let mut entry = "handshake";
    let mut view = ViewOptions::default();
    let mut changes_the_experiment = false;
    for part in link.split('&').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            None if part == "abs" => view.relative = false,
            None if part == "autoplay" => {}
            None => entry = part,
            Some(("e", name)) => entry = name,
            Some(("lang", lang)) => view.lang = if lang == "zh" { Lang::Zh } else { Lang::En },
            Some(("theme" | "ui" | "step" | "steps", _)) => {}
            Some(_) => changes_the_experiment = true,
        }
    }
    let found = catalogue::get(entry).ok_or_else(|| {
        let names: Vec<&str> = catalogue::ENTRIES.iter().map(|e| e.name).collect();
        format!("no experiment is named `{entry}` (there are: {})", names.join(", "))
    })?;
    let scenario = found.scenario().map_err(|e| format!("`{entry}`: {e}"))?;
    Ok(Reading { link, drawn: (!changes_the_experiment).then_some((scenario, view)) })
}

/// The SVG file `synack run … --format svg` writes for this experiment and view.
pub fn svg(scenario: &Scenario, view: &ViewOptions) -> Vec<u8> {
    (format::SVG.write)(&tcp_sim::simulate(scenario), view)
}

/// Escapes text for HTML content and attribute values.
fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The HTML a block becomes (one HTML block: no blank line in it).
fn replacement(block: &Block, chapter_line: usize) -> std::result::Result<String, String> {
    let reading = read(&block.text).map_err(|e| format!("line {chapter_line}: {e}"))?;
    let inner = match &reading.drawn {
        Some((scenario, view)) => {
            let title = bilingual::scenario_text(view.lang, &scenario.title);
            format!(
                "<img class=\"synack-static\" alt=\"{}\" src=\"data:image/svg+xml;base64,{}\">",
                html(title),
                STANDARD.encode(svg(scenario, view))
            )
        }
        None => String::from(
            "<p class=\"synack-static\">This experiment is drawn live (its link changes the experiment). / \
             此实验需在页面中实时绘制（链接改变了实验）。</p>",
        ),
    };
    Ok(format!("<div class=\"synack-block\" data-synack=\"{}\">{inner}</div>\n", html(&reading.link)))
}

/// A chapter's Markdown with every ```` ```synack ```` block replaced, and what went wrong, one
/// line per bad block. With `embed_js`, a chapter that has a block also loads that script.
pub fn rewrite(markdown: &str, embed_js: Option<&str>) -> (String, Vec<String>) {
    let found = blocks(markdown);
    if found.is_empty() {
        return (markdown.to_owned(), Vec::new());
    }
    let mut out = String::with_capacity(markdown.len() + found.len() * 8192);
    let mut problems = Vec::new();
    let mut at = 0;
    for block in &found {
        out.push_str(&markdown[at..block.range.start]);
        // An HTML block must start on a line of its own, after a blank line.
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        match replacement(block, block.line) {
            Ok(html) => out.push_str(&html),
            Err(problem) => {
                out.push_str(&format!(
                    "<div class=\"synack-error\" role=\"alert\"><strong>synack:</strong> {}</div>\n\n",
                    html(&problem)
                ));
                // The block itself stays, so the author sees what was written.
                out.push_str(&markdown[block.range.clone()]);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                problems.push(problem);
            }
        }
        out.push('\n');
        at = block.range.end;
    }
    out.push_str(&markdown[at..]);
    if let Some(src) = embed_js {
        out.push_str(&format!("\n<script type=\"module\" src=\"{}\"></script>\n", html(src)));
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_found_as_commonmark_reads_them() {
        let md = "# T\n\n```synack\nlost-syn\n```\n\n  ~~~~ synack extra\n  a = 1\n   b\n  ~~~~\n\n```rust\nfn x() {}\n```\n\n````synack\n```\ninside\n````\n    ```synack\nindented code, not a fence\n```\n";
        let found = blocks(md);
        let texts: Vec<&str> = found.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["lost-syn\n", "a = 1\n b\n", "```\ninside\n"]);
        assert_eq!(found[0].line, 3);
        assert_eq!(&md[found[0].range.clone()], "```synack\nlost-syn\n```\n");
        assert_eq!(found[2].line, 16);
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end() {
        let found = blocks("text\n```synack\nhandshake\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "handshake\n");
        assert_eq!(found[0].range, 5..25);
    }

    #[test]
    fn links_are_read_as_embed_js_reads_them() {
        let r = read("https://example.org/synack/embed.html#lost-syn&lang=zh&ui=play.text&abs").expect("a link");
        assert_eq!(r.link, "lost-syn&lang=zh&ui=play.text&abs");
        let (scenario, view) = r.drawn.expect("drawn");
        assert_eq!(scenario, catalogue::get("lost-syn").and_then(|e| e.scenario().ok()).expect("lost-syn"));
        assert_eq!((view.lang, view.relative), (Lang::Zh, false));
        let faulty = read("#lost-syn&f=server.fin.1.drop").expect("a link");
        assert!(faulty.drawn.is_none(), "a fault changes the experiment: drawn live only");
        assert!(read("no-such-thing").expect_err("unknown").contains("no experiment is named `no-such-thing`"));
        assert!(read("  ").is_err());
    }

    #[test]
    fn scenarios_are_read_and_carried_in_the_link() {
        let toml = catalogue::get("refused").and_then(|e| e.scenario().ok()).expect("refused").to_toml();
        let r = read(&toml).expect("a scenario");
        assert_eq!(r.link, format!("s={}", URL_SAFE_NO_PAD.encode(toml.trim().as_bytes())));
        assert!(r.drawn.is_some());
        let bad = read("title = 3\nhosts = []").expect_err("malformed");
        assert!(bad.starts_with("the scenario: "), "{bad}");
    }

    #[test]
    fn a_bad_block_becomes_an_error_box_and_the_rest_is_drawn() {
        let md = "Intro.\n```synack\nnot-an-entry\n```\nMiddle.\n\n```synack\nhandshake\n```\n";
        let (out, problems) = rewrite(md, Some("https://example.org/embed.js?a=1&b=2"));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line 2: no experiment is named `not-an-entry`"), "{problems:?}");
        assert!(
            out.contains("<div class=\"synack-error\" role=\"alert\"><strong>synack:</strong> line 2: no experiment")
        );
        assert!(out.contains("```synack\nnot-an-entry\n```\n"), "the bad block stays for its author");
        assert!(out.contains("<div class=\"synack-block\" data-synack=\"handshake\"><img class=\"synack-static\""));
        assert!(out.ends_with("<script type=\"module\" src=\"https://example.org/embed.js?a=1&amp;b=2\"></script>\n"));
        assert!(!out.contains("\n\n\n\n"), "{out}");
        let (same, none) = rewrite("No blocks.\n", Some("x.js"));
        assert_eq!((same.as_str(), none.len()), ("No blocks.\n", 0), "a chapter without blocks is left alone");
    }
}
