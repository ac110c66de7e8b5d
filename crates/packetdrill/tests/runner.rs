//! The runner on small scripts written for it: what passes, each kind of difference, what cannot
//! be expressed, and the trace a run records.

use packetdrill::{DiffKind, Outcome, Profile, Run, RunOptions, Verdict, run};
use tcp_sim::trace::{EventKind, SegId};

/// A passive open with a small receive buffer (three segments: 4380 bytes, which rounding to
/// whole segments leaves as it is), so that nothing but the point of each test can differ.
const ACCEPT: &str = "\
--tolerance_usecs=10000
0     `sysctl -w net.inet.tcp.recvspace=4380`
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0.1  < S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>
+0    > S. 0:0(0) ack 1 win 4380 <mss 1460,sackOK>
+0.1  < . 1:1(0) ack 1 win 32767
+0    accept(3, ..., ...) = 4
";

fn freebsd(script: &str) -> Run {
    run(script, &RunOptions::new(Profile::Freebsd))
}

#[track_caller]
fn stop(run: &Run) -> (u32, DiffKind, String) {
    match &run.outcome {
        Outcome::Fail(d) => (d.line, d.kind, d.message.clone()),
        other => panic!("expected a difference, got {other:?}\n{}", run.to_text()),
    }
}

#[test]
fn a_close_that_matches_passes() {
    let script = format!(
        "{ACCEPT}\
+0.1  < F. 1:1(0) ack 1 win 32767
+0    > . 1:1(0) ack 2 win 4380
+0    read(4, ..., 10) = 0
+0    %{{ assert tcpi_state == TCPI_CLOSE_WAIT }}%
+0.1  close(4) = 0
+0    > F. 1:1(0) ack 2 win 4380
+0.1  < . 2:2(0) ack 2 win 32767
+0    close(3) = 0
"
    );
    let r = freebsd(&script);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.to_text());
    assert_eq!(r.trace.segments.len(), 7);
    assert!(r.verdicts.iter().all(|v| matches!(v, Verdict::Expected { .. } | Verdict::Injected { .. })));
    assert_eq!(r.trace.truncated, None);
}

#[test]
fn a_different_field_stops_the_run_at_its_line() {
    let script = format!("{ACCEPT}+0.1  < F. 1:1(0) ack 1 win 32767\n+0    > . 1:1(0) ack 3 win 4380\n");
    let r = freebsd(&script);
    let (line, kind, message) = stop(&r);
    assert_eq!((line, kind), (12, DiffKind::Segment));
    assert!(message.contains("sent `. 1:1(0) ack 2 win 4380`") && message.contains("(ack differ)"), "{message}");
    assert_eq!(
        r.trace.truncated,
        Some(tcp_sim::trace::Truncation::Script {
            line: 12,
            reason: "script expects ack 3, tcp-core sent ack 2".into()
        })
    );
    assert!(matches!(r.verdicts.last(), Some(Verdict::Differs { line: 12, .. })));
}

#[test]
fn a_segment_outside_the_tolerance_is_a_difference_in_time() {
    // The delayed ACK of data leaves 40 ms later; the tolerance is 10 ms.
    let script = format!("{ACCEPT}+0.1  < P. 1:11(10) ack 1 win 32767\n+0    > . 1:1(0) ack 11 win 4370\n");
    let (line, kind, message) = stop(&freebsd(&script));
    assert_eq!((line, kind), (12, DiffKind::Segment));
    assert!(message.contains("at 0.340 s") && message.contains("(time differ)"), "{message}");
    // Within the tolerance it passes, and `+0` after it counts from when it was sent.
    let script = format!(
        "{ACCEPT}+0.1  < P. 1:11(10) ack 1 win 32767\n+0.04 > . 1:1(0) ack 11 win 4370\n+0    read(4, ..., 100) = 10\n"
    );
    let r = freebsd(&script);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.to_text());
    assert_eq!(r.trace.segments[4].sent_at.micros, 340_000);
}

#[test]
fn a_window_alone_is_a_difference() {
    // The buffer holds 4380 bytes: the ACK of the FIN offers all of it, not 65535.
    let script =
        format!("{ACCEPT}+0.1  < F. 1:1(0) ack 1 win 32767\n+0    > . 1:1(0) ack 2 win 65535\n+0    close(4) = 0\n");
    let (line, kind, message) = stop(&freebsd(&script));
    assert_eq!((line, kind), (12, DiffKind::Segment));
    assert!(message.contains("sent `. 1:1(0) ack 2 win 4380`") && message.contains("(win differ)"), "{message}");
}

#[test]
fn buffers_follow_the_sysctls_and_round_to_whole_segments_when_established() {
    // FreeBSD's defaults, as the suite sets them: 64 KiB to receive, 32 KiB to send, rounded up
    // to whole segments of the MSS (1460) once the handshake ends (`tcp_mss`); the listener keeps
    // its own.
    let script = "\
--tolerance_usecs=10000
0     `sysctl -w net.inet.tcp.recvspace=65536`
0     `sysctl -w net.inet.tcp.sendspace=32768`
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0
+0    getsockopt(3, SOL_SOCKET, SO_SNDBUF, [32768], [4]) = 0
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0.1  < S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>
+0    > S. 0:0(0) ack 1 win 65535 <...>
+0.1  < . 1:1(0) ack 1 win 32767
+0    accept(3, ..., ...) = 4
+0    getsockopt(4, SOL_SOCKET, SO_RCVBUF, [65700], [4]) = 0
+0    getsockopt(4, SOL_SOCKET, SO_SNDBUF, [33580], [4]) = 0
+0    getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0
";
    let r = freebsd(script);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.to_text());
    // The same under rfc9293, which does not round: the accepted socket reads 65536.
    let r = run(script, &RunOptions::new(Profile::Rfc9293));
    let (line, kind, message) = stop(&r);
    assert_eq!((line, kind, message.as_str()), (14, DiffKind::Syscall, "SO_RCVBUF is 65536, expected 65700"));
}

#[test]
fn a_segment_the_script_does_not_list_fails_even_at_the_end() {
    // The FIN is acknowledged at once, but the script lists no ACK.
    let script = format!("{ACCEPT}+0.1  < F. 1:1(0) ack 1 win 32767\n");
    let r = freebsd(&script);
    let (line, kind, message) = stop(&r);
    assert_eq!((line, kind), (11, DiffKind::Unexpected));
    assert!(message.contains("after the script's last line"), "{message}");
    assert_eq!(r.verdicts.last(), Some(&Verdict::Unexpected));
    // Before a later line: too old for any `>` line to match.
    let script = format!("{ACCEPT}+0.1  < F. 1:1(0) ack 1 win 32767\n+0.5 close(4) = 0\n");
    let (line, kind, message) = stop(&freebsd(&script));
    assert_eq!((line, kind), (12, DiffKind::Unexpected));
    assert!(message.contains("which the script does not list"), "{message}");
}

#[test]
fn a_segment_never_sent_is_missing_and_the_run_says_when_it_came() {
    let script = format!("{ACCEPT}+0.1  < P. 1:11(10) ack 1 win 32767\n+0.2  > . 1:1(0) ack 11 win 4370\n");
    let r = freebsd(&script);
    let (line, kind, message) = stop(&r);
    assert_eq!((line, kind), (12, DiffKind::Segment), "{message}");
    let script = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0.1 > S 0:0(0) <...>\n";
    let r = freebsd(script);
    let (line, kind, message) = stop(&r);
    assert_eq!((line, kind), (3, DiffKind::Missing));
    assert!(message.contains("nothing was sent by 0.104 s"), "{message}");
    assert_eq!(r.missing.as_ref().map(|m| m.line), Some(3));
}

#[test]
fn any_time_and_retransmissions() {
    let script = "\
--tolerance_usecs=10000
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
+0 > S 0:0(0) <...>
+1 > S 0:0(0) <...>
*  > S 0:0(0) <...>
+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0
+0 close(3) = 0
";
    let r = freebsd(script);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.to_text());
    // 1 s, then the doubled RTO and FreeBSD's 200 ms `rexmit_slop` (`Config::rto_slop`).
    assert_eq!(r.trace.segments[2].sent_at.micros, 3_200_000);
}

#[test]
fn syscall_results_and_assertions_are_checked() {
    let script = format!("{ACCEPT}+0 read(4, ..., 10) = 5\n");
    let (line, kind, message) = stop(&freebsd(&script));
    assert_eq!((line, kind), (11, DiffKind::Syscall));
    assert_eq!(message, "read() would block: no data has arrived; the script expects it to return 5");
    let script = format!("{ACCEPT}+0 `sockstat -4 -P tcp -s | grep packetdril | grep -c ESTABLISHED | grep 2`\n");
    let (line, kind, message) = stop(&freebsd(&script));
    assert_eq!((line, kind), (11, DiffKind::Assertion));
    assert!(message.contains("counts 1 connections in ESTABLISHED"), "{message}");
    let script = format!(
        "{ACCEPT}+0 %{{ assert tcpi_state == TCPI_ESTABLISHED }}%\n+0 close(4) = 0\n+0 > F. 1:1(0) ack 1 win 4380\n"
    );
    assert_eq!(freebsd(&script).outcome, Outcome::Pass);
    let script = format!(
        "{ACCEPT}+0.1 < R. 1:1(0) ack 1 win 0\n+0 getsockopt(4, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0\n"
    );
    assert_eq!(freebsd(&script).outcome, Outcome::Pass);
}

#[test]
fn ifdef_branches_follow_the_defines() {
    let script = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef FreeBSD\n+0 close(3) = 0\n#else\n+0 close(3) = -1 EBADF\n#endif\n";
    assert_eq!(freebsd(script).outcome, Outcome::Pass);
    let mut options = RunOptions::new(Profile::Freebsd);
    options.defines = vec!["Other".into()];
    assert_eq!(stop(&run(script, &options)).1, DiffKind::Syscall);
    let script = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n#ifdef STANDARD\n+0 close(3) = 0\n#endif\n#ifdef Linux\n+0 close(3) = 0\n#endif\n";
    let Outcome::CannotExpress { reason, .. } = freebsd(script).outcome else { panic!("no branch applies") };
    assert!(reason.contains("STANDARD, Linux") && reason.contains("--define"), "{reason}");
}

#[test]
fn what_cannot_be_expressed_is_named_with_its_line() {
    for (script, line, words) in [
        ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 poll(3, ..., ...) = 0\n", 2, "poll()"),
        ("0 `sysctl -w net.inet.tcp.fancy=1`\n", 1, "net.inet.tcp.fancy"),
        ("0 `echo hi`\n", 1, "echo hi"),
        ("0 %{ print(tcpi_rtt) }%\n", 1, "print"),
        ("--ip_version=ipv6\n0 `sysctl -w net.inet.tcp.rfc1323=1`\n", 1, "ipv4"),
        ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 shutdown(3, 7) = 0\n", 2, "SHUT_RDWR"),
        ("0 < [ect0] S 0:0(0) win 1000\n", 1, "ECN"),
    ] {
        match freebsd(script).outcome {
            Outcome::CannotExpress { line: l, reason } => {
                assert_eq!(l, line, "{script}");
                assert!(reason.contains(words), "{reason}");
            }
            other => panic!("{script}: {other:?}"),
        }
    }
}

#[test]
fn settings_without_a_config_field_are_named_and_rfc793_ones_marked() {
    let script = "0 `sysctl -w net.inet.tcp.blackhole=1`\n+0 `sysctl -w net.inet.tcp.insecure_rst=1`\n";
    let r = freebsd(script);
    assert_eq!(r.outcome, Outcome::Pass);
    assert_eq!(r.summary(), "pass [asks rfc793: insecure_rst=1] [not honoured: blackhole=1]");
}

#[test]
fn malformed_scripts_name_their_line() {
    let Outcome::Malformed(e) = freebsd("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > S 0:5(4)\n").outcome else {
        panic!("malformed")
    };
    assert_eq!(e.line, 2);
    assert!(e.message.contains("inconsistent"));
}

#[test]
fn the_trace_has_both_lifelines_and_tcp_cores_states() {
    let r = freebsd(ACCEPT);
    assert_eq!(r.trace.hosts.len(), 2);
    assert_eq!(r.trace.hosts[0].name, "tcp-core (freebsd)");
    assert_eq!(r.trace.conns.len(), 1);
    let states: Vec<String> = r
        .trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::State { to, .. } => Some(format!("{to}")),
            _ => None,
        })
        .collect();
    assert_eq!(states, ["SYN-RECEIVED", "ESTABLISHED"]);
    assert_eq!(r.trace.relative(SegId(1)), (0, Some(1)), "the SYN-ACK reads as in the script");
    assert!(
        r.trace.events.iter().any(|e| matches!(e.kind, EventKind::App { call: tcp_sim::trace::AppCall::Accept, .. }))
    );
}

/// Keep-alive set on the listening socket before `listen()` (an accepted connection inherits it,
/// as in FreeBSD and Linux): the first probe after the idle time, `<SEQ=SND.NXT-1>` without
/// data; an answer starts the idle time again; then one probe per interval, and after the last
/// unanswered one a reset and ETIMEDOUT (FreeBSD `tcp_timer_keep`, `tcp_drop`).
#[test]
fn keepalive_probes_and_gives_up() {
    let script = "\
--tolerance_usecs=10000
0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0    setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0    setsockopt(3, SOL_SOCKET, SO_KEEPALIVE, [1], 4) = 0
+0    setsockopt(3, IPPROTO_TCP, TCP_KEEPIDLE, [5], 4) = 0
+0    setsockopt(3, IPPROTO_TCP, TCP_KEEPINTVL, [1], 4) = 0
+0    setsockopt(3, IPPROTO_TCP, TCP_KEEPCNT, [3], 4) = 0
+0    bind(3, ..., ...) = 0
+0    listen(3, 1) = 0
+0.1  < S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>
+0    > S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK>
+0.1  < . 1:1(0) ack 1 win 32767
+0    accept(3, ..., ...) = 4
+5    > . 0:0(0) ack 1 win 65535
+0    < . 1:1(0) ack 1 win 32767
+5    > . 0:0(0) ack 1 win 65535
+1    > . 0:0(0) ack 1 win 65535
+1    > . 0:0(0) ack 1 win 65535
+1    > R. 1:1(0) ack 1 win 0
+0    %{ assert tcpi_state == TCPI_CLOSED }%
";
    let r = freebsd(script);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.to_text());
    let timers = r
        .trace
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TimerFired { timer: tcp_core::Timer::Keepalive, .. }))
        .count();
    assert_eq!(timers, 5, "one probe after the idle time, answered; three more; the last firing gives up");
    // Set on a socket that is already connected, it would not reach the connection: refused.
    let late = format!("{ACCEPT}+0    setsockopt(4, SOL_SOCKET, SO_KEEPALIVE, [1], 4) = 0\n");
    let r = freebsd(&late);
    assert!(matches!(r.outcome, Outcome::CannotExpress { line: 11, .. }), "{:?}", r.outcome);
}

#[test]
fn a_parse_error_is_a_std_error_with_its_text() {
    let e = packetdrill::parse("0 garbage that is no packetdrill\n", &|_| false).expect_err("not a script");
    let text = e.to_string();
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert_eq!(boxed.to_string(), text);
}

/// `shutdown(SHUT_RD)` under each profile (`Config::read_shutdown`), in the suite's format, written
/// from the stacks' sources (not run against their kernels): 5 bytes wait unread when it is
/// called, then 5 more arrive. Linux and the RFC profiles send nothing, keep what waits readable
/// and take (and acknowledge) what comes, so the close resets; FreeBSD sends nothing, throws away
/// what waits and, after acknowledging it, what comes, so its window is whole again and the close
/// sends a FIN; Windows resets at the call and refuses the read.
#[test]
fn shutdown_read_runs_per_profile() {
    // ACCEPT without SACK, which the RFC profiles do not offer.
    let accept = ACCEPT.replace("<mss 1460,sackOK,eol,eol>", "<mss 1460>").replace("<mss 1460,sackOK>", "<mss 1460>");
    let script = accept
        + "\
+0.1  < P. 1:6(5) ack 1 win 32767
#ifdef Linux
+0    > . 1:1(0) ack 6 win 4375
#else
#ifdef FreeBSD
+0.04 > . 1:1(0) ack 6 win 4375
#else
+0.2  > . 1:1(0) ack 6 win 4375
#endif
#endif
+0.1  shutdown(4, SHUT_RD) = 0
#ifdef Windows
+0    > R. 1:1(0) ack 6 win 4375
+0    read(4, ..., 10) = -1 ESHUTDOWN
#endif
#ifndef Windows
#ifdef FreeBSD
+0    read(4, ..., 10) = 0
#else
+0    read(4, ..., 3) = 3
#endif
+0.1  < P. 6:11(5) ack 1 win 32767
#ifdef FreeBSD
+0.04 > . 1:1(0) ack 11 win 4380
+0    read(4, ..., 10) = 0
+0    close(4) = 0
+0    > F. 1:1(0) ack 11 win 4380
#endif
#ifdef Linux
+0    > . 1:1(0) ack 11 win 4373
+0    close(4) = 0
+0    > R. 1:1(0) ack 11 win 4373
#endif
#ifdef STANDARD
+0.2  > . 1:1(0) ack 11 win 4373
+0    close(4) = 0
+0    > R 1:1(0) win 4373
#endif
#endif
";
    for profile in [Profile::Freebsd, Profile::Rfc9293, Profile::Linux, Profile::Rfc793, Profile::Windows] {
        let r = run(&script, &RunOptions::new(profile));
        assert_eq!(r.outcome, Outcome::Pass, "{profile}: {}", r.to_text());
    }
}
