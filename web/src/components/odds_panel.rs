//! The odds (full module): the experiment on screen run many times under its random loss, one
//! seed each, and what the runs came to, read at a glance: the share of each outcome, and how the
//! times to ESTABLISHED and to CLOSED spread, with the median and the 99th percentile marked.
//! Any bar opens one run that landed there as an ordinary experiment (its seed). The runs go in
//! slices with progress and Cancel ([`crate::slices::odds`]), and use the same library call as
//! `synack odds` with the same seeds (0, 1, 2, ...), so the page and the CLI give the same figures.

use crate::components::controls;
use crate::experiment::{Experiment, SettingError};
use crate::i18n::{self, T};
use crate::slices::{self, Stop};
use bilingual::Lang;
use std::cell::Cell;
use std::rc::Rc;
use tcp_core::Instant;
use tcp_sim::odds::{Odds, RunSummary, Verdict, percentile};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The runs the panel offers first; the reader may ask for 100 to 100,000.
pub const DEFAULT_RUNS: u64 = 10_000;
const MAX_RUNS: u64 = 100_000;
/// Bars of a histogram.
const BINS: usize = 24;

/// Props of [`OddsPanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct OddsProps {
    /// The experiment on screen (its loss and settings are the runs').
    pub experiment: Experiment,
    /// Language.
    pub lang: Lang,
    /// Show another experiment: one run (the experiment with that run's seed), or the
    /// experiment under another loss.
    pub on_open: Callback<Experiment>,
}

/// Runs that are done, and the experiment they were run for (with its seed left out: opening
/// one of them changes the seed and keeps the odds on screen).
#[derive(Debug, PartialEq)]
struct Counted {
    of: Experiment,
    odds: Odds,
}

/// What the reader typed into one of the panel's fields that cannot be used, and why.
#[derive(Clone, Debug, PartialEq)]
struct Typed {
    field: &'static str,
    typed: String,
    why: SettingError,
}

/// The experiment the odds are about: `e` with whatever seed.
fn unseeded(e: &Experiment) -> Experiment {
    let mut e = e.clone();
    e.settings.seed = None;
    e
}

/// What a verdict is called, as the panel lists it.
fn verdict_name(v: Verdict) -> T {
    match v {
        Verdict::Closed => i18n::ODDS_CLOSED,
        Verdict::Reset => i18n::ODDS_RESET,
        Verdict::Refused => i18n::ODDS_REFUSED,
        Verdict::TimedOut => i18n::ODDS_TIMED_OUT,
        Verdict::LeftOpen => i18n::ODDS_LEFT_OPEN,
        Verdict::Lost => i18n::ODDS_LOST,
    }
}

/// One bar of a histogram: the runs whose time fell in `from..to` (the last bar includes `to`).
#[derive(Clone, Debug, PartialEq)]
struct Bin {
    from: Instant,
    to: Instant,
    runs: usize,
    /// The first seed that landed here.
    seed: Option<u64>,
}

/// `runs`' times (`time` picks one) in [`BINS`] bars of equal width from the least to `upper`
/// (one bar when they are all the same), and one more bar, the tail, for the times above
/// `upper` when there are any: a few slow runs would otherwise squeeze the rest into one bar.
fn histogram(runs: &[RunSummary], time: fn(&RunSummary) -> Option<Instant>, upper: Instant) -> Vec<Bin> {
    let times: Vec<(Instant, u64)> = runs.iter().filter_map(|r| Some((time(r)?, r.seed))).collect();
    let (Some(lo), Some(hi)) = (times.iter().map(|t| t.0).min(), times.iter().map(|t| t.0).max()) else {
        return Vec::new();
    };
    let upper = upper.clamp(lo, hi);
    let span = upper.micros - lo.micros;
    let bins = if span == 0 { 1 } else { BINS };
    let mut out: Vec<Bin> = (0..bins as u64)
        .map(|i| Bin {
            from: Instant::from_micros(lo.micros + span * i / bins as u64),
            to: Instant::from_micros(lo.micros + span * (i + 1) / bins as u64),
            runs: 0,
            seed: None,
        })
        .collect();
    if hi > upper {
        out.push(Bin { from: upper, to: hi, runs: 0, seed: None });
    }
    for (t, seed) in times {
        let i = if t > upper {
            bins
        } else {
            ((t.micros - lo.micros) * bins as u64).checked_div(span).map_or(0, |i| i.min(bins as u64 - 1) as usize)
        };
        out[i].runs += 1;
        out[i].seed.get_or_insert(seed);
    }
    out
}

/// `text` with what stands between backticks set as code.
fn with_code(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part }</code> }
            } else {
                html! { { part } }
            }
        })
        .collect()
}

fn time_text(lang: Lang, t: Instant) -> String {
    bilingual::duration(lang, t.micros)
}

fn percent(lang: Lang, share: f64) -> String {
    bilingual::pick(lang, "{} %", "{}%").replace("{}", &crate::upgrade::tenths(share * 100.0))
}

/// A histogram of one time, with its median and 99th percentile.
fn chart(
    lang: Lang,
    title: T,
    odds: &Odds,
    time: fn(&RunSummary) -> Option<Instant>,
    open: &Callback<u64>,
    id: &str,
) -> Html {
    let sorted = odds.sorted(time);
    let (Some(median), Some(p99)) = (percentile(&sorted, 50.0), percentile(&sorted, 99.0)) else {
        return html! {
            <figure class="odds-chart" data-testid={format!("odds-{id}")}>
                <figcaption>{ title.get(lang) }</figcaption>
                <p class="odds-none">{ i18n::ODDS_NO_RUN.get(lang) }</p>
            </figure>
        };
    };
    let bins = histogram(&odds.runs, time, p99);
    let tallest = bins.iter().map(|b| b.runs).max().unwrap_or(1).max(1);
    // The bars up to the 99th percentile, and the tail's after them if there is one.
    let (last, tail) = match bins.last() {
        Some(b) if b.from == p99 && bins.len() > 1 && b.to > p99 => (bins.len() - 2, true),
        _ => (bins.len() - 1, false),
    };
    let bars = bins.iter().enumerate().map(|(i, b)| {
        let holds = |t: Instant| i <= last && b.from <= t && (t < b.to || (i == last && t <= b.to));
        let mark = match (i > last, holds(median), holds(p99)) {
            (true, ..) => "bar tail",
            (_, true, true) => "bar median p99",
            (_, true, false) => "bar median",
            (_, false, true) => "bar p99",
            _ => "bar",
        };
        let label = format!(
            "{}–{}: {} {}",
            time_text(lang, b.from),
            time_text(lang, b.to),
            b.runs,
            i18n::ODDS_RUNS_OPEN.get(lang)
        );
        let onclick = b.seed.map(|seed| open.reform(move |_: MouseEvent| seed));
        html! {
            <button type="button" class={mark} disabled={b.seed.is_none()} aria-label={label.clone()} title={label} {onclick}
                style={format!("height: {:.1}%", 100.0 * b.runs as f64 / tallest as f64)}></button>
        }
    });
    html! {
        <figure class="odds-chart" data-testid={format!("odds-{id}")}>
            <figcaption>{ title.get(lang) }</figcaption>
            <div class="bars">{ for bars }</div>
            <div class="axis">
                <span>{ time_text(lang, bins[0].from) }</span>
                <span>
                    { time_text(lang, bins[last].to) }
                    if tail { { format!(" · ≤ {}", time_text(lang, bins[last + 1].to)) } }
                </span>
            </div>
            <p class="odds-stats">
                <span class="key median"></span>{ format!("{} {}", i18n::ODDS_MEDIAN.get(lang), time_text(lang, median)) }
                { " · " }
                <span class="key p99"></span>{ format!("{} {}", i18n::ODDS_P99.get(lang), time_text(lang, p99)) }
                { " · " }
                { format!("{} / {} {}", sorted.len(), odds.runs.len(), i18n::ODDS_RUNS.get(lang)) }
            </p>
        </figure>
    }
}

/// The odds of the experiment on screen.
#[component]
pub fn OddsPanel(props: &OddsProps) -> Html {
    let lang = props.lang;
    let runs_wanted = use_state(|| DEFAULT_RUNS);
    let counted = use_state(|| None::<Rc<Counted>>);
    let progress = use_state(|| None::<(usize, u64)>);
    let stop = use_mut_ref(|| Rc::new(Cell::new(Stop::No)));
    let of = unseeded(&props.experiment);
    let scenario = props.experiment.scenario().ok();
    let loss = scenario.as_ref().map_or(0.0, |s| s.link.loss.get());
    // A value that cannot be used is said at its field, which keeps what the reader typed.
    let error = use_state(|| None::<Typed>);
    let on_runs = {
        let (runs_wanted, error) = (runs_wanted.clone(), error.clone());
        Callback::from(move |e: Event| {
            let typed = e.target_unchecked_into::<HtmlInputElement>().value();
            match typed.trim().parse::<u64>() {
                Ok(n) if (100..=MAX_RUNS).contains(&n) => {
                    error.set(None);
                    runs_wanted.set(n);
                }
                _ => error.set(Some(Typed {
                    field: "odds-runs",
                    why: SettingError::new(
                        format!("Runs: `{typed}` is not a whole number from 100 to {MAX_RUNS}"),
                        format!("运行次数：“{typed}”不是 100 到 {MAX_RUNS} 之间的整数"),
                    ),
                    typed,
                })),
            }
        })
    };
    // The loss the runs are under, set here as in the settings (the same setting).
    let on_loss = {
        let (cb, e, error) = (props.on_open.clone(), props.experiment.clone(), error.clone());
        Callback::from(move |ev: Event| {
            let typed = ev.target_unchecked_into::<HtmlInputElement>().value();
            match controls::with_value(&e, controls::Field::Loss, &typed) {
                Ok(next) => {
                    error.set(None);
                    cb.emit(next);
                }
                Err(why) => error.set(Some(Typed { field: "odds-loss", typed, why })),
            }
        })
    };
    let field = |id: &'static str, label: T, value: String, onchange: Callback<Event>| {
        let bad = error.as_ref().filter(|t| t.field == id);
        let message = format!("{id}-error");
        html! {
            <span class="pair field">
                <label for={id}>{ label.get(lang) }</label>
                <input id={id} data-testid={id} type="text" inputmode="decimal"
                    value={bad.map_or(value, |t| t.typed.clone())} {onchange}
                    aria-invalid={bad.is_some().then_some("true")}
                    aria-describedby={bad.is_some().then(|| message.clone())} />
                if let Some(t) = bad {
                    <span class="field-error" id={message} role="alert" data-testid={format!("{id}-error")}>
                        { t.why.text(lang).to_owned() }
                    </span>
                }
            </span>
        }
    };
    let on_run = {
        let (counted, progress, stop, n, of) =
            (counted.clone(), progress.clone(), stop.clone(), *runs_wanted, of.clone());
        let scenario = scenario.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(scenario) = scenario.clone() else { return };
            stop.borrow().set(Stop::Superseded);
            let mine = Rc::new(Cell::new(Stop::No));
            *stop.borrow_mut() = mine.clone();
            let (counted, progress, of) = (counted.clone(), progress.clone(), of.clone());
            progress.set(Some((0, n)));
            wasm_bindgen_futures::spawn_local(async move {
                let shown = progress.clone();
                let odds = slices::odds(&scenario, 0..n, move |done| shown.set(Some((done, n))), &mine).await;
                if mine.get() == Stop::Superseded {
                    return;
                }
                progress.set(None);
                if let Some(odds) = odds {
                    counted.set(Some(Rc::new(Counted { of, odds })));
                }
            });
        })
    };
    let on_cancel = {
        let stop = stop.clone();
        Callback::from(move |_: MouseEvent| stop.borrow().set(Stop::Cancelled))
    };
    let open = {
        let (cb, e) = (props.on_open.clone(), props.experiment.clone());
        Callback::from(move |seed: u64| {
            let mut next = e.clone();
            next.settings.seed = Some(seed);
            cb.emit(next);
        })
    };
    let result = counted.as_ref().filter(|c| c.of == of).map(|c| {
        let total = c.odds.runs.len().max(1) as f64;
        let outcomes = Verdict::ALL.into_iter().filter(|v| c.odds.count_of(*v) > 0).map(|v| {
            let count = c.odds.count_of(v);
            let seed = c.odds.seeds_of(v).next();
            let onclick = seed.map(|seed| open.reform(move |_: MouseEvent| seed));
            html! {
                <li>
                    <button type="button" class="outcome" data-verdict={v.name()} {onclick}
                        title={i18n::ODDS_OPEN_ONE.get(lang)}>
                        <span class="share" style={format!("width: {:.1}%", 100.0 * count as f64 / total)}></span>
                        <span class="name">{ verdict_name(v).get(lang) }</span>
                        <span class="count">{ format!("{} ({count})", percent(lang, count as f64 / total)) }</span>
                    </button>
                </li>
            }
        });
        html! {
            <div class="odds-result" data-testid="odds-result">
                <p class="odds-summary">{ format!(
                    "{} {} · {} {}",
                    c.odds.runs.len(), i18n::ODDS_RUNS.get(lang), i18n::ODDS_SEEDS.get(lang),
                    format!("0–{}", c.odds.runs.len().saturating_sub(1)),
                ) }</p>
                <ul class="odds-outcomes" data-testid="odds-outcomes">{ for outcomes }</ul>
                { chart(lang, i18n::ODDS_TO_ESTABLISHED, &c.odds, |r| r.established, &open, "established") }
                { chart(lang, i18n::ODDS_FIRST_CLOSED, &c.odds, |r| r.first_ended, &open, "first-ended") }
                { chart(lang, i18n::ODDS_PEER_CLOSED, &c.odds, |r| r.peer_ended, &open, "peer-ended") }
                <p class="hint">{ with_code(i18n::ODDS_HOW.get(lang)) }</p>
            </div>
        }
    });
    let status = match *progress {
        Some((done, n)) => html! {
            <p class="odds-progress" role="status" data-testid="odds-progress">
                <progress max={n.to_string()} value={done.to_string()}></progress>
                { format!(" {done} / {n} {}", i18n::ODDS_RUNS.get(lang)) }
                <button type="button" class="link" onclick={on_cancel}>{ i18n::CANCEL.get(lang) }</button>
            </p>
        },
        None => Html::default(),
    };
    html! {
        <details class="odds" data-testid="odds">
            <summary>{ i18n::ODDS.get(lang) }</summary>
            <p class="hint">{ if loss > 0.0 { i18n::ODDS_INTRO.get(lang) } else { i18n::ODDS_NO_LOSS.get(lang) } }</p>
            <div class="odds-run">
                { field("odds-loss", i18n::LOSS, tcp_sim::decimal::Shortest(loss * 100.0).to_string(), on_loss) }
                { field("odds-runs", i18n::ODDS_RUNS_LABEL, runs_wanted.to_string(), on_runs) }
                <button type="button" data-testid="odds-run" onclick={on_run}
                    disabled={loss <= 0.0 || scenario.is_none() || progress.is_some()}>{ i18n::ODDS_RUN.get(lang) }</button>
            </div>
            { status }
            { for result }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, ms: Option<u64>) -> RunSummary {
        RunSummary {
            seed,
            verdict: Verdict::Closed,
            established: ms.map(Instant::from_millis),
            first_ended: None,
            peer_ended: None,
        }
    }

    #[test]
    fn a_histogram_holds_every_time_once_in_equal_bars() {
        let runs: Vec<RunSummary> = (0..100).map(|i| run(i, (i % 7 != 0).then_some(10 + i * 3))).collect();
        let all = Instant::from_millis(307);
        let bins = histogram(&runs, |r| r.established, all);
        assert_eq!(bins.len(), BINS);
        assert_eq!(bins.iter().map(|b| b.runs).sum::<usize>(), runs.iter().filter(|r| r.established.is_some()).count());
        assert_eq!((bins[0].from, bins[BINS - 1].to), (Instant::from_millis(13), all));
        // Cut at 100 ms: the times above it in one more bar.
        let cut = histogram(&runs, |r| r.established, Instant::from_millis(100));
        assert_eq!(
            (cut.len(), cut[BINS - 1].to, cut[BINS].from, cut[BINS].to),
            (BINS + 1, Instant::from_millis(100), Instant::from_millis(100), all)
        );
        assert_eq!(
            cut[BINS].runs,
            runs.iter().filter(|r| r.established.is_some_and(|t| t > Instant::from_millis(100))).count()
        );
        // Each bar's seed is a run whose time is in it.
        for b in bins.iter().chain(&cut).filter(|b| b.runs > 0) {
            let t = runs[b.seed.expect("a seed") as usize].established.expect("a time");
            assert!(b.from <= t && t <= b.to, "{b:?}");
        }
        let same: Vec<RunSummary> = (0..5).map(|i| run(i, Some(40))).collect();
        assert_eq!(histogram(&same, |r| r.established, Instant::from_millis(40)).len(), 1);
        assert!(histogram(&[run(0, None)], |r| r.established, Instant::ZERO).is_empty());
    }

    #[test]
    fn shares_read_in_both_languages() {
        assert_eq!(percent(Lang::En, 0.7215), "72.2 %");
        assert_eq!(percent(Lang::Zh, 0.05), "5.0%");
    }
}
