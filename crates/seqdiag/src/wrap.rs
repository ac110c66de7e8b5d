//! Line breaking for the diagram's texts, by estimated width.

use crate::text::{is_wide, width};
use alloc::string::String;
use alloc::vec::Vec;

/// Full-width punctuation that never starts a line.
fn closes(c: char) -> bool {
    matches!(c, '，' | '。' | '：' | '；' | '）' | '、' | '！' | '？' | '」' | '』')
}

/// Full-width punctuation that never ends a line.
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '“')
}

/// A unit after a number: `40 ms` stays on one line.
fn is_unit(word: &str) -> bool {
    ["ms", "s", "毫秒", "秒"]
        .iter()
        .any(|u| word == *u || word.strip_prefix(u).is_some_and(|r| r.starts_with([')', '（', ','])))
}

/// Splits `s` into lines at most `max` px wide in a monospace font of `size` px. Lines break at
/// spaces (which are dropped; not between a number and its unit) and after wide (CJK)
/// characters, never before closing full-width punctuation nor after opening; a word wider than
/// `max` gets a line of its own. A text that fits is one line.
pub(crate) fn wrap(s: &str, size: f32, max: f32) -> Vec<String> {
    if width(s, size) <= max {
        return alloc::vec![String::from(s)];
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut piece = String::new();
    let push_piece = |piece: &mut String, lines: &mut Vec<String>, line: &mut String| {
        if piece.is_empty() {
            return;
        }
        let joined_w = width(line, size) + width(piece, size);
        if !line.is_empty() && joined_w > max {
            let done = core::mem::take(line);
            lines.push(String::from(done.trim_end()));
        }
        line.push_str(piece);
        piece.clear();
    };
    let mut chars = s.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        piece.push(c);
        let next = chars.peek().map(|&(_, n)| n);
        let unit_follows = c == ' ' && prev.is_ascii_digit() && is_unit(s[i + 1..].split(' ').next().unwrap_or(""));
        // `毫秒` (a unit) stays whole.
        let breaks_after = (c == ' ' && !unit_follows)
            || (is_wide(c) && c != '毫' && !opens(c) && next.is_some_and(|n| !closes(n) && n != ' '));
        prev = c;
        if breaks_after {
            push_piece(&mut piece, &mut lines, &mut line);
        }
    }
    push_piece(&mut piece, &mut lines, &mut line);
    if !line.trim_end().is_empty() {
        lines.push(String::from(line.trim_end()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_between_wide_characters() {
        // 11 px monospace: 6.6 px per narrow character.
        assert_eq!(wrap("SYN_SENT", 11.0, 100.0), ["SYN_SENT"]);
        assert_eq!(wrap("CLOSE_WAIT → LAST_ACK", 11.0, 90.0), ["CLOSE_WAIT →", "LAST_ACK"]);
        assert_eq!(wrap("ECONNREFUSED: refused", 11.0, 96.0), ["ECONNREFUSED:", "refused"]);
        assert_eq!(wrap("delayed ACK 40 ms", 11.0, 96.0), ["delayed ACK", "40 ms"]);
        assert_eq!(wrap("RTO 2 s (retry 1)", 11.0, 60.0), ["RTO 2 s", "(retry 1)"]);
        assert_eq!(wrap("延迟确认 40 毫秒", 11.0, 70.0), ["延迟确认", "40 毫秒"]);
        assert_eq!(wrap("ECONNRESET：连接被对方重置", 11.0, 96.0), ["ECONNRESET：连", "接被对方重置"]);
        assert_eq!(wrap("半连接队列已满：丢弃", 11.0, 60.0), ["半连接队", "列已满：", "丢弃"]);
        // An opening bracket goes with what it opens (it ended the line before).
        assert_eq!(wrap("RTO 440 毫秒（第 1 次重试）", 11.0, 100.0), ["RTO 440 毫秒", "（第 1 次重试）"]);
        let long = wrap("abort: close() with SO_LINGER 0", 11.0, 96.0);
        assert_eq!(long, ["abort:", "close() with", "SO_LINGER 0"]);
        assert!(long.iter().all(|l| width(l, 11.0) <= 96.0));
    }
}
