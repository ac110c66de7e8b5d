//! Timeouts (RFC 9293 §3.10.8): retransmission, delayed ACK, TIME-WAIT, FIN-WAIT-2, the persist
//! timer, keep-alive and the active open's time limit.

use super::Connection;
use crate::event::{Cause, CloseReason, Event, Timer};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::Instant;
use crate::wire::Flags;

impl Connection {
    /// Fires every timer whose deadline is at or before `now`, earliest first. A spurious `now`
    /// (before every deadline) does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(timer) = self.due_timer(now) {
            self.timers[timer.index()] = None;
            let backoff = match timer {
                Timer::Retransmit => self.backoff,
                Timer::Keepalive => self.keepalive_probes_out,
                _ => 0,
            };
            self.emit(Event::TimerFired { timer, backoff });
            match timer {
                Timer::Retransmit => self.on_retransmit_timeout(now),
                Timer::DelayedAck => {
                    if self.ack.interactive {
                        // Linux tcp_delack_timer_handler: "delayed ACK missed: leave pingpong mode".
                        self.ack.interactive = false;
                    }
                    self.ack.now = true;
                }
                // "If the time-wait timeout expires on a connection, delete the TCB, enter the
                // CLOSED state, and return."
                Timer::TimeWait => self.close_with(CloseReason::Normal, Cause::Timer(Timer::TimeWait)),
                Timer::FinWait2 => self.close_with(CloseReason::FinWait2Timeout, Cause::Timer(Timer::FinWait2)),
                Timer::Persist => self.on_persist_timeout(now),
                Timer::Keepalive => self.on_keepalive_timeout(now),
                Timer::Establishment => self.on_establishment_timeout(now),
            }
        }
        self.flush(now);
    }

    fn due_timer(&self, now: Instant) -> Option<Timer> {
        Timer::ALL
            .into_iter()
            .filter_map(|t| self.timer(t).filter(|deadline| *deadline <= now).map(|d| (d, t)))
            .min()
            .map(|(_, t)| t)
    }

    /// RFC 6298 (5.4)–(5.6): retransmit the earliest unacknowledged segment, back off, restart
    /// the timer; give up after the retry limit (RFC 9293 §3.8.3, R2).
    fn on_retransmit_timeout(&mut self, now: Instant) {
        let limit = match self.state {
            State::SynSent => self.config.syn_retries.saturating_add(self.config.syn_linear_timeouts),
            State::SynReceived => self.config.synack_retries,
            _ => self.config.data_retries,
        };
        if self.backoff >= limit {
            if self.state == State::SynReceived && self.passive {
                self.return_to_listen(Cause::RetriesExhausted);
            } else {
                self.close_with(CloseReason::TimedOut, Cause::RetriesExhausted);
            }
            return;
        }
        self.backoff += 1;
        // Linux `tcp_retransmit_timer`: in SYN-SENT the first `tcp_syn_linear_timeouts`
        // retransmissions keep the RTO; the backoff doubles it after them.
        if self.state != State::SynSent || self.backoff > self.config.syn_linear_timeouts {
            self.rtt.back_off(&self.config);
        }
        // Karn: a retransmitted segment gives no RTT sample.
        self.rtt_probe = None;
        self.retransmit_earliest(now);
        self.arm(Timer::Retransmit, now, self.rtt.rto());
    }

    /// RFC 9293 §3.8.6.1: probe a zero window. The probe repeats an old sequence number, as
    /// Linux `tcp_xmit_probe_skb` does, so the peer answers with an ACK carrying its window; the
    /// interval backs off like the RTO, and the connection is never given up while ACKs come back.
    fn on_persist_timeout(&mut self, now: Instant) {
        if self.snd_wnd > 0 || !self.state.is_synchronized() {
            return;
        }
        self.persist_backoff = self.persist_backoff.saturating_add(1);
        self.push_segment(now, SeqNum(self.snd_una.0.wrapping_sub(1)), Flags::ACK, 0, false);
        let interval = (self.rtt.rto() * (1u32 << self.persist_backoff.min(16))).min(self.config.rto_max);
        self.arm(Timer::Persist, now, interval);
    }

    /// RFC 9293 §3.8.4, RFC 1122 §4.2.3.6: nothing came from the peer for the idle time (or for an
    /// interval since the last probe). Send a probe, `<SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>` with
    /// no data or one garbage octet ([`crate::Config::keepalive_probe_byte`]): it lies outside the
    /// peer's window, so a live peer answers with an ACK, which starts the idle time again
    /// (`restart_keepalive`). One interval after the last of `keepalive_probes` unanswered probes,
    /// the connection is dropped with ETIMEDOUT (Linux `tcp_keepalive_timer`, FreeBSD
    /// `tcp_timer_keep`), after a reset where the stack sends one.
    fn on_keepalive_timeout(&mut self, now: Instant) {
        if !self.keepalive_may_probe() {
            return;
        }
        if self.keepalive_probes_out >= self.config.keepalive_probes {
            if self.config.keepalive_timeout_rst {
                self.push_own_reset(now);
            }
            self.close_with(CloseReason::TimedOut, Cause::Timer(Timer::Keepalive));
            return;
        }
        self.keepalive_probes_out += 1;
        let seq = SeqNum(self.snd_nxt.0.wrapping_sub(1));
        if self.config.keepalive_probe_byte {
            self.push_garbage_probe(now, seq);
        } else {
            self.push_segment(now, seq, Flags::ACK, 0, false);
        }
        self.arm(Timer::Keepalive, now, self.config.keepalive_interval);
    }

    /// The active open's time limit ([`crate::Config::establishment_timeout`]) passed before
    /// ESTABLISHED: give up with ETIMEDOUT, with a reset if the peer's SYN is known (a
    /// simultaneous open in SYN-RECEIVED: FreeBSD `tcp_timer_keep` → `tcp_drop`, which resets
    /// once `TCPS_HAVERCVDSYN`).
    fn on_establishment_timeout(&mut self, now: Instant) {
        if self.state == State::SynReceived {
            self.push_own_reset(now);
        }
        self.close_with(CloseReason::TimedOut, Cause::Timer(Timer::Establishment));
    }

    fn retransmit_earliest(&mut self, now: Instant) {
        match self.state {
            State::SynSent => {
                self.syn_retransmitted = true;
                self.push_segment(now, self.iss, Flags::SYN, 0, true);
            }
            State::SynReceived => self.push_segment(now, self.iss, Flags::SYN | Flags::ACK, 0, true),
            _ if self.snd_una == self.iss => {
                // Our SYN is still unacknowledged: the broken two-way handshake opened on a SYN
                // alone, or CLOSE in SYN-RECEIVED sent a FIN before the handshake completed
                // (RFC 9293 §3.10.4). The SYN-ACK goes first; the FIN follows once it is acked.
                self.push_segment(now, self.iss, Flags::SYN | Flags::ACK, 0, true);
            }
            _ => {
                let data_end = self.send_buf_seq + self.send_buf.len() as u32;
                let sent_data_end = if data_end > self.snd_nxt { self.snd_nxt } else { data_end };
                let unacked = if sent_data_end > self.snd_una { sent_data_end - self.snd_una } else { 0 };
                let len = unacked.min(u32::from(self.send_mss()));
                let fin = self.fin_seq == Some(self.snd_una + len);
                let mut flags = Flags::ACK;
                if len > 0 {
                    flags = flags | Flags::PSH;
                }
                if fin {
                    flags = flags | Flags::FIN;
                }
                if len > 0 || fin {
                    self.push_segment(now, self.snd_una, flags, len as u16, true);
                }
            }
        }
    }
}
