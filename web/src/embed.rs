//! Embeds: synack inside someone else's page, as `embed.html#...` in an iframe or mounted into an
//! element by `embed.js`. An embed has no page chrome and shows only the parts its author chose
//! (`ui=` in its link); its playback can be locked to a range of steps, start by itself, and
//! use a fixed theme. These are [`View`] settings (see [`crate::view`]), so they live in the
//! same permalink as the experiment. This module writes what the embed builder offers.

use crate::experiment::Experiment;
use crate::permalink;
use crate::view::{Theme, Ui, View};
use bilingual::Lang;

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
    match lang.shown() {
        Lang::En => format!("synack: {entry_title}"),
        Lang::Zh => format!("synack：{entry_title}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Part;

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
