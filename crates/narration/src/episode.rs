//! A playback step split into episodes: one thing that happened to one host (a segment arrived,
//! the application called, a timer fired) and everything its TCP did about it at that instant.

use alloc::vec::Vec;
use tcp_core::event::{Cause, DropReason, Reply};
use tcp_core::time::Duration;
use tcp_core::{Instant, State, Timer};
use tcp_sim::trace::{AppCall, AppError, ConnId, EventKind, HostId, LossReason, Notice, SegId};

use crate::cx::Cx;

/// What set an episode off.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Trigger {
    /// A segment arrived.
    Recv(SegId),
    /// The application called TCP (not `accept()`, which follows a handshake).
    App(AppCall, Option<AppError>),
    /// A timer expired, after this many retransmissions.
    Timer(Timer, u8),
    /// Nothing visible: a segment from an attacker, say.
    None,
}

/// A state change inside an episode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Change {
    pub(crate) from: State,
    pub(crate) to: State,
    pub(crate) cause: Cause,
}

/// One episode: what set it off on one host at one instant, and the state changes, segments,
/// timers, rejection and notices that followed from it.
#[derive(Clone, Debug)]
pub(crate) struct Ep {
    pub(crate) host: HostId,
    pub(crate) at: Instant,
    /// Index of its first event.
    pub(crate) first: usize,
    pub(crate) trigger: Trigger,
    /// The connection it concerns, once known.
    pub(crate) conn: Option<ConnId>,
    pub(crate) changes: Vec<Change>,
    /// Segments sent, in order.
    pub(crate) sent: Vec<SegId>,
    pub(crate) lost: Vec<(SegId, LossReason)>,
    /// Timers started: (timer, deadline, backoff).
    /// Timers armed: which, when they fire, how long they were asked to wait, their backoff.
    pub(crate) armed: Vec<(Timer, Instant, Duration, u8)>,
    pub(crate) cancelled: Vec<Timer>,
    pub(crate) rejected: Option<(DropReason, Reply)>,
    pub(crate) notices: Vec<Notice>,
    /// Further application calls (`accept()`).
    pub(crate) calls: Vec<AppCall>,
}

impl Ep {
    fn new(host: HostId, at: Instant, first: usize, trigger: Trigger) -> Ep {
        Ep {
            host,
            at,
            first,
            trigger,
            conn: None,
            changes: Vec::new(),
            sent: Vec::new(),
            lost: Vec::new(),
            armed: Vec::new(),
            cancelled: Vec::new(),
            rejected: None,
            notices: Vec::new(),
            calls: Vec::new(),
        }
    }

    /// The change `from -> to`, if it happened.
    pub(crate) fn changed(&self, from: State, to: State) -> bool {
        self.changes.iter().any(|c| c.from == from && c.to == to)
    }

    /// Whether the connection entered `to`.
    pub(crate) fn entered(&self, to: State) -> bool {
        self.changes.iter().any(|c| c.to == to)
    }

    /// The state before the first change, if any.
    pub(crate) fn from(&self) -> Option<State> {
        self.changes.first().map(|c| c.from)
    }

    /// When `timer`, armed in this episode, is due (its timeout from now: what the stack asked
    /// for, which the narration names), and its backoff.
    pub(crate) fn armed(&self, timer: Timer) -> Option<(Instant, u8)> {
        self.armed.iter().find(|a| a.0 == timer).map(|a| (self.at + a.2, a.3))
    }

    /// When `timer`, armed in this episode, really fires: later than [`Ep::armed`] says on a
    /// timer wheel (`Config::timer_wheel_tick`).
    pub(crate) fn fires_at(&self, timer: Timer) -> Option<Instant> {
        self.armed.iter().find(|a| a.0 == timer).map(|a| a.1)
    }

    /// How long `timer`, armed in this episode, was asked to wait.
    pub(crate) fn armed_for(&self, timer: Timer) -> Option<Duration> {
        self.armed.iter().find(|a| a.0 == timer).map(|a| a.2)
    }

    pub(crate) fn cancelled(&self, timer: Timer) -> bool {
        self.cancelled.contains(&timer)
    }

    pub(crate) fn notified(&self, pred: impl Fn(&Notice) -> bool) -> bool {
        self.notices.iter().any(pred)
    }

    pub(crate) fn accepted(&self) -> bool {
        self.calls.contains(&AppCall::Accept)
    }

    /// The receiver's state when the triggering segment arrived: the first change's origin, else
    /// the connection's last known state, else LISTEN for a listener.
    pub(crate) fn state_at_start(&self, cx: &Cx<'_>) -> Option<State> {
        if let Some(from) = self.from() {
            return Some(from);
        }
        if let Some(c) = self.conn
            && let Some(s) = cx.state_before(c, self.first)
        {
            return Some(s);
        }
        cx.listening(self.host, self.first).then_some(State::Listen)
    }

    fn take(&mut self, ev: usize, cx: &Cx<'_>) {
        let e = cx.ev(ev);
        if self.conn.is_none() {
            self.conn = e.conn;
        }
        match &e.kind {
            EventKind::State { from, to, cause } => self.changes.push(Change { from: *from, to: *to, cause: *cause }),
            EventKind::Sent { segment } => self.sent.push(*segment),
            EventKind::Lost { segment, reason } => self.lost.push((*segment, *reason)),
            EventKind::TimerArmed { timer, deadline, timeout, backoff } => {
                self.armed.push((*timer, *deadline, *timeout, *backoff))
            }
            EventKind::TimerCancelled { timer } => self.cancelled.push(*timer),
            EventKind::Rejected { reason, reply, .. } => self.rejected = Some((*reason, *reply)),
            EventKind::Notified { notice } => self.notices.push(*notice),
            EventKind::App { call, .. } => self.calls.push(call.clone()),
            EventKind::Delivered { .. } | EventKind::TimerFired { .. } => {}
        }
    }
}

/// The episodes of the events `events`, in the order they began.
pub(crate) fn episodes(cx: &Cx<'_>, events: &[usize]) -> Vec<Ep> {
    let mut eps: Vec<Ep> = Vec::new();
    let mut sorted: Vec<usize> = events.iter().copied().filter(|&i| i < cx.t.events.len()).collect();
    crate::sort_small_by_key(&mut sorted, |&i| i);
    sorted.dedup();
    for i in sorted {
        let e = cx.ev(i);
        let trigger = match &e.kind {
            EventKind::Delivered { segment } => Some(Trigger::Recv(*segment)),
            EventKind::TimerFired { timer, backoff } => Some(Trigger::Timer(*timer, *backoff)),
            EventKind::App { call, error } if *call != AppCall::Accept => Some(Trigger::App(call.clone(), *error)),
            _ => None,
        };
        match trigger {
            Some(t) => {
                let mut ep = Ep::new(e.host, e.at, i, t);
                ep.conn = e.conn;
                eps.push(ep);
            }
            None => {
                // A segment that leaves with no cause of its own on its host (an attacker's)
                // starts an episode; so does anything before a trigger in this step.
                let attach = eps.iter().rposition(|ep| ep.host == e.host);
                match attach {
                    Some(k) => eps[k].take(i, cx),
                    None => {
                        let mut ep = Ep::new(e.host, e.at, i, Trigger::None);
                        ep.take(i, cx);
                        eps.push(ep);
                    }
                }
            }
        }
    }
    eps
}
