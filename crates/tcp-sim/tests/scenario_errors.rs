//! Bad scenarios are rejected with a message naming the key or line.

use tcp_sim::Scenario;

const GOOD: &str = r#"
profile = "linux"

[[hosts]]
name = "client"
addr = "192.0.2.1"
app = [{ at_ms = 0, do = "connect", to = "server" }]

[[hosts]]
name = "server"
addr = "198.51.100.1"
app = [{ at_ms = 0, do = "listen" }]
"#;

#[track_caller]
fn error(text: &str) -> String {
    match Scenario::parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_good_one_parses() {
    Scenario::parse(GOOD).unwrap();
}

#[test]
fn toml_errors_name_line_and_key() {
    expect_test::expect!["line 2, column 1: unknown field `profil`, expected one of `title`, `narration`, `profile`, `seed`, `link`, `tcp`, `hosts`, `faults`, `until_ms`, `exercise`"]
        .assert_eq(&error(&GOOD.replace("profile =", "profil =")));
    expect_test::expect![[r#"line 2, column 11: unknown profile `bsd`: expected rfc9293, linux, freebsd or windows"#]]
        .assert_eq(&error(&GOOD.replace("\"linux\"", "\"bsd\"")));
    expect_test::expect!["line 2, column 13: 1.5 is not a probability: expected a number from 0 to 1 (0.05 is 5 %)"]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "link.loss = 1.5")));
    expect_test::expect![[r#"line 6, column 8: `192.0.2` is not an IPv4 address like 192.0.2.1"#]]
        .assert_eq(&error(&GOOD.replace("\"192.0.2.1\"", "\"192.0.2\"")));
    expect_test::expect!["line 7, column 18: -5 is not a duration: expected milliseconds >= 0"]
        .assert_eq(&error(&GOOD.replace("at_ms = 0, do = \"connect\"", "at_ms = -5, do = \"connect\"")));
    expect_test::expect![[r#"line 2, column 11: invalid type: integer `3`, expected a string"#]]
        .assert_eq(&error(&GOOD.replace("\"linux\"", "3")));
}

#[test]
fn cross_field_errors_name_the_key() {
    expect_test::expect![[r#"hosts[0].app[0].to: no host is named `sever`"#]]
        .assert_eq(&error(&GOOD.replace("to = \"server\"", "to = \"sever\"")));
    expect_test::expect![[r#"hosts[1].addr: 192.0.2.1 is used by two hosts"#]]
        .assert_eq(&error(&GOOD.replace("198.51.100.1", "192.0.2.1")));
    expect_test::expect![[r#"hosts[0].app[0]: give either `at_ms` or `on`, not both"#]]
        .assert_eq(&error(&GOOD.replace("at_ms = 0, do = \"connect\"", "at_ms = 0, on = \"eof\", do = \"connect\"")));
    expect_test::expect![[r#"faults[0].from: no host is named `nobody`"#]]
        .assert_eq(&error(&format!("{GOOD}\n[[faults]]\nfrom = \"nobody\"\nkind = \"syn\"\naction = \"drop\"\n")));
    expect_test::expect![[r#"tcp.rto_min_ms: 5000 ms must not exceed tcp.rto_max_ms (1000 ms)"#]]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.rto_min_ms = 5000\ntcp.rto_max_ms = 1000")));
    // Only the maximum was written: the error names it, and what the profile brought.
    expect_test::expect![[
        r#"tcp.rto_max_ms: 500 ms is below the rfc9293 profile's minimum RTO (1000 ms): set tcp.rto_min_ms too"#
    ]]
    .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "profile = \"rfc9293\"\ntcp.rto_max_ms = 500")));
    expect_test::expect![[
        r#"tcp.rto_min_ms: 200000 ms is above the linux profile's maximum RTO (120000 ms): set tcp.rto_max_ms too"#
    ]]
    .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.rto_min_ms = 200000")));
    expect_test::expect![[r#"tcp.mss: must be at least 64 bytes"#]]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.mss = 10")));
    expect_test::expect![[r#"hosts: a scenario needs at least one host"#]].assert_eq(&error("hosts = []"));
}

#[test]
fn deep_keys_and_bad_bytes_have_a_position() {
    let deep = format!("{GOOD}\n[[faults]]\nindex = 1\naction = \"drop\"\n{} = 1\n", vec!["k"; 300].join("."));
    expect_test::expect![[r#"line 17, column 1: recursion limit: a key 300 levels deep"#]].assert_eq(&error(&deep));
    let bytes = b"title.en = \"caf\xc3\xa9\"\ntitle.zh = \"a\xffb\"\n";
    expect_test::expect![[r#"line 2, column 14: not UTF-8 text (a scenario file is UTF-8)"#]]
        .assert_eq(&tcp_sim::scenario::text_of(bytes).unwrap_err().to_string());
    assert_eq!(tcp_sim::scenario::text_of("héllo".as_bytes()), Ok("héllo"));
}

#[test]
fn json_errors_name_line_and_column() {
    expect_test::expect!["line 1, column 26: unknown field `sed`, expected one of `title`, `narration`, `profile`, `seed`, `link`, `tcp`, `hosts`, `faults`, `until_ms`, `exercise`"]
        .assert_eq(&error(r#"{"profile": "linux", "sed": 1, "hosts": []}"#));
    expect_test::expect![[r#"line 1, column 8: EOF while parsing a value"#]].assert_eq(&error(r#"{"seed":"#));
}

#[test]
fn keepalive_keys_are_checked() {
    let host_tcp = |keys: &str| GOOD.replace("name = \"server\"", &format!("name = \"server\"\ntcp = {{ {keys} }}"));
    // Both places take the same keys, and each value is checked where it is written.
    Scenario::parse(&GOOD.replace(
        "profile = \"linux\"",
        "tcp.keepalive = true\ntcp.keepalive_idle_ms = 60000\ntcp.keepalive_interval_ms = 5000\ntcp.keepalive_probes = 3",
    ))
    .unwrap();
    let s = Scenario::parse(&host_tcp("keepalive = true, keepalive_idle_ms = 30000")).unwrap();
    let (client, server) = (s.config_for(&s.hosts[0]), s.config_for(&s.hosts[1]));
    assert!(!client.keepalive && server.keepalive, "SO_KEEPALIVE on the server's connections only");
    assert_eq!(server.keepalive_idle, tcp_core::Duration::from_secs(30));
    assert_eq!(server.keepalive_interval, tcp_core::Duration::from_secs(75), "Linux's interval");
    assert_eq!(server.keepalive_probes, 9, "Linux's count");
    expect_test::expect!["tcp.keepalive_probes: must be at least 1"]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.keepalive_probes = 0")));
    expect_test::expect!["hosts[1].tcp.keepalive_idle_ms: must be greater than zero"]
        .assert_eq(&error(&host_tcp("keepalive_idle_ms = 0")));
    expect_test::expect!["hosts[1].tcp.keepalive_interval_ms: must be greater than zero"]
        .assert_eq(&error(&host_tcp("keepalive_interval_ms = 0")));
    expect_test::expect!["line 11, column 47: -1 is not a duration: expected milliseconds >= 0"]
        .assert_eq(&error(&host_tcp("keepalive = true, keepalive_idle_ms = -1")));
    expect_test::expect!["line 11, column 28: invalid value: integer `300`, expected u8"]
        .assert_eq(&error(&host_tcp("keepalive_probes = 300")));
    expect_test::expect![[r#"line 11, column 21: invalid type: string "yes", expected a boolean"#]]
        .assert_eq(&error(&host_tcp("keepalive = \"yes\"")));
    // A host's own override names its key; the scenario's is named as `tcp.…`.
    expect_test::expect!["hosts[1].tcp.mss: must be at least 64 bytes"].assert_eq(&error(&host_tcp("mss = 10")));
    expect_test::expect!["tcp.mss: must be at least 64 bytes"]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.mss = 10")));
}

#[test]
fn buffer_keys_set_the_buffers_and_are_checked() {
    let host_tcp = |keys: &str| GOOD.replace("name = \"server\"", &format!("name = \"server\"\ntcp = {{ {keys} }}"));
    let s = Scenario::parse(&GOOD.replace("profile = \"linux\"", "tcp.recv_buffer = 65536\ntcp.send_buffer = 1000"))
        .unwrap();
    let c = s.config_for(&s.hosts[0]);
    assert_eq!((c.recv_buffer, c.send_buffer), (65_536, 1000));
    let s = Scenario::parse(&host_tcp("recv_buffer = 2048")).unwrap();
    assert_eq!((s.config_for(&s.hosts[0]).recv_buffer, s.config_for(&s.hosts[1]).recv_buffer), (65_536, 2048));
    expect_test::expect!["tcp.recv_buffer: must be 1 to 2^30 bytes"]
        .assert_eq(&error(&GOOD.replace("profile = \"linux\"", "tcp.recv_buffer = 0")));
    expect_test::expect!["hosts[1].tcp.send_buffer: must be 1 to 2^30 bytes"]
        .assert_eq(&error(&host_tcp("send_buffer = 2000000000")));
    expect_test::expect!["line 11, column 23: invalid value: integer `-1`, expected u32"]
        .assert_eq(&error(&host_tcp("recv_buffer = -1")));
}

/// An `inject` rule's flags are a typed value: a bad one is an error with its line and column
/// when read (TOML or JSON), never a rule the simulator skips or guesses at.
#[test]
fn inject_flags_are_checked_while_read() {
    let inject = |flags: &str| {
        GOOD.replace(
            "app = [{ at_ms = 0, do = \"connect\", to = \"server\" }]",
            &format!("app = [{{ at_ms = 0, do = \"connect\", to = \"server\" }},\n  {{ at_ms = 5, do = \"inject\", to = \"server\"{flags} }}]"),
        )
    };
    expect_test::expect![[
        r#"line 8, column 54: `SYNN` is not a set of TCP flags: expected flags like "SYN" or "ACK|RST""#
    ]]
    .assert_eq(&error(&inject(", flags = \"SYNN\"")));
    expect_test::expect![[
        r#"line 8, column 54: `` is not a set of TCP flags: expected flags like "SYN" or "ACK|RST""#
    ]]
    .assert_eq(&error(&inject(", flags = \"\"")));
    expect_test::expect![[r#"line 8, column 54: flags of at most 32 bytes, like "SYN" or "ACK|RST""#]]
        .assert_eq(&error(&inject(&format!(", flags = \"{}\"", "SYN|".repeat(9)))));
    expect_test::expect![[r#"hosts[0].app[1].flags: which flags? expected flags like "SYN" or "ACK|RST""#]]
        .assert_eq(&error(&inject("")));
    let json = Scenario::parse(&inject(", flags = \"ack|rst\"")).expect("good flags").to_json();
    expect_test::expect![[
        r#"line 32, column 9: `RST|ACKK` is not a set of TCP flags: expected flags like "SYN" or "ACK|RST""#
    ]]
    .assert_eq(&error(&json.replace("RST|ACK", "RST|ACKK")));

    // Any spelling reads as the flags; they are written back one way, and read back the same.
    let s = Scenario::parse(&inject(", flags = \"ack, Rst\"")).expect("good flags");
    let flags = s.hosts[0].app[1].flags.expect("flags").get();
    assert_eq!(flags, tcp_core::Flags::ACK | tcp_core::Flags::RST);
    assert!(s.to_toml().contains("flags = \"RST|ACK\""), "{}", s.to_toml());
    assert_eq!(Scenario::parse(&s.to_toml()).expect("written back"), s);
    assert_eq!(Scenario::parse(&s.to_json()).expect("written back"), s);
}

#[test]
fn only_an_inject_rule_numbers_a_segment() {
    let rule = |keys: &str| {
        GOOD.replace(
            "app = [{ at_ms = 0, do = \"connect\", to = \"server\" }]",
            &format!("app = [{{ at_ms = 0, do = \"connect\", to = \"server\"{keys} }}]"),
        )
    };
    expect_test::expect!["hosts[0].app[0].seq: only an `inject` rule sets a segment's `seq`"]
        .assert_eq(&error(&rule(", seq = 7")));
    expect_test::expect!["hosts[0].app[0].ack: only an `inject` rule sets a segment's `ack`"]
        .assert_eq(&error(&rule(", ack = 7")));
    let inject = GOOD.replace(
        "app = [{ at_ms = 0, do = \"listen\" }]",
        "app = [{ at_ms = 0, do = \"listen\" },\n  { at_ms = 5, do = \"inject\", to = \"client\", flags = \"ACK\", seq = 7, ack = 4294967295 }]",
    );
    let s = Scenario::parse(&inject).expect("an inject rule with both numbers");
    assert_eq!((s.hosts[1].app[1].seq, s.hosts[1].app[1].ack), (Some(7), Some(u32::MAX)));
    assert_eq!(Scenario::parse(&s.to_toml()).expect("written back"), s);
    assert_eq!(Scenario::parse(&s.to_json()).expect("written back"), s);
    // The segment carries them as written.
    let t = tcp_sim::simulate(&s);
    let injected = t.segments.iter().find(|o| o.injected).expect("the injected segment");
    assert_eq!((injected.repr.seq.0, injected.repr.ack.0), (7, u32::MAX));
}

#[test]
fn a_malformed_exercise_names_its_key() {
    let with = |exercise: &str| error(&format!("{GOOD}\n[[exercise]]\n{exercise}\n"));
    expect_test::expect!["line 15, column 7: unknown variant `guess`, expected one of `segment`, `state`, `timer`"]
        .assert_eq(&with("ask = \"guess\""));
    expect_test::expect!["line 16, column 1: unknown field `segment`, expected one of `ask`, `from`, `kind`, `nth`, `index`, `host`, `timer`"]
        .assert_eq(&with("ask = \"segment\"\nsegment = 3"));
    expect_test::expect!["line 17, column 9: unknown timer `rto`: expected retransmit, delayed_ack, time_wait, fin_wait_2, persist, keepalive, establishment"]
        .assert_eq(&with("ask = \"timer\"\nhost = \"client\"\ntimer = \"rto\""));
    expect_test::expect![[r#"exercise[0]: say which segment: `index`, or `from`, `kind` and `nth`"#]]
        .assert_eq(&with("ask = \"segment\""));
    expect_test::expect![[r#"exercise[0].from: no host is named `sever`"#]]
        .assert_eq(&with("ask = \"state\"\nfrom = \"sever\"\nkind = \"fin\""));
    expect_test::expect![[r#"exercise[0].nth: occurrences count from 1"#]]
        .assert_eq(&with("ask = \"segment\"\nfrom = \"server\"\nnth = 0"));
    expect_test::expect![[
        r#"exercise[0].timer: `ask = "state"` chooses a segment (`from`, `kind`, `nth` or `index`), not a timer"#
    ]]
    .assert_eq(&with("ask = \"state\"\nfrom = \"server\"\ntimer = \"retransmit\""));
    expect_test::expect![[r#"exercise[0].timer: `ask = "timer"` needs `host` (whose timer) and `timer` (which one)"#]]
        .assert_eq(&with("ask = \"timer\"\nhost = \"client\""));
    expect_test::expect![[
        r#"exercise[0].kind: `ask = "timer"` chooses a timer (`host`, `timer`, `nth`), not a segment"#
    ]]
    .assert_eq(&with("ask = \"timer\"\nhost = \"client\"\ntimer = \"retransmit\"\nkind = \"syn\""));
    expect_test::expect![[r#"exercise[0].host: no host is named `cleint`"#]]
        .assert_eq(&with("ask = \"timer\"\nhost = \"cleint\"\ntimer = \"retransmit\""));
    // A good one, in TOML and through JSON and back.
    let s = Scenario::parse(&format!(
        "{GOOD}\n[[exercise]]\nask = \"timer\"\nhost = \"client\"\ntimer = \"retransmit\"\nnth = 2\n"
    ))
    .unwrap();
    assert_eq!(s.exercises.len(), 1);
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    assert!(s.to_json().contains("\"exercise\""), "the file's own key: {}", s.to_json());
}
