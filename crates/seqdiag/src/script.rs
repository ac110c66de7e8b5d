//! The exchange as a script: what every text writer (Mermaid, PlantUML, MSC, sequencediagram.org)
//! prints, derived from the trace once.
//!
//! A [`Script`] holds the participants in order (hosts, attackers rightmost, then the stand-in for
//! addresses no host owns) with unique ids, and the exchange in time order: one [`Message`] per
//! segment, with how to draw it ([`Style`]) and what to say after its label (tags), the
//! [`Note`]s over a host (state changes, TIME-WAIT's 2MSL, fired timers, rejected segments, what
//! the application did and how the connection ended; what happened on one host at one instant
//! is one note), and the long idle stretches ([`Item::Break`]). Text is in the view's language
//! and unescaped: escaping is the writer's.

use crate::ViewOptions;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bilingual::Lang;
use tcp_core::event::Timer;
use tcp_sim::Trace;
use tcp_sim::trace::{ConnId, EventKind, Fate, HostId, Notice, SegId};

/// A trace as the text writers print it.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// Left to right: the hosts that are not attackers, the attackers, then (when a segment
    /// goes to an address no host owns) the stand-in for such addresses.
    pub participants: Vec<Participant>,
    /// What happened, in time order.
    pub items: Vec<Item>,
    /// Why the run was cut short, if it was ([`bilingual::truncated`]).
    pub truncated: Option<String>,
}

/// One participant: a host, or the stand-in for addresses no host owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    /// The trace's host, or `None` for the stand-in.
    pub host: Option<HostId>,
    /// Unique among the participants: letters, digits and `_`, starting with a letter and not
    /// with a Mermaid keyword (see [`participant_ids`]); the stand-in's is `nobody`.
    pub id: String,
    /// The name shown ([`bilingual::host_name`]).
    pub name: String,
    /// The host's `address:port` (of its first connection; its address if it has none; an
    /// attacker's says its sources are forged). Empty for the stand-in.
    pub address: String,
}

/// One thing in the exchange.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A segment, as a message arrow from its sender to its receiver.
    Message(Message),
    /// What happened on one host at one instant.
    Note(Note),
    /// An idle stretch longer than [`ViewOptions::break_after_ms`], across all hosts.
    Break {
        /// How long, in microseconds.
        gap_us: u64,
        /// When it ends (the next event), in microseconds of simulated time.
        at_us: u64,
        /// What it says ([`bilingual::later`]: `⋯ 59.8 s later`).
        text: String,
    },
}

/// One segment, as an arrow.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The segment's index in the trace.
    pub segment: SegId,
    /// The sender: an index into [`Script::participants`].
    pub from: usize,
    /// The receiver (the stand-in when no host owns the address).
    pub to: usize,
    /// The segment's label (`SYN seq=0`), in relative or absolute numbers as the view asks.
    pub label: String,
    /// How to draw it.
    pub style: Style,
    /// What to say after the label, in order: retransmission, duplicate, old duplicate, forged,
    /// the delay the network added, why it was lost.
    pub tags: Vec<String>,
    /// When it left, in microseconds of simulated time.
    pub sent_us: u64,
    /// When it arrived, or `None` if it was lost.
    pub arrived_us: Option<u64>,
    /// How long it was in flight: until it arrived, or for a lost segment the link's delay and
    /// any delay a fault added (when it would have arrived). 0 for a segment a host sends itself.
    pub flight_us: u64,
    /// When it left and arrived, or when it left and why it was lost ([`bilingual::flight`]:
    /// `0 → 10 ms`, `1 s → ✕ dropped`).
    pub time: String,
}

/// How a message is drawn: what the trace says of its segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// A retransmission (dashed).
    pub retransmitted: bool,
    /// Lost on the way (ends in a cross).
    pub lost: bool,
    /// A copy the network made of another segment.
    pub duplicate: bool,
    /// An old duplicate the scenario put on the wire.
    pub old_duplicate: bool,
    /// Sent with a forged source address.
    pub forged: bool,
    /// Held back by the network this many microseconds beyond the link's delay.
    pub delayed_us: u64,
}

/// A note over one participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The participant: an index into [`Script::participants`].
    pub over: usize,
    /// When, in microseconds of simulated time.
    pub at_us: u64,
    /// What happened, in order (one part per event).
    pub parts: Vec<NotePart>,
}

/// One event a note tells of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotePart {
    /// The kind of event, for a reader that picks parts (the printers write every part alike).
    pub kind: NoteKind,
    /// What the note says.
    pub text: String,
}

/// The kinds of event notes tell of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A connection changed state (`SYN_SENT`).
    State,
    /// TIME-WAIT's 2MSL was armed, or a timer fired.
    Timer,
    /// A segment was rejected.
    Rejected,
    /// The application made a call (and the error it got).
    App,
    /// The application was told the connection ended, and why.
    Closed,
}

/// Keywords of Mermaid's sequence-diagram lexer that could swallow the start of an id.
const KEYWORDS: [&str; 33] = [
    "participant",
    "actor",
    "create",
    "destroy",
    "box",
    "loop",
    "rect",
    "opt",
    "alt",
    "else",
    "par",
    "and",
    "critical",
    "option",
    "break",
    "end",
    "left",
    "right",
    "links",
    "link",
    "properties",
    "details",
    "over",
    "note",
    "activate",
    "deactivate",
    "title",
    "acc",
    "sequence",
    "autonumber",
    "off",
    "as",
    "of",
];

/// A participant id for `name`: letters, digits and `_`, not starting with a keyword. Two names
/// may give the same id (`x.` and `x_`): [`participant_ids`] makes them unique.
pub fn participant_id(name: &str, index: usize) -> String {
    let mut id: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let lower = id.to_ascii_lowercase();
    let starts_badly =
        !id.starts_with(|c: char| c.is_ascii_alphabetic()) || KEYWORDS.iter().any(|k| lower.starts_with(k));
    if starts_badly {
        id = format!("h{index}_{id}");
    }
    id
}

/// The id of the participant that stands for addresses no host owns.
pub const NOBODY: &str = "nobody";

/// One id per host, all different, none equal to the participant that stands for addresses no
/// host owns: each host's [`participant_id`], or when an earlier host (or `nobody`) has it, that
/// id with `_2`, `_3` … added, skipping ids later hosts are named.
pub fn participant_ids(names: &[&str]) -> Vec<String> {
    let bases: Vec<String> = names.iter().enumerate().map(|(h, n)| participant_id(n, h)).collect();
    let mut ids: Vec<String> = Vec::with_capacity(names.len());
    for (h, base) in bases.iter().enumerate() {
        let free = |id: &str| {
            id != NOBODY && !ids.iter().any(|i| i == id) && !bases[h + 1..].iter().any(|b| b == id && b != base)
        };
        let mut id = base.clone();
        let mut k = 2;
        while !free(&id) {
            id = format!("{base}_{k}");
            k += 1;
        }
        ids.push(id);
    }
    ids
}

impl Item {
    /// When it happened, in microseconds of simulated time (a message: when it left).
    pub fn at_us(&self) -> u64 {
        match self {
            Item::Message(m) => m.sent_us,
            Item::Note(n) => n.at_us,
            Item::Break { at_us, .. } => *at_us,
        }
    }
}

/// How many of the items after the message at `i` happened before it arrived (or would have),
/// counting at most `at_most`: the rows its arrow spans in a writer that draws time as rows (MSC's
/// `arcskip`, sequencediagram.org's `->(n)`). 0 for an item that is not a message.
pub fn rows_in_flight(items: &[Item], i: usize, at_most: usize) -> usize {
    let Some(Item::Message(m)) = items.get(i) else { return 0 };
    let end = m.sent_us + m.flight_us;
    items[i + 1..].iter().take_while(|item| item.at_us() < end).take(at_most).count()
}

impl Script {
    /// The script of a trace, in the view's language and numbering.
    pub fn new(trace: &Trace, opts: &ViewOptions) -> Script {
        let lang = opts.lang;
        let mut order: Vec<usize> = (0..trace.hosts.len()).filter(|&h| !trace.hosts[h].attacker).collect();
        order.extend((0..trace.hosts.len()).filter(|&h| trace.hosts[h].attacker));
        let names: Vec<&str> = trace.hosts.iter().map(|h| h.name.as_str()).collect();
        let mut ids = participant_ids(&names);
        // `place[h]`: host `h`'s index among the participants.
        let mut place = alloc::vec![0; trace.hosts.len()];
        let mut participants = Vec::with_capacity(order.len() + 1);
        for &h in &order {
            place[h] = participants.len();
            participants.push(Participant {
                host: Some(HostId(h)),
                id: core::mem::take(&mut ids[h]),
                name: bilingual::host_name(lang, &trace.hosts[h].name),
                address: host_line(trace, h, lang),
            });
        }
        let nobody = participants.len();
        if trace.segments.iter().any(|s| s.to.is_none()) {
            participants.push(Participant {
                host: None,
                id: NOBODY.into(),
                name: bilingual::pick(lang, "(no such host)", "（无此主机）").into(),
                address: String::new(),
            });
        }

        let mut items = Items::default();
        let mut armed: Vec<(Option<ConnId>, Timer, u64, u8)> = Vec::new();
        let closed_by_app = trace.closed_by_app();
        let mut last_at = trace.events.first().map(|e| e.at);
        let break_us = u64::from(opts.break_after_ms.max(1)) * 1000;
        for e in &trace.events {
            if let Some(prev) = last_at {
                let gap_us = e.at.micros - prev.micros;
                if gap_us > break_us {
                    items.push(Item::Break { gap_us, at_us: e.at.micros, text: bilingual::later(lang, gap_us) });
                }
            }
            if last_at != Some(e.at) {
                items.end_note();
            }
            last_at = Some(e.at);
            let over = place[e.host.index()];
            let at_us = e.at.micros;
            let mut note = |kind, text| items.note(over, at_us, NotePart { kind, text });
            match &e.kind {
                EventKind::Sent { segment } => {
                    let s = &trace.segments[*segment];
                    let style = Style {
                        retransmitted: s.retransmission,
                        lost: matches!(s.fate, Fate::Lost { .. }),
                        duplicate: s.duplicate_of.is_some(),
                        old_duplicate: s.injected,
                        forged: s.forged,
                        delayed_us: s.extra_delay_us,
                    };
                    let mut tags: Vec<String> = [
                        (style.retransmitted, bilingual::retransmission(lang)),
                        (style.duplicate, bilingual::duplicate(lang)),
                        (style.old_duplicate, bilingual::old_duplicate(lang)),
                        (style.forged, bilingual::forged(lang)),
                    ]
                    .into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, word)| word.into())
                    .collect();
                    if style.delayed_us > 0 {
                        tags.push(bilingual::delayed(lang, style.delayed_us));
                    }
                    let loss = match s.fate {
                        Fate::Lost { reason } => Some(bilingual::loss(lang, reason)),
                        Fate::Delivered { .. } => None,
                    };
                    if let Some(word) = loss {
                        tags.push(word.into());
                    }
                    let sent_us = s.sent_at.micros;
                    let arrived_us = s.delivered_at().map(|at| at.micros);
                    let flight_us = match arrived_us {
                        Some(at) => at.saturating_sub(sent_us),
                        None => s.link_delay_us + s.extra_delay_us,
                    };
                    items.push(Item::Message(Message {
                        segment: *segment,
                        from: over,
                        to: s.to.map_or(nobody, |t| place[t.index()]),
                        label: trace.label(*segment, opts.relative),
                        style,
                        tags,
                        sent_us,
                        arrived_us,
                        flight_us,
                        time: bilingual::flight(lang, sent_us, arrived_us, loss),
                    }));
                }
                EventKind::State { to, .. } => note(NoteKind::State, format!("{to:#}")),
                EventKind::TimerArmed { timer, timeout, backoff, .. } => {
                    let conn = e.conn;
                    let restarted = armed.iter().any(|a| a.0 == conn && a.1 == *timer);
                    armed.retain(|a| !(a.0 == conn && a.1 == *timer));
                    let us = timeout.as_micros() as u64;
                    armed.push((conn, *timer, us, *backoff));
                    if *timer == Timer::TimeWait {
                        note(NoteKind::Timer, bilingual::timer(lang, *timer, us, *backoff, restarted));
                    }
                }
                EventKind::TimerCancelled { timer } => {
                    let conn = e.conn;
                    armed.retain(|a| !(a.0 == conn && a.1 == *timer));
                }
                EventKind::TimerFired { timer, .. } => {
                    let conn = e.conn;
                    let (us, backoff) =
                        armed.iter().find(|a| a.0 == conn && a.1 == *timer).map_or((0, 0), |a| (a.2, a.3));
                    armed.retain(|a| !(a.0 == conn && a.1 == *timer));
                    let what = bilingual::timer(lang, *timer, us, backoff, false);
                    note(NoteKind::Timer, format!("{what} {}", bilingual::pick(lang, "expired", "到期")));
                }
                EventKind::Rejected { reason, .. } => {
                    note(NoteKind::Rejected, bilingual::rejected(lang, *reason).into())
                }
                EventKind::App { call, error } => {
                    if let Some(s) = bilingual::app_note(lang, call, *error) {
                        note(NoteKind::App, s);
                    }
                }
                EventKind::Notified { notice: Notice::Closed { reason } } => {
                    let closed = e.conn.is_some_and(|c| closed_by_app[c.index()].is_some());
                    if let Some(s) = bilingual::close_reason(lang, *reason, closed) {
                        note(NoteKind::Closed, s.into());
                    }
                }
                _ => {}
            }
        }
        items.end_note();
        Script {
            participants,
            items: items.done,
            truncated: trace.truncated.as_ref().map(|why| bilingual::truncated(lang, why)),
        }
    }
}

/// The items so far, and the note being gathered: what happens on one host at one instant, until
/// something else happens.
#[derive(Debug, Default)]
struct Items {
    done: Vec<Item>,
    note: Option<Note>,
}

impl Items {
    /// Ends the note being gathered, then adds `item`.
    fn push(&mut self, item: Item) {
        self.end_note();
        self.done.push(item);
    }

    /// Adds to the note over `over` at `at_us`, or starts one.
    fn note(&mut self, over: usize, at_us: u64, part: NotePart) {
        if self.note.as_ref().is_some_and(|n| n.over != over) {
            self.end_note();
        }
        self.note.get_or_insert_with(|| Note { over, at_us, parts: Vec::new() }).parts.push(part);
    }

    fn end_note(&mut self) {
        if let Some(note) = self.note.take() {
            self.done.push(Item::Note(note));
        }
    }
}

/// What a participant's header says under its name.
fn host_line(trace: &Trace, h: usize, lang: Lang) -> String {
    let host = &trace.hosts[h];
    if host.attacker {
        return format!("{} ({})", host.addr, bilingual::forged_sources(lang));
    }
    match trace.conns.iter().find(|c| c.host.index() == h) {
        Some(c) => format!("{}", c.local),
        None => format!("{}", host.addr),
    }
}
