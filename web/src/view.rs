//! How an experiment is shown, in the words a link uses: where the app runs ([`Mode`]), the
//! parts an embed shows ([`Ui`]), a fixed [`Theme`], and the rest of a [`View`] (step, language,
//! numbering, a locked range of steps, autoplay). `permalink` writes and reads them; `embed`
//! builds embeds from them; the app shows them. (Both `permalink` and `embed` use this module,
//! neither the other's vocabulary: no import cycle.)

use bilingual::Lang;

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
    /// Predict, then reveal: the experiment's exercises, asked as playback reaches them (full
    /// module; a link that names it starts with the full module).
    #[cfg(feature = "full")]
    Exercise,
}

impl Part {
    /// Every part, in the order links and the embed builder list them.
    #[cfg(not(feature = "full"))]
    pub const ALL: [Part; 7] =
        [Part::Play, Part::Text, Part::States, Part::Inspect, Part::Settings, Part::Export, Part::Lang];
    /// Every part, in the order links and the embed builder list them.
    #[cfg(feature = "full")]
    pub const ALL: [Part; 8] =
        [Part::Play, Part::Text, Part::States, Part::Inspect, Part::Settings, Part::Export, Part::Lang, Part::Exercise];

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
            #[cfg(feature = "full")]
            Part::Exercise => "exercise",
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

/// What a permalink holds beyond the experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// The playback step; `None` shows everything.
    pub step: Option<usize>,
    /// Language.
    pub lang: Lang,
    /// Relative (the default) or absolute sequence numbers.
    pub relative: bool,
    /// Embeds: the parts shown (`None`: the embed default).
    pub ui: Option<Ui>,
    /// Embeds: playback locked to these steps (0-based, inclusive).
    pub range: Option<(usize, usize)>,
    /// Embeds: start playing on load.
    pub autoplay: bool,
    /// A fixed theme instead of the reader's system setting.
    pub theme: Option<Theme>,
    /// The other run of a comparison, shown beside this one (full module).
    #[cfg(feature = "full")]
    pub compare: Option<Box<crate::experiment::Experiment>>,
}

impl Default for View {
    fn default() -> View {
        View {
            step: None,
            lang: Lang::En,
            relative: true,
            ui: None,
            range: None,
            autoplay: false,
            theme: None,
            #[cfg(feature = "full")]
            compare: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_round_trips_through_links() {
        for bits in 0..(1u16 << Part::ALL.len()) {
            let ui = Ui(u8::try_from(bits).expect("a part is a bit of a byte"));
            assert_eq!(Ui::from_link(&ui.to_link()), Ok(ui));
        }
        assert_eq!(Ui::from_link("text,play"), Ok(Ui::NONE.with(Part::Play, true).with(Part::Text, true)));
        assert_eq!(Ui::from_link("play.chat"), Err("chat".to_string()));
        assert_eq!(Ui::from_link(""), Err(String::new()));
        assert!(!Ui::embed_default().has(Part::Settings));
        assert!(Part::ALL.iter().all(|&p| Ui::all().has(p)));
    }
}
