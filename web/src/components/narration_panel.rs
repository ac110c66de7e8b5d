//! The narration of the current step, in the reader's language.

use crate::i18n;
use crate::state::Shared;
use bilingual::Lang;
use tcp_sim::trace::Trace;
use yew::prelude::*;

/// Props of [`NarrationPanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct NarrationPanelProps {
    /// The trace.
    pub trace: Shared<Trace>,
    /// The current step's trace events.
    pub events: Vec<usize>,
    /// The experiment's own summary, shown at the last step.
    pub summary: String,
    /// The current step (0-based).
    pub step: usize,
    /// The last step playback can reach (0-based).
    pub last: usize,
    /// Whether the current step is the last.
    pub at_end: bool,
    /// Language.
    pub lang: Lang,
    /// Relative numbers.
    pub relative: bool,
    /// The step's narration when it is prerendered (a player): headline, then paragraphs.
    #[prop_or_default]
    pub prerendered: Option<Vec<String>>,
}

/// `Step 3/18`, `第 3/18 步`.
pub fn step_label(step: usize, last: usize, lang: Lang) -> String {
    let text = format!("{} {}/{}", i18n::STEP_OF.get(lang), step + 1, last + 1);
    if lang.is_en() { text } else { format!("{text} 步") }
}

/// The panel.
#[component]
pub fn NarrationPanel(props: &NarrationPanelProps) -> Html {
    // The full module narrates the trace; a player shows what the build prerendered, or a
    // button that loads the full module when it has nothing prerendered for this.
    let (headline, paragraphs, more) = match props.prerendered.clone() {
        Some(mut texts) if !texts.is_empty() => {
            let headline = texts.remove(0);
            (headline, texts, None::<Html>)
        }
        _ => crate::upgrade::full_or!(
            (
                narration::headline(&props.trace, &props.events, props.lang, props.relative),
                narration::narrate(&props.trace, &props.events, props.lang, props.relative),
                None
            ),
            (String::new(), Vec::new(), Some(crate::upgrade::narration_button(props.lang)))
        ),
    };
    html! {
        <section class="narration" data-testid="narration" aria-live="polite" aria-labelledby="narration-title">
            <h2 id="narration-title">{ i18n::NARRATION.get(props.lang) }</h2>
            // The step this text belongs to, tied to its headline: the same number the playback
            // bar shows and the diagram highlights.
            <div class="step-text" data-testid="narration-step">
                <p class="step-no">{ step_label(props.step, props.last, props.lang) }</p>
                <p class="headline" data-testid="headline">{ headline }</p>
                { for paragraphs.into_iter().map(|p| html! { <p>{ p }</p> }) }
                { for more }
            </div>
            if props.at_end {
                <p class="summary">{ props.summary.clone() }</p>
            }
        </section>
    }
}
