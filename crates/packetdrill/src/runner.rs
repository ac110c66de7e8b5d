//! The run: each event at its time on a virtual clock, tcp-core's timers fired in between, every
//! segment tcp-core sends compared with the script's next `>` line.
//!
//! Time. `+d` counts from when the previous event happened: for a `>` line, when the segment was
//! really sent. A `>` segment matches if it was sent within `--tolerance_usecs` of its time (or
//! of its range; `*` is any time). Strictness. Segments are matched in order; a segment that no
//! `>` line can still match in time (sent more than the tolerance before a later event), or that
//! is still unmatched a tolerance after the last line, is a failure. The run stops at the first
//! difference.

use crate::ast::{Action, Direction, Event, EventTime, OptionList, Packet, Script};
use crate::compare::{self, Numbering};
use crate::env::{Applied, Env};
use crate::kernel::{self, Kernel, Output, Wire};
use crate::record::Recorder;
use crate::report::{DiffKind, Difference, Missing, Outcome, Verdict, seconds};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddrV4;
use tcp_core::{Duration, Flags, Instant, Profile, SeqNum, TcpRepr};
use tcp_sim::Trace;
use tcp_sim::trace::Truncation;

/// The script's ISN: its relative sequence number 0.
pub(crate) const SCRIPT_ISN: SeqNum = SeqNum(3_000_000_000);
/// How long `*` waits for a segment, and how far past a missing segment's time the run looks to
/// say when it was sent instead.
const LOOK_AHEAD: Duration = Duration::from_secs(600);
/// The largest payload of a TCP segment in an IPv4 packet (65535 less 40 bytes of headers).
const MAX_PAYLOAD: u32 = 65_495;
/// Timer firings one run may take (a timer that fired forever would otherwise never end a run).
const MAX_TIMER_FIRINGS: u32 = 100_000;

/// How to run a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// The profile tcp-core runs with.
    pub profile: Profile,
    /// The `#ifdef` symbols that are defined.
    pub defines: Vec<String>,
    /// Compare options byte for byte (their order, NOP and EOL padding), as packetdrill does,
    /// rather than by meaning.
    pub exact_option_layout: bool,
}

impl RunOptions {
    /// The profile with its default `#ifdef` symbols (see [`default_defines`]).
    pub fn new(profile: Profile) -> RunOptions {
        RunOptions {
            profile,
            defines: default_defines(profile).iter().map(|s| String::from(*s)).collect(),
            exact_option_layout: false,
        }
    }
}

/// The `#ifdef` symbols a profile defines: `FreeBSD` for freebsd, `STANDARD` (the scripts' name
/// for the RFC's behaviour) for rfc9293 and rfc793, `Linux` and `Windows` for the others.
pub fn default_defines(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Freebsd => &["FreeBSD"],
        Profile::Rfc9293 | Profile::Rfc793 => &["STANDARD"],
        Profile::Linux => &["Linux"],
        Profile::Windows => &["Windows"],
    }
}

/// One run of one script.
#[derive(Clone, Debug)]
pub struct Run {
    /// Pass, the first difference, or why it could not run.
    pub outcome: Outcome,
    /// Everything that happened, to draw.
    pub trace: Trace,
    /// How each segment of the trace compares with the script (same indices).
    pub verdicts: Vec<Verdict>,
    /// The segment the script expected and tcp-core never sent, if that stopped the run.
    pub missing: Option<Missing>,
    /// Settings that ask for RFC 793 behaviour (`insecure_rst=1`), which the run honoured through
    /// `Config::rst_anywhere_in_window` and `Config::syn_in_window_resets`.
    pub asks_rfc793: Vec<String>,
    /// Settings tcp-core has no `Config` field for, which the run went on without.
    pub not_honoured: Vec<String>,
    /// tcp-core's first ISN (relative 0 of its sequence numbers; 0 if it sent no SYN).
    pub local_isn: SeqNum,
    /// The script's ISN (relative 0 of the script's sequence numbers).
    pub script_isn: SeqNum,
}

impl Run {
    /// The outcome in one line, with the settings that matter for reading it.
    pub fn summary(&self) -> String {
        let mut s = self.outcome.summary();
        if !self.asks_rfc793.is_empty() {
            s.push_str(&format!(" [asks rfc793: {}]", self.asks_rfc793.join(", ")));
        }
        if !self.not_honoured.is_empty() {
            s.push_str(&format!(" [not honoured: {}]", self.not_honoured.join(", ")));
        }
        s
    }
}

/// Runs a script against tcp-core.
pub fn run(text: &str, options: &RunOptions) -> Run {
    let defined = |s: &str| options.defines.iter().any(|d| d == s);
    let stack = format!("tcp-core ({})", options.profile);
    let script = match crate::parse::parse(text, &defined) {
        Ok(script) => script,
        Err(e) if e.unsupported => {
            return Run::without_events(stack, Outcome::CannotExpress { line: e.line, reason: e.message });
        }
        Err(e) => return Run::without_events(stack, Outcome::Malformed(e)),
    };
    if !script.symbols.is_empty() && !script.symbols.iter().any(|s| defined(s)) {
        let reason = format!(
            "the script has #ifdef branches (without #else) for {} and none is defined for profile {} (choose one with --define)",
            script.symbols.join(", "),
            options.profile
        );
        return Run::without_events(stack, Outcome::CannotExpress { line: 0, reason });
    }
    let mut runner = Runner::new(&script, options, stack);
    let stop = runner.run_events(&script);
    runner.finish(stop)
}

impl Run {
    fn without_events(stack: String, outcome: Outcome) -> Run {
        Run {
            outcome,
            trace: Recorder::new(stack).trace,
            verdicts: Vec::new(),
            missing: None,
            asks_rfc793: Vec::new(),
            not_honoured: Vec::new(),
            local_isn: SeqNum(0),
            script_isn: SCRIPT_ISN,
        }
    }
}

/// Why the run stopped before the end of the script.
#[derive(Debug)]
pub(crate) enum Stop {
    Differs(Difference),
    CannotExpress { line: u32, reason: String },
}

impl Stop {
    pub(crate) fn cannot(line: u32, reason: impl Into<String>) -> Stop {
        Stop::CannotExpress { line, reason: reason.into() }
    }

    pub(crate) fn differs(line: u32, kind: DiffKind, message: String) -> Stop {
        Stop::Differs(Difference { line, kind, message, brief: None })
    }

    fn differs_briefly(line: u32, kind: DiffKind, message: String, brief: String) -> Stop {
        Stop::Differs(Difference { line, kind, message, brief: Some(brief) })
    }
}

pub(crate) struct Runner {
    pub(crate) env: Env,
    pub(crate) kernel: Kernel,
    pub(crate) rec: Recorder,
    exact_layout: bool,
    /// Segments tcp-core sent that no `>` line has matched yet (trace indices).
    outbox: VecDeque<usize>,
    verdicts: Vec<Verdict>,
    missing: Option<Missing>,
    pub(crate) numbering: Numbering,
    local_isn_seen: bool,
    /// When the previous event happened.
    prev: Instant,
    /// The addresses the script's segments travel between: (tcp-core's end, the script's end).
    pub(crate) flow: (SocketAddrV4, SocketAddrV4),
    /// The descriptor of the latest system call, which `%{ tcpi_state }%` reads.
    pub(crate) last_fd: Option<i32>,
    timer_firings: u32,
}

impl Runner {
    fn new(script: &Script, options: &RunOptions, stack: String) -> Runner {
        let _ = script;
        Runner {
            env: Env::new(options.profile.config()),
            kernel: Kernel::new(),
            rec: Recorder::new(stack),
            exact_layout: options.exact_option_layout,
            outbox: VecDeque::new(),
            verdicts: Vec::new(),
            missing: None,
            numbering: Numbering { local: SeqNum(0), remote: SCRIPT_ISN },
            local_isn_seen: false,
            prev: Instant::ZERO,
            flow: (
                SocketAddrV4::new(kernel::LOCAL_ADDR, kernel::WELL_KNOWN_PORT),
                SocketAddrV4::new(kernel::REMOTE_ADDR, kernel::SCRIPT_PORT),
            ),
            last_fd: None,
            timer_firings: 0,
        }
    }

    fn run_events(&mut self, script: &Script) -> Result<(), Stop> {
        for option in &script.options {
            if let Applied::Unknown(what) = self.env.header_option(&option.name, &option.value) {
                return Err(Stop::cannot(option.line, what));
            }
        }
        for event in &script.events {
            self.event(event)?;
        }
        self.trailing(script.events.last().map_or(0, |e| e.line))
    }

    fn event(&mut self, event: &Event) -> Result<(), Stop> {
        let (lo, hi) = self.window(event.time);
        match &event.action {
            Action::Packet(p) if p.direction == Direction::Outbound => return self.expect(event, p, lo, hi),
            _ => {}
        }
        self.advance(lo, false)?;
        self.stale(event)?;
        let at = self.kernel.now;
        match &event.action {
            Action::Packet(p) => self.inject(event.line, p)?,
            Action::Syscall(call) => self.syscall(event, call)?,
            Action::Shell(cmd) => self.shell(event.line, cmd)?,
            Action::Code(code) => self.code(event.line, code)?,
        }
        self.prev = at;
        Ok(())
    }

    /// The earliest and latest time of an event (`None` latest: any time).
    fn window(&self, time: EventTime) -> (Instant, Option<Instant>) {
        let at = |base: Instant, us: u64| base + Duration::from_micros(us);
        match time {
            EventTime::Absolute(us) => (at(Instant::ZERO, us), Some(at(Instant::ZERO, us))),
            EventTime::Relative(us) => (at(self.prev, us), Some(at(self.prev, us))),
            EventTime::Range { relative, lo, hi } => {
                let base = if relative { self.prev } else { Instant::ZERO };
                (at(base, lo), Some(at(base, hi)))
            }
            EventTime::Any => (self.kernel.now, None),
        }
    }

    fn tolerance(&self) -> Duration {
        Duration::from_micros(self.env.tolerance_us)
    }

    // ----- the clock -----

    /// Fires timers up to `until`; with `stop_on_output`, stops as soon as a segment is waiting.
    fn advance(&mut self, until: Instant, stop_on_output: bool) -> Result<(), Stop> {
        while let Some(deadline) = self.kernel.next_deadline().filter(|d| *d <= until) {
            self.timer_firings += 1;
            if self.timer_firings > MAX_TIMER_FIRINGS {
                return Err(Stop::cannot(0, format!("tcp-core's timers fired more than {MAX_TIMER_FIRINGS} times")));
            }
            self.kernel.fire_timers(deadline.max(self.kernel.now));
            self.collect();
            if stop_on_output && !self.outbox.is_empty() {
                return Ok(());
            }
        }
        self.kernel.now = self.kernel.now.max(until);
        Ok(())
    }

    /// Moves what tcp-core did into the trace, and its segments into the outbox.
    pub(crate) fn collect(&mut self) {
        let at = self.kernel.now;
        for output in core::mem::take(&mut self.kernel.out) {
            match output {
                Output::Segment { segment, source } => {
                    if !self.local_isn_seen && segment.repr.flags.contains(Flags::SYN) {
                        // As packetdrill: tcp-core's numbers count from its first SYN.
                        self.numbering.local = segment.repr.seq;
                        self.local_isn_seen = true;
                    }
                    let index = self.rec.outbound(at, segment, source).index();
                    self.verdicts.resize(index + 1, Verdict::Unexpected);
                    self.outbox.push_back(index);
                }
                Output::Event { local, remote, event, source } => self.rec.event(at, local, remote, event, source),
            }
        }
    }

    // ----- segments -----

    /// A `>` line: the next segment tcp-core sends must be this one.
    fn expect(&mut self, event: &Event, p: &Packet, lo: Instant, hi: Option<Instant>) -> Result<(), Stop> {
        let last_chance = hi.map_or(self.kernel.now + LOOK_AHEAD, |hi| hi + self.tolerance());
        if self.outbox.is_empty() {
            self.advance(last_chance, true)?;
        }
        let when = match hi {
            Some(hi) if hi != lo => format!("{}~{}", seconds(lo.micros), seconds(hi.micros)),
            Some(_) => seconds(lo.micros),
            None => String::from("any time"),
        };
        if self.outbox.is_empty() {
            // Nothing in time. If the same segment comes later, it is late; else it is missing.
            let mark = self.rec.mark();
            let _ = self.advance(last_chance + LOOK_AHEAD, true);
            if self.outbox.is_empty() {
                self.rec.rewind(mark);
                self.verdicts.truncate(mark.1);
            }
            let late = self.outbox.front().copied().filter(|&i| self.fields(p, i).is_empty());
            return match late {
                Some(_) => self.match_sent(event, p, &when, lo, hi),
                None => Err(self.missing_segment(event, p, &when, lo, last_chance)),
            };
        }
        self.match_sent(event, p, &when, lo, hi)
    }

    fn fields(&self, p: &Packet, index: usize) -> compare::FieldDiffs {
        let seg = &self.rec.trace.segments[index];
        compare::compare(p, &seg.repr, seg.payload.len(), self.numbering, self.exact_layout)
    }

    /// Compares the first waiting segment with the `>` line.
    fn match_sent(
        &mut self,
        event: &Event,
        p: &Packet,
        when: &str,
        lo: Instant,
        hi: Option<Instant>,
    ) -> Result<(), Stop> {
        let Some(index) = self.outbox.pop_front() else {
            return Ok(());
        };
        let tol = self.tolerance();
        let fields = self.fields(p, index);
        let seg = &self.rec.trace.segments[index];
        let sent_at = seg.sent_at;
        let sent = compare::sent_text(&seg.repr, seg.payload.len(), self.numbering);
        let in_time = hi.is_none_or(|hi| sent_at + tol >= lo && sent_at <= hi + tol);
        self.prev = sent_at;
        if in_time && fields.is_empty() {
            self.verdicts[index] = Verdict::Expected { line: event.line };
            return Ok(());
        }
        let expected = compare::spec_text(p);
        self.verdicts[index] = Verdict::Differs { line: event.line, expected: expected.clone() };
        let mut what: Vec<&str> = fields.fields.clone();
        if !in_time {
            what.push("time");
        }
        let message = format!(
            "expected `{expected}` at {when}, sent `{sent}` at {} ({} differ)",
            seconds(sent_at.micros),
            what.join(", ")
        );
        let (want, got) = compare::brief(p, &seg.repr, seg.payload.len(), self.numbering, &what);
        let brief = match (want.is_empty(), in_time) {
            (true, _) => format!("script expects it at {when}, tcp-core sent it at {}", seconds(sent_at.micros)),
            (false, true) => format!("script expects {want}, tcp-core sent {got}"),
            (false, false) => {
                format!("script expects {want} at {when}, tcp-core sent {got} at {}", seconds(sent_at.micros))
            }
        };
        Err(Stop::differs_briefly(event.line, DiffKind::Segment, message, brief))
    }

    /// Nothing was sent in time, and nothing like it later: says what tcp-core sent next, if
    /// anything.
    fn missing_segment(&mut self, event: &Event, p: &Packet, when: &str, due: Instant, waited: Instant) -> Stop {
        let expected = compare::spec_text(p);
        self.missing = Some(Missing { line: event.line, expected: expected.clone(), due_us: due.micros });
        let instead = match self.outbox.front() {
            Some(&i) => {
                let s = &self.rec.trace.segments[i];
                format!(
                    "; tcp-core sent `{}` at {}",
                    compare::sent_text(&s.repr, s.payload.len(), self.numbering),
                    seconds(s.sent_at.micros)
                )
            }
            None => String::new(),
        };
        let message =
            format!("expected `{expected}` at {when}, nothing was sent by {}{instead}", seconds(waited.micros));
        let brief = format!("script expects `{}`, tcp-core sent nothing", compare::head_text(p));
        Stop::differs_briefly(event.line, DiffKind::Missing, message, brief)
    }

    /// Before any other event: a waiting segment sent more than the tolerance ago can no longer
    /// be matched by a later `>` line.
    fn stale(&mut self, event: &Event) -> Result<(), Stop> {
        let Some(&index) = self.outbox.front() else { return Ok(()) };
        let s = &self.rec.trace.segments[index];
        if s.sent_at + self.tolerance() >= self.kernel.now {
            return Ok(());
        }
        let message = format!(
            "sent `{}` at {}, which the script does not list (this line is at {})",
            compare::sent_text(&s.repr, s.payload.len(), self.numbering),
            seconds(s.sent_at.micros),
            seconds(self.kernel.now.micros)
        );
        let brief = format!(
            "tcp-core sent `{}`, which the script does not list",
            compare::sent_head(&s.repr, s.payload.len(), self.numbering)
        );
        Err(Stop::differs_briefly(event.line, DiffKind::Unexpected, message, brief))
    }

    /// After the last line: nothing more may be sent within the tolerance.
    fn trailing(&mut self, last_line: u32) -> Result<(), Stop> {
        let until = self.kernel.now + self.tolerance();
        self.advance(until, true)?;
        let Some(&index) = self.outbox.front() else { return Ok(()) };
        let s = &self.rec.trace.segments[index];
        let message = format!(
            "sent `{}` at {}, after the script's last line",
            compare::sent_text(&s.repr, s.payload.len(), self.numbering),
            seconds(s.sent_at.micros)
        );
        let brief = format!(
            "tcp-core sent `{}` after the script's end",
            compare::sent_head(&s.repr, s.payload.len(), self.numbering)
        );
        Err(Stop::differs_briefly(last_line, DiffKind::Unexpected, message, brief))
    }

    /// A `<` line: the script's segment reaches tcp-core now.
    fn inject(&mut self, line: u32, p: &Packet) -> Result<(), Stop> {
        let Some(seq) = p.seq else {
            return Err(Stop::cannot(line, "`...` as the sequence number of an injected segment"));
        };
        if p.len > MAX_PAYLOAD {
            return Err(Stop::cannot(
                line,
                format!("a payload of {} bytes (an IPv4 packet carries at most {MAX_PAYLOAD})", p.len),
            ));
        }
        let Some(window) = p.win.and_then(|w| u16::try_from(w).ok()) else {
            return Err(Stop::cannot(line, "an injected segment needs `win` (at most 65535)"));
        };
        let options = match &p.options {
            OptionList::None => tcp_core::wire::Options::new(),
            OptionList::Any => return Err(Stop::cannot(line, "`<...>` options on an injected segment")),
            OptionList::List(list) => {
                if list.iter().any(|o| matches!(o, crate::ast::TcpOptionSpec::Timestamps { ecr, .. } if *ecr != 0)) {
                    return Err(Stop::cannot(
                        line,
                        "an injected TS echo, which would need mapping to tcp-core's clock",
                    ));
                }
                compare::options_bytes(list, self.numbering)
                    .ok_or_else(|| Stop::cannot(line, "options longer than the 40 bytes a header carries"))?
            }
        };
        let (local, remote) = self.flow;
        let repr = TcpRepr {
            src_port: remote.port(),
            dst_port: local.port(),
            seq: self.numbering.remote + seq,
            ack: if p.flags.contains(Flags::ACK) { self.numbering.local + p.ack.unwrap_or(0) } else { SeqNum(0) },
            reserved: 0,
            flags: p.flags,
            window,
            checksum: 0,
            urgent: 0,
            options,
        };
        let payload = alloc::vec![0u8; p.len as usize];
        let now = self.kernel.now;
        let wire = Wire { src: remote, dst: local, repr, payload: payload.clone(), retransmission: false };
        self.rec.inbound(now, wire);
        let index = self.rec.trace.segments.len() - 1;
        self.verdicts.resize(index + 1, Verdict::Unexpected);
        self.verdicts[index] = Verdict::Injected { line };
        self.kernel.deliver(&repr, &payload, remote, local);
        self.collect();
        self.rec.handled();
        Ok(())
    }

    fn finish(mut self, stop: Result<(), Stop>) -> Run {
        let outcome = match stop {
            Ok(()) => Outcome::Pass,
            Err(Stop::Differs(d)) => Outcome::Fail(d),
            Err(Stop::CannotExpress { line, reason }) => Outcome::CannotExpress { line, reason },
        };
        let why = match &outcome {
            Outcome::Fail(d) => {
                Some(Truncation::Script { line: d.line, reason: d.brief.as_ref().unwrap_or(&d.message).clone() })
            }
            Outcome::CannotExpress { line, reason } => {
                Some(Truncation::Script { line: *line, reason: format!("cannot express: {reason}") })
            }
            _ => None,
        };
        self.rec.finish(why);
        let segments = self.rec.trace.segments.len();
        self.verdicts.resize(segments, Verdict::Unexpected);
        // Segments still waiting were never compared, but for the one that made the run stop.
        let blamed = matches!(&outcome, Outcome::Fail(d) if d.kind == DiffKind::Unexpected);
        for (n, &index) in self.outbox.iter().enumerate() {
            if !(blamed && n == 0) {
                self.verdicts[index] = Verdict::Unchecked;
            }
        }
        Run {
            outcome,
            trace: self.rec.trace,
            verdicts: self.verdicts,
            missing: self.missing,
            asks_rfc793: self.env.asks_rfc793,
            not_honoured: self.env.not_honoured,
            local_isn: self.numbering.local,
            script_isn: self.numbering.remote,
        }
    }
}
