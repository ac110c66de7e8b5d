//! One connection of a capture, imported: the analysis ([`crate::infer`]), the profile guessed
//! for each end, the observers ([`crate::observe`]) that give the trace its states, the notes, and
//! the scenario that re-runs it ([`crate::derive`]).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};

use tcp_core::{Config, Flags, Instant, Profile, SeqNum, TcpRepr};
use tcp_sim::{Scenario, Trace};

use crate::conns::{Captured, Collected, ConnSummary};
use crate::infer::{Analysis, CapturePoint, LossEvidence, analyse};
use crate::notes::{Note, NoteKind};
use crate::observe::{Observed, Observing, Setup};

/// The addresses the catalogue uses, for ends whose own address the trace cannot hold.
const STAND_IN: [Ipv4Addr; 2] = [Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 1)];

/// An imported connection.
#[derive(Clone, Debug)]
pub struct Import {
    /// The connection as listed.
    pub summary: ConnSummary,
    /// The captured segments with both ends' inferred states, for the diagram.
    pub trace: Trace,
    /// What the capture shows, in both languages.
    pub notes: Vec<Note>,
    /// The experiment that re-runs it.
    pub scenario: Scenario,
    /// Where the capture was taken.
    pub point: CapturePoint,
    /// The profile guessed for each end (client, server).
    pub profiles: [Profile; 2],
    /// No handshake was captured.
    pub mid_stream: bool,
    /// Trace time of the first captured segment (after an assumed handshake, if any).
    pub capture_start: Instant,
    /// Trace time of the last captured segment.
    pub capture_end: Instant,
    /// What the segment analysis found.
    pub analysis: Analysis,
    /// What the observers found (what each application did and was told).
    pub observed: Observed,
}

/// Imports a collected connection (all of [`Prepared`]'s stages at once).
pub fn import(collected: &Collected) -> Import {
    let prepared = Prepared::new(collected);
    let mut observing = prepared.observers();
    while !observing.step(usize::MAX) {}
    let observed = observing.finish();
    prepared.finish(observed)
}

/// An import done in stages, for a caller that must not hold the processor for long (the page
/// lets the browser paint between them): [`Prepared::new`] analyses the segments and sets the
/// observers up; [`Prepared::observers`] runs them a few segments at a time; [`Prepared::finish`]
/// adds the notes and the derived scenario. The result is [`import`]'s.
#[derive(Debug)]
pub struct Prepared<'a> {
    collected: &'a Collected,
    analysis: Analysis,
    setup: Setup,
    guesses: [(Profile, String, String); 2],
    profiles: [Profile; 2],
    /// Ends shown under a stand-in address (their own, the stand-in).
    mapped: Vec<(String, String)>,
    mid_stream: bool,
}

impl<'a> Prepared<'a> {
    /// The segments analysed, each end's profile guessed, the observers set up.
    pub fn new(collected: &'a Collected) -> Prepared<'a> {
        let summary = &collected.summary;
        let segments = &collected.segments;
        let same_host = summary.client.ip() == summary.server.ip();
        let analysis = analyse(segments, summary.client, same_host);
        let mid_stream = analysis.isn[0].is_none() && analysis.isn[1].is_none();
        let guesses = [0, 1].map(|d| guess_profile(syn_of(segments, &analysis, d)));
        let profiles = [guesses[0].0, guesses[1].0];
        let two_way = two_way_handshake(segments, &analysis);
        let config = [0, 1]
            .map(|d| Config { two_way_handshake: two_way, ..config_for(profiles[d], syn_of(segments, &analysis, d)) });
        let (addr, mapped) = trace_addresses(summary);
        let active = [0, 1].map(|d| {
            mid_stream && d == 0
                || segments.iter().zip(&analysis.segs).any(|(c, s)| s.dir == d && is_pure_syn(&c.repr) && !s.foreign)
        });
        let refused = !active[1]
            && segments.iter().zip(&analysis.segs).any(|(c, s)| s.dir == 1 && c.repr.flags.contains(Flags::RST))
            && !segments.iter().zip(&analysis.segs).any(|(c, s)| s.dir == 1 && c.repr.flags.contains(Flags::SYN));
        // A connection captured mid-stream gets room before its first segment for an assumed
        // handshake.
        let lead_us = if mid_stream { 3 * analysis.point.path_us() as i64 + 1000 } else { 0 };
        let first_sent = (0..segments.len()).map(|i| analysis.sent_us(i)).min().unwrap_or(0);
        let setup = Setup {
            config,
            addr,
            name: names(summary),
            active,
            listens: !refused,
            origin_us: first_sent - lead_us,
            assumed_isn: mid_stream.then(|| assumed_isns(segments, &analysis)),
        };
        Prepared { collected, analysis, setup, guesses, profiles, mapped, mid_stream }
    }

    /// Both ends' observers, to run over the segments ([`Observing::step`]) and then hand to
    /// [`Prepared::finish`].
    pub fn observers(&self) -> Observing<'_> {
        Observing::new(&self.collected.segments, &self.analysis, &self.setup)
    }

    /// The import, from the observers' trace and findings.
    pub fn finish(self, (trace, observed): (Trace, Observed)) -> Import {
        let Prepared { collected, analysis, setup, guesses, profiles, mapped, mid_stream } = self;
        let segments = &collected.segments;
        let capture_start =
            Instant::from_micros((analysis.segs.first().map_or(0, |s| s.seen_us) - setup.origin_us).max(0) as u64);
        let capture_end = observed.capture_end;
        let mut import = Import {
            summary: collected.summary.clone(),
            trace,
            notes: Vec::new(),
            scenario: crate::derive::placeholder(),
            point: analysis.point,
            profiles,
            mid_stream,
            capture_start,
            capture_end,
            analysis,
            observed,
        };
        import.notes = notes(&import, segments, &guesses, &mapped, collected.dropped, setup.origin_us);
        import.scenario = crate::derive::scenario(&import, segments, &setup);
        import
    }
}

/// The passive end sent data before anything acknowledged its SYN-ACK: it took the handshake
/// as done after two segments (the deliberately broken two-way handshake).
fn two_way_handshake(segments: &[Captured], an: &Analysis) -> bool {
    let mut synack_isn = None;
    for (c, s) in segments.iter().zip(&an.segs) {
        let f = c.repr.flags;
        if s.dir == 1 && f.contains(Flags::SYN | Flags::ACK) {
            synack_isn = Some(c.repr.seq);
        } else if s.dir == 0 && f.contains(Flags::ACK) && Some(c.repr.ack) == synack_isn.map(|i| i + 1) {
            return false;
        } else if s.dir == 1 && !c.payload.is_empty() && synack_isn.is_some() && !an.simultaneous_open {
            return true;
        }
    }
    false
}

fn is_pure_syn(r: &TcpRepr) -> bool {
    r.flags.contains(Flags::SYN) && !r.flags.contains(Flags::ACK)
}

/// The first SYN (or SYN-ACK) an end sent.
fn syn_of<'a>(segments: &'a [Captured], an: &Analysis, dir: usize) -> Option<&'a TcpRepr> {
    segments
        .iter()
        .zip(&an.segs)
        .find(|(c, s)| s.dir == dir && c.repr.flags.contains(Flags::SYN) && !s.foreign)
        .map(|(c, _)| &c.repr)
}

/// The profile an end's SYN options point to, and why (English, Chinese).
fn guess_profile(syn: Option<&TcpRepr>) -> (Profile, String, String) {
    let Some(syn) = syn else {
        return (
            Profile::Linux,
            "nothing: no SYN was captured (Linux is the most common)".into(),
            "无：没有抓到 SYN（Linux 最常见）".into(),
        );
    };
    let o = &syn.options;
    let (ws, ts, sack) = (o.window_scale(), o.timestamps().is_some(), o.sack_permitted());
    let kinds: Vec<String> = o.iter().map(|opt| format!("{opt}")).collect();
    let options = if kinds.is_empty() { String::from("none") } else { kinds.join(", ") };
    let linux_layout = matches!(
        o.as_bytes(),
        [2, 4, _, _, 4, 2, 8, 10, ..] // MSS, SACK_PERM, TS: Linux's order
    );
    let profile = match (ws, ts, sack) {
        (Some(6), true, _) => Profile::Freebsd,
        (Some(8), false, _) => Profile::Windows,
        (Some(7), true, _) => Profile::Linux,
        (None, false, false) => Profile::Rfc9293,
        _ if linux_layout || ts => Profile::Linux,
        _ => Profile::Windows,
    };
    (profile, format!("its SYN's options ({options})"), format!("它的 SYN 的选项（{options}）"))
}

/// The profile's configuration with what the SYN says about this end.
fn config_for(profile: Profile, syn: Option<&TcpRepr>) -> Config {
    let mut config = profile.config();
    if let Some(syn) = syn {
        let o = &syn.options;
        if let Some(mss) = o.mss().filter(|m| *m >= 64) {
            config.mss = mss;
        }
        config.window_scale = o.window_scale().map(|w| w.min(14));
        config.timestamps = o.timestamps().is_some();
        config.sack_permitted = o.sack_permitted();
    }
    config
}

/// Each end's address in the trace: its own IPv4 address when the two differ, else a stand-in.
fn trace_addresses(summary: &ConnSummary) -> ([SocketAddrV4; 2], Vec<(String, String)>) {
    let ends = [summary.client, summary.server];
    let v4 = ends.map(|e| match e.ip() {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(_) => None,
    });
    let own = matches!(v4, [Some(a), Some(b)] if a != b);
    let mut mapped = Vec::new();
    let addr = [0, 1].map(|d| {
        let ip = if own { v4[d].unwrap_or(STAND_IN[d]) } else { STAND_IN[d] };
        if !own {
            mapped.push((ends[d].ip().to_string(), ip.to_string()));
        }
        SocketAddrV4::new(ip, ends[d].port())
    });
    (addr, mapped)
}

/// The ends' names: client and server, or the IPv6 address for an IPv6 end.
fn names(summary: &ConnSummary) -> [String; 2] {
    [(summary.client, "client"), (summary.server, "server")].map(|(end, role)| match end {
        SocketAddr::V6(a) => format!("{role} [{}]", a.ip()),
        SocketAddr::V4(_) => String::from(role),
    })
}

/// ISNs for a connection captured mid-stream: just below the lowest number each side used.
fn assumed_isns(segments: &[Captured], an: &Analysis) -> [SeqNum; 2] {
    [0, 1].map(|d| {
        let own = segments.iter().zip(&an.segs).filter(|(_, s)| s.dir == d).map(|(c, _)| c.repr.seq);
        let acked = segments
            .iter()
            .zip(&an.segs)
            .filter(|(c, s)| s.dir != d && c.repr.flags.contains(Flags::ACK))
            .map(|(c, _)| c.repr.ack);
        let all: Vec<SeqNum> = own.chain(acked).collect();
        let first = all.first().copied().unwrap_or(SeqNum(1));
        let lowest = all.iter().copied().min_by_key(|s| (*s - first) as i32).unwrap_or(first);
        lowest + u32::MAX
    })
}

fn notes(
    import: &Import,
    segments: &[Captured],
    guesses: &[(Profile, String, String); 2],
    mapped: &[(String, String)],
    dropped: u64,
    origin_us: i64,
) -> Vec<Note> {
    let an = &import.analysis;
    let whole = |kind| Note { segment: None, at: import.capture_start, kind };
    let mut out = Vec::new();
    if an.point.same_host {
        out.push(whole(NoteKind::BothSides));
    } else {
        out.push(whole(NoteKind::CapturePoint {
            client_us: an.point.from_client_us,
            server_us: an.point.from_server_us,
            measured: an.point.measured[0] && an.point.measured[1],
        }));
    }
    for (d, (profile, en, zh)) in guesses.iter().enumerate() {
        let host = import.trace.hosts[d].name.clone();
        out.push(whole(NoteKind::Profile { host, profile: profile.name(), from_en: en.clone(), from_zh: zh.clone() }));
    }
    for (real, shown) in mapped {
        out.push(whole(NoteKind::AddressMapped { real: real.clone(), shown: shown.clone() }));
    }
    if import.mid_stream {
        out.push(whole(NoteKind::AssumedOpen));
    }
    if dropped > 0 {
        out.push(whole(NoteKind::Cut { dropped }));
    }
    for (i, s) in an.segs.iter().enumerate() {
        let at = import.trace.segments[i].sent_at;
        let mut note = |kind| out.push(Note { segment: Some(i), at, kind });
        if let Some(of) = s.duplicate_of {
            note(NoteKind::Duplicate { of });
        }
        if s.foreign {
            note(NoteKind::Foreign);
        }
        if s.retransmission {
            note(retransmission(import, i, origin_us));
        }
        if s.out_of_order {
            note(NoteKind::OutOfOrder);
        }
        if s.gap_before {
            note(NoteKind::GapBefore);
        }
        let flags = segments[i].repr.flags;
        if segments[i].repr.window == 0 && !flags.contains(Flags::RST) && !flags.contains(Flags::SYN) {
            note(NoteKind::ZeroWindow);
        }
        if flags.contains(Flags::RST) && s.duplicate_of.is_none() {
            note(NoteKind::Reset { by_app: !import.observed.tcp_made_rst[i] });
        }
        if s.extra_delay_us > 0 {
            note(NoteKind::Delayed { extra_us: s.extra_delay_us });
        }
        if let Some(evidence) = s.lost {
            let (why_en, why_zh) = match evidence {
                LossEvidence::Retransmitted { .. } => {
                    ("its sender sent it again before anything acknowledged it", "发送方在它被确认之前又发送了一次")
                }
                LossEvidence::NeverAnswered => ("nobody ever answered this SYN", "这个 SYN 始终没有得到应答"),
                LossEvidence::ProbeUnanswered => {
                    ("nobody ever answered this keep-alive probe", "这个保活探测始终没有得到应答")
                }
                LossEvidence::NeverAcknowledged { .. } => (
                    "the other end later still acknowledged only up to its first byte, and never acknowledged it",
                    "对端之后的确认号始终停在它的第一个字节，从未确认过它",
                ),
                LossEvidence::AckIgnored { .. } => {
                    ("the other end still retransmitted what it acknowledged", "对方仍然重传了它已确认的内容")
                }
            };
            note(NoteKind::Lost { why_en, why_zh });
        }
    }
    if import.trace.end > import.capture_end {
        out.push(Note { segment: None, at: import.capture_end, kind: NoteKind::AfterCapture });
    }
    out
}

/// A retransmission's note: the time since the previous copy, and whether tcp-core's
/// retransmission timer for that end fired then.
fn retransmission(import: &Import, i: usize, origin_us: i64) -> NoteKind {
    let an = &import.analysis;
    let s = &an.segs[i];
    let previous = (0..i).rev().find(|&j| an.segs[j].dir == s.dir && an.segs[j].seq < s.end && s.seq < an.segs[j].end);
    let sent = an.sent_us(i) - origin_us;
    let gap_us = previous.map_or(0, |j| (an.sent_us(i) - an.sent_us(j)).max(0) as u64);
    let tolerance = (gap_us / 10).max(10_000) as i64;
    let rto = import.observed.rto_fired[s.dir].iter().any(|t| (t.micros as i64 - sent).abs() <= tolerance);
    NoteKind::Retransmission { gap_us, rto }
}
