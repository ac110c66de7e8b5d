//! What the reader set up: a catalogue entry, the settings they changed, the faults they added.
//! [`Experiment::scenario`] turns it into the one scenario format the simulator reads.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unused_mut))]

use bilingual::Lang;
use std::rc::Rc;
use tcp_core::config::Profile;
use tcp_sim::Scenario;
use tcp_sim::catalogue;
use tcp_sim::decimal::Shortest;
use tcp_sim::overrides::Value;
use tcp_sim::scenario::{Fault, FaultAction, Isn, Millis, Probability, Tcp};
use tcp_sim::trace::Trace;

/// The catalogue entry shown when nothing else was asked for.
pub const DEFAULT_ENTRY: &str = "handshake";
/// The `entry` of an experiment built on the reader's own scenario (not a catalogue name).
pub const CUSTOM_ENTRY: &str = "custom";

/// The reader's changes to an entry's scenario. `None` keeps the entry's own value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Profile of every host.
    pub profile: Option<Profile>,
    /// Random loss, in percent.
    pub loss_percent: Option<f64>,
    /// Seed of random loss and ISNs.
    pub seed: Option<u64>,
    /// One-way delay, both directions, in milliseconds.
    pub delay_ms: Option<f64>,
    /// Fixed textbook ISNs (client 1000, server 5000) instead of random ones.
    pub fixed_isn: Option<bool>,
    /// `Some(false)`: without the scenario's own faults (the run as it goes when nothing is
    /// dropped, delayed or duplicated on purpose: what a comparison sets against it).
    pub scenario_faults: Option<bool>,
    /// The profile's timers, limits and behaviour the reader changed: the scenario's `[tcp]`
    /// keys, on top of the scenario's own.
    pub tcp: Tcp,
}

/// The page's bounds on the `[tcp]` durations it has fields for (links carry the same values),
/// tighter than a scenario file's, with the name its message gives the field: each at least
/// `min` and at most `max` milliseconds. (A Chinese name ending in Latin letters ends in a space,
/// which keeps them apart from the Chinese that follows.)
#[cfg(feature = "full")]
const PAGE_BOUNDS: [(&str, f64, f64, &str, &str); 5] = [
    ("initial_rto_ms", 1.0, 600_000.0, "The initial RTO", "初始 RTO "),
    ("msl_ms", 0.0, 3_600_000.0, "MSL", "MSL "),
    ("delayed_ack_ms", 0.0, 500.0, "The delayed-ACK timeout", "延迟确认超时"),
    ("keepalive_idle_ms", 0.0, 86_400_000.0, "The keep-alive idle time", "保活空闲时间"),
    ("keepalive_interval_ms", 0.0, 86_400_000.0, "The keep-alive interval", "保活探测间隔"),
];

/// A fault the reader asked for from the inspector: what to do to one segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultRequest {
    /// Index of the segment in the current trace.
    pub segment: usize,
    /// Drop, delay or duplicate.
    pub action: FaultAction,
    /// Extra delay for `Delay` and `Duplicate`, milliseconds.
    pub delay_ms: f64,
}

/// Everything that determines the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// Catalogue entry name ([`CUSTOM_ENTRY`] for the reader's own scenario).
    pub entry: String,
    /// The reader's own scenario (loaded from a file or a link), used instead of an entry's.
    pub custom: Option<Rc<Scenario>>,
    /// The reader's settings.
    pub settings: Settings,
    /// Faults added from the inspector, on top of the entry's own.
    pub faults: Vec<Fault>,
}

impl Default for Experiment {
    fn default() -> Experiment {
        Experiment { entry: DEFAULT_ENTRY.into(), custom: None, settings: Settings::default(), faults: Vec::new() }
    }
}

/// A setting that cannot be used, with the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingError {
    /// English.
    pub en: String,
    /// 中文.
    pub zh: String,
}

impl SettingError {
    /// A message in both languages.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> SettingError {
        SettingError { en: en.into(), zh: zh.into() }
    }
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang.shown() {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

fn millis(value: f64, max: f64, en: &str, zh: &str) -> Result<Millis, SettingError> {
    if !(value.is_finite() && value >= 0.0 && value <= max) {
        return Err(SettingError::new(
            format!("{en} must be between 0 and {} ms (got {})", Shortest(max), Shortest(value)),
            format!("{zh}必须在 0 到 {} 毫秒之间（当前为 {}）", Shortest(max), Shortest(value)),
        ));
    }
    Millis::new(value).map_err(|e| SettingError::new(e.clone(), e))
}

impl Experiment {
    /// The reader's own scenario, with default settings and no faults.
    pub fn custom(scenario: Scenario) -> Experiment {
        Experiment { entry: CUSTOM_ENTRY.into(), custom: Some(Rc::new(scenario)), ..Experiment::default() }
    }

    /// Reads the reader's own scenario file (JSON, as the page's "Scenario" export writes it, or
    /// TOML, as the CLI's files are); the error says where it is wrong.
    pub fn from_scenario_file(text: &str) -> Result<Experiment, SettingError> {
        let scenario = crate::upgrade::scenario_from_text(text)
            .map_err(|e| SettingError::new(format!("The scenario file: {e}"), format!("场景文件有误：{e}")))?;
        Ok(Experiment::custom(scenario))
    }

    /// The entry's (or the reader's own) scenario with the settings and faults applied.
    pub fn scenario(&self) -> Result<Scenario, SettingError> {
        let mut s = match &self.custom {
            Some(custom) => (**custom).clone(),
            None => {
                let entry = catalogue::get(&self.entry).ok_or_else(|| {
                    SettingError::new(
                        format!("There is no experiment named `{}`.", self.entry),
                        format!("没有名为“{}”的实验。", self.entry),
                    )
                })?;
                entry.scenario().map_err(|e| SettingError::new(e.to_string(), e.to_string()))?
            }
        };
        // A player never changes an entry (see `permalink::decode`): it runs it as it is.
        #[cfg(feature = "full")]
        self.apply_settings(&mut s)?;
        Ok(s)
    }

    /// The reader's settings and faults, on top of the scenario.
    #[cfg(feature = "full")]
    fn apply_settings(&self, s: &mut Scenario) -> Result<(), SettingError> {
        let set = &self.settings;
        if let Some(p) = set.profile {
            s.profile = p;
            for h in &mut s.hosts {
                h.profile = None;
            }
        }
        if let Some(loss) = set.loss_percent {
            s.link.loss = Probability::new(loss / 100.0).map_err(|_| {
                SettingError::new(
                    format!("Loss must be between 0 and 100 % (got {})", Shortest(loss)),
                    format!("丢包率必须在 0 到 100% 之间（当前为 {}）", Shortest(loss)),
                )
            })?;
        }
        if let Some(seed) = set.seed {
            s.seed = seed;
        }
        if let Some(d) = set.delay_ms {
            s.link.delay_ms = millis(d, 10_000.0, "The one-way delay", "单向时延")?;
            s.link.return_delay_ms = None;
        }
        if let Some(fixed) = set.fixed_isn {
            for (i, h) in s.hosts.iter_mut().enumerate() {
                h.isn = if fixed { Isn::Fixed(if i == 0 { 1000 } else { 5000 }) } else { Isn::Random };
            }
        }
        for (key, min, max, en, zh) in PAGE_BOUNDS {
            if let Some(Value::Millis(v)) = set.tcp.get(key) {
                let v = v.get();
                if v < min {
                    return Err(SettingError::new(
                        format!("{en} must be at least {} ms (got {})", Shortest(min), Shortest(v)),
                        format!("{zh}至少为 {} 毫秒（当前为 {}）", Shortest(min), Shortest(v)),
                    ));
                }
                millis(v, max, en, zh)?;
            }
        }
        if set.scenario_faults == Some(false) {
            s.faults.clear();
        }
        s.tcp = set.tcp.or(&s.tcp);
        if set.tcp.keepalive == Some(true) {
            run_long_enough_for_keepalive(s);
        }
        s.faults.extend(self.faults.iter().cloned());
        s.validate().map_err(|e| SettingError::new(e.to_string(), e.to_string()))?;
        Ok(())
    }

    /// The exercises of the entry (or of the reader's own scenario): settings never change them.
    #[cfg(feature = "full")]
    pub fn exercises(&self) -> Vec<tcp_sim::scenario::Exercise> {
        match &self.custom {
            Some(custom) => custom.exercises.clone(),
            None => {
                catalogue::get(&self.entry).and_then(|e| e.scenario().ok()).map(|s| s.exercises).unwrap_or_default()
            }
        }
    }

    /// The reader's faults in a line: `client syn #1 drop, server fin #1 delay 300 ms`.
    pub fn fault_summary(&self, lang: Lang) -> String {
        let action = |f: &Fault| match (f.action, lang) {
            (FaultAction::Drop, Lang::En) => "drop".to_owned(),
            (FaultAction::Drop, Lang::Zh) => "丢弃".to_owned(),
            (FaultAction::Delay, Lang::En) => format!("delay {} ms", Shortest(f.delay_ms.get())),
            (FaultAction::Delay, Lang::Zh) => format!("延迟 {} 毫秒", Shortest(f.delay_ms.get())),
            (FaultAction::Duplicate, Lang::En) => format!("duplicate (+{} ms)", Shortest(f.delay_ms.get())),
            (FaultAction::Duplicate, Lang::Zh) => format!("重复（+{} 毫秒）", Shortest(f.delay_ms.get())),
        };
        let one = |f: &Fault| {
            let from = f.from.as_deref().unwrap_or("?");
            format!("{from} {} #{} {}", f.kind.map_or("?", |k| k.name()), f.nth, action(f))
        };
        let sep = bilingual::pick(lang, ", ", "，");
        self.faults.iter().map(one).collect::<Vec<_>>().join(sep)
    }

    /// Adds the fault a reader asked for, naming the segment by sender, kind and occurrence
    /// ("the server's first SYN-ACK") so that it survives changes that shift segment indices.
    pub fn add_fault(&mut self, trace: &Trace, request: FaultRequest) {
        let Some(seg) = trace.segments.get(request.segment) else { return };
        if seg.duplicate_of.is_some() {
            return;
        }
        let kind = seg.kind();
        let nth = trace.segments[..=request.segment]
            .iter()
            .filter(|s| s.from == seg.from && s.kind() == kind && s.duplicate_of.is_none())
            .count() as u32;
        let from = trace.hosts[seg.from].name.clone();
        self.faults.retain(|f| !(f.from.as_deref() == Some(from.as_str()) && f.kind == Some(kind) && f.nth == nth));
        let delay = Millis::new(request.delay_ms.clamp(0.0, 600_000.0)).unwrap_or_default();
        self.faults.push(Fault {
            from: Some(from),
            kind: Some(kind),
            nth,
            index: None,
            action: request.action,
            delay_ms: delay,
        });
    }
}

/// Lets a run with keep-alive on last until its last probe could have timed out (the idle time
/// and every interval, plus a minute), so that turning it on shows what it does: keep-alive's
/// two hours are longer than a scenario's default hour. The idle stretch is drawn as a time break.
#[cfg(feature = "full")]
fn run_long_enough_for_keepalive(s: &mut Scenario) {
    let longest = s
        .hosts
        .iter()
        .map(|h| {
            let c = s.config_for(h);
            let span = c.keepalive_idle + c.keepalive_interval * u32::from(c.keepalive_probes);
            span.as_micros() as f64 / 1000.0 + 60_000.0
        })
        .fold(0.0, f64::max);
    let until = s.until_ms.map_or(3_600_000.0, |m| m.get());
    if longest > until {
        s.until_ms = Millis::new(longest).ok().or(s.until_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fault_summary_says_how_much_a_delay_is() {
        let (trace, _) = crate::state::run(&Experiment::default(), Lang::En, true, seqdiag::WidthClass::Full)
            .expect("the default runs");
        let mut experiment = Experiment::default();
        experiment.add_fault(&trace, FaultRequest { segment: 0, action: FaultAction::Drop, delay_ms: 0.0 });
        experiment.add_fault(&trace, FaultRequest { segment: 1, action: FaultAction::Delay, delay_ms: 300.0 });
        assert_eq!(experiment.fault_summary(Lang::En), "client syn #1 drop, server syn-ack #1 delay 300 ms");
        assert_eq!(experiment.fault_summary(Lang::Zh), "client syn #1 丢弃，server syn-ack #1 延迟 300 毫秒");
    }
}

#[cfg(all(test, feature = "full"))]
mod keepalive_tests {
    use super::*;

    /// Two hosts that connect and then say nothing: what keep-alive is for.
    fn idle_pair() -> Experiment {
        Experiment::from_scenario_file(
            r#"{"hosts": [
                {"name": "client", "addr": "192.0.2.1", "app": [{"at_ms": 0, "do": "connect", "to": "server"}]},
                {"name": "server", "addr": "198.51.100.1", "app": [{"at_ms": 0, "do": "listen"}]}
            ]}"#,
        )
        .expect("the scenario reads")
    }

    #[test]
    fn turning_keep_alive_on_sends_probes_on_an_idle_connection() {
        let plain = idle_pair();
        let mut on = idle_pair();
        on.settings.tcp.keepalive = Some(true);
        on.settings.tcp.keepalive_idle_ms = Some(Millis::new(30_000.0).expect("30 s"));
        on.settings.tcp.keepalive_interval_ms = Some(Millis::new(5_000.0).expect("5 s"));
        on.settings.tcp.keepalive_probes = Some(3);
        let quiet = tcp_sim::simulate(&plain.scenario().expect("runs"));
        let probed = tcp_sim::simulate(&on.scenario().expect("runs"));
        // The handshake, then a probe every 30 s of silence, each answered by the live peer.
        assert_eq!(quiet.segments.len(), 3);
        assert!(probed.segments.len() > 3, "{} segments", probed.segments.len());
        let first_probe = &probed.segments[3];
        // Linux's timer wheel files a 30 s timer in buckets of 2.048 s: never early, at most a
        // bucket late.
        let waited = first_probe.sent_at.saturating_since(quiet.segments[2].sent_at).as_micros();
        assert!((30_000_000..30_000_000 + 2_048_000).contains(&waited), "{waited} µs");
    }

    #[test]
    fn keep_alive_with_a_stacks_two_hours_runs_long_enough_to_probe() {
        let mut on = idle_pair();
        on.settings.tcp.keepalive = Some(true);
        let s = on.scenario().expect("runs");
        // Linux: 7200 s idle, then 9 probes 75 s apart; the scenario's default hour is too short.
        assert!(s.until_ms.is_some_and(|m| m.get() >= (7200.0 + 9.0 * 75.0) * 1000.0), "{:?}", s.until_ms);
        let t = tcp_sim::simulate(&s);
        assert!(t.segments.len() > 3, "a probe after two hours: {} segments", t.segments.len());
        on.settings.tcp.keepalive_idle_ms = Some(Millis::default());
        assert!(on.scenario().is_err(), "an idle time of 0 is refused");
    }
}
