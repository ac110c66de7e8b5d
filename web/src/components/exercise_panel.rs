//! Predict, then reveal (full module): the experiment's exercises asked of the run on screen.
//! Playback stops just before each question's step (the app's `last_step`); the panel asks, the
//! reader chooses, and the step is shown with the verdict and, where the embed shows no
//! narration, the narration of that step as the explanation. Questions and answers come from
//! `narration::exercise`, which reads them from the run.

use crate::i18n;
use crate::state::{ExerciseRun, Shared};
use bilingual::Lang;
use narration::exercise::{self, Question};
use seqdiag::Diagram;
use tcp_sim::trace::Trace;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`ExercisePanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct ExerciseProps {
    /// The exercises under way (`None`: offered, not started).
    pub run: Option<ExerciseRun>,
    /// The run on screen.
    pub trace: Shared<Trace>,
    /// Its diagram (the steps' events, for the explanation).
    pub diagram: Shared<Diagram>,
    /// The playback step.
    pub step: usize,
    /// Playing.
    pub playing: bool,
    /// Show the narration of an answered question's step (when nothing else on screen does).
    pub explain: bool,
    /// Language.
    pub lang: Lang,
    /// Relative numbers.
    pub relative: bool,
    /// Start (or start again).
    pub on_start: Callback<()>,
    /// The reader chose this choice.
    pub on_answer: Callback<usize>,
    /// Play on (to the next question).
    pub on_play: Callback<()>,
    /// Go to this step.
    pub on_seek: Callback<usize>,
    /// Leave the exercises.
    pub on_end: Callback<()>,
}

/// `Question 2 of 5`, `第 2 题，共 5 题`.
fn numbered(lang: Lang, k: usize, n: usize) -> String {
    bilingual::say!(lang, "Question {k} of {n}", "第 {k} 题，共 {n} 题")
}

/// The panel.
#[component]
pub fn ExercisePanel(props: &ExerciseProps) -> Html {
    let lang = props.lang;
    let panel = use_node_ref();
    // A choice or a button the reader pressed goes away once used: the focus goes to what took
    // its place, the verdict once a question is answered, the question once playback has
    // reached it, when the focus was in the panel or lost (never taken from elsewhere, and not
    // when the panel first appears: an embed's page would scroll to it as it loads).
    let answered = props.run.as_ref().map(|r| r.picks.len());
    let reached = props.run.as_ref().and_then(|r| r.open_at(props.step)).is_some();
    {
        let panel = panel.clone();
        let before = use_mut_ref(|| None::<Option<usize>>);
        use_effect_with((answered, reached), move |&(answered, reached)| {
            let Some(was) = before.replace(Some(answered)) else { return };
            let Some(panel) = panel.cast::<web_sys::Element>() else { return };
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            if !active.is_none_or(|a| a.tag_name() == "BODY" || panel.contains(Some(&a))) {
                return;
            }
            let find = |selector: &str| panel.query_selector(selector).ok().flatten();
            let target = if answered != was && answered.is_some_and(|n| n > 0) {
                find("[data-testid=exercise-verdict] [data-focus]")
            } else if reached {
                find(".question [data-focus]")
            } else {
                find("[data-testid=exercise-score]")
            };
            if let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = target.focus();
            }
        });
    }
    let body = match &props.run {
        // Offered: the button says what it starts; the questions say the rest.
        None => html! {
            <button type="button" data-testid="exercise-start" onclick={props.on_start.reform(|_| ())}>
                { i18n::EXERCISE_START.get(lang) }
            </button>
        },
        Some(run) => running(props, run),
    };
    html! {
        <section class="exercise" aria-labelledby="exercise-title" data-testid="exercise" ref={panel}>
            <h2 id="exercise-title">{ i18n::EXERCISE_TITLE.get(lang) }</h2>
            { body }
        </section>
    }
}

/// The exercises under way: the last verdict, then the question asked now (or the way to it),
/// or the score.
fn running(props: &ExerciseProps, run: &ExerciseRun) -> Html {
    let (lang, t, relative) = (props.lang, &*props.trace, props.relative);
    let n = run.questions.len();
    let last_answer = run.picks.len().checked_sub(1).map(|k| {
        let q = &run.questions[k];
        let right = run.picks[k] == q.answer;
        let explanation = (props.explain && props.step >= q.step)
            .then(|| props.diagram.steps.get(q.step).map(|s| narration::narrate(t, &s.events, lang, relative)))
            .flatten()
            .unwrap_or_default();
        html! {
            <div class={classes!("verdict", if right { "right" } else { "wrong" })} data-testid="exercise-verdict"
                role="status">
                <p class="what">{ numbered(lang, k + 1, n) }</p>
                <p tabindex="-1" data-focus="">{ exercise::verdict(q, run.picks[k], t, lang, relative) }</p>
                { for explanation.into_iter().map(|p| html! { <p class="why">{ p }</p> }) }
            </div>
        }
    });
    let now = match (run.open_at(props.step), run.current()) {
        (Some(q), _) => question(props, q, run.picks.len(), n),
        (None, Some(q)) => {
            let target = q.step.saturating_sub(1);
            let label = if run.picks.is_empty() { i18n::EXERCISE_PLAY_FIRST } else { i18n::EXERCISE_PLAY_ON };
            html! {
                <p class="exercise-next">
                    <button type="button" data-testid="exercise-play" disabled={props.playing}
                        onclick={props.on_play.reform(|_| ())}>{ label.get(lang) }</button>
                    <button type="button" class="link" data-testid="exercise-skip"
                        onclick={props.on_seek.reform(move |_| target)}>{ i18n::EXERCISE_SHOW_NOW.get(lang) }</button>
                </p>
            }
        }
        (None, None) => {
            let right = run.picks.iter().zip(run.questions.iter()).filter(|(p, q)| **p == q.answer).count();
            let score = if n == 0 {
                i18n::EXERCISE_NONE.get(lang).to_string()
            } else {
                bilingual::say!(lang, "Done: {right} of {n} right.", "完成：{n} 题中答对 {right} 题。")
            };
            html! {
                <>
                    <p class="score" data-testid="exercise-score" tabindex="-1" data-focus="">{ score }</p>
                    <button type="button" data-testid="exercise-again" onclick={props.on_start.reform(|_| ())}>
                        { i18n::EXERCISE_AGAIN.get(lang) }
                    </button>
                </>
            }
        }
    };
    let skipped = run.skipped.iter().map(|&(_, why)| html! { <li>{ exercise::unasked(why, lang) }</li> });
    html! {
        <>
            { for last_answer }
            { now }
            if !run.skipped.is_empty() {
                <ul class="skipped" data-testid="exercise-skipped">{ for skipped }</ul>
            }
            <p class="exercise-end">
                <button type="button" class="link" data-testid="exercise-end" onclick={props.on_end.reform(|_| ())}>
                    { i18n::EXERCISE_END.get(lang) }
                </button>
            </p>
        </>
    }
}

/// Question `q`, the `k`-th (from 0) of `n`, with its choices.
fn question(props: &ExerciseProps, q: &Question, k: usize, n: usize) -> Html {
    let (lang, t, relative) = (props.lang, &*props.trace, props.relative);
    let choices = q.choices.iter().enumerate().map(|(i, c)| {
        html! {
            <li>
                <button type="button" class="choice" data-testid="exercise-choice"
                    onclick={props.on_answer.reform(move |_| i)}>{ exercise::choice_text(q, c, t, lang, relative) }</button>
            </li>
        }
    });
    html! {
        <div class="question" data-testid="exercise-question">
            <p class="what">{ numbered(lang, k + 1, n) }</p>
            <p class="prompt" id="exercise-prompt" tabindex="-1" data-focus="">{ exercise::prompt(q, t, lang, relative) }</p>
            <ul class="choices" aria-labelledby="exercise-prompt">
                { for choices }
            </ul>
        </div>
    }
}
