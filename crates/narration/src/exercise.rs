//! Exercises: predict, then reveal. A scenario's `[[exercise]]` says where a question is asked
//! and what kind it is; everything else comes from the run: the step the page hides while it asks,
//! the right answer, and the wrong ones offered beside it (the mistakes readers make: an
//! acknowledgment number that forgets that a SYN or a FIN takes one, the flags of the segment
//! before, a state one step early, a timer that does not double). So an exercise stays right
//! whatever profile or setting the reader runs it with, and one that no longer fits the run (its
//! segment is never sent, say) is reported, not guessed.

use alloc::string::String;
use alloc::vec::Vec;
use bilingual::Lang;
use tcp_core::{Flags, Instant, State, Timer};
use tcp_sim::Trace;
use tcp_sim::scenario::{Ask, Exercise, SegmentKind};
use tcp_sim::trace::{EventKind, Fate, HostId, SegId, segment_label};

use crate::cx::{Cx, say};

/// A question, resolved against a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// Which of the scenario's exercises (an index into `scenario.exercises`).
    pub exercise: usize,
    /// The playback step it hides: while it is asked, the page shows the steps before this one.
    pub step: usize,
    /// What the question is about.
    pub subject: Subject,
    /// The choices offered, the right one among them.
    pub choices: Vec<Choice>,
    /// The index of the right choice.
    pub answer: usize,
}

/// What a question is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Subject {
    /// Which segment is sent next (the answer is `segment`).
    NextSegment {
        /// The segment sent.
        segment: SegId,
    },
    /// The state the connection that `segment` reaches is in once it has taken it.
    StateAfter {
        /// The segment that arrives.
        segment: SegId,
        /// The host it reaches.
        host: HostId,
        /// That connection's state just before.
        before: State,
    },
    /// When `host`'s `timer`, armed at `armed`, fires.
    TimerFires {
        /// Whose timer.
        host: HostId,
        /// Which timer.
        timer: Timer,
        /// When it was last armed before it fired.
        armed: Instant,
    },
}

/// One choice offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// A segment.
    Segment(SegmentFacts),
    /// A state (the state before, when nothing changes).
    State(State),
    /// A wait, in microseconds, from when the timer was armed.
    After(u64),
}

/// What a reader sees of a segment on the diagram: its ends, flags and numbers (in both
/// numberings, so that a choice reads in either).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentFacts {
    /// Sender.
    pub from: HostId,
    /// Receiver (none: an address no host has).
    pub to: Option<HostId>,
    /// Flags, as the diagram shows them.
    pub flags: Flags,
    /// Sequence number: relative, absolute.
    pub seq: [u32; 2],
    /// Acknowledgment number, relative and absolute (none without ACK).
    pub ack: Option<[u32; 2]>,
    /// Payload bytes.
    pub len: usize,
}

/// Why an exercise cannot be asked of this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unasked {
    /// The run sends no segment that the exercise chooses.
    NoSuchSegment,
    /// Its segment never reaches a connection (lost, or no socket took it).
    NotReceived,
    /// The host's timer does not fire that often in this run.
    NoSuchTimer,
    /// It asks about the run's first step, which cannot be hidden (nothing would be shown).
    AtTheStart,
}

/// An exercise that cannot be asked of this run: which one, and why.
pub type NotAsked = (usize, Unasked);

/// The questions of `exercises` asked of `trace` (their answers read from it), in the order of
/// the steps they hide, then the exercises that do not fit this run.
pub fn questions(exercises: &[Exercise], trace: &Trace) -> Vec<Result<Question, NotAsked>> {
    let steps = seqdiag::steps(trace);
    let step_of = |event: usize| steps.iter().position(|s| s.events.contains(&event)).unwrap_or(0);
    let mut out: Vec<Result<Question, NotAsked>> = (exercises.iter().enumerate())
        .map(|(i, e)| match question(i, e, trace, &step_of) {
            Ok(q) if q.step == 0 => Err((i, Unasked::AtTheStart)),
            Ok(q) => Ok(q),
            Err(why) => Err((i, why)),
        })
        .collect();
    out.sort_by_key(|q| match q {
        Ok(q) => (q.step, q.exercise),
        Err((i, _)) => (usize::MAX, *i),
    });
    out
}

fn question(i: usize, e: &Exercise, t: &Trace, step_of: &dyn Fn(usize) -> usize) -> Result<Question, Unasked> {
    match e.ask {
        Ask::Segment => {
            let segment = chosen_segment(e, t).ok_or(Unasked::NoSuchSegment)?;
            let sent = event_index(t, |k| matches!(k, EventKind::Sent { segment: s } if *s == segment))
                .ok_or(Unasked::NoSuchSegment)?;
            let answer = segment_choice(t, segment);
            let wrong = segment_mistakes(answer);
            Ok(shuffled(i, step_of(sent), Subject::NextSegment { segment }, answer, wrong))
        }
        Ask::State => {
            let segment = chosen_segment(e, t).ok_or(Unasked::NoSuchSegment)?;
            let s = &t.segments[segment];
            let (Fate::Delivered { .. }, Some(conn), Some(host)) = (&s.fate, s.received_by, s.to) else {
                return Err(Unasked::NotReceived);
            };
            let arrived = event_index(t, |k| matches!(k, EventKind::Delivered { segment: s } if *s == segment))
                .ok_or(Unasked::NotReceived)?;
            let step = step_of(arrived);
            let changes = || {
                (t.events.iter().enumerate()).filter(move |(_, ev)| ev.conn == Some(conn)).filter_map(
                    |(k, ev)| match ev.kind {
                        EventKind::State { from, to, .. } => Some((k, from, to)),
                        _ => None,
                    },
                )
            };
            // The state just before the arrival (a connection the segment itself made, a SYN's
            // at a listener, was in the state its first change left), and after its step.
            let before = match changes().take_while(|&(k, ..)| k < arrived).last() {
                Some((_, _, to)) => to,
                None => changes().next().map_or(State::Closed, |(_, from, _)| from),
            };
            let after = (changes().filter(|&(k, ..)| k >= arrived && step_of(k) == step).last())
                .map_or(before, |(_, _, to)| to);
            let wrong = state_mistakes(before, after);
            Ok(shuffled(i, step, Subject::StateAfter { segment, host, before }, Choice::State(after), wrong))
        }
        Ask::Timer => {
            let host = e.host.as_deref().and_then(|name| t.hosts.iter().position(|h| h.name == name)).map(HostId);
            let (Some(host), Some(timer)) = (host, e.timer) else {
                return Err(Unasked::NoSuchTimer);
            };
            let is = |ev: &tcp_sim::trace::TraceEvent, armed: bool| {
                ev.host == host
                    && match ev.kind {
                        EventKind::TimerFired { timer: f, .. } => !armed && f == timer,
                        EventKind::TimerArmed { timer: a, .. } => armed && a == timer,
                        _ => false,
                    }
            };
            let fired = (t.events.iter().enumerate().filter(|(_, ev)| is(ev, false)))
                .nth(e.nth.saturating_sub(1) as usize)
                .map(|(k, _)| k)
                .ok_or(Unasked::NoSuchTimer)?;
            let (at, conn) = (t.events[fired].at, t.events[fired].conn);
            // The wait the stack asked for (on Linux's timer wheel it fires a little later).
            let armed_event = (t.events[..fired].iter().rev()).find(|ev| ev.conn == conn && is(ev, true));
            let armed = armed_event.map_or(Instant::ZERO, |ev| ev.at);
            let wait = match armed_event.map(|ev| &ev.kind) {
                Some(EventKind::TimerArmed { timeout, .. }) => timeout.as_micros() as u64,
                _ => at.micros - armed.micros,
            };
            // Four waits, each twice the one before (does it double? halve?), the right one at a
            // place the exercise chooses; a wait too short to halve comes first, before 1, 2 and
            // 4 ms.
            let (place, base) = if wait < 8 { (0, 500) } else { (mix(i, wait) % 4, wait) };
            let choices = (0..4).map(|k| {
                Choice::After(match k {
                    k if k == place => wait,
                    k if k > place => base << (k - place),
                    k => base >> (place - k),
                })
            });
            Ok(Question {
                exercise: i,
                step: step_of(fired),
                subject: Subject::TimerFires { host, timer, armed },
                choices: choices.collect(),
                answer: place,
            })
        }
    }
}

/// The first trace event that `matches`.
fn event_index(t: &Trace, matches: impl Fn(&EventKind) -> bool) -> Option<usize> {
    t.events.iter().position(|ev| matches(&ev.kind))
}

/// The segment an exercise chooses, as a fault chooses one: by its index among the segments
/// sent, or as the `nth` of those `from` sends of `kind` (a copy the network made is nobody's).
fn chosen_segment(e: &Exercise, t: &Trace) -> Option<SegId> {
    if let Some(index) = e.index {
        let index = SegId(index as usize);
        return t.segments.get(index.index()).filter(|s| s.duplicate_of.is_none()).map(|_| index);
    }
    (t.segments.iter().enumerate())
        .filter(|(_, s)| s.duplicate_of.is_none())
        .filter(|(_, s)| SegmentKind::counted(e.from.as_deref(), e.kind, &t.hosts[s.from.index()].name, s.kind()))
        .nth(e.nth.saturating_sub(1) as usize)
        .map(|(k, _)| SegId(k))
}

/// A segment of the trace as a choice.
fn segment_choice(t: &Trace, segment: SegId) -> Choice {
    let s = &t.segments[segment];
    let (seq, ack) = t.relative(segment);
    Choice::Segment(SegmentFacts {
        from: s.from,
        to: s.to,
        flags: s.repr.flags.without(Flags::PSH).without(Flags::ECE).without(Flags::CWR),
        seq: [seq, s.repr.seq.0],
        ack: ack.map(|a| [a, s.repr.ack.0]),
        len: s.payload.len(),
    })
}

/// The segments a reader may expect instead of `answer`: other flags with the same numbers, an
/// acknowledgment number one off (a SYN or a FIN takes one sequence number), the same segment
/// from the other end, a sequence number one off.
fn segment_mistakes(answer: Choice) -> Vec<Choice> {
    let Choice::Segment(right) = answer else { return Vec::new() };
    let SegmentFacts { from, to, flags, seq, ack, len } = right;
    let (syn, ack_f, fin, rst) = (Flags::SYN, Flags::ACK, Flags::FIN, Flags::RST);
    let other_flags: [Flags; 2] = match SegmentKind::of(flags, len) {
        SegmentKind::Syn => [syn | ack_f, rst],
        SegmentKind::SynAck => [ack_f, syn],
        SegmentKind::Ack => [fin | ack_f, syn | ack_f],
        SegmentKind::Fin => [ack_f, rst | ack_f],
        SegmentKind::Rst => [fin | ack_f, ack_f],
        SegmentKind::Data => [fin | ack_f, rst | ack_f],
    };
    let shift = |n: [u32; 2], by: i32| [n[0].wrapping_add_signed(by), n[1].wrapping_add_signed(by)];
    let with_flags = |f: Flags| {
        // An acknowledgment number only where the answer has one to start from.
        let ack = if f.contains(ack_f) { ack } else { None };
        (!f.contains(ack_f) || ack.is_some()).then_some(SegmentFacts { flags: f, ack, ..right })
    };
    let ack_off =
        |by: i32| ack.filter(|a| a[0] > 0 || by > 0).map(|a| SegmentFacts { ack: Some(shift(a, by)), ..right });
    let reversed = to.map(|to| SegmentFacts { from: to, to: Some(from), ..right });
    let next_seq = Some(SegmentFacts { seq: shift(seq, 1), ..right });
    let candidates = [
        with_flags(other_flags[0]),
        ack_off(-1),
        reversed,
        // Without an acknowledgment number to be off by one: does it take a new sequence number?
        next_seq.filter(|_| ack.is_none()),
        with_flags(other_flags[1]),
        ack_off(1),
        next_seq,
        (seq[0] > 0).then_some(SegmentFacts { seq: shift(seq, -1), ..right }),
    ];
    let mut out: Vec<Choice> = Vec::new();
    for c in candidates.into_iter().flatten().map(Choice::Segment) {
        if c != answer && !out.contains(&c) && out.len() < 3 {
            out.push(c);
        }
    }
    out
}

/// The states a reader may expect instead of `after`: the state before (nothing changes), and
/// its neighbours in the state diagram.
fn state_mistakes(before: State, after: State) -> Vec<Choice> {
    use State::*;
    let near: [State; 3] = match after {
        SynSent => [SynReceived, Established, Listen],
        SynReceived => [Established, SynSent, Listen],
        Established => [SynReceived, CloseWait, FinWait1],
        FinWait1 => [FinWait2, Closing, TimeWait],
        FinWait2 => [TimeWait, FinWait1, CloseWait],
        CloseWait => [LastAck, FinWait2, TimeWait],
        Closing => [TimeWait, FinWait2, LastAck],
        LastAck => [Closed, TimeWait, CloseWait],
        TimeWait => [Closed, Closing, FinWait2],
        Closed => [TimeWait, LastAck, Listen],
        Listen => [SynReceived, Closed, SynSent],
    };
    let mut out: Vec<Choice> = Vec::new();
    for s in core::iter::once(before).chain(near) {
        if s != after && !out.contains(&Choice::State(s)) && out.len() < 3 {
            out.push(Choice::State(s));
        }
    }
    out
}

/// A question with the right answer put among the wrong ones at a place chosen by the exercise
/// and the step, so that neither the author nor the reader can count on where it is.
fn shuffled(exercise: usize, step: usize, subject: Subject, answer: Choice, mut choices: Vec<Choice>) -> Question {
    let place = mix(exercise, step as u64) % (choices.len() + 1);
    choices.insert(place, answer);
    Question { exercise, step, subject, choices, answer: place }
}

/// A number from two, well stirred (a step of SplitMix64).
fn mix(a: usize, b: u64) -> usize {
    let mut z = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as usize
}

// ----- words ---------------------------------------------------------------------------------

/// The question, in `lang`.
pub fn prompt(q: &Question, t: &Trace, lang: Lang, relative: bool) -> String {
    let cx = Cx::new(t, lang, relative);
    crate::typeset(
        lang,
        &match q.subject {
            Subject::NextSegment { .. } => say!(
                cx,
                "What is sent next? Choose who sends it, its flags and its numbers.",
                "接下来发出的是哪个报文段？请选出发送方、标志位、序号和确认号。"
            ),
            Subject::StateAfter { segment, host, before } => {
                let (label, who, state) = (cx.label(segment), cx.host(host), Cx::st(before));
                let who_cap = cx.cap(host);
                say!(
                    cx,
                    "{label} reaches {who}, which is in {state}. {who_cap} takes it: which state is it in then?",
                    "{label} 到达{who}，{who}此时处于 {state}。{who}处理完这个报文段后处于什么状态？"
                )
            }
            Subject::TimerFires { host, timer, armed } => {
                let (who, name) = (cx.cap(host), timer_name(lang, timer));
                let at = bilingual::instant(lang, armed.micros);
                say!(
                    cx,
                    "{who} armed its {name} at {at}. How long after that does it fire?",
                    "{who}在 {at}启动了{name}。它在启动后多久到期？"
                )
            }
        },
    )
}

/// A choice, in `lang`.
pub fn choice_text(q: &Question, choice: &Choice, t: &Trace, lang: Lang, relative: bool) -> String {
    let cx = Cx::new(t, lang, relative);
    // `client → server` (the names as the diagram's heads show them), `客户端 → 服务器`.
    let name = |h: HostId| match lang.shown() {
        Lang::En => String::from(t.hosts.get(h.index()).map_or("?", |h| h.name.as_str())),
        Lang::Zh => cx.host(h),
    };
    let text = match *choice {
        Choice::Segment(SegmentFacts { from, to, flags, seq, ack, len }) => {
            let k = usize::from(!relative);
            let (from, to) = (name(from), to.map_or_else(|| String::from("?"), name));
            let label = segment_label(flags, seq[k], ack.map(|a| a[k]), len);
            bilingual::say!(lang, "{from} → {to}: {label}", "{from} → {to}：{label}")
        }
        Choice::State(s) => match q.subject {
            Subject::StateAfter { before, .. } if before == s => {
                let state = Cx::st(s);
                bilingual::say!(lang, "stays in {state}", "仍处于 {state}")
            }
            _ => String::from(Cx::st(s)),
        },
        Choice::After(micros) => bilingual::duration(lang, micros),
    };
    crate::typeset(lang, &text)
}

/// What the page says once the reader has chosen `picked`: right or not, and the run's answer.
pub fn verdict(q: &Question, picked: usize, t: &Trace, lang: Lang, relative: bool) -> String {
    let answer = choice_text(q, &q.choices[q.answer], t, lang, relative);
    if picked == q.answer {
        bilingual::say!(lang, "Right: {answer}.", "答对了：{answer}。")
    } else {
        let chosen = q.choices.get(picked).map(|c| choice_text(q, c, t, lang, relative)).unwrap_or_default();
        bilingual::say!(
            lang,
            "Not this time: you chose {chosen}; the run says {answer}.",
            "不对：你选的是 {chosen}，这次运行的答案是 {answer}。"
        )
    }
}

/// Why an exercise is skipped, in `lang`.
pub fn unasked(why: Unasked, lang: Lang) -> String {
    String::from(match why {
        Unasked::NoSuchSegment => bilingual::pick(
            lang,
            "This run never sends the segment this exercise asks about (a setting changed the exchange), so it is skipped.",
            "这次运行没有发出这道练习所问的报文段（某项设置改变了报文段往来），因此跳过。",
        ),
        Unasked::NotReceived => bilingual::pick(
            lang,
            "The segment this exercise asks about reaches no connection in this run, so it is skipped.",
            "这道练习所问的报文段在这次运行中没有到达任何连接，因此跳过。",
        ),
        Unasked::NoSuchTimer => bilingual::pick(
            lang,
            "The timer this exercise asks about does not fire that often in this run, so it is skipped.",
            "这道练习所问的定时器在这次运行中没有到期那么多次，因此跳过。",
        ),
        Unasked::AtTheStart => bilingual::pick(
            lang,
            "This exercise asks about the very first moment of the run, which cannot be hidden, so it is skipped.",
            "这道练习问的是运行的第一个时刻，无法先隐藏起来，因此跳过。",
        ),
    })
}

/// A timer's name in a sentence.
fn timer_name(lang: Lang, timer: Timer) -> &'static str {
    match timer {
        Timer::Retransmit => bilingual::pick(lang, "retransmission timer", "重传定时器"),
        Timer::DelayedAck => bilingual::pick(lang, "delayed-ACK timer", "延迟确认定时器"),
        Timer::TimeWait => bilingual::pick(lang, "2·MSL timer", "2MSL 定时器"),
        Timer::FinWait2 => bilingual::pick(lang, "FIN_WAIT2 timer", "FIN_WAIT2 定时器"),
        Timer::Persist => bilingual::pick(lang, "zero-window probe timer", "零窗口探测定时器"),
        Timer::Keepalive => bilingual::pick(lang, "keep-alive timer", "保活定时器"),
        Timer::Establishment => bilingual::pick(lang, "connect time limit", "建立连接时限定时器"),
    }
}
