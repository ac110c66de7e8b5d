//! Small float helpers that `core` lacks, and number formatting without float formatting code
//! (keeps the wasm small).

use bilingual::decimal;
use core::fmt;

/// Rounds to the nearest integer, halves away from zero.
pub(crate) fn round(x: f32) -> i64 {
    if x >= 0.0 { (x + 0.5) as i64 } else { (x - 0.5) as i64 }
}

#[cfg(test)]
pub(crate) fn abs(x: f32) -> f32 {
    if x < 0.0 { -x } else { x }
}

/// The smaller of `a` and `b`, compared by hand: `f32::min` is a call to `fminf` in the wasm (and
/// on x86-64), too slow for the shape tests every label placement runs.
pub(crate) fn min(a: f32, b: f32) -> f32 {
    if b < a { b } else { a }
}

/// The larger of `a` and `b`, compared by hand (see [`min`]).
pub(crate) fn max(a: f32, b: f32) -> f32 {
    if b > a { b } else { a }
}

/// Square root by Newton's method from a bit-level first guess; exact enough for geometry.
pub(crate) fn sqrt(x: f32) -> f32 {
    if x <= 0.0 || !x.is_finite() {
        return 0.0;
    }
    let mut r = f32::from_bits((x.to_bits() >> 1) + 0x1fbd_1df5);
    for _ in 0..4 {
        r = 0.5 * (r + x / r);
    }
    r
}

/// A coordinate printed with at most one decimal: `12`, `12.5`, `-3.2`.
#[derive(Clone, Copy, Debug)]
pub struct Px(pub f32);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = round(self.0 * 10.0);
        let sign = if tenths < 0 { "-" } else { "" };
        let t = tenths.unsigned_abs();
        if t.is_multiple_of(10) { write!(f, "{sign}{}", t / 10) } else { write!(f, "{sign}{}.{}", t / 10, t % 10) }
    }
}

/// A direction cosine printed with four decimals: `0.9921`, `-0.1253`, `1`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cos(pub(crate) f32);

impl fmt::Display for Cos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = round(self.0 * 10_000.0);
        let sign = if v < 0 { "-" } else { "" };
        write!(f, "{sign}{}", decimal(v.unsigned_abs(), 4))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;

    #[test]
    fn px_and_decimal() {
        assert_eq!(format!("{}", Px(12.0)), "12");
        assert_eq!(format!("{}", Px(12.46)), "12.5");
        assert_eq!(format!("{}", Px(-3.24)), "-3.2");
        assert_eq!(format!("{}", Px(-0.04)), "0");
        assert_eq!(format!("{}", decimal(60260, 3)), "60.26");
        assert_eq!(format!("{}", decimal(1005, 3)), "1.005");
        assert_eq!(format!("{}", decimal(2000, 3)), "2");
        assert_eq!(format!("{}", Cos(0.99213)), "0.9921");
        assert_eq!(format!("{}", Cos(-0.1)), "-0.1");
        assert_eq!(format!("{}", Cos(1.0)), "1");
    }

    #[test]
    fn sqrt_is_close() {
        for x in [0.25f32, 1.0, 2.0, 100.0, 12345.0, 1e-3] {
            let r = sqrt(x);
            assert!(abs(r * r - x) / x < 1e-5, "{x}: {r}");
        }
        assert_eq!(sqrt(0.0), 0.0);
    }
}
