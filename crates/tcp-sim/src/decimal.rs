//! [`Shortest`]: an `f64` written with the fewest digits that read back as the same number, as
//! `{}` writes it, without core's float formatting (Grisu and Dragon4, about 10 KB of the web
//! app's compressed first download). It expands the number exactly with integer arithmetic, tries
//! 0, 1, 2... decimals and keeps the first that `str::parse` (which the app has anyway) reads
//! back exactly.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Displays the number like `{}` does (`0.1`, `12.5`, `-5`, `1000000000`), reading back exactly;
/// magnitudes of 10^18 and more, or below 10^-7, in scientific notation (`1e300`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            return f.write_str("NaN");
        }
        let sign = if v.is_sign_negative() { "-" } else { "" };
        let a = v.abs();
        if a.is_infinite() {
            return write!(f, "{sign}inf");
        }
        if a == 0.0 {
            return write!(f, "{sign}0");
        }
        if (1e-7..1e18).contains(&a) {
            return f.write_str(&format!("{sign}{}", positional(a)));
        }
        // Scientific: the mantissa (in [1, 10), scaled in floating point: close, not exact).
        let mut exponent = 0i32;
        let mut m = a;
        while m >= 10.0 {
            m /= 10.0;
            exponent += 1;
        }
        while m < 1.0 {
            m *= 10.0;
            exponent -= 1;
        }
        // The fewest mantissa digits that read back as the number itself, if any does.
        let (whole, digits) = expansion(m);
        let text = (0..=digits.len())
            .map(|places| format!("{}e{exponent}", rounded(whole, &digits, places)))
            .find(|text| text.parse::<f64>() == Ok(a))
            .unwrap_or_else(|| format!("{}e{exponent}", positional(m)));
        write!(f, "{sign}{text}")
    }
}

/// `a` (positive, from 10^-7 to below 10^18) with the fewest decimals that read back exactly,
/// each candidate rounded from the exact value (a double is a binary fraction, so its decimal
/// expansion ends), like core; a whole number above 2^53 with as many trailing zeros as read back.
fn positional(a: f64) -> String {
    if a >= 9_007_199_254_740_992.0 {
        let whole = a as u64;
        for zeros in (1..=18).rev() {
            let unit = 10u64.pow(zeros);
            let text = format!("{}", (whole + unit / 2) / unit * unit);
            if text.parse::<f64>() == Ok(a) {
                return text;
            }
        }
        return format!("{whole}");
    }
    let (whole, digits) = expansion(a);
    for places in 0..=digits.len() {
        let text = rounded(whole, &digits, places);
        if places == digits.len() || text.parse::<f64>() == Ok(a) {
            return text;
        }
    }
    format!("{whole}")
}

/// `a` (positive, below 2^53) exactly: its whole part and every digit of its fraction. (A double
/// is mantissa * 2^-shift, with shift at most 77 from 10^-7 up: the fraction's numerator over
/// 2^shift, times 10, fits in 128 bits; below, the digits stop there.)
fn expansion(a: f64) -> (u64, Vec<u8>) {
    let bits = a.to_bits();
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    let shift = (1075 - ((bits >> 52) & 0x7ff) as i32).clamp(0, 120) as u32;
    let whole = (mantissa >> shift) as u64;
    let mut numerator = mantissa & ((1 << shift) - 1);
    let mut digits = Vec::new();
    while numerator != 0 && digits.len() < 40 {
        numerator *= 10;
        digits.push((numerator >> shift) as u8);
        numerator &= (1 << shift) - 1;
    }
    (whole, digits)
}

/// `whole.digits` rounded (half up) to `places` decimals, as text.
fn rounded(whole: u64, digits: &[u8], places: usize) -> String {
    let mut kept: Vec<u8> = digits[..places].to_vec();
    let mut whole = whole;
    if digits.get(places).is_some_and(|&d| d >= 5) {
        // Carry up through the kept digits, into the whole part if they are all nines.
        let mut i = kept.len();
        loop {
            if i == 0 {
                whole += 1;
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let mut text = format!("{whole}");
    if places > 0 {
        text.push('.');
        text.extend(kept.iter().map(|&d| char::from(b'0' + d)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn writes_what_core_writes() {
        let values = [
            0.1,
            0.25,
            12.5,
            1.5,
            -5.0,
            2.0,
            100.0,
            1e9,
            0.05,
            1.0 / 3.0,
            2.0 / 3.0,
            0.1 + 0.2,
            123456.789,
            1e-7,
            3.3e-7,
            1e17,
            9.999e17,
            600000.0,
            1e15 + 0.3,
            4503599627370497.5,
            0.0001,
            7.0e-5,
            16.7,
            99.99,
        ];
        for v in values {
            assert_eq!(Shortest(v).to_string(), format!("{v}"), "{v:?}");
            assert_eq!(Shortest(-v).to_string(), format!("{}", -v), "{v:?}");
        }
        assert_eq!(Shortest(0.0).to_string(), "0");
        assert_eq!(Shortest(-0.0).to_string(), "-0");
        assert_eq!(Shortest(f64::NAN).to_string(), "NaN");
        assert_eq!(Shortest(f64::NEG_INFINITY).to_string(), "-inf");
    }

    #[test]
    fn reads_back_as_the_same_number() {
        // In positional notation (what links and settings hold), exactly and as core writes it;
        // outside, within a relative 1e-14 (only error messages show such numbers).
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut checked = 0;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Random magnitudes across the range, random digits.
            let v = f64::from_bits(x);
            let decimal = (x % 1_000_000_007) as f64 / [1.0, 10.0, 1e3, 1e7, 1e12][(x >> 60) as usize % 5];
            for v in [v, decimal] {
                if !v.is_finite() {
                    continue;
                }
                let text = Shortest(v).to_string();
                let back: f64 = text.parse().expect("a number");
                if (1e-7..1e18).contains(&v.abs()) {
                    assert_eq!(back, v, "{v:?} written {text}");
                    assert_eq!(text, format!("{v}"), "{v:?}");
                    checked += 1;
                } else {
                    assert!(((back - v) / v).abs() < 1e-14, "{v:?} written {text}");
                }
            }
        }
        assert!(checked > 50_000, "{checked}");
        assert_eq!(Shortest(1e300).to_string(), "1e300");
        assert_eq!(Shortest(2.5e-10).to_string(), "2.5e-10");
    }
}
