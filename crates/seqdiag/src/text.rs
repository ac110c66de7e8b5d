//! How wide a text is drawn: the layout's estimate. (The words themselves are the `bilingual`
//! crate's.)

/// Estimated width in pixels of `text` in a monospace font of `size` px: 0.6 em per character,
/// twice that for wide (CJK, full-width) characters.
pub fn width(text: &str, size: f32) -> f32 {
    // Most labels are ASCII: one byte per character, none wide (the same sum, without decoding).
    if text.is_ascii() {
        return text.bytes().map(|_| 0.6).sum::<f32>() * size;
    }
    text.chars().map(|c| if is_wide(c) { 1.2 } else { 0.6 }).sum::<f32>() * size
}

/// East Asian wide and full-width characters (the ranges that matter for Chinese text).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(width("abcd", 10.0), 24.0);
        assert_eq!(width("重传", 10.0), 24.0);
    }
}
