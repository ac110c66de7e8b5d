//! From text to logical lines: comments removed, `#ifdef` branches chosen, `%{ … }%` code kept
//! whole even when it spans lines. Each logical line keeps the number of the line it starts on.

use crate::error::ParseError;
use alloc::string::String;
use alloc::vec::Vec;

/// One statement's text and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogicalLine {
    pub(crate) line: u32,
    pub(crate) text: String,
}

/// The logical lines of the branches selected by `defined`, and the symbols of `#ifdef`s that
/// have no `#else` (which say what the script expects of one stack only).
#[derive(Debug, Default)]
pub(crate) struct Lines {
    pub(crate) lines: Vec<LogicalLine>,
    pub(crate) symbols: Vec<String>,
}

/// An open `#ifdef`/`#ifndef`: whether its current branch is taken, and whether `#else` was seen.
#[derive(Clone, Debug)]
struct Branch {
    outer_active: bool,
    condition: bool,
    in_else: bool,
    line: u32,
    /// The symbol of an `#ifdef` (not `#ifndef`).
    ifdef: Option<String>,
}

impl Branch {
    fn active(&self) -> bool {
        self.outer_active && (self.condition != self.in_else)
    }
}

/// Splits `text` into logical lines, keeping only the branches `defined` selects.
pub(crate) fn logical_lines(text: &str, defined: &dyn Fn(&str) -> bool) -> Result<Lines, ParseError> {
    let mut out = Lines::default();
    let mut branches: Vec<Branch> = Vec::new();
    let mut scanner = Scanner { chars: text.char_indices().peekable(), line: 1 };
    while let Some(raw) = scanner.next_line()? {
        let active = branches.last().is_none_or(Branch::active);
        let trimmed = raw.text.trim();
        if let Some(directive) = trimmed.strip_prefix('#') {
            directive_line(directive.trim(), raw.line, active, &mut branches, &mut out.symbols, defined)?;
            continue;
        }
        if active && !trimmed.is_empty() {
            out.lines.push(LogicalLine { line: raw.line, text: String::from(trimmed) });
        }
    }
    if let Some(open) = branches.last() {
        return Err(ParseError::malformed(open.line, "this #ifdef has no #endif"));
    }
    Ok(out)
}

fn directive_line(
    directive: &str,
    line: u32,
    active: bool,
    branches: &mut Vec<Branch>,
    symbols: &mut Vec<String>,
    defined: &dyn Fn(&str) -> bool,
) -> Result<(), ParseError> {
    let mut words = directive.split_whitespace();
    let name = words.next().unwrap_or("");
    let argument = words.next();
    let extra = words.next();
    match (name, argument, extra) {
        ("ifdef" | "ifndef", Some(symbol), None) => {
            let condition = defined(symbol) == (name == "ifdef");
            let ifdef = (name == "ifdef").then(|| String::from(symbol));
            branches.push(Branch { outer_active: active, condition, in_else: false, line, ifdef });
            Ok(())
        }
        ("ifdef" | "ifndef", _, _) => Err(ParseError::malformed(line, "#ifdef and #ifndef take one symbol")),
        ("else", None, _) => match branches.last_mut() {
            Some(b) if !b.in_else => {
                b.in_else = true;
                Ok(())
            }
            Some(_) => Err(ParseError::malformed(line, "a second #else for the same #ifdef")),
            None => Err(ParseError::malformed(line, "#else without #ifdef")),
        },
        ("endif", None, _) => match branches.pop() {
            Some(Branch { in_else: false, ifdef: Some(symbol), .. }) => {
                if !symbols.contains(&symbol) {
                    symbols.push(symbol);
                }
                Ok(())
            }
            Some(_) => Ok(()),
            None => Err(ParseError::malformed(line, "#endif without #ifdef")),
        },
        ("else" | "endif", Some(_), _) => Err(ParseError::malformed(line, "#else and #endif take nothing after them")),
        _ => Err(ParseError::unsupported(
            line,
            alloc::format!("the preprocessor directive `#{name}` (only #ifdef, #ifndef, #else and #endif)"),
        )),
    }
}

/// Reads physical text into logical lines: `//` and `/* */` comments become spaces, a newline
/// inside `%{ … }%` or a C comment does not end the line.
struct Scanner<'a> {
    chars: core::iter::Peekable<core::str::CharIndices<'a>>,
    line: u32,
}

impl Scanner<'_> {
    fn next_line(&mut self) -> Result<Option<LogicalLine>, ParseError> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        // The statement's line is where its first visible character is.
        let mut start = None;
        let mut text = String::new();
        while let Some((_, c)) = self.chars.next() {
            if start.is_none() && !c.is_whitespace() && !(c == '/' && (self.peek_is('/') || self.peek_is('*'))) {
                start = Some(self.line);
            }
            match c {
                '\n' => {
                    let line = start.unwrap_or(self.line);
                    self.line += 1;
                    return Ok(Some(LogicalLine { line, text }));
                }
                '/' if self.peek_is('/') => {
                    while self.chars.peek().is_some_and(|&(_, c)| c != '\n') {
                        self.chars.next();
                    }
                }
                '/' if self.peek_is('*') => {
                    self.chars.next();
                    self.skip_until("*/", "this /* comment is never closed")?;
                    text.push(' ');
                }
                '%' if self.peek_is('{') => {
                    self.chars.next();
                    text.push_str("%{");
                    let code = self.take_until("}%", "this %{ code block is never closed with }%")?;
                    text.push_str(&code);
                    text.push_str("}%");
                }
                '`' | '"' => {
                    text.push(c);
                    let quoted = self.take_quoted(c)?;
                    text.push_str(&quoted);
                }
                _ => text.push(c),
            }
        }
        Ok(Some(LogicalLine { line: start.unwrap_or(self.line), text }))
    }

    fn peek_is(&mut self, c: char) -> bool {
        self.chars.peek().is_some_and(|&(_, next)| next == c)
    }

    /// Skips to just after `end`, counting lines.
    fn skip_until(&mut self, end: &str, unclosed: &str) -> Result<(), ParseError> {
        self.take_until(end, unclosed).map(|_| ())
    }

    /// The text up to `end` (a two-character marker), which is consumed but not returned.
    fn take_until(&mut self, end: &str, unclosed: &str) -> Result<String, ParseError> {
        let start = self.line;
        let mut marker = end.chars();
        let (first, second) = (marker.next().unwrap_or(' '), marker.next().unwrap_or(' '));
        let mut taken = String::new();
        while let Some((_, c)) = self.chars.next() {
            if c == first && self.peek_is(second) {
                self.chars.next();
                return Ok(taken);
            }
            if c == '\n' {
                self.line += 1;
                taken.push(' ');
            } else {
                taken.push(c);
            }
        }
        Err(ParseError::malformed(start, unclosed))
    }

    /// The rest of a quoted string or command on this line, the closing quote included.
    fn take_quoted(&mut self, quote: char) -> Result<String, ParseError> {
        let mut taken = String::new();
        while let Some(&(_, c)) = self.chars.peek() {
            if c == '\n' {
                break;
            }
            self.chars.next();
            taken.push(c);
            if c == '\\' {
                if let Some(&(_, escaped)) = self.chars.peek().filter(|&&(_, e)| e != '\n') {
                    self.chars.next();
                    taken.push(escaped);
                }
            } else if c == quote {
                return Ok(taken);
            }
        }
        let what =
            if quote == '`' { "this `command` is never closed on its line" } else { "this string is never closed" };
        Err(ParseError::malformed(self.line, what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn texts(src: &str, defined: &[&str]) -> Vec<(u32, String)> {
        let lines = logical_lines(src, &|s| defined.contains(&s)).expect("valid");
        lines.lines.into_iter().map(|l| (l.line, l.text)).collect()
    }

    #[test]
    fn comments_and_branches() {
        let src =
            "// head\n0 a() = 0 // tail\n#ifdef X\n+0 b\n#else\n+0 c\n#endif\n/* two\nlines */ +0 d\n%{ x = 1\n}%\n";
        assert_eq!(
            texts(src, &["X"]),
            vec![(2, "0 a() = 0".into()), (4, "+0 b".into()), (9, "+0 d".into()), (10, "%{ x = 1 }%".into())]
        );
        assert_eq!(texts(src, &[])[1], (6, "+0 c".into()));
    }

    #[test]
    fn unbalanced_directives_name_their_line() {
        let err = logical_lines("#ifdef A\n0 x\n", &|_| true).unwrap_err();
        assert_eq!(err.line, 1);
        let err = logical_lines("0 x\n#endif\n", &|_| true).unwrap_err();
        assert_eq!(err.line, 2);
        let err = logical_lines("0 `sysctl\n", &|_| true).unwrap_err();
        assert_eq!(err.line, 1);
    }
}
