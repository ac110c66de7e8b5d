//! Play, pause, step, scrub and speed. The timer that drives playback lives in the app
//! (`use_playback`); this is only the bar.

use crate::i18n;
use crate::state::SPEEDS;

/// [`SPEEDS`] as the speed menu shows them.
const SPEED_LABELS: [&str; SPEEDS.len()] = ["0.5×", "1×", "2×", "4×"];
use bilingual::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Playback`].
#[derive(Properties, PartialEq, Debug)]
pub struct PlaybackProps {
    /// Language.
    pub lang: Lang,
    /// Current step.
    pub step: usize,
    /// First step playback can reach (0 unless an embed locks a range).
    #[prop_or_default]
    pub first: usize,
    /// Last step playback can reach.
    pub last: usize,
    /// Playing.
    pub playing: bool,
    /// Index into `SPEEDS`.
    pub speed: usize,
    /// Play/pause pressed.
    pub on_toggle: Callback<()>,
    /// Go to a step.
    pub on_seek: Callback<usize>,
    /// Speed chosen.
    pub on_speed: Callback<usize>,
}

/// A 16×16 icon drawn with SVG paths (no font has every media glyph): the playback bar's and the
/// diagram's zoom buttons.
pub(crate) fn icon(d: &'static str) -> Html {
    html! { <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d={d} /></svg> }
}

const ICON_START: &str = "M3 2h2v12H3zM14 2v12L6 8z";
const ICON_BACK: &str = "M12 2v12L4 8z";
const ICON_PLAY: &str = "M4 2v12l10-6z";
const ICON_PAUSE: &str = "M3 2h4v12H3zM9 2h4v12H9z";
const ICON_FORWARD: &str = "M4 2v12l8-6z";
const ICON_END: &str = "M11 2h2v12h-2zM2 2v12l8-6z";
/// Zoom out: a minus.
pub(crate) const ICON_ZOOM_OUT: &str = "M2 7h12v2H2z";
/// Fit to width: a diagonal double arrow (the glyph ⤢, which few fonts have: a reader's phone
/// could show an empty box, and a browser without it searches every font it has).
pub(crate) const ICON_ZOOM_FIT: &str = "M9 2h5v5zM2 9v5h5zM3.3 11.3l8-8 1.4 1.4-8 8z";
/// Zoom in: a plus.
pub(crate) const ICON_ZOOM_IN: &str = "M7 2h2v5h5v2H9v5H7V9H2V7h5z";

/// The playback bar.
#[component]
pub fn Playback(props: &PlaybackProps) -> Html {
    let lang = props.lang;
    let (first, step, last) = (props.first, props.step, props.last);
    let seek = |to: usize| props.on_seek.reform(move |_: MouseEvent| to);
    let on_scrub = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e.target_unchecked_into::<HtmlInputElement>().value().parse::<usize>() {
                cb.emit(v);
            }
        })
    };
    let on_speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse::<usize>() {
                cb.emit(v);
            }
        })
    };
    let play_label = if props.playing { i18n::PAUSE } else { i18n::PLAY };
    html! {
        <div class="playback" data-testid="playback" role="toolbar" aria-label="playback">
            <button type="button" aria-label={i18n::START.get(lang)} title={i18n::START.get(lang)} onclick={seek(first)} disabled={step <= first}>{ icon(ICON_START) }</button>
            <button type="button" data-testid="step-back" aria-label={i18n::BACK.get(lang)} title={i18n::BACK.get(lang)}
                onclick={seek(step.saturating_sub(1).max(first))} disabled={step <= first}>{ icon(ICON_BACK) }</button>
            <button type="button" data-testid="play" class="primary" aria-label={play_label.get(lang)} aria-pressed={props.playing.to_string()}
                onclick={props.on_toggle.reform(|_: MouseEvent| ())}>{ icon(if props.playing { ICON_PAUSE } else { ICON_PLAY }) }</button>
            <button type="button" data-testid="step-forward" aria-label={i18n::FORWARD.get(lang)} title={i18n::FORWARD.get(lang)}
                onclick={seek((step + 1).min(last))} disabled={step >= last}>{ icon(ICON_FORWARD) }</button>
            <button type="button" aria-label={i18n::END.get(lang)} title={i18n::END.get(lang)} onclick={seek(last)} disabled={step >= last}>{ icon(ICON_END) }</button>
            <input class="scrub" data-testid="scrub" type="range" min={first.to_string()} max={last.to_string()} value={step.to_string()}
                aria-label={i18n::STEP.get(lang)} oninput={on_scrub} />
            <span class="step-count" data-testid="step-count">{ format!("{} {}/{}", i18n::STEP.get(lang), step + 1, last + 1) }</span>
            <label class="speed">
                <span class="visually-hidden">{ i18n::SPEED.get(lang) }</span>
                <select aria-label={i18n::SPEED.get(lang)} onchange={on_speed}>
                    { for SPEED_LABELS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == props.speed}>{ *s }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
