//! Application commands (RFC 9293 §3.10.1–§3.10.6, and `shutdown` for the half-close,
//! `shutdown_read` for the receiving side).

use super::Connection;
use crate::config::ReadShutdown;
use crate::event::{Cause, CloseReason, Command, Timer};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::Instant;
use crate::wire::Flags;
use core::fmt;

/// Why a command was refused, in RFC 9293's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum CommandError {
    /// "error: connection already exists".
    AlreadyExists,
    /// "error: connection does not exist" (or not yet open for this command).
    DoesNotExist,
    /// "error: connection closing".
    Closing,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CommandError::AlreadyExists => "connection already exists",
            CommandError::DoesNotExist => "connection does not exist",
            CommandError::Closing => "connection closing",
        })
    }
}

/// `CommandError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for CommandError {}

impl Connection {
    /// Passive OPEN (§3.10.1): wait for a SYN; `isn` will be our ISS.
    pub fn listen(&mut self, isn: SeqNum) -> Result<(), CommandError> {
        if self.state != State::Closed {
            return Err(CommandError::AlreadyExists);
        }
        // A connection may be opened again after CLOSED: nothing of the last one survives.
        self.reset_tcb();
        self.passive = true;
        self.iss = isn;
        self.send_buf_seq = isn + 1;
        self.set_state(State::Listen, Cause::Command(Command::Listen));
        Ok(())
    }

    /// Active OPEN (§3.10.1): send `<SEQ=ISS><CTL=SYN>` and enter SYN-SENT. Allowed from CLOSED,
    /// and from LISTEN ("change the connection from passive to active").
    pub fn connect(&mut self, now: Instant, isn: SeqNum) -> Result<(), CommandError> {
        if !matches!(self.state, State::Closed | State::Listen) {
            return Err(CommandError::AlreadyExists);
        }
        if self.state == State::Closed {
            // A connection may be opened again after CLOSED: nothing of the last one survives.
            self.reset_tcb();
        }
        self.passive = false;
        self.iss = isn;
        self.snd_una = isn;
        self.snd_nxt = isn + 1;
        self.send_buf_seq = isn + 1;
        self.set_state(State::SynSent, Cause::Command(Command::Connect));
        self.push_segment(now, isn, Flags::SYN, 0, false);
        self.rtt_probe = Some((self.snd_nxt, now));
        self.arm_retransmit_if_idle(now);
        if let Some(limit) = self.config.establishment_timeout {
            self.arm(Timer::Establishment, now, limit);
        }
        Ok(())
    }

    /// SEND (§3.10.2): queue as much of `data` as the send buffer takes; returns how much.
    /// Data queued before the connection is established leaves with the handshake's last ACK.
    pub fn send(&mut self, now: Instant, data: &[u8]) -> Result<usize, CommandError> {
        match self.state {
            State::Closed | State::Listen => return Err(CommandError::DoesNotExist),
            State::SynSent | State::SynReceived | State::Established | State::CloseWait => {}
            _ => return Err(CommandError::Closing),
        }
        if self.fin_queued {
            return Err(CommandError::Closing);
        }
        let n = self.send_buf.push(data);
        self.flush(now);
        Ok(n)
    }

    /// RECEIVE (§3.10.3): copy out up to `buf.len()` bytes received in order. When reading
    /// reopens a window that had shrunk below one segment, a window update goes out (receiver
    /// SWS avoidance, RFC 9293 §3.8.6.2.2: announce once it grew by min(buffer/2, MSS)).
    pub fn recv(&mut self, now: Instant, buf: &mut [u8]) -> Result<usize, CommandError> {
        if matches!(self.state, State::Closed | State::Listen) && self.recv_buf.len() == 0 {
            return Err(CommandError::DoesNotExist);
        }
        let threshold = self.sws_threshold();
        let was_small = self.recv_buf.free() < threshold;
        // Text held from the peer's SYN is not readable before the handshake completes.
        let readable = buf.len().min(self.recv_available());
        let n = self.recv_buf.pop_into(&mut buf[..readable]);
        let can_receive = matches!(self.state, State::Established | State::FinWait1 | State::FinWait2);
        if was_small && self.recv_buf.free() >= threshold && can_receive {
            self.push_ack(now);
        }
        Ok(n)
    }

    /// `setsockopt(SO_KEEPALIVE)`: turn keep-alive on or off for this connection (RFC 1122
    /// §4.2.3.6: "the application MUST be able to turn them on or off for each TCP connection").
    /// Turned on, the idle time starts now (as Linux `tcp_set_keepalive` rearms the timer at the
    /// full idle time) where keep-alive may run; turned off, the timer stops. The idle time,
    /// interval and count are the configuration's ([`crate::Config::keepalive_idle`], ...).
    pub fn set_keepalive(&mut self, now: Instant, on: bool) {
        if self.config.keepalive == on {
            return;
        }
        self.config.keepalive = on;
        if on {
            self.restart_keepalive(now);
        } else {
            self.cancel(Timer::Keepalive);
        }
    }

    /// Half-close: send a FIN after the queued data, keep receiving.
    pub fn shutdown(&mut self, now: Instant) -> Result<(), CommandError> {
        self.close_sending(now, Command::Shutdown)
    }

    /// `shutdown(SHUT_RD)`: the application reads nothing more. RFC 9293 has no such command
    /// (its CLOSE shuts the sending side); what it does is the profile's
    /// ([`crate::Config::read_shutdown`]): keep receiving as before, with nothing sent (Linux);
    /// throw away what waits unread and, from now on, what arrives (FreeBSD); or reset the
    /// connection if data waits unread now or arrives later (Windows). Returns how many unread
    /// bytes will never be read: those thrown away, or those the reset lost (0 where they stay
    /// readable). Refused where there is no connection (CLOSED, LISTEN: sockets' ENOTCONN).
    pub fn shutdown_read(&mut self, now: Instant) -> Result<usize, CommandError> {
        if matches!(self.state, State::Closed | State::Listen) {
            return Err(CommandError::DoesNotExist);
        }
        self.read_shut = true;
        let unread = self.recv_available();
        match self.config.read_shutdown {
            ReadShutdown::Keep => return Ok(0),
            // FreeBSD `sorflush`: the receive buffer is emptied; no segment goes out.
            ReadShutdown::Discard => self.recv_buf.consume(unread),
            ReadShutdown::Reset if unread > 0 => self.abort_by(now, Command::ShutdownRead),
            ReadShutdown::Reset => {}
        }
        Ok(unread)
    }

    /// CLOSE (§3.10.4): FIN after the queued data; nothing more is read. Unread received data
    /// turns the close into a reset (RFC 1122 §4.2.2.13).
    pub fn close(&mut self, now: Instant) -> Result<(), CommandError> {
        if self.recv_available() > 0 && self.state.is_synchronized() {
            return self.abort(now);
        }
        let already_closing = self.fin_queued;
        self.orphaned = true;
        match self.close_sending(now, Command::Close) {
            Err(CommandError::Closing) if already_closing => {
                // shutdown() then close(): the socket is now orphaned.
                self.arm_fin_wait_2(now);
                Ok(())
            }
            other => other,
        }
    }

    fn close_sending(&mut self, now: Instant, command: Command) -> Result<(), CommandError> {
        let cause = Cause::Command(command);
        match self.state {
            State::Closed => return Err(CommandError::DoesNotExist),
            State::Listen | State::SynSent => {
                // "Delete the TCB": no segment was exchanged that needs closing.
                self.close_with(CloseReason::Aborted, cause);
                return Ok(());
            }
            _ if self.fin_queued => return Err(CommandError::Closing),
            // "If no SENDs have been issued and there is no pending data to send, then form a FIN
            // segment and send it, and enter FIN-WAIT-1 state" (Linux tcp_close_state agrees);
            // otherwise it waits for ESTABLISHED (see SYN-RECEIVED input).
            State::SynReceived if self.send_buf.len() == 0 => {
                self.fin_queued = true;
                self.set_state(State::FinWait1, cause);
            }
            State::SynReceived => self.fin_queued = true,
            State::Established => {
                self.fin_queued = true;
                self.set_state(State::FinWait1, cause);
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.set_state(State::LastAck, cause);
            }
            _ => return Err(CommandError::Closing),
        }
        self.flush(now);
        Ok(())
    }

    /// ABORT (§3.10.5): in a synchronized state send `<SEQ=SND.NXT><CTL=RST>` (Linux adds ACK),
    /// then CLOSED. The application gave the connection up: it is orphaned, as after `close()`.
    pub fn abort(&mut self, now: Instant) -> Result<(), CommandError> {
        if self.state == State::Closed {
            return Err(CommandError::DoesNotExist);
        }
        self.orphaned = true;
        self.abort_by(now, Command::Abort);
        Ok(())
    }

    /// ABORT's work, caused by `command`, in a state other than CLOSED.
    fn abort_by(&mut self, now: Instant, command: Command) {
        match self.state {
            State::SynReceived | State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                self.push_own_reset(now);
            }
            _ => {}
        }
        self.cancel(Timer::DelayedAck);
        self.close_with(CloseReason::Aborted, Cause::Command(command));
    }
}
