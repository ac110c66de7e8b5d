//! The built-in experiments. Each is a scenario file in `crates/tcp-sim/scenarios/`, with a
//! bilingual title and narration of our own.
//!
//! The files are TOML, which people write and read. The library does not parse them at run time:
//! `catalogue/generated.rs` holds the same scenarios as Rust code, written from the files by this
//! module's test `generated_code_is_up_to_date` (run it with `UPDATE_EXPECT=1` after editing a
//! file: `UPDATE_EXPECT=1 cargo test -p tcp-sim --lib catalogue`). So the browser's first
//! download carries neither a TOML nor a JSON parser for the catalogue, and a catalogue entry
//! costs no parsing. The test `every_entry_is_its_file` checks each generated scenario equals
//! its file parsed and validated, and the build script warns when the files changed since the
//! code was generated.

use crate::scenario::{
    Action, Fault, FaultAction, Flood, Host, InjectFlags, Isn, Link, Millis, Outage, Probability, Rule, Scenario,
    ScenarioError, SegmentKind, Tcp, Text, Trigger,
};
#[cfg(not(feature = "player"))]
use crate::scenario::{Ask, Exercise};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::Ipv4Addr;
use tcp_core::Flags;
#[cfg(not(feature = "player"))]
use tcp_core::Timer;
use tcp_core::config::Profile;

mod generated;

/// One catalogue entry: a stable name (used in URLs and on the command line) and its scenario.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Stable name, e.g. `lost-syn`.
    pub name: &'static str,
    /// Whether the web app's player (its first download) leaves this entry's scenario out: an
    /// entry a first visit rarely opens, which a link starts in the full module (see
    /// ARCHITECTURE.md, "Two modules"). Every other build has every scenario.
    pub on_demand: bool,
    /// The scenario file, as written (TOML). Only with the `toml` feature: the browser build shows
    /// no source.
    #[cfg(feature = "toml")]
    pub source: &'static str,
    /// Its title (generated from the file).
    title: fn() -> Text,
    /// Builds the scenario (generated from the file); none in the player for an on-demand entry.
    build: Option<fn() -> Scenario>,
}

impl Entry {
    /// The entry's title, in the languages of the build.
    pub fn title(&self) -> Text {
        (self.title)()
    }

    /// Whether the entry's scenario has exercises (known in every build, the player's included,
    /// whose scenarios leave them out).
    pub fn has_exercises(&self) -> bool {
        generated::EXERCISED.contains(&self.name)
    }

    /// The entry's scenario. It was checked when its code was generated, so this fails only in
    /// the web player for an on-demand entry, which it does not carry.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let build = self.build.ok_or_else(|| ScenarioError {
            at: self.name.into(),
            message: "this build leaves the experiment out (the full module has it)".into(),
        })?;
        Ok(build())
    }
}

macro_rules! entries {
    ($($name:literal => $build:ident $(, $on_demand:ident)?;)*) => {
        &[$(Entry {
            name: $name,
            on_demand: entries!(@on_demand $($on_demand)?),
            #[cfg(feature = "toml")]
            source: include_str!(concat!("../scenarios/", $name, ".toml")),
            title: generated::titles::$build,
            build: if entries!(@on_demand $($on_demand)?) && cfg!(feature = "player") {
                None
            } else {
                Some(generated::$build)
            },
        }),*]
    };
    (@on_demand on_demand) => { true };
    (@on_demand) => { false };
}

/// Every entry, in teaching order. A `static`, not a `const`: a constant is copied into every
/// crate that uses it. `on_demand` marks the entries the web player leaves out.
pub static ENTRIES: &[Entry] = entries![
    "handshake" => handshake;
    "four-way-close" => four_way_close;
    "three-segment-close" => three_segment_close;
    "lost-syn" => lost_syn;
    "lost-syn-ack" => lost_syn_ack;
    "lost-third-ack" => lost_third_ack;
    "lost-fin" => lost_fin;
    "lost-final-ack" => lost_final_ack;
    "simultaneous-open" => simultaneous_open;
    "simultaneous-close" => simultaneous_close;
    "half-close" => half_close;
    "fin-wait-2-timeout" => fin_wait_2_timeout, on_demand;
    "refused" => refused;
    "abort" => abort;
    "challenge-ack" => challenge_ack, on_demand;
    "old-duplicate-syn" => old_duplicate_syn;
    "two-way-ghost" => two_way_ghost, on_demand;
    "syn-flood" => syn_flood;
    "syn-flood-cookies" => syn_flood_cookies;
    "connect-timeout" => connect_timeout;
    "partition-heals" => partition_heals, on_demand;
    "partition-gives-up" => partition_gives_up, on_demand;
    "keepalive-unreachable" => keepalive_unreachable, on_demand;
    "client-crash" => client_crash, on_demand;
    "server-reboot" => server_reboot, on_demand;
    "reboot-keepalive" => reboot_keepalive, on_demand;
    "zero-window" => zero_window, on_demand;
    "close-unread" => close_unread, on_demand;
    "accept-queue-full" => accept_queue_full, on_demand;
    "time-wait-assassination" => time_wait_assassination, on_demand;
    "time-wait-reuse" => time_wait_reuse, on_demand;
];

/// The entry named `name`.
pub fn get(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

// ----- what the generated code is written with ------------------------------------------------
// Each part starts from the value a scenario file gets when it leaves the part's keys out, and
// the generated code sets only what the file sets (`Rule { to: ..., ..rule(Action::Connect) }`).
// So a field added to the scenario format needs a default here, not new generated code.

/// A scenario with every key left out (no hosts yet).
fn scenario() -> Scenario {
    Scenario {
        title: Text::default(),
        narration: Text::default(),
        profile: Profile::Linux,
        seed: 0,
        link: Link::default(),
        tcp: Tcp::default(),
        hosts: Vec::new(),
        faults: Vec::new(),
        until_ms: None,
        #[cfg(not(feature = "player"))]
        exercises: Vec::new(),
    }
}

/// A host with only its name and address.
fn host(name: &str, addr: Ipv4Addr) -> Host {
    Host {
        name: name.into(),
        addr,
        port: None,
        isn: Isn::Random,
        profile: None,
        tcp: Tcp::default(),
        app: Vec::new(),
        flood: None,
    }
}

/// A rule that does `action` (and says neither when nor to whom); the methods below set the rest,
/// one call per key the file sets (`rule(Action::Connect).at(0.0).to("server")`). Calls, not
/// struct literals: each literal of this big struct cost the web player about 300 bytes of code.
#[inline(never)]
fn rule(action: Action) -> Rule {
    Rule::new(action)
}

#[allow(dead_code, reason = "the generated code calls those its files need")]
impl Rule {
    #[inline(never)]
    fn at(mut self, v: f64) -> Rule {
        self.at_ms = Some(ms(v));
        self
    }
    #[inline(never)]
    fn on(mut self, trigger: Trigger) -> Rule {
        self.on = Some(trigger);
        self
    }
    #[inline(never)]
    fn after(mut self, v: f64) -> Rule {
        self.after_ms = ms(v);
        self
    }
    #[inline(never)]
    fn to(mut self, host: &str) -> Rule {
        self.to = some(host);
        self
    }
    #[inline(never)]
    fn bytes(mut self, n: u32) -> Rule {
        self.bytes = Some(n);
        self
    }
    #[inline(never)]
    fn text(mut self, text: &str) -> Rule {
        self.text = some(text);
        self
    }
    #[inline(never)]
    fn flags(mut self, flags: InjectFlags) -> Rule {
        self.flags = Some(flags);
        self
    }
    #[inline(never)]
    fn seq(mut self, n: u32) -> Rule {
        self.seq = Some(n);
        self
    }
    #[inline(never)]
    fn ack(mut self, n: u32) -> Rule {
        self.ack = Some(n);
        self
    }
    #[inline(never)]
    fn spoof(mut self, host: &str) -> Rule {
        self.spoof = some(host);
        self
    }
    #[inline(never)]
    fn port(mut self, port: u16) -> Rule {
        self.port = Some(port);
        self
    }
    #[inline(never)]
    fn repeat(mut self) -> Rule {
        self.repeat = true;
        self
    }
}

/// A fault that does `action` to the first segment (not yet saying which).
fn fault(action: FaultAction) -> Fault {
    Fault { from: None, kind: None, nth: 1, index: None, action, delay_ms: Millis::default() }
}

/// An exercise that asks `ask` (not yet saying where).
#[cfg(not(feature = "player"))]
fn exercise(ask: Ask) -> Exercise {
    Exercise { ask, from: None, kind: None, nth: 1, index: None, host: None, timer: None }
}

/// A flood of `count` SYNs at `target`.
fn flood(target: &str, count: u16) -> Flood {
    Flood { target: target.into(), count, start_ms: Millis::default(), interval_ms: ms(1.0) }
}

/// A title or narration; a build with one language only (the features `en`, `zh`) leaves the
/// other out (empty).
fn text(en: &str, zh: &str) -> Text {
    let (en_only, zh_only) =
        (cfg!(feature = "en") && !cfg!(feature = "zh"), cfg!(feature = "zh") && !cfg!(feature = "en"));
    Text { en: if zh_only { String::new() } else { en.into() }, zh: if en_only { String::new() } else { zh.into() } }
}

/// An experiment's narration (its summary): [`text`], or nothing with the feature `player` (the
/// web player, which shows the prerendered summary).
fn summary(en: &str, zh: &str) -> Text {
    if cfg!(feature = "player") { Text::default() } else { text(en, zh) }
}

/// Milliseconds (the generator only writes values the file's parser accepted).
fn ms(v: f64) -> Millis {
    Millis::new(v).unwrap_or_default()
}

/// A probability (the generator only writes values the file's parser accepted).
fn probability(p: f64) -> Probability {
    Probability::new(p).unwrap_or_default()
}

fn some(s: &str) -> Option<String> {
    Some(s.into())
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    //! The generator (rust-analyzer's "sourcegen" pattern: the generated file is committed, and
    //! a test fails, or with `UPDATE_EXPECT=1` rewrites it, when it is out of date).

    use super::*;
    use crate::overrides::Value;
    use alloc::format;
    use alloc::string::ToString;
    use core::fmt::Write as _;

    extern crate std;

    /// The scenario files, sorted by name.
    fn files() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("the scenarios folder")
            .map(|e| e.expect("a folder entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                let name = p.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 name").to_string();
                (name, std::fs::read_to_string(&p).expect("a readable scenario file"))
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn every_entry_is_its_file() {
        let files = files();
        assert_eq!(files.len(), ENTRIES.len(), "one entry per file in scenarios/");
        for (name, source) in &files {
            let entry = get(name).unwrap_or_else(|| panic!("scenarios/{name}.toml is not in ENTRIES"));
            assert_eq!(entry.source, source.as_str());
            let parsed = Scenario::from_toml(source).unwrap_or_else(|e| panic!("scenarios/{name}.toml: {e}"));
            assert_eq!(entry.title(), parsed.title, "{name}: its title, apart from its scenario");
            assert_eq!(entry.has_exercises(), !parsed.exercises.is_empty(), "{name}: whether it has exercises");
            assert_eq!(
                entry.scenario(),
                Ok(parsed),
                "{name}: run `UPDATE_EXPECT=1 cargo test -p tcp-sim --lib catalogue`"
            );
        }
    }

    #[test]
    fn generated_code_is_up_to_date() {
        let mut out = String::new();
        let _ = writeln!(out, "// @generated by `UPDATE_EXPECT=1 cargo test -p tcp-sim --lib catalogue` from");
        let _ = writeln!(out, "// scenarios/*.toml: the catalogue as Rust code. Do not edit; edit the files.");
        let _ = writeln!(out, "// source hash: {}", env!("CATALOGUE_SOURCE_HASH"));
        let _ = writeln!(out, "\nuse super::*;\nuse alloc::vec;");
        let mut titles = String::new();
        let mut exercised = Vec::new();
        for (name, source) in files() {
            let scenario = Scenario::from_toml(&source).unwrap_or_else(|e| panic!("scenarios/{name}.toml: {e}"));
            let function = name.replace('-', "_");
            let _ =
                write!(out, "\npub(super) fn {function}() -> Scenario {{\n    {}\n}}\n", rust(&function, &scenario));
            let Text { en, zh } = &scenario.title;
            let _ = write!(titles, "\npub(in crate::catalogue) fn {function}() -> Text {{ text({en:?}, {zh:?}) }}\n");
            if !scenario.exercises.is_empty() {
                exercised.push(name);
            }
        }
        // Apart from the scenarios: the web player lists every entry, and builds only some.
        let _ = write!(out, "\n/// The entries' titles.\npub(super) mod titles {{\nuse super::*;\n{titles}}}\n");
        // And offers the exercises of those that have some (its scenarios leave them out).
        let _ =
            write!(out, "\n/// The entries with exercises.\npub(super) const EXERCISED: &[&str] = &{exercised:?};\n");
        expect_test::expect_file!["catalogue/generated.rs"].assert_eq(&rustfmt(&out));
    }

    /// The code as `cargo fmt` writes it (with the workspace's rustfmt.toml), so that the
    /// generated file passes `cargo fmt --check` as it is.
    fn rustfmt(code: &str) -> String {
        use std::io::Write as _;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = std::process::Command::new("rustfmt")
            .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
            .arg(root.join("rustfmt.toml"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("rustfmt (`rustup component add rustfmt`, or `cargo xtask setup`)");
        child.stdin.take().expect("stdin").write_all(code.as_bytes()).expect("write to rustfmt");
        let out = child.wait_with_output().expect("rustfmt's output");
        assert!(out.status.success(), "rustfmt failed on the generated code");
        String::from_utf8(out.stdout).expect("UTF-8 from rustfmt")
    }

    /// `Struct { field: value, ..base }`, listing only the fields that differ from `base`'s.
    fn update(name: &str, fields: &[(&str, Option<String>)], base: &str) -> String {
        let set: Vec<String> = fields.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}"))).collect();
        if set.is_empty() { base.to_string() } else { format!("{name} {{ {}, ..{base} }}", set.join(", ")) }
    }

    /// `Some(text)` when `value` differs from `default`.
    fn differs<T: PartialEq>(value: &T, default: &T, text: impl FnOnce(&T) -> String) -> Option<String> {
        (value != default).then(|| text(value))
    }

    fn list<T>(items: &[T], item: impl Fn(&T) -> String) -> String {
        let items: Vec<String> = items.iter().map(item).collect();
        format!("vec![{}]", items.join(", "))
    }

    fn millis(m: &Millis) -> String {
        format!("ms({:?})", m.get())
    }

    fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> String) -> String {
        v.as_ref().map_or_else(|| "None".into(), |v| format!("Some({})", f(v)))
    }

    fn string(s: &str) -> String {
        format!("some({s:?})")
    }

    /// The scenario `s` as the body of the function `function`, whose title is
    /// `titles::function()`.
    fn rust(function: &str, s: &Scenario) -> String {
        // Destructured, so that a field added to the format is a compile error here.
        let Scenario { title, narration, profile, seed, link, tcp, hosts, faults, until_ms, exercises } = s;
        let base = scenario();
        update(
            "Scenario",
            &[
                ("title", differs(title, &base.title, |_| format!("titles::{function}()"))),
                ("narration", differs(narration, &base.narration, |t| format!("summary({:?}, {:?})", t.en, t.zh))),
                ("profile", differs(profile, &base.profile, |p| format!("Profile::{p:?}"))),
                ("seed", differs(seed, &base.seed, u64::to_string)),
                ("link", differs(link, &base.link, self::link)),
                ("tcp", differs(tcp, &base.tcp, self::tcp)),
                ("hosts", differs(hosts, &base.hosts, |h| list(h, self::host))),
                ("faults", differs(faults, &base.faults, |f| list(f, self::fault))),
                ("until_ms", differs(until_ms, &base.until_ms, |m| opt(m, millis))),
                // The web player asks no exercise: it leaves them out.
                (
                    "#[cfg(not(feature = \"player\"))] exercises",
                    differs(exercises, &base.exercises, |e| list(e, self::exercise)),
                ),
            ],
            "scenario()",
        )
    }

    fn link(l: &Link) -> String {
        let Link { delay_ms, return_delay_ms, loss, outages } = l;
        let base = Link::default();
        update(
            "Link",
            &[
                ("delay_ms", differs(delay_ms, &base.delay_ms, millis)),
                ("return_delay_ms", differs(return_delay_ms, &base.return_delay_ms, |m| opt(m, millis))),
                ("loss", differs(loss, &base.loss, |p| format!("probability({:?})", p.get()))),
                ("outages", differs(outages, &base.outages, |o| list(o, self::outage))),
            ],
            "Link::default()",
        )
    }

    fn outage(o: &Outage) -> String {
        let Outage { from_ms, until_ms } = o;
        format!("Outage {{ from_ms: {}, until_ms: {} }}", millis(from_ms), millis(until_ms))
    }

    fn tcp(t: &Tcp) -> String {
        let fields: Vec<(&str, Option<String>)> = t
            .values()
            .into_iter()
            .map(|(key, value)| {
                let v = match value {
                    Value::Millis(m) => millis(&m),
                    Value::Number(n) => n.to_string(),
                    Value::Flag(b) => b.to_string(),
                };
                (key, Some(format!("Some({v})")))
            })
            .collect();
        update("Tcp", &fields, "Tcp::default()")
    }

    fn host(h: &Host) -> String {
        let Host { name, addr, port, isn, profile, tcp, app, flood } = h;
        let [a, b, c, d] = addr.octets();
        let base = super::host(name, *addr);
        update(
            "Host",
            &[
                ("port", differs(port, &base.port, |p| opt(p, u16::to_string))),
                ("isn", differs(isn, &base.isn, |i| format!("Isn::{i:?}"))),
                ("profile", differs(profile, &base.profile, |p| opt(p, |p| format!("Profile::{p:?}")))),
                ("tcp", differs(tcp, &base.tcp, self::tcp)),
                ("app", differs(app, &base.app, |a| list(a, rule))),
                ("flood", differs(flood, &base.flood, |f| opt(f, self::flood))),
            ],
            &format!("host({name:?}, Ipv4Addr::new({a}, {b}, {c}, {d}))"),
        )
    }

    fn flood(f: &Flood) -> String {
        let Flood { target, count, start_ms, interval_ms } = f;
        let base = super::flood(target, *count);
        update(
            "Flood",
            &[
                ("start_ms", differs(start_ms, &base.start_ms, millis)),
                ("interval_ms", differs(interval_ms, &base.interval_ms, millis)),
            ],
            &format!("flood({target:?}, {count})"),
        )
    }

    /// `rule(Action::X)` and one method call per key the file sets.
    fn rule(r: &Rule) -> String {
        let Rule { at_ms, on, after_ms, action, to, bytes, text, flags, seq, ack, spoof, port, repeat } = r;
        let base = super::rule(*action);
        let calls = [
            at_ms.map(|m| format!("at({:?})", m.get())),
            on.map(|t| format!("on(Trigger::{t:?})")),
            differs(after_ms, &base.after_ms, |m| format!("after({:?})", m.get())),
            to.as_deref().map(|h| format!("to({h:?})")),
            bytes.map(|b| format!("bytes({b})")),
            text.as_deref().map(|t| format!("text({t:?})")),
            flags.map(|f| {
                let names: Vec<String> = f.get().names().map(|n| format!("Flags::{n}")).collect();
                format!("flags(InjectFlags::new({}))", names.join(" | "))
            }),
            seq.map(|n| format!("seq({n})")),
            ack.map(|n| format!("ack({n})")),
            spoof.as_deref().map(|h| format!("spoof({h:?})")),
            port.map(|p| format!("port({p})")),
            repeat.then(|| "repeat()".to_string()),
        ];
        let mut out = format!("rule(Action::{action:?})");
        for call in calls.into_iter().flatten() {
            let _ = write!(out, ".{call}");
        }
        out
    }

    fn exercise(e: &Exercise) -> String {
        let Exercise { ask, from, kind, nth, index, host, timer } = e;
        let base = super::exercise(*ask);
        update(
            "Exercise",
            &[
                ("from", from.as_deref().map(string)),
                ("kind", differs(kind, &base.kind, |k| opt(k, |k: &SegmentKind| format!("SegmentKind::{k:?}")))),
                ("nth", differs(nth, &base.nth, u32::to_string)),
                ("index", differs(index, &base.index, |i| opt(i, u32::to_string))),
                ("host", host.as_deref().map(string)),
                ("timer", differs(timer, &base.timer, |t| opt(t, |t| format!("Timer::{t:?}")))),
            ],
            &format!("exercise(Ask::{ask:?})"),
        )
    }

    fn fault(f: &Fault) -> String {
        let Fault { from, kind, nth, index, action, delay_ms } = f;
        let base = super::fault(*action);
        update(
            "Fault",
            &[
                ("from", from.as_deref().map(string)),
                ("kind", differs(kind, &base.kind, |k| opt(k, |k: &SegmentKind| format!("SegmentKind::{k:?}")))),
                ("nth", differs(nth, &base.nth, u32::to_string)),
                ("index", differs(index, &base.index, |i| opt(i, u32::to_string))),
                ("delay_ms", differs(delay_ms, &base.delay_ms, millis)),
            ],
            &format!("fault(FaultAction::{action:?})"),
        )
    }
}
