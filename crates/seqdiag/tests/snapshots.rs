//! Snapshots of the Mermaid, PlantUML and MSC text and of the diagram geometry (refresh with
//! `UPDATE_EXPECT=1`).

mod common;

use bilingual::Lang;
use common::{dump, trace};
use expect_test::{Expect, expect};
use seqdiag::{ViewOptions, layout, mermaid, msc, plantuml, sequencediagram};

#[track_caller]
fn check_mermaid(name: &str, lang: Lang, expect: Expect) {
    expect.assert_eq(&mermaid::render(&trace(name), &ViewOptions { lang, ..ViewOptions::default() }));
}

#[track_caller]
fn check_plantuml(name: &str, lang: Lang, expect: Expect) {
    expect.assert_eq(&plantuml::render(&trace(name), &ViewOptions { lang, ..ViewOptions::default() }));
}

#[track_caller]
fn check_msc(name: &str, lang: Lang, expect: Expect) {
    expect.assert_eq(&msc::render(&trace(name), &ViewOptions { lang, ..ViewOptions::default() }));
}

#[track_caller]
fn check_sequencediagram(name: &str, lang: Lang, expect: Expect) {
    expect.assert_eq(&sequencediagram::render(&trace(name), &ViewOptions { lang, ..ViewOptions::default() }));
}

#[track_caller]
fn check_geometry(name: &str, expect: Expect) {
    expect.assert_eq(&dump(&layout(&trace(name), &ViewOptions::default())));
}

#[test]
fn mermaid_handshake() {
    check_mermaid(
        "handshake",
        Lang::En,
        expect![[r#"
            sequenceDiagram
                autonumber off
                participant client as client<br/>192.0.2.1:40000
                participant server as server<br/>198.51.100.1:5555
                Note over client: connect() · SYN_SENT
                client->>server: SYN seq=0
                Note over client,server: 0 → 10 ms
                Note over server: listen(:5555)
                Note over server: SYN_RECV
                server->>client: SYN, ACK seq=0 ack=1
                Note over server,client: 10 ms → 20 ms
                Note over client: ESTABLISHED
                client->>server: ACK seq=1 ack=1
                Note over client,server: 20 ms → 30 ms
                client->>server: ACK seq=1 ack=1 len=5
                Note over client,server: 20 ms → 30 ms
                Note over server: ESTABLISHED
                server->>client: ACK seq=1 ack=6
                Note over server,client: 30 ms → 40 ms
                server->>client: ACK seq=1 ack=6 len=5
                Note over server,client: 30 ms → 40 ms
                client->>server: ACK seq=6 ack=6
                Note over client,server: 40 ms → 50 ms
                Note over client,server: ⋯ 90 ms later
                Note over client: close() · FIN_WAIT1
                client->>server: FIN, ACK seq=6 ack=6
                Note over client,server: 140 ms → 150 ms
                Note over server: CLOSE_WAIT
                Note over server: delayed ACK 40 ms expired
                server->>client: ACK seq=6 ack=7
                Note over server,client: 192 ms → 202 ms
                Note over client: FIN_WAIT2
                Note over client,server: ⋯ 48 ms later
                Note over server: close() · LAST_ACK
                server->>client: FIN, ACK seq=6 ack=7
                Note over server,client: 250 ms → 260 ms
                Note over client: TIME_WAIT · 2MSL 60 s
                client->>server: ACK seq=7 ack=7
                Note over client,server: 260 ms → 270 ms
                Note over server: CLOSED
                Note over client,server: ⋯ 61.17 s later
                Note over client: 2MSL 60 s expired · CLOSED
        "#]],
    );
}

#[test]
fn mermaid_lost_syn_in_chinese() {
    check_mermaid(
        "lost-syn",
        Lang::Zh,
        expect![[r#"
            sequenceDiagram
                autonumber off
                participant client as 客户端 client<br/>192.0.2.1:40000
                participant server as 服务器 server<br/>198.51.100.1:5555
                Note over client: connect() · SYN_SENT
                client-xserver: SYN seq=0 (被丢弃)
                Note over client,server: 0 → ✕ 被丢弃
                Note over server: listen(:5555)
                Note over client,server: ⋯ 1.02 秒后
                Note over client: RTO 1 秒 到期
                client-->>server: SYN seq=0 (重传)
                Note over client,server: 1.024 秒 → 1.034 秒
                Note over server: SYN_RECV
                server->>client: SYN, ACK seq=0 ack=1
                Note over server,client: 1.034 秒 → 1.044 秒
                Note over client: ESTABLISHED
                client->>server: ACK seq=1 ack=1
                Note over client,server: 1.044 秒 → 1.054 秒
                client->>server: ACK seq=1 ack=1 len=5
                Note over client,server: 1.044 秒 → 1.054 秒
                Note over server: ESTABLISHED
                server->>client: ACK seq=1 ack=6
                Note over server,client: 1.054 秒 → 1.064 秒
                server->>client: ACK seq=1 ack=6 len=5
                Note over server,client: 1.054 秒 → 1.064 秒
                client->>server: ACK seq=6 ack=6
                Note over client,server: 1.064 秒 → 1.074 秒
                Note over client,server: ⋯ 90 毫秒后
                Note over client: close() · FIN_WAIT1
                client->>server: FIN, ACK seq=6 ack=6
                Note over client,server: 1.164 秒 → 1.174 秒
                Note over server: CLOSE_WAIT
                Note over server: 延迟确认 40 毫秒 到期
                server->>client: ACK seq=6 ack=7
                Note over server,client: 1.216 秒 → 1.226 秒
                Note over client: FIN_WAIT2
                Note over client,server: ⋯ 48 毫秒后
                Note over server: close() · LAST_ACK
                server->>client: FIN, ACK seq=6 ack=7
                Note over server,client: 1.274 秒 → 1.284 秒
                Note over client: TIME_WAIT · 2MSL 60 秒
                client->>server: ACK seq=7 ack=7
                Note over client,server: 1.284 秒 → 1.294 秒
                Note over server: CLOSED
                Note over client,server: ⋯ 60.15 秒后
                Note over client: 2MSL 60 秒 到期 · CLOSED
        "#]],
    );
}

#[test]
fn mermaid_refused() {
    check_mermaid(
        "refused",
        Lang::En,
        expect![[r#"
        sequenceDiagram
            autonumber off
            participant client as client<br/>192.0.2.1:40000
            participant server as server<br/>198.51.100.1
            Note over client: connect() · SYN_SENT
            client->>server: SYN seq=0
            Note over client,server: 0 → 10 ms
            Note over server: no socket: answer RST
            server->>client: RST, ACK seq=0 ack=1
            Note over server,client: 10 ms → 20 ms
            Note over client: CLOSED · ECONNREFUSED: refused
    "#]],
    );
}

#[test]
fn plantuml_handshake() {
    check_plantuml(
        "handshake",
        Lang::En,
        expect![[r#"
            @startuml
            !pragma teoz true
            hide footbox
            participant "client\n192.0.2.1:40000" as client
            participant "server\n198.51.100.1:5555" as server
            note over client : connect() · SYN_SENT
            client ->(16) server : SYN seq=0
            note right : 0 → 10 ms
            note over server : listen(:5555)
            note over server : SYN_RECV
            server ->(16) client : SYN, ACK seq=0 ack=1
            note right : 10 ms → 20 ms
            note over client : ESTABLISHED
            client ->(16) server : ACK seq=1 ack=1
            note right : 20 ms → 30 ms
            client ->(16) server : ACK seq=1 ack=1 len=5
            note right : 20 ms → 30 ms
            note over server : ESTABLISHED
            server ->(16) client : ACK seq=1 ack=6
            note right : 30 ms → 40 ms
            server ->(16) client : ACK seq=1 ack=6 len=5
            note right : 30 ms → 40 ms
            client ->(16) server : ACK seq=6 ack=6
            note right : 40 ms → 50 ms
            ...⋯ 90 ms later...
            note over client : close() · FIN_WAIT1
            client ->(16) server : FIN, ACK seq=6 ack=6
            note right : 140 ms → 150 ms
            note over server : CLOSE_WAIT
            note over server : delayed ACK 40 ms expired
            server ->(16) client : ACK seq=6 ack=7
            note right : 192 ms → 202 ms
            note over client : FIN_WAIT2
            ...⋯ 48 ms later...
            note over server : close() · LAST_ACK
            server ->(16) client : FIN, ACK seq=6 ack=7
            note right : 250 ms → 260 ms
            note over client : TIME_WAIT · 2MSL 60 s
            client ->(16) server : ACK seq=7 ack=7
            note right : 260 ms → 270 ms
            note over server : CLOSED
            ...⋯ 61.17 s later...
            note over client : 2MSL 60 s expired · CLOSED
            @enduml
        "#]],
    );
}

#[test]
fn plantuml_lost_syn_in_chinese() {
    check_plantuml(
        "lost-syn",
        Lang::Zh,
        expect![[r#"
            @startuml
            !pragma teoz true
            hide footbox
            participant "客户端 client\n192.0.2.1:40000" as client
            participant "服务器 server\n198.51.100.1:5555" as server
            note over client : connect() · SYN_SENT
            client ->x server : SYN seq=0 (被丢弃)
            note right : 0 → ✕ 被丢弃
            note over server : listen(:5555)
            ...⋯ 1.02 秒后...
            note over client : RTO 1 秒 到期
            client -->(16) server : SYN seq=0 (重传)
            note right : 1.024 秒 → 1.034 秒
            note over server : SYN_RECV
            server ->(16) client : SYN, ACK seq=0 ack=1
            note right : 1.034 秒 → 1.044 秒
            note over client : ESTABLISHED
            client ->(16) server : ACK seq=1 ack=1
            note right : 1.044 秒 → 1.054 秒
            client ->(16) server : ACK seq=1 ack=1 len=5
            note right : 1.044 秒 → 1.054 秒
            note over server : ESTABLISHED
            server ->(16) client : ACK seq=1 ack=6
            note right : 1.054 秒 → 1.064 秒
            server ->(16) client : ACK seq=1 ack=6 len=5
            note right : 1.054 秒 → 1.064 秒
            client ->(16) server : ACK seq=6 ack=6
            note right : 1.064 秒 → 1.074 秒
            ...⋯ 90 毫秒后...
            note over client : close() · FIN_WAIT1
            client ->(16) server : FIN, ACK seq=6 ack=6
            note right : 1.164 秒 → 1.174 秒
            note over server : CLOSE_WAIT
            note over server : 延迟确认 40 毫秒 到期
            server ->(16) client : ACK seq=6 ack=7
            note right : 1.216 秒 → 1.226 秒
            note over client : FIN_WAIT2
            ...⋯ 48 毫秒后...
            note over server : close() · LAST_ACK
            server ->(16) client : FIN, ACK seq=6 ack=7
            note right : 1.274 秒 → 1.284 秒
            note over client : TIME_WAIT · 2MSL 60 秒
            client ->(16) server : ACK seq=7 ack=7
            note right : 1.284 秒 → 1.294 秒
            note over server : CLOSED
            ...⋯ 60.15 秒后...
            note over client : 2MSL 60 秒 到期 · CLOSED
            @enduml
        "#]],
    );
}

#[test]
fn plantuml_refused() {
    check_plantuml(
        "refused",
        Lang::En,
        expect![[r#"
            @startuml
            !pragma teoz true
            hide footbox
            participant "client\n192.0.2.1:40000" as client
            participant "server\n198.51.100.1" as server
            note over client : connect() · SYN_SENT
            client ->(16) server : SYN seq=0
            note right : 0 → 10 ms
            note over server : no socket: answer RST
            server ->(16) client : RST, ACK seq=0 ack=1
            note right : 10 ms → 20 ms
            note over client : CLOSED · ECONNREFUSED: refused
            @enduml
        "#]],
    );
}

#[test]
fn msc_simultaneous_open() {
    check_msc(
        "simultaneous-open",
        Lang::En,
        expect![[r#"
        msc {
          hscale = "1.5";
          "A" [label="A\n192.0.2.1:40000"], "B" [label="B\n198.51.100.1:5555"];
          "A" note "A" [label="connect() · SYN_SENT"];
          "A" => "B" [label="SYN seq=0 [0 → 10 ms]", arcskip="2"];
          "B" note "B" [label="connect() · SYN_SENT"];
          "B" => "A" [label="SYN seq=0 [0 → 10 ms]"];
          "B" note "B" [label="SYN_RECV"];
          "B" => "A" [label="SYN, ACK seq=0 ack=1 [10 ms → 20 ms]", arcskip="2"];
          "A" note "A" [label="SYN_RECV"];
          "A" => "B" [label="SYN, ACK seq=0 ack=1 [10 ms → 20 ms]"];
          "A" note "A" [label="ESTABLISHED"];
          "B" note "B" [label="ESTABLISHED"];
          ... [label="⋯ 100 ms later"];
          "A" note "A" [label="close() · FIN_WAIT1"];
          "A" => "B" [label="FIN, ACK seq=1 ack=1 [120 ms → 130 ms]"];
          "B" note "B" [label="CLOSE_WAIT"];
          "B" => "A" [label="ACK seq=1 ack=2 [130 ms → 140 ms]", arcskip="2"];
          "B" note "B" [label="close() · LAST_ACK"];
          "B" => "A" [label="FIN, ACK seq=1 ack=2 [130 ms → 140 ms]"];
          "A" note "A" [label="FIN_WAIT2 · TIME_WAIT · 2MSL 240 s"];
          "A" => "B" [label="ACK seq=2 ack=2 [140 ms → 150 ms]"];
          "B" note "B" [label="CLOSED"];
          ... [label="⋯ 240 s later"];
          "A" note "A" [label="2MSL 240 s expired · CLOSED"];
        }
    "#]],
    );
}

#[test]
fn msc_lost_final_ack_in_chinese() {
    check_msc(
        "lost-final-ack",
        Lang::Zh,
        expect![[r#"
            msc {
              hscale = "1.5";
              "client" [label="客户端 client\n192.0.2.1:40000"], "server" [label="服务器 server\n198.51.100.1:5555"];
              "client" note "client" [label="connect() · SYN_SENT"];
              "client" => "server" [label="SYN seq=0 [0 → 10 毫秒]", arcskip="1"];
              "server" note "server" [label="listen(:5555)"];
              "server" note "server" [label="SYN_RECV"];
              "server" => "client" [label="SYN, ACK seq=0 ack=1 [10 毫秒 → 20 毫秒]"];
              "client" note "client" [label="ESTABLISHED"];
              "client" => "server" [label="ACK seq=1 ack=1 [20 毫秒 → 30 毫秒]"];
              "server" note "server" [label="ESTABLISHED"];
              ... [label="⋯ 70 毫秒后"];
              "client" note "client" [label="close() · FIN_WAIT1"];
              "client" => "server" [label="FIN, ACK seq=1 ack=1 [100 毫秒 → 110 毫秒]"];
              "server" note "server" [label="CLOSE_WAIT"];
              "server" note "server" [label="延迟确认：下一个节拍 到期"];
              "server" => "client" [label="ACK seq=1 ack=2 [112 毫秒 → 122 毫秒]"];
              "client" note "client" [label="FIN_WAIT2"];
              ... [label="⋯ 88 毫秒后"];
              "server" note "server" [label="close() · LAST_ACK"];
              "server" => "client" [label="FIN, ACK seq=1 ack=2 [210 毫秒 → 220 毫秒]"];
              "client" note "client" [label="TIME_WAIT · 2MSL 60 秒"];
              "client" -x "server" [label="ACK seq=2 ack=2 (被丢弃) [220 毫秒 → ✕ 被丢弃]"];
              ... [label="⋯ 212 毫秒后"];
              "server" note "server" [label="RTO 220 毫秒 到期"];
              "server" >> "client" [label="FIN, ACK seq=1 ack=2 (重传) [432 毫秒 → 442 毫秒]"];
              "client" note "client" [label="2MSL 60 秒（重新计时）"];
              "client" => "server" [label="ACK seq=2 ack=2 [442 毫秒 → 452 毫秒]"];
              "server" note "server" [label="CLOSED"];
              ... [label="⋯ 60.99 秒后"];
              "client" note "client" [label="2MSL 60 秒 到期 · CLOSED"];
            }
        "#]],
    );
}

#[test]
fn geometry_handshake() {
    check_geometry(
        "handshake",
        expect![[r#"
            size 672.6x866
            lifeline 0 x=191.4 54..850 [client] 192.0.2.1:40000
            lifeline 1 x=521.4 54..850 [server] 198.51.100.1:5555
            break 347..411 "⋯ 90 ms later"
            break 628..692 "⋯ 48 ms later"
            break 762..826 "⋯ 61.17 s later"
            band h1 LISTEN ×0 y=84..119
            band h0 SYN_SENT ×1 y=84..154
            band h1 SYN_RECV ×1 y=119..211
            band h0 ESTABLISHED ×1 y=154..411
            band h1 ESTABLISHED ×1 y=211..446
            band h0 FIN_WAIT1 ×1 y=411..628
            band h1 CLOSE_WAIT ×1 y=446..692
            band h0 FIN_WAIT2 ×1 y=628..727
            band h1 LAST_ACK ×1 y=692..762
            band h0 TIME_WAIT ×1 y=727..826
            band h1 LISTEN ×0 y=762..826
            state h0 y=84 SYN_SENT
            state h1 y=84 LISTEN
            state h1 y=119 SYN_RECV
            state h0 y=154 ESTABLISHED
            state h1 y=211 ESTABLISHED
            state h0 y=411 FIN_WAIT1
            state h1 y=446 CLOSE_WAIT
            state h0 y=628 FIN_WAIT2
            state h1 y=692 LAST_ACK
            state h0 y=727 TIME_WAIT
            state h1 y=762 CLOSED
            state h0 y=826 CLOSED
            timer h0 x=180.4 84..154 Cancelled "RTO 1 s"
            timer h1 x=532.4 119..211 Cancelled "RTO 1 s"
            timer h0 x=180.4 176..290 Cancelled "RTO 220 ms"
            timer h1 x=532.4 255..347 Cancelled "RTO 220 ms"
            timer h0 x=180.4 411..628 Cancelled "RTO 220 ms"
            timer h1 x=532.4 446..593 Fired "delayed ACK 40 ms"
            timer h0 x=180.4 628..727 Cancelled "FIN_WAIT2 60 s"
            timer h1 x=532.4 692..762 Cancelled "RTO 220 ms"
            timer h0 x=180.4 727..826 Fired "2MSL 60 s"
            arrow 0 196.4,84 -> 516.4,119 [S] SYN seq=0 steps 0..1
            arrow 1 516.4,119 -> 196.4,154 [SA] SYN, ACK seq=0 ack=1 steps 1..2
            arrow 2 196.4,154 -> 516.4,211 [A] ACK seq=1 ack=1 steps 2..4
            arrow 3 196.4,176 -> 516.4,233 [PA] ACK seq=1 ack=1 len=5 steps 3..5
            arrow 4 516.4,233 -> 196.4,290 [A] ACK seq=1 ack=6 steps 5..7
            arrow 5 516.4,255 -> 196.4,312 [PA] ACK seq=1 ack=6 len=5 steps 6..8
            arrow 6 196.4,312 -> 516.4,347 [A] ACK seq=6 ack=6 steps 8..9
            arrow 7 196.4,411 -> 516.4,446 [FA] FIN, ACK seq=6 ack=6 steps 10..11
            arrow 8 516.4,593 -> 196.4,628 [A] ACK seq=6 ack=7 steps 12..13
            arrow 9 516.4,692 -> 196.4,727 [FA] FIN, ACK seq=6 ack=7 steps 14..15
            arrow 10 196.4,727 -> 516.4,762 [A] ACK seq=7 ack=7 steps 15..16
            note h0 y=84 App connect()
            note h1 y=84 App listen(:5555)
            note h0 y=411 App close()
            note h1 y=446 EndOfStream read() = 0: EOF
            note h1 y=692 App close()
        "#]],
    );
}

#[test]
fn geometry_lost_final_ack() {
    check_geometry(
        "lost-final-ack",
        expect![[r#"
            size 772.4x705
            lifeline 0 x=237.6 54..689 [client] 192.0.2.1:40000
            lifeline 1 x=588.2 54..689 [server] 198.51.100.1:5555
            break 189..253 "⋯ 70 ms later"
            break 333..397 "⋯ 88 ms later"
            break 467..531 "⋯ 202 ms later"
            break 601..665 "⋯ 60.99 s later"
            band h1 LISTEN ×0 y=84..119
            band h0 SYN_SENT ×1 y=84..154
            band h1 SYN_RECV ×1 y=119..189
            band h0 ESTABLISHED ×1 y=154..253
            band h1 ESTABLISHED ×1 y=189..288
            band h0 FIN_WAIT1 ×1 y=253..333
            band h1 CLOSE_WAIT ×1 y=288..397
            band h0 FIN_WAIT2 ×1 y=333..432
            band h1 LAST_ACK ×1 y=397..601
            band h0 TIME_WAIT ×1 y=432..665
            band h1 LISTEN ×0 y=601..665
            state h0 y=84 SYN_SENT
            state h1 y=84 LISTEN
            state h1 y=119 SYN_RECV
            state h0 y=154 ESTABLISHED
            state h1 y=189 ESTABLISHED
            state h0 y=253 FIN_WAIT1
            state h1 y=288 CLOSE_WAIT
            state h0 y=333 FIN_WAIT2
            state h1 y=397 LAST_ACK
            state h0 y=432 TIME_WAIT
            state h1 y=601 CLOSED
            state h0 y=665 CLOSED
            timer h0 x=226.6 84..154 Cancelled "RTO 1 s"
            timer h1 x=599.2 119..189 Cancelled "RTO 1 s"
            timer h0 x=226.6 253..333 Cancelled "RTO 220 ms"
            timer h1 x=599.2 288..298 Fired "delayed ACK: next tick"
            timer h0 x=226.6 333..432 Cancelled "FIN_WAIT2 60 s"
            timer h1 x=599.2 397..531 Fired "RTO 220 ms"
            timer h0 x=226.6 432..566 Restarted "2MSL 60 s"
            timer h1 x=599.2 531..601 Cancelled "RTO 440 ms (retry 1)"
            timer h0 x=226.6 566..665 Fired "2MSL 60 s (restarted)"
            arrow 0 242.6,84 -> 583.2,119 [S] SYN seq=0 steps 0..1
            arrow 1 583.2,119 -> 242.6,154 [SA] SYN, ACK seq=0 ack=1 steps 1..2
            arrow 2 242.6,154 -> 583.2,189 [A] ACK seq=1 ack=1 steps 2..3
            arrow 3 242.6,253 -> 583.2,288 [FA] FIN, ACK seq=1 ack=1 steps 4..5
            arrow 4 583.2,298 -> 242.6,333 [A] ACK seq=1 ack=2 steps 6..7
            arrow 5 583.2,397 -> 242.6,432 [FA] FIN, ACK seq=1 ack=2 steps 8..9
            arrow 6 242.6,432 -> 395.9,447.8 ✕ [A] ACK seq=2 ack=2 (dropped) steps 9..9
            arrow 7 583.2,531 -> 242.6,566 [FA] FIN, ACK seq=1 ack=2 (retransmission) steps 10..11
            arrow 8 242.6,566 -> 583.2,601 [A] ACK seq=2 ack=2 steps 11..12
            note h0 y=84 App connect()
            note h1 y=84 App listen(:5555)
            note h0 y=253 App close()
            note h1 y=288 EndOfStream read() = 0: EOF
            note h1 y=397 App close()
        "#]],
    );
}

#[test]
fn geometry_simultaneous_open() {
    check_geometry(
        "simultaneous-open",
        expect![[r#"
            size 700x471
            lifeline 0 x=171.6 54..455 [A] 192.0.2.1:40000
            lifeline 1 x=562 54..455 [B] 198.51.100.1:5555
            break 154..218 "⋯ 100 ms later"
            break 367..431 "⋯ 240 s later"
            band h1 SYN_SENT ×1 y=84..119
            band h0 SYN_SENT ×1 y=84..119
            band h0 SYN_RECV ×1 y=119..154
            band h1 SYN_RECV ×1 y=119..154
            band h0 ESTABLISHED ×1 y=154..218
            band h1 ESTABLISHED ×1 y=154..253
            band h1 CLOSE_WAIT ×1 y=253..275
            band h0 FIN_WAIT1 ×1 y=218..310
            band h0 FIN_WAIT2 ×1 y=310..332
            band h1 LAST_ACK ×1 y=275..367
            band h0 TIME_WAIT ×1 y=332..431
            state h0 y=84 SYN_SENT
            state h1 y=84 SYN_SENT
            state h1 y=119 SYN_RECV
            state h0 y=119 SYN_RECV
            state h0 y=154 ESTABLISHED
            state h1 y=154 ESTABLISHED
            state h0 y=218 FIN_WAIT1
            state h1 y=253 CLOSE_WAIT
            state h1 y=275 LAST_ACK
            state h0 y=310 FIN_WAIT2
            state h0 y=332 TIME_WAIT
            state h1 y=367 CLOSED
            state h0 y=431 CLOSED
            timer h0 x=160.6 84..154 Cancelled "RTO 1 s"
            timer h1 x=573 84..154 Cancelled "RTO 1 s"
            timer h0 x=160.6 218..310 Cancelled "RTO 1 s"
            timer h1 x=573 275..367 Cancelled "RTO 1 s"
            timer h0 x=160.6 332..431 Fired "2MSL 240 s"
            arrow 0 176.6,84 -> 557,119 [S] SYN seq=0 steps 0..1
            arrow 1 557,84 -> 176.6,119 [S] SYN seq=0 steps 0..1
            arrow 2 557,119 -> 176.6,154 [SA] SYN, ACK seq=0 ack=1 steps 1..2
            arrow 3 176.6,119 -> 557,154 [SA] SYN, ACK seq=0 ack=1 steps 1..2
            arrow 4 176.6,218 -> 557,253 [FA] FIN, ACK seq=1 ack=1 steps 3..4
            arrow 5 557,253 -> 176.6,310 [A] ACK seq=1 ack=2 steps 4..6
            arrow 6 557,275 -> 176.6,332 [FA] FIN, ACK seq=1 ack=2 steps 5..7
            arrow 7 176.6,332 -> 557,367 [A] ACK seq=2 ack=2 steps 7..8
            note h0 y=84 App connect()
            note h1 y=84 App connect()
            note h0 y=218 App close()
            note h1 y=253 EndOfStream read() = 0: EOF
            note h1 y=275 App close()
        "#]],
    );
}

#[test]
fn sequencediagram_simultaneous_open() {
    check_sequencediagram(
        "simultaneous-open",
        Lang::En,
        expect![[r#"
        participant "A\n192.0.2.1:40000" as A
        participant "B\n198.51.100.1:5555" as B
        note over A:connect() · SYN_SENT
        A->(2)B:SYN seq=0\n0 → 10 ms
        note over B:connect() · SYN_SENT
        B->A:SYN seq=0\n0 → 10 ms
        note over B:SYN_RECV
        B->(2)A:SYN, ACK seq=0 ack=1\n10 ms → 20 ms
        note over A:SYN_RECV
        A->B:SYN, ACK seq=0 ack=1\n10 ms → 20 ms
        note over A:ESTABLISHED
        note over B:ESTABLISHED
        ==⋯ 100 ms later==
        note over A:close() · FIN_WAIT1
        A->B:FIN, ACK seq=1 ack=1\n120 ms → 130 ms
        note over B:CLOSE_WAIT
        B->(2)A:ACK seq=1 ack=2\n130 ms → 140 ms
        note over B:close() · LAST_ACK
        B->A:FIN, ACK seq=1 ack=2\n130 ms → 140 ms
        note over A:FIN_WAIT2 · TIME_WAIT · 2MSL 240 s
        A->B:ACK seq=2 ack=2\n140 ms → 150 ms
        note over B:CLOSED
        ==⋯ 240 s later==
        note over A:2MSL 240 s expired · CLOSED
    "#]],
    );
}

#[test]
fn sequencediagram_lost_syn_in_chinese() {
    check_sequencediagram(
        "lost-syn",
        Lang::Zh,
        expect![[r#"
            participant "客户端 client\n192.0.2.1:40000" as client
            participant "服务器 server\n198.51.100.1:5555" as server
            note over client:connect() · SYN_SENT
            client-xserver:SYN seq=0 (被丢弃)\n0 → ✕ 被丢弃
            note over server:listen(:5555)
            ==⋯ 1.02 秒后==
            note over client:RTO 1 秒 到期
            client-->server:SYN seq=0 (重传)\n1.024 秒 → 1.034 秒
            note over server:SYN_RECV
            server->client:SYN, ACK seq=0 ack=1\n1.034 秒 → 1.044 秒
            note over client:ESTABLISHED
            client->(1)server:ACK seq=1 ack=1\n1.044 秒 → 1.054 秒
            client->server:ACK seq=1 ack=1 len=5\n1.044 秒 → 1.054 秒
            note over server:ESTABLISHED
            server->(1)client:ACK seq=1 ack=6\n1.054 秒 → 1.064 秒
            server->client:ACK seq=1 ack=6 len=5\n1.054 秒 → 1.064 秒
            client->server:ACK seq=6 ack=6\n1.064 秒 → 1.074 秒
            ==⋯ 90 毫秒后==
            note over client:close() · FIN_WAIT1
            client->server:FIN, ACK seq=6 ack=6\n1.164 秒 → 1.174 秒
            note over server:CLOSE_WAIT
            note over server:延迟确认 40 毫秒 到期
            server->client:ACK seq=6 ack=7\n1.216 秒 → 1.226 秒
            note over client:FIN_WAIT2
            ==⋯ 48 毫秒后==
            note over server:close() · LAST_ACK
            server->client:FIN, ACK seq=6 ack=7\n1.274 秒 → 1.284 秒
            note over client:TIME_WAIT · 2MSL 60 秒
            client->server:ACK seq=7 ack=7\n1.284 秒 → 1.294 秒
            note over server:CLOSED
            ==⋯ 60.15 秒后==
            note over client:2MSL 60 秒 到期 · CLOSED
        "#]],
    );
}
