//! "Embed in your page": the author picks the parts, a step range, autoplay, a theme and a
//! height, and gets the `<iframe>` snippet for the current experiment, ready to copy.

use crate::components::export::copy_text;
use crate::embed::{self, EmbedChoice};
use crate::experiment::Experiment;
use crate::i18n::{self, T};
use crate::view::View;
use crate::view::{Part, Theme};
use bilingual::Lang;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`EmbedBuilder`].
#[derive(Properties, PartialEq, Debug)]
pub struct EmbedBuilderProps {
    /// The experiment to embed.
    pub experiment: Experiment,
    /// How it is shown now (language, numbering).
    pub view: View,
    /// The experiment's title (names the frame for screen readers).
    pub title: String,
    /// The last playback step (bounds the step range).
    pub last_step: usize,
    /// Language of the builder.
    pub lang: Lang,
}

fn part_label(part: Part) -> T {
    match part {
        Part::Play => i18n::PART_PLAY,
        Part::Text => i18n::PART_TEXT,
        Part::States => i18n::PART_STATES,
        Part::Inspect => i18n::PART_INSPECT,
        Part::Settings => i18n::PART_SETTINGS,
        Part::Export => i18n::PART_EXPORT,
        Part::Lang => i18n::PART_LANG,
        Part::Exercise => i18n::PART_EXERCISE,
    }
}

/// A 1-based step typed by the author, as a 0-based step within `0..=last`.
fn typed_step(input: &HtmlInputElement, last: usize) -> Option<usize> {
    let n = input.value().trim().parse::<usize>().ok()?;
    Some(n.clamp(1, last + 1) - 1)
}

/// The builder, folded until opened.
#[component]
pub fn EmbedBuilder(props: &EmbedBuilderProps) -> Html {
    let lang = props.lang;
    let choice = use_state(EmbedChoice::default);
    let copied = use_state(|| None::<bool>);
    let last = props.last_step;
    let range = choice.range.map(|(a, b)| (a.min(last), b.min(last)));
    let page = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let url = embed::embed_url(&page);
    let chosen = EmbedChoice { range, ..(*choice).clone() };
    let src = embed::embed_src(&url, &props.experiment, &props.view, &chosen);
    let snippet = format!(
        "{}\n{}",
        embed::iframe_snippet(&src, &chosen, &embed::frame_title(&props.title, lang)),
        embed::resizer_snippet(&url)
    );

    // Every control edits one field of the choice.
    let edit = |f: fn(&mut EmbedChoice, &Event)| {
        let (choice, copied) = (choice.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let mut next = (*choice).clone();
            f(&mut next, &e);
            choice.set(next);
            copied.set(None);
        })
    };
    let parts = Part::ALL.iter().map(|&part| {
        let onchange = {
            let (choice, copied) = (choice.clone(), copied.clone());
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                choice.set(EmbedChoice { ui: choice.ui.with(part, on), ..(*choice).clone() });
                copied.set(None);
            })
        };
        html! {
            <label class="check">
                <input type="checkbox" data-testid={format!("embed-part-{}", part.name())} checked={choice.ui.has(part)} {onchange} />
                { part_label(part).get(lang) }
            </label>
        }
    });
    let on_range = {
        let (choice, copied) = (choice.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            choice.set(EmbedChoice { range: on.then_some((0, last)), ..(*choice).clone() });
            copied.set(None);
        })
    };
    let on_bound = |end: bool| {
        let (choice, copied) = (choice.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let Some((a, b)) = choice.range else { return };
            let Some(n) = typed_step(&e.target_unchecked_into::<HtmlInputElement>(), last) else { return };
            let range = if end { (a.min(n), n) } else { (n, b.max(n)) };
            choice.set(EmbedChoice { range: Some(range), ..(*choice).clone() });
            copied.set(None);
        })
    };
    let on_copy = {
        let (copied, snippet) = (copied.clone(), snippet.clone());
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            copy_text(&snippet, Callback::from(move |ok: bool| copied.set(Some(ok))));
        })
    };
    let theme_value = choice.theme.map_or("auto", Theme::name);
    html! {
        <details class="embed-builder" data-testid="embed-builder">
            <summary>{ i18n::EMBED.get(lang) }</summary>
            <p class="hint">{ i18n::EMBED_HINT.get(lang) }</p>
            <fieldset class="embed-parts">
                <legend>{ i18n::EMBED_SHOW.get(lang) }</legend>
                { for parts }
            </fieldset>
            <div class="embed-options">
                <label class="check">
                    <input type="checkbox" data-testid="embed-range" checked={range.is_some()} onchange={on_range} />
                    { i18n::EMBED_RANGE.get(lang) }
                </label>
                if let Some((a, b)) = range {
                    <input class="embed-step" type="number" data-testid="embed-from" min="1" max={(last + 1).to_string()}
                        value={(a + 1).to_string()} aria-label={i18n::EMBED_RANGE.get(lang)} onchange={on_bound(false)} />
                    <span>{ i18n::EMBED_TO.get(lang) }</span>
                    <input class="embed-step" type="number" data-testid="embed-to" min="1" max={(last + 1).to_string()}
                        value={(b + 1).to_string()} aria-label={i18n::EMBED_TO.get(lang)} onchange={on_bound(true)} />
                }
                <label class="check">
                    <input type="checkbox" data-testid="embed-autoplay" checked={choice.autoplay}
                        onchange={edit(|c, e| c.autoplay = e.target_unchecked_into::<HtmlInputElement>().checked())} />
                    { i18n::AUTOPLAY.get(lang) }
                </label>
                <label class="field">
                    <span>{ i18n::THEME.get(lang) }</span>
                    <select data-testid="embed-theme" onchange={edit(|c, e| {
                        c.theme = match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                            "light" => Some(Theme::Light),
                            "dark" => Some(Theme::Dark),
                            _ => None,
                        }
                    })}>
                        <option value="auto" selected={theme_value == "auto"}>{ i18n::THEME_AUTO.get(lang) }</option>
                        <option value="light" selected={theme_value == "light"}>{ i18n::THEME_LIGHT.get(lang) }</option>
                        <option value="dark" selected={theme_value == "dark"}>{ i18n::THEME_DARK.get(lang) }</option>
                    </select>
                </label>
                <label class="field">
                    <span>{ i18n::HEIGHT_FALLBACK.get(lang) }</span>
                    <input type="number" data-testid="embed-height" min="200" max="4000" value={choice.height.to_string()}
                        onchange={edit(|c, e| {
                            if let Ok(h) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u32>() {
                                c.height = h.clamp(200, 4000);
                            }
                        })} />
                </label>
            </div>
            <label class="field">
                <span>{ i18n::EMBED_CODE.get(lang) }</span>
                <textarea class="embed-code" data-testid="embed-code" readonly=true rows="5" value={snippet}
                    aria-describedby="embed-script-hint" />
            </label>
            <p class="hint" id="embed-script-hint">{ i18n::EMBED_SCRIPT_HINT.get(lang) }</p>
            <div class="embed-actions">
                <button type="button" data-testid="copy-embed" onclick={on_copy}>{ i18n::COPY_EMBED.get(lang) }</button>
                <a data-testid="embed-preview" href={src} target="_blank" rel="noopener">{ i18n::PREVIEW.get(lang) }</a>
                { match *copied {
                    Some(true) => html! { <span role="status" data-testid="embed-copied">{ i18n::EMBED_COPIED.get(lang) }</span> },
                    Some(false) => html! { <span role="alert" class="export-error">{ i18n::EMBED_COPY_FAILED.get(lang) }</span> },
                    None => html! {},
                } }
            </div>
        </details>
    }
}
