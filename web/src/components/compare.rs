//! Two runs compared (full module): the chooser of the other run (the same experiment without
//! its faults, on another profile, with the next seed, or this run pinned while the reader
//! changes anything), and the two diagrams side by side on a wide screen, one under the other on
//! a phone, on one time axis (`seqdiag::pair`), where they part marked in both and said in words
//! (`narration::narrate_divergence`). The other run follows the first's playback
//! (`AppState::compared_step`).

use crate::experiment::Experiment;
use crate::i18n;
use crate::permalink;
use crate::view::View;
use bilingual::Lang;
use tcp_core::config::Profile;
use yew::prelude::*;

/// The ways to choose the other run, as buttons: what each is called and the experiment it is.
fn variants(e: &Experiment, lang: Lang) -> Vec<(String, &'static str, Experiment)> {
    let Ok(scenario) = e.scenario() else { return Vec::new() };
    let mut out = Vec::new();
    if !scenario.faults.is_empty() {
        let mut other = e.clone();
        other.settings.scenario_faults = Some(false);
        other.faults.clear();
        out.push((i18n::COMPARE_NO_FAULTS.get(lang).to_string(), "compare-no-faults", other));
    }
    for profile in Profile::ALL.into_iter().filter(|&p| p != scenario.profile) {
        let mut other = e.clone();
        other.settings.profile = Some(profile);
        out.push((format!("{} {}", i18n::COMPARE_ON.get(lang), profile.name()), "compare-profile", other));
    }
    if scenario.link.loss.get() > 0.0 {
        let mut other = e.clone();
        let next = scenario.seed.wrapping_add(1);
        other.settings.seed = Some(next);
        out.push((format!("{} {next}", i18n::COMPARE_SEED.get(lang)), "compare-seed", other));
    }
    out.push((i18n::COMPARE_PIN.get(lang).to_string(), "compare-pin", e.clone()));
    out
}

/// Props of [`CompareChooser`].
#[derive(Properties, PartialEq, Debug)]
pub struct ChooserProps {
    /// The experiment on screen.
    pub experiment: Experiment,
    /// Language.
    pub lang: Lang,
    /// Compare with this experiment.
    pub on_compare: Callback<Experiment>,
}

/// "Compare with another run": one button per way to choose it.
#[component]
pub fn CompareChooser(props: &ChooserProps) -> Html {
    let lang = props.lang;
    let buttons = variants(&props.experiment, lang).into_iter().map(|(label, testid, other)| {
        let on_compare = props.on_compare.clone();
        html! {
            <li><button type="button" data-testid={testid} onclick={Callback::from(move |_: MouseEvent| on_compare.emit(other.clone()))}>
                { label }
            </button></li>
        }
    });
    html! {
        <section class="compare-chooser" aria-labelledby="compare-title" data-testid="compare-chooser">
            <h2 id="compare-title">{ i18n::COMPARE_TITLE.get(lang) }</h2>
            <p class="hint">{ i18n::COMPARE_INTRO.get(lang) }</p>
            <ul>{ for buttons }</ul>
        </section>
    }
}

/// What tells each run from the other, for their captions: the parts of its link the other's
/// has not (`p=freebsd`, `faults=off`, `seed=4`), after "This run" / "Compared with".
pub fn captions(first: &Experiment, other: &Experiment, lang: Lang) -> [String; 2] {
    let parts = |e: &Experiment| permalink::encode(e, &View::default()).unwrap_or_default();
    let (a, b) = (parts(first), parts(other));
    let only = |x: &str, y: &str| -> Vec<String> {
        let theirs: Vec<&str> = y.split('&').collect();
        x.split('&').filter(|p| !p.is_empty() && !theirs.contains(p)).map(str::to_string).collect()
    };
    let caption = |name: &str, differs: Vec<String>| {
        if differs.is_empty() { name.to_string() } else { format!("{name} · {}", differs.join(", ")) }
    };
    [caption(i18n::COMPARE_THIS.get(lang), only(&a, &b)), caption(i18n::COMPARE_OTHER.get(lang), only(&b, &a))]
}
