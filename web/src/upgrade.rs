//! The first download and the rest: one app, built twice.
//!
//! `cargo xtask build-web` builds this crate three times: the **full** module (feature `full`,
//! the default: everything, both languages) and two **players** (`--no-default-features
//! --features en`, or `zh`): the same [`App`], with only what a first visit needs to draw and play
//! an experiment, narrated in one language. The inspector, the settings, the exports, the embed
//! builder, the RFC state diagram, the other language and the reader's own scenarios (JSON) are
//! compiled out of a player; in their place it draws the same controls, marked `data-upgrade`.
//!
//! `boot.js` starts the player that matches the link's language. When the reader reaches for a
//! control marked `data-upgrade` (or a segment of the diagram), it fetches the full module (on
//! hover, focus or press: never by itself), mounts it beside the player with the player's state
//! ([`handover_link`]: the permalink fragment, written into the document's address), swaps the two
//! within one frame and replays what the reader did on the full module's copy of the control: the
//! value of `data-upgrade` names it.
//! See ARCHITECTURE.md ("First visit, and on demand").

#[cfg(not(feature = "full"))]
use crate::i18n::T;
use crate::state::AppState;
use crate::view::Mode;
use crate::{App, AppProps};
use tcp_sim::{Scenario, ScenarioError};
use wasm_bindgen::prelude::wasm_bindgen;
use yew::prelude::*;

thread_local! {
    /// The width class `boot.js` said the diagram's box has, for the first layout.
    static INITIAL_WIDTH: std::cell::Cell<Option<seqdiag::WidthClass>> = const { std::cell::Cell::new(None) };
}

/// The width class of the diagram this app replaces, if `boot.js` said (see [`start`]).
pub(crate) fn initial_width() -> Option<seqdiag::WidthClass> {
    INITIAL_WIDTH.with(std::cell::Cell::get)
}

/// Whether this build is the full module.
pub(crate) const FULL: bool = cfg!(feature = "full");

/// `full_or!(full, player)`: the first expression in the full module, the second (what a player
/// draws instead) in a player. The other one is not compiled, so its code is not in the module.
macro_rules! full_or {
    ($full:expr, $player:expr $(,)?) => {{
        #[cfg(feature = "full")]
        let chosen = $full;
        #[cfg(not(feature = "full"))]
        let chosen = $player;
        chosen
    }};
}
pub(crate) use full_or;

/// The `data-upgrade` attribute of a control a player draws but only the full module runs:
/// `selector` finds the same control in the full module, where `boot.js` replays the reader's
/// action (`""`: nothing to replay). `None` in the full module.
pub(crate) fn on_demand(selector: &'static str) -> Option<&'static str> {
    (!FULL).then_some(selector)
}

/// Whether the settings start folded whatever the screen's width: in a player (they load on
/// demand) and in a full module that took over from a player (so that nothing moves when it
/// does; `boot.js` marks the document `data-synack-upgraded`).
pub(crate) fn settings_folded() -> bool {
    !FULL
        || web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .is_some_and(|html| html.has_attribute("data-synack-upgraded"))
}

#[cfg(not(feature = "full"))]
const LOADING: T = T { en: "Loading…", zh: "正在加载…" };
#[cfg(not(feature = "full"))]
const SHOW_STATES: T = T { en: "Show the state diagram", zh: "显示状态图" };
#[cfg(not(feature = "full"))]
const SHOW_NARRATION: T = T { en: "Explain this step", zh: "讲解这一步" };

#[cfg(not(feature = "full"))]
thread_local! {
    /// The narration `boot.js` handed the player with the link it opened: that catalogue entry's
    /// steps, each its headline then its paragraphs, as `cargo xtask build-web` wrote them
    /// (`prerender/<entry>.<lang>.narration.json`, the `narration` crate's own words).
    static NARRATION: std::cell::RefCell<(String, Vec<Vec<String>>, String)> =
        const { std::cell::RefCell::new((String::new(), Vec::new(), String::new())) };
}

/// A step's narration (headline, then paragraphs), or `None` when this build does not have it:
/// the full module narrates every trace itself ([`None`] here means "compute it"); a player knows
/// only the prerendered narration of the catalogue entry its link named, as it is.
pub(crate) fn prerendered_narration(experiment: &crate::experiment::Experiment, step: usize) -> Option<Vec<String>> {
    full_or!(
        {
            let _ = (experiment, step);
            None
        },
        {
            NARRATION.with(|n| {
                let n = n.borrow();
                (plain(experiment) && n.0 == experiment.entry).then(|| n.1.get(step).cloned()).flatten()
            })
        }
    )
}

/// Whether a player has the prerendered narration of `experiment`: a catalogue entry as it is.
#[cfg(not(feature = "full"))]
fn plain(experiment: &crate::experiment::Experiment) -> bool {
    experiment.custom.is_none()
        && experiment.faults.is_empty()
        && experiment.settings == crate::experiment::Settings::default()
}

/// The experiment's summary, shown at its last step: `summary` (the scenario's own) in the full
/// module; in a player, which leaves the catalogue's summaries out, the prerendered one.
pub(crate) fn summary_of(experiment: &crate::experiment::Experiment, summary: &str) -> String {
    full_or!(
        {
            let _ = experiment;
            summary.to_owned()
        },
        NARRATION.with(|n| {
            let n = n.borrow();
            if plain(experiment) && n.0 == experiment.entry { n.2.clone() } else { summary.to_owned() }
        })
    )
}

#[cfg(not(feature = "full"))]
/// What a player shows in the narration's place when it has no prerendered narration for what is
/// on screen: a button that loads the full module, which narrates anything.
pub(crate) fn narration_button(lang: bilingual::Lang) -> Html {
    html! {
        <button type="button" class="on-demand" data-upgrade="" data-testid="show-narration">{ SHOW_NARRATION.get(lang) }</button>
    }
}

#[cfg(not(feature = "full"))]
/// What a player shows where a part that loads on demand goes (the settings' fields, the embed
/// builder's form): a line saying it is on its way, once the reader asked for it.
pub(crate) fn loading(lang: bilingual::Lang) -> Html {
    html! { <p class="on-demand-loading" role="status">{ LOADING.get(lang) }</p> }
}

#[cfg(not(feature = "full"))]
/// What a player shows in the state diagram's place: a button that loads it.
pub(crate) fn states_button(lang: bilingual::Lang) -> Html {
    html! {
        <button type="button" class="on-demand" data-upgrade="" data-testid="show-states">{ SHOW_STATES.get(lang) }</button>
    }
}

#[cfg(not(feature = "full"))]
/// What a player shows in the embed builder's place: its folded heading, which loads it.
pub(crate) fn embed_builder(lang: bilingual::Lang) -> Html {
    html! {
        <details class="embed-builder" data-testid="embed-builder">
            <summary data-upgrade="[data-testid=embed-builder] > summary">{ crate::i18n::EMBED.get(lang) }</summary>
        </details>
    }
}

#[cfg(not(feature = "full"))]
/// What a player shows where the page offers an entry's exercises (if it has some): the same
/// panel, whose button loads the full module, which starts them.
pub(crate) fn exercise_offer(lang: bilingual::Lang, entry: &str) -> Html {
    if !tcp_sim::catalogue::get(entry).is_some_and(|e| e.has_exercises()) {
        return Html::default();
    }
    html! {
        <section class="exercise" aria-labelledby="exercise-title" data-testid="exercise">
            <h2 id="exercise-title">{ crate::i18n::EXERCISE_TITLE.get(lang) }</h2>
            <button type="button" data-testid="exercise-start" data-upgrade="[data-testid=exercise-start]">
                { crate::i18n::EXERCISE_START.get(lang) }
            </button>
        </section>
    }
}

#[cfg(not(feature = "full"))]
/// What a player shows in the odds' place: their folded heading, which loads them.
pub(crate) fn odds(lang: bilingual::Lang) -> Html {
    html! {
        <details class="odds" data-testid="odds">
            <summary data-upgrade="[data-testid=odds] > summary">{ crate::i18n::ODDS.get(lang) }</summary>
        </details>
    }
}

/// Milliseconds with one decimal, like `{:.1}`, without core's float formatting (which a player
/// leaves out: see `tcp_sim::decimal`).
pub(crate) fn tenths(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0 + 0.5) as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The scenario in a file or an `s=` link: JSON if it starts with `{`, else TOML. Only the full
/// module reads scenarios: `boot.js` opens such links with it, and a player hands a chosen file
/// over to it.
pub(crate) fn scenario_from_text(text: &str) -> Result<Scenario, ScenarioError> {
    full_or!(Scenario::parse(text), {
        let _ = text;
        Err(ScenarioError { at: "scenario".into(), message: "only the full app reads scenarios".into() })
    })
}

#[cfg(not(feature = "full"))]
thread_local! {
    /// The player's state as a permalink fragment, for [`handover_link`].
    static HANDOVER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Keeps what the full module needs to take over from this player (the experiment and its view,
/// an embed's parts and range included) as a permalink fragment. Nothing in the full module.
#[hook]
pub(crate) fn use_handover(state: &UseReducerHandle<AppState>) {
    #[cfg(not(feature = "full"))]
    {
        let s = &**state;
        let view = crate::view::View { ui: s.ui, range: s.range, ..s.view() };
        // A player never shows the reader's own scenario, the one thing too large for a link.
        let link = crate::permalink::encode(&s.experiment, &view).unwrap_or_default();
        HANDOVER.with(|h| *h.borrow_mut() = link);
    }
    #[cfg(feature = "full")]
    let _ = state;
}

/// The player's state as a permalink fragment (without `#`), for the full module to open.
#[cfg(not(feature = "full"))]
#[wasm_bindgen]
pub fn handover_link() -> String {
    HANDOVER.with(|h| h.borrow().clone())
}

/// An app mounted by [`start`].
#[wasm_bindgen]
#[derive(Debug)]
pub struct Started(Option<yew::AppHandle<App>>);

#[wasm_bindgen]
impl Started {
    /// Unmounts the app: its listeners on the window and its timers go with it.
    pub fn destroy(&mut self) {
        if let Some(app) = self.0.take() {
            app.destroy();
        }
    }
}

/// Mounts the app into `root` (called by `boot.js`): the page, or an embed when `embed`. It opens
/// the document's address (which `boot.js` sets to the player's state when the full module takes
/// over from it), and follows it.
#[wasm_bindgen]
///
/// A player is also given `narration`: `{ entry, summary, steps: [[headline, paragraph…]…] }`, the
/// prerendered narration of the catalogue entry the link names (see [`prerendered_narration`]);
/// the full module ignores it.
///
/// `width` is the width class of the diagram it replaces (`seqdiag::WidthClass::name`: the
/// static first frame's or the player's), so that the app's first layout is already the one its
/// box will measure, and nothing moves when it takes over.
pub fn start(root: web_sys::Element, embed: bool, narration: wasm_bindgen::JsValue, width: Option<String>) -> Started {
    INITIAL_WIDTH.with(|w| w.set(width.as_deref().and_then(seqdiag::WidthClass::from_name)));
    #[cfg(not(feature = "full"))]
    {
        let get = |v: &wasm_bindgen::JsValue, key: &str| js_sys::Reflect::get(v, &key.into()).unwrap_or_default();
        let entry = get(&narration, "entry").as_string().unwrap_or_default();
        let steps: Vec<Vec<String>> = js_sys::Array::from(&get(&narration, "steps"))
            .iter()
            .map(|step| js_sys::Array::from(&step).iter().filter_map(|p| p.as_string()).collect())
            .collect();
        let summary = get(&narration, "summary").as_string().unwrap_or_default();
        NARRATION.with(|n| *n.borrow_mut() = (entry, steps, summary));
    }
    #[cfg(feature = "full")]
    let _ = narration;
    let mode = if embed { Mode::Embed } else { Mode::Page };
    let props = AppProps { mode, ..AppProps::default() };
    Started(Some(yew::Renderer::<App>::with_root_and_props(root, props).render()))
}
