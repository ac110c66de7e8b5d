//! Chinese typography shared by every writer of Chinese text: a space between Chinese characters
//! and Latin letters or digits (`客户端 A 调用 connect()`, `等待 40 毫秒`), as the glossary asks.
//! Templates cannot always place the space themselves: whether `{who}` is `客户端` or `A` is known
//! only when the text is rendered.

use alloc::string::String;

/// Whether `c` is a Chinese character (CJK Unified Ideographs and Extension A).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// `text` with one space inserted wherever a Chinese character touches an ASCII letter or digit.
/// Punctuation (Chinese or Latin) is left as it is, and so is text without Chinese.
pub fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if let Some(p) = prev {
            let latin = |x: char| x.is_ascii_alphanumeric();
            if (is_han(p) && latin(c)) || (latin(p) && is_han(c)) {
                out.push(' ');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::spaced;

    #[test]
    fn spaces_chinese_from_latin_and_digits_only() {
        assert_eq!(spaced("主机B收到SYN，等待40毫秒。"), "主机 B 收到 SYN，等待 40 毫秒。");
        assert_eq!(spaced("客户端 A 调用 connect()。"), "客户端 A 调用 connect()。");
        assert_eq!(spaced("（RTO）：2MSL，"), "（RTO）：2MSL，");
        assert_eq!(spaced("seq=0 ack=1"), "seq=0 ack=1");
        assert_eq!(spaced(""), "");
    }
}
