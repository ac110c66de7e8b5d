//! Permalinks: the experiment and the view, written into the URL fragment.
//!
//! The fragment is the entry's name followed by the changed values, joined with `&`, e.g.
//! `lost-syn&p=linux&loss=5&seed=3&d=10&isn=fixed&rto=1000&msl=30&dack=40&synr=6&datar=15`
//! `&ka=on&kaidle=60&kaintvl=5&kacnt=3` (MSL and keep-alive's idle time and interval in seconds);
//! any other key of a scenario's `[tcp]` table by its own name and unit (`mss=536`,
//! `fin_wait_2_timeout_ms=5000`, `ack_fin_at_once=off`: flags are `on` or `off`)
//! `&lang=zh&abs&step=4&f=client.syn-ack.1.drop&f=server.fin.2.delay.500`; an embed's link may add
//! `&ui=play.text&steps=1-6&autoplay&theme=dark` (see [`crate::embed`]). Steps count from 1, as
//! the page shows them.
//! Only what differs from the default is written; the empty fragment is the default experiment
//! (`e=lost-syn` is read as well as the bare name). A fault is `host.kind.nth.action[.delay_ms]`,
//! with the host or kind left empty for "any", and `@index` in place of the host to choose a
//! segment by its index. Values are percent-encoded outside `[A-Za-z0-9_~-]` (so a `.` in a host
//! name is `%2E`). Decoding checks everything, including the ranges (through
//! [`Experiment::scenario`]), and names the part at fault in its error.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_variables, unused_imports))]

use crate::experiment::{DEFAULT_ENTRY, Experiment, SettingError};
use crate::view::{Theme, Ui, View};
#[cfg(feature = "full")]
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use bilingual::Lang;
use std::fmt::Write;
use std::str::FromStr;
use tcp_core::config::Profile;
use tcp_sim::catalogue;
use tcp_sim::decimal::Shortest;
#[cfg(feature = "full")]
use tcp_sim::overrides::{Kind, OverrideError, Value};
#[cfg(feature = "full")]
use tcp_sim::scenario::Tcp;
use tcp_sim::scenario::{Fault, FaultAction, Millis, SegmentKind};

/// The longest fragment, in characters: [`encode`] writes none longer (a custom scenario that
/// would need more is refused: it travels as a file instead) and [`decode`] reads none longer.
/// A custom scenario travels as compact JSON in base64url (`s=`), so about 12 KB of JSON fit.
pub const MAX_LEN: usize = 16384;

const KINDS: [SegmentKind; 6] =
    [SegmentKind::Syn, SegmentKind::SynAck, SegmentKind::Fin, SegmentKind::Rst, SegmentKind::Data, SegmentKind::Ack];
const ACTIONS: [(FaultAction, &str); 3] =
    [(FaultAction::Drop, "drop"), (FaultAction::Delay, "delay"), (FaultAction::Duplicate, "duplicate")];

/// A value percent-encoded for a link: everything but `[A-Za-z0-9_~-]` escaped. (Written here:
/// the `percent-encoding` crate costs the player 1.1 KB gzipped, measured with `cargo xtask size`.)
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_~-".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn num(v: f64) -> String {
    if v == 0.0 { "0".into() } else { Shortest(v).to_string() }
}

/// The URL fragment (without `#`) for `experiment` seen as `view`, which [`decode`] reads back.
/// A custom scenario too large for [`MAX_LEN`] is refused with a message saying so.
pub fn encode(experiment: &Experiment, view: &View) -> Result<String, SettingError> {
    let fragment = fragment(experiment, view);
    if fragment.len() > MAX_LEN {
        return Err(SettingError::new(
            format!(
                "This scenario is too large for a link ({} characters; at most {MAX_LEN}): export it as a file instead.",
                fragment.len()
            ),
            format!("这个场景太大，无法放进链接（{} 个字符，最多 {MAX_LEN} 个）：请导出为场景文件。", fragment.len()),
        ));
    }
    Ok(fragment)
}

fn fragment(experiment: &Experiment, view: &View) -> String {
    let s = &experiment.settings;
    let mut parts = Vec::new();
    if let Some(custom) = &experiment.custom {
        // A player never shows a scenario of the reader's (one needs the full module).
        #[cfg(feature = "full")]
        parts.push(format!("s={}", URL_SAFE_NO_PAD.encode(custom.to_compact_json())));
        let _ = custom;
    } else if experiment.entry != DEFAULT_ENTRY {
        parts.push(pct(&experiment.entry));
    }
    #[cfg(feature = "full")]
    write_settings(s, &mut parts);
    let fields = [
        ("lang", (view.lang == Lang::Zh).then(|| "zh".to_string())),
        ("abs", (!view.relative).then(String::new)),
        ("step", view.step.map(|v| (v + 1).to_string())),
        ("ui", view.ui.map(Ui::to_link)),
        ("steps", view.range.map(|(a, b)| format!("{}-{}", a + 1, b + 1))),
        ("autoplay", view.autoplay.then(String::new)),
        ("theme", view.theme.map(|t| t.name().to_string())),
        ("vs", compared(view)),
    ];
    for (key, value) in fields {
        match value {
            // A flag is its key alone; any other value is `key=value`, even an empty one (`vs=`:
            // the default experiment), which a bare key would not say (a bare `vs` names an entry).
            Some(_) if key == "abs" || key == "autoplay" => parts.push(key.to_string()),
            Some(v) => parts.push(format!("{key}={v}")),
            None => {}
        }
    }
    for f in &experiment.faults {
        let from = match (f.index, &f.from) {
            (Some(i), _) => format!("@{i}"),
            (None, Some(host)) => pct(host),
            (None, None) => String::new(),
        };
        let kind = f.kind.map_or("", |k| k.name());
        let action = ACTIONS.iter().find(|(a, _)| *a == f.action).map_or("drop", |(_, n)| n);
        let mut part = format!("f={from}.{kind}.{}.{action}", f.nth);
        if f.delay_ms.get() != 0.0 {
            part = format!("{part}.{}", num(f.delay_ms.get()));
        }
        parts.push(part);
    }
    parts.join("&")
}

/// The other run of a comparison, as a link's `vs=`: its own fragment, in base64url.
fn compared(view: &View) -> Option<String> {
    #[cfg(feature = "full")]
    return view.compare.as_ref().map(|b| URL_SAFE_NO_PAD.encode(fragment(b, &View::default())));
    #[cfg(not(feature = "full"))]
    None
}

fn bad(part: &str, en: &str, zh: &str) -> SettingError {
    SettingError::new(format!("The link's `{part}` {en}."), format!("链接中的 `{part}` {zh}。"))
}

fn unescape(part: &str, raw: &str) -> Result<String, SettingError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3).filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(byte.ok_or_else(|| bad(part, "has a bad percent-escape", "含有无效的百分号转义"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad(part, "is not valid UTF-8 text", "不是有效的 UTF-8 文本"))
}

/// A plain decimal number: digits and at most a point, no sign, exponent or `inf`, read by
/// `read` (an integer type's parser, or `tcp_sim::decimal::parse_f64`, not core's).
fn number<T>(part: &str, v: &str, read: impl Fn(&str) -> Option<T>) -> Result<T, SettingError> {
    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if (digits || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')))
        && let Some(n) = read(v)
    {
        return Ok(n);
    }
    Err(if digits {
        bad(part, "is out of range", "超出范围")
    } else {
        bad(part, "is not a number", "不是数字")
    })
}

/// [`number`] for an integer type.
fn integer<T: FromStr>(part: &str, v: &str) -> Result<T, SettingError> {
    number(part, v, |v| v.parse().ok())
}

/// A setting's decimal number: [`number`], and no smaller than 10^-7 unless 0, no larger than
/// 10^17, so that it is written back the same way (`encode` writes plain decimals in that range;
/// the fuzzer found `loss=0.000000004` written back as `4e-9`, which no link reads).
fn decimal(part: &str, v: &str) -> Result<f64, SettingError> {
    let n = number(part, v, tcp_sim::decimal::parse_f64)?;
    if n != 0.0 && !(1e-7..1e17).contains(&n) {
        return Err(bad(part, "is out of range", "超出范围"));
    }
    Ok(n)
}

/// A step as the page shows it (counting from 1), returned 0-based.
fn step_number(part: &str, v: &str) -> Result<usize, SettingError> {
    match integer::<usize>(part, v)? {
        0 => Err(bad(part, "counts steps from 1", "的步骤从 1 开始计数")),
        n => Ok(n - 1),
    }
}

fn fault(part: &str, raw: &str) -> Result<Fault, SettingError> {
    let err = || {
        bad(
            part,
            "is not a fault: expected host.kind.nth.action[.delay_ms], e.g. `f=client.syn.1.drop`",
            "不是有效的故障：格式应为 主机.类型.序号.动作[.延迟毫秒]，例如 `f=client.syn.1.drop`",
        )
    };
    let mut it = raw.splitn(5, '.');
    let (Some(from), Some(kind), Some(nth), Some(action)) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(err());
    };
    let (from, index) = match from.strip_prefix('@') {
        Some(i) => (None, Some(integer(part, i).map_err(|_| err())?)),
        None => (Some(unescape(part, from)?).filter(|h| !h.is_empty()), None),
    };
    let kind = unescape(part, kind)?;
    let kind = match kind.as_str() {
        "" => None,
        name => Some(KINDS.into_iter().find(|k| k.name() == name).ok_or_else(err)?),
    };
    let nth = integer(part, &unescape(part, nth)?).map_err(|_| err())?;
    let action = unescape(part, action)?;
    let action = ACTIONS.iter().find(|(_, n)| *n == action).ok_or_else(err)?.0;
    let delay_ms = match it.next() {
        None => Millis::default(),
        Some(d) => Millis::new(decimal(part, &unescape(part, d)?).map_err(|_| err())?).map_err(|_| err())?,
    };
    Ok(Fault { from, kind, nth, index, action, delay_ms })
}

/// Reads a fragment written by [`encode`] (with or without the leading `#`), checking everything.
pub fn decode(fragment: &str) -> Result<(Experiment, View), SettingError> {
    let text = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut e = Experiment::default();
    let mut view = View::default();
    if text.len() > MAX_LEN {
        return Err(SettingError::new(
            format!("The link is too long ({} characters; at most {MAX_LEN}).", text.len()),
            format!("链接太长（{} 个字符，最多 {MAX_LEN} 个）。", text.len()),
        ));
    }
    if text.is_empty() {
        return Ok((e, view));
    }
    let mut seen = Vec::new();
    let mut entry_part = "";
    for part in text.split('&') {
        if part.is_empty() {
            return Err(SettingError::new("The link has an empty part (`&&`).", "链接中有空的部分（`&&`）。"));
        }
        let (key, raw) = match part.split_once('=') {
            Some((k, r)) => (k, Some(r)),
            None if part == "abs" || part == "autoplay" => (part, None),
            None => ("e", Some(part)),
        };
        if key != "f" {
            // `msl=30` and `msl_ms=30000` are the same setting.
            #[cfg(feature = "full")]
            let same = tcp_key(key).map_or(key, |(tcp, _)| tcp);
            #[cfg(not(feature = "full"))]
            let same = key;
            if seen.contains(&same) {
                return Err(SettingError::new(
                    format!("The link gives `{key}` more than once."),
                    format!("链接中的 `{key}` 出现了不止一次。"),
                ));
            }
            seen.push(same);
        }
        let value = match raw {
            Some(r) if key != "f" => unescape(part, r)?,
            _ => String::new(),
        };
        // A player is only ever given a catalogue entry as it is (`boot.js` opens any other link
        // with the full module), so it reads none of the settings, faults or scenarios.
        match (key, raw) {
            ("e", _) => (e.entry, entry_part) = (value, part),
            #[cfg(feature = "full")]
            ("s", _) => (e.entry, e.custom) = read_scenario(part, &value)?,
            #[cfg(feature = "full")]
            ("f", Some(raw)) => e.faults.push(fault(part, raw)?),
            #[cfg(feature = "full")]
            ("vs", _) => view.compare = Some(Box::new(read_compared(part, &value)?)),
            _ => {
                #[cfg(feature = "full")]
                if read_setting(&mut e.settings, key, part, &value)? {
                    continue;
                }
                if !read_view(&mut view, (key, raw), part, &value)? {
                    return Err(bad(part, "is not a setting synack knows", "不是已知的设置"));
                }
            }
        }
    }
    if seen.contains(&"s") && seen.contains(&"e") {
        return Err(SettingError::new(
            "The link names both an experiment and a scenario (s=).",
            "链接同时给出了实验名和场景（s=）。",
        ));
    }
    if e.custom.is_none() && catalogue::get(&e.entry).is_none() {
        return Err(bad(entry_part, "names no experiment in the catalogue", "不是目录中的实验"));
    }
    e.scenario().map_err(|err| {
        SettingError::new(
            format!("The link's settings cannot be used: {}", err.en),
            format!("链接中的设置无法使用：{}", err.zh),
        )
    })?;
    Ok((e, view))
}

/// The other run of a comparison (`vs=`, base64url of its own fragment: an experiment, no view).
#[cfg(feature = "full")]
fn read_compared(part: &str, value: &str) -> Result<Experiment, SettingError> {
    let text = URL_SAFE_NO_PAD.decode(value).ok().and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(|| {
        bad(part, "is not a run to compare with (base64url of a link)", "不是可对比的运行（链接的 base64url 编码）")
    })?;
    let (other, view) = decode(&text).map_err(|err| {
        SettingError::new(
            format!("The link's run to compare with (vs=) cannot be used: {}", err.en),
            format!("链接中用于对比的运行（vs=）无法使用：{}", err.zh),
        )
    })?;
    if view != View::default() {
        return Err(bad(part, "may name an experiment only, not how it is shown", "只能给出实验，不能给出显示方式"));
    }
    Ok(other)
}

/// The scenario a link carries (`s=`, base64url of a scenario file): its entry name and scenario.
#[cfg(feature = "full")]
fn read_scenario(part: &str, value: &str) -> Result<(String, Option<std::rc::Rc<tcp_sim::Scenario>>), SettingError> {
    let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|e| {
        use base64::DecodeError::*;
        let (en, zh) = match e {
            InvalidByte(at, _) | InvalidLastSymbol(at, _) => {
                (format!("character {}", at + 1), format!("第 {} 个字符", at + 1))
            }
            InvalidLength(_) => ("its length".to_string(), "长度".to_string()),
            InvalidPadding => ("its padding (=)".to_string(), "填充（=）".to_string()),
        };
        SettingError::new(
            format!("The link's scenario (s=) is not base64url: {en} is wrong."),
            format!("链接中的场景（s=）不是有效的 base64url 编码：{zh}有误。"),
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| bad(part, "is not a scenario (UTF-8 JSON or TOML)", "不是场景（UTF-8 编码的 JSON 或 TOML）"))?;
    let custom = Experiment::from_scenario_file(&text).map_err(|err| {
        SettingError::new(
            format!("The link's scenario (s=) cannot be used: {}", err.en),
            format!("链接中的场景（s=）无法使用：{}", err.zh),
        )
    })?;
    Ok((custom.entry, custom.custom))
}

/// The short names a link gives the `[tcp]` keys the page has fields for, and the unit each is
/// written in (milliseconds times `unit`: 1000 for seconds). Any other `[tcp]` key is written by
/// its own name, in the scenario file's unit.
#[cfg(feature = "full")]
const SHORT_NAMES: [(&str, &str, f64); 9] = [
    ("rto", "initial_rto_ms", 1.0),
    ("msl", "msl_ms", 1000.0),
    ("dack", "delayed_ack_ms", 1.0),
    ("synr", "syn_retries", 1.0),
    ("datar", "data_retries", 1.0),
    ("ka", "keepalive", 1.0),
    ("kaidle", "keepalive_idle_ms", 1000.0),
    ("kaintvl", "keepalive_interval_ms", 1000.0),
    ("kacnt", "keepalive_probes", 1.0),
];

/// The `[tcp]` key a link's name stands for, with the unit its value is written in.
#[cfg(feature = "full")]
fn tcp_key(name: &str) -> Option<(&'static str, f64)> {
    match SHORT_NAMES.iter().find(|(short, _, _)| *short == name) {
        Some(&(_, key, unit)) => Some((key, unit)),
        None => Tcp::KEYS.iter().find(|key| **key == name).map(|key| (*key, 1.0)),
    }
}

/// Writes the settings (`p=linux`, `loss=5`, `rto=1500`, `ack_fin_at_once=off`, ...).
#[cfg(feature = "full")]
fn write_settings(s: &crate::experiment::Settings, parts: &mut Vec<String>) {
    let fields = [
        ("p", s.profile.map(|p| p.name().to_string())),
        ("loss", s.loss_percent.map(num)),
        ("seed", s.seed.map(|v| v.to_string())),
        ("d", s.delay_ms.map(num)),
        ("isn", s.fixed_isn.map(|f| if f { "fixed" } else { "random" }.to_string())),
        ("faults", s.scenario_faults.map(|on| if on { "on" } else { "off" }.to_string())),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            parts.push(format!("{key}={v}"));
        }
    }
    for (key, value) in s.tcp.values() {
        let (name, unit) =
            SHORT_NAMES.iter().find(|(_, k, _)| *k == key).map_or((key, 1.0), |&(short, _, unit)| (short, unit));
        let text = match value {
            Value::Millis(m) => num(m.get() / unit),
            Value::Number(n) => n.to_string(),
            Value::Flag(on) => if on { "on" } else { "off" }.to_string(),
        };
        parts.push(format!("{name}={text}"));
    }
}

/// Reads a `[tcp]` key's value, written in milliseconds times `unit`, or `on`/`off`.
#[cfg(feature = "full")]
fn read_tcp(tcp: &mut Tcp, key: &str, unit: f64, part: &str, value: &str) -> Result<(), SettingError> {
    let value = match Tcp::kind(key) {
        Some(Kind::Millis) => {
            let ms = decimal(part, value)? * unit;
            Value::Millis(Millis::new(ms).map_err(|_| bad(part, "is out of range", "超出范围"))?)
        }
        Some(Kind::Number { .. }) => Value::Number(integer(part, value)?),
        _ => Value::Flag(match value {
            "on" => true,
            "off" => false,
            _ => {
                let name = part.split('=').next().unwrap_or(part);
                return Err(bad(
                    part,
                    &format!("must be `{name}=on` or `{name}=off`"),
                    &format!("必须是 `{name}=on` 或 `{name}=off`"),
                ));
            }
        }),
    };
    tcp.set(key, value).map_err(|e| match e {
        OverrideError::TooLarge(max) => bad(part, &format!("must be at most {max}"), &format!("不能大于 {max}")),
        _ => bad(part, "is not a setting synack knows", "不是已知的设置"),
    })
}

/// Reads one setting of the experiment (`p=linux`, `loss=5`, ...): false if `key` names none.
#[cfg(feature = "full")]
fn read_setting(s: &mut crate::experiment::Settings, key: &str, part: &str, value: &str) -> Result<bool, SettingError> {
    match key {
        "p" => {
            s.profile = Some(Profile::from_name(value).ok_or_else(|| {
                bad(
                    part,
                    "is not a profile (rfc9293, linux, freebsd, windows or rfc793)",
                    "不是已知的配置（rfc9293、linux、freebsd、windows 或 rfc793）",
                )
            })?)
        }
        "loss" => s.loss_percent = Some(decimal(part, value)?),
        "seed" => s.seed = Some(integer(part, value)?),
        "d" => s.delay_ms = Some(decimal(part, value)?),
        "faults" => {
            s.scenario_faults = Some(match value {
                "on" => true,
                "off" => false,
                _ => {
                    return Err(bad(part, "must be `faults=on` or `faults=off`", "必须是 `faults=on` 或 `faults=off`"));
                }
            })
        }
        "isn" => {
            s.fixed_isn = Some(match value {
                "fixed" => true,
                "random" => false,
                _ => {
                    return Err(bad(part, "must be `isn=fixed` or `isn=random`", "必须是 `isn=fixed` 或 `isn=random`"));
                }
            })
        }
        _ => match tcp_key(key) {
            Some((key, unit)) => read_tcp(&mut s.tcp, key, unit, part, value)?,
            None => return Ok(false),
        },
    }
    Ok(true)
}

/// Reads one part of the view (`lang=zh`, `step=3`, `abs`, ...): false if `key` names none.
fn read_view(view: &mut View, (key, raw): (&str, Option<&str>), part: &str, value: &str) -> Result<bool, SettingError> {
    match (key, raw) {
        ("lang", _) => view.lang = match value {
                "en" => Lang::En,
                "zh" => Lang::Zh,
                _ => return Err(bad(part, "must be `lang=en` or `lang=zh`", "必须是 `lang=en` 或 `lang=zh`")),
            },
        ("abs", None) => view.relative = false,
        ("step", _) => view.step = Some(step_number(part, value)?),
        ("ui", _) => {
            view.ui = Some(Ui::from_link(value).map_err(|name| {
                bad(
                    part,
                    &format!(
                        "names `{name}`, which is not a part (play, text, states, inspect, settings, export, lang, exercise or none)"
                    ),
                    &format!(
                        "中的 `{name}` 不是可显示的部分（`play`、`text`、`states`、`inspect`、`settings`、`export`、`lang`、`exercise` 或 `none`）"
                    ),
                )
            })?)
        }
        ("steps", _) => {
            let err = || bad(part, "must be a range of steps such as `steps=1-6`", "必须是步骤范围，例如 `steps=1-6`");
            let (a, b) = value.split_once('-').ok_or_else(err)?;
            let (a, b) = (step_number(part, a)?, step_number(part, b)?);
            if a > b {
                return Err(err());
            }
            view.range = Some((a, b));
        }
        ("autoplay", None) => view.autoplay = true,
        ("theme", _) => {
            view.theme = Some(match value {
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                _ => return Err(bad(part, "must be `theme=light` or `theme=dark`", "必须是 `theme=light` 或 `theme=dark`")),
            })
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Settings;

    fn round_trip(e: &Experiment, v: &View) -> String {
        let link = encode(e, v).expect("fits a link");
        assert_eq!(decode(&link).as_ref(), Ok(&(e.clone(), v.clone())), "{link}");
        assert_eq!(decode(&format!("#{link}")).and_then(|(e, v)| encode(&e, &v)).as_deref(), Ok(link.as_str()));
        link
    }

    #[test]
    fn a_number_that_would_be_written_in_scientific_notation_is_refused() {
        // The fuzzer's find: `loss=0.000000004` read back as 4e-9, written `loss=4e-9`.
        let tiny = decode("loss=00000000000000000000000000000000000000.000000004000000000325836495200");
        assert!(tiny.is_err_and(|e| e.en.contains("out of range")));
        assert!(decode("d=100000000000000000000").is_err());
        for ok in ["loss=0.0000001", "loss=0", "d=0.001", "rto=599999.5"] {
            let (e, v) = decode(ok).unwrap_or_else(|e| panic!("{ok}: {}", e.en));
            round_trip(&e, &v);
        }
    }

    #[test]
    fn catalogue_entries_with_defaults_are_their_names() {
        for entry in catalogue::ENTRIES {
            let e = Experiment { entry: entry.name.into(), ..Experiment::default() };
            let link = round_trip(&e, &View::default());
            assert_eq!(link, if entry.name == DEFAULT_ENTRY { "" } else { entry.name });
        }
        assert_eq!(decode(""), Ok((Experiment::default(), View::default())));
        assert_eq!(decode("#"), Ok((Experiment::default(), View::default())));
    }

    #[test]
    fn the_documented_example_round_trips() {
        let link = "lost-syn&p=linux&loss=5&seed=3&d=10&isn=fixed&rto=1000&msl=30&dack=40&synr=6&datar=15\
                    &ka=on&kaidle=60&kaintvl=5&kacnt=3&lang=zh&abs&step=4&f=client.syn-ack.1.drop&f=server.syn-ack.2.delay.500.5\
                    &f=@3..1.duplicate.20&f=.fin.1.drop";
        let embed = "lost-syn&ui=play.text&steps=2-6&autoplay&theme=dark";
        let (e, v) = decode(embed).unwrap();
        assert_eq!(
            (v.ui, v.range, v.autoplay, v.theme),
            (Ui::from_link("play.text").ok(), Some((1, 5)), true, Some(Theme::Dark))
        );
        assert_eq!(encode(&e, &v).as_deref(), Ok(embed));
        let (e, v) = decode(link).unwrap();
        assert_eq!(
            (e.settings.loss_percent, e.settings.fixed_isn, v.step, v.relative),
            (Some(5.0), Some(true), Some(3), false)
        );
        let tcp = &e.settings.tcp;
        assert_eq!(
            (tcp.keepalive, tcp.keepalive_idle_ms.map(Millis::get), tcp.keepalive_interval_ms.map(Millis::get)),
            (Some(true), Some(60_000.0), Some(5_000.0))
        );
        assert_eq!((tcp.keepalive_probes, tcp.msl_ms.map(Millis::get)), (Some(3), Some(30_000.0)));
        assert!(decode("ka=yes").is_err_and(|err| err.en.contains("ka=on")));
        assert_eq!(e.faults[1].delay_ms.get(), 500.5);
        assert_eq!((e.faults[2].index, e.faults[3].from.as_deref()), (Some(3), None));
        assert_eq!(encode(&e, &v).as_deref(), Ok(link));
        // Non-canonical spellings read the same and are written canonically.
        assert_eq!(
            decode("e=lost%2dsyn&lang=en&loss=05.0").and_then(|(e, v)| encode(&e, &v)).unwrap(),
            "lost-syn&loss=5"
        );
    }

    #[test]
    fn any_tcp_key_travels_by_its_own_name() {
        let link = "handshake&p=rfc9293&fin_wait_2_timeout_ms=5000&mss=536&ack_fin_at_once=off";
        let (e, v) = decode(link).unwrap_or_else(|e| panic!("{}", e.en));
        let tcp = &e.settings.tcp;
        assert_eq!(
            (tcp.fin_wait_2_timeout_ms.map(Millis::get), tcp.mss, tcp.ack_fin_at_once),
            (Some(5000.0), Some(536), Some(false))
        );
        let config = e.scenario().map(|s| s.config_for(&s.hosts[0])).expect("runs");
        assert!(!config.ack_fin_at_once && config.mss == 536, "{config:?}");
        // Written in the order of the format's keys, the page's own fields by their short names.
        assert_eq!(encode(&e, &v).as_deref(), Ok("p=rfc9293&fin_wait_2_timeout_ms=5000&mss=536&ack_fin_at_once=off"));
        assert_eq!(decode("initial_rto_ms=1500").map(|(e, v)| encode(&e, &v)).unwrap().as_deref(), Ok("rto=1500"));
        for (bad, why) in [
            ("synr=256", "The link's `synr=256` must be at most 255."),
            ("mss=ten", "The link's `mss=ten` is not a number."),
            (
                "sack_permitted=yes",
                "The link's `sack_permitted=yes` must be `sack_permitted=on` or `sack_permitted=off`.",
            ),
            ("nagle=on", "The link's `nagle=on` is not a setting synack knows."),
            ("mss=10", "The link's settings cannot be used: tcp.mss: must be at least 64 bytes"),
        ] {
            assert_eq!(decode(bad).map_err(|e| e.en), Err(why.to_string()), "{bad}");
        }
    }

    #[test]
    fn combinations_round_trip() {
        let ms = |v: f64| Millis::new(v).expect("a duration");
        let profiles = [None, Some(Profile::Rfc9293), Some(Profile::Windows)];
        let faults = [
            vec![],
            vec![Fault {
                from: Some("client".into()),
                kind: Some(SegmentKind::Syn),
                nth: 1,
                index: None,
                action: FaultAction::Drop,
                delay_ms: Millis::default(),
            }],
            vec![
                Fault {
                    from: Some("server".into()),
                    kind: Some(SegmentKind::SynAck),
                    nth: 2,
                    index: None,
                    action: FaultAction::Delay,
                    delay_ms: Millis::new(0.25).unwrap(),
                },
                Fault {
                    from: None,
                    kind: None,
                    nth: 1,
                    index: Some(7),
                    action: FaultAction::Duplicate,
                    delay_ms: Millis::new(300.0).unwrap(),
                },
            ],
        ];
        let mut checked = 0;
        for (i, entry) in catalogue::ENTRIES.iter().enumerate() {
            for (j, fs) in faults.iter().enumerate() {
                let k = i * 3 + j;
                let settings = Settings {
                    profile: profiles[k % 3],
                    loss_percent: [None, Some(0.1), Some(100.0), Some(-0.0)][k % 4],
                    seed: [None, Some(0), Some(u64::MAX)][k % 3],
                    delay_ms: [None, Some(0.0), Some(12.5), Some(10_000.0)][(k / 2) % 4],
                    fixed_isn: [None, Some(true), Some(false)][(k / 2) % 3],
                    scenario_faults: [None, Some(false), Some(true)][(k / 7) % 3],
                    tcp: Tcp {
                        initial_rto_ms: [None, Some(ms(1.0)), Some(ms(3000.0))][(k / 3) % 3],
                        msl_ms: [None, Some(ms(500.0)), Some(ms(60_000.0))][k % 3],
                        delayed_ack_ms: [None, Some(ms(0.0)), Some(ms(200.0))][(k + 1) % 3],
                        syn_retries: [None, Some(0), Some(255)][(k + 2) % 3],
                        data_retries: [None, Some(3)][k % 2],
                        keepalive: [None, Some(true), Some(false)][(k + 2) % 3],
                        keepalive_idle_ms: [None, Some(ms(30_000.0)), Some(ms(7_200_000.0))][(k / 3) % 3],
                        keepalive_interval_ms: [None, Some(ms(500.0)), Some(ms(75_000.0))][(k / 2) % 3],
                        keepalive_probes: [None, Some(1), Some(9)][k % 3],
                        ack_fin_at_once: [None, Some(false)][(k / 5) % 2],
                        ..Tcp::default()
                    },
                };
                let e = Experiment { entry: entry.name.into(), custom: None, settings, faults: fs.clone() };
                if e.scenario().is_err() {
                    assert!(decode(&encode(&e, &View::default()).expect("short")).is_err());
                    continue;
                }
                let lang = [Lang::En, Lang::Zh][k % 2];
                let v = View {
                    step: [None, Some(0), Some(17)][k % 3],
                    lang,
                    relative: k % 5 != 0,
                    ui: [None, Some(Ui::NONE), Some(Ui::all()), Some(Ui::embed_default())][k % 4],
                    range: [None, Some((0, 0)), Some((2, 9))][(k / 2) % 3],
                    autoplay: k % 3 == 1,
                    theme: [None, Some(Theme::Light), Some(Theme::Dark)][(k + 1) % 3],
                    // Another run to compare with: the same with other settings, or another entry.
                    compare: [
                        None,
                        Some(Box::new(Experiment {
                            settings: Settings { scenario_faults: Some(false), ..e.settings.clone() },
                            ..e.clone()
                        })),
                        Some(Box::new(Experiment { entry: "lost-syn".into(), ..Experiment::default() })),
                    ][k % 3]
                        .clone(),
                };
                round_trip(&e, &v);
                checked += 1;
            }
        }
        assert!(checked > 30, "{checked}");
    }

    #[test]
    fn a_run_to_compare_with_travels_in_the_link() {
        let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
        let (e, v) = decode(&format!("lost-final-ack&vs={}", b64("lost-final-ack&faults=off"))).expect("a comparison");
        let other = v.compare.expect("the other run");
        assert_eq!((e.entry.as_str(), other.entry.as_str()), ("lost-final-ack", "lost-final-ack"));
        assert_eq!(other.settings.scenario_faults, Some(false));
        assert!(other.scenario().expect("runs").faults.is_empty() && !e.scenario().expect("runs").faults.is_empty());
        // Compared with the default experiment, whose own link is empty: `vs=`, read back the same
        // (the fuzzer found it written as a bare `vs`, which names an entry).
        let (e, v) = decode("lost-syn&vs=").expect("compared with the default experiment");
        assert_eq!(v.compare.as_ref().map(|o| o.entry.as_str()), Some(DEFAULT_ENTRY));
        let link = encode(&e, &v).expect("a link");
        assert_eq!(decode(&link), Ok((e, v)), "{link}");
        for (link, says) in [
            ("vs=%21%21".to_string(), "is not a run to compare with"),
            (format!("vs={}", b64("no-such-entry")), "(vs=) cannot be used"),
            (format!("vs={}", b64(&format!("lost-syn&vs={}", b64("lost-fin")))), "not how it is shown"),
            (format!("vs={}", b64("lost-syn&step=3")), "not how it is shown"),
            ("faults=maybe".to_string(), "must be `faults=on` or `faults=off`"),
        ] {
            let err = decode(&link).expect_err(&link);
            assert!(err.en.contains(says), "{link}: {}", err.en);
            assert!(!err.zh.is_empty());
        }
    }

    #[test]
    fn custom_scenarios_travel_in_the_link() {
        for (not_base64url, wrong, zh) in [
            ("a", "its length", "长度有误"),
            ("a+b=", "character 2", "第 2 个字符有误"),
            ("aGk/Pg", "character 4", "第 4 个字符有误"),
            ("aGk_Pg==", "its padding (=)", "填充（=）有误"),
        ] {
            let err = decode(&format!("s={not_base64url}")).unwrap_err();
            assert_eq!(err.en, format!("The link's scenario (s=) is not base64url: {wrong} is wrong."));
            assert!(err.zh.contains(zh), "{not_base64url}: {}", err.zh);
        }
        let mut scenario = catalogue::get("lost-syn").unwrap().scenario().unwrap();
        scenario.title.en = "My own & only".into();
        let e = Experiment {
            settings: Settings { loss_percent: Some(1.0), ..Settings::default() },
            ..Experiment::custom(scenario)
        };
        let link = round_trip(&e, &View::default());
        assert!(link.starts_with("s=") && link.len() < MAX_LEN, "{link}");
        let bad_json = format!("s={}", URL_SAFE_NO_PAD.encode(b"{\"hosts\": 3}"));
        let err = decode(&bad_json).unwrap_err();
        assert!(err.en.starts_with("The link's scenario (s=) cannot be used: The scenario file: line 1"), "{}", err.en);
        assert!(decode("s=%%").unwrap_err().en.contains("percent-escape"));
        assert!(decode("s=a").unwrap_err().en.contains("is not base64url"));
        assert!(decode(&format!("lost-syn&{link}")).unwrap_err().en.contains("both"));
    }

    /// A ```synack block in a post may hold a TOML scenario: `embed.js` puts its text in `s=` as
    /// it is (the README's example here), and a TOML error says where it is.
    #[test]
    fn a_toml_scenario_travels_in_the_link_too() {
        let toml = "title.en = \"My laptop knocks on a closed port\"\n[[hosts]]\nname = \"laptop\"\n\
                    addr = \"192.0.2.10\"\napp = [{ at_ms = 0, do = \"connect\", to = \"printer\" }]\n\
                    [[hosts]]\nname = \"printer\"\naddr = \"198.51.100.20\"";
        let (e, _) = decode(&format!("s={}", URL_SAFE_NO_PAD.encode(toml))).expect("the TOML block reads");
        let scenario = e.scenario().expect("it runs");
        assert_eq!(scenario.title.en, "My laptop knocks on a closed port");
        assert_eq!(scenario.hosts.len(), 2);
        // Written back, the link carries it as JSON.
        assert!(round_trip(&e, &View::default()).starts_with("s="));
        let err = decode(&format!("s={}", URL_SAFE_NO_PAD.encode(b"[[hosts]]\nname = 3"))).unwrap_err();
        assert!(err.en.starts_with("The link's scenario (s=) cannot be used: The scenario file: line 2"), "{}", err.en);
    }

    /// A custom scenario as large as a link holds round-trips; one character more is refused by
    /// `encode` (with a message) and would be refused by `decode`: the two sides check one limit.
    /// The scenario stays within the format's own limits (a narration of at most 4,000
    /// characters), which a link reaches first.
    #[test]
    fn the_largest_scenario_a_link_holds_round_trips() {
        let with_narration = |chars: usize| {
            let mut scenario = catalogue::get("syn-flood").unwrap().scenario().unwrap();
            scenario.narration.en = "n".repeat(tcp_sim::scenario::size::NARRATION_CHARS);
            scenario.narration.zh = "中".repeat(chars);
            Experiment::custom(scenario)
        };
        let fits = |chars: usize| encode(&with_narration(chars), &View::default()).is_ok();
        let (mut lo, mut hi) = (0, tcp_sim::scenario::size::NARRATION_CHARS);
        assert!(fits(lo) && !fits(hi), "the link's limit is reached within the format's");
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if fits(mid) { lo = mid } else { hi = mid }
        }
        let link = round_trip(&with_narration(lo), &View::default());
        // A character is 3 bytes of JSON, 4 of base64.
        assert!(link.len() > MAX_LEN - 4 && link.len() <= MAX_LEN, "{}", link.len());
        let bigger = with_narration(hi);
        assert!(bigger.scenario().is_ok(), "a valid scenario, only too large for a link");
        let err = encode(&bigger, &View::default()).unwrap_err();
        assert!(err.en.contains("too large for a link") && err.zh.contains("太大"), "{}", err.en);
        let too_long = fragment(&bigger, &View::default());
        assert!(too_long.len() > MAX_LEN && decode(&too_long).is_err());
    }

    /// Issue #10: a valid 10.5 KB scenario (pretty JSON) made a 16,484-character link that
    /// `decode` refused. In compact JSON it fits, with room.
    #[test]
    fn a_ten_kilobyte_scenario_travels_in_a_link() {
        let mut scenario = catalogue::get("handshake").unwrap().scenario().unwrap();
        let template = scenario.hosts[0].clone();
        for i in 2..16 {
            let mut h = template.clone();
            h.name = format!("client{i}");
            h.addr = std::net::Ipv4Addr::new(192, 0, 2, 10 + i as u8);
            scenario.hosts.push(h);
        }
        scenario.narration.en = "A crowd of clients. ".repeat(200);
        let pretty = scenario.to_json();
        assert!(pretty.len() > 10_500, "{}", pretty.len());
        let link = round_trip(&Experiment::custom(scenario), &View::default());
        assert!(link.len() < 12_000, "{} characters", link.len());
    }

    #[test]
    fn escapes_round_trip() {
        for s in ["a.b c/ü&=#%", "", "plain-name_1~"] {
            assert_eq!(unescape("x", &pct(s)).as_deref(), Ok(s));
        }
        assert_eq!(pct("a.b&c"), "a%2Eb%26c");
    }

    #[test]
    fn malformed_links_are_errors_naming_the_part() {
        let cases = [
            ("loss=abc", "`loss=abc` is not a number", "`loss=abc` 不是数字"),
            ("loss=-1", "`loss=-1` is not a number", "不是数字"),
            ("loss=1e3", "`loss=1e3` is not a number", "不是数字"),
            ("loss=inf", "`loss=inf` is not a number", "不是数字"),
            ("loss=", "`loss=` is not a number", "不是数字"),
            ("synr=256", "`synr=256` must be at most 255", "不能大于 255"),
            ("step=1.5", "`step=1.5` is not a number", "不是数字"),
            ("step=0", "`step=0` counts steps from 1", "步骤从 1 开始"),
            ("ui=play.chat", "`ui=play.chat` names `chat`", "`chat` 不是可显示的部分"),
            ("ui=", "names ``", "不是可显示的部分"),
            ("steps=6-1", "`steps=6-1` must be a range", "必须是步骤范围"),
            ("steps=3", "must be a range", "必须是步骤范围"),
            ("steps=0-3", "counts steps from 1", "从 1 开始"),
            ("steps=1-x", "is not a number", "不是数字"),
            ("autoplay=yes", "`autoplay=yes` is not a setting", "不是已知的设置"),
            ("theme=blue", "`theme=blue` must be", "必须是 `theme=light`"),
            ("loss=150", "settings cannot be used: Loss", "设置无法使用"),
            ("rto=0.5", "initial RTO", "RTO"),
            ("colour=red", "`colour=red` is not a setting", "`colour=red` 不是已知的设置"),
            ("abs=1", "`abs=1` is not a setting", "不是已知的设置"),
            ("no-such-entry", "`no-such-entry` names no experiment", "不是目录中的实验"),
            ("e=lost-syn&e=refused", "`e` more than once", "不止一次"),
            ("lost-syn&e=refused", "`e` more than once", "不止一次"),
            ("loss=1&loss=1", "`loss` more than once", "不止一次"),
            ("msl=30&msl_ms=30000", "`msl_ms` more than once", "不止一次"),
            ("abs&abs", "`abs` more than once", "不止一次"),
            ("p=solaris", "`p=solaris` is not a profile", "`p=solaris` 不是已知的配置"),
            ("isn=maybe", "`isn=maybe` must be", "`isn=maybe` 必须"),
            ("lang=fr", "`lang=fr` must be", "`lang=fr` 必须"),
            ("f=client.syn", "`f=client.syn` is not a fault", "`f=client.syn` 不是有效的故障"),
            ("f=client.synack.1.drop", "is not a fault", "不是有效的故障"),
            ("f=client.syn.one.drop", "is not a fault", "不是有效的故障"),
            ("f=client.syn.1.explode", "is not a fault", "不是有效的故障"),
            ("f=client.syn.1.delay.x", "is not a fault", "不是有效的故障"),
            ("f=@x..1.drop", "is not a fault", "不是有效的故障"),
            ("f=client.syn.0.drop", "settings cannot be used", "设置无法使用"),
            ("f=mallory.syn.1.drop", "mallory", "mallory"),
            ("f=client.syn.1.delay", "delay_ms", "delay_ms"),
            ("e=lost%2", "`e=lost%2` has a bad percent-escape", "百分号转义"),
            ("e=lost%zzsyn", "bad percent-escape", "百分号转义"),
            ("e=lost%+1", "bad percent-escape", "百分号转义"),
            ("e=%C3%A9%FF", "`e=%C3%A9%FF` is not valid UTF-8", "UTF-8"),
            ("f=%FF.syn.1.drop", "is not valid UTF-8", "UTF-8"),
            ("lost-syn&&abs", "empty part", "空的部分"),
            ("lost-syn&", "empty part", "空的部分"),
            ("e=é%", "bad percent-escape", "百分号转义"),
        ];
        for (link, en, zh) in cases {
            let err = decode(link).expect_err(link);
            assert!(err.en.contains(en), "{link}: {}", err.en);
            assert!(err.zh.contains(zh), "{link}: {}", err.zh);
        }
        let long = format!("lost-syn&loss=1{}", "0".repeat(MAX_LEN));
        assert!(decode(&long).unwrap_err().en.contains("too long"));
        assert!(decode(&format!("#{}", "&".repeat(MAX_LEN))).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let alphabet =
            ["", "&", "=", ".", "%", "%4", "%41", "@", "#", "é", "f", "e", "abs", "1", "lost-syn", "drop", "loss"];
        let mut x = 1u64;
        for _ in 0..5000 {
            let mut link = String::new();
            for _ in 0..(x % 9) {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                link.push_str(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            if let Ok((e, v)) = decode(&link) {
                assert_eq!(encode(&e, &v).and_then(|l| decode(&l)), Ok((e, v)), "{link}");
            }
        }
    }
}
