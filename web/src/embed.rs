//! Embeds: synack inside someone else's page, as `embed.html#...` in an iframe or mounted into an
//! element by `embed.js`. An embed has no page chrome and shows only the parts its author chose
//! (`ui=` in its link); its playback can be locked to a range of steps, start by itself, and
//! use a fixed theme. These are [`View`](crate::permalink::View) settings, so they live in the
//! same permalink as the experiment.

use crate::experiment::Experiment;
use crate::permalink::{self, View};
use seqdiag::Lang;

/// Where the app runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The full page (`index.html`): every panel, and the URL fragment follows the experiment.
    #[default]
    Page,
    /// An embed: the chosen parts only, fits its container, never touches the URL.
    Embed,
}

/// A part of the app an embed can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Play, pause, step, scrub and speed.
    Play,
    /// The narration of the current step.
    Text,
    /// The RFC state diagram.
    States,
    /// Tap a segment to inspect it, then drop, delay or duplicate it.
    Inspect,
    /// The experiment picker and every setting.
    Settings,
    /// The export buttons.
    Export,
    /// The 中文 / English switch.
    Lang,
}

impl Part {
    /// Every part, in the order links and the embed builder list them.
    pub const ALL: [Part; 7] =
        [Part::Play, Part::Text, Part::States, Part::Inspect, Part::Settings, Part::Export, Part::Lang];

    /// The part's name in links (`ui=play.text`).
    pub fn name(self) -> &'static str {
        match self {
            Part::Play => "play",
            Part::Text => "text",
            Part::States => "states",
            Part::Inspect => "inspect",
            Part::Settings => "settings",
            Part::Export => "export",
            Part::Lang => "lang",
        }
    }

    fn bit(self) -> u8 {
        1 << Part::ALL.iter().position(|&p| p == self).unwrap_or(0)
    }
}

/// The set of parts an embed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ui(u8);

impl Ui {
    /// Nothing but the diagram (`ui=none`).
    pub const NONE: Ui = Ui(0);

    /// What an embed shows when its link says nothing: playback, narration, the inspector and
    /// the language switch.
    pub fn embed_default() -> Ui {
        Ui::NONE.with(Part::Play, true).with(Part::Text, true).with(Part::Inspect, true).with(Part::Lang, true)
    }

    /// Every part (the full page).
    pub fn all() -> Ui {
        Part::ALL.iter().fold(Ui::NONE, |ui, &p| ui.with(p, true))
    }

    /// Whether `part` is shown.
    pub fn has(self, part: Part) -> bool {
        self.0 & part.bit() != 0
    }

    /// This set with `part` shown or not.
    pub fn with(self, part: Part, shown: bool) -> Ui {
        if shown { Ui(self.0 | part.bit()) } else { Ui(self.0 & !part.bit()) }
    }

    /// The link's spelling: names joined with `.`, or `none`.
    pub fn to_link(self) -> String {
        let names: Vec<&str> = Part::ALL.iter().filter(|&&p| self.has(p)).map(|p| p.name()).collect();
        if names.is_empty() { "none".to_string() } else { names.join(".") }
    }

    /// Reads [`Ui::to_link`]'s spelling (`.` or `,` between names); the error is the unknown name.
    pub fn from_link(text: &str) -> Result<Ui, String> {
        if text == "none" {
            return Ok(Ui::NONE);
        }
        text.split(['.', ',']).try_fold(Ui::NONE, |ui, name| {
            let part = Part::ALL.iter().find(|p| p.name() == name).ok_or_else(|| name.to_string())?;
            Ok(ui.with(*part, true))
        })
    }
}

/// A theme chosen by the embed's author instead of the reader's system setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// The name in links (`theme=dark`) and in the `data-theme` attribute the CSS reads.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the embed builder offers on top of the current experiment: which parts, which steps,
/// autoplay, theme and the iframe's height.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedChoice {
    /// Parts shown.
    pub ui: Ui,
    /// Steps the reader can play through (0-based, inclusive), if locked.
    pub range: Option<(usize, usize)>,
    /// Start playing on load.
    pub autoplay: bool,
    /// Fixed theme, if any.
    pub theme: Option<Theme>,
    /// The iframe's height in CSS pixels.
    pub height: u32,
}

impl Default for EmbedChoice {
    fn default() -> EmbedChoice {
        EmbedChoice { ui: Ui::embed_default(), range: None, autoplay: false, theme: None, height: 560 }
    }
}

/// The address of `embed.html` next to the page at `page_url` (whatever its path, query or
/// fragment), e.g. `https://example.org/synack/` → `https://example.org/synack/embed.html`.
pub fn embed_url(page_url: &str) -> String {
    let base = page_url.split(['#', '?']).next().unwrap_or("");
    let dir = base.rfind('/').map_or(base, |i| &base[..=i]);
    format!("{dir}embed.html")
}

/// Escapes text for an HTML attribute value in double quotes.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The address of the embed of `experiment` as `view` with `choice`, served from `embed_url`.
pub fn embed_src(embed_url: &str, experiment: &Experiment, view: &View, choice: &EmbedChoice) -> String {
    let view = View {
        step: None,
        ui: (choice.ui != Ui::embed_default()).then_some(choice.ui),
        range: choice.range,
        autoplay: choice.autoplay,
        theme: choice.theme,
        ..view.clone()
    };
    // A custom scenario too large for a link has none: the embed opens the default experiment.
    let fragment = permalink::encode(experiment, &view).unwrap_or_default();
    if fragment.is_empty() { embed_url.to_string() } else { format!("{embed_url}#{fragment}") }
}

/// The `<iframe>` snippet an author pastes into a post: the embed at `src` (see [`embed_src`]),
/// `choice.height` tall. `title` names the frame for screen readers.
pub fn iframe_snippet(src: &str, choice: &EmbedChoice, title: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{}\" loading=\"lazy\" \
         style=\"border:0;max-width:100%\"></iframe>",
        attr(src),
        attr(title),
        choice.height
    )
}

/// The line that makes a post's synack iframes as tall as their content: `embed.js`, next to
/// `embed_url`, listens for the height each embed posts (`{ synack: "height", height }`) and sets
/// its frame's height to it. The same script also mounts element embeds.
pub fn resizer_snippet(embed_url: &str) -> String {
    let dir = embed_url.rfind('/').map_or("", |i| &embed_url[..=i]);
    format!("<script type=\"module\" src=\"{}embed.js\"></script>", attr(dir))
}

/// The frame title of an embed of `entry`.
pub fn frame_title(entry_title: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("synack: {entry_title}"),
        Lang::Zh => format!("synack：{entry_title}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_round_trips_through_links() {
        for bits in 0..(1u8 << Part::ALL.len()) {
            let ui = Ui(bits);
            assert_eq!(Ui::from_link(&ui.to_link()), Ok(ui));
        }
        assert_eq!(Ui::from_link("text,play"), Ok(Ui::NONE.with(Part::Play, true).with(Part::Text, true)));
        assert_eq!(Ui::from_link("play.chat"), Err("chat".to_string()));
        assert_eq!(Ui::from_link(""), Err(String::new()));
        assert!(!Ui::embed_default().has(Part::Settings));
        assert!(Part::ALL.iter().all(|&p| Ui::all().has(p)));
    }

    #[test]
    fn embed_url_sits_next_to_the_page() {
        assert_eq!(embed_url("https://example.org/synack/#lost-syn"), "https://example.org/synack/embed.html");
        assert_eq!(embed_url("https://example.org/synack/index.html?x=1#a"), "https://example.org/synack/embed.html");
        assert_eq!(embed_url("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/embed.html");
    }

    #[test]
    fn the_snippet_is_an_iframe_with_the_experiment_and_choices() {
        let experiment = Experiment { entry: "lost-syn".into(), ..Experiment::default() };
        let choice = EmbedChoice {
            ui: Ui::NONE.with(Part::Play, true),
            range: Some((0, 5)),
            autoplay: true,
            theme: Some(Theme::Dark),
            height: 480,
        };
        let view = View { step: Some(3), lang: Lang::Zh, ..View::default() };
        let src = embed_src("https://e.org/embed.html", &experiment, &view, &choice);
        assert_eq!(src, "https://e.org/embed.html#lost-syn&lang=zh&ui=play&steps=1-6&autoplay&theme=dark");
        let html = iframe_snippet(&src, &choice, "synack: \"lost\" <SYN>");
        assert_eq!(
            html,
            "<iframe src=\"https://e.org/embed.html#lost-syn&amp;lang=zh&amp;ui=play&amp;steps=1-6&amp;autoplay&amp;theme=dark\" \
             title=\"synack: &quot;lost&quot; &lt;SYN&gt;\" width=\"100%\" height=\"480\" loading=\"lazy\" \
             style=\"border:0;max-width:100%\"></iframe>"
        );
        let choice = EmbedChoice::default();
        let default =
            iframe_snippet(&embed_src("e.html", &Experiment::default(), &View::default(), &choice), &choice, "t");
        assert!(default.starts_with("<iframe src=\"e.html\" "), "{default}");
        assert_eq!(
            resizer_snippet("https://e.org/synack/embed.html"),
            "<script type=\"module\" src=\"https://e.org/synack/embed.js\"></script>"
        );
    }
}
