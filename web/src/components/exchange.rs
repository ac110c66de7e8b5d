//! The exchange as an ordered list of text, for screen readers and for copying: one line per
//! segment, the current step's marked.

use crate::i18n;
use crate::state::Shared;
use bilingual::Lang;
use tcp_sim::trace::{Fate, SegId, Trace};
use yew::prelude::*;

/// Props of [`Exchange`].
#[derive(Properties, PartialEq, Debug)]
pub struct ExchangeProps {
    /// The trace.
    pub trace: Shared<Trace>,
    /// Which segments have been sent by the current step.
    pub shown: usize,
    /// Relative numbers.
    pub relative: bool,
    /// Language.
    pub lang: Lang,
    /// A segment was chosen.
    pub on_select: Callback<usize>,
}

/// The list, folded until opened. Folded, it holds no lines at all: a closed `<details>` is
/// neither shown nor read aloud, and its lines would cost a redraw on every change.
#[component]
pub fn Exchange(props: &ExchangeProps) -> Html {
    let t = &props.trace;
    let lang = props.lang;
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open()))
    };
    html! {
        <details class="exchange" data-testid="exchange" open={*open} {ontoggle}>
            <summary>{ i18n::EXCHANGE.get(lang) }</summary>
            if *open {
            <ol>
                { for t.segments.iter().enumerate().take(props.shown).map(|(i, s)| {
                    let to = s.to.map_or("?", |h| t.hosts[h].name.as_str());
                    let fate = match s.fate {
                        Fate::Delivered { at } => format!("→ {at}"),
                        Fate::Lost { .. } => format!("✕ {}", i18n::LOST.get(lang)),
                    };
                    let line = format!("{} {} → {}: {} {}", s.sent_at, t.hosts[s.from].name, to, t.label(SegId(i), props.relative), fate);
                    html! { <li><button type="button" class="link" onclick={props.on_select.reform(move |_: MouseEvent| i)}>{ line }</button></li> }
                }) }
            </ol>
            }
        </details>
    }
}
