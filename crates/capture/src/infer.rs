//! What the capture says about each segment, before any state machine runs: which end sent it,
//! where the capture point sits on the path, when each segment left its sender and reached its
//! receiver, and which segments are retransmissions, network duplicates, foreign SYNs, or were
//! lost after the capture point.
//!
//! The capture point: with `a` the one-way delay between the client and the capture point and
//! `b` between the capture point and the server, a client segment seen at `t` left at `t - a` and
//! arrives at `t + b`; a server segment left at `t - b` and arrives at `t + a`. The handshake
//! (and every other request and its immediate answer) gives them: SYN to SYN-ACK takes `2b` at
//! the capture point, SYN-ACK to ACK takes `2a`. The smallest such gap over the connection is
//! taken, since an answer can only be slower than the path.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use tcp_core::{Flags, SeqNum};

use crate::conns::Captured;

/// Client to server (0) or server to client (1).
pub type Dir = usize;

/// Where the capture was taken, in microseconds of one-way delay from each end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapturePoint {
    /// One-way delay between the client and the capture point.
    pub from_client_us: u64,
    /// One-way delay between the capture point and the server.
    pub from_server_us: u64,
    /// Whether each was measured (else assumed equal to the other, or zero).
    pub measured: [bool; 2],
    /// Both ends share one address: the capture holds both sides' view (loopback, one host).
    pub same_host: bool,
}

impl CapturePoint {
    /// Delay from the sender to the capture point.
    pub fn before(&self, dir: Dir) -> u64 {
        if dir == 0 { self.from_client_us } else { self.from_server_us }
    }
    /// Delay from the capture point to the receiver.
    pub fn after(&self, dir: Dir) -> u64 {
        if dir == 0 { self.from_server_us } else { self.from_client_us }
    }
    /// The one-way path delay.
    pub fn path_us(&self) -> u64 {
        self.from_client_us + self.from_server_us
    }
}

/// What one captured segment is.
#[derive(Clone, Debug, PartialEq)]
pub struct SegInfo {
    /// Who sent it: 0 the client, 1 the server (see [`Dir`]).
    pub dir: Dir,
    /// Capture time, µs after the connection's first captured segment.
    pub seen_us: i64,
    /// Sequence space it occupies: `[seq, end)`, with SYN and FIN counted.
    pub seq: SeqNum,
    /// See `seq`.
    pub end: SeqNum,
    /// It carries bytes or control bits past anything its sender sent before.
    pub new: bool,
    /// It repeats sequence space sent before.
    pub retransmission: bool,
    /// An exact copy of this earlier segment (the network or the capture duplicated it).
    pub duplicate_of: Option<usize>,
    /// A SYN from the client's address that its connection did not send (another ISN while the
    /// connection is alive): an old duplicate, or another stack's segment.
    pub foreign: bool,
    /// It never reached its receiver (inferred), and why.
    pub lost: Option<LossEvidence>,
    /// Extra delay in the network, inferred from a late answer.
    pub extra_delay_us: u64,
    /// For a SYN answered with a SYN-ACK: that SYN-ACK's sequence number (the answering side's ISN).
    pub answer_isn: Option<SeqNum>,
    /// Sequence space above the highest its sender had sent: some segment before it was not
    /// captured (lost before the capture point, or reordered).
    pub gap_before: bool,
    /// Below the highest sent and not a retransmission: arrived out of order.
    pub out_of_order: bool,
}

/// Why a segment is taken as lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossEvidence {
    /// Its sender sent it again before anything acknowledged it.
    Retransmitted {
        /// The segment that repeated it.
        by: usize,
    },
    /// A SYN or SYN-ACK nobody ever answered.
    NeverAnswered,
    /// An acknowledgment after which the other end still retransmitted what it acknowledged.
    AckIgnored {
        /// The retransmission that shows it.
        by: usize,
    },
    /// A keep-alive probe (an empty segment one below what its sender had sent) after which
    /// the other end never sent anything: a live host answers a probe at once.
    ProbeUnanswered,
    /// Data (or a FIN) never acknowledged: the other end spoke after it would have arrived, still
    /// acknowledging exactly its first byte, and never acknowledged it later.
    NeverAcknowledged {
        /// The other end's segment that shows it.
        by: usize,
    },
}

/// The whole analysis.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// One per captured segment, in the order of the segments analysed.
    pub segs: Vec<SegInfo>,
    /// Where the capture was taken on the path, inferred from the gaps between requests and
    /// their answers.
    pub point: CapturePoint,
    /// Per direction: the first SYN's sequence number (the sender's ISN), if seen.
    pub isn: [Option<SeqNum>; 2],
    /// Both ends sent a SYN without ACK (simultaneous open).
    pub simultaneous_open: bool,
}

impl Analysis {
    /// When segment `i` left its sender, µs on the capture's clock.
    pub fn sent_us(&self, i: usize) -> i64 {
        let s = &self.segs[i];
        s.seen_us - self.point.before(s.dir) as i64
    }
    /// When segment `i` reached its receiver (if it did), µs on the capture's clock.
    pub fn arrival_us(&self, i: usize) -> Option<i64> {
        let s = &self.segs[i];
        s.lost.is_none().then(|| s.seen_us + self.point.after(s.dir) as i64 + s.extra_delay_us as i64)
    }
}

/// Analyses the segments of one connection (`client` is the end that sent the first SYN).
pub fn analyse(segments: &[Captured], client: core::net::SocketAddr, same_host: bool) -> Analysis {
    let t0 = segments.first().map_or(0, |s| s.time_ns);
    let mut segs: Vec<SegInfo> = segments
        .iter()
        .map(|c| {
            let dir = usize::from(c.src != client);
            let seq = c.repr.seq;
            SegInfo {
                dir,
                seen_us: ((i128::from(c.time_ns) - i128::from(t0)) / 1000) as i64,
                seq,
                end: seq + c.repr.segment_len(c.payload.len()),
                new: false,
                retransmission: false,
                duplicate_of: None,
                foreign: false,
                lost: None,
                extra_delay_us: 0,
                answer_isn: None,
                gap_before: false,
                out_of_order: false,
            }
        })
        .collect();
    let isn = first_syns(segments, &segs);
    let simultaneous_open = isn[0].is_some()
        && segments
            .iter()
            .zip(&segs)
            .any(|(c, s)| s.dir == 1 && c.repr.flags.contains(Flags::SYN) && !c.repr.flags.contains(Flags::ACK));
    classify(segments, &mut segs);
    find_answers(segments, &mut segs);
    let point = capture_point(segments, &segs, same_host);
    let mut analysis = Analysis { segs, point, isn, simultaneous_open };
    find_losses(segments, &mut analysis);
    find_syn_delays(segments, &mut analysis);
    analysis
}

/// The first pure SYN of each direction (SYN-ACK for a passive end).
fn first_syns(segments: &[Captured], segs: &[SegInfo]) -> [Option<SeqNum>; 2] {
    let mut isn = [None, None];
    for (c, s) in segments.iter().zip(segs) {
        if c.repr.flags.contains(Flags::SYN) && isn[s.dir].is_none() {
            isn[s.dir] = Some(c.repr.seq);
        }
    }
    isn
}

/// Marks new data, retransmissions, duplicates, gaps, out-of-order segments and foreign SYNs.
fn classify(segments: &[Captured], segs: &mut [SegInfo]) {
    let mut sent = SentSoFar::default();
    // Earlier segments by sender and numbers: where a copy can be (linear, not a scan of all).
    let mut by_numbers: BTreeMap<(usize, u32, u32), Vec<usize>> = BTreeMap::new();
    let closes = Closes::new(segments, segs);
    for i in 0..segs.len() {
        let (c, dir) = (&segments[i], segs[i].dir);
        let same_numbers = by_numbers.entry((dir, c.repr.seq.0, c.repr.ack.0)).or_default();
        let copy_of = same_numbers.iter().rev().copied().find(|&j| is_copy(&segments[j], c));
        same_numbers.push(i);
        match copy_of {
            Some(j) => segs[i].duplicate_of = Some(j),
            None => sent.classify(segments, segs, i, &closes),
        }
    }
}

/// What each direction has sent so far, as [`classify`] walks the segments.
#[derive(Default)]
struct SentSoFar {
    /// The highest sequence number sent.
    high: [Option<SeqNum>; 2],
    /// The ISN of the incarnation under way (its pure SYN's).
    current_isn: [Option<SeqNum>; 2],
    /// The last new SYN (its numbers) and where it was.
    last_syn: [Option<(SeqNum, Option<SeqNum>, usize)>; 2],
    /// The last segment that carried new sequence space.
    last_new: [Option<usize>; 2],
}

impl SentSoFar {
    /// Classifies segment `i` (not a copy of an earlier one) against what its direction sent
    /// before, and remembers it.
    fn classify(&mut self, segments: &[Captured], segs: &mut [SegInfo], i: usize, closes: &Closes) {
        self.classify_against_earlier(segments, segs, i, closes);
        if segs[i].new && segs[i].end != segs[i].seq {
            self.last_new[segs[i].dir] = Some(i);
        }
    }

    fn classify_against_earlier(&mut self, segments: &[Captured], segs: &mut [SegInfo], i: usize, closes: &Closes) {
        let (c, dir) = (&segments[i], segs[i].dir);
        let flags = c.repr.flags;
        if flags.contains(Flags::SYN) {
            let key = (c.repr.seq, flags.contains(Flags::ACK).then_some(c.repr.ack));
            let pure = !flags.contains(Flags::ACK);
            if pure && self.current_isn[dir].is_some_and(|isn| isn != c.repr.seq) && !closes.between(0, i) {
                segs[i].foreign = true;
            } else if let Some((seq, ack, at)) = self.last_syn[dir]
                && (seq, ack) == key
                && !closes.between(at, i)
            {
                segs[i].retransmission = true;
            } else {
                // A new incarnation of this direction: its sequence space starts afresh (a SYN
                // like the last one, once that connection has ended, opens a new one on the
                // same addresses and ports: a reused port, RFC 6191).
                self.last_syn[dir] = Some((key.0, key.1, i));
                if pure {
                    self.current_isn[dir] = Some(c.repr.seq);
                }
                self.high[dir] = Some(segs[i].end);
                segs[i].new = true;
            }
            return;
        }
        let (seq, end) = (segs[i].seq, segs[i].end);
        if end == seq {
            return; // a pure ACK (or RST) occupies no sequence space
        }
        match self.high[dir] {
            None => {
                self.high[dir] = Some(end);
                segs[i].new = true;
            }
            Some(h) if seq > h => {
                segs[i].gap_before = true;
                segs[i].new = true;
                self.high[dir] = Some(end);
            }
            Some(h) if end > h && seq == h => {
                segs[i].new = true;
                self.high[dir] = Some(end);
            }
            Some(h) if end > h => {
                // Overlaps what was sent and goes further: a retransmission carrying new bytes.
                segs[i].retransmission = true;
                segs[i].new = true;
                self.high[dir] = Some(end);
            }
            Some(_) => {
                let recent = self.last_new[dir].map(|r| &segs[r]);
                // Wireshark's rule: below the highest sent, within 3 ms of the segment that went
                // past it, is reordering; later, a retransmission.
                if recent.is_some_and(|r| segs[i].seen_us - r.seen_us < 3000 && !overlaps_sent(segs, i)) {
                    segs[i].out_of_order = true;
                } else {
                    segs[i].retransmission = true;
                }
            }
        }
    }
}

/// Whether segment `i`'s sequence space was already carried by an earlier segment.
fn overlaps_sent(segs: &[SegInfo], i: usize) -> bool {
    let s = &segs[i];
    segs[..i].iter().any(|p| p.dir == s.dir && p.duplicate_of.is_none() && p.seq < s.end && s.seq < p.end)
}

/// Where the connection's closing segments are: counts of RSTs and of each direction's FINs
/// before each segment, so that "did it end between two segments" costs no scan.
struct Closes {
    /// Before segment `i`: RSTs, the client's FINs, the server's FINs.
    before: Vec<[u32; 3]>,
}

impl Closes {
    fn new(segments: &[Captured], segs: &[SegInfo]) -> Closes {
        let mut count = [0u32; 3];
        let mut before = Vec::with_capacity(segments.len() + 1);
        before.push(count);
        for (c, s) in segments.iter().zip(segs) {
            let f = c.repr.flags;
            count[0] += u32::from(f.contains(Flags::RST));
            count[1 + s.dir] += u32::from(f.contains(Flags::FIN));
            before.push(count);
        }
        Closes { before }
    }

    /// Whether a RST, or both FINs, came from segment `from` up to (not including) segment `i`:
    /// the connection had ended by then.
    fn between(&self, from: usize, i: usize) -> bool {
        let (a, b) = (self.before[from], self.before[i]);
        let seen = |k: usize| b[k] > a[k];
        seen(0) || (seen(1) && seen(2))
    }
}

/// Two captures of the same packet: the same TCP header and payload, and the same IPv4
/// identification (a TCP that sends the same segment twice gives each its own). IPv6 has no
/// identification: the same capture time stands in.
fn is_copy(a: &Captured, b: &Captured) -> bool {
    let same_packet = match (a.ip_id, b.ip_id) {
        (Some(x), Some(y)) => x == y,
        _ => a.time_ns == b.time_ns,
    };
    a.src == b.src && a.repr == b.repr && a.payload == b.payload && same_packet
}

/// For each pure SYN, the SYN-ACK that answers it (its sender's ISN).
fn find_answers(segments: &[Captured], segs: &mut [SegInfo]) {
    for i in 0..segs.len() {
        let c = &segments[i];
        if !is_pure_syn(c) || segs[i].duplicate_of.is_some() {
            continue;
        }
        let want = c.repr.seq + 1;
        let answer = (i + 1..segs.len()).find(|&j| {
            segs[j].dir != segs[i].dir
                && segments[j].repr.flags.contains(Flags::SYN | Flags::ACK)
                && segments[j].repr.ack == want
        });
        segs[i].answer_isn = answer.map(|j| segments[j].repr.seq);
    }
}

fn is_pure_syn(c: &Captured) -> bool {
    c.repr.flags.contains(Flags::SYN) && !c.repr.flags.contains(Flags::ACK)
}

/// Whether `reply` answers `request`: it acknowledges all of it, or resets it.
fn answers(request: &Captured, req: &SegInfo, reply: &Captured) -> bool {
    let f = reply.repr.flags;
    if f.contains(Flags::RST) {
        return (f.contains(Flags::ACK) && reply.repr.ack == req.end) || reply.repr.seq == request.repr.ack;
    }
    req.end != req.seq && f.contains(Flags::ACK) && reply.repr.ack >= req.end
}

/// The capture point from the quickest request/answer pair of each direction.
fn capture_point(segments: &[Captured], segs: &[SegInfo], same_host: bool) -> CapturePoint {
    let mut best: [Option<i64>; 2] = [None, None];
    // Ends reached so far by segments that occupy sequence space, per direction.
    let mut reached: BTreeSet<(usize, u32)> = BTreeSet::new();
    // Only a RST can answer a segment without sequence space: each direction's RSTs.
    let resets: [Vec<usize>; 2] = [0, 1].map(|d| {
        (0..segs.len()).filter(|&j| segs[j].dir == d && segments[j].repr.flags.contains(Flags::RST)).collect()
    });
    for i in 0..segs.len() {
        // Only the first segment to reach a sequence number asks for it (a SYN-ACK of a
        // simultaneous open repeats its SYN's, and the other SYN-ACK crossing it is no answer).
        let key = (segs[i].dir, segs[i].end.0);
        let repeats = reached.contains(&key);
        if segs[i].end != segs[i].seq {
            reached.insert(key);
        }
        if segs[i].duplicate_of.is_some() || segs[i].foreign {
            continue;
        }
        let is_request = segs[i].end != segs[i].seq || segments[i].repr.flags.contains(Flags::ACK);
        if !is_request || repeats {
            continue;
        }
        let other = 1 - segs[i].dir;
        let reply = if segs[i].end == segs[i].seq {
            let after = resets[other].partition_point(|&j| j <= i);
            resets[other][after..].iter().copied().find(|&j| answers(&segments[i], &segs[i], &segments[j]))
        } else {
            (i + 1..segs.len())
                .filter(|&j| segs[j].dir == other)
                .find(|&j| answers(&segments[i], &segs[i], &segments[j]))
        };
        // Answered, and not an answer to a later copy of the same bytes.
        if let Some(j) = reply {
            let repeated = (i + 1..j)
                .any(|k| segs[k].dir == segs[i].dir && segs[k].seq == segs[i].seq && segs[k].end == segs[i].end);
            if !repeated {
                let gap = segs[j].seen_us - segs[i].seen_us;
                let slot = &mut best[segs[i].dir];
                *slot = Some(slot.map_or(gap, |g| g.min(gap)));
            }
        }
    }
    // A client request answered by the server crosses the server's half twice: 2b.
    let half = |g: Option<i64>| g.map(|g| (g.max(0) / 2) as u64);
    let (b, a) = (half(best[0]), half(best[1]));
    let (a_us, b_us) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (Some(a), None) => (a, a),
        (None, Some(b)) => (b, b),
        (None, None) => (0, 0),
    };
    CapturePoint { from_client_us: a_us, from_server_us: b_us, measured: [a.is_some(), b.is_some()], same_host }
}

/// Segments that never reached their receiver.
fn find_losses(segments: &[Captured], an: &mut Analysis) {
    let n = an.segs.len();
    // Per direction: its last segment, and its retransmissions in order.
    let last_of = [0, 1].map(|d| an.segs.iter().rposition(|s| s.dir == d));
    let resent: [Vec<usize>; 2] =
        [0, 1].map(|d| (0..n).filter(|&k| an.segs[k].dir == d && an.segs[k].retransmission).collect());
    for i in 0..n {
        let s = an.segs[i].clone();
        if s.duplicate_of.is_some() || s.foreign {
            continue;
        }
        // A SYN (or SYN-ACK) that nobody ever answered did not arrive: a host answers one at
        // once, with a SYN-ACK, an ACK or a RST.
        if segments[i].repr.flags.contains(Flags::SYN) && !answered_later(segments, &an.segs, i) {
            an.segs[i].lost = Some(LossEvidence::NeverAnswered);
            continue;
        }
        if s.end == s.seq {
            let flags = segments[i].repr.flags;
            let bare = flags.contains(Flags::ACK)
                && !flags.contains(Flags::SYN)
                && !flags.contains(Flags::FIN)
                && !flags.contains(Flags::RST);
            // Nothing came back after it (checked first: it rules out all but the last few).
            let unanswered = last_of[1 - s.dir].is_none_or(|last| last < i);
            // One below the furthest its sender had reached.
            let probe = bare
                && unanswered
                && an.segs[..i].iter().any(|p| p.dir == s.dir && p.end == s.seq + 1)
                && !an.segs[..i].iter().any(|p| p.dir == s.dir && p.end > s.seq + 1);
            if probe {
                an.segs[i].lost = Some(LossEvidence::ProbeUnanswered);
            }
            continue;
        }
        // Sent again before anything acknowledged it: the first copy was lost. An answer counts
        // if the other end sent it after this copy could have reached it and before the next copy
        // could have: only this copy can have provoked it, whatever the capture's order (two ends
        // whose timers fire in one tick send their copies at the same instant, and an ACK of the
        // first may be captured after the second copy).
        let later = &resent[s.dir][resent[s.dir].partition_point(|&k| k <= i)..];
        let again = later.iter().copied().find(|&k| an.segs[k].seq < s.end && s.seq < an.segs[k].end);
        if let Some(k) = again {
            let after = an.point.after(s.dir) as i64;
            let (reached, next_reached) = (s.seen_us + after, an.segs[k].seen_us + after);
            let acked = (i + 1..n).any(|j| {
                an.segs[j].dir != s.dir
                    && (j < k || (an.sent_us(j) >= reached && an.sent_us(j) < next_reached))
                    && answers(&segments[i], &s, &segments[j])
            });
            if !acked {
                an.segs[i].lost = Some(LossEvidence::Retransmitted { by: k });
            }
        } else if let Some(by) = never_acknowledged(segments, an, i) {
            // Its last copy (none came after it).
            an.segs[i].lost = Some(LossEvidence::NeverAcknowledged { by });
        }
    }
    find_ignored_acks(segments, an);
}

/// For segment `i` (sequence space, sent last): a later segment of the other end, sent after `i`
/// would have arrived, whose acknowledgment is exactly `i`'s first byte, when nothing of the
/// other end ever acknowledges `i`: then `i` did not arrive (the other end waited for exactly
/// those bytes; had an earlier segment been missing, it would acknowledge less).
fn never_acknowledged(segments: &[Captured], an: &Analysis, i: usize) -> Option<usize> {
    let s = &an.segs[i];
    let theirs = |j: &usize| {
        an.segs[*j].dir != s.dir && an.segs[*j].duplicate_of.is_none() && segments[*j].repr.flags.contains(Flags::ACK)
    };
    if (i + 1..an.segs.len()).filter(theirs).any(|j| segments[j].repr.ack >= s.end) {
        return None;
    }
    let arrives = s.seen_us + an.point.after(s.dir) as i64;
    (i + 1..an.segs.len()).filter(theirs).find(|&j| segments[j].repr.ack == s.seq && an.sent_us(j) >= arrives)
}

/// A pure SYN answered (SYN-ACK or RST) by any later segment of the other end.
fn answered_later(segments: &[Captured], segs: &[SegInfo], i: usize) -> bool {
    (i + 1..segs.len()).any(|j| segs[j].dir != segs[i].dir && answers(&segments[i], &segs[i], &segments[j]))
}

/// Pure ACKs after which the other end still retransmitted what they acknowledged.
fn find_ignored_acks(segments: &[Captured], an: &mut Analysis) {
    let n = an.segs.len();
    for k in 0..n {
        let r = an.segs[k].clone();
        if !r.retransmission || r.end == r.seq {
            continue;
        }
        let sent_k = an.sent_us(k);
        // Acknowledgments from the other end that covered it and arrived before it was resent.
        let covering: Vec<usize> = (0..k)
            .filter(|&j| {
                an.segs[j].dir != r.dir
                    && an.segs[j].duplicate_of.is_none()
                    && segments[j].repr.flags.contains(Flags::ACK)
                    && !segments[j].repr.flags.contains(Flags::RST)
                    && segments[j].repr.ack >= r.end
                    && an.segs[j].seen_us + an.point.after(an.segs[j].dir) as i64 <= sent_k
            })
            .collect();
        if covering.is_empty() || covering.iter().any(|&j| an.segs[j].end != an.segs[j].seq) {
            continue;
        }
        for j in covering {
            if an.segs[j].lost.is_none() {
                an.segs[j].lost = Some(LossEvidence::AckIgnored { by: k });
            }
        }
    }
}

/// SYNs answered later than the path allows were held up in the network.
fn find_syn_delays(segments: &[Captured], an: &mut Analysis) {
    let n = an.segs.len();
    for i in 0..n {
        if !is_pure_syn(&segments[i]) || an.segs[i].lost.is_some() || an.segs[i].duplicate_of.is_some() {
            continue;
        }
        let Some(j) =
            (i + 1..n).find(|&j| an.segs[j].dir != an.segs[i].dir && answers(&segments[i], &an.segs[i], &segments[j]))
        else {
            continue;
        };
        // Only the last copy of the SYN before the answer is the one answered.
        if (i + 1..j).any(|k| {
            an.segs[k].dir == an.segs[i].dir
                && segments[k].repr.seq == segments[i].repr.seq
                && is_pure_syn(&segments[k])
        }) {
            continue;
        }
        let arrives = an.segs[i].seen_us + an.point.after(an.segs[i].dir) as i64;
        let answered = an.sent_us(j);
        let slack = (an.point.path_us() as i64 / 2).max(1000);
        if answered - arrives > slack {
            an.segs[i].extra_delay_us = (answered - arrives) as u64;
        }
    }
}
