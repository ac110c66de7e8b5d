//! Segment arrival: RFC 9293 §3.10.7, one function per group of states, each step in the
//! RFC's order, with RFC 5961's hardening of RST, SYN and ACK processing.

use super::{AnswerThrottle, Connection, DEFAULT_MSS, Negotiated};
use crate::config::{Ecn, SynFin, TimeWaitSyn};
use crate::event::{Cause, CloseReason, DropReason, Event, Negotiation, Reply, Timer, WindowShifts};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::{Duration, Instant};
use crate::wire::{Flags, TcpRepr};

impl Connection {
    /// Handles one arriving segment (already checksummed and addressed to this connection).
    pub fn handle_segment(&mut self, now: Instant, seg: &TcpRepr, payload: &[u8]) {
        match self.state {
            State::Closed => {
                // §3.10.7.1: everything is discarded; anything but a RST is answered with one.
                let reply = if seg.flags.contains(Flags::RST) { Reply::Nothing } else { Reply::Reset };
                self.reject(DropReason::NoConnection, reply);
                self.push_reset_for(seg, payload.len());
            }
            State::Listen => self.on_listen(now, seg),
            State::SynSent => self.on_syn_sent(now, seg, payload),
            _ => self.on_synchronized(now, seg, payload),
        }
        self.flush(now);
        // Any segment from the peer shows it is there: the idle time starts again.
        self.restart_keepalive(now);
    }

    /// Learns the peer's options from its SYN (RFC 9293 §3.7.1, RFC 7323 §2.2 and §3.2).
    fn learn_syn_options(&mut self, seg: &TcpRepr) {
        let peer_ws = seg.options.window_scale();
        // What our SYN offered (a SYN-ACK answers it; a passive end has sent nothing yet).
        let offered = self.syn_carries_options();
        let both_scale = peer_ws.is_some() && self.config.window_scale.is_some() && offered;
        let our_shift = self.our_window_shift();
        self.negotiated = Negotiated {
            peer_mss: seg.options.mss().unwrap_or(DEFAULT_MSS),
            window_scaling: both_scale,
            // RFC 7323 §2.3: a shift above 14 is used as 14.
            snd_wscale: if both_scale { peer_ws.unwrap_or(0).min(14) } else { 0 },
            rcv_wscale: if both_scale { our_shift } else { 0 },
            timestamps: self.config.timestamps && offered && seg.options.timestamps().is_some(),
            sack_permitted: self.config.sack_permitted && offered && seg.options.sack_permitted(),
            // RFC 3168 §6.1.1: a SYN asks with ECE and CWR; a SYN-ACK accepts with ECE alone.
            ecn: if seg.flags.contains(Flags::ACK) {
                matches!(self.config.ecn, Ecn::Request { .. })
                    && seg.flags.contains(Flags::ECE)
                    && !seg.flags.contains(Flags::CWR)
            } else {
                self.config.ecn != Ecn::Off && seg.flags.contains(Flags::ECE | Flags::CWR)
            },
        };
        if let Some((tsval, _)) = seg.options.timestamps() {
            self.ts_recent = tsval;
        }
        // RFC 7323 §2.2: the window field of a SYN is never scaled.
        self.snd_wnd = u32::from(seg.window);
        self.max_snd_wnd = self.snd_wnd;
        self.snd_wl1 = seg.seq;
        self.snd_wl2 = seg.ack;
        self.irs = seg.seq;
        self.rcv_nxt = seg.seq + 1;
        let n = self.negotiated;
        self.emit(Event::Negotiated(Negotiation {
            iss: self.iss,
            irs: self.irs,
            peer_mss: n.peer_mss,
            send_mss: self.send_mss(),
            window_shifts: n.window_scaling.then_some(WindowShifts { local: n.rcv_wscale, remote: n.snd_wscale }),
            timestamps: n.timestamps,
            sack_permitted: n.sack_permitted,
        }));
        if self.state == State::SynSent {
            self.round_buffers_to_mss();
        }
    }

    /// §3.10.7.2 LISTEN.
    fn on_listen(&mut self, now: Instant, seg: &TcpRepr) {
        if seg.flags.contains(Flags::RST) {
            // First: an incoming RST should be ignored.
            self.reject(DropReason::RstInListen, Reply::Nothing);
        } else if seg.flags.contains(Flags::SYN | Flags::ACK) && !self.config.reset_synack_in_listen {
            // A SYN-ACK the profile's stack ignores (`Config::reset_synack_in_listen`).
            self.reject(DropReason::SynAckInListen, Reply::Nothing);
        } else if seg.flags.contains(Flags::ACK) {
            // Second: any acknowledgment is bad: <SEQ=SEG.ACK><CTL=RST>.
            self.reject(DropReason::AckInListen, Reply::Reset);
            self.push_reset_for(seg, 0);
        } else if seg.flags.contains(Flags::SYN)
            && seg.flags.contains(Flags::FIN)
            && self.config.syn_fin != SynFin::Process
        {
            // A SYN with FIN: dropped by the profile's stack (`Config::syn_fin`).
            self.reject(DropReason::Unexpected, Reply::Nothing);
        } else if seg.flags.contains(Flags::SYN) {
            // Third: RCV.NXT <- SEG.SEQ+1, IRS <- SEG.SEQ, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>,
            // SND.NXT <- ISS+1, SND.UNA <- ISS, enter SYN-RECEIVED.
            self.learn_syn_options(seg);
            self.snd_una = self.iss;
            self.snd_nxt = self.iss + 1;
            let cause = Cause::Segment(seg.flags);
            if self.config.two_way_handshake {
                // The deliberately broken handshake: open on the SYN alone (a ghost, if it was old).
                self.set_state(State::Established, cause);
                self.emit(Event::Connected);
            } else {
                self.set_state(State::SynReceived, cause);
            }
            self.push_segment(now, self.iss, Flags::SYN | Flags::ACK, 0, false);
            self.rtt_probe = Some((self.snd_nxt, now));
            self.arm_retransmit_if_idle(now);
        } else {
            // Fourth: other text or control: drop.
            self.reject(DropReason::Unexpected, Reply::Nothing);
        }
    }

    /// §3.10.7.3 SYN-SENT.
    fn on_syn_sent(&mut self, now: Instant, seg: &TcpRepr, payload: &[u8]) {
        let flags = seg.flags;
        // First, check the ACK bit: SEG.ACK =< ISS or SEG.ACK > SND.NXT is an old duplicate.
        if flags.contains(Flags::ACK) && (seg.ack <= self.iss || seg.ack > self.snd_nxt) {
            if flags.contains(Flags::RST) {
                self.reject(DropReason::BadAckInSynSent, Reply::Nothing);
            } else {
                self.reject(DropReason::BadAckInSynSent, Reply::Reset);
                self.push_reset_for(seg, 0);
            }
            return;
        }
        // Second, the RST bit: with an acceptable ACK the peer refuses the connection
        // (RFC 5961 §3.2 in SYN-SENT: the ACK must acknowledge our SYN); without ACK, drop.
        if flags.contains(Flags::RST) {
            if flags.contains(Flags::ACK) {
                self.close_with(CloseReason::Refused, Cause::Segment(flags));
            } else {
                self.reject(DropReason::RstWithoutAck, Reply::Nothing);
            }
            return;
        }
        // Fourth, the SYN bit. A SYN with FIN may be dropped by the profile's stack (`Config::syn_fin`).
        if !flags.contains(Flags::SYN) || (flags.contains(Flags::FIN) && self.config.syn_fin == SynFin::Drop) {
            // Fifth: neither SYN nor RST: drop.
            self.reject(DropReason::Unexpected, Reply::Nothing);
            return;
        }
        self.learn_syn_options(seg);
        // "Note that it is legal to send and receive application data on SYN segments": kept or
        // discarded as the profile's stack does (`Config::accept_syn_data`). A FIN on the SYN is
        // not processed (FreeBSD's suite expects it ignored: rcv-syn-fin-syn-sent). Text that
        // would reset the connection (reading already shut down on a stack that resets) is left
        // unacknowledged: its retransmission meets that reset once the connection is open.
        let text = if self.config.accept_syn_data && self.text_resets().is_none() { payload } else { &[] };
        if flags.contains(Flags::ACK) {
            // Our SYN is acknowledged: ESTABLISHED, and the ACK (maybe carrying queued data) goes
            // out from `flush`.
            self.on_ack_advance(now, seg);
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = seg.ack;
            if let (true, false, Some(fallback)) =
                (self.syn_retransmitted, self.rtt.has_sample(), self.config.syn_fallback_rto)
            {
                self.rtt.fall_back(fallback);
            }
            self.set_state(State::Established, Cause::Segment(flags));
            self.emit(Event::Connected);
            self.ack.now = true;
            // "If there are other controls or text in the segment, then continue processing at
            // the sixth step": the seventh takes the text, which the ACK above acknowledges with
            // the SYN in one segment (as FreeBSD: the suite's rcv-syn-ack-syn-sent, Note 2).
            self.take_text(now, text);
        } else {
            // Simultaneous open: SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            self.set_state(State::SynReceived, Cause::Segment(flags));
            // "If there are other controls or text in the segment, queue them for processing
            // after the ESTABLISHED state has been reached": held beyond RCV.NXT, so the SYN-ACK
            // does not acknowledge it (`release_syn_text` delivers it).
            self.syn_text = self.recv_buf.push(text);
            self.push_segment(now, self.iss, Flags::SYN | Flags::ACK, 0, false);
        }
    }

    /// RFC 9293 §3.10.7.4's acceptability test against our receive window.
    fn acceptable(&self, seq: SeqNum, len: u32, rst: bool) -> bool {
        let wnd = self.receivable();
        let end = self.rcv_nxt + wnd;
        // Linux and BSD also take a segment without data at the right edge
        // (`Config::ack_at_window_edge`); BSD not a RST (`Config::window_is_buffer_space`).
        let at_edge = self.config.ack_at_window_edge && !(rst && self.config.window_is_buffer_space);
        match (len, wnd) {
            (0, 0) => seq == self.rcv_nxt,
            (0, _) => seq.in_range(self.rcv_nxt, end) || (at_edge && seq == end),
            (_, 0) => false,
            _ => seq.in_range(self.rcv_nxt, end) || (seq + (len - 1)).in_range(self.rcv_nxt, end),
        }
    }

    /// Whether `seg`, arriving in TIME-WAIT, is a SYN that may open a new incarnation of this
    /// connection (RFC 9293 §3.10.7.4 with RFC 6191, RFC 1122 §4.2.2.13), by the rule of
    /// [`crate::Config::time_wait_syn`]. The host then calls [`Connection::give_way`] and hands
    /// the SYN to its listener; with no listener it hands the SYN here, as any other segment.
    pub fn opens_new_incarnation(&self, seg: &TcpRepr) -> bool {
        let flags = seg.flags;
        if self.state != State::TimeWait || !flags.contains(Flags::SYN) || flags.intersects(Flags::ACK | Flags::RST) {
            return false;
        }
        if flags.contains(Flags::FIN) && self.config.syn_fin == SynFin::Drop {
            return false;
        }
        let seq_above = seg.seq > self.rcv_nxt;
        let tsval = seg.options.timestamps().filter(|_| self.negotiated.timestamps).map(|(tsval, _)| tsval);
        let ts_newer = tsval.is_some_and(|tsval| (tsval.wrapping_sub(self.ts_recent) as i32) > 0);
        match self.config.time_wait_syn {
            TimeWaitSyn::Rfc6191 => ts_newer,
            TimeWaitSyn::Freebsd => seq_above,
            TimeWaitSyn::Linux => seq_above || ts_newer,
        }
    }

    /// Ends TIME-WAIT early for a new incarnation (see [`Connection::opens_new_incarnation`]):
    /// CLOSED, caused by the SYN. Returns the ISS the new incarnation takes when the stack
    /// derives it from this one (Linux: SND.NXT + 65537, so that it lies above anything this
    /// incarnation sent), `None` when the stack picks it as for any connection.
    pub fn give_way(&mut self, seg: &TcpRepr) -> Option<SeqNum> {
        let iss = (self.config.time_wait_syn == TimeWaitSyn::Linux).then(|| {
            let iss = self.snd_nxt + 65537;
            if iss == SeqNum(0) { SeqNum(1) } else { iss }
        });
        self.close_with(CloseReason::Normal, Cause::Segment(seg.flags));
        iss
    }

    /// §3.10.7.4: SYN-RECEIVED and the synchronized states.
    fn on_synchronized(&mut self, now: Instant, seg: &TcpRepr, payload: &[u8]) {
        let flags = seg.flags;
        let seg_len = seg.segment_len(payload.len());

        // FreeBSD with `drop_synfin` = 1 drops a SYN with FIN in every state (`SynFin::Drop`).
        if flags.contains(Flags::SYN | Flags::FIN) && self.config.syn_fin == SynFin::Drop {
            self.reject(DropReason::Unexpected, Reply::Nothing);
            return;
        }

        // FreeBSD's TIME-WAIT (`tcp_twcheck`) drops a segment without ACK unanswered: a SYN that
        // could not open a new incarnation, or a SYN-FIN.
        if self.state == State::TimeWait
            && self.config.time_wait_syn == TimeWaitSyn::Freebsd
            && !flags.intersects(Flags::ACK | Flags::RST)
        {
            self.reject(DropReason::NoAck, Reply::Nothing);
            return;
        }

        // TIME-WAIT: "the only thing that can arrive in this state is a retransmission of the
        // remote FIN. Acknowledge it, and restart the 2 MSL timeout." That rule belongs to the
        // fifth check, which only segments with the ACK bit reach: a FIN without ACK fails the
        // first check and is answered with an ACK but does not restart the timer (as Linux
        // tcp_timewait_state_process: it reschedules only `if (paws_reject || th->ack)`).
        if self.state == State::TimeWait
            && flags.contains(Flags::FIN)
            && flags.contains(Flags::ACK)
            && !flags.contains(Flags::RST)
            && seg.seq + seg_len == self.rcv_nxt
        {
            self.ack.now = true;
            self.arm(Timer::TimeWait, now, self.config.time_wait());
            return;
        }

        // Linux restarts TIME-WAIT on any segment with ACK that reaches it here (a SYN that opens
        // a new incarnation went above): `Config::time_wait_restart_on_ack`. What it is answered
        // with, if anything, the checks below decide.
        if self.state == State::TimeWait
            && self.config.time_wait_restart_on_ack
            && flags.contains(Flags::ACK)
            && !flags.contains(Flags::RST)
        {
            self.arm(Timer::TimeWait, now, self.config.time_wait());
        }

        if self.state == State::SynReceived && flags.contains(Flags::SYN) && !flags.contains(Flags::RST) {
            // A retransmitted SYN: the peer did not get our SYN-ACK. Real stacks answer with the
            // SYN-ACK again (Linux tcp_check_req); RFC 9293 read literally answers with an ACK,
            // which the first check below does.
            // Linux rate-limits these answers too (`tcp_check_req`: `tcp_oow_rate_limited`).
            if !flags.contains(Flags::ACK) && seg.seq == self.irs && self.config.resend_synack_on_dup_syn {
                if !self.may_answer(now, seg, payload.len()) {
                    self.reject(DropReason::DuplicateSyn, Reply::RateLimited);
                    return;
                }
                self.reject(DropReason::DuplicateSyn, Reply::SynAck);
                self.push_segment(now, self.iss, Flags::SYN | Flags::ACK, 0, true);
                self.arm(Timer::Retransmit, now, self.rtt.rto());
                return;
            }
            // Simultaneous open: the peer's SYN-ACK acknowledges our SYN and repeats its SYN
            // (RFC 9293 Figure 8, line 6; Linux tcp_validate_incoming lets it pass).
            let simultaneous =
                !self.passive && flags.contains(Flags::ACK) && seg.seq + 1 == self.rcv_nxt && seg.ack == self.snd_nxt;
            if simultaneous {
                self.on_ack_in_syn_received(now, seg);
                return;
            }
        }

        // A SYN on a synchronized connection goes straight to the fourth check on Linux and
        // FreeBSD (`Config::syn_challenged_before_window`).
        let syn_first = self.config.syn_challenged_before_window
            && flags.contains(Flags::SYN)
            && !flags.contains(Flags::RST)
            && self.state.is_synchronized()
            && self.state != State::TimeWait;
        // First, check the sequence number.
        if !syn_first && !self.acceptable(seg.seq, seg_len, flags.contains(Flags::RST)) {
            if flags.contains(Flags::RST) {
                self.reject(DropReason::OutOfWindow, Reply::Nothing);
            } else if self.config.old_segment_ack_processed
                && self.state.is_synchronized()
                && flags.contains(Flags::ACK)
                && !flags.contains(Flags::SYN)
                && seg.seq + seg_len <= self.rcv_nxt
            {
                // BSD: the ACK of an old segment counts, then the answer goes out (unless the
                // ACK closed the connection, as in LAST-ACK).
                if self.process_ack(now, seg, payload.len()) && self.state != State::Closed {
                    self.answer_unacceptable(now, seg, payload.len(), DropReason::OutOfWindow, Reply::Ack);
                }
            } else {
                self.answer_unacceptable(now, seg, payload.len(), DropReason::OutOfWindow, Reply::Ack);
            }
            return;
        }

        // Second, the RST bit (RFC 5961 §3.2): exactly RCV.NXT resets, else a challenge ACK.
        if flags.contains(Flags::RST) {
            if self.state == State::TimeWait && self.config.ignore_rst_in_time_wait {
                // RFC 1337: a reset must not cut TIME-WAIT short (it may be a reply to an old
                // duplicate, and TIME-WAIT is what keeps that duplicate from a new connection).
                self.reject(DropReason::RstInTimeWait, Reply::Nothing);
                return;
            }
            if seg.seq != self.rcv_nxt && !self.config.rst_anywhere_in_window {
                self.answer_unacceptable(now, seg, payload.len(), DropReason::RstNotExact, Reply::ChallengeAck);
            } else {
                self.on_reset(flags);
            }
            return;
        }

        // Fourth, the SYN bit.
        if flags.contains(Flags::SYN) {
            if self.state == State::SynReceived && self.passive {
                // "If the connection was initiated with a passive OPEN, then return this
                // connection to the LISTEN state and return."
                self.return_to_listen(Cause::Segment(flags));
            } else if self.config.syn_in_window_resets
                && self.state != State::TimeWait
                && (!syn_first || self.acceptable(seg.seq, seg_len, false))
            {
                // RFC 793: "If the SYN is in the window it is an error, send a reset, ... enter
                // the CLOSED state" (the first check answered a SYN outside it, unless the SYN
                // came straight here: then one outside it gets the challenge ACK, as FreeBSD's
                // `insecure_syn` does).
                self.reject(DropReason::SynInWindow, Reply::Reset);
                self.push_own_reset(now);
                self.cancel(Timer::DelayedAck);
                self.close_with(CloseReason::Reset, Cause::Segment(flags));
            } else {
                // RFC 5961 §4.2: a challenge ACK, whatever the sequence number.
                self.answer_unacceptable(now, seg, payload.len(), DropReason::SynOnSynchronized, Reply::ChallengeAck);
            }
            return;
        }

        // Fifth, the ACK field.
        if !flags.contains(Flags::ACK) {
            self.reject(DropReason::NoAck, Reply::Nothing);
            return;
        }
        // TIME-WAIT on Linux and FreeBSD: anything but a bare ACK at RCV.NXT is acknowledged at
        // once (`Config::time_wait_acks_segments`), within Linux's limit on TIME-WAIT's answers
        // (`tcp_timewait_check_oow_rate_limit`; FreeBSD's `tcp_twcheck` has none). RFC 9293's
        // TIME-WAIT answers only the retransmitted FIN (above, before the first check).
        if self.state == State::TimeWait
            && self.config.time_wait_acks_segments
            && !(seg.seq == self.rcv_nxt && seg_len == 0)
        {
            if self.config.time_wait_answers_counted_anew {
                self.answer_unacceptable(now, seg, payload.len(), DropReason::AckedInTimeWait, Reply::Ack);
            } else {
                self.reject(DropReason::AckedInTimeWait, Reply::Ack);
                self.ack.now = true;
            }
            return;
        }
        if self.state == State::SynReceived {
            if !(self.snd_una < seg.ack && seg.ack <= self.snd_nxt) {
                // <SEQ=SEG.ACK><CTL=RST>
                self.reject(DropReason::BadAckInSynReceived, Reply::Reset);
                self.push_reset_for(seg, payload.len());
                return;
            }
            self.on_ack_in_syn_received(now, seg);
        } else if !self.process_ack(now, seg, payload.len()) {
            return;
        }
        if self.state == State::Closed {
            return;
        }

        // Seventh, the segment text.
        let mut fin_in_order = flags.contains(Flags::FIN);
        if !payload.is_empty() {
            match self.state {
                State::Established | State::FinWait1 | State::FinWait2 => {
                    if let Some(reason) = self.text_resets() {
                        // RFC 1122 §4.2.2.13: data after CLOSE is lost, so say so with a RST (and
                        // Windows after shutdown(SD_RECEIVE), `Config::read_shutdown`).
                        self.reject(reason, Reply::Reset);
                        self.push_reset_for(seg, payload.len());
                        self.close_with(CloseReason::Aborted, Cause::Segment(flags));
                        return;
                    }
                    if seg.seq > self.rcv_nxt {
                        // Out of order: not kept (no reassembly queue); a duplicate ACK tells the
                        // sender where we are.
                        self.reject(DropReason::OutOfOrder, Reply::Ack);
                        self.ack.now = true;
                        return;
                    }
                    let skip = (self.rcv_nxt - seg.seq) as usize;
                    let fresh = payload.get(skip..).unwrap_or(&[]);
                    let taken = self.take_text(now, fresh);
                    fin_in_order &= taken == fresh.len();
                    if taken == 0 {
                        self.ack.now = true;
                    }
                }
                // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent its FIN.
                _ => {}
            }
        } else {
            fin_in_order &= seg.seq == self.rcv_nxt;
        }

        // Eighth, the FIN bit.
        if fin_in_order {
            self.on_fin(now, flags);
        }
    }

    /// Rejects an unacceptable segment and answers it with an ACK (`reply`: [`Reply::Ack`] or
    /// [`Reply::ChallengeAck`]) unless the profile's limit on such answers withholds it
    /// (RFC 5961 §7; see [`crate::config::Config::invalid_ack_limit`]).
    fn answer_unacceptable(
        &mut self,
        now: Instant,
        seg: &TcpRepr,
        payload_len: usize,
        reason: DropReason,
        reply: Reply,
    ) {
        if self.may_answer(now, seg, payload_len) {
            self.reject(reason, reply);
            self.ack.now = true;
            // An answer to a SYN is a challenge ACK wherever the SYN lies (RFC 5961 §4).
            self.ack.challenge = reply == Reply::ChallengeAck || seg.flags.contains(Flags::SYN);
        } else {
            self.reject(reason, Reply::RateLimited);
        }
    }

    /// Whether an answer to the unacceptable segment `seg` may go out now, counting it if so. A
    /// segment that occupies sequence space (data or a FIN) and has no SYN is always answered:
    /// Linux `tcp_oow_rate_limited` exempts any segment whose `end_seq` differs from its `seq`,
    /// and a FIN counts in `end_seq`, so a FIN sent again to CLOSE-WAIT (its ACK lost) is
    /// answered every time.
    fn may_answer(&mut self, now: Instant, seg: &TcpRepr, payload_len: usize) -> bool {
        let Some(limit) = self.config.invalid_ack_limit else { return true };
        let occupies_sequence_space = payload_len > 0 || seg.flags.contains(Flags::FIN);
        if occupies_sequence_space && !seg.flags.contains(Flags::SYN) {
            return true;
        }
        if now >= self.answers.interval_end {
            self.answers = AnswerThrottle { interval_end: now + limit.interval, sent: 0 };
        }
        if self.answers.sent >= limit.count {
            return false;
        }
        self.answers.sent += 1;
        true
    }

    /// SYN-RECEIVED and an ACK of our SYN: "enter ESTABLISHED state and continue processing".
    fn on_ack_in_syn_received(&mut self, now: Instant, seg: &TcpRepr) {
        self.on_ack_advance(now, seg);
        self.update_window(seg);
        if self.fin_queued {
            // The application closed during the handshake; its FIN goes out now.
            self.set_state(State::Established, Cause::Segment(seg.flags));
            self.emit(Event::Connected);
            self.set_state(State::FinWait1, Cause::Segment(seg.flags));
        } else {
            self.set_state(State::Established, Cause::Segment(seg.flags));
            self.emit(Event::Connected);
        }
        self.release_syn_text(now);
    }

    /// Our SYN is acknowledged: the text that came on the peer's SYN in SYN-SENT, queued "for
    /// processing after the ESTABLISHED state has been reached" (RFC 9293 §3.10.7.3), is now in
    /// order: delivered and acknowledged as any text (FreeBSD: "buffered and delivered after the
    /// handshake is complete. It is also only acknowledged after the handshake"). Where text
    /// now resets the connection (after close()), it is discarded unacknowledged, so that its
    /// retransmission meets that reset; where reading is shut down on a stack that discards, it is
    /// acknowledged and thrown away as any text then.
    fn release_syn_text(&mut self, now: Instant) {
        let held = core::mem::take(&mut self.syn_text);
        if held == 0 {
            return;
        }
        if self.text_resets().is_some() {
            self.recv_buf.clear();
            return;
        }
        self.rcv_nxt += held as u32;
        if self.discards_text() {
            // Nothing else is in the buffer: what was unread went at `shutdown_read`.
            self.recv_buf.clear();
            self.reject(DropReason::DiscardedAfterShutdownRead, Reply::Ack);
        } else {
            self.emit(Event::Received { len: held });
        }
        self.ack_data(now, held);
    }

    /// Takes in-order text (RFC 9293 §3.10.7.4, seventh step): what fits in the receive buffer
    /// advances RCV.NXT and is acknowledged as the profile's ACK policy says. Returns how much.
    /// Once reading is shut down on a stack that discards, the text is taken the same way but not
    /// kept (FreeBSD `tcp_do_segment`: `m_freem` instead of `sbappendstream` when
    /// `SBS_CANTRCVMORE`), so the window stays open.
    fn take_text(&mut self, now: Instant, text: &[u8]) -> usize {
        let discard = self.discards_text();
        let promised = (self.receivable() - self.rcv_wnd()) as usize;
        let room = self.recv_buf.free() + promised;
        let taken = if discard { text.len().min(room) } else { self.recv_buf.push_within(text, room) };
        self.rcv_nxt += taken as u32;
        if taken > 0 {
            if discard {
                self.reject(DropReason::DiscardedAfterShutdownRead, Reply::Ack);
            } else {
                self.emit(Event::Received { len: taken });
            }
            self.ack_data(now, taken);
        }
        taken
    }

    /// Fifth check for the synchronized states. Returns false when the segment was dropped.
    fn process_ack(&mut self, now: Instant, seg: &TcpRepr, payload_len: usize) -> bool {
        let ack = seg.ack;
        if ack > self.snd_nxt {
            // "If the ACK acks something not yet sent, then send an ACK, drop the segment."
            self.answer_unacceptable(now, seg, payload_len, DropReason::AckOfUnsentData, Reply::Ack);
            return false;
        }
        // RFC 5961 §5.2: acceptable only if (SND.UNA - MAX.SND.WND) =< SEG.ACK.
        if ack < SeqNum(self.snd_una.0.wrapping_sub(self.max_snd_wnd)) {
            self.answer_unacceptable(now, seg, payload_len, DropReason::AckTooOld, Reply::Ack);
            return false;
        }
        if self.snd_una < ack {
            self.on_ack_advance(now, seg);
            // FIN-WAIT-1 entered from SYN-RECEIVED (a CLOSE before the handshake completed).
            self.release_syn_text(now);
        }
        self.update_window(seg);
        match self.state {
            State::FinWait1 if self.fin_acked() => {
                self.set_state(State::FinWait2, Cause::Segment(seg.flags));
                self.arm_fin_wait_2(now);
            }
            State::Closing if self.fin_acked() => self.enter_time_wait(now, Cause::Segment(seg.flags)),
            State::LastAck if self.fin_acked() => {
                self.close_with(CloseReason::Normal, Cause::Segment(seg.flags));
            }
            _ => {}
        }
        true
    }

    /// SND.UNA moves forward: free the acknowledged bytes, take an RTT sample (RFC 6298 with
    /// Karn's rule, or RFC 7323 timestamps), and stop or restart the retransmission timer.
    pub(super) fn on_ack_advance(&mut self, now: Instant, seg: &TcpRepr) {
        let ack = seg.ack;
        let sample = match self.rtt_probe {
            Some((until, sent_at)) if ack >= until => {
                self.rtt_probe = None;
                Some(now.saturating_since(sent_at))
            }
            _ => None,
        }
        .or_else(|| {
            // RFC 7323 §4.1: TSecr echoes when the acknowledged segment left, retransmitted or not.
            let (_, tsecr) = seg.options.timestamps().filter(|_| self.negotiated.timestamps)?;
            let elapsed_ms = self.ts_val(now).wrapping_sub(tsecr);
            (tsecr != 0 && elapsed_ms < 1 << 30).then(|| Duration::from_millis(u64::from(elapsed_ms)))
        });
        if let Some(r) = sample {
            self.rtt.sample(r, &self.config);
        }
        let data_end = self.send_buf_seq + self.send_buf.len() as u32;
        let acked_data_end = if ack > data_end { data_end } else { ack };
        if acked_data_end > self.send_buf_seq {
            let n = acked_data_end - self.send_buf_seq;
            self.send_buf.consume(n as usize);
            self.send_buf_seq = acked_data_end;
            self.emit(Event::Writable);
        }
        self.snd_una = ack;
        self.backoff = 0;
        // RFC 6298 (5.2): all data acknowledged: turn off the timer; (5.3) else restart it.
        self.cancel(Timer::Retransmit);
        if self.snd_una != self.snd_nxt {
            self.arm(Timer::Retransmit, now, self.rtt.rto());
        }
    }

    /// RFC 9293 §3.10.7.4: update the send window from segments that are not older than the last
    /// update (SND.WL1 < SEG.SEQ, or equal and SND.WL2 =< SEG.ACK).
    fn update_window(&mut self, seg: &TcpRepr) {
        if self.snd_wl1 < seg.seq || (self.snd_wl1 == seg.seq && self.snd_wl2 <= seg.ack) {
            self.snd_wnd = u32::from(seg.window) << self.negotiated.snd_wscale;
            if self.snd_wnd > 0 {
                // The window opened: the persist timer has done its job.
                self.persist_backoff = 0;
                self.cancel(Timer::Persist);
            }
            self.max_snd_wnd = self.max_snd_wnd.max(self.snd_wnd);
            self.snd_wl1 = seg.seq;
            self.snd_wl2 = seg.ack;
        }
        if let Some((tsval, _)) = seg.options.timestamps()
            && self.negotiated.timestamps
            && seg.seq <= self.rcv_nxt
        {
            self.ts_recent = tsval;
        }
    }

    /// A RST at exactly RCV.NXT (RFC 9293 §3.10.7.4, second check, per state).
    fn on_reset(&mut self, flags: Flags) {
        let cause = Cause::Segment(flags);
        match self.state {
            State::SynReceived if self.passive => self.return_to_listen(cause),
            // Active open (simultaneous): "the connection was refused".
            State::SynReceived => self.close_with(CloseReason::Refused, cause),
            _ => self.close_with(CloseReason::Reset, cause),
        }
    }

    /// A passive SYN-RECEIVED connection forgets its peer and listens again.
    pub(super) fn return_to_listen(&mut self, cause: Cause) {
        self.cancel(Timer::Retransmit);
        self.cancel(Timer::DelayedAck);
        // Nothing of the half-open connection is kept ("the retransmission queue should be
        // flushed"): not its backed-off RTO, its options, a queued FIN or queued data, which
        // would otherwise leak into the next connection accepted on this LISTEN.
        let iss = self.iss;
        self.reset_tcb();
        self.passive = true;
        self.iss = iss;
        self.send_buf_seq = iss + 1;
        self.set_state(State::Listen, cause);
    }

    /// Decides when in-order data is acknowledged: at once when delayed ACKs are off, in
    /// quick-ACK mode, or for every second full-sized segment (RFC 9293 §3.8.6.3); otherwise
    /// within the delayed-ACK timeout.
    fn ack_data(&mut self, now: Instant, len: usize) {
        if !self.ack.seen_data {
            self.ack.seen_data = true;
            self.ack.quick_left = self.config.quick_acks;
        }
        self.ack.last_data_at = now;
        if len >= usize::from(self.send_mss()) {
            self.ack.full_segments = self.ack.full_segments.saturating_add(1);
        }
        if self.ack.now {
            // An ACK already goes out from this handler (the handshake's, on a SYN-ACK with text).
            return;
        }
        let quick = self.ack.quick_left > 0 && !self.ack.interactive;
        if self.config.delayed_ack.is_none() || quick || self.ack.full_segments >= 2 {
            if quick {
                self.ack.quick_left -= 1;
            }
            self.ack.now = true;
        } else {
            self.delay_ack(now);
        }
    }

    fn delay_ack(&mut self, now: Instant) {
        self.ack.pending = true;
        if self.timer(Timer::DelayedAck).is_none() {
            let ato = if self.config.ack_delay_zero_before_data && !self.ack.seen_data {
                Duration::ZERO
            } else {
                self.config.delayed_ack.unwrap_or(Duration::ZERO)
            };
            self.arm(Timer::DelayedAck, now, ato);
        }
    }

    /// Eighth check: the FIN bit, in order.
    fn on_fin(&mut self, now: Instant, flags: Flags) {
        let cause = Cause::Segment(flags);
        let was = self.state;
        if matches!(was, State::CloseWait | State::Closing | State::LastAck | State::TimeWait) {
            // The peer's FIN was already received and ended its sequence space: a FIN at RCV.NXT
            // is no new one ("the only thing that can arrive in this state is a retransmission
            // of the remote FIN", the fifth check's TIME-WAIT text; the seventh check: "This
            // should not occur since a FIN has been received from the remote side"). Acknowledge
            // it without advancing RCV.NXT over it again, and in TIME-WAIT "Restart the 2 MSL
            // time-wait timeout". FreeBSD (`tcp_twcheck`) and Linux (`tcp_timewait_state_process`)
            // answer with RCV.NXT unchanged too.
            if was == State::TimeWait {
                self.arm(Timer::TimeWait, now, self.config.time_wait());
            }
            self.ack.now = true;
            return;
        }
        self.rcv_nxt += 1;
        self.emit(Event::EndOfStream);
        match was {
            State::SynReceived | State::Established => self.set_state(State::CloseWait, cause),
            State::FinWait1 if self.fin_acked() => self.enter_time_wait(now, cause),
            State::FinWait1 => self.set_state(State::Closing, cause),
            State::FinWait2 => self.enter_time_wait(now, cause),
            _ => {}
        }
        let delay = was == State::Established && !self.config.ack_fin_at_once && self.config.delayed_ack.is_some();
        if delay {
            // Linux tcp_fin: a FIN in ESTABLISHED enters pingpong mode and schedules a delayed
            // ACK, which the application's own FIN often carries (the three-segment close).
            if self.config.interactive_acks {
                self.ack.interactive = true;
            }
            self.delay_ack(now);
        } else {
            self.ack.now = true;
        }
    }

    pub(super) fn enter_time_wait(&mut self, now: Instant, cause: Cause) {
        self.cancel(Timer::Retransmit);
        self.cancel(Timer::FinWait2);
        self.set_state(State::TimeWait, cause);
        self.arm(Timer::TimeWait, now, self.config.time_wait());
        if self.config.time_wait_answers_counted_anew {
            self.answers = AnswerThrottle::default();
        }
    }

    /// Linux arms the FIN-WAIT-2 timer only for a socket the application has closed.
    pub(super) fn arm_fin_wait_2(&mut self, now: Instant) {
        if let (State::FinWait2, true, Some(timeout)) = (self.state, self.orphaned, self.config.fin_wait_2_timeout)
            && self.timer(Timer::FinWait2).is_none()
        {
            self.arm(Timer::FinWait2, now, timeout);
        }
    }
}
