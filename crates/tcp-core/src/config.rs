//! Every timer and limit of a connection, and the named profiles a reader can pick.

use crate::time::{Duration, Instant};
use core::fmt;

/// A named set of defaults. Each profile's values and their sources are documented on the
/// constructor that builds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Profile {
    /// The specification: RFC 9293 with RFC 6298 timers and RFC 1122 delayed ACKs.
    Rfc9293,
    /// What a Linux 6.x kernel does with its default sysctls.
    Linux,
    /// FreeBSD 14 defaults.
    Freebsd,
    /// Windows 10/11 and Server defaults.
    Windows,
    /// RFC 793 (1981) before RFC 5961: what a blind reset or SYN could do to a connection.
    Rfc793,
}

impl Profile {
    /// Every profile, in declaration order (the specification first, its predecessor last).
    pub const ALL: [Profile; 5] =
        [Profile::Rfc9293, Profile::Linux, Profile::Freebsd, Profile::Windows, Profile::Rfc793];

    /// The lowercase name used in scenario files and URLs.
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Rfc9293 => "rfc9293",
            Profile::Linux => "linux",
            Profile::Freebsd => "freebsd",
            Profile::Windows => "windows",
            Profile::Rfc793 => "rfc793",
        }
    }

    /// Parses [`Profile::name`].
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The configuration this profile stands for.
    pub const fn config(self) -> Config {
        match self {
            Profile::Rfc9293 => Config::rfc9293(),
            Profile::Linux => Config::linux(),
            Profile::Freebsd => Config::freebsd(),
            Profile::Windows => Config::windows(),
            Profile::Rfc793 => Config::rfc793(),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The send and receive buffers of the profiles that do not model their stack's own (rfc9293,
/// rfc793, windows): 4 KiB, small enough that an experiment fills a window with a few segments.
/// Windows' receive window starts at 64 KiB and autotuning grows it; not modelled, so its windows
/// read smaller than a real capture's (Windows 10 and 11 SYNs are commonly seen offering 64240,
/// 44 segments of 1460, with scale 8, but no Microsoft document found states the buffers behind
/// them, so the windows profile keeps these 4 KiB).
pub const SMALL_BUFFER: u32 = 4096;

/// The receive space of the linux profile: what Linux 6.18's default receive buffer
/// (`net.ipv4.tcp_rmem[1]`, 131072 bytes) lets a window offer, half of it
/// (`tcp_win_from_space` with the default `scaling_ratio`, `TCP_DEFAULT_SCALING_RATIO`, 50 %).
/// The window it offers grows later as autotuning raises the buffer; not modelled.
pub const LINUX_RECV_SPACE: u32 = 65_536;

/// The largest buffer a [`Config`] may ask for: the largest window TCP can announce, 2^30 bytes
/// (RFC 7323 §2.3, a shift of 14 on a 16-bit field).
pub const MAX_BUFFER: u32 = 1 << 30;

/// Every timer and limit of a connection (and of a listener).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The profile these values started from.
    pub profile: Profile,
    /// RTO before any RTT sample (RFC 6298 (2.1)).
    pub initial_rto: Duration,
    /// Lower bound of the RTO (RFC 6298 (2.4)).
    pub rto_min: Duration,
    /// Upper bound of the RTO after backoff (RFC 6298 (2.5)).
    pub rto_max: Duration,
    /// Clock granularity G in `RTO = SRTT + max(G, 4·RTTVAR)` (RFC 6298 (2.3)).
    pub clock_granularity: Duration,
    /// Added to the RTO each time it is computed from an RTT sample or backed off after a timeout,
    /// never to the initial RTO: FreeBSD's `net.inet.tcp.rexmit_slop` (200 ms). Its `TCPT_RANGESET`
    /// (`tcp_timer.h`) adds `tcp_rexmit_slop` before bounding the value, and sets `t_rxtcur` in
    /// `tcp_timer_rexmt` (backoff) and `tcp_xmit_timer` (a sample), while `tcp_newtcpcb` starts
    /// from `rexmit_initial` alone: the suite's `snd-syn` scripts resend the SYN after 1 s, then
    /// 2.2 s later. The slop is not doubled by the next backoff. Zero: RFC 6298, and Linux
    /// (`__tcp_set_rto`) and Windows add nothing (Windows assumed).
    pub rto_slop: Duration,
    /// RTO once established if the SYN had to be retransmitted and no RTT sample was taken
    /// (RFC 6298 (5.7): 3 s). `None`: keep the backed-off value.
    pub syn_fallback_rto: Option<Duration>,
    /// SYN retransmissions before `connect()` fails with "timed out" (after the linear ones).
    pub syn_retries: u8,
    /// A time limit on an active open, from `connect()`: if the connection is not ESTABLISHED
    /// by then, it gives up with ETIMEDOUT whatever `syn_retries` still allows (and sends a reset
    /// if it had the peer's SYN: a simultaneous open in SYN-RECEIVED, as `tcp_drop` does). BSD's
    /// connection-establishment timer: FreeBSD `net.inet.tcp.keepinit`, 75 s (`TCPTV_KEEP_INIT`,
    /// `tcp_timer.h`; the socket option `TCP_KEEPINIT`), armed by `tcp_connect` and fired by
    /// `tcp_timer_keep` before ESTABLISHED. `None`: only the retry count limits the open (RFC
    /// 9293, whose R2 for a SYN is "at least 3 minutes" of retransmissions (RFC 1122 §4.2.3.5),
    /// Linux, Windows).
    pub establishment_timeout: Option<Duration>,
    /// SYN retransmissions that keep the initial RTO instead of doubling it, before the backoff
    /// doubles (Linux `tcp_syn_linear_timeouts`, 4 since Linux 6.5): they come on top of
    /// `syn_retries`, as `tcp_write_timeout` adds them to its limit in SYN-SENT. 0: RFC 6298's
    /// doubling from the first retransmission.
    pub syn_linear_timeouts: u8,
    /// SYN-ACK retransmissions before a half-open connection is dropped.
    pub synack_retries: u8,
    /// Retransmissions of data or FIN before an established connection is dropped.
    pub data_retries: u8,
    /// Maximum segment lifetime; TIME-WAIT lasts 2·MSL (RFC 9293 §3.4.2).
    pub msl: Duration,
    /// How long a closed (not merely shut down) socket waits in FIN-WAIT-2 for the peer's FIN.
    /// `None`: forever, as RFC 9293 allows.
    pub fin_wait_2_timeout: Option<Duration>,
    /// Timers fire on the ticks of a Linux timer wheel of this tick (a jiffy), never early and
    /// late by up to one of its buckets, which are coarser the further away a deadline is
    /// ([`crate::time::wheel_deadline`]). `None`: every timer fires at its deadline exactly, the
    /// RFCs' model. Linux: 4 ms, `HZ` = 250 (Debian's and most distributions' `CONFIG_HZ_250`),
    /// which is what the captures of Linux 6.18 show: a 40 ms delayed ACK sent 43.5 and 44.0 ms
    /// after the segment (a short timer fires within a tick of its deadline: at most 4 ms at
    /// 250 Hz, 1 ms at 1000 Hz), a 200 ms RTO after 204 ms, and a 1 s SYN RTO 19–32 ms late
    /// (250 ticks sit in level 1, whose buckets are 8 ticks, 32 ms, wide).
    pub timer_wheel_tick: Option<Duration>,
    /// Delayed-ACK timeout (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2). `None`: ACK every segment at once.
    pub delayed_ack: Option<Duration>,
    /// While the connection has received no data yet (only a FIN, say), a delayed ACK waits 0,
    /// not [`Config::delayed_ack`]. Linux's `icsk_ack.ato` is 0 until the first data arrives
    /// (`tcp_event_data_recv` then sets `TCP_ATO_MIN`), so `tcp_send_delayed_ack` arms its timer
    /// for `jiffies + 0`, which the timer wheel puts in the next tick
    /// ([`Config::timer_wheel_tick`]): a bare FIN on a connection that has carried no data is
    /// ACKed within a tick of `HZ` = 250 on Linux 6.18 (about 2 ms in the captures' README; 0.7
    /// and 1.5 ms in `tests/captures/fin_ack_tick.pcap`), not 40 ms later; an application that
    /// closes at once still puts its FIN on that ACK. Without a timer wheel the ACK goes at once.
    pub ack_delay_zero_before_data: bool,
    /// Data segments acknowledged at once at the start of a connection (Linux quick-ACK mode,
    /// `TCP_MAX_QUICKACKS`); 0 disables quick-ACK mode.
    pub quick_acks: u8,
    /// Linux "pingpong" mode: a host that answers data within the delayed-ACK timeout, or that
    /// received a FIN, is interactive and delays its ACKs so they ride on its next segment. This is
    /// what turns a four-way close into three segments.
    pub interactive_acks: bool,
    /// Acknowledge a FIN at once (RFC 9293 §3.10.7.4, eighth step: "send an acknowledgment for the
    /// FIN"). Linux instead lets the delayed-ACK timer or the application's own FIN carry it.
    pub ack_fin_at_once: bool,
    /// Answer a retransmitted SYN in SYN-RECEIVED with a retransmitted SYN-ACK (Linux, BSD,
    /// Windows). RFC 9293 read literally answers it with a bare ACK (the segment is not acceptable).
    pub resend_synack_on_dup_syn: bool,
    /// Keep the text that arrives on the peer's SYN in SYN-SENT (RFC 9293 §3.10.7.3, fourth step:
    /// "it is legal to send and receive application data on SYN segments"). On a SYN-ACK the RFC
    /// continues "at the sixth step", so the text is taken and acknowledged by the handshake's
    /// ACK; on a bare SYN (simultaneous open) it is queued "for processing after the ESTABLISHED
    /// state has been reached": held unacknowledged and unread until our SYN is acknowledged, then
    /// delivered and acknowledged as any text. FreeBSD does both (its suite's `rcv-syn-syn-sent`
    /// and `rcv-syn-ack-syn-sent` READMEs, Note 2: "buffered and delivered after the handshake is
    /// complete"). Linux discards the text of both without TCP Fast Open
    /// (`tcp_rcv_synsent_state_process`: "discard packet for sanity"), so the peer sends it again.
    pub accept_syn_data: bool,
    /// What `shutdown(SHUT_RD)` ([`crate::Connection::shutdown_read`]) does to data unread at the
    /// call and to data that arrives after it; see [`ReadShutdown`] for each stack and its source.
    /// Nothing goes on the wire at the call unless data waits unread and the stack resets. Linux
    /// keeps receiving ([`ReadShutdown::Keep`]), and so do the rfc9293 and rfc793 profiles: RFC
    /// 9293 has no receive-side shutdown (its CLOSE shuts the sending side), so they take the rule
    /// that changes least on the wire. FreeBSD throws the data away ([`ReadShutdown::Discard`]);
    /// Windows resets ([`ReadShutdown::Reset`]).
    pub read_shutdown: ReadShutdown,
    /// What a segment carrying both SYN and FIN gets where a SYN opens a connection (LISTEN and
    /// SYN-SENT): see [`SynFin`].
    pub syn_fin: SynFin,
    /// Answer a SYN-ACK that reaches a listener with `<SEQ=SEG.ACK><CTL=RST>`, as RFC 9293
    /// §3.10.7.2 answers any acknowledgment in LISTEN ("second, check for an ACK"), and Linux
    /// does (`tcp_rcv_state_process` returns 1 for an ACK in `TCP_LISTEN`, and `tcp_v4_do_rcv`
    /// resets). Off: ignore it, as FreeBSD does per its suite (`rcv-syn-ack-{with,without}-data-listen`
    /// list no segment after the SYN-ACK and are marked passed on FreeBSD Head; their README's
    /// description still speaks of a RST, and the part of `tcp_input` that drops it is assumed,
    /// not read). A bare ACK is answered with a reset either way.
    pub reset_synack_in_listen: bool,
    /// When the application closes a listener, abort its half-open (SYN-RECEIVED) connections
    /// with a reset, as ABORT does in SYN-RECEIVED (RFC 9293 §3.10.5; the RFC's LISTEN has no
    /// queues, §3.10.4). Off: discard them without a segment. FreeBSD does (its suite's scripts
    /// that end with `close()` on a listener holding a SYN-RECEIVED entry, `rcv-syn-listen-*` and
    /// others, list nothing after it; which function drops the syncache entries is assumed), and
    /// Linux, as we read `inet_csk_listen_stop`: it resets only the children in the accept queue,
    /// and a request socket whose listener closed is dropped when its timer fires
    /// (`reqsk_timer_handler`) or a segment finds it. Connections established and waiting for
    /// `accept()` are reset either way.
    pub reset_half_open_on_close: bool,
    /// Set the ACK bit on the RST of an abort (Linux `tcp_send_active_reset`). RFC 9293 §3.10.5
    /// sends `<SEQ=SND.NXT><CTL=RST>`.
    pub abort_rst_has_ack: bool,
    /// A RST the connection sends of its own (an abort, RFC 793's answer to a SYN) offers a
    /// window of 0: FreeBSD `tcp_output` ("If a RST segment is sent, advertise a window of
    /// zero"), as the suite's scripts expect (`R. 1:1(0) ack 1 win 0`). Off: the receive window,
    /// as on any segment (Linux `tcp_transmit_skb` computes it for a RST too). A RST answering a
    /// segment without a connection has window 0 either way (RFC 9293 §3.10.7.1).
    pub rst_window_zero: bool,
    /// MSS advertised in our SYN (RFC 9293 §3.7.1).
    pub mss: u16,
    /// Bytes the receive buffer holds (`SO_RCVBUF`): the most the receive window offers. RFC 9293
    /// sets no size. Without tcp-core's `alloc` feature a buffer holds at most
    /// [`crate::conn::INLINE_BUFFER`] bytes, whatever this says.
    pub recv_buffer: u32,
    /// Bytes the application may have queued for sending and not yet acknowledged (`SO_SNDBUF`).
    pub send_buffer: u32,
    /// Round both buffers up to a whole number of segments of the MSS in use once it is known:
    /// FreeBSD `tcp_mss` ("Make the socket buffers an integral number of mss units"), on the
    /// peer's SYN in SYN-SENT, and for a passive open when the handshake's last ACK makes its
    /// socket (after the SYN-ACK offered the window as it was). A 65,536-byte `recvspace` becomes
    /// 65,700 with an MSS of 1460, as the suite's scripts read with `getsockopt(SO_RCVBUF)`. A
    /// buffer smaller than the MSS is left as it is (FreeBSD lowers the MSS instead: not modelled).
    pub buffers_in_mss_units: bool,
    /// Offer windows as Linux shapes them (`net/ipv4/tcp_output.c`): the SYN's window is the
    /// receive space rounded down to a whole number of segments (`tcp_select_initial_window`:
    /// "Quantize space offering to a multiple of mss"; the segment is our MSS, less the 12 bytes
    /// of the timestamp option for a passive open that negotiated them, `tcp_openreq_init_rwin`);
    /// later windows never offer more than that (`rcv_ssthresh` starts there; its growth as data
    /// arrives, `tcp_grow_window`, is not modelled). `__tcp_select_window` rounds a scaled window
    /// *up* to its unit ("Advertise enough space so that it won't get scaled away") while at
    /// least half the space is free, and down below half; `tcp_select_window` keeps what is left
    /// of the window offered, rounded up too. What that promises past the free space, less than a
    /// unit, the buffer takes (Linux's holds twice its window space), so it may hold that much
    /// more than [`Config::recv_buffer`]; no more, where Linux's would stop at its memory
    /// (`tcp_try_rmem_schedule`). Not modelled either: Linux's zero window below 1/16 of the space
    /// (a window is worth offering from min(half the buffer, a segment), as in every profile). With
    /// a 64 KiB space and an MSS of 1460: a SYN of 64240, a SYN-ACK of 65160, then window fields
    /// of 63 and 64 (× 1024); on loopback (MSS 65495) 65495, 65483, then 64 on every segment, as
    /// `../shared/captures/` shows. A receive buffer set below the default (`SO_RCVBUF`) also
    /// sets the window scale: 0 below 64 KiB, as Linux derives it from the locked buffer
    /// (`tests/captures/zero_window.pcap`).
    pub linux_windows: bool,
    /// Window scaling (RFC 7323 §2): `None` to not offer the option; otherwise the shift this
    /// stack announces, which real stacks derive from the most their receive buffer may grow to
    /// (Linux 6.18 10 for `tcp_rmem[2]` = 32 MiB, its default since 6.16, commit 572be9bf9d0d
    /// (`tcp: increase tcp_rmem[2] to 32 MB`), as `../shared/captures/` show; FreeBSD 6 for
    /// `kern.ipc.maxsockbuf` = 2 MiB): see [`announced_window_scale`].
    pub window_scale: Option<u8>,
    /// Offer SACK-permitted in our SYN (RFC 2018); SACK itself is not processed.
    pub sack_permitted: bool,
    /// Offer and use timestamps (RFC 7323 §3); they give RTT samples even for retransmissions.
    pub timestamps: bool,
    /// Accept a segment without data whose sequence number is exactly RCV.NXT+RCV.WND, the right
    /// edge of the receive window: a sender that filled the window sends its pure ACKs there.
    /// Linux `tcp_sequence` accepts `!after(seq, rcv_nxt + tcp_receive_window(tp))`; BSD
    /// `tcp_input` keeps a segment "at window edge" to process its ACK. RFC 9293 §3.10.7.4's test
    /// (`RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND`) rejects it, so two ends with full windows drop each
    /// other's ACKs and answer them (within `invalid_ack_limit`) until a retransmission repairs it.
    pub ack_at_window_edge: bool,
    /// Judge a segment against the free receive buffer wherever the connection has a socket of
    /// its own (from ESTABLISHED to LAST-ACK, and SYN-RECEIVED after a simultaneous open), even
    /// where it exceeds what the window field announced (65,535 without window scaling), and
    /// without the right-edge exception for a RST: FreeBSD `tcp_input` sets
    /// `rcv_wnd = imax(sbspace(&so->so_rcv), rcv_adv - rcv_nxt)` for every segment and handles a
    /// RST before the trimming that keeps a segment at the window's edge (its suite's
    /// `rcv-rst-established-right-edge` expects a challenge ACK at RCV.NXT+65699 with a
    /// 65,700-byte buffer, `-outside-right` nothing at RCV.NXT+65700). Its syncache and
    /// TIME-WAIT (`tcp_twcheck`) judge against the window last announced. Off: RCV.WND is the
    /// window announced (RFC 9293 §3.10.7.4; Linux `tcp_receive_window`).
    pub window_is_buffer_space: bool,
    /// A segment wholly to the left of the window (old, without SYN or RST) still has its
    /// acknowledgment processed before the ACK that answers it goes out: 4.4BSD and FreeBSD
    /// `tcp_input` ("Send an ACK to resynchronize and drop any data. But keep on processing for
    /// RST or ACK", Stevens vol. 2 p. 960), so an old segment that acknowledges our FIN in
    /// LAST-ACK closes the connection, silently (the suite's `rcv-{rst,syn}-{close-wait,last-ack}`
    /// scripts). Off: RFC 9293 §3.10.7.4's first check, which answers and drops it, as Linux
    /// does (`tcp_sequence`: an old sequence number gets a duplicate ACK and is discarded).
    pub old_segment_ack_processed: bool,
    /// While our FIN is unacknowledged (FIN-WAIT-1, CLOSING, LAST-ACK), an ACK this end sends
    /// repeats the FIN: BSD `tcp_output` sets FIN on every segment of those states
    /// (`tcp_outflags`) and steps back to the FIN's sequence number when it was sent already, so
    /// the ACK of the peer's FIN in a simultaneous close reads `F. 1:1(0) ack 2` (the suite's
    /// `rcv-{rst,syn}-closing` scripts). A challenge ACK (`tcp_respond`) does not. Off: a bare
    /// ACK at SND.NXT (RFC 9293 §3.10.7.4; Linux `tcp_send_ack`).
    pub fin_on_every_ack: bool,
    /// In TIME-WAIT, an acceptable segment other than a bare ACK at RCV.NXT (data, a FIN out of
    /// order, a pure ACK further on) is acknowledged at once: Linux `tcp_timewait_state_process`
    /// ("Out of window segment. All the segments are ACKed immediately", rate-limited) and
    /// FreeBSD `tcp_twcheck` ("Acknowledge the segment if it has data or is not a duplicate
    /// ACK"); the suite's `rcv-{ack,fin-ack}-time-wait-using-shutdown-middle`. Off: RFC 9293
    /// §3.10.7.4, whose TIME-WAIT answers only the retransmitted FIN and ignores the rest.
    pub time_wait_acks_segments: bool,
    /// In TIME-WAIT, any segment with ACK (and without RST) that opens no new incarnation
    /// restarts the 2·MSL timer: a bare ACK at RCV.NXT, or an unacceptable segment, which is
    /// also answered. Linux `tcp_timewait_state_process`: `inet_twsk_reschedule(tw,
    /// TCP_TIMEWAIT_LEN)` for an in-window bare ACK, and for an out-of-window segment "if
    /// (paws_reject || th->ack)". Off: only a retransmitted FIN restarts it (RFC 9293
    /// §3.10.7.4, TIME-WAIT: "Acknowledge it, and restart the 2 MSL timeout"; FreeBSD
    /// `tcp_twcheck` likewise).
    pub time_wait_restart_on_ack: bool,
    /// ECN negotiation in the handshake (RFC 3168 §6.1.1): whether this end asks for it in its
    /// SYN, accepts it when the peer's SYN asks, or neither. Only the handshake's flags are
    /// modelled (ECE and CWR on the SYN, ECE on the SYN-ACK); congestion marks are not.
    pub ecn: Ecn,
    /// Retransmitted SYNs that still carry the window scale, timestamp and SACK-permitted
    /// options; later ones carry the MSS alone, in case the path drops SYNs with options, and
    /// the connection then uses none of them. FreeBSD with `net.inet.tcp.rexmit_drop_options` =
    /// 1: `Some(2)` (`tcp_timer_rexmt` clears them at the third retransmission; the suite's
    /// `snd-syn-rtx-drop-options`). `None`: every SYN carries them (every profile's default).
    pub syn_options_retries: Option<u8>,
    /// The SYN and SYN-ACK carry no option at all, not even the MSS, and so the connection uses
    /// no window scale, timestamps or SACK (FreeBSD's `TCP_NOOPT` socket option; the suite's
    /// `snd-syn-without-options`). Off in every profile.
    pub no_options: bool,
    /// The SYN announces [`Config::window_scale`] as it is (RFC 7323 §2.3 caps it at 14),
    /// derived from the largest buffer the socket may have, as FreeBSD derives it from `sb_max`
    /// alone (`kern.ipc.maxsockbuf`; the suite's `snd-syn-with-max-ws` expects 14), even where
    /// the buffer it has now then reads as a few units in a window field. Off: lowered so that
    /// the buffer reads as at least 16 units ([`announced_window_scale`]).
    pub window_scale_as_configured: bool,
    /// How many ACKs a connection may send in answer to unacceptable segments (out of window,
    /// acknowledging unsent or too old data, and RFC 5961 challenge ACKs for a RST or SYN).
    /// RFC 9293 §3.10.7.4 alone answers every one ("an acknowledgment should be sent in reply"),
    /// so two ends that disagree about the window answer each other's ACKs forever; RFC 5961 §7
    /// asks for a throttle ("ACK Throttling"), which RFC 9293 points to (Errata ID 4772). An
    /// unacceptable segment that occupies sequence space (data or a FIN, and no SYN) is always
    /// answered, as in Linux `tcp_oow_rate_limited` ("Data packets without SYNs are not likely
    /// part of an ACK loop": it tests `end_seq != seq`, and a FIN counts in `end_seq`).
    /// `None`: no limit.
    pub invalid_ack_limit: Option<RateLimit>,
    /// TIME-WAIT limits its answers on a count of its own, as Linux's TIME-WAIT socket does:
    /// `tcp_time_wait` (`net/ipv4/tcp_minisocks.c`) builds it with `tw_last_oow_ack_time = 0`,
    /// and `tcp_timewait_check_oow_rate_limit` limits every answer TIME-WAIT sends by that alone
    /// (within [`Config::invalid_ack_limit`]), so an answer the connection sent just before does
    /// not silence TIME-WAIT's first, and what [`Config::time_wait_acks_segments`] acknowledges
    /// counts too (a pure ACK beyond RCV.NXT; data and a FIN are always answered, as everywhere).
    /// Off: one count for the connection's whole life (RFC 5961 §7 speaks of a connection;
    /// FreeBSD 14's TIME-WAIT keeps the connection's `tcpcb`), and what `time_wait_acks_segments`
    /// acknowledges is answered every time (FreeBSD's `tcp_twcheck` has no limit).
    pub time_wait_answers_counted_anew: bool,
    /// Half-open connections a listener keeps (its SYN queue).
    pub syn_backlog: u16,
    /// Established connections waiting for `accept()` (the `listen()` backlog): how many the
    /// queue really holds for it is [`Config::accept_queue_size`]'s.
    pub accept_backlog: u16,
    /// How many connections the accept queue holds for that backlog before it is full.
    pub accept_queue_size: AcceptQueueSize,
    /// A SYN that reaches a listener whose accept queue is full is dropped without an answer:
    /// Linux (`tcp_conn_request`: `sk_acceptq_is_full` drops it, counted as `ListenOverflows`),
    /// and assumed for the RFC profiles and windows. Off: FreeBSD, whose syncache answers the SYN
    /// and judges the queue only when the handshake's last ACK would make the socket
    /// (`sonewconn`, then [`Config::abort_on_overflow`]).
    pub accept_queue_full_drops_syn: bool,
    /// What a listener does with the ACK that would complete a handshake while its accept queue
    /// is full: `false` drops it and keeps the half-open connection, whose SYN-ACK is sent again
    /// (Linux `tcp_check_req` with `net.ipv4.tcp_abort_on_overflow` = 0, the default); `true`
    /// answers with a reset and forgets it (Linux with the sysctl at 1; FreeBSD
    /// `net.inet.tcp.syncache.rst_on_sock_fail` = 1, the default).
    pub abort_on_overflow: bool,
    /// An acceptable RST in TIME-WAIT is ignored (RFC 1337's protection against TIME-WAIT
    /// assassination; FreeBSD `tcp_twcheck` drops every RST there) instead of closing the
    /// connection early as RFC 9293 §3.10.7.4 reads (Linux with `net.ipv4.tcp_rfc1337` = 0,
    /// the default).
    pub ignore_rst_in_time_wait: bool,
    /// RFC 793's RST rule: a RST anywhere in the receive window resets the connection ("A reset
    /// is valid if its sequence number is in the window", RFC 793 §3.4). RFC 5961 §3.2, which
    /// RFC 9293 adopts, resets only on a RST at exactly RCV.NXT and answers any other in-window
    /// RST with a challenge ACK, so that a blind attacker must guess one number, not any of a
    /// window's. On only in the rfc793 profile; FreeBSD `net.inet.tcp.insecure_rst=1`.
    pub rst_anywhere_in_window: bool,
    /// RFC 793's SYN rule: a SYN in the window of a synchronized connection "is an error, send a
    /// reset" and the connection closes (RFC 793 §3.9, SEGMENT ARRIVES, fourth check). RFC 5961
    /// §4 answers it with a challenge ACK instead. On only in the rfc793 profile; FreeBSD
    /// `net.inet.tcp.insecure_syn=1`, which leaves TIME-WAIT to its own rule (`tcp_twcheck`,
    /// [`Config::time_wait_syn`]), as this field does.
    pub syn_in_window_resets: bool,
    /// A SYN (without RST) on a synchronized connection other than in TIME-WAIT gets RFC 5961
    /// §4.2's challenge ACK whatever its sequence number, before the window is looked at: Linux
    /// (`tcp_validate_incoming`: a SYN that fails `tcp_sequence` goes to `syn_challenge`, as does
    /// one that passes it) and FreeBSD (`tcp_do_segment` checks the SYN bit before it trims the
    /// segment to the window). Off: RFC 9293's order, where the first check answers a SYN
    /// outside the window with a plain ACK. The segment on the wire is the same ACK; what
    /// differs is why (a retransmitted SYN-ACK reaching an established client is a challenged
    /// SYN on Linux, counted as `TCPChallengeACK`, and an out-of-window segment in RFC 9293).
    pub syn_challenged_before_window: bool,
    /// Which SYN arriving in TIME-WAIT opens the connection again, and how another is answered
    /// (RFC 9293 §3.10.7.4 with RFC 6191; RFC 1122 §4.2.2.13).
    pub time_wait_syn: TimeWaitSyn,
    /// Answer SYNs with SYN cookies (RFC 4987 §3.6) when the SYN queue is full.
    pub syn_cookies: bool,
    /// A deliberately broken handshake: a listener becomes ESTABLISHED as soon as it receives a
    /// SYN. Only for showing why TCP needs three segments.
    pub two_way_handshake: bool,
    /// Keep-alive (`SO_KEEPALIVE`, RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): probe a connection that
    /// received nothing for [`Config::keepalive_idle`]. Off in every profile: RFC 1122 says keep-alives
    /// "MUST default to off" and "the application MUST be able to turn them on or off for each
    /// TCP connection" ([`crate::Connection::set_keepalive`]). They run in ESTABLISHED and
    /// CLOSE-WAIT while nothing is unacknowledged or waiting to be sent: with data in flight the
    /// retransmission timer decides (Linux `tcp_keepalive_timer`: "It is alive without keepalive"
    /// when `packets_out` or the write queue is not empty). Linux also probes in FIN-WAIT-2 after
    /// `shutdown()`, and FreeBSD in FIN-WAIT-1 and CLOSING while its FIN is retransmitted; neither
    /// is modelled.
    pub keepalive: bool,
    /// Time without any segment from the peer before the first probe (Linux `TCP_KEEPIDLE`,
    /// FreeBSD `TCP_KEEPIDLE`, Windows `KeepAliveTime`). RFC 1122 §4.2.3.6: "MUST default to no
    /// less than two hours".
    pub keepalive_idle: Duration,
    /// Time between unanswered probes (`TCP_KEEPINTVL`, Windows `KeepAliveInterval`).
    pub keepalive_interval: Duration,
    /// Unanswered probes after which the connection is dropped with ETIMEDOUT, one interval
    /// after the last (`TCP_KEEPCNT`): at least 1.
    pub keepalive_probes: u8,
    /// The probe carries one garbage octet at SND.NXT−1 (RFC 1122 §4.2.3.6: a keep-alive "MAY be
    /// configurable to send a keep-alive segment containing one garbage octet, for compatibility
    /// with erroneous TCP implementations"); otherwise it has no data, as the RFC's "SHOULD" says.
    /// Either way its sequence number is SND.NXT−1, outside the peer's window, so the peer
    /// answers with an ACK (or a RST if it lost the connection).
    pub keepalive_probe_byte: bool,
    /// Send a reset when the last probe went unanswered, before reporting ETIMEDOUT (Linux
    /// `tcp_keepalive_timer` calls `tcp_send_active_reset`; FreeBSD `tcp_timer_keep` drops the
    /// connection with `tcp_drop`, whose `tcp_output` in CLOSED sends RST, ACK). The reset
    /// carries the ACK bit as [`Config::abort_rst_has_ack`] says.
    pub keepalive_timeout_rst: bool,
}

impl Config {
    /// RFC 9293 as written: RTO 1 s initially and at least 1 s (RFC 6298 (2.1), (2.4)), at most
    /// 60 s ((2.5) allows any maximum of at least 60 s), G = 1 ms, the 3 s fallback after a lost SYN
    /// ((5.7)); MSL 2 minutes (RFC 9293 §3.4.2), so TIME-WAIT lasts 4 minutes; delayed ACK 200 ms,
    /// under RFC 1122's 500 ms limit; 7 SYN retries (1+2+4+8+16+32+60+60 s exceeds RFC 1122
    /// §4.2.3.5's 3 minutes for R2 on a SYN); 15 data retries as a common R2 (≥ 100 s). Answers
    /// to unacceptable segments follow RFC 5961 §7's example throttle, at most 10 in any 5 s
    /// (RFC 9293 §3.10.7.4 alone would answer every one, without end). Text on a SYN in SYN-SENT
    /// is kept (§3.10.7.3), and a SYN with FIN is processed as a SYN. Keep-alive, when turned on: 2 hours idle (RFC 1122 §4.2.3.6's
    /// least default), probes without data (its "SHOULD"), and, as neither RFC gives an interval
    /// or a count, BSD's historical 75 s and 8 (4.4BSD `tcp_timer.h`: `TCPTV_KEEPINTVL`,
    /// `TCPTV_KEEPCNT`); the TCB is deleted without a reset. The RFC sets no buffer sizes: 4 KiB
    /// each ([`SMALL_BUFFER`]).
    pub const fn rfc9293() -> Config {
        Config {
            profile: Profile::Rfc9293,
            initial_rto: Duration::from_secs(1),
            rto_min: Duration::from_secs(1),
            rto_max: Duration::from_secs(60),
            clock_granularity: Duration::from_millis(1),
            rto_slop: Duration::ZERO,
            syn_fallback_rto: Some(Duration::from_secs(3)),
            syn_retries: 7,
            establishment_timeout: None,
            syn_linear_timeouts: 0,
            synack_retries: 7,
            data_retries: 15,
            msl: Duration::from_secs(120),
            fin_wait_2_timeout: None,
            timer_wheel_tick: None,
            delayed_ack: Some(Duration::from_millis(200)),
            ack_delay_zero_before_data: false,
            quick_acks: 0,
            interactive_acks: false,
            ack_fin_at_once: true,
            resend_synack_on_dup_syn: false,
            accept_syn_data: true,
            read_shutdown: ReadShutdown::Keep,
            syn_fin: SynFin::Process,
            reset_synack_in_listen: true,
            reset_half_open_on_close: true,
            abort_rst_has_ack: false,
            rst_window_zero: false,
            mss: 1460,
            recv_buffer: SMALL_BUFFER,
            send_buffer: SMALL_BUFFER,
            buffers_in_mss_units: false,
            linux_windows: false,
            window_scale: None,
            sack_permitted: false,
            timestamps: false,
            ack_at_window_edge: false,
            window_is_buffer_space: false,
            old_segment_ack_processed: false,
            fin_on_every_ack: false,
            time_wait_acks_segments: false,
            time_wait_restart_on_ack: false,
            ecn: Ecn::Off,
            syn_options_retries: None,
            no_options: false,
            window_scale_as_configured: false,
            invalid_ack_limit: Some(RateLimit::RFC5961_EXAMPLE),
            time_wait_answers_counted_anew: false,
            syn_backlog: 16,
            accept_backlog: 16,
            accept_queue_size: AcceptQueueSize::Backlog,
            accept_queue_full_drops_syn: true,
            abort_on_overflow: false,
            ignore_rst_in_time_wait: false,
            rst_anywhere_in_window: false,
            syn_in_window_resets: false,
            syn_challenged_before_window: false,
            time_wait_syn: TimeWaitSyn::Rfc6191,
            syn_cookies: false,
            two_way_handshake: false,
            keepalive: false,
            keepalive_idle: Duration::from_secs(7200),
            keepalive_interval: Duration::from_secs(75),
            keepalive_probes: 8,
            keepalive_probe_byte: false,
            keepalive_timeout_rst: false,
        }
    }

    /// RFC 793 (1981) as written, before RFC 5961 (2010) hardened it against blind in-window
    /// attacks: a RST anywhere in the receive window resets the connection (§3.4, "Reset
    /// Processing"), and so does a SYN in the window of a synchronized connection (§3.9,
    /// SEGMENT ARRIVES, "fourth, check the SYN bit": "send a reset"). An attacker who cannot see
    /// the traffic then needs only a sequence number somewhere in the window, not the exact
    /// RCV.NXT. Everything else as [`Config::rfc9293`] (FreeBSD's `insecure_rst=1` and
    /// `insecure_syn=1` give the same two rules).
    pub const fn rfc793() -> Config {
        Config {
            profile: Profile::Rfc793,
            rst_anywhere_in_window: true,
            syn_in_window_resets: true,
            syn_challenged_before_window: false,
            ..Config::rfc9293()
        }
    }

    /// Linux 6.x defaults (`include/net/tcp.h` and `net.ipv4.*` sysctls): `TCP_TIMEOUT_INIT` 1 s,
    /// `TCP_RTO_MIN` 200 ms (Linux floors the variance term at it, hence G = 200 ms),
    /// `TCP_RTO_MAX` 120 s, `tcp_syn_retries` 6 and `tcp_syn_linear_timeouts` 4 (timeouts of 1, 1, 1,
    /// 1, 1, 2, 4, 8, 16, 32 and 64 s; on the timer wheel of [`Config::timer_wheel_tick`], 4 ms
    /// ticks, SYNs at 0, 1.024, 2.048, 3.072, 4.096, 5.12, 7.136, 11.264, 19.456, 35.584 and
    /// 69.632 s and failure at 135.168 s: a real 6.18 kernel's capture,
    /// `tests/captures/syn_timeout.pcap`, has the same gaps to a tenth of a millisecond), `tcp_synack_retries` 5, `tcp_retries2` 15, `TCP_TIMEWAIT_LEN` 60 s (MSL 30 s),
    /// `tcp_fin_timeout` 60 s, delayed ACK `TCP_DELACK_MIN` 40 ms (a tick, 2 ms, before any data has
    /// arrived: [`Config::ack_delay_zero_before_data`]), `TCP_MAX_QUICKACKS` 16,
    /// pingpong (interactive) mode, timestamps, SACK and window scale offered (10, what
    /// `ilog2(tcp_rmem[2] = 32 MiB) - 15` gives: the captures' SYNs say `wscale 10`), SYN cookies
    /// on. Answers to unacceptable segments:
    /// at most one per 500 ms per socket (`tcp_invalid_ratelimit`, `HZ/2`, through
    /// `tcp_oow_rate_limited` for out-of-window segments and `tcp_send_challenge_ack` for RFC 5961
    /// challenges), counted anew by the TIME-WAIT socket ([`Config::time_wait_answers_counted_anew`]);
    /// the host-wide `tcp_challenge_ack_limit` is `INT_MAX` (off) since Linux 6.0
    /// ("tcp: make global challenge ack rate limitation per net-ns and default disabled").
    /// Text on a SYN or SYN-ACK in SYN-SENT is discarded (`tcp_rcv_synsent_state_process`); a SYN
    /// with FIN to a listener is dropped and a SYN-ACK to a listener reset
    /// (`tcp_rcv_state_process`); closing a listener resets none of its half-open connections
    /// (`inet_csk_listen_stop`, as we read it).
    /// Keep-alive (`Documentation/networking/ip-sysctl.rst`, `include/net/tcp.h`):
    /// `tcp_keepalive_time` 7200 s, `tcp_keepalive_intvl` 75 s, `tcp_keepalive_probes` 9; the probe
    /// is `tcp_xmit_probe_skb`'s bare ACK at `snd_una - 1` ("Use a previous sequence. This should
    /// cause the other end to send an ack"), and the last unanswered one is followed by a reset
    /// (`tcp_send_active_reset`) and ETIMEDOUT (`tcp_write_err`). Buffers: the window space of
    /// the default receive buffer ([`LINUX_RECV_SPACE`]) shaped as Linux offers it
    /// ([`Config::linux_windows`]), and `tcp_wmem[1]` (16 KiB) to send, which Linux grows once
    /// the connection is up (`tcp_sndbuf_expand`, not modelled).
    pub const fn linux() -> Config {
        Config {
            profile: Profile::Linux,
            initial_rto: Duration::from_secs(1),
            rto_min: Duration::from_millis(200),
            rto_max: Duration::from_secs(120),
            clock_granularity: Duration::from_millis(200),
            rto_slop: Duration::ZERO,
            syn_fallback_rto: None,
            syn_retries: 6,
            establishment_timeout: None,
            syn_linear_timeouts: 4,
            synack_retries: 5,
            data_retries: 15,
            msl: Duration::from_secs(30),
            fin_wait_2_timeout: Some(Duration::from_secs(60)),
            timer_wheel_tick: Some(Duration::from_millis(4)),
            delayed_ack: Some(Duration::from_millis(40)),
            ack_delay_zero_before_data: true,
            quick_acks: 16,
            interactive_acks: true,
            ack_fin_at_once: false,
            resend_synack_on_dup_syn: true,
            accept_syn_data: false,
            read_shutdown: ReadShutdown::Keep,
            syn_fin: SynFin::DropInListen,
            reset_synack_in_listen: true,
            reset_half_open_on_close: false,
            abort_rst_has_ack: true,
            rst_window_zero: false,
            mss: 1460,
            // `tcp_rmem[1]` 131072 of which `tcp_win_from_space` offers half (the default
            // `scaling_ratio`, 50 %): 64 KiB of window; `tcp_wmem[1]`.
            recv_buffer: LINUX_RECV_SPACE,
            send_buffer: 16_384,
            buffers_in_mss_units: false,
            linux_windows: true,
            window_scale: Some(10),
            sack_permitted: true,
            timestamps: true,
            ack_at_window_edge: true,
            window_is_buffer_space: false,
            old_segment_ack_processed: false,
            fin_on_every_ack: false,
            time_wait_acks_segments: true,
            time_wait_restart_on_ack: true,
            ecn: Ecn::Accept,
            syn_options_retries: None,
            no_options: false,
            window_scale_as_configured: false,
            invalid_ack_limit: Some(RateLimit { count: 1, interval: Duration::from_millis(500) }),
            time_wait_answers_counted_anew: true,
            syn_backlog: 16,
            accept_backlog: 16,
            accept_queue_size: AcceptQueueSize::OneMore,
            accept_queue_full_drops_syn: true,
            abort_on_overflow: false,
            ignore_rst_in_time_wait: false,
            rst_anywhere_in_window: false,
            syn_in_window_resets: false,
            syn_challenged_before_window: true,
            time_wait_syn: TimeWaitSyn::Linux,
            syn_cookies: true,
            two_way_handshake: false,
            keepalive: false,
            keepalive_idle: Duration::from_secs(7200),
            keepalive_interval: Duration::from_secs(75),
            keepalive_probes: 9,
            keepalive_probe_byte: false,
            keepalive_timeout_rst: true,
        }
    }

    /// FreeBSD 14 defaults (`net.inet.tcp.*`): `msl` 30 s (TIME-WAIT 60 s), `rexmit_initial`
    /// 1 s, `rexmit_min` 30 ms, `rexmit_slop` 200 ms, `delacktime` 40 ms (`TCPTV_DELACK`), `finwait2_timeout` 60 s,
    /// timestamps, SACK and window scale offered (at most 6: 2 MiB `kern.ipc.maxsockbuf`). Its SYN
    /// backoff table is simplified here to doubling, up to `TCPTV_REXMTMAX` (64 s), with
    /// `TCP_MAXRXTSHIFT` (12) retries; `net.inet.tcp.keepinit` (75 s) ends an open that has not
    /// succeeded by then ([`Config::establishment_timeout`]). ACK-war prevention: at most
    /// `net.inet.tcp.ack_war_cnt` (5) answers to unacceptable segments in each
    /// `net.inet.tcp.ack_war_timewindow` (1000 ms) per connection (`tcp_send_challenge_ack` in
    /// `sys/netinet/tcp_subr.c`, "tcp: implement challenge ACK throttling for the base stack",
    /// D46066; the RACK stack's `ctf_ack_war_checks` uses the same sysctls). Text on a SYN or
    /// SYN-ACK in SYN-SENT is kept (the suite's `rcv-syn-syn-sent` README, Note 2). A SYN-ACK to a
    /// listener is ignored (the suite's `rcv-syn-ack-*-listen`), and closing a listener discards its
    /// half-open connections without a reset. Keep-alive
    /// (`sys/netinet/tcp_timer.h`, tcp(4)): `net.inet.tcp.keepidle` 7200000 ms
    /// (`TCPTV_KEEP_IDLE`), `keepintvl` 75000 ms (`TCPTV_KEEPINTVL`), `keepcnt` 8
    /// (`TCPTV_KEEPCNT`); `tcp_timer_keep` sends `tcp_respond(..., snd_una - 1, 0)`, a bare ACK
    /// from the connection's template, and drops the connection with ETIMEDOUT (`tcp_drop`, a
    /// reset) once `keepidle + keepcnt × keepintvl` passed without an answer. A real FreeBSD host
    /// probes every connection: `net.inet.tcp.always_keepalive` is 1 by default ("Assume
    /// SO_KEEPALIVE on all TCP connections", `tcp_timer.c`); this profile leaves keep-alive off,
    /// as RFC 1122 and the other profiles do, so that an experiment shows probes only where it
    /// turns them on (`keepalive: true` is FreeBSD's default). Its own RSTs offer a window of 0
    /// (`tcp_output`). Buffers: `net.inet.tcp.recvspace`
    /// 64 KiB and `sendspace` 32 KiB, rounded up to whole segments once the MSS is known
    /// (`tcp_mss`; [`Config::buffers_in_mss_units`]); autosizing (`recvbuf_auto`) is not modelled.
    pub const fn freebsd() -> Config {
        Config {
            profile: Profile::Freebsd,
            rto_min: Duration::from_millis(30),
            clock_granularity: Duration::from_millis(1),
            rto_slop: Duration::from_millis(200),
            msl: Duration::from_secs(30),
            delayed_ack: Some(Duration::from_millis(40)),
            // No ACK timeout of 0 before data: that is Linux's `ato`.
            ack_delay_zero_before_data: false,
            // FreeBSD's callouts are not a jiffy wheel (`callout_reset_sbt`, with a precision);
            // the suite's scripts expect its timers within their 4 ms tolerance.
            timer_wheel_tick: None,
            quick_acks: 0,
            interactive_acks: false,
            ack_fin_at_once: true,
            abort_rst_has_ack: true,
            rst_window_zero: true,
            accept_syn_data: true,
            read_shutdown: ReadShutdown::Discard,
            // `net.inet.tcp.drop_synfin` is 0 by default.
            syn_fin: SynFin::Process,
            reset_synack_in_listen: false,
            reset_half_open_on_close: false,
            // `net.inet.tcp.recvspace` and `sendspace` (`tcp_usrreq.c`: 64 KiB and 32 KiB).
            recv_buffer: 65_536,
            send_buffer: 32_768,
            buffers_in_mss_units: true,
            linux_windows: false,
            window_is_buffer_space: true,
            old_segment_ack_processed: true,
            fin_on_every_ack: true,
            time_wait_acks_segments: true,
            // `tcp_twcheck` restarts 2·MSL for a retransmitted FIN only.
            time_wait_restart_on_ack: false,
            ecn: Ecn::Accept,
            syn_options_retries: None,
            no_options: false,
            window_scale_as_configured: true,
            window_scale: Some(6),
            invalid_ack_limit: Some(RateLimit { count: 5, interval: Duration::from_millis(1000) }),
            time_wait_answers_counted_anew: false,
            // FreeBSD backs a SYN off from the first retry (its own table, simplified to doubling).
            syn_linear_timeouts: 0,
            keepalive_probes: 8,
            // `net.inet.tcp.syncache.rst_on_sock_fail` is 1 by default.
            abort_on_overflow: true,
            ignore_rst_in_time_wait: true,
            rst_anywhere_in_window: false,
            syn_in_window_resets: false,
            syn_challenged_before_window: true,
            time_wait_syn: TimeWaitSyn::Freebsd,
            // `TCPTV_REXMTMAX` (`tcp_timer.h`): the backed-off RTO never exceeds 64 s.
            rto_max: Duration::from_secs(64),
            // `TCP_MAXRXTSHIFT` (`tcp_timer.h`): 12 retransmissions; `keepinit` (75 s) usually
            // ends the open first (SYNs at 0, 1, 3.2, 7.4, 15.6, 31.8 and 64 s).
            syn_retries: 12,
            establishment_timeout: Some(Duration::from_secs(75)),
            // `sonewconn` refuses a new connection only once `sol_qlen > 3 * sol_qlimit / 2`.
            accept_queue_size: AcceptQueueSize::HalfAgain,
            accept_queue_full_drops_syn: false,
            ..Config::linux()
        }
    }

    /// Windows defaults (`Get-NetTCPSetting`, `TcpTimedWaitDelay`): TIME-WAIT 240 s (MSL 120 s),
    /// initial RTO 1 s, minimum RTO 300 ms, 2 SYN retries (connect fails after 1 + 2 + 4 s),
    /// delayed ACK 200 ms, window scale offered (at most 8), no timestamps; a pure ACK at the
    /// window's right edge is taken as Linux and BSD take it (assumed: not documented). Windows
    /// documents no
    /// limit on answers to unacceptable segments; this profile uses RFC 5961 §7's example, at most
    /// 10 in any 5 s. Text on a SYN in SYN-SENT is kept, a SYN with FIN processed and a SYN-ACK to a
    /// listener reset as RFC 9293 says, and closing a listener resets its half-open connections (all
    /// assumed: not documented).
    /// Keep-alive: `KeepAliveTime` 7,200,000 ms and `KeepAliveInterval` 1000 ms (Microsoft's "TCP
    /// Keep-Alive Messages": "simply an ACK with the sequence number set to one less than the
    /// current sequence number", repeated "once every KeepAliveInterval"), and 10 probes ("On
    /// Windows Vista and later, the number of keep-alive probes ... is set to 10 and cannot be
    /// changed", `SIO_KEEPALIVE_VALS`; `TCP_KEEPCNT`'s default). The probe carries one garbage
    /// octet, as Windows captures show it (Wireshark's keep-alive heuristic accepts 0 or 1 byte
    /// for this reason; Windows 2000's resource kit documents the switch, DHCP option 39 "TCP
    /// Keep-Alive Garbage", RFC 2132 §7.3): assumed, Microsoft does not document the default. No
    /// reset after the last probe (assumed: not documented). Buffers: 4 KiB each
    /// ([`SMALL_BUFFER`]).
    pub const fn windows() -> Config {
        Config {
            profile: Profile::Windows,
            initial_rto: Duration::from_secs(1),
            rto_min: Duration::from_millis(300),
            rto_max: Duration::from_secs(60),
            clock_granularity: Duration::from_millis(1),
            rto_slop: Duration::ZERO,
            syn_fallback_rto: None,
            syn_retries: 2,
            establishment_timeout: None,
            syn_linear_timeouts: 0,
            synack_retries: 2,
            data_retries: 5,
            msl: Duration::from_secs(120),
            fin_wait_2_timeout: Some(Duration::from_secs(120)),
            timer_wheel_tick: None,
            delayed_ack: Some(Duration::from_millis(200)),
            ack_delay_zero_before_data: false,
            quick_acks: 0,
            interactive_acks: false,
            ack_fin_at_once: true,
            resend_synack_on_dup_syn: true,
            accept_syn_data: true,
            read_shutdown: ReadShutdown::Reset,
            syn_fin: SynFin::Process,
            reset_synack_in_listen: true,
            reset_half_open_on_close: true,
            abort_rst_has_ack: true,
            rst_window_zero: false,
            mss: 1460,
            recv_buffer: SMALL_BUFFER,
            send_buffer: SMALL_BUFFER,
            buffers_in_mss_units: false,
            linux_windows: false,
            window_scale: Some(8),
            sack_permitted: true,
            timestamps: false,
            ack_at_window_edge: true,
            window_is_buffer_space: false,
            old_segment_ack_processed: false,
            fin_on_every_ack: false,
            time_wait_acks_segments: false,
            time_wait_restart_on_ack: false,
            ecn: Ecn::Off,
            syn_options_retries: None,
            no_options: false,
            window_scale_as_configured: false,
            invalid_ack_limit: Some(RateLimit::RFC5961_EXAMPLE),
            time_wait_answers_counted_anew: false,
            syn_backlog: 16,
            accept_backlog: 16,
            accept_queue_size: AcceptQueueSize::Backlog,
            accept_queue_full_drops_syn: true,
            abort_on_overflow: false,
            ignore_rst_in_time_wait: false,
            // Assumed: Windows' rule is not documented; RFC 1122 §4.2.2.13's, as Linux.
            rst_anywhere_in_window: false,
            syn_in_window_resets: false,
            syn_challenged_before_window: false,
            time_wait_syn: TimeWaitSyn::Linux,
            syn_cookies: true,
            two_way_handshake: false,
            keepalive: false,
            keepalive_idle: Duration::from_secs(7200),
            keepalive_interval: Duration::from_secs(1),
            keepalive_probes: 10,
            keepalive_probe_byte: true,
            keepalive_timeout_rst: false,
        }
    }

    /// TIME-WAIT duration: 2·MSL.
    pub fn time_wait(&self) -> Duration {
        self.msl * 2
    }

    /// When a timer armed at `now` to wait `timeout` fires: at `now + timeout`, or on the
    /// profile's timer wheel ([`Config::timer_wheel_tick`]).
    pub fn deadline(&self, now: Instant, timeout: Duration) -> Instant {
        match self.timer_wheel_tick {
            Some(tick) => crate::time::wheel_deadline(now, timeout, tick),
            None => now + timeout,
        }
    }

    /// Checks that the values make sense together; the reason names the field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.initial_rto.is_zero() {
            return Err(ConfigError { field: "initial_rto", reason: "must be greater than zero" });
        }
        if self.rto_min > self.rto_max {
            return Err(ConfigError { field: "rto_min", reason: "must not exceed rto_max" });
        }
        if self.rto_max.is_zero() {
            return Err(ConfigError { field: "rto_max", reason: "must be greater than zero" });
        }
        if self.timer_wheel_tick.is_some_and(|t| t.is_zero()) {
            return Err(ConfigError {
                field: "timer_wheel_tick",
                reason: "must be greater than zero (or None: exact timers)",
            });
        }
        if self.mss < 64 {
            return Err(ConfigError { field: "mss", reason: "must be at least 64 bytes" });
        }
        if self.recv_buffer == 0 || self.recv_buffer > MAX_BUFFER {
            return Err(ConfigError { field: "recv_buffer", reason: "must be 1 to 2^30 bytes" });
        }
        if self.send_buffer == 0 || self.send_buffer > MAX_BUFFER {
            return Err(ConfigError { field: "send_buffer", reason: "must be 1 to 2^30 bytes" });
        }
        if matches!(self.window_scale, Some(s) if s > 14) {
            return Err(ConfigError { field: "window_scale", reason: "must be at most 14 (RFC 7323 §2.3)" });
        }
        if let Some(limit) = self.invalid_ack_limit
            && (limit.count == 0 || limit.interval.is_zero())
        {
            return Err(ConfigError {
                field: "invalid_ack_limit",
                reason: "must allow at least one answer in a non-zero interval (or be None: no limit)",
            });
        }
        if self.syn_backlog == 0 {
            return Err(ConfigError { field: "syn_backlog", reason: "must be at least 1" });
        }
        if self.keepalive_idle.is_zero() {
            return Err(ConfigError { field: "keepalive_idle", reason: "must be greater than zero" });
        }
        if self.keepalive_interval.is_zero() {
            return Err(ConfigError { field: "keepalive_interval", reason: "must be greater than zero" });
        }
        if self.establishment_timeout.is_some_and(|t| t.is_zero()) {
            return Err(ConfigError {
                field: "establishment_timeout",
                reason: "must be greater than zero (or None: no limit)",
            });
        }
        if self.keepalive_probes == 0 {
            return Err(ConfigError { field: "keepalive_probes", reason: "must be at least 1" });
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::rfc9293()
    }
}

/// Which SYN arriving in TIME-WAIT opens a new incarnation of the connection (the old one
/// closes and the host's listener takes the SYN), and what any other gets
/// ([`Config::time_wait_syn`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeWaitSyn {
    /// RFC 9293 §3.10.7.4: "new connections can be accepted if the Timestamp Option is used and
    /// meets expectations" (RFC 6191): a SYN whose timestamp is newer than the last one received
    /// opens a new incarnation; any other SYN gets RFC 5961's challenge ACK.
    Rfc6191,
    /// Linux `tcp_timewait_state_process`: a SYN without ACK whose sequence number is above
    /// RCV.NXT, or whose timestamp is newer, opens a new incarnation whose ISS is the old SND.NXT
    /// plus 65537 (`tw_snd_nxt + 65535 + 2`), if a listener takes it (`tcp_v4_rcv`,
    /// `TCP_TW_SYN`); any other SYN gets the old connection's ACK (rate limited).
    Linux,
    /// FreeBSD `tcp_twcheck`: a SYN without ACK whose sequence number is above RCV.NXT opens a
    /// new incarnation; any other segment without ACK is dropped unanswered.
    Freebsd,
}

/// ECN in the handshake (RFC 3168 §6.1.1), [`Config::ecn`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ecn {
    /// Never: a SYN asking for it is answered without ECE (RFC 9293; Windows assumed, not known
    /// here).
    Off,
    /// Accepted when the peer's SYN asks (ECE and CWR), answered with ECE on the SYN-ACK, never
    /// asked for: Linux's default `tcp_ecn` = 2 and FreeBSD's `net.inet.tcp.ecn.enable` = 2.
    Accept,
    /// Asked for with ECE and CWR on the SYN and on its first `retries` retransmissions (FreeBSD's
    /// `net.inet.tcp.ecn.maxretries`, 1 by default: a path that drops such SYNs still connects),
    /// and accepted as in [`Ecn::Accept`]: `ecn.enable` = 1, Linux `tcp_ecn` = 1.
    Request {
        /// Retransmitted SYNs that still ask for it.
        retries: u8,
    },
}

/// What a stack does when the application shuts down its receiving direction with
/// `shutdown(SHUT_RD)` ([`Config::read_shutdown`], [`crate::Connection::shutdown_read`]). Linux
/// disconnects a socket that is still in SYN-SENT (`inet_shutdown`, any `how`): not modelled,
/// the open goes on with its read side shut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum ReadShutdown {
    /// Nothing changes on the wire: data already queued stays readable, and data that arrives
    /// later is accepted, queued and acknowledged as before, so the window shrinks as it piles
    /// up, and a close() with unread data still resets (RFC 1122 §4.2.2.13). read() returns what
    /// is queued, then 0. Linux: `inet_shutdown` (`net/ipv4/af_inet.c`) sets `sk->sk_shutdown |=
    /// RCV_SHUTDOWN`, `tcp_shutdown` (`net/ipv4/tcp.c`) acts only on `SEND_SHUTDOWN`, and
    /// `tcp_recvmsg` still returns what the receive queue holds, then 0 once it is empty. RFC 9293
    /// has no receive-side shutdown (its CLOSE closes the sending side, §3.10.4), so the rfc9293
    /// and rfc793 profiles take this, the rule that does least on the wire.
    Keep,
    /// Data unread at the call is thrown away, and data that arrives later is acknowledged (RCV.NXT
    /// advances, the ACK as for any data) and thrown away, so the window stays open. FreeBSD:
    /// `soshutdown` (`sys/kern/uipc_socket.c`) calls `sorflush`, which empties the receive buffer
    /// and marks it `SBS_CANTRCVMORE`; `tcp_do_segment` (`sys/netinet/tcp_input.c`) then frees
    /// arriving data (`m_freem`) instead of appending it, after advancing `rcv_nxt`. No segment
    /// goes out at the call, even where the window it reopens was zero. read() returns 0.
    Discard,
    /// Data unread at the call, or arriving later, resets the connection, since it can never be
    /// delivered. Windows: Microsoft's documentation of `shutdown` (winsock.h), `SD_RECEIVE`: "For
    /// TCP sockets, if there is still data queued on the socket waiting to be received, or data
    /// arrives subsequently, the connection is reset, since the data cannot be delivered to the
    /// user." The reset at the call is the connection's own, as ABORT's (RFC 9293 §3.10.5); the
    /// one that answers arriving data is built as after close() (RFC 1122 §4.2.2.13). recv() is
    /// refused from the call on ("subsequent calls to the recv function on the socket will be
    /// disallowed": WSAESHUTDOWN).
    Reset,
}

/// What a stack does with a segment that carries both SYN and FIN in LISTEN or SYN-SENT, the
/// states where a SYN opens a connection ([`Config::syn_fin`]). In the synchronized states a SYN
/// is answered as RFC 5961 §4 says whatever else it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SynFin {
    /// Process it as a SYN (RFC 9293 §3.10.7.2 and §3.10.7.3: the SYN opens the connection and
    /// "other control or text" is processed later; tcp-core does not process the FIN of a SYN).
    /// FreeBSD's default (`net.inet.tcp.drop_synfin` = 0; the suite's `rcv-syn-fin-listen` and
    /// `rcv-syn-fin-syn-sent` READMEs: a SYN-FIN "triggers the sending of a SYN-ACK").
    Process,
    /// Drop it silently in LISTEN, process it in SYN-SENT: Linux (`tcp_rcv_state_process`, in
    /// `TCP_LISTEN`: a SYN with FIN goes to `discard`, drop reason `TCP_FLAGS`; its
    /// `tcp_rcv_synsent_state_process` has no such test).
    DropInListen,
    /// Drop it silently in every state: FreeBSD with `net.inet.tcp.drop_synfin` = 1
    /// (`tcp_input`'s listen-socket path, "SYN|FIN segment ignored (based on sysctl setting)";
    /// in SYN-SENT since r316743, D9894, per the suite's `rcv-syn-fin-syn-sent` README, Note 3;
    /// in the synchronized states and TIME-WAIT, where it opens no new connection, as the
    /// suite's `rcv-syn-fin-*-dropping-enabled` and `rcv-syn-fin-time-wait-*-drop` scripts expect).
    Drop,
}

/// How many established connections a listener's accept queue holds for a `listen()` backlog
/// of `n` ([`Config::accept_queue_size`]): the queue is full, and a handshake's last ACK or a new
/// SYN meets a full queue, at that many.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AcceptQueueSize {
    /// `n`, as `listen()`'s backlog reads (RFC 9293 leaves it to the implementation), and one
    /// for a backlog of 0 (POSIX: a backlog of 0 "may allow the socket to accept connections",
    /// with an implementation-defined minimum).
    Backlog,
    /// `n + 1`: Linux's `sk_acceptq_is_full` tests `sk_ack_backlog > sk_max_ack_backlog`
    /// (`include/net/sock.h`, kept so since commit 64a146513f8f, "Revert incorrect accept queue
    /// backlog changes"), so `listen(fd, 1)` holds two connections, and `ss` shows a Recv-Q one
    /// above the Send-Q.
    OneMore,
    /// `3n / 2 + 1`: FreeBSD's `sonewconn` refuses only when `sol_qlen > 3 * sol_qlimit / 2`
    /// (listen(2): "the real maximum queue length will be 1.5 times more than the value
    /// specified"), the fudge factor Berkeley's stacks always had.
    HalfAgain,
}

impl AcceptQueueSize {
    /// Connections the queue holds for a backlog of `backlog`.
    pub const fn holds(self, backlog: u16) -> usize {
        let n = backlog as usize;
        match self {
            AcceptQueueSize::Backlog => {
                if n == 0 {
                    1
                } else {
                    n
                }
            }
            AcceptQueueSize::OneMore => n + 1,
            AcceptQueueSize::HalfAgain => 3 * n / 2 + 1,
        }
    }
}

/// At most `count` events in any `interval` (a throttle that starts a new interval at the first
/// event after the last one ended, as FreeBSD's ACK-war epochs; with `count` 1 it is Linux's
/// "at least `interval` since the last one").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Events allowed per interval.
    pub count: u16,
    /// The length of one interval; the next starts at the first event after this one ended.
    pub interval: Duration,
}

impl RateLimit {
    /// RFC 5961 §7's example: "in any 5 second window, no more than 10 challenge ACKs".
    pub const RFC5961_EXAMPLE: RateLimit = RateLimit { count: 10, interval: Duration::from_secs(5) };
}

/// The window scale shift a connection announces when its stack offers at most `max_shift`
/// and its receive buffer holds `recv_buffer` bytes.
///
/// A real stack derives its shift from the most its receive buffer may grow to, not from the
/// buffer it has now (RFC 7323 §2.2: "the maximum receive buffer space"; Linux
/// `tcp_select_initial_window` takes `ilog2(max(tcp_rmem[2], rmem_max)) - 15`, 10 for 32 MiB;
/// FreeBSD the smallest shift with `TCP_MAXWIN << shift >= sb_max`, 6 for 2 MiB): that is the
/// profile's `max_shift`, and what its SYNs carry, as in real captures and FreeBSD's packetdrill
/// scripts. This simulator's buffers never grow (rfc9293's and windows' are 4 KiB,
/// [`SMALL_BUFFER`]), so the shift is lowered only where the buffer would otherwise read as a
/// window field under 16 units, which no real stack with its real buffers shows (4 KiB keeps
/// every profile's shift, at most 8).
/// Never above 14 (RFC 7323 §2.3).
pub const fn announced_window_scale(recv_buffer: usize, max_shift: u8) -> u8 {
    let mut shift = if max_shift < 14 { max_shift } else { 14 };
    while shift > 0 && (recv_buffer >> shift) < 16 {
        shift -= 1;
    }
    shift
}

/// A configuration value that does not make sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// `ConfigError` works with `?` into `Box<dyn Error>` and error-reporting crates.
impl core::error::Error for ConfigError {}
