//! The eleven connection states of RFC 9293 §3.3.2.

use core::fmt;

/// A connection state (RFC 9293 §3.3.2, Figure 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum State {
    /// No connection at all.
    Closed,
    /// Waiting for a connection request from any remote TCP.
    Listen,
    /// Sent a SYN, waiting for a matching SYN (with or without ACK).
    SynSent,
    /// Received a SYN and sent one, waiting for the acknowledgment of ours.
    SynReceived,
    /// Open: data flows both ways.
    Established,
    /// Sent our FIN, waiting for its ACK or the peer's FIN.
    FinWait1,
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    FinWait2,
    /// Received the peer's FIN; waiting for our application to close.
    CloseWait,
    /// Both sides sent FIN at once; waiting for the ACK of ours.
    Closing,
    /// Sent our FIN after the peer's; waiting for its ACK.
    LastAck,
    /// Waiting 2·MSL so that the peer surely received our last ACK.
    TimeWait,
}

impl State {
    /// All states in the order of RFC 9293 §3.3.2.
    pub const ALL: [State; 11] = [
        State::Closed,
        State::Listen,
        State::SynSent,
        State::SynReceived,
        State::Established,
        State::FinWait1,
        State::FinWait2,
        State::CloseWait,
        State::Closing,
        State::LastAck,
        State::TimeWait,
    ];

    /// The RFC spelling: `SYN-SENT`.
    pub const fn rfc_name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Listen => "LISTEN",
            State::SynSent => "SYN-SENT",
            State::SynReceived => "SYN-RECEIVED",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::CloseWait => "CLOSE-WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST-ACK",
            State::TimeWait => "TIME-WAIT",
        }
    }

    /// The spelling of `netstat` and `ss`, which most articles use: `SYN_SENT`, `SYN_RECV`.
    pub const fn netstat_name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Listen => "LISTEN",
            State::SynSent => "SYN_SENT",
            State::SynReceived => "SYN_RECV",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN_WAIT1",
            State::FinWait2 => "FIN_WAIT2",
            State::CloseWait => "CLOSE_WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST_ACK",
            State::TimeWait => "TIME_WAIT",
        }
    }

    /// Parses either spelling, case-insensitively (`syn-sent`, `SYN_SENT`, `SYN_RECV`).
    pub fn from_name(name: &str) -> Option<State> {
        State::ALL
            .into_iter()
            .find(|s| name.eq_ignore_ascii_case(s.rfc_name()) || name.eq_ignore_ascii_case(s.netstat_name()))
    }

    /// States in which both ISNs are known (RFC 9293 §3.10.7.4 "synchronized states").
    pub const fn is_synchronized(self) -> bool {
        !matches!(self, State::Closed | State::Listen | State::SynSent | State::SynReceived)
    }

    /// Whether this state may follow `self` in RFC 9293's Figure 5 (plus the transitions every
    /// state has to CLOSED on reset or abort, Linux's FIN-WAIT-2 timeout to CLOSED, and LISTEN to
    /// ESTABLISHED, which only the deliberately broken two-way handshake takes).
    pub const fn may_become(self, next: State) -> bool {
        use State::*;
        if matches!(next, Closed) {
            return true;
        }
        matches!(
            (self, next),
            (Closed, Listen | SynSent)
                | (Listen, SynReceived | SynSent | Established)
                | (SynSent, SynReceived | Established)
                | (SynReceived, Established | FinWait1 | Listen)
                | (Established, FinWait1 | CloseWait)
                | (FinWait1, FinWait2 | Closing | TimeWait)
                | (FinWait2, TimeWait)
                | (CloseWait, LastAck)
                | (Closing, TimeWait)
        )
    }
}

impl fmt::Display for State {
    /// The RFC spelling; `{:#}` gives the netstat spelling.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if f.alternate() { self.netstat_name() } else { self.rfc_name() })
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn both_spellings() {
        extern crate std;
        use std::format;
        assert_eq!(format!("{}", State::SynSent), "SYN-SENT");
        assert_eq!(format!("{:#}", State::SynReceived), "SYN_RECV");
        for s in State::ALL {
            assert_eq!(State::from_name(s.rfc_name()), Some(s));
            assert_eq!(State::from_name(s.netstat_name()), Some(s));
        }
        assert_eq!(State::from_name("nope"), None);
    }
}
