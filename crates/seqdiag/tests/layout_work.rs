//! The layout's work grows linearly with the trace. Over random scenarios (clients that reconnect
//! as soon as each connection closes, with random delay, loss, data and timers), the number of
//! geometric tests that placing labels takes per segment stays put when the run is four times
//! longer, in every width class. Work is counted (`seqdiag::layout_counting`), never timed.

use proptest::prelude::*;
use seqdiag::{ViewOptions, WidthClass, layout_counting};
use tcp_sim::{Scenario, Trace, simulate};

/// What a random scenario looks like, whatever its length.
#[derive(Clone, Debug)]
struct Shape {
    clients: usize,
    delay_ms: u32,
    loss_percent: u32,
    bytes: usize,
    msl_ms: u32,
    delayed_ack: bool,
    seed: u64,
}

fn shape() -> impl Strategy<Value = Shape> {
    (1usize..=2, 1u32..40, 0u32..15, 0usize..3000, 20u32..400, any::<bool>(), any::<u64>()).prop_map(
        |(clients, delay_ms, loss_percent, bytes, msl_ms, delayed_ack, seed)| Shape {
            clients,
            delay_ms,
            loss_percent,
            bytes,
            msl_ms,
            delayed_ack,
            seed,
        },
    )
}

/// The scenario of `shape` run for `until_ms`.
fn trace(shape: &Shape, until_ms: u32) -> Trace {
    let dack = if shape.delayed_ack { 40 } else { 0 };
    let mut text = format!(
        "title.en = \"work\"\ntitle.zh = \"work\"\nseed = {}\nuntil_ms = {until_ms}\n\
         link = {{ delay_ms = {}, loss = {} }}\ntcp = {{ msl_ms = {}, delayed_ack_ms = {dack} }}\n\
         [[hosts]]\nname = \"server\"\naddr = \"198.51.100.1\"\napp = [ {{ at_ms = 0, do = \"listen\" }}, \
         {{ on = \"data\", repeat = true, do = \"send\", bytes = 10 }}, {{ on = \"eof\", repeat = true, do = \"close\" }} ]\n",
        shape.seed,
        shape.delay_ms,
        f64::from(shape.loss_percent) / 100.0,
        shape.msl_ms,
    );
    // Clients shut down their sending side (not close()): an application that closed a
    // connection is told nothing more of it, and these reconnect when it has ended.
    for c in 0..shape.clients {
        let on_connected = if shape.bytes == 0 {
            "{ on = \"connected\", repeat = true, do = \"shutdown\" }".to_string()
        } else {
            format!(
                "{{ on = \"connected\", repeat = true, do = \"send\", bytes = {} }}, {{ on = \"data\", repeat = true, do = \"shutdown\" }}",
                shape.bytes
            )
        };
        text.push_str(&format!(
            "[[hosts]]\nname = \"client{c}\"\naddr = \"192.0.2.{}\"\napp = [ {{ at_ms = {}, do = \"connect\", to = \"server\" }}, {on_connected}, \
             {{ on = \"closed\", repeat = true, do = \"connect\", to = \"server\" }}, \
             {{ on = \"timeout\", repeat = true, do = \"connect\", to = \"server\" }}, \
             {{ on = \"reset\", repeat = true, do = \"connect\", to = \"server\" }} ]\n",
            c + 1,
            c * 7,
        ));
    }
    simulate(&Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}")))
}

/// Label-placement tests per segment.
fn work_per_segment(trace: &Trace, width: WidthClass) -> f64 {
    let (_, probes) = layout_counting(trace, &ViewOptions { width, ..ViewOptions::default() });
    probes as f64 / trace.segments.len().max(1) as f64
}

proptest! {
    // A fixed seed: CI runs the same twelve shapes every time (a random one is a flaky test).
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5_9AC4),
        ..ProptestConfig::default()
    })]

    #[test]
    fn label_placement_work_is_linear_in_segments(shape in shape()) {
        let short = trace(&shape, 2_000);
        let long = trace(&shape, 8_000);
        // Four times the time gives about four times the segments (at least three); below 30
        // segments the fixed cost of the first labels dominates the ratio.
        prop_assume!(short.segments.len() >= 30 && long.segments.len() >= 3 * short.segments.len());
        for width in WidthClass::ALL {
            let (a, b) = (work_per_segment(&short, width), work_per_segment(&long, width));
            prop_assert!(
                b <= 2.0 * a + 20.0,
                "{width:?}: {a:.0} tests per segment for {} segments, {b:.0} for {}",
                short.segments.len(),
                long.segments.len()
            );
            prop_assert!(b < 1_000.0, "{width:?}: {b:.0} tests per segment");
        }
    }
}
