//! Same scenario and seed, byte-identical trace; another seed, other random losses.

use tcp_sim::{Scenario, catalogue, simulate};

fn lossy(seed: u64) -> Scenario {
    let mut s = catalogue::get("handshake").unwrap().scenario().unwrap();
    s.link.loss = tcp_sim::scenario::Probability::new(0.3).unwrap();
    s.seed = seed;
    s
}

#[test]
fn same_seed_same_bytes() {
    for entry in catalogue::ENTRIES {
        let s = entry.scenario().unwrap();
        assert_eq!(simulate(&s).to_json(), simulate(&s).to_json(), "{}", entry.name);
    }
    assert_eq!(simulate(&lossy(7)).to_json(), simulate(&lossy(7)).to_json());
}

#[test]
fn seeds_change_random_losses_and_isns() {
    let a = simulate(&lossy(1));
    let b = simulate(&lossy(2));
    assert_ne!(a.to_json(), b.to_json());
    assert_ne!(a.segments[0].repr.seq, b.segments[0].repr.seq, "random ISNs come from the seed");
}

#[test]
fn scenario_round_trips_through_toml_and_json() {
    for entry in catalogue::ENTRIES {
        let s = entry.scenario().unwrap();
        assert_eq!(Scenario::from_toml(&s.to_toml()).unwrap(), s, "{} via TOML", entry.name);
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s, "{} via JSON", entry.name);
    }
}
