//! Tokens of one logical line, after packetdrill's lexical structure: numbers (`0.100`, `-1`,
//! `0x02`), words, `...`, strings, `` `commands` ``, `%{ code }%` and single characters.

use crate::error::ParseError;
use alloc::string::String;
use alloc::vec::Vec;

/// One token. A number keeps its text: the parser reads it as an integer ([`Tok::int`]) or as
/// seconds ([`Tok::micros`]), depending on where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A number as written: `42`, `-1`, `0.100`, `.5`, `0x02`.
    Num(String),
    /// `[A-Za-z_][A-Za-z0-9_]*`.
    Word(String),
    /// `...`.
    Ellipsis,
    /// `"text"`, without the quotes.
    Str(String),
    /// `` `command` ``, without the backquotes.
    Cmd(String),
    /// `%{ code }%`, without the markers.
    Code(String),
    /// Any other single character.
    Punct(char),
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Num(n) | Tok::Word(n) => n.clone(),
            Tok::Ellipsis => String::from("..."),
            Tok::Str(s) => alloc::format!("\"{s}\""),
            Tok::Cmd(_) => String::from("a `command`"),
            Tok::Code(_) => String::from("%{ code }%"),
            Tok::Punct(c) => alloc::format!("{c}"),
        }
    }

    /// The value of an integer token (decimal, negative or hexadecimal).
    pub(crate) fn int(&self) -> Option<i64> {
        let Tok::Num(text) = self else { return None };
        if let Some(hex) = text.strip_prefix("0x") {
            return i64::from_str_radix(hex, 16).ok();
        }
        text.parse().ok()
    }

    /// The value of a non-negative time in seconds (`0.1`, `2`, `.25`), in microseconds.
    pub(crate) fn micros(&self) -> Option<u64> {
        let Tok::Num(text) = self else { return None };
        let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), ""));
        if text.starts_with('-') || text.starts_with("0x") || fraction.len() > 6 {
            return None;
        }
        let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let mut micros: u64 = 0;
        for (i, d) in fraction.bytes().enumerate() {
            if !d.is_ascii_digit() {
                return None;
            }
            micros += u64::from(d - b'0') * 10u64.pow(5 - i as u32);
        }
        whole.checked_mul(1_000_000)?.checked_add(micros)
    }
}

/// Splits one logical line into tokens.
pub(crate) fn tokens(text: &str, line: u32) -> Result<Vec<Tok>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("...") {
            out.push(Tok::Ellipsis);
            i += 3;
        } else if c.is_ascii_digit() || (c == b'.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let end = number_end(bytes, i);
            out.push(Tok::Num(String::from(&text[i..end])));
            i = end;
        } else if c == b'-' && next.is_some_and(|n| n.is_ascii_digit()) {
            let end = number_end(bytes, i + 1);
            out.push(Tok::Num(String::from(&text[i..end])));
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = i + bytes[i..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
            out.push(Tok::Word(String::from(&text[i..end])));
            i = end;
        } else if c == b'"' || c == b'`' {
            let (body, end) = quoted(text, i, line)?;
            out.push(if c == b'"' { Tok::Str(body) } else { Tok::Cmd(body) });
            i = end;
        } else if text[i..].starts_with("%{") {
            let Some(close) = text[i + 2..].find("}%") else {
                return Err(ParseError::malformed(line, "this %{ code block is never closed with }%"));
            };
            out.push(Tok::Code(String::from(text[i + 2..i + 2 + close].trim())));
            i += close + 4;
        } else if c.is_ascii_punctuation() {
            out.push(Tok::Punct(char::from(c)));
            i += 1;
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(ParseError::malformed(line, alloc::format!("unexpected character `{}`", ch.escape_default())));
        }
    }
    Ok(out)
}

/// The end of a number starting at `start`: digits (hex after `0x`), then one fraction.
fn number_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    if bytes[i..].starts_with(b"0x") {
        i += 2;
        while bytes.get(i).is_some_and(u8::is_ascii_hexdigit) {
            i += 1;
        }
        return i;
    }
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    // A fraction, unless the dot starts `...` (as in `1.00...6.00`).
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    i
}

/// The body of the string or command opening at `start`, and the index after its closing quote.
fn quoted(text: &str, start: usize, line: u32) -> Result<(String, usize), ParseError> {
    let quote = text.as_bytes()[start];
    let mut body = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, escaped)) => {
                    body.push('\\');
                    body.push(escaped);
                }
                None => break,
            }
        } else if u32::from(c) == u32::from(quote) {
            return Ok((body, start + 1 + offset + 1));
        } else {
            body.push(c);
        }
    }
    Err(ParseError::malformed(line, "a quoted string or `command` is never closed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn numbers_words_and_punctuation() {
        let toks = tokens("1.00...6.00 connect(3, ..., ...) = -1 EINPROGRESS", 1).expect("tokens");
        assert_eq!(toks[0], Tok::Num("1.00".into()));
        assert_eq!(toks[1], Tok::Ellipsis);
        assert_eq!(toks[2].micros(), Some(6_000_000));
        assert_eq!(toks[3], Tok::Word("connect".into()));
        assert_eq!(toks[12].int(), Some(-1));
        assert_eq!(tokens("> S. 0:0(0)", 1).expect("tokens")[2], Tok::Punct('.'));
        assert_eq!(Tok::Num(".25".into()).micros(), Some(250_000));
        assert_eq!(Tok::Num("0x02".into()).int(), Some(2));
        assert_eq!(Tok::Num("0.0000001".into()).micros(), None);
        assert_eq!(tokens("`a b`", 1).expect("tokens"), vec![Tok::Cmd("a b".into())]);
        assert!(tokens("é", 7).unwrap_err().message.contains("unexpected character"));
    }
}
