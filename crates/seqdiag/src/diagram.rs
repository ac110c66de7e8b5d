//! The diagram: plain geometry, in pixels of a `width` × `height` canvas (y grows downwards).
//!
//! Renderers draw the fields in this order (later on top): lifelines, state bands, timer bars,
//! time breaks, transitions, arrows, then all labels: [`crate::svg`] is the renderer, for the
//! standalone file and for the web page. Classes for styling come from the
//! `class()` methods and [`crate::style::CSS`]. Every text is already in the chosen language;
//! a label whose `placed` is `None` found no free room and is only shown on hover.

use alloc::string::String;
use alloc::vec::Vec;
use tcp_core::event::Timer;
use tcp_core::{Instant, State};
use tcp_sim::trace::{ConnId, HostId, SegId};

/// A point on the canvas, in pixels from its top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Pixels right of the left edge.
    pub x: f32,
    /// Pixels below the top edge (y grows downwards).
    pub y: f32,
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// x of the left edge.
    pub x: f32,
    /// y of the top edge (the smaller y: y grows downwards).
    pub y: f32,
    /// Width in pixels: the right edge is at `x + w`.
    pub w: f32,
    /// Height in pixels: the bottom edge is at `y + h`.
    pub h: f32,
}

impl Rect {
    /// Whether the two rectangles share interior points.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
    /// x of the right edge, `x + w`.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    /// y of the bottom edge, `y + h`.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

impl Rect {
    /// The four corners, clockwise from the top left.
    pub fn quad(&self) -> Quad {
        let (x2, y2) = (self.right(), self.bottom());
        Quad([
            Point { x: self.x, y: self.y },
            Point { x: x2, y: self.y },
            Point { x: x2, y: y2 },
            Point { x: self.x, y: y2 },
        ])
    }
}

/// A rectangle that may be rotated: its four corners in order around it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quad(pub [Point; 4]);

impl Quad {
    /// Whether the two shapes come closer than `margin` (separating-axis test; two upright
    /// rectangles, the common case, are compared as boxes).
    pub fn overlaps(&self, other: &Quad, margin: f32) -> bool {
        if self.is_upright() && other.is_upright() {
            let (a, b) = (self.bbox(), other.bbox());
            return a.x < b.right() + margin
                && b.x < a.right() + margin
                && a.y < b.bottom() + margin
                && b.y < a.bottom() + margin;
        }
        let axes = [self.axis(0), self.axis(1), other.axis(0), other.axis(1)];
        !axes.iter().any(|ax| {
            let (a0, a1) = self.project(*ax);
            let (b0, b1) = other.project(*ax);
            a1 + margin <= b0 || b1 + margin <= a0
        })
    }

    /// Whether it is an upright rectangle, corners as [`Rect::quad`] lists them.
    fn is_upright(&self) -> bool {
        let [a, b, c, d] = self.0;
        a.y == b.y && b.x == c.x && c.y == d.y && d.x == a.x
    }

    /// The smallest axis-aligned rectangle around it.
    pub fn bbox(&self) -> Rect {
        use crate::num::{max, min};
        let (x0, x1, y0, y1) = self.0.iter().fold((f32::MAX, f32::MIN, f32::MAX, f32::MIN), |(x0, x1, y0, y1), p| {
            (min(x0, p.x), max(x1, p.x), min(y0, p.y), max(y1, p.y))
        });
        Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
    }

    /// Unit normal of edge `k` (0 or 1).
    fn axis(&self, k: usize) -> Point {
        let (p, q) = (self.0[k], self.0[k + 1]);
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let len = crate::num::sqrt(dx * dx + dy * dy).max(1e-6);
        Point { x: -dy / len, y: dx / len }
    }

    /// The span of its corners along `axis`.
    fn project(&self, axis: Point) -> (f32, f32) {
        use crate::num::{max, min};
        self.0
            .iter()
            .map(|p| p.x * axis.x + p.y * axis.y)
            .fold((f32::MAX, f32::MIN), |(lo, hi), v| (min(lo, v), max(hi, v)))
    }
}

/// Horizontal alignment of a text relative to its x (SVG `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// x is the left end.
    Start,
    /// x is the centre.
    Middle,
    /// x is the right end.
    End,
}

impl Anchor {
    /// The SVG `text-anchor` value.
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A placed text: one line, or several when it was wrapped to fit its lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// x of the anchor.
    pub x: f32,
    /// y of the (first) baseline.
    pub y: f32,
    /// Whether the text starts, is centred or ends at `x`.
    pub anchor: Anchor,
    /// The box it occupies (for hit-testing and overlap checks).
    pub rect: Rect,
    /// The text's lines when it wraps, each [`Label::line_height`] below the previous; empty when
    /// the whole text is one line.
    pub lines: Vec<String>,
    /// Distance between two baselines of a wrapped text.
    pub line_height: f32,
}

/// Which side of its lifeline a host's annotations (state names, timer bars, notes) are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Left (the leftmost lifeline).
    Left,
    /// Right (every other lifeline).
    Right,
}

impl Side {
    /// -1 for left, +1 for right.
    pub fn sign(self) -> f32 {
        match self {
            Side::Left => -1.0,
            Side::Right => 1.0,
        }
    }
}

/// Everything the renderers draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// Canvas width in pixels: the SVG's `width` and its `viewBox`'s.
    pub width: f32,
    /// Canvas height in pixels: the SVG's `height` and its `viewBox`'s.
    pub height: f32,
    /// Document title (SVG `<title>`).
    pub title: String,
    /// Document description for screen readers (SVG `<desc>`).
    pub desc: String,
    /// One per host, left to right.
    pub lifelines: Vec<Lifeline>,
    /// Connection-state bands along the lifelines.
    pub bands: Vec<StateBand>,
    /// State changes (a dot on the lifeline and the new state's name).
    pub transitions: Vec<Transition>,
    /// Timers, beside the lifeline that owns them.
    pub timers: Vec<TimerBar>,
    /// Idle stretches cut out of the time axis.
    pub breaks: Vec<TimeBreak>,
    /// One per segment, in segment order: `arrows[i].segment.index() == i`.
    pub arrows: Vec<Arrow>,
    /// What the applications did or were told, and rejected segments.
    pub notes: Vec<Note>,
    /// Simulated time along the left edge.
    pub ruler: Vec<TimeMark>,
    /// The playback steps (see [`mod@crate::steps`]): when and at which y each happens.
    pub steps: Vec<StepMark>,
    /// A line under the diagram (why the run stopped early), if any.
    pub caption: Option<(String, Label)>,
    /// When the link was down: a band across the lifelines.
    pub outages: Vec<OutageBand>,
}

/// A host's lifeline and its header.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifeline {
    /// Index into `trace.hosts`.
    pub host: HostId,
    /// x of the line.
    pub x: f32,
    /// Top of the line (below the header).
    pub y1: f32,
    /// Bottom of the line.
    pub y2: f32,
    /// The header box.
    pub head: Rect,
    /// The host's name as shown: in Chinese, `client`, `server` and `attacker` are translated
    /// ([`bilingual::host_name`]).
    pub name: String,
    /// Where the name goes.
    pub name_at: Label,
    /// `address:port` (or the attacker's note).
    pub addr: String,
    /// Where the address goes.
    pub addr_at: Label,
    /// Which side its annotations are on.
    pub side: Side,
    /// The host only sends forged segments.
    pub attacker: bool,
}

/// What a segment is, for colour and badge: the same kinds a fault selects by.
pub use tcp_sim::scenario::SegmentKind;

/// CSS class of a segment kind.
pub fn kind_class(kind: SegmentKind) -> &'static str {
    match kind {
        SegmentKind::Syn => "syn",
        SegmentKind::SynAck => "synack",
        SegmentKind::Fin => "fin",
        SegmentKind::Rst => "rst",
        SegmentKind::Data => "data",
        SegmentKind::Ack => "ack",
    }
}

/// How a segment differs from an ordinary one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// It never arrived: the arrow stops part-way at a cross.
    pub lost: bool,
    /// It repeats an earlier segment (dashed).
    pub retransmission: bool,
    /// A copy the network made.
    pub duplicate: bool,
    /// A segment from an earlier connection, injected by the scenario.
    pub old_duplicate: bool,
    /// Sent from a forged source address.
    pub forged: bool,
    /// It arrived but the receiver rejected it (hollow head, and a note at the receiver).
    pub rejected: bool,
}

/// A segment, drawn from the sender's lifeline at its send time to the receiver's at its
/// arrival time, or to a cross where a lost one stops.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Index into `trace.segments`.
    pub segment: SegId,
    /// Step at which it leaves.
    pub step: usize,
    /// Step at which it arrives (or, when lost, the step it leaves).
    pub end_step: usize,
    /// Start (at the sender's lifeline, at its send time).
    pub from: Point,
    /// End: the receiver's lifeline at the arrival time, or where a lost segment stops.
    pub to: Point,
    /// The arrowhead triangle (tip first); `None` for a lost segment.
    pub head: Option<[Point; 3]>,
    /// Centre of the cross of a lost segment.
    pub cross: Option<Point>,
    /// Kind (colour).
    pub kind: SegmentKind,
    /// How it differs from an ordinary segment (lost, retransmitted, rejected, ...), each drawn
    /// its own way.
    pub marks: Marks,
    /// The flags badge: `S`, `SA`, `A`, `PA`, `FA`, `R`, `RA`.
    pub badge: String,
    /// The textbook label: `SYN, ACK seq=0 ack=1`; a run of identical segments ends in `×N`.
    pub label: String,
    /// Words after the label: `retransmission`, `old duplicate`, `lost`; may be empty.
    pub tag: String,
    /// A later member of a run of identical segments (a burst of forged SYNs): its label is on
    /// the run's first arrow, which ends in `×N`.
    pub repeat: bool,
    /// Where badge and label go, `None` when there was no room (or for a `repeat`).
    pub placed: Option<ArrowLabel>,
}

/// Placement of an arrow's badge and label, `[SA] SYN, ACK seq=0 ack=1  tag` on one line that
/// runs parallel to the arrow, just above it (or below, when above was taken); in a narrow lane
/// the text wraps onto more lines.
///
/// The label is drawn in its own frame: x along the arrow (reading left to right), y across it,
/// the origin at the box's bottom-left. In that frame the box is `(0, -h)` to `(width, 0)`, the
/// badge `(0, -h + 1)` to `(badge_width, -h + 13)` ([`ArrowLabel::BADGE_H`] high) with its text
/// centred on the baseline `-h + 10`, and each of [`ArrowLabel::lines`] starts at its own
/// `(x, y)` (one line: `x = badge_width + 5`, `y = -4`). [`ArrowLabel::transform`] maps the
/// frame onto the page (an SVG `matrix(…)`).
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowLabel {
    /// The frame's origin on the page.
    pub origin: Point,
    /// The frame's x direction on the page: `(cos, sin)` of the angle, `cos > 0`.
    pub dir: Point,
    /// Width of the whole label.
    pub width: f32,
    /// Height of the whole label.
    pub height: f32,
    /// Width of the badge.
    pub badge_width: f32,
    /// The box's corners on the page (for hit-testing and overlap checks).
    pub quad: Quad,
    /// Placed on the arrow itself (no room beside it): renderers put a background under it.
    pub on_line: bool,
    /// The text, line by line.
    pub lines: Vec<LabelLine>,
}

/// One line of an arrow's label, in the label's frame: label words, then tag words (in the
/// tag's style), either possibly empty.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelLine {
    /// x where the line starts.
    pub x: f32,
    /// y of its baseline, in the label's frame (negative: above the frame's origin).
    pub y: f32,
    /// Words of the label (`SYN, ACK seq=0`).
    pub text: String,
    /// Words of the tag (`retransmission`), drawn after the label's, 8 px apart.
    pub tag: String,
}

impl ArrowLabel {
    /// Height of the badge.
    pub const BADGE_H: f32 = 12.0;

    /// The SVG transform from the label's frame to the page: `matrix(c s -s c x y)`.
    pub fn transform(&self) -> String {
        use crate::num::Cos;
        alloc::format!(
            "matrix({} {} {} {} {} {})",
            Cos(self.dir.x),
            Cos(self.dir.y),
            Cos(-self.dir.y),
            Cos(self.dir.x),
            crate::num::Px(self.origin.x),
            crate::num::Px(self.origin.y)
        )
    }
}

/// A stretch of one connection state along a lifeline.
#[derive(Clone, Debug, PartialEq)]
pub struct StateBand {
    /// Index into `trace.hosts`.
    pub host: HostId,
    /// The connection shown (`None` for a listener with no connection).
    pub conn: Option<ConnId>,
    /// The state of `conn`, or LISTEN when `conn` is `None`.
    pub state: State,
    /// Open connections on the host at the time (the focus and the others, see
    /// [`Transition::text`]).
    pub count: usize,
    /// The band: 10 px wide, centred on the lifeline, from where the state began to where it
    /// ended.
    pub rect: Rect,
    /// Step at which it starts.
    pub step: usize,
}

/// A state change on a lifeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// Index into `trace.hosts`.
    pub host: HostId,
    /// The dot on the lifeline.
    pub at: Point,
    /// The new state (`None`: no connection left, shown as `CLOSED`).
    pub state: Option<State>,
    /// `SYN_SENT`, `CLOSED`, `CLOSE_WAIT → LAST_ACK` (passed through at once), `SYN_RECV ×8`
    /// (eight half-open connections), `ESTABLISHED + 8 SYN_RECV` (the connection in use beside
    /// eight half-open ones).
    pub text: String,
    /// Where the text goes, if there was room.
    pub placed: Option<Label>,
    /// The playback step from which it is shown.
    pub step: usize,
}

/// How a timer's bar ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerEnd {
    /// It fired (a filled dot).
    Fired,
    /// It was stopped before firing (a short cap).
    Cancelled,
    /// It was started again before firing (the next bar continues it).
    Restarted,
    /// Still running when the run ended (drawn to its deadline or the end).
    Pending,
}

/// A timer from the moment it was armed to the moment it fired or stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct TimerBar {
    /// Index into `trace.hosts`.
    pub host: HostId,
    /// The connection it belongs to (an index into `trace.conns`).
    pub conn: ConnId,
    /// The timer, which gives the bar its CSS class ([`TimerBar::class`]).
    pub timer: Timer,
    /// x of the bar.
    pub x: f32,
    /// Where it was armed.
    pub y1: f32,
    /// Where it ended.
    pub y2: f32,
    /// How it ended.
    pub end: TimerEnd,
    /// Drawn boldly (fired, restarted, or still running), else thin and faint.
    pub prominent: bool,
    /// `RTO 1 s`, `RTO 2 s (retry 1)`, `2MSL 60 s (restarted)`.
    pub text: String,
    /// Where the text goes, if there was room.
    pub placed: Option<Label>,
    /// Step at which it is armed.
    pub step: usize,
    /// Step at which it ends.
    pub end_step: usize,
}

/// An idle stretch cut out of the time axis, drawn as a zig-zag strip across the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeBreak {
    /// The axis region it stands for (items crossing it are drawn through it).
    pub y1: f32,
    /// See `y1`.
    pub y2: f32,
    /// The strip (its zig-zag edges stay inside).
    pub strip: Rect,
    /// SVG path data of the filled strip, zig-zag edges included.
    pub fill_path: String,
    /// SVG path data of the two zig-zag edges.
    pub edge_path: String,
    /// The simulated time cut out, in microseconds (the `59.8 s` of `text`).
    pub skipped_us: u64,
    /// `⋯ 59.8 s later`.
    pub text: String,
    /// Where the text goes.
    pub placed: Label,
}

/// A time the link was down (a network partition), drawn across the lifelines.
#[derive(Clone, Debug, PartialEq)]
pub struct OutageBand {
    /// The band: across every lifeline, from when the link went down until it came back (or
    /// the end of the drawing).
    pub rect: Rect,
    /// `link down 200 ms – 2.5 s`.
    pub text: String,
    /// Where the text goes.
    pub placed: Label,
    /// The playback step at which it begins.
    pub step: usize,
}

/// What a note says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// The application called TCP: `connect()`, `close()`.
    App,
    /// The application was told the connection failed: `ECONNREFUSED`.
    Error,
    /// The application read the end of the stream.
    EndOfStream,
    /// An arriving segment was rejected.
    Rejected,
}

impl NoteKind {
    /// CSS classes: `note` and the kind's (`note app`, `note error`, `note eof`, `note rejected`).
    pub fn class(self) -> &'static str {
        match self {
            NoteKind::App => "note app",
            NoteKind::Error => "note error",
            NoteKind::EndOfStream => "note eof",
            NoteKind::Rejected => "note rejected",
        }
    }
}

/// A short text beside a lifeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Index into `trace.hosts`.
    pub host: HostId,
    /// What it says: an application call, an error, a rejection...
    pub kind: NoteKind,
    /// The point on the lifeline it refers to.
    pub at: Point,
    /// The words shown: `close()`, `ECONNREFUSED: refused`.
    pub text: String,
    /// Where it goes, if there was room.
    pub placed: Option<Label>,
    /// The playback step from which it is shown.
    pub step: usize,
    /// Index into `trace.events`.
    pub event: usize,
}

/// A time on the ruler.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMark {
    /// y on the axis.
    pub y: f32,
    /// `10 ms`, `60.26 s`.
    pub text: String,
    /// Where it goes.
    pub placed: Label,
}

/// A playback step (see [`mod@crate::steps`]): when and where it is, and what happens in it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepMark {
    /// The step's time.
    pub at: Instant,
    /// y on the axis.
    pub y: f32,
    /// The trace events it groups (indices into `trace.events`, ascending).
    pub events: Vec<usize>,
}

impl Arrow {
    /// CSS classes: `seg syn`, plus `lost`, `retx`, `dup`, `olddup`, `forged`, `rejected`.
    pub fn class(&self) -> String {
        let mut c = String::from("seg ");
        c.push_str(kind_class(self.kind));
        for (on, name) in [
            (self.marks.lost, " lost"),
            (self.marks.retransmission, " retx"),
            (self.marks.duplicate, " dup"),
            (self.marks.old_duplicate, " olddup"),
            (self.marks.forged, " forged"),
            (self.marks.rejected, " rejected"),
        ] {
            if on {
                c.push_str(name);
            }
        }
        c
    }
}

/// CSS class of a state: `st-listen`, `st-open` (SYN_SENT, SYN_RECV), `st-est`, `st-close`
/// (FIN_WAIT1/2, CLOSE_WAIT, CLOSING, LAST_ACK), `st-tw`, `st-closed`.
pub fn state_class(state: Option<State>) -> &'static str {
    match state {
        None | Some(State::Closed) => "st-closed",
        Some(State::Listen) => "st-listen",
        Some(State::SynSent | State::SynReceived) => "st-open",
        Some(State::Established) => "st-est",
        Some(State::TimeWait) => "st-tw",
        Some(_) => "st-close",
    }
}

impl TimerBar {
    /// CSS classes: `timer rto`/`dack`/`tw`/`fw2`/`persist`/`keepalive`/`establish`, plus `fired`/`cancelled`/`restarted`/`pending`
    /// and `major` or `minor`.
    pub fn class(&self) -> String {
        let mut c = String::from(match self.timer {
            Timer::Retransmit => "timer rto",
            Timer::DelayedAck => "timer dack",
            Timer::TimeWait => "timer tw",
            Timer::FinWait2 => "timer fw2",
            Timer::Persist => "timer persist",
            Timer::Keepalive => "timer keepalive",
            Timer::Establishment => "timer establish",
        });
        c.push_str(match self.end {
            TimerEnd::Fired => " fired",
            TimerEnd::Cancelled => " cancelled",
            TimerEnd::Restarted => " restarted",
            TimerEnd::Pending => " pending",
        });
        c.push_str(if self.prominent { " major" } else { " minor" });
        c
    }
}
