//! Random valid scenarios within the format's limits: every run stops within its work budget and
//! its trace keeps `tcp_sim::invariants` (sequence order, no ACK storm, everything in range). The
//! budget is counted (segments, connections, events), never timed. The same generator drives the
//! simulator's fuzz target (`cargo xtask fuzz simulate`).

#[path = "common/random.rs"]
mod random;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use tcp_sim::{Limits, invariants, simulate_with};

/// Small limits, so that many scenarios reach them in a short test.
const SMALL: Limits = Limits { segments: 300, connections: 20, events: 2_000, steps: 4_000 };

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x5ca1ab1e),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn runs_stop_within_small_limits(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let scenario = random::scenario(&bytes);
        let trace = simulate_with(&scenario, SMALL);
        if let Err(broken) = invariants::check(&scenario, &SMALL, &trace) {
            prop_assert!(false, "{}", broken);
        }
        prop_assert_eq!(trace.to_json(), simulate_with(&scenario, SMALL).to_json(), "deterministic");
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn runs_stop_within_the_default_limits(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let scenario = random::scenario(&bytes);
        let trace = simulate_with(&scenario, Limits::DEFAULT);
        if let Err(broken) = invariants::check(&scenario, &Limits::DEFAULT, &trace) {
            prop_assert!(false, "{}", broken);
        }
    }
}
