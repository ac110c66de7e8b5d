//! The narration of the current step, in the reader's language.

use crate::i18n;
use seqdiag::Lang;
use std::rc::Rc;
use tcp_sim::trace::Trace;
use yew::prelude::*;

/// Props of [`NarrationPanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct NarrationPanelProps {
    /// The trace.
    pub trace: Rc<Trace>,
    /// The current step's trace events.
    pub events: Vec<usize>,
    /// The experiment's own summary, shown at the last step.
    pub summary: String,
    /// Whether the current step is the last.
    pub at_end: bool,
    /// Language.
    pub lang: Lang,
    /// Relative numbers.
    pub relative: bool,
}

/// The panel.
#[component]
pub fn NarrationPanel(props: &NarrationPanelProps) -> Html {
    let headline = narration::headline(&props.trace, &props.events, props.lang, props.relative);
    let paragraphs = narration::narrate(&props.trace, &props.events, props.lang, props.relative);
    html! {
        <section class="narration" data-testid="narration" aria-live="polite" aria-labelledby="narration-title">
            <h2 id="narration-title">{ i18n::NARRATION.get(props.lang) }</h2>
            <p class="headline" data-testid="headline">{ headline }</p>
            { for paragraphs.into_iter().map(|p| html! { <p>{ p }</p> }) }
            if props.at_end {
                <p class="summary">{ props.summary.clone() }</p>
            }
        </section>
    }
}
