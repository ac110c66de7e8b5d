//! The run as a synack [`Trace`], so that it is drawn like any simulated run: tcp-core is the
//! first lifeline (its states and timers come from its events), the script the second. Segments
//! cross in no time (the script and the stack share one clock); the first difference that
//! stopped the run is the trace's `truncated` note.

use crate::kernel::{Source, Wire};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddrV4;
use tcp_core::{Event, Instant, State};
use tcp_sim::Trace;
use tcp_sim::trace::{
    AppCall, AppError, ConnId, ConnInfo, EventKind, Fate, HostId, HostInfo, Notice, SegId, Segment, Synchronized,
    TraceEvent,
};

/// tcp-core's host in the trace.
pub(crate) const STACK: HostId = HostId(0);
/// The script's host in the trace.
pub(crate) const SCRIPT: HostId = HostId(1);

/// Builds the trace as the run goes.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub(crate) trace: Trace,
    /// Per connection: it has ended (a later one with the same addresses is a new connection).
    finished: Vec<bool>,
    /// The segment being handled, which rejections refer to.
    arriving: Option<SegId>,
}

impl Recorder {
    pub(crate) fn new(stack_name: String) -> Recorder {
        let hosts = alloc::vec![
            // tcp-core's ISNs step per connection (`kernel::Kernel::next_isn`); the script's are its own.
            HostInfo { name: stack_name, addr: crate::kernel::LOCAL_ADDR, attacker: false, fixed_isn: None },
            HostInfo {
                name: String::from("script"),
                addr: crate::kernel::REMOTE_ADDR,
                attacker: false,
                fixed_isn: None
            },
        ];
        Recorder { trace: Trace { hosts, ..Trace::default() }, finished: Vec::new(), arriving: None }
    }

    fn record(&mut self, at: Instant, host: HostId, conn: Option<ConnId>, kind: EventKind) {
        self.trace.events.push(TraceEvent { at, host, conn, kind });
        self.trace.end = self.trace.end.max(at);
    }

    /// The live connection between these addresses, if any.
    pub(crate) fn live(&self, local: SocketAddrV4, remote: SocketAddrV4) -> Option<ConnId> {
        self.trace
            .conns
            .iter()
            .enumerate()
            .rposition(|(i, c)| c.local == local && c.remote == remote && !self.finished[i])
            .map(ConnId)
    }

    /// The live connection between these addresses, or a new one.
    pub(crate) fn conn(&mut self, local: SocketAddrV4, remote: SocketAddrV4) -> ConnId {
        if let Some(i) = self.live(local, remote) {
            return i;
        }
        self.trace.conns.push(ConnInfo::new(STACK, local, remote));
        self.finished.push(false);
        ConnId(self.trace.conns.len() - 1)
    }

    /// A segment the script injects; it arrives at once. Returns its index.
    pub(crate) fn inbound(&mut self, at: Instant, segment: Wire) -> SegId {
        let conn = self.live(segment.dst, segment.src);
        let index = self.push_segment(SCRIPT, None, at, segment);
        self.trace.segments[index].received_by = conn;
        self.record(at, SCRIPT, None, EventKind::Sent { segment: index });
        self.record(at, STACK, conn, EventKind::Delivered { segment: index });
        self.arriving = Some(index);
        index
    }

    /// The arriving segment has been handled.
    pub(crate) fn handled(&mut self) {
        // A segment to a listener reaches the connection it opens or completes.
        if let Some(i) = self.arriving.take()
            && let Some(s) = self.trace.segments.get(i.index())
            && s.received_by.is_none()
        {
            let (local, remote) = (s.dst, s.src);
            self.trace.segments[i].received_by = self.live(local, remote);
        }
    }

    /// A segment tcp-core sent; the script sees it at once. Returns its index.
    pub(crate) fn outbound(&mut self, at: Instant, segment: Wire, source: Source) -> SegId {
        let conn = match source {
            Source::NoSocket => None,
            Source::Listener => self.live(segment.src, segment.dst),
            Source::Socket => Some(self.conn(segment.src, segment.dst)),
        };
        if let Some(c) = conn.and_then(|c| self.trace.conns.get_mut(c.index())) {
            c.sent(segment.repr.flags, segment.repr.seq);
        }
        // A reset, or a reply without a connection, takes its numbers from the segment it answers.
        let reply = conn.is_none() || segment.repr.flags.contains(tcp_core::Flags::RST);
        let answers = self.arriving.filter(|_| reply);
        let index = self.push_segment(STACK, conn, at, segment);
        self.trace.segments[index].answers = answers;
        self.record(at, STACK, conn, EventKind::Sent { segment: index });
        self.record(at, SCRIPT, None, EventKind::Delivered { segment: index });
        index
    }

    /// Adds a segment from `from` to the other host, delivered as it is sent.
    fn push_segment(&mut self, from: HostId, conn: Option<ConnId>, at: Instant, w: Wire) -> SegId {
        self.trace.segments.push(Segment {
            from,
            to: Some(if from == STACK { SCRIPT } else { STACK }),
            conn,
            src: w.src,
            dst: w.dst,
            sent_at: at,
            fate: Fate::Delivered { at },
            repr: w.repr,
            payload: w.payload,
            retransmission: w.retransmission,
            duplicate_of: None,
            injected: false,
            forged: false,
            extra_delay_us: 0,
            // The script and the stack share one clock: segments cross in no time.
            link_delay_us: 0,
            received_by: None,
            answers: None,
        });
        SegId(self.trace.segments.len() - 1)
    }

    /// What a tcp-core connection reported, as the simulator records it.
    pub(crate) fn event(
        &mut self,
        at: Instant,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        event: Event,
        source: Source,
    ) {
        if let Event::SegmentRejected { reason, reply } = event {
            let conn = if source == Source::NoSocket { None } else { self.live(local, remote) };
            let segment = self.arriving;
            self.record(at, STACK, conn, EventKind::Rejected { segment, reason, reply });
            return;
        }
        if source == Source::NoSocket {
            return;
        }
        let id = self.conn(local, remote);
        let kind = match event {
            Event::StateChanged { from, to, cause } => {
                if to == State::Listen && source == Source::Listener {
                    // A half-open connection was dropped (reset or timed out).
                    self.finished[id.index()] = true;
                }
                EventKind::State { from, to, cause }
            }
            Event::TimerArmed { timer, deadline, timeout, backoff } => {
                EventKind::TimerArmed { timer, deadline, timeout, backoff }
            }
            Event::TimerCancelled { timer } => EventKind::TimerCancelled { timer },
            Event::TimerFired { timer, backoff } => EventKind::TimerFired { timer, backoff },
            // accept() tells the application of a listener's connection.
            Event::Negotiated(negotiation) => {
                let peer_syn = self.arriving.filter(|&i| {
                    self.trace.segments.get(i.index()).is_some_and(|s| s.repr.flags.contains(tcp_core::Flags::SYN))
                });
                let from_segment = SegId(self.trace.segments.len());
                self.trace.conns[id].synchronize(Synchronized { negotiation, peer_syn, from_segment });
                return;
            }
            Event::Connected if source == Source::Listener => return,
            Event::Connected => EventKind::Notified { notice: Notice::Connected },
            // A script that closed the socket reads nothing more from it.
            Event::EndOfStream if self.closed_by_app(id) => return,
            Event::EndOfStream => EventKind::Notified { notice: Notice::EndOfStream },
            Event::Closed { reason } => {
                self.finished[id.index()] = true;
                EventKind::Notified { notice: Notice::Closed { reason } }
            }
            // read() and write() say what the application did with the buffers.
            Event::Received { .. } | Event::Writable | Event::SegmentRejected { .. } => return,
        };
        self.record(at, STACK, Some(id), kind);
    }

    /// Whether the script closed connection `id` (close() or an abort); one end of stream per
    /// connection at most asks.
    fn closed_by_app(&self, id: ConnId) -> bool {
        self.trace.events.iter().any(|e| {
            e.conn == Some(id)
                && matches!(e.kind, EventKind::App { call: AppCall::Close | AppCall::Abort, error: None })
        })
    }

    /// A system call the trace has a word for.
    pub(crate) fn app(&mut self, at: Instant, conn: Option<ConnId>, call: AppCall, error: Option<AppError>) {
        self.record(at, STACK, conn, EventKind::App { call, error });
    }

    /// Bytes the application read.
    pub(crate) fn read(&mut self, at: Instant, conn: Option<ConnId>, bytes: usize) {
        self.record(at, STACK, conn, EventKind::Notified { notice: Notice::Data { bytes } });
    }

    /// Where the trace stands, to [`Recorder::rewind`] to.
    pub(crate) fn mark(&self) -> (usize, usize, usize) {
        (self.trace.events.len(), self.trace.segments.len(), self.trace.conns.len())
    }

    /// Forgets everything recorded since `mark`: what tcp-core did while the runner looked
    /// ahead for a segment that never came is not part of the run.
    pub(crate) fn rewind(&mut self, (events, segments, conns): (usize, usize, usize)) {
        self.trace.events.truncate(events);
        self.trace.segments.truncate(segments);
        self.trace.conns.truncate(conns);
        self.finished.truncate(conns);
        self.trace.end = self.trace.events.last().map_or(Instant::ZERO, |e| e.at);
    }

    /// The run ends with its last event, stopped by `why` if it was.
    pub(crate) fn finish(&mut self, why: Option<tcp_sim::trace::Truncation>) {
        self.trace.truncated = why;
    }
}
