//! The state/event matrix: every state of RFC 9293 §3.3.2 against every kind of arriving
//! segment (§3.10.7) and every user command (§3.10.1–§3.10.5), each line citing the clause that
//! decides it. Fixtures come from `tcp_core::harness` (rfc9293 profile, ACKs immediate; our ISS 1000, the
//! peer's 5000, numbers printed relative to them).

use tcp_core::event::{CloseReason, Event, Timer};
use tcp_core::harness::*;
use tcp_core::wire::Options;
use tcp_core::{Config, Connection, DropReason, Ecn, Flags, Instant, Profile, Reply, SeqNum, State, TcpRepr};

/// When the matrix segments and commands arrive (the fixtures are built at time zero).
const AT: Instant = Instant::from_millis(100);

/// The kinds of arriving segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// SYN without ACK, at RCV.NXT (at the peer's ISS while RCV.NXT is unknown).
    Syn,
    /// SYN|ACK at the same place, acknowledging SND.NXT.
    SynAck,
    /// ACK at RCV.NXT acknowledging SND.NXT.
    Ack,
    /// ACK at RCV.NXT acknowledging 100 bytes never sent.
    BadAck,
    /// FIN without ACK where the peer's FIN belongs (RCV.NXT, or RCV.NXT−1 once received: a
    /// retransmission).
    Fin,
    /// FIN|ACK at the same place, acknowledging SND.NXT.
    FinAck,
    /// RST at exactly RCV.NXT.
    RstExact,
    /// RST at RCV.NXT+100: inside the window, not exact.
    RstInWindow,
    /// RST at RCV.NXT+100000: outside the window.
    RstOutOfWindow,
    /// RST|ACK at RCV.NXT acknowledging SND.NXT.
    RstAck,
    /// 5 bytes, ACK|PSH, at RCV.NXT acknowledging SND.NXT.
    Data,
}

impl Kind {
    const ALL: [Kind; 11] = [
        Kind::Syn,
        Kind::SynAck,
        Kind::Ack,
        Kind::BadAck,
        Kind::Fin,
        Kind::FinAck,
        Kind::RstExact,
        Kind::RstInWindow,
        Kind::RstOutOfWindow,
        Kind::RstAck,
        Kind::Data,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Syn => "SYN",
            Kind::SynAck => "SYN-ACK",
            Kind::Ack => "ACK",
            Kind::BadAck => "ACK unsent",
            Kind::Fin => "FIN no ACK",
            Kind::FinAck => "FIN-ACK",
            Kind::RstExact => "RST exact",
            Kind::RstInWindow => "RST in wnd",
            Kind::RstOutOfWindow => "RST out wnd",
            Kind::RstAck => "RST-ACK",
            Kind::Data => "data 5",
        }
    }
}

/// Whether the peer's FIN was already received in `state`.
fn peer_fin_received(state: State) -> bool {
    matches!(state, State::CloseWait | State::Closing | State::LastAck | State::TimeWait)
}

/// The segment of `kind` for a connection in `state`, as the peer would number it.
fn segment(conn: &Connection, kind: Kind) -> (TcpRepr, &'static [u8]) {
    let state = conn.state();
    let unsynchronized = matches!(state, State::Closed | State::Listen | State::SynSent);
    // Where RCV.NXT and SND.NXT are not known yet, use what they would be after the handshake.
    let rcv_nxt = if unsynchronized { PEER_ISS + 1 } else { conn.rcv_nxt() };
    let snd_nxt = if matches!(state, State::Closed | State::Listen) { ISS + 1 } else { conn.snd_nxt() };
    let syn_seq = if unsynchronized { PEER_ISS } else { rcv_nxt };
    let fin_seq = if peer_fin_received(state) { SeqNum(rcv_nxt.0 - 1) } else { rcv_nxt };
    let (flags, seq, ack) = match kind {
        Kind::Syn => (Flags::SYN, syn_seq, SeqNum(0)),
        Kind::SynAck => (Flags::SYN | Flags::ACK, syn_seq, snd_nxt),
        Kind::Ack => (Flags::ACK, rcv_nxt, snd_nxt),
        Kind::BadAck => (Flags::ACK, rcv_nxt, snd_nxt + 100),
        Kind::Fin => (Flags::FIN, fin_seq, SeqNum(0)),
        Kind::FinAck => (Flags::FIN | Flags::ACK, fin_seq, snd_nxt),
        Kind::RstExact => (Flags::RST, rcv_nxt, SeqNum(0)),
        Kind::RstInWindow => (Flags::RST, rcv_nxt + 100, SeqNum(0)),
        Kind::RstOutOfWindow => (Flags::RST, rcv_nxt + 100_000, SeqNum(0)),
        Kind::RstAck => (Flags::RST | Flags::ACK, rcv_nxt, snd_nxt),
        Kind::Data => (Flags::ACK | Flags::PSH, rcv_nxt, snd_nxt),
    };
    let payload: &'static [u8] = if kind == Kind::Data { b"hello" } else { b"" };
    (TcpRepr { flags, seq, ack, ..TEMPL }, payload)
}

/// The clause of RFC 9293 §3.10.7 (and RFC 5961) that decides what `state` does with `kind`.
/// Written from the RFC text, not from the code.
fn rfc_segment(state: State, kind: Kind) -> &'static str {
    use Kind::*;
    use State::*;
    match (state, kind) {
        (Closed, RstExact | RstInWindow | RstOutOfWindow | RstAck) => "§3.10.7.1 a RST is discarded",
        (Closed, Syn | Fin) => "§3.10.7.1 no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>",
        (Closed, _) => "§3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>",

        (Listen, RstExact | RstInWindow | RstOutOfWindow | RstAck) => "§3.10.7.2 first: RST ignored",
        (Listen, Syn) => "§3.10.7.2 third: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>",
        (Listen, Fin) => "§3.10.7.2 fourth: other control, drop",
        (Listen, _) => "§3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>",

        (SynSent, BadAck) => "§3.10.7.3 first: SEG.ACK > SND.NXT, <SEQ=SEG.ACK><CTL=RST>",
        (SynSent, RstExact | RstInWindow | RstOutOfWindow) => "§3.10.7.3 second: RST without ACK, drop",
        (SynSent, RstAck) => "§3.10.7.3 second: RST, ACK ok: refused (RFC 5961 §3.2)",
        (SynSent, Syn) => "§3.10.7.3 fourth: SYN, no ACK: SYN-RECEIVED (simultaneous open)",
        (SynSent, SynAck) => "§3.10.7.3 fourth: SYN, our SYN acked: ESTABLISHED, ACK",
        (SynSent, Ack | Fin | FinAck | Data) => "§3.10.7.3 fifth: neither SYN nor RST, drop",

        // Synchronized states and SYN-RECEIVED (§3.10.7.4), in the RFC's order of checks.
        (_, RstOutOfWindow) => "§3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)",
        (_, RstInWindow) => "§3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)",
        (SynReceived, RstExact | RstAck) => "§3.10.7.4 second 2): passive OPEN, back to LISTEN",
        (_, RstExact | RstAck) => "§3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)",
        (SynReceived, Syn | SynAck) => "§3.10.7.4 fourth: passive OPEN, back to LISTEN",
        (_, Syn | SynAck) => "§3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)",
        (CloseWait | Closing | LastAck, Fin | FinAck) => "§3.10.7.4 first: old FIN not acceptable, ACK",
        // A retransmitted FIN without ACK fails the first check too: ACK, but no 2MSL restart
        // (that is the fifth check's TIME-WAIT rule, reached only with the ACK bit).
        (TimeWait, Fin) => "§3.10.7.4 first: old FIN not acceptable, ACK",
        (TimeWait, FinAck) => "§3.10.7.4 fifth: TIME-WAIT, ACK the FIN, restart 2MSL",
        (_, Fin) => "§3.10.7.4 fifth: ACK bit off, drop",
        // Open question: RFC 9293 places RFC 5961 §5.2's ACK range check ("discarded and an ACK
        // sent back") before the per-state text, which read literally would answer SEG.ACK >
        // SND.NXT in SYN-RECEIVED with an ACK. RFC 793, RFC 5961 (written for the synchronized
        // states) and Linux (tcp_check_req) answer with a RST, as here.
        (_, BadAck) if state == SynReceived => "§3.10.7.4 fifth: SYN-RECEIVED bad ACK, <SEQ=SEG.ACK><CTL=RST>",
        (_, BadAck) => "§3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop",
        (SynReceived, Ack) => "§3.10.7.4 fifth: SYN-RECEIVED, ACK ok: ESTABLISHED",
        (SynReceived, FinAck) => "§3.10.7.4 fifth: ESTABLISHED; eighth: CLOSE-WAIT, ACK",
        (SynReceived, Data) => "§3.10.7.4 fifth: ESTABLISHED; seventh: accept, ACK",
        (FinWait1, Ack) => "§3.10.7.4 fifth: FIN-WAIT-1, FIN acked: FIN-WAIT-2",
        (FinWait1, FinAck) => "§3.10.7.4 eighth: FIN-WAIT-1, FIN acked: TIME-WAIT, ACK",
        (FinWait1, Data) => "§3.10.7.4 fifth: FIN-WAIT-2; seventh: accept, ACK",
        (Closing, Ack | Data) => "§3.10.7.4 fifth: CLOSING, FIN acked: TIME-WAIT",
        (LastAck, Ack | Data) => "§3.10.7.4 fifth: LAST-ACK, FIN acked: CLOSED",
        (Established | FinWait2, FinAck) => "§3.10.7.4 eighth: FIN in order, ACK",
        (Established | FinWait2, Data) => "§3.10.7.4 seventh: accept text, ACK",
        (CloseWait | TimeWait, Data) => "§3.10.7.4 seventh: FIN already received, ignore text",
        // The fifth check's TIME-WAIT text assumes whatever arrives is the retransmitted FIN; a
        // bare in-window ACK is not one. Nothing is sent, as Linux (which only restarts the timer)
        // and smoltcp do; acknowledging every ACK would answer ACKs with ACKs.
        (TimeWait, Ack) => "§3.10.7.4 fifth: TIME-WAIT; a bare ACK is no FIN, nothing to do",
        (_, Ack) => "§3.10.7.4 fifth: duplicate ACK, ignored",
    }
}

/// One matrix line: what `state` does with `kind`.
fn segment_line(state: State, kind: Kind) -> String {
    let mut conn = conn_in(state);
    let (seg, payload) = segment(&conn, kind);
    let out = deliver(&mut conn, AT, seg, payload);
    let next = conn.state();
    line(state, kind.label(), next, &out, rfc_segment(state, kind))
}

fn line(state: State, what: &str, next: State, out: &Output, rfc: &str) -> String {
    let segments = out.segments();
    let sent = if segments.is_empty() { "-".to_string() } else { segments.join(", ") };
    let rejected = out
        .events
        .iter()
        .find_map(|e| match e {
            Event::SegmentRejected { reason, reply } => Some(format!("{reason:?}/{reply:?}")),
            _ => None,
        })
        .unwrap_or_else(|| "-".into());
    let closed = out
        .events
        .iter()
        .find_map(|e| match e {
            Event::Closed { reason } => Some(format!("{reason:?}")),
            _ => None,
        })
        .unwrap_or_else(|| "-".into());
    format!(
        "{:<12} {:<21} -> {:<12} | {:<24} | {:<31} | {:<8} | {:<22} | {rfc}",
        state.rfc_name(),
        what,
        next.rfc_name(),
        sent,
        rejected,
        closed,
        out.timers(AT),
    )
}

fn header(what: &str) -> String {
    format!(
        "{:<12} {:<21}    {:<12} | {:<24} | {:<31} | {:<8} | {:<22} | RFC",
        "state", what, "next", "sent (flags seq ack len)", "rejected (reason/reply)", "closed", "timers"
    )
}

#[test]
fn segment_arrives_matrix() {
    let mut table = vec![header("segment")];
    for state in State::ALL {
        for kind in Kind::ALL {
            table.push(segment_line(state, kind));
        }
    }
    expect_test::expect![[r#"
        state        segment                  next         | sent (flags seq ack len) | rejected (reason/reply)         | closed   | timers                 | RFC
        CLOSED       SYN                   -> CLOSED       | RST|ACK abs0 1 0         | NoConnection/Reset              | -        | -                      | §3.10.7.1 no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        CLOSED       SYN-ACK               -> CLOSED       | RST 1 - 0                | NoConnection/Reset              | -        | -                      | §3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>
        CLOSED       ACK                   -> CLOSED       | RST 1 - 0                | NoConnection/Reset              | -        | -                      | §3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>
        CLOSED       ACK unsent            -> CLOSED       | RST 101 - 0              | NoConnection/Reset              | -        | -                      | §3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>
        CLOSED       FIN no ACK            -> CLOSED       | RST|ACK abs0 2 0         | NoConnection/Reset              | -        | -                      | §3.10.7.1 no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        CLOSED       FIN-ACK               -> CLOSED       | RST 1 - 0                | NoConnection/Reset              | -        | -                      | §3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>
        CLOSED       RST exact             -> CLOSED       | -                        | NoConnection/Nothing            | -        | -                      | §3.10.7.1 a RST is discarded
        CLOSED       RST in wnd            -> CLOSED       | -                        | NoConnection/Nothing            | -        | -                      | §3.10.7.1 a RST is discarded
        CLOSED       RST out wnd           -> CLOSED       | -                        | NoConnection/Nothing            | -        | -                      | §3.10.7.1 a RST is discarded
        CLOSED       RST-ACK               -> CLOSED       | -                        | NoConnection/Nothing            | -        | -                      | §3.10.7.1 a RST is discarded
        CLOSED       data 5                -> CLOSED       | RST 1 - 0                | NoConnection/Reset              | -        | -                      | §3.10.7.1 ACK on: <SEQ=SEG.ACK><CTL=RST>
        LISTEN       SYN                   -> SYN-RECEIVED | SYN|ACK 0 1 0            | -                               | -        | +RTO(1000ms)           | §3.10.7.2 third: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
        LISTEN       SYN-ACK               -> LISTEN       | RST 1 - 0                | AckInListen/Reset               | -        | -                      | §3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>
        LISTEN       ACK                   -> LISTEN       | RST 1 - 0                | AckInListen/Reset               | -        | -                      | §3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>
        LISTEN       ACK unsent            -> LISTEN       | RST 101 - 0              | AckInListen/Reset               | -        | -                      | §3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>
        LISTEN       FIN no ACK            -> LISTEN       | -                        | Unexpected/Nothing              | -        | -                      | §3.10.7.2 fourth: other control, drop
        LISTEN       FIN-ACK               -> LISTEN       | RST 1 - 0                | AckInListen/Reset               | -        | -                      | §3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>
        LISTEN       RST exact             -> LISTEN       | -                        | RstInListen/Nothing             | -        | -                      | §3.10.7.2 first: RST ignored
        LISTEN       RST in wnd            -> LISTEN       | -                        | RstInListen/Nothing             | -        | -                      | §3.10.7.2 first: RST ignored
        LISTEN       RST out wnd           -> LISTEN       | -                        | RstInListen/Nothing             | -        | -                      | §3.10.7.2 first: RST ignored
        LISTEN       RST-ACK               -> LISTEN       | -                        | RstInListen/Nothing             | -        | -                      | §3.10.7.2 first: RST ignored
        LISTEN       data 5                -> LISTEN       | RST 1 - 0                | AckInListen/Reset               | -        | -                      | §3.10.7.2 second: any ACK is bad, <SEQ=SEG.ACK><CTL=RST>
        SYN-SENT     SYN                   -> SYN-RECEIVED | SYN|ACK 0 1 0            | -                               | -        | -                      | §3.10.7.3 fourth: SYN, no ACK: SYN-RECEIVED (simultaneous open)
        SYN-SENT     SYN-ACK               -> ESTABLISHED  | ACK 1 1 0                | -                               | -        | -RTO                   | §3.10.7.3 fourth: SYN, our SYN acked: ESTABLISHED, ACK
        SYN-SENT     ACK                   -> SYN-SENT     | -                        | Unexpected/Nothing              | -        | -                      | §3.10.7.3 fifth: neither SYN nor RST, drop
        SYN-SENT     ACK unsent            -> SYN-SENT     | RST 101 - 0              | BadAckInSynSent/Reset           | -        | -                      | §3.10.7.3 first: SEG.ACK > SND.NXT, <SEQ=SEG.ACK><CTL=RST>
        SYN-SENT     FIN no ACK            -> SYN-SENT     | -                        | Unexpected/Nothing              | -        | -                      | §3.10.7.3 fifth: neither SYN nor RST, drop
        SYN-SENT     FIN-ACK               -> SYN-SENT     | -                        | Unexpected/Nothing              | -        | -                      | §3.10.7.3 fifth: neither SYN nor RST, drop
        SYN-SENT     RST exact             -> SYN-SENT     | -                        | RstWithoutAck/Nothing           | -        | -                      | §3.10.7.3 second: RST without ACK, drop
        SYN-SENT     RST in wnd            -> SYN-SENT     | -                        | RstWithoutAck/Nothing           | -        | -                      | §3.10.7.3 second: RST without ACK, drop
        SYN-SENT     RST out wnd           -> SYN-SENT     | -                        | RstWithoutAck/Nothing           | -        | -                      | §3.10.7.3 second: RST without ACK, drop
        SYN-SENT     RST-ACK               -> CLOSED       | -                        | -                               | Refused  | -RTO                   | §3.10.7.3 second: RST, ACK ok: refused (RFC 5961 §3.2)
        SYN-SENT     data 5                -> SYN-SENT     | -                        | Unexpected/Nothing              | -        | -                      | §3.10.7.3 fifth: neither SYN nor RST, drop
        SYN-RECEIVED SYN                   -> LISTEN       | -                        | -                               | -        | -RTO                   | §3.10.7.4 fourth: passive OPEN, back to LISTEN
        SYN-RECEIVED SYN-ACK               -> LISTEN       | -                        | -                               | -        | -RTO                   | §3.10.7.4 fourth: passive OPEN, back to LISTEN
        SYN-RECEIVED ACK                   -> ESTABLISHED  | -                        | -                               | -        | -RTO                   | §3.10.7.4 fifth: SYN-RECEIVED, ACK ok: ESTABLISHED
        SYN-RECEIVED ACK unsent            -> SYN-RECEIVED | RST 101 - 0              | BadAckInSynReceived/Reset       | -        | -                      | §3.10.7.4 fifth: SYN-RECEIVED bad ACK, <SEQ=SEG.ACK><CTL=RST>
        SYN-RECEIVED FIN no ACK            -> SYN-RECEIVED | -                        | NoAck/Nothing                   | -        | -                      | §3.10.7.4 fifth: ACK bit off, drop
        SYN-RECEIVED FIN-ACK               -> CLOSE-WAIT   | ACK 1 2 0                | -                               | -        | -RTO                   | §3.10.7.4 fifth: ESTABLISHED; eighth: CLOSE-WAIT, ACK
        SYN-RECEIVED RST exact             -> LISTEN       | -                        | -                               | -        | -RTO                   | §3.10.7.4 second 2): passive OPEN, back to LISTEN
        SYN-RECEIVED RST in wnd            -> SYN-RECEIVED | ACK 1 1 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        SYN-RECEIVED RST out wnd           -> SYN-RECEIVED | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        SYN-RECEIVED RST-ACK               -> LISTEN       | -                        | -                               | -        | -RTO                   | §3.10.7.4 second 2): passive OPEN, back to LISTEN
        SYN-RECEIVED data 5                -> ESTABLISHED  | ACK 1 6 0                | -                               | -        | -RTO                   | §3.10.7.4 fifth: ESTABLISHED; seventh: accept, ACK
        ESTABLISHED  SYN                   -> ESTABLISHED  | ACK 1 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        ESTABLISHED  SYN-ACK               -> ESTABLISHED  | ACK 1 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        ESTABLISHED  ACK                   -> ESTABLISHED  | -                        | -                               | -        | -                      | §3.10.7.4 fifth: duplicate ACK, ignored
        ESTABLISHED  ACK unsent            -> ESTABLISHED  | ACK 1 1 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        ESTABLISHED  FIN no ACK            -> ESTABLISHED  | -                        | NoAck/Nothing                   | -        | -                      | §3.10.7.4 fifth: ACK bit off, drop
        ESTABLISHED  FIN-ACK               -> CLOSE-WAIT   | ACK 1 2 0                | -                               | -        | -                      | §3.10.7.4 eighth: FIN in order, ACK
        ESTABLISHED  RST exact             -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        ESTABLISHED  RST in wnd            -> ESTABLISHED  | ACK 1 1 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        ESTABLISHED  RST out wnd           -> ESTABLISHED  | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        ESTABLISHED  RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        ESTABLISHED  data 5                -> ESTABLISHED  | ACK 1 6 0                | -                               | -        | -                      | §3.10.7.4 seventh: accept text, ACK
        FIN-WAIT-1   SYN                   -> FIN-WAIT-1   | ACK 2 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        FIN-WAIT-1   SYN-ACK               -> FIN-WAIT-1   | ACK 2 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        FIN-WAIT-1   ACK                   -> FIN-WAIT-2   | -                        | -                               | -        | -RTO                   | §3.10.7.4 fifth: FIN-WAIT-1, FIN acked: FIN-WAIT-2
        FIN-WAIT-1   ACK unsent            -> FIN-WAIT-1   | ACK 2 1 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        FIN-WAIT-1   FIN no ACK            -> FIN-WAIT-1   | -                        | NoAck/Nothing                   | -        | -                      | §3.10.7.4 fifth: ACK bit off, drop
        FIN-WAIT-1   FIN-ACK               -> TIME-WAIT    | ACK 2 2 0                | -                               | -        | -RTO +2MSL(240000ms)   | §3.10.7.4 eighth: FIN-WAIT-1, FIN acked: TIME-WAIT, ACK
        FIN-WAIT-1   RST exact             -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        FIN-WAIT-1   RST in wnd            -> FIN-WAIT-1   | ACK 2 1 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        FIN-WAIT-1   RST out wnd           -> FIN-WAIT-1   | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        FIN-WAIT-1   RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        FIN-WAIT-1   data 5                -> FIN-WAIT-2   | ACK 2 6 0                | -                               | -        | -RTO                   | §3.10.7.4 fifth: FIN-WAIT-2; seventh: accept, ACK
        FIN-WAIT-2   SYN                   -> FIN-WAIT-2   | ACK 2 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        FIN-WAIT-2   SYN-ACK               -> FIN-WAIT-2   | ACK 2 1 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        FIN-WAIT-2   ACK                   -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.7.4 fifth: duplicate ACK, ignored
        FIN-WAIT-2   ACK unsent            -> FIN-WAIT-2   | ACK 2 1 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        FIN-WAIT-2   FIN no ACK            -> FIN-WAIT-2   | -                        | NoAck/Nothing                   | -        | -                      | §3.10.7.4 fifth: ACK bit off, drop
        FIN-WAIT-2   FIN-ACK               -> TIME-WAIT    | ACK 2 2 0                | -                               | -        | +2MSL(240000ms)        | §3.10.7.4 eighth: FIN in order, ACK
        FIN-WAIT-2   RST exact             -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        FIN-WAIT-2   RST in wnd            -> FIN-WAIT-2   | ACK 2 1 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        FIN-WAIT-2   RST out wnd           -> FIN-WAIT-2   | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        FIN-WAIT-2   RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        FIN-WAIT-2   data 5                -> FIN-WAIT-2   | ACK 2 6 0                | -                               | -        | -                      | §3.10.7.4 seventh: accept text, ACK
        CLOSE-WAIT   SYN                   -> CLOSE-WAIT   | ACK 1 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        CLOSE-WAIT   SYN-ACK               -> CLOSE-WAIT   | ACK 1 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        CLOSE-WAIT   ACK                   -> CLOSE-WAIT   | -                        | -                               | -        | -                      | §3.10.7.4 fifth: duplicate ACK, ignored
        CLOSE-WAIT   ACK unsent            -> CLOSE-WAIT   | ACK 1 2 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        CLOSE-WAIT   FIN no ACK            -> CLOSE-WAIT   | ACK 1 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        CLOSE-WAIT   FIN-ACK               -> CLOSE-WAIT   | ACK 1 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        CLOSE-WAIT   RST exact             -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        CLOSE-WAIT   RST in wnd            -> CLOSE-WAIT   | ACK 1 2 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        CLOSE-WAIT   RST out wnd           -> CLOSE-WAIT   | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        CLOSE-WAIT   RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -                      | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        CLOSE-WAIT   data 5                -> CLOSE-WAIT   | -                        | -                               | -        | -                      | §3.10.7.4 seventh: FIN already received, ignore text
        CLOSING      SYN                   -> CLOSING      | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        CLOSING      SYN-ACK               -> CLOSING      | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        CLOSING      ACK                   -> TIME-WAIT    | -                        | -                               | -        | -RTO +2MSL(240000ms)   | §3.10.7.4 fifth: CLOSING, FIN acked: TIME-WAIT
        CLOSING      ACK unsent            -> CLOSING      | ACK 2 2 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        CLOSING      FIN no ACK            -> CLOSING      | ACK 2 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        CLOSING      FIN-ACK               -> CLOSING      | ACK 2 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        CLOSING      RST exact             -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        CLOSING      RST in wnd            -> CLOSING      | ACK 2 2 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        CLOSING      RST out wnd           -> CLOSING      | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        CLOSING      RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        CLOSING      data 5                -> TIME-WAIT    | -                        | -                               | -        | -RTO +2MSL(240000ms)   | §3.10.7.4 fifth: CLOSING, FIN acked: TIME-WAIT
        LAST-ACK     SYN                   -> LAST-ACK     | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        LAST-ACK     SYN-ACK               -> LAST-ACK     | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        LAST-ACK     ACK                   -> CLOSED       | -                        | -                               | Normal   | -RTO                   | §3.10.7.4 fifth: LAST-ACK, FIN acked: CLOSED
        LAST-ACK     ACK unsent            -> LAST-ACK     | ACK 2 2 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        LAST-ACK     FIN no ACK            -> LAST-ACK     | ACK 2 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        LAST-ACK     FIN-ACK               -> LAST-ACK     | ACK 2 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        LAST-ACK     RST exact             -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        LAST-ACK     RST in wnd            -> LAST-ACK     | ACK 2 2 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        LAST-ACK     RST out wnd           -> LAST-ACK     | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        LAST-ACK     RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -RTO                   | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        LAST-ACK     data 5                -> CLOSED       | -                        | -                               | Normal   | -RTO                   | §3.10.7.4 fifth: LAST-ACK, FIN acked: CLOSED
        TIME-WAIT    SYN                   -> TIME-WAIT    | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        TIME-WAIT    SYN-ACK               -> TIME-WAIT    | ACK 2 2 0                | SynOnSynchronized/ChallengeAck  | -        | -                      | §3.10.7.4 fourth: challenge ACK (RFC 5961 §4.2)
        TIME-WAIT    ACK                   -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.7.4 fifth: TIME-WAIT; a bare ACK is no FIN, nothing to do
        TIME-WAIT    ACK unsent            -> TIME-WAIT    | ACK 2 2 0                | AckOfUnsentData/Ack             | -        | -                      | §3.10.7.4 fifth: SEG.ACK > SND.NXT, ACK and drop
        TIME-WAIT    FIN no ACK            -> TIME-WAIT    | ACK 2 2 0                | OutOfWindow/Ack                 | -        | -                      | §3.10.7.4 first: old FIN not acceptable, ACK
        TIME-WAIT    FIN-ACK               -> TIME-WAIT    | ACK 2 2 0                | -                               | -        | +2MSL(240000ms)        | §3.10.7.4 fifth: TIME-WAIT, ACK the FIN, restart 2MSL
        TIME-WAIT    RST exact             -> CLOSED       | -                        | -                               | Reset    | -2MSL                  | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        TIME-WAIT    RST in wnd            -> TIME-WAIT    | ACK 2 2 0                | RstNotExact/ChallengeAck        | -        | -                      | §3.10.7.4 second 3): challenge ACK (RFC 5961 §3.2)
        TIME-WAIT    RST out wnd           -> TIME-WAIT    | -                        | OutOfWindow/Nothing             | -        | -                      | §3.10.7.4 second 1): RST out of window, drop (RFC 5961 §3.2)
        TIME-WAIT    RST-ACK               -> CLOSED       | -                        | -                               | Reset    | -2MSL                  | §3.10.7.4 second 2): RST at RCV.NXT, CLOSED (RFC 5961 §3.2)
        TIME-WAIT    data 5                -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.7.4 seventh: FIN already received, ignore text
    "#]].assert_eq(&(table.join("\n") + "\n"));
}

// ----- user commands -----

use tcp_core::event::Command as Cmd;

/// The application commands, in RFC order.
const COMMANDS: [Cmd; 7] = [Cmd::Listen, Cmd::Connect, Cmd::Send, Cmd::Recv, Cmd::Shutdown, Cmd::Close, Cmd::Abort];

/// The clause of RFC 9293 §3.10.1–§3.10.5 that decides what `cmd` does in `state`.
fn rfc_command(state: State, cmd: Cmd) -> &'static str {
    use State::*;
    match (cmd, state) {
        (Cmd::Listen, Closed) => "§3.10.1 OPEN passive: LISTEN",
        (Cmd::Listen, _) => "§3.10.1 OPEN: connection already exists",
        (Cmd::Connect, Closed) => "§3.10.1 OPEN active: <SEQ=ISS><CTL=SYN>, SYN-SENT",
        (Cmd::Connect, Listen) => "§3.10.1 OPEN in LISTEN: passive to active, SYN-SENT",
        (Cmd::Connect, _) => "§3.10.1 OPEN: connection already exists",
        (Cmd::Send, Closed) => "§3.10.2 SEND: connection does not exist",
        (Cmd::Send, Listen) => "§3.10.2 SEND in LISTEN: sockets refuse (open question)",
        (Cmd::Send, SynSent | SynReceived) => "§3.10.2 SEND: queue until ESTABLISHED",
        (Cmd::Send, Established | CloseWait) => "§3.10.2 SEND: segmentize and send",
        (Cmd::Send, _) => "§3.10.2 SEND: connection closing",
        (Cmd::Recv, Closed) => "§3.10.3 RECEIVE: connection does not exist",
        // RFC 9293 queues a RECEIVE in LISTEN, SYN-SENT and SYN-RECEIVED, and answers one in
        // CLOSE-WAIT (nothing on hand), CLOSING, LAST-ACK, TIME-WAIT with "connection closing";
        // the non-blocking sockets-style recv() answers "nothing now" (0 bytes, EOF once the
        // peer's FIN arrived) instead, and refuses a listening socket (ENOTCONN).
        (Cmd::Recv, Listen) => "§3.10.3 RECEIVE in LISTEN: not connected (sockets)",
        (Cmd::Recv, _) => "§3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)",
        (Cmd::Shutdown | Cmd::Close, Closed) => "§3.10.4 CLOSE: connection does not exist",
        (Cmd::Shutdown | Cmd::Close, Listen) => "§3.10.4 CLOSE in LISTEN: delete TCB, CLOSED",
        (Cmd::Shutdown | Cmd::Close, SynSent) => "§3.10.4 CLOSE in SYN-SENT: delete TCB, CLOSED",
        (Cmd::Shutdown | Cmd::Close, SynReceived) => "§3.10.4 CLOSE in SYN-RECEIVED: no data, FIN, FIN-WAIT-1",
        (Cmd::Shutdown | Cmd::Close, Established) => "§3.10.4 CLOSE: FIN after queued data, FIN-WAIT-1",
        (Cmd::Shutdown | Cmd::Close, CloseWait) => "§3.10.4 CLOSE in CLOSE-WAIT: FIN, LAST-ACK",
        (Cmd::Shutdown, _) => "§3.10.4 CLOSE: connection closing, no second FIN",
        // RFC 9293 allows "ok" in FIN-WAIT-1/2 and says "connection closing" in CLOSING, LAST-ACK
        // and TIME-WAIT; close() after shutdown() is the sockets' release of the descriptor: it
        // only orphans the connection (RFC 1122 §4.2.2.13) and sends nothing.
        (Cmd::Close, FinWait1 | FinWait2) => "§3.10.4 CLOSE in FIN-WAIT: ok, no second FIN",
        (Cmd::Close, _) => "§3.10.4 says 'closing'; close() after shutdown() orphans, no FIN",
        (Cmd::Abort, Closed) => "§3.10.5 ABORT: connection does not exist",
        (Cmd::Abort, Listen | SynSent | Closing | LastAck | TimeWait) => "§3.10.5 ABORT: delete TCB, no RST",
        (Cmd::Abort, _) => "§3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED",
        // RFC 9293 has no receive-side shutdown; the sockets' shutdown(SHUT_RD), which the
        // rfc9293 profile models as Linux does (`Config::read_shutdown`: nothing changes).
        (Cmd::ShutdownRead, Closed | Listen) => "none in RFC 9293; sockets: not connected (ENOTCONN)",
        (Cmd::ShutdownRead, _) => "none in RFC 9293; sockets: reads end, nothing sent",
    }
}

fn command_line(state: State, cmd: Cmd) -> String {
    let mut conn = conn_in(state);
    let result = match cmd {
        Cmd::Listen => conn.listen(ISS).map(|()| "ok".to_string()),
        Cmd::Connect => conn.connect(AT, ISS).map(|()| "ok".to_string()),
        Cmd::Send => conn.send(AT, b"hello").map(|n| format!("ok({n})")),
        Cmd::Recv => conn.recv(AT, &mut [0; 16]).map(|n| format!("ok({n})")),
        Cmd::Shutdown => conn.shutdown(AT).map(|()| "ok".to_string()),
        Cmd::ShutdownRead => conn.shutdown_read(AT).map(|n| format!("ok({n})")),
        Cmd::Close => conn.close(AT).map(|()| "ok".to_string()),
        Cmd::Abort => conn.abort(AT).map(|()| "ok".to_string()),
    };
    let out = drain(&mut conn);
    let result = result.unwrap_or_else(|e| format!("{e:?}"));
    let what = format!("{cmd:?} {result}");
    line(state, &what, conn.state(), &out, rfc_command(state, cmd))
}

#[test]
fn user_command_matrix() {
    let mut table = vec![header("command result")];
    for state in State::ALL {
        for cmd in COMMANDS {
            table.push(command_line(state, cmd));
        }
    }
    expect_test::expect![[r#"
        state        command result           next         | sent (flags seq ack len) | rejected (reason/reply)         | closed   | timers                 | RFC
        CLOSED       Listen ok             -> LISTEN       | -                        | -                               | -        | -                      | §3.10.1 OPEN passive: LISTEN
        CLOSED       Connect ok            -> SYN-SENT     | SYN 0 - 0                | -                               | -        | +RTO(1000ms)           | §3.10.1 OPEN active: <SEQ=ISS><CTL=SYN>, SYN-SENT
        CLOSED       Send DoesNotExist     -> CLOSED       | -                        | -                               | -        | -                      | §3.10.2 SEND: connection does not exist
        CLOSED       Recv DoesNotExist     -> CLOSED       | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: connection does not exist
        CLOSED       Shutdown DoesNotExist -> CLOSED       | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection does not exist
        CLOSED       Close DoesNotExist    -> CLOSED       | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection does not exist
        CLOSED       Abort DoesNotExist    -> CLOSED       | -                        | -                               | -        | -                      | §3.10.5 ABORT: connection does not exist
        LISTEN       Listen AlreadyExists  -> LISTEN       | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        LISTEN       Connect ok            -> SYN-SENT     | SYN 0 - 0                | -                               | -        | +RTO(1000ms)           | §3.10.1 OPEN in LISTEN: passive to active, SYN-SENT
        LISTEN       Send DoesNotExist     -> LISTEN       | -                        | -                               | -        | -                      | §3.10.2 SEND in LISTEN: sockets refuse (open question)
        LISTEN       Recv DoesNotExist     -> LISTEN       | -                        | -                               | -        | -                      | §3.10.3 RECEIVE in LISTEN: not connected (sockets)
        LISTEN       Shutdown ok           -> CLOSED       | -                        | -                               | Aborted  | -                      | §3.10.4 CLOSE in LISTEN: delete TCB, CLOSED
        LISTEN       Close ok              -> CLOSED       | -                        | -                               | Aborted  | -                      | §3.10.4 CLOSE in LISTEN: delete TCB, CLOSED
        LISTEN       Abort ok              -> CLOSED       | -                        | -                               | Aborted  | -                      | §3.10.5 ABORT: delete TCB, no RST
        SYN-SENT     Listen AlreadyExists  -> SYN-SENT     | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        SYN-SENT     Connect AlreadyExists -> SYN-SENT     | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        SYN-SENT     Send ok(5)            -> SYN-SENT     | -                        | -                               | -        | -                      | §3.10.2 SEND: queue until ESTABLISHED
        SYN-SENT     Recv ok(0)            -> SYN-SENT     | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        SYN-SENT     Shutdown ok           -> CLOSED       | -                        | -                               | Aborted  | -RTO                   | §3.10.4 CLOSE in SYN-SENT: delete TCB, CLOSED
        SYN-SENT     Close ok              -> CLOSED       | -                        | -                               | Aborted  | -RTO                   | §3.10.4 CLOSE in SYN-SENT: delete TCB, CLOSED
        SYN-SENT     Abort ok              -> CLOSED       | -                        | -                               | Aborted  | -RTO                   | §3.10.5 ABORT: delete TCB, no RST
        SYN-RECEIVED Listen AlreadyExists  -> SYN-RECEIVED | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        SYN-RECEIVED Connect AlreadyExists -> SYN-RECEIVED | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        SYN-RECEIVED Send ok(5)            -> SYN-RECEIVED | -                        | -                               | -        | -                      | §3.10.2 SEND: queue until ESTABLISHED
        SYN-RECEIVED Recv ok(0)            -> SYN-RECEIVED | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        SYN-RECEIVED Shutdown ok           -> FIN-WAIT-1   | FIN|ACK 1 1 0            | -                               | -        | -                      | §3.10.4 CLOSE in SYN-RECEIVED: no data, FIN, FIN-WAIT-1
        SYN-RECEIVED Close ok              -> FIN-WAIT-1   | FIN|ACK 1 1 0            | -                               | -        | -                      | §3.10.4 CLOSE in SYN-RECEIVED: no data, FIN, FIN-WAIT-1
        SYN-RECEIVED Abort ok              -> CLOSED       | RST 1 - 0                | -                               | Aborted  | -RTO                   | §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED
        ESTABLISHED  Listen AlreadyExists  -> ESTABLISHED  | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        ESTABLISHED  Connect AlreadyExists -> ESTABLISHED  | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        ESTABLISHED  Send ok(5)            -> ESTABLISHED  | PSH|ACK 1 1 5            | -                               | -        | +RTO(1000ms)           | §3.10.2 SEND: segmentize and send
        ESTABLISHED  Recv ok(0)            -> ESTABLISHED  | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        ESTABLISHED  Shutdown ok           -> FIN-WAIT-1   | FIN|ACK 1 1 0            | -                               | -        | +RTO(1000ms)           | §3.10.4 CLOSE: FIN after queued data, FIN-WAIT-1
        ESTABLISHED  Close ok              -> FIN-WAIT-1   | FIN|ACK 1 1 0            | -                               | -        | +RTO(1000ms)           | §3.10.4 CLOSE: FIN after queued data, FIN-WAIT-1
        ESTABLISHED  Abort ok              -> CLOSED       | RST 1 - 0                | -                               | Aborted  | -                      | §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED
        FIN-WAIT-1   Listen AlreadyExists  -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        FIN-WAIT-1   Connect AlreadyExists -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        FIN-WAIT-1   Send Closing          -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.2 SEND: connection closing
        FIN-WAIT-1   Recv ok(0)            -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        FIN-WAIT-1   Shutdown Closing      -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection closing, no second FIN
        FIN-WAIT-1   Close ok              -> FIN-WAIT-1   | -                        | -                               | -        | -                      | §3.10.4 CLOSE in FIN-WAIT: ok, no second FIN
        FIN-WAIT-1   Abort ok              -> CLOSED       | RST 2 - 0                | -                               | Aborted  | -RTO                   | §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED
        FIN-WAIT-2   Listen AlreadyExists  -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        FIN-WAIT-2   Connect AlreadyExists -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        FIN-WAIT-2   Send Closing          -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.2 SEND: connection closing
        FIN-WAIT-2   Recv ok(0)            -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        FIN-WAIT-2   Shutdown Closing      -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection closing, no second FIN
        FIN-WAIT-2   Close ok              -> FIN-WAIT-2   | -                        | -                               | -        | -                      | §3.10.4 CLOSE in FIN-WAIT: ok, no second FIN
        FIN-WAIT-2   Abort ok              -> CLOSED       | RST 2 - 0                | -                               | Aborted  | -                      | §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED
        CLOSE-WAIT   Listen AlreadyExists  -> CLOSE-WAIT   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        CLOSE-WAIT   Connect AlreadyExists -> CLOSE-WAIT   | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        CLOSE-WAIT   Send ok(5)            -> CLOSE-WAIT   | PSH|ACK 1 2 5            | -                               | -        | +RTO(1000ms)           | §3.10.2 SEND: segmentize and send
        CLOSE-WAIT   Recv ok(0)            -> CLOSE-WAIT   | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        CLOSE-WAIT   Shutdown ok           -> LAST-ACK     | FIN|ACK 1 2 0            | -                               | -        | +RTO(1000ms)           | §3.10.4 CLOSE in CLOSE-WAIT: FIN, LAST-ACK
        CLOSE-WAIT   Close ok              -> LAST-ACK     | FIN|ACK 1 2 0            | -                               | -        | +RTO(1000ms)           | §3.10.4 CLOSE in CLOSE-WAIT: FIN, LAST-ACK
        CLOSE-WAIT   Abort ok              -> CLOSED       | RST 1 - 0                | -                               | Aborted  | -                      | §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED
        CLOSING      Listen AlreadyExists  -> CLOSING      | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        CLOSING      Connect AlreadyExists -> CLOSING      | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        CLOSING      Send Closing          -> CLOSING      | -                        | -                               | -        | -                      | §3.10.2 SEND: connection closing
        CLOSING      Recv ok(0)            -> CLOSING      | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        CLOSING      Shutdown Closing      -> CLOSING      | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection closing, no second FIN
        CLOSING      Close ok              -> CLOSING      | -                        | -                               | -        | -                      | §3.10.4 says 'closing'; close() after shutdown() orphans, no FIN
        CLOSING      Abort ok              -> CLOSED       | -                        | -                               | Aborted  | -RTO                   | §3.10.5 ABORT: delete TCB, no RST
        LAST-ACK     Listen AlreadyExists  -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        LAST-ACK     Connect AlreadyExists -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        LAST-ACK     Send Closing          -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.2 SEND: connection closing
        LAST-ACK     Recv ok(0)            -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        LAST-ACK     Shutdown Closing      -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection closing, no second FIN
        LAST-ACK     Close ok              -> LAST-ACK     | -                        | -                               | -        | -                      | §3.10.4 says 'closing'; close() after shutdown() orphans, no FIN
        LAST-ACK     Abort ok              -> CLOSED       | -                        | -                               | Aborted  | -RTO                   | §3.10.5 ABORT: delete TCB, no RST
        TIME-WAIT    Listen AlreadyExists  -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        TIME-WAIT    Connect AlreadyExists -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.1 OPEN: connection already exists
        TIME-WAIT    Send Closing          -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.2 SEND: connection closing
        TIME-WAIT    Recv ok(0)            -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.3 RECEIVE: nothing on hand, 0 bytes (sockets)
        TIME-WAIT    Shutdown Closing      -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.4 CLOSE: connection closing, no second FIN
        TIME-WAIT    Close ok              -> TIME-WAIT    | -                        | -                               | -        | -                      | §3.10.4 says 'closing'; close() after shutdown() orphans, no FIN
        TIME-WAIT    Abort ok              -> CLOSED       | -                        | -                               | Aborted  | -2MSL                  | §3.10.5 ABORT: delete TCB, no RST
    "#]].assert_eq(&(table.join("\n") + "\n"));
}

// ----- the most important lines, spelled out -----

/// The single rejection event of `out`.
#[track_caller]
fn rejection(out: &Output) -> (DropReason, Reply) {
    let found: Vec<_> = out
        .events
        .iter()
        .filter_map(|e| match e {
            Event::SegmentRejected { reason, reply } => Some((*reason, *reply)),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one rejection: {:?}", out.events);
    found[0]
}

// ===== CLOSED =====

#[test]
fn closed_answers_syn_with_rst_ack_acknowledging_it() {
    // RFC 9293 §3.10.7.1: ACK bit off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    let mut c = conn_closed();
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: SeqNum(777), ..TEMPL }, &[]);
    assert_eq!(c.state(), State::Closed);
    assert_eq!(out.sent.len(), 1);
    let rst = out.sent[0].repr;
    assert_eq!(rst.flags, Flags::RST | Flags::ACK);
    assert_eq!(rst.seq, SeqNum(0));
    assert_eq!(rst.ack, SeqNum(778), "SEG.SEQ + SEG.LEN, the SYN counting one");
    assert_eq!((rst.src_port, rst.dst_port), (LOCAL.port(), REMOTE.port()));
    assert_eq!(rejection(&out), (DropReason::NoConnection, Reply::Reset));
    // A SYN carrying 10 bytes occupies 11 sequence numbers.
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: SeqNum(777), ..TEMPL }, &[0; 10]);
    assert_eq!(out.sent[0].repr.ack, SeqNum(788));
}

// ===== LISTEN =====

#[test]
fn listen_answers_an_ack_with_rst_at_seg_ack() {
    // RFC 9293 §3.10.7.2 second: any acknowledgment is bad: <SEQ=SEG.ACK><CTL=RST>.
    let mut c = conn_listen();
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK, seq: SeqNum(42), ack: SeqNum(31337), ..TEMPL }, &[]);
    assert_eq!(c.state(), State::Listen, "the listener keeps listening");
    assert_eq!(out.sent.len(), 1);
    let rst = out.sent[0].repr;
    assert_eq!((rst.flags, rst.seq), (Flags::RST, SeqNum(31337)));
    assert_eq!(rejection(&out), (DropReason::AckInListen, Reply::Reset));
    assert_eq!(c.poll_timeout(), None, "no timer runs in LISTEN");
}

// ===== SYN-SENT =====

#[test]
fn syn_sent_answers_a_bad_ack_with_rst_at_seg_ack() {
    // RFC 9293 §3.10.7.3 first: SEG.ACK =< ISS or SEG.ACK > SND.NXT: <SEQ=SEG.ACK><CTL=RST>.
    for bad_ack in [ISS, ISS + 2, SeqNum(ISS.0 - 1000)] {
        let mut c = conn_syn_sent();
        let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: bad_ack, ..TEMPL };
        let out = deliver(&mut c, AT, synack, &[]);
        assert_eq!(c.state(), State::SynSent, "an old duplicate does not disturb the open");
        assert_eq!(out.sent.len(), 1);
        assert_eq!((out.sent[0].repr.flags, out.sent[0].repr.seq), (Flags::RST, bad_ack));
        assert_eq!(rejection(&out), (DropReason::BadAckInSynSent, Reply::Reset));
        // The right SYN-ACK still completes the handshake afterwards.
        let good = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, ..TEMPL };
        let out = deliver(&mut c, AT, good, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
    }
    // A RST with a bad ACK is dropped without an answer.
    let mut c = conn_syn_sent();
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST | Flags::ACK, seq: PEER_ISS, ack: ISS, ..TEMPL }, &[]);
    expect(&c, &out, State::SynSent, &[]);
    assert_eq!(rejection(&out), (DropReason::BadAckInSynSent, Reply::Nothing));
}

/// A socket that connects to itself (RFC 9293 §3.5, Figure 8's simultaneous open with both ends
/// one): its own SYN arrives in SYN-SENT and takes it to SYN-RECEIVED (§3.10.7.3 fourth, "If the
/// state is SYN-SENT ... enter SYN-RECEIVED, form a SYN,ACK segment"); its own SYN-ACK then
/// acknowledges its SYN and repeats the SYN already received, which Linux `tcp_validate_incoming`
/// lets pass: ESTABLISHED, as Linux does for a self-connect.
#[test]
fn syn_sent_connecting_to_itself_is_established() {
    for config in [config(), tcp_core::Config::linux(), tcp_core::Config::freebsd(), tcp_core::Config::windows()] {
        let mut c = Connection::new(config, LOCAL, LOCAL);
        c.connect(Instant::ZERO, ISS).expect("connect");
        let syn = drain(&mut c).sent.remove(0);
        assert_eq!((syn.repr.flags, syn.repr.seq), (Flags::SYN, ISS));
        let out = deliver(&mut c, AT, syn.repr, &[]);
        assert_eq!(c.state(), State::SynReceived, "{:?}: its own SYN in SYN-SENT", config.profile);
        assert_eq!(out.sent.len(), 1);
        let synack = out.sent[0].repr;
        assert_eq!((synack.flags, synack.seq, synack.ack), (Flags::SYN | Flags::ACK, ISS, ISS + 1));
        let out = deliver(&mut c, AT, synack, &[]);
        assert_eq!(c.state(), State::Established, "{:?}: its own SYN-ACK", config.profile);
        assert!(out.events.contains(&Event::Connected));
        // It talks to itself: what it sends, it receives.
        c.send(AT, b"echo").expect("send");
        let data = drain(&mut c).sent.remove(0);
        let out = deliver(&mut c, AT, data.repr, &data.payload);
        assert!(out.events.contains(&Event::Received { len: 4 }), "{:?}", config.profile);
    }
}

/// RFC 9293 §3.10.7.3 fourth, our SYN acknowledged: "If there are other controls or text in the
/// segment, then continue processing at the sixth step": the text of a SYN-ACK is taken and the
/// handshake's one ACK acknowledges it (FreeBSD's suite, rcv-syn-ack-with-data-syn-sent-ack-left-
/// edge). The linux profile discards it as Linux does without Fast Open (`accept_syn_data`).
#[test]
fn syn_sent_takes_the_text_of_a_syn_ack() {
    let linux = tcp_core::Config { delayed_ack: None, ..tcp_core::Config::linux() };
    // FreeBSD with its delayed ACKs (40 ms): the handshake's ACK still goes at once.
    for (profile, kept) in [(config(), true), (tcp_core::Config::freebsd(), true), (linux, false)] {
        let name = profile.profile;
        assert_eq!(profile.accept_syn_data, kept, "{name}");
        let mut c = conn_syn_sent_with(profile);
        let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, ..TEMPL };
        let out = deliver(&mut c, AT, synack, b"abc");
        let mut buf = [0u8; 16];
        if kept {
            // One ACK for the SYN and the text, sent at once (no delayed-ACK timer armed).
            expect(&c, &out, State::Established, &["ACK 1 4 0"]);
            assert!(out.events.contains(&Event::Received { len: 3 }), "{name}");
            assert_eq!(c.timer(Timer::DelayedAck), None, "{name}");
            assert_eq!(c.recv(AT, &mut buf), Ok(3), "{name}");
            assert_eq!(&buf[..3], b"abc");
        } else {
            expect(&c, &out, State::Established, &["ACK 1 1 0"]);
            assert_eq!(c.recv(AT, &mut buf), Ok(0), "{name}");
        }
    }
}

/// RFC 9293 §3.10.7.3 fourth, a bare SYN (simultaneous open): "If there are other controls or
/// text in the segment, queue them for processing after the ESTABLISHED state has been reached".
/// The SYN-ACK acknowledges the SYN alone, nothing is readable in SYN-RECEIVED, and the text is
/// delivered and acknowledged once our SYN is (FreeBSD's suite, rcv-syn-with-data-syn-sent: "only
/// acknowledged after the handshake"). The peer's next segment is numbered after its text.
#[test]
fn syn_sent_holds_the_text_of_a_simultaneous_syn_until_established() {
    let syn = TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL };
    let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 4, ack: ISS + 1, ..TEMPL };
    let mut buf = [0u8; 16];

    let mut c = conn_syn_sent();
    let out = deliver(&mut c, AT, syn, b"abc");
    expect(&c, &out, State::SynReceived, &["SYN|ACK 0 1 0"]);
    assert_eq!(out.sent[0].repr.window, 4096, "the held text lies inside the window it announces");
    assert!(!out.events.iter().any(|e| matches!(e, Event::Received { .. })));
    assert_eq!((c.recv_available(), c.recv(AT, &mut buf)), (0, Ok(0)), "nothing readable before ESTABLISHED");
    let out = deliver(&mut c, AT, ack, &[]);
    expect(&c, &out, State::Established, &["ACK 1 4 0"]);
    let connected = out.events.iter().position(|e| *e == Event::Connected).expect("connected");
    let received = out.events.iter().position(|e| *e == Event::Received { len: 3 }).expect("received");
    assert!(connected < received, "the application hears of the connection first: {:?}", out.events);
    assert_eq!(c.recv(AT, &mut buf), Ok(3));
    assert_eq!(&buf[..3], b"abc");

    // A retransmission of the text (the SYN-ACK did not acknowledge it) is not taken twice.
    let mut c = conn_syn_sent();
    let _ = deliver(&mut c, AT, syn, b"abc");
    let again = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, AT, again, b"abc");
    expect(&c, &out, State::Established, &["ACK 1 4 0"]);
    assert_eq!(c.recv(AT, &mut buf), Ok(3), "three bytes, once");

    // shutdown() in SYN-RECEIVED enters FIN-WAIT-1 at once; the ACK of our SYN still releases it.
    let mut c = conn_syn_sent();
    let _ = deliver(&mut c, AT, syn, b"abc");
    c.shutdown(AT).expect("shutdown in SYN-RECEIVED");
    let out = drain(&mut c);
    expect(&c, &out, State::FinWait1, &["FIN|ACK 1 1 0"]);
    let out = deliver(&mut c, AT, ack, &[]);
    expect(&c, &out, State::FinWait1, &["ACK 2 4 0"]);
    assert_eq!(c.recv(AT, &mut buf), Ok(3));

    // After close() nothing is read any more: the text is dropped unacknowledged.
    let mut c = conn_syn_sent();
    let _ = deliver(&mut c, AT, syn, b"abc");
    c.close(AT).expect("close in SYN-RECEIVED");
    let _ = drain(&mut c);
    let out = deliver(&mut c, AT, ack, &[]);
    expect(&c, &out, State::FinWait1, &[]);
    assert_eq!(c.rcv_nxt(), PEER_ISS + 1);

    // The linux profile discards it (`tcp_rcv_synsent_state_process`).
    let mut c = conn_syn_sent_with(tcp_core::Config { delayed_ack: None, ..tcp_core::Config::linux() });
    let out = deliver(&mut c, AT, syn, b"abc");
    expect(&c, &out, State::SynReceived, &["SYN|ACK 0 1 0"]);
    let out = deliver(&mut c, AT, ack, &[]);
    assert_eq!(c.state(), State::Established);
    assert!(!out.events.iter().any(|e| matches!(e, Event::Received { .. })));
    assert_eq!((c.rcv_nxt(), c.recv(AT, &mut buf)), (PEER_ISS + 1, Ok(0)));
}

// ===== SYN-RECEIVED =====

#[test]
fn syn_received_retransmitted_syn_per_profile() {
    let dup_syn = TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL };
    // rfc9293: the old SYN fails the first check (SEG.SEQ < RCV.NXT): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    let mut c = conn_syn_received();
    let out = deliver(&mut c, AT, dup_syn, &[]);
    expect(&c, &out, State::SynReceived, &["ACK 1 1 0"]);
    assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack));
    // linux (resend_synack_on_dup_syn): the SYN-ACK again, as tcp_check_req does.
    let mut c = conn_syn_received_with(tcp_core::Config { delayed_ack: None, ..tcp_core::Config::linux() });
    let out = deliver(&mut c, AT, dup_syn, &[]);
    assert_eq!(c.state(), State::SynReceived);
    assert_eq!(out.sent.len(), 1);
    assert_eq!(out.sent[0].repr.flags, Flags::SYN | Flags::ACK);
    assert_eq!((out.sent[0].repr.seq, out.sent[0].repr.ack), (ISS, PEER_ISS + 1));
    assert_eq!(rejection(&out), (DropReason::DuplicateSyn, Reply::SynAck));
    // A second copy within 500 ms is not answered: Linux rate-limits these SYN-ACKs as every
    // answer to an unacceptable segment (`tcp_check_req` calls `tcp_oow_rate_limited`).
    let out = deliver(&mut c, AT, dup_syn, &[]);
    expect(&c, &out, State::SynReceived, &[]);
    assert_eq!(rejection(&out), (DropReason::DuplicateSyn, Reply::RateLimited));
}

#[test]
fn close_in_syn_received_sends_fin_at_once() {
    // RFC 9293 §3.10.4: "If no SENDs have been issued and there is no pending data to send, then
    // form a FIN segment and send it, and enter FIN-WAIT-1 state".
    let mut c = conn_syn_received();
    c.close(AT).expect("close in SYN-RECEIVED");
    let out = drain(&mut c);
    expect(&c, &out, State::FinWait1, &["FIN|ACK 1 1 0"]);
    // Nothing is acknowledged yet: the retransmission timer resends the SYN-ACK first.
    let rto = c.timer(Timer::Retransmit).expect("RTO runs");
    c.handle_timeout(rto);
    let out = drain(&mut c);
    expect(&c, &out, State::FinWait1, &["SYN|ACK 0 1 0"]);
    // The ACK of the SYN alone leaves the FIN outstanding; its retransmission follows.
    let out = deliver(&mut c, rto, TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL }, &[]);
    expect(&c, &out, State::FinWait1, &[]);
    let rto = c.timer(Timer::Retransmit).expect("the FIN is still timed");
    c.handle_timeout(rto);
    let out = drain(&mut c);
    expect(&c, &out, State::FinWait1, &["FIN|ACK 1 1 0"]);
    let out = deliver(&mut c, rto, TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL }, &[]);
    expect(&c, &out, State::FinWait2, &[]);

    // With data queued, the FIN waits for ESTABLISHED and follows the data.
    let mut c = conn_syn_received();
    assert_eq!(c.send(AT, b"abc"), Ok(3));
    c.close(AT).expect("close in SYN-RECEIVED");
    let out = drain(&mut c);
    expect(&c, &out, State::SynReceived, &[]);
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL }, &[]);
    expect(&c, &out, State::FinWait1, &["FIN|PSH|ACK 1 1 3"]);
}

#[test]
fn simultaneous_open_syn_received_is_refused_by_rst() {
    // SYN-RECEIVED reached from SYN-SENT (an active OPEN): a RST at RCV.NXT means "connection
    // refused" and CLOSED, not LISTEN (RFC 9293 §3.10.7.4 second check, SYN-RECEIVED).
    let mut c = conn_syn_sent();
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[]);
    expect(&c, &out, State::SynReceived, &["SYN|ACK 0 1 0"]);
    assert!(!c.is_passive());
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST, seq: PEER_ISS + 1, ..TEMPL }, &[]);
    expect(&c, &out, State::Closed, &[]);
    assert!(out.events.contains(&Event::Closed { reason: CloseReason::Refused }));
    assert_eq!(c.poll_timeout(), None);
}

// ===== ESTABLISHED =====

#[test]
fn established_challenges_a_rst_in_window() {
    // RFC 5961 §3.2 (RFC 9293 §3.10.7.4 second, 3)): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    let mut c = conn_established();
    let (snd_nxt, rcv_nxt) = (c.snd_nxt(), c.rcv_nxt());
    for offset in [1, 100, c.rcv_wnd() / 2, c.rcv_wnd() - 1] {
        let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST, seq: rcv_nxt + offset, ..TEMPL }, &[]);
        assert_eq!(c.state(), State::Established, "offset {offset}: the connection survives");
        assert_eq!(out.sent.len(), 1);
        let ack = out.sent[0].repr;
        assert_eq!((ack.flags, ack.seq, ack.ack), (Flags::ACK, snd_nxt, rcv_nxt));
        assert_eq!(rejection(&out), (DropReason::RstNotExact, Reply::ChallengeAck));
    }
    // Just past the window: silently dropped.
    let past = rcv_nxt + c.rcv_wnd();
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST, seq: past, ..TEMPL }, &[]);
    expect(&c, &out, State::Established, &[]);
    assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Nothing));
    // The RST the challenge ACK asks for (at RCV.NXT) resets the connection.
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST, seq: rcv_nxt, ..TEMPL }, &[]);
    expect(&c, &out, State::Closed, &[]);
    assert!(out.events.contains(&Event::Closed { reason: CloseReason::Reset }));
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn data_after_close_is_answered_with_rst() {
    // RFC 1122 §4.2.2.13: after CLOSE (not a half-close), new data is lost: send a RST.
    let mut c = conn_established();
    c.close(AT).expect("close");
    let _ = drain(&mut c);
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL }, &[]);
    expect(&c, &out, State::FinWait2, &[]);
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
    let out = deliver(&mut c, AT, data, b"late");
    expect(&c, &out, State::Closed, &["RST 2 - 0"]);
    assert_eq!(rejection(&out), (DropReason::DataAfterClose, Reply::Reset));
    // After shutdown() the same data is accepted (conn_fin_wait_2 half-closed).
    let mut c = conn_fin_wait_2();
    let out = deliver(&mut c, AT, data, b"late");
    expect(&c, &out, State::FinWait2, &["ACK 2 5 0"]);
}

// ===== ECN in the handshake =====

/// RFC 3168 §6.1.1, per profile (`Config::ecn`): a SYN that asks (ECE and CWR) gets ECE on the
/// SYN-ACK where the profile accepts ECN (linux, freebsd), none where it does not; an end that
/// asks puts ECE and CWR on its SYN and on its first `retries` retransmissions (FreeBSD's
/// `ecn.maxretries`; the suite's `snd-syn-with-ecn*`).
#[test]
fn ecn_in_the_handshake_per_profile() {
    let ecn_bits = |flags: Flags| (flags.contains(Flags::ECE), flags.contains(Flags::CWR));
    for profile in [Profile::Rfc9293, Profile::Linux, Profile::Freebsd, Profile::Windows] {
        let accepts = profile.config().ecn != Ecn::Off;
        for asks in [false, true] {
            let mut c = conn_listen_with(Config { delayed_ack: None, ..profile.config() });
            let flags = if asks { Flags::SYN | Flags::ECE | Flags::CWR } else { Flags::SYN };
            let out = deliver(&mut c, AT, TcpRepr { flags, seq: PEER_ISS, ..TEMPL }, &[]);
            assert_eq!(out.sent.len(), 1, "{profile}: one SYN-ACK");
            let synack = out.sent[0].repr.flags;
            assert!(synack.contains(Flags::SYN | Flags::ACK), "{profile}");
            assert_eq!(ecn_bits(synack), (asks && accepts, false), "{profile}, the SYN asks: {asks}");
        }
    }
    assert!(Profile::Linux.config().ecn == Ecn::Accept && Profile::Freebsd.config().ecn == Ecn::Accept);
    for retries in [0, 1, 2] {
        let config = Config { ecn: Ecn::Request { retries }, syn_retries: 4, ..config() };
        let mut c = conn_closed_with(config);
        c.connect(AT, ISS).expect("connect");
        let mut asked = vec![ecn_bits(drain(&mut c).sent[0].repr.flags)];
        for _ in 0..3 {
            let deadline = c.timer(Timer::Retransmit).expect("the SYN's timer");
            c.handle_timeout(deadline);
            asked.push(ecn_bits(drain(&mut c).sent[0].repr.flags));
        }
        let expected: Vec<(bool, bool)> = (0..4).map(|n| (n <= retries, n <= retries)).collect();
        assert_eq!(asked, expected, "ecn.maxretries {retries}");
    }
}

/// FreeBSD's `rexmit_drop_options` (`Config::syn_options_retries`): from the third
/// retransmission the SYN carries the MSS alone, and a SYN-ACK that then offers window scaling
/// and timestamps gets neither (the suite's `snd-syn-rtx-drop-options`).
#[test]
fn a_syn_retransmitted_without_its_options() {
    let config = Config { syn_options_retries: Some(2), syn_retries: 6, ..Config::freebsd() };
    let mut c = conn_closed_with(config);
    c.connect(AT, ISS).expect("connect");
    let mut syns = vec![drain(&mut c).sent[0].repr.options];
    for _ in 0..4 {
        let deadline = c.timer(Timer::Retransmit).expect("the SYN's timer");
        c.handle_timeout(deadline);
        syns.push(drain(&mut c).sent[0].repr.options);
    }
    let full: Vec<bool> = syns.iter().map(|o| o.window_scale().is_some() && o.timestamps().is_some()).collect();
    assert_eq!(full, [true, true, true, false, false], "{syns:?}");
    assert!(syns.iter().all(|o| o.mss() == Some(1460)), "the MSS stays: {syns:?}");
    let now = c.timer(Timer::Retransmit).expect("still trying");
    let options = Options::linux_syn(1460, true, Some((1000, 0)), Some(7));
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, options, ..TEMPL };
    let out = deliver(&mut c, now, synack, &[]);
    assert_eq!(c.state(), State::Established);
    let ack = &out.sent[0].repr;
    assert!(ack.options.timestamps().is_none(), "timestamps were not offered, so not used: {ack:?}");
    assert_eq!(ack.window, 65535, "an unscaled window (65,700 bytes of buffer): {ack:?}");
}

/// `Config::no_options` (FreeBSD's `TCP_NOOPT`): no option on the SYN or the SYN-ACK, not even
/// the MSS, and none negotiated whatever the peer offers (the suite's `snd-syn-without-options`).
#[test]
fn no_options_at_all() {
    let config = Config { no_options: true, ..Config::freebsd() };
    let mut c = conn_closed_with(config);
    c.connect(AT, ISS).expect("connect");
    let syn = drain(&mut c).sent[0].repr;
    assert_eq!(syn.options, Options::new(), "{syn:?}");
    let mut l = conn_listen_with(config);
    let offer = Options::linux_syn(1460, true, Some((1000, 0)), Some(7));
    let out = deliver(&mut l, AT, TcpRepr { flags: Flags::SYN, seq: PEER_ISS, options: offer, ..TEMPL }, &[]);
    let synack = out.sent[0].repr;
    assert!(synack.flags.contains(Flags::SYN | Flags::ACK) && synack.options == Options::new(), "{synack:?}");
    let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let _ = deliver(&mut l, AT, ack, &[]);
    l.send(AT, b"hi").expect("send");
    let data = drain(&mut l).sent[0].repr;
    assert!(data.options.timestamps().is_none(), "no timestamps were negotiated: {data:?}");
}

/// The window scale a SYN announces for the largest shift: FreeBSD's, from `sb_max` alone
/// (`Config::window_scale_as_configured`; the suite's `snd-syn-with-max-ws`), and the other
/// profiles' lowered until their buffer reads as at least 16 units (Linux's 64 KiB: 12; the
/// RFC's 4 KiB: 8).
#[test]
fn the_largest_window_scale_per_profile() {
    for (profile, announced) in [(Profile::Freebsd, 14), (Profile::Linux, 12), (Profile::Rfc9293, 8)] {
        let mut c = conn_closed_with(Config { window_scale: Some(14), ..profile.config() });
        c.connect(AT, ISS).expect("connect");
        let syn = drain(&mut c).sent[0].repr;
        assert_eq!(syn.options.window_scale(), Some(announced), "{profile}: {syn:?}");
    }
}

/// The windows of a handshake per profile, both ends, with the peer offering MSS 1460, SACK,
/// window scale 7 and (`ts`) timestamps: the SYN's window and scale, the SYN-ACK's, and the
/// first window field after the handshake on each side (the active end's third segment, the
/// passive end's first data). Linux 6.18 (`Config::linux_windows`, 64 KiB of space, scale 10):
/// the SYN offers the space in whole segments of its MSS, 44 × 1460 = 64240
/// (`tcp_select_initial_window`); the SYN-ACK in segments of the MSS less the timestamp option,
/// 45 × 1448 = 65160 (`tcp_openreq_init_rwin`), or of 1460 without timestamps; after the
/// handshake at most that first window (`rcv_ssthresh`), rounded up to units of 1024: 63 and 64.
/// The others offer their free buffer: FreeBSD's 65536 (65535 in a SYN; 66608 bytes once in whole
/// segments of 1448, 1040 units of 64), the RFC's and Windows' 4096.
#[test]
fn the_first_windows_per_profile() {
    type Windows = [(u16, Option<u8>); 2];
    let first_windows = |profile: Profile, ts: bool| -> (Windows, [u16; 2]) {
        let config = Config { delayed_ack: None, ..profile.config() };
        let peer_ts = ts.then_some((77, 0));
        let offer = Options::linux_syn(1460, true, peer_ts, Some(7));
        // Active: our SYN, the peer's SYN-ACK, our ACK.
        let mut c = conn_closed_with(config);
        c.connect(AT, ISS).expect("connect");
        let syn = drain(&mut c).sent[0].repr;
        let ts_ecr = syn.options.timestamps().map_or(0, |(tsval, _)| tsval);
        let answer = Options::linux_syn(1460, true, ts.then_some((77, ts_ecr)), Some(7));
        let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, options: answer, ..TEMPL };
        let third = deliver(&mut c, AT, synack, &[]).sent[0].repr;
        assert_eq!((c.state(), third.flags), (State::Established, Flags::ACK), "{profile}");
        // Passive: the peer's SYN, our SYN-ACK, the peer's ACK, our first data.
        let mut l = conn_listen_with(config);
        let out = deliver(&mut l, AT, TcpRepr { flags: Flags::SYN, seq: PEER_ISS, options: offer, ..TEMPL }, &[]);
        let synack = out.sent[0].repr;
        let tsval = synack.options.timestamps().map(|(tsval, _)| tsval);
        let options = match tsval.filter(|_| ts) {
            Some(tsval) => Options::linux_timestamps(78, tsval),
            None => Options::new(),
        };
        let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, options, ..TEMPL };
        let _ = deliver(&mut l, AT, ack, &[]);
        assert_eq!(l.state(), State::Established, "{profile}");
        l.send(AT, b"hi").expect("send");
        let data = drain(&mut l).sent[0].repr;
        let scale = |r: &TcpRepr| (r.window, r.options.window_scale());
        ([scale(&syn), scale(&synack)], [third.window, data.window])
    };
    let cases = [
        (Profile::Linux, true, [(64_240, Some(10)), (65_160, Some(10))], [63, 64]),
        (Profile::Linux, false, [(64_240, Some(10)), (64_240, Some(10))], [63, 63]),
        (Profile::Freebsd, true, [(65_535, Some(6)), (65_535, Some(6))], [1040, 1040]),
        (Profile::Rfc9293, true, [(4096, None), (4096, None)], [4096, 4096]),
        (Profile::Windows, true, [(4096, Some(8)), (4096, Some(8))], [16, 16]),
    ];
    for (profile, ts, handshake, after) in cases {
        assert_eq!(first_windows(profile, ts), (handshake, after), "{profile}, timestamps offered: {ts}");
    }
}

/// What a Linux window rounded up to its unit promises past the free buffer (less than a unit)
/// arrives whole: with 2000 bytes unread, 63536 of the 64 KiB are free, and the window reads 63
/// units (64512 bytes). The peer sends up to the furthest edge announced, as long as there is
/// one: every byte is taken, the buffer ends up holding less than a unit past its 65536 (Linux's
/// buffer is twice its window space), the window reads zero, and a byte past that edge is not
/// taken.
#[test]
fn a_linux_window_rounded_up_arrives_whole() {
    let mut c = conn_closed_with(Config { delayed_ack: None, timestamps: false, ..Config::linux() });
    c.connect(AT, ISS).expect("connect");
    let _ = drain(&mut c);
    let options = Options::linux_syn(1460, false, None, Some(7));
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, options, ..TEMPL };
    let third = deliver(&mut c, AT, synack, &[]).sent[0].repr;
    assert_eq!((c.state(), third.window), (State::Established, 63), "64240 rounded up to 1024s");
    let seg = |seq: SeqNum| TcpRepr { flags: Flags::ACK, seq, ack: ISS + 1, ..TEMPL };
    let (mut rcv_nxt, mut edge) = (PEER_ISS + 1, PEER_ISS + 1 + 63 * 1024);
    let mut windows = vec![];
    let mut sent = 0;
    while edge > rcv_nxt {
        // 2 × 1000 bytes, then segments of 1460 up to the edge.
        let len = if sent < 2000 { 1000 } else { 1460.min(edge - rcv_nxt) };
        let ack = deliver(&mut c, AT, seg(rcv_nxt), &vec![7; len as usize]).sent.last().expect("an ACK").repr;
        assert_eq!(ack.ack, rcv_nxt + len, "every byte inside the window is taken");
        (rcv_nxt, sent) = (ack.ack, sent + len);
        let announced = ack.ack + (u32::from(ack.window) << 10);
        if announced > edge {
            edge = announced;
        }
        windows.push(ack.window);
    }
    assert_eq!(windows[..2], [63, 63], "63536 free, rounded up to 64512");
    assert_eq!(windows.last(), Some(&0), "{windows:?}");
    let held = c.recv_available();
    assert!((65_537..65_536 + 1024).contains(&held), "{held} bytes held");
    let out = deliver(&mut c, AT, seg(rcv_nxt), b"x");
    assert_eq!(out.sent.last().map(|s| (s.repr.ack, s.repr.window)), Some((rcv_nxt, 0)), "nothing past the edge");
}

// ===== TIME-WAIT =====

#[test]
fn time_wait_acks_a_retransmitted_fin_and_restarts_2msl() {
    // RFC 9293 §3.10.7.4 fifth, TIME-WAIT: "Acknowledge it, and restart the 2 MSL timeout."
    let mut c = conn_time_wait();
    let two_msl = c.config().time_wait();
    assert_eq!(c.timer(Timer::TimeWait), Some(Instant::ZERO + two_msl));
    let later = Instant::from_millis(30_000);
    let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
    let out = deliver(&mut c, later, fin, &[]);
    expect(&c, &out, State::TimeWait, &["ACK 2 2 0"]);
    assert_eq!(c.timer(Timer::TimeWait), Some(later + two_msl));
    // The first deadline passes harmlessly; the restarted one closes.
    c.handle_timeout(Instant::ZERO + two_msl);
    let out = drain(&mut c);
    expect(&c, &out, State::TimeWait, &[]);
    c.handle_timeout(later + two_msl);
    let out = drain(&mut c);
    expect(&c, &out, State::Closed, &[]);
    assert!(out.events.contains(&Event::Closed { reason: CloseReason::Normal }));

    // A FIN without ACK fails the first check: ACKed, but the fifth check's restart is not reached.
    let mut c = conn_time_wait();
    let out = deliver(&mut c, later, TcpRepr { flags: Flags::FIN, seq: PEER_ISS + 1, ..TEMPL }, &[]);
    expect(&c, &out, State::TimeWait, &["ACK 2 2 0"]);
    assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack));
    assert_eq!(c.timer(Timer::TimeWait), Some(Instant::ZERO + two_msl));
}

/// TIME-WAIT on a connection of `profile` (our ISS 0, the peer's `PEER_ISS`), timestamps
/// negotiated or not (the peer's clock then reads 1000 and the SYN-ACK's TSval is 1000).
fn time_wait_of(profile: Profile, timestamps: bool) -> Connection {
    let config = Config { delayed_ack: None, timestamps, ..profile.config() };
    let mut c = Connection::new(config, LOCAL, REMOTE);
    c.connect(Instant::ZERO, ISS).expect("connect");
    let options = if timestamps { Options::linux_syn(1460, false, Some((1000, 0)), None) } else { Options::new() };
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, options, ..TEMPL };
    let _ = deliver(&mut c, Instant::ZERO, synack, &[]);
    c.shutdown(Instant::ZERO).expect("shutdown");
    let stamp = |tsval| if timestamps { Options::linux_timestamps(tsval, 0) } else { Options::new() };
    let fin =
        TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, options: stamp(1001), ..TEMPL };
    let _ = deliver(&mut c, Instant::ZERO, fin, &[]);
    assert_eq!(c.state(), State::TimeWait, "{profile}");
    c
}

/// An acceptable segment in TIME-WAIT that is not the retransmitted FIN, per profile
/// (`Config::time_wait_acks_segments`): Linux and FreeBSD acknowledge anything but a bare ACK at
/// RCV.NXT; RFC 9293 ignores it. The suite's `rcv-{ack,fin-ack}-time-wait-using-shutdown-middle`.
/// Linux also restarts its 60 s on each of them (`Config::time_wait_restart_on_ack`,
/// `tcp_timewait_state_process`'s `inet_twsk_reschedule`).
#[test]
fn an_in_window_segment_in_time_wait_per_profile() {
    let rcv_nxt = PEER_ISS + 2;
    let seg = |flags: Flags, seq: SeqNum| TcpRepr { flags, seq, ack: ISS + 2, ..TEMPL };
    // (the segment, its payload, acknowledged by linux and freebsd)
    let cases: [(TcpRepr, &[u8], bool); 4] = [
        (seg(Flags::ACK, rcv_nxt + 1), b"", true),
        (seg(Flags::FIN | Flags::ACK, rcv_nxt + 1), b"", true),
        (seg(Flags::ACK | Flags::PSH, rcv_nxt), b"late", true),
        (seg(Flags::ACK, rcv_nxt), b"", false),
    ];
    for profile in [Profile::Rfc9293, Profile::Linux, Profile::Freebsd, Profile::Windows] {
        for (repr, payload, acked) in cases {
            let what = format!("{profile}: {:?} at {} with {} bytes", repr.flags, repr.seq - PEER_ISS, payload.len());
            let mut c = time_wait_of(profile, false);
            let deadline = c.timer(Timer::TimeWait);
            let out = deliver(&mut c, Instant::from_millis(1000), repr, payload);
            assert_eq!(c.state(), State::TimeWait, "{what}");
            let answers = acked && c.config().time_wait_acks_segments;
            let expected: &[&str] = if answers { &["ACK 2 2 0"] } else { &[] };
            assert_eq!(out.segments(), expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{what}");
            if answers {
                assert_eq!(rejection(&out), (DropReason::AckedInTimeWait, Reply::Ack), "{what}");
            }
            // Linux restarts 2·MSL on any of them (each has ACK); the others only for the FIN
            // at RCV.NXT (`Config::time_wait_restart_on_ack`).
            let restarted = c.config().deadline(Instant::from_millis(1000), c.config().time_wait());
            let expected = if profile == Profile::Linux { Some(restarted) } else { deadline };
            assert_eq!(c.timer(Timer::TimeWait), expected, "{what}: when 2 MSL restarts");
        }
    }
    assert!(Profile::Linux.config().time_wait_restart_on_ack && !Profile::Freebsd.config().time_wait_restart_on_ack);
    assert!(Profile::Linux.config().time_wait_acks_segments && Profile::Freebsd.config().time_wait_acks_segments);
    assert!(!Profile::Rfc9293.config().time_wait_acks_segments);
}

/// What TIME-WAIT acknowledges at once (`Config::time_wait_acks_segments`) counts against
/// Linux's limit on TIME-WAIT's answers: `tcp_timewait_state_process` hands every segment but a
/// bare ACK at RCV.NXT, a RST or a new SYN to `tcp_timewait_check_oow_rate_limit`, one answer
/// per 500 ms, where a segment with data or a FIN and no SYN is always answered
/// (`tcp_oow_rate_limited`). FreeBSD's `tcp_twcheck` answers each one. A forged pure ACK beyond
/// RCV.NXT, sent again and again, so meets one ACK per 500 ms on Linux and one each on FreeBSD.
#[test]
fn time_wait_limits_its_answers_on_linux() {
    let rcv_nxt = PEER_ISS + 2;
    let ahead = TcpRepr { flags: Flags::ACK, seq: rcv_nxt + 1, ack: ISS + 2, ..TEMPL };
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: rcv_nxt, ack: ISS + 2, ..TEMPL };
    // (at, segment, payload); the first at 1 s, long after the close's last answer.
    let arrivals: [(u64, TcpRepr, &[u8]); 6] = [
        (1000, ahead, b""),
        (1100, ahead, b""),
        (1200, data, b"late"),
        (1300, ahead, b""),
        (1500, ahead, b""),
        (1600, ahead, b""),
    ];
    let run = |profile: Profile| {
        let mut c = time_wait_of(profile, false);
        arrivals.map(|(at, repr, payload)| {
            let out = deliver(&mut c, Instant::from_millis(at), repr, payload);
            assert_eq!(c.state(), State::TimeWait, "{profile} at {at} ms");
            let (reason, reply) = rejection(&out);
            assert_eq!(reason, DropReason::AckedInTimeWait, "{profile} at {at} ms");
            let sent = if reply == Reply::Ack { vec!["ACK 2 2 0".to_string()] } else { vec![] };
            assert_eq!(out.segments(), sent, "{profile} at {at} ms: {reply:?}");
            reply
        })
    };
    use Reply::{Ack, RateLimited};
    assert_eq!(run(Profile::Linux), [Ack, RateLimited, Ack, RateLimited, Ack, RateLimited]);
    assert_eq!(run(Profile::Freebsd), [Ack; 6]);
}

/// A SYN reaching TIME-WAIT (RFC 9293 §3.10.7.4 with RFC 6191; RFC 1122 §4.2.2.13), per
/// profile: which SYN opens a new incarnation (`opens_new_incarnation`, then `give_way`) and
/// what any other gets. FreeBSD's suite pins its half (rcv-syn-time-wait, Notes 1-2); Linux's
/// is `tcp_timewait_state_process`'s `TCP_TW_SYN` (sequence number above RCV.NXT, or a newer
/// timestamp) with the new ISS 65537 above the old SND.NXT.
#[test]
fn a_syn_in_time_wait_per_profile() {
    let rcv_nxt = PEER_ISS + 2;
    let below = SeqNum(rcv_nxt.0 - 100);
    let syn = |seq: SeqNum, tsval: Option<u32>| TcpRepr {
        flags: Flags::SYN,
        seq,
        ack: SeqNum(0),
        options: tsval.map_or_else(Options::new, |t| Options::linux_syn(1460, false, Some((t, 0)), None)),
        ..TEMPL
    };
    // (profile, timestamps, SYN's sequence number, its TSval, opens?, answer if it does not)
    type Case = (Profile, bool, SeqNum, Option<u32>, bool, &'static [&'static str]);
    let cases: [Case; 12] = [
        (Profile::Linux, false, rcv_nxt + 100, None, true, &[]),
        (Profile::Linux, false, rcv_nxt, None, false, &["ACK 2 2 0"]),
        (Profile::Linux, false, below, None, false, &["ACK 2 2 0"]),
        (Profile::Linux, true, below, Some(5000), true, &[]),
        (Profile::Linux, true, below, Some(900), false, &["ACK 2 2 0"]),
        (Profile::Freebsd, false, rcv_nxt + 100, None, true, &[]),
        (Profile::Freebsd, false, rcv_nxt, None, false, &[]),
        (Profile::Freebsd, false, below, None, false, &[]),
        (Profile::Rfc9293, false, rcv_nxt + 100, None, false, &["ACK 2 2 0"]),
        (Profile::Rfc9293, true, below, Some(5000), true, &[]),
        (Profile::Rfc9293, true, rcv_nxt + 100, Some(900), false, &["ACK 2 2 0"]),
        (Profile::Windows, false, rcv_nxt + 100, None, true, &[]),
    ];
    for (profile, timestamps, seq, tsval, opens, answer) in cases {
        let what = format!("{profile}, timestamps {timestamps}, SYN at {} TSval {tsval:?}", seq - PEER_ISS);
        let mut c = time_wait_of(profile, timestamps);
        let seg = syn(seq, tsval);
        assert_eq!(c.opens_new_incarnation(&seg), opens, "{what}");
        if opens {
            let iss = c.give_way(&seg);
            let out = drain(&mut c);
            assert_eq!(c.state(), State::Closed, "{what}");
            assert!(out.sent.is_empty(), "{what}: the listener answers, not TIME-WAIT");
            assert!(out.events.contains(&Event::Closed { reason: CloseReason::Normal }), "{what}");
            // Linux picks the new ISS above everything the old incarnation sent.
            let expected = (profile == Profile::Linux || profile == Profile::Windows).then_some(ISS + 2 + 65537);
            assert_eq!(iss, expected, "{what}");
        } else {
            let out = deliver(&mut c, Instant::from_millis(1000), seg, &[]);
            assert_eq!(c.state(), State::TimeWait, "{what}");
            assert_eq!(out.segments(), answer.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{what}");
        }
    }
    // Only a bare SYN: a SYN-ACK or a SYN with RST never opens one.
    let c = time_wait_of(Profile::Linux, false);
    for flags in [Flags::SYN | Flags::ACK, Flags::SYN | Flags::RST] {
        assert!(!c.opens_new_incarnation(&TcpRepr { flags, ..syn(rcv_nxt + 100, None) }), "{flags:?}");
    }
}

/// A FIN at RCV.NXT once the peer's FIN was received (FreeBSD's suite, rcv-fin-ack-time-wait-
/// using-shutdown-left-edge: a peer that sends its FIN at more than one sequence number). The
/// peer's sequence space ended at its first FIN, so this is no new FIN: RFC 9293 §3.10.7.4 fifth,
/// TIME-WAIT, "the only thing that can arrive in this state is a retransmission of the remote
/// FIN. Acknowledge it, and restart the 2 MSL timeout"; eighth, TIME-WAIT, "Restart the 2 MSL
/// time-wait timeout". RCV.NXT does not move (FreeBSD `tcp_twcheck`, Linux
/// `tcp_timewait_state_process`) and the application hears of the end of the stream once.
#[test]
fn a_second_fin_is_acknowledged_not_counted_again() {
    for state in [State::CloseWait, State::Closing, State::LastAck, State::TimeWait] {
        let mut c = conn_in(state);
        let rcv_nxt = c.rcv_nxt();
        let later = Instant::from_millis(30_000);
        let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: rcv_nxt, ack: c.snd_una(), ..TEMPL };
        let out = deliver(&mut c, later, fin, &[]);
        assert_eq!(c.state(), state, "{state}: events {:?}", out.events);
        assert_eq!(c.rcv_nxt(), rcv_nxt, "{state}: RCV.NXT stays after the first FIN");
        assert_eq!(out.sent.len(), 1, "{state}: the FIN is acknowledged");
        assert_eq!((out.sent[0].repr.flags, out.sent[0].repr.ack), (Flags::ACK, rcv_nxt), "{state}");
        assert!(!out.events.contains(&Event::EndOfStream), "{state}: end of stream told once");
        if state == State::TimeWait {
            assert_eq!(c.timer(Timer::TimeWait), Some(later + c.config().time_wait()), "2 MSL restarted");
        }
        // So is a FIN carrying text at RCV.NXT (the seventh step ignores the text).
        let out = deliver(&mut c, later, TcpRepr { flags: Flags::FIN | Flags::ACK | Flags::PSH, ..fin }, b"xyz");
        assert_eq!((c.state(), c.rcv_nxt()), (state, rcv_nxt), "{state}: FIN with text");
        assert_eq!(out.segments().len(), 1, "{state}");
    }

    // FIN-WAIT-2: a FIN repeated over text already received is counted exactly once.
    let mut c = conn_fin_wait_2();
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
    let _ = deliver(&mut c, AT, data, b"abc");
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::FIN | Flags::ACK, ..data }, b"abc");
    expect(&c, &out, State::TimeWait, &["ACK 2 5 0"]);
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::FIN | Flags::ACK, ..data }, b"abc");
    expect(&c, &out, State::TimeWait, &["ACK 2 5 0"]);
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 5, ..data }, &[]);
    expect(&c, &out, State::TimeWait, &["ACK 2 5 0"]);
}

// ===== answers to unacceptable segments (RFC 5961 §7) =====

/// RFC 9293 §3.10.7.4 answers every unacceptable segment with an ACK; each profile caps those
/// answers (and RFC 5961 challenge ACKs) as its stack does (sources in `config.rs`). A segment
/// with data or a FIN is always answered (Linux `tcp_oow_rate_limited`).
#[test]
fn answers_to_unacceptable_segments_are_rate_limited_per_profile() {
    use tcp_core::config::RateLimit;
    use tcp_core::time::Duration;
    for (profile, count, interval_ms) in [
        (tcp_core::Config::rfc9293(), 10, 5_000),
        (tcp_core::Config::linux(), 1, 500),
        (tcp_core::Config::freebsd(), 5, 1_000),
        (tcp_core::Config::windows(), 10, 5_000),
    ] {
        let name = profile.profile;
        let limit = RateLimit { count, interval: Duration::from_millis(interval_ms) };
        assert_eq!(profile.invalid_ack_limit, Some(limit), "{name}");
        let mut c = conn_established_with(tcp_core::Config { delayed_ack: None, ..profile });
        let (snd_nxt, rcv_nxt) = (c.snd_nxt(), c.rcv_nxt());
        let out_of_window = TcpRepr { flags: Flags::ACK, seq: rcv_nxt + 100_000, ack: snd_nxt, ..TEMPL };
        for _ in 0..count {
            let out = deliver(&mut c, AT, out_of_window, &[]);
            expect(&c, &out, State::Established, &["ACK 1 1 0"]);
            assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack), "{name}");
        }
        let out = deliver(&mut c, AT, out_of_window, &[]);
        expect(&c, &out, State::Established, &[]);
        assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::RateLimited), "{name}");
        // Challenge ACKs (RFC 5961 §3.2, §4.2) share the limit.
        let out = deliver(&mut c, AT, TcpRepr { flags: Flags::RST, seq: rcv_nxt + 10, ..TEMPL }, &[]);
        expect(&c, &out, State::Established, &[]);
        assert_eq!(rejection(&out), (DropReason::RstNotExact, Reply::RateLimited), "{name}");
        let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: rcv_nxt, ..TEMPL }, &[]);
        expect(&c, &out, State::Established, &[]);
        assert_eq!(rejection(&out), (DropReason::SynOnSynchronized, Reply::RateLimited), "{name}");
        // Data is answered whatever the limit, and so is a FIN (it occupies sequence space too).
        let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK | Flags::PSH, ..out_of_window }, b"data");
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
        let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK | Flags::FIN, ..out_of_window }, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
        assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack), "{name}");
        // The next interval answers again.
        let later = AT + Duration::from_millis(interval_ms);
        let out = deliver(&mut c, later, out_of_window, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
    }
    // RFC 9293 alone (no limit) answers every one.
    let mut c = conn_established_with(tcp_core::Config { invalid_ack_limit: None, ..config() });
    let out_of_window = TcpRepr { flags: Flags::ACK, seq: c.rcv_nxt() + 100_000, ack: c.snd_nxt(), ..TEMPL };
    for _ in 0..100 {
        let out = deliver(&mut c, AT, out_of_window, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
    }
}

/// A SYN outside the window of an open connection (the peer's SYN-ACK sent again after the
/// third segment was lost): RFC 9293's first check answers it with an ACK as out of window;
/// Linux and FreeBSD send it to the SYN check, which answers with a challenge ACK. The same ACK
/// goes out, within the same limit.
#[test]
fn a_syn_outside_the_window_per_profile() {
    for (profile, reason) in [
        (tcp_core::Config::rfc9293(), DropReason::OutOfWindow),
        (tcp_core::Config::linux(), DropReason::SynOnSynchronized),
        (tcp_core::Config::freebsd(), DropReason::SynOnSynchronized),
        (tcp_core::Config::windows(), DropReason::OutOfWindow),
    ] {
        let name = profile.profile;
        let mut c = conn_established_with(tcp_core::Config { delayed_ack: None, ..profile });
        let (snd_nxt, rcv_nxt) = (c.snd_nxt(), c.rcv_nxt());
        // The peer's SYN-ACK again: its ISN, one before RCV.NXT (wrapping).
        let synack =
            TcpRepr { flags: Flags::SYN | Flags::ACK, seq: SeqNum(rcv_nxt.0.wrapping_sub(1)), ack: snd_nxt, ..TEMPL };
        let out = deliver(&mut c, AT, synack, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
        let reply = if reason == DropReason::OutOfWindow { Reply::Ack } else { Reply::ChallengeAck };
        assert_eq!(rejection(&out), (reason, reply), "{name}");
        // Far to the right too.
        let syn = TcpRepr { flags: Flags::SYN, seq: rcv_nxt + 1_000_000, ack: SeqNum(0), ..TEMPL };
        let out = deliver(&mut c, AT + tcp_core::time::Duration::from_secs(10), syn, &[]);
        expect(&c, &out, State::Established, &["ACK 1 1 0"]);
        assert_eq!(rejection(&out).0, reason, "{name}");
    }
}

/// A pure ACK exactly at RCV.NXT+RCV.WND (what a sender that filled the window sends): RFC 9293
/// §3.10.7.4 finds it unacceptable; Linux `tcp_sequence` and BSD take it and process its ACK.
#[test]
fn established_pure_ack_at_the_right_window_edge_per_profile() {
    for (profile, taken) in
        [(config(), false), (tcp_core::Config { delayed_ack: None, ..tcp_core::Config::linux() }, true)]
    {
        let mut c = conn_established_with(profile);
        c.send(AT, b"hello").expect("send");
        let _ = drain(&mut c);
        let edge = c.rcv_nxt() + c.rcv_wnd();
        let ack = TcpRepr { flags: Flags::ACK, seq: edge, ack: c.snd_nxt(), ..TEMPL };
        let out = deliver(&mut c, AT, ack, &[]);
        if taken {
            expect(&c, &out, State::Established, &[]);
            assert_eq!(c.snd_una(), c.snd_nxt(), "{:?}: its ACK was processed", profile.profile);
        } else {
            expect(&c, &out, State::Established, &["ACK 6 1 0"]);
            assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack));
            assert_eq!(c.snd_una(), ISS + 1, "its ACK was not processed");
        }
    }
}

// ===== behaviour that differs by stack (issue #11, point 3) =====

/// A listener's segments, drained.
fn drain_listener(l: &mut tcp_core::Listener) -> Vec<TcpRepr> {
    let mut out = Vec::new();
    while let Some(t) = l.poll_transmit() {
        out.push(t.repr);
    }
    while l.poll_event().is_some() {}
    out
}

#[test]
fn syn_fin_per_profile() {
    use tcp_core::{Config, Listener, SynFin};
    let syn_fin = TcpRepr { flags: Flags::SYN | Flags::FIN, seq: PEER_ISS, ..TEMPL };
    // rfc9293 (and freebsd's default): the SYN opens the connection (§3.10.7.2 third).
    let mut c = conn_listen();
    let out = deliver(&mut c, AT, syn_fin, &[]);
    assert_eq!(c.state(), State::SynReceived);
    assert_eq!(out.sent.len(), 1);
    assert_eq!(out.sent[0].repr.flags, Flags::SYN | Flags::ACK);
    // linux: dropped in LISTEN without an answer (`tcp_rcv_state_process`).
    let linux = Config { delayed_ack: None, ..Config::linux() };
    let mut c = conn_listen_with(linux);
    let out = deliver(&mut c, AT, syn_fin, &[]);
    expect(&c, &out, State::Listen, &[]);
    assert_eq!(rejection(&out), (DropReason::Unexpected, Reply::Nothing));
    // The same through a Listener: nothing sent, nothing queued.
    let mut l = Listener::new(linux, LOCAL, 1);
    l.handle_segment(AT, REMOTE, &syn_fin, &[], ISS);
    assert_eq!(drain_listener(&mut l), Vec::<TcpRepr>::new());
    assert_eq!(l.half_open(), 0);
    // A plain SYN still opens.
    l.handle_segment(AT, REMOTE, &TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[], ISS);
    assert_eq!(l.half_open(), 1);
    // linux processes it in SYN-SENT (simultaneous open), as rfc9293 does.
    for config in [config(), linux] {
        let mut c = conn_syn_sent_with(config);
        let out = deliver(&mut c, AT, syn_fin, &[]);
        assert_eq!(c.state(), State::SynReceived, "{:?}", config.profile);
        assert_eq!(out.sent[0].repr.flags, Flags::SYN | Flags::ACK);
    }
    // FreeBSD with drop_synfin=1: dropped in SYN-SENT too, and in LISTEN.
    let drop = Config { syn_fin: SynFin::Drop, delayed_ack: None, ..Config::freebsd() };
    let mut c = conn_syn_sent_with(drop);
    let out = deliver(&mut c, AT, syn_fin, &[]);
    expect(&c, &out, State::SynSent, &[]);
    assert_eq!(rejection(&out), (DropReason::Unexpected, Reply::Nothing));
    let mut c = conn_listen_with(drop);
    let out = deliver(&mut c, AT, syn_fin, &[]);
    expect(&c, &out, State::Listen, &[]);
    // And in every other state: no challenge ACK, nothing at all (a SYN alone gets one).
    let mut c = conn_established_with(drop);
    let out = deliver(&mut c, AT, TcpRepr { seq: PEER_ISS + 1, ..syn_fin }, &[]);
    expect(&c, &out, State::Established, &[]);
    assert_eq!(rejection(&out), (DropReason::Unexpected, Reply::Nothing));
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: PEER_ISS + 1, ..TEMPL }, &[]);
    assert_eq!(rejection(&out), (DropReason::SynOnSynchronized, Reply::ChallengeAck));
}

/// How many handshakes an accept queue takes for a backlog, per profile
/// (`Config::accept_queue_size`): Linux one more than the backlog (`sk_acceptq_is_full` tests
/// `>`), FreeBSD half as many again plus one (`sonewconn`: `sol_qlen > 3 * sol_qlimit / 2`), RFC
/// 9293 and Windows the backlog. Clients complete handshakes one after another, nobody calls
/// accept(); the count is how many the queue held when the next one met it full.
#[test]
fn the_accept_queue_holds_per_profile() {
    use tcp_core::{AcceptQueueSize, Config, Listener, Profile};
    let held = |config: Config| {
        let mut l = Listener::new(config, LOCAL, 1);
        for k in 0..64u16 {
            let remote = std::net::SocketAddrV4::new(std::net::Ipv4Addr::new(192, 0, 2, 1), 40000 + k);
            l.handle_segment(AT, remote, &TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[], ISS);
            let Some(synack) = drain_listener(&mut l).pop().filter(|r| r.flags == Flags::SYN | Flags::ACK) else {
                return l.pending_accept();
            };
            let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: synack.seq + 1, ..TEMPL };
            l.handle_segment(AT, remote, &ack, &[], ISS);
            let _ = drain_listener(&mut l);
            if l.pending_accept() == usize::from(k) {
                return l.pending_accept(); // the ACK met a full queue
            }
        }
        l.pending_accept()
    };
    for (profile, sizes) in [
        (Profile::Linux, [2, 3, 5]),
        (Profile::Freebsd, [2, 4, 7]),
        (Profile::Rfc9293, [1, 2, 4]),
        (Profile::Windows, [1, 2, 4]),
    ] {
        for (backlog, size) in [1u16, 2, 4].into_iter().zip(sizes) {
            let config = Config { accept_backlog: backlog, syn_backlog: 64, ..profile.config() };
            assert_eq!(held(config), size, "{profile}, listen(fd, {backlog})");
            assert_eq!(config.accept_queue_size.holds(backlog), size, "{profile}");
        }
    }
    assert_eq!(AcceptQueueSize::HalfAgain.holds(128), 193);
}

/// A SYN to a listener whose accept queue is full: Linux drops it (`tcp_conn_request`); FreeBSD's
/// syncache answers it and judges the queue on the last ACK, which it then resets
/// (`rst_on_sock_fail`).
#[test]
fn a_syn_to_a_full_accept_queue_per_profile() {
    use tcp_core::{Config, Listener, Profile};
    for (profile, answered) in
        [(Profile::Linux, false), (Profile::Freebsd, true), (Profile::Rfc9293, false), (Profile::Windows, false)]
    {
        let mut l = Listener::new(Config { accept_backlog: 0, ..profile.config() }, LOCAL, 1);
        let (mut queued, mut k) = (0, 0u16);
        // Fill the queue.
        while queued < profile.config().accept_queue_size.holds(0) {
            let remote = std::net::SocketAddrV4::new(std::net::Ipv4Addr::new(192, 0, 2, 1), 40000 + k);
            k += 1;
            l.handle_segment(AT, remote, &TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[], ISS);
            let synack = drain_listener(&mut l).pop().expect("a SYN-ACK while there is room");
            let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: synack.seq + 1, ..TEMPL };
            l.handle_segment(AT, remote, &ack, &[], ISS);
            let _ = drain_listener(&mut l);
            queued = l.pending_accept();
        }
        let remote = std::net::SocketAddrV4::new(std::net::Ipv4Addr::new(192, 0, 2, 2), 50000);
        l.handle_segment(AT, remote, &TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[], ISS);
        let sent = drain_listener(&mut l);
        let synack = sent.iter().find(|r| r.flags == Flags::SYN | Flags::ACK);
        assert_eq!(synack.is_some(), answered, "{profile}: {sent:?}");
        if let Some(synack) = synack {
            // The last ACK meets the full queue: FreeBSD resets.
            let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: synack.seq + 1, ..TEMPL };
            l.handle_segment(AT, remote, &ack, &[], ISS);
            // <SEQ=SEG.ACK><CTL=RST>, the answer to the ACK (FreeBSD `tcp_dropwithreset`).
            let sent = drain_listener(&mut l);
            let resets: Vec<_> = sent.iter().map(|r| (r.flags, r.seq)).collect();
            assert_eq!(resets, [(Flags::RST, ack.ack)], "{profile}: {sent:?}");
            assert_eq!(l.pending_accept(), queued, "{profile}");
        }
    }
}

#[test]
fn syn_ack_to_a_listener_per_profile() {
    use tcp_core::{Config, Listener};
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: SeqNum(31337), ..TEMPL };
    // rfc9293 and linux: §3.10.7.2 second, <SEQ=SEG.ACK><CTL=RST>, through a Listener too (not
    // taken for a SYN cookie's ACK).
    for config in [config(), Config { delayed_ack: None, ..Config::linux() }] {
        let mut c = conn_listen_with(config);
        let out = deliver(&mut c, AT, synack, &[]);
        assert_eq!(c.state(), State::Listen);
        assert_eq!(out.sent.len(), 1);
        assert_eq!((out.sent[0].repr.flags, out.sent[0].repr.seq), (Flags::RST, SeqNum(31337)));
        assert_eq!(rejection(&out), (DropReason::AckInListen, Reply::Reset));
        let mut l = Listener::new(config, LOCAL, 1);
        l.handle_segment(AT, REMOTE, &synack, &[], ISS);
        let sent = drain_listener(&mut l);
        assert_eq!(sent.len(), 1, "{:?}", config.profile);
        assert_eq!((sent[0].flags, sent[0].seq), (Flags::RST, SeqNum(31337)));
    }
    // freebsd: ignored, by a Connection and by a Listener (whose SYN cookies are on).
    let freebsd = Config { delayed_ack: None, ..Config::freebsd() };
    assert!(freebsd.syn_cookies);
    let mut c = conn_listen_with(freebsd);
    let out = deliver(&mut c, AT, synack, &[]);
    expect(&c, &out, State::Listen, &[]);
    assert_eq!(rejection(&out), (DropReason::SynAckInListen, Reply::Nothing));
    let mut l = Listener::new(freebsd, LOCAL, 1);
    l.handle_segment(AT, REMOTE, &synack, &[], ISS);
    assert_eq!(drain_listener(&mut l), Vec::<TcpRepr>::new());
    assert_eq!(l.half_open(), 0);
    // A bare ACK is still reset.
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::ACK, ..synack }, &[]);
    assert_eq!(out.sent.len(), 1);
    assert_eq!(rejection(&out), (DropReason::AckInListen, Reply::Reset));
}

#[test]
fn closing_a_listener_resets_half_open_connections_per_profile() {
    use std::net::{Ipv4Addr, SocketAddrV4};
    use tcp_core::{Config, Listener};
    let other = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 2), 6666);
    let syn = TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL };
    let resets = |config: Config| {
        let mut l = Listener::new(config, LOCAL, 1);
        // `other` completes its handshake and waits for accept(); REMOTE stays half-open.
        l.handle_segment(AT, other, &syn, &[], ISS);
        let ack = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
        l.handle_segment(AT, other, &ack, &[], ISS);
        l.handle_segment(AT, REMOTE, &syn, &[], ISS);
        let _ = drain_listener(&mut l);
        assert_eq!((l.half_open(), l.pending_accept()), (1, 1), "{:?}", config.profile);
        l.close(AT);
        let mut sent = Vec::new();
        while let Some(t) = l.poll_transmit() {
            assert!(t.repr.flags.contains(Flags::RST), "{:?}", t.repr);
            sent.push(t.dst);
        }
        assert_eq!((l.half_open(), l.pending_accept()), (0, 0));
        sent
    };
    // rfc9293: ABORT in SYN-RECEIVED and ESTABLISHED sends a reset (§3.10.5), to both.
    assert_eq!(resets(config()), [REMOTE, other]);
    // freebsd and linux: the half-open one goes silently; the established one is reset.
    for config in [Config::freebsd(), Config::linux()] {
        assert_eq!(resets(Config { delayed_ack: None, ..config }), [other], "{:?}", config.profile);
    }
}

#[test]
fn syn_retransmissions_add_freebsds_rexmit_slop() {
    use tcp_core::Config;
    let schedule = |config: Config| {
        let mut c = conn_syn_sent_with(config);
        let mut at = Vec::new();
        for _ in 0..3 {
            let deadline = c.poll_timeout().expect("the retransmission timer runs");
            c.handle_timeout(deadline);
            let out = drain(&mut c);
            assert_eq!(out.sent.len(), 1);
            assert_eq!(out.sent[0].repr.flags, Flags::SYN);
            at.push(deadline.millis());
        }
        at
    };
    // rfc9293: RFC 6298 (5.5), 1 s doubled.
    assert_eq!(schedule(config()), [1000, 3000, 7000]);
    // freebsd: the first after rexmit_initial alone, then each backed-off RTO plus 200 ms.
    assert_eq!(schedule(Config { delayed_ack: None, ..Config::freebsd() }), [1000, 3200, 7400]);
}

/// `Config::establishment_timeout` (freebsd: `keepinit`, 75 s): the open ends at its time limit
/// with ETIMEDOUT, whatever retries are left, and without a reset in SYN-SENT; without a limit
/// (rfc9293) only the retry count ends it.
#[test]
fn an_active_open_gives_up_at_its_time_limit() {
    let run = |config: Config| {
        let mut c = conn_syn_sent_with(config);
        let (mut syns, mut end) = (vec![0], None);
        while let Some(deadline) = c.poll_timeout() {
            c.handle_timeout(deadline);
            let out = drain(&mut c);
            for s in &out.sent {
                assert_eq!(s.repr.flags, Flags::SYN, "only SYNs until it gives up");
                syns.push(deadline.millis());
            }
            if c.state() == State::Closed {
                end = out.events.iter().find_map(|e| match e {
                    Event::StateChanged { cause, .. } => Some((deadline.millis(), *cause)),
                    _ => None,
                });
                assert!(out.events.contains(&Event::Closed { reason: CloseReason::TimedOut }), "{:?}", out.events);
            }
        }
        (syns, end)
    };
    let freebsd = Config { delayed_ack: None, ..Config::freebsd() };
    let (syns, end) = run(freebsd);
    assert_eq!(syns, [0, 1000, 3200, 7400, 15_600, 31_800, 64_000]);
    assert_eq!(end, Some((75_000, tcp_core::event::Cause::Timer(Timer::Establishment))));
    // No limit: the retries run out (rfc9293: 7 retransmissions, RTO at most 60 s).
    let (syns, end) = run(config());
    assert_eq!(syns.len(), 8);
    assert_eq!(end.map(|(_, cause)| cause), Some(tcp_core::event::Cause::RetriesExhausted));
    // TCP_KEEPINIT of 5 s under rfc9293: SYNs at 0, 1 and 3 s, ETIMEDOUT at 5 s.
    let (syns, end) = run(Config { establishment_timeout: Some(tcp_core::Duration::from_secs(5)), ..config() });
    assert_eq!((syns, end.map(|(at, _)| at)), (vec![0, 1000, 3000], Some(5000)));
}

/// The time limit is over once the open succeeds (its timer is cancelled on ESTABLISHED), and a
/// simultaneous open caught by it in SYN-RECEIVED resets the peer, as `tcp_drop` does.
#[test]
fn the_time_limit_ends_with_the_open() {
    let limited = Config { establishment_timeout: Some(tcp_core::Duration::from_secs(5)), ..config() };
    let mut c = conn_syn_sent_with(limited);
    assert_eq!(c.timer(Timer::Establishment), Some(Instant::from_millis(5000)));
    let synack = TcpRepr { flags: Flags::SYN | Flags::ACK, seq: PEER_ISS, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, AT, synack, &[]);
    expect(&c, &out, State::Established, &["ACK 1 1 0"]);
    assert!(out.events.contains(&Event::TimerCancelled { timer: Timer::Establishment }), "{:?}", out.events);
    assert_eq!(c.timer(Timer::Establishment), None);

    let mut c = conn_syn_sent_with(limited);
    let out = deliver(&mut c, AT, TcpRepr { flags: Flags::SYN, seq: PEER_ISS, ..TEMPL }, &[]);
    expect(&c, &out, State::SynReceived, &["SYN|ACK 0 1 0"]);
    c.handle_timeout(Instant::from_millis(5000));
    let out = drain(&mut c);
    assert_eq!(c.state(), State::Closed);
    assert_eq!(out.segments().last().map(String::as_str), Some("RST 1 - 0"), "{:?}", out.segments());
}

/// Linux's delayed-ACK timeout is 0 until data arrives (`Config::ack_delay_zero_before_data`): a
/// bare FIN on a connection that has carried no data is ACKed on the timer wheel's next tick
/// (within 4 ms), not after `TCP_DELACK_MIN` (40 ms), as the captures' README measured on Linux
/// 6.18 (about 2 ms); once data has arrived, 40 ms and up to a tick more. RFC 9293 acknowledges a
/// FIN at once either way.
#[test]
fn a_fin_before_any_data_is_acked_a_tick_later_on_linux() {
    use tcp_core::time::Duration;
    let fin = |seq| TcpRepr { flags: Flags::FIN | Flags::ACK, seq, ack: ISS + 1, ..TEMPL };
    let mut quiet = conn_established_with(Config::linux());
    let out = deliver(&mut quiet, AT, fin(PEER_ISS + 1), &[]);
    expect(&quiet, &out, State::CloseWait, &[]);
    let tick = quiet.timer(Timer::DelayedAck).expect("armed") - AT;
    assert!(tick > Duration::ZERO && tick <= Duration::from_millis(4), "{tick:?}");

    let mut talked = conn_established_with(Config::linux());
    let data = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut talked, AT, data, b"abc");
    expect(&talked, &out, State::Established, &["ACK 1 4 0"]); // quick-ACK mode
    let out = deliver(&mut talked, AT, fin(PEER_ISS + 4), &[]);
    expect(&talked, &out, State::CloseWait, &[]);
    // Armed at tick 25 (100 ms) for 10 ticks: the bucket after tick 35, 144 ms.
    assert_eq!(talked.timer(Timer::DelayedAck), Some(AT + Duration::from_millis(44)));

    let mut rfc = conn_established_with(Config::rfc9293());
    let out = deliver(&mut rfc, AT, fin(PEER_ISS + 1), &[]);
    expect(&rfc, &out, State::CloseWait, &["ACK 1 2 0"]);
}

/// Linux's TIME-WAIT socket starts its own count of answers to out-of-window segments
/// (`Config::time_wait_answers_counted_anew`: `tcp_time_wait` sets `tw_last_oow_ack_time = 0`):
/// an answer from FIN-WAIT-2 just before does not silence TIME-WAIT's first one, as it would
/// with one count for the connection's life (one answer per 500 ms either way).
#[test]
fn time_wait_counts_its_answers_anew_on_linux() {
    let stray =
        |at_ms: u64| TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 100_000 + at_ms as u32, ack: ISS + 2, ..TEMPL };
    let run = |config: Config| {
        let mut c = conn_established_with(Config { delayed_ack: None, ..config });
        c.shutdown(Instant::ZERO).expect("shutdown");
        let _ = drain(&mut c);
        let acked = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
        let out = deliver(&mut c, Instant::ZERO, acked, &[]);
        expect(&c, &out, State::FinWait2, &[]);
        let out = deliver(&mut c, Instant::from_millis(100), stray(100), &[]);
        assert_eq!(rejection(&out), (DropReason::OutOfWindow, Reply::Ack), "FIN-WAIT-2 answers");
        let fin = TcpRepr { flags: Flags::FIN | Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 2, ..TEMPL };
        let out = deliver(&mut c, Instant::from_millis(150), fin, &[]);
        expect(&c, &out, State::TimeWait, &["ACK 2 2 0"]);
        let out = deliver(&mut c, Instant::from_millis(200), stray(200), &[]);
        let first = rejection(&out).1;
        let out = deliver(&mut c, Instant::from_millis(300), stray(300), &[]);
        (first, rejection(&out).1)
    };
    let linux = Config::linux();
    assert!(linux.time_wait_answers_counted_anew);
    assert_eq!(run(linux), (Reply::Ack, Reply::RateLimited), "TIME-WAIT's own one per 500 ms");
    let one_count = Config { time_wait_answers_counted_anew: false, ..linux };
    assert_eq!(run(one_count), (Reply::RateLimited, Reply::RateLimited), "the answer at 100 ms counts");
    for profile in [Profile::Rfc9293, Profile::Freebsd, Profile::Windows, Profile::Rfc793] {
        assert!(!profile.config().time_wait_answers_counted_anew, "{profile}");
    }
}

// ===== shutdown(SHUT_RD) =====

/// `shutdown_read` in every state (rfc9293, `ReadShutdown::Keep`): refused where there is no
/// connection, accepted elsewhere with nothing on the wire and no state change.
#[test]
fn shutdown_read_in_every_state() {
    let mut table = vec![header("command result")];
    for state in State::ALL {
        table.push(command_line(state, Cmd::ShutdownRead));
    }
    expect_test::expect![[r#"
        state        command result           next         | sent (flags seq ack len) | rejected (reason/reply)         | closed   | timers                 | RFC
        CLOSED       ShutdownRead DoesNotExist -> CLOSED       | -                        | -                               | -        | -                      | none in RFC 9293; sockets: not connected (ENOTCONN)
        LISTEN       ShutdownRead DoesNotExist -> LISTEN       | -                        | -                               | -        | -                      | none in RFC 9293; sockets: not connected (ENOTCONN)
        SYN-SENT     ShutdownRead ok(0)    -> SYN-SENT     | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        SYN-RECEIVED ShutdownRead ok(0)    -> SYN-RECEIVED | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        ESTABLISHED  ShutdownRead ok(0)    -> ESTABLISHED  | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        FIN-WAIT-1   ShutdownRead ok(0)    -> FIN-WAIT-1   | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        FIN-WAIT-2   ShutdownRead ok(0)    -> FIN-WAIT-2   | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        CLOSE-WAIT   ShutdownRead ok(0)    -> CLOSE-WAIT   | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        CLOSING      ShutdownRead ok(0)    -> CLOSING      | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        LAST-ACK     ShutdownRead ok(0)    -> LAST-ACK     | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
        TIME-WAIT    ShutdownRead ok(0)    -> TIME-WAIT    | -                        | -                               | -        | -                      | none in RFC 9293; sockets: reads end, nothing sent
    "#]]
    .assert_eq(&(table.join("\n") + "\n"));
}

/// The profile's configuration with every ACK immediate, as the fixtures'.
fn immediate(profile: Profile) -> Config {
    Config { delayed_ack: None, ..profile.config() }
}

/// `segments`, or `-` for none.
fn sent(out: &Output) -> String {
    let segments = out.segments();
    if segments.is_empty() { "-".into() } else { segments.join(", ") }
}

/// The rejection `out` reports, as `reason/reply`, or `-`.
fn rejected(out: &Output) -> String {
    out.events
        .iter()
        .find_map(|e| match e {
            Event::SegmentRejected { reason, reply } => Some(format!("{reason:?}/{reply:?}")),
            _ => None,
        })
        .unwrap_or_else(|| "-".into())
}

/// Per profile (`Config::read_shutdown`): ESTABLISHED with nothing unread, `shutdown_read`, then
/// 5 bytes arrive; then the application reads, and closes. Linux and the RFC profiles keep
/// receiving (the bytes are queued, readable and acknowledged); FreeBSD acknowledges them and
/// throws them away, its window unchanged; Windows answers them with a reset. (Linux's window
/// closes by 4: its 64 KiB buffer has 1 byte more than an unscaled window field can say.)
#[test]
fn shutdown_read_then_data_arrives_per_profile() {
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let mut table = vec![format!(
        "{:<8} | {:<5} | {:<21} | {:<34} | {:<6} | {:<12} | close",
        "profile", "call", "data 5 arrives", "rejected", "window", "read"
    )];
    for profile in Profile::ALL {
        let mut c = conn_established_with(immediate(profile));
        let window = c.rcv_wnd();
        let call = c.shutdown_read(AT).map_or_else(|e| format!("{e:?}"), |n| format!("ok({n})"));
        let out = drain(&mut c);
        assert_eq!((c.state(), out.sent.len()), (State::Established, 0), "{profile}: nothing at the call");
        assert!(c.is_read_shut());
        let out = deliver(&mut c, AT, data, b"hello");
        let arrived = format!("{} {}", c.state().rfc_name(), sent(&out));
        let window = match (c.state(), window - c.rcv_wnd()) {
            (State::Closed, _) => "-".to_string(),
            (_, 0) => "same".to_string(),
            (_, less) => format!("-{less}"),
        };
        let mut buf = [0; 16];
        let read = match c.recv(AT, &mut buf) {
            Ok(n) => format!("ok({n})"),
            Err(e) => format!("{e:?}"),
        };
        let close = c.close(AT).map_or_else(|e| format!("{e:?}"), |()| sent(&drain(&mut c)));
        table.push(format!(
            "{:<8} | {call:<5} | {arrived:<21} | {:<34} | {window:<6} | {read:<12} | {close}",
            profile.name(),
            rejected(&out),
        ));
    }
    expect_test::expect![[r#"
        profile  | call  | data 5 arrives        | rejected                           | window | read         | close
        rfc9293  | ok(0) | ESTABLISHED ACK 1 6 0 | -                                  | -5     | ok(5)        | FIN|ACK 1 6 0
        linux    | ok(0) | ESTABLISHED ACK 1 6 0 | -                                  | -4     | ok(5)        | FIN|ACK 1 6 0
        freebsd  | ok(0) | ESTABLISHED ACK 1 6 0 | DiscardedAfterShutdownRead/Ack     | same   | ok(0)        | FIN|ACK 1 6 0
        windows  | ok(0) | CLOSED RST 1 - 0      | DataAfterShutdownRead/Reset        | -      | DoesNotExist | DoesNotExist
        rfc793   | ok(0) | ESTABLISHED ACK 1 6 0 | -                                  | -5     | ok(5)        | FIN|ACK 1 6 0
    "#]]
    .assert_eq(&(table.join("\n") + "\n"));
}

/// Per profile: 5 bytes arrive and stay unread, then `shutdown_read`. Linux and the RFC profiles
/// keep them readable, so close() then resets (RFC 1122 §4.2.2.13); FreeBSD throws them away at
/// the call (no segment: the window it reopens shows on the next), so close() sends its FIN;
/// Windows resets the connection at the call.
#[test]
fn shutdown_read_with_unread_data_per_profile() {
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let mut table = vec![format!(
        "{:<8} | {:<6} | {:<16} | {:<11} | {:<6} | close",
        "profile", "call", "sent at the call", "next", "unread"
    )];
    for profile in Profile::ALL {
        let mut c = conn_established_with(immediate(profile));
        let out = deliver(&mut c, AT, data, b"hello");
        expect(&c, &out, State::Established, &["ACK 1 6 0"]);
        let call = c.shutdown_read(AT).map_or_else(|e| format!("{e:?}"), |n| format!("ok({n})"));
        let out = drain(&mut c);
        if c.state() == State::Closed {
            let cause = tcp_core::Cause::Command(Cmd::ShutdownRead);
            assert!(out.events.iter().any(|e| matches!(e, Event::StateChanged { cause: c, .. } if *c == cause)));
            assert!(out.events.contains(&Event::Closed { reason: CloseReason::Aborted }));
        }
        let (next, unread) = (c.state().rfc_name(), c.recv_available());
        let close = c.close(AT).map_or_else(|e| format!("{e:?}"), |()| sent(&drain(&mut c)));
        table.push(format!(
            "{:<8} | {call:<6} | {:<16} | {next:<11} | {unread:<6} | {close}",
            profile.name(),
            sent(&out)
        ));
    }
    expect_test::expect![[r#"
        profile  | call   | sent at the call | next        | unread | close
        rfc9293  | ok(0)  | -                | ESTABLISHED | 5      | RST 1 - 0
        linux    | ok(0)  | -                | ESTABLISHED | 5      | RST|ACK 1 6 0
        freebsd  | ok(5)  | -                | ESTABLISHED | 0      | FIN|ACK 1 6 0
        windows  | ok(5)  | RST|ACK 1 6 0    | CLOSED      | 0      | DoesNotExist
        rfc793   | ok(0)  | -                | ESTABLISHED | 5      | RST 1 - 0
    "#]]
    .assert_eq(&(table.join("\n") + "\n"));
}

/// Linux (`ReadShutdown::Keep`): what arrives after `shutdown_read` is still readable, then
/// read() returns 0 once it is empty (`tcp_recvmsg`), and nothing is sent for either.
#[test]
fn linux_reads_what_is_queued_after_shutdown_read() {
    let mut c = conn_established_with(immediate(Profile::Linux));
    c.shutdown_read(AT).expect("shutdown_read in ESTABLISHED");
    let _ = drain(&mut c);
    let data = TcpRepr { flags: Flags::ACK | Flags::PSH, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, AT, data, b"hello");
    assert!(out.events.contains(&Event::Received { len: 5 }));
    let mut buf = [0; 3];
    assert_eq!(c.recv(AT, &mut buf), Ok(3));
    assert_eq!(&buf, b"hel");
    assert_eq!(c.recv(AT, &mut buf), Ok(2));
    assert_eq!(c.recv(AT, &mut buf), Ok(0));
    assert!(drain(&mut c).sent.is_empty());
}

/// FreeBSD (`ReadShutdown::Discard`): a receiver whose full buffer offered a zero window throws
/// its contents away at `shutdown_read` without a segment; the window reopens, and the sender's
/// next zero-window probe finds it open, its byte acknowledged and thrown away.
#[test]
fn freebsd_discarding_reopens_a_zero_window() {
    let mut c = conn_established_with(immediate(Profile::Freebsd));
    let full = vec![b'x'; c.rcv_wnd() as usize];
    let data = TcpRepr { flags: Flags::ACK, seq: PEER_ISS + 1, ack: ISS + 1, ..TEMPL };
    let out = deliver(&mut c, AT, data, &full);
    assert_eq!(out.sent.last().map(|s| s.repr.window), Some(0), "the buffer is full: {:?}", out.segments());
    assert_eq!(c.shutdown_read(AT), Ok(full.len()));
    let out = drain(&mut c);
    assert!(out.sent.is_empty(), "nothing at the call: {:?}", out.segments());
    assert_eq!((c.recv_available(), c.rcv_wnd() as usize), (0, full.len()));
    let probe = TcpRepr { seq: PEER_ISS + 1 + full.len() as u32, ..data };
    let out = deliver(&mut c, AT, probe, b"y");
    assert_eq!(rejection(&out), (DropReason::DiscardedAfterShutdownRead, Reply::Ack));
    assert_eq!(out.sent.len(), 1);
    let ack = out.sent[0].repr;
    assert_eq!(ack.ack, PEER_ISS + 2 + full.len() as u32, "RCV.NXT moved past the byte");
    assert!(ack.window > 0, "the window is open");
    assert_eq!((c.recv_available(), c.recv(AT, &mut [0; 4])), (0, Ok(0)));
}
