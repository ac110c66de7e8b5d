//! The scenario format: what the reader sets up. One format, written as TOML or JSON.
//!
//! Values are checked while they are read (newtypes such as [`Millis`], [`Probability`] and
//! [`InjectFlags`]), so the TOML or JSON parser reports a bad value with its line; what can only
//! be checked across fields is checked by [`Scenario::validate`], whose errors name the key.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::decimal::Shortest;
use core::net::Ipv4Addr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
#[cfg(not(feature = "player"))]
use tcp_core::Timer;
use tcp_core::config::{Config, Profile};
use tcp_core::time::Duration;

/// A complete experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Title, in English and Chinese.
    #[serde(default)]
    pub title: Text,
    /// What the experiment shows, in English and Chinese.
    #[serde(default)]
    pub narration: Text,
    /// The profile every host starts from.
    #[serde(default = "default_profile", with = "profile_name")]
    pub profile: Profile,
    /// Seed of the random loss and of random ISNs.
    #[serde(default)]
    pub seed: u64,
    /// The network between the hosts.
    #[serde(default)]
    pub link: Link,
    /// Overrides of the profile's timers and limits, for every host.
    #[serde(default, skip_serializing_if = "Tcp::is_empty")]
    pub tcp: Tcp,
    /// The hosts, each with its application script.
    pub hosts: Vec<Host>,
    /// Faults injected into chosen segments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    /// When the simulation stops at the latest (default: one hour of simulated time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<Millis>,
    /// Questions asked before chosen moments of the run (`[[exercise]]`); their answers are read
    /// from the run. (Not in the web player's build: its first download asks none.)
    #[cfg(not(feature = "player"))]
    #[serde(default, rename = "exercise", skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<Exercise>,
}

fn default_profile() -> Profile {
    Profile::Linux
}

mod profile_name {
    use super::*;
    pub(super) fn serialize<S: Serializer>(p: &Profile, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.name())
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Profile, D::Error> {
        let name = String::deserialize(d)?;
        Profile::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown profile `{name}`: expected rfc9293, linux, freebsd or windows"))
        })
    }
}

mod opt_profile_name {
    use super::*;
    pub(super) fn serialize<S: Serializer>(p: &Option<Profile>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.serialize_str(p.name()),
            None => s.serialize_none(),
        }
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Profile>, D::Error> {
        profile_name::deserialize(d).map(Some)
    }
}

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    #[serde(default)]
    pub en: String,
    /// 中文.
    #[serde(default)]
    pub zh: String,
}

/// A duration in milliseconds: finite, non-negative, at most 10^9 (about 11 days).
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Millis(f64);

impl Millis {
    /// Checks `ms`.
    pub fn new(ms: f64) -> Result<Millis, String> {
        if !ms.is_finite() || ms < 0.0 {
            return Err(format!("{} is not a duration: expected milliseconds >= 0", Shortest(ms)));
        }
        if ms > 1e9 {
            return Err(format!("{} ms is too long: at most 1000000000 ms", Shortest(ms)));
        }
        Ok(Millis(ms))
    }
    /// The value in milliseconds.
    pub fn get(self) -> f64 {
        self.0
    }
    /// As a duration, rounded to the microsecond.
    pub fn duration(self) -> Duration {
        Duration::from_micros((self.0 * 1000.0 + 0.5) as u64)
    }
    /// Microseconds, rounded.
    pub fn micros(self) -> u64 {
        (self.0 * 1000.0 + 0.5) as u64
    }
}

impl Serialize for Millis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 < 9.0e15 && self.0 == (self.0 as u64) as f64 {
            s.serialize_u64(self.0 as u64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Millis, D::Error> {
        Millis::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The flags of an `inject` rule's segment, written `"SYN"`, `"ACK|RST"` or `"FIN, ACK"` (names
/// in any case, separated by `|`, `,`, `+` or spaces) and checked while read, so a bad one is an
/// error with its line. Written back as the names joined by `|` (`"SYN|ACK"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InjectFlags(tcp_core::Flags);

impl InjectFlags {
    /// These flags (a rule without any is rejected by [`Scenario::validate`]).
    pub const fn new(flags: tcp_core::Flags) -> InjectFlags {
        InjectFlags(flags)
    }

    /// Reads `text`: at least one flag name, at most [`size::FLAGS_BYTES`] bytes.
    pub fn parse(text: &str) -> Result<InjectFlags, String> {
        if text.len() > size::FLAGS_BYTES {
            return Err(format!("flags of at most {} bytes, like \"SYN\" or \"ACK|RST\"", size::FLAGS_BYTES));
        }
        parse_flags(text)
            .map(InjectFlags)
            .ok_or_else(|| format!("`{text}` is not a set of TCP flags: expected flags like \"SYN\" or \"ACK|RST\""))
    }

    /// The flags the injected segment carries.
    pub const fn get(self) -> tcp_core::Flags {
        self.0
    }
}

impl Serialize for InjectFlags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.names().collect::<Vec<_>>().join("|"))
    }
}

impl<'de> Deserialize<'de> for InjectFlags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<InjectFlags, D::Error> {
        InjectFlags::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A probability between 0 and 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize)]
pub struct Probability(f64);

impl Probability {
    /// Checks `p`.
    pub fn new(p: f64) -> Result<Probability, String> {
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            Ok(Probability(p))
        } else {
            Err(format!("{} is not a probability: expected a number from 0 to 1 (0.05 is 5 %)", Shortest(p)))
        }
    }
    /// The probability, from 0 to 1.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Probability, D::Error> {
        Probability::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The network: a one-way delay per direction and random loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// One-way delay from the first host to the others (and back, unless `return_delay_ms`).
    #[serde(default = "default_delay")]
    pub delay_ms: Millis,
    /// One-way delay in the other direction, if different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_delay_ms: Option<Millis>,
    /// Probability that any segment is lost.
    #[serde(default)]
    pub loss: Probability,
    /// When the link is down (a network partition): a segment on the wire at any moment of an
    /// outage is lost, whatever direction it goes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<Outage>,
}

/// A time the link is down: from `from_ms` until `until_ms` (the link works again then).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// When the link goes down.
    pub from_ms: Millis,
    /// When it comes back up.
    pub until_ms: Millis,
}

impl Outage {
    /// Whether a segment on the wire from `sent` to `arrives` (microseconds) meets this outage.
    pub fn cuts(&self, sent: u64, arrives: u64) -> bool {
        sent < self.until_ms.micros() && arrives >= self.from_ms.micros()
    }
}

fn default_delay() -> Millis {
    Millis(10.0)
}

impl Default for Link {
    fn default() -> Link {
        Link { delay_ms: default_delay(), return_delay_ms: None, loss: Probability(0.0), outages: Vec::new() }
    }
}

pub use crate::overrides::Tcp;

/// The initial sequence number policy of a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Isn {
    /// Always this number (textbook x and y).
    Fixed(u32),
    /// Drawn from the scenario's seed, per connection, as a real stack does.
    #[default]
    Random,
}

impl Serialize for Isn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Isn::Fixed(n) => s.serialize_u32(*n),
            Isn::Random => s.serialize_str("random"),
        }
    }
}

impl<'de> Deserialize<'de> for Isn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Isn, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Word(String),
        }
        match Raw::deserialize(d).map_err(|_| serde::de::Error::custom("expected a number or \"random\""))? {
            Raw::Number(n) => u32::try_from(n)
                .map(Isn::Fixed)
                .map_err(|_| serde::de::Error::custom(format!("ISN {n} does not fit in 32 bits"))),
            Raw::Word(w) if w == "random" => Ok(Isn::Random),
            Raw::Word(w) => Err(serde::de::Error::custom(format!("ISN `{w}`: expected a number or \"random\""))),
        }
    }
}

/// A host: an address, an application script, and optionally a SYN flood it sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Name used in the diagram and by `connect` (`client`, `server`).
    pub name: String,
    /// IPv4 address (documentation ranges by default).
    #[serde(with = "addr_text")]
    pub addr: Ipv4Addr,
    /// Local port: the client's source port, or the server's listening port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// How its connections pick their initial sequence numbers: a fixed number (`isn = 1000`) or
    /// drawn from the seed (`"random"`, the default).
    #[serde(default)]
    pub isn: Isn,
    /// A profile for this host only.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_profile_name")]
    pub profile: Option<Profile>,
    /// Overrides for this host only, applied over the scenario's `tcp` (`keepalive = true` turns
    /// keep-alive on for this host's connections, as `setsockopt(SO_KEEPALIVE)` would).
    #[serde(default, skip_serializing_if = "Tcp::is_empty")]
    pub tcp: Tcp,
    /// The application script.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app: Vec<Rule>,
    /// Forged SYNs this host sends (it is then an attacker, not a TCP endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flood: Option<Flood>,
}

mod addr_text {
    use super::*;
    pub(super) fn serialize<S: Serializer>(a: &Ipv4Addr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_string())
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Ipv4Addr, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|_| serde::de::Error::custom(format!("`{text}` is not an IPv4 address like 192.0.2.1")))
    }
}

/// A burst of forged SYNs from random addresses (a SYN flood).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flood {
    /// Name of the host to attack.
    pub target: String,
    /// How many SYNs.
    pub count: u16,
    /// When the first leaves.
    #[serde(default)]
    pub start_ms: Millis,
    /// Time between two SYNs.
    #[serde(default = "default_flood_interval")]
    pub interval_ms: Millis,
}

fn default_flood_interval() -> Millis {
    Millis(1.0)
}

/// What a script reacts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// connect() succeeded.
    Connected,
    /// A connection was accepted.
    Accepted,
    /// Data arrived and the application read it (the trace's [`crate::trace::Notice::Data`]).
    Data,
    /// The peer closed its direction (read returned 0).
    Eof,
    /// The connection was reset.
    Reset,
    /// connect() was refused.
    Refused,
    /// The connection timed out.
    Timeout,
    /// The connection is fully closed.
    Closed,
}

/// What a script does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// listen() on the host's port.
    Listen,
    /// connect() to `to`.
    Connect,
    /// send() `bytes` bytes (or `text`).
    Send,
    /// shutdown(SHUT_WR): half-close.
    Shutdown,
    /// shutdown(SHUT_RD): the application reads nothing more from the connection. Nothing goes
    /// on the wire; what its TCP does with data unread and to come is the profile's
    /// (`Config::read_shutdown`): Linux and the RFCs keep taking it (unread, it fills the
    /// window, and a `close` then resets), FreeBSD throws it away, Windows resets.
    ShutdownRead,
    /// close().
    Close,
    /// Abort with RST (SO_LINGER 0 then close()).
    Abort,
    /// Put a hand-made segment on the wire (an old duplicate, say), outside any connection.
    Inject,
    /// The application stops reading: what arrives waits in the receive buffer, the window
    /// it advertises shrinks, and at zero the sender must wait (and probe). A `close` then
    /// finds unread data and resets the connection (RFC 1122 §4.2.2.13).
    StopReading,
    /// The application reads again: everything waiting, then whatever arrives (as it does from
    /// the start).
    StartReading,
    /// The application stops calling accept(): connections whose handshake completes wait in
    /// the listener's accept queue (`tcp.accept_backlog` of them; what a full queue does is
    /// `tcp.abort_on_overflow`).
    StopAccepting,
    /// The application accepts again: every connection that waited, then each as it comes.
    StartAccepting,
    /// The host crashes: every socket's state is lost at once, nothing is sent, and until it
    /// reboots it answers nothing and runs none of its rules. Only at a time (`at_ms`).
    Crash,
    /// The host comes back with no sockets (if it was up, it loses its state at that instant,
    /// as a quick reboot does): a segment of an old connection is answered with a reset. Its
    /// rules after that run again (a `listen` to restart the service). Only at a time (`at_ms`).
    Reboot,
}

/// One line of an application script: at a time, or on a notification, do something.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// At this absolute time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<Millis>,
    /// Or when this happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Trigger>,
    /// Then wait this long.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub after_ms: Millis,
    /// What to do.
    #[serde(rename = "do")]
    pub action: Action,
    /// `connect` and `inject`: the host to reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `send`: how many bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u32>,
    /// `send`: these bytes (UTF-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `inject`: flags such as "SYN".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<InjectFlags>,
    /// `inject`: sequence number (absolute, as on the wire; 0 if not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    /// `inject`: acknowledgment number (absolute, as on the wire; 0 if not given), what a
    /// segment with ACK claims to have received: a forged ACK needs one that the receiver takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<u32>,
    /// `inject`: the host whose address and port the segment claims to come from: a forged
    /// segment (a blind attacker's), drawn from the host that sends it, marked forged; its
    /// answers go to the host it names. Without it, the segment carries the sender's own
    /// address (an old duplicate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spoof: Option<String>,
    /// `connect`: the local port to bind first (a client that reuses its port, as with
    /// `SO_REUSEADDR` and `bind()`). Without it, the host's port plus the number of
    /// connections it opened before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// React every time, not only the first.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub repeat: bool,
}

impl Rule {
    /// A rule that does `action`, and says neither when nor to whom: the other fields are set
    /// with struct update syntax (`Rule { to: …, ..Rule::new(action) }`).
    pub fn new(action: Action) -> Rule {
        Rule {
            at_ms: None,
            on: None,
            after_ms: Millis::default(),
            action,
            to: None,
            bytes: None,
            text: None,
            flags: None,
            seq: None,
            ack: None,
            spoof: None,
            port: None,
            repeat: false,
        }
    }
}

fn is_zero(m: &Millis) -> bool {
    m.get() == 0.0
}

/// The kinds of segment a fault can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentKind {
    /// SYN without ACK.
    Syn,
    /// SYN with ACK.
    SynAck,
    /// Any segment with FIN.
    Fin,
    /// Any segment with RST.
    Rst,
    /// Data without SYN, FIN or RST.
    Data,
    /// A bare acknowledgment.
    Ack,
}

impl SegmentKind {
    /// Whether a segment sent by `sender`, of kind `segment`, is among those a choice by `from`
    /// and `kind` counts (its `nth` picks the nth of them): the one rule for a fault's segment,
    /// chosen as segments leave, and an exercise's, chosen in a finished trace.
    pub fn counted(from: Option<&str>, kind: Option<SegmentKind>, sender: &str, segment: SegmentKind) -> bool {
        from.is_none_or(|name| name == sender) && kind.is_none_or(|k| k == segment)
    }

    /// Classifies a segment.
    pub fn of(flags: tcp_core::Flags, payload_len: usize) -> SegmentKind {
        use tcp_core::Flags;
        if flags.contains(Flags::RST) {
            SegmentKind::Rst
        } else if flags.contains(Flags::SYN) {
            if flags.contains(Flags::ACK) { SegmentKind::SynAck } else { SegmentKind::Syn }
        } else if flags.contains(Flags::FIN) {
            SegmentKind::Fin
        } else if payload_len > 0 {
            SegmentKind::Data
        } else {
            SegmentKind::Ack
        }
    }
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            SegmentKind::Syn => "syn",
            SegmentKind::SynAck => "syn-ack",
            SegmentKind::Fin => "fin",
            SegmentKind::Rst => "rst",
            SegmentKind::Data => "data",
            SegmentKind::Ack => "ack",
        }
    }
}

/// What happens to the selected segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultAction {
    /// It is lost.
    Drop,
    /// It arrives `delay_ms` later than it would (and may overtake or be overtaken).
    Delay,
    /// A second copy arrives `delay_ms` after the first.
    Duplicate,
}

/// A fault on one segment, chosen by sender, kind and occurrence, or by its index in the trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The sending host's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The kind of segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SegmentKind>,
    /// Which occurrence among those matching (1 = first).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub nth: u32,
    /// Or: the segment's index among all segments sent (0 = first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// What to do to it.
    pub action: FaultAction,
    /// For `delay` and `duplicate`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delay_ms: Millis,
}

/// A question asked before a moment of the run (`[[exercise]]`): the page hides that moment and
/// what follows, asks, checks the reader's answer and shows it. The file says only *where* and
/// *what kind*; the answer is always read from the run (`narration::exercise`), so it is right
/// for whatever profile and settings the reader runs it with.
#[cfg(not(feature = "player"))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// What is asked.
    pub ask: Ask,
    /// `segment` and `state`: the segment, chosen as a fault chooses one: its sender's name ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// ... its kind ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SegmentKind>,
    /// ... which occurrence among those matching (1 = first); for `timer`, which firing.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub nth: u32,
    /// Or: the segment's index among all segments sent (0 = first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// `timer`: the host whose timer it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// `timer`: which timer.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_timer_name")]
    pub timer: Option<Timer>,
}

/// What an exercise asks.
#[cfg(not(feature = "player"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// Which segment is sent: by whom, with which flags and numbers (asked just before it leaves).
    Segment,
    /// Which state the segment's receiver is in once it has arrived (asked just before).
    State,
    /// When a host's timer fires, counted from when it was last armed (asked just before).
    Timer,
}

#[cfg(not(feature = "player"))]
impl Ask {
    /// The name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Ask::Segment => "segment",
            Ask::State => "state",
            Ask::Timer => "timer",
        }
    }
}

/// A timer's name in scenario files: `retransmit`, `delayed_ack`, `time_wait`, `fin_wait_2`,
/// `persist`, `keepalive`, `establishment`.
#[cfg(not(feature = "player"))]
pub fn timer_name(timer: Timer) -> &'static str {
    match timer {
        Timer::Retransmit => "retransmit",
        Timer::DelayedAck => "delayed_ack",
        Timer::TimeWait => "time_wait",
        Timer::FinWait2 => "fin_wait_2",
        Timer::Persist => "persist",
        Timer::Keepalive => "keepalive",
        Timer::Establishment => "establishment",
    }
}

#[cfg(not(feature = "player"))]
mod opt_timer_name {
    use super::*;
    pub(super) fn serialize<S: Serializer>(t: &Option<Timer>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(timer_name(*t)),
            None => s.serialize_none(),
        }
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timer>, D::Error> {
        let name = String::deserialize(d)?;
        Timer::ALL.into_iter().find(|&t| timer_name(t) == name).map(Some).ok_or_else(|| {
            let names: Vec<&str> = Timer::ALL.into_iter().map(timer_name).collect();
            serde::de::Error::custom(format!("unknown timer `{name}`: expected {}", names.join(", ")))
        })
    }
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The size limits of the format, whatever it is read from (a file, a link, the page): with them a
/// scenario's own size is bounded, as the work of running it is by [`crate::Limits`].
pub mod size {
    /// Hosts in one scenario.
    pub const HOSTS: usize = 16;
    /// Bytes of a host name.
    pub const NAME_BYTES: usize = 32;
    /// Rules in one host's application script.
    pub const RULES: usize = 64;
    /// Faults in one scenario.
    pub const FAULTS: usize = 64;
    /// Outages of the link.
    pub const OUTAGES: usize = 64;
    /// Bytes one `send` sends (`bytes`, or the UTF-8 of `text`).
    pub const SEND_BYTES: usize = 1_000_000;
    /// Characters of a title, in each language.
    pub const TITLE_CHARS: usize = 200;
    /// Characters of a narration, in each language.
    pub const NARRATION_CHARS: usize = 4_000;
    /// Exercises in one scenario.
    pub const EXERCISES: usize = 32;
    /// Bytes of an `inject` rule's `flags`.
    pub const FLAGS_BYTES: usize = 32;
    /// Forged SYNs of one flood.
    pub const FLOOD_SYNS: u16 = 1000;
}

/// A scenario that does not hold together, with the key at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where: `hosts[1].app[0].to`, or `line 12, column 3`.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// `ScenarioError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for ScenarioError {}

impl ScenarioError {
    fn at(at: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError { at: at.into(), message: message.into() }
    }
}

impl Scenario {
    /// Reads TOML. Errors carry line and column.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            match e.span() {
                Some(span) => ScenarioError::at(line_col(text, span.start), message),
                // The deserializer's recursion limit has no span: point at the deepest key.
                None => match deepest_key(text) {
                    Some((line, depth)) => ScenarioError::at(
                        format!("line {line}, column 1"),
                        format!("{message}: a key {depth} levels deep"),
                    ),
                    None => ScenarioError::at("scenario", message),
                },
            }
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads JSON. Errors carry line and column.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            // serde_json appends " at line L column C"; say it first, as TOML errors do.
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            ScenarioError::at(format!("line {}, column {}", e.line(), e.column()), message)
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads either format: JSON if the text starts with `{`, else TOML.
    #[cfg(feature = "toml")]
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        if text.trim_start().starts_with('{') { Scenario::from_json(text) } else { Scenario::from_toml(text) }
    }

    /// The scenario as TOML; should writing fail, one `#` comment line saying why.
    #[cfg(feature = "toml")]
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot write this scenario as TOML: {e}\n"))
    }

    /// Writes pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes JSON on one line, without spaces (for links: about 60 % of the pretty form).
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The configuration a host runs with: its profile, the scenario's `tcp`, then its own.
    pub fn config_for(&self, host: &Host) -> Config {
        host.tcp.apply(self.tcp.apply(host.profile.unwrap_or(self.profile).config()))
    }

    /// Index of the host named `name`.
    pub fn host_index(&self, name: &str) -> Option<usize> {
        self.hosts.iter().position(|h| h.name == name)
    }

    /// When host `host` is down, in microseconds: from a `crash` until the next `reboot`
    /// (`None`: until the end of the run), in time order. A `reboot` of a host that is up
    /// takes no time.
    pub fn downtimes(&self, host: usize) -> Vec<(u64, Option<u64>)> {
        let Some(h) = self.hosts.get(host) else { return Vec::new() };
        if cfg!(feature = "player") {
            // The player's scenarios (its catalogue entries) never crash.
            return Vec::new();
        }
        let mut changes: Vec<(u64, usize, bool)> = (h.app.iter().enumerate())
            .filter(|(_, r)| matches!(r.action, Action::Crash | Action::Reboot))
            .filter_map(|(i, r)| Some((r.at_ms?.micros() + r.after_ms.micros(), i, r.action == Action::Crash)))
            .collect();
        tcp_core::sort::sort_by(&mut changes, &Ord::cmp);
        let mut down: Vec<(u64, Option<u64>)> = Vec::new();
        for (at, _, crash) in changes {
            match down.last_mut() {
                Some((_, until @ None)) if !crash => *until = Some(at),
                Some((_, None)) => {}
                _ if crash => down.push((at, None)),
                _ => {}
            }
        }
        down
    }

    /// Checks what the types alone cannot: names that refer to hosts, rules that say when, ...
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.hosts.is_empty() {
            return Err(ScenarioError::at("hosts", "a scenario needs at least one host"));
        }
        if self.hosts.len() > size::HOSTS {
            return Err(ScenarioError::at("hosts", format!("at most {} hosts", size::HOSTS)));
        }
        for (key, text, max) in [
            ("title.en", &self.title.en, size::TITLE_CHARS),
            ("title.zh", &self.title.zh, size::TITLE_CHARS),
            ("narration.en", &self.narration.en, size::NARRATION_CHARS),
            ("narration.zh", &self.narration.zh, size::NARRATION_CHARS),
        ] {
            if text.chars().count() > max {
                return Err(ScenarioError::at(key, format!("at most {max} characters")));
            }
        }
        if self.faults.len() > size::FAULTS {
            return Err(ScenarioError::at("faults", format!("at most {} faults", size::FAULTS)));
        }
        if self.link.outages.len() > size::OUTAGES {
            return Err(ScenarioError::at("link.outages", format!("at most {} outages", size::OUTAGES)));
        }
        for (i, o) in self.link.outages.iter().enumerate() {
            if o.until_ms.get() <= o.from_ms.get() {
                return Err(ScenarioError::at(
                    format!("link.outages[{i}].until_ms"),
                    format!("must be after from_ms ({} ms)", Shortest(o.from_ms.get())),
                ));
            }
        }
        for (i, host) in self.hosts.iter().enumerate() {
            let at = format!("hosts[{i}]");
            if host.name.is_empty() || host.name.len() > size::NAME_BYTES {
                return Err(ScenarioError::at(
                    format!("{at}.name"),
                    format!("a name of 1 to {} bytes is needed", size::NAME_BYTES),
                ));
            }
            if host.app.len() > size::RULES {
                return Err(ScenarioError::at(format!("{at}.app"), format!("at most {} rules", size::RULES)));
            }
            if self.hosts[..i].iter().any(|h| h.name == host.name) {
                return Err(ScenarioError::at(format!("{at}.name"), format!("`{}` names two hosts", host.name)));
            }
            if self.hosts[..i].iter().any(|h| h.addr == host.addr) {
                return Err(ScenarioError::at(format!("{at}.addr"), format!("{} is used by two hosts", host.addr)));
            }
            if let Err(e) = self.config_for(host).validate() {
                return Err(self.config_error(i, host, e));
            }
            if let Some(flood) = &host.flood {
                if self.host_index(&flood.target).is_none() {
                    return Err(ScenarioError::at(
                        format!("{at}.flood.target"),
                        format!("no host is named `{}`", flood.target),
                    ));
                }
                if flood.count == 0 || flood.count > size::FLOOD_SYNS {
                    return Err(ScenarioError::at(
                        format!("{at}.flood.count"),
                        format!("from 1 to {} SYNs", size::FLOOD_SYNS),
                    ));
                }
            }
            for (j, rule) in host.app.iter().enumerate() {
                self.validate_rule(rule, &format!("{at}.app[{j}]"))?;
            }
        }
        for (i, fault) in self.faults.iter().enumerate() {
            let at = format!("faults[{i}]");
            self.check_segment_choice(&at, fault.index, fault.from.as_deref(), fault.kind, fault.nth)?;
            if fault.action != FaultAction::Drop && fault.delay_ms.get() == 0.0 && fault.action == FaultAction::Delay {
                return Err(ScenarioError::at(format!("{at}.delay_ms"), "a delay fault needs delay_ms > 0"));
            }
        }
        #[cfg(not(feature = "player"))]
        self.validate_exercises()?;
        Ok(())
    }

    /// A segment chosen by `index`, or by `from`/`kind`/`nth` (a fault's, an exercise's).
    fn check_segment_choice(
        &self,
        at: &str,
        index: Option<u32>,
        from: Option<&str>,
        kind: Option<SegmentKind>,
        nth: u32,
    ) -> Result<(), ScenarioError> {
        if let Some(from) = from
            && self.host_index(from).is_none()
        {
            return Err(ScenarioError::at(format!("{at}.from"), format!("no host is named `{from}`")));
        }
        match (index, from, kind) {
            (Some(_), None, None) => {}
            (Some(_), _, _) => {
                return Err(ScenarioError::at(at, "choose the segment either by `index` or by `from`/`kind`/`nth`"));
            }
            (None, None, None) => {
                return Err(ScenarioError::at(at, "say which segment: `index`, or `from`, `kind` and `nth`"));
            }
            _ => {}
        }
        if nth == 0 {
            return Err(ScenarioError::at(format!("{at}.nth"), "occurrences count from 1"));
        }
        Ok(())
    }

    /// Each `[[exercise]]` says where it is asked in the way its kind needs.
    #[cfg(not(feature = "player"))]
    fn validate_exercises(&self) -> Result<(), ScenarioError> {
        if self.exercises.len() > size::EXERCISES {
            return Err(ScenarioError::at("exercise", format!("at most {} exercises", size::EXERCISES)));
        }
        let first_set = |keys: &[(&'static str, bool)]| keys.iter().find(|(_, set)| *set).map(|(key, _)| *key);
        for (i, e) in self.exercises.iter().enumerate() {
            let at = format!("exercise[{i}]");
            let ask = e.ask.name();
            match e.ask {
                Ask::Segment | Ask::State => {
                    if let Some(key) = first_set(&[("host", e.host.is_some()), ("timer", e.timer.is_some())]) {
                        return Err(ScenarioError::at(
                            format!("{at}.{key}"),
                            format!(
                                "`ask = \"{ask}\"` chooses a segment (`from`, `kind`, `nth` or `index`), not a timer"
                            ),
                        ));
                    }
                    self.check_segment_choice(&at, e.index, e.from.as_deref(), e.kind, e.nth)?;
                }
                Ask::Timer => {
                    let segment_keys =
                        [("from", e.from.is_some()), ("kind", e.kind.is_some()), ("index", e.index.is_some())];
                    if let Some(key) = first_set(&segment_keys) {
                        return Err(ScenarioError::at(
                            format!("{at}.{key}"),
                            "`ask = \"timer\"` chooses a timer (`host`, `timer`, `nth`), not a segment",
                        ));
                    }
                    let missing = if e.host.is_none() { Some("host") } else { e.timer.is_none().then_some("timer") };
                    if let Some(key) = missing {
                        return Err(ScenarioError::at(
                            format!("{at}.{key}"),
                            "`ask = \"timer\"` needs `host` (whose timer) and `timer` (which one)",
                        ));
                    }
                    if let Some(host) = &e.host
                        && self.host_index(host).is_none()
                    {
                        return Err(ScenarioError::at(format!("{at}.host"), format!("no host is named `{host}`")));
                    }
                    if e.nth == 0 {
                        return Err(ScenarioError::at(format!("{at}.nth"), "occurrences count from 1"));
                    }
                }
            }
        }
        Ok(())
    }

    /// A profile with this scenario's `tcp` overrides does not hold together: name the key the file
    /// wrote (`tcp.rto_max_ms`), not the configuration's field, and say what the profile brought.
    fn config_error(&self, i: usize, host: &Host, e: tcp_core::config::ConfigError) -> ScenarioError {
        let config = self.config_for(host);
        let profile = host.profile.unwrap_or(self.profile);
        let ms = |d: Duration| d.as_millis();
        // The key the file wrote: the host's own override if it set one, else the scenario's.
        let key_at = |name: &str, set_by_host: bool| {
            if set_by_host { format!("hosts[{i}].tcp.{name}") } else { format!("tcp.{name}") }
        };
        let h = &host.tcp;
        let Some(file_key) = Tcp::key_of(e.field) else {
            // Not settable from a file: a profile itself is wrong.
            return ScenarioError::at(format!("profile {profile}: {}", e.field), e.reason);
        };
        let at = |key: &str| key_at(key, h.get(key).is_some());
        let merged = h.or(&self.tcp);
        match e.field {
            "rto_min" | "rto_max" => {
                let (min, max) = (ms(config.rto_min), ms(config.rto_max));
                let (key, message) = match (merged.rto_min_ms.is_some(), merged.rto_max_ms.is_some()) {
                    (false, true) => (
                        at("rto_max_ms"),
                        format!(
                            "{max} ms is below the {profile} profile's minimum RTO ({min} ms): set tcp.rto_min_ms too"
                        ),
                    ),
                    (true, false) => (
                        at("rto_min_ms"),
                        format!(
                            "{min} ms is above the {profile} profile's maximum RTO ({max} ms): set tcp.rto_max_ms too"
                        ),
                    ),
                    _ if e.field == "rto_max" => (at("rto_max_ms"), format!("must be greater than zero, not {max} ms")),
                    _ => (at("rto_min_ms"), format!("{min} ms must not exceed {} ({max} ms)", at("rto_max_ms"))),
                };
                ScenarioError::at(key, message)
            }
            _ => ScenarioError::at(at(file_key), e.reason),
        }
    }

    fn validate_rule(&self, rule: &Rule, at: &str) -> Result<(), ScenarioError> {
        match (rule.at_ms, rule.on) {
            (Some(_), Some(_)) => return Err(ScenarioError::at(at, "give either `at_ms` or `on`, not both")),
            (None, None) => return Err(ScenarioError::at(at, "say when: `at_ms = ...` or `on = \"...\"`")),
            _ => {}
        }
        match rule.action {
            Action::Connect | Action::Inject => match &rule.to {
                None => return Err(ScenarioError::at(format!("{at}.to"), "which host? `to = \"server\"`")),
                Some(to) if self.host_index(to).is_none() => {
                    return Err(ScenarioError::at(format!("{at}.to"), format!("no host is named `{to}`")));
                }
                _ => {}
            },
            Action::Send => {
                if rule.bytes.is_none() == rule.text.is_none() {
                    return Err(ScenarioError::at(at, "`send` needs either `bytes` or `text`"));
                }
                if rule.bytes.is_some_and(|b| b == 0 || b as usize > size::SEND_BYTES) {
                    return Err(ScenarioError::at(
                        format!("{at}.bytes"),
                        format!("from 1 to {} bytes", size::SEND_BYTES),
                    ));
                }
                if rule.text.as_ref().is_some_and(|t| t.len() > size::SEND_BYTES) {
                    return Err(ScenarioError::at(
                        format!("{at}.text"),
                        format!("at most {} bytes (UTF-8)", size::SEND_BYTES),
                    ));
                }
            }
            _ => {}
        }
        if matches!(rule.action, Action::Crash | Action::Reboot) && rule.on.is_some() {
            return Err(ScenarioError::at(
                format!("{at}.on"),
                "a host crashes or reboots at a time: `at_ms = ...`, not `on`",
            ));
        }
        if rule.port.is_some() && rule.action != Action::Connect {
            return Err(ScenarioError::at(format!("{at}.port"), "only a `connect` rule binds a local port"));
        }
        if rule.action != Action::Inject {
            let numbered = [("seq", rule.seq), ("ack", rule.ack)].into_iter().find(|(_, n)| n.is_some());
            if let Some((key, _)) = numbered {
                return Err(ScenarioError::at(
                    format!("{at}.{key}"),
                    format!("only an `inject` rule sets a segment's `{key}`"),
                ));
            }
        }
        if let Some(spoof) = &rule.spoof {
            if rule.action != Action::Inject {
                return Err(ScenarioError::at(format!("{at}.spoof"), "only an `inject` rule forges a source"));
            }
            if self.host_index(spoof).is_none() {
                return Err(ScenarioError::at(format!("{at}.spoof"), format!("no host is named `{spoof}`")));
            }
        }
        // The flags' text was checked while read; a rule built in code may still have none.
        if rule.action == Action::Inject && rule.flags.is_none_or(|f| f.get() == tcp_core::Flags::NONE) {
            return Err(ScenarioError::at(
                format!("{at}.flags"),
                "which flags? expected flags like \"SYN\" or \"ACK|RST\"",
            ));
        }
        Ok(())
    }
}

/// Parses `SYN`, `SYN|ACK`, `FIN, ACK` into flags.
pub fn parse_flags(text: &str) -> Option<tcp_core::Flags> {
    let mut flags = tcp_core::Flags::NONE;
    for word in text.split(['|', ',', ' ', '+']).filter(|w| !w.is_empty()) {
        let (f, _) = tcp_core::Flags::NAMED.into_iter().find(|(_, n)| n.eq_ignore_ascii_case(word))?;
        flags = flags | f;
    }
    (flags != tcp_core::Flags::NONE).then_some(flags)
}

/// The line (from 1) whose key has the most dotted parts, and how many: where TOML's nesting goes
/// deepest. Quoted parts are skipped roughly (a quoted dot does not count).
#[cfg(feature = "toml")]
fn deepest_key(text: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let key = line.split('=').next().unwrap_or("");
            let (mut depth, mut quoted) = (1, false);
            for c in key.chars() {
                match c {
                    '"' | '\'' => quoted = !quoted,
                    '.' if !quoted => depth += 1,
                    _ => {}
                }
            }
            (i + 1, depth)
        })
        .max_by_key(|&(line, depth)| (depth, core::cmp::Reverse(line)))
        .filter(|&(_, depth)| depth > 1)
}

/// Reads a scenario file's bytes: UTF-8, or an error naming the line and column of the first byte
/// that is not.
pub fn text_of(bytes: &[u8]) -> Result<&str, ScenarioError> {
    core::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = core::str::from_utf8(&valid[line_start..]).map_or(0, |l| l.chars().count()) + 1;
        ScenarioError::at(format!("line {line}, column {column}"), "not UTF-8 text (a scenario file is UTF-8)")
    })
}

/// `line L, column C` of byte `offset` in `text`.
#[cfg(feature = "toml")]
fn line_col(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}
