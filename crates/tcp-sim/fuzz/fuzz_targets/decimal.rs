//! Fuzzes `tcp_sim::decimal::parse_f64`, the page's own reader of numbers, against core's
//! `str::parse::<f64>`: for any text, both accept it or both refuse it, and read the same double,
//! bit for bit. And what `Shortest` writes of that double reads back as it.
//!
//! Run with `cargo xtask fuzz decimal`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcp_sim::decimal::{Shortest, parse_f64};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let ours = parse_f64(text);
    let core = text.parse::<f64>().ok();
    assert_eq!(ours.map(f64::to_bits), core.map(f64::to_bits), "{text:?}");
    if let Some(v) = ours.filter(|v| v.is_finite()) {
        let written = Shortest(v).to_string();
        let back = parse_f64(&written).expect("Shortest writes a number");
        if (1e-7..1e18).contains(&v.abs()) || v == 0.0 {
            assert_eq!(back.to_bits(), v.to_bits(), "{v:?} written {written}");
        }
    }
});
