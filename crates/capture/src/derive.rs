//! The scenario that re-runs an imported capture: the two ends with their ports, ISNs and guessed
//! profiles; the path delay the capture point implies; each application's actions at the times
//! the capture implies (reacting to what it was told where the capture shows it could have:
//! "on data, after 100 ms, close"); and the losses, delays and duplicates the capture shows, as
//! faults. Unchanged, it should reproduce the capture ([`crate::rerun::compare`] says whether it
//! does); changed (a segment dropped or delayed), it shows what would have happened instead.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use tcp_core::{Instant, Profile};
use tcp_sim::Scenario;
use tcp_sim::scenario::{
    Action, Fault, FaultAction, Host, InjectFlags, Isn, Link, Millis, Rule, SegmentKind, Tcp, Text, Trigger,
};

use crate::conns::Captured;
use crate::import::Import;
use crate::observe::{AppAction, Setup};

/// The largest `send` a scenario takes at once.
const MAX_SEND: usize = 1_000_000;

/// An empty scenario, replaced once the import is assembled.
pub(crate) fn placeholder() -> Scenario {
    scenario_with(Vec::new(), Vec::new(), Profile::Linux, Tcp::default(), Link::default(), Text::default())
}

fn scenario_with(
    hosts: Vec<Host>,
    faults: Vec<Fault>,
    profile: Profile,
    tcp: Tcp,
    link: Link,
    title: Text,
) -> Scenario {
    Scenario {
        title,
        narration: Text::default(),
        profile,
        seed: 0,
        link,
        tcp,
        hosts,
        faults,
        until_ms: None,
        exercises: Vec::new(),
    }
}

fn millis(us: u64) -> Millis {
    Millis::new(us as f64 / 1000.0).unwrap_or_default()
}

/// The scenario of an import.
pub(crate) fn scenario(import: &Import, segments: &[Captured], setup: &Setup) -> Scenario {
    let names = [String::from("client"), String::from("server")];
    let addrs = setup.addr.map(|a| *a.ip());
    // The simulator tells hosts apart by address.
    let addrs = if addrs[0] == addrs[1] {
        [core::net::Ipv4Addr::new(192, 0, 2, 1), core::net::Ipv4Addr::new(198, 51, 100, 1)]
    } else {
        addrs
    };
    let isn = isns(import, segments, setup);
    let hosts: Vec<Host> = (0..2)
        .map(|d| Host {
            name: names[d].clone(),
            addr: addrs[d],
            port: Some(setup.addr[d].port()),
            isn: isn[d].map_or(Isn::Random, Isn::Fixed),
            profile: (d == 1 && import.profiles[1] != import.profiles[0]).then_some(import.profiles[1]),
            tcp: Tcp::default(),
            app: rules(import, d, &names, setup.addr[d].port()),
            flood: None,
        })
        .collect();
    let base = import.profiles[0].config();
    let tcp = Tcp {
        mss: (setup.config[0].mss != base.mss).then_some(setup.config[0].mss),
        timestamps: (setup.config[0].timestamps != base.timestamps).then_some(setup.config[0].timestamps),
        two_way_handshake: setup.config[1].two_way_handshake.then_some(true),
        ..Tcp::default()
    };
    let link = Link { delay_ms: millis(import.point.path_us().max(1)), return_delay_ms: None, ..Link::default() };
    let title = Text {
        en: format!("Imported capture: {} to {}", import.summary.client, import.summary.server),
        zh: format!("导入的抓包：{} 到 {}", import.summary.client, import.summary.server),
    };
    let mut s = scenario_with(hosts, faults(import, segments, &names), import.profiles[0], tcp, link, title);
    s.narration = Text {
        en: String::from(
            "Derived from a capture: the applications act when the capture shows they did, the losses it shows are faults.",
        ),
        zh: String::from("由抓包推导：应用程序在抓包显示的时刻动作，抓包中的丢失作为故障注入。"),
    };
    let span_ms = import.capture_end.micros / 1000;
    if span_ms > 50 * 60 * 1000 {
        s.until_ms = Millis::new((span_ms + 10 * 60 * 1000) as f64).ok();
    }
    s
}

/// The ISNs: each end's first SYN, or the assumed ones.
fn isns(import: &Import, segments: &[Captured], setup: &Setup) -> [Option<u32>; 2] {
    if let Some(assumed) = setup.assumed_isn {
        return assumed.map(|s| Some(s.0));
    }
    [0, 1].map(|d| {
        segments
            .iter()
            .zip(&import.analysis.segs)
            .find(|(c, s)| s.dir == d && !s.foreign && c.repr.flags.contains(tcp_core::Flags::SYN))
            .map(|(c, _)| c.repr.seq.0)
    })
}

/// An end's application script: each action at the time the capture implies, as a reaction to
/// the latest kind of notice it had received by then (first occurrences only, since a rule
/// fires on the first), or at an absolute time.
fn rules(import: &Import, host: usize, names: &[String; 2], port: u16) -> Vec<Rule> {
    let peer = names[1 - host].clone();
    // Each notice with its occurrence number (a rule fires on the first, or on every one).
    let mut notices: Vec<(Instant, Trigger, usize)> = Vec::new();
    let mut counts: Vec<(Trigger, usize)> = Vec::new();
    for (at, told) in &import.observed.told[host] {
        let trigger = match told {
            Trigger::Connected | Trigger::Accepted | Trigger::Data | Trigger::Eof => *told,
            _ => continue,
        };
        let k = match counts.iter_mut().find(|(t, _)| *t == trigger) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counts.push((trigger, 1));
                1
            }
        };
        notices.push((*at, trigger, k));
    }
    // In time order (stable: of notices at the same instant, the last told stays last), so that
    // the latest before a time is found by bisection.
    notices.sort_by_key(|(t, _, _)| *t);
    let mut out = Script::default();
    for (at, action) in &import.observed.actions[host] {
        let at_time = |rule: Rule| Rule { at_ms: Some(millis(at.micros)), ..rule };
        let rule = match action {
            AppAction::Listen => at_time(Rule::new(Action::Listen)),
            AppAction::Connect => {
                // A capture holds one pair of addresses and ports: a later connect() reused the
                // port (the simulator would otherwise take the next one).
                let again = out.rules.iter().any(|r| r.action == Action::Connect);
                at_time(Rule { to: Some(peer.clone()), port: again.then_some(port), ..Rule::new(Action::Connect) })
            }
            AppAction::InjectSyn(seq) => at_time(Rule {
                to: Some(peer.clone()),
                flags: Some(InjectFlags::new(tcp_core::Flags::SYN)),
                seq: Some(*seq),
                ..Rule::new(Action::Inject)
            }),
            AppAction::Send(n) => {
                for chunk in chunks(*n) {
                    out.react(&notices, *at, Rule { bytes: Some(chunk as u32), ..Rule::new(Action::Send) });
                }
                continue;
            }
            AppAction::Shutdown => Rule::new(Action::Shutdown),
            AppAction::Close => Rule::new(Action::Close),
            AppAction::Abort => Rule::new(Action::Abort),
        };
        if rule.at_ms.is_some() {
            out.rules.push(rule);
        } else {
            out.react(&notices, *at, rule);
        }
    }
    out.rules
}

/// An application script being derived: its rules, and which of them react to a notice.
#[derive(Default)]
struct Script {
    rules: Vec<Rule>,
    /// Where the rules with `on` are (few: most rules are at a time), so that finding one to
    /// repeat looks through them only.
    reacting: Vec<usize>,
}

impl Script {
    /// Adds `rule` as a reaction to the latest notice at or before `at` (`notices` in time
    /// order): on its first occurrence a rule of its own; on a later one, the same reaction to
    /// the first made repeating; else at `at`.
    fn react(&mut self, notices: &[(Instant, Trigger, usize)], at: Instant, rule: Rule) {
        let latest = notices[..notices.partition_point(|(t, _, _)| *t <= at)].last();
        match latest {
            Some((t, trigger, 1)) => {
                self.reacting.push(self.rules.len());
                self.rules.push(Rule { on: Some(*trigger), after_ms: millis(at.micros - t.micros), ..rule });
            }
            Some((t, trigger, _)) => {
                let after = millis(at.micros - t.micros);
                let same = self.reacting.iter().copied().find(|&i| {
                    let r = &self.rules[i];
                    r.on == Some(*trigger)
                        && r.action == rule.action
                        && r.bytes == rule.bytes
                        && (r.after_ms.get() - after.get()).abs() <= 1.0
                });
                // At the very instant of the notice it answers, it goes a microsecond later: a
                // rule at a time runs before an arrival at the same instant (a second end of
                // stream answered by close(), on a reused port).
                let answering = u64::from(*t == at);
                match same {
                    Some(i) => self.rules[i].repeat = true,
                    None => self.rules.push(Rule { at_ms: Some(millis(at.micros + answering)), ..rule }),
                }
            }
            None => self.rules.push(Rule { at_ms: Some(millis(at.micros)), ..rule }),
        }
    }
}

fn chunks(n: usize) -> Vec<usize> {
    let mut out = vec![MAX_SEND; n / MAX_SEND];
    if !n.is_multiple_of(MAX_SEND) {
        out.push(n % MAX_SEND);
    }
    out
}

/// Losses, delays and duplicates, each chosen by sender, kind and occurrence.
fn faults(import: &Import, segments: &[Captured], names: &[String; 2]) -> Vec<Fault> {
    let an = &import.analysis;
    let mut seen: Vec<(usize, SegmentKind, u32)> = Vec::new();
    let mut out = Vec::new();
    // Each segment's first copy, if the capture holds one.
    let mut first_copy = vec![None; an.segs.len()];
    for (j, s) in an.segs.iter().enumerate().rev() {
        if let Some(i) = s.duplicate_of {
            first_copy[i] = Some(j);
        }
    }
    for (i, s) in an.segs.iter().enumerate() {
        if s.duplicate_of.is_some() {
            continue;
        }
        let kind = SegmentKind::of(segments[i].repr.flags, segments[i].payload.len());
        let nth = match seen.iter_mut().find(|(d, k, _)| *d == s.dir && *k == kind) {
            Some(entry) => {
                entry.2 += 1;
                entry.2
            }
            None => {
                seen.push((s.dir, kind, 1));
                1
            }
        };
        let fault = |action, delay_us: u64| Fault {
            from: Some(names[s.dir].clone()),
            kind: Some(kind),
            nth,
            index: None,
            action,
            delay_ms: millis(delay_us),
        };
        if s.lost.is_some() {
            out.push(fault(FaultAction::Drop, 0));
        } else if s.extra_delay_us > 0 {
            out.push(fault(FaultAction::Delay, s.extra_delay_us));
        }
        if let Some(j) = first_copy[i] {
            out.push(fault(FaultAction::Duplicate, (an.segs[j].seen_us - s.seen_us).max(0) as u64));
        }
    }
    out
}
