//! The experiment picker and every setting. Each field shows the experiment's own value until
//! the reader changes it; a value that cannot be used is reported at its field, which keeps what
//! the reader typed, and the diagram stays as it was.
//! A player (see `upgrade`) has the picker; the fields and the file loader come with the full
//! module, which it loads when the reader opens the settings or chooses a file.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_variables))]

use crate::experiment::{CUSTOM_ENTRY, Experiment, SettingError, Settings};
use crate::i18n::{self, T};
use bilingual::Lang;
use tcp_core::config::Profile;
use tcp_sim::catalogue;
use tcp_sim::decimal::Shortest;
use tcp_sim::overrides::{Kind, Value};
use tcp_sim::scenario::{Millis, Tcp};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Controls`].
#[derive(Properties, PartialEq, Debug)]
pub struct ControlsProps {
    /// The current experiment.
    pub experiment: Experiment,
    /// Language.
    pub lang: Lang,
    /// Relative numbers.
    pub relative: bool,
    /// Another catalogue entry was picked.
    pub on_entry: Callback<String>,
    /// A setting changed (the whole experiment, with it).
    pub on_update: Callback<Experiment>,
    /// Relative/absolute numbers toggled.
    pub on_relative: Callback<bool>,
    /// A scenario file that could not be read as text.
    pub on_invalid: Callback<(String, String)>,
    /// The text of a scenario file the reader chose.
    pub on_load: Callback<String>,
    /// A capture file (pcap or pcapng) the reader chose.
    #[prop_or_default]
    pub on_capture: Callback<web_sys::File>,
}

/// Opens a file the reader chose or dropped: a capture (told by its first bytes, whatever its
/// name) goes to `capture`, anything else is read as a scenario's text (`load`), or `bad` says it
/// could not be read.
#[cfg(feature = "full")]
pub fn open_file(
    file: web_sys::File,
    load: Callback<String>,
    bad: Callback<(String, String)>,
    capture: Callback<web_sys::File>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        if crate::capture_file::file_is_capture(&file).await {
            capture.emit(file);
            return;
        }
        match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
            Some(text) => load.emit(text),
            None => {
                bad.emit(("The file could not be read as text.".to_string(), "无法以文本方式读取该文件。".to_string()))
            }
        }
    });
}

/// Which setting a numeric field edits: one of the link's, or a `[tcp]` key.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Field {
    Loss,
    Seed,
    Delay,
    /// A `[tcp]` key, shown in milliseconds times `unit` (1000: seconds).
    Tcp {
        key: &'static str,
        label: T,
        id: &'static str,
        unit: f64,
    },
}

const INITIAL_RTO: Field = Field::Tcp { key: "initial_rto_ms", label: i18n::INITIAL_RTO, id: "initial-rto", unit: 1.0 };
const MSL: Field = Field::Tcp { key: "msl_ms", label: i18n::MSL, id: "msl", unit: 1000.0 };
const DELAYED_ACK: Field = Field::Tcp { key: "delayed_ack_ms", label: i18n::DELAYED_ACK, id: "delayed-ack", unit: 1.0 };
const SYN_RETRIES: Field = Field::Tcp { key: "syn_retries", label: i18n::SYN_RETRIES, id: "syn-retries", unit: 1.0 };
const DATA_RETRIES: Field =
    Field::Tcp { key: "data_retries", label: i18n::DATA_RETRIES, id: "data-retries", unit: 1.0 };
const KEEPALIVE_IDLE: Field =
    Field::Tcp { key: "keepalive_idle_ms", label: i18n::KEEPALIVE_IDLE, id: "keepalive-idle", unit: 1000.0 };
const KEEPALIVE_INTERVAL: Field = Field::Tcp {
    key: "keepalive_interval_ms",
    label: i18n::KEEPALIVE_INTERVAL,
    id: "keepalive-interval",
    unit: 1000.0,
};
const KEEPALIVE_PROBES: Field =
    Field::Tcp { key: "keepalive_probes", label: i18n::KEEPALIVE_PROBES, id: "keepalive-probes", unit: 1.0 };

impl Field {
    fn label(self) -> T {
        match self {
            Field::Loss => i18n::LOSS,
            Field::Seed => i18n::SEED,
            Field::Delay => i18n::DELAY,
            Field::Tcp { label, .. } => label,
        }
    }
    fn id(self) -> &'static str {
        match self {
            Field::Loss => "loss",
            Field::Seed => "seed",
            Field::Delay => "delay",
            Field::Tcp { id, .. } => id,
        }
    }
    /// Stores `v` (already parsed) into the settings; `None` when it does not fit the field's type.
    fn store(self, s: &mut Settings, v: f64) -> Option<()> {
        match self {
            Field::Loss => s.loss_percent = Some(v),
            Field::Seed => s.seed = Some((v.fract() == 0.0 && (0.0..9.0e15).contains(&v)).then_some(v as u64)?),
            Field::Delay => s.delay_ms = Some(v),
            Field::Tcp { key, unit, .. } => {
                let value = match Tcp::kind(key)? {
                    Kind::Millis => Value::Millis(Millis::new(v * unit).ok()?),
                    Kind::Number { max } => {
                        Value::Number((v.fract() == 0.0 && (0.0..=f64::from(max)).contains(&v)).then_some(v as u32)?)
                    }
                    Kind::Flag => return None,
                };
                s.tcp.set(key, value).ok()?;
            }
        }
        Some(())
    }
}

/// The experiment's effective value of a field, for display.
fn current(s: Option<&tcp_sim::Scenario>, f: Field) -> String {
    let Some(s) = s else { return String::new() };
    match f {
        Field::Loss => Shortest(s.link.loss.get() * 100.0).to_string(),
        Field::Seed => s.seed.to_string(),
        Field::Delay => Shortest(s.link.delay_ms.get()).to_string(),
        Field::Tcp { key, unit, .. } => {
            let c = s.hosts.first().map(|h| s.config_for(h)).unwrap_or_default();
            match Tcp::of(&c).get(key) {
                Some(Value::Millis(m)) => Shortest(m.get() / unit).to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            }
        }
    }
}

/// What the reader typed into a field that cannot be used, and why.
#[derive(Clone, PartialEq)]
struct FieldError {
    /// The experiment it was typed for (another one starts with clean fields).
    entry: String,
    field: Field,
    typed: String,
    why: SettingError,
}

/// The experiment with `text` typed into field `f`, or why that cannot be used (checked here, so
/// the field can say it, rather than by the reducer).
pub(crate) fn with_value(e: &Experiment, f: Field, text: &str) -> Result<Experiment, SettingError> {
    let mut next = e.clone();
    let stored = tcp_sim::decimal::parse_f64(text.trim()).and_then(|v| f.store(&mut next.settings, v));
    if stored.is_none() {
        return Err(SettingError::new(
            format!("{}: `{text}` is not a valid value", f.label().en),
            format!("{}：“{text}”不是有效的值", f.label().zh),
        ));
    }
    next.scenario()?;
    Ok(next)
}

/// The controls.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let lang = props.lang;
    let e = &props.experiment;
    let error = use_state(|| None::<FieldError>);
    // Settings start open on a wide screen and folded on a phone; the reader's toggles stick.
    let wide = use_memo((), |()| {
        web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_none_or(|w| w >= 640.0)
            && !crate::upgrade::settings_folded()
    });
    // Every entry is listed, also those a player leaves out (choosing one loads the full module).
    let titles = use_memo(lang, |lang| {
        catalogue::ENTRIES
            .iter()
            .map(|entry| (entry.name, bilingual::scenario_text(*lang, &entry.title()).to_owned()))
            .collect::<Vec<_>>()
    });
    let entries = titles.iter().map(|(name, title)| {
        html! { <option value={*name} selected={*name == e.entry}>{ title.clone() }</option> }
    });
    // The reader's own scenario is listed first while it is shown.
    let custom = e.custom.as_ref().map(|s| {
        html! { <option value={CUSTOM_ENTRY} selected=true>{ custom_entry_label(&s.title, lang) }</option> }
    });
    #[cfg(feature = "full")]
    let on_file = {
        let (load, bad, capture) = (props.on_load.clone(), props.on_invalid.clone(), props.on_capture.clone());
        Callback::from(move |ev: Event| {
            let input = ev.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            open_file(file, load.clone(), bad.clone(), capture.clone());
        })
    };
    let on_entry = {
        let cb = props.on_entry.clone();
        Callback::from(move |ev: Event| cb.emit(ev.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let scenario = e.scenario().ok();
    let scenario_profile = scenario.as_ref().map_or(Profile::Linux, |s| s.profile);
    #[cfg(feature = "full")]
    let on_profile = {
        let (cb, e) = (props.on_update.clone(), e.clone());
        Callback::from(move |ev: Event| {
            let name = ev.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = e.clone();
            next.settings.profile = Profile::from_name(&name);
            cb.emit(next);
        })
    };
    let number = |f: Field| {
        let (cb, next_of, error_state) = (props.on_update.clone(), e.clone(), error.clone());
        let onchange = Callback::from(move |ev: Event| {
            let typed = ev.target_unchecked_into::<HtmlInputElement>().value();
            match with_value(&next_of, f, &typed) {
                Ok(next) => {
                    error_state.set(None);
                    cb.emit(next);
                }
                Err(why) => error_state.set(Some(FieldError { entry: next_of.entry.clone(), field: f, typed, why })),
            }
        });
        let bad = error.as_ref().filter(|err| err.field == f && err.entry == e.entry);
        let message_id = format!("{}-error", f.id());
        html! {
            <div class="field">
                <label for={f.id()}>{ f.label().get(lang) }</label>
                <input id={f.id()} data-testid={format!("set-{}", f.id())} type="text" inputmode="decimal"
                    value={bad.map_or_else(|| current(scenario.as_ref(), f), |err| err.typed.clone())} {onchange}
                    aria-invalid={bad.is_some().then_some("true")}
                    aria-describedby={bad.is_some().then(|| message_id.clone())} />
                if let Some(err) = bad {
                    // Over the row below, like the browser's own validation bubble: nothing moves.
                    <span class="field-error" id={message_id} role="alert" data-testid={format!("set-{}-error", f.id())}>
                        { err.why.text(lang).to_owned() }
                    </span>
                }
            </div>
        }
    };
    #[cfg(feature = "full")]
    let on_isn = {
        let (cb, e) = (props.on_update.clone(), e.clone());
        Callback::from(move |ev: Event| {
            let mut next = e.clone();
            next.settings.fixed_isn = Some(ev.target_unchecked_into::<HtmlInputElement>().checked());
            cb.emit(next);
        })
    };
    let fixed_isn = e.settings.fixed_isn.unwrap_or(false);
    #[cfg(feature = "full")]
    let on_keepalive = {
        let (cb, e) = (props.on_update.clone(), e.clone());
        Callback::from(move |ev: Event| {
            let mut next = e.clone();
            next.settings.tcp.keepalive = Some(ev.target_unchecked_into::<HtmlInputElement>().checked());
            cb.emit(next);
        })
    };
    // On where the reader or the scenario turned it on.
    let keepalive = scenario.as_ref().and_then(|s| s.hosts.first().map(|h| s.config_for(h).keepalive)).unwrap_or(false);
    #[cfg(feature = "full")]
    let on_relative = {
        let cb = props.on_relative.clone();
        Callback::from(move |ev: Event| cb.emit(ev.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    #[cfg(feature = "full")]
    let on_reset = {
        let (cb, e) = (props.on_update.clone(), e.clone());
        Callback::from(move |_: MouseEvent| cb.emit(Experiment { settings: Settings::default(), ..e.clone() }))
    };
    html! {
        <form class="controls" data-testid="controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label class="field wide" for="entry">
                <span>{ i18n::EXPERIMENT.get(lang) }</span>
                <select id="entry" data-testid="entry" onchange={on_entry}
                    data-upgrade={crate::upgrade::on_demand("[data-testid=entry]")}>{ for custom }{ for entries }</select>
            </label>
            // The browser's own file button speaks the browser's language and not the page's:
            // it is hidden (still focusable) behind a label that looks like a button.
            <div class="load">
                <input type="file" id="load-scenario" class="file-input" data-testid="load-scenario"
                    accept=".json,application/json,.toml,.pcap,.pcapng,.cap,application/vnd.tcpdump.pcap" aria-describedby="load-scenario-hint"
                    data-upgrade={crate::upgrade::on_demand("[data-testid=load-scenario]")}
                    onchange={crate::upgrade::full_or!(Some(on_file), None::<Callback<Event>>)} />
                <label for="load-scenario" class="file-button">{ i18n::OPEN_SCENARIO.get(lang) }</label>
                <small id="load-scenario-hint">{ i18n::OPEN_SCENARIO_HINT.get(lang) }</small>
            </div>
            <details class="settings" open={*wide}>
                <summary data-upgrade={crate::upgrade::on_demand("details.settings > summary")}>{ i18n::SETTINGS.get(lang) }</summary>
                { crate::upgrade::full_or!(html! {
                <div class="grid">
                    <label class="field" for="profile">
                        <span>{ i18n::PROFILE.get(lang) }</span>
                        <select id="profile" data-testid="set-profile" onchange={on_profile}>
                            { for Profile::ALL.iter().map(|p| html! {
                                <option value={p.name()} selected={e.settings.profile.unwrap_or(scenario_profile) == *p}>{ p.name() }</option>
                            }) }
                        </select>
                    </label>
                    { number(Field::Delay) }
                    { number(Field::Loss) }
                    { number(Field::Seed) }
                    { number(INITIAL_RTO) }
                    { number(DELAYED_ACK) }
                    { number(MSL) }
                    { number(SYN_RETRIES) }
                    { number(DATA_RETRIES) }
                    <label class="check" for="fixed-isn">
                        <input id="fixed-isn" type="checkbox" checked={fixed_isn} onchange={on_isn} />
                        <span>{ i18n::FIXED_ISN.get(lang) }</span>
                    </label>
                    <label class="check" for="keepalive">
                        <input id="keepalive" data-testid="set-keepalive" type="checkbox" checked={keepalive} onchange={on_keepalive} />
                        <span>{ i18n::KEEPALIVE.get(lang) }</span>
                    </label>
                    { number(KEEPALIVE_IDLE) }
                    { number(KEEPALIVE_INTERVAL) }
                    { number(KEEPALIVE_PROBES) }
                    <label class="check" for="relative">
                        <input id="relative" data-testid="relative" type="checkbox" checked={props.relative} onchange={on_relative} />
                        <span>{ i18n::RELATIVE.get(lang) }</span>
                    </label>
                    <button type="button" class="link" onclick={on_reset}>{ i18n::RESET.get(lang) }</button>
                </div>
                }, crate::upgrade::loading(lang)) }
            </details>
        </form>
    }
}

/// The picker's line for the reader's own scenario: "Your scenario: " ("你的场景：") and its title
/// ([`bilingual::scenario_text`]); "Your scenario" alone if it has none.
fn custom_entry_label(title: &tcp_sim::scenario::Text, lang: Lang) -> String {
    let title = bilingual::scenario_text(lang, title);
    let yours = i18n::YOUR_SCENARIO.get(lang);
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    if title.is_empty() { yours.to_string() } else { format!("{yours}{colon}{title}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcp_sim::scenario::Text;

    #[test]
    fn a_scenario_without_a_title_is_just_yours() {
        let text = |en: &str, zh: &str| Text { en: en.into(), zh: zh.into() };
        assert_eq!(custom_entry_label(&text("", ""), Lang::En), "Your scenario");
        assert_eq!(custom_entry_label(&text(" ", ""), Lang::Zh), "你的场景");
        assert_eq!(custom_entry_label(&text("Mesh", ""), Lang::En), "Your scenario: Mesh");
        assert_eq!(custom_entry_label(&text("Mesh", ""), Lang::Zh), "你的场景：Mesh");
        assert_eq!(custom_entry_label(&text("Mesh", "网格"), Lang::Zh), "你的场景：网格");
        assert_eq!(custom_entry_label(&text("", "网格"), Lang::En), "Your scenario: 网格");
    }
}
